//! `leakgate gitignore`: are the files that hold secrets ignored by git, and is any of them
//! already tracked? `--fix` adds the missing lines to the root `.gitignore`.

use std::path::Path;
use std::time::Instant;

use super::scan::{self, ScanResults};
use crate::cli::GitignoreArgs;
use crate::hygiene::gitignore::{IgnoreRules, UserDirs};
use crate::hygiene::{self, HygieneProblem};
use crate::input::git::{self, GitError};
use crate::{Error, ExitStatus};

pub fn run(args: &GitignoreArgs) -> Result<ExitStatus, Error> {
    let started = Instant::now();
    let Some(settings) = super::settings(&args.common)? else {
        return Ok(ExitStatus::Clean);
    };
    let required = hygiene::required_patterns(&settings.config.gitignore.required);
    let repo = git::open(Path::new("."))?;
    let mut results = ScanResults {
        hygiene_only: true,
        ..ScanResults::default()
    };
    results.hygiene = check(&repo, &required)?;

    if args.fix {
        let root = repo.workdir().ok_or_else(|| GitError::Read {
            message: "a bare repository has no .gitignore".into(),
        })?;
        let rules =
            IgnoreRules::load(&repo, &UserDirs::from_env()).ok_or_else(|| GitError::Read {
                message: "no work tree".into(),
            })?;
        let (_, missing) = hygiene::check_coverage(&rules, &required);
        let write_error = |source| crate::atomic::WriteError::new(&root.join(".gitignore"), source);
        // Before fix_lines reads it: a FIFO would make that read wait forever.
        hygiene::fixable_gitignore(root).map_err(write_error)?;
        let lines = hygiene::fix_lines(root, &missing);
        if hygiene::append_block(root, &lines).map_err(write_error)? {
            results.warnings.push(format!(
                "added {} to .gitignore: {}",
                plural(lines.len()),
                lines.join(", ")
            ));
            // Report what is left after the fix.
            results.hygiene = check(&repo, &required)?;
        } else {
            results
                .warnings
                .push(".gitignore already has every required line; nothing to fix".to_owned());
        }
    }
    scan::report(&results, &args.common, started)
}

fn plural(n: usize) -> String {
    format!("{n} {}", if n == 1 { "line" } else { "lines" })
}

/// Coverage gaps (every directory), tracked secret files, loose permissions.
pub fn check(
    repo: &git2::Repository,
    required: &[hygiene::Required],
) -> Result<Vec<HygieneProblem>, GitError> {
    let rules = IgnoreRules::load(repo, &UserDirs::from_env()).ok_or_else(|| GitError::Read {
        message: "a bare repository has no work tree to check".into(),
    })?;
    let (mut problems, _) = hygiene::check_coverage(&rules, required);
    problems.extend(hygiene::loose_permissions(rules.root()));
    let index = repo.index()?;
    for entry in index.iter() {
        let path = String::from_utf8_lossy(&entry.path).into_owned();
        let name = path.rsplit('/').next().unwrap_or(&path);
        // Read the blob only for names that need a look inside (a .pem may be a certificate).
        let content = if name.ends_with(".pem") || name.ends_with(".key") {
            repo.find_blob(entry.id)
                .map(|b| b.content().to_vec())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        problems.extend(hygiene::tracked_secret_problem(&path, &content, true));
    }
    problems.sort();
    Ok(problems)
}
