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
use crate::pipeline::{self, Plan, Scanning, Scope};
use crate::{Error, ExitStatus};

pub fn run(args: &CheckArgs) -> Result<ExitStatus, Error> {
    let started = Instant::now();
    super::refuse_output_over_input(&args.common, &[])?;
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
    let plan = Plan::decide(&asked, options, &Ci::from_env(), &has_commit);
    let base = plan.range().map(BaseSide::resolve).transpose()?;
    let Some(settings) = super::settings_at(&args.common, base.as_ref())? else {
        return Ok(ExitStatus::Clean);
    };
    let repo = repo?;
    let scanning = Scanning::new(
        &settings.rules,
        args.common.show_secrets,
        args.common.baseline.as_deref(),
    );
    let mut source = plan.source(
        &repo,
        settings.max_file_size,
        args.common.threads.unwrap_or(0),
    );
    let mut outcome = pipeline::collect(&scanning, source.as_mut())?;
    let at_base = match &base {
        Some(base) => {
            pipeline::apply_base_side(base, args.common.baseline.as_deref(), &mut outcome)?
        }
        None => None,
    };
    let required = hygiene::required_patterns(&settings.config.gitignore.required);
    outcome.diagnostics.extend(plan.hygiene(&repo, &required)?);
    outcome.scope = Scope::Check(plan);
    super::report(outcome, at_base, &args.common, started)
}
