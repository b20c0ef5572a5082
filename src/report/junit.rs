//! JUnit XML, for CI systems that show test reports: one failing test case per error-level
//! finding or diagnostic (a secret, a hygiene or integrity error), an `<error>` case per input
//! that could not be scanned, a skipped case per warning-level one and per note worth a look
//! (a finding an inline allow silenced, invalid JSON, the count of files not scanned), or one
//! passing case when there is nothing to say. A finding's message says its confidence; the
//! findings below `--min-confidence` are counted in one skipped case. Levels are `Finding::level`'s and
//! `Code::level`'s: a case fails exactly when what it reports fails the run.

use std::io::{self, Write};

use super::{Message, Reporter};
use crate::diagnostic::{Code, Diagnostic, Level};

pub struct JunitReporter {
    out: Box<dyn Write + Send>,
    /// (name, classname, failure message) per failing case.
    failures: Vec<(String, String, String)>,
    /// (name, classname, message) per skipped case: warnings and notes (nothing failed, but
    /// something was not checked, or is worth a look).
    skipped: Vec<(String, String, String)>,
    /// (name, message) per input that could not be scanned: an `<error>` case.
    errors: Vec<(String, String)>,
}

impl JunitReporter {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        JunitReporter {
            out,
            failures: Vec::new(),
            skipped: Vec::new(),
            errors: Vec::new(),
        }
    }
}

/// Untrusted text as an XML attribute value: control and invisible characters made visible
/// first (XML 1.0 cannot hold most of them at all, and a report viewer may print the rest to a
/// terminal), then the XML specials.
fn xml_escape(text: &str) -> String {
    crate::escape::escape(text)
        .chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&apos;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

impl JunitReporter {
    /// A case that fails at level error and is skipped otherwise.
    fn case(&mut self, level: Level, case: (String, String, String)) {
        match level {
            Level::Error => self.failures.push(case),
            Level::Warning | Level::Note => self.skipped.push(case),
        }
    }

    fn diagnostic(&mut self, d: &Diagnostic) {
        let path = d.path.as_deref().unwrap_or_default();
        let level = d.level();
        match d.code {
            Code::Hygiene(code) => self.case(
                level,
                (
                    format!("{path} {}", code.as_str()),
                    format!("leakgate.{}", code.as_str()),
                    format!("{} ({})", d.message, d.fix.as_deref().unwrap_or_default()),
                ),
            ),
            Code::Integrity(code) => self.case(
                level,
                (
                    format!("{} {}", d.full_path().unwrap_or_default(), code.as_str()),
                    format!("leakgate.{}", code.as_str()),
                    d.message.clone(),
                ),
            ),
            Code::Unreadable => self
                .errors
                .push((format!("{path} not scanned"), d.message.clone())),
            Code::NotScanned => self.case(
                level,
                (
                    format!("{path} warning"),
                    "leakgate.warning".to_owned(),
                    d.message.clone(),
                ),
            ),
            // What the command did is not a test case.
            Code::Notice => {}
            Code::Warning => self.case(
                level,
                (
                    "warning".to_owned(),
                    "leakgate.warning".to_owned(),
                    d.message.clone(),
                ),
            ),
            Code::InvalidJson => {
                let at = d.position.map(|p| (p.line, p.column)).unwrap_or_default();
                self.case(
                    level,
                    (
                        format!("{path}:{}:{} invalid JSON", at.0, at.1),
                        "leakgate.invalid-json".to_owned(),
                        format!("{} (scanned as plain text)", d.message),
                    ),
                );
            }
            // Counted in one case with the summary.
            Code::Skipped(_) => {}
        }
    }
}

impl Reporter for JunitReporter {
    fn report(&mut self, message: &Message<'_>) -> io::Result<()> {
        match message {
            Message::Finding(f) => self.case(
                f.level(),
                (
                    format!("{}:{}:{} {}", f.path, f.line, f.column, f.rule),
                    format!("leakgate.{}", f.rule),
                    format!(
                        "{}: {}{} (fingerprint {}, {})",
                        f.description,
                        f.preview,
                        f.decoded_suffix(),
                        f.fingerprint,
                        f.confidence_text()
                    ),
                ),
            ),
            Message::Suppressed(s) => self.skipped.push((
                format!("{}:{} {}", s.path, s.line, s.rule),
                format!("leakgate.{}", s.rule),
                s.message(),
            )),
            Message::Diagnostic(d) => self.diagnostic(d),
            // A rule list or a command's notice is no test outcome.
            Message::Rule(_) | Message::Notice(_) => {}
            Message::Summary(summary) => {
                if let Some(text) = summary.skipped_text() {
                    self.skipped.push((
                        "files not scanned".to_owned(),
                        "leakgate.skipped".to_owned(),
                        text,
                    ));
                }
                // Not failures (they do not fail the run), but never silently absent.
                if let Some(text) = summary.hidden_text() {
                    self.skipped.push((
                        "findings below --min-confidence".to_owned(),
                        "leakgate.min-confidence".to_owned(),
                        text,
                    ));
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        let tests = (self.failures.len() + self.skipped.len() + self.errors.len()).max(1);
        writeln!(self.out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        let mut skipped = match self.skipped.len() {
            0 => String::new(),
            n => format!(r#" skipped="{n}""#),
        };
        if !self.errors.is_empty() {
            skipped.push_str(&format!(r#" errors="{}""#, self.errors.len()));
        }
        writeln!(
            self.out,
            r#"<testsuites name="leakgate" tests="{tests}" failures="{}"{skipped}>"#,
            self.failures.len()
        )?;
        writeln!(
            self.out,
            r#"  <testsuite name="leakgate" tests="{tests}" failures="{}"{skipped}>"#,
            self.failures.len()
        )?;
        if self.failures.is_empty() && self.skipped.is_empty() && self.errors.is_empty() {
            writeln!(
                self.out,
                r#"    <testcase name="no secrets found" classname="leakgate"/>"#
            )?;
        }
        for (name, class, message) in &self.failures {
            write_case(&mut self.out, (name, class), ("failure", message))?;
        }
        for (name, message) in &self.errors {
            write_case(&mut self.out, (name, "leakgate.error"), ("error", message))?;
        }
        for (name, class, message) in &self.skipped {
            write_case(&mut self.out, (name, class), ("skipped", message))?;
        }
        writeln!(self.out, "  </testsuite>")?;
        writeln!(self.out, "</testsuites>")?;
        self.out.flush()
    }
}

/// One `<testcase>` holding one `<failure>`, `<error>` or `<skipped>` element: `(name, class)`
/// and `(element, message)`.
fn write_case(
    out: &mut dyn Write,
    (name, class): (&str, &str),
    (element, message): (&str, &str),
) -> io::Result<()> {
    writeln!(
        out,
        r#"    <testcase name="{}" classname="{}">"#,
        xml_escape(name),
        xml_escape(class)
    )?;
    writeln!(
        out,
        r#"      <{element} message="{}"/>"#,
        xml_escape(message)
    )?;
    writeln!(out, "    </testcase>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_hold_only_xml_characters() {
        assert_eq!(
            xml_escape("a\u{1b}[31m<b>\n\u{fffe}\"'&"),
            r"a\x1b[31m&lt;b&gt;\n\u{fffe}&quot;&apos;&amp;"
        );
    }
}
