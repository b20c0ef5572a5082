//! `leakgate rules list` and `leakgate rules check`.

use std::io::Write;

use crate::escape::Escaped;
use crate::plural;
use crate::report::output::{Color, Output, OutputSpec};
use crate::report::{self, Message, RuleInfo};
use crate::rules::RuleSet;
use crate::scan::examples;
use crate::{Error, ExitStatus};

pub fn list(output: &OutputSpec) -> Result<ExitStatus, Error> {
    let rules = configured_rules()?;
    let infos: Vec<RuleInfo<'_>> = rules.rules().iter().map(RuleInfo::of).collect();
    let messages: Vec<Message<'_>> = infos.iter().map(Message::Rule).collect();
    report::announce(output, &messages)?;
    Ok(ExitStatus::Clean)
}

pub fn check() -> Result<ExitStatus, Error> {
    let rules = configured_rules()?;
    let report = examples::check_rules(rules.rules());
    let (output, mut out) = Output::open(None, Color::Never)?;
    for failure in &report.failures {
        writeln!(
            out,
            "FAIL {}: {}",
            Escaped(&failure.rule),
            Escaped(&failure.message)
        )?;
    }
    writeln!(
        out,
        "{}, {}, {}: {} passed, {} failed",
        plural::count(report.rules, "rule", "rules"),
        plural::count(report.examples, "example", "examples"),
        plural::count(
            report.negative_examples,
            "negative example",
            "negative examples"
        ),
        report.examples + report.negative_examples - report.failures.len(),
        report.failures.len()
    )?;
    out.flush()?;
    output.commit()?;
    Ok(if report.failures.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Findings
    })
}

/// The rules as the nearest `.leakgate.toml` adjusts them (custom rules included).
fn configured_rules() -> Result<RuleSet, Error> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| std::path::PathBuf::from("."));
    let loaded = crate::config::load(
        &crate::config::Sources {
            explicit: None,
            isolated: false,
            cwd,
            nearest: crate::config::Nearest::OnDisk,
        },
        &examples::Examples,
    )?;
    Ok(loaded.config.rule_set()?)
}
