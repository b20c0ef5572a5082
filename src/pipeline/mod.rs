//! The scan engine every command shares: a [`Source`] feeds blobs into a [`Collector`] (the
//! [`Sink`] that scans them), the source's own post-pass runs on what was found (blame for a
//! range, earliest commit per secret for history), the results are sorted, a baseline filters
//! them, and one [`Outcome`] says what was found and, through its [`Scope`], what was scanned.
//!
//! Commands only choose a source and wire the outcome to a reporter; nothing here knows clap
//! or an output format.

pub mod check;
pub mod confidence;
pub mod exit;
pub mod hygiene;
pub mod journal;
pub mod progress;
pub mod settings;
pub mod sources;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Error;
use crate::baseline::Baseline;
use crate::diagnostic::{Code, Diagnostic, Level};
use crate::finding::Finding;
use crate::fingerprint::{Fingerprinter, SaltSource};
use crate::input::base_side::{AtBase, BaseSide};
use crate::input::{Blob, Sink, SkipReason};
use crate::rules::RuleSet;
use crate::scan::{ScanOptions, Scanner, Suppression};

pub use check::Plan;
pub use exit::{ExitPolicy, ExitStatus};
pub use settings::{ConfigRequest, Settings};
pub use sources::{Source, SourceRequest};

/// What was scanned. Reporters read it instead of guessing from which counts are set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// Paths of the working tree (and standard input).
    #[default]
    WorkingTree,
    /// The staged change: the lines the next commit adds.
    Staged,
    /// The lines a commit range adds.
    Range,
    /// Every blob in the repository's history.
    History,
    /// Agent run data.
    Journal,
    /// Repository hygiene only: nothing was scanned for secrets (`leakgate gitignore`).
    Hygiene,
    /// What `leakgate check` decided to check here.
    Check(Plan),
}

/// The shape of what was scanned, which decides how a summary counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scanned {
    /// Files (working tree, journals, an audit).
    Files,
    /// The staged change: files and the lines they add.
    Staged,
    /// A commit range: files, commits and the lines they add.
    Range,
    /// History: blobs in commits.
    History,
    /// Nothing was scanned for secrets.
    Nothing,
}

impl Scope {
    pub fn scanned(&self) -> Scanned {
        match self {
            Scope::WorkingTree | Scope::Journal | Scope::Check(Plan::Audit { .. }) => {
                Scanned::Files
            }
            Scope::Staged | Scope::Check(Plan::PreCommit) => Scanned::Staged,
            Scope::Range | Scope::Check(Plan::Range { .. }) => Scanned::Range,
            Scope::History | Scope::Check(Plan::History { .. }) => Scanned::History,
            Scope::Hygiene => Scanned::Nothing,
        }
    }

    /// For `check`, a sentence saying what it decided to check (the summary's `scope`).
    pub fn description(&self) -> Option<String> {
        match self {
            Scope::Check(plan) => Some(plan.description()),
            _ => None,
        }
    }
}

/// How much was scanned. A count a scope does not have is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    /// Staged and range scans: the lines the change adds.
    pub lines_added: Option<u64>,
    /// Range and history scans: the commits walked.
    pub commits: Option<u64>,
    /// Git scans: binary blobs scanned as raw bytes.
    pub binary_scanned: usize,
    /// Journal audits: run directories found.
    pub runs: Option<u64>,
}

/// Everything one run of a command produced, sorted and ready to report.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub scope: Scope,
    pub counts: Counts,
    pub findings: Vec<Finding>,
    /// Range scans: findings on lines the range adds that an inline allow comment silenced,
    /// reported as notes so a reviewer sees them.
    pub suppressed: Vec<Suppression>,
    /// Everything else to report, each at the level its code decides: skipped files, inputs
    /// not scanned, invalid JSON, warnings, journal integrity and repository hygiene problems.
    pub diagnostics: Vec<Diagnostic>,
    /// The findings were removed into a redacted copy that re-scanned clean (`journal
    /// --redact-to`): they are reported, but do not fail the run.
    pub findings_redacted: bool,
    /// What `--min-confidence` left out of `findings`, counted for every summary.
    pub hidden: confidence::Hidden,
}

impl Outcome {
    /// An outcome with nothing scanned yet: for hygiene-only runs.
    pub fn of(scope: Scope) -> Self {
        Outcome {
            scope,
            ..Outcome::default()
        }
    }

