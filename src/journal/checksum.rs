//! Per-event checksums of the SDK journal: verifying the `checksum` key of one event file, and
//! writing it for redacted copies.
//!
//! The SDK (`storage/journal.ts`) pretty-prints `{type, recordedAt, data[, sdkVersion]}` with a
//! 2-space indent plus one `"\n"`, hashes those bytes with SHA-256, then writes the same object
//! with `checksum` appended as the last key. Verification is textual (format notes §8.1): cut the
//! `checksum` member out of the file's own text and hash what is left. That needs no
//! re-serialisation, so it is exact for any key order, escape, non-ASCII text or number spelling
//! the writer produced, where re-printing through `serde_json` would not be (no
//! `preserve_order`, no `arbitrary_precision`, different float and surrogate rules from JS).
//!
//! Other writers are told apart rather than called tampering: the genty fallback journal hashes
//! only the `type` string; a checkout with CRLF line endings verifies once normalised to LF.

use memchr::{memchr2, memmem, memrchr};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What the `checksum` key of one event file says about the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChecksumVerdict {
    /// SDK-style checksum verifies (also repair tools and genty runtime, which omit sdkVersion).
    Valid {
        /// The file has CRLF line endings (a git `autocrlf` checkout) and verifies only once
        /// they are turned back into LF.
        crlf_normalized: bool,
    },
    /// genty fallback journal: checksum == sha256(type string); not tampering, a nonstandard
    /// writer. The checksum covers none of the event's content.
    GentyTypeHash,
    /// No `checksum` key (or `"checksum": null`).
    Missing,
    /// The checksum does not verify: `expected` is the value recorded in the file, `actual` the
    /// SHA-256 of the file's content as it is now (after CRLF normalisation when the file has
    /// CRLF line endings).
    Mismatch { expected: String, actual: String },
    /// Not JSON, not an object, or a `checksum` that is not a string: nothing to verify.
    /// The text says why and never quotes the file's content.
    Unreadable(String),
}

/// Verify the checksum of one event file, given its bytes exactly as on disk.
pub fn verify_event(bytes: &[u8]) -> ChecksumVerdict {
    verify_event_document(bytes).0
}

/// [`verify_event`], also handing back the parsed document so that callers checking more than
/// the checksum do not parse the file twice. The document is `None` when the bytes are not JSON.
pub(crate) fn verify_event_document(bytes: &[u8]) -> (ChecksumVerdict, Option<Value>) {
    // serde_json stops at its recursion limit (128 levels), so hostile nesting is an error here,
    // not a stack overflow. It also rejects invalid UTF-8, as the SDK's reader would.
    let parsed = serde_json::from_slice(bytes).or_else(|error| {
        // JS writes a lone surrogate (half of an emoji cut in two) as `\udXXX`, which is legal
        // JSON but which serde_json rejects. Parse a copy with those escapes swapped for
        // `\ufffd` instead: the swap keeps every offset, and the checksum is still computed
        // over the original bytes.
        match replace_lone_surrogates(bytes) {
            Some(replaced) => serde_json::from_slice(&replaced),
            None => Err(error),
        }
    });
    let document: Value = match parsed {
        Ok(document) => document,
        Err(error) => {
            // serde_json's syntax errors name a category and a line/column, never input text.
            return (
                ChecksumVerdict::Unreadable(format!("not valid JSON: {error}")),
                None,
            );
        }
    };
    let verdict = verdict_for(bytes, &document);
    (verdict, Some(document))
}

