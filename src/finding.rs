//! The one `Finding` type that every source produces and every reporter consumes, and the
//! redaction that keeps secret bytes out of it.
//!
//! A finding never holds the secret itself unless the user asked for it with `--show-secrets`:
//! the preview shows at most the provider's known prefix and the snippet is the line with every
//! secret on it masked.

use serde::Serialize;

use crate::diagnostic::Level;
use crate::input::Provenance;
use crate::mask::REDACTED;
use crate::rules::{Confidence, Severity};

/// Secret bytes, held only when `--show-secrets` is given. Its `Debug` never prints them, so a
/// stray `{:?}` in a log or a panic message cannot leak one.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(bytes: &[u8]) -> Self {
        Secret(String::from_utf8_lossy(bytes).into_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

/// The line a finding is on, ready to print: secrets masked (unless shown), control characters
/// replaced, long lines cut to a window around the finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    /// Where the finding's own (masked) secret starts in `text`, in characters.
    #[serde(skip)]
    pub highlight_start: usize,
    /// How many characters of `text` the finding covers.
    #[serde(skip)]
    pub highlight_len: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: String,
    /// `token`, `assignment`, or `policy` (a risky setting rather than a secret).
    pub kind: crate::rules::RuleKind,
    pub description: String,
    pub severity: Severity,
    /// How sure the scanner is that this is a live credential (see [`Confidence`]): the rule's,
    /// one level lower in a test fixture.
    pub confidence: Confidence,
    /// The finding's path is a test fixture's (`tests/`, `*_test.go`, …: see
    /// `pipeline::confidence`), which lowered its confidence by one level. Test credentials
    /// still leak, so it is reported, not skipped.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub test_fixture: bool,
    pub path: String,
    /// 1-based line of the secret's first byte.
    pub line: usize,
    /// 1-based column (in characters) of the secret's first character.
    pub column: usize,
    pub end_line: usize,
    /// Column just past the secret's last character (exclusive).
    pub end_column: usize,
    /// Stable across moves and edits: derived from the salt, rule id and secret, no position
    /// (see [`crate::fingerprint`]).
    pub fingerprint: String,
    /// The secret as it may be shown: the provider prefix at most, then `[REDACTED]`.
    pub preview: String,
    pub snippet: Snippet,
    pub provenance: Provenance,
    /// For a JSON, JSON Lines or notebook file: the pointer (RFC 6901) of the string holding the
    /// secret, e.g. `/data/error/message`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_pointer: Option<String>,
    /// For a paired credential (a rule with `requires`): where its partner is, the other half
    /// without which the secret is not reported (an AWS secret key's key id). Positions only,
    /// never the partner's text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// How the secret was decoded before a rule matched it (`base64`, `percent-encoding`,
    /// `json-escape`, outermost first, joined by `+`); absent when it was found as written.
    /// Its position is then that of the encoded text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded: Option<Decoding>,
    /// Byte range of the secret in the scanned blob (for redacted copies); not reported.
    #[serde(skip)]
    pub span: (usize, usize),
    /// Only with `--show-secrets`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_secret"
    )]
    pub secret: Option<Secret>,
    /// Where the provider revokes or rotates a secret of this rule (the rule's `revoke`): after
    /// a leak, the first thing a user needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoke: Option<String>,
}

/// Where the other half of a paired credential is, in the same file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Related {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

fn serialize_secret<S: serde::Serializer>(
    secret: &Option<Secret>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_str(secret.expose()),
        None => s.serialize_none(),
    }
}

/// An encoding a decoder removes before the rules read a text (the decoders are in
/// `src/scan/decode.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Base64,
    PercentEncoding,
    JsonEscape,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::PercentEncoding => "percent-encoding",
            Encoding::JsonEscape => "json-escape",
        }
    }
}

/// The encodings a secret was found under, outermost first: `base64` for a Basic header,
/// `json-escape+base64` for one written inside an escaped string.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decoding(Vec<Encoding>);

