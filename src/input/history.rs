//! History at pack speed (`scan --history`): every distinct blob reachable from any ref (or not
//! reachable from `--since`), each read once, in the order the object database stores it, on
//! every core; plus every commit message and annotated tag message.
//!
//! Three passes, after noseyparker's design (walking commits and diffing each against its
//! parent, single-threaded, was the slow part):
//!
//! 1. **Plan**: walk the commits oldest first (the order the old traversal used, so
//!    "earliest" means the same thing) and each commit's tree, skipping every subtree already
//!    walked: a tree shared by thousands of commits is read once. The trees are walked on every
//!    core, in consecutive parts of the commits joined in order ([`TreeWalk::walk_roots`]). Each blob gets the first path
//!    and commit it appears at, which path-dependent rules, `.leakgateignore` and the earliest-
//!    commit report need before it is scanned. Commits are walked in libgit2's order, read
//!    through the same gitoxide object database ([`super::revwalk`]); commit and tag messages
//!    are only noted here. Refs that point at trees or blobs (tags) are walked too.
//! 2. **Order**: enumerate the object database (every pack, in pack-offset order, then loose
//!    objects), and cut each file's versions (each planned blob's `previous` at its path) into
//!    units of consecutive versions, newest first, ordered by where they start in the pack.
//!    Unreachable objects are never planned, so never reported.
//! 3. **Scan** (one worker per core unless `--threads` says otherwise): workers take units,
//!    read each version straight from the packs ([`super::pack`]: every object of a delta
//!    chain kept, so a base is inflated once, not once per version that deltas against it;
//!    sizes checked before inflating), and scan it against the version before it at its path
//!    (the scanner's `scan_since`: only around what changed), the first version of a
//!    path whole; then the commit and tag messages, read again. The units are read in a few
//!    segments, each through packs mapped for it, so that the pack's pages do not all stay
//!    resident (peak memory). Commit metadata (author, date) is looked up afterwards, only for
//!    the findings ([`HistoryScan::describe`]).
//!
//! A planned blob the database does not have (a partial clone) is an error naming its path and
//! id, never a skip. A tree that cannot be read stops the scan.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use gix_hash::ObjectId;
use gix_hashtable::HashMap;
use gix_object::{Find, FindHeader, Kind};

use super::git::{GitError, UNREADABLE_HELP, commit_info};
use super::leakgateignore::IgnoreFiles;
use super::pack::{PackReader, Packs, Read as PackRead};
use super::revwalk::{Walked, peel_to_commit, read_error, to_gix};
use super::text;
use super::{Blob, CommitInfo, Provenance, Sink};
use crate::diagnostic::{Diagnostic, SkipReason};

/// How a history scan runs.
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// Leave out what this revision reaches.
    pub since: Option<String>,
    pub max_file_size: u64,
    /// Scanning threads; 0 is one per core (as `--threads` says, and as the tree walk does).
    pub threads: usize,
    /// Draw a progress bar on standard error.
    pub progress: bool,
}

/// The path shown for a finding in a commit message.
pub const COMMIT_MESSAGE_PATH: &str = "(commit message)";
/// The path shown for a finding in an annotated tag's message.
pub const TAG_MESSAGE_PATH: &str = "(tag message)";

/// The object database's delta cache, per worker: it reads commits and tags for the messages
/// and what the pack reader leaves to it (loose objects, alternates), so a small one does.
const PACK_CACHE_BYTES: usize = 4 * 1024 * 1024;
/// Messages a worker takes at a time.
const CHUNK: usize = 256;
/// The scan reads the pack in this many consecutive segments, each worker through an object
/// database it opens afresh for each: a mapped pack page stays in the process's resident
/// memory until the mapping goes, so reading a whole pack through one mapping costs the pack's
/// size in RSS (75 MB of rust-lang/cargo's 200 MB budget). Per segment it costs about a
/// quarter, plus the bases deltas reach back for.
const SEGMENTS: usize = 4;
/// Below this many blobs, one segment: the pack is small.
const SEGMENT_MIN: usize = 4096;

/// What attributes a planned object: a commit of the walk, or a ref that points at a tag, tree
/// or blob directly (after every commit in the order, so a commit always wins).
#[derive(Debug, Clone)]
enum Origin {
    Commit(ObjectId),
    /// An annotated tag object, or the tree or blob a lightweight tag names.
    Ref(ObjectId),
}

impl Origin {
    fn id(&self) -> ObjectId {
        match self {
            Origin::Commit(id) | Origin::Ref(id) => *id,
        }
    }
}

/// One blob to scan: where it first appears.
struct Planned {
    id: ObjectId,
    path: Box<str>,
    /// Index into [`HistoryScan::origins`].
    origin: u32,
    /// The blob planned at the same path before this one (an earlier version of the file,
    /// from an earlier commit): this one is scanned only where it differs from it.
    previous: Option<u32>,
}

/// What the history scan saw, and what its post-pass needs.
pub struct HistoryScan {
    pub commits: u64,
    pub binary: u64,
    pub shallow: bool,
    /// Planned blobs (the distinct blobs of history) and their total size as stored.
    pub blobs: u64,
    /// The origin index of every scanned object: blobs, commits (messages) and tags.
    order: HashMap<ObjectId, u32>,
}

impl HistoryScan {
    /// Where `provenance` comes in the oldest-first order (smaller is earlier); anything this
    /// scan did not produce comes last.
    pub fn order(&self, provenance: &Provenance) -> usize {
        let object = match provenance {
            Provenance::Commit { blob, .. } => blob,
            Provenance::Message { object, .. } => object,
            _ => return usize::MAX,
        };
        ObjectId::from_hex(object.as_bytes())
            .ok()
            .and_then(|id| self.order.get(&id))
            .map_or(usize::MAX, |&o| o as usize)
    }

