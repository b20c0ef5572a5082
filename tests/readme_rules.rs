//! The README's provider table (between `<!-- providers:start -->` and `<!-- providers:end -->`)
//! lists every built-in secret rule by file, with where each provider revokes a leaked secret.
//! It is generated from `leakgate rules list --format json`, so it cannot drift from the rules:
//! after changing rules, `LEAKGATE_BLESS=1 cargo test --test readme_rules` rewrites it.

mod common;

use std::collections::BTreeMap;

const START: &str = "<!-- providers:start -->\n";
const END: &str = "<!-- providers:end -->";

fn table() -> String {
    // In an empty directory: the built-in rules, no configuration.
    let empty = common::Tree::new();
    let listed = common::run_json(empty.leakgate().args(["rules", "list"]));
    assert_eq!(listed.status, Some(0));
    let mut by_file: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for rule in listed.messages.iter().filter(|r| r["kind"] != "policy") {
        let file = rule["file"].as_str().unwrap_or_default();
        let entry = by_file
            .entry(file.trim_end_matches(".toml").to_owned())
            .or_default();
        entry
            .0
            .push(format!("`{}`", rule["id"].as_str().unwrap_or_default()));
        if let Some(url) = rule["revoke"].as_str()
            && !entry.1.iter().any(|u| u.contains(url))
        {
            entry.1.push(format!("<{url}>"));
        }
    }
    let rules: usize = by_file.values().map(|(ids, _)| ids.len()).sum();
    let mut out = format!(
        "{rules} secret rules in {} files (`leakgate rules list` shows them with their \
         keywords).\n\n| file | rules | revoke or rotate at |\n| --- | --- | --- |\n",
        by_file.len()
    );
    for (file, (ids, urls)) in &by_file {
        let urls = if urls.is_empty() {
            "(no provider: rotate it where it is used)".to_owned()
        } else {
            urls.join(" ")
        };
        out.push_str(&format!("| {file} | {} | {urls} |\n", ids.join(", ")));
    }
    out
}

#[test]
fn the_readme_lists_every_rule_and_its_revoke_page() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).expect("README");
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README has no {START:?} … {END:?} block");
    };
    let shown = &readme[start + START.len()..end];
    let want = table();
    if shown != want && std::env::var_os("LEAKGATE_BLESS").is_some() {
        let updated = format!("{}{want}{}", &readme[..start + START.len()], &readme[end..]);
        std::fs::write(path, updated).expect("write README");
        return;
    }
    assert!(
        shown == want,
        "the README's provider table is out of date: run LEAKGATE_BLESS=1 cargo test --test readme_rules"
    );
}
