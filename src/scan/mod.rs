//! The scanner: bytes and their provenance in, findings out.
//!
//! One aho-corasick pass over the bytes finds every rule keyword. A rule's regex then runs only
//! on the lines (for multi-line rules, the window after the line) where one of its keywords
//! occurs, so most bytes never reach a regex. Candidates are checked (placeholders, allowlists,
//! entropy, and for generic assignments the key and value heuristics in [`value`]), overlapping
//! candidates collapse to the most specific one, and inline `leakgate:allow` comments are
//! honoured: what they silence is returned as [`Suppression`]s (rule and line, never the secret),
//! so that a scan of a change can show a reviewer what the change silenced.

pub mod decode;
pub mod examples;
pub mod json;
pub mod literal;
pub mod mcp;
mod since;
pub mod value;

use crate::diagnostic::{Code, Diagnostic};
use crate::finding::{self, Decoding, Encoding, Finding, Mask, Secret};
use crate::input::Provenance;
use crate::mask::SecretForms;
use crate::rules::{Confidence, Rule, RuleKind, RuleSet, SecretGroup};
use decode::{Budget, DecodeOptions, ViewKind};

/// On a line longer than this, a rule's regex sees only this many bytes on each side of a
/// keyword (minified files have megabyte-long lines).
const LONG_LINE_WINDOW: usize = 4096;
/// How far past its keyword's line a multi-line rule (a PEM block) may match.
const MULTILINE_WINDOW: usize = 32 * 1024;

/// How many times its length a region may be read again to look inside rejected values (see
/// `Scanner::candidates_in`): enough for values inside values inside values on every line of
/// real text, while a line built of values that each run to its end costs its length a few
/// times, not once per value.
const REREAD_PER_REGION: usize = 4;

/// Markers that suppress a finding on their own line (ours, and those of the tools teams
/// migrate from).
const ALLOW_MARKERS: &[&[u8]] = &[
    b"leakgate:allow",
    b"gitleaks:allow",
    b"pragma: allowlist secret",
];
const ALLOW_NEXT_LINE_MARKER: &[u8] = b"leakgate:allow-next-line";

#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Keep the secret itself in each finding (`--show-secrets`).
    pub show_secrets: bool,
    /// Derives each finding's fingerprint (salted, slow for guessable secrets; shared by every
    /// thread so that each secret is derived once).
    pub fingerprints: std::sync::Arc<crate::fingerprint::Fingerprinter>,
}

pub struct Scanner<'r> {
    rules: &'r RuleSet,
    options: ScanOptions,
    /// Per rule, the keywords that are a known prefix of its secrets (built on first use).
    prefixes: Vec<std::sync::OnceLock<Vec<String>>>,
    /// What scanning a later version against an earlier one needs of the rules (history
    /// only, so made on first use: see [`since`]).
    since: std::sync::OnceLock<since::SinceRules>,
}

/// A match that passed every check, before it becomes a [`Finding`].
#[derive(Debug, Clone)]
struct Candidate {
    rule: usize,
    /// Byte range of the secret in the scanned bytes (for a match inside an escaped JSON
    /// string: the raw range its decoded text came from).
    start: usize,
    end: usize,
    /// The secret as decoded (from a JSON string, or by a [`decode`] decoder), when it differs
    /// from the raw bytes.
    decoded: Option<Vec<u8>>,
    /// The encodings a decoder took off to find it (not a JSON file's own string escapes).
    decoding: Option<Decoding>,
    /// The string the secret sits in (an index into the lexed strings of a JSON file); its
    /// pointer is built only for the findings that are kept.
    string: Option<usize>,
    /// For a paired credential: the byte range of the partner its rule requires.
    related: Option<(usize, usize)>,
    /// How sure the match is: its rule's confidence, or its `weak_literals` confidence for a
    /// weak literal password.
    confidence: Confidence,
}

/// A finding an inline allow comment silenced: where, which rule and which comment. Nothing of
/// the secret (not even a fingerprint).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Suppression {
    pub path: String,
    pub line: usize,
    /// The last line the secret spans (a PEM block spans many).
    #[serde(skip)]
    pub end_line: usize,
    pub rule: String,
    pub description: String,
    pub severity: crate::rules::Severity,
    #[serde(skip)]
    pub kind: RuleKind,
    /// The comment: `leakgate:allow`, `gitleaks:allow`, `pragma: allowlist secret` or
    /// `leakgate:allow-next-line`.
    pub marker: &'static str,
}

impl Suppression {
    /// What a reviewer should know, in words (no secret: rule, comment and what to do).
    pub fn message(&self) -> String {
        format!(
            "a {} finding is silenced by `{}` in this change; confirm it is not a secret",
            self.rule, self.marker
        )
    }
}

/// What scanning one blob produced.
#[derive(Debug, Default)]
pub struct BlobReport {
    pub findings: Vec<Finding>,
    /// Syntax errors in a JSON file ([`Code::InvalidJson`] notes): reported, and the raw
    /// bytes are scanned anyway.
    pub notes: Vec<Diagnostic>,
    /// Findings inline allow comments silenced.
    pub suppressed: Vec<Suppression>,
}

impl<'r> Scanner<'r> {
    pub fn new(rules: &'r RuleSet, options: ScanOptions) -> Self {
        Scanner {
            rules,
            options,
            since: std::sync::OnceLock::new(),
            prefixes: rules
                .rules()
                .iter()
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        }
    }

    /// Scan one buffer. Findings come back in byte order.
    pub fn scan(&self, provenance: &Provenance, data: &[u8]) -> Vec<Finding> {
        self.scan_blob(provenance, data).findings
    }

    /// Scan one buffer, JSON-aware when its name says it is JSON: strings with escapes are
    /// decoded and scanned too, findings carry their JSON pointer, and syntax errors are noted.
    pub fn scan_blob(&self, provenance: &Provenance, data: &[u8]) -> BlobReport {
        if self.rules.path_allowed(provenance.path()) {
            return BlobReport::default();
        }
        let mut budget = Budget::for_input(data.len());
        let json = json::json_kind(provenance.path());
        let mut candidates = self.candidates_deep(
            data,
            provenance.path(),
            Decoded {
                view: ViewKind::Text,
                options: DecodeOptions {
                    json_escapes: json.is_none(),
                },
                depth: decode::MAX_DEPTH,
            },
            &mut budget,
        );
        // What was found decoded is also checked against the configuration's line allowlist
        // as its line is written (a decoded text's lines are not the file's).
        candidates.retain(|c| {
            c.decoding.is_none()
                || !self.rules.globally_allowed(
                    c.decoded.as_deref().unwrap_or_default(),
                    line_near(data, c.start),
                )
        });
        candidates.extend(self.container_candidate(data, provenance.path()));
        if is_config_file(provenance.path()) && !candidates.is_empty() {
            // Only what the configuration in effect declares (in range mode, the base side's):
            // a `.leakgate.toml` a change adds or edits cannot exempt its own text.
            let declared = self.rules.declared_texts();
            candidates.retain(|c| !inside_any(&data[c.start..c.end], declared));
        }
        let mut notes = Vec::new();
        let mut lexed = None;
        if let Some(options) = json {
            let (json_notes, strings) =
                self.json_candidates(provenance, data, options, &mut candidates, &mut budget);
            notes = json_notes;
            lexed = Some(strings);
        }
        if budget.exhausted() {
            notes.push(
                Diagnostic::new(
                    Code::Warning,
                    "decoding stopped at its budget (twice the file's size): the rest of its \
                     encoded text (base64, percent-encoding, JSON escapes) was scanned only as \
                     written",
                )
                .at(provenance.path()),
            );
        }
        if budget.values_cut() {
            notes.push(
                Diagnostic::new(
                    Code::Warning,
                    "a line holds values inside values (`key:key:key=…`) beyond what is looked \
                     into: some rejected values were not searched for a `key=value` inside them",
                )
                .at(provenance.path()),
            );
        }
        if candidates.is_empty() {
            return BlobReport {
                notes,
                ..BlobReport::default()
            };
        }
        let mut kept = Vec::new();
        let mut suppressed = Vec::new();
        let mut lines = LineCounter::default();
        let mut allow = AllowComments::default();
        for candidate in resolve_overlaps(self.rules, candidates) {
            match allow.at(data, candidate.start) {
                None => kept.push(candidate),
                Some(marker) => {
                    let rule = self.rules.rule(candidate.rule);
                    suppressed.push(Suppression {
                        path: provenance.path().to_owned(),
                        line: lines.position(data, candidate.start).0,
                        end_line: lines.position_after(data, candidate.end).0,
                        rule: rule.id().to_owned(),
                        description: rule.spec.description.clone(),
                        severity: rule.spec.severity,
                        kind: rule.spec.kind,
                        marker,
                    });
                }
            }
        }
        BlobReport {
            findings: self.findings(provenance, data, &kept, lexed.as_ref()),
            notes,
            suppressed,
        }
    }

