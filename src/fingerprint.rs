//! Fingerprints: the short, stable identity of a secret that baselines, redaction markers,
//! SARIF `partialFingerprints` and every report carry, built so that reading one does not let
//! anyone confirm a guessed secret cheaply.
//!
//! A fingerprint is 16 hex digits derived from a per-repository salt, the rule id and the
//! secret. Secrets a guesser could enumerate (short or low-entropy ones, judged by a deliberately
//! pessimistic [`estimated_bits`]) go through Argon2id, a memory-hard function tuned to a few
//! milliseconds, so each guess costs the attacker the same. High-entropy tokens go through
//! HMAC-SHA256 keyed by the salt: they cannot be enumerated anyway, and a scan with thousands of
//! them stays fast. Each (rule, secret) is derived once per process (one password in a thousand
//! history blobs costs one Argon2 run), and [`Fingerprinter::of_many`] derives those of a blob
//! with several guessable secrets in parallel. A blob with more than [`ARGON2_PER_BLOB`] distinct guessable
//! secrets derives them together: one Argon2 run over all of them keys an HMAC of each, which
//! a guesser cannot use without guessing every one (see [`Fingerprinter::of_many`]).
//!
//! The salt is identical in every clone, so fingerprints are stable across machines: the one
//! recorded in the baseline when there is one, otherwise the repository's first-parent root
//! commit, otherwise a fixed default (outside git, and in shallow clones, whose root is cut off).
//! It is resolved only when the first fingerprint is needed, so a clean scan never pays for it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Secrets estimated below this many bits are treated as guessable and derived with Argon2id.
/// Anything a dictionary or pattern attack can reach lands far below it; random tokens of 20 or
/// more alphanumerics land above it.
pub const GUESSABLE_BELOW_BITS: f64 = 90.0;

/// Argon2id cost for guessable secrets: 4 MiB, one pass, one lane. About 3 ms on a 2020s core;
/// `fingerprint::tests::argon2_cost_is_milliseconds` keeps it within bounds.
const ARGON2_MEMORY_KIB: u32 = 4096;
const ARGON2_PASSES: u32 = 1;

/// A blob with more distinct guessable secrets than this fingerprints them together, with one
/// Argon2 run ([`Fingerprinter::of_many`]): at most this many runs a blob (a quarter of a
/// second), where a file of 32,000 weak passwords used to cost 32,000 (about 100 s of CPU).
pub const ARGON2_PER_BLOB: usize = 64;

/// A blob's fingerprints are derived on several threads only when it has at least this many
/// distinct guessable secrets ([`Fingerprinter::of_many`]); fewer Argon2 runs cost less than
/// handing them over.
const PARALLEL_ARGON2_FROM: usize = 4;

/// Bytes of a secret the estimate looks at. The estimate only adds bits as it reads, so judging
/// a prefix never overestimates the whole secret, and a long PEM body costs no more than this.
const ESTIMATE_PREFIX: usize = 128;

/// The salt used when nothing repository-specific is available (outside git, a shallow clone
/// without a baseline). Fingerprints stay stable, but a table built for one such repository
/// serves every other.
pub const DEFAULT_SALT: &str = "leakgate-default-salt";

/// A salt as recorded in a baseline: printable ASCII, at most 128 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Salt(String);

