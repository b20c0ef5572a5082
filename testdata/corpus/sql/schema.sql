CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         VARCHAR(255) NOT NULL UNIQUE,
    password      VARCHAR(255) NOT NULL,
    password_hash VARCHAR(255),
    api_key       VARCHAR(64),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
    token       UUID PRIMARY KEY,
    user_id     BIGINT REFERENCES users(id),
    token_type  VARCHAR(16) NOT NULL DEFAULT 'bearer',
    expires_at  TIMESTAMPTZ
);

-- seed data: bcrypt hash of a throwaway password, and an opaque token id
INSERT INTO users (email, password, password_hash) VALUES
  ('demo@example.com', '', NULL);
INSERT INTO api_tokens (token, user_id) VALUES ('b3bf5fd2-d314-46c9-ad48-5ac16e5a8eee', 1);
-- migration checksum: 1ba4900d72ae1cc191c600870c61cc158ee69fa50357b98eb3b36c79b5934905
