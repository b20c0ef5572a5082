//! Write safety of every writing command, driven through the built binary on real temp files:
//! `journal --redact-to` never writes outside DIR or on an input; `--output`, `baseline --file`,
//! `gitignore --fix` and `install-hook` write through symlinks, into FIFOs and terminals, keep
//! an existing file's mode, give a new file the umask's default; a refused or failed write exits
//! 2 with advice and leaves nothing half-written.
//!
//! Devices are only ever FIFOs made here with `mkfifo` or a pty opened here: never `/dev/null`
//! or another shared device, which a wrong rename would replace for the whole machine.
#![cfg(unix)]

mod common;

use std::io::Read;
use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use common::*;

/// How long a reader waits for what a writer sends: long enough for a loaded machine.
const PATIENCE: Duration = Duration::from_secs(60);

fn token(seed: u64) -> String {
    fake("ghp_", seed, 36, ALNUM)
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o7777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

fn is_fifo(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

/// Read a FIFO to its end in a thread; what was read arrives on the channel. If the FIFO is
/// replaced instead of written (the bug), the thread stays blocked and the test sees a timeout.
fn read_fifo(path: &Path) -> mpsc::Receiver<Vec<u8>> {
    let (send, receive) = mpsc::channel();
    let path = path.to_owned();
    std::thread::spawn(move || {
        let mut content = Vec::new();
        if let Ok(mut fifo) = std::fs::File::open(&path) {
            let _ = fifo.read_to_end(&mut content);
        }
        let _ = send.send(content);
    });
    receive
}

/// The binary run through `sh` with a known umask, so a new file's mode is predictable.
fn with_umask(dir: &Path, umask: &str) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new("sh");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(assert_cmd::cargo::cargo_bin("leakgate"));
    cmd
}

/// Every file under `dir`, as relative paths.
fn files_under(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| !t.is_dir()))
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .expect("below")
                .display()
                .to_string()
        })
        .collect();
    files.sort();
    files
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

// ---------------------------------------------------------------- journal --redact-to

/// `logs/s.jsonl` holding a token, and an empty `sub/` to run from.
fn log_tree() -> (Tree, String, Vec<u8>) {
    let tree = Tree::new();
    let secret = token(301);
    let content = format!("{{\"msg\": \"deploy with {secret}\"}}\n");
    tree.write("logs/s.jsonl", &content);
    std::fs::create_dir_all(tree.child("sub")).expect("mkdir");
    (tree, secret, content.into_bytes())
}

#[test]
fn redact_to_through_dotdot_writes_only_inside_dir_and_exits_0() {
    let (tree, secret, original) = log_tree();
    let output = tree
        .leakgate()
        .current_dir(tree.child("sub"))
        .args([
            "journal",
            "../logs/s.jsonl",
            "--redact-to",
            "../shared",
            "--color",
            "never",
        ])
        .output()
        .expect("run");
    assert_eq!(
        std::fs::read(tree.child("logs/s.jsonl")).expect("original"),
        original,
        "the input is never written"
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "a successful redaction exits 0: {}{}",
        String::from_utf8_lossy(&output.stdout),
        stderr(&output)
    );
    assert_eq!(
        files_under(&tree.child("shared")),
        ["leakgate-redactions.json", "s.jsonl"],
        "the copy keeps the input's name, nothing else is left in DIR"
    );
    let copy = std::fs::read_to_string(tree.child("shared/s.jsonl")).expect("copy");
    assert!(copy.contains("[REDACTED:github-pat:"), "{copy}");
    assert!(!copy.contains(&secret));
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(tree.child("shared/leakgate-redactions.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(manifest["replaced"][0]["path"], "s.jsonl");
    assert!(!manifest.to_string().contains(".."), "{manifest}");
}

#[test]
fn redact_to_never_puts_an_absolute_path_in_the_copy_or_manifest() {
    let (tree, _, original) = log_tree();
    tree.write("other/logs/t.jsonl", "{\"msg\": \"nothing here\"}\n");
    let out = tempfile::tempdir().expect("out");
    let target = out.path().join("copy");
    let output = tree
        .leakgate()
        .arg("journal")
        .arg(tree.child("logs"))
        .arg(tree.child("other/logs"))
        .arg("--redact-to")
        .arg(&target)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        std::fs::read(tree.child("logs/s.jsonl")).expect("original"),
        original
    );
    // Inputs below the current directory keep their relative paths.
    assert_eq!(
        files_under(&target),
        [
            "leakgate-redactions.json",
            "logs/s.jsonl",
            "other/logs/t.jsonl"
        ]
    );
    let manifest = std::fs::read_to_string(target.join("leakgate-redactions.json")).expect("read");
    let root = tree.path().display().to_string();
    assert!(!manifest.contains(&root), "{manifest}");

    // Inputs elsewhere go under their own names, made distinct.
    let elsewhere = out.path().join("copy2");
    let output = tree
        .leakgate()
        .current_dir(out.path())
        .arg("journal")
        .arg(tree.child("logs"))
        .arg(tree.child("other/logs"))
        .arg("--redact-to")
        .arg(&elsewhere)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        files_under(&elsewhere),
        ["leakgate-redactions.json", "logs-2/t.jsonl", "logs/s.jsonl"]
    );
    let manifest =
        std::fs::read_to_string(elsewhere.join("leakgate-redactions.json")).expect("read");
    assert!(!manifest.contains(&root), "{manifest}");
    assert!(manifest.contains("\"logs/s.jsonl\""), "{manifest}");
}