    /// A warning about the run (not about one input).
    pub fn warn(&mut self, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::warning(message));
    }

    /// What the command did, when it worked (a file written): a notice, not a warning.
    pub fn notice(&mut self, message: impl Into<String>, path: Option<String>) {
        let notice = Diagnostic::notice(message);
        self.diagnostics.push(match path {
            Some(path) => notice.at(path),
            None => notice,
        });
    }

    /// How many diagnostics have a code `which` accepts.
    pub fn count(&self, which: impl Fn(Code) -> bool) -> usize {
        self.diagnostics.iter().filter(|d| which(d.code)).count()
    }

    /// Integrity problems of level error.
    pub fn integrity_errors(&self) -> usize {
        (self.diagnostics.iter())
            .filter(|d| matches!(d.code, Code::Integrity(_)) && d.level() == Level::Error)
            .count()
    }

    /// The files a source skipped, with why.
    pub fn skipped(&self) -> impl Iterator<Item = (&str, SkipReason)> {
        self.diagnostics.iter().filter_map(|d| {
            d.skip_reason()
                .map(|reason| (d.path.as_deref().unwrap_or_default(), reason))
        })
    }
}

/// How blobs are scanned: the rules, whether secrets may be shown, how fingerprints are salted,
/// which paths are test fixtures.
pub struct Scanning<'a> {
    pub rules: &'a RuleSet,
    pub show_secrets: bool,
    pub fingerprints: Arc<Fingerprinter>,
    pub test_fixtures: &'a confidence::TestFixtures,
    /// Show a progress line on standard error during a long working-tree scan (the command
    /// decides: a terminal, and a report for people).
    pub progress: bool,
}

impl<'a> Scanning<'a> {
    /// The settings' rules and test fixtures, with fingerprints salted by the baseline given,
    /// else found from the current directory (the repository's baseline file, its root commit,
    /// or the default salt).
    pub fn new(settings: &'a Settings, show_secrets: bool, baseline: Option<&Path>) -> Self {
        Scanning {
            rules: &settings.rules,
            test_fixtures: &settings.test_fixtures,
            show_secrets,
            fingerprints: Arc::new(Fingerprinter::new(SaltSource::Discover {
                dir: PathBuf::from("."),
                baseline: baseline.map(Path::to_path_buf),
            })),
            progress: false,
        }
    }
}

/// Gathers what the walker threads produce. Locks are taken only when there is something to
/// record; clean files cost two atomic adds.
pub struct Collector<'a> {
    scanner: Scanner<'a>,
    findings: Mutex<Vec<Finding>>,
    diagnostics: Mutex<Vec<Diagnostic>>,
    suppressed: Mutex<Vec<Suppression>>,
    files: AtomicU64,
    bytes: AtomicU64,
}

fn into_inner<T>(mutex: Mutex<T>) -> T {
    mutex
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere ends the process (see main), so a poisoned lock still holds good data.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<'a> Collector<'a> {
    pub fn new(scanning: &Scanning<'a>) -> Self {
        Collector {
            scanner: Scanner::new(
                scanning.rules,
                ScanOptions {
                    show_secrets: scanning.show_secrets,
                    fingerprints: Arc::clone(&scanning.fingerprints),
                },
            ),
            findings: Mutex::default(),
            diagnostics: Mutex::default(),
            suppressed: Mutex::default(),
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        }
    }

    /// What was collected, unsorted, as an outcome of `scope`.
    fn into_outcome(self, scope: Scope) -> Outcome {
        Outcome {
            scope,
            counts: Counts {
                files_scanned: self.files.into_inner(),
                bytes_scanned: self.bytes.into_inner(),
                ..Counts::default()
            },
            findings: into_inner(self.findings),
            suppressed: into_inner(self.suppressed),
            diagnostics: into_inner(self.diagnostics),
            ..Outcome::default()
        }
    }
}

impl Sink for Collector<'_> {
    fn blob(&self, blob: Blob<'_>) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes
            .fetch_add(blob.data.len() as u64, Ordering::Relaxed);
        let report = match blob.earlier {
            Some(earlier) => self
                .scanner
                .scan_since(&blob.provenance, blob.data, earlier),
            None => self.scanner.scan_blob(&blob.provenance, blob.data),
        };
        if !report.notes.is_empty() {
            lock(&self.diagnostics).extend(report.notes);
        }
        let mut found = report.findings;
        let mut suppressed = report.suppressed;
        if let Some(added) = blob.added_lines {
            found.retain(|f| added.touches(f.line, f.end_line));
            suppressed.retain(|s| added.touches(s.line, s.end_line));
        }
        if let Some(previous) = blob.previous
            && !(found.is_empty() && suppressed.is_empty())
        {
            // No line diff (a binary side): what the previous version already held is not new.
            use std::collections::HashSet;
            let before = self.scanner.scan_blob(&blob.provenance, previous);
            let secrets: HashSet<(&str, &str)> = (before.findings.iter())
                .map(|b| (b.rule.as_str(), b.fingerprint.as_str()))
                .collect();
            let allowed: HashSet<(&str, &str)> = (before.suppressed.iter())
                .map(|b| (b.rule.as_str(), b.marker))
                .collect();
            found.retain(|f| !secrets.contains(&(f.rule.as_str(), f.fingerprint.as_str())));
            suppressed.retain(|s| !allowed.contains(&(s.rule.as_str(), s.marker)));
        }
        if !suppressed.is_empty() {
            lock(&self.suppressed).extend(suppressed);
        }
        if !found.is_empty() {
            lock(&self.findings).extend(found);
        }
    }

    fn diagnostic(&self, diagnostic: Diagnostic) {
        lock(&self.diagnostics).push(diagnostic);
    }
}

