#!/usr/bin/env bash
# Reproducible throughput benchmark: leakgate vs. a ripgrep keyword search over the same tree.
#
# Usage (from the repository root, no arguments):   scripts/bench.sh
#
# Environment (all optional):
#   BENCH_DIR      cache directory for the tree and npm packages   (default /tmp/leakgate-bench)
#   BENCH_REBUILD  set to 1 to rebuild the tree even if the marker matches
#
# Steps:
#   1. cargo build --release (--locked when Cargo.lock exists)
#   2. make sure ripgrep and /usr/bin/time exist (apt-get, falling back to cargo install)
#   3. build (or reuse) a deterministic >= 200 MB tree of real source files with 5 planted
#      fake secrets; scripts/bench-tree.py does the copying and planting
#   4. one untimed warm-up run of each tool, then RUNS timed runs each, alternating
#      leakgate, rg, leakgate, rg, ... ; medians are reported. One extra leakgate run under
#      /usr/bin/time records peak RSS.
#   5. start-up: median of 20 runs of `leakgate scan` on an empty directory
#   6. a summary block
#
# Units: MB = 10^6 bytes everywhere (tree size, throughput, RSS). Exit status is 0 unless a
# tool fails (leakgate exit 2, rg exit 2, a build or install error).

set -euo pipefail
export LC_ALL=C # decimal point "." in $EPOCHREALTIME and printf

# ---------------------------------------------------------------------------------------------
# Fixed parameters: change one and the tree's recipe key changes, so the tree is rebuilt.

readonly RECIPE_VERSION=1
readonly MIN_TREE_BYTES=$((200 * 1000 * 1000)) # at least 200 MB
readonly MAX_FILE_BYTES=$((1024 * 1024))       # skip files over 1 MiB
readonly SEED=20240601                         # seeds the planted secrets
readonly RUNS=5                                # timed runs per tool
readonly STARTUP_RUNS=20                       # timed runs of the empty-directory scan
# npm packages installed into the cache dir. Exact versions, and --before pins every
# transitive dependency to what the registry had on that date, so the install is repeatable.
readonly NPM_PACKAGES=(typescript@5.4.5 @babel/core@7.24.5 webpack@5.91.0 lodash@4.17.21 aws-sdk@2.1620.0)
readonly NPM_BEFORE=2025-01-01

BENCH_DIR=${BENCH_DIR:-/tmp/leakgate-bench}
TREE=$BENCH_DIR/tree
MARKER=$BENCH_DIR/tree.marker.json
NPM_DIR=$BENCH_DIR/npm

# shellcheck source-path=SCRIPTDIR source=bench-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

# ---------------------------------------------------------------------------------------------
# 1. Build leakgate.

build_leakgate
log "$("$LEAKGATE" --version)"

# ---------------------------------------------------------------------------------------------
# 2. Tools: ripgrep, GNU time, python3.

command -v python3 >/dev/null || die "python3 is required (it builds the tree)"
if ! command -v rg >/dev/null; then
    log "installing ripgrep"
    apt_install ripgrep || cargo install ripgrep --locked -q || die "could not install ripgrep"
fi
RG=$(command -v rg)
RG_VERSION=$("$RG" --version) # read it all: `| head -n 1` would give rg a broken pipe
log "${RG_VERSION%%$'\n'*} at $RG"
if [[ ! -x /usr/bin/time ]]; then
    log "installing GNU time"
    apt_install time || die "could not install /usr/bin/time"
fi

# ---------------------------------------------------------------------------------------------
# 3. The tree.

# Source roots, in a fixed order. Python: the standard library plus site-packages; a
# site-packages directory inside the stdlib directory is covered by the stdlib walk.
SOURCES=()
while IFS= read -r line; do
    SOURCES+=("$line")
