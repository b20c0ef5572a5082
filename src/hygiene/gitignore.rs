//! Would git ignore this path? Git's own semantics, from the same sources git reads: every
//! `.gitignore` from the repository root down to the path's directory (deeper files win, and
//! within a file the last matching line wins, `!` re-includes), then `.git/info/exclude`, then
//! the user's `core.excludesFile`. A path inside an ignored directory is ignored whatever a
//! later `!` says, as in git. Patterns are matched with the `ignore` crate's gitignore matcher;
//! the tests check every decision against `git check-ignore`.

use std::path::{Path, PathBuf};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Where an ignore decision came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A `.gitignore` in the repository (its path, relative to the root).
    Repo(String),
    /// `.git/info/exclude`: this clone only.
    InfoExclude,
    /// `core.excludesFile`: this user only (its path).
    Global(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Ignored(Source),
    NotIgnored,
}

/// The user's directories that locate git's default global excludes file.
#[derive(Debug, Clone, Default)]
pub struct UserDirs {
    pub home: Option<PathBuf>,
    pub xdg_config_home: Option<PathBuf>,
}

impl UserDirs {
    pub fn from_env() -> Self {
        let var = |name| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        UserDirs {
            home: var("HOME"),
            xdg_config_home: var("XDG_CONFIG_HOME"),
        }
    }
}

/// The ignore rules of one repository.
pub struct IgnoreRules {
    root: PathBuf,
    /// `.gitignore` files by the directory they sit in (relative to the root, "" for the root).
    per_dir: Vec<(String, Gitignore)>,
    info_exclude: Option<Gitignore>,
    global: Option<(PathBuf, Gitignore)>,
}

impl IgnoreRules {
    /// Load every `.gitignore` in the work tree (outside `.git`), `info/exclude`, and the global
    /// excludes file named by git's configuration (or git's default location).
    pub fn load(repo: &git2::Repository, user: &UserDirs) -> Option<Self> {
        Self::load_scoped(repo, user, true)
    }

    /// Like [`IgnoreRules::load`]; with `whole_tree` off, only the root `.gitignore` is read
    /// (no walk of the work tree: what a pre-commit hook can afford in a huge repository).
    pub fn load_scoped(repo: &git2::Repository, user: &UserDirs, whole_tree: bool) -> Option<Self> {
        let root = repo.workdir()?.to_path_buf();
        let mut per_dir = Vec::new();
        let walker = ignore::WalkBuilder::new(&root)
            .max_depth((!whole_tree).then_some(1))
            .standard_filters(false)
            .follow_links(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        for entry in walker.flatten() {
            if entry.file_name() == ".gitignore" && entry.file_type().is_some_and(|t| t.is_file()) {
                let dir = entry.path().parent().unwrap_or(&root);
                let mut builder = GitignoreBuilder::new(dir);
                builder.add(entry.path());
                if let Ok(matcher) = builder.build() {
                    let rel = dir
                        .strip_prefix(&root)
                        .unwrap_or(Path::new(""))
                        .to_string_lossy()
                        .replace('\\', "/");
                    per_dir.push((rel, matcher));
                }
            }
        }
        let info_exclude = load_file(&root, &repo.commondir().join("info").join("exclude"));
        let global = global_excludes_file(repo, user)
            .and_then(|file| load_file(&root, &file).map(|m| (file, m)));
        Some(IgnoreRules {
            root,
            per_dir,
            info_exclude,
            global,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Would git ignore `path` (relative to the root, `/`-separated)?
    pub fn decide(&self, path: &str, is_dir: bool) -> Decision {
        // An ignored parent directory ignores everything below it.
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        for depth in 1..parts.len() {
            let parent = parts[..depth].join("/");
            if let decision @ Decision::Ignored(_) = self.decide_one(&parent, true) {
                return decision;
            }
        }
        self.decide_one(path, is_dir)
    }

    /// The decision for one path, ignoring its parents: the deepest source with a match wins.
    fn decide_one(&self, path: &str, is_dir: bool) -> Decision {
        let absolute = self.root.join(path);
        let dir_of_path = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        let mut candidates: Vec<&(String, Gitignore)> = self
            .per_dir
            .iter()
            .filter(|(dir, _)| {
                dir.is_empty() || dir_of_path == dir || dir_of_path.starts_with(&format!("{dir}/"))
            })
            .collect();
        candidates.sort_by_key(|(dir, _)| std::cmp::Reverse(dir.len()));
        for (dir, matcher) in candidates {
            match matcher.matched(&absolute, is_dir) {
                Match::Ignore(_) => {
                    let file = if dir.is_empty() {
                        ".gitignore".to_owned()
                    } else {
                        format!("{dir}/.gitignore")
                    };
                    return Decision::Ignored(Source::Repo(file));
                }
                Match::Whitelist(_) => return Decision::NotIgnored,
                Match::None => {}
            }
        }
        if let Some(matcher) = &self.info_exclude {
            match matcher.matched(&absolute, is_dir) {
                Match::Ignore(_) => return Decision::Ignored(Source::InfoExclude),
                Match::Whitelist(_) => return Decision::NotIgnored,
                Match::None => {}
            }
        }
        if let Some((file, matcher)) = &self.global
            && let Match::Ignore(_) = matcher.matched(&absolute, is_dir)
        {
            return Decision::Ignored(Source::Global(file.clone()));
        }
        Decision::NotIgnored
    }
}

fn load_file(root: &Path, file: &Path) -> Option<Gitignore> {
    if !file.is_file() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(root);
    builder.add(file);
    builder.build().ok()
}

/// `core.excludesFile`, or git's default `$XDG_CONFIG_HOME/git/ignore` (`~/.config/git/ignore`).
fn global_excludes_file(repo: &git2::Repository, user: &UserDirs) -> Option<PathBuf> {
    if let Ok(config) = repo.config()
        && let Ok(path) = config.get_path("core.excludesFile")
    {
        return Some(path);
    }
    let config_home = user
        .xdg_config_home
        .clone()
        .or_else(|| user.home.as_ref().map(|home| home.join(".config")))?;
    Some(config_home.join("git").join("ignore"))
}
