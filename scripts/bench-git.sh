#!/usr/bin/env bash
# Reproducible git benchmark: `leakgate scan --staged` (pre-commit speed) and
# `leakgate scan --history` (history throughput), each next to a git-native reference.
#
# Usage (from anywhere, no arguments):   scripts/bench-git.sh
#        with a repository:              scripts/bench-git.sh REPO
#   With REPO, it runs scripts/bench-history.sh instead: `leakgate scan --history` on that real
#   repository against gitleaks and kingfisher in the same run, as ratios (see that script).
#
# Environment (all optional):
#   BENCH_DIR      cache directory for the repositories         (default /tmp/leakgate-bench)
#   BENCH_REBUILD  set to 1 to rebuild the repositories even if their markers match
#
# Steps:
#   1. cargo build --release (--locked when Cargo.lock exists)
#   2. build (or reuse) three deterministic repositories of real text files (Python's standard
#      library, sorted, files under 64 KiB); scripts/bench-git-repo.py does the building:
#        git-100k     exactly 100,000 tracked files: the files replicated into numbered
#                     directories c000/ c001/ ..., one `git add -A && git commit`
#        git-1k       exactly 1,000 tracked files, built the same way
#        git-history  >= 5,000 commits replaying the files a few at a time, each commit also
#                     editing an earlier file, plus a stale unmerged branch holding a fake secret
#      Authors, committers and dates are fixed, so commit ids are the same on every machine
#      with the same Python and git.
#   3. staged (pre-commit) speed, for 5 changed files in each repository and 50 in git-100k:
#      before every timed run, `git reset -q --hard`, append one line to each of the change's
#      fixed files (one of them a fake `DB_PASSWORD` assignment, built at run time) and
#      `git add` them. Checked first: leakgate exits 1 with exactly 1 finding, in that file,
#      having scanned exactly the changed files. Then STAGED_RUNS timed runs each, alternating
#        leakgate scan --staged > /dev/null
#        git diff --cached --quiet            (git's own index-vs-HEAD comparison)
#      and the medians, in ms.
#   4. history throughput on git-history: one untimed warm-up of each, then HISTORY_RUNS timed
#      runs each, alternating
#        leakgate scan --history --format json > FILE
#        git log --all -p --no-color > /dev/null   (reading every diff: the closest git-native
#                                                    equivalent)
#      leakgate's own summary line gives the blobs and bytes scanned (checked against git's
#      count of the distinct blobs reachable from all refs, and the planted secret on the
#      unmerged branch must be found); blobs/s and MB/s use the median time.
#   5. the timed commands and a summary block.
#
# Git runs without system or user config (GIT_CONFIG_NOSYSTEM=1, GIT_CONFIG_GLOBAL=/dev/null),
# so nothing in ~/.gitconfig (fsmonitor, index version, hooks) changes what is measured.
# Units: ms and s are wall-clock; MB = 10^6 bytes. Exit status is 0 unless a tool fails or a
# check does not hold; a missed 50 ms target is reported, not an error.

set -euo pipefail
export LC_ALL=C # decimal point "." in $EPOCHREALTIME and printf

