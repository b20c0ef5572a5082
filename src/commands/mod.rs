//! One module per subcommand: each turns its parsed arguments into the library's plain records
//! ([`crate::cli::Common`] and the command's own), runs the pipeline and delivers the outcome.
//! The engine is [`crate::pipeline`]; what is written and how, [`crate::report`].

pub mod agent_hook;
pub mod check;
pub mod gitignore;
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
pub fn settings(common: &Common, base: Option<&BaseSide>) -> Result<Option<Settings>, Error> {
    let loaded = settings::configuration(&common.config, base)?;
    if !loaded.untranslated.is_empty() {
        let mut err = io::stderr().lock();
        writeln!(
            err,
            "warning: {} parts of the gitleaks configuration are not translated:",
            loaded.untranslated.len()
        )?;
        for line in &loaded.untranslated {
            writeln!(err, "  - {}", crate::escape::Escaped(line))?;
        }
    }
    if common.dump_config {
        write!(io::stdout().lock(), "{}", loaded.config.dump(&loaded.files))?;
        return Ok(None);
    }
    Ok(Some(settings::settings(loaded, &common.config)?))
}

/// How the settings scan: fingerprints salted by the baseline given (else found from here).
pub fn scanning<'a>(settings: &'a Settings, common: &Common) -> Scanning<'a> {
    let baseline = common.delivery.baseline.as_ref().map(|b| b.file.as_path());
    Scanning::new(settings, common.show_secrets, baseline)
}
