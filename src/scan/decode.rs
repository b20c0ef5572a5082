//! Decoders: secrets written under an encoding (base64, percent-encoding, JSON string escapes)
//! are found, decoded, and handed back to the scanner as text its rules read, with a map from
//! each decoded byte to where it was written, so that a finding points at the encoded text.
//!
//! What is decoded is decided by where it stands, and found in one linear pass per decoder:
//! a Kubernetes `Secret`'s `data:` values, a Docker registry `"auth"`, an `Authorization:
//! Basic` value or a `basic_auth` field (base64); a base64 run of [`MIN_BASE64_RUN`] characters
//! or more that decodes to text; a URL query or form body holding `%XX` escapes; and, in files
//! that are not JSON (those are decoded string by string already, see [`super::json`]), a line
//! holding JSON escapes (`\"`, `\u0041`). Nothing else is decoded, so a file with none of
//! these costs one fast search each.
//!
//! A value a decoder understands whole (a Basic credential, a Docker `auth`, a Secret's data
//! value) is judged by its decoded text alone: what the rules found in its encoded form is
//! dropped ([`View::authoritative`]), so `Basic dXNlcjpwYXNzd29yZA==` (`user:password`) is a
//! placeholder, not a secret. Everything else is decoded as well as read as written.
//!
//! Bounds: decoded text is decoded again, at most [`MAX_DEPTH`] levels in all (a Docker config
//! inside a Secret is two), and a file's decoded bytes, all levels together, may not exceed its
//! [`Budget`]. No decoder writes more than it reads, so the budget stops only what no real file
//! needs; a nested or repeated encoding (a decompression bomb's trick) costs linear time and
//! memory, and the scanner reports a file whose budget ran out.

use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::finding::Encoding;
use crate::rules::RuleContext;

/// The searchers every buffer runs, built once: building one per buffer cost more than the
/// search itself on a small file.
static SECRET_KIND: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"Secret"));
static QUOTED_DATA: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\"data\""));

/// How many levels of encoding are taken off, one inside the other.
pub const MAX_DEPTH: usize = 2;
/// A bare base64 run (one no context vouches for) is decoded from this many characters on: a
/// 24-character run decodes to 18 bytes, room for a short token.
pub const MIN_BASE64_RUN: usize = 24;
/// A Basic credential's value is decoded from this many characters on (`a:bcde`).
const MIN_BASIC_VALUE: usize = 8;

/// What a decoded text is: which rules read it, and how its values are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    /// Text as written, or decoded from code or markup (a query string, a line with JSON
    /// escapes, a long base64 run): read as any text is.
    Text,
    /// `key: value` lines whose values a decoder produced (a Kubernetes Secret's `data`): each
    /// value is a literal, never code.
    Values,
    /// `user:password` from a Basic credential: literal, and also read by the rules of context
    /// `basic-auth`.
    BasicAuth,
}

impl ViewKind {
    /// The values in it are data, not code (`token = self.token` cannot occur).
    pub fn literal(self) -> bool {
        self != ViewKind::Text
    }

    /// The rules of this context read it too.
    pub fn context(self) -> Option<RuleContext> {
        match self {
            ViewKind::BasicAuth => Some(RuleContext::BasicAuth),
            ViewKind::Text | ViewKind::Values => None,
        }
    }
}

/// One decoded text inside a [`Layer`].
#[derive(Debug, Clone)]
pub struct View {
    /// Its range in the layer's text (a `\n` follows it).
    pub start: usize,
    pub end: usize,
    /// The encoded text it was decoded from, in the parent text.
    pub source: (usize, usize),
    pub encoding: Encoding,
    /// The decoded text replaces the encoded one: what rules found in the encoded form is
    /// dropped (a Basic value, a Docker `auth`, a Secret's data value).
    pub authoritative: bool,
    /// Decoded byte for byte (percent-encoding, JSON escapes): where its `end - start + 1`
    /// entries start in the layer's map. Base64 has none: a match anywhere in it is reported
    /// at the whole encoded value.
    exact: Option<usize>,
}

/// Every view of one kind decoded from one parent text, one after the other (each followed by
/// `\n`), so that the rules read them in one pass.
#[derive(Debug)]
pub struct Layer {
    pub kind: ViewKind,
    pub text: Vec<u8>,
    pub views: Vec<View>,
    /// For the bytes of exact views (and one past each end): the parent offset it came from.
    map: Vec<usize>,
}

impl Layer {
    fn new(kind: ViewKind) -> Self {
        Layer {
            kind,
            text: Vec::new(),
            views: Vec::new(),
            map: Vec::new(),
        }
    }

    /// Where `text[start..end]` came from in the parent text, and the view it starts in.
    pub fn locate(&self, start: usize, end: usize) -> Option<(usize, usize, &View)> {
        let first = self.view_at(start)?;
        let last = self.view_at(end.saturating_sub(1).max(start))?;
        let from = match first.exact {
            Some(at) => self.map[at + (start - first.start).min(first.end - first.start)],
            None => first.source.0,
        };
        let to = match last.exact {
            Some(at) => self.map[at + end.saturating_sub(last.start).min(last.end - last.start)],
            None => last.source.1,
        };
        Some((from, to.max(from), first))
    }

    /// The view holding `offset` (its trailing `\n` included).
    fn view_at(&self, offset: usize) -> Option<&View> {
        let at = self.views.partition_point(|v| v.end < offset);
        self.views.get(at).filter(|v| v.start <= offset)
    }

