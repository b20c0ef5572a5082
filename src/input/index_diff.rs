//! What the index changes relative to HEAD, computed in time that grows with the change, not
//! with the repository.
//!
//! libgit2 re-hashes the whole index file with collision-detecting SHA-1 on every read and then
//! walks every tree of HEAD: about 90 ms in a 100,000-file repository, for a pre-commit hook that
//! should feel instant. Git itself avoids that with the index's cache-tree extension, which
//! records, for each directory whose entries have not changed since the last commit or
//! `write-tree`, the tree id those entries make. So does this module: it reads the index with
//! `gix-index` (without re-hashing it), walks HEAD and the cache-tree together, skips every
//! directory whose cached id equals HEAD's, and compares entries only in the directories the
//! change touched. Without a cache-tree it still works, comparing every directory.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use git2::{ObjectType, Oid, Repository, Tree};
use gix_index::entry::{Mode, Stage};
use gix_index::extension;

/// One staged file whose content differs from HEAD.
#[derive(Debug, Clone)]
pub struct StagedChange {
    pub path: Vec<u8>,
    pub new: Oid,
    /// The HEAD blob it replaces; `None` for a new file.
    pub old: Option<Oid>,
    pub kind: EntryKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Symlink,
    Submodule,
}

/// The index at `path`, decoded (without re-hashing) once per process: the staged scan and its
/// `.leakgateignore` lookups both need it, and decoding a 100,000-entry index twice would
/// double a pre-commit hook's time. A hook is one short process, so the index cannot change
/// under it in a way that matters.
pub fn read_index(path: &Path) -> Result<Arc<gix_index::File>, String> {
    static LAST: Mutex<Option<(PathBuf, Arc<gix_index::File>)>> = Mutex::new(None);
    let mut last = LAST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((read, index)) = &*last
        && read == path
    {
        return Ok(Arc::clone(index));
    }
    let index = Arc::new(
        gix_index::File::at(
            path,
            gix_hash::Kind::Sha1,
            true,
            gix_index::decode::Options::default(),
        )
        .map_err(|e| e.to_string())?,
    );
    *last = Some((path.to_owned(), Arc::clone(&index)));
    Ok(index)
}

/// Read the index at `index_path` and list what it changes relative to `head` (`None`: no
/// commits yet). Pure renames (a new path holding a blob that a deleted path held) are left
/// out: they add no lines.
pub fn staged_changes(
    repo: &Repository,
    index_path: &Path,
    head: Option<&Tree<'_>>,
) -> Result<Vec<StagedChange>, String> {
    let index = read_index(index_path)?;
    let mut walk = Walk {
        repo,
        state: &index,
        changes: Vec::new(),
        deleted: HashSet::new(),
    };
    walk.directory(b"", 0..index.entries().len(), head, index.tree())?;
    let Walk {
        mut changes,
        deleted,
        ..
    } = walk;
    changes.retain(|c| c.old.is_some() || !deleted.contains(&c.new));
    Ok(changes)
}

/// Does the cache-tree prove this directory's index entries make exactly HEAD's tree?
fn unchanged(cached: &extension::Tree, head: Oid) -> bool {
    cached.num_entries.is_some() && cached.id.as_slice() == head.as_bytes()
}

struct Walk<'a, 'r> {
    repo: &'r Repository,
    state: &'a gix_index::State,
    changes: Vec<StagedChange>,
    /// Blobs HEAD has at paths the index no longer has, for recognising renames.
    deleted: HashSet<Oid>,
}

impl Walk<'_, '_> {
    /// Compare the index entries `range` (all under `prefix`) with `head`, the HEAD tree of the
    /// same directory, skipping it whole when the cache-tree proves it unchanged.
    fn directory(
        &mut self,
        prefix: &[u8],
        range: Range<usize>,
        head: Option<&Tree<'_>>,
        cached: Option<&extension::Tree>,
    ) -> Result<(), String> {
        if let (Some(cached), Some(head)) = (cached, head)
            && unchanged(cached, head.id())
        {
            return Ok(());
        }
        let entries = self.state.entries();
        let mut present: HashSet<Vec<u8>> = HashSet::new();
        let mut i = range.start;
        while i < range.end {
            let entry = &entries[i];
            let path: &[u8] = entry.path(self.state).as_ref();
            let rel = &path[prefix.len()..];
            if let Some(slash) = rel.iter().position(|b| *b == b'/') {
                // A subdirectory: its entries are contiguous in the sorted index.
                let name = &rel[..slash];
                let sub_prefix = [prefix, name, b"/"].concat();
                let end = (i..range.end)
                    .find(|&j| !<&[u8]>::from(entries[j].path(self.state)).starts_with(&sub_prefix))
                    .unwrap_or(range.end);
                let sub_head_id = head
                    .and_then(|t| t.get_name_bytes(name))
                    .filter(|e| e.kind() == Some(ObjectType::Tree))
                    .map(|e| e.id());
                let sub_cached =
                    cached.and_then(|c| c.children.iter().find(|t| t.name.as_slice() == name));
                present.insert(name.to_vec());
                // Compare ids before reading the subtree: most directories are unchanged.
                let skip =
                    matches!((sub_cached, sub_head_id), (Some(c), Some(id)) if unchanged(c, id));
                if !skip {
                    let sub_head = sub_head_id.and_then(|id| self.repo.find_tree(id).ok());
                    self.directory(&sub_prefix, i..end, sub_head.as_ref(), sub_cached)?;
                }
                i = end;
                continue;
            }
            i += 1;
            present.insert(rel.to_vec());
            if entry.stage() != Stage::Unconflicted {
                continue;
            }
            let new = Oid::from_bytes(entry.id.as_slice()).map_err(|e| e.message().to_owned())?;
            let in_head = head
                .and_then(|t| t.get_name_bytes(rel))
                .filter(|e| e.kind() == Some(ObjectType::Blob));
            let old = match in_head {
                Some(old) if old.id() == new => continue,
                Some(old) => Some(old.id()),
                None => None,
            };
            let kind = if entry.mode == Mode::COMMIT {
                EntryKind::Submodule
            } else if entry.mode == Mode::SYMLINK {
                EntryKind::Symlink
            } else {
                EntryKind::File
            };
            self.changes.push(StagedChange {
                path: path.to_vec(),
                new,
                old,
                kind,
            });
        }
        if let Some(head) = head {
            for entry in head.iter() {
                if entry.kind() == Some(ObjectType::Blob) && !present.contains(entry.name_bytes()) {
                    self.deleted.insert(entry.id());
                }
            }
        }
        Ok(())
    }
}
