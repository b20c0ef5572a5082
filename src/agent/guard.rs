//! The decision for one agent [`Event`], the same for every agent: scan what the event would
//! write, run or send with the rules and configuration every scan uses (the nearest
//! `.leakgate.toml` from the event's directory: allowlists, disabled rules, custom rules,
//! `[confidence] min`, default `medium` as `check`), scan the files it would print into the
//! agent's context, and look at which files it changes.
//!
//! - A secret in what a tool call would write, run or send, or in a prompt: deny. An edit of
//!   an existing file is judged on the whole file as the edit leaves it, for the secrets in
//!   (or across) the changed text or new to the file; after the tool ran, the file is scanned
//!   again and the agent and the user are told.
//! - A file that scans dirty printed into the context (`Read`, `cat .env`): ask, or deny with
//!   `--read deny` or `[agent] read = "deny"`.
//! - A change to the guard's own configuration (`.leakgate.toml`, `.leakgateignore`, the
//!   baseline, the agents' hook settings: [`super::own_files`]), by a write, an edit, a link
//!   or a command that names one and does more than read it: ask, so an agent cannot switch
//!   the guard off alone.
//! - A secret in a tool's output (after the tool ran): tell the agent and the user.
//!
//! A `.leakgate.toml` that cannot be used blocks every event (the rules it adds or removes are
//! unknown) except a change to that file itself, which is checked with the built-in rules and
//! asked about: a broken configuration never blocks the edit that fixes it.
//!
//! Every reason is masked before it leaves: each found secret in every written form, and any
//! credential-shaped run, is replaced, so a secret used as a file name or a JSON key is not
//! echoed either.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::own_files::write_reaches_guard;
use super::{Decision, EditKind, Event, FileEdit, Replacement, Stage, Verdict};
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
    scan_with(&scanner(loaded), loaded, path, data, found)
}

/// The scanner a decision uses. One scanner serves many files (a search): each rule's
/// compiled parts are built once, on first use.
fn scanner(loaded: &Loaded) -> Scanner<'_> {
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
    Scanner::new(
        &loaded.rules,
        ScanOptions {
            show_secrets: true,
            fingerprints: Arc::new(fingerprints),
        },
    )
}

/// [`scan`] with a scanner made once for many files.
fn scan_with(
    scanner: &Scanner<'_>,
    loaded: &Loaded,
    path: &Path,
    data: &[u8],
    found: &mut Found,
) -> usize {
    scan_keeping(scanner, loaded, path, data, found, &|_| true)
}

/// [`scan_with`], counting only the findings `keep` accepts (every secret found is still
/// masked).
fn scan_keeping(
    scanner: &Scanner<'_>,
    loaded: &Loaded,
    path: &Path,
    data: &[u8],
    found: &mut Found,
    keep: &dyn Fn(&Finding) -> bool,
) -> usize {
    let findings = findings_in(scanner, loaded, path, data);
    let before = found.findings.len();
    for finding in findings {
        let (start, end) = finding.span;
        if let Some(raw) = data.get(start..end) {
            found.secrets.push(raw.to_vec());
        }
        if let Some(secret) = &finding.secret {
            found.secrets.push(secret.expose().as_bytes().to_vec());
        }
        if finding.kind == RuleKind::Policy || finding.confidence < loaded.min || !keep(&finding) {
            continue;
        }
        found
            .findings
            .push((finding.rule, finding.line, finding.revoke));
    }
    found.findings.len() - before
}

