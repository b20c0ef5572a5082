//! Judging a candidate secret: is the value a real-looking secret, or a placeholder, a reference
//! to one, an expression, a digest? And for generic assignments: does the key name a secret?
//!
//! These checks are what keep a pre-commit hook quiet. They are one table, `CHECKS`: each
//! entry a named check (its name is the reason reported) with a predicate and why it exists, run
//! in the table's order until one applies. Provider rules (a strong prefix such as
//! `sk-ant-api03-`) only get the checks for every rule ([`placeholder_reason`]); generic
//! assignments get them all ([`generic_value_reason`]).

pub use crate::mask::shannon_entropy;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    // Values are short and are asked about dozens of needles each: building a searcher per
    // call (what `memmem::find` does) costs more than comparing in place.
    if haystack.len() <= SHORT_HAYSTACK {
        // The first byte compared in line: a call to compare each window whole was a third of
        // the checks' cost.
        let Some((&first, rest)) = needle.split_first() else {
            return true;
        };
        return (haystack.windows(needle.len())).any(|w| w[0] == first && &w[1..] == rest);
    }
    memchr::memmem::find(haystack, needle).is_some()
}

/// Up to this length [`contains`] compares in place rather than building a searcher.
const SHORT_HAYSTACK: usize = 64;

/// Substrings that mark any value, whatever the rule, as a placeholder or a template.
const PLACEHOLDER_MARKERS: &[&[u8]] = &[
    b"example",
    b"xxxx",
    b"****",
    b"...",
    b"\xe2\x80\xa6", // …
    b"${",
    b"{{",
    b"}}",
    b"<%",
    b"placeholder",
    b"redacted",
    b"changeme",
    b"change_me",
    b"change-me",
    b"replace_me",
    b"replace-me",
    b"replaceme",
    b"your_",
    b"your-",
    b"yourapi",
    b"yourkey",
    b"yourtoken",
    b"yoursecret",
    b"yourpass",
    b"insert_",
    b"insert-",
    b"dummy",
    b"notreal",
    b"not_real",
    b"not-real",
    b"fake",
    b"sample",
    b"do_not_use",
    b"do-not-use",
    b"donotuse",
    b"0123456789",
    b"123456789",
    b"abcdefgh",
    b"abcdefghij",
];

/// Documented example credentials that appear in provider docs and countless tutorials.
#[rustfmt::skip]
const DOCUMENTED_EXAMPLES: &[&[u8]] = &[
    // AWS's documentation keys.
    b"akiaiosfodnn7example", b"wjalrxutnfemi/k7mdeng/bpxrficyexamplekey",
    // Well-known keys of local emulators, published by their vendors so that every developer
    // uses the same one: Azurite (Azure Storage) and the Azure Cosmos DB emulator.
    b"eby8vdm02xnocqflquwjpllmetlcdxj1ouzft50usrz6ifsufq2uvercz4i6tq/k1szfptotr/kbhbeksogmgw==",
    b"c2y6ydjf5/r+ob0n8a7cgv30vrdjiwehlm+4qdu5de2nq9nduvtqobd4b8mggypmbiznqymsecagqy67xiw/jw==",
    // The TOTP secret of Google Authenticator's key URI documentation and its tutorials.
    b"jbswy3dpehpk3pxp",
];

/// Secrets longer than this are blobs (key files), judged by fewer placeholder markers.
const LONG_BLOB: usize = 256;

fn longest_run(bytes: &[u8]) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut prev = None;
    for &b in bytes {
        if Some(b) == prev {
            run += 1;
        } else {
            run = 1;
            prev = Some(b);
        }
        best = best.max(run);
    }
    best
}

/// Values that are words, not secrets, when they stand alone as the whole value.
#[rustfmt::skip]
const STOPWORD_VALUES: &[&str] = &[
    "password", "passwd", "passphrase", "pass", "pwd", "secret", "secrets", "token", "apikey",
    "api_key", "api-key", "key", "test", "testing", "tests", "testpass", "testpassword", "default",
    "admin", "administrator", "root", "guest", "user", "username", "none", "null", "nil",
    "undefined", "true", "false", "yes", "no", "on", "off", "required", "optional", "string",
    "str", "text", "hidden", "bearer", "basic", "value", "foo", "bar", "baz", "foobar", "abc123",
    "123456", "qwerty", "letmein", "hunter2", "passw0rd", "p@ssw0rd", "p@ssword", "pa$$word",
    "pa55word", "password1", "password123", "secret123", "mypassword", "mysecret", "mytoken",
    "s3cr3t", "secretkey", "secret_key", "private", "public", "empty", "unset", "missing", "todo",
    "fixme", "tbd", "n/a", "na", "unknown", "invalid", "disabled", "enabled", "auto", "random",
    "generated", "encrypted", "sensitive", "masked", "hash", "bytes", "int", "number", "object",
    "any", "boolean", "bool", "function", "self", "this", "client", "server", "local", "localhost",
    "development", "production", "staging",
];

/// Prefixes of values that refer to a secret kept somewhere else.
#[rustfmt::skip]
const REFERENCE_PREFIXES: &[&[u8]] = &[
    b"$", b"%(", b"%{", b"%s", b"#{", b"@{", b"{", b"<", b"env.", b"env:", b"env[", b"process.env",
    b"os.environ", b"os.getenv", b"getenv(", b"system.getenv", b"secrets.", b"vars.", b"var.",
    b"local.", b"data.", b"module.", b"self.", b"this.", b"config.", b"settings.", b"params.",
    b"props.", b"options.", b"opts.", b"args.", b"request.", b"req.", b"vault:", b"ref+",
    b"arn:aws:secretsmanager", b"!ref", b"!sub", b"!getatt", b"!secret", b"!vault", b"sha1-",
    b"sha256-", b"sha384-", b"sha512-", b"sha1:", b"sha256:", b"sha512:", b"md5:", b"md5-",
    b"data:", b"file:", b"http://", b"https://", b"./", b"../", b"~/", b"/dev/", b"/run/",
    b"/etc/", b"/var/", b"/home/", b"/tmp/", b"/usr/", b"/opt/", b"c:\\", b"keyring:", b"op://",
    b"awskms:", b"gcpkms:", b"azurekv:", b"projects/", b"secretref:",
];

/// Provider formats that look like keys but are meant to be public or to work only in test mode.
#[rustfmt::skip]
const NON_SECRET_FORMATS: &[&[u8]] = &[
    b"sk_test_", b"rk_test_", b"pk_test_", b"pk_live_", b"whsec_test",
];

/// Substrings anywhere in a value that make it a lookup, not a literal.
#[rustfmt::skip]
const REFERENCE_INFIXES: &[&[u8]] = &[
    b"${", b"{{", b"process.env", b"os.environ", b"getenv", b"environ[", b"environ.get", b"env[",
    b"secrets.", b"%(", b"{%", b"<%", b"#{", b"@{",
];

/// Where a generic value stands.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValueContext<'a> {
    /// The value was written in quotes: a literal. An unquoted value in code may be an
    /// expression (`token = self.token`).
    pub quoted: bool,
    /// The whole line, for hints such as "this is a digest".
    pub line: &'a [u8],
    /// The bytes right after the value, two at most (`(` makes `b64decode(` a call).
    pub followed_by: &'a [u8],
    /// The bytes right before the value, three at most, its opening quote included (`+ "`
    /// makes the literal one piece of a concatenation).
    pub preceded_by: &'a [u8],
    /// The path of the file the value is in, as reported (`""` when unknown): in source code an
    /// unquoted value is code, in a lockfile a range is a version.
    pub path: &'a str,
}

/// Why a value is an obvious placeholder, if it is one. Applies to every rule: the
/// `Scope::EveryRule` checks of `CHECKS`, in order.
pub fn placeholder_reason(secret: &[u8]) -> Option<&'static str> {
    let subject = Subject::new(secret, ValueContext::default(), 0.0);
    CHECKS
        .iter()
        .filter(|check| check.scope == Scope::EveryRule)
        .find(|check| (check.applies)(&subject))
        .map(|check| check.reason)
}

/// Why a generic assignment's value is not a secret, if it is not one: every check of
/// `CHECKS`, in order.
pub fn generic_value_reason(
    value: &[u8],
    context: ValueContext<'_>,
    min_entropy: f64,
) -> Option<&'static str> {
    let subject = Subject::new(value, context, min_entropy);
    CHECKS
        .iter()
        .find(|check| (check.applies)(&subject))
        .map(|check| check.reason)
}

/// A value being judged, with what several checks need computed once.
struct Subject<'a> {
    value: &'a [u8],
    /// `value` in ASCII lowercase: every marker, prefix and word list is lowercase. (An empty
    /// value, judged first, allocates nothing.)
    lower: Vec<u8>,
    context: ValueContext<'a>,
    min_entropy: f64,
}

impl<'a> Subject<'a> {
    fn new(value: &'a [u8], context: ValueContext<'a>, min_entropy: f64) -> Self {
        Self {
            value,
            lower: value.to_ascii_lowercase(),
            context,
            min_entropy,
        }
    }
}

/// Which candidates a check judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Every rule's candidates: obvious placeholders, never a real key of any provider.
    EveryRule,
    /// Only the values of generic assignments (`password = …`), which have no prefix to vouch
    /// for them.
    Generic,
}

