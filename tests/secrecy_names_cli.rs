//! Names are output too: a file or directory named after a token, or a commit author holding
//! one, must not print it in any format, in a baseline, or in a skipped-file listing, unless
//! `--show-secrets` is given.

mod common;

use common::*;

/// 16-character windows of `secret` (the whole of it when shorter) that `text` contains.
fn shown(text: &str, secret: &str) -> bool {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 16 {
        return text.contains(secret);
    }
    chars
        .windows(16)
        .any(|w| text.contains(&w.iter().collect::<String>()))
}

#[test]
fn a_token_used_as_a_file_directory_or_author_name_is_masked_in_every_format() {
    let dir_token = fake("ghp_", 7101, 36, ALNUM);
    let file_token = random(7102, 32, ALNUM);
    let author_token = random(7103, 40, BASE64);
    let found = fake("AKIA", 7104, 16, UPPER32);
    let repo = TestRepo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("base");
    repo.write(
        &format!("cache/{dir_token}/{file_token}.env"),
        format!("AWS_ACCESS_KEY_ID={found}\n"),
    );
    // A binary file in the same directory: listed by `-v` as skipped.
    repo.write(&format!("cache/{dir_token}/blob.bin"), b"\0\x01\x02binary");
    repo.git(&["add", "-A"]);
    let author = format!("--author=Bot {author_token} <bot@example.test>");
    repo.git(&["commit", "-q", &author, "-m", "add cache"]);

    let secrets = [&dir_token, &file_token, &author_token, &found];
    let mut runs: Vec<(String, Vec<&str>)> = Vec::new();
    for format in ["human", "json", "sarif", "github", "junit"] {
        runs.push((
            format!("scan . {format}"),
            vec!["scan", ".", "-v", "--format", format],
        ));
        runs.push((
            format!("scan --range {format}"),
            vec!["scan", "--range", "HEAD~1..HEAD", "--format", format],
        ));
    }
    for (label, args) in &runs {
        let output = repo.leakgate().args(args).output().expect("run");
        assert_eq!(output.status.code(), Some(1), "{label}");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        for (i, secret) in secrets.iter().enumerate() {
            assert!(!shown(&text, secret), "{label}: planted name {i} shown");
        }
        assert!(
            text.contains("masked"),
            "{label}: the name is still there, masked"
        );
    }

    // A baseline is committed: it records the path as reports show it, and still matches.
    let baseline = repo.path().join("baseline.json");
    repo.leakgate()
        .args(["baseline", "--file"])
        .arg(&baseline)
        .assert()
        .code(0);
    let written = std::fs::read_to_string(&baseline).expect("baseline");
    for (i, secret) in secrets.iter().enumerate() {
        assert!(!shown(&written, secret), "baseline: planted name {i} shown");
    }
    repo.leakgate()
        .args(["scan", ".", "--baseline"])
        .arg(&baseline)
        .assert()
        .code(0);

    // --show-secrets shows names as they are: the check above can see a leak.
    let output = repo
        .leakgate()
        .args(["scan", "--range", "HEAD~1..HEAD", "--show-secrets"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(shown(&text, &dir_token) && shown(&text, &file_token) && shown(&text, &author_token));
}

/// A token pasted on the command line (a flag value, a revision, a path or file to read) is
/// echoed by usage and fatal errors: those lines mask it too, since they land in CI logs.
#[test]
fn a_token_typed_on_the_command_line_is_masked_in_errors() {
    let token = fake("ghp_", 7201, 36, ALNUM);
    let repo = TestRepo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("base");
    let cases: Vec<Vec<String>> = vec![
        vec!["scan".into(), "--format".into(), token.clone()],
        vec!["scan".into(), "-j".into(), token.clone()],
        vec!["scan".into(), format!("--{token}")],
        vec!["scan".into(), "--range".into(), format!("HEAD..{token}")],
        vec![
            "scan".into(),
            "--history".into(),
            "--since".into(),
            token.clone(),
        ],
        vec!["scan".into(), format!("missing/{token}")],
        vec!["scan".into(), "--config".into(), format!("{token}.toml")],
        vec!["scan".into(), "--baseline".into(), format!("{token}.json")],
    ];
    for args in cases {
        let output = repo.tree.leakgate().args(&args).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{:?}", args[1]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !shown(&stdout, &token) && !shown(&stderr, &token),
            "the token typed as {:?} is echoed",
            args[1]
        );
        assert!(
            stderr.contains("[masked]") || stdout.contains("[masked]"),
            "the error for {:?} says where: {stderr}",
            args[1]
        );
    }
}

/// A run directory named after a token: its run id is a name like any other, masked in every
/// format of `journal --verify` (findings' run labels and integrity problems alike).
#[test]
fn a_token_used_as_a_run_id_is_masked_in_every_format() {
    let token = fake("ghp_", 7301, 36, ALNUM);
    let tree = Tree::new();
    let run = format!(".a5c/runs/{token}");
    tree.write(&format!("{run}/run.json"), "{\"processId\": \"demo\"}\n");
    tree.write(
        &format!("{run}/journal/000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json"),
        format!(
            "{{\"type\":\"RUN_CREATED\",\"seq\":1,\"data\":{{\"password\":\"{}\"}}}}\n",
            random(7302, 16, PASSWORDISH)
        ),
    );
    for format in ["human", "json", "sarif", "github", "junit"] {
        let output = tree
            .leakgate()
            .args(["journal", ".a5c", "--verify", "--format", format])
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(1), "{format}");
        for (stream, text) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            let text = String::from_utf8_lossy(text);
            assert!(!shown(&text, &token), "{format} {stream} shows the run id");
        }
    }
}

/// A weak password is no credential-shaped run, so names are not masked by shape; a file
/// named after the password it holds must still not print it.
#[test]
fn a_file_named_after_the_password_it_holds_is_masked_in_every_format() {
    let tree = Tree::new();
    let weak = random(4801, 6, b"abcdefghijklmnopqrstuvwxyz");
    tree.write(&format!("{weak}.yaml"), format!("password: {weak}\n"));
    for format in ["human", "json", "sarif", "github", "junit"] {
        let output = tree
            .leakgate()
            .args(["scan", ".", "--color", "never", "--format", format])
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{format}: {stdout}{stderr}");
        assert!(!shown(&stdout, &weak), "{format}: {stdout}");
        assert!(!shown(&stderr, &weak), "{format}: {stderr}");
    }
}