#[test]
fn redact_to_inside_an_input_or_onto_a_file_is_refused() {
    let (tree, _, original) = log_tree();
    let inside = tree
        .leakgate()
        .args(["journal", ".", "--redact-to", "copy"])
        .output()
        .expect("run");
    assert_eq!(inside.status.code(), Some(2), "{}", stderr(&inside));
    assert!(stderr(&inside).contains("overlap"), "{}", stderr(&inside));
    assert!(!tree.child("copy").exists(), "nothing was created");

    let onto_input = tree
        .leakgate()
        .args(["journal", "logs", "--redact-to", "logs/s.jsonl"])
        .output()
        .expect("run");
    assert_eq!(onto_input.status.code(), Some(2));
    assert!(stderr(&onto_input).contains("not a directory"));
    assert_eq!(
        std::fs::read(tree.child("logs/s.jsonl")).expect("original"),
        original
    );

    // An empty DIR that is itself the input holds the input: refused too.
    std::fs::create_dir_all(tree.child("empty")).expect("mkdir");
    let holds = tree
        .leakgate()
        .args(["journal", "empty", "--redact-to", "empty"])
        .output()
        .expect("run");
    assert_eq!(holds.status.code(), Some(2));
    assert!(stderr(&holds).contains("overlap"));
}