/// Scan what `source` feeds: collect, sort, then run the source's own post-pass.
pub fn collect(scanning: &Scanning<'_>, source: &mut dyn Source) -> Result<Outcome, Error> {
    let collector = Collector::new(scanning);
    if scanning.progress && source.scope() == Scope::WorkingTree {
        let progress = progress::Progress::start();
        let fed = source.feed(&progress.sink(&collector));
        progress.finish();
        fed?;
    } else {
        source.feed(&collector)?;
    }
    let mut outcome = collector.into_outcome(source.scope());
    if source.reports_suppressed() {
        outcome
            .suppressed
            .sort_by(|a, b| (&a.path, a.line, &a.rule).cmp(&(&b.path, b.line, &b.rule)));
    } else {
        outcome.suppressed.clear();
    }
    // Sorted before the post-pass too, so what it keeps of equal findings does not depend on
    // the order the walker threads finished in.
    outcome
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // Each finding judged at its own path, before the post-pass picks one of a secret's
    // places (a secret that is also outside test fixtures keeps its full confidence, see
    // `keep_earliest_per_secret`); not in history, where a blob is seen at one of its paths.
    let roots = source.walked_roots();
    let cwd = std::env::current_dir().unwrap_or_default();
    if source.paths_are_exact() {
        confidence::lower_test_fixtures(&mut outcome.findings, scanning.test_fixtures, &|path| {
            match &roots {
                Some(roots) => confidence::relative_to_roots(path, roots, &cwd),
                None => std::borrow::Cow::Borrowed(path),
            }
        });
    }
    source.finish(&mut outcome);
    outcome
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    crate::diagnostic::sort(&mut outcome.diagnostics);
    Ok(outcome)
}

/// The base side's part in a range scan: the changes the range makes to the files that decide
/// how it is scanned become warnings, and a baseline inside the repository is the base
/// commit's (one the base does not have accepts nothing). Returns that baseline, when the base
/// decides it.
pub fn apply_base_side(
    base: &BaseSide,
    baseline: Option<&Path>,
    outcome: &mut Outcome,
) -> Result<Option<Baseline>, Error> {
    for warning in base.gate_changes(baseline)? {
        outcome.warn(warning);
    }
    let Some(file) = baseline else {
        return Ok(None);
    };
    Ok(match base.file(file) {
        AtBase::Outside => None,
        AtBase::Absent { path } => {
            outcome.warn(format!(
                "the baseline `{path}` is not in the base commit {}: it accepts nothing in this range",
                base.short_id()
            ));
            Some(Baseline::default())
        }
        AtBase::Text { path, text } => {
            let name = format!("{path} (at base commit {})", base.short_id());
            Some(Baseline::parse(Path::new(&name), &text)?)
        }
    })
}

/// A `--baseline` to filter findings with.
#[derive(Debug, Clone)]
pub struct BaselineFilter {
    pub file: PathBuf,
    /// List entries that match nothing any more.
    pub report_unused: bool,
}

