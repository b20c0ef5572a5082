//! A configuration is validated as it will be used: every allowlist pattern, wherever it is
//! written (`.leakgate.toml`'s allowlist and custom rules, a gitleaks configuration's global and
//! rule allowlists), is compiled the way the scanner compiles it, and one that does not compile
//! is an error naming the key and pointing at it, never a pattern silently dropped. Custom rules
//! from either kind of file go through one validator, whose errors read and point alike.

mod common;

use common::*;

/// Does `haystack` hold any 12-character piece of `secret`?
fn leaks(haystack: &str, secret: &str) -> bool {
    let chars: Vec<char> = secret.chars().collect();
    chars
        .windows(12.min(chars.len()))
        .any(|w| haystack.contains(&w.iter().collect::<String>()))
}

/// A pattern the scanner cannot compile (it matches bytes, without Unicode classes) although a
/// Unicode regex engine accepts it, and gitleaks' Go engine too: `\p{Greek}`, then a value that
/// must not appear in any output.
fn unicode_pattern(value: &str) -> String {
    format!("\\p{{Greek}}{value}")
}

#[test]
fn an_allowlist_pattern_the_scanner_cannot_compile_is_an_error_wherever_it_is_written() {
    let s = random(950, 28, ALNUM);
    let p = unicode_pattern(&s);
    let custom = |allowlist: &str| {
        format!(
            "[[rules.custom]]\nid = \"mine\"\ndescription = \"d\"\nkeywords = [\"zz_\"]\nregex = '''zz_[0-9]{{8}}'''\nexamples = [\"zz_12345678\"]\n{allowlist}"
        )
    };
    // (where, file, text, expected key, expected spot "file:line:")
    let cases: Vec<(&str, &str, String, &str, &str)> = vec![
        (
            "allowlist regexes",
            ".leakgate.toml",
            format!("[allowlist]\nregexes = ['''^ok$''', '''{p}''']\n"),
            "bad allowlist regex 2 in `allowlist.regexes`",
            ".leakgate.toml:2:",
        ),
        (
            "allowlist lines",
            ".leakgate.toml",
            format!("[allowlist]\nstopwords = [\"dummy\"]\nlines = ['''{p}''']\n"),
            "bad allowlist regex 1 in `allowlist.lines`",
            ".leakgate.toml:3:",
        ),
        (
            "a custom rule's allowlist",
            ".leakgate.toml",
            custom(&format!(
                "[rules.custom.allowlist]\nregexes = ['''{p}''']\n"
            )),
            "custom rule `mine`: bad allowlist regex 1 in `allowlist.regexes`",
            ".leakgate.toml:2:",
        ),
        (
            "a gitleaks global allowlist",
            ".gitleaks.toml",
            format!(
                "[[rules]]\nid = \"r\"\nregex = '''zz_[0-9]{{8}}'''\nkeywords = [\"zz_\"]\n\n[allowlist]\nregexes = ['''{p}''']\n"
            ),
            "bad allowlist regex 1 in `allowlist.regexes`",
            ".gitleaks.toml:7:",
        ),
        (
            "a gitleaks line allowlist",
            ".gitleaks.toml",
            format!(
                "[[rules]]\nid = \"r\"\nregex = '''zz_[0-9]{{8}}'''\nkeywords = [\"zz_\"]\n\n[[allowlists]]\nregexTarget = \"line\"\nregexes = ['''{p}''']\n"
            ),
            // `line` is a value in this file, so the message masks it in the key's name.
            "bad allowlist regex 1 in `allowlist.****s`",
            ".gitleaks.toml:8:",
        ),
        (
            "a gitleaks rule's allowlist",
            ".gitleaks.toml",
            format!(
                "[[rules]]\nid = \"r\"\nregex = '''zz_[0-9]{{8}}'''\nkeywords = [\"zz_\"]\n[[rules.allowlists]]\nregexes = ['''{p}''']\n"
            ),
            "custom rule `gitleaks-r`: bad allowlist regex 1 in `allowlist.regexes`",
            ".gitleaks.toml:2:",
        ),
    ];
    let mut failures = Vec::new();
    for (what, file, text, expected, spot) in &cases {
        let tree = Tree::new();
        tree.write("src/app.py", "print('hello')\n");
        tree.write(file, text);
        let mut command = tree.leakgate();
        command.env("NO_COLOR", "1").args(["scan", "src"]);
        if *file != ".leakgate.toml" {
            command.args(["--config", file]);
        }
        let output = command.output().expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let all = format!("{}{stderr}", String::from_utf8_lossy(&output.stdout));
        if output.status.code() != Some(2) {
            failures.push(format!("{what}: exit {:?}\n{all}", output.status.code()));
        } else if leaks(&all, &s) {
            failures.push(format!("{what}: prints the pattern\n{all}"));
        } else if !stderr.contains(expected) || !stderr.contains("fix it or remove it") {
            failures.push(format!("{what}: does not say `{expected}`\n{all}"));
        } else if !stderr.contains(spot) {
            failures.push(format!("{what}: does not point at {spot}\n{all}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A gitleaks rule that does not compile gets the error a `.leakgate.toml` custom rule gets:
/// the same words, pointing at the rule's id, quoting no pattern.
#[test]
fn a_bad_gitleaks_rule_is_reported_like_a_bad_custom_rule() {
    let s = random(951, 28, ALNUM);
    let cases = [
        (
            ".leakgate.toml",
            format!(
                "[scan]\nmax_file_size = \"1MiB\"\n\n[[rules.custom]]\nid = \"acme\"\ndescription = \"d\"\nkeywords = [\"k\"]\nregex = '''{s}('''\nexamples = [\"x\"]\n"
            ),
            "custom rule `acme`: bad regex:",
            ".leakgate.toml:5:",
        ),
        (
            ".gitleaks.toml",
            format!(
                "title = \"t\"\n\n[[rules]]\n\nid = \"acme\"\nregex = '''{s}('''\nkeywords = [\"k\"]\n"
            ),
            "custom rule `gitleaks-acme`: bad regex:",
            ".gitleaks.toml:5:",
        ),
    ];
    for (file, text, expected, spot) in cases {
        let tree = Tree::new();
        tree.write("src/app.py", "print('hello')\n");
        tree.write(file, &text);
        let mut command = tree.leakgate();
        command.env("NO_COLOR", "1").args(["scan", "src"]);
        if file != ".leakgate.toml" {
            command.args(["--config", file]);
        }
        let output = command.output().expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{file}: {stderr}");
        assert!(stderr.contains(expected), "{file}: {stderr}");
        assert!(stderr.contains(spot), "{file}: {stderr}");
        assert!(!leaks(&stderr, &s), "{file}: {stderr}");
    }
}
