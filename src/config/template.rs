//! The `.leakgate.toml` that `leakgate init` writes: every setting, commented out, with what it
//! does. It parses as an empty configuration (built-in defaults), so writing it changes nothing
//! until someone uncomments a line; a unit test keeps it loadable.

/// The file's text.
pub const TEMPLATE: &str = r#"# leakgate configuration (written by `leakgate init`). Every setting is commented out: the
# built-in defaults apply until you uncomment one. Layering: built-in defaults < this file (the
# nearest .leakgate.toml, walking up) < --config FILE < flags. `leakgate check --dump-config`
# prints the effective configuration. Reference: the README, "Configuration: .leakgate.toml".

[scan]
# Files larger than this are skipped and counted (bytes, or 10MiB, 512KB).
# max_file_size = "10MiB"

[rules]
# Rules to turn off, by id (`leakgate rules list`).
# disable = ["jwt"]
# A rule's severity changed.
# severity = { generic-assignment = "high" }

# Your own rules, in the rules/*.toml schema; their examples are checked when this file loads.
# [[rules.custom]]
# id = "acme-internal-token"
# description = "ACME internal API token"
# keywords = ["acme_"]
# regex = '''\b(?P<secret>acme_[A-Za-z0-9]{32})\b'''
# examples = ["client = Acme('acme_0123456789abcdefABCDEF0123456789')"]

[allowlist]
# Files never reported (globs).
# paths = ["tests/fixtures/**"]
# Regexes on the secret, on the line it is on, and words that mark a secret as a placeholder.
# regexes = []
# lines = []
# stopwords = ["dummy"]

[gitignore]
# Patterns .gitignore must cover, on top of the built-in ones (.env, *.pem, *.key, ...).
# required = ["*.p12"]

[confidence]
# Report only findings at least this sure (low, medium, high); --min-confidence wins.
# min = "medium"
# More paths whose findings are test fixtures (one confidence level lower).
# test_paths = ["qa/"]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_a_valid_empty_configuration() {
        let parsed: Result<super::super::Config, _> = toml::from_str(TEMPLATE);
        let config = parsed.unwrap_or_else(|e| panic!("the template does not parse: {e}"));
        assert!(config.rules.disable.is_empty() && config.rules.custom.is_empty());
        assert!(config.scan.max_file_size.is_none());
    }
}
