#!/usr/bin/env bash
# The GitHub Action's install of leakgate (action.yml), tied to the action's own version so that a
# new ref of the action never runs a binary from an older one.
#
#   action-install.sh key      the version of this action: a SHA-256 over the path and content
#                              of every file of its source; writes `key` (for actions/cache:
#                              runner OS, the ref the workflow asked for, the version) and `root`
#                              (the install directory, named after the version) to GITHUB_OUTPUT.
#   action-install.sh install  installs into that root unless a binary of this very version is
#                              already there (restored by the cache, or left by an earlier job on
#                              a self-hosted runner); writes `binary`.
#
# Install: the prebuilt archive of the action's own ref for the runner's platform, from the
# action repository's GitHub release (the layout .github/workflows/release.yml publishes, named
# by scripts/release-package.sh), verified against the release's SHA256SUMS before anything in it
# is unpacked. A checksum that does not match, a SHA256SUMS without the archive's line, or a
# download that fails for any reason other than "no such asset" stops the step: a binary that
# cannot be verified never runs. Only when the release has no asset for this ref and platform (a
# branch or commit ref, a platform without a prebuilt binary, the action used from a local
# checkout) does it build from the action's source with `cargo install --locked`, saying so.
#
# hashFiles() cannot be used for the key: it only sees files inside GITHUB_WORKSPACE, and the
# action's source lives outside it, so the old key never changed. Tested by tests/action_cli.rs
# (key, fallback build) and tests/action_download.rs (download, verification, fallback).
set -euo pipefail

action="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
# The download's scratch directory, removed however the script ends.
work=""
trap '[ -z "$work" ] || rm -rf "$work"' EXIT

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

# The Rust target of the runner's platform, as the release names its archives; empty when the
# release has none for it.
runner_target() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) echo "" ;;
  esac
}

# The repository and ref this action was checked out from. The runner checks an action out to
# `_actions/OWNER/REPO/REF`, which is right even for an action used by another composite action
# (where `github.action_ref` names the outer one); ACTION_REPOSITORY and ACTION_REF (from
# action.yml) serve otherwise. A local `uses: ./` has neither: there is no release to use.
action_origin() {
  local path="${action//\\//}" rest owner repo ref
  if [[ "$path" == */_actions/* ]]; then
    rest="${path##*/_actions/}"
    IFS=/ read -r owner repo ref _ <<< "$rest"
    if [ -n "$owner" ] && [ -n "$repo" ] && [ -n "$ref" ]; then
      echo "$owner/$repo $ref"
      return
    fi
  fi
  echo "${ACTION_REPOSITORY:-} ${ACTION_REF:-}"
}

# SHA-256 of a file: sha256sum (Linux, Git Bash on Windows) or shasum (macOS).
sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum -- "$1" | cut -d' ' -f1
  else
    shasum -a 256 -- "$1" | cut -d' ' -f1
  fi
}

# Download $1 to $2. Prints the HTTP status; curl's own failure (no connection, a timeout) is
# `000`. Transient errors are retried; a 404 is an answer, not retried.
download() {
  curl --silent --show-error --location --retry 3 --connect-timeout 20 --max-time 600 \
    --proto '=https,http' --proto-redir '=https' --output "$2" --write-out '%{http_code}' -- "$1" 2>"$2.err" || true
}

