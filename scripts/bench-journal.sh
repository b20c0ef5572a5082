#!/usr/bin/env bash
# Reproducible benchmark of JSON-aware scanning: leakgate on a journal-heavy tree (agent run data
# and transcripts) against leakgate on a byte-identical twin whose files are named so that they
# are scanned as plain text. Requirement measured: "JSON-aware scanning of a journal-heavy tree
# runs at no less than half the speed of the plain scan on the same bytes".
#
# Usage (from the repository root, no arguments):   scripts/bench-journal.sh
#
# Environment (all optional):
#   BENCH_DIR      cache directory for the trees                  (default /tmp/leakgate-bench)
#   BENCH_REBUILD  set to 1 to rebuild the trees even if the marker matches
#   BENCH_STRICT   set to 1 to exit 1 when the requirement is not met
#
# Steps:
#   1. cargo build --release (--locked when Cargo.lock exists)
#   2. build (or reuse) the trees; scripts/bench-journal-tree.py writes them from a seeded RNG
#      and text from Python's standard library:
#        JSON_TREE  = $BENCH_DIR/journal-json: .a5c/runs/<ULID>/ run directories in the
#                     babysitter SDK 6.0.0 layout (../shared/journal-format.md §3-§5, §11) plus
#                     Claude Code and Codex session transcripts (.jsonl), ~21 planted fake
#                     secrets, many of them JSON-escaped
#        PLAIN_TREE = $BENCH_DIR/journal-plain: the same files, byte for byte, with every
#                     x.json / x.jsonl renamed x.txt, so leakgate scans them as plain text
#      and checks here that both trees hold the same number of files and bytes
#   3. one untimed warm-up run of each scan (its output gives the findings and checks the
#      planted secrets: the JSON-aware scan must find every one), then RUNS timed runs each,
#      alternating plain, JSON-aware, plain, ...; medians are reported
#   4. `leakgate journal JSON_TREE/.a5c`: one warm-up, then JOURNAL_RUNS timed runs, median
#   5. a summary block
#
# Units: MB = 10^6 bytes. Speed is bytes scanned / median wall time. The ratio reported is
# plain median time / JSON-aware median time = JSON-aware speed / plain speed (>= 0.5 meets
# the requirement). Exit status is 0 unless a tool fails (leakgate exit 2, a build error), or
# BENCH_STRICT=1 and the requirement is not met (exit 1).

set -euo pipefail
export LC_ALL=C # decimal point "." in $EPOCHREALTIME and printf

# ---------------------------------------------------------------------------------------------
# Fixed parameters: change one and the trees' recipe key changes, so they are rebuilt.

readonly RECIPE_VERSION=1
readonly SEED=20261122  # seeds the whole tree: runs, events, transcripts, planted secrets
readonly TREE_RUNS=700  # .a5c run directories (~140 MB)
readonly TRANSCRIPTS=12 # session transcripts, 3-7 MB each (~60 MB)
readonly RUNS=5         # timed runs per scan
readonly JOURNAL_RUNS=3 # timed runs of `leakgate journal`
readonly MIN_RATIO=0.5  # the requirement: JSON-aware speed / plain speed

BENCH_DIR=${BENCH_DIR:-/tmp/leakgate-bench}
JSON_TREE=$BENCH_DIR/journal-json
PLAIN_TREE=$BENCH_DIR/journal-plain
MARKER=$BENCH_DIR/journal.marker.json

# shellcheck source-path=SCRIPTDIR source=bench-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

# "FILES BYTES" of the regular files under $1.
tree_size() {
    find "$1" -type f -printf '%s\n' | awk '{ n++; b += $1 } END { printf "%d %d\n", n, b }'
}

# ---------------------------------------------------------------------------------------------
# 1. Build leakgate.

build_leakgate
log "$("$LEAKGATE" --version)"
command -v python3 >/dev/null || die "python3 is required (it builds the trees and reads reports)"

# ---------------------------------------------------------------------------------------------
# 2. The trees.

