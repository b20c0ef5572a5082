#!/usr/bin/env python3
"""Assemble the deterministic benchmark tree for scripts/bench.sh.

Usage:
    bench-tree.py build --out TREE --marker FILE --min-bytes N --max-file-bytes N \
        --seed N --recipe-key KEY [--cargo-lock Cargo.lock] --source LABEL=DIR [...]

What it does, always the same way for the same inputs:

1. For each source (in the order given), walk DIR in sorted path order and copy every regular,
   non-symlink text source file whose extension is in EXTENSIONS and whose size is at most
   --max-file-bytes to TREE/LABEL/<path relative to DIR>. "Text" means: no NUL byte in the
   first 8 KiB (the same probe leakgate and ripgrep use to call a file binary), so both tools
   see exactly the same set of files.
   The source labelled "cargo" is a cargo registry source directory (~/.cargo/registry/src).
   It holds whatever crates this machine ever downloaded, so with --cargo-lock only the
   registry crates listed in that Cargo.lock are taken (each as TREE/cargo/NAME-VERSION/),
   which makes that part of the tree a function of the lock file alone.
2. While the total is under --min-bytes, add another full copy of the files copied in step 1
   under TREE/copy2/, TREE/copy3/, ...
3. Plant exactly five fake secrets, generated from --seed, in five new files under TREE/app/.
   The secrets are assembled from pieces so that this file never contains one literally
   (leakgate scans its own repository and must stay clean).
4. Write --marker (JSON): the recipe key, file count, total bytes and a SHA-256 of the sorted
   (path, size) manifest, so a later run can reuse the tree and the numbers are traceable.

The tree is built in TREE.tmp and renamed into place at the end, so an interrupted build never
leaves a half-built tree that looks finished.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import string
import sys

from bench_tokens import github_checksummed

# Text source extensions copied into the tree.
EXTENSIONS = {
    ".py", ".rs", ".js", ".ts", ".json", ".toml", ".yaml", ".yml", ".md", ".go", ".c", ".h",
    ".txt", ".cfg", ".ini", ".sh", ".html", ".css",
}

# Directories never descended into (byte-code caches and VCS metadata).
SKIP_DIRS = {"__pycache__", ".git", ".hg", ".svn"}

# Files that would change what either tool walks if they landed in the tree. None of them has
# a copied extension, but be explicit.
IGNORE_FILES = {".gitignore", ".ignore", ".rgignore", ".leakgateignore"}

BINARY_PROBE = 8 * 1024


def is_text(path):
    """True when the first 8 KiB hold no NUL byte (the binary probe leakgate and rg use)."""
    try:
        with open(path, "rb") as handle:
            return b"\0" not in handle.read(BINARY_PROBE)
    except OSError:
        return False


def collect(root, max_file_bytes):
    """Return the sorted list of (relative path, size) to copy from root."""
    picked = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        # Sorting dirnames in place makes os.walk visit subdirectories in sorted order.
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name in IGNORE_FILES or os.path.splitext(name)[1] not in EXTENSIONS:
                continue
            path = os.path.join(dirpath, name)
            try:
                if os.path.islink(path) or not os.path.isfile(path):
                    continue
                size = os.path.getsize(path)
            except OSError:
                continue
            if size > max_file_bytes or not is_text(path):
                continue
            picked.append((os.path.relpath(path, root), size))
    picked.sort()
    return picked


def locked_crates(lock_path):
    """Sorted NAME-VERSION of every crates.io package in a Cargo.lock."""
    with open(lock_path, encoding="utf-8") as handle:
        text = handle.read()
    crates = set()
    # Each [[package]] block has name, version and (for registry crates) source lines.
    for block in text.split("[[package]]")[1:]:
        fields = {}
        for line in block.splitlines():
            key, sep, value = line.partition(" = ")
            if sep and key in ("name", "version", "source"):
                fields[key] = value.strip().strip('"')
        if fields.get("source", "").startswith("registry+") and "name" in fields:
            crates.add(f"{fields['name']}-{fields['version']}")
    return sorted(crates)


def cargo_roots(registry_src, lock_path):
    """[(crate dir name, path)] for the locked crates found in a registry source directory.

    The index directory's name (index.crates.io-<hash>) varies with the cargo version, so it
    is dropped; a crate present under several indexes is taken from the first in sorted order.
    """
    indexes = sorted(
        os.path.join(registry_src, d)
        for d in os.listdir(registry_src)
        if os.path.isdir(os.path.join(registry_src, d))
    )
    roots = []
    for crate in locked_crates(lock_path):
        for index in indexes:
            if os.path.isdir(os.path.join(index, crate)):
                roots.append((crate, os.path.join(index, crate)))
                break
        else:
            print(f"  cargo: {crate} not in {registry_src}, skipped", file=sys.stderr)
    return roots


def copy_file(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst)


# ---------------------------------------------------------------------------------------------
# Planted secrets. Every secret-shaped literal is split so that no line here matches a rule.

B62 = string.ascii_letters + string.digits
B64 = string.ascii_letters + string.digits + "+/"
B32_UPPER = string.ascii_uppercase + "234567"
PASSWORD_CHARS = string.ascii_letters + string.digits + "!#%*+-_"


def rand(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def planted_files(seed):
    """Return [(relative path, content)] for the five planted secrets, from a fixed seed."""
    rng = random.Random(seed)
    github = "gh" + "p_" + github_checksummed(rand(rng, B62, 30))
    aws_id = "AK" + "IA" + rand(rng, B32_UPPER, 16)
    db_url_password = rand(rng, PASSWORD_CHARS, 20)
    env_password = rand(rng, PASSWORD_CHARS, 18)
    pem_body = [rand(rng, B64, 64) for _ in range(25)] + [rand(rng, B64, 28) + "=="]
    dashes = "-" * 5
    pem_label = "RSA " + "PRIVATE" + " KEY"

    db_url = "postgres" + "://app_user:" + db_url_password + "@db.internal.example.com:5432/app"
    pem = "\n".join(
        [dashes + "BEGIN " + pem_label + dashes] + pem_body + [dashes + "END " + pem_label + dashes]
    )
    return [
        (
            "app/src/github_sync.py",
            '"""Mirror issues from GitHub into the tracker."""\n'
            "import requests\n\n"
            "GITHUB_" + "TOKEN = " + '"' + github + '"\n\n\n'
            "def fetch_issues(repo):\n"
            '    headers = {"Authorization": f"token {GITHUB_TOKEN}"}\n'
            '    url = f"https://api.github.com/repos/{repo}/issues"\n'
            "    return requests.get(url, headers=headers, timeout=10).json()\n",
        ),
        (
            "app/config/aws.yaml",
            "# Deployment settings for the reporting job.\n"
            "region: eu-west-1\n"
            "bucket: reports-archive\n"
            "aws_access_" + "key_id: " + aws_id + "\n",
        ),
        (
            "app/src/db.js",
            "// Connection pool for the orders service.\n"
            "const { Pool } = require('pg');\n\n"
            "const DATABASE_URL = '" + db_url + "';\n\n"
            "module.exports = new Pool({ connectionString: DATABASE_URL, max: 10 });\n",
        ),
        (
            "app/.env",
            "APP_ENV=production\n"
            "DB_HOST=db.internal.example.com\n"
            "DB_USER=app_user\n"
            "DB_" + "PASSWORD=" + env_password + "\n",
        ),
        ("app/deploy/server.pem", pem + "\n"),
    ]


# ---------------------------------------------------------------------------------------------


def file_sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def build(args):
    tree = os.path.abspath(args.out)
    work = tree + ".tmp"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    # 1. One copy of every selected file from every source.
    base = []  # relative paths inside the tree, for the extra copies
    total = 0
    for spec in args.source:
        label, _, root = spec.partition("=")
        if not os.path.isdir(root):
            print(f"  source {label}: {root} missing, skipped", file=sys.stderr)
            continue
        if label == "cargo" and args.cargo_lock:
            # (source file, path inside TREE/cargo) for each locked crate, crate by crate.
            files = [
                (os.path.join(path, rel), os.path.join(crate, rel), nbytes)
                for crate, path in cargo_roots(root, args.cargo_lock)
                for rel, nbytes in collect(path, args.max_file_bytes)
            ]
        else:
            files = [
                (os.path.join(root, rel), rel, nbytes)
                for rel, nbytes in collect(root, args.max_file_bytes)
            ]
        size = 0
        for src, rel, nbytes in files:
            try:
                copy_file(src, os.path.join(work, label, rel))
            except OSError as error:
                print(f"  skip {src}: {error}", file=sys.stderr)
                continue
            base.append(os.path.join(label, rel))
            size += nbytes
        total += size
        print(f"  source {label}: {root}: {len(files)} files, {size / 1e6:.1f} MB", file=sys.stderr)
    base.sort()
    if not base:
        sys.exit("bench-tree: no source files found")

    # 2. Whole extra copies until the tree is big enough.
    copy = 1
    while total < args.min_bytes:
        copy += 1
        for rel in base:
            copy_file(os.path.join(work, rel), os.path.join(work, f"copy{copy}", rel))
            total += os.path.getsize(os.path.join(work, rel))
        print(f"  copy{copy}/: total now {total / 1e6:.1f} MB", file=sys.stderr)

    # 3. The five planted secrets.
    for rel, content in planted_files(args.seed):
        path = os.path.join(work, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(content)

    # 4. Manifest and marker.
    manifest = hashlib.sha256()
    files = 0
    total = 0
    for dirpath, dirnames, filenames in os.walk(work):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            size = os.path.getsize(path)
            manifest.update(f"{os.path.relpath(path, work)}\0{size}\n".encode())
            files += 1
            total += size

    shutil.rmtree(tree, ignore_errors=True)
    os.rename(work, tree)
    marker = {
        "recipe_key": args.recipe_key,
        "files": files,
        "bytes": total,
        "copies": copy,
        "manifest_sha256": manifest.hexdigest(),
        "sources": args.source,
        "cargo_lock_sha256": file_sha256(args.cargo_lock) if args.cargo_lock else None,
        "seed": args.seed,
        "planted": [rel for rel, _ in planted_files(args.seed)],
    }
    with open(args.marker, "w", encoding="utf-8") as handle:
        json.dump(marker, handle, indent=2)
        handle.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--out", required=True)
    b.add_argument("--marker", required=True)
    b.add_argument("--min-bytes", type=int, required=True)
    b.add_argument("--max-file-bytes", type=int, required=True)
    b.add_argument("--seed", type=int, required=True)
    b.add_argument("--recipe-key", required=True)
    b.add_argument("--cargo-lock", help="take only the crates of this Cargo.lock from 'cargo'")
    b.add_argument("--source", action="append", default=[], help="LABEL=DIR")
    args = parser.parse_args()
    if args.command == "build":
        build(args)


if __name__ == "__main__":
    main()
