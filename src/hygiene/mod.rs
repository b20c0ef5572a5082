//! Repository hygiene: files that hold secrets must be ignored by git and must not already be
//! tracked. `leakgate gitignore` checks that `.env`, `.env.*`, `.a5c/`, `*.pem`, `*.key`,
//! `credentials.json` and `*.secrets` would be ignored (at the root, in a nested directory, and
//! in every directory with its own `.gitignore`), reports each gap with the line to add, warns
//! when only a user's global excludes file covers a pattern, finds such files already tracked,
//! and with `--fix` appends the missing lines to the root `.gitignore` in one marked block.
//!
//! Coding agents leave two kinds of files in a project. Project configuration is meant to be
//! committed and shared (`.mcp.json`, `.cursor/mcp.json`, `.vscode/mcp.json`,
//! `.claude/settings.json`, `.gemini/settings.json`): it must hold no secret, which the scan
//! checks like any other file. Personal files hold one user's settings, sessions and
//! credentials (`claude_desktop_config.json`, `.claude.json`, `.claude/settings.local.json`,
//! `.codex/`, Gemini's `oauth_creds.json`, `google_accounts.json` and `tmp/`): where one is in
//! the work tree, git must ignore it ([`personal_agent_files`]), and one that is tracked is a
//! tracked secret file.

pub mod gitignore;

use std::path::Path;

use gitignore::{Decision, IgnoreRules, Source};

use crate::diagnostic::{Code, Diagnostic, HygieneCode};

/// A pattern that must be ignored, and a file name that stands for it.
#[derive(Debug, Clone)]
pub struct Required {
    pub pattern: String,
    pub sample: String,
    pub is_dir: bool,
    /// Lines that keep templates committable once the pattern is added (`!.env.example`).
    pub keep: Vec<String>,
}

impl Required {
    /// A required pattern with a sample file name that stands for it: `*.p12` is tested as
    /// `leakgate-check.p12`, `secrets/` as a directory `secrets`.
    pub fn from_pattern(pattern: &str) -> Self {
        let is_dir = pattern.ends_with('/');
        let bare = pattern.trim_end_matches('/').trim_start_matches('/');
        let sample = match bare.strip_prefix('*') {
            Some(rest) => format!("leakgate-check{rest}").replace('*', "x"),
            None => bare.replace('*', "x"),
        };
        let keep = if pattern == ".env.*" {
            ["!.env.example", "!.env.sample", "!.env.template"]
                .map(String::from)
                .to_vec()
        } else {
            Vec::new()
        };
        let sample = if pattern == ".env.*" {
            ".env.local".to_owned()
        } else {
            sample
        };
        Required {
            pattern: pattern.to_owned(),
            sample,
            is_dir,
            keep,
        }
    }
}

/// The patterns that must be ignored by default.
pub const DEFAULT_PATTERNS: &[&str] = &[
    ".env",
    ".env.*",
    ".a5c/",
    "*.pem",
    "*.key",
    "credentials.json",
    "*.secrets",
];

/// The default patterns plus the configuration's `[gitignore] required`.
pub fn required_patterns(extra: &[String]) -> Vec<Required> {
    let mut patterns: Vec<&str> = DEFAULT_PATTERNS.to_vec();
    patterns.extend(
        extra
            .iter()
            .map(String::as_str)
            .filter(|p| !DEFAULT_PATTERNS.contains(p)),
    );
    patterns.into_iter().map(Required::from_pattern).collect()
}

/// Env-file templates meant to be committed.
const ENV_TEMPLATES: &[&str] = &[
    ".env.example",
    ".env.sample",
    ".env.template",
    ".env.dist",
    ".env.defaults",
];

/// The marker line of the block `--fix` writes.
/// The command that resolves every gitignore gap: named in each gap's fix, so a blocked
/// commit says how to unblock it in one step.
pub const FIX_COMMAND: &str = "leakgate gitignore --fix";

pub const FIX_MARKER: &str = "# Added by `leakgate gitignore --fix`: files that hold secrets";

/// One hygiene problem, with what to do about it: a [`Diagnostic`] of a [`HygieneCode`], at
/// `path`, with a fix (its level is the code's).
fn problem(code: HygieneCode, path: String, message: String, fix: String) -> Diagnostic {
    Diagnostic::new(Code::Hygiene(code), message)
        .at(path)
        .with_fix(fix)
}

