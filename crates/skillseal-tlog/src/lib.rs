//! The registry's transparency log, as data both sides share: the server
//! writes it, clients check it.
//!
//! - [`Leaf`]: one public event of the registry (a version published, a
//!   version yanked or unyanked), encoded canonically (compact JSON, fields
//!   in a fixed order); its RFC 6962 leaf hash is what the tree holds.
//! - [`LogKey`] and [`LogVerifier`]: the registry's Ed25519 log key, as a
//!   C2SP signed-note signer and verifier key (`NAME+ID+BASE64`), which
//!   signs checkpoints ([`Checkpoint`], C2SP `tlog-checkpoint`) and scan
//!   attestations ([`Envelope`], DSSE over an in-toto Statement v1).
//! - [`verify_inclusion`] and [`verify_consistency`]: RFC 6962 proofs, as
//!   `tlog_tiles` checks them (a port of Go's `sumdb/tlog`).
//!
//! No IO: bytes in, verdicts out. Every error names the check that failed.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use signed_note::{Note, Signer as _, StandardSigner, StandardVerifier, VerifierList};

pub use skillseal_lock::Signer;
pub use tlog_tiles::Error as TreeError;
pub use tlog_tiles::Tile;
pub use tlog_tiles::{
    Hash, HashReader, prove_record, prove_tree, record_hash, stored_hash_count, stored_hash_index,
    stored_hashes, tree_hash,
};

mod known;
pub use known::{Known, with_hashes};

/// A check of the log that failed, named.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    #[error("`{0}` is not a log verifier key (NAME+ID+BASE64 of an Ed25519 key)")]
    BadKey(String),
    #[error("the log key is malformed: {0}")]
    BadPrivateKey(String),
    #[error("checkpoint signature: {0}")]
    CheckpointSignature(String),
    #[error("checkpoint: {0}")]
    CheckpointFormat(String),
    #[error("checkpoint: it is for the log `{found}`, not `{expected}`")]
    Origin { expected: String, found: String },
    #[error(
        "inclusion proof: entry {index} is not in the log's tree of size {size} (the log does not hold what the registry says it published)"
    )]
    Inclusion { index: u64, size: u64 },
    #[error(
        "consistency proof: the log of size {new} does not extend the one of size {old} recorded before (the log was rewritten, truncated or forked)"
    )]
    Consistency { old: u64, new: u64 },
    #[error(
        "stale checkpoint: the registry shows a log of size {new}, older than the one of size {old} recorded before (entries were dropped, or this is a fork)"
    )]
    Stale { old: u64, new: u64 },
    #[error("malformed proof: {0}")]
    BadProof(String),
    #[error("log entry: {0}")]
    Leaf(String),
    #[error("scan attestation: {0}")]
    Attestation(String),
}

// ---------------------------------------------------------------- leaves

/// One public event of the registry, as the log holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Leaf {
    /// A version made visible.
    Publish {
        name: String,
        version: String,
        /// The package digest (`sha256:…`).
        digest: String,
        /// The Sigstore bundle's digest.
        bundle_digest: String,
        signer: Signer,
        /// The digest of the registry's scan attestation (the DSSE
        /// envelope's bytes as served).
        attestation_digest: String,
        /// Unix seconds.
        time: i64,
    },
    /// A version yanked.
    Yank {
        name: String,
        version: String,
        digest: String,
        time: i64,
    },
    /// A yanked version restored.
    Unyank {
        name: String,
        version: String,
        digest: String,
        time: i64,
    },
}

impl Leaf {
    /// The canonical bytes: compact JSON, fields in declaration order.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a leaf serialises")
    }

    /// A leaf from its bytes, which must be exactly its canonical form (so
    /// one event has one encoding, and one leaf hash).
    pub fn parse(bytes: &[u8]) -> Result<Leaf, Error> {
        let leaf: Leaf =
            serde_json::from_slice(bytes).map_err(|e| Error::Leaf(format!("malformed: {e}")))?;
        if leaf.to_bytes() != bytes {
            return Err(Error::Leaf("not in canonical form".into()));
        }
        Ok(leaf)
    }

    /// The skill and version it is about.
    pub fn subject(&self) -> (&str, &str) {
        match self {
            Leaf::Publish { name, version, .. }
            | Leaf::Yank { name, version, .. }
            | Leaf::Unyank { name, version, .. } => (name, version),
        }
    }

    /// Its RFC 6962 leaf hash (SHA-256 of `0x00` and the bytes).
    pub fn hash(&self) -> Hash {
        record_hash(&self.to_bytes())
    }
}

