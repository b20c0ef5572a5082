//! The sources a scan can read, each a [`Source`]: it feeds blobs to a [`Sink`], says what it
//! scanned (a [`Scope`]) and owns the post-pass its findings need (`finish`): blame attribution
//! for a range, the earliest commit per secret for history, the run count for agent data. A
//! source keeps what it opened (the repository, the walk order), so no post-pass re-opens it.

use std::path::{Path, PathBuf};

use super::{Outcome, Scope};
use crate::Error;
use crate::finding::Finding;
use crate::hygiene::gitignore::{Decision, IgnoreRules, UserDirs};
use crate::input::Sink;
use crate::input::leakgateignore::IgnoreFiles;
use crate::input::walk::{WalkOptions, scan_stdin, walk};
use crate::input::{git, history};
use crate::journal::{self, JournalSink, RunDir};

/// What `scan` (and `baseline`) were asked to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceRequest {
    /// Working-tree paths, and standard input when `stdin` is set.
    Tree {
        paths: Vec<PathBuf>,
        stdin: Option<Stdin>,
        /// Walk what `.gitignore`, `.ignore` and git's excludes leave out too.
        no_ignore: bool,
    },
    Staged,
    Range {
        spec: String,
        per_commit: bool,
    },
    History {
        since: Option<String>,
    },
}

impl SourceRequest {
    /// The range whose base side configures the scan, if any.
    pub fn range(&self) -> Option<&str> {
        match self {
            SourceRequest::Range { spec, .. } => Some(spec),
            _ => None,
        }
    }

    /// The `--min-confidence` a scan of this defaults to: a staged scan is the pre-commit
    /// hook (`leakgate scan --staged` in hooks installed before `check` existed), which blocks
    /// on medium and above like `check`; every other scan is an inventory of all it finds.
    pub fn default_min_confidence(&self) -> crate::rules::Confidence {
        match self {
            SourceRequest::Staged => super::confidence::CHECK_DEFAULT,
            _ => super::confidence::SCAN_DEFAULT,
        }
    }

    /// The source that reads what was asked for.
    pub fn source(&self, max_file_size: u64, threads: usize) -> Box<dyn Source> {
        match self {
            SourceRequest::Tree {
                paths,
                stdin,
                no_ignore,
            } => Box::new(Tree {
                paths: paths.clone(),
                stdin: stdin.clone(),
                walk: WalkOptions {
                    max_file_size,
                    respect_vcs_ignores: !no_ignore,
                    threads,
                },
            }),
            SourceRequest::Staged => Box::new(Staged::new(max_file_size)),
            SourceRequest::Range { spec, per_commit } => {
                Box::new(Range::new(spec, *per_commit, max_file_size))
            }
            SourceRequest::History { since } => {
                Box::new(History::new(since.as_deref(), max_file_size, threads))
            }
        }
    }
}

/// Something to scan. [`super::collect`] calls `feed` once, then `finish` on the sorted outcome.
pub trait Source {
    /// What this source scans, for the outcome.
    fn scope(&self) -> Scope;
    /// Feed every blob to `sink`. Per-input problems go to the sink; an error here stops the run.
    fn feed(&mut self, sink: &dyn Sink) -> Result<(), Error>;
    /// Whether findings inline allow comments silenced are reported (on lines a range adds).
    fn reports_suppressed(&self) -> bool {
        false
    }
    /// The post-pass that belongs to this source, and its counts.
    fn finish(&mut self, outcome: &mut Outcome) {
        let _ = outcome;
    }
    /// The directories a working-tree source walks, below which its paths are judged as test
    /// fixtures or not (`confidence::relative_to_roots`); `None` for git sources, whose
    /// paths are the repository's.
    fn walked_roots(&self) -> Option<Vec<PathBuf>> {
        None
    }
    /// Whether each finding's path is the one place its bytes live, so that a test fixture's
    /// path may lower its confidence. History scans each blob once, at its first path, though
    /// the same blob may also live outside test fixtures: there, nothing is lowered.
    fn paths_are_exact(&self) -> bool {
        true
    }
}

