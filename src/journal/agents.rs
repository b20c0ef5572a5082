//! Transcripts that coding agents leave in the user's home (`leakgate journal --agents`): where
//! each agent keeps them, which agent and session a file belongs to, and which message of it
//! held a finding. Every prompt, every command an agent ran and every tool output it read lands
//! in these files, so a secret that passed through an agent session stays on disk there.
//!
//! The places, from each agent's documentation and source:
//! - Claude Code: `~/.claude/projects/<project>/<session>.jsonl` (one JSON object per message,
//!   with `sessionId` and `uuid`) and the prompt history `~/.claude/history.jsonl`;
//!   `$CLAUDE_CONFIG_DIR` moves `~/.claude`.
//! - Codex: `~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<uuid>.jsonl` (a `session_meta` line
//!   whose `payload.id` is the session, then `response_item`/`event_msg` lines; older files start
//!   with `{"id": …}`), `~/.codex/archived_sessions/`, and `~/.codex/history.jsonl` (one
//!   `{"session_id", "ts", "text"}` per prompt); `$CODEX_HOME` moves `~/.codex`.
//! - Gemini CLI: `~/.gemini/tmp/<project hash>/` with `chats/session-*.json` (`sessionId` and a
//!   `messages` array whose entries have an `id`), `logs.json` (an array of `{sessionId,
//!   messageId, …}`) and `checkpoint-*.json`.
//!
//! Every file under those places is scanned, whatever its name: a transcript format that changes
//! must not turn into a silent skip. The session and message are worked out only for the files
//! that hold a finding, after the scan ([`locate`]), from the very bytes that were scanned.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::finding::Finding;
use crate::input::{Blob, Provenance, Sink, display_path};

/// A coding agent whose transcripts are audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Agent {
    ClaudeCode,
    Codex,
    Gemini,
}

impl Agent {
    pub const ALL: [Agent; 3] = [Agent::ClaudeCode, Agent::Codex, Agent::Gemini];

    /// The stable id reports carry (`provenance.agent`).
    pub fn id(self) -> &'static str {
        match self {
            Agent::ClaudeCode => "claude-code",
            Agent::Codex => "codex",
            Agent::Gemini => "gemini",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Agent::ClaudeCode => "Claude Code",
            Agent::Codex => "Codex",
            Agent::Gemini => "Gemini CLI",
        }
    }

    /// The agent's directory in a home (`.claude`), also its place in a redacted copy.
    fn dir_name(self) -> &'static str {
        match self {
            Agent::ClaudeCode => ".claude",
            Agent::Codex => ".codex",
            Agent::Gemini => ".gemini",
        }
    }

    /// The environment variable that moves the agent's directory, if it has one.
    fn env_override(self) -> Option<&'static str> {
        match self {
            Agent::ClaudeCode => Some("CLAUDE_CONFIG_DIR"),
            Agent::Codex => Some("CODEX_HOME"),
            Agent::Gemini => None,
        }
    }

    /// Where, inside the agent's directory, transcripts live.
    fn transcript_places(self) -> &'static [&'static str] {
        match self {
            Agent::ClaudeCode => &["projects", "history.jsonl"],
            Agent::Codex => &["sessions", "archived_sessions", "history.jsonl"],
            Agent::Gemini => &["tmp"],
        }
    }
}

/// One place an agent keeps transcripts: a directory or a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRoot {
    pub agent: Agent,
    /// The path as walked (it prefixes the paths of the files found under it).
    pub path: PathBuf,
    /// Its place in a redacted copy: the home's layout (`.claude/projects`), never an
    /// absolute path of this machine.
    pub copy_as: PathBuf,
}

/// The transcript places that exist, and a notice for each agent that has none.
#[derive(Debug, Default)]
pub struct Discovery {
    pub roots: Vec<AgentRoot>,
    pub notices: Vec<String>,
}

/// Why the agents' places could not be found at all.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum AgentsError {
    #[error("no home directory to look in: HOME is not set")]
    #[diagnostic(
        code(leakgate::journal::no_home),
        help("set HOME, or name the home to audit with --home DIR")
    )]
    NoHome,

    #[error("the home directory {} cannot be read: {reason}", home.display())]
    #[diagnostic(
        code(leakgate::journal::bad_home),
        help("give --home an existing directory (the one holding .claude, .codex or .gemini)")
    )]
    BadHome { home: PathBuf, reason: String },
}

