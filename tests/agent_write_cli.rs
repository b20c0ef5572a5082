//! `leakgate agent-hook`, the write side: an edit judged on the file it leaves (Claude Code's
//! `Edit`/`MultiEdit`/`NotebookEdit`, Gemini CLI's `replace`, Cursor's `afterFileEdit`), the
//! edited file scanned again after the tool ran, every route to the guard's own files asked
//! about, and malformed events blocked. Real payload shapes (tests/fixtures/agent-hooks/README.md
//! names their sources), the built binary, real files; the secrets are built at run time and
//! never appear in anything the guard prints.

mod common;

use common::agent::{HookAnswer, claude_pre_tool, gemini_before_tool};
use common::{BASE64, DIGITS, Tree, fake, password, random};
use serde_json::{Value, json};

type Answer = HookAnswer;

/// Claude Code's `PreToolUse` decision as these tests read it (`""` when it printed nothing).
trait ClaudeDecision {
    fn decision(&self) -> String;
}

impl ClaudeDecision for Answer {
    fn decision(&self) -> String {
        self.claude_decision().unwrap_or_default()
    }
}

fn hook(tree: &Tree, agent: &str, event: &Value) -> Answer {
    HookAnswer::run(tree.leakgate(), agent, &[], &event.to_string())
}

fn claude(tree: &Tree, tool: &str, input: Value) -> Value {
    claude_pre_tool(tree.path(), tool, input)
}

fn gemini(tree: &Tree, tool: &str, input: Value) -> Value {
    gemini_before_tool(tree.path(), tool, input)
}

/// An AWS secret access key (40 characters of base64) and an access key id.
fn aws_secret(seed: u64) -> String {
    random(seed, 40, BASE64)
}

fn aws_key_id(seed: u64) -> String {
    let upper_digits: Vec<u8> = (b'A'..=b'Z').chain(DIGITS.iter().copied()).collect();
    fake("AKIA", seed, 16, &upper_digits)
}

/// A minimal edit that writes only a value is judged with the rest of the file: the key name
/// on the same line (`aws-secret-access-key`), the key id on the line before
/// (`aws-secret-key-with-key-id`), a password's key outside the edited text. A secret the file
/// already held elsewhere does not block an unrelated edit, but a copy of it does.
#[test]
fn an_edit_is_judged_on_the_file_it_leaves() {
    let secret = aws_secret(1421);
    let tree = Tree::new();
    let edit = |file: &str, old: &str, new: &str| {
        claude(
            &tree,
            "Edit",
            json!({"file_path": tree.child(file), "old_string": old, "new_string": new, "replace_all": false}),
        )
    };

    tree.write(
        "settings.py",
        "import os\n\nAWS_SECRET_ACCESS_KEY = os.environ[\"AWS_SECRET_ACCESS_KEY\"]\n",
    );
    let answer = hook(
        &tree,
        "claude-code",
        &edit(
            "settings.py",
            "os.environ[\"AWS_SECRET_ACCESS_KEY\"]",
            &format!("\"{secret}\""),
        ),
    );
    assert_eq!(answer.decision(), "deny", "{}", answer.stdout);
    let reason = answer.reason();
    assert!(
        reason.contains("aws-secret-access-key (line 3)") && reason.contains("settings.py"),
        "{reason}"
    );
    answer.hides(&secret);

    let key_id = aws_key_id(1422);
    tree.write(
        "creds.py",
        format!("creds = (\"{key_id}\",\n         \"PLACEHOLDER\")\n"),
    );
    let answer = hook(
        &tree,
        "claude-code",
        &edit("creds.py", "PLACEHOLDER", &secret),
    );
    assert_eq!(answer.decision(), "deny", "{}", answer.stdout);
    assert!(
        answer
            .reason()
            .contains("aws-secret-key-with-key-id (line 2)"),
        "{}",
        answer.reason()
    );
    answer.hides(&secret);
    answer.hides(&key_id);

    let weak = password(1423);
    tree.write("db.py", "DB_PASSWORD = \"changeme\"\n");
    let answer = hook(&tree, "claude-code", &edit("db.py", "changeme", &weak));
    assert_eq!(answer.decision(), "deny", "{}", answer.stdout);
    answer.hides(&weak);

    // The key id already in creds.py, and a secret already in settings.py: an edit elsewhere
    // in the file is not blocked by them; an edit that writes the secret again is.
    tree.write(
        "settings.py",
        format!("import os\n\nAWS_SECRET_ACCESS_KEY = \"{secret}\"\nDEBUG = True\n"),
    );
    let unrelated = edit("settings.py", "DEBUG = True", "DEBUG = False");
    let answer = hook(&tree, "claude-code", &unrelated);
    assert_eq!((answer.code, answer.stdout.as_str()), (Some(0), ""));
    // Context around the change that the agent sends again (as agents do to make the text
    // unique) is not the change.
    let with_context = edit(
        "settings.py",
        &format!("AWS_SECRET_ACCESS_KEY = \"{secret}\"\nDEBUG = True"),
        &format!("AWS_SECRET_ACCESS_KEY = \"{secret}\"\nDEBUG = False"),
    );
    assert_eq!(hook(&tree, "claude-code", &with_context).stdout, "");
    let copied = edit(
        "settings.py",
        "DEBUG = True",
        &format!("BACKUP_AWS_SECRET_ACCESS_KEY = \"{secret}\""),
    );
    let answer = hook(&tree, "claude-code", &copied);
    assert_eq!(answer.decision(), "deny", "{}", answer.stdout);
    assert!(answer.reason().contains("line 4"), "{}", answer.reason());
    answer.hides(&secret);
}

