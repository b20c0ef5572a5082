//! Rules: the data that says what a secret looks like.
//!
//! Built-in rules are `rules/*.toml`, embedded at build time (see `rules/README.md` for the
//! schema; [`spec`] is its types). A [`RuleSet`] finds every rule's keywords with one
//! aho-corasick automaton ([`prefilter`]); each rule's regex is compiled lazily, the first time
//! its keyword occurs. Start-up, which every pre-commit run and agent hook call pays, parses and
//! builds nothing for the built-in rules: build.rs wrote them and their automaton as static
//! tables (`builtin`), a rule's spec is copied out of them when first read ([`LazySpec`]), and
//! only custom keywords the built-in automaton lacks make one be built.
//!
//! Rules are data plus compilation and know nothing of configuration: the configuration module
//! builds a [`RuleSet`] (custom rules added, some disabled, a [`GlobalAllowlist`] attached) and
//! validates what it reads by compiling it with the functions here ([`compile_regex`],
//! [`compile_globs`]), the ones the scanner's matchers are built with. Checking rules against
//! their examples needs the scanner, so it lives with it (`scan::examples`).

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input, Span, meta};

mod builtin;
pub mod checksum;
pub mod prefilter;
pub mod spec;

pub use checksum::Checksum;
pub use prefilter::{DECODER_WORDS, Hit, KeywordPrefilter};
use spec::RuleFile;
pub use spec::{
    AllowlistSpec, Confidence, RequiresSpec, RuleContext, RuleKind, RuleSpec, Severity,
};

/// The rule files compiled into the binary, as (file name, TOML text).
pub const BUILTIN_RULE_FILES: &[(&str, &str)] =
    &include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The most lines a partner may be away: the scanner searches that many lines around every
/// keyword, so it stays a window, not the file.
pub const MAX_WITHIN_LINES: usize = 50;

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
    /// What the rules file says (a built-in rule's is copied out of the binary on first use).
    pub spec: LazySpec,
    /// Where the rule came from (a file name), for error messages.
    pub origin: String,
    regex: OnceLock<Result<RuleRegex, PatternError>>,
    /// The regex with its counts opened up, when that changes it (see [`Rule::gate`]), and the
    /// run of bytes every match holds, when it is long (see [`RequiredRun`]).
    gate: OnceLock<Gate>,
    /// The partner's regex, for a rule with `requires`.
    partner: OnceLock<Result<Regex, PatternError>>,
    /// The partner's regex with its counts opened up (see [`Rule::partner_gate`]).
    partner_gate: OnceLock<Option<RuleRegex>>,
    allowlist: OnceLock<Result<SecretAllowlist, PatternError>>,
    paths: OnceLock<Option<globset::GlobSet>>,
    /// A built-in rule's keywords' ids in the built-in prefilter (see [`builtin`]), as build.rs
    /// wrote them; trusted only while the keywords are still those (`spec` is public).
    keyword_ids: Option<&'static [u32]>,
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

/// A rule's own regex (and its gate): the engine behind [`Regex`], used directly because a rule's
/// search is sometimes anchored (see [`Rule::captures_from`]), which [`Regex`] cannot ask for.
pub type RuleRegex = meta::Regex;

/// Compile a rule's regex exactly as [`compile_regex`] does (the same syntax, limits and match
/// semantics as [`RegexBuilder`] on bytes), into a [`RuleRegex`]. A pattern that does not
/// compile is compiled again by [`compile_regex`] for its error, so both say the same.
fn compile_rule_regex(pattern: &str) -> Result<RuleRegex, PatternError> {
    rule_regex_builder().build(pattern).map_err(|_| {
        compile_regex(pattern)
            .err()
            .unwrap_or_else(|| PatternError {
                position: None,
                reason: "invalid pattern".to_owned(),
            })
    })
}

/// The settings [`RegexBuilder`] gives a bytes regex with `unicode(false)` and the rules' size
/// limits.
fn rule_regex_builder() -> meta::Builder {
    let mut builder = meta::Regex::builder();
    builder
        .configure(
            meta::Config::new()
                .match_kind(regex_automata::MatchKind::LeftmostFirst)
                .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
                .hybrid_cache_capacity(REGEX_SIZE_LIMIT)
                .utf8_empty(false),
        )
        .syntax(
            regex_automata::util::syntax::Config::new()
                .unicode(false)
                .utf8(false),
        );
    builder
}

/// A pattern parsed as the rules compile it (on bytes, no Unicode classes), for what is read off
/// its structure: a rule's gate, the prefixes its secret starts with, how many lines it spans.
pub fn parse_pattern(pattern: &str) -> Option<regex_syntax::hir::Hir> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()
}

