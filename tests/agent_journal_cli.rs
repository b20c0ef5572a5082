//! `leakgate journal --agents` on temp homes holding transcripts in the shapes Claude Code,
//! Codex and Gemini CLI write them (lines and documents as their own files record them), with
//! the secrets built at run time and written inside JSON strings, escaped as JSON escapes them.

mod common;

use std::path::Path;

use common::*;

const CLAUDE_SESSION: &str = "5f0c2a8e-3b1d-4c6e-9a7f-2d8b4e6c1a90";
const CLAUDE_MESSAGE: &str = "b7e1d2c3-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const CODEX_SESSION: &str = "0199a2b4-1c2d-7e8f-9a0b-1c2d3e4f5a6b";
const GEMINI_SESSION: &str = "c1d2e3f4-a5b6-4c7d-8e9f-a0b1c2d3e4f5";

/// The secrets of one home, each in a different agent's transcript.
struct Secrets {
    /// In a Claude Code Bash tool call.
    claude_token: String,
    /// In a Claude Code tool result: a private key, its newlines JSON-escaped.
    claude_key: String,
    /// In a Codex function call's `arguments`: JSON inside a JSON string, doubly escaped.
    codex_token: String,
    /// In Codex's prompt history.
    history_token: String,
    /// In a Gemini CLI chat message.
    gemini_token: String,
}

impl Secrets {
    fn all(&self) -> Vec<&str> {
        let key_line = self.claude_key.lines().nth(1).unwrap_or_default();
        vec![
            &self.claude_token,
            key_line,
            &self.codex_token,
            &self.history_token,
            &self.gemini_token,
        ]
    }
}

fn json_line(value: serde_json::Value) -> String {
    format!("{value}\n")
}

