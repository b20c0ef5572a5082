#!/usr/bin/env bash
# The GitHub Action's build of leakgate (action.yml), tied to the action's own version so that a
# new ref of the action never runs a binary built from an older one.
#
#   action-install.sh key      the version of this action: a SHA-256 over the path and content
#                              of every file of its source; writes `key` (for actions/cache:
#                              runner OS, the ref the workflow asked for, the version) and `root`
#                              (the install directory, named after the version) to GITHUB_OUTPUT.
#   action-install.sh install  builds into that root unless a binary built from this very
#                              version is already there (restored by the cache, or left by an
#                              earlier job on a self-hosted runner); writes `binary`.
#
# hashFiles() cannot be used for this: it only sees files inside GITHUB_WORKSPACE, and the
# action's source lives outside it, so the old key never changed. Tested by tests/action_cli.rs.
set -euo pipefail

action="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"

# A step output: to GITHUB_OUTPUT on a runner, to stdout when tried by hand.
emit() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "$1" >> "$GITHUB_OUTPUT"
  else
    echo "$1"
  fi
}

version() {
  # NUL-separated, sorted by byte order: the same tree gives the same hash on every machine.
  (cd "$action" && find . \( -name .git -o -name target \) -prune -o -type f -print0 \
    | LC_ALL=C sort -z \
    | while IFS= read -r -d '' file; do
        printf '%s\0' "$file"
        sha256sum < "$file" | cut -d' ' -f1
      done) | sha256sum | cut -d' ' -f1
}

root_for() {
  echo "${RUNNER_TOOL_CACHE:-$HOME/.cache}/leakgate-action/$1"
}

case "${1:-}" in
  key)
    hash="$(version)"
    # A cache key cannot hold a comma and is at most 512 characters: keep the ref readable.
    ref="$(printf '%s' "${ACTION_REF:-local}" | tr -c 'A-Za-z0-9._-' '_' | cut -c1-100)"
    emit "key=leakgate-${RUNNER_OS:-unknown}-${ref}-${hash}"
    emit "root=$(root_for "$hash")"
    ;;
  install)
    root="$(root_for "$(version)")"
    if [ -x "$root/bin/leakgate" ]; then
      echo "leakgate: using the build of this action version in $root"
    else
      echo "leakgate: building this action version into $root"
      cargo install --locked --root "$root" --path "$action"
    fi
    emit "binary=$root/bin/leakgate"
    ;;
  *)
    echo "usage: action-install.sh key|install" >&2
    exit 2
    ;;
esac
