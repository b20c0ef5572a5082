//! Baselines: the findings a team has accepted (or will fix later), so that turning leakgate on
//! in an old repository blocks only new leaks.
//!
//! `.leakgate-baseline.json` lists entries keyed by what does not change when code moves: the
//! rule, the secret's fingerprint (a hash: no secret is stored) and the path. No line numbers,
//! no timestamps, sorted, one entry per line: moving code leaves it unchanged, and two branches
//! that each add entries merge without conflicts in the common case.
//!
//! Version 2 records the salt its fingerprints were derived with ([`crate::fingerprint`]), so
//! every clone, shallow or not, derives the same ones. Version 1 baselines held unsalted SHA-256
//! fingerprints, which confirm a guessed password offline; they cannot be converted without the
//! secrets, so they are rejected with the command that regenerates them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::fingerprint::Salt;

pub const DEFAULT_FILE: &str = crate::fingerprint::BASELINE_FILE;

/// The format written and read: salted fingerprints, the salt recorded.
pub const VERSION: u32 = crate::fingerprint::SALTED_BASELINE_VERSION;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
}

impl Entry {
    pub fn of(finding: &Finding) -> Self {
        Entry {
            // As reports show it: a file named after a token must not put the token into a
            // committed baseline.
            path: crate::mask::mask_name(&finding.path).into_owned(),
            rule: finding.rule.clone(),
            fingerprint: finding.fingerprint.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    /// The fingerprint salt (see [`crate::fingerprint`]): not a secret, but what makes the
    /// fingerprints of this repository differ from every other's.
    pub salt: String,
    pub entries: BTreeSet<Entry>,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum BaselineError {
    #[error("cannot read the baseline {}", path.display())]
    #[diagnostic(
        code(leakgate::baseline::read),
        help("create one with `leakgate baseline`")
    )]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the baseline {} is not valid: {message}", path.display())]
    #[diagnostic(
        code(leakgate::baseline::invalid),
        help(
            "regenerate it with `leakgate baseline`; it lists path, rule and fingerprint per entry"
        )
    )]
    Invalid { path: PathBuf, message: String },
    #[error(
        "the baseline {} is version {version}, whose fingerprints are unsalted hashes that confirm a guessed secret offline",
        path.display()
    )]
    #[diagnostic(
        code(leakgate::baseline::outdated),
        help(
            "fingerprints cannot be converted without the secrets: regenerate the baseline with `leakgate baseline --file {}` (review `leakgate scan` first: it accepts every current finding) and commit it in place of the old one",
            path.display()
        )
    )]
    Outdated { path: PathBuf, version: u64 },
    #[error("{} is not a leakgate baseline, and writing one would replace it", path.display())]
    #[diagnostic(
        code(leakgate::baseline::not_a_baseline),
        help(
            "give --file a path of its own (the default is .leakgate-baseline.json), or remove the file first; nothing was scanned or changed"
        )
    )]
    NotABaseline { path: PathBuf },
    #[error("cannot write the baseline {}", path.display())]
    #[diagnostic(code(leakgate::baseline::write))]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
        #[help]
        help: String,
    },
}

impl Baseline {
    /// A baseline of these findings, whose fingerprints were derived with `salt`.
    pub fn from_findings(findings: &[Finding], salt: &Salt) -> Self {
        Baseline {
            version: VERSION,
            salt: salt.as_str().to_owned(),
            entries: findings.iter().map(Entry::of).collect(),
        }
    }

