//! `leakgate agent-hook <agent>`: recorded payloads of every supported event
//! (tests/fixtures/agent-hooks, with the secret built at run time) fed to the built binary; the
//! decision and the protocol-correct answer asserted, and no secret byte in anything it prints.

mod common;

use std::path::Path;

use common::agent::HookAnswer;
use common::{ALNUM, Tree, fake, leakgate};
use serde_json::Value;

/// A GitHub token with a valid checksum (the `github-pat` rule).
fn secret(seed: u64) -> String {
    fake("ghp_", seed, 36, ALNUM)
}

/// The recorded payload `agent/name.json`, in `dir`, holding `secret`.
fn payload(agent: &str, name: &str, dir: &Path, secret: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/agent-hooks")
        .join(agent)
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).expect("recorded payload");
    text.replace("__CWD__", &dir.display().to_string())
        .replace("__SECRET__", secret)
}

type Answer = HookAnswer;

fn hook(tree: &Tree, agent: &str, input: &str, args: &[&str]) -> Answer {
    HookAnswer::run(tree.leakgate(), agent, args, input)
}

/// A tree whose `.env` holds `secret` (for the read events).
fn tree_with_env(secret: &str) -> Tree {
    let tree = Tree::new();
    tree.write(".env", format!("GITHUB_TOKEN={secret}\n"));
    tree
}

const CLAUDE_TOOL_EVENTS: &[&str] = &[
    "PreToolUse-Write",
    "PreToolUse-Edit",
    "PreToolUse-MultiEdit",
    "PreToolUse-NotebookEdit",
    "PreToolUse-Bash",
    "PreToolUse-WebFetch",
    "PreToolUse-WebSearch",
    "PreToolUse-mcp",
];

#[test]
fn claude_code_denies_every_tool_call_carrying_a_secret() {
    let token = secret(1401);
    for name in CLAUDE_TOOL_EVENTS {
        let tree = Tree::new();
        let answer = hook(
            &tree,
            "claude-code",
            &payload("claude-code", name, tree.path(), &token),
            &[],
        );
        assert_eq!(answer.code, Some(0), "{name}: {}", answer.stderr);
        let json = answer.json();
        let out = &json["hookSpecificOutput"];
        assert_eq!(out["hookEventName"], "PreToolUse", "{name}");
        assert_eq!(out["permissionDecision"], "deny", "{name}");
        let reason = out["permissionDecisionReason"].as_str().expect("reason");
        assert!(
            reason.contains("github-pat"),
            "{name}: names the rule: {reason}"
        );
        assert!(
            reason.contains("environment variable"),
            "{name}: says the fix: {reason}"
        );
        answer.hides(&token);
    }
}

#[test]
fn claude_code_lets_clean_tool_calls_through_to_its_own_permission_flow() {
    for name in CLAUDE_TOOL_EVENTS {
        let tree = Tree::new();
        let answer = hook(
            &tree,
            "claude-code",
            &payload("claude-code", name, tree.path(), "${GITHUB_TOKEN}"),
            &[],
        );
        assert_eq!(answer.code, Some(0), "{name}: {}", answer.stderr);
        // Silence: never an explicit `allow`, which would skip the user's permission rules.
        assert_eq!(answer.stdout, "", "{name}");
    }
}

