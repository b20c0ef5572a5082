//! `leakgate journal`: audit AI-agent run data. Finds the runs (given paths, or the places the
//! SDK writes them), scans every file of every run (journal events, task inputs and results,
//! logs, backups, temp leftovers, blobs) JSON-aware, names run, event and JSON pointer for each
//! finding, and with `--verify` checks each run's journal. With `--agents` it audits the
//! transcripts coding agents keep in the user's home instead, naming agent, session and
//! message.

use std::path::PathBuf;
use std::time::Instant;

use crate::cli::JournalArgs;
use crate::input::walk::WalkOptions;
use crate::journal::{self, Layout};
use crate::pipeline::confidence;
use crate::pipeline::journal::{AgentJournal, redacted_copy};
use crate::pipeline::{self, sources::Journal};
use crate::{Error, ExitStatus};

pub fn run(args: &JournalArgs) -> Result<ExitStatus, Error> {
    let started = Instant::now();
    let mut common = args.common.common();
    let config = common.config.explicit.as_deref();
    common.delivery.refuse_over_inputs(&args.paths, config)?;
    let Some(settings) = super::settings(&common, None)? else {
        return Ok(ExitStatus::Clean);
    };
    common.delivery.exit.min_confidence = settings.min_confidence(confidence::SCAN_DEFAULT);
    let walk = WalkOptions {
        max_file_size: settings.max_file_size,
        respect_vcs_ignores: false,
        threads: common.threads,
    };
    let scanning = super::scanning(settings, &common);
    if args.agents {
        let mut source = AgentJournal::new(args.home.as_deref(), walk)?;
        common
            .delivery
            .refuse_over_inputs(&source.roots(), config)?;
        if let Some(target) = &args.redact_to {
            journal::redact::check_target(target, &source.roots())?;
        }
        let mut outcome = pipeline::collect(&scanning, &mut source)?;
        if let Some(target) = &args.redact_to {
            outcome.findings_redacted = redacted_copy(
                &scanning,
                settings.max_file_size,
                &source.roots(),
                Some(source.copy_places()),
                target,
                &mut outcome,
            )?;
        }
        return crate::report::deliver(outcome, None, &common.delivery, started);
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut source = Journal::new(&args.paths, &cwd, walk);
    if let Some(target) = &args.redact_to {
        journal::redact::check_target(target, source.roots())?;
    }
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
            None,
            target,
            &mut outcome,
        )?;
    }
    crate::report::deliver(outcome, None, &common.delivery, started)
}
