//! Checking rules against their own examples: every example must give a finding from its rule,
//! every negative example none. Run by `leakgate rules check`, by the test suite, and on every
//! custom rule a configuration declares ([`Examples`], the check configuration loading is
//! given). It runs the real [`Scanner`], so an example proves what a scan reports, heuristics
//! included; that is why it lives here, above the rules it checks.

use super::{ScanOptions, Scanner};
use crate::input::Provenance;
use std::collections::HashMap;

use crate::rules::{BuiltinExamples, Rule, RuleSet, RuleSpec};

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

/// Check every rule: it compiles ([`Rule::validate`]), has examples, and matches them and
/// none of its negative examples.
pub fn check_rules(rules: &[Rule]) -> CheckReport {
    // Built-in rules are loaded without their examples (start-up does not need them).
    let builtin = crate::rules::builtin_examples();
    let builtin: HashMap<(&str, &str), &BuiltinExamples> = builtin
        .iter()
        .map(|e| ((e.file.as_str(), e.id.as_str()), e))
        .collect();
    let mut report = CheckReport {
        rules: rules.len(),
        ..CheckReport::default()
    };
    for rule in rules {
        let with_examples;
        let rule = match builtin.get(&(rule.origin.as_str(), rule.id())) {
            Some(e) if rule.spec.examples.is_empty() && rule.spec.negative_examples.is_empty() => {
                let spec = RuleSpec {
                    examples: e.examples.clone(),
                    negative_examples: e.negative_examples.clone(),
                    ..rule.spec.clone()
                };
                with_examples = Rule::from_spec(spec, rule.origin.clone());
                &with_examples
            }
            _ => rule,
        };
        if let Err(message) = rule.validate() {
            report.failures.push(CheckFailure {
                rule: rule.id().to_owned(),
                message,
            });
            continue;
        }
        if rule.spec.examples.is_empty() {
            report.failures.push(CheckFailure {
                rule: rule.id().to_owned(),
                message: "has no examples".into(),
            });
        }
        check_examples(rule, &mut report);
    }
    report
}

/// Run one (valid) rule on its examples and negative examples, counting them in `report` and
/// adding a failure for each that goes wrong.
fn check_examples(rule: &Rule, report: &mut CheckReport) {
    let id = rule.id().to_owned();
    let fail = |message: String| CheckFailure {
        rule: id.clone(),
        message,
    };
    // Each rule is checked alone, so that a more specific rule cannot hide its matches.
    // Examples test what the rule matches, not which files it applies to: `paths` is left out.
    let spec = RuleSpec {
        paths: Vec::new(),
        ..rule.spec.clone()
    };
    let alone = match RuleSet::new(vec![Rule::from_spec(spec, rule.origin.clone())]) {
        Ok(set) => set,
        Err(e) => {
            report.failures.push(fail(e.to_string()));
            return;
        }
    };
    let scanner = Scanner::new(&alone, ScanOptions::default());
    let provenance = Provenance::File {
        path: format!("<{id} example>"),
    };
    // The rule without its checksum: says why an example of the right shape is not found.
    let unchecked = rule.spec.checksum.and_then(|_| {
        let spec = RuleSpec {
            paths: Vec::new(),
            checksum: None,
            ..rule.spec.clone()
        };
        RuleSet::new(vec![Rule::from_spec(spec, rule.origin.clone())]).ok()
    });
    for (index, example) in rule.spec.examples.iter().enumerate() {
        report.examples += 1;
        if scanner.scan(&provenance, example.as_bytes()).is_empty() {
            let bad_checksum = unchecked.as_ref().is_some_and(|set| {
                !Scanner::new(set, ScanOptions::default())
                    .scan(&provenance, example.as_bytes())
                    .is_empty()
            });
            // The scheme's name is left out: a configuration error masks what its file says.
            report.failures.push(fail(if bad_checksum {
                format!(
                    "example {} does not match: it has the rule's shape but its checksum does not verify",
                    index + 1
                )
            } else {
                format!("example {} does not match", index + 1)
            }));
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

/// The example check configuration loading runs on each custom rule (see
/// [`crate::config::ExampleCheck`]): the scanner, which configuration sits below.
#[derive(Debug, Clone, Copy, Default)]
pub struct Examples;

impl crate::config::ExampleCheck for Examples {
    fn check(&self, rule: &Rule) -> Result<(), String> {
        let mut report = CheckReport::default();
        check_examples(rule, &mut report);
        match report.failures.into_iter().next() {
            Some(failure) => Err(failure.message),
            None => Ok(()),
        }
    }
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
        let rules = crate::rules::parse_rule_file(
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

    #[test]
    fn an_example_whose_checksum_fails_is_reported_as_such() {
        use crate::rules::checksum::{base62, crc32};
        let random = "Zk3MvT9qLw2RcX8bNp5HyJ4dFg7sAe";
        let good = format!("dmo_{random}{}", base62(crc32(random.as_bytes()), 6));
        let bad = format!("dmo_{random}a1B2c3");
        let rules = crate::rules::parse_rule_file(
            "t.toml",
            &format!(
                r#"
[[rule]]
id = "demo"
description = "demo"
keywords = ["dmo_"]
regex = '''dmo_[A-Za-z0-9]{{36}}'''
checksum = "github-crc32"
examples = ["{good}", "{bad}"]
negative_examples = ["{bad}"]
"#
            ),
        )
        .expect("parse");
        let report = check_rules(&rules);
        let messages: Vec<&str> = report.failures.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            ["example 2 does not match: it has the rule's shape but its checksum does not verify"]
        );
    }
}
