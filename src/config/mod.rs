//! Configuration: `.leakgate.toml`, layered. Built-in defaults < the nearest `.leakgate.toml`
//! found walking up from the current directory < `--config FILE` < command-line flags.
//! `--isolated` ignores configuration files; `--dump-config` prints the effective result.
//! A scan of a change (`--range`) reads the nearest file from the change's base commit instead
//! ([`Nearest::Committed`]), so the change cannot reconfigure its own scan; `--config FILE` is
//! always read as given.
//!
//! ```toml
//! [scan]
//! max_file_size = "20MiB"
//!
//! [rules]
//! disable = ["jwt"]                          # rule ids
//! severity = { generic-assignment = "high" } # per-rule severity
//!
//! [[rules.custom]]                           # same schema as rules/*.toml; examples checked at load
//! id = "acme-internal-token"
//! description = "ACME internal API token"
//! keywords = ["acme_"]
//! regex = '''\b(?P<secret>acme_[A-Za-z0-9]{32})\b'''
//! examples = ["token = acme_…"]
//!
//! [allowlist]
//! paths = ["tests/fixtures/**"]              # gitignore-style globs: files never reported
//! regexes = ['''^AKIA[A-Z0-9]{12}TEST$''']   # on the secret
//! lines = ['''example_config\(''']          # on the line the secret is on
//! stopwords = ["dummy"]                      # in the secret, case-insensitive
//!
//! [gitignore]
//! required = ["*.p12"]                       # extra patterns `leakgate gitignore` requires
//! ```
//!
//! Every table rejects unknown keys, and errors point at the line and column (miette), showing
//! the file with its values masked ([`mask`]).

pub mod gitleaks;
pub mod mask;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::rules::{RuleSpec, Severity};

pub const CONFIG_FILE: &str = ".leakgate.toml";

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub scan: ScanConfig,
    #[serde(default)]
    pub rules: RulesConfig,
    #[serde(default)]
    pub allowlist: AllowlistConfig,
    #[serde(default)]
    pub gitignore: GitignoreConfig,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScanConfig {
    /// Files larger than this are skipped (and counted): bytes or `10MiB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_file_size: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    #[serde(default)]
    pub disable: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    #[serde(default)]
    pub custom: Vec<RuleSpec>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistConfig {
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub regexes: Vec<String>,
    /// Regexes on the whole line a finding is on.
    #[serde(default)]
    pub lines: Vec<String>,
    #[serde(default)]
    pub stopwords: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GitignoreConfig {
    /// Patterns required on top of the built-in ones.
    #[serde(default)]
    pub required: Vec<String>,
}

/// A configuration file that cannot be used, pointing at the spot. The source it shows is the
/// file with its values masked ([`mask`]), and the message quotes no value: a configuration
/// holds allowlisted secrets and rule examples.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("invalid configuration in {file}: {message}")]
#[diagnostic(
    code(leakgate::config),
    help(
        "see the Configuration section of the README; `leakgate scan --dump-config` shows the effective configuration"
    )
)]
pub struct ConfigError {
    pub file: String,
    pub message: String,
    #[source_code]
    pub source_code: miette::NamedSource<String>,
    #[label("{message}")]
    pub span: Option<miette::SourceSpan>,
}

impl ConfigError {
    /// The error for `text` (the file `name`), masked: build every configuration error here.
    pub fn new(
        name: &str,
        text: &str,
        message: String,
        span: Option<std::ops::Range<usize>>,
    ) -> Box<ConfigError> {
        let masked = mask::mask_toml(text);
        let mut hidden = masked.hidden;
        hidden.extend(mask::decoded_values(text));
        Box::new(ConfigError {
            file: name.to_owned(),
            message: mask::clean_message(&message, &hidden),
            source_code: miette::NamedSource::new(name, masked.text),
            span: span.map(Into::into),
        })
    }
}

/// Which files were layered, lowest first, and what could not be translated from a gitleaks
/// configuration.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub config: Config,
    pub files: Vec<PathBuf>,
    pub untranslated: Vec<String>,
}

/// Where to look for configuration, from the command line.
#[derive(Debug, Clone, Default)]
pub struct Sources<'a> {
    pub explicit: Option<&'a Path>,
    pub isolated: bool,
    pub cwd: PathBuf,
    pub nearest: Nearest,
}

/// Where the nearest `.leakgate.toml` comes from.
#[derive(Debug, Clone, Default)]
pub enum Nearest {
    /// Walk up from the current directory on disk.
    #[default]
    OnDisk,
    /// Already read from a commit (the base side of a range): `found` is its `(name, text)`.
    /// When the commit has none, look on disk from `above` (outside the work tree) upward.
    Committed {
        found: Option<(String, String)>,
        above: Option<PathBuf>,
    },
}

/// The nearest `.leakgate.toml` on disk at or above `dir`.
fn nearest_on_disk(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|dir| dir.join(CONFIG_FILE))
        .find(|p| p.is_file())
}

