//! `leakgate check`: the one command a team runs. It does what fits where it runs, in one
//! report:
//! - at pre-commit (a git repository, not CI): the staged scan, gitignore coverage of the root,
//!   and any secret file the commit starts tracking; fast in any size of repository;
//! - in CI (`CI` or `GITHUB_ACTIONS` set): the range the pull request adds (`--range`, or
//!   `origin/$GITHUB_BASE_REF...HEAD`), plus the full hygiene checks;
//! - with `--all`: a full audit: the working tree, agent run data, and the full hygiene checks.
//!
//! In CI the range is checked with its base side's `.leakgate.toml`, `.leakgateignore` files
//! and baseline, so a pull request cannot switch off the check that gates it.

use std::path::Path;
use std::time::Instant;

use crate::cli::CheckArgs;
use crate::hygiene;
use crate::input::base_side::BaseSide;
use crate::input::git;
use crate::input::walk::WalkOptions;
use crate::pipeline::sources::{Audit, Range, Source, Staged};
use crate::pipeline::{self, Plan, Scanning, Scope};
use crate::{Error, ExitStatus};

fn plan(args: &CheckArgs) -> Plan {
    if args.all {
        return Plan::Audit;
    }
    if let Some(range) = &args.range {
        return Plan::PullRequest(range.clone());
    }
    if args.staged {
        return Plan::PreCommit;
    }
    let set = |name: &str| {
        std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
    };
    if set("CI") || set("GITHUB_ACTIONS") {
        return match std::env::var("GITHUB_BASE_REF") {
            Ok(base) if !base.is_empty() => Plan::PullRequest(format!("origin/{base}...HEAD")),
            // CI without a pull request to compare with: audit the checkout.
            _ => Plan::Audit,
        };
    }
    Plan::PreCommit
}

pub fn run(args: &CheckArgs) -> Result<ExitStatus, Error> {
    let started = Instant::now();
    super::refuse_output_over_input(&args.common, &[])?;
    let plan = plan(args);
    let base = match &plan {
        Plan::PullRequest(spec) => Some(BaseSide::resolve(spec)?),
        _ => None,
    };
    let Some(settings) = super::settings_at(&args.common, base.as_ref())? else {
        return Ok(ExitStatus::Clean);
    };
    let repo = git::open(Path::new("."))?;
    let max = settings.max_file_size;
    let mut source: Box<dyn Source> = match &plan {
        Plan::PreCommit => Box::new(Staged::new(max)),
        Plan::PullRequest(spec) => Box::new(Range::new(spec, false, max)),
        Plan::Audit => Box::new(Audit::new(
            &repo,
            WalkOptions {
                max_file_size: max,
                respect_vcs_ignores: true,
                threads: args.common.threads.unwrap_or(0),
            },
        )),
    };
    let scanning = Scanning::new(
        &settings.rules,
        args.common.show_secrets,
        args.common.baseline.as_deref(),
    );
    let mut outcome = pipeline::collect(&scanning, source.as_mut())?;
    let at_base = match &base {
        Some(base) => {
            pipeline::apply_base_side(base, args.common.baseline.as_deref(), &mut outcome)?
        }
        None => None,
    };
    let required = hygiene::required_patterns(&settings.config.gitignore.required);
    outcome.diagnostics.extend(match plan {
        Plan::PreCommit => pipeline::hygiene::quick(&repo, &required)?,
        _ => pipeline::hygiene::full(&repo, &required)?,
    });
    outcome.scope = Scope::Check(plan);
    super::report(outcome, at_base, &args.common, started)
}
