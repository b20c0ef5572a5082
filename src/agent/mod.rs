//! The agent guard: `leakgate agent-hook <agent>` reads one hook event of a coding agent (Claude
//! Code, Cursor, Gemini CLI) as JSON and answers in that agent's own protocol, so that a secret
//! is stopped before the agent writes it into a file, runs it in a command, sends it in a
//! prompt or reads it into its context, and reported when a tool's output already carried one.
//!
//! Each agent's protocol lives in its own module ([`claude`], [`cursor`], [`gemini`]): it turns
//! the agent's payload into one agent-independent [`Event`] and a [`Decision`] back into the
//! agent's answer ([`Reply`]: standard output, standard error, exit code). What is checked and
//! why is decided once, in [`guard`], with the same rules and configuration as every scan;
//! [`shell`] finds the files a shell command prints. [`install`] merges the hook entries into
//! each agent's settings file.
//!
//! A security gate that fails open is worse than none: input that cannot be read as an event
//! of the agent, an event the guard does not know, a tool call without its input or a known
//! tool's call without a field it needs (`check_fields`), and any internal error are
//! answered with a block in the agent's protocol and exit code 2, which every supported agent
//! reads as "block". [`own_files`] knows the files that configure the guard itself.

pub mod claude;
pub mod cursor;
pub mod gemini;
pub mod guard;
pub mod install;
pub mod own_files;
pub mod reads;
pub mod shell;

use std::path::{Path, PathBuf};

pub use guard::GuardOptions;

/// The agents whose hook protocol leakgate speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agent {
    ClaudeCode,
    Cursor,
    Gemini,
}

impl Agent {
    /// The name `agent-hook` and `install-hook --agent` take.
    pub fn name(self) -> &'static str {
        match self {
            Agent::ClaudeCode => "claude-code",
            Agent::Cursor => "cursor",
            Agent::Gemini => "gemini",
        }
    }
}

/// When in the agent's loop the event fires, which decides what an answer can still prevent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// A tool call is about to run: it can be allowed, asked about or denied.
    BeforeTool,
    /// The user submitted a prompt: it can be blocked before the model sees it.
    Prompt,
    /// A tool already ran (its output, or the edit it made): the agent and the user can only be
    /// told, except where the protocol can still withhold the output from the model.
    AfterTool,
}

/// A piece of text an event would write, run or send, scanned as if it were a file at `path`
/// (so path rules, path allowlists, JSON-aware scanning and test-fixture confidence apply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// What it is, for the reason (`content`, `new_string`, `command`, `prompt`, …).
    pub what: String,
    /// The path it is scanned as: the file the tool writes, or a label such as `(command)`.
    pub path: PathBuf,
    pub data: String,
}

/// One hook event, reduced to what the guard checks. Every protocol module builds one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub stage: Stage,
    /// The directory the agent works in: where `.leakgate.toml` is looked for and relative
    /// paths are resolved.
    pub cwd: PathBuf,
    /// The tool (`Write`, `Bash`, `mcp__server__tool`), or the event for prompts and reads.
    pub tool: String,
    /// What the event would write, run or send.
    pub texts: Vec<Text>,
    /// Files the event writes or changes (a write to the guard's own configuration is asked
    /// about).
    pub writes: Vec<PathBuf>,
    /// Files the event prints into the agent's context (`Read`, `cat .env`).
    pub reads: Vec<PathBuf>,
    /// A file's content the agent supplied with the event (Cursor's `beforeReadFile`): scanned
    /// instead of reading the file again.
    pub read_content: Option<(PathBuf, String)>,
    /// Edits of existing files (`Edit`, `MultiEdit`, `NotebookEdit`, Gemini's `replace`,
    /// Cursor's `afterFileEdit`): judged on the whole file as it is after the edit, so that a
    /// rule that needs context outside the edited text (a key name on the line before) still
    /// sees it.
    pub edits: Vec<FileEdit>,
    /// Names of the guard's own files that a shell command or a tool's arguments mention in a
    /// way that may change them (a glob, a variable, a program's source text): asked about.
    pub guard_mentions: Vec<String>,
    /// File sets a search tool prints from (`Grep` in content mode, `read_many_files`).
    pub searches: Vec<reads::Search>,
    /// Git objects a command shows (`git show HEAD:config.yml`).
    pub objects: Vec<shell::GitObject>,
    /// Files the event may read in a way the guard cannot follow (named in a `python -c`
    /// program, matched by an unresolved variable): asked about when they hold secrets.
    pub unsure: Vec<shell::Unsure>,
    /// What the event may read that could not be worked out within bounds, in words: asked
    /// about.
    pub unchecked: Vec<String>,
}

