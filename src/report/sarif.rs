//! SARIF 2.1.0 for GitHub code scanning: a `tool.driver` listing every rule that fired, and one
//! result per finding with a repo-relative location and leakgate's fingerprint in
//! `partialFingerprints`. No secret bytes go into the file: messages carry the redacted
//! preview, and no snippet is included (code scanning renders snippets in its UI). Texts that
//! come from a configuration or the scanned data are [escaped](crate::escape::escape) as for a
//! terminal: a SARIF viewer may print them to one. A finding an inline allow comment in the
//! scanned change silenced is a `note` result marked as suppressed in source, so the record
//! shows what the change silenced without opening an alert.
//!
//! Every level is the one `Finding::level` and `Code::level` decide. What fails a run is a
//! result, so a run that exits 1 never uploads a file without results: hygiene and integrity
//! problems are results of their own rules (`leakgate/hygiene/gitignore-gap`,
//! `leakgate/integrity/checksum-mismatch`), located at the file they are about. An input that
//! could not be scanned is a result of `leakgate/input/unreadable` at level `error` (GitHub code
//! scanning shows results as alerts, and shows a third-party tool's notifications nowhere), and
//! also an `error` tool execution notification with `executionSuccessful: false`, for SARIF
//! consumers that read those. Warnings (a file a change adds not scanned, a shallow history,
//! a baseline note), invalid JSON and the count of skipped files are tool execution
//! notifications: they inform, and would only be noise as alerts.
//!
//! Confidence is each result's `rank` (SARIF's 0–100 "priority or importance": high 90,
//! medium 60, low 30, see [`rank`]) and `properties.confidence` (with `properties.testFixture`
//! when a test fixture's path lowered it). Every result reported blocks, so its level stays
//! `error`: a finding below `--min-confidence` is not a result at all, and the run's
//! `properties` count those (`belowMinConfidence`) beside the threshold (`minConfidence`) and
//! the results by confidence (`findingsByConfidence`); a note notification says it in words.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Message, Reporter};
use crate::diagnostic::{Code, Diagnostic, Level};
use crate::escape::escape;
use crate::finding::Finding;
use crate::rules::{Confidence, RuleKind, Severity};
use crate::scan::Suppression;

pub struct SarifReporter {
    out: Box<dyn Write + Send>,
    findings: Vec<Finding>,
    suppressed: Vec<Suppression>,
    /// Diagnostics that are results: hygiene, integrity, inputs not scanned.
    diagnostics: Vec<Diagnostic>,
    /// Errors and warnings, as `toolExecutionNotifications` of the run's invocation.
    notifications: Vec<Value>,
    /// An input could not be scanned: the invocation did not succeed.
    failed: bool,
    /// `rules list`: rules for the driver, with no results.
    listed: Vec<(String, String, Severity, RuleKind, Option<String>)>,
    /// The run's confidence counts, from the summary: `properties` of the run.
    confidence: Option<Value>,
}

impl SarifReporter {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        SarifReporter {
            out,
            findings: Vec::new(),
            suppressed: Vec::new(),
            diagnostics: Vec::new(),
            notifications: Vec::new(),
            failed: false,
            listed: Vec::new(),
            confidence: None,
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

/// A result's `rank` (SARIF: 0.0 to 100.0, higher is more important) for a confidence:
/// high 90, medium 60, low 30, so a viewer sorting by rank lists the surest findings first.
pub fn rank(confidence: Confidence) -> f64 {
    match confidence {
        Confidence::High => 90.0,
        Confidence::Medium => 60.0,
        Confidence::Low => 30.0,
    }
}

/// SARIF's name for a level (decided by `Finding::level` and `Code::level`, never here).
fn level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
    }
}

/// The SARIF rule id of a diagnostic: `leakgate/<domain>/<code>`.
fn diagnostic_rule(code: Code) -> String {
    format!("leakgate/{}/{}", code.domain(), code.as_str())
}

