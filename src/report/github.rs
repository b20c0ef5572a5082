//! GitHub Actions workflow commands: one `::error file=…,line=…::…` annotation per finding (on
//! the pull request's lines), with the message redacted, followed by the human summary so the
//! job log still reads well.

use std::io::{self, Write};

use super::human::HumanReporter;
use super::{Message, ReportOptions, Reporter};
use crate::rules::{RuleKind, Severity};

pub struct GithubReporter {
    out: Box<dyn Write + Send>,
    /// Prints everything but findings (errors, warnings, the summary) the human way.
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
                summary_out,
                ReportOptions {
                    color: false,
                    ..options
                },
            ),
        }
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

impl Reporter for GithubReporter {
    fn report(&mut self, message: &Message<'_>) -> io::Result<()> {
        match message {
            Message::Finding(f) => {
                let command = if f.kind == RuleKind::Policy && f.severity != Severity::High {
                    "warning"
                } else {
                    "error"
                };
                writeln!(
                    self.out,
                    "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                    escape_property(&f.path),
                    f.line,
                    f.column,
                    f.end_line,
                    f.end_column,
                    escape_property(&format!("leakgate: {}", f.rule)),
                    escape_data(&format!(
                        "{}: {} (fingerprint {})",
                        f.description, f.preview, f.fingerprint
                    ))
                )
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
}