// ----------------------------------------------------------- keys, notes

/// The registry's log key: signs checkpoints and scan attestations.
pub struct LogKey {
    signer: StandardSigner,
    verifier: String,
}

impl std::fmt::Debug for LogKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LogKey({})", self.verifier)
    }
}

/// An Ed25519 key's signed-note type byte.
const ALG_ED25519: u8 = 1;

impl LogKey {
    /// A key named `name` (the log's origin) from a 32-byte seed; returns
    /// the key and its private form (`PRIVATE+KEY+NAME+ID+BASE64`), the
    /// text to keep secret.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<(LogKey, String), Error> {
        if !signed_note::is_key_name_valid(name) {
            return Err(Error::BadPrivateKey(format!(
                "`{name}` is not a valid key name"
            )));
        }
        let signing = ed25519_dalek::SigningKey::from_bytes(seed);
        let public = [&[ALG_ED25519][..], signing.verifying_key().as_bytes()].concat();
        let private = [&[ALG_ED25519][..], &signing.to_bytes()[..]].concat();
        let skey = format!(
            "PRIVATE+KEY+{name}+{:08x}+{}",
            signed_note::key_id(name, &public),
            B64.encode(private)
        );
        Ok((LogKey::from_private(&skey)?, skey))
    }

    /// The key from its private form.
    pub fn from_private(skey: &str) -> Result<LogKey, Error> {
        let signer =
            StandardSigner::new(skey.trim()).map_err(|e| Error::BadPrivateKey(e.to_string()))?;
        // PRIVATE+KEY+NAME+ID+BASE64: names hold no `+`, base64 may.
        let seed = skey
            .trim()
            .splitn(5, '+')
            .nth(4)
            .and_then(|b| B64.decode(b).ok())
            .filter(|d| d.len() == 33)
            .ok_or_else(|| Error::BadPrivateKey("no Ed25519 seed".into()))?;
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&seed[1..]);
        let verifying = ed25519_dalek::SigningKey::from_bytes(&bytes).verifying_key();
        let verifier = signed_note::new_ed25519_verifier_key(signer.name(), &verifying);
        Ok(LogKey { signer, verifier })
    }

    /// The verifier key clients pin: `NAME+ID+BASE64`.
    pub fn verifier_key(&self) -> &str {
        &self.verifier
    }

    /// The log's origin (the key's name).
    pub fn origin(&self) -> &str {
        self.signer.name()
    }

    /// A signed checkpoint (C2SP `tlog-checkpoint` in a signed note) for
    /// the tree of `size` leaves with root `root`.
    pub fn sign_checkpoint(&self, size: u64, root: Hash) -> Result<Vec<u8>, Error> {
        let checkpoint = tlog_tiles::Checkpoint::new(self.origin(), size, root, "")
            .map_err(|e| Error::CheckpointFormat(e.to_string()))?;
        let mut note = Note::new(&checkpoint.to_bytes(), &[])
            .map_err(|e| Error::CheckpointFormat(e.to_string()))?;
        note.add_sigs(&[&self.signer])
            .map_err(|e| Error::CheckpointSignature(e.to_string()))?;
        Ok(note.to_bytes())
    }

    /// A DSSE envelope over `payload` of `payload_type`.
    pub fn sign_envelope(&self, payload_type: &str, payload: &[u8]) -> Result<Envelope, Error> {
        let sig = self
            .signer
            .sign(&pae(payload_type, payload))
            .map_err(|e| Error::Attestation(e.to_string()))?;
        Ok(Envelope {
            payload_type: payload_type.to_string(),
            payload: B64.encode(payload),
            signatures: vec![EnvelopeSignature {
                keyid: self.verifier.clone(),
                sig: B64.encode(sig),
            }],
        })
    }
}

/// A tree head the log key signed.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

/// Checks what the pinned log key signed.
pub struct LogVerifier {
    key: String,
    verifier: StandardVerifier,
    ed25519: ed25519_dalek::VerifyingKey,
}

impl std::fmt::Debug for LogVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LogVerifier({})", self.key)
    }
}

