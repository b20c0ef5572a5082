#!/usr/bin/env python3
"""Build the deterministic git repositories for scripts/bench-git.sh.

Usage:
    bench-git-repo.py manifest --source DIR --max-file-bytes N
    bench-git-repo.py tracked --out REPO --marker FILE --source DIR --max-file-bytes N \
        --files N --changes N[,N...] --recipe-key KEY
    bench-git-repo.py history --out REPO --marker FILE --source DIR --max-file-bytes N \
        --commits N --side-commits N --seed N --recipe-key KEY

Source files, always the same for the same DIR: walk DIR in sorted order (skipping __pycache__,
site-packages, dist-packages and VCS directories) and take every regular, non-symlink file of
at most --max-file-bytes bytes with no NUL byte in it (text, as git and leakgate see it) whose
name git does not treat specially (.gitignore, .gitattributes, .gitmodules, .mailmap). The
list is sorted by path.

manifest
    Print a SHA-256 over the sorted (path, size, content SHA-256) of the source files, so the
    caller can tell when the source (a Python upgrade, say) changed and rebuild.

tracked
    A repository with exactly --files tracked files: the source files are copied into numbered
    directories c000/, c001/, ... (one full copy each, the last one cut short) until there are
    --files of them, then `git add -A && git commit` with a fixed author, committer and date,
    then `git gc`. The marker lists, for each N in --changes, the N files a benchmark run
    modifies: N tracked .py files ending in a newline, spread evenly over the sorted file list
    (so they sit in different directories), and the one of them that gets the fake secret.

history
    A history-replay repository built with `git fast-import`: --commits commits on main that
    add the source files in sorted order (none, one or two per commit, evenly spread) and each
    modify one earlier file (insert, replace or delete a few lines, the new lines taken from
    another real file, all from --seed), plus a stale branch of --side-commits commits that
    forks from the middle of main and is never merged. Only that branch adds a fake secret (a
    .env file, assembled from pieces at run time, so this file never holds one) and removes it
    again: a history scan must read blobs reachable from every ref to find it. Lightweight
    tags mark every 1,000th commit of main. Fixed authors and dates, one hour apart. Then
    `git repack -adf` (one pack, deltas recomputed, as on a server) and a checkout of main.
    The marker records the commit count, the number and total size of distinct blobs
    reachable from all refs, and the planted secret's path.

Every repository is built in REPO.tmp and renamed into place only when complete, and its
marker is written last, so an interrupted build never leaves something that looks finished.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import string
import subprocess
import sys

SKIP_DIRS = {"__pycache__", "site-packages", "dist-packages", ".git", ".hg", ".svn"}
SKIP_FILES = {".gitignore", ".gitattributes", ".gitmodules", ".mailmap", ".leakgateignore"}

AUTHORS = [
    ("Ada Lovelace", "ada@example.com"),
    ("Grace Hopper", "grace@example.com"),
    ("Alan Turing", "alan@example.com"),
    ("Edsger Dijkstra", "edsger@example.com"),
    ("Barbara Liskov", "barbara@example.com"),
]
EPOCH = 1577836800  # 2020-01-01T00:00:00Z: the first commit's date
COMMIT_INTERVAL = 3600  # one commit an hour


def source_files(root, max_file_bytes):
    """Sorted [(relative path, absolute path)] of the text files taken from root."""
    picked = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name in SKIP_FILES:
                continue
            path = os.path.join(dirpath, name)
            try:
                if os.path.islink(path) or not os.path.isfile(path):
                    continue
                if os.path.getsize(path) > max_file_bytes:
                    continue
                with open(path, "rb") as handle:
                    if b"\0" in handle.read():
                        continue
            except OSError:
                continue
            picked.append((os.path.relpath(path, root), path))
    picked.sort()
    if not picked:
        sys.exit(f"bench-git-repo: no source files under {root}")
    return picked


def git_env():
    """Environment for every git command: no user or system config, fixed identity."""
    env = dict(os.environ)
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE"):
        env.pop(var, None)
    name, email = AUTHORS[0]
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL="/dev/null",
        GIT_AUTHOR_NAME=name,
        GIT_AUTHOR_EMAIL=email,
        GIT_COMMITTER_NAME=name,
        GIT_COMMITTER_EMAIL=email,
        GIT_AUTHOR_DATE=f"@{EPOCH} +0000",
        GIT_COMMITTER_DATE=f"@{EPOCH} +0000",
        LC_ALL="C",
    )
    return env


def git(repo, *args, stdin=None, capture=False):
    result = subprocess.run(
        ["git", "-C", repo, *args],
        env=git_env(),
        input=stdin,
        check=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout if capture else None


def git_init(repo):
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "main")
    # Nothing may start in the background or on its own while the benchmark runs.
    git(repo, "config", "gc.auto", "0")
    git(repo, "config", "maintenance.auto", "false")
    git(repo, "config", "core.autocrlf", "false")


def blob_stats(repo):
    """(distinct blobs reachable from all refs, their total size in bytes)."""
    objects = git(repo, "rev-list", "--all", "--objects", capture=True)
    ids = b"\n".join(line.split(b" ", 1)[0] for line in objects.splitlines()) + b"\n"
    types = git(repo, "cat-file", "--batch-check=%(objecttype) %(objectsize)", stdin=ids,
                capture=True)
    count = size = 0
    for line in types.splitlines():
        kind, nbytes = line.split()
        if kind == b"blob":
            count += 1
            size += int(nbytes)
    return count, size


def finish(work, out, marker_path, marker):
    shutil.rmtree(out, ignore_errors=True)
    os.rename(work, out)
    with open(marker_path, "w", encoding="utf-8") as handle:
        json.dump(marker, handle, indent=2)
        handle.write("\n")


# ---------------------------------------------------------------------------------------------


def cmd_manifest(args):
    digest = hashlib.sha256()
    for rel, path in source_files(args.source, args.max_file_bytes):
        with open(path, "rb") as handle:
            data = handle.read()
        digest.update(f"{rel}\0{len(data)}\0{hashlib.sha256(data).hexdigest()}\n".encode())
    print(digest.hexdigest())


def cmd_tracked(args):
    files = source_files(args.source, args.max_file_bytes)
    out = os.path.abspath(args.out)
    work = out + ".tmp"
    shutil.rmtree(work, ignore_errors=True)
    git_init(work)

    written = 0
    copy = 0
    while written < args.files:
        for rel, path in files[: args.files - written]:
            dst = os.path.join(work, f"c{copy:03d}", rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(path, dst)
        written += min(len(files), args.files - written)
        copy += 1
    print(f"  {written} files in {copy} numbered directories", file=sys.stderr)

    git(work, "add", "-A")
    git(work, "commit", "-q", "--no-verify", "-m", f"Import {written} files")
    git(work, "gc", "-q")

    tracked = git(work, "ls-files", "-z", capture=True).split(b"\0")[:-1]
    if len(tracked) != args.files:
        sys.exit(f"bench-git-repo: {len(tracked)} files tracked, wanted {args.files}")
    total = sum(os.path.getsize(os.path.join(work, p.decode())) for p in tracked)

    # The files each change touches: .py files that end in a newline (an appended line is a
    # line of its own), spread evenly over the sorted list.
    eligible = []
    for p in tracked:
        if not p.endswith(b".py"):
            continue
        with open(os.path.join(work, p.decode()), "rb") as handle:
            data = handle.read()
        if data.endswith(b"\n"):
            eligible.append(p.decode())
    changes = {}
    for n in args.changes:
        if n > len(eligible):
            sys.exit(f"bench-git-repo: a change of {n} files, but only {len(eligible)} eligible")
        picked = [eligible[(2 * i + 1) * len(eligible) // (2 * n)] for i in range(n)]
        changes[str(n)] = {"files": picked, "secret_file": picked[n // 2]}

    head = git(work, "rev-parse", "HEAD", capture=True).decode().strip()
    finish(work, out, args.marker, {
        "recipe_key": args.recipe_key,
        "files": len(tracked),
        "bytes": total,
        "copies": copy,
        "head": head,
        "source": args.source,
        "changes": changes,
    })


# ---------------------------------------------------------------------------------------------
# History replay.

B62 = string.ascii_letters + string.digits


def planted_env(rng):
    """A .env file with one fake database password; the key is assembled from pieces."""
    password = "".join(rng.choice(B62) for _ in range(22))
    return (
        "APP_ENV=staging\n"
        "DB_HOST=db.staging.example.com\n"
        "DB_USER=app\n"
        "DB_" + "PASSWORD=" + password + "\n"
    ).encode()


def edit(rng, data, donor):
    """Insert, replace or delete a few lines of data; new lines come from donor (real text)."""
    lines = data.splitlines(keepends=True)
    if lines and not lines[-1].endswith(b"\n"):
        lines[-1] += b"\n"
    donor_lines = donor.splitlines(keepends=True) or [b"\n"]
    if donor_lines and not donor_lines[-1].endswith(b"\n"):
        donor_lines[-1] += b"\n"
    start = rng.randrange(len(donor_lines))
    new = donor_lines[start : start + rng.randint(1, 8)]
    op = rng.choice(["insert", "insert", "replace", "replace", "delete"])
    if len(lines) < 20:
        op = "insert"
    at = rng.randrange(len(lines) + 1)
    if op == "insert":
        lines[at:at] = new
    elif op == "replace":
        lines[at : at + rng.randint(1, 5)] = new
    else:
        del lines[at : at + rng.randint(1, 8)]
    result = b"".join(lines)
    return result if result != data else result + b"\n"


class Stream:
    """Writes a git fast-import stream."""

    def __init__(self, pipe):
        self.pipe = pipe
        self.mark = 0

    def data(self, payload):
        self.pipe.write(b"data %d\n" % len(payload))
        self.pipe.write(payload)
        self.pipe.write(b"\n")

    def commit(self, ref, when, message, parent, changes):
        """changes: [(path, bytes or None for a deletion)]. Returns the commit's mark."""
        self.mark += 1
        name, email = AUTHORS[self.mark % len(AUTHORS)]
        ident = f"{name} <{email}> {when} +0000\n".encode()
        self.pipe.write(b"commit %s\nmark :%d\n" % (ref.encode(), self.mark))
        self.pipe.write(b"author " + ident + b"committer " + ident)
        self.data(message.encode())
        if parent is not None:
            self.pipe.write(b"from :%d\n" % parent)
        for path, content in changes:
            if content is None:
                self.pipe.write(b"D %s\n" % path.encode())
            else:
                self.pipe.write(b"M 100644 inline %s\n" % path.encode())
                self.data(content)
        self.pipe.write(b"\n")
        return self.mark

    def tag(self, ref, mark):
        self.pipe.write(b"reset %s\nfrom :%d\n\n" % (ref.encode(), mark))


