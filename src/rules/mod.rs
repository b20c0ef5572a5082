//! Rules: the data that says what a secret looks like.
//!
//! Built-in rules are `rules/*.toml`, embedded at build time (see `rules/README.md` for the
//! schema). A [`RuleSet`] compiles them into one aho-corasick automaton over every rule's
//! keywords; each rule's regex is compiled lazily, the first time its keyword occurs, so that
//! start-up stays in single-digit milliseconds.
//!
//! Rules are data plus compilation and know nothing of configuration: the configuration module
//! builds a [`RuleSet`] (custom rules added, some disabled, a [`GlobalAllowlist`] attached) and
//! validates what it reads by compiling it with the functions here ([`compile_regex`],
//! [`compile_globs`]), the ones the scanner's matchers are built with. Checking rules against
//! their examples needs the scanner, so it lives with it (`scan::examples`).

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

pub mod checksum;
pub mod prefilter;

pub use checksum::Checksum;
pub use prefilter::{Hit, KeywordPrefilter};

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

/// How sure leakgate is that a finding is a live credential: `high` for a provider format (or a
/// decoded credential), `medium` for a generic secret-named key with a random-looking value,
/// `low` for a weak literal password or a value in a test fixture. Confidence, not severity,
/// decides whether a finding blocks (`--min-confidence`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// One level lower (a test fixture's credential); `low` stays `low`.
    pub fn lowered(self) -> Confidence {
        match self {
            Confidence::High => Confidence::Medium,
            Confidence::Medium | Confidence::Low => Confidence::Low,
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
    /// How sure a match of this rule is; when absent, decided by its kind (see
    /// [`RuleSpec::confidence`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    /// For an assignment rule whose context leaves no doubt that the value is a password (a
    /// key naming a password, `mysql -p`, a credential constructor's password argument): a
    /// literal too weak for the generic checks (short, all letters) is still reported, at
    /// this confidence, unless it is a placeholder (see `scan::literal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weak_literals: Option<Confidence>,
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
    /// Where the secret is revoked or rotated: an `https://` URL of the provider's own page.
    /// After a leak it is the first thing a user needs, so every report carries it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke: Option<String>,
    /// The checksum the secret must pass (`"github-crc32"`, …): a match whose checksum does
    /// not verify is not reported (see [`Checksum`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<Checksum>,
    /// The partner a paired credential needs within a few lines (an AWS secret key's key id):
    /// without it the secret is not reported by this rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<RequiresSpec>,
    /// The rule reads only text a decoder took from this context (`basic-auth`: the
    /// `user:password` of a decoded Basic credential), never text as written; its keywords
    /// name where such text is found but do not enter the prefilter (the decoder decides
    /// where the rule runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<RuleContext>,
}

impl RuleSpec {
    /// The rule's own confidence, else its kind's: a provider format is `high`, a generic
    /// assignment `medium` (a policy finding is a fact about a setting: `high`).
    pub fn confidence(&self) -> Confidence {
        self.confidence.unwrap_or(match self.kind {
            RuleKind::Token | RuleKind::Policy => Confidence::High,
            RuleKind::Assignment => Confidence::Medium,
        })
    }
}

/// Where a decoder found a text, for the rules that read only such text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleContext {
    /// `user:password`, decoded from an `Authorization: Basic` value, a Docker registry
    /// `auth` or a `basic_auth` field.
    BasicAuth,
}

/// The second half of a paired credential (`[rule.requires]`): a regex that must match within
/// `within_lines` lines of the secret (before or after it, the secret's own line included).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RequiresSpec {
    /// What the partner looks like. Its location is the group named `partner`, else group 1,
    /// else the whole match.
    pub regex: String,
    /// How many lines away from the secret's line the partner may be (0: the same line).
    pub within_lines: usize,
}

/// The most lines a partner may be away: the scanner searches that many lines around every
/// keyword, so it stays a window, not the file.
pub const MAX_WITHIN_LINES: usize = 50;

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
    regex: OnceLock<Result<Regex, PatternError>>,
    /// The partner's regex, for a rule with `requires`.
    partner: OnceLock<Result<Regex, PatternError>>,
    allowlist: OnceLock<Result<SecretAllowlist, PatternError>>,
    paths: OnceLock<Option<globset::GlobSet>>,
}

