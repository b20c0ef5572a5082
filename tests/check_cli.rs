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

/// A repository whose history once held a secret that HEAD no longer has, with no .gitignore
/// (a hygiene gap every full check reports).
fn repo_with_a_removed_secret(seed: u64) -> (TestRepo, String) {
    let repo = TestRepo::new();
    repo.write("README.md", "hello\n");
    let base = repo.commit_all("base");
    repo.write("app.py", format!("TOKEN = '{}'\n", password(seed)));
    repo.commit_all("add a secret");
    repo.write("app.py", "TOKEN = read_from_vault()\n");
    repo.commit_all("remove it");
    (repo, base)
}

fn hygiene_codes(messages: &[serde_json::Value]) -> Vec<String> {
    messages
        .iter()
        .filter(|m| m["type"] == "hygiene")
        .map(|m| m["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn history_checks_every_commit_and_hygiene() {
    let (repo, _) = repo_with_a_removed_secret(110);
    let output = ci_free(&mut repo.leakgate())
        .args(["check", "--history", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let messages = json_lines(&output.stdout);
    assert_eq!(locations(&messages), vec![("app.py".to_owned(), 1)]);
    assert_eq!(findings(&messages)[0]["provenance"]["kind"], "commit");
    assert!(
        hygiene_codes(&messages).contains(&"gitignore-gap".to_owned()),
        "{messages:?}"
    );
    assert_eq!(summary(&messages)["commits"], 3);
    assert_eq!(
        summary(&messages)["scope"],
        "the history of every ref and repository hygiene"
    );
}

#[test]
fn a_range_checked_per_commit_reports_what_the_range_added_and_removed() {
    let (repo, base) = repo_with_a_removed_secret(111);
    let range = format!("{base}..HEAD");
    let (whole, messages) = repo.scan_json(&["check", "--range", &range]);
    assert!(findings(&messages).is_empty(), "gone at HEAD: {messages:?}");
    assert_eq!(whole, Some(1), "hygiene still fails: {messages:?}");
    let (code, messages) = repo.scan_json(&["check", "--range", &range, "--per-commit"]);
    assert_eq!(code, Some(1));
    assert_eq!(locations(&messages), vec![("app.py".to_owned(), 1)]);
}

#[test]
fn in_ci_a_push_checks_what_it_pushed() {
    let (repo, base) = repo_with_a_removed_secret(112);
    repo.write(".gitignore", FULL_GITIGNORE);
    repo.write("later.py", format!("API_KEY = '{}'\n", password(113)));
    let head = repo.commit_all("later");
    let event = repo.path().join("event.json");
    std::fs::write(
        &event,
        serde_json::json!({ "before": base, "after": head }).to_string(),
    )
    .expect("write event");
    let output = ci_free(&mut repo.leakgate())
        .env("CI", "true")
        .env("GITHUB_EVENT_NAME", "push")
        .env("GITHUB_EVENT_PATH", &event)
        .args(["check", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let messages = json_lines(&output.stdout);
    assert_eq!(locations(&messages), vec![("later.py".to_owned(), 1)]);
    assert_eq!(
        summary(&messages)["scope"],
        format!("the range {base}..{head} and repository hygiene (CI)")
    );
    assert_eq!(summary(&messages)["commits"], 3);
}

#[test]
fn an_audit_without_ignores_scans_ignored_files() {
    let repo = TestRepo::new();
    repo.write(".gitignore", format!("{FULL_GITIGNORE}build/\n"));
    repo.write("build/out.py", format!("API_KEY = '{}'\n", password(114)));
    repo.commit_all("base");
    let (code, messages) = repo.scan_json(&["check", "--all"]);
    assert_eq!((code, findings(&messages).len()), (Some(0), 0));
    let (code, messages) = repo.scan_json(&["check", "--all", "--no-ignore"]);
    assert_eq!(code, Some(1));
    assert_eq!(locations(&messages), vec![("build/out.py".to_owned(), 1)]);
}

#[test]
fn an_audit_without_ignores_scans_ignored_run_data_once() {
    let repo = TestRepo::new();
    repo.write(".gitignore", FULL_GITIGNORE);
    repo.write(
        ".a5c/runs/01JAAAAAAAAAAAAAAAAAAAAAAA/run.json",
        format!("{{\"prompt\": \"use {}\"}}\n", fake("ghp_", 115, 36, ALNUM)),
    );
    repo.write(".a5c/runs/01JAAAAAAAAAAAAAAAAAAAAAAA/journal/.keep", "");
    repo.commit_all("base");
    let output = ci_free(&mut repo.leakgate())
        .args(["check", "--all", "--no-ignore", "--format", "json"])
        .output()
        .expect("run");
    let messages = json_lines(&output.stdout);
    let found = findings(&messages);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["provenance"]["kind"], "journal");
}
