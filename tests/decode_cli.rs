//! Encoded secrets (issue 11): base64 (Basic credentials, Docker `auth`, Kubernetes Secret
//! `data`, long runs), percent-encoding (URL passwords, queries) and JSON escapes in files that
//! are not JSON are decoded and scanned; findings point at the encoded text, say how it was
//! decoded, and no output shows the secret in either form. Nested encodings stop at two levels
//! and a file's decoding at its byte budget, in linear time.

mod common;

use std::time::{Duration, Instant};

use common::*;

/// (rule, line, column, end_column, decoded) of each finding in `path`.
fn found_in(run: &JsonRun, path: &str) -> Vec<(String, u64, u64, u64, String)> {
    run.findings()
        .iter()
        .filter(|f| f["path"] == path)
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
                f["column"].as_u64().unwrap_or_default(),
                f["end_column"].as_u64().unwrap_or_default(),
                f["decoded"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect()
}

/// 1-based column of `needle` in `line` (ASCII), and the exclusive end column.
fn columns(line: &str, needle: &str) -> (u64, u64) {
    let at = line.find(needle).expect("needle on the line") as u64;
    (at + 1, at + 1 + needle.len() as u64)
}

fn finding(
    rule: &str,
    line: u64,
    (column, end): (u64, u64),
    decoded: &str,
) -> (String, u64, u64, u64, String) {
    (rule.to_owned(), line, column, end, decoded.to_owned())
}

fn gh_token(seed: u64) -> String {
    fake("ghp_", seed, 36, ALNUM)
}

#[test]
fn basic_credentials_are_judged_by_their_decoded_password() {
    let tree = Tree::new();
    let real = base64(&format!("deploy:{}", password(1101)));
    let placeholder = base64("user:password");
    let rfc_example = base64("Aladdin:open sesame");
    let curl = format!(
        "curl -H 'Authorization: Basic {real}' https://ci.internal\n\
         curl -H 'Authorization: Basic {placeholder}' https://ci.internal\n\
         curl -H 'Authorization: Basic {rfc_example}' https://ci.internal\n"
    );
    tree.write("deploy.sh", &curl);
    let docker_auth = base64(&format!("robot$ci:{}", password(1102)));
    let docker = format!(
        "{{\n  \"auths\": {{\n    \"registry.acme.io\": {{\"auth\": \"{docker_auth}\"}}\n  }}\n}}\n"
    );
    tree.write(".docker/config.json", &docker);
    let field_value = base64(&format!("metrics:{}", password(1103)));
    let helm = format!("prometheus:\n  basic_auth: \"{field_value}\"\n");
    tree.write("values.yaml", &helm);

    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    let line = |text: &str, n: usize| text.lines().nth(n - 1).expect("line").to_owned();
    assert_eq!(
        found_in(&run, "deploy.sh"),
        [finding(
            "basic-auth-credentials",
            1,
            columns(&line(&curl, 1), &real),
            "base64"
        )],
        "a real password is reported at its encoded value; user:password and the RFC's example are placeholders once decoded"
    );
    assert_eq!(
        found_in(&run, ".docker/config.json"),
        [finding(
            "basic-auth-credentials",
            3,
            columns(&line(&docker, 3), &docker_auth),
            "base64"
        )]
    );
    assert_eq!(
        found_in(&run, "values.yaml"),
        [finding(
            "basic-auth-credentials",
            2,
            columns(&line(&helm, 2), &field_value),
            "base64"
        )]
    );
}

#[test]
fn kubernetes_secret_data_is_decoded_in_yaml_and_json() {
    let tree = Tree::new();
    let db = base64(&password(1201));
    let token = base64(&gh_token(1202));
    let placeholder = base64("changeme");
    let registry = base64(&format!(
        "{{\"auths\":{{\"r.acme.io\":{{\"auth\":\"{}\"}}}}}}",
        base64(&format!("bot:{}", password(1203)))
    ));
    let yaml = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  DB_PASSWORD: {db}\n  \
         GH: \"{token}\"\n  ADMIN_PASSWORD: {placeholder}\n  .dockerconfigjson: {registry}\n---\n\
         apiVersion: v1\nkind: ConfigMap\ndata:\n  also: {db}\n"
    );
    tree.write("k8s/secret.yaml", &yaml);
    let manifest = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "data": {"api-token": base64(&gh_token(1204)), "password": base64("password")},
    });
    let json = serde_json::to_string_pretty(&manifest).expect("json");
    tree.write("k8s/secret.json", &json);

    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    let line = |text: &str, n: usize| text.lines().nth(n - 1).expect("line").to_owned();
    assert_eq!(
        found_in(&run, "k8s/secret.yaml"),
        [
            finding(
                "generic-assignment",
                6,
                columns(&line(&yaml, 6), &db),
                "base64"
            ),
            finding("github-pat", 7, columns(&line(&yaml, 7), &token), "base64"),
            finding(
                "basic-auth-credentials",
                9,
                columns(&line(&yaml, 9), &registry),
                "base64+base64"
            ),
        ],
        "a placeholder decodes to nothing to report; a ConfigMap's data is not base64 by definition"
    );
    let api_token = base64(&gh_token(1204));
    let at = json
        .lines()
        .position(|l| l.contains(&api_token))
        .expect("line")
        + 1;
    let found = found_in(&run, "k8s/secret.json");
    assert_eq!(
        found,
        [finding(
            "github-pat",
            at as u64,
            columns(&line(&json, at), &api_token),
            "base64"
        )]
    );
    let pointer = run
        .findings()
        .iter()
        .find(|f| f["path"] == "k8s/secret.json")
        .map(|f| f["json_pointer"].clone());
    assert_eq!(pointer, Some(serde_json::json!("/data/api-token")));
}

