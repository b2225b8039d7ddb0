-- The transparency log (RFC 6962): each leaf's canonical bytes, and the
-- tree's stored hashes (Go sumdb/tlog's layout: every complete subtree's
-- hash, at its stored-hash index), hex.
CREATE TABLE log_entries (
    idx BIGINT PRIMARY KEY,
    leaf TEXT NOT NULL
);

CREATE TABLE log_hashes (
    idx BIGINT PRIMARY KEY,
    hash TEXT NOT NULL
);

-- Each version's publish leaf, and the scan attestation it names (the
-- DSSE envelope's JSON, a few KB, kept in the row: committed with it, no
-- blob to sync); -1 and '' until the log holds it (versions from before
-- the log are appended at the next start).
ALTER TABLE versions ADD COLUMN log_index BIGINT NOT NULL DEFAULT -1;
ALTER TABLE versions ADD COLUMN attestation_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE versions ADD COLUMN attestation TEXT NOT NULL DEFAULT '';