/// A home with one transcript per agent, as each agent lays them out.
fn write_home(tree: &Tree) -> Secrets {
    let secrets = Secrets {
        claude_token: fake("ghp_", 301, 36, ALNUM),
        claude_key: fake_pem(302),
        codex_token: fake("glpat-", 303, 20, ALNUM),
        history_token: fake("ghp_", 304, 36, ALNUM),
        gemini_token: fake("ghp_", 305, 36, ALNUM),
    };
    // Claude Code: ~/.claude/projects/<cwd with / as ->/<session>.jsonl, one object per line.
    let claude = [
        json_line(serde_json::json!({
            "type": "summary", "summary": "Deploy the service", "leafUuid": CLAUDE_MESSAGE
        })),
        json_line(serde_json::json!({
            "parentUuid": null, "isSidechain": false, "userType": "external",
            "cwd": "/home/dev/service", "sessionId": CLAUDE_SESSION, "version": "1.0.98",
            "gitBranch": "main", "type": "user",
            "message": {"role": "user", "content": "deploy the service to staging"},
            "uuid": "a0a0a0a0-1111-4222-8333-444455556666", "timestamp": "2025-09-18T10:22:01.000Z"
        })),
        json_line(serde_json::json!({
            "parentUuid": "a0a0a0a0-1111-4222-8333-444455556666", "isSidechain": false,
            "userType": "external", "cwd": "/home/dev/service", "sessionId": CLAUDE_SESSION,
            "version": "1.0.98", "gitBranch": "main", "type": "assistant",
            "message": {
                "id": "msg_01ABCDEF", "type": "message", "role": "assistant",
                "model": "claude-sonnet-4-20250514",
                "content": [{
                    "type": "tool_use", "id": "toolu_01ABCDEF", "name": "Bash",
                    "input": {
                        "command": format!("export GITHUB_TOKEN={} && ./deploy.sh", secrets.claude_token),
                        "description": "Deploy"
                    }
                }]
            },
            "requestId": "req_011CABCDEF", "uuid": CLAUDE_MESSAGE,
            "timestamp": "2025-09-18T10:22:03.000Z"
        })),
        json_line(serde_json::json!({
            "parentUuid": CLAUDE_MESSAGE, "isSidechain": false, "userType": "external",
            "cwd": "/home/dev/service", "sessionId": CLAUDE_SESSION, "version": "1.0.98",
            "type": "user",
            "message": {"role": "user", "content": [{
                "tool_use_id": "toolu_01ABCDEG", "type": "tool_result",
                "content": format!("$ cat deploy/key.pem\n{}", secrets.claude_key)
            }]},
            "uuid": "c3c3c3c3-1111-4222-8333-444455556666",
            "timestamp": "2025-09-18T10:22:05.000Z"
        })),
    ]
    .concat();
    tree.write(
        &format!("home/.claude/projects/-home-dev-service/{CLAUDE_SESSION}.jsonl"),
        claude,
    );
    // Codex: ~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<uuid>.jsonl, session_meta first.
    let arguments = serde_json::json!({
        "command": ["bash", "-lc", format!("git remote set-url origin https://oauth2:{}@gitlab.com/x/y.git", secrets.codex_token)]
    })
    .to_string();
    let codex = [
        json_line(serde_json::json!({
            "timestamp": "2025-09-18T10:30:00.000Z", "type": "session_meta",
            "payload": {"id": CODEX_SESSION, "timestamp": "2025-09-18T10:30:00.000Z",
                        "cwd": "/home/dev/service", "originator": "codex_cli_rs",
                        "cli_version": "0.36.0", "instructions": null}
        })),
        json_line(serde_json::json!({
            "timestamp": "2025-09-18T10:30:02.000Z", "type": "response_item",
            "payload": {"type": "message", "role": "user",
                        "content": [{"type": "input_text", "text": "point the remote at gitlab"}]}
        })),
        json_line(serde_json::json!({
            "timestamp": "2025-09-18T10:30:04.000Z", "type": "response_item",
            "payload": {"type": "function_call", "name": "shell", "arguments": arguments,
                        "call_id": "call_Zx81"}
        })),
    ]
    .concat();
    tree.write(
        &format!(
            "home/.codex/sessions/2025/09/18/rollout-2025-09-18T10-30-00-{CODEX_SESSION}.jsonl"
        ),
        codex,
    );
    // Codex's prompt history: one object per prompt, naming its session.
    tree.write(
        "home/.codex/history.jsonl",
        [
            json_line(serde_json::json!({"session_id": CODEX_SESSION, "ts": 1758191402, "text": "point the remote at gitlab"})),
            json_line(serde_json::json!({"session_id": "0199a2b4-0000-7000-8000-000000000002", "ts": 1758191500, "text": format!("use {} for the API", secrets.history_token)})),
        ]
        .concat(),
    );
    // Gemini CLI: ~/.gemini/tmp/<project hash>/chats/session-<time>-<id>.json, one document.
    let chat = serde_json::json!({
        "sessionId": GEMINI_SESSION,
        "projectHash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "startTime": "2025-09-18T11:00:00.000Z", "lastUpdated": "2025-09-18T11:01:00.000Z",
        "messages": [
            {"id": "m-0001", "timestamp": "2025-09-18T11:00:00.000Z", "type": "user",
             "content": "list my repositories"},
            {"id": "m-0002", "timestamp": "2025-09-18T11:00:30.000Z", "type": "gemini",
             "content": "Running the GitHub CLI.",
             "toolCalls": [{"id": "run_shell_command-1", "name": "run_shell_command",
                            "args": {"command": format!("GH_TOKEN={} gh repo list", secrets.gemini_token)},
                            "status": "success", "timestamp": "2025-09-18T11:00:31.000Z"}]}
        ]
    });
    tree.write(
        "home/.gemini/tmp/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08/chats/session-2025-09-18T11-00-c1d2e3f4.json",
        serde_json::to_string_pretty(&chat).expect("json"),
    );
    tree.write(
        "home/.gemini/tmp/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08/logs.json",
        serde_json::to_string_pretty(&serde_json::json!([
            {"sessionId": GEMINI_SESSION, "messageId": 0, "type": "user", "message": "list my repositories", "timestamp": "2025-09-18T11:00:00.000Z"}
        ]))
        .expect("json"),
    );
    secrets
}

/// The command for an audit of the tree's `home`, with no agent variable leaking in from the
/// machine running the tests.
fn agents(tree: &Tree) -> assert_cmd::Command {
    let mut cmd = tree.leakgate();
    cmd.env_remove("CLAUDE_CONFIG_DIR")
        .env_remove("CODEX_HOME")
        .env("HOME", tree.child("home"))
        .args(["journal", "--agents"]);
    cmd
}

fn provenance_of<'a>(run: &'a JsonRun, path_end: &str) -> Vec<&'a serde_json::Value> {
    run.findings()
        .into_iter()
        .filter(|f| f["path"].as_str().is_some_and(|p| p.ends_with(path_end)))
        .collect()
}

