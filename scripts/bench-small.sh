#!/usr/bin/env bash
# Small-file benchmark: `leakgate scan` on a real tree of many small files (rails/rails, about
# 5,000 files and 27 MB of text) against ripgrep over the same tree, alternating, as ratios.
#
# Usage (from anywhere):   scripts/bench-small.sh [TREE]
#
# TREE is a git work tree (default /tmp/leakgate-real/rails). When it does not exist it is cloned
# from BENCH_REPO_URL and checked out at BENCH_REPO_COMMIT, so everyone measures the same files.
# Keep it outside this repository: leakgate's own self-scan must not walk it.
#
# Environment (all optional):
#   BENCH_RUNS         timed runs of each command, alternating       (default 10)
#   BENCH_REPO_URL     where to clone TREE from when it is missing   (default https://github.com/rails/rails)
#   BENCH_REPO_COMMIT  the commit to check out after cloning         (default below)
#
# Steps: build leakgate (release); make sure ripgrep and /usr/bin/time exist; one untimed
# warm-up of each command (the tree is then in the page cache for all of them); BENCH_RUNS
# rounds of timed runs, each round running, in turn,
#   leakgate scan TREE --format json                  (what is measured)
#   rg -i -c -F --hidden -g '!.git' -j N -e KEYWORD ... TREE   (every rule keyword, as in
#                                                      scripts/bench.sh)
#   rg -i -c -F ... -e password -e secret ... TREE     (30 fixed secret keywords: the issue's
#                                                      yardstick, "within 2x of ripgrep")
#   rg -c -F --hidden -g '!.git' -j N -e NEEDLE TREE  (one string found nowhere: what walking,
#                                                      opening and reading every file costs rg)
# and the medians of wall time and of CPU time (user + sys, from /usr/bin/time), with the
# ratios leakgate / rg for both rg commands. One-time costs (start-up, compiling the rules that
# the tree's keywords reach, building their lazy DFAs, deriving the findings' fingerprints)
# weigh more on a small tree than on scripts/bench.sh's 360 MB one; the report says so by
# also timing the tree scanned twice in one run (TREE and a copy of it: what one more tree of
# the same kind costs).
#
# Checks: leakgate exits 0 or 1, reads every text file ripgrep reads (its summary counts the
# files scanned and skipped), and the needle is found nowhere (rg exits 1).
# Units: s wall-clock, MB = 10^6 bytes. Output goes to a scratch directory, never to a device.

set -euo pipefail
export LC_ALL=C

