//! `leakgate gitignore` on real repositories built with the real `git` binary. Its ignore
//! decisions must agree with `git check-ignore` on tricky cases.

mod common;

use common::*;
use leakgate::hygiene::gitignore::{Decision, IgnoreRules, UserDirs};

fn tricky_repo() -> TestRepo {
    let repo = TestRepo::new();
    // A global excludes file in git's default place under the (temp) HOME.
    repo.write(".config/git/ignore", "*.pem\nglobal-only/\n");
    // Root rules: CRLF line endings and no final newline.
    repo.write(
        ".gitignore",
        "*.log\r\n/build/\r\n.env\r\n!keep.log\r\ndocs/*.secret\r\n.a5c/\r\nnested/deep/*.key",
    );
    repo.write("sub/.gitignore", "!.env\n*.tmp\n");
    repo.write("sub/inner/.gitignore", ".env\n");
    repo.write(".git/info/exclude", "local-only.txt\n");
    repo
}

const CASES: &[(&str, bool)] = &[
    ("app.log", false),
    ("keep.log", false),
    ("sub/app.log", false),
    ("build", true),
    ("build/out.txt", false),
    ("sub/build", true),
    (".env", false),
    ("sub/.env", false),
    ("sub/inner/.env", false),
    ("sub/x.tmp", false),
    ("x.tmp", false),
    ("docs/a.secret", false),
    ("docs/deeper/a.secret", false),
    (".a5c", true),
    (".a5c/runs/r/run.json", false),
    ("sub/.a5c", true),
    ("nested/deep/server.key", false),
    ("other/nested/deep/server.key", false),
    ("local-only.txt", false),
    ("sub/local-only.txt", false),
    ("cert.pem", false),
    ("sub/cert.pem", false),
    ("global-only", true),
    ("global-only/file", false),
    ("plain.txt", false),
];

#[test]
fn ignore_decisions_agree_with_git_check_ignore() {
    let repo = tricky_repo();
    for (path, is_dir) in CASES {
        let full = repo.path().join(path);
        if *is_dir {
            std::fs::create_dir_all(&full).expect("mkdir");
        } else {
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent).expect("mkdir");
            }
            std::fs::write(&full, "x\n").expect("write");
        }
    }
    let git_repo = git2::Repository::open(repo.path()).expect("open");
    let user = UserDirs {
        home: Some(repo.path().to_owned()),
        xdg_config_home: None,
    };
    let rules = IgnoreRules::load(&git_repo, &user).expect("work tree");
    for (path, is_dir) in CASES {
        let git_says = std::process::Command::new("git")
            .args(["check-ignore", "-q", "--no-index", path])
            .current_dir(repo.path())
            .env("HOME", repo.path())
            .env_remove("XDG_CONFIG_HOME")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .expect("git check-ignore")
            .success();
        let we_say = matches!(rules.decide(path, *is_dir), Decision::Ignored(_));
        assert_eq!(
            we_say, git_says,
            "{path}: git check-ignore says ignored={git_says}"
        );
    }
}

