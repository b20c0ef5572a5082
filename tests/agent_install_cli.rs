//! `leakgate install-hook --agent …`: leakgate's entries merged into real settings files that
//! hold other settings and other hooks, idempotently, with a backup outside the project,
//! keeping the file's mode, its values as written and its key order, and writing through a
//! symlink only inside the scope's root; a user's changes to our entries are kept, and
//! `--uninstall` removes exactly what was added.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::{TestRepo, Tree};
use serde_json::{Value, json};

/// `leakgate install-hook ARGS` run in `dir`, with `home` as the home directory.
fn install_in(dir: &Path, home: &Path, args: &[&str]) -> std::process::Output {
    common::leakgate()
        .current_dir(dir)
        .env("HOME", home)
        .env_remove("XDG_STATE_HOME")
        .arg("install-hook")
        .args(args)
        .output()
        .expect("run leakgate")
}

fn install(tree: &Tree, args: &[&str]) -> std::process::Output {
    install_in(tree.path(), &tree.child("home"), args)
}

/// The backup a run reported keeping (`kept the previous settings as PATH`).
fn backup_of(out: &std::process::Output) -> Option<PathBuf> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.split_once("kept the previous settings as "))
        .map(|(_, path)| PathBuf::from(path.trim()))
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("meta").permissions().mode() & 0o777
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
        // The previous version is kept (outside the project), the mode too.
        let backup = backup_of(&out).expect("a backup is reported");
        assert!(backup.starts_with(tree.child("home/.local/state/leakgate/backups")));
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
        assert_eq!(backup_of(&again), None, "no second backup");

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
    assert!(!tree.child("home/.local/state/leakgate/backups").exists());

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

