//! The one `Finding` type that every source produces and every reporter consumes, and the
//! redaction that keeps secret bytes out of it.
//!
//! A finding never holds the secret itself unless the user asked for it with `--show-secrets`:
//! the preview shows at most the provider's known prefix and the snippet is the line with every
//! secret on it masked.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::rules::Severity;

/// Where scanned bytes came from. Every input source yields one of these with its bytes, so the
/// scanner and the reporters never need to know which mode produced a finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Provenance {
    /// A file in the working tree.
    File { path: String },
    /// A file's staged content (the git index), with its blob id.
    Staged { path: String, blob: String },
    /// A file in a commit: for range scans, the commit that added the finding's line.
    Commit {
        path: String,
        blob: String,
        commit: CommitInfo,
    },
    /// A file of an agent run (`.a5c/runs/<run_id>/…`); for a journal event, its seq and type.
    Journal {
        path: String,
        run_id: String,
        seq: Option<u64>,
        event_type: Option<String>,
    },
}

/// A commit as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CommitInfo {
    pub id: String,
    /// `Name <email>`.
    pub author: String,
    /// RFC 3339, UTC.
    pub date: String,
}

impl Provenance {
    pub fn file(path: &std::path::Path) -> Self {
        Provenance::File {
            path: display_path(path),
        }
    }

    /// The path shown to the user.
    pub fn path(&self) -> &str {
        match self {
            Provenance::File { path }
            | Provenance::Staged { path, .. }
            | Provenance::Commit { path, .. }
            | Provenance::Journal { path, .. } => path,
        }
    }

    pub fn commit(&self) -> Option<&CommitInfo> {
        match self {
            Provenance::Commit { commit, .. } => Some(commit),
            _ => None,
        }
    }
}

/// A path as shown in reports: lossy UTF-8, without a leading `./`.
pub fn display_path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy();
    let mut text: &str = &text;
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    text.to_owned()
}

/// Secret bytes, held only when `--show-secrets` is given. Its `Debug` never prints them, so a
/// stray `{:?}` in a log or a panic message cannot leak one.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(bytes: &[u8]) -> Self {
        Secret(String::from_utf8_lossy(bytes).into_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

/// The line a finding is on, ready to print: secrets masked (unless shown), control characters
/// replaced, long lines cut to a window around the finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    /// Where the finding's own (masked) secret starts in `text`, in characters.
    #[serde(skip)]
    pub highlight_start: usize,
    /// How many characters of `text` the finding covers.
    #[serde(skip)]
    pub highlight_len: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: String,
    /// `token`, `assignment`, or `policy` (a risky setting rather than a secret).
    pub kind: crate::rules::RuleKind,
    pub description: String,
    pub severity: Severity,
    pub path: String,
    /// 1-based line of the secret's first byte.
    pub line: usize,
    /// 1-based column (in characters) of the secret's first character.
    pub column: usize,
    pub end_line: usize,
    /// Column just past the secret's last character (exclusive).
    pub end_column: usize,
    /// Stable across moves and edits: a hash of the rule id and the secret, no position.
    pub fingerprint: String,
    /// The secret as it may be shown: the provider prefix at most, then `[REDACTED]`.
    pub preview: String,
    pub snippet: Snippet,
    pub provenance: Provenance,
    /// For a JSON, JSON Lines or notebook file: the pointer (RFC 6901) of the string holding the
    /// secret, e.g. `/data/error/message`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_pointer: Option<String>,
    /// Byte range of the secret in the scanned blob (for redacted copies); not reported.
    #[serde(skip)]
    pub span: (usize, usize),
    /// Only with `--show-secrets`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_secret"
    )]
    pub secret: Option<Secret>,
}

fn serialize_secret<S: serde::Serializer>(
    secret: &Option<Secret>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_str(secret.expose()),
        None => s.serialize_none(),
    }
}

impl Finding {
    /// The order reports use: path, line, column, rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str) {
        (&self.path, self.line, self.column, &self.rule)
    }
}

pub const REDACTED: &str = "[REDACTED]";

