//! The secrecy acceptance test (issue 9): no output of any command, in any format, shows a
//! secret.
//!
//! One temp tree holds secrets of every family the rules cover, generated at run time from fixed
//! seeds: cloud keys, provider tokens, JWTs, database URLs, PEM keys (multi-line, and single-line
//! with literal `\n`), secrets escaped inside JSON strings and JSONL transcripts, secrets used as
//! JSON object keys, a secret repeated on its line, an unrecognised high-entropy neighbour on a
//! line with a finding, and a short guessable password. The tree is a real git repository (a
//! committed change, a staged change, a range) with an agent run directory. Every command runs
//! over it in every format, and no stdout, stderr or written file (reports, baselines, redacted
//! copies and their manifests) may hold 16 characters in a row of any planted secret (the whole
//! secret when it is shorter), in any encoding a report uses (JSON, XML, GitHub workflow-command
//! escapes), with terminal colors removed. `--show-secrets` must show them, which proves that the
//! check can see a leak. A failure names the command, format, stream and family, and the offset
//! of the leak, never the secret.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use aho_corasick::AhoCorasick;
use assert_cmd::Command;
use common::*;
use rayon::prelude::*;

/// The shortest run of a secret's characters that counts as showing it.
const WINDOW: usize = 16;
const HEX: &[u8] = b"0123456789abcdef";
const RUN: &str = "01JAAAAAAAAAAAAAAAAAAAAAAA";
const EFFECT: &str = "01JBBBBBBBBBBBBBBBBBBBBBBB";

/// One planted secret: the family it stands for and every text that must never be shown.
struct Planted {
    family: String,
    /// The secret as planted and as decoded, each with the length of its public prefix (`ghp_`),
    /// which a preview may show.
    forms: Vec<(String, usize)>,
    /// Whether `scan --show-secrets` shows it (as a finding's secret, or on a snippet's line).
    shown_by_scan: bool,
}

#[derive(Default)]
struct Plan {
    planted: Vec<Planted>,
}

impl Plan {
    /// Plant `secret` of `family` whose first `public` characters are a fixed provider prefix.
    fn add(&mut self, family: &str, secret: String, public: usize) -> String {
        self.planted.push(Planted {
            family: family.to_owned(),
            forms: vec![(secret.clone(), public)],
            shown_by_scan: true,
        });
        secret
    }

    /// Another form of the last planted secret (how it is written escaped in a file).
    fn also(&mut self, form: String, public: usize) {
        if let Some(last) = self.planted.last_mut() {
            last.forms.push((form, public));
        }
    }

    /// The last planted secret is not in any file's content, so no scan reports it.
    fn not_scanned(&mut self) {
        if let Some(last) = self.planted.last_mut() {
            last.shown_by_scan = false;
        }
    }

    /// A PEM private key whose body lines are each planted (the armour lines are public).
    fn pem(&mut self, family: &str, seed: u64, label: &str) -> Vec<String> {
        let body: Vec<String> = (0..10).map(|i| random(seed + i, 64, BASE64)).collect();
        self.planted.push(Planted {
            family: family.to_owned(),
            forms: body.iter().map(|line| (line.clone(), 0)).collect(),
            shown_by_scan: true,
        });
        let mut lines = vec![format!("-----BEGIN {label}-----")];
        lines.extend(body);
        lines.push(format!("-----END {label}-----"));
        lines
    }
}

/// The encodings a report may put a secret's text in: JSON strings, XML text, and GitHub
/// workflow-command data and properties.
fn encodings(text: &str) -> Vec<String> {
    let json = serde_json::to_string(text).unwrap_or_default();
    let json = json
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_default()
        .to_owned();
    let xml = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;");
    let github_data = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    let github_property = github_data.replace(':', "%3A").replace(',', "%2C");
    vec![text.to_owned(), json, xml, github_data, github_property]
}

/// Finds windows of planted secrets in bytes.
struct Detector {
    automaton: AhoCorasick,
    /// For each pattern, the index of the planted secret it comes from.
    owners: Vec<usize>,
}

impl Detector {
    fn new(plan: &Plan) -> Self {
        // Each distinct window once, owned by the first secret that has it.
        let mut windows: BTreeMap<String, usize> = BTreeMap::new();
        for (index, planted) in plan.planted.iter().enumerate() {
            for (form, public) in &planted.forms {
                for encoded in encodings(form) {
                    if encoded.len() < WINDOW {
                        windows.entry(encoded).or_insert(index);
                        continue;
                    }
                    // Windows that lie wholly inside the public prefix show nothing secret.
                    for start in public.saturating_sub(WINDOW - 1)..=encoded.len() - WINDOW {
                        windows
                            .entry(encoded[start..start + WINDOW].to_owned())
                            .or_insert(index);
                    }
                }
            }
        }
        let (patterns, owners): (Vec<String>, Vec<usize>) = windows.into_iter().unzip();
        Detector {
            automaton: AhoCorasick::new(&patterns).expect("patterns"),
            owners,
        }
    }