    /// Add a view decoded as a whole (base64), after `prefix` (a Secret's key, so that rules
    /// see `password: <decoded>`). False when the budget is spent.
    fn push_whole(&mut self, found: &Found, budget: &mut Budget) -> bool {
        if !budget.take(found.prefix.len() + found.decoded.len() + 1) {
            return false;
        }
        let start = self.text.len();
        self.text.extend_from_slice(&found.prefix);
        self.text.extend_from_slice(&found.decoded);
        self.views.push(View {
            start,
            end: self.text.len(),
            source: found.source,
            encoding: Encoding::Base64,
            authoritative: found.authoritative,
            exact: None,
        });
        self.text.push(b'\n');
        true
    }

    /// Add a view decoded byte for byte: `map[i]` is the parent offset of `decoded[i]`'s
    /// encoded form, with one more entry for the end. False when the budget is spent.
    fn push_exact(
        &mut self,
        decoded: &[u8],
        map: &[usize],
        source: (usize, usize),
        encoding: Encoding,
        budget: &mut Budget,
    ) -> bool {
        if !budget.take(decoded.len() + 1) {
            return false;
        }
        let start = self.text.len();
        self.text.extend_from_slice(decoded);
        self.views.push(View {
            start,
            end: self.text.len(),
            source,
            encoding,
            authoritative: false,
            exact: Some(self.map.len()),
        });
        self.map.extend_from_slice(map);
        self.text.push(b'\n');
        true
    }
}

/// How many decoded bytes a file may produce, all levels together; and whether the scan of one
/// of its texts stopped looking inside rejected values at its allowance (see
/// `Scanner::candidates_in`), which the file's report then says.
#[derive(Debug)]
pub struct Budget {
    left: usize,
    exhausted: bool,
    values_cut: bool,
}

impl Budget {
    /// Twice the file's size and a mebibyte: more than any real file's encoded text decodes to.
    pub fn for_input(len: usize) -> Self {
        Self::bytes(len.saturating_mul(2).saturating_add(1 << 20))
    }

    pub fn bytes(left: usize) -> Self {
        Budget {
            left,
            exhausted: false,
            values_cut: false,
        }
    }

    fn take(&mut self, bytes: usize) -> bool {
        if bytes > self.left {
            self.exhausted = true;
            return false;
        }
        self.left -= bytes;
        true
    }

    /// Some encoded text was not decoded because the budget ran out (it was read as written).
    pub fn exhausted(&self) -> bool {
        self.exhausted
    }

    /// Note that some rejected values were not looked inside (their allowance ran out).
    pub fn cut_values(&mut self) {
        self.values_cut = true;
    }

    /// Were some rejected values not looked inside?
    pub fn values_cut(&self) -> bool {
        self.values_cut
    }
}

/// Options for [`layers`].
#[derive(Debug, Clone, Copy)]
pub struct DecodeOptions {
    /// Decode the JSON escapes of lines that hold them. Off for JSON files and the strings
    /// decoded from them, whose escapes [`super::json`] has taken off already.
    pub json_escapes: bool,
}

/// The texts the decoders find in `text`, by kind (only kinds with at least one view).
pub fn layers(
    text: &[u8],
    marks: &Marks,
    options: DecodeOptions,
    budget: &mut Budget,
) -> Vec<Layer> {
    let mut found = Vec::new();
    basic_credentials(text, &marks.basic, &mut found);
    docker_auth(text, &marks.quoted_auth, &mut found);
    kubernetes_secret_data(text, &marks.secret_kind, &mut found);
    base64_runs(text, &mut found);
    // One decoding per encoded span: what a context vouches for before a bare run.
    found.sort_by_key(|f| (f.source.0, f.order));
    let mut text_layer = Layer::new(ViewKind::Text);
    let mut values = Layer::new(ViewKind::Values);
    let mut basic = Layer::new(ViewKind::BasicAuth);
    let mut covered = 0;
    for f in &found {
        if f.source.0 < covered {
            continue;
        }
        covered = f.source.1;
        let layer = match f.kind {
            ViewKind::Text => &mut text_layer,
            ViewKind::Values => &mut values,
            ViewKind::BasicAuth => &mut basic,
        };
        if !layer.push_whole(f, budget) {
            break;
        }
    }
    percent_encoded(text, &mut text_layer, budget);
    if options.json_escapes {
        json_escaped_lines(text, &mut text_layer, budget);
    }
    [text_layer, values, basic]
        .into_iter()
        .filter(|l| !l.views.is_empty())
        .collect()
}

/// Where each decoder with a context starts looking, in order: `asic` or `ASIC` (of `Basic`,
/// `basic_auth`, `BASIC`: rare where `b` is not), `"auth` (a Docker config's `"auth":
/// "<base64>"`) and `Secret` (a Kubernetes object's `kind: Secret`).
///
/// The scanner fills them in from the keyword prefilter's pass over the text, which finds
/// [`crate::rules::DECODER_WORDS`] besides the rules' keywords (a pass of their own had been 3%
/// of a scan's instructions): see [`Marks::add`].
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Marks {
    basic: Vec<usize>,
    quoted_auth: Vec<usize>,
    secret_kind: Vec<usize>,
}

