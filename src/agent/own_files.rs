//! The guard's own files — `.leakgate.toml`, `.leakgateignore`, the baseline, and the agents'
//! hook settings that hold the guard (`.claude/settings*.json`, `.cursor/hooks.json`,
//! `.gemini/settings.json`) — and how to tell that a path, a shell command or any other string
//! names one. An agent that could change them unasked could switch the guard off by itself,
//! so every route counts: an exact path, a path through a symbolic link, a glob or a variable
//! that could expand to one (`rm .leakgate*`, `rm ${D}.leakgate.toml`), or the name inside a
//! program's source (`python3 -c "open('.leakgate.toml','w')"`).
//!
//! Commands are not parsed here (that is [`super::shell`]): the text is cut into candidate
//! names at anything that cannot be part of a path, once with quotes and backslashes removed
//! (as the shell joins `.leak"gate".toml`) and once cut at them (as a program's source
//! quotes its strings), and each candidate's last components are matched against the
//! names. Linear in the length of the text.

use std::path::Path;

use crate::config::CONFIG_FILE;

/// Files that configure the guard, by name, wherever they are.
pub const GUARD_FILES: &[&str] = &[
    CONFIG_FILE,
    crate::input::walk::LEAKGATE_IGNORE_FILE,
    crate::fingerprint::BASELINE_FILE,
];

/// The agents' hook settings, by their last two components.
pub const HOOK_SETTINGS: &[(&str, &str)] = &[
    (".claude", "settings.json"),
    (".claude", "settings.local.json"),
    (".cursor", "hooks.json"),
    (".gemini", "settings.json"),
];

/// The directories that hold the hook settings: removing or replacing one removes the hook.
const HOOK_DIRS: &[&str] = &[".claude", ".cursor", ".gemini"];

/// Is `path` a file that configures the guard, by its name?
pub fn configures_guard(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let parent = (path.parent())
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    GUARD_FILES.contains(&name) || HOOK_SETTINGS.contains(&(parent, name))
}

/// Does a write to `path` (lexically normal) change a file that configures the guard: by its
/// name, or because it is a symbolic link (or lies under one) that leads to such a file?
pub fn write_reaches_guard(path: &Path) -> bool {
    if configures_guard(path) {
        return true;
    }
    // A write goes through a symbolic link to its target; a file that does not exist yet is
    // created in its parent as the file system resolves it.
    let resolved = std::fs::canonicalize(path).ok().or_else(|| {
        let parent = std::fs::canonicalize(path.parent()?).ok()?;
        Some(parent.join(path.file_name()?))
    });
    resolved.is_some_and(|real| real != path && configures_guard(&real))
}

/// Characters that cannot be part of a path word in a command or a program's source.
fn separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ';' | '&' | '|' | '(' | ')' | '<' | '>' | '=' | ',' | '`' | ':' | '+'
        )
}

