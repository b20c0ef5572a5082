//! Gemini CLI's hook protocol (docs/hooks/reference.md in google-gemini/gemini-cli).
//!
//! Input: one JSON object with `session_id`, `transcript_path`, `cwd`, `hook_event_name` and
//! `timestamp`, plus per event:
//! - `BeforeTool`: `tool_name`, `tool_input` (`write_file` `file_path`/`content`; `replace`
//!   `file_path`/`new_string`; `run_shell_command` `command`; `read_file` `file_path` (older
//!   versions: `absolute_path` or `path`); `read_many_files` `include` (older versions:
//!   `paths` and `include`), `exclude`, `file_filtering_options`; `grep_search` (older:
//!   `search_file_content`) `pattern`, `dir_path` (older: `path`), `include_pattern` (older:
//!   `include`), `names_only`, `no_ignore` — both print file contents, so the files they would
//!   read are judged as reads; `web_fetch` `prompt`; `google_web_search` `query`;
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
//! blocks the tool call or the turn (a `BeforeTool` without `tool_input`, a known tool's call
//! without a field it needs). `replace` is judged on the file as it would leave it; after
//! `write_file` and `replace` ran, the file is scanned again (`returnDisplay` echoes it:
//! `originalContent`, `newContent`, `fileDiff`, which are not judged as output).

use serde_json::{Value, json};

use super::reads::Search;
use super::{
    Decision, EditKind, Event, EventError, Field, Replacement, Reply, Stage, Verdict, Want,
    event_cwd, field,
};

/// The event of a Gemini CLI hook payload.
pub fn event(value: &Value) -> Result<Event, EventError> {
    let name = field(value, "hook_event_name").ok_or(EventError::Missing("hook_event_name"))?;
    let cwd = event_cwd(value);
    match name {
        "BeforeAgent" => {
            super::check_fields(name, value, &[("prompt", Want::Text)])?;
            let mut event = Event::new(Stage::Prompt, cwd, "the prompt");
            event.scan("prompt", "(prompt)", field(value, "prompt"));
            Ok(event)
        }
        "BeforeTool" | "AfterTool" => {
            let tool = field(value, "tool_name").ok_or(EventError::Missing("tool_name"))?;
            let stage = if name == "BeforeTool" {
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
            add_writes(&mut event, tool, input);
            let file = file_path(input).map(|p| event.resolve(p));
            match tool {
                "write_file" => {
                    let path = file.unwrap_or_else(|| "(content)".into());
                    event.scan("content", path, field(input, "content"));
                }
                "replace" => edit_call(&mut event, input),
                "run_shell_command" => {
                    // The command runs in `dir_path` (older versions: `directory`) when given.
                    let dir = ["dir_path", "directory"]
                        .iter()
                        .find_map(|key| field(input, key))
                        .filter(|d| !d.is_empty());
                    if let Some(dir) = dir {
                        event.cwd = event.resolve(dir);
                    }
                    event.scan_command(field(input, "command"));
                }
                "read_file" => {
                    let named = ["file_path", "absolute_path", "path"]
                        .iter()
                        .find_map(|key| field(input, key));
                    if let Some(path) = named {
                        let path = event.resolve(path);
                        event.reads.push(path);
                    }
                }
                "read_many_files" => {
                    read_many_files(&mut event, input);
                    event.scan_json("input", Some(input));
                }
                "search_file_content" | "grep_search" | "grep" => {
                    search_reads(&mut event, input);
                    event.scan_json("input", Some(input));
                }
                "web_fetch" => event.scan("prompt", "(prompt)", field(input, "prompt")),
                "google_web_search" => event.scan("query", "(query)", field(input, "query")),
                _ => {
                    event.scan_json("input", Some(input));
                    if !READ_ONLY_TOOLS.contains(&tool) {
                        event.mentions_in_json(input);
                    }
                }
            }
            Ok(event)
        }
        other => Err(EventError::UnknownEvent(
            crate::mask::mask_name(other).into_owned(),
            "gemini",
        )),
    }
}

/// The path a file tool names: `file_path`, or `absolute_path` / `path` in older versions.
fn file_path(input: &Value) -> Option<&str> {
    ["file_path", "absolute_path", "path"]
        .iter()
        .find_map(|key| field(input, key))
}

/// The fields each tool the guard knows needs, by name and type (alternatives joined by
/// `|`): a call without them is blocked. Other tools may take anything: every string of their
/// input is scanned.
fn known_fields(tool: &str) -> Option<&'static [Field]> {
    const PATH: &str = "file_path|absolute_path|path";
    Some(match tool {
        "write_file" => &[(PATH, Want::Text), ("content", Want::Text)],
        "replace" => &[
            (PATH, Want::Text),
            ("old_string", Want::Text),
            ("new_string", Want::Text),
        ],
        "run_shell_command" => &[
            ("command", Want::Text),
            ("dir_path|directory", Want::OptText),
        ],
        "read_file" => &[(PATH, Want::Text)],
        "web_fetch" => &[("prompt", Want::Text)],
        "google_web_search" => &[("query", Want::Text)],
        // Where a search looks and what it selects: one of another type cannot be judged.
        "grep_search" | "search_file_content" | "grep" => &[
            ("pattern", Want::Text),
            ("dir_path|path|absolute_path", Want::OptText),
            ("include_pattern|include", Want::OptText),
        ],
        _ => return None,
    })
}

