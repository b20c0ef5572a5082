//! The exit-code contract hooks and CI rely on, decided once from an [`Outcome`] and the
//! [`ExitPolicy`] the flags give: 2 when an input could not be scanned, else 1 when something
//! fails the run, else 0. `--exit-zero` turns 1 into 0, never 2 into 0.

use super::Outcome;

/// What the process exits with. An error wins over findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing found.
    Clean = 0,
    /// Secrets (or failed checks) found.
    Findings = 1,
    /// Bad usage, bad configuration, or an input the user named could not be scanned.
    Error = 2,
}

/// How an outcome maps to an exit status: `--strict` and `--exit-zero`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExitPolicy {
    /// Warnings fail the run too: policy findings below high severity, hygiene warnings.
    pub strict: bool,
    /// Report-only: what would exit 1 exits 0. Errors still exit 2.
    pub exit_zero: bool,
}

impl Outcome {
    /// The one place a run's exit status is decided.
    pub fn exit_status(&self, policy: ExitPolicy) -> ExitStatus {
        if !self.problems.is_empty() {
            return ExitStatus::Error;
        }
        // Findings moved into a redacted copy that re-scanned clean are what the copy was
        // made to remove: they do not fail the run (integrity errors still do).
        let findings = if self.findings_redacted {
            0
        } else {
            self.failing_findings(policy.strict)
        };
        let failed =
            findings > 0 || self.integrity_errors() > 0 || self.hygiene_failures(policy.strict) > 0;
        if failed && !policy.exit_zero {
            ExitStatus::Findings
        } else {
            ExitStatus::Clean
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hygiene::{HygieneProblem, HygieneSeverity};
    use crate::input::Problem;
    use crate::journal::{ProblemSeverity, RunProblem};
    use crate::pipeline::testing::finding;
    use crate::rules::{RuleKind, Severity};

    fn hygiene(severity: HygieneSeverity) -> HygieneProblem {
        HygieneProblem {
            code: "gitignore-local-only",
            severity,
            path: ".env".to_owned(),
            message: String::new(),
            fix: String::new(),
        }
    }

    fn integrity(severity: ProblemSeverity) -> RunProblem {
        RunProblem {
            run_id: "r".to_owned(),
            run: "runs/r".to_owned(),
            code: "seq-gap".to_owned(),
            severity,
            path: "journal".to_owned(),
            message: String::new(),
        }
    }

    const PLAIN: ExitPolicy = ExitPolicy {
        strict: false,
        exit_zero: false,
    };
    const STRICT: ExitPolicy = ExitPolicy {
        strict: true,
        exit_zero: false,
    };
    const EXIT_ZERO: ExitPolicy = ExitPolicy {
        strict: false,
        exit_zero: true,
    };

    #[test]
    fn nothing_found_is_clean() {
        assert_eq!(Outcome::default().exit_status(PLAIN), ExitStatus::Clean);
        assert_eq!(Outcome::default().exit_status(STRICT), ExitStatus::Clean);
    }

    #[test]
    fn every_secret_fails_whatever_its_severity() {
        for severity in [Severity::Low, Severity::Medium, Severity::High] {
            let outcome = Outcome {
                findings: vec![finding(RuleKind::Token, severity)],
                ..Outcome::default()
            };
            assert_eq!(outcome.exit_status(PLAIN), ExitStatus::Findings);
            assert_eq!(outcome.exit_status(EXIT_ZERO), ExitStatus::Clean);
        }
    }

    #[test]
    fn a_policy_finding_below_high_fails_only_when_strict() {
        let medium = Outcome {
            findings: vec![finding(RuleKind::Policy, Severity::Medium)],
            ..Outcome::default()
        };
        assert_eq!(medium.exit_status(PLAIN), ExitStatus::Clean);
        assert_eq!(medium.exit_status(STRICT), ExitStatus::Findings);
        let high = Outcome {
            findings: vec![finding(RuleKind::Policy, Severity::High)],
            ..Outcome::default()
        };
        assert_eq!(high.exit_status(PLAIN), ExitStatus::Findings);
    }

    #[test]
    fn a_hygiene_warning_fails_only_when_strict() {
        let warning = Outcome {
            hygiene: vec![hygiene(HygieneSeverity::Warning)],
            ..Outcome::default()
        };
        assert_eq!(warning.exit_status(PLAIN), ExitStatus::Clean);
        assert_eq!(warning.exit_status(STRICT), ExitStatus::Findings);
        let error = Outcome {
            hygiene: vec![hygiene(HygieneSeverity::Error)],
            ..Outcome::default()
        };
        assert_eq!(error.exit_status(PLAIN), ExitStatus::Findings);
    }

    #[test]
    fn integrity_errors_fail_and_other_integrity_problems_do_not() {
        let errors = Outcome {
            integrity: vec![integrity(ProblemSeverity::Error)],
            ..Outcome::default()
        };
        assert_eq!(errors.exit_status(PLAIN), ExitStatus::Findings);
        let warnings = Outcome {
            integrity: vec![
                integrity(ProblemSeverity::Warning),
                integrity(ProblemSeverity::Info),
            ],
            ..Outcome::default()
        };
        assert_eq!(warnings.exit_status(PLAIN), ExitStatus::Clean);
    }

    #[test]
    fn an_unscanned_input_wins_and_exit_zero_never_hides_it() {
        let outcome = Outcome {
            findings: vec![finding(RuleKind::Token, Severity::High)],
            problems: vec![Problem {
                path: "a".to_owned(),
                message: "unreadable".to_owned(),
            }],
            ..Outcome::default()
        };
        assert_eq!(outcome.exit_status(PLAIN), ExitStatus::Error);
        assert_eq!(outcome.exit_status(EXIT_ZERO), ExitStatus::Error);
    }

    #[test]
    fn redacted_findings_do_not_fail_but_integrity_errors_still_do() {
        let mut outcome = Outcome {
            findings: vec![finding(RuleKind::Token, Severity::High)],
            findings_redacted: true,
            ..Outcome::default()
        };
        assert_eq!(outcome.exit_status(PLAIN), ExitStatus::Clean);
        outcome.integrity.push(integrity(ProblemSeverity::Error));
        assert_eq!(outcome.exit_status(PLAIN), ExitStatus::Findings);
    }
}