    /// Fill in the author and date of the commits (or tags) `provenances` name: looked up only
    /// now, for the few objects with findings.
    pub fn describe<'p>(
        &self,
        repo: &git2::Repository,
        provenances: impl IntoIterator<Item = &'p mut Provenance>,
    ) {
        let mut known: std::collections::HashMap<String, CommitInfo> = Default::default();
        for provenance in provenances {
            let commit = match provenance {
                Provenance::Commit { commit, .. } | Provenance::Message { commit, .. } => commit,
                _ => continue,
            };
            if !commit.author.is_empty() {
                continue;
            }
            let info = known
                .entry(commit.id.clone())
                .or_insert_with(|| describe_object(repo, &commit.id));
            *commit = info.clone();
        }
    }
}

/// A commit's or tag's author and date; `?` where git cannot say.
fn describe_object(repo: &git2::Repository, id: &str) -> CommitInfo {
    let unknown = CommitInfo {
        id: id.to_owned(),
        author: "?".to_owned(),
        date: "?".to_owned(),
    };
    let Ok(oid) = git2::Oid::from_str(id) else {
        return unknown;
    };
    if let Ok(commit) = repo.find_commit(oid) {
        return commit_info(&commit);
    }
    match repo.find_tag(oid) {
        Ok(tag) => tag_info(&tag),
        Err(_) => unknown,
    }
}

/// An annotated tag as reports show it: its id, its tagger and date (`?` when it has none).
pub(crate) fn tag_info(tag: &git2::Tag<'_>) -> CommitInfo {
    let id = tag.id().to_string();
    match tag.tagger() {
        Some(tagger) => {
            let seconds = tagger.when().seconds().max(0) as u64;
            let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
            CommitInfo {
                id,
                author: format!(
                    "{} <{}>",
                    tagger.name().unwrap_or("?"),
                    tagger.email().unwrap_or("?")
                ),
                date: humantime::format_rfc3339_seconds(when).to_string(),
            }
        }
        None => CommitInfo {
            id,
            author: "?".to_owned(),
            date: "?".to_owned(),
        },
    }
}

/// A provenance whose commit is filled in by [`HistoryScan::describe`].
fn pending(origin: &Origin) -> CommitInfo {
    CommitInfo {
        id: origin.id().to_string(),
        author: String::new(),
        date: String::new(),
    }
}

/// The objects directory of `repo` (the common one, for a linked worktree).
fn objects_dir(repo: &git2::Repository) -> PathBuf {
    match std::env::var_os("GIT_OBJECT_DIRECTORY") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => repo.commondir().join("objects"),
    }
}

fn open_odb(dir: &Path) -> Result<gix_odb::Handle, GitError> {
    let mut odb = gix_odb::at(dir, gix_hash::Kind::Sha1).map_err(|e| GitError::Read {
        message: format!("cannot open the object database {}: {e}", dir.display()),
    })?;
    odb.set_pack_cache(|| {
        Box::new(gix_pack::cache::lru::MemoryCappedHashmap::new(
            PACK_CACHE_BYTES,
        ))
    });
    Ok(odb)
}

/// The tree of the commit `HEAD` names (through tags), or `None` when there is no commit yet.
fn head_tree(repo: &git2::Repository, odb: &gix_odb::Handle) -> Result<Option<ObjectId>, GitError> {
    let Some(target) = (repo.head().ok())
        .and_then(|head| head.resolve().ok())
        .and_then(|head| head.target())
    else {
        return Ok(None);
    };
    let mut buf = Vec::new();
    let Some(id) = peel_to_commit(odb, &mut buf, to_gix(target)?)? else {
        return Ok(None);
    };
    let Ok(Some(data)) = odb.try_find(&id, &mut buf) else {
        return Ok(None);
    };
    let commit = gix_object::CommitRef::from_bytes(data.data, gix_hash::Kind::Sha1)
        .map_err(|e| read_error("commit", &id, e))?;
    let tree = ObjectId::from_hex(commit.tree).map_err(|e| read_error("commit", &id, e))?;
    Ok(Some(tree))
}

/// Scan the history of `repo` into `sink`: every blob once (as [`Provenance::Commit`] at its
/// first path and commit), every commit message and annotated tag message. Paths HEAD's
/// `.leakgateignore` files ignore are not read.
pub fn scan(
    repo: &git2::Repository,
    options: &HistoryOptions,
    sink: &dyn Sink,
) -> Result<HistoryScan, GitError> {
    let odb = open_odb(&objects_dir(repo))?;
    // History is judged by today's `.leakgateignore` files: HEAD's, read through this object
    // database too.
    let ignore = match head_tree(repo, &odb)? {
        Some(tree) => IgnoreFiles::at_tree(odb.clone(), tree),
        None => IgnoreFiles::empty(),
    };
    // The planner's handle, and its delta cache, are dropped before the workers make theirs.
    let planning = odb.clone();
    let packs = Packs::open(&objects_dir(repo));
    let mut planner = Planner {
        trees: TreeWalk::new(&planning, &ignore, &packs),
        origins: Vec::new(),
        messages: Vec::new(),
        order: HashMap::default(),
    };
    let commits = planner.walk_commits(repo, options.since.as_deref(), workers(options.threads))?;
    planner.walk_refs(repo)?;
    let Planner {
        mut trees,
        origins,
        messages,
        mut order,
    } = planner;
    // What only planning needed goes now (a partly moved planner would keep it, and the
    // pages of the packs it mapped, to the end of the scan).
    let planned = std::mem::take(&mut trees.planned);
    drop(trees);
    drop(packs);
    drop(planning);
    drop(ignore);
    for blob in &planned {
        order.insert(blob.id, blob.origin);
    }
    let queue = pack_order(&odb, &planned);
    // Every handle of this store goes now: each segment of the scan maps the pack afresh.
    drop(odb);
    let (members, units) = units(&planned, &queue);
    drop(queue);
    let work = Work {
        planned: &planned,
        members: &members,
        units: &units,
        origins: &origins,
        messages: &messages,
    };
    let binary = scan_blobs(&objects_dir(repo), &work, options, sink)?;
    Ok(HistoryScan {
        commits,
        binary,
        shallow: repo.is_shallow(),
        blobs: planned.len() as u64,
        order,
    })
}