#[test]
fn findings_name_agent_session_message_and_pointer() {
    let tree = Tree::new();
    let secrets = write_home(&tree);
    let run = run_json(&mut agents(&tree));
    assert_eq!(run.status, Some(1), "{}{}", run.stdout, run.stderr);

    let claude = provenance_of(&run, &format!("{CLAUDE_SESSION}.jsonl"));
    let claude: Vec<(&str, u64, &str, &str, &str, &str)> = claude
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default(),
                f["line"].as_u64().unwrap_or_default(),
                f["provenance"]["agent"].as_str().unwrap_or_default(),
                f["provenance"]["session"].as_str().unwrap_or_default(),
                f["provenance"]["message"].as_str().unwrap_or_default(),
                f["json_pointer"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        claude,
        [
            (
                "github-pat",
                3,
                "claude-code",
                CLAUDE_SESSION,
                CLAUDE_MESSAGE,
                "/message/content/0/input/command"
            ),
            (
                "private-key",
                4,
                "claude-code",
                CLAUDE_SESSION,
                "c3c3c3c3-1111-4222-8333-444455556666",
                "/message/content/0/content"
            ),
        ]
    );

    let codex = provenance_of(&run, &format!("{CODEX_SESSION}.jsonl"));
    assert_eq!(codex.len(), 1, "{codex:?}");
    assert_eq!(codex[0]["line"], 3);
    assert_eq!(codex[0]["provenance"]["agent"], "codex");
    assert_eq!(codex[0]["provenance"]["session"], CODEX_SESSION);
    assert_eq!(codex[0]["provenance"]["message"], "call_Zx81");
    assert_eq!(codex[0]["json_pointer"], "/payload/arguments");

    let history = provenance_of(&run, ".codex/history.jsonl");
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0]["line"], 2);
    assert_eq!(
        history[0]["provenance"]["session"], "0199a2b4-0000-7000-8000-000000000002",
        "each history line names its own session"
    );

    let gemini = provenance_of(&run, "c1d2e3f4.json");
    assert_eq!(gemini.len(), 1, "{gemini:?}");
    assert_eq!(gemini[0]["provenance"]["agent"], "gemini");
    assert_eq!(gemini[0]["provenance"]["session"], GEMINI_SESSION);
    assert_eq!(gemini[0]["provenance"]["message"], "m-0002");
    assert_eq!(
        gemini[0]["json_pointer"],
        "/messages/1/toolCalls/0/args/command"
    );
    assert_eq!(run.findings().len(), 5, "{}", run.stdout);

    for secret in secrets.all() {
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
    }
}

#[test]
fn no_format_echoes_a_transcript_secret() {
    let tree = Tree::new();
    let secrets = write_home(&tree);
    for format in ["human", "json", "sarif", "github", "junit"] {
        let output = agents(&tree)
            .args(["--format", format, "--color", "never"])
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(1), "{format}");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        for secret in secrets.all() {
            assert!(!text.contains(secret), "{format} echoes a secret:\n{text}");
        }
        if format == "human" {
            assert!(
                text.contains(&format!(
                    "claude-code transcript, session {CLAUDE_SESSION}, message {CLAUDE_MESSAGE}"
                )),
                "{text}"
            );
        }
        if format == "sarif" {
            let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("sarif");
            let agents: Vec<&str> = sarif["runs"][0]["results"]
                .as_array()
                .expect("results")
                .iter()
                .filter_map(|r| r["properties"]["agent"].as_str())
                .collect();
            assert_eq!(agents.len(), 5, "{agents:?}");
        }
    }
}

#[test]
fn a_session_id_shaped_like_a_token_is_masked() {
    let tree = Tree::new();
    let token = fake("ghp_", 310, 36, ALNUM);
    let named = fake("ghp_", 311, 36, ALNUM);
    tree.write(
        "home/.claude/projects/-p/s.jsonl",
        json_line(serde_json::json!({
            "sessionId": named, "uuid": "u-1", "type": "user",
            "message": {"role": "user", "content": format!("token {token}")}
        })),
    );
    for format in ["human", "json", "sarif"] {
        let output = agents(&tree)
            .args(["--format", format])
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(1));
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(!text.contains(&token), "{format}: {text}");
        assert!(
            !text.contains(&named),
            "{format} shows a token used as a session id: {text}"
        );
    }
}

