//! Integrity checks for one SDK-format run directory (`run.json` + `journal/`): event
//! checksums, the seq/ULID/time order of the journal, truncation against the cached head in
//! `state/state.json`, effect bookkeeping, content-addressed blob names and the refs events make
//! to other files of the run. Every problem is a [`Diagnostic`] with a stable
//! [`IntegrityCode`]; its severity is the code's level, decided once in [`crate::diagnostic`]
//! (a test keeps this table in step with it; `info` is the JSON name of a note):
//!
//! | Code | Severity | Meaning |
//! |---|---|---|
//! | `no-journal` | error | The run has no `journal/` directory (or it is not a directory). |
//! | `empty-journal` | warning | `journal/` holds no event file. |
//! | `unreadable-file` | error | A file or directory could not be read (permissions, I/O), so it was not checked. |
//! | `file-too-large` | warning | An event or `state.json` over 64 MiB was not checked. |
//! | `symlink-outside-run` | warning | A symlink in the run points outside the run directory; not followed. |
//! | `unexpected-file` | warning | A `journal/` entry whose name is not `<6+ digit seq>.<26-char ULID>.json`, or that is not a regular file. Misnamed `*.json` files are still checksum-verified. |
//! | `temp-leftover` | warning | A `*.tmp-*` file: an atomic write that never finished its rename (a crash), or a stray copy. |
//! | `invalid-event` | error | An event file that is not a JSON object, or whose `checksum` is not a string. |
//! | `checksum-mismatch` | error | The event's checksum does not match its content: edited or corrupted after it was written. |
//! | `checksum-missing` | warning | The event has no `checksum` key. |
//! | `crlf-line-endings` | info | The checksum verifies once CRLF line endings are turned back into LF (a git `autocrlf` checkout). |
//! | `nonstandard-writer` | info | Written by another known writer, not tampered: the genty fallback journal (checksum of the type only, content not covered), an event without `sdkVersion` after events that have one (adapters gateway, genty runtime), or a journal rewritten by `run:repair-journal` / `run:recover-process-error` (a backup directory exists). |
//! | `seq-gap` | error | Seqs (from file names) are not contiguous from 1: events were deleted. |
//! | `seq-duplicate` | warning | Two files share a seq: a known SDK race (#120/#191), not proof of tampering. |
//! | `ulid-order` | warning | A ULID is not greater than the previous file's (seq order). Skipped for genty fallback events, whose "ULIDs" are random hex. |
//! | `recorded-at-order` | warning | `recordedAt` goes backwards. |
//! | `journal-truncated` | error | `state/state.json` `journalHead` points past the last event file, or names a seq/ULID pair that no file has: events were deleted. A head behind the last file is normal. |
//! | `invalid-state` | warning | `state/state.json` is not JSON or its `journalHead` is malformed, so truncation could not be checked. |
//! | `invocation-hash` | error | `EFFECT_REQUESTED.data.invocationHash` is not the SHA-256 of its `invocationKey`. |
//! | `duplicate-effect` | error | An `effectId` requested twice. |
//! | `orphan-resolution` | error | `EFFECT_RESOLVED`/`EFFECT_CANCELLED` for an effect no earlier `EFFECT_REQUESTED` asked for. |
//! | `event-after-terminal` | warning | An event after `RUN_COMPLETED`/`RUN_FAILED`/`RUN_HALTED`. Bookkeeping appends (`COST_TRACKED`, `STOP_HOOK_INVOKED`, `COMPRESSION_APPLIED`) are expected there and not reported. |
//! | `missing-ref` | warning | A ref in event data (`taskDefRef`, `resultRef`, `stdoutRef`, `stderrRef`, `inputsRef`, `outputRef`) names a file that does not exist. |
//! | `ref-outside-run` | warning | A ref that is absolute, climbs out with `..`, or resolves outside through a symlink; not followed. |
//! | `blob-hash` | error | A content-addressed blob (`tasks/*/blobs/inputs-<h>.json`, `result-<h>.json`, run-level `blobs/<h>`) whose SHA-256 is not `h`. |
//!
//! Messages name files, seqs and codes, never a field value: an effectId, a ref, a recorded
//! checksum or hash, a head ULID or an event type could hold a secret (planted, or pasted by a
//! tool), so none is echoed, and no hash of one is printed either (an unsalted SHA-256 of a
//! short value confirms a guess). Only values whose shape is known and harmless are named: seqs,
//! ULIDs of the ULID shape, event types of the `SCREAMING_SNAKE` shape. File names read from
//! disk go through [`safe_name`]: control characters escaped (as [`crate::escape`] does),
//! credential-shaped runs masked.
//! Nothing here panics on bad input, and nothing is read through a symlink that leaves the run
//! directory.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::checksum::{self, ChecksumVerdict};
use crate::diagnostic::{Code, Diagnostic, IntegrityCode};
use crate::mask::{is_sha256_hex, is_ulid};

/// Event and state files above this are reported, not read: they are parsed whole, and real
/// events stay far below it (the SDK spills task values over 1 MiB to blobs).
const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Events that end a run.
const TERMINAL_EVENTS: [&str; 3] = ["RUN_COMPLETED", "RUN_FAILED", "RUN_HALTED"];

/// Events the SDK appends after a run ends in the normal course of things: the cost collector
/// reads session transcripts afterwards, and the stop hook journals every decision it makes.
const BOOKKEEPING_EVENTS: [&str; 3] = ["COST_TRACKED", "STOP_HOOK_INVOKED", "COMPRESSION_APPLIED"];

/// Keys of event `data` that point at other files of the run (format notes §6).
const REF_KEYS: [&str; 6] = [
    "taskDefRef",
    "resultRef",
    "stdoutRef",
    "stderrRef",
    "inputsRef",
    "outputRef",
];

/// Check one SDK-format run directory (contains run.json and journal/). Never panics on bad
/// input; unreadable files become problems. Each problem is a [`Diagnostic`] of an
/// [`IntegrityCode`] with the file's path within the run directory; the caller names the run.
pub fn verify_run(run_dir: &Path) -> Vec<Diagnostic> {
    let mut problems = Problems::default();
    // Containment is judged against the real path, so a run reached through a symlinked
    // parent is still "inside" itself.
    let root = match fs::canonicalize(run_dir) {
        Ok(root) => root,
        Err(error) => {
            problems.push(
                IntegrityCode::UnreadableFile,
                ".",
                format!("the run directory cannot be opened: {error}"),
            );
            return problems.into_sorted();
        }
    };
    let run = Run {
        name: root
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        root,
    };

    if let Some(events) = read_journal(&run, &mut problems) {
        check_writers(&run, &events, &mut problems);
        check_sequence(&events, &mut problems);
        check_order(&events, &mut problems);
        check_contents(&run, &events, &mut problems);
        check_state_head(&run, &events, &mut problems);
    }
    check_blobs(&run, &mut problems);
    problems.into_sorted()
}

/// The run directory being checked.
struct Run {
    /// Canonical path: every file read must stay under it.
    root: PathBuf,
    /// The run directory's name (normally the run id).
    name: String,
}

#[derive(Default)]
struct Problems(Vec<Diagnostic>);

impl Problems {
    /// A problem in the file at `path` (relative to the run dir: `journal/000003.<ulid>.json`,
    /// `state/state.json`, ...; `.` for the run dir itself). The message never includes a
    /// field value that could be a secret.
    fn push(&mut self, code: IntegrityCode, path: impl Into<String>, message: impl Into<String>) {
        self.0
            .push(Diagnostic::new(Code::Integrity(code), message).at(path));
    }

    fn unreadable(&mut self, path: &str, error: &io::Error) {
        self.push(
            IntegrityCode::UnreadableFile,
            path,
            format!("cannot be read, so it was not checked: {error}"),
        );
    }

    fn outside(&mut self, path: &str) {
        self.push(
            IntegrityCode::SymlinkOutsideRun,
            path,
            "is a symlink to a place outside the run directory; not followed",
        );
    }

    /// Grouped by file (a stable sort keeps each file's problems in the order found).
    fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort_by(|a, b| a.path.cmp(&b.path));
        self.0
    }
}