impl Marks {
    /// A prefilter hit of one of the decoders' words, `found` as written at `start`: a mark
    /// when its case is one a decoder starts from. Hits come in order.
    pub fn add(&mut self, found: &[u8], start: usize) {
        let list = match found {
            b"asic" | b"ASIC" => &mut self.basic,
            b"\"auth" => &mut self.quoted_auth,
            b"Secret" => &mut self.secret_kind,
            _ => return,
        };
        list.push(start);
    }

    /// The marks of `text` found by a search for each word alone: what the scanner's pass
    /// must give.
    #[cfg(test)]
    pub fn searched_for(text: &[u8]) -> Marks {
        let alone = |word: &str| -> Vec<usize> {
            memchr::memmem::find_iter(text, word.as_bytes()).collect()
        };
        let mut basic = alone("asic");
        basic.extend(alone("ASIC"));
        basic.sort_unstable();
        Marks {
            basic,
            quoted_auth: alone("\"auth"),
            secret_kind: alone("Secret"),
        }
    }
}

/// A base64 value a detector found and decoded.
#[derive(Debug)]
struct Found {
    source: (usize, usize),
    kind: ViewKind,
    /// Written before the decoded text in its view (a Secret's `key: `).
    prefix: Vec<u8>,
    decoded: Vec<u8>,
    authoritative: bool,
    /// Which detector: at one start, the lower wins.
    order: u8,
}

/// The value of a base64 character, in the standard or the URL-safe alphabet.
fn sextet(byte: u8) -> Option<u32> {
    Some(match byte {
        b'A'..=b'Z' => byte - b'A',
        b'a'..=b'z' => byte - b'a' + 26,
        b'0'..=b'9' => byte - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    } as u32)
}

/// [`sextet`] is some, as a table: the bare-run search asks it of most bytes it looks at.
static BASE64_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] =
            (byte as u8).is_ascii_alphanumeric() || matches!(byte as u8, b'+' | b'/' | b'-' | b'_');
        byte += 1;
    }
    table
};

fn is_base64_byte(byte: u8) -> bool {
    BASE64_BYTES[usize::from(byte)]
}

/// Decode base64 (either alphabet, `=` padding optional) that encodes text: UTF-8 without
/// control characters other than tab, CR and LF. `None` for anything else, found at the
/// first byte that is not text (binary data costs a few bytes, not its length), or when the
/// encoding is not canonical (bits left over), which real encoders never produce.
pub fn base64_text(encoded: &[u8]) -> Option<Vec<u8>> {
    let padding = encoded.iter().rev().take_while(|b| **b == b'=').count();
    if padding > 2 {
        return None;
    }
    let body = &encoded[..encoded.len() - padding];
    if body.is_empty() || body.len() % 4 == 1 || (padding > 0 && !encoded.len().is_multiple_of(4)) {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    let mut bits: u32 = 0;
    let mut held = 0;
    // Continuation bytes the last UTF-8 lead byte still wants. Checked as the bytes come, so
    // that a run of letters that is not base64 (an identifier, a path: half the bytes it decodes
    // to are above 0x7f) is given up after a few bytes rather than decoded whole; `from_utf8`
    // still has the last word.
    let mut owed = 0;
    for &byte in body {
        bits = (bits << 6) | sextet(byte)?;
        held += 6;
        if held >= 8 {
            held -= 8;
            let decoded = (bits >> held) as u8;
            bits &= (1 << held) - 1;
            let fits = match (owed, decoded) {
                (0, b'\t' | b'\n' | b'\r' | 0x20..0x7f) => true,
                (0, 0xc2..=0xdf) => {
                    owed = 1;
                    true
                }
                (0, 0xe0..=0xef) => {
                    owed = 2;
                    true
                }
                (0, 0xf0..=0xf4) => {
                    owed = 3;
                    true
                }
                (1.., 0x80..=0xbf) => {
                    owed -= 1;
                    true
                }
                _ => false,
            };
            if !fits {
                return None;
            }
            out.push(decoded);
        }
    }
    if bits != 0 {
        return None;
    }
    std::str::from_utf8(&out).ok()?;
    Some(out)
}

/// The base64 value starting at `at` (its characters, then up to two `=`): its end.
fn base64_value_end(text: &[u8], at: usize) -> usize {
    let chars = text[at..]
        .iter()
        .take_while(|b| is_base64_byte(**b))
        .count();
    let padding = text[at + chars..]
        .iter()
        .take(2)
        .take_while(|b| **b == b'=')
        .count();
    at + chars + padding
}

/// Decoded Basic credentials: printable `user:password` on one line, with a user.
fn basic_shape(decoded: &[u8]) -> bool {
    decoded
        .iter()
        .position(|b| *b == b':')
        .is_some_and(|at| at > 0)
        && decoded.iter().all(|b| !b.is_ascii_control())
}

/// `Authorization: Basic <base64>` (any header or string holding `Basic <base64>`) and
/// `basic_auth`-like fields (`basicAuth: <base64>`, `"basic-auth" = "Basic <base64>"`).
fn basic_credentials(text: &[u8], asic: &[usize], found: &mut Vec<Found>) {
    // `asic` and `ASIC` (`asic`, in order) are rare, where `b` is not: the `b` is checked here.
    let hits = (asic.iter())
        .filter(|&&at| at > 0 && text[at - 1].eq_ignore_ascii_case(&b'b'))
        .map(|&at| at - 1);
    for at in hits {
        if !text[at..at + 5].eq_ignore_ascii_case(b"basic")
            || (at > 0 && text[at - 1].is_ascii_alphanumeric())
        {
            continue;
        }
        let mut i = at + 5;
        if text.get(i).is_some_and(|b| matches!(b, b' ' | b'\t')) {
            // `Basic <base64>`.
            i += skip(&text[i..], |b| matches!(b, b' ' | b'\t'));
        } else {
            // A field: `basic[_-.]auth…` then `:`, `=`, `=>` or `:=`, maybe `Basic `.
            i += usize::from(text.get(i).is_some_and(|b| matches!(b, b'_' | b'-' | b'.')));
            if !text
                .get(i..i + 4)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"auth"))
            {
                continue;
            }
            i += 4;
            i += skip(&text[i..], |b| b.is_ascii_alphanumeric() || b == b'_');
            i += skip(&text[i..], |b| {
                matches!(b, b'"' | b'\'' | b'\\' | b']' | b' ' | b'\t')
            });
            let assign = skip(&text[i..], |b| matches!(b, b':' | b'=' | b'>'));
            if assign == 0 || assign > 2 {
                continue;
            }
            i += assign;
            i += skip(&text[i..], |b| {
                matches!(b, b'"' | b'\'' | b'\\' | b' ' | b'\t')
            });
            if text
                .get(i..i + 6)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"basic "))
            {
                i += 6;
            }
        }
        push_basic(text, i, 0, found);
    }
}