/// Find the transcript places of every agent: under `home` when given (each agent's directory
/// at `home/.claude`, `home/.codex`, `home/.gemini`), else where each agent itself looks
/// (`$CLAUDE_CONFIG_DIR`, `$CODEX_HOME`, else `$HOME`).
pub fn discover(home: Option<&Path>) -> Result<Discovery, AgentsError> {
    let env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = match home {
        Some(home) => {
            match std::fs::metadata(home) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => {
                    return Err(AgentsError::BadHome {
                        home: home.to_owned(),
                        reason: "not a directory".into(),
                    });
                }
                Err(e) => {
                    return Err(AgentsError::BadHome {
                        home: home.to_owned(),
                        reason: crate::input::walk::describe_io_error(&e),
                    });
                }
            }
            Some(home.to_owned())
        }
        None => env("HOME"),
    };
    let mut discovery = Discovery::default();
    for agent in Agent::ALL {
        let dir = match (home, agent.env_override().and_then(env)) {
            (None, Some(dir)) => dir,
            _ => base
                .as_ref()
                .ok_or(AgentsError::NoHome)?
                .join(agent.dir_name()),
        };
        if !dir.is_dir() {
            discovery.notices.push(format!(
                "{}: no transcripts, {} does not exist (not used by this user)",
                agent.name(),
                dir.display()
            ));
            continue;
        }
        let before = discovery.roots.len();
        for place in agent.transcript_places() {
            let path = dir.join(place);
            // A broken link or an unreadable entry is walked, so that it is reported.
            if std::fs::symlink_metadata(&path).is_ok() {
                discovery.roots.push(AgentRoot {
                    agent,
                    path,
                    copy_as: Path::new(agent.dir_name()).join(place),
                });
            }
        }
        if discovery.roots.len() == before {
            discovery.notices.push(format!(
                "{}: no transcripts in {} (looked for {})",
                agent.name(),
                dir.display(),
                agent.transcript_places().join(", ")
            ));
        }
    }
    Ok(discovery)
}

/// Wraps a sink: every blob under an agent's root is labelled with the agent and the session
/// its path names, and a digest of its scanned bytes is kept so that [`locate`] reads the same
/// bytes again, or nothing.
pub struct AgentSink<'a> {
    inner: &'a dyn Sink,
    roots: Vec<(String, Agent)>,
    digests: Mutex<HashMap<String, Scanned>>,
}

/// What was scanned of a file: its length and a digest of its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scanned {
    len: usize,
    digest: u64,
}

impl<'a> AgentSink<'a> {
    pub fn new(inner: &'a dyn Sink, roots: &[AgentRoot]) -> Self {
        let mut roots: Vec<(String, Agent)> = (roots.iter())
            .map(|root| (display_path(&root.path), root.agent))
            .collect();
        // The longest (innermost) root first.
        roots.sort_by_key(|(path, _)| std::cmp::Reverse(path.len()));
        AgentSink {
            inner,
            roots,
            digests: Mutex::default(),
        }
    }

    fn agent_of(&self, path: &str) -> Option<Agent> {
        self.roots.iter().find_map(|(root, agent)| {
            let inside = path == root
                || path
                    .strip_prefix(root.as_str())
                    .is_some_and(|rest| rest.starts_with('/'));
            inside.then_some(*agent)
        })
    }

