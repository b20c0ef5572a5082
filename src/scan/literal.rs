//! Weak literal passwords: a short or all-letter value that the generic checks reject as too
//! weak to be a generated secret, but that stands where only a password can stand (a key that
//! names a password, a credential constructor's password argument, `mysql -p`, a connection
//! string's `Password=`).
//!
//! A rule opts in with `weak_literals = "low"` (rules/README.md). Such a value is reported at
//! that confidence when it is a literal and not a placeholder: not a word that stands for a
//! value (`password`, `changeme`, `required`), not the key's own name, not a reference
//! (`$X`, `${X}`, `<password>`, `%(pw)s`), not an identifier or a name (`new-password`,
//! `auth.password`, `passwordField`, `DB_PASSWORD`, `sha256`), not prose. What is random
//! enough for the generic checks never reaches here: it is reported at the rule's own
//! confidence.

use super::value;

/// Where a candidate weak literal stands.
#[derive(Debug, Clone, Copy, Default)]
pub struct LiteralContext<'a> {
    /// The value was written in quotes.
    pub quoted: bool,
    /// Its quote was a backtick: a code span in prose and docstrings (`` Pass :meth:`peek` ``)
    /// or a shell command more often than a JavaScript string.
    pub backticks: bool,
    /// An unquoted value after a key is a literal here: in configuration or a shell script
    /// (see [`unquoted_values_are_literals`]), or inside a string literal of code (a
    /// connection string's `Password=…;`).
    pub unquoted_literals: bool,
    /// The rule's `key` group, when it has one (`db_password`, `--password`).
    pub key: Option<&'a [u8]>,
    /// The bytes right after the value (`(` makes an unquoted `getenv` a call).
    pub followed_by: &'a [u8],
    /// The path of the file (empty for standard input without a name).
    pub path: &'a str,
}

/// Is `key` only an abbreviation of password (`pass`, `PW`, `pwd`), with no other word?
fn is_bare_abbreviation(key: &[u8]) -> bool {
    let key = key.trim_ascii_start().trim_ascii_end();
    let key = key.strip_prefix(b"--").unwrap_or(key);
    ["pass", "pw", "pwd"]
        .iter()
        .any(|word| key.eq_ignore_ascii_case(word.as_bytes()))
}

/// Is the file at `path` a shell script (by its extension)?
fn is_shell_script(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.rsplit_once('.')
        .is_some_and(|(_, extension)| matches!(extension, "sh" | "bash" | "zsh" | "ksh" | "m4"))
}

/// Words that end a key naming a password (the only keys where a weak value is a credential:
/// a weak `token` or `api_key` is a placeholder).
const PASSWORD_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pass",
    "pwd",
    "pw",
    "secret",
    "passcode",
    "pword",
];