/// A file name from disk as messages show it: control characters (and bidi overrides)
/// escaped, so a name cannot inject lines or workflow commands, and any credential-shaped run
/// masked as `[masked]`, so a secret used as a file name is not printed. The journal's own
/// identifiers (ULIDs, SHA-256 hex) are names by design and stay.
pub fn safe_name(name: &str) -> String {
    let masked = crate::mask::mask_name(name);
    let mut out = String::with_capacity(masked.len());
    for c in masked.chars() {
        // The one escape every printer uses (`\n`, `\x1b`, `\u{202e}`), so a name reads the
        // same here as in findings; a character at a time, so `##[` is left to the printer.
        let mut buf = [0u8; 4];
        out.push_str(&crate::escape::escape(c.encode_utf8(&mut buf)));
    }
    out
}

/// An event's `type` as messages show it: the SDK's `SCREAMING_SNAKE` names, or a neutral word
/// when the field holds something else (it is a field value like any other).
fn shown_event_type(event_type: &str) -> &str {
    // Words of at most 12 capitals joined by `_` (`COMPRESSION_APPLIED`), as many as 6: a
    // random run of capitals is not a name.
    let words: Vec<&str> = event_type.split('_').collect();
    let shaped = words.len() <= 6
        && words
            .iter()
            .all(|w| (1..=12).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_uppercase()));
    if shaped {
        event_type
    } else {
        "an event of another type"
    }
}

/// What a path inside the run turned out to be.
enum Entry {
    /// A regular file, by its real path.
    File(PathBuf),
    Dir(PathBuf),
    /// A FIFO, socket or device: never opened (a FIFO would block the read).
    Special,
    Missing,
    /// Resolves (through a symlink) to a place outside the run directory.
    Outside,
    Failed(io::Error),
}

/// Resolve `path` without trusting symlinks: the real path must stay under the run root.
/// `canonicalize` resolves every component, so a symlinked directory halfway down is caught
/// as well as a symlinked file.
fn inspect(run: &Run, path: &Path) -> Entry {
    let real = match fs::canonicalize(path) {
        Ok(real) => real,
        // A dangling symlink is as good as missing.
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Entry::Missing,
        Err(error) => return Entry::Failed(error),
    };
    if !real.starts_with(&run.root) {
        return Entry::Outside;
    }
    match fs::metadata(&real) {
        Ok(metadata) if metadata.is_file() => Entry::File(real),
        Ok(metadata) if metadata.is_dir() => Entry::Dir(real),
        Ok(_) => Entry::Special,
        Err(error) if error.kind() == io::ErrorKind::NotFound => Entry::Missing,
        Err(error) => Entry::Failed(error),
    }
}

enum ReadFailure {
    TooLarge(u64),
    Io(io::Error),
}

