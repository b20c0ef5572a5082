//! Agent configuration checks (rules/agent.toml): risky settings are reported where they
//! apply, shown rather than redacted, and only high-severity ones fail without --strict.

mod common;

use common::*;

#[test]
fn sandbox_off_fails_and_softer_settings_warn() {
    let tree = Tree::new();
    tree.write(
        ".codex/config.toml",
        "model = \"o4\"\nsandbox_mode = \"danger-full-access\"\n",
    );
    let output = tree
        .leakgate()
        .args(["scan", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("error[agent-sandbox-full-access]"), "{text}");
    assert!(
        text.contains("sandbox_mode = \"danger-full-access\""),
        "the setting is shown: {text}"
    );

    let soft = Tree::new();
    soft.write(
        "agent/config.toml",
        "approval_policy = \"never\"\n\n[sandbox_workspace_write]\nnetwork_access = true\n",
    );
    soft.write(
        ".env",
        "ALLOWED_COMMANDS=ls,cat,rm\nALLOWED_PATHS=/srv/app,/\n",
    );
    soft.write(
        "flows/review.yaml",
        "nodes:\n  - type: code\n    sandbox:\n      backend: restricted_python\n",
    );
    // The same words where the rules do not apply: prose is not configuration.
    soft.write(
        "README.md",
        "Never set sandbox_mode = \"danger-full-access\" or ALLOWED_PATHS=/ in production.\n",
    );
    let run = run_json(soft.leakgate().arg("scan"));
    assert_eq!(run.status, Some(0), "warnings alone do not fail the run");
    let mut rules: Vec<String> = run
        .findings()
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default().to_owned())
        .collect();
    rules.sort();
    assert_eq!(
        rules,
        vec![
            "agent-allowed-commands-dangerous",
            "agent-allowed-paths-root",
            "agent-approval-never",
            "agent-sandbox-network-access",
            "agent-workflow-restricted-python",
        ]
    );
    assert!(run.findings().iter().all(|f| f["kind"] == "policy"));
    soft.leakgate().args(["scan", "--strict"]).assert().code(1);
}

#[test]
fn allow_secret_logs_is_a_finding_in_env_files_and_ci() {
    let tree = Tree::new();
    tree.write(".env.ci", "BABYSITTER_ALLOW_SECRET_LOGS=true\n");
    tree.write(
        ".github/workflows/ci.yml",
        "env:\n  BABYSITTER_ALLOW_SECRET_LOGS: '1'\n",
    );
    tree.write("ok.env", "BABYSITTER_ALLOW_SECRET_LOGS=0\n");
    let run = run_json(tree.leakgate().arg("scan"));
    assert_eq!(run.status, Some(1));
    assert_eq!(
        run.locations(),
        vec![
            (".env.ci".to_owned(), 1),
            (".github/workflows/ci.yml".to_owned(), 2)
        ]
    );
}
