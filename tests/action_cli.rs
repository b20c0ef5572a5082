//! The GitHub Action's entry script (`scripts/action-entry.sh`), run as a runner would: a real
//! repository, an event payload in GITHUB_EVENT_PATH, the GITHUB_* variables a runner sets.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

struct Run {
    code: Option<i32>,
    stdout: String,
    /// What the script wrote to GITHUB_OUTPUT.
    outputs: String,
}

fn run_action(
    repo: &TestRepo,
    event: &str,
    payload: serde_json::Value,
    inputs: &[(&str, &str)],
) -> Run {
    // The payload and GITHUB_OUTPUT live outside the work tree, as on a runner.
    let runner = Tree::new();
    let event_file = runner.child("event.json");
    std::fs::write(&event_file, payload.to_string()).expect("payload");
    let binary_dir = assert_cmd::cargo::cargo_bin("leakgate")
        .parent()
        .expect("bin dir")
        .to_owned();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action-entry.sh");
    let mut cmd = Command::new("bash");
    cmd.arg(script)
        .current_dir(repo.path())
        .env(
            "PATH",
            format!(
                "{}:{}",
                binary_dir.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("HOME", repo.path())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", event)
        .env("GITHUB_EVENT_PATH", &event_file)
        .env("GITHUB_WORKSPACE", repo.path())
        .env("GITHUB_OUTPUT", runner.child("github-output"))
        .env("INPUT_MODE", "auto")
        .env("INPUT_ARGS", "")
        .env("INPUT_CONFIG", "")
        .env("INPUT_SARIF_FILE", "leakgate.sarif")
        .env("INPUT_FAIL_ON_FINDINGS", "true");
    for (key, value) in inputs {
        cmd.env(key, value);
    }
    let output = cmd.output().expect("bash");
    Run {
        code: output.status.code(),
        stdout: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
        outputs: std::fs::read_to_string(runner.child("github-output")).unwrap_or_default(),
    }
}

/// main with an old secret; a PR branch adding a new one.
fn pull_request_repo() -> (TestRepo, String, String) {
    let repo = TestRepo::new();
    repo.write("old.py", format!("TOKEN = '{}'\n", password(150)));
    let base = repo.commit_all("base");
    repo.git(&["checkout", "-q", "-b", "pr"]);
    repo.write("new.py", format!("API_KEY = '{}'\n", password(151)));
    let head = repo.commit_all("pr");
    (repo, base, head)
}

#[test]
fn pull_request_event_annotates_the_added_lines_and_writes_sarif() {
    let (repo, base, head) = pull_request_repo();
    let run = run_action(
        &repo,
        "pull_request",
        serde_json::json!({"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}),
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stdout.contains("::error file=new.py,line=1,"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("file=old.py"),
        "only what the PR adds: {}",
        run.stdout
    );
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path().join("leakgate.sarif")).expect("sarif"),
    )
    .expect("json");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(1)
    );
    assert!(
        run.outputs.contains("sarif-file=leakgate.sarif"),
        "{}",
        run.outputs
    );

    // fail-on-findings: false keeps the step green, still annotating.
    let lenient = run_action(
        &repo,
        "pull_request",
        serde_json::json!({"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}),
        &[("INPUT_FAIL_ON_FINDINGS", "false")],
    );
    assert_eq!(lenient.code, Some(0));
    assert!(lenient.stdout.contains("::error file=new.py"));
}

#[test]
fn push_events_new_branches_and_history() {
    let (repo, base, head) = pull_request_repo();
    let push = run_action(
        &repo,
        "push",
        serde_json::json!({"before": base, "after": head}),
        &[],
    );
    assert_eq!(push.code, Some(1), "{}", push.stdout);
    assert!(push.stdout.contains("file=new.py") && !push.stdout.contains("file=old.py"));

    // A new branch (all-zero before): what it adds over the default branch. No remote here, so
    // the script falls back to the root commit and says so.
    let zero = "0000000000000000000000000000000000000000";
    let new_branch = run_action(
        &repo,
        "push",
        serde_json::json!({"before": zero, "after": head, "repository": {"default_branch": "main"}}),
        &[],
    );
    assert!(
        new_branch.stdout.contains("leakgate: new branch"),
        "{}",
        new_branch.stdout
    );
    assert_eq!(new_branch.code, Some(1));

    // Scheduled runs scan the whole history.
    let scheduled = run_action(&repo, "schedule", serde_json::json!({}), &[]);
    assert_eq!(scheduled.code, Some(1));
    assert!(
        scheduled.stdout.contains("file=old.py") && scheduled.stdout.contains("file=new.py"),
        "{}",
        scheduled.stdout
    );

    // A base commit that does not exist, with no remote to fetch it from: exit 2, said so.
    let missing = run_action(
        &repo,
        "push",
        serde_json::json!({"before": "1111111111111111111111111111111111111111", "after": head}),
        &[],
    );
    assert_eq!(missing.code, Some(2), "{}", missing.stdout);
    assert!(missing.stdout.contains("is not available"));
}

#[test]
fn a_shallow_checkout_is_deepened_to_reach_the_base() {
    let (origin, base, head) = pull_request_repo();
    let checkout = TestRepo { tree: Tree::new() };
    let url = format!("file://{}", origin.path().display());
    let clone = Command::new("git")
        .args(["clone", "-q", "--depth", "1", "--branch", "pr", &url, "."])
        .current_dir(checkout.path())
        .status()
        .expect("git clone");
    assert!(clone.success());
    assert!(
        Command::new("git")
            .args(["cat-file", "-e", &format!("{base}^{{commit}}")])
            .current_dir(checkout.path())
            .status()
            .is_ok_and(|s| !s.success()),
        "the base is not in the shallow checkout"
    );
    let run = run_action(
        &checkout,
        "pull_request",
        serde_json::json!({"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}),
        &[],
    );
    assert!(
        run.stdout.contains("is not in this checkout; fetching it"),
        "it says what it did: {}",
        run.stdout
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stdout.contains("::error file=new.py") && !run.stdout.contains("file=old.py"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_force_push_scans_what_the_new_head_adds_over_the_common_history() {
    let (repo, base, _) = pull_request_repo();
    // The pushed history is rewritten: `before` is no longer an ancestor of `after`.
    let before = repo.git(&["rev-parse", "HEAD"]);
    repo.git(&["reset", "-q", "--hard", &base]);
    repo.write(
        "rewritten.py",
        format!("SECRET_KEY = '{}'\n", password(152)),
    );
    let after = repo.commit_all("rewritten");
    let run = run_action(
        &repo,
        "push",
        serde_json::json!({"before": before, "after": after, "forced": true}),
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stdout.contains("file=rewritten.py"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("file=old.py") && !run.stdout.contains("file=new.py"),
        "{}",
        run.stdout
    );
}
