#[cfg(test)]
mod tests {
    const FAKE_KEY: &str = "sk-proj-XXXXXXXXXXXXXXXXXXXXXXXX";
    const EXAMPLE_AWS: &str = "AKIAIOSFODNN7EXAMPLE";
    const PEM_MARKER: &str = "-----BEGIN RSA PRIVATE KEY-----";

    #[test]
    fn rejects_placeholder() {
        let password = "changeme";
        let token = "xxxxxxxx";
        assert!(is_placeholder(password));
        assert!(is_placeholder(token));
        assert!(is_placeholder(FAKE_KEY));
        assert!(is_placeholder(EXAMPLE_AWS));
        assert!(PEM_MARKER.starts_with("-----BEGIN"));
    }

    #[test]
    fn digest_is_not_secret() {
        let sha = "884b0930f58d22901ee035dd17ed8ac46a81cb4904821ace4057fc7cee1095e9";
        let commit = "5c24d1ef2f36aed037aa5c277558afe9fa6a8b37";
        assert_eq!(sha.len(), 64);
        assert_eq!(commit.len(), 40);
    }
}