/// `hir` with every counted repetition opened up (`x{2,5}` and `x{2}` become `x+`, `x{0,5}`
/// becomes `x*`) and its capture groups dropped, which only widens what it matches: each match of
/// `hir` is a match of the result at the same start. The flag says whether anything was counted.
fn opened_up(hir: &regex_syntax::hir::Hir) -> (regex_syntax::hir::Hir, bool) {
    use regex_syntax::hir::{Hir, HirKind, Repetition};
    match hir.kind() {
        HirKind::Repetition(repetition) => {
            let (sub, counted_inside) = opened_up(&repetition.sub);
            let counted = repetition.min > 1 || repetition.max.is_some_and(|max| max > 1);
            let opened = Repetition {
                min: if counted {
                    repetition.min.min(1)
                } else {
                    repetition.min
                },
                max: if counted { None } else { repetition.max },
                greedy: repetition.greedy,
                sub: Box::new(sub),
            };
            (Hir::repetition(opened), counted || counted_inside)
        }
        HirKind::Capture(capture) => opened_up(&capture.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => {
            let mut counted = false;
            let parts = parts
                .iter()
                .map(|part| {
                    let (part, counted_here) = opened_up(part);
                    counted |= counted_here;
                    part
                })
                .collect();
            let joined = match hir.kind() {
                HirKind::Concat(_) => Hir::concat(parts),
                _ => Hir::alternation(parts),
            };
            (joined, counted)
        }
        _ => (hir.clone(), false),
    }
}

/// What a rule is searched with before its own regex: see [`Rule::gate`],
/// [`Rule::required_literals`] and [`Rule::required_run`]. The gate's regex is compiled when a
/// text first gets past the run: on a tree most rules with a long run find it nowhere and never
/// compile one.
#[derive(Debug)]
struct Gate {
    /// The rule's pattern, parsed (`None` if it does not parse; it then never gets this far).
    hir: Option<regex_syntax::hir::Hir>,
    run: Option<RequiredRun>,
    literals: Option<RequiredLiterals>,
    regex: OnceLock<Option<RuleRegex>>,
    /// The rule's own regex without a DFA, for the search anchored at the gate's first match
    /// (see [`Rule::captures_from`]).
    anchored: OnceLock<Option<RuleRegex>>,
}

/// The gate of a rule's parsed pattern: `None` when it counts nothing (the gate would be the
/// regex itself).
fn gate_regex(hir: &regex_syntax::hir::Hir) -> Option<RuleRegex> {
    let (opened, counted) = opened_up(hir);
    // Compiled like any rule's regex, but without the full DFA the regex engine builds for a
    // small pattern: a gate searches little text per run (most rules' regions on a tree come to
    // a few kilobytes), and determinizing it up front cost more than its lazy DFA's search
    // (about a fifth of the gates' compile time on rails). Should it not compile (it always
    // should), the rule's own regex does all the work.
    let mut builder = rule_regex_builder();
    builder.configure(meta::Config::new().dfa(false));
    counted
        .then(|| builder.build_from_hir(&opened).ok())
        .flatten()
}

/// The rule's own regex (`hir`, groups and all) compiled without its lazy DFA, for a search
/// anchored where the gate's first match starts, which most often ends in a match there. The
/// regex engine finds a match's groups in two passes: its lazy DFA finds where the match ends,
/// then a backtracker (or the PikeVM, past its limit) reads the groups off that span. Anchored at
/// a known start, the backtracker alone finds the same match in one pass, and it builds nothing:
/// the lazy DFA of a counted regex builds a state for every set of counts a line brings, each
/// thread anew. On the 6,276 lines of rails where `generic-assignment` matches, its groups cost
/// 6 ms from cold this way, against 12 ms through the lazy DFA (7 ms warm). An anchored search
/// never uses a prefilter either, so none is built.
fn anchored_regex(hir: &regex_syntax::hir::Hir) -> Option<RuleRegex> {
    let mut builder = rule_regex_builder();
    builder.configure(
        meta::Config::new()
            .dfa(false)
            .hybrid(false)
            .auto_prefilter(false),
    );
    builder.build_from_hir(hir).ok()
}

/// Runs shorter than this are not looked for: most text has them (identifiers of 16 letters),
/// so looking would cost without ruling anything out.
const MIN_REQUIRED_RUN: u32 = 20;

/// A run of bytes every match of a rule's regex holds: at least `length` bytes in a row, each
/// one of `bytes` (`[0-9a-fA-F]{64}` in an Ethereum key, `[A-Z2-7]{56}` in an NKey seed).
///
/// The gate opens counts up, so it cannot tell a text with no such run, and the rules with the
/// longest runs are those whose regions are largest: a keyword such as `accounts` or `seed`
/// opens a 32 KiB window for a multi-line rule, which the gate's lazy DFA then reads whole.
/// Looking for the run first reads a fraction of the text (one byte in `length` where no byte
/// of the class is), and a window without one is ruled out.
#[derive(Debug, Clone)]
pub struct RequiredRun {
    bytes: [bool; 256],
    length: usize,
}

impl RequiredRun {
    /// The longest run `hir` requires, when it is at least [`MIN_REQUIRED_RUN`] bytes: a
    /// repetition of one byte class, at least that many times, that every match passes through
    /// (not inside an alternative or an optional part).
    pub fn of(hir: &regex_syntax::hir::Hir) -> Option<RequiredRun> {
        use regex_syntax::hir::{Class, HirKind};
        fn longest<'h>(hir: &'h regex_syntax::hir::Hir, best: &mut Option<(&'h Class, u32)>) {
            match hir.kind() {
                HirKind::Repetition(repetition) if repetition.min >= 1 => {
                    match repetition.sub.kind() {
                        HirKind::Class(class) => {
                            if best.is_none_or(|(_, length)| repetition.min > length) {
                                *best = Some((class, repetition.min));
                            }
                        }
                        // What repeats at least once is in every match, once at least.
                        _ => longest(&repetition.sub, best),
                    }
                }
                HirKind::Capture(capture) => longest(&capture.sub, best),
                HirKind::Concat(parts) => parts.iter().for_each(|part| longest(part, best)),
                _ => {}
            }
        }
        let mut best = None;
        longest(hir, &mut best);
        let (class, length) = best.filter(|&(_, length)| length >= MIN_REQUIRED_RUN)?;
        let mut bytes = [false; 256];
        for byte in class_bytes(class, 256)? {
            bytes[usize::from(byte)] = true;
        }
        Some(RequiredRun {
            bytes,
            length: usize::try_from(length).ok()?,
        })
    }

    /// Whether `hay` holds `length` bytes in a row from the class. Only one byte in `length` is
    /// looked at until one is in the class; then the run around it, no further back than
    /// `length` bytes and no further on than where a long enough run would end. Each byte is
    /// read at most twice.
    pub fn occurs_in(&self, hay: &[u8]) -> bool {
        let length = self.length;
        let in_class = |byte: u8| self.bytes[usize::from(byte)];
        let mut probe = length - 1;
        // No run reaching the probe starts before this (the byte before it is outside the
        // class, or it is the text's start): the look back stops here.
        let mut floor = 0;
        while probe < hay.len() {
            if !in_class(hay[probe]) {
                floor = probe + 1;
                probe += length;
                continue;
            }
            let mut start = probe;
            while start > floor && probe - start < length - 1 && in_class(hay[start - 1]) {
                start -= 1;
            }
            let want_end = start + length;
            if want_end > hay.len() {
                return false;
            }
            match (probe + 1..want_end).find(|&at| !in_class(hay[at])) {
                None => return true,
                Some(stop) => {
                    floor = stop + 1;
                    probe = stop + length;
                }
            }
        }
        false
    }
}

/// A literal every match of a rule's regex holds (`</` in an XML element, `value` in a name and
/// value pair), or one of up to three bytes (`=`, `:` or `<` in an assignment's operator, one
/// of `:=`, `=>`, `<-`...): looked for with memchr's searchers, which read many bytes an
/// instruction, before the gate's lazy DFA reads one at a time. Many regions a generic rule's
/// keywords open (every line that names a `key` or a `token`) lack it.
#[derive(Debug, Clone)]
pub enum RequiredLiteral {
    Literal(Box<memchr::memmem::Finder<'static>>),
    OneOf(Vec<u8>),
}

/// Every [`RequiredLiteral`] worth looking for that each match of a rule's regex holds, the one
/// that rules most out first: each part of a pattern that every match passes through requires
/// its own (`://`, then `:` and `@` in a URL's credentials; `(`, a quote and `,` in a setter
/// call). The best alone let through every line that names a `token` but sets none.
#[derive(Debug, Clone)]
pub struct RequiredLiterals(Vec<RequiredLiteral>);

/// The most literals a rule looks for before its gate: each costs a search of the region.
const MAX_REQUIRED_LITERALS: usize = 4;

impl RequiredLiterals {
    /// What every match of `hir` holds, best first: the best of all (see [`required`]), then
    /// what other parts require where it is not made only of bytes that names and numbers are
    /// made of (found in nearly every region).
    pub fn of(hir: &regex_syntax::hir::Hir) -> Option<RequiredLiterals> {
        // The parts once: their best is what `required` gives the whole (`better` keeps the
        // first of equals, however the parts are grouped).
        let parts = required_parts(hir);
        let best = parts.iter().cloned().reduce(Requirement::better)?;
        let mut all = vec![best];
        for other in parts {
            if all.len() < MAX_REQUIRED_LITERALS
                && !all.contains(&other)
                && !other.bytes().iter().all(|&b| in_words(b))
            {
                all.push(other);
            }
        }
        // The rest best first too: a literal of two bytes or more before one of a few bytes.
        all[1..].sort_by_key(Requirement::rank);
        Some(RequiredLiterals(
            all.into_iter().map(RequiredLiteral::from).collect(),
        ))
    }

    /// Whether `hay` holds every one of them.
    pub fn occur_in(&self, hay: &[u8]) -> bool {
        self.0.iter().all(|literal| literal.occurs_in(hay))
    }
}

/// What each part of `hir` that every match passes through requires, flattened: the parts of
/// a concatenation (and of the groups and repetitions inside it) one by one; any other part as
/// a whole (see [`required`]).
fn required_parts(hir: &regex_syntax::hir::Hir) -> Vec<Requirement> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Repetition(repetition) if repetition.min >= 1 => required_parts(&repetition.sub),
        HirKind::Capture(capture) => required_parts(&capture.sub),
        HirKind::Concat(parts) => parts.iter().flat_map(required_parts).collect(),
        _ => required(hir).into_iter().collect(),
    }
}

/// What a part of a pattern requires of every match, as it is worked out.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    /// These bytes, in this order.
    Literal(Vec<u8>),
    /// One of these bytes (at most [`MAX_ONE_OF`], sorted, distinct).
    OneOf(Vec<u8>),
}

/// The most bytes a [`RequiredLiteral::OneOf`] looks for: memchr searches for up to three.
const MAX_ONE_OF: usize = 3;

impl Requirement {
    /// Which of two requirements rules more out: a literal of two bytes or more, the longer the
    /// better; then fewer bytes to choose from.
    fn better(self, other: Requirement) -> Requirement {
        if other.rank() < self.rank() {
            other
        } else {
            self
        }
    }

    /// Lower ranks rule more out.
    fn rank(&self) -> (u8, usize) {
        match self {
            Requirement::Literal(bytes) if bytes.len() >= 2 => (0, usize::MAX - bytes.len()),
            Requirement::Literal(_) => (1, 1),
            Requirement::OneOf(bytes) => (1, bytes.len()),
        }
    }

    /// The bytes any one of which meets it.
    fn bytes(&self) -> &[u8] {
        match self {
            Requirement::Literal(bytes) | Requirement::OneOf(bytes) => bytes,
        }
    }
}

