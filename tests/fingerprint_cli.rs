//! Fingerprints: printed in CI logs, SARIF and committed baselines, so one must not confirm a
//! guessed password with a single hash; yet it must stay the same in every clone (baselines,
//! code-scanning alerts), including shallow CI clones.

mod common;

use common::*;
use sha2::{Digest, Sha256};

/// A password people really choose, assembled so this file holds no secret-looking literal.
fn human_password() -> String {
    format!("{}{}{}", "Summer", 2000 + 24, "!x")
}

/// The scheme leakgate used before: 16 hex of SHA-256(rule, NUL, secret). One line of Python
/// turns a fingerprint of this kind and a password list into the password.
fn unsalted(rule: &str, secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(rule.as_bytes());
    hasher.update([0]);
    hasher.update(secret.as_bytes());
    hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// (rule, fingerprint) of each finding of a JSON scan.
fn fingerprints(messages: &[serde_json::Value]) -> Vec<(String, String)> {
    findings(messages)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["fingerprint"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn repo_with_password(secret: &str, first_file: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write(first_file, "first\n");
    repo.commit_all("root");
    repo.write("settings.env", format!("DB_PASSWORD={secret}\n"));
    repo.commit_all("settings");
    repo
}

#[test]
fn a_fingerprint_is_not_an_unsalted_hash_of_the_secret() {
    let secret = human_password();
    let repo = repo_with_password(&secret, "README.md");
    let (code, messages) = repo.scan_json(&["scan", "."]);
    assert_eq!(code, Some(1));
    let found = fingerprints(&messages);
    assert_eq!(found.len(), 1, "{messages:?}");
    let (rule, fingerprint) = &found[0];
    assert_eq!(fingerprint.len(), 16);
    assert!(fingerprint.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(
        fingerprint,
        &unsalted(rule, &secret),
        "a guessed password is confirmed with one SHA-256"
    );

    // The same secret outside git (default salt) is not the unsalted hash either, and the
    // human and SARIF reports carry the same fingerprint as JSON.
    let tree = Tree::new();
    tree.write("settings.env", format!("DB_PASSWORD={secret}\n"));
    let outside = fingerprints(&run_json(tree.leakgate().args(["scan", "."])).messages);
    assert_ne!(outside[0].1, unsalted(rule, &secret));
    let sarif = tree
        .leakgate()
        .args(["scan", ".", "--format", "sarif"])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&sarif.stdout).contains(&outside[0].1));
}

#[test]
fn fingerprints_are_salted_per_repository_and_equal_in_every_full_clone() {
    let secret = human_password();
    let first = repo_with_password(&secret, "README.md");
    let other = repo_with_password(&secret, "NOTES.md");

    let clones = Tree::new();
    let clone_dir = clones.child("clone");
    first.git(&["clone", "-q", ".", clone_dir.to_str().expect("utf-8 path")]);
    let in_clone = run_json(
        leakgate()
            .current_dir(&clone_dir)
            .env("HOME", clones.path())
            .args(["scan", "."]),
    );

    let in_first = fingerprints(&first.scan_json(&["scan", "."]).1);
    let in_clone = fingerprints(&in_clone.messages);
    let in_other = fingerprints(&other.scan_json(&["scan", "."]).1);
    assert_eq!(in_first.len(), 1);
    assert_eq!(in_first, in_clone, "stable across clones");
    assert_ne!(
        in_first, in_other,
        "another repository salts differently: one precomputed table does not serve both"
    );
}

#[test]
fn a_baseline_records_its_salt_and_holds_in_a_shallow_clone() {
    let secret = human_password();
    let repo = repo_with_password(&secret, "README.md");
    repo.write("later.txt", "more history\n");
    repo.commit_all("later");
    repo.leakgate().args(["baseline"]).assert().code(0);
    let text =
        std::fs::read_to_string(repo.path().join(".leakgate-baseline.json")).expect("baseline");
    let baseline: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(baseline["version"], 2, "{text}");
    let salt = baseline["salt"].as_str().expect("the salt is recorded");
    assert!(salt.len() >= 16, "{text}");
    assert!(!text.contains(&secret));
    let recorded = baseline["entries"][0]["fingerprint"]
        .as_str()
        .expect("an entry")
        .to_owned();
    repo.commit_all("baseline");

    // A shallow clone (what CI checks out) cannot see the root commit: the baseline's salt
    // keeps its fingerprints equal to everyone else's.
    let clones = Tree::new();
    let shallow = clones.child("shallow");
    let url = format!("file://{}", repo.path().display());
    repo.git(&[
        "clone",
        "-q",
        "--depth",
        "1",
        &url,
        shallow.to_str().expect("utf-8 path"),
    ]);
    let run = |args: &[&str]| {
        run_json(
            leakgate()
                .current_dir(&shallow)
                .env("HOME", clones.path())
                .args(args),
        )
    };
    let accepted = run(&["scan", ".", "--baseline", ".leakgate-baseline.json"]);
    assert_eq!(accepted.status, Some(0), "{}", accepted.stdout);
    // Without --baseline, the repository's baseline file still supplies the salt.
    let plain = run(&["scan", "."]);
    assert_eq!(
        fingerprints(&plain.messages)[0].1,
        recorded,
        "the shallow clone shows the baseline's fingerprint"
    );
    let (_, messages) = repo.scan_json(&["scan", "."]);
    assert_eq!(fingerprints(&messages)[0].1, recorded);

    // Regenerating keeps the salt, so an unchanged tree gives an unchanged file.
    repo.leakgate().args(["baseline"]).assert().code(0);
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".leakgate-baseline.json")).expect("again"),
        text
    );
}