#[test]
fn claude_code_blocks_a_prompt_and_reports_an_output_holding_a_secret() {
    let token = secret(1402);
    let tree = Tree::new();
    let prompt = hook(
        &tree,
        "claude-code",
        &payload("claude-code", "UserPromptSubmit", tree.path(), &token),
        &[],
    );
    assert_eq!(prompt.code, Some(0));
    assert_eq!(prompt.json()["decision"], "block");
    assert!(
        prompt.json()["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("github-pat")
    );
    prompt.hides(&token);

    let after = hook(
        &tree,
        "claude-code",
        &payload("claude-code", "PostToolUse-Bash", tree.path(), &token),
        &[],
    );
    assert_eq!(after.code, Some(0));
    let json = after.json();
    assert_eq!(json["decision"], "block");
    let told = json["systemMessage"].as_str().expect("the user is told");
    assert!(told.contains("rotate"), "{told}");
    after.hides(&token);

    let clean = hook(
        &tree,
        "claude-code",
        &payload("claude-code", "UserPromptSubmit", tree.path(), "the token"),
        &[],
    );
    assert_eq!((clean.code, clean.stdout.as_str()), (Some(0), ""));
}

#[test]
fn reading_a_file_that_holds_secrets_asks_by_default_and_denies_when_configured() {
    let token = secret(1403);
    let tree = tree_with_env(&token);
    let read = payload("claude-code", "PreToolUse-Read", tree.path(), "");
    let answer = hook(&tree, "claude-code", &read, &[]);
    let out = &answer.json()["hookSpecificOutput"];
    assert_eq!(out["permissionDecision"], "ask");
    let reason = out["permissionDecisionReason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(".env") && reason.contains("github-pat"),
        "{reason}"
    );
    answer.hides(&token);

    let denied = hook(&tree, "claude-code", &read, &["--read", "deny"]);
    assert_eq!(
        denied.json()["hookSpecificOutput"]["permissionDecision"],
        "deny"
    );

    tree.write(".leakgate.toml", "[agent]\nread = \"deny\"\n");
    let configured = hook(&tree, "claude-code", &read, &[]);
    assert_eq!(
        configured.json()["hookSpecificOutput"]["permissionDecision"],
        "deny"
    );
    let flag_wins = hook(&tree, "claude-code", &read, &["--read", "ask"]);
    assert_eq!(
        flag_wins.json()["hookSpecificOutput"]["permissionDecision"],
        "ask"
    );

    // A file that scans clean is read without a question.
    let clean = Tree::new();
    clean.write(".env", "GITHUB_TOKEN=${GITHUB_TOKEN}\n");
    let answer = hook(
        &clean,
        "claude-code",
        &payload("claude-code", "PreToolUse-Read", clean.path(), ""),
        &[],
    );
    assert_eq!(answer.stdout, "");
}

#[test]
fn shell_commands_that_print_a_dirty_file_ask_and_others_pass() {
    let token = secret(1404);
    let tree = tree_with_env(&token);
    tree.write("notes.txt", "nothing here\n");
    let bash = |command: &str| {
        let event = serde_json::json!({
            "hook_event_name": "PreToolUse",
            "cwd": tree.path(),
            "tool_name": "Bash",
            "tool_input": { "command": command },
        });
        hook(&tree, "claude-code", &event.to_string(), &[])
    };
    for command in [
        "cat .env",
        "head -n 3 .env",
        "tail .env",
        "less .env",
        "more .env",
        "source .env",
        ". ./.env",
        "grep TOKEN .env",
        "cd . && cat < .env",
    ] {
        let answer = bash(command);
        assert_eq!(
            answer.json()["hookSpecificOutput"]["permissionDecision"],
            "ask",
            "{command}"
        );
        answer.hides(&token);
    }
    for command in [
        "grep -l TOKEN .env",
        "cat notes.txt",
        "ls -la .env",
        "wc -l .env",
    ] {
        assert_eq!(bash(command).stdout, "", "{command}");
    }
}

#[test]
fn changes_to_the_guards_own_configuration_are_asked_about() {
    let tree = Tree::new();
    let event = |tool: &str, input: Value| {
        serde_json::json!({
            "hook_event_name": "PreToolUse",
            "cwd": tree.path(),
            "tool_name": tool,
            "tool_input": input,
        })
        .to_string()
    };
    let path = |name: &str| tree.child(name).display().to_string();
    for input in [
        event(
            "Write",
            serde_json::json!({"file_path": path(".leakgate.toml"), "content": "[rules]\ndisable = [\"github-pat\"]\n"}),
        ),
        event(
            "Edit",
            serde_json::json!({"file_path": path(".leakgateignore"), "old_string": "", "new_string": "src/\n"}),
        ),
        event(
            "Write",
            serde_json::json!({"file_path": path(".leakgate-baseline.json"), "content": "{}"}),
        ),
        event(
            "Edit",
            serde_json::json!({"file_path": path(".claude/settings.json"), "old_string": "leakgate", "new_string": ""}),
        ),
        event("Bash", serde_json::json!({"command": "rm .leakgateignore"})),
        event(
            "Bash",
            serde_json::json!({"command": "echo '[rules]' >> .leakgate.toml"}),
        ),
    ] {
        let answer = hook(&tree, "claude-code", &input, &[]);
        assert_eq!(
            answer.json()["hookSpecificOutput"]["permissionDecision"],
            "ask",
            "{input}"
        );
    }
    // Reading it is not a change.
    let read = event("Bash", serde_json::json!({"command": "cat .leakgate.toml"}));
    assert_eq!(hook(&tree, "claude-code", &read, &[]).stdout, "");
}

#[test]
fn a_broken_configuration_blocks_everything_but_the_edit_that_fixes_it() {
    let token = secret(1405);
    let tree = Tree::new();
    tree.write(".leakgate.toml", "[rules\ndisable = 3\n");
    let write = |file: &str, content: &str| {
        serde_json::json!({
            "hook_event_name": "PreToolUse",
            "cwd": tree.path(),
            "tool_name": "Write",
            "tool_input": {"file_path": tree.child(file), "content": content},
        })
        .to_string()
    };
    let fix = hook(
        &tree,
        "claude-code",
        &write(".leakgate.toml", "[rules]\ndisable = []\n"),
        &[],
    );
    let out = &fix.json()["hookSpecificOutput"];
    assert_eq!(out["permissionDecision"], "ask", "{}", fix.stdout);
    assert!(
        out["permissionDecisionReason"]
            .as_str()
            .unwrap_or_default()
            .contains("built-in rules")
    );

    // The fix itself is still scanned with the built-in rules.
    let sneaky = hook(
        &tree,
        "claude-code",
        &write(".leakgate.toml", &format!("# {token}\n")),
        &[],
    );
    assert_eq!(
        sneaky.json()["hookSpecificOutput"]["permissionDecision"],
        "deny"
    );
    sneaky.hides(&token);

    let other = hook(&tree, "claude-code", &write("src/a.py", "x = 1\n"), &[]);
    let out = &other.json()["hookSpecificOutput"];
    assert_eq!(out["permissionDecision"], "deny");
    assert!(
        out["permissionDecisionReason"]
            .as_str()
            .unwrap_or_default()
            .contains(".leakgate.toml")
    );
}

#[test]
fn the_configuration_of_the_events_directory_is_honoured() {
    let token = secret(1406);
    let write = |tree: &Tree, file: &str| {
        serde_json::json!({
            "hook_event_name": "PreToolUse",
            "cwd": tree.path(),
            "tool_name": "Write",
            "tool_input": {"file_path": tree.child(file), "content": format!("// see {token}\n")},
        })
        .to_string()
    };
    let decision =
        |answer: Answer| answer.json()["hookSpecificOutput"]["permissionDecision"].clone();

    let plain = Tree::new();
    assert_eq!(
        decision(hook(&plain, "claude-code", &write(&plain, "src/a.py"), &[])),
        "deny"
    );

    let disabled = Tree::new();
    disabled.write(".leakgate.toml", "[rules]\ndisable = [\"github-pat\"]\n");
    assert_eq!(
        hook(&disabled, "claude-code", &write(&disabled, "src/a.py"), &[]).stdout,
        ""
    );

    let allowed = Tree::new();
    allowed.write(".leakgate.toml", "[allowlist]\npaths = [\"docs/**\"]\n");
    assert_eq!(
        hook(&allowed, "claude-code", &write(&allowed, "docs/a.md"), &[]).stdout,
        ""
    );
    assert_eq!(
        decision(hook(
            &allowed,
            "claude-code",
            &write(&allowed, "src/a.py"),
            &[]
        )),
        "deny"
    );
    // `..` cannot walk a write out of an allowlisted directory: the path is judged as the
    // file it names.
    assert_eq!(
        decision(hook(
            &allowed,
            "claude-code",
            &write(&allowed, "docs/../src/a.py"),
            &[]
        )),
        "deny"
    );

    // Run from elsewhere: the event's `cwd` decides which configuration applies.
    let answer = leakgate()
        .current_dir(plain.path())
        .args(["agent-hook", "claude-code"])
        .write_stdin(write(&disabled, "src/a.py"))
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&answer.stdout), "");
}

