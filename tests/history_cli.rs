//! `scan --history` reads blobs from the object database in pack order and plans each blob's
//! first path and commit from trees walked once each. These tests build real repositories with
//! the real `git` and pin what that traversal must report: the earliest commit and path of each
//! secret through merges, renames, deletions and copies of ignored directories, refs that point
//! at trees and blobs, nothing unreachable, commit and tag messages, and clear failures for
//! partial clones.

mod common;

use common::*;

/// (path, commit id, provenance kind) of every finding, sorted.
fn found(messages: &[serde_json::Value]) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = findings(messages)
        .iter()
        .map(|f| {
            let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
            (
                text(&f["path"]),
                text(&f["provenance"]["commit"]["id"]),
                text(&f["provenance"]["kind"]),
            )
        })
        .collect();
    out.sort();
    out
}

fn at(path: &str, commit: &str, kind: &str) -> (String, String, String) {
    (path.to_owned(), commit.to_owned(), kind.to_owned())
}

/// Distinct regular-file blobs reachable from every ref, as git counts them.
fn reachable_blobs(repo: &TestRepo) -> usize {
    let listed = repo.git(&["rev-list", "--all", "--objects"]);
    let ids: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    ids.iter()
        .filter(|id| repo.git(&["cat-file", "-t", id]) == "blob")
        .count()
}

