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
//!
//! [confidence]
//! min = "medium"                             # --min-confidence, for every command
//! test_paths = ["qa/", "*.stories.ts"]       # more test-fixture globs (one level lower)
//! builtin_test_paths = true                  # false: only `test_paths` are fixtures
//!
//! [agent]
//! read = "deny"                              # agent-hook: reading a file that holds secrets
//! ```
//!
//! Every table rejects unknown keys, and errors point at the line and column (miette), showing
//! the file with its values masked ([`mask`]). What a file holds is validated as it will be used:
//! allowlist patterns by compiling them as the scanner does ([`AllowlistConfig::compile`]), and
//! custom rules, from a `.leakgate.toml` or translated from gitleaks, by one validator
//! ([`check_custom_rule`]).
//!
//! Configuration depends on rules, never the reverse: [`Config::rule_set`] builds the
//! [`RuleSet`] a scan uses.

pub mod gitleaks;
pub mod mask;
pub mod template;
pub mod test_paths;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::rules::{
    Confidence, GlobalAllowlist, Rule, RuleError, RuleSet, RuleSpec, SecretAllowlist, Severity,
};

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
    #[serde(default)]
    pub confidence: ConfidenceConfig,
    #[serde(default)]
    pub agent: AgentConfig,
}

/// `leakgate agent-hook`: what to answer when a coding agent is about to read a file that holds
/// secrets into its context (the model provider's servers).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// `ask` (the default) or `deny`; `--read` wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<ReadPolicy>,
}

/// What to do about an agent reading a file that holds secrets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadPolicy {
    /// Ask the user (where the agent's protocol can ask; else deny).
    #[default]
    Ask,
    /// Refuse the read.
    Deny,
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

/// How sure a finding must be to be reported, and which paths are test fixtures (a finding
/// there is one level less sure).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConfidenceConfig {
    /// Findings below this are not reported and do not fail the run (`--min-confidence`
    /// wins); unset, each command has its own default (`scan` low, `check` medium).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Confidence>,
    /// Test-fixture globs on top of the built-in ones (gitignore-style).
    #[serde(default)]
    pub test_paths: Vec<String>,
    /// `false`: the built-in test-fixture globs do not apply, only `test_paths`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builtin_test_paths: Option<bool>,
}

impl ConfidenceConfig {
    /// The test-fixture globs this configuration asks for, compiled.
    pub fn test_fixtures(&self) -> Result<test_paths::TestFixtures, crate::rules::PatternError> {
        test_paths::TestFixtures::new(self.builtin_test_paths.unwrap_or(true), &self.test_paths)
    }
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

/// Runs a custom rule on its own examples: each example must give a finding of the rule, each
/// negative example none. Matching is the scanner's job, and the scanner sits above
/// configuration (it reads it), so whoever loads a configuration hands the check in: the
/// scanner's example check (`scan::examples::Examples`) does it.
pub trait ExampleCheck {
    /// The first failure, naming the example by its number (never its text: examples look
    /// like real secrets).
    fn check(&self, rule: &Rule) -> Result<(), String>;
}

/// Where a custom rule was written, which decides only whether it must carry examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSource {
    /// `[[rules.custom]]` in a `.leakgate.toml`: examples are required.
    Leakgate,
    /// Translated from a gitleaks configuration, which has no examples to carry.
    Gitleaks,
}

/// The one validator of a custom rule, wherever it was written: the rule compiles (id,
/// keywords, regex, path globs, allowlist regexes: [`Rule::validate`]), carries examples when
/// written for leakgate, and matches each example and no negative one (`examples`). The message
/// names what failed, never an example or a pattern.
pub fn check_custom_rule(
    spec: &RuleSpec,
    origin: &str,
    written: RuleSource,
    examples: &dyn ExampleCheck,
) -> Result<(), String> {
    let rule = Rule::from_spec(spec.clone(), origin.to_owned());
    rule.validate()?;
    if written == RuleSource::Leakgate && spec.examples.is_empty() {
        return Err("has no examples".to_owned());
    }
    examples.check(&rule)
}