impl Salt {
    /// A fresh random salt (128 bits, hex) for a new baseline.
    pub fn random() -> std::io::Result<Salt> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(Salt(hex(&bytes)))
    }

    /// Accept a salt read from a file; `None` when it is empty, too long or not printable ASCII.
    pub fn parse(text: &str) -> Option<Salt> {
        let ok =
            !text.is_empty() && text.len() <= 128 && text.bytes().all(|b| b.is_ascii_graphic());
        ok.then(|| Salt(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a [`Fingerprinter`] takes its salt from.
#[derive(Debug, Clone)]
pub enum SaltSource {
    /// This salt (a baseline being written keeps its salt, or gets a new one).
    Fixed(Salt),
    /// Found on first use: the baseline given with `--baseline`, else the default baseline file
    /// at the repository root (or in `dir` outside git), else the repository's root commit, else
    /// [`DEFAULT_SALT`].
    Discover {
        dir: PathBuf,
        baseline: Option<PathBuf>,
    },
}

/// Derives fingerprints for one salt, memoised, safe to share between scanning threads.
pub struct Fingerprinter {
    source: SaltSource,
    key: OnceLock<[u8; 32]>,
    /// Keyed by a hash of (rule, secret), not the secret itself. Each slot is filled once; a
    /// thread that needs a slot being filled waits rather than repeating the Argon2 run.
    memo: Mutex<HashMap<[u8; 32], Arc<OnceLock<String>>>>,
}

impl std::fmt::Debug for Fingerprinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fingerprinter")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl Default for Fingerprinter {
    /// Discover the salt from the current directory.
    fn default() -> Self {
        Fingerprinter::new(SaltSource::Discover {
            dir: PathBuf::from("."),
            baseline: None,
        })
    }
}

impl Fingerprinter {
    pub fn new(source: SaltSource) -> Self {
        Fingerprinter {
            source,
            key: OnceLock::new(),
            memo: Mutex::default(),
        }
    }

    /// The fingerprint of `secret` as found by `rule_id`: 16 lower-case hex digits.
    pub fn of(&self, rule_id: &str, secret: &[u8]) -> String {
        let key = self.key();
        let memo_key = memo_key(key, rule_id, secret);
        let slot = {
            let mut memo = self
                .memo
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(memo.entry(memo_key).or_default())
        };
        slot.get_or_init(|| derive(key, rule_id, secret)).clone()
    }

    /// The fingerprints of one blob's (rule, secret) pairs, in order; derived in parallel when
    /// the blob has [`PARALLEL_ARGON2_FROM`] or more distinct guessable secrets.
    ///
    /// A blob holding more than [`ARGON2_PER_BLOB`] distinct guessable secrets (a fixture of
    /// thousands of weak passwords) does not pay one Argon2 run for each: one Argon2 run over
    /// all of them together gives a key, and each fingerprint is an HMAC of its secret under
    /// that key. Confirming a guess of one of them then takes every other one as well, so
    /// nothing is given up against a guesser; what is given up is identity beyond the blob:
    /// those fingerprints change when any guessable secret of the blob changes, and the same
    /// weak password elsewhere has another fingerprint. Which way a blob goes depends on its
    /// content alone, so fingerprints (and baselines) are the same on every run.
    pub fn of_many(&self, items: &[(&str, &[u8])]) -> Vec<String> {
        use rayon::prelude::*;
        let guessable: Vec<bool> = items
            .iter()
            .map(|(_, secret)| estimated_bits(secret) < GUESSABLE_BELOW_BITS)
            .collect();
        let mut distinct: Vec<(&str, &[u8])> = items
            .iter()
            .zip(&guessable)
            .filter(|(_, guessable)| **guessable)
            .map(|(item, _)| *item)
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        let joint = (distinct.len() > ARGON2_PER_BLOB)
            .then(|| joint_key(self.key(), &distinct))
            .flatten();
        let one = |((rule, secret), guessable): (&(&str, &[u8]), &bool)| match &joint {
            Some(joint) if *guessable => hmac(joint, b"joint\0", rule, secret),
            _ => self.of(rule, secret),
        };
        // Handing work to the thread pool costs a wake-up and a wait, and the scan's other
        // threads already keep the other cores busy: only a blob with many Argon2 runs ahead
        // (a fixture of weak passwords, a single file scanned alone) gains from it.
        if distinct.len() < PARALLEL_ARGON2_FROM || joint.is_some() {
            return items.iter().zip(&guessable).map(one).collect();
        }
        items.par_iter().zip(&guessable).map(one).collect()
    }

    /// The salt in use (resolving it if needed), for a baseline to record.
    pub fn salt(&self) -> Salt {
        match &self.source {
            SaltSource::Fixed(salt) => salt.clone(),
            SaltSource::Discover { dir, baseline } => discover_salt(dir, baseline.as_deref()),
        }
    }

    fn key(&self) -> &[u8; 32] {
        self.key.get_or_init(|| {
            let mut hasher = Sha256::new();
            hasher.update(b"leakgate fingerprint v2\0");
            hasher.update(self.salt().as_str().as_bytes());
            hasher.finalize().into()
        })
    }
}

fn memo_key(key: &[u8; 32], rule_id: &str, secret: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(key);
    hasher.update(rule_id.as_bytes());
    hasher.update([0]);
    hasher.update(secret);
    hasher.finalize().into()
}

/// The derivation itself: Argon2id for guessable secrets, HMAC-SHA256 for the rest. Both take
/// the salt-derived key, the rule id and the secret; both keep 8 bytes.
fn derive(key: &[u8; 32], rule_id: &str, secret: &[u8]) -> String {
    if estimated_bits(secret) < GUESSABLE_BELOW_BITS {
        let mut message = Vec::with_capacity(rule_id.len() + 1 + secret.len());
        message.extend_from_slice(rule_id.as_bytes());
        message.push(0);
        message.extend_from_slice(secret);
        let mut out = [0u8; 8];
        if argon2id(key, &message, &mut out).is_some() {
            return hex(&out);
        }
    }
    hmac(key, b"hmac\0", rule_id, secret)
}

/// HMAC-SHA256 under `key` of a domain tag, the rule id and the secret; 8 bytes, in hex.
fn hmac(key: &[u8; 32], domain: &[u8], rule_id: &str, secret: &[u8]) -> String {
    let mut message = Vec::with_capacity(domain.len() + rule_id.len() + 1 + secret.len());
    message.extend_from_slice(domain);
    message.extend_from_slice(rule_id.as_bytes());
    message.push(0);
    message.extend_from_slice(secret);
    // An HMAC accepts any key length, so `new_from_slice` cannot fail on 32 bytes; the
    // fallback keeps the function total without an unwrap.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return hex(&Sha256::digest(&message)[..8]),
    };
    mac.update(&message);
    hex(&mac.finalize().into_bytes()[..8])
}

/// The key under which a blob's many guessable secrets are fingerprinted together: one Argon2id
/// run over all of them (distinct and sorted, each length-prefixed: the set, not its order).
fn joint_key(key: &[u8; 32], secrets: &[(&str, &[u8])]) -> Option<[u8; 32]> {
    let mut message = b"leakgate joint fingerprints v1\0".to_vec();
    for (rule, secret) in secrets {
        for part in [rule.as_bytes(), secret] {
            message.extend_from_slice(&(part.len() as u64).to_le_bytes());
            message.extend_from_slice(part);
        }
    }
    let mut out = [0u8; 32];
    argon2id(key, &message, &mut out)?;
    Some(out)
}

/// Argon2id of `message` salted with `key`, into `out` (8 to 64 bytes).
///
/// The implementation is argon2-rust, which picks the processor's widest vector instructions
/// when it runs (AVX-512, AVX2, SSE2 or NEON): 1.6 times faster here than the RustCrypto crate
/// fingerprints used before, with the same output (`tests::argon2_is_the_reference_argon2id`
/// holds it to that crate, kept as a test dependency).
fn argon2id(key: &[u8; 32], message: &[u8], out: &mut [u8]) -> Option<()> {
    use argon2_rust::params::{Memory, TagLen};
    use argon2_rust::{Algorithm, Argon2, Hasher, Params, Version};
    thread_local! {
        // Each thread keeps its 4 MiB of Argon2 memory (the hasher's arena) for the whole run.
        // Freeing it after each derivation would make glibc raise its mmap threshold to 4 MiB,
        // after which every file buffer below that size comes from the heap and is never
        // returned: the tree scan's peak memory tripled (54 MB to 170 MB) before this.
        static HASHER: std::cell::RefCell<Option<(usize, Hasher)>> =
            const { std::cell::RefCell::new(None) };
    }
    let argon = |len: usize| {
        let params = Params::builder()
            .memory(Memory::kib(u64::from(ARGON2_MEMORY_KIB)))
            .passes(ARGON2_PASSES)
            .lanes(1)
            .tag_len(TagLen::bytes(len as u64))
            .build()
            .ok()?;
        Some(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    };
    HASHER.with(|hasher| {
        let mut hasher = hasher.try_borrow_mut().ok()?;
        match hasher.as_mut() {
            Some((len, _)) if *len == out.len() => {}
            Some((len, hasher)) => {
                hasher.set_argon2(argon(out.len())?);
                *len = out.len();
            }
            None => *hasher = Some((out.len(), argon(out.len())?.hasher())),
        }
        let (_, hasher) = hasher.as_mut()?;
        hasher.hash_password_into(message, key, out).ok()
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A pessimistic estimate of how many bits of guessing a secret is worth, so that anything a
/// guesser could enumerate scores low. It reads the secret as a guesser would build it:
///
/// - a run of letters is a word (one capital allowed, and leetspeak substitutes such as `0`
///   for `o` or `@` for `a`, one at a time): 4.7 bits a letter, but never more than 13 bits
///   (an 8,000-word dictionary) per started 8 letters;
/// - a run of digits is 3.3 bits a digit; any other ASCII character 5 bits; a non-ASCII byte 4;
/// - a stretch of 3 or more bytes that already occurred costs 6 bits (a repeat), however long.
///
/// Random tokens score close to their real entropy (their letter runs are short); passwords,
/// passphrases, keyboard walks with digits and repeated words score far lower.
pub fn estimated_bits(secret: &[u8]) -> f64 {
    const LETTER: f64 = 4.7;
    const WORD: f64 = 13.0;
    const WORD_LETTERS: usize = 8;
    const DIGIT: f64 = 3.32;
    const SYMBOL: f64 = 5.0;
    const OTHER_BYTE: f64 = 4.0;
    const REPEAT: f64 = 6.0;

    let s = &secret[..secret.len().min(ESTIMATE_PREFIX)];
    let mut bits = 0.0;
    let mut at = 0;
    while at < s.len() {
        let repeat = longest_earlier_match(s, at);
        if repeat >= 3 {
            bits += REPEAT;
            at += repeat;
            continue;
        }
        let byte = s[at];
        if byte.is_ascii_alphabetic() {
            // One leading capital, then one case: `Summer`, `summer`, `SUMMER`.
            let mut end = at + 1;
            // The case of the word: its second letter's (`Summer`, `C0rrect`: lower).
            let lower = s[end..]
                .iter()
                .take(2)
                .find(|b| b.is_ascii_alphabetic())
                .is_some_and(u8::is_ascii_lowercase);
            let same_case = |b: u8| {
                if lower || byte.is_ascii_lowercase() {
                    b.is_ascii_lowercase()
                } else {
                    b.is_ascii_uppercase()
                }
            };
            // A word spelled with leetspeak (`C0rr3ct`, `P@ssw0rd`) is still a word to a
            // cracker's rules: one substitute at a time, after a letter, stays in the word.
            let leet = |b: u8| matches!(b, b'0' | b'1' | b'3' | b'4' | b'5' | b'7' | b'@' | b'$');
            while end < s.len() && (same_case(s[end]) || (leet(s[end]) && !leet(s[end - 1]))) {
                end += 1;
            }
            let letters = end - at;
            let words = letters.div_ceil(WORD_LETTERS) as f64;
            bits += (letters as f64 * LETTER).min(words * WORD);
            at = end;
        } else if byte.is_ascii_digit() {
            bits += DIGIT;
            at += 1;
        } else if byte.is_ascii() {
            bits += SYMBOL;
            at += 1;
        } else {
            bits += OTHER_BYTE;
            at += 1;
        }
        if bits >= GUESSABLE_BELOW_BITS * 2.0 {
            break;
        }
    }
    bits
}

/// The length of the longest match of `s[at..]` that starts earlier in `s` (at most the
/// remaining length). Quadratic in the prefix, which [`ESTIMATE_PREFIX`] bounds.
fn longest_earlier_match(s: &[u8], at: usize) -> usize {
    let rest = &s[at..];
    (0..at)
        .map(|from| {
            s[from..]
                .iter()
                .zip(rest)
                .take_while(|(a, b)| a == b)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// The baseline file a repository keeps at its root, whose recorded salt is the repository's
/// (`leakgate baseline` writes it there by default).
pub const BASELINE_FILE: &str = ".leakgate-baseline.json";

/// The baseline format that records its salt (version 1 baselines had none).
pub const SALTED_BASELINE_VERSION: u32 = 2;

/// What salt discovery reads of a baseline file: its version and salt, nothing of its entries
/// (a baseline is parsed whole only to filter findings, by the baseline module).
#[derive(serde::Deserialize)]
struct SaltRecord {
    version: u64,
    salt: String,
}

/// The salt recorded in a version-2 baseline, or `None` when the file is absent, unreadable or
/// not a version-2 baseline with a valid salt (a scan then derives its salt otherwise;
/// `--baseline` reports the error).
///
/// Only a regular file is read: a FIFO or device given as the file to write (`leakgate baseline
/// --file`) must not be opened for reading, which would block or consume it.
pub fn read_baseline_salt(path: &Path) -> Option<Salt> {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let record: SaltRecord = serde_json::from_str(&text).ok()?;
    (record.version == u64::from(SALTED_BASELINE_VERSION))
        .then(|| Salt::parse(&record.salt))
        .flatten()
}

/// Find the salt for a scan (see [`SaltSource::Discover`]).
fn discover_salt(dir: &Path, baseline: Option<&Path>) -> Salt {
    if let Some(salt) = baseline.and_then(read_baseline_salt) {
        return salt;
    }
    let repo = git2::Repository::discover(dir).ok();
    if let Some(salt) = repository_baseline_salt(dir, repo.as_ref()) {
        return salt;
    }
    if let Some(salt) = repo.as_ref().and_then(root_commit_salt) {
        return salt;
    }
    Salt(DEFAULT_SALT.to_owned())
}

/// The salt of the baseline file at the root of the repository holding `dir` (or in `dir`
/// outside git), if there is a version-2 one: a new baseline written elsewhere reuses it, so a
/// repository keeps one salt.
pub fn baseline_salt_near(dir: &Path) -> Option<Salt> {
    repository_baseline_salt(dir, git2::Repository::discover(dir).ok().as_ref())
}

fn repository_baseline_salt(dir: &Path, repo: Option<&git2::Repository>) -> Option<Salt> {
    let root = repo
        .and_then(git2::Repository::workdir)
        .map_or_else(|| dir.to_owned(), Path::to_owned);
    read_baseline_salt(&root.join(BASELINE_FILE))
}

/// `git-root:<id>` of the commit reached by following first parents from HEAD to the start,
/// the same in every full clone. A shallow clone cannot see it, and an unborn HEAD has none.
fn root_commit_salt(repo: &git2::Repository) -> Option<Salt> {
    if repo.is_shallow() {
        return None;
    }
    let mut commit = repo.head().ok()?.peel_to_commit().ok()?;
    while let Ok(parent) = commit.parent(0) {
        commit = parent;
    }
    Salt::parse(&format!("git-root:{}", commit.id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(salt: &str) -> Fingerprinter {
        Fingerprinter::new(SaltSource::Fixed(Salt(salt.to_owned())))
    }

    #[test]
    fn leetspeak_passphrases_are_guessable() {
        for phrase in [
            "C0rr3ct-H0rs3-B4tt3ry-St4pl3",
            "P@ssw0rd!2024",
            "Tr0ub4dor&3-Summ3r",
        ] {
            assert!(
                estimated_bits(phrase.as_bytes()) < GUESSABLE_BELOW_BITS,
                "{phrase}: {}",
                estimated_bits(phrase.as_bytes())
            );
        }
    }

    #[test]
    fn stable_rule_scoped_and_salted() {
        let a = fixed("one");
        assert_eq!(a.of("r", b"Summer2024!x"), a.of("r", b"Summer2024!x"));
        assert_eq!(
            a.of("r", b"Summer2024!x"),
            fixed("one").of("r", b"Summer2024!x")
        );
        assert_ne!(a.of("r", b"Summer2024!x"), a.of("s", b"Summer2024!x"));
        assert_ne!(
            a.of("r", b"Summer2024!x"),
            fixed("two").of("r", b"Summer2024!x")
        );
        // Assembled, so that this file passes leakgate's own scan.
        let random_token = ["Zq8vR2mXk9LpT4wY7", "nB3cD6fH1jG5sA0eU"].concat();
        let token = random_token.as_bytes();
        assert!(estimated_bits(token) >= GUESSABLE_BELOW_BITS);
        assert_ne!(a.of("r", token), fixed("two").of("r", token));
        assert_eq!(a.of("r", token).len(), 16);
        assert_eq!(
            a.of_many(&[("r", b"Summer2024!x"), ("r", token)]),
            vec![a.of("r", b"Summer2024!x"), a.of("r", token)]
        );
    }

    #[test]
    fn guessable_secrets_score_low_and_random_tokens_high() {
        for weak in [
            "Summer2024!x",
            "hunter2",
            "P@ssw0rd123456",
            "correcthorsebatterystaple",
            "passwordpasswordpasswordpassword1",
            "qwertyuiopasdfghjkl1234567890",
            "MyCompanyProdDatabasePassword2024!",
        ] {
            let bits = estimated_bits(weak.as_bytes());
            assert!(bits < GUESSABLE_BELOW_BITS, "{weak}: {bits}");
        }
        for strong in [
            "Zq8vR2mXk9LpT4wY7nB3cD6fH1jG5sA0eU",
            "3f9a1c7e5b2d8f4a6c0e9b1d7f3a5c8e2b4d6f0a",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzXq9Lm3Tw8",
        ] {
            let bits = estimated_bits(strong.as_bytes());
            assert!(bits >= GUESSABLE_BELOW_BITS, "{strong}: {bits}");
        }
    }

    #[test]
    fn argon2_cost_is_milliseconds() {
        let key = [7u8; 32];
        let started = std::time::Instant::now();
        for n in 0..20u8 {
            assert!(argon2id(&key, &[b'p', n], &mut [0u8; 8]).is_some());
        }
        let each = started.elapsed() / 20;
        // Loose bounds: shared CI machines are slow, but a cost that dropped to microseconds
        // would mean the KDF no longer protects anything.
        assert!(
            each >= std::time::Duration::from_micros(500),
            "argon2 run took only {each:?}"
        );
        assert!(
            each <= std::time::Duration::from_millis(100),
            "argon2 run took {each:?}"
        );
    }

    /// argon2-rust gives what the RustCrypto `argon2` crate (fingerprints' implementation
    /// before it) gives, at fingerprints' cost and output lengths, for keys and messages of
    /// every shape: fingerprints in existing baselines stay the same.
    #[test]
    fn argon2_is_the_reference_argon2id() {
        use argon2::{Algorithm, Argon2, Params, Version};
        let mut next = crate::testing::numbers(0x2545_f491_4f6c_dd1d);
        for round in 0..12 {
            let key: [u8; 32] = std::array::from_fn(|_| next(256) as u8);
            let message: Vec<u8> = (0..[0, 1, 7, 64, 300, 1025][round % 6])
                .map(|_| next(256) as u8)
                .collect();
            for len in [8, 32] {
                let mut ours = vec![0u8; len];
                argon2id(&key, &message, &mut ours).expect("derives");
                let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, 1, Some(len))
                    .expect("the reference takes these parameters");
                let mut reference = vec![0u8; len];
                Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                    .hash_password_into(&message, &key, &mut reference)
                    .expect("the reference derives");
                assert_eq!(ours, reference, "round {round}, {len} bytes");
            }
        }
    }

    #[test]
    fn many_guessable_secrets_in_one_blob_are_derived_together() {
        let a = fixed("one");
        let words: Vec<Vec<u8>> = (0..=ARGON2_PER_BLOB)
            .map(|n| format!("pw{n}x").into_bytes())
            .collect();
        let items: Vec<(&str, &[u8])> = words.iter().map(|w| ("r", w.as_slice())).collect();
        // At the limit, each is its own Argon2 run, as `of` gives it.
        let few = a.of_many(&items[..ARGON2_PER_BLOB]);
        assert_eq!(few[0], a.of("r", &words[0]));
        // Past it: one run for all, the same on every run, one fingerprint per secret.
        let many = a.of_many(&items);
        assert_ne!(many[0], a.of("r", &words[0]));
        assert_eq!(many, fixed("one").of_many(&items));
        let mut distinct = many.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), items.len());
        // The set, not its order; and changing any secret changes them.
        let mut reversed = items.clone();
        reversed.reverse();
        let mut back = a.of_many(&reversed);
        back.reverse();
        assert_eq!(back, many);
        let mut changed = items.clone();
        changed[3] = ("r", b"another");
        assert_ne!(a.of_many(&changed)[0], many[0]);
    }

    #[test]
    fn salt_parse_rejects_odd_text() {
        assert!(Salt::parse("").is_none());
        assert!(Salt::parse("a b").is_none());
        assert!(Salt::parse(&"a".repeat(129)).is_none());
        assert!(Salt::parse("0123abcd").is_some());
        assert_eq!(Salt::random().map(|s| s.as_str().len()).ok(), Some(32));
    }
}
