//! What `leakgate check` checks where it runs, decided once, here: the [`Plan`].
//!
//! - asked for explicitly: `--all` (a full audit), `--range`, `--history`, `--staged`;
//! - in CI (`CI` or `GITHUB_ACTIONS` set): a pull request's range (`GITHUB_BASE_REF`), a GitLab
//!   merge request's (`CI_MERGE_REQUEST_DIFF_BASE_SHA`), a push's range (the GitHub event
//!   payload's `before`, GitLab's `CI_COMMIT_BEFORE_SHA`, when that commit is in the checkout),
//!   otherwise (a schedule, a manual run, a push whose base is missing) a full audit of the
//!   checkout, saying why ([`Plan::decide_explained`]);
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
    /// `CI_MERGE_REQUEST_DIFF_BASE_SHA`: the commit a GitLab merge request's diff starts from.
    pub merge_request_base: Option<String>,
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
        // GitLab names a push's commits in variables, not a payload: a pipeline for a push
        // (not a merge request) has the commit before it in CI_COMMIT_BEFORE_SHA.
        let merge_request_base = value("CI_MERGE_REQUEST_DIFF_BASE_SHA");
        if set("GITLAB_CI")
            && merge_request_base.is_none()
            && event.is_none()
            && let Some(pipeline) = value("CI_PIPELINE_SOURCE").filter(|s| s == "push")
        {
            return Ci {
                detected: true,
                base_ref: None,
                merge_request_base,
                event: Some(pipeline),
                before: value("CI_COMMIT_BEFORE_SHA"),
                after: value("CI_COMMIT_SHA"),
            };
        }
        Ci {
            detected: set("CI") || set("GITHUB_ACTIONS"),
            base_ref: value("GITHUB_BASE_REF"),
            merge_request_base,
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

/// An event name safe to quote (`schedule`, `workflow_dispatch`): a CI variable could hold
/// anything, and a message never quotes what it cannot vouch for.
fn is_event_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 40
        && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
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
        Plan::decide_explained(asked, options, ci, has_commit).0
    }

    /// [`Plan::decide`], with a sentence saying why when CI was detected but nothing named a
    /// change to compare with, so the checkout is audited as a whole: a user who expected a
    /// pull request's range learns what was missing instead of meeting a silent full audit.
    pub fn decide_explained(
        asked: &Asked,
        options: PlanOptions,
        ci: &Ci,
        has_commit: &dyn Fn(&str) -> bool,
    ) -> (Plan, Option<String>) {
        match asked {
            Asked::All => {
                return (
                    Plan::Audit {
                        no_ignore: options.no_ignore,
                    },
                    None,
                );
            }
            Asked::Range(spec) => {
                return (
                    Plan::Range {
                        spec: spec.clone(),
                        per_commit: options.per_commit,
                    },
                    None,
                );
            }
            Asked::History { since } => {
                return (
                    Plan::History {
                        since: since.clone(),
                    },
                    None,
                );
            }
            Asked::Staged => return (Plan::PreCommit, None),
            Asked::Auto => {}
        }
        if !ci.detected {
            return (Plan::PreCommit, None);
        }
        let range = |spec: String| Plan::Range {
            spec,
            per_commit: options.per_commit,
        };
        if let Some(base) = &ci.base_ref {
            return (range(format!("origin/{base}...HEAD")), None);
        }
        let audit = |why: String| {
            let plan = Plan::Audit {
                no_ignore: options.no_ignore,
            };
            let text = format!(
                "CI detected, but {why}: checking the whole checkout (a full audit). To check only \
                 a change, pass --range BASE..HEAD"
            );
            (plan, Some(text))
        };
        if let Some(base) = &ci.merge_request_base {
            if is_commit_id(base) && has_commit(base) {
                return (range(format!("{base}..HEAD")), None);
            }
            return audit(format!(
                "the merge request's base commit (CI_MERGE_REQUEST_DIFF_BASE_SHA) is not in \
                 this checkout; fetch more history (GIT_DEPTH: 0) to check only the merge \
                 request{}",
                if is_commit_id(base) {
                    ""
                } else {
                    " (it is not a commit id)"
                }
            ));
        }
        if ci.event.as_deref() == Some("push") {
            let before = ci.before.as_deref().unwrap_or_default();
            if is_commit_id(before) && has_commit(before) {
                let head = (ci.after.as_deref())
                    .filter(|id| is_commit_id(id) && has_commit(id))
                    .unwrap_or("HEAD");
                return (range(format!("{before}..{head}")), None);
            }
            return audit(if before.bytes().all(|b| b == b'0') {
                "the push has no commit before it (a new branch, or no base recorded)".to_owned()
            } else if is_commit_id(before) {
                "the commit before the push is not in this checkout (a shallow clone: fetch \
                 more history, e.g. fetch-depth: 0)"
                    .to_owned()
            } else {
                "the push's base is not a commit id".to_owned()
            });
        }
        // CI without a change to compare with: audit the checkout.
        audit(match ci.event.as_deref() {
            Some(event) if is_event_name(event) => format!(
                "the {event} event names no change to compare with (no GITHUB_BASE_REF, \
                 CI_MERGE_REQUEST_DIFF_BASE_SHA or push base)"
            ),
            _ => "no base to compare with was found (no GITHUB_BASE_REF for a pull request, \
                  CI_MERGE_REQUEST_DIFF_BASE_SHA for a GitLab merge request, or push event)"
                .to_owned(),
        })
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
    fn an_audit_in_ci_says_why_and_a_range_does_not() {
        let (plan, why) =
            Plan::decide_explained(&Asked::Auto, PlanOptions::default(), &in_ci(), &|_| true);
        assert_eq!(plan, Plan::Audit { no_ignore: false });
        assert!(why.is_some_and(|w| w.contains("GITHUB_BASE_REF") && w.contains("--range")));
        let (_, why) = Plan::decide_explained(
            &Asked::Auto,
            PlanOptions::default(),
            &push(&"0".repeat(40)),
            &|_| true,
        );
        assert!(why.is_some_and(|w| w.contains("new branch")));
        let (_, why) =
            Plan::decide_explained(&Asked::Auto, PlanOptions::default(), &push(BEFORE), &|_| {
                false
            });
        assert!(why.is_some_and(|w| w.contains("shallow")));
        let (_, why) =
            Plan::decide_explained(&Asked::Auto, PlanOptions::default(), &push(BEFORE), &|_| {
                true
            });
        assert_eq!(why, None);
        let (_, why) =
            Plan::decide_explained(&Asked::All, PlanOptions::default(), &in_ci(), &|_| true);
        assert_eq!(why, None, "asked for: nothing to explain");
    }

    #[test]
    fn a_gitlab_merge_request_checks_from_its_diff_base() {
        let ci = Ci {
            merge_request_base: Some(BEFORE.to_owned()),
            ..in_ci()
        };
        assert_eq!(decide(Asked::Auto, &ci), range(&format!("{BEFORE}..HEAD")));
        let (plan, why) =
            Plan::decide_explained(&Asked::Auto, PlanOptions::default(), &ci, &|_| false);
        assert_eq!(plan, Plan::Audit { no_ignore: false });
        assert!(why.is_some_and(|w| w.contains("CI_MERGE_REQUEST_DIFF_BASE_SHA")));
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
