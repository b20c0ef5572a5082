//! JUnit XML, for CI systems that show test reports: one failing test case per finding (and per
//! hygiene or integrity problem), or one passing case when nothing was found.

use std::io::{self, Write};

use super::{Message, Reporter};

pub struct JunitReporter {
    out: Box<dyn Write + Send>,
    /// (name, classname, failure message) per failing case.
    failures: Vec<(String, String, String)>,
    /// (name, classname, message) per skipped case: findings inline allow comments silenced,
    /// and warnings (nothing failed, but something was not checked).
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

impl Reporter for JunitReporter {
    fn report(&mut self, message: &Message<'_>) -> io::Result<()> {
        match message {
            Message::Finding(f) => self.failures.push((
                format!("{}:{}:{} {}", f.path, f.line, f.column, f.rule),
                format!("leakgate.{}", f.rule),
                format!(
                    "{}: {} (fingerprint {})",
                    f.description, f.preview, f.fingerprint
                ),
            )),
            Message::Suppressed(s) => self.skipped.push((
                format!("{}:{} {}", s.path, s.line, s.rule),
                format!("leakgate.{}", s.rule),
                s.message(),
            )),
            Message::Hygiene(p) => self.failures.push((
                format!("{} {}", p.path, p.code),
                format!("leakgate.{}", p.code),
                format!("{} ({})", p.message, p.fix),
            )),
            Message::Integrity(p) => self.failures.push((
                format!("{}/{} {}", p.run, p.path, p.code),
                format!("leakgate.{}", p.code),
                p.message.clone(),
            )),
            Message::Error(p) => self
                .errors
                .push((format!("{} not scanned", p.path), p.message.clone())),
            Message::FileWarning(w) => self.skipped.push((
                format!("{} warning", w.path),
                "leakgate.warning".to_owned(),
                w.message.clone(),
            )),
            Message::Warning { message } => self.skipped.push((
                "warning".to_owned(),
                "leakgate.warning".to_owned(),
                (*message).to_owned(),
            )),
            Message::Summary(summary) => {
                if let Some(text) = summary.skipped_text() {
                    self.skipped.push((
                        "files not scanned".to_owned(),
                        "leakgate.skipped".to_owned(),
                        text,
                    ));
                }
            }
            _ => {}
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
