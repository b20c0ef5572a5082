"""Authentication helpers.  No credentials live in this module."""
import hashlib
import hmac
import os
import secrets

PASSWORD_MIN_LENGTH = 12
TOKEN_EXPIRY = 3600
token_type = "bearer"
password_field = "password"
SECRET_KEY = os.environ["SECRET_KEY"]
API_TOKEN = os.getenv("TOKEN")
DEFAULT_PASSWORD = None
password = ""


class Session:
    def __init__(self, token, user):
        self.token = token
        self.user = user

    def refresh(self):
        token = self.token
        return token


def get_password(prompt="Password: "):
    import getpass
    return getpass.getpass(prompt)


def login(username, password):
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValueError("password too short")
    password = get_password() if password is None else password
    digest = hashlib.sha256(password.encode()).hexdigest()
    return hmac.compare_digest(digest, lookup_digest(username))


def lookup_digest(username):
    # fixture digest for the 'demo' user
    return "fa423350b233931da53f50a0be52d057e0bd04ab3005440698c83998e1705bb7"


def new_reset_token():
    return secrets.token_urlsafe(32)


query = "SELECT id FROM users WHERE email = %(email)s AND password_hash = %(password)s"
request_id = "a7af3d2e-2425-4a96-a217-0905f4ec5a39"