/// MultiEdit's edits apply in order (the second edits what the first wrote), `replace_all`
/// replaces every occurrence, and a notebook cell is judged as the cell it becomes.
#[test]
fn multi_edits_replace_all_and_notebook_cells_are_applied_as_the_tools_do() {
    let secret = aws_secret(1424);
    let tree = Tree::new();
    tree.write("app.py", "DEBUG = True\n");
    let multi = claude(
        &tree,
        "MultiEdit",
        json!({"file_path": tree.child("app.py"), "edits": [
            {"old_string": "DEBUG = True", "new_string": "DEBUG = True\nAWS_SECRET_ACCESS_KEY = \"TODO\""},
            {"old_string": "TODO", "new_string": secret, "replace_all": false},
        ]}),
    );
    let answer = hook(&tree, "claude-code", &multi);
    assert_eq!(answer.decision(), "deny", "{}", answer.stdout);
    assert!(
        answer.reason().contains("aws-secret-access-key (line 2)"),
        "{}",
        answer.reason()
    );
    answer.hides(&secret);

    tree.write(
        "env.sh",
        "export REGION=VALUE\nexport AWS_SECRET_ACCESS_KEY=VALUE\n",
    );
    let all = claude(
        &tree,
        "Edit",
        json!({"file_path": tree.child("env.sh"), "old_string": "VALUE", "new_string": secret, "replace_all": true}),
    );
    let answer = hook(&tree, "claude-code", &all);
    assert_eq!(answer.decision(), "deny", "{}", answer.stdout);
    answer.hides(&secret);

    // A cell that already held a secret: changing another line of it is no new leak; a new
    // secret in it is.
    let token = fake("ghp_", 1425, 36, common::ALNUM);
    let cell = format!("import github\nclient = github.Github(\"{token}\")\nprint(1)\n");
    let notebook = json!({
        "cells": [
            {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": ["# Notes\n"]},
            {"cell_type": "code", "id": "cell-a1", "metadata": {}, "execution_count": null, "outputs": [],
             "source": cell.split_inclusive('\n').collect::<Vec<_>>()},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    });
    tree.write("analysis.ipynb", notebook.to_string());
    let notebook_edit = |source: &str| {
        claude(
            &tree,
            "NotebookEdit",
            json!({"notebook_path": tree.child("analysis.ipynb"), "cell_id": "cell-a1", "new_source": source, "cell_type": "code", "edit_mode": "replace"}),
        )
    };
    let answer = hook(
        &tree,
        "claude-code",
        &notebook_edit(&cell.replace("print(1)", "print(2)")),
    );
    assert_eq!(answer.stdout, "", "an unrelated change to the cell");
    let other = fake("ghp_", 1426, 36, common::ALNUM);
    let answer = hook(
        &tree,
        "claude-code",
        &notebook_edit(&cell.replace("print(1)", &format!("backup = \"{other}\""))),
    );
    assert_eq!(answer.decision(), "deny", "{}", answer.stdout);
    assert!(
        answer.reason().contains("github-pat (line 3)"),
        "{}",
        answer.reason()
    );
    answer.hides(&other);
    answer.hides(&token);
}

/// Gemini CLI's `replace` and Cursor's `afterFileEdit` are judged on the file as well.
#[test]
fn gemini_replace_and_cursor_edits_are_judged_on_the_file() {
    let secret = aws_secret(1427);
    let tree = Tree::new();
    tree.write("config.py", "AWS_SECRET_ACCESS_KEY = None\n");
    let replace = gemini(
        &tree,
        "replace",
        json!({"file_path": tree.child("config.py"), "old_string": "None", "new_string": format!("'{secret}'")}),
    );
    let answer = hook(&tree, "gemini", &replace);
    assert_eq!(answer.code, Some(0));
    let json = answer.json();
    assert_eq!(json["decision"], "deny", "{}", answer.stdout);
    assert!(
        json["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("aws-secret-access-key"),
        "{json}"
    );
    answer.hides(&secret);

    // Cursor reports after the edit: the file is as the edit left it.
    tree.write(
        "config.ts",
        format!("const AWS_SECRET_ACCESS_KEY = \"{secret}\";\n"),
    );
    let cursor = json!({
        "conversation_id": "conv-123",
        "generation_id": "gen-456",
        "workspace_roots": [tree.path()],
        "hook_event_name": "afterFileEdit",
        "file_path": tree.child("config.ts"),
        "edits": [{"old_string": "process.env.AWS_SECRET_ACCESS_KEY", "new_string": format!("\"{secret}\"")}],
    });
    let answer = hook(&tree, "cursor", &cursor);
    assert_eq!((answer.code, answer.stdout.trim()), (Some(0), "{}"));
    assert!(
        answer.stderr.contains("aws-secret-access-key (line 1)")
            && answer.stderr.contains("config.ts"),
        "{}",
        answer.stderr
    );
    answer.hides(&secret);
}

/// After `Edit` or `Write` ran, the file is scanned again: an edit that completed a secret
/// from pieces is reported to Claude and the user (the file can be fixed before a commit);
/// the secret a file held before, elsewhere, is not reported for an unrelated edit.
#[test]
fn the_file_an_edit_left_is_scanned_again_after_the_tool_ran() {
    let secret = aws_secret(1428);
    let (head, tail) = secret.split_at(20);
    let tree = Tree::new();
    let original = format!("AWS_SECRET_ACCESS_KEY = \"{head}\"\n");
    tree.write("keys.py", format!("AWS_SECRET_ACCESS_KEY = \"{secret}\"\n"));
    // PostToolUse of Edit (hooks reference; the Edit tool's response).
    let post = json!({
        "session_id": "abc123",
        "transcript_path": tree.child(".claude/transcript.jsonl"),
        "cwd": tree.path(),
        "permission_mode": "default",
        "hook_event_name": "PostToolUse",
        "tool_name": "Edit",
        "tool_input": {"file_path": tree.child("keys.py"), "old_string": "\"\n", "new_string": format!("{tail}\"\n"), "replace_all": false},
        "tool_response": {
            "filePath": tree.child("keys.py"),
            "oldString": "\"\n",
            "newString": format!("{tail}\"\n"),
            "originalFile": original,
            "structuredPatch": [],
            "userModified": false,
            "replaceAll": false,
        },
        "tool_use_id": "toolu_01ABC123",
    });
    // The edit appended the second half of the secret: the file holds it whole.
    let answer = hook(&tree, "claude-code", &post);
    assert_eq!(answer.code, Some(0));
    let json = answer.json();
    assert_eq!(json["decision"], "block", "{json}");
    let told = json["systemMessage"].as_str().unwrap_or_default();
    assert!(
        told.contains("aws-secret-access-key (line 1)")
            && told.contains("keys.py")
            && told.contains("fixed before"),
        "{told}"
    );
    answer.hides(&secret);

    // An unrelated edit of a file that already held a secret: nothing to tell.
    tree.write(
        "keys.py",
        format!("AWS_SECRET_ACCESS_KEY = \"{secret}\"\nDEBUG = False\n"),
    );
    let mut unrelated = post.clone();
    unrelated["tool_input"]["old_string"] = json!("DEBUG = True");
    unrelated["tool_input"]["new_string"] = json!("DEBUG = False");
    unrelated["tool_response"]["oldString"] = json!("DEBUG = True");
    unrelated["tool_response"]["newString"] = json!("DEBUG = False");
    unrelated["tool_response"]["originalFile"] = json!(format!(
        "AWS_SECRET_ACCESS_KEY = \"{secret}\"\nDEBUG = True\n"
    ));
    let answer = hook(&tree, "claude-code", &unrelated);
    assert_eq!((answer.code, answer.stdout.as_str()), (Some(0), ""));

    // Gemini CLI's AfterTool for replace: the same re-scan, told by withholding the output.
    tree.write("keys.py", format!("AWS_SECRET_ACCESS_KEY = \"{secret}\"\n"));
    let after = json!({
        "session_id": "abc123",
        "transcript_path": tree.child(".gemini/transcript.json"),
        "cwd": tree.path(),
        "hook_event_name": "AfterTool",
        "timestamp": "2025-12-01T10:30:00Z",
        "tool_name": "replace",
        "tool_input": {"file_path": tree.child("keys.py"), "old_string": "\"\n", "new_string": format!("{tail}\"\n")},
        "tool_response": {"llmContent": "Successfully modified file", "returnDisplay": {"fileName": "keys.py", "originalContent": original, "newContent": ""}},
    });
    let answer = hook(&tree, "gemini", &after);
    assert_eq!(answer.json()["decision"], "deny", "{}", answer.stdout);
    assert!(
        answer.stdout.contains("aws-secret-access-key"),
        "{}",
        answer.stdout
    );
    answer.hides(&secret);
}

/// The guard's own files, by the routes a plain path check does not see: an interpreter's
/// source, a variable, a glob, `cd` into a settings directory, a symbolic link, Gemini's
/// `absolute_path`, an MCP tool. Reading them stays silent.
#[test]
fn every_route_to_the_guards_own_files_is_asked_about() {
    let tree = Tree::new();
    tree.write(".leakgate.toml", "[rules]\n");
    tree.write(".leakgateignore", "vendor/\n");
    tree.write(".claude/settings.json", "{}\n");
    tree.write(".gemini/settings.json", "{}\n");
    tree.write(".cursor/hooks.json", "{}\n");
    std::os::unix::fs::symlink(".leakgate.toml", tree.child("notes.txt")).expect("symlink");
    let bash = |command: &str| claude(&tree, "Bash", json!({"command": command}));
    for command in [
        "python3 -c \"import os; os.remove('.leakgate.toml')\"",
        "node -e 'require(\"fs\").writeFileSync(\".leakgateignore\", \"\")'",
        "F=.leakgateignore; rm \"$F\"",
        "rm .leakgate*",
        "rm .l?akgate.toml",
        "cd .claude && sed -i 's/agent-hook/true/' settings.json",
        "cd .cursor; echo '{}' > hooks.json",
        "rm -rf .gemini",
        "git checkout HEAD~3 -- .leakgate.toml",
        "cat .leakgate.toml | awk '{print > \".leakgate.toml\"}'",
        "perl -pi -e 's/a/b/' .claude/settings.local.json",
        "ln -sf /dev/null .leakgateignore",
        "leakgate install-hook --agent claude-code --uninstall",
    ] {
        let answer = hook(&tree, "claude-code", &bash(command));
        assert_eq!(answer.decision(), "ask", "{command}: {}", answer.stdout);
        assert!(
            answer.reason().contains("configures leakgate"),
            "{command}: {}",
            answer.reason()
        );
    }
    for command in [
        "cat .leakgate.toml",
        "grep -n rules .leakgate.toml",
        "ls -la .claude && cat .claude/settings.json",
        "head -5 .cursor/hooks.json",
        "rm -rf build *.o",
        "mkdir -p .claude/commands",
    ] {
        let answer = hook(&tree, "claude-code", &bash(command));
        assert_eq!(answer.stdout, "", "{command}");
    }

    // A write through a link to a guard file.
    let write = claude(
        &tree,
        "Write",
        json!({"file_path": tree.child("notes.txt"), "content": "[rules]\ndisable = [\"github-pat\"]\n"}),
    );
    assert_eq!(hook(&tree, "claude-code", &write).decision(), "ask");

    // An MCP tool whose effect is unknown, naming a guard file.
    let mcp = claude(
        &tree,
        "mcp__filesystem__write_file",
        json!({"path": tree.child(".leakgate.toml"), "content": ""}),
    );
    assert_eq!(hook(&tree, "claude-code", &mcp).decision(), "ask");

    // Gemini CLI: older versions name the file `absolute_path`; `..` is resolved. Gemini
    // cannot ask: denied, saying so.
    for input in [
        json!({"absolute_path": tree.child(".leakgate.toml"), "content": "[rules]\n"}),
        json!({"file_path": format!("{}/src/../.leakgateignore", tree.path().display()), "content": ""}),
    ] {
        let answer = hook(&tree, "gemini", &gemini(&tree, "write_file", input.clone()));
        let json = answer.json();
        assert_eq!(json["decision"], "deny", "{input}");
        assert!(
            json["reason"]
                .as_str()
                .unwrap_or_default()
                .contains("configures leakgate"),
            "{json}"
        );
    }
    let answer = hook(
        &tree,
        "gemini",
        &gemini(
            &tree,
            "run_shell_command",
            json!({"command": "python3 -c \"open('.gemini/settings.json','w').write('{}')\""}),
        ),
    );
    assert_eq!(answer.json()["decision"], "deny", "{}", answer.stdout);

    // Cursor's shell hook asks.
    let cursor = json!({
        "conversation_id": "conv-123",
        "generation_id": "gen-456",
        "workspace_roots": [tree.path()],
        "hook_event_name": "beforeShellExecution",
        "command": "rm .leakgate*",
        "cwd": tree.path(),
    });
    assert_eq!(hook(&tree, "cursor", &cursor).json()["permission"], "ask");
}

/// A known tool's call without a field it needs, or with a field of the wrong type, is
/// blocked with a message naming the field (exit 2, which each agent reads as a block; Cursor
/// also gets a deny), never let through unread. An unknown tool's input is scanned whole.
#[test]
fn malformed_events_are_blocked_naming_the_field() {
    let tree = Tree::new();
    let token = fake("ghp_", 1429, 36, common::ALNUM);
    let without_input = json!({
        "session_id": "abc123",
        "cwd": tree.path(),
        "hook_event_name": "PreToolUse",
        "tool_name": "Write",
        "tool_use_id": "toolu_01ABC123",
    });
    let cases: Vec<(&str, Value, &str)> = vec![
        ("claude-code", without_input, "`tool_input` is missing"),
        (
            "claude-code",
            claude(&tree, "Write", json!({"file_path": tree.child("a.py")})),
            "`content` is missing",
        ),
        (
            "claude-code",
            claude(
                &tree,
                "Write",
                json!({"file_path": tree.child("a.py"), "content": [format!("k = '{token}'")]}),
            ),
            "`content` is not a string",
        ),
        (
            "claude-code",
            claude(&tree, "Bash", json!({"description": "list"})),
            "`command` is missing",
        ),
        (
            "claude-code",
            claude(&tree, "Read", json!({"file_path": 5})),
            "`file_path` is not a string",
        ),
        (
            "claude-code",
            claude(
                &tree,
                "Edit",
                json!({"file_path": tree.child("a.py"), "old_string": "a", "new_string": {"text": token}}),
            ),
            "`new_string` is not a string",
        ),
        (
            "claude-code",
            claude(
                &tree,
                "MultiEdit",
                json!({"file_path": tree.child("a.py"), "edits": "a->b"}),
            ),
            "`edits` is not a list",
        ),
        (
            "claude-code",
            claude(&tree, "mcp__kv__put", Value::Null),
            "`tool_input` is missing",
        ),
        (
            "claude-code",
            json!({"hook_event_name": "UserPromptSubmit", "cwd": tree.path()}),
            "`prompt` is missing",
        ),
        (
            "gemini",
            gemini(
                &tree,
                "write_file",
                json!({"file_path": tree.child("a.py")}),
            ),
            "`content` is missing",
        ),
        (
            "gemini",
            gemini(&tree, "run_shell_command", json!({"cmd": "ls"})),
            "`command` is missing",
        ),
        (
            "gemini",
            gemini(
                &tree,
                "replace",
                json!({"old_string": "a", "new_string": "b"}),
            ),
            "`file_path` is missing",
        ),
        (
            "cursor",
            json!({"hook_event_name": "beforeShellExecution", "workspace_roots": [tree.path()], "cwd": tree.path()}),
            "`command` is missing",
        ),
        (
            "cursor",
            json!({"hook_event_name": "beforeSubmitPrompt", "workspace_roots": [tree.path()], "prompt": 3}),
            "`prompt` is not a string",
        ),
    ];
    for (agent, event, says) in cases {
        let answer = hook(&tree, agent, &event);
        assert_eq!(answer.code, Some(2), "{agent} {event}: {}", answer.stdout);
        assert!(
            answer.stderr.starts_with("leakgate blocked this") && answer.stderr.contains(says),
            "{agent} {event}: {}",
            answer.stderr
        );
        if agent == "cursor" {
            let json = answer.json();
            assert_eq!(json["permission"], "deny");
            assert_eq!(json["continue"], false);
        }
        answer.hides(&token);
    }

    // Well-formed calls of the same tools pass.
    for event in [
        claude(
            &tree,
            "Write",
            json!({"file_path": tree.child("a.py"), "content": "x = 1\n"}),
        ),
        claude(&tree, "Bash", json!({"command": "ls"})),
        claude(&tree, "Glob", json!({"pattern": "**/*.rs"})),
    ] {
        let answer = hook(&tree, "claude-code", &event);
        assert_eq!(
            (answer.code, answer.stdout.as_str()),
            (Some(0), ""),
            "{event}"
        );
    }
}
