//! Text encodings: what every source does with a blob's bytes before the scanner sees them.
//!
//! The scanner works on UTF-8 (or bytes that are mostly UTF-8). A file that starts with a byte
//! order mark says how it is encoded: UTF-16 (little or big endian; PowerShell's `Out-File` and
//! `>` write `.env` files this way) is decoded to UTF-8, and a UTF-8 BOM is dropped, so rules,
//! anchors, JSON parsing, lines and columns see the text an editor shows. Without a BOM, a NUL
//! byte in the first 8 KiB marks a blob as binary, as git and ripgrep decide. Findings' byte
//! spans are offsets in the decoded text; [`Encoding::encode`] turns decoded text back into the
//! file's own encoding (for redacted copies).

use std::borrow::Cow;

/// How many leading bytes decide whether a blob is binary.
pub const BINARY_PROBE: usize = 8 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const UTF16LE_BOM: &[u8] = b"\xFF\xFE";
const UTF16BE_BOM: &[u8] = b"\xFE\xFF";

/// A blob's text encoding, as its first bytes declare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// No byte order mark: UTF-8, ASCII, or bytes scanned as they are.
    Plain,
    /// UTF-8 with a byte order mark (the BOM is not part of the text).
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    /// The encoding a blob declares with its first bytes (a BOM), or [`Encoding::Plain`].
    pub fn sniff(data: &[u8]) -> Encoding {
        if data.starts_with(UTF8_BOM) {
            Encoding::Utf8Bom
        } else if data.starts_with(UTF16LE_BOM) {
            Encoding::Utf16Le
        } else if data.starts_with(UTF16BE_BOM) {
            Encoding::Utf16Be
        } else {
            Encoding::Plain
        }
    }

    /// Decoded text back in this encoding, with its BOM: the inverse of [`decode`] for text
    /// that decoding produced (unpaired UTF-16 surrogates have become U+FFFD).
    pub fn encode(self, text: &[u8]) -> Vec<u8> {
        let units = || {
            String::from_utf8_lossy(text)
                .encode_utf16()
                .collect::<Vec<u16>>()
        };
        match self {
            Encoding::Plain => text.to_vec(),
            Encoding::Utf8Bom => [UTF8_BOM, text].concat(),
            Encoding::Utf16Le => UTF16LE_BOM
                .iter()
                .copied()
                .chain(units().into_iter().flat_map(u16::to_le_bytes))
                .collect(),
            Encoding::Utf16Be => UTF16BE_BOM
                .iter()
                .copied()
                .chain(units().into_iter().flat_map(u16::to_be_bytes))
                .collect(),
        }
    }
}

/// A blob's bytes as the scanner should see them, or `None` for a binary blob.
pub fn decode(data: &[u8]) -> Option<Cow<'_, [u8]>> {
    let text: Cow<'_, [u8]> = match Encoding::sniff(data) {
        Encoding::Plain => Cow::Borrowed(data),
        Encoding::Utf8Bom => Cow::Borrowed(&data[UTF8_BOM.len()..]),
        Encoding::Utf16Le => Cow::Owned(utf16_to_utf8(&data[2..], u16::from_le_bytes)),
        Encoding::Utf16Be => Cow::Owned(utf16_to_utf8(&data[2..], u16::from_be_bytes)),
    };
    (!looks_binary(&text)).then_some(text)
}

/// [`decode`] for bytes the caller owns: plain text is kept as it is (no copy), a UTF-8 BOM is
/// removed in place.
pub fn into_text(mut data: Vec<u8>) -> Option<Vec<u8>> {
    match Encoding::sniff(&data) {
        Encoding::Plain => (!looks_binary(&data)).then_some(data),
        Encoding::Utf8Bom => {
            data.drain(..UTF8_BOM.len());
            (!looks_binary(&data)).then_some(data)
        }
        Encoding::Utf16Le | Encoding::Utf16Be => decode(&data).map(Cow::into_owned),
    }
}

/// Would the blob that starts with `probe` (its first [`BINARY_PROBE`] bytes or all of it) be
/// binary? Decides from the start alone, so a large binary file need not be read whole.
pub fn probe_is_binary(probe: &[u8]) -> bool {
    let probe = &probe[..probe.len().min(BINARY_PROBE)];
    match Encoding::sniff(probe) {
        Encoding::Plain | Encoding::Utf8Bom => looks_binary(probe),
        // A code unit cut in half at the end of the probe is not a NUL.
        Encoding::Utf16Le | Encoding::Utf16Be => decode(&probe[..probe.len() & !1]).is_none(),
    }
}

/// A NUL byte in the first 8 KiB marks text as binary.
pub fn looks_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_PROBE)]).is_some()
}

/// UTF-16 code units to UTF-8; unpaired surrogates and a dangling odd byte become U+FFFD.
fn utf16_to_utf8(data: &[u8], unit: fn([u8; 2]) -> u16) -> Vec<u8> {
    let units = data.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut out = Vec::with_capacity(data.len() / 2 * 3 / 2 + 4);
    let mut buffer = [0u8; 4];
    for decoded in char::decode_utf16(units) {
        let c = decoded.unwrap_or(char::REPLACEMENT_CHARACTER);
        out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
    }
    if data.len() % 2 == 1 {
        out.extend_from_slice("\u{fffd}".as_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str) -> Vec<u8> {
        [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect()
    }

    #[test]
    fn utf16_with_a_bom_is_text() {
        let data = utf16le("KEY=välue\r\n");
        assert_eq!(decode(&data).as_deref(), Some("KEY=välue\r\n".as_bytes()));
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("a\nb".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&be).as_deref(), Some(&b"a\nb"[..]));
        assert!(
            !probe_is_binary(&data[..5]),
            "half a code unit is not a NUL"
        );
    }

    #[test]
    fn bom_is_dropped_and_restored() {
        let data = b"\xEF\xBB\xBFKEY=1\n";
        assert_eq!(decode(data).as_deref(), Some(&b"KEY=1\n"[..]));
        assert_eq!(Encoding::Utf8Bom.encode(b"KEY=1\n"), data.to_vec());
        let wide = utf16le("x=é😀\n");
        let text = decode(&wide).expect("text");
        assert_eq!(Encoding::sniff(&wide).encode(&text), wide);
    }

    #[test]
    fn nul_bytes_are_binary_in_any_encoding() {
        assert!(decode(b"a\0b").is_none());
        assert!(decode(&utf16le("a\0b")).is_none());
        assert!(probe_is_binary(b"\x7fELF\0\0"));
        assert_eq!(
            decode(&[0xFF, 0xFE, 0x00, 0xD8, b'a']).as_deref(),
            Some("\u{fffd}\u{fffd}".as_bytes()),
            "an unpaired surrogate and an odd byte are replaced"
        );
    }
}
