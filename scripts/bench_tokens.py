"""Token shapes the benchmark trees plant, shared by bench-tree.py and bench-journal-tree.py."""
import zlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def github_checksummed(random_part):
    """The random part then GitHub's checksum of it: its CRC32 in base62, six digits (GitHub's
    token format; leakgate verifies it, so a token without it is not a token)."""
    value = zlib.crc32(random_part.encode())
    out = ""
    for _ in range(6):
        out = BASE62[value % 62] + out
        value //= 62
    return random_part + out