#[test]
fn gaps_local_only_coverage_and_tracked_files_are_reported() {
    let repo = tricky_repo();
    repo.write("config/credentials.json", "{}\n");
    repo.write(
        "certs/server.pem",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    );
    repo.git(&[
        "add",
        "-f",
        "config/credentials.json",
        "certs/server.pem",
        ".gitignore",
        "sub/.gitignore",
    ]);
    repo.git(&["commit", "-q", "-m", "x"]);
    let run = run_json(repo.leakgate().arg("gitignore"));
    assert_eq!(run.status, Some(1));
    let mut problems: Vec<(String, String)> = run
        .of_type("hygiene")
        .iter()
        .map(|m| {
            (
                m["code"].as_str().unwrap_or_default().to_owned(),
                m["path"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    problems.sort();
    assert_eq!(
        problems,
        vec![
            (
                "credential-file-permissions".into(),
                "config/credentials.json".into()
            ), // mode 0644
            ("gitignore-gap".into(), ".gitignore".into()), // .env.*
            ("gitignore-gap".into(), ".gitignore".into()), // *.key (only nested/deep/)
            ("gitignore-gap".into(), ".gitignore".into()), // credentials.json
            ("gitignore-gap".into(), ".gitignore".into()), // *.secrets
            ("gitignore-local-only".into(), ".gitignore".into()), // *.pem, global only
            ("gitignore-reincluded".into(), "sub/.gitignore".into()),
            (
                "tracked-secret-file".into(),
                "config/credentials.json".into()
            ),
        ],
        "a tracked certificate is not a secret file"
    );
    let text = &run.stdout;
    assert!(
        text.contains(".config/git/ignore (your global excludes file"),
        "{text}"
    );
}

#[test]
fn fix_appends_one_block_keeps_crlf_and_is_idempotent() {
    let repo = TestRepo::new();
    repo.write(".gitignore", "target/\r\n*.log");
    repo.commit_all("base");
    let before = std::fs::read(repo.path().join(".gitignore")).expect("read");
    let output = repo
        .leakgate()
        .args(["gitignore", "--fix", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let after = std::fs::read_to_string(repo.path().join(".gitignore")).expect("read");
    assert!(
        after.starts_with(std::str::from_utf8(&before).expect("utf-8")),
        "existing content kept"
    );
    assert!(
        after.ends_with("*.secrets\r\n"),
        "CRLF kept and a final newline added: {after:?}"
    );
    assert!(
        !after.replace("\r\n", "").contains('\n'),
        "no bare LF introduced"
    );
    assert!(
        after.contains("!.env.example\r\n"),
        "templates stay committable"
    );
    let (code, _) = repo.scan_json(&["gitignore"]);
    assert_eq!(code, Some(0), "after --fix everything is covered");
    let again = repo
        .leakgate()
        .args(["gitignore", "--fix", "--color", "never"])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to fix"));
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".gitignore")).expect("read"),
        after,
        "a second --fix changes nothing"
    );

    let plain = Tree::new();
    plain
        .leakgate()
        .env(
            "GIT_CEILING_DIRECTORIES",
            plain.path().parent().expect("parent"),
        )
        .args(["gitignore"])
        .assert()
        .code(2);
}

#[cfg(unix)]
#[test]
fn credential_files_readable_by_others_are_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let repo = TestRepo::new();
    repo.write(
        ".gitignore",
        ".env\n.env.*\n!.env.example\n.a5c/\n*.pem\n*.key\ncredentials.json\n*.secrets\n",
    );
    repo.write(".env", "A=1\n");
    repo.write(".env.example", "A=\n");
    repo.write("deploy/server.pem", fake_pem(96));
    repo.write(
        "certs/ca.pem",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    );
    repo.write("auth.json", "{}\n");
    let chmod = |rel: &str, mode| {
        std::fs::set_permissions(repo.path().join(rel), std::fs::Permissions::from_mode(mode))
            .expect("chmod")
    };
    for rel in [".env", ".env.example", "deploy/server.pem", "certs/ca.pem"] {
        chmod(rel, 0o644);
    }
    chmod("auth.json", 0o600);
    repo.commit_all("base");
    let run = run_json(repo.leakgate().arg("gitignore"));
    assert_eq!(
        run.status,
        Some(0),
        "permission warnings do not fail without --strict"
    );
    let mut flagged: Vec<String> = run
        .messages
        .iter()
        .filter(|m| m["code"] == "credential-file-permissions")
        .map(|m| m["path"].as_str().unwrap_or_default().to_owned())
        .collect();
    flagged.sort();
    assert_eq!(
        flagged,
        vec![".env", "deploy/server.pem"],
        "templates, certificates and 0600 files are fine"
    );
    repo.leakgate()
        .args(["gitignore", "--strict"])
        .assert()
        .code(1);
}