/// Load and layer the configuration files.
pub fn load(sources: &Sources<'_>) -> Result<Loaded, Box<ConfigError>> {
    let mut loaded = Loaded::default();
    if sources.isolated {
        return Ok(loaded);
    }
    let on_disk = match &sources.nearest {
        Nearest::OnDisk => nearest_on_disk(&sources.cwd),
        Nearest::Committed {
            found: Some((name, text)),
            ..
        } => {
            merge(&mut loaded.config, parse(name, text)?);
            loaded.files.push(PathBuf::from(name));
            None
        }
        Nearest::Committed { found: None, above } => above.as_deref().and_then(nearest_on_disk),
    };
    if let Some(nearest) = on_disk {
        let config = parse_file(&nearest)?;
        merge(&mut loaded.config, config);
        loaded.files.push(nearest);
    }
    if let Some(explicit) = sources.explicit {
        let name = explicit.display().to_string();
        let text = read(explicit)?;
        let config = if gitleaks::is_gitleaks(&name, &text) {
            // A gitleaks configuration, for migration: translate what maps onto leakgate.
            let (config, untranslated) = gitleaks::translate(explicit, &text)
                .map_err(|e| ConfigError::new(&name, &text, e.message, e.span))?;
            for spec in &config.rules.custom {
                crate::rules::Rule::from_spec(spec.clone(), name.clone())
                    .validate()
                    .map_err(|message| {
                        ConfigError::new(
                            &name,
                            &text,
                            format!("rule `{}`: {message}", spec.id),
                            None,
                        )
                    })?;
            }
            loaded.untranslated.extend(untranslated);
            config
        } else {
            parse(&name, &text)?
        };
        merge(&mut loaded.config, config);
        loaded.files.push(explicit.to_owned());
    }
    Ok(loaded)
}

fn parse_file(path: &Path) -> Result<Config, Box<ConfigError>> {
    parse(&path.display().to_string(), &read(path)?)
}

fn read(path: &Path) -> Result<String, Box<ConfigError>> {
    let name = path.display().to_string();
    std::fs::read_to_string(path).map_err(|e| ConfigError::new(&name, "", e.to_string(), None))
}

/// Parse and check one configuration text: TOML, known keys, valid regexes and globs.
pub fn parse(name: &str, text: &str) -> Result<Config, Box<ConfigError>> {
    let error = |message: String, span: Option<std::ops::Range<usize>>| {
        ConfigError::new(name, text, message, span)
    };
    let config: Config =
        toml::from_str(text).map_err(|e| error(e.message().to_owned(), e.span()))?;
    let locate = |needle: &str| text.find(needle).map(|at| at..at + needle.len());
    for pattern in config
        .allowlist
        .regexes
        .iter()
        .chain(&config.allowlist.lines)
    {
        if let Err(e) = regex::bytes::Regex::new(pattern) {
            return Err(error(format!("bad allowlist regex: {e}"), locate(pattern)));
        }
    }
    for pattern in &config.allowlist.paths {
        if let Err(e) = globset::Glob::new(pattern) {
            // The kind only: globset's message quotes the whole glob.
            return Err(error(
                format!("bad path glob: {}", e.kind()),
                locate(pattern),
            ));
        }
    }
    for spec in &config.rules.custom {
        let rule = crate::rules::Rule::from_spec(spec.clone(), name.to_owned());
        let report = crate::rules::check::check_rules(std::slice::from_ref(&rule));
        if let Some(failure) = report.failures.first() {
            return Err(error(
                format!("custom rule `{}`: {}", failure.rule, failure.message),
                locate(&spec.id),
            ));
        }
    }
    Ok(config)
}

/// Layer `over` onto `base`: lists extend, maps and scalars override.
fn merge(base: &mut Config, over: Config) {
    if over.scan.max_file_size.is_some() {
        base.scan.max_file_size = over.scan.max_file_size;
    }
    base.rules.disable.extend(over.rules.disable);
    base.rules.severity.extend(over.rules.severity);
    base.rules.custom.extend(over.rules.custom);
    base.allowlist.paths.extend(over.allowlist.paths);
    base.allowlist.regexes.extend(over.allowlist.regexes);
    base.allowlist.lines.extend(over.allowlist.lines);
    base.allowlist.stopwords.extend(over.allowlist.stopwords);
    base.gitignore.required.extend(over.gitignore.required);
}

impl Config {
    /// The effective configuration as TOML, for `--dump-config`.
    pub fn dump(&self, files: &[PathBuf]) -> String {
        let mut text = String::from("# effective leakgate configuration\n");
        if files.is_empty() {
            text.push_str("# from: built-in defaults only\n");
        }
        for file in files {
            text.push_str(&format!("# layered: {}\n", crate::escape::path(file)));
        }
        text + &toml::to_string_pretty(self).unwrap_or_default()
    }
}
