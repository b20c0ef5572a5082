//! One module per subcommand: each turns its parsed arguments into the library's plain records
//! ([`crate::cli::Common`] and the command's own), runs the pipeline and delivers the outcome.
//! The engine is [`crate::pipeline`]; what is written and how, [`crate::report`].

pub mod agent_hook;
pub mod check;
pub mod gitignore;
pub mod init;
pub mod install_hook;
pub mod journal;
pub mod rules;
pub mod scan;

use std::io::{self, Write};

use crate::Error;
use crate::cli::Common;
use crate::input::base_side::BaseSide;
use crate::pipeline::{Scanning, Settings, settings};

/// Load the configuration (the base side's, for a range) and build the settings, showing the
/// gitleaks parts that were not translated. `None` means `--dump-config` printed the
/// configuration and the command is done.
///
/// The settings live until the process exits: a command runs once per process, and the
/// compiled rules are tens of thousands of small allocations (regex programs, their lazy DFA
/// caches) that took about 5 ms to free one by one after the report was written, 3% of a scan
/// of rails' 5,000 files. The operating system takes the memory back at exit all at once.
pub fn settings(
    common: &Common,
    base: Option<&BaseSide>,
) -> Result<Option<&'static Settings>, Error> {
    let loaded = settings::configuration(&common.config, base)?;
    if !loaded.untranslated.is_empty() {
        let mut err = io::stderr().lock();
        writeln!(
            err,
            "warning: {} of the gitleaks configuration {} not translated:",
            crate::plural::count(loaded.untranslated.len(), "part", "parts"),
            crate::plural::noun(loaded.untranslated.len(), "is", "are")
        )?;
        for line in &loaded.untranslated {
            writeln!(err, "  - {}", crate::escape::Escaped(line))?;
        }
    }
    if common.dump_config {
        write!(io::stdout().lock(), "{}", loaded.config.dump(&loaded.files))?;
        return Ok(None);
    }
    let settings = settings::settings(loaded, &common.config)?;
    Ok(Some(Box::leak(Box::new(settings))))
}

/// How the settings scan: fingerprints salted by the baseline given (else found from here), and
/// a progress line where a person watches.
pub fn scanning<'a>(settings: &'a Settings, common: &Common) -> Scanning<'a> {
    let baseline = common.delivery.baseline.as_ref().map(|b| b.file.as_path());
    Scanning {
        progress: progress_wanted(common),
        ..Scanning::new(settings, common.show_secrets, baseline)
    }
}

/// A progress line only for people: standard error is a terminal and the report on standard
/// output is the human one (never JSON, SARIF, JUnit or workflow commands, whose readers are
/// programs and CI logs).
pub fn progress_wanted(common: &Common) -> bool {
    use std::io::IsTerminal;
    let reports = &common.delivery.output.reports;
    std::io::stderr().is_terminal()
        && reports
            .first()
            .is_some_and(|r| r.format == crate::report::Format::Human)
}