#[test]
fn missing_agent_homes_are_named_and_a_missing_home_is_an_error() {
    let tree = Tree::new();
    std::fs::create_dir_all(tree.child("home/.codex")).expect("mkdir");
    let run = run_json(&mut agents(&tree));
    assert_eq!(run.status, Some(0), "{}{}", run.stdout, run.stderr);
    let warnings: Vec<String> = run
        .of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("Claude Code: no transcripts")
                && w.contains(".claude does not exist"))
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("Codex: no transcripts in"))
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("Gemini CLI: no transcripts"))
    );

    let output = tree
        .leakgate()
        .args(["journal", "--agents", "--home", "nowhere"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("--home"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn home_flag_and_agent_variables_choose_where_to_look() {
    let tree = Tree::new();
    write_home(&tree);
    let output = tree
        .leakgate()
        .env("HOME", tree.child("elsewhere"))
        .args(["journal", "--agents", "--home", "home", "--format", "json"])
        .output()
        .expect("run");
    let run = JsonRun::from(output);
    assert_eq!(run.status, Some(1));
    assert_eq!(run.findings().len(), 5);

    // CLAUDE_CONFIG_DIR moves Claude Code's directory as Claude Code itself reads it.
    std::fs::rename(tree.child("home/.claude"), tree.child("claude-config")).expect("move");
    let run = run_json(agents(&tree).env("CLAUDE_CONFIG_DIR", tree.child("claude-config")));
    assert_eq!(run.status, Some(1));
    assert_eq!(
        run.findings()
            .iter()
            .filter(|f| f["provenance"]["agent"] == "claude-code")
            .count(),
        2
    );
}

#[test]
fn an_unreadable_transcript_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let tree = Tree::new();
    write_home(&tree);
    let path = tree.child(&format!(
        "home/.claude/projects/-home-dev-service/{CLAUDE_SESSION}.jsonl"
    ));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    for dir in [tree.path().to_owned(), tree.child("home")] {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let run = run_json(
        leakgate_unprivileged(tree.path())
            .env_remove("CLAUDE_CONFIG_DIR")
            .env_remove("CODEX_HOME")
            .env("HOME", tree.child("home"))
            .args(["journal", "--agents"]),
    );
    assert_eq!(run.status, Some(2), "{}{}", run.stdout, run.stderr);
    let errors = run.of_type("error");
    assert!(
        errors.iter().any(|e| e["path"]
            .as_str()
            .is_some_and(|p| p.ends_with(&format!("{CLAUDE_SESSION}.jsonl")))),
        "{}",
        run.stdout
    );
}

#[test]
fn redacted_copy_keeps_the_home_layout_and_no_secret() {
    let tree = Tree::new();
    let secrets = write_home(&tree);
    let before = std::fs::read(tree.child(&format!(
        "home/.claude/projects/-home-dev-service/{CLAUDE_SESSION}.jsonl"
    )))
    .expect("read");
    let run = run_json(agents(&tree).args(["--redact-to", "copy"]));
    assert_eq!(run.status, Some(0), "{}{}", run.stdout, run.stderr);
    let copied = tree.child(&format!(
        "copy/.claude/projects/-home-dev-service/{CLAUDE_SESSION}.jsonl"
    ));
    let text = std::fs::read_to_string(&copied).expect("copied transcript");
    assert!(text.contains("[REDACTED:github-pat:"), "{text}");
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("the copy is still JSON Lines");
    }
    assert!(tree.child("copy/.codex/history.jsonl").is_file());
    assert!(tree.child("copy/.gemini/tmp").is_dir());
    let manifest =
        std::fs::read_to_string(tree.child("copy/leakgate-redactions.json")).expect("manifest");
    assert!(
        !manifest.contains(tree.path().to_string_lossy().as_ref()),
        "the manifest names no absolute path of this machine"
    );
    let mut everything = String::new();
    for entry in walk_files(&tree.child("copy")) {
        everything.push_str(&std::fs::read_to_string(entry).unwrap_or_default());
    }
    for secret in secrets.all() {
        assert!(!everything.contains(secret));
    }
    assert_eq!(
        std::fs::read(tree.child(&format!(
            "home/.claude/projects/-home-dev-service/{CLAUDE_SESSION}.jsonl"
        )))
        .expect("read"),
        before,
        "the original is untouched"
    );
}

fn walk_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}
