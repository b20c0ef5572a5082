//! `scan --history` scans each later version of a file only around what changed since the
//! version before it at that path (`Scanner::scan_since`). These tests hold it to the meaning of
//! a history scan: every secret that a scan of some commit's files finds is reported, at the
//! earliest such commit, and nothing else. The oracle is leakgate's own tree scan of each
//! commit's checkout; the histories are real repositories built with the real `git`: random
//! edits to large files (inserted, deleted, moved and edited lines, PEM keys edited in their
//! middle, paired secrets whose partner comes later, allow comments removed), and targeted
//! cases for each thing a window must not miss.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;

/// (rule, secret) of every finding of a `--show-secrets` scan, with the commit it names.
fn secrets(messages: &[serde_json::Value]) -> BTreeMap<(String, String), String> {
    findings(messages)
        .iter()
        .map(|f| {
            let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
            (
                (text(&f["rule"]), text(&f["secret"])),
                text(&f["provenance"]["commit"]["id"]),
            )
        })
        .collect()
}

/// The oracle: each secret a tree scan of some commit's checkout finds, with the first commit
/// (of `commits`, oldest first) whose scan finds it.
fn expected(repo: &TestRepo, commits: &[String]) -> BTreeMap<(String, String), String> {
    let mut first = BTreeMap::new();
    for commit in commits {
        repo.git(&["checkout", "-q", "--detach", commit]);
        let (code, messages) = repo.scan_json(&["scan", "--show-secrets", "."]);
        assert!(matches!(code, Some(0 | 1)), "{messages:?}");
        for (key, _) in secrets(&messages) {
            first.entry(key).or_insert_with(|| commit.clone());
        }
    }
    repo.git(&["checkout", "-q", "main"]);
    first
}

/// What `scan --history` reports, checked to be what the tree scans of every commit found.
fn assert_history_matches_tree_scans(repo: &TestRepo, commits: &[String]) {
    let want = expected(repo, commits);
    let (code, messages) = repo.scan_json(&["scan", "--history", "--show-secrets"]);
    assert!(matches!(code, Some(0 | 1)), "{messages:?}");
    let got = secrets(&messages);
    let missing: Vec<_> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "history missed {missing:?} and reported {extra:?} that no commit's scan finds"
    );
    for (key, commit) in &want {
        let position = |c: &String| commits.iter().position(|x| x == c);
        assert_eq!(
            position(&got[key]),
            position(commit),
            "{key:?} is reported at the wrong commit"
        );
    }
}

/// Filler lines: text without secrets, so that files are well past the size below which
/// versions are scanned whole.
fn filler(seed: u64, lines: usize) -> Vec<String> {
    (0..lines)
        .map(|i| {
            format!(
                "# note {i}: {} {}",
                random(seed * 1000 + i as u64, 12, LETTERS),
                "the quick brown fox jumps over the lazy dog"
            )
        })
        .collect()
}

fn aws_key_id(seed: u64) -> String {
    format!("AKIA{}", random(seed, 16, UPPER32))
}

fn aws_secret(seed: u64) -> String {
    random(seed, 40, BASE64)
}

/// A small deterministic generator for the random edits.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// One random edit of `lines`: what it adds is made from `seed`.
fn edit(lines: &mut Vec<String>, dice: &mut Dice, seed: u64) {
    let at = dice.below(lines.len() + 1);
    match dice.below(10) {
        // A new secret, sometimes under an allow comment.
        0 => lines.insert(at, format!("DB_PASSWORD={}", password(seed))),
        1 => {
            lines.insert(at, format!("API_TOKEN={}", password(seed)));
            lines.insert(at, "# leakgate:allow-next-line".to_owned());
        }
        // An allow comment removed: what it allowed is found from now on.
        2 => {
            if let Some(i) = lines.iter().position(|l| l.contains("leakgate:allow")) {
                lines.remove(i);
            }
        }
        // A PEM key, or a line in the middle of one edited (a new key).
        3 => {
            let pem = fake_pem(seed);
            for (i, line) in pem.lines().enumerate() {
                lines.insert(at + i, line.to_owned());
            }
        }
        4 => {
            let bodies: Vec<usize> = (1..lines.len().saturating_sub(1))
                .filter(|&i| lines[i - 1].starts_with("-----BEGIN") || lines[i].len() == 64)
                .collect();
            if !bodies.is_empty() {
                let i = bodies[dice.below(bodies.len())];
                lines[i] = random(seed, 64, BASE64);
            }
        }
        // Half of an AWS pair: the other half may come near it in a later commit.
        5 => lines.insert(at, format!("key_id = \"{}\"", aws_key_id(seed % 4))),
        6 => lines.insert(at, format!("secret = (\"{}\")", aws_secret(seed))),
        // Lines deleted, moved, or edited.
        7 => {
            let n = dice.below(4) + 1;
            let at = at.min(lines.len().saturating_sub(n));
            lines.drain(at..(at + n).min(lines.len()));
        }
        8 => {
            let from = dice.below(lines.len());
            let n = (dice.below(30) + 1).min(lines.len() - from);
            let block: Vec<String> = lines.drain(from..from + n).collect();
            let to = dice.below(lines.len() + 1);
            for (i, line) in block.into_iter().enumerate() {
                lines.insert(to + i, line);
            }
        }
        _ => {
            let i = dice.below(lines.len());
            lines[i].push_str(" (edited)");
        }
    }
}

