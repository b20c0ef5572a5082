//! Reporters: turn scan results into output. One seam, [`Reporter`], takes every [`Message`];
//! `--format` picks the implementation.
//!
//! # JSON Lines schema (a contract)
//!
//! The README's "JSON Lines schema" table names every key, by message type; `tests/schema_cli.rs`
//! fails when a key is written that the table does not name. In short:
//!
//! `--format json` writes one JSON object per line. Every object has a `type`:
//!
//! - `"finding"`: `rule`, `description`, `severity` (`high`|`medium`|`low`), `confidence`
//!   (`high`|`medium`|`low`: how sure, one level lower in a test fixture, then `test_fixture:
//!   true`), `path`, `line`,
//!   `column` (1-based, in characters), `end_line`, `end_column` (exclusive), `fingerprint`
//!   (16 hex digits, salted per repository, stable across moves and clones: see
//!   [`crate::fingerprint`]), `preview` (known prefix then `[REDACTED]`),
//!   `snippet` (`{"text": …}`: the line, secrets masked), `provenance` (`{"kind": "file",
//!   "path": …}`; for `--staged` `{"kind": "staged", "path": …, "blob": <index blob id>}`; for
//!   `--range` `{"kind": "commit", "path": …, "blob": …, "commit": {"id", "author", "date"}}`,
//!   the commit that added the line),
//!   `revoke` (the provider's page for revoking or rotating the secret) when the rule names one,
//!   `related` only for a paired credential (`[{"line": …, "column": …}]`: where the other half
//!   its rule requires is, in the same file),
//!   `decoded` when a decoder found the secret under an encoding (`base64`, `percent-encoding`,
//!   `json-escape`, outermost first, joined by `+`: `json-escape+base64`; its position is then
//!   the encoded text's), and `secret` only with `--show-secrets`.
//! - `"skipped"`: `path`, `reason` (`binary`|`too_large`|`unreadable`|`not_regular_file`|
//!   `symlink`|`submodule`), optional `detail`.
//! - `"error"`: `path`, `message`: an input the user named could not be scanned.
//! - `"invalid_json"`: `path`, `line`, `column`, `message`: a JSON file (or a JSON Lines line)
//!   that does not parse; its raw bytes were scanned anyway.
//! - `"integrity"`: `run_id`, `run`, `code`, `severity` (`error`|`warning`|`info`), `path`,
//!   `message`: a journal integrity problem found by `leakgate journal --verify`.
//! - `"hygiene"`: `code` (`gitignore-gap`|`gitignore-reincluded`|`gitignore-local-only`|
//!   `tracked-secret-file`|`credential-file-permissions`), `severity` (`error`|`warning`),
//!   `path`, `message`, `fix`.
//! - `"suppressed"`: `path`, `line`, `rule`, `description`, `severity`, `marker` (the comment:
//!   `leakgate:allow`, `gitleaks:allow`, `pragma: allowlist secret`,
//!   `leakgate:allow-next-line`): `--range` scans only, a finding on a line the range adds that
//!   an inline allow comment silenced; a note for the reviewer, it does not fail the run.
//! - `"warning"`: `message`, and `path` when it is about one input: something to know that is
//!   not an error (a shallow clone's history stops early; a range that changes `.leakgate.toml`,
//!   a `.leakgateignore` or the baseline; a file a change adds is over `--max-file-size`, so it
//!   was not scanned). Every format shows warnings: SARIF as tool
//!   execution notifications of level `warning`, `github` as `::warning` annotations, JUnit as
//!   skipped test cases.
//!
//! Every message but the summary and silenced findings is a [`Diagnostic`] (or a
//! [`Finding`]); its level comes from `Code::level` (or `Finding::level`) and every format
//! renders that level, never its own.
//! - `"summary"`: always last: `schema_version` ([`SCHEMA_VERSION`]), `findings`, `files_scanned`, `bytes_scanned`, `files_skipped`
//!   (total), `skipped` (count per reason), `errors`, `invalid_json`, `elapsed_ms`, and for `--staged` scans
//!   `lines_added`; for `--range` scans also `commits`, and `suppressed` when not zero; for git
//!   scans `binary_scanned` when not zero (binary blobs, among `files_scanned`, scanned as raw
//!   bytes); always `by_confidence` (the reported findings per level), `min_confidence` (the
//!   level a finding needed) and `below_min_confidence` (findings left out, per level below it).
//! - `"rule"` (`leakgate rules list`): `id`, `description`, `severity`, `kind`, `confidence`,
//!   `keywords`,
//!   `file`, and `revoke` when the rule names the provider's page for revoking a leaked secret,
//!   `checksum` when its secrets carry one, `requires` (`regex`, `within_lines`) for a paired
//!   rule.
//! - `"notice"` (`leakgate baseline`, `leakgate install-hook`): `message`, and `path`: the
//!   file written.
//!
//! Findings are sorted by path, line, column and rule, so output is deterministic.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod output;
pub mod sarif;

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::finding::{ByConfidence, Finding};
use crate::input::SkipReason;
use crate::pipeline::confidence::Hidden;
use crate::pipeline::{Outcome, Scope};
use crate::rules::Confidence;

