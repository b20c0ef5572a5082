//! Masking for configuration errors. A configuration file holds values that may be secrets
//! (allowlist regexes and stopwords copied from real findings, custom rule examples), and an
//! error shows the file around the problem. So an error shows a masked copy instead: keys,
//! table headers, punctuation, quotes and whitespace are kept, and every value character and
//! comment character becomes `*`, byte for byte, so that line, column and span stay exact. Keys
//! that look like credentials are masked too. The error's message is cleaned the same way: any
//! value of the file (raw or decoded) that it quotes is masked.
//!
//! The masker is a tolerant lexer, not a parser: it must also handle the broken text that caused
//! the error (an unterminated string masks to the end of its line, or of the file for a
//! multi-line one).

/// Keys estimated at or above this many bits are treated as pasted credentials, not names.
const SECRET_SHAPED_KEY_BITS: f64 = 60.0;
/// Values that every report prints anyway (a rule's id and description name it in each
/// finding): kept, so an error can say which rule it is about.
const SHOWN_VALUES_OF: [&str; 2] = ["id", "description"];
/// Quoted text this short carries too little to be a secret and is kept in messages (`high`).
const SHORTEST_HIDDEN: usize = 4;

/// A configuration text with its values masked, and what the mask hid.
#[derive(Debug, Default)]
pub struct Masked {
    pub text: String,
    /// Raw value texts and credential-shaped keys that were masked, for cleaning messages.
    pub hidden: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Key,
    Value,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Nest {
    Array,
    Table,
}

/// Mask the values of a TOML text (valid or not).
pub fn mask_toml(text: &str) -> Masked {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut hidden = Vec::new();
    let mut nest: Vec<Nest> = Vec::new();
    let mut expect = Expect::Key;
    // The last key read, to know whether its value is one of [`SHOWN_VALUES_OF`].
    let mut key = String::new();
    let mut at = 0;
    let masked = |out: &mut Vec<u8>, from: usize, to: usize| push_masked(out, &bytes[from..to]);
    while at < bytes.len() {
        let byte = bytes[at];
        match byte {
            b'\n' => {
                out.push(byte);
                at += 1;
                // A new line ends a statement unless we are inside an array or inline table
                // (arrays may span lines).
                if nest.is_empty() {
                    expect = Expect::Key;
                }
            }
            b' ' | b'\t' | b'\r' => {
                out.push(byte);
                at += 1;
            }
            b'#' => {
                let end = line_end(bytes, at);
                out.push(b'#');
                masked(&mut out, at + 1, end);
                at = end;
            }
            b'[' if expect == Expect::Key && nest.is_empty() => {
                // A table header: `[a.b]` or `[[a.b]]`; its names are keys.
                let end = line_end(bytes, at);
                let close = bytes[at..end]
                    .iter()
                    .position(|&b| b == b']')
                    .map_or(end, |i| {
                        let after = at + i + 1;
                        if bytes.get(after) == Some(&b']') {
                            after + 1
                        } else {
                            after
                        }
                    });
                keep_key(&mut out, &mut hidden, text, at, close);
                at = close;
            }
            b'=' => {
                out.push(byte);
                at += 1;
                expect = Expect::Value;
            }
            b'[' if expect == Expect::Value => {
                out.push(byte);
                at += 1;
                nest.push(Nest::Array);
            }
            b'{' if expect == Expect::Value => {
                out.push(byte);
                at += 1;
                nest.push(Nest::Table);
                expect = Expect::Key;
            }
            b']' | b'}' => {
                out.push(byte);
                at += 1;
                nest.pop();
                // Inside an array more values follow; anywhere else the next `,` or line break
                // says what comes next, and junk after a complete value is masked as a value.
                expect = match nest.last() {
                    Some(Nest::Table) => Expect::Key,
                    Some(Nest::Array) | None => Expect::Value,
                };
            }
            b',' => {
                out.push(byte);
                at += 1;
                expect = match nest.last() {
                    Some(Nest::Table) => Expect::Key,
                    _ => Expect::Value,
                };
            }
            b'"' | b'\'' => {
                let (open, end, close) = string_bounds(bytes, at);
                out.extend_from_slice(&bytes[at..at + open]);
                let content = (at + open, end);
                if expect == Expect::Key {
                    keep_key(&mut out, &mut hidden, text, content.0, content.1);
                    key = text[content.0..content.1].to_owned();
                } else if nest.is_empty() && SHOWN_VALUES_OF.contains(&key.as_str()) {
                    out.extend_from_slice(&bytes[content.0..content.1]);
                } else {
                    masked(&mut out, content.0, content.1);
                    hidden.push(text[content.0..content.1].to_owned());
                }
                out.extend_from_slice(&bytes[end..close]);
                at = close;
            }
            _ if expect == Expect::Key => {
                let end = bare_end(bytes, at, b"=#[]{},\"'\n");
                // Dotted and spaced keys keep their dots and spaces.
                keep_key(&mut out, &mut hidden, text, at, end.max(at + 1));
                key = text[at..end.max(at + 1)]
                    .rsplit('.')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                at = end.max(at + 1);
            }
            _ => {
                let end = bare_end(bytes, at, b"#,]}\n \t\r").max(at + 1);
                masked(&mut out, at, end);
                hidden.push(text[at..end].to_owned());
                at = end;
            }
        }
    }
    hidden.retain(|h| h.len() >= SHORTEST_HIDDEN);
    Masked {
        // Masking replaces whole bytes of non-ASCII characters with ASCII, and keeps ASCII
        // bytes, so the result is valid UTF-8; the fallback never runs.
        text: String::from_utf8(out).unwrap_or_default(),
        hidden,
    }
}

/// Copy a key (or table header) as it is, unless it looks like a credential: then mask it.
fn keep_key(out: &mut Vec<u8>, hidden: &mut Vec<String>, text: &str, from: usize, to: usize) {
    let key = &text.as_bytes()[from..to];
    let looks_secret = key
        .split(|b| matches!(b, b'.' | b' ' | b'[' | b']' | b'"' | b'\'' | b'\t'))
        .any(|part| crate::fingerprint::estimated_bits(part) >= SECRET_SHAPED_KEY_BITS);
    if looks_secret {
        push_masked(out, key);
        hidden.push(text[from..to].trim().to_owned());
    } else {
        out.extend_from_slice(key);
    }
}

/// `bytes` masked: each byte `*`, line breaks (and other whitespace) kept where they are.
fn push_masked(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend(bytes.iter().map(|&byte| {
        if byte.is_ascii_whitespace() {
            byte
        } else {
            b'*'
        }
    }));
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |i| from + i)
}