# Everything that decides the trees' content goes into the recipe key: the parameters above,
# the Python version, the corpus (standard library path and its (path, size) digest) and the
# helper script itself. Cached trees are reused only while the key matches.
RECIPE_KEY=$(
    {
        echo "recipe=$RECIPE_VERSION seed=$SEED runs=$TREE_RUNS transcripts=$TRANSCRIPTS"
        python3 --version
        python3 scripts/bench-journal-tree.py key
        sha256sum <scripts/bench-journal-tree.py
        sha256sum <scripts/bench_tokens.py
    } | sha256sum | cut -c1-16
)

if cached "$RECIPE_KEY" "$MARKER" "$JSON_TREE" "$PLAIN_TREE"; then
    log "reusing trees $JSON_TREE and $PLAIN_TREE (recipe $RECIPE_KEY, marker $MARKER)"
else
    log "building trees $JSON_TREE and $PLAIN_TREE (recipe $RECIPE_KEY)"
    mkdir -p "$BENCH_DIR"
    rm -f "$MARKER" # written again only when the build finishes
    python3 scripts/bench-journal-tree.py build --json-out "$JSON_TREE" --plain-out "$PLAIN_TREE" \
        --marker "$MARKER" --seed "$SEED" --runs "$TREE_RUNS" --transcripts "$TRANSCRIPTS" \
        --recipe-key "$RECIPE_KEY"
fi