/// The guard's own files that `text` names (see the module documentation), as their names
/// (`.leakgate.toml`, `.claude/settings.json`, `.claude/`): never the text itself, which may
/// hold anything. `cwd` is where the command runs (inside `.claude/`, a bare
/// `settings.json` is the hook settings).
pub fn mentioned(text: &str, cwd: &Path) -> Vec<String> {
    let joined: String = text
        .chars()
        .filter(|c| !matches!(c, '\'' | '"' | '\\'))
        .collect();
    // Cheap exit: every name holds one of these runs, or the text has a wildcard.
    let lower = joined.to_ascii_lowercase();
    if ![
        "leakgate", "claude", "cursor", "gemini", "settings", "hooks",
    ]
    .iter()
    .any(|w| lower.contains(w))
        && !joined.contains(['*', '?', '[', '$', '{'])
    {
        return Vec::new();
    }
    let cut: String = (text.chars())
        .map(|c| {
            if matches!(c, '\'' | '"' | '\\') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = (joined.split(separator))
        .chain(cut.split(separator))
        .filter(|w| !w.is_empty())
        .collect();
    // The hook directories named anywhere (`cd .claude && … settings.json`), or the one the
    // command runs in.
    let cwd_name = cwd.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let named_dirs: Vec<&str> = (HOOK_DIRS.iter().copied())
        .filter(|dir| {
            cwd_name == *dir
                || (words.iter()).any(|w| w.split('/').any(|comp| names_could_match(comp, dir)))
        })
        .collect();
    let mut found: Vec<String> = Vec::new();
    for word in &words {
        let mut comps = word.split('/').filter(|c| !c.is_empty() && *c != ".");
        let Some(last) = comps.next_back() else {
            continue;
        };
        let before = comps.next_back();
        for name in GUARD_FILES {
            // Also inside a longer run (`open(.leakgate.toml,w)` once quotes are removed).
            if names_could_match(last, name) || last.contains(name) {
                found.push((*name).to_owned());
            }
        }
        for dir in HOOK_DIRS {
            if names_could_match(last, dir) {
                found.push(format!("{dir}/"));
            }
        }
        for (dir, name) in HOOK_SETTINGS {
            if !names_could_match(last, name) {
                continue;
            }
            let placed = match before {
                Some(parent) => names_could_match(parent, dir),
                None => named_dirs.contains(dir),
            };
            if placed {
                found.push(format!("{dir}/{name}"));
            }
        }
    }
    // leakgate's own commands that write these files: removing the hook, re-baselining.
    for (at, word) in words.iter().enumerate() {
        if word.rsplit('/').next() != Some("leakgate") {
            continue;
        }
        // The subcommand: the next word that is not a flag (flags come before it).
        let command =
            (words.get(at + 1..).unwrap_or_default().iter()).find(|w| !w.starts_with('-'));
        if let Some(command) = command.filter(|c| LEAKGATE_WRITERS.contains(c)) {
            found.push(format!("the files `leakgate {command}` writes"));
        }
    }
    found.sort();
    found.dedup();
    found
}

/// leakgate's subcommands that write its configuration, baseline or the agents' hook settings.
const LEAKGATE_WRITERS: &[&str] = &["baseline", "install-hook", "init"];

/// Could `pattern`, a path component as a shell would expand it, name `name`? `*`, `?` and
/// `[…]` are globs (which, as in `sh`, do not match a leading dot), `$NAME`, `${…}` and
/// `{…}` could expand to anything. A pattern made only of wildcards matches nothing here:
/// `rm $FILE` or `rm *` names no file in particular.
fn names_could_match(pattern: &str, name: &str) -> bool {
    if pattern == name {
        return true;
    }
    let Some(parts) = compile(pattern) else {
        return false;
    };
    if !parts.iter().any(|p| matches!(p, Part::Literal(_))) {
        return false;
    }
    // The shell's globs skip dot files unless the pattern starts with a dot.
    if name.starts_with('.') && matches!(parts.first(), Some(Part::One | Part::Glob)) {
        return false;
    }
    matches(&parts, name.as_bytes())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Literal(u8),
    /// `?` or a `[…]` class: one character.
    One,
    /// `*`: any run (but not a leading dot).
    Glob,
    /// A variable or a brace expansion: any run.
    Any,
}

/// `pattern` as parts, or `None` when it has no wildcard (then only equality matches).
fn compile(pattern: &str) -> Option<Vec<Part>> {
    if !pattern.contains(['*', '?', '[', '$', '{']) {
        return None;
    }
    let bytes = pattern.as_bytes();
    // Where the next `]` and `}` are, from each position: found in one pass from the end, so
    // that a run of unclosed brackets costs no rescan.
    let mut next_bracket = vec![None; bytes.len() + 1];
    let mut next_brace = vec![None; bytes.len() + 1];
    for at in (0..bytes.len()).rev() {
        next_bracket[at] = if bytes[at] == b']' {
            Some(at)
        } else {
            next_bracket[at + 1]
        };
        next_brace[at] = if bytes[at] == b'}' {
            Some(at)
        } else {
            next_brace[at + 1]
        };
    }
    let mut parts = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'*' => parts.push(Part::Glob),
            b'?' => parts.push(Part::One),
            // A class is one character; unclosed, the bracket is itself.
            b'[' => match next_bracket[at + 1] {
                Some(end) => {
                    parts.push(Part::One);
                    at = end;
                }
                None => parts.push(Part::Literal(b)),
            },
            b'$' if bytes.get(at + 1) == Some(&b'{') => {
                parts.push(Part::Any);
                at = next_brace[at + 1].unwrap_or(bytes.len());
            }
            b'$' => {
                parts.push(Part::Any);
                while (bytes.get(at + 1)).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
                    at += 1;
                }
            }
            b'{' => {
                parts.push(Part::Any);
                at = next_brace[at + 1].unwrap_or(bytes.len());
            }
            other => parts.push(Part::Literal(other)),
        }
        at += 1;
    }
    Some(parts)
}