/// Pass 1: which blobs to scan, each at its first path and commit.
struct Planner<'a> {
    trees: TreeWalk<'a>,
    origins: Vec<Origin>,
    /// The commits and annotated tags (origins) whose messages the workers scan.
    messages: Vec<u32>,
    /// Commits and tags whose messages were scanned, by origin.
    order: HashMap<ObjectId, u32>,
}

/// Walks trees, planning each blob not seen before at the path and origin it is first met
/// at.
struct TreeWalk<'a> {
    odb: &'a gix_odb::Handle,
    ignore: &'a IgnoreFiles,
    packs: &'a Packs,
    reader: PackReader,
    buf: Vec<u8>,
    /// Planned blobs: index into `planned`.
    blobs: HashMap<ObjectId, u32>,
    planned: Vec<Planned>,
    /// The last blob planned at each path.
    last_at_path: std::collections::HashMap<Box<str>, u32>,
    /// Blobs `--since` reaches: never scanned.
    known_blobs: HashSet<ObjectId, gix_hashtable::hash::Builder>,
    /// Trees every blob of which is planned (or known): never walked again.
    clean_trees: HashSet<ObjectId, gix_hashtable::hash::Builder>,
    /// Trees with ignored entries, by where they were walked (what is ignored depends on the
    /// path): walked again only at another path.
    ignored_trees: HashSet<(ObjectId, Box<[u8]>)>,
}

/// What one part of a parallel tree walk found: its commits' blobs, each at the first path
/// and commit of the part it appears at, and the trees it finished.
struct PartWalked {
    planned: Vec<Planned>,
    clean_trees: HashSet<ObjectId, gix_hashtable::hash::Builder>,
    ignored_trees: HashSet<(ObjectId, Box<[u8]>)>,
}

/// A tree walk in parts needs at least this many commits; each part has at least a quarter
/// of it. A part starts cold (its first commit's whole tree is walked, and blobs earlier parts
/// planned are planned again, then dropped when the parts are joined), so parts are not small.
const PARALLEL_WALK_MIN: usize = 2048;

/// A tree being walked: its entries, the next to look at, and whether any was ignored.
struct Frame {
    id: ObjectId,
    /// The tree's path with a trailing `/` (empty at the top).
    path: Vec<u8>,
    entries: Vec<(gix_object::tree::EntryMode, Vec<u8>, ObjectId)>,
    next: usize,
    ignored: bool,
}

impl Planner<'_> {
    /// Walk the commits oldest first (topological, then by time: libgit2's order, which the
    /// diff-based walk used, read through the same object database as the blobs), planning
    /// each new blob, the trees on `threads` threads. Returns how many commits were walked.
    fn walk_commits(
        &mut self,
        repo: &git2::Repository,
        since: Option<&str>,
        threads: usize,
    ) -> Result<u64, GitError> {
        let mut hidden = None;
        if let Some(rev) = since {
            let commit = repo
                .revparse_single(rev)
                .and_then(|o| o.peel_to_commit())
                .map_err(|e| GitError::BadRevision {
                    rev: rev.to_owned(),
                    message: e.message().to_owned(),
                })?;
            hidden = Some(to_gix(commit.id())?);
        }
        let commits = super::revwalk::oldest_first(repo, self.trees.odb, hidden)?;
        if hidden.is_some() {
            self.trees.seed_hidden_parents(&commits)?;
        }
        let mut roots = Vec::with_capacity(commits.len());
        for commit in &commits {
            let origin = self.origins.len() as u32;
            self.origins.push(Origin::Commit(commit.id));
            self.order.insert(commit.id, origin);
            self.messages.push(origin);
            roots.push((commit.tree, origin));
        }
        self.trees.walk_roots(&roots, threads)?;
        Ok(commits.len() as u64)
    }

    /// Refs that point at annotated tags (their messages are scanned) and, through them or
    /// directly, at trees or blobs (walked as if committed, after every commit).
    fn walk_refs(&mut self, repo: &git2::Repository) -> Result<(), GitError> {
        let mut refs: Vec<(String, ObjectId)> = Vec::new();
        for reference in repo.references()? {
            let Ok(reference) = reference else { continue };
            let (Some(name), Some(target)) = (reference.name(), reference.target()) else {
                continue; // symbolic refs resolve to a ref walked anyway
            };
            refs.push((name.to_owned(), to_gix(target)?));
        }
        refs.sort();
        let trees = &mut self.trees;
        for (name, mut id) in refs {
            let mut origin = None;
            // Follow tags of tags, at most as deep as git itself would (a loop cannot hang us).
            for _ in 0..64 {
                let kind = match trees.odb.try_header(&id) {
                    Ok(Some(header)) => header.kind,
                    _ => break, // a missing ref target is git's problem, not a secret
                };
                match kind {
                    Kind::Commit => break,
                    Kind::Tag => {
                        match self.order.get(&id) {
                            // Already followed through another ref.
                            Some(_) => break,
                            None => {
                                let known = self.origins.len() as u32;
                                self.origins.push(Origin::Ref(id));
                                self.order.insert(id, known);
                                let data = trees.read(&id, Kind::Tag, "tag")?;
                                let tag =
                                    gix_object::TagRef::from_bytes(data, gix_hash::Kind::Sha1)
                                        .map_err(|e| read_error("tag", &id, e))?;
                                let target = ObjectId::from_hex(tag.target)
                                    .map_err(|e| read_error("tag", &id, e))?;
                                self.messages.push(known);
                                id = target;
                                origin = Some(known);
                                continue;
                            }
                        }
                    }
                    Kind::Tree | Kind::Blob => {
                        let origin = origin.unwrap_or_else(|| {
                            self.origins.push(Origin::Ref(id));
                            self.origins.len() as u32 - 1
                        });
                        if kind == Kind::Tree {
                            trees.walk_tree(id, Vec::new(), origin)?;
                        } else if !trees.seen(&id) {
                            // A blob outside any tree has no path but the ref's name.
                            trees.plan(id, name.clone().into_boxed_str(), origin);
                        }
                        break;
                    }
                }
            }
        }
        Ok(())
    }
}

