//! What a tool call would read into the agent's context beyond one named file, found on disk
//! within bounds: the files a search tool would search ([`Search`]: Claude Code's `Grep`, Gemini
//! CLI's `read_many_files` and `grep_search`, `grep -r` in a shell), the files a shell glob names
//! ([`expand_glob`]), and a file read in bounded pieces however large it is ([`read_in_pieces`]).
//!
//! Every walk here is bounded (files, directory entries, bytes and time), and says when a bound
//! cut it short, so that the guard asks rather than allows what it could not check: a read it
//! did not look at is never an all-clear. Nothing here writes, and nothing opens anything but a
//! regular file (opened non-blocking and checked on the handle, so a FIFO cannot hang a hook).

use crate::input::walk::open_nonblocking;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// At most this many files are judged for one search or one glob: past it, the guard asks.
pub const MAX_FILES: usize = 2_000;

/// At most this many directory entries are looked at for one glob or search.
const MAX_ENTRIES: usize = 20_000;

/// A set of files a tool would search, as ripgrep (which Claude Code's `Grep` runs) and Gemini
/// CLI's search tools choose them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    /// A directory (walked) or a file (searched whatever the ignore files say).
    pub root: PathBuf,
    /// ripgrep `--glob`s: a file must match one of those without `!` (when there is one) and
    /// none with `!`; they override the ignore files, as in ripgrep.
    pub globs: Vec<String>,
    /// ripgrep `--type` (`rust`, `py`): only files of that type. An unknown type is ignored
    /// (more files judged, never fewer).
    pub file_type: Option<String>,
    /// Honour `.gitignore`, `.ignore` and git's excludes (inside a git repository), as the
    /// tool does unless told not to.
    pub respect_ignores: bool,
}

impl Search {
    /// Every file below `root`, ignore files honoured.
    pub fn all(root: PathBuf) -> Self {
        Search {
            root,
            globs: Vec::new(),
            file_type: None,
            respect_ignores: true,
        }
    }
}

/// Files found by a bounded walk or glob, and whether a bound cut it short.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    pub files: Vec<PathBuf>,
    /// Why the listing is incomplete (a bound was reached), in words for the reason.
    pub cut_short: Option<String>,
}

/// The regular files `search` would search and the guard judges (not those `.leakgateignore`
/// lists), at most [`MAX_FILES`].
pub fn searched_files(search: &Search) -> Listing {
    let mut listing = Listing::default();
    let Ok(meta) = std::fs::metadata(&search.root) else {
        return listing;
    };
    if meta.is_file() {
        listing.files.push(search.root.clone());
        return listing;
    }
    if !meta.is_dir() {
        return listing;
    }
    let mut builder = ignore::WalkBuilder::new(&search.root);
    let respect = search.respect_ignores;
    builder
        // The tools search hidden files (`.env` is one) unless ignore files say otherwise;
        // judging them too can only ask more.
        .hidden(false)
        .follow_links(false)
        .git_ignore(respect)
        .git_global(respect)
        .git_exclude(respect)
        .ignore(respect)
        .parents(true)
        // What the project declared holds no real secret (fixtures) is not judged, as in a
        // tree scan; the tool reads it all the same.
        .add_custom_ignore_filename(crate::input::walk::LEAKGATE_IGNORE_FILE)
        .filter_entry(|entry| entry.file_name() != ".git");
    let mut overrides = ignore::overrides::OverrideBuilder::new(&search.root);
    for glob in &search.globs {
        // A glob the tool would reject makes it fail; one we cannot read is left out, so
        // more files are judged rather than fewer.
        let _ = overrides.add(glob);
    }
    if let Ok(overrides) = overrides.build() {
        builder.overrides(overrides);
    }
    if let Some(name) = &search.file_type {
        let mut types = ignore::types::TypesBuilder::new();
        types.add_defaults();
        types.select(name);
        if let Ok(types) = types.build() {
            builder.types(types);
        }
    }
    for (seen, entry) in builder.build().enumerate() {
        if seen >= MAX_ENTRIES || listing.files.len() >= MAX_FILES {
            listing.cut_short = Some(format!(
                "it would search more than {MAX_FILES} files or {MAX_ENTRIES} directory entries"
            ));
            break;
        }
        let Ok(entry) = entry else {
            continue;
        };
        if entry.file_type().is_some_and(|t| t.is_file()) {
            listing.files.push(entry.into_path());
        }
    }
    listing
}

