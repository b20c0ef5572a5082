//! GitHub Actions workflow commands: one `::error file=…,line=…::…` annotation per finding (on
//! the pull request's lines), per journal integrity problem and per hygiene problem, with the
//! message redacted, followed by the human summary on stderr so the job log still reads well.
//!
//! The runner executes any line of the job log that starts with `::` and any `##[…]` in a line,
//! and the text here comes from what was scanned (a file may be named
//! `x\n::stop-commands::token`, which would silence every annotation after it). So every
//! untrusted string is [escaped](crate::escape::escape) before it is placed in a command, then
//! encoded by GitHub's rules for command data and properties; and every line written to stderr
//! passes through [`CommandSafe`], which keeps it from being a command whatever produced it.

use std::io::{self, Write};

use super::human::HumanReporter;
use super::{Message, ReportOptions, Reporter};
use crate::escape::{escape, guard_log_line};
use crate::rules::{RuleKind, Severity};

pub struct GithubReporter {
    out: Box<dyn Write + Send>,
    /// Prints everything but annotations (errors, warnings, the summary) the human way.
    summary: HumanReporter,
}

impl GithubReporter {
    pub fn new(
        out: Box<dyn Write + Send>,
        summary_out: Box<dyn Write + Send>,
        options: ReportOptions,
    ) -> Self {
        GithubReporter {
            out,
            summary: HumanReporter::new(
                Box::new(CommandSafe::new(summary_out)),
                ReportOptions {
                    color: false,
                    ..options
                },
            ),
        }
    }

    /// Write `::command prop=value,…::message`, escaping every part.
    fn annotation(
        &mut self,
        command: &str,
        properties: &[(&str, &str)],
        message: &str,
    ) -> io::Result<()> {
        let properties: Vec<String> = properties
            .iter()
            .map(|(key, value)| format!("{key}={}", escape_property(&escape(value))))
            .collect();
        let separator = if properties.is_empty() { "" } else { " " };
        writeln!(
            self.out,
            "::{command}{separator}{}::{}",
            properties.join(","),
            escape_data(&escape(message))
        )
    }
}

/// Escape a workflow command's message (`%`, CR, LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow command's property value (also `:` and `,`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A writer for the human summary on stderr in a job log: each complete line is escaped (the
/// summary is written without colors, so no control character in it is wanted) and guarded so
/// that it cannot start a workflow command, whichever message it came from.
struct CommandSafe {
    inner: Box<dyn Write + Send>,
    /// Bytes of the line not yet ended.
    pending: Vec<u8>,
}

impl CommandSafe {
    fn new(inner: Box<dyn Write + Send>) -> Self {
        CommandSafe {
            inner,
            pending: Vec::new(),
        }
    }

    fn emit(&mut self, line: &[u8], end: &[u8]) -> io::Result<()> {
        let text = String::from_utf8_lossy(line);
        let escaped = escape(&text);
        self.inner.write_all(guard_log_line(&escaped).as_bytes())?;
        self.inner.write_all(end)
    }
}

impl Write for CommandSafe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            self.emit(&line[..end], b"\n")?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            self.emit(&rest, b"")?;
        }
        self.inner.flush()
    }
}

impl Reporter for GithubReporter {
    fn report(&mut self, message: &Message<'_>) -> io::Result<()> {
        match message {
            Message::Finding(f) => {
                let command = if f.kind == RuleKind::Policy && f.severity != Severity::High {
                    "warning"
                } else {
                    "error"
                };
                let (line, col) = (f.line.to_string(), f.column.to_string());
                let (end_line, end_col) = (f.end_line.to_string(), f.end_column.to_string());
                let title = format!("leakgate: {}", f.rule);
                self.annotation(
                    command,
                    &[
                        ("file", &f.path),
                        ("line", &line),
                        ("col", &col),
                        ("endLine", &end_line),
                        ("endColumn", &end_col),
                        ("title", &title),
                    ],
                    &format!(
                        "{}: {} (fingerprint {})",
                        f.description, f.preview, f.fingerprint
                    ),
                )
            }
            Message::Integrity(p) => {
                let command = match p.severity {
                    crate::journal::ProblemSeverity::Error => "error",
                    crate::journal::ProblemSeverity::Warning => "warning",
                    crate::journal::ProblemSeverity::Info => "notice",
                };
                let file = if p.path.is_empty() {
                    p.run.clone()
                } else {
                    format!("{}/{}", p.run.trim_end_matches('/'), p.path)
                };
                let title = format!("leakgate: {}", p.code);
                self.annotation(
                    command,
                    &[("file", &file), ("title", &title)],
                    &format!("run {}: {}: {}", p.run_id, p.path, p.message),
                )
            }
            Message::Hygiene(p) => {
                let command = match p.severity {
                    crate::hygiene::HygieneSeverity::Error => "error",
                    crate::hygiene::HygieneSeverity::Warning => "warning",
                };
                let title = format!("leakgate: {}", p.code);
                let mut properties = vec![("title", title.as_str())];
                if !p.path.is_empty() {
                    properties.insert(0, ("file", p.path.as_str()));
                }
                self.annotation(
                    command,
                    &properties,
                    &format!("{} (fix: {})", p.message, p.fix),
                )
            }
            // A notice on the line, so the pull request shows what it silenced.
            Message::Suppressed(s) => {
                let line = s.line.to_string();
                let title = format!("leakgate: inline allow {}", s.rule);
                self.annotation(
                    "notice",
                    &[("file", &s.path), ("line", &line), ("title", &title)],
                    &s.message(),
                )
            }
            // Errors and warnings are annotations too (a reviewer sees them on the pull request),
            // and are also printed in the readable summary.
            Message::Error(problem) => {
                self.annotation(
                    "error",
                    &[("file", &problem.path), ("title", "leakgate: not scanned")],
                    &format!("cannot scan {}: {}", problem.path, problem.message),
                )?;
                self.summary.report(message)
            }
            Message::FileWarning(warning) => {
                self.annotation(
                    "warning",
                    &[("file", &warning.path), ("title", "leakgate")],
                    &format!("{}: {}", warning.path, warning.message),
                )?;
                self.summary.report(message)
            }
            Message::Warning { message: text } => {
                self.annotation("warning", &[("title", "leakgate")], text)?;
                self.summary.report(message)
            }
            other => self.summary.report(other),
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()?;
        self.summary.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_escaped() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_data("50% done\r\n"), "50%25 done%0D%0A");
    }

    #[test]
    fn stderr_lines_cannot_be_commands() {
        let shared = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl Write for Sink {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0
                    .lock()
                    .map_err(|_| io::Error::other("poisoned"))?
                    .extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut safe = CommandSafe::new(Box::new(Sink(shared.clone())));
        write!(safe, "ok\n  ::add-mask::x\nhalf ##[error]").expect("write");
        write!(safe, "y\r::stop-commands::t").expect("write");
        safe.flush().expect("flush");
        let text = String::from_utf8(shared.lock().expect("lock").clone()).expect("utf8");
        assert_eq!(
            text,
            "ok\n\\  ::add-mask::x\nhalf ##\\[error]y\\r::stop-commands::t"
        );
    }
}
