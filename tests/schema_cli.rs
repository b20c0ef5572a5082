//! The JSON Lines schema is a contract: every key leakgate writes, in every kind of message, is
//! documented in the README's "JSON Lines schema" section. Real runs produce every message kind
//! (findings from files, commits and journals, suppressions, skips, errors, invalid JSON,
//! integrity and hygiene problems, warnings, summaries); each key path they write must be named
//! there, so a new field cannot ship undocumented.

mod common;

use std::collections::BTreeSet;

use common::*;

/// Every key path (`provenance.commit.author`) in `value`, and each key's own name.
fn key_paths(value: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    if let serde_json::Value::Object(map) = value {
        for (key, child) in map {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            // `skipped` counts are keyed by reason, documented as the reasons.
            if prefix == "skipped" {
                continue;
            }
            out.insert(path.clone());
            key_paths(child, &path, out);
        }
    }
}

fn readme_schema() -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let start = readme.find("## JSON Lines schema").expect("schema section");
    let end = readme[start..]
        .find("\n## ")
        .map_or(readme.len(), |at| start + at);
    readme[start..end].to_owned()
}

#[test]
fn every_key_written_in_json_lines_is_documented() {
    let repo = TestRepo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("base");
    // A range adds a token, a suppressed token and a JSON file with a secret at a pointer.
    repo.write(
        "app.py",
        format!(
            "TOKEN = \"{}\"\nOTHER = \"{}\"  # leakgate:allow\n",
            fake("ghp_", 8101, 36, ALNUM),
            fake("ghp_", 8102, 36, ALNUM)
        ),
    );
    repo.write(
        "conf.json",
        format!("{{\"db\": {{\"password\": \"{}\"}}}}\n", password(8103)),
    );
    repo.write("broken.json", "{\"a\": \n");
    // A paired credential: its finding carries `related`.
    repo.write(
        "pair.py",
        format!(
            "creds = (\"{}\",\n         \"{}\")\n",
            fake("AKIA", 8106, 16, UPPER32),
            random(8107, 40, BASE64)
        ),
    );
    // A secret found decoded (`decoded`).
    repo.write(
        "deploy.sh",
        format!(
            "curl -H 'Authorization: Basic {}' https://ci.internal\n",
            base64(&format!("deploy:{}", password(8108)))
        ),
    );
    // A secret in a test fixture (`test_fixture`).
    repo.write(
        "tests/settings.env",
        format!("API_TOKEN={}\n", password(8109)),
    );
    repo.write("logo.png", [0x89u8, b'P', b'N', b'G', 0, 0, 0]);
    repo.write(".env", format!("API_KEY={}\n", password(8104)));
    repo.commit_all("change");
    // Run data with an integrity problem.
    let run = ".a5c/runs/01JAAAAAAAAAAAAAAAAAAAAAAA";
    repo.write(&format!("{run}/run.json"), "{\"processId\": \"demo\"}\n");
    repo.write(
        &format!("{run}/journal/000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json"),
        sdk_event(
            "RUN_CREATED",
            0,
            serde_json::json!({"prompt": format!("use {}", fake("ghp_", 8105, 36, ALNUM))}),
        ),
    );
    repo.write(
        &format!("{run}/journal/000003.01JDDDDDDDDDDDDDDDDDDDDDD3.json"),
        sdk_event("RUN_COMPLETED", 2, serde_json::json!({})),
    );

    let runs: Vec<Vec<&str>> = vec![
        vec!["scan", ".", "missing-path"],
        vec!["scan", "--range", "HEAD~1..HEAD"],
        vec!["scan", "--range", "HEAD~1..HEAD", "--max-file-size", "40"],
        vec!["scan", "--staged"],
        vec!["scan", "--history"],
        vec!["journal", ".a5c", "--verify"],
        vec!["gitignore"],
        vec!["check", "--all"],
        vec!["rules", "list"],
        vec!["baseline", ".", "--file", "team-baseline.json"],
        vec!["install-hook"],
    ];
    let mut written = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    for args in runs {
        let run = run_json(repo.tree.leakgate().args(&args).env_remove("CI"));
        for message in run.messages {
            let kind = message["type"].as_str().unwrap_or_default().to_owned();
            let mut keys = BTreeSet::new();
            key_paths(&message, "", &mut keys);
            written.extend(keys.into_iter().map(|k| (kind.clone(), k)));
            kinds.insert(kind);
        }
    }
    for kind in [
        "finding",
        "suppressed",
        "skipped",
        "error",
        "invalid_json",
        "integrity",
        "hygiene",
        "warning",
        "summary",
        "rule",
        "notice",
    ] {
        assert!(
            kinds.contains(kind),
            "no `{kind}` message was produced: {kinds:?}"
        );
    }

    let schema = readme_schema();
    let undocumented: Vec<String> = written
        .iter()
        .filter(|(kind, key)| {
            // Named in backticks: `<type>.key.path`, or any tail of the path (`commit.author`,
            // `author`).
            let tails = key
                .match_indices('.')
                .map(|(at, _)| &key[at + 1..])
                .chain([key.as_str()]);
            let mut names = tails.map(|tail| format!("`{tail}`"));
            !names.any(|shown| schema.contains(&shown))
                && !schema.contains(&format!("`{kind}.{key}`"))
        })
        .map(|(kind, key)| format!("{kind}: {key}"))
        .collect();
    assert!(
        undocumented.is_empty(),
        "keys written but not documented in the README's JSON Lines schema:\n{}",
        undocumented.join("\n")
    );
}

/// Every summary carries the schema's version, the one the README documents.
#[test]
fn every_summary_says_which_schema_it_follows() {
    let schema = readme_schema();
    let documented = schema
        .split("| `summary` | `schema_version` | `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .and_then(|n| n.parse::<u64>().ok())
        .expect("the README documents summary.schema_version as `N`");
    let tree = Tree::new();
    tree.write("a.env", format!("API_TOKEN={}\n", password(8110)));
    for args in [vec!["scan", "."], vec!["journal", "."]] {
        let run = run_json(tree.leakgate().args(&args));
        assert_eq!(run.summary()["schema_version"], documented, "{args:?}");
        // First, so a reader meets it before anything it might misread.
        let line = run.stdout.lines().last().unwrap_or_default().to_owned();
        assert!(
            line.starts_with("{\"type\":\"summary\",\"schema_version\":"),
            "{line}"
        );
    }
}
