//! A later version of a file, scanned against an earlier one (`scan --history`): only the
//! window around what changed is read, because everything else was read in the earlier version
//! already, and history reports each secret once, at its earliest place.
//!
//! What changed is the span between the two versions' common prefix and common suffix (one
//! span: a move or several edits far apart make it wide, never wrong; a line diff cost more
//! than it saved on rust-lang/cargo). The window is that span on whole lines and enough lines
//! on each side to see any finding within reach of it: a paired rule's keyword, secret and
//! partner (each within `requires.within_lines` of the next), an allow comment on the line
//! above. Multi-line rules read further, from each of their keywords up to
//! [`MULTILINE_WINDOW`] above the change (a keyword opens a region that far): one whose matches
//! span a few lines is then looked for around the change by its regex alone, and one that
//! spans more (a PEM block, whose middle line may be what changed) in that keyword's region.
//!
//! The window (and that search) only decide whether anything is new near the change. What
//! they find away from it (context lines) is in the earlier version too. When they find
//! anything within reach of the change (rare), the version is scanned whole and what that
//! finds within reach is kept: a match cut short at the window's edge is never reported, and
//! every finding reads as a scan of the file reports it. Files whose meaning is the whole
//! document (JSON, notebooks, YAML with its Kubernetes `Secret` data) and small files are
//! scanned whole.

use aho_corasick::AhoCorasick;

use super::{BlobReport, MULTILINE_WINDOW, Scanner, line_bounds, multiline_region_at};
use crate::input::Provenance;
use crate::rules::RuleSet;

/// Below this size a later version is scanned whole: the window would save little.
const WHOLE_BELOW: usize = 8 * 1024;

/// What a scan of a later version needs of the rules.
pub(super) struct SinceRules {
    /// How far from a changed line a finding can still be new: a paired rule's secret is
    /// within its `within_lines` of a changed partner or keyword, an allow comment one line
    /// above.
    reach_lines: usize,
    /// Lines read on each side of a change, enough to see every finding within reach of it:
    /// its keyword or its partner up to `within_lines` further, and the allow comment above
    /// it. The window only has to see a new finding; what is reported comes from a scan of
    /// the whole version.
    context_lines: usize,
    /// The keywords of the multi-line rules (lowercased), searched for from 32 KiB before
    /// each change to its end: a few keywords found with SIMD, where the whole prefilter
    /// (every rule's keywords) would read those bytes one at a time.
    keywords: Option<AhoCorasick>,
    /// The keywords, and for each the multi-line rules that list it.
    words: Vec<String>,
    /// The longest of them (a keyword starting on the change's last line may end past it).
    longest_word: usize,
    keyword_rules: Vec<Vec<usize>>,
    /// Multi-line rules for some paths only (an agent's settings): at their paths the whole
    /// prefilter is used, as their keywords are common words elsewhere.
    for_some_paths: Vec<usize>,
    /// The multi-line rules whose matches span at most [`NEAR_NEWLINES`] newlines (a YAML
    /// name/value pair, a JWK member), with the most newlines each spans: a new match of
    /// theirs overlaps the change's lines, so it is looked for there, whatever keyword far
    /// above opened it. Each by its own regex, which finds its literals with SIMD (one regex
    /// of them all has no literal to look for, and read every byte of every window).
    near: Vec<(usize, usize)>,
}

/// A multi-line rule whose matches span at most this many newlines is looked for around a
/// change; one that spans more (a PEM block) from its keywords up to 32 KiB above.
const NEAR_NEWLINES: usize = 8;

/// How many newlines a match of `pattern` (as the rules compile it) can span, if bounded.
fn max_newlines(pattern: &str) -> Option<usize> {
    let hir = crate::rules::parse_pattern(pattern)?;
    newlines(&hir)
}