/// Working-tree paths, and standard input when `stdin` is set.
pub struct Tree {
    pub paths: Vec<PathBuf>,
    pub stdin: Option<Stdin>,
    pub walk: WalkOptions,
}

/// Standard input as a source, under the name `--stdin-filename` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stdin {
    pub name: Option<String>,
}

impl Source for Tree {
    fn scope(&self) -> Scope {
        Scope::WorkingTree
    }

    fn walked_roots(&self) -> Option<Vec<PathBuf>> {
        Some(self.paths.clone())
    }

    fn feed(&mut self, sink: &dyn Sink) -> Result<(), Error> {
        walk(&self.paths, &self.walk, sink);
        if let Some(stdin) = &self.stdin {
            scan_stdin(stdin.name.as_deref(), self.walk.max_file_size, sink);
        }
        Ok(())
    }
}

/// The staged change (`scan --staged`, `check` at pre-commit), with the `.leakgateignore`
/// files the commit will have: the index's.
pub struct Staged {
    pub max_file_size: u64,
    totals: git::GitTotals,
}

impl Staged {
    pub fn new(max_file_size: u64) -> Self {
        Staged {
            max_file_size,
            totals: git::GitTotals::default(),
        }
    }
}

impl Source for Staged {
    fn scope(&self) -> Scope {
        Scope::Staged
    }

    fn feed(&mut self, sink: &dyn Sink) -> Result<(), Error> {
        let repo = git::open(Path::new("."))?;
        let ignore = IgnoreFiles::staged(&repo, &git::staged_index_path(&repo))?;
        self.totals = git::staged(Path::new("."), self.max_file_size, &ignore.filter(sink))?;
        Ok(())
    }

    fn finish(&mut self, outcome: &mut Outcome) {
        outcome.counts.lines_added = Some(self.totals.lines_added);
        outcome.counts.binary_scanned = self.totals.binary as usize;
    }
}

/// What a range adds (`scan --range`, `check` in CI), with the base commit's `.leakgateignore`
/// files (a change cannot ignore its own files). Its post-pass attributes each finding to the
/// commit that added its line, unless every commit was scanned on its own.
pub struct Range {
    pub spec: String,
    pub per_commit: bool,
    pub max_file_size: u64,
    /// The repository and resolved range, once fed: the post-pass blames in them.
    opened: Option<(git2::Repository, git::Range)>,
    totals: git::GitTotals,
}

impl Range {
    pub fn new(spec: &str, per_commit: bool, max_file_size: u64) -> Self {
        Range {
            spec: spec.to_owned(),
            per_commit,
            max_file_size,
            opened: None,
            totals: git::GitTotals::default(),
        }
    }
}

impl Source for Range {
    fn scope(&self) -> Scope {
        Scope::Range
    }

    fn feed(&mut self, sink: &dyn Sink) -> Result<(), Error> {
        let repo = git::open(Path::new("."))?;
        let range = git::resolve_range(&repo, &self.spec)?;
        let ignore = IgnoreFiles::at_commit(&repo, range.base)?;
        let sink = &ignore.filter(sink);
        self.totals = if self.per_commit {
            git::per_commit(&repo, range, self.max_file_size, sink)?
        } else {
            git::range(&repo, range, self.max_file_size, sink)?
        };
        drop(ignore);
        self.opened = Some((repo, range));
        Ok(())
    }

    fn reports_suppressed(&self) -> bool {
        true
    }

    fn finish(&mut self, outcome: &mut Outcome) {
        outcome.counts.lines_added = Some(self.totals.lines_added);
        outcome.counts.commits = Some(self.totals.commits);
        outcome.counts.binary_scanned = self.totals.binary as usize;
        if let (false, Some((repo, range))) = (self.per_commit, &self.opened) {
            // Attribution only adds detail: a failure leaves the head commit on each finding.
            let located = outcome
                .findings
                .iter_mut()
                .map(|f| (&mut f.provenance, f.line));
            let _ = git::attribute(repo, *range, located);
        }
    }
}

