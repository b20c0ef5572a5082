//! Shared helpers for the CLI tests: temp trees, the built binary, and fake secrets generated at
//! run time (so this repository holds no secret-looking literal and passes its own scan).
#![allow(dead_code)]

pub mod agent;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub const UPPER32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
pub const DIGITS: &[u8] = b"0123456789";
pub const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
pub const PASSWORDISH: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789!#%^*~";

/// Deterministic random text: the same seed gives the same characters on every run.
pub fn random(seed: u64, len: usize, alphabet: &[u8]) -> String {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            alphabet[(state % alphabet.len() as u64) as usize] as char
        })
        .collect()
}

/// A fake secret of a provider's shape: `prefix` then random characters. A GitHub-format token
/// (`ghp_`, `gho_`, `ghu_`, `ghs_`, `npm_` and 36 base62 characters) ends in the checksum its
/// provider documents, as a real one does: 30 random characters, then their CRC32 in base62.
pub fn fake(prefix: &str, seed: u64, len: usize, alphabet: &[u8]) -> String {
    let body = random(seed, len, alphabet);
    if len == 36 && alphabet == ALNUM && ["ghp_", "gho_", "ghu_", "ghs_", "npm_"].contains(&prefix)
    {
        return github_token(prefix, &body[..30]);
    }
    format!("{prefix}{body}")
}

