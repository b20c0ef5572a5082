//! `leakgate check`: the one command a team runs. The library decides what fits where it runs
//! ([`crate::pipeline::check`]); this wires the plan's source, its hygiene checks and the
//! report. A range is checked with its base side's `.leakgate.toml`, `.leakgateignore` files
//! and baseline, so a pull request cannot switch off the check that gates it.

use std::path::Path;
use std::time::Instant;

use crate::cli::CheckArgs;
use crate::hygiene;
use crate::input::base_side::BaseSide;
use crate::input::git;
use crate::pipeline::check::Ci;
use crate::pipeline::confidence;
use crate::pipeline::{self, Plan, Scope};
use crate::{Error, ExitStatus};

pub fn run(args: &CheckArgs) -> Result<ExitStatus, Error> {
    let started = Instant::now();
    let mut common = args.common.common();
    let config = common.config.explicit.as_deref();
    common.delivery.refuse_over_inputs(&[], config)?;
    // Opened now for the plan; not a repository is an error only once the configuration
    // is loaded (`--dump-config` works anywhere).
    let repo = git::open(Path::new("."));
    let (asked, options) = args.plan_request();
    let has_commit = |id: &str| {
        let found = |repo: &git2::Repository| {
            git2::Oid::from_str(id).is_ok_and(|oid| repo.find_commit(oid).is_ok())
        };
        repo.as_ref().is_ok_and(found)
    };
    let (plan, why) = Plan::decide_explained(&asked, options, &Ci::from_env(), &has_commit);
    let base = plan.range().map(BaseSide::resolve).transpose()?;
    let Some(settings) = super::settings(&common, base.as_ref())? else {
        return Ok(ExitStatus::Clean);
    };
    common.delivery.exit.min_confidence = settings.min_confidence(confidence::CHECK_DEFAULT);
    let repo = repo?;
    let mut source = plan.source(&repo, settings.max_file_size, common.threads);
    let mut outcome = pipeline::collect(&super::scanning(settings, &common), source.as_mut())?;
    let baseline = common.delivery.baseline.as_ref().map(|b| b.file.as_path());
    let at_base = match &base {
        Some(base) => pipeline::apply_base_side(base, baseline, &mut outcome)?,
        None => None,
    };
    let required = hygiene::required_patterns(&settings.config.gitignore.required);
    outcome.diagnostics.extend(plan.hygiene(&repo, &required)?);
    if let Some(why) = why {
        outcome.notice(why, None);
    }
    outcome.scope = Scope::Check(plan);
    crate::report::deliver(outcome, at_base, &common.delivery, started)
}
