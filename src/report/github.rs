//! GitHub Actions workflow commands: one annotation per finding (on the pull request's lines)
//! and per diagnostic (hygiene, integrity, an input not scanned, a warning, invalid JSON), as
//! `::error`, `::warning` or `::notice` by its level (`Finding::level`, `Code::level`), with
//! the message redacted, followed by the human summary on stderr so the job log still reads
//! well. Each finding's message says its confidence (`high confidence`); findings below
//! `--min-confidence` are counted in one notice. Skipped files are counted in one notice (each file has its own with `--verbose`, or
//! when it vanished during the scan), as the summary lists them: a tree of images does not
//! bury the annotations that matter.
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
use crate::diagnostic::{Code, Diagnostic, Level};
use crate::escape::{escape, guard_log_line};
use crate::input::SkipReason;

pub struct GithubReporter {
    out: Box<dyn Write + Send>,
    /// `--verbose`: every skipped file is a notice, not only the count.
    verbose: bool,
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
            verbose: options.verbose,
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

/// The workflow command for a level: the level is decided by `Finding::level` and
/// `Code::level`; this only names it the way GitHub does.
fn command(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "notice",
    }
}

impl GithubReporter {
    /// One annotation per diagnostic, at its level. What the readable summary on stderr also
    /// shows (errors, warnings, invalid JSON, skipped files) goes there too.
    fn diagnostic(&mut self, message: &Message<'_>, d: &Diagnostic) -> io::Result<()> {
        let command = command(d.level());
        let path = d.path.as_deref().unwrap_or_default();
        let title = format!("leakgate: {}", d.code.as_str());
        match d.code {
            Code::Integrity(_) => {
                let run_id = d.run.as_ref().map_or("", |run| run.id.as_str());
                let file = d.full_path().unwrap_or_default();
                return self.annotation(
                    command,
                    &[("file", &file), ("title", &title)],
                    &format!("run {run_id}: {path}: {}", d.message),
                );
            }
            Code::Hygiene(_) => {
                let mut properties = vec![("title", title.as_str())];
                if !path.is_empty() {
                    properties.insert(0, ("file", path));
                }
                return self.annotation(
                    command,
                    &properties,
                    &format!(
                        "{} (fix: {})",
                        d.message,
                        d.fix.as_deref().unwrap_or_default()
                    ),
                );
            }
            Code::Unreadable => self.annotation(
                command,
                &[("file", path), ("title", "leakgate: not scanned")],
                &format!("cannot scan {path}: {}", d.message),
            )?,
            Code::NotScanned => self.annotation(
                command,
                &[("file", path), ("title", "leakgate")],
                &format!("{path}: {}", d.message),
            )?,
            Code::Warning => self.annotation(command, &[("title", "leakgate")], &d.message)?,
            // A success: a notice, as the command's other notices are.
            Code::Notice => self.annotation("notice", &[("title", "leakgate")], &d.message)?,
            Code::InvalidJson => {
                let at = d
                    .position
                    .unwrap_or(crate::diagnostic::Position { line: 0, column: 0 });
                let (line, col) = (at.line.to_string(), at.column.to_string());
                self.annotation(
                    command,
                    &[
                        ("file", path),
                        ("line", &line),
                        ("col", &col),
                        ("title", &title),
                    ],
                    &format!("{} (scanned as plain text)", d.message),
                )?
            }
            // As the readable summary lists them: each one with --verbose, or when it vanished
            // during the scan; the rest are counted in one notice with the summary.
            Code::Skipped(reason) => {
                if self.verbose || reason == SkipReason::Unreadable {
                    let detail = d
                        .detail
                        .as_deref()
                        .map(|detail| format!(" ({detail})"))
                        .unwrap_or_default();
                    self.annotation(
                        command,
                        &[("file", path), ("title", "leakgate: skipped")],
                        &format!("not scanned: {}{detail}", reason.as_str()),
                    )?;
                }
            }
        }
        self.summary.report(message)
    }
}

impl Reporter for GithubReporter {
    fn report(&mut self, message: &Message<'_>) -> io::Result<()> {
        match message {
            Message::Finding(f) => {
                let (line, col) = (f.line.to_string(), f.column.to_string());
                let (end_line, end_col) = (f.end_line.to_string(), f.end_column.to_string());
                let title = format!("leakgate: {}", f.rule);
                self.annotation(
                    command(f.level()),
                    &[
                        ("file", &f.path),
                        ("line", &line),
                        ("col", &col),
                        ("endLine", &end_line),
                        ("endColumn", &end_col),
                        ("title", &title),
                    ],
                    &format!(
                        "{}: {}{} (fingerprint {}, {}){}{}",
                        f.description,
                        f.preview,
                        f.decoded_suffix(),
                        f.fingerprint,
                        f.confidence_text(),
                        f.related
                            .iter()
                            .map(|r| format!("; paired with line {}, column {}", r.line, r.column))
                            .collect::<String>(),
                        f.revoke
                            .as_ref()
                            .map(|url| format!("; revoke or rotate it: {url}"))
                            .unwrap_or_default()
                    ),
                )
            }
            Message::Diagnostic(d) => self.diagnostic(message, d),
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
            // A rule list is for reading: the readable form, on the summary's stream.
            Message::Rule(_) => self.summary.report(message),
            Message::Notice(notice) => {
                self.annotation("notice", &[("title", "leakgate")], &notice.message)
            }
            Message::Summary(summary) => {
                if !self.verbose
                    && let Some(text) = summary.skipped_text()
                {
                    self.annotation("notice", &[("title", "leakgate: skipped")], &text)?;
                }
                if let Some(text) = summary.hidden_text() {
                    self.annotation("notice", &[("title", "leakgate: min-confidence")], &text)?;
                }
                self.summary.report(message)
            }
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
