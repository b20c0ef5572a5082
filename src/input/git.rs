//! Git sources, read through git2 (no `git` subprocess):
//!
//! - **staged** (`scan --staged`): what the next commit will contain. The **index blob** of every
//!   added, modified, renamed or copied file (not the working-tree file: a file can be partly
//!   staged), with the lines the change adds. No commits yet: diff against the empty tree.
//! - **range** (`scan --range BASE..HEAD`): what a pull request adds, from the merge base of BASE
//!   and HEAD to HEAD, each finding attributed (by blame) to the commit that added its line.
//! - **per-commit** (`--per-commit`): every commit in the range on its own, so a secret added
//!   and then removed inside the range is still reported.
//!
//! Every source feeds the same [`Sink`] with [`Blob`]s (decoded by [`text`]: UTF-16 is scanned,
//! with added lines computed on the decoded text); only findings on added lines count. A binary
//! blob is scanned as raw bytes (one NUL byte must not pass a secret through the gate); with no
//! lines to diff, a modified one hands the sink its previous version, and only secrets that
//! version does not hold count. A blob
//! that cannot be read (absent from a partial clone, missing, corrupt) is an error naming its
//! path and id, never a skip: a gate must not pass what it could not see. A changed file over
//! `--max-file-size` is a warning every report shows.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use git2::{
    BlameOptions, Delta, Diff, DiffFindOptions, DiffOptions, ErrorCode, FileMode, ObjectType, Oid,
    Patch, Repository, Sort, Tree,
};

use super::index_diff::{self, EntryKind};
use super::text::{self, Encoding};
use super::{AddedLines, Blob, Sink, SkipReason};
use super::{CommitInfo, Provenance};
use crate::diagnostic::Diagnostic;

/// Why a git source could not be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum GitError {
    #[error("not a git repository: {path}")]
    #[diagnostic(
        code(leakgate::git::not_a_repo),
        help("run this inside a git repository, or scan files with `leakgate scan PATH`")
    )]
    NotARepo { path: String },

    #[error("unknown revision `{rev}`: {message}")]
    #[diagnostic(
        code(leakgate::git::bad_revision),
        help(
            "name a branch, tag or commit that exists here; in a shallow CI checkout, fetch more history"
        )
    )]
    BadRevision { rev: String, message: String },

    #[error("`{rev}` and `{other}` have no common ancestor")]
    #[diagnostic(
        code(leakgate::git::no_merge_base),
        help("in a shallow clone, fetch more history (git fetch --deepen)")
    )]
    NoMergeBase { rev: String, other: String },

    #[error("cannot read the git repository: {message}")]
    #[diagnostic(
        code(leakgate::git::read),
        help("check the repository with `git fsck`")
    )]
    Read { message: String },
}

impl From<git2::Error> for GitError {
    fn from(error: git2::Error) -> Self {
        GitError::Read {
            message: error.message().to_owned(),
        }
    }
}

/// What a git scan looked at, so that "no secrets" can never hide "nothing scanned".
#[derive(Debug, Clone, Copy, Default)]
pub struct GitTotals {
    pub files: u64,
    pub lines_added: u64,
    pub commits: u64,
    /// Binary blobs (a NUL byte in the first 8 KiB) scanned as raw bytes.
    pub binary: u64,
}

/// Open the repository that contains `start` (any subdirectory, a worktree), the way git does:
/// `GIT_DIR`, `GIT_WORK_TREE` and `GIT_CEILING_DIRECTORIES` are honoured (hooks may set them).
pub fn open(start: &Path) -> Result<Repository, GitError> {
    let not_a_repo = || GitError::NotARepo {
        path: std::path::absolute(start)
            .unwrap_or_else(|_| start.to_owned())
            .display()
            .to_string(),
    };
    let opened = if std::env::var_os("GIT_DIR").is_some() || start == Path::new(".") {
        Repository::open_from_env()
    } else {
        Repository::discover(start)
    };
    opened.map_err(|e| match e.code() {
        ErrorCode::NotFound => not_a_repo(),
        _ => GitError::from(e),
    })
}

