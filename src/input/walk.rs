//! The working-tree source: walks the paths the user named, in parallel, with `ignore`.
//!
//! It honours `.gitignore`, `.ignore` and `.leakgateignore`, scans hidden files (`.env` is one),
//! never enters `.git/`, never follows symlinks, and never opens anything but a regular file:
//! files are opened non-blocking and checked with `fstat` on the open handle, so a FIFO cannot
//! hang the scan even if it replaces a file mid-walk.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use ignore::{WalkBuilder, WalkState};

use super::{Blob, Problem, Sink, SkipReason, Skipped};
use crate::finding::{Provenance, display_path};

/// How many leading bytes decide whether a file is binary.
const BINARY_PROBE: usize = 8 * 1024;

/// The ignore file with leakgate's own allowlist of paths (gitignore syntax).
pub const LEAKGATE_IGNORE_FILE: &str = ".leakgateignore";

#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub max_file_size: u64,
    /// Honour `.gitignore`, `.ignore` and git's excludes. `.leakgateignore` is always honoured.
    pub respect_vcs_ignores: bool,
    pub threads: usize,
}

/// Walk `paths` (files or directories) and feed every regular file to `sink`.
pub fn walk(paths: &[PathBuf], options: &WalkOptions, sink: &dyn Sink) {
    let mut roots = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(error) => sink.problem(Problem {
                path: display_path(path),
                message: describe_io_error(&error),
            }),
            // A file the user named is scanned even if an ignore file lists it.
            Ok(meta) if !meta.is_dir() => scan_file(path, options, sink),
            Ok(_) => roots.push(path.clone()),
        }
    }
    let Some((first, rest)) = roots.split_first() else {
        return;
    };

    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .git_ignore(options.respect_vcs_ignores)
        .git_global(options.respect_vcs_ignores)
        .git_exclude(options.respect_vcs_ignores)
        .ignore(options.respect_vcs_ignores)
        .parents(true)
        .add_custom_ignore_filename(LEAKGATE_IGNORE_FILE)
        .threads(options.threads)
        .filter_entry(|entry| entry.file_name() != ".git");

    builder.build_parallel().run(|| {
        Box::new(move |entry| {
            match entry {
                Ok(entry) => {
                    let Some(file_type) = entry.file_type() else {
                        return WalkState::Continue;
                    };
                    if file_type.is_dir() {
                        return WalkState::Continue;
                    }
                    let path = entry.path();
                    if file_type.is_symlink() {
                        sink.skipped(Skipped {
                            path: display_path(path),
                            reason: SkipReason::Symlink,
                            detail: None,
                        });
                    } else if file_type.is_file() {
                        scan_file(path, options, sink);
                    } else {
                        sink.skipped(Skipped {
                            path: display_path(path),
                            reason: SkipReason::NotRegularFile,
                            detail: None,
                        });
                    }
                }
                Err(error) => report_walk_error(&error, sink),
            }
            WalkState::Continue
        })
    });
}

fn report_walk_error(error: &ignore::Error, sink: &dyn Sink) {
    let path = walk_error_path(error)
        .map(display_path)
        .unwrap_or_else(|| "<unknown>".into());
    sink.skipped(Skipped {
        path,
        reason: SkipReason::Unreadable,
        detail: Some(error.to_string()),
    });
}

fn walk_error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

fn scan_file(path: &Path, options: &WalkOptions, sink: &dyn Sink) {
    let shown = display_path(path);
    let skip = |reason, detail| {
        sink.skipped(Skipped {
            path: shown.clone(),
            reason,
            detail,
        })
    };
    match read_regular_file(path, options.max_file_size) {
        Ok(FileContent::Text(data)) => sink.blob(Blob {
            provenance: Provenance::file(path),
            data: &data,
            added_lines: None,
        }),
        Ok(FileContent::Binary) => skip(SkipReason::Binary, None),
        Ok(FileContent::TooLarge(size)) => {
            skip(SkipReason::TooLarge, Some(format!("{size} bytes")))
        }
        Ok(FileContent::NotRegular) => skip(SkipReason::NotRegularFile, None),
        Err(error) => skip(SkipReason::Unreadable, Some(describe_io_error(&error))),
    }
}

enum FileContent {
    Text(Vec<u8>),
    Binary,
    TooLarge(u64),
    NotRegular,
}

fn read_regular_file(path: &Path, max_size: u64) -> std::io::Result<FileContent> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(FileContent::NotRegular);
    }
    if meta.len() > max_size {
        return Ok(FileContent::TooLarge(meta.len()));
    }
    let mut data = Vec::with_capacity(meta.len() as usize + 1);
    // The file may grow while we read it: never read past the limit.
    file.take(max_size + 1).read_to_end(&mut data)?;
    if data.len() as u64 > max_size {
        return Ok(FileContent::TooLarge(data.len() as u64));
    }
    if looks_binary(&data) {
        return Ok(FileContent::Binary);
    }
    Ok(FileContent::Text(data))
}

/// A NUL byte in the first 8 KiB marks a file as binary, as git and ripgrep decide.
pub fn looks_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_PROBE)]).is_some()
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

/// An I/O error in words a user can act on.
pub fn describe_io_error(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "no such file or directory".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}
