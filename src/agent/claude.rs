//! Claude Code's hook protocol (the "Hooks reference", code.claude.com/docs/en/hooks).
//!
//! Input: one JSON object with `session_id`, `transcript_path`, `cwd`, `permission_mode` and
//! `hook_event_name`, plus per event:
//! - `PreToolUse`: `tool_name`, `tool_input` (`Write` `file_path`/`content`; `Edit`
//!   `file_path`/`new_string`; `MultiEdit` `file_path`/`edits[].new_string`; `NotebookEdit`
//!   `notebook_path`/`new_source`; `Bash` `command`; `Read` `file_path`; `Grep` `pattern`,
//!   `path`, `glob`, `type`, `output_mode` (`content` prints lines: a read of the files it
//!   searches; `files_with_matches`, the default, and `count` do not), `-A`/`-B`/`-C`; `WebFetch`
//!   `url`/`prompt`; `WebSearch` `query`; MCP tools `mcp__<server>__<tool>` with any arguments),
//!   `tool_use_id`;
//! - `PostToolUse`: the same, plus `tool_response` (any JSON);
//! - `UserPromptSubmit`: `prompt`.
//!
//! Output: exit 0 with JSON on standard output. `PreToolUse`: nothing when allowed (the normal
//! permission flow goes on: an explicit `allow` would skip the user's own permission rules), else
//! `hookSpecificOutput` with `permissionDecision` `ask` or `deny` and
//! `permissionDecisionReason` (shown to the user for `ask`, to Claude for `deny`). `Edit`,
//! `MultiEdit` and `NotebookEdit` are judged on the file as they would leave it; after
//! `Write`, `Edit` and `MultiEdit` ran (`PostToolUse`, whose `tool_response` echoes the file:
//! `originalFile`, `structuredPatch`), the file is scanned again.
//! `UserPromptSubmit`: `decision: "block"` with a `reason` (the prompt is erased, the reason
//! shown to the user). `PostToolUse`: `decision: "block"` with a `reason` (fed to Claude) and a
//! `systemMessage` (shown to the user): the output cannot be unsent. Anything that cannot be
//! judged exits 2 with the reason on standard error, which blocks the tool call or the prompt:
//! a `PreToolUse` without `tool_input`, or a known tool's call without a field it needs (see
//! `known_fields`), is such a call.

use serde_json::{Value, json};

use super::{
    Decision, EditKind, Event, EventError, Field, Replacement, Reply, Stage, Verdict, Want,
    event_cwd, field,
};

/// The event of a Claude Code hook payload.
pub fn event(value: &Value) -> Result<Event, EventError> {
    let name = field(value, "hook_event_name").ok_or(EventError::Missing("hook_event_name"))?;
    let cwd = event_cwd(value);
    match name {
        "UserPromptSubmit" => {
            super::check_fields(name, value, &[("prompt", Want::Text)])?;
            let mut event = Event::new(Stage::Prompt, cwd, "the prompt");
            event.scan("prompt", "(prompt)", field(value, "prompt"));
            Ok(event)
        }
        "PreToolUse" | "PostToolUse" => {
            let tool = field(value, "tool_name").ok_or(EventError::Missing("tool_name"))?;
            let stage = if name == "PreToolUse" {
                Stage::BeforeTool
            } else {
                Stage::AfterTool
            };
            let mut event = Event::new(stage, cwd, tool);
            if stage == Stage::AfterTool {
                let input = value.get("tool_input").unwrap_or(&Value::Null);
                after_tool(&mut event, tool, input, value.get("tool_response"));
                return Ok(event);
            }
            // A call the guard cannot read is blocked (exit 2), never let through unchecked.
            let input = super::tool_input(value, tool, known_fields(tool))?;
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
        "Edit" | "MultiEdit" | "NotebookEdit" => edit_call(event, tool, input),
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
        // Its pattern and globs are scanned below with the rest; what it prints is a read.
        "Grep" => grep_reads(event, input),
        // MCP tools and any other tool: every string of the arguments, keys included; and
        // what they might change, unknown, is asked about when they name a guard file.
        _ => {
            event.scan_json("input", Some(input));
            if !READ_ONLY_TOOLS.contains(&tool) {
                event.mentions_in_json(input);
            }
            return;
        }
    }
    scan_the_rest(event, input);
}

/// The fields each tool the guard knows needs, by name and type: a call without them is
/// blocked. Other tools (MCP tools, tools added later) may take anything: every string of
/// their input is scanned.
fn known_fields(tool: &str) -> Option<&'static [Field]> {
    Some(match tool {
        "Write" => &[("file_path", Want::Text), ("content", Want::Text)],
        "Edit" => &[
            ("file_path", Want::Text),
            ("old_string", Want::Text),
            ("new_string", Want::Text),
            ("replace_all", Want::OptBool),
        ],
        "MultiEdit" => &[("file_path", Want::Text), ("edits", Want::Edits)],
        "NotebookEdit" => &[
            ("notebook_path", Want::Text),
            ("new_source", Want::Text),
            ("cell_id", Want::OptText),
            ("edit_mode", Want::OptText),
        ],
        "Bash" => &[("command", Want::Text)],
        "Read" => &[("file_path", Want::Text)],
        "WebFetch" => &[("url", Want::Text), ("prompt", Want::Text)],
        "WebSearch" => &[("query", Want::Text)],
        // What `Grep` prints depends on these: one of another type cannot be judged.
        "Grep" => &[
            ("pattern", Want::Text),
            ("path", Want::OptText),
            ("glob", Want::OptText),
            ("type", Want::OptText),
            ("output_mode", Want::OptText),
        ],
        _ => return None,
    })
}