/// A Docker registry credential: `"auth": "<base64>"` (`~/.docker/config.json`,
/// `.dockerconfigjson`), its quotes escaped or not.
fn docker_auth(text: &[u8], quoted_auth: &[usize], found: &mut Vec<Found>) {
    for &at in quoted_auth {
        let mut i = at + 5;
        i += usize::from(text.get(i) == Some(&b'\\'));
        if text.get(i) != Some(&b'"') {
            continue;
        }
        i += 1;
        i += skip(&text[i..], |b| matches!(b, b' ' | b'\t'));
        if text.get(i) != Some(&b':') {
            continue;
        }
        i += 1;
        i += skip(&text[i..], |b| matches!(b, b' ' | b'\t' | b'\\'));
        if text.get(i) != Some(&b'"') {
            continue;
        }
        push_basic(text, i + 1, 1, found);
    }
}

/// The base64 value at `at`, when it decodes to Basic credentials.
fn push_basic(text: &[u8], at: usize, order: u8, found: &mut Vec<Found>) {
    let end = base64_value_end(text, at);
    if end - at < MIN_BASIC_VALUE {
        return;
    }
    if let Some(decoded) = base64_text(&text[at..end]).filter(|d| basic_shape(d)) {
        found.push(Found {
            source: (at, end),
            kind: ViewKind::BasicAuth,
            prefix: Vec::new(),
            decoded,
            authoritative: true,
            order,
        });
    }
}

/// Whether `text` declares a Kubernetes `Secret` anywhere: its `data:` values are read
/// decoded, whatever lines lie between (so a change far from that line changes their meaning).
pub(super) fn declares_kubernetes_secret(text: &[u8]) -> bool {
    secret_kind_marks(text).next().is_some()
}

/// Where `text` says `Secret` as a Kubernetes object's kind.
fn secret_kind_marks(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    SECRET_KIND
        .find_iter(text)
        .filter(|&at| declares_secret_kind(text, at))
}

/// The values of a Kubernetes `Secret`'s `data:` (base64 by definition), in YAML documents
/// that declare `kind: Secret` and in JSON text that does (`secret_kind`: where `Secret` is
/// written).
fn kubernetes_secret_data(text: &[u8], secret_kind: &[usize], found: &mut Vec<Found>) {
    let marks: Vec<usize> = (secret_kind.iter().copied())
        .filter(|&at| declares_secret_kind(text, at))
        .collect();
    if marks.is_empty() {
        return;
    }
    // YAML: each document (`---` separates them) that holds a mark.
    let mut starts = vec![0];
    starts.extend(
        memchr::memmem::find_iter(text, b"\n---")
            .map(|at| at + 1)
            .filter(|&at| {
                text.get(at + 3)
                    .is_none_or(|b| matches!(b, b'\n' | b'\r' | b' ' | b'\t' | b'#'))
            }),
    );
    starts.push(text.len());
    for pair in starts.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        let first = marks.partition_point(|&m| m < start);
        if marks.get(first).is_some_and(|&m| m < end) {
            yaml_data(text, start, end, found);
        }
    }
    json_data(text, found);
}

/// Is the `Secret` at `at` the value of a `kind` key (`kind: Secret`, `"kind": "Secret"`)?
fn declares_secret_kind(text: &[u8], at: usize) -> bool {
    if text
        .get(at + 6)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        return false;
    }
    let before = &text[..at];
    let quotes = |b: u8| matches!(b, b'"' | b'\'' | b'\\' | b' ' | b'\t');
    let mut i = before.len() - before.iter().rev().take_while(|b| quotes(**b)).count();
    if i == 0 || before[i - 1] != b':' {
        return false;
    }
    i -= 1;
    i -= before[..i].iter().rev().take_while(|b| quotes(**b)).count();
    before[..i].ends_with(b"kind") && (i == 4 || !before[i - 5].is_ascii_alphanumeric())
}

