#!/usr/bin/env python3
"""Assemble the deterministic journal-heavy tree and its plain twin for scripts/bench-journal.sh.

Usage:
    bench-journal-tree.py build --json-out DIR --plain-out DIR --marker FILE --seed N \
        --runs N --transcripts N --recipe-key KEY
    bench-journal-tree.py key      # corpus root and digest, for the recipe key

What it does, always the same way for the same inputs (seed, counts, this file, and the
Python standard library it reads text from):

1. Reads the text corpus: every .py file of this Python's standard library (tests, idlelib's
   tests and site-packages left out), in sorted path order, with its docstrings (prose for
   prompts and answers) and function frames (file, line, name, source line: for stack traces).
2. Writes DIR/.a5c/runs/<ULID>/ run directories shaped like babysitter SDK 6.0.0 run data
   (../shared/journal-format.md §3-§5, §11): run.json with a long prompt, inputs.json,
   journal/<6-digit seq>.<ULID>.json events (pretty JSON, 2-space indent, type/recordedAt/data/
   sdkVersion and a real §8.1 checksum; 10-40 events a run, EFFECT_RESOLVED errors with
   multi-line messages and stacks), tasks/<effectId>/task.json (keys sorted: agent prompts,
   shell command lines with escaped quotes, node.env maps), tasks/<effectId>/result.json
   (outputs with JSON-in-JSON strings, value duplicated as the SDK does), stdout.log and
   stderr.log, state/state.json and state/output.json.
3. Writes agent-session transcripts as JSON Lines outside .a5c: Claude Code style
   (DIR/.claude/projects/-work-app/<uuid>.jsonl: long `content` strings, tool inputs and
   results) and Codex style (DIR/.codex/sessions/.../rollout-*.jsonl: tool `arguments` and
   `output` that are JSON strings holding JSON, so doubly escaped).
4. Plants fake secrets generated from --seed, many JSON-escaped (one character as \\u00XX, a PEM
   key with \\n escapes, \\"password\\": \\"...\\" inside a command line, JSON-in-JSON), so the
   JSON layer has something to find. Every secret-shaped literal is assembled from pieces, so
   this file never contains one (leakgate scans its own repository and must stay clean).
5. Copies the tree to --plain-out byte for byte, every `x.json`/`x.jsonl` renamed `x.txt`
   (a name leakgate does not treat as JSON), and checks that both trees hold the same bytes.
6. Writes --marker (JSON): recipe key, counts, sizes, a SHA-256 of the sorted (path, size)
   manifest and of the content, and the planted secrets (what, where, expected rule).

Both trees are built in DIR.tmp and renamed into place at the end, so an interrupted build
never leaves a half-built tree that looks finished.
"""

import argparse
import ast
import base64
import bisect
import datetime
import hashlib
import json
import os
import random
import re
import shutil
import string
import sys
import sysconfig

from bench_tokens import github_checksummed

SDK_VERSION = "6.0.0"
LAYOUT_VERSION = "2026.01-storage-preview"
CLOCK_START_MS = 1772323200000  # 2026-03-01T00:00:00.000Z
PYLIB = "/usr/lib/python3.11"  # how paths read in the generated tracebacks
CORPUS_SKIP_DIRS = {"test", "tests", "idle_test", "site-packages", "dist-packages", "__pycache__"}

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
B62 = string.ascii_letters + string.digits
B64 = B62 + "+/"
B64URL = B62 + "-_"
B32_UPPER = string.ascii_uppercase + "234567"
HEX = "0123456789abcdef"
PASSWORD_CHARS = string.ascii_letters + string.digits + "!#%*+-_"

# A string value holding this marker, e.g. "⟦u0070⟧", comes out of dump() as the JSON escape
# \u0070: a character written escaped although it need not be (what ensure_ascii writers and
# hand-edited files do). The marker never occurs in the corpus.
ESC_RE = re.compile("\u27e6u([0-9a-f]{4})\u27e7")



def esc(ch):
    """The marker that dump() turns into the \\uXXXX escape of `ch`."""
    return "\u27e6u%04x\u27e7" % ord(ch)


def dump(obj, sort_keys=False):
    """JSON.stringify(obj, null, 2) + "\\n", as the SDK writes every file."""
    text = json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=sort_keys) + "\n"
    return ESC_RE.sub(r"\\u\1", text)


def compact(obj):
    """JSON.stringify(obj): one JSON Lines record, no newline."""
    return ESC_RE.sub(r"\\u\1", json.dumps(obj, ensure_ascii=False, separators=(",", ":")))


def rand(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def iso(ms):
    t = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)


def ulid(ms, rng):
    t = "".join(CROCKFORD[(ms >> (5 * (9 - i))) & 31] for i in range(10))
    return t + rand(rng, CROCKFORD, 16)


def uuid4(rng):
    h = rand(rng, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:32]}"


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# The corpus: real text from the standard library.


def stdlib_root():
    return os.path.realpath(sysconfig.get_paths()["stdlib"])


def corpus_paths(root):
    """The corpus files: every .py file under root outside CORPUS_SKIP_DIRS, sorted."""
    paths = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in CORPUS_SKIP_DIRS)
        for name in sorted(filenames):
            if name.endswith(".py") and not os.path.islink(os.path.join(dirpath, name)):
                paths.append(os.path.relpath(os.path.join(dirpath, name), root))
    return sorted(paths)


def corpus_key(root):
    """SHA-256 of the corpus's sorted (path, size) list: changes when the corpus would."""
    manifest = hashlib.sha256()
    for rel in corpus_paths(root):
        manifest.update(f"{rel}\0{os.path.getsize(os.path.join(root, rel))}\n".encode())
    return manifest.hexdigest()


