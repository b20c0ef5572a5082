//! `leakgate install-hook --agent …`: leakgate's entries merged into real settings files that
//! hold other settings and other hooks, idempotently, with a backup, keeping the file's mode
//! and symlinks; `--uninstall` removes exactly what was added.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::Tree;
use serde_json::{Value, json};

fn install(tree: &Tree, args: &[&str]) -> std::process::Output {
    tree.leakgate()
        .env("HOME", tree.child("home"))
        .arg("install-hook")
        .args(args)
        .output()
        .expect("run leakgate")
}

/// Standard error with miette's line wrapping undone.
fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn read(tree: &Tree, rel: &str) -> Value {
    let text = std::fs::read_to_string(tree.child(rel)).expect("settings written");
    serde_json::from_str(&text).expect("settings are JSON")
}

/// Every hook command in an event list (matcher groups or Cursor's flat list).
fn commands(list: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for item in list.as_array().into_iter().flatten() {
        if let Some(command) = item["command"].as_str() {
            out.push(command.to_owned());
        }
        for hook in item["hooks"].as_array().into_iter().flatten() {
            if let Some(command) = hook["command"].as_str() {
                out.push(command.to_owned());
            }
        }
    }
    out
}

struct Case {
    agent: &'static str,
    file: &'static str,
    existing: Value,
    events: &'static [&'static str],
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            agent: "claude-code",
            file: ".claude/settings.json",
            existing: json!({
                "model": "claude-sonnet-4-5",
                "permissions": {"allow": ["Bash(npm test)"], "deny": ["Read(./secrets/**)"]},
                "hooks": {
                    "PreToolUse": [
                        {"matcher": "Bash", "hooks": [{"type": "command", "command": "./scripts/audit.sh"}]}
                    ],
                    "Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]
                }
            }),
            events: &["PreToolUse", "PostToolUse", "UserPromptSubmit"],
        },
        Case {
            agent: "cursor",
            file: ".cursor/hooks.json",
            existing: json!({
                "version": 1,
                "hooks": {
                    "beforeShellExecution": [{"command": "./hooks/audit.sh"}],
                    "stop": [{"command": "./hooks/notify.sh"}]
                }
            }),
            events: &[
                "beforeShellExecution",
                "beforeMCPExecution",
                "beforeReadFile",
                "beforeSubmitPrompt",
                "afterFileEdit",
            ],
        },
        Case {
            agent: "gemini",
            file: ".gemini/settings.json",
            existing: json!({
                "theme": "GitHub",
                "tools": {"enableHooks": true},
                "hooks": {
                    "BeforeTool": [
                        {"matcher": "write_file|replace", "hooks": [{"name": "lint", "type": "command", "command": "./lint.sh"}]}
                    ],
                    "SessionStart": [{"hooks": [{"type": "command", "command": "./start.sh"}]}]
                }
            }),
            events: &["BeforeTool", "AfterTool", "BeforeAgent"],
        },
    ]
}

