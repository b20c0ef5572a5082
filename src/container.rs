//! Binary credential containers, recognised by their file format rather than by a pattern in
//! text: a Kerberos keytab (the long-term keys of its principals: whoever holds it logs in as
//! them) and a Java keystore holding a private or secret key. Binary files are otherwise
//! skipped by the working-tree walk; one whose first bytes carry such a format's magic
//! ([`sniff`]) is read whole, and the scanner reports it when its structure parses
//! ([`recognise`]), naming the file, never printing its bytes.
//!
//! Formats, as their owners document them:
//! - MIT Kerberos "Keytab file format" (`doc/formats/keytab_file_format.rst` in the krb5
//!   sources): `0x05`, then `0x02` (big-endian) or `0x01` (native byte order); then entries,
//!   each a signed 32-bit size (negative: a hole of that many bytes) and a principal (component
//!   count, realm and components as 16-bit-length strings, name type in version 2), a
//!   timestamp, an 8-bit version, a key block (16-bit enctype, 16-bit-length key) and optional
//!   32-bit version and flags.
//! - Java KeyStore (`sun.security.provider.JavaKeyStore`): magic `0xFEEDFEED`, version 1 or 2,
//!   an entry count, then entries tagged 1 (private key: alias, timestamp, the encrypted key,
//!   its certificate chain) or 2 (trusted certificate); JCEKS
//!   (`com.sun.crypto.provider.JceKeyStore`): magic `0xCECECECE`, version 2, the same tags
//!   plus 3 (secret key). A keystore of trusted certificates only (a truststore) holds nothing
//!   secret and is not reported.
//!
//! PKCS#12 (`.p12`, `.pfx`) is not recognised: whether one holds a private key is only visible
//! by walking its DER (SafeContents bags), and its certificates-only form is common.

/// What a recognised container is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    /// An MIT Kerberos keytab.
    KerberosKeytab,
    /// A JKS or JCEKS keystore with at least one private or secret key entry.
    JavaKeystore,
}

impl ContainerKind {
    /// The id of the rule a finding of this container is reported under (`rules/containers.toml`).
    pub fn rule_id(self) -> &'static str {
        match self {
            ContainerKind::KerberosKeytab => "kerberos-keytab",
            ContainerKind::JavaKeystore => "java-keystore-private-key",
        }
    }
}

/// A container found at the start of a blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Container {
    pub kind: ContainerKind,
    /// How many of the blob's bytes its structure covers.
    pub len: usize,
}

/// Principals have a few components; more than this is not a keytab.
const MAX_COMPONENTS: u16 = 16;
/// Key lengths of real enctypes run from 8 (DES) to 32 bytes (AES-256); a little room.
const MAX_KEY_LEN: usize = 128;
/// The most keystore entries looked at (each costs a few reads; a real keystore has few).
const MAX_ENTRIES: u32 = 100_000;

/// Do these first bytes carry the magic of a credential container, so that the file is worth
/// reading whole? Cheap: a few bytes compared.
pub fn sniff(prefix: &[u8]) -> bool {
    keytab_magic(prefix).is_some() || keystore_magic(prefix).is_some()
}

/// The credential container `data` is, when its structure parses from its first byte.
pub fn recognise(data: &[u8]) -> Option<Container> {
    if let Some(len) = keytab(data) {
        return Some(Container {
            kind: ContainerKind::KerberosKeytab,
            len,
        });
    }
    keystore(data).map(|len| Container {
        kind: ContainerKind::JavaKeystore,
        len,
    })
}

