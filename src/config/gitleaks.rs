//! Migration from gitleaks: read a `.gitleaks.toml` given with `--config` and translate what
//! maps onto leakgate (rules, allowlists, `[extend]`), listing precisely what does not.
//!
//! | gitleaks | leakgate |
//! | --- | --- |
//! | `[[rules]]` id, description, regex, keywords, entropy | a custom rule (`min_entropy`) |
//! | rule `secretGroup = N` | kept when the regex has a group N (leakgate reads group 1 or `secret`; N > 1 is untranslatable) |
//! | rule / global allowlist `regexes`, `stopwords` (target: the secret) | allowlist regexes and stopwords |
//! | `[extend] path` | that file is read too; `useDefault` is always on in leakgate |
//! | `[extend] disabledRules` | untranslatable: gitleaks rule ids do not name leakgate rules |
//! | rule `path`, allowlist `paths` (regexes on paths), `commits`, `regexTarget = "line"`/`"match"` | untranslatable, listed |

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::{AllowlistConfig, Config};
use crate::rules::{AllowlistSpec, RuleKind, RuleSpec, Severity};

#[derive(Debug, Default, Deserialize)]
struct GitleaksFile {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    extend: Option<Extend>,
    #[serde(default)]
    rules: Vec<GitleaksRule>,
    #[serde(default)]
    allowlist: Option<GitleaksAllowlist>,
    #[serde(default)]
    allowlists: Vec<GitleaksAllowlist>,
    #[serde(flatten)]
    other: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Extend {
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    use_default: Option<bool>,
    #[serde(default)]
    disabled_rules: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GitleaksRule {
    id: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    secret_group: Option<usize>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    allowlist: Option<GitleaksAllowlist>,
    #[serde(default)]
    allowlists: Vec<GitleaksAllowlist>,
    #[serde(flatten)]
    other: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GitleaksAllowlist {
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    commits: Vec<String>,
    #[serde(default)]
    regex_target: Option<String>,
    #[serde(flatten)]
    other: BTreeMap<String, toml::Value>,
}

/// What a translated rule's id starts with: `gitleaks-<id>`, so it cannot clash with a leakgate
/// rule's.
const ID_PREFIX: &str = "gitleaks-";

/// A translated rule's id as the gitleaks file wrote it.
pub fn written_id(id: &str) -> &str {
    id.strip_prefix(ID_PREFIX).unwrap_or(id)
}

/// Does this text look like a gitleaks configuration (rather than a `.leakgate.toml`)?
pub fn is_gitleaks(name: &str, text: &str) -> bool {
    name.ends_with("gitleaks.toml")
        || text.lines().any(|l| {
            let l = l.trim();
            l == "[[rules]]" || l == "[extend]"
        })
}

/// A gitleaks file that does not parse: the message, and where in the file given with
/// `--config` (none when the error is in a file it extends).
#[derive(Debug)]
pub struct TranslateError {
    pub message: String,
    pub span: Option<std::ops::Range<usize>>,
}

/// Translate a gitleaks configuration. Returns the leakgate configuration and one line per part
/// that could not be translated.
pub fn translate(file: &Path, text: &str) -> Result<(Config, Vec<String>), TranslateError> {
    let mut config = Config::default();
    let mut untranslated = Vec::new();
    translate_into(file, text, &mut config, &mut untranslated, 0)?;
    Ok((config, untranslated))
}

fn translate_into(
    file: &Path,
    text: &str,
    config: &mut Config,
    untranslated: &mut Vec<String>,
    depth: usize,
) -> Result<(), TranslateError> {
    let parsed: GitleaksFile = toml::from_str(text).map_err(|e| TranslateError {
        message: if depth == 0 {
            e.message().to_owned()
        } else {
            format!("in {} (extended): {}", file.display(), e.message())
        },
        span: if depth == 0 { e.span() } else { None },
    })?;
    let where_ = file.display().to_string();
    let _ = parsed.title;
    for key in parsed.other.keys() {
        untranslated.push(format!(
            "{where_}: top-level `{key}`: not a gitleaks setting leakgate knows"
        ));
    }
    if let Some(extend) = &parsed.extend {
        if extend.use_default == Some(false) {
            untranslated.push(format!("{where_}: [extend] useDefault = false: leakgate's built-in rules are always on (disable them by id in [rules] disable)"));
        }
        for id in &extend.disabled_rules {
            untranslated.push(format!("{where_}: [extend] disabledRules `{id}`: a gitleaks rule id; disable leakgate rules by their own ids"));
        }
        if let Some(path) = &extend.path {
            let base = file.parent().unwrap_or(Path::new("."));
            let other = base.join(path);
            match std::fs::read_to_string(&other) {
                Ok(text) if depth < 4 => {
                    translate_into(&other, &text, config, untranslated, depth + 1)?
                }
                Ok(_) => untranslated.push(format!(
                    "{where_}: [extend] path `{path}`: extends nest too deep"
                )),
                Err(e) => untranslated.push(format!(
                    "{where_}: [extend] path `{path}`: cannot read it ({e})"
                )),
            }
        }
    }
    let globals = parsed.allowlist.into_iter().chain(parsed.allowlists);
    for (index, allow) in globals.enumerate() {
        let at = format!("{where_}: allowlist {}", index + 1);
        let spec = allowlist(&at, allow, untranslated);
        config.allowlist.regexes.extend(spec.regexes);
        config.allowlist.stopwords.extend(spec.stopwords);
        config.allowlist.lines.extend(spec.lines);
    }
    for rule in parsed.rules {
        let at = format!("{where_}: rule `{}`", rule.id);
        for key in rule.other.keys().filter(|k| !matches!(k.as_str(), "tags")) {
            untranslated.push(format!("{at}: `{key}` is not translated"));
        }
        if rule.path.is_some() {
            untranslated.push(format!("{at}: `path` (a regex on file paths) is not translated; the rule is applied to every file"));
        }
        let Some(regex) = rule.regex else {
            untranslated.push(format!(
                "{at}: path-only rules (no `regex`) are not translated"
            ));
            continue;
        };
        if rule.keywords.is_empty() {
            untranslated.push(format!("{at}: no `keywords`: leakgate needs at least one literal to prefilter on; rule skipped"));
            continue;
        }
        let group_ok = match rule.secret_group {
            None | Some(0) | Some(1) => true,
            Some(n) => {
                untranslated.push(format!("{at}: secretGroup = {n}: leakgate reads group 1 or a group named `secret`; rename the group; rule skipped"));
                false
            }
        };
        if !group_ok {
            continue;
        }
        let mut rule_allow = AllowlistSpec::default();
        for (index, allow) in rule
            .allowlist
            .into_iter()
            .chain(rule.allowlists)
            .enumerate()
        {
            let spec = allowlist(
                &format!("{at} allowlist {}", index + 1),
                allow,
                untranslated,
            );
            rule_allow.regexes.extend(spec.regexes);
            rule_allow.stopwords.extend(spec.stopwords);
            if !spec.lines.is_empty() {
                untranslated.push(format!("{at} allowlist {}: line regexes on one rule are not translated (use [allowlist] lines)", index + 1));
            }
        }
        config.rules.custom.push(RuleSpec {
            id: format!("{ID_PREFIX}{}", rule.id),
            description: rule
                .description
                .unwrap_or_else(|| format!("gitleaks rule {}", rule.id)),
            keywords: rule.keywords,
            regex,
            kind: RuleKind::Token,
            severity: Severity::High,
            confidence: None,
            weak_literals: None,
            min_entropy: rule.entropy,
            multiline: false,
            paths: Vec::new(),
            allowlist: rule_allow,
            examples: Vec::new(),
            negative_examples: Vec::new(),
            revoke: None,
            checksum: None,
            requires: None,
            context: None,
        });
    }
    Ok(())
}

fn allowlist(
    at: &str,
    allow: GitleaksAllowlist,
    untranslated: &mut Vec<String>,
) -> AllowlistConfig {
    if !allow.paths.is_empty() {
        untranslated.push(format!(
            "{at}: `paths` are regexes on paths; write them as globs in [allowlist] paths"
        ));
    }
    if !allow.commits.is_empty() {
        untranslated.push(format!(
            "{at}: `commits` are not translated (use a baseline)"
        ));
    }
    for key in allow
        .other
        .keys()
        .filter(|k| !matches!(k.as_str(), "description" | "condition"))
    {
        untranslated.push(format!("{at}: `{key}` is not translated"));
    }
    match allow.regex_target.as_deref() {
        None | Some("secret") => AllowlistConfig {
            paths: Vec::new(),
            regexes: allow.regexes,
            lines: Vec::new(),
            stopwords: allow.stopwords,
        },
        // gitleaks' `line` target is leakgate's `lines` allowlist.
        Some("line") => AllowlistConfig {
            paths: Vec::new(),
            regexes: Vec::new(),
            lines: allow.regexes,
            stopwords: allow.stopwords,
        },
        Some(target) => {
            untranslated.push(format!(
                "{at}: regexTarget = \"{target}\": leakgate allowlist regexes apply to the secret or the line; these regexes are skipped"
            ));
            AllowlistConfig {
                paths: Vec::new(),
                regexes: Vec::new(),
                lines: Vec::new(),
                stopwords: allow.stopwords,
            }
        }
    }
}