/// One named check: when `applies` holds, the value is not a secret and `reason` says why.
struct Check {
    /// The check's name, and the reason reported.
    reason: &'static str,
    scope: Scope,
    applies: fn(&Subject<'_>) -> bool,
}

/// Every check, in the order they run; the first that applies gives the reason.
///
/// Whether a value is rejected does not depend on the order (any check that applies rejects
/// it): the order decides which reason names it, and what it costs. Where it matters, the
/// entry says why it stands where it does. In short: placeholders before anything (every rule
/// runs them), cheap length checks before the shape checks (and the length cap before the
/// brace scan, which is quadratic in the number of `{`), what the value is before what stands
/// around it, and entropy last, for what no named shape explains.
static CHECKS: &[Check] = &[
    Check {
        reason: "empty value",
        scope: Scope::Generic,
        // `password = ""`: nothing to judge.
        applies: |s| s.value.is_empty(),
    },
    Check {
        reason: "documented example key",
        scope: Scope::EveryRule,
        // The keys in AWS's documentation and countless tutorials. Before "placeholder text",
        // whose `example` marker they contain, so that they are named for what they are.
        applies: |s| DOCUMENTED_EXAMPLES.iter().any(|e| contains(&s.lower, e)),
    },
    Check {
        reason: "placeholder text",
        scope: Scope::EveryRule,
        // `your_api_key`, `xxxx`, `changeme`, `${X}`, `…`. In a long blob (a PEM body is
        // kilobytes of base64) a four-letter marker turns up by chance: there only long markers
        // and elisions count. Before the reference checks, which `${` and `{{` also meet, so
        // that every rule names them alike.
        applies: |s| {
            let long_blob = s.value.len() > LONG_BLOB;
            PLACEHOLDER_MARKERS
                .iter()
                .filter(|m| {
                    !long_blob
                        || m.len() >= 7
                        || m.starts_with(b"..")
                        || m.starts_with(b"\xe2")
                        || m.starts_with(b"${")
                        || m.starts_with(b"{{")
                })
                .any(|m| contains(&s.lower, m))
        },
    },
    Check {
        reason: "placeholder in angle brackets",
        scope: Scope::EveryRule,
        // `<api-token>`: documentation's way of saying "put yours here".
        applies: |s| s.lower.first() == Some(&b'<') && s.lower.last() == Some(&b'>'),
    },
    Check {
        reason: "run of repeated characters",
        scope: Scope::EveryRule,
        // `sk-proj-AAAAAAAA…`: typed, not generated. Not in a long blob, where a run of `A`s is
        // zero bytes in base64.
        applies: |s| s.value.len() <= LONG_BLOB && longest_run(s.value) >= 6,
    },
    Check {
        reason: "reference to a secret kept elsewhere",
        scope: Scope::Generic,
        // `$DB_PASSWORD`, `process.env.X`, `secrets.X`, `vault:…`, `/run/secrets/x`: the secret
        // lives somewhere else. Before "too short", so that `$X` is named a reference.
        applies: |s| {
            REFERENCE_PREFIXES.iter().any(|p| s.lower.starts_with(p))
                || REFERENCE_INFIXES.iter().any(|p| contains(&s.lower, p))
        },
    },
    Check {
        reason: "too short",
        scope: Scope::Generic,
        // Under six characters a value is a word or a toy, and entropy means nothing.
        applies: |s| s.value.len() < 6,
    },
    Check {
        reason: "too long for a password or token",
        scope: Scope::Generic,
        // Longer values are blobs or prose, left to the provider rules. Before the shape
        // checks: it bounds what they cost (the brace scan is quadratic in the number of `{`).
        applies: |s| s.value.len() > 512,
    },
    Check {
        reason: "contains whitespace: prose, not a secret",
        scope: Scope::Generic,
        // `password: Enter your password`: generated secrets have no spaces.
        applies: |s| s.value.iter().any(u8::is_ascii_whitespace),
    },
    Check {
        reason: "non-ASCII text",
        scope: Scope::Generic,
        // Text in another script, or control bytes: generated tokens are printable ASCII.
        applies: |s| {
            s.value
                .iter()
                .any(|b| !b.is_ascii() || b.is_ascii_control())
        },
    },
    Check {
        reason: "placeholder word",
        scope: Scope::Generic,
        // `password`, `admin`, `hunter2`, `secret123`: a word (with a number on the end) that
        // stands for a value rather than being one.
        applies: |s| {
            std::str::from_utf8(&s.lower).is_ok_and(|text| {
                STOPWORD_VALUES.contains(&text)
                    || STOPWORD_VALUES
                        .contains(&text.trim_end_matches(|c: char| c.is_ascii_digit()))
            })
        },
    },
    Check {
        reason: "a number, a date or a version",
        scope: Scope::Generic,
        // `3600`, `2024-01-15`, `1.2.3`, `12:30:45`. Before "a number literal", which also
        // takes plain numbers, so that they are named numbers.
        applies: |s| {
            s.value
                .iter()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_' | b':'))
        },
    },
    Check {
        reason: "a number literal",
        scope: Scope::Generic,
        // `1024u32`, `0xC002002F_u32`: numbers in code, next to keys such as `KEY_SIZE`.
        applies: |s| is_numeric_literal(s.value),
    },
    Check {
        reason: "a symbol or a path in code",
        scope: Scope::Generic,
        // `:tcflag_t`, a Ruby symbol or a leading-colon path.
        applies: |s| s.value.first() == Some(&b':'),
    },
    Check {
        reason: "a duration or a size",
        scope: Scope::Generic,
        // `token_ttl: 3600ms`, `max_key: 1024kb`.
        applies: |s| is_duration_or_size(&s.lower),
    },
    Check {
        reason: "a UUID",
        scope: Scope::Generic,
        // An identifier: a UUID used as a secret needs a provider rule to say so.
        applies: |s| is_uuid(s.value),
    },
    Check {
        reason: "a URL or a resource name",
        scope: Scope::Generic,
        // `https://…/token`, `s3://…`, `arn:…`: where a secret is, not the secret (a password
        // inside a database URL is `database-url-password`'s business).
        applies: |s| contains(&s.lower, b"://") || s.lower.starts_with(b"arn:"),
    },
    Check {
        reason: "a signing scope",
        scope: Scope::Generic,
        // `AKID/20260101/us-east-1/s3/aws4_request`: an AWS Signature V4 credential scope (key
        // id, date, region, service, terminator) names a key and never holds the secret one.
        applies: |s| is_signing_scope(&s.lower),
    },
    Check {
        reason: "a user and a host: part of a URL",
        scope: Scope::Generic,
        // `https://accessKey:secretKey@replica:9000/bucket` read as `accessKey: secretKey@…`:
        // the rest of a URL's authority, whose password the URL rules judge as a whole.
        applies: |s| contains(s.context.line, b"://") && is_user_at_host(s.value),
    },
    Check {
        reason: "a version range",
        scope: Scope::Generic,
        // `npm:^4.0.0`, `workspace:*`, `>=2.0.0`, `v0.3.1-rc.1`: how lockfiles and manifests
        // pin a dependency whose name holds `auth`, `token` or `key`.
        applies: |s| is_version_range(s.value),
    },
    Check {
        reason: "a regular expression or a format template",
        scope: Scope::Generic,
        // `[0-9a-f]{32}`, `share-{id}`, `attr_%s`: code that builds or matches secrets.
        applies: |s| looks_like_pattern_or_template(s.value),
    },
    Check {
        reason: "a sequence such as abcd1234",
        scope: Scope::Generic,
        // Typed by a person writing an example, not generated.
        applies: |s| has_sequential_runs(&s.lower),
    },
    Check {
        reason: "an expression: a call or an index",
        scope: Scope::Generic,
        // `token = b64decode(…)`, `key = keys[0]`. The checks on the value's surroundings come
        // after those on the value itself, so a value is named by what it is when it can be.
        applies: |s| {
            !s.context.quoted && matches!(s.context.followed_by.first(), Some(b'(' | b'[' | b'.'))
        },
    },
    Check {
        reason: "part of a template",
        scope: Scope::Generic,
        // `Bearer eyJ….<payload>`, `key-{{ env }}`, `pass$SUFFIX`: the literal is only a piece
        // of the value; but `<x>value</x>` ends an element.
        applies: |s| {
            matches!(s.context.followed_by, [b'<', next, ..] if *next != b'/')
                || matches!(s.context.followed_by.first(), Some(b'{' | b'$' | b'%'))
        },
    },
    Check {
        reason: "a test or publishable key, not a secret",
        scope: Scope::Generic,
        // `sk_test_…`, `pk_live_…`: meant to be public or to work only in test mode.
        applies: |s| NON_SECRET_FORMATS.iter().any(|p| s.lower.starts_with(p)),
    },
    Check {
        reason: "a digest",
        scope: Scope::Generic,
        // Hex on a line that says `sha`, `commit`, `checksum`, ...: API keys are hex too, so
        // only the line can tell.
        applies: |s| is_hex(s.value) && line_mentions_digest(s.context.line),
    },
    Check {
        reason: "an identifier or expression, not a literal",
        scope: Scope::Generic,
        // Unquoted `self.token`, `get_password()`, `apiKey`: code. Before "the name of a
        // variable" and "a word or identifier", which take many of the same values, so that
        // unquoted code is named code.
        applies: |s| looks_like_expression(s.value, s.context.quoted),
    },
    Check {
        reason: "the name of a variable",
        scope: Scope::Generic,
        // `DB_PASSWORD`, `CRAM-MD5`: names a variable or a mechanism.
        applies: |s| is_env_var_name(s.value),
    },
    Check {
        reason: "a word or identifier",
        scope: Scope::Generic,
        // `NextPageToken`, `my-app-secret`: made of words, not random characters.
        applies: |s| is_wordy(s.value),
    },
    Check {
        reason: "a path, file name or host name",
        scope: Scope::Generic,
        // `config/app.yml`, `db.internal`, `/srv/keys/app.pem`: where a secret is kept.
        applies: |s| looks_like_path_or_domain(s.value, &s.lower),
    },
    Check {
        reason: "an algorithm name",
        scope: Scope::Generic,
        // `sha256`, `sha3-256`, `aes-256-gcm`, `HS256`, `hmac-sha1`: what a key is used with,
        // assigned to `secret_algo`, `jwt_secret`, `signing_key`.
        applies: |s| is_algorithm_name(&s.lower),
    },
    Check {
        reason: "a type name",
        scope: Scope::Generic,
        // `String?`, `uintptr`, `AnyStr`, `Option<String>`, `[]byte`, `*sql.NullString`, and
        // unquoted type-like names (`SshKey`, `ed25519Key`, `TFts5Token`): a declaration says
        // what the value is, not what it holds.
        applies: |s| is_type_name(s.value) || (!s.context.quoted && is_type_like_name(s.value)),
    },
    Check {
        reason: "a variable in source code",
        scope: Scope::Generic,
        // `mcreds` or `*pcreds` assigned in Go or C: outside comments, a literal in source code
        // is quoted, so an unquoted name is a variable. A long random name is kept: it may be
        // a secret pasted into a config embedded in the code.
        applies: |s| !s.context.quoted && is_variable_in_code(s.value, s.context),
    },
    Check {
        reason: "an id or a slug made of words",
        scope: Scope::Generic,
        // `my-app-id`, `rocksdb-state-id`, `12.aaa-bbb-ccc`, `KRB5_Alice`, `string.quote`,
        // `auth.token.refresh`: words and numbers joined by `-`, `_` or `.` name things.
        applies: |s| is_slug(s.value),
    },
    Check {
        reason: "a well-known file name",
        scope: Scope::Generic,
        // `master.passwd`, `htpasswd`, `id_rsa.pub`, `*.pem`: the file a secret is kept in.
        applies: |s| is_file_name(&s.lower),
    },
    Check {
        reason: "an interpolated variable",
        scope: Scope::Generic,
        // `/$file_pwd`, `$HOME/.token`, `key-$env`: shell, Perl, PHP and Kotlin strings splice a
        // variable in; the secret, if any, is in the variable.
        applies: |s| has_interpolated_variable(s.value),
    },
    Check {
        reason: "a piece of a concatenation",
        scope: Scope::Generic,
        // `` `+expected1+` ``, `"user=" + name`: a piece of a string built in code. A long random
        // piece is kept: splitting a secret in two does not make it public.
        applies: |s| is_concatenation_piece(s.value, s.context),
    },
    Check {
        reason: "too little randomness",
        scope: Scope::Generic,
        // Last: the catch-all for what no named shape explains, and the costliest check.
        applies: |s| shannon_entropy(s.value) < s.min_entropy,
    },
];

/// `1024u32`, `-2147217308i32`, `0xC002002F_u32`, `3.5f`, `10L`: a number in code. Hex without
/// `0x` is not a number here: API keys are hex too.
fn is_numeric_literal(value: &[u8]) -> bool {
    let value = value
        .strip_prefix(b"-")
        .or_else(|| value.strip_prefix(b"+"))
        .unwrap_or(value);
    let lower = value.to_ascii_lowercase();
    let hex = lower.starts_with(b"0x");
    let digits: &[u8] = if hex || lower.starts_with(b"0o") || lower.starts_with(b"0b") {
        &lower[2..]
    } else {
        &lower
    };
    let in_body = |b: &u8| if hex { b.is_ascii_hexdigit() } else { b.is_ascii_digit() } || matches!(b, b'_' | b'.');
    let body_len = digits.iter().take_while(|b| in_body(b)).count();
    if body_len == 0 || !(hex || digits[0].is_ascii_digit()) {
        return false;
    }
    let rest = &digits[body_len..];
    let suffix = rest.strip_prefix(b"_").unwrap_or(rest);
    const SUFFIXES: &[&[u8]] = &[
        b"", b"u8", b"u16", b"u32", b"u64", b"u128", b"usize", b"i8", b"i16", b"i32", b"i64",
        b"i128", b"isize", b"f32", b"f64", b"l", b"ul", b"ll", b"ull", b"u", b"f", b"d", b"m",
        b"n",
    ];
    SUFFIXES.contains(&suffix)
}

fn is_duration_or_size(lower: &[u8]) -> bool {
    let digits = lower.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0
        && matches!(
            &lower[digits..],
            b"s" | b"ms"
                | b"m"
                | b"h"
                | b"d"
                | b"w"
                | b"y"
                | b"kb"
                | b"mb"
                | b"gb"
                | b"k"
                | b"g"
                | b"px"
                | b"em"
                | b"%"
        )
}

fn is_uuid(value: &[u8]) -> bool {
    value.len() == 36
        && value.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_alphanumeric(),
        })
}

fn is_hex(value: &[u8]) -> bool {
    value.len() >= 7 && value.iter().all(u8::is_ascii_hexdigit)
}

fn line_mentions_digest(line: &[u8]) -> bool {
    let lower = line.to_ascii_lowercase();
    [
        &b"sha"[..],
        b"hash",
        b"digest",
        b"checksum",
        b"integrity",
        b"commit",
        b"revision",
        b"etag",
        b"md5",
    ]
    .iter()
    .any(|w| contains(&lower, w))
}

/// `self.token`, `get_password()`, `config["x"]`, `user.passwordHash`: code, not a literal.
fn looks_like_expression(value: &[u8], quoted: bool) -> bool {
    if quoted {
        return false;
    }
    let identifier_char = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$';
    let ident_like = value.iter().all(|b| {
        identifier_char(b) || matches!(b, b'.' | b'(' | b')' | b'[' | b']' | b':' | b'-' | b'>')
    });
    if !ident_like {
        return false;
    }
    let has_access = value.iter().any(|b| matches!(b, b'(' | b'['))
        || contains(value, b"->")
        || contains(value, b"::");
    let dotted_words = value.contains(&b'.')
        && !value.iter().any(u8::is_ascii_digit)
        && value.split(|b| *b == b'.').all(|part| {
            !part.is_empty() && part[0].is_ascii_alphabetic() && part.iter().all(identifier_char)
        });
    // `someVariable` changes case about twice a word; random letters (`KeJWaktrCEtf`) every
    // other letter. All-lowercase names must read as words.
    let case_changes = value
        .windows(2)
        .filter(|w| w[0].is_ascii_lowercase() != w[1].is_ascii_lowercase())
        .count();
    let has_upper = value.iter().any(u8::is_ascii_uppercase);
    let plain_identifier = value.iter().all(identifier_char)
        && !value.iter().any(u8::is_ascii_digit)
        && if has_upper {
            case_changes * 5 < value.len() * 2
        } else {
            word_fraction(value) >= 0.5
        };
    let snake_identifier = value.contains(&b'_')
        && value
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_');
    let dotted_code = value.contains(&b'.')
        && value.iter().all(|b| identifier_char(b) || *b == b'.')
        && word_fraction(value) >= 0.4;
    has_access || dotted_words || plain_identifier || snake_identifier || dotted_code
}

/// `DB_PASSWORD`, `API_TOKEN`, `CRAM-MD5`: a value that names a variable or a mechanism.
fn is_env_var_name(value: &[u8]) -> bool {
    value
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-'))
        && (value.iter().any(|b| matches!(b, b'_' | b'-'))
            || value.iter().all(u8::is_ascii_uppercase))
}

/// Made of words rather than random characters: `NextPageToken`, `my-app-secret`,
/// `fs.s3.consistent`, `Access-Control-Allow-Credentials`, `webdavgeneratedpassword2`.
/// A value with both a digit and a symbol is password-shaped (`Welcome123!`) and kept.
fn is_wordy(value: &[u8]) -> bool {
    let has_digit = value.iter().any(u8::is_ascii_digit);
    let has_symbol = value
        .iter()
        .any(|b| !b.is_ascii_alphanumeric() && !matches!(b, b'.' | b'_' | b'-' | b'/' | b':'));
    if has_digit && has_symbol {
        return false;
    }
    // Random text also holds short pronounceable runs (`sai`, `MONL`), and a generated secret
    // may start with a word (`secretToQ2saiE1MONL`): but it leaves many letter runs that are
    // not words between its digits, which names made of words do not. (Minified code has
    // one-letter names too, `n.limit=h,E=n.x;`: its punctuation says it is code.)
    let code = value.iter().any(|b| matches!(b, b'(' | b')' | b';' | b','));
    let (other_runs, digit_runs) = non_word_runs(value);
    if !code
        && (other_runs >= 4
            || (digit_runs >= 1 && other_runs >= 3)
            || (digit_runs >= 2 && other_runs >= 2))
    {
        return false;
    }
    word_fraction(value) >= 0.6
}

