//! The order history walks commits in: every commit reachable from any ref (and `HEAD`), minus
//! what a hidden commit (`--since`) reaches, oldest first, read through gitoxide.
//!
//! The walk reproduces libgit2's `revwalk` with `TOPOLOGICAL | TIME | REVERSE` step for step
//! (the ref order, `limit_list` with its slop, the in-degree topological sort and its binary
//! heap on committer time, ties included). History reports each secret at the earliest commit
//! of this order, so the order is part of what a report says: it must not change because the
//! commits are now read from the one object database the blobs are read from (libgit2 mapped
//! the pack a second time, the peak-memory budget's largest share). Shallow and
//! `info/grafts` parents are honoured, as libgit2 does.

use gix_hash::ObjectId;
use gix_hashtable::HashMap;
use gix_object::{Find, Kind};

use super::git::GitError;

/// After this many steps with nothing but hidden commits left, `limit_list` stops (libgit2's
/// and git's `SLOP`).
const SLOP: u32 = 5;

/// One commit of the walk (libgit2's `git_commit_list_node`).
struct Node {
    id: ObjectId,
    /// The commit's tree (null until parsed).
    tree: ObjectId,
    time: i64,
    /// `None` until parsed.
    parents: Option<Vec<u32>>,
    seen: bool,
    uninteresting: bool,
    added: bool,
    in_degree: u32,
}

/// The commit graph as far as the walk has read it.
struct Graph<'a> {
    odb: &'a gix_odb::Handle,
    nodes: Vec<Node>,
    index: HashMap<ObjectId, u32>,
    /// Commits whose parents a graft replaces (a shallow clone's boundary: none).
    grafts: HashMap<ObjectId, Vec<ObjectId>>,
    buf: Vec<u8>,
}

/// A commit of the walk and its tree (read once, here, so the history planner need not read
/// the commit again).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Walked {
    pub id: ObjectId,
    pub tree: ObjectId,
}

/// Every commit reachable from the refs under `refs/` and from `HEAD`, not reachable from
/// `hide`, oldest first, in the order libgit2's revwalk (`TOPOLOGICAL | TIME | REVERSE`, every
/// ref pushed with `push_glob("*")`, then `push_head`) gives.
pub(crate) fn oldest_first(
    repo: &git2::Repository,
    odb: &gix_odb::Handle,
    hide: Option<ObjectId>,
) -> Result<Vec<Walked>, GitError> {
    let mut graph = Graph {
        odb,
        nodes: Vec::new(),
        index: HashMap::default(),
        grafts: read_grafts(repo),
        buf: Vec::new(),
    };
    // `user_input`: each push goes to the front.
    let mut input: Vec<u32> = Vec::new();
    let mut did_push = false;
    for reference in repo.references_glob("refs/*")? {
        // Like `push_glob`: a ref that does not resolve, or not to a commit, is passed over.
        let Ok(reference) = reference else { continue };
        let Some(target) = reference.resolve().ok().and_then(|r| r.target()) else {
            continue;
        };
        if let Some(commit) = graph.peel_to_commit(to_gix(target)?)? {
            did_push |= graph.push(commit, &mut input, false);
        }
    }
    if let Ok(head) = repo.head()
        && let Some(target) = head.resolve().ok().and_then(|r| r.target())
    {
        let id = to_gix(target)?;
        match graph.peel_to_commit(id)? {
            Some(commit) => did_push |= graph.push(commit, &mut input, false),
            None => {
                return Err(GitError::Read {
                    message: format!("HEAD ({id}) is not a commit"),
                });
            }
        }
    }
    if let Some(hidden) = hide {
        graph.push(hidden, &mut input, true);
    }
    if !did_push {
        return Ok(Vec::new());
    }
    input.reverse();

    // prepare_walk
    let mut commits = Vec::new();
    for &node in &input {
        graph.parse(node)?;
        if graph.nodes[node as usize].uninteresting {
            graph.mark_parents_uninteresting(node);
        }
        if !std::mem::replace(&mut graph.nodes[node as usize].seen, true) {
            commits.push(node);
        }
    }
    let limited = graph.limit_list(commits)?;
    let sorted = graph.topological(&limited);
    let mut order: Vec<Walked> = (sorted.into_iter())
        .map(|n| &graph.nodes[n as usize])
        .filter(|node| !node.uninteresting)
        .map(|node| Walked {
            id: node.id,
            tree: node.tree,
        })
        .collect();
    order.reverse();
    Ok(order)
}

