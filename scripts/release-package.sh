#!/usr/bin/env bash
# Packaging of a leakgate release, shared by .github/workflows/release.yml (on every platform)
# and the tests (tests/action_download.rs builds a release layout with it), so the names the
# workflow publishes are the names the Action downloads (scripts/action-install.sh).
#
#   release-package.sh archive TARGET BINARY OUTDIR
#       OUTDIR/leakgate-TARGET.tar.gz (.zip for Windows targets) holding the directory
#       leakgate-TARGET/ with the binary and the README and licence files; prints its path.
#   release-package.sh checksums DIR
#       DIR/SHA256SUMS: `HASH  NAME` for every archive and wheel in DIR, sorted by name, in the
#       format `sha256sum --check` reads.
set -euo pipefail

die() {
  echo "release-package: $*" >&2
  exit 2
}

sha256_line() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum -- "$1"
  else
    shasum -a 256 -- "$1"
  fi
}

case "${1:-}" in
  archive)
    [ $# -eq 4 ] || die "usage: release-package.sh archive TARGET BINARY OUTDIR"
    target="$2" binary="$3" out="$4"
    [[ "$target" =~ ^[a-z0-9_]+(-[a-z0-9_]+){2,3}$ ]] || die "'$target' is not a Rust target triple"
    [ -f "$binary" ] || die "no binary at $binary (build it first)"
    root="$(cd "$(dirname "$0")/.." && pwd)"
    mkdir -p "$out"
    out="$(cd "$out" && pwd)"
    stage="$(mktemp -d)"
    trap 'rm -rf "$stage"' EXIT
    dir="$stage/leakgate-$target"
    mkdir "$dir"
    exe=leakgate
    [[ "$target" != *windows* ]] || exe=leakgate.exe
    cp "$binary" "$dir/$exe"
    chmod 755 "$dir/$exe"
    # The licence files the crate declares, when the checkout has them.
    for doc in README.md LICENSE LICENSE-MIT LICENSE-APACHE; do
      [ ! -f "$root/$doc" ] || cp "$root/$doc" "$dir/"
    done
    if [[ "$target" == *windows* ]]; then
      archive="$out/leakgate-$target.zip"
      rm -f "$archive"
      if command -v 7z >/dev/null 2>&1; then
        (cd "$stage" && 7z a -tzip -bd -bso0 "$archive" "leakgate-$target" >/dev/null)
      else
        (cd "$stage" && zip -qr "$archive" "leakgate-$target")
      fi
    else
      archive="$out/leakgate-$target.tar.gz"
      tar -czf "$archive" -C "$stage" "leakgate-$target"
    fi
    echo "$archive"
    ;;
  checksums)
    [ $# -eq 2 ] || die "usage: release-package.sh checksums DIR"
    cd "$2"
    shopt -s nullglob
    files=(*.tar.gz *.zip *.whl)
    [ ${#files[@]} -gt 0 ] || die "no archives or wheels in $2"
    # A fixed order, so the file is the same whichever job finished first.
    mapfile -t files < <(printf '%s\n' "${files[@]}" | LC_ALL=C sort)
    : > SHA256SUMS.tmp
    for file in "${files[@]}"; do
      sha256_line "$file" >> SHA256SUMS.tmp
    done
    mv SHA256SUMS.tmp SHA256SUMS
    cat SHA256SUMS
    ;;
  *)
    die "usage: release-package.sh archive TARGET BINARY OUTDIR | checksums DIR"
    ;;
esac