/// How many letter runs of a value (split as `word_fraction` splits) are not word-like, and
/// how many runs of digits it has.
fn non_word_runs(value: &[u8]) -> (usize, usize) {
    let digit_runs = value
        .split(|b| !b.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .count();
    let other_runs = value
        .split(|b| !b.is_ascii_alphabetic())
        .flat_map(camel_segments)
        .filter(|run| !run.is_empty() && !is_word_like(run))
        .count();
    (other_runs, digit_runs)
}

/// The share of a value's letters and digits that sit in word-like runs (three or more
/// letters with a vowel, no long consonant cluster, one case pattern), after splitting at case
/// changes, digits and punctuation. Random text scores near 0, identifiers near 1.
pub fn word_fraction(value: &[u8]) -> f64 {
    let mut alnum = 0usize;
    let mut in_words = 0usize;
    let mut segment_start = None;
    let flush = |start: usize, end: usize, in_words: &mut usize| {
        let segment = &value[start..end];
        if is_word_like(segment) {
            *in_words += segment.len();
        }
    };
    for (i, &b) in value.iter().enumerate() {
        if b.is_ascii_digit() {
            alnum += 1;
        }
        if !b.is_ascii_alphabetic() {
            if let Some(start) = segment_start.take() {
                flush(start, i, &mut in_words);
            }
            continue;
        }
        alnum += 1;
        let boundary = i > 0
            && segment_start.is_some()
            && ((value[i - 1].is_ascii_lowercase() && b.is_ascii_uppercase())
                || (value[i - 1].is_ascii_uppercase()
                    && b.is_ascii_uppercase()
                    && value.get(i + 1).is_some_and(u8::is_ascii_lowercase)));
        if boundary && let Some(start) = segment_start.replace(i) {
            flush(start, i, &mut in_words);
        }
        segment_start.get_or_insert(i);
    }
    if let Some(start) = segment_start {
        flush(start, value.len(), &mut in_words);
    }
    if alnum == 0 {
        0.0
    } else {
        in_words as f64 / alnum as f64
    }
}

fn is_word_like(segment: &[u8]) -> bool {
    if segment.len() < 3 {
        return false;
    }
    let is_vowel = |b: &u8| {
        matches!(
            b.to_ascii_lowercase(),
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y'
        )
    };
    let vowels = segment.iter().filter(|b| is_vowel(b)).count();
    let mut cluster = 0;
    let mut longest_cluster = 0;
    for b in segment {
        cluster = if is_vowel(b) { 0 } else { cluster + 1 };
        longest_cluster = longest_cluster.max(cluster);
    }
    let one_case = segment[1..].iter().all(u8::is_ascii_lowercase)
        || segment.iter().all(u8::is_ascii_uppercase);
    one_case && vowels * 5 >= segment.len() && longest_cluster <= 4
}

/// `[a-z0-9]{4}`, `(?:\d+)`, `share-{id}-{org}`, `attr_%s`: code that builds strings.
fn looks_like_pattern_or_template(value: &[u8]) -> bool {
    const MARKERS: &[&[u8]] = &[
        b"\\d", b"\\w", b"\\s", b"\\.", b"\\b", b"(?", b"[^", b"]{", b"]*", b"]+", b"a-z", b"A-Z",
        b"0-9",
    ];
    MARKERS.iter().any(|m| contains(value, m))
        || has_placeholder_braces(value)
        || has_format_specifier(value)
        || has_printf_conversion(value)
        || has_percent_macro(value)
        || is_abnf_repetition(value)
}

/// `%.*s`, `%-8.2f`, `%lu`, `%zu`, `%lld`: a printf conversion with a precision, a `*` width or
/// a length modifier. Plain `%s` is `has_format_specifier`'s (it needs a word boundary: random
/// passwords hold `%` too).
fn has_printf_conversion(value: &[u8]) -> bool {
    value.iter().enumerate().any(|(i, b)| {
        if *b != b'%' {
            return false;
        }
        let mut j = i + 1;
        let flags = value[j..]
            .iter()
            .take_while(|b| matches!(b, b'-' | b'+' | b' ' | b'#' | b'0'))
            .count();
        j += flags;
        let star_width = value.get(j) == Some(&b'*');
        if star_width {
            j += 1;
        } else {
            j += value[j..].iter().take_while(|b| b.is_ascii_digit()).count();
        }
        let mut precision = false;
        if value.get(j) == Some(&b'.') {
            let digits = value[j + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit() || **b == b'*')
                .count();
            precision = digits > 0;
            j += 1 + digits;
        }
        let length = value[j..]
            .iter()
            .take_while(|b| matches!(b, b'h' | b'l' | b'z' | b'j'))
            .take(2)
            .count();
        j += length;
        let conversion = value.get(j).is_some_and(|c| b"diouxXeEfFgGcsp".contains(c));
        // A length modifier alone (`%lu`) must end a word: `v%lu9` is as likely random.
        let ends = value
            .get(j + 1)
            .is_none_or(|next| !next.is_ascii_alphanumeric());
        conversion && (star_width || precision || (length > 0 && ends))
    })
}

/// `%HOSTIP:%POP3PORT/%TESTNUMBER`, `%APPDATA%`: upper-case macro names that a test harness or a
/// shell replaces.
fn has_percent_macro(value: &[u8]) -> bool {
    value.iter().enumerate().any(|(i, b)| {
        if *b != b'%' || !value.get(i + 1).is_some_and(u8::is_ascii_uppercase) {
            return false;
        }
        let name = value[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || **b == b'_')
            .count();
        name >= 4
            && value
                .get(i + 1 + name)
                .is_none_or(|next| !next.is_ascii_alphanumeric())
    })
}

/// `1*tchar`, `*DIGIT`, `2*4HEXDIG`: ABNF repetition of a grammar rule (RFC 5234).
fn is_abnf_repetition(value: &[u8]) -> bool {
    let digits = |from: usize| {
        value[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let min = digits(0);
    // A bare `*name` is as likely a pointer in C: the repetition must count.
    if min == 0 || value.get(min) != Some(&b'*') {
        return false;
    }
    // A rule name is written in one case (`tchar`, `HEXDIG`): `6*ZKxXwtGPx39VJ6` is random.
    let rule = &value[min + 1 + digits(min + 1)..];
    let one_case = rule.iter().all(|b| b.is_ascii_lowercase() || *b == b'-')
        || rule.iter().all(|b| b.is_ascii_uppercase() || *b == b'-');
    rule.first().is_some_and(u8::is_ascii_alphabetic) && rule.len() <= 24 && one_case
}

/// `attr_%s`, `%d-%d`, `user:%v`: a printf specifier at an edge or beside punctuation. Between
/// letters and digits (`L46%s34`) it is more likely part of a random password.
fn has_format_specifier(value: &[u8]) -> bool {
    value.windows(2).enumerate().any(|(i, pair)| {
        pair[0] == b'%'
            && matches!(pair[1], b's' | b'd' | b'v')
            && (i == 0
                || !value[i - 1].is_ascii_alphanumeric()
                || value.get(i + 2).is_none_or(|b| !b.is_ascii_alphanumeric()))
    })
}

/// `{}`, `{0}`, `{name}`, `{user.id}`: a format placeholder, not random punctuation.
fn has_placeholder_braces(value: &[u8]) -> bool {
    value
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'{')
        .any(|(i, _)| {
            let inner: Vec<u8> = value[i + 1..]
                .iter()
                .copied()
                .take_while(|b| *b != b'}')
                .collect();
            i + 1 + inner.len() < value.len()
                && inner
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'!'))
        })
}

/// Two ascending runs of four (`abcd1234`) or one of five (`4567890`): typed, not random.
fn has_sequential_runs(lower: &[u8]) -> bool {
    let mut runs_of_four = 0;
    let mut run = 1;
    for pair in lower.windows(2) {
        if pair[0].is_ascii_alphanumeric() && pair[1] == pair[0] + 1 {
            run += 1;
            if run == 4 {
                runs_of_four += 1;
            }
            if run >= 5 {
                return true;
            }
        } else {
            run = 1;
        }
    }
    runs_of_four >= 2
}

/// `config/app.yml`, `db.internal.example.net`, `/etc/ssl/key.pem`.
fn looks_like_path_or_domain(value: &[u8], lower: &[u8]) -> bool {
    if value.first() == Some(&b'/') && value.iter().filter(|b| **b == b'/').count() >= 2 {
        return value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-'));
    }
    const EXTENSIONS: &[&[u8]] = &[
        b".pem",
        b".key",
        b".json",
        b".yaml",
        b".yml",
        b".txt",
        b".crt",
        b".p12",
        b".pfx",
        b".jks",
        b".env",
        b".conf",
        b".cfg",
        b".ini",
        b".toml",
        b".xml",
        b".com",
        b".org",
        b".net",
        b".io",
        b".local",
        b".internal",
    ];
    EXTENSIONS.iter().any(|e| lower.ends_with(e))
        && lower
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-'))
}

/// `AKID/20260101/us-east-1/s3/aws4_request`: key id, date, region, service, `…_request`.
fn is_signing_scope(lower: &[u8]) -> bool {
    let parts: Vec<&[u8]> = lower.split(|b| *b == b'/').collect();
    parts.len() == 5
        && parts[1].len() == 8
        && parts[1].iter().all(u8::is_ascii_digit)
        && parts[4].ends_with(b"_request")
}

/// `secretKey@replica-endpoint:9000/bucket`, `EXTERNAL@%HOSTIP:%POP3PORT/x`: a name, `@`, a host
/// and then a port, a path or nothing. (`n4T!7qWz@e2R` is not: `e2R` is not followed by a port
/// or a path and has no dot.)
fn is_user_at_host(value: &[u8]) -> bool {
    let Some(at) = memchr::memchr(b'@', value) else {
        return false;
    };
    let host_and_rest = &value[at + 1..];
    let host_len = host_and_rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'%' | b'_'))
        .count();
    let (host, rest) = host_and_rest.split_at(host_len);
    let port_or_path = match rest.first() {
        Some(b':') => {
            rest[1..]
                .iter()
                .take_while(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || **b == b'%')
                .count()
                > 0
        }
        Some(b'/') => true,
        None => host.contains(&b'.'),
        _ => false,
    };
    at > 0
        && host
            .first()
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'%')
        && port_or_path
}

/// `npm:^4.0.0`, `workspace:*`, `~1.2`, `>=2.0.0`, `v1.2.3-rc.1`, `npm:@scope/name@^1.0.0`: a
/// dependency's version or range. A bare `1.2.3` is the number check's.
fn is_version_range(value: &[u8]) -> bool {
    const PROTOCOLS: &[&[u8]] = &[
        b"npm:",
        b"workspace:",
        b"catalog:",
        b"jsr:",
        b"link:",
        b"portal:",
        b"patch:",
    ];
    let protocol = PROTOCOLS.iter().find(|p| value.starts_with(p));
    let mut rest = protocol.map_or(value, |p| &value[p.len()..]);
    if protocol.is_some() {
        // An alias names the package it stands for: `npm:@octokit/auth-token@^4.0.0`.
        if let Some(at) = rest.iter().rposition(|b| *b == b'@').filter(|at| *at > 0) {
            rest = &rest[at + 1..];
        }
        if matches!(rest, b"" | b"*" | b"^" | b"~") {
            return true;
        }
    }
    let operators = rest
        .iter()
        .take_while(|b| matches!(b, b'^' | b'~' | b'<' | b'>' | b'=' | b'v'))
        .count();
    if operators == 0 && protocol.is_none() {
        return false;
    }
    let body = &rest[operators..];
    let core = body
        .iter()
        .take_while(|b| b.is_ascii_digit() || matches!(b, b'.' | b'x' | b'X' | b'*'))
        .count();
    let tail = &body[core..];
    core > 0
        && (body[0].is_ascii_digit() || body[0] == b'*')
        && (tail.is_empty()
            || (matches!(tail[0], b'-' | b'+')
                && tail[1..]
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))))
}

/// Names of hash, cipher, MAC, KDF and signature algorithms and their modes, the parts that
/// `sha3-256`, `aes-256-gcm`, `hmac-sha1`, `HS256`, `x25519`, `argon2id` are written with.
#[rustfmt::skip]
const ALGORITHM_PARTS: &[&str] = &[
    "sha", "md", "aes", "des", "tripledes", "rc", "hmac", "rsa", "dsa", "ecdsa", "ecdh", "ed",
    "eddsa", "x", "hs", "rs", "es", "ps", "pbkdf", "bcrypt", "scrypt", "argon", "id", "i", "d",
    "chacha", "xchacha", "poly", "salsa", "blake", "b", "s", "gcm", "cbc", "ctr", "ecb", "cfb",
    "ofb", "ccm", "siv", "xts", "oaep", "pss", "pkcs", "crc", "murmur", "xxh", "xxhash", "fnv",
    "siphash", "keccak", "shake", "ripemd", "whirlpool", "sm", "gost", "curve", "secp", "k", "r",
    "p", "nistp", "kdf", "hkdf", "cmac", "gmac", "kw", "camellia", "blowfish", "twofish", "with",
    "mgf", "v", "ntlm", "cram", "scram", "plus", "ssha", "crypt", "bf", "dh", "ecdhe", "rsassa",
    "rsaes", "pkcs1", "raw", "hex", "base", "a", "gcmkw", "dir", "ctr",
];

/// What stands for an algorithm on its own (`sha`, `aes`, `hmac`, `HS256`), as opposed to a
/// mode or a size that only qualifies one.
#[rustfmt::skip]
const ALGORITHM_NAMES: &[&str] = &[
    "sha", "md", "aes", "des", "tripledes", "rc", "hmac", "rsa", "dsa", "ecdsa", "ecdh", "ed",
    "eddsa", "hs", "rs", "es", "ps", "pbkdf", "bcrypt", "scrypt", "argon", "chacha", "xchacha",
    "salsa", "blake", "crc", "murmur", "xxhash", "siphash", "keccak", "shake", "ripemd", "sm",
    "gost", "camellia", "blowfish", "twofish", "ntlm", "cram", "scram", "hkdf", "cmac", "ssha",
];

/// `sha256`, `sha3-256`, `aes-256-gcm`, `HS256`, `hmac-sha1`: every letter run is a part of an
/// algorithm's name, one of them names an algorithm, and the runs of digits are sizes.
fn is_algorithm_name(lower: &[u8]) -> bool {
    if lower.len() > 40 {
        return false;
    }
    let mut named = false;
    let runs = lower.split(|b| !b.is_ascii_lowercase());
    for run in runs.filter(|run| !run.is_empty()) {
        let Ok(run) = std::str::from_utf8(run) else {
            return false;
        };
        if !ALGORITHM_PARTS.contains(&run) {
            return false;
        }
        named |= ALGORITHM_NAMES.contains(&run);
    }
    named
        && lower
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'/' | b'.' | b'+'))
}

/// Types of the standard libraries of the languages leakgate reads, lowercase: what a
/// declaration such as `password: String?` or `Token uintptr` assigns.
#[rustfmt::skip]
const BUILTIN_TYPES: &[&str] = &[
    "string", "str", "anystr", "bytes", "bytearray", "byte", "rune", "char", "int", "int8",
    "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "usize",
    "isize", "i8", "i16", "i32", "i64", "i128", "u8", "u16", "u32", "u64", "u128", "f32", "f64",
    "float", "float32", "float64", "double", "decimal", "long", "short", "bool", "boolean",
    "object", "any", "unknown", "void", "never", "option", "optional", "maybe", "result", "vec",
    "list", "array", "slice", "map", "hashmap", "btreemap", "dict", "tuple", "set", "hashset",
    "box", "rc", "arc", "cow", "cell", "refcell", "mutex", "rwlock", "uint8array", "arraybuffer",
    "buffer", "blob", "charsequence", "stringbuilder", "integer", "text", "secretstr",
    "secretstring", "secretbytes", "securestring", "zeroizing", "rawmessage", "nullstring",
    "interface", "error", "mapping", "sequence", "iterable", "union", "literal", "callable",
    "promise", "future", "observable", "nullable", "span", "readonlyspan", "memory", "cstring",
    "cstr", "osstring", "osstr", "pathbuf", "uuid", "guid", "datetime", "timedelta", "duration",
    "jsonvalue", "jsonobject", "jsonnode", "dynamic", "lpstr", "lpcstr", "lpwstr", "lpcwstr",
    "wchar", "wstring", "nsstring", "nsdata", "cfstring", "stringref", "qstring", "qbytearray",
];

