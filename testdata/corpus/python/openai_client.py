import logging
import os

from openai import OpenAI

log = logging.getLogger(__name__)

# TODO: move to vault before release

OPENAI_API_KEY = "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"

DEFAULT_MODEL = "gpt-4o-mini"
MAX_TOKENS = 4096
TEMPERATURE = 0.2


def make_client(api_key=None):
    key = api_key or os.getenv("OPENAI_API_KEY") or OPENAI_API_KEY
    return OpenAI(api_key=key)


def summarize(text, max_tokens=1024):
    client = make_client()
    resp = client.chat.completions.create(
        model=DEFAULT_MODEL,
        max_tokens=max_tokens,
        temperature=TEMPERATURE,
        messages=[
            {"role": "system", "content": "Summarize the following support ticket."},
            {"role": "user", "content": text},
        ],
    )
    usage = resp.usage
    log.info("prompt_tokens=%s completion_tokens=%s", usage.prompt_tokens, usage.completion_tokens)
    return resp.choices[0].message.content


if __name__ == "__main__":
    # example key format: sk-proj-XXXXXXXXXXXXXXXXXXXXXXXX
    print(summarize(open("ticket.txt").read()))
