//! One diagnostic model: a finding or a problem has one level, the same in every format and
//! in the exit code, and SARIF, JUnit and github output carry hygiene, integrity and error
//! diagnostics, not only findings (a run that fails never uploads an empty SARIF file).

mod common;

use common::*;

const RUN: &str = "01JAAAAAAAAAAAAAAAAAAAAAAA";

/// stdout, stderr and the exit code of one run.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(mut command: assert_cmd::Command, args: &[&str]) -> Run {
    let output = command
        .env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_BASE_REF")
        .args(args)
        .output()
        .expect("run");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn sarif(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("SARIF is JSON")
}

/// The SARIF results of a rule: (level, location URI).
fn results_of(document: &serde_json::Value, rule: &str) -> Vec<(String, String)> {
    document["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["ruleId"] == rule)
        .map(|r| {
            (
                r["level"].as_str().unwrap_or_default().to_owned(),
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

/// A run directory with two events, the first edited after its checksum was written.
fn tampered_run(tree: &Tree) -> String {
    let run = format!(".a5c/runs/{RUN}");
    tree.write(&format!("{run}/run.json"), "{\"processId\": \"demo\"}\n");
    let first = sdk_event(
        "RUN_CREATED",
        0,
        serde_json::json!({"prompt": "deploy with care"}),
    )
    .replace("deploy with", "deploy  with");
    tree.write(
        &format!("{run}/journal/000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json"),
        first,
    );
    tree.write(
        &format!("{run}/journal/000002.01JDDDDDDDDDDDDDDDDDDDDDD2.json"),
        sdk_event("RUN_COMPLETED", 1, serde_json::json!({})),
    );
    run
}

#[test]
fn check_in_sarif_has_a_result_for_a_gitignore_gap() {
    let repo = TestRepo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("base");
    let out = run(repo.leakgate(), &["check", "--format", "sarif"]);
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    let document = sarif(&out.stdout);
    let gaps = results_of(&document, "leakgate/hygiene/gitignore-gap");
    assert!(!gaps.is_empty(), "{}", out.stdout);
    assert!(
        gaps.iter()
            .all(|(level, uri)| level == "error" && uri == ".gitignore"),
        "{gaps:?}"
    );
    let rules: Vec<&str> = document["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(rules, vec!["leakgate/hygiene/gitignore-gap"]);
    // Each result points at its rule.
    for result in document["runs"][0]["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index], result["ruleId"]);
    }
}

#[test]
fn a_broken_checksum_is_shown_by_sarif_junit_and_github() {
    let tree = Tree::new();
    let run_dir = tampered_run(&tree);
    let event = "journal/000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json";
    let verify = |format: &str| {
        run(
            tree.leakgate(),
            &["journal", ".a5c", "--verify", "--format", format],
        )
    };

    let out = verify("sarif");
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    assert_eq!(
        results_of(&sarif(&out.stdout), "leakgate/integrity/checksum-mismatch"),
        vec![("error".to_owned(), format!("{run_dir}/{event}"))],
        "{}",
        out.stdout
    );

    let out = verify("junit");
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout.contains(&format!(
            "<testcase name=\"{run_dir}/{event} checksum-mismatch\" classname=\"leakgate.checksum-mismatch\">\n      <failure "
        )),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("failures=\"1\""), "{}", out.stdout);

    let out = verify("github");
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout.lines().any(|l| l.starts_with(&format!(
            "::error file={run_dir}/{event},title=leakgate%3A checksum-mismatch::"
        ))),
        "{}",
        out.stdout
    );
}

/// A low-severity token is a leaked credential: it fails the run, so every format calls it an
/// error. A medium policy setting is a warning: it does not fail the run (only with
/// `--strict`), so no format calls it an error.
#[test]
fn a_finding_has_one_level_in_every_format() {
    let tree = Tree::new();
    tree.write(
        "flags.env",
        format!("UNLEASH_INSTANCE_ID={}\n", fake("glffct-", 300, 20, ALNUM)),
    );
    let low = |format: &str| {
        run(
            tree.leakgate(),
            &["scan", ".", "--format", format, "--color", "never"],
        )
    };
    let out = low("human");
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout
            .contains("error[gitlab-feature-flag-client-token]"),
        "{}",
        out.stdout
    );
    let out = low("sarif");
    assert_eq!(out.code, Some(1));
    assert_eq!(
        results_of(&sarif(&out.stdout), "gitlab-feature-flag-client-token"),
        vec![("error".to_owned(), "flags.env".to_owned())]
    );
    let out = low("github");
    assert!(
        out.stdout.starts_with("::error file=flags.env,"),
        "{}",
        out.stdout
    );
    let out = low("junit");
    assert!(out.stdout.contains("failures=\"1\""), "{}", out.stdout);

    let policy = Tree::new();
    policy.write("agent/config.toml", "approval_policy = \"never\"\n");
    let medium = |format: &str| {
        run(
            policy.leakgate(),
            &["scan", ".", "--format", format, "--color", "never"],
        )
    };
    let out = medium("human");
    assert_eq!(out.code, Some(0));
    assert!(
        out.stdout.contains("warning[agent-approval-never]"),
        "{}",
        out.stdout
    );
    let out = medium("sarif");
    assert_eq!(out.code, Some(0));
    let document = sarif(&out.stdout);
    assert_eq!(
        results_of(&document, "agent-approval-never"),
        vec![("warning".to_owned(), "agent/config.toml".to_owned())]
    );
    assert_eq!(
        document["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"],
        "warning"
    );
    let out = medium("github");
    assert!(
        out.stdout.starts_with("::warning file=agent/config.toml,"),
        "{}",
        out.stdout
    );
    let out = medium("junit");
    assert!(
        out.stdout.contains("failures=\"0\"") && out.stdout.contains("<skipped message="),
        "a warning is not a failing case: {}",
        out.stdout
    );
    let strict = run(policy.leakgate(), &["scan", ".", "--strict"]);
    assert_eq!(strict.code, Some(1), "--strict fails on warnings");
}

/// A hygiene warning (covered only by this user's global excludes) does not fail the run, and
/// JUnit does not report it as a failing case.
#[test]
fn junit_fails_a_case_only_for_an_error() {
    let repo = TestRepo::new();
    repo.write(
        ".gitignore",
        ".env\n.env.*\n!.env.example\n.a5c/\n*.pem\ncredentials.json\n*.secrets\n",
    );
    repo.write("README.md", "hello\n");
    repo.commit_all("base");
    let home = tempfile::tempdir().expect("home");
    std::fs::create_dir_all(home.path().join(".config/git")).expect("config dir");
    std::fs::write(home.path().join(".config/git/ignore"), "*.key\n").expect("global excludes");
    let mut command = repo.leakgate();
    command
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"));
    let out = run(command, &["gitignore", "--format", "junit"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("classname=\"leakgate.gitignore-local-only\">\n      <skipped "),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("failures=\"0\""), "{}", out.stdout);
}

/// An input that could not be scanned is an error result in SARIF (GitHub code scanning shows
/// results, not a third-party tool's notifications), as well as an error notification.
#[test]
fn an_unreadable_input_is_a_sarif_result() {
    let tree = Tree::new();
    tree.write("a.txt", "nothing\n");
    let out = run(
        tree.leakgate(),
        &["scan", "a.txt", "missing.txt", "--format", "sarif"],
    );
    assert_eq!(out.code, Some(2));
    let document = sarif(&out.stdout);
    assert_eq!(
        results_of(&document, "leakgate/input/unreadable"),
        vec![("error".to_owned(), "missing.txt".to_owned())]
    );
    let invocation = &document["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["level"],
        "error"
    );
}

/// Invalid JSON is a note everywhere: github annotates it as a notice on its line.
#[test]
fn invalid_json_is_a_notice_in_github() {
    let tree = Tree::new();
    tree.write("broken.json", "{\"a\": \n");
    let out = run(tree.leakgate(), &["scan", ".", "--format", "github"]);
    assert_eq!(out.code, Some(0));
    assert!(
        out.stdout.lines().any(|l| l.starts_with(
            "::notice file=broken.json,line=2,col=1,title=leakgate%3A invalid-json::"
        )),
        "{}",
        out.stdout
    );
}

/// A tracked file named after a token: the hygiene problem's message and fix quote its name,
/// and no format may print the token (only its `[masked]` form), unless `--show-secrets`.
#[test]
fn hygiene_messages_do_not_print_a_token_named_file() {
    let repo = TestRepo::new();
    let token = fake("ghp_", 310, 36, ALNUM);
    repo.write(&format!("{token}.secrets"), "x\n");
    repo.commit_all("track it");
    for format in ["human", "json", "sarif", "github", "junit"] {
        let out = run(repo.leakgate(), &["gitignore", "--format", format]);
        assert_eq!(out.code, Some(1), "{format}");
        assert!(
            !out.stdout.contains(&token) && !out.stderr.contains(&token),
            "{format} prints the token:\n{}{}",
            out.stdout,
            out.stderr
        );
        assert!(
            out.stdout.contains("[masked].secrets"),
            "{format}: {}",
            out.stdout
        );
    }
    let shown = run(
        repo.leakgate(),
        &["gitignore", "--format", "json", "--show-secrets"],
    );
    assert!(
        shown.stdout.contains(&token),
        "--show-secrets shows names as they are"
    );
}

/// An integrity warning (a temp file an interrupted write left) is a warning like any other:
/// it does not fail the run, and `--strict` makes it fail, as it does a hygiene warning.
#[test]
fn strict_fails_on_an_integrity_warning() {
    let tree = Tree::new();
    let run_dir = format!(".a5c/runs/{RUN}");
    tree.write(
        &format!("{run_dir}/run.json"),
        "{\"processId\": \"demo\"}\n",
    );
    tree.write(
        &format!("{run_dir}/journal/000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json"),
        sdk_event("RUN_CREATED", 0, serde_json::json!({})),
    );
    tree.write(
        &format!("{run_dir}/journal/000002.01JDDDDDDDDDDDDDDDDDDDDDD2.json.tmp-1234"),
        "{",
    );
    let plain = run(
        tree.leakgate(),
        &["journal", ".a5c", "--verify", "--color", "never"],
    );
    assert_eq!(plain.code, Some(0), "{}", plain.stdout);
    assert!(
        plain.stdout.contains("warning[temp-leftover]"),
        "{}",
        plain.stdout
    );
    let strict = run(
        tree.leakgate(),
        &["journal", ".a5c", "--verify", "--strict"],
    );
    assert_eq!(strict.code, Some(1), "{}", strict.stdout);
}