/// The fingerprint of a secret found by a rule: 16 hex digits of SHA-256(rule id, NUL, secret).
pub fn fingerprint(rule_id: &str, secret: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(rule_id.as_bytes());
    hasher.update([0]);
    hasher.update(secret);
    let digest = hasher.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The preview of a secret: the longest of the rule's keywords that starts it (its known,
/// non-random prefix), as written in the secret, then `[REDACTED]`. A prefix that would leave
/// fewer than eight characters hidden is not shown.
pub fn preview(secret: &[u8], keywords: &[String]) -> String {
    let prefix_len = keywords
        .iter()
        .filter(|k| {
            secret.len() >= k.len() + 8 && secret[..k.len()].eq_ignore_ascii_case(k.as_bytes())
        })
        .map(String::len)
        .max()
        .unwrap_or(0);
    let prefix = String::from_utf8_lossy(&secret[..prefix_len]);
    format!("{}{REDACTED}", sanitize(&prefix))
}

/// Replace characters that could mangle a terminal (control codes, bidi controls, invisible
/// formatting: the set [`crate::escape`] escapes) one for one, so snippet columns stay right.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' => ' ',
            c if crate::escape::acts_on_terminal(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// How many characters of context a snippet keeps on each side of a finding on a long line.
const SNIPPET_CONTEXT: usize = 60;
/// Lines longer than this (in characters) are cut to a window.
const SNIPPET_MAX: usize = 200;

/// Build the snippet for a finding at `own` (a byte range in `line`), masking every range in
/// `masks` (byte ranges in `line`, sorted, including `own`) with its preview.
pub fn snippet(line: &[u8], own: (usize, usize), masks: &[(usize, usize, &str)]) -> Snippet {
    let mut text = String::new();
    let mut chars = 0usize;
    let mut highlight = (0usize, 0usize);
    let mut cursor = 0usize;
    let push = |bytes: &[u8], text: &mut String, chars: &mut usize| {
        let piece = sanitize(&String::from_utf8_lossy(bytes));
        *chars += piece.chars().count();
        text.push_str(&piece);
    };
    for &(start, end, shown) in masks {
        if start < cursor {
            continue;
        }
        push(&line[cursor..start], &mut text, &mut chars);
        let begin = chars;
        let shown = sanitize(shown);
        chars += shown.chars().count();
        text.push_str(&shown);
        if (start, end) == own {
            highlight = (begin, chars - begin);
        }
        cursor = end.min(line.len());
    }
    push(&line[cursor..], &mut text, &mut chars);

    if chars <= SNIPPET_MAX {
        return Snippet {
            text,
            highlight_start: highlight.0,
            highlight_len: highlight.1,
        };
    }
    let from = highlight.0.saturating_sub(SNIPPET_CONTEXT);
    let to = (highlight.0 + highlight.1 + SNIPPET_CONTEXT).min(chars);
    let mut cut: String = text.chars().skip(from).take(to - from).collect();
    let mut start = highlight.0 - from;
    if from > 0 {
        cut.insert(0, '…');
        start += 1;
    }
    if to < chars {
        cut.push('…');
    }
    Snippet {
        text: cut,
        highlight_start: start,
        highlight_len: highlight.1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_shows_only_the_known_prefix() {
        let keywords = vec!["sk-ant-api03-".to_owned(), "sk-ant-".to_owned()];
        assert_eq!(
            preview(b"sk-ant-api03-abcdefghijklmnop", &keywords),
            "sk-ant-api03-[REDACTED]"
        );
        assert_eq!(
            preview(b"password123", &["password".to_owned()]),
            "[REDACTED]"
        );
    }

    #[test]
    fn fingerprint_is_stable_and_rule_scoped() {
        assert_eq!(fingerprint("a", b"s"), fingerprint("a", b"s"));
        assert_ne!(fingerprint("a", b"s"), fingerprint("b", b"s"));
        assert_eq!(fingerprint("a", b"s").len(), 16);
    }

    #[test]
    fn snippet_masks_and_windows() {
        let line = b"token = \"abcdef123456\"";
        let s = snippet(line, (9, 21), &[(9, 21, "[REDACTED]")]);
        assert_eq!(s.text, "token = \"[REDACTED]\"");
        assert_eq!((s.highlight_start, s.highlight_len), (9, 10));

        let long = [b"x".repeat(300), b"SECRET".to_vec(), b"y".repeat(300)].concat();
        let s = snippet(&long, (300, 306), &[(300, 306, "[REDACTED]")]);
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        assert!(!s.text.contains("SECRET"));
        assert_eq!(
            s.text
                .chars()
                .skip(s.highlight_start)
                .take(s.highlight_len)
                .collect::<String>(),
            "[REDACTED]"
        );
    }

    #[test]
    fn secret_debug_is_redacted() {
        assert_eq!(
            format!("{:?}", Secret::new(b"hunter2")),
            "Secret([REDACTED])"
        );
    }
}