#[test]
fn an_old_unsalted_baseline_is_rejected_with_the_command_that_regenerates_it() {
    let secret = human_password();
    let repo = repo_with_password(&secret, "README.md");
    let (_, messages) = repo.scan_json(&["scan", "."]);
    let rule = fingerprints(&messages)[0].0.clone();
    // What leakgate wrote before: version 1, unsalted fingerprints. Accepting it would keep
    // those guessable fingerprints in the repository.
    repo.write(
        "old-baseline.json",
        format!(
            "{{\n  \"version\": 1,\n  \"entries\": [\n    {{\"path\":\"settings.env\",\"rule\":\"{rule}\",\"fingerprint\":\"{}\"}}\n  ]\n}}\n",
            unsalted(&rule, &secret)
        ),
    );
    let output = repo
        .leakgate()
        .args(["scan", ".", "--baseline", "old-baseline.json"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("version 1"), "{stderr}");
    assert!(
        stderr.contains("leakgate baseline --file old-baseline.json"),
        "names the command that regenerates it: {stderr}"
    );

    // And that command works, replacing the old file with a salted one.
    repo.leakgate()
        .args(["baseline", "--file", "old-baseline.json"])
        .assert()
        .code(0);
    repo.leakgate()
        .args(["scan", ".", "--baseline", "old-baseline.json"])
        .assert()
        .code(0);
}

#[test]
fn one_secret_in_many_history_blobs_and_many_distinct_passwords_scan_quickly() {
    // 300 distinct guessable passwords in one file (each needs the slow derivation), and
    // 60 commits that each keep the same password file (one derivation per secret, not per
    // blob). A per-finding cost of more than a few milliseconds, or no memoisation, would blow
    // the bound below even on a busy machine.
    let repo = TestRepo::new();
    let lines: String = (0..300)
        .map(|n| format!("DB_PASSWORD_{n}={}\n", password(4000 + n)))
        .collect();
    repo.write("many.env", &lines);
    repo.commit_all("many");
    for n in 0..60 {
        repo.write("churn.txt", format!("{n}\n"));
        repo.write("many.env", format!("{lines}# revision {n}\n"));
        repo.commit_all("churn");
    }
    let started = std::time::Instant::now();
    let (code, messages) = repo.scan_json(&["scan", "--history"]);
    let elapsed = started.elapsed();
    assert_eq!(code, Some(1));
    let in_tree = findings(&repo.scan_json(&["scan", "."]).1).len();
    assert!(in_tree > 250, "{in_tree}");
    assert_eq!(findings(&messages).len(), in_tree, "each secret once");
    assert!(
        elapsed < std::time::Duration::from_secs(30),
        "history scan took {elapsed:?}"
    );
}
