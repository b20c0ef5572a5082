//! Checksums that token formats carry, checked before a match is reported.
//!
//! Some providers end their tokens with a checksum of the rest (GitHub's `ghp_…` tokens end in
//! a base62 CRC32 of their random part), so a string of the right shape whose checksum does not
//! verify is not one of their tokens: a rule names its format's validator (`checksum =
//! "github-crc32"`) and the scanner drops matches that fail it. It is the cheapest precision
//! there is: no network, no false negative on a real token. Only schemes the provider (or its
//! own open-source SDK or CLI) documents are here; each validator is a pure function of the
//! secret's bytes, so rules stay data and know nothing of the scanner.

use sha2::{Digest, Sha256};

pub use super::spec::Checksum;

impl Checksum {
    /// The name a rules file uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Checksum::GithubCrc32 => "github-crc32",
            Checksum::GrafanaCrc32 => "grafana-crc32",
            Checksum::NkeyCrc16 => "nkey-crc16",
            Checksum::NkeyCrc16Mismatch => "nkey-crc16-mismatch",
            Checksum::Base58check => "base58check",
            Checksum::Bech32 => "bech32",
            Checksum::PackagistCrc32 => "packagist-crc32",
        }
    }

    /// Does this secret's checksum verify? Anything that is not in the scheme's shape (wrong
    /// length, a character outside its alphabet) does not.
    pub fn verifies(self, secret: &[u8]) -> bool {
        // Every scheme here fits well within this; longer input is not one of these tokens,
        // and base58's quadratic decoding must not meet a megabyte of it.
        if secret.len() > MAX_LEN {
            return false;
        }
        match self {
            Checksum::GithubCrc32 => github_crc32(secret),
            Checksum::GrafanaCrc32 => grafana_crc32(secret),
            Checksum::NkeyCrc16 => nkey_crc16(secret),
            Checksum::NkeyCrc16Mismatch => nkey_crc16_mismatch(secret),
            Checksum::Base58check => base58check(secret),
            Checksum::Bech32 => bech32(secret),
            Checksum::PackagistCrc32 => packagist_crc32(secret),
        }
    }
}

