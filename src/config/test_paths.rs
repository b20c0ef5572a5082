//! Which paths are test fixtures': the one documented list of where test code and fixtures
//! live ([`BUILTIN_TEST_PATHS`]) and what a `.leakgate.toml` adds to it (`[confidence]
//! test_paths`) or puts in its place (`builtin_test_paths = false`), compiled into
//! [`TestFixtures`]. A finding at such a path is reported one level lower in confidence (the
//! scan pipeline does that); it lives here so that loading a configuration validates the
//! patterns it adds, as they will be used.
//!
//! Patterns are gitignore-style globs: one without a `/` matches a name at any depth
//! (`*_test.go`), a trailing `/` means a directory and everything in it (`tests/`), any other
//! `/` anchors the pattern at the top (`src/qa/`).

use crate::rules::PatternError;

/// Where test code and fixtures live, by convention, across languages: directories (`/` at
/// the end) and file names. Case matters (`Tests/` and `tests/` are both listed).
pub const BUILTIN_TEST_PATHS: &[&str] = &[
    // Directories.
    "test/",
    "tests/",
    "Test/",
    "Tests/",
    "testdata/",
    "test-data/",
    "test_data/",
    "fixtures/",
    "fixture/",
    "__fixtures__/",
    "__tests__/",
    "__mocks__/",
    "mocks/",
    "spec/",
    "specs/",
    "*.Tests/",
    "*.UnitTests/",
    // Go, Python, Ruby, Elixir, Dart.
    "*_test.go",
    "*_test.py",
    "test_*.py",
    "conftest.py",
    "*_spec.rb",
    "*_test.rb",
    "*_test.exs",
    "*_test.dart",
    // JavaScript and TypeScript (`app.test.ts`, `app.spec.jsx`), and any `*.spec.*`.
    "*.test.js",
    "*.test.ts",
    "*.test.jsx",
    "*.test.tsx",
    "*.test.mjs",
    "*.test.cjs",
    "*.spec.*",
    // JVM, .NET, PHP, Swift.
    "*Test.java",
    "*Tests.java",
    "*IT.java",
    "*Test.kt",
    "*Tests.kt",
    "*Spec.scala",
    "*Test.scala",
    "*Test.cs",
    "*Tests.cs",
    "*Test.php",
    "*Tests.swift",
];

/// The compiled test-fixture globs.
#[derive(Debug, Clone, Default)]
pub struct TestFixtures {
    /// Whether the built-in list applies.
    builtin: bool,
    /// The built-in list, compiled the first time a path is judged: ~5M instructions that a
    /// run with no finding (every pre-commit hook on a clean change) need not pay.
    builtin_set: std::sync::OnceLock<Option<globset::GlobSet>>,
    /// The configuration's own patterns, compiled at once (an error is the configuration's).
    extra: Option<globset::GlobSet>,
}

impl TestFixtures {
    /// The built-in list (when `builtin`) and `extra`. An error names the position of the
    /// pattern in `extra` that does not compile (the built-in ones always compile).
    pub fn new(builtin: bool, extra: &[String]) -> Result<Self, PatternError> {
        let patterns: Vec<String> = extra.iter().map(|p| anchored(p)).collect();
        let extra = crate::rules::compile_globs(&patterns)?;
        Ok(TestFixtures {
            builtin,
            builtin_set: std::sync::OnceLock::new(),
            extra,
        })
    }

    /// The built-in list alone.
    pub fn builtin() -> Self {
        TestFixtures {
            builtin: true,
            ..TestFixtures::default()
        }
    }

    /// Is `path` (`/`-separated, relative) a test fixture's?
    pub fn contains(&self, path: &str) -> bool {
        let builtin = || {
            self.builtin_set
                .get_or_init(|| {
                    let patterns: Vec<String> =
                        BUILTIN_TEST_PATHS.iter().map(|p| anchored(p)).collect();
                    // Tested to compile; no set (nothing matches) is the fallback that
                    // cannot happen.
                    crate::rules::compile_globs(&patterns).ok().flatten()
                })
                .as_ref()
                .is_some_and(|set| set.is_match(path))
        };
        self.extra.as_ref().is_some_and(|set| set.is_match(path)) || (self.builtin && builtin())
    }
}

/// A gitignore-style pattern in the form [`crate::rules::compile_globs`] takes (where a
/// pattern without `/` matches at any depth and one with `/` is anchored): `tests/` becomes
/// `**/tests/**`, `src/qa/` `src/qa/**`, `/x` `x`.
fn anchored(pattern: &str) -> String {
    let (body, directory) = match pattern.strip_suffix('/') {
        Some(body) => (body, true),
        None => (pattern, false),
    };
    let rooted = body.starts_with('/');
    let body = body.trim_start_matches('/');
    let prefix = if rooted || body.contains('/') {
        ""
    } else {
        "**/"
    };
    let suffix = if directory { "/**" } else { "" };
    format!("{prefix}{body}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_list_knows_test_layouts_and_leaves_application_code_alone() {
        let fixtures = TestFixtures::builtin();
        for path in [
            "tests/conf.py",
            "pkg/test/a.env",
            "internal/db/testdata/x.json",
            "a/test-data/b",
            "fixtures/keys.yml",
            "web/src/__tests__/api.js",
            "spec/models/user_spec.rb",
            "client/mocks/server.ts",
            "db/conn_test.go",
            "app/test_settings.py",
            "app/settings_test.py",
            "src/api.test.ts",
            "src/api.spec.js",
            "src/main/java/AuthTest.java",
            "Api.Tests/Config.cs",
            "src/LoginTests.cs",
        ] {
            assert!(fixtures.contains(path), "{path}");
        }
        for path in [
            "src/app.py",
            "config/settings.env",
            "contest/entry.py",
            "latest/notes.md",
            "src/attestation.go",
            "testimonials/a.txt",
            "src/spectrum.js",
        ] {
            assert!(!fixtures.contains(path), "{path}");
        }
    }

    #[test]
    fn configured_patterns_add_to_or_replace_the_builtin_list() {
        let extra = vec!["qa/".to_owned(), "src/samples/*.env".to_owned()];
        let added = TestFixtures::new(true, &extra).expect("compiles");
        assert!(added.contains("tests/a.py") && added.contains("x/qa/b.py"));
        assert!(added.contains("src/samples/a.env") && !added.contains("x/src/samples/a.env"));
        let replaced = TestFixtures::new(false, &extra).expect("compiles");
        assert!(!replaced.contains("tests/a.py") && replaced.contains("qa/b.py"));
        let none = TestFixtures::new(false, &[]).expect("compiles");
        assert!(!none.contains("tests/a.py"));
        let bad = TestFixtures::new(true, &["ok/".to_owned(), "{a,b".to_owned()]);
        assert_eq!(bad.expect_err("bad glob").position, Some(2));
    }
}
