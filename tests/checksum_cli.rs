//! Checksums through the built binary: a token of a checksummed format (GitHub's `ghp_…`, npm's
//! `npm_…`) is reported only when its checksum verifies, and then by no other rule either;
//! `rules check` names an example whose checksum fails; `rules list` shows each rule's scheme.

mod common;

use common::*;

/// `token` with its last character changed: the same shape, a checksum that no longer verifies.
fn broken(token: &str) -> String {
    let mut bytes = token.as_bytes().to_vec();
    let last = bytes.len() - 1;
    bytes[last] = if bytes[last] == b'q' { b'r' } else { b'q' };
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn a_token_is_reported_only_when_its_checksum_verifies() {
    let pat = fake("ghp_", 9101, 36, ALNUM);
    let npm = fake("npm_", 9102, 36, ALNUM);
    let tree = Tree::new();
    tree.write("real.env", format!("GITHUB_TOKEN={pat}\nNPM_TOKEN={npm}\n"));
    let run = run_json(tree.leakgate().args(["scan", "real.env"]));
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    let rules: Vec<&str> = run
        .findings()
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(rules, ["github-pat", "npm-access-token"]);

    // The same shapes with a checksum that fails: not GitHub's or npm's tokens, and no other
    // rule (the generic secret-named-key rule would take `GITHUB_TOKEN=…`) reports them.
    let fakes = Tree::new();
    fakes.write(
        "fixtures.env",
        format!(
            "GITHUB_TOKEN={}\nNPM_TOKEN={}\nexport GH_TOKEN=\"{}\"\n",
            broken(&pat),
            broken(&npm),
            broken(&fake("gho_", 9103, 36, ALNUM))
        ),
    );
    let run = run_json(fakes.leakgate().args(["scan", "fixtures.env"]));
    assert_eq!(run.status, Some(0), "{:?}", run.findings());
    assert!(run.findings().is_empty());
}

#[test]
fn rules_check_names_an_example_whose_checksum_fails() {
    let good = fake("ghp_", 9111, 36, ALNUM);
    let bad = broken(&good);
    let tree = Tree::new();
    tree.write(
        ".leakgate.toml",
        format!(
            "[[rules.custom]]\nid = \"mirror-pat\"\ndescription = \"GitHub PAT on our mirror\"\nkeywords = [\"ghp_\"]\nregex = '''\\b(?P<secret>ghp_[A-Za-z0-9]{{36}})\\b'''\nchecksum = \"github-crc32\"\nexamples = [\"MIRROR_TOKEN={good}\", \"MIRROR_TOKEN={bad}\"]\n"
        ),
    );
    let output = tree
        .leakgate()
        .args(["rules", "check"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains(
            "example 2 does not match: it has the rule's shape but its checksum does not verify"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains(&bad[4..]) && !stdout.contains(&bad[4..]),
        "the example is not echoed"
    );

    // With only the good example the rule loads, and `rules check` passes.
    tree.write(
        ".leakgate.toml",
        format!(
            "[[rules.custom]]\nid = \"mirror-pat\"\ndescription = \"GitHub PAT on our mirror\"\nkeywords = [\"ghp_\"]\nregex = '''\\b(?P<secret>ghp_[A-Za-z0-9]{{36}})\\b'''\nchecksum = \"github-crc32\"\nexamples = [\"MIRROR_TOKEN={good}\"]\nnegative_examples = [\"MIRROR_TOKEN={bad}\"]\n"
        ),
    );
    tree.leakgate().args(["rules", "check"]).assert().code(0);
}

#[test]
fn an_unknown_checksum_is_a_rule_error() {
    let tree = Tree::new();
    tree.write(
        ".leakgate.toml",
        "[[rules.custom]]\nid = \"mine\"\ndescription = \"d\"\nkeywords = [\"zz_\"]\nregex = '''zz_[0-9]{8}'''\nchecksum = \"luhn-ish\"\nexamples = [\"zz_12345678\"]\n",
    );
    let output = tree.leakgate().args(["scan", "."]).output().expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("github-crc32"),
        "lists the known schemes: {stderr}"
    );
}

#[test]
fn rules_list_shows_each_rules_checksum() {
    let output = Tree::new()
        .leakgate()
        .args(["rules", "list", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let rules = json_lines(&output.stdout);
    let checksum = |id: &str| {
        rules
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["checksum"].clone())
            .unwrap_or_else(|| panic!("{id} listed"))
    };
    for id in [
        "github-pat",
        "github-oauth-token",
        "github-app-user-token",
        "github-app-installation-token",
        "npm-access-token",
    ] {
        assert_eq!(checksum(id), "github-crc32", "{id}");
    }
    assert!(checksum("github-fine-grained-pat").is_null());
}
