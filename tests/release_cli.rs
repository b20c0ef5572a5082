//! How leakgate is distributed: the release workflow (validated against GitHub's workflow
//! schema, the copy schemastore publishes and the PyPI package `check-jsonschema` vendors, from
//! the tests' own virtualenv), the platforms it builds agreeing with the ones the Action
//! downloads, the Python package and hooks, the declared minimum Rust version against every
//! locked dependency, and the README's installation section.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo_file(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `check-jsonschema --builtin-schema SCHEMA FILE`: (passed, output). `None` (the test skips,
/// saying so) when the tests' virtualenv cannot get it outside CI.
fn check_schema(schema: &str, file: &Path) -> Option<(bool, String)> {
    let output = Command::new(test_python(&["check-jsonschema"])?)
        .args(["-m", "check_jsonschema", "--builtin-schema", schema])
        .arg(file)
        .output()
        .expect("check-jsonschema");
    Some((
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    ))
}

/// A YAML file as JSON (ruamel.yaml comes with check-jsonschema); `None` as for
/// [`check_schema`].
fn yaml(rel: &str) -> Option<serde_json::Value> {
    let output = Command::new(test_python(&["check-jsonschema"])?)
        .args([
            "-c",
            "import json,sys\nfrom ruamel.yaml import YAML\n\
             print(json.dumps(YAML(typ='safe').load(open(sys.argv[1]))))",
        ])
        .arg(repo_file(rel))
        .output()
        .expect("python");
    assert!(
        output.status.success(),
        "{rel}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).expect("json"))
}

#[test]
fn the_release_workflow_and_the_action_validate_against_githubs_schemas() {
    let workflow = repo_file(".github/workflows/release.yml");
    let Some((ok, out)) = check_schema("vendor.github-workflows", &workflow) else {
        return;
    };
    assert!(ok, "{out}");
    let Some((ok, out)) = check_schema("vendor.github-actions", &repo_file("action.yml")) else {
        return;
    };
    assert!(ok, "{out}");

    // The validator is not vacuous: the same workflow with a misspelt key fails it.
    let broken = Tree::new();
    broken.write(
        "release.yml",
        read(".github/workflows/release.yml").replacen("runs-on:", "runs_on:", 1),
    );
    let Some((ok, out)) = check_schema("vendor.github-workflows", &broken.child("release.yml"))
    else {
        return;
    };
    assert!(!ok, "a job without runs-on passed: {out}");
}

/// The `TARGET` values of a job's matrix.
fn matrix_targets(workflow: &serde_json::Value, job: &str) -> Vec<String> {
    let mut targets: Vec<String> = workflow["jobs"][job]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap_or_else(|| panic!("job {job} has no matrix include"))
        .iter()
        .filter_map(|entry| entry["target"].as_str().map(str::to_owned))
        .collect();
    targets.sort();
    targets
}

/// Every step's `run` script of a job, joined.
fn runs(workflow: &serde_json::Value, job: &str) -> String {
    workflow["jobs"][job]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("job {job} has no steps"))
        .iter()
        .filter_map(|step| step["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_release_builds_every_platform_the_action_downloads_and_publishes_checksums() {
    let Some(workflow) = yaml(".github/workflows/release.yml") else {
        return;
    };
    // On a version tag (ruamel reads the `on` key as the string it is).
    assert!(
        workflow["on"]["push"]["tags"][0]
            .as_str()
            .is_some_and(|t| t.starts_with('v')),
        "{}",
        workflow["on"]
    );
    let targets = matrix_targets(&workflow, "build");
    assert_eq!(
        targets,
        [
            "aarch64-apple-darwin",
            "aarch64-unknown-linux-musl",
            "x86_64-apple-darwin",
            "x86_64-pc-windows-msvc",
            "x86_64-unknown-linux-musl",
        ]
    );
    // The Action's platform table names exactly these targets: none it asks for is missing from
    // the release, none the release builds is unreachable.
    let install = read("scripts/action-install.sh");
    let mut action_targets: Vec<String> = install
        .lines()
        .filter_map(|l| l.trim().split_once(") echo "))
        .map(|(_, target)| target.trim_end_matches(" ;;").to_owned())
        .filter(|t| t != "\"\"")
        .collect();
    action_targets.sort();
    assert_eq!(action_targets, targets);

    // Each binary is built with the tested lock file, packaged by the shared script, and its
    // wheel is built from the same target directory.
    let build = runs(&workflow, "build");
    for needle in [
        "cargo build --release --locked --target \"$TARGET\"",
        "scripts/release-package.sh archive \"$TARGET\"",
        "maturin build --release --locked --target \"$TARGET\"",
        "statically linked",
    ] {
        assert!(
            build.contains(needle),
            "build job lacks {needle:?}:\n{build}"
        );
    }
    assert_eq!(
        matrix_targets(&workflow, "manylinux"),
        ["aarch64", "x86_64"]
    );
    // Checksums over everything, verified, then the release.
    let release = runs(&workflow, "release");
    let sums = release
        .find("release-package.sh checksums dist")
        .expect("SHA256SUMS written");
    let check = release
        .find("sha256sum --check --strict SHA256SUMS")
        .expect("and checked");
    let publish = release.find("gh release create").expect("release created");
    assert!(sums < check && check < publish, "{release}");
    assert_eq!(
        workflow["jobs"]["release"]["permissions"]["contents"],
        "write"
    );
    assert_eq!(workflow["permissions"]["contents"], "read");
}

#[test]
fn release_package_writes_archives_and_checksums_sha256sum_accepts() {
    let out = Tree::new();
    out.write("build/leakgate", "#!/bin/sh\necho fake\n");
    let script = repo_file("scripts/release-package.sh");
    for target in ["x86_64-unknown-linux-musl", "x86_64-pc-windows-msvc"] {
        let made = Command::new("bash")
            .arg(&script)
            .args(["archive", target])
            .arg(out.child("build/leakgate"))
            .arg(out.child("dist"))
            .output()
            .expect("archive");
        assert!(made.status.success(), "{made:?}");
    }
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(out.child("dist/leakgate-x86_64-unknown-linux-musl.tar.gz"))
        .output()
        .expect("tar");
    let listing = String::from_utf8_lossy(&listing.stdout);
    assert!(
        listing
            .lines()
            .any(|l| l == "leakgate-x86_64-unknown-linux-musl/leakgate"),
        "{listing}"
    );
    let zip = Command::new("unzip")
        .arg("-l")
        .arg(out.child("dist/leakgate-x86_64-pc-windows-msvc.zip"))
        .output()
        .expect("unzip");
    assert!(
        String::from_utf8_lossy(&zip.stdout)
            .contains("leakgate-x86_64-pc-windows-msvc/leakgate.exe"),
        "{zip:?}"
    );

    let sums = Command::new("bash")
        .arg(&script)
        .arg("checksums")
        .arg(out.child("dist"))
        .output()
        .expect("checksums");
    assert!(sums.status.success(), "{sums:?}");
    let text = std::fs::read_to_string(out.child("dist/SHA256SUMS")).expect("SHA256SUMS");
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once("  ").map(|(_, n)| n))
        .collect();
    assert_eq!(
        names,
        [
            "leakgate-x86_64-pc-windows-msvc.zip",
            "leakgate-x86_64-unknown-linux-musl.tar.gz"
        ]
    );
    let check = Command::new("sha256sum")
        .args(["--check", "--strict", "SHA256SUMS"])
        .current_dir(out.child("dist"))
        .output()
        .expect("sha256sum");
    assert!(check.status.success(), "{check:?}");

    // A bad target name or a missing binary is an error, not an archive of nothing.
    let bad = Command::new("bash")
        .arg(&script)
        .args(["archive", "../evil", "/nonexistent", "dist"])
        .current_dir(out.path())
        .output()
        .expect("archive");
    assert_eq!(bad.status.code(), Some(2));
    assert!(!out.child("evil").exists() && !out.child("dist/leakgate-../evil.tar.gz").exists());
}

/// `1.85` or `1.85.0` as comparable numbers.
fn version_tuple(text: &str) -> (u64, u64, u64) {
    let mut parts = text.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

#[test]
fn the_minimum_rust_version_is_declared_checked_and_documented() {
    // Not `--offline`: every platform's packages are read (a build on this one downloads only
    // its own), and cargo fetches what is missing from the registry, as `cargo install` does.
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let packages = metadata["packages"].as_array().expect("packages");
    let ours = packages
        .iter()
        .find(|p| p["name"] == "leakgate")
        .and_then(|p| p["rust_version"].as_str())
        .expect("Cargo.toml declares rust-version");
    // Edition 2024 needs 1.85.
    assert!(version_tuple(ours) >= (1, 85, 0), "{ours}");
    // No locked dependency needs a newer compiler than the one we promise.
    let newer: Vec<String> = packages
        .iter()
        .filter_map(|p| {
            let theirs = p["rust_version"].as_str()?;
            (version_tuple(theirs) > version_tuple(ours))
                .then(|| format!("{} {} needs {theirs}", p["name"], p["version"]))
        })
        .collect();
    assert!(newer.is_empty(), "rust-version is {ours}, but {newer:?}");
    // The README says the same.
    let readme = read("README.md");
    assert!(
        readme.contains(&format!("Rust {ours} or newer")),
        "the README's installation section must say `Rust {ours} or newer`"
    );
}

#[test]
fn the_readme_opens_with_the_set_up_and_documents_every_way_to_install() {
    let readme = read("README.md");
    assert!(
        readme.starts_with(
            "# leakgate\n\n```sh\ncargo install --locked --path . && leakgate scan .\ncargo test\n```\n"
        ),
        "the README must open with exactly the two set-up commands"
    );
    let pyproject = read("pyproject.toml");
    let dist = pyproject
        .lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("pyproject.toml [project] name");
    let section = readme
        .split("\n## Installation\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a `## Installation` section");
    for needle in [
        "cargo install --locked --path .".to_owned(),
        format!("pipx install {dist}"),
        format!("uvx --from {dist} leakgate"),
        format!("pip install {dist}"),
        "SHA256SUMS".to_owned(),
        "sha256sum --check".to_owned(),
        "C compiler".to_owned(),
        "additional_dependencies".to_owned(),
    ] {
        assert!(section.contains(&needle), "Installation lacks {needle:?}");
    }
    // Never the PyPI name of somebody else's package.
    if dist != "leakgate" {
        for wrong in [
            "pip install leakgate\n",
            "pipx install leakgate\n",
            "uvx leakgate",
        ] {
            assert!(!readme.contains(wrong), "README says {wrong:?}");
        }
    }

    // The Python hooks run the same commands as the cargo-built ones.
    let Some(hooks) = yaml(".pre-commit-hooks.yaml") else {
        return;
    };
    let hooks = hooks.as_array().expect("hook list");
    let entry = |id: &str| {
        hooks
            .iter()
            .find(|h| h["id"] == id)
            .unwrap_or_else(|| panic!("no hook {id}"))
            .clone()
    };
    for (python, rust) in [
        ("leakgate-python", "leakgate"),
        ("leakgate-check-python", "leakgate-check"),
    ] {
        assert_eq!(entry(python)["language"], "python");
        assert_eq!(entry(python)["entry"], entry(rust)["entry"]);
    }
}
