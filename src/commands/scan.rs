//! `leakgate scan` and `leakgate baseline`: scan what the flags name, then report (or write the
//! baseline).

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use crate::baseline::{Baseline, BaselineError};
use crate::cli::{BaselineArgs, Common, ScanArgs};
use crate::fingerprint::{Fingerprinter, Salt, SaltSource};
use crate::input::base_side::BaseSide;
use crate::pipeline::{self, Scanning, SourceRequest};
use crate::report::{self, Message, Notice};
use crate::{Error, ExitStatus};

pub fn run(args: &ScanArgs) -> Result<ExitStatus, Error> {
    let started = Instant::now();
    let (mut common, request) = (args.common.common(), args.source_request());
    let config = common.config.explicit.as_deref();
    common
        .delivery
        .refuse_over_inputs(&args.source.paths, config)?;
    // A range is scanned with its base side's configuration, ignore files and baseline.
    let base = request.range().map(BaseSide::resolve).transpose()?;
    let Some(settings) = super::settings(&common, base.as_ref())? else {
        return Ok(ExitStatus::Clean);
    };
    common.delivery.exit.min_confidence = settings.min_confidence(request.default_min_confidence());
    let mut source = request.source(settings.max_file_size, common.threads);
    let mut outcome = pipeline::collect(&super::scanning(settings, &common), source.as_mut())?;
    let baseline = common.delivery.baseline.as_ref().map(|b| b.file.as_path());
    let at_base = match &base {
        Some(base) => pipeline::apply_base_side(base, baseline, &mut outcome)?,
        None => None,
    };
    crate::report::deliver(outcome, at_base, &common.delivery, started)
}

/// `leakgate baseline`: scan as `scan` would and write what was found as the baseline.
pub fn write_baseline(args: &BaselineArgs) -> Result<ExitStatus, Error> {
    let file = args.file.as_path();
    let (common, request): (Common, SourceRequest) = (args.common(), args.source.source_request());
    let base = request.range().map(BaseSide::resolve).transpose()?;
    Baseline::refuse_to_replace_other_files(file)?;
    let config = common.config.explicit.as_deref();
    common
        .delivery
        .refuse_over_inputs(&args.source.paths, config)?;
    (common.delivery.output).refuse_over_inputs(&[(file, "the baseline this command writes")])?;
    let Some(settings) = super::settings(&common, base.as_ref())? else {
        return Ok(ExitStatus::Clean);
    };
    // Rewriting a baseline keeps its salt, so its fingerprints (and the diff) stay stable; a
    // new one takes the salt of the repository's baseline file, or a random salt, recorded in
    // it for every clone to use.
    let salt = match crate::baseline::read_salt(file)
        .or_else(|| crate::fingerprint::baseline_salt_near(Path::new(".")))
    {
        Some(salt) => salt,
        None => Salt::random().map_err(|source| BaselineError::Write {
            path: file.to_owned(),
            help: "the system's random number source failed; try again".to_owned(),
            source,
        })?,
    };
    let scanning = Scanning {
        rules: &settings.rules,
        test_fixtures: &settings.test_fixtures,
        show_secrets: common.show_secrets,
        fingerprints: Arc::new(Fingerprinter::new(SaltSource::Fixed(salt.clone()))),
        progress: super::progress_wanted(&common),
    };
    let mut source = request.source(settings.max_file_size, common.threads);
    let outcome = pipeline::collect(&scanning, source.as_mut())?;
    let baseline = Baseline::from_findings(&outcome.findings, &salt);
    baseline.write(file)?;
    let notice = Notice::about(
        file,
        format!(
            "wrote {} to {} (no secrets: rule, fingerprint and path only)",
            crate::plural::count(baseline.entries.len(), "entry", "entries"),
            file.display()
        ),
    );
    report::announce(&common.delivery.output, &[Message::Notice(&notice)])?;
    Ok(ExitStatus::Clean)
}
