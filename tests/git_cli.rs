//! Git modes driven as users run them: real repositories built with the real `git` binary.

mod common;

use common::*;
use predicates::prelude::*;

fn loc(path: &str, line: u64) -> (String, u64) {
    (path.to_owned(), line)
}

#[test]
fn staged_scans_the_index_version_not_the_working_tree() {
    let repo = TestRepo::new();
    repo.write("app.py", "A = 1\n");
    repo.commit_all("base");

    // A secret only in the working tree does not block.
    repo.write(
        "app.py",
        format!("A = 1\nDB_PASSWORD = '{}'\n", password(1)),
    );
    let (code, messages) = repo.scan_json(&["scan", "--staged"]);
    assert_eq!(code, Some(0));
    assert_eq!(summary(&messages)["files_scanned"], 0);

    // Staged, it does; then cleaned in the working tree only, it still does (partly staged).
    repo.git(&["add", "app.py"]);
    repo.write("app.py", "A = 1\n");
    let (code, messages) = repo.scan_json(&["scan", "--staged"]);
    assert_eq!(code, Some(1));
    assert_eq!(locations(&messages), vec![loc("app.py", 2)]);
    assert_eq!(findings(&messages)[0]["provenance"]["kind"], "staged");
    assert_eq!(summary(&messages)["lines_added"], 1);
}

#[test]
fn staged_reports_only_lines_the_change_adds() {
    let repo = TestRepo::new();
    // An old secret already committed is not this commit's problem.
    repo.write("config.env", format!("OLD_TOKEN={}\nA=1\n", password(2)));
    repo.commit_all("base");
    repo.write(
        "config.env",
        format!(
            "OLD_TOKEN={}\nA=2\nNEW_SECRET={}\n",
            password(2),
            password(3)
        ),
    );
    repo.git(&["add", "config.env"]);
    let (code, messages) = repo.scan_json(&["scan", "--staged"]);
    assert_eq!(code, Some(1));
    assert_eq!(locations(&messages), vec![loc("config.env", 3)]);
    assert_eq!(summary(&messages)["lines_added"], 2);
}

#[test]
fn staged_in_a_repo_with_no_commits_from_a_subdirectory() {
    let repo = TestRepo::new();
    repo.write("src/deep/app.env", format!("API_TOKEN={}\n", password(4)));
    repo.git(&["add", "-A"]);
    let output = repo
        .leakgate()
        .current_dir(repo.path().join("src/deep"))
        .args(["scan", "--staged", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("--> src/deep/app.env:1:11"), "{stdout}");
    assert!(
        stdout.contains("scanned 1 staged file (1 added line"),
        "{stdout}"
    );
}

#[test]
fn staged_ignores_deletions_scans_binary_and_counts_large_blobs() {
    let repo = TestRepo::new();
    repo.write("gone.env", format!("API_TOKEN={}\n", password(5)));
    repo.commit_all("base");
    repo.git(&["rm", "-q", "gone.env"]);
    let mut binary = b"\x00\x01".to_vec();
    binary.extend_from_slice(format!("API_TOKEN={}\n", password(6)).as_bytes());
    repo.write("blob.bin", binary);
    repo.write(
        "big.txt",
        format!(
            "{}\nAPI_TOKEN={}\n",
            "y".repeat(50 * 1024 * 1024),
            password(7)
        ),
    );
    repo.git(&["add", "-A"]);
    let (code, messages) = repo.scan_json(&["scan", "--staged"]);
    // The binary blob is scanned as raw bytes (a NUL byte does not hide its secret); the deleted
    // file is not a change to scan.
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(locations(&messages), vec![("blob.bin".to_owned(), 1)]);
    let s = summary(&messages);
    assert_eq!(s["files_scanned"], 1);
    assert_eq!(s["binary_scanned"], 1);
    assert_eq!(s["skipped"].get("binary"), None);
    assert_eq!(s["skipped"]["too_large"], 1);
}

#[test]
fn staged_handles_renames_odd_paths_worktrees_and_detached_head() {
    let repo = TestRepo::new();
    let secret = password(8);
    repo.write("old name.env", format!("A=1\nAPI_TOKEN={secret}\n"));
    repo.commit_all("base");
    // A pure rename adds no lines.
    repo.git(&["mv", "old name.env", "new name.env"]);
    let (code, messages) = repo.scan_json(&["scan", "--staged"]);
    assert_eq!(code, Some(0), "{messages:?}");
    repo.commit_all("rename");

    // A path with spaces and a non-UTF-8 byte.
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9 menu.env");
        std::fs::write(
            repo.path().join(name),
            format!("API_TOKEN={}\n", password(9)),
        )
        .expect("write");
        repo.git(&["add", "-A"]);
        let (code, messages) = repo.scan_json(&["scan", "--staged"]);
        assert_eq!(code, Some(1));
        assert_eq!(locations(&messages), vec![loc("caf\u{fffd} menu.env", 1)]);
        repo.commit_all("odd path");
    }

    // A linked worktree with a detached HEAD.
    let worktree = Tree::new();
    let wt = worktree.path().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "--detach",
        wt.to_str().expect("utf-8 temp path"),
    ]);
    std::fs::write(wt.join("wt.env"), format!("API_TOKEN={}\n", password(10))).expect("write");
    let status = std::process::Command::new("git")
        .args(["add", "wt.env"])
        .current_dir(&wt)
        .status()
        .expect("git add");
    assert!(status.success());
    let run = run_json(repo.leakgate().current_dir(&wt).args(["scan", "--staged"]));
    assert_eq!(run.status, Some(1));
    assert_eq!(run.locations(), vec![loc("wt.env", 1)]);
}