#[test]
fn redact_to_a_symlinked_dir_writes_into_its_target() {
    let (tree, _, original) = log_tree();
    std::fs::create_dir_all(tree.child("real-out")).expect("mkdir");
    symlink("real-out", tree.child("out-link")).expect("link");
    let output = tree
        .leakgate()
        .args(["journal", "logs", "--redact-to", "out-link"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        std::fs::symlink_metadata(tree.child("out-link"))
            .expect("stat")
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    assert_eq!(
        files_under(&tree.child("real-out")),
        ["leakgate-redactions.json", "logs/s.jsonl"]
    );
    assert_eq!(
        std::fs::read(tree.child("logs/s.jsonl")).expect("original"),
        original
    );
}

// ---------------------------------------------------------------- --output

/// A tree with one clean file: the report is short and the exit code 0.
fn clean_tree() -> Tree {
    let tree = Tree::new();
    tree.write("src/main.rs", "fn main() {}\n");
    tree
}

#[test]
fn output_to_a_fifo_writes_into_it() {
    let tree = clean_tree();
    let pipes = tempfile::tempdir().expect("dir");
    let fifo = pipes.path().join("report.fifo");
    mkfifo(&fifo);
    let received = read_fifo(&fifo);
    let output = tree
        .leakgate()
        .args(["scan", "src", "--format", "json", "--output"])
        .arg(&fifo)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(is_fifo(&fifo), "the FIFO was replaced by a file");
    let content = received.recv_timeout(PATIENCE).expect("the reader got it");
    let messages = json_lines(&content);
    assert_eq!(summary(&messages)["findings"], 0);
    assert_eq!(
        files_under(pipes.path()),
        ["report.fifo"],
        "no temp file left"
    );
}

/// A pty opened here: the master to read from, and the path of its terminal end.
#[allow(unsafe_code)]
fn open_pty() -> (std::fs::File, std::fs::File, PathBuf) {
    use std::os::fd::FromRawFd;
    let mut master: libc::c_int = -1;
    let mut slave: libc::c_int = -1;
    // SAFETY: openpty writes two descriptors into the given ints; the name, termios and
    // winsize arguments may be null.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: both descriptors were just opened by openpty and are owned by nobody else.
    let (master, slave) = unsafe {
        (
            std::fs::File::from_raw_fd(master),
            std::fs::File::from_raw_fd(slave),
        )
    };
    use std::os::fd::AsRawFd;
    let path = std::fs::read_link(format!("/proc/self/fd/{}", slave.as_raw_fd())).expect("pts");
    (master, slave, path)
}

#[test]
fn output_to_a_terminal_writes_into_it() {
    let tree = clean_tree();
    let (mut master, _slave, pts) = open_pty();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 || send.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let output = tree
        .leakgate()
        .args(["scan", "src", "--color", "never", "--output"])
        .arg(&pts)
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "writing to {}: {}",
        pts.display(),
        stderr(&output)
    );
    let mut seen = String::new();
    while !seen.contains("scanned 1 file") {
        match receive.recv_timeout(PATIENCE) {
            Ok(chunk) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            Err(_) => panic!("the terminal got only {seen:?}"),
        }
    }
    assert!(
        std::fs::metadata(&pts)
            .expect("stat")
            .file_type()
            .is_char_device()
    );
}

#[test]
fn output_through_a_symlink_keeps_the_link_and_the_mode() {
    let tree = clean_tree();
    let reports = tempfile::tempdir().expect("dir");
    let real = reports.path().join("real/report.json");
    std::fs::create_dir_all(real.parent().expect("parent")).expect("mkdir");
    std::fs::write(&real, "old\n").expect("write");
    chmod(&real, 0o640);
    // Owned by someone else, where this test may arrange it (as root): the owner is kept.
    let foreign_owner = std::os::unix::fs::chown(&real, Some(65534), Some(65534)).is_ok();
    let link = reports.path().join("report.json");
    symlink("real/report.json", &link).expect("link");
    let output = with_umask(tree.path(), "077")
        .args(["scan", "src", "--format", "json", "--output"])
        .arg(&link)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("stat")
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    let messages = json_lines(&std::fs::read(&real).expect("target"));
    assert_eq!(summary(&messages)["findings"], 0);
    assert_eq!(mode(&real), 0o640, "the existing file keeps its mode");
    if foreign_owner {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(&real).expect("stat");
        assert_eq!((meta.uid(), meta.gid()), (65534, 65534), "and its owner");
    }

    // A new file gets the umask's default, not 0600.
    let new = reports.path().join("new.json");
    let output = with_umask(tree.path(), "027")
        .args(["scan", "src", "--format", "json", "--output"])
        .arg(&new)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(mode(&new), 0o640);
}

#[test]
fn output_that_cannot_be_written_exits_2_and_leaves_nothing() {
    let tree = clean_tree();
    let reports = tempfile::tempdir().expect("dir");
    std::fs::create_dir(reports.path().join("report.json")).expect("mkdir");
    let output = tree
        .leakgate()
        .args(["scan", "src", "--output"])
        .arg(reports.path().join("report.json"))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("give a file name, not a directory"),
        "{}",
        stderr(&output)
    );
    assert_eq!(files_under(reports.path()), Vec::<String>::new());
}

// ---------------------------------------------------------------- several outputs

#[test]
fn one_run_writes_every_format_asked_for() {
    let tree = Tree::new();
    tree.write("app.env", format!("GITHUB_TOKEN={}\n", token(310)));
    let reports = tempfile::tempdir().expect("dir");
    let sarif = reports.path().join("leakgate.sarif");
    let junit = reports.path().join("report.xml");
    let human = reports.path().join("report.txt");
    let output = tree
        .leakgate()
        .args(["scan", ".", "--format", "json", "--sarif"])
        .arg(&sarif)
        .arg("--output")
        .arg(format!("junit={}", junit.display()))
        .arg("-o")
        .arg(format!("human={}", human.display()))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    // The --format report still goes to standard output.
    assert_eq!(findings(&json_lines(&output.stdout)).len(), 1);
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&sarif).expect("sarif written")).expect("json");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(1),
        "{sarif}"
    );
    let junit = std::fs::read_to_string(&junit).expect("junit written");
    assert!(
        junit.contains("<testsuites") && junit.contains("app.env"),
        "{junit}"
    );
    let human = std::fs::read_to_string(&human).expect("human written");
    assert!(human.contains("1 finding"), "{human}");
    for text in [junit.as_str(), human.as_str()] {
        assert!(!text.contains(&token(310)), "no secret in any report");
    }
    assert_eq!(
        files_under(reports.path()),
        ["leakgate.sarif", "report.txt", "report.xml"],
        "no temp file left"
    );
}