#[test]
fn merges_renames_and_deletions_report_each_secret_at_its_first_commit_and_path() {
    let repo = TestRepo::new();
    repo.write("README.md", "hello\n");
    repo.write("app.env", format!("DB_PASSWORD={}\n", password(1301)));
    let first = repo.commit_all("base");

    // A branch renames the file (same blob: not new) and adds another secret.
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.git(&["mv", "app.env", "settings.env"]);
    repo.write("feature.env", format!("API_TOKEN={}\n", password(1302)));
    let on_feature = repo.commit_all("feature");

    // main adds a secret and deletes it again: still history.
    repo.git(&["checkout", "-q", "main"]);
    repo.write("gone.env", format!("SECRET_KEY={}\n", password(1303)));
    let added = repo.commit_all("add");
    repo.git(&["rm", "-q", "gone.env"]);
    repo.commit_all("remove");

    // A merge whose resolution adds content of its own.
    repo.git(&["merge", "-q", "--no-ff", "--no-commit", "feature"]);
    repo.write("merge.env", format!("AUTH_SECRET={}\n", password(1304)));
    let merge = repo.commit_all("merge feature");

    let (code, messages) = repo.scan_json(&["scan", "--history"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(
        found(&messages),
        vec![
            at("app.env", &first, "commit"),
            at("feature.env", &on_feature, "commit"),
            at("gone.env", &added, "commit"),
            at("merge.env", &merge, "commit"),
        ]
    );
    // Every reachable blob once, plus the 5 commit messages.
    assert_eq!(
        summary(&messages)["files_scanned"],
        reachable_blobs(&repo) + 5
    );
    assert_eq!(summary(&messages)["commits"], 5);
    // Authors and dates are looked up for the findings.
    let finding = findings(&messages)[0];
    assert_eq!(
        finding["provenance"]["commit"]["author"],
        "Alice <alice@example.test>"
    );
    assert!(
        finding["provenance"]["commit"]["date"]
            .as_str()
            .is_some_and(|d| d.ends_with('Z')),
        "{finding}"
    );
}

#[test]
fn a_directory_ignored_at_one_path_is_scanned_where_it_is_copied() {
    let repo = TestRepo::new();
    repo.write(".leakgateignore", "conf/local.env\nvendor/\n");
    repo.write(
        "conf/local.env",
        format!("DB_PASSWORD={}\n", password(1311)),
    );
    repo.write("conf/other.txt", "x\n");
    repo.write("vendor/lib.env", format!("API_TOKEN={}\n", password(1312)));
    repo.commit_all("ignored");
    // The same `conf` tree (same id) at another path, and the vendored file outside vendor/.
    repo.git(&["read-tree", "--prefix=copy/", "HEAD:conf"]);
    repo.git(&["checkout", "-q", "--", "copy"]);
    std::fs::copy(
        repo.tree.child("vendor/lib.env"),
        repo.tree.child("src/lib.env"),
    )
    .or_else(|_| {
        std::fs::create_dir_all(repo.tree.child("src"))?;
        std::fs::copy(
            repo.tree.child("vendor/lib.env"),
            repo.tree.child("src/lib.env"),
        )
    })
    .expect("copy");
    let copied = repo.commit_all("copies");
    assert_eq!(
        repo.git(&["rev-parse", "HEAD:conf"]),
        repo.git(&["rev-parse", "HEAD:copy"])
    );

    let (code, messages) = repo.scan_json(&["scan", "--history"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(
        found(&messages),
        vec![
            at("copy/local.env", &copied, "commit"),
            at("src/lib.env", &copied, "commit"),
        ]
    );
}

/// HEAD's `.leakgateignore` files are read from the object database the blobs come from
/// (gitoxide, one mapping of the pack): a nested one applies below its directory only, a
/// directory (not a file) named `.leakgateignore` ignores nothing, and a history that
/// committed the ignored file long before HEAD's ignore file existed still follows HEAD's.
#[test]
fn nested_leakgateignore_files_at_head_judge_all_history() {
    let repo = TestRepo::new();
    repo.write(
        "deep/dir/local.env",
        format!("DB_PASSWORD={}\n", password(1321)),
    );
    repo.write(
        "other/local.env",
        format!("DB_PASSWORD={}\n", password(1322)),
    );
    repo.write(
        "odd/.leakgateignore/x",
        format!("API_TOKEN={}\n", password(1323)),
    );
    repo.write("odd/local.env", format!("DB_PASSWORD={}\n", password(1324)));
    let first = repo.commit_all("secrets");
    repo.write("deep/.leakgateignore", "dir/local.env\n");
    repo.commit_all("ignore one of them, later");

    let (code, messages) = repo.scan_json(&["scan", "--history"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(
        found(&messages),
        vec![
            at("odd/.leakgateignore/x", &first, "commit"),
            at("odd/local.env", &first, "commit"),
            at("other/local.env", &first, "commit"),
        ]
    );
}

#[test]
fn refs_to_trees_and_blobs_are_history_too() {
    let repo = TestRepo::new();
    repo.write("a.txt", "a\n");
    repo.commit_all("base");
    // A blob only a lightweight tag names.
    repo.write("loose.env", format!("API_TOKEN={}\n", password(1321)));
    let blob = repo.git(&["hash-object", "-w", "loose.env"]);
    repo.git(&["tag", "just-a-blob", &blob]);
    // A tree only an annotated tag names.
    repo.write("tree.env", format!("DB_PASSWORD={}\n", password(1322)));
    repo.git(&["add", "tree.env"]);
    let tree = repo.git(&["write-tree"]);
    repo.git(&["rm", "-q", "--cached", "tree.env"]);
    repo.git(&["tag", "-a", "a-tree", "-m", "a tree", &tree]);
    let tag = repo.git(&["rev-parse", "a-tree"]);
    std::fs::remove_file(repo.tree.child("loose.env")).expect("rm");
    std::fs::remove_file(repo.tree.child("tree.env")).expect("rm");

    let (code, messages) = repo.scan_json(&["scan", "--history"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(
        found(&messages),
        vec![
            at("refs/tags/just-a-blob", &blob, "commit"),
            at("tree.env", &tag, "commit"),
        ]
    );
    let tagged = findings(&messages)
        .into_iter()
        .find(|f| f["path"] == "tree.env")
        .expect("tree.env");
    assert_eq!(
        tagged["provenance"]["commit"]["author"],
        "Alice <alice@example.test>"
    );
}

#[test]
fn unreachable_objects_are_not_reported() {
    let repo = TestRepo::new();
    repo.write("a.txt", "a\n");
    repo.commit_all("base");
    // A commit that no ref reaches any more, and a blob no tree holds, packed and loose.
    repo.write("dropped.env", format!("API_TOKEN={}\n", password(1331)));
    repo.commit_all("dropped");
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    repo.git(&["reflog", "expire", "--expire=now", "--all"]);
    repo.write("dangling.env", format!("DB_PASSWORD={}\n", password(1332)));
    repo.git(&["hash-object", "-w", "dangling.env"]);
    repo.git(&["repack", "-a", "-d", "-k", "-q"]);
    repo.write("loose.env", format!("SECRET_KEY={}\n", password(1333)));
    repo.git(&["hash-object", "-w", "loose.env"]);
    for file in ["dangling.env", "loose.env"] {
        std::fs::remove_file(repo.tree.child(file)).expect("rm");
    }
    // The unreachable objects are in the object database.
    let unreachable = repo.git(&["fsck", "--unreachable", "--no-reflogs"]);
    assert!(
        unreachable.matches("unreachable blob").count() >= 3,
        "{unreachable}"
    );

    let (code, messages) = repo.scan_json(&["scan", "--history"]);
    assert_eq!(code, Some(0), "{messages:?}");
    assert_eq!(summary(&messages)["files_scanned"], 1 + 1);
}

#[test]
fn commit_and_tag_messages_are_scanned_and_never_echoed() {
    let repo = TestRepo::new();
    repo.write("a.txt", "a\n");
    repo.commit_all("base");
    repo.write("a.txt", "a2\n");
    repo.commit_all("more");
    let in_commit = fake("ghp_", 1341, 36, ALNUM);
    repo.write("b.txt", "b\n");
    let commit = repo.commit_all(&format!("deploy\n\nused token {in_commit} to test\n"));
    let in_tag = format!("DB_PASSWORD={}", password(1342));
    repo.git(&[
        "tag",
        "-a",
        "v1",
        "-m",
        &format!("release notes\n{in_tag}\n"),
    ]);
    let tag = repo.git(&["rev-parse", "v1"]);

    for args in [
        &["scan", "--history"][..],
        &["scan", "--range", "HEAD~1..HEAD"],
        &["scan", "--range", "HEAD~1..HEAD", "--per-commit"],
    ] {
        let output = repo
            .leakgate()
            .args(args)
            .args(["--format", "json"])
            .output()
            .expect("run");
        let messages = json_lines(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {messages:?}");
        assert_eq!(
            found(&messages),
            vec![
                at("(commit message)", &commit, "message"),
                at("(tag message)", &tag, "message"),
            ],
            "{args:?}"
        );
        let everything = [output.stdout.as_slice(), output.stderr.as_slice()].concat();
        let everything = String::from_utf8_lossy(&everything);
        assert!(!everything.contains(&in_commit), "{args:?} leaks a secret");
        assert!(
            !everything.contains(&in_tag[12..]),
            "{args:?} leaks a secret"
        );
        let message = findings(&messages)
            .into_iter()
            .find(|f| f["path"] == "(commit message)")
            .expect("commit message finding");
        assert_eq!(message["line"], 3);
        assert_eq!(message["provenance"]["object"], commit.as_str());
    }
    // A range that does not hold the commit does not report its message.
    let (code, messages) = repo.scan_json(&["scan", "--range", "HEAD~2..HEAD~1"]);
    assert_eq!(code, Some(0), "{messages:?}");
}

#[test]
fn a_commit_of_the_empty_tree_git_never_stored_is_history_not_an_error() {
    // `git commit-tree` of the empty tree stores no tree object (git knows it by its id, and
    // `git fsck` is content): such a commit removes everything, it is not a damaged clone.
    let repo = TestRepo::new();
    repo.write("a.env", format!("DB_PASSWORD={}\n", password(1501)));
    let first = repo.commit_all("one");
    let empty = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    let cleared = repo.git(&[
        "commit-tree",
        empty,
        "-p",
        "HEAD",
        "-m",
        "remove everything",
    ]);
    let stored = repo.git(&[
        "cat-file",
        "--batch-all-objects",
        "--batch-check=%(objectname)",
    ]);
    assert!(
        !stored.contains(empty),
        "the empty tree must not be stored for this test"
    );
    repo.git(&["update-ref", "refs/heads/main", &cleared]);
    let (code, messages) = repo.scan_json(&["scan", "--history"]);
    assert_eq!(code, Some(1), "{messages:?}");
    assert_eq!(found(&messages), vec![at("a.env", &first, "commit")]);
    assert_eq!(summary(&messages)["commits"], 2, "{:?}", summary(&messages));
}

#[test]
fn a_partial_clone_without_trees_is_an_error_not_an_all_clear() {
    let origin = TestRepo::new();
    origin.write("dir/a.env", format!("API_TOKEN={}\n", password(1351)));
    origin.commit_all("one");
    origin.write("dir/b.txt", "b\n");
    origin.commit_all("two");
    origin.git(&["config", "uploadpack.allowFilter", "true"]);
    let clones = Tree::new();
    let url = format!("file://{}", origin.path().display());
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--no-checkout", "--filter=tree:0", &url, "c"])
        .current_dir(clones.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", clones.path())
        .status()
        .expect("clone");
    assert!(status.success());
    let output = origin
        .leakgate()
        .current_dir(clones.child("c"))
        .env("HOME", clones.path())
        .args(["scan", "--history", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot read tree"), "{stderr}");
    assert!(stderr.contains("partial"), "{stderr}");
}

#[test]
fn a_shallow_clone_reports_what_it_has_and_warns() {
    let origin = TestRepo::new();
    origin.write("old.env", format!("API_TOKEN={}\n", password(1361)));
    origin.commit_all("old");
    origin.write("new.env", format!("DB_PASSWORD={}\n", password(1362)));
    let head = origin.commit_all("new");
    let clones = Tree::new();
    let url = format!("file://{}", origin.path().display());
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url, "shallow"])
        .current_dir(clones.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", clones.path())
        .status()
        .expect("clone");
    assert!(status.success());
    let run = run_json(
        origin
            .leakgate()
            .current_dir(clones.child("shallow"))
            .args(["scan", "--history"]),
    );
    assert_eq!(run.status, Some(1));
    // Both files are in the one commit the clone has: that commit is their earliest.
    assert_eq!(
        found(&run.messages),
        vec![
            at("new.env", &head, "commit"),
            at("old.env", &head, "commit")
        ]
    );
    assert!(
        run.of_type("warning").iter().any(|w| w["message"]
            .as_str()
            .is_some_and(|m| m.contains("shallow clone"))),
        "{:?}",
        run.messages
    );
}

/// A history large enough to be read in segments (each through its own mapping of the pack,
/// on every core): every blob is scanned once, wherever its segment, and each secret is
/// reported at its first commit.
#[test]
fn a_history_read_in_segments_scans_every_blob_once() {
    let repo = TestRepo::new();
    for i in 0..4600 {
        repo.write(&format!("d{}/f{i}.txt", i % 37), format!("line {i}\n"));
    }
    repo.write("a/first.env", format!("DB_PASSWORD={}\n", password(1331)));
    let first = repo.commit_all("many files");
    repo.write("z/second.env", format!("API_TOKEN={}\n", password(1332)));
    repo.write("d3/f3.txt", "changed\n");
    let second = repo.commit_all("more");
    repo.git(&["repack", "-adq"]);

    let (code, messages) = repo.scan_json(&["scan", "--history", "--threads", "2"]);
    assert_eq!(code, Some(1), "{:?}", summary(&messages));
    assert_eq!(
        found(&messages),
        vec![
            at("a/first.env", &first, "commit"),
            at("z/second.env", &second, "commit"),
        ]
    );
    // 4,600 + 1 files, then 2 more blobs; plus the 2 commit messages.
    assert_eq!(summary(&messages)["files_scanned"], 4601 + 2 + 2);
}

/// A history of `commits` commits written with `git fast-import` (thousands of commits in well
/// under a second): files edited, moved between directories, deleted and brought back with
/// old contents at new paths, a directory copied between an ignored and a scanned path, a side
/// branch merged back, and secrets added along the way (some coming back later elsewhere).
fn long_history(repo: &TestRepo, commits: u64) {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    let mut stream = String::new();
    let mut blobs: BTreeMap<String, u64> = BTreeMap::new();
    let mut mark = 0u64;
    let mut blob = |stream: &mut String, content: &str| -> u64 {
        if let Some(&known) = blobs.get(content) {
            return known;
        }
        mark += 1;
        let _ = write!(
            stream,
            "blob\nmark :{mark}\ndata {}\n{content}\n",
            content.len()
        );
        blobs.insert(content.to_owned(), mark);
        mark
    };
    let dirs = ["src/a", "src/b", "vendor/lib", "lib", "docs/deep/er"];
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let mut graveyard: Vec<String> = Vec::new();
    files.insert(".leakgateignore".into(), "vendor/\n*.log\n".into());
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut roll = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let mut heads: BTreeMap<&str, u64> = BTreeMap::new();
    let mut commit_marks = 1_000_000u64;
    for step in 0..commits {
        let seed = 10_000 + step;
        match roll(10) {
            0..=2 => {
                let path = format!("{}/f{}.conf", dirs[roll(5) as usize], roll(12));
                let mut text = files.get(&path).cloned().unwrap_or_default();
                let _ = writeln!(text, "setting_{step} = {}", roll(1000));
                if roll(8) == 0 {
                    let _ = writeln!(text, "DB_PASSWORD={}", password(seed));
                }
                files.insert(path, text);
            }
            3 => {
                let path = format!("logs/run{}.log", roll(3));
                files.insert(path, format!("API_TOKEN={}\n", password(seed)));
            }
            4 | 5 => {
                // A move to another directory.
                if let Some(path) = files.keys().nth(roll(files.len() as u64) as usize).cloned()
                    && path != ".leakgateignore"
                {
                    let text = files.remove(&path).unwrap_or_default();
                    let name = path.rsplit('/').next().unwrap_or("x").to_owned();
                    files.insert(format!("{}/{name}", dirs[roll(5) as usize]), text);
                }
            }
            6 => {
                if let Some(path) = files.keys().nth(roll(files.len() as u64) as usize).cloned()
                    && path != ".leakgateignore"
                    && let Some(text) = files.remove(&path)
                {
                    graveyard.push(text);
                }
            }
            7 => {
                // An old content back, at a new path.
                if !graveyard.is_empty() {
                    let text = graveyard[roll(graveyard.len() as u64) as usize].clone();
                    files.insert(format!("restored/r{step}.conf"), text);
                }
            }
            _ => {
                // The ignored directory copied where it is scanned (the same tree twice).
                let vendored: Vec<(String, String)> = (files.iter())
                    .filter(|(p, _)| p.starts_with("vendor/lib/"))
                    .map(|(p, t)| (p.replacen("vendor/lib/", "lib/", 1), t.clone()))
                    .collect();
                files.retain(|p, _| !p.starts_with("lib/"));
                files.extend(vendored);
            }
        }
        let branch = if roll(6) == 0 { "side" } else { "main" };
        let mut entries = String::new();
        for (path, text) in &files {
            let id = blob(&mut stream, text);
            let _ = writeln!(entries, "M 100644 :{id} {path}");
        }
        commit_marks += 1;
        let time = 1_600_000_000 + step * 60;
        let _ = write!(
            stream,
            "commit refs/heads/{branch}\nmark :{commit_marks}\ncommitter A <a@example.test> {time} +0000\ndata 9\nstep {:04}\n",
            step % 10_000
        );
        match (heads.get(branch), heads.get("main")) {
            (Some(own), _) => {
                let _ = writeln!(stream, "from :{own}");
                if branch == "main"
                    && let Some(side) = heads.get("side")
                    && roll(3) == 0
                {
                    let _ = writeln!(stream, "merge :{side}");
                }
            }
            (None, Some(main)) => {
                let _ = writeln!(stream, "from :{main}");
            }
            (None, None) => {}
        }
        let _ = write!(stream, "deleteall\n{entries}\n");
        heads.insert(branch, commit_marks);
    }
    let mut child = std::process::Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", repo.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("run git fast-import");
    use std::io::Write as _;
    (child.stdin.take().expect("stdin"))
        .write_all(stream.as_bytes())
        .expect("write the history");
    assert!(child.wait().expect("git fast-import").success());
    repo.git(&["checkout", "-q", "-f", "main"]);
}

/// (rule, secret, path, line, commit) of every finding, and how many files were scanned.
fn everything(repo: &TestRepo, args: &[&str]) -> (Vec<[String; 5]>, serde_json::Value) {
    let (code, messages) = repo.scan_json(args);
    assert_eq!(code, Some(1), "{:?}", summary(&messages));
    let mut out: Vec<[String; 5]> = findings(&messages)
        .iter()
        .map(|f| {
            let text = |v: &serde_json::Value| v.to_string();
            [
                text(&f["rule"]),
                text(&f["secret"]),
                text(&f["path"]),
                text(&f["line"]),
                text(&f["provenance"]["commit"]["id"]),
            ]
        })
        .collect();
    out.sort();
    (out, summary(&messages)["files_scanned"].clone())
}

#[test]
fn a_long_history_planned_on_several_threads_reports_what_one_thread_does() {
    // Enough commits that the trees are walked in parts on more than one thread.
    let repo = TestRepo::new();
    long_history(&repo, 3000);
    let middle = repo.git(&["rev-list", "--skip=1500", "-1", "main"]);
    for extra in [&[][..], &["--since", middle.as_str()][..]] {
        let run = |threads: &str| {
            let mut args = vec!["scan", "--history", "--show-secrets", "--threads", threads];
            args.extend_from_slice(extra);
            everything(&repo, &args)
        };
        let (one, files) = run("1");
        assert!(one.len() > 20, "the history plants secrets: {one:?}");
        for threads in ["2", "3"] {
            let (many, many_files) = run(threads);
            assert_eq!(many, one, "--threads {threads} {extra:?}");
            assert_eq!(many_files, files, "--threads {threads} {extra:?}");
        }
    }
}