/// Feed the staged change of the repository containing `start` to `sink`.
pub fn staged(start: &Path, max_file_size: u64, sink: &dyn Sink) -> Result<GitTotals, GitError> {
    let repo = open(start)?;
    let head_tree = match repo.head() {
        Ok(head) => Some(head.peel_to_tree()?),
        // No commits yet: everything staged is added.
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let mut totals = GitTotals::default();
    let index_path = staged_index_path(&repo);
    if !index_path.exists() {
        return Ok(totals); // nothing was ever added
    }
    match index_diff::staged_changes(&repo, &index_path, head_tree.as_ref()) {
        Ok(changes) => {
            let odb = repo.odb()?;
            for change in changes {
                let path = String::from_utf8_lossy(&change.path).into_owned();
                if !sink.wants(&path) {
                    continue;
                }
                let skip =
                    |reason| sink.diagnostic(Diagnostic::skipped(path.clone(), reason, None));
                match change.kind {
                    EntryKind::Submodule => skip(SkipReason::Submodule),
                    EntryKind::Symlink => skip(SkipReason::Symlink),
                    EntryKind::File => {
                        let Some(blob) =
                            read_blob(&repo, &odb, change.new, &path, max_file_size, sink)
                        else {
                            continue;
                        };
                        let data = Content::of(&blob);
                        // An old version that cannot be read counts as absent: every line is
                        // then new, which reports more, never less.
                        let old = change.old.and_then(|old| repo.find_blob(old).ok());
                        let added = match (&data, old.as_ref()) {
                            (_, None) => Added::All,
                            (Content::Text(new), Some(old)) => match text::decode(old.content()) {
                                Some(old) => Added::Lines(added_lines_between(&old, new)),
                                None => Added::NotIn(Content::of(old).into_bytes()),
                            },
                            (Content::Raw(_), Some(old)) => {
                                Added::NotIn(Content::of(old).into_bytes())
                            }
                        };
                        let provenance = Provenance::Staged {
                            path: path.clone(),
                            blob: change.new.to_string(),
                        };
                        feed_blob(&data, provenance, added, sink, &mut totals);
                    }
                }
            }
        }
        // An index this reader does not understand (a new format version, say): let libgit2
        // compute the diff the slow way.
        Err(_) => {
            let index = git2::Index::open(&index_path)?;
            let mut diff = repo.diff_tree_to_index(
                head_tree.as_ref(),
                Some(&index),
                Some(&mut diff_options()),
            )?;
            feed_diff(
                &repo,
                &mut diff,
                max_file_size,
                sink,
                &mut totals,
                |path, blob| Provenance::Staged {
                    path: path.to_owned(),
                    blob: blob.to_string(),
                },
            )?;
        }
    }
    Ok(totals)
}

/// The paths the staged change adds (new files, not modifications), with their blob ids: what
/// a commit would start tracking. Fast, like [`staged`].
pub fn staged_additions(start: &Path) -> Result<Vec<(String, Oid)>, GitError> {
    let repo = open(start)?;
    let head_tree = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
    let index_path = staged_index_path(&repo);
    if !index_path.exists() {
        return Ok(Vec::new());
    }
    let changes = index_diff::staged_changes(&repo, &index_path, head_tree.as_ref())
        .map_err(|message| GitError::Read { message })?;
    Ok(changes
        .into_iter()
        .filter(|c| c.old.is_none())
        .map(|c| (String::from_utf8_lossy(&c.path).into_owned(), c.new))
        .collect())
}

/// The index the next commit is made from. `git commit -a` (and `git commit <paths>`) builds a
/// temporary index and names it in `GIT_INDEX_FILE` for the hooks; reading `.git/index` instead
/// would scan the wrong thing and wave the secret through.
pub(crate) fn staged_index_path(repo: &Repository) -> std::path::PathBuf {
    match std::env::var_os("GIT_INDEX_FILE") {
        Some(file) if !file.is_empty() => {
            let path = std::path::PathBuf::from(file);
            if path.is_relative() {
                // Relative to where git runs hooks: the top of the work tree.
                repo.workdir().map(|top| top.join(&path)).unwrap_or(path)
            } else {
                path
            }
        }
        _ => repo.path().join("index"),
    }
}

/// A resolved `BASE..HEAD`: the merge base and the head commit.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub base: Oid,
    pub head: Oid,
}

