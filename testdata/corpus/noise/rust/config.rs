use secrecy::SecretString;

pub struct Settings {
    pub api_key: SecretString,
    pub token: Option<String>,
    pub secret_key: Vec<u8>,
}

const TOKEN_KIND: &str = "sha256";

pub fn load(cfg: &Raw) -> Result<Settings, Error> {
    let secret_key = hex::decode(&cfg.secret_key)?;
    let key_algorithm = "ed25519";
    let secret_kind = "x25519-sha256";
    let token: Option<String> = None;
    let password = cfg.password.clone();
    Ok(Settings { api_key: cfg.api_key.clone().into(), token, secret_key })
}
