//! Checking rules against their own examples: every example must give a finding from its rule,
//! every negative example none. Run by `leakgate rules check` and by the test suite.

use super::{Rule, RuleSet, RuleSpec};
use crate::input::Provenance;
use crate::scan::{ScanOptions, Scanner};

#[derive(Debug)]
pub struct CheckFailure {
    pub rule: String,
    /// What went wrong, without the example's text (examples look like real secrets).
    pub message: String,
}

#[derive(Debug, Default)]
pub struct CheckReport {
    pub rules: usize,
    pub examples: usize,
    pub negative_examples: usize,
    pub failures: Vec<CheckFailure>,
}

pub fn check_rules(rules: &[Rule]) -> CheckReport {
    let mut report = CheckReport {
        rules: rules.len(),
        ..CheckReport::default()
    };
    for rule in rules {
        let id = rule.id().to_owned();
        let fail = |message: String| CheckFailure {
            rule: id.clone(),
            message,
        };
        if let Err(message) = rule.validate() {
            report.failures.push(fail(message));
            continue;
        }
        if rule.spec.examples.is_empty() {
            report.failures.push(fail("has no examples".into()));
        }
        // Each rule is checked alone, so that a more specific rule cannot hide its matches.
        // Examples test what the rule matches, not which files it applies to: `paths` is left out.
        let spec = RuleSpec {
            paths: Vec::new(),
            ..rule.spec.clone()
        };
        let alone = match RuleSet::new(vec![Rule::new(spec, rule.origin.clone())]) {
            Ok(set) => set,
            Err(e) => {
                report.failures.push(fail(e.to_string()));
                continue;
            }
        };
        let scanner = Scanner::new(&alone, ScanOptions::default());
        let provenance = Provenance::File {
            path: format!("<{id} example>"),
        };
        for (index, example) in rule.spec.examples.iter().enumerate() {
            report.examples += 1;
            if scanner.scan(&provenance, example.as_bytes()).is_empty() {
                report
                    .failures
                    .push(fail(format!("example {} does not match", index + 1)));
            }
        }
        for (index, example) in rule.spec.negative_examples.iter().enumerate() {
            report.negative_examples += 1;
            let found = scanner.scan(&provenance, example.as_bytes());
            if let Some(f) = found.first() {
                report.failures.push(fail(format!(
                    "negative example {} matches at column {} ({})",
                    index + 1,
                    f.column,
                    f.preview
                )));
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_rule_passes_its_examples() {
        let rules = RuleSet::builtin().expect("built-in rules load");
        assert!(
            rules.rules().len() >= 30,
            "expected the full built-in rule set"
        );
        let report = check_rules(rules.rules());
        let failures: Vec<String> = report
            .failures
            .iter()
            .map(|f| format!("{}: {}", f.rule, f.message))
            .collect();
        assert!(
            failures.is_empty(),
            "rule check failures:\n{}",
            failures.join("\n")
        );
        assert!(
            report.negative_examples >= report.rules,
            "every rule needs negative examples"
        );
    }

    #[test]
    fn a_wrong_example_is_reported() {
        let rules = super::super::parse_rule_file(
            "t.toml",
            r#"
[[rule]]
id = "demo"
description = "demo"
keywords = ["dmo_"]
regex = '''dmo_[a-z0-9]{12}'''
examples = ["nothing here"]
negative_examples = ["dmo_a1b2c3d4e5f6"]
"#,
        )
        .expect("parse");
        let report = check_rules(&rules);
        assert_eq!(report.failures.len(), 2);
    }
}
