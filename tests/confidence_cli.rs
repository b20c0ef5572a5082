//! Confidence, through the built binary on real files and real git repositories: a test
//! fixture's finding is one level lower in every source; `--min-confidence` (and `[confidence]
//! min`) leaves out and counts what is below it, in every format; `check` hides low findings by
//! default and says so, `scan` shows and fails on them; confidence, not severity, decides what
//! blocks; every format carries a finding's confidence; baselines and fingerprints are
//! unaffected; `rules list` shows each rule's confidence.

mod common;

use common::*;

const GITIGNORE: &str =
    ".env\n.env.*\n!.env.example\n.a5c/\n*.pem\n*.key\ncredentials.json\n*.secrets\n";

fn ci_free(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_BASE_REF")
}

/// (path, rule, confidence, test_fixture) of each finding.
fn judged(run: &JsonRun) -> Vec<(String, String, String, bool)> {
    run.findings()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["confidence"].as_str().unwrap_or_default().to_owned(),
                f["test_fixture"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

fn row(path: &str, rule: &str, confidence: &str, fixture: bool) -> (String, String, String, bool) {
    (
        path.to_owned(),
        rule.to_owned(),
        confidence.to_owned(),
        fixture,
    )
}

/// Files holding a GitHub token (high) and a generic secret (medium), in application code and
/// in test fixtures of several layouts.
fn write_mixed(repo: &TestRepo, seed: u64) {
    let token = |n| fake("ghp_", seed + n, 36, ALNUM);
    let generic = |n| format!("API_TOKEN = '{}'\n", password(seed + n));
    repo.write("src/app.py", format!("GH = '{}'\n{}", token(1), generic(2)));
    repo.write("tests/conf.py", format!("GH = '{}'\n", token(3)));
    repo.write("pkg/db/conn_test.go", generic(4));
    repo.write("web/api.spec.ts", generic(5));
}

fn mixed_expected() -> Vec<(String, String, String, bool)> {
    vec![
        row("pkg/db/conn_test.go", "generic-assignment", "low", true),
        row("src/app.py", "github-pat", "high", false),
        row("src/app.py", "generic-assignment", "medium", false),
        row("tests/conf.py", "github-pat", "medium", true),
        row("web/api.spec.ts", "generic-assignment", "low", true),
    ]
}

#[test]
fn a_test_fixture_is_one_level_lower_in_every_source() {
    let repo = TestRepo::new();
    repo.write(".gitignore", GITIGNORE);
    repo.commit_all("base");
    write_mixed(&repo, 9000);

    // Staged.
    repo.git(&["add", "-A"]);
    let staged = run_json(
        repo.leakgate()
            .args(["scan", "--staged", "--min-confidence", "low"]),
    );
    assert_eq!(staged.status, Some(1));
    assert_eq!(judged(&staged), mixed_expected(), "staged");

    // The working tree, scanned from the repository.
    let tree = run_json(repo.leakgate().args(["scan", "."]));
    assert_eq!(judged(&tree), mixed_expected(), "working tree");

    // A range and history.
    repo.commit_all("add");
    let range = run_json(repo.leakgate().args(["scan", "--range", "HEAD~1..HEAD"]));
    assert_eq!(judged(&range), mixed_expected(), "range");
    // History sees a blob at one of its paths (the same bytes may live outside a fixture
    // too): it lowers nothing.
    let history = run_json(repo.leakgate().args(["scan", "--history"]));
    let unlowered: Vec<_> = mixed_expected()
        .into_iter()
        .map(|(path, rule, _, _)| {
            let full = if rule == "github-pat" {
                "high"
            } else {
                "medium"
            };
            (path, rule, full.to_owned(), false)
        })
        .collect();
    assert_eq!(judged(&history), unlowered, "history");

    // Agent run data: a transcript kept under tests/ is a fixture, one elsewhere is not.
    let line = format!(
        "{{\"message\": \"export GITHUB_TOKEN={}\"}}\n",
        fake("ghp_", 9010, 36, ALNUM)
    );
    repo.write("tests/session.jsonl", &line);
    repo.write("logs/session.jsonl", &line);
    let journal =
        run_json(
            repo.leakgate()
                .args(["journal", "tests/session.jsonl", "logs/session.jsonl"]),
        );
    assert_eq!(
        judged(&journal),
        vec![
            row("logs/session.jsonl", "github-pat", "high", false),
            row("tests/session.jsonl", "github-pat", "medium", true),
        ],
        "journal"
    );
}

#[test]
fn a_tree_is_judged_below_the_directory_named_not_where_it_sits() {
    // The project itself sits in a directory named `test`: that makes nothing a fixture.
    let tree = Tree::new();
    let generic = |seed| format!("API_TOKEN = '{}'\n", password(seed));
    tree.write("test/app/src/settings.py", generic(9101));
    tree.write("test/app/tests/settings.py", generic(9102));
    let root = tree.child("test/app");
    let root = root.to_str().expect("utf-8 temp path");
    let run = run_json(leakgate().args(["scan", root]));
    let levels: Vec<(String, bool)> = run
        .findings()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap_or_default();
            let below = path.strip_prefix(root).unwrap_or(path).to_owned();
            (
                format!("{below} {}", f["confidence"].as_str().unwrap_or_default()),
                f["test_fixture"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        levels,
        vec![
            ("/src/settings.py medium".to_owned(), false),
            ("/tests/settings.py low".to_owned(), true),
        ]
    );
}

#[test]
fn check_hides_low_findings_by_default_exits_0_and_says_so() {
    let repo = TestRepo::new();
    repo.write(".gitignore", GITIGNORE);
    repo.commit_all("base");
    repo.write(
        "tests/fixtures/settings.py",
        format!("API_TOKEN = '{}'\n", password(9201)),
    );
    repo.git(&["add", "-A"]);

    let output = ci_free(&mut repo.leakgate())
        .args(["check", "--color", "never"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(!stdout.contains("error[generic-assignment]"), "{stdout}");
    assert!(
        stdout.contains("no findings of medium confidence or higher: scanned 1 staged file"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "1 low-confidence finding below --min-confidence medium not shown (see them with --min-confidence low)"
        ),
        "{stdout}"
    );
    let run = run_json(ci_free(&mut repo.leakgate()).arg("check"));
    assert_eq!(run.status, Some(0));
    assert!(run.findings().is_empty());
    let summary = run.summary();
    assert_eq!(summary["min_confidence"], "medium");
    assert_eq!(
        summary["below_min_confidence"],
        serde_json::json!({"low": 1})
    );
    assert_eq!(
        summary["by_confidence"],
        serde_json::json!({"high": 0, "medium": 0, "low": 0})
    );

    // `scan --staged` is the pre-commit hook installed before `check` existed: it blocks as
    // `check` does, on medium and above.
    let output = repo
        .leakgate()
        .args(["scan", "--staged", "--color", "never"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("1 low-confidence finding below --min-confidence medium not shown"),
        "{stdout}"
    );

    // A `scan` of the tree shows everything, fails on a low finding, and its summary says it
    // is low.
    let output = repo
        .leakgate()
        .args(["scan", ".", "--color", "never"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[low confidence, test fixture]"),
        "{stdout}"
    );
    assert!(stdout.contains("1 finding (1 low): scanned"), "{stdout}");
    let output = repo
        .leakgate()
        .args([
            "scan",
            "--staged",
            "--min-confidence",
            "low",
            "--color",
            "never",
        ])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("1 finding (1 low): scanned 1 staged file"),
        "{stdout}"
    );
    // And `check --min-confidence low` blocks on it.
    let strict = run_json(ci_free(&mut repo.leakgate()).args(["check", "--min-confidence", "low"]));
    assert_eq!(strict.status, Some(1));
    assert_eq!(strict.findings().len(), 1);
}

/// A custom rule of low confidence and high severity: confidence, not severity, decides.
fn low_rule_config(seed: u64) -> (String, String) {
    let secret = fake("acme_", seed, 24, ALNUM);
    let config = format!(
        "[[rules.custom]]\nid = \"acme-weak\"\ndescription = \"ACME weak credential\"\n\
         keywords = [\"acme_\"]\nregex = '''\\b(?P<secret>acme_[A-Za-z0-9]{{24}})\\b'''\n\
         severity = \"high\"\nconfidence = \"low\"\nexamples = [\"k = {secret}\"]\n"
    );
    (config, secret)
}

#[test]
fn a_low_confidence_rule_blocks_scan_but_not_check_whatever_its_severity() {
    let repo = TestRepo::new();
    let (config, _) = low_rule_config(9301);
    repo.write(".gitignore", GITIGNORE);
    repo.write(".leakgate.toml", &config);
    repo.commit_all("base");
    let (_, secret) = low_rule_config(9302);
    repo.write("src/client.py", format!("KEY = \"{secret}\"\n"));
    repo.git(&["add", "-A"]);

    let scan = run_json(repo.leakgate().args(["scan", "."]));
    assert_eq!(scan.status, Some(1));
    assert_eq!(
        judged(&scan),
        vec![row("src/client.py", "acme-weak", "low", false)]
    );
    assert_eq!(scan.findings()[0]["severity"], "high");
    assert_eq!(scan.summary()["by_confidence"]["low"], 1);

    let check = run_json(ci_free(&mut repo.leakgate()).arg("check"));
    assert_eq!(check.status, Some(0), "{:?}", check.messages);
    assert_eq!(check.summary()["below_min_confidence"]["low"], 1);
    assert!(!scan.stdout.contains(&secret) && !check.stdout.contains(&secret));
}

#[test]
fn min_confidence_high_hides_medium_and_the_config_key_sets_it() {
    let tree = Tree::new();
    tree.write("app.py", format!("API_TOKEN = '{}'\n", password(9401)));
    // Only a medium finding: hidden, exit 0, counted.
    let run = run_json(
        tree.leakgate()
            .args(["scan", ".", "--min-confidence", "high"]),
    );
    assert_eq!(run.status, Some(0));
    assert!(run.findings().is_empty());
    assert_eq!(
        run.summary()["below_min_confidence"],
        serde_json::json!({"medium": 1, "low": 0})
    );
    assert_eq!(run.summary()["min_confidence"], "high");

    // A high one beside it is reported and fails the run.
    tree.write(
        "deploy.py",
        format!("GH = '{}'\n", fake("ghp_", 9402, 36, ALNUM)),
    );
    let run = run_json(
        tree.leakgate()
            .args(["scan", ".", "--min-confidence", "high"]),
    );
    assert_eq!(run.status, Some(1));
    assert_eq!(
        judged(&run),
        vec![row("deploy.py", "github-pat", "high", false)]
    );

    // The same from the configuration; the flag wins over it.
    tree.write(".leakgate.toml", "[confidence]\nmin = \"high\"\n");
    let configured = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(configured.findings().len(), 1);
    assert_eq!(configured.summary()["below_min_confidence"]["medium"], 1);
    let flag = run_json(
        tree.leakgate()
            .args(["scan", ".", "--min-confidence", "medium"]),
    );
    assert_eq!(flag.findings().len(), 2);
    assert_eq!(
        flag.summary()["below_min_confidence"],
        serde_json::json!({"low": 0})
    );
}

#[test]
fn every_format_carries_confidence_and_what_was_hidden() {
    let tree = Tree::new();
    tree.write(
        "src/app.py",
        format!("GH = '{}'\n", fake("ghp_", 9501, 36, ALNUM)),
    );
    tree.write(
        "tests/conf.py",
        format!("API_TOKEN = '{}'\n", password(9502)),
    );
    let args = ["scan", "src", "tests", "--min-confidence", "medium"];
    let hidden = "1 low-confidence finding below --min-confidence medium not shown";

    let human = tree
        .leakgate()
        .args(args)
        .args(["--color", "never"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&human.stdout);
    assert_eq!(human.status.code(), Some(1));
    assert!(
        text.contains(
            "error[github-pat]: GitHub classic personal access token (ghp_) [high confidence]"
        ),
        "{text}"
    );
    assert!(
        text.contains("1 finding (1 high): scanned 2 files"),
        "{text}"
    );
    assert!(text.contains(hidden), "{text}");

    let json = run_json(tree.leakgate().args(args));
    assert_eq!(
        judged(&json),
        vec![row("src/app.py", "github-pat", "high", false)]
    );
    assert_eq!(
        json.summary()["by_confidence"],
        serde_json::json!({"high": 1, "medium": 0, "low": 0})
    );

    let sarif = tree
        .leakgate()
        .args(args)
        .args(["--format", "sarif"])
        .output()
        .expect("run");
    let document: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("sarif");
    let run = &document["runs"][0];
    assert_eq!(run["results"][0]["rank"], 90.0);
    assert_eq!(run["results"][0]["level"], "error");
    assert_eq!(run["results"][0]["properties"]["confidence"], "high");
    assert_eq!(run["properties"]["minConfidence"], "medium");
    assert_eq!(run["properties"]["belowMinConfidence"]["low"], 1);
    assert_eq!(run["properties"]["findingsByConfidence"]["high"], 1);
    let notes: Vec<&str> = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter_map(|n| n["message"]["text"].as_str())
        .collect();
    assert!(notes.iter().any(|n| n.starts_with(hidden)), "{notes:?}");

    let github = tree
        .leakgate()
        .args(args)
        .args(["--format", "github"])
        .output()
        .expect("run");
    let annotations = String::from_utf8_lossy(&github.stdout);
    assert!(
        annotations.contains("(fingerprint ") && annotations.contains(", high confidence)"),
        "{annotations}"
    );
    assert!(
        annotations.contains(&format!(
            "::notice title=leakgate%3A min-confidence::{hidden}"
        )),
        "{annotations}"
    );
    assert!(String::from_utf8_lossy(&github.stderr).contains(hidden));

    let junit = tree
        .leakgate()
        .args(args)
        .args(["--format", "junit"])
        .output()
        .expect("run");
    let xml = String::from_utf8_lossy(&junit.stdout);
    assert!(xml.contains(", high confidence)\"/>"), "{xml}");
    assert!(
        xml.contains("<testcase name=\"findings below --min-confidence\"")
            && xml.contains(&format!("<skipped message=\"{hidden}")),
        "{xml}"
    );
}

#[test]
fn sarif_ranks_follow_confidence_and_a_fixture_is_marked() {
    let tree = Tree::new();
    tree.write(
        "src/app.py",
        format!(
            "GH = '{}'\nAPI_TOKEN = '{}'\n",
            fake("ghp_", 9601, 36, ALNUM),
            password(9602)
        ),
    );
    tree.write(
        "tests/conf.py",
        format!("API_TOKEN = '{}'\n", password(9603)),
    );
    let output = tree
        .leakgate()
        .args(["scan", ".", "--format", "sarif"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("sarif");
    let ranks: Vec<(String, f64, bool)> = document["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["properties"]["confidence"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                r["rank"].as_f64().unwrap_or(-1.0),
                r["properties"]["testFixture"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        ranks,
        vec![
            ("high".to_owned(), 90.0, false),
            ("medium".to_owned(), 60.0, false),
            ("low".to_owned(), 30.0, true),
        ]
    );
    assert_eq!(
        document["runs"][0]["properties"]["belowMinConfidence"],
        serde_json::json!({})
    );
}

#[test]
fn configured_test_paths_add_to_or_replace_the_builtin_list() {
    let tree = Tree::new();
    tree.write(
        "qa/settings.py",
        format!("API_TOKEN = '{}'\n", password(9701)),
    );
    tree.write(
        "tests/settings.py",
        format!("API_TOKEN = '{}'\n", password(9702)),
    );
    let levels = |run: &JsonRun| -> Vec<(String, String)> {
        run.findings()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap_or_default().to_owned(),
                    f["confidence"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    };
    let pair = |p: &str, c: &str| (p.to_owned(), c.to_owned());
    let builtin = run_json(tree.leakgate().args(["scan", "qa", "tests"]));
    assert_eq!(
        levels(&builtin),
        vec![
            pair("qa/settings.py", "medium"),
            pair("tests/settings.py", "low")
        ]
    );
    tree.write(".leakgate.toml", "[confidence]\ntest_paths = [\"qa/\"]\n");
    let added = run_json(tree.leakgate().args(["scan", "qa", "tests"]));
    assert_eq!(
        levels(&added),
        vec![
            pair("qa/settings.py", "low"),
            pair("tests/settings.py", "low")
        ]
    );
    tree.write(
        ".leakgate.toml",
        "[confidence]\ntest_paths = [\"qa/\"]\nbuiltin_test_paths = false\n",
    );
    let replaced = run_json(tree.leakgate().args(["scan", "qa", "tests"]));
    assert_eq!(
        levels(&replaced),
        vec![
            pair("qa/settings.py", "low"),
            pair("tests/settings.py", "medium")
        ]
    );

    // A glob that does not compile, or a level that does not exist, is a configuration error.
    for bad in [
        "[confidence]\ntest_paths = [\"{a,b\"]\n",
        "[confidence]\nmin = \"certain\"\n",
    ] {
        tree.write(".leakgate.toml", bad);
        let output = tree.leakgate().args(["scan", "qa"]).output().expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{bad}: {stderr}");
        assert!(stderr.contains("invalid configuration"), "{stderr}");
    }
}

#[test]
fn baselines_and_fingerprints_do_not_depend_on_confidence() {
    let repo = TestRepo::new();
    let secret = password(9801);
    repo.write("src/settings.py", format!("API_TOKEN = '{secret}'\n"));
    repo.write("tests/settings.py", format!("API_TOKEN = '{secret}'\n"));
    repo.commit_all("base");
    let run = run_json(repo.leakgate().args(["scan", "."]));
    let fingerprints: Vec<(&str, &str)> = run
        .findings()
        .iter()
        .map(|f| {
            (
                f["confidence"].as_str().unwrap_or_default(),
                f["fingerprint"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(fingerprints.len(), 2);
    assert_eq!(
        fingerprints[0].1, fingerprints[1].1,
        "one secret, one fingerprint"
    );
    assert_eq!((fingerprints[0].0, fingerprints[1].0), ("medium", "low"));

    // A baseline records every finding, low ones too, and accepts them all (it has no
    // --min-confidence: it writes no report).
    let written = repo.leakgate().args(["baseline"]).output().expect("run");
    assert_eq!(written.status.code(), Some(0));
    let baseline: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo.tree.child(".leakgate-baseline.json")).expect("baseline"),
    )
    .expect("json");
    assert_eq!(
        baseline["entries"].as_array().map(Vec::len),
        Some(2),
        "{baseline}"
    );
    let accepted =
        run_json(
            repo.leakgate()
                .args(["scan", ".", "--baseline", ".leakgate-baseline.json"]),
        );
    assert_eq!(accepted.status, Some(0), "{:?}", accepted.messages);
    assert!(accepted.findings().is_empty());
    assert_eq!(
        accepted.summary()["by_confidence"],
        serde_json::json!({"high": 0, "medium": 0, "low": 0})
    );
}

#[test]
fn rules_list_shows_each_rules_confidence() {
    let tree = Tree::new();
    let (config, _) = low_rule_config(9901);
    tree.write(".leakgate.toml", config);
    let listed = run_json(tree.leakgate().args(["rules", "list"]));
    let confidence = |id: &str| {
        listed
            .of_type("rule")
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["confidence"].as_str().unwrap_or_default().to_owned())
    };
    assert_eq!(confidence("github-pat").as_deref(), Some("high"));
    assert_eq!(confidence("generic-assignment").as_deref(), Some("medium"));
    assert_eq!(confidence("acme-weak").as_deref(), Some("low"));
    let human = tree
        .leakgate()
        .args(["rules", "list"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&human.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("acme-weak "))
        .expect("the custom rule is listed");
    assert!(line.contains(" high    token       low "), "{line}");
}

/// In history a secret is reported once, at its earliest place; if that place is a test
/// fixture but the secret later lives outside one, it is no fixture's and keeps its confidence
/// (`check --history` must block it).
#[test]
fn history_judges_a_secret_by_every_place_it_lived() {
    let repo = TestRepo::new();
    repo.write(".gitignore", GITIGNORE);
    let line = format!("API_SECRET_KEY={}\n", password(9801));
    repo.write("tests/app.env", &line);
    repo.commit_all("fixture");
    repo.git(&["rm", "-q", "tests/app.env"]);
    repo.write("config/prod.env", &line);
    repo.commit_all("move to production");

    let history = run_json(ci_free(&mut repo.leakgate()).args(["check", "--history"]));
    assert_eq!(history.status, Some(1), "{:?}", history.messages);
    let findings = history.findings();
    assert_eq!(findings.len(), 1, "{:?}", history.messages);
    assert_eq!(findings[0]["confidence"], "medium");
    assert!(!history.stdout.contains(&password(9801)));
}
