//! Redacted copies of run data (`leakgate journal --redact-to DIR`): the same files, with every
//! finding's secret replaced by `[REDACTED:<rule>:<fingerprint>]`, and so is every other
//! occurrence of a found secret in any copied file (as written, decoded, or JSON-escaped), even
//! where no rule would find it (`echo $PASSWORD` expanded in a log): the copy's re-scan is a
//! check, not the safety net.
//!
//! The replacement is plain ASCII with no quote or backslash, and it replaces the secret's whole
//! raw span (escape sequences included), so a JSON string stays a valid JSON string; in a JSON
//! file an occurrence that would cut an escape or cross a string's quote is left to the re-scan.
//! Journal
//! events whose SDK checksum verified are given a fresh checksum, so the copy verifies too.
//! Originals are only read. Files that were not scanned (binary, too large) are not copied: a
//! copy meant for sharing must not carry what nobody looked at. `leakgate-redactions.json`
//! lists what was replaced.
//!
//! Where the copy goes is decided here, so that it can never land outside DIR or on an input:
//! - each input keeps its path when it lies below the current directory (`.a5c/runs/…` →
//!   `DIR/.a5c/runs/…`); any other input (absolute, or reached through `..`) goes under its own
//!   name (`../logs/s.jsonl` → `DIR/s.jsonl`, a second `logs` → `DIR/logs-2`), so neither an
//!   absolute path of the machine nor a `..` reaches the copy or its manifest;
//! - DIR must be new or empty, and neither inside an input nor holding one;
//! - the files are assembled in a hidden staging directory inside DIR ([`Staging`]) and moved
//!   into place only when the copy is complete (and, in `leakgate journal`, re-scanned clean);
//!   a failure leaves DIR as it was.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::checksum::{self, ChecksumVerdict};
use crate::finding::Finding;
use crate::input::display_path;
use crate::input::text::{self, Encoding};
use crate::mask::SecretForms;

/// Found secrets shorter than this are replaced only where they were found: a copy must not be
/// mangled by replacing a common short string everywhere.
const MIN_REPEAT_LEN: usize = 6;

/// The manifest written beside the copy. It names rules and fingerprints, never secrets.
pub const MANIFEST: &str = "leakgate-redactions.json";

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RedactError {
    #[error("{} is not empty", dir.display())]
    #[diagnostic(
        code(leakgate::journal::redact_target),
        help("give a directory that does not exist yet, or an empty one")
    )]
    NotEmpty { dir: PathBuf },

    #[error("{} is not a directory", dir.display())]
    #[diagnostic(
        code(leakgate::journal::redact_target),
        help("give a directory that does not exist yet, or an empty one")
    )]
    NotADirectory { dir: PathBuf },

    #[error("the redacted copy {} and the input {} overlap", dir.display(), input.display())]
    #[diagnostic(
        code(leakgate::journal::redact_overlap),
        help(
            "give a directory outside every input (and no input inside it): the copy must not be scanned, copied into itself or written over an original"
        )
    )]
    Overlaps { dir: PathBuf, input: PathBuf },

    #[error("the input {} has no name to give its copy", input.display())]
    #[diagnostic(
        code(leakgate::journal::redact_unnamed),
        help("name the run directories or .a5c folders inside it instead")
    )]
    Unnamed { input: PathBuf },

    #[error("two files would be copied to {path} in the redacted copy")]
    #[diagnostic(
        code(leakgate::journal::redact_collision),
        help("redact these inputs one at a time, each into its own directory")
    )]
    Collision { path: String },

    #[error("cannot write the redacted copy at {}", path.display())]
    #[diagnostic(code(leakgate::journal::redact_write))]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
        #[help]
        help: String,
    },
}

