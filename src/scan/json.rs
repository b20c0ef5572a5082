//! JSON awareness: find every string (key or value) in a JSON, JSON Lines or notebook file with
//! its byte range and JSON pointer, and decode JSON escapes while remembering where each decoded
//! byte came from.
//!
//! Secrets in agent journals and transcripts sit inside JSON strings, often escaped (`\n` inside
//! a PEM key, `\u0073` for `s`, `\"password\": \"…\"` inside a command line), where a regex over
//! the raw bytes cannot see them. The scanner decodes such strings, scans the decoded text with
//! the same rules, and maps each match back to the original line and column.
//!
//! The lexer is iterative (an explicit stack, so deeply nested input cannot overflow), accepts
//! several top-level values (JSON Lines), and reports the first syntax error with its offset
//! instead of giving up on the file: the raw bytes are scanned either way. No crate offers the
//! decoded-to-raw offset map this needs, which is why this is written here.
//!
//! Pointers are built on demand, not while lexing: each recorded string holds a node of a tree
//! of path segments (shared by every string below the same member), and [`Lexed::pointer`]
//! walks it up. Lexing is linear in the input however deep it nests, and only the strings that
//! hold a finding pay for a pointer.

/// One string token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonString {
    /// Byte range of the string's contents, between the quotes.
    pub start: usize,
    pub end: usize,
    pub is_key: bool,
    /// Whether the contents hold a backslash escape (so decoding changes them).
    pub escaped: bool,
    /// Path to the value in its document (for a key, the member it names), as a node of
    /// [`Lexed`]'s segment tree: see [`Lexed::pointer`].
    path: PathId,
}

/// A node of the segment tree: [`ROOT`], or an index into `Lexed::nodes`.
type PathId = u32;
const ROOT: PathId = PathId::MAX;

/// One segment of a path and the path it extends.
#[derive(Debug, Clone, Copy)]
struct PathNode {
    parent: PathId,
    segment: Segment,
}

#[derive(Debug, Clone, Copy)]
enum Segment {
    /// An object member: the byte range of its key's contents, decoded when a pointer is built.
    Key {
        start: usize,
        end: usize,
    },
    Index(usize),
}

/// Pointers deeper than this keep their first and last [`POINTER_KEEP`] segments with `…`
/// between them: a pointer names a place for a reader, and a document nested 40,000 deep must
/// not turn each finding into 100 KB of output.
const POINTER_MAX_SEGMENTS: usize = 64;
const POINTER_KEEP: usize = 16;

/// A syntax error: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub offset: usize,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Lexed {
    /// The recorded strings, in file order.
    pub strings: Vec<JsonString>,
    /// Syntax errors; in JSON Lines mode, at most one per line.
    pub errors: Vec<JsonError>,
    nodes: Vec<PathNode>,
}

impl Lexed {
    /// The JSON pointer (RFC 6901) of `self.strings[string]` in `data` (the lexed bytes). Each
    /// key segment is decoded and passed through `shown` (which masks what must not be printed)
    /// before it is escaped. Costs the string's depth, capped at [`POINTER_MAX_SEGMENTS`].
    pub fn pointer(&self, data: &[u8], string: usize, shown: impl Fn(&[u8]) -> String) -> String {
        let mut segments: Vec<Segment> = Vec::new();
        let mut node = self.strings.get(string).map_or(ROOT, |s| s.path);
        while let Some(step) = self.nodes.get(node as usize) {
            segments.push(step.segment);
            node = step.parent;
        }
        segments.reverse();
        let mut out = String::new();
        let elided = segments.len() > POINTER_MAX_SEGMENTS;
        for (i, segment) in segments.iter().enumerate() {
            if elided && i >= POINTER_KEEP && i < segments.len() - POINTER_KEEP {
                if i == POINTER_KEEP {
                    out.push_str("/…");
                }
                continue;
            }
            out.push('/');
            match *segment {
                Segment::Key { start, end } => {
                    let key = shown(&decode(&data[start..end]).0);
                    out.push_str(&key.replace('~', "~0").replace('/', "~1"));
                }
                Segment::Index(index) => out.push_str(&index.to_string()),
            }
        }
        out
    }
}