/// Everything a reporter can be told: a finding, a silenced finding, a [`Diagnostic`]
/// (everything else a run has to say, each at the level its code decides), and the summary.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Message<'a> {
    Finding(&'a Finding),
    /// A finding an inline allow comment on a line the change adds silenced.
    Suppressed(&'a crate::scan::Suppression),
    Summary(&'a Summary),
    /// `leakgate rules list`: one rule.
    Rule(&'a RuleInfo<'a>),
    /// Something a command did that is not a scan result: a baseline or a hook written.
    Notice(&'a Notice),
    /// Written with the `type` and keys of its kind (`skipped`, `error`, `invalid_json`,
    /// `warning`, `hygiene`, `integrity`): see [`Diagnostic`]'s `Serialize`. (Untagged
    /// variants come last.)
    #[serde(untagged)]
    Diagnostic(&'a Diagnostic),
}

/// A rule as `leakgate rules list` shows it.
#[derive(Debug, Serialize)]
pub struct RuleInfo<'a> {
    pub id: &'a str,
    pub description: &'a str,
    pub severity: crate::rules::Severity,
    pub kind: crate::rules::RuleKind,
    /// How sure a match of the rule is, before a test fixture's path lowers it.
    pub confidence: Confidence,
    pub keywords: &'a [String],
    /// Where the rule comes from: a built-in `rules/*.toml` file or a configuration file.
    pub file: &'a str,
    /// Where a leaked secret of this rule is revoked or rotated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoke: Option<&'a str>,
    /// The checksum its secrets must pass (`github-crc32`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum: Option<crate::rules::Checksum>,
    /// A paired credential's partner: its regex and how many lines away it may be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requires: Option<&'a crate::rules::RequiresSpec>,
}

impl<'a> RuleInfo<'a> {
    pub fn of(rule: &'a crate::rules::Rule) -> Self {
        let spec = &rule.spec;
        RuleInfo {
            id: &spec.id,
            description: &spec.description,
            severity: spec.severity,
            kind: spec.kind,
            confidence: spec.confidence(),
            keywords: &spec.keywords,
            file: &rule.origin,
            revoke: spec.revoke.as_deref(),
            checksum: spec.checksum,
            requires: spec.requires.as_ref(),
        }
    }
}

/// What a command did, in a sentence (`message`, which names the file if there is one) and,
/// for machines, the file it wrote (`path`).
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Notice {
    pub fn about(path: &std::path::Path, message: String) -> Self {
        Notice {
            message,
            path: Some(path.display().to_string()),
        }
    }
}

/// Send `messages` (rules, notices: not a scan) to every report of `spec`, then put the reports
/// in place.
pub fn announce(spec: &output::OutputSpec, messages: &[Message<'_>]) -> Result<(), crate::Error> {
    let mut opened = spec.open()?;
    for message in messages {
        opened.reporter().report(message)?;
    }
    opened.reporter().finish()?;
    opened.commit()?;
    Ok(())
}

/// The version of the JSON Lines schema, written as the summary's `schema_version`. It changes
/// when a key is removed or changes meaning, so a consumer can refuse output it does not
/// understand; new keys do not change it.
pub const SCHEMA_VERSION: u32 = 1;

/// Serializes as [`SCHEMA_VERSION`]: every summary carries it, whatever built the summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct SchemaVersion;

impl Serialize for SchemaVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(SCHEMA_VERSION)
    }
}

/// Totals for the end of a report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// The JSON Lines schema's version ([`SCHEMA_VERSION`]), first so a reader sees it first.
    pub schema_version: SchemaVersion,
    pub findings: usize,
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    /// Staged scans only: the lines the change adds (findings elsewhere are not reported).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines_added: Option<u64>,
    /// Journal audits only: run directories found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runs: Option<u64>,
    /// Journal audits with `--verify`: integrity problems of error severity.
    #[serde(skip_serializing_if = "is_zero")]
    pub integrity_errors: usize,
    /// `leakgate gitignore`: hygiene problems (gaps, tracked secret files).
    #[serde(skip_serializing_if = "is_zero")]
    pub hygiene_problems: usize,
    /// What was scanned. Serialized (as `scope`) only for `leakgate check`: a sentence saying
    /// what it decided to check here.
    #[serde(
        serialize_with = "serialize_scope",
        skip_serializing_if = "has_no_description"
    )]
    pub scope: Scope,
    /// Range scans only: the commits in the range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commits: Option<u64>,
    /// Git scans: binary blobs (counted in `files_scanned`) scanned as raw bytes.
    #[serde(skip_serializing_if = "is_zero")]
    pub binary_scanned: usize,
    pub files_skipped: u64,
    pub skipped: BTreeMap<SkipReason, u64>,
    pub errors: usize,
    /// JSON files (or JSON Lines lines) that did not parse; their bytes were still scanned.
    pub invalid_json: usize,
    /// Range scans: findings on added lines that inline allow comments silenced.
    #[serde(skip_serializing_if = "is_zero")]
    pub suppressed: usize,
    /// The reported findings by confidence (`{"high": 1, "medium": 0, "low": 2}`).
    pub by_confidence: ByConfidence,
    /// The confidence a finding needed to be reported (`--min-confidence`; `None`, written
    /// `low`, when nothing was filtered).
    #[serde(serialize_with = "serialize_min")]
    pub min_confidence: Option<Confidence>,
    /// The findings left out because they are below `min_confidence`, by confidence: one key
    /// per level below it (`{"low": 3}` for medium; `{}` for low, which hides nothing).
    #[serde(serialize_with = "serialize_below")]
    pub below_min_confidence: Hidden,
    pub elapsed_ms: u128,
}

