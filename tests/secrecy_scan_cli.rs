//! Secrets in findings' text, driven through the binary: a snippet masks every copy of a found
//! secret and unrecognised credential-shaped neighbours, a preview shows only a provider's known
//! prefix, redacted copies replace every occurrence, single-line PEM keys are whole findings,
//! JSON pointers hold no secret, and building them stays linear in nesting depth.

mod common;

use std::time::{Duration, Instant};

use common::*;

const FORMATS: &[&str] = &["human", "json", "sarif", "github", "junit"];

/// The first piece of `secret` (16 characters, or the whole secret when shorter) that `text`
/// shows.
fn leaked<'a>(text: &str, secret: &'a str) -> Option<&'a str> {
    let n = secret.len().min(16);
    (0..=secret.len() - n)
        .filter(|&i| secret.is_char_boundary(i) && secret.is_char_boundary(i + n))
        .map(|i| &secret[i..i + n])
        .find(|piece| text.contains(piece))
}

fn assert_hidden(text: &str, secrets: &[&str]) {
    for secret in secrets {
        if let Some(piece) = leaked(text, secret) {
            panic!("the output shows {piece:?} of a secret:\n{text}");
        }
    }
}

/// Everything `leakgate <args>` prints in every format: stdout and stderr, with the exit codes.
fn every_format(tree: &Tree, args: &[&str]) -> (Vec<Option<i32>>, String) {
    let mut codes = Vec::new();
    let mut all = String::new();
    for format in FORMATS {
        let output = tree
            .leakgate()
            .args(args)
            .args(["--format", format, "--color", "never"])
            .output()
            .expect("run");
        codes.push(output.status.code());
        all.push_str(&String::from_utf8_lossy(&output.stdout));
        all.push_str(&String::from_utf8_lossy(&output.stderr));
    }
    (codes, all)
}

fn scan_json(tree: &Tree, args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let run = run_json(tree.leakgate().arg("scan").args(args));
    (run.status, run.messages)
}