/// `String?`, `*string`, `[]byte`, `&'static str`, `Option<String>`, `Optional[str]`,
/// `sql.NullString`, `std::string`, `typing.AnyStr`: a type of a standard library.
fn is_type_name(value: &[u8]) -> bool {
    let mut core = value;
    loop {
        let before = core.len();
        for prefix in [&b"[]"[..], b"*", b"&", b"?", b"...", b"^", b"'static"] {
            core = core.strip_prefix(prefix).unwrap_or(core);
        }
        if core.len() == before {
            break;
        }
    }
    // The outer type of a generic: `Option<String>`, `Optional[str]`, `Vec<u8>`.
    let end = core
        .iter()
        .position(|b| matches!(b, b'<' | b'['))
        .unwrap_or(core.len());
    let mut core = &core[..end];
    while let Some(stripped) = core
        .strip_suffix(b"?")
        .or_else(|| core.strip_suffix(b"!"))
        .or_else(|| core.strip_suffix(b"*"))
        .or_else(|| core.strip_suffix(b"&"))
    {
        core = stripped;
    }
    // A qualified name: `sql.NullString`, `std::string`, `typing.AnyStr`.
    let last = core
        .rsplit(|b| matches!(b, b'.' | b':'))
        .next()
        .unwrap_or(core)
        .to_ascii_lowercase();
    !last.is_empty() && std::str::from_utf8(&last).is_ok_and(|name| BUILTIN_TYPES.contains(&name))
}

/// A name cut at case changes and digits: `TFts5Token` is `T`, `Fts`, `5`, `Token`.
fn camel_segments(value: &[u8]) -> Vec<&[u8]> {
    let mut segments = Vec::new();
    let mut start = 0;
    for i in 1..value.len() {
        let (prev, cur) = (value[i - 1], value[i]);
        let next_lower = value.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        let boundary = prev.is_ascii_digit() != cur.is_ascii_digit()
            || (prev.is_ascii_lowercase() && cur.is_ascii_uppercase())
            || (prev.is_ascii_uppercase() && cur.is_ascii_uppercase() && next_lower);
        if boundary {
            segments.push(&value[start..i]);
            start = i;
        }
    }
    if start < value.len() {
        segments.push(&value[start..]);
    }
    segments
}

/// `SshKey`, `ed25519Key`, `TFts5Token`, `PrivKey`: a CamelCase name of a type or a value of
/// one, ending in a capitalised word, its other parts short (acronyms, sizes). Random text
/// splits into many short parts and rarely ends in a word: at most seven characters may fall
/// outside words, so a 16-character secret would need nine of its letters to spell words.
fn is_type_like_name(value: &[u8]) -> bool {
    if value.len() < 4
        || value.len() > 24
        || !value[0].is_ascii_alphabetic()
        || !value.iter().all(u8::is_ascii_alphanumeric)
        || !value.iter().any(u8::is_ascii_uppercase)
    {
        return false;
    }
    let segments = camel_segments(value);
    let Some((last, rest)) = segments.split_last() else {
        return false;
    };
    let capitalised_word = last.len() >= 3
        && last[0].is_ascii_uppercase()
        && last[1..].iter().all(u8::is_ascii_lowercase)
        && is_word_like(last);
    let residue: usize = rest
        .iter()
        .filter(|segment| !is_word_like(segment))
        .map(|segment| segment.len())
        .sum();
    capitalised_word && !rest.is_empty() && rest.len() <= 4 && residue <= 7
}

/// Extensions of source code in languages whose string literals are quoted.
#[rustfmt::skip]
const CODE_EXTENSIONS: &[&str] = &[
    "go", "rs", "py", "pyi", "js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "java", "kt",
    "kts", "scala", "groovy", "cs", "fs", "vb", "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "m",
    "mm", "swift", "rb", "php", "dart", "lua", "pl", "pm", "ex", "exs", "erl", "hs", "ml", "clj",
    "cr", "nim", "zig", "sol", "r", "jl",
];

fn is_source_code(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.rsplit_once('.').is_some_and(|(_, extension)| {
        CODE_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str())
    })
}

/// A line that is a comment, where prose and pasted values stand unquoted.
fn is_comment_line(line: &[u8]) -> bool {
    let start = line
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(line.len());
    let text = &line[start..];
    [
        &b"//"[..],
        b"#",
        b"/*",
        b"*",
        b"--",
        b";",
        b"<!--",
        b"'",
        b"%",
    ]
    .iter()
    .any(|marker| text.starts_with(marker))
}

/// Does `value` (its first occurrence) stand inside a string literal of `line`: after an odd
/// number of `"`, `'` or `` ` `` (in `"scheme=imaps,user=…"` the value is text, not code)?
fn inside_string_literal(line: &[u8], value: &[u8]) -> bool {
    let Some(at) = memchr::memmem::find(line, value) else {
        return false;
    };
    let before = &line[..at];
    [b'"', b'\'', b'`'].iter().any(|quote| {
        before
            .iter()
            .enumerate()
            .filter(|(i, b)| *b == quote && (*i == 0 || before[i - 1] != b'\\'))
            .count()
            % 2
            == 1
    })
}

/// `mcreds`, `*pcreds`, `svcSK2`, `cfg.Secret`, `@token`, `Foo::BAR`: in source code, outside a
/// comment, a name (not a long random one).
fn is_variable_in_code(value: &[u8], context: ValueContext<'_>) -> bool {
    if !is_source_code(context.path)
        || is_comment_line(context.line)
        || inside_string_literal(context.line, value)
    {
        return false;
    }
    let core = value.trim_ascii_start();
    let core = core
        .iter()
        .position(|b| !matches!(b, b'*' | b'&' | b'!' | b'@'))
        .map_or(&core[core.len()..], |i| &core[i..]);
    let core = core
        .strip_suffix(b"?")
        .or_else(|| core.strip_suffix(b"!"))
        .unwrap_or(core);
    let identifier = |part: &[u8]| {
        part.first()
            .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'$'))
            && part
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$'))
    };
    let random = |part: &[u8]| part.len() >= 12 && word_fraction(part) < 0.5;
    let mut parts = core.split(|b| matches!(b, b'.' | b':' | b'>')).filter(|p| {
        // `::` and `->` split into empty parts and a trailing `-`.
        !p.is_empty() && *p != b"-"
    });
    let parts: Vec<&[u8]> = parts
        .by_ref()
        .map(|p| p.strip_suffix(b"-").unwrap_or(p))
        .collect();
    !parts.is_empty() && parts.iter().all(|p| identifier(p) && !random(p))
}

/// `my-app-id`, `rocksdb-state-id`, `12.aaa-bbb-ccc`, `KRB5_Alice`, `string.quote`: two or more
/// parts joined by `-`, `_` or `.`, each a word in one case, a number or a short code, at
/// most one of them mixing case or letters and digits, and one at least a word.
fn is_slug(value: &[u8]) -> bool {
    if !value.iter().any(|b| matches!(b, b'-' | b'_' | b'.')) || value.len() > 64 {
        return false;
    }
    let parts: Vec<&[u8]> = value
        .split(|b| matches!(b, b'-' | b'_' | b'.'))
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2
        || !value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return false;
    }
    let one_case = |p: &[u8]| {
        p.iter().all(u8::is_ascii_lowercase)
            || p.iter().all(u8::is_ascii_uppercase)
            || (p[0].is_ascii_uppercase() && p[1..].iter().all(u8::is_ascii_lowercase))
    };
    let mut mixed = 0;
    let mut suffix = false;
    for part in &parts {
        if part.len() > 12 {
            return false;
        }
        if one_case(part) || part.iter().all(u8::is_ascii_digit) {
            continue;
        }
        if part.len() > 4 {
            // A generated suffix in lower case, as names of pods, deployments and environments
            // end (`processor-production-eed09e9f`, `checkout-api-7d4b9c6f5`): two words at
            // least before it.
            let lower_alnum = part
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
            if part.len() > 10 || !lower_alnum {
                return false;
            }
            suffix = true;
        }
        mixed += 1;
    }
    let words = parts
        .iter()
        .filter(|p| p.len() >= 3 && one_case(p) && is_word_like(&p.to_ascii_lowercase()))
        .count();
    mixed <= 1 && words >= if suffix { 2 } else { 1 }
}

/// Files that hold secrets, by name: the value names where a secret is kept.
#[rustfmt::skip]
const SECRET_FILE_NAMES: &[&str] = &[
    "passwd", "master.passwd", "shadow", "gshadow", "htpasswd", "htdigest", "netrc", "pgpass",
    "authorized_keys", "known_hosts", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "keystore",
    "truststore", "kubeconfig", "credentials", "git-credentials", "npmrc", "pypirc", "keytab",
    "krb5.keytab", "secring", "pubring", "keychain",
];

/// Extensions of key, certificate and keystore files.
#[rustfmt::skip]
const SECRET_FILE_EXTENSIONS: &[&str] = &[
    "pem", "key", "pub", "crt", "cer", "der", "csr", "p12", "pfx", "jks", "jceks", "keystore",
    "kdbx", "gpg", "asc", "pgp", "ppk", "keytab", "passwd", "htpasswd", "secret", "secrets",
    "token", "cred", "creds", "enc", "age",
];

/// `master.passwd`, `htpasswd`, `.netrc`, `id_rsa.pub`, `*.pem`, `server.key`: a file name or a
/// glob of one (a file name, unlike a secret, has no random part: a name before the extension
/// made of words or short parts).
fn is_file_name(lower: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(lower) else {
        return false;
    };
    let name = text.rsplit('/').next().unwrap_or(text);
    let name = name.trim_start_matches('.');
    if SECRET_FILE_NAMES.contains(&name) {
        return true;
    }
    let Some((stem, extension)) = name.rsplit_once('.') else {
        return false;
    };
    SECRET_FILE_EXTENSIONS.contains(&extension)
        && (stem == "*"
            || SECRET_FILE_NAMES.contains(&stem)
            || (stem
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'*'))
                && (word_fraction(stem.as_bytes()) >= 0.5 || stem.len() <= 6)))
}

/// `/$file_pwd`, `$HOME/.token`, `key-$env`, `$DB_PASS`: a `$` and a variable's name (words or
/// an upper-case name) inside the value. `kP3$vX9qLm2z` is kept: after its `$`, `vX9qLm2z`
/// names nothing.
fn has_interpolated_variable(value: &[u8]) -> bool {
    value.iter().enumerate().any(|(i, b)| {
        if *b != b'$' {
            return false;
        }
        let name_len = value[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        let name = &value[i + 1..i + 1 + name_len];
        // One case: `$file_pwd`, `$secret`, `$DB_PASS`. Random text mixes them (`$X3Jfa`), and
        // a short lower-case run (`$jopq`) turns up in it by chance.
        let lower_name = name
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_');
        // An upper-case name joins words with `_` (`$DB_PASS`) or starts a path (`$HOME/`).
        let upper_name = is_env_var_name(name)
            && name.len() <= 24
            && ((name.contains(&b'_') && name.split(|b| *b == b'_').all(|w| w.len() >= 2))
                || value.get(i + 1 + name.len()) == Some(&b'/'));
        name.len() >= 4
            && name[0].is_ascii_alphabetic()
            && ((lower_name
                && ((name.contains(&b'_') && word_fraction(name) >= 0.5)
                    || (name.len() >= 6 && is_word_like(name))))
                || upper_name)
    })
}

/// `` `+expected1+` ``, `+ name`, or a literal written `… + "x"` / `"x" + …`: one piece of a
/// string built in code. Not a long random piece.
fn is_concatenation_piece(value: &[u8], context: ValueContext<'_>) -> bool {
    let random = value.len() >= 12 && word_fraction(value) < 0.5;
    if random {
        return false;
    }
    // `` `+expected1+` `` closes one string literal and opens the next around the name.
    let inner = value
        .trim_ascii()
        .strip_prefix(b"`")
        .and_then(|v| v.strip_suffix(b"`"))
        .unwrap_or(value.trim_ascii());
    // Both edges: base64 ends (or starts) with `+` one time in 64.
    let edged = inner.len() > 2 && inner.first() == Some(&b'+') && inner.last() == Some(&b'+');
    let name = inner.strip_prefix(b"+").unwrap_or(inner);
    let name = name.strip_suffix(b"+").unwrap_or(name).trim_ascii();
    let spliced_name = edged
        && name
            .first()
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && name
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$'));
    let beside_plus = context.quoted
        && (context.followed_by.trim_ascii_start().first() == Some(&b'+')
            || context
                .preceded_by
                .iter()
                .rev()
                .skip(1)
                .find(|b| !b.is_ascii_whitespace())
                == Some(&b'+'));
    spliced_name || beside_plus
}

/// Split a key like `AWS_SECRET_ACCESS_KEY`, `clientSecret`, `spring.datasource.password` or
/// `--api-key` into lowercase words.
pub fn key_words(key: &[u8]) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev: Option<u8> = None;
    for (i, &b) in key.iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev = None;
            continue;
        }
        let next_is_lower = key.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        let boundary = match prev {
            // fooBar
            Some(p) if p.is_ascii_lowercase() && b.is_ascii_uppercase() => true,
            // APIKey: the `K` starts a new word because `e` follows it.
            Some(p) if p.is_ascii_uppercase() && b.is_ascii_uppercase() && next_is_lower => true,
            _ => false,
        };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(b.to_ascii_lowercase() as char);
        prev = Some(b);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Words that name a secret when they end a key (`db_password`, `auth_token`, `GITHUB_PAT`).
#[rustfmt::skip]
const SECRET_WORDS: &[&str] = &[
    "password", "passwd", "passphrase", "pass", "pwd", "pw", "secret", "token", "apikey",
    "credential", "credentials", "creds", "auth", "authtoken", "pat", "accesstoken",
    "refreshtoken", "clientsecret", "secretkey", "privatekey", "accesskey", "masterkey",
    "signingkey", "encryptionkey", "authkey", "appkey", "sessionkey", "dbpassword", "dbpass",
    "adminpassword", "rootpassword", "userpassword", "apitoken", "apisecret", "authorization",
];

