//! What counts as secret text in what we print, and where it sits: every written form of the
//! secrets a scan found ([`SecretForms`]), and credential-shaped runs that no rule recognised
//! ([`credential_runs`]).
//!
//! A rule's match is only the copy it saw. The same password is often echoed again on the line
//! (`export DB_PASSWORD=X; mysql -pX`), written again with JSON escapes, or sits next to a token
//! no rule knows. Snippets, JSON pointers and redacted copies all hide through this one module,
//! so "what we hide" has one definition.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// What output shows in place of hidden text: a secret, a credential-shaped run, a masked name.
pub const REDACTED: &str = "[REDACTED]";

/// Where a form of a found secret occurs, and which secret (the index given to
/// [`SecretForms::new`]) it is a form of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub start: usize,
    pub end: usize,
    pub owner: usize,
}

/// Every way the found secrets of a blob may be written: each as found, and JSON-escaped once and
/// twice (a command inside a JSON string inside a JSON string), also with `/` escaped as `\/`.
/// Callers add decoded forms themselves (a secret found inside an escaped JSON string is given
/// both as written and as decoded).
pub struct SecretForms {
    automaton: Option<AhoCorasick>,
    owners: Vec<usize>,
    longest: usize,
}

impl SecretForms {
    /// Forms of `secrets` (each with its owner index), leaving out forms shorter than `min_len`
    /// bytes.
    pub fn new<'a>(secrets: impl IntoIterator<Item = (&'a [u8], usize)>, min_len: usize) -> Self {
        let mut forms: Vec<(Vec<u8>, usize)> = Vec::new();
        for (secret, owner) in secrets {
            let once = json_escape(secret, EscapeSlash::No);
            let twice = json_escape(&once, EscapeSlash::No);
            let slashed = json_escape(secret, EscapeSlash::Yes);
            for form in [secret.to_vec(), once, twice, slashed] {
                if form.len() >= min_len.max(1) {
                    forms.push((form, owner));
                }
            }
        }
        forms.sort();
        forms.dedup_by(|a, b| a.0 == b.0);
        let longest = forms.iter().map(|(f, _)| f.len()).max().unwrap_or(0);
        let automaton = if forms.is_empty() {
            None
        } else {
            // A contiguous NFA, not the DFA the builder would pick for so few forms: a scan
            // builds one of these for every blob with findings and mostly searches a line or
            // two with it, and the DFA's construction cost a blob ten times its searches.
            // Should it fail (its state ids overflow), the builder's own choice: never no
            // automaton while another would build, which would show the secrets.
            let patterns = || forms.iter().map(|(f, _)| f);
            let builder = |kind| {
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .kind(kind)
                    .build(patterns())
            };
            (builder(Some(AhoCorasickKind::ContiguousNFA)))
                .or_else(|_| builder(None))
                .ok()
        };
        SecretForms {
            automaton,
            owners: forms.into_iter().map(|(_, owner)| owner).collect(),
            longest,
        }
    }

    /// No forms at all.
    pub fn empty() -> Self {
        SecretForms {
            automaton: None,
            owners: Vec::new(),
            longest: 0,
        }
    }

    /// The length of the longest form: a window searched for occurrences must reach this far
    /// past its edges to see a form that straddles them.
    pub fn longest(&self) -> usize {
        self.longest
    }

    /// Every occurrence of every form in `hay`, overlapping ones included, by start.
    pub fn occurrences(&self, hay: &[u8]) -> Vec<Occurrence> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut out: Vec<Occurrence> = automaton
            .find_overlapping_iter(hay)
            .map(|m| Occurrence {
                start: m.start(),
                end: m.end(),
                owner: self.owners[m.pattern().as_usize()],
            })
            .collect();
        out.sort_by_key(|o| (o.start, std::cmp::Reverse(o.end)));
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EscapeSlash {
    Yes,
    No,
}

/// `bytes` as the contents of a JSON string (without the quotes).
fn json_escape(bytes: &[u8], slash: EscapeSlash) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 8);
    for &b in bytes {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'/' if slash == EscapeSlash::Yes => out.extend_from_slice(b"\\/"),
            b if b < 0x20 => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            b => out.push(b),
        }
    }
    out
}

/// Shortest run that can be credential-shaped.
pub const CREDENTIAL_MIN_LEN: usize = 16;
/// Below this many bits of Shannon entropy per character a run is too repetitive to be a key.
const CREDENTIAL_MIN_ENTROPY: f64 = 3.0;

/// Characters a credential-shaped run is made of: the base64, base64url and hex alphabets, plus
/// `.` (JWTs and other dotted tokens). `=` is padding: it may end a run, never join two.
fn run_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'_' | b'-' | b'.')
}