fn snippets(messages: &[serde_json::Value]) -> Vec<String> {
    findings(messages)
        .iter()
        .map(|f| f["snippet"]["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn a_snippet_masks_every_copy_of_every_secret_on_its_line() {
    let tree = Tree::new();
    let pw = password(1);
    let flag_pw = password(2);
    // Found once (the assignment), echoed again where no rule looks.
    tree.write(
        "deploy.sh",
        format!("export DB_PASSWORD={pw}; echo {pw} | sudo -S true\n"),
    );
    tree.write(
        "login.sh",
        format!("mysql --password {flag_pw} && echo {flag_pw} > ~/.pw\n"),
    );
    // Found decoded inside an escaped JSON string; the copy after it is written another way
    // (doubly escaped quotes, as a command inside a JSON string inside a JSON string).
    let quoted = format!("{}\"{}", random(3, 10, ALNUM), random(4, 10, ALNUM));
    let once = quoted.replace('"', "\\\"");
    let twice = quoted.replace('"', "\\\\\\\"");
    tree.write(
        "events.json",
        format!("{{\"cmd\": \"export DB_PASSWORD='{once}' && run --secret-arg '{twice}'\"}}\n"),
    );
    let (codes, out) = every_format(&tree, &["scan"]);
    assert_eq!(codes, vec![Some(1); FORMATS.len()], "{out}");
    let (_, messages) = scan_json(&tree, &[]);
    assert_eq!(
        locations(&messages),
        [
            ("deploy.sh".to_owned(), 1),
            ("events.json".to_owned(), 1),
            ("login.sh".to_owned(), 1)
        ],
        "{messages:?}"
    );
    assert_hidden(&out, &[&pw, &flag_pw, &quoted, &once, &twice]);
    // The rest of the line stays readable.
    let shown = snippets(&messages);
    assert!(shown[0].contains("| sudo -S true"), "{shown:?}");
    assert!(shown[2].contains("> ~/.pw"), "{shown:?}");
}

#[test]
fn a_snippet_masks_unrecognised_credential_shaped_neighbours_but_not_words() {
    let tree = Tree::new();
    let google = fake("AIza", 10, 35, ALNUM);
    let neighbour = random(11, 40, BASE64);
    let hex = random(12, 40, b"0123456789abcdef");
    let url_safe = random(
        13,
        32,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
    );
    let jwt_like = format!(
        "{}.{}.{}",
        random(14, 20, ALNUM),
        random(15, 30, ALNUM),
        random(16, 24, ALNUM)
    );
    tree.write(
        "app.conf",
        format!("key={google} key={neighbour} sig={hex} cookie={url_safe} auth={jwt_like}\n"),
    );
    let words = "see /usr/local/share/doc/install-notes.txt for AbstractSingletonProxyFactoryBean \
                 and python3.11 on x86_64-linux-gnu, build 2024-01-31T10:00:00Z";
    tree.write(
        "notes.conf",
        format!("key={} # {words}\n", fake("AIza", 17, 35, ALNUM)),
    );
    let (codes, out) = every_format(&tree, &["scan"]);
    assert_eq!(codes, vec![Some(1); FORMATS.len()], "{out}");
    assert_hidden(&out, &[&google, &neighbour, &hex, &url_safe, &jwt_like]);
    let (_, messages) = scan_json(&tree, &[]);
    let shown = snippets(&messages);
    assert!(
        shown.iter().any(|s| s.contains(words)),
        "ordinary words, paths and dates stay readable: {shown:?}"
    );
}

#[test]
fn a_preview_shows_only_a_providers_known_prefix() {
    let tree = Tree::new();
    // Values that happen to start with one of their rule's keywords: that is not a known prefix.
    let starts_secret = format!("secret{}", random(20, 14, ALNUM));
    let starts_token = format!("token{}", random(21, 14, ALNUM));
    let starts_postgres = format!("postgres{}", random(22, 12, ALNUM));
    tree.write("a.env", format!("DB_PASSWORD=\"{starts_secret}\"\n"));
    tree.write("b.yaml", format!("api_token: {starts_token}\n"));
    tree.write(
        "c.env",
        format!("DATABASE_URL=postgres://app:{starts_postgres}@db/app\n"),
    );
    let github = fake("ghp_", 23, 36, ALNUM);
    tree.write("d.sh", format!("export GH={github}\n"));
    let (_, messages) = scan_json(&tree, &[]);
    let previews: Vec<(String, String)> = findings(&messages)
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["preview"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        previews,
        [
            ("a.env".to_owned(), "[REDACTED]".to_owned()),
            ("b.yaml".to_owned(), "[REDACTED]".to_owned()),
            ("c.env".to_owned(), "[REDACTED]".to_owned()),
            ("d.sh".to_owned(), "ghp_[REDACTED]".to_owned()),
        ]
    );
    let (_, out) = every_format(&tree, &["scan"]);
    for secret in [&starts_secret, &starts_token, &starts_postgres] {
        // Even the short keyword-shaped head of such a value is not shown.
        assert!(!out.contains(&secret[..secret.len() - 8]), "{out}");
    }
}

const RUN: &str = "01JAAAAAAAAAAAAAAAAAAAAAAA";

/// Every file under `dir`, as (path, text).
fn files_under(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .build()
        .flatten()
    {
        if entry.file_type().is_some_and(|t| t.is_file()) {
            files.push((
                entry.path().display().to_string(),
                String::from_utf8_lossy(&std::fs::read(entry.path()).expect("read")).into_owned(),
            ));
        }
    }
    files.sort();
    files
}

#[test]
fn a_redacted_copy_replaces_every_occurrence_of_a_found_secret() {
    let tree = Tree::new();
    let pw = password(30);
    let token = fake("ghp_", 31, 36, ALNUM);
    let quoted = format!("{}\"{}", random(32, 10, ALNUM), random(33, 10, ALNUM));
    let run = format!(".a5c/runs/{RUN}");
    tree.write(
        &format!("{run}/run.json"),
        serde_json::json!({"runId": RUN}).to_string(),
    );
    // The task's env is found; the same password is echoed, unrecognised, in the command and in
    // the log of another file; the token appears again where it is found too.
    tree.write(
        &format!("{run}/tasks/t1/task.json"),
        serde_json::to_string_pretty(&serde_json::json!({
            "env": {"DB_PASSWORD": pw, "API_SECRET": quoted},
            "command": format!("echo {pw} | psql; echo '{quoted}' > /tmp/x"),
            "notes": [format!("pushed with {token}")],
        }))
        .expect("json"),
    );
    tree.write(
        &format!("{run}/tasks/t1/stdout.log"),
        format!("connecting as app with {pw}\nheader {}\n", quoted),
    );
    let output = tree
        .leakgate()
        .args(["journal", ".a5c", "--redact-to", "copy", "--color", "never"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(0),
        "the copy was written and its re-scan found nothing: {stdout}{stderr}"
    );
    let escaped = quoted.replace('"', "\\\"");
    let copy = files_under(&tree.child("copy"));
    assert!(copy.len() >= 4, "{copy:?}");
    for (path, text) in &copy {
        assert_hidden(text, &[&pw, &token, &quoted, &escaped]);
        if path.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(text)
                .unwrap_or_else(|e| panic!("{path} is no longer valid JSON: {e}\n{text}"));
        }
    }
    let task = copy
        .iter()
        .find(|(p, _)| p.ends_with("task.json"))
        .map(|(_, t)| serde_json::from_str::<serde_json::Value>(t).expect("json"))
        .expect("task copied");
    assert!(
        task["command"]
            .as_str()
            .is_some_and(|c| c.starts_with("echo [REDACTED:generic-assignment:")),
        "{task}"
    );
    let manifest = copy
        .iter()
        .find(|(p, _)| p.ends_with("leakgate-redactions.json"))
        .map(|(_, t)| serde_json::from_str::<serde_json::Value>(t).expect("json"))
        .expect("manifest");
    let in_log = manifest["replaced"]
        .as_array()
        .expect("replaced")
        .iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("stdout.log"))
        })
        .count();
    assert_eq!(
        in_log, 2,
        "the manifest lists the copies replaced too: {manifest}"
    );
}