/// Load and layer the configuration files, checking each custom rule against its examples
/// with `examples` (see [`ExampleCheck`]).
pub fn load(
    sources: &Sources<'_>,
    examples: &dyn ExampleCheck,
) -> Result<Loaded, Box<ConfigError>> {
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
            merge(&mut loaded.config, parse(name, text, examples)?);
            loaded.files.push(PathBuf::from(name));
            None
        }
        Nearest::Committed { found: None, above } => above.as_deref().and_then(nearest_on_disk),
    };
    if let Some(nearest) = on_disk {
        let config = parse_file(&nearest, examples)?;
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
            validate(&config, &name, &text, RuleSource::Gitleaks, examples)?;
            loaded.untranslated.extend(untranslated);
            config
        } else {
            parse(&name, &text, examples)?
        };
        merge(&mut loaded.config, config);
        loaded.files.push(explicit.to_owned());
    }
    Ok(loaded)
}

fn parse_file(path: &Path, examples: &dyn ExampleCheck) -> Result<Config, Box<ConfigError>> {
    parse(&path.display().to_string(), &read(path)?, examples)
}

fn read(path: &Path) -> Result<String, Box<ConfigError>> {
    let name = path.display().to_string();
    std::fs::read_to_string(path).map_err(|e| ConfigError::new(&name, "", e.to_string(), None))
}

/// Parse and check one configuration text: TOML, known keys, allowlist patterns that compile,
/// custom rules that pass [`check_custom_rule`].
pub fn parse(
    name: &str,
    text: &str,
    examples: &dyn ExampleCheck,
) -> Result<Config, Box<ConfigError>> {
    let config: Config = toml::from_str(text)
        .map_err(|e| ConfigError::new(name, text, e.message().to_owned(), e.span()))?;
    validate(&config, name, text, RuleSource::Leakgate, examples)?;
    Ok(config)
}

/// Check what a configuration read from `name` holds, as it will be used: its allowlist
/// compiled as the scanner compiles it, each custom rule through the one validator. Errors point
/// at the pattern or rule in `text` where it can be found there.
fn validate(
    config: &Config,
    name: &str,
    text: &str,
    written: RuleSource,
    examples: &dyn ExampleCheck,
) -> Result<(), Box<ConfigError>> {
    let locate = |needle: &str| text.find(needle).map(|at| at..at + needle.len());
    if let Err(e) = config.confidence.test_fixtures() {
        let position = e.position.unwrap_or(1);
        let pattern = config.confidence.test_paths.get(position.saturating_sub(1));
        return Err(ConfigError::new(
            name,
            text,
            format!(
                "bad path glob {position} in `confidence.test_paths`: {e}; fix it or remove it"
            ),
            pattern.and_then(|p| locate(p)),
        ));
    }
    if let Err(e) = config.allowlist.compile() {
        let mut message = e.to_string();
        if written == RuleSource::Gitleaks {
            message.push_str(
                " (counting the gitleaks allowlists' regexes in order; leakgate's regex syntax differs from Go's in places)",
            );
        }
        return Err(ConfigError::new(name, text, message, locate(&e.pattern)));
    }
    for spec in &config.rules.custom {
        if let Err(message) = check_custom_rule(spec, name, written, examples) {
            // The id as written: quoted, and without the prefix a translation adds.
            let id = match written {
                RuleSource::Leakgate => spec.id.as_str(),
                RuleSource::Gitleaks => gitleaks::written_id(&spec.id),
            };
            let span = ['"', '\''].iter().find_map(|quote| {
                text.find(&format!("{quote}{id}{quote}"))
                    .map(|at| at + 1..at + 1 + id.len())
            });
            return Err(ConfigError::new(
                name,
                text,
                format!("custom rule `{}`: {message}", spec.id),
                span,
            ));
        }
    }
    Ok(())
}

