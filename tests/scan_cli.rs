//! `leakgate scan` driven as a user runs it: the built binary on real temp trees, checking
//! stdout, stderr and the exit code.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::*;
use predicates::prelude::*;

/// One file per provider family, with the rule that must fire on it.
fn provider_tree(tree: &Tree) -> Vec<(&'static str, &'static str, String)> {
    let families: Vec<(&str, &str, String)> = vec![
        (
            "openai.py",
            "openai-project-key",
            format!(
                "sk-proj-{}T3BlbkFJ{}",
                random(1, 74, ALNUM),
                random(2, 74, ALNUM)
            ),
        ),
        (
            "anthropic.ts",
            "anthropic-api-key",
            format!("sk-ant-api03-{}AA", random(3, 93, ALNUM)),
        ),
        ("google.yaml", "google-api-key", fake("AIza", 4, 35, ALNUM)),
        ("github.sh", "github-pat", fake("ghp_", 5, 36, ALNUM)),
        ("gitlab.env", "gitlab-pat", fake("glpat-", 6, 20, ALNUM)),
        (
            "slack.json",
            "slack-bot-token",
            format!(
                "xoxb-{}-{}-{}",
                random(7, 11, DIGITS),
                random(8, 12, DIGITS),
                random(9, 24, ALNUM)
            ),
        ),
        (
            "stripe.rb",
            "stripe-live-secret-key",
            fake("sk_live_", 10, 32, ALNUM),
        ),
        (
            "aws.ini",
            "aws-access-key-id",
            fake("AKIA", 11, 16, UPPER32),
        ),
        ("npm.txt", "npm-access-token", fake("npm_", 12, 36, ALNUM)),
        (
            "pypi.cfg",
            "pypi-upload-token",
            fake("pypi-AgEIcHlwaS5vcmc", 13, 70, ALNUM),
        ),
        (
            "sendgrid.go",
            "sendgrid-api-key",
            format!("SG.{}.{}", random(14, 22, ALNUM), random(15, 43, ALNUM)),
        ),
        ("hf.py", "huggingface-token", fake("hf_", 16, 34, LETTERS)),
        ("db.toml", "database-url-password", random(17, 18, ALNUM)),
        ("settings.env", "generic-assignment", password(18)),
    ];
    for (file, rule, secret) in &families {
        let line = match *rule {
            "generic-assignment" => format!("DB_PASSWORD={secret}\n"),
            "database-url-password" => {
                format!("url = \"postgres://app:{secret}@db.internal:5432/app\"\n")
            }
            _ => format!("# config\nvalue = \"{secret}\"\n"),
        };
        tree.write(file, line);
    }
    tree.write("id_rsa", fake_pem(19));
    let mut out = families;
    out.push(("id_rsa", "private-key", fake_pem(19)));
    out
}

#[test]
fn finds_every_provider_family_and_exits_1() {
    let tree = Tree::new();
    let families = provider_tree(&tree);
    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(1), "stderr: {}", run.stderr);
    let found: BTreeMap<String, String> = run
        .findings()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["rule"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for (file, rule, _) in &families {
        assert_eq!(
            found.get(*file).map(String::as_str),
            Some(*rule),
            "{file} should be found by {rule}; found {found:?}"
        );
    }
    assert_eq!(run.findings().len(), families.len(), "one finding per file");
    assert_eq!(run.summary()["findings"], families.len());
}

