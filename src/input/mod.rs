//! Inputs: where scanned bytes come from. Each source hands a [`Sink`] the bytes of one blob
//! with its [`Provenance`], or says why it skipped one.
//!
//! Every source decodes what it reads with [`text`] (UTF-16 and BOMs), so the scanner sees the
//! same text whichever mode produced it.
//!
//! Sources: the working tree ([`walk`], and standard input) and git ([`git`]: the staged change, a commit range,
//! history, at pack speed in [`history`]). Agent run data is walked like the working tree and relabelled on its way to the
//! scanner by the journal module, a layer above that wraps a [`Sink`] (inputs know nothing of
//! journals).

pub mod base_side;
pub mod git;
pub mod history;
mod index_diff;
pub mod leakgateignore;
mod pack;
mod provenance;
mod revwalk;
pub mod text;
pub mod walk;

use crate::diagnostic::Diagnostic;

pub use provenance::{CommitInfo, Provenance, display_path};

pub use crate::diagnostic::SkipReason;

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
    /// History: an earlier version of this file, scanned already, whose secrets are reported
    /// at their earliest place. Only the lines that differ from it (with what the rules read
    /// around them) are scanned: see `scan::since`.
    pub earlier: Option<&'a [u8]>,
}

/// What an input source feeds. Implementations are shared across walker threads.
pub trait Sink: Sync {
    /// One blob, to be scanned.
    fn blob(&self, blob: Blob<'_>);
    /// Whatever else a source has to say about its inputs, each a [`Diagnostic`]: a file it
    /// skipped ([`crate::diagnostic::Code::Skipped`], counted, never silent), an input it
    /// could not read ([`crate::diagnostic::Code::Unreadable`]: the scan goes on, the exit
    /// code becomes 2), a file a change adds whose content it did not scan
    /// ([`crate::diagnostic::Code::NotScanned`], a warning every format shows).
    fn diagnostic(&self, diagnostic: Diagnostic);
    /// Whether a source should read the file at this repository path at all: git sources ask
    /// before reading a blob, so a path `.leakgateignore` lists costs nothing and is not counted.
    fn wants(&self, _path: &str) -> bool {
        true
    }
}
