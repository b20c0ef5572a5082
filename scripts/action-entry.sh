#!/usr/bin/env bash
# The GitHub Action's entry point (action.yml): decide what to scan from the event, make sure
# the commits are there, run leakgate for annotations and SARIF, and exit with its status.
# Tested locally by tests/action_cli.rs with a real repository and event payload.
set -euo pipefail

mode="${INPUT_MODE:-auto}"
event="${GITHUB_EVENT_NAME:-}"
payload="${GITHUB_EVENT_PATH:-}"
sarif="${INPUT_SARIF_FILE-leakgate.sarif}"
zero="0000000000000000000000000000000000000000"
cd "${GITHUB_WORKSPACE:-.}"

# A field of the event payload (python3 is on every GitHub runner).
field() {
  if [ -z "$payload" ] || [ ! -f "$payload" ]; then
    echo ""
    return
  fi
  python3 -c 'import json,sys
data = json.load(open(sys.argv[1]))
for key in sys.argv[2].split("."):
    data = data.get(key) if isinstance(data, dict) else None
print(data or "")' "$payload" "$1"
}

# Make sure a commit is present, deepening a shallow checkout if needed; say what was done.
ensure_commit() {
  local sha="$1"
  git cat-file -e "$sha^{commit}" 2>/dev/null && return 0
  echo "leakgate: commit $sha is not in this checkout; fetching it"
  git fetch --no-tags --quiet origin "$sha" 2>/dev/null || git fetch --no-tags --quiet --deepen=200 origin 2>/dev/null || true
  if ! git cat-file -e "$sha^{commit}" 2>/dev/null && [ -f "$(git rev-parse --git-dir)/shallow" ]; then
    echo "leakgate: still missing; unshallowing the checkout"
    git fetch --no-tags --quiet --unshallow origin 2>/dev/null || true
  fi
  git cat-file -e "$sha^{commit}" 2>/dev/null
}

# leakgate scans from the merge base of base and head: in a shallow checkout, deepen until the
# two histories meet (then unshallow as a last resort); say what was done.
ensure_merge_base() {
  local base="$1" head="$2" depth
  for depth in 50 500; do
    git merge-base "$base" "$head" >/dev/null 2>&1 && return 0
    echo "leakgate: $base and $head have no common history in this checkout yet; deepening it by $depth commits"
    git fetch --no-tags --quiet --deepen="$depth" origin "$head" 2>/dev/null || true
    git fetch --no-tags --quiet --deepen="$depth" origin "$base" 2>/dev/null || true
  done
  git merge-base "$base" "$head" >/dev/null 2>&1 && return 0
  if [ -f "$(git rev-parse --git-dir)/shallow" ]; then
    echo "leakgate: still no merge base; unshallowing the checkout"
    git fetch --no-tags --quiet --unshallow origin 2>/dev/null || true
  fi
  git merge-base "$base" "$head" >/dev/null 2>&1
}

scan_args=()
if [ "$mode" = auto ]; then
  case "$event" in
    pull_request|pull_request_target) mode=range ;;
    push) mode=range ;;
    workflow_dispatch|schedule) mode=history ;;
    *) mode=tree ;;
  esac
fi

case "$mode" in
  range)
    if [ "$event" = push ]; then
      base="$(field before)"; head="$(field after)"
      if [ -z "$base" ] || [ "$base" = "$zero" ]; then
        # A new branch: everything it has that the default branch does not.
        default="$(field repository.default_branch)"
        echo "leakgate: new branch; scanning what it adds over ${default:-the default branch}"
        git fetch --no-tags --quiet origin "${default}" 2>/dev/null || true
        base="$(git rev-parse --verify --quiet "origin/${default}" || git rev-list --max-parents=0 "$head" | tail -n 1)"
      fi
    else
      base="$(field pull_request.base.sha)"; head="$(field pull_request.head.sha)"
    fi
    head="${head:-HEAD}"
    if ! ensure_commit "$base"; then
      echo "::error title=leakgate::base commit $base is not available, even after fetching; cannot scan the range"
      exit 2
    fi
    ensure_commit "$head" || true
    if ! ensure_merge_base "$base" "$head"; then
      echo "::error title=leakgate::$base and $head share no history, even after fetching; cannot find what the change adds"
      exit 2
    fi
    # leakgate scans from the merge base, so force pushes and rebased branches work too.
    scan_args=(--range "$base..$head")
    ;;
  history) scan_args=(--history) ;;
  tree) scan_args=(.) ;;
  *) echo "::error title=leakgate::unknown mode '$mode' (auto, range, history, tree)"; exit 2 ;;
esac

[ -n "${INPUT_CONFIG:-}" ] && scan_args+=(--config "$INPUT_CONFIG")
read -r -a extra <<< "${INPUT_ARGS:-}"
lenient=()
[ "${INPUT_FAIL_ON_FINDINGS:-true}" = true ] || lenient=(--exit-zero)

echo "leakgate: leakgate scan ${scan_args[*]} ${extra[*]:-}"
status=0
leakgate scan "${scan_args[@]}" "${extra[@]}" "${lenient[@]}" --format github || status=$?
if [ -n "$sarif" ] && [ "$status" -ne 2 ]; then
  leakgate scan "${scan_args[@]}" "${extra[@]}" --format sarif --output "$sarif" --exit-zero >/dev/null
  [ -n "${GITHUB_OUTPUT:-}" ] && echo "sarif-file=$sarif" >> "$GITHUB_OUTPUT"
fi
exit "$status"
