//! `leakgate gitignore`: are the files that hold secrets ignored by git, and is any of them
//! already tracked? `--fix` adds the missing lines to the root `.gitignore`.

use std::path::Path;
use std::time::Instant;

use crate::cli::GitignoreArgs;
use crate::hygiene::gitignore::{IgnoreRules, UserDirs};
use crate::hygiene::{self};
use crate::input::git::{self, GitError};
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
        let root = repo.workdir().ok_or_else(|| GitError::Read {
            message: "a bare repository has no .gitignore".into(),
        })?;
        let rules =
            IgnoreRules::load(&repo, &UserDirs::from_env()).ok_or_else(|| GitError::Read {
                message: "no work tree".into(),
            })?;
        let (_, mut missing) = hygiene::check_coverage(&rules, &required);
        let index = repo.index().map_err(GitError::from)?;
        let tracked = |path: &str| index.get_path(Path::new(path), 0).is_some();
        missing.extend(hygiene::personal_agent_files(&rules, &tracked).1);
        let write_error = |source| crate::atomic::WriteError::new(&root.join(".gitignore"), source);
        // Before fix_lines reads it: a FIFO would make that read wait forever.
        hygiene::fixable_gitignore(root).map_err(write_error)?;
        let lines = hygiene::fix_lines(root, &missing);
        if hygiene::append_block(root, &lines).map_err(write_error)? {
            // Report what is left after the fix.
            outcome.diagnostics = crate::pipeline::hygiene::full(&repo, &required)?;
            outcome.notice(
                format!(
                    "added {} to .gitignore: {}",
                    crate::plural::count(lines.len(), "line", "lines"),
                    lines.join(", ")
                ),
                Some(".gitignore".to_owned()),
            );
        } else {
            outcome.notice(
                ".gitignore already has every required line; nothing to fix",
                None,
            );
        }
    }
    crate::report::deliver(outcome, None, &common.delivery, started)
}