/// Suffix forms found in concatenated keys (`dbpassword`, `githubtoken`).
#[rustfmt::skip]
const SECRET_SUFFIXES: &[&str] = &[
    "password", "passwd", "passphrase", "secret", "token", "apikey", "credentials",
];

/// Qualifiers that make `key` a secret (`api_key`, `PRIVATE_KEY`); a bare `key` is too generic.
#[rustfmt::skip]
const SECRET_KEY_QUALIFIERS: &[&str] = &[
    "api", "secret", "private", "access", "master", "signing", "sign", "encryption", "encrypt",
    "enc", "crypt", "crypto", "cipher", "auth", "app", "client", "license", "licence", "service",
    "account", "storage", "subscription", "admin", "root", "session", "hmac", "jwt", "aes", "ssh",
    "gpg", "pgp", "deploy", "webhook", "write", "shared", "server", "consumer", "bot", "rest",
    "instance", "integration", "personal", "management", "mgmt", "ingest", "license", "dev",
    "prod", "live", "openai", "anthropic", "stripe", "sendgrid", "mailgun", "twilio", "github",
    "gitlab", "slack", "google", "gcp", "azure", "aws", "firebase", "algolia", "datadog", "sentry",
    "pusher", "mapbox", "maps", "heroku", "npm", "pypi", "huggingface", "hf", "cohere", "groq",
    "mistral", "gemini", "pinecone", "supabase", "vercel", "netlify", "cloudflare", "shopify",
    "paypal", "braintree", "square", "postmark", "mailchimp", "mandrill", "segment", "mixpanel",
    "amplitude", "newrelic", "honeycomb", "launchdarkly", "okta", "auth0", "twitter", "facebook",
    "linkedin", "discord", "telegram", "dropbox", "box", "jira", "atlassian", "confluence",
    "notion", "airtable", "asana", "linear", "zendesk", "intercom", "hubspot", "salesforce",
];

/// What stands before `pat` when it means a personal access token.
#[rustfmt::skip]
const PAT_QUALIFIERS: &[&str] = &[
    "github", "gh", "gitlab", "gl", "azure", "ado", "devops", "bitbucket", "personal", "access",
    "hf", "npm", "git", "atlassian", "jira",
];

/// Words that, ending a key, make it not a secret even after a secret word (`password_hash`).
#[rustfmt::skip]
const NON_SECRET_TAIL_WORDS: &[&str] = &[
    "name", "names", "id", "ids", "type", "types", "file", "files", "path", "paths", "dir", "url",
    "uri", "urls", "endpoint", "length", "len", "size", "count", "min", "max", "timeout", "ttl",
    "expiry", "expires", "expiration", "expire", "exp", "lifetime", "age", "header", "headers",
    "field", "fields", "param", "params", "prefix", "suffix", "format", "version", "policy",
    "policies", "rotation", "label", "hint", "prompt", "placeholder", "description", "desc",
    "message", "msg", "title", "text", "pattern", "regex", "validation", "valid", "validator",
    "required", "enabled", "enable", "disabled", "strength", "hash", "hashed", "digest", "sha",
    "sha1", "sha256", "md5", "checksum", "fingerprint", "algorithm", "algo", "method", "mode",
    "style", "class", "icon", "input", "button", "link", "route", "location", "ref", "reference",
    "arn", "env", "var", "variable", "source", "provider", "store", "manager", "service", "client",
    "helper", "util", "utils", "handler", "error", "errors", "status", "state", "flag", "enabled",
    "set", "exists", "present", "used", "index", "idx", "list", "map", "kind", "mask", "masked",
    "len", "chars", "characters", "bits", "bytes", "usage", "limit", "limits", "rules", "rule",
    "config", "settings", "options", "key", "keys",
];

/// Words that, starting a key, make it a flag or an action rather than a value (`is_secret`).
#[rustfmt::skip]
const NON_SECRET_HEAD_WORDS: &[&str] = &[
    "is", "has", "use", "show", "hide", "enable", "disable", "require", "requires", "allow", "get",
    "set", "fetch", "load", "read", "parse", "validate", "generate", "create", "update", "delete",
    "remove", "forgot", "no", "without", "min", "max", "num", "count", "public", "publishable",
    "pub", "primary", "foreign", "sort", "partition", "cache", "hash", "range", "idempotency",
    "object", "lookup", "translation", "i18n", "dedupe", "unique", "composite", "row", "group",
    "event", "routing", "shortcut", "hot", "next", "page", "csrf", "xsrf", "continuation",
    "cancellation", "pagination", "starting", "start", "resume", "sync", "change", "input",
    "output", "last", "exclusive", "marker", "nextpage",
];

/// Words that, right before `token`, name a token that is not a credential: lexical and markup
/// tokens, style and design tokens, paging, cancellation and concurrency tokens.
#[rustfmt::skip]
const TOKEN_KINDS: &[&str] = &[
    "stylesheet", "style", "css", "scope", "design", "theme", "color", "font", "spacing", "lexer",
    "lexical", "syntax", "grammar", "parser", "parse", "word", "text", "string", "char",
    "punctuation", "operator", "keyword", "literal", "comment", "template", "markup", "html",
    "jsx", "ast", "sort", "page", "pagination", "continuation", "cancel", "cancellation", "resume",
    "sync", "change", "idempotency", "correlation", "cursor", "seek", "lock", "fencing", "lease",
    "progress", "input", "output", "prompt", "completion", "context", "special", "bos", "eos",
    "pad", "unk", "sep", "cls", "mask", "stop", "end", "start", "split", "delimiter", "invalid",
    "unexpected", "expected", "current", "next", "prev", "previous", "peek",
];

/// Words at the end of a key that say how the value is written, not what it is (`key_pem`).
#[rustfmt::skip]
const ENCODING_TAIL_WORDS: &[&str] = &[
    "value", "val", "str", "string", "b64", "base64", "pem", "hex", "raw", "plain", "plaintext",
    "data", "base",
];

/// The words of a key that say what it holds: trailing digits dropped (`password2`), and
/// trailing words that say how it is written (`password_b64`: see `ENCODING_TAIL_WORDS`).
pub fn meaning_words(key: &[u8]) -> Vec<String> {
    let mut words: Vec<String> = key_words(key)
        .into_iter()
        .map(|w| w.trim_end_matches(|c: char| c.is_ascii_digit()).to_owned())
        .filter(|w| !w.is_empty())
        .collect();
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| ENCODING_TAIL_WORDS.contains(&w.as_str()))
    {
        words.pop();
    }
    words
}

/// Does this key name a secret? (`DB_PASSWORD`, `apiKey`, `client_secret`, `GITHUB_PAT`: yes;
/// `password_hash`, `token_url`, `primary_key`, `max_tokens`: no.)
pub fn key_names_secret(key: &[u8]) -> bool {
    thread_local! {
        static LAST: KeyVerdict = const { std::cell::RefCell::new(None) };
    }
    remembered(&LAST, key, judge_key_names_secret)
}

/// The last key a judgment was asked about on this thread, with its verdict.
pub(crate) type KeyVerdict = std::cell::RefCell<Option<(Vec<u8>, bool)>>;

/// `judge(key)`, remembered for the last key asked: a file repeats its keys (`password=` on
/// every line of a long line), and judging one splits it into words, which allocates.
pub(crate) fn remembered(
    last: &'static std::thread::LocalKey<KeyVerdict>,
    key: &[u8],
    judge: fn(&[u8]) -> bool,
) -> bool {
    last.with(|last| {
        let Ok(mut last) = last.try_borrow_mut() else {
            return judge(key);
        };
        match last.as_ref() {
            Some((known, verdict)) if known.as_slice() == key => *verdict,
            _ => {
                let verdict = judge(key);
                *last = Some((key.to_vec(), verdict));
                verdict
            }
        }
    })
}

