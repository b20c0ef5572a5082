//! `leakgate check`: one command that does what fits where it runs.

mod common;

use common::*;

const FULL_GITIGNORE: &str =
    ".env\n.env.*\n!.env.example\n.a5c/\n*.pem\n*.key\ncredentials.json\n*.secrets\n";

fn ci_free(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_BASE_REF")
}

#[test]
fn pre_commit_checks_the_staged_change_and_hygiene() {
    let repo = TestRepo::new();
    repo.write(".gitignore", FULL_GITIGNORE);
    repo.commit_all("base");
    repo.write("README.md", "hello\n");
    repo.git(&["add", "README.md"]);
    let output = ci_free(&mut repo.leakgate())
        .args(["check", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("checked the staged change and gitignore coverage (pre-commit)")
    );

    repo.write("app.py", format!("TOKEN = '{}'\n", password(100)));
    repo.write("prod.env.key", fake_pem(101));
    repo.git(&["add", "-f", "app.py", "prod.env.key"]);
    let run = run_json(ci_free(&mut repo.leakgate()).arg("check"));
    assert_eq!(run.status, Some(1));
    assert_eq!(
        run.locations(),
        vec![("app.py".to_owned(), 1), ("prod.env.key".to_owned(), 1)],
        "the key is a secret too"
    );
    let hygiene: Vec<_> = run
        .of_type("hygiene")
        .iter()
        .map(|m| (m["code"].clone(), m["path"].clone()))
        .collect();
    assert_eq!(
        hygiene,
        vec![("tracked-secret-file".into(), "prod.env.key".into())]
    );
}

#[test]
fn in_ci_it_checks_the_pull_request_range() {
    let repo = TestRepo::new();
    repo.write(".gitignore", FULL_GITIGNORE);
    repo.write("old.py", format!("TOKEN = '{}'\n", password(102)));
    let base = repo.commit_all("base with an old secret");
    repo.git(&["update-ref", "refs/remotes/origin/main", &base]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("new.py", format!("API_KEY = '{}'\n", password(103)));
    repo.commit_all("feature");
    let run = run_json(
        repo.leakgate()
            .env("CI", "true")
            .env("GITHUB_BASE_REF", "main")
            .arg("check"),
    );
    assert_eq!(run.status, Some(1));
    assert_eq!(
        run.locations(),
        vec![("new.py".to_owned(), 1)],
        "only what the pull request adds"
    );
    assert_eq!(run.summary()["commits"], 1);
    // --staged wins over CI detection (a hook running in CI).
    let staged = repo
        .leakgate()
        .env("CI", "true")
        .args(["check", "--staged", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(staged.status.code(), Some(0));
}

#[test]
fn all_audits_the_tree_journals_and_hygiene() {
    let repo = TestRepo::new();
    repo.write(".gitignore", FULL_GITIGNORE);
    repo.write("config.py", format!("DB_PASSWORD = '{}'\n", password(104)));
    repo.write(
        ".a5c/runs/01JAAAAAAAAAAAAAAAAAAAAAAA/run.json",
        format!(
            "{{\"runId\": \"01JAAAAAAAAAAAAAAAAAAAAAAA\", \"prompt\": \"use {}\"}}\n",
            fake("ghp_", 105, 36, ALNUM)
        ),
    );
    repo.write(".a5c/runs/01JAAAAAAAAAAAAAAAAAAAAAAA/journal/.keep", "");
    repo.commit_all("base");
    let run = run_json(
        ci_free(&mut repo.leakgate())
            .env("HOME", repo.path())
            .args(["check", "--all"]),
    );
    assert_eq!(run.status, Some(1));
    let paths: Vec<String> = run.locations().into_iter().map(|(p, _)| p).collect();
    assert!(paths.iter().any(|p| p == "config.py"), "{paths:?}");
    assert!(
        paths.iter().any(|p| p.ends_with("run.json")),
        "ignored run data is audited: {paths:?}"
    );
    assert_eq!(run.summary()["runs"], 1);
}

#[test]
fn an_audit_scans_run_data_in_the_tree_once() {
    // `.a5c/` not ignored: the tree walk covers it; it must not be scanned a second time.
    let repo = TestRepo::new();
    repo.write(
        ".a5c/runs/01JAAAAAAAAAAAAAAAAAAAAAAA/run.json",
        format!("{{\"prompt\": \"use {}\"}}\n", fake("ghp_", 106, 36, ALNUM)),
    );
    repo.write(".a5c/runs/01JAAAAAAAAAAAAAAAAAAAAAAA/journal/.keep", "");
    let run = run_json(
        ci_free(&mut repo.leakgate())
            .env("HOME", repo.path())
            .args(["check", "--all"]),
    );
    let found = run.findings();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0]["provenance"]["kind"], "journal",
        "labelled by run as the tree is walked"
    );
    assert_eq!(run.summary()["files_scanned"], 2);
}