/// Resolve `BASE..HEAD` (or `BASE...HEAD`, or just `BASE`, meaning `BASE..HEAD`) to the merge
/// base of the two and the head.
pub fn resolve_range(repo: &Repository, spec: &str) -> Result<Range, GitError> {
    let (base, head) = match spec.split_once("...").or_else(|| spec.split_once("..")) {
        Some((base, head)) => (base, if head.is_empty() { "HEAD" } else { head }),
        None => (spec, "HEAD"),
    };
    let base = if base.is_empty() { "HEAD" } else { base };
    let commit_of = |rev: &str| {
        repo.revparse_single(rev)
            .and_then(|object| object.peel_to_commit())
            .map(|commit| commit.id())
            .map_err(|e| GitError::BadRevision {
                rev: rev.to_owned(),
                message: e.message().to_owned(),
            })
    };
    let (base_id, head_id) = (commit_of(base)?, commit_of(head)?);
    let merge_base = repo
        .merge_base(base_id, head_id)
        .map_err(|_| GitError::NoMergeBase {
            rev: base.to_owned(),
            other: head.to_owned(),
        })?;
    Ok(Range {
        base: merge_base,
        head: head_id,
    })
}

/// Feed what `range` adds, as one diff from the merge base to the head.
pub fn range(
    repo: &Repository,
    range: Range,
    max_file_size: u64,
    sink: &dyn Sink,
) -> Result<GitTotals, GitError> {
    let base_tree = repo.find_commit(range.base)?.tree()?;
    let head = repo.find_commit(range.head)?;
    let mut totals = GitTotals {
        commits: count_commits(repo, range)?,
        ..GitTotals::default()
    };
    feed_tree_diff(
        repo,
        Some(&base_tree),
        &head,
        max_file_size,
        sink,
        &mut totals,
    )?;
    feed_messages(repo, &commits_in(repo, range)?, sink)?;
    Ok(totals)
}

/// Feed every non-merge commit in `range` on its own, oldest first.
pub fn per_commit(
    repo: &Repository,
    range: Range,
    max_file_size: u64,
    sink: &dyn Sink,
) -> Result<GitTotals, GitError> {
    let mut totals = GitTotals::default();
    let commits = commits_in(repo, range)?;
    feed_messages(repo, &commits, sink)?;
    for id in commits {
        let commit = repo.find_commit(id)?;
        if commit.parent_count() > 1 {
            // A merge's changes were mostly made by the commits it merges, which are walked
            // too; but a merge can add content of its own (a conflict resolved with a secret,
            // an "evil merge"): the files it leaves unlike every parent are its own.
            totals.commits += 1;
            feed_merge_own_changes(repo, &commit, max_file_size, sink, &mut totals)?;
            continue;
        }
        totals.commits += 1;
        let parent_tree = match commit.parent(0) {
            Ok(parent) => Some(parent.tree()?),
            Err(_) => None,
        };
        feed_tree_diff(
            repo,
            parent_tree.as_ref(),
            &commit,
            max_file_size,
            sink,
            &mut totals,
        )?;
    }
    Ok(totals)
}