#[test]
fn a_secret_used_as_a_file_name_or_a_json_key_is_never_echoed() {
    let token = secret(1407);
    let tree = Tree::new();
    tree.write(&token, format!("GITHUB_TOKEN={token}\n"));
    let read = serde_json::json!({
        "hook_event_name": "PreToolUse",
        "cwd": tree.path(),
        "tool_name": "Read",
        "tool_input": {"file_path": tree.child(&token)},
    });
    let answer = hook(&tree, "claude-code", &read.to_string(), &[]);
    assert_eq!(
        answer.json()["hookSpecificOutput"]["permissionDecision"],
        "ask"
    );
    answer.hides(&token);

    let mcp = serde_json::json!({
        "hook_event_name": "PreToolUse",
        "cwd": tree.path(),
        "tool_name": "mcp__kv__put",
        "tool_input": {"entries": {token.clone(): "value"}},
    });
    let answer = hook(&tree, "claude-code", &mcp.to_string(), &[]);
    assert_eq!(
        answer.json()["hookSpecificOutput"]["permissionDecision"],
        "deny"
    );
    answer.hides(&token);

    let cursor = serde_json::json!({
        "hook_event_name": "beforeReadFile",
        "workspace_roots": [tree.path()],
        "file_path": tree.child(&token),
        "content": format!("GITHUB_TOKEN={token}\n"),
    });
    let answer = hook(&tree, "cursor", &cursor.to_string(), &[]);
    assert_eq!(answer.json()["permission"], "deny");
    answer.hides(&token);
}