    /// The whole blob as one candidate when it is a binary credential container (a keytab, a
    /// keystore with a key: see [`crate::container`]), under the rule its kind names, if that
    /// rule is in effect here.
    fn container_candidate(&self, data: &[u8], path: &str) -> Option<Candidate> {
        let found = crate::container::recognise(data)?;
        let id = found.kind.rule_id();
        let rule = self.rules.rules().iter().position(|r| r.id() == id)?;
        let spec = &self.rules.rule(rule).spec;
        self.rules.rule(rule).applies_to(path).then_some(Candidate {
            rule,
            start: 0,
            end: found.len.max(1),
            decoded: None,
            decoding: None,
            string: None,
            related: None,
            confidence: spec.confidence(),
        })
    }

    /// Add candidates found in the decoded text of escaped JSON strings, tie every candidate to
    /// the string it sits in, and return the syntax errors with the lexed strings.
    fn json_candidates(
        &self,
        provenance: &Provenance,
        data: &[u8],
        options: json::LexOptions<'_>,
        candidates: &mut Vec<Candidate>,
        budget: &mut Budget,
    ) -> (Vec<Diagnostic>, json::Lexed) {
        // One pass records the escaped strings (to decode) and the strings raw matches sit in.
        let mut wanted: Vec<usize> = candidates.iter().map(|c| c.start).collect();
        wanted.sort_unstable();
        let lexed = json::lex(
            data,
            json::LexOptions {
                escaped_only: true,
                wanted: &wanted,
                ..options
            },
        );
        for candidate in candidates.iter_mut() {
            let at = lexed.strings.partition_point(|s| s.end < candidate.start);
            if lexed
                .strings
                .get(at)
                .is_some_and(|s| s.start <= candidate.start)
            {
                candidate.string = Some(at);
            }
        }
        for (index, string) in lexed.strings.iter().enumerate().filter(|(_, s)| s.escaped) {
            let (decoded, map) = json::decode_nested(&data[string.start..string.end]);
            // Its escapes are off; what else it holds is decoded as a file's text is.
            let deep = Decoded {
                view: ViewKind::Text,
                options: DecodeOptions {
                    json_escapes: false,
                },
                depth: decode::MAX_DEPTH,
            };
            for found in self.candidates_deep(&decoded, provenance.path(), deep, budget) {
                let start = string.start + map[found.start];
                let end = string.start + map[found.end];
                let related = found.related.map(|(s, e)| {
                    let s = string.start + map[s];
                    (s, (string.start + map[e]).max(s + 1))
                });
                candidates.push(Candidate {
                    decoded: Some(
                        found
                            .decoded
                            .clone()
                            .unwrap_or_else(|| decoded[found.start..found.end].to_vec()),
                    ),
                    string: Some(index),
                    start,
                    end: end.max(start + 1),
                    related,
                    ..found
                });
            }
        }
        let mut lines = LineCounter::default();
        let notes = lexed
            .errors
            .iter()
            .map(|error| {
                let (line, column) = lines.position(data, error.offset.min(data.len()));
                Diagnostic::new(
                    Code::InvalidJson,
                    format!("invalid JSON: {}", error.message),
                )
                .at(provenance.path())
                .at_position(line, column)
            })
            .collect();
        (notes, lexed)
    }

    /// Every candidate in `data` and in the texts the decoders find in it (see [`decode`]),
    /// `how.depth` levels deep, in `data`'s offsets; unordered, overlaps not yet resolved.
    /// Candidates of the encoded form of a value a decoder understands whole are dropped: its
    /// decoded text judges it.
    fn candidates_deep(
        &self,
        data: &[u8],
        path: &str,
        how: Decoded,
        budget: &mut Budget,
    ) -> Vec<Candidate> {
        let (mut own, marks) = self.candidates(data, path, how.view, budget);
        if how.depth == 0 {
            return own;
        }
        let mut replaced: Vec<(usize, usize)> = Vec::new();
        let mut found = Vec::new();
        for layer in decode::layers(data, &marks, how.options, budget) {
            let inner = Decoded {
                view: layer.kind,
                depth: how.depth - 1,
                ..how
            };
            for candidate in self.candidates_deep(&layer.text, path, inner, budget) {
                let Some((start, end, view)) = layer.locate(candidate.start, candidate.end) else {
                    continue;
                };
                let secret = candidate
                    .decoded
                    .unwrap_or_else(|| layer.text[candidate.start..candidate.end].to_vec());
                // A secret written as is beside encoded text (a token in a query that also
                // holds `%2F`) was not decoded.
                let (decoded, decoding) = match candidate.decoding {
                    None if data.get(start..end) == Some(secret.as_slice()) => (None, None),
                    None => (Some(secret), Some(Decoding::of(view.encoding))),
                    Some(decoding) => (Some(secret), Some(decoding.inside(view.encoding))),
                };
                found.push(Candidate {
                    start,
                    end: end.max(start + 1),
                    decoded,
                    decoding,
                    string: None,
                    // A partner in the same decoded text: where its encoded form is.
                    related: candidate
                        .related
                        .and_then(|(s, e)| layer.locate(s, e))
                        .map(|(s, e, _)| (s, e)),
                    rule: candidate.rule,
                    confidence: candidate.confidence,
                });
            }
            replaced.extend(
                layer
                    .views
                    .iter()
                    .filter(|v| v.authoritative)
                    .map(|v| v.source),
            );
        }
        if !replaced.is_empty() {
            replaced.sort_unstable();
            own.retain(|c| !overlaps_any(&replaced, c.start, c.end));
        }
        own.extend(found);
        own
    }

    /// Every candidate in `data` (text as written, or one a decoder produced: `view`),
    /// unordered, overlaps not yet resolved; and where the decoders with a context start in
    /// it, found in the same pass.
    fn candidates(
        &self,
        data: &[u8],
        path: &str,
        view: ViewKind,
        budget: &mut Budget,
    ) -> (Vec<Candidate>, decode::Marks) {
        let mut regions = Regions::take(self.rules.rules().len());
        let mut marks = decode::Marks::default();
        self.regions(data, &mut regions, &mut marks);
        // Rules of a decoder's context read all of its text, and nothing else.
        if let Some(context) = view.context() {
            for rule in self.rules.rules_in_context(context) {
                regions.set(rule, (0, data.len()));
            }
        }
        regions.sort();
        let out = self.candidates_in(data, path, view, &regions, budget);
        regions.give_back();
        (out, marks)
    }