/// The entries of each `data:` block in the YAML document `text[start..end]`.
fn yaml_data(text: &[u8], start: usize, end: usize, found: &mut Vec<Found>) {
    let mut data_indent: Option<usize> = None;
    let mut line_start = start;
    while line_start < end {
        let line_end =
            memchr::memchr(b'\n', &text[line_start..end]).map_or(end, |n| line_start + n);
        let line = &text[line_start..line_end];
        let indent = skip(line, |b| b == b' ');
        let content = trim_end(&line[indent..]);
        let next = line_end + 1;
        if content.is_empty() || content[0] == b'#' {
            line_start = next;
            continue;
        }
        if let Some(block) = data_indent {
            if indent > block {
                yaml_entry(line_start + indent, content, found);
                line_start = next;
                continue;
            }
            data_indent = None;
        }
        if content == b"data:" || content.starts_with(b"data: #") {
            data_indent = Some(indent);
        }
        line_start = next;
    }
}

/// `key: <base64>` (the key and the value may be quoted): `content`, at `at` in the text.
fn yaml_entry(at: usize, content: &[u8], found: &mut Vec<Found>) {
    let Some(colon) = memchr::memchr(b':', content) else {
        return;
    };
    let key = trim_quotes(&content[..colon]);
    let mut value_at = colon + 1;
    value_at += skip(&content[value_at..], |b| b == b' ');
    let mut value = &content[value_at..];
    if let [quote @ (b'"' | b'\''), inner @ .., last] = value
        && last == quote
    {
        value = inner;
        value_at += 1;
    }
    push_value(key, at + value_at, value, found);
}

/// The entries of every `"data": { … }` object in JSON text.
fn json_data(text: &[u8], found: &mut Vec<Found>) {
    let mut scanned = 0;
    for at in QUOTED_DATA.find_iter(text) {
        if at < scanned {
            continue;
        }
        let mut i = at + 6;
        i += skip(&text[i..], json_space);
        if text.get(i) != Some(&b':') {
            continue;
        }
        i += 1;
        i += skip(&text[i..], json_space);
        if text.get(i) != Some(&b'{') {
            continue;
        }
        i += 1;
        // `"key": "value"` pairs until `}`; anything else ends the object.
        loop {
            i += skip(&text[i..], |b| json_space(b) || b == b',');
            let Some((key, after_key)) = json_plain_string(text, i) else {
                break;
            };
            i = after_key + skip(&text[after_key..], json_space);
            if text.get(i) != Some(&b':') {
                break;
            }
            i += 1;
            i += skip(&text[i..], json_space);
            let Some((value, after_value)) = json_plain_string(text, i) else {
                break;
            };
            push_value(&text[key.0..key.1], value.0, &text[value.0..value.1], found);
            i = after_value;
        }
        scanned = i;
    }
}

/// A Secret's data value: decoded, it is read as `key: <decoded>`.
fn push_value(key: &[u8], at: usize, value: &[u8], found: &mut Vec<Found>) {
    if key.is_empty() || value.is_empty() || !value.iter().all(|b| is_base64_byte(*b) || *b == b'=')
    {
        return;
    }
    if let Some(decoded) = base64_text(value) {
        let mut prefix = key.to_vec();
        prefix.extend_from_slice(b": ");
        found.push(Found {
            source: (at, at + value.len()),
            kind: ViewKind::Values,
            prefix,
            decoded,
            authoritative: true,
            order: 2,
        });
    }
}

/// A JSON string without escapes at `at` (its opening quote): its contents' range and the
/// offset after its closing quote.
fn json_plain_string(text: &[u8], at: usize) -> Option<((usize, usize), usize)> {
    if text.get(at) != Some(&b'"') {
        return None;
    }
    let len = memchr::memchr2(b'"', b'\\', &text[at + 1..])?;
    let end = at + 1 + len;
    (text[end] == b'"').then_some(((at + 1, end), end + 1))
}

fn json_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Base64 runs of [`MIN_BASE64_RUN`] characters or more that decode to text.
fn base64_runs(text: &[u8], found: &mut Vec<Found>) {
    long_base64_runs(text, |start, end| {
        if let Some(decoded) = base64_text(&text[start..end]) {
            found.push(Found {
                source: (start, end),
                kind: ViewKind::Text,
                prefix: Vec::new(),
                decoded,
                authoritative: false,
                order: 3,
            });
        }
    });
}