pub(crate) fn to_gix(id: git2::Oid) -> Result<ObjectId, GitError> {
    ObjectId::try_from(id.as_bytes()).map_err(|e| GitError::Read {
        message: format!("object id {id}: {e}"),
    })
}

/// The parents grafts give: `.git/shallow` (a shallow clone's boundary commits have none) and
/// `info/grafts`, read where libgit2 reads them.
fn read_grafts(repo: &git2::Repository) -> HashMap<ObjectId, Vec<ObjectId>> {
    let mut grafts = HashMap::default();
    for (file, shallow) in [
        (repo.commondir().join("info").join("grafts"), false),
        (repo.path().join("shallow"), true),
    ] {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for line in text.lines() {
            let mut ids = line
                .split_whitespace()
                .map(|hex| ObjectId::from_hex(hex.as_bytes()));
            let Some(Ok(commit)) = ids.next() else {
                continue;
            };
            let parents = if shallow {
                Vec::new()
            } else {
                ids.filter_map(Result::ok).collect()
            };
            // libgit2 looks in `info/grafts` first.
            grafts.entry(commit).or_insert(parents);
        }
    }
    grafts
}

impl Graph<'_> {
    fn node(&mut self, id: ObjectId) -> u32 {
        if let Some(&n) = self.index.get(&id) {
            return n;
        }
        let n = self.nodes.len() as u32;
        self.nodes.push(Node {
            id,
            tree: ObjectId::null(gix_hash::Kind::Sha1),
            time: 0,
            parents: None,
            seen: false,
            uninteresting: false,
            added: false,
            in_degree: 0,
        });
        self.index.insert(id, n);
        n
    }

    /// See [`peel_to_commit`].
    fn peel_to_commit(&mut self, id: ObjectId) -> Result<Option<ObjectId>, GitError> {
        peel_to_commit(self.odb, &mut self.buf, id)
    }

    /// `git_revwalk__push_commit`: returns whether it pushed something to walk.
    fn push(&mut self, id: ObjectId, input: &mut Vec<u32>, uninteresting: bool) -> bool {
        let node = self.node(id);
        if self.nodes[node as usize].uninteresting {
            return false;
        }
        self.nodes[node as usize].uninteresting = uninteresting;
        input.push(node);
        !uninteresting
    }

    /// Read a commit's time and parents (`git_commit_list_parse`).
    fn parse(&mut self, node: u32) -> Result<(), GitError> {
        if self.nodes[node as usize].parents.is_some() {
            return Ok(());
        }
        let id = self.nodes[node as usize].id;
        let (tree, time, parent_ids) = {
            let data = match self.odb.try_find(&id, &mut self.buf) {
                Ok(Some(data)) if data.kind == Kind::Commit => data,
                Ok(Some(data)) => {
                    return Err(read_error("commit", &id, format!("it is a {}", data.kind)));
                }
                Ok(None) => {
                    return Err(read_error(
                        "commit",
                        &id,
                        "it is missing (a partial or damaged clone); fetch it or check the repository with `git fsck`",
                    ));
                }
                Err(e) => return Err(read_error("commit", &id, e)),
            };
            let commit = gix_object::CommitRef::from_bytes(data.data, gix_hash::Kind::Sha1)
                .map_err(|e| read_error("commit", &id, e))?;
            let time = commit.time().map_err(|e| read_error("commit", &id, e))?;
            let parents = commit
                .parents
                .iter()
                .map(|p| ObjectId::from_hex(p))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| read_error("commit", &id, e))?;
            let tree = ObjectId::from_hex(commit.tree).map_err(|e| read_error("commit", &id, e))?;
            (tree, time.seconds, parents)
        };
        let parent_ids = self.grafts.get(&id).cloned().unwrap_or(parent_ids);
        let parents = parent_ids.into_iter().map(|p| self.node(p)).collect();
        let node = &mut self.nodes[node as usize];
        node.tree = tree;
        node.time = time;
        node.parents = Some(parents);
        Ok(())
    }

    fn parents(&self, node: u32) -> &[u32] {
        self.nodes[node as usize].parents.as_deref().unwrap_or(&[])
    }

    fn mark_parents_uninteresting(&mut self, node: u32) {
        let mut stack: Vec<u32> = self.parents(node).to_vec();
        while let Some(mut commit) = stack.pop() {
            loop {
                let n = &mut self.nodes[commit as usize];
                if n.uninteresting {
                    break;
                }
                n.uninteresting = true;
                let Some(parents) = n.parents.as_deref() else {
                    break;
                };
                let Some(&first) = parents.first() else { break };
                // libgit2 inserts each at the front of its list: the last is popped first.
                stack.extend_from_slice(parents);
                commit = first;
            }
        }
    }

    /// `git_commit_list_insert_by_date`: before the first commit strictly older.
    fn insert_by_date(&self, node: u32, list: &mut std::collections::VecDeque<u32>) {
        let time = self.nodes[node as usize].time;
        let at = list
            .iter()
            .position(|&n| self.nodes[n as usize].time < time)
            .unwrap_or(list.len());
        list.insert(at, node);
    }

    fn add_parents_to_list(
        &mut self,
        node: u32,
        list: &mut std::collections::VecDeque<u32>,
    ) -> Result<(), GitError> {
        if std::mem::replace(&mut self.nodes[node as usize].added, true) {
            return Ok(());
        }
        let parents = self.parents(node).to_vec();
        if self.nodes[node as usize].uninteresting {
            for p in parents {
                self.nodes[p as usize].uninteresting = true;
                self.parse(p)?;
                self.mark_parents_uninteresting(p);
                self.nodes[p as usize].seen = true;
                self.insert_by_date(p, list);
            }
            return Ok(());
        }
        for p in parents {
            self.parse(p)?;
            if !std::mem::replace(&mut self.nodes[p as usize].seen, true) {
                self.insert_by_date(p, list);
            }
        }
        Ok(())
    }

    fn still_interesting(
        &self,
        list: &std::collections::VecDeque<u32>,
        time: i64,
        slop: u32,
    ) -> u32 {
        let Some(&front) = list.front() else {
            return 0;
        };
        if time <= self.nodes[front as usize].time {
            return SLOP;
        }
        for &n in list {
            let n = &self.nodes[n as usize];
            if !n.uninteresting || n.time > time {
                return SLOP;
            }
        }
        slop - 1
    }

    fn limit_list(&mut self, commits: Vec<u32>) -> Result<Vec<u32>, GitError> {
        let mut list: std::collections::VecDeque<u32> = commits.into();
        let mut out = Vec::new();
        let mut slop = SLOP;
        let mut time = i64::MAX;
        while let Some(commit) = list.pop_front() {
            self.add_parents_to_list(commit, &mut list)?;
            if self.nodes[commit as usize].uninteresting {
                self.mark_parents_uninteresting(commit);
                slop = self.still_interesting(&list, time, slop);
                if slop != 0 {
                    continue;
                }
                break;
            }
            time = self.nodes[commit as usize].time;
            out.push(commit);
        }
        Ok(out)
    }

    /// `sort_in_topological_order` with `GIT_SORT_TIME`: newest first.
    fn topological(&mut self, list: &[u32]) -> Vec<u32> {
        for &n in list {
            self.nodes[n as usize].in_degree = 1;
        }
        for &n in list {
            for p in self.parents(n).to_vec() {
                let parent = &mut self.nodes[p as usize];
                if parent.in_degree != 0 {
                    parent.in_degree += 1;
                }
            }
        }
        let mut queue = TimeHeap::default();
        for &n in list {
            if self.nodes[n as usize].in_degree == 1 {
                queue.insert(&self.nodes, n);
            }
        }
        let mut out = Vec::with_capacity(list.len());
        while let Some(next) = queue.pop(&self.nodes) {
            for p in self.parents(next).to_vec() {
                let parent = &mut self.nodes[p as usize];
                if parent.in_degree == 0 {
                    continue;
                }
                parent.in_degree -= 1;
                if parent.in_degree == 1 {
                    queue.insert(&self.nodes, p);
                }
            }
            self.nodes[next as usize].in_degree = 0;
            out.push(next);
        }
        out
    }
}

