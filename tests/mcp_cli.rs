//! MCP server configurations with secrets written inline (`env`, `headers`, `args`), in every
//! client's file and format, scanned by the built binary; `leakgate gitignore` on the agents'
//! shared and personal files; and `scan -` for tools that pipe a configuration through.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::*;

/// Secrets of one tree, each written where a client's configuration holds it.
struct Configs {
    /// A provider token in `.mcp.json` `env`: found by its provider's rule, once.
    provider_token: String,
    /// A flag's value as the next `args` item of `.mcp.json`.
    arg_value: String,
    /// A bearer token in `.vscode/mcp.json` `headers`.
    bearer: String,
    /// A secret-named `env` entry in `.cursor/mcp.json`.
    cursor_env: String,
    /// `[mcp_servers.x.env]` in `.codex/config.toml`.
    codex_env: String,
    /// An `args` pair in `.gemini/settings.json` `mcpServers`.
    gemini_arg: String,
    /// An `env` entry in `claude_desktop_config.json`.
    desktop_env: String,
}

impl Configs {
    fn all(&self) -> [&str; 7] {
        [
            &self.provider_token,
            &self.arg_value,
            &self.bearer,
            &self.cursor_env,
            &self.codex_env,
            &self.gemini_arg,
            &self.desktop_env,
        ]
    }
}

fn pretty(value: serde_json::Value) -> String {
    serde_json::to_string_pretty(&value).expect("json")
}

fn write_configs(tree: &Tree) -> Configs {
    let configs = Configs {
        provider_token: fake("ghp_", 401, 36, ALNUM),
        arg_value: random(402, 28, ALNUM),
        bearer: random(403, 40, ALNUM),
        cursor_env: random(404, 32, ALNUM),
        codex_env: random(405, 32, ALNUM),
        gemini_arg: random(406, 30, ALNUM),
        desktop_env: random(407, 32, ALNUM),
    };
    tree.write(
        ".mcp.json",
        pretty(serde_json::json!({"mcpServers": {
            "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
                       "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": configs.provider_token}},
            "acme": {"command": "npx", "args": ["-y", "@acme/mcp-server", "--api-key", configs.arg_value]},
            "expanded": {"command": "npx", "args": ["--api-key", "${ACME_API_KEY}"],
                         "env": {"ACME_TOKEN": "${ACME_TOKEN:-}"}}
        }})),
    );
    tree.write(
        ".vscode/mcp.json",
        pretty(serde_json::json!({
            "inputs": [{"type": "promptString", "id": "acme-key", "description": "Acme key", "password": true}],
            "servers": {
                "remote": {"type": "http", "url": "https://mcp.acme.test/mcp",
                           "headers": {"Authorization": format!("Bearer {}", configs.bearer)}},
                "prompted": {"type": "stdio", "command": "acme-mcp", "env": {"ACME_API_KEY": "${input:acme-key}"}}
            }
        })),
    );
    tree.write(
        ".cursor/mcp.json",
        pretty(serde_json::json!({"mcpServers": {
            "acme": {"command": "acme-mcp", "env": {"ACME_SECRET_KEY": configs.cursor_env}},
            "interpolated": {"command": "acme-mcp", "env": {"ACME_API_KEY": "${env:ACME_API_KEY}"}}
        }})),
    );
    tree.write(
        "home/.codex/config.toml",
        format!(
            "model = \"gpt-5-codex\"\n\n[mcp_servers.acme]\ncommand = \"npx\"\nargs = [\"-y\", \"@acme/mcp-server\"]\nenv_vars = [\"ACME_TOKEN\"]\n\n[mcp_servers.acme.env]\nACME_API_KEY = \"{}\"\n",
            configs.codex_env
        ),
    );
    tree.write(
        ".gemini/settings.json",
        pretty(serde_json::json!({"mcpServers": {
            "acme": {"command": "acme-mcp", "args": ["--token", configs.gemini_arg]},
            "expanded": {"command": "acme-mcp", "env": {"ACME_API_KEY": "$ACME_API_KEY"}}
        }})),
    );
    tree.write(
        "desktop/claude_desktop_config.json",
        pretty(serde_json::json!({"mcpServers": {
            "acme": {"command": "acme-mcp", "env": {"ACME_API_KEY": configs.desktop_env}}
        }})),
    );
    configs
}

#[test]
fn each_inline_secret_is_reported_once_with_its_clients_advice() {
    let tree = Tree::new();
    let configs = write_configs(&tree);
    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(1), "{}{}", run.stdout, run.stderr);
    let mut found: Vec<(String, String, String)> = run
        .findings()
        .iter()
        .map(|f| {
            let description = f["description"].as_str().unwrap_or_default();
            let advice = description
                .split_once("; in an MCP configuration: ")
                .map_or("", |(_, advice)| advice);
            // The most specific first: Gemini's advice names `${VAR}` too, VS Code's `${env:NAME}`.
            let marker = [
                "${input:id}",
                "${env:NAME}",
                "env_vars",
                "expands no variables",
                "`$VAR`",
                "${VAR}",
            ]
            .into_iter()
            .find(|m| advice.contains(m))
            .unwrap_or("no advice");
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["rule"].as_str().unwrap_or_default().to_owned(),
                marker.to_owned(),
            )
        })
        .collect();
    found.sort();
    let row = |path: &str, rule: &str, marker: &str| (path.into(), rule.into(), marker.into());
    assert_eq!(
        found,
        vec![
            row(".cursor/mcp.json", "generic-assignment", "${env:NAME}"),
            row(".gemini/settings.json", "mcp-inline-secret", "`$VAR`"),
            row(".mcp.json", "github-pat", "${VAR}"),
            row(".mcp.json", "mcp-inline-secret", "${VAR}"),
            row(".vscode/mcp.json", "bearer-token", "${input:id}"),
            row(
                "desktop/claude_desktop_config.json",
                "generic-assignment",
                "expands no variables"
            ),
            row("home/.codex/config.toml", "generic-assignment", "env_vars"),
        ],
        "{}",
        run.stdout
    );
    for secret in configs.all() {
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
    }
}

