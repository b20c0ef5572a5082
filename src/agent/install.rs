//! `leakgate install-hook --agent …`: merge leakgate's hook entries into an agent's settings
//! file, keeping every other setting and hook, and take them out again with `--uninstall`.
//!
//! | agent       | project                  | user (`--scope user`)       | events |
//! |-------------|--------------------------|-----------------------------|--------|
//! | claude-code | `.claude/settings.json`  | `~/.claude/settings.json`   | `PreToolUse`, `PostToolUse` (matcher `*`), `UserPromptSubmit` |
//! | cursor      | `.cursor/hooks.json`     | `~/.cursor/hooks.json`      | `beforeShellExecution`, `beforeMCPExecution`, `beforeReadFile`, `beforeSubmitPrompt`, `afterFileEdit` |
//! | gemini      | `.gemini/settings.json`  | `~/.gemini/settings.json`   | `BeforeTool`, `AfterTool` (matcher `*`), `BeforeAgent` |
//!
//! An entry is leakgate's when its command runs a program named `leakgate` with `agent-hook`
//! and the agent's name, whatever else the user added (flags, a wrapper, a full path): a user's
//! customisation is theirs, so installing again never rewrites such an entry (only a program
//! path that no longer exists is replaced, keeping the rest of the command). What installing
//! checks is coverage: every event needs an entry of ours, and a tool event needs one in a
//! group that matches every tool (`*`); an entry the user moved into a narrower group (matcher
//! `Bash`) does not count, so a `*` group is added beside it and the user is told. Uninstalling
//! removes exactly the entries installing writes (the plain command and our fields); one the
//! user changed is kept and named, with why, since removing it would discard their edit. A
//! matcher group or event list is removed only when taking our entries out left it empty (a
//! list the user left empty is theirs), and `hooks` only when that left it empty.
//!
//! The file is edited as written ([`json`]: numbers, strings and key order come back exactly;
//! only the layout is redone, with the file's own indentation). It is written as every
//! leakgate output is ([`crate::atomic`]: atomically, keeping its mode), and only inside the
//! scope's root: a settings file (or directory) that is a symlink is written through only when
//! it leads to an existing file inside the project (or, for `--scope user`, the home
//! directory). The previous version is kept outside the project, where `git add` cannot pick it
//! up: `$XDG_STATE_HOME/leakgate/backups/` (default `~/.local/state/…`), mode 0600 since it
//! may hold whatever secret the settings held. A file that is not JSON, or whose `hooks` is not
//! shaped as the agent documents it, is never rewritten: the error says where.

mod json;

use std::path::{Path, PathBuf};

use json::{Json, Object};

use super::Agent;
use crate::escape::Escaped;

/// Where the settings file is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scope {
    /// The project's settings, below the current directory.
    #[default]
    Project,
    /// The user's settings, below the home directory.
    User,
}

/// How to install.
#[derive(Debug, Clone)]
pub struct InstallOptions {
    pub agent: Agent,
    pub scope: Scope,
    /// Remove leakgate's entries instead.
    pub uninstall: bool,
    /// The project directory (for [`Scope::Project`]).
    pub project: PathBuf,
    /// The home directory (for [`Scope::User`], and the default state directory).
    pub home: Option<PathBuf>,
    /// `$XDG_STATE_HOME`, where backups go (default `~/.local/state`).
    pub state_home: Option<PathBuf>,
    /// The program the hooks run (`leakgate`, or its full path).
    pub program: String,
}

