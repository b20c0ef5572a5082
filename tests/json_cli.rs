//! JSON-aware scanning driven through the binary: escaped secrets inside JSON strings are found
//! at their original line and column with their JSON pointer, in every mode.

mod common;

use common::*;

/// `s` with every character written as a `\uXXXX` escape.
fn unicode_escaped(s: &str) -> String {
    s.chars().map(|c| format!("\\u{:04x}", c as u32)).collect()
}

#[test]
fn escaped_secrets_in_json_are_found_with_pointers() {
    let tree = Tree::new();
    let token = fake("ghp_", 80, 36, ALNUM);
    let secret = password(81);
    let pem = fake_pem(82).replace('\n', "\\n");
    let event = format!(
        "{{\n  \"type\": \"EFFECT_RESOLVED\",\n  \"data\": {{\n    \"error\": {{\n      \"message\": \"curl failed: {}\",\n      \"command\": \"psql \\\"password\\\": \\\"{secret}\\\"\",\n      \"key\": \"{pem}\"\n    }}\n  }}\n}}\n",
        unicode_escaped(&token)
    );
    tree.write("run/journal/000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json", &event);
    let run = run_json(tree.leakgate().arg("scan"));
    assert_eq!(run.status, Some(1));
    let found: Vec<(String, u64, String)> = run
        .findings()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
                f["json_pointer"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("github-pat".to_owned(), 5, "/data/error/message".to_owned()),
            (
                "generic-assignment".to_owned(),
                6,
                "/data/error/command".to_owned()
            ),
            ("private-key".to_owned(), 7, "/data/error/key".to_owned()),
        ]
    );
    // The column is where the escaped secret starts in the file.
    let first = run.findings()[0];
    assert_eq!(first["column"], 32);
    let text = &run.stdout;
    assert!(
        !text.contains(&token)
            && !text.contains(&secret)
            && !text.contains(&unicode_escaped(&token))
    );
}

#[test]
fn json_lines_with_a_truncated_line_are_reported_and_still_scanned() {
    let tree = Tree::new();
    let a = password(83);
    let b = password(84);
    tree.write(
        "session.jsonl",
        format!(
            "{{\"role\": \"user\", \"content\": \"export API_TOKEN=\\\"{a}\\\"\"}}\n{{\"role\": \"assistant\", \"content\": \n{{\"tool\": \"bash\", \"input\": \"{{\\\"cmd\\\": \\\"DB_PASSWORD=\\\\\\\"{b}\\\\\\\" ./run\\\"}}\"}}\n"
        ),
    );
    tree.write(
        "broken.json",
        format!("{{\"config\": {{\"api_key\": \"{}\",\n", password(85)),
    );
    let run = run_json(tree.leakgate().arg("scan"));
    assert_eq!(run.status, Some(1));
    assert_eq!(
        run.locations(),
        vec![
            loc("broken.json", 1),
            loc("session.jsonl", 1),
            loc("session.jsonl", 3)
        ],
        "the truncated file and the line after the truncated line are still scanned"
    );
    let invalid: Vec<_> = run
        .of_type("invalid_json")
        .iter()
        .map(|m| (m["path"].clone(), m["line"].clone()))
        .collect();
    assert_eq!(
        invalid,
        vec![
            ("broken.json".into(), 2.into()),
            ("session.jsonl".into(), 2.into())
        ]
    );
    assert_eq!(run.summary()["invalid_json"], 2);
}

fn loc(path: &str, line: u64) -> (String, u64) {
    (path.to_owned(), line)
}

#[test]
fn notebooks_and_staged_json_are_json_aware() {
    let repo = TestRepo::new();
    let token = fake("glpat-", 86, 20, ALNUM);
    let notebook = format!(
        "{{\"cells\": [{{\"cell_type\": \"code\", \"source\": [\"import os\\n\", \"os.environ[\\\"GITLAB_TOKEN\\\"] = \\\"{}\\\"\\n\"]}}]}}\n",
        unicode_escaped(&token)
    );
    repo.write("analysis.ipynb", notebook);
    repo.git(&["add", "-A"]);
    let (code, messages) = repo.scan_json(&["scan", "--staged"]);
    assert_eq!(code, Some(1));
    let found = findings(&messages);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["rule"], "gitlab-pat");
    assert_eq!(found[0]["json_pointer"], "/cells/0/source/1");
}

#[test]
fn hostile_json_gets_an_answer_not_a_crash() {
    let tree = Tree::new();
    let deep = format!(
        "{}\"{}\"{}",
        "[".repeat(200_000),
        password(87),
        "]".repeat(200_000)
    );
    tree.write("deep.json", deep);
    tree.write(
        "surrogate.json",
        "{\"a\": \"\\ud800 lone \\udc00 surrogates\"}\n",
    );
    let mut bad_utf8 = b"{\"a\": \"caf\xe9 \xff\"}\n".to_vec();
    bad_utf8.extend_from_slice(format!("{{\"api_key\": \"{}\"}}\n", password(88)).as_bytes());
    tree.write("latin1.jsonl", bad_utf8);
    let run = run_json(tree.leakgate().arg("scan"));
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert_eq!(run.locations(), vec![loc("latin1.jsonl", 2)]);
    assert_eq!(run.summary()["invalid_json"], 0);
}

#[test]
fn a_huge_single_line_json_string_is_scanned_or_skipped_with_a_reason() {
    let tree = Tree::new();
    // 9 MiB in one escaped JSON string on one line, with a secret near the end.
    let filler = "x\\n".repeat(3 * 1024 * 1024);
    let token = fake("ghp_", 110, 36, ALNUM);
    tree.write(
        "big.json",
        format!(
            "{{\"log\": \"{filler} token {}\"}}\n",
            unicode_escaped(&token)
        ),
    );
    let run = run_json(
        tree.leakgate()
            .args(["journal", "big.json"])
            .timeout(std::time::Duration::from_secs(60)),
    );
    assert_eq!(run.status, Some(1));
    assert_eq!(run.findings().len(), 1);
    assert_eq!(run.findings()[0]["json_pointer"], "/log");
    // Over the size limit a file the user named is not scanned: an error that says so.
    let run = run_json(
        tree.leakgate()
            .args(["journal", "big.json", "--max-file-size", "1MiB"]),
    );
    assert_eq!(run.status, Some(2));
    let errors = run.of_type("error");
    assert_eq!(errors.len(), 1);

    assert_eq!(errors[0]["path"], "big.json");
    assert!(
        errors[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("--max-file-size"))
    );
}
