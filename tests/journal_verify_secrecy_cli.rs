//! `journal --verify` names files, seqs and codes, never field values: an effectId, a ref, a
//! recorded checksum or hash, a head ULID or an event type can hold a secret, and so can a file
//! name. Nor does it print a hash of one (an unsalted SHA-256 confirms a guess).

mod common;

use common::*;
use sha2::Digest;

const RUN: &str = "01JAAAAAAAAAAAAAAAAAAAAAAA";

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn leaks(haystack: &str, secret: &str) -> bool {
    let chars: Vec<char> = secret.chars().collect();
    chars
        .windows(12.min(chars.len()))
        .any(|w| haystack.contains(&w.iter().collect::<String>()))
}

#[test]
fn integrity_messages_name_files_and_codes_never_values() {
    let tree = Tree::new();
    let run = format!(".a5c/runs/{RUN}");
    let effect = random(700, 28, ALNUM);
    let orphan = random(701, 28, ALNUM);
    let wrong_hash = random(702, 40, ALNUM);
    let key = password(703);
    let recorded = random(704, 40, ALNUM);
    let head = random(705, 30, ALNUM);
    let event_type = random(706, 24, LETTERS).to_uppercase();
    let in_ref = random(707, 24, ALNUM);
    let blob_value = password(708);
    let token = fake("ghp_", 709, 36, ALNUM);
    let secrets = [
        &effect,
        &orphan,
        &wrong_hash,
        &key,
        &recorded,
        &head,
        &event_type,
        &in_ref,
        &blob_value,
        &token,
    ];
    let journal = |seq: u32, text: String| {
        tree.write(
            &format!("{run}/journal/{seq:06}.01JDDDDDDDDDDDDDDDDDDDDDD{seq}.json"),
            text,
        );
    };
    tree.write(
        &format!("{run}/run.json"),
        format!("{{\"runId\": \"{RUN}\"}}"),
    );
    journal(
        1,
        sdk_event("RUN_CREATED", 0, serde_json::json!({"runId": RUN})),
    );
    let request = serde_json::json!({
        "effectId": effect,
        "invocationKey": key,
        "invocationHash": wrong_hash,
        "taskDefRef": format!("tasks/{in_ref}/task.json"),
        "resultRef": format!("/etc/{in_ref}"),
        "stdoutRef": format!("../../{in_ref}"),
    });
    journal(2, sdk_event("EFFECT_REQUESTED", 1, request.clone()));
    journal(3, sdk_event("EFFECT_REQUESTED", 2, request));
    journal(
        4,
        sdk_event(
            "EFFECT_RESOLVED",
            3,
            serde_json::json!({"effectId": orphan}),
        ),
    );
    journal(5, sdk_event("RUN_COMPLETED", 4, serde_json::json!({})));
    journal(6, sdk_event(&event_type, 5, serde_json::json!({})));
    let tampered = sdk_event("NOTE_ADDED", 6, serde_json::json!({"n": 1}));
    let at = tampered.rfind("\"checksum\": \"").expect("checksum") + "\"checksum\": \"".len();
    journal(7, format!("{}{recorded}\"\n}}\n", &tampered[..at]));
    tree.write(&format!("{run}/journal/{token}.json"), "{}\n");
    tree.write(
        &format!("{run}/journal/odd\n::error::x\u{1b}[31m.json"),
        "{}\n",
    );
    tree.write(
        &format!("{run}/state/state.json"),
        format!("{{\"journalHead\": {{\"seq\": 3, \"ulid\": \"{head}\"}}}}\n"),
    );
    let claimed = sha256_hex(b"something else");
    tree.write(
        &format!("{run}/tasks/01JBBBBBBBBBBBBBBBBBBBBBBB/blobs/inputs-{claimed}.json"),
        &blob_value,
    );

    let run = run_json(tree.leakgate().args(["journal", ".a5c", "--verify"]));
    let integrity = run.of_type("integrity");

    let mut codes: Vec<&str> = integrity
        .iter()
        .map(|m| m["code"].as_str().unwrap_or_default())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    for expected in [
        "blob-hash",
        "checksum-mismatch",
        "duplicate-effect",
        "event-after-terminal",
        "invocation-hash",
        "journal-truncated",
        "missing-ref",
        "orphan-resolution",
        "ref-outside-run",
        "unexpected-file",
    ] {
        assert!(codes.contains(&expected), "{expected} not in {codes:?}");
    }
    let human = tree
        .leakgate()
        .args(["journal", ".a5c", "--verify", "--color", "never"])
        .output()
        .expect("run");
    let human_text = String::from_utf8_lossy(&human.stdout).into_owned()
        + &String::from_utf8_lossy(&human.stderr);
    let json_text = serde_json::to_string(&integrity).expect("json");
    for (format, text) in [("json", &json_text), ("human", &human_text)] {
        for secret in secrets {
            assert!(
                !leaks(text, secret),
                "{format} shows a field value:\n{text}"
            );
        }
        for hashed in [&key, &blob_value] {
            assert!(
                !text.contains(&sha256_hex(hashed.as_bytes())),
                "{format} shows the SHA-256 of a value:\n{text}"
            );
        }
    }
    for m in &integrity {
        let path = m["path"].as_str().unwrap_or_default();
        assert!(
            !path.chars().any(char::is_control),
            "a file name reaches the report with control characters: {path:?}"
        );
    }
    assert!(
        !human_text.contains('\u{1b}') && !human_text.contains("\n::error::x"),
        "{human_text}"
    );
    assert!(
        integrity
            .iter()
            .any(|m| m["path"] == "journal/odd\\n::error::x\\x1b[31m.json"),
        "the odd name is shown escaped: {json_text}"
    );
}
