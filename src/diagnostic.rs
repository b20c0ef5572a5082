//! One model for everything a run reports that is not a secret finding: a file not scanned, an
//! input that could not be read, JSON that did not parse, a warning, a repository hygiene
//! problem, a journal integrity problem. Each is a [`Diagnostic`] with a [`Code`], and
//! [`Code::level`] is the one place that decides whether it is an error, a warning or a note;
//! reporters render that level and the exit code follows it, so no format decides it again
//! (a finding's level comes from `Finding::level`, the one other place).
//!
//! This module sits at the bottom of the crate: it imports nothing of it, so every layer can
//! produce diagnostics.
//!
//! The JSON Lines output of a diagnostic keeps the schema each kind had before this model
//! (`skipped`, `error`, `invalid_json`, `warning`, `hygiene`, `integrity`, with their keys):
//! see [`Diagnostic`]'s `Serialize` implementation.

use std::cmp::Ordering;

use serde::ser::{Serialize, SerializeMap, Serializer};

/// How much a diagnostic (or a finding) matters: an `Error` fails the run, a `Warning` fails
/// it only with `--strict`, a `Note` informs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

/// Why a file was not scanned. Every skip is counted and reported, never silent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// A NUL byte in the first 8 KiB.
    Binary,
    /// Larger than `--max-file-size`.
    TooLarge,
    /// Gone before it could be read (it vanished during the scan). A file or directory that is
    /// there and cannot be read is [`Code::Unreadable`], not a skip: its content is unknown.
    Unreadable,
    /// A FIFO, socket or device: opening one could hang or have side effects.
    NotRegularFile,
    /// Symbolic links are not followed (no escapes from the tree, no loops).
    Symlink,
    /// A git submodule: its content lives in another repository.
    Submodule,
}

impl SkipReason {
    pub const ALL: [SkipReason; 5] = [
        SkipReason::Binary,
        SkipReason::TooLarge,
        SkipReason::Unreadable,
        SkipReason::NotRegularFile,
        SkipReason::Symlink,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too large",
            SkipReason::Unreadable => "unreadable",
            SkipReason::NotRegularFile => "not a regular file",
            SkipReason::Symlink => "symlink",
            SkipReason::Submodule => "submodule",
        }
    }
}

/// Repository hygiene problems (`leakgate gitignore`, `leakgate check`). Declared in the
/// alphabetical order of their codes: reports list them in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HygieneCode {
    /// A credential file others can read (mode wider than 0600).
    CredentialFilePermissions,
    /// A required pattern that nothing ignores at the root.
    GitignoreGap,
    /// A required pattern that only this clone's excludes (global or `.git/info/exclude`) cover.
    GitignoreLocalOnly,
    /// A pattern ignored at the root that a nested `.gitignore` re-includes.
    GitignoreReincluded,
    /// A file that holds secrets by its nature is tracked (or about to be).
    TrackedSecretFile,
}

impl HygieneCode {
    pub fn as_str(self) -> &'static str {
        match self {
            HygieneCode::CredentialFilePermissions => "credential-file-permissions",
            HygieneCode::GitignoreGap => "gitignore-gap",
            HygieneCode::GitignoreLocalOnly => "gitignore-local-only",
            HygieneCode::GitignoreReincluded => "gitignore-reincluded",
            HygieneCode::TrackedSecretFile => "tracked-secret-file",
        }
    }

    /// What the code means, in a few words (a SARIF rule's description).
    pub fn title(self) -> &'static str {
        match self {
            HygieneCode::CredentialFilePermissions => "A credential file others can read",
            HygieneCode::GitignoreGap => "A file that holds secrets would not be ignored by git",
            HygieneCode::GitignoreLocalOnly => {
                "A file that holds secrets is ignored only by this clone's excludes"
            }
            HygieneCode::GitignoreReincluded => {
                "A nested .gitignore re-includes a file that holds secrets"
            }
            HygieneCode::TrackedSecretFile => "A file that holds secrets is tracked by git",
        }
    }

    fn level(self) -> Level {
        match self {
            HygieneCode::GitignoreGap
            | HygieneCode::GitignoreReincluded
            | HygieneCode::TrackedSecretFile => Level::Error,
            // The file is covered for this user, or is not shared: worth fixing, not proof of
            // a leak.
            HygieneCode::GitignoreLocalOnly | HygieneCode::CredentialFilePermissions => {
                Level::Warning
            }
        }
    }
}