#[test]
fn secrets_never_appear_in_any_output_unless_asked() {
    let tree = Tree::new();
    let families = provider_tree(&tree);
    let secrets: Vec<String> = families
        .iter()
        .map(|(_, _, s)| {
            if s.contains("PRIVATE KEY") {
                s.lines().nth(3).unwrap_or_default().to_owned()
            } else {
                s.clone()
            }
        })
        .collect();
    for args in [
        vec!["scan", ".", "--color", "always", "--verbose"],
        vec!["scan", ".", "--format", "json"],
        vec![
            "scan",
            "openai.py",
            "id_rsa",
            "missing-file",
            "--format",
            "json",
        ],
    ] {
        let output = tree.leakgate().args(&args).output().expect("run");
        let all = [output.stdout, output.stderr].concat();
        let text = String::from_utf8_lossy(&all);
        for secret in &secrets {
            // The random part must not leak; a provider's fixed prefix may show.
            let tail = &secret[secret.len() - 12..];
            assert!(!text.contains(tail), "{args:?} leaked a secret's tail");
        }
        assert!(text.contains("[REDACTED]"), "{args:?}: {text}");
    }
    let shown = tree
        .leakgate()
        .args(["scan", ".", "--show-secrets", "--format", "json"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(
        text.contains(&secrets[0]),
        "--show-secrets shows the secret"
    );
}

#[test]
fn human_report_matches_expected_output() {
    let tree = Tree::new();
    let token = fake("ghp_", 42, 36, ALNUM);
    tree.write(
        "app/config.py",
        format!("import os\nGITHUB_TOKEN = \"{token}\"\n"),
    );
    let output = tree
        .leakgate()
        .args(["scan", "app", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let fingerprint = stdout
        .split("(fingerprint ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .expect("fingerprint");
    let elapsed = regex_replace_elapsed(&stdout);
    let expected = format!(
        "\
error[github-pat]: GitHub classic personal access token (ghp_) [high confidence]
 --> app/config.py:2:17
  |
2 | GITHUB_TOKEN = \"ghp_[REDACTED]\"
  |                 ^^^^^^^^^^^^^^
  = help: revoke or rotate it: https://github.com/settings/tokens
  = help: not a secret? add `leakgate:allow` to the line, or the path to .leakgateignore (fingerprint {fingerprint})

1 finding (1 high): scanned 1 file (68 B) in <elapsed>
"
    );
    assert_eq!(elapsed, expected);
    assert_eq!(fingerprint.len(), 16);
    assert!(
        output.stderr.is_empty(),
        "nothing on stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn regex_replace_elapsed(text: &str) -> String {
    text.lines()
        .map(|line| match line.rfind(" in ") {
            Some(i) if line.ends_with('s') && line.contains("scanned") => {
                format!("{} in <elapsed>", &line[..i])
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn colors_follow_the_flag_and_no_color() {
    let tree = Tree::new();
    tree.write(
        "a.env",
        format!("API_TOKEN={}\n", random(3, 20, PASSWORDISH)),
    );
    let colored = tree
        .leakgate()
        .args(["scan", "--color", "always"])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&colored.stdout).contains("\u{1b}["));
    let auto = tree
        .leakgate()
        .args(["scan"])
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&auto.stdout).contains("\u{1b}["));
    let never = tree
        .leakgate()
        .args(["scan", "--color", "never"])
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&never.stdout).contains("\u{1b}["));
}

#[test]
fn placeholders_and_references_are_quiet() {
    let tree = Tree::new();
    tree.write(
        "config.yaml",
        "\
password: ${DB_PASSWORD}
api_key: \"<your-api-key>\"
token: \"{{ .Values.token }}\"
secret: changeme
client_secret: process.env.CLIENT_SECRET
aws_access_key_id: AKIAIOSFODNN7EXAMPLE
request_id: 123e4567-e89b-12d3-a456-426614174000
password_hash: 5f4dcc3b5aa765d61d8327deb882cf99
token_url: https://oauth2.googleapis.com/token
max_tokens: 4096
password: null
",
    );
    tree.write(
        "app.py",
        "password = os.environ[\"PASSWORD\"]\ntoken = self.token\napi_key = get_key()\n",
    );
    tree.write(
        "lock.json",
        "{\"integrity\": \"sha512-Zq8vT3mL9xK2pR7wQm3xT9vLp2Zr8Kw4Zq8vT3mL9xK2pR7wQm3x==\"}\n",
    );
    tree.leakgate()
        .args(["scan", "--color", "never"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "no secrets found: scanned 3 files",
        ));
}

#[test]
fn overlapping_rules_give_one_finding_from_the_most_specific() {
    let tree = Tree::new();
    let key = format!(
        "sk-proj-{}T3BlbkFJ{}",
        random(21, 74, ALNUM),
        random(22, 74, ALNUM)
    );
    tree.write(".env", format!("OPENAI_API_KEY=\"{key}\"\n"));
    let run = run_json(tree.leakgate().arg("scan"));
    let found = run.findings();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["rule"], "openai-project-key");
    assert_eq!(found[0]["preview"], "sk-proj-[REDACTED]");
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(1), Some(17))
    );
}

#[test]
fn binary_and_oversized_files_are_skipped_and_counted() {
    let tree = Tree::new();
    let token = fake("ghp_", 30, 36, ALNUM);
    let mut binary = b"\x7fELF\x00\x00\x01".to_vec();
    binary.extend_from_slice(token.as_bytes());
    tree.write("tool.bin", binary);
    tree.write("big.txt", format!("{}\n{token}\n", "x".repeat(4096)));
    tree.write("small.txt", "hello\n");
    let run = run_json(tree.leakgate().args(["scan", "--max-file-size", "1KiB"]));
    assert_eq!(run.status, Some(0));
    let s = run.summary();
    assert_eq!(s["files_scanned"], 1);
    assert_eq!(s["files_skipped"], 2);
    assert_eq!(s["skipped"]["binary"], 1);
    assert_eq!(s["skipped"]["too_large"], 1);
    assert_eq!(run.paths_of("skipped"), vec!["big.txt", "tool.bin"]);

    let human = tree
        .leakgate()
        .args(["scan", "--color", "never", "--max-file-size", "1KiB"])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&human.stdout).contains("skipped 2 (1 binary, 1 too large)"));
}