/// libgit2's `git_pqueue` with `git_commit_list_time_cmp`: a binary heap, newest on top, its
/// sift-up and sift-down as written there (so commits of equal time come out in its order).
#[derive(Default)]
struct TimeHeap(Vec<u32>);

impl TimeHeap {
    /// `cmp(a, b) > 0`: `a` is older, so it belongs below `b`.
    fn after(nodes: &[Node], a: u32, b: u32) -> bool {
        nodes[a as usize].time < nodes[b as usize].time
    }

    fn insert(&mut self, nodes: &[Node], item: u32) {
        self.0.push(item);
        let mut el = self.0.len() - 1;
        while el > 0 {
            let parent_el = (el - 1) >> 1;
            let parent = self.0[parent_el];
            if !Self::after(nodes, parent, item) {
                break;
            }
            self.0[el] = parent;
            el = parent_el;
        }
        self.0[el] = item;
    }

    fn pop(&mut self, nodes: &[Node]) -> Option<u32> {
        let top = *self.0.first()?;
        let last = self.0.pop()?;
        if self.0.is_empty() {
            return Some(top);
        }
        // Move the last item to the top and push it down.
        let mut el = 0;
        loop {
            let mut kid_el = (el << 1) + 1;
            let Some(&left) = self.0.get(kid_el) else {
                break;
            };
            let mut kid = left;
            if let Some(&right) = self.0.get(kid_el + 1)
                && Self::after(nodes, kid, right)
            {
                kid = right;
                kid_el += 1;
            }
            if !Self::after(nodes, last, kid) {
                break;
            }
            self.0[el] = kid;
            el = kid_el;
        }
        self.0[el] = last;
        Some(top)
    }
}

