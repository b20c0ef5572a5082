//! The settings document `install-hook --agent` edits: JSON read into a tree that keeps what
//! the user wrote, so that writing it back changes only the hook entries leakgate adds or
//! removes. Parsing into `serde_json::Value` would not: without serde_json's
//! `arbitrary_precision` a big integer (`12345678901234567890`) comes back as a float and `1.10`
//! as `1.1`, without `preserve_order` every object's keys come back sorted, and a string's
//! escapes (`"\u00e9"`) come back decoded. Turning those features on would change them for every
//! JSON output of the crate (reports, baselines) too, so this tree keeps each number, string,
//! `true`, `false` and `null` as its source text, and each object's members in their order
//! (duplicates included). Only the layout is rewritten: one member or item a line, indented
//! with the unit the file already uses.
//!
//! The text is first checked by serde_json (strict JSON, its depth limit, and the line and
//! column of the first error), so this parser only builds the tree; it still fails with an
//! error rather than panicking, and takes linear time.

use std::fmt::Write as _;

/// A JSON value as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    Object(Object),
    Array(Vec<Json>),
    /// A number, a string (with its quotes and escapes), `true`, `false` or `null`, exactly as
    /// written.
    Scalar(String),
}

/// An object's members in the order written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Object {
    members: Vec<Member>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Member {
    /// The key decoded, to look members up by.
    key: String,
    /// The key as written, to write it back.
    raw_key: String,
    value: Json,
}

/// Why the text is not a JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

/// Nesting deeper than this is refused (serde_json's own limit is 128, checked first).
const MAX_DEPTH: usize = 256;

impl Json {
    /// Parse a whole document.
    pub fn parse(bytes: &[u8]) -> Result<Json, ParseError> {
        if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            return Err(ParseError(format!(
                "invalid JSON at line {} column {}",
                e.line(),
                e.column()
            )));
        }
        let mut parser = Parser { bytes, at: 0 };
        let value = parser.value(0)?;
        parser.skip_space();
        if parser.at != bytes.len() {
            return Err(parser.error("text after the JSON value"));
        }
        Ok(value)
    }

    /// A string value.
    pub fn string(text: &str) -> Json {
        // Serialising a `str` cannot fail; the fallback keeps this total all the same.
        Json::Scalar(serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned()))
    }

    /// The text of a string value (`None` for anything else).
    pub fn as_str(&self) -> Option<String> {
        match self {
            Json::Scalar(raw) if raw.starts_with('"') => serde_json::from_str(raw).ok(),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Json::Object(object) => Some(object),
            _ => None,
        }
    }

    pub fn as_object_mut(&mut self) -> Option<&mut Object> {
        match self {
            Json::Object(object) => Some(object),
            _ => None,
        }
    }

    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Json>> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The document as text: one member or item a line, each level indented by `indent`,
    /// `{}` and `[]` when empty (the layout of `serde_json::to_string_pretty`).
    pub fn to_text(&self, indent: &str) -> String {
        let mut out = String::new();
        self.write(&mut out, indent, 0);
        out
    }

    fn write(&self, out: &mut String, indent: &str, depth: usize) {
        let pad = |out: &mut String, depth: usize| {
            out.push('\n');
            for _ in 0..depth {
                out.push_str(indent);
            }
        };
        match self {
            Json::Scalar(raw) => out.push_str(raw),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(object) if object.members.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    pad(out, depth + 1);
                    item.write(out, indent, depth + 1);
                }
                pad(out, depth);
                out.push(']');
            }
            Json::Object(object) => {
                out.push('{');
                for (n, member) in object.members.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    pad(out, depth + 1);
                    let _ = write!(out, "{}: ", member.raw_key);
                    member.value.write(out, indent, depth + 1);
                }
                pad(out, depth);
                out.push('}');
            }
        }
    }
}

impl Object {
    pub fn new() -> Self {
        Object::default()
    }

    /// The value of `key` (its last member when the key is repeated, as JavaScript's
    /// `JSON.parse`, which the agents use, keeps the last).
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.members
            .iter()
            .rev()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        self.members
            .iter_mut()
            .rev()
            .find(|m| m.key == key)
            .map(|m| &mut m.value)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.members.iter().any(|m| m.key == key)
    }

    /// Set `key`: its (last) member's value is replaced in place, or a member is added at the
    /// end.
    pub fn insert(&mut self, key: &str, value: Json) {
        match self.get_mut(key) {
            Some(slot) => *slot = value,
            None => self.push(key, value),
        }
    }

    /// Add a member at the end.
    pub fn push(&mut self, key: &str, value: Json) {
        let raw_key = match Json::string(key) {
            Json::Scalar(raw) => raw,
            _ => String::new(),
        };
        self.members.push(Member {
            key: key.to_owned(),
            raw_key,
            value,
        });
    }

    /// The value of `key`, added (from `make`) when the object has none.
    pub fn get_or_insert_with(&mut self, key: &str, make: impl FnOnce() -> Json) -> &mut Json {
        if !self.contains_key(key) {
            self.push(key, make());
        }
        // Present now: the member pushed above or the one found.
        let at = self
            .members
            .iter()
            .rposition(|m| m.key == key)
            .unwrap_or(self.members.len().saturating_sub(1));
        &mut self.members[at].value
    }

    /// Remove the member of `key` that [`Object::get`] sees (the last when it is repeated).
    pub fn remove(&mut self, key: &str) {
        if let Some(at) = self.members.iter().rposition(|m| m.key == key) {
            self.members.remove(at);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The members as (decoded key, value), in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json)> {
        self.members.iter().map(|m| (m.key.as_str(), &m.value))
    }
}