impl<'a> TreeWalk<'a> {
    fn new(odb: &'a gix_odb::Handle, ignore: &'a IgnoreFiles, packs: &'a Packs) -> Self {
        TreeWalk {
            odb,
            ignore,
            packs,
            reader: PackReader::default(),
            buf: Vec::new(),
            blobs: HashMap::default(),
            planned: Vec::new(),
            last_at_path: Default::default(),
            known_blobs: HashSet::default(),
            clean_trees: HashSet::default(),
            ignored_trees: HashSet::default(),
        }
    }

    /// Whether the blob `id` is planned already, or known (`--since`).
    fn seen(&self, id: &ObjectId) -> bool {
        self.blobs.contains_key(id) || self.known_blobs.contains(id)
    }

    /// Walk the root trees of the commits, in order, each with its commit's origin.
    ///
    /// On more than one thread, the commits are cut into consecutive parts, each walked on
    /// its own (from what `--since` marked known) and then joined in order: a blob goes to
    /// the first part that has it, at the path and commit that part met it at, which is where
    /// one walk over all the commits would have met it first. (A part meets a blob an earlier
    /// part has only at commits where one walk would have skipped it, and a tree one walk
    /// skips as finished holds only blobs planned before it: the blobs each part adds, and
    /// their order, are one walk's.) Every blob's version before it at its path is then found
    /// in the joined order, as one walk finds it.
    fn walk_roots(&mut self, roots: &[(ObjectId, u32)], threads: usize) -> Result<(), GitError> {
        let parts = if threads > 1 && roots.len() >= PARALLEL_WALK_MIN {
            // Several parts a thread, so that one finishing early takes the next.
            (roots.len() * 4 / PARALLEL_WALK_MIN).min(threads * 8)
        } else {
            1
        };
        if parts <= 1 {
            for &(tree, origin) in roots {
                self.walk_tree(tree, Vec::new(), origin)?;
            }
            return Ok(());
        }
        let parts: Vec<&[(ObjectId, u32)]> = roots.chunks(roots.len().div_ceil(parts)).collect();
        let walked: Vec<Mutex<Option<Result<PartWalked, GitError>>>> =
            parts.iter().map(|_| Mutex::new(None)).collect();
        let next = AtomicUsize::new(0);
        let (ignore, packs) = (self.ignore, self.packs);
        let (known_blobs, clean_trees) = (&self.known_blobs, &self.clean_trees);
        let worker = |odb: gix_odb::Handle| {
            let mut reader = PackReader::default();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(part) = parts.get(index) else {
                    break;
                };
                let mut walk = TreeWalk::new(&odb, ignore, packs);
                walk.reader = reader;
                walk.known_blobs = known_blobs.clone();
                walk.clean_trees = clean_trees.clone();
                let result = (part.iter())
                    .try_for_each(|&(tree, origin)| walk.walk_tree(tree, Vec::new(), origin));
                reader = std::mem::take(&mut walk.reader);
                *lock(&walked[index]) = Some(result.map(|()| PartWalked {
                    planned: walk.planned,
                    clean_trees: walk.clean_trees,
                    ignored_trees: walk.ignored_trees,
                }));
            }
        };
        std::thread::scope(|scope| {
            for _ in 1..threads {
                let odb = self.odb.clone();
                scope.spawn(move || worker(odb));
            }
            worker(self.odb.clone());
        });
        for part in walked {
            let part = part
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .expect("every part is walked before the scope ends")?;
            for blob in part.planned {
                if !self.seen(&blob.id) {
                    self.plan(blob.id, blob.path, blob.origin);
                }
            }
            self.clean_trees.extend(part.clean_trees);
            self.ignored_trees.extend(part.ignored_trees);
        }
        Ok(())
    }

    /// `--since`: what the hidden parents of the walked commits hold is not new. Their trees are
    /// marked as seen (blobs known, never scanned), as the diff against them left them out.
    fn seed_hidden_parents(&mut self, walked: &[Walked]) -> Result<(), GitError> {
        let visible: HashSet<ObjectId> = walked.iter().map(|commit| commit.id).collect();
        let mut parents = Vec::new();
        for commit in walked {
            let id = &commit.id;
            let data = self.read(id, Kind::Commit, "commit")?;
            let commit = gix_object::CommitRef::from_bytes(data, gix_hash::Kind::Sha1)
                .map_err(|e| read_error("commit", id, e))?;
            for parent in &commit.parents {
                if let Ok(parent) = ObjectId::from_hex(parent)
                    && !visible.contains(&parent)
                {
                    parents.push(parent);
                }
            }
        }
        for parent in parents {
            // A parent beyond a shallow clone's graft is not there: nothing to leave out.
            let tree = match self.odb.try_find(&parent, &mut self.buf) {
                Ok(Some(data)) if data.kind == Kind::Commit => {
                    gix_object::CommitRef::from_bytes(data.data, gix_hash::Kind::Sha1)
                        .ok()
                        .and_then(|c| ObjectId::from_hex(c.tree).ok())
                }
                _ => None,
            };
            if let Some(tree) = tree {
                self.mark_known(tree)?;
            }
        }
        Ok(())
    }

    /// Mark every tree and blob under `root` as seen, without planning anything.
    fn mark_known(&mut self, root: ObjectId) -> Result<(), GitError> {
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            if !self.clean_trees.insert(id) {
                continue;
            }
            for (mode, _, entry) in self.frame(id, Vec::new())?.entries {
                if mode.is_tree() {
                    stack.push(entry);
                } else if mode.is_blob() {
                    self.known_blobs.insert(entry);
                }
            }
        }
        Ok(())
    }

    /// Read an object that must be there, of the kind expected: from the packs (trees and
    /// commits are deltas of each other as blobs are), or through the object database.
    fn read(&mut self, id: &gix_hash::oid, kind: Kind, what: &str) -> Result<&[u8], GitError> {
        if let Some(found) = self.reader.read_any(self.packs, id, &mut self.buf) {
            return if found == kind {
                Ok(&self.buf)
            } else {
                Err(read_error(what, id, format!("it is a {found}")))
            };
        }
        match self.odb.try_find(id, &mut self.buf) {
            Ok(Some(data)) if data.kind == kind => Ok(data.data),
            Ok(Some(data)) => Err(read_error(what, id, format!("it is a {}", data.kind))),
            Ok(None) => Err(read_error(
                what,
                id,
                "it is missing (a partial or damaged clone); fetch it or check the repository with `git fsck`",
            )),
            Err(e) => Err(read_error(what, id, e)),
        }
    }

    fn plan(&mut self, id: ObjectId, path: Box<str>, origin: u32) {
        let index = self.planned.len() as u32;
        self.blobs.insert(id, index);
        let previous = self.last_at_path.insert(path.clone(), index);
        self.planned.push(Planned {
            id,
            path,
            origin,
            previous,
        });
    }

    /// Walk the tree `root` at `path`, planning every blob not seen before at its path here.
    /// Subtrees walked before are skipped; what `.leakgateignore` ignores is not entered.
    fn walk_tree(&mut self, root: ObjectId, path: Vec<u8>, origin: u32) -> Result<(), GitError> {
        if self.clean_trees.contains(&root)
            || self
                .ignored_trees
                .contains(&(root, path.clone().into_boxed_slice()))
        {
            return Ok(());
        }
        let mut stack = vec![self.frame(root, path)?];
        while let Some(top) = stack.last_mut() {
            let Some((mode, name, id)) = top.entries.get(top.next) else {
                let done = stack.pop();
                if let Some(done) = done {
                    if done.ignored {
                        if let Some(parent) = stack.last_mut() {
                            parent.ignored = true;
                        }
                        self.ignored_trees
                            .insert((done.id, done.path.into_boxed_slice()));
                    } else {
                        self.clean_trees.insert(done.id);
                    }
                }
                continue;
            };
            let (mode, id) = (*mode, *id);
            let mut full = Vec::with_capacity(top.path.len() + name.len() + 1);
            full.extend_from_slice(&top.path);
            full.extend_from_slice(name);
            top.next += 1;
            if mode.is_tree() {
                if self.clean_trees.contains(&id) {
                    continue;
                }
                full.push(b'/');
                if self
                    .ignored_trees
                    .contains(&(id, full.clone().into_boxed_slice()))
                {
                    top.ignored = true;
                    continue;
                }
                let shown = String::from_utf8_lossy(&full[..full.len() - 1]).into_owned();
                if self.ignore.ignores_entry(&shown, true) {
                    top.ignored = true;
                    continue;
                }
                let frame = self.frame(id, full)?;
                stack.push(frame);
            } else if mode.is_blob() {
                if self.seen(&id) {
                    continue;
                }
                let shown = String::from_utf8_lossy(&full).into_owned();
                if self.ignore.ignores_entry(&shown, false) {
                    top.ignored = true;
                    continue;
                }
                self.plan(id, shown.into_boxed_str(), origin);
            }
            // Symlinks and submodules: not scanned in history (a link's target is a path).
        }
        Ok(())
    }

    fn frame(&mut self, id: ObjectId, path: Vec<u8>) -> Result<Frame, GitError> {
        // Git knows the empty tree without storing it (`git commit-tree` of it writes none,
        // and `git fsck` is content): a commit of nothing is not a damaged clone.
        let data: &[u8] = if id.is_empty_tree() {
            &[]
        } else {
            self.read(&id, Kind::Tree, "tree")?
        };
        let entries = gix_object::TreeRefIter::from_bytes(data, gix_hash::Kind::Sha1)
            .map(|entry| entry.map(|e| (e.mode, e.filename.to_vec(), e.oid.to_owned())))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| read_error("tree", &id, e))?;
        Ok(Frame {
            id,
            path,
            entries,
            next: 0,
            ignored: false,
        })
    }
}

