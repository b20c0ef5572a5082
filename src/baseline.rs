//! Baselines: the findings a team has accepted (or will fix later), so that turning leakgate on
//! in an old repository blocks only new leaks.
//!
//! `.leakgate-baseline.json` lists entries keyed by what does not change when code moves: the
//! rule, the secret's fingerprint (a hash: no secret is stored) and the path. No line numbers,
//! no timestamps, sorted, one entry per line: moving code leaves it unchanged, and two branches
//! that each add entries merge without conflicts in the common case.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::finding::Finding;

pub const DEFAULT_FILE: &str = ".leakgate-baseline.json";

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
            path: finding.path.clone(),
            rule: finding.rule.clone(),
            fingerprint: finding.fingerprint.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
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
    pub fn from_findings(findings: &[Finding]) -> Self {
        Baseline {
            version: 1,
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
        let baseline: Baseline =
            serde_json::from_str(text).map_err(|e| BaselineError::Invalid {
                path: path.to_owned(),
                message: e.to_string(),
            })?;
        if baseline.version != 1 {
            return Err(BaselineError::Invalid {
                path: path.to_owned(),
                message: format!("unknown version {}", baseline.version),
            });
        }
        Ok(baseline)
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
            "{{\n  \"version\": {},\n  \"entries\": {entries}\n}}\n",
            self.version
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