/// Gemini CLI's tools that change no file: naming a guard file in them is no change.
const READ_ONLY_TOOLS: &[&str] = &[
    "read_many_files",
    "list_directory",
    "glob",
    "search_file_content",
    "grep_search",
    "web_fetch",
    "google_web_search",
];

/// The files a tool writes (after `..` and relative paths are resolved).
fn add_writes(event: &mut Event, tool: &str, input: &Value) {
    if let ("write_file" | "replace", Some(path)) = (tool, file_path(input)) {
        let path = event.resolve(path);
        event.writes.push(path);
    }
}

/// `replace`: every occurrence of `old_string` becomes `new_string` (Gemini CLI replaces
/// them all, and fails unless there are `expected_replacements` of them), judged on the file
/// as it will be.
fn replacement(input: &Value) -> Replacement {
    Replacement {
        old: field(input, "old_string").unwrap_or_default().to_owned(),
        new: field(input, "new_string").unwrap_or_default().to_owned(),
        all: true,
    }
}

fn edit_call(event: &mut Event, input: &Value) {
    let path = file_path(input).unwrap_or_default();
    event.edit("edit", path, EditKind::Replace(vec![replacement(input)]));
}

/// Fields of a file tool's response that echo the file (its content before and after, the
/// diff): judged by re-scanning the file, not as output the model was shown.
const FILE_ECHOES: &[&str] = &["originalContent", "newContent", "fileDiff"];

/// `value` without [`FILE_ECHOES`], at any depth.
fn without_echoes(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            (map.iter())
                .filter(|(key, _)| !FILE_ECHOES.contains(&key.as_str()))
                .map(|(key, item)| (key.clone(), without_echoes(item)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_echoes).collect()),
        other => other.clone(),
    }
}

/// A tool that ran: its output is scanned, and the file `write_file` or `replace` left is
/// scanned again (the edit may have completed a secret from pieces).
fn after_tool(event: &mut Event, tool: &str, input: &Value, response: Option<&Value>) {
    add_writes(event, tool, input);
    let path = file_path(input);
    let (Some(path), "write_file" | "replace") = (path, tool) else {
        event.scan_json("output", response);
        return;
    };
    let original = response
        .and_then(|r| r.get("returnDisplay"))
        .and_then(|d| field(d, "originalContent"))
        .map(str::to_owned);
    let replacements = if tool == "write_file" {
        vec![Replacement {
            old: original.clone().unwrap_or_default(),
            new: field(input, "content").unwrap_or_default().to_owned(),
            all: false,
        }]
    } else {
        vec![replacement(input)]
    };
    event.edit(
        "edit",
        path,
        EditKind::Done {
            replacements,
            original,
        },
    );
    event.scan_json("output", response.map(without_echoes).as_ref());
}

/// The strings of a field that is a list of strings, or one string.
fn strings<'a>(input: &'a Value, key: &str) -> Vec<&'a str> {
    match input.get(key) {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Does the tool honour `.gitignore`? Unless `respect_git_ignore` (in
/// `file_filtering_options`, or on its own in older versions) is `false`, or `no_ignore` is
/// `true`.
fn respects_ignores(input: &Value) -> bool {
    let respect = (input.get("file_filtering_options"))
        .and_then(|o| o.get("respect_git_ignore"))
        .or_else(|| input.get("respect_git_ignore"))
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let no_ignore = input
        .get("no_ignore")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    respect && !no_ignore
}

/// `read_many_files` prints every file its `include` (older versions: `paths`, plus
/// `include`) names: a file, a directory (all below it), or a glob from the working
/// directory, less its `exclude` globs.
fn read_many_files(event: &mut Event, input: &Value) {
    let respect = respects_ignores(input);
    let excludes: Vec<String> = (strings(input, "exclude").into_iter())
        .map(|glob| format!("!{glob}"))
        .collect();
    let mut named = strings(input, "paths");
    named.extend(strings(input, "include"));
    for entry in named.into_iter().filter(|e| !e.is_empty()) {
        let path = event.resolve(entry);
        if path.is_file() {
            event.reads.push(path);
            continue;
        }
        let search = if path.is_dir() {
            Search {
                root: path,
                globs: excludes.clone(),
                file_type: None,
                respect_ignores: respect,
            }
        } else {
            let mut globs = vec![entry.trim_start_matches("./").to_owned()];
            globs.extend(excludes.iter().cloned());
            Search {
                root: event.cwd.clone(),
                globs,
                file_type: None,
                respect_ignores: respect,
            }
        };
        event.searches.push(search);
    }
}

/// `search_file_content` / `grep_search` print the matching lines of the files below
/// `dir_path` (older versions: `path`) that `include_pattern` (`include`) selects, unless
/// `names_only`.
fn search_reads(event: &mut Event, input: &Value) {
    if input.get("names_only").and_then(Value::as_bool) == Some(true) {
        return;
    }
    let root = ["dir_path", "path", "absolute_path"]
        .iter()
        .find_map(|key| field(input, key))
        .filter(|p| !p.is_empty())
        .map_or_else(|| event.cwd.clone(), |p| event.resolve(p));
    let globs = ["include_pattern", "include"]
        .iter()
        .find_map(|key| field(input, key))
        .filter(|g| !g.is_empty())
        .map(|g| vec![g.to_owned()])
        .unwrap_or_default();
    event.searches.push(Search {
        root,
        globs,
        file_type: None,
        respect_ignores: respects_ignores(input),
    });
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