/// Feed the messages of `commits` (merges too) and of the annotated tags that point at one of
/// them: people paste tokens into messages, and a message is all new.
fn feed_messages(repo: &Repository, commits: &[Oid], sink: &dyn Sink) -> Result<(), GitError> {
    let feed = |path: &str, object: Oid, commit: CommitInfo, message: &[u8]| {
        if message.is_empty() {
            return;
        }
        let data = text::decode(message);
        sink.blob(Blob {
            provenance: Provenance::Message {
                path: path.to_owned(),
                object: object.to_string(),
                commit,
            },
            data: data.as_deref().unwrap_or(message),
            added_lines: None,
            previous: None,
            earlier: None,
        });
    };
    for id in commits {
        let commit = repo.find_commit(*id)?;
        feed(
            super::history::COMMIT_MESSAGE_PATH,
            *id,
            commit_info(&commit),
            commit.message_raw_bytes(),
        );
    }
    if commits.is_empty() {
        return Ok(());
    }
    let in_range: std::collections::HashSet<Oid> = commits.iter().copied().collect();
    let mut seen = std::collections::HashSet::new();
    for reference in repo.references_glob("refs/tags/*")? {
        let Some(target) = reference.ok().and_then(|r| r.target()) else {
            continue;
        };
        let Ok(tag) = repo.find_tag(target) else {
            continue; // a lightweight tag has no message
        };
        let peeled = tag.peel().ok().and_then(|o| o.peel_to_commit().ok());
        if !peeled.is_some_and(|c| in_range.contains(&c.id())) || !seen.insert(tag.id()) {
            continue;
        }
        let info = super::history::tag_info(&tag);
        feed(
            super::history::TAG_MESSAGE_PATH,
            tag.id(),
            info,
            tag.message_bytes().unwrap_or_default(),
        );
    }
    Ok(())
}

/// Feed what `commit`'s tree adds over `old_tree`, every blob attributed to `commit`.
/// Feed the files a merge leaves unlike every one of its parents (their lines added over the
/// first parent): what the merge itself wrote.
fn feed_merge_own_changes(
    repo: &Repository,
    merge: &git2::Commit<'_>,
    max_file_size: u64,
    sink: &dyn Sink,
    totals: &mut GitTotals,
) -> Result<(), GitError> {
    let tree = merge.tree()?;
    let mut own: Option<std::collections::BTreeSet<Vec<u8>>> = None;
    for parent in merge.parents() {
        let diff = repo.diff_tree_to_tree(Some(&parent.tree()?), Some(&tree), None)?;
        let changed: std::collections::BTreeSet<Vec<u8>> = diff
            .deltas()
            .filter_map(|d| d.new_file().path_bytes().map(<[u8]>::to_vec))
            .collect();
        own = Some(match own {
            None => changed,
            Some(so_far) => so_far.intersection(&changed).cloned().collect(),
        });
    }
    let Some(own) = own.filter(|own| !own.is_empty()) else {
        return Ok(());
    };
    let mut options = diff_options();
    options.disable_pathspec_match(true);
    for path in &own {
        options.pathspec(path.as_slice());
    }
    let first = merge.parent(0)?.tree()?;
    let mut diff = repo.diff_tree_to_tree(Some(&first), Some(&tree), Some(&mut options))?;
    feed_commit_diff(repo, &mut diff, merge, max_file_size, sink, totals)
}

fn feed_tree_diff(
    repo: &Repository,
    old_tree: Option<&Tree<'_>>,
    commit: &git2::Commit<'_>,
    max_file_size: u64,
    sink: &dyn Sink,
    totals: &mut GitTotals,
) -> Result<(), GitError> {
    let mut diff =
        repo.diff_tree_to_tree(old_tree, Some(&commit.tree()?), Some(&mut diff_options()))?;
    feed_commit_diff(repo, &mut diff, commit, max_file_size, sink, totals)
}

/// Feed the added lines of `diff`, the change `commit` made, each file labelled with it.
fn feed_commit_diff(
    repo: &Repository,
    diff: &mut git2::Diff<'_>,
    commit: &git2::Commit<'_>,
    max_file_size: u64,
    sink: &dyn Sink,
    totals: &mut GitTotals,
) -> Result<(), GitError> {
    let info = commit_info(commit);
    feed_diff(repo, diff, max_file_size, sink, totals, |path, blob| {
        Provenance::Commit {
            path: path.to_owned(),
            blob: blob.to_string(),
            commit: info.clone(),
        }
    })
}

