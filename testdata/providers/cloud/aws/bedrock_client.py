"""Calls Bedrock with an API key (bearer token)."""
import os

import requests

SHORT_TERM_KEY = "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbiUt4MouDF6rKHDsl39kKXzo4P580CnQ+0KYfxDv7nrXUdsjKLJ0BLc0YewGEYo7/7AB4n2CttpzIigyy9tGzGHlbLdZbyb8w1MthN1mNfuJREmtBDixA4zuKUl0/zwbdOM0Kqxj1nN+LbNpqH+WJG2WbSj+2hoYcdg+wxHsdBN9KkdiAMNMiK43efylGmhha+vBMSMSP7wbM7Pc4p2diqYS4b5TQBseMUyLy2Zw2KozdgLDP5oWpjvNWwgCwxfojPoPnqJDgFq7jMbMnCJYH8WAkLjwuJzeUidfo+6k1GpulYQOmHjH5srIVsLd3Q9G7a5GqhaNpnjVGSzPCUzUTLjMcuSUQ/WddLEnNPP+w/qm8lX8ZyJdexNiugsXMZ23pyw6KZMaNTuefcvZlHuKMlqXdNXM1sch5X+2C6orw5MOkxRyKpqVC3lJYz5+zqb34fR95hT/4K5DUlB8qavkrK3cySCBnh7flhPtmZIvCu+7v8hhElgKjVfbQWC+NyIUIsquy58csen2fb8E1ROyMsm4a4euB/mEa51wkWrlbz28S9bf9n/+867kwFN9UBBhuPg4MiKw+5A1vIbgUrmxHXtJaWQQVY0CE3swYbivXkZ9cf7O08lSDlD5sU4y5OWxa4=="
PREFIX = "bedrock-api-key-"  # not a key: the prefix alone


def invoke(prompt: str) -> dict:
    token = os.environ.get("AWS_BEARER_TOKEN_BEDROCK", SHORT_TERM_KEY)
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-lite-v1:0/converse"
    headers = {"Authorization": f"Bearer {token}"}
    return requests.post(url, json={"messages": [{"role": "user", "content": [{"text": prompt}]}]}, headers=headers, timeout=30).json()