#[test]
fn cursor_answers_each_event_in_its_protocol() {
    let token = secret(1408);
    let tree = tree_with_env(&token);
    let run = |name: &str, value: &str| {
        hook(
            &tree,
            "cursor",
            &payload("cursor", name, tree.path(), value),
            &[],
        )
    };
    for name in [
        "beforeShellExecution",
        "beforeMCPExecution",
        "beforeReadFile",
    ] {
        let answer = run(name, &token);
        assert_eq!(answer.code, Some(0), "{name}");
        let json = answer.json();
        assert_eq!(json["permission"], "deny", "{name}");
        for key in [
            "user_message",
            "agent_message",
            "userMessage",
            "agentMessage",
        ] {
            assert!(
                json[key]
                    .as_str()
                    .unwrap_or_default()
                    .contains("github-pat"),
                "{name} {key}"
            );
        }
        answer.hides(&token);
        let clean = run(name, "${GITHUB_TOKEN}");
        assert_eq!(
            clean.json(),
            serde_json::json!({"permission": "allow"}),
            "{name}"
        );
    }
    let prompt = run("beforeSubmitPrompt", &token);
    assert_eq!(prompt.json()["continue"], false);
    prompt.hides(&token);
    assert_eq!(
        run("beforeSubmitPrompt", "the token").json(),
        serde_json::json!({"continue": true})
    );

    let edited = run("afterFileEdit", &token);
    assert_eq!((edited.code, edited.stdout.trim()), (Some(0), "{}"));
    assert!(edited.stderr.contains("github-pat"), "{}", edited.stderr);
    edited.hides(&token);
}

#[test]
fn gemini_answers_each_event_in_its_protocol() {
    let token = secret(1409);
    let tree = tree_with_env(&token);
    for name in [
        "BeforeTool-write_file",
        "BeforeTool-replace",
        "BeforeTool-run_shell_command",
        "BeforeTool-read_file",
        "BeforeTool-mcp",
        "AfterTool-run_shell_command",
        "BeforeAgent",
    ] {
        let answer = hook(
            &tree,
            "gemini",
            &payload("gemini", name, tree.path(), &token),
            &[],
        );
        assert_eq!(answer.code, Some(0), "{name}: {}", answer.stderr);
        let json = answer.json();
        assert_eq!(json["decision"], "deny", "{name}");
        assert!(
            json["reason"]
                .as_str()
                .unwrap_or_default()
                .contains("github-pat"),
            "{name}"
        );
        assert!(json["systemMessage"].is_string(), "{name}");
        answer.hides(&token);
    }
    let clean_tree = Tree::new();
    let clean = hook(
        &clean_tree,
        "gemini",
        &payload(
            "gemini",
            "BeforeTool-write_file",
            clean_tree.path(),
            "${GITHUB_TOKEN}",
        ),
        &[],
    );
    assert_eq!(clean.json(), serde_json::json!({}));
}

