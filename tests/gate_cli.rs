//! The gate cannot be switched off by the change it gates: in `--range` and CI mode the
//! configuration, `.leakgateignore` and baseline come from the base side, changes to them are
//! reported, inline allow comments a change adds are reported as notes, and `.leakgateignore` is
//! honoured the same way in every mode. Real repositories, the real `git`, the built binary.

mod common;

use common::*;

fn loc(path: &str, line: u64) -> (String, u64) {
    (path.to_owned(), line)
}

fn warnings(messages: &[serde_json::Value]) -> Vec<String> {
    messages
        .iter()
        .filter(|m| m["type"] == "warning")
        .map(|m| m["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn ci_free(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_BASE_REF")
}

/// A base commit on `main` with a configuration and an ignore file, and a pull request branch
/// `pr` (checked out) that adds secrets and rewrites both to silence them.
fn silencing_pull_request() -> (TestRepo, String) {
    let repo = TestRepo::new();
    repo.write(".leakgate.toml", "[allowlist]\npaths = [\"fixtures/**\"]\n");
    repo.write(".leakgateignore", "vendor/\n");
    repo.write("app.py", "A = 1\n");
    let base = repo.commit_all("base");
    repo.git(&["update-ref", "refs/remotes/origin/main", &base]);
    repo.git(&["checkout", "-q", "-b", "pr"]);
    repo.write(
        ".leakgate.toml",
        "[allowlist]\npaths = [\"**\"]\n[rules]\ndisable = [\"generic-assignment\"]\n",
    );
    repo.write(".leakgateignore", "vendor/\napp.py\nlib/\n");
    repo.write("lib/.leakgateignore", "*\n");
    repo.write(
        "app.py",
        format!("A = 1\nAPI_TOKEN = '{}'\n", password(300)),
    );
    repo.write(
        "lib/util.py",
        format!("DB_PASSWORD = '{}'\n", password(301)),
    );
    // What the base side allows stays allowed.
    repo.write(
        "fixtures/sample.py",
        format!("TOKEN = '{}'\n", password(302)),
    );
    repo.write("vendor/dep.py", format!("TOKEN = '{}'\n", password(303)));
    repo.commit_all("silence the scanner");
    (repo, base)
}

#[test]
fn a_range_is_scanned_with_the_base_sides_configuration_and_ignore_files() {
    let (repo, _) = silencing_pull_request();
    let expected = vec![loc("app.py", 2), loc("lib/util.py", 1)];

    let (code, messages) = repo.scan_json(&["scan", "--range", "main..pr"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(locations(&messages), expected);
    // The changes to the gate's own files are shown to the reviewer, without failing the run.
    let warned = warnings(&messages);
    for file in [".leakgate.toml", ".leakgateignore", "lib/.leakgateignore"] {
        assert!(
            warned.iter().any(|w| w.contains(&format!("`{file}`"))),
            "{file} not named in {warned:?}"
        );
    }

    // `check` in CI plans the same range from GITHUB_BASE_REF and reads the same base side.
    let run = run_json(
        repo.leakgate()
            .env("CI", "true")
            .env("GITHUB_BASE_REF", "main")
            .arg("check"),
    );
    let messages = &run.messages;
    assert_eq!(run.status, Some(1), "{messages:?}");
    assert_eq!(run.locations(), expected);
    assert!(warnings(messages).len() >= 3, "{messages:?}");

    // The human report says it too.
    let output = repo
        .leakgate()
        .args(["scan", "--range", "main..pr", "--color", "never"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("warning: this change modifies `.leakgate.toml`"),
        "{stdout}"
    );

    // The working tree (not a range) keeps using the files on disk.
    let (code, messages) = repo.scan_json(&["scan"]);
    assert_eq!(code, Some(0), "{messages:?}");
}

#[test]
fn an_explicit_config_is_trusted_as_given() {
    let (repo, _) = silencing_pull_request();
    let outside = Tree::new();
    outside.write("ci.toml", "[allowlist]\npaths = [\"lib/**\"]\n");
    let config = outside.child("ci.toml");
    let config = config.to_str().expect("utf-8 temp path");
    let (code, messages) = repo.scan_json(&["scan", "--range", "main..pr", "--config", config]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(locations(&messages), vec![loc("app.py", 2)]);
    // An explicit file inside the repository is what the workflow names: trusted too.
    let (code, messages) =
        repo.scan_json(&["scan", "--range", "main..pr", "--config", ".leakgate.toml"]);
    assert_eq!(code, Some(0), "{messages:?}");
}

#[test]
fn a_range_cannot_accept_its_own_secrets_in_the_baseline() {
    let repo = TestRepo::new();
    let old = password(310);
    repo.write("old.py", format!("API_TOKEN = '{old}'\n"));
    repo.commit_all("legacy");
    ci_free(&mut repo.leakgate())
        .args(["baseline"])
        .assert()
        .code(0);
    repo.commit_all("baseline");
    repo.git(&["checkout", "-q", "-b", "pr"]);
    // The old secret's line changes (still accepted by the base's baseline); a new secret is
    // added, and the branch regenerates the baseline to accept it.
    repo.write(
        "old.py",
        format!(
            "API_TOKEN = '{old}'  # moved\nDB_PASSWORD = '{}'\n",
            password(311)
        ),
    );
    ci_free(&mut repo.leakgate())
        .args(["baseline"])
        .assert()
        .code(0);
    repo.commit_all("accept my own secret");
    ci_free(&mut repo.leakgate())
        .args(["scan", "--baseline", ".leakgate-baseline.json"])
        .assert()
        .code(0);

    let (code, messages) = repo.scan_json(&[
        "scan",
        "--range",
        "main..pr",
        "--baseline",
        ".leakgate-baseline.json",
    ]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(locations(&messages), vec![loc("old.py", 2)]);
    assert!(
        warnings(&messages)
            .iter()
            .any(|w| w.contains("`.leakgate-baseline.json`")),
        "{messages:?}"
    );

    // A baseline the base side does not have accepts nothing in the range.
    repo.git(&["checkout", "-q", "-b", "pr2", "main"]);
    repo.write("new.py", format!("API_TOKEN = '{}'\n", password(312)));
    ci_free(&mut repo.leakgate())
        .args(["baseline", "--file", "accepted.json"])
        .assert()
        .code(0);
    repo.commit_all("a baseline of its own");
    let (code, messages) = repo.scan_json(&[
        "scan",
        "--range",
        "main..pr2",
        "--baseline",
        "accepted.json",
    ]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(locations(&messages), vec![loc("new.py", 1)]);
}

#[test]
fn inline_allow_comments_a_range_adds_are_reported_as_notes_in_every_format() {
    let repo = TestRepo::new();
    repo.write("app.py", "A = 1\n");
    repo.write(
        "old.py",
        format!("API_KEY = '{}'  # leakgate:allow\n", password(320)),
    );
    repo.commit_all("base");
    repo.git(&["checkout", "-q", "-b", "pr"]);
    let secrets: Vec<String> = (321..325).map(password).collect();
    repo.write(
        "app.py",
        format!(
            "A = 1\nAPI_TOKEN = '{}'  # leakgate:allow\nDB_PASSWORD = '{}'  # gitleaks:allow\n\
             SECRET_KEY = '{}'  # pragma: allowlist secret\n# leakgate:allow-next-line\n\
             AUTH_TOKEN = '{}'\n",
            secrets[0], secrets[1], secrets[2], secrets[3]
        ),
    );
    // The change touches old.py, but not the line whose allow comment was already there.
    repo.write(
        "old.py",
        format!("API_KEY = '{}'  # leakgate:allow\nB = 2\n", password(320)),
    );
    repo.commit_all("allow them");
    let no_secret = |text: &str| {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "secret printed: {text}");
        }
    };

    let (code, messages) = repo.scan_json(&["scan", "--range", "main..pr"]);
    assert_eq!(code, Some(0), "notes do not fail the run: {messages:?}");
    let notes: Vec<(String, u64, String)> = messages
        .iter()
        .filter(|m| m["type"] == "suppressed")
        .map(|m| {
            (
                m["path"].as_str().unwrap_or_default().to_owned(),
                m["line"].as_u64().unwrap_or_default(),
                m["rule"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let rule = "generic-assignment".to_owned();
    assert_eq!(
        notes,
        vec![
            ("app.py".to_owned(), 2, rule.clone()),
            ("app.py".to_owned(), 3, rule.clone()),
            ("app.py".to_owned(), 4, rule.clone()),
            ("app.py".to_owned(), 6, rule.clone()),
        ],
        "old.py's old allow comment is not the change's"
    );
    assert_eq!(summary(&messages)["suppressed"], 4);
    no_secret(&String::from_utf8_lossy(
        &repo
            .leakgate()
            .args(["scan", "--range", "main..pr", "--format", "json"])
            .output()
            .expect("run")
            .stdout,
    ));

    let run = |format: &str| {
        let output = repo
            .leakgate()
            .args(["scan", "--range", "main..pr", "--color", "never"])
            .args(["--format", format])
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(0), "{format}");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        no_secret(&text);
        text
    };
    let human = run("human");
    assert!(
        human.contains("note[inline-allow]: app.py:2: a generic-assignment finding is silenced by `leakgate:allow`"),
        "{human}"
    );
    assert!(human.contains("app.py:6:"), "{human}");
    let github = run("github");
    assert!(
        github.contains(
            "::notice file=app.py,line=4,title=leakgate%3A inline allow generic-assignment::"
        ),
        "{github}"
    );
    assert_eq!(github.matches("::notice ").count(), 4, "{github}");
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 4, "{sarif}");
    for result in results {
        assert_eq!(result["level"], "note");
        assert_eq!(result["ruleId"], "generic-assignment");
        assert_eq!(result["suppressions"][0]["kind"], "inSource");
    }
    assert_eq!(
        results[2]["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
    let junit = run("junit");
    assert_eq!(junit.matches("<skipped").count(), 4, "{junit}");
    assert!(junit.contains("failures=\"0\""), "{junit}");
    assert!(junit.contains("app.py:6 generic-assignment"), "{junit}");
}

/// A tree exercising gitignore semantics: anchored and unanchored patterns, directory patterns,
/// negation, nested `.leakgateignore` files that override their parents, and an ignored
/// directory a nested file cannot re-include.
fn ignore_semantics_tree(repo: &TestRepo) -> Vec<(String, u64)> {
    repo.write(
        ".leakgateignore",
        "# fixtures\nfixtures/\n/top.env\n*.sample\n!keep.sample\ndocs/**/gen/\n",
    );
    repo.write("sub/.leakgateignore", "*.txt\n!important.txt\n/local.env\n");
    repo.write("fixtures/.leakgateignore", "!*\n");
    let mut reported = Vec::new();
    let mut seed = 500;
    let mut secret_in = |path: &str, expected: bool| {
        seed += 1;
        repo.write(path, format!("API_TOKEN={}\n", password(seed)));
        if expected {
            reported.push(loc(path, 1));
        }
    };
    secret_in("app.env", true);
    secret_in("top.env", false);
    secret_in("nested/top.env", true);
    secret_in("fixtures/a.env", false);
    secret_in("nested/fixtures/b.env", false);
    secret_in("x.sample", false);
    secret_in("deep/keep.sample", true);
    secret_in("docs/a/b/gen/out.env", false);
    secret_in("docs/a/b/out.env", true);
    secret_in("sub/notes.txt", false);
    secret_in("sub/important.txt", true);
    secret_in("sub/deeper/notes.txt", false);
    secret_in("sub/local.env", false);
    secret_in("sub/deeper/local.env", true);
    reported.sort();
    reported
}

#[test]
fn leakgateignore_is_honoured_the_same_way_in_every_mode() {
    let repo = TestRepo::new();
    let expected = ignore_semantics_tree(&repo);
    let scan = |args: &[&str]| {
        let (code, messages) = repo.scan_json(args);
        let mut found = locations(&messages);
        found.sort();
        (code, found)
    };
    // The working-tree walk is the reference.
    assert_eq!(scan(&["scan"]), (Some(1), expected.clone()));
    // Staged, with no commits yet: the ignore files come from the index.
    repo.git(&["add", "-A"]);
    assert_eq!(scan(&["scan", "--staged"]), (Some(1), expected.clone()));
    let base = repo.commit_all("everything");
    assert_eq!(scan(&["scan", "--history"]), (Some(1), expected.clone()));

    // Staged: an ignore file changed in the index counts, the working-tree one does not.
    repo.write("extra/a.env", format!("API_TOKEN={}\n", password(450)));
    repo.write("extra/b.env", format!("API_TOKEN={}\n", password(451)));
    repo.write("extra/.leakgateignore", "a.env\n");
    repo.git(&["add", "-A"]);
    repo.write("extra/.leakgateignore", "a.env\nb.env\n");
    assert_eq!(
        scan(&["scan", "--staged"]),
        (Some(1), vec![loc("extra/b.env", 1)])
    );
    let (code, messages) = repo.scan_json(&["check", "--staged"]);
    assert_eq!(
        locations(&messages),
        vec![loc("extra/b.env", 1)],
        "{code:?}"
    );
    repo.commit_all("extra");

    // Range: the base side's ignore files; what the range adds to them does not apply.
    repo.git(&["checkout", "-q", "-b", "pr", &base]);
    repo.write("fixtures/new.env", format!("API_TOKEN={}\n", password(460)));
    repo.write("src/new.env", format!("API_TOKEN={}\n", password(461)));
    repo.write(".leakgateignore", "fixtures/\nsrc/\n");
    repo.commit_all("pr");
    repo.git(&["branch", "-f", "main", &base]);
    assert_eq!(
        scan(&["scan", "--range", "main..pr"]),
        (Some(1), vec![loc("src/new.env", 1)])
    );
    assert_eq!(
        scan(&["scan", "--range", "main..pr", "--per-commit"]),
        (Some(1), vec![loc("src/new.env", 1)])
    );

    // History: HEAD's ignore files decide, not an older commit's.
    repo.git(&["checkout", "-q", "main"]);
    repo.write(".leakgateignore", "");
    repo.commit_all("nothing is ignored any more");
    let (code, found) = scan(&["scan", "--history"]);
    assert_eq!(code, Some(1));
    assert!(found.contains(&loc("top.env", 1)), "{found:?}");
}

/// A `.leakgate.toml` is scanned like any other file: only the texts the configuration in
/// effect declares on purpose (custom rules' examples, allowlist patterns) are left out, so a
/// change cannot park a real secret in a configuration file, valid or not, nor exempt it by
/// declaring it an example.
#[test]
fn configuration_files_are_scanned_except_their_declared_examples() {
    let tree = Tree::new();
    let example = fake("acme_", 71, 32, ALNUM);
    let parked = fake("ghp_", 72, 36, ALNUM);
    let config = format!(
        "[[rules.custom]]\nid = \"acme-token\"\ndescription = \"ACME token\"\nkeywords = [\"acme_\"]\nregex = '''\\b(?P<secret>acme_[A-Za-z0-9]{{32}})\\b'''\nexamples = [\"key = {example}\"]\n"
    );
    // At the root (loaded) and in a subdirectory (not loaded), with a secret parked beside the
    // examples.
    tree.write(".leakgate.toml", &config);
    tree.write(
        "sub/.leakgate.toml",
        format!("{config}# deploy token {parked}\n"),
    );
    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(1));
    assert_eq!(run.locations(), vec![loc("sub/.leakgate.toml", 7)]);
    assert_eq!(run.findings()[0]["rule"], "github-pat");

    // A configuration that is not in effect cannot exempt its own text: a nested
    // `.leakgate.toml` declaring a real secret as a custom rule's example still reports it.
    let hiding = Tree::new();
    hiding.write(
        "sub/.leakgate.toml",
        format!(
            "[[rules.custom]]\nid = \"gh\"\ndescription = \"d\"\nkeywords = [\"ghp_\"]\nregex = '''ghp_[A-Za-z0-9]{{36}}'''\nexamples = [\"{parked}\"]\n"
        ),
    );
    let run = run_json(hiding.leakgate().args(["scan", ".", "--isolated"]));
    assert_eq!(run.status, Some(1));
    assert_eq!(run.locations(), vec![loc("sub/.leakgate.toml", 6)]);

    // A file that does not parse declares nothing: a secret in it is reported.
    let broken = Tree::new();
    broken.write(
        "sub/.leakgate.toml",
        format!("examples = [\"{example}\"\n# {parked}\n"),
    );
    let run = run_json(broken.leakgate().args(["scan", "sub", "--isolated"]));
    assert_eq!(run.status, Some(1));
    assert_eq!(run.locations(), vec![loc("sub/.leakgate.toml", 2)]);
}
