//! An adversarial review of write safety, the all-clear and resource use, driven through the
//! built binary on real temp trees and git repositories: each test is a way a careful user or an
//! attacker could make leakgate hang, damage a file, or exit 0 about something it did not scan.
//!
//! Devices are only ever FIFOs made here: never `/dev/null` or another shared device.
#![cfg(unix)]

mod common;

use std::time::{Duration, Instant};

use common::*;

fn ghp(seed: u64) -> String {
    fake("ghp_", seed, 36, ALNUM)
}

#[test]
fn many_findings_on_one_line_take_linear_time() {
    // A one-line dump of tokens (minified JSON, a log line): each finding used to search its
    // whole line again (allow comments, line bounds, the other findings' masks), so 20,000 of
    // them on one line ran for a quarter of an hour.
    let tree = Tree::new();
    let count = 20_000u64;
    let tokens: Vec<String> = (0..count).map(ghp).collect();
    tree.write("dump.txt", format!("{}\n", tokens.join(" ")));
    let started = Instant::now();
    let run = run_json(
        tree.leakgate()
            .args(["scan", "dump.txt"])
            .timeout(Duration::from_secs(120)),
    );
    assert_eq!(
        run.status,
        Some(1),
        "finished with the findings (after {:?})",
        started.elapsed()
    );
    // As many as when each token has a line of its own (a few random ones look like
    // placeholders and are rightly not reported either way).
    tree.write("lines.txt", tokens.join("\n"));
    let reference = run_json(
        tree.leakgate()
            .args(["scan", "lines.txt"])
            .timeout(Duration::from_secs(120)),
    );
    let expected = reference.findings().len();
    assert!(expected as u64 > count * 99 / 100, "{expected}");
    assert_eq!(run.findings().len(), expected);
    let stdout = &run.stdout;
    assert!(
        tokens
            .iter()
            .step_by(997)
            .all(|t| !stdout.contains(t.as_str())),
        "no token is printed"
    );
}

#[test]
fn a_range_without_a_base_is_a_usage_error() {
    // `--range "$BASE..HEAD"` with BASE unset is `..HEAD`, which git reads as HEAD..HEAD: a scan
    // of nothing that used to exit 0 although the commit below adds a token.
    let repo = TestRepo::new();
    repo.write("a.txt", "hello\n");
    repo.commit_all("one");
    repo.write("s.env", format!("TOKEN={}\n", ghp(1)));
    repo.commit_all("two");
    for range in ["..HEAD", "...HEAD", "..", "...", " ..HEAD", "..  "] {
        for command in ["scan", "check", "baseline"] {
            let output = repo
                .leakgate()
                .args([command, "--range", range])
                .output()
                .expect("run");
            assert_eq!(output.status.code(), Some(2), "{command} --range {range:?}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains("no base"),
                "{command} --range {range:?}: {stderr}"
            );
        }
    }
    // A missing head still means HEAD, as in git.
    let (code, messages) = repo.scan_json(&["scan", "--range", "HEAD~1.."]);
    assert_eq!(code, Some(1));
    assert_eq!(locations(&messages), [("s.env".to_owned(), 1)]);
}

fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn directories_that_cannot_be_read_are_errors_in_every_format() {
    // A directory of the tree (or one named) that cannot be listed was a counted skip: exit 0,
    // and nothing at all in SARIF, JUnit or the github annotations.
    let tree = Tree::new();
    tree.write("open/ok.txt", "hello\n");
    tree.write("open/locked/s.env", format!("TOKEN={}\n", ghp(2)));
    tree.write("sealed/s.env", format!("TOKEN={}\n", ghp(3)));
    chmod(tree.path(), 0o755);
    chmod(&tree.child("open"), 0o755);
    chmod(&tree.child("open/locked"), 0o000);
    chmod(&tree.child("sealed"), 0o000);
    for (args, expected) in [
        (vec!["scan", "open"], vec!["open/locked"]),
        (vec!["scan", "sealed"], vec!["sealed"]),
        (vec!["scan", "."], vec!["open/locked", "sealed"]),
    ] {
        let run = run_json(leakgate_unprivileged(tree.path()).args(&args));
        assert_eq!(run.status, Some(2), "{args:?}");
        let mut errors: Vec<&str> = run
            .of_type("error")
            .into_iter()
            .filter_map(|m| m["path"].as_str())
            .collect();
        errors.sort_unstable();

        assert_eq!(errors, expected, "{args:?}");
        for format in ["sarif", "github", "junit", "human"] {
            let output = leakgate_unprivileged(tree.path())
                .args(&args)
                .args(["--format", format])
                .output()
                .expect("run");
            assert_eq!(output.status.code(), Some(2), "{args:?} {format}");
            let shown = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            for path in &expected {
                assert!(shown.contains(path), "{args:?} {format}: {shown}");
            }
        }
    }
    // Listed in .leakgateignore, it is left out on purpose: clean.
    tree.write("open/.leakgateignore", "locked/\n");
    let output = leakgate_unprivileged(tree.path())
        .args(["scan", "open"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn install_hook_refuses_a_hooks_path_it_cannot_resolve() {
    // git expands `~user/` in core.hooksPath; libgit2 cannot, and the hook used to be written to
    // .git/hooks, where git never runs it: commits went unchecked while the user believed
    // otherwise.
    let repo = TestRepo::new();
    repo.git(&["config", "core.hooksPath", "~nosuchuser-leakgate/hooks"]);
    let output = repo
        .leakgate()
        .args(["install-hook"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("core.hooksPath"), "{stderr}");
    assert!(!repo.path().join(".git/hooks/pre-commit").exists());
    // Where git does run hooks, the hook is installed there.
    repo.git(&["config", "core.hooksPath", "~/my-hooks"]);
    let output = repo
        .leakgate()
        .args(["install-hook"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let hooks = repo.git(&["rev-parse", "--path-format=absolute", "--git-path", "hooks"]);
    assert!(
        std::path::Path::new(hooks.trim())
            .join("pre-commit")
            .is_file(),
        "{hooks}"
    );
}

#[test]
fn a_report_or_baseline_never_replaces_what_the_command_reads() {
    // `-o` naming the scanned `.env` (directly, through a symlink, or found by the walk), the
    // baseline being applied, or `baseline --file` naming a file that is not a baseline: each
    // used to replace the original with a report.
    let repo = TestRepo::new();
    let env = format!("TOKEN={}\n", ghp(4));
    repo.write("a.env", &env);
    repo.write("README", "hello\n");
    repo.write("settings.toml", "# settings\n");
    repo.commit_all("one");
    std::os::unix::fs::symlink("a.env", repo.path().join("link")).expect("symlink");
    let intact = |what: &str| {
        assert_eq!(
            std::fs::read_to_string(repo.path().join("a.env")).expect("read"),
            env,
            "{what}"
        );
        assert_eq!(
            std::fs::read_to_string(repo.path().join("README")).expect("read"),
            "hello\n",
            "{what}"
        );
    };
    for args in [
        vec!["scan", "a.env", "-o", "a.env"],
        vec!["scan", "a.env", "-o", "link"],
        vec!["scan", ".", "-o", "link"],
        vec!["scan", ".", "-o", "a.env", "--format", "json"],
        vec!["journal", "a.env", "-o", "a.env"],
        vec!["scan", "README", "-o", "README"],
        vec![
            "scan",
            ".",
            "--config",
            "settings.toml",
            "-o",
            "settings.toml",
        ],
        vec!["baseline", ".", "--file", "README"],
        vec!["baseline", ".", "--file", "a.env"],
        vec!["baseline", ".", "--file", "link"],
    ] {
        let output = repo.leakgate().args(&args).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        intact(&format!("{args:?}"));
        assert_eq!(
            std::fs::read_to_string(repo.path().join("settings.toml")).expect("read"),
            "# settings\n"
        );
    }
    // The baseline being applied is not the report's place either.
    let output = repo
        .leakgate()
        .args(["baseline", "."])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let baseline =
        std::fs::read_to_string(repo.path().join(".leakgate-baseline.json")).expect("baseline");
    for args in [
        vec![
            "scan",
            ".",
            "--baseline",
            ".leakgate-baseline.json",
            "-o",
            ".leakgate-baseline.json",
        ],
        // A finding the baseline accepts is still a secret in that file.
        vec![
            "scan",
            ".",
            "--baseline",
            ".leakgate-baseline.json",
            "-o",
            "a.env",
        ],
    ] {
        let output = repo.leakgate().args(&args).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        intact(&format!("{args:?}"));
    }
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".leakgate-baseline.json")).expect("read"),
        baseline
    );
    // What is meant to be rewritten still is: the baseline itself, and a report file.
    let output = repo
        .leakgate()
        .args(["baseline", "."])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    for _ in 0..2 {
        let output = repo
            .leakgate()
            .args(["scan", ".", "-o", "report.txt"])
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(1));
    }
}