# Install the release's archive for this ref and platform into $1. Returns 3 when the release
# has no such asset (the caller builds instead); exits on every other failure.
install_prebuilt() {
  local root="$1" repo ref target archive base status expected actual binary
  read -r repo ref <<< "$(action_origin)"
  target="$(runner_target)"
  if [ -z "$repo" ] || [ -z "$ref" ]; then
    echo "leakgate: no release to download (the action's repository and ref are unknown, as for a local \`uses: ./\`)"
    return 3
  fi
  if [ -z "$target" ]; then
    echo "leakgate: no prebuilt binary for ${RUNNER_OS:-this OS} on ${RUNNER_ARCH:-this architecture}"
    return 3
  fi
  if [[ ! "$repo" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || [[ ! "$ref" =~ ^[A-Za-z0-9_.+-]+$ ]]; then
    echo "leakgate: the action's repository or ref is not a plain name; not downloading"
    return 3
  fi
  case "$target" in
    *windows*) archive="leakgate-$target.zip" ;;
    *) archive="leakgate-$target.tar.gz" ;;
  esac
  base="${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download/$ref"
  # Beside the root, so that moving the install into place is a rename on one file system.
  mkdir -p "$(dirname "$root")"
  work="$(mktemp -d "$(dirname "$root")/.download.XXXXXX")"

  status="$(download "$base/$archive" "$work/$archive")"
  case "$status" in
    200) ;;
    404)
      echo "leakgate: release $ref of $repo has no $archive"
      return 3
      ;;
    *)
      echo "::error title=leakgate::downloading $base/$archive failed (HTTP $status): $(head -c 300 "$work/$archive.err" 2>/dev/null | tr -s '\r\n' '  ')"
      exit 2
      ;;
  esac
  status="$(download "$base/SHA256SUMS" "$work/SHA256SUMS")"
  if [ "$status" != 200 ]; then
    echo "::error title=leakgate::release $ref has $archive but its SHA256SUMS could not be downloaded (HTTP $status); refusing to run an unverified binary"
    exit 2
  fi
  # The line naming exactly this archive (`HASH  NAME`, or `HASH *NAME` in binary mode).
  expected="$(awk -v name="$archive" '($2 == name || $2 == "*" name) && $1 ~ /^[0-9a-fA-F]+$/ && length($1) == 64 { print tolower($1); exit }' "$work/SHA256SUMS")"
  if [ -z "$expected" ]; then
    echo "::error title=leakgate::release $ref's SHA256SUMS has no checksum for $archive; refusing to run an unverified binary"
    exit 2
  fi
  actual="$(sha256_of "$work/$archive")"
  if [ "$actual" != "$expected" ]; then
    echo "::error title=leakgate::checksum mismatch for $archive of release $ref: SHA256SUMS says $expected, the download is $actual; refusing to run it"
    exit 2
  fi
  echo "leakgate: $archive of release $ref verified (SHA-256 $actual)"

  mkdir -p "$work/unpacked"
  case "$archive" in
    *.zip) unzip -q "$work/$archive" -d "$work/unpacked" ;;
    *) tar -xzf "$work/$archive" -C "$work/unpacked" ;;
  esac
  binary="$work/unpacked/leakgate-$target/leakgate"
  [[ "$target" != *windows* ]] || binary="$binary.exe"
  if [ ! -f "$binary" ]; then
    echo "::error title=leakgate::$archive does not hold leakgate-$target/$(basename "$binary")"
    exit 2
  fi
  # Into place whole: a half-written root is never taken for an install.
  mkdir -p "$work/root/bin"
  cp "$binary" "$work/root/bin/"
  chmod +x "$work/root/bin/$(basename "$binary")"
  rm -rf "$root"
  mv "$work/root" "$root"
  echo "leakgate: installed $("$root/bin/$(basename "$binary")" --version) into $root"
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
    exe=leakgate
    [ "$(runner_target)" != x86_64-pc-windows-msvc ] || exe=leakgate.exe
    if [ -x "$root/bin/$exe" ]; then
      echo "leakgate: using the install of this action version in $root"
    else
      status=0
      install_prebuilt "$root" || status=$?
      if [ "$status" -eq 3 ]; then
        echo "leakgate: no prebuilt binary to use; building this action version from source with cargo into $root (this takes a few minutes)"
        cargo install --locked --root "$root" --path "$action"
      elif [ "$status" -ne 0 ]; then
        exit "$status"
      fi
    fi
    emit "binary=$root/bin/$exe"
    ;;
  *)
    echo "usage: action-install.sh key|install" >&2
    exit 2
    ;;
esac