readonly DEFAULT_COMMIT=2a2db1e8d6d104ee0611efcae7eb023af65cff34
BENCH_RUNS=${BENCH_RUNS:-10}
BENCH_REPO_URL=${BENCH_REPO_URL:-https://github.com/rails/rails}
BENCH_REPO_COMMIT=${BENCH_REPO_COMMIT:-$DEFAULT_COMMIT}

[[ $# -le 1 ]] || {
    echo "usage: $0 [TREE]" >&2
    exit 2
}
TARGET=${1:-/tmp/leakgate-real/rails}
# Resolve TREE before bench-lib changes to the repository root.
[[ $TARGET = /* ]] || TARGET=$PWD/$TARGET

# shellcheck source-path=SCRIPTDIR source=bench-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES

[[ -x /usr/bin/time ]] || apt_install time || die "/usr/bin/time is required (Debian package time)"
if ! command -v rg >/dev/null; then
    log "installing ripgrep"
    apt_install ripgrep || cargo install ripgrep --locked -q || die "could not install ripgrep"
fi
RG=$(command -v rg)
RG_VERSION=$("$RG" --version) # read it all: `| head -n 1` would give rg a broken pipe
RG_VERSION=${RG_VERSION%%$'\n'*}

SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

build_leakgate
log "$("$LEAKGATE" --version); $RG_VERSION at $RG"

# ---------------------------------------------------------------------------------------------
# The tree.

if [[ ! -d $TARGET/.git ]]; then
    log "cloning $BENCH_REPO_URL into $TARGET at $BENCH_REPO_COMMIT"
    mkdir -p "$(dirname "$TARGET")"
    git clone -q "$BENCH_REPO_URL" "$TARGET"
    git -C "$TARGET" checkout -q "$BENCH_REPO_COMMIT"
fi
case $(cd "$TARGET" && pwd -P)/ in
"$REPO"/*) die "$TARGET is inside this repository; keep benchmark trees outside it" ;;
esac
COMMIT=$(git -C "$TARGET" rev-parse HEAD)
[[ -z $(git -C "$TARGET" status --porcelain) ]] ||
    log "warning: $TARGET has local changes; the figures are not those of commit $COMMIT alone"
read -r TREE_FILES TREE_BYTES < <(find "$TARGET" -path "$TARGET/.git" -prune -o -type f -printf '%s\n' |
    awk '{ n++; b += $1 } END { printf "%d %d\n", n, b }')
log "tree: $TARGET at $COMMIT: $TREE_FILES files, $(awk -v b="$TREE_BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB"

# The same files once more, for the two-trees run (outside TREE, so neither walk sees the other).
COPY=$SCRATCH/copy
mkdir "$COPY"
(cd "$TARGET" && tar --exclude=./.git -cf - .) | (cd "$COPY" && tar -xf -)

# ---------------------------------------------------------------------------------------------
# The commands.

mapfile -t KEYWORDS < <("$LEAKGATE" rules list --format json | python3 -I -c '
import json, sys
print("\n".join(sorted({k.lower() for l in sys.stdin for k in json.loads(l).get("keywords", [])})))')
[[ ${#KEYWORDS[@]} -gt 0 ]] || die "no keywords from leakgate rules list"
# A needle no file holds: assembled here so that this script does not hold it either.
NEEDLE="leakgate-bench-""$(printf '%s' "$COMMIT" | cut -c1-12)-absent"
# Like leakgate, rg reads hidden files but not .git/ (with --hidden, rg 13 would read it too).
RG_WALK=(--hidden --no-messages --glob '!.git' -j "$(nproc)")
RG_KW_ARGS=(-i -c -F "${RG_WALK[@]}")
for k in "${KEYWORDS[@]}"; do RG_KW_ARGS+=(-e "$k"); done

# The issue's yardstick: ripgrep with about 30 keywords a person would grep a tree for secrets
# with (fixed here, so that every run measures the same search).
SECRET_WORDS=(password passwd pwd secret token api_key apikey api-key access_key secret_key
    private_key client_secret auth bearer credential aws_access_key_id aws_secret_access_key
    github_token ghp_ gho_ glpat- xoxb- xoxp- sk_live_ sk_test_ akia "begin rsa private"
    "begin openssh private" "begin private key" jwt)
RG_30_ARGS=(-i -c -F "${RG_WALK[@]}")
for k in "${SECRET_WORDS[@]}"; do RG_30_ARGS+=(-e "$k"); done

LG_CMD=("$LEAKGATE" scan "$TARGET" --format json)
LG2_CMD=("$LEAKGATE" scan "$TARGET" "$COPY" --format json)
RG_KW_CMD=("$RG" "${RG_KW_ARGS[@]}" "$TARGET")
RG_READ_CMD=("$RG" -c -F "${RG_WALK[@]}" -e "$NEEDLE" "$TARGET")
RG_30_CMD=("$RG" "${RG_30_ARGS[@]}" "$TARGET")

# measure NAME OKS CMD...: run CMD under /usr/bin/time with stdout to $SCRATCH/NAME.out, require
# its exit code to be one of the space-separated OKS, and append "wall cpu" (seconds; wall from
# $EPOCHREALTIME, cpu = user + sys) to $SCRATCH/NAME.times.
measure() {
    local name=$1 oks=$2 t0 t1 rc=0
    shift 2
    stamp t0
    /usr/bin/time -f '%U %S' -o "$SCRATCH/time" "$@" >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err" || rc=$?
    stamp t1
    [[ " $oks " == *" $rc "* ]] || die "$name exited $rc (expected $oks): $(tail -n 3 "$SCRATCH/$name.err")"
    # The last line: GNU time writes "Command exited with non-zero status 1" above it.
    tail -n 1 "$SCRATCH/time" | awk -v a="$t0" -v b="$t1" '{ printf "%.4f %.2f\n", b - a, $1 + $2 }' >>"$SCRATCH/$name.times"
}

run() {
    case $1 in
    leakgate) measure leakgate "0 1" "${LG_CMD[@]}" ;;
    leakgate-x2) measure leakgate-x2 "0 1" "${LG2_CMD[@]}" ;;
    rg-keywords) measure rg-keywords "0 1" "${RG_KW_CMD[@]}" ;;
    rg-read) measure rg-read "1" "${RG_READ_CMD[@]}" ;;
    rg-30) measure rg-30 "0 1" "${RG_30_CMD[@]}" ;;
    esac
}
NAMES=(leakgate rg-keywords rg-30 rg-read leakgate-x2)

load1() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?"; }
LOAD_BEFORE=$(load1)
log "warm-up (untimed): ${NAMES[*]}"
for name in "${NAMES[@]}"; do
    run "$name"
    rm -f "$SCRATCH/$name.times"
done

# leakgate read what there is to read: every file is scanned or reported as skipped.
read -r SCANNED SKIPPED SCANNED_BYTES FINDINGS ERRORS < <(python3 -I -c '
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]
print(s["files_scanned"], s["files_skipped"], s["bytes_scanned"], s["findings"], s["errors"])' "$SCRATCH/leakgate.out")
log "leakgate: $SCANNED files scanned ($SCANNED_BYTES bytes), $SKIPPED skipped, $FINDINGS findings, $ERRORS errors"
[[ $ERRORS -eq 0 ]] || die "leakgate reported $ERRORS errors on $TARGET"
RG_FILES=$("$RG" --files "${RG_WALK[@]}" "$TARGET" | wc -l)
[[ $((SCANNED + SKIPPED)) -ge $RG_FILES ]] ||
    die "leakgate saw $((SCANNED + SKIPPED)) files (scanned + skipped), rg walks $RG_FILES"

for ((i = 1; i <= BENCH_RUNS; i++)); do
    for name in "${NAMES[@]}"; do
        run "$name"
    done
    log "run $i/$BENCH_RUNS: $(for n in "${NAMES[@]}"; do printf '%s %ss  ' "$n" "$(tail -n 1 "$SCRATCH/$n.times" | cut -d' ' -f1)"; done)"
done
LOAD_AFTER=$(load1)

log "timed commands:"
show_cmd "${LG_CMD[@]}"
show_cmd "${RG_KW_CMD[@]:0:11}" "... (${#KEYWORDS[@]} keywords)" "$TARGET"
show_cmd "${RG_30_CMD[@]:0:11}" "... (${#SECRET_WORDS[@]} keywords)" "$TARGET"
show_cmd "${RG_READ_CMD[@]}"
show_cmd "${LG2_CMD[@]}"

python3 -I - "$SCRATCH" "${NAMES[@]}" <<EOF
import statistics, sys
scratch, names = sys.argv[1], sys.argv[2:]
med = {}
for n in names:
    runs = [list(map(float, l.split())) for l in open(f"{scratch}/{n}.times") if l.strip()]
    med[n] = [statistics.median(col) for col in zip(*runs)]
lg_wall, lg_cpu = med["leakgate"]
print(f"tree: $TARGET, commit $COMMIT: $TREE_FILES files, {$TREE_BYTES / 1e6:.1f} MB; leakgate scanned $SCANNED files ({$SCANNED_BYTES / 1e6:.1f} MB), $FINDINGS findings")
print(f"leakgate scan:                      {lg_wall:.3f} s wall, {lg_cpu:.2f} s cpu")
for n, what in (("rg-keywords", "rg, ${#KEYWORDS[@]} keywords (bench.sh)"), ("rg-30", "rg, ${#SECRET_WORDS[@]} secret keywords"), ("rg-read", "rg, one absent string")):
    wall, cpu = med[n]
    print(f"{what + ':':<35} {wall:.3f} s wall, {cpu:.2f} s cpu   leakgate / rg: {lg_wall / wall:.2f}x wall, {lg_cpu / max(cpu, 0.01):.2f}x cpu")
wall2, cpu2 = med["leakgate-x2"]
print(f"leakgate, the tree twice in one run: {wall2:.3f} s wall, {cpu2:.2f} s cpu (one more tree: +{wall2 - lg_wall:.3f} s wall, +{cpu2 - lg_cpu:.2f} s cpu)")
print("machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), load average $LOAD_BEFORE before and $LOAD_AFTER after; medians of $BENCH_RUNS runs")
EOF