fn serialize_min<S: serde::Serializer>(
    min: &Option<Confidence>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(min.unwrap_or(Confidence::Low).as_str())
}

fn serialize_below<S: serde::Serializer>(
    hidden: &Hidden,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let levels: Vec<Confidence> = [Confidence::Medium, Confidence::Low]
        .into_iter()
        .filter(|c| *c < hidden.min())
        .collect();
    let mut map = serializer.serialize_map(Some(levels.len()))?;
    for level in levels {
        map.serialize_entry(level.as_str(), &hidden.below.get(level))?;
    }
    map.end()
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn has_no_description(scope: &Scope) -> bool {
    scope.description().is_none()
}

fn serialize_scope<S: serde::Serializer>(scope: &Scope, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&scope.description().unwrap_or_default())
}

impl Summary {
    /// The totals of `outcome`, without the skip counts (see [`Summary::count_skip`]) and the
    /// elapsed time.
    pub fn of(outcome: &Outcome) -> Self {
        let counts = &outcome.counts;
        Summary {
            findings: outcome.findings.len(),
            files_scanned: counts.files_scanned,
            bytes_scanned: counts.bytes_scanned,
            lines_added: counts.lines_added,
            commits: counts.commits,
            binary_scanned: counts.binary_scanned,
            runs: counts.runs,
            integrity_errors: outcome.integrity_errors(),
            hygiene_problems: outcome.count(|code| matches!(code, Code::Hygiene(_))),
            scope: outcome.scope.clone(),
            errors: outcome.count(|code| code == Code::Unreadable),
            invalid_json: outcome.count(|code| code == Code::InvalidJson),
            suppressed: outcome.suppressed.len(),
            by_confidence: ByConfidence::of(&outcome.findings),
            min_confidence: outcome.hidden.min,
            below_min_confidence: outcome.hidden,
            ..Summary::default()
        }
    }