#[test]
fn what_cannot_be_judged_is_blocked_with_a_clear_message() {
    let tree = Tree::new();
    let cases = [
        "not json at all",
        "[1, 2]",
        "{\"hook_event_name\": \"PreToolUse\"}",
        "{\"hook_event_name\": \"SomethingNew\", \"cwd\": \"/\"}",
        "",
    ];
    for input in cases {
        for agent in ["claude-code", "gemini"] {
            let answer = hook(&tree, agent, input, &[]);
            assert_eq!(answer.code, Some(2), "{agent} {input:?}");
            assert!(
                answer.stderr.starts_with("leakgate blocked this"),
                "{}",
                answer.stderr
            );
        }
        let answer = hook(&tree, "cursor", input, &[]);
        assert_eq!(answer.code, Some(2), "cursor {input:?}");
        let json = answer.json();
        assert_eq!(
            (json["permission"].as_str(), json["continue"].as_bool()),
            (Some("deny"), Some(false))
        );
    }
    // A malformed payload holding a secret does not echo it.
    let token = secret(1410);
    let broken = format!("{{\"hook_event_name\": \"{token}\", \"prompt\": \"{token}");
    for agent in ["claude-code", "cursor", "gemini"] {
        hook(&tree, agent, &broken, &[]).hides(&token);
        let unknown = format!("{{\"hook_event_name\": \"{token}\"}}");
        hook(&tree, agent, &unknown, &[]).hides(&token);
    }
}

#[test]
fn confidence_decides_what_blocks_as_check_does() {
    let tree = Tree::new();
    let weak = common::random(1411, 8, b"abcdefghijklmnopqrstuvwxyz");
    // A weak literal password: reported at low confidence, below `check`'s default.
    let event = serde_json::json!({
        "hook_event_name": "PreToolUse",
        "cwd": tree.path(),
        "tool_name": "Write",
        "tool_input": {"file_path": tree.child("src/db.py"), "content": format!("connect(user=\"svc\", password=\"{weak}\")\n")},
    })
    .to_string();
    assert_eq!(hook(&tree, "claude-code", &event, &[]).stdout, "");
    let low = hook(&tree, "claude-code", &event, &["--min-confidence", "low"]);
    assert_eq!(
        low.json()["hookSpecificOutput"]["permissionDecision"],
        "deny"
    );
    low.hides(&weak);
    tree.write(".leakgate.toml", "[confidence]\nmin = \"low\"\n");
    let configured = hook(&tree, "claude-code", &event, &[]);
    assert_eq!(
        configured.json()["hookSpecificOutput"]["permissionDecision"],
        "deny"
    );
}

/// A known tool's input with a field the guard did not expect (a field a newer agent adds, a
/// command's `env`) is still read: nothing in a call goes unread. (A `content` that is not a
/// string is a malformed call, blocked: tests/agent_write_cli.rs.)
#[test]
fn a_secret_in_an_unexpected_field_of_a_known_tool_is_denied() {
    let token = secret(1411);
    let tree = Tree::new();
    for input in [
        serde_json::json!({"file_path": tree.child("a.py"), "content": "", "contents": format!("k = '{token}'")}),
        serde_json::json!({"command": "true", "env": {"GITHUB_TOKEN": token}}),
    ] {
        let tool = if input.get("command").is_some() {
            "Bash"
        } else {
            "Write"
        };
        let event = serde_json::json!({
            "hook_event_name": "PreToolUse",
            "cwd": tree.path(),
            "tool_name": tool,
            "tool_input": input,
        });
        let answer = hook(&tree, "claude-code", &event.to_string(), &[]);
        assert_eq!(
            answer.json()["hookSpecificOutput"]["permissionDecision"],
            "deny",
            "{tool}: {}",
            answer.stdout
        );
        answer.hides(&token);
    }
}
