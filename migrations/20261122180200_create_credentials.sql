-- Personal access tokens and robot credentials. Secrets are random and high-entropy,
-- so a SHA-256 (hex) is stored, never the secret.
CREATE TABLE personal_access_tokens (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    last_used_at BIGINT
);
CREATE INDEX personal_access_tokens_user ON personal_access_tokens (user_id);

-- permission: 'pull' | 'push'
CREATE TABLE robots (
    id BIGINT PRIMARY KEY,
    registry_id BIGINT NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    permission TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    last_used_at BIGINT,
    UNIQUE (registry_id, name)
);