    /// `bytes` as text with every window of a planted secret replaced, fit for a failure message.
    fn masked(&self, bytes: &[u8]) -> String {
        let mut hidden = vec![false; bytes.len()];
        for found in self.automaton.find_overlapping_iter(bytes) {
            hidden[found.start()..found.end()].fill(true);
        }
        let kept: Vec<u8> = bytes
            .iter()
            .zip(&hidden)
            .map(|(&b, &h)| if h { b'#' } else { b })
            .collect();
        String::from_utf8_lossy(&kept).into_owned()
    }

    /// For each planted secret shown in `bytes`: (index, first offset, windows found).
    fn scan(&self, bytes: &[u8]) -> BTreeMap<usize, (usize, usize)> {
        let mut hits: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
        for found in self.automaton.find_overlapping_iter(bytes) {
            let owner = self.owners[found.pattern().as_usize()];
            let entry = hits.entry(owner).or_insert((found.start(), 0));
            entry.0 = entry.0.min(found.start());
            entry.1 += 1;
        }
        hits
    }
}

/// Remove ANSI escape sequences, so that a colored secret split by escapes is still seen.
fn strip_ansi(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            i += 2;
            while i < bytes.len() && !(0x40..=0x7e).contains(&bytes[i]) {
                i += 1;
            }
            i += 1;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// A planted secret seen in a stream.
struct Leak<'a> {
    case: String,
    stream: String,
    family: &'a str,
    offset: usize,
    windows: usize,
}

impl Leak<'_> {
    /// Which command, format, stream and family leaked, and where; never the secret.
    fn describe(&self) -> String {
        format!(
            "{} | {} | {} at byte {} ({} windows of {WINDOW})",
            self.case, self.stream, self.family, self.offset, self.windows
        )
    }
}

/// A command to run and what it may do.
struct Case {
    label: String,
    command: Command,
    codes: Vec<i32>,
    written: Vec<PathBuf>,
}

/// Runs commands and collects every leak and every unexpected outcome.
struct Audit<'a> {
    plan: &'a Plan,
    queued: Vec<Case>,
    detector: Detector,
    leaks: Vec<Leak<'a>>,
    problems: Vec<String>,
    runs: usize,
}

impl<'a> Audit<'a> {
    fn new(plan: &'a Plan) -> Self {
        Audit {
            plan,
            queued: Vec::new(),
            detector: Detector::new(plan),
            leaks: Vec::new(),
            problems: Vec::new(),
            runs: 0,
        }
    }

    /// Check one stream; record which planted secrets it shows, never the secret itself.
    fn check_bytes(&mut self, case: &str, stream: &str, bytes: &[u8]) {
        let mut hits = self.detector.scan(bytes);
        if bytes.contains(&0x1b) {
            for (owner, found) in self.detector.scan(&strip_ansi(bytes)) {
                hits.entry(owner).or_insert(found);
            }
        }
        for (owner, (offset, windows)) in hits {
            self.leaks.push(Leak {
                case: case.to_owned(),
                stream: stream.to_owned(),
                family: &self.plan.planted[owner].family,
                offset,
                windows,
            });
        }
    }

    /// Check a written file, or every file (and every file name) under a written directory.
    fn check_written(&mut self, case: &str, path: &Path) {
        let mut files = Vec::new();
        if path.is_dir() {
            let mut stack = vec![path.to_path_buf()];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
                    let entry_path = entry.path();
                    if entry_path.is_dir() {
                        stack.push(entry_path);
                    } else {
                        files.push(entry_path);
                    }
                }
            }
            files.sort();
        } else if path.exists() {
            files.push(path.to_path_buf());
        } else {
            self.problems
                .push(format!("{case}: wrote nothing at {}", path.display()));
        }
        for file in files {
            let rel = file.strip_prefix(path).unwrap_or(&file);
            let name = if rel.as_os_str().is_empty() {
                file.file_name().map(PathBuf::from).unwrap_or_default()
            } else {
                rel.to_path_buf()
            };
            let name_text = name.display().to_string();
            self.check_bytes(case, "written file name", name_text.as_bytes());
            let content = std::fs::read(&file).expect("read written file");
            self.check_bytes(case, &format!("written file {name_text}"), &content);
        }
    }

    /// Queue `command` as `case`, expecting one of `codes` and the files or directories
    /// `written`.
    fn case(&mut self, case: &str, command: Command, codes: &[i32], written: &[&Path]) {
        self.queued.push(Case {
            label: case.to_owned(),
            command,
            codes: codes.to_vec(),
            written: written.iter().map(|p| p.to_path_buf()).collect(),
        });
    }

    /// Run every queued case (in parallel: they only read the tree and write their own files),
    /// then check exit codes, streams and written files.
    fn run_queued(&mut self) {
        let cases = std::mem::take(&mut self.queued);
        let outputs: Vec<(Case, Output)> = cases
            .into_par_iter()
            .map(|mut case| {
                let output = case.command.output().expect("run leakgate");
                (case, output)
            })
            .collect();
        for (case, output) in outputs {
            let label = case.label.as_str();
            self.runs += 1;
            match output.status.code() {
                Some(code) if case.codes.contains(&code) => {}
                other => {
                    // What it said, with anything planted blanked out.
                    let said = format!(
                        "{}{}",
                        self.detector.masked(&output.stdout),
                        self.detector.masked(&output.stderr)
                    );
                    let said: Vec<&str> = said.lines().filter(|l| !l.trim().is_empty()).collect();
                    self.problems.push(format!(
                        "{label}: exit {other:?}, expected one of {:?}: {}",
                        case.codes,
                        said[said.len().saturating_sub(3)..].join(" / ")
                    ))
                }
            }
            if String::from_utf8_lossy(&output.stderr).contains("panicked") {
                self.problems.push(format!("{label}: panicked"));
            }
            self.check_bytes(label, "stdout", &output.stdout);
            self.check_bytes(label, "stderr", &output.stderr);
            for path in &case.written {
                self.check_written(label, path);
            }
        }
    }
}

