//! `leakgate journal`: audit AI-agent run data. Finds the runs (given paths, or the places the
//! SDK writes them), scans every file of every run (journal events, task inputs and results,
//! logs, backups, temp leftovers, blobs) JSON-aware, names run, event and JSON pointer for each
//! finding, and with `--verify` checks each run's journal.

use std::path::PathBuf;
use std::time::Instant;

use super::scan::{self, SourceTotals};
use crate::cli::JournalArgs;
use crate::input::walk::{WalkOptions, walk};
use crate::journal::{self, JournalSink, Layout, RunDir, RunProblem};
use crate::rules::RuleSet;
use crate::{Error, ExitStatus};

pub fn run(args: &JournalArgs) -> Result<ExitStatus, Error> {
    let started = Instant::now();
    let Some(settings) = super::settings(&args.common)? else {
        return Ok(ExitStatus::Clean);
    };
    let rules = &settings.rules;
    let (roots, looked_at) = if args.paths.is_empty() {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        journal::default_roots(&cwd)
    } else {
        (args.paths.clone(), args.paths.clone())
    };
    let runs = journal::find_runs(&roots);
    if let Some(target) = &args.redact_to {
        journal::redact::check_target(target)?;
    }

    let mut results = scan::collect(rules, &args.common, |sink| {
        let labelled = JournalSink::new(sink, &runs);
        // Run directories carry their own .gitignore (state/, blobs/): audit everything anyway.
        let options = WalkOptions {
            max_file_size: settings.max_file_size,
            respect_vcs_ignores: false,
            threads: args.common.threads.unwrap_or(0),
        };
        walk(&roots, &options, &labelled);
        let mut warnings = Vec::new();
        if roots.is_empty() {
            let places: Vec<String> = looked_at.iter().map(|p| p.display().to_string()).collect();
            warnings.push(format!(
                "no agent run data found; looked in: {}",
                places.join(", ")
            ));
        }
        Ok::<_, Error>(SourceTotals {
            warnings,
            ..SourceTotals::default()
        })
    })?;
    results.runs = Some(runs.len() as u64);
    if args.verify {
        for run in runs.iter().filter(|r| r.layout == Layout::Sdk) {
            results.integrity.extend(verify_run(run));
        }
    }
    if let Some(target) = &args.redact_to {
        redacted_copy(
            rules,
            settings.max_file_size,
            args,
            &roots,
            target,
            &mut results,
        )?;
    }
    scan::report(&results, &args.common, started)
}

/// Write the redacted copy, then scan it: anything still found there is a failure, loudly.
fn redacted_copy(
    rules: &RuleSet,
    max_file_size: u64,
    args: &JournalArgs,
    roots: &[PathBuf],
    target: &std::path::Path,
    results: &mut scan::ScanResults,
) -> Result<(), Error> {
    let unscanned = results
        .skipped
        .iter()
        .map(|s| (s.path.clone(), s.reason.as_str().to_owned()))
        .collect();
    let manifest = journal::redact::write_copy(roots, target, &results.findings, &unscanned)?;
    let recheck = scan::collect(rules, &args.common, |sink| {
        let options = WalkOptions {
            max_file_size,
            respect_vcs_ignores: false,
            threads: 0,
        };
        walk(&[target.to_owned()], &options, sink);
        Ok::<_, Error>(SourceTotals::default())
    })?;
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    results.warnings.push(format!(
        "redacted copy written to {}: {}, {} replaced, {} recomputed, {} left out (see {})",
        target.display(),
        count(manifest.files_copied, "file", "files"),
        count(manifest.replaced.len(), "secret", "secrets"),
        count(manifest.checksums_recomputed.len(), "checksum", "checksums"),
        count(manifest.not_copied.len(), "file", "files"),
        journal::redact::MANIFEST
    ));
    if !recheck.findings.is_empty() {
        results.problems.push(crate::input::Problem {
            path: target.display().to_string(),
            message: format!(
                "the redacted copy still contains {} secrets: do not share it (first: {}:{} {})",
                recheck.findings.len(),
                recheck.findings[0].path,
                recheck.findings[0].line,
                recheck.findings[0].rule
            ),
        });
    }
    Ok(())
}

/// Integrity problems of one SDK run.
fn verify_run(run: &RunDir) -> Vec<RunProblem> {
    use crate::journal::ProblemSeverity;
    use crate::journal::verify::IntegritySeverity;
    journal::verify::verify_run(std::path::Path::new(&run.path))
        .into_iter()
        .map(|problem| RunProblem {
            run_id: run.id.clone(),
            run: run.path.clone(),
            code: problem.code.to_owned(),
            severity: match problem.severity {
                IntegritySeverity::Error => ProblemSeverity::Error,
                IntegritySeverity::Warning => ProblemSeverity::Warning,
                IntegritySeverity::Info => ProblemSeverity::Info,
            },
            path: problem.path,
            message: problem.message,
        })
        .collect()
}
