//! Configuration errors point at the line and column without printing a value: a configuration
//! holds allowlisted secrets, stopwords and rule examples copied from real findings, and an error
//! ends up in CI logs like any other output.

mod common;

use common::*;

/// Does `haystack` hold any 12-character piece of `secret`?
fn leaks(haystack: &str, secret: &str) -> bool {
    let chars: Vec<char> = secret.chars().collect();
    chars
        .windows(12.min(chars.len()))
        .any(|w| haystack.contains(&w.iter().collect::<String>()))
}

#[test]
fn configuration_errors_mask_values_and_point_at_the_spot() {
    let s = random(900, 28, ALNUM);
    let token = fake("ghp_", 901, 36, ALNUM);
    // (what, file, text, where the error is: "line:column" shown by the report)
    let cases: Vec<(&str, &str, String, &str)> = vec![
        (
            "an unterminated string",
            ".leakgate.toml",
            format!("[allowlist]\nstopwords = [\"{s}\n"),
            ":2:",
        ),
        (
            "a bad allowlist regex",
            ".leakgate.toml",
            format!("[allowlist]\nregexes = ['''{s}(''']\n"),
            ":2:",
        ),
        (
            "an unknown key",
            ".leakgate.toml",
            format!("[allowlist]\nstopwords = [\"dummy\"]\npathz = [\"{s}\"]\n"),
            ":3:",
        ),
        (
            "a bad glob",
            ".leakgate.toml",
            format!("[allowlist]\npaths = [\"{s}[\"]\n"),
            ":2:",
        ),
        (
            "a TOML syntax error",
            ".leakgate.toml",
            format!("[allowlist]\nstopwords = [\"x\"]\nsecret = {s} {s}\n"),
            ":3:",
        ),
        (
            "a value of the wrong type",
            ".leakgate.toml",
            format!("[allowlist]\npaths = \"{s}\"\n"),
            ":2:",
        ),
        (
            "an unknown severity",
            ".leakgate.toml",
            format!("[rules]\nseverity = {{ jwt = \"{s}\" }}\n"),
            ":2:",
        ),
        (
            "a credential pasted as a key",
            ".leakgate.toml",
            format!("[allowlist]\n{token} = 1\n"),
            ":2:",
        ),
        (
            "a custom rule with a bad regex",
            ".leakgate.toml",
            format!(
                "[[rules.custom]]\nid = \"mine\"\ndescription = \"d\"\nkeywords = [\"zz_\"]\nregex = '''{s}('''\nexamples = [\"x\"]\n"
            ),
            ":2:",
        ),
        (
            "an unterminated string in a gitleaks configuration",
            ".gitleaks.toml",
            format!("[[rules]]\nid = \"r\"\nregex = \"{s}\nkeywords = [\"k\"]\n"),
            ":3:",
        ),
    ];
    let mut failures = Vec::new();
    for (what, file, text, spot) in &cases {
        let tree = Tree::new();
        tree.write("src/app.py", "print('hello')\n");
        tree.write(file, text);
        let mut command = tree.leakgate();
        command.env("NO_COLOR", "1").arg("scan");
        if *file != ".leakgate.toml" {
            command.args(["--config", file]);
        }
        let output = command.output().expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let all = format!("{stdout}{stderr}");
        if output.status.code() != Some(2) {
            failures.push(format!("{what}: exit {:?}\n{all}", output.status.code()));
        } else if leaks(&all, &s) || all.contains(&token) {
            failures.push(format!("{what}: prints the value\n{all}"));
        } else if !stderr.contains(&format!("{file}{spot}")) {
            failures.push(format!("{what}: does not point at {file}{spot}\n{all}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