/// Each run of [`MIN_BASE64_RUN`] base64 characters or more (with the `=` padding after it), as
/// its start and end, in order.
///
/// The text is read 64 bytes at a time as a mask of which bytes are base64 characters (a loop
/// the compiler turns into vector compares), and [`MIN_BASE64_RUN`] bytes in a row are found in
/// two masks at once by shifting and and-ing; only where they are is a run read byte by byte.
/// Code is mostly base64 characters in short runs (identifiers, paths): looking at bytes one
/// at a time, whether each continues a run is a coin toss the processor mispredicts.
fn long_base64_runs(text: &[u8], mut each: impl FnMut(usize, usize)) {
    const CHUNK: usize = 64;
    // Bits of the two-chunk window where a run of the length can start and still end inside.
    const STARTS: u128 = (1 << (2 * CHUNK - MIN_BASE64_RUN + 1)) - 1;
    // Where the next run may start: the end of the last one reported.
    let mut next = 0;
    let mut previous = 0u64;
    for (index, chunk) in text.chunks(CHUNK).enumerate() {
        let mask = base64_mask(chunk);
        // The previous chunk's mask in the low half, this chunk's in the high half.
        let window = u128::from(previous) | u128::from(mask) << CHUNK;
        previous = mask;
        // Bit `i` stands for the byte at `index * CHUNK + i - CHUNK`: bits of bytes before `next`
        // (in runs already reported) are dropped.
        let from_next = |next: usize| match (next + CHUNK).saturating_sub(index * CHUNK) {
            skipped @ 0..128 => u128::MAX << skipped,
            _ => 0,
        };
        let mut starts = runs_starting(window) & STARTS & from_next(next);
        while starts != 0 {
            let bit = starts.trailing_zeros() as usize;
            // The first window's first half is before the text, and has no base64 bytes.
            let Some(first) = (index * CHUNK + bit).checked_sub(CHUNK) else {
                break;
            };
            // The run around it, read byte by byte (it may begin before the window).
            let start = first
                - text[next..first]
                    .iter()
                    .rev()
                    .take_while(|b| is_base64_byte(**b))
                    .count();
            let chars_end = first + skip(&text[first..], is_base64_byte);
            let end = chars_end
                + skip(&text[chars_end..(chars_end + 2).min(text.len())], |b| {
                    b == b'='
                });
            each(start, end);
            next = end;
            starts &= from_next(next);
        }
    }
}

/// Which of up to 64 bytes are base64 characters, as bits (bit `i` for `bytes[i]`), computed
/// without a branch per byte: a 0 or 1 per byte (compares the compiler does 16 bytes at a
/// time), then each 8 of those gathered into a byte by one multiplication (the product's top
/// byte collects bit `8j` of the factor as bit `j`, and no two partial products meet).
fn base64_mask(bytes: &[u8]) -> u64 {
    let mut flags = [0u8; 64];
    for (flag, &byte) in flags.iter_mut().zip(bytes) {
        let letter = (byte | 0x20).wrapping_sub(b'a') < 26;
        let digit = byte.wrapping_sub(b'0') < 10;
        let other = (byte == b'+') | (byte == b'/') | (byte == b'-') | (byte == b'_');
        *flag = u8::from(letter | digit | other);
    }
    let mut mask = 0u64;
    for (index, eight) in flags.chunks_exact(8).enumerate() {
        let eight = u64::from_le_bytes(eight.try_into().unwrap_or_default());
        mask |= (eight.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * index);
    }
    mask
}

/// The bits of `mask` that start [`MIN_BASE64_RUN`] set bits in a row (toward higher bits):
/// runs of 2, 4, 8 and 16, then 16 and 8 more.
fn runs_starting(mask: u128) -> u128 {
    const _: () = assert!(MIN_BASE64_RUN == 24, "runs_starting counts 16 + 8");
    let two = mask & mask >> 1;
    let four = two & two >> 2;
    let eight = four & four >> 4;
    let sixteen = eight & eight >> 8;
    sixteen & eight >> 16
}

/// A byte of a URL, a query or a form body as written in text (not white space or a quote).
fn url_byte(b: u8) -> bool {
    b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\')
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// `%XX` at `at`?
fn percent_escape_at(text: &[u8], at: usize) -> Option<u8> {
    let high = hex_value(*text.get(at + 1)?)?;
    let low = hex_value(*text.get(at + 2)?)?;
    Some(high << 4 | low)
}

/// `text` with its `%XX` escapes from `from` on decoded, and the offset in `text` each
/// decoded byte came from (plus one for the end); `None` if nothing was decoded.
pub fn percent_decode(text: &[u8], from: usize) -> Option<(Vec<u8>, Vec<usize>)> {
    let mut out = Vec::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    out.extend_from_slice(&text[..from]);
    map.extend(0..from);
    let mut i = from;
    let mut changed = false;
    while i < text.len() {
        if text[i] == b'%'
            && let Some(byte) = percent_escape_at(text, i)
        {
            out.push(byte);
            map.push(i);
            i += 3;
            changed = true;
            continue;
        }
        out.push(text[i]);
        map.push(i);
        i += 1;
    }
    map.push(text.len());
    changed.then_some((out, map))
}

/// Runs of URL characters holding `%XX` escapes in a part that carries values: a URL's query
/// and fragment (from its `?`), or a form body or query written alone (`a=b&c=d`). A URL's
/// user and password are decoded by the scanner before their checks instead (`p%40ss`), so
/// that a decoded `@` cannot end the password early.
fn percent_encoded(text: &[u8], layer: &mut Layer, budget: &mut Budget) {
    let mut done = 0;
    for at in memchr::memchr_iter(b'%', text) {
        if at < done || percent_escape_at(text, at).is_none() {
            continue;
        }
        let start = at
            - text[..at]
                .iter()
                .rev()
                .take_while(|b| url_byte(**b))
                .count();
        let end = at + skip(&text[at..], url_byte);
        done = end;
        let run = &text[start..end];
        let from = match memchr::memmem::find(run, b"://") {
            Some(scheme) => match memchr::memchr(b'?', &run[scheme..]) {
                Some(query) => scheme + query,
                None => continue,
            },
            None if memchr::memchr(b'=', run).is_some() => 0,
            None => continue,
        };
        if let Some((decoded, map)) = percent_decode(run, from) {
            let map: Vec<usize> = map.into_iter().map(|i| start + i).collect();
            if !layer.push_exact(
                &decoded,
                &map,
                (start, end),
                Encoding::PercentEncoding,
                budget,
            ) {
                return;
            }
        }
    }
}

/// Lines holding JSON string escapes (`\"`, `\u0041`), decoded (three levels at most, as
/// JSON strings are: [`super::json::decode_nested`]).
fn json_escaped_lines(text: &[u8], layer: &mut Layer, budget: &mut Budget) {
    let mut done = 0;
    for at in memchr::memchr_iter(b'\\', text) {
        if at < done {
            continue;
        }
        let escape = match text.get(at + 1) {
            Some(b'"') => true,
            Some(b'u') => text
                .get(at + 2..at + 6)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)),
            _ => false,
        };
        if !escape {
            continue;
        }
        let start = memchr::memrchr(b'\n', &text[..at]).map_or(0, |n| n + 1);
        let end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |n| at + n);
        done = end;
        let (decoded, map) = super::json::decode_nested(&text[start..end]);
        let map: Vec<usize> = map.into_iter().map(|i| start + i).collect();
        if !layer.push_exact(&decoded, &map, (start, end), Encoding::JsonEscape, budget) {
            return;
        }
    }
}

