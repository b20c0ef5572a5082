//! Golden files: every output format on one fixture tree, and a configuration error, compared
//! with the expected output in `testdata/golden/`. The fixture's secrets are generated at run
//! time, and the outputs hold only redacted text, so the expected files are safe to commit.
//! `LEAKGATE_BLESS=1 cargo test --test golden_cli` rewrites them after a deliberate change.

mod common;

use std::path::Path;

use common::*;

fn fixture() -> Tree {
    let tree = Tree::new();
    tree.write(
        "app/config.py",
        format!(
            "import os\nGITHUB_TOKEN = \"{}\"\n",
            fake("ghp_", 170, 36, ALNUM)
        ),
    );
    tree.write(
        "deploy/.env",
        format!("DB_PASSWORD={}\nDEBUG=true\n", password(171)),
    );
    tree.write(
        "run/journal/000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json",
        format!("{{\n  \"type\": \"RUN_CREATED\",\n  \"data\": {{\"prompt\": \"use postgres://app:{}@db/app\"}}\n}}\n", random(172, 18, ALNUM)),
    );
    tree.write(
        "docs/README.md",
        "Set `API_TOKEN=${API_TOKEN}` in your environment.\n",
    );
    tree
}

/// Replace what changes from run to run (elapsed time) with a fixed marker.
fn normalise(text: &str) -> String {
    let elapsed = regex::Regex::new(r#"in \d+\.\d\ds|"elapsed_ms":\d+"#).expect("regex");
    elapsed.replace_all(text, "<elapsed>").into_owned()
}

fn check_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/golden")
        .join(name);
    let actual = normalise(actual);
    if std::env::var_os("LEAKGATE_BLESS").is_some() {
        std::fs::write(&path, &actual).expect("bless");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing {}: run with LEAKGATE_BLESS=1", path.display()));
    assert_eq!(actual, expected, "{name} differs from its golden file");
}

#[test]
fn every_format_matches_its_golden_file() {
    let tree = fixture();
    for (format, file) in [
        ("human", "scan.human.txt"),
        ("json", "scan.json-lines.txt"),
        ("sarif", "scan.sarif"),
        ("github", "scan.github.txt"),
        ("junit", "scan.junit.xml"),
    ] {
        let output = tree
            .leakgate()
            .args([
                "scan", "app", "deploy", "run", "docs", "--color", "never", "--format", format,
            ])
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(1), "{format}");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        check_golden(file, &text);
    }
}

#[test]
fn a_configuration_error_matches_its_golden_file() {
    let tree = Tree::new();
    tree.write(
        "bad.toml",
        "[rules]\ndisable = [\"jwt\"]\n\n[allowlist]\npathz = [\"fixtures/**\"]\n",
    );
    let output = tree
        .leakgate()
        .env("NO_COLOR", "1")
        .args(["scan", "--config", "bad.toml"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    check_golden("config-error.txt", &String::from_utf8_lossy(&output.stderr));
}