fn newlines(hir: &regex_syntax::hir::Hir) -> Option<usize> {
    use regex_syntax::hir::{Class, HirKind};
    Some(match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 0,
        HirKind::Literal(literal) => literal.0.iter().filter(|&&b| b == b'\n').count(),
        HirKind::Class(Class::Bytes(class)) => usize::from(
            class
                .ranges()
                .iter()
                .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
        ),
        HirKind::Class(Class::Unicode(class)) => usize::from(
            class
                .ranges()
                .iter()
                .any(|r| r.start() <= '\n' && '\n' <= r.end()),
        ),
        HirKind::Repetition(repetition) => match newlines(&repetition.sub)? {
            0 => 0,
            each => each.checked_mul(usize::try_from(repetition.max?).ok()?)?,
        },
        HirKind::Capture(capture) => newlines(&capture.sub)?,
        HirKind::Concat(parts) => {
            let mut sum = 0usize;
            for part in parts {
                sum = sum.checked_add(newlines(part)?)?;
            }
            sum
        }
        HirKind::Alternation(parts) => {
            let mut most = 0;
            for part in parts {
                most = most.max(newlines(part)?);
            }
            most
        }
    })
}

impl SinceRules {
    fn new(rules: &RuleSet) -> Self {
        let within = (rules.rules().iter())
            .filter_map(|r| r.within_lines())
            .max()
            .unwrap_or(0);
        let mut for_some_paths = Vec::new();
        let (mut near, mut far) = (Vec::new(), Vec::new());
        for (index, rule) in rules.rules().iter().enumerate() {
            if !rule.spec.multiline || rule.context().is_some() {
                continue;
            }
            if !rule.spec.paths.is_empty() {
                for_some_paths.push(index);
                continue;
            }
            match max_newlines(&rule.spec.regex).filter(|&n| n <= NEAR_NEWLINES) {
                Some(lines) => near.push((index, lines)),
                None => far.push(index),
            }
        }
        let mut words: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        for index in far.into_iter().chain(near.iter().map(|&(index, _)| index)) {
            for keyword in &rules.rule(index).spec.keywords {
                let word = keyword.to_ascii_lowercase();
                match words.iter().position(|w| *w == word) {
                    Some(at) => keyword_rules[at].push(index),
                    None => {
                        words.push(word);
                        keyword_rules.push(vec![index]);
                    }
                }
            }
        }
        SinceRules {
            reach_lines: within + 1,
            context_lines: 2 * within + 2,
            // Keywords that fail to build (none do: they are literals) leave the whole
            // prefilter to find them.
            keywords: AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build(&words)
                .ok(),
            longest_word: words.iter().map(String::len).max().unwrap_or(0),
            words,
            keyword_rules,
            for_some_paths,
            near,
        }
    }
}