    /// The candidates of the rules `regions` lists, each searched in its own regions.
    fn candidates_in(
        &self,
        data: &[u8],
        path: &str,
        view: ViewKind,
        regions: &Regions,
        budget: &mut Budget,
    ) -> Vec<Candidate> {
        let mut out = Vec::new();
        // Outside configuration an unquoted value is an identifier or a word, never a weak
        // literal password.
        let unquoted_literals = literal::unquoted_values_are_literals(path);
        // Secrets of a checksummed format whose checksum failed: not that provider's token, so
        // no other rule reports the very same text as a secret either (`NPM_TOKEN=npm_…` with
        // a wrong checksum is a placeholder or a test value, not a generic secret).
        let mut failed_checksums: Vec<(usize, usize)> = Vec::new();
        // The line around each value, found once per line rather than once per candidate.
        let mut lines = LineFacts::default();
        for (rule_index, rule_regions) in regions.iter() {
            let rule = self.rules.rule(rule_index);
            if !rule.applies_to(path) {
                continue;
            }
            // The regions the rule's regex could match in, each with where it could first match
            // (its gate's verdict): most regions of a rule with counts are settled here, and a
            // rule no region passes is never compiled.
            let mut open = (rule_regions.iter())
                .filter_map(|&(from, to)| {
                    Some((from, to, rule.first_possible(&data[from..to], 0)?))
                })
                .peekable();
            if open.peek().is_none() {
                continue;
            }
            let Ok(regex) = rule.regex_for_captures() else {
                continue;
            };
            let group =
                |name: &str| (regex.group_info()).to_index(regex_automata::PatternID::ZERO, name);
            let secret_index = match rule.secret_group(regex) {
                SecretGroup::Named => group("secret").unwrap_or(0),
                SecretGroup::First => 1,
                SecretGroup::Whole => 0,
            };
            let key_index = group("key");
            // Keys come in ascending order within a rule: whether each stands in a string is
            // judged from where the last one left off (linear on a long line of keys).
            let mut strings = literal::StringTracker::default();
            let mut locations = regex.create_captures();
            for (from, to, first) in open {
                let hay = &data[from..to];
                // A paired rule's partner regex, and how near a partner must be.
                let partner = match (rule.partner_regex(), rule.within_lines()) {
                    (Some(Ok(partner)), Some(lines)) => Some((partner, lines)),
                    // A partner regex that does not compile finds nothing (it never gets this
                    // far: every rule is validated first).
                    (Some(Err(_)), _) => continue,
                    _ => None,
                };
                // The partners near this region, found once for all its candidates, when the
                // first is accepted: most regions have none (on rails, partner searches in
                // regions whose values were all rejected were 3% of a scan's instructions).
                // Searched around the whole region, not each candidate: a window per candidate
                // on a long line cut partners at its edge, and cost a search per candidate.
                let mut partners: Option<(Partners, RelativeLines)> = None;
                let mut at = first;
                let mut nested_until = 0;
                let mut reread_left = REREAD_PER_REGION.saturating_mul(hay.len()).max(4096);
                // The gate's first match is found once a region: it runs as far as its
                // opened-up counts reach (to the end of a long line), so finding it again after
                // every match made a line of many matches quadratic.
                while at <= hay.len() {
                    let Some(whole) = rule.captures_from(hay, at, first, &mut locations) else {
                        break;
                    };
                    let span = |index: usize| locations.get_group(index).map(|s| (s.start, s.end));
                    let secret = span(secret_index);
                    let key_span = key_index.and_then(span);
                    let key = key_span.map(|(s, e)| &hay[s..e]);
                    // Inside a rejected value, only `key=value` is a nested assignment
                    // (`;Password=…;`, `?token=…&`), not `secret:…` inside an ARN.
                    let nested_ok = whole.start >= nested_until
                        || key_span.is_none_or(|(_, e)| assigns_with_equals(&hay[e..]));
                    let mut accepted = false;
                    if let Some((secret_start, secret_end)) = secret.filter(|_| nested_ok) {
                        let (start, end, quoted) = unquote(
                            data,
                            from + secret_start,
                            from + secret_end,
                            if rule.spec.multiline {
                                Escapes::SeparateLines
                            } else {
                                Escapes::EndTheValue
                            },
                        );
                        let context = value::ValueContext {
                            quoted: quoted || view.literal(),
                            line: lines.near(data, start),
                            followed_by: &data[end..(end + 2).min(data.len())],
                            preceded_by: &data[start.saturating_sub(3)..start],
                            path,
                        };
                        // A password or token in a URL or a query is judged decoded
                        // (`p%40ss` is `p@ss`, `%3Ctoken%3E` a placeholder).
                        let decoded = (start < end
                            && memchr::memchr(b'%', &data[start..end]).is_some()
                            && in_url(data, start))
                        .then(|| decode::percent_decode(&data[start..end], 0))
                        .flatten()
                        .map(|(decoded, _)| decoded);
                        let secret = decoded.as_deref().unwrap_or(&data[start..end]);
                        let checksum_ok = start < end && rule.checksum_verifies(secret);
                        if start < end && !checksum_ok {
                            failed_checksums.push((start, end));
                        }
                        let literal = literal::LiteralContext {
                            quoted: context.quoted,
                            backticks: quoted && start > 0 && data[start - 1] == b'`',
                            unquoted_literals: unquoted_literals
                                || view.literal()
                                // `key=value` packed inside a string of code: a
                                // connection string's `Password=…;`, a query's `pwd=…&`
                                // (not prose in a docstring: `secret: where it goes`).
                                || key_span.is_some_and(|(key_start, key_end)| {
                                    let key_end = from + key_end;
                                    data.get(key_end) == Some(&b'=')
                                        && start == key_end + 1
                                        && strings.inside(data, from + key_start)
                                }),
                            key,
                            followed_by: context.followed_by,
                            path,
                        };
                        let confidence = (checksum_ok
                            && !lines.in_redaction_marker(data, start)
                            && !self.rules.globally_allowed(secret, context.line))
                        .then(|| accept(rule, secret, context, literal))
                        .flatten();
                        let related = match confidence {
                            Some(_) => match partner {
                                Some((partner, lines)) => {
                                    let (partners, secret_lines) =
                                        partners.get_or_insert_with(|| {
                                            let gate = rule.partner_gate();
                                            let found = Partners::find(
                                                data,
                                                (from, to),
                                                partner,
                                                gate,
                                                lines,
                                            );
                                            let secret_lines = found.line_counter();
                                            (found, secret_lines)
                                        });
                                    partners.nearest(data, (start, end), secret_lines).map(Some)
                                }
                                None => Some(None),
                            },
                            None => None,
                        };
                        if let (Some(related), Some(confidence)) = (related, confidence) {
                            out.push(Candidate {
                                rule: rule_index,
                                start,
                                end,
                                decoding: decoded
                                    .is_some()
                                    .then(|| Decoding::of(Encoding::PercentEncoding)),
                                decoded,
                                string: None,
                                related,
                                confidence,
                            });
                            accepted = true;
                        }
                    }
                    // A rejected match may hide one inside its value
                    // (`ConnectionString = "…;Password=…"`): look again from the value's start.
                    // Each look reads the value again, and values can hold values: matches
                    // that each start in the last one's value and run to the end of the line
                    // (`password:password:…`) read the line once per match. So the rereading
                    // a region allows is a few times its length, and past that the search goes
                    // on from each match's end.
                    let next = match (accepted, secret) {
                        (false, Some((secret_start, secret_end))) => {
                            let back = secret_start.max(whole.start + 1);
                            let reread = whole.end.saturating_sub(back);
                            if reread <= reread_left {
                                reread_left -= reread;
                                nested_until = nested_until.max(secret_end);
                                back
                            } else {
                                budget.cut_values();
                                whole.end
                            }
                        }
                        _ => whole.end,
                    };
                    at = next.max(at + 1);
                }
            }
        }
        if !failed_checksums.is_empty() {
            failed_checksums.sort_unstable();
            out.retain(|c| {
                self.rules.rule(c.rule).spec.checksum.is_some()
                    || failed_checksums.binary_search(&(c.start, c.end)).is_err()
            });
        }
        out
    }

    /// For each rule, the merged byte ranges its regex must search: one read of the text by
    /// the keyword automaton, every keyword occurrence (overlapping ones included, so that one
    /// keyword cannot hide another) opening the regions of the rules it belongs to.
    fn regions(&self, data: &[u8], regions: &mut Regions, marks: &mut decode::Marks) {
        let mut lines = LineBounds::default();
        self.rules
            .prefilter()
            .for_each_hit(data, 0, data.len(), |hit| {
                if self.rules.is_decoder_word(hit.keyword) {
                    marks.add(&data[hit.start..hit.end], hit.start);
                }
                self.add_regions_for_hit(data, hit, &mut lines, regions);
            });
    }

    fn add_regions_for_hit(
        &self,
        data: &[u8],
        hit: crate::rules::Hit,
        lines: &mut LineBounds,
        regions: &mut Regions,
    ) {
        for &rule_index in self.rules.rules_for_keyword(hit.keyword) {
            let rule = self.rules.rule(rule_index);
            let (list, carried_from) = regions.list_and_carried_from(rule_index);
            let within = rule.within_lines();
            let multiline = rule.spec.multiline && within.is_none();
            // A multi-line rule's keyword always adds its own region, even inside another's:
            // what the rule finds below a keyword must not depend on whether another keyword
            // sits further up (a second `kubeadm` 100 lines above the first would otherwise
            // leave a token 400 lines below the first outside every region). Lines are found
            // from the last one, so a long line of keywords costs its length once.
            if !multiline
                && let Some(last) = list.last_mut()
                && hit.start >= last.0
                && hit.end <= last.1
            {
                // A paired rule's region runs `within` lines below each keyword: one inside the
                // last region can still carry it further down (a second pair of halves a few
                // lines below the first had its secret left outside every region). Asked once
                // a line, so that a line dense with keywords costs its length once, not the
                // `within` lines below it once a keyword.
                if let Some(within) = within {
                    let line_start = lines.of(data, hit.start).0;
                    if *carried_from != line_start {
                        *carried_from = line_start;
                        last.1 = last.1.max(lines_below(data, hit.end, within));
                    }
                }
                continue;
            }
            let region = match within {
                // A paired rule: its keyword may sit on either half's line (or near both).
                Some(within) => lines_around(data, (hit.start, hit.end), within),
                None if multiline => {
                    let (line_start, line_end) = lines.of(data, hit.start);
                    multiline_region(data, line_start, line_end)
                }
                // The line is found once for all of the keyword's rules (a keyword such as
                // `key` has dozens), and once for all the keywords on it.
                None => line_region(lines.of(data, hit.start), (hit.start, hit.end)),
            };
            match list.last_mut() {
                Some(last) if region.0 <= last.1 && region.1 >= last.0 => {
                    last.0 = last.0.min(region.0);
                    last.1 = last.1.max(region.1);
                }
                _ => list.push(region),
            }
        }
    }