class Corpus:
    def __init__(self, root):
        self.root = root
        self.files = []  # (relative path, [lines])
        self.docs = []  # docstrings of 80+ characters
        self.frames = []  # (relative path, line number, function name, stripped source line)
        manifest = hashlib.sha256()
        self.bytes = 0
        for rel in corpus_paths(root):
            with open(os.path.join(root, rel), "rb") as handle:
                raw = handle.read()
            manifest.update(f"{rel}\0{len(raw)}\n".encode())
            self.bytes += len(raw)
            text = raw.decode("utf-8", errors="replace")
            lines = text.splitlines()
            if not lines:
                continue
            self.files.append((rel, lines))
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError):
                continue
            for node in ast.walk(tree):
                if isinstance(
                    node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
                ):
                    doc = ast.get_docstring(node)
                    if doc and len(doc) >= 80:
                        self.docs.append(doc)
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
                    line = node.body[-1].lineno
                    if 0 < line <= len(lines) and lines[line - 1].strip():
                        self.frames.append((rel, line, node.name, lines[line - 1].strip()))
        self.manifest_sha256 = manifest.hexdigest()
        # Files are picked in proportion to their length, so long modules dominate as they would.
        self.cum = []
        total = 0
        for _, lines in self.files:
            total += len(lines)
            self.cum.append(total)

    def pick_file(self, rng):
        return self.files[bisect.bisect_right(self.cum, rng.randrange(self.cum[-1]))]

    def source(self, rng, nbytes):
        """(path, first line number, text) of consecutive source lines, about nbytes long."""
        rel, lines = self.pick_file(rng)
        start = rng.randrange(len(lines))
        out, size, i = [], 0, start
        while size < nbytes and i < len(lines):
            out.append(lines[i])
            size += len(lines[i]) + 1
            i += 1
        return rel, start + 1, "\n".join(out)

    def numbered(self, rng, nbytes):
        """A file as a Read tool shows it: cat -n style line numbers and tabs."""
        rel, first, text = self.source(rng, nbytes)
        return rel, "\n".join(f"{first + n:>6}\t{line}" for n, line in enumerate(text.split("\n")))

    def prose(self, rng, nbytes):
        out, size = [], 0
        while size < nbytes:
            doc = self.docs[rng.randrange(len(self.docs))]
            out.append(doc)
            size += len(doc) + 2
        return "\n\n".join(out)

    def sentence(self, rng):
        doc = self.docs[rng.randrange(len(self.docs))]
        return doc.split("\n", 1)[0].strip().rstrip(".")[:160]

    def py_traceback(self, rng, depth):
        lines = ["Traceback (most recent call last):"]
        for _ in range(depth):
            rel, line, name, src = self.frames[rng.randrange(len(self.frames))]
            lines.append(f'  File "{PYLIB}/{rel}", line {line}, in {name}')
            lines.append(f"    {src}")
        exc = rng.choice(
            [
                "ValueError",
                "KeyError",
                "RuntimeError",
                "OSError",
                "TypeError",
                "AssertionError",
                "json.decoder.JSONDecodeError",
                "subprocess.CalledProcessError",
            ]
        )
        lines.append(f"{exc}: {self.sentence(rng)}")
        return "\n".join(lines)

    def js_stack(self, rng, message, depth):
        sdk = "file:///root/.npm/_npx/4b0f3c2a9e1d7f65/node_modules/@a5c-ai/babysitter-sdk/dist"
        mods = [
            "runtime/orchestrateIteration.js",
            "runtime/commitEffectResult.js",
            "cli/main/taskCommands.js",
            "runtime/intrinsics/task.js",
            "storage/journal.js",
            "tasks/serializer.js",
            "runtime/replay/createReplayEngine.js",
        ]
        lines = [f"Error: {message}"]
        for _ in range(depth):
            _, line, name, _ = self.frames[rng.randrange(len(self.frames))]
            if rng.random() < 0.3:
                lines.append(
                    f"    at {rng.choice(['ChildProcess.exithandler', 'ChildProcess.emit', 'maybeClose', 'Socket.<anonymous>', 'process.processTicksAndRejections'])} "
                    f"(node:{rng.choice(['child_process', 'events', 'internal/child_process', 'internal/process/task_queues'])}:{rng.randrange(80, 1200)}:{rng.randrange(3, 40)})"
                )
            else:
                lines.append(
                    f"    at {name} ({sdk}/{rng.choice(mods)}:{line}:{rng.randrange(3, 60)})"
                )
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Planted secrets. Every secret-shaped literal is split so that no line here matches a rule.


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_secrets(seed):
    rng = random.Random(seed * 1000003 + 17)
    dashes = "-" * 5
    rsa = "RSA " + "PRIVATE" + " KEY"
    ossh = "OPENSSH " + "PRIVATE" + " KEY"

    def pem(label, lines):
        body = [rand(rng, B64, 64) for _ in range(lines)] + [rand(rng, B64, 30) + "=="]
        return "\n".join(
            [dashes + "BEGIN " + label + dashes] + body + [dashes + "END " + label + dashes]
        )

    jwt_head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    jwt_body = b64url(
        json.dumps({"sub": "svc-deployer", "iat": 1772323200, "scope": "deploy:write"}).encode()
    )
    return {
        "gh_prompt": "gh" + "p_" + github_checksummed(rand(rng, B62, 30)),
        "gh_escaped": "gh" + "p_" + github_checksummed(rand(rng, B62, 30)),
        "openai": "sk-" + "proj-" + rand(rng, B62, 56),
        "anthropic": "sk-" + "ant-" + "api03-" + rand(rng, B62, 93) + "A" + "A",
        "aws_id": "AK" + "IA" + rand(rng, B32_UPPER, 16),
        "aws_secret": rand(rng, B62 + "/+", 40),
        "google": "AI" + "za" + rand(rng, B62, 35),
        "stripe": "sk_" + "live_" + rand(rng, B62, 32),
        "slack": "xo"
        + "xb-"
        + rand(rng, string.digits, 12)
        + "-"
        + rand(rng, string.digits, 13)
        + "-"
        + rand(rng, B62, 24),
        "jwt": jwt_head + "." + jwt_body + "." + rand(rng, B64URL, 43),
        "bearer": rand(rng, B62, 40),
        "bearer2": rand(rng, B62, 44),
        "db_password": rand(rng, B62 + "-_~", 20),  # no "#": it would end the URL
        "cmd_password": rand(rng, PASSWORD_CHARS, 18),
        "env_password": rand(rng, PASSWORD_CHARS, 19),
        "client_secret": rand(rng, B62, 32),
        "mcp_key": rand(rng, B62, 36),
        "sentry": rand(rng, HEX, 64),
        "django": rand(rng, B62 + "!#%*+-_", 50),
        "pem_rsa": pem(rsa, 20),
        "pem_ssh": pem(ossh, 14),
    }


class Plant:
    """One planted secret: where it goes, what finds it, and a needle to locate its files."""

    def __init__(self, name, target, slot, rule, needs_decoding, needle, payload, what):
        self.name = name
        self.target = target  # ("run", index) or ("transcript", index)
        self.slot = slot
        self.rule = rule  # the rule expected to report it (informational)
        # Expected to be readable only after JSON decoding: its own characters, or the quotes
        # around its key, are escaped. (A PEM key with \n escapes is not: the private-key rule
        # reads literal \n.) Reported next to what the plain scan actually found.
        self.needs_decoding = needs_decoding
        self.needle = needle  # a piece of the secret that appears verbatim in the file
        self.payload = payload
        self.what = what
        self.paths = []  # files holding it
        self.lines = []  # for each of those files, the lines where the needle occurs

    def record(self, rel, text):
        at = text.find(self.needle)
        if at < 0 or rel in self.paths:
            return
        lines = []
        while at >= 0:
            lines.append(text.count("\n", 0, at) + 1)
            at = text.find(self.needle, at + 1)
        self.paths.append(rel)
        self.lines.append(sorted(set(lines)))