fn separator(b: u8) -> bool {
    matches!(b, b'+' | b'/' | b'_' | b'-' | b'.')
}

/// The byte ranges of credential-shaped runs in `text`.
///
/// A run is a maximal stretch of base64, base64url or hex characters (with `.`, for JWT-like
/// dotted tokens), without leading or trailing separators, plus any `=` padding after it. It is
/// credential-shaped when all of these hold:
/// - it is at least [`CREDENTIAL_MIN_LEN`] characters long;
/// - its Shannon entropy is at least 3 bits per character (not `aaaa…`, not `1111-2222-…`);
/// - it is not made only of word-like pieces: split at `+ / _ - .`, a piece is word-like when
///   it is digits, letters, or letters with digits only at its ends (`python3`, `x86`, `2nd`,
///   `31T10`), and its letters are lower case, upper case, or camel case with at most a third
///   upper case. Paths, dotted names, kebab and snake case, dates and versions are word-like;
///   random tokens are not;
/// - it mixes classes: letters and digits, or (at 20 characters or more, with no digit) upper
///   and lower case in near-equal measure, as random text has and camelCase names do not.
pub fn credential_runs(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if !run_byte(text[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < text.len() && run_byte(text[i]) {
            i += 1;
        }
        let mut from = start;
        let mut to = i;
        while from < to && separator(text[from]) {
            from += 1;
        }
        while to > from && separator(text[to - 1]) {
            to -= 1;
        }
        if from < to && credential_shaped(&text[from..to]) {
            // Padding belongs to the token when the run ran up to it.
            let mut end = to;
            if to == i {
                while end < text.len() && end < to + 2 && text[end] == b'=' {
                    end += 1;
                }
            }
            out.push((from, end));
        }
    }
    out
}

/// Does this run (no leading or trailing separator) look like a credential? See
/// [`credential_runs`].
pub fn credential_shaped(run: &[u8]) -> bool {
    if run.len() < CREDENTIAL_MIN_LEN || shannon_entropy(run) < CREDENTIAL_MIN_ENTROPY {
        return false;
    }
    if run.split(|b| separator(*b)).all(word_like) {
        return false;
    }
    let has_digit = run.iter().any(u8::is_ascii_digit);
    let upper = run.iter().filter(|b| b.is_ascii_uppercase()).count();
    let lower = run.iter().filter(|b| b.is_ascii_lowercase()).count();
    if has_digit {
        return upper + lower > 0;
    }
    let letters = upper + lower;
    run.len() >= 20 && upper * 4 >= letters && lower * 4 >= letters
}

/// Is this piece of a run a word, a number, or a word with a number at one end? See
/// [`credential_runs`].
fn word_like(piece: &[u8]) -> bool {
    let digits_before = piece.iter().take_while(|b| b.is_ascii_digit()).count();
    let rest = &piece[digits_before..];
    let letters = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let (word, tail) = rest.split_at(letters);
    if !tail.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let upper = word.iter().filter(|b| b.is_ascii_uppercase()).count();
    upper == word.len() || upper * 3 <= word.len().max(3)
}

/// Shannon entropy of the bytes, in bits per byte.
pub fn shannon_entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0usize; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let len = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// Characters of a name run: what a token written into a file name, a directory name or an
/// author name is made of. `.` and `/` end a run, so extensions and path separators stay.
fn name_run_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '=' | '_' | '-')
}

/// Is this run of name characters ([`name_run_char`]) a credential rather than a word, a
/// number, a date or an identifier a tool writes by design? Long enough to be a key, with
/// letters in it (numbers, pids and timestamps are not keys), not a ULID or hex (content
/// digests and build hashes name files by design; a prefixed hex token such as `dapi…` is
/// not all hex),
/// and too random to be a name ([`crate::fingerprint::estimated_bits`] of 64 or more, and
/// [`credential_shaped`]: not made only of words and numbers). Stricter
/// than [`credential_shaped`]: a name is shown to locate a file, so only what is very likely a
/// key is hidden in it.
pub fn name_run_is_credential(run: &str) -> bool {
    const MIN_LEN: usize = 16;
    const MIN_LETTERS: usize = 8;
    const MIN_BITS: f64 = 64.0;
    if run.len() < MIN_LEN
        || run.bytes().filter(u8::is_ascii_alphabetic).count() < MIN_LETTERS
        || is_ulid(run)
        || run.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return false;
    }
    // Identifier prefixes that name a digest (`inputs-<sha256>`, `result-<sha256>`).
    if let Some((_, hash)) = run.split_once('-')
        && is_sha256_hex(hash)
    {
        return false;
    }
    // UUIDs and short hex ids between dashes are identifiers tools write by design (an agent
    // transcript `<uuid>.jsonl`, Codex's `rollout-<time>-<uuid>`, Gemini's
    // `session-<time>-<8 hex>`): the run is judged without them.
    let short_hex =
        |part: &str| (1..=12).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_hexdigit());
    if run.split('-').count() > 1 && run.split('-').any(short_hex) {
        let rest: Vec<&str> = run.split('-').filter(|part| !short_hex(part)).collect();
        return name_run_is_credential(&rest.join("-"));
    }
    // Random, not words: `very_long_module_name_here` has the bits but is made of words.
    let core = run
        .trim_end_matches('=')
        .trim_matches(|c: char| separator(c as u8));
    crate::fingerprint::estimated_bits(run.as_bytes()) >= MIN_BITS
        && credential_shaped(core.as_bytes())
}