    fn findings(
        &self,
        provenance: &Provenance,
        data: &[u8],
        kept: &[Candidate],
        lexed: Option<&json::Lexed>,
    ) -> Vec<Finding> {
        // The secret itself: decoded text for a match inside an escaped JSON string.
        let secret_of = |c: &Candidate| -> Vec<u8> {
            c.decoded
                .clone()
                .unwrap_or_else(|| data[c.start..c.end].to_vec())
        };
        let is_policy = |c: &Candidate| self.rules.rule(c.rule).spec.kind == RuleKind::Policy;
        let prefixes = |c: &Candidate| -> &[String] {
            self.prefixes[c.rule].get_or_init(|| known_prefixes(self.rules.rule(c.rule)))
        };
        let previews: Vec<String> = kept
            .iter()
            .map(|c| {
                if self.options.show_secrets || is_policy(c) {
                    String::from_utf8_lossy(&data[c.start..c.end]).into_owned()
                } else {
                    finding::preview(&secret_of(c), prefixes(c))
                }
            })
            .collect();
        // Every written form of every secret found here: snippets and pointers hide them all.
        let forms = if self.options.show_secrets {
            None
        } else {
            let secrets: Vec<(usize, &[u8])> = kept
                .iter()
                .enumerate()
                .filter(|(_, c)| !is_policy(c))
                .flat_map(|(i, c)| {
                    std::iter::once((i, &data[c.start..c.end]))
                        .chain(c.decoded.as_deref().map(|d| (i, d)))
                })
                .collect();
            Some(SecretForms::new(secrets.iter().map(|&(i, s)| (s, i)), 1))
        };
        // What each fingerprint covers, then all of them at once: derived in parallel, each
        // secret once (see crate::fingerprint).
        let material: Vec<Vec<u8>> = kept
            .iter()
            .map(|c| fingerprinted(self.rules.rule(c.rule), &secret_of(c)))
            .collect();
        let fingerprints = self.options.fingerprints.of_many(
            &(kept.iter().zip(&material))
                .map(|(c, m)| (self.rules.rule(c.rule).id(), m.as_slice()))
                .collect::<Vec<_>>(),
        );
        // Where each paired secret's partner is: positions counted in one forward pass over
        // the partners in byte order (they need not be in the secrets' order).
        let mut partners: Vec<(usize, usize)> = kept
            .iter()
            .enumerate()
            .filter_map(|(index, c)| c.related.map(|(start, _)| (start, index)))
            .collect();
        partners.sort_unstable();
        let mut related: Vec<Vec<finding::Related>> = vec![Vec::new(); kept.len()];
        let mut partner_lines = LineCounter::default();
        for (start, index) in partners {
            let (line, column) = partner_lines.position(data, start);
            related[index].push(finding::Related { line, column });
        }
        // A file named after a secret it holds (a weak password as its own file's name): its
        // findings name it masked, as the shape-based masking of names cannot know that one.
        let masked_provenance;
        let provenance = match &forms {
            Some(forms) if !forms.occurrences(provenance.path().as_bytes()).is_empty() => {
                let mut masked = provenance.clone();
                *masked.path_mut() = crate::mask::mask_text(provenance.path().as_bytes(), forms);
                masked_provenance = masked;
                &masked_provenance
            }
            _ => provenance,
        };
        let mut lines = LineCounter::default();
        let mut bounds = LineBounds::default();
        let mut out = Vec::with_capacity(kept.len());
        for (index, candidate) in kept.iter().enumerate() {
            let rule = self.rules.rule(candidate.rule);
            let secret_bytes = secret_of(candidate);
            let secret = secret_bytes.as_slice();
            let (line_start, line_end) = bounds.of(data, candidate.start);
            let line = trim_cr(&data[line_start..line_end]);
            let line_stop = line_start + line.len();
            // `kept` is sorted and disjoint: the candidates a snippet can show are one slice of
            // it, those on this line within its reach (not every finding of a long line, which
            // would make a line of many findings cost their number squared).
            let reach = 2 * finding::SNIPPET_BYTES;
            let near_start = line_start.max(candidate.start.saturating_sub(reach));
            let near_stop = line_stop.min(candidate.end.saturating_add(reach));
            let first = kept.partition_point(|c| c.end <= near_start);
            let last = kept.partition_point(|c| c.start < near_stop);
            let masks: Vec<Mask<'_>> = (first..last.max(first))
                .filter(|&i| kept[i].start < line_stop && kept[i].end > line_start)
                .map(|i| Mask {
                    start: kept[i].start.max(line_start) - line_start,
                    end: kept[i].end.min(line_stop) - line_start,
                    shown: previews[i].as_str(),
                })
                .collect();
            let own = (
                candidate.start - line_start,
                candidate.end.min(line_stop) - line_start,
            );
            let (line_number, column) = lines.position(data, candidate.start);
            let (end_line, end_column) = lines.position_after(data, candidate.end);
            let json_pointer = lexed.zip(candidate.string).map(|(lexed, string)| {
                lexed.pointer(data, string, |segment| match &forms {
                    Some(forms) => crate::mask::mask_text(segment, forms),
                    None => String::from_utf8_lossy(segment).into_owned(),
                })
            });
            out.push(Finding {
                rule: rule.id().to_owned(),
                kind: rule.spec.kind,
                description: mcp::describe(
                    &rule.spec.description,
                    rule.spec.kind,
                    provenance.path(),
                ),
                severity: rule.spec.severity,
                confidence: candidate.confidence,
                test_fixture: false,
                path: provenance.path().to_owned(),
                line: line_number,
                column,
                end_line,
                end_column,
                fingerprint: fingerprints[index].clone(),
                preview: if self.options.show_secrets {
                    finding::preview(secret, prefixes(candidate))
                } else {
                    previews[index].clone()
                },
                snippet: finding::snippet(line, own, &masks, forms.as_ref()),
                provenance: provenance.clone(),
                secret: self.options.show_secrets.then(|| Secret::new(secret)),
                json_pointer,
                related: std::mem::take(&mut related[index]),
                decoded: candidate.decoding.clone(),
                span: (candidate.start, candidate.end),
                revoke: rule.spec.revoke.clone(),
            });
        }
        out
    }
}

