//! The exit-code contract hooks and CI rely on, decided once from an [`Outcome`] and the
//! [`ExitPolicy`] the flags give: 2 when an input could not be scanned, else 1 when something
//! fails the run, else 0. `--exit-zero` turns 1 into 0, never 2 into 0. What fails the run is
//! read from the levels `Finding::level` and `Code::level` decide, as every format shows them:
//! an error always; with `--strict`, a warning-level finding, hygiene or integrity problem too.

use super::Outcome;
use crate::diagnostic::{Code, Level};

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
    /// Warnings fail the run too: policy findings below high severity, hygiene and integrity
    /// warnings.
    pub strict: bool,
    /// Report-only: what would exit 1 exits 0. Errors still exit 2.
    pub exit_zero: bool,
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
        let findings = !self.findings_redacted && self.findings.iter().any(|f| fails(f.level()));
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