/// One text replacement of an edit: `old` becomes `new`, once (the first occurrence) or
/// everywhere (`all`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub old: String,
    pub new: String,
    pub all: bool,
}

/// What an edit does to its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditKind {
    /// Before the tool runs: these replacements, applied in order to the file as it is now.
    Replace(Vec<Replacement>),
    /// Before the tool runs: a notebook cell's source becomes `source` (the cell `cell_id` of
    /// the notebook, when it has one; a new cell otherwise).
    NotebookCell {
        cell_id: Option<String>,
        source: String,
    },
    /// After the tool ran: the file on disk is the result, and these replacements are what
    /// the tool wrote (`original`: the whole file before, when the agent says).
    Done {
        replacements: Vec<Replacement>,
        original: Option<String>,
    },
}

/// An edit of the file at `path` (resolved), by `what` (`edit`, `edits`, `cell`) of the tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    pub what: String,
    pub path: PathBuf,
    pub kind: EditKind,
}

impl Event {
    pub fn new(stage: Stage, cwd: PathBuf, tool: impl Into<String>) -> Self {
        Event {
            stage,
            cwd,
            tool: tool.into(),
            texts: Vec::new(),
            writes: Vec::new(),
            reads: Vec::new(),
            read_content: None,
            edits: Vec::new(),
            guard_mentions: Vec::new(),
            searches: Vec::new(),
            objects: Vec::new(),
            unsure: Vec::new(),
            unchecked: Vec::new(),
        }
    }

    /// Add `data` (when it is a non-empty string) to what is scanned, as a file at `path`.
    pub fn scan(&mut self, what: &str, path: impl Into<PathBuf>, data: Option<&str>) {
        if let Some(data) = data.filter(|d| !d.is_empty()) {
            self.texts.push(Text {
                what: what.to_owned(),
                path: path.into(),
                data: data.to_owned(),
            });
        }
    }

    /// Add a JSON value to what is scanned: strings as they are, anything else as JSON text
    /// scanned JSON-aware (every string, key and escaped value in it).
    pub fn scan_json(&mut self, what: &str, value: Option<&serde_json::Value>) {
        match value {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(text)) => {
                // A string that is itself JSON (Cursor sends MCP arguments so) is scanned as
                // JSON too, so its escapes are decoded.
                let json = serde_json::from_str::<serde_json::Value>(text)
                    .is_ok_and(|v| v.is_object() || v.is_array());
                let label = if json {
                    format!("({what}).json")
                } else {
                    format!("({what})")
                };
                self.scan(what, label, Some(text));
            }
            Some(value) => {
                let text = value.to_string();
                self.scan(what, format!("({what}).json"), Some(&text));
            }
        }
    }

    /// Add the shell `command` (run in `cwd`): scanned itself, and the files it prints, may
    /// read or changes found by [`shell::analyze`].
    pub fn scan_command(&mut self, command: Option<&str>) {
        let Some(command) = command else {
            return;
        };
        self.scan("command", "(command)", Some(command));
        let analysis = shell::analyze(command, &self.cwd);
        self.reads.extend(analysis.prints);
        self.searches.extend(analysis.searches);
        self.objects.extend(analysis.objects);
        self.unsure.extend(analysis.unsure);
        self.unchecked.extend(analysis.cut_short);
        self.writes.extend(analysis.changes);
        self.mentions_in_command(command);
    }

    /// The guard's own files `command` names other than to read them: by path, by a glob or
    /// a variable that could expand to one, or inside a program's source (`python3 -c`).
    fn mentions_in_command(&mut self, command: &str) {
        let named = own_files::mentioned(command, &self.cwd);
        if !named.is_empty() && !shell::only_reads(command) {
            self.guard_mentions.extend(named);
        }
    }

    /// The guard's own files any string of `value` names (the arguments of a tool whose
    /// effect is unknown: an MCP server's `write_file`).
    pub fn mentions_in_json(&mut self, value: &serde_json::Value) {
        let mut strings = Vec::new();
        own_files::strings_of(value, &mut strings);
        for text in strings {
            let named = own_files::mentioned(text, &self.cwd);
            self.guard_mentions.extend(named);
        }
    }

    /// Add an edit of the file at `path` (as the agent gave it).
    pub fn edit(&mut self, what: &str, path: &str, kind: EditKind) {
        let path = self.resolve(path);
        self.edits.push(FileEdit {
            what: what.to_owned(),
            path,
            kind,
        });
    }

    /// A path the agent gave, relative to the event's directory when it is not absolute.
    pub fn resolve(&self, path: &str) -> PathBuf {
        let path = PathBuf::from(path);
        let joined = if path.is_absolute() {
            path
        } else {
            self.cwd.join(path)
        };
        lexically_normal(&joined)
    }
}

