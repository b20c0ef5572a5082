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
    let output = repo.leakgate().args(["baseline"]).output().expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    assert!(text.contains("wrote 1 entry to"), "{text}");

    let output = repo
        .leakgate()
        .args([
            "scan",
            "--baseline",
            ".leakgate-baseline.json",
            "--color",
            "never",
        ])
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
        !text
            .lines()
            .any(|l| l.starts_with("warning") && l.contains("redacted copy")),
        "{text}"
    );
    let run = run_json(
        tree.leakgate()
            .args(["journal", "session.jsonl", "--redact-to", "copy2"]),
    );
    let notices = run.of_type("notice");
    assert_eq!(notices.len(), 1, "{:?}", run.messages);
    assert_eq!(notices[0]["path"], "copy2");
}

const GITIGNORE: &str =
    ".env\n.env.*\n!.env.example\n.a5c/\n*.pem\n*.key\ncredentials.json\n*.secrets\n";

/// `git` in `dir` with the tests' pinned environment, returning (exit code, stdout + stderr).
fn git_in(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let output = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git");
    (
        output.status.code(),
        format!("{}{}", stdout_of(&output), stderr_of(&output)),
    )
}

#[test]
fn the_check_hook_says_how_to_fix_the_gaps_it_blocks_on() {
    let repo = TestRepo::new();
    let output = repo
        .leakgate()
        .args(["install-hook", "--check"])
        .env_remove("CI")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    // Not a terminal: no question, but what is missing and how to add it.
    let text = stdout_of(&output);
    assert!(
        text.contains(".gitignore misses 10 lines")
            && text.contains("the hook blocks every commit until they are added")
            && text.contains("leakgate gitignore --fix"),
        "{text}"
    );
    assert!(
        !repo.path().join(".gitignore").exists(),
        "nothing fixed unasked"
    );

    // The first commit of the new repository is blocked, and each gap names the fix.
    repo.write("README.md", "hello\n");
    repo.git(&["add", "README.md"]);
    let (code, text) = git_in(repo.path(), &["commit", "-q", "-m", "first"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("gitignore-gap"), "{text}");
    let gaps = text.matches("gitignore-gap").count();
    let fixes = text.matches("run `leakgate gitignore --fix`").count();
    assert_eq!(gaps, fixes, "every gap says how to fix it: {text}");
}

#[test]
fn install_hook_fix_gitignore_fixes_the_gaps_so_the_first_commit_passes() {
    let repo = TestRepo::new();
    let output = repo
        .leakgate()
        .args(["install-hook", "--check", "--fix-gitignore"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(stdout_of(&output).contains("added 10 lines to .gitignore"));
    repo.write("README.md", "hello\n");
    repo.git(&["add", "README.md", ".gitignore"]);
    let (code, text) = git_in(repo.path(), &["commit", "-q", "-m", "first"]);
    assert_eq!(code, Some(0), "{text}");
}

/// Run `leakgate args` on a pseudo-terminal (util-linux `script`), typing `answer`; its output
/// as the terminal showed it.
fn on_terminal(repo: &TestRepo, args: &str, answer: &str, env: &[(&str, &str)]) -> String {
    on_terminal_after(repo, args, answer, env, 500)
}

/// [`on_terminal`], typing after `delay_ms`.
fn on_terminal_after(
    repo: &TestRepo,
    args: &str,
    answer: &str,
    env: &[(&str, &str)],
    delay_ms: u64,
) -> String {
    let binary = assert_cmd::cargo::cargo_bin("leakgate");
    let typescript = repo.path().join(".git/typescript");
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-q", "-e", "-c"])
        .arg(format!("'{}' {args}", binary.display()))
        .arg(&typescript)
        .current_dir(repo.path())
        .env("HOME", repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("CI")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (key, value) in env {
        cmd.env(key, value);
    }
    let mut child = cmd.spawn().expect("script (util-linux)");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        // Typed once the question is up: script forwards it to the terminal.
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        // A failed write shows as the run's output below.
        let _ = stdin.write_all(answer.as_bytes());
    }
    let output = child.wait_with_output().expect("wait");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout_of(&output),
        stderr_of(&output)
    );
    stdout_of(&output)
}

#[test]
fn install_hook_asks_on_a_terminal_and_never_in_ci() {
    let repo = TestRepo::new();
    let shown = on_terminal(&repo, "install-hook --check", "y\n", &[]);
    assert!(shown.contains("Add them now? [Y/n]"), "{shown}");
    assert!(shown.contains("added 10 lines to .gitignore"), "{shown}");
    assert!(repo.path().join(".gitignore").exists());

    // Declined: nothing written, and how to do it later.
    let declined = TestRepo::new();
    let shown = on_terminal(&declined, "install-hook --check", "n\n", &[]);
    assert!(shown.contains("Add them now? [Y/n]"), "{shown}");
    assert!(shown.contains("leakgate gitignore --fix"), "{shown}");
    assert!(!declined.path().join(".gitignore").exists());

    // In CI, even on a terminal: no question, no change.
    let ci = TestRepo::new();
    let shown = on_terminal(&ci, "install-hook --check", "y\n", &[("CI", "true")]);
    assert!(!shown.contains("[Y/n]"), "{shown}");
    assert!(!ci.path().join(".gitignore").exists());
}

/// A repository with a bare `origin` it has pushed `main` to, a gitignore that covers secret
/// files, and the pre-push hook installed.
fn pushed_repo() -> (TestRepo, Tree) {
    let remote = Tree::new();
    git_in(remote.path(), &["init", "-q", "--bare", "-b", "main"]);
    let repo = TestRepo::new();
    repo.write(".gitignore", GITIGNORE);
    repo.write("README.md", "hello\n");
    repo.commit_all("base");
    repo.git(&[
        "remote",
        "add",
        "origin",
        &remote.path().display().to_string(),
    ]);
    repo.git(&["push", "-q", "origin", "main"]);
    let output = repo
        .leakgate()
        .args(["install-hook", "--pre-push"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(stdout_of(&output).contains("installed the leakgate pre-push hook"));
    (repo, remote)
}

#[test]
fn pre_push_catches_a_secret_committed_with_no_verify() {
    let (repo, remote) = pushed_repo();
    // Added and removed again before the push: still in the pushed history.
    let secret = password(152);
    repo.write("settings.env", format!("API_TOKEN={secret}\n"));
    repo.git(&["add", "-f", "settings.env"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "oops"]);
    repo.git(&["rm", "-q", "settings.env"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "remove"]);
    let (code, text) = git_in(repo.path(), &["push", "origin", "main"]);
    assert_ne!(code, Some(0), "the push is refused: {text}");
    assert!(
        text.contains("settings.env") && !text.contains(&secret),
        "{text}"
    );
    let (_, remote_head) = git_in(remote.path(), &["rev-parse", "main"]);
    let (_, local_base) = git_in(repo.path(), &["rev-parse", "main~2"]);
    assert_eq!(remote_head, local_base, "nothing reached the remote");

    // A clean push goes through.
    repo.git(&["reset", "-q", "--hard", "main~2"]);
    repo.write("notes.md", "clean\n");
    repo.commit_all("clean");
    let (code, text) = git_in(repo.path(), &["push", "origin", "main"]);
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn pre_push_scans_a_new_branch_from_where_it_left_the_remote_and_allows_deletions() {
    let (repo, _remote) = pushed_repo();
    // A clean branch pushes; the base commit (already on the remote) is not rescanned.
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("notes.md", "clean\n");
    repo.commit_all("clean");
    let (code, text) = git_in(repo.path(), &["push", "origin", "feature"]);
    assert_eq!(code, Some(0), "{text}");
    // Deleting a branch pushes no commit.
    let (code, text) = git_in(repo.path(), &["push", "origin", "--delete", "feature"]);
    assert_eq!(code, Some(0), "{text}");

    // A new branch whose commit adds a secret is refused.
    repo.git(&["checkout", "-q", "-b", "leaky", "main"]);
    repo.write(
        "deploy.sh",
        format!("export GITHUB_TOKEN={}\n", fake("ghp_", 153, 36, ALNUM)),
    );
    repo.git(&["add", "deploy.sh"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "leak"]);
    let (code, text) = git_in(repo.path(), &["push", "origin", "leaky"]);
    assert_ne!(code, Some(0), "{text}");
    assert!(text.contains("deploy.sh"), "{text}");
}

#[test]
fn pre_push_scans_tags_of_blobs_and_trees_and_tag_messages() {
    let (repo, _remote) = pushed_repo();
    let token = fake("ghp_", 157, 36, ALNUM);
    // A tag pointing at a blob: no commit to walk.
    let blob = repo.path().join("secret.txt");
    std::fs::write(&blob, format!("GITHUB_TOKEN={token}\n")).expect("write");
    let sha = repo.git(&["hash-object", "-w", "secret.txt"]);
    std::fs::remove_file(&blob).expect("remove");
    repo.git(&["tag", "blobtag", sha.trim()]);
    let (code, text) = git_in(repo.path(), &["push", "origin", "refs/tags/blobtag"]);
    assert_ne!(code, Some(0), "{text}");
    assert!(!text.contains(&token), "{text}");
    // An annotated tag on a commit the remote has: its message is all new.
    repo.git(&[
        "tag",
        "-a",
        "msgtag",
        "-m",
        &format!("release with GITHUB_TOKEN={token}"),
    ]);
    let (code, text) = git_in(repo.path(), &["push", "origin", "refs/tags/msgtag"]);
    assert_ne!(code, Some(0), "{text}");
    assert!(!text.contains(&token), "{text}");
}

#[test]
fn baseline_dash_o_writes_the_baseline_where_it_says() {
    let repo = TestRepo::new();
    repo.write("deploy.sh", format!("API_TOKEN={}\n", password(154)));
    repo.commit_all("one secret");
    for (flag, name) in [("-o", "short.json"), ("--output", "long.json")] {
        let output = repo
            .leakgate()
            .args(["baseline", flag, name])
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
        let written = std::fs::read_to_string(repo.path().join(name)).expect("the baseline");
        assert!(written.contains("\"entries\""), "{written}");
        assert!(stdout_of(&output).contains(&format!("wrote 1 entry to {name}")));
    }
    assert!(
        !repo.path().join(".leakgate-baseline.json").exists(),
        "-o is where the baseline goes, not a report beside the default file"
    );
}

/// The long flags a subcommand's `--help` lists.
fn flags_of(args: &[&str]) -> Vec<String> {
    let output = leakgate().args(args).arg("--help").output().expect("run");
    assert_eq!(output.status.code(), Some(0));
    stdout_of(&output)
        .lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix("-").map_or(line, |rest| {
                rest.split_once(", ").map_or(line, |(_, long)| long)
            });
            let flag = line.strip_prefix("--")?;
            Some(flag.split([' ', '=', '<']).next()?.to_owned())
        })
        .collect()
}

#[test]
fn each_subcommand_lists_only_the_flags_it_uses() {
    let baseline = flags_of(&["baseline"]);
    for useless in [
        "sarif",
        "exit-zero",
        "baseline",
        "report-unused",
        "strict",
        "min-confidence",
        "show-secrets",
        "color",
        "verbose",
    ] {
        assert!(
            !baseline.iter().any(|f| f == useless),
            "baseline --help lists --{useless}, which does nothing there: {baseline:?}"
        );
    }
    for kept in [
        "file",
        "staged",
        "range",
        "history",
        "config",
        "max-file-size",
    ] {
        assert!(baseline.iter().any(|f| f == kept), "{kept}: {baseline:?}");
    }
    let gitignore = flags_of(&["gitignore"]);
    for useless in [
        "baseline",
        "min-confidence",
        "max-file-size",
        "threads",
        "verbose",
    ] {
        assert!(
            !gitignore.iter().any(|f| f == useless),
            "gitignore --help lists --{useless}: {gitignore:?}"
        );
    }
    for kept in ["fix", "format", "output", "strict", "config"] {
        assert!(gitignore.iter().any(|f| f == kept), "{kept}: {gitignore:?}");
    }
    // Given anyway, a flag that would do nothing is a usage error, not silently ignored.
    let output = leakgate()
        .args(["baseline", "--min-confidence", "high"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let scan = flags_of(&["scan"]);
    for kept in ["baseline", "min-confidence", "sarif", "staged", "threads"] {
        assert!(scan.iter().any(|f| f == kept), "{kept}: {scan:?}");
    }
}

/// `leakgate check` in `repo` with no CI variables but `env`.
fn check_in_ci(repo: &TestRepo, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut cmd = repo.leakgate();
    for name in [
        "CI",
        "GITHUB_ACTIONS",
        "GITHUB_BASE_REF",
        "GITHUB_EVENT_NAME",
        "GITHUB_EVENT_PATH",
        "GITLAB_CI",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA",
        "CI_PIPELINE_SOURCE",
        "CI_COMMIT_BEFORE_SHA",
        "CI_COMMIT_SHA",
    ] {
        cmd.env_remove(name);
    }
    cmd.envs(env.iter().copied())
        .arg("check")
        .args(args)
        .output()
        .expect("run")
}

#[test]
fn check_in_ci_without_a_base_says_what_it_chose_and_why() {
    let repo = TestRepo::new();
    repo.write(".gitignore", GITIGNORE);
    repo.commit_all("base");
    let output = check_in_ci(&repo, &[("CI", "true")], &["--color", "never"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    assert!(
        text.contains("CI detected, but no base to compare with was found")
            && text.contains("GITHUB_BASE_REF")
            && text.contains("full audit")
            && text.contains("--range BASE..HEAD"),
        "{text}"
    );
    assert!(!text.contains("warning"), "{text}");
    let output = check_in_ci(&repo, &[("CI", "true")], &["--format", "json"]);
    let messages = json_lines(&output.stdout);
    assert!(
        messages.iter().any(|m| m["type"] == "notice"
            && m["message"]
                .as_str()
                .is_some_and(|t| t.contains("full audit"))),
        "{messages:?}"
    );
    // Outside CI, or asked for: nothing to explain.
    let output = check_in_ci(&repo, &[], &["--color", "never"]);
    assert!(!stdout_of(&output).contains("CI detected"));
    let output = check_in_ci(&repo, &[("CI", "true")], &["--all", "--color", "never"]);
    assert!(!stdout_of(&output).contains("CI detected"));
}

#[test]
fn check_in_a_gitlab_merge_request_checks_its_diff() {
    let repo = TestRepo::new();
    repo.write(".gitignore", GITIGNORE);
    let base = repo.commit_all("base");
    // A secret already on the target branch is not the merge request's: only what it adds is.
    repo.write(
        "deploy.sh",
        format!("export GITHUB_TOKEN={}\n", fake("ghp_", 155, 36, ALNUM)),
    );
    repo.commit_all("add a token");
    let env = [
        ("CI", "true"),
        ("GITLAB_CI", "true"),
        ("CI_PIPELINE_SOURCE", "merge_request_event"),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", base.as_str()),
    ];
    let output = check_in_ci(&repo, &env, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let messages = json_lines(&output.stdout);
    let summary = summary(&messages);
    assert_eq!(
        summary["scope"],
        format!("the range {base}..HEAD and repository hygiene (CI)"),
        "{summary}"
    );
    assert_eq!(summary["commits"], 1);
    assert_eq!(locations(&messages), [("deploy.sh".to_owned(), 1)]);

    // The README's job: a readable log, and GitLab's report from the same run.
    let output = check_in_ci(
        &repo,
        &env,
        &[
            "--format",
            "human",
            "--output",
            "gitlab=gl-secret-detection-report.json",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout_of(&output).contains("deploy.sh:1:"));
    let report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo.path().join("gl-secret-detection-report.json")).expect("report"),
    )
    .expect("json");
    assert_eq!(report["scan"]["type"], "secret_detection");
    assert_eq!(
        report["vulnerabilities"][0]["location"]["file"],
        "deploy.sh"
    );

    // A base the shallow checkout lacks: a full audit, saying why.
    let env = [
        ("CI", "true"),
        ("GITLAB_CI", "true"),
        (
            "CI_MERGE_REQUEST_DIFF_BASE_SHA",
            "1111111111111111111111111111111111111111",
        ),
    ];
    let output = check_in_ci(&repo, &env, &["--color", "never"]);
    let text = stdout_of(&output);
    assert!(
        text.contains("CI_MERGE_REQUEST_DIFF_BASE_SHA") && text.contains("full audit"),
        "{text}"
    );
}

#[test]
fn bash_completes_subcommands_and_their_own_flags() {
    let output = leakgate()
        .args(["completions", "bash"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let tree = Tree::new();
    tree.write("leakgate.bash", &output.stdout);
    // What bash offers after each line, as a user pressing TAB would see it.
    let complete = |words: &str| {
        let script = format!(
            "source ./leakgate.bash\nCOMP_WORDS=({words})\nCOMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n\
             COMP_LINE=\"{words}\"\nCOMP_POINT=${{#COMP_LINE}}\n\
             _leakgate leakgate \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\""
        );
        let output = std::process::Command::new("bash")
            .args(["-c", &script])
            .current_dir(tree.path())
            .output()
            .expect("bash");
        assert!(output.status.success(), "{}", stderr_of(&output));
        stdout_of(&output)
    };
    assert!(
        complete("leakgate comp")
            .lines()
            .any(|l| l == "completions")
    );
    assert!(complete("leakgate in").lines().any(|l| l == "init"));
    assert!(
        complete("leakgate install-hook --pre")
            .lines()
            .any(|l| l == "--pre-push")
    );
    let baseline = complete("leakgate baseline --s");
    assert!(baseline.lines().any(|l| l == "--staged"), "{baseline}");
    assert!(
        !baseline
            .lines()
            .any(|l| l == "--sarif" || l == "--show-secrets"),
        "{baseline}"
    );
    for shell in ["zsh", "fish"] {
        let output = leakgate()
            .args(["completions", shell])
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(0));
        assert!(stdout_of(&output).contains("--pre-push"), "{shell}");
    }
}

#[test]
fn the_man_page_documents_every_subcommand_and_flag() {
    let output = leakgate().arg("man").output().expect("run");
    assert_eq!(output.status.code(), Some(0));
    let page = stdout_of(&output);
    assert!(
        page.starts_with(".ie") && page.contains(".TH leakgate 1"),
        "roff"
    );
    for section in [
        "LEAKGATE-CHECK",
        "LEAKGATE-SCAN",
        "LEAKGATE-BASELINE",
        "LEAKGATE-INSTALL-HOOK",
        "LEAKGATE-INIT",
        "LEAKGATE-COMPLETIONS",
    ] {
        assert!(page.contains(&format!(".SH \"{section}\"")), "{section}");
    }
    // Flags as roff writes them (`\-\-`).
    for flag in [
        "pre\\-push",
        "fix\\-gitignore",
        "min\\-confidence",
        "per\\-commit",
    ] {
        assert!(page.contains(&format!("\\-\\-{flag}")), "{flag}");
    }
    // It renders, where man is installed.
    let tree = Tree::new();
    tree.write("leakgate.1", &output.stdout);
    if let Ok(shown) = std::process::Command::new("man")
        .args(["-l", "leakgate.1"])
        .env("MANWIDTH", "100")
        .current_dir(tree.path())
        .output()
    {
        assert!(shown.status.success(), "{}", stderr_of(&shown));
        assert!(stdout_of(&shown).contains("--fix-gitignore"));
    }
}

#[test]
fn init_sets_a_repository_up_in_one_step_and_again_changes_nothing() {
    let repo = TestRepo::new();
    repo.write("src/app.py", "print('hello')\n");
    let output = repo
        .leakgate()
        .current_dir(repo.path().join("src"))
        .arg("init")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    for said in [
        "wrote ",
        ".leakgate.toml (every setting commented out",
        "installed the leakgate pre-commit hook",
        "added 10 lines to .gitignore",
    ] {
        assert!(text.contains(said), "{said}: {text}");
    }
    let config = std::fs::read_to_string(repo.path().join(".leakgate.toml")).expect("config");
    assert!(
        config.lines().filter(|l| l.starts_with("# ")).count() > 10,
        "commented"
    );
    let hook = std::fs::read_to_string(repo.path().join(".git/hooks/pre-commit")).expect("hook");
    assert!(hook.contains("check --staged"), "{hook}");

    // The configuration loads, the repository scans clean with it, and the first commit of
    // everything init wrote passes its own hook.
    let (code, messages) = repo.scan_json(&["scan", ".", "--min-confidence", "low"]);
    assert_eq!(code, Some(0), "{messages:?}");
    repo.git(&["add", "-A"]);
    let (code, text) = git_in(repo.path(), &["commit", "-q", "-m", "set up leakgate"]);
    assert_eq!(code, Some(0), "{text}");

    // Again: nothing changes, and it says so.
    std::fs::write(
        repo.path().join(".leakgate.toml"),
        "[scan]\nmax_file_size = \"1MiB\"\n",
    )
    .expect("edit");
    let gitignore = std::fs::read(repo.path().join(".gitignore")).expect("gitignore");
    let output = repo.leakgate().arg("init").output().expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    assert!(text.contains("kept the existing"), "{text}");
    assert!(text.contains("already installed"), "{text}");
    assert!(text.contains("nothing to fix"), "{text}");
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".leakgate.toml")).expect("config"),
        "[scan]\nmax_file_size = \"1MiB\"\n",
        "a configuration is never overwritten"
    );
    assert_eq!(
        std::fs::read(repo.path().join(".gitignore")).expect("gitignore"),
        gitignore
    );

    // Outside a repository: an error, nothing written.
    let plain = Tree::new();
    let output = plain
        .leakgate()
        .env(
            "GIT_CEILING_DIRECTORIES",
            plain.path().parent().expect("parent"),
        )
        .arg("init")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(!plain.path().join(".leakgate.toml").exists());
}

/// `repository` from Cargo.toml: the one place the project's address is written.
fn repository() -> String {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let text = std::fs::read_to_string(manifest).expect("Cargo.toml");
    let value: toml::Value = toml::from_str(&text).expect("toml");
    value["package"]["repository"]
        .as_str()
        .expect("Cargo.toml declares package.repository")
        .to_owned()
}

#[test]
fn one_repository_url_everywhere() {
    let url = repository();
    assert!(url.starts_with("https://github.com/"), "{url}");
    let slug = url.trim_start_matches("https://github.com/");

    // SARIF's tool information.
    let tree = Tree::new();
    tree.write("a.txt", "nothing\n");
    let output = tree
        .leakgate()
        .args(["scan", ".", "--format", "sarif"])
        .output()
        .expect("run");
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("sarif");
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["informationUri"],
        url.as_str()
    );

    // The README's hook and Action examples, and every other mention of the project.
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .expect("README");
    assert!(
        !readme.contains("<owner>"),
        "a placeholder instead of the address"
    );
    assert!(
        readme.contains(&format!("repo: {url}")),
        "the pre-commit example"
    );
    assert!(
        readme.contains(&format!("uses: {slug}@")),
        "the Action example"
    );
    for (at, _) in readme.match_indices("github.com/") {
        let rest = &readme[at + "github.com/".len()..];
        let repo: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || "-_./".contains(*c))
            .collect();
        let mut parts = repo.split('/');
        let (owner, name) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        if name.trim_end_matches(".git") == "leakgate" {
            assert_eq!(
                format!("{owner}/leakgate"),
                slug,
                "README names another address"
            );
        }
    }
}

#[test]
fn the_files_a_package_and_a_security_tool_are_expected_to_have() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |name: &str| {
        std::fs::read_to_string(root.join(name)).unwrap_or_else(|_| panic!("{name} is missing"))
    };
    let manifest = read("Cargo.toml");
    assert!(manifest.contains("license = \"MIT OR Apache-2.0\""));
    assert!(read("LICENSE-MIT").contains("Permission is hereby granted"));
    assert!(read("LICENSE-APACHE").contains("Apache License"));
    assert!(read("LICENSE-APACHE").contains("Version 2.0, January 2004"));
    let security = read("SECURITY.md");
    assert!(security.contains(&format!("{}/security/advisories/new", repository())));
    assert!(read("CHANGELOG.md").contains("## [Unreleased]"));
    // Shipped in the crate too.
    for name in [
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "SECURITY.md",
        "CHANGELOG.md",
    ] {
        assert!(
            manifest.contains(&format!("\"{name}\"")),
            "{name} not in include"
        );
    }
}

#[test]
fn a_long_tree_scan_shows_progress_on_a_terminal_only_for_people() {
    let repo = TestRepo::new();
    for i in 0..40 {
        repo.write(&format!("src/f{i}.txt"), format!("hello {i}\n"));
    }
    // Standard input held open for 2.5 s keeps the scan running past the progress delay; ^D
    // (EOF on the terminal) ends it.
    let shown = on_terminal_after(&repo, "scan src - --color never", "x\n\u{4}", &[], 2500);
    assert!(shown.contains("scanning: 40 files, "), "{shown}");
    assert!(shown.contains("B/s)"), "a rate: {shown}");
    assert!(
        shown.contains("no secrets found: scanned 41 files"),
        "{shown}"
    );
    // The line is erased before the report: the summary is not on the progress line.
    let summary_line = shown
        .split(['\r', '\n'])
        .find(|l| l.contains("no secrets found"))
        .unwrap_or_default();
    assert!(!summary_line.contains("scanning:"), "{summary_line:?}");

    // Never in a format for programs, even on a terminal.
    let json = on_terminal_after(&repo, "scan src - --format json", "x\n\u{4}", &[], 2500);
    assert!(!json.contains("scanning:"), "{json}");

    // Never when standard error is not a terminal.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("leakgate"))
        .current_dir(repo.path())
        .args(["scan", "src", "-", "--color", "never"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run");
    std::thread::sleep(std::time::Duration::from_millis(2500));
    drop(child.stdin.take());
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(0));
    assert!(
        !stderr_of(&output).contains("scanning"),
        "{}",
        stderr_of(&output)
    );
}
