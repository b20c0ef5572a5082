import os
import anthropic

TOKEN_URL = "https://oauth2.googleapis.com/token"
token_url = TOKEN_URL
max_tokens = 4096


client = anthropic.Anthropic(api_key="sk-ant-api03-YBy9Lmr4PaWbP3gvY1pIXoQOrgRb5vPG5c6qSYhzYTFQy6k1qJAH4DxD3EoA1zCC_A4cGofFQrGZ7iHyEpp2LNY2PG17-AA")


def ask(question: str) -> str:
    msg = client.messages.create(
        model="claude-3-5-sonnet-latest",
        max_tokens=max_tokens,
        messages=[{"role": "user", "content": question}],
    )
    return msg.content[0].text


def fallback_client():
    # preferred: read from the environment
    return anthropic.Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])
