'use strict';
const express = require('express');
const app = express();

const stripe = new Stripe("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");
new LinearClient({ apiKey: "lin_api_RgLdi8RDeWguzDBGwBnMxaOSc2mlADxVxz6mMkgG" })
const auth0Secret = "X_h8ugQXLIDkCcsdu-10VONy3n7dTgFqDPzFLt-nB-gVBivLfaTkTfA3ECmTMhqC";
const notion = new Client({ auth: "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" })
const base = new Airtable({ apiKey: "patdsPFSWLK6n29uU.c2d1f34b37216ab24d5e12af57d817eaa2d9381a7b37a5ce1c867332e98c2cba" })
const boxClientSecret = "oNxTn4qGodcefjigltsTjm2DxqEeYjlN";
client = tmi.Client({ identity: { username: 'bot', password: 'oauth:l7arkw0ykq51ig1lb4n7le7bf7rren' } })
createClient({ token: 'tfp_ddb0c832817fb5635d02c470794fa1afb41d97a0' })
$mollie->setApiKey('live_pJ0A3VK9nMQ2549mCv3hBsDuqkVGqT');
app.listen(process.env.PORT);
