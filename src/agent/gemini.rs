//! Gemini CLI's hook protocol (docs/hooks/reference.md in google-gemini/gemini-cli).
//!
//! Input: one JSON object with `session_id`, `transcript_path`, `cwd`, `hook_event_name` and
//! `timestamp`, plus per event:
//! - `BeforeTool`: `tool_name`, `tool_input` (`write_file` `file_path`/`content`; `replace`
//!   `file_path`/`new_string`; `run_shell_command` `command`; `read_file` `file_path` (older
//!   versions: `absolute_path` or `path`); `web_fetch` `prompt`; `google_web_search` `query`;
//!   MCP tools `mcp__<server>__<tool>` and any other tool with any arguments);
//! - `AfterTool`: the same, plus `tool_response`;
//! - `BeforeAgent`: `prompt`.
//!
//! Output: JSON on standard output, exit 0. Allowed: `{}` (the normal confirmation flow goes
//! on). Otherwise `decision: "deny"` with a `reason` (sent to the agent) and a `systemMessage`
//! (shown to the user). Gemini CLI cannot ask, so what leakgate would ask about is denied, and
//! the reason says so. `AfterTool`: a denial withholds the tool's output from the model, so an
//! output holding a secret is replaced by the reason. `BeforeAgent`: a denial discards the
//! prompt. Anything that cannot be judged exits 2 with the reason on standard error, which
//! blocks the tool call or the turn.

use serde_json::{Value, json};

use super::{Decision, Event, EventError, Reply, Stage, Verdict, event_cwd, field};

/// The event of a Gemini CLI hook payload.
pub fn event(value: &Value) -> Result<Event, EventError> {
    let name = field(value, "hook_event_name").ok_or(EventError::Missing("hook_event_name"))?;
    let cwd = event_cwd(value);
    match name {
        "BeforeAgent" => {
            let mut event = Event::new(Stage::Prompt, cwd, "the prompt");
            event.scan("prompt", "(prompt)", field(value, "prompt"));
            Ok(event)
        }
        "BeforeTool" | "AfterTool" => {
            let tool = field(value, "tool_name").ok_or(EventError::Missing("tool_name"))?;
            let input = value.get("tool_input").unwrap_or(&Value::Null);
            let stage = if name == "BeforeTool" {
                Stage::BeforeTool
            } else {
                Stage::AfterTool
            };
            let mut event = Event::new(stage, cwd, tool);
            if let ("write_file" | "replace", Some(path)) = (tool, field(input, "file_path")) {
                let path = event.resolve(path);
                event.writes.push(path);
            }
            if stage == Stage::AfterTool {
                event.scan_json("output", value.get("tool_response"));
                return Ok(event);
            }
            let file = field(input, "file_path").map(|p| event.resolve(p));
            match tool {
                "write_file" => {
                    let path = file.unwrap_or_else(|| "(content)".into());
                    event.scan("content", path, field(input, "content"));
                }
                "replace" => {
                    let path = file.unwrap_or_else(|| "(new_string)".into());
                    event.scan("new_string", path, field(input, "new_string"));
                }
                "run_shell_command" => event.scan_command(field(input, "command")),
                "read_file" => {
                    let named = ["file_path", "absolute_path", "path"]
                        .iter()
                        .find_map(|key| field(input, key));
                    if let Some(path) = named {
                        let path = event.resolve(path);
                        event.reads.push(path);
                    }
                }
                "web_fetch" => event.scan("prompt", "(prompt)", field(input, "prompt")),
                "google_web_search" => event.scan("query", "(query)", field(input, "query")),
                _ => event.scan_json("input", Some(input)),
            }
            Ok(event)
        }
        other => Err(EventError::UnknownEvent(
            crate::mask::mask_name(other).into_owned(),
            "gemini",
        )),
    }
}

/// The answer to `decision`, in Gemini CLI's protocol.
pub fn reply(_value: &Value, decision: &Decision) -> Reply {
    if decision.verdict == Verdict::Allow {
        return Reply {
            stdout: "{}\n".to_owned(),
            ..Reply::default()
        };
    }
    let reason = match (decision.verdict, decision.stage) {
        (Verdict::Ask, _) => format!(
            "leakgate: {} (Gemini CLI cannot ask, so leakgate refused it: the user can do it \
             themselves.)",
            decision.reason
        ),
        (_, Stage::AfterTool) => format!(
            "leakgate withheld this tool's output from the model: {}",
            decision.reason
        ),
        _ => format!("leakgate: {}", decision.reason),
    };
    let answer = json!({
        "decision": "deny",
        "reason": reason,
        "systemMessage": reason,
    });
    Reply {
        stdout: format!("{answer}\n"),
        stderr: String::new(),
        exit: 0,
    }
}
