//! `leakgate install-hook`: install the pre-commit (or pre-push) hook ([`crate::hook`]), offer
//! to fix the `.gitignore` gaps that the check hook would block every commit on, and say what
//! was done, in the format asked for.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use crate::hook::{self, HookKind, HookOptions, HookRuns, Installed};
use crate::input::git;
use crate::pipeline::hygiene::{fix_gitignore, fixed_text, gitignore_gaps};
use crate::pipeline::{ConfigRequest, settings};
use crate::report::output::OutputSpec;
use crate::report::{self, Message, Notice};
use crate::{Error, ExitStatus};

/// What to do about `.gitignore` gaps once the hook is installed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GitignoreFix {
    /// Fix them (`--fix-gitignore`).
    Fix,
    /// Ask when a person is there to answer (standard input and error are terminals, and not
    /// in CI); otherwise say how to fix them.
    #[default]
    Offer,
}

/// How `install-hook` runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct InstallOptions {
    pub hook: HookOptions,
    pub gitignore: GitignoreFix,
}

pub fn run(options: &InstallOptions, output: &OutputSpec) -> Result<ExitStatus, Error> {
    let notices = install(options)?;
    let messages: Vec<Message<'_>> = notices.iter().map(Message::Notice).collect();
    report::announce(output, &messages)?;
    Ok(ExitStatus::Clean)
}

/// Install the hook and deal with the gitignore gaps as `options` say; what was done.
pub fn install(options: &InstallOptions) -> Result<Vec<Notice>, Error> {
    install_in(Path::new("."), options)
}

/// [`install`] for the repository containing `start`.
pub fn install_in(start: &Path, options: &InstallOptions) -> Result<Vec<Notice>, Error> {
    // A configuration that does not load would fail every hook run: refuse before writing.
    let loaded = settings::configuration(&ConfigRequest::default(), None)?;
    let required = crate::hygiene::required_patterns(&loaded.config.gitignore.required);
    let name = options.hook.kind.file_name();
    let mut notices = match hook::install(start, &options.hook)? {
        Installed::Already { path } => vec![Notice::about(
            &path,
            format!(
                "leakgate {name} hook already installed at {}",
                path.display()
            ),
        )],
        Installed::Written { path, backup } => {
            let kept = backup.map(|backup| {
                Notice::about(
                    &backup,
                    format!("kept the previous hook as {}", backup.display()),
                )
            });
            let written = Notice::about(
                &path,
                format!("installed the leakgate {name} hook at {}", path.display()),
            );
            kept.into_iter().chain([written]).collect()
        }
    };
    let repo = git::open(start)?;
    if repo.workdir().is_none() {
        return Ok(notices);
    }
    let gaps = gitignore_gaps(&repo, &required)?;
    if gaps.lines.is_empty() {
        if options.gitignore == GitignoreFix::Fix {
            notices.push(Notice::about(
                &gaps.root.join(".gitignore"),
                ".gitignore already ignores every file that holds secrets; nothing to fix"
                    .to_owned(),
            ));
        }
        return Ok(notices);
    }
    let blocks = options.hook.runs == HookRuns::Check && options.hook.kind == HookKind::PreCommit;
    let missing = format!(
        ".gitignore misses {} for files that hold secrets ({})",
        crate::plural::count(gaps.lines.len(), "line", "lines"),
        gaps.lines.join(", ")
    );
    let consequence = if blocks {
        "the hook blocks every commit until they are added"
    } else {
        "git would let such files be committed"
    };
    let fix = match options.gitignore {
        GitignoreFix::Fix => true,
        _ => interactive() && ask(&format!("{missing}: {consequence}. Add them now?"))?,
    };
    if fix {
        let lines = fix_gitignore(&repo, &required)?;
        notices.push(Notice::about(
            &gaps.root.join(".gitignore"),
            fixed_text(&lines),
        ));
    } else {
        notices.push(Notice {
            message: format!(
                "{missing}: {consequence}; run `{}` (or install-hook --fix-gitignore) to add them",
                crate::hygiene::FIX_COMMAND
            ),
            path: None,
        });
    }
    Ok(notices)
}

/// A person can answer: standard input and standard error are terminals, and this is not CI
/// (`CI` set to anything but `false`/`0`). Hooks installed by scripts never wait for an answer.
pub fn interactive() -> bool {
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
    !ci && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Ask a yes/no question on standard error; yes unless the answer starts with `n`.
pub fn ask(question: &str) -> Result<bool, Error> {
    let mut err = std::io::stderr().lock();
    write!(err, "{} [Y/n] ", crate::escape::Escaped(question))?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(!answer.trim().to_ascii_lowercase().starts_with('n'))
}

/// `install-hook --agent`: merge (or remove) the agent guard's entries in the agent's settings.
pub fn run_agent(
    options: &crate::agent::install::InstallOptions,
    output: &OutputSpec,
) -> Result<ExitStatus, Error> {
    use crate::agent::install::{self, Installed};
    let mut notices = Vec::new();
    let agent = options.agent.name();
    let notes = match install::install(options)? {
        Installed::Unchanged { path, notes } => {
            // An uninstall that kept a changed entry says so in its notes instead.
            if !options.uninstall || notes.is_empty() {
                notices.push(Notice::about(
                    &path,
                    if options.uninstall {
                        format!(
                            "no leakgate {agent} hook in {}: nothing to remove",
                            path.display()
                        )
                    } else {
                        format!(
                            "the leakgate {agent} hooks are already in {}",
                            path.display()
                        )
                    },
                ));
            }
            notes
        }
        Installed::Written {
            path,
            backup,
            entries,
            notes,
        } => {
            if let Some(backup) = backup {
                notices.push(Notice::about(
                    &backup,
                    format!("kept the previous settings as {}", backup.display()),
                ));
            }
            notices.push(Notice::about(
                &path,
                if options.uninstall {
                    format!(
                        "removed {entries} leakgate {agent} hook entries from {}",
                        path.display()
                    )
                } else {
                    format!(
                        "installed {entries} leakgate {agent} hook entries in {}",
                        path.display()
                    )
                },
            ));
            notes
        }
    };
    for note in notes {
        notices.push(Notice {
            message: note,
            path: None,
        });
    }
    for warning in install::warnings(options) {
        notices.push(Notice {
            message: warning,
            path: None,
        });
    }
    let messages: Vec<Message<'_>> = notices.iter().map(Message::Notice).collect();
    report::announce(output, &messages)?;
    Ok(ExitStatus::Clean)
}
