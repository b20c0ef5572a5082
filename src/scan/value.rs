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
    memchr::memmem::find(haystack, needle).is_some()
}

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
    word_fraction(value) >= 0.6
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

/// Words at the end of a key that say how the value is written, not what it is (`key_pem`).
#[rustfmt::skip]
const ENCODING_TAIL_WORDS: &[&str] = &[
    "value", "val", "str", "string", "b64", "base64", "pem", "hex", "raw", "plain", "plaintext",
    "data", "base",
];

/// Does this key name a secret? (`DB_PASSWORD`, `apiKey`, `client_secret`, `GITHUB_PAT`: yes;
/// `password_hash`, `token_url`, `primary_key`, `max_tokens`: no.)
pub fn key_names_secret(key: &[u8]) -> bool {
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
    if SECRET_WORDS.contains(&last) {
        return true;
    }
    if NON_SECRET_TAIL_WORDS.contains(&last) {
        return false;
    }
    SECRET_SUFFIXES
        .iter()
        .any(|s| last.len() > s.len() && last.ends_with(s))
        || last.ends_with("key")
            && SECRET_KEY_QUALIFIERS
                .iter()
                .any(|q| last == format!("{q}key"))
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
        assert_eq!(generic("crt_s3_creds"), KEPT);
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
            followed_by: b"",
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
        for check in CHECKS {
            assert!(
                named.contains(&Some(check.reason)),
                "no test value is named {:?}",
                check.reason
            );
        }
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
        ("crt_s3_creds", [KEPT, KEPT, EXPRESSION, CALL, KEPT, TEMPLATE]),
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
    ];

    fn judge_in_every_context(value: &str) -> [Option<&'static str>; 6] {
        let value = value.as_bytes();
        let at = |quoted, line: &'static [u8], followed_by: &'static [u8]| ValueContext {
            quoted,
            line,
            followed_by,
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
