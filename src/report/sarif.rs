//! SARIF 2.1.0 for GitHub code scanning: a `tool.driver` listing every rule that fired, and one
//! result per finding with a repo-relative location and leakgate's fingerprint in
//! `partialFingerprints`. No secret bytes go into the file: messages carry the redacted
//! preview, and no snippet is included (code scanning renders snippets in its UI). Texts that
//! come from a configuration or the scanned data are [escaped](crate::escape::escape) as for a
//! terminal: a SARIF viewer may print them to one. A finding an inline allow comment in the
//! scanned change silenced is a `note` result marked as suppressed in source, so the record
//! shows what the change silenced without opening an alert.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Message, Reporter};
use crate::escape::escape;
use crate::finding::Finding;
use crate::rules::{RuleKind, Severity};
use crate::scan::Suppression;

pub struct SarifReporter {
    out: Box<dyn Write + Send>,
    findings: Vec<Finding>,
    suppressed: Vec<Suppression>,
    /// Errors and warnings, as `toolExecutionNotifications` of the run's invocation.
    notifications: Vec<Value>,
    /// An input could not be scanned: the invocation did not succeed.
    failed: bool,
}

impl SarifReporter {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        SarifReporter {
            out,
            findings: Vec::new(),
            suppressed: Vec::new(),
            notifications: Vec::new(),
            failed: false,
        }
    }

    fn notify(&mut self, level: &str, path: Option<&str>, text: String) {
        let mut notification = json!({"level": level, "message": {"text": escape(&text)}});
        if let Some(path) = path {
            notification["locations"] = json!([{
                "physicalLocation": {"artifactLocation": {"uri": artifact_uri(path)}},
            }]);
        }
        self.notifications.push(notification);
    }
}

/// GitHub's `security-severity` scale (0–10): high ≥ 7, medium 4–6.9, low < 4.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "8.5",
        Severity::Medium => "6.0",
        Severity::Low => "3.0",
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::High | Severity::Medium => "error",
        Severity::Low => "warning",
    }
}

/// A repo-relative URI for a path (percent-encoding what URIs cannot hold); absolute paths
/// become `file://` URIs.
pub fn artifact_uri(path: &str) -> String {
    let encoded: String = path
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

fn help_text(rule: &str) -> String {
    format!(
        "Remove the secret from the file and rotate it: anyone who saw the code has it. \
         If it is not a secret, add `leakgate:allow` to the line, list the path in .leakgateignore, \
         or add its fingerprint to the baseline. Rule: {}.",
        escape(rule)
    )
}

impl SarifReporter {
    fn document(&self) -> Value {
        // Every rule a result names: (description, severity, kind).
        let mut rules: BTreeMap<&str, (&str, Severity, RuleKind)> = BTreeMap::new();
        for f in &self.findings {
            rules
                .entry(f.rule.as_str())
                .or_insert((&f.description, f.severity, f.kind));
        }
        for s in &self.suppressed {
            rules
                .entry(s.rule.as_str())
                .or_insert((&s.description, s.severity, s.kind));
        }
        let index: BTreeMap<&str, usize> =
            rules.keys().enumerate().map(|(i, id)| (*id, i)).collect();
        let driver_rules: Vec<Value> = rules
            .iter()
            .map(|(id, (description, severity, kind))| {
                json!({
                    "id": id,
                    "name": id,
                    "shortDescription": {"text": escape(description)},
                    "fullDescription": {"text": escape(&format!("{description} (leakgate rule {id})"))},
                    "help": {"text": help_text(id), "markdown": help_text(id)},
                    "defaultConfiguration": {"level": level(*severity)},
                    "properties": {
                        "security-severity": security_severity(*severity),
                        "tags": ["security", "secret", format!("{kind:?}").to_lowercase()],
                    },
                })
            })
            .collect();
        let suppressed = self.suppressed.iter().map(|s| {
            json!({
                "ruleId": s.rule,
                "ruleIndex": index[s.rule.as_str()],
                "level": "note",
                "message": {"text": escape(&s.message())},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(&s.path)},
                        "region": {"startLine": s.line, "endLine": s.end_line.max(s.line)},
                    },
                }],
                "suppressions": [{
                    "kind": "inSource",
                    "justification": format!("`{}` comment added by the scanned change", s.marker),
                }],
            })
        });
        let results: Vec<Value> = self
            .findings
            .iter()
            .map(|f| {
                json!({
                    "ruleId": f.rule,
                    "ruleIndex": index[f.rule.as_str()],
                    "level": level(f.severity),
                    "message": {"text": escape(&format!("{}: {}", f.description, f.preview))},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": {"uri": artifact_uri(&f.path)},
                            "region": {
                                "startLine": f.line,
                                "startColumn": f.column,
                                "endLine": f.end_line,
                                "endColumn": f.end_column,
                            },
                        },
                    }],
                    "partialFingerprints": {"leakgate/v2": f.fingerprint},
                })
            })
            .chain(suppressed)
            .collect();
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "leakgate",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/leakgate/leakgate",
                    "rules": driver_rules,
                }},
                "invocations": [{
                    "executionSuccessful": !self.failed,
                    "toolExecutionNotifications": self.notifications,
                }],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        })
    }
}

impl Reporter for SarifReporter {
    fn report(&mut self, message: &Message<'_>) -> io::Result<()> {
        match message {
            Message::Finding(finding) => self.findings.push((*finding).clone()),
            Message::Suppressed(s) => self.suppressed.push((*s).clone()),
            Message::Error(problem) => {
                self.failed = true;
                self.notify(
                    "error",
                    Some(&problem.path),
                    format!("cannot scan {}: {}", problem.path, problem.message),
                );
            }
            Message::FileWarning(warning) => self.notify(
                "warning",
                Some(&warning.path),
                format!("{}: {}", warning.path, warning.message),
            ),
            Message::Warning { message } => self.notify("warning", None, (*message).to_owned()),
            Message::Summary(summary) => {
                if let Some(text) = summary.skipped_text() {
                    self.notify("note", None, text);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        let document = self.document();
        serde_json::to_writer_pretty(&mut self.out, &document)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}
