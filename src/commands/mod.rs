//! One module per subcommand: each takes its parsed arguments, wires sources, scanner and
//! reporter together, and returns an exit status.

pub mod check;
pub mod gitignore;
pub mod install_hook;
pub mod journal;
pub mod rules;
pub mod scan;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::pipeline::Outcome;
use crate::report;
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

/// Refuse a report file over what the command reads (`named`: the files it scans; the
/// baseline; the configuration). Checked before anything is scanned or written.
pub fn refuse_output_over_input(
    common: &crate::cli::CommonArgs,
    named: &[PathBuf],
) -> Result<(), Error> {
    let inputs: Vec<(&Path, &str)> = named
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
        )
        .collect();
    Ok(common.output_spec().refuse_over_inputs(&inputs)?)
}

/// Report an outcome in every format asked for and decide the exit status. `at_base` is the
/// baseline a range's base side decided (see [`crate::pipeline::apply_base_side`]).
pub fn report(
    mut outcome: Outcome,
    at_base: Option<crate::baseline::Baseline>,
    common: &crate::cli::CommonArgs,
    started: std::time::Instant,
) -> Result<ExitStatus, Error> {
    let spec = common.output_spec();
    // Every finding counts here, those a baseline accepts too.
    spec.refuse_over_findings(&outcome.findings)?;
    if let Some(file) = &common.baseline {
        let filter = crate::pipeline::BaselineFilter {
            file: file.clone(),
            report_unused: common.report_unused,
        };
        crate::pipeline::apply_baseline(&mut outcome, &filter, at_base)?;
    }
    let mut opened = spec.open()?;
    report::outcome(opened.reporter(), &outcome, started.elapsed())?;
    opened.commit()?;
    Ok(outcome.exit_status(crate::pipeline::ExitPolicy {
        strict: common.strict,
        exit_zero: common.exit_zero,
    }))
}
