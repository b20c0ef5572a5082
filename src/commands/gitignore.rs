//! `leakgate gitignore`: are the files that hold secrets ignored by git, and is any of them
//! already tracked? `--fix` adds the missing lines to the root `.gitignore`.

use std::path::Path;
use std::time::Instant;

use crate::cli::GitignoreArgs;
use crate::hygiene;
use crate::input::git;
use crate::pipeline::{Outcome, Scope};
use crate::{Error, ExitStatus};

pub fn run(args: &GitignoreArgs) -> Result<ExitStatus, Error> {
    let started = Instant::now();
    let common = args.common.common();
    let Some(settings) = super::settings(&common, None)? else {
        return Ok(ExitStatus::Clean);
    };
    let required = hygiene::required_patterns(&settings.config.gitignore.required);
    let repo = git::open(Path::new("."))?;
    let mut outcome = Outcome::of(Scope::Hygiene);
    outcome.diagnostics = crate::pipeline::hygiene::full(&repo, &required)?;

    if args.fix {
        let lines = crate::pipeline::hygiene::fix_gitignore(&repo, &required)?;
        if lines.is_empty() {
            outcome.notice(
                ".gitignore already has every required line; nothing to fix",
                None,
            );
        } else {
            // Report what is left after the fix.
            outcome.diagnostics = crate::pipeline::hygiene::full(&repo, &required)?;
            outcome.notice(
                crate::pipeline::hygiene::fixed_text(&lines),
                Some(".gitignore".to_owned()),
            );
        }
    }
    crate::report::deliver(outcome, None, &common.delivery, started)
}
