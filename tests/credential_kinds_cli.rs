//! Credential kinds recognised by their structure or their context rather than a provider's
//! prefix: NATS seeds whose checksum fails, JWK private members without `d`, and binary
//! credential containers (Kerberos keytabs, Java keystores) found by their format. Every
//! fixture is built at run time.

mod common;

use common::{TestRepo, Tree, UPPER32, random, run_json};

/// `(rule, confidence, line)` of each finding.
fn found(run: &common::JsonRun) -> Vec<(String, String, u64)> {
    run.findings()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["confidence"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn crc16_xmodem(data: &[u8]) -> u16 {
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

fn base32(raw: &[u8]) -> String {
    let (mut out, mut buffer, mut bits) = (String::new(), 0u32, 0u32);
    for &b in raw {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(UPPER32[((buffer >> bits) & 31) as usize] as char);
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(UPPER32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// A NATS user seed as the nkeys library writes it (prefix bytes, 32 key bytes, CRC-16 LE,
/// base32), and the same seed with one character changed (its checksum then fails).
fn nats_seeds(seed: u64) -> (String, String) {
    let mut raw = vec![18 << 3 | (20 << 3) >> 5, ((20 << 3) & 31) << 3];
    raw.extend(random(seed, 32, UPPER32).bytes());
    let crc = crc16_xmodem(&raw);
    raw.extend(crc.to_le_bytes());
    let good = base32(&raw);
    let mut bad = good.clone().into_bytes();
    bad[30] = if bad[30] == b'Q' { b'R' } else { b'Q' };
    (good, String::from_utf8(bad).unwrap_or_default())
}

#[test]
fn a_nats_seed_with_a_failing_checksum_is_low_where_its_name_says_seed() {
    let (good, bad) = nats_seeds(1);
    let (_, other_bad) = nats_seeds(2);
    let (_, bare_bad) = nats_seeds(3);
    let tree = Tree::new();
    tree.write(
        "nats.yaml",
        format!("accounts:\n  nkey: \"{bad}\"\n  operator_seed: {good}\nvalue: {bare_bad}\n"),
    );
    tree.write(
        "user.creds",
        format!("-----BEGIN USER NKEY SEED-----\n{other_bad}\n------END USER NKEY SEED------\n"),
    );
    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(1));
    let mut got = found(&run);
    got.sort();
    assert_eq!(
        got,
        [
            ("nats-nkey-seed".into(), "high".into(), 3),
            ("nats-nkey-seed-unverified".into(), "low".into(), 2),
            ("nats-nkey-seed-unverified".into(), "low".into(), 2),
        ],
        "{:?}",
        run.findings()
    );
    for secret in [&good, &bad, &other_bad] {
        assert!(!run.stdout.contains(secret.as_str()), "a seed was printed");
    }
}

/// A base64url value of `len` characters.
fn b64url(seed: u64, len: usize) -> String {
    random(seed, len, common::ALNUM)
}

#[test]
fn a_jwks_private_members_without_d_are_one_finding_per_key() {
    let member = |name: &str, seed| format!("\"{name}\": \"{}\"", b64url(seed, 171));
    let crt = |base| {
        ["p", "q", "dp", "dq", "qi"]
            .iter()
            .zip(base..)
            .map(|(name, seed)| member(name, seed))
            .collect::<Vec<_>>()
    };
    let modulus = b64url(1, 342);
    // Without "d", in RFC order, pretty-printed; a full key (with "d") beside it.
    let without_d = format!(
        "{{\n  \"kty\": \"RSA\",\n  \"n\": \"{modulus}\",\n  \"e\": \"AQAB\",\n  {}\n}}\n",
        crt(10).join(",\n  ")
    );
    let full = format!(
        "{{\"kty\": \"RSA\", \"n\": \"{modulus}\", \"e\": \"AQAB\", {}, {}}}\n",
        member("d", 20),
        crt(30).join(", ")
    );
    // Sorted (jq -S): "dp" and "dq" come before "kty".
    let sorted = format!(
        "{{{}, {}, \"e\": \"AQAB\", \"kty\": \"RSA\", \"n\": \"{modulus}\", {}, {}, {}}}\n",
        member("dp", 40),
        member("dq", 41),
        member("p", 42),
        member("q", 43),
        member("qi", 44)
    );
    // YAML, one member alone.
    let yaml = format!(
        "signing:\n  kty: RSA\n  e: AQAB\n  qi: {}\n",
        b64url(50, 171)
    );
    // A public key: nothing.
    let public = format!("{{\"kty\": \"RSA\", \"n\": \"{modulus}\", \"e\": \"AQAB\"}}\n");
    let tree = Tree::new();
    tree.write("without-d.json", &without_d);
    tree.write("full.json", &full);
    tree.write("sorted.json", &sorted);
    tree.write("signing.yaml", &yaml);
    tree.write("public.json", &public);
    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(1));
    let mut got: Vec<(String, String, u64)> = run
        .findings()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    got.sort();
    let at = |path: &str, rule: &str, line| (path.to_owned(), rule.to_owned(), line);
    assert_eq!(
        got,
        [
            at("full.json", "jwk-private-key", 1),
            at("signing.yaml", "jwk-private-members", 4),
            at("sorted.json", "jwk-private-members-unmarked", 1),
            at("without-d.json", "jwk-private-members", 5),
        ]
    );
    for seed in [10, 14, 20, 34, 40, 44, 50] {
        let value = b64url(seed, 171);
        assert!(
            !run.stdout.contains(&value[..40]),
            "a private member was printed"
        );
    }
}

/// A version-2 MIT keytab with one AES-256 key for `principal@EXAMPLE.TEST`, its key bytes
/// random (binary, NUL bytes and all).
fn keytab(principal: &str, seed: u64) -> (Vec<u8>, Vec<u8>) {
    let key: Vec<u8> = random(seed, 64, b"0123456789abcdef")
        .as_bytes()
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("00"), 16).unwrap_or(0))
        .collect();
    let mut entry = Vec::new();
    entry.extend(1u16.to_be_bytes());
    for part in ["EXAMPLE.TEST", principal] {
        entry.extend((part.len() as u16).to_be_bytes());
        entry.extend(part.as_bytes());
    }
    entry.extend(1u32.to_be_bytes());
    entry.extend(1_733_000_000u32.to_be_bytes());
    entry.push(3);
    entry.extend(18u16.to_be_bytes());
    entry.extend((key.len() as u16).to_be_bytes());
    entry.extend(&key);
    entry.extend(3u32.to_be_bytes());
    let mut out = vec![0x05, 0x02];
    out.extend((entry.len() as i32).to_be_bytes());
    out.extend(entry);
    (out, key)
}

/// A JKS keystore: one entry with `tag` (1: a private key, 2: a trusted certificate).
fn jks(tag: u32, seed: u64) -> Vec<u8> {
    let mut out = vec![0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2, 0, 0, 0, 1];
    out.extend(tag.to_be_bytes());
    out.extend(6u16.to_be_bytes());
    out.extend(b"server");
    out.extend([0, 0, 1, 0x93, 0x2a, 0x10, 0x20, 0x30]);
    let body = keytab("filler", seed).1;
    if tag == 2 {
        out.extend(5u16.to_be_bytes());
        out.extend(b"X.509");
    }
    out.extend(((body.len() + 2) as u32).to_be_bytes());
    out.extend([0x30, body.len() as u8]);
    out.extend(&body);
    if tag == 1 {
        out.extend(0u32.to_be_bytes());
    }
    out.extend([0u8; 20]);
    out
}

#[test]
fn keytabs_and_keystores_are_found_by_their_format_without_showing_them() {
    let (named, key) = keytab("HTTP", 7);
    let (renamed, _) = keytab("svc", 8);
    let tree = Tree::new();
    tree.write("deploy/service.keytab", &named);
    tree.write("deploy/backup.bin", &renamed);
    tree.write("tls/server.jks", jks(1, 9));
    tree.write("tls/truststore.jks", jks(2, 10));
    // Binary, with a keytab's first byte, but not one.
    tree.write(
        "img/logo.bin",
        b"\x05\x02\x00\x00\x00\x07\xff\xfe\x00\x00garbage",
    );
    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(1));
    let mut got: Vec<(String, String, String)> = run
        .findings()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["confidence"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    got.sort();
    let at = |path: &str, rule: &str| (path.to_owned(), rule.to_owned(), "high".to_owned());
    assert_eq!(
        got,
        [
            at("deploy/backup.bin", "kerberos-keytab"),
            at("deploy/service.keytab", "kerberos-keytab"),
            at("tls/server.jks", "java-keystore-private-key"),
        ]
    );
    // No byte of a key, in any form, in the report (human too).
    let human = tree
        .leakgate()
        .args(["scan", ".", "--color", "never"])
        .output()
        .expect("run");
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    for output in [run.stdout.as_bytes(), &human.stdout, &human.stderr] {
        assert!(
            !output.windows(8).any(|w| w == &key[..8]),
            "key bytes were printed"
        );
        assert!(!String::from_utf8_lossy(output).contains(&hex[..16]));
    }

    // Staged, and in history.
    let repo = TestRepo::new();
    repo.write("README.md", "service\n");
    repo.commit_all("start");
    repo.write("krb5/web.keytab", &named);
    repo.git(&["add", "-A"]);
    let (code, messages) = repo.scan_json(&["scan", "--staged"]);
    assert_eq!(code, Some(1));
    let rules: Vec<&str> = common::findings(&messages)
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(rules, ["kerberos-keytab"]);
    repo.commit_all("add the keytab");
    repo.git(&["rm", "-q", "krb5/web.keytab"]);
    repo.commit_all("remove it");
    let (code, messages) = repo.scan_json(&["scan", "--history"]);
    assert_eq!(code, Some(1));
    let found: Vec<(&str, &str)> = common::findings(&messages)
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default(),
                f["rule"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(found, [("krb5/web.keytab", "kerberos-keytab")]);
}