/// Pass 2: the planned blobs (indices into `planned`) in the order the object database stores
/// them: each pack by offset, then loose objects; any the enumeration did not meet (an
/// alternate, or missing) last, where reading them says which.
fn pack_order(odb: &gix_odb::Handle, planned: &[Planned]) -> Vec<u32> {
    let index: HashMap<ObjectId, u32> = (planned.iter().enumerate())
        .map(|(i, p)| (p.id, i as u32))
        .collect();
    let mut queued = vec![false; planned.len()];
    let mut queue = Vec::with_capacity(planned.len());
    if let Ok(all) = odb.store_ref().iter() {
        let all = all.with_ordering(
            gix_odb::store::iter::Ordering::PackAscendingOffsetThenLooseLexicographical,
        );
        for id in all.flatten() {
            if let Some(&i) = index.get(&id)
                && !std::mem::replace(&mut queued[i as usize], true)
            {
                queue.push(i);
            }
        }
    }
    for (i, done) in queued.iter().enumerate() {
        if !done {
            queue.push(i as u32);
        }
    }
    queue
}

/// Versions of one path a worker reads one after the other, newest first. Each but the oldest
/// is scanned against the next older (read next); the oldest against `before` (the version
/// before it, read only to compare), or whole when it is the path's first.
struct Unit {
    /// A range of [`Work::members`].
    members: std::ops::Range<usize>,
    before: Option<u32>,
    /// Where its blobs first come in the pack: units are taken in this order, so each
    /// segment of the scan reads one stretch of the pack.
    rank: u32,
}

/// Versions of a path taken together at most: a long history of one file (a lock file's
/// thousand versions) is shared between workers, at the cost of reading one version twice.
const VERSIONS_PER_UNIT: usize = 64;

