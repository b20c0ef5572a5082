//! Redacted copies of run data (`leakgate journal --redact-to DIR`): the same files, with every
//! finding's secret replaced by `[REDACTED:<rule>:<fingerprint>]`.
//!
//! The replacement is plain ASCII with no quote or backslash, and it replaces the secret's whole
//! raw span (escape sequences included), so a JSON string stays a valid JSON string. Journal
//! events whose SDK checksum verified are given a fresh checksum, so the copy verifies too.
//! Originals are only read. Files that were not scanned (binary, too large) are not copied: a
//! copy meant for sharing must not carry what nobody looked at. Each file is written atomically
//! (a temp file renamed into place), and `leakgate-redactions.json` lists what was replaced.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::checksum::{self, ChecksumVerdict};
use crate::finding::{Finding, display_path};

/// The manifest written beside the copy. It names rules and fingerprints, never secrets.
pub const MANIFEST: &str = "leakgate-redactions.json";

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RedactError {
    #[error("{} is not empty", dir.display())]
    #[diagnostic(
        code(leakgate::journal::redact_target),
        help("give a directory that does not exist yet, or an empty one")
    )]
    NotEmpty { dir: PathBuf },

    #[error("cannot write the redacted copy at {}", path.display())]
    #[diagnostic(code(leakgate::journal::redact_write))]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

#[derive(Debug, Default, Serialize)]
pub struct RedactionManifest {
    pub replaced: Vec<Replacement>,
    /// Files left out of the copy, and why.
    pub not_copied: Vec<NotCopied>,
    /// Events whose checksum was recomputed after redaction.
    pub checksums_recomputed: Vec<String>,
    pub files_copied: usize,
}

#[derive(Debug, Serialize)]
pub struct Replacement {
    pub path: String,
    pub line: usize,
    pub rule: String,
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_pointer: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct NotCopied {
    pub path: String,
    pub reason: String,
}

/// Refuse a target that has content: a redacted copy never mixes with anything.
pub fn check_target(dir: &Path) -> Result<(), RedactError> {
    let has_content = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if has_content {
        Err(RedactError::NotEmpty {
            dir: dir.to_owned(),
        })
    } else {
        Ok(())
    }
}

/// Copy every regular file under `roots` into `target` (at its shown path, absolute paths
/// re-rooted), redacting `findings`. `scanned` says which files were scanned.
pub fn write_copy(
    roots: &[PathBuf],
    target: &Path,
    findings: &[Finding],
    unscanned: &HashMap<String, String>,
) -> Result<RedactionManifest, RedactError> {
    let mut by_path: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for finding in findings {
        by_path
            .entry(finding.path.as_str())
            .or_default()
            .push(finding);
    }
    let mut manifest = RedactionManifest::default();
    for root in roots {
        let walker = ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .follow_links(false)
            .build();
        for entry in walker.flatten() {
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let shown = display_path(entry.path());
            if let Some(reason) = unscanned.get(&shown) {
                manifest.not_copied.push(NotCopied {
                    path: shown,
                    reason: reason.clone(),
                });
                continue;
            }
            let Ok(original) = std::fs::read(entry.path()) else {
                manifest.not_copied.push(NotCopied {
                    path: shown,
                    reason: "unreadable".into(),
                });
                continue;
            };
            let mut content = original.clone();
            let mut in_file = by_path.get(shown.as_str()).cloned().unwrap_or_default();
            // Replace from the end so earlier spans keep their offsets.
            in_file.sort_by_key(|f| std::cmp::Reverse(f.span.0));
            for finding in &in_file {
                let (start, end) = finding.span;
                if end > content.len() || start >= end {
                    continue;
                }
                let marker = format!("[REDACTED:{}:{}]", finding.rule, finding.fingerprint);
                content.splice(start..end, marker.into_bytes());
                manifest.replaced.push(Replacement {
                    path: shown.clone(),
                    line: finding.line,
                    rule: finding.rule.clone(),
                    fingerprint: finding.fingerprint.clone(),
                    json_pointer: finding.json_pointer.clone(),
                });
            }
            if !in_file.is_empty()
                && let ChecksumVerdict::Valid { .. } = checksum::verify_event(&original)
                && let Some(body) = strip_checksum(&content)
            {
                content = checksum::append_checksum(&body);
                manifest.checksums_recomputed.push(shown.clone());
            }
            write_atomically(&target.join(shown.trim_start_matches('/')), &content)?;
            manifest.files_copied += 1;
        }
    }
    manifest
        .replaced
        .sort_by(|a, b| (&a.path, a.line, &a.rule).cmp(&(&b.path, b.line, &b.rule)));
    let text = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    write_atomically(&target.join(MANIFEST), &text)?;
    Ok(manifest)
}

/// The event text without its trailing `,\n  "checksum": "<hex>"\n}\n`, as `…\n}\n`. A copy
/// with CRLF endings (a git autocrlf checkout) or no final newline is normalised to the SDK's
/// layout first, so the recomputed checksum verifies.
fn strip_checksum(content: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8(content.to_vec())
        .ok()?
        .replace("\r\n", "\n");
    let at = text.rfind(",\n  \"checksum\": \"")?;
    let tail = &text[at..];
    let hex = tail.strip_prefix(",\n  \"checksum\": \"")?;
    let hex = hex
        .strip_suffix("\"\n}\n")
        .or_else(|| hex.strip_suffix("\"\n}"))?;
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| format!("{}\n}}\n", &text[..at]).into_bytes())
}

fn write_atomically(path: &Path, content: &[u8]) -> Result<(), RedactError> {
    crate::atomic::write(
        path,
        content,
        &crate::atomic::WriteOptions {
            create_parents: true,
            ..Default::default()
        },
    )
    .map_err(|source| RedactError::Write {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_checksum_leaves_the_sdk_body() {
        let body = "{\n  \"type\": \"X\"\n}\n";
        let full = checksum::append_checksum(body.as_bytes());
        assert_eq!(strip_checksum(&full).as_deref(), Some(body.as_bytes()));
        assert_eq!(strip_checksum(b"{}\n"), None);
        let crlf = String::from_utf8(full.clone())
            .expect("utf-8")
            .replace('\n', "\r\n");
        assert_eq!(
            strip_checksum(crlf.as_bytes()).as_deref(),
            Some(body.as_bytes()),
            "CRLF copies are normalised"
        );
    }
}