fn verdict_for(bytes: &[u8], document: &Value) -> ChecksumVerdict {
    let Some(object) = document.as_object() else {
        return ChecksumVerdict::Unreadable("not a JSON object".to_owned());
    };
    let recorded = match object.get("checksum") {
        None | Some(Value::Null) => return ChecksumVerdict::Missing,
        Some(Value::String(recorded)) => recorded.as_str(),
        Some(_) => return ChecksumVerdict::Unreadable("checksum is not a string".to_owned()),
    };
    let Some(as_written) = sdk_checksum(bytes) else {
        return ChecksumVerdict::Unreadable("the checksum member could not be located".to_owned());
    };
    if as_written.eq_ignore_ascii_case(recorded) {
        return ChecksumVerdict::Valid {
            crlf_normalized: false,
        };
    }

    // JSON strings cannot hold a raw CR, so every CRLF is a line ending that a checkout or an
    // editor introduced, and replacing them changes no value.
    let mut actual = as_written;
    if memmem::find(bytes, b"\r\n").is_some() {
        let normalized = crlf_to_lf(bytes);
        if let Some(after_normalizing) = sdk_checksum(&normalized) {
            if after_normalizing.eq_ignore_ascii_case(recorded) {
                return ChecksumVerdict::Valid {
                    crlf_normalized: true,
                };
            }
            actual = after_normalizing;
        }
    }

    if let Some(Value::String(event_type)) = object.get("type")
        && sha256_hex(event_type.as_bytes()).eq_ignore_ascii_case(recorded)
    {
        return ChecksumVerdict::GentyTypeHash;
    }
    ChecksumVerdict::Mismatch {
        expected: recorded.to_owned(),
        actual,
    }
}

/// For writing redacted copies: given a full pretty event object WITHOUT its checksum line,
/// in SDK layout (ends with "\n}\n"), return the same document with the checksum key appended as
/// the SDK writes it (`,\n  "checksum": "<hex>"\n}\n`).
///
/// A missing final newline is added first (the SDK hashes the text *with* it). Input in another
/// layout still gets a member that [`verify_event`] accepts; input with no closing `}` at all
/// is returned with just the newline, since there is no object to attach a key to.
pub fn append_checksum(without_checksum: &[u8]) -> Vec<u8> {
    let mut hashed = without_checksum.to_vec();
    if !hashed.ends_with(b"\n") {
        hashed.push(b'\n');
    }
    let checksum = sha256_hex(&hashed);
    let Some(closing_brace) = memrchr(b'}', &hashed) else {
        return hashed;
    };
    let body_end = hashed[..closing_brace]
        .iter()
        .rposition(|byte| !byte.is_ascii_whitespace())
        .map_or(0, |last| last + 1);
    let object_is_empty = body_end > 0 && hashed[body_end - 1] == b'{';

    let mut with_checksum = Vec::with_capacity(hashed.len() + checksum.len() + 20);
    with_checksum.extend_from_slice(&hashed[..body_end]);
    if !object_is_empty {
        with_checksum.push(b',');
    }
    with_checksum.extend_from_slice(b"\n  \"checksum\": \"");
    with_checksum.extend_from_slice(checksum.as_bytes());
    with_checksum.push(b'"');
    // What followed the last member ("\n}\n" in SDK layout) is kept as it was, so that cutting
    // the member out again gives back exactly the hashed text.
    with_checksum.extend_from_slice(&hashed[body_end..]);
    with_checksum
}

/// Lower-case hex sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex_lower(&Sha256::digest(bytes))
}

/// Lower-case hex of a digest (or any bytes).
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
        hex.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    hex
}

/// A copy with every lone-surrogate escape (`\ud800`..`\udfff` not forming a high/low pair)
/// replaced by `\ufffd`, the same length; `None` when there is none. Backslashes occur only
/// inside strings in JSON, so no string tracking is needed: each `\` starts an escape.
fn replace_lone_surrogates(bytes: &[u8]) -> Option<Vec<u8>> {
    fn surrogate_at(bytes: &[u8], at: usize) -> Option<u16> {
        let digits = bytes.get(at..at + 6)?.strip_prefix(b"\\u")?;
        let unit = u16::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()?;
        (0xD800..=0xDFFF).contains(&unit).then_some(unit)
    }
    let mut replaced: Option<Vec<u8>> = None;
    let mut index = 0;
    while let Some(offset) = memchr::memchr(b'\\', &bytes[index..]) {
        let at = index + offset;
        let Some(unit) = surrogate_at(bytes, at) else {
            // Any other escape: skip the escaped byte (it may itself be a backslash).
            index = at + 2;
            if index >= bytes.len() {
                break;
            }
            continue;
        };
        let pairs_with_next = (0xD800..=0xDBFF).contains(&unit)
            && surrogate_at(bytes, at + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low));
        if pairs_with_next {
            index = at + 12;
        } else {
            let copy = replaced.get_or_insert_with(|| bytes.to_vec());
            copy[at..at + 6].copy_from_slice(b"\\ufffd");
            index = at + 6;
        }
        if index >= bytes.len() {
            break;
        }
    }
    replaced
}