def make_plants(seed, n_runs, n_transcripts):
    s = make_secrets(seed)
    rng = random.Random(seed * 31 + 5)
    runs = rng.sample(range(n_runs), 14)
    tail = lambda v: v[-10:]  # noqa: E731 (the last characters survive JSON escaping)
    gh_esc = s["gh_escaped"]
    oa = s["openai"]
    ant = s["anthropic"]
    kw = "pass" + "word"
    plants = [
        Plant(
            "run-prompt-github-pat",
            ("run", runs[0]),
            "prompt",
            "github-pat",
            False,
            tail(s["gh_prompt"]),
            "The CI job can read the repo with my token " + s["gh_prompt"] + " if you need it.",
            "run.json prompt and RUN_CREATED.data.prompt, a GitHub token as is",
        ),
        Plant(
            "run-prompt-openai-u-escape",
            ("run", runs[1]),
            "prompt",
            "openai-project-key",
            True,
            tail(oa),
            "Use the evaluation key " + oa[:11] + esc(oa[11]) + oa[12:] + " for the scoring step.",
            "run.json prompt and RUN_CREATED.data.prompt, an OpenAI key with one character as \\u00XX",
        ),
        Plant(
            "inputs-google-api-key",
            ("run", runs[2]),
            "inputs",
            "google-api-key",
            False,
            tail(s["google"]),
            {"mapsApiKey": s["google"]},
            "inputs.json, a Google API key",
        ),
        Plant(
            "event-error-bearer",
            ("run", runs[3]),
            "error",
            "bearer-token",
            False,
            tail(s["bearer"]),
            "curl: (22) The requested URL returned error: 401\n> GET /v2/releases HTTP/2\n> Authorization: "
            + "Bea"
            + "rer "
            + s["bearer"]
            + "\n< HTTP/2 401",
            "EFFECT_RESOLVED.data.error.message (and stack), a bearer header",
        ),
        Plant(
            "event-error-pem",
            ("run", runs[4]),
            "error",
            "private-key",
            False,
            s["pem_rsa"].split("\n")[-2][-10:],
            "could not load signing key from SIGNING_KEY:\n" + s["pem_rsa"] + "\nPEM parse error",
            "EFFECT_RESOLVED.data.error.message (and stack), a PEM key with \\n escapes",
        ),
        Plant(
            "event-stack-github-u-escape",
            ("run", runs[5]),
            "process_error",
            "github-pat",
            True,
            tail(gh_esc),
            "fetch failed for https://api.github.com/repos/acme/app/pulls with token "
            + gh_esc[:2]
            + esc(gh_esc[2])
            + gh_esc[3:],
            "PROCESS_RUNTIME_ERROR.data.error.message and stack, a GitHub token with \\u0070",
        ),
        Plant(
            "event-run-failed-jwt",
            ("run", runs[6]),
            "run_failed",
            "jwt",
            False,
            tail(s["jwt"]),
            "deploy gate rejected the session token " + s["jwt"],
            "RUN_FAILED.data.error.message and stack, a JWT",
        ),
        Plant(
            "task-shell-json-password",
            ("run", runs[7]),
            "shell_command",
            "generic-assignment",
            True,
            tail(s["cmd_password"]),
            'curl -sS -X POST -H "Content-Type: application/json" -d \'{"username": "deploy", "'
            + kw
            + '": "'
            + s["cmd_password"]
            + "\"}' https://auth.internal.example.com/v1/login",
            'task.json shell.command, \\"password\\": \\"...\\" inside a command line',
        ),
        Plant(
            "task-node-env",
            ("run", runs[8]),
            "node_env",
            "generic-assignment",
            False,
            tail(s["sentry"]),
            {"SENTRY_AUTH_" + "TOKEN": s["sentry"]},
            "task.json node.env, a token that survived env sanitization",
        ),
        Plant(
            "task-agent-prompt-aws",
            ("run", runs[9]),
            "agent_prompt",
            "aws-access-key-id",
            False,
            tail(s["aws_id"]),
            "The bucket policy is attached to these credentials:\n[default]\naws_access_key_id = "
            + s["aws_id"]
            + "\nregion = eu-west-1\n",
            "task.json agent.prompt, an AWS access key id on a \\n-separated line",
        ),
        Plant(
            "result-json-in-json-client-secret",
            ("run", runs[10]),
            "result_raw",
            "generic-assignment",
            True,
            tail(s["client_secret"]),
            {
                "client_id": "app-reporting",
                "client_" + "secret": s["client_secret"],
                "redirect_uri": "https://app.example.com/oauth/callback",
            },
            "result.json value.raw, JSON-in-JSON (escaped quotes) with a client secret",
        ),
        Plant(
            "result-stdout-db-url",
            ("run", runs[11]),
            "shell_stdout",
            "database-url-password",
            False,
            tail(s["db_password"]),
            "connecting to "
            + "postgres"
            + "ql://deploy:"
            + s["db_password"]
            + "@db.prod.internal:5432/orders\n",
            "result.json value.stdout and stdout.log, a database URL with a password",
        ),
        Plant(
            "stdout-log-slack",
            ("run", runs[12]),
            "shell_stdout",
            "slack-bot-token",
            False,
            tail(s["slack"]),
            "+ export SLACK_BOT_" + "TOKEN=" + s["slack"] + "\n",
            "stdout.log and result.json value.stdout, a Slack bot token",
        ),
        Plant(
            "task-agent-prompt-pem-ssh",
            ("run", runs[13]),
            "agent_prompt",
            "private-key",
            False,
            s["pem_ssh"].split("\n")[-2][-10:],
            "Add this deploy key to the runner's ~/.ssh/id_ed25519:\n" + s["pem_ssh"] + "\n",
            "task.json agent.prompt, an OpenSSH key with \\n escapes",
        ),
    ]
    # Transcript i is Codex style when i % 3 == 2, Claude style otherwise (see build()).
    claude = [("transcript", i) for i in range(n_transcripts) if i % 3 != 2]
    codex = [("transcript", i) for i in range(n_transcripts) if i % 3 == 2]
    plants += [
        Plant(
            "claude-tool-result-env",
            claude[0 % len(claude)],
            "read_env",
            "generic-assignment",
            False,
            tail(s["env_password"]),
            "APP_ENV=production\nDB_HOST=db.internal.example.com\nDB_USER=app\nDB_"
            + "PASSWORD="
            + s["env_password"]
            + "\nLOG_LEVEL=info\n",
            "Claude transcript tool_result content, a .env file with \\n escapes",
        ),
        Plant(
            "claude-assistant-anthropic-u-escape",
            claude[1 % len(claude)],
            "assistant_text",
            "anthropic-api-key",
            True,
            tail(ant),
            "I set ANTHROPIC_API_KEY to "
            + ant[:12]
            + esc(ant[12])
            + ant[13:]
            + " in your shell profile.",
            "Claude transcript assistant text, an Anthropic key with \\u002d",
        ),
        Plant(
            "claude-bash-bearer",
            claude[2 % len(claude)],
            "bash_command",
            "bearer-token",
            False,
            tail(s["bearer2"]),
            'curl -sf -H "Authorization: '
            + "Bea"
            + "rer "
            + s["bearer2"]
            + '" https://api.example.com/v1/status',
            "Claude transcript Bash tool input.command, a bearer header in escaped quotes",
        ),
        Plant(
            "claude-mcp-json-string-input",
            claude[3 % len(claude)],
            "mcp_payload",
            "generic-assignment",
            True,
            tail(s["mcp_key"]),
            {"service": "billing", "api_" + "key": s["mcp_key"], "region": "eu"},
            "Claude transcript MCP tool input that is itself a JSON string",
        ),
        Plant(
            "claude-tool-result-stripe",
            claude[4 % len(claude)],
            "read_stripe",
            "stripe-live-secret-key",
            False,
            tail(s["stripe"]),
            "STRIPE_SECRET_" + "KEY = '" + s["stripe"] + "'\n",
            "Claude transcript tool_result content, a Stripe key in a settings file",
        ),
        Plant(
            "codex-apply-patch-double-escaped",
            codex[0],
            "codex_write",
            "generic-assignment",
            True,
            tail(s["django"]),
            "SECRET_" + 'KEY = "' + s["django"] + '"\n',
            "Codex transcript function_call arguments, a settings file inside a JSON string (doubly escaped)",
        ),
        Plant(
            "codex-output-aws-secret",
            codex[1 % len(codex)],
            "codex_output",
            "aws-secret-access-key",
            False,
            tail(s["aws_secret"]),
            "[default]\naws_secret_access_" + "key = " + s["aws_secret"] + "\n",
            "Codex transcript function_call_output, an AWS secret key in doubly escaped output",
        ),
    ]
    return plants