#[test]
fn history_of_random_edits_reports_what_tree_scans_of_each_commit_find() {
    let repo = TestRepo::new();
    let mut dice = Dice(0x5eed_1234_abcd_0001);
    // Two large files edited in turns (more versions than one worker's unit of versions), and
    // a small one scanned whole each time.
    let mut files = [
        ("conf/settings.conf", filler(1, 700)),
        ("src/app.py", filler(2, 400)),
        ("notes.txt", filler(3, 20)),
    ];
    let mut commits = Vec::new();
    for (path, lines) in &files {
        repo.write(path, lines.join("\n") + "\n");
    }
    commits.push(repo.commit_all("start"));
    for round in 0..90u64 {
        let (path, lines) = &mut files[dice.below(3)];
        for k in 0..=dice.below(3) as u64 {
            edit(lines, &mut dice, 5000 + round * 10 + k);
        }
        repo.write(path, lines.join("\n") + "\n");
        commits.push(repo.commit_all(&format!("edit {round}")));
    }
    assert_history_matches_tree_scans(&repo, &commits);
}

/// A large file of filler with `extra` lines at their (0-based) line numbers, in order.
fn large_file(extra: &[(usize, String)]) -> String {
    let mut lines = filler(7, 800);
    for (at, line) in extra {
        lines.insert(*at, line.clone());
    }
    lines.join("\n") + "\n"
}

#[test]
fn a_key_edited_in_its_middle_in_a_large_file_is_a_new_key() {
    let repo = TestRepo::new();
    // A 4096-bit key: 50 body lines, more than the lines around a change a window reads.
    let mut body: Vec<String> = (0..50).map(|i| random(710 + i, 64, BASE64)).collect();
    let with_key = |body: &[String]| {
        let mut lines = filler(7, 800);
        let key = std::iter::once("-----BEGIN RSA PRIVATE KEY-----".to_owned())
            .chain(body.iter().cloned())
            .chain(std::iter::once("-----END RSA PRIVATE KEY-----".to_owned()));
        for (i, line) in key.enumerate() {
            lines.insert(400 + i, line);
        }
        lines.join("\n") + "\n"
    };
    repo.write("deploy/keys.txt", with_key(&body));
    let first = repo.commit_all("key");
    // One line 40 lines below the BEGIN line changes: a different key.
    body[39] = random(72, 64, BASE64);
    repo.write("deploy/keys.txt", with_key(&body));
    let second = repo.commit_all("another key");
    assert_history_matches_tree_scans(&repo, &[first, second.clone()]);
    let (_, messages) = repo.scan_json(&["scan", "--history", "--show-secrets"]);
    let found = secrets(&messages);
    assert_eq!(found.len(), 2, "two different keys: {messages:?}");
    assert!(found.values().any(|c| *c == second), "{found:?}");
}

#[test]
fn a_short_multi_line_match_opened_by_a_keyword_far_above_is_found_where_it_changes() {
    // `kubeadm` 200 lines up opens the region in which a bootstrap token's line matches (a
    // tree scan finds it there); 600 lines up (over 32 KiB) it opens none that reach it.
    let repo = TestRepo::new();
    let lower = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let token = |seed: u64| {
        format!(
            "token: {}.{}",
            random(seed, 6, lower),
            random(seed + 1, 16, lower)
        )
    };
    let near = |extra: &[(usize, String)]| {
        let mut lines = vec![(100, "kubeadm join 10.0.0.1:6443".to_owned())];
        lines.extend_from_slice(extra);
        large_file(&lines)
    };
    let far = |extra: &[(usize, String)]| {
        let mut lines = vec![(10, "kubeadm join 10.0.0.1:6443".to_owned())];
        lines.extend_from_slice(extra);
        large_file(&lines)
    };
    repo.write("ops/near.txt", near(&[]));
    repo.write("ops/far.txt", far(&[]));
    let first = repo.commit_all("join commands");
    repo.write("ops/near.txt", near(&[(300, token(610))]));
    repo.write("ops/far.txt", far(&[(700, token(620))]));
    let second = repo.commit_all("tokens far below");
    let commits = [first, second.clone()];
    let want = expected(&repo, &commits);
    assert!(
        want.keys()
            .any(|(rule, _)| rule == "kubernetes-bootstrap-token"),
        "a tree scan finds the token below its keyword: {want:?}"
    );
    assert_history_matches_tree_scans(&repo, &commits);
}

