//! `leakgate install-hook`: install the pre-commit hook ([`crate::hook`]) and say what was done.

use std::io::Write;
use std::path::Path;

use crate::escape::path as shown;
use crate::hook::{self, HookOptions, Installed};
use crate::{Error, ExitStatus};

pub fn run(options: &HookOptions) -> Result<ExitStatus, Error> {
    let installed = hook::install(Path::new("."), options)?;
    let mut out = std::io::stdout().lock();
    match installed {
        Installed::Already { path } => writeln!(
            out,
            "leakgate pre-commit hook already installed at {}",
            shown(&path)
        )?,
        Installed::Written { path, backup } => {
            if let Some(backup) = backup {
                writeln!(out, "kept the previous hook as {}", shown(&backup))?;
            }
            writeln!(
                out,
                "installed the leakgate pre-commit hook at {}",
                shown(&path)
            )?;
        }
    }
    Ok(ExitStatus::Clean)
}
