//! No false all-clear: exit 0 only when everything asked for was scanned. Named inputs that
//! cannot be read, standard input, git blobs a clone does not have, files a change adds that are
//! too large, UTF-16 text, and inputs too big to read carelessly.

mod common;

use std::time::Duration;

use common::*;

fn ghp(seed: u64) -> String {
    fake("ghp_", seed, 36, ALNUM)
}

/// (rule, line, column) of each finding.
fn positions(messages: &[serde_json::Value]) -> Vec<(String, u64, u64)> {
    findings(messages)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
                f["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let units = std::iter::once(0xFEFF).chain(text.encode_utf16());
    if big_endian {
        units.flat_map(u16::to_be_bytes).collect()
    } else {
        units.flat_map(u16::to_le_bytes).collect()
    }
}

// ---- 1. Named inputs that were not scanned are errors ----

#[cfg(unix)]
#[test]
fn a_named_fifo_socket_or_stdin_pipe_is_an_error_not_a_skip() {
    let tree = Tree::new();
    tree.write("clean.txt", "nothing here\n");
    let status = std::process::Command::new("mkfifo")
        .arg(tree.child("pipe"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let _socket =
        std::os::unix::net::UnixListener::bind(tree.child("sock")).expect("bind a socket");

    let run = run_json(
        tree.leakgate()
            .args(["scan", "pipe", "sock", "clean.txt"])
            .timeout(Duration::from_secs(30)),
    );
    assert_eq!(run.status, Some(2), "named but not scanned");
    assert_eq!(run.paths_of("error"), vec!["pipe", "sock"]);
    let message = run.of_type("error")[0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("leakgate scan -"),
        "says what to do: {message}"
    );
    assert_eq!(run.summary()["files_scanned"], 1);

    // Inside a directory the walk finds them: counted skips, the scan is clean.
    let run = run_json(
        tree.leakgate()
            .args(["scan", "."])
            .timeout(Duration::from_secs(30)),
    );
    assert_eq!(run.status, Some(0));
    assert_eq!(run.summary()["skipped"]["not_regular_file"], 2);
}

#[cfg(unix)]
#[test]
fn dev_stdin_on_a_pipe_and_process_substitution_are_errors() {
    let tree = Tree::new();
    let secret = format!("API_TOKEN={}\n", password(1));
    let run = run_json(
        tree.leakgate()
            .args(["scan", "/dev/stdin"])
            .write_stdin(secret.clone())
            .timeout(Duration::from_secs(30)),
    );
    assert_eq!(run.status, Some(2));
    assert_eq!(run.paths_of("error"), vec!["/dev/stdin"]);

    // `leakgate scan <(cat file)` from a shell: a /dev/fd pipe.
    tree.write("s.env", &secret);
    let binary = assert_cmd::cargo::cargo_bin("leakgate");
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' scan <(cat s.env) --format json",
            binary.display()
        ))
        .current_dir(tree.path())
        .output()
        .expect("bash");
    let run = JsonRun::from(output);
    assert_eq!(run.status, Some(2));
    assert!(
        run.paths_of("error")
            .iter()
            .all(|p| p.starts_with("/dev/fd/") || p.starts_with("/proc/")),
        "{:?}",
        run.messages
    );
    assert_eq!(run.of_type("error").len(), 1);
}

#[cfg(unix)]
#[test]
fn an_unreadable_named_file_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let tree = Tree::new();
    tree.write("locked.env", format!("DB_PASSWORD={}\n", password(2)));
    std::fs::set_permissions(tree.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod dir");
    std::fs::set_permissions(
        tree.child("locked.env"),
        std::fs::Permissions::from_mode(0o000),
    )
    .expect("chmod");
    // Root reads anything: drop to nobody, as the other permission tests do.
    let run = run_json(leakgate_unprivileged(tree.path()).args(["scan", "locked.env"]));
    assert_eq!(run.status, Some(2));
    assert_eq!(run.paths_of("error"), vec!["locked.env"]);
    assert_eq!(run.of_type("error")[0]["message"], "permission denied");
}

/// A file is read as far as the size it had when opened, except one whose size the file system
/// gives as 0 without knowing it (`/proc`): that one is read to its end, not taken as empty.
#[cfg(target_os = "linux")]
#[test]
fn a_file_the_file_system_gives_no_size_is_read_to_its_end() {
    let environ = std::path::Path::new("/proc/self/environ");
    let size = std::fs::metadata(environ)
        .expect("stat /proc/self/environ")
        .len();
    assert_eq!(size, 0, "this test needs a file whose reported size is 0");
    // leakgate's own environment, as /proc shows it to leakgate, holds the token.
    let run = run_json(
        leakgate()
            .env("LEAKGATE_TEST_TOKEN", ghp(31))
            .args(["scan", "/proc/self/environ"]),
    );
    assert_eq!(run.status, Some(1), "{:?}", run.messages);
    let rules: Vec<String> = positions(&run.messages).into_iter().map(|p| p.0).collect();
    assert!(rules.iter().any(|r| r == "github-pat"), "{rules:?}");
}

// ---- 2. `leakgate scan -` ----

#[test]
fn dash_scans_standard_input() {
    let tree = Tree::new();
    let token = ghp(3);
    let run = run_json(
        tree.leakgate()
            .args(["scan", "-"])
            .write_stdin(format!("first line\nexport GH={token}\n")),
    );
    assert_eq!(run.status, Some(1));
    assert_eq!(run.locations(), vec![("-".to_owned(), 2)]);
    assert_eq!(
        positions(&run.messages)[0],
        ("github-pat".to_owned(), 2, 11)
    );
    assert_eq!(run.summary()["files_scanned"], 1);
    assert!(!run.stdout.contains(&token));

    // With other paths too.
    tree.write("a.env", format!("API_TOKEN={}\n", password(4)));
    let run = run_json(
        tree.leakgate()
            .args(["scan", "a.env", "-"])
            .write_stdin(format!("{token}\n")),
    );
    assert_eq!(run.status, Some(1));
    assert_eq!(
        run.locations(),
        vec![("-".to_owned(), 1), ("a.env".to_owned(), 1)]
    );
}

#[test]
fn stdin_filename_selects_json_awareness_path_rules_and_allowlists() {
    let tree = Tree::new();
    let token = ghp(5);
    let json = format!("{{\"auth\": {{\"token\": \"{token}\"}}}}\n");
    let run = |args: &[&str], input: &str| {
        let run = run_json(
            tree.leakgate()
                .args(["scan", "-"])
                .args(args)
                .write_stdin(input.to_owned()),
        );
        (run.status, run.messages)
    };

    let (code, messages) = run(&["--stdin-filename", "config/app.json"], &json);
    assert_eq!(code, Some(1));
    let found = findings(&messages);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["path"], "config/app.json");
    assert_eq!(found[0]["json_pointer"], "/auth/token", "read as JSON");
    let (_, messages) = run(&[], &json);
    assert!(findings(&messages)[0].get("json_pointer").is_none());

    // A rule that applies only to *.toml files.
    let policy = "sandbox_mode = \"danger-full-access\"\n";
    let (code, messages) = run(&["--stdin-filename", ".codex/config.toml"], policy);
    assert_eq!(code, Some(1));
    assert_eq!(positions(&messages)[0].0, "agent-sandbox-full-access");
    let (code, _) = run(&[], policy);
    assert_eq!(code, Some(0), "as `-` it is not a TOML file");

    // Allowlisted paths are honoured for the name given.
    tree.write(".leakgate.toml", "[allowlist]\npaths = [\"fixtures/**\"]\n");
    let (code, messages) = run(&["--stdin-filename", "fixtures/a.json"], &json);
    assert_eq!(code, Some(0), "{messages:?}");
    let (code, _) = run(&["--stdin-filename", "src/a.json"], &json);
    assert_eq!(code, Some(1));
}