/// The indentation unit of a document's text: the leading white space of its first indented
/// line (two spaces for a document on one line).
pub fn indent_of(text: &[u8]) -> String {
    for line in text.split(|b| *b == b'\n').skip(1) {
        let width = line
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        let rest = &line[width..];
        if width > 0 && rest.iter().any(|b| !b.is_ascii_whitespace()) {
            return String::from_utf8_lossy(&line[..width]).into_owned();
        }
    }
    "  ".to_owned()
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> ParseError {
        ParseError(format!("{what} at byte {}", self.at))
    }

    fn skip_space(&mut self) {
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) -> Result<(), ParseError> {
        self.skip_space();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", byte as char)))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.skip_space();
        match self.peek() {
            Some(b'{') => {
                self.at += 1;
                let mut object = Object::new();
                self.skip_space();
                if self.peek() == Some(b'}') {
                    self.at += 1;
                    return Ok(Json::Object(object));
                }
                loop {
                    self.skip_space();
                    let raw_key = self.string()?;
                    let key = serde_json::from_str(&raw_key)
                        .map_err(|_| self.error("a key that is not a string"))?;
                    self.expect(b':')?;
                    let value = self.value(depth + 1)?;
                    object.members.push(Member {
                        key,
                        raw_key,
                        value,
                    });
                    self.skip_space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return Ok(Json::Object(object));
                        }
                        _ => return Err(self.error("expected `,` or `}`")),
                    }
                }
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.skip_space();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.skip_space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Json::Array(items));
                        }
                        _ => return Err(self.error("expected `,` or `]`")),
                    }
                }
            }
            Some(b'"') => Ok(Json::Scalar(self.string()?)),
            Some(_) => {
                let start = self.at;
                while self.peek().is_some_and(|b| {
                    !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}' | b':')
                }) {
                    self.at += 1;
                }
                if self.at == start {
                    return Err(self.error("expected a value"));
                }
                self.text(start).map(|raw| Json::Scalar(raw.to_owned()))
            }
            None => Err(self.error("expected a value")),
        }
    }

    /// A string literal, quotes and escapes included, as written.
    fn string(&mut self) -> Result<String, ParseError> {
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a string"));
        }
        let start = self.at;
        self.at += 1;
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return self.text(start).map(str::to_owned);
                }
                // The escaped character cannot end the string.
                Some(b'\\') => self.at += 2,
                Some(_) => self.at += 1,
                None => return Err(self.error("an unterminated string")),
            }
        }
    }

    fn text(&self, start: usize) -> Result<&str, ParseError> {
        self.bytes
            .get(start..self.at)
            .and_then(|b| std::str::from_utf8(b).ok())
            .ok_or_else(|| self.error("text that is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_comes_back_as_written_but_for_layout() {
        let text = "{\n    \"z\": 12345678901234567890,\n    \"a\": [1.10, -0.0, 1e400, \"\\u00e9\\/\"],\n    \"m\": {}, \"e\": [], \"a\": true\n}";
        let json = Json::parse(text.as_bytes()).expect("parses");
        assert_eq!(indent_of(text.as_bytes()), "    ");
        assert_eq!(
            json.to_text("    "),
            "{\n    \"z\": 12345678901234567890,\n    \"a\": [\n        1.10,\n        -0.0,\n        1e400,\n        \"\\u00e9\\/\"\n    ],\n    \"m\": {},\n    \"e\": [],\n    \"a\": true\n}"
        );
        let object = json.as_object().expect("object");
        assert_eq!(object.get("a"), Some(&Json::Scalar("true".to_owned())));
        let Some((_, Json::Array(items))) = object.iter().nth(1) else {
            panic!("the second member is the list");
        };
        assert_eq!(items.get(3).and_then(Json::as_str), Some("é/".to_owned()));
    }

    #[test]
    fn bad_documents_fail_with_a_position_never_a_panic() {
        for bad in [
            "",
            "{",
            "{\"a\":}",
            "[1,]",
            "\"\\",
            "{\"a\":1}x",
            "\u{feff}{}",
        ] {
            assert!(Json::parse(bad.as_bytes()).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(100_000);
        assert!(Json::parse(deep.as_bytes()).is_err());
        assert_eq!(
            Json::parse(b"{ \"version\": 1, \"hooks\": "),
            Err(ParseError("invalid JSON at line 1 column 25".to_owned()))
        );
    }
}
