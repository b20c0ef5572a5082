//! One module per subcommand: each takes its parsed arguments, wires sources, scanner and
//! reporter together, and returns an exit status.

pub mod check;
pub mod gitignore;
pub mod install_hook;
pub mod journal;
pub mod rules;
pub mod scan;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::cli::ColorChoice;
use crate::pipeline::Outcome;
use crate::report::{self, Format, ReportOptions};
use crate::{Error, ExitStatus};

/// What every scanning command needs from the flags and the configuration files.
pub struct Settings {
    pub rules: crate::rules::RuleSet,
    pub max_file_size: u64,
    pub config: crate::config::Config,
}

/// The default size limit for scanned files.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Load the layered configuration and build the rules. `None` means `--dump-config` printed the
/// configuration and the command is done.
pub fn settings(common: &crate::cli::CommonArgs) -> Result<Option<Settings>, Error> {
    settings_at(common, None)
}

/// [`settings`], for a scan of a range when `base` is given: the nearest `.leakgate.toml` is
/// the base commit's, so the change cannot reconfigure its own scan (`--config` stays as given).
pub fn settings_at(
    common: &crate::cli::CommonArgs,
    base: Option<&crate::input::base_side::BaseSide>,
) -> Result<Option<Settings>, Error> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let sources = crate::config::Sources {
        explicit: common.config.as_deref(),
        isolated: common.isolated,
        cwd,
        nearest: base.map(|b| b.config()).unwrap_or_default(),
    };
    let loaded = crate::config::load(&sources, &crate::scan::examples::Examples)?;
    if !loaded.untranslated.is_empty() {
        let mut err = io::stderr().lock();
        writeln!(
            err,
            "warning: {} parts of the gitleaks configuration are not translated:",
            loaded.untranslated.len()
        )?;
        for line in &loaded.untranslated {
            writeln!(err, "  - {}", crate::escape::Escaped(line))?;
        }
    }
    if common.dump_config {
        let mut out = io::stdout().lock();
        write!(out, "{}", loaded.config.dump(&loaded.files))?;
        return Ok(None);
    }
    let configured_size = match &loaded.config.scan.max_file_size {
        Some(text) => Some(crate::cli::parse_size(text).map_err(|_| {
            // Not the value itself: configuration errors never quote one.
            crate::config::ConfigError::new(
                &loaded
                    .files
                    .last()
                    .map(|f| f.display().to_string())
                    .unwrap_or_default(),
                "",
                "`scan.max_file_size` is not a size (try 10MiB or 1048576)".to_owned(),
                None,
            )
        })?),
        None => None,
    };
    Ok(Some(Settings {
        rules: loaded.config.rule_set()?,
        max_file_size: common
            .max_file_size
            .or(configured_size)
            .unwrap_or(DEFAULT_MAX_FILE_SIZE),
        config: loaded.config,
    }))
}

/// Refuse an `--output` that is one of the files the command reads (a file named to scan, the
/// baseline, the configuration): the report would replace it, destroying the original (the
/// `.env` being scanned, the team's baseline). Checked before anything is scanned or written.
pub fn refuse_output_over_input(
    common: &crate::cli::CommonArgs,
    named: &[PathBuf],
) -> Result<(), Error> {
    let Some((output, target)) = replaceable_output(common.output.as_deref()) else {
        return Ok(());
    };
    let inputs = named
        .iter()
        .map(|p| (p.as_path(), "a file this command scans"))
        .chain(
            common
                .baseline
                .as_deref()
                .map(|p| (p, "the baseline this command reads")),
        )
        .chain(
            common
                .config
                .as_deref()
                .map(|p| (p, "the configuration this command reads")),
        );
    for (input, what) in inputs {
        if std::fs::metadata(input).is_ok_and(|meta| same_file(&target, &meta)) {
            return Err(refused_output(
                output,
                format!("it is {what}: the report would replace it"),
                "nothing was scanned or changed",
            ));
        }
    }
    Ok(())
}

