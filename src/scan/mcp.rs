//! MCP server configurations: which files configure which client's MCP servers, and what that
//! client offers instead of a secret written inline. A secret found in one of these files is
//! reported once, by whichever rule found it (a provider token by its provider's rule), with
//! the client's advice added to its description: the client expands an environment variable
//! (or an input it prompts for) where the value was written.
//!
//! From each client's documentation: Claude Code expands `${VAR}` and `${VAR:-default}` in
//! `.mcp.json` (`command`, `args`, `env`, `url`, `headers`); Cursor interpolates `${env:NAME}`
//! and reads an `envFile`; VS Code prompts for `${input:id}` (an `inputs` entry with
//! `"password": true`, kept in its secret storage) and reads `${env:NAME}` and `envFile`;
//! Codex forwards variables named in `env_vars`, sends `bearer_token_env_var` as a bearer
//! token and fills `env_http_headers` from the environment; Gemini CLI expands `$VAR` and
//! `${VAR}` in `settings.json`. Claude Desktop expands nothing: the server must read its secret
//! from the environment it inherits or a secret manager, and the file must stay private.

/// A client whose MCP server configuration a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum McpClient {
    ClaudeCode,
    ClaudeDesktop,
    Cursor,
    VsCode,
    Codex,
    Gemini,
}

impl McpClient {
    /// The client whose MCP configuration lives at `path` (as reported: relative or absolute,
    /// `/`-separated), if any.
    pub fn of(path: &str) -> Option<Self> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let ends = |suffix: &str| path == suffix || path.ends_with(&format!("/{suffix}"));
        Some(match name {
            ".mcp.json" | ".claude.json" => McpClient::ClaudeCode,
            "claude_desktop_config.json" => McpClient::ClaudeDesktop,
            "mcp.json" if ends(".cursor/mcp.json") => McpClient::Cursor,
            "mcp.json" if ends(".vscode/mcp.json") => McpClient::VsCode,
            "config.toml" if ends(".codex/config.toml") => McpClient::Codex,
            "settings.json" if ends(".gemini/settings.json") => McpClient::Gemini,
            _ => return None,
        })
    }

    /// What to write instead of the secret.
    pub fn advice(self) -> &'static str {
        match self {
            McpClient::ClaudeCode => {
                "in an MCP configuration: write `${VAR}` (Claude Code expands environment variables in command, args, env, url and headers) and keep the value in your environment"
            }
            McpClient::ClaudeDesktop => {
                "in an MCP configuration: Claude Desktop expands no variables, so let the server read the secret from the environment it inherits or a secret manager, and keep claude_desktop_config.json private"
            }
            McpClient::Cursor => {
                "in an MCP configuration: write `${env:NAME}` (Cursor interpolates environment variables) or move it to the server's `envFile`"
            }
            McpClient::VsCode => {
                "in an MCP configuration: declare an `inputs` entry with `\"password\": true` and write `${input:id}` (VS Code prompts once and keeps it in its secret storage), or use `${env:NAME}` / `envFile`"
            }
            McpClient::Codex => {
                "in an MCP configuration: list the variable in `env_vars = [\"NAME\"]` (Codex forwards it from your environment), or for an HTTP server use `bearer_token_env_var` / `env_http_headers`"
            }
            McpClient::Gemini => {
                "in an MCP configuration: write `$VAR` or `${VAR}` (Gemini CLI expands environment variables in settings.json) and keep the value in your environment"
            }
        }
    }
}

/// A finding's description: the rule's, followed by the client's advice when the file is an
/// MCP configuration and the finding is a secret (a risky setting needs no variable).
pub fn describe(description: &str, kind: crate::rules::RuleKind, path: &str) -> String {
    match McpClient::of(path) {
        Some(client) if kind != crate::rules::RuleKind::Policy => {
            format!("{description}; {}", client.advice())
        }
        _ => description.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_files_by_client() {
        assert_eq!(McpClient::of(".mcp.json"), Some(McpClient::ClaudeCode));
        assert_eq!(
            McpClient::of("/home/u/.cursor/mcp.json"),
            Some(McpClient::Cursor)
        );
        assert_eq!(
            McpClient::of("app/.vscode/mcp.json"),
            Some(McpClient::VsCode)
        );
        assert_eq!(
            McpClient::of("/home/u/.codex/config.toml"),
            Some(McpClient::Codex)
        );
        assert_eq!(
            McpClient::of(".gemini/settings.json"),
            Some(McpClient::Gemini)
        );
        assert_eq!(McpClient::of("mcp.json"), None);
        assert_eq!(McpClient::of("config.toml"), None);
        assert_eq!(McpClient::of("my.cursor/mcp.json"), None);
    }
}
