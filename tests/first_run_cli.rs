//! What a new user meets in the first ten minutes (issue 15): successes said as notices, not
//! warnings, in words that agree with their numbers; a hook that says how to fix what it
//! blocks; subcommands whose `--help` lists only their own flags; `check` saying what it chose.

mod common;

use common::*;

fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_gitignore_fix_is_a_notice_not_a_warning() {
    let repo = TestRepo::new();
    repo.commit_all("empty");
    let output = repo
        .leakgate()
        .args(["gitignore", "--fix", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    assert!(text.contains("added 10 lines to .gitignore"), "{text}");
    assert!(!text.contains("warning"), "a success is no warning: {text}");

    // Machines see a notice naming the file written; the second run has nothing to do.
    std::fs::remove_file(repo.path().join(".gitignore")).expect("rm");
    let run = run_json(repo.leakgate().args(["gitignore", "--fix"]));
    assert_eq!(run.status, Some(0));
    let notices = run.of_type("notice");
    assert_eq!(notices.len(), 1, "{:?}", run.messages);
    assert_eq!(notices[0]["path"], ".gitignore");
    assert!(run.of_type("warning").is_empty(), "{:?}", run.messages);
    let again = run_json(repo.leakgate().args(["gitignore", "--fix"]));
    assert!(again.of_type("warning").is_empty(), "{:?}", again.messages);
    assert_eq!(again.of_type("notice").len(), 1);
}

#[test]
fn counts_agree_with_their_nouns() {
    let repo = TestRepo::new();
    repo.write("deploy.sh", format!("API_TOKEN={}\n", password(150)));
    repo.commit_all("one secret");
    let output = repo
        .leakgate()
        .args(["baseline", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    assert!(text.contains("wrote 1 entry to"), "{text}");

    let output = repo
        .leakgate()
        .args(["scan", "--baseline", ".leakgate-baseline.json", "--color", "never"])
        .output()
        .expect("run");
    let text = stdout_of(&output);
    assert!(
        text.contains("1 finding is in the baseline .leakgate-baseline.json"),
        "{text}"
    );
    assert!(!text.contains("1 findings"), "{text}");
}

#[test]
fn a_redacted_copy_written_is_a_notice() {
    let tree = Tree::new();
    tree.write(
        "session.jsonl",
        format!(
            "{}\n",
            serde_json::json!({"prompt": format!("use {}", fake("ghp_", 151, 36, ALNUM))})
        ),
    );
    let output = tree
        .leakgate()
        .args([
            "journal",
            "session.jsonl",
            "--redact-to",
            "copy",
            "--color",
            "never",
        ])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    assert!(text.contains("redacted copy written to copy"), "{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("warning") && l.contains("redacted copy")),
        "{text}"
    );
    let run = run_json(tree.leakgate().args([
        "journal",
        "session.jsonl",
        "--redact-to",
        "copy2",
    ]));
    let notices = run.of_type("notice");
    assert_eq!(notices.len(), 1, "{:?}", run.messages);
    assert_eq!(notices[0]["path"], "copy2");
}