/// Does `pattern` hold a glob character (`*`, `?`, `[`, or `{…,…}`) the shell would expand?
pub fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '['])
        || pattern
            .find('{')
            .is_some_and(|open| pattern[open..].contains(',') && pattern[open..].contains('}'))
}

/// The existing paths (files and directories) the shell glob `pattern` names, from `base` when
/// it is relative: `*`, `?`, `[…]` and `{a,b}` within a path component, `**` for any number of
/// directories; a leading `.` of a name matched only by a leading `.` of the pattern, as `sh`
/// does. At most [`MAX_FILES`] paths and [`MAX_ENTRIES`] directory entries.
pub fn expand_glob(base: &Path, pattern: &str) -> Listing {
    let mut listing = Listing::default();
    let (start, rest) = match pattern.strip_prefix('/') {
        Some(rest) => (PathBuf::from("/"), rest),
        None => (base.to_path_buf(), pattern),
    };
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    let mut budget = MAX_ENTRIES;
    let mut current = vec![start];
    for (index, part) in parts.iter().enumerate() {
        let last = index + 1 == parts.len();
        let mut next = Vec::new();
        for dir in &current {
            if !is_glob(part) {
                let path = dir.join(part);
                if path.symlink_metadata().is_ok() {
                    next.push(path);
                }
                continue;
            }
            if *part == "**" {
                // Any number of directories, this one included.
                descend(dir, &mut next, &mut budget);
                continue;
            }
            let Some(matcher) = component_matcher(part) else {
                continue;
            };
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for entry in entries.flatten() {
                if budget == 0 {
                    break;
                }
                budget -= 1;
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if name.starts_with('.') && !part.starts_with('.') {
                    continue;
                }
                if matcher.is_match(name.as_ref()) {
                    next.push(entry.path());
                }
            }
        }
        if !last {
            next.retain(|p| p.is_dir());
        }
        if budget == 0 || next.len() > MAX_FILES {
            listing.cut_short = Some(format!(
                "the pattern names more than {MAX_FILES} files or {MAX_ENTRIES} directory entries"
            ));
            next.truncate(MAX_FILES);
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    if parts.is_empty() {
        current.clear();
    }
    listing.files = current;
    listing
}

/// `dir` and every directory below it (not hidden ones, not through symlinks), into `out`.
fn descend(dir: &Path, out: &mut Vec<PathBuf>, budget: &mut usize) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        out.push(dir.clone());
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if *budget == 0 {
                return;
            }
            *budget -= 1;
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if !hidden && entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(entry.path());
            }
        }
    }
}

/// A matcher for one path component of a shell glob.
fn component_matcher(part: &str) -> Option<globset::GlobMatcher> {
    globset::GlobBuilder::new(part)
        .literal_separator(true)
        .backslash_escape(true)
        .empty_alternates(true)
        .build()
        .ok()
        .map(|glob| glob.compile_matcher())
}

/// How much one event may read to judge what it reads: bytes and a deadline. Past either, what
/// is left is unchecked and the guard asks.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub bytes_left: u64,
    pub deadline: Instant,
}

/// How reading a file in pieces ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every byte was given to the caller.
    Whole,
    /// The budget ran out after `read` of `size` bytes: the rest was not checked.
    Partial { read: u64, size: u64 },
    /// Not a regular file (a FIFO, a device, a directory): not opened further, not read.
    NotRegular,
}

/// Overlap between two pieces, so that a secret (a PEM block) across a piece boundary is
/// whole in one of them.
const OVERLAP: usize = 64 * 1024;

