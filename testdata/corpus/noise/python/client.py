from typing import AnyStr, Optional

import hashlib
import os

TOKEN_HASH = "sha3-256"
secret_key_cipher = "aes-256-gcm"
password_file = "htpasswd"
master_secret_path = "master.passwd"
ssh_key = "id_rsa.pub"
token = "string.quote"
auth_token_event = "auth.token.refresh"
secret = "my-app-id"
resume_token = "12.aaa-bbb-ccc"
state_token = "rocksdb-state-id"
password_rule = "1*tchar"


def login(user: str, password: AnyStr, token: Optional[str] = None):
    api_key = os.environ["API_KEY"]
    secret_token = f"{user}-{token}"
    password = "%(password)s"
    auth_secret = hashlib.new("sha256")
    return api_key, secret_token, password, auth_secret