/// A PEM key of `kind` written on one line with literal `\n`, as .env files and YAML strings hold
/// it, and its body lines.
fn one_line_pem(kind: &str, seed: u64) -> (String, Vec<String>) {
    let body: Vec<String> = (0..8).map(|i| random(seed + i, 64, BASE64)).collect();
    (
        format!(
            "-----BEGIN {kind}-----\\n{}\\n-----END {kind}-----",
            body.join("\\n")
        ),
        body,
    )
}

#[test]
fn single_line_pem_keys_are_whole_findings() {
    let tree = Tree::new();
    let kinds = [
        "RSA PRIVATE KEY",
        "EC PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
        "PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY",
    ];
    let mut bodies = Vec::new();
    let mut env = String::new();
    for (i, kind) in kinds.iter().enumerate() {
        let (pem, body) = one_line_pem(kind, 100 + 10 * i as u64);
        env.push_str(&format!("KEY_{i}=\"{pem}\"\n"));
        bodies.extend(body);
    }
    tree.write(".env", &env);
    let (yaml_pem, yaml_body) = one_line_pem("RSA PRIVATE KEY", 200);
    tree.write("values.yaml", format!("tls:\n  key: \"{yaml_pem}\"\n"));
    bodies.extend(yaml_body);
    // In a JSON file the `\n` is a JSON escape; inside a .env written into a JSON string it is
    // escaped twice.
    let (json_pem, json_body) = one_line_pem("EC PRIVATE KEY", 300);
    let (nested_pem, nested_body) = one_line_pem("PRIVATE KEY", 400);
    tree.write(
        "config.json",
        format!(
            "{{\n  \"key\": \"{json_pem}\",\n  \"dotenv\": \"PRIVATE_KEY=\\\"{}\\\"\"\n}}\n",
            nested_pem.replace('\\', "\\\\")
        ),
    );
    bodies.extend(json_body);
    bodies.extend(nested_body);

    let (codes, out) = every_format(&tree, &["scan"]);
    assert_eq!(codes, vec![Some(1); FORMATS.len()], "{out}");
    let body_refs: Vec<&str> = bodies.iter().map(String::as_str).collect();
    assert_hidden(&out, &body_refs);

    let (_, messages) = scan_json(&tree, &[]);
    let found = findings(&messages);
    assert_eq!(found.len(), kinds.len() + 3, "{messages:?}");
    for f in &found {
        assert_eq!(f["rule"], "private-key");
        let width = f["end_column"].as_u64().unwrap_or(0) - f["column"].as_u64().unwrap_or(0);
        assert!(width > 8 * 64, "the finding spans the whole block: {f}");
    }
    let mut fingerprints: Vec<&str> = found
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap_or_default())
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(
        fingerprints.len(),
        found.len(),
        "every key has its own fingerprint"
    );
}