/// Every finding in `data` scanned as the file at `path`, test-fixture confidence applied.
fn findings_in(scanner: &Scanner<'_>, loaded: &Loaded, path: &Path, data: &[u8]) -> Vec<Finding> {
    // Judged from the configuration's directory, as a tree scan from there would.
    let shown = path.strip_prefix(&loaded.root).unwrap_or(path);
    let provenance = Provenance::file(shown);
    let mut findings: Vec<Finding> = scanner.scan(&provenance, data);
    crate::pipeline::confidence::lower_test_fixtures(&mut findings, &loaded.fixtures, &|p| {
        std::borrow::Cow::Borrowed(p)
    });
    findings
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

    judge_edits(event, &loaded, &mut found, &mut reasons, &mut verdict);

    // Files printed into the agent's context.
    if event.stage == Stage::BeforeTool {
        let (read_verdict, read_reasons) = judge_reads(event, &loaded, &mut found);
        verdict = verdict.max(read_verdict);
        reasons.extend(read_reasons);
    }

    // Changes to the guard's own configuration: a file written or edited that is one (or a
    // link to one), and the names a command or a tool's arguments give in a way that may
    // change one.
    let mut guarded: Vec<String> = (event.writes.iter())
        .filter(|p| write_reaches_guard(p))
        .map(|p| shown(p, &event.cwd))
        .chain(event.guard_mentions.iter().cloned())
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
    let reason = reasons.join(" ");
    // What the reason echoes (a path, a spec, a tool's name) is scanned as text too: a file
    // named after a token is masked like a finding.
    secrets_in(&loaded, reason.as_bytes(), &mut found.secrets);
    masked(event.stage, verdict, reason, &found.secrets)
}

// ---- The read side: what an event would put into the agent's context. ----

/// How much of the budget a read may use, in pieces of `--max-file-size`: a file larger than
/// the limit is still read (a read of a big file is still a leak), piece by piece, up to this
/// many pieces for all the reads of one event.
const READ_BUDGET_PIECES: u64 = 16;

/// How long the reads of one event may take to judge before the rest is asked about.
const READ_BUDGET_TIME: std::time::Duration = std::time::Duration::from_secs(3);

/// At most this many files holding secrets are named in one reason.
const NAMED_IN_REASON: usize = 5;

/// Findings that block: `(rule, line, revoke)` of each.
type Hits = Vec<(String, usize, Option<String>)>;

/// What judging one read found.
enum ReadResult {
    /// Read whole: these findings (rule, line, revoke) block.
    Checked(Hits),
    /// The budget ran out after `read` of `size` bytes; what was read held these.
    Partial {
        findings: Hits,
        read: u64,
        size: u64,
    },
    /// Not a regular file, gone, or not readable by us (nor, then, by the agent).
    Skipped,
}

/// Scan the file at `path` as the agent would read it, in pieces of `--max-file-size`, within
/// `budget`. Findings of every piece are kept in `found` (their secrets masked in reasons),
/// with line numbers of the whole file.
fn scan_read(
    scanner: &Scanner<'_>,
    loaded: &Loaded,
    path: &Path,
    budget: &mut super::reads::Budget,
    found: &mut Found,
) -> ReadResult {
    let start = found.findings.len();
    let mut each = |data: &[u8], lines_before: usize| {
        let before = found.findings.len();
        scan_with(scanner, loaded, path, data, found);
        for finding in &mut found.findings[before..] {
            finding.1 += lines_before;
        }
    };
    let outcome = super::reads::read_in_pieces(path, loaded.max_file_size, budget, &mut each);
    // Pieces overlap: a finding in the overlap was seen twice.
    let mut these = found.findings.split_off(start);
    these.sort();
    these.dedup();
    found.findings.extend(these.iter().cloned());
    match outcome {
        Ok(super::reads::Outcome::Whole) => ReadResult::Checked(these),
        Ok(super::reads::Outcome::Partial { read, size }) => ReadResult::Partial {
            findings: these,
            read,
            size,
        },
        Ok(super::reads::Outcome::NotRegular) | Err(_) => ReadResult::Skipped,
    }
}

/// A file (or object) that holds secrets, as a reason names it: `path: rule (line 3)`.
struct Dirty {
    shown: String,
    findings: Hits,
}