/// Pass 2b: the work units. Every planned blob is in one chain of versions (its `previous`
/// links); each chain is cut into units of [`VERSIONS_PER_UNIT`], newest first (a pack stores
/// a file's newest version whole and older ones as deltas against newer ones, so reading
/// newest first resolves each delta from the version just read), and the units are ordered
/// by where their blobs are in the pack (`queue`).
fn units(planned: &[Planned], queue: &[u32]) -> (Vec<u32>, Vec<Unit>) {
    let mut rank = vec![0u32; planned.len()];
    for (at, &i) in queue.iter().enumerate() {
        rank[i as usize] = at as u32;
    }
    let mut superseded = vec![false; planned.len()];
    for blob in planned {
        if let Some(previous) = blob.previous {
            superseded[previous as usize] = true;
        }
    }
    let mut members = Vec::with_capacity(planned.len());
    let mut units = Vec::new();
    for newest in (0..planned.len()).filter(|&i| !superseded[i]) {
        let chain = members.len();
        let mut at = Some(newest as u32);
        while let Some(i) = at {
            members.push(i);
            at = planned[i as usize].previous;
        }
        let end = members.len();
        for start in (chain..end).step_by(VERSIONS_PER_UNIT) {
            let stop = (start + VERSIONS_PER_UNIT).min(end);
            units.push(Unit {
                members: start..stop,
                before: (stop < end).then(|| members[stop]),
                rank: (members[start..stop].iter())
                    .map(|&i| rank[i as usize])
                    .min()
                    .unwrap_or(0),
            });
        }
    }
    units.sort_unstable_by_key(|unit| unit.rank);
    (members, units)
}

/// What the workers of pass 3 share: the planned blobs in units, then the messages.
struct Work<'a> {
    planned: &'a [Planned],
    /// Indices into `planned`, unit by unit.
    members: &'a [u32],
    units: &'a [Unit],
    origins: &'a [Origin],
    /// Origins (commits, annotated tags) whose messages to scan.
    messages: &'a [u32],
}

/// Pass 3: read and scan the units' blobs, then the commit and tag messages, on
/// `options.threads` workers. Returns how many blobs were binary (scanned as raw bytes).
fn scan_blobs(
    objects: &Path,
    work: &Work<'_>,
    options: &HistoryOptions,
    sink: &dyn Sink,
) -> Result<u64, GitError> {
    let progress = Progress::new(options.progress, work.members.len() as u64);
    let binary = AtomicU64::new(0);
    let threads = workers(options.threads);
    let segments: Vec<Segment<'_>> = if work.members.len() < SEGMENT_MIN {
        vec![Segment::new(work.units)]
    } else {
        (work.units.chunks(work.units.len().div_ceil(SEGMENTS)))
            .map(Segment::new)
            .collect()
    };
    let next_message = AtomicUsize::new(0);
    // The first segment's store is opened here, so that an object database that cannot be
    // opened is an error, not a scan of nothing.
    if let Some(first) = segments.first() {
        *lock(&first.store) = Some(Store::open(objects)?);
    }
    // Every worker goes through every segment in order, sharing that segment's store; the
    // last to leave a segment drops its store, and with it the mapping and the pages it held.
    // Workers keep their threads, so the scanner's per-thread caches are made once.
    let worker = || {
        let mut reader = Reader {
            max_file_size: options.max_file_size,
            packs: PackReader::default(),
            newer: Rc::default(),
            current: Rc::default(),
            sink,
        };
        let mut store: Option<Store> = None;
        for segment in &segments {
            if let Some(opened) = segment.handle(objects) {
                // What the reader keeps came from the packs going now.
                reader.packs.clear();
                store = Some(opened);
            }
            let Some(store) = store.as_mut() else {
                continue;
            };
            while let Some(unit) = segment.take() {
                let scanned = reader.unit(store, work, unit);
                progress.add(scanned.bytes, scanned.blobs);
                binary.fetch_add(scanned.binary, Ordering::Relaxed);
            }
            segment.leave(threads);
        }
        // Messages are small and many (one per commit): scanned by every worker too, after
        // the blobs, so they also even out the end of the run.
        let mut odb = store
            .map(|store| store.odb)
            .or_else(|| open_odb(objects).ok());
        let mut buf = Vec::new();
        while let Some(chunk) = take(&next_message, work.messages) {
            for &origin in &work.messages[chunk] {
                let origin = &work.origins[origin as usize];
                match odb.as_mut() {
                    Some(odb) => scan_message(odb, origin, &mut buf, sink),
                    None => message_unreadable(origin, "the object database did not open", sink),
                }
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(worker);
        }
        worker();
    });
    progress.finish();
    Ok(binary.into_inner())
}

/// The objects a segment is read from: its packs, mapped, and the object database for what
/// is not in them (loose objects, alternates) and for messages.
#[derive(Clone)]
struct Store {
    odb: gix_odb::Handle,
    packs: Arc<Packs>,
}

impl Store {
    fn open(objects: &Path) -> Result<Store, GitError> {
        Ok(Store {
            odb: open_odb(objects)?,
            packs: Arc::new(Packs::open(objects)),
        })
    }
}

/// What one unit's scan came to.
#[derive(Default)]
struct Scanned {
    blobs: u64,
    bytes: u64,
    binary: u64,
}

/// A worker's two buffers: the version read last (`newer`, waiting for the one before it)
/// and the one being read.
struct Reader<'s> {
    max_file_size: u64,
    packs: PackReader,
    /// The version read before the one read last, and that one: shared with the pack
    /// reader's cache when they came from it.
    newer: Rc<Vec<u8>>,
    current: Rc<Vec<u8>>,
    sink: &'s dyn Sink,
}