/// What to do about a diagnostic's rule, for its `help`.
fn diagnostic_help(code: Code) -> &'static str {
    match code {
        Code::Hygiene(_) => {
            "A file that holds secrets must be ignored by git and must not be tracked. The \
             result's message says what to change; `leakgate gitignore --fix` adds missing \
             lines to .gitignore."
        }
        Code::Integrity(_) => {
            "The agent run's journal does not verify: it may have been edited, truncated or \
             corrupted after it was written. See `leakgate journal --verify` for what each \
             code means."
        }
        _ => {
            "leakgate could not scan this input, so the run did not check everything it was \
             asked to: make it readable, or exclude it (.leakgateignore)."
        }
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

fn help_text(rule: &str, revoke: Option<&str>) -> String {
    let rotate = match revoke {
        Some(url) => format!("rotate it (the provider revokes it at {}): ", escape(url)),
        None => "rotate it: ".to_owned(),
    };
    format!(
        "Remove the secret from the file and {rotate}anyone who saw the code has it. \
         If it is not a secret, add `leakgate:allow` to the line, list the path in .leakgateignore, \
         or add its fingerprint to the baseline. Rule: {}.",
        escape(rule)
    )
}

impl SarifReporter {
    fn document(&self) -> Value {
        // Every rule a result names: (description, severity, kind).
        let mut rules: BTreeMap<String, RuleEntry<'_>> = BTreeMap::new();
        for f in &self.findings {
            rules.entry(f.rule.clone()).or_insert(RuleEntry::Scan(
                &f.description,
                f.severity,
                f.kind,
                f.revoke.as_deref(),
            ));
        }
        for s in &self.suppressed {
            rules.entry(s.rule.clone()).or_insert(RuleEntry::Scan(
                &s.description,
                s.severity,
                s.kind,
                None,
            ));
        }
        for (id, description, severity, kind, revoke) in &self.listed {
            rules.entry(id.clone()).or_insert(RuleEntry::Scan(
                description,
                *severity,
                *kind,
                revoke.as_deref(),
            ));
        }
        for d in &self.diagnostics {
            rules
                .entry(diagnostic_rule(d.code))
                .or_insert(RuleEntry::Diagnostic(d.code));
        }
        let index: BTreeMap<&str, usize> = rules
            .keys()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let driver_rules: Vec<Value> = rules
            .iter()
            .map(|(id, entry)| match entry {
                RuleEntry::Scan(description, severity, kind, revoke) => {
                    let mut rule = json!({
                        "id": id,
                        "name": id,
                        "shortDescription": {"text": escape(description)},
                        "fullDescription": {"text": escape(&format!("{description} (leakgate rule {id})"))},
                        "help": {"text": help_text(id, *revoke), "markdown": help_text(id, *revoke)},
                        "defaultConfiguration": {"level": level(crate::finding::level(*kind, *severity))},
                        "properties": {
                            "security-severity": security_severity(*severity),
                            "tags": ["security", "secret", format!("{kind:?}").to_lowercase()],
                        },
                    });
                    if let Some(url) = revoke {
                        rule["helpUri"] = json!(url);
                    }
                    rule
                }
                RuleEntry::Diagnostic(code) => json!({
                    "id": id,
                    "name": id,
                    "shortDescription": {"text": code.title()},
                    "fullDescription": {"text": format!("{} (leakgate {id})", code.title())},
                    "help": {"text": diagnostic_help(*code), "markdown": diagnostic_help(*code)},
                    "defaultConfiguration": {"level": level(code.level())},
                    "properties": {"tags": ["security", code.domain()]},
                }),
            })
            .collect();
        let diagnostics = self.diagnostics.iter().map(|d| {
            let rule = diagnostic_rule(d.code);
            let text = match (&d.code, &d.fix, &d.run) {
                (_, Some(fix), _) => format!("{} (fix: {fix})", d.message),
                (_, None, Some(run)) => format!(
                    "run {}: {}: {}",
                    run.id,
                    d.path.as_deref().unwrap_or_default(),
                    d.message
                ),
                (Code::Unreadable, None, None) => format!(
                    "cannot scan {}: {}",
                    d.path.as_deref().unwrap_or_default(),
                    d.message
                ),
                _ => d.message.clone(),
            };
            let mut result = json!({
                "ruleId": rule,
                "ruleIndex": index[rule.as_str()],
                "level": level(d.level()),
                "message": {"text": escape(&text)},
            });
            if let Some(path) = d.full_path().filter(|p| !p.is_empty()) {
                result["locations"] = json!([{
                    "physicalLocation": {"artifactLocation": {"uri": artifact_uri(&path)}},
                }]);
            }
            result
        });
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
                let mut result = json!({
                    "ruleId": f.rule,
                    "ruleIndex": index[f.rule.as_str()],
                    "level": level(f.level()),
                    "message": {"text": escape(&format!("{}: {}{}", f.description, f.preview, f.decoded_suffix()))},
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
                    "rank": rank(f.confidence),
                    "properties": {"confidence": f.confidence.as_str()},
                });
                if f.test_fixture {
                    result["properties"]["testFixture"] = json!(true);
                }
                // An agent transcript: which agent, session and message held it.
                if let crate::input::Provenance::Agent {
                    agent,
                    session,
                    message,
                    ..
                } = &f.provenance
                {
                    result["properties"]["agent"] = json!(agent);
                    if let Some(session) = session {
                        result["properties"]["session"] = json!(escape(session));
                    }
                    if let Some(message) = message {
                        result["properties"]["message"] = json!(escape(message));
                    }
                }
                // A paired credential: where its other half is.
                if !f.related.is_empty() {
                    result["relatedLocations"] = f
                        .related
                        .iter()
                        .enumerate()
                        .map(|(id, r)| {
                            json!({
                                "id": id + 1,
                                "message": {"text": "the other half of this credential"},
                                "physicalLocation": {
                                    "artifactLocation": {"uri": artifact_uri(&f.path)},
                                    "region": {"startLine": r.line, "startColumn": r.column},
                                },
                            })
                        })
                        .collect();
                }
                result
            })
            .chain(suppressed)
            .chain(diagnostics)
            .collect();
        let mut document = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "leakgate",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": driver_rules,
                }},
                "invocations": [{
                    "executionSuccessful": !self.failed,
                    "toolExecutionNotifications": self.notifications,
                }],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        });
        if let Some(properties) = &self.confidence {
            document["runs"][0]["properties"] = properties.clone();
        }
        document
    }
}