/// Read a whole file, refusing ones over `limit` bytes (checked on the open handle, and again
/// while reading in case the file grows).
fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, ReadFailure> {
    let file = File::open(path).map_err(ReadFailure::Io)?;
    let length = file.metadata().map_err(ReadFailure::Io)?.len();
    if length > limit {
        return Err(ReadFailure::TooLarge(length));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadFailure::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadFailure::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Read a document inside the run, turning every way it can fail into a problem.
fn read_document(run: &Run, path: &Path, shown: &str, problems: &mut Problems) -> Option<Vec<u8>> {
    let real = match inspect(run, path) {
        Entry::File(real) => real,
        Entry::Missing => return None,
        Entry::Outside => {
            problems.outside(shown);
            return None;
        }
        Entry::Failed(error) => {
            problems.unreadable(shown, &error);
            return None;
        }
        Entry::Dir(_) | Entry::Special => {
            problems.push(
                IntegrityCode::UnexpectedFile,
                shown,
                "is not a regular file",
            );
            return None;
        }
    };
    match read_capped(&real, MAX_DOCUMENT_BYTES) {
        Ok(bytes) => Some(bytes),
        Err(ReadFailure::Io(error)) => {
            problems.unreadable(shown, &error);
            None
        }
        Err(ReadFailure::TooLarge(length)) => {
            problems.push(
                IntegrityCode::FileTooLarge,
                shown,
                format!("is {length} bytes, over the {MAX_DOCUMENT_BYTES}-byte limit; not checked"),
            );
            None
        }
    }
}

/// A directory's entry names, sorted so that problems come out in a stable order.
fn sorted_names(dir: &Path) -> io::Result<Vec<OsString>> {
    let mut names = fs::read_dir(dir)?
        .map(|entry| entry.map(|entry| entry.file_name()))
        .collect::<io::Result<Vec<_>>>()?;
    names.sort();
    Ok(names)
}

/// One event file with a well-formed name.
struct JournalEvent {
    /// Relative to the run dir.
    path: String,
    seq: u64,
    ulid: String,
    /// The parsed file; `None` when it is not JSON.
    document: Option<Value>,
    checksum_valid: bool,
    /// The genty fallback writer: its "ULIDs" are random, not ordered.
    genty: bool,
}

impl JournalEvent {
    fn field(&self, key: &str) -> Option<&Value> {
        self.document.as_ref()?.as_object()?.get(key)
    }

    fn string_field(&self, key: &str) -> Option<&str> {
        self.field(key)?.as_str()
    }

    fn event_type(&self) -> Option<&str> {
        self.string_field("type")
    }

    fn data(&self) -> Option<&Map<String, Value>> {
        self.field("data")?.as_object()
    }
}

/// `<seq>.<ulid>.json` with a seq of 6 or more digits (not 0: the SDK counts from 1) and a
/// 26-character upper-case Crockford base32 ULID. The genty writer's upper-case hex fits too.
fn parse_event_name(name: &str) -> Option<(u64, String)> {
    let (seq, ulid) = name.strip_suffix(".json")?.split_once('.')?;
    if seq.len() < 6 || !seq.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let seq: u64 = seq.parse().ok().filter(|&seq| seq >= 1)?;
    if !is_ulid(ulid) {
        return None;
    }
    Some((seq, ulid.to_owned()))
}

/// List and checksum-verify `journal/`. Returns the well-named events sorted by (seq, ULID),
/// or `None` when there is no journal to check.
fn read_journal(run: &Run, problems: &mut Problems) -> Option<Vec<JournalEvent>> {
    let journal = match inspect(run, &run.root.join("journal")) {
        Entry::Dir(journal) => journal,
        Entry::Missing => {
            problems.push(
                IntegrityCode::NoJournal,
                "journal",
                "the run has no journal/ directory",
            );
            return None;
        }
        Entry::File(_) | Entry::Special => {
            problems.push(
                IntegrityCode::NoJournal,
                "journal",
                "journal is not a directory",
            );
            return None;
        }
        Entry::Outside => {
            problems.outside("journal");
            return None;
        }
        Entry::Failed(error) => {
            problems.unreadable("journal", &error);
            return None;
        }
    };
    let names = match sorted_names(&journal) {
        Ok(names) => names,
        Err(error) => {
            problems.unreadable("journal", &error);
            return None;
        }
    };

    let mut events = Vec::new();
    let mut event_files = 0usize;
    for name in names {
        let shown_name = name.to_string_lossy().into_owned();
        let shown = format!("journal/{}", safe_name(&shown_name));
        if shown_name.contains(".tmp-") {
            problems.push(
                IntegrityCode::TempLeftover,
                shown,
                "an atomic write that was never renamed into place (a crash), or a stray copy",
            );
            continue;
        }
        let parsed_name = name.to_str().and_then(parse_event_name);
        let full = journal.join(&name);
        if parsed_name.is_none() {
            let is_directory = matches!(inspect(run, &full), Entry::Dir(_));
            problems.push(
                IntegrityCode::UnexpectedFile,
                shown.as_str(),
                if is_directory {
                    "a directory inside journal/"
                } else {
                    "file name does not match <seq>.<ULID>.json (a seq of 6 or more digits \
                     from 1, a 26-character ULID)"
                },
            );
            // The SDK loads every *.json file as an event, so a misnamed one is still verified.
            if is_directory || !shown_name.ends_with(".json") {
                continue;
            }
        }
        let Some(bytes) = read_document(run, &full, &shown, problems) else {
            continue;
        };
        event_files += 1;
        let (verdict, document) = checksum::verify_event_document(&bytes);
        let checksum_valid = matches!(verdict, ChecksumVerdict::Valid { .. });
        let genty = verdict == ChecksumVerdict::GentyTypeHash;
        report_checksum(verdict, &shown, problems);
        if let Some((seq, ulid)) = parsed_name {
            events.push(JournalEvent {
                path: shown,
                seq,
                ulid,
                document,
                checksum_valid,
                genty,
            });
        }
    }
    if event_files == 0 {
        problems.push(
            IntegrityCode::EmptyJournal,
            "journal",
            "journal/ holds no event file",
        );
    }
    // Numeric seq order, not the SDK's lexicographic name order: the two part ways once a
    // seq reaches 7 digits, and the checks are about the seqs.
    events.sort_by(|a, b| (a.seq, &a.ulid).cmp(&(b.seq, &b.ulid)));
    Some(events)
}

fn report_checksum(verdict: ChecksumVerdict, shown: &str, problems: &mut Problems) {
    match verdict {
        ChecksumVerdict::Valid {
            crlf_normalized: false,
        } => {}
        ChecksumVerdict::Valid {
            crlf_normalized: true,
        } => problems.push(
            IntegrityCode::CrlfLineEndings,
            shown,
            "the checksum verifies once CRLF line endings are turned back into LF \
             (a git autocrlf checkout, not an edit)",
        ),
        ChecksumVerdict::GentyTypeHash => problems.push(
            IntegrityCode::NonstandardWriter,
            shown,
            "written by the genty fallback journal: its checksum is the SHA-256 of the event \
             type only, so the event's content is not covered by it",
        ),
        ChecksumVerdict::Missing => problems.push(
            IntegrityCode::ChecksumMissing,
            shown,
            "the event has no checksum, so its content cannot be verified",
        ),
        ChecksumVerdict::Mismatch { .. } => problems.push(
            IntegrityCode::ChecksumMismatch,
            shown,
            // Neither value is shown: the recorded one is a field (anything can be planted
            // there), and the computed one is a hash of the event, secrets included.
            "the checksum does not match the content: the event was edited or corrupted after \
             it was written",
        ),
        ChecksumVerdict::Unreadable(why) => problems.push(
            IntegrityCode::InvalidEvent,
            shown,
            format!("not a readable event ({why})"),
        ),
    }
}

/// Tell writers that omit `sdkVersion` apart from the SDK, where it can be told; a missing
/// `sdkVersion` alone is not reported, since every SDK before 2026-05 wrote none.
fn check_writers(run: &Run, events: &[JournalEvent], problems: &mut Problems) {
    let lacks_sdk_version =
        |event: &JournalEvent| event.checksum_valid && event.string_field("sdkVersion").is_none();

    // The SDK always writes sdkVersion once it has started to, so a later event without it
    // came from the adapters gateway or the genty runtime.
    let mut seen_sdk_version = false;
    for event in events {
        if event.string_field("sdkVersion").is_some() {
            seen_sdk_version = true;
        } else if seen_sdk_version && lacks_sdk_version(event) {
            problems.push(
                IntegrityCode::NonstandardWriter,
                event.path.as_str(),
                "valid checksum but no sdkVersion, after events that carry one: written by \
                 another writer (the adapters gateway or the genty runtime), not a sign of \
                 tampering",
            );
        }
    }

    // The repair commands keep the original journal in a backup directory beside it.
    let backups: Vec<String> = sorted_names(&run.root)
        .unwrap_or_default()
        .into_iter()
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| {
            name.starts_with("journal.bak.") || name.starts_with("journal.process-error.bak.")
        })
        .map(|name| safe_name(&name))
        .collect();
    let rewritten = events
        .iter()
        .filter(|event| lacks_sdk_version(event))
        .count();
    if !backups.is_empty() && rewritten > 0 {
        problems.push(
            IntegrityCode::NonstandardWriter,
            "journal",
            format!(
                "{} {} no sdkVersion and a repair backup exists ({}): the \
                 journal was rewritten by run:repair-journal or run:recover-process-error, \
                 which renumber the events and issue new ULIDs; the originals are in the backup",
                crate::plural::count(rewritten, "event", "events"),
                crate::plural::noun(rewritten, "has", "have"),
                backups.join(", ")
            ),
        );
    }
}

/// Seqs must run 1..N without gaps; duplicates are a known SDK race.
fn check_sequence(events: &[JournalEvent], problems: &mut Problems) {
    let mut files_by_seq: BTreeMap<u64, Vec<&JournalEvent>> = BTreeMap::new();
    for event in events {
        files_by_seq.entry(event.seq).or_default().push(event);
    }
    let mut expected = 1u64;
    for (&seq, files) in &files_by_seq {
        if seq > expected {
            let missing = if seq - 1 == expected {
                format!("seq {expected} is missing")
            } else {
                format!("seqs {expected} to {} are missing", seq - 1)
            };
            problems.push(
                IntegrityCode::SeqGap,
                files[0].path.as_str(),
                format!("{missing} before this file: events were deleted from the journal"),
            );
        }
        expected = seq.saturating_add(1);
        if let [first, rest @ ..] = files.as_slice() {
            for duplicate in rest {
                problems.push(
                    IntegrityCode::SeqDuplicate,
                    duplicate.path.as_str(),
                    format!(
                        "seq {seq} is also used by {}; SDKs before 2026-05-20 assigned duplicate \
                         seqs under rapid appends (issues #120/#191), so this is a known SDK \
                         bug, not proof of tampering",
                        first.path
                    ),
                );
            }
        }
    }
}

/// ULIDs strictly increase and `recordedAt` never goes back, in seq order.
fn check_order(events: &[JournalEvent], problems: &mut Problems) {
    for pair in events.windows(2) {
        let [previous, event] = pair else { continue };
        if !previous.genty && !event.genty && event.ulid <= previous.ulid {
            problems.push(
                IntegrityCode::UlidOrder,
                event.path.as_str(),
                format!(
                    "ULID {} is not greater than {} of the previous file ({}): the SDK's ULIDs \
                     only increase, so files were renamed, copied in or written by another tool",
                    event.ulid, previous.ulid, previous.path
                ),
            );
        }
        if let (Some(before), Some(at)) = (
            previous
                .string_field("recordedAt")
                .and_then(canonical_timestamp),
            event
                .string_field("recordedAt")
                .and_then(canonical_timestamp),
        ) && at < before
        {
            problems.push(
                IntegrityCode::RecordedAtOrder,
                event.path.as_str(),
                format!(
                    "recordedAt {at} is earlier than {before} of the previous file ({})",
                    previous.path
                ),
            );
        }
    }
}

/// `Date.toISOString()` output (`2026-01-01T00:00:00.000Z`), which orders as text. Other
/// spellings are skipped rather than guessed at.
fn canonical_timestamp(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 24
        && bytes.iter().enumerate().all(|(index, &byte)| match index {
            4 | 7 => byte == b'-',
            10 => byte == b'T',
            13 | 16 => byte == b':',
            19 => byte == b'.',
            23 => byte == b'Z',
            _ => byte.is_ascii_digit(),
        });
    shape_ok.then_some(text)
}

/// Terminal events, effect bookkeeping, invocation hashes and refs, in journal order.
fn check_contents(run: &Run, events: &[JournalEvent], problems: &mut Problems) {
    let mut requested: HashMap<&str, &str> = HashMap::new();
    let mut terminal: Option<(&str, &str)> = None;
    for event in events {
        let Some(event_type) = event.event_type() else {
            continue;
        };
        if let Some((ended_by, ended_in)) = terminal {
            if !BOOKKEEPING_EVENTS.contains(&event_type) {
                problems.push(
                    IntegrityCode::EventAfterTerminal,
                    event.path.as_str(),
                    format!(
                        "{} after the run ended with {ended_by} ({ended_in}); old SDKs could \
                         append a phantom RUN_FAILED after completion (#191)",
                        shown_event_type(event_type)
                    ),
                );
            }
        } else if TERMINAL_EVENTS.contains(&event_type) {
            terminal = Some((event_type, event.path.as_str()));
        }

        let Some(data) = event.data() else {
            continue;
        };
        let effect_id = data.get("effectId").and_then(Value::as_str);
        match event_type {
            "EFFECT_REQUESTED" => {
                if let Some(effect_id) = effect_id {
                    if let Some(first) = requested.get(effect_id) {
                        problems.push(
                            IntegrityCode::DuplicateEffect,
                            event.path.as_str(),
                            format!("its effectId was already requested in {first}"),
                        );
                    } else {
                        requested.insert(effect_id, event.path.as_str());
                    }
                }
                check_invocation_hash(event, data, problems);
            }
            "EFFECT_RESOLVED" | "EFFECT_CANCELLED" => {
                let known = effect_id.is_some_and(|id| requested.contains_key(id));
                if !known {
                    let which = if effect_id.is_some() {
                        "is for an effectId"
                    } else {
                        "has no effectId"
                    };
                    problems.push(
                        IntegrityCode::OrphanResolution,
                        event.path.as_str(),
                        format!(
                            "{event_type} {which}, which no earlier EFFECT_REQUESTED asked for: \
                             the request was deleted, or this event was written by hand"
                        ),
                    );
                }
            }
            _ => {}
        }
        for key in REF_KEYS {
            if let Some(Value::String(reference)) = data.get(key) {
                check_ref(run, &event.path, key, reference, problems);
            }
        }
    }
}

fn check_invocation_hash(event: &JournalEvent, data: &Map<String, Value>, problems: &mut Problems) {
    let (Some(Value::String(key)), Some(Value::String(recorded))) =
        (data.get("invocationKey"), data.get("invocationHash"))
    else {
        return;
    };
    let computed = checksum::sha256_hex(key.as_bytes());
    if !computed.eq_ignore_ascii_case(recorded) {
        problems.push(
            IntegrityCode::InvocationHash,
            event.path.as_str(),
            "invocationHash is not the SHA-256 of the event's invocationKey (neither is shown: \
             the key can hold a secret, and its SHA-256 would confirm a guess)",
        );
    }
}

/// Why a ref was not followed.
enum RefEscape {
    Absolute,
    ParentDir,
}

/// A ref as components under the run root. Refs are POSIX paths relative to the run dir;
/// backslashes count as separators too, so a Windows-style `..\..` cannot slip through.
/// A `.a5c/runs/<this run>/` prefix (which the SDK collapses) is dropped.
fn ref_components<'a>(run: &Run, reference: &'a str) -> Result<Vec<&'a str>, RefEscape> {
    let bytes = reference.as_bytes();
    let has_drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if reference.starts_with(['/', '\\']) || has_drive {
        return Err(RefEscape::Absolute);
    }
    let mut components: Vec<&str> = Vec::new();
    for part in reference.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                components.pop().ok_or(RefEscape::ParentDir)?;
            }
            part => components.push(part),
        }
    }
    if let [".a5c", "runs", run_name, ..] = components.as_slice()
        && *run_name == run.name
    {
        components.drain(..3);
    }
    Ok(components)
}

