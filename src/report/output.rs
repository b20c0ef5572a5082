//! Where reports go. One run may write several ([`OutputSpec`]): the `--format` report to
//! standard output or `--output FILE`, plus one file per `--output FORMAT=FILE` (and
//! `--sarif FILE`). A [`Tee`] sends every message to each of them.
//!
//! Every file is written through [`crate::atomic::AtomicFile`] (a regular file appears
//! atomically when complete; a symlink is written through; a FIFO or terminal is written
//! into), and every one is guarded: never over a file the command reads, never over a file
//! holding a secret the run found, never two reports into one file.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::{Format, Message, ReportOptions, Reporter};
use crate::atomic::{AtomicFile, WriteError, WriteOptions};
use crate::finding::Finding;
use crate::input::Provenance;

/// When to use colors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Color {
    /// When writing to a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    Always,
    Never,
}

/// One report: its format, and its file (`None`: standard output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub format: Format,
    pub path: Option<PathBuf>,
}

/// Every report one run writes, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    /// The main report first (`--format`, to standard output or `--output FILE`), then the
    /// extra files.
    pub reports: Vec<Destination>,
    pub color: Color,
    /// List every skipped file, not just the counts.
    pub verbose: bool,
    /// `--show-secrets`.
    pub show_secrets: bool,
}

impl Default for OutputSpec {
    /// A human report on standard output.
    fn default() -> Self {
        OutputSpec {
            reports: vec![Destination {
                format: Format::Human,
                path: None,
            }],
            color: Color::Auto,
            verbose: false,
            show_secrets: false,
        }
    }
}

impl OutputSpec {
    /// The files reports go to.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.reports.iter().filter_map(|d| d.path.as_deref())
    }

    /// Refuse a report file that is one of the files the command reads (`inputs`: each with
    /// what it is, "a file this command scans"), or that another report also names: the
    /// report would replace it, destroying the original (the `.env` being scanned, the team's
    /// baseline). Checked before anything is scanned or written.
    pub fn refuse_over_inputs(&self, inputs: &[(&Path, &str)]) -> Result<(), WriteError> {
        let files: Vec<&Path> = self.files().collect();
        for (i, file) in files.iter().enumerate() {
            let spelled = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
            let twice = files[..i].iter().any(|earlier| {
                spelled(earlier) == spelled(file)
                    || replaceable(earlier)
                        .is_some_and(|a| replaceable(file).is_some_and(|b| same_file(&a, &b)))
            });
            if twice {
                return Err(refused(
                    file,
                    "another report is written there too: one would replace the other".to_owned(),
                    "nothing was scanned or changed",
                ));
            }
            let Some(target) = replaceable(file) else {
                continue;
            };
            for (input, what) in inputs {
                if std::fs::metadata(input).is_ok_and(|meta| same_file(&target, &meta)) {
                    return Err(refused(
                        file,
                        format!("it is {what}: the report would replace it"),
                        "nothing was scanned or changed",
                    ));
                }
            }
        }
        Ok(())
    }

    /// Refuse a report file over a working-tree file this run found a secret in (`scan . -o
    /// .env`, or a symlink to it): the report would replace the file, and the credential with
    /// it. Checked once the findings are known (all of them, those a baseline accepts too),
    /// before any report is opened.
    pub fn refuse_over_findings(&self, findings: &[Finding]) -> Result<(), WriteError> {
        let targets: Vec<(&Path, std::fs::Metadata)> = (self.files())
            .filter_map(|file| replaceable(file).map(|meta| (file, meta)))
            .collect();
        if targets.is_empty() {
            return Ok(());
        }
        let mut paths: Vec<&str> = findings
            .iter()
            .filter_map(|f| match &f.provenance {
                Provenance::File { path }
                | Provenance::Journal { path, .. }
                | Provenance::Agent { path, .. } => Some(path.as_str()),
                _ => None,
            })
            .collect();
        paths.sort_unstable();
        paths.dedup();
        for (file, target) in targets {
            if paths
                .iter()
                .any(|p| std::fs::metadata(p).is_ok_and(|meta| same_file(&target, &meta)))
            {
                return Err(refused(
                    file,
                    "it holds a secret this scan found: the report would replace it".to_owned(),
                    "nothing was changed there",
                ));
            }
        }
        Ok(())
    }

    /// Open every destination and the reporter that writes to all of them.
    pub fn open(&self) -> Result<Opened, WriteError> {
        let mut outputs = Vec::new();
        let mut reporters = Vec::new();
        for destination in &self.reports {
            let (output, writer) = Output::open(destination.path.as_deref(), self.color)?;
            let options = ReportOptions {
                color: output.color,
                verbose: self.verbose,
                show_secrets: self.show_secrets,
            };
            reporters.push(super::reporter(destination.format, writer, options));
            outputs.push(output);
        }
        Ok(Opened {
            reporter: Tee { reporters },
            outputs,
        })
    }
}

