//! Credentials in real code (issue 12, recall): short and all-letter passwords where only a
//! password can stand are reported at low confidence (a random one stays medium), unless they
//! are placeholders; URL credentials in any scheme and inside format strings; credential
//! constructors and login calls; .pgpass lines, otpauth secrets, salts, JWKs written as code,
//! weak decoded Basic credentials. No output shows any of them.

mod common;

use common::*;

const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";

/// A weak password as the people-labelled data has them: a few lowercase letters.
fn weak(seed: u64, len: usize) -> String {
    random(seed, len, LOWER)
}

/// (path, line, rule, confidence) of every finding, sorted.
fn found(run: &JsonRun) -> Vec<(String, u64, String, String)> {
    let mut out: Vec<_> = run
        .findings()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["confidence"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn at(path: &str, line: u64, rule: &str, confidence: &str) -> (String, u64, String, String) {
    (path.into(), line, rule.into(), confidence.into())
}

#[test]
fn weak_literal_passwords_are_reported_low_and_random_ones_medium() {
    let tree = Tree::new();
    let (w1, w2, w3, w4, w5, w6, w7) = (
        weak(1201, 8),
        weak(1202, 4),
        weak(1203, 6),
        weak(1204, 7),
        weak(1205, 5),
        weak(1206, 8),
        weak(1207, 6),
    );
    let strong = password(1208);
    tree.write(
        "config.yaml",
        format!(
            "db:\n  user: svc\n  password: '{w1}'\n  replica_password: \"{strong}\"\n\
             users: [ {{user: ci, password: {w2}}} ]\n"
        ),
    );
    tree.write("app.py", format!("PASSWORD = \"{w3}\"\n"));
    tree.write(
        "Shares.cs",
        format!("var c = new NetworkCredential(\"svc\", \"{w4}\", \"CORP\");\n"),
    );
    tree.write(
        "restore.sh",
        format!("mysql -u restore -p{w5} app < dump.sql\nsshpass -p {w6} scp a b:\n"),
    );
    tree.write("Mail.java", format!("ds.setPassword(\"{w7}\");\n"));
    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(1));
    assert_eq!(
        found(&run),
        vec![
            at("Mail.java", 1, "password-setter-call", "low"),
            at("Shares.cs", 1, "credential-call-password", "low"),
            at("app.py", 1, "generic-assignment", "low"),
            at("config.yaml", 3, "generic-assignment", "low"),
            at("config.yaml", 4, "generic-assignment", "medium"),
            at("config.yaml", 5, "generic-assignment", "low"),
            at("restore.sh", 1, "mysql-cli-password", "low"),
            at("restore.sh", 2, "sshpass-password", "low"),
        ]
    );
}

#[test]
fn placeholders_identifiers_and_prose_under_password_keys_are_not_passwords() {
    let tree = Tree::new();
    tree.write(
        "config.yaml",
        "password: changeme\npassword: ${DB_PASSWORD}\npassword: password\n\
         password: \"<password>\"\npassword: \"********\"\npassword: required\n\
         autocomplete_password: new-password\npassword: sha256\npassword: null\n",
    );
    tree.write(
        "main.go",
        "cfg := Config{User: \"svc\", Password: password}\nother := Config{Password: pw}\n",
    );
    tree.write(
        "notes.md",
        "One pass: about 3 ms.\nThe secret: where it goes.\n",
    );
    tree.write(
        "gen.py",
        "def gen():\n    \"\"\"Generic secret: mixed password, or hex.\"\"\"\n\
         r = requests.get(url, auth=(user, pw))\n",
    );
    tree.write(
        "Db.java",
        "ds.setPassword(System.getenv(\"DB_PASSWORD\"));\nds.setPassword(password);\n",
    );
    tree.write("config.php", "'password' => getenv('MAIL_PASSWORD'),\n");
    tree.write(
        "restore.sh",
        "mysql -u root -p app\nmysql -u root -p$MYSQL_PASSWORD app\n",
    );
    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(found(&run), vec![]);
    assert_eq!(run.status, Some(0));
}

#[test]
fn url_credentials_in_any_scheme_and_inside_format_strings() {
    let tree = Tree::new();
    let (w1, w2, w3) = (weak(1211, 8), weak(1212, 4), weak(1213, 8));
    let strong = random(1214, 20, ALNUM);
    tree.write(
        "client.go",
        format!(
            "nc, _ := nats.Connect(fmt.Sprintf(\"nats://clientA:{w1}@127.0.0.1:%d\", port))\n\
             u := fmt.Sprintf(\"nats://%s:%s@%s:%d\", user, pass, host, port)\n"
        ),
    );
    tree.write(
        "settings.py",
        format!(
            "URI = \"mysql+pymysql://ctfd:{w2}@db/ctfd\"\nDSN = \"my://root:{strong}@localhost\"\n\
             U = \"amqp://{{}}:{{}}@{{}}:5672\".format(u, p, h)\n\
             P = \"postgres://app:%(password)s@%(host)s/db\" % cfg\n"
        ),
    );
    tree.write(
        "queue.ts",
        format!(
            "const a = `amqp://app:{w3}@${{host}}:5672`;\nconst b = `redis://:${{PASS}}@${{host}}`;\n"
        ),
    );
    tree.write(
        "README.md",
        "mysql://root:<password>@localhost/db and postgres://app:****@db/app\n",
    );
    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(
        found(&run),
        vec![
            at("client.go", 1, "url-credentials", "low"),
            at("queue.ts", 1, "url-credentials", "low"),
            at("settings.py", 1, "url-credentials", "low"),
            at("settings.py", 2, "url-credentials", "medium"),
        ]
    );
}

#[test]
fn other_credential_kinds_are_found() {
    let tree = Tree::new();
    let pg = weak(1221, 8);
    let totp = random(1222, 32, UPPER32);
    let salt = random(1223, 22, ALNUM);
    let d = random(1224, 43, ALNUM);
    let x = random(1225, 43, ALNUM);
    let basic = base64(&format!("scraper:{}", weak(1226, 8)));
    let token = random(1227, 24, ALNUM);
    tree.write(
        ".pgpass",
        format!("db.acme.io:5432:billing:svc:{pg}\nlocalhost:5432:*:postgres:postgres\n"),
    );
    tree.write(
        "mfa.md",
        format!("otpauth://totp/Acme:oncall?secret={totp}&issuer=Acme\n"),
    );
    tree.write(
        "settings.py",
        format!(
            "PASSWORD_SALT = \"{salt}\"\nSALT_ROUNDS = 12\n\
             KEY = {{'kty': 'EC', 'crv': 'P-256', 'x': '{x}', 'd': '{d}'}}\n"
        ),
    );
    tree.write(
        "gateway.yaml",
        format!("headers:\n  - 'Authorization: Basic {basic}'\n"),
    );
    tree.write(
        "call.sh",
        format!("curl -H \"Authorization: Token {token}\" https://api.acme.io\n"),
    );
    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(
        found(&run),
        vec![
            at(".pgpass", 1, "pgpass-password", "low"),
            at("call.sh", 1, "authorization-token-header", "medium"),
            at("gateway.yaml", 2, "basic-auth-credentials", "low"),
            at("mfa.md", 1, "otpauth-secret", "high"),
            at("settings.py", 1, "salt-or-nonce", "medium"),
            at("settings.py", 3, "jwk-private-key", "high"),
        ]
    );
}

#[test]
fn no_output_shows_a_weak_password() {
    let tree = Tree::new();
    let secrets = [weak(1231, 8), weak(1232, 5), weak(1233, 6)];
    tree.write("app.yaml", format!("password: {}\n", secrets[0]));
    tree.write(
        "Client.java",
        format!(
            "new PasswordAuthentication(\"{0}\", \"{1}\".toCharArray());\n",
            "mailer", secrets[1]
        ),
    );
    tree.write(
        "db.py",
        format!("URI = \"mysql+pymysql://app:{}@db/app\"\n", secrets[2]),
    );
    for format in ["human", "json", "sarif", "github", "junit"] {
        let out = tree
            .leakgate()
            .args(["scan", ".", "--format", format, "--color", "never"])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("app.yaml"), "{format}: reports the finding");
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{format} shows {secret}");
        }
    }
}