/// What [`install`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// Nothing to change: the entries were there (install) or were not (uninstall).
    Unchanged { path: PathBuf, notes: Vec<String> },
    /// The file was written; `backup` holds the previous version (when there was one).
    Written {
        path: PathBuf,
        backup: Option<PathBuf>,
        /// Hook entries added or updated (install) or removed (uninstall).
        entries: usize,
        /// What the user should know: entries of theirs that were kept, coverage added.
        notes: Vec<String>,
    },
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum InstallError {
    #[error("cannot add hooks to {}: {why}", path.display())]
    #[diagnostic(
        code(leakgate::agent::settings),
        help(
            "fix the file (or move it away), then run `leakgate install-hook --agent …` again; it was not changed"
        )
    )]
    Settings { path: PathBuf, why: String },

    #[error("refusing to write {}: {why}", link.display())]
    #[diagnostic(
        code(leakgate::agent::link),
        help(
            "leakgate writes an agent's settings only inside the project (or, with --scope user, the home directory): replace the link with the file, or point it at an existing file there; nothing was changed"
        )
    )]
    Link { link: PathBuf, why: String },

    #[error("cannot find the home directory for --scope user")]
    #[diagnostic(
        code(leakgate::agent::home),
        help("set HOME, or install into the project with --scope project")
    )]
    NoHome,

    #[error("cannot find where to keep a backup of {}", path.display())]
    #[diagnostic(
        code(leakgate::agent::backup),
        help(
            "set HOME (backups go to ~/.local/state/leakgate/backups) or XDG_STATE_HOME; the settings file was not changed"
        )
    )]
    NoBackupDir { path: PathBuf },

    #[error("cannot write {}", path.display())]
    #[diagnostic(
        code(leakgate::agent::write),
        help("check that the directory is writable; the settings file was not changed")
    )]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The directory a scope's settings live below, and outside which nothing is written.
fn scope_root(options: &InstallOptions) -> Result<PathBuf, InstallError> {
    match options.scope {
        Scope::Project => Ok(options.project.clone()),
        Scope::User => options.home.clone().ok_or(InstallError::NoHome),
    }
}

/// The settings file of `agent` in `scope`.
pub fn settings_path(options: &InstallOptions) -> Result<PathBuf, InstallError> {
    let base = scope_root(options)?;
    Ok(match options.agent {
        Agent::ClaudeCode => base.join(".claude").join("settings.json"),
        Agent::Cursor => base.join(".cursor").join("hooks.json"),
        Agent::Gemini => base.join(".gemini").join("settings.json"),
    })
}

/// The events leakgate hooks, with the matcher each needs (`None`: the event has none).
fn events(agent: Agent) -> &'static [(&'static str, Option<&'static str>)] {
    match agent {
        Agent::ClaudeCode => &[
            ("PreToolUse", Some("*")),
            ("PostToolUse", Some("*")),
            ("UserPromptSubmit", None),
        ],
        Agent::Cursor => &[
            ("beforeShellExecution", None),
            ("beforeMCPExecution", None),
            ("beforeReadFile", None),
            ("beforeSubmitPrompt", None),
            ("afterFileEdit", None),
        ],
        Agent::Gemini => &[
            ("BeforeTool", Some("*")),
            ("AfterTool", Some("*")),
            ("BeforeAgent", None),
        ],
    }
}

/// `program` quoted for the shell the agents run hook commands with.
fn quote(program: &str) -> String {
    let safe = program
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c));
    if safe {
        program.to_owned()
    } else {
        format!("'{}'", program.replace('\'', r"'\''"))
    }
}

/// The command a hook entry runs.
pub fn command(options: &InstallOptions) -> String {
    format!(
        "{} agent-hook {}",
        quote(&options.program),
        options.agent.name()
    )
}

/// The words of `text` with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let base = text.as_ptr() as usize;
    text.split_ascii_whitespace()
        .map(move |w| (w.as_ptr() as usize - base, w))
}

/// A hook command of leakgate's, taken apart.
struct OurCommand<'a> {
    /// Everything before `agent-hook`, trimmed: the program, or a wrapper ending in it.
    prefix: &'a str,
    /// `agent-hook` and everything after it, as written.
    rest: &'a str,
    /// Whether the words after `agent-hook` are exactly the agent's name (no flags).
    plain_arguments: bool,
}

