//! `leakgate check`: the one command a team runs. It does what fits where it runs, in one
//! report:
//! - at pre-commit (a git repository, not CI): the staged scan, gitignore coverage of the root,
//!   and any secret file the commit starts tracking; fast in any size of repository;
//! - in CI (`CI` or `GITHUB_ACTIONS` set): the range the pull request adds (`--range`, or
//!   `origin/$GITHUB_BASE_REF...HEAD`), plus the full hygiene checks;
//! - with `--all`: a full audit: the working tree, agent run data, and the full hygiene checks.
//!
//! In CI the range is checked with its base side's `.leakgate.toml`, `.leakgateignore` files
//! and baseline, so a pull request cannot switch off the check that gates it.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::scan::{self, SourceTotals};
use crate::cli::CheckArgs;
use crate::hygiene::gitignore::{IgnoreRules, UserDirs};
use crate::hygiene::{self, HygieneProblem};
use crate::input::base_side::BaseSide;
use crate::input::git::{self, GitError};
use crate::input::walk::{WalkOptions, walk};
use crate::journal::{self, JournalSink};
use crate::{Error, ExitStatus};

/// What `check` decided to do here.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Plan {
    PreCommit,
    PullRequest(String),
    Audit,
}

fn plan(args: &CheckArgs) -> Plan {
    if args.all {
        return Plan::Audit;
    }
    if let Some(range) = &args.range {
        return Plan::PullRequest(range.clone());
    }
    if args.staged {
        return Plan::PreCommit;
    }
    let set = |name: &str| {
        std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
    };
    if set("CI") || set("GITHUB_ACTIONS") {
        return match std::env::var("GITHUB_BASE_REF") {
            Ok(base) if !base.is_empty() => Plan::PullRequest(format!("origin/{base}...HEAD")),
            // CI without a pull request to compare with: audit the checkout.
            _ => Plan::Audit,
        };
    }
    Plan::PreCommit
}

pub fn run(args: &CheckArgs) -> Result<ExitStatus, Error> {
    let started = Instant::now();
    super::refuse_output_over_input(&args.common, &[])?;
    let plan = plan(args);
    let base = match &plan {
        Plan::PullRequest(spec) => Some(BaseSide::resolve(spec)?),
        _ => None,
    };
    let Some(settings) = super::settings_at(&args.common, base.as_ref())? else {
        return Ok(ExitStatus::Clean);
    };
    let rules = &settings.rules;
    let repo = git::open(Path::new("."))?;
    let max = settings.max_file_size;
    let mut results = match &plan {
        Plan::PreCommit => {
            scan::collect(rules, &args.common, |sink| scan::staged_source(max, sink))?
        }
        Plan::PullRequest(spec) => scan::collect(rules, &args.common, |sink| {
            scan::range_source(spec, false, max, sink)
        })?,
        Plan::Audit => {
            let root = repo
                .workdir()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from("."));
            let cwd = std::env::current_dir().unwrap_or_else(|_| root.clone());
            let (journal_roots, _) = journal::default_roots(&cwd);
            let (labelled_roots, separate_roots) = split_journal_roots(&repo, &cwd, &journal_roots);
            let runs = journal::find_runs(&labelled_roots);
            let mut results = scan::collect(rules, &args.common, |sink| {
                // Every file is scanned once: run data inside the work tree is labelled as it is
                // walked with the tree; what git ignores (the usual case) or what lies outside
                // the tree is walked on its own, ignores off.
                let labelled = JournalSink::new(sink, &runs);
                let options = WalkOptions {
                    max_file_size: max,
                    respect_vcs_ignores: true,
                    threads: args.common.threads.unwrap_or(0),
                };
                walk(&[PathBuf::from(".")], &options, &labelled);
                let journal_options = WalkOptions {
                    respect_vcs_ignores: false,
                    ..options
                };
                walk(&separate_roots, &journal_options, &labelled);
                Ok::<_, Error>(SourceTotals::default())
            })?;
            results.runs = Some(runs.len() as u64);
            results
        }
    };
    if let Some(base) = &base {
        scan::apply_base_side(base, &args.common, &mut results)?;
    }
    let required = hygiene::required_patterns(&settings.config.gitignore.required);
    results.hygiene = match plan {
        Plan::PreCommit => quick_hygiene(&repo, &required)?,
        _ => super::gitignore::check(&repo, &required)?,
    };
    results.scope = Some(match &plan {
        Plan::PreCommit => "the staged change and gitignore coverage (pre-commit)".to_owned(),
        Plan::PullRequest(spec) => format!("the range {spec} and repository hygiene (CI)"),
        Plan::Audit => {
            "the working tree, agent run data and repository hygiene (full audit)".to_owned()
        }
    });
    scan::report(&results, &args.common, started)
}

/// Split agent-data roots for the audit: all of them, as walked (roots inside the current
/// directory made relative, so run labels match the tree walk's paths), and those that need a
/// walk of their own (outside the current directory, or ignored by git).
fn split_journal_roots(
    repo: &git2::Repository,
    cwd: &Path,
    roots: &[PathBuf],
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
            (Some(rules), Some(path)) => matches!(
                rules.decide(&path, true),
                crate::hygiene::gitignore::Decision::Ignored(_)
            ),
            _ => true,
        };
        labelled.push(relative.to_path_buf());
        if ignored {
            separate.push(relative.to_path_buf());
        }
    }
    (labelled, separate)
}

/// Pre-commit hygiene, in time that does not grow with the repository: root gitignore coverage,
/// and secret files this commit would start tracking.
fn quick_hygiene(
    repo: &git2::Repository,
    required: &[hygiene::Required],
) -> Result<Vec<HygieneProblem>, GitError> {
    let mut problems = Vec::new();
    if let Some(rules) = IgnoreRules::load_scoped(repo, &UserDirs::from_env(), false) {
        let dirs = [String::new(), "leakgate-check/nested".to_owned()];
        problems.extend(hygiene::check_coverage_in(&rules, required, &dirs).0);
    }
    for (path, blob) in git::staged_additions(Path::new("."))? {
        let content = repo
            .find_blob(blob)
            .map(|b| b.content().to_vec())
            .unwrap_or_default();
        problems.extend(hygiene::tracked_secret_problem(&path, &content, false));
    }
    problems.sort();
    Ok(problems)
}