/// Values that stand for a password, describe one or configure one, rather than being one.
/// Real weak passwords (`admin`, `hunter2`) are here too: they are the defaults of every
/// tutorial and docker-compose file, and placeholders more often than credentials.
#[rustfmt::skip]
const NOT_PASSWORDS: &[&str] = &[
    // placeholders and defaults
    "password", "passwd", "passphrase", "pass", "pwd", "secret", "secrets", "changeme", "change",
    "default", "defaults", "test", "tests", "testing", "tester", "demo", "sample", "dummy", "fake",
    "mock", "example", "admin", "administrator", "root", "guest", "user", "username", "login",
    "postgres", "postgresql", "mysql", "mariadb", "mongo", "mongodb", "redis", "rabbitmq", "neo4j",
    "clickhouse", "oracle", "sqlserver", "master", "qwerty", "letmein", "hunter", "hunter2",
    "welcome", "abc123", "abcd", "abcdef", "asdf", "asdfgh", "foobar", "foo", "bar", "baz", "qux",
    "xyz", "abc", "hello", "world", "helloworld", "trustno1", "iloveyou", "monkey", "dragon",
    "123456", "1234", "12345", "12345678", "pass123", "mypass", "mysecret", "secret123",
    "letmein1", "vagrant", "ubuntu", "docker", "jenkins", "gitlab", "sonar", "keycloak",
    "elastic", "kibana", "minio", "minioadmin", "openpgp",
    // values, types and states
    "none", "null", "nil", "undefined", "true", "false", "yes", "no", "on", "off", "enabled",
    "disabled", "enable", "disable", "required", "optional", "hidden", "visible", "show", "hide",
    "toggle", "empty", "blank", "unset", "missing", "invalid", "valid", "incorrect", "wrong",
    "mismatch", "expired", "reset", "forgot", "forgotten", "confirm", "confirmation", "current",
    "new", "old", "retype", "repeat", "verify", "strong", "weak", "medium", "string", "str",
    "text", "char", "chars", "bytes", "byte", "int", "integer", "number", "bool", "boolean",
    "object", "array", "list", "dict", "map", "any", "void", "function", "func", "lambda", "self",
    "this", "value", "values", "field", "input", "label", "prompt", "hint", "placeholder",
    "secure", "securestring", "sensitive", "masked", "mask", "redacted", "encrypted", "hashed",
    "plain", "plaintext", "cleartext", "clear", "raw", "random", "generated", "auto", "manual",
    "prompt", "stdin", "file", "env", "environ", "environment", "vault", "keyring", "keychain",
    "local", "remote", "server", "client", "basic", "bearer", "digest", "token", "apikey", "key",
    "oauth", "oauth2", "ldap", "saml", "kerberos", "ntlm", "none", "anonymous", "public",
    "private", "unknown", "todo", "fixme", "tbd", "pending", "error", "errors", "success",
    "failed", "failure", "ok", "okay", "done", "skip", "skipped", "passed", "fail", "next",
    "previous", "submit", "cancel", "save", "edit", "update", "delete", "remove", "create",
    "login", "logout", "signin", "signup", "register", "account", "profile", "settings",
    // hash and key-derivation algorithms
    "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "bcrypt", "scrypt", "argon2",
    "argon2i", "argon2d", "argon2id", "pbkdf2", "crypt", "des", "aes", "hmac", "sha", "plain",
    "noop",
];

/// File name extensions of configuration files and shell scripts, where a value written
/// without quotes is a literal (`password: arvj` in YAML, `passwd=arvj` in INI).
#[rustfmt::skip]
const LITERAL_EXTENSIONS: &[&str] = &[
    "yaml", "yml", "ini", "cfg", "conf", "cnf", "properties", "env", "toml", "tfvars", "hcl",
    "sh", "bash", "zsh", "ksh", "fish", "ps1", "bat", "cmd", "xml", "config", "plist",
    "pgpass", "netrc", "npmrc", "pypirc", "service", "desktop",
];

/// File names (without an extension, or whatever it is) of the same kind.
#[rustfmt::skip]
const LITERAL_NAMES: &[&str] = &[
    "dockerfile", "containerfile", "makefile", ".env", ".pgpass", ".netrc", "_netrc", ".npmrc",
    ".pypirc", ".my.cnf", "jenkinsfile", "procfile", "vagrantfile",
];

/// Is the file at `path` configuration or a shell script, where an unquoted value after a key
/// is a literal? (In source code it is an identifier: `Password: pw,` in Go; in prose, a
/// word: `one pass: about 3 ms`.)
pub fn unquoted_values_are_literals(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if LITERAL_NAMES.contains(&name.as_str())
        || name.starts_with(".env.")
        || name.starts_with("dockerfile.")
        || name.ends_with(".dockerfile")
    {
        return true;
    }
    name.rsplit_once('.').is_some_and(|(stem, extension)| {
        !stem.is_empty() && LITERAL_EXTENSIONS.contains(&extension)
    })
}

/// How far back from a key the first look at its line reaches for the line's start (the
/// scanner's long-line window): a minified line is judged from there, not from its real start.
const STRING_WINDOW: usize = 4096;

/// Whether keys stand inside a string literal of their line, for keys visited mostly in
/// ascending order: the quotes counted for one key are not counted again for the next key on
/// the same line, so a long line full of keys costs its length once, not its length per key.
///
/// A key is inside a string when an odd number of unescaped double quotes (or single quotes)
/// precedes it since the line's start (at most [`STRING_WINDOW`] bytes before the first key
/// looked at on that line), not counting the key's own opening quote (`'password' => …`).
#[derive(Debug, Clone, Copy, Default)]
pub struct StringTracker {
    /// Where counting started: the line's start, or a window's.
    anchor: usize,
    /// Every byte of `anchor..counted` has been counted.
    counted: usize,
    /// Parity of the unescaped double and single quotes in `anchor..counted`.
    double_odd: bool,
    single_odd: bool,
    /// The byte before `counted` was a backslash (it escapes a quote at `counted`).
    escaped: bool,
    started: bool,
}

