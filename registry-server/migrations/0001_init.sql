-- Portable between SQLite and PostgreSQL: TEXT and BIGINT only, no
-- autoincrement, times as Unix seconds, booleans as 0/1.
CREATE TABLE skills (
    name TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

CREATE TABLE owners (
    skill TEXT NOT NULL REFERENCES skills (name),
    owner TEXT NOT NULL,
    PRIMARY KEY (skill, owner)
);

-- Who may sign a skill: a key (fingerprint + PEM) or a keyless identity.
CREATE TABLE signers (
    skill TEXT NOT NULL REFERENCES skills (name),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    issuer TEXT NOT NULL,
    public_key TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (skill, kind, value, issuer)
);

CREATE TABLE versions (
    skill TEXT NOT NULL REFERENCES skills (name),
    version TEXT NOT NULL,
    major BIGINT NOT NULL,
    minor BIGINT NOT NULL,
    patch BIGINT NOT NULL,
    digest TEXT NOT NULL,
    bundle_digest TEXT NOT NULL,
    report_digest TEXT NOT NULL,
    size BIGINT NOT NULL,
    signer TEXT NOT NULL,
    capabilities TEXT NOT NULL,
    verdict TEXT NOT NULL,
    rules_digest TEXT NOT NULL,
    yanked BIGINT NOT NULL,
    published_at BIGINT NOT NULL,
    PRIMARY KEY (skill, version)
);
CREATE INDEX versions_digest ON versions (digest);

-- Tokens are stored as SHA-256 hashes only.
CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);

-- Append-only, hash-chained: hash = SHA-256(prev_hash, the entry's fields).
CREATE TABLE audit (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