enum Frame {
    Object {
        /// The byte range of the current member's key.
        key: Option<(usize, usize)>,
        expect: Expect,
        /// The path node of the current member, once something needed it.
        path: Option<PathId>,
    },
    Array {
        index: usize,
        expect: Expect,
        path: Option<PathId>,
    },
}

impl Frame {
    fn path(&self) -> Option<PathId> {
        match self {
            Frame::Object { path, .. } | Frame::Array { path, .. } => *path,
        }
    }

    fn segment(&self) -> Segment {
        match self {
            Frame::Object { key, .. } => {
                let (start, end) = key.unwrap_or((0, 0));
                Segment::Key { start, end }
            }
            Frame::Array { index, .. } => Segment::Index(*index),
        }
    }
}

/// The path node of the value being read: the frames whose node is not built yet (the top,
/// after its key or index moved on, and any frame above the last one built) get one now. Each
/// frame's segment is built at most once, so this is linear over a whole file.
fn current_path(stack: &mut [Frame], nodes: &mut Vec<PathNode>) -> PathId {
    let built = stack.iter().rposition(|f| f.path().is_some());
    let mut parent = built.and_then(|i| stack[i].path()).unwrap_or(ROOT);
    let from = built.map_or(0, |i| i + 1);
    for frame in &mut stack[from..] {
        nodes.push(PathNode {
            parent,
            segment: frame.segment(),
        });
        parent = PathId::try_from(nodes.len() - 1).unwrap_or(ROOT);
        match frame {
            Frame::Object { path, .. } | Frame::Array { path, .. } => *path = Some(parent),
        }
    }
    parent
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Object: a key or `}`; array: a value or `]`.
    First,
    Key,
    Colon,
    Value,
    CommaOrEnd,
}

/// Options for [`lex`].
#[derive(Debug, Clone, Copy, Default)]
pub struct LexOptions<'a> {
    /// JSON Lines: a syntax error skips to the next line instead of ending the file.
    pub lines: bool,
    /// Only strings that hold escapes (to decode) and strings holding one of `wanted` are
    /// recorded: the cheap mode for big files.
    pub escaped_only: bool,
    /// Sorted byte offsets (raw matches) whose strings are recorded too.
    pub wanted: &'a [usize],
}

