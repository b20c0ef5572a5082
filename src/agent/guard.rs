//! The decision for one agent [`Event`], the same for every agent: scan what the event would
//! write, run or send with the rules and configuration every scan uses (the nearest
//! `.leakgate.toml` from the event's directory: allowlists, disabled rules, custom rules,
//! `[confidence] min`, default `medium` as `check`), scan the files it would print into the
//! agent's context, and look at which files it changes.
//!
//! - A secret in what a tool call would write, run or send, or in a prompt: deny.
//! - A file that scans dirty printed into the context (`Read`, `cat .env`): ask, or deny with
//!   `--read deny` or `[agent] read = "deny"`.
//! - A change to the guard's own configuration (`.leakgate.toml`, `.leakgateignore`, the
//!   baseline, the agents' hook settings): ask, so an agent cannot switch the guard off alone.
//! - A secret in a tool's output (after the tool ran): tell the agent and the user.
//!
//! A `.leakgate.toml` that cannot be used blocks every event (the rules it adds or removes are
//! unknown) except a change to that file itself, which is checked with the built-in rules and
//! asked about: a broken configuration never blocks the edit that fixes it.
//!
//! Every reason is masked before it leaves: each found secret in every written form, and any
//! credential-shaped run, is replaced, so a secret used as a file name or a JSON key is not
//! echoed either.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Decision, Event, Stage, Verdict};
use crate::config::{CONFIG_FILE, Config, ReadPolicy};
use crate::finding::Finding;
use crate::fingerprint::{Fingerprinter, Salt, SaltSource};
use crate::input::Provenance;
use crate::pipeline::confidence::{CHECK_DEFAULT, TestFixtures};
use crate::rules::{Confidence, RuleKind, RuleSet};
use crate::scan::{ScanOptions, Scanner};

/// What the command line says; the configuration fills what it leaves unset.
#[derive(Debug, Clone, Copy, Default)]
pub struct GuardOptions {
    /// `--read`: what to answer to a read of a file holding secrets.
    pub read: Option<ReadPolicy>,
    /// `--min-confidence`: findings below it do not block.
    pub min_confidence: Option<Confidence>,
}

/// Files that configure the guard itself, by name.
const GUARD_FILES: &[&str] = &[
    CONFIG_FILE,
    crate::input::walk::LEAKGATE_IGNORE_FILE,
    crate::fingerprint::BASELINE_FILE,
];

/// The agents' hook settings, by their last two components.
const HOOK_SETTINGS: &[(&str, &str)] = &[
    (".claude", "settings.json"),
    (".claude", "settings.local.json"),
    (".cursor", "hooks.json"),
    (".gemini", "settings.json"),
];

/// Is `path` a file that configures the guard?
fn configures_guard(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let parent = (path.parent())
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    GUARD_FILES.contains(&name) || HOOK_SETTINGS.contains(&(parent, name))
}

/// The rules and settings a decision uses.
struct Loaded {
    rules: RuleSet,
    fixtures: TestFixtures,
    min: Confidence,
    read: ReadPolicy,
    max_file_size: u64,
    /// Where paths are judged from (the directory of the `.leakgate.toml` in effect).
    root: PathBuf,
}

/// Load the configuration in effect at `cwd`, as `check` would.
fn load(cwd: &Path, options: &GuardOptions) -> Result<Loaded, String> {
    let sources = crate::config::Sources {
        explicit: None,
        isolated: false,
        cwd: cwd.to_path_buf(),
        nearest: crate::config::Nearest::OnDisk,
    };
    let loaded = crate::config::load(&sources, &crate::scan::examples::Examples)
        .map_err(|e| format!("{}: {}", e.file, e.message))?;
    let root = (loaded.files.last())
        .and_then(|f| f.parent())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| cwd.to_path_buf());
    build(loaded.config, root, options)
}

fn build(config: Config, root: PathBuf, options: &GuardOptions) -> Result<Loaded, String> {
    let max_file_size = match &config.scan.max_file_size {
        Some(text) => crate::pipeline::settings::parse_size(text)?,
        None => crate::pipeline::settings::DEFAULT_MAX_FILE_SIZE,
    };
    Ok(Loaded {
        rules: config.rule_set().map_err(|e| e.to_string())?,
        fixtures: config
            .confidence
            .test_fixtures()
            .map_err(|e| e.to_string())?,
        min: options
            .min_confidence
            .or(config.confidence.min)
            .unwrap_or(CHECK_DEFAULT),
        read: options.read.or(config.agent.read).unwrap_or_default(),
        max_file_size,
        root,
    })
}