impl Decoding {
    pub fn of(encoding: Encoding) -> Self {
        Decoding(vec![encoding])
    }

    /// This decoding, found inside text that `outer` decoded.
    pub fn inside(mut self, outer: Encoding) -> Self {
        self.0.insert(0, outer);
        self
    }

    pub fn encodings(&self) -> &[Encoding] {
        &self.0
    }

    /// `decoded from base64`, `decoded from json-escape, then base64`: for readable formats.
    pub fn note(&self) -> String {
        let names: Vec<&str> = self.0.iter().map(|e| e.as_str()).collect();
        format!("decoded from {}", names.join(", then "))
    }
}

impl std::fmt::Display for Decoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|e| e.as_str()).collect();
        f.write_str(&names.join("+"))
    }
}

impl Serialize for Decoding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Finding {
    /// The order reports use: path, line, column, rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str) {
        (&self.path, self.line, self.column, &self.rule)
    }

    /// The one place a finding's level is decided (every reporter and the exit code use it):
    /// a secret is an error whatever its rule's severity (a low-severity token is still a
    /// leaked credential, and fails the run); a policy finding (a risky setting, not a
    /// secret) is an error when its rule is high severity and a warning otherwise, failing the
    /// run only with `--strict`. `severity` stays a separate attribute (SARIF
    /// `security-severity`, JSON `severity`). Confidence does not change the level: a finding
    /// below `--min-confidence` is not reported at all, and every one reported blocks (see
    /// `pipeline::exit`).
    pub fn level(&self) -> Level {
        level(self.kind, self.severity)
    }

    /// `high confidence`, or `low confidence, test fixture` when a test fixture's path lowered
    /// it: the words every readable format shows beside the rule.
    pub fn confidence_text(&self) -> String {
        let fixture = if self.test_fixture {
            ", test fixture"
        } else {
            ""
        };
        format!("{} confidence{fixture}", self.confidence.as_str())
    }

    /// ` (decoded from base64)` when a decoder found the secret, else nothing: for the formats
    /// that say it in the finding's one-line message.
    pub fn decoded_suffix(&self) -> String {
        self.decoded
            .as_ref()
            .map(|d| format!(" ({})", d.note()))
            .unwrap_or_default()
    }
}

/// How many findings there are of each confidence: the summary's `by_confidence`, and what
/// `--min-confidence` left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ByConfidence {
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

impl ByConfidence {
    /// The counts of `findings`.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        let mut counts = ByConfidence::default();
        for finding in findings {
            counts.add(finding.confidence);
        }
        counts
    }

    pub fn add(&mut self, confidence: Confidence) {
        *self.slot(confidence) += 1;
    }

    pub fn get(&self, confidence: Confidence) -> usize {
        match confidence {
            Confidence::High => self.high,
            Confidence::Medium => self.medium,
            Confidence::Low => self.low,
        }
    }

    fn slot(&mut self, confidence: Confidence) -> &mut usize {
        match confidence {
            Confidence::High => &mut self.high,
            Confidence::Medium => &mut self.medium,
            Confidence::Low => &mut self.low,
        }
    }

    pub fn total(&self) -> usize {
        self.high + self.medium + self.low
    }

    /// The levels with a count, highest first: `[(High, 3), (Low, 2)]`.
    pub fn nonzero(&self) -> Vec<(Confidence, usize)> {
        [Confidence::High, Confidence::Medium, Confidence::Low]
            .into_iter()
            .map(|c| (c, self.get(c)))
            .filter(|&(_, n)| n > 0)
            .collect()
    }
}

/// The level of a finding of a rule of this kind and severity (see [`Finding::level`]); a
/// silenced finding's rule is described at the level its findings would have.
pub fn level(kind: crate::rules::RuleKind, severity: Severity) -> Level {
    match kind {
        crate::rules::RuleKind::Policy if severity != Severity::High => Level::Warning,
        _ => Level::Error,
    }
}