/// Judge everything `event` would put into the agent's context: named files, the files a
/// search would search, git objects a command shows (by the read policy: ask, or deny), and
/// what could not be checked in full or followed (ask).
fn judge_reads(event: &Event, loaded: &Loaded, found: &mut Found) -> (Verdict, Vec<String>) {
    let policy = match loaded.read {
        ReadPolicy::Ask => Verdict::Ask,
        ReadPolicy::Deny => Verdict::Deny,
    };
    let mut budget = super::reads::Budget {
        bytes_left: loaded.max_file_size.saturating_mul(READ_BUDGET_PIECES),
        deadline: std::time::Instant::now() + READ_BUDGET_TIME,
    };
    let mut verdict = Verdict::Allow;
    let mut reasons = Vec::new();
    let mut dirty: Vec<Dirty> = Vec::new();
    let mut unchecked: Vec<String> = event.unchecked.clone();
    let mut seen: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    let scanner = scanner(loaded);

    let mut judge_file = |path: &Path,
                          found: &mut Found,
                          budget: &mut super::reads::Budget,
                          dirty: &mut Vec<Dirty>,
                          unchecked: &mut Vec<String>| {
        if !seen.insert(path.to_path_buf()) {
            return;
        }
        let shown_path = shown(path, &event.cwd);
        match scan_read(&scanner, loaded, path, budget, found) {
            ReadResult::Checked(findings) if !findings.is_empty() => dirty.push(Dirty {
                shown: shown_path,
                findings,
            }),
            ReadResult::Partial {
                findings,
                read,
                size,
            } => {
                unchecked.push(if read == 0 {
                    format!("{shown_path} was not checked (out of time or bytes for one call)")
                } else {
                    format!(
                        "{shown_path} was checked only in part ({read} of {size} bytes, as \
                         much as leakgate reads for one call in its time)"
                    )
                });
                if !findings.is_empty() {
                    dirty.push(Dirty {
                        shown: shown_path,
                        findings,
                    });
                }
            }
            _ => {}
        }
    };

    if let Some((path, content)) = &event.read_content {
        let path = event.resolve(&path.to_string_lossy());
        let before = found.findings.len();
        scan(loaded, &path, content.as_bytes(), found);
        if found.findings.len() > before {
            dirty.push(Dirty {
                shown: shown(&path, &event.cwd),
                findings: found.findings[before..].to_vec(),
            });
        }
    }
    for path in &event.reads {
        let path = event.resolve(&path.to_string_lossy());
        judge_file(&path, found, &mut budget, &mut dirty, &mut unchecked);
    }
    for search in &event.searches {
        let listing = super::reads::searched_files(search);
        if let Some(why) = listing.cut_short {
            unchecked.push(format!("{} ({why})", shown(&search.root, &event.cwd)));
        }
        for path in &listing.files {
            judge_file(path, found, &mut budget, &mut dirty, &mut unchecked);
        }
    }
    for object in &event.objects {
        judge_object(
            &scanner,
            loaded,
            object,
            &mut budget,
            found,
            &mut dirty,
            &mut unchecked,
        );
    }
    if !dirty.is_empty() {
        reasons.push(read_reason(&event.tool, &dirty));
        verdict = verdict.max(policy);
    }

    // Files the event may read by a route the guard cannot follow: asked about when dirty.
    let mut maybe: Vec<(String, String, Hits)> = Vec::new();
    for unsure in &event.unsure {
        let path = event.resolve(&unsure.path.to_string_lossy());
        if let ReadResult::Checked(findings) | ReadResult::Partial { findings, .. } =
            scan_read(&scanner, loaded, &path, &mut budget, found)
            && !findings.is_empty()
        {
            maybe.push((shown(&path, &event.cwd), unsure.why.clone(), findings));
        }
    }
    for (path, why, findings) in maybe.iter().take(NAMED_IN_REASON) {
        reasons.push(format!(
            "{} may put the secrets {path} holds into the agent's context ({why}): {}. \
             leakgate cannot tell whether it does; approve only if it does not, or if that is \
             intended.",
            event.tool,
            listed(findings)
        ));
    }
    if !maybe.is_empty() {
        verdict = verdict.max(Verdict::Ask);
    }
    if !unchecked.is_empty() {
        unchecked.sort();
        unchecked.dedup();
        let more = unchecked.len().saturating_sub(NAMED_IN_REASON);
        unchecked.truncate(NAMED_IN_REASON);
        if more > 0 {
            unchecked.push(format!("{more} more"));
        }
        reasons.push(format!(
            "leakgate could not check everything {} would put into the agent's context: {}. \
             Approve only if what it reads holds no secret.",
            event.tool,
            unchecked.join("; ")
        ));
        verdict = verdict.max(Verdict::Ask);
    }
    (verdict, reasons)
}