#[test]
fn every_extra_output_is_guarded_like_output() {
    let tree = Tree::new();
    let env = format!("GITHUB_TOKEN={}\n", token(311));
    tree.write("app.env", &env);
    tree.write("README", "hello\n");
    let refused = |args: &[&str]| {
        let output = tree.leakgate().args(args).output().expect("run");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("path of its own"),
            "{}",
            stderr(&output)
        );
        assert_eq!(
            std::fs::read_to_string(tree.child("app.env")).expect("read"),
            env
        );
        assert_eq!(
            std::fs::read_to_string(tree.child("README")).expect("read"),
            "hello\n"
        );
    };
    // Over a file the command scans, or one holding a secret the scan found.
    refused(&["scan", "README", "--sarif", "README"]);
    refused(&["scan", "README", "-o", "json=README"]);
    refused(&["scan", ".", "--sarif", "app.env"]);
    refused(&["scan", ".", "-o", "junit=app.env"]);
    // Two reports into one file: one would replace the other.
    std::fs::write(tree.child("r.out"), "old\n").expect("write");
    refused(&["scan", "README", "-o", "r.out", "--sarif", "r.out"]);
    refused(&[
        "scan",
        "README",
        "-o",
        "json=new.out",
        "-o",
        "sarif=./new.out",
    ]);
    assert_eq!(
        std::fs::read_to_string(tree.child("r.out")).expect("read"),
        "old\n"
    );
    assert!(!tree.child("new.out").exists());

    // An extra output into a FIFO is written into, not replaced.
    let pipes = tempfile::tempdir().expect("dir");
    let fifo = pipes.path().join("sarif.fifo");
    mkfifo(&fifo);
    let received = read_fifo(&fifo);
    let output = tree
        .leakgate()
        .args(["scan", "README", "--color", "never", "--sarif"])
        .arg(&fifo)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(is_fifo(&fifo), "the FIFO was replaced by a file");
    let content = received.recv_timeout(PATIENCE).expect("the reader got it");
    let sarif: serde_json::Value = serde_json::from_slice(&content).expect("sarif");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(String::from_utf8_lossy(&output.stdout).contains("no secrets found"));
}

