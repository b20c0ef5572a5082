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
