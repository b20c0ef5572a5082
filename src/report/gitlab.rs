//! GitLab's secret-detection report (`--format gitlab`): the JSON a GitLab CI job publishes as
//! `artifacts: reports: secret_detection`, so findings appear in the merge request widget, the
//! pipeline's security tab and the vulnerability report. It follows the published schema
//! `secret-detection-report-format.json`, version [`SCHEMA_VERSION`] (tests/formats_cli.rs
//! validates against it).
//!
//! No secret bytes go into the file: each vulnerability names the rule, the file, the lines
//! and leakgate's salted fingerprint (its `id` is derived from those); it carries no
//! `raw_source_code_extract` (the schema's "unsanitized excerpt"). What the schema has no
//! place for as a vulnerability (inputs not scanned, warnings, hygiene and integrity problems,
//! silenced findings, the skipped files and the findings below --min-confidence) goes into
//! `scan.messages`, at the level each one has; an input that could not be scanned makes the
//! scan's `status` `failure`.

use std::io::{self, Write};
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Message, Reporter};
use crate::diagnostic::{Code, Diagnostic, Level};
use crate::finding::Finding;
use crate::rules::Severity;

/// The version of GitLab's security report schema this report follows.
pub const SCHEMA_VERSION: &str = "15.0.7";

/// Where that schema is published.
pub const SCHEMA_URL: &str = "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v15.0.7/dist/secret-detection-report-format.json";

pub struct GitlabReporter {
    out: Box<dyn Write + Send>,
    vulnerabilities: Vec<Value>,
    messages: Vec<Value>,
    failed: bool,
    elapsed: Duration,
}

impl GitlabReporter {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        GitlabReporter {
            out,
            vulnerabilities: Vec::new(),
            messages: Vec::new(),
            failed: false,
            elapsed: Duration::ZERO,
        }
    }

    fn message(&mut self, level: Level, text: String) {
        let level = match level {
            Level::Error | Level::Warning => "warn",
            Level::Note => "info",
        };
        if !text.is_empty() {
            self.messages.push(json!({"level": level, "value": text}));
        }
    }

    fn diagnostic(&mut self, d: &Diagnostic) {
        let path = d.full_path().unwrap_or_default();
        let text = match d.code {
            Code::Unreadable => {
                self.failed = true;
                format!("not scanned: {path}: {}", d.message)
            }
            // Counted in one message with the summary.
            Code::Skipped(_) => return,
            Code::Hygiene(code) => format!(
                "{} {path}: {} (fix: {})",
                code.as_str(),
                d.message,
                d.fix.as_deref().unwrap_or_default()
            ),
            Code::Integrity(code) => format!("{} {path}: {}", code.as_str(), d.message),
            Code::InvalidJson => format!("{path}: {} (scanned as plain text)", d.message),
            Code::NotScanned => format!("{path}: {}", d.message),
            Code::Warning | Code::Notice => d.message.clone(),
        };
        self.message(d.level(), text);
    }
}

/// GitLab's severities are capitalised, and it has no separate confidence for secrets: a
/// reported finding is at least as sure as --min-confidence asked.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
    }
}

/// A vulnerability id that is the same for the same finding in every run (GitLab tracks
/// vulnerabilities across pipelines by it), and says nothing about the secret: a hash of the
/// rule, the salted fingerprint and the place.
fn vulnerability_id(f: &Finding) -> String {
    let mut hash = Sha256::new();
    for part in [f.rule.as_str(), f.fingerprint.as_str(), f.path.as_str()] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.update(f.line.to_string().as_bytes());
    hash.update([0]);
    hash.update(f.column.to_string().as_bytes());
    let hex: String = hash.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // UUID-shaped, as the schema recommends.
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

fn vulnerability(f: &Finding) -> Value {
    // The commit that added the line, for a range; GitLab's own analyzers write zeros when a
    // finding is not tied to one.
    let sha = f.provenance.commit().map_or("0000000", |c| c.id.as_str());
    let mut commit = json!({"sha": sha});
    if let Some(c) = f.provenance.commit() {
        commit["author"] = json!(c.author);
        commit["date"] = json!(c.date);
    }
    let mut description = format!(
        "{} ({} confidence{}; fingerprint {}). Preview: {}",
        f.description,
        f.confidence.as_str(),
        if f.test_fixture {
            ", a test fixture"
        } else {
            ""
        },
        f.fingerprint,
        f.preview
    );
    if let Some(pointer) = &f.json_pointer {
        description.push_str(&format!(" at JSON pointer {pointer}"));
    }
    let solution = match &f.revoke {
        Some(url) => format!(
            "Revoke or rotate the secret ({url}), then remove it from the code; not a secret? \
             add `leakgate:allow` to the line or the path to .leakgateignore"
        ),
        None => "Revoke or rotate the secret, then remove it from the code; not a secret? add \
                 `leakgate:allow` to the line or the path to .leakgateignore"
            .to_owned(),
    };
    let name: String = f.description.chars().take(255).collect();
    json!({
        "id": vulnerability_id(f),
        "name": name,
        "description": description,
        "severity": severity(f.severity),
        "solution": solution,
        "identifiers": [{
            "type": "leakgate_rule_id",
            "name": format!("leakgate rule {}", f.rule),
            "value": f.rule,
        }],
        "location": {
            "file": f.path,
            "start_line": f.line,
            "end_line": f.end_line,
            "commit": commit,
        },
    })
}

/// `yyyy-mm-ddThh:mm:ss` in UTC, the schema's time format.
fn timestamp(at: SystemTime) -> String {
    humantime::format_rfc3339_seconds(at)
        .to_string()
        .trim_end_matches('Z')
        .to_owned()
}

impl Reporter for GitlabReporter {
    fn report(&mut self, message: &Message<'_>) -> io::Result<()> {
        match message {
            Message::Finding(f) => self.vulnerabilities.push(vulnerability(f)),
            Message::Suppressed(s) => {
                let text = format!(
                    "{}:{} {}: silenced by `{}` on a line this change adds",
                    s.path, s.line, s.rule, s.marker
                );
                self.message(Level::Note, text);
            }
            Message::Diagnostic(d) => self.diagnostic(d),
            Message::Notice(notice) => self.message(Level::Note, notice.message.clone()),
            Message::Rule(_) => {}
            Message::Summary(summary) => {
                if let Some(text) = summary.skipped_text() {
                    self.message(Level::Note, text);
                }
                if let Some(text) = summary.hidden_text() {
                    self.message(Level::Note, text);
                }
                self.elapsed =
                    Duration::from_millis(u64::try_from(summary.elapsed_ms).unwrap_or(u64::MAX));
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        let end = SystemTime::now();
        let start = end.checked_sub(self.elapsed).unwrap_or(end);
        let tool = json!({
            "id": "leakgate",
            "name": "leakgate",
            "url": env!("CARGO_PKG_REPOSITORY"),
            "version": env!("CARGO_PKG_VERSION"),
            "vendor": {"name": "leakgate"},
        });
        let document = json!({
            "version": SCHEMA_VERSION,
            "schema": SCHEMA_URL,
            "scan": {
                "analyzer": tool,
                "scanner": tool,
                "type": "secret_detection",
                "start_time": timestamp(start),
                "end_time": timestamp(end),
                "status": if self.failed { "failure" } else { "success" },
                "messages": std::mem::take(&mut self.messages),
            },
            "vulnerabilities": std::mem::take(&mut self.vulnerabilities),
        });
        serde_json::to_writer_pretty(&mut self.out, &document)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_the_schemas_shape() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(timestamp(at), "2023-11-14T22:13:20");
    }
}