/// Lex `data`, recording strings. Strings with escapes and strings holding a `wanted` offset
/// are always recorded; with `escaped_only` off, every string is.
pub fn lex(data: &[u8], options: LexOptions<'_>) -> Lexed {
    // `wanted` offsets before this index lie before the current string.
    let mut next_wanted = 0;
    let mut out = Lexed::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let len = data.len();
    macro_rules! fail {
        ($message:expr) => {{
            out.errors.push(JsonError {
                offset: i.min(len),
                message: $message.to_string(),
            });
            if !options.lines {
                return out;
            }
            // Skip to the next line and start a fresh document.
            stack.clear();
            i = memchr::memchr(b'\n', &data[i.min(len)..]).map_or(len, |n| i + n + 1);
            continue;
        }};
    }
    while i < len {
        let byte = data[i];
        if byte == b'\n' && options.lines && !stack.is_empty() {
            // JSON Lines: each line is one document; a line that ends inside a value is cut
            // short, and the next line starts afresh.
            out.errors.push(JsonError {
                offset: i,
                message: "line ends inside a value (truncated?)".into(),
            });
            stack.clear();
            i += 1;
            continue;
        }
        if matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
            continue;
        }
        // Comments, as in JSONC (tsconfig.json, .vscode/*.json): skipped like white space.
        if byte == b'/' && data.get(i + 1) == Some(&b'/') {
            i = memchr::memchr(b'\n', &data[i..]).map_or(len, |n| i + n);
            continue;
        }
        if byte == b'/' && data.get(i + 1) == Some(&b'*') {
            i = memchr::memmem::find(&data[i + 2..], b"*/").map_or(len, |n| i + 2 + n + 2);
            continue;
        }
        // What the enclosing container expects now.
        let expect = match stack.last() {
            Some(Frame::Object { expect, .. }) | Some(Frame::Array { expect, .. }) => Some(*expect),
            None => None,
        };
        match byte {
            b'"' => {
                let start = i + 1;
                let (end, escaped) = match string_end(data, start) {
                    Some(found) => found,
                    None => fail!("unterminated string"),
                };
                let is_key = matches!(
                    stack.last(),
                    Some(Frame::Object {
                        expect: Expect::First | Expect::Key,
                        ..
                    })
                );
                if is_key {
                    if let Some(Frame::Object {
                        key: slot,
                        expect,
                        path,
                    }) = stack.last_mut()
                    {
                        *slot = Some((start, end));
                        *expect = Expect::Colon;
                        *path = None;
                    }
                } else if !value_allowed(expect) {
                    fail!("unexpected string");
                } else {
                    after_value(&mut stack);
                }
                while options.wanted.get(next_wanted).is_some_and(|&w| w < start) {
                    next_wanted += 1;
                }
                let wanted = options.wanted.get(next_wanted).is_some_and(|&w| w <= end);
                if escaped || wanted || !options.escaped_only {
                    let path = current_path(&mut stack, &mut out.nodes);
                    out.strings.push(JsonString {
                        start,
                        end,
                        is_key,
                        escaped,
                        path,
                    });
                }
                i = end + 1;
            }
            b'{' | b'[' => {
                if !value_allowed(expect) {
                    fail!(format!("unexpected `{}`", byte as char));
                }
                stack.push(if byte == b'{' {
                    Frame::Object {
                        key: None,
                        expect: Expect::First,
                        path: None,
                    }
                } else {
                    Frame::Array {
                        index: 0,
                        expect: Expect::First,
                        path: None,
                    }
                });
                i += 1;
            }
            b'}' | b']' => {
                // A trailing comma (`[1, 2,]`) is tolerated, as JSONC allows.
                let closes = match stack.last() {
                    Some(Frame::Object {
                        expect: Expect::First | Expect::CommaOrEnd | Expect::Key,
                        ..
                    }) => byte == b'}',
                    Some(Frame::Array {
                        expect: Expect::First | Expect::CommaOrEnd | Expect::Value,
                        ..
                    }) => byte == b']',
                    _ => false,
                };
                if !closes {
                    fail!(format!("unexpected `{}`", byte as char));
                }
                stack.pop();
                after_value(&mut stack);
                i += 1;
            }
            b':' => {
                match stack.last_mut() {
                    Some(Frame::Object {
                        expect: expect @ Expect::Colon,
                        ..
                    }) => *expect = Expect::Value,
                    _ => fail!("unexpected `:`"),
                }
                i += 1;
            }
            b',' => {
                match stack.last_mut() {
                    Some(Frame::Object {
                        expect: expect @ Expect::CommaOrEnd,
                        ..
                    }) => *expect = Expect::Key,
                    Some(Frame::Array {
                        expect: expect @ Expect::CommaOrEnd,
                        index,
                        path,
                    }) => {
                        *expect = Expect::Value;
                        *index += 1;
                        *path = None;
                    }
                    _ => fail!("unexpected `,`"),
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                if !value_allowed(expect) {
                    fail!("unexpected value");
                }
                let literal = data[i..]
                    .iter()
                    .take_while(|b| !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                    .count();
                let word = &data[i..i + literal];
                let valid = matches!(word, b"true" | b"false" | b"null")
                    || (!word.is_empty()
                        && word.iter().all(|b| {
                            b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')
                        }));
                if !valid {
                    fail!("invalid literal");
                }
                after_value(&mut stack);
                i += literal;
            }
            _ if byte.is_ascii_graphic() => fail!(format!("unexpected `{}`", byte as char)),
            _ => fail!(format!("unexpected byte 0x{byte:02x}")),
        }
    }
    if !stack.is_empty() {
        out.errors.push(JsonError {
            offset: len,
            message: "unexpected end of input (truncated?)".into(),
        });
    }
    out
}

fn value_allowed(expect: Option<Expect>) -> bool {
    matches!(expect, None | Some(Expect::Value) | Some(Expect::First))
}

/// A value ended: the container now expects a comma or its end.
fn after_value(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Object { expect, .. }) | Some(Frame::Array { expect, .. }) => {
            *expect = Expect::CommaOrEnd
        }
        None => {}
    }
}

