"""Token parsing tests: these fixtures have the shape of GitHub tokens, not their checksum."""

FAKE_PAT = "ghp_DX7VsacF2qroxicXy9NvwNfgHPNJZjpDB4AN"
FAKE_OAUTH = "gho_DTrMmomSFkBKFt8zVLgTEWNndglK3CtLcw9x"
FAKE_NPM = "npm_0wMtnhJ76wxfY4xcwmziwnqYShCrElIkeNKS"
TOO_LONG = "ghp_ewPVWG5imuAsPEX5q6EUghIGZ3um3bodj5ySJcWJ"


def test_prefix():
    assert FAKE_PAT.startswith("ghp_")