impl RequiredLiteral {
    /// Whether `hay` holds the literal, or one of the bytes.
    pub fn occurs_in(&self, hay: &[u8]) -> bool {
        match self {
            RequiredLiteral::Literal(finder) => finder.find(hay).is_some(),
            RequiredLiteral::OneOf(bytes) => match bytes[..] {
                [a] => memchr::memchr(a, hay).is_some(),
                [a, b] => memchr::memchr2(a, b, hay).is_some(),
                [a, b, c] => memchr::memchr3(a, b, c, hay).is_some(),
                _ => true,
            },
        }
    }
}

impl From<Requirement> for RequiredLiteral {
    fn from(requirement: Requirement) -> Self {
        match requirement {
            Requirement::Literal(bytes) if bytes.len() >= 2 => {
                RequiredLiteral::Literal(Box::new(memchr::memmem::Finder::new(&bytes).into_owned()))
            }
            other => RequiredLiteral::OneOf(other.bytes().to_vec()),
        }
    }
}

/// The bytes a class matches, in order, when there are at most `most` of them; `None` for more,
/// or for a Unicode class beyond ASCII (rules compile without Unicode classes, where an ASCII
/// range is the same bytes).
fn class_bytes(class: &regex_syntax::hir::Class, most: usize) -> Option<Vec<u8>> {
    use regex_syntax::hir::Class;
    let mut bytes = Vec::new();
    match class {
        Class::Bytes(class) => {
            for range in class.ranges() {
                bytes.extend(range.start()..=range.end());
                if bytes.len() > most {
                    return None;
                }
            }
        }
        Class::Unicode(class) => {
            for range in class.ranges() {
                for c in range.start()..=range.end() {
                    bytes.push(u8::try_from(u32::from(c)).ok().filter(u8::is_ascii)?);
                    if bytes.len() > most {
                        return None;
                    }
                }
            }
        }
    }
    Some(bytes)
}

/// Bytes that names and numbers are made of, common in any text: between two bytes that cover
/// as many alternatives, the other one is looked for.
fn in_words(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.' | b' ')
}

/// What every match of `hir` requires: the best of what its parts that every match passes
/// through require (not an optional part). An alternation requires one of a few bytes when each
/// alternative requires something and one byte from each covers them all. Case-insensitive
/// letters are classes, so what is looked for is exactly what the regex matches.
fn required(hir: &regex_syntax::hir::Hir) -> Option<Requirement> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Literal(literal) => Some(Requirement::Literal(literal.0.to_vec())),
        HirKind::Class(class) => class_bytes(class, MAX_ONE_OF).map(Requirement::OneOf),
        // What repeats at least once is in every match, once at least.
        HirKind::Repetition(repetition) if repetition.min >= 1 => required(&repetition.sub),
        HirKind::Capture(capture) => required(&capture.sub),
        HirKind::Concat(parts) => parts
            .iter()
            .filter_map(required)
            .reduce(Requirement::better),
        HirKind::Alternation(alternatives) => {
            let each: Vec<Requirement> =
                alternatives.iter().map(required).collect::<Option<_>>()?;
            // One byte of each alternative, as few distinct ones as can be: those the most
            // alternatives share first.
            let mut chosen: Vec<u8> = Vec::new();
            let mut left: Vec<&Requirement> = each.iter().collect();
            while !left.is_empty() {
                // An alternative that needs one of a set needs the whole set chosen.
                let mut candidates: Vec<u8> = Vec::new();
                if let Some(set) = left.iter().find(|r| matches!(r, Requirement::OneOf(_))) {
                    chosen.extend_from_slice(set.bytes());
                } else {
                    candidates.extend(left.iter().flat_map(|r| r.bytes().iter().copied()));
                    candidates.sort_unstable();
                    let shared =
                        |byte: &u8| left.iter().filter(|r| r.bytes().contains(byte)).count();
                    let best = *candidates.iter().max_by_key(|&&byte| {
                        (shared(&byte), !in_words(byte), std::cmp::Reverse(byte))
                    })?;
                    chosen.push(best);
                }
                chosen.sort_unstable();
                chosen.dedup();
                if chosen.len() > MAX_ONE_OF {
                    return None;
                }
                left.retain(|r| match r {
                    Requirement::OneOf(set) => !set.iter().all(|b| chosen.contains(b)),
                    Requirement::Literal(bytes) => !bytes.iter().any(|b| chosen.contains(b)),
                });
            }
            Some(Requirement::OneOf(chosen))
        }
        _ => None,
    }
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

/// A rule's [`RuleSpec`], read through `Deref`. A built-in rule's is copied out of the tables
/// build.rs wrote only when first read: start-up needs no more than ids and keywords, which
/// [`Rule`] reads from the tables directly, and most rules never see their keyword in a scan.
pub struct LazySpec(Spec);

enum Spec {
    Builtin {
        entry: builtin::Entry,
        copied: OnceLock<Box<RuleSpec>>,
    },
    Given(Box<RuleSpec>),
}

impl LazySpec {
    fn given(spec: RuleSpec) -> Self {
        LazySpec(Spec::Given(Box::new(spec)))
    }

    fn builtin(entry: builtin::Entry) -> Self {
        LazySpec(Spec::Builtin {
            entry,
            copied: OnceLock::new(),
        })
    }
}

impl std::ops::Deref for LazySpec {
    type Target = RuleSpec;

    fn deref(&self) -> &RuleSpec {
        match &self.0 {
            Spec::Builtin { entry, copied } => copied.get_or_init(|| Box::new(entry.spec())),
            Spec::Given(spec) => spec,
        }
    }
}

/// Changing a built-in rule's spec (a configured severity) copies it out for good.
impl std::ops::DerefMut for LazySpec {
    fn deref_mut(&mut self) -> &mut RuleSpec {
        if let Spec::Builtin { entry, copied } = &mut self.0 {
            let spec = copied.take().unwrap_or_else(|| Box::new(entry.spec()));
            self.0 = Spec::Given(spec);
        }
        match &mut self.0 {
            Spec::Given(spec) => spec,
            // Made `Given` just above.
            Spec::Builtin { .. } => unreachable!("a built-in spec is copied out above"),
        }
    }
}

impl LazySpec {
    /// Is this a built-in spec still only in the binary's tables?
    #[cfg(test)]
    fn in_tables(&self) -> bool {
        matches!(&self.0, Spec::Builtin { copied, .. } if copied.get().is_none())
    }
}

impl std::fmt::Debug for LazySpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        RuleSpec::fmt(self, f)
    }
}

impl Rule {
    /// A rule from its spec, compiled lazily: [`Rule::validate`] compiles it now.
    pub fn from_spec(spec: RuleSpec, origin: String) -> Self {
        Self::new(spec, origin)
    }

    fn new(spec: RuleSpec, origin: String) -> Self {
        Self::with(LazySpec::given(spec), origin)
    }

    fn with(spec: LazySpec, origin: String) -> Self {
        Rule {
            spec,
            origin,
            regex: OnceLock::new(),
            gate: OnceLock::new(),
            partner: OnceLock::new(),
            partner_gate: OnceLock::new(),
            allowlist: OnceLock::new(),
            paths: OnceLock::new(),
            keyword_ids: None,
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
        match &self.spec.0 {
            Spec::Builtin { entry, .. } => entry.id(),
            Spec::Given(spec) => &spec.id,
        }
    }

    /// The decoded-text context the rule reads only, if any (see [`RuleSpec::context`]).
    pub fn context(&self) -> Option<RuleContext> {
        match &self.spec.0 {
            Spec::Builtin { entry, .. } => entry.context(),
            Spec::Given(spec) => spec.context,
        }
    }

    /// The prefilter ids of its keywords, for a built-in rule whose keywords are still the ones
    /// build.rs saw.
    fn builtin_keyword_ids(&self) -> Option<&'static [u32]> {
        let ids = self.keyword_ids?;
        match &self.spec.0 {
            Spec::Builtin { .. } => Some(ids),
            // Copied out and changed (`spec` is public): the ids hold if the keywords do.
            Spec::Given(spec) => (ids.len() == spec.keywords.len()
                && (ids.iter().zip(&spec.keywords))
                    .all(|(&id, keyword)| builtin::keyword(id).eq_ignore_ascii_case(keyword)))
            .then_some(ids),
        }
    }

    /// Its keywords as written.
    fn keywords(&self) -> Vec<&str> {
        match &self.spec.0 {
            Spec::Builtin { entry, .. } => entry.keywords().collect(),
            Spec::Given(spec) => spec.keywords.iter().map(String::as_str).collect(),
        }
    }