/// Journal integrity problems (`leakgate journal --verify`); the table in
/// `journal::verify` says what each means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntegrityCode {
    NoJournal,
    EmptyJournal,
    UnreadableFile,
    FileTooLarge,
    SymlinkOutsideRun,
    UnexpectedFile,
    TempLeftover,
    InvalidEvent,
    ChecksumMismatch,
    ChecksumMissing,
    CrlfLineEndings,
    NonstandardWriter,
    SeqGap,
    SeqDuplicate,
    UlidOrder,
    RecordedAtOrder,
    JournalTruncated,
    InvalidState,
    InvocationHash,
    DuplicateEffect,
    OrphanResolution,
    EventAfterTerminal,
    MissingRef,
    RefOutsideRun,
    BlobHash,
}

impl IntegrityCode {
    pub const ALL: [IntegrityCode; 25] = [
        IntegrityCode::NoJournal,
        IntegrityCode::EmptyJournal,
        IntegrityCode::UnreadableFile,
        IntegrityCode::FileTooLarge,
        IntegrityCode::SymlinkOutsideRun,
        IntegrityCode::UnexpectedFile,
        IntegrityCode::TempLeftover,
        IntegrityCode::InvalidEvent,
        IntegrityCode::ChecksumMismatch,
        IntegrityCode::ChecksumMissing,
        IntegrityCode::CrlfLineEndings,
        IntegrityCode::NonstandardWriter,
        IntegrityCode::SeqGap,
        IntegrityCode::SeqDuplicate,
        IntegrityCode::UlidOrder,
        IntegrityCode::RecordedAtOrder,
        IntegrityCode::JournalTruncated,
        IntegrityCode::InvalidState,
        IntegrityCode::InvocationHash,
        IntegrityCode::DuplicateEffect,
        IntegrityCode::OrphanResolution,
        IntegrityCode::EventAfterTerminal,
        IntegrityCode::MissingRef,
        IntegrityCode::RefOutsideRun,
        IntegrityCode::BlobHash,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IntegrityCode::NoJournal => "no-journal",
            IntegrityCode::EmptyJournal => "empty-journal",
            IntegrityCode::UnreadableFile => "unreadable-file",
            IntegrityCode::FileTooLarge => "file-too-large",
            IntegrityCode::SymlinkOutsideRun => "symlink-outside-run",
            IntegrityCode::UnexpectedFile => "unexpected-file",
            IntegrityCode::TempLeftover => "temp-leftover",
            IntegrityCode::InvalidEvent => "invalid-event",
            IntegrityCode::ChecksumMismatch => "checksum-mismatch",
            IntegrityCode::ChecksumMissing => "checksum-missing",
            IntegrityCode::CrlfLineEndings => "crlf-line-endings",
            IntegrityCode::NonstandardWriter => "nonstandard-writer",
            IntegrityCode::SeqGap => "seq-gap",
            IntegrityCode::SeqDuplicate => "seq-duplicate",
            IntegrityCode::UlidOrder => "ulid-order",
            IntegrityCode::RecordedAtOrder => "recorded-at-order",
            IntegrityCode::JournalTruncated => "journal-truncated",
            IntegrityCode::InvalidState => "invalid-state",
            IntegrityCode::InvocationHash => "invocation-hash",
            IntegrityCode::DuplicateEffect => "duplicate-effect",
            IntegrityCode::OrphanResolution => "orphan-resolution",
            IntegrityCode::EventAfterTerminal => "event-after-terminal",
            IntegrityCode::MissingRef => "missing-ref",
            IntegrityCode::RefOutsideRun => "ref-outside-run",
            IntegrityCode::BlobHash => "blob-hash",
        }
    }

    /// What the code means, in a few words (a SARIF rule's description); the table in
    /// `journal::verify` says more.
    pub fn title(self) -> &'static str {
        use IntegrityCode::*;
        match self {
            NoJournal => "The run has no journal directory",
            EmptyJournal => "The journal holds no event",
            UnreadableFile => "A file of the run could not be read, so it was not checked",
            FileTooLarge => "A journal document too large to check",
            SymlinkOutsideRun => "A symlink in the run points outside it",
            UnexpectedFile => "An unexpected file in the journal",
            TempLeftover => "A temporary file an interrupted write left behind",
            InvalidEvent => "A journal event that is not a valid event",
            ChecksumMismatch => "A journal event edited or corrupted after it was written",
            ChecksumMissing => "A journal event without a checksum",
            CrlfLineEndings => "A journal event checked out with CRLF line endings",
            NonstandardWriter => "A journal written by another known writer",
            SeqGap => "Journal events were deleted (a gap in the seqs)",
            SeqDuplicate => "Two journal events share a seq",
            UlidOrder => "Journal ULIDs out of order",
            RecordedAtOrder => "Journal timestamps go backwards",
            JournalTruncated => "The journal was truncated",
            InvalidState => "The run state could not be read to check truncation",
            InvocationHash => "An effect's invocation hash does not match its key",
            DuplicateEffect => "An effect requested twice",
            OrphanResolution => "An effect resolved that was never requested",
            EventAfterTerminal => "An event after the run ended",
            MissingRef => "An event refers to a file that does not exist",
            RefOutsideRun => "An event refers to a file outside the run",
            BlobHash => "A content-addressed blob whose content does not match its name",
        }
    }

    /// Errors are evidence of tampering or of events lost (or a file not checked at all);
    /// warnings are known benign causes or things worth a look; notes are other writers.
    fn level(self) -> Level {
        use IntegrityCode::*;
        match self {
            NoJournal | UnreadableFile | InvalidEvent | ChecksumMismatch | SeqGap
            | JournalTruncated | InvocationHash | DuplicateEffect | OrphanResolution | BlobHash => {
                Level::Error
            }
            EmptyJournal | FileTooLarge | SymlinkOutsideRun | UnexpectedFile | TempLeftover
            | ChecksumMissing | SeqDuplicate | UlidOrder | RecordedAtOrder | InvalidState
            | EventAfterTerminal | MissingRef | RefOutsideRun => Level::Warning,
            CrlfLineEndings | NonstandardWriter => Level::Note,
        }
    }
}