impl StringTracker {
    /// Does the key at `offset` in `data` stand inside a string literal of its line?
    pub fn inside(&mut self, data: &[u8], offset: usize) -> bool {
        let offset = offset.min(data.len());
        // The key's own opening quote is not counted (it is counted later, for a key after it).
        let own_quote = offset > 0 && matches!(data[offset - 1], b'"' | b'\'' | b'`');
        let upto = if own_quote { offset - 1 } else { offset };
        let same_line = self.started
            && upto >= self.counted
            && memchr::memchr(b'\n', &data[self.counted..upto]).is_none();
        if !same_line {
            let lo = offset.saturating_sub(STRING_WINDOW);
            let start = memchr::memrchr(b'\n', &data[lo..offset]).map_or(lo, |i| lo + i + 1);
            *self = StringTracker {
                anchor: start,
                counted: start,
                started: true,
                ..StringTracker::default()
            };
        }
        let upto = upto.max(self.anchor);
        for &byte in &data[self.counted..upto] {
            match byte {
                b'"' if !self.escaped => self.double_odd = !self.double_odd,
                b'\'' if !self.escaped => self.single_odd = !self.single_odd,
                _ => {}
            }
            self.escaped = byte == b'\\';
        }
        self.counted = upto;
        self.double_odd || self.single_odd
    }
}

/// Does the key at `offset` stand inside a string literal of its line (see [`StringTracker`]),
/// judged on its own?
pub fn inside_string(data: &[u8], offset: usize) -> bool {
    StringTracker::default().inside(data, offset)
}

/// Does `key` name a password (`db_password`, `adminPwd`, `--password`, `PGPASSWORD`,
/// `client_secret`), the keys where even a weak literal is a credential?
pub fn key_names_password(key: &[u8]) -> bool {
    thread_local! {
        static LAST: value::KeyVerdict = const { std::cell::RefCell::new(None) };
    }
    value::remembered(&LAST, key, judge_key_names_password)
}

fn judge_key_names_password(key: &[u8]) -> bool {
    if !value::key_names_secret(key) {
        return false;
    }
    let words = value::meaning_words(key);
    let Some(last) = words.last().map(String::as_str) else {
        return false;
    };
    PASSWORD_WORDS.contains(&last)
        // Run together: `PGPASSWORD`, `dbpassword`, `adminpwd`.
        || ["password", "passwd", "passphrase", "secret"]
            .iter()
            .any(|w| last.len() > w.len() && last.ends_with(w))
}

/// Is a value that passed the checks still weak: shorter than eight characters, or of one
/// character class only (`xkqmzvbw`, `QTHNZZKQ`)? Where only a password can stand, such a
/// value is reported at the rule's `weak_literals` confidence, not its own.
pub fn is_weak_shape(secret: &[u8]) -> bool {
    let classes = [
        secret.iter().any(u8::is_ascii_lowercase),
        secret.iter().any(u8::is_ascii_uppercase),
        secret.iter().any(u8::is_ascii_digit),
        secret.iter().any(|b| !b.is_ascii_alphanumeric()),
    ];
    // One class only is weak while it is short (`xkqmzvbw`); sixteen random letters are a
    // generated secret, which the generic checks judge.
    secret.len() < 8 || (secret.len() < 16 && classes.iter().filter(|c| **c).count() <= 1)
}