/// The end (closing quote) of a string whose contents start at `start`, and whether it holds
/// escapes.
fn string_end(data: &[u8], start: usize) -> Option<(usize, bool)> {
    let mut i = start;
    let mut escaped = false;
    loop {
        let n = memchr::memchr2(b'"', b'\\', &data[i..])?;
        i += n;
        if data[i] == b'"' {
            return Some((i, escaped));
        }
        escaped = true;
        i += 2;
        if i > data.len() {
            return None;
        }
    }
}

/// Decode a string's contents. Returns the bytes and, for each decoded byte, the offset (in
/// `raw`) where the text producing it starts, plus one final entry for the end. Lone surrogates
/// become U+FFFD; a bad escape is kept as written.
pub fn decode(raw: &[u8]) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len() + 1);
    let mut i = 0;
    let push = |bytes: &[u8], at: usize, out: &mut Vec<u8>, map: &mut Vec<usize>| {
        out.extend_from_slice(bytes);
        map.extend(std::iter::repeat_n(at, bytes.len()));
    };
    while i < raw.len() {
        if raw[i] != b'\\' || i + 1 >= raw.len() {
            push(&raw[i..i + 1], i, &mut out, &mut map);
            i += 1;
            continue;
        }
        let simple = match raw[i + 1] {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(8),
            b'f' => Some(12),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            _ => None,
        };
        if let Some(byte) = simple {
            push(&[byte], i, &mut out, &mut map);
            i += 2;
            continue;
        }
        if raw[i + 1] == b'u'
            && let Some(unit) = hex4(raw, i + 2)
        {
            let (c, used) = if (0xD800..0xDC00).contains(&unit)
                && raw.get(i + 6..i + 8) == Some(b"\\u")
                && let Some(low) = hex4(raw, i + 8).filter(|low| (0xDC00..0xE000).contains(low))
            {
                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                (char::from_u32(code).unwrap_or('\u{fffd}'), 12)
            } else {
                (char::from_u32(unit).unwrap_or('\u{fffd}'), 6)
            };
            let mut buf = [0u8; 4];
            push(c.encode_utf8(&mut buf).as_bytes(), i, &mut out, &mut map);
            i += used;
            continue;
        }
        // Not a valid escape: keep it as written.
        push(&raw[i..i + 2], i, &mut out, &mut map);
        i += 2;
    }
    map.push(raw.len());
    (out, map)
}

/// Decode, then decode again while the text still holds JSON escapes (JSON in a string in JSON,
/// as tool inputs in agent transcripts are), three levels at most. The map points into `raw`.
pub fn decode_nested(raw: &[u8]) -> (Vec<u8>, Vec<usize>) {
    let (mut text, mut map) = decode(raw);
    for _ in 0..2 {
        let escaped = memchr::memmem::find(&text, b"\\\"").is_some()
            || memchr::memmem::find(&text, b"\\n").is_some();
        if !escaped {
            break;
        }
        let (inner, inner_map) = decode(&text);
        map = inner_map.iter().map(|&i| map[i]).collect();
        text = inner;
    }
    (text, map)
}

fn hex4(raw: &[u8], at: usize) -> Option<u32> {
    let digits = raw.get(at..at + 4)?;
    std::str::from_utf8(digits)
        .ok()
        .and_then(|d| u32::from_str_radix(d, 16).ok())
}