impl RedactError {
    fn write(path: &Path, source: std::io::Error) -> Self {
        RedactError::Write {
            path: path.to_owned(),
            help: crate::atomic::advice(&source),
            source,
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct RedactionManifest {
    pub replaced: Vec<Replacement>,
    /// Files left out of the copy, and why.
    pub not_copied: Vec<NotCopied>,
    /// Events whose checksum was recomputed after redaction.
    pub checksums_recomputed: Vec<String>,
    pub files_copied: usize,
}

#[derive(Debug, Serialize)]
pub struct Replacement {
    pub path: String,
    pub line: usize,
    pub rule: String,
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_pointer: Option<String>,
    /// `finding` where the scan found the secret, `repeat` for another occurrence of it.
    #[serde(rename = "match")]
    pub matched: Matched,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Matched {
    Finding,
    Repeat,
}

#[derive(Debug, Serialize)]
pub struct NotCopied {
    pub path: String,
    pub reason: String,
}

/// Refuse a target that could mix with anything: one that has content or is not a directory,
/// one inside an input (it would be copied into itself) or holding one (the copy could land on
/// an original). Called before anything is scanned or written.
pub fn check_target(dir: &Path, roots: &[PathBuf]) -> Result<(), RedactError> {
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => {
            return Err(RedactError::NotADirectory {
                dir: dir.to_owned(),
            });
        }
        Ok(_) => {
            let mut entries = std::fs::read_dir(dir).map_err(|e| RedactError::write(dir, e))?;
            if entries.next().is_some() {
                return Err(RedactError::NotEmpty {
                    dir: dir.to_owned(),
                });
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(RedactError::write(dir, e)),
    }
    let target = real_path(dir);
    for root in roots {
        let Ok(input) = std::fs::canonicalize(root) else {
            continue;
        };
        if target.starts_with(&input) || input.starts_with(&target) {
            return Err(RedactError::Overlaps {
                dir: dir.to_owned(),
                input: root.clone(),
            });
        }
    }
    Ok(())
}

/// Where `path` is or would be: its deepest existing ancestor resolved by the file system (so
/// symlinks and `..` count as the kernel sees them), then the rest of it.
fn real_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut rest = Vec::new();
    let mut at = absolute.as_path();
    loop {
        if let Ok(real) = std::fs::canonicalize(at) {
            let mut out = real;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(name) => out.push(name),
                    _ => {}
                }
            }
            return out;
        }
        match (at.parent(), at.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                at = parent;
            }
            _ => return absolute,
        }
    }
}

/// A redacted copy being assembled: a hidden directory inside DIR (so the final moves stay on
/// one file system, even when DIR is a mount point). [`Staging::publish`] moves its content
/// into DIR; dropped unpublished, it is removed, with DIR itself if this created it.
pub struct Staging {
    dir: PathBuf,
    temp: Option<tempfile::TempDir>,
    /// Directories created for DIR, deepest first: removed again if the copy is abandoned.
    created: Vec<PathBuf>,
}

impl Staging {
    pub fn begin(dir: &Path) -> Result<Self, RedactError> {
        let mut created = Vec::new();
        let mut missing = Some(dir);
        while let Some(at) = missing.filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            created.push(at.to_owned());
            missing = at.parent();
        }
        let mut staging = Staging {
            dir: dir.to_owned(),
            temp: None,
            created,
        };
        std::fs::create_dir_all(dir).map_err(|e| RedactError::write(dir, e))?;
        let temp = tempfile::Builder::new()
            .prefix(".leakgate-partial-")
            .tempdir_in(dir)
            .map_err(|e| RedactError::write(dir, e))?;
        staging.temp = Some(temp);
        Ok(staging)
    }

    /// Where the files go until published.
    pub fn path(&self) -> &Path {
        self.temp.as_ref().map_or(self.dir.as_path(), |t| t.path())
    }

