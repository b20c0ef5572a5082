//! Rules: the data that says what a secret looks like.
//!
//! Built-in rules are `rules/*.toml`, embedded at build time (see `rules/README.md` for the
//! schema). A [`RuleSet`] compiles them into one aho-corasick automaton over every rule's
//! keywords; each rule's regex is compiled lazily, the first time its keyword occurs, so that
//! start-up stays in single-digit milliseconds.

pub mod check;

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::bytes::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

/// The rule files compiled into the binary, as (file name, TOML text).
pub const BUILTIN_RULE_FILES: &[(&str, &str)] =
    &include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// What kind of evidence a rule looks for; decides which value checks apply and which rule wins
/// when two matches overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// A provider format with a recognisable shape (`sk-ant-api03-…`, `AKIA…`, PEM blocks).
    #[default]
    Token,
    /// A generic `key = value` assignment: the key must name a secret and the value must not be
    /// a placeholder, a reference or an expression.
    Assignment,
    /// A risky setting, not a secret (an agent sandbox switched off): no entropy or placeholder
    /// checks, and the matched value is shown, not redacted. Below `high` severity it is a
    /// warning that fails the run only with `--strict`.
    Policy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    #[default]
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// A rule as written in a rules file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub regex: String,
    #[serde(default)]
    pub kind: RuleKind,
    #[serde(default)]
    pub severity: Severity,
    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub multiline: bool,
    /// Globs (gitignore-style, matched against the path) of the files the rule applies to;
    /// empty means every file.
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub allowlist: AllowlistSpec,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistSpec {
    /// Regexes over the secret: a secret matching one is not reported.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// Substrings (case-insensitive) of the secret that mark it as a placeholder.
    #[serde(default)]
    pub stopwords: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<RuleSpec>,
}

/// A rules file that is not valid TOML or does not fit the schema, pointing at the spot.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot parse rule file {file}")]
#[diagnostic(
    code(leakgate::rules::parse),
    help("see rules/README.md for the rule schema")
)]
pub struct RuleParseError {
    file: String,
    #[source_code]
    source_code: miette::NamedSource<String>,
    #[label("{message}")]
    span: Option<miette::SourceSpan>,
    message: String,
}

/// Why a rule file could not be loaded.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RuleError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Parse(Box<RuleParseError>),
    #[error("rule `{id}` in {file}: {message}")]
    #[diagnostic(code(leakgate::rules::invalid))]
    Invalid {
        file: String,
        id: String,
        message: String,
    },
}

/// A compiled rule: its spec plus lazily built matchers.
#[derive(Debug)]
pub struct Rule {
    pub spec: RuleSpec,
    /// Where the rule came from (a file name), for error messages.
    pub origin: String,
    regex: OnceLock<Result<Regex, String>>,
    allow_regexes: OnceLock<Vec<Regex>>,
    paths: OnceLock<Option<globset::GlobSet>>,
    stopwords_lower: Vec<String>,
}

/// The size limit for one compiled rule regex; generous, since rules are few.
const REGEX_SIZE_LIMIT: usize = 64 << 20;