/// Claude Code's tools that change no file: naming a guard file in them is no change.
const READ_ONLY_TOOLS: &[&str] = &[
    "Glob",
    "Grep",
    "LS",
    "NotebookRead",
    "TodoWrite",
    "BashOutput",
    "ExitPlanMode",
];

/// The replacements of an `Edit` or `MultiEdit` input (`replace_all` per edit).
fn replacements(tool: &str, input: &Value) -> Vec<Replacement> {
    let one = |edit: &Value| Replacement {
        old: field(edit, "old_string").unwrap_or_default().to_owned(),
        new: field(edit, "new_string").unwrap_or_default().to_owned(),
        all: edit
            .get("replace_all")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    };
    if tool == "MultiEdit" {
        let edits = input.get("edits").and_then(Value::as_array);
        edits.into_iter().flatten().map(one).collect()
    } else {
        vec![one(input)]
    }
}

/// An edit of an existing file, judged on the file as it will be after the edit (MultiEdit's
/// edits applied in order; a notebook cell as its new source).
fn edit_call(event: &mut Event, tool: &str, input: &Value) {
    if tool == "NotebookEdit" {
        // Deleting a cell writes nothing.
        if field(input, "edit_mode") == Some("delete") {
            return;
        }
        let path = field(input, "notebook_path").unwrap_or_default();
        // An inserted cell is new; its `cell_id` names the cell it follows.
        let cell_id = (field(input, "edit_mode") != Some("insert"))
            .then(|| field(input, "cell_id").map(str::to_owned))
            .flatten();
        let source = field(input, "new_source").unwrap_or_default().to_owned();
        event.edit(
            "new_source",
            path,
            EditKind::NotebookCell { cell_id, source },
        );
        return;
    }
    let path = field(input, "file_path").unwrap_or_default();
    let what = if tool == "MultiEdit" { "edits" } else { "edit" };
    event.edit(what, path, EditKind::Replace(replacements(tool, input)));
}

/// Fields of a file tool's response that echo the file (its content before, the text
/// written, the diff): judged by re-scanning the file, not as output the agent was shown.
const FILE_ECHOES: &[&str] = &[
    "originalFile",
    "content",
    "oldString",
    "newString",
    "structuredPatch",
    "edits",
];

/// A tool that ran: its output is scanned, and the file an edit or a write left is scanned
/// again (the edit may have completed a secret from pieces): it cannot be unsent, but the file
/// can be fixed before it is committed.
fn after_tool(event: &mut Event, tool: &str, input: &Value, response: Option<&Value>) {
    // A change to the guard's own files is worth telling.
    add_writes(event, tool, input);
    let path = field(input, "file_path");
    let (Some(path), "Write" | "Edit" | "MultiEdit") = (path, tool) else {
        event.scan_json("output", response);
        return;
    };
    let original = response
        .and_then(|r| field(r, "originalFile"))
        .map(str::to_owned);
    let replacements = if tool == "Write" {
        vec![Replacement {
            old: original.clone().unwrap_or_default(),
            new: field(input, "content").unwrap_or_default().to_owned(),
            all: false,
        }]
    } else {
        replacements(tool, input)
    };
    event.edit(
        "edit",
        path,
        EditKind::Done {
            replacements,
            original,
        },
    );
    if let Some(Value::Object(map)) = response {
        let rest: serde_json::Map<String, Value> = (map.iter())
            .filter(|(key, _)| !FILE_ECHOES.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        event.scan_json("output", Some(&Value::Object(rest)));
    } else {
        event.scan_json("output", response);
    }
}

/// `Grep` (ripgrep) in `content` mode prints the matching lines of the files it searches, so
/// those files are read; `files_with_matches` (its default) and `count` print names and
/// numbers only. An output mode it does not know is taken as `content`.
fn grep_reads(event: &mut Event, input: &Value) {
    let mode = field(input, "output_mode").unwrap_or("files_with_matches");
    if matches!(mode, "files_with_matches" | "count") {
        return;
    }
    let root = field(input, "path")
        .filter(|p| !p.is_empty())
        .map_or_else(|| event.cwd.clone(), |p| event.resolve(p));
    let globs = field(input, "glob").map(split_globs).unwrap_or_default();
    event.searches.push(super::reads::Search {
        root,
        globs,
        file_type: field(input, "type").map(str::to_owned),
        respect_ignores: true,
    });
}

/// `Grep`'s `glob`, which may hold several globs separated by spaces or commas (outside
/// braces: `*.{ts,tsx}` is one).
fn split_globs(text: &str) -> Vec<String> {
    let mut globs = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && (c == ',' || c.is_whitespace()) {
            if !current.is_empty() {
                globs.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        globs.push(current);
    }
    globs
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