fn pretty(value: serde_json::Value) -> String {
    serde_json::to_string_pretty(&value).expect("json") + "\n"
}

/// The files of the scanned tree (relative paths and contents), planting each secret in `plan`.
fn tree_files(plan: &mut Plan) -> Vec<(String, String)> {
    let mut files = Vec::new();

    // Provider tokens and cloud keys: one per rule family, in an env file.
    let mut env = String::new();
    let mut token = |plan: &mut Plan, family: &str, name: &str, prefix: &str, body: String| {
        let secret = plan.add(family, format!("{prefix}{body}"), prefix.len());
        env.push_str(&format!("{name}={secret}\n"));
    };
    token(
        plan,
        "aws-access-key-id",
        "AWS_ACCESS_KEY_ID",
        "AKIA",
        random(9001, 16, UPPER32),
    );
    token(
        plan,
        "github-pat",
        "GITHUB_TOKEN",
        "ghp_",
        // With the checksum GitHub's format ends in: a token of a wrong one is not reported.
        fake("ghp_", 9002, 36, ALNUM)[4..].to_owned(),
    );
    token(
        plan,
        "gitlab-pat",
        "GITLAB_TOKEN",
        "glpat-",
        random(9003, 20, ALNUM),
    );
    token(
        plan,
        "openai-project-key",
        "OPENAI_API_KEY",
        "sk-proj-",
        random(9004, 48, ALNUM),
    );
    token(
        plan,
        "anthropic-api-key",
        "ANTHROPIC_API_KEY",
        "sk-ant-api03-",
        format!("{}AA", random(9005, 80, ALNUM)),
    );
    token(
        plan,
        "slack-bot-token",
        "SLACK_BOT_TOKEN",
        "xoxb-",
        format!(
            "{}-{}-{}",
            random(9006, 12, DIGITS),
            random(9007, 12, DIGITS),
            random(9008, 24, ALNUM)
        ),
    );
    token(
        plan,
        "stripe-live-secret-key",
        "STRIPE_KEY",
        "sk_live_",
        random(9009, 24, ALNUM),
    );
    token(
        plan,
        "google-api-key",
        "GOOGLE_API_KEY",
        "AIza",
        random(9010, 35, ALNUM),
    );
    token(
        plan,
        "google-oauth-client-secret",
        "GOOGLE_CLIENT",
        "GOCSPX-",
        random(9011, 28, ALNUM),
    );
    token(
        plan,
        "azure-storage-account-key",
        "AZURE_STORAGE",
        "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=",
        format!("{}==", random(9012, 86, ALNUM)),
    );
    token(
        plan,
        "sendgrid-api-key",
        "SENDGRID",
        "SG.",
        format!("{}.{}", random(9013, 22, ALNUM), random(9014, 43, ALNUM)),
    );
    token(
        plan,
        "twilio-api-key",
        "TWILIO_SID",
        "SK",
        random(9015, 32, HEX),
    );
    token(
        plan,
        "huggingface-token",
        "HF",
        "hf_",
        random(9016, 34, LETTERS),
    );
    token(
        plan,
        "npm-access-token",
        "NPM",
        "npm_",
        // With the checksum GitHub's format ends in: a token of a wrong one is not reported.
        fake("npm_", 9017, 36, ALNUM)[4..].to_owned(),
    );
    token(
        plan,
        "pypi-upload-token",
        "PYPI",
        "pypi-AgEIcHlwaS5vcmc",
        random(9018, 60, ALNUM),
    );
    token(
        plan,
        "digitalocean-pat",
        "DIGITALOCEAN",
        "dop_v1_",
        random(9019, 64, HEX),
    );
    token(
        plan,
        "databricks-token",
        "DATABRICKS",
        "dapi",
        random(9020, 32, HEX),
    );
    token(
        plan,
        "discord-webhook-url",
        "DISCORD",
        "https://discord.com/api/webhooks/",
        format!("{}/{}", random(9021, 18, DIGITS), random(9022, 68, ALNUM)),
    );
    token(
        plan,
        "doppler-token",
        "DOPPLER",
        "dp.st.",
        random(9023, 40, ALNUM),
    );
    token(
        plan,
        "groq-api-key",
        "GROQ",
        "gsk_",
        random(9024, 52, ALNUM),
    );
    token(
        plan,
        "linear-api-key",
        "LINEAR",
        "lin_api_",
        random(9025, 40, ALNUM),
    );
    token(
        plan,
        "mailgun-api-key",
        "MAILGUN_API_KEY",
        "key-",
        random(9026, 32, HEX),
    );
    token(
        plan,
        "openrouter-api-key",
        "OPENROUTER",
        "sk-or-v1-",
        random(9027, 64, HEX),
    );
    token(
        plan,
        "perplexity-api-key",
        "PPLX",
        "pplx-",
        random(9028, 48, ALNUM),
    );
    token(
        plan,
        "replicate-api-token",
        "REPLICATE",
        "r8_",
        random(9029, 37, ALNUM),
    );
    token(
        plan,
        "shopify-access-token",
        "SHOPIFY",
        "shpat_",
        random(9030, 32, HEX),
    );
    token(
        plan,
        "telegram-bot-token",
        "TELEGRAM_BOT_TOKEN",
        "",
        format!("{}:{}", random(9031, 10, DIGITS), random(9032, 35, ALNUM)),
    );
    token(plan, "xai-api-key", "XAI", "xai-", random(9033, 80, ALNUM));
    token(plan, "generic-assignment", "API_TOKEN", "", password(9034));
    files.push(("providers.env".to_owned(), env));

    let aws_secret = plan.add(
        "aws-secret-access-key",
        format!("{}/{}", random(9035, 20, ALNUM), random(9036, 19, ALNUM)),
        0,
    );
    files.push((
        "aws.ini".to_owned(),
        format!("[default]\naws_secret_access_key = {aws_secret}\n"),
    ));

    let jwt = plan.add(
        "jwt",
        format!(
            "eyJ{}.eyJ{}.{}",
            random(9037, 30, ALNUM),
            random(9038, 40, ALNUM),
            random(9039, 43, ALNUM)
        ),
        3,
    );
    files.push(("auth.py".to_owned(), format!("SESSION = '{jwt}'\n")));

    let db = plan.add("database-url-password", random(9040, 20, ALNUM), 0);
    files.push((
        "db.yaml".to_owned(),
        format!("database:\n  url: postgres://app:{db}@db.internal:5432/app\n"),
    ));

    // The same secret twice on one line, the second time where no rule would find it.
    let repeated = plan.add("password repeated on its line", password(9041), 0);
    files.push((
        "deploy.sh".to_owned(),
        format!(
            "export DB_PASSWORD={repeated}; mysql -u root -p{repeated} app; echo {repeated} > .pw\n"
        ),
    ));

    // A found key next to an unrecognised high-entropy value.
    let found = plan.add(
        "google-api-key (beside a neighbour)",
        fake("AIza", 9042, 35, ALNUM),
        4,
    );
    let neighbour = plan.add("unrecognised neighbour", random(9043, 40, BASE64), 0);
    files.push((
        "maps.conf".to_owned(),
        format!("key={found} key={neighbour}\n"),
    ));

    // A short, guessable password (`Summer2024!x` shaped).
    let short = plan.add(
        "short password",
        format!(
            "{}{}20{}!{}",
            random(9044, 1, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
            random(9045, 5, b"abcdefghijklmnopqrstuvwxyz"),
            random(9046, 2, DIGITS),
            random(9047, 1, b"abcdefghijklmnopqrstuvwxyz")
        ),
        0,
    );
    files.push((
        "app.toml".to_owned(),
        format!("[database]\nhost = \"db\"\npassword = \"{short}\"\n"),
    ));

    // PEM keys: multi-line, and single-line with literal `\n` in .env, YAML and JSON.
    let pem = plan.pem("private key (multi-line PEM)", 9100, "RSA PRIVATE KEY");
    files.push(("deploy_key.pem".to_owned(), pem.join("\n") + "\n"));
    let pem = plan.pem(
        "private key (single-line PEM, .env)",
        9200,
        "RSA PRIVATE KEY",
    );
    files.push((
        "prod.env".to_owned(),
        format!("PRIVATE_KEY=\"{}\"\n", pem.join("\\n")),
    ));
    let pem = plan.pem(
        "private key (single-line PEM, YAML)",
        9300,
        "EC PRIVATE KEY",
    );
    files.push((
        "signing.yaml".to_owned(),
        format!("signing:\n  private_key: \"{}\"\n", pem.join("\\n")),
    ));
    let pem = plan.pem("private key (single-line PEM, JSON)", 9400, "PRIVATE KEY");
    files.push((
        "service-account.json".to_owned(),
        pretty(serde_json::json!({
            "type": "service_account",
            "project_id": "acme",
            "private_key": pem.join("\n") + "\n",
            "client_email": "deploy@acme.iam.gserviceaccount.test",
        })),
    ));

    // Secrets escaped inside JSON strings: JSON inside a string, `\u` escapes, `\/`.
    let nested = plan.add("JSON inside a JSON string", password(9048), 0);
    let unicode = plan.add(
        "github-pat (\\u-escaped in JSON)",
        fake("ghp_", 9049, 36, ALNUM),
        4,
    );
    plan.also(format!("gh\\u0070_{}", &unicode[4..]), 9);
    let slashed = plan.add(
        "aws-secret-access-key (\\/-escaped in JSON)",
        format!("{}/{}", random(9050, 20, ALNUM), random(9051, 19, ALNUM)),
        0,
    );
    plan.also(slashed.replace('/', "\\/"), 0);
    let inner = serde_json::json!({"command": "psql", "password": nested}).to_string();
    files.push((
        "tool-call.json".to_owned(),
        format!(
            "{{\n  \"tool\": \"bash\",\n  \"input\": {},\n  \"note\": \"token gh\\u0070_{}\",\n  \"aws_secret_access_key\": \"{}\"\n}}\n",
            serde_json::to_string(&inner).expect("json"),
            &unicode[4..],
            slashed.replace('/', "\\/")
        ),
    ));

    // Secrets used as JSON object keys, one with a secret value beneath it.
    let key = plan.add(
        "github-pat (JSON object key)",
        fake("ghp_", 9052, 36, ALNUM),
        4,
    );
    let under = plan.add(
        "gitlab-pat (under a secret key)",
        fake("glpat-", 9053, 20, ALNUM),
        6,
    );
    files.push((
        "tokens.json".to_owned(),
        pretty(serde_json::json!({"tokens": {key: {"scope": "repo", "note": under}}})),
    ));

    // A JSONL session transcript: a pasted key, a command, an escaped tool result.
    let pasted = plan.add(
        "openai-project-key (transcript)",
        fake("sk-proj-", 9054, 48, ALNUM),
        8,
    );
    let command = plan.add(
        "stripe-live-secret-key (transcript)",
        fake("sk_live_", 9055, 24, ALNUM),
        8,
    );
    let result = plan.add(
        "slack token (escaped tool result)",
        fake("xoxb-", 9056, 0, ALNUM)
            + &format!(
                "{}-{}-{}",
                random(9057, 11, DIGITS),
                random(9058, 11, DIGITS),
                random(9059, 26, ALNUM)
            ),
        5,
    );
    let transcript_pem = plan.pem(
        "private key (PEM in a transcript)",
        9500,
        "OPENSSH PRIVATE KEY",
    );
    let lines = [
        serde_json::json!({"type": "user", "message": {"role": "user", "content": format!("here is my key {pasted}")}}),
        serde_json::json!({"type": "assistant", "message": {"content": [{"type": "tool_use", "input": {"command": format!("export STRIPE_KEY={command} && ./deploy")}}]}}),
        serde_json::json!({"type": "user", "message": {"content": [{"type": "tool_result", "content": serde_json::json!({"ok": true, "access_token": result}).to_string()}]}}),
        serde_json::json!({"type": "user", "message": {"content": [{"type": "tool_result", "content": format!("cat ~/.ssh/id_ed25519\n{}\n", transcript_pem.join("\n"))}]}}),
    ];
    files.push((
        "session.jsonl".to_owned(),
        lines.iter().map(|l| l.to_string() + "\n").collect(),
    ));
    files
}

/// An agent run under `.a5c/runs/<RUN>`: secrets in a prompt, a task's env, a secret-keyed
/// object, stderr, an error message, and in fields that integrity messages name (an effect id, a
/// ref, a recorded checksum, a file name).
fn journal_files(plan: &mut Plan) -> Vec<(String, String)> {
    let run = format!(".a5c/runs/{RUN}");
    let mut files = Vec::new();
    let prompt = plan.add(
        "github-pat (journal prompt)",
        fake("ghp_", 9600, 36, ALNUM),
        4,
    );
    let env_password = plan.add("password (task env)", password(9601), 0);
    let cache_key = plan.add(
        "github-app-installation-token (JSON key in a task)",
        fake("ghs_", 9602, 36, ALNUM),
        4,
    );
    let bearer = plan.add("bearer token (stderr log)", random(9603, 40, ALNUM), 0);
    let log_password = plan.add(
        "password repeated on its line (stderr log)",
        password(9609),
        0,
    );
    let error = plan.add(
        "bearer token repeated in an event error message",
        random(9604, 40, ALNUM),
        0,
    );
    let effect_id = plan.add(
        "github-app-user-token (effectId)",
        fake("ghu_", 9605, 36, ALNUM),
        4,
    );
    let missing_ref = plan.add(
        "gitlab-pat (a missing ref)",
        fake("glpat-", 9606, 20, ALNUM),
        6,
    );
    let checksum = plan.add(
        "openai-project-key (recorded checksum)",
        fake("sk-proj-", 9607, 48, ALNUM),
        8,
    );
    let file_name = plan.add(
        "github-pat (journal file name)",
        fake("ghp_", 9608, 36, ALNUM),
        4,
    );
    plan.not_scanned();

    files.push((
        format!("{run}/run.json"),
        pretty(serde_json::json!({"runId": RUN, "processId": "demo/deploy"})),
    ));
    files.push((
        format!("{run}/journal/000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json"),
        sdk_event(
            "RUN_CREATED",
            0,
            serde_json::json!({"runId": RUN, "processId": "demo/deploy", "prompt": format!("deploy using token {prompt}")}),
        ),
    ));
    files.push((
        format!("{run}/journal/000002.01JDDDDDDDDDDDDDDDDDDDDDD2.json"),
        sdk_event(
            "EFFECT_REQUESTED",
            1,
            serde_json::json!({"effectId": EFFECT, "kind": "node", "taskDefRef": format!("tasks/{EFFECT}/task.json")}),
        ),
    ));
    files.push((
        format!("{run}/tasks/{EFFECT}/task.json"),
        pretty(serde_json::json!({
            "kind": "node",
            "node": {"env": {"DB_PASSWORD": env_password}},
            "cache": {cache_key: {"scope": "repo"}},
        })),
    ));
    files.push((
        format!("{run}/tasks/{EFFECT}/stderr.log"),
        format!(
            "curl -H 'Authorization: Bearer {bearer}' https://api.internal\nexport DB_PASSWORD={log_password}; echo {log_password} | psql\n"
        ),
    ));
    // Resolves an effect nobody requested, pointing at a ref that does not exist.
    files.push((
        format!("{run}/journal/000003.01JDDDDDDDDDDDDDDDDDDDDDD3.json"),
        sdk_event(
            "EFFECT_RESOLVED",
            2,
            serde_json::json!({
                "effectId": effect_id,
                "status": "error",
                "resultRef": format!("tasks/{missing_ref}/result.json"),
                "error": {"name": "Error", "message": format!("curl failed: Authorization: Bearer {error} (retried with {error} at 12:00)")},
            }),
        ),
    ));
    // A recorded checksum that is not a checksum at all.
    let body = serde_json::to_string_pretty(&serde_json::json!({
        "type": "COST_TRACKED",
        "recordedAt": "2026-01-01T00:00:03.000Z",
        "data": {"model": "m"},
        "sdkVersion": "6.0.0",
    }))
    .expect("json")
        + "\n";
    files.push((
        format!("{run}/journal/000004.01JDDDDDDDDDDDDDDDDDDDDDD4.json"),
        event_with_checksum(&body, &checksum),
    ));
    // A stray file whose name holds a token.
    files.push((
        format!("{run}/journal/{file_name}.json"),
        sdk_event("COST_TRACKED", 4, serde_json::json!({"model": "m"})),
    ));
    files
}

/// Configuration files that are wrong in ways whose errors might echo a secret on the line.
fn bad_configs(plan: &mut Plan) -> Vec<(&'static str, String)> {
    let unterminated = plan.add(
        "github-pat (config: unterminated string)",
        fake("ghp_", 9700, 36, ALNUM),
        4,
    );
    plan.not_scanned();
    let unknown = plan.add("password (config: unknown key)", password(9701), 0);
    plan.not_scanned();
    let regex = plan.add(
        "gitlab-pat (config: bad regex)",
        fake("glpat-", 9702, 20, ALNUM),
        6,
    );
    plan.not_scanned();
    let example = plan.add(
        "stripe-live-secret-key (config: failing rule example)",
        fake("sk_live_", 9703, 24, ALNUM),
        8,
    );
    plan.not_scanned();
    let beside = plan.add(
        "custom rule example (config: on the line before an error)",
        fake("acme_", 9704, 32, ALNUM),
        5,
    );
    plan.not_scanned();
    vec![
        (
            // A valid custom rule whose example looks like a secret, then an unknown key: the
            // error's context lines must not show the example.
            "secret on the line before an error",
            format!(
                "[[rules.custom]]\nid = \"acme-token\"\ndescription = \"ACME token\"\nkeywords = [\"acme_\"]\nregex = '''\\b(?P<secret>acme_[A-Za-z0-9]{{32}})\\b'''\nexamples = [\"key = {beside}\"]\nexamplez = []\n"
            ),
        ),
        (
            "unterminated string",
            format!("[allowlist]\nstopwords = [\"{unterminated}]\n"),
        ),
        (
            "unknown key",
            format!("[allowlist]\napi_token = \"{unknown}\"\n"),
        ),
        (
            "bad regex",
            format!("[allowlist]\nregexes = ['''(?P<x>{regex}''']\n"),
        ),
        (
            "failing rule example",
            format!(
                "[[rules.custom]]\nid = \"mine\"\ndescription = \"d\"\nkeywords = [\"zz_\"]\nregex = '''zz_[0-9]{{8}}'''\nexamples = [\"key = {example}\"]\n"
            ),
        ),
    ]
}

const FORMATS: [&str; 5] = ["human", "json", "sarif", "github", "junit"];

#[test]
fn no_output_of_any_command_or_format_shows_a_planted_secret() {
    let mut plan = Plan::default();
    let tree = tree_files(&mut plan);
    let journal = journal_files(&mut plan);
    let configs = bad_configs(&mut plan);

    // A repository: a base commit, a commit adding every file (the range), the same files staged
    // under another directory, and the run data beside them, untracked.
    let repo = TestRepo::new();
    repo.write("README.md", "demo\n");
    let base = repo.commit_all("base");
    for (path, content) in &tree {
        repo.write(&format!("app/{path}"), content);
    }
    repo.commit_all("configuration");
    for (path, content) in &tree {
        repo.write(&format!("staged/{path}"), content);
    }
    repo.git(&["add", "staged"]);
    for (path, content) in &journal {
        repo.write(path, content);
    }
    let range = format!("{base}..HEAD");
    let out = Tree::new();
    let lg = |args: &[&str]| {
        let mut cmd = repo.leakgate();
        cmd.env_remove("CI")
            .env_remove("GITHUB_BASE_REF")
            .env_remove("GITHUB_EVENT_PATH")
            .args(args);
        cmd
    };

    // --show-secrets shows every secret a scan finds: the check below can see a leak.
    let shown = run_json(&mut lg(&["scan", "--show-secrets"]));
    let messages = shown.messages;
    let seen = Detector::new(&plan).scan(shown.stdout.as_bytes());

    let mut unseen: Vec<&str> = plan
        .planted
        .iter()
        .enumerate()
        .filter(|(i, p)| p.shown_by_scan && !seen.contains_key(i))
        .map(|(_, p)| p.family.as_str())
        .collect();
    unseen.sort();
    assert!(
        unseen.is_empty(),
        "--show-secrets does not show these planted families, so the test cannot see them leak \
         (fix the generator or the rule): {unseen:?}"
    );

    // The short password's fingerprint must not be an unsalted hash anyone can confirm a guess
    // against offline.
    if let Some(short) = plan
        .planted
        .iter()
        .position(|p| p.family == "short password")
    {
        let secret = plan.planted[short].forms[0].0.clone();
        let rules: Vec<String> = findings(&messages)
            .iter()
            .filter(|f| f["secret"] == secret.as_str())
            .map(|f| f["rule"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert!(!rules.is_empty(), "the short password is found");
        use sha2::Digest;
        let hex = |bytes: &[u8]| -> String {
            sha2::Sha256::digest(bytes)[..8]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        let mut forms = vec![(hex(secret.as_bytes()), 0)];
        for rule in &rules {
            forms.push((hex(format!("{rule}\0{secret}").as_bytes()), 0));
            forms.push((hex(format!("{rule}{secret}").as_bytes()), 0));
            forms.push((hex(format!("{rule}:{secret}").as_bytes()), 0));
        }
        plan.planted.push(Planted {
            family: "short password's unsalted fingerprint (confirms a guess offline)".to_owned(),
            forms,
            shown_by_scan: false,
        });
    }

    let mut audit = Audit::new(&plan);
    let path = |p: &PathBuf| p.to_str().expect("temp paths are UTF-8").to_owned();

    // The baseline first: a later case reads it.
    let baseline = path(&out.child("baseline.json"));
    audit.case(
        "baseline --file FILE",
        lg(&["baseline", "--file", &baseline]),
        &[0],
        &[&out.child("baseline.json")],
    );
    audit.run_queued();

    for (label, args) in [
        ("scan", vec!["scan"]),
        ("scan --staged", vec!["scan", "--staged"]),
        ("scan --range BASE..HEAD", vec!["scan", "--range", &range]),
        ("scan --history", vec!["scan", "--history"]),
        ("check", vec!["check"]),
        ("check --all", vec!["check", "--all"]),
        ("journal .a5c", vec!["journal", ".a5c"]),
        ("journal --verify .a5c", vec!["journal", "--verify", ".a5c"]),
    ] {
        for format in FORMATS {
            let mut command = lg(&args);
            command.args(["--format", format, "--color", "never"]);
            audit.case(&format!("{label} [{format}]"), command, &[1], &[]);
        }
    }
    for (label, args) in [
        ("check --range BASE..HEAD", vec!["check", "--range", &range]),
        (
            "scan --range BASE..HEAD --per-commit",
            vec!["scan", "--range", &range, "--per-commit"],
        ),
        (
            "journal app/session.jsonl",
            vec!["journal", "app/session.jsonl"],
        ),
        ("scan -v", vec!["scan", "-v"]),
    ] {
        for format in ["human", "json"] {
            let mut command = lg(&args);
            command.args(["--format", format, "--color", "never"]);
            audit.case(&format!("{label} [{format}]"), command, &[1], &[]);
        }
    }
    for format in ["human", "sarif"] {
        let file = out.child(&format!("report.{format}"));
        audit.case(
            &format!("scan --output FILE [{format}]"),
            lg(&["scan", "--format", format, "--output", &path(&file)]),
            &[1],
            &[&file],
        );
    }
    audit.case(
        "scan --color always [human]",
        lg(&["scan", "--color", "always"]),
        &[1],
        &[],
    );
    let mut actions = lg(&["scan"]);
    actions.env("GITHUB_ACTIONS", "true");
    audit.case(
        "scan in GitHub Actions [default format]",
        actions,
        &[1],
        &[],
    );
    // Standard input: exit 2 until `scan -` is supported; either way it must not leak.
    let mut stdin = lg(&["scan", "-", "--format", "json"]);
    stdin.write_stdin(
        tree.iter()
            .map(|(_, content)| content.as_str())
            .collect::<String>(),
    );
    audit.case("scan - (standard input) [json]", stdin, &[1, 2], &[]);
    for (label, source, format) in [
        ("run data", ".a5c", "human"),
        ("transcript", "app/session.jsonl", "json"),
    ] {
        let copy = out.child(&format!("copy-{format}"));
        audit.case(
            &format!("journal --verify --redact-to DIR ({label}) [{format}]"),
            lg(&[
                "journal",
                "--verify",
                source,
                "--format",
                format,
                "--color",
                "never",
                "--redact-to",
                &path(&copy),
            ]),
            &[0, 1],
            &[&copy],
        );
    }
    audit.case(
        "scan --baseline FILE --report-unused [json]",
        lg(&[
            "scan",
            "--report-unused",
            "--format",
            "json",
            "--baseline",
            &baseline,
        ]),
        &[0],
        &[],
    );
    for format in ["human", "json", "github"] {
        audit.case(
            &format!("gitignore [{format}]"),
            lg(&["gitignore", "--format", format, "--color", "never"]),
            &[0, 1],
            &[],
        );
    }

    // Configuration errors: each bad file in a tree of its own.
    let bad_trees: Vec<(&str, Tree)> = configs
        .iter()
        .map(|(label, config)| {
            let bad = Tree::new();
            bad.write(".leakgate.toml", config);
            bad.write("app.env", "DEBUG=1\n");
            (*label, bad)
        })
        .collect();
    for (label, bad) in &bad_trees {
        for format in ["human", "json"] {
            let mut command = bad.leakgate();
            command
                .env_remove("CI")
                .args(["scan", "--format", format, "--color", "never"]);
            audit.case(
                &format!("scan with a .leakgate.toml holding a {label} [{format}]"),
                command,
                &[2],
                &[],
            );
        }
    }
    audit.run_queued();

    let runs = audit.runs;
    let mut families: BTreeMap<&str, usize> = BTreeMap::new();
    for leak in &audit.leaks {
        *families.entry(leak.family).or_default() += 1;
    }
    let by_family: Vec<String> = families
        .iter()
        .map(|(family, n)| format!("{family}: {n}"))
        .collect();
    let leaks: Vec<String> = audit.leaks.iter().map(Leak::describe).collect();
    assert!(
        leaks.is_empty() && audit.problems.is_empty(),
        "{} leaks in {runs} runs.\n\nleaks by family (streams):\n{}\n\nleaks (command [format] | \
         stream | family at offset):\n{}\n\nother problems:\n{}",
        leaks.len(),
        by_family.join("\n"),
        leaks.join("\n"),
        audit.problems.join("\n")
    );
}