    /// Move the finished copy into DIR, the manifest last (its presence means the copy is
    /// complete). On failure, what was moved goes back and DIR is left as it was.
    pub fn publish(mut self) -> Result<(), RedactError> {
        let staged = self.path().to_owned();
        let mut names: Vec<std::ffi::OsString> = std::fs::read_dir(&staged)
            .map_err(|e| RedactError::write(&self.dir, e))?
            .map(|entry| entry.map(|e| e.file_name()))
            .collect::<Result<_, _>>()
            .map_err(|e| RedactError::write(&self.dir, e))?;
        names.sort_by_key(|name| name.as_os_str() == MANIFEST);
        let mut moved = Vec::new();
        for name in names {
            let to = self.dir.join(&name);
            // A link never replaces what is there; rename would, so look first.
            let result = if std::fs::symlink_metadata(&to).is_ok() {
                Err(std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "something appeared in the target directory while the copy was written",
                ))
            } else {
                std::fs::rename(staged.join(&name), &to)
            };
            if let Err(e) = result {
                for name in moved.iter().rev() {
                    let _ = std::fs::rename(self.dir.join(name), staged.join(name));
                }
                return Err(RedactError::write(&to, e));
            }
            moved.push(name);
        }
        if let Some(temp) = self.temp.take() {
            temp.close().map_err(|e| RedactError::write(&staged, e))?;
        }
        self.created.clear();
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            let _ = temp.close();
        }
        for dir in &self.created {
            // Only empty directories go: nothing anyone else put there is removed.
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Where each input root goes inside the copy (see the module documentation).
fn copy_bases(roots: &[PathBuf]) -> Result<Vec<PathBuf>, RedactError> {
    let cwd = std::env::current_dir().ok();
    let below_cwd = |root: &Path| -> Option<PathBuf> {
        let relative = if root.is_absolute() {
            root.strip_prefix(cwd.as_deref()?).ok()?
        } else {
            root
        };
        let mut out = PathBuf::new();
        for part in relative.components() {
            match part {
                Component::CurDir => {}
                Component::Normal(name) => out.push(name),
                // `..` that climbs out, or any root: not below the current directory.
                Component::ParentDir if out.pop() => {}
                _ => return None,
            }
        }
        Some(out)
    };
    let mut bases: Vec<Option<PathBuf>> = roots.iter().map(|r| below_cwd(r)).collect();
    let mut taken: std::collections::HashSet<std::ffi::OsString> = bases
        .iter()
        .flatten()
        .filter_map(|b| b.components().next())
        .map(|c| c.as_os_str().to_owned())
        .collect();
    let mut named: Vec<(PathBuf, PathBuf)> = Vec::new();
    for (root, base) in roots.iter().zip(bases.iter_mut()) {
        if base.is_some() {
            continue;
        }
        let real = std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
        if let Some((_, same)) = named.iter().find(|(r, _)| *r == real) {
            *base = Some(same.clone());
            continue;
        }
        let name = real
            .file_name()
            .ok_or_else(|| RedactError::Unnamed {
                input: root.clone(),
            })?
            .to_owned();
        let mut candidate = name.clone();
        let mut n = 2;
        while taken.contains(&candidate) {
            candidate = name.clone();
            candidate.push(format!("-{n}"));
            n += 1;
        }
        taken.insert(candidate.clone());
        named.push((real, PathBuf::from(&candidate)));
        *base = Some(PathBuf::from(candidate));
    }
    Ok(bases.into_iter().flatten().collect())
}

/// Copy every regular file under `roots` into `target` (a [`Staging`] directory; each root at
/// its place in `places`, else from `copy_bases`), redacting `findings`. `unscanned` names the files that were not
/// scanned, by their shown path. The manifest names files by their place in the copy.
pub fn write_copy(
    roots: &[PathBuf],
    places: Option<Vec<PathBuf>>,
    target: &Path,
    findings: &[Finding],
    unscanned: &HashMap<String, String>,
) -> Result<RedactionManifest, RedactError> {
    let mut by_path: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for finding in findings {
        by_path
            .entry(finding.path.as_str())
            .or_default()
            .push(finding);
    }
    let mut manifest = RedactionManifest::default();
    let (forms, owners) = secret_forms(roots, &by_path);
    // Each file's place in the copy, and where it came from: one place, one source.
    let mut placed: HashMap<PathBuf, PathBuf> = HashMap::new();
    let bases = match places {
        Some(places) => places,
        None => copy_bases(roots)?,
    };
    for (root, base) in roots.iter().zip(bases) {
        let walker = ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .follow_links(false)
            .build();
        for entry in walker.flatten() {
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let shown = display_path(entry.path());
            let Some(copied) = place_in_copy(&base, root, entry.path()) else {
                return Err(RedactError::Unnamed {
                    input: root.clone(),
                });
            };
            let copied_as = display_path(&copied);
            match placed.get(&copied) {
                // The same file reached from two overlapping inputs: copied once.
                Some(source) if source == entry.path() => continue,
                Some(_) => return Err(RedactError::Collision { path: copied_as }),
                None if copied_as == MANIFEST => {
                    return Err(RedactError::Collision { path: copied_as });
                }
                None => {
                    placed.insert(copied.clone(), entry.path().to_owned());
                }
            }
            if let Some(reason) = unscanned.get(&shown) {
                manifest.not_copied.push(NotCopied {
                    path: copied_as,
                    reason: reason.clone(),
                });
                continue;
            }
            let Ok(original) = std::fs::read(entry.path()) else {
                manifest.not_copied.push(NotCopied {
                    path: copied_as,
                    reason: "unreadable".into(),
                });
                continue;
            };
            // Findings' spans are offsets in the text the scanner saw (UTF-16 decoded, a BOM
            // dropped): redact that text, and write it back in the file's own encoding.
            let encoding = Encoding::sniff(&original);
            let decoded = match encoding {
                Encoding::Plain => None,
                _ => text::decode(&original).map(std::borrow::Cow::into_owned),
            };
            let scanned = decoded.as_deref().unwrap_or(&original);
            let in_file = by_path.get(shown.as_str()).map_or(&[][..], Vec::as_slice);
            let (mut content, replaced) = redact(scanned, in_file, (&forms, &owners), &copied_as);
            let changed = !replaced.is_empty();
            manifest.replaced.extend(replaced);
            if changed
                && let ChecksumVerdict::Valid { .. } = checksum::verify_event(&original)
                && let Some(body) = strip_checksum(&content)
            {
                content = checksum::append_checksum(&body);
                manifest.checksums_recomputed.push(copied_as.clone());
            }
            if decoded.is_some() {
                content = if changed {
                    encoding.encode(&content)
                } else {
                    original
                };
            }
            write_new(&target.join(&copied), &content)?;
            manifest.files_copied += 1;
        }
    }
    manifest
        .replaced
        .sort_by(|a, b| (&a.path, a.line, &a.rule).cmp(&(&b.path, b.line, &b.rule)));
    let text = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    write_new(&target.join(MANIFEST), &text)?;
    Ok(manifest)
}

/// Which finding a found secret came from: its marker names it.
struct Owner {
    rule: String,
    fingerprint: String,
}

impl Owner {
    fn marker(&self) -> String {
        format!("[REDACTED:{}:{}]", self.rule, self.fingerprint)
    }
}

/// Every form of every secret found under the copied roots (the secret's raw bytes from its
/// file, and their JSON-decoded text), each owned by the finding it came from. Found before any
/// file is copied, so a secret found in one file is replaced in every other.
fn secret_forms(
    roots: &[PathBuf],
    by_path: &HashMap<&str, Vec<&Finding>>,
) -> (SecretForms, Vec<Owner>) {
    let mut secrets: Vec<(Vec<u8>, usize)> = Vec::new();
    let mut owners = Vec::new();
    for root in roots {
        let walker = ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .follow_links(false)
            .build();
        for entry in walker.flatten() {
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let Some(found) = by_path.get(display_path(entry.path()).as_str()) else {
                continue;
            };
            let Ok(raw_content) = std::fs::read(entry.path()) else {
                continue;
            };
            // Spans are offsets in the text the scanner saw: decoded (UTF-16, BOM dropped).
            let Some(content) = crate::input::text::decode(&raw_content) else {
                continue;
            };
            for finding in found
                .iter()
                .filter(|f| f.kind != crate::rules::RuleKind::Policy)
            {
                let Some(raw) = content.get(finding.span.0..finding.span.1) else {
                    continue;
                };
                let owner = owners.len();
                owners.push(Owner {
                    rule: finding.rule.clone(),
                    fingerprint: finding.fingerprint.clone(),
                });
                let decoded = crate::scan::json::decode_nested(raw).0;
                if decoded != raw {
                    secrets.push((decoded, owner));
                }
                secrets.push((raw.to_vec(), owner));
            }
        }
    }
    let forms = SecretForms::new(
        secrets.iter().map(|(s, owner)| (s.as_slice(), *owner)),
        MIN_REPEAT_LEN,
    );
    (forms, owners)
}

/// `original` with each finding's span and each other occurrence of a found secret replaced by
/// a marker, and what was replaced: one entry per finding, and one per repeat that no finding
/// covers.
fn redact(
    original: &[u8],
    in_file: &[&Finding],
    (forms, owners): (&SecretForms, &[Owner]),
    shown: &str,
) -> (Vec<u8>, Vec<Replacement>) {
    /// A range to replace: a finding's span, or a repeat of the secret of `owners[owner]`.
    enum Source<'f> {
        Finding(&'f Finding),
        Repeat(usize),
    }
    let mut cuts: Vec<(usize, usize, Source<'_>)> = in_file
        .iter()
        .filter(|f| f.span.0 < f.span.1 && f.span.1 <= original.len())
        .map(|f| (f.span.0, f.span.1, Source::Finding(f)))
        .collect();
    let json = crate::scan::json::json_kind(shown).is_some();
    for found in forms.occurrences(original) {
        if !(json && cuts_json_token(original, found.start, found.end)) {
            cuts.push((found.start, found.end, Source::Repeat(found.owner)));
        }
    }
    // At one start, the longest first, and a finding before a repeat (it names the marker).
    cuts.sort_by_key(|(start, end, source)| {
        (
            *start,
            std::cmp::Reverse(*end),
            matches!(source, Source::Repeat(_)),
        )
    });

    let mut out = Vec::with_capacity(original.len());
    let mut replaced = Vec::new();
    let mut cursor = 0;
    let mut lines = (0, 1);
    let mut i = 0;
    while i < cuts.len() {
        let start = cuts[i].0;
        let mut end = cuts[i].1;
        let mut j = i + 1;
        // Overlapping ranges are replaced as one: none may show through another.
        while j < cuts.len() && cuts[j].0 < end {
            end = end.max(cuts[j].1);
            j += 1;
        }
        let group = &cuts[i..j];
        let marker = match &group[0].2 {
            Source::Finding(f) => format!("[REDACTED:{}:{}]", f.rule, f.fingerprint),
            Source::Repeat(owner) => owners
                .get(*owner)
                .map_or_else(|| crate::mask::REDACTED.to_owned(), Owner::marker),
        };
        out.extend_from_slice(&original[cursor..start]);
        out.extend_from_slice(marker.as_bytes());
        lines.1 += memchr::memchr_iter(b'\n', &original[lines.0..start]).count();
        lines.0 = start;
        let mut named = false;
        for (_, _, source) in group {
            if let Source::Finding(finding) = source {
                named = true;
                replaced.push(Replacement {
                    path: shown.to_owned(),
                    line: finding.line,
                    rule: finding.rule.clone(),
                    fingerprint: finding.fingerprint.clone(),
                    json_pointer: finding.json_pointer.clone(),
                    matched: Matched::Finding,
                });
            }
        }
        if !named
            && let Source::Repeat(owner) = group[0].2
            && let Some(owner) = owners.get(owner)
        {
            replaced.push(Replacement {
                path: shown.to_owned(),
                line: lines.1,
                rule: owner.rule.clone(),
                fingerprint: owner.fingerprint.clone(),
                json_pointer: None,
                matched: Matched::Repeat,
            });
        }
        cursor = end;
        i = j;
    }
    out.extend_from_slice(&original[cursor..]);
    (out, replaced)
}

/// Would replacing `start..end` of a JSON file cut an escape sequence in two or take away a
/// string's quote or a line break (so the copy would no longer parse)?
fn cuts_json_token(data: &[u8], start: usize, end: usize) -> bool {
    let backslashes_before =
        |at: usize| data[..at].iter().rev().take_while(|b| **b == b'\\').count();
    if backslashes_before(start) % 2 == 1 || backslashes_before(end) % 2 == 1 {
        return true;
    }
    (start..end).any(|i| match data[i] {
        b'"' => backslashes_before(i) % 2 == 0,
        b'\n' | b'\r' => true,
        _ => false,
    })
}

/// A file's place in the copy: `base` joined with its path below `root`, each name made safe as
/// integrity messages show it (a credential-shaped run masked, control characters escaped), so
/// a secret used as a file name does not reach the copy's file names or its manifest. `None`
/// unless every part is a plain name, so nothing can climb out of the copy or name an absolute
/// path.
fn place_in_copy(base: &Path, root: &Path, file: &Path) -> Option<PathBuf> {
    let below = file.strip_prefix(root).ok()?;
    let safe = |part: Component<'_>| match part {
        Component::Normal(name) => {
            let name = name.to_string_lossy();
            let shown = super::verify::safe_name(&name);
            if shown == name {
                part.as_os_str().to_owned()
            } else {
                shown.into()
            }
        }
        other => other.as_os_str().to_owned(),
    };
    let place: PathBuf = base
        .components()
        .map(|part| part.as_os_str().to_owned())
        .chain(below.components().map(safe))
        .collect();
    let plain = place
        .components()
        .all(|part| matches!(part, Component::Normal(_)));
    (plain && !place.as_os_str().is_empty()).then_some(place)
}

/// The event text without its trailing `,\n  "checksum": "<hex>"\n}\n`, as `…\n}\n`. A copy
/// with CRLF endings (a git autocrlf checkout) or no final newline is normalised to the SDK's
/// layout first, so the recomputed checksum verifies.
fn strip_checksum(content: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8(content.to_vec())
        .ok()?
        .replace("\r\n", "\n");
    let at = text.rfind(",\n  \"checksum\": \"")?;
    let tail = &text[at..];
    let hex = tail.strip_prefix(",\n  \"checksum\": \"")?;
    let hex = hex
        .strip_suffix("\"\n}\n")
        .or_else(|| hex.strip_suffix("\"\n}"))?;
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| format!("{}\n}}\n", &text[..at]).into_bytes())
}

/// Write one file of the copy. It must be new: the staging directory is fresh, so anything
/// already there (a link planted to lead the copy elsewhere) is refused, never followed.
fn write_new(path: &Path, content: &[u8]) -> Result<(), RedactError> {
    let options = crate::atomic::WriteOptions {
        existing: crate::atomic::Existing::Refuse,
        create_parents: true,
        ..crate::atomic::WriteOptions::default()
    };
    crate::atomic::write(path, content, &options).map_err(|source| RedactError::write(path, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_checksum_leaves_the_sdk_body() {
        let body = "{\n  \"type\": \"X\"\n}\n";
        let full = checksum::append_checksum(body.as_bytes());
        assert_eq!(strip_checksum(&full).as_deref(), Some(body.as_bytes()));
        assert_eq!(strip_checksum(b"{}\n"), None);
        let crlf = String::from_utf8(full.clone())
            .expect("utf-8")
            .replace('\n', "\r\n");
        assert_eq!(
            strip_checksum(crlf.as_bytes()).as_deref(),
            Some(body.as_bytes()),
            "CRLF copies are normalised"
        );
    }
}
