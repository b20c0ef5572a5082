//! Readable diagnostics, one block per finding, in the style of compiler errors:
//!
//! ```text
//! error[openai-project-key]: OpenAI project API key
//!   --> src/settings.py:12:19
//!    |
//! 12 | OPENAI_API_KEY = "sk-proj-[REDACTED]"
//!    |                   ^^^^^^^^^^^^^^^^^^
//!    = help: not a secret? add `leakgate:allow` to the line, or the path to .leakgateignore
//! ```
//!
//! Only this module knows about colors; they are off unless the caller decided otherwise. Every
//! string that came from the scanned data or a configuration (paths, pointers, run ids, rule ids,
//! author names, messages quoting them) goes through [`escape`](crate::escape::escape) first, so
//! none can move the cursor, forge a line or reorder text on the terminal.

use std::io::{self, Write};

use owo_colors::{OwoColorize, Style};

use super::{Message, ReportOptions, Reporter, Summary};
use crate::diagnostic::{Code, Diagnostic, Level};
use crate::escape::{Escaped, escape};
use crate::finding::Finding;
use crate::input::SkipReason;
use crate::pipeline::Scanned;

/// How a level is painted. The level itself is decided by `Finding::level` and `Code::level`,
/// never here: `error` fails the run, `warning` only with `--strict`, `note` informs.
fn style(level: Level) -> Style {
    match level {
        Level::Error => Style::new().red().bold(),
        Level::Warning => Style::new().yellow().bold(),
        Level::Note => Style::new().cyan().bold(),
    }
}

pub struct HumanReporter {
    out: Box<dyn Write + Send>,
    options: ReportOptions,
    /// Skipped files, listed after the findings when `--verbose`, or always for unreadable ones.
    notes: Vec<String>,
    /// The run of the last journal finding printed: findings are grouped by run.
    current_run: Option<String>,
}

impl HumanReporter {
    pub fn new(out: Box<dyn Write + Send>, options: ReportOptions) -> Self {
        HumanReporter {
            out,
            options,
            notes: Vec::new(),
            current_run: None,
        }
    }

    /// `error`, or `error[code]`, painted for its level.
    fn head(&self, level: Level, code: Option<&str>) -> String {
        match code {
            Some(code) => self.paint(
                &format!("{}[{}]", level.as_str(), Escaped(code)),
                style(level),
            ),
            None => self.paint(level.as_str(), style(level)),
        }
    }

