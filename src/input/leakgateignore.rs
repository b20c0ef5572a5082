//! `.leakgateignore` for the git sources. The working-tree walk lets `ignore` read these files
//! from disk; a git source reads them from the snapshot its mode trusts (the index for
//! `--staged`, the merge base for `--range`, so that a change cannot ignore its own files, and
//! HEAD for `--history`) and decides with the walk's gitignore semantics: a file in every
//! directory, the deepest one that matches decides, `!` re-includes, and a file inside an
//! ignored directory stays ignored (the walk never enters that directory).
//!
//! Files are read lazily, once per directory asked about, so a pre-commit check in a huge
//! repository reads only the few blobs on the paths of its change.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use git2::{ObjectType, Oid, Repository};
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::walk::LEAKGATE_IGNORE_FILE;
use super::{Blob, Sink};
use crate::input::git::GitError;

/// Where the `.leakgateignore` files are read from.
enum Snapshot {
    /// A commit's tree.
    Tree { repo: Repository, tree: Oid },
    /// The index the next commit is made from, read on first use.
    Index {
        repo: Repository,
        path: std::path::PathBuf,
        index: Option<StagedIndex>,
    },
    /// A tree read through gitoxide: history reads its objects through one object database,
    /// mapped once (libgit2 would map the pack a second time).
    GixTree {
        odb: Box<gix_odb::Handle>,
        tree: gix_hash::ObjectId,
    },
    /// Nothing to read (no commits yet, no index).
    Empty,
}

/// An index as read: quickly with `gix-index` (no re-hash), or by libgit2 for a format that
/// reader does not know (then only its ignore files are kept: a libgit2 index is not `Send`).
enum StagedIndex {
    Gix(Arc<gix_index::File>),
    Git2(HashMap<String, Oid>),
}

impl StagedIndex {
    fn read(path: &Path) -> Option<Self> {
        match super::index_diff::read_index(path) {
            Ok(index) => Some(StagedIndex::Gix(index)),
            Err(_) => {
                let index = git2::Index::open(path).ok()?;
                let files = index
                    .iter()
                    .filter(|e| matches!(e.mode, 0o100644 | 0o100755))
                    .filter_map(|e| {
                        let path = String::from_utf8(e.path).ok()?;
                        let name = path.rsplit('/').next().unwrap_or(&path);
                        (name == LEAKGATE_IGNORE_FILE).then_some((path, e.id))
                    })
                    .collect();
                Some(StagedIndex::Git2(files))
            }
        }
    }

    /// The blob id of the regular file staged at `path`.
    fn blob(&self, path: &str) -> Option<Oid> {
        match self {
            StagedIndex::Gix(index) => {
                let entry = index.entry_by_path(path.as_bytes().into())?;
                matches!(
                    entry.mode,
                    gix_index::entry::Mode::FILE | gix_index::entry::Mode::FILE_EXECUTABLE
                )
                .then(|| Oid::from_bytes(entry.id.as_slice()).ok())?
            }
            StagedIndex::Git2(files) => files.get(path).copied(),
        }
    }
}