/// Is this path one whose content is JSON (documents, JSON Lines, notebooks, journal temp files)?
pub fn json_kind(path: &str) -> Option<LexOptions<'static>> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.contains(".jsonl.") {
        return Some(LexOptions {
            lines: true,
            escaped_only: true,
            wanted: &[],
        });
    }
    if name.ends_with(".json")
        || name.ends_with(".ipynb")
        || name.contains(".json.tmp-")
        || name.ends_with(".har")
    {
        return Some(LexOptions {
            lines: false,
            escaped_only: true,
            wanted: &[],
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(data: &str) -> Lexed {
        lex(data.as_bytes(), LexOptions::default())
    }

    fn pointer(lexed: &Lexed, data: &[u8], string: usize) -> String {
        lexed.pointer(data, string, |key| {
            String::from_utf8_lossy(key).into_owned()
        })
    }

    #[test]
    fn pointers_for_keys_and_values() {
        let data = br#"{"a": {"b": ["x", {"c/d": "y"}]}, "e~": "z"}"#;
        let lexed = lex(data, LexOptions::default());
        assert!(lexed.errors.is_empty());
        let values: Vec<_> = lexed
            .strings
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.is_key)
            .map(|(i, _)| pointer(&lexed, data, i))
            .collect();
        assert_eq!(values, ["/a/b/0", "/a/b/1/c~1d", "/e~0"]);
        let keys: Vec<_> = lexed
            .strings
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_key)
            .map(|(i, _)| pointer(&lexed, data, i))
            .collect();
        assert_eq!(
            keys,
            ["/a", "/a/b", "/a/b/1/c~1d", "/e~0"],
            "a key names its member"
        );
    }

    #[test]
    fn decode_maps_back_to_raw_offsets() {
        let raw = br#"a\n\u0073\"\ud83d\ude00b"#;
        let (decoded, map) = decode(raw);
        assert_eq!(decoded, "a\ns\"😀b".as_bytes());
        assert_eq!(map[1], 1); // \n starts at 1
        assert_eq!(map[2], 3); // \u0073 starts at 3
        assert_eq!(map.last().copied(), Some(raw.len()));
        assert_eq!(
            decode(br"\ud800x").0,
            "\u{fffd}x".as_bytes(),
            "lone surrogate"
        );
    }

    #[test]
    fn nested_escapes_decode_to_the_innermost_text() {
        let raw = br#"cmd \"x\" \n"#;
        let (text, map) = decode_nested(raw);
        assert_eq!(text, b"cmd \"x\" \n");
        assert_eq!(map[4], 4, "the inner quote maps to where its escape starts");
        assert_eq!(map.last().copied(), Some(raw.len()));
    }

    #[test]
    fn errors_have_offsets_and_jsonl_goes_on() {
        let lexed = all(r#"{"a": "b""#);
        assert_eq!(lexed.errors.len(), 1);
        let data = b"{\"a\": 1}\n{\"b\": \n{\"c\": \"d\\n\"}\n";
        let lines = lex(
            data,
            LexOptions {
                lines: true,
                escaped_only: true,
                wanted: &[],
            },
        );
        assert_eq!(
            lines.errors[0].offset, 15,
            "the error is at the end of the cut line"
        );
        assert_eq!(lines.errors.len(), 1, "{:?}", lines.errors);
        assert_eq!(lines.strings.len(), 1, "the third line is still read");
        assert_eq!(pointer(&lines, data, 0), "/c");
    }

    #[test]
    fn comments_and_trailing_commas_are_tolerated() {
        let lexed = all("{\n  // a comment\n  \"a\": [1, 2,], /* more */ \"b\": \"c\",\n}");
        assert!(lexed.errors.is_empty(), "{:?}", lexed.errors);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
        assert!(all(&deep).errors.is_empty());
    }

    #[test]
    fn deep_pointers_share_their_path_and_are_shortened() {
        let depth = 100_000;
        let data = format!("{}\"x\"{}", "{\"k\":".repeat(depth), "}".repeat(depth));
        let lexed = all(&data);
        assert!(lexed.errors.is_empty());
        assert_eq!(lexed.strings.len(), depth + 1);
        assert_eq!(lexed.nodes.len(), depth, "one node per member, shared");
        let deepest = pointer(&lexed, data.as_bytes(), depth);
        assert_eq!(
            deepest,
            format!(
                "{}/…{}",
                "/k".repeat(POINTER_KEEP),
                "/k".repeat(POINTER_KEEP)
            )
        );
    }

    #[test]
    fn only_wanted_and_escaped_strings_are_recorded() {
        let data = br#"{"a": "plain", "b": "esc\n", "c": ["x", "hit"]}"#;
        let hit = memchr::memmem::find(data, b"hit").expect("in the data") + 1;
        let lexed = lex(
            data,
            LexOptions {
                escaped_only: true,
                wanted: &[hit],
                ..LexOptions::default()
            },
        );
        let recorded: Vec<String> = (0..lexed.strings.len())
            .map(|i| pointer(&lexed, data, i))
            .collect();
        assert_eq!(recorded, ["/b", "/c/1"]);
    }
}