/// The keywords of `rule` that are a known, fixed prefix of its secret: those its regex's secret
/// group must start with (`ghp_` of `(?P<secret>ghp_[A-Za-z0-9]{36})`). Only these may show in a
/// preview. A keyword the regex finds elsewhere (`postgres` before a URL's password, `token` in
/// a key's name) is not one, even when a secret happens to start with it (`tokenQ8z…`).
fn known_prefixes(rule: &Rule) -> Vec<String> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    use regex_syntax::hir::{Hir, HirKind};

    let Ok(regex) = rule.regex() else {
        return Vec::new();
    };
    let group = rule.secret_group(regex);
    let Some(hir) = crate::rules::parse_pattern(&rule.spec.regex) else {
        return Vec::new();
    };
    let secret = match group {
        SecretGroup::Whole => Some(&hir),
        SecretGroup::Named | SecretGroup::First => {
            let mut stack: Vec<&Hir> = vec![&hir];
            let mut found = None;
            while let Some(node) = stack.pop() {
                match node.kind() {
                    HirKind::Capture(capture) => {
                        let wanted = match group {
                            SecretGroup::Named => capture.name.as_deref() == Some("secret"),
                            _ => capture.index == 1,
                        };
                        if wanted {
                            found = Some(capture.sub.as_ref());
                            break;
                        }
                        stack.push(&capture.sub);
                    }
                    HirKind::Concat(subs) | HirKind::Alternation(subs) => stack.extend(subs),
                    HirKind::Repetition(repetition) => stack.push(&repetition.sub),
                    _ => {}
                }
            }
            found
        }
    };
    let Some(literals) = secret
        .map(|hir| Extractor::new().kind(ExtractKind::Prefix).extract(hir))
        .and_then(|seq| seq.literals().map(<[_]>::to_vec))
    else {
        return Vec::new();
    };
    // Every secret starting with the keyword must have it from the regex's literal text: each
    // literal either starts with the keyword or starts differently (a shorter literal that the
    // keyword continues, such as an empty one, leaves those characters free).
    let fixed = |keyword: &[u8]| {
        let mut covered = false;
        for literal in &literals {
            let literal = literal.as_bytes();
            let common = literal.len().min(keyword.len());
            if !literal[..common].eq_ignore_ascii_case(&keyword[..common]) {
                continue;
            }
            if literal.len() < keyword.len() {
                return false;
            }
            covered = true;
        }
        covered
    };
    rule.spec
        .keywords
        .iter()
        .filter(|keyword| !keyword.is_empty() && fixed(keyword.as_bytes()))
        .cloned()
        .collect()
}

