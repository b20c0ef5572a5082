//! The gate cannot be passed with one NUL byte: in the git change modes (`--staged`, `--range`,
//! `--per-commit`, `check` in CI) and in `--history`, a binary blob is scanned as raw bytes. A
//! modified binary reports only the secrets its previous version did not hold. Real
//! repositories, the real `git`, the built binary.

mod common;

use common::*;

fn ghp(seed: u64) -> String {
    fake("ghp_", seed, 36, ALNUM)
}

/// A PNG-looking blob (its header has NUL bytes, so git and leakgate call it binary, and two
/// newlines) with `lines` after the header, one per line: the first is line 4.
fn png_with(lines: &[String]) -> Vec<u8> {
    let mut data = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0".to_vec();
    for line in lines {
        data.push(b'\n');
        data.extend_from_slice(line.as_bytes());
    }
    data.extend_from_slice(b"\n\0\0IEND\xaeB`\x82");
    data
}

fn ci_free(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_BASE_REF")
}

/// `leakgate <args> --format json` outside CI: exit code, parsed messages, raw stdout.
fn run(repo: &TestRepo, args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>, String) {
    let run = run_json(ci_free(&mut repo.leakgate()).args(args));
    (run.status, run.messages, run.stdout)
}

fn rules(messages: &[serde_json::Value]) -> Vec<String> {
    findings(messages)
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A repository with one commit, then a binary file holding a secret behind a NUL byte.
fn repo_with_hidden_secret(token: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("base");
    let mut creds = b"\0\n".to_vec();
    creds.extend_from_slice(format!("GITHUB_TOKEN={token}\n").as_bytes());
    repo.write("creds.txt", creds);
    repo
}

#[test]
fn staged_a_secret_behind_a_nul_byte_blocks() {
    let token = ghp(1);
    let repo = repo_with_hidden_secret(&token);
    repo.git(&["add", "creds.txt"]);
    let (code, messages, stdout) = run(&repo, &["scan", "--staged"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(locations(&messages), vec![("creds.txt".to_owned(), 2)]);
    assert_eq!(summary(&messages)["binary_scanned"], 1);
    assert_eq!(summary(&messages)["files_skipped"], 0);
    assert!(!stdout.contains(&token), "the secret is masked");

    // The human summary says so.
    let output = ci_free(&mut repo.leakgate())
        .args(["scan", "--staged", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let human = String::from_utf8_lossy(&output.stdout);
    assert!(
        human.contains("1 binary blob scanned as raw bytes"),
        "{human}"
    );
    assert!(!human.contains(&token));

    // Still bounded by --max-file-size: over it, the warning every format shows.
    let (code, messages, _) = run(&repo, &["scan", "--staged", "--max-file-size", "8"]);
    assert_eq!(code, Some(0), "{messages:?}");
    assert_eq!(summary(&messages)["skipped"]["too_large"], 1);
    let warned = messages
        .iter()
        .filter(|m| m["type"] == "warning" && m["path"] == "creds.txt")
        .count();
    assert_eq!(warned, 1, "{messages:?}");
}

#[test]
fn range_and_per_commit_scan_binary_blobs() {
    let token = ghp(2);
    let repo = repo_with_hidden_secret(&token);
    repo.commit_all("add creds");
    let (code, messages, _) = run(&repo, &["scan", "--range", "HEAD~1..HEAD"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(locations(&messages), vec![("creds.txt".to_owned(), 2)]);
    assert_eq!(summary(&messages)["binary_scanned"], 1);

    // Removed again in the next commit: only --per-commit sees it.
    repo.git(&["rm", "-q", "creds.txt"]);
    repo.commit_all("remove creds");
    let (code, messages, _) = run(&repo, &["scan", "--range", "HEAD~2..HEAD"]);
    assert_eq!(code, Some(0), "{messages:?}");
    let (code, messages, _) = run(&repo, &["scan", "--range", "HEAD~2..HEAD", "--per-commit"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(locations(&messages), vec![("creds.txt".to_owned(), 2)]);
}

#[test]
fn check_in_ci_scans_binary_blobs_of_the_pull_request() {
    let token = ghp(3);
    let repo = TestRepo::new();
    repo.write(".gitignore", "*.env\n.env*\n*.pem\n*.key\n");
    repo.write("README.md", "hello\n");
    let base = repo.commit_all("base");
    repo.git(&["update-ref", "refs/remotes/origin/main", &base]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("assets/logo.png", png_with(&[format!("token={token}")]));
    repo.commit_all("feature");
    let run = run_json(
        repo.leakgate()
            .env("CI", "true")
            .env("GITHUB_BASE_REF", "main")
            .arg("check"),
    );
    assert_eq!(run.status, Some(1), "{:?}", run.messages);
    assert_eq!(run.locations(), vec![("assets/logo.png".to_owned(), 4)]);
    assert!(!run.stdout.contains(&token));
}

#[test]
fn a_modified_binary_reports_only_secrets_its_previous_version_did_not_hold() {
    let old = ghp(4);
    let new = ghp(5);
    let repo = TestRepo::new();
    repo.write("logo.png", png_with(&[format!("a={old}")]));
    repo.commit_all("a binary with a secret already in it");

    // Changed elsewhere (the old secret moves to another line): nothing new.
    repo.write(
        "logo.png",
        png_with(&["\0\x01\x02 more pixels".to_owned(), format!("a={old}")]),
    );
    repo.git(&["add", "logo.png"]);
    let (code, messages, _) = run(&repo, &["scan", "--staged"]);
    assert_eq!(
        code,
        Some(0),
        "the old secret is not re-reported: {messages:?}"
    );
    assert_eq!(summary(&messages)["binary_scanned"], 1);
    repo.commit_all("more pixels");
    let (code, messages, _) = run(&repo, &["scan", "--range", "HEAD~1..HEAD"]);
    assert_eq!(code, Some(0), "{messages:?}");

    // A new secret is reported, and only it.
    repo.write(
        "logo.png",
        png_with(&[
            "\0\x01\x02 more pixels".to_owned(),
            format!("a={old}"),
            format!("b={new}"),
        ]),
    );
    repo.git(&["add", "logo.png"]);
    let (code, messages, stdout) = run(&repo, &["scan", "--staged"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(locations(&messages), vec![("logo.png".to_owned(), 6)]);
    assert!(!stdout.contains(&new) && !stdout.contains(&old));
    repo.commit_all("a new secret");
    for extra in [&[][..], &["--per-commit"][..]] {
        let mut args = vec!["scan", "--range", "HEAD~2..HEAD"];
        args.extend_from_slice(extra);
        let (code, messages, _) = run(&repo, &args);
        assert_eq!(code, Some(1), "{args:?}: {messages:?}");
        assert_eq!(
            locations(&messages),
            vec![("logo.png".to_owned(), 6)],
            "{args:?}"
        );
    }
}

#[test]
fn a_text_file_turned_binary_or_back_reports_its_new_secrets() {
    // No line diff exists when either side is binary: each direction reports the new secret
    // and not the one the previous version held.
    let (kept, added) = (ghp(6), ghp(7));
    let repo = TestRepo::new();
    repo.write("app.cfg", format!("a={kept}\n"));
    repo.commit_all("text");
    repo.write("app.cfg", format!("\0\na={kept}\nb={added}\n"));
    repo.commit_all("binary");
    let (code, messages, _) = run(&repo, &["scan", "--range", "HEAD~1..HEAD"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(locations(&messages), vec![("app.cfg".to_owned(), 3)]);

    let fresh = ghp(8);
    repo.write("app.cfg", format!("a={kept}\nb={added}\nc={fresh}\n"));
    repo.git(&["add", "app.cfg"]);
    let (code, messages, _) = run(&repo, &["scan", "--staged"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(locations(&messages), vec![("app.cfg".to_owned(), 3)]);
    repo.commit_all("text again");
    let (code, messages, _) = run(&repo, &["scan", "--range", "HEAD~1..HEAD"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(locations(&messages), vec![("app.cfg".to_owned(), 3)]);
}

#[test]
fn history_scans_binary_blobs() {
    let token = ghp(9);
    let repo = repo_with_hidden_secret(&token);
    repo.commit_all("add creds");
    repo.git(&["rm", "-q", "creds.txt"]);
    repo.commit_all("remove creds");
    let (code, messages, _) = run(&repo, &["scan", "--history"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(locations(&messages), vec![("creds.txt".to_owned(), 2)]);
    assert_eq!(summary(&messages)["binary_scanned"], 1);
}

#[test]
fn random_binary_files_raise_no_false_alarm() {
    // 200 small PNG-like files of random bytes (each with NUL bytes): all scanned, none flagged.
    let repo = TestRepo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("base");
    for i in 0..200u64 {
        let mut data = png_with(&[]);
        data.extend(random_bytes(i + 1000, 1024 + (i as usize % 7) * 512));
        repo.write(&format!("img/{i:03}.png"), data);
    }
    repo.git(&["add", "-A"]);
    let (code, messages, _) = run(&repo, &["scan", "--staged"]);
    assert_eq!(rules(&messages), Vec::<String>::new());
    assert_eq!(code, Some(0), "{messages:?}");
    assert_eq!(summary(&messages)["binary_scanned"], 200);
}

/// `len` bytes of deterministic noise, every byte value possible (xorshift64).
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn gitattributes_marking_text_binary_does_not_hide_added_lines() {
    // `-diff` or `binary` in a .gitattributes (which the change itself can add) makes git show
    // no lines for a text file; the added lines are still the change's.
    let token = ghp(11);
    let repo = TestRepo::new();
    repo.write("app.txt", "x=1\n");
    repo.commit_all("base");
    repo.write(".gitattributes", "app.txt -diff\n*.cfg binary\n");
    repo.write("app.txt", format!("x=1\nGITHUB_TOKEN={token}\n"));
    repo.commit_all("hide it");
    for extra in [&[][..], &["--per-commit"][..]] {
        let mut args = vec!["scan", "--range", "HEAD~1..HEAD"];
        args.extend_from_slice(extra);
        let (code, messages, _) = run(&repo, &args);
        assert_eq!(code, Some(1), "{args:?}: {messages:?}");
        assert_eq!(locations(&messages), vec![("app.txt".to_owned(), 2)]);
    }
}
