//! Confidence after the scan: test fixtures lower a finding's confidence by one level, and
//! `--min-confidence` leaves out what is below it.
//!
//! A credential in a test fixture (`tests/`, `testdata/`, `*_test.go`, `*.spec.ts`, …) is less
//! likely to be live than one in application code, but test credentials do leak (a real key
//! pasted into a fixture to make a test pass), so it is reported one level lower rather than
//! skipped. Whether a path is a fixture's is decided here, once, for every source (working
//! tree, staged, range, history, journals), on the path the finding is reported at, after the
//! source's own post-pass (history reports each secret at its earliest path). A tree scan
//! judges the part of the path below the directory it was asked to scan, so scanning
//! `/home/test/app` does not make all of `app` a fixture.
//!
//! The list of fixture paths, built-in and configured, is [`TestFixtures`] (in the
//! configuration module, which validates what a `.leakgate.toml` adds).

use std::borrow::Cow;
use std::path::{Path, PathBuf};

pub use crate::config::test_paths::TestFixtures;
use crate::finding::{ByConfidence, Finding};
use crate::rules::Confidence;

/// `scan`'s (and `journal`'s) default `--min-confidence`: show everything found, and fail on
/// it, so a scan is a full inventory that says how many findings are low.
pub const SCAN_DEFAULT: Confidence = Confidence::Low;

/// `check`'s default `--min-confidence` (pre-commit and CI): medium and above block; a weak
/// literal password or a generic value in a test fixture is counted, not shown.
pub const CHECK_DEFAULT: Confidence = Confidence::Medium;

/// Lower the confidence of every finding whose path is a test fixture's, by one level, and
/// mark it. `inside` gives the part of a reported path to judge (see
/// [`relative_to_roots`]).
pub fn lower_test_fixtures(
    findings: &mut [Finding],
    fixtures: &TestFixtures,
    inside: &dyn Fn(&str) -> Cow<'_, str>,
) {
    for finding in findings {
        if fixtures.contains(&inside(&finding.path)) {
            finding.confidence = finding.confidence.lowered();
            finding.test_fixture = true;
        }
    }
}

/// The part of a working-tree path to judge: the fixture rule judges the layout of what is
/// scanned, not where it sits on the machine. A relative path (below the current directory,
/// where a project is scanned from) is judged as written. An absolute one, or one reached
/// through `..`, by its part below the deepest directory the user named
/// (`/home/test/app/src/a.py`, scanned as `/home/test/app`, is `src/a.py`, even from `/home`:
/// the `test` above what was named says nothing about the file), else below the current
/// directory, else by its file name alone.
pub fn relative_to_roots<'p>(path: &'p str, roots: &[PathBuf], cwd: &Path) -> Cow<'p, str> {
    let as_path = Path::new(path);
    let climbs = as_path
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir));
    if !as_path.is_absolute() && !climbs {
        return Cow::Borrowed(path);
    }
    let strip = |root: &Path| -> Option<&'p str> {
        let root = crate::input::display_path(root);
        let root = root.trim_end_matches('/');
        if root.is_empty() {
            return None;
        }
        path.strip_prefix(root)?.strip_prefix('/')
    };
    let below_root = roots
        .iter()
        .map(PathBuf::as_path)
        .filter_map(strip)
        .min_by_key(|rest| rest.len());
    let below = below_root.or_else(|| (!climbs).then(|| strip(cwd)).flatten());
    Cow::Borrowed(below.unwrap_or_else(|| path.rsplit('/').next().unwrap_or(path)))
}

/// What `--min-confidence` left out of a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hidden {
    /// The threshold in effect; `None` when nothing was filtered (every level shown).
    pub min: Option<Confidence>,
    /// The findings left out, by confidence.
    pub below: ByConfidence,
}

impl Hidden {
    /// The threshold in effect (`low`: everything is shown).
    pub fn min(&self) -> Confidence {
        self.min.unwrap_or(Confidence::Low)
    }
}

/// Leave out the findings below `min`: they are not reported and do not fail the run, but
/// are counted, so every summary says how many were not shown.
pub fn hide_below(findings: &mut Vec<Finding>, min: Confidence) -> Hidden {
    let mut below = ByConfidence::default();
    findings.retain(|f| {
        let shown = f.confidence >= min;
        if !shown {
            below.add(f.confidence);
        }
        shown
    });
    Hidden {
        min: Some(min),
        below,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::finding;
    use crate::rules::{RuleKind, Severity};

    #[test]
    fn a_tree_path_is_judged_below_the_scanned_directory() {
        let cwd = Path::new("/work/project");
        let roots = [PathBuf::from("/home/test/app"), PathBuf::from("tests")];
        let judged = |path| relative_to_roots(path, &roots, cwd).into_owned();
        assert_eq!(judged("/home/test/app/src/a.py"), "src/a.py");
        assert_eq!(judged("/home/test/app/tests/a.py"), "tests/a.py");
        // Relative paths are the project's layout, as written.
        assert_eq!(judged("tests/a.py"), "tests/a.py");
        assert_eq!(judged("src/a.py"), "src/a.py");
        // An absolute path below the current directory: the part below it.
        assert_eq!(judged("/work/project/tests/a.py"), "tests/a.py");
        // A named file outside the current directory and every root: its name alone.
        assert_eq!(judged("/srv/test/a_test.go"), "a_test.go");
        assert_eq!(judged("/srv/test/a.py"), "a.py");
        // A root named below the current directory wins over it: `scan $PWD/test/app` from
        // the directory above judges `src/settings.env`, not `test/app/src/settings.env`.
        let roots = [PathBuf::from("/work/project/test/app")];
        let judged = |path| relative_to_roots(path, &roots, cwd).into_owned();
        assert_eq!(
            judged("/work/project/test/app/src/settings.env"),
            "src/settings.env"
        );
        assert_eq!(judged("../test/a.py"), "a.py");
    }

    #[test]
    fn fixtures_lower_by_one_level_and_min_confidence_counts_what_it_hides() {
        let mut findings: Vec<Finding> = [
            ("src/a.py", Confidence::High),
            ("tests/a.py", Confidence::High),
            ("tests/b.py", Confidence::Medium),
            ("tests/c.py", Confidence::Low),
        ]
        .into_iter()
        .map(|(path, confidence)| {
            let mut f = finding(RuleKind::Token, Severity::High);
            f.path = path.to_owned();
            f.confidence = confidence;
            f
        })
        .collect();
        lower_test_fixtures(&mut findings, &TestFixtures::builtin(), &|p| {
            Cow::Borrowed(p)
        });
        let levels: Vec<(Confidence, bool)> = (findings.iter())
            .map(|f| (f.confidence, f.test_fixture))
            .collect();
        assert_eq!(
            levels,
            [
                (Confidence::High, false),
                (Confidence::Medium, true),
                (Confidence::Low, true),
                (Confidence::Low, true),
            ]
        );
        let hidden = hide_below(&mut findings, Confidence::Medium);
        assert_eq!(findings.len(), 2);
        assert_eq!(
            hidden.below,
            ByConfidence {
                high: 0,
                medium: 0,
                low: 2
            }
        );
        let hidden = hide_below(&mut findings, Confidence::High);
        assert_eq!((findings.len(), hidden.below.medium), (1, 1));
    }
}
