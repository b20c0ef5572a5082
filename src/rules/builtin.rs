//! The built-in rules as build.rs wrote them: every field of every rule, their examples and
//! the prefilter of their keywords, as static tables in the binary.
//!
//! Start-up pays for whatever it does on every pre-commit run and every agent hook call, so
//! nothing here is parsed: a rule is copied out of the tables (its strings are ranges of one
//! text), and the prefilter's automaton is borrowed as it is. The tables are the rules files
//! read by the binary's own schema (`spec.rs`, which build.rs includes); a test proves they
//! equal the TOML as written. When a file did not parse at build time there are no tables
//! ([`PARSED`] is false) and the caller parses the TOML, which points at the mistake.

use super::prefilter::{KeywordPrefilter, Tables};
use super::spec::{
    AllowlistSpec, Checksum, Confidence, RequiresSpec, RuleContext, RuleKind, RuleSpec, Severity,
};
use super::{BuiltinExamples, LazySpec, Rule};

/// A string: a byte range of [`TEXT`].
#[derive(Debug, Clone, Copy)]
struct Str(u32, u32);

/// A list of strings: a range of [`STRS`] (or, for keyword ids, of [`KEYWORD_IDS`]).
#[derive(Debug, Clone, Copy)]
struct List(u32, u32);

struct StaticRequires {
    regex: Str,
    within_lines: usize,
}

/// One rule, as [`RuleSpec`] has it but for the examples (see [`StaticExamples`]), plus the
/// prefilter ids of its keywords.
struct StaticRule {
    file: Str,
    id: Str,
    description: Str,
    keywords: List,
    keyword_ids: List,
    regex: Str,
    kind: RuleKind,
    severity: Severity,
    confidence: Option<Confidence>,
    weak_literals: Option<Confidence>,
    min_entropy: Option<f64>,
    multiline: bool,
    paths: List,
    allow_regexes: List,
    allow_stopwords: List,
    revoke: Option<Str>,
    checksum: Option<Checksum>,
    requires: Option<StaticRequires>,
    context: Option<RuleContext>,
}

/// One rule's examples: only `rules check` reads them.
struct StaticExamples {
    file: Str,
    id: Str,
    examples: List,
    negative_examples: List,
}

include!(concat!(env!("OUT_DIR"), "/builtin_tables.rs"));

impl Str {
    fn get(self) -> &'static str {
        &TEXT[self.0 as usize..self.1 as usize]
    }

    fn owned(self) -> String {
        self.get().to_owned()
    }
}

impl List {
    fn strs(self) -> impl ExactSizeIterator<Item = &'static str> {
        STRS[self.0 as usize..self.1 as usize]
            .iter()
            .map(|s| s.get())
    }

    fn owned(self) -> Vec<String> {
        self.strs().map(str::to_owned).collect()
    }
}

/// One built-in rule in the tables.
#[derive(Clone, Copy)]
pub(super) struct Entry(&'static StaticRule);

impl Entry {
    pub(super) fn id(self) -> &'static str {
        self.0.id.get()
    }

    pub(super) fn context(self) -> Option<RuleContext> {
        self.0.context
    }

    pub(super) fn keywords(self) -> impl ExactSizeIterator<Item = &'static str> {
        self.0.keywords.strs()
    }

    /// The rule's spec, copied out of the tables.
    pub(super) fn spec(self) -> RuleSpec {
        let r = self.0;
        RuleSpec {
            id: r.id.owned(),
            description: r.description.owned(),
            keywords: r.keywords.owned(),
            regex: r.regex.owned(),
            kind: r.kind,
            severity: r.severity,
            confidence: r.confidence,
            weak_literals: r.weak_literals,
            min_entropy: r.min_entropy,
            multiline: r.multiline,
            paths: r.paths.owned(),
            allowlist: AllowlistSpec {
                regexes: r.allow_regexes.owned(),
                stopwords: r.allow_stopwords.owned(),
            },
            examples: Vec::new(),
            negative_examples: Vec::new(),
            revoke: r.revoke.map(Str::owned),
            checksum: r.checksum,
            requires: r.requires.as_ref().map(|q| RequiresSpec {
                regex: q.regex.owned(),
                within_lines: q.within_lines,
            }),
            context: r.context,
        }
    }
}

/// The built-in rules without their examples, each knowing its keywords' prefilter ids, their
/// specs still in the tables; `None` when a rules file did not parse at build time.
pub(super) fn rules() -> Option<Vec<Rule>> {
    PARSED.then(|| {
        RULES
            .iter()
            .map(|r| {
                let mut rule = Rule::with(LazySpec::builtin(Entry(r)), r.file.owned());
                let ids = r.keyword_ids;
                rule.keyword_ids = Some(&KEYWORD_IDS[ids.0 as usize..ids.1 as usize]);
                rule
            })
            .collect()
    })
}

/// Every built-in rule's examples; `None` when a rules file did not parse at build time.
pub(super) fn examples() -> Option<Vec<BuiltinExamples>> {
    PARSED.then(|| {
        EXAMPLES
            .iter()
            .map(|e| BuiltinExamples {
                file: e.file.owned(),
                id: e.id.owned(),
                examples: e.examples.owned(),
                negative_examples: e.negative_examples.owned(),
            })
            .collect()
    })
}

/// The keyword of an id.
pub(super) fn keyword(id: u32) -> &'static str {
    STRS[KEYWORDS.0 as usize + id as usize].get()
}

/// The id of a keyword (lowercased), if the built-in prefilter has it.
pub(super) fn keyword_id(lower: &str) -> Option<u32> {
    KEYWORDS_SORTED
        .binary_search_by(|&id| keyword(id).cmp(lower))
        .ok()
        .map(|at| KEYWORDS_SORTED[at])
}

/// The prefilter of the built-in keywords, borrowed from the binary; `None` when a rules file
/// did not parse at build time.
pub(super) fn prefilter() -> Option<KeywordPrefilter> {
    PARSED.then(|| {
        KeywordPrefilter::from_tables(Tables {
            classes: &CLASSES,
            stride: STRIDE,
            transitions: &TRANSITIONS,
            starts: &STARTS,
            ends: &ENDS,
            lengths: &LENGTHS,
        })
    })
}