/// The size limit for one compiled rule regex; generous, since rules are few.
const REGEX_SIZE_LIMIT: usize = 64 << 20;

/// Why a pattern (a regex or a path glob) does not compile: the reason only, never the pattern,
/// which may be a secret someone allowlisted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct PatternError {
    /// Which pattern of a list (1-based), when one of a list failed.
    pub position: Option<usize>,
    reason: String,
}

impl PatternError {
    /// The error as that of the `position`th (1-based) pattern of a list.
    pub fn at(self, position: usize) -> Self {
        PatternError {
            position: Some(position),
            ..self
        }
    }
}

/// Compile a regex the way every matcher of a rule set is compiled (on bytes, no Unicode
/// classes, size-limited): rule regexes, allowlist regexes on secrets and on lines. Validating a
/// pattern is compiling it here, so what a check accepts is what a scan runs.
pub fn compile_regex(pattern: &str) -> Result<Regex, PatternError> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| PatternError {
            position: None,
            reason: match e {
                // The parser's message quotes the pattern above its reason; keep the reason.
                regex::Error::Syntax(text) => text
                    .rsplit("error: ")
                    .next()
                    .unwrap_or("invalid pattern")
                    .trim()
                    .to_owned(),
                regex::Error::CompiledTooBig(limit) => {
                    format!("the compiled pattern exceeds the size limit of {limit} bytes")
                }
                _ => "invalid pattern".to_owned(),
            },
        })
}

/// Path globs as one set, compiled the way every path filter is (gitignore-style: a glob
/// without `/` matches at any depth, `*` does not cross `/`); `None` when there are none.
pub fn compile_globs(patterns: &[String]) -> Result<Option<globset::GlobSet>, PatternError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = globset::GlobSetBuilder::new();
    for (index, pattern) in patterns.iter().enumerate() {
        let pattern = if pattern.contains('/') {
            pattern.clone()
        } else {
            format!("**/{pattern}")
        };
        let glob = globset::GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            // The kind only: globset's message quotes the whole glob.
            .map_err(|e| PatternError {
                position: Some(index + 1),
                reason: e.kind().to_string(),
            })?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|e| PatternError {
        position: None,
        reason: e.kind().to_string(),
    })
}

/// Secrets allowed despite matching: regexes on the secret, and stopwords (case-insensitive
/// substrings of it). A rule has one (its `allowlist`); so does the configuration, for every
/// rule ([`GlobalAllowlist`]).
#[derive(Debug, Default)]
pub struct SecretAllowlist {
    regexes: Vec<Regex>,
    stopwords_lower: Vec<String>,
}

impl SecretAllowlist {
    /// Compile the regexes ([`compile_regex`]); the first that does not compile is the error,
    /// with its position among `regexes`.
    pub fn compile(regexes: &[String], stopwords: &[String]) -> Result<Self, PatternError> {
        Ok(SecretAllowlist {
            regexes: regexes
                .iter()
                .enumerate()
                .map(|(index, p)| compile_regex(p).map_err(|e| e.at(index + 1)))
                .collect::<Result<_, _>>()?,
            stopwords_lower: stopwords.iter().map(|s| s.to_ascii_lowercase()).collect(),
        })
    }

    /// Does a stopword or a regex cover this secret?
    pub fn covers(&self, secret: &[u8]) -> bool {
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
        self.regexes.iter().any(|r| r.is_match(secret))
    }
}

/// What the configuration allows whatever the rule: secrets ([`SecretAllowlist`]), lines a
/// secret is on, and paths never reported. Its own type, not a rule: it has no regex or
/// keywords, so it never matches anything itself.
#[derive(Debug, Default)]
pub struct GlobalAllowlist {
    pub secrets: SecretAllowlist,
    /// Regexes on the whole line a secret is on.
    pub lines: Vec<Regex>,
    /// Files never reported.
    pub paths: Option<globset::GlobSet>,
}