impl Scanner<'_> {
    /// Scan `data`, a later version of `earlier` at the same path, where it differs from it.
    /// Findings and suppressions carry `data`'s own lines and byte offsets.
    pub fn scan_since(&self, provenance: &Provenance, data: &[u8], earlier: &[u8]) -> BlobReport {
        let path = provenance.path();
        if data.len() < WHOLE_BELOW
            || scanned_whole(path)
            || crate::container::recognise(data).is_some()
            // A Kubernetes `Secret` (in any file: a template, a text file) has its `data:`
            // values decoded because of one line: declared in either version, a change far
            // from them changes what they are.
            || super::decode::declares_kubernetes_secret(data)
            || super::decode::declares_kubernetes_secret(earlier)
        {
            return self.scan_blob(provenance, data);
        }
        let Some(change) = changed_lines(data, earlier) else {
            // The same text: every secret in it is the earlier version's.
            return BlobReport::default();
        };
        let (start, end) = self.window(data, change);
        if start == 0 && end == data.len() {
            return self.scan_blob(provenance, data);
        }
        let window = self.scan_blob(provenance, &data[start..end]);
        // Lines (1-based, of `data`) within reach of the change: what the window finds
        // elsewhere is the earlier version's.
        let shift = memchr::memchr_iter(b'\n', &data[..start]).count();
        let reach = self.since_rules().reach_lines;
        let first = (shift + memchr::memchr_iter(b'\n', &data[start..change.0]).count() + 1)
            .saturating_sub(reach);
        let last = shift + memchr::memchr_iter(b'\n', &data[start..change.1]).count() + 1 + reach;
        let near = |line: usize, end_line: usize| end_line >= first && line <= last;
        if !(window.findings.iter()).any(|f| near(f.line + shift, f.end_line + shift))
            && !(window.suppressed.iter()).any(|s| near(s.line + shift, s.end_line + shift))
            && !self.multiline_match_near(data, path, change)
        {
            return BlobReport {
                notes: window.notes,
                ..BlobReport::default()
            };
        }
        // Something new is near the change (rare): the whole version is scanned, so that
        // what is reported is exactly what a scan of the file reports there (a match whole
        // rather than cut at the window's edge, the file's name masked when it is a secret
        // the file holds elsewhere), and kept near the change.
        let mut report = self.scan_blob(provenance, data);
        report.findings.retain(|f| near(f.line, f.end_line));
        report.suppressed.retain(|s| near(s.line, s.end_line));
        report
    }

    fn since_rules(&self) -> &SinceRules {
        self.since.get_or_init(|| SinceRules::new(self.rules))
    }

    /// The byte range of `data` to scan for a change on the lines `change` spans: the lines
    /// around it that a finding there depends on.
    fn window(&self, data: &[u8], (changed_from, changed_to): (usize, usize)) -> (usize, usize) {
        let since = self.since_rules();
        let start = lines_before(data, changed_from, since.context_lines);
        let end = lines_after(data, changed_to, since.context_lines);
        // Whole lines: the last one to its end.
        let end = memchr::memchr(b'\n', &data[end..]).map_or(data.len(), |i| end + i);
        (start, end)
    }

    /// Whether a multi-line rule's regex matches near the change in a region it reads from a
    /// keyword before the change: a private key whose middle line changed, found from its
    /// `BEGIN` line further up than the window reaches. Each such region is searched by that
    /// rule's regex alone (the window's scan of every rule would read it all), and any match
    /// near the change, a finding or not, has the version scanned whole.
    fn multiline_match_near(&self, data: &[u8], path: &str, change: (usize, usize)) -> bool {
        let since = self.since_rules();
        let reach = since.reach_lines;
        let near = (
            lines_before(data, change.0, reach),
            lines_after(data, change.1, reach),
        );
        let mut regions = self.multiline_regions(data, path, change, near);
        // A rule whose matches span a few lines, once a keyword opens a region of its reaching
        // the change: any match of its overlapping the lines near the change lies within that
        // many lines of them, whichever keyword, however far up, opened it. Its region is
        // those lines.
        for region in &mut regions {
            if let Some(&(_, lines)) = since.near.iter().find(|&&(r, _)| r == region.0) {
                region.1 = lines_before(data, change.0, lines + reach);
                region.2 = lines_after(data, change.1, lines + reach);
            }
        }
        regions.sort_unstable();
        // Regions of one rule that meet are searched as one.
        let mut merged: Vec<(usize, usize, usize)> = Vec::with_capacity(regions.len());
        for (rule, start, end) in regions {
            match merged.last_mut() {
                Some(last) if last.0 == rule && start <= last.2 => last.2 = last.2.max(end),
                _ => merged.push((rule, start, end)),
            }
        }
        merged.into_iter().any(|(rule, start, end)| {
            let rule = self.rules.rule(rule);
            let hay = &data[start..end];
            // No match of the rule's starts before the gate's first (asked once: see
            // `Scanner::candidates_in`).
            let Some(first) = rule.first_possible(hay, 0) else {
                return false;
            };
            let Ok(regex) = rule.regex() else {
                return false;
            };
            match_near(hay, start, near, |at| {
                let found = regex.find(regex_automata::Input::new(hay).range(at.max(first)..))?;
                Some((found.start(), found.end()))
            })
        })
    }

    /// The regions (rule, start, end) multi-line rules read that reach the lines `near` the
    /// change: from a keyword's line, [`MULTILINE_WINDOW`] on.
    fn multiline_regions(
        &self,
        data: &[u8],
        path: &str,
        (changed_from, _): (usize, usize),
        near: (usize, usize),
    ) -> Vec<(usize, usize, usize)> {
        let since = self.since_rules();
        let from = line_bounds(data, changed_from.saturating_sub(MULTILINE_WINDOW)).0;
        // Keywords up to the end of the lines near the change (a region opens at its
        // keyword's line).
        let to = line_bounds(data, near.1.min(data.len())).1;
        let to = (to + since.longest_word).min(data.len()).max(near.1);
        let mut regions = Vec::new();
        let mut add = |rule: usize, at: usize| {
            if !self.rules.rule(rule).applies_to(path) {
                return;
            }
            // The region the scan gives a multi-line rule's keyword.
            let (region_start, region_end) = multiline_region_at(data, at);
            if region_end >= near.0 {
                regions.push((rule, region_start, region_end));
            }
        };
        let for_this_path =
            |rules: &[usize]| rules.iter().any(|&r| self.rules.rule(r).applies_to(path));
        match &since.keywords {
            Some(keywords) if !for_this_path(&since.for_some_paths) => {
                let hay = data[from..to].to_ascii_lowercase();
                // Every occurrence, overlapping ones too, as the prefilter finds them: the
                // search goes on from the byte after each one found, and every keyword that
                // starts there is taken (a leftmost-first search, whose prefilter reads with
                // SIMD, reports one).
                let mut at = 0;
                while let Some(found) =
                    keywords.find(aho_corasick::Input::new(&hay).span(at..hay.len()))
                {
                    let here = &hay[found.start()..];
                    for (word, rules) in since.words.iter().zip(&since.keyword_rules) {
                        if here.starts_with(word.as_bytes()) {
                            for &rule in rules {
                                add(rule, from + found.start());
                            }
                        }
                    }
                    at = found.start() + 1;
                }
            }
            _ => {
                // The whole prefilter, read once over those bytes (as the scan reads a text).
                self.rules.prefilter().for_each_hit(data, from, to, |hit| {
                    for &rule in self.rules.rules_for_keyword(hit.keyword) {
                        if self.rules.rule(rule).spec.multiline {
                            add(rule, hit.start);
                        }
                    }
                });
            }
        }
        regions
    }
}