#[test]
fn stdin_over_the_size_limit_is_an_error_not_a_truncation() {
    let tree = Tree::new();
    let input = format!("{}\n{}\n", "x".repeat(4096), ghp(6));
    let run = run_json(
        tree.leakgate()
            .args(["scan", "-", "--max-file-size", "1KiB"])
            .write_stdin(input),
    );
    assert_eq!(run.status, Some(2));
    assert_eq!(run.paths_of("error"), vec!["-"]);
    assert!(
        run.of_type("error")[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("--max-file-size")
    );

    // --stdin-filename without `-` is a usage error.
    tree.leakgate()
        .args(["scan", "--stdin-filename", "a.json"])
        .assert()
        .code(2);
}

// ---- 3. Git modes ----

/// A repository whose second commit adds `s.env` with a secret, cloned with
/// `--filter=blob:none --no-checkout` over `file://`: the clone has no blob at all.
fn partial_clone() -> (TestRepo, Tree) {
    let origin = TestRepo::new();
    origin.write("a.txt", "hello\n");
    origin.commit_all("one");
    origin.write("s.env", format!("API_TOKEN={}\n", password(7)));
    origin.commit_all("two");
    origin.git(&["config", "uploadpack.allowFilter", "true"]);
    let clone = Tree::new();
    let url = format!("file://{}", origin.path().display());
    let output = std::process::Command::new("git")
        .args([
            "clone",
            "-q",
            "--no-checkout",
            "--filter=blob:none",
            &url,
            "c",
        ])
        .current_dir(clone.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", clone.path())
        .output()
        .expect("git clone");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (origin, clone)
}

#[test]
fn blobs_missing_from_a_partial_clone_are_errors() {
    let (origin, clone) = partial_clone();
    let blob = origin.git(&["rev-parse", "HEAD:s.env"]);
    let run = |args: &[&str]| {
        run_json(
            clone
                .leakgate()
                .current_dir(clone.child("c"))
                .env("HOME", clone.path())
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .args(args),
        )
    };
    for args in [
        &["scan", "--range", "HEAD~1..HEAD"][..],
        &["scan", "--range", "HEAD~1..HEAD", "--per-commit"],
        &["check", "--range", "HEAD~1..HEAD"],
        &["scan", "--history"],
    ] {
        let run = run(args);
        let messages = &run.messages;
        assert_eq!(run.status, Some(2), "{args:?}: {messages:?}");
        let errors = run.of_type("error");
        let error = errors
            .iter()
            .find(|m| m["path"] == "s.env")
            .unwrap_or_else(|| panic!("{args:?}: no error for s.env: {messages:?}"));
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.contains(&format!("blob {blob}")), "{message}");
    }
}

#[test]
fn a_corrupt_object_is_an_error() {
    let repo = TestRepo::new();
    repo.write("a.txt", "hello\n");
    repo.commit_all("one");
    repo.write("s.env", format!("API_TOKEN={}\n", password(8)));
    repo.commit_all("two");
    let blob = repo.git(&["rev-parse", "HEAD:s.env"]);
    let object = repo
        .path()
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    std::fs::remove_file(&object).expect("remove object");
    std::fs::write(&object, b"this is not a zlib stream at all").expect("corrupt object");
    let run = run_json(repo.leakgate().args(["scan", "--range", "HEAD~1..HEAD"]));
    assert_eq!(run.status, Some(2), "{:?}", run.messages);
    assert_eq!(run.paths_of("error"), vec!["s.env"]);
    let message = run.of_type("error")[0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains(&blob), "{message}");
}

#[test]
fn a_changed_file_over_the_size_limit_is_a_warning_in_every_format() {
    let repo = TestRepo::new();
    repo.write("a.txt", "hello\n");
    repo.commit_all("base");
    repo.write(
        "big.env",
        format!("{}\nAPI_TOKEN={}\n", "# padding".repeat(300), password(9)),
    );
    repo.write("small.txt", "fine\n");
    repo.git(&["add", "-A"]);
    let run = |mode: &[&str], format: &str| {
        let output = repo
            .leakgate()
            .args(mode)
            .args(["--max-file-size", "1KiB", "--format", format])
            .output()
            .expect("run");
        assert_eq!(
            output.status.code(),
            Some(0),
            "a warning does not fail the run"
        );
        (
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let staged: &[&str] = &["scan", "--staged"];
    let (json, _) = run(staged, "json");
    let warnings: Vec<serde_json::Value> = json_lines(json.as_bytes())
        .into_iter()
        .filter(|m| m["type"] == "warning")
        .collect();
    assert_eq!(warnings.len(), 1, "{json}");
    assert_eq!(warnings[0]["path"], "big.env");
    assert!(
        warnings[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("--max-file-size")
    );

    let (human, _) = run(staged, "human");
    assert!(human.contains("warning: big.env: not scanned"), "{human}");

    let (github, _) = run(staged, "github");
    assert!(
        github
            .lines()
            .any(|l| l.starts_with("::warning file=big.env,") && l.contains("not scanned")),
        "{github}"
    );

    let (sarif, _) = run(staged, "sarif");
    let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("sarif");
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notes: Vec<&serde_json::Value> = invocation["toolExecutionNotifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter(|n| n["level"] == "warning")
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "big.env"
    );

    let (junit, _) = run(staged, "junit");
    assert!(
        junit.contains(r#"<testcase name="big.env warning" classname="leakgate.warning">"#)
            && junit.contains("<skipped message=\"not scanned"),
        "{junit}"
    );

    // The same in a range.
    repo.git(&["commit", "-q", "-m", "add big"]);
    let (json, _) = run(&["scan", "--range", "HEAD~1..HEAD"], "json");
    assert!(
        json_lines(json.as_bytes())
            .iter()
            .any(|m| m["type"] == "warning" && m["path"] == "big.env"),
        "{json}"
    );
}

#[test]
fn an_empty_range_is_a_usage_error() {
    let repo = TestRepo::new();
    repo.write("a.txt", "hello\n");
    repo.commit_all("one");
    for range in ["", "  ", "\t"] {
        for command in ["scan", "check"] {
            let output = repo
                .leakgate()
                .args([command, "--range", range])
                .output()
                .expect("run");
            assert_eq!(output.status.code(), Some(2), "{command} --range {range:?}");
            assert!(String::from_utf8_lossy(&output.stderr).contains("the range is empty"));
        }
    }
}

// ---- 4. UTF-16 and BOMs ----

#[test]
fn utf16_and_bom_text_is_decoded_with_editor_positions() {
    let tree = Tree::new();
    let token = ghp(10);
    let text = format!(
        "# written by PowerShell\r\nAPI_TOKEN={}\r\nGH=é {token}\r\n",
        password(11)
    );
    tree.write("le.env", utf16(&text, false));
    tree.write("be.env", utf16(&text, true));
    tree.write(
        "bom.env",
        [
            b"\xEF\xBB\xBF".as_slice(),
            format!("DB_PASSWORD={}\n", password(12)).as_bytes(),
        ]
        .concat(),
    );
    tree.write(
        "creds.json",
        utf16(
            &format!("{{\"deploy\": {{\"token\": \"{token}\"}}}}"),
            false,
        ),
    );
    let run = run_json(tree.leakgate().arg("scan"));
    assert_eq!(run.status, Some(1));
    let got: Vec<(String, u64, u64)> = run
        .findings()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
                f["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let at = |path: &str, line, column| (path.to_owned(), line, column);
    assert_eq!(
        got,
        vec![
            at("be.env", 2, 11),
            at("be.env", 3, 6),
            at("bom.env", 1, 13),
            at("creds.json", 1, 23),
            at("le.env", 2, 11),
            at("le.env", 3, 6),
        ]
    );
    let json = run
        .findings()
        .into_iter()
        .find(|f| f["path"] == "creds.json")
        .expect("creds.json");
    assert_eq!(json["json_pointer"], "/deploy/token");
    assert_eq!(run.summary()["files_skipped"], 0);
    assert!(!run.stdout.contains(&token));
}

#[test]
fn utf16_in_git_modes_reports_the_added_lines() {
    let repo = TestRepo::new();
    let old = format!("A=1\r\nAPI_TOKEN={}\r\n", password(13));
    repo.write("win.env", utf16(&old, false));
    repo.commit_all("one");
    // The old secret stays; a new one is added on line 4.
    let new = format!("{old}B=2\r\nSECRET_KEY={}\r\n", password(14));
    repo.write("win.env", utf16(&new, false));
    repo.git(&["add", "win.env"]);

    let (code, messages) = repo.scan_json(&["scan", "--staged"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(locations(&messages), vec![("win.env".to_owned(), 4)]);
    assert_eq!(positions(&messages)[0].2, 12);

    repo.git(&["commit", "-q", "-m", "two"]);
    let (code, messages) = repo.scan_json(&["scan", "--range", "HEAD~1..HEAD"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(locations(&messages), vec![("win.env".to_owned(), 4)]);

    let (code, messages) = repo.scan_json(&["scan", "--history"]);
    assert_eq!(code, Some(1));
    let mut lines: Vec<u64> = locations(&messages).into_iter().map(|(_, l)| l).collect();
    lines.sort_unstable();
    assert_eq!(lines, vec![2, 4]);
}

// ---- 5. Reading big inputs ----

#[cfg(target_os = "linux")]
#[test]
fn a_huge_sparse_binary_file_is_not_read_whole() {
    let tree = Tree::new();
    let file = std::fs::File::create(tree.child("disk.img")).expect("create");
    file.set_len(1 << 30).expect("sparse 1 GiB");
    drop(file);
    // With 400 MB of address space, reading the file whole cannot even allocate. The walk finds
    // it (a file named on the command line is read whole: the user asked for its bytes).
    let binary = assert_cmd::cargo::cargo_bin("leakgate");
    let run = run_json(
        assert_cmd::Command::new("prlimit")
            .arg("--as=400000000")
            .arg(&binary)
            .args(["scan", ".", "--max-file-size", "2GiB"])
            .args(["-j", "1"])
            .current_dir(tree.path()),
    );
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert_eq!(run.summary()["skipped"]["binary"], 1);
}

#[test]
fn a_long_single_line_is_scanned_in_linear_time() {
    // 8 MB of minified-looking code on one line, dense with rule keywords, a secret near the end.
    let tree = Tree::new();
    let words = [
        "token", "key", "secret", "auth", "var", "function", "return", "pass", "api",
    ];
    let mut line = String::with_capacity(8 << 20);
    let mut i = 0usize;
    while line.len() < 8 << 20 {
        line.push_str(words[i % words.len()]);
        line.push_str(&random(i as u64, 5, LETTERS));
        line.push(if i.is_multiple_of(7) { ';' } else { ' ' });
        i += 1;
    }
    let token = ghp(15);
    line.push_str(&format!(" var t=\"{token}\"; end\n"));
    tree.write("bundle.min.js", &line);
    let run = run_json(
        tree.leakgate()
            .args(["scan", "bundle.min.js"])
            .timeout(Duration::from_secs(90)),
    );
    assert_eq!(run.status, Some(1), "finished, with the finding");
    let found = run.findings();
    let token_finding = found
        .iter()
        .find(|f| f["rule"] == "github-pat")
        .expect("the token");
    let column = line.find(&token).expect("token") as u64 + 1;
    assert_eq!(token_finding["column"], column);
    let snippet = token_finding["snippet"]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(
        snippet.starts_with('…') && snippet.chars().count() < 200,
        "{snippet}"
    );
    assert!(!run.stdout.contains(&token));
}

#[test]
fn a_utf16_file_in_run_data_is_redacted_in_its_own_encoding() {
    let tree = Tree::new();
    let run = ".a5c/runs/01JAAAAAAAAAAAAAAAAAAAAAAA";
    tree.write(&format!("{run}/run.json"), "{}\n");
    std::fs::create_dir_all(tree.child(&format!("{run}/journal"))).expect("journal dir");
    let secret = password(16);
    let text = format!("line one\r\nAPI_TOKEN={secret}\r\nend\r\n");
    tree.write(&format!("{run}/task.log"), utf16(&text, false));
    let redacted = run_json(
        tree.leakgate()
            .args(["journal", ".a5c", "--redact-to", "out"]),
    );
    assert_eq!(redacted.status, Some(0), "a successful redaction");
    assert_eq!(redacted.locations().len(), 1);
    let copy = std::fs::read(tree.child(&format!("out/{run}/task.log"))).expect("copied");
    assert!(
        copy.starts_with(&[0xFF, 0xFE]),
        "still UTF-16LE with its BOM"
    );
    let units: Vec<u16> = copy[2..]
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    let decoded = String::from_utf16(&units).expect("valid UTF-16");
    assert!(!decoded.contains(&secret), "{decoded}");
    assert!(
        decoded.starts_with("line one\r\nAPI_TOKEN=[REDACTED:generic-assignment:")
            && decoded.ends_with("]\r\nend\r\n"),
        "{decoded}"
    );
}

/// A secret found in a UTF-16 file is replaced wherever else it is copied too: a bare repeat in
/// another file of the run (which no rule would find again) must not survive the copy.
#[test]
fn a_secret_found_in_utf16_text_is_replaced_in_every_copied_file() {
    let tree = Tree::new();
    let run = ".a5c/runs/01JAAAAAAAAAAAAAAAAAAAAAAA";
    tree.write(&format!("{run}/run.json"), "{}\n");
    let secret = password(17);
    tree.write(
        &format!("{run}/task.log"),
        utf16(&format!("API_TOKEN={secret}\r\n"), false),
    );
    tree.write(
        &format!("{run}/stderr.log"),
        format!("connecting with {secret}\n"),
    );
    let output = tree
        .leakgate()
        .args(["journal", ".a5c", "--redact-to", "out", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "a successful redaction");
    let copy =
        std::fs::read_to_string(tree.child(&format!("out/{run}/stderr.log"))).expect("copied");
    assert!(!copy.contains(&secret), "the repeat survived in stderr.log");
    assert!(copy.starts_with("connecting with [REDACTED:"), "{copy}");
}

// ---- Named inputs are scanned whatever their content, or the run says why not ----

#[test]
fn a_named_binary_file_is_scanned_and_a_walked_one_is_a_counted_skip() {
    let tree = Tree::new();
    let token = ghp(41);
    let mut blob = vec![0u8, 1, 2, 3, 0, 0x7f];
    blob.extend_from_slice(format!("\n{token}\n").as_bytes());
    tree.write("dir/app.bin", &blob);

    // Named: its bytes are scanned, and the secret blocks.
    let run = run_json(tree.leakgate().args(["scan", "dir/app.bin"]));
    assert_eq!(run.status, Some(1));
    assert_eq!(run.locations(), vec![("dir/app.bin".to_owned(), 2)]);
    assert!(!run.stdout.contains(&token));

    // Found by the walk: a counted skip, as binary files in a tree always are.
    let run = run_json(tree.leakgate().args(["scan", "dir"]));
    assert_eq!(run.status, Some(0));
    assert_eq!(run.summary()["skipped"]["binary"], 1);

    // The same bytes on standard input are scanned too.
    let run = run_json(tree.leakgate().args(["scan", "-"]).write_stdin(blob));
    assert_eq!(run.status, Some(1));
}

#[test]
fn a_named_file_over_the_size_limit_is_an_error() {
    let tree = Tree::new();
    tree.write("big.env", format!("{}\n", "x".repeat(2048)));
    let run = run_json(
        tree.leakgate()
            .args(["scan", "big.env", "--max-file-size", "1KiB"]),
    );
    assert_eq!(run.status, Some(2));
    assert_eq!(run.paths_of("error"), vec!["big.env".to_owned()]);
    let message = run.of_type("error")[0]["message"]
        .as_str()
        .unwrap_or_default();

    assert!(message.contains("--max-file-size"), "{message}");
}