/// A driver rule: one of the scan's rules, or a diagnostic code's.
enum RuleEntry<'a> {
    /// Description, severity, kind, where to revoke a leaked secret.
    Scan(&'a str, Severity, RuleKind, Option<&'a str>),
    Diagnostic(Code),
}

impl SarifReporter {
    fn diagnostic(&mut self, d: &Diagnostic) {
        let path = d.path.as_deref();
        match d.code {
            Code::Hygiene(_) | Code::Integrity(_) => self.diagnostics.push(d.clone()),
            Code::Unreadable => {
                self.failed = true;
                self.diagnostics.push(d.clone());
                self.notify(
                    level(d.level()),
                    path,
                    format!("cannot scan {}: {}", path.unwrap_or_default(), d.message),
                );
            }
            Code::NotScanned => self.notify(
                level(d.level()),
                path,
                format!("{}: {}", path.unwrap_or_default(), d.message),
            ),
            Code::Warning => self.notify(level(d.level()), None, d.message.clone()),
            Code::Notice => self.notify("note", None, d.message.clone()),
            Code::InvalidJson => {
                let at = d.position.map(|p| (p.line, p.column)).unwrap_or_default();
                self.notify(
                    level(d.level()),
                    path,
                    format!(
                        "{}:{}:{}: {} (scanned as plain text)",
                        path.unwrap_or_default(),
                        at.0,
                        at.1,
                        d.message
                    ),
                );
            }
            // Counted in one notification with the summary.
            Code::Skipped(_) => {}
        }
    }
}

impl Reporter for SarifReporter {
    fn report(&mut self, message: &Message<'_>) -> io::Result<()> {
        match message {
            Message::Finding(finding) => self.findings.push((*finding).clone()),
            Message::Suppressed(s) => self.suppressed.push((*s).clone()),
            Message::Diagnostic(d) => self.diagnostic(d),
            Message::Summary(summary) => {
                if let Some(text) = summary.skipped_text() {
                    self.notify("note", None, text);
                }
                if let Some(text) = summary.hidden_text() {
                    self.notify("note", None, text);
                }
                let below = &summary.below_min_confidence;
                let below: serde_json::Map<String, Value> = [Confidence::Medium, Confidence::Low]
                    .into_iter()
                    .filter(|c| *c < below.min())
                    .map(|c| (c.as_str().to_owned(), json!(below.below.get(c))))
                    .collect();
                self.confidence = Some(json!({
                    "minConfidence": summary.below_min_confidence.min().as_str(),
                    "findingsByConfidence": summary.by_confidence,
                    "belowMinConfidence": below,
                }));
            }
            Message::Rule(rule) => self.listed.push((
                rule.id.to_owned(),
                rule.description.to_owned(),
                rule.severity,
                rule.kind,
                rule.revoke.map(str::to_owned),
            )),
            Message::Notice(notice) => self.notify("note", None, notice.message.clone()),
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