fn crlf_to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut normalized = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(at) = memmem::find(rest, b"\r\n") {
        normalized.extend_from_slice(&rest[..at]);
        normalized.push(b'\n');
        rest = &rest[at + 2..];
    }
    normalized.extend_from_slice(rest);
    normalized
}

/// The SDK checksum of an event file's text: SHA-256 of the text with the top-level `checksum`
/// member cut out and a final newline ensured. On an SDK-layout file this is exactly the
/// notes' textual method (replace the `,\n  "checksum": "<hex>"\n}\n` suffix with `\n}\n`).
/// A genty-style file without the trailing newline verifies too; the newline carries no data.
/// `None` when there is no top-level `checksum` member.
fn sdk_checksum(text: &[u8]) -> Option<String> {
    let member = find_top_level_member(text, "checksum")?;
    let mut remaining = Vec::with_capacity(text.len());
    if text[member.separator] == b',' {
        // Not the first member: the comma before it goes with it.
        remaining.extend_from_slice(&text[..member.separator]);
        remaining.extend_from_slice(&text[member.value_end..]);
    } else {
        // The first member: keep the `{` and drop the comma after it, if any.
        let resume = member
            .next_comma
            .map_or(member.value_end, |comma| comma + 1);
        remaining.extend_from_slice(&text[..=member.separator]);
        remaining.extend_from_slice(&text[resume..]);
    }
    if !remaining.ends_with(b"\n") {
        remaining.push(b'\n');
    }
    Some(sha256_hex(&remaining))
}

/// Where one member of the top-level object sits in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MemberSpan {
    /// The `,` before the member's key, or the object's `{` when it is the first member.
    separator: usize,
    /// Just past the member's value.
    value_end: usize,
    /// The `,` after the value, when another member follows.
    next_comma: Option<usize>,
}

/// Find the top-level member named `wanted` in a JSON object's text. When the key occurs more
/// than once the last one wins, as with `JSON.parse` and serde_json. The text must already have
/// parsed as JSON: this only tracks strings and nesting, iteratively (no recursion).
fn find_top_level_member(text: &[u8], wanted: &str) -> Option<MemberSpan> {
    struct OpenMember {
        separator: usize,
        wanted: bool,
    }
    let mut found = None;
    let mut depth = 0usize;
    let mut separator = 0usize;
    let mut expecting_key = false;
    let mut open: Option<OpenMember> = None;
    let mut value_end = 0usize;
    let mut index = 0usize;

    while index < text.len() {
        match text[index] {
            b'"' => {
                let end = string_end(text, index)?;
                if depth == 1 {
                    if expecting_key {
                        open = Some(OpenMember {
                            separator,
                            wanted: key_is(&text[index..end], wanted),
                        });
                        expecting_key = false;
                    } else {
                        value_end = end;
                    }
                }
                index = end;
                continue;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth == 1 {
                    separator = index;
                    expecting_key = text[index] == b'{';
                }
            }
            b'}' | b']' => {
                if depth == 1
                    && let Some(member) = open.take().filter(|member| member.wanted)
                {
                    found = Some(MemberSpan {
                        separator: member.separator,
                        value_end,
                        next_comma: None,
                    });
                }
                depth = depth.saturating_sub(1);
                if depth == 1 {
                    value_end = index + 1;
                }
            }
            b',' if depth == 1 => {
                if let Some(member) = open.take().filter(|member| member.wanted) {
                    found = Some(MemberSpan {
                        separator: member.separator,
                        value_end,
                        next_comma: Some(index),
                    });
                }
                separator = index;
                expecting_key = true;
            }
            b':' | b' ' | b'\t' | b'\n' | b'\r' => {}
            // Numbers, true, false, null: each byte extends the current value.
            _ => {
                if depth == 1 {
                    value_end = index + 1;
                }
            }
        }
        index += 1;
    }
    found
}

/// Index just past the closing quote of the string that opens at `start`.
fn string_end(text: &[u8], start: usize) -> Option<usize> {
    let mut index = start + 1;
    loop {
        let offset = memchr2(b'"', b'\\', text.get(index..)?)?;
        index += offset;
        if text[index] == b'\\' {
            // Skip the escaped byte; multi-byte escapes (`\u00e9`) contain no quote or backslash.
            index += 2;
        } else {
            return Some(index + 1);
        }
    }
}

