//! The agent-transcript source of a journal audit (`journal --agents`), and the
//! `--redact-to` pass: a redacted copy of the run data or transcripts, re-scanned before it is
//! published.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::sources::{Source, Tree};
use super::{Outcome, Scanning, Scope};
use crate::Error;
use crate::diagnostic::Diagnostic;
use crate::input::Sink;
use crate::input::walk::{WalkOptions, walk};
use crate::journal;
use crate::journal::agents::{AgentRoot, AgentSink, Discovery, Scanned};

/// The transcripts coding agents keep in a home (see [`journal::agents`]): every file under
/// each agent's transcript places, labelled with agent and session, ignore files off; its
/// post-pass names the session and message of each finding, and says which agents had none.
pub struct AgentJournal {
    roots: Vec<AgentRoot>,
    notices: Vec<String>,
    pub walk: WalkOptions,
    digests: HashMap<String, Scanned>,
}

impl AgentJournal {
    /// The transcripts under `home` (else where each agent looks by default).
    pub fn new(home: Option<&Path>, walk: WalkOptions) -> Result<Self, Error> {
        let Discovery { roots, notices } = journal::agents::discover(home)?;
        Ok(AgentJournal {
            roots,
            notices,
            walk: WalkOptions {
                respect_vcs_ignores: false,
                ..walk
            },
            digests: HashMap::new(),
        })
    }

    pub fn roots(&self) -> Vec<PathBuf> {
        self.roots.iter().map(|r| r.path.clone()).collect()
    }

    /// Where each root goes in a redacted copy (the home's layout).
    pub fn copy_places(&self) -> Vec<PathBuf> {
        self.roots.iter().map(|r| r.copy_as.clone()).collect()
    }
}

impl Source for AgentJournal {
    fn scope(&self) -> Scope {
        Scope::Journal
    }

    fn walked_roots(&self) -> Option<Vec<PathBuf>> {
        Some(self.roots())
    }

    fn feed(&mut self, sink: &dyn Sink) -> Result<(), Error> {
        let labelled = AgentSink::new(sink, &self.roots);
        walk(&self.roots(), &self.walk, &labelled);
        self.digests = labelled.into_digests();
        Ok(())
    }

    fn finish(&mut self, outcome: &mut Outcome) {
        journal::agents::locate(
            &mut outcome.findings,
            &self.digests,
            self.walk.max_file_size,
        );
        for notice in self.notices.drain(..) {
            outcome.warn(notice);
        }
    }
}

/// Write the redacted copy into a staging directory inside `target`, scan it, and move it into
/// place only when nothing is found there: a copy that still holds a secret is never left
/// behind to be shared by mistake. `places` says where each root goes in the copy (else each
/// is placed by its path, see [`journal::redact`]). Returns whether the copy was published.
pub fn redacted_copy(
    scanning: &Scanning<'_>,
    max_file_size: u64,
    roots: &[PathBuf],
    places: Option<Vec<PathBuf>>,
    target: &std::path::Path,
    results: &mut Outcome,
) -> Result<bool, Error> {
    let unscanned = results
        .skipped()
        .map(|(path, reason)| (path.to_owned(), reason.as_str().to_owned()))
        .collect();
    let staging = journal::redact::Staging::begin(target)?;
    let manifest =
        journal::redact::write_copy(roots, places, staging.path(), &results.findings, &unscanned)?;
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
                "the redacted copy still contained {}, so it was not written (first: {}:{} {})",
                crate::plural::count(recheck.findings.len(), "secret", "secrets"),
                place,
                first.line,
                first.rule
            ),
        ));
        return Ok(false);
    }
    staging.publish()?;
    let count = |n: usize, one: &str, many: &str| crate::plural::count(n, one, many);
    results.notice(
        format!(
            "redacted copy written to {}: {}, {} replaced, {} recomputed, {} left out (see {})",
            target.display(),
            count(manifest.files_copied, "file", "files"),
            count(manifest.replaced.len(), "secret", "secrets"),
            count(manifest.checksums_recomputed.len(), "checksum", "checksums"),
            count(manifest.not_copied.len(), "file", "files"),
            journal::redact::MANIFEST
        ),
        Some(target.display().to_string()),
    );
    Ok(true)
}