/// The reason for reads of files that hold secrets: each file (at most
/// [`NAMED_IN_REASON`]) with its findings.
fn read_reason(tool: &str, dirty: &[Dirty]) -> String {
    let mut named: Vec<String> = (dirty.iter().take(NAMED_IN_REASON))
        .map(|d| format!("{} ({})", d.shown, listed(&d.findings)))
        .collect();
    if dirty.len() > NAMED_IN_REASON {
        named.push(format!("{} more", dirty.len() - NAMED_IN_REASON));
    }
    let (subject, verb) = match dirty {
        [one] => (one.shown.clone(), "holds"),
        _ => (format!("{} files", dirty.len()), "hold"),
    };
    let detail = match dirty {
        [one] => listed(&one.findings),
        _ => named.join(", "),
    };
    format!(
        "{tool} would put the secrets {subject} {verb} into the agent's context, which is sent \
         to the model provider: {detail}. Approve only if that is intended; to use them, have \
         the program read them from its environment instead."
    )
}

/// A git object a command shows (`git show HEAD:config.yml`), read from the repository; when
/// it cannot be resolved, the working-tree file its path names.
fn judge_object(
    scanner: &Scanner<'_>,
    loaded: &Loaded,
    object: &super::shell::GitObject,
    budget: &mut super::reads::Budget,
    found: &mut Found,
    dirty: &mut Vec<Dirty>,
    unchecked: &mut Vec<String>,
) {
    let shown_spec = format!("git object {}", object.spec);
    let blob = git2::Repository::discover(&object.dir)
        .ok()
        .and_then(|repo| git_blob(&repo, &object.dir, &object.spec));
    match blob {
        Some((size, _)) if size > budget.bytes_left => {
            unchecked.push(format!(
                "{shown_spec} is larger than leakgate reads for one call"
            ));
        }
        Some((size, content)) => {
            budget.bytes_left -= size;
            let path = object
                .dir
                .join(object.spec.rsplit(':').next().unwrap_or_default());
            let before = found.findings.len();
            scan(loaded, &path, &content, found);
            if found.findings.len() > before {
                dirty.push(Dirty {
                    shown: shown_spec,
                    findings: found.findings[before..].to_vec(),
                });
            }
        }
        None => {
            // Not resolvable here (`:./x` relative syntax, no repository): judge the file the
            // path names, which is what the object most likely holds.
            let name = object.spec.rsplit(':').next().unwrap_or_default();
            let path = super::lexically_normal(&object.dir.join(name));
            if let ReadResult::Checked(findings) | ReadResult::Partial { findings, .. } =
                scan_read(scanner, loaded, &path, budget, found)
                && !findings.is_empty()
            {
                dirty.push(Dirty {
                    shown: shown_spec,
                    findings,
                });
            }
        }
    }
}