/// `path` with `.` dropped and each `..` taking its parent away, without asking the file
/// system: the path a tool will write, so that `tests/fixtures/../../src/a.py` is judged as
/// `src/a.py` (by allowlists and test-fixture globs) and not as a fixture.
fn lexically_normal(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // Above the root is the root.
                if !matches!(
                    out.components().next_back(),
                    None | Some(Component::RootDir | Component::Prefix(_))
                ) {
                    out.pop();
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// What the guard decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Allow,
    /// Let the user decide (a read of a file holding secrets, a change to the guard's own
    /// configuration). Protocols that cannot ask deny instead.
    Ask,
    /// Refuse (before a tool or a prompt), or alert (after a tool).
    Deny,
}

/// The guard's answer to one event, in words the agent and the user are shown. Every text
/// here was masked: it names rules, tools, files and the fix, never a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub stage: Stage,
    pub verdict: Verdict,
    /// Why, for the agent and the user (empty when allowed).
    pub reason: String,
}

impl Decision {
    pub fn allow(stage: Stage) -> Self {
        Decision {
            stage,
            verdict: Verdict::Allow,
            reason: String::new(),
        }
    }
}

/// What `agent-hook` prints and exits with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    pub stdout: String,
    pub stderr: String,
    /// 0: the answer is on standard output; 2: blocked (every supported agent reads exit code
    /// 2 as a block, with standard error as the reason).
    pub exit: u8,
}

/// Why an event could not be judged. Each is answered with a block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error(
        "the hook input is not a JSON object ({0}); leakgate agent-hook reads one hook event as JSON on standard input"
    )]
    NotJson(String),
    #[error("the hook event has no `{0}`; is this hook installed for the right agent?")]
    Missing(&'static str),
    #[error(
        "leakgate does not check the hook event `{0}`: remove it from the hook settings, or run `leakgate install-hook --agent {1}` again"
    )]
    UnknownEvent(String, &'static str),
    /// A field a known tool or event needs is missing or of the wrong type: what the call
    /// would do cannot be read, so it is blocked rather than let through unchecked.
    #[error(
        "the {tool} call's `{field}` is {problem}, so leakgate cannot tell what it would write, run or read; check that the hook is installed for the right agent and that the agent is up to date"
    )]
    BadField {
        tool: String,
        field: &'static str,
        problem: &'static str,
    },
}

/// The JSON type a field of a known tool's input must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// A string, required.
    Text,
    /// A string when present.
    OptText,
    /// A boolean when present.
    OptBool,
    /// A list of `{old_string, new_string}` objects (strings), required.
    Edits,
    /// Present and not null (any JSON value).
    Any,
}