/// Does this quoted key (quotes included) name `wanted`? Escaped spellings (`"check\u0073um"`)
/// are decoded, so the member found is the one a JSON parser sees.
fn key_is(quoted: &[u8], wanted: &str) -> bool {
    if memchr::memchr(b'\\', quoted).is_none() {
        return quoted.len() >= 2 && &quoted[1..quoted.len() - 1] == wanted.as_bytes();
    }
    serde_json::from_slice::<String>(quoted).is_ok_and(|key| key == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The §8.1 algorithm done by hand on text written out in full: hash the checksum-less
    /// text `C` (which already ends in "\n"), then swap its closing "\n}\n" for the checksum line.
    fn compose_sdk_file(canonical: &str) -> (String, String) {
        let checksum = sha256_hex(canonical.as_bytes());
        let body = canonical
            .strip_suffix("\n}\n")
            .expect("composed text ends in SDK layout");
        (
            format!("{body},\n  \"checksum\": \"{checksum}\"\n}}\n"),
            checksum,
        )
    }

    /// An event composed with the SDK's algorithm verifies as valid, without normalisation.
    fn assert_composed_event_verifies(canonical: &str) {
        let (file, _) = compose_sdk_file(canonical);
        assert_eq!(
            verify_event(file.as_bytes()),
            ChecksumVerdict::Valid {
                crlf_normalized: false
            }
        );
    }

    /// Non-ASCII text, JS-style escapes, a `\u00e9` escape, empty containers and an exponent
    /// number, in the envelope key order type, recordedAt, data, sdkVersion.
    const AWKWARD_EVENT: &str = concat!(
        "{\n",
        "  \"type\": \"EFFECT_RESOLVED\",\n",
        "  \"recordedAt\": \"2026-01-01T00:01:00.000Z\",\n",
        "  \"data\": {\n",
        "    \"effectId\": \"01JCCCCCCCCCCCCCCCCCCCCCCC\",\n",
        "    \"label\": \"d\u{e9}ploiement \u{2014} \u{65e5}\u{672c}\u{8a9e} \u{2713} \u{1f680}\",\n",
        "    \"note\": \"line one\\nline two \\\"quoted\\\" caf\\u00e9 back\\\\slash \\t tab\",\n",
        "    \"labels\": [],\n",
        "    \"metadata\": {},\n",
        "    \"nested\": {\n",
        "      \"items\": [\n",
        "        1,\n",
        "        -2.5,\n",
        "        1e+21,\n",
        "        true,\n",
        "        null\n",
        "      ],\n",
        "      \"checksum\": \"not the envelope's\"\n",
        "    }\n",
        "  },\n",
        "  \"sdkVersion\": \"6.0.0\"\n",
        "}\n",
    );

    #[test]
    fn sha256_matches_the_standard_test_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn composed_event_with_awkward_text_verifies() {
        let (file, _) = compose_sdk_file(AWKWARD_EVENT);
        assert_eq!(
            verify_event(file.as_bytes()),
            ChecksumVerdict::Valid {
                crlf_normalized: false
            }
        );
    }

    #[test]
    fn event_without_sdk_version_verifies() {
        // The repair tools, the genty runtime and pre-2026-05 SDKs write no sdkVersion.
        let canonical = concat!(
            "{\n",
            "  \"type\": \"RUN_COMPLETED\",\n",
            "  \"recordedAt\": \"2026-01-01T00:02:00.000Z\",\n",
            "  \"data\": {\n",
            "    \"outputRef\": \"state/output.json\"\n",
            "  }\n",
            "}\n",
        );
        assert_composed_event_verifies(canonical);
    }

    #[test]
    fn empty_data_object_verifies() {
        let canonical = concat!(
            "{\n",
            "  \"type\": \"ITERATION_STARTED\",\n",
            "  \"recordedAt\": \"2026-01-01T00:00:00.000Z\",\n",
            "  \"data\": {},\n",
            "  \"sdkVersion\": \"6.0.0\"\n",
            "}\n",
        );
        assert_composed_event_verifies(canonical);
    }

    #[test]
    fn append_checksum_writes_what_the_sdk_writes() {
        let (file, _) = compose_sdk_file(AWKWARD_EVENT);
        assert_eq!(append_checksum(AWKWARD_EVENT.as_bytes()), file.as_bytes());
    }

    #[test]
    fn append_checksum_adds_a_missing_final_newline_before_hashing() {
        let (file, _) = compose_sdk_file(AWKWARD_EVENT);
        let without_newline = AWKWARD_EVENT.trim_end_matches('\n');
        assert_eq!(append_checksum(without_newline.as_bytes()), file.as_bytes());
    }

    #[test]
    fn append_checksum_output_verifies_in_other_layouts() {
        for text in ["{\"type\":\"X\",\"data\":{}}", "{}", "{\n}\n"] {
            let with_checksum = append_checksum(text.as_bytes());
            assert_eq!(
                verify_event(&with_checksum),
                ChecksumVerdict::Valid {
                    crlf_normalized: false
                },
                "layout {text:?}"
            );
        }
    }

    #[test]
    fn crlf_copy_verifies_and_says_so() {
        let (file, _) = compose_sdk_file(AWKWARD_EVENT);
        let crlf = file.replace('\n', "\r\n");
        assert_eq!(
            verify_event(crlf.as_bytes()),
            ChecksumVerdict::Valid {
                crlf_normalized: true
            }
        );
    }

    #[test]
    fn missing_final_newline_still_verifies() {
        let (file, _) = compose_sdk_file(AWKWARD_EVENT);
        assert_eq!(
            verify_event(file.trim_end_matches('\n').as_bytes()),
            ChecksumVerdict::Valid {
                crlf_normalized: false
            }
        );
    }

    #[test]
    fn one_byte_tamper_is_a_mismatch_with_both_hashes() {
        let (file, checksum) = compose_sdk_file(AWKWARD_EVENT);
        let original_id = "01JCCCCCCCCCCCCCCCCCCCCCCC";
        let edited_id = "01JCCCCCCCCCCCCCCCCCCCCCCD";
        let tampered = file.replacen(original_id, edited_id, 1);
        assert_eq!(tampered.len(), file.len());
        assert_eq!(
            verify_event(tampered.as_bytes()),
            ChecksumVerdict::Mismatch {
                expected: checksum,
                actual: sha256_hex(AWKWARD_EVENT.replacen(original_id, edited_id, 1).as_bytes()),
            }
        );
    }

    #[test]
    fn tampered_checksum_digit_is_a_mismatch() {
        let (file, checksum) = compose_sdk_file(AWKWARD_EVENT);
        let last_digit = checksum.chars().last().expect("non-empty hash");
        let replacement = if last_digit == '0' { '1' } else { '0' };
        let wrong = format!("{}{replacement}", &checksum[..63]);
        let tampered = file.replace(&checksum, &wrong);
        assert_eq!(
            verify_event(tampered.as_bytes()),
            ChecksumVerdict::Mismatch {
                expected: wrong,
                actual: checksum,
            }
        );
    }

    #[test]
    fn tampered_crlf_copy_reports_the_normalized_hash() {
        let (file, checksum) = compose_sdk_file(AWKWARD_EVENT);
        let tampered = file.replacen("6.0.0", "6.0.1", 1).replace('\n', "\r\n");
        assert_eq!(
            verify_event(tampered.as_bytes()),
            ChecksumVerdict::Mismatch {
                expected: checksum,
                actual: sha256_hex(AWKWARD_EVENT.replacen("6.0.0", "6.0.1", 1).as_bytes()),
            }
        );
    }

    #[test]
    fn event_without_checksum_is_missing() {
        assert_eq!(
            verify_event(AWKWARD_EVENT.as_bytes()),
            ChecksumVerdict::Missing
        );
        let null_checksum = AWKWARD_EVENT.replacen(
            "\"sdkVersion\": \"6.0.0\"",
            "\"sdkVersion\": \"6.0.0\",\n  \"checksum\": null",
            1,
        );
        assert_eq!(
            verify_event(null_checksum.as_bytes()),
            ChecksumVerdict::Missing
        );
    }

    #[test]
    fn genty_fallback_event_is_told_apart() {
        // genty's writer: JSON.stringify(payload, null, 2) with no trailing newline and
        // checksum = sha256(type).
        let type_hash = sha256_hex(b"ITERATION_STARTED");
        let file = format!(
            concat!(
                "{{\n",
                "  \"type\": \"ITERATION_STARTED\",\n",
                "  \"recordedAt\": \"2026-01-01T00:00:00.000Z\",\n",
                "  \"data\": {{\n",
                "    \"iteration\": 1\n",
                "  }},\n",
                "  \"checksum\": \"{}\"\n",
                "}}"
            ),
            type_hash
        );
        assert!(!file.ends_with('\n'));
        assert_eq!(
            verify_event(file.as_bytes()),
            ChecksumVerdict::GentyTypeHash
        );
    }

    #[test]
    fn checksum_moved_to_the_first_member_still_verifies() {
        // Cutting the member out, wherever it sits, gives back the text that was hashed.
        let (file, checksum) = compose_sdk_file(AWKWARD_EVENT);
        let moved = file
            .replacen(&format!(",\n  \"checksum\": \"{checksum}\""), "", 1)
            .replacen("{\n", &format!("{{\n  \"checksum\": \"{checksum}\",\n"), 1);
        assert!(moved.starts_with("{\n  \"checksum\""));
        assert_eq!(
            verify_event(moved.as_bytes()),
            ChecksumVerdict::Valid {
                crlf_normalized: false
            }
        );
    }

    #[test]
    fn unreadable_inputs_are_reported_not_panicked_on() {
        for bytes in [
            &b""[..],
            b"not json",
            b"[1, 2]",
            b"{\"type\": \"X\", \"checksum\": 7}",
            b"\xff\xfe{}",
        ] {
            assert!(
                matches!(verify_event(bytes), ChecksumVerdict::Unreadable(_)),
                "input {bytes:?}"
            );
        }
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(
            verify_event(deep.as_bytes()),
            ChecksumVerdict::Unreadable(_)
        ));
    }

    #[test]
    fn lone_surrogate_escapes_from_js_verify() {
        // JSON.stringify("\ud83d") writes the escape as is; serde_json alone would reject it.
        let canonical = concat!(
            "{\n",
            "  \"type\": \"PROCESS_LOG\",\n",
            "  \"recordedAt\": \"2026-01-01T00:00:00.000Z\",\n",
            "  \"data\": {\n",
            "    \"message\": \"cut emoji \\ud83d, pair \\ud83d\\ude80, low \\udc00, not one \\\\ud800\"\n",
            "  },\n",
            "  \"sdkVersion\": \"6.0.0\"\n",
            "}\n",
        );
        let (file, _) = compose_sdk_file(canonical);
        assert_eq!(
            verify_event(file.as_bytes()),
            ChecksumVerdict::Valid {
                crlf_normalized: false
            }
        );
        let (_, document) = verify_event_document(file.as_bytes());
        let message = document.expect("parsed")["data"]["message"]
            .as_str()
            .expect("string")
            .to_owned();
        assert_eq!(
            message,
            "cut emoji \u{fffd}, pair \u{1f680}, low \u{fffd}, not one \\ud800"
        );
    }

    #[test]
    fn unreadable_message_never_quotes_the_file() {
        let ChecksumVerdict::Unreadable(message) = verify_event(b"{\"prompt\": \"private words")
        else {
            panic!("truncated JSON must be unreadable");
        };
        assert!(!message.contains("private"), "{message}");
    }

    #[test]
    fn escaped_checksum_key_is_located() {
        let (file, _) = compose_sdk_file(AWKWARD_EVENT);
        // The envelope's key is the last one; `data` holds a nested lookalike earlier on.
        let (before, after) = file
            .rsplit_once("\"checksum\": \"")
            .expect("composed file has a checksum member");
        let escaped = format!("{before}\"check\\u0073um\": \"{after}");
        assert_eq!(
            verify_event(escaped.as_bytes()),
            ChecksumVerdict::Valid {
                crlf_normalized: false
            }
        );
    }

    // The three example events of the format notes (§11), byte for byte once `@FAKE@` is
    // replaced. Their values are fake, but the token is still assembled at run time so that this
    // file scans clean.
    const NOTES_RUN_CREATED: &str = r#"{
  "type": "RUN_CREATED",
  "recordedAt": "2026-01-01T00:00:00.000Z",
  "data": {
    "runId": "01JAAAAAAAAAAAAAAAAAAAAAAA",
    "processId": "demo/deploy",
    "entrypoint": {
      "importPath": "../../processes/demo-deploy.mjs",
      "exportName": "process"
    },
    "harness": "claude-code",
    "processCodeHash": "239743149ed1359fc61329a1df495bfa94e1bd65448b0dc2fc15e81d084dc224",
    "inputsRef": "inputs.json",
    "prompt": "deploy the demo app using token @FAKE@",
    "sessionId": "00000000-0000-4000-8000-000000000000"
  },
  "sdkVersion": "6.0.0",
  "checksum": "d8ea968f80819d2f8194f0ebe4cf59ede06939313f04eee05ed8b145cc131f18"
}
"#;

    const NOTES_EFFECT_REQUESTED: &str = r#"{
  "type": "EFFECT_REQUESTED",
  "recordedAt": "2026-01-01T00:00:05.000Z",
  "data": {
    "effectId": "01JBBBBBBBBBBBBBBBBBBBBBBB",
    "invocationKey": "demo/deploy:__sdk.breakpoint.approve-deploy:__sdk.breakpoint",
    "invocationHash": "60a04e1e2cbbe755979ec0b087fa09b86a1060c1d5aef784ac24aba800ceba8e",
    "stepId": "__sdk.breakpoint.approve-deploy",
    "taskId": "__sdk.breakpoint",
    "kind": "breakpoint",
    "label": "Approve deploy",
    "taskDefRef": "tasks/01JBBBBBBBBBBBBBBBBBBBBBBB/task.json",
    "labels": [
      "Approve deploy"
    ],
    "harness": "claude-code",
    "sessionId": "00000000-0000-4000-8000-000000000000"
  },
  "sdkVersion": "6.0.0",
  "checksum": "60863ad3d7e21629986f63c08a04a780c70a509ede0c7888e0ad974409a7788b"
}
"#;

    const NOTES_EFFECT_RESOLVED: &str = r#"{
  "type": "EFFECT_RESOLVED",
  "recordedAt": "2026-01-01T00:01:00.000Z",
  "data": {
    "effectId": "01JCCCCCCCCCCCCCCCCCCCCCCC",
    "status": "error",
    "resultRef": "tasks/01JCCCCCCCCCCCCCCCCCCCCCCC/result.json",
    "error": {
      "name": "Error",
      "message": "curl failed: Authorization: Bearer @FAKE@"
    },
    "stderrRef": "tasks/01JCCCCCCCCCCCCCCCCCCCCCCC/stderr.log",
    "startedAt": "2026-01-01T00:00:30.000Z",
    "finishedAt": "2026-01-01T00:00:59.000Z",
    "harness": "claude-code",
    "sessionId": "00000000-0000-4000-8000-000000000000"
  },
  "sdkVersion": "6.0.0",
  "checksum": "94e04411c0bd3de51d166499d5525b3cb3f3eaeed3b9a2e9e9b6d42693b23023"
}
"#;

    #[test]
    fn format_notes_examples_verify() {
        for example in [
            NOTES_RUN_CREATED,
            NOTES_EFFECT_REQUESTED,
            NOTES_EFFECT_RESOLVED,
        ] {
            let example =
                example.replace("@FAKE@", &["FAKE", "TOKEN", "DO", "NOT", "USE"].join("-"));
            assert_eq!(
                verify_event(example.as_bytes()),
                ChecksumVerdict::Valid {
                    crlf_normalized: false
                }
            );
        }
    }

    #[test]
    fn format_notes_invocation_hash_is_sha256_of_the_key() {
        assert_eq!(
            sha256_hex(b"demo/deploy:__sdk.breakpoint.approve-deploy:__sdk.breakpoint"),
            "60a04e1e2cbbe755979ec0b087fa09b86a1060c1d5aef784ac24aba800ceba8e"
        );
    }

    #[test]
    fn member_finder_ignores_nested_and_quoted_lookalikes() {
        let text = br#"{"a": {"checksum": "x"}, "b": "\"checksum\": ", "checksum": "y", "c": [1]}"#;
        let member = find_top_level_member(text, "checksum").expect("top-level member present");
        assert_eq!(text[member.separator], b',');
        assert_eq!(
            &text[member.separator..member.value_end],
            br#", "checksum": "y""#
        );
        assert!(member.next_comma.is_some());
    }
}