    pub fn load(path: &Path) -> Result<Self, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// A baseline's text, read from `path` on disk or from a commit (the base side of a range).
    pub fn parse(path: &Path, text: &str) -> Result<Self, BaselineError> {
        let invalid = |message: String| BaselineError::Invalid {
            path: path.to_owned(),
            message,
        };
        // serde's messages quote the offending value; a baseline is not supposed to hold
        // secrets, but a hand-edited one might, so only the position and kind are shown.
        let describe = |e: serde_json::Error| {
            format!(
                "{} at line {} column {}",
                match e.classify() {
                    serde_json::error::Category::Io => "cannot be read",
                    serde_json::error::Category::Syntax => "is not valid JSON",
                    serde_json::error::Category::Data => "does not have the baseline's fields",
                    serde_json::error::Category::Eof => "ends early",
                },
                e.line(),
                e.column()
            )
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| invalid(describe(e)))?;
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(VERSION) => {}
            Some(version @ 1) => {
                return Err(BaselineError::Outdated {
                    path: path.to_owned(),
                    version,
                });
            }
            Some(version) => return Err(invalid(format!("unknown version {version}"))),
            None => return Err(invalid("it has no numeric \"version\"".to_owned())),
        }
        let baseline: Baseline = serde_json::from_value(value).map_err(|e| invalid(describe(e)))?;
        if Salt::parse(&baseline.salt).is_none() {
            return Err(invalid(
                "its \"salt\" is not 1 to 128 printable ASCII characters".to_owned(),
            ));
        }
        Ok(baseline)
    }

    /// Refuse to write a baseline over a file that is not one (`baseline --file .env`, a file
    /// named to scan, a README): that would destroy it. A baseline of any version may be
    /// replaced, even one a merge conflict broke (regenerating is the fix), as may an empty
    /// file, and a FIFO or device is written into, never replaced.
    pub fn refuse_to_replace_other_files(path: &Path) -> Result<(), BaselineError> {
        use std::io::Read;
        let Ok(meta) = std::fs::metadata(path) else {
            return Ok(());
        };
        if !meta.is_file() || meta.len() == 0 {
            return Ok(());
        }
        let mut text = Vec::new();
        let read =
            std::fs::File::open(path).and_then(|file| file.take(1 << 20).read_to_end(&mut text));
        if let Err(source) = read {
            return Err(BaselineError::Read {
                path: path.to_owned(),
                source,
            });
        }
        // What every version wrote near its start, and a conflicted merge keeps.
        let looks_like_one = |key: &[u8]| memchr::memmem::find(&text, key).is_some();
        if looks_like_one(b"\"version\"") && looks_like_one(b"\"entries\"") {
            return Ok(());
        }
        Err(BaselineError::NotABaseline {
            path: path.to_owned(),
        })
    }

    /// The salt this baseline's fingerprints were derived with.
    pub fn salt(&self) -> Option<Salt> {
        Salt::parse(&self.salt)
    }

    pub fn contains(&self, finding: &Finding) -> bool {
        self.entries.contains(&Entry::of(finding))
    }

    /// Entries no finding matches any more.
    pub fn unused<'a>(&'a self, findings: &[Finding]) -> Vec<&'a Entry> {
        let seen: BTreeSet<Entry> = findings.iter().map(Entry::of).collect();
        self.entries.iter().filter(|e| !seen.contains(e)).collect()
    }

    /// The file's text: sorted, one entry per line, so diffs and merges stay line-local.
    pub fn to_text(&self) -> String {
        let lines: Vec<String> = self
            .entries
            .iter()
            .map(|e| format!("    {}", serde_json::to_string(e).unwrap_or_default()))
            .collect();
        let entries = if lines.is_empty() {
            "[]".to_owned()
        } else {
            format!("[\n{}\n  ]", lines.join(",\n"))
        };
        format!(
            "{{\n  \"version\": {},\n  \"salt\": {},\n  \"entries\": {entries}\n}}\n",
            self.version,
            serde_json::Value::from(self.salt.as_str())
        )
    }

    /// Write as `crate::atomic` does: atomically, through a symlink, into a FIFO, keeping the
    /// file's mode.
    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        let options = crate::atomic::WriteOptions {
            create_parents: true,
            ..crate::atomic::WriteOptions::default()
        };
        crate::atomic::write(path, self.to_text().as_bytes(), &options).map_err(|source| {
            BaselineError::Write {
                path: path.to_owned(),
                help: crate::atomic::advice(&source),
                source,
            }
        })
    }
}

/// The salt recorded in a version-2 baseline file: read by the fingerprint module, which needs
/// it to discover a scan's salt and sits below baselines.
pub use crate::fingerprint::read_baseline_salt as read_salt;

#[cfg(test)]
mod tests {
    use super::*;

    /// The salt a baseline records is the one salt discovery reads back; a version-1 baseline,
    /// a missing file, an unknown version or a broken salt gives none.
    #[test]
    fn the_salt_written_is_the_salt_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(DEFAULT_FILE);
        let salt = Salt::parse("team-salt-0123").expect("salt");
        Baseline::from_findings(&[], &salt)
            .write(&path)
            .expect("write");
        assert_eq!(read_salt(&path), Some(salt));

        assert_eq!(read_salt(&dir.path().join("absent.json")), None);
        for text in [
            r#"{"version": 1, "entries": []}"#,
            r#"{"version": 2, "salt": "", "entries": []}"#,
            r#"{"version": 3, "salt": "x", "entries": []}"#,
            "not json",
        ] {
            std::fs::write(&path, text).expect("write");
            assert_eq!(read_salt(&path), None, "{text}");
        }
    }
}
