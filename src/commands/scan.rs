//! `leakgate scan`: walk the paths, scan every file, report sorted findings and a summary.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::{Output, Settings};
use crate::cli::{CommonArgs, ScanArgs};
use crate::finding::Finding;
use crate::fingerprint::{Fingerprinter, Salt, SaltSource};
use std::path::Path;

use crate::input::base_side::{AtBase, BaseSide};
use crate::input::git::{self, GitError};
use crate::input::leakgateignore::IgnoreFiles;
use crate::input::walk::{WalkOptions, scan_stdin, walk};
use crate::input::{Blob, FileWarning, Problem, Sink, Skipped};
use crate::report::{self, Format, Message, ReportOptions, Summary};
use crate::rules::RuleSet;
use crate::scan::{ScanOptions, Scanner, Suppression, SyntaxNote};
use crate::{Error, ExitStatus};

/// What a scan produced, sorted and ready to report.
#[derive(Debug, Default, Clone)]
pub struct ScanResults {
    pub findings: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    pub problems: Vec<Problem>,
    /// JSON files that did not parse (their raw bytes were scanned anyway).
    pub notes: Vec<SyntaxNote>,
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    /// For git scans: how many lines the change adds.
    pub lines_added: Option<u64>,
    /// For range and history scans: how many commits were walked.
    pub commits: Option<u64>,
    /// For git scans: binary blobs scanned as raw bytes.
    pub binary_scanned: usize,
    /// Things the user should know that are not errors (a shallow clone's history stops early).
    pub warnings: Vec<String>,
    /// Warnings about one input each (a changed file too large to scan), shown in every format.
    pub file_warnings: Vec<FileWarning>,
    /// Journal audits: run directories found, and integrity problems (`--verify`).
    pub runs: Option<u64>,
    pub integrity: Vec<crate::journal::RunProblem>,
    /// Repository hygiene problems (`leakgate gitignore`).
    pub hygiene: Vec<crate::hygiene::HygieneProblem>,
    /// Only hygiene was checked: no secret scan ran.
    pub hygiene_only: bool,
    /// What `leakgate check` decided to check.
    pub scope: Option<String>,
    /// Range scans: the baseline as the base commit has it, used instead of the file on disk
    /// (a change cannot accept its own secrets).
    pub baseline_at_base: Option<crate::baseline::Baseline>,
    /// Range scans: findings on lines the range adds that an inline allow comment silenced,
    /// reported as notes so a reviewer sees them.
    pub suppressed: Vec<Suppression>,
}

impl ScanResults {
    pub fn integrity_errors(&self) -> usize {
        self.integrity.iter().filter(|p| p.is_error()).count()
    }

    /// Hygiene problems that fail the run: errors, and warnings too with `--strict`.
    pub fn hygiene_failures(&self, strict: bool) -> usize {
        self.hygiene
            .iter()
            .filter(|p| strict || p.severity == crate::hygiene::HygieneSeverity::Error)
            .count()
    }

    /// Findings that fail the run: every secret; a policy finding below high severity is a
    /// warning unless `--strict`.
    pub fn failing_findings(&self, strict: bool) -> usize {
        use crate::rules::{RuleKind, Severity};
        self.findings
            .iter()
            .filter(|f| strict || f.kind != RuleKind::Policy || f.severity == Severity::High)
            .count()
    }
}

/// Gathers what the walker threads produce. Locks are taken only when there is something to
/// record; clean files cost two atomic adds.
struct Collector<'a> {
    scanner: Scanner<'a>,
    findings: Mutex<Vec<Finding>>,
    skipped: Mutex<Vec<Skipped>>,
    problems: Mutex<Vec<Problem>>,
    file_warnings: Mutex<Vec<FileWarning>>,
    notes: Mutex<Vec<SyntaxNote>>,
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