/// The blob `spec` names in `repo`, with its size: `REV:path` (from the repository's root, or
/// from `dir` with `./`), or `:path` and `:N:path`, an entry of the index (which libgit2's
/// revision parser does not read).
fn git_blob(repo: &git2::Repository, dir: &Path, spec: &str) -> Option<(u64, Vec<u8>)> {
    let (rev, path) = spec.split_once(':')?;
    let root = repo.workdir().map(Path::to_path_buf).unwrap_or_default();
    // `./x` and `../x` are relative to the command's directory, anything else to the root.
    let relative = |path: &str| -> Option<String> {
        if path.starts_with("./") || path.starts_with("../") {
            let full = super::lexically_normal(&dir.join(path));
            let inside = full.strip_prefix(super::lexically_normal(&root)).ok()?;
            Some(inside.to_string_lossy().into_owned())
        } else {
            Some(path.to_owned())
        }
    };
    let id = if rev.is_empty() {
        let (stage, path) = match path.split_once(':') {
            Some((n, rest)) if n.len() == 1 && n.bytes().all(|b| b.is_ascii_digit()) => {
                (i32::from(n.as_bytes()[0] - b'0'), rest)
            }
            _ => (0, path),
        };
        let index = repo.index().ok()?;
        index.get_path(Path::new(&relative(path)?), stage)?.id
    } else {
        let tree = repo.revparse_single(rev).ok()?.peel_to_tree().ok()?;
        tree.get_path(Path::new(&relative(path)?)).ok()?.id()
    };
    let blob = repo.find_blob(id).ok()?;
    Some((blob.size() as u64, blob.content().to_vec()))
}

/// Every secret the rules find in `text` (any confidence), into `secrets`.
fn secrets_in(loaded: &Loaded, text: &[u8], secrets: &mut Vec<Vec<u8>>) {
    let mut found = Found::default();
    scan(loaded, Path::new("(reason)"), text, &mut found);
    secrets.extend(found.secrets);
}

/// Judge each edit of an existing file on the file as the edit leaves it (see [`Edited`]):
/// a secret the edit writes or completes blocks (before the tool) or is reported (after it);
/// a secret the file already held elsewhere does not.
fn judge_edits(
    event: &Event,
    loaded: &Loaded,
    found: &mut Found,
    reasons: &mut Vec<String>,
    verdict: &mut Verdict,
) {
    let scanner = scanner(loaded);
    for edit in &event.edits {
        let before = found.findings.len();
        let cell = matches!(edit.kind, EditKind::NotebookCell { .. });
        // A notebook cell is not a notebook: scanned as text, beside the notebook.
        let scanned_as = if cell {
            edit.path.with_extension("ipynb-cell")
        } else {
            edit.path.clone()
        };
        match edited(edit, loaded.max_file_size) {
            Some(file) => {
                let earlier: std::collections::HashSet<(String, Vec<u8>)> = match &file.before {
                    Some(text) => findings_in(&scanner, loaded, &scanned_as, text)
                        .into_iter()
                        .filter_map(|f| Some((f.rule, text.get(f.span.0..f.span.1)?.to_vec())))
                        .collect(),
                    None => Default::default(),
                };
                let after = &file.after;
                let new_here = |f: &Finding| {
                    let raw = after.get(f.span.0..f.span.1).unwrap_or_default();
                    overlaps(f.span, &file.changed)
                        || (file.before.is_some()
                            && !earlier.contains(&(f.rule.clone(), raw.to_vec())))
                };
                scan_keeping(&scanner, loaded, &scanned_as, after, found, &new_here);
                for text in &file.unplaced {
                    scan_with(&scanner, loaded, &scanned_as, text.as_bytes(), found);
                }
            }
            // The file cannot be read: what the edit writes, on its own.
            None => {
                for text in written_texts(&edit.kind) {
                    scan_with(&scanner, loaded, &scanned_as, text.as_bytes(), found);
                }
            }
        }
        if found.findings.len() == before {
            continue;
        }
        let these = &found.findings[before..];
        let file = shown(&edit.path, &event.cwd);
        let place = if cell {
            format!("a cell of {file}")
        } else {
            file
        };
        reasons.push(match event.stage {
            Stage::AfterTool => format!(
                "{} left a secret in {place}: {}. The file can still be fixed before it is \
                 committed or shared: replace the secret with a reference to an environment \
                 variable or a secret manager (`${{VAR}}`), and rotate it if it may have been \
                 copied.{}",
                event.tool,
                listed(these),
                revoke_hint(these)
            ),
            _ => format!(
                "leakgate blocked this: the {} of {} would leave a secret in {place}: {}. {FIX}",
                edit.what,
                event.tool,
                listed(these)
            ),
        });
        *verdict = Verdict::Deny;
    }
}