#[test]
fn percent_encoded_passwords_and_query_tokens_are_decoded() {
    let tree = Tree::new();
    let secret = password(1301);
    let encoded_password = percent_encode(&secret);
    let webhook = format!(
        "https://hooks.slack.com/services/T{}/B{}/{}",
        random(1302, 9, UPPER32),
        random(1303, 9, UPPER32),
        random(1304, 24, ALNUM)
    );
    let encoded_webhook = percent_encode(&webhook);
    let env = format!(
        "DATABASE_URL=https://app:{encoded_password}@db.internal/app\n\
         PLACEHOLDER_URL=https://app:changeme%21@db.internal/app\n\
         REFERENCE_URL=https://app:%24%7BDB_PASSWORD%7D@db.internal/app\n\
         CALLBACK=https://app.internal/notify?to={encoded_webhook}&retry=3\n"
    );
    tree.write("app.env", &env);

    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    let line = |n: usize| env.lines().nth(n - 1).expect("line").to_owned();
    assert_eq!(
        found_in(&run, "app.env"),
        [
            finding(
                "url-credentials",
                1,
                columns(&line(1), &encoded_password),
                "percent-encoding"
            ),
            finding(
                "slack-webhook-url",
                4,
                columns(&line(4), &encoded_webhook),
                "percent-encoding"
            ),
        ],
        "`changeme!` and `${{DB_PASSWORD}}` are a placeholder and a reference once decoded"
    );
}

#[test]
fn json_escapes_in_code_are_decoded() {
    let tree = Tree::new();
    let token = gh_token(1401);
    // `\u0067` is `g`: the token is not in the file as written.
    let escaped_token = format!("\\u0067{}", &token[1..]);
    let js = format!("const body = \"{{\\\"access_token\\\":\\\"{escaped_token}\\\"}}\";\n");
    tree.write("client.js", &js);
    let secret = password(1402);
    let py = format!(
        "payload = \"{{\\\"user\\\": \\\"svc\\\", \\\"password\\\": \\\"{secret}\\\"}}\"\n"
    );
    tree.write("seed.py", &py);

    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert_eq!(
        found_in(&run, "client.js"),
        [finding(
            "github-pat",
            1,
            columns(&js, &escaped_token),
            "json-escape"
        )]
    );
    let generic = found_in(&run, "seed.py");
    assert_eq!(generic.len(), 1, "{generic:?}");
    assert_eq!(generic[0].0, "generic-assignment");
    assert_eq!((generic[0].2, generic[0].3), columns(&py, &secret));
}

#[test]
fn long_base64_runs_that_decode_to_a_secret_are_scanned() {
    let tree = Tree::new();
    let blob = base64(&format!("export GITHUB_TOKEN={}\n", gh_token(1501)));
    let text = format!("# bootstrap\nrun: echo {blob} | base64 -d | sh\n");
    tree.write("ci.yml", &text);
    // Binary data (an image) in base64 is not text, and long runs of words are not base64.
    let image: String = random(1502, 400, BASE64);
    tree.write(
        "logo.txt",
        format!(
            "data:image/png;base64,{image}\nAbstractSingletonProxyFactoryBeanDefinitionReader\n"
        ),
    );

    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    let line = text.lines().nth(1).expect("line");
    assert_eq!(
        found_in(&run, "ci.yml"),
        [finding("github-pat", 2, columns(line, &blob), "base64")]
    );
    assert!(found_in(&run, "logo.txt").is_empty());
}

