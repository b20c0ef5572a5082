//! How leakgate writes files: the one mechanism behind reports (`--output`, streamed through
//! `report::output::Output`), baselines, redacted copies, `.gitignore` fixes and hooks.
//!
//! - A regular file is written atomically: the content goes to a temporary file beside it,
//!   which is renamed over it once complete. A reader sees the old file or the new one, never
//!   half of either; a failed or interrupted write leaves the original intact and no partial
//!   file behind. The new file keeps the old one's permission bits and (where the process may
//!   set them) its owner and group; a file that did not exist gets the umask's default
//!   (`0666 & !umask`, or `0777 & !umask` for a program such as a hook).
//! - A symlink is written *through*, as a shell redirection would: the file it points to is
//!   updated and the link stays a link (a dangling link gets its target created). Replacing
//!   the link with a regular file would silently detach it from what the user manages.
//! - A FIFO, a character device or a terminal is opened and written into, never replaced
//!   (`--output /dev/stdout`, a pipe to another tool). Such output is streamed, so it is as
//!   atomic as the reader makes it.
//! - A directory is refused.
//!
//! [`Existing::Refuse`] is for files that must be new (a redacted copy): it never follows a
//! link, never opens a device, and fails if anything is already at the path.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What to do about something already at the path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Existing {
    /// Update it: replace a regular file atomically, write through a symlink, write into a
    /// FIFO or device.
    #[default]
    Update,
    /// Fail if anything (even a dangling symlink) is at the path.
    Refuse,
}

/// How to write.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    pub existing: Existing,
    /// The file is a program (a git hook): a new file gets `0777 & !umask`, an existing file
    /// gains execute permission wherever it has read permission.
    pub executable: bool,
    /// Create missing parent directories.
    pub create_parents: bool,
}

/// A file being written. Write to it (or to [`AtomicFile::handle`]), then [`AtomicFile::commit`];
/// dropping it without committing leaves the destination as it was (for a regular file).
pub struct AtomicFile {
    kind: Kind,
}

enum Kind {
    /// A temporary file beside `target`, renamed over it on commit.
    Staged {
        temp: tempfile::NamedTempFile,
        target: PathBuf,
        existing: Existing,
        /// Whether the original was there: its replacement must survive a crash.
        replaces: bool,
    },
    /// A FIFO or device, written into directly.
    Direct(File),
}

/// Symlinks followed before giving up, as the kernel's own limit (`ELOOP`).
const MAX_LINKS: usize = 40;

