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