/// Check which required patterns git would not ignore, trying each at the root, in a new
/// nested directory, and in every directory with its own `.gitignore`. Returns the problems and
/// the patterns the root `.gitignore` should gain (what `--fix` adds).
pub fn check_coverage(
    rules: &IgnoreRules,
    required: &[Required],
) -> (Vec<Diagnostic>, Vec<Required>) {
    check_coverage_in(rules, required, &sample_dirs(rules.root()))
}

/// [`check_coverage`] at given sample directories (`""` is the root).
pub fn check_coverage_in(
    rules: &IgnoreRules,
    required: &[Required],
    dirs: &[String],
) -> (Vec<Diagnostic>, Vec<Required>) {
    let mut problems = Vec::new();
    let mut missing = Vec::new();
    for req in required {
        let at = |dir: &str| {
            if dir.is_empty() {
                req.sample.to_owned()
            } else {
                format!("{dir}/{}", req.sample)
            }
        };
        let root_decision = rules.decide(&at(""), req.is_dir);
        let not_ignored: Vec<&String> = dirs
            .iter()
            .filter(|dir| rules.decide(&at(dir), req.is_dir) == Decision::NotIgnored)
            .collect();
        let local_only = dirs
            .iter()
            .find_map(|dir| match rules.decide(&at(dir), req.is_dir) {
                Decision::Ignored(source @ (Source::Global(_) | Source::InfoExclude)) => {
                    Some(source)
                }
                _ => None,
            });
        if root_decision == Decision::NotIgnored {
            problems.push(problem(
                HygieneCode::GitignoreGap,
                ".gitignore".to_owned(),
                format!(
                    "git would not ignore `{}`: nothing covers `{}`",
                    at(""),
                    req.pattern
                ),
                format!(
                    "add the line `{}` to .gitignore, or run `{FIX_COMMAND}` to add every \
                     missing line at once",
                    req.pattern
                ),
            ));
            missing.push(req.clone());
        } else if let Some(dir) = not_ignored.first() {
            problems.push(problem(
                HygieneCode::GitignoreReincluded,
                format!("{dir}/.gitignore"),
                format!("`{}` is ignored at the root but not in `{dir}/`: its .gitignore re-includes it", req.pattern),
                format!("remove the `!` line that matches `{}` from {dir}/.gitignore", req.sample),
            ));
        } else if let Some(source) = local_only {
            problems.push(problem(
                HygieneCode::GitignoreLocalOnly,
                ".gitignore".to_owned(),
                format!("`{}` is ignored only by {}", req.pattern, describe(&source)),
                format!(
                    "add the line `{}` to .gitignore so the whole team is covered (`{FIX_COMMAND}` \
                     adds every missing line)",
                    req.pattern
                ),
            ));
            missing.push(req.clone());
        }
    }
    (problems, missing)
}

/// The lines `--fix` appends for `missing` patterns: each pattern (and the template exceptions
/// that go with it) not already a line of the root `.gitignore`.
pub fn fix_lines(root: &Path, missing: &[Required]) -> Vec<String> {
    let existing = std::fs::read_to_string(root.join(".gitignore")).unwrap_or_default();
    let present: Vec<&str> = existing.lines().map(str::trim).collect();
    missing
        .iter()
        .flat_map(|req| std::iter::once(req.pattern.clone()).chain(req.keep.iter().cloned()))
        .filter(|line| !present.contains(&line.as_str()))
        .collect()
}

/// Every entry below `root`, ignore files off (hygiene looks at what git would see, ignored
/// or not), symlinks not followed, `.git` and `node_modules` left out.
fn files_below(root: &Path) -> ignore::Walk {
    ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != ".git" && e.file_name() != "node_modules")
        .build()
}

/// Directories to test each pattern in: the root, a directory that does not exist (only the
/// root rules reach it), and every directory with its own `.gitignore`.
pub fn sample_dirs(root: &Path) -> Vec<String> {
    let mut dirs = vec![String::new(), "leakgate-check/nested".to_owned()];
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker.flatten() {
        if entry.file_name() == ".gitignore"
            && let Some(dir) = entry
                .path()
                .parent()
                .and_then(|d| d.strip_prefix(root).ok())
            && !dir.as_os_str().is_empty()
        {
            dirs.push(dir.to_string_lossy().replace('\\', "/"));
        }
    }
    dirs
}