fn check_ref(run: &Run, event_path: &str, key: &str, reference: &str, problems: &mut Problems) {
    let components = match ref_components(run, reference) {
        Ok(components) => components,
        Err(escape) => {
            let how = match escape {
                RefEscape::Absolute => "is an absolute path",
                RefEscape::ParentDir => "climbs out of the run directory with ..",
            };
            problems.push(
                IntegrityCode::RefOutsideRun,
                event_path,
                format!("{key} {how}; not followed"),
            );
            return;
        }
    };
    if components.is_empty() {
        problems.push(
            IntegrityCode::MissingRef,
            event_path,
            format!("{key} does not name a file"),
        );
        return;
    }
    let target: PathBuf = components
        .iter()
        .fold(run.root.clone(), |path, part| path.join(part));
    match inspect(run, &target) {
        Entry::File(_) | Entry::Dir(_) | Entry::Special => {}
        Entry::Missing => problems.push(
            IntegrityCode::MissingRef,
            event_path,
            format!("{key} names a file that does not exist"),
        ),
        Entry::Outside => problems.push(
            IntegrityCode::RefOutsideRun,
            event_path,
            format!("{key} resolves outside the run directory through a symlink; not followed"),
        ),
        Entry::Failed(error) => problems.push(
            IntegrityCode::UnreadableFile,
            event_path,
            format!("{key} cannot be checked: {error}"),
        ),
    }
}

/// The cached head in `state/state.json` must name an existing event, at or before the last.
fn check_state_head(run: &Run, events: &[JournalEvent], problems: &mut Problems) {
    const SHOWN: &str = "state/state.json";
    let Some(bytes) = read_document(
        run,
        &run.root.join("state").join("state.json"),
        SHOWN,
        problems,
    ) else {
        // The cache is optional: the SDK rebuilds it when it is missing.
        return;
    };
    let state: Value = match serde_json::from_slice(&bytes) {
        Ok(state) => state,
        Err(error) => {
            problems.push(
                IntegrityCode::InvalidState,
                SHOWN,
                format!("not valid JSON ({error}), so truncation could not be checked"),
            );
            return;
        }
    };
    let head = match state.get("journalHead") {
        None | Some(Value::Null) => return,
        Some(head) => head,
    };
    let (Some(seq), Some(ulid)) = (
        head.get("seq").and_then(Value::as_u64),
        head.get("ulid").and_then(Value::as_str),
    ) else {
        problems.push(
            IntegrityCode::InvalidState,
            SHOWN,
            "journalHead has no numeric seq and string ulid, so truncation could not be checked",
        );
        return;
    };
    // The head's ULID is a field value: named only when it has the ULID shape.
    let ulid = if is_ulid(ulid) {
        ulid
    } else {
        "a malformed ULID"
    };
    let last_seq = events.iter().map(|event| event.seq).max();
    match last_seq {
        None => problems.push(
            IntegrityCode::JournalTruncated,
            SHOWN,
            format!(
                "journalHead names seq {seq} ({ulid}) but the journal has no event files: \
                 its events were deleted"
            ),
        ),
        Some(last) if seq > last => problems.push(
            IntegrityCode::JournalTruncated,
            SHOWN,
            format!(
                "journalHead names seq {seq} ({ulid}) but the last event file is seq {last}: \
                 events after it were deleted"
            ),
        ),
        Some(_) => {
            if !events
                .iter()
                .any(|event| event.seq == seq && event.ulid == ulid)
            {
                problems.push(
                    IntegrityCode::JournalTruncated,
                    SHOWN,
                    format!(
                        "journalHead names seq {seq} ({ulid}) but no event file has that seq and \
                         ULID: the event was deleted or replaced"
                    ),
                );
            }
        }
    }
}

/// Content-addressed blobs must hash to the name they are stored under.
fn check_blobs(run: &Run, problems: &mut Problems) {
    for task in subdirectories(run, "tasks", problems) {
        let blobs_shown = format!("tasks/{}/blobs", safe_name(&task.to_string_lossy()));
        let blobs = run.root.join("tasks").join(&task).join("blobs");
        let Some(blobs) = directory(run, &blobs, &blobs_shown, problems) else {
            continue;
        };
        for (name, shown) in directory_names(&blobs, &blobs_shown, problems) {
            if let Some(hash) = spilled_value_hash(&name) {
                check_blob(run, &blobs.join(&name), &shown, hash, problems);
            }
        }
    }
    if let Some(blobs) = directory(run, &run.root.join("blobs"), "blobs", problems) {
        for (name, shown) in directory_names(&blobs, "blobs", problems) {
            if is_sha256_hex(&name) {
                check_blob(run, &blobs.join(&name), &shown, &name, problems);
            }
        }
    }
}

/// `inputs-<h>.json` / `result-<h>.json`: spilled task values. Other names under a task's
/// `blobs/` (from `ctx.createBlobRef`) use another naming scheme and are not checked.
fn spilled_value_hash(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".json")?;
    let hash = stem
        .strip_prefix("inputs-")
        .or_else(|| stem.strip_prefix("result-"))?;
    is_sha256_hex(hash).then_some(hash)
}

