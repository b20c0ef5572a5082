#!/usr/bin/env bash
# Builds the Python wheel (pyproject.toml, maturin `bindings = "bin"`) from this checkout,
# installs it into a fresh virtualenv and runs the `leakgate` it installed: `--version` must be
# the crate's, a tree holding a private key must fail the scan without printing it, a clean tree
# must pass. Run by .ci/run after `cargo test`.
#
# maturin builds with cargo in CARGO_TARGET_DIR (default: this checkout's target/), so the build
# reuses what is already compiled there: with the default WHEEL_PROFILE=dev that is the build
# `cargo test` just made, and the wheel costs a link, not a compile. The release workflow builds
# the same pyproject with `--release`. Everything this installs lives under target/ (maturin in
# target/wheel-check/tools, the wheel's own virtualenv in target/wheel-check/venv), never in the
# machine's Python.
set -euo pipefail
cd "$(dirname "$0")/.."

profile="${WHEEL_PROFILE:-dev}"
target_dir="${CARGO_TARGET_DIR:-target}"
work="$target_dir/wheel-check"
tools="$work/tools"
started=$SECONDS

[ -x "$tools/bin/maturin" ] || {
  python3 -m venv "$tools"
  "$tools/bin/python" -m pip install --quiet --disable-pip-version-check "maturin>=1.7,<2" </dev/null
}

rm -rf "$work/dist" "$work/venv"
"$tools/bin/maturin" build --profile "$profile" --out "$work/dist" </dev/null
wheels=("$work"/dist/*.whl)
if [ ${#wheels[@]} -ne 1 ] || [ ! -f "${wheels[0]}" ]; then
  echo "wheel-check: expected one wheel in $work/dist, found: ${wheels[*]}" >&2
  exit 1
fi

# A fresh virtualenv: nothing but the wheel, and nothing from an index.
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index --no-deps \
  "${wheels[0]}" </dev/null
leakgate="$work/venv/bin/leakgate"

fail() {
  echo "wheel-check: $*" >&2
  exit 1
}

# The distribution pyproject.toml names (maturin would otherwise name it after the crate).
dist_name="$(sed -n 's/^name = "\(.*\)"$/\1/p' pyproject.toml | head -n 1)"
[ -n "$dist_name" ] || fail "pyproject.toml names no [project] name"
"$work/venv/bin/python" -m pip show --quiet "$dist_name" >/dev/null 2>&1 \
  || fail "the wheel did not install a distribution named $dist_name"

crate_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
version="$("$leakgate" --version)"
[ "$version" = "leakgate $crate_version" ] || fail "the wheel's leakgate says '$version', Cargo.toml says $crate_version"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/clean" "$scratch/leaky"
echo 'print("hello")' > "$scratch/clean/app.py"
# A private key assembled here, so this script holds none.
key_body="$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(48 * 12)).decode())' | fold -w 64)"
kind="RSA PRIVATE KEY"
printf -- '-----BEGIN %s-----\n%s\n-----END %s-----\n' "$kind" "$key_body" "$kind" > "$scratch/leaky/id_rsa"

status=0
"$leakgate" scan "$scratch/clean" --color never > "$scratch/clean.out" 2>&1 || status=$?
[ "$status" -eq 0 ] || fail "scan of a clean tree exited $status: $(cat "$scratch/clean.out")"
status=0
"$leakgate" scan "$scratch/leaky" --color never > "$scratch/leaky.out" 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "scan of a tree holding a private key exited $status, not 1"
grep -q 'private' "$scratch/leaky.out" || fail "the finding does not name a private key"
first_line="$(printf '%s\n' "$key_body" | head -n 1)"
! grep -qF -- "$first_line" "$scratch/leaky.out" || fail "the scan printed the key"

echo "wheel-check: $(basename "${wheels[0]}") ($profile profile) installs $dist_name ('$version') into a fresh virtualenv; it scans (clean: 0, private key: 1) in $((SECONDS - started)) s"
