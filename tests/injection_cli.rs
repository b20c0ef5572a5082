//! Untrusted strings on their way out: file names, JSON keys, git author names, hygiene paths,
//! journal file names, rule ids from a configuration and error messages quoting paths, all
//! chosen by whoever wrote what is scanned. On a terminal they must not act (no escape sequence,
//! no forged line, no bidi reordering); in a GitHub Actions log no line may run a workflow
//! command. Every fixture here is a real file, repository or run directory.

mod common;

use common::*;

/// A file name that clears the screen, forges a report line and reverses what follows it.
fn hostile_name() -> String {
    "evil\u{1b}[2J\nerror: fake\u{202e}hs.txt".to_owned()
}

/// Characters that act on a terminal rather than show: every control character but the line
/// feed that ends a line, bidi controls, zero-width and line-separator characters.
fn acting_chars(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(
                    c,
                    '\u{061c}'
                        | '\u{200b}'..='\u{200f}'
                        | '\u{2028}'..='\u{202e}'
                        | '\u{2060}'..='\u{2069}'
                        | '\u{feff}'
                )
        })
        .collect()
}

/// Both streams of a run are safe to print, and `shown` (the visible escape of the untrusted
/// text) is in one of them, so the text was printed rather than dropped.
fn assert_printed_escaped(output: &std::process::Output, shown: &str) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    for (stream, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        assert_eq!(
            acting_chars(text),
            Vec::<char>::new(),
            "{stream} holds characters that act on a terminal:\n{text}"
        );
    }
    assert!(
        stdout.contains(shown) || stderr.contains(shown),
        "expected {shown:?} in the output:\n{stdout}\n{stderr}"
    );
}