/// A file as an edit leaves it.
struct Edited {
    after: Vec<u8>,
    /// Byte ranges of `after` the edit wrote (empty where it only deleted), merged and sorted.
    changed: Vec<Range<usize>>,
    /// The file (or cell) before the edit, when known: a finding that was already there, with
    /// the same rule and secret, is not the edit's doing unless it lies in the changed text.
    before: Option<Vec<u8>>,
    /// Texts the edit wrote that could not be placed in the file (it changed since): scanned
    /// on their own.
    unplaced: Vec<String>,
}

/// The file at `path` as it is now: `Ok(None)` when there is none, `Err` when it cannot be
/// used (not a regular file, unreadable, larger than the scan limit).
fn read_now(path: &Path, max_file_size: u64) -> Result<Option<Vec<u8>>, ()> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        // Only regular files: reading a FIFO or a device could wait forever.
        Ok(meta) if meta.is_file() && meta.len() <= max_file_size => {
            std::fs::read(path).map(Some).map_err(|_| ())
        }
        _ => Err(()),
    }
}

/// The file `edit` leaves, or `None` when it cannot be known (the file cannot be read, the
/// text to replace is not in it): then what the edit writes is scanned on its own.
fn edited(edit: &FileEdit, max_file_size: u64) -> Option<Edited> {
    match &edit.kind {
        EditKind::Replace(replacements) => {
            let now = read_now(&edit.path, max_file_size)
                .ok()?
                .unwrap_or_default();
            let (after, changed) = apply(&now, replacements)?;
            Some(Edited {
                after,
                changed,
                before: Some(now),
                unplaced: Vec::new(),
            })
        }
        EditKind::NotebookCell { cell_id, source } => {
            // The cell as it is, when the notebook and the cell can be found; a new cell
            // otherwise.
            let now = (read_now(&edit.path, max_file_size).ok().flatten())
                .and_then(|notebook| cell_source(&notebook, cell_id.as_deref()))
                .unwrap_or_default();
            let after = source.as_bytes().to_vec();
            let (p, q) = trim(now.as_bytes(), &after);
            Some(Edited {
                changed: std::iter::once(p..after.len() - q).collect(),
                after,
                before: Some(now.into_bytes()),
                unplaced: Vec::new(),
            })
        }
        EditKind::Done {
            replacements,
            original,
        } => {
            let now = read_now(&edit.path, max_file_size).ok()??;
            let mut changed = Vec::new();
            let mut unplaced = Vec::new();
            for replacement in replacements {
                let (old, new) = (replacement.old.as_bytes(), replacement.new.as_bytes());
                if new.is_empty() {
                    continue;
                }
                let (p, q) = trim(old, new);
                let before = changed.len();
                for at in memchr::memmem::find_iter(&now, new) {
                    changed.push(at + p..at + new.len() - q);
                }
                if changed.len() == before {
                    unplaced.push(replacement.new.clone());
                }
            }
            Some(Edited {
                after: now,
                changed: merged(changed),
                before: original.as_ref().map(|o| o.clone().into_bytes()),
                unplaced,
            })
        }
    }
}

/// What an edit writes, each text on its own (when the file cannot be read).
fn written_texts(kind: &EditKind) -> Vec<&str> {
    match kind {
        EditKind::Replace(replacements) | EditKind::Done { replacements, .. } => {
            replacements.iter().map(|r| r.new.as_str()).collect()
        }
        EditKind::NotebookCell { source, .. } => vec![source.as_str()],
    }
}