impl Reader<'_> {
    /// Read the blob `id` into `self.current`: from the packs, or through the object database.
    fn read(&mut self, store: &mut Store, id: ObjectId) -> Result<(), Skip> {
        let max = self.max_file_size;
        match self.packs.read(&store.packs, &id, max) {
            PackRead::Blob(data) => {
                self.current = data;
                Ok(())
            }
            PackRead::TooLarge(size) => Err(Skip::TooLarge(size)),
            PackRead::NotABlob(kind) => Err(Skip::Unreadable(format!("it is a {kind}"))),
            // The object database reads what is not in the packs, and says what is wrong
            // with what is corrupt in them.
            PackRead::Elsewhere | PackRead::Corrupt(_) => {
                let mut data = Vec::new();
                read_blob(&mut store.odb, id, max, &mut data)?;
                self.current = Rc::new(data);
                Ok(())
            }
        }
    }

    /// Read a unit's versions newest first, scanning each against the one read after it.
    fn unit(&mut self, store: &mut Store, work: &Work<'_>, unit: &Unit) -> Scanned {
        let mut scanned = Scanned::default();
        // The version read last and not yet scanned.
        let mut waiting: Option<&Planned> = None;
        for &i in &work.members[unit.members.clone()] {
            let blob = &work.planned[i as usize];
            scanned.blobs += 1;
            match self.read(store, blob.id) {
                Ok(()) => {
                    scanned.bytes += self.current.len() as u64;
                    if let Some(newer) = waiting {
                        self.feed(work, newer, Some(&self.current), &mut scanned);
                    }
                    std::mem::swap(&mut self.newer, &mut self.current);
                    waiting = Some(blob);
                }
                Err(skip) => {
                    skip.report(blob, self.sink);
                    if let Some(newer) = waiting.take() {
                        self.feed(work, newer, None, &mut scanned);
                    }
                }
            }
        }
        if let Some(oldest) = waiting {
            // The version before this unit is another unit's to scan (and to report if it
            // cannot be read): here it is only compared against.
            let before = unit.before.map(|i| work.planned[i as usize].id);
            let earlier = before
                .filter(|&id| self.read(store, id).is_ok())
                .map(|_| &self.current);
            self.feed(work, oldest, earlier, &mut scanned);
        }
        scanned
    }

    /// Scan the blob in `self.newer` (against `earlier`, a version before it, when there is one).
    fn feed(
        &self,
        work: &Work<'_>,
        blob: &Planned,
        earlier: Option<&Rc<Vec<u8>>>,
        scanned: &mut Scanned,
    ) {
        let origin = &work.origins[blob.origin as usize];
        if feed(
            blob,
            origin,
            &self.newer,
            earlier.map(|earlier| earlier.as_slice()),
            self.sink,
        ) {
            scanned.binary += 1;
        }
    }
}

/// The next chunk of `items` not yet taken, if any.
fn take(next: &AtomicUsize, items: &[u32]) -> Option<std::ops::Range<usize>> {
    let start = next.fetch_add(CHUNK, Ordering::Relaxed);
    (start < items.len()).then(|| start..(start + CHUNK).min(items.len()))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A stretch of the units, read through an object database of its own.
struct Segment<'q> {
    units: &'q [Unit],
    next: AtomicUsize,
    /// Opened by the first worker to arrive, dropped by the last to leave.
    store: Mutex<Option<Store>>,
    /// Has the store been opened (it is never opened twice)?
    opened: std::sync::atomic::AtomicBool,
    left: AtomicUsize,
}

impl<'q> Segment<'q> {
    fn new(units: &'q [Unit]) -> Self {
        Segment {
            units,
            next: AtomicUsize::new(0),
            store: Mutex::new(None),
            opened: std::sync::atomic::AtomicBool::new(false),
            left: AtomicUsize::new(0),
        }
    }

    /// The next unit no worker has taken.
    fn take(&self) -> Option<&'q Unit> {
        self.units.get(self.next.fetch_add(1, Ordering::Relaxed))
    }

    /// This segment's store (its own mapping of the packs), opening it on first use; `None`
    /// if it cannot be opened, or was opened before (the caller keeps the store it has: the
    /// same objects).
    fn handle(&self, objects: &Path) -> Option<Store> {
        let mut store = lock(&self.store);
        if store.is_none() && !self.opened.swap(true, Ordering::Relaxed) {
            *store = Store::open(objects).ok();
        }
        self.opened.store(true, Ordering::Relaxed);
        store.clone()
    }

    fn leave(&self, workers: usize) {
        if self.left.fetch_add(1, Ordering::AcqRel) + 1 == workers {
            lock(&self.store).take();
        }
    }
}

/// A message that could not be read: an error naming the object, never a skip.
fn message_unreadable(origin: &Origin, reason: &str, sink: &dyn Sink) {
    let id = origin.id();
    sink.diagnostic(Diagnostic::unreadable(
        COMMIT_MESSAGE_PATH.to_owned(),
        format!(
            "cannot read the message of {id} ({reason}), so it was not scanned; {UNREADABLE_HELP}"
        ),
    ));
}

/// How many workers `threads` asks for: 0 is one per core (history ran on one thread by
/// default when 0 was taken as "at least one").
fn workers(threads: usize) -> usize {
    match threads {
        0 => std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        n => n,
    }
}

/// Scan the message of a commit or annotated tag (read again: the planner keeps only ids, so
/// a history of messages is never held in memory at once).
fn scan_message(odb: &mut gix_odb::Handle, origin: &Origin, buf: &mut Vec<u8>, sink: &dyn Sink) {
    let id = origin.id();
    let parsed = match odb.try_find(&id, buf) {
        Ok(Some(data)) => match data.kind {
            Kind::Commit => gix_object::CommitRef::from_bytes(data.data, gix_hash::Kind::Sha1)
                .map(|c| (COMMIT_MESSAGE_PATH, c.message))
                .map_err(|e| e.to_string()),
            Kind::Tag => gix_object::TagRef::from_bytes(data.data, gix_hash::Kind::Sha1)
                .map(|t| (TAG_MESSAGE_PATH, t.message))
                .map_err(|e| e.to_string()),
            kind => Err(format!("it is a {kind}")),
        },
        Ok(None) => Err("object not found".to_owned()),
        Err(e) => Err(e.to_string()),
    };
    let (path, message) = match parsed {
        Ok(found) => found,
        Err(reason) => {
            // Read once already by the planner: this is a repository changing under us.
            message_unreadable(origin, &reason, sink);
            return;
        }
    };
    if message.is_empty() {
        return;
    }
    let message: &[u8] = message;
    let data = text::decode(message);
    sink.blob(Blob {
        provenance: Provenance::Message {
            path: path.to_owned(),
            object: id.to_string(),
            commit: pending(origin),
        },
        data: data.as_deref().unwrap_or(message),
        added_lines: None,
        previous: None,
        earlier: None,
    });
}

