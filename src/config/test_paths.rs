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
    builtin: bool,
    extra: Option<globset::GlobSet>,
}

impl TestFixtures {
    pub fn new(builtin: bool, extra: &[String]) -> Result<Self, PatternError> {
        let patterns: Vec<String> = extra.iter().map(|p| anchored(p)).collect();
        let extra = crate::rules::compile_globs(&patterns)?;
        Ok(TestFixtures { builtin, extra })
    }

    pub fn builtin() -> Self {
        TestFixtures {
            builtin: true,
            ..TestFixtures::default()
        }
    }

    pub fn contains(&self, path: &str) -> bool {
        self.extra.as_ref().is_some_and(|set| set.is_match(path))
            || (self.builtin && in_builtin_test_path(path))
    }
}

/// Whether `path` matches one of [`BUILTIN_TEST_PATHS`], read as [`anchored`] globs, without
/// compiling them: each is a name with `*` and nothing else special, so a directory pattern
/// (`tests/`, `*.Tests/`) matches a component before the last and a file pattern
/// (`*_test.go`) the last one. Compiling the list into a glob set cost about 24 million
/// instructions (the first finding of every scan waited for it, after the walk);
/// `tests::builtin_paths_match_as_their_compiled_globs_do` holds the two to the same answers.
fn in_builtin_test_path(path: &str) -> bool {
    let (directories, name) = match path.rsplit_once('/') {
        Some((directories, name)) => (Some(directories), name),
        None => (None, path),
    };
    BUILTIN_TEST_PATHS
        .iter()
        .any(|pattern| match pattern.strip_suffix('/') {
            Some(directory) => directories.is_some_and(|directories| {
                (directories.split('/')).any(|component| wildcard(directory, component))
            }),
            None => wildcard(pattern, name),
        })
}

/// `text` matches `pattern`, in which `*` stands for any run of bytes (none included) and every
/// other byte for itself. Linear in practice: on a mismatch only the last `*` takes one more
/// byte.
fn wildcard(pattern: &str, text: &str) -> bool {
    let (pattern, text) = (pattern.as_bytes(), text.as_bytes());
    let (mut p, mut t) = (0, 0);
    let mut last_star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                last_star = Some((p, t));
                p += 1;
            }
            Some(&byte) if byte == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match last_star {
                Some((star, taken)) => {
                    last_star = Some((star, taken + 1));
                    p = star + 1;
                    t = taken + 1;
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&byte| byte == b'*')
}

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

    /// The built-in list read without compiling it gives, path for path, what the list compiled
    /// into globs (as configured patterns are) gives: over paths built from the pieces the
    /// patterns are made of, at every depth, with leading, doubled and trailing slashes.
    #[test]
    fn builtin_paths_match_as_their_compiled_globs_do() {
        for pattern in BUILTIN_TEST_PATHS {
            let body = pattern.strip_suffix('/').unwrap_or(pattern);
            assert!(
                !body.contains(['/', '?', '[', ']', '{', '}', '\\', '!']),
                "{pattern}: only `*` is read as special"
            );
        }
        let compiled: Vec<String> = BUILTIN_TEST_PATHS.iter().map(|p| anchored(p)).collect();
        let compiled = crate::rules::compile_globs(&compiled)
            .expect("the built-in list compiles")
            .expect("and is not empty");
        let pieces = [
            "",
            "x",
            ".",
            "*",
            "test",
            "Test",
            "tests",
            "Tests",
            "test_",
            "_test",
            ".test",
            "testdata",
            "test-data",
            "fixture",
            "fixtures",
            "__tests__",
            "__mocks__",
            "mocks",
            "spec",
            "specs",
            ".spec",
            ".spec.",
            "spec.",
            ".Tests",
            ".UnitTests",
            "UnitTests",
            "_test.go",
            ".go",
            ".py",
            "conftest.py",
            "_spec.rb",
            ".rb",
            ".test.js",
            ".js",
            ".ts",
            "Test.java",
            "Tests.java",
            "IT.java",
            ".java",
            "Test.kt",
            "Spec.scala",
            "Test.cs",
            "Tests.swift",
            "Test.php",
            "/",
            "//",
        ];
        let mut next = crate::testing::numbers(0x5851_f42d_4c95_7f2d_u64);
        let mut matched = 0;
        for _ in 0..60_000 {
            let path: String = (0..1 + next(8))
                .map(|_| pieces[next(pieces.len())])
                .collect();
            let expected = compiled.is_match(&path);
            assert_eq!(in_builtin_test_path(&path), expected, "{path:?}");
            matched += usize::from(expected);
        }
        // Both answers occur often enough for the comparison to mean something.
        assert!(
            (5_000..55_000).contains(&matched),
            "{matched} of 60,000 matched"
        );
    }

    #[test]
    fn a_wildcard_takes_any_run_of_bytes_and_nothing_else() {
        assert!(wildcard("*_test.go", "_test.go") && wildcard("*_test.go", "a_test_test.go"));
        assert!(wildcard("*.spec.*", ".spec.") && wildcard("*.spec.*", "a.spec.spec.b"));
        assert!(wildcard("test_*.py", "test_.py") && !wildcard("test_*.py", "test.py"));
        assert!(!wildcard("*_test.go", "a_test.gox") && !wildcard("conftest.py", "conftest.pyc"));
        assert!(wildcard("**", "") && !wildcard("a", ""));
    }

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
