//! `leakgate journal` on real run directories laid out as the agent SDK writes them
//! (`../shared/journal-format.md`), built in temp dirs.

mod common;

use std::path::Path;

use common::*;

const RUN: &str = "01JAAAAAAAAAAAAAAAAAAAAAAA";

/// A run under `root/runs/<RUN>` with a token in the prompt event, a password in a task's env,
/// and a bearer token in stderr. Returns the secrets.
fn write_run(tree: &Tree, root: &str) -> Vec<String> {
    let token = fake("ghp_", 90, 36, ALNUM);
    let password = password(91);
    let bearer = random(92, 40, ALNUM);
    let run = format!("{root}/runs/{RUN}");
    tree.write(
        &format!("{run}/run.json"),
        serde_json::json!({"runId": RUN, "processId": "demo/deploy"}).to_string(),
    );
    tree.write(
        &format!("{run}/journal/000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json"),
        sdk_event(
            "RUN_CREATED",
            0,
            serde_json::json!({"runId": RUN, "prompt": format!("deploy with {token}")}),
        ),
    );
    tree.write(
        &format!("{run}/journal/000002.01JDDDDDDDDDDDDDDDDDDDDDD2.json"),
        sdk_event("EFFECT_REQUESTED", 1, serde_json::json!({"effectId": "01JBBBBBBBBBBBBBBBBBBBBBBB", "taskDefRef": "tasks/01JBBBBBBBBBBBBBBBBBBBBBBB/task.json"})),
    );
    tree.write(
        &format!("{run}/tasks/01JBBBBBBBBBBBBBBBBBBBBBBB/task.json"),
        serde_json::to_string_pretty(
            &serde_json::json!({"kind": "node", "node": {"env": {"DB_PASSWORD": password}}}),
        )
        .expect("json"),
    );
    tree.write(
        &format!("{run}/tasks/01JBBBBBBBBBBBBBBBBBBBBBBB/stderr.log"),
        format!("curl -H 'Authorization: Bearer {bearer}' https://api.internal\n"),
    );
    // The run's own .gitignore hides state/ and blobs/ from git, not from the audit.
    tree.write(&format!("{run}/.gitignore"), "state/\nblobs/\n");
    tree.write(
        &format!("{run}/state/output.json"),
        format!("{{\"result\": \"token {token}\"}}\n"),
    );
    vec![token, password, bearer]
}