/// An allowlist pattern that does not compile: the key, which pattern of it (1-based), and why.
/// It shows no pattern (one may be an allowlisted secret); `pattern` is kept to point at it.
#[derive(Debug, thiserror::Error)]
#[error("bad {what} {position} in `{key}`: {reason}; fix it or remove it")]
pub struct AllowlistError {
    pub key: &'static str,
    what: &'static str,
    position: usize,
    reason: crate::rules::PatternError,
    pub pattern: String,
}

impl AllowlistConfig {
    /// Compile the allowlist as the scanner uses it: regexes with [`crate::rules::compile_regex`],
    /// globs with [`crate::rules::compile_globs`]. Loading a file validates it by calling this,
    /// so what loads is what runs.
    pub fn compile(&self) -> Result<GlobalAllowlist, AllowlistError> {
        let failed = |key, what, patterns: &[String], e: crate::rules::PatternError| {
            let position = e.position.unwrap_or(1);
            AllowlistError {
                key,
                what,
                position,
                pattern: patterns
                    .get(position.saturating_sub(1))
                    .cloned()
                    .unwrap_or_default(),
                reason: e,
            }
        };
        let regex = "allowlist regex";
        let secrets = SecretAllowlist::compile(&self.regexes, &self.stopwords)
            .map_err(|e| failed("allowlist.regexes", regex, &self.regexes, e))?;
        let lines = self
            .lines
            .iter()
            .enumerate()
            .map(|(index, pattern)| {
                crate::rules::compile_regex(pattern)
                    .map_err(|e| failed("allowlist.lines", regex, &self.lines, e.at(index + 1)))
            })
            .collect::<Result<_, _>>()?;
        let paths = crate::rules::compile_globs(&self.paths)
            .map_err(|e| failed("allowlist.paths", "path glob", &self.paths, e))?;
        Ok(GlobalAllowlist {
            secrets,
            lines,
            paths,
        })
    }
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
    if over.confidence.min.is_some() {
        base.confidence.min = over.confidence.min;
    }
    base.confidence
        .test_paths
        .extend(over.confidence.test_paths);
    if over.confidence.builtin_test_paths.is_some() {
        base.confidence.builtin_test_paths = over.confidence.builtin_test_paths;
    }
    if over.agent.read.is_some() {
        base.agent.read = over.agent.read;
    }
}

impl Config {
    /// The built-in rules adjusted by this configuration: custom rules added, disabled ones
    /// removed, severities changed, the global allowlist attached.
    pub fn rule_set(&self) -> Result<RuleSet, RuleError> {
        let mut rules = crate::rules::builtin_rules()?;
        rules.extend(
            self.rules
                .custom
                .iter()
                .cloned()
                .map(|spec| Rule::from_spec(spec, CONFIG_FILE.into())),
        );
        for id in self.rules.disable.iter().chain(self.rules.severity.keys()) {
            if !rules.iter().any(|r| r.id() == id) {
                return Err(RuleError::Invalid {
                    file: CONFIG_FILE.into(),
                    id: id.clone(),
                    message: "no rule has this id (see `leakgate rules list`)".into(),
                });
            }
        }
        // By id, which does not copy a built-in rule's spec out of the binary (see LazySpec).
        rules.retain(|r| !self.rules.disable.iter().any(|id| id == r.id()));
        for rule in &mut rules {
            if let Some(severity) = self.rules.severity.get(rule.id()) {
                rule.spec.severity = *severity;
            }
        }
        // Loading compiled the allowlist already; a configuration built otherwise is checked
        // here, and a pattern that does not compile is an error, never dropped.
        let allowlist = self.allowlist.compile().map_err(|e| RuleError::Invalid {
            file: CONFIG_FILE.into(),
            id: e.key.into(),
            message: e.to_string(),
        })?;
        Ok(RuleSet::new(rules)?
            .with_allowlist(allowlist)
            .with_declared_texts(self.declared_texts()))
    }