    /// The digest of every labelled blob's scanned bytes, by path.
    pub fn into_digests(self) -> HashMap<String, Scanned> {
        self.digests
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn digest(data: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    data.hash(&mut hasher);
    hasher.finish()
}

impl Sink for AgentSink<'_> {
    fn blob(&self, blob: Blob<'_>) {
        let path = blob.provenance.path().to_owned();
        let Some(agent) = self.agent_of(&path) else {
            return self.inner.blob(blob);
        };
        self.digests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(
                path.clone(),
                Scanned {
                    len: blob.data.len(),
                    digest: digest(blob.data),
                },
            );
        let provenance = Provenance::Agent {
            session: session_from_name(&path),
            path,
            agent: agent.id().to_owned(),
            message: None,
        };
        self.inner.blob(Blob { provenance, ..blob });
    }

    fn diagnostic(&self, diagnostic: Diagnostic) {
        self.inner.diagnostic(diagnostic);
    }
}

/// The session a transcript's file name carries: a Claude Code `<uuid>.jsonl`, a Codex
/// `rollout-<time>-<uuid>.jsonl`, a Gemini `session-<time>-<id>.json`. `None` for shared files
/// (`history.jsonl`, `logs.json`), whose lines name their own sessions.
fn session_from_name(path: &str) -> Option<String> {
    let name = path.rsplit('/').next()?;
    let stem = name.split_once('.').map_or(name, |(stem, _)| stem);
    if stem.len() >= 36 && looks_like_uuid(&stem[stem.len() - 36..]) {
        return Some(stem[stem.len() - 36..].to_owned());
    }
    stem.starts_with("session-").then(|| stem.to_owned())
}

fn looks_like_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Fill in the session and message of every finding in an agent transcript, reading each file
/// that holds one again (up to `max_file_size`) and only when its bytes are those that were
/// scanned (`digests`): a transcript appended to since is read no further than it was.
pub fn locate(findings: &mut [Finding], digests: &HashMap<String, Scanned>, max_file_size: u64) {
    let mut by_path: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, finding) in findings.iter().enumerate() {
        if let Provenance::Agent { path, .. } = &finding.provenance {
            by_path.entry(path.clone()).or_default().push(index);
        }
    }
    for (path, indices) in by_path {
        let Some(expected) = digests.get(&path) else {
            continue;
        };
        let Some(data) = read_as_scanned(Path::new(&path), max_file_size) else {
            continue;
        };
        // Appended to since the scan (a live session): what was scanned is its prefix.
        let Some(data) = data.get(..expected.len) else {
            continue;
        };
        if digest(data) != expected.digest {
            continue;
        }
        let file = TranscriptFile::new(data);
        for index in indices {
            let finding = &mut findings[index];
            let (session, message) = file.place(finding.span.0, finding.json_pointer.as_deref());
            if let Provenance::Agent {
                session: own_session,
                message: own_message,
                ..
            } = &mut finding.provenance
            {
                if let Some(session) = session {
                    *own_session = Some(session);
                }
                *own_message = message;
            }
        }
    }
}

/// The file's bytes as the scanner saw them (a BOM dropped, UTF-16 decoded), up to
/// `max_file_size`.
fn read_as_scanned(path: &Path, max_file_size: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut raw = Vec::new();
    // A live session may have grown past the limit since: its scanned prefix is within it.
    file.take(max_file_size).read_to_end(&mut raw).ok()?;
    crate::input::text::decode(&raw).map(std::borrow::Cow::into_owned)
}

/// A transcript, parsed only as far as a finding needs: the JSON Lines line that holds it, or
/// the whole document for a JSON file.
struct TranscriptFile<'a> {
    data: &'a [u8],
    /// The whole document, when the file is one JSON value (Gemini's chats and logs).
    document: Option<Value>,
    /// The session a JSON Lines file names once, on its first line (Codex's `session_meta`).
    first_line_session: Option<String>,
}

impl<'a> TranscriptFile<'a> {
    fn new(data: &'a [u8]) -> Self {
        let document = serde_json::from_slice::<Value>(data)
            .ok()
            .filter(|v| v.is_object() || v.is_array());
        let first_line_session = match &document {
            Some(_) => None,
            None => {
                let first = data.split(|b| *b == b'\n').next().unwrap_or_default();
                serde_json::from_slice::<Value>(first)
                    .ok()
                    .and_then(|line| session_meta(&line))
            }
        };
        TranscriptFile {
            data,
            document,
            first_line_session,
        }
    }

    /// The session and message of the finding at byte `offset` with JSON `pointer`.
    fn place(&self, offset: usize, pointer: Option<&str>) -> (Option<String>, Option<String>) {
        if let Some(document) = &self.document {
            return place_in_document(document, pointer);
        }
        let start = self.data[..offset.min(self.data.len())]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |at| at + 1);
        let end = memchr::memchr(b'\n', &self.data[start..]).map_or(self.data.len(), |n| start + n);
        let Ok(line) = serde_json::from_slice::<Value>(&self.data[start..end]) else {
            return (self.first_line_session.clone(), None);
        };
        let session = session_of(&line).or_else(|| self.first_line_session.clone());
        (session, message_of(&line))
    }
}