#[test]
fn journal_names_run_event_and_pointer_and_redacts() {
    let tree = Tree::new();
    let secrets = write_run(&tree, ".a5c");
    let run = run_json(tree.leakgate().args(["journal", ".a5c"]));
    assert_eq!(run.status, Some(1));
    let found = run.findings();
    let described: Vec<(String, String, String)> = found
        .iter()
        .map(|f| {
            let p = &f["provenance"];
            (
                f["path"]
                    .as_str()
                    .unwrap_or_default()
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
                format!(
                    "{}:{}:{}",
                    p["kind"].as_str().unwrap_or_default(),
                    p["seq"],
                    p["event_type"]
                ),
                f["json_pointer"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        described,
        vec![
            (
                "000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json".into(),
                "journal:1:\"RUN_CREATED\"".into(),
                "/data/prompt".into()
            ),
            (
                "output.json".into(),
                "journal:null:null".into(),
                "/result".into()
            ),
            ("stderr.log".into(), "journal:null:null".into(), "".into()),
            (
                "task.json".into(),
                "journal:null:null".into(),
                "/node/env/DB_PASSWORD".into()
            ),
        ]
    );
    assert!(found.iter().all(|f| f["provenance"]["run_id"] == RUN));
    assert_eq!(run.summary()["runs"], 1);

    let human = tree
        .leakgate()
        .args(["journal", ".a5c", "--color", "never", "--verbose"])
        .output()
        .expect("run");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&human.stdout),
        String::from_utf8_lossy(&human.stderr)
    );
    assert!(
        text.starts_with(&format!("run {RUN}\n")),
        "grouped by run: {text}"
    );
    assert!(
        text.contains("= note: journal event 1 (RUN_CREATED)"),
        "{text}"
    );
    for secret in &secrets {
        assert!(!text.contains(secret.as_str()) && !run.stdout.contains(secret.as_str()));
    }
}

#[test]
fn journal_discovers_repo_and_global_roots() {
    let home = Tree::new();
    write_run(&home, ".a5c");
    let repo = TestRepo::new();
    write_run(&repo.tree, ".a5c");
    let custom = Tree::new();
    write_run(&custom, "elsewhere");
    let run = run_json(
        repo.leakgate()
            .current_dir(repo.path())
            .env("HOME", home.path())
            .env("BABYSITTER_RUNS_DIR", custom.path().join("elsewhere/runs"))
            .arg("journal"),
    );
    assert_eq!(run.status, Some(1));
    assert_eq!(
        run.summary()["runs"],
        3,
        "repo, global and $BABYSITTER_RUNS_DIR runs"
    );
    assert_eq!(run.findings().len(), 12);

    // Nothing anywhere: said so, exit 0.
    let empty = Tree::new();
    let output = empty
        .leakgate()
        .env("HOME", empty.path())
        .args(["journal", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("warning: no agent run data found; looked in:")
    );
}

#[test]
fn legacy_layouts_transcripts_and_symlinks() {
    let tree = Tree::new();
    let legacy = format!(".a5c/runs/{RUN}");
    tree.write(
        &format!("{legacy}/state.json"),
        "{\"nextEventId\": 3, \"status\": \"running\"}\n",
    );
    tree.write(
        &format!("{legacy}/journal.jsonl"),
        format!(
            "{{\"timestamp\": \"t\", \"type\": \"event\", \"id\": \"1\", \"event\": \"function_call\", \"data\": {{\"args\": \"--api-key={}\"}}}}\n",
            password(93)
        ),
    );
    // A Claude Code style transcript passed directly.
    tree.write(
        "transcripts/session.jsonl",
        format!(
            "{{\"type\": \"user\", \"message\": {{\"content\": \"my token is {}\"}}}}\n",
            fake("glpat-", 94, 20, ALNUM)
        ),
    );
    // A symlink inside the run pointing outside the roots is not followed.
    let outside = Tree::new();
    outside.write("secret.env", format!("API_TOKEN={}\n", password(95)));
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path(), tree.child(&format!("{legacy}/escape")))
        .expect("symlink");

    let run = run_json(
        tree.leakgate()
            .args(["journal", ".a5c", "transcripts/session.jsonl"]),
    );
    assert_eq!(run.status, Some(1));
    let paths: Vec<String> = run
        .findings()
        .iter()
        .map(|f| f["path"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        paths,
        vec![
            format!("{legacy}/journal.jsonl"),
            "transcripts/session.jsonl".to_owned()
        ]
    );
    assert_eq!(run.summary()["runs"], 1);
    assert!(Path::new(&tree.child(&format!("{legacy}/escape"))).exists());
}

fn checksum_verifies(text: &str) -> bool {
    use sha2::Digest;
    let prefix = ",\n  \"checksum\": \"";
    let Some(at) = text.rfind(prefix) else {
        return false;
    };
    let stored = &text[at + prefix.len()..at + prefix.len() + 64];
    let body = format!("{}\n}}\n", &text[..at]);
    let computed: String = sha2::Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    computed == stored
}

#[test]
fn redacted_copy_is_valid_verifies_and_leaves_originals_alone() {
    let tree = Tree::new();
    let secrets = write_run(&tree, ".a5c");
    let snapshot = || -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        for entry in ignore::WalkBuilder::new(tree.child(".a5c"))
            .standard_filters(false)
            .build()
            .flatten()
        {
            if entry.file_type().is_some_and(|t| t.is_file()) {
                files.push((
                    entry.path().display().to_string(),
                    std::fs::read(entry.path()).expect("read"),
                ));
            }
        }
        files.sort();
        files
    };
    let before = snapshot();
    let output = tree
        .leakgate()
        .args(["journal", ".a5c", "--redact-to", "copy", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "the copy was written and re-scanned clean: the redaction succeeded"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(
            "redacted copy written to copy: 7 files, 4 secrets replaced, 1 checksum recomputed"
        ),
        "{stdout}"
    );
    assert_eq!(before, snapshot(), "the originals are untouched");

    let event = std::fs::read_to_string(tree.child(&format!(
        "copy/.a5c/runs/{RUN}/journal/000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json"
    )))
    .expect("copy");
    let parsed: serde_json::Value = serde_json::from_str(&event).expect("the copy is valid JSON");
    assert!(
        parsed["data"]["prompt"]
            .as_str()
            .is_some_and(|p| p.starts_with("deploy with [REDACTED:github-pat:"))
    );
    assert!(
        checksum_verifies(&event),
        "the copy's checksum is recomputed"
    );
    for entry in ignore::WalkBuilder::new(tree.child("copy"))
        .standard_filters(false)
        .build()
        .flatten()
    {
        if entry.file_type().is_some_and(|t| t.is_file()) {
            let text =
                String::from_utf8_lossy(&std::fs::read(entry.path()).expect("read")).into_owned();
            for secret in &secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "{} still holds a secret",
                    entry.path().display()
                );
            }
        }
    }
    let rescan = tree
        .leakgate()
        .args(["journal", "copy"])
        .output()
        .expect("run");
    assert_eq!(rescan.status.code(), Some(0));

    // The target must be new or empty.
    let again = tree
        .leakgate()
        .args(["journal", ".a5c", "--redact-to", "copy"])
        .output()
        .expect("run");
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("is not empty"));
}