#[test]
fn invalid_utf8_and_crlf_are_scanned_with_the_same_positions() {
    let tree = Tree::new();
    let token = fake("glpat-", 31, 20, ALNUM);
    tree.write("lf.txt", format!("first\n  token {token}\n"));
    tree.write("crlf.txt", format!("first\r\n  token {token}\r\n"));
    let mut latin1 = b"caf\xe9 \xff\xfe\n  token ".to_vec();
    latin1.extend_from_slice(token.as_bytes());
    tree.write("latin1.txt", latin1);
    let run = run_json(tree.leakgate().arg("scan"));
    let positions: Vec<(String, u64, u64, u64)> = run
        .findings()
        .iter()
        .map(|f| {
            let n = |k: &str| f[k].as_u64().unwrap_or_default();
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                n("line"),
                n("column"),
                n("end_column"),
            )
        })
        .collect();
    assert_eq!(
        positions,
        vec![
            ("crlf.txt".into(), 2, 9, 35),
            ("latin1.txt".into(), 2, 9, 35),
            ("lf.txt".into(), 2, 9, 35)
        ]
    );
}

#[cfg(unix)]
#[test]
fn fifos_and_symlink_loops_do_not_hang_or_escape() {
    let tree = Tree::new();
    tree.write("ok.txt", "fine\n");
    let fifo = tree.child("pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    std::os::unix::fs::symlink("b", tree.child("a")).expect("symlink");
    std::os::unix::fs::symlink("a", tree.child("b")).expect("symlink");
    std::os::unix::fs::symlink(".", tree.child("self")).expect("symlink");
    let outside = Tree::new();
    outside.write("secret.env", format!("DB_PASSWORD={}\n", password(32)));
    std::os::unix::fs::symlink(outside.path(), tree.child("escape")).expect("symlink");

    let run = run_json(tree.leakgate().arg("scan").timeout(Duration::from_secs(20)));
    assert_eq!(run.status, Some(0), "nothing outside the tree is scanned");
    let s = run.summary();
    assert_eq!(s["files_scanned"], 1);
    assert_eq!(s["skipped"]["not_regular_file"], 1);
    assert_eq!(s["skipped"]["symlink"], 4);

    // Named explicitly, a FIFO (not opened) and a looping link are errors: not scanned.
    let run = run_json(
        tree.leakgate()
            .args(["scan", "pipe", "a"])
            .timeout(Duration::from_secs(20)),
    );
    assert_eq!(run.status, Some(2));
    for path in ["a", "pipe"] {
        assert!(
            run.of_type("error").iter().any(|m| m["path"] == path),
            "{path}: {:?}",
            run.messages
        );
    }
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_reported_and_the_scan_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let tree = Tree::new();
    tree.write("locked.env", format!("DB_PASSWORD={}\n", password(33)));
    tree.write("open.env", format!("API_TOKEN={}\n", password(34)));
    std::fs::set_permissions(tree.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod dir");
    std::fs::set_permissions(
        tree.child("locked.env"),
        std::fs::Permissions::from_mode(0o000),
    )
    .expect("chmod");
    std::fs::set_permissions(
        tree.child("open.env"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");

    // Root reads anything, so run the scan as an unprivileged user when we are root.
    let mut cmd = leakgate_unprivileged(tree.path());
    let output = cmd
        .current_dir(tree.path())
        .args(["scan", "--color", "never"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The readable file's finding is still reported, but a file that was not scanned is an
    // error: exit 0 (or 1) would vouch for what nobody read.
    assert_eq!(output.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("error: cannot scan locked.env: permission denied"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 finding (1 medium): scanned 1 file"),
        "{stdout}"
    );
    assert!(stdout.contains("1 error"), "{stdout}");
}

#[test]
fn inline_allow_comments_suppress_findings() {
    let tree = Tree::new();
    let secret = |seed| password(seed);
    tree.write(
        "app.py",
        format!(
            "a = {{'password': '{}'}}  # leakgate:allow\nb_password = '{}'  # gitleaks:allow\nc_password = '{}'  # pragma: allowlist secret\n# leakgate:allow-next-line\nd_password = '{}'\ne_password = '{}'\n",
            secret(40),
            secret(41),
            secret(42),
            secret(43),
            secret(44)
        ),
    );
    let run = run_json(tree.leakgate().arg("scan"));
    let lines: Vec<u64> = run
        .findings()
        .iter()
        .filter_map(|f| f["line"].as_u64())
        .collect();
    assert_eq!(lines, vec![6], "only the unmarked line is reported");
}

#[test]
fn ignore_files_hidden_files_and_git_dir() {
    let tree = Tree::new();
    let secret = |seed| format!("DB_PASSWORD={}\n", password(seed));
    tree.write(".env", secret(50));
    tree.write(".gitignore", "build/\n");
    tree.write("build/out.env", secret(51));
    tree.write(".leakgateignore", "fixtures/\n");
    tree.write("fixtures/fake.env", secret(52));
    tree.write(".git/config.env", secret(53));
    let paths =
        |args: &[&str]| -> Vec<String> { run_json(tree.leakgate().args(args)).paths_of("finding") };
    assert_eq!(paths(&["scan"]), vec![".env"]);
    assert_eq!(
        paths(&["scan", "--no-ignore"]),
        vec![".env", "build/out.env"]
    );
    // A file named on the command line is scanned even if an ignore file lists it.
    assert_eq!(
        paths(&["scan", "fixtures/fake.env"]),
        vec!["fixtures/fake.env"]
    );
}

#[test]
fn exit_codes_missing_paths_exit_zero_and_usage() {
    let tree = Tree::new();
    tree.write("a.env", format!("API_TOKEN={}\n", password(60)));
    tree.leakgate().args(["scan", "a.env"]).assert().code(1);
    tree.leakgate()
        .args(["scan", "a.env", "--exit-zero"])
        .assert()
        .code(0);
    tree.leakgate()
        .args(["scan", "a.env", "no-such-dir", "--color", "never"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "error: cannot scan no-such-dir: no such file or directory",
        ))
        .stdout(predicate::str::contains("1 finding"));
    tree.leakgate()
        .args(["scan", "--exit-zero", "no-such-dir"])
        .assert()
        .code(2);
    tree.leakgate()
        .args(["scan", "--format", "yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value"));
    tree.leakgate()
        .args(["scan", "--max-file-size", "lots"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a size"));
    let empty = Tree::new();
    empty.leakgate().args(["scan"]).assert().code(0);
}

#[test]
fn output_file_is_written_whole_and_stdout_stays_empty() {
    let tree = Tree::new();
    tree.write("src/a.env", format!("API_TOKEN={}\n", password(61)));
    let report = tree.child("report.json");
    tree.leakgate()
        .args(["scan", "src", "--format", "json", "--output"])
        .arg(&report)
        .assert()
        .code(1)
        .stdout("");
    let text = std::fs::read(&report).expect("report written");
    let messages = json_lines(&text);
    assert_eq!(findings(&messages).len(), 1);
    let leftovers: Vec<_> = std::fs::read_dir(tree.path())
        .expect("ls")
        .filter_map(|e| e.ok())
        .collect();
    assert_eq!(leftovers.len(), 2, "no temp files left beside the report");
}

#[test]
fn scanning_never_changes_the_tree() {
    let tree = Tree::new();
    provider_tree(&tree);
    let snapshot = || -> BTreeMap<String, (Vec<u8>, std::time::SystemTime)> {
        walk(tree.path())
            .into_iter()
            .map(|p| {
                let meta = std::fs::metadata(&p).expect("meta");
                (
                    p.display().to_string(),
                    (
                        std::fs::read(&p).expect("read"),
                        meta.modified().expect("mtime"),
                    ),
                )
            })
            .collect()
    };
    let before = snapshot();
    tree.leakgate()
        .args(["scan", "--format", "json"])
        .assert()
        .code(1);
    tree.leakgate().args(["scan"]).assert().code(1);
    assert_eq!(before, snapshot());
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok())
    {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path))
        } else {
            out.push(path)
        }
    }
    out
}

#[test]
fn a_closed_pipe_exits_quietly() {
    let tree = Tree::new();
    for i in 0..200 {
        tree.write(
            &format!("f{i}.env"),
            format!("API_TOKEN={}\n", password(100 + i)),
        );
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("leakgate"))
        .current_dir(tree.path())
        .args(["scan", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn rules_list_and_check() {
    let run = run_json(leakgate().args(["rules", "list"]));
    assert_eq!(run.status, Some(0));
    let rules = run.messages;
    assert!(rules.len() >= 40);

    for rule in &rules {
        assert!(
            rule["id"].is_string() && rule["keywords"].as_array().is_some_and(|k| !k.is_empty())
        );
    }
    leakgate()
        .args(["rules", "check"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(" 0 failed"));
}

/// A token on a very long line is found wherever it sits, even across the edge of the window
/// the prefilter looks at around a keyword (4 KiB either side of `token`).
#[test]
fn a_token_across_a_long_line_window_edge_is_found() {
    let token = fake("ghp_", 4401, 36, ALNUM);
    for offset in 4090..4106 {
        let tree = Tree::new();
        let line = format!("token {}{token} end\n", "=".repeat(offset));
        tree.write("long.txt", &line);
        let run = run_json(tree.leakgate().args(["scan", "long.txt"]));
        assert_eq!(run.status, Some(1), "offset {offset}: {:?}", run.messages);
        assert_eq!(run.findings().len(), 1, "offset {offset}");
        assert!(!run.stdout.contains(&token));
    }
}