    fn paint(&self, text: &str, style: Style) -> String {
        if self.options.color {
            text.style(style).to_string()
        } else {
            text.to_owned()
        }
    }

    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        if let crate::input::Provenance::Journal { run_id, .. } = &f.provenance
            && self.current_run.as_ref() != Some(run_id)
        {
            let header = self.paint(
                &format!("run {}", Escaped(run_id)),
                Style::new().bold().underline(),
            );
            writeln!(self.out, "{header}\n")?;
            self.current_run = Some(run_id.clone());
        }
        let level = f.level();
        let style = style(level);
        let blue = Style::new().blue().bold();
        let head = self.head(level, Some(&f.rule));
        let description = self.paint(&escape(&f.description), Style::new().bold());
        let confidence = self.paint(&format!("[{}]", f.confidence_text()), Style::new().dimmed());
        let gutter = f.line.to_string().len();
        let pad = " ".repeat(gutter);
        let bar = self.paint("|", blue);
        writeln!(self.out, "{head}: {description} {confidence}")?;
        let pointer = f
            .json_pointer
            .as_deref()
            .map(|p| format!(" at {}", Escaped(p)))
            .unwrap_or_default();
        writeln!(
            self.out,
            "{pad}{} {}:{}:{}{pointer}",
            self.paint("-->", blue),
            Escaped(&f.path),
            f.line,
            f.column
        )?;
        writeln!(self.out, "{pad} {bar}")?;
        writeln!(
            self.out,
            "{} {bar} {}",
            self.paint(&f.line.to_string(), blue),
            f.snippet.text
        )?;
        let marker = format!(
            "{}{}",
            " ".repeat(f.snippet.highlight_start),
            "^".repeat(f.snippet.highlight_len.max(1))
        );
        writeln!(self.out, "{pad} {bar} {}", self.paint(&marker, style))?;
        for related in &f.related {
            writeln!(
                self.out,
                "{pad} {} paired with the credential's other half at {}:{}:{}",
                self.paint("= note:", Style::new().bold()),
                Escaped(&f.path),
                related.line,
                related.column
            )?;
        }
        if let crate::input::Provenance::Journal {
            seq: Some(seq),
            event_type,
            ..
        } = &f.provenance
        {
            let event = Escaped(event_type.as_deref().unwrap_or("event"));
            writeln!(
                self.out,
                "{pad} {} journal event {seq} ({event})",
                self.paint("= note:", Style::new().bold())
            )?;
        }
        if let crate::input::Provenance::Agent {
            agent,
            session,
            message,
            ..
        } = &f.provenance
        {
            let session = session
                .as_deref()
                .map(|s| format!(", session {}", Escaped(s)))
                .unwrap_or_default();
            let message = message
                .as_deref()
                .map(|m| format!(", message {}", Escaped(m)))
                .unwrap_or_default();
            writeln!(
                self.out,
                "{pad} {} {} transcript{session}{message}",
                self.paint("= note:", Style::new().bold()),
                Escaped(agent)
            )?;
        }
        if let Some(decoded) = &f.decoded {
            writeln!(
                self.out,
                "{pad} {} {}",
                self.paint("= note:", Style::new().bold()),
                decoded.note()
            )?;
        }
        if let Some(commit) = f.provenance.commit() {
            writeln!(
                self.out,
                "{pad} {} added in commit {} by {} on {}",
                self.paint("= note:", Style::new().bold()),
                Escaped(commit.id.get(..12).unwrap_or(&commit.id)),
                Escaped(&commit.author),
                Escaped(&commit.date)
            )?;
        }
        if let Some(url) = &f.revoke {
            writeln!(
                self.out,
                "{pad} {} revoke or rotate it: {}",
                self.paint("= help:", Style::new().bold()),
                Escaped(url)
            )?;
        }
        writeln!(
            self.out,
            "{pad} {} not a secret? add `leakgate:allow` to the line, or the path to .leakgateignore (fingerprint {})",
            self.paint("= help:", Style::new().bold()),
            f.fingerprint
        )?;
        writeln!(self.out)
    }

    /// A skipped file is listed after the findings when `--verbose`, or always when it
    /// vanished during the scan; the summary counts every one.
    fn skipped(&mut self, d: &Diagnostic, reason: SkipReason) {
        if self.options.verbose || reason == SkipReason::Unreadable {
            let detail = d
                .detail
                .as_deref()
                .map(|d| format!(" ({})", Escaped(d)))
                .unwrap_or_default();
            self.notes.push(format!(
                "skipped {}: {}{detail}",
                Escaped(d.path.as_deref().unwrap_or_default()),
                reason.as_str()
            ));
        }
    }

    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        let level = d.level();
        let path = d.path.as_deref().unwrap_or_default();
        match d.code {
            Code::Skipped(reason) => {
                self.skipped(d, reason);
                Ok(())
            }
            Code::Unreadable => {
                let head = self.head(level, None);
                writeln!(
                    self.out,
                    "{head}: cannot scan {}: {}",
                    Escaped(path),
                    Escaped(&d.message)
                )
            }
            Code::InvalidJson => {
                let head = self.head(level, None);
                let at = d
                    .position
                    .unwrap_or(crate::diagnostic::Position { line: 0, column: 0 });
                writeln!(
                    self.out,
                    "{head}: {}:{}:{}: {} (scanned as plain text)",
                    Escaped(path),
                    at.line,
                    at.column,
                    Escaped(&d.message)
                )
            }
            Code::NotScanned | Code::Warning => {
                let head = self.head(level, None);
                match &d.path {
                    Some(path) => writeln!(
                        self.out,
                        "{head}: {}: {}",
                        Escaped(path),
                        Escaped(&d.message)
                    ),
                    None => writeln!(self.out, "{head}: {}", Escaped(&d.message)),
                }
            }
            // What the command did: a plain sentence, as its other notices are, never a
            // `warning:`.
            Code::Notice => writeln!(self.out, "{}", Escaped(&d.message)),
            Code::Hygiene(code) => {
                let head = self.head(level, Some(code.as_str()));
                let help = self.paint("= help:", Style::new().bold());
                writeln!(
                    self.out,
                    "{head}: {}\n  {help} {}\n",
                    Escaped(&d.message),
                    Escaped(d.fix.as_deref().unwrap_or_default())
                )
            }
            Code::Integrity(code) => {
                let head = self.head(level, Some(code.as_str()));
                let run_id = d.run.as_ref().map_or("", |run| run.id.as_str());
                writeln!(
                    self.out,
                    "{head}: run {}: {}: {}",
                    Escaped(run_id),
                    Escaped(path),
                    Escaped(&d.message)
                )
            }
        }
    }

    fn summary(&mut self, s: &Summary) -> io::Result<()> {
        for note in std::mem::take(&mut self.notes) {
            writeln!(self.out, "{}", self.paint(&note, Style::new().dimmed()))?;
        }
        if s.scope.scanned() == Scanned::Nothing {
            let line = match s.hygiene_problems {
                0 => self.paint(
                    "no hygiene problems: every secret file pattern is ignored and none is tracked",
                    Style::new().green().bold(),
                ),
                1 => self.paint("1 hygiene problem", style(Level::Error)),
                n => self.paint(&format!("{n} hygiene problems"), style(Level::Error)),
            };
            return writeln!(self.out, "{line}");
        }
        // By confidence, highest first: `12 findings (3 high, 7 medium, 2 low)`.
        let levels: Vec<String> = (s.by_confidence.nonzero().iter())
            .map(|(level, n)| format!("{n} {}", level.as_str()))
            .collect();
        let findings = match s.findings {
            0 if s.below_min_confidence.below.total() > 0 => self.paint(
                &format!(
                    "no findings of {} confidence or higher",
                    s.below_min_confidence.min().as_str()
                ),
                Style::new().green().bold(),
            ),
            0 => self.paint("no secrets found", Style::new().green().bold()),
            1 => self.paint(
                &format!("1 finding ({})", levels.join(", ")),
                style(Level::Error),
            ),
            n => self.paint(
                &format!("{n} findings ({})", levels.join(", ")),
                style(Level::Error),
            ),
        };
        let size = bytesize::ByteSize(s.bytes_scanned).display().si();
        let files = plural(s.files_scanned, "file", "files");
        let (lines, commits) = (s.lines_added.unwrap_or(0), s.commits.unwrap_or(0));
        let scanned = match s.scope.scanned() {
            Scanned::Range => format!(
                "{} {files} in {commits} {} ({lines} added {}, {size})",
                s.files_scanned,
                plural(commits, "commit", "commits"),
                plural(lines, "line", "lines")
            ),
            Scanned::Staged => format!(
                "{} staged {files} ({lines} added {}, {size})",
                s.files_scanned,
                plural(lines, "line", "lines")
            ),
            Scanned::History => format!(
                "{} {} in {commits} {} ({size})",
                s.files_scanned,
                plural(s.files_scanned, "blob", "blobs"),
                plural(commits, "commit", "commits")
            ),
            Scanned::Files | Scanned::Nothing => format!("{} {files} ({size})", s.files_scanned),
        };
        let mut line = format!(
            "{findings}: scanned {scanned} in {:.2}s",
            s.elapsed_ms as f64 / 1000.0
        );
        if s.binary_scanned > 0 {
            line.push_str(&format!(
                "; {} binary {} scanned as raw bytes",
                s.binary_scanned,
                plural(s.binary_scanned as u64, "blob", "blobs")
            ));
        }
        if s.files_skipped > 0 {
            let reasons: Vec<String> = SkipReason::ALL
                .iter()
                .filter_map(|r| s.skipped.get(r).map(|n| format!("{n} {}", r.as_str())))
                .collect();
            line.push_str(&format!(
                "; skipped {} ({})",
                s.files_skipped,
                reasons.join(", ")
            ));
        }
        if s.hygiene_problems > 0 {
            line.push_str(&format!(
                "; {} hygiene {}",
                s.hygiene_problems,
                plural(s.hygiene_problems as u64, "problem", "problems")
            ));
        }
        if s.integrity_errors > 0 {
            line.push_str(&format!(
                "; {} integrity {}",
                s.integrity_errors,
                plural(s.integrity_errors as u64, "error", "errors")
            ));
        }
        if s.suppressed > 0 {
            line.push_str(&format!("; {} silenced inline", s.suppressed));
        }
        if s.errors > 0 {
            line.push_str(&format!(
                "; {} {}",
                s.errors,
                plural(s.errors as u64, "error", "errors")
            ));
        }
        writeln!(self.out, "{line}")?;
        if let Some(hidden) = s.hidden_text() {
            writeln!(self.out, "{}", self.paint(&hidden, Style::new().dimmed()))?;
        }
        if let Some(scope) = s.scope.description() {
            writeln!(
                self.out,
                "{}",
                self.paint(
                    &format!("checked {}", Escaped(&scope)),
                    Style::new().dimmed()
                )
            )?;
        }
        Ok(())
    }
}

fn plural<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

impl Reporter for HumanReporter {
    fn report(&mut self, message: &Message<'_>) -> io::Result<()> {
        match message {
            Message::Finding(f) => self.finding(f),
            Message::Diagnostic(d) => self.diagnostic(d),
            Message::Suppressed(s) => {
                let head = self.head(Level::Note, Some("inline-allow"));
                writeln!(
                    self.out,
                    "{head}: {}:{}: {}",
                    Escaped(&s.path),
                    s.line,
                    Escaped(&s.message())
                )
            }
            Message::Summary(s) => self.summary(s),
            Message::Rule(rule) => writeln!(
                self.out,
                "{:<34} {:<7} {:<11} {:<6} {}  [{}]",
                escape(rule.id),
                rule.severity.as_str(),
                format!("{:?}", rule.kind).to_lowercase(),
                rule.confidence.as_str(),
                Escaped(rule.description),
                Escaped(&rule.keywords.join(", "))
            ),
            Message::Notice(notice) => writeln!(self.out, "{}", Escaped(&notice.message)),
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
