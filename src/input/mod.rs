//! Inputs: where scanned bytes come from. Each source hands a [`Sink`] the bytes of one blob
//! with its [`Provenance`], or says why it skipped one.
//!
//! Every source decodes what it reads with [`text`] (UTF-16 and BOMs), so the scanner sees the
//! same text whichever mode produced it.
//!
//! Sources: the working tree ([`walk`], and standard input) and git ([`git`]: the staged change, a commit range,
//! history). Agent run data is walked like the working tree and relabelled on its way to the
//! scanner by the journal module, a layer above that wraps a [`Sink`] (inputs know nothing of
//! journals).

pub mod base_side;
pub mod git;
mod index_diff;
pub mod leakgateignore;
mod provenance;
pub mod text;
pub mod walk;

use serde::Serialize;

pub use provenance::{CommitInfo, Provenance, display_path};

/// Why a file was not scanned. Every skip is counted and reported, never silent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// A NUL byte in the first 8 KiB.
    Binary,
    /// Larger than `--max-file-size`.
    TooLarge,
    /// Gone before it could be read (it vanished during the scan). A file or directory that is
    /// there and cannot be read is a [`Problem`], not a skip: its content is unknown.
    Unreadable,
    /// A FIFO, socket or device: opening one could hang or have side effects.
    NotRegularFile,
    /// Symbolic links are not followed (no escapes from the tree, no loops).
    Symlink,
    /// A git submodule: its content lives in another repository.
    Submodule,
}

impl SkipReason {
    pub const ALL: [SkipReason; 5] = [
        SkipReason::Binary,
        SkipReason::TooLarge,
        SkipReason::Unreadable,
        SkipReason::NotRegularFile,
        SkipReason::Symlink,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too large",
            SkipReason::Unreadable => "unreadable",
            SkipReason::NotRegularFile => "not a regular file",
            SkipReason::Symlink => "symlink",
            SkipReason::Submodule => "submodule",
        }
    }
}

/// A file that was not scanned, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A problem with an input the user named, or one a git scan could not read (a missing path, a
/// FIFO, a blob absent from a partial clone). It does not stop the scan, but the exit code
/// becomes 2.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// Something about one input that every report must show although it does not fail the run: a
/// file a change adds that is over `--max-file-size`, so its content was not scanned.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FileWarning {
    pub path: String,
    pub message: String,
}

/// The 1-based line numbers a change adds to a file, as sorted inclusive ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddedLines(Vec<(usize, usize)>);

impl AddedLines {
    pub fn new(mut ranges: Vec<(usize, usize)>) -> Self {
        ranges.sort_unstable();
        AddedLines(ranges)
    }

    /// Does any line from `first` to `last` (inclusive) belong to the change?
    pub fn touches(&self, first: usize, last: usize) -> bool {
        self.0
            .iter()
            .any(|&(start, end)| start <= last && first <= end)
    }

    pub fn count(&self) -> u64 {
        self.0
            .iter()
            .map(|(start, end)| (end - start + 1) as u64)
            .sum()
    }
}

/// One blob to scan: its bytes, where they came from, and (for a change) which lines are new.
#[derive(Debug)]
pub struct Blob<'a> {
    pub provenance: Provenance,
    pub data: &'a [u8],
    /// Report only findings that touch these lines; `None` means every line counts.
    pub added_lines: Option<&'a AddedLines>,
    /// A change to a binary blob (either side) has no line diff: this is the previous version,
    /// and only findings whose secret it does not also hold are the change's. A secret already
    /// in a binary file is then not reported again on every change to it.
    pub previous: Option<&'a [u8]>,
}

/// What an input source feeds. Implementations are shared across walker threads.
pub trait Sink: Sync {
    /// One blob, to be scanned.
    fn blob(&self, blob: Blob<'_>);
    fn skipped(&self, skipped: Skipped);
    fn problem(&self, problem: Problem);
    /// Whether a source should read the file at this repository path at all: git sources ask
    /// before reading a blob, so a path `.leakgateignore` lists costs nothing and is not counted.
    fn wants(&self, _path: &str) -> bool {
        true
    }
    /// A warning about one input, shown in every format (see [`FileWarning`]).
    fn warning(&self, warning: FileWarning);
}