/// A cursor over big- or little-endian integers, failing (with `None`) past the end.
struct Reader<'a> {
    data: &'a [u8],
    at: usize,
    big_endian: bool,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(n)?;
        let bytes = self.data.get(self.at..end)?;
        self.at = end;
        Some(bytes)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn u16(&mut self) -> Option<u16> {
        let b: [u8; 2] = self.take(2)?.try_into().ok()?;
        Some(if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }

    fn u32(&mut self) -> Option<u32> {
        let b: [u8; 4] = self.take(4)?.try_into().ok()?;
        Some(if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }

    /// A 16-bit-length string of printable ASCII, at least one byte (a realm, a component, a
    /// keystore alias).
    fn name(&mut self) -> Option<()> {
        let len = usize::from(self.u16()?);
        let text = self.take(len)?;
        (!text.is_empty() && text.iter().all(|b| b.is_ascii_graphic())).then_some(())
    }
}

/// The keytab version at the start of `data` (1 or 2), if its magic is there.
fn keytab_magic(data: &[u8]) -> Option<u8> {
    match data {
        [0x05, version @ (0x01 | 0x02), ..] => Some(*version),
        _ => None,
    }
}

/// The length of the keytab `data` starts with: every entry parses, at least one is a key.
fn keytab(data: &[u8]) -> Option<usize> {
    let version = keytab_magic(data)?;
    // Version 1 is in the writer's byte order: try both.
    let orders: &[bool] = if version == 2 {
        &[true]
    } else {
        &[true, false]
    };
    orders
        .iter()
        .find_map(|&big_endian| keytab_entries(data, version, big_endian))
}

fn keytab_entries(data: &[u8], version: u8, big_endian: bool) -> Option<usize> {
    let mut reader = Reader {
        data,
        at: 2,
        big_endian,
    };
    let mut keys = 0usize;
    while reader.at < data.len() {
        let Some(size) = reader.u32() else {
            // Fewer than four bytes left: trailing padding, tolerated only as zeros.
            return (keys > 0 && data[reader.at..].iter().all(|b| *b == 0)).then_some(reader.at);
        };
        let size = size as i32;
        if size == 0 {
            // Zeros to the end: preallocated space after the last entry.
            break;
        }
        let length = usize::try_from(size.unsigned_abs()).ok()?;
        let entry = reader.take(length)?;
        if size < 0 {
            // A hole left by a deleted entry.
            continue;
        }
        keytab_entry(entry, version, big_endian)?;
        keys += 1;
    }
    (keys > 0).then_some(reader.at.min(data.len()))
}

/// One entry's principal and key block parse within its size.
fn keytab_entry(entry: &[u8], version: u8, big_endian: bool) -> Option<()> {
    let mut reader = Reader {
        data: entry,
        at: 0,
        big_endian,
    };
    let mut components = reader.u16()?;
    if version == 1 {
        // Version 1 counts the realm among the components.
        components = components.checked_sub(1)?;
    }
    if components == 0 || components > MAX_COMPONENTS {
        return None;
    }
    reader.name()?; // realm
    for _ in 0..components {
        reader.name()?;
    }
    if version == 2 {
        reader.u32()?; // name type
    }
    reader.u32()?; // timestamp
    reader.u8()?; // key version
    let enctype = reader.u16()?;
    let key_len = usize::from(reader.u16()?);
    if enctype == 0 || key_len == 0 || key_len > MAX_KEY_LEN {
        return None;
    }
    reader.take(key_len)?;
    Some(())
}

/// Which keystore magic `data` starts with (JKS, JCEKS), with a version it knows.
fn keystore_magic(data: &[u8]) -> Option<bool> {
    let jceks = match data.get(..4)? {
        [0xFE, 0xED, 0xFE, 0xED] => false,
        [0xCE, 0xCE, 0xCE, 0xCE] => true,
        _ => return None,
    };
    match data.get(4..8)? {
        [0, 0, 0, 2] => Some(jceks),
        [0, 0, 0, 1] if !jceks => Some(jceks),
        _ => None,
    }
}

/// The length of the keystore `data` starts with, up to its first private or secret key entry
/// (found by walking the entries before it); `None` for a truststore or anything that does not
/// parse.
fn keystore(data: &[u8]) -> Option<usize> {
    let jceks = keystore_magic(data)?;
    let version2 = data.get(7) == Some(&2);
    let mut reader = Reader {
        data,
        at: 8,
        big_endian: true,
    };
    let count = reader.u32()?;
    if count == 0 || count > MAX_ENTRIES {
        return None;
    }
    for _ in 0..count {
        let tag = reader.u32()?;
        reader.name()?; // alias
        reader.take(8)?; // timestamp
        match tag {
            // A private key: its encrypted PKCS#8 (DER, a SEQUENCE) must be there.
            1 => {
                let len = usize::try_from(reader.u32()?).ok()?;
                let key = reader.take(len)?;
                return (key.first() == Some(&0x30)).then_some(data.len());
            }
            // A JCEKS secret key: a serialized Java object (`0xACED` stream magic).
            3 if jceks => {
                return (reader.take(2)? == [0xAC, 0xED]).then_some(data.len());
            }
            // A trusted certificate: skip it and look on.
            2 => {
                if version2 {
                    reader.name()?; // certificate type (`X.509`)
                }
                let len = usize::try_from(reader.u32()?).ok()?;
                reader.take(len)?;
            }
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version-2 keytab with one entry per (principal, key length).
    fn keytab_bytes(entries: &[(&[&str], usize)]) -> Vec<u8> {
        let mut out = vec![0x05, 0x02];
        for (principal, key_len) in entries {
            let mut entry = Vec::new();
            entry.extend((principal.len() as u16).to_be_bytes());
            for part in std::iter::once(&"EXAMPLE.TEST").chain(principal.iter()) {
                entry.extend((part.len() as u16).to_be_bytes());
                entry.extend(part.as_bytes());
            }
            entry.extend(1u32.to_be_bytes()); // KRB5_NT_PRINCIPAL
            entry.extend(1_700_000_000u32.to_be_bytes());
            entry.push(2);
            entry.extend(18u16.to_be_bytes()); // aes256-cts-hmac-sha1-96
            entry.extend((*key_len as u16).to_be_bytes());
            entry.extend((0..*key_len).map(|i| (i * 37 + 11) as u8));
            entry.extend(2u32.to_be_bytes());
            out.extend((entry.len() as i32).to_be_bytes());
            out.extend(entry);
        }
        out
    }

    #[test]
    fn keytabs_are_recognised_by_their_structure() {
        let keytab = keytab_bytes(&[(&["HTTP", "web.example.test"], 32), (&["svc"], 16)]);
        assert!(sniff(&keytab[..8]));
        assert_eq!(
            recognise(&keytab),
            Some(Container {
                kind: ContainerKind::KerberosKeytab,
                len: keytab.len()
            })
        );
        // A hole (a deleted entry) and trailing zeros are part of the format.
        let mut holed = keytab.clone();
        holed.extend((-6i32).to_be_bytes());
        holed.extend([0u8; 6]);
        holed.extend([0u8; 16]);
        assert!(recognise(&holed).is_some());
        // Cut short, an entry that overruns, a bad component count, no entry at all: not one.
        assert_eq!(recognise(&keytab[..keytab.len() - 3]), None);
        assert_eq!(recognise(&[0x05, 0x02]), None);
        assert_eq!(recognise(&[0x05, 0x02, 0, 0, 0, 0]), None);
        let mut overrun = keytab.clone();
        overrun[5] = 0xff;
        assert_eq!(recognise(&overrun), None);
        let mut components = keytab.clone();
        components[7] = 0x40;
        assert_eq!(recognise(&components), None);
        assert_eq!(recognise(b"\x05\x02 and then some text"), None);
    }

    fn keystore_bytes(magic: [u8; 4], tags: &[u32]) -> Vec<u8> {
        let mut out = magic.to_vec();
        out.extend(2u32.to_be_bytes());
        out.extend((tags.len() as u32).to_be_bytes());
        for tag in tags {
            out.extend(tag.to_be_bytes());
            out.extend(5u16.to_be_bytes());
            out.extend(b"alias");
            out.extend([0u8; 8]);
            match tag {
                1 => {
                    out.extend(4u32.to_be_bytes());
                    out.extend([0x30, 0x82, 0x01, 0x02]);
                }
                3 => out.extend([0xAC, 0xED, 0x00, 0x05]),
                _ => {
                    out.extend(5u16.to_be_bytes());
                    out.extend(b"X.509");
                    out.extend(3u32.to_be_bytes());
                    out.extend([0x30, 0x01, 0x00]);
                }
            }
        }
        out.extend([0u8; 20]);
        out
    }

    #[test]
    fn keystores_with_a_key_are_recognised_and_truststores_are_not() {
        let jks = [0xFE, 0xED, 0xFE, 0xED];
        let jceks = [0xCE, 0xCE, 0xCE, 0xCE];
        let kind = |data: &[u8]| recognise(data).map(|c| c.kind);
        assert_eq!(
            kind(&keystore_bytes(jks, &[2, 1])),
            Some(ContainerKind::JavaKeystore)
        );
        assert_eq!(
            kind(&keystore_bytes(jceks, &[3])),
            Some(ContainerKind::JavaKeystore)
        );
        assert_eq!(kind(&keystore_bytes(jks, &[2, 2])), None);
        // A JKS has no secret-key entries.
        assert_eq!(kind(&keystore_bytes(jks, &[3])), None);
        assert!(sniff(&keystore_bytes(jks, &[2])));
        assert!(!sniff(b"\xfe\xed\xfe\xed\x00\x00\x00\x07"));
    }
}
