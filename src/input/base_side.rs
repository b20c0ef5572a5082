//! The base side of a range: what a change is scanned *with*, as opposed to what it adds. A pull
//! request must not be able to switch off the gate that checks it, so for `--range` (and `check`
//! in CI) the nearest `.leakgate.toml`, the `.leakgateignore` files and a baseline inside the
//! repository are read from the merge base's tree, not from the checkout; and every change the
//! range makes to those files is listed for the reviewer. Files outside the work tree (and an
//! explicit `--config`) are not part of the change and are read from disk as given.

use std::path::{Component, Path, PathBuf};

use git2::{Delta, DiffOptions, ObjectType, Oid, Repository};

use super::git::{self, GitError, Range};
use super::leakgateignore::IgnoreFiles;
use super::walk::LEAKGATE_IGNORE_FILE;
use crate::config::{CONFIG_FILE, Nearest};

/// A resolved range and the repository it is in.
pub struct BaseSide {
    repo: Repository,
    pub range: Range,
    /// The top of the work tree, canonical; `None` in a bare repository.
    workdir: Option<PathBuf>,
    /// The current directory, canonical.
    cwd: PathBuf,
}

/// A file as the base side has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AtBase {
    /// Outside the work tree: not part of any change; read it from disk.
    Outside,
    /// In the work tree, but the base commit has no such file.
    Absent { path: String },
    /// The base commit's content.
    Text { path: String, text: String },
}

impl BaseSide {
    /// Open the repository here and resolve `spec` (`BASE..HEAD`, as `--range` takes it).
    pub fn resolve(spec: &str) -> Result<Self, GitError> {
        let repo = git::open(Path::new("."))?;
        let range = git::resolve_range(&repo, spec)?;
        let workdir = repo
            .workdir()
            .map(|w| w.canonicalize().unwrap_or_else(|_| w.to_owned()));
        let cwd = std::env::current_dir()
            .and_then(|c| c.canonicalize())
            .unwrap_or_else(|_| PathBuf::from("."));
        Ok(BaseSide {
            repo,
            range,
            workdir,
            cwd,
        })
    }

    /// A short id of the base commit, for messages.
    pub fn short_id(&self) -> String {
        let id = self.range.base.to_string();
        id[..id.len().min(12)].to_owned()
    }

    /// The `.leakgateignore` files of the base commit.
    pub fn ignore_files(&self) -> Result<IgnoreFiles, GitError> {
        IgnoreFiles::at_commit(&self.repo, self.range.base)
    }

    /// The repository path of `file` (relative to the current directory), or `None` when it lies
    /// outside the work tree.
    fn repo_path(&self, file: &Path) -> Option<String> {
        let workdir = self.workdir.as_ref()?;
        let full = normalize(&self.cwd.join(file));
        let relative = full.strip_prefix(workdir).ok()?;
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(parts.join("/"))
    }

    /// The content of `file` at the base commit.
    pub fn file(&self, file: &Path) -> AtBase {
        let Some(path) = self.repo_path(file) else {
            return AtBase::Outside;
        };
        match self.read(&path) {
            Some(bytes) => AtBase::Text {
                path,
                text: String::from_utf8_lossy(&bytes).into_owned(),
            },
            None => AtBase::Absent { path },
        }
    }

    /// The nearest `.leakgate.toml` of the base commit, walking up from the current directory as
    /// the working-tree lookup does.
    pub fn config(&self) -> Nearest {
        let above = self
            .workdir
            .as_ref()
            .and_then(|w| w.parent())
            .map(Path::to_path_buf);
        let mut dir = self.repo_path(Path::new("."));
        while let Some(current) = dir {
            let path = if current.is_empty() {
                CONFIG_FILE.to_owned()
            } else {
                format!("{current}/{CONFIG_FILE}")
            };
            if let Some(bytes) = self.read(&path) {
                let name = format!("{path} (at base commit {})", self.short_id());
                return Nearest::Committed {
                    found: Some((name, String::from_utf8_lossy(&bytes).into_owned())),
                    above,
                };
            }
            dir = (!current.is_empty()).then(|| {
                current
                    .rsplit_once('/')
                    .map_or(String::new(), |(p, _)| p.to_owned())
            });
        }
        Nearest::Committed { found: None, above }
    }

    /// The regular file at repository path `path` in the base commit's tree.
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        let commit = self.repo.find_commit(self.range.base).ok()?;
        let entry = commit.tree().ok()?.get_path(Path::new(path)).ok()?;
        if entry.kind() != Some(ObjectType::Blob) || entry.filemode() == 0o120000 {
            return None;
        }
        let blob = self.repo.find_blob(entry.id()).ok()?;
        Some(blob.content().to_vec())
    }

    /// What the range changes in the files that decide how it is scanned (every
    /// `.leakgate.toml` and `.leakgateignore`, and `baseline`), one warning each: they apply
    /// once merged, and a reviewer should look at them.
    pub fn gate_changes(&self, baseline: Option<&Path>) -> Result<Vec<String>, GitError> {
        let baseline = baseline.and_then(|b| self.repo_path(b));
        let tree = |id: Oid| self.repo.find_commit(id).and_then(|c| c.tree());
        let (base, head) = (tree(self.range.base)?, tree(self.range.head)?);
        let mut options = DiffOptions::new();
        options.skip_binary_check(true).include_typechange(true);
        let diff = self
            .repo
            .diff_tree_to_tree(Some(&base), Some(&head), Some(&mut options))?;
        let mut warnings = Vec::new();
        for delta in diff.deltas() {
            let file = match delta.status() {
                Delta::Deleted => delta.old_file(),
                _ => delta.new_file(),
            };
            let Some(path) = file
                .path_bytes()
                .map(|p| String::from_utf8_lossy(p).into_owned())
            else {
                continue;
            };
            let name = path.rsplit('/').next().unwrap_or(&path);
            let what = if name == CONFIG_FILE {
                "the scan configuration"
            } else if name == LEAKGATE_IGNORE_FILE {
                "an ignore file"
            } else if baseline.as_deref() == Some(path.as_str()) {
                "the baseline"
            } else {
                continue;
            };
            let verb = match delta.status() {
                Delta::Added | Delta::Copied => "adds",
                Delta::Deleted => "deletes",
                Delta::Renamed => "renames",
                _ => "modifies",
            };
            warnings.push(format!(
                "this change {verb} `{path}` ({what}): it takes effect once merged; this scan used the base commit {}'s version, so review the change",
                self.short_id()
            ));
        }
        Ok(warnings)
    }
}

/// `path` with `.` and `..` resolved lexically (the file may not exist on disk).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
