package com.acme.mail;

import javax.mail.Authenticator;
import javax.mail.PasswordAuthentication;

public class MailSender {
    private String password;
    private static final String PASSWORD_PARAM = "password";

    Authenticator authenticator() {
        return new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication("alerts@acme.io", "prejrnd".toCharArray());
            }
        };
    }

    DataSource dataSource() {
        HikariDataSource ds = new HikariDataSource();
        ds.setUsername("mailer");
        ds.setPassword("hjizbmrd");
        HikariDataSource replica = new HikariDataSource();
        replica.setPassword(System.getenv("REPLICA_PASSWORD"));
        String url = "jdbc:sqlserver://sql01:1433;databaseName=mail;user=sa;password=fhep;encrypt=true";
        return ds;
    }
}