/// A ULID (26 Crockford base32 characters): an identifier, not a key.
pub fn is_ulid(text: &str) -> bool {
    const CROCKFORD: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    text.len() == 26 && text.bytes().all(|byte| CROCKFORD.contains(&byte))
}

/// A SHA-256 digest in hex: an identifier, not a key.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|byte| byte.is_ascii_hexdigit())
}

/// What replaces a credential-shaped run in a name.
pub const MASKED_NAME: &str = "[masked]";

/// `name` (a path, a file name, an author) with every credential-shaped name run
/// ([`name_run_is_credential`]) replaced by [`MASKED_NAME`]; everything else as it was. A file
/// or directory named after a token, or a commit author holding one, must not print it.
pub fn mask_name(name: &str) -> std::borrow::Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    let mut rest = name;
    let mut at = 0;
    while let Some(start) = rest.find(name_run_char) {
        let run_start = at + start;
        let len = name[run_start..]
            .find(|c: char| !name_run_char(c))
            .unwrap_or(name.len() - run_start);
        let run_end = run_start + len;
        if name_run_is_credential(&name[run_start..run_end]) {
            out.push_str(&name[copied..run_start]);
            out.push_str(MASKED_NAME);
            copied = run_end;
        }
        at = run_end;
        rest = &name[at..];
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(name);
    }
    out.push_str(&name[copied..]);
    std::borrow::Cow::Owned(out)
}