impl<'a> OurCommand<'a> {
    /// `command` taken apart if it runs leakgate's `agent-hook` for `agent`: the word before
    /// `agent-hook` names a program called `leakgate` (any path, quoted or not), and a word
    /// after it is the agent's name.
    fn parse(command: &'a str, agent: Agent) -> Option<Self> {
        let unquote = |w: &'a str| w.trim_matches(|c| c == '\'' || c == '"');
        let all: Vec<(usize, &str)> = words(command).collect();
        let at = all.iter().position(|(_, w)| *w == "agent-hook")?;
        let (_, before) = *all.get(at.checked_sub(1)?)?;
        let before = unquote(before);
        let name = before.rsplit(['/', '\\']).next().unwrap_or(before);
        if name != "leakgate" && name != "leakgate.exe" {
            return None;
        }
        let after: Vec<&str> = all.iter().skip(at + 1).map(|(_, w)| unquote(w)).collect();
        if !after.contains(&agent.name()) {
            return None;
        }
        let (offset, _) = all[at];
        Some(OurCommand {
            prefix: command[..offset].trim(),
            rest: &command[offset..],
            plain_arguments: after == [agent.name()],
        })
    }

    /// The program when the prefix is nothing but one (bare, or in quotes), unquoted.
    fn program(&self) -> Option<String> {
        let prefix = self.prefix;
        let inner = |quote: char| {
            prefix
                .strip_prefix(quote)
                .and_then(|p| p.strip_suffix(quote))
                .filter(|_| prefix.len() >= 2)
        };
        if let Some(inner) = inner('\'') {
            let unescaped = inner.replace(r"'\''", "'");
            return (!inner.replace(r"'\''", "").contains('\'')).then_some(unescaped);
        }
        if let Some(inner) = inner('"') {
            return (!inner.contains(['"', '$', '`', '\\'])).then(|| inner.to_owned());
        }
        let special = |c: char| c.is_whitespace() || "'\"$`\\;&|<>(){}*?!~#=".contains(c);
        (!prefix.is_empty() && !prefix.contains(special)).then(|| prefix.to_owned())
    }
}

/// The fields (other than `command`) of the hook entry leakgate writes.
fn our_fields(agent: Agent) -> &'static [(&'static str, &'static str)] {
    match agent {
        Agent::Cursor => &[],
        Agent::ClaudeCode => &[("type", "command")],
        Agent::Gemini => &[
            ("name", "leakgate"),
            ("type", "command"),
            (
                "description",
                "leakgate: block secrets in tool calls and prompts",
            ),
        ],
    }
}

/// The hook entry (one command) leakgate adds.
fn entry(agent: Agent, command: &str) -> Json {
    let mut object = Object::new();
    let fields = our_fields(agent);
    // Claude Code's and Gemini CLI's documented order: `name`, `type`, then `command`.
    for (key, value) in fields.iter().filter(|(k, _)| *k != "description") {
        object.push(key, Json::string(value));
    }
    object.push("command", Json::string(command));
    for (key, value) in fields.iter().filter(|(k, _)| *k == "description") {
        object.push(key, Json::string(value));
    }
    Json::Object(object)
}

/// A matcher group holding `hook`.
fn group(matcher: Option<&str>, hook: Json) -> Json {
    let mut object = Object::new();
    if let Some(matcher) = matcher {
        object.push("matcher", Json::string(matcher));
    }
    object.push("hooks", Json::Array(vec![hook]));
    Json::Object(object)
}

/// Is this entry exactly as leakgate writes it (any program path)? Anything else (a flag, a
/// wrapper, another field or value) is the user's customisation.
fn is_as_installed(entry: &Object, ours: &OurCommand<'_>, agent: Agent) -> bool {
    let fields = our_fields(agent);
    ours.plain_arguments
        && ours.program().is_some()
        && entry.iter().all(|(key, value)| {
            key == "command"
                || fields
                    .iter()
                    .any(|(k, v)| *k == key && value.as_str().as_deref() == Some(*v))
        })
}

/// Does a group with this matcher run for every tool? (Claude Code and Gemini CLI: `*`, an
/// empty matcher or none; `.*` as a regular expression.)
fn matches_every_tool(group: &Object) -> bool {
    match group.get("matcher") {
        None => true,
        Some(matcher) => matcher
            .as_str()
            .is_some_and(|m| matches!(m.trim(), "" | "*" | ".*")),
    }
}

