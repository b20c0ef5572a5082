//! Claude Code's hook protocol (the "Hooks reference", code.claude.com/docs/en/hooks).
//!
//! Input: one JSON object with `session_id`, `transcript_path`, `cwd`, `permission_mode` and
//! `hook_event_name`, plus per event:
//! - `PreToolUse`: `tool_name`, `tool_input` (`Write` `file_path`/`content`; `Edit`
//!   `file_path`/`new_string`; `MultiEdit` `file_path`/`edits[].new_string`; `NotebookEdit`
//!   `notebook_path`/`new_source`; `Bash` `command`; `Read` `file_path`; `WebFetch`
//!   `url`/`prompt`; `WebSearch` `query`; MCP tools `mcp__<server>__<tool>` with any arguments),
//!   `tool_use_id`;
//! - `PostToolUse`: the same, plus `tool_response` (any JSON);
//! - `UserPromptSubmit`: `prompt`.
//!
//! Output: exit 0 with JSON on standard output. `PreToolUse`: nothing when allowed (the normal
//! permission flow goes on: an explicit `allow` would skip the user's own permission rules), else
//! `hookSpecificOutput` with `permissionDecision` `ask` or `deny` and
//! `permissionDecisionReason` (shown to the user for `ask`, to Claude for `deny`).
//! `UserPromptSubmit`: `decision: "block"` with a `reason` (the prompt is erased, the reason
//! shown to the user). `PostToolUse`: `decision: "block"` with a `reason` (fed to Claude) and a
//! `systemMessage` (shown to the user): the output cannot be unsent. Anything that cannot be
//! judged exits 2 with the reason on standard error, which blocks the tool call or the prompt.

use serde_json::{Value, json};

use super::{Decision, Event, EventError, Reply, Stage, Verdict, event_cwd, field};

/// The event of a Claude Code hook payload.
pub fn event(value: &Value) -> Result<Event, EventError> {
    let name = field(value, "hook_event_name").ok_or(EventError::Missing("hook_event_name"))?;
    let cwd = event_cwd(value);
    match name {
        "UserPromptSubmit" => {
            let mut event = Event::new(Stage::Prompt, cwd, "the prompt");
            event.scan("prompt", "(prompt)", field(value, "prompt"));
            Ok(event)
        }
        "PreToolUse" | "PostToolUse" => {
            let tool = field(value, "tool_name").ok_or(EventError::Missing("tool_name"))?;
            let input = value.get("tool_input").unwrap_or(&Value::Null);
            let stage = if name == "PreToolUse" {
                Stage::BeforeTool
            } else {
                Stage::AfterTool
            };
            let mut event = Event::new(stage, cwd, tool);
            if stage == Stage::AfterTool {
                event.scan_json("output", value.get("tool_response"));
                // What the tool wrote was checked before it ran; a change to the guard's own
                // files is still worth telling.
                add_writes(&mut event, tool, input);
                return Ok(event);
            }
            tool_call(&mut event, tool, input);
            Ok(event)
        }
        other => Err(EventError::UnknownEvent(
            crate::mask::mask_name(other).into_owned(),
            "claude-code",
        )),
    }
}

/// The files a tool changes.
fn add_writes(event: &mut Event, tool: &str, input: &Value) {
    let key = match tool {
        "Write" | "Edit" | "MultiEdit" => "file_path",
        "NotebookEdit" => "notebook_path",
        _ => return,
    };
    if let Some(path) = field(input, key) {
        let path = event.resolve(path);
        event.writes.push(path);
    }
}

/// What a tool call would write, run, read or send.
fn tool_call(event: &mut Event, tool: &str, input: &Value) {
    add_writes(event, tool, input);
    let file = field(input, "file_path").map(|p| event.resolve(p));
    match tool {
        "Write" => {
            let path = file.unwrap_or_else(|| "(content)".into());
            event.scan("content", path, field(input, "content"));
        }
        "Edit" => {
            let path = file.unwrap_or_else(|| "(new_string)".into());
            event.scan("new_string", path, field(input, "new_string"));
        }
        "MultiEdit" => {
            let path = file.unwrap_or_else(|| "(new_string)".into());
            let edits = input.get("edits").and_then(Value::as_array);
            for edit in edits.into_iter().flatten() {
                event.scan("new_string", path.clone(), field(edit, "new_string"));
            }
        }
        "NotebookEdit" => {
            let path = (field(input, "notebook_path").map(|p| event.resolve(p)))
                .unwrap_or_else(|| "(new_source)".into());
            // A cell's source is not a notebook: scanned as text, beside the notebook.
            let cell = path.with_extension("ipynb-cell");
            event.scan("new_source", cell, field(input, "new_source"));
        }
        "Bash" => event.scan_command(field(input, "command")),
        // What a read risks is the file's text, judged as a read (its path was written by
        // the model itself).
        "Read" => {
            if let Some(path) = file {
                event.reads.push(path);
            }
            return;
        }
        "WebFetch" => {
            event.scan("url", "(url)", field(input, "url"));
            event.scan("prompt", "(prompt)", field(input, "prompt"));
        }
        "WebSearch" => event.scan("query", "(query)", field(input, "query")),
        // MCP tools and any other tool: every string of the arguments, keys included.
        _ => {
            event.scan_json("input", Some(input));
            return;
        }
    }
    scan_the_rest(event, input);
}

/// The fields [`tool_call`] reads as text, when they are strings; and those it must not read
/// (`old_string`: an edit that removes a secret is no leak).
const READ_AS_TEXT: &[&str] = &[
    "content",
    "new_string",
    "new_source",
    "command",
    "url",
    "prompt",
    "query",
];
const NOT_WRITTEN: &[&str] = &["old_string", "edits"];

/// Every other string of a known tool's input, as JSON: a field a newer version of the agent
/// adds, a `content` that is not a string, a secret typed into a path. Nothing in a call goes
/// unread because its shape was unexpected.
fn scan_the_rest(event: &mut Event, input: &Value) {
    let Some(map) = input.as_object() else {
        event.scan_json("input", Some(input));
        return;
    };
    let rest: serde_json::Map<String, Value> = map
        .iter()
        .filter(|(key, value)| {
            let read_already = value.is_string() && READ_AS_TEXT.contains(&key.as_str());
            !(NOT_WRITTEN.contains(&key.as_str()) || read_already)
        })
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    if !rest.is_empty() {
        event.scan_json("input", Some(&Value::Object(rest)));
    }
}

/// The answer to `decision`, in Claude Code's protocol.
pub fn reply(value: &Value, decision: &Decision) -> Reply {
    if decision.verdict == Verdict::Allow {
        return Reply::default();
    }
    let event = field(value, "hook_event_name").unwrap_or_default();
    let reason = &decision.reason;
    let answer = match decision.stage {
        Stage::BeforeTool => json!({
            "hookSpecificOutput": {
                "hookEventName": event,
                "permissionDecision": if decision.verdict == Verdict::Deny { "deny" } else { "ask" },
                "permissionDecisionReason": reason,
            }
        }),
        Stage::Prompt => json!({ "decision": "block", "reason": reason }),
        Stage::AfterTool => json!({
            "decision": "block",
            "reason": reason,
            "systemMessage": format!("leakgate: {reason}"),
        }),
    };
    Reply {
        stdout: format!("{answer}\n"),
        stderr: String::new(),
        exit: 0,
    }
}