impl Rule {
    /// A rule from its spec, compiled lazily: [`Rule::validate`] compiles it now.
    pub fn from_spec(spec: RuleSpec, origin: String) -> Self {
        Self::new(spec, origin)
    }

    fn new(spec: RuleSpec, origin: String) -> Self {
        Rule {
            spec,
            origin,
            regex: OnceLock::new(),
            partner: OnceLock::new(),
            allowlist: OnceLock::new(),
            paths: OnceLock::new(),
        }
    }

    /// The rule's own allowlist, compiled on first use (rules are many and few have one).
    fn allowlist(&self) -> &Result<SecretAllowlist, PatternError> {
        self.allowlist.get_or_init(|| {
            let spec = &self.spec.allowlist;
            SecretAllowlist::compile(&spec.regexes, &spec.stopwords)
        })
    }

    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// The compiled regex, or why it does not compile.
    pub fn regex(&self) -> Result<&Regex, &PatternError> {
        self.regex
            .get_or_init(|| compile_regex(&self.spec.regex))
            .as_ref()
    }

    /// The compiled regex of the partner a paired rule requires (`None` for other rules), or
    /// why it does not compile.
    pub fn partner_regex(&self) -> Option<Result<&Regex, &PatternError>> {
        let requires = self.spec.requires.as_ref()?;
        Some(
            self.partner
                .get_or_init(|| compile_regex(&requires.regex))
                .as_ref(),
        )
    }

    /// How many lines from the secret a paired rule's partner may be; `None` for other rules.
    pub fn within_lines(&self) -> Option<usize> {
        self.spec
            .requires
            .as_ref()
            .map(|r| r.within_lines.min(MAX_WITHIN_LINES))
    }