/// Install (or uninstall) as `options` say.
pub fn install(options: &InstallOptions) -> Result<Installed, InstallError> {
    let path = settings_path(options)?;
    let root = scope_root(options)?;
    stays_inside(&root, &path)?;
    let settings_error = |why: String| InstallError::Settings {
        path: path.clone(),
        why,
    };
    // Reading a FIFO or a device would wait forever or read a stream: only a regular file.
    let existing = match std::fs::metadata(&path) {
        Ok(meta) if !meta.is_file() => {
            return Err(settings_error("it is not a regular file".to_owned()));
        }
        Ok(_) => Some(std::fs::read(&path).map_err(|source| InstallError::Write {
            path: path.clone(),
            source,
        })?),
        Err(_) => None,
    };
    let mut document = match &existing {
        Some(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Json::Object(Object::new()),
        Some(bytes) => Json::parse(bytes).map_err(|e| settings_error(e.0))?,
        None if options.uninstall => {
            return Ok(Installed::Unchanged {
                path,
                notes: Vec::new(),
            });
        }
        None => Json::Object(Object::new()),
    };
    let mut notes = Vec::new();
    let mut created = Vec::new();
    let changed = {
        let Some(object) = document.as_object_mut() else {
            return Err(settings_error("it is not a JSON object".to_owned()));
        };
        if options.uninstall {
            let record = record_path(options, &path);
            let created = record.as_deref().and_then(read_record);
            remove(object, options.agent, created.as_deref(), &mut notes).map_err(settings_error)?
        } else {
            if options.agent == Agent::Cursor && !object.contains_key("version") {
                object.push("version", Json::Scalar("1".to_owned()));
            }
            add(object, options, &mut created, &mut notes).map_err(settings_error)?
        }
    };
    if changed == 0 {
        return Ok(Installed::Unchanged { path, notes });
    }
    let original = existing.as_deref().unwrap_or_default();
    let mut text = document.to_text(&json::indent_of(original));
    text.push('\n');
    if original.windows(2).any(|w| w == b"\r\n") {
        text = text.replace('\n', "\r\n");
    }
    let backup = match &existing {
        Some(bytes) => Some(keep_backup(options, &root, &path, bytes)?),
        None => None,
    };
    let write = crate::atomic::WriteOptions {
        create_parents: true,
        ..crate::atomic::WriteOptions::default()
    };
    crate::atomic::write(&path, text.as_bytes(), &write).map_err(|source| InstallError::Write {
        path: path.clone(),
        source,
    })?;
    // Named after the file's real path, which exists now (a link and its target share one).
    if let Some(record) = &record_path(options, &path) {
        // The settings are written: a record that cannot be kept costs only the precision of
        // a later uninstall, so it is said, not fatal.
        if let Err(e) = update_record(record, &created, options.uninstall && notes.is_empty()) {
            notes.push(format!(
                "{e}: a later --uninstall may remove an event list that was empty before"
            ));
        }
    }
    Ok(Installed::Written {
        path,
        backup,
        entries: changed,
        notes,
    })
}

/// Refuse to write `path` unless it stays inside `root`: the nearest thing that exists at or
/// above it (the file, or the directory it would be created in), symlinks followed, must exist
/// and be inside `root`. A dangling link, or one leading out of the project, would make
/// `install-hook` write somewhere the user never named.
fn stays_inside(root: &Path, path: &Path) -> Result<(), InstallError> {
    let exists = |p: &Path| match std::fs::symlink_metadata(p) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(InstallError::Write {
            path: p.to_owned(),
            source,
        }),
    };
    if !exists(root)? {
        // Nothing there yet, so nothing to follow: every directory is created inside.
        return Ok(());
    }
    let root_real = root.canonicalize().map_err(|source| InstallError::Write {
        path: root.to_owned(),
        source,
    })?;
    let mut nearest = path;
    while !exists(nearest)? {
        match nearest.parent() {
            Some(parent) if parent.starts_with(root) => nearest = parent,
            _ => return Ok(()),
        }
    }
    let link_error = |why: String| InstallError::Link {
        link: nearest.to_owned(),
        why,
    };
    let real = nearest.canonicalize().map_err(|e| {
        link_error(format!(
            "it is a symbolic link to something that does not exist ({e})"
        ))
    })?;
    if real.starts_with(&root_real) {
        return Ok(());
    }
    Err(link_error(format!(
        "it is a symbolic link to {}, outside {}",
        real.display(),
        root.display()
    )))
}