/// The session id of a Codex `session_meta` line (`payload.id`), or of an older rollout's first
/// line (`{"id", "timestamp", "instructions"}`, no `type`).
fn session_meta(line: &Value) -> Option<String> {
    match line.get("type").and_then(Value::as_str) {
        Some("session_meta") => text(line.get("payload")?.get("id")?),
        None if line.get("timestamp").is_some() => text(line.get("id")?),
        _ => None,
    }
}

/// The session a record names itself: Claude Code's and Gemini's `sessionId`, Codex history's
/// `session_id`.
fn session_of(record: &Value) -> Option<String> {
    ["sessionId", "session_id"]
        .iter()
        .find_map(|key| record.get(key).and_then(text))
}

/// The message a record is: Claude Code's `uuid`, Gemini's `id` or `messageId`, a Codex tool
/// call's `call_id`, a Codex response item's `id`.
fn message_of(record: &Value) -> Option<String> {
    let own = ["uuid", "id", "messageId", "call_id"]
        .iter()
        .find_map(|key| record.get(key).and_then(text));
    own.or_else(|| {
        let payload = record.get("payload")?;
        ["call_id", "id"]
            .iter()
            .find_map(|key| payload.get(key).and_then(text))
    })
}

/// A string or number as text, kept short: an id, never a whole field.
fn text(value: &Value) -> Option<String> {
    let shown = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!shown.is_empty() && shown.len() <= 128).then_some(shown)
}

/// In a JSON document, the message is the element of the first array on the pointer's way
/// (a `messages` array, or the document itself when it is an array): its id, else its index.
fn place_in_document(document: &Value, pointer: Option<&str>) -> (Option<String>, Option<String>) {
    let own_session = session_of(document);
    let Some(pointer) = pointer else {
        return (own_session, None);
    };
    let mut node = document;
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        match node {
            Value::Array(items) => {
                let Ok(index) = segment.parse::<usize>() else {
                    break;
                };
                let Some(item) = items.get(index) else { break };
                let session = session_of(item).or(own_session);
                let message = message_of(item).unwrap_or_else(|| format!("#{index}"));
                return (session, Some(message));
            }
            Value::Object(map) => match map.get(&segment) {
                Some(next) => node = next,
                None => break,
            },
            _ => break,
        }
    }
    (own_session, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_from_file_names() {
        let uuid = "0199a2b4-1c2d-7e8f-9a0b-1c2d3e4f5a6b";
        assert_eq!(
            session_from_name(&format!("h/.claude/projects/-p/{uuid}.jsonl")).as_deref(),
            Some(uuid)
        );
        assert_eq!(
            session_from_name(&format!(
                "h/.codex/sessions/2025/09/18/rollout-2025-09-18T10-22-01-{uuid}.jsonl"
            ))
            .as_deref(),
            Some(uuid)
        );
        assert_eq!(
            session_from_name("h/.gemini/tmp/ab/chats/session-2025-09-18T10-22-1a2b3c4d.json")
                .as_deref(),
            Some("session-2025-09-18T10-22-1a2b3c4d")
        );
        assert_eq!(session_from_name("h/.codex/history.jsonl"), None);
    }

    #[test]
    fn messages_in_lines_and_documents() {
        let lines = b"{\"type\":\"session_meta\",\"payload\":{\"id\":\"S1\"}}\n{\"type\":\"response_item\",\"payload\":{\"type\":\"function_call\",\"call_id\":\"call_7\"}}\n";
        let file = TranscriptFile::new(lines);
        assert_eq!(
            file.place(60, None),
            (Some("S1".into()), Some("call_7".into()))
        );
        let chat = br#"{"sessionId":"G","messages":[{"id":"m0","content":"a"},{"content":"b"}]}"#;
        let file = TranscriptFile::new(chat);
        assert_eq!(
            file.place(0, Some("/messages/1/content")),
            (Some("G".into()), Some("#1".into()))
        );
        assert_eq!(
            file.place(0, Some("/messages/0/content")),
            (Some("G".into()), Some("m0".into()))
        );
    }
}
