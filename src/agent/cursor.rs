//! Cursor's hook protocol (cursor.com/docs/agent/hooks, `.cursor/hooks.json` version 1).
//!
//! Input: one JSON object with `hook_event_name`, `conversation_id`, `generation_id` and
//! `workspace_roots`, plus per event:
//! - `beforeShellExecution`: `command`, `cwd`;
//! - `beforeMCPExecution`: `tool_name`, `tool_input` (an object, or the arguments as a JSON
//!   string), and the server's `url` or `command`;
//! - `beforeReadFile`: `file_path` and the file's `content`;
//! - `beforeSubmitPrompt`: `prompt`;
//! - `afterFileEdit`: `file_path`, `edits[]` of `old_string`/`new_string`.
//!
//! Output: JSON on standard output. `beforeShellExecution` and `beforeMCPExecution`:
//! `permission` `allow`, `ask` or `deny`, with a message for the user and one for the agent.
//! `beforeReadFile` accepts only `allow` or `deny`, so a read leakgate would ask about is
//! denied there, and the message says how to let it through. `beforeSubmitPrompt`: `continue`
//! true or false. `afterFileEdit` takes no answer: the file is scanned as the edit left it,
//! and a secret in what the edit wrote is reported on standard error (Cursor's hook output). Messages are given under both spellings Cursor has
//! documented (`user_message`/`agent_message` and `userMessage`/`agentMessage`). Anything that
//! cannot be judged is denied and exits 2.

use serde_json::{Value, json};

use super::{
    Decision, EditKind, Event, EventError, Replacement, Reply, Stage, Verdict, Want, event_cwd,
    field,
};

/// The event of a Cursor hook payload.
pub fn event(value: &Value) -> Result<Event, EventError> {
    let name = field(value, "hook_event_name").ok_or(EventError::Missing("hook_event_name"))?;
    let cwd = event_cwd(value);
    let mut event = match name {
        "beforeSubmitPrompt" => {
            super::check_fields(name, value, &[("prompt", Want::Text)])?;
            let mut event = Event::new(Stage::Prompt, cwd, "the prompt");
            event.scan("prompt", "(prompt)", field(value, "prompt"));
            event
        }
        "beforeShellExecution" => {
            super::check_fields(name, value, &[("command", Want::Text)])?;
            let mut event = Event::new(Stage::BeforeTool, cwd, "the shell command");
            event.scan_command(field(value, "command"));
            event
        }
        "beforeMCPExecution" => {
            let tool = field(value, "tool_name").unwrap_or("an MCP tool");
            super::check_fields(name, value, &[("tool_input", Want::Any)])?;
            let mut event = Event::new(Stage::BeforeTool, cwd, format!("MCP tool {tool}"));
            event.scan_json("input", value.get("tool_input"));
            // What an MCP tool changes is unknown: naming a guard file is asked about.
            if let Some(input) = value.get("tool_input") {
                event.mentions_in_json(input);
            }
            event
        }
        "beforeReadFile" => {
            let path = field(value, "file_path").ok_or(EventError::Missing("file_path"))?;
            let mut event = Event::new(Stage::BeforeTool, cwd, "reading the file");
            let path = event.resolve(path);
            match field(value, "content") {
                Some(content) => event.read_content = Some((path, content.to_owned())),
                None => event.reads.push(path),
            }
            event
        }
        "afterFileEdit" => {
            // The edit is made: the file is scanned as it now is, for what the edits wrote
            // (or each `new_string` on its own when the file cannot be read).
            let mut event = Event::new(Stage::AfterTool, cwd, "the edit");
            if let Some(path) = field(value, "file_path") {
                let edits = value.get("edits").and_then(Value::as_array);
                let replacements = (edits.into_iter().flatten())
                    .filter_map(|edit| {
                        Some(Replacement {
                            old: field(edit, "old_string").unwrap_or_default().to_owned(),
                            new: field(edit, "new_string")?.to_owned(),
                            all: false,
                        })
                    })
                    .collect();
                event.edit(
                    "edit",
                    path,
                    EditKind::Done {
                        replacements,
                        original: None,
                    },
                );
                let path = event.resolve(path);
                event.writes.push(path);
            }
            event
        }
        other => {
            return Err(EventError::UnknownEvent(
                crate::mask::mask_name(other).into_owned(),
                "cursor",
            ));
        }
    };
    if event.tool.is_empty() {
        event.tool = name.to_owned();
    }
    Ok(event)
}

/// `user_message` and `agent_message`, under both documented spellings.
fn messages(answer: &mut Value, reason: &str) {
    if let Some(object) = answer.as_object_mut() {
        for key in [
            "user_message",
            "agent_message",
            "userMessage",
            "agentMessage",
        ] {
            object.insert(key.to_owned(), Value::String(reason.to_owned()));
        }
    }
}

/// The answer to `decision`, in Cursor's protocol.
pub fn reply(value: &Value, decision: &Decision) -> Reply {
    let event = field(value, "hook_event_name").unwrap_or_default();
    let reason = format!("leakgate: {}", decision.reason);
    match event {
        "beforeSubmitPrompt" => {
            let mut answer = json!({ "continue": decision.verdict == Verdict::Allow });
            if decision.verdict != Verdict::Allow {
                messages(&mut answer, &reason);
            }
            reply_with(answer)
        }
        "afterFileEdit" => Reply {
            stdout: "{}\n".to_owned(),
            stderr: if decision.verdict == Verdict::Allow {
                String::new()
            } else {
                format!("{reason}\n")
            },
            exit: 0,
        },
        _ => {
            let permission = match decision.verdict {
                Verdict::Allow => "allow",
                // beforeReadFile cannot ask.
                Verdict::Ask if event == "beforeReadFile" => "deny",
                Verdict::Ask => "ask",
                Verdict::Deny => "deny",
            };
            let mut answer = json!({ "permission": permission });
            if decision.verdict != Verdict::Allow {
                let reason = if event == "beforeReadFile" && decision.verdict == Verdict::Ask {
                    format!(
                        "{reason} (Cursor cannot ask before a read, so leakgate refuses it: \
                         share what the agent needs yourself, without the secrets.)"
                    )
                } else {
                    reason
                };
                messages(&mut answer, &reason);
            }
            reply_with(answer)
        }
    }
}

fn reply_with(answer: Value) -> Reply {
    Reply {
        stdout: format!("{answer}\n"),
        stderr: String::new(),
        exit: 0,
    }
}

/// The block for an event that could not be judged: a refusal every Cursor event reads
/// (`permission` and `continue`), and exit code 2.
pub fn failure(message: &str) -> Reply {
    let mut answer = json!({ "permission": "deny", "continue": false });
    messages(&mut answer, message);
    Reply {
        stdout: format!("{answer}\n"),
        stderr: format!("{message}\n"),
        exit: 2,
    }
}