fn commits_in(repo: &Repository, range: Range) -> Result<Vec<Oid>, GitError> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    walk.push(range.head)?;
    walk.hide(range.base)?;
    Ok(walk.collect::<Result<Vec<_>, _>>()?)
}

fn count_commits(repo: &Repository, range: Range) -> Result<u64, GitError> {
    Ok(commits_in(repo, range)?.len() as u64)
}

/// Replace the commit of each commit provenance with the one that added its line (git blame
/// between the range's base and head), so a pull request's report names who added the secret
/// and when. Takes `(provenance, 1-based line)` pairs, e.g. of findings; other provenances are
/// left as they are.
pub fn attribute<'p>(
    repo: &Repository,
    range: Range,
    located: impl IntoIterator<Item = (&'p mut Provenance, usize)>,
) -> Result<(), GitError> {
    let mut blames: HashMap<String, Option<git2::Blame<'_>>> = HashMap::new();
    for (provenance, line) in located {
        let Provenance::Commit { path, commit, .. } = provenance else {
            continue;
        };
        let blame = blames.entry(path.clone()).or_insert_with(|| {
            let mut options = BlameOptions::new();
            options.newest_commit(range.head).oldest_commit(range.base);
            repo.blame_file(Path::new(path.as_str()), Some(&mut options))
                .ok()
        });
        let Some(hunk) = blame.as_ref().and_then(|b| b.get_line(line)) else {
            continue;
        };
        if let Ok(origin) = repo.find_commit(hunk.final_commit_id()) {
            *commit = commit_info(&origin);
        }
    }
    Ok(())
}

pub(crate) fn commit_info(commit: &git2::Commit<'_>) -> CommitInfo {
    let author = commit.author();
    let seconds = commit.time().seconds().max(0) as u64;
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
    CommitInfo {
        id: commit.id().to_string(),
        author: format!(
            "{} <{}>",
            author.name().unwrap_or("?"),
            author.email().unwrap_or("?")
        ),
        date: humantime::format_rfc3339_seconds(when).to_string(),
    }
}

fn diff_options() -> DiffOptions {
    let mut options = DiffOptions::new();
    // Zero context: every hunk line on the new side is an added line. Text as leakgate decides
    // it (binary blobs never reach a patch): a `.gitattributes` saying `-diff` or `binary`,
    // which the change itself can add, must not turn a text file's added lines into none.
    options
        .context_lines(0)
        .include_typechange(true)
        .force_text(true);
    options
}

/// Hand every added, modified, renamed or copied file of `diff` to `sink`, with its added lines.
fn feed_diff(
    repo: &Repository,
    diff: &mut Diff<'_>,
    max_file_size: u64,
    sink: &dyn Sink,
    totals: &mut GitTotals,
    provenance: impl Fn(&str, Oid) -> Provenance,
) -> Result<(), GitError> {
    diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
    let odb = repo.odb()?;
    for (delta_index, delta) in diff.deltas().enumerate() {
        if !matches!(
            delta.status(),
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
        ) {
            continue;
        }
        let new = delta.new_file();
        let path = new
            .path_bytes()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .unwrap_or_default();
        if !sink.wants(&path) {
            continue;
        }
        let skip = |reason, detail: Option<String>| {
            sink.diagnostic(Diagnostic::skipped(path.clone(), reason, detail))
        };
        match new.mode() {
            FileMode::Commit => {
                skip(SkipReason::Submodule, None);
                continue;
            }
            FileMode::Link => {
                skip(SkipReason::Symlink, None);
                continue;
            }
            _ => {}
        }
        let Some(blob) = read_blob(repo, &odb, new.id(), &path, max_file_size, sink) else {
            continue;
        };
        let data = Content::of(&blob);
        // The previous version (none for a new file: every line is added).
        let old_id = Some(delta.old_file().id())
            .filter(|id| delta.status() != Delta::Added && !id.is_zero());
        let old = match old_id.map(|id| repo.find_blob(id)).transpose() {
            Ok(old) => old,
            Err(error) => {
                sink.diagnostic(Diagnostic::unreadable(
                    path.clone(),
                    format!(
                        "cannot read the previous version of blob {} ({}), so it was not \
                         scanned; {UNREADABLE_HELP}",
                        new.id(),
                        error.message()
                    ),
                ));
                continue;
            }
        };
        let added = match &old {
            None => Added::All,
            Some(old) => match changed_lines(diff, delta_index, (&blob, &data), old) {
                Ok(added) => added,
                Err(error) => {
                    sink.diagnostic(Diagnostic::unreadable(
                        path.clone(),
                        format!(
                            "cannot diff blob {} against its previous version ({}), so it was \
                             not scanned; {UNREADABLE_HELP}",
                            new.id(),
                            error.message()
                        ),
                    ));
                    continue;
                }
            },
        };
        feed_blob(&data, provenance(&path, new.id()), added, sink, totals);
    }
    Ok(())
}