/// Where a bare word starting at `from` ends: at the first byte in `stops`, or a non-ASCII
/// boundary never splits a character because stops are ASCII.
fn bare_end(bytes: &[u8], from: usize, stops: &[u8]) -> usize {
    bytes[from..]
        .iter()
        .position(|b| stops.contains(b))
        .map_or(bytes.len(), |i| from + i)
}

/// For a string starting at `at`: the length of its opening delimiter, where its content ends,
/// and where the string ends (after the closing delimiter, if any). Unterminated strings run to
/// the end of the line (single-line) or of the text (multi-line).
fn string_bounds(bytes: &[u8], at: usize) -> (usize, usize, usize) {
    let quote = bytes[at];
    let triple = bytes.get(at..at + 3) == Some(&[quote, quote, quote][..]);
    let open = if triple { 3 } else { 1 };
    let basic = quote == b'"';
    let mut i = at + open;
    while i < bytes.len() {
        let byte = bytes[i];
        if basic && byte == b'\\' {
            i += 2;
            continue;
        }
        if !triple && byte == b'\n' {
            return (open, i, i);
        }
        if byte == quote {
            if !triple {
                return (open, i, i + 1);
            }
            if bytes.get(i..i + 3) == Some(&[quote, quote, quote][..]) {
                // Up to two quotes may end the content itself: `""""` closes after one.
                let mut end = i;
                while bytes.get(end + 3) == Some(&quote) && end - i < 2 {
                    end += 1;
                }
                return (open, end, end + 3);
            }
        }
        i += 1;
    }
    let end = i.min(bytes.len());
    (open, end, end)
}