/// leakgate's state directory (`$XDG_STATE_HOME/leakgate`, default `~/.local/state/leakgate`),
/// outside every project.
fn state_dir(options: &InstallOptions) -> Option<PathBuf> {
    options
        .state_home
        .clone()
        .or_else(|| {
            options
                .home
                .as_ref()
                .map(|h| h.join(".local").join("state"))
        })
        .map(|d| d.join("leakgate"))
}

/// Create `dir` (and its parents), readable by its owner only.
fn private_dir(dir: &Path) -> Result<(), InstallError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| InstallError::Write {
        path: dir.to_owned(),
        source,
    })
}

/// The first `bytes` hex digits of the SHA-256 of a path, to name files after it.
fn path_hash(path: &Path, bytes: usize) -> String {
    use sha2::{Digest, Sha256};
    let full = path
        .canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_owned());
    let hash = Sha256::digest(full.to_string_lossy().as_bytes());
    hash.iter()
        .take(bytes)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where the record of what installing created in this settings file is kept: which of
/// `hooks` and its event lists were not there before. Uninstalling removes an emptied one only
/// when the record says leakgate created it (`"PreToolUse": []` the user wrote stays); with no
/// record (installed on another machine, or by an older leakgate) a list our removal left
/// empty goes. `None` without a state directory.
fn record_path(options: &InstallOptions, settings: &Path) -> Option<PathBuf> {
    let name = format!("{}.json", path_hash(settings, 8));
    state_dir(options).map(|d| d.join("installed").join(name))
}

/// The containers a record says installing created (`hooks`, `hooks.<event>`); `None` when
/// there is no readable record.
fn read_record(record: &Path) -> Option<Vec<String>> {
    let meta = std::fs::metadata(record).ok()?;
    if !meta.is_file() {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(record).ok()?).ok()?;
    let created = value.get("created")?.as_array()?;
    Some(
        created
            .iter()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect(),
    )
}

/// Add `created` to the record, or (`forget`: everything of ours is gone) delete it.
fn update_record(record: &Path, created: &[String], forget: bool) -> Result<(), InstallError> {
    let write_error = |source| InstallError::Write {
        path: record.to_owned(),
        source,
    };
    if forget {
        return match std::fs::remove_file(record) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(write_error(e)),
            _ => Ok(()),
        };
    }
    if created.is_empty() {
        return Ok(());
    }
    let mut all = read_record(record).unwrap_or_default();
    for c in created {
        if !all.contains(c) {
            all.push(c.clone());
        }
    }
    if let Some(dir) = record.parent() {
        private_dir(dir)?;
    }
    let text = serde_json::json!({ "created": all }).to_string();
    crate::atomic::write(
        record,
        text.as_bytes(),
        &crate::atomic::WriteOptions::default(),
    )
    .map_err(write_error)
}