#[test]
fn staged_during_a_merge() {
    let repo = TestRepo::new();
    repo.write("a.txt", "base\n");
    repo.commit_all("base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("a.txt", "feature\n");
    repo.commit_all("feature");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("a.txt", "main\n");
    repo.commit_all("main");
    let merge = std::process::Command::new("git")
        .args(["merge", "-q", "feature"])
        .current_dir(repo.path())
        .output()
        .expect("merge");
    assert!(!merge.status.success(), "the merge conflicts");
    repo.write("a.txt", format!("resolved\nAPI_TOKEN={}\n", password(11)));
    repo.git(&["add", "a.txt"]);
    let (code, messages) = repo.scan_json(&["scan", "--staged"]);
    assert_eq!(code, Some(1));
    assert_eq!(locations(&messages), vec![loc("a.txt", 2)]);
}

#[test]
fn a_missing_blob_is_reported_not_a_crash() {
    let repo = TestRepo::new();
    repo.write("a.env", format!("API_TOKEN={}\n", password(12)));
    repo.git(&["add", "a.env"]);
    let blob = repo.git(&["rev-parse", ":a.env"]);
    std::fs::remove_file(
        repo.path()
            .join(".git/objects")
            .join(&blob[..2])
            .join(&blob[2..]),
    )
    .expect("remove object");
    // Not scanned is not clean: an error (exit 2) naming the path and the blob.
    let (code, messages) = repo.scan_json(&["scan", "--staged"]);
    assert_eq!(code, Some(2));
    let errors: Vec<_> = messages.iter().filter(|m| m["type"] == "error").collect();
    assert_eq!(errors.len(), 1, "{messages:?}");
    assert_eq!(errors[0]["path"], "a.env");
    let message = errors[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(&format!("blob {blob}")), "{message}");
    assert_eq!(summary(&messages)["errors"], 1);
}

#[test]
fn outside_a_repo_exits_2_with_a_message() {
    let tree = Tree::new();
    tree.leakgate()
        .env(
            "GIT_CEILING_DIRECTORIES",
            tree.path().parent().expect("parent"),
        )
        .args(["scan", "--staged"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a git repository"));
}

/// main: base; pr: adds a token (Alice), a password (Bob), then removes the password.
fn pull_request_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("app.py", "A = 1\n");
    repo.commit_all("base");
    repo.git(&["checkout", "-q", "-b", "pr"]);
    repo.write("app.py", format!("A = 1\nTOKEN = '{}'\n", password(20)));
    repo.commit_all("add token");
    repo.git(&["config", "user.name", "Bob"]);
    repo.git(&["config", "user.email", "bob@example.test"]);
    repo.write(
        "app.py",
        format!(
            "A = 1\nTOKEN = '{}'\nPASSWORD = '{}'\n",
            password(20),
            password(21)
        ),
    );
    repo.commit_all("add password");
    repo.write("app.py", format!("A = 1\nTOKEN = '{}'\n", password(20)));
    repo.commit_all("remove password");
    repo
}

#[test]
fn range_reports_what_the_pull_request_adds_with_its_commit() {
    let repo = pull_request_repo();
    let token_commit = repo
        .git(&["rev-list", "--reverse", "main..pr"])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let (code, messages) = repo.scan_json(&["scan", "--range", "main..pr"]);
    assert_eq!(code, Some(1));
    let found = findings(&messages);
    assert_eq!(
        found.len(),
        1,
        "the removed password is not in the final diff"
    );
    let commit = &found[0]["provenance"]["commit"];
    assert_eq!(commit["id"], token_commit.as_str());
    assert_eq!(commit["author"], "Alice <alice@example.test>");
    assert!(commit["date"].as_str().is_some_and(|d| d.ends_with('Z')));
    assert_eq!(summary(&messages)["commits"], 3);

    let human = repo
        .leakgate()
        .args(["scan", "--range", "main..pr", "--color", "never"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains(&format!(
            "= note: added in commit {} by Alice",
            &token_commit[..12]
        )),
        "{text}"
    );
}

#[test]
fn per_commit_finds_a_secret_added_and_removed_inside_the_range() {
    let repo = pull_request_repo();
    let (code, messages) = repo.scan_json(&["scan", "--range", "main..pr", "--per-commit"]);
    assert_eq!(code, Some(1));
    let authors: Vec<_> = findings(&messages)
        .iter()
        .map(|f| f["provenance"]["commit"]["author"].clone())
        .collect();
    assert_eq!(
        authors,
        vec!["Alice <alice@example.test>", "Bob <bob@example.test>"]
    );
}

#[test]
fn range_edge_cases() {
    let repo = pull_request_repo();
    let (code, messages) = repo.scan_json(&["scan", "--range", "pr..pr"]);
    assert_eq!(code, Some(0), "an empty range is clean");
    assert_eq!(summary(&messages)["commits"], 0);
    repo.leakgate()
        .args(["scan", "--range", "no-such-branch..pr"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown revision `no-such-branch`",
        ));
    // `BASE` alone means BASE..HEAD (HEAD is pr here).
    let (code, _) = repo.scan_json(&["scan", "--range", "main"]);
    assert_eq!(code, Some(1));
}

#[test]
fn history_reports_each_secret_once_from_its_earliest_commit() {
    let repo = TestRepo::new();
    let token = password(30);
    repo.write("app.env", format!("API_TOKEN={token}\n"));
    let first = repo.commit_all("add token");
    // Later versions of the file still hold the token: one finding, from the first commit.
    repo.write("app.env", format!("API_TOKEN={token}\nA=1\n"));
    repo.commit_all("edit");
    // A secret removed again is still in history.
    repo.write("old.env", format!("DB_PASSWORD={}\n", password(31)));
    let removed_in = repo.commit_all("add password");
    repo.git(&["rm", "-q", "old.env"]);
    repo.commit_all("remove password");
    // A branch that was never merged is history too.
    repo.git(&["checkout", "-q", "-b", "experiment"]);
    repo.write("exp.env", format!("SECRET_KEY={}\n", password(32)));
    let on_branch = repo.commit_all("experiment");
    repo.git(&["checkout", "-q", "main"]);

    let (code, messages) = repo.scan_json(&["scan", "--history"]);
    assert_eq!(code, Some(1));
    let mut commits: Vec<(String, String)> = findings(&messages)
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["provenance"]["commit"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    commits.sort();
    assert_eq!(
        commits,
        vec![
            ("app.env".to_owned(), first),
            ("exp.env".to_owned(), on_branch.clone()),
            ("old.env".to_owned(), removed_in)
        ]
    );
    assert_eq!(summary(&messages)["commits"], 5);

    // --since: only what is not reachable from main.
    let (code, messages) = repo.scan_json(&["scan", "--history", "--since", "main"]);
    assert_eq!(code, Some(1));
    assert_eq!(locations(&messages), vec![loc("exp.env", 1)]);
    repo.leakgate()
        .args(["scan", "--history", "--since", "nope"])
        .assert()
        .code(2);
}

#[test]
fn history_of_a_shallow_clone_says_where_it_stops() {
    let origin = TestRepo::new();
    for i in 0..3 {
        origin.write("a.txt", format!("{i}\n"));
        origin.commit_all(&format!("c{i}"));
    }
    let clones = Tree::new();
    let url = format!("file://{}", origin.path().display());
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url, "shallow"])
        .current_dir(clones.path())
        .status()
        .expect("clone");
    assert!(status.success());
    let output = origin
        .leakgate()
        .current_dir(clones.path().join("shallow"))
        .args(["scan", "--history", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(
            "warning: this is a shallow clone: history stops at the graft after 1 commit"
        ),
        "{stdout}"
    );
}

/// A merge that adds content of its own (a conflict resolved with a secret) is scanned in
/// `--per-commit` (the pre-push hook's mode); a merge that only joins its parents adds nothing
/// the merged commits did not already report.
#[test]
fn per_commit_scans_what_a_merge_itself_adds() {
    let repo = TestRepo::new();
    repo.write("README.md", "hello\n");
    let base = repo.commit_all("base");
    repo.git(&["checkout", "-q", "-b", "side"]);
    let side_secret = fake("ghp_", 5101, 36, ALNUM);
    repo.write("side.py", format!("T = \"{side_secret}\"\n"));
    repo.commit_all("side");
    repo.git(&["checkout", "-q", "-"]);
    repo.write("main.txt", "main\n");
    repo.commit_all("main");
    repo.git(&["merge", "-q", "--no-ff", "--no-commit", "side"]);
    let own_secret = fake("ghp_", 5102, 36, ALNUM);
    repo.write("merged.py", format!("T = \"{own_secret}\"\n"));
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "merge side"]);

    let range = format!("{base}..HEAD");
    let run = run_json(
        repo.leakgate()
            .args(["scan", "--range", &range, "--per-commit"]),
    );
    assert_eq!(run.status, Some(1), "{:?}", run.messages);
    let mut paths: Vec<String> = run
        .findings()
        .iter()
        .map(|f| f["path"].as_str().unwrap_or_default().to_owned())
        .collect();
    paths.sort();
    assert_eq!(paths, vec!["merged.py", "side.py"]);
    assert!(!run.stdout.contains(&own_secret) && !run.stdout.contains(&side_secret));
}
