//! `leakgate install-hook --agent …`: merge leakgate's hook entries into an agent's settings
//! file, keeping every other setting and hook, and take them out again with `--uninstall`.
//!
//! | agent       | project                  | user (`--scope user`)       | events |
//! |-------------|--------------------------|-----------------------------|--------|
//! | claude-code | `.claude/settings.json`  | `~/.claude/settings.json`   | `PreToolUse`, `PostToolUse` (matcher `*`), `UserPromptSubmit` |
//! | cursor      | `.cursor/hooks.json`     | `~/.cursor/hooks.json`      | `beforeShellExecution`, `beforeMCPExecution`, `beforeReadFile`, `beforeSubmitPrompt`, `afterFileEdit` |
//! | gemini      | `.gemini/settings.json`  | `~/.gemini/settings.json`   | `BeforeTool`, `AfterTool` (matcher `*`), `BeforeAgent` |
//!
//! An entry is leakgate's when its command runs a program named `leakgate` with `agent-hook`:
//! installing again changes nothing (or updates such an entry's command in place), and
//! uninstalling removes exactly those entries, and a group or event list only when that left it
//! empty. The file is written as every leakgate output is ([`crate::atomic`]: atomically,
//! through a symlink, keeping its mode), after a copy of the previous version is kept beside it
//! (`<file>.leakgate-backup`, never overwriting an earlier backup). A file that is not JSON, or
//! whose `hooks` is not shaped as the agent documents it, is never rewritten: the error says
//! where. JSON keys are written back in sorted order.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::Agent;

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
    /// The home directory (for [`Scope::User`]).
    pub home: Option<PathBuf>,
    /// The program the hooks run (`leakgate`, or its full path).
    pub program: String,
}

/// What [`install`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// Nothing to change: the entries were there (install) or were not (uninstall).
    Unchanged { path: PathBuf },
    /// The file was written; `backup` holds the previous version (when there was one).
    Written {
        path: PathBuf,
        backup: Option<PathBuf>,
        /// Hook entries added or updated (install) or removed (uninstall).
        entries: usize,
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

    #[error("cannot find the home directory for --scope user")]
    #[diagnostic(
        code(leakgate::agent::home),
        help("set HOME, or install into the project with --scope project")
    )]
    NoHome,

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

/// The settings file of `agent` in `scope`.
pub fn settings_path(options: &InstallOptions) -> Result<PathBuf, InstallError> {
    let base = match options.scope {
        Scope::Project => options.project.clone(),
        Scope::User => options.home.clone().ok_or(InstallError::NoHome)?,
    };
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

/// The command a hook entry runs.
pub fn command(options: &InstallOptions) -> String {
    let program = &options.program;
    let safe = program
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c));
    let quoted = if safe {
        program.clone()
    } else {
        format!("'{}'", program.replace('\'', r"'\''"))
    };
    format!("{quoted} agent-hook {}", options.agent.name())
}

/// Is this hook command leakgate's for `agent`?
fn is_ours(command: &str, agent: Agent) -> bool {
    let words: Vec<&str> = command.split_whitespace().collect();
    let Some(at) = words.iter().position(|w| *w == "agent-hook") else {
        return false;
    };
    let program = words[..at].join(" ");
    let program = program.trim_matches(|c| c == '\'' || c == '"');
    let name = program.rsplit('/').next().unwrap_or(program);
    (name == "leakgate" || name == "leakgate.exe")
        && words.get(at + 1).is_some_and(|a| *a == agent.name())
}

/// The hook entry (one command) leakgate adds.
fn entry(agent: Agent, command: &str) -> Value {
    match agent {
        Agent::Cursor => json!({ "command": command }),
        Agent::ClaudeCode => json!({ "type": "command", "command": command }),
        Agent::Gemini => json!({
            "name": "leakgate",
            "type": "command",
            "command": command,
            "description": "leakgate: block secrets in tool calls and prompts",
        }),
    }
}

/// Install (or uninstall) as `options` say.
pub fn install(options: &InstallOptions) -> Result<Installed, InstallError> {
    let path = settings_path(options)?;
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
    let mut root = match &existing {
        Some(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Value::Object(Map::new()),
        Some(bytes) => serde_json::from_slice::<Value>(bytes).map_err(|e| {
            settings_error(format!(
                "invalid JSON at line {} column {}",
                e.line(),
                e.column()
            ))
        })?,
        None if options.uninstall => return Ok(Installed::Unchanged { path }),
        None => Value::Object(Map::new()),
    };
    let command = command(options);
    let changed = {
        let Some(object) = root.as_object_mut() else {
            return Err(settings_error("it is not a JSON object".to_owned()));
        };
        if options.agent == Agent::Cursor && !object.contains_key("version") && !options.uninstall {
            object.insert("version".to_owned(), json!(1));
        }
        if options.uninstall {
            remove(object, options.agent).map_err(settings_error)?
        } else {
            add(object, options.agent, &command).map_err(settings_error)?
        }
    };
    if changed == 0 {
        return Ok(Installed::Unchanged { path });
    }
    let mut text = serde_json::to_string_pretty(&root)
        .map_err(|e| settings_error(format!("cannot serialise it: {e}")))?;
    text.push('\n');
    let write_error = |source| InstallError::Write {
        path: path.clone(),
        source,
    };
    let backup = match existing {
        Some(_) => {
            let kept = backup_path(&path);
            std::fs::copy(&path, &kept).map_err(write_error)?;
            Some(kept)
        }
        None => None,
    };
    let write = crate::atomic::WriteOptions {
        create_parents: true,
        ..crate::atomic::WriteOptions::default()
    };
    crate::atomic::write(&path, text.as_bytes(), &write).map_err(write_error)?;
    Ok(Installed::Written {
        path,
        backup,
        entries: changed,
    })
}

/// The `hooks` object, created when absent.
fn hooks_of(object: &mut Map<String, Value>) -> Result<&mut Map<String, Value>, String> {
    object
        .entry("hooks")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| "`hooks` is not an object".to_owned())
}