/// What to do about a blob git cannot give us.
pub(crate) const UNREADABLE_HELP: &str = "in a partial clone (--filter) fetch the missing blobs first \
     (leakgate never fetches), otherwise check the repository with `git fsck`";

/// What a modified file adds. libgit2 treats UTF-16 as binary (no hunks), so when either side
/// is UTF-16 the decoded texts are compared instead. When either side is binary there are no
/// lines to compare: the findings whose secret the old version does not hold are new.
fn changed_lines<'o>(
    diff: &Diff<'_>,
    delta_index: usize,
    (new, new_content): (&git2::Blob<'_>, &Content<'_>),
    old: &'o git2::Blob<'_>,
) -> Result<Added<'o>, git2::Error> {
    let Content::Text(new_text) = new_content else {
        return Ok(Added::NotIn(Content::of(old).into_bytes()));
    };
    let old_content = Content::of(old);
    let Content::Text(old_text) = &old_content else {
        return Ok(Added::NotIn(old_content.into_bytes()));
    };
    let is_utf16 =
        |data: &[u8]| matches!(Encoding::sniff(data), Encoding::Utf16Le | Encoding::Utf16Be);
    if is_utf16(new.content()) || is_utf16(old.content()) {
        return Ok(Added::Lines(added_lines_between(old_text, new_text)));
    }
    let patch = Patch::from_diff(diff, delta_index)?;
    Ok(Added::Lines(match patch {
        Some(patch) => hunk_ranges(&patch)?,
        None => AddedLines::default(),
    }))
}

/// Read a changed file's blob, or record why it is not scanned: unreadable is an error (exit 2),
/// over the size limit a warning in every format (and a counted skip).
fn read_blob<'r>(
    repo: &'r Repository,
    odb: &git2::Odb<'_>,
    id: Oid,
    path: &str,
    max_file_size: u64,
    sink: &dyn Sink,
) -> Option<git2::Blob<'r>> {
    let size = match odb.read_header(id) {
        Ok((size, ObjectType::Blob)) => size as u64,
        Ok(_) => return None,
        Err(e) => {
            unreadable_blob(id, path, &e, sink);
            return None;
        }
    };
    if size > max_file_size {
        sink.diagnostic(Diagnostic::skipped(
            path.to_owned(),
            SkipReason::TooLarge,
            Some(format!("{size} bytes")),
        ));
        sink.diagnostic(Diagnostic::not_scanned(
            path,
            format!(
                "not scanned: the change adds {size} bytes, over --max-file-size \
                 ({max_file_size} bytes); raise the limit to scan it"
            ),
        ));
        return None;
    }
    match repo.find_blob(id) {
        Ok(blob) => Some(blob),
        Err(e) => {
            unreadable_blob(id, path, &e, sink);
            None
        }
    }
}

