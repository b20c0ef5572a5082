//! The Action's install step (`scripts/action-install.sh install`) against a real HTTP server on
//! 127.0.0.1 serving a GitHub release layout (`OWNER/REPO/releases/download/REF/…`) that
//! `scripts/release-package.sh` builds from the binary under test, exactly as the release
//! workflow does. The runner is told where the server is by `GITHUB_SERVER_URL`, the variable a
//! runner on GitHub Enterprise Server sets. `cargo` is a stub on PATH: a real fallback build takes
//! minutes, and what matters here is whether and when it is called.

mod common;

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::*;

/// `python3 -m http.server` on an ephemeral port of 127.0.0.1, stopped when dropped.
struct ReleaseServer {
    child: Child,
    url: String,
}

impl ReleaseServer {
    fn serve(dir: &Path) -> Self {
        let mut child = Command::new("python3")
            .args([
                "-u",
                "-m",
                "http.server",
                "0",
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m http.server");
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the server's first line");
        let port = line
            .split_whitespace()
            .skip_while(|word| *word != "port")
            .nth(1)
            .and_then(|p| p.parse::<u16>().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        ReleaseServer {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for ReleaseServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The release's name for this machine's platform, and the runner's RUNNER_ARCH for it.
fn platform() -> (&'static str, &'static str) {
    match std::env::consts::ARCH {
        "aarch64" => ("aarch64-unknown-linux-musl", "ARM64"),
        _ => ("x86_64-unknown-linux-musl", "X64"),
    }
}

const REPO: &str = "acme/leakgate";
const TAG: &str = "v9.9.9";

/// A release directory `REPO/releases/download/TAG` holding the archive of the binary under
/// test for this platform and its SHA256SUMS, made by the release workflow's own script.
/// Packaging the debug binary takes seconds, so it is done once and copied for each test.
fn release_layout(root: &Tree) -> PathBuf {
    static PACKAGED: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let packaged = PACKAGED.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("action-download-release");
        let _ = std::fs::remove_dir_all(&dir);
        package(&dir);
        dir
    });
    let dir = root.child(&format!("{REPO}/releases/download/{TAG}"));
    std::fs::create_dir_all(&dir).expect("release dir");
    for name in [archive_name().as_str(), "SHA256SUMS"] {
        std::fs::copy(packaged.join(name), dir.join(name)).expect("copy the release");
    }
    dir
}

fn package(dir: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/release-package.sh");
    let archive = Command::new("bash")
        .arg(&script)
        .args(["archive", platform().0])
        .arg(assert_cmd::cargo::cargo_bin("leakgate"))
        .arg(dir)
        .output()
        .expect("release-package.sh archive");
    assert!(
        archive.status.success(),
        "{}",
        String::from_utf8_lossy(&archive.stderr)
    );
    let sums = Command::new("bash")
        .arg(&script)
        .arg("checksums")
        .arg(dir)
        .output()
        .expect("release-package.sh checksums");
    assert!(
        sums.status.success(),
        "{}",
        String::from_utf8_lossy(&sums.stderr)
    );
    // What `sha256sum --check` accepts is what the release publishes.
    let check = Command::new("sha256sum")
        .args(["--check", "--strict", "SHA256SUMS"])
        .current_dir(dir)
        .output()
        .expect("sha256sum");
    assert!(check.status.success(), "{check:?}");
}

fn archive_name() -> String {
    format!("leakgate-{}.tar.gz", platform().0)
}

/// A runner: the action checked out as the runner does (`_actions/OWNER/REPO/REF`), a tool
/// cache, and a stub `cargo` that logs its calls and leaves a `leakgate` saying it was built.
struct Runner {
    dir: Tree,
    action: PathBuf,
}

impl Runner {
    fn new(action_ref: &str) -> Self {
        let dir = Tree::new();
        let rel = format!("_actions/{REPO}/{action_ref}");
        dir.write(
            &format!("{rel}/Cargo.toml"),
            "[package]\nname = \"leakgate\"\n",
        );
        dir.write(&format!("{rel}/src/main.rs"), "fn main() {}\n");
        dir.write(
            "bin/cargo",
            "#!/bin/sh\n\
             echo \"$@\" >> \"$(dirname \"$0\")/../cargo.log\"\n\
             while [ $# -gt 0 ]; do case \"$1\" in --root) root=$2; shift;; esac; shift; done\n\
             mkdir -p \"$root/bin\"\n\
             printf '#!/bin/sh\\necho built from source\\n' > \"$root/bin/leakgate\"\n\
             chmod +x \"$root/bin/leakgate\"\n",
        );
        std::fs::set_permissions(
            dir.child("bin/cargo"),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .expect("chmod");
        let action = dir.child(&rel);
        Runner { dir, action }
    }

    /// `action-install.sh install` as action.yml runs it: (exit code, output, step outputs).
    fn install(&self, server: &str, env: &[(&str, &str)]) -> (Option<i32>, String, String) {
        let outputs = self.dir.child("step-output");
        let _ = std::fs::remove_file(&outputs);
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action-install.sh");
        let mut cmd = Command::new("bash");
        cmd.arg(script)
            .arg("install")
            .env_remove("ACTION_REF")
            .env_remove("ACTION_REPOSITORY")
            .env("GITHUB_ACTION_PATH", &self.action)
            .env("GITHUB_SERVER_URL", server)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", platform().1)
            .env("RUNNER_TOOL_CACHE", self.dir.child("tool-cache"))
            .env("GITHUB_OUTPUT", &outputs)
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    self.dir.child("bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            );
        for (key, value) in env {
            cmd.env(key, value);
        }
        let output = cmd.output().expect("bash");
        (
            output.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
            std::fs::read_to_string(&outputs).unwrap_or_default(),
        )
    }

    fn cargo_calls(&self) -> usize {
        std::fs::read_to_string(self.dir.child("cargo.log"))
            .unwrap_or_default()
            .lines()
            .count()
    }

    /// Every `leakgate` under the tool cache (installed or half-installed).
    fn installed(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.file_name().is_some_and(|n| n == "leakgate") {
                    found.push(path);
                }
            }
        }
        let mut found = Vec::new();
        walk(&self.dir.child("tool-cache"), &mut found);
        found
    }
}

fn binary_of(outputs: &str) -> Option<String> {
    outputs
        .lines()
        .find_map(|l| l.strip_prefix("binary="))
        .map(str::to_owned)
}

#[test]
fn a_verified_release_binary_is_installed_and_runs() {
    let site = Tree::new();
    release_layout(&site);
    let server = ReleaseServer::serve(site.path());
    let runner = Runner::new(TAG);

    // github.action_ref names the outer action when this one is nested: the checkout path wins.
    let (code, out, outputs) = runner.install(&server.url, &[("ACTION_REF", "v0.0.0-outer")]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains(&format!("{} of release {TAG} verified", archive_name())),
        "{out}"
    );
    assert_eq!(runner.cargo_calls(), 0, "no build when the release has it");
    let binary = binary_of(&outputs).expect("binary output");

    let version = |program: &Path| {
        let out = Command::new(program)
            .arg("--version")
            .output()
            .expect("--version");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(
        version(Path::new(&binary)),
        version(&assert_cmd::cargo::cargo_bin("leakgate"))
    );
    // It scans: a secret fails, and is not printed.
    let tree = Tree::new();
    let secret = fake("ghp_", 7, 36, ALNUM);
    tree.write("app.py", format!("TOKEN = \"{secret}\"\n"));
    let scan = Command::new(&binary)
        .args(["scan", ".", "--color", "never"])
        .current_dir(tree.path())
        .output()
        .expect("scan");
    assert_eq!(scan.status.code(), Some(1), "{scan:?}");
    assert!(!String::from_utf8_lossy(&scan.stdout).contains(&secret));

    // The cache restored it: used as it is, not downloaded again (the server is gone).
    drop(server);
    let (code, out, again) = runner.install("http://127.0.0.1:9", &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("using the install"), "{out}");
    assert_eq!(binary_of(&again), Some(binary));
}

#[test]
fn a_checksum_mismatch_fails_and_installs_nothing() {
    let site = Tree::new();
    let dir = release_layout(&site);
    // The archive changed after its checksum was published (a tampered or corrupted asset).
    let archive = dir.join(archive_name());
    let mut bytes = std::fs::read(&archive).expect("archive");
    bytes.extend_from_slice(b"\0");
    std::fs::write(&archive, bytes).expect("tamper");
    let server = ReleaseServer::serve(site.path());
    let runner = Runner::new(TAG);

    let (code, out, outputs) = runner.install(&server.url, &[]);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains(&format!(
            "::error title=leakgate::checksum mismatch for {}",
            archive_name()
        )),
        "{out}"
    );
    assert_eq!(binary_of(&outputs), None, "{outputs}");
    assert_eq!(
        runner.cargo_calls(),
        0,
        "a mismatch is not a reason to build"
    );
    assert_eq!(runner.installed(), Vec::<PathBuf>::new());
}

#[test]
fn an_archive_that_cannot_be_verified_fails() {
    let site = Tree::new();
    let dir = release_layout(&site);
    let server = ReleaseServer::serve(site.path());
    let runner = Runner::new(TAG);

    // SHA256SUMS lists other assets, not this one.
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).expect("sums");
    let other = sums.replace(&archive_name(), "leakgate-x86_64-apple-darwin.tar.gz");
    std::fs::write(dir.join("SHA256SUMS"), other).expect("write");
    let (code, out, outputs) = runner.install(&server.url, &[]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("has no checksum for"), "{out}");
    assert_eq!(binary_of(&outputs), None);

    // No SHA256SUMS at all.
    std::fs::remove_file(dir.join("SHA256SUMS")).expect("rm");
    let (code, out, _) = runner.install(&server.url, &[]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("SHA256SUMS could not be downloaded"), "{out}");

    // The server is unreachable: an error, not "no release" (nothing says the asset is missing).
    drop(server);
    let (code, out, _) = runner.install("http://127.0.0.1:9", &[]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("failed (HTTP 000)"), "{out}");
    assert_eq!(runner.cargo_calls(), 0);
    assert_eq!(runner.installed(), Vec::<PathBuf>::new());
}

#[test]
fn without_a_release_asset_it_builds_with_cargo_and_says_so() {
    let site = Tree::new();
    release_layout(&site);
    let server = ReleaseServer::serve(site.path());

    // A ref with no release (a branch, a commit): 404, then the cargo build.
    let runner = Runner::new("main");
    let (code, out, outputs) = runner.install(&server.url, &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains(&format!("release main of {REPO} has no {}", archive_name())),
        "{out}"
    );
    assert!(
        out.contains(
            "no prebuilt binary to use; building this action version from source with cargo"
        ),
        "{out}"
    );
    assert_eq!(runner.cargo_calls(), 1);
    let built = Command::new(binary_of(&outputs).expect("binary"))
        .output()
        .expect("run");
    assert_eq!(
        String::from_utf8_lossy(&built.stdout),
        "built from source\n"
    );

    // A platform the release has no binary for.
    let runner = Runner::new(TAG);
    let (code, out, _) = runner.install(&server.url, &[("RUNNER_ARCH", "ARM")]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("no prebuilt binary for Linux on ARM"), "{out}");
    assert_eq!(runner.cargo_calls(), 1);
}