/// Refuse an `--output` over a working-tree file this scan found a secret in (`scan . -o .env`,
/// or a symlink to it): the report would replace the file, and the credential with it. Checked
/// once the findings are known, before the report is opened.
pub fn refuse_output_over_findings(
    output: Option<&Path>,
    findings: &[crate::finding::Finding],
) -> Result<(), Error> {
    use crate::input::Provenance;
    let Some((output, target)) = replaceable_output(output) else {
        return Ok(());
    };
    let mut paths: Vec<&str> = findings
        .iter()
        .filter_map(|f| match &f.provenance {
            Provenance::File { path } | Provenance::Journal { path, .. } => Some(path.as_str()),
            _ => None,
        })
        .collect();
    paths.sort_unstable();
    paths.dedup();
    if paths
        .iter()
        .any(|p| std::fs::metadata(p).is_ok_and(|meta| same_file(&target, &meta)))
    {
        return Err(refused_output(
            output,
            "it holds a secret this scan found: the report would replace it".to_owned(),
            "nothing was changed there",
        ));
    }
    Ok(())
}

/// `--output` with its `stat`, when it names an existing regular file: only such a file can be
/// replaced (a FIFO or terminal is written into), so only it needs guarding.
fn replaceable_output(output: Option<&Path>) -> Option<(&Path, std::fs::Metadata)> {
    let output = output?;
    let target = std::fs::metadata(output)
        .ok()
        .filter(std::fs::Metadata::is_file)?;
    Some((output, target))
}

/// The error refusing an `--output` that would replace something it must not: `reason` says
/// what, `outcome` what was (not) done.
fn refused_output(output: &Path, reason: String, outcome: &str) -> Error {
    crate::atomic::WriteError {
        path: output.to_owned(),
        source: io::Error::new(io::ErrorKind::AlreadyExists, reason),
        help: format!("give --output a path of its own; {outcome}"),
    }
    .into()
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

/// Where a report goes: standard output, or `--output FILE` written through
/// [`crate::atomic::AtomicFile`] (a regular file appears atomically when complete; a symlink is
/// written through; a FIFO or terminal is written into).
pub struct Output {
    target: Option<(crate::atomic::AtomicFile, PathBuf)>,
    pub color: bool,
}

impl Output {
    /// Open the destination and decide on colors.
    pub fn open(
        path: Option<&Path>,
        color: ColorChoice,
    ) -> Result<(Self, Box<dyn Write + Send>), Error> {
        let color_ok = |is_terminal: bool| match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
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
                let failed = |source| crate::atomic::WriteError::new(path, source);
                let file = crate::atomic::AtomicFile::create(
                    path,
                    &crate::atomic::WriteOptions::default(),
                )
                .map_err(failed)?;
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

    /// Put the finished report in place. The reporter's writer must be flushed (its
    /// `finish`) first: an unflushed tail would be lost, not reported.
    pub fn commit(self) -> Result<(), Error> {
        if let Some((file, path)) = self.target {
            file.commit()
                .map_err(|source| crate::atomic::WriteError::new(&path, source))?;
        }
        Ok(())
    }
}

/// Report an outcome in the chosen format and decide the exit status. `at_base` is the
/// baseline a range's base side decided (see [`crate::pipeline::apply_base_side`]).
pub fn report(
    mut outcome: Outcome,
    at_base: Option<crate::baseline::Baseline>,
    common: &crate::cli::CommonArgs,
    started: std::time::Instant,
) -> Result<ExitStatus, Error> {
    // Every finding counts here, those a baseline accepts too.
    refuse_output_over_findings(common.output.as_deref(), &outcome.findings)?;
    if let Some(file) = &common.baseline {
        let filter = crate::pipeline::BaselineFilter {
            file: file.clone(),
            report_unused: common.report_unused,
        };
        crate::pipeline::apply_baseline(&mut outcome, &filter, at_base)?;
    }
    let (output, writer) = Output::open(common.output.as_deref(), common.color)?;
    let mut reporter = report::reporter(
        Format::resolve(common.format),
        writer,
        ReportOptions {
            color: output.color,
            verbose: common.verbose,
            show_secrets: common.show_secrets,
        },
    );
    report::outcome(reporter.as_mut(), &outcome, started.elapsed())?;
    drop(reporter);
    output.commit()?;

    Ok(outcome.exit_status(crate::pipeline::ExitPolicy {
        strict: common.strict,
        exit_zero: common.exit_zero,
    }))
}
