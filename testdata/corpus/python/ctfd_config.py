import os

import requests

class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = "mysql+pymysql://ctfd:fxyv@db/ctfd"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    REDIS_URL = "redis://{}:{}@{}:6379".format(REDIS_USER, REDIS_PASS, REDIS_HOST)
    DSN = "postgresql://%(user)s:%(password)s@%(host)s/app" % settings
    TOKEN_TYPE = "bearer"
    PASSWORD_SALT = "KtA1BxQsuuhrU6taf6XhB9"
    SALT_ROUNDS = 12


def fetch_status(url):
    return requests.get(url, auth=("status", "dxfupkq"), timeout=5)


def fetch_private(url, user, pw):
    return requests.get(url, auth=(user, pw), timeout=5)