/// The bytes a finding's fingerprint is computed over: the secret, and for a multi-line secret
/// (a PEM key) its content without the line breaks however they are written (newlines, CRLF,
/// escaped `\n`, backslash continuations, string concatenation, indentation). So a key has one
/// fingerprint whether it sits in a .pem file, a .env line or a JSON string, and two keys with
/// the same header never share one.
fn fingerprinted(rule: &Rule, secret: &[u8]) -> Vec<u8> {
    if !rule.spec.multiline {
        return secret.to_vec();
    }
    let mut out = Vec::with_capacity(secret.len());
    let mut i = 0;
    while i < secret.len() {
        match secret[i] {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'\\' if matches!(secret.get(i + 1), Some(b'n' | b'r' | b'\r' | b'\n')) => i += 2,
            quote @ (b'"' | b'\'') => {
                // `"…\n" +\n  "…"`: skip to past the quote that reopens the string.
                i += 1;
                while i < secret.len() && secret[i] != quote {
                    i += 1;
                }
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Does this candidate survive every check its rule asks for, and how sure is it?
fn accept(
    rule: &Rule,
    secret: &[u8],
    context: value::ValueContext<'_>,
    literal: literal::LiteralContext<'_>,
) -> Option<Confidence> {
    if rule.allowlisted(secret) {
        return None;
    }
    // A weak value where only a password can stand (the rule opts in, and a key, if the rule
    // has one, names a password): the rule's weak confidence, not its own.
    let weak = rule
        .spec
        .weak_literals
        .filter(|_| literal.key.is_none_or(literal::key_names_password));
    // A weak literal is reported at the lower confidence; a weak-shaped value the literal
    // checks refuse is judged as any other value (never dropped for looking weak: a long
    // random value of one character class is not weak, and dropping what the generic checks
    // accept would be a silent miss).
    let confidence = match weak {
        Some(weak)
            if literal::is_weak_shape(secret)
                && literal::weak_literal_reason(secret, literal).is_none() =>
        {
            weak.min(rule.spec.confidence())
        }
        _ => rule.spec.confidence(),
    };
    let min_entropy = rule.spec.min_entropy.unwrap_or(0.0);
    let accepted = match rule.spec.kind {
        RuleKind::Policy => true,
        RuleKind::Token => {
            value::placeholder_reason(secret).is_none()
                && value::shannon_entropy(secret) >= min_entropy
        }
        // The generic checks include every placeholder check (which look at the value alone,
        // not its context): judging them once is enough.
        RuleKind::Assignment => {
            if !literal.key.is_none_or(value::key_names_secret) {
                return None;
            }
            if value::generic_value_reason(secret, context, min_entropy).is_none() {
                true
            } else {
                // Too weak for a generated secret; where only a password can stand, a weak
                // literal is still one (at the rule's lower confidence).
                // (Only a weak one: a long value of mixed characters was rejected for what it
                // is, a template, a path, an identifier.)
                return weak.filter(|_| {
                    literal::is_weak_shape(secret)
                        && literal::weak_literal_reason(secret, literal).is_none()
                });
            }
        }
    };
    accepted.then_some(confidence)
}

/// Is `offset` inside a `[REDACTED:<rule>:<fingerprint>]` marker that leakgate itself wrote (a
/// redacted copy, a pasted report)? Its rule name and fingerprint are not secrets.
fn inside_redaction_marker(data: &[u8], offset: usize) -> bool {
    let (line_start, _) = line_bounds_within(
        data,
        offset,
        offset.saturating_sub(LONG_LINE_WINDOW),
        offset,
    );
    let before = &data[line_start..offset];
    match memchr::memmem::rfind(before, b"[REDACTED:") {
        Some(at) => !before[at..].contains(&b']'),
        None => false,
    }
}

/// Options for [`Scanner::candidates_deep`]: what the text is, which decoders run on it, and
/// how many levels deep.
#[derive(Debug, Clone, Copy)]
struct Decoded {
    view: ViewKind,
    options: DecodeOptions,
    depth: usize,
}

/// Does `start..end` overlap one of `sorted` (disjoint ranges, sorted)?
fn overlaps_any(sorted: &[(usize, usize)], start: usize, end: usize) -> bool {
    let after = sorted.partition_point(|r| r.0 < end.max(start + 1));
    sorted[..after].last().is_some_and(|r| r.1 > start)
}

/// Does the value at `start` stand in a URL or a query string: after `://`, `?` or `&` in the
/// run of URL characters that leads to it?
fn in_url(data: &[u8], start: usize) -> bool {
    let lead = data[start.saturating_sub(LONG_LINE_WINDOW)..start]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'`' | b'<' | b'>'))
        .count();
    let run = &data[start - lead..start];
    memchr::memmem::find(run, b"://").is_some() || memchr::memchr2(b'?', b'&', run).is_some()
}

/// Is this leakgate's own configuration file (at any depth)?
fn is_config_file(path: &str) -> bool {
    path.rsplit('/').next().unwrap_or(path) == crate::config::CONFIG_FILE
}

fn inside_any(secret: &[u8], texts: &[String]) -> bool {
    texts
        .iter()
        .any(|text| memchr::memmem::find(text.as_bytes(), secret).is_some())
}

/// Does the text after a key assign with `=` (`Password=`, `"token" =`), rather than `:`?
fn assigns_with_equals(after_key: &[u8]) -> bool {
    after_key
        .iter()
        .find(|b| !matches!(b, b'"' | b'\'' | b'`' | b' ' | b'\t' | b']'))
        == Some(&b'=')
}

/// What a JSON escape (`\n`, `\"`) inside an unquoted captured value means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escapes {
    /// The value ends there: `passwd` in `self.passwd = passwd\n…` inside a JSON string.
    EndTheValue,
    /// It separates the lines of a multi-line secret written on one line (a PEM key in a .env
    /// file or a YAML string), which the rule's regex has already delimited.
    SeparateLines,
}

/// Strip the quotes (and a string prefix such as Python's `b"…"` or C#'s `@"…"`) around a
/// captured value. Returns the inner range and whether it was quoted.
fn unquote(data: &[u8], start: usize, end: usize, escapes: Escapes) -> (usize, usize, bool) {
    let value = &data[start..end];
    if value.len() >= 2 {
        let last = value[value.len() - 1];
        if matches!(last, b'"' | b'\'' | b'`') {
            if value[0] == last {
                return (start + 1, end - 1, true);
            }
            if value.len() >= 3
                && value[1] == last
                && matches!(
                    value[0],
                    b'b' | b'B' | b'r' | b'R' | b'u' | b'U' | b'f' | b'F' | b'@' | b'$'
                )
            {
                return (start + 2, end - 1, true);
            }
        }
    }
    // Inside a JSON string an unquoted value ends where an escape begins: `passwd\n` in
    // `self.passwd = passwd\n…` is the word `passwd`, and `PASS=x\"` is `x`.
    let escape = value
        .windows(2)
        .position(|w| {
            w[0] == b'\\' && matches!(w[1], b'n' | b'r' | b't' | b'"' | b'\\' | b'/' | b'u')
        })
        .filter(|_| escapes == Escapes::EndTheValue);
    let trailing = value.iter().rev().take_while(|b| **b == b'\\').count();
    let cut = escape.map_or(end - trailing, |at| start + at);
    (start, cut, false)
}

/// A multi-line rule's region from a keyword at `offset`: the keyword's line and what follows
/// it (see [`multiline_region`]).
fn multiline_region_at(data: &[u8], offset: usize) -> (usize, usize) {
    let (line_start, line_end) = line_bounds(data, offset);
    multiline_region(data, line_start, line_end)
}

/// The region a single-line rule's regex searches around a keyword at `hit` on the line
/// `line`: the line, or on a very long line only a window of it around the keyword.
fn line_region(line: (usize, usize), hit: (usize, usize)) -> (usize, usize) {
    (
        line.0.max(hit.0.saturating_sub(LONG_LINE_WINDOW)),
        line.1.min(hit.1 + LONG_LINE_WINDOW).max(hit.1),
    )
}

/// A multi-line rule's region from a keyword on the line `line_start..line_end`: the line and
/// what follows it, [`MULTILINE_WINDOW`] from the line's start.
fn multiline_region(data: &[u8], line_start: usize, line_end: usize) -> (usize, usize) {
    (
        line_start,
        (line_start + MULTILINE_WINDOW)
            .min(data.len())
            .max(line_end),
    )
}

/// The lines within `lines` lines of a range (the range's own lines included), where a paired
/// rule looks for its secret or its partner. Each side reaches no further than `lines + 1`
/// long-line windows, so a file of very long lines costs a window, not the file.
fn lines_around(data: &[u8], (start, end): (usize, usize), lines: usize) -> (usize, usize) {
    let reach = (lines + 1) * LONG_LINE_WINDOW;
    let lo = start.saturating_sub(reach);
    let from = memchr::memrchr_iter(b'\n', &data[lo..start])
        .nth(lines)
        .map_or(lo, |i| lo + i + 1);
    (from, lines_below(data, end, lines))
}

/// The end of [`lines_around`]'s range for a range ending at `end`: the end of the line
/// `lines` lines below, within the same reach.
fn lines_below(data: &[u8], end: usize, lines: usize) -> usize {
    let hi = end
        .saturating_add((lines + 1) * LONG_LINE_WINDOW)
        .min(data.len());
    memchr::memchr_iter(b'\n', &data[end..hi])
        .nth(lines)
        .map_or(hi, |i| end + i)
        .max(end)
}

/// Line numbers (relative to a fixed start) of offsets visited mostly in ascending order:
/// each step counts the newlines between the last offset and the next, so a region's offsets
/// cost the region once.
#[derive(Debug, Clone, Copy)]
struct RelativeLines {
    offset: usize,
    line: usize,
}

impl RelativeLines {
    fn line(&mut self, data: &[u8], offset: usize) -> usize {
        if offset >= self.offset {
            self.line += memchr::memchr_iter(b'\n', &data[self.offset..offset]).count();
        } else {
            self.line -= memchr::memchr_iter(b'\n', &data[offset..self.offset]).count();
        }
        self.offset = offset;
        self.line
    }
}

/// The partners a paired rule's regex finds around one region: byte ranges with their line
/// numbers, in order.
struct Partners {
    /// Where line numbers count from: the first byte searched.
    origin: usize,
    lines: usize,
    found: Vec<((usize, usize), usize)>,
}

impl Partners {
    /// Every partner within `lines` lines of `region` (one search for all its candidates);
    /// none where the partner's `gate` finds nothing (see
    /// [`crate::rules::Rule::partner_gate`]).
    fn find(
        data: &[u8],
        region: (usize, usize),
        partner: &regex::bytes::Regex,
        gate: Option<&crate::rules::RuleRegex>,
        lines: usize,
    ) -> Self {
        let (from, to) = lines_around(data, region, lines);
        let mut partners = Partners {
            origin: from,
            lines,
            found: Vec::new(),
        };
        if gate.is_some_and(|gate| !gate.is_match(&data[from..to])) {
            return partners;
        }
        let group = if partner.capture_names().any(|n| n == Some("partner")) {
            partner
                .capture_names()
                .position(|n| n == Some("partner"))
                .unwrap_or(0)
        } else if partner.captures_len() > 1 {
            1
        } else {
            0
        };
        let mut counter = RelativeLines {
            offset: from,
            line: 0,
        };
        partners.found = partner
            .captures_iter(&data[from..to])
            .filter_map(|captures| captures.get(group))
            .filter(|m| !m.is_empty())
            .map(|m| {
                let span = (from + m.start(), from + m.end());
                (span, counter.line(data, span.0))
            })
            .collect();
        partners
    }

    /// A counter for the line numbers of the region's candidates.
    fn line_counter(&self) -> RelativeLines {
        RelativeLines {
            offset: self.origin,
            line: 0,
        }
    }

    /// The partner nearest the secret at `secret` (fewest lines away, the one before on a
    /// tie), if one is within the rule's lines and does not overlap the secret itself.
    fn nearest(
        &self,
        data: &[u8],
        secret: (usize, usize),
        lines: &mut RelativeLines,
    ) -> Option<(usize, usize)> {
        if secret.0 < self.origin {
            return None;
        }
        let line = lines.line(data, secret.0);
        let reach = (self.lines + 1) * LONG_LINE_WINDOW;
        let at = self
            .found
            .partition_point(|((start, _), _)| *start < secret.0);
        // Partners do not overlap one another: only the few touching the secret are skipped.
        let before = self.found[..at]
            .iter()
            .rev()
            .find(|((_, end), _)| *end <= secret.0);
        let after = self.found[at..]
            .iter()
            .find(|((start, _), _)| *start >= secret.1);
        [before, after]
            .into_iter()
            .flatten()
            .filter(|((start, end), partner_line)| {
                line.abs_diff(*partner_line) <= self.lines
                    && end.abs_diff(secret.0).min(start.abs_diff(secret.1)) <= reach
            })
            .min_by_key(|(_, partner_line)| line.abs_diff(*partner_line))
            .map(|(span, _)| *span)
    }
}

/// The byte range of the line containing `offset`, without its `\n`.
fn line_bounds(data: &[u8], offset: usize) -> (usize, usize) {
    let start = memchr::memrchr(b'\n', &data[..offset]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &data[offset..]).map_or(data.len(), |i| offset + i);
    (start, end)
}

/// For each rule, the merged byte ranges of one buffer its regex must search, and which rules
/// have any. Each thread keeps its table from one buffer to the next, so a small file costs work
/// for the rules its keywords reach, not an allocation and a pass over every rule of the catalog
/// (with about 500 rules, that was most of the scanner's own cost on a small file).
#[derive(Default)]
struct Regions {
    /// Indexed by rule; empty for a rule no keyword reached.
    by_rule: Vec<Vec<(usize, usize)>>,
    /// The rules with regions: in the order first reached, then sorted by [`Regions::sort`].
    reached: Vec<usize>,
    /// Indexed by rule: the start of the line whose keyword last carried a paired rule's last
    /// region on (see [`Scanner::add_regions_for_hit`]); `usize::MAX` for none.
    carried_from: Vec<usize>,
}

thread_local! {
    /// The table this thread used last, emptied (see [`Regions::give_back`]).
    static SPARE_REGIONS: std::cell::Cell<Regions> = std::cell::Cell::new(Regions::default());
}

/// A rule's list with room for more regions than this is freed rather than kept, so that one
/// keyword-dense file does not pin its memory to the thread for the rest of the scan.
const KEPT_REGIONS: usize = 1024;

impl Regions {
    /// This thread's spare table, for `rules` rules. Decoded text is scanned while its
    /// container's table is out: that inner scan gets a new table, so tables never mix.
    fn take(rules: usize) -> Self {
        let mut regions = SPARE_REGIONS.with(std::cell::Cell::take);
        if regions.by_rule.len() < rules {
            regions.by_rule.resize_with(rules, Vec::new);
            regions.carried_from.resize(rules, usize::MAX);
        }
        regions
    }

    /// The regions of `rule`, to extend (the rule is then one of those reached).
    fn list(&mut self, rule: usize) -> &mut Vec<(usize, usize)> {
        self.list_and_carried_from(rule).0
    }

    /// [`Regions::list`], and where `rule`'s last region was last carried on from.
    fn list_and_carried_from(&mut self, rule: usize) -> (&mut Vec<(usize, usize)>, &mut usize) {
        let list = &mut self.by_rule[rule];
        if list.is_empty() {
            self.reached.push(rule);
        }
        (list, &mut self.carried_from[rule])
    }

    /// `rule` searches `region` and nothing else.
    fn set(&mut self, rule: usize, region: (usize, usize)) {
        let list = self.list(rule);
        list.clear();
        list.push(region);
    }

    /// Rules are searched in catalog order, whatever order their keywords came in.
    fn sort(&mut self) {
        self.reached.sort_unstable();
    }

    /// Each reached rule with its regions.
    fn iter(&self) -> impl Iterator<Item = (usize, &[(usize, usize)])> + '_ {
        (self.reached.iter()).map(|&rule| (rule, self.by_rule[rule].as_slice()))
    }

    /// Empty the table and keep it for this thread's next buffer.
    fn give_back(mut self) {
        for &rule in &self.reached {
            self.carried_from[rule] = usize::MAX;
            let list = &mut self.by_rule[rule];
            if list.capacity() > KEPT_REGIONS {
                *list = Vec::new();
            } else {
                list.clear();
            }
        }
        self.reached.clear();
        SPARE_REGIONS.with(|spare| spare.set(self));
    }
}

