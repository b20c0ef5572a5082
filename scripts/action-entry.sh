#!/usr/bin/env bash
# The GitHub Action's entry point (action.yml): map the inputs and the event to `leakgate check`
# flags, make sure the commits are there, and run `leakgate check` once: it writes the
# annotations and the SARIF file from the same run, checks repository hygiene too, and its exit
# status is the step's. What is checked and how is decided by leakgate, not here.
# Tested locally by tests/action_cli.rs with a real repository and event payload.
#
# The payload is data from outside: a commit id in it must be 40 (SHA-1) or 64 (SHA-256) hex
# digits before git sees it, and every revision or ref goes after `--end-of-options` (or `--`
# for fetch's refspecs), so that a value starting with `-` (`--upload-pack=…`) can never be
# taken as an option. A rejected value is never echoed: it could carry a workflow command.
set -euo pipefail

mode="${INPUT_MODE:-auto}"
event="${GITHUB_EVENT_NAME:-}"
payload="${GITHUB_EVENT_PATH:-}"
sarif="${INPUT_SARIF_FILE-leakgate.sarif}"
cd "${GITHUB_WORKSPACE:-.}"
# The binary the Action built for its own version (action.yml); `leakgate` on PATH otherwise.
leakgate="${LEAKGATE_BIN:-leakgate}"

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

# Is this a full commit id: 40 (SHA-1) or 64 (SHA-256) hex digits?
is_sha() {
  [[ "$1" =~ ^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$ ]]
}

# The all-zero id a push event gives for a branch that did not exist before.
is_zero_sha() {
  is_sha "$1" && [[ "$1" =~ ^0+$ ]]
}

# Stop on a payload field that is not a commit id, naming the field, never its value.
require_sha() {
  local name="$1" value="$2"
  if ! is_sha "$value"; then
    echo "::error title=leakgate::the event's $name is not a commit id (40 or 64 hex digits); refusing to pass it to git"
    exit 2
  fi
}

# Make sure a commit is present, deepening a shallow checkout if needed; say what was done.
ensure_commit() {
  local sha="$1"
  git cat-file -e --end-of-options "$sha^{commit}" 2>/dev/null && return 0
  echo "leakgate: commit $sha is not in this checkout; fetching it"
  git fetch --no-tags --quiet origin -- "$sha" 2>/dev/null || git fetch --no-tags --quiet --deepen=200 origin 2>/dev/null || true
  if ! git cat-file -e --end-of-options "$sha^{commit}" 2>/dev/null && [ -f "$(git rev-parse --git-dir)/shallow" ]; then
    echo "leakgate: still missing; unshallowing the checkout"
    git fetch --no-tags --quiet --unshallow origin 2>/dev/null || true
  fi
  git cat-file -e --end-of-options "$sha^{commit}" 2>/dev/null
}

# leakgate scans from the merge base of base and head: in a shallow checkout, deepen until the
# two histories meet (then unshallow as a last resort); say what was done.
ensure_merge_base() {
  local base="$1" head="$2" depth
  for depth in 50 500; do
    git merge-base --end-of-options "$base" "$head" >/dev/null 2>&1 && return 0
    echo "leakgate: $base and $head have no common history in this checkout yet; deepening it by $depth commits"
    git fetch --no-tags --quiet --deepen="$depth" origin -- "$head" 2>/dev/null || true
    git fetch --no-tags --quiet --deepen="$depth" origin -- "$base" 2>/dev/null || true
  done
  git merge-base --end-of-options "$base" "$head" >/dev/null 2>&1 && return 0
  if [ -f "$(git rev-parse --git-dir)/shallow" ]; then
    echo "leakgate: still no merge base; unshallowing the checkout"
    git fetch --no-tags --quiet --unshallow origin 2>/dev/null || true
  fi
  git merge-base --end-of-options "$base" "$head" >/dev/null 2>&1
}

check_args=()
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
      [ -z "$head" ] || require_sha after "$head"
      head="${head:-HEAD}"
      if [ -z "$base" ] || is_zero_sha "$base"; then
        # A new branch: everything it has that the default branch does not.
        default="$(field repository.default_branch)"
        if [ -n "$default" ] && ! git check-ref-format --branch "$default" >/dev/null 2>&1; then
          echo "::error title=leakgate::the event's repository.default_branch is not a valid branch name; refusing to pass it to git"
          exit 2
        fi
        echo "leakgate: new branch; scanning what it adds over ${default:-the default branch}"
        [ -z "$default" ] || git fetch --no-tags --quiet origin -- "$default" 2>/dev/null || true
        base="$( { [ -n "$default" ] && git rev-parse --verify --quiet --end-of-options "origin/$default"; } \
          || git rev-list --max-parents=0 --end-of-options "$head" | tail -n 1)"
      else
        require_sha before "$base"
      fi
    else
      base="$(field pull_request.base.sha)"; head="$(field pull_request.head.sha)"
      require_sha pull_request.base.sha "$base"
      [ -z "$head" ] || require_sha pull_request.head.sha "$head"
      head="${head:-HEAD}"
    fi
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
    check_args=(--range "$base..$head")
    ;;
  history) check_args=(--history) ;;
  tree) check_args=(--all) ;;
  *) echo "::error title=leakgate::unknown mode '$mode' (auto, range, history, tree)"; exit 2 ;;
esac

[ -n "${INPUT_CONFIG:-}" ] && check_args+=(--config "$INPUT_CONFIG")
read -r -a extra <<< "${INPUT_ARGS:-}"
[ "${INPUT_FAIL_ON_FINDINGS:-true}" = true ] || check_args+=(--exit-zero)
outputs=()
[ -z "$sarif" ] || outputs=(--sarif "$sarif")

echo "leakgate: leakgate check ${check_args[*]} ${extra[*]:-}"
status=0
"$leakgate" check "${check_args[@]}" "${extra[@]}" --format github "${outputs[@]}" || status=$?
if [ -n "$sarif" ] && [ "$status" -ne 2 ] && [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "sarif-file=$sarif" >> "$GITHUB_OUTPUT"
fi
exit "$status"
