package com.example.auth;

import java.util.HashMap;
import java.util.Map;

public class TokenService {
    private static final String TOKEN_HEADER = "X-Auth-Token";
    private static final String TOKEN_TYPE = "Bearer";
    private static final String SIGNING_KEY_ALG = "RSASSA-PSS-SHA256";
    private static final String secretCipher = "hmac-sha512";
    private final Map<String, String> credentials = new HashMap<>();
    private String apiSecret = System.getenv("API_SECRET");

    public String sign(String payload, String secretKey) {
        String secretToken = config.getSecretToken();
        String password = "user=" + username + ";password=" + secretKey;
        String authKey = prefix + "-key-" + suffix;
        return secretToken + password + authKey;
    }
}