/// Why a value the generic checks found too weak is not a weak literal password either, if it
/// is not one. `None`: report it (at the rule's `weak_literals` confidence).
pub fn weak_literal_reason(secret: &[u8], context: LiteralContext<'_>) -> Option<&'static str> {
    if let Some(key) = context.key
        && !key_names_password(key)
    {
        return Some("the key does not name a password");
    }
    // A value after a key is a literal only in quotes, but in configuration; where the rule's
    // own pattern delimits the value (a URL's password, `mysql -p…`), it is one as it stands.
    if !context.quoted && !context.unquoted_literals && context.key.is_some() {
        return Some("unquoted outside configuration: an identifier or a word");
    }
    // A key that is only an abbreviation (`pass`, `pw`, `pwd`) names a password in
    // configuration, but in a shell script it is as often a loop's phase (libtool's link
    // passes) or a directory: there, only a quoted value is a typed password.
    if !context.quoted
        && context.key.is_some_and(is_bare_abbreviation)
        && is_shell_script(context.path)
    {
        return Some("an unquoted word under a bare `pass`/`pw` in a shell script");
    }
    if !context.quoted && matches!(context.followed_by.first(), Some(b'(' | b'[' | b'.')) {
        return Some("an expression: a call or an index");
    }
    if context.backticks {
        return Some("in backticks: code in prose, or a command");
    }
    if secret.len() < 4 {
        return Some("too short even for a weak password");
    }
    if secret.len() > 64 {
        return Some("too long for a typed password");
    }
    if let Some(reason) = value::placeholder_reason(secret) {
        return Some(reason);
    }
    if !secret.iter().all(u8::is_ascii_graphic) {
        return Some("whitespace or non-ASCII: prose, not a password");
    }
    // References and templates: `$X`, `${X}`, `%(pw)s`, `{0}`, `<password>`, `#{pw}`, `@pw`,
    // `:pw`, `*****`, and calls or indexes (`pw()`, `a[0]`).
    if matches!(
        secret[0],
        b'$' | b'%' | b'{' | b'<' | b'#' | b'@' | b':' | b'*' | b'/' | b'\\' | b'&' | b'!' | b'~'
    ) || secret.iter().any(|b| {
        matches!(
            b,
            b'{' | b'}' | b'(' | b')' | b'[' | b']' | b'<' | b'>' | b'`' | b'"' | b'\'' | b'\\'
        )
    }) || memchr::memmem::find(secret, b"%s").is_some()
        || memchr::memmem::find(secret, b"%d").is_some()
    {
        return Some("a reference or a template");
    }
    if secret.iter().all(u8::is_ascii_digit) {
        return Some("a number");
    }
    let lower = secret.to_ascii_lowercase();
    let text = std::str::from_utf8(&lower).unwrap_or_default();
    let bare = text.trim_end_matches(|c: char| c.is_ascii_digit() || c == '!');
    if NOT_PASSWORDS.contains(&text) || NOT_PASSWORDS.contains(&bare) {
        return Some("a word that stands for a password");
    }
    // `mypassword`, `password1`, `db_pass`, `secretvalue`, and the key's own name.
    if ["pass", "pwd", "secret", "passwd"]
        .iter()
        .any(|w| text.contains(w))
        || context
            .key
            .is_some_and(|key| key.eq_ignore_ascii_case(secret))
    {
        return Some("names a password rather than being one");
    }
    let has_separator = secret
        .iter()
        .any(|b| matches!(b, b'.' | b'_' | b'-' | b'/' | b':' | b'='));
    let letters = secret.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let has_upper = secret.iter().any(u8::is_ascii_uppercase);
    let has_lower = secret.iter().any(u8::is_ascii_lowercase);
    // `DB_PASSWORD`, `CRAM-MD5`: the name of a variable or a mechanism.
    if has_upper && !has_lower && has_separator {
        return Some("the name of a variable");
    }
    // `new-password`, `auth.password`, `user_pw`, `text/plain`, `passwordField`, `NewPassword`:
    // made of words, an identifier or a name. (A random all-lowercase value often reads like a
    // word; only separators or case changes between words make it a name.)
    if (has_separator || (has_upper && has_lower))
        && letters * 2 >= secret.len()
        && value::word_fraction(secret) >= 0.5
    {
        return Some("an identifier or a name");
    }
    // `config.yml`, `db.internal`: a file or host name.
    if secret.contains(&b'.') && letters + 1 >= secret.len() {
        return Some("a file or host name");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(secret: &str, key: &str) -> Option<&'static str> {
        weak_literal_reason(
            secret.as_bytes(),
            LiteralContext {
                quoted: true,
                backticks: false,
                unquoted_literals: false,
                key: Some(key.as_bytes()),
                followed_by: b"",
                path: "app.yaml",
            },
        )
    }

    #[test]
    fn weak_random_literals_under_password_keys_are_passwords() {
        for (secret, key) in [
            ("ckjfjcdf", "password"),
            ("arvj", "password"),
            ("frhkcwjt", "passwd"),
            ("qthn", "pwd"),
            ("xkcdq", "DB_PASSWORD"),
            ("Qwmz", "adminPassword"),
            ("ab3kq9", "pass"),
            ("zzkq", "PGPASSWORD"),
            ("mqwzt", "client_secret"),
        ] {
            assert_eq!(judged(secret, key), None, "{secret} under {key}");
        }
    }

    #[test]
    fn placeholders_names_and_references_are_not() {
        for (secret, key) in [
            ("password", "password"),
            ("changeme", "password"),
            ("Password1", "password"),
            ("mypassword", "password"),
            ("${DB_PASS}", "password"),
            ("<password>", "password"),
            ("****", "password"),
            ("********", "password"),
            ("%(password)s", "password"),
            ("DB_PASSWORD", "password"),
            ("new-password", "autocomplete_password"),
            ("auth.login", "password"),
            ("passwordField", "password"),
            ("NewValue", "password"),
            ("sha256", "password"),
            ("required", "password"),
            ("postgres", "POSTGRES_PASSWORD"),
            ("1234", "password"),
            ("abc", "password"),
            ("Enter it", "password"),
            ("config.yml", "password"),
            ("ckjfjcdf", "token"),
            ("ckjfjcdf", "api_key"),
            ("ckjfjcdf", "password_hash"),
            ("ckjfjcdf", "secret_name"),
        ] {
            assert!(
                judged(secret, key).is_some(),
                "{secret} under {key} is not a password"
            );
        }
    }

    #[test]
    fn a_bare_pass_in_a_shell_script_needs_quotes() {
        let judged = |key: &[u8], quoted, path| {
            weak_literal_reason(
                b"conv",
                LiteralContext {
                    quoted,
                    backticks: false,
                    unquoted_literals: unquoted_values_are_literals(path),
                    key: Some(key),
                    followed_by: b"",
                    path,
                },
            )
        };
        // libtool's ltmain.sh assigns its link phases to `pass`, unquoted.
        assert!(judged(b"pass", false, "build-aux/ltmain.sh").is_some());
        assert!(judged(b"PW", false, "run.bash").is_some());
        // Quoted, or a key that says more, or configuration: a typed password.
        assert_eq!(judged(b"pass", true, "build-aux/ltmain.sh"), None);
        assert_eq!(judged(b"db_pass", false, "deploy.sh"), None);
        assert_eq!(judged(b"pass", false, "deploy/.env"), None);
    }

    #[test]
    fn unquoted_values_are_literals_only_in_configuration() {
        let unquoted = |path| {
            weak_literal_reason(
                b"arvj",
                LiteralContext {
                    quoted: false,
                    backticks: false,
                    unquoted_literals: unquoted_values_are_literals(path),
                    key: Some(b"password"),
                    followed_by: b"",
                    path,
                },
            )
        };
        for config in [
            "app.yaml",
            "deploy/.env",
            ".env.local",
            "db.ini",
            "run.sh",
            "Dockerfile",
        ] {
            assert_eq!(unquoted(config), None, "{config}");
        }
        for other in ["main.go", "App.java", "README.md", "notes.txt", ".yaml"] {
            assert!(unquoted(other).is_some(), "{other}");
        }
    }

    #[test]
    fn a_value_inside_a_string_literal_is_known() {
        let line = br#"const string Db = "Server=db;Password=qthn;"; x = pw"#;
        let at = |needle: &[u8]| memchr::memmem::find(line, needle).unwrap_or(0);
        assert!(inside_string(line, at(b"qthn")));
        assert!(!inside_string(line, at(b"pw")));
        assert!(!inside_string(br#"say("\"") + pw"#, 14));
    }

    #[test]
    fn weak_shapes_are_short_or_of_one_class() {
        assert!(is_weak_shape(b"xkqmzvbwqpl"));
        assert!(is_weak_shape(b"Qw8!z"));
        assert!(is_weak_shape(b"QTHNZZKQ"));
        assert!(!is_weak_shape(b"hWq8kLm2"));
        assert!(!is_weak_shape(b"xkqmzvbw12"));
    }
}