/// Whether a regex matches `hay` (which starts at byte `start` of the data) overlapping the
/// byte range `near`. `find(at)` is the regex's leftmost match from `at`. Every match is tried,
/// from each place one can start (the scan tries again past a match it rejects): the first
/// that reaches `near` settles it, and one that starts after it ends the search.
fn match_near(
    hay: &[u8],
    start: usize,
    near: (usize, usize),
    mut find: impl FnMut(usize) -> Option<(usize, usize)>,
) -> bool {
    let mut at = 0;
    while let Some((from, to)) = find(at) {
        if start + from > near.1 {
            return false;
        }
        if start + to >= near.0 {
            return true;
        }
        at = from + 1;
        if at > hay.len() {
            break;
        }
    }
    false
}

/// JSON and notebooks are read as documents (a secret's JSON pointer); YAML may be a Kubernetes
/// `Secret`, whose `data:` values are decoded because of a line far from them.
fn scanned_whole(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    super::json::json_kind(path).is_some() || lower.ends_with(".yaml") || lower.ends_with(".yml")
}

/// The lines of `data` that differ from `earlier`: from the start of the first line the common
/// prefix does not cover to the end of the last line the common suffix does not cover. `None`
/// when the two are the same.
fn changed_lines(data: &[u8], earlier: &[u8]) -> Option<(usize, usize)> {
    if data == earlier {
        return None;
    }
    let prefix = common_prefix(data, earlier);
    let suffix = common_suffix(&data[prefix..], &earlier[prefix..]);
    let (from, to) = (prefix, data.len() - suffix);
    let start = memchr::memrchr(b'\n', &data[..from]).map_or(0, |i| i + 1);
    // A deletion (nothing added) changes the line it joins.
    let last = if to > from {
        to - 1
    } else {
        from.min(data.len().saturating_sub(1))
    };
    let end = memchr::memchr(b'\n', &data[last..]).map_or(data.len(), |i| last + i);
    Some((start, end.max(start)))
}

/// How many leading bytes `a` and `b` share (compared a block at a time).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let len = a.len().min(b.len());
    let mut at = 0;
    while at + BLOCK <= len && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    at + (a[at..len].iter().zip(&b[at..len]))
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many trailing bytes `a` and `b` share.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let len = a.len().min(b.len());
    let (a, b) = (&a[a.len() - len..], &b[b.len() - len..]);
    let mut matched = 0;
    while matched + BLOCK <= len
        && a[len - matched - BLOCK..len - matched] == b[len - matched - BLOCK..len - matched]
    {
        matched += BLOCK;
    }
    matched
        + (a[..len - matched]
            .iter()
            .rev()
            .zip(b[..len - matched].iter().rev()))
        .take_while(|(x, y)| x == y)
        .count()
}