fn build_regex(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

impl Rule {
    /// A rule from its spec, compiled lazily.
    pub fn from_spec(spec: RuleSpec, origin: String) -> Self {
        Self::new(spec, origin)
    }

    fn new(spec: RuleSpec, origin: String) -> Self {
        let stopwords_lower = spec
            .allowlist
            .stopwords
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .collect();
        Rule {
            spec,
            origin,
            regex: OnceLock::new(),
            allow_regexes: OnceLock::new(),
            paths: OnceLock::new(),
            stopwords_lower,
        }
    }

    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// The compiled regex, or why it does not compile.
    pub fn regex(&self) -> Result<&Regex, &str> {
        self.regex
            .get_or_init(|| build_regex(&self.spec.regex))
            .as_ref()
            .map_err(String::as_str)
    }

    /// The secret's capture group: `secret` if named, else group 1, else the whole match.
    pub fn secret_group(&self, regex: &Regex) -> SecretGroup {
        if regex.capture_names().any(|n| n == Some("secret")) {
            SecretGroup::Named
        } else if regex.captures_len() > 1 {
            SecretGroup::First
        } else {
            SecretGroup::Whole
        }
    }

    /// True if the rule's allowlist (regexes or stopwords) covers this secret.
    pub fn allowlisted(&self, secret: &[u8]) -> bool {
        if !self.stopwords_lower.is_empty() {
            let lower = secret.to_ascii_lowercase();
            if self
                .stopwords_lower
                .iter()
                .any(|w| memchr::memmem::find(&lower, w.as_bytes()).is_some())
            {
                return true;
            }
        }
        let regexes = self.allow_regexes.get_or_init(|| {
            self.spec
                .allowlist
                .regexes
                .iter()
                .filter_map(|p| build_regex(p).ok())
                .collect()
        });
        regexes.iter().any(|r| r.is_match(secret))
    }

    /// Does the rule apply to a file at `path`? Rules without `paths` apply everywhere.
    pub fn applies_to(&self, path: &str) -> bool {
        match self
            .paths
            .get_or_init(|| build_globs(&self.spec.paths).ok().flatten())
        {
            None => true,
            Some(set) => set.is_match(path),
        }
    }

    /// Compile everything now and say what is wrong, for `rules check` and for rules that come
    /// from outside the binary.
    pub fn validate(&self) -> Result<(), String> {
        if self.spec.id.trim().is_empty() {
            return Err("empty id".into());
        }
        if self.spec.keywords.is_empty() || self.spec.keywords.iter().any(|k| k.is_empty()) {
            return Err("every rule needs at least one non-empty keyword".into());
        }
        self.regex().map_err(|e| format!("bad regex: {e}"))?;
        build_globs(&self.spec.paths)?;
        for pattern in &self.spec.allowlist.regexes {
            build_regex(pattern).map_err(|e| format!("bad allowlist regex `{pattern}`: {e}"))?;
        }
        if self.spec.kind == RuleKind::Assignment {
            // An assignment rule without a `key` group only gets the value checks; that is
            // allowed (e.g. `Bearer <token>`), so nothing to check here.
        }
        Ok(())
    }
}

/// `paths` globs as one set; `None` when the rule has none. `*.toml` matches at any depth.
fn build_globs(patterns: &[String]) -> Result<Option<globset::GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = globset::GlobSetBuilder::new();
    for pattern in patterns {
        let pattern = if pattern.contains('/') {
            pattern.clone()
        } else {
            format!("**/{pattern}")
        };
        let glob = globset::GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("bad path glob `{pattern}`: {e}"))?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|e| e.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretGroup {
    Named,
    First,
    Whole,
}

/// All rules plus the keyword prefilter that decides which of them run where.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// Allowlists from the configuration, for every rule: secret regexes and stopwords, and
    /// paths never reported.
    global_allowlist: Option<Rule>,
    allowed_lines: Vec<Regex>,
    allowed_paths: Option<globset::GlobSet>,
    /// Texts the configuration in effect declares on purpose (its custom rules' examples and
    /// negative examples, its allowlist patterns): not findings inside a `.leakgate.toml`.
    declared_texts: Vec<String>,
    prefilter: AhoCorasick,
    /// For each prefilter pattern, the rules that listed it as a keyword.
    rules_by_keyword: Vec<Vec<usize>>,
}

impl RuleSet {
    /// The rules compiled into the binary.
    pub fn builtin() -> Result<Self, RuleError> {
        Self::from_config(&crate::config::Config::default())
    }

