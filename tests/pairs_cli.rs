//! Paired credentials through the built binary: a rule with `[rule.requires]` reports its secret
//! only when the partner it names is within `within_lines` lines, as one finding that carries
//! the partner's position (`related`) in every format, with the fingerprint the secret alone
//! would have under the same rule id.

mod common;

use common::*;

/// An AWS key id and secret key written positionally, so that only the paired rule can tell
/// what the secret is: `gap` lines between them.
fn aws_pair(seed: u64, gap: usize) -> (String, String, String) {
    let key_id = fake("AKIA", seed, 16, UPPER32);
    let secret = random(seed + 1, 40, BASE64);
    let text = format!(
        "import boto3\ncreds = (\"{key_id}\",{}\n         \"{secret}\")\n",
        "\n         #".repeat(gap)
    );
    (key_id, secret, text)
}

const PAIR: &str = "aws-secret-key-with-key-id";

#[test]
fn both_halves_give_one_finding_with_both_locations_in_every_format() {
    let (key_id, secret, text) = aws_pair(9201, 2);
    let tree = Tree::new();
    tree.write("deploy/creds.py", &text);

    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    let pairs: Vec<_> = run
        .findings()
        .into_iter()
        .filter(|f| f["rule"] == PAIR)
        .collect();
    assert_eq!(pairs.len(), 1, "{:?}", run.findings());
    let f = pairs[0];
    // The secret half is the finding's position; the key id is on line 2, column 11.
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(5), Some(11))
    );
    assert_eq!(f["related"], serde_json::json!([{"line": 2, "column": 11}]));
    // The key id is its own provider finding; the pair is reported once.
    let rules: Vec<&str> = run
        .findings()
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(rules, ["aws-access-key-id", PAIR]);

    let human = tree
        .leakgate()
        .args(["scan", ".", "--color", "never"])
        .output()
        .expect("runs");
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains("= note: paired with the credential's other half at deploy/creds.py:2:11"),
        "{human}"
    );

    let sarif = tree
        .leakgate()
        .args(["scan", ".", "--format", "sarif"])
        .output()
        .expect("runs");
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("SARIF is JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let result = results
        .iter()
        .find(|r| r["ruleId"] == PAIR)
        .expect("the pair's result");
    let related = &result["relatedLocations"][0]["physicalLocation"];
    assert_eq!(related["artifactLocation"]["uri"], "deploy/creds.py");
    assert_eq!(
        related["region"],
        serde_json::json!({"startLine": 2, "startColumn": 11})
    );
    assert!(
        results
            .iter()
            .filter(|r| r["ruleId"] != PAIR)
            .all(|r| r.get("relatedLocations").is_none())
    );

    let github = tree
        .leakgate()
        .args(["scan", ".", "--format", "github"])
        .output()
        .expect("runs");
    let github = String::from_utf8_lossy(&github.stdout);
    assert!(
        github
            .lines()
            .any(|l| l.contains(PAIR) && l.contains("paired with line 2, column 11")),
        "{github}"
    );

    // Neither half leaks in any format.
    for output in [run.stdout.as_str(), &human, &sarif.to_string(), &github] {
        assert!(!output.contains(&secret[..20]) && !output.contains(&key_id[4..]));
    }
}

#[test]
fn the_secret_half_alone_or_too_far_from_its_partner_is_not_reported() {
    let (_, secret, _) = aws_pair(9211, 0);
    let tree = Tree::new();
    tree.write(
        "alone.py",
        format!("creds = (\"deploy\",\n         \"{secret}\")\n"),
    );
    // `within_lines = 5`: five lines between the halves is near enough, six is not.
    let (_, _, near) = aws_pair(9212, 4);
    let (_, _, far) = aws_pair(9213, 5);
    tree.write("near.py", &near);
    tree.write("far.py", &far);
    let run = run_json(tree.leakgate().args(["scan", "."]));
    let pairs: Vec<(String, u64)> = run
        .findings()
        .iter()
        .filter(|f| f["rule"] == PAIR)
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(pairs, [("near.py".to_owned(), 7)], "{:?}", run.findings());
}

/// A custom pair rule, and the same rule without `requires`.
fn acme_rule(requires: bool) -> String {
    let mut rule = String::from(
        r#"[[rules.custom]]
id = "acme-secret"
description = "ACME secret next to its tenant"
keywords = ["acme"]
regex = '''\b(?P<secret>acs_[A-Za-z0-9]{32})\b'''
examples = ['''acme.connect("tn_4242", "acs_Zk3MvT9qLw2RcX8bNp5HyJ4dFg7sAe1u")''']
"#,
    );
    if requires {
        rule.push_str(
            "\n[rules.custom.requires]\nregex = '''\\btn_[0-9]{4}\\b'''\nwithin_lines = 2\n",
        );
    }
    rule
}

#[test]
fn a_pair_keeps_the_fingerprint_its_secret_has_alone_under_the_same_rule() {
    let secret = fake("acs_", 9221, 32, ALNUM);
    let tree = Tree::new();
    tree.write(".leakgate.toml", acme_rule(true));
    tree.write(
        "acme.py",
        format!("acme.connect(\"tn_1234\",\n  # prod\n  \"{secret}\")\n"),
    );
    let run = run_json(tree.leakgate().args(["scan", "acme.py"]));
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    let found = run.findings();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["rule"], "acme-secret");
    assert_eq!(
        found[0]["related"],
        serde_json::json!([{"line": 1, "column": 15}])
    );
    let paired = found[0]["fingerprint"].clone();

    // Three lines apart with `within_lines = 2`: nothing.
    tree.write(
        "acme.py",
        format!("acme.connect(\"tn_1234\",\n  #\n  # prod\n  \"{secret}\")\n"),
    );
    let run = run_json(tree.leakgate().args(["scan", "acme.py"]));
    assert_eq!(run.status, Some(0), "{:?}", run.findings());

    // The secret alone, under the same rule id without `requires`.
    tree.write(".leakgate.toml", acme_rule(false));
    tree.write("acme.py", format!("acme.connect(\"{secret}\")\n"));
    let run = run_json(tree.leakgate().args(["scan", "acme.py"]));
    let found = run.findings();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].get("related").is_none());
    assert_eq!(found[0]["fingerprint"], paired);
}