    /// The compiled regex, or why it does not compile.
    pub fn regex(&self) -> Result<&RuleRegex, &PatternError> {
        self.regex
            .get_or_init(|| {
                // The pattern is parsed once, for the gate, and compiled from that: parsing a
                // generic rule's pattern costs about as much as compiling it.
                let parsed = self.gate_parts().hir.as_ref();
                parsed
                    .and_then(|hir| rule_regex_builder().build_from_hir(hir).ok())
                    .map_or_else(|| compile_rule_regex(&self.spec.regex), Ok)
            })
            .as_ref()
    }

    /// A looser regex that matches wherever the rule's regex does, and cheaply: the rule's with
    /// every counted repetition opened up (`[A-Za-z0-9_.\-]{0,40}` becomes `*`, `{36}` becomes
    /// `+`) and no capture groups. `None` when the rule's regex counts nothing.
    ///
    /// Counting is what makes a rule's lazy DFA expensive: an unanchored search for
    /// `[A-Za-z_][\w.-]{0,40}key[\w.-]{0,40}` needs a state for every set of counts still alive,
    /// and each thread builds those states anew for every kind of line it meets. The gate's DFA
    /// has a few states. Every match of the rule's regex is one of the gate's, starting at the
    /// same place, so no match of the rule's starts before the gate's first match: a text the gate
    /// finds nothing in needs no search by the rule's regex (which then need not even be
    /// compiled), and one it matches is searched from the gate's match on.
    pub fn gate(&self) -> Option<&RuleRegex> {
        let parts = self.gate_parts();
        parts
            .regex
            .get_or_init(|| parts.hir.as_ref().and_then(gate_regex))
            .as_ref()
    }

    /// The run of bytes every match of the rule's regex holds, when it is long enough to be
    /// worth looking for before the gate (see [`RequiredRun`]).
    pub fn required_run(&self) -> Option<&RequiredRun> {
        self.gate_parts().run.as_ref()
    }

    /// The literals every match of the rule's regex holds, looked for before the gate (see
    /// [`RequiredLiterals`]).
    pub fn required_literals(&self) -> Option<&RequiredLiterals> {
        self.gate_parts().literals.as_ref()
    }

    fn gate_parts(&self) -> &Gate {
        self.gate.get_or_init(|| {
            let hir = parse_pattern(&self.spec.regex);
            Gate {
                run: hir.as_ref().and_then(RequiredRun::of),
                literals: hir.as_ref().and_then(RequiredLiterals::of),
                hir,
                regex: OnceLock::new(),
                anchored: OnceLock::new(),
            }
        })
    }

    /// Where the rule's regex could first match in `hay` at or after `at`: the gate's first
    /// match's start, or `at` itself for a rule without a gate. `None` when the gate shows the
    /// rule's regex cannot match there at all, or the text lacks the literal or the long run of
    /// bytes every match holds ([`Rule::required_literals`], [`Rule::required_run`]).
    ///
    /// It costs the gate's whole first match, which runs as far as its opened-up counts reach
    /// (to the end of a long line of one kind of byte): ask once per text, not after every
    /// match, or a long line of many matches costs its length once per match.
    pub fn first_possible(&self, hay: &[u8], at: usize) -> Option<usize> {
        if let Some(literals) = self.required_literals()
            && !literals.occur_in(hay.get(at..)?)
        {
            return None;
        }
        if let Some(run) = self.required_run()
            && !run.occurs_in(hay.get(at..)?)
        {
            return None;
        }
        match self.gate() {
            Some(gate) => gate.find(Input::new(hay).range(at..)).map(|m| m.start()),
            None => Some(at),
        }
    }

    /// The regex whose groups [`Rule::captures_from`] fills in: group names and indexes, and
    /// the [`Captures`] to pass it. For a rule with a gate it is the regex compiled without a
    /// DFA for the anchored search ([`anchored_regex`]), so that a rule whose every match is its
    /// gate's first in its region (most of them) never compiles its regex with a DFA. Both are
    /// compiled from the same pattern, with the same groups.
    pub fn regex_for_captures(&self) -> Result<&RuleRegex, &PatternError> {
        if self.gate().is_none() {
            return self.regex();
        }
        let parts = self.gate_parts();
        match (parts.anchored).get_or_init(|| parts.hir.as_ref().and_then(anchored_regex)) {
            Some(anchored) => Ok(anchored),
            None => self.regex(),
        }
    }