/// The preview of a secret: the longest of the rule's keywords that starts it (its known,
/// non-random prefix), as written in the secret, then `[REDACTED]`. A prefix that would leave
/// fewer than eight characters hidden is not shown.
pub fn preview(secret: &[u8], keywords: &[String]) -> String {
    let prefix_len = keywords
        .iter()
        .filter(|k| {
            secret.len() >= k.len() + 8 && secret[..k.len()].eq_ignore_ascii_case(k.as_bytes())
        })
        .map(String::len)
        .max()
        .unwrap_or(0);
    let prefix = String::from_utf8_lossy(&secret[..prefix_len]);
    format!("{}{REDACTED}", sanitize(&prefix))
}

/// Replace characters that could mangle a terminal (control codes, bidi controls, invisible
/// formatting: the set [`crate::escape`] escapes) one for one, so snippet columns stay right.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' => ' ',
            c if crate::escape::acts_on_terminal(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// How many characters of context a snippet keeps on each side of a finding on a long line.
const SNIPPET_CONTEXT: usize = 60;
/// Lines longer than this (in characters) are cut to a window.
const SNIPPET_MAX: usize = 200;
/// On a line longer than this many bytes, only this many bytes on each side of the finding are
/// looked at (masked, then cut to characters), so a megabyte-long line costs no more than a
/// short one.
pub const SNIPPET_BYTES: usize = 1024;

/// A range of a line to hide, and what to show instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mask<'a> {
    pub start: usize,
    pub end: usize,
    pub shown: &'a str,
}