/// What a diagnostic is about, per domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// A file that was not scanned, and why.
    Skipped(SkipReason),
    /// An input the user named (or a git scan needed) that could not be scanned: the run did
    /// not check everything it was asked to, so it exits 2.
    Unreadable,
    /// A JSON file (or JSON Lines line) that does not parse; its raw bytes were scanned anyway.
    InvalidJson,
    /// A file a change adds that is over `--max-file-size`: its content was not scanned.
    NotScanned,
    /// Something to know that is not about one input's content (a shallow clone's history
    /// stops early, a range changes `.leakgate.toml`, a baseline note).
    Warning,
    /// What the command did, when it succeeded (a `.gitignore` fixed, a redacted copy
    /// written): not a problem, so never printed as a warning. Reports show it as a notice.
    Notice,
    Hygiene(HygieneCode),
    Integrity(IntegrityCode),
}

impl Code {
    /// The one place a diagnostic's level is decided.
    pub fn level(self) -> Level {
        match self {
            Code::Unreadable => Level::Error,
            Code::NotScanned | Code::Warning => Level::Warning,
            Code::Skipped(_) | Code::InvalidJson | Code::Notice => Level::Note,
            Code::Hygiene(code) => code.level(),
            Code::Integrity(code) => code.level(),
        }
    }

