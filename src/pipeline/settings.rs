//! What every scanning command needs before it scans: the layered configuration (built-in
//! defaults < nearest `.leakgate.toml` < `--config FILE` < flags), the compiled rules and the
//! size limit. For a range the nearest `.leakgate.toml` is the base commit's, so a change
//! cannot reconfigure its own scan.

use std::path::PathBuf;

use crate::Error;
use crate::config::{Config, ConfigError, Loaded};
use crate::input::base_side::BaseSide;
use crate::pipeline::confidence::TestFixtures;
use crate::rules::{Confidence, RuleSet};

/// The default size limit for scanned files.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// What the flags say about configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigRequest {
    /// `--config FILE`, layered over the nearest `.leakgate.toml`.
    pub explicit: Option<PathBuf>,
    /// `--isolated`: built-in defaults and flags only.
    pub isolated: bool,
    /// `--max-file-size`, over the configuration's.
    pub max_file_size: Option<u64>,
    /// `--min-confidence`, over the configuration's.
    pub min_confidence: Option<Confidence>,
}

/// The configuration and what was built from it.
pub struct Settings {
    pub rules: RuleSet,
    pub max_file_size: u64,
    /// Which paths are test fixtures (a finding there is one level less sure).
    pub test_fixtures: TestFixtures,
    /// `--min-confidence`, else the configuration's; `None` leaves it to the command
    /// ([`Settings::min_confidence`]).
    pub min_confidence: Option<Confidence>,
    pub config: Config,
}

impl Settings {
    /// The confidence a finding needs to be reported: the flag's, the configuration's, else
    /// the command's own default (`scan` shows everything, `check` blocks on medium and up).
    pub fn min_confidence(&self, default: Confidence) -> Confidence {
        self.min_confidence.unwrap_or(default)
    }
}

/// Load the layered configuration, as the base side of a range has it when `base` is given
/// (`--config` stays as given). Its gitleaks parts that were not translated are in
/// `untranslated`, for the command to show.
pub fn configuration(request: &ConfigRequest, base: Option<&BaseSide>) -> Result<Loaded, Error> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let sources = crate::config::Sources {
        explicit: request.explicit.as_deref(),
        isolated: request.isolated,
        cwd,
        nearest: base.map(|b| b.config()).unwrap_or_default(),
    };
    Ok(crate::config::load(
        &sources,
        &crate::scan::examples::Examples,
    )?)
}

/// Build the rules and the size limit from a loaded configuration.
pub fn settings(loaded: Loaded, request: &ConfigRequest) -> Result<Settings, Error> {
    let configured_size = match &loaded.config.scan.max_file_size {
        Some(text) => Some(parse_size(text).map_err(|_| {
            // Not the value itself: configuration errors never quote one.
            ConfigError::new(
                &(loaded.files.last())
                    .map(|f| f.display().to_string())
                    .unwrap_or_default(),
                "",
                "`scan.max_file_size` is not a size (try 10MiB or 1048576)".to_owned(),
                None,
            )
        })?),
        None => None,
    };
    // Loading validated the globs; a configuration built otherwise is checked here.
    let test_fixtures = loaded.config.confidence.test_fixtures().map_err(|e| {
        ConfigError::new(
            &(loaded.files.last())
                .map(|f| f.display().to_string())
                .unwrap_or_default(),
            "",
            format!("bad path glob in `confidence.test_paths`: {e}"),
            None,
        )
    })?;
    Ok(Settings {
        rules: loaded.config.rule_set()?,
        max_file_size: request
            .max_file_size
            .or(configured_size)
            .unwrap_or(DEFAULT_MAX_FILE_SIZE),
        test_fixtures,
        min_confidence: request.min_confidence.or(loaded.config.confidence.min),
        config: loaded.config,
    })
}

/// A size: bytes, or with a unit (`10MiB`, `512KB`).
pub fn parse_size(text: &str) -> Result<u64, String> {
    text.trim()
        .parse::<bytesize::ByteSize>()
        .map(|size| size.as_u64())
        .map_err(|e| format!("`{text}` is not a size (try 10MiB or 1048576): {e}"))
}
