#!/usr/bin/env bash
# Latency of the agent guard: `leakgate agent-hook` runs once per tool call and prompt, so the
# figure that matters is the wall time of one call, start-up included. Requirement measured:
# "median well under 20 ms per call on this machine".
#
# Usage (from anywhere, no arguments):   scripts/bench-agent.sh
#
# Environment (all optional):
#   RUNS           calls per recorded event                     (default 20)
#   LEAKGATE_BIN   a built binary to measure instead of building the release one
#   BENCH_STRICT   set to 1 to exit 1 when the median is 20 ms or more
#
# Steps:
#   1. cargo build --release (--locked), unless LEAKGATE_BIN is set
#   2. a temporary project: a .leakgate.toml, a .env holding a fake token, a source file
#   3. every recorded payload of tests/fixtures/agent-hooks (Claude Code, Cursor, Gemini CLI),
#      once with a fake token (blocked) and once with `${GITHUB_TOKEN}` (allowed); the token is
#      made here from a seeded RNG with GitHub's checksum, as tests/common does
#   4. one untimed warm-up call per payload, then RUNS timed calls each, in rounds; each call is
#      a fresh process reading the payload on standard input, as the agents run it
#   5. the median and 90th percentile per call over all calls, and the median per agent
#
# Exit status is 0 unless a call fails to answer (exit other than 0 or the protocol's 2), or
# BENCH_STRICT=1 and the requirement is not met.

set -euo pipefail
export LC_ALL=C
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

RUNS=${RUNS:-20}
if [[ -n ${LEAKGATE_BIN:-} ]]; then
    LEAKGATE=$LEAKGATE_BIN
else
    build_leakgate
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PROJECT=$WORK/project
EVENTS=$WORK/events
mkdir -p "$PROJECT/src" "$EVENTS"

log "writing the project and the events"
python3 -I - "$REPO/tests/fixtures/agent-hooks" "$PROJECT" "$EVENTS" <<'PY'
import json, pathlib, random, string, sys, zlib

fixtures, project, events = map(pathlib.Path, sys.argv[1:4])
rng = random.Random(1414)
alnum = string.ascii_letters + string.digits
body = "".join(rng.choice(alnum) for _ in range(30))
base62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
crc, digits = zlib.crc32(body.encode()), ""
for _ in range(6):
    digits = base62[crc % 62] + digits
    crc //= 62
token = "ghp_" + body + digits

(project / ".leakgate.toml").write_text('[allowlist]\npaths = ["docs/**"]\n')
(project / ".env").write_text(f"GITHUB_TOKEN={token}\n")
(project / "src" / "config.py").write_text("import os\nTOKEN = os.environ['GITHUB_TOKEN']\n")
for agent_dir in sorted(fixtures.iterdir()):
    if not agent_dir.is_dir():
        continue
    for payload in sorted(agent_dir.glob("*.json")):
        text = payload.read_text().replace("__CWD__", str(project))
        for kind, value in (("secret", token), ("clean", "${GITHUB_TOKEN}")):
            out = events / f"{agent_dir.name}--{payload.stem}--{kind}.json"
            out.write_text(text.replace("__SECRET__", value))
PY

mapfile -t FILES < <(ls "$EVENTS"/*.json)
log "${#FILES[@]} events, 1 warm-up + $RUNS timed calls each, binary $LEAKGATE"

# call FILE: run the hook on FILE once; prints the wall time in microseconds.
call() {
    local file=$1 agent start end code
    agent=$(basename "$file")
    agent=${agent%%--*}
    start=$EPOCHREALTIME
    code=0
    "$LEAKGATE" agent-hook "$agent" <"$file" >/dev/null 2>&1 || code=$?
    end=$EPOCHREALTIME
    if [[ $code -ne 0 && $code -ne 2 ]]; then
        die "agent-hook $agent exited $code on $(basename "$file")"
    fi
    echo $(( (${end/./} - ${start/./}) ))
}

for file in "${FILES[@]}"; do call "$file" >/dev/null; done
TIMES=$WORK/times
: >"$TIMES"
for ((round = 0; round < RUNS; round++)); do
    for file in "${FILES[@]}"; do
        agent=$(basename "$file")
        printf '%s %s\n' "${agent%%--*}" "$(call "$file")" >>"$TIMES"
    done
done

python3 -I - "$TIMES" "${BENCH_STRICT:-0}" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
times = sorted(int(t) / 1000 for _, t in rows)
median = statistics.median(times)
p90 = times[int(len(times) * 0.9) - 1]
print(f"agent-hook: {len(times)} calls, median {median:.1f} ms, p90 {p90:.1f} ms per call")
for agent in sorted({a for a, _ in rows}):
    own = [int(t) / 1000 for a, t in rows if a == agent]
    print(f"  {agent:12} median {statistics.median(own):.1f} ms ({len(own)} calls)")
if sys.argv[2] == "1" and median >= 20:
    print("requirement not met: median 20 ms or more", file=sys.stderr)
    sys.exit(1)
PY
