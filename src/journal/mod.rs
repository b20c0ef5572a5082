//! Agent run journals (`.a5c/runs/<runId>/`): where run data lives, which directories are runs,
//! and which file of a run is what (a journal event with its seq and type, a task file, a log),
//! so that findings name the run, the event and the JSON pointer. `verify` checks integrity.
//! The format is described in `../shared/journal-format.md` (beside this repository).

pub mod agents;
pub mod checksum;
pub mod redact;
pub mod verify;

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::input::{Blob, Sink};
use crate::input::{Provenance, display_path};

/// A run directory: SDK layout (`run.json` + `journal/`) or the legacy JSONL layout
/// (`journal.jsonl` + `state.json`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RunDir {
    /// The path as walked (so it prefixes the paths of the files found under it).
    pub path: String,
    pub id: String,
    pub layout: Layout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Layout {
    Sdk,
    LegacyJsonl,
}

/// The integrity problems of one SDK-format run (`journal --verify`), each naming the run.
pub fn verify(run: &RunDir) -> Vec<Diagnostic> {
    verify::verify_run(Path::new(&run.path))
        .into_iter()
        .map(|problem| problem.in_run(run.id.clone(), run.path.clone()))
        .collect()
}

/// Where run data lives when no path is given, as the SDK resolves it: the repository's
/// `.a5c`, the global root (`$BABYSITTER_GLOBAL_STATE_DIR` or `~/.a5c`), and the directories
/// named by `$BABYSITTER_RUNS_DIR`, `$BABYSITTER_STATE_DIR` and `$BABYSITTER_LOG_DIR`. Returns
/// the roots that exist, and every place looked at.
pub fn default_roots(cwd: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let repo_root = cwd
        .ancestors()
        .find(|dir| dir.join(".git").exists() || dir.join(".a5c").exists());
    let global =
        env("BABYSITTER_GLOBAL_STATE_DIR").or_else(|| env("HOME").map(|home| home.join(".a5c")));
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(root) = repo_root {
        candidates.push(root.join(".a5c"));
    }
    candidates.extend(global.clone());
    if let Some(runs) = env("BABYSITTER_RUNS_DIR") {
        let repo_scope = env("BABYSITTER_RUNS_SCOPE").is_some_and(|s| {
            matches!(
                s.to_string_lossy().as_ref(),
                "repo" | "project" | "root" | "local"
            )
        });
        let base = if repo_scope {
            repo_root.map(Path::to_path_buf)
        } else {
            global.clone()
        };
        candidates.push(if runs.is_relative() {
            base.unwrap_or_default().join(runs)
        } else {
            runs
        });
    }
    candidates.extend(env("BABYSITTER_STATE_DIR"));
    candidates.extend(env("BABYSITTER_LOG_DIR"));

    let mut roots: Vec<PathBuf> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    for candidate in &candidates {
        let Ok(canonical) = candidate.canonicalize() else {
            continue;
        };
        if !canonical.is_dir() || seen.iter().any(|s| canonical.starts_with(s)) {
            continue;
        }
        // A root inside another is walked with it; one that contains another replaces it.
        let (inside, rest): (Vec<_>, Vec<_>) = seen
            .into_iter()
            .zip(roots)
            .partition(|(s, _)| s.starts_with(&canonical));
        drop(inside);
        (seen, roots) = rest.into_iter().unzip();
        seen.push(canonical);
        roots.push(candidate.clone());
    }
    (roots, candidates)
}

/// Every run directory under `roots` (roots may themselves be runs, or files).
pub fn find_runs(roots: &[PathBuf]) -> Vec<RunDir> {
    let mut runs = Vec::new();
    for root in roots.iter().filter(|r| r.is_dir()) {
        let walker = ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .follow_links(false)
            .build();
        for entry in walker.flatten() {
            if !entry.file_type().is_some_and(|t| t.is_dir()) {
                continue;
            }
            let dir = entry.path();
            let layout = if dir.join("run.json").is_file() && dir.join("journal").is_dir() {
                Layout::Sdk
            } else if dir.join("journal.jsonl").is_file() && dir.join("state.json").is_file() {
                Layout::LegacyJsonl
            } else {
                continue;
            };
            let id = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            runs.push(RunDir {
                path: display_path(dir),
                id,
                layout,
            });
        }
    }
    runs.sort();
    runs.dedup();
    runs
}

