from github import Auth, Github

# TODO: move to the secret store
APP_USER_TOKEN = "ghu_mnuNw04dKkUf1gTw3PVBrZExZbDDkW24eJI6"
REFRESH_TOKEN = "ghr_I5i9zvvL1MkKchCM8QOjhvEFvNS9u6L9harbUKxGdQTvVRv5HlLQYKpEo44hXzKlQuBGrvBqsKqU"


def client(token: str = APP_USER_TOKEN) -> Github:
    return Github(auth=Auth.Token(token))