done < <(python3 - <<'EOF'
import os, site, sysconfig
paths = sysconfig.get_paths()
roots = [("python/stdlib", paths["stdlib"])]
for p in [paths["purelib"], paths["platlib"]] + list(site.getsitepackages()):
    roots.append(("python/site-packages", p))
kept = []
for label, p in roots:
    p = os.path.realpath(p)
    if not os.path.isdir(p) or any(p == k or p.startswith(k + os.sep) for _, k in kept):
        continue
    if label in (l for l, _ in kept):
        label = f"{label}-{len(kept)}"
    kept.append((label, p))
for label, p in kept:
    print(f"{label}={p}")
EOF
)
# Cargo: the registry sources, restricted to the crates in this repository's Cargo.lock
# (step 1 downloaded them all); the registry also holds whatever else this machine ever
# fetched, which would make the tree depend on the machine's history.
CARGO_SRC=${CARGO_HOME:-$HOME/.cargo}/registry/src
CARGO_LOCK_ARGS=()
if [[ -d $CARGO_SRC ]]; then
    SOURCES+=("cargo=$CARGO_SRC")
    [[ -f Cargo.lock ]] && CARGO_LOCK_ARGS=(--cargo-lock "$REPO/Cargo.lock")
fi
HAVE_NPM=0
command -v npm >/dev/null && HAVE_NPM=1 && SOURCES+=("npm=$NPM_DIR/node_modules")