/// The lengths of the common prefix and the common suffix of `old` and `new` (not
/// overlapping): what a replacement leaves as it was.
fn trim(old: &[u8], new: &[u8]) -> (usize, usize) {
    let p = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - p;
    let q = (old.iter().rev().zip(new.iter().rev()))
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    (p, q)
}

/// `text` with `replacements` applied in order, as the agents' edit tools do (the first
/// occurrence, or every one with `all`; an empty `old` only fills an empty file), and the
/// ranges of the result they wrote; `None` when one cannot be applied (the tool would fail).
fn apply(text: &[u8], replacements: &[Replacement]) -> Option<(Vec<u8>, Vec<Range<usize>>)> {
    let mut text = text.to_vec();
    let mut changed: Vec<Range<usize>> = Vec::new();
    for replacement in replacements {
        let (old, new) = (replacement.old.as_bytes(), replacement.new.as_bytes());
        let spots: Vec<usize> = if old.is_empty() {
            if !text.is_empty() {
                return None;
            }
            vec![0]
        } else if replacement.all {
            memchr::memmem::find_iter(&text, old).collect()
        } else {
            vec![memchr::memmem::find(&text, old)?]
        };
        if spots.is_empty() {
            return None;
        }
        let (p, q) = trim(old, new);
        let mut out = Vec::with_capacity(text.len() + spots.len() * new.len());
        let mut written = Vec::with_capacity(spots.len());
        let mut last = 0;
        for &at in &spots {
            out.extend_from_slice(text.get(last..at)?);
            let start = out.len();
            out.extend_from_slice(new);
            written.push(start + p..start + new.len() - q);
            last = at + old.len();
        }
        out.extend_from_slice(text.get(last..)?);
        // Where the earlier changes are now: shifted by the replacements before them; one
        // that was replaced in part stretches over the replacement.
        let place = |x: usize, end: bool| -> usize {
            let i = spots.partition_point(|&at| at + old.len() <= x);
            let shifted = (x + i * new.len()).saturating_sub(i * old.len());
            match spots.get(i) {
                Some(&at) if at < x => {
                    let start = (at + i * new.len()).saturating_sub(i * old.len());
                    if end { start + new.len() } else { start }
                }
                _ => shifted,
            }
        };
        changed = (changed.iter())
            .map(|r| place(r.start, false)..place(r.end, true).max(place(r.start, false)))
            .chain(written)
            .collect();
        changed = merged(changed);
        text = out;
    }
    Some((text, changed))
}

/// `ranges` sorted, with overlapping and touching ones joined.
fn merged(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match out.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => out.push(range),
        }
    }
    out
}

/// Does the secret at `span` lie in (or, for a deletion, across) a changed range?
fn overlaps(span: (usize, usize), changed: &[Range<usize>]) -> bool {
    let (start, end) = span;
    // The first range that ends at or after the secret's start.
    let i = changed.partition_point(|r| r.end < start);
    changed
        .get(i..)
        .unwrap_or_default()
        .iter()
        .take_while(|r| r.start <= end)
        .any(|r| {
            if r.is_empty() {
                start <= r.start && r.start <= end
            } else {
                start < r.end && r.start < end
            }
        })
}