    /// Does this secret pass the rule's checksum (always, for a rule without one)?
    pub fn checksum_verifies(&self, secret: &[u8]) -> bool {
        self.spec.checksum.is_none_or(|c| c.verifies(secret))
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

    /// True if the rule's allowlist (regexes or stopwords) covers this secret. An allowlist
    /// that does not compile allows nothing (the finding is reported); it never gets this far,
    /// since every rule is validated first: built-in ones by `rules check` and the test suite,
    /// every other by the configuration's rule validator.
    pub fn allowlisted(&self, secret: &[u8]) -> bool {
        self.allowlist()
            .as_ref()
            .is_ok_and(|allowlist| allowlist.covers(secret))
    }

    /// Does the rule apply to a file at `path`? Rules without `paths` apply everywhere, and so
    /// does one whose paths do not compile (caught by [`Rule::validate`] first): a wrong glob
    /// must not hide a secret.
    pub fn applies_to(&self, path: &str) -> bool {
        match self
            .paths
            .get_or_init(|| compile_globs(&self.spec.paths).ok().flatten())
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
        if let Some(requires) = &self.spec.requires {
            if let Some(Err(e)) = self.partner_regex() {
                return Err(format!("bad regex in `requires.regex`: {e}"));
            }
            if requires.within_lines > MAX_WITHIN_LINES {
                return Err(format!(
                    "`requires.within_lines` is {}; at most {MAX_WITHIN_LINES} lines are searched around a secret",
                    requires.within_lines
                ));
            }
            if self.spec.multiline {
                return Err("a rule with `requires` cannot be `multiline`".into());
            }
        }
        if let Some(url) = &self.spec.revoke
            && !is_https_url(url)
        {
            return Err(
                "`revoke` must be an https:// URL of the provider's page for revoking or rotating the secret"
                    .into(),
            );
        }
        let position = |e: &PatternError| e.position.unwrap_or(1);
        compile_globs(&self.spec.paths).map_err(|e| {
            format!(
                "bad path glob {} in `paths`: {e}; fix it or remove it",
                position(&e)
            )
        })?;
        let allow = &self.spec.allowlist;
        SecretAllowlist::compile(&allow.regexes, &allow.stopwords).map_err(|e| {
            format!(
                "bad allowlist regex {} in `allowlist.regexes`: {e}; fix it or remove it",
                position(&e)
            )
        })?;
        // An assignment rule without a `key` group only gets the value checks; that is allowed
        // (e.g. `Bearer <token>`), so there is nothing more to check.
        Ok(())
    }
}

/// An `https://` URL with a host and nothing a terminal or a CI log could act on.
fn is_https_url(url: &str) -> bool {
    url.strip_prefix("https://").is_some_and(|rest| {
        !rest.is_empty() && !rest.starts_with('/') && rest.bytes().all(|b| b.is_ascii_graphic())
    })
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
    /// The configuration's allowlist, for every rule.
    allowlist: GlobalAllowlist,
    /// Texts the configuration in effect declares on purpose (its custom rules' examples and
    /// negative examples, its allowlist patterns): not findings inside a `.leakgate.toml`.
    declared_texts: Vec<String>,
    prefilter: KeywordPrefilter,
    /// For each prefilter pattern, the rules that listed it as a keyword.
    rules_by_keyword: Vec<Vec<usize>>,
    /// The rules that read only decoded text of a context, with it: never in the prefilter.
    context_rules: Vec<(RuleContext, usize)>,
}

impl RuleSet {
    /// The rules compiled into the binary, as they are: no configuration.
    pub fn builtin() -> Result<Self, RuleError> {
        Self::new(builtin_rules()?)
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
        let mut keyword_index: HashMap<String, usize> = HashMap::new();
        let mut context_rules = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            if let Some(context) = rule.spec.context {
                context_rules.push((context, index));
                continue;
            }
            for keyword in &rule.spec.keywords {
                let lower = keyword.to_ascii_lowercase();
                match keyword_index.get(&lower) {
                    Some(&p) => {
                        if !rules_by_keyword[p].contains(&index) {
                            rules_by_keyword[p].push(index);
                        }
                    }
                    None => {
                        keyword_index.insert(lower.clone(), keywords.len());
                        keywords.push(lower);
                        rules_by_keyword.push(vec![index]);
                    }
                }
            }
        }
        let prefilter = KeywordPrefilter::new(&keywords).map_err(|e| RuleError::Invalid {
            file: "<all>".into(),
            id: "<keywords>".into(),
            message: e.to_string(),
        })?;
        Ok(RuleSet {
            rules,
            prefilter,
            rules_by_keyword,
            context_rules,
            allowlist: GlobalAllowlist::default(),
            declared_texts: Vec::new(),
        })
    }

    /// The set with the configuration's allowlist, for every rule.
    pub fn with_allowlist(self, allowlist: GlobalAllowlist) -> Self {
        RuleSet { allowlist, ..self }
    }

    /// The set with the texts the configuration declares on purpose (see
    /// [`RuleSet::declared_texts`]).
    pub fn with_declared_texts(self, declared_texts: Vec<String>) -> Self {
        RuleSet {
            declared_texts,
            ..self
        }
    }

    /// Is this secret allowlisted by the configuration, whatever the rule?
    pub fn globally_allowed(&self, secret: &[u8], line: &[u8]) -> bool {
        self.allowlist.secrets.covers(secret)
            || self
                .allowlist
                .lines
                .iter()
                .any(|regex| regex.is_match(line))
    }

    /// Is this file allowlisted (never reported)? The configuration's `allowlist.paths`.
    /// leakgate's own configuration file is scanned like any other (a change must not hide a
    /// secret in a `.leakgate.toml`); only its rules' examples are left out, by the scanner.
    pub fn path_allowed(&self, path: &str) -> bool {
        self.allowlist
            .paths
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

    pub fn prefilter(&self) -> &KeywordPrefilter {
        &self.prefilter
    }

    pub fn rules_for_keyword(&self, pattern: usize) -> &[usize] {
        &self.rules_by_keyword[pattern]
    }

    /// The rules that read the decoded text of `context` (and nothing else).
    pub fn rules_in_context(&self, context: RuleContext) -> impl Iterator<Item = usize> + '_ {
        self.context_rules
            .iter()
            .filter(move |(c, _)| *c == context)
            .map(|&(_, index)| index)
    }
}

