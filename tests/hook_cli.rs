//! The pre-commit hook end to end, as a developer meets it: `leakgate install-hook` with the real
//! `git`, and the real pre-commit framework (installed from PyPI if missing) using this repo's
//! `.pre-commit-hooks.yaml`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use common::*;

/// `git commit` in the repo, returning (exit code, stdout + stderr).
fn commit(repo: &TestRepo, args: &[&str], env_path: Option<&str>) -> (Option<i32>, String) {
    let mut cmd = Process::new("git");
    cmd.arg("commit")
        .args(args)
        .current_dir(repo.path())
        .env("HOME", repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1");
    if let Some(path) = env_path {
        cmd.env("PATH", path);
    }
    for (key, value) in pre_commit_env(repo.path()) {
        cmd.env(key, value);
    }
    let output = cmd.output().expect("git commit");
    (
        output.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

fn pre_commit_env(home: &Path) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("PRE_COMMIT_HOME", home.join(".cache-pre-commit")),
        ("XDG_CACHE_HOME", home.join(".cache")),
    ]
}

fn assert_blocks_secrets(repo: &TestRepo, path_env: Option<&str>) {
    // A clean commit goes through.
    repo.write("README.md", "hello\n");
    repo.git(&["add", "README.md"]);
    let (code, output) = commit(repo, &["-q", "-m", "clean"], path_env);
    assert_eq!(code, Some(0), "clean commit: {output}");

    // A commit that adds a secret is refused, readably, without printing the secret.
    let secret = password(70);
    repo.write("settings.env", format!("API_TOKEN={secret}\n"));
    repo.git(&["add", "settings.env"]);
    let (code, output) = commit(repo, &["-q", "-m", "secret"], path_env);
    assert_eq!(code, Some(1), "secret commit: {output}");
    assert!(
        output.contains("settings.env:1:11") && output.contains("[REDACTED]"),
        "{output}"
    );
    assert!(
        !output.contains(&secret),
        "the hook output must not show the secret"
    );
    repo.git(&["reset", "-q", "settings.env"]);

    // A secret only in the unstaged working tree does not block.
    repo.write("README.md", "hello again\n");
    repo.git(&["add", "README.md"]);
    let (code, output) = commit(repo, &["-q", "-m", "unstaged secret stays out"], path_env);
    assert_eq!(code, Some(0), "unstaged secret: {output}");

    // `git commit -a` stages tracked files, so a secret in one of them is refused.
    repo.write(
        "README.md",
        format!("hello\nDB_PASSWORD={}\n", password(71)),
    );
    let (code, output) = commit(repo, &["-a", "-q", "-m", "commit -a"], path_env);
    assert_eq!(code, Some(1), "commit -a: {output}");
    repo.git(&["checkout", "-q", "README.md"]);
}

#[test]
fn install_hook_blocks_commits_that_add_secrets() {
    let repo = TestRepo::new();
    repo.commit_all("empty");
    let output = repo
        .leakgate()
        .args(["install-hook"])
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(repo.path().join(".git/hooks/pre-commit").exists());
    assert_blocks_secrets(&repo, None);
    // Installing again changes nothing.
    let again = repo
        .leakgate()
        .args(["install-hook"])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&again.stdout).contains("already installed"));
}

#[test]
fn install_hook_honours_hooks_path_and_keeps_other_hooks() {
    let repo = TestRepo::new();
    repo.commit_all("empty");
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    repo.write(".githooks/pre-commit", "#!/bin/sh\necho theirs\n");
    let refused = repo
        .leakgate()
        .args(["install-hook"])
        .output()
        .expect("run");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".githooks/pre-commit")).expect("hook"),
        "#!/bin/sh\necho theirs\n"
    );

    let forced = repo
        .leakgate()
        .args(["install-hook", "--force"])
        .output()
        .expect("run");
    assert_eq!(forced.status.code(), Some(0));
    let backup = std::fs::read_to_string(repo.path().join(".githooks/pre-commit.leakgate-backup"))
        .expect("backup");
    assert_eq!(backup, "#!/bin/sh\necho theirs\n");
    let hook = std::fs::read_to_string(repo.path().join(".githooks/pre-commit")).expect("hook");
    assert!(hook.contains("scan --staged"));
    assert!(
        !repo.path().join(".git/hooks/pre-commit").exists(),
        "the default hooks dir is not used"
    );
}

