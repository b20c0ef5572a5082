//! `leakgate install-hook`: install the pre-commit hook ([`crate::hook`]) and say what was done,
//! in the format asked for.

use std::path::Path;

use crate::hook::{self, HookOptions, Installed};
use crate::report::output::OutputSpec;
use crate::report::{self, Message, Notice};
use crate::{Error, ExitStatus};

pub fn run(options: &HookOptions, output: &OutputSpec) -> Result<ExitStatus, Error> {
    let notices = match hook::install(Path::new("."), options)? {
        Installed::Already { path } => vec![Notice::about(
            &path,
            format!(
                "leakgate pre-commit hook already installed at {}",
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
                format!(
                    "installed the leakgate pre-commit hook at {}",
                    path.display()
                ),
            );
            kept.into_iter().chain([written]).collect()
        }
    };
    let messages: Vec<Message<'_>> = notices.iter().map(Message::Notice).collect();
    report::announce(output, &messages)?;
    Ok(ExitStatus::Clean)
}

/// `install-hook --agent`: merge (or remove) the agent guard's entries in the agent's settings.
pub fn run_agent(
    options: &crate::agent::install::InstallOptions,
    output: &OutputSpec,
) -> Result<ExitStatus, Error> {
    use crate::agent::install::{self, Installed};
    let mut notices = Vec::new();
    let agent = options.agent.name();
    match install::install(options)? {
        Installed::Unchanged { path } => notices.push(Notice::about(
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
        )),
        Installed::Written {
            path,
            backup,
            entries,
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
        }
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