/// Keep `bytes` (the settings before this change) in the backup directory, as a new file
/// readable by its owner only; returns its path.
fn keep_backup(
    options: &InstallOptions,
    root: &Path,
    path: &Path,
    bytes: &[u8],
) -> Result<PathBuf, InstallError> {
    use std::io::Write as _;

    let dir = state_dir(options)
        .map(|d| d.join("backups"))
        .ok_or_else(|| InstallError::NoBackupDir {
            path: path.to_owned(),
        })?;
    let write_error = |path: &Path| {
        let path = path.to_owned();
        move |source| InstallError::Write { path, source }
    };
    private_dir(&dir)?;

    // `<project>-<agent dir>-<file>.<hash of the full path>.<time>`: readable, and two
    // projects of the same name never share a name.
    let hash = path_hash(path, 4);
    let relative = path.strip_prefix(root).unwrap_or(path);
    let root_name = std::path::absolute(root)
        .ok()
        .and_then(|r| r.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let mut label = root_name;
    for part in relative.components() {
        label.push('-');
        label.push_str(&part.as_os_str().to_string_lossy());
    }
    // Within a file name's 255 bytes, with the hash and time that follow.
    let label: String = label
        .trim_start_matches('-')
        .chars()
        .take(120)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let when = humantime::format_rfc3339_seconds(std::time::SystemTime::now())
        .to_string()
        .replace(':', "");
    let base = format!("{label}.{hash}.{when}");
    for n in 1.. {
        let name = if n == 1 {
            base.clone()
        } else {
            format!("{base}.{n}")
        };
        let backup = dir.join(name);
        let mut open = std::fs::OpenOptions::new();
        open.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
        match open.open(&backup) {
            Ok(mut file) => {
                if let Err(e) = file.write_all(bytes).and_then(|()| file.sync_all()) {
                    // A partial copy is no backup.
                    let _ = std::fs::remove_file(&backup);
                    return Err(write_error(&backup)(e));
                }
                return Ok(backup);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(source) => {
                return Err(InstallError::Write {
                    path: backup,
                    source,
                });
            }
        }
    }
    Err(InstallError::NoBackupDir {
        path: path.to_owned(),
    })
}

/// The `hooks` object, created when absent.
fn hooks_of(object: &mut Object) -> Result<&mut Object, String> {
    object
        .get_or_insert_with("hooks", || Json::Object(Object::new()))
        .as_object_mut()
        .ok_or_else(|| "`hooks` is not an object".to_owned())
}

/// An event's list, `None` when absent.
fn list_of<'a>(hooks: &'a mut Object, event: &str) -> Result<Option<&'a mut Vec<Json>>, String> {
    match hooks.get_mut(event) {
        None => Ok(None),
        Some(list) => list
            .as_array_mut()
            .map(Some)
            .ok_or_else(|| format!("`hooks.{event}` is not a list")),
    }
}

/// Add leakgate's entry where an event lacks one; returns how many entries were added or
/// updated.
fn add(
    object: &mut Object,
    options: &InstallOptions,
    created: &mut Vec<String>,
    notes: &mut Vec<String>,
) -> Result<usize, String> {
    let agent = options.agent;
    let command = command(options);
    if !object.contains_key("hooks") {
        created.push("hooks".to_owned());
    }
    let hooks = hooks_of(object)?;
    let mut changed = 0;
    for (event, need) in events(agent) {
        if list_of(hooks, event)?.is_none() {
            hooks.push(event, Json::Array(Vec::new()));
            created.push(format!("hooks.{event}"));
        }
        let Some(list) = list_of(hooks, event)? else {
            continue;
        };
        let mut covered = false;
        let mut narrow = Vec::new();
        for (n, item) in list.iter_mut().enumerate() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            let every_tool = need.is_none() || matches_every_tool(item);
            let matcher = item.get("matcher").map(describe_matcher);
            let entries: Vec<(String, &mut Object)> = if agent == Agent::Cursor {
                vec![(format!("hooks.{event}[{n}]"), item)]
            } else {
                match item.get_mut("hooks").and_then(Json::as_array_mut) {
                    Some(entries) => entries
                        .iter_mut()
                        .enumerate()
                        .filter_map(|(k, e)| {
                            e.as_object_mut()
                                .map(|e| (format!("hooks.{event}[{n}].hooks[{k}]"), e))
                        })
                        .collect(),
                    None => Vec::new(),
                }
            };
            for (at, entry) in entries {
                let Some(current) = entry.get("command").and_then(Json::as_str) else {
                    continue;
                };
                let Some(ours) = OurCommand::parse(&current, agent) else {
                    continue;
                };
                if let Some(updated) = replace_missing_program(&ours, &options.program) {
                    notes.push(format!(
                        "{at}: the leakgate it ran no longer exists; it now runs {}, with the rest of its command as it was",
                        options.program
                    ));
                    entry.insert("command", Json::string(&updated));
                    changed += 1;
                }
                if every_tool {
                    covered = true;
                } else {
                    narrow.push((at, matcher.clone().unwrap_or_default()));
                }
            }
        }
        if covered {
            continue;
        }
        for (at, matcher) in &narrow {
            notes.push(format!(
                "{at}: leakgate's entry runs only for the tools matching {matcher}, so it was kept as it is and an entry for every tool (`*`) was added to hooks.{event}"
            ));
        }
        let hook = entry(agent, &command);
        list.push(match agent {
            Agent::Cursor => hook,
            _ => group(*need, hook),
        });
        changed += 1;
    }
    Ok(changed)
}