/// Build the snippet for a finding at `own` (a byte range in `line`).
///
/// Hidden, each shown as its mask's text or `[REDACTED]`:
/// - every range in `masks` (the matches of the scan on this line, `own` among them);
/// - unless `hide` is `None` (`--show-secrets`): every occurrence on the line of every form of
///   a found secret, and every credential-shaped run on the line
///   ([`crate::mask::credential_runs`]), also one cut by the window's edge.
///
/// Overlapping ranges merge into one, so no part of either shows; a merged range shows a mask's
/// text only if that mask starts it (its prefix is then where it was).
pub fn snippet(
    line: &[u8],
    own: (usize, usize),
    masks: &[Mask<'_>],
    hide: Option<&crate::mask::SecretForms>,
) -> Snippet {
    let (lo, hi) = byte_window(line, own);
    let window = &line[lo..hi];
    let clip = |start: usize, end: usize| -> Option<(usize, usize)> {
        let (start, end) = (start.max(lo), end.min(hi));
        (start < end).then(|| (start - lo, end - lo))
    };

    // Known secrets first: the scan's matches and every other copy of what it found.
    let mut known: Vec<(usize, usize, Option<&str>)> = masks
        .iter()
        .filter_map(|m| clip(m.start, m.end).map(|(s, e)| (s, e, Some(m.shown))))
        .collect();
    if let Some(forms) = hide {
        let reach = forms.longest();
        let search_from = lo.saturating_sub(reach);
        let search_to = hi.saturating_add(reach).min(line.len());
        for found in forms.occurrences(&line[search_from..search_to]) {
            if let Some((s, e)) = clip(search_from + found.start, search_from + found.end) {
                known.push((s, e, None));
            }
        }
    }
    known.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
    let mut ranges = merge(known);

    // Then what looks like a credential although nothing matched it. A run cut by the window's
    // edge is hidden whatever its shape: its unseen part decides.
    let is_run_byte = |b: u8| b.is_ascii_alphanumeric() || b"+/_-.=".contains(&b);
    let mut runs = match hide {
        Some(_) => crate::mask::credential_runs(window),
        None => Vec::new(),
    };
    for (edge_start, edge_end, cut) in [
        (
            0,
            leading_run(window, is_run_byte),
            lo > 0 && is_run_byte(line[lo - 1]),
        ),
        (
            window.len() - trailing_run(window, is_run_byte),
            window.len(),
            hi < line.len() && is_run_byte(line[hi]),
        ),
    ] {
        if cut && edge_start < edge_end && hide.is_some() {
            runs.push((edge_start, edge_end));
        }
    }
    for (start, end) in runs {
        for piece in uncovered(&ranges, start, end) {
            // A stub of a few characters next to a hidden secret (`-p` of `-pSECRET`) reveals
            // nothing; a longer uncovered part of the run is hidden too.
            if piece.1 - piece.0 > 3 || (piece.0, piece.1) == (start, end) {
                ranges.push((piece.0, piece.1, None));
            }
        }
    }
    ranges.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
    let ranges = merge(ranges);

    let mut text = String::new();
    let mut chars = 0usize;
    let mut highlight = (0usize, 0usize);
    let mut cursor = 0usize;
    let own_in_window = own.0.clamp(lo, hi) - lo;
    let push = |bytes: &[u8], text: &mut String, chars: &mut usize| {
        let piece = sanitize(&String::from_utf8_lossy(bytes));
        *chars += piece.chars().count();
        text.push_str(&piece);
    };
    for (start, end, shown) in ranges {
        push(&window[cursor..start], &mut text, &mut chars);
        let begin = chars;
        let shown = sanitize(shown.unwrap_or(REDACTED));
        chars += shown.chars().count();
        text.push_str(&shown);
        if (start..end.max(start + 1)).contains(&own_in_window) {
            highlight = (begin, chars - begin);
        }
        cursor = end;
    }
    push(&window[cursor..], &mut text, &mut chars);

    let (cut_left, cut_right) = (lo > 0, hi < line.len());
    if chars <= SNIPPET_MAX && !cut_left && !cut_right {
        return Snippet {
            text,
            highlight_start: highlight.0,
            highlight_len: highlight.1,
        };
    }
    let (from, to) = if chars <= SNIPPET_MAX {
        (0, chars)
    } else {
        (
            highlight.0.saturating_sub(SNIPPET_CONTEXT),
            (highlight.0 + highlight.1 + SNIPPET_CONTEXT).min(chars),
        )
    };
    let mut cut: String = text.chars().skip(from).take(to - from).collect();
    let mut start = highlight.0 - from;
    if from > 0 || cut_left {
        cut.insert(0, '…');
        start += 1;
    }
    if to < chars || cut_right {
        cut.push('…');
    }
    Snippet {
        text: cut,
        highlight_start: start,
        highlight_len: highlight.1,
    }
}

/// The bytes of `line` a snippet looks at: all of a short line, else [`SNIPPET_BYTES`] on each
/// side of the finding, moved inward to character boundaries.
fn byte_window(line: &[u8], own: (usize, usize)) -> (usize, usize) {
    if line.len() <= 2 * SNIPPET_BYTES {
        return (0, line.len());
    }
    let mut lo = own.0.min(line.len()).saturating_sub(SNIPPET_BYTES);
    let mut hi = own
        .1
        .max(own.0)
        .saturating_add(SNIPPET_BYTES)
        .min(line.len());
    let continuation = |b: u8| b & 0xC0 == 0x80;
    while lo < hi && continuation(line[lo]) {
        lo += 1;
    }
    while hi > lo && hi < line.len() && continuation(line[hi]) {
        hi -= 1;
    }
    (lo, hi)
}

fn leading_run(bytes: &[u8], member: impl Fn(u8) -> bool) -> usize {
    bytes.iter().take_while(|b| member(**b)).count()
}

fn trailing_run(bytes: &[u8], member: impl Fn(u8) -> bool) -> usize {
    bytes.iter().rev().take_while(|b| member(**b)).count()
}

/// Union of ranges sorted by start; a merged range keeps a shown text only from a range that
/// starts it.
fn merge(sorted: Vec<(usize, usize, Option<&str>)>) -> Vec<(usize, usize, Option<&str>)> {
    let mut out: Vec<(usize, usize, Option<&str>)> = Vec::with_capacity(sorted.len());
    for (start, end, shown) in sorted {
        match out.last_mut() {
            Some(last) if start <= last.1 && (start < last.1 || shown.is_none()) => {
                last.1 = last.1.max(end);
                if last.2.is_none() && start == last.0 {
                    last.2 = shown;
                }
            }
            _ => out.push((start, end, shown)),
        }
    }
    out
}

/// The parts of `start..end` that no range in `ranges` (sorted, disjoint) covers.
fn uncovered(
    ranges: &[(usize, usize, Option<&str>)],
    start: usize,
    end: usize,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = start;
    let first = ranges.partition_point(|r| r.1 <= start);
    for &(s, e, _) in &ranges[first..] {
        if s >= end {
            break;
        }
        if s > at {
            out.push((at, s));
        }
        at = at.max(e);
    }
    if at < end {
        out.push((at, end));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_shows_only_the_known_prefix() {
        let keywords = vec!["sk-ant-api03-".to_owned(), "sk-ant-".to_owned()];
        assert_eq!(
            preview(b"sk-ant-api03-abcdefghijklmnop", &keywords),
            "sk-ant-api03-[REDACTED]"
        );
        assert_eq!(
            preview(b"password123", &["password".to_owned()]),
            "[REDACTED]"
        );
    }

    fn mask(start: usize, end: usize) -> Mask<'static> {
        Mask {
            start,
            end,
            shown: REDACTED,
        }
    }

    #[test]
    fn snippet_masks_and_windows() {
        let none = crate::mask::SecretForms::empty();
        let line = b"token = \"abcdef123456\"";
        let s = snippet(line, (9, 21), &[mask(9, 21)], Some(&none));
        assert_eq!(s.text, "token = \"[REDACTED]\"");
        assert_eq!((s.highlight_start, s.highlight_len), (9, 10));

        let long = [b"x ".repeat(150), b"SECRET".to_vec(), b" y".repeat(150)].concat();
        let s = snippet(&long, (300, 306), &[mask(300, 306)], Some(&none));
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        assert!(!s.text.contains("SECRET"));
        assert_eq!(
            s.text
                .chars()
                .skip(s.highlight_start)
                .take(s.highlight_len)
                .collect::<String>(),
            "[REDACTED]"
        );
    }

    #[test]
    fn snippet_masks_copies_neighbours_and_overlaps() {
        let forms = crate::mask::SecretForms::new([(&b"hunter2hunter2"[..], 0)], 4);
        let line = b"PW=hunter2hunter2; echo hunter2hunter2 k=Zk2mP9xQ4vL8nR3tW6yB";
        let s = snippet(line, (3, 17), &[mask(3, 17)], Some(&forms));
        assert_eq!(s.text, "PW=[REDACTED]; echo [REDACTED] k=[REDACTED]");
        assert_eq!((s.highlight_start, s.highlight_len), (3, 10));

        // Overlapping masks hide their union, not the first alone.
        let none = crate::mask::SecretForms::empty();
        let s = snippet(
            b"a 0123456789 b",
            (2, 8),
            &[mask(2, 8), mask(5, 12)],
            Some(&none),
        );
        assert_eq!(s.text, "a [REDACTED] b");
    }

    #[test]
    fn a_long_line_is_cut_in_bytes_and_a_run_cut_by_the_edge_is_hidden() {
        let none = crate::mask::SecretForms::empty();
        let mut line = b"word ".repeat(1000);
        line.extend_from_slice(b"SECRETVALUE");
        let own = (line.len() - 11, line.len());
        line.extend_from_slice(&b"ab".repeat(5000));
        let s = snippet(&line, own, &[mask(own.0, own.1)], Some(&none));
        assert!(
            s.text.starts_with('…') && s.text.ends_with("[REDACTED]…"),
            "{}",
            s.text
        );
        assert!(!s.text.contains("abab"));
    }

    #[test]
    fn secret_debug_is_redacted() {
        assert_eq!(
            format!("{:?}", Secret::new(b"hunter2")),
            "Secret([REDACTED])"
        );
    }
}