/// A blob git cannot give us: an error naming the path and the blob, never a skip.
fn unreadable_blob(id: Oid, path: &str, error: &git2::Error, sink: &dyn Sink) {
    sink.diagnostic(Diagnostic::unreadable(
        path.to_owned(),
        format!(
            "cannot read blob {id} ({}), so it was not scanned; {UNREADABLE_HELP}",
            error.message()
        ),
    ));
}

/// A blob as the scanner sees it. Text is decoded ([`text`]: UTF-16, BOMs). A binary blob (a NUL
/// byte in its first 8 KiB) is scanned as raw bytes, since rules match bytes: in a change, one
/// NUL byte must not be enough to hide a secret from the gate.
enum Content<'b> {
    Text(Cow<'b, [u8]>),
    Raw(&'b [u8]),
}

impl<'b> Content<'b> {
    fn of(blob: &'b git2::Blob<'_>) -> Self {
        match text::decode(blob.content()) {
            Some(text) => Content::Text(text),
            None => Content::Raw(blob.content()),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Content::Text(text) => text,
            Content::Raw(bytes) => bytes,
        }
    }

    fn into_bytes(self) -> Cow<'b, [u8]> {
        match self {
            Content::Text(text) => text,
            Content::Raw(bytes) => Cow::Borrowed(bytes),
        }
    }
}

/// Which findings of a changed blob are the change's.
enum Added<'o> {
    /// A new file: all of them.
    All,
    /// Those on the lines a text diff says are added.
    Lines(AddedLines),
    /// No line diff (a binary side): those whose secret this previous version does not hold.
    NotIn(Cow<'o, [u8]>),
}

/// Hand a changed blob to the sink with what the change adds, counting what was scanned. A
/// text blob that adds no line is not scanned.
fn feed_blob(
    data: &Content<'_>,
    provenance: Provenance,
    added: Added<'_>,
    sink: &dyn Sink,
    totals: &mut GitTotals,
) {
    let bytes = data.bytes();
    match (data, &added) {
        // Raw bytes have no lines to count; a binary blob is never empty (it holds a NUL).
        (Content::Raw(_), _) => totals.binary += 1,
        (Content::Text(_), Added::Lines(lines)) => totals.lines_added += lines.count(),
        (Content::Text(_), Added::All | Added::NotIn(_)) => {
            totals.lines_added += memchr::memchr_iter(b'\n', bytes).count() as u64
                + u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
        }
    }
    let empty = match &added {
        Added::Lines(lines) => lines.count() == 0,
        Added::All | Added::NotIn(_) => bytes.is_empty(),
    };
    if empty {
        return;
    }
    totals.files += 1;
    let (added_lines, previous) = match &added {
        Added::All => (None, None),
        Added::Lines(lines) => (Some(lines), None),
        Added::NotIn(old) => (None, Some(old.as_ref())),
    };
    sink.blob(Blob {
        provenance,
        data: bytes,
        added_lines,
        previous,
        earlier: None,
    });
}

/// The lines of `new` that are not in `old`: a line diff of the two blobs. (libgit2's blob
/// patch would look up diff drivers in `.gitattributes`, which reads the whole index again.)
fn added_lines_between(old: &[u8], new: &[u8]) -> AddedLines {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .timeout(std::time::Duration::from_millis(500))
        .diff_lines(old, new);
    let ranges = diff
        .ops()
        .iter()
        .filter_map(|op| match *op {
            similar::DiffOp::Insert {
                new_index, new_len, ..
            }
            | similar::DiffOp::Replace {
                new_index, new_len, ..
            } => Some((new_index + 1, new_index + new_len)),
            _ => None,
        })
        .collect();
    AddedLines::new(ranges)
}

fn hunk_ranges(patch: &Patch<'_>) -> Result<AddedLines, git2::Error> {
    let mut ranges = Vec::new();
    for hunk_index in 0..patch.num_hunks() {
        let (hunk, _) = patch.hunk(hunk_index)?;
        if hunk.new_lines() > 0 {
            let start = hunk.new_start() as usize;
            ranges.push((start, start + hunk.new_lines() as usize - 1));
        }
    }
    Ok(AddedLines::new(ranges))
}
