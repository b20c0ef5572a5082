//! What `leakgate check` checks where it runs, decided once, here: the [`Plan`].
//!
//! - asked for explicitly: `--all` (a full audit), `--range`, `--history`, `--staged`;
//! - in CI (`CI` or `GITHUB_ACTIONS` set): a pull request's range (`GITHUB_BASE_REF`), a push's
//!   range (the event payload's `before`, when that commit is in the checkout), otherwise (a
//!   schedule, a manual run, a push whose base is missing) a full audit of the checkout;
//! - anywhere else: the staged change, for pre-commit.
//!
//! Hygiene runs in every plan: the quick checks at pre-commit (time that does not grow with
//! the repository), the full ones elsewhere.

use std::path::Path;

use super::sources::{Audit, History, Range, Source, Staged};
use crate::diagnostic::Diagnostic;
use crate::hygiene::Required;
use crate::input::git::GitError;
use crate::input::walk::WalkOptions;

/// What `check` decided to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The staged change, root gitignore coverage and secret files the commit starts tracking.
    PreCommit,
    /// The lines a range adds (a pull request, a push, or `--range`), and the full hygiene.
    Range { spec: String, per_commit: bool },
    /// Every blob in history (or what `since` does not reach), and the full hygiene.
    History { since: Option<String> },
    /// The working tree, agent run data and the full hygiene.
    Audit { no_ignore: bool },
}

/// What the flags asked `check` for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Asked {
    /// Nothing: decide from where it runs.
    #[default]
    Auto,
    All,
    Staged,
    Range(String),
    History {
        since: Option<String>,
    },
}

/// The flags that refine a plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Ranges: scan every commit on its own.
    pub per_commit: bool,
    /// Audits: walk what `.gitignore` leaves out too.
    pub no_ignore: bool,
}