    /// What `--min-confidence` left out, in a sentence for every readable format:
    /// `3 low-confidence findings below --min-confidence medium not shown`. `None` when
    /// nothing was left out.
    pub fn hidden_text(&self) -> Option<String> {
        let hidden = &self.below_min_confidence;
        let total = hidden.below.total();
        if total == 0 {
            return None;
        }
        let min = hidden.min().as_str();
        let levels = hidden.below.nonzero();
        let what = match levels.as_slice() {
            [(level, n)] => format!(
                "{n} {}-confidence {}",
                level.as_str(),
                if *n == 1 { "finding" } else { "findings" }
            ),
            _ => {
                let parts: Vec<String> = (levels.iter())
                    .map(|(level, n)| format!("{n} {}", level.as_str()))
                    .collect();
                format!("{total} findings ({})", parts.join(", "))
            }
        };
        let low = Confidence::Low.as_str();
        Some(format!(
            "{what} below --min-confidence {min} not shown (see them with --min-confidence {low})"
        ))
    }

    pub fn count_skip(&mut self, reason: SkipReason) {
        self.files_skipped += 1;
        *self.skipped.entry(reason).or_default() += 1;
    }

    /// What was not scanned, in one line for formats that list no skipped files (SARIF,
    /// JUnit): `2 files were not scanned (1 binary, 1 too large)`. `None` when nothing was
    /// skipped. A count, never a silent skip.
    pub fn skipped_text(&self) -> Option<String> {
        if self.files_skipped == 0 {
            return None;
        }
        let reasons: Vec<String> = self
            .skipped
            .iter()
            .map(|(reason, n)| format!("{n} {}", reason.as_str()))
            .collect();
        let files = if self.files_skipped == 1 {
            "1 file was"
        } else {
            "files were"
        };
        let count = if self.files_skipped == 1 {
            String::new()
        } else {
            format!("{} ", self.files_skipped)
        };
        Some(format!(
            "{count}{files} not scanned ({}); list them with --verbose",
            reasons.join(", ")
        ))
    }
}

/// Send every message of `outcome` to `reporter`, the summary last, and flush it.
pub fn outcome(
    reporter: &mut dyn Reporter,
    outcome: &Outcome,
    elapsed: std::time::Duration,
) -> io::Result<()> {
    let mut summary = Summary::of(outcome);
    for finding in &outcome.findings {
        reporter.report(&Message::Finding(finding))?;
    }
    for suppression in &outcome.suppressed {
        reporter.report(&Message::Suppressed(suppression))?;
    }
    // Commands add diagnostics after the scan (hygiene, integrity, the base side's
    // warnings): put them in report order here, once.
    let mut diagnostics: Vec<&Diagnostic> = outcome.diagnostics.iter().collect();
    diagnostics.sort_by(|a, b| a.report_order(b));
    for diagnostic in diagnostics {
        if let Some(reason) = diagnostic.skip_reason() {
            summary.count_skip(reason);
        }
        reporter.report(&Message::Diagnostic(diagnostic))?;
    }
    summary.elapsed_ms = elapsed.as_millis();
    reporter.report(&Message::Summary(&summary))?;
    reporter.finish()
}

/// How a run's outcome is delivered: the reports to write, the baseline that filters it, and
/// the policy that turns it into an exit status.
#[derive(Debug, Clone, Default)]
pub struct Delivery {
    pub output: output::OutputSpec,
    pub baseline: Option<crate::pipeline::BaselineFilter>,
    pub exit: crate::pipeline::ExitPolicy,
}

