# shellcheck shell=bash
# Helpers shared by the benchmark scripts (bench.sh, bench-git.sh, bench-journal.sh). Sourced,
# never run:   source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
#
# Sourcing it changes to the repository root, sets REPO to it, puts Cargo's bin directory on
# PATH, and names the script for error messages (BENCH_NAME: the script's file name without
# .sh). Everything else here is a function or the state one of them keeps.

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
REPO=$PWD
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
BENCH_NAME=$(basename "$0" .sh)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf '%s: error: %s\n' "$BENCH_NAME" "$*" >&2; exit 1; }

# Run a command as root (directly when we are root, via sudo otherwise).
as_root() {
    if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# apt_install PACKAGE...: install with apt-get (running `apt-get update` the first time);
# fails when there is no apt-get or the install fails.
APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null || return 1
    if [[ $APT_UPDATED -eq 0 ]]; then
        as_root apt-get update -qq >/dev/null || return 1
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Build leakgate in release mode (--locked when Cargo.lock exists) and set LEAKGATE to the
# binary. Run from the repository root.
build_leakgate() {
    log "building leakgate (release)"
    if [[ -f Cargo.lock ]]; then
        cargo build --release --locked -q
    else
        cargo build --release -q
    fi
    LEAKGATE=$REPO/${CARGO_TARGET_DIR:-target}/release/leakgate
    [[ -x $LEAKGATE ]] || die "no binary at $LEAKGATE"
}

# json_get FILE EXPR: evaluate a Python expression over the JSON document m in FILE. Python
# runs isolated (-I), so nothing in the current directory or the environment is imported.
json_get() {
    python3 -I -c 'import json, sys; m = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# cached KEY MARKER DIR...: true when a cached build can be reused: BENCH_REBUILD is not 1,
# MARKER and every DIR exist, and MARKER's recipe_key is KEY.
cached() {
    local key=$1 marker=$2 dir found=""
    shift 2
    [[ ${BENCH_REBUILD:-0} != 1 && -f $marker ]] || return 1
    for dir; do
        [[ -d $dir ]] || return 1
    done
    found=$(json_get "$marker" 'm["recipe_key"]' 2>/dev/null || true)
    [[ $found == "$key" ]]
}

# Current wall-clock time in seconds with microseconds, into the variable named $1.
# $EPOCHREALTIME (bash >= 5) is read without forking, so it adds no start-up noise of its
# own; older bash falls back to `date +%s.%N`.
stamp() {
    if [[ -n ${EPOCHREALTIME:-} ]]; then
        printf -v "$1" '%s' "$EPOCHREALTIME"
    else
        printf -v "$1" '%s' "$(date +%s.%N)"
    fi
}

# run_timed VAR OUT DECIMALS CMD...: run CMD with stdout to OUT, store the elapsed wall time in
# seconds, with DECIMALS decimals, in the variable named VAR and CMD's exit code in TIMED_RC.
# Callers check TIMED_RC (see timed).
TIMED_RC=0
run_timed() {
    local __var=$1 out=$2 decimals=$3 t0 t1
    shift 3
    TIMED_RC=0
    stamp t0
    "$@" >"$out" || TIMED_RC=$?
    stamp t1
    printf -v "$__var" '%s' "$(awk -v a="$t0" -v b="$t1" -v d="$decimals" 'BEGIN { printf "%." d "f", b - a }')"
}

# timed VAR OUT CMD...: run_timed with 4 decimals; exit code 0 or 1 is success (1 means secrets
# were found), anything else is a failure of the tool.
timed() {
    run_timed "$1" "$2" 4 "${@:3}"
    [[ $TIMED_RC -le 1 ]] || die "$(basename "$3") exited $TIMED_RC: ${*:3}"
}

# alternate RUNS LABEL_A CMD_A TIMES_A LABEL_B CMD_B TIMES_B: RUNS rounds of `timed` runs, stdout
# to /dev/null, of the commands in the arrays named CMD_A and CMD_B in turn (A, B, A, B, ...:
# whatever else slows the machine slows both alike). The times are appended to the arrays
# named TIMES_A and TIMES_B, and each round is logged as "run I/RUNS: LABEL_A As, LABEL_B Bs".
alternate() {
    local __runs=$1 __label_a=$2 __label_b=$5 __i __ta __tb
    local -n __cmd_a=$3 __times_a=$4 __cmd_b=$6 __times_b=$7
    for ((__i = 1; __i <= __runs; __i++)); do
        timed __ta /dev/null "${__cmd_a[@]}"
        __times_a+=("$__ta")
        timed __tb /dev/null "${__cmd_b[@]}"
        __times_b+=("$__tb")
        log "run $__i/$__runs: $__label_a ${__ta}s, $__label_b ${__tb}s"
    done
}

# Median of the numbers given as arguments.
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# show_cmd CMD...: print a timed command, shell-quoted, as it was run.
show_cmd() { printf '   ' >&2; printf ' %q' "$@" >&2; printf ' > /dev/null\n' >&2; }