/// `prefix`, the random part, then GitHub's checksum of it: its CRC32 (IEEE) in base62
/// (`0-9A-Za-z`), six characters, zero-padded ("Behind GitHub's new authentication token
/// formats", GitHub's engineering blog).
pub fn github_token(prefix: &str, random_part: &str) -> String {
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut crc = !0u32;
    for &byte in random_part.as_bytes() {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    let mut value = !crc;
    let mut digits = [b'0'; 6];
    for digit in digits.iter_mut().rev() {
        *digit = BASE62[(value % 62) as usize];
        value /= 62;
    }
    format!("{prefix}{random_part}{}", String::from_utf8_lossy(&digits))
}

/// A multi-line PEM private key with a random body.
pub fn fake_pem(seed: u64) -> String {
    let body: Vec<String> = (0..12).map(|i| random(seed + i, 64, BASE64)).collect();
    let kind = "RSA PRIVATE KEY";
    format!(
        "-----BEGIN {kind}-----\n{}\n-----END {kind}-----\n",
        body.join("\n")
    )
}

pub struct Tree {
    pub dir: tempfile::TempDir,
}

impl Tree {
    pub fn new() -> Self {
        Tree {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn child(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let path = self.child(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dirs");
        }
        std::fs::write(path, content).expect("write file");
        self
    }

    /// `leakgate` run inside the tree, with colors and the environment pinned.
    pub fn leakgate(&self) -> Command {
        let mut cmd = leakgate();
        cmd.current_dir(self.path());
        cmd
    }
}

pub fn leakgate() -> Command {
    let mut cmd = Command::cargo_bin("leakgate").expect("built binary");
    cmd.env_remove("NO_COLOR")
        .env_remove("GITHUB_ACTIONS")
        .env("TERM", "dumb");
    cmd
}

/// Parse JSON Lines output.
pub fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

/// One run of the built binary with `--format json` appended: its exit code, its JSON Lines
/// parsed, and its raw output (a test that a secret is absent checks the raw bytes too).
pub struct JsonRun {
    pub status: Option<i32>,
    pub messages: Vec<serde_json::Value>,
    pub stdout: String,
    pub stderr: String,
}

/// Run `cmd` with `--format json` appended (so `cmd` must not pass `--format` itself) and parse
/// its standard output; a line that is not JSON fails the test, naming the line.
pub fn run_json(cmd: &mut Command) -> JsonRun {
    JsonRun::from(
        cmd.args(["--format", "json"])
            .output()
            .expect("run leakgate"),
    )
}

/// The output of a run that asked for `--format json` some other way (through a shell, say).
impl From<std::process::Output> for JsonRun {
    fn from(output: std::process::Output) -> Self {
        JsonRun {
            status: output.status.code(),
            messages: json_lines(&output.stdout),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl JsonRun {
    /// The messages whose `type` is `kind` (`finding`, `error`, `warning`, `hygiene`, ...).
    pub fn of_type(&self, kind: &str) -> Vec<&serde_json::Value> {
        self.messages.iter().filter(|m| m["type"] == kind).collect()
    }

    pub fn findings(&self) -> Vec<&serde_json::Value> {
        findings(&self.messages)
    }

    /// The summary, which must be the last message.
    pub fn summary(&self) -> &serde_json::Value {
        summary(&self.messages)
    }

    /// (path, line) of each finding.
    pub fn locations(&self) -> Vec<(String, u64)> {
        locations(&self.messages)
    }

    /// The `path` of each message of type `kind`, in output order.
    pub fn paths_of(&self, kind: &str) -> Vec<String> {
        self.of_type(kind)
            .iter()
            .map(|m| m["path"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

pub fn findings(messages: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    messages.iter().filter(|m| m["type"] == "finding").collect()
}

pub fn summary(messages: &[serde_json::Value]) -> &serde_json::Value {
    let last = messages.last().expect("at least a summary");
    assert_eq!(last["type"], "summary", "the summary comes last");
    last
}

/// A real git repository in a temp dir, driven with the real `git` binary.
pub struct TestRepo {
    pub tree: Tree,
}

impl TestRepo {
    pub fn new() -> Self {
        let repo = TestRepo { tree: Tree::new() };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.email", "alice@example.test"]);
        repo.git(&["config", "user.name", "Alice"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.tree.path()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        self.tree.write(rel, content);
        self
    }

    /// Run git in the repo; panics with git's stderr if it fails.
    pub fn git(&self, args: &[&str]) -> String {
        let output = std::process::Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path())
            .output()
            .expect("run git");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    pub fn commit_all(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    pub fn leakgate(&self) -> Command {
        let mut cmd = self.tree.leakgate();
        cmd.env("HOME", self.path()).env("GIT_CONFIG_NOSYSTEM", "1");
        cmd
    }

    /// `leakgate <args> --format json`: exit code and parsed messages.
    pub fn scan_json(&self, args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
        let run = run_json(self.leakgate().args(args));
        (run.status, run.messages)
    }
}

/// A password-shaped fake secret, different for every seed.
pub fn password(seed: u64) -> String {
    random(seed, 16, PASSWORDISH)
}

/// (path, line) of each finding.
pub fn locations(messages: &[serde_json::Value]) -> Vec<(String, u64)> {
    findings(messages)
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// The Python of the tests' own virtualenv (under the target directory), with `packages`
/// installed from PyPI when missing: tests never install anything into the user's Python.
/// Creating it is serialised with a lock file, since test binaries run in parallel.
///
/// `None` when it cannot be made (no network to reach PyPI, no `python3 -m venv`) outside CI:
/// the caller skips, and says so on stderr. Under `CI=true` that is a failure: CI installs them.
pub fn test_python(packages: &[&str]) -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-venv");
    let python = venv.join("bin/python3");
    std::fs::create_dir_all(env!("CARGO_TARGET_TMPDIR")).expect("target tmp dir");
    let lock_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-venv.lock");
    // `flock` (util-linux) holds the lock while the shell creates and fills the virtualenv.
    let script = r#"
        set -e
        venv="$1"; shift
        [ -x "$venv/bin/python3" ] || python3 -m venv "$venv"
        for package in "$@"; do
          module="$(printf %s "$package" | tr - _)"
          "$venv/bin/python3" -c "import $module" 2>/dev/null \
            || "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check "$package" </dev/null
        done
    "#;
    let output = std::process::Command::new("flock")
        .arg(&lock_path)
        .args(["sh", "-c", script, "sh"])
        .arg(&venv)
        .args(packages)
        .output()
        .expect("flock (util-linux) and sh");
    if output.status.success() {
        return Some(python);
    }
    unavailable(&format!(
        "the tests' virtualenv ({}) with {packages:?}: {}",
        venv.display(),
        String::from_utf8_lossy(&output.stderr).trim()
    ))
}

/// A tool a test needs from the network (PyPI, npm) could not be had. In CI (`CI=true`) the
/// test fails; elsewhere it is skipped with a message saying what is missing and how to run it.
// The skip is said on stderr, where `cargo test` shows a test's output.
#[allow(clippy::print_stderr)]
pub fn unavailable<T>(what: &str) -> Option<T> {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true, so this test must run, but it could not get {what}");
    }
    eprintln!(
        "SKIPPED: could not get {what}. This test needs network access to fetch it (no \
         network?); it always runs under CI=true"
    );
    None
}

/// An SDK journal event file (see shared/journal-format.md): pretty JSON whose last key is a
/// `checksum` over the text without it, as the SDK writes it.
pub fn sdk_event(kind: &str, seconds: u32, data: serde_json::Value) -> String {
    let body = serde_json::to_string_pretty(&serde_json::json!({
        "type": kind,
        "recordedAt": format!("2026-01-01T00:00:{seconds:02}.000Z"),
        "data": data,
        "sdkVersion": "6.0.0",
    }))
    .expect("json")
        + "\n";
    use sha2::Digest;
    let checksum: String = sha2::Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    event_with_checksum(&body, &checksum)
}

/// An event's text (pretty JSON ending in `\n}\n`) with `checksum` added as its last key.
pub fn event_with_checksum(body: &str, checksum: &str) -> String {
    format!(
        "{},\n  \"checksum\": \"{checksum}\"\n}}\n",
        &body[..body.len() - 3]
    )
}

/// Are the tests running as root?
pub fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// The built binary run in `dir` as an unprivileged user (nobody, through `setpriv`) when the
/// tests run as root, since root reads and writes anything: permission tests then test
/// something instead of returning early. The environment is pinned as in [`leakgate`].
pub fn leakgate_unprivileged(dir: &Path) -> Command {
    let binary = assert_cmd::cargo::cargo_bin("leakgate");
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&binary);
        c
    } else {
        Command::new(&binary)
    };
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_ACTIONS")
        .env("TERM", "dumb");
    cmd
}

/// `text` in standard base64 with padding (the encoders of Kubernetes, Docker and HTTP Basic).
pub fn base64(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| n << 8 | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(BASE64[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    out
}

/// `text` with every byte but letters and digits percent-encoded (`%2F`).
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
