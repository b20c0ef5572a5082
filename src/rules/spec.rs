//! The schema of a rule as written in a rules file: plain serde data, no matchers.
//!
//! It is its own file so that build.rs can include it (`#[path]`) and parse the built-in
//! `rules/*.toml` with the very types, defaults and `deny_unknown_fields` the binary uses, then
//! write them as static tables (see [`super::builtin`]): start-up copies rules instead of
//! parsing them. Hence nothing here may name another module of the crate.

use serde::{Deserialize, Serialize};

/// What kind of evidence a rule looks for; decides which value checks apply and which rule wins
/// when two matches overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// A provider format with a recognisable shape (`sk-ant-api03-…`, `AKIA…`, PEM blocks).
    #[default]
    Token,
    /// A generic `key = value` assignment: the key must name a secret and the value must not be
    /// a placeholder, a reference or an expression.
    Assignment,
    /// A risky setting, not a secret (an agent sandbox switched off): no entropy or placeholder
    /// checks, and the matched value is shown, not redacted. Below `high` severity it is a
    /// warning that fails the run only with `--strict`.
    Policy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    #[default]
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// How sure leakgate is that a finding is a live credential: `high` for a provider format (or a
/// decoded credential), `medium` for a generic secret-named key with a random-looking value,
/// `low` for a weak literal password or a value in a test fixture. Confidence, not severity,
/// decides whether a finding blocks (`--min-confidence`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// One level lower (a test fixture's credential); `low` stays `low`.
    pub fn lowered(self) -> Confidence {
        match self {
            Confidence::High => Confidence::Medium,
            Confidence::Medium | Confidence::Low => Confidence::Low,
        }
    }
}

/// A rule as written in a rules file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub regex: String,
    #[serde(default)]
    pub kind: RuleKind,
    #[serde(default)]
    pub severity: Severity,
    /// How sure a match of this rule is; when absent, decided by its kind (see
    /// [`RuleSpec::confidence`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    /// For an assignment rule whose context leaves no doubt that the value is a password (a
    /// key naming a password, `mysql -p`, a credential constructor's password argument): a
    /// literal too weak for the generic checks (short, all letters) is still reported, at
    /// this confidence, unless it is a placeholder (see `scan::literal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weak_literals: Option<Confidence>,
    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub multiline: bool,
    /// Globs (gitignore-style, matched against the path) of the files the rule applies to;
    /// empty means every file.
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub allowlist: AllowlistSpec,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
    /// Where the secret is revoked or rotated: an `https://` URL of the provider's own page.
    /// After a leak it is the first thing a user needs, so every report carries it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke: Option<String>,
    /// The checksum the secret must pass (`"github-crc32"`, …): a match whose checksum does
    /// not verify is not reported (see [`Checksum`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<Checksum>,
    /// The partner a paired credential needs within a few lines (an AWS secret key's key id):
    /// without it the secret is not reported by this rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<RequiresSpec>,
    /// The rule reads only text a decoder took from this context (`basic-auth`: the
    /// `user:password` of a decoded Basic credential), never text as written; its keywords
    /// name where such text is found but do not enter the prefilter (the decoder decides
    /// where the rule runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<RuleContext>,
}

impl RuleSpec {
    /// The rule's own confidence, else its kind's: a provider format is `high`, a generic
    /// assignment `medium` (a policy finding is a fact about a setting: `high`).
    pub fn confidence(&self) -> Confidence {
        self.confidence.unwrap_or(match self.kind {
            RuleKind::Token | RuleKind::Policy => Confidence::High,
            RuleKind::Assignment => Confidence::Medium,
        })
    }
}

/// Where a decoder found a text, for the rules that read only such text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleContext {
    /// `user:password`, decoded from an `Authorization: Basic` value, a Docker registry
    /// `auth` or a `basic_auth` field.
    BasicAuth,
}

/// The second half of a paired credential (`[rule.requires]`): a regex that must match within
/// `within_lines` lines of the secret (before or after it, the secret's own line included).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RequiresSpec {
    /// What the partner looks like. Its location is the group named `partner`, else group 1,
    /// else the whole match.
    pub regex: String,
    /// How many lines away from the secret's line the partner may be (0: the same line).
    pub within_lines: usize,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistSpec {
    /// Regexes over the secret: a secret matching one is not reported.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// Substrings (case-insensitive) of the secret that mark it as a placeholder.
    #[serde(default)]
    pub stopwords: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
}

/// A checksum scheme a rule's secrets must pass (`checksum = "…"` in a rules file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    /// GitHub's token format (`ghp_`, `gho_`, `ghu_`, `ghs_`), also used by npm (`npm_`): after
    /// the prefix's `_`, 30 random base62 characters, then their CRC32 (IEEE) written in base62
    /// (`0-9A-Za-z`) as 6 characters, zero-padded. GitHub engineering blog, "Behind GitHub's new
    /// authentication token formats" (2021-04-05); GitHub changelog, "npm has a new access token
    /// format" (2021-09-23).
    GithubCrc32,
    /// Grafana service account tokens (`glsa_<32 random>_<8 hex>`): the hex of the
    /// little-endian CRC32 (IEEE) of everything before the last `_` (Grafana's own
    /// `pkg/components/satokengen`).
    GrafanaCrc32,
    /// NATS nkeys (seeds `SU…`, `SA…`, `SO…`, …, and public keys): RFC 4648 base32 without
    /// padding of the prefix bytes and the key, then their CRC16/XMODEM, little-endian (the
    /// `nkeys` library's `strkey.go`).
    NkeyCrc16,
    /// The reverse of [`Checksum::NkeyCrc16`], for the rule that reports, at low confidence, a
    /// value of a seed's shape (58 characters of RFC 4648 base32) whose CRC-16 does not verify
    /// (a mistyped or altered copy, an obfuscated one) where its name says seed or nkey: it
    /// passes exactly the seed-shaped values the checksum rejects, so a verified seed is the
    /// checksummed rule's alone.
    NkeyCrc16Mismatch,
    /// Bitcoin Base58Check (WIF private keys, `xprv`/`tprv` extended keys): base58 whose last 4
    /// bytes are the start of the double SHA-256 of the rest (Bitcoin wiki, "Base58Check
    /// encoding").
    Base58check,
    /// Bech32 (BIP 173): human-readable part, `1`, data, then a 6-character checksum; used by
    /// age secret keys (`AGE-SECRET-KEY-1…`, age's specification).
    Bech32,
    /// Private Packagist authentication tokens (`packagist_ort_…`, `_out_`, `_uut_`, `_cut_`):
    /// the prefix, 60 random hex characters, then the CRC32 (IEEE) of prefix and random part in
    /// lowercase hex, zero-padded to 8 characters (Private Packagist docs, "Composer
    /// Authentication", "How to calculate the checksum").
    PackagistCrc32,
}