#[test]
fn installing_merges_beside_other_settings_and_hooks_and_uninstalling_restores_them() {
    for case in cases() {
        let tree = Tree::new();
        let original = serde_json::to_string_pretty(&case.existing).expect("json");
        tree.write(case.file, &original);
        let path = tree.child(case.file);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");

        let out = install(&tree, &["--agent", case.agent]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            case.agent,
            String::from_utf8_lossy(&out.stderr)
        );
        let installed = read(&tree, case.file);
        let ours = format!("leakgate agent-hook {}", case.agent);
        for event in case.events {
            let list = &installed["hooks"][event];
            assert_eq!(
                commands(list).iter().filter(|c| **c == ours).count(),
                1,
                "{} {event}: {list}",
                case.agent
            );
        }
        // Every other setting and hook is still there.
        for (key, value) in case.existing.as_object().expect("object") {
            if key != "hooks" {
                assert_eq!(&installed[key], value, "{} {key}", case.agent);
            }
        }
        for (event, list) in case.existing["hooks"].as_object().expect("hooks") {
            for command in commands(list) {
                assert!(
                    commands(&installed["hooks"][event]).contains(&command),
                    "{} {event}",
                    case.agent
                );
            }
        }
        if case.agent == "claude-code" {
            assert_eq!(installed["hooks"]["PreToolUse"][1]["matcher"], "*");
        }
        // The previous version is kept, the mode too.
        let backup = tree.child(&format!("{}.leakgate-backup", case.file));
        assert_eq!(std::fs::read_to_string(&backup).expect("backup"), original);
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "{}", case.agent);

        // Again: nothing changes, no second backup.
        let before = std::fs::read(&path).expect("read");
        let again = install(&tree, &["--agent", case.agent]);
        assert_eq!(again.status.code(), Some(0));
        assert!(
            String::from_utf8_lossy(&again.stdout).contains("already"),
            "{}",
            case.agent
        );
        assert_eq!(std::fs::read(&path).expect("read"), before);
        assert!(
            !tree
                .child(&format!("{}.leakgate-backup.2", case.file))
                .exists()
        );

        // Uninstall: exactly the original settings.
        let out = install(&tree, &["--agent", case.agent, "--uninstall"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(read(&tree, case.file), case.existing, "{}", case.agent);
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let nothing = install(&tree, &["--agent", case.agent, "--uninstall"]);
        assert!(String::from_utf8_lossy(&nothing.stdout).contains("nothing to remove"));
    }
}

#[test]
fn a_user_added_hook_inside_leakgates_group_survives_uninstall() {
    let tree = Tree::new();
    assert_eq!(
        install(&tree, &["--agent", "claude-code"]).status.code(),
        Some(0)
    );
    let mut settings = read(&tree, ".claude/settings.json");
    let group = &mut settings["hooks"]["PreToolUse"][0]["hooks"];
    group
        .as_array_mut()
        .expect("list")
        .push(json!({"type": "command", "command": "./mine.sh"}));
    tree.write(".claude/settings.json", settings.to_string());
    assert_eq!(
        install(&tree, &["--agent", "claude-code", "--uninstall"])
            .status
            .code(),
        Some(0)
    );
    let after = read(&tree, ".claude/settings.json");
    assert_eq!(
        commands(&after["hooks"]["PreToolUse"]),
        vec!["./mine.sh".to_owned()]
    );
    assert!(after["hooks"].get("PostToolUse").is_none());
}

#[test]
fn user_scope_writes_the_home_settings_with_this_binary() {
    let tree = Tree::new();
    let out = install(&tree, &["--agent", "gemini", "--scope", "user"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let settings = read(&tree, "home/.gemini/settings.json");
    let command = commands(&settings["hooks"]["BeforeTool"])
        .pop()
        .expect("installed");
    let exe = assert_cmd::cargo::cargo_bin("leakgate");
    assert_eq!(command, format!("{} agent-hook gemini", exe.display()));
    assert!(!tree.child(".gemini").exists(), "the project is left alone");
}

#[test]
fn a_settings_file_that_is_not_json_is_never_rewritten() {
    let tree = Tree::new();
    tree.write(".cursor/hooks.json", "{ \"version\": 1, \"hooks\": ");
    let out = install(&tree, &["--agent", "cursor"]);
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(said.contains("invalid JSON at line 1 column 25"), "{said}");
    assert_eq!(
        std::fs::read_to_string(tree.child(".cursor/hooks.json")).expect("read"),
        "{ \"version\": 1, \"hooks\": "
    );
    assert!(!tree.child(".cursor/hooks.json.leakgate-backup").exists());

    tree.write(".gemini/settings.json", "{\"hooks\": []}");
    let out = install(&tree, &["--agent", "gemini"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`hooks` is not an object"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_symlinked_settings_file_is_written_through_and_a_fifo_refused() {
    let tree = Tree::new();
    tree.write("dotfiles/claude.json", "{\"model\": \"opus\"}");
    std::fs::create_dir_all(tree.child(".claude")).expect("mkdir");
    std::os::unix::fs::symlink(
        tree.child("dotfiles/claude.json"),
        tree.child(".claude/settings.json"),
    )
    .expect("symlink");
    assert_eq!(
        install(&tree, &["--agent", "claude-code"]).status.code(),
        Some(0)
    );
    let link = std::fs::symlink_metadata(tree.child(".claude/settings.json")).expect("meta");
    assert!(link.file_type().is_symlink(), "still a link");
    let target = read(&tree, "dotfiles/claude.json");
    assert_eq!(target["model"], "opus");
    assert_eq!(
        commands(&target["hooks"]["UserPromptSubmit"]),
        vec!["leakgate agent-hook claude-code".to_owned()]
    );

    let fifo_dir = Tree::new();
    std::fs::create_dir_all(fifo_dir.child(".cursor")).expect("mkdir");
    let status = std::process::Command::new("mkfifo")
        .arg(fifo_dir.child(".cursor/hooks.json"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let out = install(&fifo_dir, &["--agent", "cursor"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn agent_flags_are_checked() {
    let tree = Tree::new();
    let out = install(&tree, &["--agent", "cursor", "--force"]);
    assert_eq!(out.status.code(), Some(2));
    let out = install(&tree, &["--uninstall"]);
    assert_eq!(out.status.code(), Some(2), "--uninstall needs --agent");
    assert!(!tree.child(".cursor").exists());
    let out = install(
        &tree,
        &[
            "--agent", "cursor", "--scope", "project", "--format", "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("installed 5 leakgate cursor hook entries"),
        "{said}"
    );
    assert_eq!(read(&tree, ".cursor/hooks.json")["version"], 1);
}