/// Wraps a sink: blobs inside a run are relabelled with the run id and, for journal events,
/// the event's seq (from the file name) and type.
pub struct JournalSink<'a> {
    inner: &'a dyn Sink,
    /// Runs by directory path, for a lookup per ancestor of a file (not a scan of every run).
    runs: std::collections::HashMap<&'a str, &'a RunDir>,
}

impl<'a> JournalSink<'a> {
    pub fn new(inner: &'a dyn Sink, runs: &'a [RunDir]) -> Self {
        JournalSink {
            inner,
            runs: runs.iter().map(|run| (run.path.as_str(), run)).collect(),
        }
    }

    /// The innermost run directory that contains `path`.
    fn run_of(&self, path: &str) -> Option<&'a RunDir> {
        path.rmatch_indices('/')
            .find_map(|(slash, _)| self.runs.get(&path[..slash]).copied())
    }
}

impl Sink for JournalSink<'_> {
    fn blob(&self, blob: Blob<'_>) {
        let path = blob.provenance.path().to_owned();
        let Some(run) = self.run_of(&path) else {
            return self.inner.blob(blob);
        };
        let within = &path[run.path.len() + 1..];
        let (seq, event_type) = match event_seq(within) {
            Some(seq) => (Some(seq), event_type(blob.data)),
            None => (None, None),
        };
        let provenance = Provenance::Journal {
            path,
            run_id: run.id.clone(),
            seq,
            event_type,
        };
        self.inner.blob(Blob { provenance, ..blob });
    }

    fn diagnostic(&self, diagnostic: Diagnostic) {
        self.inner.diagnostic(diagnostic);
    }
}

/// The seq of a journal event file (`journal/000042.<ULID>.json`, also in the backups
/// `journal.bak.<ms>/` and temp leftovers `….json.tmp-…`).
pub fn event_seq(path_in_run: &str) -> Option<u64> {
    let (dir, name) = path_in_run.rsplit_once('/')?;
    if !(dir == "journal" || dir.starts_with("journal.")) {
        return None;
    }
    let digits: &str = &name[..name.find('.')?];
    if digits.len() < 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The event `type` of a journal event file, read from its text (the first `"type"` key).
fn event_type(data: &[u8]) -> Option<String> {
    let at = memchr::memmem::find(data, b"\"type\"")?;
    let rest = &data[at + 6..];
    let colon = rest.iter().position(|b| *b == b':')?;
    let rest = &rest[colon + 1..];
    let open = rest.iter().position(|b| *b == b'"')?;
    let rest = &rest[open + 1..];
    let close = memchr::memchr(b'"', rest)?;
    let value = &rest[..close];
    (value.len() <= 64 && value.iter().all(|b| b.is_ascii_uppercase() || *b == b'_'))
        .then(|| String::from_utf8_lossy(value).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_map_to_their_innermost_run() {
        struct Nothing;
        impl Sink for Nothing {
            fn blob(&self, _: Blob<'_>) {}
            fn diagnostic(&self, _: Diagnostic) {}
        }
        let run = |path: &str| RunDir {
            path: path.into(),
            id: path.rsplit('/').next().unwrap_or_default().into(),
            layout: Layout::Sdk,
        };
        let runs = vec![run(".a5c/runs/A"), run(".a5c/runs/A-2"), run("/abs/runs/B")];
        let sink = JournalSink::new(&Nothing, &runs);
        assert_eq!(
            sink.run_of(".a5c/runs/A/journal/000001.x.json")
                .map(|r| r.id.as_str()),
            Some("A")
        );
        assert_eq!(
            sink.run_of(".a5c/runs/A-2/run.json").map(|r| r.id.as_str()),
            Some("A-2")
        );
        assert_eq!(
            sink.run_of("/abs/runs/B/tasks/t/result.json")
                .map(|r| r.id.as_str()),
            Some("B")
        );
        assert!(sink.run_of(".a5c/runs/Ax/run.json").is_none());
        assert!(
            sink.run_of(".a5c/runs/A").is_none(),
            "the run directory itself is not a file in it"
        );
    }

    #[test]
    fn event_files_are_recognised() {
        assert_eq!(
            event_seq("journal/000042.01JDDDDDDDDDDDDDDDDDDDDDD1.json"),
            Some(42)
        );
        assert_eq!(
            event_seq("journal.bak.1700000000000/000001.01JDDDDDDDDDDDDDDDDDDDDDD1.json"),
            Some(1)
        );
        assert_eq!(event_seq("tasks/x/result.json"), None);
        assert_eq!(
            event_type(b"{\n  \"type\": \"EFFECT_RESOLVED\",\n"),
            Some("EFFECT_RESOLVED".into())
        );
    }
}