/// A `tracked-secret-file` problem for `path` (holding `what`), if its name or content says it
/// holds secrets. `in_history` says whether it is already committed (then the secret must be
/// rotated) or only about to be.
pub fn tracked_secret_problem(path: &str, content: &[u8], in_history: bool) -> Option<Diagnostic> {
    let what = sensitive_tracked(path, content)?;
    let quoted = path.replace('\'', r"'\''");
    let (message, fix) = if in_history {
        (
            format!("`{path}` is tracked by git, and it is {what}"),
            format!("git rm --cached '{quoted}' (then rotate what it holds: it is in the history)"),
        )
    } else {
        (
            format!("this commit starts tracking `{path}`, and it is {what}"),
            format!("git rm --cached '{quoted}' and add it to .gitignore"),
        )
    };
    Some(problem(
        HygieneCode::TrackedSecretFile,
        path.to_owned(),
        message,
        fix,
    ))
}

/// Personal coding-agent files: each one user's, never a project's. `(pattern for .gitignore,
/// whether it is a directory)`; a pattern matches the file's path below the root, at any depth.
const PERSONAL_AGENT_FILES: &[(&str, bool)] = &[
    ("claude_desktop_config.json", false),
    (".claude.json", false),
    (".claude/settings.local.json", false),
    (".codex/", true),
    (".gemini/oauth_creds.json", false),
    (".gemini/google_accounts.json", false),
    (".gemini/tmp/", true),
];

/// The personal agent file `path` (relative, `/`-separated) is or lies in, as its pattern.
fn personal_agent_pattern(path: &str) -> Option<&'static str> {
    PERSONAL_AGENT_FILES.iter().find_map(|(pattern, is_dir)| {
        let bare = pattern.trim_end_matches('/');
        let at = |p: &str| p == bare || p.ends_with(&format!("/{bare}"));
        let found = if *is_dir {
            let mut prefix = String::new();
            path.split('/').any(|part| {
                if !prefix.is_empty() {
                    prefix.push('/');
                }
                prefix.push_str(part);
                at(&prefix)
            })
        } else {
            at(path)
        };
        found.then_some(*pattern)
    })
}

/// Personal agent files in the work tree that git would not ignore and does not track: each a
/// `gitignore-gap` at the file, with the line to add; and those lines as [`Required`] patterns
/// for `--fix`. `tracked` says whether git tracks a path (then it is a tracked secret file,
/// reported as such).
pub fn personal_agent_files(
    rules: &IgnoreRules,
    tracked: &dyn Fn(&str) -> bool,
) -> (Vec<Diagnostic>, Vec<Required>) {
    let root = rules.root();
    let mut problems = Vec::new();
    let mut missing: Vec<Required> = Vec::new();
    let walker = files_below(root);
    for entry in walker.flatten() {
        let Ok(relative) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = relative.to_string_lossy().replace('\\', "/");
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        let Some(pattern) = personal_agent_pattern(&rel) else {
            continue;
        };
        // A directory is judged once, at itself: not again for every file below it.
        let own = pattern.trim_end_matches('/');
        if pattern.ends_with('/') && !(is_dir && (rel == own || rel.ends_with(&format!("/{own}"))))
        {
            continue;
        }
        if tracked(&rel) || rules.decide(&rel, is_dir) != Decision::NotIgnored {
            continue;
        }
        let line = if pattern.contains('/') && !pattern.ends_with('/') {
            // `a/b` in .gitignore is anchored to its directory; `**/a/b` is found at any depth.
            format!("**/{pattern}")
        } else {
            pattern.to_owned()
        };
        problems.push(problem(
            HygieneCode::GitignoreGap,
            rel.clone(),
            format!(
                "`{rel}` is a personal coding-agent file (one user's settings, sessions and credentials) and git would not ignore it"
            ),
            format!("add the line `{line}` to .gitignore"),
        ));
        if !missing.iter().any(|m| m.pattern == line) {
            missing.push(Required {
                pattern: line,
                sample: rel,
                is_dir,
                keep: Vec::new(),
            });
        }
    }
    // The walk's order is the file system's: the lines `--fix` adds are not.
    missing.sort_by(|a, b| a.pattern.cmp(&b.pattern));
    (problems, missing)
}

