"""Helpers for loading keys.  Only public material is embedded here."""
from cryptography.hazmat.primitives import serialization

PRIVATE_KEY_HEADER = "-----BEGIN RSA PRIVATE KEY-----"
PKCS8_HEADER = "-----BEGIN PRIVATE KEY-----"
FOOTER = "-----END RSA PRIVATE KEY-----"

SIGNING_PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAedVmk5YisT7Lm895LZS1
cqSlaVi/V/PbbIbOodJVKd/NDCXIyXAWRT9e8ImF5lYHLyc6MUld2/XDUScKZrr2
yoCn6rFdwvpb4/whuCJ56ZQAPiqvG6xJAom3G0OWPgOSO40KE8b+boTh2okpqny7
9+jTMJ0ejVBppMWieoBWG7v/SMAsyvNq1TNger6Jr+mVfsr8HKK3D1Jx/3RTA6CG
zRmh3Ytba1tQFTP7C7TPV/noay1IA1P/4WNaw2MveYVbuVr9L3FiXUxA7xjmhlsm
wfgLBbJ0s+Yxz4N82YUvRe+kn2xz1OX2TFtLbtL1LzPO
-----END PUBLIC KEY-----
"""


def is_private_pem(text: str) -> bool:
    return text.lstrip().startswith((PRIVATE_KEY_HEADER, PKCS8_HEADER))


def load_private_key(path, password=None):
    with open(path, "rb") as fh:
        return serialization.load_pem_private_key(fh.read(), password=password)


def load_public_key():
    return serialization.load_pem_public_key(SIGNING_PUBLIC_KEY.encode())


KEY_FINGERPRINT = "191e28c2f2388dc10da5bffacefd697312bba82af983eadec108b08c3ce052e9"
primary_key = "id"
sort_key = "created_at"
key_id = "6819b8ac-3e6d-4eb6-9cc1-7fd04d501499"