impl LogVerifier {
    /// The verifier of a pinned key (`NAME+ID+BASE64`).
    pub fn new(key: &str) -> Result<LogVerifier, Error> {
        let key = key.trim();
        let bad = || Error::BadKey(key.to_string());
        let verifier = StandardVerifier::new(key).map_err(|_| bad())?;
        // NAME+ID+BASE64: names hold no `+`, base64 may.
        let raw = key
            .splitn(3, '+')
            .nth(2)
            .and_then(|b| B64.decode(b).ok())
            .filter(|d| d.len() == 33 && d[0] == ALG_ED25519)
            .ok_or_else(bad)?;
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&raw[1..]);
        let ed25519 = ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| bad())?;
        Ok(LogVerifier {
            key: key.to_string(),
            verifier,
            ed25519,
        })
    }

    /// The pinned key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The log's origin (the key's name).
    pub fn origin(&self) -> &str {
        signed_note::Verifier::name(&self.verifier)
    }

    /// A checkpoint signed by this key, for this key's log.
    pub fn open_checkpoint(&self, note: &[u8]) -> Result<Checkpoint, Error> {
        let parsed = Note::from_bytes(note).map_err(|e| Error::CheckpointFormat(e.to_string()))?;
        let verifier =
            StandardVerifier::new(&self.key).map_err(|_| Error::BadKey(self.key.clone()))?;
        let known = VerifierList::new(vec![Box::new(verifier)]);
        parsed
            .verify(&known)
            .map_err(|e| Error::CheckpointSignature(e.to_string()))?;
        let checkpoint = tlog_tiles::Checkpoint::from_bytes(parsed.text())
            .map_err(|e| Error::CheckpointFormat(e.to_string()))?;
        if checkpoint.origin() != self.origin() {
            return Err(Error::Origin {
                expected: self.origin().to_string(),
                found: checkpoint.origin().to_string(),
            });
        }
        Ok(Checkpoint {
            origin: checkpoint.origin().to_string(),
            size: checkpoint.size(),
            root: *checkpoint.hash(),
        })
    }

    /// The payload of a DSSE envelope this key signed.
    pub fn open_envelope(&self, envelope: &Envelope, payload_type: &str) -> Result<Vec<u8>, Error> {
        if envelope.payload_type != payload_type {
            return Err(Error::Attestation(format!(
                "payload type `{}`, expected `{payload_type}`",
                envelope.payload_type
            )));
        }
        let payload = B64
            .decode(&envelope.payload)
            .map_err(|e| Error::Attestation(format!("payload: {e}")))?;
        let message = pae(&envelope.payload_type, &payload);
        let signed = envelope.signatures.iter().any(|s| {
            let Ok(sig) = B64.decode(&s.sig) else {
                return false;
            };
            let Ok(sig) = ed25519_dalek::Signature::from_slice(&sig) else {
                return false;
            };
            self.ed25519.verify_strict(&message, &sig).is_ok()
        });
        if !signed {
            return Err(Error::Attestation(
                "not signed by the pinned log key".into(),
            ));
        }
        Ok(payload)
    }
}

// ---------------------------------------------------------------- proofs

/// Checks that `leaf` is entry `index` of the tree of `size` leaves with
/// root `root`, by the RFC 6962 audit path `proof` (base64 hashes).
pub fn verify_inclusion(
    leaf: &[u8],
    index: u64,
    size: u64,
    root: Hash,
    proof: &[String],
) -> Result<(), Error> {
    if index >= size {
        return Err(Error::Inclusion { index, size });
    }
    let proof = hashes(proof)?;
    tlog_tiles::check_record(&proof, size, root, index, record_hash(leaf))
        .map_err(|_| Error::Inclusion { index, size })
}

/// Checks that the tree of `new_size` leaves (root `new_root`) extends the
/// one of `old_size` (root `old_root`), by the RFC 6962 consistency proof
/// `proof`. A smaller new tree is [`Error::Stale`].
pub fn verify_consistency(
    old_size: u64,
    old_root: Hash,
    new_size: u64,
    new_root: Hash,
    proof: &[String],
) -> Result<(), Error> {
    if new_size < old_size {
        return Err(Error::Stale {
            old: old_size,
            new: new_size,
        });
    }
    let inconsistent = Error::Consistency {
        old: old_size,
        new: new_size,
    };
    if old_size == new_size {
        return if old_root == new_root && proof.is_empty() {
            Ok(())
        } else {
            Err(inconsistent)
        };
    }
    if old_size == 0 {
        return Ok(());
    }
    let proof = hashes(proof)?;
    tlog_tiles::check_tree(&proof, new_size, new_root, old_size, old_root).map_err(|_| inconsistent)
}

