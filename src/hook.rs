//! Installing leakgate as a plain git pre-commit hook, for people who do not use the pre-commit
//! framework. It honours `core.hooksPath`, refuses to replace another hook unless `force` (and
//! then keeps a backup), and writes as [`crate::atomic`] does: atomically, through a symlinked
//! hook to the script it points to, keeping an existing hook's mode (plus execute permission).
//! A hook path that is not a regular file (a FIFO, a device, a directory) is refused, even with
//! `force`: it is not a hook leakgate should read or replace.

use std::path::{Path, PathBuf};

use crate::input::git::{self, GitError};

/// What the hook runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HookRuns {
    /// `leakgate scan --staged`: the secrets the commit adds.
    #[default]
    Scan,
    /// `leakgate check --staged`: those, plus gitignore coverage and secret files the commit
    /// starts tracking.
    Check,
}

impl HookRuns {
    fn command(self) -> &'static str {
        match self {
            HookRuns::Scan => "scan --staged",
            HookRuns::Check => "check --staged",
        }
    }

    fn what(self) -> &'static str {
        match self {
            HookRuns::Scan => "It scans only the staged change.",
            HookRuns::Check => {
                "It checks the staged change, gitignore coverage and newly tracked secret files."
            }
        }
    }
}

/// How to install.
#[derive(Debug, Clone, Copy, Default)]
pub struct HookOptions {
    pub runs: HookRuns,
    /// Replace another hook (keeping it as a backup).
    pub force: bool,
}

/// What [`install`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// The same hook was there already: nothing was written.
    Already { path: PathBuf },
    /// The hook was written; `backup` is where a replaced hook was kept.
    Written {
        path: PathBuf,
        backup: Option<PathBuf>,
    },
}

/// Marks a hook file as ours, so reinstalling is not "overwriting someone else's hook".
const MARKER: &str = "# Installed by `leakgate install-hook`";

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum HookError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Git(#[from] GitError),

    #[error("a pre-commit hook already exists at {}", path.display())]
    #[diagnostic(
        code(leakgate::hook::exists),
        help(
            "run `leakgate install-hook --force` to replace it (the old hook is kept as a backup), or call `leakgate scan --staged` from it"
        )
    )]
    Exists { path: PathBuf },

    #[error("{} is not a regular file", path.display())]
    #[diagnostic(
        code(leakgate::hook::not_a_file),
        help(
            "git runs a hook from a regular file (or a symlink to one): remove what is there, then run `leakgate install-hook` again"
        )
    )]
    NotAFile { path: PathBuf },

    #[error(
        "core.hooksPath is set to `{}`, which cannot be resolved here",
        crate::escape::Escaped(configured)
    )]
    #[diagnostic(
        code(leakgate::hook::hooks_path),
        help(
            "git runs hooks only from there, so a hook anywhere else would never run: set core.hooksPath to an absolute path or one relative to the work tree (`~user/` is not supported), then run `leakgate install-hook` again"
        )
    )]
    HooksPath { configured: String },

    #[error("cannot write the hook at {}", path.display())]
    #[diagnostic(
        code(leakgate::hook::write),
        help("check that the hooks directory is writable")
    )]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The hooks directory git will use for this repository. A core.hooksPath that is set but cannot
/// be resolved is an error, never a fall back to `.git/hooks`: git would not run a hook there,
/// and the user would believe commits are checked.
fn hooks_dir(repo: &git2::Repository) -> Result<PathBuf, HookError> {
    let config = repo.config().map_err(GitError::from)?;
    let Ok(raw) = config.get_string("core.hooksPath") else {
        return Ok(repo.commondir().join("hooks"));
    };
    let Ok(configured) = config.get_path("core.hooksPath") else {
        return Err(HookError::HooksPath { configured: raw });
    };
    if configured.is_absolute() {
        return Ok(configured);
    }
    // A relative hooksPath is relative to where hooks run: the top of the work tree.
    let base = repo.workdir().unwrap_or_else(|| repo.path());
    Ok(base.join(configured))
}

fn hook_script(runs: HookRuns) -> String {
    let exe = std::env::current_exe()
        .ok()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let quoted = exe.replace('\'', r"'\''");
    format!(
        "#!/bin/sh\n{MARKER}: refuse commits that add secrets.\n\
         # {what} To skip it once: git commit --no-verify\n\
         LEAKGATE='{quoted}'\n\
         [ -x \"$LEAKGATE\" ] || LEAKGATE=leakgate\n\
         exec \"$LEAKGATE\" {command}\n",
        what = runs.what(),
        command = runs.command(),
    )
}

/// Install the hook in the repository containing `start`.
pub fn install(start: &Path, options: &HookOptions) -> Result<Installed, HookError> {
    let repo = git::open(start)?;
    let dir = hooks_dir(&repo)?;
    let path = dir.join("pre-commit");
    let script = hook_script(options.runs);
    let write_error = |source| HookError::Write {
        path: path.clone(),
        source,
    };

    // Reading a FIFO would wait forever: look at what is there before opening it.
    if std::fs::metadata(&path).is_ok_and(|meta| !meta.is_file()) {
        return Err(HookError::NotAFile { path });
    }
    let mut backup = None;
    if let Ok(existing) = std::fs::read_to_string(&path) {
        if existing == script {
            return Ok(Installed::Already { path });
        }
        if !existing.contains(MARKER) {
            if !options.force {
                return Err(HookError::Exists { path });
            }
            let kept = backup_path(&path);
            std::fs::copy(&path, &kept).map_err(write_error)?;
            backup = Some(kept);
        }
    } else if path.exists() && !options.force {
        // Present but unreadable (or not a file): never clobber what we cannot read.
        return Err(HookError::Exists { path });
    }

    // Executable, and in place only once complete.
    let write = crate::atomic::WriteOptions {
        executable: true,
        create_parents: true,
        ..crate::atomic::WriteOptions::default()
    };
    crate::atomic::write(&path, script.as_bytes(), &write).map_err(write_error)?;
    Ok(Installed::Written { path, backup })
}

/// `pre-commit.leakgate-backup`, or `…-backup.2`, … : never overwrite an earlier backup.
fn backup_path(hook: &Path) -> PathBuf {
    let base = hook.with_file_name("pre-commit.leakgate-backup");
    if !base.exists() {
        return base;
    }
    (2..)
        .map(|n| hook.with_file_name(format!("pre-commit.leakgate-backup.{n}")))
        .find(|p| !p.exists())
        .unwrap_or(base)
}