# Everything that decides the tree's content goes into the recipe key: the parameters above,
# the Python version and installed distributions, the source roots, Cargo.lock, the npm pins
# and the helper script itself. A cached tree is reused only while the key matches.
RECIPE_KEY=$(
    {
        echo "recipe=$RECIPE_VERSION min=$MIN_TREE_BYTES max_file=$MAX_FILE_BYTES seed=$SEED"
        python3 --version
        python3 -c 'import importlib.metadata as m
print(sorted({(d.metadata["Name"] or "?") + "==" + d.version for d in m.distributions()}))'
        printf 'source %s\n' "${SOURCES[@]}"
        [[ ${#CARGO_LOCK_ARGS[@]} -gt 0 ]] && sha256sum <Cargo.lock
        echo "npm ${NPM_PACKAGES[*]} before=$NPM_BEFORE"
        sha256sum <scripts/bench-tree.py
        sha256sum <scripts/bench_tokens.py
    } | sha256sum | cut -c1-16
)

if cached "$RECIPE_KEY" "$MARKER" "$TREE"; then
    log "reusing tree $TREE (recipe $RECIPE_KEY, marker $MARKER)"
else
    log "building tree $TREE (recipe $RECIPE_KEY)"
    mkdir -p "$BENCH_DIR"
    build_key=$RECIPE_KEY
    if [[ $HAVE_NPM == 1 ]]; then
        npm_stamp="${NPM_PACKAGES[*]} before=$NPM_BEFORE"
        if [[ ! -d $NPM_DIR/node_modules || "$(cat "$NPM_DIR/.installed" 2>/dev/null)" != "$npm_stamp" ]]; then
            log "npm install ${NPM_PACKAGES[*]} (--before=$NPM_BEFORE)"
            rm -rf "$NPM_DIR"
            mkdir -p "$NPM_DIR"
            echo '{"name":"leakgate-bench-corpus","private":true}' >"$NPM_DIR/package.json"
            if (cd "$NPM_DIR" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
                --before="$NPM_BEFORE" "${NPM_PACKAGES[@]}" >/dev/null); then
                echo "$npm_stamp" >"$NPM_DIR/.installed"
            else
                # Build without the npm packages, but mark the tree so the next run retries.
                log "warning: npm install failed; building the tree without node_modules"
                build_key="$RECIPE_KEY-degraded"
            fi
        fi
    fi
    source_args=()
    for s in "${SOURCES[@]}"; do source_args+=(--source "$s"); done
    python3 scripts/bench-tree.py build --out "$TREE" --marker "$MARKER" \
        --min-bytes "$MIN_TREE_BYTES" --max-file-bytes "$MAX_FILE_BYTES" --seed "$SEED" \
        --recipe-key "$build_key" "${CARGO_LOCK_ARGS[@]}" "${source_args[@]}"
fi

read -r TREE_FILES TREE_BYTES MANIFEST < <(python3 -c \
    'import json,sys; m=json.load(open(sys.argv[1])); print(m["files"], m["bytes"], m["manifest_sha256"][:16])' \
    "$MARKER")
TREE_MB=$(awk -v b="$TREE_BYTES" 'BEGIN { printf "%.1f", b / 1e6 }')
log "tree: $TREE_FILES files, $TREE_MB MB (manifest $MANIFEST)"

# The planted secrets must all be found, or the benchmark is not measuring a real scan.
planted=$("$LEAKGATE" scan "$TREE/app" --format json --exit-zero |
    python3 -c 'import json,sys; print(" ".join(sorted(json.loads(l)["rule"] for l in sys.stdin if "\"type\":\"finding\"" in l)))')
log "planted secrets found in $TREE/app: ${planted:-none}"
[[ $(wc -w <<<"$planted") -eq 5 ]] || die "expected 5 findings in $TREE/app, got: $planted"

# ---------------------------------------------------------------------------------------------
# 4. Throughput.

# ripgrep's keywords: every rule keyword, lowercased, deduplicated, searched as fixed strings.
mapfile -t KEYWORDS < <("$LEAKGATE" rules list --format json | python3 -c '
import json, sys
print("\n".join(sorted({k.lower() for l in sys.stdin for k in json.loads(l).get("keywords", [])})))')
[[ ${#KEYWORDS[@]} -gt 0 ]] || die "no keywords from leakgate rules list"
RG_ARGS=(-i -c -F --hidden --no-messages -j "$(nproc)")
for k in "${KEYWORDS[@]}"; do RG_ARGS+=(-e "$k"); done

LEAKGATE_CMD=("$LEAKGATE" scan "$TREE" --format json)
RG_CMD=("$RG" "${RG_ARGS[@]}" "$TREE")

SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

log "warm-up (untimed): leakgate, rg"
timed ignored "$SCRATCH/leakgate.jsonl" "${LEAKGATE_CMD[@]}"
timed ignored /dev/null "${RG_CMD[@]}"
read -r SCANNED_FILES SCANNED_BYTES FINDINGS < <(python3 -c '
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if "\"type\":\"summary\"" in l][-1]
print(s["files_scanned"], s["bytes_scanned"], s["findings"])' "$SCRATCH/leakgate.jsonl")
RG_FILES=$("$RG" --files --hidden --no-messages "$TREE" | wc -l)
log "leakgate scanned $SCANNED_FILES files, $SCANNED_BYTES bytes, $FINDINGS findings; rg walks $RG_FILES files"

LG_TIMES=()
RG_TIMES=()
alternate "$RUNS" leakgate LEAKGATE_CMD LG_TIMES rg RG_CMD RG_TIMES
LG_MEDIAN=$(median "${LG_TIMES[@]}")
RG_MEDIAN=$(median "${RG_TIMES[@]}")

# Peak RSS (KiB from GNU time) on one extra leakgate run.
rc=0
/usr/bin/time -f %M -o "$SCRATCH/rss" "${LEAKGATE_CMD[@]}" >/dev/null || rc=$?
[[ $rc -le 1 ]] || die "leakgate exited $rc under /usr/bin/time"
RSS_KIB=$(tail -n 1 "$SCRATCH/rss")

# ---------------------------------------------------------------------------------------------
# 5. Start-up: scanning an empty directory.

EMPTY=$SCRATCH/empty
mkdir "$EMPTY"
timed ignored /dev/null "$LEAKGATE" scan "$EMPTY" # warm-up
SU_TIMES=()
for ((i = 1; i <= STARTUP_RUNS; i++)); do
    timed t /dev/null "$LEAKGATE" scan "$EMPTY"
    SU_TIMES+=("$t")
done
SU_MEDIAN=$(median "${SU_TIMES[@]}")

# ---------------------------------------------------------------------------------------------
# 6. Report.

log "timed commands:"
show_cmd "${LEAKGATE_CMD[@]}"
show_cmd "${RG_CMD[@]}"
show_cmd "$LEAKGATE" scan "$EMPTY"

awk -v files="$TREE_FILES" -v mb="$TREE_MB" -v scanned="$SCANNED_BYTES" \
    -v lg="$LG_MEDIAN" -v rg="$RG_MEDIAN" -v rss="$RSS_KIB" -v nkw="${#KEYWORDS[@]}" \
    -v su="$SU_MEDIAN" 'BEGIN {
    printf "tree: %d files, %s MB\n", files, mb
    printf "leakgate: %.2f s median (%.0f MB/s), peak RSS %.0f MB\n", lg, scanned / 1e6 / lg, rss * 1024 / 1e6
    printf "ripgrep (%d keywords, -i): %.2f s median\n", nkw, rg
    printf "ratio leakgate/ripgrep: %.2fx\n", lg / rg
    printf "start-up (empty dir): %.1f ms median\n", su * 1000
}'