/// Add leakgate's entry to every event; returns how many entries were added or updated.
fn add(object: &mut Map<String, Value>, agent: Agent, command: &str) -> Result<usize, String> {
    let hooks = hooks_of(object)?;
    let mut changed = 0;
    for (event, matcher) in events(agent) {
        let list = hooks
            .entry(*event)
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
            .ok_or_else(|| format!("`hooks.{event}` is not a list"))?;
        let mut found = false;
        for_each_entry(list, agent, |entry| {
            let current = entry.get("command").and_then(Value::as_str);
            if current.is_some_and(|c| is_ours(c, agent)) {
                found = true;
                if current != Some(command) {
                    entry.insert("command".to_owned(), json!(command));
                    changed += 1;
                }
            }
            false
        })?;
        if found {
            continue;
        }
        let hook = entry(agent, command);
        list.push(match (agent, matcher) {
            (Agent::Cursor, _) => hook,
            (_, Some(matcher)) => json!({ "matcher": matcher, "hooks": [hook] }),
            (_, None) => json!({ "hooks": [hook] }),
        });
        changed += 1;
    }
    Ok(changed)
}

/// Remove leakgate's entries; returns how many were removed.
fn remove(object: &mut Map<String, Value>, agent: Agent) -> Result<usize, String> {
    let Some(hooks) = object.get_mut("hooks") else {
        return Ok(0);
    };
    let hooks = hooks
        .as_object_mut()
        .ok_or_else(|| "`hooks` is not an object".to_owned())?;
    let mut removed = 0;
    for (event, _) in events(agent) {
        let Some(list) = hooks.get_mut(*event) else {
            continue;
        };
        let list = list
            .as_array_mut()
            .ok_or_else(|| format!("`hooks.{event}` is not a list"))?;
        removed += for_each_entry(list, agent, |entry| {
            (entry.get("command").and_then(Value::as_str)).is_some_and(|c| is_ours(c, agent))
        })?;
        if list.is_empty() {
            hooks.remove(*event);
        }
    }
    if hooks.is_empty() {
        object.remove("hooks");
    }
    Ok(removed)
}

/// Visit every hook entry of an event's list (Cursor: the list's items; the others: the
/// `hooks` of each matcher group), removing those `visit` returns true for, and groups that
/// left empty. Returns how many were removed.
fn for_each_entry(
    list: &mut Vec<Value>,
    agent: Agent,
    mut visit: impl FnMut(&mut Map<String, Value>) -> bool,
) -> Result<usize, String> {
    let mut removed = 0;
    if agent == Agent::Cursor {
        let mut kept = Vec::with_capacity(list.len());
        for mut item in std::mem::take(list) {
            let drop = item.as_object_mut().is_some_and(&mut visit);
            if drop {
                removed += 1;
            } else {
                kept.push(item);
            }
        }
        *list = kept;
        return Ok(removed);
    }
    let mut kept = Vec::with_capacity(list.len());
    for mut group in std::mem::take(list) {
        let Some(entries) = group.get_mut("hooks").and_then(Value::as_array_mut) else {
            kept.push(group);
            continue;
        };
        let before = entries.len();
        entries.retain_mut(|entry| !entry.as_object_mut().is_some_and(&mut visit));
        let gone = before - entries.len();
        removed += gone;
        if !(gone > 0 && entries.is_empty()) {
            kept.push(group);
        }
    }
    *list = kept;
    Ok(removed)
}

/// `<file>.leakgate-backup`, or `….2`, …: never overwrite an earlier backup.
fn backup_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = path.with_file_name(format!("{name}.leakgate-backup"));
    if !base.exists() {
        return base;
    }
    (2..)
        .map(|n| path.with_file_name(format!("{name}.leakgate-backup.{n}")))
        .find(|p| !p.exists())
        .unwrap_or(base)
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
    let value: Option<Value> = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let disabled = value
        .as_ref()
        .and_then(|v| v.pointer("/tools/enableHooks"))
        .and_then(Value::as_bool)
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
        assert!(!is_ours("leakgate agent-hook gemini", Agent::Cursor));
        assert!(!is_ours("other-tool agent-hook cursor", Agent::Cursor));
        assert!(!is_ours("leakgate scan --staged", Agent::Cursor));
    }
}
