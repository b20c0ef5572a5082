//! `leakgate journal`: audit AI-agent run data. Finds the runs (given paths, or the places the
//! SDK writes them), scans every file of every run (journal events, task inputs and results,
//! logs, backups, temp leftovers, blobs) JSON-aware, names run, event and JSON pointer for each
//! finding, and with `--verify` checks each run's journal.

use std::path::PathBuf;
use std::time::Instant;

use crate::cli::JournalArgs;
use crate::diagnostic::Diagnostic;
use crate::input::walk::WalkOptions;
use crate::journal::{self, Layout};
use crate::pipeline::sources::{Journal, Tree};
use crate::pipeline::{self, Outcome, Scanning};
use crate::{Error, ExitStatus};

pub fn run(args: &JournalArgs) -> Result<ExitStatus, Error> {
    let started = Instant::now();
    super::refuse_output_over_input(&args.common, &args.paths)?;
    let Some(settings) = super::settings(&args.common)? else {
        return Ok(ExitStatus::Clean);
    };
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut source = Journal::new(
        &args.paths,
        &cwd,
        WalkOptions {
            max_file_size: settings.max_file_size,
            respect_vcs_ignores: false,
            threads: args.common.threads.unwrap_or(0),
        },
    );
    if let Some(target) = &args.redact_to {
        journal::redact::check_target(target, source.roots())?;
    }
    let scanning = Scanning::new(
        &settings.rules,
        args.common.show_secrets,
        args.common.baseline.as_deref(),
    );
    let mut outcome = pipeline::collect(&scanning, &mut source)?;
    if args.verify {
        for run in source.runs().iter().filter(|r| r.layout == Layout::Sdk) {
            outcome.diagnostics.extend(journal::verify(run));
        }
    }
    if let Some(target) = &args.redact_to {
        outcome.findings_redacted = redacted_copy(
            &scanning,
            settings.max_file_size,
            source.roots(),
            target,
            &mut outcome,
        )?;
    }
    super::report(outcome, None, &args.common, started)
}

/// Write the redacted copy into a staging directory inside `target`, scan it, and move it into
/// place only when nothing is found there: a copy that still holds a secret is never left
/// behind to be shared by mistake. Returns whether the copy was published.
fn redacted_copy(
    scanning: &Scanning<'_>,
    max_file_size: u64,
    roots: &[PathBuf],
    target: &std::path::Path,
    results: &mut Outcome,
) -> Result<bool, Error> {
    let unscanned = results
        .skipped()
        .map(|(path, reason)| (path.to_owned(), reason.as_str().to_owned()))
        .collect();
    let staging = journal::redact::Staging::begin(target)?;
    let manifest =
        journal::redact::write_copy(roots, staging.path(), &results.findings, &unscanned)?;
    let recheck = pipeline::collect(
        scanning,
        &mut Tree {
            paths: vec![staging.path().to_owned()],
            stdin: None,
            walk: WalkOptions {
                max_file_size,
                respect_vcs_ignores: false,
                threads: 0,
            },
        },
    )?;
    if let Some(first) = recheck.findings.first() {
        // Name the file by its place in the copy, not the staging directory that is removed.
        let staged = crate::input::display_path(staging.path());
        let place = first
            .path
            .strip_prefix(staged.as_str())
            .map_or(first.path.as_str(), |p| p.trim_start_matches('/'));
        results.diagnostics.push(Diagnostic::unreadable(
            target.display().to_string(),
            format!(
                "the redacted copy still contained {} secrets, so it was not written (first: {}:{} {})",
                recheck.findings.len(),
                place,
                first.line,
                first.rule
            ),
        ));
        return Ok(false);
    }
    staging.publish()?;
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    results.warn(format!(
        "redacted copy written to {}: {}, {} replaced, {} recomputed, {} left out (see {})",
        target.display(),
        count(manifest.files_copied, "file", "files"),
        count(manifest.replaced.len(), "secret", "secrets"),
        count(manifest.checksums_recomputed.len(), "checksum", "checksums"),
        count(manifest.not_copied.len(), "file", "files"),
        journal::redact::MANIFEST
    ));
    Ok(true)
}