/// Item: an entry of ours the user changed (flags, a wrapper) is left exactly as they wrote it
/// and counts as installed where it covers the event; one they moved into a narrower group
/// (`Bash`) does not cover every tool, so a `*` group is added beside it, once, and the user is
/// told where. The same for Gemini CLI's groups and Cursor's flat list.
#[test]
fn a_customised_entry_keeps_its_flags_and_a_narrowed_one_gets_every_tool_covered() {
    let customised = "leakgate agent-hook claude-code --read deny";
    let wrapped = "cd \"$CLAUDE_PROJECT_DIR\" && leakgate agent-hook claude-code";
    let tree = Tree::new();
    let existing = json!({
        "hooks": {
            "PreToolUse": [
                {"matcher": "Bash", "hooks": [{"type": "command", "command": "leakgate agent-hook claude-code"}]}
            ],
            "PostToolUse": [
                {"matcher": "*", "hooks": [{"type": "command", "command": customised, "timeout": 30}]}
            ],
            "UserPromptSubmit": [{"hooks": [{"type": "command", "command": wrapped}]}]
        }
    });
    tree.write(".claude/settings.json", existing.to_string());
    let out = install(&tree, &["--agent", "claude-code"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("installed 1 leakgate claude-code hook entries"),
        "{said}"
    );
    assert!(
        said.contains("hooks.PreToolUse[0].hooks[0]") && said.contains("`Bash`"),
        "the narrowed entry is named: {said}"
    );
    let installed = read(&tree, ".claude/settings.json");
    // The user's entries are untouched.
    assert_eq!(
        installed["hooks"]["PostToolUse"],
        existing["hooks"]["PostToolUse"]
    );
    assert_eq!(
        installed["hooks"]["UserPromptSubmit"],
        existing["hooks"]["UserPromptSubmit"]
    );
    // The `Bash` group stays, and every tool is covered by a group added after it.
    let pre = &installed["hooks"]["PreToolUse"];
    assert_eq!(pre[0], existing["hooks"]["PreToolUse"][0]);
    assert_eq!(pre[1]["matcher"], "*");
    assert_eq!(
        commands(&json!([pre[1]])),
        vec!["leakgate agent-hook claude-code".to_owned()]
    );
    assert_eq!(pre.as_array().map(Vec::len), Some(2));

    // Installing again changes nothing.
    let before = std::fs::read(tree.child(".claude/settings.json")).expect("read");
    let again = install(&tree, &["--agent", "claude-code"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stdout).contains("already"));
    assert_eq!(
        std::fs::read(tree.child(".claude/settings.json")).expect("read"),
        before
    );

    // Gemini CLI: a regex matcher naming some tools is not every tool; Cursor has no matcher,
    // so a customised entry covers its event.
    let tree = Tree::new();
    tree.write(
        ".gemini/settings.json",
        json!({"hooks": {
            "BeforeTool": [{"matcher": "run_shell_command|write_file", "hooks": [
                {"name": "leakgate", "type": "command", "command": "leakgate agent-hook gemini --read deny"}
            ]}]
        }})
        .to_string(),
    );
    let out = install(&tree, &["--agent", "gemini"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before_tool = &read(&tree, ".gemini/settings.json")["hooks"]["BeforeTool"];
    assert_eq!(before_tool[1]["matcher"], "*");
    assert_eq!(
        commands(&json!([before_tool[0]])),
        vec!["leakgate agent-hook gemini --read deny".to_owned()]
    );

    let tree = Tree::new();
    tree.write(
        ".cursor/hooks.json",
        json!({"version": 1, "hooks": {"beforeReadFile": [{"command": "leakgate agent-hook cursor --read deny"}]}})
            .to_string(),
    );
    let out = install(&tree, &["--agent", "cursor"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let hooks = &read(&tree, ".cursor/hooks.json")["hooks"];
    assert_eq!(
        commands(&hooks["beforeReadFile"]),
        vec!["leakgate agent-hook cursor --read deny".to_owned()]
    );
    assert_eq!(commands(&hooks["beforeShellExecution"]).len(), 1);
}

/// Item: uninstalling removes the entries as installed and keeps one the user changed, naming
/// where it is and why; a file holding only changed entries is left as it is, and the run says
/// so rather than "nothing to remove".
#[test]
fn uninstall_removes_what_it_added_and_names_the_changed_entry_it_kept() {
    let tree = Tree::new();
    tree.write(
        ".claude/settings.json",
        json!({"model": "opus"}).to_string(),
    );
    assert_eq!(
        install(&tree, &["--agent", "claude-code"]).status.code(),
        Some(0)
    );
    let mut settings = read(&tree, ".claude/settings.json");
    settings["hooks"]["PostToolUse"][0]["hooks"][0]["command"] =
        json!("leakgate agent-hook claude-code --read deny");
    settings["hooks"]["UserPromptSubmit"][0]["hooks"][0]["timeout"] = json!(5);
    tree.write(".claude/settings.json", settings.to_string());

    let out = install(&tree, &["--agent", "claude-code", "--uninstall"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("removed 1 leakgate claude-code hook entries"),
        "{said}"
    );
    for kept in [
        "kept hooks.PostToolUse[0].hooks[0]",
        "kept hooks.UserPromptSubmit[0].hooks[0]",
    ] {
        assert!(said.contains(kept), "{kept}: {said}");
    }
    assert!(said.contains("changed after it was installed"), "{said}");
    let after = read(&tree, ".claude/settings.json");
    assert!(after["hooks"].get("PreToolUse").is_none(), "{after}");
    assert_eq!(
        after["hooks"]["PostToolUse"],
        settings["hooks"]["PostToolUse"]
    );
    assert_eq!(
        after["hooks"]["UserPromptSubmit"],
        settings["hooks"]["UserPromptSubmit"]
    );

    // Again: nothing of ours as installed is left; the kept entries are named again.
    let before = std::fs::read(tree.child(".claude/settings.json")).expect("read");
    let out = install(&tree, &["--agent", "claude-code", "--uninstall"]);
    assert_eq!(out.status.code(), Some(0));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!said.contains("nothing to remove"), "{said}");
    assert!(
        said.contains("kept hooks.PostToolUse[0].hooks[0]"),
        "{said}"
    );
    assert_eq!(
        std::fs::read(tree.child(".claude/settings.json")).expect("read"),
        before
    );
}

/// Item: the rewrite keeps every value as written (a big integer, `1.10`, `-0.0`, `1e400`,
/// unicode escapes), the user's key order and indentation; uninstalling gives back the very
/// bytes that were there.
#[test]
fn values_key_order_and_indentation_survive_install_and_uninstall() {
    let original = concat!(
        "{\n",
        "    \"zeta\": 12345678901234567890,\n",
        "    \"ratio\": 1.10,\n",
        "    \"tiny\": -0.0,\n",
        "    \"huge\": 1e400,\n",
        "    \"name\": \"caf\\u00e9 \\ud83d\\ude00 \\/\",\n",
        "    \"env\": {\n",
        "        \"b\": \"2\",\n",
        "        \"a\": \"1\"\n",
        "    },\n",
        "    \"hooks\": {\n",
        "        \"Stop\": [\n",
        "            {\n",
        "                \"hooks\": [\n",
        "                    {\n",
        "                        \"type\": \"command\",\n",
        "                        \"command\": \"say done\"\n",
        "                    }\n",
        "                ]\n",
        "            }\n",
        "        ]\n",
        "    },\n",
        "    \"apiKeyHelper\": null\n",
        "}\n",
    );
    let tree = Tree::new();
    tree.write(".claude/settings.json", original);
    let out = install(&tree, &["--agent", "claude-code"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(tree.child(".claude/settings.json")).expect("read");
    for written in [
        "\"zeta\": 12345678901234567890,",
        "\"ratio\": 1.10,",
        "\"tiny\": -0.0,",
        "\"huge\": 1e400,",
        r#""name": "caf\u00e9 \ud83d\ude00 \/","#,
        "        \"Stop\": [\n",
    ] {
        assert!(text.contains(written), "{written} in\n{text}");
    }
    let order: Vec<usize> = [
        "\"zeta\"",
        "\"ratio\"",
        "\"name\"",
        "\"env\"",
        "\"b\"",
        "\"a\"",
        "\"hooks\"",
        "\"apiKeyHelper\"",
    ]
    .iter()
    .map(|key| text.find(key).expect(key))
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "keys out of order:\n{text}"
    );
    assert!(text.contains("\"Stop\"") && text.find("\"Stop\"") < text.find("\"PreToolUse\""));

    let out = install(&tree, &["--agent", "claude-code", "--uninstall"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(tree.child(".claude/settings.json")).expect("read"),
        original
    );
}

/// Item: what the user had stays after an uninstall, empty or not: an empty event list, an
/// empty `hooks`, an empty matcher group. Only what installing created is removed.
#[test]
fn empty_lists_and_objects_the_user_had_survive_uninstall() {
    for (agent, file, existing) in [
        (
            "claude-code",
            ".claude/settings.json",
            json!({"hooks": {"PreToolUse": [], "UserPromptSubmit": [{"hooks": []}]}}),
        ),
        ("claude-code", ".claude/settings.json", json!({"hooks": {}})),
        (
            "cursor",
            ".cursor/hooks.json",
            json!({"version": 1, "hooks": {"beforeReadFile": []}}),
        ),
        (
            "gemini",
            ".gemini/settings.json",
            json!({"hooks": {"BeforeTool": [], "AfterTool": []}}),
        ),
    ] {
        let tree = Tree::new();
        tree.write(file, existing.to_string());
        let out = install(&tree, &["--agent", agent]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let out = install(&tree, &["--agent", agent, "--uninstall"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(read(&tree, file), existing, "{agent}");
    }
    // Lists and `hooks` that installing created go again.
    let tree = Tree::new();
    tree.write(
        ".claude/settings.json",
        json!({"model": "opus"}).to_string(),
    );
    install(&tree, &["--agent", "claude-code"]);
    install(&tree, &["--agent", "claude-code", "--uninstall"]);
    assert_eq!(
        read(&tree, ".claude/settings.json"),
        json!({"model": "opus"})
    );
}

/// Item: a settings file (or its directory) that is a symlink is written through only when it
/// leads to an existing file inside the scope's root; a dangling link or one leading out is
/// refused with exit 2, naming the link, and nothing is written anywhere.
#[test]
fn a_symlink_leading_nowhere_or_out_of_the_scope_is_refused() {
    let outside = Tree::new();
    outside.write("victim.json", "{\"model\": \"opus\"}");
    outside.write("dir/.keep", "");
    let victim = std::fs::read(outside.child("victim.json")).expect("read");

    // (link, where it points, what must not appear)
    let cases: Vec<(&str, PathBuf, PathBuf)> = vec![
        (
            ".claude/settings.json",
            outside.child("victim.json"),
            outside.child("victim.json"),
        ),
        (
            ".claude/settings.json",
            PathBuf::from("missing.json"),
            PathBuf::from(".claude/missing.json"),
        ),
        (
            ".claude/settings.json",
            outside.child("new.json"),
            outside.child("new.json"),
        ),
        (
            ".claude",
            outside.child("dir"),
            outside.child("dir/settings.json"),
        ),
    ];
    for (link, target, never) in cases {
        let tree = Tree::new();
        std::fs::create_dir_all(tree.child(".claude")).expect("mkdir");
        if link == ".claude" {
            std::fs::remove_dir(tree.child(".claude")).expect("rmdir");
        }
        std::os::unix::fs::symlink(&target, tree.child(link)).expect("symlink");
        let out = install(&tree, &["--agent", "claude-code"]);
        assert_eq!(out.status.code(), Some(2), "{link} -> {}", target.display());
        let said = stderr(&out);
        assert!(said.contains("refusing to write"), "{said}");
        assert!(
            said.contains(&tree.child(link).display().to_string()),
            "names the link: {said}"
        );
        let never = if never.is_absolute() {
            never
        } else {
            tree.child(&never.to_string_lossy())
        };
        if never == outside.child("victim.json") {
            assert_eq!(std::fs::read(&never).expect("read"), victim);
        } else {
            assert!(!never.exists(), "{} was created", never.display());
        }
        assert!(!tree.child("home/.local").exists(), "no backup either");
    }

    // User scope: a link inside the home directory is followed, the mode kept; one out of it
    // is refused.
    let home = Tree::new();
    home.write("dotfiles/claude.json", "{\"model\": \"opus\"}");
    std::fs::set_permissions(
        home.child("dotfiles/claude.json"),
        std::fs::Permissions::from_mode(0o600),
    )
    .expect("chmod");
    std::fs::create_dir_all(home.child(".claude")).expect("mkdir");
    std::os::unix::fs::symlink(
        "../dotfiles/claude.json",
        home.child(".claude/settings.json"),
    )
    .expect("symlink");
    let project = Tree::new();
    let out = install_in(
        project.path(),
        home.path(),
        &["--agent", "claude-code", "--scope", "user"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(home.child(".claude/settings.json"))
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert_eq!(mode(&home.child("dotfiles/claude.json")), 0o600);
    let text = std::fs::read_to_string(home.child("dotfiles/claude.json")).expect("read");
    assert!(text.contains("agent-hook claude-code"), "{text}");

    std::fs::create_dir_all(home.child(".gemini")).expect("mkdir");
    std::os::unix::fs::symlink(
        outside.child("victim.json"),
        home.child(".gemini/settings.json"),
    )
    .expect("symlink");
    let out = install_in(
        project.path(),
        home.path(),
        &["--agent", "gemini", "--scope", "user"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("outside"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(outside.child("victim.json")).expect("read"),
        victim
    );
}

/// Item: the backup is kept outside the project (in the user's state directory, mode 0600,
/// named in the output), so `git status` after installing shows the settings file alone, and
/// a secret the settings held is not copied anywhere a commit or another user could reach.
#[test]
fn the_backup_stays_out_of_the_repository_and_is_private() {
    let repo = TestRepo::new();
    let secret = common::fake("ghp_", 14, 36, common::ALNUM);
    let original =
        serde_json::to_string_pretty(&json!({"env": {"GITHUB_TOKEN": secret}})).expect("json");
    repo.write(".claude/settings.json", &original);
    repo.write("README.md", "project\n");
    std::fs::set_permissions(
        repo.path().join(".claude/settings.json"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");
    repo.commit_all("settings");

    for state in [None, Some("xdg-state")] {
        let home = Tree::new();
        let mut cmd = common::leakgate();
        cmd.current_dir(repo.path())
            .env("HOME", home.path())
            .env_remove("XDG_STATE_HOME")
            .args(["install-hook", "--agent", "claude-code"]);
        if let Some(state) = state {
            cmd.env("XDG_STATE_HOME", home.child(state));
        }
        let out = cmd.output().expect("run");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(
            repo.git(&[
                "status",
                "--porcelain",
                "--untracked-files=all",
                "--ignored"
            ]),
            "M .claude/settings.json"
        );
        let backup = backup_of(&out).expect("the backup is named");
        let dir = match state {
            Some(state) => home.child(state),
            None => home.child(".local/state"),
        };
        assert!(
            backup.starts_with(dir.join("leakgate/backups")),
            "{}",
            backup.display()
        );
        assert_eq!(std::fs::read_to_string(&backup).expect("backup"), original);
        assert_eq!(mode(&backup), 0o600);
        assert_eq!(mode(&dir.join("leakgate/backups")), 0o700);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains(&secret), "the secret is not echoed");
        repo.git(&["checkout", "--", ".claude/settings.json"]);
    }
}

/// An entry whose program path no longer exists (leakgate moved) would fail open at every tool
/// call: installing again points it at this binary and keeps the rest of the user's command.
#[test]
fn an_entry_naming_a_missing_program_is_repointed_keeping_its_flags() {
    let tree = Tree::new();
    let gone = tree.child("old/bin/leakgate");
    tree.write(
        "home/.gemini/settings.json",
        json!({"hooks": {"BeforeTool": [{"matcher": "*", "hooks": [
            {"name": "leakgate", "type": "command", "command": format!("{} agent-hook gemini --read deny", gone.display())}
        ]}]}})
        .to_string(),
    );
    let out = install(&tree, &["--agent", "gemini", "--scope", "user"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("no longer exists"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let exe = assert_cmd::cargo::cargo_bin("leakgate");
    let settings = read(&tree, "home/.gemini/settings.json");
    assert_eq!(
        commands(&settings["hooks"]["BeforeTool"]),
        vec![format!("{} agent-hook gemini --read deny", exe.display())]
    );
}