#[test]
fn a_keyword_added_above_another_leaves_what_the_lower_one_opens_as_it_was() {
    // A tree scan: each `kubeadm` opens 32 KiB from its own line, so a token 400 lines below
    // the lower one stays a bootstrap token when another `kubeadm` is added 100 lines above
    // it (that one's region ends before the token). It used to open nothing of its own inside
    // the upper one's region, and the token became another rule's finding.
    let repo = TestRepo::new();
    let lower = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let token = format!(
        "token: {}.{}",
        random(630, 6, lower),
        random(631, 16, lower)
    );
    let line =
        |i: usize| format!("filler line {i:04} lorem ipsum dolor sit amet consectetur adipiscing");
    let mut lines: Vec<String> = (0..200).map(line).collect();
    lines.push("# kubeadm join setup".to_owned());
    lines.extend((200..600).map(line));
    lines.push(token.clone());
    lines.extend((600..700).map(line));
    repo.write("ops/notes.txt", lines.join("\n") + "\n");
    let first = repo.commit_all("one kubeadm");
    lines.insert(100, "# kubeadm init".to_owned());
    repo.write("ops/notes.txt", lines.join("\n") + "\n");
    let second = repo.commit_all("another above it");
    let want = expected(&repo, &[first.clone(), second.clone()]);
    let secret = token.trim_start_matches("token: ").to_owned();
    assert_eq!(
        want.get(&("kubernetes-bootstrap-token".to_owned(), secret)),
        Some(&first),
        "{want:?}"
    );
    assert_eq!(want.len(), 1, "the same finding in both commits: {want:?}");
    assert_history_matches_tree_scans(&repo, &[first, second]);
}

#[test]
fn a_paired_secret_is_found_when_its_partner_is_added_later_nearby() {
    let repo = TestRepo::new();
    // A value no rule knows alone (no key names it), then its AWS key id above it.
    let secret_line = format!("    \"{}\")", aws_secret(81));
    repo.write("ops/notes.md", large_file(&[(300, secret_line.clone())]));
    let first = repo.commit_all("a value alone");
    repo.write(
        "ops/notes.md",
        large_file(&[
            // Five lines above it, as far as the pair reaches.
            (296, format!("creds = (\"{}\",", aws_key_id(82))),
            // The value's own line and those around it as they were.
            (301, secret_line),
        ]),
    );
    let second = repo.commit_all("its key id");
    assert_history_matches_tree_scans(&repo, &[first, second.clone()]);
    let (_, messages) = repo.scan_json(&["scan", "--history", "--show-secrets"]);
    let found = secrets(&messages);
    let pair = ("aws-secret-key-with-key-id".to_owned(), aws_secret(81));
    assert_eq!(found.get(&pair), Some(&second), "{found:?}");
}

#[test]
fn deleted_then_re_added_moved_and_unsuppressed_secrets_keep_their_earliest_commit() {
    let repo = TestRepo::new();
    let secret = format!("DB_PASSWORD={}", password(91));
    let allowed = format!("API_TOKEN={}", password(92));
    let marker = "# leakgate:allow-next-line".to_owned();
    let path = "app/config.conf";
    let mut commits = Vec::new();
    repo.write(
        path,
        large_file(&[
            (100, secret.clone()),
            (500, marker.clone()),
            (501, allowed.clone()),
        ]),
    );
    commits.push(repo.commit_all("a secret, and an allowed one"));
    // Deleted, then added back elsewhere: the same secret, still from the first commit.
    repo.write(
        path,
        large_file(&[(500, marker.clone()), (501, allowed.clone())]),
    );
    commits.push(repo.commit_all("removed"));
    repo.write(
        path,
        large_file(&[(500, marker), (501, allowed.clone()), (700, secret)]),
    );
    commits.push(repo.commit_all("back, further down"));
    // The allow comment goes: the allowed secret is found from this commit.
    repo.write(path, large_file(&[(501, allowed)]));
    let unsuppressed = repo.commit_all("allow comment removed");
    commits.push(unsuppressed.clone());
    assert_history_matches_tree_scans(&repo, &commits);
    let (_, messages) = repo.scan_json(&["scan", "--history", "--show-secrets"]);
    let found = secrets(&messages);
    let mut at: BTreeSet<&String> = found.values().collect();
    assert!(
        at.remove(&commits[0]) && at.remove(&unsuppressed) && at.is_empty(),
        "{found:?}"
    );
}

