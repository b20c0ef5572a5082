//! `.leakgate.toml`: layered configuration that tunes rules and allowlists without forking.

mod common;

use common::*;

fn tree_with_findings() -> (Tree, String) {
    let tree = Tree::new();
    let jwt = format!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ{}.{}",
        random(140, 30, ALNUM),
        random(141, 43, ALNUM)
    );
    tree.write("src/auth.py", format!("SESSION = '{jwt}'\n"));
    tree.write("src/db.env", format!("DB_PASSWORD={}\n", password(142)));
    tree.write(
        "fixtures/sample.env",
        format!("API_TOKEN={}\n", password(143)),
    );
    tree.write(
        "src/internal.py",
        format!("client = Acme('acme_{}')\n", random(144, 32, ALNUM)),
    );
    (tree, jwt)
}

fn rules_found(tree: &Tree, args: &[&str]) -> (Option<i32>, Vec<String>) {
    let run = run_json(tree.leakgate().arg("scan").args(args));
    let mut found: Vec<String> = run
        .findings()
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{}",
                f["path"].as_str().unwrap_or_default(),
                f["rule"].as_str().unwrap_or_default(),
                f["severity"].as_str().unwrap_or_default()
            )
        })
        .collect();
    found.sort();
    (run.status, found)
}

#[test]
fn configuration_tunes_rules_and_allowlists() {
    let (tree, _) = tree_with_findings();
    let (_, before) = rules_found(&tree, &[]);
    assert_eq!(
        before,
        vec![
            "fixtures/sample.env:generic-assignment:medium",
            "src/auth.py:jwt:medium",
            "src/db.env:generic-assignment:medium"
        ]
    );

    // Written at run time: the example token is built from pieces.
    let example = format!("acme_{}", random(145, 32, ALNUM));
    tree.write(
        ".leakgate.toml",
        format!(
            "[rules]\ndisable = [\"jwt\"]\nseverity = {{ generic-assignment = \"high\" }}\n\n[[rules.custom]]\nid = \"acme-token\"\ndescription = \"ACME internal token\"\nkeywords = [\"acme_\"]\nregex = '''\\b(?P<secret>acme_[A-Za-z0-9]{{32}})\\b'''\nexamples = [\"key = {example}\"]\nnegative_examples = [\"acme_short\"]\n\n[allowlist]\npaths = [\"fixtures/**\"]\n"
        ),
    );
    // The nearest .leakgate.toml applies from a subdirectory too.
    let sub = run_json(
        tree.leakgate()
            .current_dir(tree.child("src"))
            .args(["scan", "."]),
    );
    let sub_found = sub.findings().len();

    assert_eq!(sub_found, 2, "found from src/: db.env and internal.py");
    let (code, after) = rules_found(&tree, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        after,
        vec![
            "src/db.env:generic-assignment:high",
            "src/internal.py:acme-token:high"
        ]
    );

    // --config layers another file; --isolated ignores both.
    tree.write(
        "extra.toml",
        "[allowlist]\nstopwords = [\"acme_\"]\nlines = [\"DB_PASSWORD=\"]\n",
    );
    let (_, layered) = rules_found(&tree, &["--config", "extra.toml"]);
    assert!(
        layered.is_empty(),
        "stopword and line allowlists: {layered:?}"
    );
    let (_, isolated) = rules_found(&tree, &["--isolated"]);
    assert_eq!(isolated, before);

    let dump = tree
        .leakgate()
        .args(["scan", "--dump-config", "--config", "extra.toml"])
        .output()
        .expect("run");
    assert_eq!(dump.status.code(), Some(0));
    let text = String::from_utf8_lossy(&dump.stdout);
    assert!(
        text.contains("# layered: ")
            && text.contains("disable = [\"jwt\"]")
            && text.contains("stopwords = [\"acme_\"]"),
        "{text}"
    );
}

#[test]
fn size_limits_and_required_gitignore_patterns() {
    let repo = TestRepo::new();
    repo.write(
        ".gitignore",
        ".env\n.env.*\n!.env.example\n.a5c/\n*.pem\n*.key\ncredentials.json\n*.secrets\n",
    );
    repo.write(
        "big.env",
        format!("{}\nAPI_TOKEN={}\n", "#".repeat(4096), password(146)),
    );
    repo.write(
        ".leakgate.toml",
        "[scan]\nmax_file_size = \"1KiB\"\n\n[gitignore]\nrequired = [\"*.p12\"]\n",
    );
    repo.commit_all("base");
    let (code, messages) = repo.scan_json(&["scan"]);
    assert_eq!(code, Some(0));
    assert_eq!(summary(&messages)["skipped"]["too_large"], 1);
    // A flag beats the file.
    let (code, _) = repo.scan_json(&["scan", "--max-file-size", "1MiB"]);
    assert_eq!(code, Some(1));
    let output = repo
        .leakgate()
        .args(["gitignore", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("nothing covers `*.p12`"));
}

#[test]
fn configuration_errors_point_at_the_line() {
    let tree = Tree::new();
    tree.write(
        ".leakgate.toml",
        "[rules]\ndisable = [\"jwt\"]\n\n[allowlist]\npathz = [\"x\"]\n",
    );
    let output = tree.leakgate().args(["scan"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown field `pathz`")
            && stderr.contains(".leakgate.toml")
            && stderr.contains("5 │"),
        "{stderr}"
    );

    tree.write(".leakgate.toml", "[allowlist]\nregexes = [\"(unclosed\"]\n");
    let output = tree.leakgate().args(["scan"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("bad allowlist regex"));

    tree.write(
        ".leakgate.toml",
        "[[rules.custom]]\nid = \"mine\"\ndescription = \"d\"\nkeywords = [\"zz_\"]\nregex = '''zz_[0-9]{8}'''\nexamples = [\"no match here\"]\n",
    );
    let output = tree.leakgate().args(["scan"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("custom rule `mine`: example 1 does not match")
    );

    tree.write(".leakgate.toml", "[rules]\ndisable = [\"no-such-rule\"]\n");
    let output = tree.leakgate().args(["scan"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no rule has this id"));
}

/// An allowlist line pattern that cannot be compiled the way the scanner uses it (bytes, no
/// Unicode classes) is an error naming the key, never silently dropped, and the error does not
/// quote the pattern.
#[test]
fn an_allowlist_line_pattern_that_cannot_compile_is_an_error() {
    let tree = Tree::new();
    tree.write(
        ".leakgate.toml",
        "[allowlist]\nlines = ['''\\p{Greek}zz_quoted''']\n",
    );
    tree.write("a.txt", "hello\n");
    let output = tree.leakgate().args(["scan", "."]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("allowlist.lines"), "{stderr}");
    assert!(!stderr.contains("zz_quoted"), "{stderr}");
}
