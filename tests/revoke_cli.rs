//! A rule's `revoke` URL (the provider's page for revoking or rotating a leaked secret) reaches
//! every format: human `= help`, JSON `revoke`, SARIF `helpUri` and help text, github message.

mod common;

use common::*;

const URL: &str = "https://acme.example/settings/tokens";

fn tree_with_custom_rule() -> Tree {
    let tree = Tree::new();
    tree.write(
        ".leakgate.toml",
        format!(
            "[[rules.custom]]\nid = \"acme-token\"\ndescription = \"ACME token\"\n\
             keywords = [\"acme_\"]\nregex = '''\\b(?P<secret>acme_[A-Za-z0-9]{{24}})\\b'''\n\
             examples = [\"k = {}\"]\nrevoke = \"{URL}\"\n",
            fake("acme_", 1, 24, ALNUM)
        ),
    );
    tree.write("app.env", format!("ACME={}\n", fake("acme_", 2, 24, ALNUM)));
    tree
}

#[test]
fn revoke_url_is_in_every_format() {
    let tree = tree_with_custom_rule();
    let json = run_json(tree.leakgate().args(["scan", "app.env"]));
    assert_eq!(json.status, Some(1));
    let findings = json.findings();
    assert_eq!(findings.len(), 1, "{:?}", json.messages);
    assert_eq!(findings[0]["revoke"], URL);

    let human = tree
        .leakgate()
        .args(["scan", "app.env", "--color", "never"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains(&format!("= help: revoke or rotate it: {URL}")),
        "{text}"
    );

    let github = tree
        .leakgate()
        .args(["scan", "app.env", "--format", "github"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&github.stdout);
    assert!(
        text.contains(&format!("revoke or rotate it: {URL}")),
        "{text}"
    );

    let sarif = tree
        .leakgate()
        .args(["scan", "app.env", "--format", "sarif"])
        .output()
        .expect("run");
    let document: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("sarif");
    let rule = &document["runs"][0]["tool"]["driver"]["rules"][0];
    assert_eq!(rule["helpUri"], URL);
    assert!(
        rule["help"]["text"]
            .as_str()
            .is_some_and(|t| t.contains(URL))
    );

    let listed = run_json(tree.leakgate().args(["rules", "list"]));
    let acme = (listed.messages.iter()).find(|m| m["id"] == "acme-token");
    assert_eq!(acme.map(|m| &m["revoke"]), Some(&serde_json::json!(URL)));
}

#[test]
fn a_revoke_that_is_not_an_https_url_is_a_config_error() {
    let tree = tree_with_custom_rule();
    let config = std::fs::read_to_string(tree.child(".leakgate.toml")).expect("read");
    tree.write(".leakgate.toml", config.replace(URL, "javascript:alert(1)"));
    let output = tree
        .leakgate()
        .args(["scan", "app.env"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`revoke` must be an https:// URL"),
        "{stderr}"
    );
}

/// A revoke URL comes from a configuration file: a token pasted into it is masked in reports
/// like any other credential-shaped name.
#[test]
fn a_token_in_a_custom_revoke_url_is_masked() {
    let tree = tree_with_custom_rule();
    let config = std::fs::read_to_string(tree.child(".leakgate.toml")).expect("read");
    let token = random(77, 24, ALNUM);
    let url = format!("https://acme.example/revoke?t={token}");
    tree.write(".leakgate.toml", config.replace(URL, &url));
    for format in ["json", "human", "github", "sarif"] {
        let output = tree
            .leakgate()
            .args(["scan", "app.env", "--color", "never", "--format", format])
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(1), "{format}");
        let shown = String::from_utf8_lossy(&output.stdout);
        assert!(!shown.contains(&token), "{format}: {shown}");
        assert!(shown.contains("acme.example/revoke"), "{format}: {shown}");
    }
}