/// Glob matching with one backtracking point (the last star): linear for a fixed name.
fn matches(parts: &[Part], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match parts.get(p) {
            Some(Part::Glob | Part::Any) => {
                star = Some((p, n));
                p += 1;
            }
            Some(Part::One) => {
                p += 1;
                n += 1;
            }
            Some(Part::Literal(c)) if *c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    parts[p..]
        .iter()
        .all(|part| matches!(part, Part::Glob | Part::Any))
}

/// Every string of `value` (keys included), for [`mentioned`].
pub fn strings_of<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::String(text) => out.push(text),
        serde_json::Value::Array(items) => items.iter().for_each(|item| strings_of(item, out)),
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                out.push(key);
                strings_of(item, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(text: &str) -> Vec<String> {
        mentioned(text, Path::new("/p"))
    }

    #[test]
    fn guard_files_are_known_by_name_and_settings_by_place() {
        assert!(configures_guard(Path::new("/p/.leakgate.toml")));
        assert!(configures_guard(Path::new("sub/.leakgateignore")));
        assert!(configures_guard(Path::new(".leakgate-baseline.json")));
        assert!(configures_guard(Path::new("/p/.claude/settings.json")));
        assert!(configures_guard(Path::new("/p/.cursor/hooks.json")));
        assert!(!configures_guard(Path::new("/p/settings.json")));
        assert!(!configures_guard(Path::new("/p/leakgate.toml.md")));
    }

    #[test]
    fn every_way_of_naming_a_guard_file_is_seen() {
        let config = vec![CONFIG_FILE.to_owned()];
        assert_eq!(named("rm .leakgate.toml"), config);
        assert_eq!(named("rm ./sub/../.leakgate.toml"), config);
        assert_eq!(named("rm .leak\"gate\".toml"), config);
        assert_eq!(
            named("python3 -c \"open('.leakgate.toml','w').write('')\""),
            config
        );
        assert_eq!(named("F=.leakgate.toml; rm \"$F\""), config);
        assert_eq!(named("rm ${D}.leakgate.toml"), config);
        assert_eq!(named("cp x /abs/p/.leakgate.toml"), config);
        assert_eq!(
            named("rm .leakgate*"),
            vec![
                ".leakgate-baseline.json",
                ".leakgate.toml",
                ".leakgateignore"
            ]
        );
        assert!(named("rm .l?akgate.t[o]ml").contains(&CONFIG_FILE.to_owned()));
        assert!(named("rm .*").contains(&CONFIG_FILE.to_owned()));
        assert_eq!(
            named("cd .claude && sed -i s/x// settings.json"),
            vec![".claude/", ".claude/settings.json"]
        );
        assert_eq!(named("rm .cursor/hooks.json"), vec![".cursor/hooks.json"]);
        assert_eq!(named("rm -rf .gemini"), vec![".gemini/"]);
        assert_eq!(
            mentioned("rm settings.json", Path::new("/p/.claude")),
            vec![".claude/settings.json"]
        );
        assert_eq!(
            named("~/.cargo/bin/leakgate install-hook --agent claude-code --uninstall"),
            vec!["the files `leakgate install-hook` writes"]
        );
        assert_eq!(
            named("cargo build && leakgate -q baseline"),
            vec!["the files `leakgate baseline` writes"]
        );
        assert!(named("leakgate scan . && cat leakgate.log").is_empty());
    }

    #[test]
    fn what_names_no_guard_file_is_not_seen() {
        for text in [
            "rm *",
            "rm -rf $TMPDIR",
            "rm settings.json",
            "cat src/leakgate.rs",
            "cp a b",
            "mkdir -p .claude/commands",
            "",
        ] {
            assert!(named(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn long_texts_take_linear_time() {
        let text = "*$".repeat(100_000) + &".leakgate".repeat(10_000) + &"[".repeat(50_000);
        // CPU time, not wall time: a busy machine must not fail a linear-time check.
        let started = crate::cpu_time::thread_cpu_time();
        let _ = named(&text);
        let used = crate::cpu_time::thread_cpu_time() - started;
        assert!(used < std::time::Duration::from_secs(5), "{used:?}");
    }
}