#[test]
fn no_format_echoes_an_mcp_secret() {
    let tree = Tree::new();
    let configs = write_configs(&tree);
    for format in ["human", "json", "sarif", "github", "junit"] {
        let output = tree
            .leakgate()
            .args(["scan", ".", "--color", "never", "--format", format])
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(1), "{format}");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(text.contains("in an MCP configuration"), "{format}: {text}");
        for secret in configs.all() {
            assert!(!text.contains(secret), "{format} echoes a secret:\n{text}");
        }
    }
}

#[test]
fn the_args_rule_reads_only_mcp_configurations() {
    let tree = Tree::new();
    let value = random(410, 28, ALNUM);
    let config = pretty(serde_json::json!({"mcpServers": {
        "acme": {"command": "npx", "args": ["-y", "@acme/mcp-server", "--api-key", value]}
    }}));
    tree.write("fixtures/servers.json", &config);
    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(0), "{}", run.stdout);
    tree.write(".mcp.json", &config);
    let run = run_json(tree.leakgate().args(["scan", "."]));
    assert_eq!(run.status, Some(1));
    assert_eq!(
        run.locations(),
        [(".mcp.json".to_owned(), 8)],
        "{}",
        run.stdout
    );
}

#[test]
fn stdin_takes_the_name_of_an_mcp_configuration() {
    let tree = Tree::new();
    let value = random(411, 28, ALNUM);
    let config = pretty(serde_json::json!({"mcpServers": {
        "acme": {"command": "npx", "args": ["--api-key", value]}
    }}));
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("leakgate"))
        .current_dir(tree.path())
        .args([
            "scan",
            "-",
            "--stdin-filename",
            ".cursor/mcp.json",
            "--format",
            "json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(config.as_bytes())
        .expect("write");
    let run = JsonRun::from(child.wait_with_output().expect("wait"));
    assert_eq!(run.status, Some(1), "{}{}", run.stdout, run.stderr);
    let findings = run.findings();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["rule"], "mcp-inline-secret");
    assert_eq!(findings[0]["path"], ".cursor/mcp.json");
    assert!(
        findings[0]["description"]
            .as_str()
            .is_some_and(|d| d.contains("${env:NAME}"))
    );
    assert!(!run.stdout.contains(&value) && !run.stderr.contains(&value));
}

#[test]
fn gitignore_tells_shared_agent_config_from_personal_files() {
    let repo = TestRepo::new();
    repo.write(
        ".gitignore",
        ".env\n.env.*\n.a5c/\n*.pem\n*.key\ncredentials.json\n*.secrets\n",
    );
    // Shared project configuration: meant to be committed.
    for shared in [
        ".mcp.json",
        ".cursor/mcp.json",
        ".vscode/mcp.json",
        ".claude/settings.json",
        ".gemini/settings.json",
    ] {
        repo.write(shared, "{}\n");
    }
    // Personal files: one user's.
    repo.write(".claude/settings.local.json", "{}\n");
    repo.write("tools/claude_desktop_config.json", "{}\n");
    repo.write(".codex/config.toml", "model = \"o3\"\n");
    repo.write(".gemini/oauth_creds.json", "{}\n");
    repo.commit_all("shared agent configuration");
    // Committed above: a personal file already tracked is a tracked secret file.
    repo.git(&[
        "rm",
        "-q",
        "--cached",
        ".claude/settings.local.json",
        ".codex/config.toml",
        ".gemini/oauth_creds.json",
    ]);
    repo.git(&["commit", "-q", "-m", "untrack"]);
    let run = run_json(repo.leakgate().arg("gitignore"));
    assert_eq!(run.status, Some(1), "{}", run.stdout);
    let mut problems: Vec<(String, String, String)> = run
        .of_type("hygiene")
        .iter()
        .map(|m| {
            (
                m["code"].as_str().unwrap_or_default().to_owned(),
                m["path"].as_str().unwrap_or_default().to_owned(),
                m["fix"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    problems.sort();
    let row = |code: &str, path: &str, fix: &str| (code.into(), path.into(), fix.into());
    assert_eq!(
        problems,
        vec![
            row(
                "gitignore-gap",
                ".claude/settings.local.json",
                "add the line `**/.claude/settings.local.json` to .gitignore"
            ),
            row(
                "gitignore-gap",
                ".codex",
                "add the line `.codex/` to .gitignore"
            ),
            row(
                "gitignore-gap",
                ".gemini/oauth_creds.json",
                "add the line `**/.gemini/oauth_creds.json` to .gitignore"
            ),
            row(
                "tracked-secret-file",
                "tools/claude_desktop_config.json",
                "git rm --cached 'tools/claude_desktop_config.json' (then rotate what it holds: it is in the history)"
            ),
        ],
        "{}",
        run.stdout
    );

    let fixed = run_json(repo.leakgate().args(["gitignore", "--fix"]));
    let left: Vec<&str> = fixed
        .of_type("hygiene")
        .iter()
        .filter_map(|m| m["code"].as_str())
        .collect();
    assert_eq!(left, ["tracked-secret-file"], "{}", fixed.stdout);
    let status = repo.git(&["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(
        status, "M .gitignore",
        "git now ignores every personal file"
    );
}