/// What was found in one text or file, and the secrets to hide from every reason.
#[derive(Default)]
struct Found {
    /// `(rule, line, revoke)` of each finding that blocks.
    findings: Vec<(String, usize, Option<String>)>,
    /// Every secret found, as written and as decoded.
    secrets: Vec<Vec<u8>>,
}

fn scan(loaded: &Loaded, path: &Path, data: &[u8], found: &mut Found) -> usize {
    // Judged from the configuration's directory, as a tree scan from there would.
    let shown = path.strip_prefix(&loaded.root).unwrap_or(path);
    let provenance = Provenance::file(shown);
    // Fingerprints are never shown here: a fixed salt spares finding the repository's.
    let salt = Salt::parse(crate::fingerprint::DEFAULT_SALT);
    let fingerprints = Fingerprinter::new(match salt {
        Some(salt) => SaltSource::Fixed(salt),
        None => SaltSource::Discover {
            dir: loaded.root.clone(),
            baseline: None,
        },
    });
    // `show_secrets` only so that each finding carries its decoded secret, to be masked.
    let scanner = Scanner::new(
        &loaded.rules,
        ScanOptions {
            show_secrets: true,
            fingerprints: Arc::new(fingerprints),
        },
    );
    let mut findings: Vec<Finding> = scanner.scan(&provenance, data);
    crate::pipeline::confidence::lower_test_fixtures(&mut findings, &loaded.fixtures, &|p| {
        std::borrow::Cow::Borrowed(p)
    });
    let before = found.findings.len();
    for finding in findings {
        let (start, end) = finding.span;
        if let Some(raw) = data.get(start..end) {
            found.secrets.push(raw.to_vec());
        }
        if let Some(secret) = &finding.secret {
            found.secrets.push(secret.expose().as_bytes().to_vec());
        }
        if finding.kind == RuleKind::Policy || finding.confidence < loaded.min {
            continue;
        }
        found
            .findings
            .push((finding.rule, finding.line, finding.revoke));
    }
    found.findings.len() - before
}

/// `rule (line 3), rule (line 9)`.
fn listed(findings: &[(String, usize, Option<String>)]) -> String {
    let mut parts: Vec<String> = findings
        .iter()
        .map(|(rule, line, _)| format!("{rule} (line {line})"))
        .collect();
    parts.dedup();
    parts.join(", ")
}

/// Where the secrets found can be revoked, when their rules say.
fn revoke_hint(findings: &[(String, usize, Option<String>)]) -> String {
    let mut urls: Vec<&str> = findings.iter().filter_map(|f| f.2.as_deref()).collect();
    urls.sort_unstable();
    urls.dedup();
    if urls.is_empty() {
        String::new()
    } else {
        format!(" Revoke or rotate it: {}.", urls.join(", "))
    }
}

/// A path as the reason shows it: relative to the event's directory when below it.
fn shown(path: &Path, cwd: &Path) -> String {
    crate::input::display_path(path.strip_prefix(cwd).unwrap_or(path))
}

const FIX: &str = "Keep secrets out of files, commands and prompts: read the value from an \
environment variable the user sets (`${VAR}`, `os.environ[\"VAR\"]`, `process.env.VAR`) or \
from a secret manager, and write only that reference.";

