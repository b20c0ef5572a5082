//! `leakgate rules list` and `leakgate rules check`.

use std::io::Write;

use crate::escape::{Escaped, escape};
use crate::report::Format;
use crate::report::output::{Color, Output};
use crate::rules::RuleSet;
use crate::scan::examples;
use crate::{Error, ExitStatus};

pub fn list(format: Format) -> Result<ExitStatus, Error> {
    let rules = configured_rules()?;
    let (output, mut out) = Output::open(None, Color::Never)?;
    for rule in rules.rules() {
        let spec = &rule.spec;
        match format {
            Format::Json => {
                serde_json::to_writer(
                    &mut out,
                    &serde_json::json!({
                        "id": spec.id,
                        "description": spec.description,
                        "severity": spec.severity,
                        "kind": spec.kind,
                        "keywords": spec.keywords,
                        "file": rule.origin,
                    }),
                )
                .map_err(std::io::Error::from)?;
                writeln!(out)?;
            }
            _ => writeln!(
                out,
                "{:<34} {:<7} {:<11} {}  [{}]",
                escape(&spec.id),
                spec.severity.as_str(),
                format!("{:?}", spec.kind).to_lowercase(),
                Escaped(&spec.description),
                Escaped(&spec.keywords.join(", "))
            )?,
        }
    }
    out.flush()?;
    output.commit()?;
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
        "{} rules, {} examples, {} negative examples: {} passed, {} failed",
        report.rules,
        report.examples,
        report.negative_examples,
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
