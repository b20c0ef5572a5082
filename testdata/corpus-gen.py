#!/usr/bin/env python3
"""Deterministic generator for the leakgate evaluation corpus.

Run from the repository root:  python3 testdata/corpus-gen.py
All secrets are FAKE: random characters from a seeded RNG shaped like the
real formats.  Re-running reproduces byte-identical output.
"""
import base64
import json
import os
import random
import re
import shutil
import string
import sys
import zlib

SEED = 20240611
rng = random.Random(SEED)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")

UP = string.ascii_uppercase
LO = string.ascii_lowercase
DIG = string.digits
ALNUM = UP + LO + DIG
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
HEX = "0123456789abcdef"
B32 = UP + "234567"


def rc(n, alphabet=ALNUM):
    return "".join(rng.choice(alphabet) for _ in range(n))


def rbytes(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def hexs(n):
    return rc(n, HEX)


def uuid4():
    h = hexs(32)
    h = h[:12] + "4" + h[13:16] + rng.choice("89ab") + h[17:]
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def pw(lo=12, hi=32, symbols="-_.+*%~^!"):
    """Random non-placeholder password mixing cases, digits and symbols."""
    n = rng.randint(lo, hi)
    base = [rng.choice(UP), rng.choice(LO), rng.choice(DIG)]
    if symbols:
        base.append(rng.choice(symbols))
    pool = ALNUM + (symbols or "")
    base += [rng.choice(pool) for _ in range(n - len(base))]
    rng.shuffle(base)
    return "".join(base)


def urlpw(lo=14, hi=28):
    return pw(lo, hi, symbols="")


def gen_secret():
    """Generic secret: mixed password, or 32/40 hex."""
    k = rng.random()
    if k < 0.6:
        return pw()
    return hexs(rng.choice([32, 40]))


# ---------------------------------------------------------------- secret makers
def openai_proj():
    return "sk-proj-" + rc(74, B64URL) + "T3BlbkFJ" + rc(74, B64URL)


def openai_legacy():
    return "sk-" + rc(20) + "T3BlbkFJ" + rc(20)


def anthropic():
    return "sk-ant-api03-" + rc(93, B64URL) + "AA"


def google_key():
    return "AIza" + rc(35, B64URL)


def github_checksummed(prefix):
    # GitHub's token format (also npm's): 30 random base62 characters, then their CRC32 in
    # base62 (0-9A-Za-z), zero-padded to 6 ("Behind GitHub's new authentication token
    # formats", GitHub engineering blog). rc(36) keeps the RNG stream of earlier corpora.
    body = rc(36)[:30]
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    n, sum62 = zlib.crc32(body.encode()), ""
    for _ in range(6):
        n, d = divmod(n, 62)
        sum62 = digits[d] + sum62
    return prefix + body + sum62


def ghp():
    return github_checksummed("ghp_")


def gho():
    return github_checksummed("gho_")


def github_pat():
    return "github_pat_" + rc(22) + "_" + rc(59)


def glpat():
    return "glpat-" + rc(20, B64URL)


def slack_bot():
    return "xoxb-%s-%s-%s" % (rc(rng.randint(10, 13), DIG), rc(rng.randint(10, 13), DIG), rc(24))


def slack_hook():
    return "https://hooks.slack.com/services/T%s/B%s/%s" % (
        rc(rng.randint(8, 10), UP + DIG), rc(rng.randint(8, 10), UP + DIG), rc(24))


def stripe_live():
    return "sk_live_" + rc(rng.choice([24, 99]))


def stripe_rk():
    return "rk_live_" + rc(rng.choice([24, 99]))


def aws_akid():
    return "AKIA" + rc(16, B32)


def aws_secret():
    return rc(40, B64)


def npm_tok():
    return github_checksummed("npm_")


def pypi_tok():
    return "pypi-AgEIcHlwaS5vcmc" + rc(70, B64URL)


def sendgrid():
    return "SG." + rc(22, B64URL) + "." + rc(43, B64URL)


def twilio():
    return "SK" + hexs(32)


def azure_key():
    return rc(86, B64) + "=="


def hf_tok():
    return "hf_" + rc(34, UP + LO)


def b64url_nopad(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def jwt():
    header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    payload = {"sub": str(rng.randint(100000, 999999)), "name": rng.choice(["svc-billing", "admin", "ci-bot"]),
               "iat": 1700000000 + rng.randint(0, 9999999)}
    p = b64url_nopad(json.dumps(payload, separators=(",", ":")).encode())
    assert p.startswith("eyJ")
    return header + "." + p + "." + rc(43, B64URL)


def django_key():
    return "django-insecure-" + rc(50, LO + DIG + "!@#$%^&*(-_=+)")


def pem_body(prefix, nbytes, width=64):
    s = base64.b64encode(prefix + rbytes(nbytes)).decode()
    return [s[i:i + width] for i in range(0, len(s), width)]


def rsa_pkcs1():
    body = pem_body(bytes.fromhex("308204a40201000282010100"), 1180)
    return ["-----BEGIN RSA PRIVATE KEY-----"] + body + ["-----END RSA PRIVATE KEY-----"]


def pkcs8_lines():
    body = pem_body(bytes.fromhex("308204be020100300d06092a864886f70d0101010500048204a8"), 1200)
    return ["-----BEGIN PRIVATE KEY-----"] + body + ["-----END PRIVATE KEY-----"]


def ec_key():
    body = pem_body(bytes.fromhex("30770201010420"), 112)
    return ["-----BEGIN EC PRIVATE KEY-----"] + body + ["-----END EC PRIVATE KEY-----"]


def openssh_rsa():
    prefix = b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x01\x17\x00\x00\x00\x07ssh-rsa"
    body = pem_body(prefix, 1800, width=70)
    return ["-----BEGIN OPENSSH PRIVATE KEY-----"] + body + ["-----END OPENSSH PRIVATE KEY-----"]


# ---------------------------------------------------------------- look-alikes
def sha1():
    return hexs(40)


def sha256():
    return hexs(64)


def sri():
    return "sha512-" + base64.b64encode(rbytes(64)).decode()


def cert_lines():
    body = pem_body(bytes.fromhex("308203"), 760)
    return ["-----BEGIN CERTIFICATE-----"] + body + ["-----END CERTIFICATE-----"]


def pubkey_lines():
    body = pem_body(bytes.fromhex("30820122300d06092a864886f70d01010105000382010f003082010a0282010100"), 240)
    return ["-----BEGIN PUBLIC KEY-----"] + body + ["-----END PUBLIC KEY-----"]


def data_uri(n=600):
    return "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA" + base64.b64encode(rbytes(n)).decode()


# ---------------------------------------------------------------- file builder
FILES = []
LABELS = []  # (path, line, category, needle)


class F:
    def __init__(self, path):
        self.path = path
        self.lines = []
        FILES.append(self)

    def a(self, text=""):
        """Append plain (non-secret) text; may contain newlines."""
        self.lines.extend(text.split("\n"))
        return self

    def s(self, text, cat, value, needle=None):
        """Append text containing one planted secret; record its start line."""
        assert value in text, (self.path, value)
        needle = needle or value.split("\n")[0]
        parts = text.split("\n")
        for i, p in enumerate(parts):
            if needle in p:
                LABELS.append((self.path, len(self.lines) + i + 1, cat, needle))
                break
        else:
            raise AssertionError("needle not found %s %s" % (self.path, needle))
        self.lines.extend(parts)
        return self

    def pem(self, lines, cat="private-key", indent=""):
        text = "\n".join(indent + l for l in lines)
        return self.s(text, cat, text, needle=lines[0])

    def content(self):
        return "\n".join(self.lines).rstrip("\n") + "\n"


# ================================================================ python
def python_files():
    f = F("python/settings.py")
    f.a('''"""
Django settings for shopfront project.

Generated by 'django-admin startproject' using Django 4.2.7.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# SECURITY WARNING: keep the secret key used in production secret!''')
    k = django_key()
    f.s("SECRET_KEY = '%s'" % k, "generic", k)
    f.a('''
# SECURITY WARNING: don't run with debug turned on in production!
DEBUG = os.environ.get("DJANGO_DEBUG", "false") == "true"

ALLOWED_HOSTS = ["shopfront.example-corp.com", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "orders",
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shopfront",
        "USER": "shopfront_app",''')
    p = pw()
    f.s('        "PASSWORD": "%s",' % p, "generic", p)
    f.a('''        "HOST": "db.internal",
        "PORT": "5432",
    },
    "replica": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shopfront",
        "USER": os.environ["REPLICA_USER"],
        "PASSWORD": os.environ["REPLICA_PASSWORD"],
        "HOST": "replica.internal",
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_MIN_LENGTH = 12
PASSWORD_RESET_TIMEOUT = 259200

EMAIL_HOST = "smtp.sendgrid.net"
EMAIL_HOST_USER = "apikey"
EMAIL_HOST_PASSWORD = os.getenv("SENDGRID_API_KEY")
EMAIL_PORT = 587

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
''')

    f = F("python/openai_client.py")
    k = openai_proj()
    f.a('''import logging
import os

from openai import OpenAI

log = logging.getLogger(__name__)

# TODO: move to vault before release
''')
    f.s('OPENAI_API_KEY = "%s"' % k, "openai", k)
    f.a('''
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
''')

    f = F("python/aws_upload.py")
    ak, sk = aws_akid(), aws_secret()
    f.a('''#!/usr/bin/env python3
"""Upload nightly exports to S3.

Docs example credentials (do not use): AKIAIOSFODNN7EXAMPLE /
wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
"""
import sys
import boto3

BUCKET = "corp-nightly-exports"
REGION = "eu-west-1"

session = boto3.session.Session(''')
    f.s('    aws_access_key_id="%s",' % ak, "aws-access-key", ak)
    f.s('    aws_secret_access_key="%s",' % sk, "aws-secret-key", sk)
    f.a('''    region_name=REGION,
)
s3 = session.client("s3")


def upload(path, key_prefix="exports/"):
    key = key_prefix + path.rsplit("/", 1)[-1]
    s3.upload_file(path, BUCKET, key, ExtraArgs={"ServerSideEncryption": "aws:kms"})
    return key


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(upload(p))
''')

    f = F("python/agent.py")
    k = anthropic()
    f.a('''import os
import anthropic

TOKEN_URL = "https://oauth2.googleapis.com/token"
token_url = TOKEN_URL
max_tokens = 4096

''')
    f.s('client = anthropic.Anthropic(api_key="%s")' % k, "anthropic", k)
    f.a('''

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
''')

    f = F("python/tasks.py")
    f.a('''from celery import Celery
import pymongo
import redis

''')
    p = urlpw()
    v = "amqp://worker:%s@rabbitmq.internal:5672/prod" % p
    f.s('app = Celery("tasks", broker="%s")' % v, "db-url", v)
    p = urlpw()
    v = "redis://:%s@cache:6379/0" % p
    f.s('cache = redis.Redis.from_url("%s")' % v, "db-url", v)
    p = urlpw()
    v = "mongodb+srv://reporting:%s@cluster0.ab1cd.mongodb.net/analytics?retryWrites=true&w=majority" % p
    f.s('mongo = pymongo.MongoClient("%s")' % v, "db-url", v)
    f.a('''
# local dev: redis://localhost:6379/1 and mongodb://localhost:27017/analytics


@app.task(bind=True, max_retries=3)
def refresh_report(self, report_id, request_id=None):
    doc = mongo.analytics.reports.find_one({"_id": report_id})
    cache.set("report:%s" % report_id, doc["payload"], ex=3600)
    return {"report_id": report_id, "request_id": request_id}
''')

    f = F("python/sms.py")
    f.a('''from twilio.rest import Client

ACCOUNT_SID = "AC''' + hexs(32) + '''"''')
    k = twilio()
    f.s('API_KEY_SID = "%s"' % k, "twilio", k)
    k2 = hexs(32)
    f.s('API_KEY_SECRET = "%s"' % k2, "generic", k2)
    f.a('''FROM_NUMBER = "+15005550006"

client = Client(API_KEY_SID, API_KEY_SECRET, ACCOUNT_SID)


def send_code(to, code):
    return client.messages.create(to=to, from_=FROM_NUMBER, body="Your code: %s" % code)
''')

    # ---- negative-only python files
    f = F("python/auth.py")
    f.a('''"""Authentication helpers.  No credentials live in this module."""
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
    return "''' + sha256() + '''"


def new_reset_token():
    return secrets.token_urlsafe(32)


query = "SELECT id FROM users WHERE email = %(email)s AND password_hash = %(password)s"
request_id = "''' + uuid4() + '''"
''')

    f = F("python/crypto_utils.py")
    f.a('''"""Helpers for loading keys.  Only public material is embedded here."""
from cryptography.hazmat.primitives import serialization

PRIVATE_KEY_HEADER = "-----BEGIN RSA PRIVATE KEY-----"
PKCS8_HEADER = "-----BEGIN PRIVATE KEY-----"
FOOTER = "-----END RSA PRIVATE KEY-----"

SIGNING_PUBLIC_KEY = """''' + "\n".join(pubkey_lines()) + '''
"""


def is_private_pem(text: str) -> bool:
    return text.lstrip().startswith((PRIVATE_KEY_HEADER, PKCS8_HEADER))


def load_private_key(path, password=None):
    with open(path, "rb") as fh:
        return serialization.load_pem_private_key(fh.read(), password=password)


def load_public_key():
    return serialization.load_pem_public_key(SIGNING_PUBLIC_KEY.encode())


KEY_FINGERPRINT = "''' + sha256() + '''"
primary_key = "id"
sort_key = "created_at"
key_id = "''' + uuid4() + '''"
''')


# ================================================================ node
def node_files():
    f = F("node/config.js")
    f.a("""'use strict';

const path = require('path');

module.exports = {
  port: process.env.PORT || 3000,
  env: process.env.NODE_ENV || 'development',
  db: {
    host: process.env.DB_HOST || 'localhost',
    user: process.env.DB_USER,
    password: process.env.DB_PASSWORD,
  },
  stripe: {
    publishableKey: 'pk_live_""" + rc(24) + """',""")
    k = stripe_live()
    f.s("    secretKey: '%s'," % k, "stripe", k)
    f.a("""    webhookTolerance: 300,
  },
  maps: {""")
    k = gen_secret()
    f.s("    apiKey: '%s'," % k, "generic", k)
    f.a("""  },
  session: {
    secret: process.env.SESSION_SECRET,
    maxAge: 3600 * 1000,
  },
  upload: {
    dir: path.join(__dirname, 'uploads'),
    apiKey: process.env.API_KEY,
  },
};
""")

    f = F("node/slack-notify.js")
    f.a("""const { WebClient } = require('@slack/web-api');
const fetch = require('node-fetch');
""")
    k = slack_bot()
    f.s("const slack = new WebClient('%s');" % k, "slack", k)
    k = slack_hook()
    f.s("const WEBHOOK_URL = '%s';" % k, "slack-webhook", k)
    f.a("""
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
""")

    f = F("node/auth.js")
    f.a("""const jwt = require('jsonwebtoken');
const express = require('express');

const router = express.Router();
""")
    k = gen_secret()
    f.s("const JWT_SECRET = '%s';" % k, "generic", k)
    f.a("""const TOKEN_EXPIRY = 3600;
const tokenType = 'Bearer';

// service token used by the nightly job""")
    k = jwt()
    f.s("const SERVICE_TOKEN = '%s';" % k, "jwt", k)
    f.a("""
function login(username, password) {
  if (!password || password.length < 12) {
    return null;
  }
  return jwt.sign({ sub: username }, JWT_SECRET, { expiresIn: TOKEN_EXPIRY });
}

router.post('/login', (req, res) => {
  const { username, password } = req.body;
  const token = login(username, password);
  if (!token) return res.status(401).json({ error: 'invalid_credentials' });
  res.json({ access_token: token, token_type: tokenType, expires_in: TOKEN_EXPIRY });
});

router.get('/health', (req, res) => res.json({ ok: true, requestId: req.headers['x-request-id'] }));

module.exports = { router, login, SERVICE_TOKEN };
""")

    f = F("node/stripe-test.js")
    f.a("""// Test-mode fixtures for the checkout integration tests.
// These are Stripe *test* keys and publishable keys; they are safe to commit.
const Stripe = require('stripe');

const stripe = Stripe('sk_test_""" + rc(99) + """');
const PUBLISHABLE_KEY = 'pk_live_""" + rc(99) + """';
const PUBLISHABLE_TEST_KEY = 'pk_test_""" + rc(99) + """';
const apiKey = process.env.STRIPE_API_KEY;

describe('checkout', () => {
  it('creates a payment intent', async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'eur',
      metadata: { orderId: '""" + uuid4() + """' },
    });
    expect(intent.client_secret).toBeDefined();
  });
});
""")

    f = F("node/package.json")
    f.a(json.dumps({
        "name": "shopfront-api",
        "version": "2.14.1",
        "private": True,
        "main": "index.js",
        "scripts": {"start": "node index.js", "test": "jest", "lint": "eslint ."},
        "dependencies": {"express": "^4.19.2", "jsonwebtoken": "^9.0.2", "stripe": "^14.25.0",
                         "@slack/web-api": "^7.0.4", "node-fetch": "^2.7.0"},
        "devDependencies": {"jest": "^29.7.0", "eslint": "^8.57.0"},
        "config": {"tokenEndpoint": "https://oauth2.googleapis.com/token", "passwordMinLength": 12},
        "gitHead": sha1(),
    }, indent=2))


# ================================================================ go
def go_files():
    f = F("go/main.go")
    f.a("""package main

import (
	"database/sql"
	"log"
	"net/http"
	"os"

	_ "github.com/lib/pq"
)

type DBConfig struct {
	Host     string
	User     string
	Password string
	Name     string
}

var defaultDB = DBConfig{
	Host:     "db.internal",
	User:     "inventory",""")
    p = pw()
    f.s('\tPassword: "%s",' % p, "generic", p)
    f.a("""	Name:     "inventory",
}
""")
    k = ghp()
    f.s('const githubToken = "%s"' % k, "github", k)
    f.a("""
func main() {
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		dsn = "postgres://" + defaultDB.User + ":" + defaultDB.Password + "@" + defaultDB.Host + "/" + defaultDB.Name
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	token := os.Getenv("GITHUB_TOKEN")
	if token == "" {
		token = githubToken
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}
""")

    f = F("go/config.yaml")
    f.a("""server:
  listen: ":8080"
  read_timeout: 15s
oauth:
  provider: google
  clientId: 48213907712-""" + rc(32, LO + DIG) + """.apps.googleusercontent.com""")
    k = pw(24, 32)
    f.s("  clientSecret: %s" % k, "generic", k)
    f.a("""  token_url: https://oauth2.googleapis.com/token
  scopes: [openid, email]
payments:
  endpoint: https://payments.internal/v2""")
    k = hexs(40)
    f.s("  api-key: %s" % k, "generic", k)
    f.a("""  timeout: 10s
logging:
  level: info
  request_id_header: X-Request-Id
""")

    f = F("go/handlers.go")
    f.a("""package api

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

// BuildCommit is injected at link time; this is the default for local builds.
var BuildCommit = \"""" + sha1() + """\"

const (
	TokenExpiry      = 3600
	PasswordMinLen   = 12
	passwordField    = "password"
	tokenType        = "bearer"
	defaultRequestID = \"""" + uuid4() + """\"
)

type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	token := strings.TrimPrefix(h, "Bearer ")
	return token
}

func checksum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// emptyDigest is sha256("")
const emptyDigest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func Login(w http.ResponseWriter, r *http.Request) {
	var req LoginRequest
	password := req.Password
	if password == "" {
		http.Error(w, "password required", http.StatusBadRequest)
		return
	}
	w.Header().Set("X-Request-Id", defaultRequestID)
}
""")


# ================================================================ java
def java_files():
    f = F("java/application.properties")
    f.a("""spring.application.name=billing-service
server.port=8081
spring.jpa.hibernate.ddl-auto=validate
spring.jpa.show-sql=false

# primary datasource""")
    p = urlpw()
    v = "jdbc:postgresql://db.internal:5432/billing?user=billing&password=%s" % p
    f.s("spring.datasource.url=%s" % v, "db-url", p)
    f.a("spring.datasource.username=billing")
    p = pw()
    f.s("spring.datasource.password=%s" % p, "generic", p)
    f.a("""spring.datasource.hikari.maximum-pool-size=20

# reporting datasource comes from the environment
reporting.datasource.url=jdbc:postgresql://reporting.internal:5432/reports
reporting.datasource.username=${REPORTING_DB_USER}
reporting.datasource.password=${REPORTING_DB_PASSWORD}

spring.mail.host=smtp.example-corp.com
spring.mail.username=billing-notify""")
    p = pw()
    f.s("spring.mail.password=%s" % p, "generic", p)
    f.a("""spring.security.oauth2.client.registration.google.client-id=billing
spring.security.oauth2.client.registration.google.client-secret=${GOOGLE_CLIENT_SECRET}
spring.security.oauth2.client.provider.google.token-uri=https://oauth2.googleapis.com/token
management.endpoints.web.exposure.include=health,info
security.password-policy.min-length=12
""")

    f = F("java/DatabaseConfig.java")
    f.a("""package com.examplecorp.billing.config;

import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

@Configuration
public class DatabaseConfig {

    private static final String URL = "jdbc:postgresql://db.internal:5432/billing";
    private static final String USER = "billing";""")
    p = pw()
    f.s('    private static final String password = "%s";' % p, "generic", p)
    f.a("""    private static final String PEM_HEADER = "-----BEGIN RSA PRIVATE KEY-----";
    private static final int PASSWORD_MIN_LENGTH = 12;

    @Bean
    public DataSource dataSource() {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(URL);
        cfg.setUsername(USER);
        String envPassword = System.getenv("DB_PASSWORD");
        cfg.setPassword(envPassword != null ? envPassword : password);
        cfg.setMaximumPoolSize(20);
        return new HikariDataSource(cfg);
    }
""")
    k = sendgrid()
    f.s('    static final String SENDGRID_API_KEY = "%s";' % k, "sendgrid", k)
    f.a("}")

    f = F("java/SecurityConfig.java")
    f.a("""package com.examplecorp.billing.config;

import org.springframework.context.annotation.Bean;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

public class SecurityConfig {

    public static final String PASSWORD_PARAM = "password";
    public static final String TOKEN_HEADER = "Authorization";
    public static final String TOKEN_PREFIX = "Bearer ";
    public static final long TOKEN_EXPIRY = 3600L;
    private String password = null;
    private String apiKey = System.getenv("API_KEY");
    private final PasswordPolicy passwordPolicy = new PasswordPolicy(12, true, true);

    @Bean
    public PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder(12);
    }

    public boolean login(String username, String password) {
        return password != null && password.length() >= passwordPolicy.minLength();
    }

    record PasswordPolicy(int minLength, boolean requireDigit, boolean requireSymbol) {}
}
""")

    f = F("java/settings.xml")
    f.a("""<?xml version="1.0" encoding="UTF-8"?>
<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
  <servers>
    <server>
      <id>corp-releases</id>
      <username>deploy</username>""")
    p = pw()
    f.s("      <password>%s</password>" % p, "generic", p)
    f.a("""    </server>
    <server>
      <id>corp-snapshots</id>
      <username>${env.NEXUS_USER}</username>
      <password>${env.NEXUS_PASSWORD}</password>
    </server>
  </servers>
  <mirrors>
    <mirror>
      <id>corp-mirror</id>
      <url>https://nexus.example-corp.com/repository/maven-public/</url>
      <mirrorOf>*</mirrorOf>
    </mirror>
  </mirrors>
</settings>""")


# ================================================================ ruby
def ruby_files():
    f = F("ruby/database.yml")
    f.a("""default: &default
  adapter: postgresql
  encoding: unicode
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>

development:
  <<: *default
  database: storefront_development
  username: storefront
  password: changeme

test:
  <<: *default
  database: storefront_test
  password:

production:
  <<: *default
  database: storefront_production
  username: storefront""")
    p = pw()
    f.s('  password: "%s"' % p, "generic", p)
    f.a("""  host: db.internal

staging:
  <<: *default
  database: storefront_staging
  username: storefront
  password: <%= ENV['PASSWORD'] %>
""")

    f = F("ruby/payments.rb")
    f.a("""require 'stripe'

module Payments
  class Client""")
    k = stripe_rk()
    f.s("    RESTRICTED_KEY = '%s'.freeze" % k, "stripe", k)
    f.a("""
    def initialize(api_key: ENV['STRIPE_API_KEY'])
      @api_key = api_key || RESTRICTED_KEY
      @password = nil
    end

    def charge(amount_cents, customer_id)
      Stripe::Charge.create({ amount: amount_cents, currency: 'usd', customer: customer_id },
                            { api_key: @api_key })
    end
  end

  SFTP_OPTIONS = {
    host: 'sftp.partner-bank.example',
    user: 'corp-payments',""")
    p = pw()
    f.s('    password: "%s",' % p, "generic", p)
    f.a("""    port: 22
  }.freeze
end
""")

    f = F("ruby/user.rb")
    f.a("""class User < ApplicationRecord
  has_secure_password
  has_secure_token :auth_token

  PASSWORD_MIN_LENGTH = 12
  validates :password, length: { minimum: PASSWORD_MIN_LENGTH }, allow_nil: true

  def self.authenticate(email, password)
    user = find_by(email: email)
    user&.authenticate(password) || nil
  end

  def api_client
    ApiClient.new(token: ENV['API_TOKEN'], password: ENV['PASSWORD'])
  end

  def reset_password!(password: nil)
    update!(password: password || SecureRandom.base58(24), password_reset_token: nil)
  end
end
""")


# ================================================================ php
def php_files():
    f = F("php/wp-config.php")
    f.a("""<?php
/**
 * The base configuration for WordPress
 *
 * @package WordPress
 */

// ** Database settings - You can get this info from your web host ** //
define( 'DB_NAME', 'wp_marketing' );
define( 'DB_USER', 'wp_marketing' );""")
    p = pw(symbols="-_.+*%~^!#")
    f.s("define( 'DB_PASSWORD', '%s' );" % p, "generic", p)
    f.a("""define( 'DB_HOST', 'mysql.internal' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );

/**#@+
 * Authentication unique keys and salts.
 */""")
    salt_chars = ALNUM + "!#%^&*()-_=+[]{}<>~|;:,.?"
    for name in ["AUTH_KEY", "SECURE_AUTH_KEY"]:
        k = rc(64, salt_chars)
        f.s("define( '%s', %s'%s' );" % (name, " " * (16 - len(name)), k), "generic", k)
    f.a("""define( 'NONCE_KEY',        'put your unique phrase here' );
define( 'AUTH_SALT',        'put your unique phrase here' );
/**#@-*/

$table_prefix = 'wp_';
define( 'WP_DEBUG', false );

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
""")

    f = F("php/config.php")
    f.a("""<?php

return [
    'app' => [
        'name' => 'Invoicing',
        'debug' => false,
    ],
    'database' => [
        'driver' => 'mysql',
        'host' => getenv('DB_HOST') ?: '127.0.0.1',
        'database' => 'invoicing',
        'username' => 'invoicing',""")
    p = pw()
    f.s("        'password' => '%s'," % p, "generic", p)
    f.a("""    ],
    'mail' => [
        'username' => getenv('MAIL_USER'),
        'password' => getenv('MAIL_PASSWORD'),
    ],""")
    p = urlpw()
    v = "mysql://invoicing:%s@mysql.internal:3306/invoicing" % p
    f.s("    'legacy_dsn' => '%s'," % v, "db-url", v)
    f.a("""    'ui' => [
        'password_label' => 'Password',
        'forgot_password' => 'Forgot your password?',
    ],
];
""")


# ================================================================ shell
def shell_files():
    f = F("shell/deploy.sh")
    f.a("""#!/usr/bin/env bash
# Deploy the current build to the staging cluster.
set -euo pipefail

APP=storefront
ENVIRONMENT=${1:-staging}
REGISTRY=registry.example-corp.com
PASSWORD_FILE=/run/secrets/db
""")
    k = ghp()
    f.s("export GITHUB_TOKEN=%s" % k, "github", k)
    f.a("""export DB_PASSWORD="$(cat "$PASSWORD_FILE")"
export DEPLOY_TOKEN="${DEPLOY_TOKEN:?DEPLOY_TOKEN must be set}"

echo "$REGISTRY_PASSWORD" | docker login "$REGISTRY" -u ci --password-stdin
docker build -t "$REGISTRY/$APP:$(git rev-parse --short HEAD)" .
""")
    p = pw(symbols="-_.+%~^")
    f.s("mysql -u root -p%s storefront < migrations/latest.sql" % p, "generic", p)
    k = rc(40)
    f.s('curl -fsS -X POST -H "Authorization: Bearer %s" https://deploy.example-corp.com/api/v1/releases \\' % k,
        "generic", k)
    f.a("""  -d "{\\"app\\": \\"$APP\\", \\"env\\": \\"$ENVIRONMENT\\"}"

curl -fsS -H "Authorization: Bearer $DEPLOY_TOKEN" https://deploy.example-corp.com/api/v1/status
echo "deployed $APP to $ENVIRONMENT"
""")

    f = F("shell/backup.sh")
    f.a("""#!/bin/sh
# Nightly database backup -> object storage
set -e

STAMP=$(date +%Y%m%d)
BACKUP_DIR=/var/backups/pg
mkdir -p "$BACKUP_DIR"
""")
    p = pw(symbols="-_.+%~^")
    f.s("PGPASSWORD='%s' pg_dump -h db.internal -U backup -Fc storefront > \"$BACKUP_DIR/storefront-$STAMP.dump\"" % p,
        "generic", p)
    p = pw(symbols="-_.+%~^")
    f.s("mysqldump --user=backup --password=%s --single-transaction invoicing | gzip > \"$BACKUP_DIR/invoicing-$STAMP.sql.gz\"" % p,
        "generic", p)
    k = rc(32)
    f.s("rclone copy \"$BACKUP_DIR\" remote:backups --token %s" % k, "generic", k)
    f.a("""
# restore example (password comes from ~/.pgpass):
#   pg_restore -h db.internal -U backup --password -d storefront storefront-YYYYMMDD.dump
find "$BACKUP_DIR" -mtime +14 -delete
""")

    f = F("shell/bootstrap-dev.sh")
    f.a("""#!/usr/bin/env bash
# Local development bootstrap. Uses throwaway defaults only.
set -euo pipefail

: "${POSTGRES_PASSWORD:=postgres}"
: "${ADMIN_PASSWORD:=changeme}"
export DATABASE_URL="postgres://${USER}:${PASS}@db/app"
export REDIS_URL=redis://localhost:6379/0
export API_KEY=YOUR_API_KEY_HERE
export OPENAI_API_KEY="<your-api-key>"
export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

read -r -s -p "Password: " PASSWORD
echo
psql "postgres://user@localhost/db" -c "select 1"
mysql -u root -p"$PASSWORD" -e "create database if not exists app"
docker run -d --name pg -e POSTGRES_PASSWORD="$POSTGRES_PASSWORD" postgres:16
git checkout """ + sha1() + """
echo "bootstrap complete (request_id=""" + uuid4() + """)"
""")


# ================================================================ docker
def docker_files():
    f = F("docker/docker-compose.yml")
    f.a("""version: "3.9"

services:
  api:
    build: .
    ports:
      - "8080:8080"
    environment:
      NODE_ENV: production
      DB_HOST: db
      DB_USER: app
      DB_PASSWORD: ${DB_PASSWORD}
      API_KEY: ${API_KEY:-}""")
    p = urlpw()
    v = "redis://:%s@cache:6379/0" % p
    f.s("      REDIS_URL: %s" % v, "db-url", v)
    f.a("""    depends_on:
      - db
      - cache

  db:
    image: postgres:16
    environment:
      POSTGRES_USER: app""")
    p = pw()
    f.s("      POSTGRES_PASSWORD: %s" % p, "generic", p)
    f.a("""      POSTGRES_DB: app
    volumes:
      - pgdata:/var/lib/postgresql/data

  cache:
    image: redis:7
    command: ["redis-server", "--requirepass", "$REDIS_PASSWORD"]

  worker:
    build: .
    command: ["node", "worker.js"]
    environment:
      PASSWORD_FILE: /run/secrets/db
    secrets:
      - db

secrets:
  db:
    file: ./secrets/db_password.txt

volumes:
  pgdata:
""")

    f = F("docker/Dockerfile")
    f.a("""FROM node:20-alpine AS build
WORKDIR /app

ARG NPM_TOKEN
ARG GIT_COMMIT=""" + sha1() + """
""")
    k = npm_tok()
    f.s("ENV NPM_TOKEN=%s" % k, "npm", k)
    f.a("""RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc
COPY package*.json ./
RUN npm ci --omit=dev && rm -f .npmrc
COPY . .

FROM node:20-alpine
WORKDIR /app
COPY --from=build /app /app
ENV PASSWORD_FILE=/run/secrets/db
ENV TOKEN_EXPIRY=3600
USER node
EXPOSE 8080
CMD ["node", "index.js"]
""")

    f = F("docker/docker-compose.dev.yml")
    f.a("""# Development overrides - placeholder credentials only.
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: changeme
      POSTGRES_USER: dev
  api:
    environment:
      DATABASE_URL: postgres://dev:${POSTGRES_PASSWORD}@db:5432/app
      SECRET_KEY: dummy
      API_KEY: xxxxxxxx
      ADMIN_PASSWORD: "********"
      SMTP_PASSWORD: ""
      FEATURE_TOKEN: null
      STRIPE_KEY: sk_test_""" + rc(24) + """
      PASSWORD_FILE: /run/secrets/db
  mailhog:
    image: mailhog/mailhog@sha256:""" + sha256() + """
""")


# ================================================================ k8s
def k8s_files():
    f = F("k8s/deployment.yaml")
    f.a("""apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
  labels:
    app: orders
spec:
  replicas: 3
  selector:
    matchLabels:
      app: orders
  template:
    metadata:
      labels:
        app: orders
      annotations:
        checksum/config: """ + sha256() + """
    spec:
      containers:
        - name: orders
          image: registry.example-corp.com/orders@sha256:""" + sha256() + """
          ports:
            - containerPort: 8080
          env:
            - name: DB_HOST
              value: db.internal
            - name: DB_PASSWORD""")
    p = pw()
    f.s('              value: "%s"' % p, "generic", p)
    f.a("""            - name: API_TOKEN
              valueFrom:
                secretKeyRef:
                  name: my-app-secret
                  key: api-token
            - name: REDIS_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: redis
                  key: password
            - name: TOKEN_EXPIRY
              value: "3600"
""")

    f = F("k8s/secret.yaml")
    f.a("""apiVersion: v1
kind: Secret
metadata:
  name: payments-api
type: Opaque
stringData:""")
    k = pw(24, 32)
    f.s("  api-key: %s" % k, "generic", k)
    k = hf_tok()
    f.s("  HF_TOKEN: %s" % k, "huggingface", k)
    f.a("""  username: payments
""")

    f = F("k8s/helm-secret-template.yaml")
    f.a("""apiVersion: v1
kind: Secret
metadata:
  name: {{ include "orders.fullname" . }}
  labels:
    {{- include "orders.labels" . | nindent 4 }}
type: Opaque
stringData:
  password: {{ .Values.password | quote }}
  api-key: {{ .Values.apiKey | quote }}
  token: {{ required "token is required" .Values.token }}
  DATABASE_URL: postgres://{{ .Values.db.user }}:{{ .Values.db.password }}@{{ .Values.db.host }}/orders
""")

    f = F("k8s/values.yaml")
    f.a("""replicaCount: 2
image:
  repository: registry.example-corp.com/orders
  tag: """ + sha1()[:12] + """
db:
  host: db.internal
  user: orders
  password: ""
  existingSecret: my-app-secret
  passwordKey: db-password
password: null
apiKey: ""
token: ""
ingress:
  enabled: true
  tls:
    - secretName: orders-tls
      hosts: [orders.example-corp.com]
passwordPolicy:
  minLength: 12
  requireSymbols: true
secret_name: my-app-secret
""")


# ================================================================ terraform
def terraform_files():
    f = F("terraform/main.tf")
    f.a("""terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region     = "eu-west-1\"""")
    ak, sk = aws_akid(), aws_secret()
    f.s('  access_key = "%s"' % ak, "aws-access-key", ak)
    f.s('  secret_key = "%s"' % sk, "aws-secret-key", sk)
    f.a("""}

resource "aws_db_instance" "orders" {
  identifier        = "orders-prod"
  engine            = "postgres"
  engine_version    = "16.2"
  instance_class    = "db.t3.medium"
  allocated_storage = 50
  username          = "orders\"""")
    p = pw()
    f.s('  password          = "%s"' % p, "generic", p)
    f.a("""  skip_final_snapshot = false
}

resource "aws_db_instance" "reporting" {
  identifier = "reporting-prod"
  engine     = "postgres"
  username   = "reporting"
  password   = var.reporting_db_password
}

resource "aws_secretsmanager_secret" "api" {
  name = "my-app-secret"
}

resource "aws_dynamodb_table" "sessions" {
  name     = "sessions"
  hash_key = "session_id"
  attribute {
    name = "session_id"
    type = "S"
  }
}

output "db_password" {
  value     = aws_db_instance.orders.password
  sensitive = true
}
""")

    f = F("terraform/terraform.tfvars")
    f.a("""environment = "production"
region      = "eu-west-1"
""")
    p = pw()
    f.s('reporting_db_password = "%s"' % p, "generic", p)
    k = glpat()
    f.s('gitlab_token = "%s"' % k, "gitlab", k)
    f.a("""instance_count = 3
kms_key_id     = "arn:aws:kms:eu-west-1:123456789012:key/""" + uuid4() + """"
""")

    f = F("terraform/variables.tf")
    f.a("""variable "reporting_db_password" {
  description = "Password for the reporting database"
  type        = string
  sensitive   = true
}

variable "gitlab_token" {
  type      = string
  sensitive = true
  default   = ""
}

variable "password_min_length" {
  type    = number
  default = 12
}

variable "api_key" {
  type    = string
  default = "YOUR_API_KEY_HERE"
}

variable "kms_key_id" {
  type = string
}

locals {
  db_url = "postgres://${var.db_user}:${var.reporting_db_password}@${var.db_host}/reports"
}
""")


# ================================================================ env
def env_files():
    f = F("env/.env")
    f.a("""# local overrides - DO NOT COMMIT (oops)
APP_ENV=production
APP_URL=https://app.example-corp.com
LOG_LEVEL=info
""")
    p = pw(symbols="-_.+*%~^")
    f.s("DB_PASSWORD=%s" % p, "generic", p)
    p = urlpw()
    v = "postgres://app:%s@db.internal:5432/app" % p
    f.s("DATABASE_URL=%s" % v, "db-url", v)
    k = openai_legacy()
    f.s("OPENAI_API_KEY=%s" % k, "openai", k)
    k = sendgrid()
    f.s("SENDGRID_API_KEY=%s" % k, "sendgrid", k)
    k = twilio()
    f.s("TWILIO_API_KEY=%s" % k, "twilio", k)
    k = hexs(32)
    f.s("AUTH_TOKEN=%s" % k, "generic", k)
    f.a("""TOKEN_EXPIRY=3600
PASSWORD_MIN_LENGTH=12
SESSION_SECRET=
SENTRY_DSN=
REQUEST_ID=""" + uuid4() + """
""")

    f = F("env/.env.production")
    f.a("""NODE_ENV=production
PORT=8080
""")
    k = stripe_live()
    f.s("STRIPE_SECRET_KEY=%s" % k, "stripe", k)
    f.a("STRIPE_PUBLISHABLE_KEY=pk_live_" + rc(24))
    p = urlpw()
    v = "redis://:%s@cache.internal:6379/0" % p
    f.s("REDIS_URL=%s" % v, "db-url", v)
    p = urlpw()
    v = "amqp://events:%s@mq.internal:5672/%%2f" % p
    f.s("AMQP_URL=%s" % v, "db-url", v)
    k = hf_tok()
    f.s("HF_TOKEN=%s" % k, "huggingface", k)
    k = hexs(40)
    f.s("SECRET_KEY=%s" % k, "generic", k)
    k = google_key()
    f.s("GOOGLE_MAPS_API_KEY=%s" % k, "google-api-key", k)
    f.a("""PASSWORD_FILE=/run/secrets/db
DB_PASSWORD=${DB_PASSWORD}
""")

    f = F("env/.env.example")
    f.a("""# Copy to .env and fill in real values.
APP_ENV=development
DB_PASSWORD=
DATABASE_URL=postgres://user:password@localhost/db
OPENAI_API_KEY=sk-proj-XXXXXXXXXXXXXXXXXXXXXXXX
ANTHROPIC_API_KEY=<your-api-key>
STRIPE_SECRET_KEY=sk_test_""" + rc(24) + """
GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
SENDGRID_API_KEY=YOUR_API_KEY_HERE
AUTH_TOKEN=xxxxxxxx
SECRET_KEY=changeme
ADMIN_PASSWORD=********
REDIS_PASSWORD=example
SMTP_PASSWORD=dummy
TEST_PASSWORD=test
FEATURE_FLAGS_TOKEN=none
TOKEN_EXPIRY=3600
""")


# ================================================================ ini / toml
def ini_toml_files():
    f = F("ini/config.ini")
    f.a("""[DEFAULT]
log_level = INFO
request_timeout = 30

[database]
host = db.internal
port = 5432
user = reporting""")
    p = pw(symbols="-_.+*~^!")
    f.s("password = %s" % p, "generic", p)
    f.a("""url = postgresql://%(user)s:%(password)s@%(host)s:%(port)s/reports

[api]
endpoint = https://api.partner.example/v3""")
    k = hexs(32)
    f.s("api_key = %s" % k, "generic", k)
    f.a("""token_url = https://oauth2.googleapis.com/token
token_type = bearer

[smtp]
user = reports@example-corp.com
password = %(smtp_password)s
""")

    f = F("toml/config.toml")
    f.a("""[server]
bind = "0.0.0.0:8080"
workers = 4

[database]""")
    p = urlpw()
    v = "mysql://ledger:%s@mysql.internal:3306/ledger" % p
    f.s('url = "%s"' % v, "db-url", v)
    f.a("""max_connections = 20

[github]
org = "example-corp\"""")
    k = github_pat()
    f.s('token = "%s"' % k, "github", k)
    f.a("""
[auth]
token_expiry = 3600
password_min_length = 12
client_id = "ledger"
""")
    k = pw(20, 32)
    f.s("client_secret = '%s'" % k, "generic", k)
    f.a("""
[cache]
url = "redis://localhost:6379/2"
""")



# ================================================================ xml / json
def xml_json_files():
    f = F("xml/web.config")
    f.a("""<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <appSettings>
    <add key="Environment" value="Production" />
    <add key="SmtpUser" value="notifications" />""")
    p = pw(symbols="-_.+*~^!#")
    f.s('    <add key="Password" value="%s" />' % p, "generic", p)
    f.a("""    <add key="PasswordMinLength" value="12" />
    <add key="ApiKey" value="YOUR_API_KEY_HERE" />
    <add key="TokenExpiry" value="3600" />
  </appSettings>
  <connectionStrings>""")
    p = pw(symbols="-_.+*~^!#")
    f.s('    <add name="Default" connectionString="Server=sql01.internal;Database=Portal;User Id=portal_app;Password=%s;" providerName="System.Data.SqlClient" />' % p,
        "generic", p)
    f.a("""    <add name="Reporting" connectionString="Server=sql02.internal;Database=Reports;Integrated Security=True;" providerName="System.Data.SqlClient" />
  </connectionStrings>
  <system.web>
    <machineKey validation="HMACSHA256" decryption="AES" validationKey="AutoGenerate,IsolateApps" />
    <authentication mode="Forms">
      <forms loginUrl="~/Account/Login" timeout="2880" />
    </authentication>
  </system.web>
</configuration>""")

    f = F("json/appsettings.json")
    lines = ['{', '  "Logging": {', '    "LogLevel": { "Default": "Information", "Microsoft.AspNetCore": "Warning" }', '  },',
             '  "AllowedHosts": "*",', '  "ConnectionStrings": {']
    f.a("\n".join(lines))
    p = pw(symbols="-_.+*~^!#")
    f.s('    "DefaultConnection": "Server=sql01.internal;Database=Portal;User Id=sa;Password=%s;TrustServerCertificate=True",' % p,
        "generic", p)
    k = azure_key()
    f.s('    "Storage": "DefaultEndpointsProtocol=https;AccountName=portalassets;AccountKey=%s;EndpointSuffix=core.windows.net"' % k,
        "azure-storage", k)
    f.a("""  },
  "Auth": {
    "Authority": "https://login.microsoftonline.com/""" + uuid4() + """",
    "ClientId": \"""" + uuid4() + """",""")
    k = pw(30, 32, symbols="-_.~")
    f.s('    "ClientSecret": "%s",' % k, "generic", k)
    f.a("""    "TokenUrl": "https://oauth2.googleapis.com/token",
    "PasswordPolicy": { "MinLength": 12, "RequireDigit": true }
  },
  "Maps": {""")
    k = hexs(32)
    f.s('    "apiKey": "%s"' % k, "generic", k)
    f.a("""  },
  "FeatureFlags": { "apiKey": null, "password": false }
}""")

    f = F("json/service-account.json")
    pk = "\\n".join(pkcs8_lines()) + "\\n"
    f.a("{")
    f.a('  "type": "service_account",')
    f.a('  "project_id": "corp-analytics-%d",' % rng.randint(100000, 999999))
    f.a('  "private_key_id": "%s",' % hexs(40))
    f.s('  "private_key": "%s",' % pk, "gcp-service-account", pk, needle="-----BEGIN PRIVATE KEY-----\\n")
    f.a('  "client_email": "etl-runner@corp-analytics.iam.gserviceaccount.com",')
    f.a('  "client_id": "%s",' % rc(21, DIG))
    f.a('  "auth_uri": "https://accounts.google.com/o/oauth2/auth",')
    f.a('  "token_uri": "https://oauth2.googleapis.com/token",')
    f.a('  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",')
    f.a('  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/etl-runner%40corp-analytics.iam.gserviceaccount.com",')
    f.a('  "universe_domain": "googleapis.com"')
    f.a("}")

    f = F("json/firebase-config.json")
    f.a("{")
    k = google_key()
    f.s('  "apiKey": "%s",' % k, "google-api-key", k)
    f.a("""  "authDomain": "corp-mobile.firebaseapp.com",
  "projectId": "corp-mobile",
  "storageBucket": "corp-mobile.appspot.com",
  "messagingSenderId": \"""" + rc(12, DIG) + """",
  "appId": "1:""" + rc(12, DIG) + ":web:" + hexs(22) + """"
}""")

    f = F("json/locales-en.json")
    f.a(json.dumps({
        "login": {"title": "Sign in", "username": "Username", "password": "Password",
                  "forgot_password": "Forgot your password?", "submit": "Sign in",
                  "password_hint": "At least 12 characters",
                  "token_expired": "Your session token has expired. Please sign in again."},
        "settings": {"api_key": "API key", "api_key_help": "Paste your API key here",
                     "secret": "Secret", "client_secret": "Client secret",
                     "change_password": "Change password", "new_password": "New password",
                     "confirm_password": "Confirm password"},
        "errors": {"invalid_password": "The password you entered is incorrect.",
                   "invalid_token": "Invalid or expired token."},
    }, indent=2, ensure_ascii=False))



# ================================================================ ci
def ci_files():
    f = F("ci/github-workflow.yml")
    f.a("""name: ci

on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read
  packages: write

jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
        ports: ["5432:5432"]
    env:
      DATABASE_URL: postgres://postgres:postgres@localhost:5432/test
      API_KEY: ${{ secrets.API_KEY }}
    steps:
      - uses: actions/checkout@""" + sha1() + """ # v4.1.1
      - uses: actions/setup-node@""" + sha1() + """ # v4.0.2
        with:
          node-version: 20
          registry-url: https://registry.npmjs.org
      - run: npm ci
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
      - run: npm test
      - name: Publish image
        run: echo "${{ secrets.GITHUB_TOKEN }}" | docker login ghcr.io -u ${{ github.actor }} --password-stdin
      - name: Notify
        uses: slackapi/slack-github-action@""" + sha1() + """
        with:
          webhook: ${{ secrets.SLACK_WEBHOOK_URL }}
          webhook-type: incoming-webhook
""")

    f = F("ci/.gitlab-ci.yml")
    f.a("""stages: [build, test, deploy]

variables:
  DOCKER_DRIVER: overlay2
  POSTGRES_PASSWORD: $CI_DB_PASSWORD

build:
  stage: build
  image: docker:24
  script:
    - docker login -u gitlab-ci-token -p $CI_JOB_TOKEN $CI_REGISTRY
    - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA .

deploy:
  stage: deploy
  image: alpine:3.19
  variables:""")
    k = glpat()
    f.s("    DEPLOY_TOKEN: %s" % k, "gitlab", k)
    f.a("""  script:
    - apk add --no-cache git openssh""")
    k = glpat()
    v = "https://oauth2:%s@gitlab.example-corp.com/platform/infra.git" % k
    f.s("    - git clone %s" % v, "gitlab", k)
    f.a("""    - ./infra/deploy.sh --env production --token "$DEPLOY_TOKEN"
  only: [main]
""")

    f = F("ci/circleci-config.yml")
    f.a("""version: 2.1
jobs:
  publish:
    docker:
      - image: cimg/python:3.12
    environment:
      TWINE_USERNAME: __token__""")
    k = pypi_tok()
    f.s("      TWINE_PASSWORD: %s" % k, "pypi", k)
    f.a("""    steps:
      - checkout
      - run: pip install build twine
      - run: python -m build
      - run: twine upload dist/*
workflows:
  release:
    jobs: [publish]
""")

    f = F("ci/Jenkinsfile")
    f.a("""pipeline {
  agent any
  environment {
    REGISTRY_CREDS = credentials('registry-creds')
    SONAR_TOKEN = credentials('sonar-token')
    DB_PASSWORD = "${params.DB_PASSWORD}"
  }
  stages {
    stage('Build') {
      steps {
        sh './gradlew build'
      }
    }
    stage('Deploy') {
      steps {
        withCredentials([usernamePassword(credentialsId: 'deploy', usernameVariable: 'USER', passwordVariable: 'PASSWORD')]) {
          sh 'curl -u "$USER:$PASSWORD" https://deploy.example-corp.com/trigger'
        }
        sh 'echo $REGISTRY_CREDS_PSW | docker login -u $REGISTRY_CREDS_USR --password-stdin'
      }
    }
  }
}
""")


# ================================================================ docs
def docs_files():
    f = F("docs/README.md")
    f.a("""# storefront

Storefront API and worker.

## Configuration

Copy `.env.example` to `.env` and set:

| Variable | Example | Notes |
|----------|---------|-------|
| `DATABASE_URL` | `postgres://user:password@localhost/db` | Postgres 14+ |
| `OPENAI_API_KEY` | `sk-proj-XXXXXXXXXXXXXXXXXXXXXXXX` | optional |
| `GITHUB_TOKEN` | `ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` | for release notes |
| `AWS_ACCESS_KEY_ID` | `AKIAIOSFODNN7EXAMPLE` | |
| `AWS_SECRET_ACCESS_KEY` | `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY` | |
| `API_KEY` | `<your-api-key>` | |

```python
import os
api_key = os.environ["API_KEY"]
password = os.getenv("DB_PASSWORD")
```

```js
const apiKey = process.env.API_KEY;
```

Calling the API:

```sh
curl -H "Authorization: Bearer $TOKEN" https://api.example-corp.com/v1/orders
curl -H "Authorization: Bearer <token>" https://api.example-corp.com/v1/orders
```

Never commit a file containing `-----BEGIN RSA PRIVATE KEY-----`.
Password fields: `password: changeme` in `docker-compose.dev.yml` is for local use only.

The current release is built from commit """ + sha1() + """.
""")

    f = F("docs/SETUP.md")
    f.a("""# Setting up the staging environment

1. Ask #platform for VPN access.
2. Configure git:

```sh
git config --global credential.helper store""")
    k = rc(40)
    v = "https://jenkins-bot:%s@git.example-corp.com/platform/storefront.git" % k
    f.s("git clone %s" % v, "url-credentials", k)
    f.a("""```

3. Log in to the staging registry:

```sh""")
    p = pw(symbols="-_.+%~^")
    f.s("docker login registry.example-corp.com -u deploy --password=%s" % p, "generic", p)
    f.a("""```

4. Hugging Face models are pulled with the shared read token:
""")
    k = hf_tok()
    f.s("    export HF_TOKEN=%s" % k, "huggingface", k)
    f.a("""
For local development use `postgres://user:password@localhost/db`.
""")

    f = F("docs/CHANGELOG.md")
    f.a("# Changelog\n")
    for ver in ["2.14.1", "2.14.0", "2.13.2", "2.13.0"]:
        f.a("## %s\n" % ver)
        for _ in range(3):
            f.a("- %s %s (commit: %s)" % (rng.choice(["Fix", "Add", "Refactor", "Bump"]),
                                          rng.choice(["token refresh race", "password reset flow",
                                                      "api key rotation docs", "secret_name handling",
                                                      "max_tokens default to 4096", "session expiry"]),
                                          sha1()))
        f.a("")
    f.a("Release artifact sha256: " + sha256())

    f = F("docs/api.md")
    f.a("""# Auth API

`POST /oauth/token`

```json
{
  "grant_type": "password",
  "username": "alice@example.com",
  "password": "<password>",
  "client_id": "storefront-web",
  "client_secret": "<client-secret>"
}
```

Response:

```json
{
  "access_token": "<access-token>",
  "token_type": "bearer",
  "expires_in": 3600,
  "refresh_token": null,
  "request_id": \"""" + uuid4() + """"
}
```

Example header: `Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.<payload>.<signature>`

Tokens look like `token: """ + uuid4() + """` in the audit log; they are opaque ids, not credentials.
""")


# ================================================================ lockfiles
def lockfiles():
    f = F("lockfiles/package-lock.json")
    pkgs = {"": {"name": "shopfront-api", "version": "2.14.1",
                 "dependencies": {"express": "^4.19.2", "jsonwebtoken": "^9.0.2"}}}
    names = ["express", "jsonwebtoken", "accepts", "body-parser", "bytes", "content-type", "cookie",
             "debug", "depd", "encodeurl", "escape-html", "etag", "finalhandler", "fresh", "jws",
             "jwa", "lodash.includes", "ms", "safe-buffer", "semver", "buffer-equal-constant-time",
             "ecdsa-sig-formatter", "mime-types", "mime-db", "qs", "raw-body", "send", "statuses",
             "type-is", "vary"]
    for n in names:
        ver = "%d.%d.%d" % (rng.randint(0, 9), rng.randint(0, 20), rng.randint(0, 15))
        pkgs["node_modules/" + n] = {"version": ver,
                                     "resolved": "https://registry.npmjs.org/%s/-/%s-%s.tgz" % (n, n.split("/")[-1], ver),
                                     "integrity": sri()}
    f.a(json.dumps({"name": "shopfront-api", "version": "2.14.1", "lockfileVersion": 3,
                    "requires": True, "packages": pkgs}, indent=2))

    f = F("lockfiles/Cargo.lock")
    f.a("# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 3\n")
    for n in ["aho-corasick", "memchr", "regex", "regex-automata", "regex-syntax", "serde", "serde_derive",
              "proc-macro2", "quote", "syn", "unicode-ident", "once_cell", "base64", "hex"]:
        f.a('[[package]]\nname = "%s"\nversion = "%d.%d.%d"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "%s"\n'
            % (n, rng.randint(0, 2), rng.randint(0, 30), rng.randint(0, 20), sha256()))

    f = F("lockfiles/go.sum")
    for m in ["github.com/lib/pq v1.10.9", "github.com/google/uuid v1.6.0", "golang.org/x/crypto v0.21.0",
              "golang.org/x/oauth2 v0.18.0", "github.com/golang-jwt/jwt/v5 v5.2.1", "gopkg.in/yaml.v3 v3.0.1"]:
        f.a("%s h1:%s" % (m, base64.b64encode(rbytes(32)).decode()))
        f.a("%s/go.mod h1:%s" % (m, base64.b64encode(rbytes(32)).decode()))

    f = F("lockfiles/yarn.lock")
    f.a("# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n")
    for n in ["@babel/code-frame", "@babel/helper-validator-identifier", "chalk", "js-tokens", "picocolors",
              "secure-json-parse", "tokenizer", "password-prompt"]:
        ver = "%d.%d.%d" % (rng.randint(0, 9), rng.randint(0, 20), rng.randint(0, 15))
        f.a('"%s@^%s":\n  version "%s"\n  resolved "https://registry.yarnpkg.com/%s/-/%s-%s.tgz#%s"\n  integrity %s\n'
            % (n, ver, ver, n, n.split("/")[-1], ver, sha1(), sri()))


# ================================================================ web
def web_files():
    f = F("web/index.html")
    f.a("""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Storefront - Sign in</title>
  <meta name="csrf-token" content="{{ csrf_token }}">
  <link rel="icon" href=\"""" + data_uri(300) + """">
  <script src="/static/app.js" integrity="sha384-""" + base64.b64encode(rbytes(48)).decode() + """" crossorigin="anonymous"></script>
</head>
<body>
  <img class="logo" alt="Storefront" src=\"""" + data_uri(900) + """">
  <form method="post" action="/login">
    <label for="username">Username</label>
    <input type="text" id="username" name="username" autocomplete="username">
    <label for="password">Password</label>
    <input type="password" id="password" name="password" placeholder="********" autocomplete="current-password">
    <a href="/forgot_password">Forgot your password?</a>
    <input type="hidden" name="request_id" value=\"""" + uuid4() + """">
    <button type="submit">Sign in</button>
  </form>
  <img alt="" src=\"""" + data_uri(1500) + """">
  <script>
    window.APP_CONFIG = { apiKey: window.ENV && window.ENV.API_KEY, tokenType: "bearer", passwordMinLength: 12 };
  </script>
</body>
</html>""")

    f = F("web/store-locator.html")
    f.a("""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Find a store</title>
  <style>#map { height: 480px; }</style>
</head>
<body>
  <div id="map"></div>""")
    k = google_key()
    f.s('  <script async src="https://maps.googleapis.com/maps/api/js?key=%s&callback=initMap"></script>' % k,
        "google-api-key", k)
    f.a("""  <script>
    function initMap() {
      new google.maps.Map(document.getElementById("map"), { center: { lat: 52.37, lng: 4.89 }, zoom: 12 });
    }
  </script>
</body>
</html>""")


# ================================================================ csharp / rust
def csharp_rust_files():
    f = F("csharp/Program.cs")
    f.a("""using System;
using System.Data.SqlClient;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Portal.Notifier
{
    public static class Program
    {""")
    p = pw(symbols="-_.+*~^!#")
    f.s('        private const string ConnectionString = "Server=sql01.internal;Database=Portal;User Id=sa;Password=%s;";' % p,
        "generic", p)
    k = sendgrid()
    f.s('        private static readonly string SendGridKey = "%s";' % k, "sendgrid", k)
    f.a("""        private static readonly string ApiKey = Environment.GetEnvironmentVariable("API_KEY");
        private const int PasswordMinLength = 12;
        private const string TokenType = "bearer";

        public static async System.Threading.Tasks.Task Main(string[] args)
        {
            using var conn = new SqlConnection(ConnectionString);
            conn.Open();
            var client = new SendGridClient(SendGridKey);
            var msg = MailHelper.CreateSingleEmail(new EmailAddress("noreply@example-corp.com"),
                new EmailAddress(args[0]), "Report ready", "Your report is ready.", null);
            await client.SendEmailAsync(msg);
        }
    }
}""")

    f = F("csharp/AuthService.cs")
    f.a("""using System;
using Microsoft.Extensions.Configuration;

namespace Portal.Auth
{
    public class AuthService
    {
        public const string PasswordField = "password";
        public const int TokenExpiry = 3600;
        private readonly string _clientSecret;
        private string password = "";
        private string token = null;

        public AuthService(IConfiguration config)
        {
            _clientSecret = config["Auth:ClientSecret"];
            password = Environment.GetEnvironmentVariable("SERVICE_PASSWORD");
        }

        public bool Login(string username, string password)
        {
            if (string.IsNullOrEmpty(password) || password.Length < 12) return false;
            token = Guid.NewGuid().ToString();
            return true;
        }

        // Sample request id: """ + uuid4() + """
    }
}""")

    f = F("rust/main.rs")
    f.a("""use std::env;
use std::time::Duration;

const USER_AGENT: &str = "ledger-sync/0.4";
const TOKEN_EXPIRY: u64 = 3600;
const TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
""")
    k = pw(24, 32, symbols="-_.~")
    f.s('const CLIENT_SECRET: &str = "%s";' % k, "generic", k)
    k = gho()
    f.s('static GITHUB_OAUTH_TOKEN: &str = "%s";' % k, "github", k)
    f.a("""
struct Config {
    client_id: String,
    client_secret: String,
    password: Option<String>,
}

fn load() -> Config {
    Config {
        client_id: env::var("CLIENT_ID").unwrap_or_else(|_| "ledger".into()),
        client_secret: env::var("CLIENT_SECRET").unwrap_or_else(|_| CLIENT_SECRET.to_string()),
        password: env::var("PASSWORD").ok(),
    }
}

fn main() {
    let cfg = load();
    let client = reqwest::blocking::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(Duration::from_secs(TOKEN_EXPIRY))
        .build()
        .expect("client");
    let _ = (client, cfg.client_id, cfg.client_secret, cfg.password, TOKEN_URL, GITHUB_OAUTH_TOKEN);
}""")

    f = F("rust/tests.rs")
    f.a("""#[cfg(test)]
mod tests {
    const FAKE_KEY: &str = "sk-proj-XXXXXXXXXXXXXXXXXXXXXXXX";
    const EXAMPLE_AWS: &str = "AKIAIOSFODNN7EXAMPLE";
    const PEM_MARKER: &str = "-----BEGIN RSA PRIVATE KEY-----";

    #[test]
    fn rejects_placeholder() {
        let password = "changeme";
        let token = "xxxxxxxx";
        assert!(is_placeholder(password));
        assert!(is_placeholder(token));
        assert!(is_placeholder(FAKE_KEY));
        assert!(is_placeholder(EXAMPLE_AWS));
        assert!(PEM_MARKER.starts_with("-----BEGIN"));
    }

    #[test]
    fn digest_is_not_secret() {
        let sha = \"""" + sha256() + """\";
        let commit = \"""" + sha1() + """\";
        assert_eq!(sha.len(), 64);
        assert_eq!(commit.len(), 40);
    }
}
""")


# ================================================================ misc / ssh / certs / aws / sql
def misc_files():
    f = F("misc/.npmrc")
    f.a("registry=https://registry.npmjs.org/\n@corp:registry=https://npm.pkg.example-corp.com/")
    k = npm_tok()
    f.s("//registry.npmjs.org/:_authToken=%s" % k, "npm", k)
    f.a("//npm.pkg.example-corp.com/:_authToken=${CORP_NPM_TOKEN}\nalways-auth=true\nsave-exact=true")

    f = F("misc/ci.npmrc")
    f.a("""registry=https://registry.npmjs.org/
//registry.npmjs.org/:_authToken=${NPM_TOKEN}
//npm.pkg.github.com/:_authToken=${{ secrets.GITHUB_TOKEN }}
engine-strict=true
""")

    f = F("misc/.netrc")
    f.a("machine api.heroku.com\n  login ops@example-corp.com")
    f.a("  password $HEROKU_API_KEY")
    f.a("machine github.com\n  login ci-bot")
    k = gho()
    f.s("  password %s" % k, "github", k)
    f.a("machine ftp.partner.example")
    p = pw(symbols="-_.+*~^!")
    f.s("  login partner password %s" % p, "generic", p)

    f = F("misc/.git-credentials")
    k = ghp()
    f.s("https://ci-bot:%s@github.com" % k, "github", k)
    p = urlpw()
    f.s("https://deploy:%s@git.example-corp.com" % p, "url-credentials", p)

    f = F("aws/credentials")
    f.a("[default]")
    ak, sk = aws_akid(), aws_secret()
    f.s("aws_access_key_id = %s" % ak, "aws-access-key", ak)
    f.s("aws_secret_access_key = %s" % sk, "aws-secret-key", sk)
    f.a("region = eu-west-1\n\n[example]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n[prod]")
    ak, sk = aws_akid(), aws_secret()
    f.s("aws_access_key_id = %s" % ak, "aws-access-key", ak)
    f.s("aws_secret_access_key = %s" % sk, "aws-secret-key", sk)
    f.a("\n[sso]\nsso_start_url = https://example-corp.awsapps.com/start\nsso_role_name = ReadOnly")

    f = F("ssh/id_rsa")
    f.pem(rsa_pkcs1())

    f = F("ssh/id_rsa_deploy")
    f.pem(openssh_rsa())

    f = F("ssh/id_rsa.pub")
    f.a("ssh-rsa " + base64.b64encode(b"\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x03\x01\x00\x01\x00\x00\x01\x01\x00" + rbytes(256)).decode() + " ci-bot@build01")

    f = F("certs/server.key")
    f.pem(ec_key())

    f = F("certs/tls-bundle.pem")
    f.a("# leaf certificate")
    f.a("\n".join(cert_lines()))
    f.a("# private key for the leaf (should not be here)")
    f.pem(pkcs8_lines())

    f = F("certs/ca.crt")
    f.a("\n".join(cert_lines()))
    f.a("\n".join(cert_lines()))

    f = F("sql/schema.sql")
    f.a("""CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         VARCHAR(255) NOT NULL UNIQUE,
    password      VARCHAR(255) NOT NULL,
    password_hash VARCHAR(255),
    api_key       VARCHAR(64),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
    token       UUID PRIMARY KEY,
    user_id     BIGINT REFERENCES users(id),
    token_type  VARCHAR(16) NOT NULL DEFAULT 'bearer',
    expires_at  TIMESTAMPTZ
);

-- seed data: bcrypt hash of a throwaway password, and an opaque token id
INSERT INTO users (email, password, password_hash) VALUES
  ('demo@example.com', '', NULL);
INSERT INTO api_tokens (token, user_id) VALUES ('""" + uuid4() + """', 1);
-- migration checksum: """ + sha256() + """
""")


# ================================================================ recall (issue 12)
def recall_files():
    """Credentials in real code that have no provider format: short and all-letter passwords
    where only a password can stand, URL credentials in any scheme and inside format strings,
    credential constructors, Basic values in YAML lists, escaped JSON, salts, JWKs, otpauth,
    .pgpass, generic keys of unknown providers; placeholders of each beside them. Their own
    RNG, so that the files above stay byte-identical."""
    r = random.Random(SEED + 12)

    def weak(lo=4, hi=8):
        # Letters only, as the people-labelled data is obfuscated; never a word we drop.
        while True:
            v = "".join(r.choice(LO) for _ in range(r.randint(lo, hi)))
            if not any(w in v for w in ("pass", "pwd", "secret", "test", "admin", "root")):
                return v

    def rnd(n, alphabet=ALNUM):
        return "".join(r.choice(alphabet) for _ in range(n))

    def b64(text):
        return base64.b64encode(text.encode()).decode()

    f = F("go/natsclient_test.go")
    f.a("""package natsclient

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/nats-io/nats.go"
)

func TestConnect(t *testing.T) {
	port := startServer(t)""")
    p = weak(8, 8)
    f.s('\tnc, err := nats.Connect(fmt.Sprintf("nats://clientA:%s@127.0.0.1:%%d", port))' % p, "url-credentials", p)
    f.a("""	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	// built from parts: nothing to find
	url := fmt.Sprintf("nats://%s:%s@%s:%d", user, pass, host, port)
	_ = url
}

func TestProxyAuth(t *testing.T) {
	req, _ := http.NewRequest("GET", "http://proxy.internal/healthz", nil)""")
    p = weak()
    f.s('\treq.SetBasicAuth("monitor", "%s")' % p, "password", p)
    f.a('\tcfg := Config{User: "svc", Password: password, Host: host}')
    p = weak()
    f.s('\tother := Config{User: "svc", Password: "%s", Host: "db"}' % p, "password", p)
    f.a("""	_, _ = cfg, other
}""")

    f = F("python/ctfd_config.py")
    f.a("""import os

import requests

class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")""")
    p = weak(4, 4)
    f.s('    SQLALCHEMY_DATABASE_URI = "mysql+pymysql://ctfd:%s@db/ctfd"' % p, "url-credentials", p)
    f.a("""    SQLALCHEMY_TRACK_MODIFICATIONS = False
    REDIS_URL = "redis://{}:{}@{}:6379".format(REDIS_USER, REDIS_PASS, REDIS_HOST)
    DSN = "postgresql://%(user)s:%(password)s@%(host)s/app" % settings
    TOKEN_TYPE = "bearer\"""")
    salt = rnd(22)
    f.s('    PASSWORD_SALT = "%s"' % salt, "salt", salt)
    f.a("""    SALT_ROUNDS = 12


def fetch_status(url):""")
    p = weak()
    f.s('    return requests.get(url, auth=("status", "%s"), timeout=5)' % p, "password", p)
    f.a("""

def fetch_private(url, user, pw):
    return requests.get(url, auth=(user, pw), timeout=5)""")

    f = F("java/MailSender.java")
    f.a("""package com.acme.mail;

import javax.mail.Authenticator;
import javax.mail.PasswordAuthentication;

public class MailSender {
    private String password;
    private static final String PASSWORD_PARAM = "password";

    Authenticator authenticator() {
        return new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {""")
    p = weak()
    f.s('                return new PasswordAuthentication("alerts@acme.io", "%s".toCharArray());' % p, "password", p)
    f.a("""            }
        };
    }

    DataSource dataSource() {
        HikariDataSource ds = new HikariDataSource();
        ds.setUsername("mailer");""")
    p = weak()
    f.s('        ds.setPassword("%s");' % p, "password", p)
    f.a("""        HikariDataSource replica = new HikariDataSource();
        replica.setPassword(System.getenv("REPLICA_PASSWORD"));""")
    p = weak()
    f.s('        String url = "jdbc:sqlserver://sql01:1433;databaseName=mail;user=sa;password=%s;encrypt=true";' % p, "db-url", p)
    f.a("""        return ds;
    }
}""")

    f = F("node/webhooks.ts")
    f.a("""import amqp from "amqplib";

const host = process.env.MQ_HOST ?? "localhost";""")
    p = weak()
    f.s('const brokerUrl = `amqp://app:%s@${host}:5672`;' % p, "url-credentials", p)
    f.a("""const cacheUrl = `redis://:${process.env.REDIS_PASSWORD}@${host}:6379`;

export const adminLogin = {
  username: "ops",
  password: process.env.ADMIN_PASSWORD,
};
""")
    p = weak()
    f.s('export const fixtureUser = { username: "fixture", password: "%s" };' % p, "password", p)
    t = rnd(32)
    f.s('const cannedResponse = "{\\"access_token\\":\\"%s\\",\\"token_type\\":\\"bearer\\"}";' % t, "generic", t)
    f.a("""
export interface Credentials {
  username: string;
  password?: string;
}""")

    f = F("ruby/mailer_config.rb")
    f.a("""Rails.application.configure do
  config.action_mailer.delivery_method = :smtp
  config.action_mailer.smtp_settings = {
    address: "smtp.acme.io",
    user_name: "alerts",""")
    p = weak()
    f.s("    password: '%s'," % p, "password", p)
    f.a("""    authentication: :login
  }
  config.cache_store = :redis_cache_store, { url: ENV.fetch("REDIS_URL") }""")
    p = weak()
    f.s('  config.session_store :redis_store, servers: ["redis://:%s@cache.internal:6379/0/session"]' % p, "url-credentials", p)
    f.a("""  config.x.admin_password = ENV["ADMIN_PASSWORD"]
end""")

    f = F("csharp/ShareClient.cs")
    f.a("""using System.Net;

namespace Acme.Shares
{
    public class ShareClient
    {
        public ICredentials Credentials(string user, string password) =>
            new NetworkCredential(user, password);
""")
    p = weak()
    f.s('        public ICredentials Service() => new NetworkCredential("svc-share", "%s", "CORP");' % p, "password", p)
    p = weak()
    f.s('        const string Db = "Server=sql01;Database=shares;User Id=share;Password=%s;";' % p, "password", p)
    f.a("""        const string Template = "Server={0};Database=shares;User Id={1};Password={2};";
    }
}""")

    f = F("k8s/ingress-auth.yaml")
    f.a("""apiVersion: v1
kind: ConfigMap
metadata:
  name: gateway
data:
  upstreams.yaml: |
    routes:
      - path: /metrics
        headers:""")
    p = weak()
    f.s("          - 'Authorization: Basic %s'" % b64("scraper:" + p), "basic-auth", b64("scraper:" + p))
    f.a("""      - path: /public
        headers: []
    users:""")
    p = weak()
    f.s("      - {user: svc, password: %s}" % p, "password", p)
    f.a("""      - {user: ci, password: ${CI_PASSWORD}}
      - {user: guest, password: changeme}""")

    f = F("json/wallet-keys.json")
    d = rnd(43, B64URL)
    f.a('{\n  "keys": [\n    {')
    f.a('      "kty": "OKP",\n      "crv": "Ed25519",\n      "kid": "%s",\n      "x": "%s",' % (rnd(12), rnd(43, B64URL)))
    f.s('      "d": "%s"' % d, "jwk", d)
    f.a('    }\n  ],\n  "issuer": "https://id.acme.io",\n  "password_policy": "strong"\n}')

    f = F("python/jwk_fixture.py")
    d = rnd(43, B64URL)
    f.a('"""Signing key for the local identity provider."""\n')
    f.s("SIGNING_KEY = {'kty': 'EC', 'crv': 'P-256', 'x': '%s', 'y': '%s', 'd': '%s'}" % (rnd(43, B64URL), rnd(43, B64URL), d), "jwk", d)
    f.a("PUBLIC_KEY = {'kty': 'EC', 'crv': 'P-256', 'x': '%s', 'y': '%s'}" % (rnd(43, B64URL), rnd(43, B64URL)))

    f = F("misc/.pgpass")
    p = weak(6, 8)
    f.s("db.acme.io:5432:billing:svc_billing:%s" % p, "password", p)
    f.a("# replica, read-only\nlocalhost:5432:*:postgres:postgres")

    f = F("misc/odbc.ini")
    f.a("[warehouse]\nDriver = ODBC Driver 18 for SQL Server\nServer = dwh.acme.io\nUID = reporting")
    p = weak()
    f.s("PWD = %s" % p, "password", p)
    f.a("\n[local]\nDriver = SQLite3\nDatabase = /var/lib/app/local.db\nPWD =")

    f = F("shell/restore-db.sh")
    f.a("#!/usr/bin/env bash\nset -euo pipefail\n")
    p = weak()
    f.s("mysql -h db.internal -u restore -p%s app < dump.sql" % p, "password", p)
    f.a("mysql -h db.internal -u restore -p app < dump.sql")
    p = weak()
    f.s("sshpass -p %s scp dump.sql backup@vault.internal:/srv/dumps/" % p, "password", p)
    p = weak()
    f.s("PGPASSWORD=%s psql -h pg.internal -U app -c 'select 1'" % p, "password", p)
    f.a('PGPASSWORD="$PG_PASS" psql -h pg.internal -U app -c "select 1"')

    f = F("docs/mfa.md")
    f.a("# Enrolling the shared on-call phone\n\nScan this once, then delete the page:\n")
    s32 = rnd(32, B32)
    f.s("    otpauth://totp/Acme:oncall@acme.io?secret=%s&issuer=Acme" % s32, "otp", s32)
    f.a("\nThe documentation example `otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP` is not a secret.")

    f = F("env/.env.integrations")
    f.a("# third-party services without a provider rule")
    k = rnd(32)
    f.s("ACME_MAPS_API_KEY=%s" % k, "generic", k)
    k = rnd(40)
    f.s("QUUX_SECRET_KEY=%s" % k, "generic", k)
    f.a("QUUX_KEY_ID=%s\nQUUX_PUBLIC_KEY=%s\nQUUX_TOKEN_URL=https://auth.quux.io/token" % (rnd(20), rnd(40)))


# ================================================================ noise (hard negatives)
def noise_files():
    """Hard negatives: values assigned to secret-named keys that are not credentials (types,
    identifiers, concatenations, templates, file names, algorithm names, version ranges, dotted
    names, signing scopes, ids and slugs, grammar), in eight languages and the config formats,
    with a few random secrets beside them that must still be found. Its own RNG, so that the
    files above keep their bytes."""
    nr = random.Random(1207)

    def secret(n, alphabet=ALNUM + "!#%*-_"):
        # Random, but never four letters in a row of one case: no run reads as a word.
        while True:
            v = "".join(nr.choice(alphabet) for _ in range(n))
            if any(c.isdigit() for c in v) and not re.search(r"[a-z]{4}|[A-Z]{4}", v):
                return v

    f = F("noise/go/signer.go")
    f.a('''package auth

import (
	"crypto/ed25519"
	"fmt"
)

// Credentials are read from the keyring at start-up; nothing here holds a secret.
type Credentials struct {
	Token     string
	SecretKey uintptr
}

func newSigner(cfg *Config, mcreds *Credentials, pcreds **Credentials) *Options {
	opts := Options{
		Password:    *pcreds,
		SshKey:      SshKey,
		PrivKey:     ed25519Key,
		AuthToken:   svcSK2,
		Credentials: mcreds,
		Secret:      cfg.Secret,
		Tokenizer:   TFts5Token,
	}
	scope := fmt.Sprintf("%s/%s/%s/s3/aws4_request", akid, date, region)
	credential := "AKID/20260101/us-east-1/s3/aws4_request"
	authHeader := fmt.Sprintf("Authorization: %.*s4-HMAC-SHA256 Credential=%s", 4, algo, scope)
	secretAlgorithm := "ed25519"
	secretKeyFile := "/etc/app/keys/signing.pem"
	tokenURL := "https://auth.internal/oauth/token"
	_ = ed25519.PublicKeySize
	return &opts
}''')
    v = secret(28)
    f.s('\n// The one real secret in this file.\nconst fallbackAPIToken = "%s"' % v, "generic", v)

    f = F("noise/python/client.py")
    f.a('''from typing import AnyStr, Optional

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
    return api_key, secret_token, password, auth_secret''')

    f = F("noise/java/TokenService.java")
    f.a('''package com.example.auth;

import java.util.HashMap;
import java.util.Map;

public class TokenService {
    private static final String TOKEN_HEADER = "X-Auth-Token";
    private static final String TOKEN_TYPE = "Bearer";
    private static final String SIGNING_KEY_ALG = "RSASSA-PSS-SHA256";
    private static final String secretCipher = "hmac-sha512";
    private final Map<String, String> credentials = new HashMap<>();
    private String apiSecret = System.getenv("API_SECRET");

    public String sign(String payload, String secretKey) {
        String secretToken = config.getSecretToken();
        String password = "user=" + username + ";password=" + secretKey;
        String authKey = prefix + "-key-" + suffix;
        return secretToken + password + authKey;
    }
}''')

    f = F("noise/node/session.ts")
    f.a('''import { createHmac } from "crypto";

interface SessionOptions {
  secretKey: Uint8Array;
  passwordHash: string;
}

export function sessionCookie(opts: SessionOptions, expected1: string) {
  const body = `{"password":"`+expected1+`"}`;
  const auth = {
    token: process.env.SESSION_TOKEN,
    secret: config.api_key,
    apiKey: getSecret(),
    authToken: this.authToken,
  };
  const stylesheetToken = "lwc-7ns6mba7a7m";
  const legacyStylesheetToken = "lwc-6re69sph777";
  const secretLabel = `${opts.passwordHash}-${Date.now()}`;
  return createHmac("sha256", opts.secretKey).update(body + JSON.stringify(auth)).digest("hex");
}''')
    v = secret(32)
    f.s('\nexport const WEBHOOK_SECRET = "%s";' % v, "generic", v)

    f = F("noise/ruby/accounts_controller.rb")
    f.a('''class AccountsController < ApplicationController
  TOKEN_TYPE = "bearer".freeze

  def create
    password = params[:password]
    secret_token = ENV.fetch("SECRET_TOKEN")
    api_key = "#{prefix}_#{suffix}"
    auth = { auth_method: :plain, password_digest: BCrypt::Password.create(password) }
    credentials = Rails.application.credentials.aws
    token = @access_token
    render json: { token_type: TOKEN_TYPE, auth: auth, api_key: api_key, creds: credentials, token: token, secret: secret_token }
  end
end''')

    f = F("noise/csharp/KeyVaultOptions.cs")
    f.a('''namespace Shop.Security
{
    public class KeyVaultOptions
    {
        public const string TokenType = "Bearer";
        private readonly string _secretName = "kv-prod-db-password";
        public string SecretAlgorithm { get; set; } = "RSA-OAEP-256";

        public async Task<string> LoadAsync(IConfiguration configuration)
        {
            var token = await GetTokenAsync();
            string apiKey = configuration["ApiKey"];
            SecureString password = new SecureString();
            var authSecret = "HMAC-SHA256";
            var credentialPath = "/var/run/secrets/azure/tokens/azure-identity-token";
            return token + apiKey + authSecret + credentialPath;
        }
    }
}''')

    f = F("noise/rust/config.rs")
    f.a('''use secrecy::SecretString;

pub struct Settings {
    pub api_key: SecretString,
    pub token: Option<String>,
    pub secret_key: Vec<u8>,
}

const TOKEN_KIND: &str = "sha256";

pub fn load(cfg: &Raw) -> Result<Settings, Error> {
    let secret_key = hex::decode(&cfg.secret_key)?;
    let key_algorithm = "ed25519";
    let secret_kind = "x25519-sha256";
    let token: Option<String> = None;
    let password = cfg.password.clone();
    Ok(Settings { api_key: cfg.api_key.clone().into(), token, secret_key })
}''')

    f = F("noise/php/config.php")
    f.a('''<?php

return [
    'password' => env('DB_PASSWORD', ''),
    'api_secret' => 'hmac-sha256',
    'secret_cipher' => 'AES-256-CBC',
    'token_file' => storage_path('oauth-private.key'),
    'auth_key' => "$prefix-$suffix",
    'secret' => "/$file_pwd",
    'credentials' => "EXTERNAL@%HOSTIP:%POP3PORT/%TESTNUMBER",
    'token' => sprintf('%s:%lu', $user, $expires),
];''')
    v = secret(24)
    f.s("\n$fallback_password = '%s';" % v, "generic", v)

    f = F("noise/config/services.yaml")
    f.a('''auth:
  auth_method: aws-iam
  token_ttl: 3600s
  password_file: /run/secrets/db_password
  secretName: tls-ssl-minio
  token: ${AUTH_TOKEN}
  signing_key: HS512
minio:
  accessKey: console-svcacct
  credentials: AKID/20260101/us-east-1/s3/aws4_request
  secret_key_algorithm: aes-256-gcm
  remote: https://accessKey:secretKey@replica-endpoint:9000/destbucket
gssapi:
  stub_creds: KRB5_Alice
  password_type: String?
''')
    v = secret(20)
    f.s("smtp:\n  password: %s" % v, "generic", v)

    f = F("noise/config/package.json")
    f.a('''{
  "name": "@shop/auth-gateway",
  "version": "1.4.0",
  "dependencies": {
    "@octokit/auth-token": "npm:^4.0.0",
    "token-types": ">=2.0.0",
    "secret-handshake": "~1.2.0",
    "@shop/auth-lib": "workspace:*",
    "keytar-auth": "npm:keytar@^7.9.0"
  }
}''')

    f = F("noise/config/Cargo.toml")
    f.a('''[package]
name = "auth-gateway"
version = "0.3.1"

[dependencies]
google-auth-token = "^0.2.0"
secret-vault-value = ">=0.3.0"
api-token-client = { path = "../auth-lib" }
''')

    f = F("noise/config/.env.example")
    f.a('''DB_PASSWORD_FILE=/run/secrets/db_password
JWT_SECRET_ALGORITHM=HS256
SESSION_SECRET_NAME=prod-session-secret
TOKEN_URL=https://auth.internal/token
AUTH_TOKEN_HEADER=X-Auth-Token
API_KEY=${API_KEY}
AWS_CREDENTIAL=AKID/20260101/eu-west-1/s3/aws4_request
SECRET_KEY_CIPHER=chacha20-poly1305
''')

    f = F("noise/config/web.config")
    f.a('''<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <appSettings>
    <add key="TokenType" value="Bearer" />
    <add key="SigningKeyAlgorithm" value="RSA-OAEP-256" />
    <add key="ApiSecret" value="hmac-sha256" />
  </appSettings>
  <credentials>
    <password>${db.password}</password>
    <signingKey>RSA-OAEP-256</signingKey>
    <credential>AKID/20260101/us-east-1/s3/aws4_request</credential>
    <secretFile>master.passwd</secretFile>
  </credentials>
</configuration>''')

    f = F("noise/lockfiles/yarn.lock")
    f.a('''# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 8
  cacheKey: 10c0

"@octokit/auth-token@npm:^4.0.0":
  version: 4.0.0
  resolution: "@octokit/auth-token@npm:4.0.0"
  languageName: node
  linkType: hard

"@octokit/core@npm:^5.0.0":
  version: 5.2.0
  resolution: "@octokit/core@npm:5.2.0"
  dependencies:
    "@octokit/auth-token": "npm:^4.0.0"
    "secret-handshake": "npm:~1.2.0"
    "token-types": "npm:>=2.0.0 <3"
  languageName: node
  linkType: hard
''')



# ================================================================ main
README = """# leakgate evaluation corpus

A labelled corpus for measuring the recall and precision of `leakgate`.
Everything here is generated by `testdata/corpus-gen.py` (fixed random seed,
byte-identical output on every run). Regenerate from the repository root with:

    python3 testdata/corpus-gen.py

**All secrets are fake**: random characters from a seeded RNG, shaped like the
real formats (length, alphabet, prefixes). None of them is a working credential.

## Layout

`<category>/<realistic file name>`: python, node, go, java, ruby, php, shell,
docker, k8s, terraform, env, ini, toml, xml, json, ci, docs, lockfiles, web,
csharp, rust, misc, ssh, certs, aws, sql, and noise: hard negatives in eight
languages and the config formats (types, identifiers, concatenations, format
templates, file names, algorithm names, version ranges, dotted names, signing
scopes, ids and slugs, grammar assigned to secret-named keys). Most files are
ordinary code or config around one or two planted secrets; many files contain no secret at all, only
look-alikes (placeholders, env-var references, template expressions, UUIDs,
hashes, git SHAs, lockfile integrity hashes, data URIs, public keys and
certificates, the AWS documentation example keys, Stripe test and publishable
keys, i18n strings, ...). Look-alikes also appear next to real positives.

## Labels: `expected.txt`

One line per planted secret:

    <path relative to testdata/corpus>:<1-based line where the secret starts>  # <category>

Sorted by path, then line number. A line holding two secrets is listed once.
Multi-line secrets (PEM private keys) are labelled at their `-----BEGIN` line.
Anything not listed in `expected.txt` is a negative: a finding elsewhere is a
false positive.

Categories: %s.

This README and `expected.txt` are themselves generated and are not scan
targets (exclude them when scanning, or ignore findings in them).
"""


def main():
    for fn in [python_files, node_files, go_files, java_files, ruby_files, php_files, shell_files,
               docker_files, k8s_files, terraform_files, env_files, ini_toml_files, xml_json_files,
               ci_files, docs_files, lockfiles, web_files, csharp_rust_files, misc_files,
               recall_files, noise_files]:
        fn()

    paths = [f.path for f in FILES]
    assert len(paths) == len(set(paths)), "duplicate path"
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    for f in FILES:
        full = os.path.join(OUT, f.path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(f.content())

    # dedupe (a line with two secrets is listed once), sort by path then line
    seen = {}
    for path, line, cat, needle in LABELS:
        seen.setdefault((path, line), (cat, needle))
    keys = sorted(seen)
    with open(os.path.join(OUT, "expected.txt"), "w", encoding="utf-8", newline="\n") as fh:
        for path, line in keys:
            fh.write("%s:%d  # %s\n" % (path, line, seen[(path, line)][0]))

    cats = sorted({c for c, _ in seen.values()})
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(README % ", ".join("`%s`" % c for c in cats))

    # verify every label against the written files
    errors = 0
    for path, line, cat, needle in LABELS:
        with open(os.path.join(OUT, path), encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        if needle not in lines[line - 1]:
            print("LABEL MISMATCH %s:%d %s" % (path, line, needle[:40]), file=sys.stderr)
            errors += 1
    if errors:
        sys.exit(1)

    # summary
    with_pos = {p for p, _ in keys}
    counts = {}
    for _, (c, _) in seen.items():
        counts[c] = counts.get(c, 0) + 1
    total = sum(os.path.getsize(os.path.join(OUT, f.path)) for f in FILES)
    print("files: %d  (with positives: %d, without: %d)" % (len(FILES), len(with_pos), len(FILES) - len(with_pos)))
    print("labels: %d  corpus bytes: %d" % (len(keys), total))
    for c in sorted(counts):
        print("  %-22s %d" % (c, counts[c]))


if __name__ == "__main__":
    main()