/// Read the regular file at `path` in pieces of at most `piece` bytes (plus the overlap),
/// giving each to `each` with the number of lines before it; the pieces overlap, so the same
/// finding may be seen twice (the caller drops repeats). A file no larger than `piece` is one
/// piece. Stops when `budget` runs out.
pub fn read_in_pieces(
    path: &Path,
    piece: u64,
    budget: &mut Budget,
    each: &mut dyn FnMut(&[u8], usize),
) -> std::io::Result<Outcome> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(Outcome::NotRegular);
    }
    let size = meta.len();
    let piece = piece.max(4 * OVERLAP as u64);
    let overlap = OVERLAP.min((piece / 4) as usize);
    let mut reader = file;
    let mut carry: Vec<u8> = Vec::new();
    let mut lines_before = 0usize;
    let mut read_total = 0u64;
    loop {
        if budget.bytes_left == 0 || Instant::now() >= budget.deadline {
            return Ok(Outcome::Partial {
                read: read_total,
                size: size.max(read_total),
            });
        }
        let want = piece.min(budget.bytes_left);
        let mut buffer = std::mem::take(&mut carry);
        let before = buffer.len();
        (&mut reader).take(want).read_to_end(&mut buffer)?;
        let got = (buffer.len() - before) as u64;
        read_total += got;
        budget.bytes_left = budget.bytes_left.saturating_sub(got);
        // The end of the file when less came than asked for (a file that grows while it is
        // read is judged as far as it was read).
        let at_end = got < want;
        if at_end && lines_before == 0 && read_total == got {
            // A file read whole in one piece: decoded (UTF-16) as a scan of it would be.
            match crate::input::text::decode(&buffer) {
                Some(text) => each(&text, 0),
                None => each(&buffer, 0),
            }
            return Ok(Outcome::Whole);
        }
        each(&buffer, lines_before);
        if at_end {
            return Ok(Outcome::Whole);
        }
        if got == 0 {
            return Ok(Outcome::Whole);
        }
        // Carry the last lines (about `overlap` bytes, from a line start) into the next piece.
        let cut = buffer.len().saturating_sub(overlap);
        let tail = match memchr::memrchr(b'\n', &buffer[..cut]) {
            Some(newline) => newline + 1,
            None => cut,
        };
        lines_before += memchr::memchr_iter(b'\n', &buffer[..tail]).count();
        carry = buffer.split_off(tail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in [
            ".env",
            ".env.local",
            "a.yml",
            "config/b.yml",
            "config/deep/c.yml",
            "notes.txt",
        ] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
            std::fs::write(path, "x\n").expect("write");
        }
        dir
    }

    fn names(listing: &Listing, base: &Path) -> Vec<String> {
        let mut names: Vec<String> = (listing.files.iter())
            .map(|p| p.strip_prefix(base).unwrap_or(p).display().to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn globs_expand_as_sh_does() {
        let dir = tree();
        let d = dir.path();
        assert_eq!(
            names(&expand_glob(d, ".en*"), d),
            vec![".env", ".env.local"]
        );
        assert_eq!(
            names(&expand_glob(d, "*"), d),
            vec!["a.yml", "config", "notes.txt"]
        );
        assert_eq!(
            names(&expand_glob(d, "config/*.yml"), d),
            vec!["config/b.yml"]
        );
        assert_eq!(
            names(&expand_glob(d, "**/*.yml"), d),
            vec!["a.yml", "config/b.yml", "config/deep/c.yml"]
        );
        assert_eq!(
            names(&expand_glob(d, ".env{,.local}"), d),
            vec![".env", ".env.local"]
        );
        assert!(expand_glob(d, "missing/*").files.is_empty());
    }

    #[test]
    fn a_search_honours_globs_over_ignore_files() {
        let dir = tree();
        let d = dir.path();
        std::fs::create_dir(d.join(".git")).expect("git dir");
        std::fs::write(d.join(".gitignore"), ".env*\n").expect("gitignore");
        let all = searched_files(&Search::all(d.to_path_buf()));
        assert!(!names(&all, d).contains(&".env".to_owned()), "ignored");
        let globbed = searched_files(&Search {
            globs: vec![".env".to_owned()],
            ..Search::all(d.to_path_buf())
        });
        assert_eq!(names(&globbed, d), vec![".env"]);
    }

    #[test]
    fn pieces_cover_the_whole_file_with_line_numbers() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("big.txt");
        let text: String = (1..=200_000).map(|n| format!("line {n}\n")).collect();
        std::fs::write(&path, &text).expect("write");
        let mut budget = Budget {
            bytes_left: u64::MAX,
            deadline: Instant::now() + std::time::Duration::from_secs(60),
        };
        let mut last_line_seen = 0;
        let mut pieces = 0;
        let outcome = read_in_pieces(&path, 300_000, &mut budget, &mut |data, before| {
            pieces += 1;
            let text = String::from_utf8_lossy(data);
            let first: usize = (text.lines().next().unwrap_or_default())
                .trim_start_matches("line ")
                .parse()
                .unwrap_or_default();
            assert_eq!(first, before + 1, "line numbers carry over");
            last_line_seen = before + text.lines().count();
        })
        .expect("read");
        assert_eq!(outcome, Outcome::Whole);
        assert!(pieces > 3);
        assert_eq!(last_line_seen, 200_000);

        let mut small = Budget {
            bytes_left: 500_000,
            ..budget
        };
        let partial = read_in_pieces(&path, 300_000, &mut small, &mut |_, _| {}).expect("read");
        assert!(matches!(partial, Outcome::Partial { .. }), "{partial:?}");
    }
}