# ---------------------------------------------------------------------------------------------
# Run directories.


class Writer:
    """Writes files under the work tree and keeps the counts."""

    def __init__(self, root):
        self.root = root
        self.files = 0
        self.bytes = 0
        self.plants = []  # plants active for the file being written

    def write(self, rel, text):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = text.encode("utf-8")
        with open(path, "wb") as handle:
            handle.write(data)
        self.files += 1
        self.bytes += len(data)
        for plant in self.plants:
            plant.record(rel, text)


REPOS = ["acme/storefront", "acme/billing-api", "acme/reporting", "acme/infra", "acme/mobile-app"]
PROCESSES = [
    "dev/feature",
    "dev/bugfix",
    "qa/regression",
    "ops/deploy",
    "docs/refresh",
    "data/migrate",
]
MODELS = ["claude-sonnet-4-5", "claude-opus-4-1", "gpt-5-codex", "claude-haiku-4-5"]


class RunBuilder:
    def __init__(self, corpus, writer, rng, session_ids):
        self.c = corpus
        self.w = writer
        self.rng = rng
        self.session_ids = session_ids
        self.events = 0
        self.tasks = 0

    def build(self, index, clock_ms, plants):
        rng, c = self.rng, self.c
        slots = {p.slot: p for p in plants}
        self.w.plants = plants
        run_id = ulid(clock_ms, rng)
        base = f".a5c/runs/{run_id}"
        process_id = rng.choice(PROCESSES)
        repo = rng.choice(REPOS)
        harness = "claude-code" if rng.random() < 0.8 else "codex"
        session = rng.choice(self.session_ids)
        prompt = c.prose(rng, rng.randrange(1500, 7000))
        if "prompt" in slots:
            cut = rng.randrange(len(prompt) // 3, len(prompt))
            prompt = prompt[:cut] + "\n\n" + slots["prompt"].payload + "\n\n" + prompt[cut:]
        code_hash = rand(rng, HEX, 64)
        entrypoint = {
            "importPath": f"../../processes/{process_id.replace('/', '-')}.mjs",
            "exportName": "process",
        }
        self.w.write(
            f"{base}/run.json",
            dump(
                {
                    "runId": run_id,
                    "request": c.sentence(rng),
                    "processId": process_id,
                    "harness": harness,
                    "entrypoint": entrypoint,
                    "processPath": f".a5c/processes/{process_id.replace('/', '-')}.mjs",
                    "processRevision": rand(rng, HEX, 40),
                    "processCodeHash": code_hash,
                    "layoutVersion": LAYOUT_VERSION,
                    "createdAt": iso(clock_ms),
                    "cwd": f"/work/{repo.split('/')[1]}",
                    "prompt": prompt,
                    "nonInteractive": rng.random() < 0.3,
                    "sdkVersion": SDK_VERSION,
                    "completionProof": rand(rng, HEX, 32),
                }
            ),
        )
        inputs = {
            "task": c.sentence(rng),
            "repo": repo,
            "branch": f"feature/{rand(rng, string.ascii_lowercase, 8)}",
            "targets": [c.pick_file(rng)[0] for _ in range(rng.randrange(1, 6))],
            "options": {
                "maxIterations": rng.randrange(3, 30),
                "qualityThreshold": rng.randrange(70, 96),
                "dryRun": rng.random() < 0.2,
            },
        }
        if "inputs" in slots:
            inputs["options"].update(slots["inputs"].payload)
        self.w.write(f"{base}/inputs.json", dump(inputs))

        seq = 0
        t = clock_ms
        head = None
        effects = {}

        def event(etype, data):
            nonlocal seq, t, head
            seq += 1
            t += rng.randrange(200, 45000)
            data["harness"] = harness
            data["sessionId"] = session
            env = {"type": etype, "recordedAt": iso(t), "data": data, "sdkVersion": SDK_VERSION}
            env["checksum"] = sha256(dump(env))
            eid = ulid(t, rng)
            self.w.write(f"{base}/journal/{seq:06d}.{eid}.json", dump(env))
            head = {"seq": seq, "ulid": eid}
            self.events += 1

        event(
            "RUN_CREATED",
            {
                "runId": run_id,
                "processId": process_id,
                "entrypoint": entrypoint,
                "processCodeHash": code_hash,
                "inputsRef": "inputs.json",
                "prompt": prompt,
            },
        )
        n_events = rng.randrange(10, 41)
        # Forced effects first (the planted ones), then random kinds.
        forced = []
        for slot, kind in [
            ("shell_command", "shell"),
            ("shell_stdout", "shell"),
            ("node_env", "node"),
            ("agent_prompt", "agent"),
            ("result_raw", "agent"),
            ("error", "shell"),
        ]:
            if slot in slots:
                forced.append((kind, slot))
        step = 0
        while seq < n_events - 1 or forced:
            kind, slot = (
                forced.pop(0)
                if forced
                else (
                    rng.choices(
                        ["agent", "shell", "node", "breakpoint", "skill"], [35, 30, 15, 10, 10]
                    )[0],
                    None,
                )
            )
            step += 1
            t += rng.randrange(500, 20000)
            effect_id = ulid(t, rng)
            self.effect(base, process_id, effect_id, kind, step, t, slot, slots, event, effects)
        # Terminal event.
        if "process_error" in slots:
            message = slots["process_error"].payload
            event(
                "PROCESS_RUNTIME_ERROR",
                {
                    "error": {
                        "name": "Error",
                        "message": message,
                        "stack": c.js_stack(rng, message, rng.randrange(8, 20)),
                    },
                    "iteration": step,
                    "runId": run_id,
                    "processId": process_id,
                    "journalHead": dict(head),
                    "lastEffect": effect_id,
                    "recovery": {"command": "run:recover-process-error", "recoverable": True},
                },
            )
        elif "run_failed" in slots or rng.random() < 0.12:
            message = slots["run_failed"].payload if "run_failed" in slots else c.sentence(rng)
            trace = c.py_traceback(rng, rng.randrange(4, 12))
            event(
                "RUN_FAILED",
                {
                    "error": {
                        "name": "RunFailedError",
                        "message": message + "\n" + trace,
                        "stack": c.js_stack(rng, message + "\n" + trace, rng.randrange(6, 14)),
                    }
                },
            )
        else:
            output = {
                "summary": c.prose(rng, rng.randrange(300, 1500)),
                "effects": len(effects),
                "ok": True,
            }
            self.w.write(f"{base}/state/output.json", dump(output))
            event(
                "RUN_COMPLETED",
                {
                    "outputRef": "state/output.json",
                    "costStats": {
                        "totalCostUsd": round(rng.random() * 4, 4),
                        "inputTokens": rng.randrange(10**4, 10**6),
                        "outputTokens": rng.randrange(10**3, 10**5),
                    },
                },
            )
        self.w.write(
            f"{base}/state/state.json",
            dump(
                {
                    "schemaVersion": "2026.01.state-cache",
                    "savedAt": iso(t),
                    "sdkVersion": SDK_VERSION,
                    "journalHead": head,
                    "stateVersion": head["seq"],
                    "effectsByInvocation": effects,
                    "pendingEffectsByKind": {},
                    "rebuildReason": rng.choice([None, None, "journal_mismatch"]),
                }
            ),
        )
        self.w.plants = []
        return t

    def effect(self, base, process_id, effect_id, kind, step, t, slot, slots, event, effects):
        rng, c = self.rng, self.c
        task_id = (
            "__sdk.breakpoint"
            if kind == "breakpoint"
            else f"{kind}.{rand(rng, string.ascii_lowercase, 6)}"
        )
        step_id = f"step-{step:03d}"
        invocation_key = f"{process_id}:{step_id}:{task_id}"
        title = c.sentence(rng)[:80]
        tdir = f"tasks/{effect_id}"
        task = {
            "schemaVersion": "2026.01.tasks-v1",
            "effectId": effect_id,
            "taskId": task_id,
            "invocationKey": invocation_key,
            "stepId": step_id,
            "kind": kind,
            "title": title,
            "description": c.sentence(rng),
            "labels": [title],
            "sdkVersion": SDK_VERSION,
            "io": {"inputJsonPath": f"{tdir}/inputs.json", "outputJsonPath": f"{tdir}/result.json"},
        }
        stdout = stderr = None
        error = None
        fail = rng.random() < 0.18 or slot == "error"
        if kind in ("agent", "skill"):
            rel, _, src = c.source(rng, rng.randrange(1500, 9000))
            instructions = c.prose(rng, rng.randrange(500, 3000))
            if slot == "agent_prompt":
                instructions += "\n\n" + slots[slot].payload
            task["agent"] = {
                "name": rng.choice(["implementer", "reviewer", "planner", "tester"]),
                "model": rng.choice(MODELS),
                "prompt": {
                    "role": "senior engineer",
                    "task": c.sentence(rng),
                    "instructions": instructions,
                    "context": {"file": rel, "contents": src},
                    "outputFormat": "JSON matching outputSchema",
                },
                "outputSchema": {"type": "object", "required": ["summary", "changes"]},
            }
            task["inputs"] = {"files": [rel], "iteration": step}
            diff_rel, first, diff_src = c.source(rng, rng.randrange(800, 5000))
            diff = (
                f"--- a/{diff_rel}\n+++ b/{diff_rel}\n@@ -{first},12 +{first},14 @@\n"
                + "\n".join((rng.choice(" +-") + line) for line in diff_src.split("\n"))
            )
            analysis = {
                "analysis": c.prose(rng, rng.randrange(200, 1200)),
                "files": [diff_rel],
                "confidence": round(rng.random(), 2),
            }
            if slot == "result_raw":
                analysis["oauth"] = slots[slot].payload
            value = {
                "summary": c.prose(rng, rng.randrange(300, 1500)),
                "changes": [{"path": diff_rel, "diff": diff}],
                "raw": json.dumps(analysis, indent=2),
                "toolCalls": [
                    {
                        "name": "Bash",
                        "input": json.dumps({"command": f"python -m pytest -q {diff_rel}"}),
                    }
                    for _ in range(rng.randrange(0, 4))
                ],
            }
        elif kind == "shell":
            target = c.pick_file(rng)[0]
            command = rng.choice(
                [
                    f'bash -lc "cd /work/app && python -m pytest -q {target} -k \\"not slow and not network\\" --maxfail=1"',
                    f"git log --format='%H %an %s' -n 20 -- {target}",
                    f"jq '.items[] | select(.status == \"failed\") | {{name, error}}' reports/{rand(rng, string.ascii_lowercase, 6)}.json",
                    f'rg -n "def {c.frames[rng.randrange(len(c.frames))][2]}" --type py -C 3',
                    f'docker compose run --rm app sh -c "python -m {target[:-3].replace("/", ".")} --check"',
                ]
            )
            if slot == "shell_command":
                command = slots[slot].payload
            task["shell"] = {"command": command, "expectedExitCode": 0, "timeout": 600000}
            task["inputs"] = {"command": command, "cwd": "/work/app"}
            rel, first, src = c.source(rng, rng.randrange(1000, 12000))
            # The command line is echoed, except a planted one: that must stay JSON-escaped only.
            stdout = ("" if slot == "shell_command" else f"$ {command}\n") + src + "\n"
            if slot == "shell_stdout":
                cut = rng.randrange(len(stdout) // 2, len(stdout))
                stdout = stdout[:cut] + "\n" + slots[slot].payload + stdout[cut:]
            stderr = c.py_traceback(rng, rng.randrange(3, 10)) + "\n" if fail else ""
            value = {
                "success": not fail,
                "exitCode": 1 if fail else 0,
                "stdout": stdout,
                "stderr": stderr,
                "error": None if not fail else f"Command failed: {command}",
            }
        elif kind == "node":
            env = {
                "NODE_ENV": "production",
                "PATH": "/usr/local/bin:/usr/bin:/bin",
                "HOME": "/home/runner",
                "LANG": "C.UTF-8",
                "CI": "true",
                "FORCE_COLOR": "0",
                "LOG_LEVEL": rng.choice(["info", "debug"]),
                "npm_config_cache": "/home/runner/.npm",
                "BABYSITTER_RUN_ID": base.rsplit("/", 1)[1],
                "REPORT_DIR": f"artifacts/{step_id}",
            }
            if slot == "node_env":
                env.update(slots[slot].payload)
            task["node"] = {
                "entry": f"scripts/{rand(rng, string.ascii_lowercase, 7)}.mjs",
                "args": [
                    "--input",
                    f"{tdir}/inputs.json",
                    "--out",
                    f"{tdir}/result.json",
                    "--verbose",
                ],
                "env": env,
                "cwd": "/work/app",
                "timeoutMs": 900000,
            }
            task["metadata"] = {
                "redactedEnvKeys": ["GITHUB_TOKEN", "NPM_TOKEN", "AWS_SECRET_ACCESS_KEY"]
            }
            task["inputs"] = {"entries": [c.pick_file(rng)[0] for _ in range(rng.randrange(2, 10))]}
            report = {
                "passed": rng.randrange(0, 400),
                "failed": rng.randrange(0, 5),
                "cases": [
                    {"name": c.frames[rng.randrange(len(c.frames))][2], "message": c.sentence(rng)}
                    for _ in range(rng.randrange(5, 40))
                ],
            }
            stdout = (
                "\n".join(
                    f"[{iso(t + i * 37)}] {c.sentence(rng)}" for i in range(rng.randrange(20, 120))
                )
                + "\n"
            )
            stderr = ""
            value = {"report": json.dumps(report, indent=2), "logTail": stdout[-2000:]}
        elif kind == "breakpoint":
            payload = {
                "question": c.prose(rng, rng.randrange(300, 1500)),
                "context": {
                    "files": [c.pick_file(rng)[0] for _ in range(3)],
                    "summary": c.sentence(rng),
                },
                "label": title,
                "breakpointId": uuid4(rng),
                "expert": "owner",
                "tags": ["approval"],
                "strategy": "single",
            }
            task["inputs"] = {"payload": payload}
            task["metadata"] = {"payload": payload}
            task["autoApproval"] = {"enabled": False}
            fail = False
            value = {
                "approved": rng.random() < 0.85,
                "response": c.sentence(rng),
                "respondedBy": rng.choice(["alice", "bob", "adapters-webui"]),
            }
        if fail and kind != "breakpoint":
            if slot == "error":
                message = slots[slot].payload
            elif kind == "shell":
                message = f"Command failed: {task['shell']['command']}\n{stderr}"
            else:
                message = f"{c.sentence(rng)}\n{c.py_traceback(rng, rng.randrange(3, 10))}"
            error = {
                "name": "Error",
                "message": message,
                "stack": c.js_stack(rng, message, rng.randrange(6, 16)),
            }

        self.w.write(f"{base}/{tdir}/task.json", dump(task, sort_keys=True))
        self.tasks += 1
        event(
            "EFFECT_REQUESTED",
            {
                "effectId": effect_id,
                "invocationKey": invocation_key,
                "invocationHash": sha256(invocation_key),
                "stepId": step_id,
                "taskId": task_id,
                "kind": kind,
                "label": title,
                "taskDefRef": f"{tdir}/task.json",
                "labels": [title],
            },
        )
        started = t + rng.randrange(100, 5000)
        finished = started + rng.randrange(1000, 600000)
        result = {
            "schemaVersion": "2026.01.results-v1",
            "effectId": effect_id,
            "taskId": task_id,
            "invocationKey": invocation_key,
            "status": "error" if error else "ok",
        }
        if error:
            result["error"] = error
        else:
            result["result"] = value
            result["value"] = value
        resolved = {
            "effectId": effect_id,
            "status": "error" if error else "ok",
            "resultRef": f"{tdir}/result.json",
        }
        if error:
            resolved["error"] = error
        if stdout is not None:
            self.w.write(f"{base}/{tdir}/stdout.log", stdout)
            self.w.write(f"{base}/{tdir}/stderr.log", stderr)
            result["stdoutRef"] = resolved["stdoutRef"] = f"{tdir}/stdout.log"
            result["stderrRef"] = resolved["stderrRef"] = f"{tdir}/stderr.log"
        result.update(
            {
                "startedAt": iso(started),
                "finishedAt": iso(finished),
                "metadata": {"attempt": 1},
                "sdkVersion": SDK_VERSION,
            }
        )
        resolved.update({"startedAt": iso(started), "finishedAt": iso(finished)})
        if kind == "breakpoint":
            resolved["breakpointId"] = task["inputs"]["payload"]["breakpointId"]
        self.w.write(f"{base}/{tdir}/result.json", dump(result))
        event("EFFECT_RESOLVED", resolved)
        if kind in ("agent", "skill") and rng.random() < 0.6:
            event(
                "COST_TRACKED",
                {
                    "model": task["agent"]["model"],
                    "provider": "anthropic",
                    "inputTokens": rng.randrange(2000, 200000),
                    "outputTokens": rng.randrange(100, 20000),
                    "cacheReadTokens": rng.randrange(0, 100000),
                    "effectId": effect_id,
                    "taskId": task_id,
                    "taskKind": kind,
                    "costUsd": round(rng.random(), 5),
                    "timestamp": iso(finished),
                },
            )
        if rng.random() < 0.15:
            event(
                "STOP_HOOK_INVOKED",
                {
                    "iteration": step,
                    "decision": rng.choice(["approve", "block"]),
                    "reason": c.sentence(rng),
                    "runState": "running",
                    "pendingKinds": [],
                    "hasPromise": False,
                    "timestamp": iso(finished),
                },
            )
        effects[invocation_key] = {
            "effectId": effect_id,
            "invocationKey": invocation_key,
            "status": "error" if error else "resolved",
            "kind": kind,
            "label": title,
            "taskId": task_id,
            "stepId": step_id,
            "requestedAt": iso(t),
            "resolvedAt": iso(finished),
        }


# ---------------------------------------------------------------------------------------------
# Transcripts.


def claude_transcript(corpus, rng, session, target_bytes, plants, start_ms):
    c = corpus
    slots = {p.slot: p for p in plants}
    lines = []
    size = 0
    parent = None
    t = start_ms
    common = {
        "isSidechain": False,
        "userType": "external",
        "cwd": "/work/app",
        "sessionId": session,
        "version": "2.0.14",
        "gitBranch": "main",
    }

    def add(kind, message, extra=None):
        nonlocal size, parent, t
        t += rng.randrange(300, 30000)
        uid = uuid4(rng)
        record = {
            "parentUuid": parent,
            **common,
            "type": kind,
            "message": message,
            "uuid": uid,
            "timestamp": iso(t),
        }
        if extra:
            record.update(extra)
        line = compact(record)
        lines.append(line)
        size += len(line.encode()) + 1
        parent = uid

    add("user", {"role": "user", "content": c.prose(rng, rng.randrange(500, 4000))})
    planted = list(slots)
    while size < target_bytes or planted:
        slot = planted.pop(0) if planted else None
        tool_id = "toolu_01" + rand(rng, B62, 22)
        text = c.prose(rng, rng.randrange(100, 1200))
        if slot == "assistant_text":
            text += "\n\n" + slots[slot].payload
        tool = rng.choices(
            ["Read", "Bash", "Grep", "Edit", "Write", "mcp"], [35, 25, 10, 15, 10, 5]
        )[0]
        if slot in ("read_env", "read_stripe"):
            tool = "Read"
        elif slot == "bash_command":
            tool = "Bash"
        elif slot == "mcp_payload":
            tool = "mcp"
        rel, numbered = c.numbered(rng, rng.randrange(2000, 40000))
        if tool == "Read":
            tool_input = {"file_path": f"/work/app/{rel}"}
            if slot in ("read_env", "read_stripe"):
                rel = ".env" if slot == "read_env" else "config/settings.py"
                tool_input = {"file_path": f"/work/app/{rel}"}
                numbered = "\n".join(
                    f"{n + 1:>6}\t{line}"
                    for n, line in enumerate(
                        (slots[slot].payload + c.source(rng, 1500)[2]).split("\n")
                    )
                )
            output = numbered
        elif tool == "Bash":
            command = rng.choice(
                [
                    f"python -m pytest -q {rel} 2>&1 | tail -n 80",
                    f"git diff -- {rel}",
                    f'grep -rn "import" {rel} | head -n 50',
                    f"sed -n '1,200p' {rel}",
                ]
            )
            if slot == "bash_command":
                command = slots[slot].payload
            tool_input = {"command": command, "description": c.sentence(rng)[:60]}
            output = c.source(rng, rng.randrange(500, 20000))[2]
        elif tool == "Grep":
            frame = c.frames[rng.randrange(len(c.frames))]
            tool_input = {
                "pattern": f"def {frame[2]}",
                "path": "/work/app",
                "output_mode": "content",
                "-n": True,
            }
            output = "\n".join(
                f"{c.pick_file(rng)[0]}:{rng.randrange(1, 3000)}:{c.frames[rng.randrange(len(c.frames))][3]}"
                for _ in range(rng.randrange(5, 80))
            )
        elif tool == "Edit":
            src = c.source(rng, rng.randrange(500, 6000))[2]
            old = src[: len(src) // 2]
            tool_input = {
                "file_path": f"/work/app/{rel}",
                "old_string": old,
                "new_string": old.replace("self", "this", 3),
            }
            output = (
                f"The file /work/app/{rel} has been updated. Here's the result of running `cat -n` on a snippet:\n"
                + numbered[:6000]
            )
        elif tool == "Write":
            tool_input = {
                "file_path": f"/work/app/{rel}",
                "content": c.source(rng, rng.randrange(2000, 20000))[2],
            }
            output = f"File created successfully at: /work/app/{rel}"
        else:
            payload = {
                "query": c.sentence(rng),
                "limit": 50,
                "filters": {"repo": rng.choice(REPOS)},
            }
            if slot == "mcp_payload":
                payload = slots[slot].payload
            # Tool inputs that are themselves JSON strings.
            tool_input = {
                "payload": json.dumps(payload),
                "options": json.dumps({"timeoutMs": 30000, "retries": 2}),
            }
            output = json.dumps(
                {
                    "items": [
                        {"title": c.sentence(rng), "body": c.prose(rng, 400)}
                        for _ in range(rng.randrange(2, 12))
                    ]
                }
            )
        tool_name = "mcp__internal__call" if tool == "mcp" else tool
        add(
            "assistant",
            {
                "id": "msg_01" + rand(rng, B62, 22),
                "type": "message",
                "role": "assistant",
                "model": "claude-sonnet-4-5-20250929",
                "content": [
                    {"type": "text", "text": text},
                    {"type": "tool_use", "id": tool_id, "name": tool_name, "input": tool_input},
                ],
                "stop_reason": "tool_use",
                "usage": {
                    "input_tokens": rng.randrange(10, 5000),
                    "output_tokens": rng.randrange(10, 3000),
                    "cache_read_input_tokens": rng.randrange(0, 150000),
                },
            },
            {"requestId": "req_011" + rand(rng, B62, 21)},
        )
        add(
            "user",
            {
                "role": "user",
                "content": [{"tool_use_id": tool_id, "type": "tool_result", "content": output}],
            },
            {
                "toolUseResult": (
                    {"stdout": output, "stderr": "", "interrupted": False}
                    if tool == "Bash"
                    else {
                        "type": "text",
                        "file": {"filePath": f"/work/app/{rel}", "content": output[:20000]},
                    }
                )
            },
        )
    return "\n".join(lines) + "\n"


def codex_transcript(corpus, rng, session, target_bytes, plants, start_ms):
    c = corpus
    slots = {p.slot: p for p in plants}
    lines = []
    size = 0
    t = start_ms

    def add(kind, payload):
        nonlocal size, t
        t += rng.randrange(300, 30000)
        line = compact({"timestamp": iso(t), "type": kind, "payload": payload})
        lines.append(line)
        size += len(line.encode()) + 1

    add(
        "session_meta",
        {
            "id": session,
            "timestamp": iso(t),
            "cwd": "/work/app",
            "originator": "codex_cli_rs",
            "cli_version": "0.46.0",
            "instructions": c.prose(rng, 3000),
        },
    )
    add(
        "response_item",
        {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": c.prose(rng, rng.randrange(500, 3000))}],
        },
    )
    planted = list(slots)
    while size < target_bytes or planted:
        slot = planted.pop(0) if planted else None
        call_id = "call_" + rand(rng, B62, 24)
        rel, first, src = c.source(rng, rng.randrange(2000, 30000))
        if slot == "codex_write" or (slot is None and rng.random() < 0.25):
            content = src
            if slot == "codex_write":
                content = (
                    c.source(rng, 1200)[2] + "\n" + slots[slot].payload + c.source(rng, 800)[2]
                )
                rel = "app/settings.py"
            script = f"cat > {rel} <<'EOF'\n{content}\nEOF"
            args = {
                "command": ["bash", "-lc", script],
                "workdir": "/work/app",
                "timeout_ms": 120000,
            }
            out_text = ""
        else:
            args = {
                "command": ["bash", "-lc", f"sed -n '{first},{first + 400}p' {rel}"],
                "workdir": "/work/app",
                "timeout_ms": 120000,
            }
            out_text = src
            if slot == "codex_output":
                args["command"][2] = "cat ~/.aws/credentials"
                out_text = slots[slot].payload + out_text[:1500]
        add(
            "response_item",
            {
                "type": "reasoning",
                "summary": [
                    {"type": "summary_text", "text": c.prose(rng, rng.randrange(100, 800))}
                ],
            },
        )
        add(
            "response_item",
            {
                "type": "function_call",
                "name": "shell",
                "arguments": json.dumps(args),
                "call_id": call_id,
            },
        )
        add(
            "response_item",
            {
                "type": "function_call_output",
                "call_id": call_id,
                "output": json.dumps(
                    {
                        "output": out_text,
                        "metadata": {
                            "exit_code": 0,
                            "duration_seconds": round(rng.random() * 3, 1),
                        },
                    }
                ),
            },
        )
        if rng.random() < 0.3:
            add(
                "response_item",
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [
                        {"type": "output_text", "text": c.prose(rng, rng.randrange(200, 2000))}
                    ],
                },
            )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------


def plain_name(name):
    """The twin's name for a file: x.json and x.jsonl become x.txt, anything else is kept."""
    for ext in (".jsonl", ".json"):
        if name.endswith(ext):
            name = name[: -len(ext)] + ".txt"
            break
    low = name.lower()
    # leakgate's own test of a JSON name (src/scan/json.rs json_kind): the twin must fail it.
    assert not (
        low.endswith((".json", ".jsonl", ".ndjson", ".ipynb", ".har"))
        or ".jsonl." in low
        or ".json.tmp-" in low
    ), name
    return name


def walk_sorted(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            yield os.path.join(dirpath, name)


def build(args):
    json_tree = os.path.abspath(args.json_out)
    plain_tree = os.path.abspath(args.plain_out)
    work_json, work_plain = json_tree + ".tmp", plain_tree + ".tmp"
    for d in (work_json, work_plain):
        shutil.rmtree(d, ignore_errors=True)
    os.makedirs(work_json)

    stdlib = stdlib_root()
    corpus = Corpus(stdlib)
    print(
        f"  corpus: {stdlib}: {len(corpus.files)} files, {corpus.bytes / 1e6:.1f} MB, "
        f"{len(corpus.docs)} docstrings, {len(corpus.frames)} frames",
        file=sys.stderr,
    )

    rng = random.Random(args.seed)
    plants = make_plants(args.seed, args.runs, args.transcripts)
    by_target = {}
    for plant in plants:
        by_target.setdefault(plant.target, []).append(plant)

    writer = Writer(work_json)
    session_ids = [uuid4(rng) for _ in range(max(4, args.runs // 25))]
    builder = RunBuilder(corpus, writer, rng, session_ids)
    clock = CLOCK_START_MS
    for index in range(args.runs):
        clock = builder.build(index, clock, by_target.get(("run", index), [])) + rng.randrange(
            60000, 3600000
        )
        if (index + 1) % 500 == 0:
            print(
                f"  runs: {index + 1}/{args.runs}, {writer.files} files, {writer.bytes / 1e6:.1f} MB",
                file=sys.stderr,
            )
    a5c_files, a5c_bytes = writer.files, writer.bytes

    for index in range(args.transcripts):
        session = uuid4(rng)
        target = rng.randrange(3 * 10**6, 7 * 10**6)
        active = by_target.get(("transcript", index), [])
        writer.plants = active
        start = CLOCK_START_MS + index * 86400000
        if index % 3 == 2:
            rel = f".codex/sessions/2026/03/{index + 1:02d}/rollout-2026-03-{index + 1:02d}T09-00-00-{session}.jsonl"
            writer.write(rel, codex_transcript(corpus, rng, session, target, active, start))
        else:
            rel = f".claude/projects/-work-app/{session}.jsonl"
            writer.write(rel, claude_transcript(corpus, rng, session, target, active, start))
        writer.plants = []
    print(
        f"  transcripts: {args.transcripts}, {(writer.bytes - a5c_bytes) / 1e6:.1f} MB",
        file=sys.stderr,
    )

    missing = [p.name for p in plants if not p.paths]
    if missing:
        sys.exit(f"bench-journal-tree: planted secrets not written: {missing}")

    # The plain twin: the same bytes under names leakgate does not read as JSON.
    manifest, content, plain_content = hashlib.sha256(), hashlib.sha256(), hashlib.sha256()
    files = total = 0
    for path in walk_sorted(work_json):
        rel = os.path.relpath(path, work_json)
        twin = os.path.join(work_plain, os.path.dirname(rel), plain_name(os.path.basename(rel)))
        if os.path.exists(twin):
            sys.exit(f"bench-journal-tree: two files map to {twin}")
        os.makedirs(os.path.dirname(twin), exist_ok=True)
        shutil.copyfile(path, twin)
        with open(path, "rb") as a, open(twin, "rb") as b:
            data, copy = a.read(), b.read()
        manifest.update(f"{rel}\0{len(data)}\n".encode())
        content.update(data)
        plain_content.update(copy)
        files += 1
        total += len(data)
    plain_files = sum(1 for _ in walk_sorted(work_plain))
    plain_bytes = sum(os.path.getsize(p) for p in walk_sorted(work_plain))
    if (plain_files, plain_bytes, plain_content.digest()) != (files, total, content.digest()):
        sys.exit("bench-journal-tree: the plain twin differs from the JSON tree")

    for tree, work in ((json_tree, work_json), (plain_tree, work_plain)):
        shutil.rmtree(tree, ignore_errors=True)
        os.rename(work, tree)
    marker = {
        "recipe_key": args.recipe_key,
        "json_tree": json_tree,
        "plain_tree": plain_tree,
        "files": files,
        "bytes": total,
        "a5c_files": a5c_files,
        "a5c_bytes": a5c_bytes,
        "runs": args.runs,
        "events": builder.events,
        "tasks": builder.tasks,
        "transcripts": args.transcripts,
        "transcript_bytes": total - a5c_bytes,
        "manifest_sha256": manifest.hexdigest(),
        "content_sha256": content.hexdigest(),
        "corpus": {
            "root": stdlib,
            "files": len(corpus.files),
            "manifest_sha256": corpus.manifest_sha256,
        },
        "seed": args.seed,
        "planted": [
            {
                "name": p.name,
                "rule": p.rule,
                "needs_decoding": p.needs_decoding,
                "what": p.what,
                "paths": p.paths,
                "lines": p.lines,
                "plain_paths": [
                    os.path.join(os.path.dirname(r), plain_name(os.path.basename(r)))
                    for r in p.paths
                ],
            }
            for p in plants
        ],
    }
    with open(args.marker, "w", encoding="utf-8") as handle:
        json.dump(marker, handle, indent=2)
        handle.write("\n")
    print(
        f"  tree: {files} files, {total / 1e6:.1f} MB ({args.runs} runs, {builder.events} events, "
        f"{builder.tasks} tasks, {args.transcripts} transcripts); plain twin identical",
        file=sys.stderr,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--json-out", required=True)
    b.add_argument("--plain-out", required=True)
    b.add_argument("--marker", required=True)
    b.add_argument("--seed", type=int, required=True)
    b.add_argument("--runs", type=int, required=True)
    b.add_argument("--transcripts", type=int, required=True)
    b.add_argument("--recipe-key", required=True)
    sub.add_parser("key", help="print the corpus root and the SHA-256 of its (path, size) list")
    args = parser.parse_args()
    if args.command == "build":
        build(args)
    elif args.command == "key":
        print(stdlib_root(), corpus_key(stdlib_root()))


if __name__ == "__main__":
    main()
