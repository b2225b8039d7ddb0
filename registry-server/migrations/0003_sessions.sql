-- Sessions of the admin pages: the SHA-256 of the cookie's secret (the
-- secret itself is never stored), the admin token it was opened with
-- (revoking the token ends the session), and the session's CSRF secret.
CREATE TABLE sessions (
    hash TEXT PRIMARY KEY,
    token_id TEXT NOT NULL,
    csrf TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