/// A matcher as a note shows it.
fn describe_matcher(matcher: &Json) -> String {
    match matcher.as_str() {
        Some(text) => format!("`{}`", Escaped(&text)),
        None => "a matcher that is not a string".to_owned(),
    }
}

/// The command with its program replaced by `program`, when the program it names is a path
/// that no longer exists (leakgate was moved or reinstalled elsewhere); `None` otherwise.
fn replace_missing_program(ours: &OurCommand<'_>, program: &str) -> Option<String> {
    let current = ours.program()?;
    let path = Path::new(&current);
    if current == program || !path.is_absolute() || path.exists() {
        return None;
    }
    Some(format!("{} {}", quote(program), ours.rest))
}

/// Remove leakgate's entries as it installs them; returns how many were removed. An entry of
/// ours the user changed is kept, and a note says where and why.
fn remove(
    object: &mut Object,
    agent: Agent,
    created: Option<&[String]>,
    notes: &mut Vec<String>,
) -> Result<usize, String> {
    // Without a record, a container our removal left empty is taken to be ours.
    let ours = |name: &str| created.is_none_or(|c| c.iter().any(|n| n == name));
    let Some(hooks) = object.get_mut("hooks") else {
        return Ok(0);
    };
    let hooks = hooks
        .as_object_mut()
        .ok_or_else(|| "`hooks` is not an object".to_owned())?;
    let mut removed = 0;
    let mut emptied = false;
    for (event, _) in events(agent) {
        let Some(list) = list_of(hooks, event)? else {
            continue;
        };
        let gone = remove_from(list, agent, event, notes);
        removed += gone;
        if gone > 0 && list.is_empty() && ours(&format!("hooks.{event}")) {
            hooks.remove(event);
            emptied = true;
        }
    }
    if emptied && hooks.is_empty() && ours("hooks") {
        object.remove("hooks");
    }
    Ok(removed)
}

/// Take leakgate's own entries out of an event's list (and a matcher group they leave empty);
/// returns how many were removed.
fn remove_from(list: &mut Vec<Json>, agent: Agent, event: &str, notes: &mut Vec<String>) -> usize {
    let mut removed = 0;
    let mut kept_items = Vec::with_capacity(list.len());
    // Decide for one entry: true to remove it. `at` is where it stays if kept.
    let mut judge = |entry: &Json, at: &dyn Fn() -> String| -> bool {
        let Some(object) = entry.as_object() else {
            return false;
        };
        let Some(command) = object.get("command").and_then(Json::as_str) else {
            return false;
        };
        let Some(ours) = OurCommand::parse(&command, agent) else {
            return false;
        };
        if is_as_installed(object, &ours, agent) {
            return true;
        }
        notes.push(format!(
            "kept {}: it runs leakgate agent-hook {} but was changed after it was installed (other arguments, a wrapper or other fields), and removing it would discard that change; delete it by hand if it should go",
            at(),
            agent.name()
        ));
        false
    };
    for mut item in std::mem::take(list) {
        let n = kept_items.len();
        if agent == Agent::Cursor {
            if judge(&item, &|| format!("hooks.{event}[{n}]")) {
                removed += 1;
            } else {
                kept_items.push(item);
            }
            continue;
        }
        let Some(entries) = item.as_object_mut().and_then(|g| g.get_mut("hooks")) else {
            kept_items.push(item);
            continue;
        };
        let Some(entries) = entries.as_array_mut() else {
            kept_items.push(item);
            continue;
        };
        let mut kept = Vec::with_capacity(entries.len());
        let mut gone = 0;
        for entry in std::mem::take(entries) {
            let k = kept.len();
            if judge(&entry, &|| format!("hooks.{event}[{n}].hooks[{k}]")) {
                gone += 1;
            } else {
                kept.push(entry);
            }
        }
        removed += gone;
        let emptied = gone > 0 && kept.is_empty();
        *entries = kept;
        if !emptied {
            kept_items.push(item);
        }
    }
    *list = kept_items;
    removed
}

