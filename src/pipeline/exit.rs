//! The exit-code contract hooks and CI rely on, decided once from an [`Outcome`] and the
//! [`ExitPolicy`] the flags give: 2 when an input could not be scanned, else 1 when something
//! fails the run, else 0. `--exit-zero` turns 1 into 0, never 2 into 0. What fails the run is
//! read from the levels `Finding::level` and `Code::level` decide, as every format shows them:
//! an error always; with `--strict`, a warning-level finding, hygiene or integrity problem too.
//!
//! Confidence, not severity, decides whether a secret blocks: a finding below
//! `--min-confidence` does not fail the run (nor is it reported: `report::deliver` leaves it out
//! and counts it), whatever its rule's severity; every secret at or above it does. A policy
//! finding (a setting, not a secret) keeps its own rule: high severity fails, below it only
//! with `--strict`.

use super::Outcome;
use crate::diagnostic::{Code, Level};
use crate::rules::Confidence;

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

/// How an outcome maps to an exit status: `--strict`, `--exit-zero` and `--min-confidence`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitPolicy {
    /// Warnings fail the run too: policy findings below high severity, hygiene and integrity
    /// warnings.
    pub strict: bool,
    /// Report-only: what would exit 1 exits 0. Errors still exit 2.
    pub exit_zero: bool,
    /// Findings below this confidence do not fail the run (and are not reported).
    pub min_confidence: Confidence,
}

impl Default for ExitPolicy {
    /// Everything found fails the run: `scan`'s default.
    fn default() -> Self {
        ExitPolicy {
            strict: false,
            exit_zero: false,
            min_confidence: Confidence::Low,
        }
    }
}

impl Outcome {
    /// The one place a run's exit status is decided.
    pub fn exit_status(&self, policy: ExitPolicy) -> ExitStatus {
        if self.diagnostics.iter().any(|d| d.code == Code::Unreadable) {
            return ExitStatus::Error;
        }
        let fails =
            |level: Level| level == Level::Error || (policy.strict && level == Level::Warning);
        // Findings moved into a redacted copy that re-scanned clean are what the copy was
        // made to remove: they do not fail the run (integrity errors still do).
        let findings = !self.findings_redacted
            && (self.findings.iter())
                .any(|f| f.confidence >= policy.min_confidence && fails(f.level()));
        // Warnings about the run or an input (a shallow clone, a file not scanned) inform even
        // with --strict: they say what was not checked, not that something is wrong.
        let diagnostics = self.diagnostics.iter().any(|d| match d.code {
            Code::Hygiene(_) | Code::Integrity(_) => fails(d.level()),
            _ => d.level() == Level::Error,
        });
        let failed = findings || diagnostics;
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
    use crate::diagnostic::{Diagnostic, HygieneCode, IntegrityCode};
    use crate::pipeline::testing::finding;
    use crate::rules::{RuleKind, Severity};

    fn hygiene(code: HygieneCode) -> Diagnostic {
        Diagnostic::new(Code::Hygiene(code), "")
            .at(".env")
            .with_fix("")
    }

    fn integrity(code: IntegrityCode) -> Diagnostic {
        Diagnostic::new(Code::Integrity(code), "")
            .at("journal")
            .in_run("r", "runs/r")
    }

    const PLAIN: ExitPolicy = ExitPolicy {
        strict: false,
        exit_zero: false,
        min_confidence: Confidence::Low,
    };
    const STRICT: ExitPolicy = ExitPolicy {
        strict: true,
        ..PLAIN
    };
    const EXIT_ZERO: ExitPolicy = ExitPolicy {
        exit_zero: true,
        ..PLAIN
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
    fn confidence_not_severity_decides_whether_a_secret_blocks() {
        let at = |confidence: Confidence, severity: Severity| {
            let mut f = finding(RuleKind::Assignment, severity);
            f.confidence = confidence;
            Outcome {
                findings: vec![f],
                ..Outcome::default()
            }
        };
        let medium = ExitPolicy {
            min_confidence: Confidence::Medium,
            ..PLAIN
        };
        // A low-confidence secret blocks `scan` (min low) but not `check` (min medium), even
        // at high severity; a medium one blocks both, even at low severity.
        let low = at(Confidence::Low, Severity::High);
        assert_eq!(low.exit_status(PLAIN), ExitStatus::Findings);
        assert_eq!(low.exit_status(medium), ExitStatus::Clean);
        assert_eq!(
            low.exit_status(ExitPolicy {
                strict: true,
                ..medium
            }),
            ExitStatus::Clean
        );
        let sure = at(Confidence::Medium, Severity::Low);
        assert_eq!(sure.exit_status(medium), ExitStatus::Findings);
        let high = ExitPolicy {
            min_confidence: Confidence::High,
            ..PLAIN
        };
        assert_eq!(sure.exit_status(high), ExitStatus::Clean);
        assert_eq!(
            at(Confidence::High, Severity::Low).exit_status(high),
            ExitStatus::Findings
        );
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
            diagnostics: vec![hygiene(HygieneCode::GitignoreLocalOnly)],
            ..Outcome::default()
        };
        assert_eq!(warning.exit_status(PLAIN), ExitStatus::Clean);
        assert_eq!(warning.exit_status(STRICT), ExitStatus::Findings);
        let error = Outcome {
            diagnostics: vec![hygiene(HygieneCode::GitignoreGap)],
            ..Outcome::default()
        };
        assert_eq!(error.exit_status(PLAIN), ExitStatus::Findings);
    }

    #[test]
    fn integrity_errors_fail_and_other_integrity_problems_do_not() {
        let errors = Outcome {
            diagnostics: vec![integrity(IntegrityCode::SeqGap)],
            ..Outcome::default()
        };
        assert_eq!(errors.exit_status(PLAIN), ExitStatus::Findings);
        let warnings = Outcome {
            diagnostics: vec![
                integrity(IntegrityCode::SeqDuplicate),
                integrity(IntegrityCode::CrlfLineEndings),
            ],
            ..Outcome::default()
        };
        assert_eq!(warnings.exit_status(PLAIN), ExitStatus::Clean);
        // An integrity warning is a warning like any other: --strict fails on it; a note
        // (another known writer, a CRLF checkout) never fails.
        assert_eq!(warnings.exit_status(STRICT), ExitStatus::Findings);
        let notes = Outcome {
            diagnostics: vec![integrity(IntegrityCode::CrlfLineEndings)],
            ..Outcome::default()
        };
        assert_eq!(notes.exit_status(STRICT), ExitStatus::Clean);
    }

    #[test]
    fn warnings_and_notes_about_inputs_never_fail() {
        let outcome = Outcome {
            diagnostics: vec![
                Diagnostic::warning("a shallow clone"),
                Diagnostic::not_scanned("big.env", "over --max-file-size"),
                Diagnostic::new(Code::InvalidJson, "invalid JSON").at("a.json"),
                Diagnostic::skipped("a.png", crate::input::SkipReason::Binary, None),
            ],
            ..Outcome::default()
        };
        assert_eq!(outcome.exit_status(PLAIN), ExitStatus::Clean);
        assert_eq!(outcome.exit_status(STRICT), ExitStatus::Clean);
    }

    #[test]
    fn an_unscanned_input_wins_and_exit_zero_never_hides_it() {
        let outcome = Outcome {
            findings: vec![finding(RuleKind::Token, Severity::High)],
            diagnostics: vec![Diagnostic::unreadable("a", "unreadable")],
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
        outcome.diagnostics.push(integrity(IntegrityCode::SeqGap));
        assert_eq!(outcome.exit_status(PLAIN), ExitStatus::Findings);
    }
}
