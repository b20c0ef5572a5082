//! Repository hygiene as a pass of a run: the full checks (`leakgate gitignore`, `check` in CI
//! and audits) and the quick ones for pre-commit, whose time does not grow with the repository.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::hygiene::gitignore::{IgnoreRules, UserDirs};
use crate::hygiene::{self, Required};
use crate::input::git::{self, GitError};

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