def cmd_history(args):
    files = source_files(args.source, args.max_file_bytes)
    contents = []
    for _, path in files:
        with open(path, "rb") as handle:
            contents.append(handle.read())
    rng = random.Random(args.seed)
    out = os.path.abspath(args.out)
    work = out + ".tmp"
    shutil.rmtree(work, ignore_errors=True)
    git_init(work)

    proc = subprocess.Popen(
        ["git", "-C", work, "fast-import", "--quiet", "--done"],
        stdin=subprocess.PIPE,
        env=git_env(),
    )
    stream = Stream(proc.stdin)
    state = {}  # path -> current content on main
    order = []  # paths on main, in the order they were added
    added = 0
    parent = None
    fork = None
    fork_at = args.commits // 2
    for i in range(args.commits):
        changes = []
        # Source file j goes in with commit j * commits // len(files): about len/commits each.
        while added < len(files) and added * args.commits // len(files) <= i:
            rel = files[added][0]
            state[rel] = contents[added]
            order.append(rel)
            changes.append((rel, contents[added]))
            added += 1
        touched = {path for path, _ in changes}
        if len(order) > len(touched):
            while True:
                path = order[rng.randrange(len(order))]
                if path not in touched:
                    break
            state[path] = edit(rng, state[path], contents[rng.randrange(len(contents))])
            changes.append((path, state[path]))
        verb = "Add" if changes[0][0] in touched else "Update"
        message = f"{verb} {changes[0][0]}" + (f" (+{len(changes) - 1})" if len(changes) > 1 else "")
        parent = stream.commit("refs/heads/main", EPOCH + i * COMMIT_INTERVAL, message + "\n",
                               parent, changes)
        if (i + 1) % 1000 == 0:
            stream.tag(f"refs/tags/v{(i + 1) // 1000}.0", parent)
        if i == fork_at:
            fork = (parent, dict(state), list(order), EPOCH + i * COMMIT_INTERVAL)

    # The stale branch: edits on top of main's state at the fork; commit 3 adds the secret,
    # commit 8 removes it.
    side_parent, side_state, side_order, when = fork
    planted = "deploy/staging/.env"
    for k in range(args.side_commits):
        when += COMMIT_INTERVAL // 2
        if k == 3:
            changes = [(planted, planted_env(rng))]
        elif k == 8:
            changes = [(planted, None)]
        else:
            path = side_order[rng.randrange(len(side_order))]
            side_state[path] = edit(rng, side_state[path], contents[rng.randrange(len(contents))])
            changes = [(path, side_state[path])]
        side_parent = stream.commit("refs/heads/feature/staging-deploy", when,
                                    f"staging deploy, step {k + 1}\n", side_parent, changes)
    proc.stdin.write(b"done\n")
    proc.stdin.close()
    if proc.wait() != 0:
        sys.exit("bench-git-repo: git fast-import failed")

    git(work, "repack", "-a", "-d", "-f", "-q")
    git(work, "prune")
    git(work, "reset", "-q", "--hard")
    commits = int(git(work, "rev-list", "--all", "--count", capture=True))
    blobs, blob_bytes = blob_stats(work)
    print(f"  {commits} commits, {blobs} blobs, {blob_bytes / 1e6:.1f} MB", file=sys.stderr)
    finish(work, out, args.marker, {
        "recipe_key": args.recipe_key,
        "commits": commits,
        "blobs": blobs,
        "blob_bytes": blob_bytes,
        "head": git(work, "rev-parse", "HEAD", capture=True).decode().strip(),
        "source": args.source,
        "planted": planted,
        "planted_branch": "feature/staging-deploy",
    })


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p, build=True):
        p.add_argument("--source", required=True)
        p.add_argument("--max-file-bytes", type=int, required=True)
        if build:
            p.add_argument("--out", required=True)
            p.add_argument("--marker", required=True)
            p.add_argument("--recipe-key", required=True)

    common(sub.add_parser("manifest"), build=False)
    t = sub.add_parser("tracked")
    common(t)
    t.add_argument("--files", type=int, required=True)
    t.add_argument("--changes", required=True, type=lambda s: [int(n) for n in s.split(",")])
    h = sub.add_parser("history")
    common(h)
    h.add_argument("--commits", type=int, required=True)
    h.add_argument("--side-commits", type=int, required=True)
    h.add_argument("--seed", type=int, required=True)
    args = parser.parse_args()
    {"manifest": cmd_manifest, "tracked": cmd_tracked, "history": cmd_history}[args.command](args)


if __name__ == "__main__":
    main()
