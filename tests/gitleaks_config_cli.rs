//! Migration: a `.gitleaks.toml` given with --config is translated (rules, allowlists,
//! `[extend]`), and what cannot be translated is listed precisely.

mod common;

use common::*;

#[test]
fn gitleaks_rules_and_allowlists_are_translated_and_the_rest_is_listed() {
    let tree = Tree::new();
    tree.write(
        "base-gitleaks.toml",
        "[[rules]]\nid = \"legacy-token\"\ndescription = \"Legacy token\"\nregex = '''\\b(lgt_[a-z0-9]{24})\\b'''\nkeywords = [\"lgt_\"]\n",
    );
    tree.write(
        ".gitleaks.toml",
        r#"title = "team config"

[extend]
useDefault = true
path = "base-gitleaks.toml"
disabledRules = ["generic-api-key"]

[[rules]]
id = "acme-token"
description = "ACME token"
regex = '''\b(acme_[A-Za-z0-9]{32})\b'''
entropy = 3.0
keywords = ["acme_"]
tags = ["internal"]
[[rules.allowlists]]
stopwords = ["sandbox"]

[[rules]]
id = "acme-path-only"
path = '''\.acmerc$'''

[[rules]]
id = "acme-second-group"
regex = '''(key)=(acmek_[0-9a-f]{16})'''
secretGroup = 2
keywords = ["acmek_"]

[allowlist]
description = "global"
paths = ['''fixtures/''']
regexes = ['''AKIA[0-9A-Z]{12}TEST''']
commits = ["abc123"]

[[allowlists]]
regexTarget = "line"
regexes = ['''legacy-fixture''']

[[allowlists]]
regexTarget = "match"
regexes = ['''acme_x''']
"#,
    );
    let acme = format!("acme_{}", random(160, 32, ALNUM));
    let sandbox = format!("acme_sandbox{}", random(161, 25, ALNUM));
    let legacy = format!(
        "lgt_{}",
        random(162, 24, b"abcdefghijklmnopqrstuvwxyz0123456789")
    );
    let fixture = format!(
        "lgt_{}",
        random(163, 24, b"abcdefghijklmnopqrstuvwxyz0123456789")
    );
    tree.write(
        "src/client.py",
        format!(
            "a = '{acme}'\nb = '{sandbox}'\nc = '{legacy}'\nd = '{fixture}'  # legacy-fixture\n"
        ),
    );

    let run = run_json(
        tree.leakgate()
            .args(["scan", "src", "--config", ".gitleaks.toml"]),
    );
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    let rules: Vec<(String, u64)> = run
        .findings()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        vec![
            ("gitleaks-acme-token".into(), 1),
            ("gitleaks-legacy-token".into(), 3)
        ],
        "stopword `sandbox` allowlists line 2, the line regex line 4"
    );

    let stderr = &run.stderr;
    for expected in [
        "disabledRules `generic-api-key`",
        "rule `acme-path-only`: `path` (a regex on file paths) is not translated",
        "rule `acme-path-only`: path-only rules (no `regex`) are not translated",
        "rule `acme-second-group`: secretGroup = 2",
        "allowlist 1: `paths` are regexes on paths",
        "allowlist 1: `commits` are not translated",
        "allowlist 3: regexTarget = \"match\"",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
    assert!(
        stderr.starts_with("warning: 7 parts of the gitleaks configuration are not translated:"),
        "{stderr}"
    );
}