/// `text` with the userinfo of every URL-shaped run masked: all of it after a scheme
/// (`https://user:pass@host` is `https://[masked]@host`), and the password of a bare
/// `user:pass@host` (a URL whose `//` a path normalisation folded, a git remote). A weak
/// password is no credential-shaped run, so only its place in a URL gives it away.
pub fn mask_userinfo(text: &str) -> std::borrow::Cow<'_, str> {
    let ends_run = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '/' | '"' | '\'' | '`' | '(' | '<' | '>' | ',' | ';' | '[' | '='
            )
    };
    let mut out = String::new();
    let mut copied = 0;
    for (at, _) in text.match_indices('@') {
        if at < copied {
            continue;
        }
        let start = text[..at].rfind(ends_run).map_or(0, |i| i + 1).max(copied);
        let userinfo = &text[start..at];
        if userinfo.is_empty() || userinfo == MASKED_NAME {
            continue;
        }
        let after_scheme = text[..start].ends_with("//");
        let from = if after_scheme {
            start
        } else {
            match userinfo.find(':') {
                Some(colon) if colon + 1 < userinfo.len() => start + colon + 1,
                _ => continue,
            }
        };
        out.push_str(&text[copied..from]);
        out.push_str(MASKED_NAME);
        copied = at;
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

/// `text` with every occurrence of a found secret and every credential-shaped run replaced by
/// `[REDACTED]`: for identifiers built from data (JSON pointer segments).
pub fn mask_text(text: &[u8], forms: &SecretForms) -> String {
    let mut ranges: Vec<(usize, usize)> = forms
        .occurrences(text)
        .into_iter()
        .map(|o| (o.start, o.end))
        .chain(credential_runs(text))
        .collect();
    ranges.sort_unstable();
    let mut out = String::new();
    let mut cursor = 0;
    for (start, end) in ranges {
        if end <= cursor {
            continue;
        }
        if start >= cursor {
            out.push_str(&String::from_utf8_lossy(&text[cursor..start]));
            out.push_str(REDACTED);
        }
        cursor = end;
    }
    out.push_str(&String::from_utf8_lossy(&text[cursor.min(text.len())..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_of_urls_is_masked() {
        // Assembled here, so the repository's own scan finds no URL password.
        let url = ["https://u", ":p4ss@h/x"].concat();
        assert_eq!(
            mask_userinfo(&format!("cat {url}")),
            "cat https://[masked]@h/x"
        );
        let folded = url.replacen("//", "/", 1);
        assert_eq!(mask_userinfo(&folded), "https:/u:[masked]@h/x");
        assert_eq!(mask_userinfo("mail me@example.com"), "mail me@example.com");
        assert_eq!(mask_userinfo("git@github.com:o/r"), "git@github.com:o/r");
        assert_eq!(
            mask_userinfo("a https://t0k@h and b:c@d"),
            "a https://[masked]@h and b:[masked]@d"
        );
    }

    fn shaped(text: &str) -> Vec<&str> {
        credential_runs(text.as_bytes())
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn random_tokens_are_credential_shaped() {
        for token in [
            "Zk2mP9xQ4vL8nR3tW6yB",
            "d41f8c2e9b7a4c1d8e3f6a5b2c9d0e7f",
            "ABcY+asIclpNcfueFtg/SwW6BOWrOTm6+uHlnVeB",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlX2hlcmU",
            "xKqPmWzRtLvNbYcHdJfGsQ",
            "123e4567-e89b-12d3-a456-426614174000",
        ] {
            assert_eq!(shaped(token), [token], "{token}");
        }
        assert_eq!(
            shaped("key=c2VjcmV0LXZhbHVlLTEyMzQ1Ng=="),
            ["c2VjcmV0LXZhbHVlLTEyMzQ1Ng=="]
        );
    }

    #[test]
    fn words_paths_and_names_are_not() {
        for text in [
            "/usr/local/share/doc/install-notes.txt",
            "AbstractSingletonProxyFactoryBean",
            "python3.11/site-packages",
            "x86_64-unknown-linux-gnu",
            "com.example.android.MainActivity",
            "2024-01-31T10:00:00Z",
            "snake_case_identifier_name",
            "SCREAMING_SNAKE_CONSTANT",
            "aaaaaaaaaaaaaaaaaaaaaaaa",
            "1111-2222-3333-4444",
            "v1.2.3-beta.4+build.567",
            "the quick brown fox jumps over the lazy dog",
        ] {
            assert!(shaped(text).is_empty(), "{text}: {:?}", shaped(text));
        }
    }

    #[test]
    fn forms_cover_json_escapes() {
        let forms = SecretForms::new([(&b"ab\"c/d"[..], 7)], 4);
        let hay = br#"x ab"c/d y ab\"c/d z ab\\\"c/d w ab\"c\/d"#;
        let found: Vec<&[u8]> = forms
            .occurrences(hay)
            .iter()
            .map(|o| &hay[o.start..o.end])
            .collect();
        assert_eq!(
            found,
            [
                &br#"ab"c/d"#[..],
                br#"ab\"c/d"#,
                br#"ab\\\"c/d"#,
                br#"ab\"c\/d"#
            ]
        );
        assert!(forms.occurrences(hay).iter().all(|o| o.owner == 7));
    }

    #[test]
    fn names_keep_words_and_identifiers_and_lose_tokens() {
        let token = format!("{}{}", "ghp_", "Zk2mP9xQ4vL8nR3tW6yBd41f8c2e9b7a4c1d");
        assert_eq!(
            mask_name(&format!("cache/{token}/x.env")),
            "cache/[masked]/x.env"
        );
        for kept in [
            "src/very_long_module_name_here.rs",
            "journal/000001.01JAAAAAAAAAAAAAAAAAAAAAAA.json",
            "dist/main.3f9a8c7d2e1b4a6f.js",
            "Alice Example <alice@example.test>",
            "projects/-home-dev/5f0c2a8e-3b1d-4c6e-9a7f-2d8b4e6c1a90.jsonl",
            "2025/09/18/rollout-2025-09-18T10-30-00-0199a2b4-1c2d-7e8f-9a0b-1c2d3e4f5a6b.jsonl",
            "chats/session-2025-09-18T11-00-c1d2e3f4.json",
        ] {
            assert_eq!(mask_name(kept), kept);
        }
        // A token with dashes keeps its random part: only hex groups are set aside.
        let dashed = format!("{}{}", "sk-proj-", "Zk2mP9xQ4vL8nR3tW6yBd41f8c2e9b7a4c1d");
        assert_eq!(mask_name(&format!("{dashed}.txt")), "[masked].txt");
        let uuid_then_token = format!("5f0c2a8e-{}", "Zk2mP9xQ4vL8nR3tW6yBd41f8c2e9b7a4c1d");
        assert_eq!(mask_name(&uuid_then_token), "[masked]");
    }

    #[test]
    fn mask_text_hides_forms_and_shaped_runs() {
        let forms = SecretForms::new([(&b"hunter22"[..], 0)], 4);
        assert_eq!(
            mask_text(b"a-hunter22-b Zk2mP9xQ4vL8nR3tW6yB tokens", &forms),
            "a-[REDACTED]-b [REDACTED] tokens"
        );
    }
}
