//! Repository hygiene as a pass of a run: the full checks (`leakgate gitignore`, `check` in CI
//! and audits) and the quick ones for pre-commit, whose time does not grow with the repository;
//! and the fix (`gitignore --fix`, `install-hook --fix-gitignore`, `init`), in one place.

use std::path::Path;

use crate::Error;
use crate::diagnostic::Diagnostic;
use crate::hygiene::gitignore::{IgnoreRules, UserDirs};
use crate::hygiene::{self, Required};
use crate::input::git::{self, GitError};

/// The lines a fix would add to the root `.gitignore` (none when every required pattern is
/// covered there), and where that file is.
pub struct GitignoreGaps {
    pub root: std::path::PathBuf,
    pub lines: Vec<String>,
}

/// What `.gitignore --fix` would add, without writing anything.
pub fn gitignore_gaps(
    repo: &git2::Repository,
    required: &[Required],
) -> Result<GitignoreGaps, Error> {
    let root = repo.workdir().ok_or_else(|| GitError::Read {
        message: "a bare repository has no .gitignore".into(),
    })?;
    let rules = IgnoreRules::load(repo, &UserDirs::from_env()).ok_or_else(|| GitError::Read {
        message: "no work tree".into(),
    })?;
    let (_, mut missing) = hygiene::check_coverage(&rules, required);
    // Personal coding-agent files in the work tree, unless tracked (a tracked one is a problem
    // an ignore line would not solve).
    let index = repo.index().map_err(GitError::from)?;
    let tracked = |path: &str| index.get_path(Path::new(path), 0).is_some();
    missing.extend(hygiene::personal_agent_files(&rules, &tracked).1);
    let write_error = |source| crate::atomic::WriteError::new(&root.join(".gitignore"), source);
    // Before fix_lines reads it: a FIFO would make that read wait forever.
    hygiene::fixable_gitignore(root).map_err(write_error)?;
    Ok(GitignoreGaps {
        root: root.to_owned(),
        lines: hygiene::fix_lines(root, &missing),
    })
}

/// Append the missing lines to the root `.gitignore` in one marked block (atomically, keeping
/// its line endings); the lines added, none when there was nothing to fix.
pub fn fix_gitignore(repo: &git2::Repository, required: &[Required]) -> Result<Vec<String>, Error> {
    let gaps = gitignore_gaps(repo, required)?;
    let write_error =
        |source| crate::atomic::WriteError::new(&gaps.root.join(".gitignore"), source);
    if hygiene::append_block(&gaps.root, &gaps.lines).map_err(write_error)? {
        Ok(gaps.lines)
    } else {
        Ok(Vec::new())
    }
}

/// The sentence saying what a fix added.
pub fn fixed_text(lines: &[String]) -> String {
    format!(
        "added {} to .gitignore: {}",
        crate::plural::count(lines.len(), "line", "lines"),
        lines.join(", ")
    )
}

/// Coverage gaps (every directory), tracked secret files, loose permissions.
pub fn full(repo: &git2::Repository, required: &[Required]) -> Result<Vec<Diagnostic>, GitError> {
    let rules = IgnoreRules::load(repo, &UserDirs::from_env()).ok_or_else(|| GitError::Read {
        message: "a bare repository has no work tree to check".into(),
    })?;
    let (mut problems, _) = hygiene::check_coverage(&rules, required);
    problems.extend(hygiene::loose_permissions(rules.root()));
    let index = repo.index()?;
    let tracked = |path: &str| index.get_path(Path::new(path), 0).is_some();
    problems.extend(hygiene::personal_agent_files(&rules, &tracked).0);
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
    crate::diagnostic::sort(&mut problems);
    Ok(problems)
}

/// Pre-commit hygiene: root gitignore coverage, and secret files this commit would start
/// tracking.
pub fn quick(repo: &git2::Repository, required: &[Required]) -> Result<Vec<Diagnostic>, GitError> {
    let mut problems = Vec::new();
    if let Some(rules) = IgnoreRules::load_scoped(repo, &UserDirs::from_env(), false) {
        let dirs = [String::new(), "leakgate-check/nested".to_owned()];
        problems.extend(hygiene::check_coverage_in(&rules, required, &dirs).0);
    }
    for (path, blob) in git::staged_additions(Path::new("."))? {
        let content = repo
            .find_blob(blob)
            .map(|b| b.content().to_vec())
            .unwrap_or_default();
        problems.extend(hygiene::tracked_secret_problem(&path, &content, false));
    }
    crate::diagnostic::sort(&mut problems);
    Ok(problems)
}