/// The start of the line `lines` lines before the one starting at `at`.
fn lines_before(data: &[u8], at: usize, lines: usize) -> usize {
    memchr::memrchr_iter(b'\n', &data[..at])
        .nth(lines)
        .map_or(0, |i| i + 1)
}

/// The end of the line `lines` lines after the one ending at `at`.
fn lines_after(data: &[u8], at: usize, lines: usize) -> usize {
    let from = (at + 1).min(data.len());
    memchr::memchr_iter(b'\n', &data[from..])
        .nth(lines.saturating_sub(1))
        .map_or(data.len(), |i| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changed_lines_are_those_between_the_common_prefix_and_suffix() {
        let earlier = b"a\nb\nc\nd\n";
        assert_eq!(changed_lines(earlier, earlier), None);
        // `c` became `x`: the third line.
        let data = b"a\nb\nx\nd\n";
        assert_eq!(changed_lines(data, earlier), Some((4, 5)));
        // A line inserted at the start.
        let data = b"z\na\nb\nc\nd\n";
        let (from, to) = changed_lines(data, earlier).unwrap_or_default();
        assert_eq!(&data[from..to], b"z");
        // A line deleted: the line where the two joined is the change.
        let data = b"a\nc\nd\n";
        let (from, to) = changed_lines(data, earlier).unwrap_or_default();
        assert!(from <= 2 && to >= 2, "{from}..{to}");
        // Appended at the end, without a newline.
        let data = b"a\nb\nc\nd\ne";
        let (from, to) = changed_lines(data, earlier).unwrap_or_default();
        assert_eq!(&data[from..to], b"e");
    }

    #[test]
    fn rules_spanning_a_few_lines_are_looked_for_near_a_change_and_others_from_their_keywords() {
        assert_eq!(max_newlines("a\\nb"), Some(1));
        assert_eq!(max_newlines("key:[ \\t]*\\r?\\n?[ \\t]*value"), Some(1));
        assert_eq!(max_newlines("(?:x\\n){0,3}"), Some(3));
        assert_eq!(max_newlines("BEGIN[\\s\\S]*?END"), None);
        assert_eq!(max_newlines("(?s)a.*b"), None);
        assert_eq!(max_newlines("[^\"]+"), None);
        assert_eq!(max_newlines("[^\"\\r\\n]+"), Some(0));
        let rules = crate::rules::RuleSet::builtin().unwrap_or_else(|e| panic!("{e}"));
        let since = SinceRules::new(&rules);
        let id = |i: usize| rules.rule(i).id().to_owned();
        let far: Vec<String> = since
            .keyword_rules
            .iter()
            .flatten()
            .filter(|&&i| !since.near.iter().any(|&(r, _)| r == i))
            .map(|&i| id(i))
            .collect();
        assert!(far.iter().any(|r| r == "private-key"), "{far:?}");
        assert!(
            !far.iter().any(|r| r == "generic-name-value-pair"),
            "{far:?}"
        );
        let near: Vec<String> = since.near.iter().map(|&(i, _)| id(i)).collect();
        assert!(
            near.iter().any(|r| r == "generic-name-value-pair"),
            "{near:?}"
        );
        assert!(since.near.iter().all(|&(_, lines)| lines <= NEAR_NEWLINES));
    }

    #[test]
    fn prefixes_and_suffixes_are_exact_across_blocks() {
        let a: Vec<u8> = (0..2000u32).map(|i| (i % 251) as u8).collect();
        for cut in [0, 1, 255, 256, 257, 1000, 1999] {
            let mut b = a.clone();
            b[cut] ^= 0xff;
            assert_eq!(common_prefix(&a, &b), cut);
            assert_eq!(common_suffix(&a, &b), a.len() - cut - 1);
        }
        assert_eq!(common_prefix(&a, &a[..10]), 10);
        assert_eq!(common_suffix(&a, &a[1990..]), 10);
    }

    #[test]
    fn lines_before_and_after_count_whole_lines() {
        let data = b"1\n2\n3\n4\n5\n";
        // The line starting at 4 is `3`; two before it starts at 0.
        assert_eq!(lines_before(data, 4, 2), 0);
        assert_eq!(lines_before(data, 4, 1), 2);
        // The line `3` ends at 5; one line after it ends at 7 (`4`).
        assert_eq!(lines_after(data, 5, 1), 7);
        assert_eq!(lines_after(data, 5, 9), data.len());
    }
}