/// A field a known tool needs: its name (alternatives joined by `|`, the first present is
/// checked) and type.
pub(crate) type Field = (&'static str, Want);

/// Check the fields a known tool or event needs in `object`, so that a malformed call is
/// blocked with a message naming the field instead of going through unread.
pub(crate) fn check_fields(
    tool: &str,
    object: &serde_json::Value,
    fields: &[Field],
) -> Result<(), EventError> {
    use serde_json::Value;
    let bad = |field: &'static str, problem: &'static str| EventError::BadField {
        tool: crate::mask::mask_name(tool).into_owned(),
        field,
        problem,
    };
    for &(names, want) in fields {
        let found = names
            .split('|')
            .find_map(|name| object.get(name).map(|value| (name, value)));
        // The first alternative names the field in the message.
        let first = names.split('|').next().unwrap_or(names);
        let Some((name, value)) = found else {
            if matches!(want, Want::Text | Want::Edits | Want::Any) {
                return Err(bad(first, "missing"));
            }
            continue;
        };
        let name: &'static str = fields_name(names, name);
        let ok = match want {
            Want::Text => value.is_string(),
            Want::OptText => value.is_string() || value.is_null(),
            Want::OptBool => value.is_boolean() || value.is_null(),
            Want::Any => !value.is_null(),
            Want::Edits => value.as_array().is_some_and(|edits| {
                edits.iter().all(|edit| {
                    edit.get("old_string").is_some_and(Value::is_string)
                        && edit.get("new_string").is_some_and(Value::is_string)
                })
            }),
        };
        if !ok {
            return Err(bad(
                name,
                match want {
                    Want::Text | Want::OptText => "not a string",
                    Want::OptBool => "not true or false",
                    Want::Any => "null",
                    Want::Edits => "not a list of edits with `old_string` and `new_string` strings",
                },
            ));
        }
    }
    Ok(())
}

/// `name` as a `'static` part of `names` (the alternatives it was found among).
fn fields_name(names: &'static str, name: &str) -> &'static str {
    names.split('|').find(|n| *n == name).unwrap_or(names)
}

/// The `tool_input` of a tool call before it runs: present, and with the fields `fields` a
/// known tool needs (an unknown tool's input may be anything, and every string of it is
/// scanned).
pub(crate) fn tool_input<'a>(
    value: &'a serde_json::Value,
    tool: &str,
    fields: Option<&[Field]>,
) -> Result<&'a serde_json::Value, EventError> {
    let input = value
        .get("tool_input")
        .filter(|v| !v.is_null())
        .ok_or_else(|| EventError::BadField {
            tool: crate::mask::mask_name(tool).into_owned(),
            field: "tool_input",
            problem: "missing",
        })?;
    if let Some(fields) = fields {
        if !input.is_object() {
            return Err(EventError::BadField {
                tool: crate::mask::mask_name(tool).into_owned(),
                field: "tool_input",
                problem: "not an object",
            });
        }
        check_fields(tool, input, fields)?;
    }
    Ok(input)
}

/// Parse a payload as JSON (an object), with an error that quotes nothing of it.
pub fn parse_json(input: &[u8]) -> Result<serde_json::Value, EventError> {
    let value: serde_json::Value = serde_json::from_slice(input).map_err(|e| {
        // serde's message names the line and column, never the text.
        EventError::NotJson(format!(
            "{} at line {} column {}",
            match e.classify() {
                serde_json::error::Category::Eof => "it ends too early",
                serde_json::error::Category::Syntax => "syntax error",
                serde_json::error::Category::Data => "unexpected data",
                serde_json::error::Category::Io => "it could not be read",
            },
            e.line(),
            e.column()
        ))
    })?;
    if !value.is_object() {
        return Err(EventError::NotJson("it is not an object".to_owned()));
    }
    Ok(value)
}

/// A string field of a JSON object.
pub(crate) fn field<'a>(value: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(serde_json::Value::as_str)
}

/// The event's working directory: its `cwd`, else the first of `roots`, else ours.
pub(crate) fn event_cwd(value: &serde_json::Value) -> PathBuf {
    field(value, "cwd")
        .filter(|c| !c.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            (value
                .get("workspace_roots")
                .and_then(serde_json::Value::as_array))
            .and_then(|roots| roots.first())
            .and_then(serde_json::Value::as_str)
            .map(PathBuf::from)
        })
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Judge one event of `agent` given as JSON `input`, and answer in its protocol. Never fails:
/// what cannot be judged is blocked.
pub fn answer(agent: Agent, input: &[u8], options: &GuardOptions) -> Reply {
    let value = match parse_json(input) {
        Ok(value) => value,
        Err(error) => return failure(agent, &error.to_string()),
    };
    let parsed = match agent {
        Agent::ClaudeCode => claude::event(&value),
        Agent::Cursor => cursor::event(&value),
        Agent::Gemini => gemini::event(&value),
    };
    let event = match parsed {
        Ok(event) => event,
        Err(error) => return failure(agent, &error.to_string()),
    };
    let decision = guard::judge(&event, options);
    match agent {
        Agent::ClaudeCode => claude::reply(&value, &decision),
        Agent::Cursor => cursor::reply(&value, &decision),
        Agent::Gemini => gemini::reply(&value, &decision),
    }
}

/// The block for an event that could not be judged.
fn failure(agent: Agent, why: &str) -> Reply {
    let message = format!("leakgate blocked this because it could not check it: {why}");
    let message = crate::mask::mask_name(&message).into_owned();
    match agent {
        Agent::ClaudeCode | Agent::Gemini => Reply {
            stdout: String::new(),
            stderr: format!("{message}\n"),
            exit: 2,
        },
        Agent::Cursor => cursor::failure(&message),
    }
}
