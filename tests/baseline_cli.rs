//! Baselines: accept today's findings, block only new ones; no secrets stored, no churn when code
//! moves or a branch is rebased.

mod common;

use common::*;

#[test]
fn a_baseline_accepts_old_findings_and_survives_moves_and_rebases() {
    let repo = TestRepo::new();
    let old_token = password(130);
    let old_key = fake("ghp_", 131, 36, ALNUM);
    repo.write(
        "app/settings.py",
        format!("DEBUG = True\nAPI_TOKEN = '{old_token}'\n"),
    );
    repo.write("deploy.sh", format!("export GITHUB_TOKEN={old_key}\n"));
    repo.commit_all("legacy secrets");

    let output = repo.leakgate().args(["baseline"]).output().expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text =
        std::fs::read_to_string(repo.path().join(".leakgate-baseline.json")).expect("baseline");
    assert!(
        !text.contains(&old_token) && !text.contains(&old_key),
        "no secret is stored"
    );
    assert!(!text.contains("\"line\""), "no line numbers");
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("fingerprint")).collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].contains("app/settings.py") && lines[1].contains("deploy.sh"),
        "sorted, one per line: {text}"
    );
    repo.commit_all("baseline");

    repo.leakgate()
        .args(["scan", "--baseline", ".leakgate-baseline.json"])
        .assert()
        .code(0);

    // Lines move (and the branch is rebased onto a main that moved on): still accepted.
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "app/settings.py",
        format!("import os\n\n# settings\nDEBUG = True\n\nAPI_TOKEN = '{old_token}'\n"),
    );
    repo.commit_all("move lines");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("README.md", "docs\n");
    repo.commit_all("unrelated");
    repo.git(&["checkout", "-q", "feature"]);
    repo.git(&["rebase", "-q", "main"]);
    repo.leakgate()
        .args(["scan", "--baseline", ".leakgate-baseline.json"])
        .assert()
        .code(0);
    let regenerated = Tree::new();
    let out = regenerated.child("again.json");
    repo.leakgate()
        .args(["baseline", "--file"])
        .arg(&out)
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(&out).expect("again"),
        text,
        "moving code does not change the baseline"
    );

    // A new secret is still reported, alone.
    repo.write("new.env", format!("DB_PASSWORD={}\n", password(132)));
    let (code, messages) = repo.scan_json(&["scan", "--baseline", ".leakgate-baseline.json"]);
    assert_eq!(code, Some(1));
    assert_eq!(locations(&messages), vec![("new.env".to_owned(), 1)]);

    // A fixed secret leaves an unused entry, listed on request.
    repo.write("deploy.sh", "export GITHUB_TOKEN=\"$TOKEN\"\n");
    let output = repo
        .leakgate()
        .args([
            "scan",
            "--baseline",
            ".leakgate-baseline.json",
            "--report-unused",
            "--color",
            "never",
        ])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("unused baseline entry: deploy.sh github-pat"),
        "{stdout}"
    );

    // A broken baseline is an error that says what to do.
    repo.write(
        "broken.json",
        "{\"version\": 1, \"entries\": [{\"path\": 3}]}",
    );
    let output = repo
        .leakgate()
        .args(["scan", "--baseline", "broken.json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("leakgate baseline"));
}