/// Every string in a parsed configuration (decoded: escapes resolved), and every key that looks
/// like a credential: what a message must not quote.
pub fn decoded_values(text: &str) -> Vec<String> {
    fn walk(value: &toml::Value, out: &mut Vec<String>) {
        match value {
            toml::Value::String(s) => out.push(s.clone()),
            toml::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            toml::Value::Table(table) => {
                for (key, v) in table {
                    if crate::fingerprint::estimated_bits(key.as_bytes()) >= SECRET_SHAPED_KEY_BITS
                    {
                        out.push(key.clone());
                    }
                    if !(SHOWN_VALUES_OF.contains(&key.as_str()) && v.is_str()) {
                        walk(v, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(value) = text.parse::<toml::Table>() {
        walk(&toml::Value::Table(value), &mut out);
    }
    out.retain(|h| h.len() >= SHORTEST_HIDDEN);
    out
}

/// A message safe to print: every hidden text it contains is masked, a regex error's rendering
/// of the pattern is cut to its last line, and anything serde quotes as a string value
/// (`string "…"`) is masked whatever it is.
pub fn clean_message(message: &str, hidden: &[String]) -> String {
    let mut message = one_line_regex_error(message);
    let mut hidden: Vec<&String> = hidden.iter().collect();
    hidden.sort_by_key(|h| std::cmp::Reverse(h.len()));
    for h in hidden {
        if message.contains(h.as_str()) {
            message = message.replace(h.as_str(), &"*".repeat(h.chars().count().min(12)));
        }
    }
    mask_quoted_strings(&message)
}

/// `regex parse error:\n    <pattern>\n    ^^^\nerror: unclosed group` → `error: unclosed group`
/// (with what came before `regex parse error:` kept).
fn one_line_regex_error(message: &str) -> String {
    match message.find("regex parse error:") {
        Some(at) => {
            let reason = message
                .lines()
                .rev()
                .find(|l| l.trim_start().starts_with("error:"))
                .map_or("invalid syntax", |l| {
                    l.trim_start().trim_start_matches("error:").trim()
                });
            format!("{}{reason}", &message[..at])
        }
        None => message.to_owned(),
    }
}

/// serde writes `invalid type: string "…"`: the quoted part is a value from the file.
fn mask_quoted_strings(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("string \"") {
        let open = at + "string \"".len();
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let close = after.find('"').unwrap_or(after.len());
        out.push_str(&"*".repeat(after[..close].chars().count().min(12)));
        rest = &after[close..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_keys_and_punctuation_and_masks_values() {
        let rule = mask_toml("[[rules.custom]]\nid = \"mine\"\nregex = \"x\"\n");
        assert_eq!(
            rule.text,
            "[[rules.custom]]\nid = \"mine\"\nregex = \"*\"\n"
        );
        let text =
            "[allowlist]\npaths = [\"fix/**\", 'b']  # old: abc\nsize = 10\nx = { a = \"v\" }\n";
        let masked = mask_toml(text);
        assert_eq!(
            masked.text,
            "[allowlist]\npaths = [\"******\", '*']  # **** ***\nsize = **\nx = { a = \"*\" }\n"
        );
        assert_eq!(masked.text.len(), text.len());
    }

    #[test]
    fn unterminated_and_multiline_strings_are_masked() {
        let masked = mask_toml("a = \"open\nb = '''x\ny'''\nc = \"\"\"never");
        assert_eq!(masked.text, "a = \"****\nb = '''*\n*'''\nc = \"\"\"*****");
    }

    #[test]
    fn credential_shaped_keys_are_masked() {
        let key = "Zq8vR2mXk9LpT4wY7nB3cD6fH1jG5sA0";
        let masked = mask_toml(&format!("[rules]\n{key} = 1\n"));
        assert!(
            !masked.text.contains(key),
            "{:?} {:?}",
            masked.text,
            masked.hidden
        );
        assert!(masked.hidden.iter().any(|h| h == key));
    }

    #[test]
    fn messages_lose_values_and_regex_renderings() {
        let message = "bad allowlist regex: regex parse error:\n    hunter22(\n            ^\nerror: unclosed group";
        assert_eq!(
            clean_message(message, &["hunter22(".to_owned()]),
            "bad allowlist regex: unclosed group"
        );
        assert_eq!(
            clean_message(
                "invalid type: string \"hunter22\", expected a sequence",
                &[]
            ),
            "invalid type: string \"********\", expected a sequence"
        );
    }
}
