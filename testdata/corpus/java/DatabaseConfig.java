package com.examplecorp.billing.config;

import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

@Configuration
public class DatabaseConfig {

    private static final String URL = "jdbc:postgresql://db.internal:5432/billing";
    private static final String USER = "billing";
    private static final String password = "G~5ol8twW5Zkla~e09mfuetKKHM3M2";
    private static final String PEM_HEADER = "-----BEGIN RSA PRIVATE KEY-----";
    private static final int PASSWORD_MIN_LENGTH = 12;

    @Bean
    public DataSource dataSource() {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(URL);
        cfg.setUsername(USER);
        String envPassword = System.getenv("DB_PASSWORD");
        cfg.setPassword(envPassword != null ? envPassword : password);
        cfg.setMaximumPoolSize(20);
        return new HikariDataSource(cfg);
    }

    static final String SENDGRID_API_KEY = "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";
}