#[test]
fn a_file_named_after_a_secret_it_holds_is_masked_in_later_versions_findings() {
    let repo = TestRepo::new();
    // A weak password that is also the file's name, in the first version; a second secret
    // far below it in the next: that finding names the file too, masked.
    let weak = password(95);
    let name = format!("creds/{weak}");
    repo.write(&name, large_file(&[(10, format!("password={weak}"))]));
    repo.commit_all("named after it");
    repo.write(
        &name,
        large_file(&[
            (10, format!("password={weak}")),
            (600, format!("DB_PASSWORD={}", password(96))),
        ]),
    );
    repo.commit_all("another secret");
    let run = run_json(repo.leakgate().args(["scan", "--history"]));
    assert_eq!(run.status, Some(1), "{:?}", run.messages);
    assert_eq!(run.findings().len(), 2, "{:?}", run.messages);
    let text = &run.stdout;
    assert!(!text.contains(&weak), "the file name is the secret: {text}");
}

#[test]
fn a_kubernetes_secret_in_any_file_is_read_whole_in_every_version() {
    // A manifest template (not named .yaml): its `data:` values are decoded because of the
    // `kind: Secret` line at the top, a thousand lines from where later versions change it.
    let repo = TestRepo::new();
    let path = "deploy/secret.yaml.tpl";
    let head = |kind: &str| {
        format!("apiVersion: v1\nkind: {kind}\nmetadata:\n  name: app\ntype: Opaque\ndata:\n")
    };
    let filler: String = (0..1000)
        .map(|i| format!("  key{i:03}: {}\n", base64("vvv")))
        .collect();
    let mut commits = Vec::new();
    repo.write(path, head("Secret") + &filler);
    commits.push(repo.commit_all("a secret's keys"));
    // A value whose base64 form no rule takes for a secret: only decoded is it one.
    let decoded_value = "93zmfejdbz";
    let added = format!("  password: {}\n", base64(decoded_value));
    repo.write(path, head("Secret") + &filler + &added);
    commits.push(repo.commit_all("a password at the end"));
    // The kind changes at the top: the values are no longer decoded.
    repo.write(path, head("SealedSecret") + &filler + &added);
    commits.push(repo.commit_all("sealed"));
    assert_history_matches_tree_scans(&repo, &commits);
    let (_, messages) = repo.scan_json(&["scan", "--history", "--show-secrets"]);
    assert!(
        secrets(&messages)
            .keys()
            .any(|(_, secret)| secret == decoded_value),
        "{messages:?}"
    );
}

#[test]
fn a_version_over_the_size_limit_is_skipped_even_when_read_as_another_version_s_base() {
    // The older version is the larger: git stores it whole and the newer as a delta on it, so
    // reading the newer one first keeps the older one in the reader's cache.
    let repo = TestRepo::new();
    let lines: Vec<String> = (0..8000)
        .map(|i| format!("line {i} {}", random(9000 + i, 60, LETTERS)))
        .collect();
    let token = format!("api_token = \"{}\"", random(9999, 24, ALNUM));
    let big = [&lines[..4000], std::slice::from_ref(&token), &lines[4000..]]
        .concat()
        .join("\n")
        + "\n";
    let small = lines[..6000].join("\n") + "\n";
    assert!(big.len() > 500_000 && small.len() < 500_000);
    repo.write("p/data.txt", &big);
    repo.commit_all("big");
    repo.write("p/data.txt", &small);
    repo.commit_all("smaller");
    repo.git(&["repack", "-a", "-d", "-q"]);
    let run = run_json(repo.leakgate().args([
        "scan",
        "--history",
        "--max-file-size",
        "500000",
        "--threads",
        "1",
    ]));
    assert_eq!(run.status, Some(0), "{:?}", run.messages);
    assert!(run.findings().is_empty(), "{:?}", run.messages);
    assert_eq!(run.summary()["files_skipped"], 1, "{:?}", run.summary());
}