/// [`line_bounds`], looking no further than `lo..hi` (which holds `offset`): a line longer than
/// that is cut to it. Costs the window, not the line.
fn line_bounds_within(data: &[u8], offset: usize, lo: usize, hi: usize) -> (usize, usize) {
    let start = memchr::memrchr(b'\n', &data[lo..offset]).map_or(lo, |i| lo + i + 1);
    let end = memchr::memchr(b'\n', &data[offset..hi]).map_or(hi, |i| offset + i);
    (start, end)
}

fn line_of(data: &[u8], offset: usize) -> &[u8] {
    let (start, end) = line_bounds(data, offset);
    &data[start..end]
}

/// The line around `offset` as value checks and line allowlists see it: the whole line, or on a
/// very long line the window a rule's regex saw.
fn line_near(data: &[u8], offset: usize) -> &[u8] {
    let (start, end) = line_bounds_within(
        data,
        offset,
        offset.saturating_sub(LONG_LINE_WINDOW),
        (offset + LONG_LINE_WINDOW).min(data.len()),
    );
    &data[start..end]
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The bounds of the line holding each of a series of ascending offsets, found once per line:
/// many findings on one long line cost the line once, not once each.
#[derive(Default)]
struct LineBounds {
    current: Option<(usize, usize)>,
}

impl LineBounds {
    fn of(&mut self, data: &[u8], offset: usize) -> (usize, usize) {
        match self.current {
            Some((start, end)) if start <= offset && offset <= end => (start, end),
            last => {
                // The line starts after the newline before `offset`, which is no earlier than
                // the end of the last line when `offset` lies beyond it: the bytes between
                // offsets are read once (a long line of keywords costs its length once).
                let from = match last {
                    Some((_, end)) if end < offset => end,
                    _ => 0,
                };
                let bounds = line_bounds_within(data, offset, from, data.len());
                self.current = Some(bounds);
                bounds
            }
        }
    }
}

/// What the candidates of one text need to know of their line, found once per line rather
/// than once per candidate (a long line of many candidates would otherwise cost its window
/// once for each): the window [`line_near`] gives, and whether the line holds a redaction
/// marker at all.
#[derive(Default)]
struct LineFacts {
    bounds: LineBounds,
    /// The last line asked about, and whether it holds `[REDACTED:`.
    marker: Option<((usize, usize), bool)>,
}

impl LineFacts {
    /// [`line_near`]: the line around `offset`, cut to the long-line window.
    fn near<'d>(&mut self, data: &'d [u8], offset: usize) -> &'d [u8] {
        let (start, end) = self.bounds.of(data, offset);
        let start = start.max(offset.saturating_sub(LONG_LINE_WINDOW));
        let end = end.min(offset.saturating_add(LONG_LINE_WINDOW)).max(start);
        &data[start..end]
    }

    /// [`inside_redaction_marker`], looking for one only on a line that holds one.
    fn in_redaction_marker(&mut self, data: &[u8], offset: usize) -> bool {
        let line = self.bounds.of(data, offset);
        let holds = match self.marker {
            Some((known, holds)) if known == line => holds,
            _ => {
                let holds = memchr::memmem::find(&data[line.0..line.1], b"[REDACTED:").is_some();
                self.marker = Some((line, holds));
                holds
            }
        };
        holds && inside_redaction_marker(data, offset)
    }
}

/// [`suppressed_inline`] for ascending offsets, looked up once per line.
#[derive(Default)]
struct AllowComments {
    bounds: LineBounds,
    last: Option<((usize, usize), Option<&'static str>)>,
}

impl AllowComments {
    fn at(&mut self, data: &[u8], offset: usize) -> Option<&'static str> {
        let line = self.bounds.of(data, offset);
        match self.last {
            Some((known, marker)) if known == line => marker,
            _ => {
                let marker = suppressed_inline(data, line);
                self.last = Some((line, marker));
                marker
            }
        }
    }
}

/// The allow comment that silences a secret on the line `start..end`: one on that line, or
/// `leakgate:allow-next-line` on the line before.
fn suppressed_inline(data: &[u8], (start, end): (usize, usize)) -> Option<&'static str> {
    let line = &data[start..end];
    let name = |marker: &'static [u8]| std::str::from_utf8(marker).unwrap_or("leakgate:allow");
    if let Some(marker) = ALLOW_MARKERS
        .iter()
        .find(|m| memchr::memmem::find(line, m).is_some())
    {
        // `leakgate:allow-next-line` contains `leakgate:allow`: name the one that is there.
        return Some(
            if memchr::memmem::find(line, ALLOW_NEXT_LINE_MARKER).is_some() {
                name(ALLOW_NEXT_LINE_MARKER)
            } else {
                name(marker)
            },
        );
    }
    if start == 0 {
        return None;
    }
    let previous = line_of(data, start - 1);
    memchr::memmem::find(previous, ALLOW_NEXT_LINE_MARKER).map(|_| name(ALLOW_NEXT_LINE_MARKER))
}

/// Keep one candidate per overlapping group: a provider (`token`) rule beats a generic
/// assignment, then the longer secret wins, then a rule that needs no partner (adding a paired
/// rule changes no existing finding's rule or fingerprint: it lends the finding its partner's
/// location instead), then the rule listed first.
fn resolve_overlaps(rules: &RuleSet, mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    // At one span and rule, what a decoder found first: its secret is the decoded one.
    candidates.sort_by_key(|c| (c.start, c.end, c.rule, c.decoding.is_none()));
    candidates.dedup_by_key(|c| (c.start, c.end, c.rule));
    let rank = |c: &Candidate| {
        let rule = rules.rule(c.rule);
        (
            rule.spec.kind == RuleKind::Token,
            c.end - c.start,
            rule.spec.requires.is_none(),
            std::cmp::Reverse(c.rule),
        )
    };
    let mut kept: Vec<Candidate> = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        match kept.last_mut() {
            Some(last) if candidate.start < last.end => {
                // The same secret found by a paired rule and another: whichever is kept shows
                // where its partner is.
                let same = (candidate.start, candidate.end) == (last.start, last.end);
                let related = last.related.or(candidate.related.filter(|_| same));
                if rank(&candidate) > rank(last) {
                    *last = candidate;
                }
                if same {
                    last.related = last.related.or(related);
                }
            }
            _ => kept.push(candidate),
        }
    }
    kept
}

/// Turns byte offsets into (line, column) pairs, moving forward through the buffer so that a file
/// with many findings is still counted once, even when they all sit on one very long line.
#[derive(Default, Clone, Copy)]
struct LineCounter {
    offset: usize,
    line: usize,
    /// Characters between the start of `offset`'s line and `offset`, once known.
    chars_before: Option<usize>,
}

impl LineCounter {
    /// 1-based line and character column of the byte at `offset`.
    fn position(&mut self, data: &[u8], offset: usize) -> (usize, usize) {
        if offset < self.offset {
            *self = LineCounter::default();
        }
        let newlines = memchr::memchr_iter(b'\n', &data[self.offset..offset]).count();
        // Count on from the last position when it is on the same line (and not inside a
        // character); otherwise from the line's start.
        let chars_before = match self.chars_before {
            Some(before) if newlines == 0 && !is_continuation(data.get(self.offset)) => {
                before + char_count(&data[self.offset..offset])
            }
            _ => {
                let (line_start, _) = line_bounds(data, offset);
                char_count(&data[line_start..offset])
            }
        };
        *self = LineCounter {
            offset,
            line: self.line + newlines,
            chars_before: Some(chars_before),
        };
        (self.line + 1, chars_before + 1)
    }