/// The `.leakgateignore` files of one git snapshot, answering "is this path ignored?".
pub struct IgnoreFiles {
    snapshot: Mutex<Snapshot>,
    /// Parsed files by directory (`""` is the top); `None`: that directory has none.
    matchers: Mutex<HashMap<String, Option<Arc<Gitignore>>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere ends the process (see main), so a poisoned lock still holds good data.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl IgnoreFiles {
    fn new(snapshot: Snapshot) -> Self {
        IgnoreFiles {
            snapshot: Mutex::new(snapshot),
            matchers: Mutex::default(),
        }
    }

    /// The files in `commit`'s tree.
    pub fn at_commit(repo: &Repository, commit: Oid) -> Result<Self, GitError> {
        let tree = repo.find_commit(commit)?.tree_id();
        Ok(Self::new(Snapshot::Tree {
            repo: Repository::open(repo.path())?,
            tree,
        }))
    }

    /// The files in HEAD's tree (none when there are no commits yet).
    pub fn at_head(repo: &Repository) -> Result<Self, GitError> {
        match repo.head().and_then(|head| head.peel_to_commit()) {
            Ok(commit) => Self::at_commit(repo, commit.id()),
            Err(_) => Ok(Self::new(Snapshot::Empty)),
        }
    }

    /// No files: nothing is ignored.
    pub fn empty() -> Self {
        Self::new(Snapshot::Empty)
    }

    /// The files in the tree `tree`, read from `odb` (history's object database).
    pub fn at_tree(odb: gix_odb::Handle, tree: gix_hash::ObjectId) -> Self {
        Self::new(Snapshot::GixTree {
            odb: Box::new(odb),
            tree,
        })
    }

    /// The files as staged in the index at `index_path` (`git commit -a` names a temporary one).
    /// The index is read only if a path is asked about.
    pub fn staged(repo: &Repository, index_path: &Path) -> Result<Self, GitError> {
        Ok(Self::new(Snapshot::Index {
            repo: Repository::open(repo.path())?,
            path: index_path.to_owned(),
            index: None,
        }))
    }

    /// A sink that hands `inner` only what these files do not ignore.
    pub fn filter<'a>(&'a self, inner: &'a dyn Sink) -> IgnoringSink<'a> {
        IgnoringSink {
            inner,
            ignore: self,
        }
    }

    /// Is the repository path `path` (slash-separated, a file) ignored?
    pub fn ignores(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        // Top-down like the walk: a directory that is ignored is never entered.
        for end in 1..=parts.len() {
            let is_dir = end < parts.len();
            if self.decide(&parts[..end], is_dir) {
                return true;
            }
        }
        false
    }

    /// Is the entry at `path` (a directory when `is_dir`) ignored on its own, its directories
    /// being known not to be? For walks that never enter an ignored directory, as history's.
    pub fn ignores_entry(&self, path: &str, is_dir: bool) -> bool {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        self.decide(&parts, is_dir)
    }

    /// Is the entry `parts` ignored on its own? The deepest `.leakgateignore` above it that
    /// matches decides (a `!` pattern re-includes).
    fn decide(&self, parts: &[&str], is_dir: bool) -> bool {
        for depth in (0..parts.len()).rev() {
            let Some(matcher) = self.matcher(&parts[..depth].join("/")) else {
                continue;
            };
            match matcher.matched(parts[depth..].join("/"), is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        false
    }

    /// The parsed `.leakgateignore` of directory `dir`, read on first use.
    fn matcher(&self, dir: &str) -> Option<Arc<Gitignore>> {
        if let Some(known) = lock(&self.matchers).get(dir) {
            return known.clone();
        }
        let file = if dir.is_empty() {
            LEAKGATE_IGNORE_FILE.to_owned()
        } else {
            format!("{dir}/{LEAKGATE_IGNORE_FILE}")
        };
        let parsed = self.read(&file).map(|text| Arc::new(parse(&text)));
        lock(&self.matchers).insert(dir.to_owned(), parsed.clone());
        parsed
    }

    /// The content of the regular file `path` in the snapshot, if it has one.
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        let mut snapshot = lock(&self.snapshot);
        let (repo, id) = match &mut *snapshot {
            Snapshot::Empty => return None,
            Snapshot::GixTree { odb, tree } => return read_in_tree(odb, *tree, path),
            Snapshot::Tree { repo, tree } => {
                let entry = repo.find_tree(*tree).ok()?.get_path(Path::new(path)).ok()?;
                // A symlink or submodule named .leakgateignore is not an ignore file.
                if entry.kind() != Some(ObjectType::Blob) || entry.filemode() == 0o120000 {
                    return None;
                }
                (&*repo, entry.id())
            }
            Snapshot::Index {
                repo,
                path: index_path,
                index,
            } => {
                if index.is_none() {
                    *index = StagedIndex::read(index_path);
                }
                let id = index.as_ref()?.blob(path)?;
                (&*repo, id)
            }
        };
        repo.find_blob(id).ok().map(|blob| blob.content().to_vec())
    }
}

/// The content of the regular file at `path` (slash-separated) in `tree`, through gitoxide.
fn read_in_tree(odb: &gix_odb::Handle, tree: gix_hash::ObjectId, path: &str) -> Option<Vec<u8>> {
    use gix_object::Find;
    let mut buf = Vec::new();
    let mut id = tree;
    let mut parts = path.split('/').filter(|p| !p.is_empty()).peekable();
    while let Some(part) = parts.next() {
        let data = odb.try_find(&id, &mut buf).ok()??;
        if data.kind != gix_object::Kind::Tree {
            return None;
        }
        let entry = gix_object::TreeRefIter::from_bytes(data.data, gix_hash::Kind::Sha1)
            .filter_map(Result::ok)
            .find(|e| e.filename == part.as_bytes())?;
        let last = parts.peek().is_none();
        // A symlink or submodule named .leakgateignore is not an ignore file.
        let fits = if last {
            entry.mode.is_blob()
        } else {
            entry.mode.is_tree()
        };
        if !fits {
            return None;
        }
        id = entry.oid.to_owned();
    }
    let data = odb.try_find(&id, &mut buf).ok()??;
    (data.kind == gix_object::Kind::Blob).then(|| data.data.to_vec())
}

/// One `.leakgateignore`'s patterns, matched relative to its directory. A line that is not a
/// valid pattern is left out, as the walk does.
fn parse(text: &[u8]) -> Gitignore {
    let text = String::from_utf8_lossy(text);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    // Root "." : paths are passed already relative to the file's directory.
    let mut builder = GitignoreBuilder::new(".");
    for line in text.lines() {
        let _ = builder.add_line(None, line);
    }
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

/// A [`Sink`] that declines the paths its `.leakgateignore` files ignore and forwards the rest.
pub struct IgnoringSink<'a> {
    inner: &'a dyn Sink,
    ignore: &'a IgnoreFiles,
}

impl Sink for IgnoringSink<'_> {
    fn blob(&self, blob: Blob<'_>) {
        self.inner.blob(blob);
    }

    fn diagnostic(&self, diagnostic: crate::diagnostic::Diagnostic) {
        self.inner.diagnostic(diagnostic);
    }

    fn wants(&self, path: &str) -> bool {
        self.inner.wants(path) && !self.ignore.ignores(path)
    }
}