fn integrity_codes(tree: &Tree) -> (Option<i32>, Vec<String>) {
    let run = run_json(
        tree.leakgate()
            .args(["journal", ".a5c", "--verify", "--exit-zero"]),
    );
    let mut codes: Vec<String> = run
        .of_type("integrity")
        .iter()
        .filter(|m| m["severity"] != "info")
        .map(|m| m["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    codes.sort();
    (run.status, codes)
}

#[test]
fn verify_finds_tampering_gaps_and_truncation() {
    let tree = Tree::new();
    write_run(&tree, ".a5c");
    let run = format!(".a5c/runs/{RUN}");
    assert_eq!(
        integrity_codes(&tree).1,
        Vec::<String>::new(),
        "a clean run verifies"
    );

    // A third event, then a gap (no 4), a fifth event, a one-byte tamper in the first, and a
    // state.json whose head points past the end.
    tree.write(
        &format!("{run}/journal/000003.01JDDDDDDDDDDDDDDDDDDDDDD3.json"),
        sdk_event(
            "EFFECT_RESOLVED",
            2,
            serde_json::json!({"effectId": "01JBBBBBBBBBBBBBBBBBBBBBBB", "status": "ok"}),
        ),
    );
    tree.write(
        &format!("{run}/journal/000005.01JDDDDDDDDDDDDDDDDDDDDDD5.json"),
        sdk_event("COST_TRACKED", 3, serde_json::json!({"model": "m"})),
    );
    let first = tree.child(&format!(
        "{run}/journal/000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json"
    ));
    let text = std::fs::read_to_string(&first)
        .expect("read")
        .replace("deploy with", "deploy  with");
    std::fs::write(&first, text).expect("tamper");
    tree.write(
        &format!("{run}/state/state.json"),
        "{\"journalHead\": {\"seq\": 9, \"ulid\": \"01JDDDDDDDDDDDDDDDDDDDDDD9\"}}\n",
    );

    let (_, codes) = integrity_codes(&tree);
    assert_eq!(
        codes,
        vec!["checksum-mismatch", "journal-truncated", "seq-gap"]
    );
    let output = tree
        .leakgate()
        .args(["journal", ".a5c", "--verify", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(&format!(
            "error[checksum-mismatch]: run {RUN}: journal/000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json"
        )),
        "{text}"
    );
    assert!(text.contains("3 integrity errors"), "{text}");
}

#[cfg(unix)]
#[test]
fn verify_reports_an_event_it_cannot_read_as_an_error() {
    // Root reads anything, so the run is verified as nobody when the tests run as root: an
    // unreadable event must be an integrity error, never a run that verifies clean.
    use std::os::unix::fs::PermissionsExt;
    let tree = Tree::new();
    write_run(&tree, ".a5c");
    std::fs::set_permissions(tree.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod dir");
    let event = format!(".a5c/runs/{RUN}/journal/000002.01JDDDDDDDDDDDDDDDDDDDDDD2.json");
    std::fs::set_permissions(tree.child(&event), std::fs::Permissions::from_mode(0o000))
        .expect("chmod");
    let run = run_json(leakgate_unprivileged(tree.path()).args(["journal", ".a5c", "--verify"]));
    assert_eq!(run.status, Some(2), "{}{}", run.stdout, run.stderr);
    let problems: Vec<(&str, &str, &str)> = run
        .of_type("integrity")
        .iter()
        .filter(|m| m["severity"] != "info")
        .map(|m| {
            (
                m["code"].as_str().unwrap_or_default(),
                m["severity"].as_str().unwrap_or_default(),
                m["path"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        [(
            "unreadable-file",
            "error",
            "journal/000002.01JDDDDDDDDDDDDDDDDDDDDDD2.json"
        )]
    );
    assert_eq!(run.summary()["integrity_errors"], 1);
    // The scan could not read it either: an error that names it.
    assert_eq!(run.paths_of("error"), [event]);
}
