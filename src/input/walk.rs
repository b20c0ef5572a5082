//! The working-tree source: walks the paths the user named, in parallel, with `ignore`.
//!
//! It honours `.gitignore`, `.ignore` and `.leakgateignore`, scans hidden files (`.env` is one),
//! never enters `.git/`, never follows symlinks, and never opens anything but a regular file:
//! files are opened non-blocking and checked with `fstat` on the open handle, so a FIFO cannot
//! hang the scan even if it replaces a file mid-walk.
//!
//! A path the user named is held to a stricter standard than one the walk found: if it cannot be
//! scanned (unreadable, a FIFO such as `<(…)` or `/dev/stdin` on a pipe, a socket, a device) that
//! is an error, never a counted skip, so exit 0 always means "what you asked for was scanned".
//! A file or directory the walk finds and cannot read is an error too (its content is unknown);
//! what the walk leaves out on purpose (binary, too large, FIFOs, symlinks) is a counted skip.
//! Standard input is scanned when named as `-`. Every read looks at the first 8 KiB before the
//! rest: a binary file is never read whole, and text is decoded by [`super::text`].

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use ignore::{WalkBuilder, WalkState};

use super::text::{self, BINARY_PROBE};
use super::{Blob, Sink, SkipReason};
use super::{Provenance, display_path};
use crate::diagnostic::Diagnostic;

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
            Err(error) => sink.diagnostic(Diagnostic::unreadable(
                display_path(path),
                describe_io_error(&error),
            )),
            Ok(meta) if meta.is_dir() => roots.push(path.clone()),
            // A file the user named is scanned even if an ignore file lists it.
            Ok(meta) if meta.is_file() => scan_file(path, Origin::Named, options, sink),
            // Not opened at all: opening a socket fails, a device may have side effects.
            Ok(meta) => sink.diagnostic(Diagnostic::unreadable(
                display_path(path),
                not_regular_message(file_kind(&meta)),
            )),
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
                        sink.diagnostic(Diagnostic::skipped(
                            display_path(path),
                            SkipReason::Symlink,
                            None,
                        ));
                    } else if file_type.is_file() {
                        scan_file(path, Origin::Walked, options, sink);
                    } else {
                        sink.diagnostic(Diagnostic::skipped(
                            display_path(path),
                            SkipReason::NotRegularFile,
                            None,
                        ));
                    }
                }
                Err(error) => report_walk_error(&error, sink),
            }
            WalkState::Continue
        })
    });
}

/// A directory the walk could not read (or a named one, at depth 0) is an error like an
/// unreadable file: its files were not scanned. One that vanished during the walk held nothing
/// left to scan and is a counted skip.
fn report_walk_error(error: &ignore::Error, sink: &dyn Sink) {
    let path = walk_error_path(error)
        .map(display_path)
        .unwrap_or_else(|| "<unknown>".into());
    match walk_io_error(error) {
        Some(io) if io.kind() != std::io::ErrorKind::NotFound => {
            sink.diagnostic(Diagnostic::unreadable(
                path,
                format!(
                    "{}: the directory was not scanned; make it readable, or list it in \
                 .leakgateignore",
                    describe_io_error(io)
                ),
            ))
        }
        _ => sink.diagnostic(Diagnostic::skipped(
            path,
            SkipReason::Unreadable,
            Some(error.to_string()),
        )),
    }
}

fn walk_io_error(error: &ignore::Error) -> Option<&std::io::Error> {
    match error {
        ignore::Error::Io(io) => Some(io),
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => walk_io_error(err),
        _ => None,
    }
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

/// Where a path came from. What a walk finds and cannot scan is a counted skip; what the user
/// named and cannot be scanned is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Named,
    Walked,
}

fn scan_file(path: &Path, origin: Origin, options: &WalkOptions, sink: &dyn Sink) {
    let shown = display_path(path);
    let skip = |reason, detail| sink.diagnostic(Diagnostic::skipped(shown.clone(), reason, detail));
    let problem = |message: String| sink.diagnostic(Diagnostic::unreadable(shown.clone(), message));
    let read = ReadOptions {
        max_size: options.max_file_size,
        // The user asked for this file: binary or not, its bytes are scanned (rules match
        // bytes), so that exit 0 never means "named but not looked at".
        keep_binary: origin == Origin::Named,
    };
    match read_regular_file(path, read) {
        Ok(FileContent::Text(data) | FileContent::RawBytes(data)) => sink.blob(Blob {
            provenance: Provenance::file(path),
            data: &data,
            added_lines: None,
            previous: None,
            earlier: None,
        }),
        Ok(FileContent::Binary) => match origin {
            Origin::Walked => skip(SkipReason::Binary, None),
            Origin::Named => problem(UNDECODABLE.to_owned()),
        },
        Ok(FileContent::TooLarge(size)) => match origin {
            Origin::Walked => skip(SkipReason::TooLarge, Some(format!("{size} bytes"))),
            Origin::Named => problem(format!(
                "{size} bytes is larger than --max-file-size ({} bytes), so it was not \
                 scanned; raise the limit with --max-file-size",
                options.max_file_size
            )),
        },
        Ok(FileContent::NotRegular(kind)) => match origin {
            Origin::Walked => skip(SkipReason::NotRegularFile, Some(kind.to_owned())),
            Origin::Named => problem(not_regular_message(kind)),
        },
        // A file the walk found and cannot read was not scanned: an error, as for a named one
        // (exit 0 would vouch for it). One that vanished since the walk listed it is gone.
        Err(error) if origin == Origin::Walked && error.kind() == std::io::ErrorKind::NotFound => {
            skip(
                SkipReason::Unreadable,
                Some("vanished during the scan".to_owned()),
            )
        }
        Err(error) => problem(describe_io_error(&error)),
    }
}