    /// A stable name: the hygiene and integrity codes as written in every report, and a name
    /// for each input code (`skipped`, `unreadable`, `invalid-json`, `not-scanned`, `warning`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Skipped(_) => "skipped",
            Code::Unreadable => "unreadable",
            Code::InvalidJson => "invalid-json",
            Code::NotScanned => "not-scanned",
            Code::Warning => "warning",
            Code::Notice => "notice",
            Code::Hygiene(code) => code.as_str(),
            Code::Integrity(code) => code.as_str(),
        }
    }

    /// What the code means, in a few words (a SARIF rule's description).
    pub fn title(self) -> &'static str {
        match self {
            Code::Skipped(_) => "A file was not scanned",
            Code::Unreadable => "An input could not be scanned",
            Code::InvalidJson => "JSON that does not parse; its bytes were scanned as text",
            Code::NotScanned => "A changed file was not scanned",
            Code::Warning => "A warning about the run",
            Code::Notice => "What the command did",
            Code::Hygiene(code) => code.title(),
            Code::Integrity(code) => code.title(),
        }
    }

    /// The domain: `input` for what happened to the scanned inputs, `hygiene`, `integrity`.
    pub fn domain(self) -> &'static str {
        match self {
            Code::Hygiene(_) => "hygiene",
            Code::Integrity(_) => "integrity",
            _ => "input",
        }
    }

    /// Reports list diagnostics in this order of kinds: integrity, hygiene, errors, invalid
    /// JSON, warnings about one input, other warnings, skipped files.
    fn rank(self) -> u8 {
        match self {
            Code::Integrity(_) => 0,
            Code::Hygiene(_) => 1,
            Code::Unreadable => 2,
            Code::InvalidJson => 3,
            Code::NotScanned => 4,
            Code::Warning => 5,
            Code::Skipped(_) => 6,
            Code::Notice => 7,
        }
    }
}

/// A line and column (1-based, the column in characters) in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The agent run an integrity problem belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RunRef {
    pub id: String,
    /// The run directory, as walked.
    pub dir: String,
}

/// One problem that is not a secret finding, with what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    /// The file (or directory) it is about: repository- or walk-relative; for an integrity
    /// problem, relative to its run directory (`.` for the run directory itself).
    pub path: Option<String>,
    /// A human sentence. Never holds a secret: producers name files and codes, not values.
    pub message: String,
    /// Where in the file (invalid JSON).
    pub position: Option<Position>,
    /// What to do about it (hygiene).
    pub fix: Option<String>,
    /// The agent run (integrity).
    pub run: Option<RunRef>,
    /// More about why (a skipped file).
    pub detail: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with a code and a message, about nothing in particular; add what it is
    /// about with [`Diagnostic::at`] and the other builders.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            path: None,
            message: message.into(),
            position: None,
            fix: None,
            run: None,
            detail: None,
        }
    }

    pub fn at(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn at_position(mut self, line: usize, column: usize) -> Self {
        self.position = Some(Position { line, column });
        self
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    pub fn in_run(mut self, id: impl Into<String>, dir: impl Into<String>) -> Self {
        self.run = Some(RunRef {
            id: id.into(),
            dir: dir.into(),
        });
        self
    }

    pub fn with_detail(mut self, detail: Option<String>) -> Self {
        self.detail = detail;
        self
    }

    /// A file that was not scanned.
    pub fn skipped(path: impl Into<String>, reason: SkipReason, detail: Option<String>) -> Self {
        Diagnostic::new(Code::Skipped(reason), reason.as_str())
            .at(path)
            .with_detail(detail)
    }

    /// An input that could not be scanned.
    pub fn unreadable(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic::new(Code::Unreadable, message).at(path)
    }

    /// A warning about one input whose content was not scanned.
    pub fn not_scanned(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic::new(Code::NotScanned, message).at(path)
    }

    /// A warning about the run as a whole.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic::new(Code::Warning, message)
    }

    /// What the command did (a success), about `path` when it wrote one.
    pub fn notice(message: impl Into<String>) -> Self {
        Diagnostic::new(Code::Notice, message)
    }

    pub fn level(&self) -> Level {
        self.code.level()
    }

    /// Why a file was skipped, for a [`Code::Skipped`] diagnostic.
    pub fn skip_reason(&self) -> Option<SkipReason> {
        match self.code {
            Code::Skipped(reason) => Some(reason),
            _ => None,
        }
    }

    /// The order reports list diagnostics in: by kind (see `Code::rank`), then within a kind
    /// by path and position. Integrity problems and plain warnings keep the order they were
    /// produced in (a run's problems come grouped by file, in the order its checks found
    /// them; warnings in the order the run met them): sort with a stable sort.
    pub fn report_order(&self, other: &Self) -> Ordering {
        let by_kind = self.code.rank().cmp(&other.code.rank());
        if by_kind != Ordering::Equal {
            return by_kind;
        }
        match self.code {
            Code::Integrity(_) | Code::Warning | Code::Notice => Ordering::Equal,
            // As hygiene problems always were: by code, then path.
            Code::Hygiene(_) => (self.code, &self.path, &self.message, &self.fix).cmp(&(
                other.code,
                &other.path,
                &other.message,
                &other.fix,
            )),
            _ => (
                &self.path,
                self.position,
                self.code,
                &self.message,
                &self.detail,
            )
                .cmp(&(
                    &other.path,
                    other.position,
                    other.code,
                    &other.message,
                    &other.detail,
                )),
        }
    }

    /// The path as written in a report: an integrity problem's file is named within its run
    /// directory, any other path as it is.
    pub fn full_path(&self) -> Option<String> {
        let path = self.path.as_deref();
        match (&self.run, path) {
            (Some(run), None | Some("" | ".")) => Some(run.dir.clone()),
            (Some(run), Some(path)) => Some(format!("{}/{path}", run.dir.trim_end_matches('/'))),
            (None, path) => path.map(str::to_owned),
        }
    }
}