/// The decision for `event`. Never fails: what cannot be checked is denied.
pub fn judge(event: &Event, options: &GuardOptions) -> Decision {
    let fixes_config =
        (event.writes.iter()).any(|p| p.file_name().is_some_and(|n| n == CONFIG_FILE));
    let mut reasons: Vec<String> = Vec::new();
    let mut verdict = Verdict::Allow;
    let loaded = match load(&event.cwd, options) {
        Ok(loaded) => loaded,
        Err(problem) if fixes_config && event.stage == Stage::BeforeTool => {
            reasons.push(format!(
                "The leakgate configuration cannot be used ({problem}); this change to it was \
                 checked with the built-in rules."
            ));
            verdict = Verdict::Ask;
            match build(Config::default(), event.cwd.clone(), options) {
                Ok(loaded) => loaded,
                Err(problem) => return internal(event, &problem),
            }
        }
        Err(problem) => {
            return masked(
                event.stage,
                Verdict::Deny,
                format!(
                    "leakgate cannot check this: its configuration cannot be used ({problem}). \
                     Fix the .leakgate.toml (an agent may edit it, with your approval), or run \
                     `leakgate scan --dump-config` to see what is wrong."
                ),
                &[],
            );
        }
    };

    let mut found = Found::default();
    for text in &event.texts {
        let path = event.resolve(&text.path.to_string_lossy());
        let before = found.findings.len();
        if scan(&loaded, &path, text.data.as_bytes(), &mut found) > 0 {
            let these = &found.findings[before..];
            let target = if text.path.to_string_lossy().starts_with('(') {
                format!("the {} of {}", text.what, event.tool)
            } else {
                format!(
                    "{} of {} to {}",
                    text.what,
                    event.tool,
                    shown(&path, &event.cwd)
                )
            };
            reasons.push(match event.stage {
                Stage::AfterTool => format!(
                    "The {target} holds a secret: {}. The tool has run, so treat the secret as \
                     leaked: rotate it, and do not repeat or store it.{}",
                    listed(these),
                    revoke_hint(these)
                ),
                Stage::Prompt => format!(
                    "This prompt holds a secret: {}. It was not sent. Put the secret in an \
                     environment variable or a secret manager and refer to it by name.{}",
                    listed(these),
                    revoke_hint(these)
                ),
                Stage::BeforeTool => format!(
                    "leakgate blocked this: {target} holds a secret: {}. {FIX}",
                    listed(these)
                ),
            });
            verdict = Verdict::Deny;
        }
    }

    // Files printed into the agent's context.
    let mut reads: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if let Some((path, content)) = &event.read_content {
        reads.push((
            event.resolve(&path.to_string_lossy()),
            content.clone().into_bytes(),
        ));
    }
    for path in &event.reads {
        let path = event.resolve(&path.to_string_lossy());
        // Only regular files, never a FIFO or a device (reading one could wait forever).
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() || meta.len() > loaded.max_file_size {
            continue;
        }
        if let Ok(data) = std::fs::read(&path) {
            reads.push((path, data));
        }
    }
    for (path, data) in &reads {
        let before = found.findings.len();
        if scan(&loaded, path, data, &mut found) > 0 && event.stage == Stage::BeforeTool {
            let these = &found.findings[before..];
            reasons.push(format!(
                "{} would put the secrets {} holds into the agent's context, which is sent to \
                 the model provider: {}. Approve only if that is intended; to use them, have \
                 the program read them from its environment instead.",
                event.tool,
                shown(path, &event.cwd),
                listed(these)
            ));
            verdict = verdict.max(match loaded.read {
                ReadPolicy::Ask => Verdict::Ask,
                ReadPolicy::Deny => Verdict::Deny,
            });
        }
    }

    // Changes to the guard's own configuration.
    let mut guarded: Vec<String> = (event.writes.iter())
        .filter(|p| configures_guard(p))
        .map(|p| shown(p, &event.cwd))
        .collect();
    guarded.sort();
    guarded.dedup();
    if !guarded.is_empty() {
        match event.stage {
            Stage::AfterTool => reasons.push(format!(
                "The agent changed {}, which configures leakgate: review the change.",
                guarded.join(", ")
            )),
            _ => reasons.push(format!(
                "{} would change {}, which configures leakgate: an agent must not switch the \
                 secret guard off by itself. Approve only a change you asked for.",
                event.tool,
                guarded.join(", ")
            )),
        }
        verdict = verdict.max(match event.stage {
            Stage::AfterTool => Verdict::Deny,
            _ => Verdict::Ask,
        });
    }

    if verdict == Verdict::Allow {
        return Decision::allow(event.stage);
    }
    masked(event.stage, verdict, reasons.join(" "), &found.secrets)
}

/// A decision whose reason has every form of every secret in `secrets`, and every
/// credential-shaped run, masked.
fn masked(stage: Stage, verdict: Verdict, reason: String, secrets: &[Vec<u8>]) -> Decision {
    let forms = crate::mask::SecretForms::new(
        secrets.iter().enumerate().map(|(i, s)| (s.as_slice(), i)),
        1,
    );
    let text = crate::mask::mask_text(reason.as_bytes(), &forms);
    Decision {
        stage,
        verdict,
        reason: crate::mask::mask_name(&text).into_owned(),
    }
}

fn internal(event: &Event, problem: &str) -> Decision {
    masked(
        event.stage,
        Verdict::Deny,
        format!("leakgate cannot check this: {problem}"),
        &[],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_files_are_known_by_name_and_settings_by_place() {
        assert!(configures_guard(Path::new("/p/.leakgate.toml")));
        assert!(configures_guard(Path::new("sub/.leakgateignore")));
        assert!(configures_guard(Path::new(".leakgate-baseline.json")));
        assert!(configures_guard(Path::new("/p/.claude/settings.json")));
        assert!(configures_guard(Path::new("/p/.cursor/hooks.json")));
        assert!(!configures_guard(Path::new("/p/settings.json")));
        assert!(!configures_guard(Path::new("/p/leakgate.toml.md")));
    }
}
