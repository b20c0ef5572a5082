//! The staged source (`leakgate scan --staged`): what the next commit will contain.
//!
//! It reads HEAD and the index through git2 (no `git` subprocess), diffs them, and hands the
//! sink every added, modified, renamed or copied file's **index blob** (not the working-tree
//! file: a file can be partly staged) with the line numbers the change adds, so only findings on
//! those lines are reported. A repository with no commits yet diffs against the empty tree.

use std::path::Path;

use git2::{
    Delta, DiffFindOptions, DiffOptions, ErrorCode, FileMode, ObjectType, Patch, Repository,
};

use super::{AddedLines, Blob, Sink, SkipReason, Skipped};
use crate::finding::Provenance;

/// Why the staged change could not be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum GitError {
    #[error("not a git repository: {path}")]
    #[diagnostic(
        code(leakgate::git::not_a_repo),
        help(
            "run `leakgate scan --staged` inside a git repository, or scan files with `leakgate scan PATH`"
        )
    )]
    NotARepo { path: String },

    #[error("cannot read the git repository: {message}")]
    #[diagnostic(
        code(leakgate::git::read),
        help("check the repository with `git fsck`")
    )]
    Read { message: String },
}

impl From<git2::Error> for GitError {
    fn from(error: git2::Error) -> Self {
        GitError::Read {
            message: error.message().to_owned(),
        }
    }
}

/// What the staged scan looked at, so that "no secrets" can never hide "nothing scanned".
#[derive(Debug, Clone, Copy, Default)]
pub struct StagedTotals {
    pub files: u64,
    pub lines_added: u64,
}

/// Feed the staged change of the repository containing `start` to `sink`.
pub fn staged(start: &Path, max_file_size: u64, sink: &dyn Sink) -> Result<StagedTotals, GitError> {
    let repo = Repository::discover(start).map_err(|e| match e.code() {
        ErrorCode::NotFound => GitError::NotARepo {
            path: std::path::absolute(start)
                .unwrap_or_else(|_| start.to_owned())
                .display()
                .to_string(),
        },
        _ => GitError::from(e),
    })?;
    let head_tree = match repo.head() {
        Ok(head) => Some(head.peel_to_tree()?),
        // No commits yet: everything staged is added.
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let index = repo.index()?;
    let mut options = DiffOptions::new();
    options.context_lines(0).include_typechange(true);
    let mut diff = repo.diff_tree_to_index(head_tree.as_ref(), Some(&index), Some(&mut options))?;
    diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
    let odb = repo.odb()?;

    let mut totals = StagedTotals::default();
    for (delta_index, delta) in diff.deltas().enumerate() {
        if !matches!(
            delta.status(),
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
        ) {
            continue;
        }
        let new = delta.new_file();
        let path = new
            .path_bytes()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .unwrap_or_default();
        let skip = |reason, detail: Option<String>| {
            sink.skipped(Skipped {
                path: path.clone(),
                reason,
                detail,
            })
        };
        match new.mode() {
            FileMode::Commit => {
                skip(SkipReason::Submodule, None);
                continue;
            }
            FileMode::Link => {
                skip(SkipReason::Symlink, None);
                continue;
            }
            _ => {}
        }
        let (size, kind) = match odb.read_header(new.id()) {
            Ok(header) => header,
            Err(e) => {
                skip(
                    SkipReason::Unreadable,
                    Some(format!("staged blob {}: {}", new.id(), e.message())),
                );
                continue;
            }
        };
        if kind != ObjectType::Blob {
            continue;
        }
        if size as u64 > max_file_size {
            skip(SkipReason::TooLarge, Some(format!("{size} bytes")));
            continue;
        }
        let blob = match repo.find_blob(new.id()) {
            Ok(blob) => blob,
            Err(e) => {
                skip(
                    SkipReason::Unreadable,
                    Some(format!("staged blob {}: {}", new.id(), e.message())),
                );
                continue;
            }
        };
        let data = blob.content();
        if super::walk::looks_binary(data) {
            skip(SkipReason::Binary, None);
            continue;
        }
        let added = if delta.status() == Delta::Added {
            // A new file: every line is added.
            None
        } else {
            Some(added_lines(&diff, delta_index)?)
        };
        let lines = match &added {
            Some(added) => added.count(),
            None => {
                memchr::memchr_iter(b'\n', data).count() as u64
                    + u64::from(!data.ends_with(b"\n") && !data.is_empty())
            }
        };
        if lines == 0 {
            continue;
        }
        totals.files += 1;
        totals.lines_added += lines;
        let provenance = Provenance::Staged {
            path: path.clone(),
            blob: new.id().to_string(),
        };
        sink.blob(Blob {
            provenance,
            data,
            added_lines: added.as_ref(),
        });
    }
    Ok(totals)
}

/// The new-side line numbers a delta adds.
fn added_lines(diff: &git2::Diff<'_>, delta_index: usize) -> Result<AddedLines, GitError> {
    let mut ranges = Vec::new();
    if let Some(patch) = Patch::from_diff(diff, delta_index)? {
        for hunk_index in 0..patch.num_hunks() {
            let (hunk, _) = patch.hunk(hunk_index)?;
            if hunk.new_lines() > 0 {
                let start = hunk.new_start() as usize;
                ranges.push((start, start + hunk.new_lines() as usize - 1));
            }
        }
    }
    Ok(AddedLines::new(ranges))
}
