//! `leakgate scan` and `leakgate baseline`: pick the source the flags name, run the pipeline,
//! report (or write the baseline).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use super::Settings;
use crate::cli::ScanArgs;
use crate::fingerprint::{Fingerprinter, Salt, SaltSource};
use crate::input::base_side::BaseSide;
use crate::input::walk::WalkOptions;
use crate::pipeline::sources::{History, Range, Source, Staged, Stdin, Tree};
use crate::pipeline::{self, Scanning};
use crate::{Error, ExitStatus};

/// The source the arguments name: working-tree paths (and `-`), the staged change, a commit
/// range, or the whole history.
fn source(settings: &Settings, args: &ScanArgs) -> Box<dyn Source> {
    let max = settings.max_file_size;
    let threads = args.common.threads.unwrap_or(0);
    if args.staged {
        return Box::new(Staged::new(max));
    }
    if let Some(spec) = &args.range {
        return Box::new(Range::new(spec, args.per_commit, max));
    }
    if args.history {
        return Box::new(History::new(args.since.as_deref(), max, threads));
    }
    let (stdin, paths): (Vec<&PathBuf>, Vec<&PathBuf>) =
        args.paths.iter().partition(|p| p.as_os_str() == "-");
    Box::new(Tree {
        paths: paths.into_iter().cloned().collect(),
        stdin: (!stdin.is_empty()).then(|| Stdin {
            name: args.stdin_filename.clone(),
        }),
        walk: WalkOptions {
            max_file_size: max,
            respect_vcs_ignores: !args.no_ignore,
            threads,
        },
    })
}

/// `leakgate baseline`: scan as `scan` would and write what was found as the baseline.
pub fn write_baseline(args: &ScanArgs, file: &Path) -> Result<ExitStatus, Error> {
    let base = args.range.as_deref().map(BaseSide::resolve).transpose()?;
    crate::baseline::Baseline::refuse_to_replace_other_files(file)?;
    let Some(settings) = super::settings_at(&args.common, base.as_ref())? else {
        return Ok(ExitStatus::Clean);
    };
    // Rewriting a baseline keeps its salt, so its fingerprints (and the diff) stay stable; a
    // new one takes the salt of the repository's baseline file, or a random salt, recorded in
    // it for every clone to use.
    let salt = match crate::baseline::read_salt(file)
        .or_else(|| crate::fingerprint::baseline_salt_near(Path::new(".")))
    {
        Some(salt) => salt,
        None => Salt::random().map_err(|source| crate::baseline::BaselineError::Write {
            path: file.to_owned(),
            help: "the system's random number source failed; try again".to_owned(),
            source,
        })?,
    };
    let scanning = Scanning {
        rules: &settings.rules,
        show_secrets: args.common.show_secrets,
        fingerprints: Arc::new(Fingerprinter::new(SaltSource::Fixed(salt.clone()))),
    };
    let outcome = pipeline::collect(&scanning, source(&settings, args).as_mut())?;
    let baseline = crate::baseline::Baseline::from_findings(&outcome.findings, &salt);
    baseline.write(file)?;
    use std::io::Write;
    writeln!(
        std::io::stdout(),
        "wrote {} entries to {} (no secrets: rule, fingerprint and path only)",
        baseline.entries.len(),
        crate::escape::path(file)
    )?;
    Ok(ExitStatus::Clean)
}

pub fn run(args: &ScanArgs) -> Result<ExitStatus, Error> {
    let started = Instant::now();
    super::refuse_output_over_input(&args.common, &args.paths)?;
    // A range is scanned with its base side's configuration, ignore files and baseline.
    let base = args.range.as_deref().map(BaseSide::resolve).transpose()?;
    let Some(settings) = super::settings_at(&args.common, base.as_ref())? else {
        return Ok(ExitStatus::Clean);
    };
    let scanning = Scanning::new(
        &settings.rules,
        args.common.show_secrets,
        args.common.baseline.as_deref(),
    );
    let mut outcome = pipeline::collect(&scanning, source(&settings, args).as_mut())?;
    let at_base = match &base {
        Some(base) => {
            pipeline::apply_base_side(base, args.common.baseline.as_deref(), &mut outcome)?
        }
        None => None,
    };
    super::report(outcome, at_base, &args.common, started)
}