/// Settings that would keep the installed hooks from running, to warn about.
pub fn warnings(options: &InstallOptions) -> Vec<String> {
    let Ok(path) = settings_path(options) else {
        return Vec::new();
    };
    if options.agent != Agent::Gemini || options.uninstall {
        return Vec::new();
    }
    let Ok(meta) = std::fs::metadata(&path) else {
        return Vec::new();
    };
    if !meta.is_file() {
        return Vec::new();
    }
    let value: Option<serde_json::Value> = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let disabled = value
        .as_ref()
        .and_then(|v| v.pointer("/tools/enableHooks"))
        .and_then(serde_json::Value::as_bool)
        == Some(false);
    if disabled {
        vec![format!(
            "{} sets tools.enableHooks to false: Gemini CLI runs no hook until it is true",
            path.display()
        )]
    } else {
        Vec::new()
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn is_ours(command: &str, agent: Agent) -> bool {
        OurCommand::parse(command, agent).is_some()
    }

    #[test]
    fn ours_is_leakgate_running_agent_hook_for_this_agent() {
        assert!(is_ours("leakgate agent-hook cursor", Agent::Cursor));
        assert!(is_ours(
            "/usr/local/bin/leakgate agent-hook cursor --read deny",
            Agent::Cursor
        ));
        assert!(is_ours(
            "'/opt/my tools/leakgate' agent-hook gemini",
            Agent::Gemini
        ));
        assert!(is_ours(
            "cd \"$CLAUDE_PROJECT_DIR\" && leakgate agent-hook --read deny claude-code",
            Agent::ClaudeCode
        ));
        assert!(!is_ours("leakgate agent-hook gemini", Agent::Cursor));
        assert!(!is_ours("other-tool agent-hook cursor", Agent::Cursor));
        assert!(!is_ours("leakgate scan --staged", Agent::Cursor));
        assert!(!is_ours("agent-hook cursor", Agent::Cursor));
    }

    #[test]
    fn only_a_lone_program_with_the_agent_alone_is_as_installed() {
        let program =
            |command: &str| OurCommand::parse(command, Agent::Cursor).and_then(|c| c.program());
        assert_eq!(
            program("leakgate agent-hook cursor").as_deref(),
            Some("leakgate")
        );
        assert_eq!(
            program("'/opt/it'\\''s/leakgate' agent-hook cursor").as_deref(),
            Some("/opt/it's/leakgate")
        );
        assert_eq!(
            program("\"/opt/my tools/leakgate\" agent-hook cursor").as_deref(),
            Some("/opt/my tools/leakgate")
        );
        assert_eq!(program("env X=1 leakgate agent-hook cursor"), None);
        assert_eq!(program("$HOME/bin/leakgate agent-hook cursor"), None);
        let plain = |command: &str| {
            OurCommand::parse(command, Agent::Cursor).is_some_and(|c| c.plain_arguments)
        };
        assert!(plain("leakgate agent-hook cursor"));
        assert!(!plain("leakgate agent-hook cursor --read deny"));
        assert!(!plain("leakgate agent-hook --read deny cursor"));
    }

    #[test]
    fn a_quoted_program_round_trips() {
        let command = format!("{} agent-hook cursor", quote("/opt/it's here/leakgate"));
        let parsed = OurCommand::parse(&command, Agent::Cursor).and_then(|c| c.program());
        assert_eq!(parsed.as_deref(), Some("/opt/it's here/leakgate"));
    }
}