/// The longest secret a checksum is computed on.
const MAX_LEN: usize = 256;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// CRC32 as in zlib, PNG and Go's `crc32.ChecksumIEEE` (reflected, polynomial 0xEDB88320).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// CRC16/XMODEM (polynomial 0x1021, initial value 0, not reflected).
pub fn crc16_xmodem(data: &[u8]) -> u16 {
    let mut crc = 0u16;
    for &byte in data {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// `value` in base62 (`0-9A-Za-z`), left-padded with `0` to `width` characters.
pub fn base62(mut value: u32, width: usize) -> String {
    let mut digits = Vec::with_capacity(width);
    while value > 0 {
        digits.push(BASE62[(value % 62) as usize]);
        value /= 62;
    }
    while digits.len() < width {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8_lossy(&digits).into_owned()
}

fn github_crc32(secret: &[u8]) -> bool {
    let Some(underscore) = secret.iter().rposition(|&b| b == b'_') else {
        return false;
    };
    let body = &secret[underscore + 1..];
    if body.len() != 36 || !body.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (random, checksum) = body.split_at(30);
    base62(crc32(random), 6).as_bytes() == checksum
}

fn grafana_crc32(secret: &[u8]) -> bool {
    let Some(underscore) = secret.iter().rposition(|&b| b == b'_') else {
        return false;
    };
    let (key, checksum) = (&secret[..underscore], &secret[underscore + 1..]);
    let expected: String = crc32(key)
        .to_le_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    checksum == expected.as_bytes()
}

fn packagist_crc32(secret: &[u8]) -> bool {
    // The checksum covers the prefix too, so the split is by length from the end: the random
    // part is 60 characters, the checksum 8, both lowercase hex as the docs' `dechex` writes.
    let Some(split) = secret.len().checked_sub(8) else {
        return false;
    };
    let (body, checksum) = secret.split_at(split);
    let is_hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
    if body.len() < 60 || !body[body.len() - 60..].iter().all(is_hex) {
        return false;
    }
    format!("{:08x}", crc32(body)).as_bytes() == checksum
}

fn nkey_crc16(secret: &[u8]) -> bool {
    let Some(raw) = base32_decode(secret) else {
        return false;
    };
    if raw.len() < 4 {
        return false;
    }
    let (payload, checksum) = raw.split_at(raw.len() - 2);
    crc16_xmodem(payload).to_le_bytes() == checksum
}

/// A seed's length: base32 of 2 prefix bytes, a 32-byte key and a 2-byte CRC.
const NKEY_SEED_LEN: usize = 58;

fn nkey_crc16_mismatch(secret: &[u8]) -> bool {
    secret.len() == NKEY_SEED_LEN
        && secret
            .iter()
            .all(|c| c.is_ascii_uppercase() || (b'2'..=b'7').contains(c))
        && !nkey_crc16(secret)
}

/// RFC 4648 base32 (`A-Z2-7`), no padding; `None` on any other character or on leftover bits
/// that are not zero (no encoder writes those).
fn base32_decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &c in text {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    (buffer == 0).then_some(out)
}

const BASE58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

fn base58check(secret: &[u8]) -> bool {
    let Some(raw) = base58_decode(secret) else {
        return false;
    };
    if raw.len() < 5 {
        return false;
    }
    let (payload, checksum) = raw.split_at(raw.len() - 4);
    let digest = Sha256::digest(Sha256::digest(payload));
    digest[..4] == *checksum
}

/// Bitcoin's base58; `None` on a character outside its alphabet. Quadratic in the length,
/// which [`MAX_LEN`] bounds.
fn base58_decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut number: Vec<u8> = Vec::new(); // big-endian base-256 digits
    for &c in text {
        let mut carry = BASE58.iter().position(|&d| d == c)? as u32;
        for digit in number.iter_mut().rev() {
            carry += u32::from(*digit) * 58;
            *digit = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            number.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = text.iter().take_while(|&&c| c == b'1').count();
    let mut out = vec![0u8; zeros];
    out.extend(number);
    Some(out)
}

const BECH32: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

fn bech32(secret: &[u8]) -> bool {
    let has_lower = secret.iter().any(u8::is_ascii_lowercase);
    let has_upper = secret.iter().any(u8::is_ascii_uppercase);
    if has_lower && has_upper {
        return false;
    }
    let lower = secret.to_ascii_lowercase();
    let Some(separator) = lower.iter().rposition(|&b| b == b'1') else {
        return false;
    };
    let (hrp, data) = (&lower[..separator], &lower[separator + 1..]);
    if hrp.is_empty() || data.len() < 6 || !hrp.iter().all(|b| (33..=126).contains(b)) {
        return false;
    }
    let mut values: Vec<u8> = hrp.iter().map(|b| b >> 5).collect();
    values.push(0);
    values.extend(hrp.iter().map(|b| b & 31));
    for c in data {
        match BECH32.iter().position(|d| d == c) {
            Some(value) => values.push(value as u8),
            None => return false,
        }
    }
    bech32_polymod(&values) == 1
}

fn bech32_polymod(values: &[u8]) -> u32 {
    const GENERATOR: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut check = 1u32;
    for &value in values {
        let top = check >> 25;
        check = ((check & 0x01ff_ffff) << 5) ^ u32::from(value);
        for (i, generator) in GENERATOR.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                check ^= generator;
            }
        }
    }
    check
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A GitHub-format token with a correct checksum, built the way GitHub documents.
    fn github(prefix: &str, random: &str) -> String {
        format!("{prefix}{random}{}", base62(crc32(random.as_bytes()), 6))
    }

    #[test]
    fn crcs_match_their_standard_check_values() {
        // The catalogue "check" value of each CRC: the checksum of "123456789".
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc16_xmodem(b"123456789"), 0x31C3);
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 6), "00000z");
        assert_eq!(base62(u32::MAX, 6), "4gfFC3");
    }

    #[test]
    fn github_tokens_verify_and_any_change_breaks_them() {
        let token = github("ghp_", "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0");
        assert!(Checksum::GithubCrc32.verifies(token.as_bytes()));
        assert!(Checksum::GithubCrc32.verifies(format!("npm_{}", &token[4..]).as_bytes()));
        let mut flipped = token.clone().into_bytes();
        flipped[10] = if flipped[10] == b'a' { b'b' } else { b'a' };
        assert!(!Checksum::GithubCrc32.verifies(&flipped));
        assert!(!Checksum::GithubCrc32.verifies(&token.as_bytes()[..39]));
        assert!(!Checksum::GithubCrc32.verifies(b"ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"));
    }

    #[test]
    fn grafana_tokens_verify() {
        let key = "glsa_Zk3MvT9qLw2RcX8bNp5HyJ4dFg7sAe1u";
        let sum: String = crc32(key.as_bytes())
            .to_le_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(Checksum::GrafanaCrc32.verifies(format!("{key}_{sum}").as_bytes()));
        assert!(!Checksum::GrafanaCrc32.verifies(format!("{key}_00000000").as_bytes()));
    }

    #[test]
    fn nkeys_verify() {
        // Encode a seed the way nkeys does: two prefix bytes, 32 key bytes, CRC16 LE, base32.
        let mut raw = vec![18 << 3 | (20 << 3) >> 5, ((20 << 3) & 31) << 3];
        raw.extend((0..32u8).map(|i| i.wrapping_mul(37).wrapping_add(11)));
        let crc = crc16_xmodem(&raw);
        raw.extend(crc.to_le_bytes());
        let encoded = base32_encode(&raw);
        assert!(encoded.starts_with("SU"), "{encoded}");
        assert_eq!(encoded.len(), 58);
        assert!(Checksum::NkeyCrc16.verifies(encoded.as_bytes()));
        assert!(!Checksum::NkeyCrc16Mismatch.verifies(encoded.as_bytes()));
        let mut bad = encoded.into_bytes();
        bad[20] = if bad[20] == b'A' { b'B' } else { b'A' };
        assert!(!Checksum::NkeyCrc16.verifies(&bad));
        assert!(Checksum::NkeyCrc16Mismatch.verifies(&bad));
        // Not a seed's shape at all: neither.
        assert!(!Checksum::NkeyCrc16Mismatch.verifies(&bad[..57]));
        assert!(!Checksum::NkeyCrc16Mismatch.verifies(&bad.to_ascii_lowercase()));
    }

    fn base32_encode(raw: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let (mut out, mut buffer, mut bits) = (String::new(), 0u32, 0u32);
        for &b in raw {
            buffer = (buffer << 8) | u32::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
            }
            buffer &= (1 << bits) - 1;
        }
        if bits > 0 {
            out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
        }
        out
    }

    #[test]
    fn base58check_verifies_bitcoins_published_vectors() {
        // The Bitcoin wiki's WIF example and BIP 32's first test vector's master key.
        assert!(
            Checksum::Base58check.verifies(b"5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ")
        );
        assert!(Checksum::Base58check.verifies(
            b"xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"
        ));
        assert!(
            !Checksum::Base58check.verifies(b"5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTK")
        );
        assert!(!Checksum::Base58check.verifies(b"0OIl"));
    }

    #[test]
    fn bech32_verifies_bip173_vectors() {
        assert!(Checksum::Bech32.verifies(b"A12UEL5L"));
        assert!(Checksum::Bech32.verifies(b"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"));
        assert!(!Checksum::Bech32.verifies(b"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx"));
        assert!(!Checksum::Bech32.verifies(b"A12uEL5L"), "mixed case");
    }

    #[test]
    fn packagist_tokens_verify_as_documented() {
        // Built as Private Packagist's docs compute it: crc32(prefix . random), 8 hex digits.
        let body = format!(
            "packagist_ort_{}",
            "3f9a0c1e7b5d2846".repeat(4).get(..60).unwrap_or("")
        );
        let token = format!("{body}{:08x}", crc32(body.as_bytes()));
        assert!(Checksum::PackagistCrc32.verifies(token.as_bytes()));
        // A checksum with leading zeros keeps them (`str_pad` to 8).
        let zero_led = (0u32..)
            .map(|i| {
                format!(
                    "packagist_uut_{:060x}",
                    u128::from(i) * 0x9e37_79b9_7f4a_7c15
                )
            })
            .find(|b| crc32(b.as_bytes()) < 0x1000_0000)
            .unwrap_or_default();
        let padded = format!("{zero_led}{:08x}", crc32(zero_led.as_bytes()));
        assert!(padded.ends_with(&format!("{:08x}", crc32(zero_led.as_bytes()))));
        assert!(padded[padded.len() - 8..].starts_with('0'), "{padded}");
        assert!(Checksum::PackagistCrc32.verifies(padded.as_bytes()));
        // Another prefix with the same random part and checksum: the prefix is covered.
        let other = token.replacen("_ort_", "_out_", 1);
        assert!(!Checksum::PackagistCrc32.verifies(other.as_bytes()));
        let mut flipped = token.clone().into_bytes();
        flipped[20] = if flipped[20] == b'a' { b'b' } else { b'a' };
        assert!(!Checksum::PackagistCrc32.verifies(&flipped));
        assert!(!Checksum::PackagistCrc32.verifies(token.to_uppercase().as_bytes()));
        assert!(!Checksum::PackagistCrc32.verifies(&token.as_bytes()[..70]));
        assert!(!Checksum::PackagistCrc32.verifies(b"packagist_"));
    }

    #[test]
    fn long_input_is_not_a_checksummed_token() {
        let long = vec![b'1'; 100_000];
        assert!(!Checksum::Base58check.verifies(&long));
    }
}
