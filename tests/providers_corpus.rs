//! The providers corpus (`testdata/providers/<family>/`): small realistic files holding fake
//! credentials in each provider's documented format, beside near misses (a wrong length or
//! alphabet, a bad checksum, the provider's documented example key, placeholders, variable
//! references). Each family's `expected.txt` lists `<path>:<line> <rule-id>` for every finding
//! the scan must give; it must give exactly those. Every built-in token rule appears in some
//! family, so no rule ships without a realistic example it is seen to find.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let source = entry.path();
        let target = to.join(entry.file_name());
        if source.is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&source, &target);
        } else {
            std::fs::copy(&source, &target).expect("copy");
        }
    }
}

fn families() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/providers");
    let mut dirs: Vec<_> = std::fs::read_dir(root)
        .expect("testdata/providers")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// `family/path:line rule` for every label of every family.
fn labels() -> BTreeSet<String> {
    let mut labels = BTreeSet::new();
    for dir in families() {
        let family = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let text = std::fs::read_to_string(dir.join("expected.txt")).expect("expected.txt");
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if !line.is_empty() {
                labels.insert(format!("{family}/{line}"));
            }
        }
    }
    labels
}

#[test]
fn every_family_gives_exactly_its_labels() {
    let expected = labels();
    assert!(families().len() >= 5, "{:?}", families());
    let tree = common::Tree::new();
    for dir in families() {
        let target = tree.path().join(dir.file_name().expect("name"));
        std::fs::create_dir_all(&target).expect("mkdir");
        copy_tree(&dir, &target);
        std::fs::remove_file(target.join("expected.txt")).expect("labels copied");
    }
    let run = common::run_json(tree.leakgate().args(["scan", ".", "--no-ignore"]));
    assert_eq!(run.status, Some(1), "{:?}", run.stderr);
    let found: BTreeSet<String> = (run.findings().iter())
        .map(|f| {
            format!(
                "{}:{} {}",
                f["path"]
                    .as_str()
                    .unwrap_or_default()
                    .trim_start_matches("./"),
                f["line"],
                f["rule"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let missed: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "{} labelled, {} found\nmissed:\n{}\nnot labelled:\n{}",
        expected.len(),
        found.len(),
        missed
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        extra
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_token_rule_has_a_labelled_example_and_a_revoke_url() {
    let labelled: BTreeSet<String> = labels()
        .iter()
        .filter_map(|l| l.rsplit(' ').next().map(str::to_owned))
        .collect();
    // In an empty directory: the built-in rules, no configuration.
    let empty = common::Tree::new();
    let listed = common::run_json(empty.leakgate().args(["rules", "list"]));
    let mut uncovered = Vec::new();
    let mut no_revoke = Vec::new();
    for rule in listed.messages.iter().filter(|r| r["kind"] == "token") {
        let id = rule["id"].as_str().unwrap_or_default().to_owned();
        // Material no provider issues (a private key, a JWT, a database password) is rotated
        // where it is used: there is no page to link to.
        let providerless = [
            "private-key",
            "jwt",
            "database-url-password",
            "database-url-query-password",
        ];
        if rule["revoke"].as_str().is_none() && !providerless.contains(&id.as_str()) {
            no_revoke.push(id.clone());
        }
        if !labelled.contains(&id) {
            uncovered.push(id);
        }
    }
    assert!(
        uncovered.is_empty(),
        "token rules no family labels: {uncovered:?}"
    );
    assert!(
        no_revoke.is_empty(),
        "token rules without `revoke`: {no_revoke:?}"
    );
}