read -r TREE_FILES TREE_BYTES A5C_BYTES N_RUNS N_EVENTS N_TASKS N_TRANSCRIPTS N_PLANTED MANIFEST < <(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
print(m["files"], m["bytes"], m["a5c_bytes"], m["runs"], m["events"], m["tasks"], m["transcripts"],
      len(m["planted"]), m["manifest_sha256"][:16])' "$MARKER")

# The twin must hold the same bytes as the JSON tree, and no name leakgate reads as JSON.
read -r json_files json_bytes < <(tree_size "$JSON_TREE")
read -r plain_files plain_bytes < <(tree_size "$PLAIN_TREE")
[[ $json_files == "$TREE_FILES" && $json_bytes == "$TREE_BYTES" ]] ||
    die "$JSON_TREE has $json_files files, $json_bytes bytes; the marker says $TREE_FILES, $TREE_BYTES (BENCH_REBUILD=1 rebuilds)"
[[ $plain_files == "$json_files" && $plain_bytes == "$json_bytes" ]] ||
    die "plain twin has $plain_files files, $plain_bytes bytes; the JSON tree $json_files, $json_bytes"
json_named=$(find "$PLAIN_TREE" -type f \( -iname '*.json' -o -iname '*.jsonl' -o -iname '*.ndjson' \
    -o -iname '*.ipynb' -o -iname '*.har' -o -iname '*.jsonl.*' -o -iname '*.json.tmp-*' \) | wc -l)
[[ $json_named -eq 0 ]] || die "$json_named files in $PLAIN_TREE have names leakgate scans as JSON"
TREE_MB=$(awk -v b="$TREE_BYTES" 'BEGIN { printf "%.1f", b / 1e6 }')
log "trees: $TREE_FILES files, $TREE_MB MB each, same bytes (manifest $MANIFEST)"

# ---------------------------------------------------------------------------------------------
# 3. Scans: warm-up and checks, then alternating timed runs.

PLAIN_CMD=("$LEAKGATE" scan "$PLAIN_TREE" --format json)
JSON_CMD=("$LEAKGATE" scan "$JSON_TREE" --format json)
JOURNAL_CMD=("$LEAKGATE" journal "$JSON_TREE/.a5c" --format json)

SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

log "warm-up (untimed): plain scan, JSON-aware scan"
timed ignored "$SCRATCH/plain.jsonl" "${PLAIN_CMD[@]}"
timed ignored "$SCRATCH/json.jsonl" "${JSON_CMD[@]}"

# Reads both reports: summary numbers, and which planted secrets each scan found. A finding
# counts for a planted secret when it is in a file that holds it and its lines span one where
# the secret is (a PEM key's finding starts at its BEGIN line). Prints one line:
#   PLAIN_FILES PLAIN_BYTES PLAIN_FINDINGS PLAIN_PLANTED PLAIN_OTHER JSON_FILES JSON_BYTES
#   JSON_FINDINGS JSON_PLANTED JSON_OTHER JSON_INVALID MISSED_BY_JSON MISSED_BY_PLAIN
# (the last two: comma-separated names, or "-").
read -r PLAIN_FILES PLAIN_SCANNED PLAIN_FINDINGS PLAIN_PLANTED PLAIN_OTHER \
    JSON_FILES JSON_SCANNED JSON_FINDINGS JSON_PLANTED JSON_OTHER JSON_INVALID \
    MISSED_BY_JSON MISSED_BY_PLAIN < <(python3 - "$MARKER" "$SCRATCH/plain.jsonl" "$SCRATCH/json.jsonl" \
    "$PLAIN_TREE" "$JSON_TREE" <<'EOF'
import json, sys

marker, plain_report, json_report, plain_tree, json_tree = sys.argv[1:]
planted = json.load(open(marker))["planted"]


def read(report, tree, key):
    messages = [json.loads(line) for line in open(report)]
    summary = [m for m in messages if m["type"] == "summary"][-1]
    findings = [m for m in messages if m["type"] == "finding"]
    found, matched = set(), set()
    for p in planted:
        spots = dict(zip(p[key], p["lines"]))
        for i, f in enumerate(findings):
            rel = f["path"][len(tree) + 1:] if f["path"].startswith(tree + "/") else f["path"]
            if any(f["line"] <= n <= f.get("end_line", f["line"]) for n in spots.get(rel, [])):
                found.add(p["name"])
                matched.add(i)
    missed = [p["name"] for p in planted if p["name"] not in found]
    return summary, len(found), len(findings) - len(matched), missed


ps, pf, po, pmissed = read(plain_report, plain_tree, "plain_paths")
js, jf, jo, jmissed = read(json_report, json_tree, "paths")
print(ps["files_scanned"], ps["bytes_scanned"], ps["findings"], pf, po,
      js["files_scanned"], js["bytes_scanned"], js["findings"], jf, jo, js.get("invalid_json", 0),
      ",".join(jmissed) or "-", ",".join(pmissed) or "-")
EOF
)
log "plain scan: $PLAIN_FILES files, $PLAIN_SCANNED bytes, $PLAIN_FINDINGS findings" \
    "($PLAIN_PLANTED of $N_PLANTED planted secrets, $PLAIN_OTHER other findings)"
log "JSON-aware scan: $JSON_FILES files, $JSON_SCANNED bytes, $JSON_FINDINGS findings" \
    "($JSON_PLANTED of $N_PLANTED planted secrets, $JSON_OTHER other findings)"
[[ $PLAIN_FILES == "$TREE_FILES" && $PLAIN_SCANNED == "$TREE_BYTES" ]] ||
    die "the plain scan read $PLAIN_FILES files, $PLAIN_SCANNED bytes of $TREE_FILES, $TREE_BYTES (skipped files?)"
[[ $JSON_FILES == "$TREE_FILES" && $JSON_SCANNED == "$TREE_BYTES" ]] ||
    die "the JSON-aware scan read $JSON_FILES files, $JSON_SCANNED bytes of $TREE_FILES, $TREE_BYTES (skipped files?)"
[[ $JSON_INVALID -eq 0 ]] || die "leakgate found $JSON_INVALID invalid JSON files in $JSON_TREE: the generator is broken"
[[ $MISSED_BY_JSON == - ]] || die "the JSON-aware scan missed planted secrets: $MISSED_BY_JSON"
log "planted secrets the plain scan misses: ${MISSED_BY_PLAIN//,/, }"
log "(planted secrets expected to need JSON decoding: $(python3 -c 'import json,sys
print(", ".join(p["name"] for p in json.load(open(sys.argv[1]))["planted"] if p["needs_decoding"]))' "$MARKER"))"

PLAIN_TIMES=()
JSON_TIMES=()
alternate "$RUNS" plain PLAIN_CMD PLAIN_TIMES JSON-aware JSON_CMD JSON_TIMES
PLAIN_MEDIAN=$(median "${PLAIN_TIMES[@]}")
JSON_MEDIAN=$(median "${JSON_TIMES[@]}")

# ---------------------------------------------------------------------------------------------
# 4. leakgate journal on the run data.

log "warm-up (untimed): leakgate journal"
timed ignored "$SCRATCH/journal.jsonl" "${JOURNAL_CMD[@]}"
read -r JOURNAL_RUNS_FOUND JOURNAL_FILES JOURNAL_SCANNED JOURNAL_FINDINGS < <(python3 -c '
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if "\"type\":\"summary\"" in l][-1]
print(s.get("runs", 0), s["files_scanned"], s["bytes_scanned"], s["findings"])' "$SCRATCH/journal.jsonl")
[[ $JOURNAL_RUNS_FOUND == "$N_RUNS" ]] || die "leakgate journal found $JOURNAL_RUNS_FOUND runs, expected $N_RUNS"
[[ $JOURNAL_SCANNED == "$A5C_BYTES" ]] || die "leakgate journal scanned $JOURNAL_SCANNED bytes of $A5C_BYTES"
JOURNAL_TIMES=()
for ((i = 1; i <= JOURNAL_RUNS; i++)); do
    timed t /dev/null "${JOURNAL_CMD[@]}"
    JOURNAL_TIMES+=("$t")
    log "journal run $i/$JOURNAL_RUNS: ${t}s"
done
JOURNAL_MEDIAN=$(median "${JOURNAL_TIMES[@]}")

# ---------------------------------------------------------------------------------------------
# 5. Report.

log "timed commands:"
show_cmd "${PLAIN_CMD[@]}"
show_cmd "${JSON_CMD[@]}"
show_cmd "${JOURNAL_CMD[@]}"
log "plain times: ${PLAIN_TIMES[*]}"
log "JSON-aware times: ${JSON_TIMES[*]}"
log "journal times: ${JOURNAL_TIMES[*]}"

RATIO=$(awk -v p="$PLAIN_MEDIAN" -v j="$JSON_MEDIAN" 'BEGIN { printf "%.2f", p / j }')
MET=$(awk -v r="$RATIO" -v m="$MIN_RATIO" 'BEGIN { print (r >= m) ? "met" : "NOT met" }')
python3 - "$TREE_FILES" "$TREE_BYTES" "$N_RUNS" "$N_EVENTS" "$N_TASKS" "$N_TRANSCRIPTS" \
    "$PLAIN_MEDIAN" "$PLAIN_SCANNED" "$PLAIN_FINDINGS" "$PLAIN_PLANTED" \
    "$JSON_MEDIAN" "$JSON_SCANNED" "$JSON_FINDINGS" "$JSON_PLANTED" "$N_PLANTED" \
    "$RATIO" "$MIN_RATIO" "$MET" "$JOURNAL_MEDIAN" "$JOURNAL_FILES" "$JOURNAL_SCANNED" \
    "$JOURNAL_FINDINGS" <<'EOF'
import sys

(files, nbytes, runs, events, tasks, transcripts, pt, pb, pf, pp, jt, jb, jf, jp, planted,
 ratio, minimum, met, lt, lfiles, lb, lf) = sys.argv[1:]
files, nbytes, runs, events, tasks, transcripts = map(int, (files, nbytes, runs, events, tasks, transcripts))
pt, jt, lt = float(pt), float(jt), float(lt)
pb, jb, lb, lfiles = int(pb), int(jb), int(lb), int(lfiles)
print(f"journal tree: {files:,} files, {nbytes / 1e6:.1f} MB (runs: {runs:,}, events: {events:,}, "
      f"tasks: {tasks:,}, transcripts: {transcripts})")
print(f"plain scan (same bytes, .txt names): {pt:.2f} s median ({pb / 1e6 / pt:.0f} MB/s), "
      f"{int(pf):,} findings ({pp} of {planted} planted)")
print(f"JSON-aware scan: {jt:.2f} s median ({jb / 1e6 / jt:.0f} MB/s), "
      f"{int(jf):,} findings ({jp} of {planted} planted)")
print(f"JSON-aware speed / plain speed: {ratio} (requirement: >= {minimum}: {met})")
print(f"leakgate journal .a5c: {lt:.2f} s median ({lfiles:,} files, {lb / 1e6:.1f} MB, "
      f"{lb / 1e6 / lt:.0f} MB/s), {int(lf):,} findings")
EOF

if [[ ${BENCH_STRICT:-0} == 1 && $MET != met ]]; then
    exit 1
fi
