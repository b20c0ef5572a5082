const { WebClient } = require('@slack/web-api');
const fetch = require('node-fetch');

const slack = new WebClient('xoxb-2570590949-39627550810-zPDDIOuGiMDHceiMZqF6ckBd');
const WEBHOOK_URL = 'https://hooks.slack.com/services/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';

async function notify(channel, text) {
  await slack.chat.postMessage({ channel, text });
}

async function notifyWebhook(text) {
  const res = await fetch(WEBHOOK_URL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  if (!res.ok) throw new Error(`slack webhook failed: ${res.status}`);
}

module.exports = { notify, notifyWebhook };