impl Delivery {
    /// Refuse a report file over what the command reads: `named` (the files it scans),
    /// `config` (the configuration file given) and the baseline. Checked before anything is
    /// scanned or written.
    pub fn refuse_over_inputs(
        &self,
        named: &[std::path::PathBuf],
        config: Option<&std::path::Path>,
    ) -> Result<(), crate::atomic::WriteError> {
        let inputs: Vec<(&std::path::Path, &str)> = (named.iter())
            .map(|p| (p.as_path(), "a file this command scans"))
            .chain(
                (self.baseline.iter())
                    .map(|b| (b.file.as_path(), "the baseline this command reads")),
            )
            .chain(config.map(|p| (p, "the configuration this command reads")))
            .collect();
        self.output.refuse_over_inputs(&inputs)
    }
}

/// Deliver a run's outcome: refuse a report file over a secret it found, filter it through
/// the baseline (`at_base`: the one a range's base side decided), write every report, and
/// decide the exit status.
pub fn deliver(
    mut outcome: Outcome,
    at_base: Option<crate::baseline::Baseline>,
    delivery: &Delivery,
    started: std::time::Instant,
) -> Result<crate::ExitStatus, crate::Error> {
    // Every finding counts here, those a baseline accepts too.
    delivery.output.refuse_over_findings(&outcome.findings)?;
    if let Some(filter) = &delivery.baseline {
        crate::pipeline::apply_baseline(&mut outcome, filter, at_base)?;
    }
    // Below --min-confidence: counted, not reported (the exit status agrees: see
    // `pipeline::exit`).
    outcome.hidden = crate::pipeline::confidence::hide_below(
        &mut outcome.findings,
        delivery.exit.min_confidence,
    );
    let mut opened = delivery.output.open()?;
    self::outcome(opened.reporter(), &outcome, started.elapsed())?;
    opened.commit()?;
    Ok(outcome.exit_status(delivery.exit))
}

pub trait Reporter: Send {
    fn report(&mut self, message: &Message<'_>) -> io::Result<()>;
    /// Flush whatever is buffered; called once after the summary.
    fn finish(&mut self) -> io::Result<()>;
}

/// The output formats (`--format`, `--output FORMAT=FILE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Readable diagnostics with a summary.
    Human,
    /// JSON Lines: one object per message (schema in the README).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning (upload-sarif).
    Sarif,
    /// GitHub workflow commands (annotations on the lines), plus a readable summary on stderr.
    /// Chosen by default when GITHUB_ACTIONS=true.
    Github,
    /// JUnit XML, for CI systems that show test reports.
    Junit,
    /// GitLab's secret-detection report (`artifacts: reports: secret_detection`).
    Gitlab,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
        Format::Gitlab,
    ];

    /// The name `--format` and `--output FORMAT=FILE` use.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
            Format::Gitlab => "gitlab",
        }
    }

    /// The format of this name.
    pub fn named(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The format asked for, or the default for where leakgate runs: GitHub annotations inside
    /// GitHub Actions, readable diagnostics elsewhere.
    pub fn resolve(asked: Option<Format>) -> Format {
        asked.unwrap_or_else(|| {
            if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
                Format::Github
            } else {
                Format::Human
            }
        })
    }
}

/// Options every reporter may use.
#[derive(Debug, Clone, Copy)]
pub struct ReportOptions {
    pub color: bool,
    /// List every skipped file, not just the counts.
    pub verbose: bool,
    /// `--show-secrets`: names are shown as they are, credential-shaped runs included.
    pub show_secrets: bool,
}

pub fn reporter(
    format: Format,
    out: Box<dyn io::Write + Send>,
    options: ReportOptions,
) -> Box<dyn Reporter> {
    let inner = format_reporter(format, out, options);
    if options.show_secrets {
        inner
    } else {
        Box::new(MaskedNames { inner })
    }
}

fn format_reporter(
    format: Format,
    out: Box<dyn io::Write + Send>,
    options: ReportOptions,
) -> Box<dyn Reporter> {
    match format {
        Format::Human => Box::new(human::HumanReporter::new(out, options)),
        Format::Json => Box::new(json::JsonReporter::new(out)),
        Format::Sarif => Box::new(sarif::SarifReporter::new(out)),
        Format::Junit => Box::new(junit::JunitReporter::new(out)),
        Format::Gitlab => Box::new(gitlab::GitlabReporter::new(out)),
        Format::Github => Box::new(github::GithubReporter::new(
            out,
            Box::new(io::stderr()),
            options,
        )),
    }
}