if [[ $# -gt 0 ]]; then
    exec bash "$(dirname "${BASH_SOURCE[0]}")/bench-history.sh" "$@"
fi

# ---------------------------------------------------------------------------------------------
# Fixed parameters: change one and the affected repository's recipe key changes, so it is rebuilt.

readonly RECIPE_VERSION=1
readonly BIG_FILES=100000         # tracked files in git-100k
readonly SMALL_FILES=1000         # tracked files in git-1k
readonly MAX_FILE_BYTES=65535     # source files under 64 KiB
readonly SMALL_CHANGE=5           # files in the pre-commit change
readonly LARGE_CHANGE=50          # files in the larger change (git-100k only)
readonly HISTORY_COMMITS=5100     # commits on main in git-history
readonly HISTORY_SIDE_COMMITS=25  # commits on its stale branch
readonly SEED=20240601            # seeds the history edits and the staged fake secret
readonly STAGED_RUNS=20           # timed runs per tool and staged configuration
readonly HISTORY_RUNS=3           # timed runs per tool on git-history
readonly STAGED_TARGET_MS=50      # the issue's target for 100,000 files, 5 changed

BENCH_DIR=${BENCH_DIR:-/tmp/leakgate-bench}

# shellcheck source-path=SCRIPTDIR source=bench-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
HELPER=$REPO/scripts/bench-git-repo.py

# Git: no system or user config, and nothing inherited from a hook that might be running us.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
    GIT_NAMESPACE GIT_CEILING_DIRECTORIES

# Python always runs isolated (-I): the benchmark repositories hold copies of the standard
# library, and a plain `python3 -c` started inside one would import them instead.
py() { python3 -I "$@"; }

# timed_rc VAR OUT RCS CMD...: run CMD with stdout to OUT, require its exit code to be one of
# the space-separated RCS, and store the elapsed wall time in seconds (6 decimals) in the
# variable named VAR.
timed_rc() {
    run_timed "$1" "$2" 6 "${@:4}"
    [[ " $3 " == *" $TIMED_RC "* ]] || die "$(basename "$4") exited $TIMED_RC (expected $3): ${*:4}"
}

SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

# ---------------------------------------------------------------------------------------------
# 1. Build leakgate.

build_leakgate
log "$("$LEAKGATE" --version); $(git --version)"

# ---------------------------------------------------------------------------------------------
# 2. The repositories.

command -v python3 >/dev/null || die "python3 is required (it builds the repositories)"
command -v git >/dev/null || die "git is required"
STDLIB=$(py -c 'import os, sysconfig; print(os.path.realpath(sysconfig.get_paths()["stdlib"]))')
[[ -d $STDLIB ]] || die "no Python standard library at $STDLIB"
SOURCE_MANIFEST=$(py "$HELPER" manifest --source "$STDLIB" --max-file-bytes "$MAX_FILE_BYTES")
log "source: $STDLIB (manifest ${SOURCE_MANIFEST:0:16})"

# Everything that decides a repository's content goes into its recipe key: its parameters, the
# source files (paths, sizes and contents), the git version and the helper script itself.
recipe_key() {
    {
        echo "recipe=$RECIPE_VERSION max_file=$MAX_FILE_BYTES $*"
        echo "source=$STDLIB manifest=$SOURCE_MANIFEST"
        git --version
        sha256sum <"$HELPER"
    } | sha256sum | cut -c1-16
}

# ensure_repo NAME KIND ARGS...: reuse $BENCH_DIR/NAME while its marker's key matches, else
# build it with `bench-git-repo.py KIND ARGS...`.
ensure_repo() {
    local name=$1 kind=$2 key
    shift 2
    local dir=$BENCH_DIR/$name marker=$BENCH_DIR/$name.marker.json
    key=$(recipe_key "$name" "$kind" "$@")
    if cached "$key" "$marker" "$dir/.git"; then
        log "reusing $dir (recipe $key, marker $marker)"
        return
    fi
    log "building $dir (recipe $key); this takes a while"
    mkdir -p "$BENCH_DIR"
    rm -f "$marker"
    py "$HELPER" "$kind" --out "$dir" --marker "$marker" --source "$STDLIB" \
        --max-file-bytes "$MAX_FILE_BYTES" --recipe-key "$key" "$@"
}

ensure_repo git-100k tracked --files "$BIG_FILES" --changes "$SMALL_CHANGE,$LARGE_CHANGE"
ensure_repo git-1k tracked --files "$SMALL_FILES" --changes "$SMALL_CHANGE"
ensure_repo git-history history --commits "$HISTORY_COMMITS" \
    --side-commits "$HISTORY_SIDE_COMMITS" --seed "$SEED"

# Let the kernel write back a freshly built repository now, not during the timed runs.
sync

BIG=$BENCH_DIR/git-100k
SMALL=$BENCH_DIR/git-1k
HIST=$BENCH_DIR/git-history

# 1-minute load average: other work on the machine slows both tools of a pair alike (the runs
# alternate) but not the absolute figures, so the report shows it from before and after.
load1() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?"; }
LOAD_BEFORE=$(load1)
log "load average $LOAD_BEFORE on $(nproc) cores before the timed runs"

# ---------------------------------------------------------------------------------------------
# 3. Staged (pre-commit) speed.

# The fake secret, from the seed; key and value are assembled here so this file holds none.
SECRET_KEY="DB_""PASSWORD"
SECRET_VALUE=$(py -c 'import random, string, sys
r = random.Random(int(sys.argv[1]))
print("".join(r.choice(string.ascii_letters + string.digits) for _ in range(24)))' "$SEED")
SECRET_LINE="$SECRET_KEY = \"$SECRET_VALUE\""

# stage REPO SECRET_FILE FILE...: back to HEAD, then append one line to each FILE (the secret
# to SECRET_FILE, a comment to the others) and stage them.
stage() {
    local repo=$1 secret_file=$2 f i=0
    shift 2
    git -C "$repo" reset -q --hard
    for f in "$@"; do
        i=$((i + 1))
        if [[ $f == "$secret_file" ]]; then
            printf '%s\n' "$SECRET_LINE" >>"$repo/$f"
        else
            printf '# leakgate bench: staged edit %d\n' "$i" >>"$repo/$f"
        fi
    done
    git -C "$repo" add -- "$@"
}

LG_STAGED_CMD=("$LEAKGATE" scan --staged)
GIT_STAGED_CMD=(git diff --cached --quiet)

declare -A STAGED_LG STAGED_GIT
# bench_staged LABEL REPO N: check, then time, a change of N files in REPO.
bench_staged() {
    local label=$1 repo=$2 n=$3 marker secret_file t u i
    local -a files
    marker=$repo.marker.json
    mapfile -t files < <(json_get "$marker" "'\n'.join(m['changes']['$n']['files'])")
    secret_file=$(json_get "$marker" "m['changes']['$n']['secret_file']")
    [[ ${#files[@]} -eq $n ]] || die "$marker: expected $n files for the change, got ${#files[@]}"
    log "$label: $(json_get "$marker" 'm["files"]') tracked files, $n staged (secret in $secret_file)"

    # Check: git sees n staged files; leakgate scans exactly those and finds the one secret.
    stage "$repo" "$secret_file" "${files[@]}"
    local staged rc=0
    staged=$(git -C "$repo" diff --cached --name-only | wc -l)
    [[ $staged -eq $n ]] || die "$label: git reports $staged staged files, expected $n"
    (cd "$repo" && "$LEAKGATE" scan --staged --format json) >"$SCRATCH/staged.jsonl" || rc=$?
    [[ $rc -eq 1 ]] || die "$label: leakgate scan --staged exited $rc, expected 1 (a finding)"
    local check
    check=$(py -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
s = lines[-1]
found = [l["path"] for l in lines if l["type"] == "finding"]
print(s["findings"], s["files_scanned"], ",".join(found))' "$SCRATCH/staged.jsonl")
    [[ $check == "1 $n $secret_file" ]] ||
        die "$label: expected '1 finding, $n files scanned, in $secret_file'; leakgate says '$check' (findings, files, paths)"

    # One untimed warm-up of each, then alternating timed runs, each after a fresh stage.
    cd "$repo"
    stage "$repo" "$secret_file" "${files[@]}"
    timed_rc t /dev/null 1 "${LG_STAGED_CMD[@]}"
    stage "$repo" "$secret_file" "${files[@]}"
    timed_rc t /dev/null 1 "${GIT_STAGED_CMD[@]}"
    local lg=() gt=()
    for ((i = 1; i <= STAGED_RUNS; i++)); do
        stage "$repo" "$secret_file" "${files[@]}"
        timed_rc t /dev/null 1 "${LG_STAGED_CMD[@]}"
        lg+=("$t")
        stage "$repo" "$secret_file" "${files[@]}"
        timed_rc u /dev/null 1 "${GIT_STAGED_CMD[@]}"
        gt+=("$u")
    done
    git -C "$repo" reset -q --hard
    cd "$REPO"
    STAGED_LG[$label]=$(median "${lg[@]}")
    STAGED_GIT[$label]=$(median "${gt[@]}")
    log "$label: leakgate $(awk -v s="${STAGED_LG[$label]}" 'BEGIN { printf "%.1f", s * 1000 }') ms," \
        "git diff --cached $(awk -v s="${STAGED_GIT[$label]}" 'BEGIN { printf "%.1f", s * 1000 }') ms" \
        "(medians of $STAGED_RUNS; leakgate range $(printf '%s\n' "${lg[@]}" | sort -g | sed -n '1p;$p' |
            awk '{ printf "%s%.1f", (NR > 1 ? "-" : ""), $1 * 1000 }') ms)"
}

bench_staged big5 "$BIG" "$SMALL_CHANGE"
bench_staged small5 "$SMALL" "$SMALL_CHANGE"
bench_staged big50 "$BIG" "$LARGE_CHANGE"

# ---------------------------------------------------------------------------------------------
# 4. History throughput.

HIST_MARKER=$HIST.marker.json
read -r H_COMMITS H_BLOBS H_BLOB_BYTES H_PLANTED < <(json_get "$HIST_MARKER" \
    '" ".join(str(m[k]) for k in ("commits", "blobs", "blob_bytes", "planted"))')
log "history: $H_COMMITS commits, $H_BLOBS distinct blobs ($H_BLOB_BYTES bytes) reachable from all refs"
[[ $H_COMMITS -ge 5000 ]] || die "history repository has $H_COMMITS commits, fewer than 5,000"

LG_HIST_CMD=("$LEAKGATE" scan --history --format json)
GIT_LOG_CMD=(git log --all -p --no-color)

cd "$HIST"
log "history warm-up (untimed): leakgate, git log"
timed_rc t "$SCRATCH/history.jsonl" "0 1" "${LG_HIST_CMD[@]}"
timed_rc t /dev/null 0 "${GIT_LOG_CMD[@]}"
cd "$REPO"

read -r SCANNED SCANNED_BYTES SKIPPED LG_COMMITS FINDINGS PLANTED_FOUND < <(py -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
s = lines[-1]
assert s["type"] == "summary", s
found = any(l["type"] == "finding" and l["path"] == sys.argv[2] for l in lines)
print(s["files_scanned"], s["bytes_scanned"], s["files_skipped"], s["commits"], s["findings"], int(found))
' "$SCRATCH/history.jsonl" "$H_PLANTED")
# The summary counts each commit's message as a scanned file too: every commit here has one.
SCANNED=$((SCANNED - LG_COMMITS))
log "leakgate: $LG_COMMITS commits, $SCANNED blobs scanned ($SCANNED_BYTES bytes with the messages), $SKIPPED skipped, $FINDINGS findings"
[[ $LG_COMMITS -eq $H_COMMITS ]] || die "leakgate walked $LG_COMMITS commits, git counts $H_COMMITS"
[[ $((SCANNED + SKIPPED)) -eq $H_BLOBS ]] ||
    die "leakgate saw $((SCANNED + SKIPPED)) blobs (scanned + skipped), git counts $H_BLOBS"
[[ $PLANTED_FOUND -eq 1 ]] || die "leakgate did not report the secret planted in $H_PLANTED on the unmerged branch"

LG_H=()
GIT_H=()
cd "$HIST"
for ((i = 1; i <= HISTORY_RUNS; i++)); do
    timed_rc t /dev/null "0 1" "${LG_HIST_CMD[@]}"
    LG_H+=("$t")
    timed_rc u /dev/null 0 "${GIT_LOG_CMD[@]}"
    GIT_H+=("$u")
    log "run $i/$HISTORY_RUNS: leakgate ${t}s, git log ${u}s"
done
cd "$REPO"
LG_H_MEDIAN=$(median "${LG_H[@]}")
GIT_H_MEDIAN=$(median "${GIT_H[@]}")

LOAD_AFTER=$(load1)

# ---------------------------------------------------------------------------------------------
# 5. Report.

log "timed commands (each after a fresh reset + stage for the staged ones):"
show_cmd_in() {
    local dir=$1
    shift
    printf '    (cd %q &&' "$dir" >&2
    printf ' %q' "$@" >&2
    printf ' > /dev/null)\n' >&2
}
show_cmd_in "$BIG" "${LG_STAGED_CMD[@]}"
show_cmd_in "$BIG" "${GIT_STAGED_CMD[@]}"
show_cmd_in "$SMALL" "${LG_STAGED_CMD[@]}"
show_cmd_in "$SMALL" "${GIT_STAGED_CMD[@]}"
show_cmd_in "$HIST" "${LG_HIST_CMD[@]}"
show_cmd_in "$HIST" "${GIT_LOG_CMD[@]}"

awk -v big="$BIG_FILES" -v small="$SMALL_FILES" -v c5="$SMALL_CHANGE" -v c50="$LARGE_CHANGE" \
    -v b5="${STAGED_LG[big5]}" -v g_b5="${STAGED_GIT[big5]}" \
    -v s5="${STAGED_LG[small5]}" -v g_s5="${STAGED_GIT[small5]}" \
    -v b50="${STAGED_LG[big50]}" -v g_b50="${STAGED_GIT[big50]}" \
    -v target="$STAGED_TARGET_MS" \
    -v commits="$LG_COMMITS" -v blobs="$SCANNED" -v bytes="$SCANNED_BYTES" \
    -v lg="$LG_H_MEDIAN" -v gl="$GIT_H_MEDIAN" -v runs="$HISTORY_RUNS" \
    -v cores="$(nproc)" -v load0="$LOAD_BEFORE" -v load1="$LOAD_AFTER" '
function group(n,    s) {   # 12345 -> "12,345"
    s = sprintf("%d", n)
    while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
    return s
}
function staged(files, changed, l, g,    head) {
    head = sprintf("staged, %s files, %d changed:", group(files), changed)
    printf "%-36s leakgate %.1f ms, git diff --cached %.1f ms (%.2fx)\n", head, l * 1000, g * 1000, l / g
}
BEGIN {
    staged(big, c5, b5, g_b5)
    staged(small, c5, s5, g_s5)
    staged(big, c50, b50, g_b50)
    printf "history: %s commits, %s blobs, %.1f MB: %.2f s median of %d (%s blobs/s, %.0f MB/s); git log --all -p: %.2f s (%.2fx)\n",
        group(commits), group(blobs), bytes / 1e6, lg, runs, group(blobs / lg + 0.5), bytes / 1e6 / lg, gl, lg / gl
    printf "target: %s files, %d changed, under %d ms: %s (%.1f ms)\n", group(big), c5, target,
        b5 * 1000 < target ? "met" : "NOT met", b5 * 1000
    printf "growth: repository x%d (%s -> %s files) costs leakgate x%.2f; change x%d (%d -> %d files) costs x%.2f\n",
        big / small, group(small), group(big), b5 / s5, c50 / c5, c5, c50, b50 / b5
    printf "machine: %d cores, load average %s before and %s after the timed runs\n", cores, load0, load1
}'
