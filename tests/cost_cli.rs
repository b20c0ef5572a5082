//! What a scan costs grows with its input, not with its input squared: a long line full of
//! keys, a file of thousands of weak passwords. Timed in CPU seconds of the child process (user
//! plus system, from `wait4`), not wall time: on a shared machine the wall clock measures the
//! neighbours.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{LETTERS, Tree, json_lines, random, summary};

/// How one run of the built binary went.
struct Timed {
    status: Option<i32>,
    stdout: Vec<u8>,
    cpu: Duration,
}

/// Run `leakgate ARGS` in `dir` to completion, its output in files (nothing waits on a pipe),
/// and measure the CPU time it used.
// The child is reaped by `wait4` (which also gives its resource usage), not by std's `wait`.
#[allow(unsafe_code, clippy::zombie_processes)]
fn timed(dir: &std::path::Path, args: &[&str]) -> Timed {
    let out = tempfile::tempdir().expect("temp dir");
    let stdout_path = out.path().join("stdout");
    let stdout = std::fs::File::create(&stdout_path).expect("stdout file");
    let stderr = std::fs::File::create(out.path().join("stderr")).expect("stderr file");
    let child = Command::new(assert_cmd::cargo::cargo_bin("leakgate"))
        .args(args)
        .current_dir(dir)
        .env("TERM", "dumb")
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .expect("start leakgate");
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for (std's `Child` is never waited on
    // after this); `status` and `usage` are valid for writes.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
    let seconds = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    Timed {
        status: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        stdout: std::fs::read(&stdout_path).expect("read stdout"),
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
    }
}

/// Scan a tree of one file, `name` holding `text`, and check it exits with `status`, scans the
/// file, and costs under five seconds of CPU (`what` names the input in the failure). Returns
/// the JSON messages.
fn scan_one_file_in_seconds(
    name: &str,
    text: &str,
    status: i32,
    what: &str,
) -> Vec<serde_json::Value> {
    let tree = Tree::new();
    tree.write(name, text);
    let run = timed(tree.path(), &["scan", ".", "--format", "json"]);
    let messages = json_lines(&run.stdout);
    assert_eq!(run.status, Some(status), "{:?}", summary(&messages));
    assert_eq!(summary(&messages)["files_scanned"], 1);
    assert!(
        run.cpu < Duration::from_secs(5),
        "scanning {what} took {:?} of CPU",
        run.cpu
    );
    messages
}

#[test]
fn a_long_line_full_of_keys_costs_its_length_once() {
    // 2 MB on one line, a key every 13 bytes: each key's "is it inside a string?" used to
    // count quotes over the 4 KiB before it, and its line's window was searched again for
    // every key.
    let line = "\"password=x\",".repeat(2_000_000 / 13);
    scan_one_file_in_seconds("minified.js", &format!("{line}\n"), 0, "a 2 MB line");
}

#[test]
fn a_long_line_of_matches_of_a_counted_rule_costs_its_length_once() {
    // 400 KB on one line: a thousand `&password=` and a 15-character value, each followed by
    // a long parameter, all matches of rules whose regexes count (`[^\s"',;]{6,128}`). Asking
    // a rule's gate (its regex with the counts opened up) again after every match read to the
    // end of the line each time: a thousand times 400 KB.
    let value = random(7, 15, LETTERS);
    let filler = "a".repeat(372);
    let line = format!("&password={value}&x={filler}").repeat(1000);
    let text = format!("{line}\n");
    scan_one_file_in_seconds("query.txt", &text, 1, "a 400 KB line of matches");
}

#[test]
fn a_line_of_values_inside_values_costs_its_length_a_few_times() {
    // 200 KB of `password:` on one line: each match's value runs to the end of the line and is
    // rejected, and looking inside each rejected value for another match found the next one,
    // whose value ran to the end again: the line was read once per match (42 s of CPU in a
    // release build; 1 MB never finished).
    let text = "password:".repeat(200_000 / 9);
    let what = "a 200 KB line of values inside values";
    let messages = scan_one_file_in_seconds("words.txt", &text, 0, what);
    // What was not looked into is said, not skipped silently.
    let warned = messages.iter().any(|m| {
        m["type"] == "warning"
            && m["path"] == "words.txt"
            && (m["message"].as_str()).is_some_and(|t| t.contains("values inside values"))
    });
    assert!(warned, "{messages:?}");
}

/// Findings' fingerprints, sorted.
fn fingerprints(stdout: &[u8]) -> Vec<String> {
    let mut all: Vec<String> = json_lines(stdout)
        .iter()
        .filter(|m| m["type"] == "finding")
        .map(|m| m["fingerprint"].as_str().unwrap_or_default().to_owned())
        .collect();
    all.sort();
    all
}

#[test]
fn thirty_two_thousand_weak_passwords_cost_seconds_and_keep_their_baseline() {
    // Each guessable secret's fingerprint is an Argon2 run (milliseconds): 32,000 of them in one
    // file took minutes.
    let tree = Tree::new();
    let lines: Vec<String> = (0..32_000)
        .map(|n| format!("password = \"{}\"\n", random(n, 8, &LETTERS[26..])))
        .collect();
    tree.write("fixtures.py", lines.concat());
    let first = timed(tree.path(), &["scan", ".", "--format", "json"]);
    assert_eq!(first.status, Some(1));
    let found = fingerprints(&first.stdout);
    assert!(found.len() > 31_000, "{} findings", found.len());
    assert!(
        first.cpu < Duration::from_secs(10),
        "the scan took {:?} of CPU",
        first.cpu
    );
    let mut distinct = found.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), found.len(), "one fingerprint per password");

    // The same file gives the same fingerprints on every run, so a baseline accepts them all.
    let baseline = timed(tree.path(), &["baseline"]);
    assert_eq!(baseline.status, Some(0));
    let again = timed(
        tree.path(),
        &[
            "scan",
            ".",
            "--format",
            "json",
            "--baseline",
            ".leakgate-baseline.json",
        ],
    );
    let messages = json_lines(&again.stdout);
    assert_eq!(again.status, Some(0), "{:?}", summary(&messages));
    assert_eq!(summary(&messages)["findings"], 0);

    // A password changed in place is not accepted by the old baseline.
    let mut changed = lines.clone();
    changed[17] = format!("password = \"{}\"\n", random(99_999, 8, &LETTERS[26..]));
    tree.write("fixtures.py", changed.concat());
    let after = timed(
        tree.path(),
        &[
            "scan",
            ".",
            "--format",
            "json",
            "--baseline",
            ".leakgate-baseline.json",
        ],
    );
    let messages = json_lines(&after.stdout);
    assert_eq!(after.status, Some(1));
    assert!(
        messages
            .iter()
            .any(|m| m["type"] == "finding" && m["line"] == 18),
        "the changed line is reported"
    );
}