fn hashes(proof: &[String]) -> Result<Vec<Hash>, Error> {
    if proof.len() > 128 {
        return Err(Error::BadProof("more than 128 hashes".into()));
    }
    proof
        .iter()
        .map(|h| Hash::parse_hash(h).map_err(|_| Error::BadProof(format!("`{h}` is not a hash"))))
        .collect()
}

/// A root hash as checkpoints and locks write it (base64).
pub fn encode_hash(h: &Hash) -> String {
    h.to_string()
}

/// A root hash from its base64 form.
pub fn decode_hash(s: &str) -> Result<Hash, Error> {
    Hash::parse_hash(s).map_err(|_| Error::BadProof(format!("`{s}` is not a hash")))
}

// ----------------------------------------------------------- attestations

/// A DSSE envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    pub payload_type: String,
    /// Base64.
    pub payload: String,
    pub signatures: Vec<EnvelopeSignature>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeSignature {
    pub keyid: String,
    /// Base64.
    pub sig: String,
}

impl Envelope {
    /// The bytes served, whose digest the log leaf names.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("an envelope serialises")
    }
}

use skillseal_sign::dsse_pae as pae;

/// The payload type of an in-toto Statement.
pub const IN_TOTO: &str = "application/vnd.in-toto+json";

/// The predicate type of skillseal-registry's scan attestation.
pub const SCAN_PREDICATE: &str = "urn:skillseal:predicate:scan:v1";

/// An in-toto Statement v1 whose predicate is the registry's scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    #[serde(rename = "_type")]
    pub statement_type: String,
    pub subject: Vec<Subject>,
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    pub predicate: ScanPredicate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub name: String,
    pub digest: std::collections::BTreeMap<String, String>,
}

/// What the registry's scan of a package found (`urn:skillseal:predicate:scan:v1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanPredicate {
    pub scanner: Scanner,
    /// The digest of the rule set the scan ran.
    pub rules_digest: String,
    /// The digest of the registry's `[policy]` (its canonical JSON).
    pub policy_digest: String,
    /// `pass`, `review` or `block`.
    pub verdict: String,
    pub capabilities: Vec<String>,
    pub findings: FindingsSummary,
    /// The digest of the full JSON report the registry keeps.
    pub report_digest: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scanner {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingsSummary {
    pub total: u64,
    /// Counts by severity name.
    pub by_severity: std::collections::BTreeMap<String, u64>,
    /// Each rule that fired, sorted.
    pub rules: Vec<String>,
}

impl Statement {
    pub const TYPE: &'static str = "https://in-toto.io/Statement/v1";

    /// A statement about the package `name`@`version` with `digest`.
    pub fn new(name: &str, version: &str, digest: &str, predicate: ScanPredicate) -> Statement {
        let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
        Statement {
            statement_type: Statement::TYPE.into(),
            subject: vec![Subject {
                name: format!("{name}-{version}.skill.tgz"),
                digest: [("sha256".to_string(), hex.to_string())].into(),
            }],
            predicate_type: SCAN_PREDICATE.into(),
            predicate,
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a statement serialises")
    }
}

/// The scan attestation for the package with `digest`: signed by the log
/// key, about that digest. Its predicate is returned.
pub fn verify_attestation(
    verifier: &LogVerifier,
    envelope_bytes: &[u8],
    digest: &str,
) -> Result<ScanPredicate, Error> {
    let envelope: Envelope = serde_json::from_slice(envelope_bytes)
        .map_err(|e| Error::Attestation(format!("not a DSSE envelope: {e}")))?;
    let payload = verifier.open_envelope(&envelope, IN_TOTO)?;
    let statement: Statement = serde_json::from_slice(&payload)
        .map_err(|e| Error::Attestation(format!("not an in-toto statement: {e}")))?;
    if statement.statement_type != Statement::TYPE || statement.predicate_type != SCAN_PREDICATE {
        return Err(Error::Attestation(format!(
            "statement type `{}` with predicate `{}`, expected a skillseal scan",
            statement.statement_type, statement.predicate_type
        )));
    }
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    let about = statement
        .subject
        .iter()
        .any(|s| s.digest.get("sha256").is_some_and(|d| d == hex));
    if !about {
        return Err(Error::Attestation(format!(
            "it is about another package, not {digest}"
        )));
    }
    Ok(statement.predicate)
}

/// `sha256:` and the hex SHA-256 of `bytes`.
pub fn digest_of(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

#[cfg(test)]
mod tests;
