use std::env;
use std::time::Duration;

const USER_AGENT: &str = "ledger-sync/0.4";
const TOKEN_EXPIRY: u64 = 3600;
const TOKEN_URL: &str = "https://oauth2.googleapis.com/token";

const CLIENT_SECRET: &str = "twJABbs-u.nmV4wReooavIlwD";
static GITHUB_OAUTH_TOKEN: &str = "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";

struct Config {
    client_id: String,
    client_secret: String,
    password: Option<String>,
}

fn load() -> Config {
    Config {
        client_id: env::var("CLIENT_ID").unwrap_or_else(|_| "ledger".into()),
        client_secret: env::var("CLIENT_SECRET").unwrap_or_else(|_| CLIENT_SECRET.to_string()),
        password: env::var("PASSWORD").ok(),
    }
}

fn main() {
    let cfg = load();
    let client = reqwest::blocking::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(Duration::from_secs(TOKEN_EXPIRY))
        .build()
        .expect("client");
    let _ = (client, cfg.client_id, cfg.client_secret, cfg.password, TOKEN_URL, GITHUB_OAUTH_TOKEN);
}