/// What reading an input gave.
enum FileContent {
    /// The text to scan, decoded (see [`text::decode`]).
    Text(Vec<u8>),
    /// A binary input read whole because the user named it: scanned as raw bytes.
    RawBytes(Vec<u8>),
    Binary,
    /// Larger than the limit: its size, or for a stream, the limit plus one.
    TooLarge(u64),
    /// A FIFO, socket or device, in words.
    NotRegular(&'static str),
}

/// How an input is read.
#[derive(Debug, Clone, Copy)]
struct ReadOptions {
    max_size: u64,
    /// Read a binary input whole (as [`FileContent::RawBytes`]) rather than stop at its first
    /// 8 KiB: for inputs the user named.
    keep_binary: bool,
}

fn read_regular_file(path: &Path, options: ReadOptions) -> std::io::Result<FileContent> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(FileContent::NotRegular(file_kind(&meta)));
    }
    if meta.len() > options.max_size {
        return Ok(FileContent::TooLarge(meta.len()));
    }
    // Read to the end of the file, not to the size it gave: a file may have grown since (past
    // the size limit, even), and some file systems give a size that is not what a read returns
    // (0 in `/proc`, stale sizes on FUSE mounts). Stopping at the size saved one read a file
    // (1.5% of a small-file tree's time) but would scan a part of such a file as if it were all.
    read_text(file, options, meta.len())
}

/// Read a file or stream of at most `max_size` bytes (`size_hint`: what it is expected to hold):
/// the first 8 KiB decide whether it is binary, and only text is read on.
fn read_text(
    reader: impl Read,
    options: ReadOptions,
    size_hint: u64,
) -> std::io::Result<FileContent> {
    let max_size = options.max_size;
    // The input may grow while we read it: never read past the limit.
    let mut reader = reader.take(max_size.saturating_add(1));
    let hint = usize::try_from(size_hint).unwrap_or(usize::MAX);
    let mut data = Vec::with_capacity(BINARY_PROBE.min(hint.saturating_add(1)));
    (&mut reader)
        .take(BINARY_PROBE as u64)
        .read_to_end(&mut data)?;
    let binary = text::probe_is_binary(&data);
    // A credential container (a keytab, a keystore) is binary too, but it is the secret:
    // read whole, for the scanner to judge.
    if binary && !options.keep_binary && !crate::container::sniff(&data) {
        return Ok(FileContent::Binary);
    }
    if data.len() == BINARY_PROBE {
        let expected = usize::try_from(size_hint.min(max_size)).unwrap_or(usize::MAX);
        data.reserve_exact(expected.saturating_sub(data.len()) + 1);
        reader.read_to_end(&mut data)?;
    }
    if data.len() as u64 > max_size {
        return Ok(FileContent::TooLarge(data.len() as u64));
    }
    if binary {
        return Ok(FileContent::RawBytes(data));
    }
    Ok(match text::into_text(data) {
        Some(data) => FileContent::Text(data),
        // UTF-16 that turned out not to decode past its first 8 KiB.
        None => FileContent::Binary,
    })
}

/// Scan standard input (`leakgate scan -`), up to `max_size` bytes, as the file `name` (for
/// rule paths, JSON awareness and allowlists) or as `-`. More than the limit is an error, not a
/// silent truncation; a binary stream is scanned as raw bytes, as a named binary file is.
pub fn scan_stdin(name: Option<&str>, max_size: u64, sink: &dyn Sink) {
    let shown = name.unwrap_or("-").to_owned();
    let problem = |message: String| sink.diagnostic(Diagnostic::unreadable(shown.clone(), message));
    let options = ReadOptions {
        max_size,
        keep_binary: true,
    };
    match read_text(std::io::stdin().lock(), options, 0) {
        Ok(FileContent::Text(data) | FileContent::RawBytes(data)) => sink.blob(Blob {
            provenance: Provenance::File {
                path: shown.clone(),
            },
            data: &data,
            added_lines: None,
            previous: None,
            earlier: None,
        }),
        Ok(FileContent::TooLarge(_)) => problem(format!(
            "standard input is larger than --max-file-size ({max_size} bytes) and was not \
             scanned; raise the limit with --max-file-size"
        )),
        Ok(FileContent::Binary) => problem(UNDECODABLE.to_owned()),
        Ok(FileContent::NotRegular(_)) => {}
        Err(error) => problem(format!(
            "cannot read standard input: {}",
            describe_io_error(&error)
        )),
    }
}

/// Why a named input marked as UTF-16 was not scanned.
const UNDECODABLE: &str = "starts as UTF-16 text (a byte-order mark) but does not decode as \
     UTF-16, so it was not scanned; convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)";

/// Why a named input that is not a regular file was not scanned, and what to do instead.
fn not_regular_message(kind: &str) -> String {
    format!(
        "not a regular file ({kind}), so it was not scanned; to scan a stream, pipe it to \
         `leakgate scan -`"
    )
}

/// A file that is not a regular file, in words.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a FIFO or pipe";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// Opens `path` for reading without blocking on a FIFO that has no writer (the read then sees
/// it is not a regular file instead of hanging).
#[cfg(unix)]
pub(crate) fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
pub(crate) fn open_nonblocking(path: &Path) -> std::io::Result<File> {
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