/// Every blob reachable from any ref (or not reachable from `since`), each distinct blob once,
/// read in pack order on every core ([`history`]), and every commit and annotated tag message.
/// Its post-pass reports each secret once, from the earliest commit that has it, and looks up
/// the author and date of those commits only.
pub struct History {
    pub since: Option<String>,
    pub max_file_size: u64,
    pub threads: usize,
    /// The repository and what the scan saw, once fed.
    scanned: Option<(git2::Repository, history::HistoryScan)>,
    warnings: Vec<String>,
}

impl History {
    pub fn new(since: Option<&str>, max_file_size: u64, threads: usize) -> Self {
        History {
            since: since.map(str::to_owned),
            max_file_size,
            threads,
            scanned: None,
            warnings: Vec::new(),
        }
    }
}

impl Source for History {
    fn paths_are_exact(&self) -> bool {
        false
    }

    fn scope(&self) -> Scope {
        Scope::History
    }

    fn feed(&mut self, sink: &dyn Sink) -> Result<(), Error> {
        use std::io::IsTerminal;

        let repo = git::open(Path::new("."))?;
        let options = history::HistoryOptions {
            since: self.since.clone(),
            max_file_size: self.max_file_size,
            threads: self.threads,
            progress: std::io::stderr().is_terminal(),
        };
        let scanned = history::scan(&repo, &options, sink)?;
        if scanned.shallow {
            self.warnings.push(format!(
                "this is a shallow clone: history stops at the graft after {} {} (fetch the rest with `git fetch --unshallow`)",
                scanned.commits,
                if scanned.commits == 1 { "commit" } else { "commits" }
            ));
        }
        self.scanned = Some((repo, scanned));
        Ok(())
    }

    fn finish(&mut self, outcome: &mut Outcome) {
        for warning in self.warnings.drain(..) {
            outcome.warn(warning);
        }
        let Some((repo, scanned)) = &self.scanned else {
            return;
        };
        outcome.counts.commits = Some(scanned.commits);
        outcome.counts.binary_scanned = scanned.binary as usize;
        keep_earliest_per_secret(&mut outcome.findings, |f| scanned.order(&f.provenance));
        scanned.describe(repo, outcome.findings.iter_mut().map(|f| &mut f.provenance));
    }
}