#[test]
fn file_names_and_json_keys_are_escaped_in_the_human_report() {
    let tree = Tree::new();
    let token = fake("ghp_", 700, 36, ALNUM);
    // The line itself carries bidi marks and a line separator: the snippet shows them replaced.
    tree.write(
        &hostile_name(),
        format!("TOKEN={token} # \u{200f}note\u{2028}\n"),
    );
    // A key holding ESC and a newline (as JSON escapes), and a file that does not parse, so its
    // name is printed once more in the note.
    tree.write(
        "keys.json",
        format!("{{\"a\\u001b[31m\\nb\": \"{token}\"}}\n"),
    );
    tree.write("broken\u{1b}]0;title\u{7}.json", "{\"x\": \n");
    let output = tree
        .leakgate()
        .args(["scan", ".", "--color", "never", "--verbose"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert_printed_escaped(&output, r"--> evil\x1b[2J\nerror: fake\u{202e}hs.txt:1:7");
    assert_printed_escaped(&output, r"keys.json:1:21 at /a\x1b[31m\nb");
    assert_printed_escaped(&output, r"note: broken\x1b]0;title\x07.json:2:1");
}

#[test]
fn author_names_and_rule_ids_from_the_repository_are_escaped() {
    let repo = TestRepo::new();
    repo.write("README.md", "hello\n");
    // A custom rule from the repository's own configuration (in the base commit: a range is
    // scanned with its base side's configuration), its id and description hostile.
    let sample = fake("acme_", 701, 32, ALNUM);
    repo.write(
        ".leakgate.toml",
        format!(
            "[[rules.custom]]\n\
             id = \"acme\\u001b]0;pwned\\u0007\"\n\
             description = \"ACME token\\u202e\"\n\
             keywords = [\"acme_\"]\n\
             regex = '''\\b(?P<secret>acme_[A-Za-z0-9]{{32}})\\b'''\n\
             examples = [\"token = {sample}\"]\n"
        ),
    );
    let base = repo.commit_all("base");
    repo.write(
        "app.py",
        format!("KEY = '{}'\n", fake("acme_", 702, 32, ALNUM)),
    );
    repo.git(&["add", "-A"]);
    repo.git(&[
        "-c",
        "user.name=Mallory\u{1b}[8m hidden",
        "commit",
        "-q",
        "-m",
        "add",
    ]);
    let output = repo
        .leakgate()
        .args([
            "scan",
            "--range",
            &format!("{base}..HEAD"),
            "--color",
            "never",
        ])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_printed_escaped(&output, r"by Mallory\x1b[8m hidden <alice@example.test>");
    assert_printed_escaped(&output, r"error[acme\x1b]0;pwned\x07]: ACME token\u{202e}");

    let listed = repo
        .leakgate()
        .args(["rules", "list"])
        .output()
        .expect("run");
    assert_eq!(listed.status.code(), Some(0));
    assert_printed_escaped(&listed, r"acme\x1b]0;pwned\x07");
}

#[test]
fn hygiene_paths_and_journal_file_names_are_escaped() {
    let repo = TestRepo::new();
    repo.write(".env.\u{1b}[31mprod", "A=1\n");
    repo.commit_all("env file");
    let output = repo
        .leakgate()
        .args(["gitignore", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert_printed_escaped(
        &output,
        r"error[tracked-secret-file]: `.env.\x1b[31mprod` is tracked",
    );

    let tree = Tree::new();
    let run = ".a5c/runs/01JAAAAAAAAAAAAAAAAAAAAAAA";
    tree.write(
        &format!("{run}/run.json"),
        r#"{"runId": "01JAAAAAAAAAAAAAAAAAAAAAAA", "processId": "p"}"#,
    );
    tree.write(&format!("{run}/journal/000001.\u{1b}[31m\nx.json"), "{}");
    let output = tree
        .leakgate()
        .args(["journal", ".a5c", "--verify", "--color", "never"])
        .output()
        .expect("run");
    assert_printed_escaped(&output, r"journal/000001.\x1b[31m\nx.json: ");
}

#[test]
fn fatal_errors_escape_the_paths_they_quote() {
    let tree = Tree::new();
    tree.write("a.txt", "nothing\n");
    let output = tree
        .leakgate()
        .args([
            "scan",
            ".",
            "--baseline",
            "missing\u{1b}[2J\n::add-mask::x\u{202e}",
        ])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert_printed_escaped(&output, r"missing\x1b[2J\n::add-mask::x\u{202e}");

    // A configuration the repository brings, quoted around the error it holds. Comments and
    // values are masked byte for byte (they may hold secrets), so nothing in them can act.
    tree.write(
        ".leakgate.toml",
        "[scan]\n# \u{1b}[2J\u{202e} cleared\nmax_file_size = 3\n",
    );
    let output = tree.leakgate().args(["scan", "."]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert_printed_escaped(&output, "# ******* *******");
}

/// Every line the runner would read (it splits on CR as well as LF), checked the way the runner
/// parses it: a line starting `::` after leading whitespace is a command, and so is `##[` anywhere.
/// Only leakgate's own annotations may be commands.
fn assert_no_injected_command(output: &std::process::Output) {
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        for line in text.split(['\n', '\r']) {
            assert!(!line.contains("##["), "{stream}: a v1 command: {line:?}");
            let Some(command) = line.trim_start().strip_prefix("::") else {
                continue;
            };
            let name = command
                .split([' ', ':'])
                .next()
                .unwrap_or_default()
                .to_owned();
            assert!(
                stream == "stdout" && ["error", "warning", "notice"].contains(&name.as_str()),
                "{stream}: an injected command {name:?}: {line:?}"
            );
            // Properties hold no `::` (escaped as %3A), so the first `::` ends them.
            let (properties, _) = command.split_once("::").expect("a well-formed annotation");
            assert!(!properties.contains('\n') && !properties.contains('\r'));
        }
    }
}

#[test]
fn github_format_lines_cannot_inject_workflow_commands() {
    let tree = Tree::new();
    let token = fake("ghp_", 703, 36, ALNUM);
    // Both files hold a secret and do not parse as JSON, so each name is printed twice: in an
    // annotation on stdout and in a note on stderr.
    tree.write(
        "x\n::stop-commands::token.json",
        format!("{{\"t\": \"{token}\",\n"),
    );
    tree.write("##[add-mask]y.json", format!("{{\"t\": \"{token}\",\n"));
    tree.write("z\r::add-mask::w.txt", format!("TOKEN={token}\n"));
    let output = tree
        .leakgate()
        .args(["scan", ".", "--format", "github", "--verbose"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert_no_injected_command(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    for file in [
        r"x\n%3A%3Astop-commands%3A%3Atoken.json",
        r"##\[add-mask]y.json",
        r"z\r%3A%3Aadd-mask%3A%3Aw.txt",
    ] {
        assert!(
            stdout.contains(&format!("::error file={file},line=1,")),
            "an annotation for {file}:\n{stdout}"
        );
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(r"note: x\n::stop-commands::token.json:2:1"),
        "{stderr}"
    );
}

#[test]
fn github_format_annotates_integrity_and_hygiene_problems() {
    let tree = Tree::new();
    let run = ".a5c/runs/01JAAAAAAAAAAAAAAAAAAAAAAA";
    tree.write(
        &format!("{run}/run.json"),
        r#"{"runId": "01JAAAAAAAAAAAAAAAAAAAAAAA", "processId": "p"}"#,
    );
    let event = "000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json";
    tree.write(
        &format!("{run}/journal/{event}"),
        "{\n  \"type\": \"RUN_CREATED\",\n  \"recordedAt\": \"2026-01-01T00:00:00.000Z\",\n  \
         \"data\": {},\n  \"checksum\": \"00\"\n}\n",
    );
    tree.write(&format!("{run}/journal/000002.\n::add-mask::x.json"), "{}");
    let output = tree
        .leakgate()
        .args(["journal", ".a5c", "--verify", "--format", "github"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert_no_injected_command(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "::error file={run}/journal/{event},title=leakgate%3A checksum-mismatch::run 01JAAAAAAAAAAAAAAAAAAAAAAA: journal/{event}: "
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "::warning file={run}/journal/000002.\\n%3A%3Aadd-mask%3A%3Ax.json,title=leakgate%3A unexpected-file::"
        )),
        "{stdout}"
    );

    let repo = TestRepo::new();
    repo.write(".env", "A=1\n");
    repo.commit_all("env file");
    let output = repo
        .leakgate()
        .args(["gitignore", "--format", "github"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert_no_injected_command(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(
            "::error file=.env,title=leakgate%3A tracked-secret-file::`.env` is tracked by git"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("::error file=.gitignore,title=leakgate%3A gitignore-gap::"),
        "{stdout}"
    );
}