    /// Texts this configuration declares on purpose (its custom rules' examples and negative
    /// examples, its allowlist patterns): not findings inside a `.leakgate.toml`.
    fn declared_texts(&self) -> Vec<String> {
        let allow = &self.allowlist;
        self.rules
            .custom
            .iter()
            .flat_map(|spec| spec.examples.iter().chain(&spec.negative_examples))
            .chain(&allow.regexes)
            .chain(&allow.stopwords)
            .chain(&allow.lines)
            .cloned()
            .collect()
    }

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

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    /// Records which custom rules it was asked about; fails the ones named in `failing`. (The
    /// real check runs the scanner, which sits above configuration.)
    #[derive(Default)]
    struct Recording {
        checked: RefCell<Vec<String>>,
        failing: Vec<&'static str>,
    }

    impl ExampleCheck for Recording {
        fn check(&self, rule: &Rule) -> Result<(), String> {
            self.checked.borrow_mut().push(rule.id().to_owned());
            match self.failing.contains(&rule.id()) {
                true => Err("example 1 does not match".to_owned()),
                false => Ok(()),
            }
        }
    }

    /// A directory holding `project/.leakgate.toml` (the nearest file, from `project/sub`) and
    /// the files given with `--config`.
    struct Layers {
        dir: tempfile::TempDir,
    }

    impl Layers {
        fn new(nearest: &str) -> Self {
            let dir = tempfile::tempdir().expect("temp dir");
            std::fs::create_dir_all(dir.path().join("project/sub")).expect("mkdir");
            std::fs::write(dir.path().join("project").join(CONFIG_FILE), nearest).expect("write");
            Layers { dir }
        }

        fn file(&self, name: &str, text: &str) -> PathBuf {
            let path = self.dir.path().join(name);
            std::fs::write(&path, text).expect("write");
            path
        }

        fn load(&self, explicit: Option<&Path>, isolated: bool) -> Loaded {
            self.try_load(explicit, isolated, &Recording::default())
                .expect("the configuration loads")
        }

        fn try_load(
            &self,
            explicit: Option<&Path>,
            isolated: bool,
            examples: &dyn ExampleCheck,
        ) -> Result<Loaded, Box<ConfigError>> {
            load(
                &Sources {
                    explicit,
                    isolated,
                    cwd: self.dir.path().join("project/sub"),
                    nearest: Nearest::OnDisk,
                },
                examples,
            )
        }
    }

    const NEAREST: &str = r#"
[scan]
max_file_size = "1MiB"

[rules]
disable = ["jwt"]
severity = { generic-assignment = "low", github-pat = "medium" }

[allowlist]
paths = ["fixtures/**"]
stopwords = ["dummy"]

[gitignore]
required = ["*.p12"]
"#;

    #[test]
    fn config_wins_over_the_nearest_file_for_scalars_and_map_keys_and_lists_add_up() {
        let layers = Layers::new(NEAREST);
        let explicit = layers.file(
            "team.toml",
            r#"
[scan]
max_file_size = "5MiB"

[rules]
disable = ["discord-webhook-url"]
severity = { generic-assignment = "high" }

[allowlist]
paths = ["vendor/**"]
lines = ['''example_config\(''']

[gitignore]
required = ["*.pfx"]
"#,
        );
        let loaded = layers.load(Some(&explicit), false);
        let config = &loaded.config;
        assert_eq!(
            loaded.files,
            vec![
                layers.dir.path().join("project").join(CONFIG_FILE),
                explicit
            ]
        );
        assert_eq!(config.scan.max_file_size.as_deref(), Some("5MiB"));
        assert_eq!(config.rules.disable, ["jwt", "discord-webhook-url"]);
        assert_eq!(
            config.rules.severity.get("generic-assignment"),
            Some(&Severity::High)
        );
        assert_eq!(
            config.rules.severity.get("github-pat"),
            Some(&Severity::Medium)
        );
        assert_eq!(config.allowlist.paths, ["fixtures/**", "vendor/**"]);
        assert_eq!(config.allowlist.stopwords, ["dummy"]);
        assert_eq!(config.allowlist.lines, [r"example_config\("]);
        assert_eq!(config.gitignore.required, ["*.p12", "*.pfx"]);

        // What the scan gets: the rules and allowlist of both layers.
        let rules = config.rule_set().expect("rule set");
        assert!(rules.rules().iter().all(|r| r.id() != "jwt"));
        assert!(rules.path_allowed("fixtures/a/key.pem") && rules.path_allowed("vendor/x.js"));
        assert!(rules.globally_allowed(b"my-dummy-token", b""));
        assert!(rules.globally_allowed(b"zz", b"x = example_config(zz)"));
    }