/// Findings already in the baseline are accepted: not reported, not failing the run. The
/// baseline is `at_base` when a range's base side decided it, else the file. With
/// `report_unused`, entries that match nothing any more are listed.
pub fn apply_baseline(
    outcome: &mut Outcome,
    filter: &BaselineFilter,
    at_base: Option<Baseline>,
) -> Result<(), Error> {
    let baseline = match at_base {
        Some(at_base) => at_base,
        None => Baseline::load(&filter.file)?,
    };
    // Listed against every finding, before the accepted ones are dropped.
    let unused: Vec<String> = if filter.report_unused {
        (baseline.unused(&outcome.findings).iter())
            .map(|entry| {
                format!(
                    "unused baseline entry: {} {} {} matches nothing any more (remove it)",
                    entry.path, entry.rule, entry.fingerprint
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let before = outcome.findings.len();
    outcome.findings.retain(|f| !baseline.contains(f));
    let accepted = before - outcome.findings.len();
    if accepted > 0 {
        outcome.warn(format!(
            "{} {} in the baseline {} and not reported",
            crate::plural::count(accepted, "finding", "findings"),
            crate::plural::noun(accepted, "is", "are"),
            filter.file.display()
        ));
    }
    for warning in unused {
        outcome.warn(warning);
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::finding::{Finding, Snippet};
    use crate::input::Provenance;
    use crate::rules::{RuleKind, Severity};

    /// A finding of `kind` and `severity` in `a.txt`.
    pub(crate) fn finding(kind: RuleKind, severity: Severity) -> Finding {
        Finding {
            rule: "some-rule".to_owned(),
            kind,
            description: String::new(),
            severity,
            confidence: crate::rules::Confidence::High,
            test_fixture: false,
            path: "a.txt".to_owned(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 2,
            fingerprint: "0123456789abcdef".to_owned(),
            preview: "[REDACTED]".to_owned(),
            snippet: Snippet {
                text: String::new(),
                highlight_start: 0,
                highlight_len: 0,
            },
            provenance: Provenance::File {
                path: "a.txt".to_owned(),
            },
            json_pointer: None,
            related: Vec::new(),
            decoded: None,
            span: (0, 1),
            secret: None,
            revoke: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::finding;
    use super::*;
    use crate::baseline::Entry;
    use crate::rules::{RuleKind, Severity};

    fn at(path: &str, fingerprint: &str) -> Finding {
        let mut f = finding(RuleKind::Token, Severity::High);
        f.path = path.to_owned();
        f.fingerprint = fingerprint.to_owned();
        f
    }

    fn baseline_of(entries: &[(&str, &str)]) -> Baseline {
        Baseline {
            entries: (entries.iter())
                .map(|(path, fingerprint)| Entry {
                    path: (*path).to_owned(),
                    rule: "some-rule".to_owned(),
                    fingerprint: (*fingerprint).to_owned(),
                })
                .collect(),
            ..Baseline::default()
        }
    }

    /// The messages of the outcome's warnings, in order.
    fn warnings(outcome: &Outcome) -> Vec<&str> {
        (outcome.diagnostics.iter())
            .filter(|d| d.code == Code::Warning)
            .map(|d| d.message.as_str())
            .collect()
    }

    fn kept(outcome: &Outcome) -> Vec<(&str, &str)> {
        (outcome.findings.iter())
            .map(|f| (f.path.as_str(), f.fingerprint.as_str()))
            .collect()
    }

    fn filter(report_unused: bool) -> BaselineFilter {
        BaselineFilter {
            file: PathBuf::from("base.json"),
            report_unused,
        }
    }

    #[test]
    fn a_baseline_accepts_its_findings_and_says_how_many() {
        let mut outcome = Outcome {
            findings: vec![at("a", "1"), at("b", "2"), at("c", "3")],
            ..Outcome::default()
        };
        let baseline = baseline_of(&[("a", "1"), ("c", "3")]);
        apply_baseline(&mut outcome, &filter(false), Some(baseline)).expect("filtered");
        assert_eq!(kept(&outcome), vec![("b", "2")]);
        assert_eq!(
            warnings(&outcome),
            vec!["2 findings are in the baseline base.json and not reported"]
        );
    }

    #[test]
    fn the_same_secret_elsewhere_is_not_accepted() {
        // An entry names path, rule and fingerprint: the secret copied to a new file is new.
        let mut outcome = Outcome {
            findings: vec![at("copy", "1")],
            ..Outcome::default()
        };
        apply_baseline(
            &mut outcome,
            &filter(false),
            Some(baseline_of(&[("a", "1")])),
        )
        .expect("filtered");
        assert_eq!(kept(&outcome), vec![("copy", "1")]);
        assert!(warnings(&outcome).is_empty());
    }

    #[test]
    fn unused_entries_are_listed_only_when_asked() {
        let found = || Outcome {
            findings: vec![at("a", "1")],
            ..Outcome::default()
        };
        let baseline = || baseline_of(&[("a", "1"), ("gone", "9")]);
        let mut quiet = found();
        apply_baseline(&mut quiet, &filter(false), Some(baseline())).expect("filtered");
        assert_eq!(warnings(&quiet).len(), 1);
        let mut listed = found();
        apply_baseline(&mut listed, &filter(true), Some(baseline())).expect("filtered");
        assert_eq!(
            warnings(&listed),
            vec![
                "1 finding is in the baseline base.json and not reported".to_owned(),
                "unused baseline entry: gone some-rule 9 matches nothing any more (remove it)"
                    .to_owned(),
            ]
        );
        assert!(listed.findings.is_empty());
    }

    #[test]
    fn a_missing_baseline_file_is_an_error_not_an_empty_baseline() {
        let mut outcome = Outcome {
            findings: vec![at("a", "1")],
            ..Outcome::default()
        };
        let missing = BaselineFilter {
            file: PathBuf::from("/nonexistent/leakgate-baseline.json"),
            report_unused: false,
        };
        assert!(apply_baseline(&mut outcome, &missing, None).is_err());
    }
}
