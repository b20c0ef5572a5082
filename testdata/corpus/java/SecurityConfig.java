package com.examplecorp.billing.config;

import org.springframework.context.annotation.Bean;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

public class SecurityConfig {

    public static final String PASSWORD_PARAM = "password";
    public static final String TOKEN_HEADER = "Authorization";
    public static final String TOKEN_PREFIX = "Bearer ";
    public static final long TOKEN_EXPIRY = 3600L;
    private String password = null;
    private String apiKey = System.getenv("API_KEY");
    private final PasswordPolicy passwordPolicy = new PasswordPolicy(12, true, true);

    @Bean
    public PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder(12);
    }

    public boolean login(String username, String password) {
        return password != null && password.length() >= passwordPolicy.minLength();
    }

    record PasswordPolicy(int minLength, boolean requireDigit, boolean requireSymbol) {}
}