/// What the CI environment says, read once ([`Ci::from_env`]) so the decision is testable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ci {
    /// `CI` or `GITHUB_ACTIONS` is set (and not `false` or `0`).
    pub detected: bool,
    /// `GITHUB_BASE_REF`: the branch a pull request targets.
    pub base_ref: Option<String>,
    /// `GITHUB_EVENT_NAME`.
    pub event: Option<String>,
    /// A push event's `before` and `after` commits, from the payload at `GITHUB_EVENT_PATH`.
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Ci {
    pub fn from_env() -> Self {
        let set = |name: &str| {
            std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
        };
        let value = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let event = value("GITHUB_EVENT_NAME");
        let payload = match (event.as_deref(), value("GITHUB_EVENT_PATH")) {
            (Some("push"), Some(path)) => read_payload(Path::new(&path)),
            _ => None,
        };
        let field = |name: &str| {
            (payload.as_ref())
                .and_then(|p| p.get(name))
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        Ci {
            detected: set("CI") || set("GITHUB_ACTIONS"),
            base_ref: value("GITHUB_BASE_REF"),
            before: field("before"),
            after: field("after"),
            event,
        }
    }
}

/// The event payload, when it is a regular file of JSON (a FIFO would make the read wait).
fn read_payload(path: &Path) -> Option<serde_json::Value> {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// A full commit id (40 or 64 hex digits) that is not the all-zero id a new branch's push has.
/// Anything else from a payload is never passed to git.
fn is_commit_id(text: &str) -> bool {
    matches!(text.len(), 40 | 64)
        && text.bytes().all(|b| b.is_ascii_hexdigit())
        && text.bytes().any(|b| b != b'0')
}

impl Plan {
    /// Decide the plan. `has_commit` says whether a commit id is in the checkout (a push's
    /// base may be missing from a shallow clone: then the checkout is audited instead).
    pub fn decide(
        asked: &Asked,
        options: PlanOptions,
        ci: &Ci,
        has_commit: &dyn Fn(&str) -> bool,
    ) -> Plan {
        match asked {
            Asked::All => {
                return Plan::Audit {
                    no_ignore: options.no_ignore,
                };
            }
            Asked::Range(spec) => {
                return Plan::Range {
                    spec: spec.clone(),
                    per_commit: options.per_commit,
                };
            }
            Asked::History { since } => {
                return Plan::History {
                    since: since.clone(),
                };
            }
            Asked::Staged => return Plan::PreCommit,
            Asked::Auto => {}
        }
        if !ci.detected {
            return Plan::PreCommit;
        }
        if let Some(base) = &ci.base_ref {
            return Plan::Range {
                spec: format!("origin/{base}...HEAD"),
                per_commit: options.per_commit,
            };
        }
        if ci.event.as_deref() == Some("push")
            && let Some(before) = ci.before.as_deref().filter(|id| is_commit_id(id))
            && has_commit(before)
        {
            let head = (ci.after.as_deref())
                .filter(|id| is_commit_id(id) && has_commit(id))
                .unwrap_or("HEAD");
            return Plan::Range {
                spec: format!("{before}..{head}"),
                per_commit: options.per_commit,
            };
        }
        // CI without a change to compare with: audit the checkout.
        Plan::Audit {
            no_ignore: options.no_ignore,
        }
    }

    /// The range whose base side configures the scan, if any.
    pub fn range(&self) -> Option<&str> {
        match self {
            Plan::Range { spec, .. } => Some(spec),
            _ => None,
        }
    }

    /// The source that scans what this plan covers.
    pub fn source(
        &self,
        repo: &git2::Repository,
        max_file_size: u64,
        threads: usize,
    ) -> Box<dyn Source> {
        match self {
            Plan::PreCommit => Box::new(Staged::new(max_file_size)),
            Plan::Range { spec, per_commit } => {
                Box::new(Range::new(spec, *per_commit, max_file_size))
            }
            Plan::History { since } => {
                Box::new(History::new(since.as_deref(), max_file_size, threads))
            }
            Plan::Audit { no_ignore } => Box::new(Audit::new(
                repo,
                WalkOptions {
                    max_file_size,
                    respect_vcs_ignores: !no_ignore,
                    threads,
                },
            )),
        }
    }

    /// The hygiene checks of this plan: quick at pre-commit, full elsewhere.
    pub fn hygiene(
        &self,
        repo: &git2::Repository,
        required: &[Required],
    ) -> Result<Vec<Diagnostic>, GitError> {
        match self {
            Plan::PreCommit => super::hygiene::quick(repo, required),
            _ => super::hygiene::full(repo, required),
        }
    }

    /// A sentence saying what the plan checks (the summary's `scope`).
    pub fn description(&self) -> String {
        match self {
            Plan::PreCommit => "the staged change and gitignore coverage (pre-commit)".to_owned(),
            Plan::Range { spec, .. } => format!("the range {spec} and repository hygiene (CI)"),
            Plan::History { since: None } => {
                "the history of every ref and repository hygiene".to_owned()
            }
            Plan::History { since: Some(since) } => {
                format!("the history not reachable from {since} and repository hygiene")
            }
            Plan::Audit { .. } => {
                "the working tree, agent run data and repository hygiene (full audit)".to_owned()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = "1111111111111111111111111111111111111111";
    const AFTER: &str = "2222222222222222222222222222222222222222";

    fn decide(asked: Asked, ci: &Ci) -> Plan {
        Plan::decide(&asked, PlanOptions::default(), ci, &|_| true)
    }

    fn in_ci() -> Ci {
        Ci {
            detected: true,
            ..Ci::default()
        }
    }

    fn push(before: &str) -> Ci {
        Ci {
            event: Some("push".to_owned()),
            before: Some(before.to_owned()),
            after: Some(AFTER.to_owned()),
            ..in_ci()
        }
    }

    fn range(spec: &str) -> Plan {
        Plan::Range {
            spec: spec.to_owned(),
            per_commit: false,
        }
    }

    #[test]
    fn outside_ci_it_checks_the_staged_change() {
        assert_eq!(decide(Asked::Auto, &Ci::default()), Plan::PreCommit);
    }

    #[test]
    fn a_pull_request_checks_its_range_from_the_base_branch() {
        let ci = Ci {
            base_ref: Some("main".to_owned()),
            ..in_ci()
        };
        assert_eq!(decide(Asked::Auto, &ci), range("origin/main...HEAD"));
    }

    #[test]
    fn a_push_checks_what_it_pushed() {
        assert_eq!(
            decide(Asked::Auto, &push(BEFORE)),
            range(&format!("{BEFORE}..{AFTER}"))
        );
    }

    #[test]
    fn a_push_without_a_usable_base_audits_the_checkout() {
        let audit = Plan::Audit { no_ignore: false };
        // A new branch (all zeros), a value that is not a commit id, a base the clone lacks.
        assert_eq!(decide(Asked::Auto, &push(&"0".repeat(40))), audit);
        assert_eq!(decide(Asked::Auto, &push("--upload-pack=x")), audit);
        let missing = Plan::decide(&Asked::Auto, PlanOptions::default(), &push(BEFORE), &|_| {
            false
        });
        assert_eq!(missing, audit);
    }

    #[test]
    fn a_push_whose_head_is_not_usable_checks_up_to_head() {
        let ci = Ci {
            after: Some("HEAD~3".to_owned()),
            ..push(BEFORE)
        };
        assert_eq!(decide(Asked::Auto, &ci), range(&format!("{BEFORE}..HEAD")));
    }

    #[test]
    fn a_schedule_or_manual_run_audits_the_checkout() {
        for event in ["schedule", "workflow_dispatch"] {
            let ci = Ci {
                event: Some(event.to_owned()),
                ..in_ci()
            };
            assert_eq!(decide(Asked::Auto, &ci), Plan::Audit { no_ignore: false });
        }
    }

    #[test]
    fn flags_win_over_what_ci_says() {
        let ci = Ci {
            base_ref: Some("main".to_owned()),
            ..push(BEFORE)
        };
        assert_eq!(decide(Asked::Staged, &ci), Plan::PreCommit);
        assert_eq!(decide(Asked::All, &ci), Plan::Audit { no_ignore: false });
        assert_eq!(
            decide(Asked::Range("v1..v2".to_owned()), &ci),
            range("v1..v2")
        );
        assert_eq!(
            decide(
                Asked::History {
                    since: Some("v1".to_owned())
                },
                &ci
            ),
            Plan::History {
                since: Some("v1".to_owned())
            }
        );
    }

    #[test]
    fn options_reach_the_plan_they_refine() {
        let options = PlanOptions {
            per_commit: true,
            no_ignore: true,
        };
        let never = |_: &str| false;
        assert_eq!(
            Plan::decide(
                &Asked::Range("main".to_owned()),
                options,
                &Ci::default(),
                &never
            ),
            Plan::Range {
                spec: "main".to_owned(),
                per_commit: true
            }
        );
        assert_eq!(
            Plan::decide(&Asked::All, options, &Ci::default(), &never),
            Plan::Audit { no_ignore: true }
        );
    }

    #[test]
    fn every_plan_runs_hygiene_and_says_so() {
        for plan in [
            Plan::PreCommit,
            range("main"),
            Plan::History { since: None },
            Plan::Audit { no_ignore: false },
        ] {
            let text = plan.description();
            assert!(
                text.contains("gitignore") || text.contains("hygiene"),
                "{text}"
            );
        }
    }
}