/// In history, one secret sits in many blobs (every later version of its file): report it once,
/// from the earliest commit of the walk that has it (`order`: smaller is earlier).
fn keep_earliest_per_secret(findings: &mut Vec<Finding>, order: impl Fn(&Finding) -> usize) {
    findings.sort_by(|a, b| {
        (&a.rule, &a.fingerprint, order(a)).cmp(&(&b.rule, &b.fingerprint, order(b)))
    });
    findings.dedup_by(|later, earlier| {
        let same = later.rule == earlier.rule && later.fingerprint == earlier.fingerprint;
        // The secret is as sure as its surest place: one copy outside test fixtures makes
        // it no fixture's (the earliest place may be a test file it later moved out of).
        if same && !later.test_fixture && earlier.test_fixture {
            earlier.confidence = later.confidence.max(earlier.confidence);
            earlier.test_fixture = false;
        }
        same
    });
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Agent run data: every file under the roots, labelled with its run (and event), ignore files
/// off (run directories carry their own `.gitignore` for state/ and blobs/: audit everything).
pub struct Journal {
    roots: Vec<PathBuf>,
    /// Every place looked at, named when no run data was found.
    looked_at: Vec<PathBuf>,
    runs: Vec<RunDir>,
    pub walk: WalkOptions,
}

impl Journal {
    /// The given roots, or (when none is given) the places the SDK writes run data, as seen
    /// from `cwd`.
    pub fn new(paths: &[PathBuf], cwd: &Path, walk: WalkOptions) -> Self {
        let (roots, looked_at) = if paths.is_empty() {
            journal::default_roots(cwd)
        } else {
            (paths.to_vec(), paths.to_vec())
        };
        let runs = journal::find_runs(&roots);
        Journal {
            roots,
            looked_at,
            runs,
            walk: WalkOptions {
                respect_vcs_ignores: false,
                ..walk
            },
        }
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    pub fn runs(&self) -> &[RunDir] {
        &self.runs
    }
}

impl Source for Journal {
    fn scope(&self) -> Scope {
        Scope::Journal
    }

    fn walked_roots(&self) -> Option<Vec<PathBuf>> {
        Some(self.roots.clone())
    }

    fn feed(&mut self, sink: &dyn Sink) -> Result<(), Error> {
        let labelled = JournalSink::new(sink, &self.runs);
        walk(&self.roots, &self.walk, &labelled);
        Ok(())
    }

    fn finish(&mut self, outcome: &mut Outcome) {
        outcome.counts.runs = Some(self.runs.len() as u64);
        if self.roots.is_empty() {
            let places: Vec<String> = (self.looked_at.iter())
                .map(|p| p.display().to_string())
                .collect();
            outcome.warn(format!(
                "no agent run data found; looked in: {}",
                places.join(", ")
            ));
        }
    }
}

/// `check`'s full audit: the working tree (walked with `walk`'s ignore setting) and agent run
/// data, every file scanned once. Run data inside the work tree is labelled as it is walked
/// with the tree; what git ignores (the usual case) or what lies outside the tree is walked
/// on its own, ignores off.
pub struct Audit {
    runs: Vec<RunDir>,
    /// Agent-data roots that need a walk of their own.
    separate_roots: Vec<PathBuf>,
    pub walk: WalkOptions,
}

impl Audit {
    pub fn new(repo: &git2::Repository, walk: WalkOptions) -> Self {
        let root = repo
            .workdir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let cwd = std::env::current_dir().unwrap_or(root);
        let (journal_roots, _) = journal::default_roots(&cwd);
        let (labelled_roots, separate_roots) =
            split_journal_roots(repo, &cwd, &journal_roots, walk.respect_vcs_ignores);
        Audit {
            runs: journal::find_runs(&labelled_roots),
            separate_roots,
            walk,
        }
    }
}

impl Source for Audit {
    fn scope(&self) -> Scope {
        Scope::WorkingTree
    }

    fn walked_roots(&self) -> Option<Vec<PathBuf>> {
        Some(self.separate_roots.clone())
    }

    fn feed(&mut self, sink: &dyn Sink) -> Result<(), Error> {
        let labelled = JournalSink::new(sink, &self.runs);
        walk(&[PathBuf::from(".")], &self.walk, &labelled);
        let journal_options = WalkOptions {
            respect_vcs_ignores: false,
            ..self.walk.clone()
        };
        walk(&self.separate_roots, &journal_options, &labelled);
        Ok(())
    }

    fn finish(&mut self, outcome: &mut Outcome) {
        outcome.counts.runs = Some(self.runs.len() as u64);
    }
}

/// Split agent-data roots for the audit: all of them, as walked (roots inside the current
/// directory made relative, so run labels match the tree walk's paths), and those that need a
/// walk of their own (outside the current directory, or ignored by git when the tree walk
/// honours ignores).
fn split_journal_roots(
    repo: &git2::Repository,
    cwd: &Path,
    roots: &[PathBuf],
    tree_walk_ignores: bool,
) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let rules = IgnoreRules::load(repo, &UserDirs::from_env());
    let top = repo.workdir().and_then(|w| w.canonicalize().ok());
    let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_owned());
    let mut labelled = Vec::new();
    let mut separate = Vec::new();
    for root in roots {
        let canonical = root.canonicalize().unwrap_or_else(|_| root.clone());
        let Some(relative) = canonical
            .strip_prefix(&cwd)
            .ok()
            .filter(|r| !r.as_os_str().is_empty())
        else {
            labelled.push(root.clone());
            separate.push(root.clone());
            continue;
        };
        let in_repo = top
            .as_ref()
            .and_then(|top| canonical.strip_prefix(top).ok())
            .map(|p| p.to_string_lossy().replace('\\', "/"));
        let ignored = match (&rules, in_repo) {
            (Some(rules), Some(path)) => matches!(rules.decide(&path, true), Decision::Ignored(_)),
            _ => true,
        };
        labelled.push(relative.to_path_buf());
        if ignored && tree_walk_ignores {
            separate.push(relative.to_path_buf());
        }
    }
    (labelled, separate)
}