/// The built-in rule files translated to JSON at build time (build.rs): parsing it is several
/// times faster than parsing the TOML, and start-up pays it on every run.
const BUILTIN_RULES_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/builtin_rules.json"));

/// The built-in rules' examples, apart: only `rules check` reads them (see build.rs).
const BUILTIN_EXAMPLES_JSON: &str =
    include_str!(concat!(env!("OUT_DIR"), "/builtin_examples.json"));

/// The examples of one built-in rule.
#[derive(Debug, Deserialize)]
pub struct BuiltinExamples {
    pub file: String,
    pub id: String,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
}

/// The examples and negative examples of every built-in rule, which the rules that
/// [`builtin_rules`] gives do not carry (start-up need not read them).
pub fn builtin_examples() -> Vec<BuiltinExamples> {
    match serde_json::from_str::<Vec<BuiltinExamples>>(BUILTIN_EXAMPLES_JSON) {
        Ok(examples) => examples,
        // The rules file that does not fit the schema fails `builtin_rules` first, with the
        // TOML parser pointing at the spot; from TOML here too.
        Err(_) => BUILTIN_RULE_FILES
            .iter()
            .filter_map(|(file, text)| parse_rule_file(file, text).ok())
            .flatten()
            .map(|rule| BuiltinExamples {
                id: rule.spec.id,
                file: rule.origin,
                examples: rule.spec.examples,
                negative_examples: rule.spec.negative_examples,
            })
            .collect(),
    }
}

#[derive(Deserialize)]
struct BuiltinFile {
    file: String,
    rule: Vec<RuleSpec>,
}

/// The rules of every built-in rules file (not yet compiled), without their examples (see
/// [`builtin_examples`]).
pub fn builtin_rules() -> Result<Vec<Rule>, RuleError> {
    match serde_json::from_str::<Vec<BuiltinFile>>(BUILTIN_RULES_JSON) {
        Ok(files) => Ok(files
            .into_iter()
            .flat_map(|f| {
                let file = f.file;
                f.rule
                    .into_iter()
                    .map(move |spec| Rule::new(spec, file.clone()))
            })
            .collect()),
        // A file that does not fit the schema: the TOML parser points at the spot.
        Err(_) => {
            let mut rules = Vec::new();
            for (file, text) in BUILTIN_RULE_FILES {
                rules.extend(parse_rule_file(file, text)?);
            }
            Ok(rules)
        }
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

#[cfg(test)]
mod tests {
    use super::is_https_url;

    /// The JSON start-up reads is the TOML as written: the same rules, fields and order.
    #[test]
    fn builtin_json_is_the_toml() {
        let mut from_json = super::builtin_rules().expect("built-in rules");
        let examples = super::builtin_examples();
        assert_eq!(examples.len(), from_json.len());
        for (rule, examples) in from_json.iter_mut().zip(examples) {
            assert_eq!(
                (&rule.origin, &rule.spec.id),
                (&examples.file, &examples.id)
            );
            assert!(rule.spec.examples.is_empty() && rule.spec.negative_examples.is_empty());
            rule.spec.examples = examples.examples;
            rule.spec.negative_examples = examples.negative_examples;
        }
        let mut from_toml = Vec::new();
        for (file, text) in super::BUILTIN_RULE_FILES {
            from_toml.extend(super::parse_rule_file(file, text).expect("TOML"));
        }
        let as_value = |rules: &[super::Rule]| {
            rules
                .iter()
                .map(|r| {
                    (
                        r.origin.clone(),
                        serde_json::to_value(&r.spec).expect("json"),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert!(from_toml.len() > 200);
        assert_eq!(as_value(&from_json), as_value(&from_toml));
    }

    #[test]
    fn revoke_urls_are_https_with_a_host_and_nothing_else() {
        assert!(is_https_url("https://github.com/settings/tokens"));
        for bad in [
            "http://github.com/settings/tokens",
            "https://",
            "https:///path",
            "https://host/with space",
            "https://host/\u{1b}[31m",
            "javascript:alert(1)",
        ] {
            assert!(!is_https_url(bad), "{bad:?} accepted");
        }
    }
}