    #[test]
    fn confidence_keys_layer_like_the_others() {
        let layers = Layers::new(
            "[confidence]\nmin = \"high\"\ntest_paths = [\"qa/\"]\nbuiltin_test_paths = false\n",
        );
        let explicit = layers.file(
            "team.toml",
            "[confidence]\nmin = \"medium\"\ntest_paths = [\"e2e/\"]\n",
        );
        let config = layers.load(Some(&explicit), false).config.confidence;
        assert_eq!(config.min, Some(Confidence::Medium));
        assert_eq!(config.test_paths, ["qa/", "e2e/"]);
        assert_eq!(config.builtin_test_paths, Some(false));
        let fixtures = config.test_fixtures().expect("compiles");
        assert!(fixtures.contains("e2e/a.py") && !fixtures.contains("tests/a.py"));
    }

    #[test]
    fn a_config_file_alone_keeps_the_nearest_file_and_isolated_ignores_every_file() {
        let layers = Layers::new(NEAREST);
        let loaded = layers.load(None, false);
        assert_eq!(loaded.config.scan.max_file_size.as_deref(), Some("1MiB"));
        assert_eq!(loaded.files.len(), 1);

        let explicit = layers.file(
            "team.toml",
            "[rules]\ndisable = [\"discord-webhook-url\"]\n",
        );
        let loaded = layers.load(Some(&explicit), true);
        assert!(loaded.files.is_empty(), "{:?}", loaded.files);
        assert!(loaded.config.rules.disable.is_empty());
        assert!(loaded.config.scan.max_file_size.is_none());
        assert!(loaded.config.allowlist.paths.is_empty());
    }