#[test]
fn a_baselined_pem_key_does_not_silence_another_key_in_the_same_file() {
    for multi_line in [false, true] {
        let repo = TestRepo::new();
        let key = |seed: u64| {
            if multi_line {
                fake_pem(seed)
            } else {
                format!(
                    "PRIVATE_KEY=\"{}\"\n",
                    one_line_pem("RSA PRIVATE KEY", seed).0
                )
            }
        };
        repo.write("deploy/.env", key(500));
        repo.commit_all("old key");
        repo.leakgate().args(["baseline"]).assert().code(0);
        repo.leakgate()
            .args(["scan", "--baseline", ".leakgate-baseline.json"])
            .assert()
            .code(0);
        // Rotated: a new key, same kind, same file.
        repo.write("deploy/.env", key(600));
        let run = run_json(
            repo.leakgate()
                .args(["scan", "--baseline", ".leakgate-baseline.json"]),
        );
        assert_eq!(
            run.status,
            Some(1),
            "multi-line {multi_line}: the new key is reported"
        );
        assert_eq!(run.findings().len(), 1);
    }
}

#[test]
fn a_redacted_copy_removes_a_pem_body() {
    let tree = Tree::new();
    let run = format!(".a5c/runs/{RUN}");
    tree.write(
        &format!("{run}/run.json"),
        serde_json::json!({"runId": RUN}).to_string(),
    );
    let (pem, mut bodies) = one_line_pem("OPENSSH PRIVATE KEY", 700);
    tree.write(&format!("{run}/work/.env"), format!("SSH_KEY=\"{pem}\"\n"));
    let multi = fake_pem(710);
    bodies.extend(multi.lines().skip(1).take(12).map(str::to_owned));
    tree.write(&format!("{run}/work/id_rsa"), &multi);
    let output = tree
        .leakgate()
        .args(["journal", ".a5c", "--redact-to", "copy", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "the copy was written");
    let body_refs: Vec<&str> = bodies.iter().map(String::as_str).collect();
    for (_, text) in files_under(&tree.child("copy")) {
        assert_hidden(&text, &body_refs);
    }
    assert_hidden(&String::from_utf8_lossy(&output.stdout), &body_refs);
}

#[test]
fn json_pointers_hold_no_secret() {
    let tree = Tree::new();
    let token = fake("ghp_", 40, 36, ALNUM);
    let opaque = random(41, 40, BASE64);
    let inner = fake("ghp_", 42, 36, ALNUM);
    let run = format!(".a5c/runs/{RUN}");
    tree.write(
        &format!("{run}/run.json"),
        serde_json::json!({"runId": RUN}).to_string(),
    );
    tree.write(
        &format!("{run}/state/cache.json"),
        serde_json::to_string_pretty(&serde_json::json!({
            "tokens": {token.clone(): {"scopes": ["repo"]}},
            "sessions": {opaque.clone(): {"note": format!("used {inner}")}},
        }))
        .expect("json"),
    );
    let (codes, out) = every_format(&tree, &["scan", ".a5c"]);
    assert_eq!(codes, vec![Some(1); FORMATS.len()], "{out}");
    assert_hidden(&out, &[&token, &opaque, &inner]);
    let (_, messages) = scan_json(&tree, &[".a5c"]);
    let pointers: Vec<&str> = findings(&messages)
        .iter()
        .map(|f| f["json_pointer"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        pointers,
        ["/sessions/[REDACTED]/note", "/tokens/[REDACTED]"],
        "{messages:?}"
    );
    let human = tree
        .leakgate()
        .args(["scan", ".a5c", "--color", "never"])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&human.stdout).contains("at /tokens/[REDACTED]"));

    let output = tree
        .leakgate()
        .args(["journal", ".a5c", "--redact-to", "copy", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "the copy was written");
    let manifest =
        std::fs::read_to_string(tree.child("copy/leakgate-redactions.json")).expect("manifest");
    assert!(manifest.contains("/tokens/[REDACTED]"), "{manifest}");
    assert_hidden(&manifest, &[&token, &opaque, &inner]);
    assert_hidden(
        &String::from_utf8_lossy(&output.stdout),
        &[&token, &opaque, &inner],
    );
}

/// `depth` nested objects `{"a": {"a": … "<innermost>" … }}`.
fn deep_json(depth: usize, key: &str, innermost: &str) -> String {
    let mut text = String::with_capacity(depth * 8 + innermost.len());
    for _ in 0..depth {
        text.push_str(&format!("{{\"{key}\":"));
    }
    text.push_str(&format!("\"{innermost}\""));
    text.push_str(&"}".repeat(depth));
    text.push('\n');
    text
}

#[test]
fn json_pointers_are_linear_in_nesting_depth() {
    let tree = Tree::new();
    let token = fake("ghp_", 50, 36, ALNUM);
    // A raw match (pointers for every string were built), an escaped one (every escaped key
    // got one), and the same as JSON Lines.
    tree.write("deep/raw.json", deep_json(40_000, "a", &token));
    tree.write(
        "deep/escaped.json",
        deep_json(40_000, "a\\n", &format!("x\\n{token}")),
    );
    tree.write(
        "deep/lines.jsonl",
        deep_json(40_000, "a", &format!("x\\n{token}")),
    );
    let started = Instant::now();
    let run = run_json(
        tree.leakgate()
            .args(["scan", "deep"])
            .timeout(Duration::from_secs(60)),
    );
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(60),
        "took {elapsed:?} (timed out)"
    );
    assert_eq!(run.status, Some(1));
    let found = run.findings();
    assert_eq!(found.len(), 3, "{:?}", run.messages);

    for f in found {
        let pointer = f["json_pointer"].as_str().unwrap_or_default();
        assert!(
            pointer.starts_with("/a") && pointer.len() < 1000,
            "a deep pointer is shortened: {} bytes",
            pointer.len()
        );
    }
    assert!(
        run.stdout.len() < 64 * 1024,
        "output stays small: {}",
        run.stdout.len()
    );
}

#[test]
fn a_pem_key_has_one_fingerprint_however_its_lines_are_written() {
    let tree = Tree::new();
    let (one_line, body) = one_line_pem("RSA PRIVATE KEY", 800);
    tree.write(".env", format!("PRIVATE_KEY=\"{one_line}\"\n"));
    tree.write(
        "id_rsa",
        format!(
            "-----BEGIN RSA PRIVATE KEY-----\r\n{}\r\n-----END RSA PRIVATE KEY-----\r\n",
            body.join("\r\n")
        ),
    );
    tree.write(
        "secrets.json",
        format!("{{\"key\": \"{}\"}}\n", one_line.replace("\\n", "\\r\\n")),
    );
    let (code, messages) = scan_json(&tree, &[]);
    assert_eq!(code, Some(1));
    let fingerprints: Vec<&str> = findings(&messages)
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(fingerprints.len(), 3, "{messages:?}");
    assert!(
        fingerprints.iter().all(|f| *f == fingerprints[0]),
        "one key, one fingerprint: {fingerprints:?}"
    );
}