fn judge_key_names_secret(key: &[u8]) -> bool {
    let words = meaning_words(key);
    let Some(last) = words.last() else {
        return false;
    };
    if words
        .first()
        .is_some_and(|w| NON_SECRET_HEAD_WORDS.contains(&w.as_str()))
        && words.len() > 1
    {
        return false;
    }
    let last = last.as_str();
    if last == "key" {
        let Some(qualifier) = words.len().checked_sub(2).map(|i| words[i].as_str()) else {
            return false;
        };
        let all_upper = key.iter().all(|b| !b.is_ascii_lowercase());
        return SECRET_KEY_QUALIFIERS.contains(&qualifier)
            || SECRET_WORDS.contains(&qualifier)
            || (all_upper
                && !NON_SECRET_HEAD_WORDS.contains(&qualifier)
                && !NON_SECRET_TAIL_WORDS.contains(&qualifier));
    }
    if last == "pat" {
        // `GITHUB_PAT` is a token; `IPV4_PAT` is a pattern.
        let qualifier = words.len().checked_sub(2).map(|i| words[i].as_str());
        return qualifier.is_some_and(|q| PAT_QUALIFIERS.contains(&q));
    }
    if last == "pw" {
        return words.len() >= 2;
    }
    if last == "token"
        && words
            .len()
            .checked_sub(2)
            .is_some_and(|i| TOKEN_KINDS.contains(&words[i].as_str()))
    {
        // `stylesheetToken`, `lexer_token`, `cancellation_token`: a token of a language, a
        // style or a protocol, not a credential.
        return false;
    }
    if SECRET_WORDS.contains(&last) {
        return true;
    }
    if NON_SECRET_TAIL_WORDS.contains(&last) {
        return false;
    }
    SECRET_SUFFIXES
        .iter()
        .any(|s| last.len() > s.len() && last.ends_with(s))
        || last
            .strip_suffix("key")
            .is_some_and(|qualifier| SECRET_KEY_QUALIFIERS.contains(&qualifier))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_keys_into_words() {
        assert_eq!(
            key_words(b"AWS_SECRET_ACCESS_KEY"),
            ["aws", "secret", "access", "key"]
        );
        assert_eq!(key_words(b"clientSecret"), ["client", "secret"]);
        assert_eq!(key_words(b"APIKey"), ["api", "key"]);
        assert_eq!(key_words(b"--db-password"), ["db", "password"]);
        assert_eq!(
            key_words(b"spring.datasource.password"),
            ["spring", "datasource", "password"]
        );
    }

    #[test]
    fn secret_keys_are_recognised() {
        for key in [
            "password",
            "DB_PASSWORD",
            "dbPassword",
            "api_key",
            "apiKey",
            "API-KEY",
            "client_secret",
            "clientSecret",
            "GITHUB_TOKEN",
            "auth_token",
            "GITHUB_PAT",
            "secret",
            "SECRET_KEY",
            "secret_key_base",
            "private_key",
            "access_key",
            "passwd",
            "pwd",
            "credentials",
            "STRIPE_KEY",
            "apikey",
            "authtoken",
            "password2",
            "x-api-key",
            "spring.datasource.password",
            "AccessToken",
            "_auth",
            "db_pass",
            "GITHUB_PAT",
        ] {
            assert!(
                key_names_secret(key.as_bytes()),
                "{key} should name a secret"
            );
        }
    }

    #[test]
    fn non_secret_keys_are_rejected() {
        for key in [
            "password_hash",
            "token_url",
            "PASSWORD_FILE",
            "token_type",
            "TOKEN_EXPIRY",
            "secret_name",
            "key_id",
            "PASSWORD_MIN_LENGTH",
            "password_field",
            "passwordPolicy",
            "max_tokens",
            "primary_key",
            "sort_key",
            "key",
            "public_key",
            "PUBLIC_KEY",
            "is_secret",
            "show_password",
            "tokenizer",
            "secretary",
            "author",
            "keyboard",
            "cache_key",
            "input_tokens",
            "csrf_token",
            "next_page_token",
            "secretRef",
            "secret_arn",
            "IPV4_PAT",
            "starting-token",
            "output_token",
            "stylesheetToken",
            "legacyStylesheetToken",
            "lexer_token",
            "design-token",
            "cancellationToken",
            "auth_method",
            "password_policy",
            "password_hash_algorithm",
            "TOKEN_ENV",
            "secret_count",
            "token_ttl",
            "auth_endpoint",
            "max_password_length",
            "has_token",
        ] {
            assert!(
                !key_names_secret(key.as_bytes()),
                "{key} should not name a secret"
            );
        }
    }

    fn generic(value: &str) -> Option<&'static str> {
        generic_value_reason(
            value.as_bytes(),
            ValueContext {
                quoted: true,
                ..ValueContext::default()
            },
            2.5,
        )
    }

    fn unquoted(value: &str) -> Option<&'static str> {
        generic_value_reason(value.as_bytes(), ValueContext::default(), 2.5)
    }

    #[test]
    fn real_looking_values_pass() {
        for value in [
            "q8#Lm2vR!xT9",
            "Tr0ub4dor&3",
            "d41f8c2e9b7a4c1d8e3f6a5b2c9d0e7f",
            "Zk2mP9xQ4vL8nR3tW6yB",
            "Welcome123!",
            "L46%s34MqAd%gPPF",
            "cu4lg26ofcziixny",
            "deadbeef4c0ffee7a1b2c3d4e5f60718",
            "D|Z}<qqwK8hD#kfBF{uWM,tq^+{UzX&}35b",
            "I!*+GeD11!f+v%Lu.S1XynoyY%Hueh",
            "6*ZKxXwtGPx39VJ6",
            "kP3$vX9qLm2z",
        ] {
            assert_eq!(generic(value), None, "{value} should pass");
        }
    }

    #[test]
    fn rejected_values_are_named_by_the_check_that_caught_them() {
        for (value, reason) in [
            ("", EMPTY),
            ("${DB_PASSWORD}", PLACEHOLDER),
            ("$PASSWORD", REFERENCE),
            ("{{ .Values.password }}", PLACEHOLDER),
            ("<your-api-key>", PLACEHOLDER),
            ("<api-token>", ANGLE),
            ("%(password)s", REFERENCE),
            ("process.env.API_KEY", REFERENCE),
            ("changeme", PLACEHOLDER),
            ("example", PLACEHOLDER),
            ("xxxxxxxx", PLACEHOLDER),
            ("********", PLACEHOLDER),
            ("AKIAIOSFODNN7EXAMPLE", DOCUMENTED),
            ("Zq8vT3mmmmmmL9", RUN),
            ("null", SHORT),
            ("None", SHORT),
            ("true", SHORT),
            ("test", SHORT),
            ("Zq8v T3mL9x", WHITESPACE),
            ("Zq8vT3mL\u{e9}9x", NON_ASCII),
            ("123e4567-e89b-12d3-a456-426614174000", UUID),
            ("YOUR_API_KEY_HERE", PLACEHOLDER),
            ("DB_PASSWORD", VARIABLE),
            ("my-app-secret", WORDY),
            ("Passwort", WORDY),
            ("3600", SHORT),
            ("30s", SHORT),
            ("86400s", DURATION),
            ("2024-01-15", NUMBER),
            ("/run/secrets/db", REFERENCE),
            ("/srv/q9x/zk2.pem", PATH),
            ("k8s-x9q.internal", PATH),
            ("https://oauth2.googleapis.com/token", REFERENCE),
            ("password123", STOPWORD),
            ("hunter2", STOPWORD),
            ("NextPageToken", WORDY),
            ("fs.s3.consistent", WORDY),
            ("Access-Control-Allow-Credentials", WORDY),
            ("webdavgeneratedpassword2", WORDY),
            ("[0-9A-Fa-f]{1,4}", PATTERN),
            ("share-{portfolio_id}", PATTERN),
            ("attr_%s", PATTERN),
            ("arn:aws:iam::aws:policy/X", URL),
            ("CRAM-MD5", VARIABLE),
            ("abcd1234defg5678", SEQUENCE),
            ("fileb://ImportToken.bin", URL),
            ("1024u32", NUMERIC_LITERAL),
            ("0xC002002F_u32", NUMERIC_LITERAL),
            ("-2147217308i32", NUMERIC_LITERAL),
            (":tcflag_t", SYMBOL),
            ("sk_test_8sCQNHQthj94WZ4aayA4UCGp", TEST_KEY),
            ("user-{0}-x", PATTERN),
            ("a2cs3456-67cd-890b-1cd2-c3a4567d89f1", UUID),
            ("1a1a1a1b", LOW_ENTROPY),
        ] {
            assert_eq!(generic(value), reason, "{value:?}");
        }
    }

    #[test]
    fn unquoted_expressions_are_named_as_code() {
        for (value, reason) in [
            ("self.token", REFERENCE),
            ("get_password()", EXPRESSION),
            ("config.api_key", REFERENCE),
            ("request.form", REFERENCE),
            ("apiKey", STOPWORD),
            ("os.environ", REFERENCE),
            ("crt_s3_creds", EXPRESSION),
            ("base64.b64encode", EXPRESSION),
            ("DB_PASSWORD", EXPRESSION),
            ("Zk2mP9xQ4vL8", KEPT),
            ("KeJWaktrCEtfFAWt", KEPT),
            ("ya29.a0AfH6SMBx7Kq2mZ9vLp3Rt8Wn", KEPT),
        ] {
            assert_eq!(unquoted(value), reason, "{value}");
        }
        // Quoted, the same text is a literal: judged by what it is.
        assert_eq!(generic("get_password()"), WORDY);
        assert_eq!(generic("crt_s3_creds"), SLUG);
        assert_eq!(generic("DB_PASSWORD"), VARIABLE);
        let before = |followed_by: &'static [u8], quoted| ValueContext {
            quoted,
            followed_by,
            ..ValueContext::default()
        };
        assert_eq!(
            generic_value_reason(b"b64decode", before(b"()", false), 2.5),
            CALL
        );
        assert_eq!(
            generic_value_reason(b"b64decode", before(b"", false), 2.5),
            WORDY
        );
        let random = b"Zk2mP9xQ4vL8";
        assert_eq!(
            generic_value_reason(random, before(b"[0", false), 2.5),
            CALL
        );
        assert_eq!(
            generic_value_reason(random, before(b".x", false), 2.5),
            CALL
        );
        assert_eq!(generic_value_reason(random, before(b"(", true), 2.5), KEPT);
        for next in [&b"<b"[..], b"{{", b"$S", b"%s"] {
            assert_eq!(
                generic_value_reason(random, before(next, true), 2.5),
                TEMPLATE
            );
        }
        assert_eq!(generic_value_reason(random, before(b"</", true), 2.5), KEPT);
    }

    #[test]
    fn hex_is_a_digest_only_when_the_line_says_so() {
        let hex = b"3f2a9c8e7d6b5a4f3e2d1c0b9a8f7e6d5c4b3a29";
        let on = |line: &'static [u8]| ValueContext {
            quoted: true,
            line,
            ..ValueContext::default()
        };
        assert_eq!(
            generic_value_reason(hex, on(b"commit_token: 3f2a"), 2.5),
            DIGEST
        );
        assert_eq!(
            generic_value_reason(hex, on(b"CHECKSUM_KEY=3f2a"), 2.5),
            DIGEST
        );
        assert_eq!(generic_value_reason(hex, on(b"api_token: 3f2a"), 2.5), KEPT);
    }

    #[test]
    fn long_blobs_keep_zero_runs_and_chance_markers() {
        let body = format!(
            "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC{}FAKEx{}",
            "AAAAAAAA",
            "Zq8vT3mL9xK2pR7w".repeat(20)
        );
        assert_eq!(placeholder_reason(body.as_bytes()), KEPT);
        assert_eq!(
            placeholder_reason(format!("{body}...").as_bytes()),
            PLACEHOLDER
        );
        assert_eq!(placeholder_reason(b"sk-proj-AAAAAAAAAAAAAAAAAAAAAAAA"), RUN);
        assert_eq!(placeholder_reason(b"<Zq8vT3mL9x>"), ANGLE);
        assert_eq!(placeholder_reason(b"AKIAIOSFODNN7EXAMPLE"), DOCUMENTED);
        // The emulators' published keys, as written (mixed case).
        for emulator in [
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
            "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==",
        ] {
            assert_eq!(placeholder_reason(emulator.as_bytes()), DOCUMENTED);
        }
    }

    /// Every check in the table names at least one value in these tests: a check added without
    /// a test, or one whose reason no input reaches any more, fails here.
    #[test]
    fn every_check_names_some_value() {
        let too_long = "Zq8vT3mL9xK2pR7w".repeat(33);
        let mut named: Vec<Option<&str>> = JUDGED
            .iter()
            .flat_map(|(value, _)| judge_in_every_context(value))
            .collect();
        named.push(generic(&too_long));
        named.extend(IN_CONTEXT.iter().map(|case| judge_in_context(case)));
        for check in CHECKS {
            assert!(
                named.contains(&Some(check.reason)),
                "no test value is named {:?}",
                check.reason
            );
        }
    }

    /// A value judged where it stands: its file, its line, what is around it.
    struct InContext {
        value: &'static str,
        path: &'static str,
        line: &'static str,
        quoted: bool,
        preceded_by: &'static str,
        followed_by: &'static str,
        expected: Option<&'static str>,
    }

    const BARE: InContext = InContext {
        value: "",
        path: "",
        line: "",
        quoted: false,
        preceded_by: "",
        followed_by: "",
        expected: KEPT,
    };

    fn judge_in_context(case: &InContext) -> Option<&'static str> {
        let context = ValueContext {
            quoted: case.quoted,
            line: case.line.as_bytes(),
            followed_by: case.followed_by.as_bytes(),
            preceded_by: case.preceded_by.as_bytes(),
            path: case.path,
        };
        generic_value_reason(case.value.as_bytes(), context, 2.5)
    }

    #[rustfmt::skip]
    const IN_CONTEXT: &[InContext] = &[
        // Unquoted names in source code are variables; in config, or in a comment, or when long
        // and random, they are values.
        InContext { value: "mcreds", path: "cmd/ftp.go", line: "\t\tCreds: mcreds,", expected: CODE_VARIABLE, ..BARE }, // leakgate:allow
        InContext { value: "svcSK2", path: "cmd/admin_test.go", line: "  NewSecretKey: svcSK2,", expected: CODE_VARIABLE, ..BARE }, // leakgate:allow
        InContext { value: "*pcreds", path: "lib/creds.c", line: "struct Curl_creds *creds = *pcreds;", expected: CODE_VARIABLE, ..BARE }, // leakgate:allow
        InContext { value: "cfg.Secret", path: "app/Main.kt", line: "val token = cfg.Secret", expected: EXPRESSION, ..BARE }, // leakgate:allow
        InContext { value: "cfg.svcSK2", path: "app/Main.kt", line: "val token = cfg.svcSK2", expected: CODE_VARIABLE, ..BARE }, // leakgate:allow
        InContext { value: "@svcSK2", path: "app/client.rb", line: "  password: @svcSK2,", expected: CODE_VARIABLE, ..BARE }, // leakgate:allow
        InContext { value: "mcreds", path: "config/app.yml", line: "creds: mcreds", ..BARE }, // leakgate:allow
        InContext { value: "mcreds", path: "cmd/ftp.go", line: "// creds: mcreds", ..BARE }, // leakgate:allow
        InContext { value: "Zq8vT3mL9xK2pR7w", path: "cmd/ftp.go", line: "\ttoken: Zq8vT3mL9xK2pR7w", ..BARE }, // leakgate:allow
        InContext { value: "mcreds", path: "cmd/ftp.go", line: "\tCreds: \"mcreds\",", quoted: true, ..BARE }, // leakgate:allow
        InContext { value: "p4ssw0rd", path: "tests/lib1560.c", line: "  \"scheme=imaps,password=p4ssw0rd,\",", ..BARE }, // leakgate:allow
        // The rest of a URL's authority, when the line holds a URL.
        InContext { value: "secretKey@replica-endpoint:9000/destbucket", line: "mc admin bucket remote add https://accessKey:secretKey@replica-endpoint:9000/destbucket", expected: USER_AT_HOST, ..BARE }, // leakgate:allow
        InContext { value: "EXTERNAL@db.internal", line: "pop3://user;AUTH=EXTERNAL@db.internal", expected: USER_AT_HOST, ..BARE }, // leakgate:allow
        InContext { value: "secretKey@replica-endpoint:9000/destbucket", line: "key: secretKey@replica-endpoint:9000/destbucket", ..BARE }, // leakgate:allow
        InContext { value: "n4T!7qWz@e2R", line: "see https://x.io; password=n4T!7qWz@e2R", ..BARE }, // leakgate:allow
        // Literals beside a `+`: pieces of a string built in code, unless long and random.
        InContext { value: "usr9=", quoted: true, preceded_by: " \"", followed_by: " +", expected: SHORT, ..BARE },
        InContext { value: "usr9=q2", quoted: true, preceded_by: " \"", followed_by: " +", expected: CONCATENATION, ..BARE },
        InContext { value: "q8Lm2vRxT9", quoted: true, preceded_by: "= \"", followed_by: " +", expected: CONCATENATION, ..BARE },
        InContext { value: "q8Lm2vRxT9", quoted: true, preceded_by: "+ \"", followed_by: "\";", expected: CONCATENATION, ..BARE },
        InContext { value: "Zq8vT3mL9xK2pR7w", quoted: true, preceded_by: "+ \"", followed_by: "\";", ..BARE },
        InContext { value: "q8Lm2vRxT9", quoted: true, preceded_by: "= \"", followed_by: "\";", ..BARE },
    ];

    #[test]
    fn values_are_judged_by_where_they_stand() {
        let wrong: Vec<String> = IN_CONTEXT
            .iter()
            .filter_map(|case| {
                let got = judge_in_context(case);
                (got != case.expected).then(|| {
                    format!(
                        "{:?} in {:?} ({:?}): got {got:?}, want {:?}",
                        case.value, case.path, case.line, case.expected
                    )
                })
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// A small deterministic generator (xorshift64*), so that a failure names a seed.
    struct Random(u64);

    impl Random {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
        }

        fn string(&mut self, alphabet: &[u8], len: usize) -> String {
            (0..len)
                .map(|_| alphabet[self.below(alphabet.len())] as char)
                .collect()
        }
    }

    /// Generated secrets, 16 to 64 random characters from the alphabets generators use, some
    /// starting with a dictionary word, pass every check: quoted in code, and unquoted in a
    /// configuration file. (Unquoted in source code a name is a variable, whatever it looks
    /// like: `is_variable_in_code` keeps only long random ones, tested above.)
    #[test]
    fn generated_secrets_pass_every_check() {
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        const WORDS: &[&str] = &[
            "password", "Password", "secret", "Token", "admin", "master", "dragon", "Summer",
            "welcome", "monkey", "string", "access", "sha", "key", "auth", "type",
        ];
        let alphabets: [Vec<u8>; 6] = [
            ALNUM.to_vec(),
            [ALNUM, b"!#%^*~"].concat(),
            [ALNUM, b"!@#^&*-_+=~.:%$"].concat(),
            [ALNUM, b"+/"].concat(),
            [ALNUM, b"-_"].concat(),
            b"0123456789abcdef".to_vec(),
        ];
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        let mut dropped = Vec::new();
        for round in 0..4000 {
            let alphabet = &alphabets[round % alphabets.len()];
            let len = 16 + random.below(49);
            let word = if round % 2 == 1 {
                WORDS[random.below(WORDS.len())]
            } else {
                ""
            };
            let secret = format!("{word}{}", random.string(alphabet, len - word.len()));
            let quoted = format!("api_key = \"{secret}\"");
            let unquoted = format!("api_key: {secret}");
            let contexts = [
                ValueContext {
                    quoted: true,
                    line: quoted.as_bytes(),
                    followed_by: b"\"",
                    preceded_by: b"= \"",
                    path: "app/settings.py",
                },
                ValueContext {
                    quoted: false,
                    line: unquoted.as_bytes(),
                    followed_by: b"\n",
                    preceded_by: b": ",
                    path: "config/app.yml",
                },
            ];
            for context in contexts {
                if let Some(reason) = generic_value_reason(secret.as_bytes(), context, 2.5) {
                    dropped.push((reason, format!("{secret} (quoted: {})", context.quoted)));
                }
            }
        }
        // The context-aware checks drop none of them.
        let context_aware = [
            SIGNING_SCOPE,
            USER_AT_HOST,
            VERSION_RANGE,
            ALGORITHM,
            TYPE,
            CODE_VARIABLE,
            SLUG,
            FILE_NAME,
            INTERPOLATED,
            CONCATENATION,
        ];
        let by_new: Vec<&(&str, String)> = dropped
            .iter()
            .filter(|(reason, _)| context_aware.contains(&Some(*reason)))
            .collect();
        assert!(
            by_new.is_empty(),
            "dropped by a context-aware check: {by_new:#?}"
        );
        // The older shape checks still drop about one and a half in a hundred (a leading `$`
        // is a reference, a leading `:` a Ruby symbol, `A-Z` or `%l` inside a value a pattern,
        // a word prefix plus pronounceable runs a word): a bound, so that a looser check
        // fails here.
        assert!(
            dropped.len() * 100 <= 8000 * 2,
            "{} of 8000 dropped: {dropped:#?}",
            dropped.len()
        );
    }

    // The reasons, spelled out here rather than taken from the code, so that renaming,
    // reordering or dropping a check makes a test fail.
    const KEPT: Option<&str> = None;
    const EMPTY: Option<&str> = Some("empty value");
    const DOCUMENTED: Option<&str> = Some("documented example key");
    const PLACEHOLDER: Option<&str> = Some("placeholder text");
    const ANGLE: Option<&str> = Some("placeholder in angle brackets");
    const RUN: Option<&str> = Some("run of repeated characters");
    const REFERENCE: Option<&str> = Some("reference to a secret kept elsewhere");
    const SHORT: Option<&str> = Some("too short");
    const LONG: Option<&str> = Some("too long for a password or token");
    const WHITESPACE: Option<&str> = Some("contains whitespace: prose, not a secret");
    const NON_ASCII: Option<&str> = Some("non-ASCII text");
    const STOPWORD: Option<&str> = Some("placeholder word");
    const NUMBER: Option<&str> = Some("a number, a date or a version");
    const NUMERIC_LITERAL: Option<&str> = Some("a number literal");
    const SYMBOL: Option<&str> = Some("a symbol or a path in code");
    const DURATION: Option<&str> = Some("a duration or a size");
    const UUID: Option<&str> = Some("a UUID");
    const URL: Option<&str> = Some("a URL or a resource name");
    const PATTERN: Option<&str> = Some("a regular expression or a format template");
    const SEQUENCE: Option<&str> = Some("a sequence such as abcd1234");
    const CALL: Option<&str> = Some("an expression: a call or an index");
    const TEMPLATE: Option<&str> = Some("part of a template");
    const TEST_KEY: Option<&str> = Some("a test or publishable key, not a secret");
    const DIGEST: Option<&str> = Some("a digest");
    const EXPRESSION: Option<&str> = Some("an identifier or expression, not a literal");
    const VARIABLE: Option<&str> = Some("the name of a variable");
    const WORDY: Option<&str> = Some("a word or identifier");
    const PATH: Option<&str> = Some("a path, file name or host name");
    const LOW_ENTROPY: Option<&str> = Some("too little randomness");
    const SIGNING_SCOPE: Option<&str> = Some("a signing scope");
    const USER_AT_HOST: Option<&str> = Some("a user and a host: part of a URL");
    const VERSION_RANGE: Option<&str> = Some("a version range");
    const ALGORITHM: Option<&str> = Some("an algorithm name");
    const TYPE: Option<&str> = Some("a type name");
    const CODE_VARIABLE: Option<&str> = Some("a variable in source code");
    const SLUG: Option<&str> = Some("an id or a slug made of words");
    const FILE_NAME: Option<&str> = Some("a well-known file name");
    const INTERPOLATED: Option<&str> = Some("an interpolated variable");
    const CONCATENATION: Option<&str> = Some("a piece of a concatenation");

    /// Each input with what `placeholder_reason` says, then what `generic_value_reason` says
    /// (minimum entropy 2.5) when the value is: quoted; unquoted; unquoted before `()`; quoted
    /// on a line that mentions a digest; quoted before `<b`. Recorded from the checks as they
    /// were before they became a table: the behaviour the table must keep.
    #[rustfmt::skip]
    const JUDGED: &[(&str, [Option<&str>; 6])] = &[
        ("q8#Lm2vR!xT9", [KEPT, KEPT, KEPT, CALL, KEPT, TEMPLATE]),
        ("Tr0ub4dor&3", [KEPT, KEPT, KEPT, CALL, KEPT, TEMPLATE]),
        ("d41f8c2e9b7a4c1d8e3f6a5b2c9d0e7f", [KEPT, KEPT, KEPT, CALL, DIGEST, TEMPLATE]),
        ("Zk2mP9xQ4vL8nR3tW6yB", [KEPT, KEPT, KEPT, CALL, KEPT, TEMPLATE]),
        ("Welcome123!", [KEPT, KEPT, KEPT, CALL, KEPT, TEMPLATE]),
        ("L46%s34MqAd%gPPF", [KEPT, KEPT, KEPT, CALL, KEPT, TEMPLATE]),
        ("cu4lg26ofcziixny", [KEPT, KEPT, KEPT, CALL, KEPT, TEMPLATE]),
        ("deadbeef4c0ffee7a1b2c3d4e5f60718", [KEPT, KEPT, KEPT, CALL, DIGEST, TEMPLATE]),
        ("D|Z}<qqwK8hD#kfBF{uWM,tq^+{UzX&}35b", [KEPT, KEPT, KEPT, CALL, KEPT, TEMPLATE]),
        ("", [KEPT, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY]),
        ("${DB_PASSWORD}", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("$PASSWORD", [KEPT, REFERENCE, REFERENCE, REFERENCE, REFERENCE, REFERENCE]),
        ("{{ .Values.password }}", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("<your-api-key>", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("%(password)s", [KEPT, REFERENCE, REFERENCE, REFERENCE, REFERENCE, REFERENCE]),
        ("process.env.API_KEY", [KEPT, REFERENCE, REFERENCE, REFERENCE, REFERENCE, REFERENCE]),
        ("changeme", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("example", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("xxxxxxxx", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("********", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("null", [KEPT, SHORT, SHORT, SHORT, SHORT, SHORT]),
        ("None", [KEPT, SHORT, SHORT, SHORT, SHORT, SHORT]),
        ("true", [KEPT, SHORT, SHORT, SHORT, SHORT, SHORT]),
        ("test", [KEPT, SHORT, SHORT, SHORT, SHORT, SHORT]),
        ("123e4567-e89b-12d3-a456-426614174000", [KEPT, UUID, UUID, UUID, UUID, UUID]),
        ("YOUR_API_KEY_HERE", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("DB_PASSWORD", [KEPT, VARIABLE, EXPRESSION, CALL, VARIABLE, TEMPLATE]),
        ("my-app-secret", [KEPT, WORDY, WORDY, CALL, WORDY, TEMPLATE]),
        ("Passwort", [KEPT, WORDY, EXPRESSION, CALL, WORDY, TEMPLATE]),
        ("3600", [KEPT, SHORT, SHORT, SHORT, SHORT, SHORT]),
        ("30s", [KEPT, SHORT, SHORT, SHORT, SHORT, SHORT]),
        ("/run/secrets/db", [KEPT, REFERENCE, REFERENCE, REFERENCE, REFERENCE, REFERENCE]),
        ("https://oauth2.googleapis.com/token", [KEPT, REFERENCE, REFERENCE, REFERENCE, REFERENCE, REFERENCE]),
        ("password123", [KEPT, STOPWORD, STOPWORD, STOPWORD, STOPWORD, STOPWORD]),
        ("hunter2", [KEPT, STOPWORD, STOPWORD, STOPWORD, STOPWORD, STOPWORD]),
        ("NextPageToken", [KEPT, WORDY, EXPRESSION, CALL, WORDY, TEMPLATE]),
        ("fs.s3.consistent", [KEPT, WORDY, EXPRESSION, CALL, WORDY, TEMPLATE]),
        ("Access-Control-Allow-Credentials", [KEPT, WORDY, WORDY, CALL, WORDY, TEMPLATE]),
        ("webdavgeneratedpassword2", [KEPT, WORDY, WORDY, CALL, WORDY, TEMPLATE]),
        ("[0-9A-Fa-f]{1,4}", [KEPT, PATTERN, PATTERN, PATTERN, PATTERN, PATTERN]),
        ("share-{portfolio_id}", [KEPT, PATTERN, PATTERN, PATTERN, PATTERN, PATTERN]),
        ("attr_%s", [KEPT, PATTERN, PATTERN, PATTERN, PATTERN, PATTERN]),
        ("arn:aws:iam::aws:policy/X", [KEPT, URL, URL, URL, URL, URL]),
        ("CRAM-MD5", [KEPT, VARIABLE, VARIABLE, CALL, VARIABLE, TEMPLATE]),
        ("abcd1234defg5678", [KEPT, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE]),
        ("fileb://ImportToken.bin", [KEPT, URL, URL, URL, URL, URL]),
        ("1024u32", [KEPT, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL]),
        ("0xC002002F_u32", [KEPT, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL]),
        ("-2147217308i32", [KEPT, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL]),
        (":tcflag_t", [KEPT, SYMBOL, SYMBOL, SYMBOL, SYMBOL, SYMBOL]),
        ("sk_test_8sCQNHQthj94WZ4aayA4UCGp", [KEPT, TEST_KEY, TEST_KEY, CALL, TEST_KEY, TEMPLATE]),
        ("user-{0}-x", [KEPT, PATTERN, PATTERN, PATTERN, PATTERN, PATTERN]),
        ("a2cs3456-67cd-890b-1cd2-c3a4567d89f1", [KEPT, UUID, UUID, UUID, UUID, UUID]),
        ("self.token", [KEPT, REFERENCE, REFERENCE, REFERENCE, REFERENCE, REFERENCE]),
        ("get_password()", [KEPT, WORDY, EXPRESSION, CALL, WORDY, TEMPLATE]),
        ("config.api_key", [KEPT, REFERENCE, REFERENCE, REFERENCE, REFERENCE, REFERENCE]),
        ("request.form", [KEPT, REFERENCE, REFERENCE, REFERENCE, REFERENCE, REFERENCE]),
        ("apiKey", [KEPT, STOPWORD, STOPWORD, STOPWORD, STOPWORD, STOPWORD]),
        ("os.environ", [KEPT, REFERENCE, REFERENCE, REFERENCE, REFERENCE, REFERENCE]),
        ("crt_s3_creds", [KEPT, SLUG, EXPRESSION, CALL, SLUG, TEMPLATE]),
        ("base64.b64encode", [KEPT, WORDY, EXPRESSION, CALL, WORDY, TEMPLATE]),
        ("b64decode", [KEPT, WORDY, WORDY, CALL, WORDY, TEMPLATE]),
        ("Zk2mP9xQ4vL8", [KEPT, KEPT, KEPT, CALL, KEPT, TEMPLATE]),
        ("KeJWaktrCEtfFAWt", [KEPT, KEPT, KEPT, CALL, KEPT, TEMPLATE]),
        ("ya29.a0AfH6SMBx7Kq2mZ9vLp3Rt8Wn", [KEPT, KEPT, KEPT, CALL, KEPT, TEMPLATE]),
        ("3f2a9c8e7d6b5a4f3e2d1c0b9a8f7e6d5c4b3a29", [KEPT, KEPT, KEPT, CALL, DIGEST, TEMPLATE]),
        ("AKIAIOSFODNN7EXAMPLE", [DOCUMENTED, DOCUMENTED, DOCUMENTED, DOCUMENTED, DOCUMENTED, DOCUMENTED]),
        ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", [DOCUMENTED, DOCUMENTED, DOCUMENTED, DOCUMENTED, DOCUMENTED, DOCUMENTED]),
        ("Zq8v-wjalrxutnfemi/k7mdeng/bpxrficyexamplekey", [DOCUMENTED, DOCUMENTED, DOCUMENTED, DOCUMENTED, DOCUMENTED, DOCUMENTED]),
        ("my_placeholder_value", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("Zq8v…T3mL", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("Zq8v...T3mL", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("tok-xxxx-9Lq2", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("Zq8vT3-your_token", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("Zq8v-REDACTED-x9", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("Zq8vfakeT3mL", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("<api-token>", [ANGLE, ANGLE, ANGLE, ANGLE, ANGLE, ANGLE]),
        ("<Zq8vT3mL9x>", [ANGLE, ANGLE, ANGLE, ANGLE, ANGLE, ANGLE]),
        ("Zq8vT3mmmmmmL9", [RUN, RUN, RUN, RUN, RUN, RUN]),
        ("aaaaaa1", [RUN, RUN, RUN, RUN, RUN, RUN]),
        ("Zq8v333333mL", [RUN, RUN, RUN, RUN, RUN, RUN]),
        ("vault:secret/data/x", [KEPT, REFERENCE, REFERENCE, REFERENCE, REFERENCE, REFERENCE]),
        ("abc${X}def", [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]),
        ("Zq-getenv-x9", [KEPT, REFERENCE, REFERENCE, REFERENCE, REFERENCE, REFERENCE]),
        ("op://vault/item/field", [KEPT, REFERENCE, REFERENCE, REFERENCE, REFERENCE, REFERENCE]),
        ("secrets.API_TOKEN", [KEPT, REFERENCE, REFERENCE, REFERENCE, REFERENCE, REFERENCE]),
        ("$x", [KEPT, REFERENCE, REFERENCE, REFERENCE, REFERENCE, REFERENCE]),
        ("aB3$x", [KEPT, SHORT, SHORT, SHORT, SHORT, SHORT]),
        ("Zq8v T3mL9x", [KEPT, WHITESPACE, WHITESPACE, WHITESPACE, WHITESPACE, WHITESPACE]),
        ("Zq8v\tT3mL9x", [KEPT, WHITESPACE, WHITESPACE, WHITESPACE, WHITESPACE, WHITESPACE]),
        ("Zq8vT3mLé9x", [KEPT, NON_ASCII, NON_ASCII, NON_ASCII, NON_ASCII, NON_ASCII]),
        ("Zq8vT3mL9x", [KEPT, KEPT, KEPT, CALL, KEPT, TEMPLATE]),
        ("password", [KEPT, STOPWORD, STOPWORD, STOPWORD, STOPWORD, STOPWORD]),
        ("Secret123", [KEPT, STOPWORD, STOPWORD, STOPWORD, STOPWORD, STOPWORD]),
        ("letmein", [KEPT, STOPWORD, STOPWORD, STOPWORD, STOPWORD, STOPWORD]),
        ("passw0rd", [KEPT, STOPWORD, STOPWORD, STOPWORD, STOPWORD, STOPWORD]),
        ("PASSWORD", [KEPT, STOPWORD, STOPWORD, STOPWORD, STOPWORD, STOPWORD]),
        ("localhost", [KEPT, STOPWORD, STOPWORD, STOPWORD, STOPWORD, STOPWORD]),
        ("2024-01-15", [KEPT, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER]),
        ("1.2.3-4", [KEPT, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER]),
        ("12:30:45", [KEPT, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER]),
        ("0x1F_u64", [KEPT, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL]),
        ("3.5f32", [KEPT, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL]),
        ("-12L", [KEPT, SHORT, SHORT, SHORT, SHORT, SHORT]),
        ("0b101010", [KEPT, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL, NUMERIC_LITERAL]),
        ("1_000_000", [KEPT, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER]),
        (":Zq8vT3mL9x", [KEPT, SYMBOL, SYMBOL, SYMBOL, SYMBOL, SYMBOL]),
        ("3600ms", [KEPT, DURATION, DURATION, DURATION, DURATION, DURATION]),
        ("250px", [KEPT, SHORT, SHORT, SHORT, SHORT, SHORT]),
        ("1024kb", [KEPT, DURATION, DURATION, DURATION, DURATION, DURATION]),
        ("86400s", [KEPT, DURATION, DURATION, DURATION, DURATION, DURATION]),
        ("s3://bucket-x/key9", [KEPT, URL, URL, URL, URL, URL]),
        ("Zq8v://T3mL", [KEPT, URL, URL, URL, URL, URL]),
        ("arn:partition:x9", [KEPT, URL, URL, URL, URL, URL]),
        ("(?i)Zq8vT3", [KEPT, PATTERN, PATTERN, PATTERN, PATTERN, PATTERN]),
        ("user:%v", [KEPT, PATTERN, PATTERN, PATTERN, PATTERN, PATTERN]),
        ("%d-%d-Zq8v", [KEPT, PATTERN, PATTERN, PATTERN, PATTERN, PATTERN]),
        ("Zq8v\\dT3mL", [KEPT, PATTERN, PATTERN, PATTERN, PATTERN, PATTERN]),
        ("a-zZq8vT3", [KEPT, PATTERN, PATTERN, PATTERN, PATTERN, PATTERN]),
        ("Zq4567890Lm", [KEPT, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE]),
        ("Zq1234Lmabcd", [KEPT, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE]),
        ("sk_test_Zq8vT3mL9xK2pR7w", [KEPT, TEST_KEY, TEST_KEY, CALL, TEST_KEY, TEMPLATE]),
        ("rk_test_Zq8vT3mL9xK2pR7w", [KEPT, TEST_KEY, TEST_KEY, CALL, TEST_KEY, TEMPLATE]),
        ("pk_test_Zq8vT3mL9xK2pR7w", [KEPT, TEST_KEY, TEST_KEY, CALL, TEST_KEY, TEMPLATE]),
        ("whsec_testZq8vT3mL9x", [KEPT, TEST_KEY, TEST_KEY, CALL, TEST_KEY, TEMPLATE]),
        ("get_pass", [KEPT, WORDY, EXPRESSION, CALL, WORDY, TEMPLATE]),
        ("user.passwordHash", [KEPT, WORDY, EXPRESSION, CALL, WORDY, TEMPLATE]),
        ("config[\"x\"]", [KEPT, WORDY, WORDY, CALL, WORDY, TEMPLATE]),
        ("conn->pass", [KEPT, WORDY, EXPRESSION, CALL, WORDY, TEMPLATE]),
        ("Foo::BAR_TOKEN", [KEPT, WORDY, EXPRESSION, CALL, WORDY, TEMPLATE]),
        ("QWRTZPK", [KEPT, VARIABLE, EXPRESSION, CALL, VARIABLE, TEMPLATE]),
        ("ZQ8V_T3ML", [KEPT, VARIABLE, VARIABLE, CALL, VARIABLE, TEMPLATE]),
        ("SOME-VAR-X", [KEPT, VARIABLE, VARIABLE, CALL, VARIABLE, TEMPLATE]),
        ("my-app-secret-key", [KEPT, WORDY, WORDY, CALL, WORDY, TEMPLATE]),
        ("appSecretToken", [KEPT, WORDY, EXPRESSION, CALL, WORDY, TEMPLATE]),
        ("secretvalueforapp", [KEPT, WORDY, EXPRESSION, CALL, WORDY, TEMPLATE]),
        ("config/app.yml", [KEPT, WORDY, WORDY, CALL, WORDY, TEMPLATE]),
        ("db9.internal", [KEPT, WORDY, EXPRESSION, CALL, WORDY, TEMPLATE]),
        ("k8s-x9q.internal", [KEPT, PATH, PATH, CALL, PATH, TEMPLATE]),
        ("/srv/q9x/zk2.pem", [KEPT, PATH, PATH, CALL, PATH, TEMPLATE]),
        ("/srv/zk2", [KEPT, PATH, PATH, CALL, PATH, TEMPLATE]),
        ("zk2q.json", [KEPT, PATH, EXPRESSION, CALL, PATH, TEMPLATE]),
        ("1a1a1a1b", [KEPT, LOW_ENTROPY, LOW_ENTROPY, CALL, DIGEST, TEMPLATE]),
        ("aabbaabb", [KEPT, WORDY, EXPRESSION, CALL, DIGEST, TEMPLATE]),
        ("abababab", [KEPT, WORDY, EXPRESSION, CALL, DIGEST, TEMPLATE]),
        ("ZqZqZqZq", [KEPT, LOW_ENTROPY, LOW_ENTROPY, CALL, LOW_ENTROPY, TEMPLATE]),
        ("Zq8vT3mL", [KEPT, KEPT, KEPT, CALL, KEPT, TEMPLATE]),
        ("AKID/20260101/us-east-1/s3/aws4_request", [KEPT, SIGNING_SCOPE, SIGNING_SCOPE, SIGNING_SCOPE, SIGNING_SCOPE, SIGNING_SCOPE]),
        ("xxx/19700101/0/127/xxx4_request", [KEPT, SIGNING_SCOPE, SIGNING_SCOPE, SIGNING_SCOPE, SIGNING_SCOPE, SIGNING_SCOPE]),
        ("npm:^4.0.0", [KEPT, VERSION_RANGE, VERSION_RANGE, VERSION_RANGE, VERSION_RANGE, VERSION_RANGE]),
        ("workspace:*", [KEPT, VERSION_RANGE, VERSION_RANGE, VERSION_RANGE, VERSION_RANGE, VERSION_RANGE]),
        (">=2.0.0", [KEPT, VERSION_RANGE, VERSION_RANGE, VERSION_RANGE, VERSION_RANGE, VERSION_RANGE]),
        ("~1.2.3", [KEPT, VERSION_RANGE, VERSION_RANGE, VERSION_RANGE, VERSION_RANGE, VERSION_RANGE]),
        ("v0.3.1-rc.1", [KEPT, VERSION_RANGE, VERSION_RANGE, VERSION_RANGE, VERSION_RANGE, VERSION_RANGE]),
        ("sha3-256", [KEPT, ALGORITHM, ALGORITHM, CALL, ALGORITHM, TEMPLATE]),
        ("aes-256-gcm", [KEPT, ALGORITHM, ALGORITHM, CALL, ALGORITHM, TEMPLATE]),
        ("hmac-sha1", [KEPT, WORDY, WORDY, CALL, WORDY, TEMPLATE]),
        ("argon2id", [KEPT, WORDY, WORDY, CALL, WORDY, TEMPLATE]),
        ("String?", [KEPT, TYPE, TYPE, CALL, TYPE, TEMPLATE]),
        ("uintptr", [KEPT, TYPE, TYPE, CALL, TYPE, TEMPLATE]),
        ("AnyStr", [KEPT, TYPE, TYPE, CALL, TYPE, TEMPLATE]),
        ("Option<String>", [KEPT, TYPE, TYPE, CALL, TYPE, TEMPLATE]),
        ("[]byte", [KEPT, WORDY, EXPRESSION, CALL, WORDY, TEMPLATE]),
        ("*sql.NullString", [KEPT, TYPE, TYPE, CALL, TYPE, TEMPLATE]),
        ("SshKey", [KEPT, KEPT, TYPE, CALL, KEPT, TEMPLATE]),
        ("ed25519Key", [KEPT, KEPT, TYPE, CALL, KEPT, TEMPLATE]),
        ("TFts5Token", [KEPT, KEPT, TYPE, CALL, KEPT, TEMPLATE]),
        ("my-app-id", [KEPT, SLUG, SLUG, CALL, SLUG, TEMPLATE]),
        ("rocksdb-state-id", [KEPT, SLUG, SLUG, CALL, SLUG, TEMPLATE]),
        ("12.aaa-bbb-ccc", [KEPT, SLUG, SLUG, CALL, SLUG, TEMPLATE]),
        ("KRB5_Alice", [KEPT, SLUG, SLUG, CALL, SLUG, TEMPLATE]),
        ("string.quote", [KEPT, SLUG, EXPRESSION, CALL, SLUG, TEMPLATE]),
        ("auth.token.refresh", [KEPT, WORDY, EXPRESSION, CALL, WORDY, TEMPLATE]),
        ("processor-production-eed09e9f", [KEPT, SLUG, SLUG, CALL, SLUG, TEMPLATE]),
        ("checkout-api-7d4b9c6f5", [KEPT, SLUG, SLUG, CALL, SLUG, TEMPLATE]),
        ("web-7d4b9c6f5", [KEPT, KEPT, KEPT, CALL, KEPT, TEMPLATE]),
        ("tls-ssl-minio", [KEPT, SLUG, SLUG, CALL, SLUG, TEMPLATE]),
        ("master.passwd", [KEPT, SLUG, EXPRESSION, CALL, SLUG, TEMPLATE]),
        ("htpasswd", [KEPT, FILE_NAME, FILE_NAME, CALL, FILE_NAME, TEMPLATE]),
        ("id_rsa.pub", [KEPT, WORDY, EXPRESSION, CALL, WORDY, TEMPLATE]),
        ("*.pem", [KEPT, SHORT, SHORT, SHORT, SHORT, SHORT]),
        ("/$file_pwd", [KEPT, INTERPOLATED, INTERPOLATED, CALL, INTERPOLATED, TEMPLATE]),
        ("key-$env_name", [KEPT, WORDY, WORDY, CALL, WORDY, TEMPLATE]),
        ("`+expected1+`", [KEPT, CONCATENATION, CONCATENATION, CALL, CONCATENATION, TEMPLATE]),
        ("+expected1+", [KEPT, CONCATENATION, CONCATENATION, CALL, CONCATENATION, TEMPLATE]),
        ("%.*s4-HMAC-SHA256", [KEPT, PATTERN, PATTERN, PATTERN, PATTERN, PATTERN]),
        ("EXTERNAL@%HOSTIP:%POP3PORT/%TESTNUMBER", [KEPT, PATTERN, PATTERN, PATTERN, PATTERN, PATTERN]),
        ("1*tchar", [KEPT, PATTERN, PATTERN, PATTERN, PATTERN, PATTERN]),
        ("%lu-%zu", [KEPT, PATTERN, PATTERN, PATTERN, PATTERN, PATTERN]),
        ("secretKey@replica-endpoint:9000/destbucket", [KEPT, KEPT, KEPT, CALL, KEPT, TEMPLATE]),
    ];

    fn judge_in_every_context(value: &str) -> [Option<&'static str>; 6] {
        let value = value.as_bytes();
        let at = |quoted, line: &'static [u8], followed_by: &'static [u8]| ValueContext {
            quoted,
            line,
            followed_by,
            ..ValueContext::default()
        };
        [
            placeholder_reason(value),
            generic_value_reason(value, at(true, b"", b""), 2.5),
            generic_value_reason(value, at(false, b"", b""), 2.5),
            generic_value_reason(value, at(false, b"", b"()"), 2.5),
            generic_value_reason(value, at(true, b"sha256 = x", b""), 2.5),
            generic_value_reason(value, at(true, b"", b"<b"), 2.5),
        ]
    }

    #[test]
    fn every_input_gets_its_recorded_reason_in_every_context() {
        let wrong: Vec<String> = JUDGED
            .iter()
            .filter_map(|(value, expected)| {
                let got = judge_in_every_context(value);
                (got != *expected).then(|| format!("{value:?}: got {got:?}, want {expected:?}"))
            })
            .collect();
        assert!(wrong.is_empty(), "reasons changed:\n{}", wrong.join("\n"));
    }

    #[test]
    fn long_values_and_thresholds_get_their_recorded_reasons() {
        let random = "Zq8vT3mL9xK2pR7w".repeat(33);
        assert_eq!(generic(&random[..513]), LONG);
        assert_eq!(unquoted(&random[..513]), LONG);
        assert_eq!(generic(&random[..512]), KEPT);
        assert_eq!(placeholder_reason(&random.as_bytes()[..513]), KEPT);
        // Past 256 bytes a value is a blob: only long markers and elisions count, and runs do not.
        let blob = &random[..300];
        for (inserted, expected) in [
            ("example", PLACEHOLDER),
            ("fake", KEPT),
            ("xxxx", KEPT),
            ("${", PLACEHOLDER),
            ("{{", PLACEHOLDER),
            ("..", KEPT),
            ("...", PLACEHOLDER),
            ("\u{2026}", PLACEHOLDER),
            ("AAAAAAAA", KEPT),
            ("0123456789", PLACEHOLDER),
        ] {
            let value = format!("{blob}{inserted}{blob}");
            assert_eq!(placeholder_reason(value.as_bytes()), expected, "{inserted}");
        }
        assert_eq!(placeholder_reason(format!("<{blob}>").as_bytes()), ANGLE);
        assert_eq!(placeholder_reason(format!("{blob}xxxx").as_bytes()), KEPT);
        assert_eq!(
            placeholder_reason(format!("{}xxxx", &random[..252]).as_bytes()),
            PLACEHOLDER
        );
        let judged = |value: &str, min_entropy| {
            generic_value_reason(
                value.as_bytes(),
                ValueContext {
                    quoted: true,
                    ..ValueContext::default()
                },
                min_entropy,
            )
        };
        assert_eq!(judged("1a1a1a1b", 0.0), KEPT);
        assert_eq!(judged("1a1a1a1b", 2.5), LOW_ENTROPY);
        assert_eq!(judged("Zq8vT3mL", 3.0), KEPT);
        assert_eq!(judged("Zq8vT3mL", 3.01), LOW_ENTROPY);
        assert_eq!(judged("Zq8vT3\u{1}mL", 2.5), NON_ASCII);
        assert_eq!(judged("Zq8vT3\u{7f}mL", 2.5), NON_ASCII);
        assert_eq!(judged("Zq8vT3\rmL", 2.5), WHITESPACE);
    }

    #[test]
    fn entropy_of_uniform_bytes() {
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
    }
}