/// Is this tracked path a file that holds secrets by its nature? `content` is its staged blob.
pub fn sensitive_tracked(path: &str, content: &[u8]) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if path.starts_with(".a5c/runs/") || path.contains("/.a5c/runs/") {
        return Some("agent run data (prompts, command lines, tool output)");
    }
    if personal_agent_pattern(path).is_some() {
        return Some(
            "a personal coding-agent file (one user's settings, sessions and credentials, MCP servers' included)",
        );
    }
    if name == ".env" || (name.starts_with(".env.") && !ENV_TEMPLATES.contains(&name)) {
        return Some("an env file");
    }
    if matches!(name, "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519") {
        return Some("an SSH private key");
    }
    if name == "credentials.json" || name.ends_with(".secrets") {
        return Some("a credentials file");
    }
    let holds_private_key = memchr::memmem::find(content, b"PRIVATE KEY").is_some();
    if (name.ends_with(".pem") || name.ends_with(".key")) && holds_private_key {
        return Some("a private key");
    }
    None
}

/// Credential files that others can read: permissions wider than 0600 on Unix. Looks at every
/// file in the work tree whose name says it holds credentials (ignored ones too: that is where
/// they live), skipping `.git` and `node_modules`.
#[cfg(unix)]
pub fn loose_permissions(root: &Path) -> Vec<Diagnostic> {
    use std::os::unix::fs::PermissionsExt;
    let mut problems = Vec::new();
    let walker = files_below(root);
    for entry in walker.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        let by_name = matches!(
            name,
            "auth.json" | ".netrc" | ".pgpass" | ".git-credentials"
        ) || name.starts_with(".env");
        let by_content = name.ends_with(".pem")
            || name.ends_with(".key")
            || name == "credentials.json"
            || name.starts_with("id_");
        if !by_name && !by_content {
            continue;
        }
        let holds = if by_content {
            let content = std::fs::read(entry.path()).unwrap_or_default();
            sensitive_tracked(&rel, &content).is_some()
        } else {
            !ENV_TEMPLATES.contains(&name)
        };
        let Ok(meta) = entry.metadata() else { continue };
        let mode = meta.permissions().mode() & 0o777;
        if holds && mode & 0o077 != 0 {
            problems.push(problem(
                HygieneCode::CredentialFilePermissions,
                rel.clone(),
                format!("`{rel}` holds credentials and others can read it (mode {mode:04o})"),
                format!("chmod 600 '{}'", rel.replace('\'', r"'\''")),
            ));
        }
    }
    problems
}

#[cfg(not(unix))]
pub fn loose_permissions(_root: &Path) -> Vec<Diagnostic> {
    Vec::new()
}

/// The root `.gitignore` that `--fix` may edit: a regular file, or none yet. A symlink is
/// refused rather than written through, because git (2.32 and later) does not read a
/// symlinked `.gitignore`: lines added to its target would cover nothing. A FIFO or device is
/// refused rather than read (reading a FIFO waits forever).
pub fn fixable_gitignore(root: &Path) -> std::io::Result<std::path::PathBuf> {
    let path = root.join(".gitignore");
    let refuse = |why: &str| Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, why));
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.file_type().is_symlink() => refuse(
            "it is a symlink, and git does not read a symlinked .gitignore; replace it with a regular file holding the same lines",
        ),
        Ok(meta) if !meta.is_file() => {
            refuse("it is not a regular file; make .gitignore a regular file")
        }
        Ok(_) => Ok(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(path),
        Err(e) => Err(e),
    }
}

/// Append `lines` to the root `.gitignore` in one marked block, keeping the file's content,
/// line endings and final newline; atomically, keeping the file's mode (`crate::atomic`).
/// Returns whether the file changed.
pub fn append_block(root: &Path, lines: &[String]) -> std::io::Result<bool> {
    if lines.is_empty() {
        return Ok(false);
    }
    let path = fixable_gitignore(root)?;
    let existing = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    let newline: &[u8] = if memchr::memmem::find(&existing, b"\r\n").is_some() {
        b"\r\n"
    } else {
        b"\n"
    };
    let mut content = existing.clone();
    if !content.is_empty() && !content.ends_with(b"\n") {
        content.extend_from_slice(newline);
    }
    if !content.is_empty() {
        content.extend_from_slice(newline);
    }
    content.extend_from_slice(FIX_MARKER.as_bytes());
    content.extend_from_slice(newline);
    for line in lines {
        content.extend_from_slice(line.as_bytes());
        content.extend_from_slice(newline);
    }
    crate::atomic::write(&path, &content, &crate::atomic::WriteOptions::default())?;
    Ok(true)
}

/// Words for a decision's source, for messages.
pub fn describe(source: &Source) -> String {
    match source {
        Source::Repo(file) => file.clone(),
        Source::InfoExclude => ".git/info/exclude (this clone only)".to_owned(),
        Source::Global(file) => format!(
            "{} (your global excludes file: not your teammates')",
            file.display()
        ),
    }
}