/// A long random value of one character class is a generated secret, not a weak literal: it
/// keeps the confidence of its rule (the weak-literal path once dropped some and lowered
/// others, hiding them from `check`).
#[test]
fn long_single_class_secrets_keep_their_confidence() {
    let tree = Tree::new();
    let upper: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let (long_lower, url_upper, py_lower) = (
        random(1301, 70, LOWER),
        random(1302, 40, upper),
        random(1303, 44, LOWER),
    );
    tree.write(
        "deploy.env",
        format!(
            "DATABASE_URL=postgres://app:{long_lower}@db.internal:5432/app\n\
             REDIS_URL=redis://cache:{url_upper}@cache.internal:6379\n"
        ),
    );
    tree.write("settings.py", format!("password = \"{py_lower}\"\n"));
    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(1), "{:?}", run.messages);
    let found = found(&run);
    let confidence_at = |path: &str, line: u64| {
        found
            .iter()
            .find(|f| f.0 == path && f.1 == line)
            .map(|f| f.3.clone())
    };
    assert_eq!(
        confidence_at("deploy.env", 1).as_deref(),
        Some("high"),
        "{found:?}"
    );
    assert_eq!(
        confidence_at("deploy.env", 2).as_deref(),
        Some("high"),
        "{found:?}"
    );
    assert_eq!(
        confidence_at("settings.py", 1).as_deref(),
        Some("medium"),
        "{found:?}"
    );
}