/// The open reports of one run.
pub struct Opened {
    reporter: Tee,
    outputs: Vec<Output>,
}

impl Opened {
    pub fn reporter(&mut self) -> &mut dyn Reporter {
        &mut self.reporter
    }

    /// Put every finished report in place. The reporters must have been finished (flushed)
    /// first: an unflushed tail would be lost, not reported.
    pub fn commit(self) -> Result<(), WriteError> {
        drop(self.reporter);
        for output in self.outputs {
            output.commit()?;
        }
        Ok(())
    }
}

/// Sends every message to each of several reporters, in order.
pub struct Tee {
    reporters: Vec<Box<dyn Reporter>>,
}

impl Reporter for Tee {
    fn report(&mut self, message: &Message<'_>) -> io::Result<()> {
        for reporter in &mut self.reporters {
            reporter.report(message)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        for reporter in &mut self.reporters {
            reporter.finish()?;
        }
        Ok(())
    }
}

/// Where one report goes: standard output, or a file written through [`AtomicFile`].
pub struct Output {
    target: Option<(AtomicFile, PathBuf)>,
    pub color: bool,
}

impl Output {
    /// Open the destination and decide on colors.
    pub fn open(
        path: Option<&Path>,
        color: Color,
    ) -> Result<(Self, Box<dyn Write + Send>), WriteError> {
        let color_ok = |is_terminal: bool| match color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                is_terminal
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        };
        match path {
            None => {
                let stdout = io::stdout();
                let color = color_ok(stdout.is_terminal());
                Ok((
                    Output {
                        target: None,
                        color,
                    },
                    Box::new(io::BufWriter::new(stdout)),
                ))
            }
            Some(path) => {
                let failed = |source| WriteError::new(path, source);
                let file = AtomicFile::create(path, &WriteOptions::default()).map_err(failed)?;
                let handle = file.handle().map_err(failed)?;
                // `--output /dev/tty` is a terminal too.
                let color = color_ok(handle.is_terminal());
                Ok((
                    Output {
                        target: Some((file, path.to_owned())),
                        color,
                    },
                    Box::new(io::BufWriter::new(handle)),
                ))
            }
        }
    }

    /// Put the finished report in place.
    pub fn commit(self) -> Result<(), WriteError> {
        if let Some((file, path)) = self.target {
            file.commit()
                .map_err(|source| WriteError::new(&path, source))?;
        }
        Ok(())
    }
}

/// The `stat` of a report file that names an existing regular file: only such a file can be
/// replaced (a FIFO or terminal is written into), so only it needs guarding.
fn replaceable(path: &Path) -> Option<std::fs::Metadata> {
    std::fs::metadata(path)
        .ok()
        .filter(std::fs::Metadata::is_file)
}

/// The error refusing a report file that would replace something it must not: `reason` says
/// what, `outcome` what was (not) done.
fn refused(output: &Path, reason: String, outcome: &str) -> WriteError {
    WriteError {
        path: output.to_owned(),
        source: io::Error::new(io::ErrorKind::AlreadyExists, reason),
        help: format!("give --output a path of its own; {outcome}"),
    }
}

/// Do two `stat` results name the same file (a hard link or symlink to it included)?
#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    // Without inode numbers: the same size and modification time is the best available guess,
    // and refusing a write is the safe side of a wrong one.
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}