/// Hides credential-shaped runs in the names every message carries before any format sees
/// them: paths, and the texts of diagnostics that may quote them, through
/// [`crate::mask::mask_name`] (a file or directory named after a token is shown with
/// `[masked]`, as integrity messages name files), and a finding's commit author through
/// [`crate::mask::mask_text`], as snippets are masked.
struct MaskedNames {
    inner: Box<dyn Reporter>,
}

/// `text` masked, or `None` when nothing in it needed masking (the message is passed on as is).
fn masked(text: &str) -> Option<String> {
    match crate::mask::mask_name(text) {
        std::borrow::Cow::Borrowed(_) => None,
        std::borrow::Cow::Owned(shown) => Some(shown),
    }
}

impl Reporter for MaskedNames {
    fn report(&mut self, message: &Message<'_>) -> io::Result<()> {
        match message {
            Message::Finding(finding) => {
                let path = masked(&finding.path);
                let provenance = masked(finding.provenance.path());
                // An author is free text, not a path: `/`, `+` and `.` do not end a run in it.
                let author = finding.provenance.commit().and_then(|c| {
                    let shown = crate::mask::mask_text(
                        c.author.as_bytes(),
                        &crate::mask::SecretForms::empty(),
                    );
                    (shown != c.author).then_some(shown)
                });
                // A custom rule's revoke URL comes from a configuration file: a token pasted
                // into it (`?token=…`) is masked like any other name.
                let revoke = finding.revoke.as_deref().and_then(masked);
                if path.is_none()
                    && provenance.is_none()
                    && author.is_none()
                    && revoke.is_none()
                    && !finding.provenance.has_masked_names()
                {
                    return self.inner.report(message);
                }
                let mut shown = (*finding).clone();
                if let Some(path) = path {
                    shown.path = path;
                }
                if revoke.is_some() {
                    shown.revoke = revoke;
                }
                shown.provenance.mask_names(provenance, author);
                self.inner.report(&Message::Finding(&shown))
            }
            Message::Suppressed(note) => match masked(&note.path) {
                Some(path) => {
                    let shown = crate::scan::Suppression {
                        path,
                        ..(*note).clone()
                    };
                    self.inner.report(&Message::Suppressed(&shown))
                }
                None => self.inner.report(message),
            },
            Message::Diagnostic(diagnostic) => {
                let mut shown = (*diagnostic).clone();
                let mut changed = false;
                let mut mask = |text: &mut String| {
                    if let Some(masked) = masked(text) {
                        *text = masked;
                        changed = true;
                    }
                };
                // Integrity problems name their files through `journal::verify::safe_name`
                // already. Any other diagnostic's texts may quote its path (a hygiene message
                // and its fix name the file; an I/O error names what it could not read), so
                // they are masked as the path is.
                if !matches!(shown.code, Code::Integrity(_)) {
                    for text in [&mut shown.path, &mut shown.fix, &mut shown.detail]
                        .into_iter()
                        .flatten()
                    {
                        mask(text);
                    }
                    mask(&mut shown.message);
                }
                // The run they belong to is a directory name like any other.
                if let Some(run) = &mut shown.run {
                    mask(&mut run.id);
                    mask(&mut run.dir);
                }
                if changed {
                    self.inner.report(&Message::Diagnostic(&shown))
                } else {
                    self.inner.report(message)
                }
            }
            // The summary carries no name.
            Message::Summary(_) | Message::Rule(_) => self.inner.report(message),
            Message::Notice(notice) => {
                let text = masked(&notice.message);
                let path = notice.path.as_deref().and_then(masked);
                if text.is_none() && path.is_none() {
                    return self.inner.report(message);
                }
                let shown = Notice {
                    message: text.unwrap_or_else(|| notice.message.clone()),
                    path: path.or_else(|| notice.path.clone()),
                };
                self.inner.report(&Message::Notice(&shown))
            }
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        self.inner.finish()
    }
}