/// The commit `id` names, through any tags; `None` for a tree, a blob or a missing object
/// (libgit2's `git_object_peel` failing, which `push_glob` passes over).
pub(crate) fn peel_to_commit(
    odb: &gix_odb::Handle,
    buf: &mut Vec<u8>,
    mut id: ObjectId,
) -> Result<Option<ObjectId>, GitError> {
    for _ in 0..64 {
        let data = match odb.try_find(&id, buf) {
            Ok(Some(data)) => data,
            Ok(None) => return Ok(None),
            Err(e) => return Err(read_error("object", &id, e)),
        };
        match data.kind {
            Kind::Commit => return Ok(Some(id)),
            Kind::Tag => {
                let tag = gix_object::TagRef::from_bytes(data.data, gix_hash::Kind::Sha1)
                    .map_err(|e| read_error("tag", &id, e))?;
                id = ObjectId::from_hex(tag.target).map_err(|e| read_error("tag", &id, e))?;
            }
            Kind::Tree | Kind::Blob => return Ok(None),
        }
    }
    Ok(None)
}

pub(crate) fn read_error(
    what: &str,
    id: &gix_hash::oid,
    error: impl std::fmt::Display,
) -> GitError {
    GitError::Read {
        message: format!("cannot read {what} {id}: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// libgit2's own walk, the order this module reproduces.
    fn libgit2_order(repo: &git2::Repository, hide: Option<git2::Oid>) -> Vec<String> {
        let mut walk = repo.revwalk().expect("revwalk");
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME | git2::Sort::REVERSE)
            .expect("sorting");
        walk.push_glob("*").expect("push_glob");
        if repo.head().is_ok() {
            walk.push_head().expect("push_head");
        }
        if let Some(hide) = hide {
            walk.hide(hide).expect("hide");
        }
        walk.map(|id| id.expect("walk").to_string()).collect()
    }

    fn our_order(repo: &git2::Repository, hide: Option<git2::Oid>) -> Vec<String> {
        let odb = gix_odb::at(repo.commondir().join("objects"), gix_hash::Kind::Sha1)
            .expect("odb")
            .into_arc()
            .expect("arc");
        let hide = hide.map(|h| to_gix(h).expect("id"));
        let walked = oldest_first(repo, &odb, hide).expect("walk");
        for commit in &walked {
            // Each commit comes with its own tree, as libgit2 reads it.
            let id = git2::Oid::from_bytes(commit.id.as_slice()).expect("id");
            let tree = repo.find_commit(id).expect("commit").tree_id();
            assert_eq!(commit.tree.to_string(), tree.to_string(), "tree of {id}");
        }
        walked.iter().map(|c| c.id.to_string()).collect()
    }

    fn git(dir: &std::path::Path, args: &[&str], date: &str) {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .env("GIT_AUTHOR_NAME", "A")
            .env("GIT_AUTHOR_EMAIL", "a@example.test")
            .env("GIT_COMMITTER_NAME", "A")
            .env("GIT_COMMITTER_EMAIL", "a@example.test")
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .status()
            .expect("git");
        assert!(status.success(), "git {args:?}");
    }

    /// Branches, merges, tags of commits and of trees, clock skew and many commits of one
    /// second (ties decide the heap's order): the walk equals libgit2's, with and without a
    /// hidden commit.
    #[test]
    fn the_order_is_libgit2s_through_ties_merges_skew_and_hiding() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        git(d, &["init", "-q", "-b", "main"], "1700000000 +0000");
        let mut state: u64 = 7;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33
        };
        let branches = ["main", "b1", "b2", "b3"];
        git(
            d,
            &["commit", "-q", "--allow-empty", "-m", "root"],
            "1700000000 +0000",
        );
        for b in &branches[1..] {
            git(d, &["branch", b], "1700000000 +0000");
        }
        for i in 0..120u64 {
            let branch = branches[(next() % 4) as usize];
            // Few distinct times, some going backwards: ties and skew.
            let date = format!("{} +0000", 1_700_000_000 + (next() % 6) * 60 + i / 40);
            git(d, &["checkout", "-q", branch], &date);
            if next() % 5 == 0 {
                let other = branches[(next() % 4) as usize];
                if other != branch {
                    git(d, &["merge", "-q", "--no-ff", "-m", "merge", other], &date);
                    continue;
                }
            }
            let message = format!("c{i}");
            git(d, &["commit", "-q", "--allow-empty", "-m", &message], &date);
            if i % 17 == 0 {
                git(d, &["tag", "-a", "-m", "t", &format!("t{i}")], &date);
            }
        }
        git(d, &["tag", "tree-tag", "HEAD^{tree}"], "1700000000 +0000");
        git(d, &["checkout", "-q", "main"], "1700000000 +0000");
        let repo = git2::Repository::open(d).expect("open");
        let all = libgit2_order(&repo, None);
        assert!(all.len() > 100, "{}", all.len());
        assert_eq!(our_order(&repo, None), all);
        for hidden in ["b1", "b2~3", "main~5"] {
            let id = repo
                .revparse_single(hidden)
                .and_then(|o| o.peel_to_commit())
                .expect("rev")
                .id();
            assert_eq!(
                our_order(&repo, Some(id)),
                libgit2_order(&repo, Some(id)),
                "hiding {hidden}"
            );
        }
    }

    /// On a real repository named by `LEAKGATE_REVWALK_REPO` (rust-lang/cargo, say): run with
    /// `cargo test --lib revwalk -- --ignored`.
    #[test]
    #[ignore = "needs a large repository named by LEAKGATE_REVWALK_REPO"]
    fn the_order_is_libgit2s_on_a_real_repository() {
        let Some(path) = std::env::var_os("LEAKGATE_REVWALK_REPO") else {
            return;
        };
        let repo = git2::Repository::open(path).expect("open");
        let ours = our_order(&repo, None);
        let theirs = libgit2_order(&repo, None);
        assert_eq!(ours.len(), theirs.len());
        assert!(ours == theirs, "the orders differ");
    }
}