    /// Line and exclusive end column of a range ending at `end`.
    fn position_after(&mut self, data: &[u8], end: usize) -> (usize, usize) {
        let mut probe = *self;
        let last = end.saturating_sub(1).max(self.offset);
        let (line, column) = probe.position(data, last);
        (line, column + 1)
    }
}

/// `String::from_utf8_lossy(bytes).chars().count()`, without the copy.
fn char_count(bytes: &[u8]) -> usize {
    bytes
        .utf8_chunks()
        .map(|chunk| chunk.valid().chars().count() + usize::from(!chunk.invalid().is_empty()))
        .sum()
}

fn is_continuation(byte: Option<&u8>) -> bool {
    byte.is_some_and(|b| b & 0xC0 == 0x80)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::parse_rule_file;

    fn set(toml: &str) -> RuleSet {
        RuleSet::new(parse_rule_file("test.toml", toml).expect("parse")).expect("compile")
    }

    fn scan(rules: &RuleSet, text: &str) -> Vec<Finding> {
        Scanner::new(rules, ScanOptions::default())
            .scan(&Provenance::File { path: "t".into() }, text.as_bytes())
    }

    const TOKEN_RULE: &str = r#"
[[rule]]
id = "demo-token"
description = "demo"
keywords = ["dmo_"]
regex = '''\b(?P<secret>dmo_[A-Za-z0-9]{16,})'''
"#;

    #[test]
    fn regions_kept_by_a_thread_never_reach_the_next_buffer() {
        // The per-thread region table is reused: what one buffer's keywords reached (here far
        // into a long buffer) must be gone for the next, shorter one, whichever rule set scans
        // it, and a buffer scanned again gives the same findings.
        let small = set(TOKEN_RULE);
        let large = RuleSet::builtin().expect("builtin rules");
        let long = format!(
            "{}key = \"dmo_Ab3dEf6hIj9kLm2nOp\"\n",
            "filler line\n".repeat(2000)
        );
        for rules in [&small, &large, &small] {
            let scanner = Scanner::new(rules, ScanOptions::default());
            let at = Provenance::File { path: "t".into() };
            let found = |data: &[u8]| -> Vec<(String, usize, usize)> {
                (scanner.scan(&at, data).into_iter())
                    .map(|f| (f.rule, f.line, f.column))
                    .collect()
            };
            let first = found(long.as_bytes());
            if std::ptr::eq(rules, &small) {
                assert_eq!(first, [("demo-token".to_owned(), 2001, 8)]);
            }
            // A stale region past the end of these would be sliced out of range.
            assert!(found(b"dmo\nkey\n").is_empty());
            assert!(found(b"").is_empty());
            assert_eq!(found(long.as_bytes()), first);
        }
    }

    /// The keyword pass gives the decoders every occurrence of their words that a search for
    /// each word alone finds, with the built-in prefilter and with one built at run time for
    /// rules that have none of the words, on texts made of the words' pieces run together
    /// (`Secretasic`, `"authASIC`, `aasic`, `SECRET`, `secret`).
    #[test]
    fn the_keyword_pass_marks_every_decoder_word_a_search_for_it_finds() {
        let pieces = [
            "asic", "ASIC", "Asic", "\"auth", "\"AUTH", "Secret", "secret", "SECRET", "a", "s",
            "\"", "S", "b", "B", " ", "ret", "dmo_", "key",
        ];
        let builtin = RuleSet::builtin().expect("builtin rules");
        let custom = set(TOKEN_RULE);
        let mut next = crate::testing::numbers(0x0005_eed0_face);
        for rules in [&builtin, &custom] {
            let scanner = Scanner::new(rules, ScanOptions::default());
            for round in 0..3_000 {
                // Every tenth text long enough for the automaton to read it in parts side by
                // side (a word may straddle two parts).
                let pieces_in = if round % 10 == 0 { 2_000 } else { 40 };
                let text: String = (0..next(pieces_in))
                    .map(|_| pieces[next(pieces.len())])
                    .collect();
                let text = text.as_bytes();
                let mut budget = Budget::for_input(text.len());
                let (_, marks) = scanner.candidates(text, "t", ViewKind::Text, &mut budget);
                assert_eq!(marks, decode::Marks::searched_for(text), "{text:?}");
            }
        }
    }

    #[test]
    fn finds_positions_in_characters_and_lines() {
        let rules = set(TOKEN_RULE);
        let found = scan(&rules, "first\nx = \"é dmo_Ab3dEf6hIj9kLm2nOp\"\n");
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!((f.line, f.column, f.end_line, f.end_column), (2, 8, 2, 30));
        assert_eq!(f.preview, "dmo_[REDACTED]");
        assert!(!f.snippet.text.contains("Ab3dEf"));
    }

    #[test]
    fn crlf_gives_same_positions_as_lf() {
        let rules = set(TOKEN_RULE);
        let lf = scan(&rules, "a\nkey dmo_Ab3dEf6hIj9kLm2nOp\n");
        let crlf = scan(&rules, "a\r\nkey dmo_Ab3dEf6hIj9kLm2nOp\r\n");
        assert_eq!(
            (lf[0].line, lf[0].column, lf[0].end_column),
            (crlf[0].line, crlf[0].column, crlf[0].end_column)
        );
        assert_eq!(lf[0].snippet, crlf[0].snippet);
    }

    #[test]
    fn inline_allow_suppresses() {
        let rules = set(TOKEN_RULE);
        assert!(scan(&rules, "dmo_Ab3dEf6hIj9kLm2nOp # leakgate:allow").is_empty());
        assert!(scan(&rules, "# leakgate:allow-next-line\ndmo_Ab3dEf6hIj9kLm2nOp").is_empty());
        assert_eq!(
            scan(
                &rules,
                "# leakgate:allow-next-line\n\ndmo_Ab3dEf6hIj9kLm2nOp"
            )
            .len(),
            1
        );
    }

    #[test]
    fn invalid_utf8_does_not_stop_the_scan() {
        let rules = set(TOKEN_RULE);
        let mut data = vec![0xff, 0xfe, b'\n'];
        data.extend_from_slice(b"dmo_Ab3dEf6hIj9kLm2nOp");
        let found = Scanner::new(&rules, ScanOptions::default())
            .scan(&Provenance::File { path: "t".into() }, &data);
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn redaction_markers_are_not_secrets() {
        let line = b"token [REDACTED:github-pat:e0cff9ebcb780a34] and more";
        assert!(inside_redaction_marker(line, 27));
        assert!(!inside_redaction_marker(line, 50));
    }

    #[test]
    fn unquote_strips_quotes_and_prefixes() {
        let end = Escapes::EndTheValue;
        assert_eq!(unquote(b"\"abc\"", 0, 5, end), (1, 4, true));
        assert_eq!(unquote(b"b'abc'", 0, 6, end), (2, 5, true));
        assert_eq!(unquote(b"abc", 0, 3, end), (0, 3, false));
        assert_eq!(
            unquote(br"passwd\nfoo", 0, 11, end),
            (0, 6, false),
            "a JSON escape ends an unquoted value"
        );
        assert_eq!(unquote(br#"x1y2\""#, 0, 6, end), (0, 4, false));
        assert_eq!(
            unquote(
                br"-----BEGIN X-----\nAAAA\n-----END X-----",
                0,
                39,
                Escapes::SeparateLines
            ),
            (0, 39, false),
            "a multi-line secret on one line keeps its escaped newlines"
        );
    }
}

#[cfg(test)]
mod prefix_tests {
    use super::*;

    #[test]
    fn known_prefixes_are_the_secrets_literal_start() {
        let rules = RuleSet::builtin().expect("builtin rules");
        let of = |id: &str| -> Vec<String> {
            let rule = rules
                .rules()
                .iter()
                .find(|r| r.id() == id)
                .expect("rule exists");
            known_prefixes(rule)
        };
        assert_eq!(of("github-pat"), ["ghp_"]);
        assert!(of("database-url-password").is_empty());
        assert!(of("generic-assignment").is_empty());
        assert!(of("private-key").is_empty());
        assert_eq!(of("aws-access-key-id"), ["AKIA", "ASIA", "ABIA", "ACCA"]);
        assert!(
            of("azure-ad-client-secret").is_empty(),
            "`Q~` is inside the secret"
        );
    }
}