/// The real path of a directory inside the run, or `None` (with a problem if it is not just
/// absent).
fn directory(run: &Run, path: &Path, shown: &str, problems: &mut Problems) -> Option<PathBuf> {
    match inspect(run, path) {
        Entry::Dir(real) => Some(real),
        Entry::Missing | Entry::File(_) | Entry::Special => None,
        Entry::Outside => {
            problems.outside(shown);
            None
        }
        Entry::Failed(error) => {
            problems.unreadable(shown, &error);
            None
        }
    }
}

/// Entry names of a directory with their shown paths, or nothing (and a problem) when it
/// cannot be listed.
fn directory_names(dir: &Path, shown: &str, problems: &mut Problems) -> Vec<(String, String)> {
    match sorted_names(dir) {
        Ok(names) => names
            .into_iter()
            .filter_map(|name| name.into_string().ok())
            .map(|name| {
                let entry_shown = format!("{shown}/{}", safe_name(&name));
                (name, entry_shown)
            })
            .collect(),
        Err(error) => {
            problems.unreadable(shown, &error);
            Vec::new()
        }
    }
}

/// Names of the directories directly under `<run>/<name>`.
fn subdirectories(run: &Run, name: &str, problems: &mut Problems) -> Vec<OsString> {
    let Some(dir) = directory(run, &run.root.join(name), name, problems) else {
        return Vec::new();
    };
    match sorted_names(&dir) {
        Ok(names) => names
            .into_iter()
            .filter(|entry| match inspect(run, &dir.join(entry)) {
                Entry::Dir(_) => true,
                Entry::Outside => {
                    problems.outside(&format!("{name}/{}", safe_name(&entry.to_string_lossy())));
                    false
                }
                _ => false,
            })
            .collect(),
        Err(error) => {
            problems.unreadable(name, &error);
            Vec::new()
        }
    }
}