/// Why a planned blob was not read.
enum Skip {
    /// Larger than `--max-file-size` (from the object header, before inflating): counted.
    TooLarge(u64),
    /// Missing or unreadable: an error.
    Unreadable(String),
}

impl Skip {
    fn report(self, blob: &Planned, sink: &dyn Sink) {
        match self {
            Skip::TooLarge(size) => sink.diagnostic(Diagnostic::skipped(
                blob.path.to_string(),
                SkipReason::TooLarge,
                Some(format!("{size} bytes")),
            )),
            Skip::Unreadable(reason) => sink.diagnostic(Diagnostic::unreadable(
                blob.path.to_string(),
                format!(
                    "cannot read blob {} ({reason}), so it was not scanned; {UNREADABLE_HELP}",
                    blob.id
                ),
            )),
        }
    }
}

/// Read the blob `id` into `buf` (exactly its bytes), or say why not: too large is checked
/// from the object header, before inflating.
fn read_blob(
    odb: &mut gix_odb::Handle,
    id: ObjectId,
    max_file_size: u64,
    buf: &mut Vec<u8>,
) -> Result<(), Skip> {
    match odb.try_header(&id) {
        Ok(Some(header)) if header.size > max_file_size => return Err(Skip::TooLarge(header.size)),
        Ok(Some(_)) => {}
        Ok(None) => return Err(Skip::Unreadable("object not found".to_owned())),
        Err(e) => return Err(Skip::Unreadable(e.to_string())),
    }
    let data = match odb.try_find(&id, buf) {
        Ok(Some(data)) if data.kind == Kind::Blob => data.data,
        Ok(Some(data)) => return Err(Skip::Unreadable(format!("it is a {}", data.kind))),
        Ok(None) => return Err(Skip::Unreadable("object not found".to_owned())),
        Err(e) => return Err(Skip::Unreadable(e.to_string())),
    };
    // The object database hands back a part of the buffer it was given (its lifetime says
    // so): keep exactly that part.
    let (at, len) = (data.as_ptr() as usize, data.len());
    let offset = at.wrapping_sub(buf.as_ptr() as usize);
    if offset.checked_add(len).is_none_or(|end| end > buf.len()) {
        return Err(Skip::Unreadable(
            "the object database returned a foreign buffer".to_owned(),
        ));
    }
    buf.copy_within(offset..offset + len, 0);
    buf.truncate(len);
    Ok(())
}

/// Hand one blob to the sink, decoded as in the change modes (binary blobs as raw bytes: history
/// is where a secret hidden behind a NUL byte stays for good), with the earlier version of the
/// file when there is one (both text). Returns whether it was binary.
fn feed(
    blob: &Planned,
    origin: &Origin,
    data: &[u8],
    earlier: Option<&[u8]>,
    sink: &dyn Sink,
) -> bool {
    let decoded = text::decode(data);
    let earlier = decoded.as_ref().and(earlier).and_then(text::decode);
    let provenance = Provenance::Commit {
        path: blob.path.to_string(),
        blob: blob.id.to_string(),
        commit: pending(origin),
    };
    sink.blob(Blob {
        provenance,
        data: decoded.as_deref().unwrap_or(data),
        added_lines: None,
        previous: None,
        earlier: earlier.as_deref(),
    });
    decoded.is_none()
}

/// The progress bar: blobs, bytes and rates people can read, on standard error only when asked.
struct Progress {
    bar: indicatif::ProgressBar,
    bytes: Arc<AtomicU64>,
    /// Blobs counted since the bar was last advanced (advancing it takes a lock).
    pending: Mutex<u64>,
}

impl Progress {
    fn new(show: bool, blobs: u64) -> Self {
        let bytes = Arc::new(AtomicU64::new(0));
        let bar = if show {
            let bar = indicatif::ProgressBar::new(blobs);
            let shown = Arc::clone(&bytes);
            let rate = Arc::clone(&bytes);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} scanning history: {human_pos}/{human_len} blobs, {bytes_done} ({rates}), {eta} left",
            ) {
                bar.set_style(
                    style
                        .with_key(
                            "bytes_done",
                            move |_: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                                let _ = write!(
                                    w,
                                    "{}",
                                    bytesize::ByteSize(shown.load(Ordering::Relaxed))
                                );
                            },
                        )
                        .with_key(
                            "rates",
                            move |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                                let seconds = state.elapsed().as_secs_f64().max(0.001);
                                let per_second = (state.pos() as f64 / seconds).round() as u64;
                                let bytes = (rate.load(Ordering::Relaxed) as f64 / seconds) as u64;
                                let _ = write!(
                                    w,
                                    "{} blobs/s, {}/s",
                                    indicatif::HumanCount(per_second),
                                    bytesize::ByteSize(bytes)
                                );
                            },
                        ),
                );
            }
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        Progress {
            bar,
            bytes,
            pending: Mutex::new(0),
        }
    }

    fn add(&self, bytes: u64, blobs: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        if self.bar.is_hidden() {
            return;
        }
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *pending += blobs;
        if *pending >= 64 {
            self.bar.inc(*pending);
            *pending = 0;
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_zero_means_one_worker_per_core() {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        assert_eq!(workers(0), cores);
        assert_eq!(workers(1), 1);
        assert_eq!(workers(3), 3);
    }
}