    #[test]
    fn a_gitleaks_config_is_translated_and_layered_over_the_nearest_file() {
        let layers = Layers::new(NEAREST);
        let explicit = layers.file(
            ".gitleaks.toml",
            r#"
[[rules]]
id = "acme"
regex = '''acme_[a-z0-9]{16}'''
keywords = ["acme_"]

[allowlist]
stopwords = ["sandbox"]
regexes = ['''^AKIA[A-Z0-9]{12}TEST$''']
paths = ['''fixtures/''']
"#,
        );
        let check = Recording::default();
        let loaded = layers
            .try_load(Some(&explicit), false, &check)
            .expect("loads");
        let config = &loaded.config;
        // The nearest file still counts; the gitleaks file adds to it.
        assert_eq!(config.scan.max_file_size.as_deref(), Some("1MiB"));
        assert_eq!(config.rules.disable, ["jwt"]);
        assert_eq!(config.allowlist.stopwords, ["dummy", "sandbox"]);
        assert_eq!(config.allowlist.regexes, ["^AKIA[A-Z0-9]{12}TEST$"]);
        // Gitleaks path regexes are not globs: listed as untranslated, not layered.
        assert_eq!(config.allowlist.paths, ["fixtures/**"]);
        assert!(loaded.untranslated.iter().any(|l| l.contains("`paths`")));
        let ids: Vec<&str> = config.rules.custom.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["gitleaks-acme"]);
        // The translated rule went through the one validator, example check included.
        assert_eq!(*check.checked.borrow(), ["gitleaks-acme"]);
        assert!(
            config
                .rule_set()
                .expect("rule set")
                .rules()
                .iter()
                .any(|r| r.id() == "gitleaks-acme")
        );
    }

    /// `.leakgate.toml` custom rules and gitleaks rules go through the same validator: both
    /// are compiled and example-checked; only a leakgate rule must carry examples.
    #[test]
    fn custom_rules_from_either_file_go_through_one_validator() {
        let spec = |examples: Vec<String>| RuleSpec {
            id: "mine".into(),
            description: "d".into(),
            keywords: vec!["zz_".into()],
            regex: "zz_[0-9]{8}".into(),
            kind: crate::rules::RuleKind::Token,
            severity: Severity::High,
            confidence: None,
            weak_literals: None,
            min_entropy: None,
            multiline: false,
            paths: Vec::new(),
            allowlist: Default::default(),
            examples,
            negative_examples: Vec::new(),
            revoke: None,
            checksum: None,
            requires: None,
            context: None,
        };
        let failing = Recording {
            failing: vec!["mine"],
            ..Recording::default()
        };
        for written in [RuleSource::Leakgate, RuleSource::Gitleaks] {
            let with = spec(vec!["zz_12345678".into()]);
            assert_eq!(
                check_custom_rule(&with, "f", written, &failing),
                Err("example 1 does not match".to_owned()),
                "{written:?}"
            );
            let bad = RuleSpec {
                regex: "zz_(".into(),
                ..with.clone()
            };
            let message = check_custom_rule(&bad, "f", written, &failing).expect_err("bad regex");
            assert!(message.starts_with("bad regex:"), "{message}");
            let bad_glob = RuleSpec {
                paths: vec!["{a,b".into()],
                ..with
            };
            let message =
                check_custom_rule(&bad_glob, "f", written, &failing).expect_err("bad glob");
            assert!(
                message.starts_with("bad path glob 1 in `paths`"),
                "{message}"
            );
        }
        let none = Recording::default();
        assert_eq!(
            check_custom_rule(&spec(Vec::new()), "f", RuleSource::Leakgate, &none),
            Err("has no examples".to_owned())
        );
        assert_eq!(
            check_custom_rule(&spec(Vec::new()), "f", RuleSource::Gitleaks, &none),
            Ok(())
        );
    }

    /// What loads is what runs: for every allowlist pattern, loading accepts it exactly when
    /// the rule set a scan uses compiles it.
    #[test]
    fn allowlist_patterns_load_exactly_when_they_compile_for_the_scan() {
        let regexes = [
            r"^ok$",
            r"(unclosed",
            r"\p{Greek}",
            r"\w+",
            r"(?u)\w",
            "[[:alpha:]]",
        ];
        let globs = ["*.pem", "a**", "[z-a]", "dir/**/x", "{a,b", "[!x]y", "**"];
        for (key, patterns) in [
            ("regexes", &regexes[..]),
            ("lines", &regexes[..]),
            ("paths", &globs[..]),
        ] {
            for pattern in patterns {
                let text = format!("[allowlist]\n{key} = ['''{pattern}''']\n");
                let loads = parse(CONFIG_FILE, &text, &Recording::default()).is_ok();
                let config: Config = toml::from_str(&text).expect("toml");
                let compiles = config.rule_set().is_ok();
                assert_eq!(loads, compiles, "{key} = {pattern}");
            }
        }
        // And the set is not trivially one-sided.
        assert!(
            parse(
                CONFIG_FILE,
                "[allowlist]\nlines = ['''\\p{Greek}''']\n",
                &Recording::default()
            )
            .is_err()
        );
        assert!(
            parse(
                CONFIG_FILE,
                "[allowlist]\npaths = ['''*.pem''']\n",
                &Recording::default()
            )
            .is_ok()
        );
    }
}