#[test]
fn neither_the_decoded_secret_nor_its_encoded_form_is_ever_shown() {
    let tree = Tree::new();
    let secret = password(1601);
    let basic = base64(&format!("deploy:{secret}"));
    let token = gh_token(1602);
    let k8s_value = base64(&token);
    let encoded_password = percent_encode(&password(1603));
    tree.write(
        "all.txt",
        format!(
            "Authorization: Basic {basic}\nkind: Secret\ndata:\n  token: {k8s_value}\n\
             url: https://u:{encoded_password}@h.internal/\n"
        ),
    );
    let shown = [
        secret.clone(),
        basic.clone(),
        token[4..].to_owned(),
        k8s_value.clone(),
        password(1603),
        encoded_password.clone(),
    ];
    for format in ["human", "json", "sarif", "github", "junit"] {
        let output = tree
            .leakgate()
            .args(["scan", ".", "--color", "never", "--format", format])
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(1), "{format}");
        let all = [output.stdout, output.stderr].concat();
        let all = String::from_utf8_lossy(&all);
        for (index, form) in shown.iter().enumerate() {
            // Any 12 characters in a row of a form would be a leak.
            let leaked = (0..=form.len().saturating_sub(12))
                .any(|at| all.contains(&form[at..(at + 12).min(form.len())]));
            assert!(!leaked, "{format}: form {index} shows");
        }
    }
    // The check can see them: --show-secrets shows each decoded secret.
    let run = run_json(tree.leakgate().args(["scan", ".", "--show-secrets"]));
    let secrets: Vec<&str> = run
        .findings()
        .iter()
        .filter_map(|f| f["secret"].as_str())
        .collect();
    assert_eq!(
        secrets,
        [secret.as_str(), token.as_str(), password(1603).as_str()]
    );
}

#[test]
fn nesting_stops_at_two_levels_and_a_bomb_costs_linear_time() {
    let tree = Tree::new();
    let line = format!("token = \"{}\"", gh_token(1701));
    let mut nested = vec![line.clone()];
    for _ in 0..8 {
        let inner = nested.last().expect("level").clone();
        nested.push(base64(&inner));
    }
    // Decoded twice, the token shows; three times would be past the limit.
    tree.write("two.txt", format!("x {}\n", nested[2]));
    tree.write("three.txt", format!("x {}\n", nested[3]));
    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(found_in(&run, "two.txt").len(), 1);
    assert_eq!(found_in(&run, "two.txt")[0].4, "base64+base64");
    assert!(
        found_in(&run, "three.txt").is_empty(),
        "three levels are past the limit"
    );

    // A bomb: every line nests eight levels deep, and lines whose JSON escapes, query and
    // base64 all decode, over and over; megabytes of it.
    let unit = format!(
        "{}\n\\\"q=%41%42{}\\\" {}\n",
        nested[8],
        "%2F".repeat(40),
        base64(&format!("a=%41{}", "%2F".repeat(30)))
    );
    let bomb = |bytes: usize| unit.repeat(bytes / unit.len() + 1);
    // Under an address-space limit: a decoder that blew up memory would fail the run.
    let limited = |name: &str| {
        let mut command = std::process::Command::new("sh");
        command
            .current_dir(tree.path())
            .arg("-c")
            .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
            .arg(assert_cmd::cargo::cargo_bin("leakgate"))
            .args(["scan", name, "--format", "json", "--max-file-size", "64MiB"]);
        command
    };
    let time = |name: &str, bytes: usize| -> (Duration, JsonRun) {
        tree.write(name, bomb(bytes));
        let started = Instant::now();
        let run = JsonRun::from(limited(name).output().expect("run"));
        (started.elapsed(), run)
    };
    let (small, _) = time("small.bomb", 1 << 20);
    let (large, run) = time("large.bomb", 8 << 20);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert_eq!(
        run.summary()["bytes_scanned"].as_u64(),
        Some(bomb(8 << 20).len() as u64)
    );
    assert!(
        large < small * 24 + Duration::from_secs(2),
        "8x the input took {large:?} against {small:?}: not linear"
    );
}