#[test]
fn another_rule_reporting_the_same_secret_keeps_it_and_shows_the_partner() {
    // `AWS_SECRET_ACCESS_KEY=…` is the secret-named-key rule's; the pair rule only lends the
    // key id's position, so adding it changes no existing finding's rule or fingerprint.
    let key_id = fake("AKIA", 9231, 16, UPPER32);
    let secret = random(9232, 40, BASE64);
    let tree = Tree::new();
    tree.write(
        ".env",
        format!("AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\n"),
    );
    let run = run_json(tree.leakgate().args(["scan", "."]));
    let found = run.findings();
    let rules: Vec<&str> = found
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(rules, ["aws-access-key-id", "aws-secret-access-key"]);
    assert_eq!(
        found[1]["related"],
        serde_json::json!([{"line": 1, "column": 19}])
    );
}

#[test]
fn a_pair_rule_that_searches_too_far_is_a_rule_error() {
    let tree = Tree::new();
    tree.write(
        ".leakgate.toml",
        acme_rule(true).replace("within_lines = 2", "within_lines = 5000"),
    );
    let output = tree.leakgate().args(["scan", "."]).output().expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("at most 50 lines"), "{stderr}");
}

#[test]
fn many_candidates_without_a_partner_scan_in_linear_time() {
    // `asia` is a keyword of the AWS pair (`ASIA…` key ids, matched case-insensitively): every
    // line is searched and holds forty secret-shaped strings, and no partner. Each region's
    // partners are looked for once and each candidate looks at its nearest two, so this is
    // quick; a search per candidate over the file would take minutes.
    let mut text = String::new();
    for line in 0..1000u64 {
        for i in 0..40u64 {
            text.push_str(&format!(
                "asia \"{}\", ",
                random(line * 100 + i, 40, BASE64)
            ));
        }
        text.push('\n');
    }
    let tree = Tree::new();
    tree.write("dump.txt", &text);
    let started = std::time::Instant::now();
    let run = run_json(tree.leakgate().args(["scan", "dump.txt"]));
    assert_eq!(run.status, Some(0), "{:?}", run.findings().first());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}

/// Several pairs in one file, close enough that their search regions meet: each secret is paired
/// with the key id beside it (the second key id carries the region on to its secret), and a
/// secret whose nearest key id is more than five lines away is not.
#[test]
fn pairs_close_together_each_find_their_own_partner() {
    let (_, _, first) = aws_pair(9221, 1);
    let (_, _, second) = aws_pair(9222, 3);
    let (_, lone, _) = aws_pair(9223, 0);
    let text = format!(
        "{first}# one\n{second}{}creds = (\"deploy\",\n         \"{lone}\")\n",
        "# filler\n".repeat(5)
    );
    let tree = Tree::new();
    tree.write("creds.py", &text);
    let run = run_json(tree.leakgate().args(["scan", "."]));
    let pairs: Vec<(u64, serde_json::Value)> = run
        .findings()
        .iter()
        .filter(|f| f["rule"] == PAIR)
        .map(|f| (f["line"].as_u64().unwrap_or_default(), f["related"].clone()))
        .collect();
    // first: key id on line 2, secret on line 4; second: key id on line 7, secret on line 11;
    // the lone secret on line 18 is 11 lines below the second key id.
    assert_eq!(
        pairs,
        [
            (4, serde_json::json!([{"line": 2, "column": 11}])),
            (11, serde_json::json!([{"line": 7, "column": 11}])),
        ],
        "{:?}",
        run.findings()
    );
}

/// A line dense with a paired rule's keyword costs its length once: each keyword inside the
/// last region may carry the region further down, and that is asked once a line, not once a
/// keyword. Asked once a keyword, each read the lines below it up to `within_lines` windows
/// (in a debug build, 4 MB took 5.5 s with 50 against 1.5 s with 0): the two are compared.
#[test]
fn a_line_dense_with_a_paired_keyword_scans_in_linear_time() {
    let time_with = |within: usize| {
        let tree = Tree::new();
        tree.write(
            ".leakgate.toml",
            format!(
                "[[rules.custom]]\nid = \"custom-pair\"\ndescription = \"a custom pair\"\n\
                 keywords = ['zq']\nregex = \'\'\'zq(?P<secret>[0-9a-f]{{32}})\'\'\'\n\
                 examples = [\"zq8f3a9c1e7b2d4f6a0c5e9b1d3f7a2c4e partnerid123456\"]\n\
                 [rules.custom.requires]\nregex = \'\'\'\\bpartnerid[0-9]{{6}}\\b\'\'\'\n\
                 within_lines = {within}\n"
            ),
        );
        tree.write("dense.txt", format!("{}\n", "zq".repeat(2_000_000)));
        let started = std::time::Instant::now();
        let run = run_json(tree.leakgate().args(["scan", "dense.txt"]));
        assert_eq!(run.status, Some(0), "{}", run.stderr);
        started.elapsed()
    };
    let (near, far) = (time_with(0), time_with(50));
    assert!(far < near * 2, "within_lines 0: {near:?}, 50: {far:?}");
}