/// `python3 -m pre_commit`, from the tests' own virtualenv (installed from PyPI there if
/// missing); `None` (the test is skipped, saying so) when it cannot be had outside CI.
fn pre_commit() -> Option<Process> {
    let mut cmd = Process::new(test_python(&["pre-commit"])?);
    cmd.args(["-m", "pre_commit"]);
    Some(cmd)
}

/// Install this repo's manifest as a hooks repository, use `hook` from it in a fresh repo
/// (with `gitignore`, if any, committed first), and prove it blocks secrets.
fn framework_blocks_secrets_with(hook: &str, gitignore: Option<&str>) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let Some(mut validate) = pre_commit() else {
        return;
    };
    let validate = validate
        .arg("validate-manifest")
        .arg(&manifest)
        .output()
        .expect("validate");
    assert!(
        validate.status.success(),
        "{}",
        String::from_utf8_lossy(&validate.stdout)
    );

    // A hooks repository holding this project's manifest, as pre-commit clones it.
    let hooks = TestRepo::new();
    hooks.write(
        ".pre-commit-hooks.yaml",
        std::fs::read(&manifest).expect("manifest"),
    );
    let rev = hooks.commit_all("hooks");

    let repo = TestRepo::new();
    if let Some(lines) = gitignore {
        repo.write(".gitignore", lines);
    }
    repo.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: {hook}\n",
            hooks.path().display()
        ),
    );
    repo.commit_all("config");
    let Some(mut install) = pre_commit() else {
        return;
    };
    let install = install
        .arg("install")
        .current_dir(repo.path())
        .env("HOME", repo.path())
        .envs(pre_commit_env(repo.path()))
        .output()
        .expect("pre-commit install");
    assert!(
        install.status.success(),
        "{}",
        String::from_utf8_lossy(&install.stderr)
    );

    // The `*-system` hooks find the binary under test on PATH.
    let binary_dir = assert_cmd::cargo::cargo_bin("leakgate")
        .parent()
        .expect("bin dir")
        .to_owned();
    let path = format!(
        "{}:{}",
        binary_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    assert_blocks_secrets(&repo, Some(&path));
}

#[test]
fn pre_commit_framework_runs_the_published_scan_hook() {
    framework_blocks_secrets_with("leakgate-system", None);
}

#[test]
fn pre_commit_framework_runs_the_published_check_hook() {
    framework_blocks_secrets_with(
        "leakgate-check-system",
        Some(".env\n.env.*\n!.env.example\n.a5c/\n*.pem\n*.key\ncredentials.json\n*.secrets\n"),
    );
}

#[test]
fn install_hook_check_installs_the_check_hook() {
    let repo = TestRepo::new();
    repo.write(
        ".gitignore",
        ".env\n.env.*\n!.env.example\n.a5c/\n*.pem\n*.key\ncredentials.json\n*.secrets\n",
    );
    repo.commit_all("ignore secret files");
    let output = repo
        .leakgate()
        .args(["install-hook", "--check"])
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let hook = std::fs::read_to_string(repo.path().join(".git/hooks/pre-commit")).expect("hook");
    assert!(hook.contains("check --staged"), "{hook}");
    assert_blocks_secrets(&repo, None);

    // What only check sees: a commit that starts tracking an env file, secret or not.
    repo.write(".env", "DEBUG=1\n");
    repo.git(&["add", "-f", ".env"]);
    let (code, output) = commit(&repo, &["-q", "-m", "track .env"], None);
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("tracked-secret-file"), "{output}");

    // The plain hook lets that commit through: reinstalling switches, without a backup (the
    // hook being replaced is leakgate's own).
    let output = repo
        .leakgate()
        .args(["install-hook"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let hook = std::fs::read_to_string(repo.path().join(".git/hooks/pre-commit")).expect("hook");
    assert!(hook.contains("scan --staged"), "{hook}");
    assert!(
        !repo
            .path()
            .join(".git/hooks/pre-commit.leakgate-backup")
            .exists()
    );
    let (code, output) = commit(&repo, &["-q", "-m", "track .env"], None);
    assert_eq!(code, Some(0), "{output}");
}