impl Sink for Collector<'_> {
    fn blob(&self, blob: Blob<'_>) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes
            .fetch_add(blob.data.len() as u64, Ordering::Relaxed);
        let report = self.scanner.scan_blob(&blob.provenance, blob.data);
        if !report.notes.is_empty() {
            lock(&self.notes).extend(report.notes);
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

    fn skipped(&self, skipped: Skipped) {
        lock(&self.skipped).push(skipped);
    }

    fn problem(&self, problem: Problem) {
        lock(&self.problems).push(problem);
    }

    fn warning(&self, warning: FileWarning) {
        lock(&self.file_warnings).push(warning);
    }
}

/// Run `feed` (a source) against a fresh collector and return its sorted results, with
/// fingerprints salted as [`fingerprinter`] decides.
pub fn collect<E>(
    rules: &RuleSet,
    common: &CommonArgs,
    feed: impl FnOnce(&dyn Sink) -> Result<SourceTotals, E>,
) -> Result<ScanResults, E> {
    collect_with(rules, common, fingerprinter(common), feed)
}

/// The fingerprints of a scan: salted by the `--baseline` given, else found from the current
/// directory (the repository's baseline file, its root commit, or the default salt).
pub fn fingerprinter(common: &CommonArgs) -> Arc<Fingerprinter> {
    Arc::new(Fingerprinter::new(SaltSource::Discover {
        dir: PathBuf::from("."),
        baseline: common.baseline.clone(),
    }))
}

/// [`collect`] with a given fingerprinter (a baseline being written fixes its salt).
pub fn collect_with<E>(
    rules: &RuleSet,
    common: &CommonArgs,
    fingerprints: Arc<Fingerprinter>,
    feed: impl FnOnce(&dyn Sink) -> Result<SourceTotals, E>,
) -> Result<ScanResults, E> {
    let collector = Collector {
        scanner: Scanner::new(
            rules,
            ScanOptions {
                show_secrets: common.show_secrets,
                fingerprints,
            },
        ),
        findings: Mutex::default(),
        skipped: Mutex::default(),
        problems: Mutex::default(),
        file_warnings: Mutex::default(),
        notes: Mutex::default(),
        suppressed: Mutex::default(),
        files: AtomicU64::new(0),
        bytes: AtomicU64::new(0),
    };
    let totals = feed(&collector)?;
    let mut findings = into_inner(collector.findings);
    if let Some(range) = totals.attribute
        && let Ok(repo) = git::open(Path::new("."))
    {
        // Attribution only adds detail: a failure leaves the head commit on each finding.
        let _ = git::attribute(&repo, range, &mut findings);
    }
    let mut results = ScanResults {
        findings,
        skipped: into_inner(collector.skipped),
        problems: into_inner(collector.problems),
        notes: into_inner(collector.notes),
        files_scanned: collector.files.into_inner(),
        bytes_scanned: collector.bytes.into_inner(),
        lines_added: totals.lines_added,
        commits: totals.commits,
        binary_scanned: totals.binary_scanned,
        warnings: totals.warnings,
        file_warnings: into_inner(collector.file_warnings),
        ..ScanResults::default()
    };
    if totals.report_suppressed {
        results.suppressed = into_inner(collector.suppressed);
        results
            .suppressed
            .sort_by(|a, b| (&a.path, a.line, &a.rule).cmp(&(&b.path, b.line, &b.rule)));
    }
    results
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    if let Some(order) = &totals.history_order {
        keep_earliest_per_secret(&mut results.findings, order);
    }
    results.skipped.sort();
    results.problems.sort();
    results.file_warnings.sort();
    results.notes.sort();
    Ok(results)
}

/// What a source reports about itself, beyond the blobs it fed.
#[derive(Debug, Default)]
pub struct SourceTotals {
    pub lines_added: Option<u64>,
    pub commits: Option<u64>,
    /// Git scans: binary blobs scanned as raw bytes.
    pub binary_scanned: usize,
    pub warnings: Vec<String>,
    /// History scans: each blob's position in the oldest-first walk, to keep the earliest.
    pub history_order: Option<std::collections::HashMap<String, usize>>,
    /// Range scans: blame findings within this range to name the commit that added them.
    pub attribute: Option<git::Range>,
    /// Report what inline allow comments silenced on the lines the source adds (a range).
    pub report_suppressed: bool,
}

/// Scan what the arguments name: working-tree paths, the staged change, a commit range, or
/// the whole history.
pub fn scan(settings: &Settings, args: &ScanArgs) -> Result<ScanResults, GitError> {
    scan_with(settings, args, fingerprinter(&args.common))
}

/// [`scan`] with a given fingerprinter.
fn scan_with(
    settings: &Settings,
    args: &ScanArgs,
    fingerprints: Arc<Fingerprinter>,
) -> Result<ScanResults, GitError> {
    collect_with(&settings.rules, &args.common, fingerprints, |sink| {
        let max = settings.max_file_size;
        if args.staged {
            return staged_source(max, sink);
        }
        if let Some(spec) = &args.range {
            return range_source(spec, args.per_commit, max, sink);
        }
        if args.history {
            return scan_history(args, max, sink);
        }
        let options = WalkOptions {
            max_file_size: max,
            respect_vcs_ignores: !args.no_ignore,
            threads: args.common.threads.unwrap_or(0),
        };
        let (stdin, paths): (Vec<&PathBuf>, Vec<&PathBuf>) =
            args.paths.iter().partition(|p| p.as_os_str() == "-");
        let paths: Vec<PathBuf> = paths.into_iter().cloned().collect();
        walk(&paths, &options, sink);
        if !stdin.is_empty() {
            scan_stdin(args.stdin_filename.as_deref(), max, sink);
        }
        Ok(SourceTotals::default())
    })
}

/// The staged change as a source (`scan --staged`, `check` at pre-commit), with the
/// `.leakgateignore` files the commit will have: the index's.
pub fn staged_source(max_file_size: u64, sink: &dyn Sink) -> Result<SourceTotals, GitError> {
    let repo = git::open(Path::new("."))?;
    let ignore = IgnoreFiles::staged(&repo, &git::staged_index_path(&repo))?;
    let totals = git::staged(Path::new("."), max_file_size, &ignore.filter(sink))?;
    Ok(SourceTotals {
        lines_added: Some(totals.lines_added),
        binary_scanned: totals.binary as usize,
        ..SourceTotals::default()
    })
}

/// What a range adds as a source (`scan --range`, `check` in CI), with the base commit's
/// `.leakgateignore` files (a change cannot ignore its own files); each finding is then
/// attributed to the commit that added its line, unless every commit was scanned on its own.
pub fn range_source(
    spec: &str,
    per_commit: bool,
    max_file_size: u64,
    sink: &dyn Sink,
) -> Result<SourceTotals, GitError> {
    let repo = git::open(Path::new("."))?;
    let range = git::resolve_range(&repo, spec)?;
    let ignore = IgnoreFiles::at_commit(&repo, range.base)?;
    let sink = &ignore.filter(sink);
    let totals = if per_commit {
        git::per_commit(&repo, range, max_file_size, sink)?
    } else {
        git::range(&repo, range, max_file_size, sink)?
    };
    Ok(SourceTotals {
        lines_added: Some(totals.lines_added),
        commits: Some(totals.commits),
        binary_scanned: totals.binary as usize,
        attribute: (!per_commit).then_some(range),
        report_suppressed: true,
        ..SourceTotals::default()
    })
}

/// Plan the history walk, then read and scan its blobs in parallel, one repository handle per
/// worker (git2 handles are not shared across threads).
fn scan_history(
    args: &ScanArgs,
    max_file_size: u64,
    sink: &dyn Sink,
) -> Result<SourceTotals, GitError> {
    use rayon::prelude::*;
    use std::io::IsTerminal;

    let repo = git::open(Path::new("."))?;
    // History is judged by today's `.leakgateignore` files: HEAD's.
    let ignore = IgnoreFiles::at_head(&repo)?;
    let plan = git::plan_history(&repo, args.since.as_deref(), &|path| !ignore.ignores(path))?;
    let mut warnings = Vec::new();
    if plan.shallow {
        warnings.push(format!(
            "this is a shallow clone: history stops at the graft after {} {} (fetch the rest with `git fetch --unshallow`)",
            plan.commits,
            if plan.commits == 1 { "commit" } else { "commits" }
        ));
    }
    let progress = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(plan.blobs.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} scanning history: {pos}/{len} blobs, {per_sec}, {eta} left",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let git_dir = repo.path().to_owned();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.common.threads.unwrap_or(0))
        .build();
    let binary = std::sync::atomic::AtomicUsize::new(0);
    let run = || {
        plan.blobs.par_iter().for_each_init(
            || git2::Repository::open(&git_dir).ok(),
            |worker_repo, (id, first)| {
                if let Some(worker_repo) = worker_repo
                    && git::feed_history_blob(worker_repo, *id, first, max_file_size, sink)
                {
                    binary.fetch_add(1, Ordering::Relaxed);
                }
                progress.inc(1);
            },
        )
    };
    match pool {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
    progress.finish_and_clear();
    let order = plan
        .blobs
        .iter()
        .map(|(id, first)| (id.to_string(), first.order))
        .collect();
    Ok(SourceTotals {
        commits: Some(plan.commits),
        binary_scanned: binary.into_inner(),
        warnings,
        history_order: Some(order),
        ..SourceTotals::default()
    })
}

/// In history, one secret sits in many blobs (every later version of its file): report it once,
/// from the earliest commit of the walk that has it.
fn keep_earliest_per_secret(
    findings: &mut Vec<Finding>,
    walk_order: &std::collections::HashMap<String, usize>,
) {
    let order = |f: &Finding| match &f.provenance {
        crate::finding::Provenance::Commit { blob, .. } => {
            walk_order.get(blob).copied().unwrap_or(usize::MAX)
        }
        _ => usize::MAX,
    };
    findings.sort_by(|a, b| {
        (&a.rule, &a.fingerprint, order(a)).cmp(&(&b.rule, &b.fingerprint, order(b)))
    });
    findings.dedup_by(|later, earlier| {
        later.rule == earlier.rule && later.fingerprint == earlier.fingerprint
    });
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Findings already in the baseline are accepted: not reported, not failing the run. With
/// `report_unused`, entries that match nothing any more are listed.
fn apply_baseline(
    results: &ScanResults,
    file: &std::path::Path,
    report_unused: bool,
) -> Result<ScanResults, Error> {
    let baseline = match &results.baseline_at_base {
        Some(at_base) => at_base.clone(),
        None => crate::baseline::Baseline::load(file)?,
    };
    let mut out = results.clone();
    out.findings.retain(|f| !baseline.contains(f));
    let accepted = results.findings.len() - out.findings.len();
    if accepted > 0 {
        out.warnings.push(format!(
            "{accepted} findings are in the baseline {} and not reported",
            file.display()
        ));
    }
    if report_unused {
        for entry in baseline.unused(&results.findings) {
            out.warnings.push(format!(
                "unused baseline entry: {} {} {} matches nothing any more (remove it)",
                entry.path, entry.rule, entry.fingerprint
            ));
        }
    }
    Ok(out)
}

/// `leakgate baseline`: scan as `scan` would and write what was found as the baseline.
pub fn write_baseline(args: &ScanArgs, file: &std::path::Path) -> Result<ExitStatus, Error> {
    let base = args.range.as_deref().map(BaseSide::resolve).transpose()?;
    crate::baseline::Baseline::refuse_to_replace_other_files(file)?;
    let Some(settings) = super::settings_at(&args.common, base.as_ref())? else {
        return Ok(ExitStatus::Clean);
    };
    // Rewriting a baseline keeps its salt, so its fingerprints (and the diff) stay stable; a
    // new one takes the salt of the repository's baseline file, or a random salt, recorded in
    // it for every clone to use.
    let salt = match crate::baseline::read_salt(file)
        .or_else(|| crate::fingerprint::baseline_salt_near(Path::new(".")))
    {
        Some(salt) => salt,
        None => Salt::random().map_err(|source| crate::baseline::BaselineError::Write {
            path: file.to_owned(),
            help: "the system's random number source failed; try again".to_owned(),
            source,
        })?,
    };
    let fingerprints = Arc::new(Fingerprinter::new(SaltSource::Fixed(salt.clone())));
    let results = scan_with(&settings, args, fingerprints)?;
    let baseline = crate::baseline::Baseline::from_findings(&results.findings, &salt);
    baseline.write(file)?;
    use std::io::Write;
    writeln!(
        std::io::stdout(),
        "wrote {} entries to {} (no secrets: rule, fingerprint and path only)",
        baseline.entries.len(),
        crate::escape::path(file)
    )?;
    Ok(ExitStatus::Clean)
}

pub fn run(args: &ScanArgs) -> Result<ExitStatus, Error> {
    let started = Instant::now();
    super::refuse_output_over_input(&args.common, &args.paths)?;
    // A range is scanned with its base side's configuration, ignore files and baseline.
    let base = args.range.as_deref().map(BaseSide::resolve).transpose()?;
    let Some(settings) = super::settings_at(&args.common, base.as_ref())? else {
        return Ok(ExitStatus::Clean);
    };
    let mut results = scan(&settings, args)?;
    if let Some(base) = &base {
        apply_base_side(base, &args.common, &mut results)?;
    }
    report(&results, &args.common, started)
}

/// The base side's part in a range scan: the changes the range makes to the files that decide
/// how it is scanned become warnings, and a baseline inside the repository is the base
/// commit's (one the base does not have accepts nothing).
pub fn apply_base_side(
    base: &BaseSide,
    common: &CommonArgs,
    results: &mut ScanResults,
) -> Result<(), Error> {
    results
        .warnings
        .extend(base.gate_changes(common.baseline.as_deref())?);
    let Some(file) = &common.baseline else {
        return Ok(());
    };
    match base.file(file) {
        AtBase::Outside => {}
        AtBase::Absent { path } => {
            results.warnings.push(format!(
                "the baseline `{path}` is not in the base commit {}: it accepts nothing in this range",
                base.short_id()
            ));
            results.baseline_at_base = Some(crate::baseline::Baseline::default());
        }
        AtBase::Text { path, text } => {
            let name = format!("{path} (at base commit {})", base.short_id());
            results.baseline_at_base =
                Some(crate::baseline::Baseline::parse(Path::new(&name), &text)?);
        }
    }
    Ok(())
}

/// Report collected results in the chosen format and decide the exit status.
pub fn report(
    results: &ScanResults,
    common: &CommonArgs,
    started: Instant,
) -> Result<ExitStatus, Error> {
    // Every finding counts here, those a baseline accepts too.
    super::refuse_output_over_findings(common.output.as_deref(), &results.findings)?;
    let owned;
    let results = match &common.baseline {
        Some(file) => {
            owned = apply_baseline(results, file, common.report_unused)?;
            &owned
        }
        None => results,
    };
    let (output, writer) = Output::open(common.output.as_deref(), common.color)?;
    let mut reporter = report::reporter(
        Format::resolve(common.format),
        writer,
        ReportOptions {
            color: output.color,
            verbose: common.verbose,
            show_secrets: common.show_secrets,
        },
    );
    let mut summary = Summary {
        findings: results.findings.len(),
        files_scanned: results.files_scanned,
        bytes_scanned: results.bytes_scanned,
        lines_added: results.lines_added,
        commits: results.commits,
        binary_scanned: results.binary_scanned,
        runs: results.runs,
        integrity_errors: results.integrity_errors(),
        hygiene_problems: results.hygiene.len(),
        hygiene_only: results.hygiene_only,
        scope: results.scope.clone(),
        errors: results.problems.len(),
        invalid_json: results.notes.len(),
        suppressed: results.suppressed.len(),
        ..Summary::default()
    };
    for finding in &results.findings {
        reporter.report(&Message::Finding(finding))?;
    }
    for suppression in &results.suppressed {
        reporter.report(&Message::Suppressed(suppression))?;
    }
    for problem in &results.integrity {
        reporter.report(&Message::Integrity(problem))?;
    }
    for problem in &results.hygiene {
        reporter.report(&Message::Hygiene(problem))?;
    }
    for problem in &results.problems {
        reporter.report(&Message::Error(problem))?;
    }
    for note in &results.notes {
        reporter.report(&Message::InvalidJson(note))?;
    }
    for warning in &results.file_warnings {
        reporter.report(&Message::FileWarning(warning))?;
    }
    for warning in &results.warnings {
        reporter.report(&Message::Warning { message: warning })?;
    }
    for skipped in &results.skipped {
        summary.count_skip(skipped.reason);
        reporter.report(&Message::Skipped(skipped))?;
    }
    summary.elapsed_ms = started.elapsed().as_millis();
    reporter.report(&Message::Summary(&summary))?;
    reporter.finish()?;
    drop(reporter);
    output.commit()?;

    let failed = results.failing_findings(common.strict) > 0
        || summary.integrity_errors > 0
        || results.hygiene_failures(common.strict) > 0;
    Ok(if !results.problems.is_empty() {
        ExitStatus::Error
    } else if failed && !common.exit_zero {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}