/// How many leading bytes of `bytes` satisfy `keep`.
fn skip(bytes: &[u8], keep: impl Fn(u8) -> bool) -> usize {
    bytes.iter().take_while(|b| keep(**b)).count()
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let kept = bytes.len()
        - bytes
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    &bytes[..kept]
}

fn trim_quotes(bytes: &[u8]) -> &[u8] {
    match bytes {
        [quote @ (b'"' | b'\''), inner @ .., last] if last == quote => inner,
        _ => bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> String {
        b64_bytes(text.as_bytes())
    }

    fn b64_bytes(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().fold(0u32, |n, b| n << 8 | *b as u32) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        while !out.len().is_multiple_of(4) {
            out.push('=');
        }
        out
    }

    fn decode_all(text: &str) -> Vec<Layer> {
        layers(
            text.as_bytes(),
            &Marks::searched_for(text.as_bytes()),
            DecodeOptions { json_escapes: true },
            &mut Budget::for_input(text.len()),
        )
    }

    #[test]
    fn base64_text_decodes_text_only() {
        assert_eq!(
            base64_text(b64("user:pa55word!").as_bytes()).as_deref(),
            Some(&b"user:pa55word!"[..])
        );
        assert_eq!(
            base64_text(b"dXNlcjpwYXNz").as_deref(),
            Some(&b"user:pass"[..]),
            "no padding"
        );
        assert_eq!(base64_text(b"AAECAwQFBgc="), None, "binary");
        assert_eq!(base64_text(b"abcde"), None, "impossible length");
        assert_eq!(base64_text(b"dXNlcjpwYXN="), None, "bits left over");
        // UTF-8 text of one to four bytes a character decodes; what is not UTF-8 does not,
        // wherever it stops being UTF-8.
        let text = "pässwörd: 日本語 🔑 ok";
        assert_eq!(
            base64_text(b64(text).as_bytes()).as_deref(),
            Some(text.as_bytes())
        );
        for bad in [
            &b"user:pa\xc3(ss"[..],
            b"user:pass\xe6\x97",
            b"\xc0\xafuser:pass",
            b"user:\xbfpass",
            b"user:pass\xf8\x88\x80\x80\x80",
            b"user:\xed\xa0\x80pass",
        ] {
            assert_eq!(base64_text(b64_bytes(bad).as_bytes()), None, "{bad:?}");
        }
    }

    #[test]
    fn basic_header_maps_to_the_encoded_value() {
        let encoded = b64("deploy:Zq8wLm2vXr");
        let text = format!("curl -H 'Authorization: Basic {encoded}' https://x\n");
        let layers = decode_all(&text);
        let basic: Vec<&Layer> = layers
            .iter()
            .filter(|l| l.kind == ViewKind::BasicAuth)
            .collect();
        assert_eq!(basic.len(), 1);
        assert_eq!(basic[0].text, b"deploy:Zq8wLm2vXr\n");
        let at = text.find(&encoded).expect("in text");
        let (start, end, view) = basic[0].locate(7, 17).expect("inside");
        assert_eq!((start, end), (at, at + encoded.len()));
        assert!(view.authoritative);
    }

    #[test]
    fn basic_auth_fields_and_docker_auths() {
        let encoded = b64("ci:Zq8wLm2vXr");
        for text in [
            format!("basic_auth: {encoded}\n"),
            format!("\"basicAuth\" => \"Basic {encoded}\""),
            format!("{{\"auths\":{{\"r.io\":{{\"auth\":\"{encoded}\"}}}}}}"),
            format!("x = \"{{\\\"auth\\\": \\\"{encoded}\\\"}}\""),
        ] {
            let layers = decode_all(&text);
            assert!(
                layers
                    .iter()
                    .any(|l| l.kind == ViewKind::BasicAuth && l.text == b"ci:Zq8wLm2vXr\n"),
                "{text}"
            );
        }
        assert!(decode_all("Basic settings are here").is_empty());
    }

    #[test]
    fn kubernetes_data_values_read_with_their_key() {
        // Assembled here, so that this file holds no secret-looking literal.
        let value = ["s3cr3t", "Value"].join("-");
        let yaml = format!(
            "apiVersion: v1\nkind: Secret\ndata:\n  DB_PASSWORD: {}\n  'user': {}\nstringData:\n  x: {}\n---\nkind: ConfigMap\ndata:\n  p: {}\n",
            b64(&value),
            b64("app"),
            b64("plain"),
            b64("other"),
        );
        let values: Vec<Vec<u8>> = decode_all(&yaml)
            .into_iter()
            .filter(|l| l.kind == ViewKind::Values)
            .map(|l| l.text)
            .collect();
        let expected = format!("DB_PASSWORD: {value}\nuser: app\n");
        assert_eq!(values, [expected.into_bytes()]);
        let json = format!(
            "{{\"kind\": \"Secret\", \"data\": {{\"token\": \"{}\", \"n\": \"{}\"}}}}",
            b64("abc-def-ghi"),
            b64("x1")
        );
        let values: Vec<Vec<u8>> = decode_all(&json)
            .into_iter()
            .filter(|l| l.kind == ViewKind::Values)
            .map(|l| l.text)
            .collect();
        assert_eq!(values, [b"token: abc-def-ghi\nn: x1\n".to_vec()]);
    }

    #[test]
    fn percent_and_json_escapes_map_byte_for_byte() {
        let text = "go https://h/p?t=a%2Fb%2Bc&x=1 now";
        let layers = decode_all(text);
        assert_eq!(layers[0].text, b"https://h/p?t=a/b+c&x=1\n");
        let at = 14; // `a/b+c` in the view
        let (start, end, _) = layers[0].locate(at, at + 5).expect("inside");
        assert_eq!(&text[start..end], "a%2Fb%2Bc");

        let text = "s = \"{\\\"k\\\": \\u0041}\"";
        let layers = decode_all(text);
        assert_eq!(layers[0].text, b"s = \"{\"k\": A}\"\n");
        let (start, end, _) = layers[0].locate(11, 12).expect("inside");
        assert_eq!(&text[start..end], "\\u0041");
    }

    #[test]
    fn the_base64_mask_marks_the_bytes_sextet_reads() {
        let bytes: Vec<u8> = (0..=255).collect();
        for chunk in bytes.chunks(64) {
            let mask = base64_mask(chunk);
            for (i, &byte) in chunk.iter().enumerate() {
                assert_eq!(mask >> i & 1 == 1, sextet(byte).is_some(), "{byte:#04x}");
                assert_eq!(is_base64_byte(byte), sextet(byte).is_some(), "{byte:#04x}");
            }
        }
        assert_eq!(
            base64_mask(b"ab"),
            0b11,
            "a short chunk is padded with bytes that are not"
        );
    }

    /// The long runs found from masks are the ones reading every byte finds:
    /// over texts of runs of every length near the threshold, with padding and separators.
    #[test]
    fn long_runs_are_found_where_reading_every_byte_finds_them() {
        let every_byte = |text: &[u8]| {
            let mut runs = Vec::new();
            let mut at = 0;
            while at < text.len() {
                let chars = skip(&text[at..], is_base64_byte);
                if chars == 0 {
                    at += 1;
                    continue;
                }
                let chars_end = at + chars;
                let end = chars_end
                    + skip(&text[chars_end..(chars_end + 2).min(text.len())], |b| {
                        b == b'='
                    });
                if chars >= MIN_BASE64_RUN {
                    runs.push((at, end));
                }
                at = chars_end;
            }
            runs
        };
        let mut next = crate::testing::numbers(0x2545_f491_4f6c_dd1d_u64);
        let mut long = 0;
        for _ in 0..20_000 {
            let mut text = Vec::new();
            while text.len() < 300 {
                // Now and then a run longer than the 64 bytes read at a time.
                let run = match next(8) {
                    0 => next(200),
                    _ => next(2 * MIN_BASE64_RUN + 4),
                };
                text.extend((0..run).map(|i| b"aZ09+/_-"[(i + run) % 8]));
                text.extend_from_slice(&b"= .\"\n=="[next(6)..][..1 + next(2)]);
            }
            let mut probed = Vec::new();
            long_base64_runs(&text, |start, end| probed.push((start, end)));
            let expected = every_byte(&text);
            long += expected.len();
            assert_eq!(probed, expected, "{:?}", String::from_utf8_lossy(&text));
        }
        assert!(long > 20_000, "only {long} long runs");
    }

    #[test]
    fn bare_runs_decode_only_to_text() {
        let secret_line = "aws_secret_access_key = AbCdEfGh1234567890";
        let encoded = b64(secret_line);
        let layers = decode_all(&format!("blob: {encoded}\nother: {}\n", "QUFB".repeat(2)));
        assert_eq!(layers.len(), 1);
        assert_eq!(layers[0].text, format!("{secret_line}\n").into_bytes());
        assert!(!layers[0].views[0].authoritative);
    }

    #[test]
    fn the_budget_stops_decoding() {
        let text = format!("a {}\n", b64(&"k".repeat(300)));
        let mut budget = Budget::bytes(100);
        let layers = layers(
            text.as_bytes(),
            &Marks::searched_for(text.as_bytes()),
            DecodeOptions { json_escapes: true },
            &mut budget,
        );
        assert!(layers.is_empty());
        assert!(budget.exhausted());
    }
}
