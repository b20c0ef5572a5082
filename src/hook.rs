//! Installing leakgate as a plain git hook, for people who do not use the pre-commit framework:
//! a pre-commit hook (the staged change), or a pre-push hook (every commit being pushed, so one
//! made with `--no-verify` is still caught before it leaves the machine). It honours
//! `core.hooksPath`, refuses to replace another hook unless `force` (and
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

/// Which git hook to install.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HookKind {
    /// `pre-commit`: what the next commit adds.
    #[default]
    PreCommit,
    /// `pre-push`: the commits each pushed ref adds to its remote, each on its own.
    PrePush,
}

impl HookKind {
    /// The hook's file name, as git looks for it.
    pub fn file_name(self) -> &'static str {
        match self {
            HookKind::PreCommit => "pre-commit",
            HookKind::PrePush => "pre-push",
        }
    }
}

/// How to install.
#[derive(Debug, Clone, Copy, Default)]
pub struct HookOptions {
    pub kind: HookKind,
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

    #[error("a {} hook already exists at {}", kind.file_name(), path.display())]
    #[diagnostic(
        code(leakgate::hook::exists),
        help(
            "run `leakgate install-hook --force` (with --pre-push for that hook) to replace it (the old hook is kept as a backup), or call leakgate from it"
        )
    )]
    Exists { path: PathBuf, kind: HookKind },

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

fn hook_script(kind: HookKind, runs: HookRuns) -> String {
    let exe = std::env::current_exe()
        .ok()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let quoted = exe.replace('\'', r"'\''");
    if kind == HookKind::PrePush {
        return pre_push_script(&quoted);
    }
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

/// The pre-push hook. git gives it the remote's name and URL as arguments, and on stdin one
/// line per ref being pushed: `<local ref> <local sha> <remote ref> <remote sha>`. For each:
///
/// - a deletion (local sha all zeros) pushes no commit: nothing to scan;
/// - an update of a branch the remote has (its sha is here) scans `remote..local`;
/// - a new branch (remote sha all zeros), or a remote sha this clone lacks (a force push),
///   scans from the parent of the oldest commit no remote-tracking branch of this remote has;
///   when that commit has no parent (a first push, an unrelated history), every ref's history.
///
/// Every commit on its own (`--per-commit`), so a secret added and removed before the push is
/// still caught. Too much is scanned rather than too little: never a false all-clear.
fn pre_push_script(quoted_exe: &str) -> String {
    format!(
        r#"#!/bin/sh
{MARKER}: refuse pushes that add secrets.
# It scans every commit being pushed, each on its own. To skip it once: git push --no-verify
LEAKGATE='{quoted_exe}'
[ -x "$LEAKGATE" ] || LEAKGATE=leakgate
remote="$1"
status=0
is_zero() {{ case "$1" in *[!0]*) return 1 ;; *) return 0 ;; esac; }}
scan() {{
  "$LEAKGATE" scan "$@" </dev/null
  code=$?
  [ "$code" -gt "$status" ] && status=$code
  return 0
}}
scan_object() {{
  git cat-file -p "$1" | "$LEAKGATE" scan - --stdin-filename "$2"
  code=$?
  [ "$code" -gt "$status" ] && status=$code
  return 0
}}
while read -r local_ref local_sha remote_ref remote_sha; do
  [ -n "$local_sha" ] || continue
  is_zero "$local_sha" && continue
  # A tag's message, and a ref to a blob or a tree (no commit to walk), are scanned as they are.
  kind=$(git cat-file -t "$local_sha" 2>/dev/null)
  if [ "$kind" = tag ]; then
    scan_object "$local_sha" "(tag message of $local_ref)"
    local_sha=$(git rev-parse -q --verify "$local_sha^{{}}" 2>/dev/null)
    kind=$(git cat-file -t "$local_sha" 2>/dev/null)
  fi
  case "$kind" in
    commit) ;;
    blob) scan_object "$local_sha" "$local_ref"; continue ;;
    tree)
      for blob in $(git ls-tree -r "$local_sha" | awk '$2 == "blob" {{ print $3 }}'); do
        scan_object "$blob" "$local_ref:$blob"
      done
      continue ;;
    *) echo "leakgate: cannot read what $local_ref points at: refusing the push" >&2; status=2; continue ;;
  esac
  if ! is_zero "$remote_sha" && git cat-file -e "$remote_sha^{{commit}}" 2>/dev/null; then
    scan --range "$remote_sha..$local_sha" --per-commit
    continue
  fi
  first=$(git rev-list --topo-order --reverse "$local_sha" --not --remotes="$remote" -- 2>/dev/null | head -n 1)
  [ -n "$first" ] || continue
  if parent=$(git rev-parse -q --verify "$first^" 2>/dev/null); then
    scan --range "$parent..$local_sha" --per-commit
  else
    scan --history
  fi
done
exit $status
"#
    )
}

/// Install the hook in the repository containing `start`.
pub fn install(start: &Path, options: &HookOptions) -> Result<Installed, HookError> {
    let repo = git::open(start)?;
    let dir = hooks_dir(&repo)?;
    let kind = options.kind;
    let path = dir.join(kind.file_name());
    let script = hook_script(kind, options.runs);
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
                return Err(HookError::Exists { path, kind });
            }
            let kept = backup_path(&path);
            std::fs::copy(&path, &kept).map_err(write_error)?;
            backup = Some(kept);
        }
    } else if path.exists() && !options.force {
        // Present but unreadable (or not a file): never clobber what we cannot read.
        return Err(HookError::Exists { path, kind });
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

/// `pre-commit.leakgate-backup` (`pre-push.…`), or `…-backup.2`, … : never overwrite an
/// earlier backup.
fn backup_path(hook: &Path) -> PathBuf {
    let name = hook
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = hook.with_file_name(format!("{name}.leakgate-backup"));
    if !base.exists() {
        return base;
    }
    (2..)
        .map(|n| hook.with_file_name(format!("{name}.leakgate-backup.{n}")))
        .find(|p| !p.exists())
        .unwrap_or(base)
}
