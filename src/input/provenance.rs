//! [`Provenance`]: what every source hands the scanner with a blob's bytes, and every finding
//! carries to the reporters. It lives with the sources that make it; the scanner, findings and
//! reporters only read it.

use serde::Serialize;

/// Where scanned bytes came from. Every input source yields one of these with its bytes, so the
/// scanner and the reporters never need to know which mode produced a finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Provenance {
    /// A file in the working tree.
    File { path: String },
    /// A file's staged content (the git index), with its blob id.
    Staged { path: String, blob: String },
    /// A file in a commit: for range scans, the commit that added the finding's line.
    Commit {
        path: String,
        blob: String,
        commit: CommitInfo,
    },
    /// The message of a commit or an annotated tag (people paste tokens into them): `path` says
    /// which (`(commit message)`, `(tag message)`; never a repository path), `object` is the
    /// commit or tag id, `commit` who wrote it and when (for a tag: the tag and its tagger).
    Message {
        path: String,
        object: String,
        commit: CommitInfo,
    },
    /// A file of an agent run (`.a5c/runs/<run_id>/…`); for a journal event, its seq and type.
    Journal {
        path: String,
        run_id: String,
        seq: Option<u64>,
        event_type: Option<String>,
    },
    /// A coding agent's transcript in the user's home (`journal --agents`): which agent wrote
    /// it, the session it records and, for a finding, the message (its id where the format
    /// has one, else its position) that held the secret.
    Agent {
        path: String,
        /// `claude-code`, `codex` or `gemini`.
        agent: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        session: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
}

/// A commit as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CommitInfo {
    pub id: String,
    /// `Name <email>`.
    pub author: String,
    /// RFC 3339, UTC.
    pub date: String,
}

impl Provenance {
    pub fn file(path: &std::path::Path) -> Self {
        Provenance::File {
            path: display_path(path),
        }
    }

    /// The path shown to the user.
    /// The path, to replace (a name that holds a secret found in its own file is masked).
    pub fn path_mut(&mut self) -> &mut String {
        match self {
            Provenance::File { path }
            | Provenance::Staged { path, .. }
            | Provenance::Commit { path, .. }
            | Provenance::Message { path, .. }
            | Provenance::Journal { path, .. }
            | Provenance::Agent { path, .. } => path,
        }
    }

    pub fn path(&self) -> &str {
        match self {
            Provenance::File { path }
            | Provenance::Staged { path, .. }
            | Provenance::Commit { path, .. }
            | Provenance::Message { path, .. }
            | Provenance::Journal { path, .. }
            | Provenance::Agent { path, .. } => path,
        }
    }

    /// Replace the shown path and the commit author (for reports that mask names).
    pub fn mask_names(&mut self, path: Option<String>, author: Option<String>) {
        let own = match self {
            Provenance::File { path }
            | Provenance::Staged { path, .. }
            | Provenance::Commit { path, .. }
            | Provenance::Message { path, .. }
            | Provenance::Journal { path, .. }
            | Provenance::Agent { path, .. } => path,
        };
        if let Some(path) = path {
            *own = path;
        }
        for name in self.names_mut() {
            if let std::borrow::Cow::Owned(shown) = crate::mask::mask_name(name) {
                *name = shown;
            }
        }
        if let (
            Provenance::Commit { commit, .. } | Provenance::Message { commit, .. },
            Some(author),
        ) = (self, author)
        {
            commit.author = author;
        }
    }

    /// Does a name this provenance carries besides its path (a journal's run id) need masking?
    pub fn has_masked_names(&self) -> bool {
        self.names()
            .any(|name| matches!(crate::mask::mask_name(name), std::borrow::Cow::Owned(_)))
    }

    /// The names taken from scanned data besides the path (a run id, a session or message
    /// id), which reports mask as they mask paths: a transcript can name a session anything.
    fn names(&self) -> impl Iterator<Item = &String> {
        let (first, second) = match self {
            Provenance::Journal { run_id, .. } => (Some(run_id), None),
            Provenance::Agent {
                session, message, ..
            } => (session.as_ref(), message.as_ref()),
            _ => (None, None),
        };
        first.into_iter().chain(second)
    }

    fn names_mut(&mut self) -> impl Iterator<Item = &mut String> {
        let (first, second) = match self {
            Provenance::Journal { run_id, .. } => (Some(run_id), None),
            Provenance::Agent {
                session, message, ..
            } => (session.as_mut(), message.as_mut()),
            _ => (None, None),
        };
        first.into_iter().chain(second)
    }

    pub fn commit(&self) -> Option<&CommitInfo> {
        match self {
            Provenance::Commit { commit, .. } | Provenance::Message { commit, .. } => Some(commit),
            _ => None,
        }
    }
}

/// A path as shown in reports: lossy UTF-8, without a leading `./`.
pub fn display_path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy();
    let mut text: &str = &text;
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    text.to_owned()
}