    pub fn new(rules: Vec<Rule>) -> Result<Self, RuleError> {
        let mut seen = std::collections::HashSet::new();
        for rule in &rules {
            if !seen.insert(rule.id().to_owned()) {
                return Err(RuleError::Invalid {
                    file: rule.origin.clone(),
                    id: rule.id().to_owned(),
                    message: "duplicate rule id".into(),
                });
            }
        }
        let mut keywords: Vec<String> = Vec::new();
        let mut rules_by_keyword: Vec<Vec<usize>> = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            for keyword in &rule.spec.keywords {
                let lower = keyword.to_ascii_lowercase();
                match keywords.iter().position(|k| *k == lower) {
                    Some(p) => {
                        if !rules_by_keyword[p].contains(&index) {
                            rules_by_keyword[p].push(index);
                        }
                    }
                    None => {
                        keywords.push(lower);
                        rules_by_keyword.push(vec![index]);
                    }
                }
            }
        }
        // A DFA, explicitly: above ~100 patterns the crate would pick a slower NFA by default,
        // and this automaton sees every byte scanned.
        let prefilter = AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&keywords)
            .map_err(|e| RuleError::Invalid {
                file: "<all>".into(),
                id: "<keywords>".into(),
                message: e.to_string(),
            })?;
        Ok(RuleSet {
            rules,
            prefilter,
            rules_by_keyword,
            global_allowlist: None,
            allowed_lines: Vec::new(),
            allowed_paths: None,
            declared_texts: Vec::new(),
        })
    }

    /// The built-in rules adjusted by the configuration: custom rules added, disabled ones
    /// removed, severities changed, global allowlists attached.
    pub fn from_config(config: &crate::config::Config) -> Result<Self, RuleError> {
        let mut rules = Vec::new();
        for (file, text) in BUILTIN_RULE_FILES {
            rules.extend(parse_rule_file(file, text)?);
        }
        rules.extend(
            config
                .rules
                .custom
                .iter()
                .cloned()
                .map(|spec| Rule::new(spec, ".leakgate.toml".into())),
        );
        for id in config
            .rules
            .disable
            .iter()
            .chain(config.rules.severity.keys())
        {
            if !rules.iter().any(|r| r.id() == id) {
                return Err(RuleError::Invalid {
                    file: ".leakgate.toml".into(),
                    id: id.clone(),
                    message: "no rule has this id (see `leakgate rules list`)".into(),
                });
            }
        }
        rules.retain(|r| !config.rules.disable.contains(&r.spec.id));
        for rule in &mut rules {
            if let Some(severity) = config.rules.severity.get(&rule.spec.id) {
                rule.spec.severity = *severity;
            }
        }
        let mut set = Self::new(rules)?;
        let allow = &config.allowlist;
        set.declared_texts = config
            .rules
            .custom
            .iter()
            .flat_map(|spec| spec.examples.iter().chain(&spec.negative_examples))
            .chain(&allow.regexes)
            .chain(&allow.stopwords)
            .chain(&allow.lines)
            .cloned()
            .collect();
        if !allow.regexes.is_empty() || !allow.stopwords.is_empty() {
            let spec = RuleSpec {
                id: "<allowlist>".into(),
                description: String::new(),
                keywords: Vec::new(),
                regex: String::new(),
                kind: RuleKind::Token,
                severity: Severity::Low,
                min_entropy: None,
                multiline: false,
                paths: Vec::new(),
                allowlist: AllowlistSpec {
                    regexes: allow.regexes.clone(),
                    stopwords: allow.stopwords.clone(),
                },
                examples: Vec::new(),
                negative_examples: Vec::new(),
            };
            set.global_allowlist = Some(Rule::new(spec, ".leakgate.toml".into()));
        }
        // Compiled as they are used (bytes, no Unicode classes, size-limited): a pattern the
        // configuration check accepted can still fail here, and is an error, never dropped.
        set.allowed_lines = allow
            .lines
            .iter()
            .map(|pattern| {
                build_regex(pattern).map_err(|message| RuleError::Invalid {
                    file: ".leakgate.toml".into(),
                    id: "allowlist.lines".into(),
                    // The reason only: the parser's message quotes the pattern, which
                    // may hold what it allows.
                    message: format!(
                        "bad allowlist regex: {}",
                        message
                            .rsplit("error: ")
                            .next()
                            .unwrap_or("invalid pattern")
                    ),
                })
            })
            .collect::<Result<_, _>>()?;
        set.allowed_paths = build_globs(&allow.paths).map_err(|message| RuleError::Invalid {
            file: ".leakgate.toml".into(),
            id: "allowlist.paths".into(),
            message,
        })?;
        Ok(set)
    }

    /// Is this secret allowlisted by the configuration, whatever the rule?
    pub fn globally_allowed(&self, secret: &[u8], line: &[u8]) -> bool {
        self.global_allowlist
            .as_ref()
            .is_some_and(|rule| rule.allowlisted(secret))
            || self.allowed_lines.iter().any(|regex| regex.is_match(line))
    }

    /// Is this file allowlisted (never reported)? The configuration's `allowlist.paths`.
    /// leakgate's own configuration file is scanned like any other (a change must not hide a
    /// secret in a `.leakgate.toml`); only its rules' examples are left out, by the scanner.
    pub fn path_allowed(&self, path: &str) -> bool {
        self.allowed_paths
            .as_ref()
            .is_some_and(|set| set.is_match(path))
    }

    /// Texts the configuration in effect declares on purpose: matches inside them, in a
    /// `.leakgate.toml`, are not findings.
    pub fn declared_texts(&self) -> &[String] {
        &self.declared_texts
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rule(&self, index: usize) -> &Rule {
        &self.rules[index]
    }

    pub fn prefilter(&self) -> &AhoCorasick {
        &self.prefilter
    }

    pub fn rules_for_keyword(&self, pattern: usize) -> &[usize] {
        &self.rules_by_keyword[pattern]
    }
}

/// Parse one rules file into rules (not yet compiled).
pub fn parse_rule_file(file: &str, text: &str) -> Result<Vec<Rule>, RuleError> {
    let parsed: RuleFile = toml::from_str(text).map_err(|e| {
        RuleError::Parse(Box::new(RuleParseError {
            file: file.to_owned(),
            source_code: miette::NamedSource::new(file, text.to_owned()),
            span: e.span().map(Into::into),
            message: e.message().to_owned(),
        }))
    })?;
    Ok(parsed
        .rule
        .into_iter()
        .map(|spec| Rule::new(spec, file.to_owned()))
        .collect())
}