/// The source of the cell `cell_id` of a notebook (its `id`, or `cell-N` for the N-th cell
/// when cells have no ids).
fn cell_source(notebook: &[u8], cell_id: Option<&str>) -> Option<String> {
    let cell_id = cell_id?;
    let notebook: serde_json::Value = serde_json::from_slice(notebook).ok()?;
    let cells = notebook.get("cells")?.as_array()?;
    let cell = (cells.iter())
        .find(|c| c.get("id").and_then(serde_json::Value::as_str) == Some(cell_id))
        .or_else(|| {
            let index: usize = cell_id.strip_prefix("cell-")?.parse().ok()?;
            cells.get(index)
        })?;
    match cell.get("source")? {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Array(lines) => {
            Some(lines.iter().filter_map(serde_json::Value::as_str).collect())
        }
        _ => None,
    }
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
        reason: crate::mask::mask_userinfo(&crate::mask::mask_name(&text)).into_owned(),
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
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    fn replace(old: &str, new: &str, all: bool) -> Replacement {
        Replacement {
            old: old.to_owned(),
            new: new.to_owned(),
            all,
        }
    }

    /// The changed text of each range.
    fn changed(text: &str, edits: &[Replacement]) -> (String, Vec<String>) {
        let (after, ranges) = apply(text.as_bytes(), edits).expect("applies");
        let after = String::from_utf8(after).expect("utf-8");
        let parts = ranges.iter().map(|r| after[r.clone()].to_owned()).collect();
        (after, parts)
    }

    #[test]
    fn replacements_apply_in_order_and_keep_track_of_what_they_wrote() {
        // What both sides share is not the change.
        assert_eq!(
            changed("a = 1\nb = 2\n", &[replace("b = 2", "b = 3", false)]),
            ("a = 1\nb = 3\n".to_owned(), vec!["3".to_owned()])
        );
        // Every occurrence with `all`, the first without.
        assert_eq!(
            changed("x x x", &[replace("x", "yy", true)]).1,
            vec!["yy", "yy", "yy"]
        );
        assert_eq!(changed("x x", &[replace("x", "y", false)]).0, "y x");
        // A later edit moves (and may stretch) the ranges of earlier ones.
        let (after, parts) = changed(
            "head\nTODO\ntail\n",
            &[
                replace("tail", "tail = NEW", false),
                replace("head", "head\nmore", false),
                replace("TODO", "DONE", false),
            ],
        );
        assert_eq!(after, "head\nmore\nDONE\ntail = NEW\n");
        assert_eq!(parts, vec!["\nmore", "DONE", " = NEW"]);
        let (_, parts) = changed(
            "k = 1\n",
            &[replace("1", "abc", false), replace("= ab", "= AB", false)],
        );
        // Replaced in part: it stretches over the whole replacement (more, never less).
        assert_eq!(parts, vec!["= ABc"]);
        // A deletion is an empty range where it was.
        let (after, ranges) = apply(b"abXcd", &[replace("X", "", false)]).expect("applies");
        assert_eq!((after.as_slice(), ranges), (b"abcd".as_slice(), vec![2..2]));
        assert!(overlaps((0, 4), &[2..2]));
        assert!(!overlaps((3, 4), &[2..2]));
        // What a tool would refuse is not guessed at.
        assert!(apply(b"abc", &[replace("zz", "y", false)]).is_none());
        assert!(apply(b"abc", &[replace("", "y", false)]).is_none());
        assert_eq!(changed("", &[replace("", "new", false)]).1, vec!["new"]);
    }

    #[test]
    fn a_secret_overlaps_a_change_only_where_they_share_bytes() {
        let ranges = merged(vec![10..12, 2..4, 3..6]);
        assert_eq!(ranges, vec![2..6, 10..12]);
        assert!(overlaps((5, 8), &ranges));
        assert!(overlaps((11, 20), &ranges));
        assert!(!overlaps((6, 10), &ranges));
        assert!(!overlaps((0, 2), &ranges));
    }

    #[test]
    fn a_notebook_cell_is_found_by_id_or_position() {
        let notebook =
            br#"{"cells": [{"id": "a", "source": ["x = 1\n", "y = 2"]}, {"source": "z"}]}"#;
        assert_eq!(
            cell_source(notebook, Some("a")).as_deref(),
            Some("x = 1\ny = 2")
        );
        assert_eq!(cell_source(notebook, Some("cell-1")).as_deref(), Some("z"));
        assert_eq!(cell_source(notebook, Some("b")), None);
        assert_eq!(cell_source(b"not json", Some("a")), None);
    }
}