    /// The leftmost match of the rule's regex in `hay` at or after `at`, its groups in `caps`
    /// (from [`Rule::regex_for_captures`]); `first` is where [`Rule::first_possible`] said the
    /// region's first match could start.
    ///
    /// Where the gate matched, the rule's regex almost always does too: it is asked there
    /// anchored, by the regex without a DFA (see [`anchored_regex`]; an unanchored search of a
    /// counted regex builds a state for every set of counts alive at once, and that was most of
    /// the cost of `generic-assignment`). After a match, the gate is asked whether anything is
    /// left before the rule's regex searches again: its search stops at the end of the first
    /// match it sees, which is no later than the end of the next match of the rule's, so a line
    /// of many matches still costs its length once.
    pub fn captures_from(
        &self,
        hay: &[u8],
        at: usize,
        first: usize,
        caps: &mut Captures,
    ) -> Option<Span> {
        let mut from = at;
        if let Some(gate) = self.gate() {
            if at == first {
                let Ok(anchored) = self.regex_for_captures() else {
                    caps.set_pattern(None);
                    return None;
                };
                anchored
                    .search_captures(&Input::new(hay).range(at..).anchored(Anchored::Yes), caps);
                if let Some(found) = caps.get_match() {
                    return Some(found.span());
                }
                // Not here: no match starts before the gate's first, so the next is later.
                from = at + 1;
            }
            if from > hay.len() || !gate.is_match(Input::new(hay).range(from..)) {
                caps.set_pattern(None);
                return None;
            }
        }
        let Ok(regex) = self.regex() else {
            caps.set_pattern(None);
            return None;
        };
        regex.search_captures(&Input::new(hay).range(from..), caps);
        caps.get_match().map(|m| m.span())
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

    /// A looser regex that matches wherever the partner's does: the partner's with its counts
    /// opened up, as [`Rule::gate`] is the rule's (`None` when the partner's counts nothing, or
    /// for a rule without one). Lines it finds nothing in hold no partner, and it costs little
    /// to ask: the lazy DFA of Okta's domain, `[a-z0-9][a-z0-9-]{0,62}\.okta\.com`, built
    /// states for 5 ms over one 174 KB line of an SVG file in rails before it was warm.
    pub fn partner_gate(&self) -> Option<&RuleRegex> {
        let requires = self.spec.requires.as_ref()?;
        self.partner_gate
            .get_or_init(|| parse_pattern(&requires.regex).and_then(|hir| gate_regex(&hir)))
            .as_ref()
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
    pub fn secret_group(&self, regex: &RuleRegex) -> SecretGroup {
        let groups = regex.group_info();
        if groups
            .to_index(regex_automata::PatternID::ZERO, "secret")
            .is_some()
        {
            SecretGroup::Named
        } else if groups.group_len(regex_automata::PatternID::ZERO) > 1 {
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
    rules_by_keyword: RulesByKeyword,
    /// The rules that read only decoded text of a context, with it: never in the prefilter.
    context_rules: Vec<(RuleContext, usize)>,
    /// The prefilter's id of each of [`DECODER_WORDS`], in that order.
    decoder_words: [Option<u32>; DECODER_WORDS.len()],
}

impl RuleSet {
    /// The rules compiled into the binary, as they are: no configuration.
    pub fn builtin() -> Result<Self, RuleError> {
        Self::new(builtin_rules()?)
    }

    pub fn new(rules: Vec<Rule>) -> Result<Self, RuleError> {
        if let Some(rule) = first_duplicate(&rules) {
            return Err(RuleError::Invalid {
                file: rule.origin.clone(),
                id: rule.id().to_owned(),
                message: "duplicate rule id".into(),
            });
        }
        let mut context_rules = Vec::new();
        let mut keyword_rules = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            match rule.context() {
                Some(context) => context_rules.push((context, index)),
                None => keyword_rules.push((index, rule)),
            }
        }
        // The built-in prefilter, borrowed from the binary, when it has every keyword (as it
        // does for the built-in rules, some disabled or not, and for custom rules that reuse
        // their keywords); else one built for these keywords. A keyword of a disabled rule
        // that it still finds has no rule to run: the scan is the same.
        let (prefilter, pairs) = match builtin_keyword_ids(&keyword_rules) {
            Some(pairs) => (builtin::prefilter(), pairs),
            None => (None, Vec::new()),
        };
        let (prefilter, pairs, decoder_words) = match prefilter {
            Some(prefilter) => (prefilter, pairs, DECODER_WORDS.map(builtin::keyword_id)),
            None => {
                let (keywords, pairs) = keyword_ids(&keyword_rules);
                let prefilter =
                    KeywordPrefilter::new(&keywords).map_err(|e| RuleError::Invalid {
                        file: "<all>".into(),
                        id: "<keywords>".into(),
                        message: e.to_string(),
                    })?;
                let id_of = |word: &str| {
                    let id = keywords.iter().position(|keyword| keyword == word)?;
                    u32::try_from(id).ok()
                };
                (prefilter, pairs, DECODER_WORDS.map(id_of))
            }
        };
        let rules_by_keyword = RulesByKeyword::new(prefilter.keyword_count(), pairs);
        Ok(RuleSet {
            rules,
            prefilter,
            rules_by_keyword,
            context_rules,
            decoder_words,
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
        self.rules_by_keyword.get(pattern)
    }

    /// Whether a prefilter pattern is one of [`DECODER_WORDS`].
    pub fn is_decoder_word(&self, pattern: usize) -> bool {
        let pattern = u32::try_from(pattern).ok();
        pattern.is_some() && self.decoder_words.contains(&pattern)
    }

    /// The rules that read the decoded text of `context` (and nothing else).
    pub fn rules_in_context(&self, context: RuleContext) -> impl Iterator<Item = usize> + '_ {
        self.context_rules
            .iter()
            .filter(move |(c, _)| *c == context)
            .map(|&(_, index)| index)
    }
}

/// The first rule (in order) whose id an earlier rule has.
fn first_duplicate(rules: &[Rule]) -> Option<&Rule> {
    let mut seen = std::collections::HashSet::with_capacity(rules.len());
    rules.iter().find(|rule| !seen.insert(rule.id()))
}

/// Every (keyword id, rule index) pair in the built-in prefilter's ids, or `None` if a keyword
/// is not one of its keywords. A built-in rule brings its ids (checked against its keywords,
/// which are public and may have changed); any other keyword is looked up.
fn builtin_keyword_ids(rules: &[(usize, &Rule)]) -> Option<Vec<(u32, usize)>> {
    let mut pairs = Vec::new();
    for &(index, rule) in rules {
        let start = pairs.len();
        match rule.builtin_keyword_ids() {
            Some(ids) => pairs.extend(ids.iter().map(|&id| (id, index))),
            None => {
                for keyword in rule.keywords() {
                    let id = builtin::keyword_id(&keyword.to_ascii_lowercase())?;
                    pairs.push((id, index));
                }
            }
        }
        dedup_rule_keywords(&mut pairs, start);
    }
    Some(pairs)
}

/// A keyword a rule lists twice (in two cases) once: `pairs[start..]` are one rule's, and few.
fn dedup_rule_keywords(pairs: &mut Vec<(u32, usize)>, start: usize) {
    let mut at = start;
    while at < pairs.len() {
        if pairs[start..at].contains(&pairs[at]) {
            pairs.remove(at);
        } else {
            at += 1;
        }
    }
}

/// The keywords of these rules (lowercased, each once, in order of first use, then the
/// decoders' words they lack) and every (keyword id, rule index) pair: for a prefilter built
/// at run time.
fn keyword_ids(rules: &[(usize, &Rule)]) -> (Vec<String>, Vec<(u32, usize)>) {
    let mut keywords: Vec<String> = Vec::new();
    let mut index_of: HashMap<String, u32> = HashMap::new();
    let mut pairs = Vec::new();
    for &(index, rule) in rules {
        let start = pairs.len();
        for keyword in rule.keywords() {
            let lower = keyword.to_ascii_lowercase();
            let next = u32::try_from(keywords.len()).unwrap_or(u32::MAX);
            let id = *index_of.entry(lower).or_insert_with_key(|lower| {
                keywords.push(lower.clone());
                next
            });
            pairs.push((id, index));
        }
        dedup_rule_keywords(&mut pairs, start);
    }
    (prefilter::with_decoder_words(keywords), pairs)
}

/// For each keyword id, the rules that list the keyword, in rule order, each once: one flat
/// list with offsets, rather than a vector per keyword.
#[derive(Debug)]
struct RulesByKeyword {
    /// The rules of keyword `k` are `rules[starts[k]..starts[k + 1]]`.
    starts: Vec<u32>,
    rules: Vec<usize>,
}

impl RulesByKeyword {
    /// From (keyword id, rule) pairs, in rule order and each once (a counting sort keeps that
    /// order within a keyword).
    fn new(keywords: usize, pairs: Vec<(u32, usize)>) -> Self {
        let mut starts = vec![0u32; keywords + 1];
        for &(id, _) in &pairs {
            starts[id as usize + 1] += 1;
        }
        for k in 0..keywords {
            starts[k + 1] += starts[k];
        }
        let mut next = starts.clone();
        let mut rules = vec![0; pairs.len()];
        for (id, rule) in pairs {
            let at = &mut next[id as usize];
            rules[*at as usize] = rule;
            *at += 1;
        }
        RulesByKeyword { starts, rules }
    }

    fn get(&self, keyword: usize) -> &[usize] {
        &self.rules[self.starts[keyword] as usize..self.starts[keyword + 1] as usize]
    }
}

/// The examples of one built-in rule.
#[derive(Debug)]
pub struct BuiltinExamples {
    pub file: String,
    pub id: String,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
}

/// The examples and negative examples of every built-in rule, which the rules that
/// [`builtin_rules`] gives do not carry (start-up need not read them).
pub fn builtin_examples() -> Vec<BuiltinExamples> {
    match builtin::examples() {
        Some(examples) => examples,
        // The rules file that does not fit the schema fails `builtin_rules` first, with the
        // TOML parser pointing at the spot; from TOML here too.
        None => BUILTIN_RULE_FILES
            .iter()
            .filter_map(|(file, text)| parse_rule_file(file, text).ok())
            .flatten()
            .map(|rule| BuiltinExamples {
                id: rule.spec.id.clone(),
                examples: rule.spec.examples.clone(),
                negative_examples: rule.spec.negative_examples.clone(),
                file: rule.origin,
            })
            .collect(),
    }
}

/// The rules of every built-in rules file (not yet compiled), without their examples (see
/// [`builtin_examples`]): copied from the tables build.rs wrote (see `builtin`).
pub fn builtin_rules() -> Result<Vec<Rule>, RuleError> {
    match builtin::rules() {
        Some(rules) => Ok(rules),
        // A file that does not fit the schema: the TOML parser points at the spot.
        None => {
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
    use super::{KeywordPrefilter, RuleError, RuleSet, is_https_url};

    /// The tables start-up copies the built-in rules from (build.rs) are the TOML as written:
    /// the same rules, fields and order.
    #[test]
    fn builtin_tables_are_the_toml() {
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
                        serde_json::to_value(&*r.spec).expect("json"),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert!(from_toml.len() > 200);
        assert_eq!(as_value(&from_json), as_value(&from_toml));
    }

    /// Every match of a rule's regex starts where its gate's first match from there starts (so
    /// searching from the gate's match skips nothing), on every built-in rule's examples and
    /// negative examples, alone, behind other text and run together.
    #[test]
    fn a_rules_gate_matches_wherever_its_regex_does() {
        let rules = super::builtin_rules().expect("built-in rules");
        let examples = super::builtin_examples();
        let mut gated = 0;
        for (rule, examples) in rules.iter().zip(examples) {
            let regex = rule.regex().expect("compiles");
            let Some(gate) = rule.gate() else { continue };
            gated += 1;
            let texts = (examples.examples.iter()).chain(&examples.negative_examples);
            for text in texts {
                let run_together = format!("{text} {text}\n{text}");
                let behind = format!("x = 1; {text}");
                for hay in [text.as_str(), &run_together, &behind].map(str::as_bytes) {
                    let mut at = 0;
                    let find = |regex: &super::RuleRegex, at: usize| {
                        regex.find(super::Input::new(hay).range(at..))
                    };
                    while let Some(found) = find(regex, at) {
                        let opened = find(gate, at).map(|m| m.start());
                        assert_eq!(opened.map(|start| start <= found.start()), Some(true));
                        let from_there = find(gate, found.start()).map(|m| m.start());
                        assert_eq!(from_there, Some(found.start()), "rule {}", rule.id());
                        at = found.start() + 1;
                    }
                }
            }
        }
        // Most rules count (`{36}`), so most have a gate.
        assert!(gated > 100, "{gated} rules have a gate");
    }

    /// A paired rule's partner gate matches every text its partner's regex matches in: the
    /// built-in rules' examples, alone and behind other text; and the partners with counts
    /// (Okta's domain) have one.
    #[test]
    fn a_partners_gate_matches_wherever_its_regex_does() {
        let rules = super::builtin_rules().expect("built-in rules");
        let examples = super::builtin_examples();
        let mut gated = Vec::new();
        for (rule, examples) in rules.iter().zip(examples) {
            let Some(Ok(partner)) = rule.partner_regex() else {
                continue;
            };
            let Some(gate) = rule.partner_gate() else {
                continue;
            };
            gated.push(rule.id().to_owned());
            let texts = (examples.examples.iter()).chain(&examples.negative_examples);
            for text in texts {
                let behind = format!("x = 1; {text}");
                for hay in [text.as_str(), &behind].map(str::as_bytes) {
                    if partner.is_match(hay) {
                        assert!(gate.is_match(hay), "rule {}: {text}", rule.id());
                    }
                }
            }
        }
        assert!(
            gated.iter().any(|id| id == "okta-api-token-with-domain"),
            "{gated:?}"
        );
    }

    /// Searching from the gate's first match (anchored there, then gated: see
    /// [`super::Rule::captures_from`]) finds every match, with every group, that the rule's
    /// regex finds searching plainly, on every built-in rule's examples and negative examples,
    /// alone, behind other text, run together and followed by a long line (past what the
    /// anchored search's backtracker takes, so the PikeVM answers), stepping on from each
    /// match's end or from just after its start (as the scan does for a rejected value).
    #[test]
    fn a_rules_search_from_its_gate_finds_what_its_regex_finds() {
        let rules = super::builtin_rules().expect("built-in rules");
        let examples = super::builtin_examples();
        let long_line = "Zq8vT3mL9x ".repeat(2_000);
        for (rule, examples) in rules.iter().zip(examples) {
            let regex = rule.regex().expect("compiles");
            let texts = (examples.examples.iter()).chain(&examples.negative_examples);
            for text in texts {
                let run_together = format!("{text} {text}\n{text}");
                let behind = format!("x = 1; {text}");
                let before_a_long_line = format!("{text}{long_line}");
                let hays = [text.as_str(), &run_together, &behind, &before_a_long_line];
                for hay in hays.map(str::as_bytes) {
                    let Some(first) = rule.first_possible(hay, 0) else {
                        assert!(!regex.is_match(hay), "rule {}", rule.id());
                        continue;
                    };
                    for step_to_end in [true, false] {
                        let groups = |caps: &super::Captures| {
                            (0..caps.group_len())
                                .map(|i| caps.get_group(i))
                                .collect::<Vec<_>>()
                        };
                        let plain_and_gated = rule
                            .regex_for_captures()
                            .map(|groups| (regex.create_captures(), groups.create_captures()));
                        let (mut plain, mut gated) = plain_and_gated.expect("compiles");
                        let mut at = first;
                        while at <= hay.len() {
                            regex.search_captures(&super::Input::new(hay).range(at..), &mut plain);
                            let found = rule.captures_from(hay, at, first, &mut gated);
                            assert_eq!(
                                found,
                                plain.get_match().map(|m| m.span()),
                                "rule {}",
                                rule.id()
                            );
                            assert_eq!(groups(&gated), groups(&plain), "rule {}", rule.id());
                            let Some(found) = found else { break };
                            at = if step_to_end {
                                found.end.max(at + 1)
                            } else {
                                found.start + 1
                            };
                        }
                    }
                }
            }
        }
    }

    /// Where the gate matches but the rule's regex does not (a count exceeded), the search goes
    /// on past it to the rule's first match.
    #[test]
    fn a_search_goes_past_a_gate_match_the_rule_does_not_match() {
        let text = "[[rule]]\nid = \"counted\"\ndescription = \"d\"\nkeywords = [\"k\"]\nregex = '''\\bk(?P<secret>[0-9]{2,3})\\b'''\n";
        let rule = super::parse_rule_file("test.toml", text)
            .expect("rule")
            .remove(0);
        let regex = rule.regex().expect("compiles");
        let hay = b"k12345 k1 k12 k999";
        let first = rule
            .first_possible(hay, 0)
            .expect("the gate matches k12345");
        assert_eq!(first, 0);
        let mut caps = regex.create_captures();
        let found = rule.captures_from(hay, first, first, &mut caps);
        assert_eq!(found, Some(super::Span { start: 10, end: 13 }));
        assert_eq!(caps.get_group(1), Some(super::Span { start: 11, end: 13 }));
        let next = rule.captures_from(hay, 13, first, &mut caps);
        assert_eq!(next, Some(super::Span { start: 14, end: 18 }));
        assert_eq!(rule.captures_from(hay, 18, first, &mut caps), None);
        assert!(!caps.is_match());
    }

    /// Numbers below a bound, from a small linear congruential generator: varied test inputs,
    /// the same on every run.
    fn numbers(mut seed: u32) -> impl FnMut(u32) -> u32 {
        move |below| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) % below
        }
    }

    /// The run a pattern requires is its longest class repeated at least that many times on
    /// every path through it; runs in an alternative or an optional part do not count.
    #[test]
    fn a_required_run_is_on_every_path_through_the_pattern() {
        let run = |pattern: &str| {
            let hir = super::parse_pattern(pattern).expect("parses");
            super::RequiredRun::of(&hir).map(|run| {
                let bytes: String = (0..=255u8)
                    .filter(|&b| run.bytes[usize::from(b)])
                    .map(char::from)
                    .collect();
                (bytes, run.length)
            })
        };
        let hex = "0123456789ABCDEFabcdef".to_owned();
        assert_eq!(
            run(r"(?i:private_key)[ \t]*=[ \t]*(?P<secret>[0-9a-fA-F]{64})\b"),
            Some((hex.clone(), 64))
        );
        assert_eq!(run(r"k[0-9a-f]{20}x[0-9A-Fa-f]{30,}"), Some((hex, 30)));
        assert_eq!(
            run(r"(?:tok_(?:[a-z]{24})+)"),
            Some(("abcdefghijklmnopqrstuvwxyz".into(), 24))
        );
        // Too short to look for, optional, or in one alternative only.
        assert_eq!(run(r"k[0-9]{19}"), None);
        assert_eq!(run(r"k(?:[0-9]{40})?"), None);
        assert_eq!(run(r"k[0-9]{0,40}"), None);
        assert_eq!(run(r"k(?:[0-9]{40}|x)"), None);
        assert_eq!(run(r"(?:k[0-9]{40}){0,2}"), None);
    }

    /// `occurs_in` says whether a long enough run is there, as reading every byte would, on
    /// texts of two kinds of byte with runs of every length around the one looked for, at
    /// every offset.
    #[test]
    fn a_required_run_is_found_where_it_is_and_nowhere_else() {
        let hir = super::parse_pattern(r"x[ab]{20}").expect("parses");
        let run = super::RequiredRun::of(&hir).expect("a run of 20");
        let naive = |hay: &[u8]| {
            hay.split(|b| !matches!(b, b'a' | b'b'))
                .any(|part| part.len() >= 20)
        };
        let mut next = numbers(0x2545_f491);
        let mut found = 0;
        for _ in 0..3000 {
            let mut hay = Vec::new();
            while hay.len() < 60 {
                let lengths = [0, 1, 5, 18, 19, 19, 18, 5, 1, 0, 20, 21, 40, 5, 18, 19];
                let run_length = lengths[next(16) as usize];
                hay.extend((0..run_length).map(|_| if next(2) == 0 { b'a' } else { b'b' }));
                hay.extend((0..=next(3)).map(|_| b" x-"[next(3) as usize]));
            }
            for start in [0, 1, 7] {
                let hay = &hay[start..];
                assert_eq!(
                    run.occurs_in(hay),
                    naive(hay),
                    "{}",
                    String::from_utf8_lossy(hay)
                );
                found += usize::from(naive(hay));
            }
        }
        assert!(
            found > 1000 && found < 8000,
            "{found} texts of 9000 hold a run"
        );
        assert!(run.occurs_in(&[b'a'; 20]) && !run.occurs_in(&[b'a'; 19]) && !run.occurs_in(b""));
    }

    /// Every text a pattern matches holds the run found required of it, on random patterns of
    /// classes repeated 1 to 40 times, literals, alternatives, optional parts and repeated
    /// groups, each matched against texts drawn from the pattern itself and then cut short.
    #[test]
    fn every_match_holds_the_required_run_and_literal() {
        let mut next = numbers(0x9e37_79b9);
        // A pattern as regex text, and texts it matches.
        enum Node {
            Class(&'static str, &'static [u8], u32, u32),
            Literal(&'static str),
            Concat(Vec<Node>),
            Either(Box<Node>, Box<Node>),
            Optional(Box<Node>),
            Twice(Box<Node>),
        }
        fn grow(next: &mut impl FnMut(u32) -> u32, depth: u32) -> Node {
            const CLASSES: [(&str, &[u8]); 3] = [
                ("[a-c]", b"abc"),
                ("[0-9a-f]", b"05af"),
                ("[A-Z2-7]", b"QZ27"),
            ];
            match if depth == 0 { next(2) } else { next(6) } {
                0 => {
                    let (text, bytes) = CLASSES[next(3) as usize];
                    let min = [1, 5, 19, 20, 24, 40][next(6) as usize];
                    Node::Class(text, bytes, min, min + next(3) * 4)
                }
                1 => Node::Literal(["k", "=", "ab", "Z"][next(4) as usize]),
                2 => Node::Concat((0..2 + next(3)).map(|_| grow(next, depth - 1)).collect()),
                3 => Node::Either(
                    Box::new(grow(next, depth - 1)),
                    Box::new(grow(next, depth - 1)),
                ),
                4 => Node::Optional(Box::new(grow(next, depth - 1))),
                _ => Node::Twice(Box::new(grow(next, depth - 1))),
            }
        }
        fn pattern(node: &Node) -> String {
            match node {
                Node::Class(class, _, min, max) => format!("{class}{{{min},{max}}}"),
                Node::Literal(text) => (*text).to_owned(),
                Node::Concat(parts) => parts.iter().map(pattern).collect(),
                Node::Either(a, b) => format!("(?:{}|{})", pattern(a), pattern(b)),
                Node::Optional(a) => format!("(?:{})?", pattern(a)),
                Node::Twice(a) => format!("(?:{}){{1,2}}", pattern(a)),
            }
        }
        fn draw(node: &Node, next: &mut impl FnMut(u32) -> u32, out: &mut Vec<u8>) {
            match node {
                Node::Class(_, bytes, min, max) => {
                    let count = min + next(max - min + 1);
                    out.extend((0..count).map(|_| bytes[next(bytes.len() as u32) as usize]));
                }
                Node::Literal(text) => out.extend_from_slice(text.as_bytes()),
                Node::Concat(parts) => parts.iter().for_each(|part| draw(part, next, out)),
                Node::Either(a, b) => draw(if next(2) == 0 { a } else { b }, next, out),
                Node::Optional(a) if next(2) == 0 => draw(a, next, out),
                Node::Optional(_) => {}
                Node::Twice(a) => (0..1 + next(2)).for_each(|_| draw(a, next, out)),
            }
        }
        let (mut with_run, mut with_literal, mut matched) = (0, 0, 0);
        for _ in 0..800 {
            let node = grow(&mut next, 3);
            let text = pattern(&node);
            let hir = super::parse_pattern(&text).expect("parses");
            let run = super::RequiredRun::of(&hir);
            let literal = super::RequiredLiterals::of(&hir);
            if run.is_none() && literal.is_none() {
                continue;
            }
            with_run += usize::from(run.is_some());
            with_literal += usize::from(literal.is_some());
            let regex = super::compile_rule_regex(&text).expect("compiles");
            for _ in 0..20 {
                let mut hay = b"x ".to_vec();
                draw(&node, &mut next, &mut hay);
                hay.extend_from_slice(b" y");
                let cut = hay.len() - next(12).min(hay.len() as u32) as usize;
                let hay = &hay[..cut];
                if regex.is_match(hay) {
                    matched += 1;
                    let shown = || format!("{text} on {}", String::from_utf8_lossy(hay));
                    assert!(run.as_ref().is_none_or(|r| r.occurs_in(hay)), "{}", shown());
                    assert!(
                        literal.as_ref().is_none_or(|l| l.occur_in(hay)),
                        "{}",
                        shown()
                    );
                }
            }
        }
        assert!(
            with_run > 100 && with_literal > 100 && matched > 1000,
            "{with_run} patterns with runs, {with_literal} with literals, {matched} matches"
        );
    }

    /// What a pattern requires, on the shapes rules are made of.
    #[test]
    fn a_required_literal_is_in_every_path_through_the_pattern() {
        let of = |pattern: &str| {
            let hir = super::parse_pattern(pattern).expect("parses");
            super::required(&hir)
        };
        use super::Requirement::{Literal, OneOf};
        let literal = |text: &str| Some(Literal(text.as_bytes().to_vec()));
        let one_of = |bytes: &[u8]| Some(OneOf(bytes.to_vec()));
        assert_eq!(
            of("<(?P<key>[a-z]+)>[^<]{1,9}</"),
            literal("</"),
            "the longest"
        );
        assert_eq!(
            of("x(?:value)+y"),
            literal("value"),
            "what repeats once at least"
        );
        assert_eq!(of("k[ \t]*(?:=|:=|:|=>|<-|\\?=|\\|\\|=)v"), literal("k"));
        assert_eq!(of("[ \t]*(?:=|:=|:|=>|<-|\\?=|\\|\\|=)"), one_of(b":<="));
        assert_eq!(of("(?:ab|cd|ef|gh)"), None, "four bytes to look for");
        assert_eq!(of("(?i:pass|key)"), None, "each letter is a class of two");
        assert_eq!(of("x?[\"']y?"), one_of(b"\"'"));
        assert_eq!(
            of("(?:value)?[a-z]+"),
            None,
            "optional, and a class too wide"
        );
        assert_eq!(
            of("(?:a|)b?"),
            None,
            "an empty alternative requires nothing"
        );
    }

    /// Besides the best, what other parts require is looked for too, unless it is made of
    /// bytes that names are made of.
    #[test]
    fn every_part_adds_what_it_requires() {
        let of = |pattern: &str| {
            let hir = super::parse_pattern(pattern).expect("parses");
            let literals = super::RequiredLiterals::of(&hir).expect("something is required");
            (literals.0.iter())
                .map(|literal| match literal {
                    super::RequiredLiteral::Literal(finder) => finder.needle().to_vec(),
                    super::RequiredLiteral::OneOf(bytes) => bytes.clone(),
                })
                .collect::<Vec<_>>()
        };
        let url =
            r"\b[A-Za-z][A-Za-z0-9+.\-]{0,30}://[^\s:/?#@]*:(?P<secret>[^\s/?#@]+)@[A-Za-z0-9]";
        assert_eq!(of(url), [&b"://"[..], b":", b"@"]);
        let setter = r#"\b[a-z_]+[ \t]*\([ \t]*["'](?P<key>[a-z]{0,9}(?i:key))["'][ \t]*,[ \t]*(?P<secret>"[^"]*"|'[^']*')"#;
        assert_eq!(of(setter), [&b"("[..], b",", b"\"'"]);
        // `key` in a word and `_` are in nearly every region that names a key.
        assert_eq!(of(r"[a-z]+_key=[0-9]{8}"), [&b"_key="[..]]);
    }

    /// The best of the parts' requirements is the whole pattern's, for every built-in rule.
    #[test]
    fn the_best_part_is_what_the_whole_requires() {
        for rule in super::builtin_rules().expect("built-in rules") {
            let hir = super::parse_pattern(&rule.spec.regex).expect("parses");
            let best = (super::required_parts(&hir).into_iter()).reduce(super::Requirement::better);
            assert_eq!(best, super::required(&hir), "{}", rule.id());
        }
    }

    /// A gate opens up counts only: it matches what the counted regex would, and more.
    #[test]
    fn a_gate_opens_up_counts_and_nothing_else() {
        let rule = |id: &str, regex: &str| {
            let text = format!(
                "[[rule]]\nid = \"{id}\"\ndescription = \"d\"\nkeywords = [\"k\"]\nregex = '''{regex}'''\n"
            );
            super::parse_rule_file("test.toml", &text)
                .expect("rule")
                .remove(0)
        };
        let counted = rule("counted", r"\bk(?P<secret>[0-9]{2,3})x?\b");
        let gate = counted.gate().expect("it counts");
        assert!(gate.is_match(b"k12345") && gate.is_match(b"k1") && !gate.is_match(b"k"));
        assert!(counted.regex().expect("compiles").is_match(b"k12x"));
        assert_eq!(counted.first_possible(b"ak1 k99", 0), Some(4));
        assert_eq!(counted.first_possible(b"k12 word", 1), None);
        let plain = rule("plain", r"tok_[a-z]+x?");
        assert!(plain.gate().is_none());
        assert_eq!(plain.first_possible(b"a tok_ here", 1), Some(1));
        // No `tok_` from there on: the literal every match holds rules the text out.
        assert_eq!(plain.first_possible(b"nothing here", 3), None);
        assert_eq!(plain.first_possible(b"tok_ here", 1), None);
    }

    /// The prefilter start-up borrows from the binary is the one built from the rules' keywords
    /// at run time.
    #[test]
    fn builtin_prefilter_is_the_one_built_from_the_rules() {
        let rules = super::builtin_rules().expect("built-in rules");
        let keyword_rules: Vec<(usize, &super::Rule)> = (rules.iter().enumerate())
            .filter(|(_, r)| r.spec.context.is_none())
            .collect();
        let (keywords, _) = super::keyword_ids(&keyword_rules);
        let built = KeywordPrefilter::new(&keywords).expect("prefilter");
        let borrowed = super::builtin::prefilter().expect("tables");
        let (built, borrowed) = (built.tables(), borrowed.tables());
        assert_eq!(built.classes, borrowed.classes);
        assert_eq!(built.stride, borrowed.stride);
        assert_eq!(built.transitions, borrowed.transitions);
        assert_eq!(built.starts, borrowed.starts);
        assert_eq!(built.ends, borrowed.ends);
        assert_eq!(built.lengths, borrowed.lengths);
        assert!(keywords.len() > 500);
    }

    /// Each keyword's rules, found by the rule set's prefilter: the rules that list it (in any
    /// case), whether the prefilter is the built-in one or one built for the rules.
    fn assert_keywords_find_their_rules(set: &RuleSet) {
        for rule in set.rules().iter().filter(|r| r.spec.context.is_none()) {
            for keyword in &rule.spec.keywords {
                let mut found = None;
                set.prefilter()
                    .for_each_hit(keyword.as_bytes(), 0, keyword.len(), |hit| {
                        if (hit.start, hit.end) == (0, keyword.len()) {
                            found = Some(hit.keyword);
                        }
                    });
                let found = found.unwrap_or_else(|| panic!("keyword {keyword:?} not found"));
                let expected: Vec<usize> = (set.rules().iter().enumerate())
                    .filter(|(_, r)| {
                        r.spec.context.is_none()
                            && r.spec
                                .keywords
                                .iter()
                                .any(|k| k.eq_ignore_ascii_case(keyword))
                    })
                    .map(|(i, _)| i)
                    .collect();
                assert_eq!(set.rules_for_keyword(found), expected, "{keyword:?}");
            }
        }
    }

    fn custom(id: &str, keywords: &[&str]) -> super::Rule {
        let spec: super::RuleSpec = toml::from_str(&format!(
            "id = {id:?}\ndescription = \"custom\"\nregex = \"x\"\nkeywords = {keywords:?}\n"
        ))
        .expect("spec");
        super::Rule::from_spec(spec, "custom.toml".into())
    }

    #[test]
    fn keywords_find_their_rules_with_the_builtin_prefilter() {
        let set = RuleSet::builtin().expect("built-in");
        assert_keywords_find_their_rules(&set);
        // Some rules disabled, and a custom rule whose keywords the built-in ones cover (in
        // another case; one listed twice): the built-in prefilter still serves.
        let mut rules = super::builtin_rules().expect("built-in rules");
        let shared = rules[3].spec.keywords[0].to_ascii_uppercase();
        rules.retain(|r| !r.spec.id.starts_with('a'));
        rules.push(custom("custom-shared", &[&shared, &shared]));
        // A built-in rule whose keywords were changed after loading: its ids are not trusted.
        let changed = rules.len() / 2;
        rules[changed].spec.keywords = vec![shared.clone()];
        let set = RuleSet::new(rules).expect("set");
        assert_eq!(
            set.prefilter().keyword_count(),
            super::builtin::prefilter().expect("tables").keyword_count()
        );
        assert_keywords_find_their_rules(&set);
    }

    #[test]
    fn keywords_find_their_rules_with_a_prefilter_built_for_them() {
        let mut rules = super::builtin_rules().expect("built-in rules");
        rules.push(custom("custom-new", &["zq-not-a-builtin-keyword", "KEY"]));
        let count = super::builtin::prefilter().expect("tables").keyword_count();
        let set = RuleSet::new(rules).expect("set");
        assert_eq!(set.prefilter().keyword_count(), count + 1);
        assert_keywords_find_their_rules(&set);
    }

    /// Start-up (the built-in rule set, ready to scan) reads ids and keywords from the tables
    /// and copies no rule's spec out of them: that is what keeps it cheap. So does what the
    /// configuration does to them (rules disabled by id, one re-ranked), but for that one.
    #[test]
    fn start_up_copies_no_spec_out_of_the_binary() {
        let set = RuleSet::builtin().expect("rule set");
        assert!(set.rules().len() > 200);
        assert!(set.rules().iter().all(|r| r.spec.in_tables()));
        let mut rules = super::builtin_rules().expect("built-in rules");
        let disabled = rules[1].id().to_owned();
        rules.retain(|r| r.id() != disabled);
        rules[5].spec.severity = super::Severity::Low;
        let set = RuleSet::new(rules).expect("rule set");
        let copied: Vec<usize> = (set.rules().iter().enumerate())
            .filter(|(_, r)| !r.spec.in_tables())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(copied, [5]);
        // Reading a spec copies that one out, and it reads as the TOML has it.
        let rule = set.rule(7);
        let description = rule.spec.description.clone();
        assert!(!rule.spec.in_tables() && set.rule(8).spec.in_tables());
        let from_toml = super::BUILTIN_RULE_FILES
            .iter()
            .flat_map(|(file, text)| super::parse_rule_file(file, text).expect("TOML"))
            .find(|r| r.id() == rule.id())
            .expect("in the TOML");
        assert_eq!(description, from_toml.spec.description);
    }

    /// A built-in rule's spec changed after loading (a configured severity, or anything else:
    /// `spec` is public) is the one every reader sees, its id and keywords included.
    #[test]
    fn a_changed_builtin_spec_is_the_one_read() {
        let mut rules = super::builtin_rules().expect("built-in rules");
        let keyword = "zq-new-keyword";
        rules[0].spec.id = "renamed".into();
        rules[0].spec.severity = super::Severity::Low;
        rules[0].spec.keywords = vec![keyword.into()];
        let set = RuleSet::new(rules).expect("set");
        assert_eq!(set.rule(0).id(), "renamed");
        assert_eq!(set.rule(0).spec.severity, super::Severity::Low);
        assert_keywords_find_their_rules(&set);
    }

    #[test]
    fn the_first_duplicate_id_is_the_error() {
        let rules = vec![
            custom("a", &["k"]),
            custom("b", &["k"]),
            custom("c", &["k"]),
            custom("b", &["k"]),
            custom("a", &["k"]),
        ];
        let Err(RuleError::Invalid { id, message, .. }) = RuleSet::new(rules) else {
            panic!("duplicates accepted");
        };
        assert_eq!((id.as_str(), message.as_str()), ("b", "duplicate rule id"));
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
