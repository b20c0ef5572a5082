//! What the agent-hook tests share: the hook's answer as the agent reads it, and the payload
//! shapes of Claude Code's `PreToolUse` and Gemini CLI's `BeforeTool` events (the hooks
//! references' common fields; tests/fixtures/agent-hooks/README.md names the sources).

use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};

/// One run of `leakgate agent-hook`: its exit code and both outputs.
pub struct HookAnswer {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl HookAnswer {
    /// Runs `command` (a `leakgate` already placed in its directory) as
    /// `agent-hook <agent> <args>` with `input` on standard input.
    pub fn run(mut command: Command, agent: &str, args: &[&str], input: &str) -> Self {
        let output = command
            .arg("agent-hook")
            .arg(agent)
            .args(args)
            .write_stdin(input.to_owned())
            .output()
            .expect("run leakgate");
        HookAnswer {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?} {:?}", self.stdout, self.stderr))
    }

    /// Claude Code's `permissionDecision` (`""` when the answer has none), or `None` when the
    /// hook printed nothing (the call goes on to the agent's own permission flow).
    pub fn claude_decision(&self) -> Option<String> {
        if self.stdout.is_empty() {
            return None;
        }
        let json = self.json();
        Some(
            json["hookSpecificOutput"]["permissionDecision"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    }

    /// The reason given to the agent (Claude Code's or Gemini CLI's field).
    pub fn reason(&self) -> String {
        let json = self.json();
        (json["hookSpecificOutput"]["permissionDecisionReason"].as_str())
            .or(json["reason"].as_str())
            .unwrap_or_default()
            .to_owned()
    }

    /// Neither output holds `secret`, nor its distinctive part.
    pub fn hides(&self, secret: &str) {
        for text in [&self.stdout, &self.stderr] {
            assert!(!text.contains(secret), "secret echoed: {text}");
            if let Some(part) = secret.get(4..24) {
                assert!(!text.contains(part), "secret part echoed: {text}");
            }
        }
    }
}

/// A Claude Code `PreToolUse` payload run in `cwd`, as the hooks reference gives it.
pub fn claude_pre_tool(cwd: &Path, tool: &str, input: Value) -> Value {
    json!({
        "session_id": "abc123",
        "transcript_path": cwd.join(".claude/transcript.jsonl"),
        "cwd": cwd,
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": input,
        "tool_use_id": "toolu_01ABC123",
    })
}

/// A Gemini CLI `BeforeTool` payload run in `cwd`.
pub fn gemini_before_tool(cwd: &Path, tool: &str, input: Value) -> Value {
    json!({
        "session_id": "abc123",
        "transcript_path": cwd.join(".gemini/transcript.json"),
        "cwd": cwd,
        "timestamp": "2025-12-01T10:30:00Z",
        "hook_event_name": "BeforeTool",
        "tool_name": tool,
        "tool_input": input,
    })
}