/// Sort diagnostics into report order (stable: see [`Diagnostic::report_order`]).
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(Diagnostic::report_order);
}

/// The JSON Lines object of a diagnostic, `type` first, with the keys each kind has always
/// had (README, "JSON Lines schema"):
///
/// - skipped: `{"type": "skipped", "path", "reason", "detail"?}`
/// - unreadable: `{"type": "error", "path", "message"}`
/// - invalid JSON: `{"type": "invalid_json", "path", "line", "column", "message"}`
/// - not scanned, warning: `{"type": "warning", "path"?, "message"}`
/// - notice: `{"type": "notice", "message", "path"?}`, as a command's other notices
/// - hygiene: `{"type": "hygiene", "code", "severity", "path", "message", "fix"}`
/// - integrity: `{"type": "integrity", "run_id", "run", "code", "severity", "path",
///   "message"}`, the severity of a note written `info`.
impl Serialize for Diagnostic {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let path = self.path.as_deref().unwrap_or_default();
        let mut map = serializer.serialize_map(None)?;
        match self.code {
            Code::Skipped(reason) => {
                map.serialize_entry("type", "skipped")?;
                map.serialize_entry("path", path)?;
                map.serialize_entry("reason", &reason)?;
                if let Some(detail) = &self.detail {
                    map.serialize_entry("detail", detail)?;
                }
            }
            Code::Unreadable => {
                map.serialize_entry("type", "error")?;
                map.serialize_entry("path", path)?;
                map.serialize_entry("message", &self.message)?;
            }
            Code::InvalidJson => {
                let at = self.position.unwrap_or(Position { line: 0, column: 0 });
                map.serialize_entry("type", "invalid_json")?;
                map.serialize_entry("path", path)?;
                map.serialize_entry("line", &at.line)?;
                map.serialize_entry("column", &at.column)?;
                map.serialize_entry("message", &self.message)?;
            }
            Code::NotScanned | Code::Warning => {
                map.serialize_entry("type", "warning")?;
                if let Some(path) = &self.path {
                    map.serialize_entry("path", path)?;
                }
                map.serialize_entry("message", &self.message)?;
            }
            Code::Notice => {
                map.serialize_entry("type", "notice")?;
                map.serialize_entry("message", &self.message)?;
                if let Some(path) = &self.path {
                    map.serialize_entry("path", path)?;
                }
            }
            Code::Hygiene(code) => {
                map.serialize_entry("type", "hygiene")?;
                map.serialize_entry("code", code.as_str())?;
                map.serialize_entry("severity", self.level().as_str())?;
                map.serialize_entry("path", path)?;
                map.serialize_entry("message", &self.message)?;
                map.serialize_entry("fix", self.fix.as_deref().unwrap_or_default())?;
            }
            Code::Integrity(code) => {
                let (id, dir) = self
                    .run
                    .as_ref()
                    .map_or(("", ""), |run| (run.id.as_str(), run.dir.as_str()));
                let severity = match self.level() {
                    Level::Note => "info",
                    level => level.as_str(),
                };
                map.serialize_entry("type", "integrity")?;
                map.serialize_entry("run_id", id)?;
                map.serialize_entry("run", dir)?;
                map.serialize_entry("code", code.as_str())?;
                map.serialize_entry("severity", severity)?;
                map.serialize_entry("path", path)?;
                map.serialize_entry("message", &self.message)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrity_codes_are_distinct_and_kebab_case() {
        let mut names: Vec<&str> = IntegrityCode::ALL.iter().map(|c| c.as_str()).collect();
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
        );
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), IntegrityCode::ALL.len());
    }

    #[test]
    fn levels_are_decided_per_code() {
        assert_eq!(Code::Unreadable.level(), Level::Error);
        assert_eq!(Code::NotScanned.level(), Level::Warning);
        assert_eq!(Code::Warning.level(), Level::Warning);
        assert_eq!(Code::Notice.level(), Level::Note);
        assert_eq!(Code::InvalidJson.level(), Level::Note);
        assert_eq!(Code::Skipped(SkipReason::Binary).level(), Level::Note);
        assert_eq!(
            Code::Hygiene(HygieneCode::GitignoreGap).level(),
            Level::Error
        );
        assert_eq!(
            Code::Hygiene(HygieneCode::GitignoreLocalOnly).level(),
            Level::Warning
        );
        assert_eq!(
            Code::Integrity(IntegrityCode::ChecksumMismatch).level(),
            Level::Error
        );
        assert_eq!(
            Code::Integrity(IntegrityCode::SeqDuplicate).level(),
            Level::Warning
        );
        assert_eq!(
            Code::Integrity(IntegrityCode::CrlfLineEndings).level(),
            Level::Note
        );
    }

    #[test]
    fn json_keeps_each_kinds_schema() {
        let json = |d: &Diagnostic| serde_json::to_string(d).unwrap_or_default();
        assert_eq!(
            json(&Diagnostic::skipped("a.png", SkipReason::Binary, None)),
            r#"{"type":"skipped","path":"a.png","reason":"binary"}"#
        );
        assert_eq!(
            json(&Diagnostic::unreadable("x", "gone")),
            r#"{"type":"error","path":"x","message":"gone"}"#
        );
        assert_eq!(
            json(
                &Diagnostic::new(Code::InvalidJson, "invalid JSON: eof")
                    .at("b.json")
                    .at_position(2, 3)
            ),
            r#"{"type":"invalid_json","path":"b.json","line":2,"column":3,"message":"invalid JSON: eof"}"#
        );
        assert_eq!(
            json(&Diagnostic::warning("shallow")),
            r#"{"type":"warning","message":"shallow"}"#
        );
        assert_eq!(
            json(&Diagnostic::not_scanned("big.env", "not scanned")),
            r#"{"type":"warning","path":"big.env","message":"not scanned"}"#
        );
        assert_eq!(
            json(
                &Diagnostic::new(Code::Hygiene(HygieneCode::GitignoreGap), "m")
                    .at(".gitignore")
                    .with_fix("f")
            ),
            r#"{"type":"hygiene","code":"gitignore-gap","severity":"error","path":".gitignore","message":"m","fix":"f"}"#
        );
        assert_eq!(
            json(
                &Diagnostic::new(Code::Integrity(IntegrityCode::NonstandardWriter), "m")
                    .at("journal")
                    .in_run("R", "runs/R")
            ),
            r#"{"type":"integrity","run_id":"R","run":"runs/R","code":"nonstandard-writer","severity":"info","path":"journal","message":"m"}"#
        );
    }

    #[test]
    fn report_order_groups_kinds_and_keeps_integrity_order() {
        let mut list = vec![
            Diagnostic::skipped("a", SkipReason::Binary, None),
            Diagnostic::new(Code::Integrity(IntegrityCode::SeqGap), "second").at("b"),
            Diagnostic::unreadable("z", "m"),
            Diagnostic::new(Code::Integrity(IntegrityCode::BlobHash), "first").at("a"),
            Diagnostic::unreadable("y", "m"),
        ];
        sort(&mut list);
        let order: Vec<(&str, &str)> = list
            .iter()
            .map(|d| (d.code.as_str(), d.path.as_deref().unwrap_or_default()))
            .collect();
        assert_eq!(
            order,
            vec![
                ("seq-gap", "b"),
                ("blob-hash", "a"),
                ("unreadable", "y"),
                ("unreadable", "z"),
                ("skipped", "a")
            ]
        );
    }
}
