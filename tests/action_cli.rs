//! The GitHub Action's entry script (`scripts/action-entry.sh`), run as a runner would: a real
//! repository, an event payload in GITHUB_EVENT_PATH, the GITHUB_* variables a runner sets.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

struct Run {
    code: Option<i32>,
    stdout: String,
    /// What the script wrote to GITHUB_OUTPUT.
    outputs: String,
}

fn run_action(
    repo: &TestRepo,
    event: &str,
    payload: serde_json::Value,
    inputs: &[(&str, &str)],
) -> Run {
    // The payload and GITHUB_OUTPUT live outside the work tree, as on a runner.
    let runner = Tree::new();
    let event_file = runner.child("event.json");
    std::fs::write(&event_file, payload.to_string()).expect("payload");
    let binary_dir = assert_cmd::cargo::cargo_bin("leakgate")
        .parent()
        .expect("bin dir")
        .to_owned();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action-entry.sh");
    let mut cmd = Command::new("bash");
    cmd.arg(script)
        .current_dir(repo.path())
        .env(
            "PATH",
            format!(
                "{}:{}",
                binary_dir.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("HOME", repo.path())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", event)
        .env("GITHUB_EVENT_PATH", &event_file)
        .env("GITHUB_WORKSPACE", repo.path())
        .env("GITHUB_OUTPUT", runner.child("github-output"))
        .env("INPUT_MODE", "auto")
        .env("INPUT_ARGS", "")
        .env("INPUT_CONFIG", "")
        .env("INPUT_SARIF_FILE", "leakgate.sarif")
        .env("INPUT_FAIL_ON_FINDINGS", "true");
    for (key, value) in inputs {
        cmd.env(key, value);
    }
    let output = cmd.output().expect("bash");
    Run {
        code: output.status.code(),
        stdout: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
        outputs: std::fs::read_to_string(runner.child("github-output")).unwrap_or_default(),
    }
}

/// Every pattern leakgate's hygiene checks require: a repository with it has no hygiene problem.
const FULL_GITIGNORE: &str =
    ".env\n.env.*\n!.env.example\n.a5c/\n*.pem\n*.key\ncredentials.json\n*.secrets\n";

/// main with an old secret; a PR branch adding a new one. Its .gitignore covers every secret
/// file, so what fails a run here is a finding.
fn pull_request_repo() -> (TestRepo, String, String) {
    let repo = TestRepo::new();
    repo.write(".gitignore", FULL_GITIGNORE);
    repo.write("old.py", format!("TOKEN = '{}'\n", password(150)));
    let base = repo.commit_all("base");
    repo.git(&["checkout", "-q", "-b", "pr"]);
    repo.write("new.py", format!("API_KEY = '{}'\n", password(151)));
    let head = repo.commit_all("pr");
    (repo, base, head)
}

#[test]
fn pull_request_event_annotates_the_added_lines_and_writes_sarif() {
    let (repo, base, head) = pull_request_repo();
    let run = run_action(
        &repo,
        "pull_request",
        serde_json::json!({"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}),
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stdout.contains("::error file=new.py,line=1,"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("file=old.py"),
        "only what the PR adds: {}",
        run.stdout
    );
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path().join("leakgate.sarif")).expect("sarif"),
    )
    .expect("json");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(1)
    );
    assert!(
        run.outputs.contains("sarif-file=leakgate.sarif"),
        "{}",
        run.outputs
    );

    // fail-on-findings: false keeps the step green, still annotating.
    let lenient = run_action(
        &repo,
        "pull_request",
        serde_json::json!({"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}),
        &[("INPUT_FAIL_ON_FINDINGS", "false")],
    );
    assert_eq!(lenient.code, Some(0));
    assert!(lenient.stdout.contains("::error file=new.py"));
}

/// A `leakgate` that logs each invocation's arguments to `log` and runs the real binary.
fn counting_wrapper(dir: &Tree, log: &Path) -> std::path::PathBuf {
    let real = assert_cmd::cargo::cargo_bin("leakgate");
    dir.write(
        "leakgate",
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            real.display()
        ),
    );
    let wrapper = dir.child("leakgate");
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    wrapper
}

#[test]
fn one_check_run_writes_annotations_and_sarif_and_checks_hygiene() {
    let (repo, base, head) = pull_request_repo();
    // The pull request also stops ignoring .env files: a hygiene problem CI now reports.
    repo.write(".gitignore", FULL_GITIGNORE.replace(".env\n", ""));
    let head_with_gap = repo.commit_all("stop ignoring .env");
    let bin = Tree::new();
    let log = bin.child("invocations.log");
    let wrapper = counting_wrapper(&bin, &log);
    let run = run_action(
        &repo,
        "pull_request",
        serde_json::json!({"pull_request": {"base": {"sha": base}, "head": {"sha": head_with_gap}}}),
        &[("LEAKGATE_BIN", &wrapper.display().to_string())],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let log = std::fs::read_to_string(&log).expect("log");
    assert_eq!(
        log.lines().collect::<Vec<_>>(),
        vec![format!(
            "check --range {base}..{head_with_gap} --format github --sarif leakgate.sarif"
        )],
        "one run of check"
    );
    assert_ne!(head, head_with_gap);
    assert!(
        run.stdout.contains("::error file=new.py,line=1,"),
        "annotations: {}",
        run.stdout
    );
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path().join("leakgate.sarif")).expect("sarif"),
    )
    .expect("json");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(
        results.iter().any(|r| r.to_string().contains("new.py")),
        "{sarif}"
    );
    assert!(
        run.stdout.contains("gitignore-gap") && run.stdout.contains("`.env`"),
        "hygiene runs in CI: {}",
        run.stdout
    );
    assert!(
        run.outputs.contains("sarif-file=leakgate.sarif"),
        "{}",
        run.outputs
    );
}

#[test]
fn every_mode_maps_onto_one_check_run() {
    let (repo, base, head) = pull_request_repo();
    let bin = Tree::new();
    let log = bin.child("invocations.log");
    let wrapper = counting_wrapper(&bin, &log);
    let wrapper = wrapper.display().to_string();
    for (mode, event, expected) in [
        ("auto", "schedule", "check --history".to_owned()),
        ("history", "push", "check --history".to_owned()),
        ("tree", "pull_request", "check --all".to_owned()),
        ("auto", "workflow_run", "check --all".to_owned()),
        ("range", "push", format!("check --range {base}..{head}")),
    ] {
        let _ = std::fs::remove_file(&log);
        let run = run_action(
            &repo,
            event,
            serde_json::json!({"before": base, "after": head}),
            &[
                ("LEAKGATE_BIN", wrapper.as_str()),
                ("INPUT_MODE", mode),
                ("INPUT_SARIF_FILE", ""),
                ("INPUT_FAIL_ON_FINDINGS", "false"),
                ("INPUT_ARGS", "--max-file-size 1MiB"),
            ],
        );
        assert_eq!(run.code, Some(0), "{mode}/{event}: {}", run.stdout);
        let log = std::fs::read_to_string(&log).expect("log");
        assert_eq!(
            log.lines().collect::<Vec<_>>(),
            vec![format!(
                "{expected} --exit-zero --max-file-size 1MiB --format github"
            )],
            "{mode}/{event}"
        );
        assert!(run.stdout.contains("::error file=new.py"), "{}", run.stdout);
    }
}

#[test]
fn push_events_new_branches_and_history() {
    let (repo, base, head) = pull_request_repo();
    let push = run_action(
        &repo,
        "push",
        serde_json::json!({"before": base, "after": head}),
        &[],
    );
    assert_eq!(push.code, Some(1), "{}", push.stdout);
    assert!(push.stdout.contains("file=new.py") && !push.stdout.contains("file=old.py"));

    // A new branch (all-zero before): what it adds over the default branch. No remote here, so
    // the script falls back to the root commit and says so.
    let zero = "0000000000000000000000000000000000000000";
    let new_branch = run_action(
        &repo,
        "push",
        serde_json::json!({"before": zero, "after": head, "repository": {"default_branch": "main"}}),
        &[],
    );
    assert!(
        new_branch.stdout.contains("leakgate: new branch"),
        "{}",
        new_branch.stdout
    );
    assert_eq!(new_branch.code, Some(1));

    // Scheduled runs scan the whole history.
    let scheduled = run_action(&repo, "schedule", serde_json::json!({}), &[]);
    assert_eq!(scheduled.code, Some(1));
    assert!(
        scheduled.stdout.contains("file=old.py") && scheduled.stdout.contains("file=new.py"),
        "{}",
        scheduled.stdout
    );

    // A base commit that does not exist, with no remote to fetch it from: exit 2, said so.
    let missing = run_action(
        &repo,
        "push",
        serde_json::json!({"before": "1111111111111111111111111111111111111111", "after": head}),
        &[],
    );
    assert_eq!(missing.code, Some(2), "{}", missing.stdout);
    assert!(missing.stdout.contains("is not available"));
}

#[test]
fn a_shallow_checkout_is_deepened_to_reach_the_base() {
    let (origin, base, head) = pull_request_repo();
    let checkout = TestRepo { tree: Tree::new() };
    let url = format!("file://{}", origin.path().display());
    let clone = Command::new("git")
        .args(["clone", "-q", "--depth", "1", "--branch", "pr", &url, "."])
        .current_dir(checkout.path())
        .status()
        .expect("git clone");
    assert!(clone.success());
    assert!(
        Command::new("git")
            .args(["cat-file", "-e", &format!("{base}^{{commit}}")])
            .current_dir(checkout.path())
            .status()
            .is_ok_and(|s| !s.success()),
        "the base is not in the shallow checkout"
    );
    let run = run_action(
        &checkout,
        "pull_request",
        serde_json::json!({"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}),
        &[],
    );
    assert!(
        run.stdout.contains("is not in this checkout; fetching it"),
        "it says what it did: {}",
        run.stdout
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stdout.contains("::error file=new.py") && !run.stdout.contains("file=old.py"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_force_push_scans_what_the_new_head_adds_over_the_common_history() {
    let (repo, base, _) = pull_request_repo();
    // The pushed history is rewritten: `before` is no longer an ancestor of `after`.
    let before = repo.git(&["rev-parse", "HEAD"]);
    repo.git(&["reset", "-q", "--hard", &base]);
    repo.write(
        "rewritten.py",
        format!("SECRET_KEY = '{}'\n", password(152)),
    );
    let after = repo.commit_all("rewritten");
    let run = run_action(
        &repo,
        "push",
        serde_json::json!({"before": before, "after": after, "forced": true}),
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stdout.contains("file=rewritten.py"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("file=old.py") && !run.stdout.contains("file=new.py"),
        "{}",
        run.stdout
    );
}

/// A checkout of `origin`'s `pr` branch with `origin` as its remote, as actions/checkout leaves it.
fn checkout_of(origin: &TestRepo) -> TestRepo {
    let checkout = TestRepo { tree: Tree::new() };
    let url = format!("file://{}", origin.path().display());
    let clone = Command::new("git")
        .args(["clone", "-q", "--branch", "pr", &url, "."])
        .current_dir(checkout.path())
        .status()
        .expect("git clone");
    assert!(clone.success());
    checkout
}

#[test]
fn event_fields_that_are_not_commit_ids_never_reach_git() {
    let (origin, base, head) = pull_request_repo();
    let checkout = checkout_of(&origin);
    let runner = Tree::new();
    let marker = runner.child("pwned");
    // git fetch would run this as its upload-pack command; the second value would forge a
    // workflow command if the script echoed it.
    let injected = format!("--upload-pack=touch {};git-upload-pack", marker.display());
    let forged = "1234\n::add-mask::forged";
    let zero = "0000000000000000000000000000000000000000";
    for value in [injected.as_str(), forged] {
        let cases = [
            (
                "push",
                "before",
                serde_json::json!({"before": value, "after": head}),
            ),
            (
                "push",
                "after",
                serde_json::json!({"before": base, "after": value}),
            ),
            (
                "pull_request",
                "pull_request.base.sha",
                serde_json::json!({"pull_request": {"base": {"sha": value}, "head": {"sha": head}}}),
            ),
            (
                "pull_request",
                "pull_request.head.sha",
                serde_json::json!({"pull_request": {"base": {"sha": base}, "head": {"sha": value}}}),
            ),
            (
                "push",
                "repository.default_branch",
                serde_json::json!({"before": zero, "after": head, "repository": {"default_branch": value}}),
            ),
        ];
        for (event, field, payload) in cases {
            let run = run_action(&checkout, event, payload, &[]);
            assert_eq!(run.code, Some(2), "{field} = {value:?}: {}", run.stdout);
            assert!(
                !marker.exists(),
                "{field}: git took the payload's value as an option"
            );
            assert!(
                run.stdout.contains(&format!(
                    "::error title=leakgate::the event's {field} is not a"
                )),
                "{field}: says which field is wrong: {}",
                run.stdout
            );
            assert!(
                !run.stdout.contains("upload-pack") && !run.stdout.contains("forged"),
                "{field}: the rejected value is not echoed: {}",
                run.stdout
            );
        }
    }

    // A SHA-256 id is a commit id too: it passes the check and is looked for (absent here).
    let sha256 = "a".repeat(64);
    let run = run_action(
        &checkout,
        "pull_request",
        serde_json::json!({"pull_request": {"base": {"sha": sha256}, "head": {"sha": head}}}),
        &[],
    );
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(run.stdout.contains("is not available"), "{}", run.stdout);
}

/// `scripts/action-install.sh <step>` as action.yml runs it: (exit code, combined output, the
/// step outputs it wrote).
fn install_step(
    step: &str,
    action: &Tree,
    runner: &Tree,
    action_ref: &str,
) -> (
    Option<i32>,
    String,
    std::collections::BTreeMap<String, String>,
) {
    let outputs = runner.child("step-output");
    let _ = std::fs::remove_file(&outputs);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action-install.sh");
    let output = Command::new("bash")
        .arg(script)
        .arg(step)
        .env("GITHUB_ACTION_PATH", action.path())
        .env("ACTION_REF", action_ref)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_TOOL_CACHE", runner.child("tool-cache"))
        .env("GITHUB_OUTPUT", &outputs)
        .env(
            "PATH",
            format!(
                "{}:{}",
                runner.child("bin").display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .expect("bash");
    let written = std::fs::read_to_string(&outputs).unwrap_or_default();
    let map = written
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    (
        output.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
        map,
    )
}

#[test]
fn the_build_is_keyed_by_the_actions_ref_and_source() {
    let action = Tree::new();
    action.write("Cargo.toml", "[package]\nname = \"leakgate\"\n");
    action.write("src/main.rs", "fn main() { /* v1 */ }\n");
    let runner = Tree::new();
    // A stand-in for `cargo install` (a real build takes minutes): it logs each call and leaves a
    // `leakgate` that prints the source it was built from.
    runner.write(
        "bin/cargo",
        "#!/bin/sh\n\
         echo \"$@\" >> \"$(dirname \"$0\")/../cargo.log\"\n\
         while [ $# -gt 0 ]; do case \"$1\" in --root) root=$2; shift;; --path) src=$2; shift;; esac; shift; done\n\
         mkdir -p \"$root/bin\" && cp \"$src/src/main.rs\" \"$root/built-from\"\n\
         printf '#!/bin/sh\\ncat \"%s/built-from\"\\n' \"$root\" > \"$root/bin/leakgate\"\n\
         chmod +x \"$root/bin/leakgate\"\n",
    );
    std::fs::set_permissions(
        runner.child("bin/cargo"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    let builds = || {
        std::fs::read_to_string(runner.child("cargo.log"))
            .unwrap_or_default()
            .lines()
            .count()
    };
    let run_binary = |binary: &str| {
        let out = Command::new(binary)
            .output()
            .expect("run the installed binary");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };

    let (code, text, v1) = install_step("key", &action, &runner, "v1");
    assert_eq!(code, Some(0), "{text}");
    assert!(v1["key"].starts_with("leakgate-Linux-v1-"), "{v1:?}");
    assert_eq!(install_step("key", &action, &runner, "v1").2, v1, "stable");
    let v2 = install_step("key", &action, &runner, "v2").2;
    assert_ne!(v2["key"], v1["key"], "a new ref is a new cache entry");

    // What the build tree holds besides the source does not change the version.
    action.write("target/debug/junk", "x");
    action.write(".git/HEAD", "ref: refs/heads/main\n");
    assert_eq!(install_step("key", &action, &runner, "v1").2, v1);

    let (code, text, installed) = install_step("install", &action, &runner, "v1");
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(builds(), 1);
    assert!(run_binary(&installed["binary"]).contains("v1"));
    // Installed again (the cache restored it): used, not rebuilt.
    let again = install_step("install", &action, &runner, "v1").2;
    assert_eq!(
        (again["binary"].as_str(), builds()),
        (installed["binary"].as_str(), 1)
    );

    // The same ref with a changed source (a moved branch): a new key, a new build, a new binary;
    // the old build, still on disk, is not what runs.
    action.write("src/main.rs", "fn main() { /* v1.1 */ }\n");
    let moved = install_step("key", &action, &runner, "v1").2;
    assert_ne!(moved["key"], v1["key"]);
    assert_ne!(moved["root"], v1["root"]);
    let rebuilt = install_step("install", &action, &runner, "v1").2;
    assert_eq!(builds(), 2);
    assert_ne!(rebuilt["binary"], installed["binary"]);
    assert!(run_binary(&rebuilt["binary"]).contains("v1.1"));
}

#[test]
fn the_action_runs_the_binary_it_built_and_keys_its_cache_by_version() {
    let yml = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
        .expect("action.yml");
    // hashFiles() sees only GITHUB_WORKSPACE, never the action's own files: a key built with it
    // never changes.
    assert!(!yml.contains("hashFiles("), "{yml}");
    assert!(
        yml.contains("key: ${{ steps.version.outputs.key }}"),
        "{yml}"
    );
    assert!(
        yml.contains("ACTION_REF: ${{ github.action_ref }}"),
        "{yml}"
    );
    assert!(
        yml.contains("LEAKGATE_BIN: ${{ steps.install.outputs.binary }}"),
        "{yml}"
    );

    // The entry script runs LEAKGATE_BIN, not whatever `leakgate` is first on PATH (an older
    // one left on a self-hosted runner, say).
    let (repo, base, head) = pull_request_repo();
    let stale = Tree::new();
    stale.write("leakgate", "#!/bin/sh\necho stale leakgate\nexit 0\n");
    std::fs::set_permissions(
        stale.child("leakgate"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    let built = assert_cmd::cargo::cargo_bin("leakgate");
    let path = format!(
        "{}:{}",
        stale.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = run_action(
        &repo,
        "pull_request",
        serde_json::json!({"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}),
        &[
            ("PATH", path.as_str()),
            ("LEAKGATE_BIN", &built.display().to_string()),
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(!run.stdout.contains("stale leakgate"), "{}", run.stdout);
    assert!(
        run.stdout.contains("::error file=new.py,line=1,"),
        "{}",
        run.stdout
    );
}
