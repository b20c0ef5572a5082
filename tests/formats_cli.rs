//! Output formats for CI: SARIF validated against the official SARIF 2.1.0 JSON schema (from
//! the npm package `@microsoft/jest-sarif`, which ships `sarif-2.1.0-rtm.5.json`), GitHub
//! workflow commands, JUnit XML. None of them may hold a secret's bytes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// The official schema, fetched once with `npm pack` into the target directory. `None` (the
/// caller skips validating, and says so) when npm cannot reach its registry outside CI.
///
/// Tests run in parallel threads: the first to ask fetches, the others wait for it (two
/// `npm pack`s into one directory had one `tar` read the tarball the other was writing).
fn sarif_schema() -> Option<PathBuf> {
    static SCHEMA: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(fetch_sarif_schema).clone()
}

fn fetch_sarif_schema() -> Option<PathBuf> {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sarif-schema");
    let schema = cache.join("package/lib/schemas/sarif-2.1.0-rtm.5.json");
    if !schema.exists() {
        std::fs::create_dir_all(&cache).expect("cache dir");
        let pack = Command::new("npm")
            .args(["pack", "--silent", "@microsoft/jest-sarif@1.0.0-beta.0"])
            .current_dir(&cache)
            .output();
        let pack = match pack {
            Ok(pack) if pack.status.success() => pack,
            Ok(pack) => {
                let stderr = String::from_utf8_lossy(&pack.stderr).into_owned();
                return unavailable(&format!("the SARIF schema with npm pack: {stderr}"));
            }
            Err(error) => return unavailable(&format!("the SARIF schema (npm: {error})")),
        };
        let tarball = String::from_utf8_lossy(&pack.stdout).trim().to_owned();
        let untar = Command::new("tar")
            .args(["xzf", &tarball])
            .current_dir(&cache)
            .status()
            .expect("tar");
        assert!(untar.success());
    }
    Some(schema)
}

