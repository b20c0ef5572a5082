//! `leakgate init`: set a repository up in one step: a commented `.leakgate.toml` at the top of
//! the work tree, the `leakgate check` pre-commit hook, and the `.gitignore` lines for files that
//! hold secrets; each step said as a notice. Running it again changes nothing: an existing
//! configuration is never overwritten, the same hook is not rewritten, and the gitignore block
//! is not added twice.

use std::path::Path;

use crate::atomic::{Existing, WriteError, WriteOptions};
use crate::commands::install_hook::{self, GitignoreFix, InstallOptions};
use crate::hook::{HookKind, HookOptions, HookRuns};
use crate::input::git::{self, GitError};
use crate::report::output::OutputSpec;
use crate::report::{self, Message, Notice};
use crate::{Error, ExitStatus};

/// The configuration file `init` writes.
const CONFIG: &str = ".leakgate.toml";

/// How `init` runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct InitOptions {
    /// Replace another pre-commit hook (it is kept as a backup).
    pub force: bool,
}

pub fn run(options: &InitOptions, output: &OutputSpec) -> Result<ExitStatus, Error> {
    let repo = git::open(Path::new("."))?;
    let root = repo.workdir().ok_or_else(|| GitError::Read {
        message: "a bare repository has no work tree to set up".into(),
    })?;
    let config = root.join(CONFIG);
    let mut notices = Vec::new();
    // Anything already at the path (a dangling symlink too) is the user's: kept as it is.
    if std::fs::symlink_metadata(&config).is_ok() {
        notices.push(Notice::about(
            &config,
            format!(
                "kept the existing {} (init never overwrites a configuration)",
                config.display()
            ),
        ));
    } else {
        let write = WriteOptions {
            existing: Existing::Refuse,
            ..WriteOptions::default()
        };
        crate::atomic::write(
            &config,
            crate::config::template::TEMPLATE.as_bytes(),
            &write,
        )
        .map_err(|source| WriteError::new(&config, source))?;
        notices.push(Notice::about(
            &config,
            format!(
                "wrote {} (every setting commented out: the defaults apply)",
                config.display()
            ),
        ));
    }
    // From the top of the work tree, so the hook and the fix find the repository's root files
    // whatever directory init ran in.
    let install = InstallOptions {
        hook: HookOptions {
            kind: HookKind::PreCommit,
            runs: HookRuns::Check,
            force: options.force,
        },
        gitignore: GitignoreFix::Fix,
    };
    notices.extend(install_hook::install_in(root, &install)?);
    notices.push(Notice {
        message: format!(
            "done: commit {CONFIG} and .gitignore; `leakgate check --all` audits what the \
             repository already holds"
        ),
        path: None,
    });
    let messages: Vec<Message<'_>> = notices.iter().map(Message::Notice).collect();
    report::announce(output, &messages)?;
    Ok(ExitStatus::Clean)
}