impl AtomicFile {
    /// Prepare to write `path`. For a FIFO this blocks until a reader opens it, as a shell
    /// redirection does.
    pub fn create(path: &Path, options: &WriteOptions) -> io::Result<Self> {
        let target = match options.existing {
            Existing::Update => resolve_links(path)?,
            Existing::Refuse => path.to_owned(),
        };
        let current = match std::fs::symlink_metadata(&target) {
            Ok(meta) => Some(meta),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        if let Some(meta) = &current {
            if options.existing == Existing::Refuse {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "something is already at this path",
                ));
            }
            let kind = meta.file_type();
            if kind.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "it is a directory",
                ));
            }
            if !kind.is_file() {
                // A FIFO or a device: write into it. Never truncate or replace it.
                return Ok(AtomicFile {
                    kind: Kind::Direct(std::fs::OpenOptions::new().write(true).open(&target)?),
                });
            }
        }
        let dir = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        if options.create_parents {
            std::fs::create_dir_all(&dir)?;
        }
        let temp = temp_file(&dir, current.as_ref(), options)?;
        Ok(AtomicFile {
            kind: Kind::Staged {
                temp,
                target,
                existing: options.existing,
                replaces: current.is_some(),
            },
        })
    }

    /// A second handle on the same file, for a writer that is handed off (a streamed report).
    pub fn handle(&self) -> io::Result<File> {
        match &self.kind {
            Kind::Staged { temp, .. } => temp.as_file().try_clone(),
            Kind::Direct(file) => file.try_clone(),
        }
    }

    /// Put the content in place.
    pub fn commit(self) -> io::Result<()> {
        match self.kind {
            Kind::Staged {
                temp,
                target,
                existing,
                replaces,
            } => {
                if replaces {
                    // Without this, a crash just after the rename could leave an empty file
                    // where the original was (the rename may reach the disk before the data).
                    temp.as_file().sync_all()?;
                }
                match existing {
                    Existing::Update => temp.persist(&target).map_err(|e| e.error)?,
                    Existing::Refuse => temp.persist_noclobber(&target).map_err(|e| e.error)?,
                };
                Ok(())
            }
            Kind::Direct(mut file) => file.flush(),
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.kind {
            Kind::Staged { temp, .. } => temp.write(buf),
            Kind::Direct(file) => file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.kind {
            Kind::Staged { temp, .. } => temp.flush(),
            Kind::Direct(file) => file.flush(),
        }
    }
}

/// Write `content` to `path` as [`AtomicFile`] does.
pub fn write(path: &Path, content: &[u8], options: &WriteOptions) -> io::Result<()> {
    let mut file = AtomicFile::create(path, options)?;
    file.write_all(content)?;
    file.commit()
}

/// The file a path finally names once symlinks are followed. Relative link targets are
/// relative to the link's directory; a dangling link yields the path it points to.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_owned();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            Ok(_) => return Ok(current),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// The temporary file, created with the permissions the result must have so it never appears,
/// even for a moment, with wider ones.
#[cfg(unix)]
fn temp_file(
    dir: &Path,
    current: Option<&std::fs::Metadata>,
    options: &WriteOptions,
) -> io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let mode = match current {
        Some(meta) => {
            let mode = meta.mode() & 0o7777;
            if options.executable {
                mode | ((mode & 0o444) >> 2)
            } else {
                mode
            }
        }
        None if options.executable => 0o777,
        None => 0o666,
    };
    // The kernel applies the umask here: that is the default a new file should get.
    let temp = tempfile::Builder::new()
        .prefix(".leakgate-")
        .permissions(std::fs::Permissions::from_mode(mode))
        .tempfile_in(dir)?;
    if let Some(meta) = current {
        // Keep the owner where we may (root, or a group we are in); otherwise the file becomes
        // ours, as any editor's save would make it. chown clears set-id bits, so the exact
        // mode is set after it, and the umask does not narrow what the file already had.
        let _ = std::os::unix::fs::fchown(temp.as_file(), Some(meta.uid()), Some(meta.gid()));
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    Ok(temp)
}

#[cfg(not(unix))]
fn temp_file(
    dir: &Path,
    _current: Option<&std::fs::Metadata>,
    _options: &WriteOptions,
) -> io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".leakgate-")
        .tempfile_in(dir)
}

/// A write that failed, with what to do about it.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot write {}", path.display())]
#[diagnostic(code(leakgate::write))]
pub struct WriteError {
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
    #[help]
    pub help: String,
}

impl WriteError {
    pub fn new(path: &Path, source: io::Error) -> Self {
        WriteError {
            path: path.to_owned(),
            help: advice(&source),
            source,
        }
    }
}

/// What to do about a failed write, in words; nothing was written in place.
pub fn advice(error: &io::Error) -> String {
    let what = match error.kind() {
        io::ErrorKind::NotFound => "the directory does not exist: create it, or give another path",
        io::ErrorKind::PermissionDenied => {
            "the directory or the file is not writable by this user: fix its permissions, or give another path"
        }
        io::ErrorKind::IsADirectory => "give a file name, not a directory",
        io::ErrorKind::AlreadyExists => "remove what is at the path, or give another path",
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            "the disk is full: free space, or give a path on another disk"
        }
        io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only: give another path",
        _ => "check the path and its directory",
    };
    format!("{what}; nothing was changed there")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_link_targets_resolve_from_the_link() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::create_dir(dir.path().join("real")).expect("mkdir");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("real/file", dir.path().join("link")).expect("link");
            std::os::unix::fs::symlink("link", dir.path().join("link2")).expect("link");
            assert_eq!(
                resolve_links(&dir.path().join("link2")).expect("resolve"),
                dir.path().join("real/file")
            );
            std::os::unix::fs::symlink("loop", dir.path().join("loop")).expect("link");
            assert!(resolve_links(&dir.path().join("loop")).is_err());
        }
    }

    #[test]
    fn refuse_keeps_what_is_there() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("f");
        std::fs::write(&path, "old").expect("write");
        let options = WriteOptions {
            existing: Existing::Refuse,
            ..WriteOptions::default()
        };
        assert!(write(&path, b"new", &options).is_err());
        assert_eq!(std::fs::read(&path).expect("read"), b"old");
    }
}