/// Validate `document` against `schema` (draft 7) with Python's jsonschema (from PyPI, in the
/// tests' own virtualenv). Skipped, saying so, when either cannot be had outside CI.
pub fn validate(document: &Path, schema: Option<PathBuf>) {
    let Some(schema) = schema else { return };
    let Some(python) = test_python(&["jsonschema"]) else {
        return;
    };
    let script = "import json,sys,jsonschema\n\
        schema=json.load(open(sys.argv[1]))\n\
        doc=json.load(open(sys.argv[2]))\n\
        jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)(schema).validate(doc)\n\
        print('valid')";
    let output = Command::new(&python)
        .args(["-c", script])
        .arg(&schema)
        .arg(document)
        .output()
        .expect("python3");
    assert!(
        output.status.success(),
        "{} is not valid against {}: {}",
        document.display(),
        schema.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn secrets_tree() -> (Tree, Vec<String>) {
    let tree = Tree::new();
    let token = fake("ghp_", 120, 36, ALNUM);
    let pass = password(121);
    tree.write("src/app.py", format!("GITHUB_TOKEN = \"{token}\"\n"));
    tree.write("config/my settings.env", format!("DB_PASSWORD={pass}\n"));
    (tree, vec![token, pass])
}

#[test]
fn sarif_is_valid_against_the_official_schema_and_holds_no_secret() {
    let (tree, secrets) = secrets_tree();
    let out = tree.child("leakgate.sarif");
    let status = tree
        .leakgate()
        .args(["scan", "src", "config", "--format", "sarif", "--output"])
        .arg(&out)
        .output()
        .expect("run");
    assert_eq!(status.status.code(), Some(1));
    validate(&out, sarif_schema());
    let text = std::fs::read_to_string(&out).expect("sarif");
    for secret in &secrets {
        assert!(!text.contains(secret.as_str()), "no secret bytes in SARIF");
    }
    let sarif: serde_json::Value = serde_json::from_str(&text).expect("json");
    let run = &sarif["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(rules, vec!["generic-assignment", "github-pat"]);
    let uris: Vec<&str> = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert_eq!(uris, vec!["config/my%20settings.env", "src/app.py"]);
    assert!(
        run["results"][0]["partialFingerprints"]["leakgate/v2"]
            .as_str()
            .is_some_and(|f| f.len() == 16)
    );
    assert!(run["tool"]["driver"]["rules"][0]["properties"]["security-severity"].is_string());
}

#[test]
fn github_annotations_are_the_default_inside_actions() {
    let (tree, secrets) = secrets_tree();
    let output = tree
        .leakgate()
        .env("GITHUB_ACTIONS", "true")
        .args(["scan", "src"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let expected = "::error file=src/app.py,line=1,col=17,endLine=1,endColumn=57,title=leakgate%3A github-pat::GitHub classic personal access token (ghp_): ghp_[REDACTED] (fingerprint ";
    assert!(stdout.starts_with(expected), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("1 finding (1 high): scanned 1 file"),
        "a readable summary alongside: {stderr}"
    );
    for secret in &secrets {
        assert!(!stdout.contains(secret.as_str()) && !stderr.contains(secret.as_str()));
    }
}

#[test]
fn junit_reports_failures_and_a_pass() {
    let (tree, _) = secrets_tree();
    let output = tree
        .leakgate()
        .args(["scan", "src", "--format", "junit"])
        .output()
        .expect("run");
    let xml = String::from_utf8_lossy(&output.stdout);
    assert!(
        xml.contains(r#"<testsuite name="leakgate" tests="1" failures="1">"#),
        "{xml}"
    );
    assert!(xml.contains(
        r#"<testcase name="src/app.py:1:17 github-pat" classname="leakgate.github-pat">"#
    ));
    let clean = Tree::new();
    clean.write("a.txt", "nothing\n");
    let output = clean
        .leakgate()
        .args(["scan", "--format", "junit"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains(r#"<testcase name="no secrets found" classname="leakgate"/>"#)
    );
}

/// SARIF and JUnit list no skipped files, so they say how many were not scanned and why: an
/// upload that shows no results must not read as "everything was scanned".
#[test]
fn sarif_and_junit_say_what_was_not_scanned() {
    let tree = Tree::new();
    tree.write("app.py", "A = 1\n");
    tree.write("logo.png", [0x89u8, b'P', b'N', b'G', 0, 0, 0, 13]);
    let sarif = tree
        .leakgate()
        .args(["scan", ".", "--format", "sarif"])
        .output()
        .expect("run");
    assert_eq!(sarif.status.code(), Some(0));
    let document: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("sarif json");
    let notes = &document["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    let texts: Vec<&str> = notes
        .as_array()
        .map(|n| {
            n.iter()
                .filter_map(|n| n["message"]["text"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("1 file was not scanned (1 binary)")),
        "{texts:?}"
    );

    let junit = tree
        .leakgate()
        .args(["scan", ".", "--format", "junit"])
        .output()
        .expect("run");
    assert_eq!(junit.status.code(), Some(0));
    let xml = String::from_utf8_lossy(&junit.stdout);
    assert!(xml.contains("1 file was not scanned (1 binary)"), "{xml}");
}

/// Diagnostics are SARIF results of their own rules: the document stays valid with hygiene,
/// integrity and unreadable-input results in it.
#[test]
fn sarif_with_diagnostic_results_is_valid() {
    let repo = TestRepo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("base");
    let run = ".a5c/runs/01JAAAAAAAAAAAAAAAAAAAAAAA";
    repo.write(&format!("{run}/run.json"), "{\"processId\": \"demo\"}\n");
    repo.write(
        &format!("{run}/journal/000002.01JDDDDDDDDDDDDDDDDDDDDDD2.json"),
        sdk_event("RUN_COMPLETED", 1, serde_json::json!({})),
    );
    for (args, code) in [
        (vec!["check"], 1),
        (vec!["journal", ".a5c", "missing", "--verify"], 2),
    ] {
        let out = repo.tree.child("leakgate.sarif");
        let status = repo
            .leakgate()
            .env_remove("CI")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("GITHUB_BASE_REF")
            .args(&args)
            .args(["--format", "sarif", "--output"])
            .arg(&out)
            .output()
            .expect("run");
        assert_eq!(status.status.code(), Some(code), "{args:?}");
        validate(&out, sarif_schema());
        let document: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).expect("sarif")).expect("json");
        let rules: Vec<&str> = document["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|r| r["ruleId"].as_str())
            .collect();
        assert!(
            rules.iter().any(|r| r.starts_with("leakgate/")),
            "{args:?}: {rules:?}"
        );
    }
}

/// `rules list` honours `--format` through the reporter seam: SARIF lists every rule as a
/// driver rule (with no results), valid against the official schema; JSON has one `rule`
/// message per rule.
#[test]
fn rules_list_speaks_every_format() {
    let tree = Tree::new();
    let listed = run_json(tree.leakgate().args(["rules", "list"]));
    assert_eq!(listed.status, Some(0));
    let ids: Vec<&str> = (listed.messages.iter())
        .map(|m| {
            assert_eq!(m["type"], "rule", "{m}");
            m["id"].as_str().unwrap_or_default()
        })
        .collect();
    assert!(ids.len() >= 40, "{ids:?}");

    let out = tree.child("rules.sarif");
    let sarif = tree
        .leakgate()
        .args(["rules", "list", "--format", "sarif"])
        .output()
        .expect("run");
    assert_eq!(sarif.status.code(), Some(0));
    std::fs::write(&out, &sarif.stdout).expect("write");
    validate(&out, sarif_schema());
    let document: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("json");
    let run = &document["runs"][0];
    let mut driver: Vec<&str> = (run["tool"]["driver"]["rules"].as_array().expect("rules"))
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    let mut expected = ids.clone();
    driver.sort_unstable();
    expected.sort_unstable();
    assert_eq!(driver, expected);
    assert_eq!(run["results"].as_array().map(Vec::len), Some(0));
}

/// GitLab's published secret-detection report schema (the version leakgate writes), fetched
/// once into the target directory. `None` (validation skipped, saying so) when gitlab.com
/// cannot be reached, in CI too: the schema is on no package registry, and CI reaches only
/// those (the structural checks below run everywhere).
fn gitlab_schema(version: &str) -> Option<PathBuf> {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gitlab-schema");
    let schema = cache.join(format!("secret-detection-report-format-{version}.json"));
    if schema.exists() {
        return Some(schema);
    }
    std::fs::create_dir_all(&cache).expect("cache dir");
    let url = format!(
        "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v{version}/dist/secret-detection-report-format.json"
    );
    let partial = cache.join(format!("{version}.partial"));
    let fetched = Command::new("curl")
        .args(["-fsSL", "--max-time", "30", "-o"])
        .arg(&partial)
        .arg(&url)
        .output();
    match fetched {
        Ok(out) if out.status.success() => {
            std::fs::rename(&partial, &schema).expect("rename");
            Some(schema)
        }
        Ok(out) => gitlab_unreachable(&format!(
            "{url}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(error) => gitlab_unreachable(&format!("{url} (curl: {error})")),
    }
}

#[allow(clippy::print_stderr)] // a skipped check says so
fn gitlab_unreachable(what: &str) -> Option<PathBuf> {
    eprintln!(
        "SKIPPED: GitLab's schema could not be fetched from {what}; the report's structure is          still checked field by field"
    );
    None
}

#[test]
fn gitlab_secret_detection_report_follows_the_published_schema_and_holds_no_secret() {
    let repo = TestRepo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("base");
    let token = fake("ghp_", 160, 36, ALNUM);
    let pass = password(161);
    repo.write("src/app.py", format!("GITHUB_TOKEN = \"{token}\"\n"));
    repo.write("config/settings.env", format!("DB_PASSWORD={pass}\n"));
    let head = repo.commit_all("add secrets");

    // The range a merge request adds: each vulnerability names the commit that added it.
    let out = repo.path().join("gl-secret-detection-report.json");
    let output = repo
        .leakgate()
        .args([
            "scan",
            "--range",
            "HEAD~1..HEAD",
            "--format",
            "gitlab",
            "--output",
        ])
        .arg(&out)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let text = std::fs::read_to_string(&out).expect("report");
    assert!(
        !text.contains(&token) && !text.contains(&pass),
        "no secret: {text}"
    );
    let report: serde_json::Value = serde_json::from_str(&text).expect("json");
    let version = report["version"].as_str().expect("version").to_owned();
    validate(&out, gitlab_schema(&version));

    // What GitLab needs, whether or not the schema could be fetched.
    assert_eq!(report["scan"]["type"], "secret_detection");
    assert_eq!(report["scan"]["status"], "success");
    assert_eq!(report["scan"]["analyzer"]["id"], "leakgate");
    for time in ["start_time", "end_time"] {
        let at = report["scan"][time].as_str().expect("time");
        assert_eq!(at.len(), 19, "yyyy-mm-ddThh:mm:ss: {at}");
        assert_eq!(&at[10..11], "T");
    }
    let vulnerabilities = report["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities");
    let mut found: Vec<(&str, &str, u64)> = vulnerabilities
        .iter()
        .map(|v| {
            assert_eq!(v["location"]["commit"]["sha"], head.as_str());
            assert!(
                v["raw_source_code_extract"].is_null(),
                "no excerpt of the code"
            );
            (
                v["identifiers"][0]["value"].as_str().unwrap_or_default(),
                v["location"]["file"].as_str().unwrap_or_default(),
                v["location"]["start_line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("generic-assignment", "config/settings.env", 1),
            ("github-pat", "src/app.py", 1)
        ]
    );
    // Ids are stable across runs (GitLab tracks vulnerabilities by them) and distinct.
    let again = repo
        .leakgate()
        .args(["scan", "--range", "HEAD~1..HEAD", "--format", "gitlab"])
        .output()
        .expect("run");
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).expect("json");
    let ids = |r: &serde_json::Value| -> Vec<String> {
        (r["vulnerabilities"].as_array().into_iter().flatten())
            .map(|v| v["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(ids(&report), ids(&again));
    assert_ne!(ids(&report)[0], ids(&report)[1]);

    // An input that could not be scanned: the scan failed, and says what.
    let output = repo
        .leakgate()
        .args(["scan", "src", "missing-dir", "--format", "gitlab"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let failed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(failed["scan"]["status"], "failure");
    let messages = failed["scan"]["messages"].to_string();
    assert!(messages.contains("missing-dir"), "{messages}");
    assert_eq!(
        failed["vulnerabilities"][0]["location"]["commit"]["sha"],
        "0000000"
    );
    let out = repo.path().join("failed.json");
    std::fs::write(&out, &output.stdout).expect("write");
    validate(&out, gitlab_schema(&version));
}