fn check_blob(run: &Run, path: &Path, shown: &str, expected: &str, problems: &mut Problems) {
    let real = match inspect(run, path) {
        Entry::File(real) => real,
        Entry::Missing | Entry::Dir(_) | Entry::Special => return,
        Entry::Outside => {
            problems.outside(shown);
            return;
        }
        Entry::Failed(error) => {
            problems.unreadable(shown, &error);
            return;
        }
    };
    // Streamed: blobs are the big files of a run (spills start at 512 KiB / 1 MiB).
    let computed = match File::open(&real).and_then(|mut file| {
        let mut hasher = Sha256::new();
        io::copy(&mut file, &mut hasher)?;
        Ok(hasher.finalize())
    }) {
        Ok(digest) => checksum::hex_lower(&digest),
        Err(error) => {
            problems.unreadable(shown, &error);
            return;
        }
    };
    if !computed.eq_ignore_ascii_case(expected) {
        problems.push(
            IntegrityCode::BlobHash,
            shown,
            // Not the computed hash: a blob can be one short value, and its SHA-256 would
            // confirm a guess.
            "the content does not hash to the hash in its name: the blob was edited or replaced",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Level;
    use serde_json::json;

    /// The SDK's envelope, in its key order.
    #[derive(serde::Serialize)]
    struct Envelope<'a> {
        #[serde(rename = "type")]
        event_type: &'a str,
        #[serde(rename = "recordedAt")]
        recorded_at: &'a str,
        data: &'a Value,
        #[serde(rename = "sdkVersion", skip_serializing_if = "Option::is_none")]
        sdk_version: Option<&'a str>,
    }

    /// The checksum-less text the SDK hashes: `JSON.stringify(envelope, null, 2) + "\n"`.
    /// serde_json's pretty printer matches JSON.stringify for these simple values (2-space
    /// indent, `[]`/`{}` for empties); `serde_json::Map` sorts keys, which is just another key
    /// order as far as the checksum goes.
    fn sdk_text(
        event_type: &str,
        recorded_at: &str,
        data: &Value,
        sdk_version: Option<&str>,
    ) -> String {
        let envelope = Envelope {
            event_type,
            recorded_at,
            data,
            sdk_version,
        };
        let mut text = serde_json::to_string_pretty(&envelope).expect("envelope serialises");
        text.push('\n');
        text
    }

    /// One SDK event file, checksum included.
    fn sdk_event(
        event_type: &str,
        recorded_at: &str,
        data: &Value,
        sdk_version: Option<&str>,
    ) -> Vec<u8> {
        checksum::append_checksum(sdk_text(event_type, recorded_at, data, sdk_version).as_bytes())
    }

    const PROCESS_ID: &str = "demo/deploy";
    const EFFECT: &str = "01JBBBBBBBBBBBBBBBBBBBBBBB";
    const RUN_ID: &str = "01JAAAAAAAAAAAAAAAAAAAAAAA";

    fn invocation_key() -> String {
        format!("{PROCESS_ID}:build:shell")
    }

    /// One planned event; tests edit the plan before it is written.
    struct Planned {
        event_type: &'static str,
        data: Value,
        sdk_version: Option<&'static str>,
        seq: u64,
        ulid: String,
        recorded_at: String,
    }

    fn ulid(n: u64) -> String {
        // Digits are Crockford base32 characters, and zero-padding keeps them ordered as text.
        format!("01J{n:023}")
    }

    fn plan(events: Vec<(&'static str, Value)>) -> Vec<Planned> {
        events
            .into_iter()
            .zip(1u64..)
            .map(|((event_type, data), n)| Planned {
                event_type,
                data,
                sdk_version: Some("6.0.0"),
                seq: n,
                ulid: ulid(n * 10),
                recorded_at: format!("2026-01-01T00:00:{:02}.000Z", n),
            })
            .collect()
    }

    /// A complete, healthy run: create, a custom event, an effect requested and resolved with
    /// its files, completion, then a cost event (normal after completion).
    fn clean_events() -> Vec<(&'static str, Value)> {
        let task_dir = format!("tasks/{EFFECT}");
        vec![
            (
                "RUN_CREATED",
                json!({
                    "runId": RUN_ID,
                    "processId": PROCESS_ID,
                    "entrypoint": {"importPath": "../../processes/demo.mjs", "exportName": "process"},
                    "inputsRef": "inputs.json",
                    "prompt": "d\u{e9}ployer l'application \u{2014} \"vite\"\nmerci",
                    "labels": [],
                    "metadata": {}
                }),
            ),
            ("ITERATION_STARTED", json!({"iteration": 1})),
            (
                "EFFECT_REQUESTED",
                json!({
                    "effectId": EFFECT,
                    "invocationKey": invocation_key(),
                    "invocationHash": checksum::sha256_hex(invocation_key().as_bytes()),
                    "stepId": "build",
                    "taskId": "shell",
                    "kind": "shell",
                    "label": "Build",
                    "taskDefRef": format!("{task_dir}/task.json")
                }),
            ),
            (
                "EFFECT_RESOLVED",
                json!({
                    "effectId": EFFECT,
                    "status": "ok",
                    "resultRef": format!("{task_dir}/result.json"),
                    "stdoutRef": format!("{task_dir}/stdout.log"),
                    "stderrRef": format!("{task_dir}/stderr.log")
                }),
            ),
            ("RUN_COMPLETED", json!({"outputRef": "state/output.json"})),
            (
                "COST_TRACKED",
                json!({"model": "test-model", "inputTokens": 10}),
            ),
        ]
    }

    fn clean_plan() -> Vec<Planned> {
        plan(clean_events())
    }

    struct TestRun {
        _temp: tempfile::TempDir,
        root: PathBuf,
    }

    impl TestRun {
        /// Write a run with these events and every file they refer to; the state head points
        /// at RUN_COMPLETED (behind the last file, as after a real completion).
        fn write(events: &[Planned]) -> TestRun {
            let temp = tempfile::tempdir().expect("temp dir");
            let root = temp.path().join(RUN_ID);
            let run = TestRun { _temp: temp, root };
            let task_dir = format!("tasks/{EFFECT}");
            run.file(
                "run.json",
                json!({"runId": RUN_ID, "processId": PROCESS_ID})
                    .to_string()
                    .as_bytes(),
            );
            run.file("inputs.json", b"{\n  \"target\": \"staging\"\n}\n");
            run.file(&format!("{task_dir}/task.json"), b"{}\n");
            run.file(&format!("{task_dir}/result.json"), b"{}\n");
            run.file(&format!("{task_dir}/stdout.log"), b"built\n");
            run.file(&format!("{task_dir}/stderr.log"), b"");
            run.file("state/output.json", b"{}\n");
            let spilled = b"{\n  \"value\": \"large\"\n}\n";
            run.file(
                &format!(
                    "{task_dir}/blobs/result-{}.json",
                    checksum::sha256_hex(spilled)
                ),
                spilled,
            );
            run.file(
                &format!("{task_dir}/blobs/report-abc.txt"),
                b"not content-addressed",
            );
            let artifact = b"artifact bytes";
            run.file(
                &format!("blobs/{}", checksum::sha256_hex(artifact)),
                artifact,
            );
            fs::create_dir_all(run.root.join("journal")).expect("journal dir");
            for event in events {
                run.event(event);
            }
            if let Some(head) = events
                .iter()
                .find(|event| event.event_type == "RUN_COMPLETED")
            {
                run.state_head(head.seq, &head.ulid);
            }
            run
        }

        fn clean() -> TestRun {
            TestRun::write(&clean_plan())
        }

        fn path(&self, relative: &str) -> PathBuf {
            self.root.join(relative)
        }

        fn file(&self, relative: &str, bytes: &[u8]) {
            let path = self.path(relative);
            fs::create_dir_all(path.parent().expect("file has a parent")).expect("parent dirs");
            fs::write(path, bytes).expect("write test file");
        }

        fn event_name(event: &Planned) -> String {
            format!("{:06}.{}.json", event.seq, event.ulid)
        }

        fn event(&self, event: &Planned) {
            let bytes = sdk_event(
                event.event_type,
                &event.recorded_at,
                &event.data,
                event.sdk_version,
            );
            self.file(&format!("journal/{}", TestRun::event_name(event)), &bytes);
        }

        fn state_head(&self, seq: u64, ulid: &str) {
            let state = json!({
                "schemaVersion": "2026.01.state-cache",
                "journalHead": {"seq": seq, "ulid": ulid},
                "stateVersion": seq
            });
            self.file("state/state.json", state.to_string().as_bytes());
        }

        fn problems(&self) -> Vec<Diagnostic> {
            verify_run(&self.root)
        }

        fn codes(&self) -> Vec<&'static str> {
            self.problems()
                .into_iter()
                .map(|problem| problem.code.as_str())
                .collect()
        }
    }

    fn journal_path(event: &Planned) -> String {
        format!("journal/{}", TestRun::event_name(event))
    }

    #[test]
    fn test_events_match_the_format_notes_layout() {
        // The helper must write what the SDK writes: check it against the notes' example.
        let data = json!({"outputRef": "state/output.json"});
        assert_eq!(
            sdk_text(
                "RUN_COMPLETED",
                "2026-01-01T00:00:00.000Z",
                &data,
                Some("6.0.0")
            ),
            "{\n  \"type\": \"RUN_COMPLETED\",\n  \"recordedAt\": \"2026-01-01T00:00:00.000Z\",\n  \
             \"data\": {\n    \"outputRef\": \"state/output.json\"\n  },\n  \"sdkVersion\": \"6.0.0\"\n}\n"
        );
        let file = sdk_event(
            "RUN_COMPLETED",
            "2026-01-01T00:00:00.000Z",
            &data,
            Some("6.0.0"),
        );
        assert_eq!(
            checksum::verify_event(&file),
            ChecksumVerdict::Valid {
                crlf_normalized: false
            }
        );
    }

    #[test]
    fn clean_run_has_no_problems() {
        assert_eq!(TestRun::clean().problems(), Vec::new());
    }

    #[test]
    fn run_from_an_old_sdk_without_sdk_version_is_clean() {
        let mut events = clean_plan();
        for event in &mut events {
            event.sdk_version = None;
        }
        assert_eq!(TestRun::write(&events).problems(), Vec::new());
    }

    #[test]
    fn edited_event_is_a_checksum_mismatch() {
        let events = clean_plan();
        let run = TestRun::write(&events);
        let path = run.path(&journal_path(&events[3]));
        let edited = String::from_utf8(fs::read(&path).expect("read event"))
            .expect("utf-8")
            .replacen("\"ok\"", "\"OK\"", 1);
        fs::write(&path, edited).expect("write event");
        let problems = run.problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["checksum-mismatch"]
        );
        assert_eq!(problems[0].level(), Level::Error);
        assert_eq!(
            problems[0].path.clone().unwrap_or_default(),
            journal_path(&events[3])
        );
    }

    #[test]
    fn mismatch_message_leaks_no_field_value() {
        let mut events = clean_plan();
        events[0].data["prompt"] = json!("words-only-the-user-typed");
        let run = TestRun::write(&events);
        let path = run.path(&journal_path(&events[0]));
        let edited = String::from_utf8(fs::read(&path).expect("read event"))
            .expect("utf-8")
            .replacen("words-only", "WORDS-only", 1);
        fs::write(&path, edited).expect("write event");
        let problems = run.problems();
        assert_eq!(problems.len(), 1);
        assert!(!problems[0].message.to_lowercase().contains("words-only"));
    }

    #[test]
    fn event_without_checksum_is_reported() {
        let events = clean_plan();
        let run = TestRun::write(&events);
        let event = &events[1];
        let text = sdk_text(
            event.event_type,
            &event.recorded_at,
            &event.data,
            event.sdk_version,
        );
        run.file(&journal_path(event), text.as_bytes());
        assert_eq!(run.codes(), ["checksum-missing"]);
    }

    #[test]
    fn crlf_checkout_is_a_note() {
        let events = clean_plan();
        let run = TestRun::write(&events);
        let path = run.path(&journal_path(&events[2]));
        let text = String::from_utf8(fs::read(&path).expect("read event")).expect("utf-8");
        fs::write(&path, text.replace('\n', "\r\n")).expect("write event");
        let problems = run.problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["crlf-line-endings"]
        );
        assert_eq!(problems[0].level(), Level::Note);
    }

    #[test]
    fn genty_fallback_event_is_a_nonstandard_writer() {
        let events = clean_plan();
        let run = TestRun::write(&events);
        let event = &events[1];
        // genty: {type, recordedAt, data, checksum} with checksum = sha256(type), no final "\n".
        let genty = format!(
            "{{\n  \"type\": \"{}\",\n  \"recordedAt\": \"{}\",\n  \"data\": {{\n    \"iteration\": 1\n  }},\n  \"checksum\": \"{}\"\n}}",
            event.event_type,
            event.recorded_at,
            checksum::sha256_hex(event.event_type.as_bytes())
        );
        run.file(&journal_path(event), genty.as_bytes());
        let problems = run.problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["nonstandard-writer"]
        );
        assert_eq!(problems[0].level(), Level::Note);
    }

    #[test]
    fn genty_random_ulids_are_not_an_ordering_problem() {
        let mut events = clean_plan();
        events[1].ulid = "F".repeat(26);
        let run = TestRun::write(&events);
        let event = &events[1];
        let genty = format!(
            "{{\n  \"type\": \"{}\",\n  \"recordedAt\": \"{}\",\n  \"data\": {{}},\n  \"checksum\": \"{}\"\n}}",
            event.event_type,
            event.recorded_at,
            checksum::sha256_hex(event.event_type.as_bytes())
        );
        run.file(&journal_path(event), genty.as_bytes());
        assert_eq!(run.codes(), ["nonstandard-writer"]);
    }

    #[test]
    fn event_without_sdk_version_after_ones_with_it_is_a_nonstandard_writer() {
        let mut events = clean_plan();
        // The adapters gateway writes EFFECT_RESOLVED without sdkVersion.
        events[3].sdk_version = None;
        let run = TestRun::write(&events);
        let problems = run.problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["nonstandard-writer"]
        );
        assert_eq!(
            problems[0].path.clone().unwrap_or_default(),
            journal_path(&events[3])
        );
    }

    #[test]
    fn repaired_journal_is_a_nonstandard_writer() {
        let mut events = clean_plan();
        for event in &mut events {
            event.sdk_version = None;
        }
        let run = TestRun::write(&events);
        run.file(
            "journal.bak.1767225600000/000001.01J00000000000000000000001.json",
            b"{}\n",
        );
        let problems = run.problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["nonstandard-writer"]
        );
        assert_eq!(problems[0].path.clone().unwrap_or_default(), "journal");
        assert!(problems[0].message.contains("journal.bak.1767225600000"));
    }

    #[test]
    fn unparseable_event_is_invalid() {
        let events = clean_plan();
        let run = TestRun::write(&events);
        run.file(
            &journal_path(&events[1]),
            b"{\"type\": \"ITERATION_STARTED\", ",
        );
        assert_eq!(run.codes(), ["invalid-event"]);
    }

    #[test]
    fn hostile_nesting_is_invalid_not_a_crash() {
        let events = clean_plan();
        let run = TestRun::write(&events);
        let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
        run.file(&journal_path(&events[1]), deep.as_bytes());
        assert_eq!(run.codes(), ["invalid-event"]);
    }

    #[test]
    fn big_event_is_checked() {
        let mut events = clean_plan();
        events[1].data = json!({"blob": "x".repeat(4 * 1024 * 1024)});
        assert_eq!(TestRun::write(&events).problems(), Vec::new());
    }

    #[test]
    fn misnamed_files_are_unexpected() {
        let run = TestRun::clean();
        run.file("journal/notes.txt", b"scratch");
        run.file("journal/7.01J00000000000000000000099.json", b"{}");
        fs::create_dir_all(run.path("journal/sub")).expect("dir");
        let codes = run.codes();
        // The misnamed *.json file is still verified (and has no checksum).
        assert_eq!(
            codes,
            [
                "unexpected-file",
                "checksum-missing",
                "unexpected-file",
                "unexpected-file"
            ]
        );
    }

    #[test]
    fn temp_file_is_a_leftover() {
        let events = clean_plan();
        let run = TestRun::write(&events);
        run.file(
            &format!("{}.tmp-4242-1767225600000-0", journal_path(&events[5])),
            b"{\"type\": \"COST",
        );
        assert_eq!(run.codes(), ["temp-leftover"]);
    }

    #[test]
    fn deleted_event_is_a_seq_gap() {
        let events = clean_plan();
        let run = TestRun::write(&events);
        fs::remove_file(run.path(&journal_path(&events[1]))).expect("delete event");
        let problems = run.problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["seq-gap"]
        );
        assert_eq!(
            problems[0].path.clone().unwrap_or_default(),
            journal_path(&events[2])
        );
        assert_eq!(problems[0].level(), Level::Error);
    }

    #[test]
    fn deleted_first_events_are_a_seq_gap() {
        let mut events = clean_plan();
        for event in &mut events {
            event.seq += 2;
        }
        let run = TestRun::write(&events);
        let problems = run.problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["seq-gap"]
        );
        assert!(problems[0].message.contains("seqs 1 to 2"));
    }

    #[test]
    fn duplicate_seq_is_a_known_bug_warning() {
        let mut events = clean_events();
        events.push(("COST_TRACKED", json!({"model": "test-model"})));
        let mut events = plan(events);
        // A second writer raced for seq 6 (its ULID and time are still later).
        events[6].seq = 6;
        let problems = TestRun::write(&events).problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["seq-duplicate"]
        );
        assert_eq!(problems[0].level(), Level::Warning);
        assert_eq!(
            problems[0].path.clone().unwrap_or_default(),
            journal_path(&events[6])
        );
        assert!(problems[0].message.contains("not proof of tampering"));
    }

    #[test]
    fn ulid_going_down_is_reported() {
        let mut events = clean_plan();
        events[2].ulid = ulid(5);
        assert_eq!(TestRun::write(&events).codes(), ["ulid-order"]);
    }

    #[test]
    fn recorded_at_going_back_is_reported() {
        let mut events = clean_plan();
        events[3].recorded_at = "2025-12-31T23:59:59.000Z".to_owned();
        assert_eq!(TestRun::write(&events).codes(), ["recorded-at-order"]);
    }

    #[test]
    fn head_past_the_last_file_is_truncation() {
        let events = clean_plan();
        let run = TestRun::write(&events);
        run.state_head(9, &ulid(90));
        let problems = run.problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["journal-truncated"]
        );
        assert_eq!(
            problems[0].path.clone().unwrap_or_default(),
            "state/state.json"
        );
    }

    #[test]
    fn head_naming_no_file_is_truncation() {
        let events = clean_plan();
        let run = TestRun::write(&events);
        run.state_head(events[4].seq, &ulid(41));
        assert_eq!(run.codes(), ["journal-truncated"]);
    }

    #[test]
    fn deleted_tail_up_to_the_head_is_truncation() {
        let events = clean_plan();
        let run = TestRun::write(&events);
        fs::remove_file(run.path(&journal_path(&events[5]))).expect("delete event");
        fs::remove_file(run.path(&journal_path(&events[4]))).expect("delete event");
        assert_eq!(run.codes(), ["journal-truncated"]);
    }

    #[test]
    fn head_behind_the_last_file_is_normal() {
        let events = clean_plan();
        let run = TestRun::write(&events);
        run.state_head(events[2].seq, &events[2].ulid);
        assert_eq!(run.problems(), Vec::new());
    }

    #[test]
    fn malformed_state_is_reported() {
        let run = TestRun::clean();
        run.file(
            "state/state.json",
            b"{\"journalHead\": {\"seq\": \"three\"}}",
        );
        assert_eq!(run.codes(), ["invalid-state"]);
        run.file("state/state.json", b"{\"journalHead\": ");
        assert_eq!(run.codes(), ["invalid-state"]);
    }

    #[test]
    fn wrong_invocation_hash_is_reported() {
        let mut events = clean_plan();
        events[2].data["invocationHash"] = json!(checksum::sha256_hex(b"something else"));
        assert_eq!(TestRun::write(&events).codes(), ["invocation-hash"]);
    }

    #[test]
    fn effect_requested_twice_is_a_duplicate() {
        let mut events = clean_events();
        // Before the terminal event, so that only the duplicate is wrong.
        let again = events[2].clone();
        events.insert(4, again);
        let problems = TestRun::write(&plan(events)).problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["duplicate-effect"]
        );
        // It names the earlier file, never the effectId (a field value).
        assert!(
            problems[0].message.contains("journal/000003."),
            "{}",
            problems[0].message
        );
        assert!(!problems[0].message.contains(EFFECT));
    }

    #[test]
    fn names_are_escaped_and_credentials_in_them_masked() {
        assert_eq!(
            safe_name("a\nb\u{1b}[31m\u{202e}"),
            "a\\nb\\x1b[31m\\u{202e}"
        );
        let token = format!("ghp_{}", "Zq8vR2mXk9LpT4wY7nB3cD6fH1jG5sA0eUxx");
        assert_eq!(safe_name(&format!("{token}.json")), "[masked].json");
        for kept in [
            "000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json",
            "000007.01HX3K9Q2M8V4T6W1Z5N7P0R3S.json",
            "inputs-3f9a1c7e5b2d8f4a6c0e9b1d7f3a5c8e2b4d6f0a3f9a1c7e5b2d8f4a6c0e9b1d.json",
            "journal.bak.2026-01-01T00-00-00-000Z",
            "000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json.tmp-4242-1767225600000-0",
            "stdout.log",
        ] {
            assert_eq!(safe_name(kept), kept);
        }
    }

    #[test]
    fn resolution_without_request_is_an_orphan() {
        let mut events = clean_plan();
        events[3].data["effectId"] = json!("01JZZZZZZZZZZZZZZZZZZZZZZZ");
        let problems = TestRun::write(&events).problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["orphan-resolution"]
        );
        assert_eq!(problems[0].level(), Level::Error);
    }

    #[test]
    fn cancellation_without_request_is_an_orphan() {
        let mut events = clean_events();
        events[1] = (
            "EFFECT_CANCELLED",
            json!({"effectId": "01JZZZZZZZZZZZZZZZZZZZZZZZ", "reason": "stale"}),
        );
        assert_eq!(TestRun::write(&plan(events)).codes(), ["orphan-resolution"]);
    }

    #[test]
    fn event_after_completion_is_reported() {
        let mut events = clean_events();
        events.push(("RUN_FAILED", json!({"error": {"name": "Error"}})));
        let events = plan(events);
        let problems = TestRun::write(&events).problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["event-after-terminal"]
        );
        assert_eq!(
            problems[0].path.clone().unwrap_or_default(),
            journal_path(&events[6])
        );
    }

    #[test]
    fn ref_to_a_missing_file_is_reported() {
        let run = TestRun::clean();
        fs::remove_file(run.path(&format!("tasks/{EFFECT}/stdout.log"))).expect("delete log");
        assert_eq!(run.codes(), ["missing-ref"]);
    }

    #[test]
    fn refs_leaving_the_run_are_not_followed() {
        let mut events = clean_plan();
        events[3].data["stdoutRef"] = json!("../elsewhere/stdout.log");
        events[3].data["stderrRef"] = json!("/var/tmp/stderr.log");
        let problems = TestRun::write(&events).problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["ref-outside-run", "ref-outside-run"]
        );
    }

    #[test]
    fn ref_with_the_runs_prefix_resolves_inside_the_run() {
        let mut events = clean_plan();
        events[3].data["resultRef"] =
            json!(format!(".a5c/runs/{RUN_ID}/tasks/{EFFECT}/result.json"));
        assert_eq!(TestRun::write(&events).problems(), Vec::new());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_run_are_not_followed() {
        let events = clean_plan();
        let run = TestRun::write(&events);
        let outside = tempfile::tempdir().expect("outside dir");
        let target = outside.path().join("elsewhere.log");
        fs::write(&target, b"outside").expect("write outside file");
        // A ref whose file is a symlink out, and an event file that is a symlink out.
        let log = run.path(&format!("tasks/{EFFECT}/stderr.log"));
        fs::remove_file(&log).expect("remove log");
        std::os::unix::fs::symlink(&target, &log).expect("symlink log");
        let extra = run.path("journal/000007.01J00000000000000000000070.json");
        std::os::unix::fs::symlink(&target, &extra).expect("symlink event");
        let problems = run.problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["ref-outside-run", "symlink-outside-run"]
        );
        assert_eq!(
            problems[1].path.clone().unwrap_or_default(),
            "journal/000007.01J00000000000000000000070.json"
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_task_directory_out_of_the_run_is_not_followed() {
        let run = TestRun::clean();
        let outside = tempfile::tempdir().expect("outside dir");
        let blob = b"spilled elsewhere";
        fs::create_dir_all(outside.path().join("blobs")).expect("outside blobs");
        fs::write(
            outside.path().join(format!(
                "blobs/inputs-{}.json",
                checksum::sha256_hex(b"other")
            )),
            blob,
        )
        .expect("outside blob");
        std::os::unix::fs::symlink(outside.path(), run.path("tasks/01JEEEEEEEEEEEEEEEEEEEEEEE"))
            .expect("symlink task dir");
        // Reported and skipped, so its mismatching blob is never read.
        let problems = run.problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["symlink-outside-run"]
        );
        assert_eq!(
            problems[0].path.clone().unwrap_or_default(),
            "tasks/01JEEEEEEEEEEEEEEEEEEEEEEE"
        );
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_never_opened() {
        let run = TestRun::clean();
        let fifo = run.path("journal/000007.01J00000000000000000000070.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|status| status.success()) {
            return; // no mkfifo here: nothing to prove
        }
        // Opening a FIFO would block forever; it must be reported instead.
        assert_eq!(run.codes(), ["unexpected-file"]);
    }

    #[test]
    fn mismatching_blobs_are_reported() {
        let run = TestRun::clean();
        let claimed = checksum::sha256_hex(b"what it used to say");
        run.file(
            &format!("tasks/{EFFECT}/blobs/inputs-{claimed}.json"),
            b"{\"edited\": true}",
        );
        run.file(&format!("blobs/{claimed}"), b"replaced");
        let problems = run.problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["blob-hash", "blob-hash"]
        );
        assert_eq!(
            problems[0].path.clone().unwrap_or_default(),
            format!("blobs/{claimed}")
        );
        assert_eq!(
            problems[1].path.clone().unwrap_or_default(),
            format!("tasks/{EFFECT}/blobs/inputs-{claimed}.json")
        );
    }

    #[test]
    fn empty_journal_is_reported() {
        let run = TestRun::write(&[]);
        assert_eq!(run.codes(), ["empty-journal"]);
    }

    #[test]
    fn empty_journal_with_a_head_is_truncation() {
        let run = TestRun::write(&[]);
        run.state_head(3, &ulid(30));
        assert_eq!(run.codes(), ["empty-journal", "journal-truncated"]);
    }

    #[test]
    fn missing_journal_is_an_error() {
        let run = TestRun::clean();
        fs::remove_dir_all(run.path("journal")).expect("remove journal");
        let problems = run.problems();
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["no-journal"]
        );
        assert_eq!(problems[0].level(), Level::Error);
    }

    #[test]
    fn missing_run_directory_is_a_problem_not_a_panic() {
        let temp = tempfile::tempdir().expect("temp dir");
        assert_eq!(
            verify_run(&temp.path().join("absent"))
                .into_iter()
                .map(|p| p.code.as_str())
                .collect::<Vec<_>>(),
            ["unreadable-file"]
        );
    }

    #[test]
    fn problems_serialise_with_lowercase_severity() {
        let problem = Diagnostic::new(Code::Integrity(IntegrityCode::SeqGap), "seq 2 is missing")
            .at("journal/000003.01J00000000000000000000030.json")
            .in_run("R", "runs/R");
        let json = serde_json::to_value(&problem).expect("serialises");
        assert_eq!(json["severity"], "error");
        assert_eq!(json["code"], "seq-gap");
    }

    /// The table at the top of this module is what users read: each code's severity there is
    /// the level `crate::diagnostic` gives it, and every code is in it.
    #[test]
    fn the_code_table_matches_the_levels() {
        let source = include_str!("verify.rs");
        for code in IntegrityCode::ALL {
            let row = format!("//! | `{}` | ", code.as_str());
            let at = source
                .find(&row)
                .unwrap_or_else(|| panic!("{} is not in the table", code.as_str()));
            let severity = source[at + row.len()..]
                .split(' ')
                .next()
                .unwrap_or_default();
            let expected = match Code::Integrity(code).level() {
                Level::Note => "info",
                level => level.as_str(),
            };
            assert_eq!(severity, expected, "{}", code.as_str());
        }
    }

    #[test]
    fn event_names_are_parsed_strictly() {
        assert_eq!(
            parse_event_name("000012.01JDDDDDDDDDDDDDDDDDDDDDD1.json"),
            Some((12, "01JDDDDDDDDDDDDDDDDDDDDDD1".to_owned()))
        );
        assert_eq!(
            parse_event_name("1000000.01JDDDDDDDDDDDDDDDDDDDDDD1.json"),
            Some((1_000_000, "01JDDDDDDDDDDDDDDDDDDDDDD1".to_owned()))
        );
        for bad in [
            "00012.01JDDDDDDDDDDDDDDDDDDDDDD1.json",
            "000000.01JDDDDDDDDDDDDDDDDDDDDDD1.json",
            "000012.01JDDDDDDDDDDDDDDDDDDDDDDI.json",
            "000012.01jdddddddddddddddddddddd1.json",
            "000012.01JDDDDDDDDDDDDDDDDDDDDDD.json",
            "000012.01JDDDDDDDDDDDDDDDDDDDDDD1.json.bak",
            "99999999999999999999999.01JDDDDDDDDDDDDDDDDDDDDDD1.json",
        ] {
            assert_eq!(parse_event_name(bad), None, "{bad}");
        }
    }
}