#[test]
fn output_without_a_format_names_the_format_report_once() {
    let tree = clean_tree();
    let output = tree
        .leakgate()
        .args(["scan", "src", "-o", "a.txt", "-o", "b.txt"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("can be given once"),
        "{}",
        stderr(&output)
    );
    assert!(!tree.child("a.txt").exists() && !tree.child("b.txt").exists());
}

// ---------------------------------------------------------------- baseline --file

#[test]
fn baseline_into_a_fifo_and_through_a_symlink() {
    let tree = Tree::new();
    tree.write("app.env", format!("GITHUB_TOKEN={}\n", token(302)));
    let pipes = tempfile::tempdir().expect("dir");
    let fifo = pipes.path().join("baseline.fifo");
    mkfifo(&fifo);
    let received = read_fifo(&fifo);
    let output = tree
        .leakgate()
        .args(["baseline", "--file"])
        .arg(&fifo)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(is_fifo(&fifo), "the FIFO was replaced by a file");
    let content = received.recv_timeout(PATIENCE).expect("the reader got it");
    let baseline: serde_json::Value = serde_json::from_slice(&content).expect("json");
    assert_eq!(baseline["entries"].as_array().map(Vec::len), Some(1));

    // Through a symlink (a baseline kept in a shared folder), keeping the file's mode.
    let shared = pipes.path().join("shared.json");
    // An earlier baseline (only a baseline is replaced by one).
    std::fs::write(&shared, "{\"version\": 2, \"entries\": []}\n").expect("write");
    chmod(&shared, 0o664);
    symlink(&shared, tree.child("baseline.json")).expect("link");
    let output = with_umask(tree.path(), "077")
        .args(["baseline", "--file", "baseline.json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        std::fs::symlink_metadata(tree.child("baseline.json"))
            .expect("stat")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&shared)
            .expect("read")
            .contains("\"entries\"")
    );
    assert_eq!(mode(&shared), 0o664);
}

// ---------------------------------------------------------------- gitignore --fix

#[test]
fn gitignore_fix_keeps_the_mode_and_refuses_a_symlink_git_would_not_read() {
    let repo = TestRepo::new();
    repo.write(".gitignore", "target/\n");
    chmod(&repo.path().join(".gitignore"), 0o664);
    repo.commit_all("base");
    let output = with_umask(repo.path(), "077")
        .env("HOME", repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["gitignore", "--fix", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let fixed = std::fs::read_to_string(repo.path().join(".gitignore")).expect("read");
    assert!(
        fixed.starts_with("target/\n") && fixed.contains(".env"),
        "{fixed}"
    );
    assert_eq!(mode(&repo.path().join(".gitignore")), 0o664);

    // git (2.32+) does not read a symlinked .gitignore: fixing its target would cover nothing,
    // and replacing the link would destroy what the user set up. Refused, saying why.
    let linked = TestRepo::new();
    linked.write("config/gitignore", "target/\n");
    symlink("config/gitignore", linked.path().join(".gitignore")).expect("link");
    let output = linked
        .leakgate()
        .args(["gitignore", "--fix", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("git does not read a symlinked .gitignore"),
        "{}",
        stderr(&output)
    );
    assert!(
        std::fs::symlink_metadata(linked.path().join(".gitignore"))
            .expect("stat")
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    assert_eq!(
        std::fs::read_to_string(linked.path().join("config/gitignore")).expect("read"),
        "target/\n"
    );
}

#[test]
fn gitignore_fix_refuses_a_fifo_instead_of_waiting_on_it() {
    let repo = TestRepo::new();
    repo.commit_all("base");
    mkfifo(&repo.path().join(".gitignore"));
    let output = repo
        .leakgate()
        .args(["gitignore", "--fix", "--color", "never"])
        .timeout(PATIENCE)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("cannot write"), "{text}");
    assert!(text.contains("not a regular file"), "{text}");
    assert!(!text.contains("report"), "it is not a report: {text}");
    assert!(is_fifo(&repo.path().join(".gitignore")));
}

// ---------------------------------------------------------------- install-hook

#[test]
fn install_hook_writes_through_a_symlinked_hook_and_keeps_its_mode() {
    let repo = TestRepo::new();
    repo.commit_all("empty");
    let script = repo.path().join("tools/pre-commit");
    repo.write("tools/pre-commit", "#!/bin/sh\necho theirs\n");
    chmod(&script, 0o640);
    let hook = repo.path().join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().expect("hooks")).expect("mkdir");
    symlink("../../tools/pre-commit", &hook).expect("link");
    let output = repo
        .leakgate()
        .args(["install-hook", "--force"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        std::fs::symlink_metadata(&hook)
            .expect("stat")
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    assert!(
        std::fs::read_to_string(&script)
            .expect("read")
            .contains("scan --staged")
    );
    assert_eq!(
        mode(&script),
        0o750,
        "the mode is kept, executable wherever readable"
    );
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".git/hooks/pre-commit.leakgate-backup"))
            .expect("backup"),
        "#!/bin/sh\necho theirs\n"
    );

    // A new hook: 0777 less the umask.
    let fresh = TestRepo::new();
    fresh.commit_all("empty");
    let output = with_umask(fresh.path(), "022")
        .env("HOME", fresh.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["install-hook"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(mode(&fresh.path().join(".git/hooks/pre-commit")), 0o755);
}

#[test]
fn install_hook_refuses_a_fifo_even_with_force() {
    let repo = TestRepo::new();
    repo.commit_all("empty");
    let hook = repo.path().join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().expect("hooks")).expect("mkdir");
    mkfifo(&hook);
    let output = repo
        .leakgate()
        .args(["install-hook", "--force"])
        .timeout(PATIENCE)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("is not a regular file"),
        "{}",
        stderr(&output)
    );
    assert!(is_fifo(&hook), "left as it was");
}

// ---------------------------------------------------------------- failed writes

#[test]
fn failed_writes_exit_2_with_advice_and_leave_nothing() {
    let (tree, _, _) = log_tree();
    tree.write("src/main.rs", "fn main() {}\n");
    for dir in ["", "logs", "src", "sub"] {
        chmod(&tree.child(dir), 0o755);
    }
    for file in ["logs/s.jsonl", "src/main.rs"] {
        chmod(&tree.child(file), 0o644);
    }
    std::fs::create_dir(tree.child("locked")).expect("mkdir");
    chmod(&tree.child("locked"), 0o555);

    let runs: [&[&str]; 3] = [
        &["scan", "src", "--output", "locked/report.json"],
        &["baseline", "logs", "--file", "locked/baseline.json"],
        &["journal", "logs", "--redact-to", "locked"],
    ];
    for args in runs {
        let output = leakgate_unprivileged(tree.path())
            .args(args)
            .output()
            .expect("run");
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {text}");
        assert!(
            text.contains("not writable by this user"),
            "{args:?}: {text}"
        );
        assert!(text.contains("nothing was changed"), "{args:?}: {text}");
        assert_eq!(
            files_under(&tree.child("locked")),
            Vec::<String>::new(),
            "{args:?} left something behind"
        );
    }
}
