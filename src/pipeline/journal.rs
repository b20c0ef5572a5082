//! The `--redact-to` pass of a journal audit: a redacted copy of the run data, re-scanned
//! before it is published.

use std::path::PathBuf;

use super::sources::Tree;
use super::{Outcome, Scanning};
use crate::Error;
use crate::diagnostic::Diagnostic;
use crate::input::walk::WalkOptions;
use crate::journal;

/// Write the redacted copy into a staging directory inside `target`, scan it, and move it into
/// place only when nothing is found there: a copy that still holds a secret is never left
/// behind to be shared by mistake. Returns whether the copy was published.
pub fn redacted_copy(
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
    let recheck = super::collect(
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
