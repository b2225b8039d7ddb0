//! Offline verification of a Sigstore bundle against an artifact.
//!
//! Every check is named ([`Check`]) so a failure says which one failed.
//! The order: the bundle's shape and the signer material against the
//! policy; the signature over the artifact (or the DSSE envelope); each
//! transparency log entry (known log, time inside the log key's validity,
//! body equal to what the bundle carries, signed entry timestamp, Merkle
//! inclusion proof, signed checkpoint); then, for certificates, the chain
//! to a trusted Fulcio CA at the log's time, an SCT from a trusted CT log,
//! the signing time inside the certificate's validity, and the identity.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280::ID_KP_CODE_SIGNING;
use const_oid::db::rfc5912::{
    ECDSA_WITH_SHA_256, ECDSA_WITH_SHA_384, ECDSA_WITH_SHA_512, SHA_256_WITH_RSA_ENCRYPTION,
    SHA_384_WITH_RSA_ENCRYPTION, SHA_512_WITH_RSA_ENCRYPTION,
};
use serde_json::Value;
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use x509_cert::Certificate;
use x509_cert::der::asn1::Utf8StringRef;
use x509_cert::der::oid::AssociatedOid as _;
use x509_cert::der::{Decode as _, Encode as _};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::sct::SignedCertificateTimestampList;
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage, SubjectAltName};

use crate::bundle::{Bundle, BundleVersion, Envelope, TlogEntry, decode_base64};
use crate::keys::PublicKey;
use crate::keys::SignatureHash;
use crate::trust::{Log, TrustedRoot};
use crate::{der, merkle, rfc3161};

const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
/// Fulcio's OIDC issuer extension (DER UTF8String) and its legacy raw form.
const FULCIO_ISSUER_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");
const FULCIO_ISSUER_V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.1");

/// Log entries may be stamped a little ahead of this machine's clock.
const CLOCK_SKEW_SECONDS: i64 = 300;

/// The check that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// The bundle is malformed or carries the wrong kind of material.
    Bundle,
    /// The verification policy does not fit the bundle's signer material.
    Policy,
    /// The artifact's digest differs from the one the bundle names.
    ArtifactDigest,
    /// The signature does not verify over the artifact or envelope.
    Signature,
    /// The log entry is from an unknown log or is malformed.
    TlogEntry,
    /// The log entry's body does not match the bundle.
    TlogBody,
    /// The signed entry timestamp (inclusion promise).
    SignedEntryTimestamp,
    /// The Merkle inclusion proof.
    InclusionProof,
    /// The signed checkpoint the proof leads to.
    Checkpoint,
    /// The log's time against certificate or log key validity.
    IntegratedTime,
    /// An RFC 3161 timestamp.
    Timestamp,
    /// The certificate chain to a trusted CA.
    CertificateChain,
    /// The signed certificate timestamp embedded in the certificate.
    Sct,
    /// The certificate's identity and issuer against the policy.
    Identity,
    /// A feature this verifier does not support yet.
    Unsupported,
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Check::Bundle => "bundle",
            Check::Policy => "verification policy",
            Check::ArtifactDigest => "artifact digest",
            Check::Signature => "signature",
            Check::TlogEntry => "transparency log entry",
            Check::TlogBody => "transparency log entry body",
            Check::SignedEntryTimestamp => "signed entry timestamp",
            Check::InclusionProof => "inclusion proof",
            Check::Checkpoint => "checkpoint",
            Check::IntegratedTime => "integrated time",
            Check::Timestamp => "RFC 3161 timestamp",
            Check::CertificateChain => "certificate chain",
            Check::Sct => "signed certificate timestamp",
            Check::Identity => "certificate identity",
            Check::Unsupported => "unsupported",
        })
    }
}

/// A failed verification: which check, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{check}: {reason}")]
pub struct VerifyError {
    pub check: Check,
    pub reason: String,
}

fn fail<T>(check: Check, reason: impl Into<String>) -> Result<T, VerifyError> {
    Err(VerifyError {
        check,
        reason: reason.into(),
    })
}

/// Whom the signature must come from.
#[derive(Clone, Debug)]
pub enum Policy {
    /// A key the user holds (cosign `--key`).
    Key(PublicKey),
    /// A Fulcio certificate for exactly this identity (SAN) and OIDC issuer.
    Identity { identity: String, issuer: String },
}

/// Who signed, as established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signer {
    Key { fingerprint: String },
    Certificate { identity: String, issuer: String },
}

/// What a log entry proved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEvidence {
    pub log_url: String,
    pub log_index: i64,
    /// Rekor v1 entries carry the time the log integrated them; Rekor v2
    /// entries carry none (the time comes from a timestamp authority).
    pub integrated_time: Option<i64>,
}

/// A successful verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub signer: Signer,
    pub log_entries: Vec<LogEvidence>,
}

/// A digest algorithm a bundle can name: the protobuf-specs
/// `HashAlgorithm` values this verifier supports (`SHA3_256`, `SHA3_384`
/// and `HASH_ALGORITHM_UNSPECIFIED` are refused as unsupported).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DigestAlgorithm {
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlgorithm {
    /// The protobuf JSON enum name, as `messageDigest.algorithm` carries it.
    pub(crate) fn from_bundle(name: &str) -> Option<Self> {
        match name {
            "SHA2_256" => Some(Self::Sha256),
            "SHA2_384" => Some(Self::Sha384),
            "SHA2_512" => Some(Self::Sha512),
            _ => None,
        }
    }

    fn bundle_name(self) -> &'static str {
        match self {
            Self::Sha256 => "SHA2_256",
            Self::Sha384 => "SHA2_384",
            Self::Sha512 => "SHA2_512",
        }
    }

    /// The name Rekor v1 `hashedrekord` bodies (and `sha256:` prefixes) use.
    fn short_name(self) -> &'static str {
        match self {
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256 => Sha256::digest(data).to_vec(),
            Self::Sha384 => Sha384::digest(data).to_vec(),
            Self::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    fn for_signature_hash(hash: SignatureHash) -> Option<Self> {
        match hash {
            SignatureHash::Sha256 => Some(Self::Sha256),
            SignatureHash::Sha384 => Some(Self::Sha384),
            SignatureHash::Sha512 => Some(Self::Sha512),
            SignatureHash::None => None,
        }
    }

    fn signature_hash(self) -> SignatureHash {
        match self {
            Self::Sha256 => SignatureHash::Sha256,
            Self::Sha384 => SignatureHash::Sha384,
            Self::Sha512 => SignatureHash::Sha512,
        }
    }
}

/// The hash a message signature is checked with, for the signer's key and
/// the digest algorithm the bundle names (`messageSignature.messageDigest`).
///
/// The spec question (issue 16). protobuf-specs' `MessageSignature` says
/// the signature algorithm comes from the verification material (key or
/// certificate), and that `messageDigest` identifies the artifact: clients
/// "MUST NOT attempt to use this digest to verify the associated
/// signature", i.e. the digest is recomputed from the artifact (done before
/// this is called), never trusted. Which hashes a key signs with is the
/// algorithm registry (protobuf-specs `PublicKeyDetails`, sigstore's
/// `AlgorithmDetails`): P-256 with SHA-256, P-384 with SHA-384, P-521 with
/// SHA-512, RSA with SHA-256, Ed25519 over the message itself, and, marked
/// deprecated but "used by most Sigstore clients", P-384 and P-521 with
/// SHA-256 (`PKIX_ECDSA_P384_SHA_256`, `PKIX_ECDSA_P521_SHA_256`).
/// sigstore-python signs and verifies P-384 certificates that way
/// (`ec.ECDSA(Prehashed(SHA256))` over the SHA-256 digest); sigstore-go
/// verifies with the key's default hash and, for P-384/P-521, a SHA-256
/// "compat" verifier; its digest-only path (`WithDigest`) checks the
/// signature over the stated digest.
///
/// So: where the stated algorithm is one the key's curve signs with in the
/// registry, it decides (deterministically: P-384 with SHA2_256 is checked
/// with SHA-256, P-384 with SHA2_384 with SHA-384). Otherwise (no digest
/// named, or one the registry does not pair with the key, such as P-256
/// with SHA2_384) the digest only identifies the artifact and the key's own
/// hash applies: a P-256 signature over a SHA-384 digest is refused, as the
/// registry has no such algorithm. Ed25519 signs the message itself,
/// whatever digest the bundle names.
pub(crate) fn message_signature_hash(
    key: &PublicKey,
    stated: Option<DigestAlgorithm>,
) -> SignatureHash {
    let own = key.default_hash();
    match (own, stated.map(DigestAlgorithm::signature_hash)) {
        (SignatureHash::None, _) => SignatureHash::None,
        (own, Some(stated)) if stated == own => own,
        (SignatureHash::Sha384 | SignatureHash::Sha512, Some(SignatureHash::Sha256)) => {
            SignatureHash::Sha256
        }
        (own, _) => own,
    }
}

/// An artifact digest: the one the bundle names, or the one a signature or
/// log entry is over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ArtifactDigest {
    algorithm: DigestAlgorithm,
    bytes: Vec<u8>,
}

impl ArtifactDigest {
    fn of(algorithm: DigestAlgorithm, artifact: &[u8]) -> Self {
        ArtifactDigest {
            algorithm,
            bytes: algorithm.digest(artifact),
        }
    }
}

impl fmt::Display for ArtifactDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}",
            self.algorithm.short_name(),
            hex::encode(&self.bytes)
        )
    }
}

/// Checks a message signature with the hash [`message_signature_hash`]
/// picks. ECDSA and RSA are checked over the artifact's digest under that
/// hash (the stated digest, already compared with the artifact, when it is
/// that hash's); Ed25519 over the artifact. Returns whether it verifies and
/// the digest it was checked over (`None` for Ed25519).
fn check_message_signature(
    key: &PublicKey,
    stated: Option<&ArtifactDigest>,
    artifact: &[u8],
    signature: &[u8],
) -> (bool, Option<ArtifactDigest>) {
    let hash = message_signature_hash(key, stated.map(|d| d.algorithm));
    let Some(algorithm) = DigestAlgorithm::for_signature_hash(hash) else {
        return (key.verify(artifact, signature), None);
    };
    let signed = match stated {
        Some(d) if d.algorithm == algorithm => d.clone(),
        _ => ArtifactDigest::of(algorithm, artifact),
    };
    (
        key.verify_prehashed(hash, &signed.bytes, signature),
        Some(signed),
    )
}

/// What the signature covers, as the bundle carries it.
enum Content<'a> {
    Message {
        signature: &'a [u8],
        digest: ArtifactDigest,
    },
    Dsse {
        envelope: &'a Envelope,
    },
}

impl Content<'_> {
    /// The signature bytes (what a timestamp authority timestamps).
    fn signature(&self) -> &[u8] {
        match self {
            Content::Message { signature, .. } => signature,
            Content::Dsse { envelope } => envelope.signatures.first().map_or(&[], |s| &s.sig.0),
        }
    }
}

/// Verifies bundle JSON against the artifact bytes. `now` is Unix seconds.
pub fn verify_json(
    artifact: &[u8],
    bundle_json: &[u8],
    policy: &Policy,
    root: &TrustedRoot,
    now: i64,
) -> Result<Verified, VerifyError> {
    let (bundle, version) =
        Bundle::from_json(bundle_json).or_else(|e| fail(Check::Bundle, e.to_string()))?;
    verify(artifact, &bundle, version, policy, root, now)
}

/// Verifies a parsed bundle against the artifact bytes.
pub fn verify(
    artifact: &[u8],
    bundle: &Bundle,
    version: BundleVersion,
    policy: &Policy,
    root: &TrustedRoot,
    now: i64,
) -> Result<Verified, VerifyError> {
    let material = &bundle.verification_material;

    // Signer material against the policy.
    let leaf_der = leaf_certificate(bundle)?;
    let (key, certificate) = match (policy, leaf_der) {
        (Policy::Key(key), None) => {
            let hint = material.public_key.as_ref().map_or("", |k| k.hint.as_str());
            if !hint.is_empty() && hint != key.hint() {
                return fail(
                    Check::Policy,
                    format!(
                        "the bundle names the key with hint `{hint}`; the given key's hint is `{}`",
                        key.hint()
                    ),
                );
            }
            (key.clone(), None)
        }
        (Policy::Key(_), Some(_)) => {
            return fail(
                Check::Policy,
                "the bundle is signed with a certificate; verify it with \
                 --certificate-identity and --certificate-oidc-issuer",
            );
        }
        (Policy::Identity { .. }, None) => {
            let hint = material.public_key.as_ref().map_or("", |k| k.hint.as_str());
            return fail(
                Check::Policy,
                format!(
                    "the bundle is signed with a key (hint `{hint}`), not a certificate; verify it with --key"
                ),
            );
        }
        (Policy::Identity { .. }, Some(der)) => {
            let cert = Certificate::from_der(der).or_else(|e| {
                fail(
                    Check::Bundle,
                    format!("the signing certificate is not valid DER: {e}"),
                )
            })?;
            let spki = cert
                .tbs_certificate()
                .subject_public_key_info()
                .to_der()
                .or_else(|e| fail(Check::Bundle, e.to_string()))?;
            let key = PublicKey::from_der(&spki)
                .or_else(|e| fail(Check::Bundle, format!("the signing certificate's key: {e}")))?;
            (key, Some((der, cert)))
        }
    };

    // The signature over the artifact.
    let content = match (&bundle.message_signature, &bundle.dsse_envelope) {
        (Some(message), None) => {
            // The digest the bundle names must be the artifact's under the
            // algorithm it names (computed here, never taken on trust).
            let stated = match &message.message_digest {
                Some(md) => {
                    let Some(algorithm) = DigestAlgorithm::from_bundle(&md.algorithm) else {
                        return fail(
                            Check::Unsupported,
                            format!(
                                "message digest algorithm `{}` (supported: SHA2_256, SHA2_384, SHA2_512)",
                                md.algorithm
                            ),
                        );
                    };
                    let actual = ArtifactDigest::of(algorithm, artifact);
                    if md.digest.0 != actual.bytes {
                        return fail(
                            Check::ArtifactDigest,
                            format!(
                                "the bundle names {}:{}, the artifact is {actual}",
                                algorithm.short_name(),
                                hex::encode(&md.digest.0),
                            ),
                        );
                    }
                    Some(actual)
                }
                None => None,
            };
            let (verified, signed) =
                check_message_signature(&key, stated.as_ref(), artifact, &message.signature.0);
            if !verified {
                let over = match &signed {
                    Some(d) => format!("the artifact's {} digest", d.algorithm.bundle_name()),
                    None => "the artifact".to_string(),
                };
                return fail(
                    Check::Signature,
                    format!(
                        "the signature over {over} does not verify with {}",
                        describe(&key, certificate.is_some())
                    ),
                );
            }
            // A log entry records the digest the signature is over (Rekor
            // checks the signature against it); for Ed25519, the named one.
            Content::Message {
                signature: &message.signature.0,
                digest: signed
                    .or(stated)
                    .unwrap_or_else(|| ArtifactDigest::of(DigestAlgorithm::Sha256, artifact)),
            }
        }
        (None, Some(envelope)) => {
            let digest: [u8; 32] = Sha256::digest(artifact).into();
            verify_envelope(envelope, &key, &digest)?;
            Content::Dsse { envelope }
        }
        _ => {
            return fail(
                Check::Bundle,
                "a bundle carries exactly one of `messageSignature` and `dsseEnvelope`",
            );
        }
    };

    // Transparency log entries, then RFC 3161 timestamps: the signing times.
    let signer_der: &[u8] = match &certificate {
        Some((der, _)) => der,
        None => key.der(),
    };
    let mut evidence = Vec::new();
    for entry in &material.tlog_entries {
        evidence.push(verify_entry(
            entry, version, &content, signer_der, root, now,
        )?);
    }
    let mut times: Vec<i64> = evidence.iter().filter_map(|e| e.integrated_time).collect();
    let mut timestamp_error = None;
    let timestamps = material
        .timestamp_verification_data
        .iter()
        .flat_map(|t| &t.rfc3161_timestamps);
    for token in timestamps {
        // As sigstore-go does: a timestamp that does not verify is not
        // counted; it fails the bundle only if no signing time is left.
        match rfc3161::verify(&token.signed_timestamp.0, content.signature(), root) {
            Ok(t) if t > now + CLOCK_SKEW_SECONDS => {
                timestamp_error = Some(format!("its time {} is in the future", time(t)));
            }
            Ok(t) => times.push(t),
            Err(e) => timestamp_error = timestamp_error.or(Some(e)),
        }
    }

    let Some((leaf_der, cert)) = certificate else {
        let Policy::Key(key) = policy else {
            unreachable!("a key-signed bundle only verifies under a key policy")
        };
        return Ok(Verified {
            signer: Signer::Key {
                fingerprint: key.fingerprint(),
            },
            log_entries: evidence,
        });
    };

    // Certificates are short-lived: the signature counts only if a log or a
    // timestamp authority saw it while the certificate was valid.
    if times.is_empty() {
        return match timestamp_error {
            Some(e) => fail(Check::Timestamp, e),
            None => fail(
                Check::TlogEntry,
                "a certificate-signed bundle needs a transparency log entry with a time, or an RFC 3161 \
                 timestamp, to prove when it was signed; it has neither",
            ),
        };
    }
    let validity = cert.tbs_certificate().validity();
    let not_before = validity.not_before.to_unix_duration().as_secs() as i64;
    let not_after = validity.not_after.to_unix_duration().as_secs() as i64;
    for &t in &times {
        if t < not_before || t > not_after {
            return fail(
                Check::IntegratedTime,
                format!(
                    "the signature was logged or timestamped at {}, outside the signing certificate's validity ({} to {})",
                    time(t),
                    time(not_before),
                    time(not_after)
                ),
            );
        }
    }
    let mut issuer = Vec::new();
    for &t in &times {
        issuer = verify_chain(leaf_der, &cert, root, t)?;
    }
    verify_sct(leaf_der, &issuer, root)?;
    check_leaf_usage(&cert)?;
    let (identity, issuer_name) = identity(&cert)?;
    let Policy::Identity {
        identity: want_identity,
        issuer: want_issuer,
    } = policy
    else {
        unreachable!("a certificate-signed bundle only verifies under an identity policy")
    };
    if !identity.iter().any(|i| i == want_identity) || issuer_name != *want_issuer {
        return fail(
            Check::Identity,
            format!(
                "the certificate is for `{}` (issuer `{issuer_name}`), not `{want_identity}` (issuer `{want_issuer}`)",
                identity.join("`, `")
            ),
        );
    }
    Ok(Verified {
        signer: Signer::Certificate {
            identity: want_identity.clone(),
            issuer: issuer_name,
        },
        log_entries: evidence,
    })
}

fn describe(key: &PublicKey, certificate: bool) -> String {
    if certificate {
        format!("the certificate's {} key", key.scheme_name())
    } else {
        format!("the {} key {}", key.scheme_name(), key.fingerprint())
    }
}

fn time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(|| t.to_string(), |d| d.to_rfc3339())
}

/// The leaf certificate's DER, if the bundle is certificate-signed.
fn leaf_certificate(bundle: &Bundle) -> Result<Option<&[u8]>, VerifyError> {
    let material = &bundle.verification_material;
    let set = [
        material.public_key.is_some(),
        material.certificate.is_some(),
        material.x509_certificate_chain.is_some(),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    if set != 1 {
        return fail(
            Check::Bundle,
            "verificationMaterial carries exactly one of `publicKey`, `certificate` and `x509CertificateChain`",
        );
    }
    if let Some(cert) = &material.certificate {
        return Ok(Some(&cert.raw_bytes.0));
    }
    if let Some(chain) = &material.x509_certificate_chain {
        let Some(leaf) = chain.certificates.first() else {
            return fail(Check::Bundle, "the certificate chain is empty");
        };
        // Only the leaf is used: trust comes from the trusted root. A bundle
        // that ships its own root is refused outright, as other clients do.
        for (i, c) in chain.certificates.iter().enumerate().skip(1) {
            let cert = Certificate::from_der(&c.raw_bytes.0).or_else(|e| {
                fail(
                    Check::Bundle,
                    format!("certificate {i} of the chain is not valid DER: {e}"),
                )
            })?;
            if cert.tbs_certificate().issuer() == cert.tbs_certificate().subject() {
                return fail(
                    Check::CertificateChain,
                    "the bundle carries a root certificate; roots come only from the trusted root",
                );
            }
        }
        return Ok(Some(&leaf.raw_bytes.0));
    }
    Ok(None)
}

/// Checks the one DSSE signature and that the in-toto statement names the
/// artifact.
fn verify_envelope(
    envelope: &Envelope,
    key: &PublicKey,
    digest: &[u8; 32],
) -> Result<(), VerifyError> {
    let [signature] = envelope.signatures.as_slice() else {
        return fail(
            Check::Bundle,
            format!(
                "the DSSE envelope has {} signatures; exactly one is supported",
                envelope.signatures.len()
            ),
        );
    };
    if !key.verify(
        &pae(&envelope.payload_type, &envelope.payload.0),
        &signature.sig.0,
    ) {
        return fail(
            Check::Signature,
            "the DSSE envelope's signature does not verify",
        );
    }
    if envelope.payload_type != "application/vnd.in-toto+json" {
        return fail(
            Check::Unsupported,
            format!(
                "DSSE payload type `{}` (only in-toto statements name an artifact)",
                envelope.payload_type
            ),
        );
    }
    let statement: Value = serde_json::from_slice(&envelope.payload.0).or_else(|e| {
        fail(
            Check::Bundle,
            format!("the in-toto statement is not JSON: {e}"),
        )
    })?;
    let want = hex::encode(digest);
    let names_artifact = statement["subject"].as_array().is_some_and(|subjects| {
        subjects.iter().any(|s| {
            s["digest"]["sha256"]
                .as_str()
                .is_some_and(|d| d.eq_ignore_ascii_case(&want))
        })
    });
    if !names_artifact {
        return fail(
            Check::ArtifactDigest,
            format!("no subject of the in-toto statement has the artifact's digest sha256:{want}"),
        );
    }
    Ok(())
}

/// DSSE pre-authentication encoding.
fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

fn verify_entry(
    entry: &TlogEntry,
    version: BundleVersion,
    content: &Content<'_>,
    signer_der: &[u8],
    root: &TrustedRoot,
    now: i64,
) -> Result<LogEvidence, VerifyError> {
    let kind = (
        entry.kind_version.kind.as_str(),
        entry.kind_version.version.as_str(),
    );
    let rekor_v2 = match kind {
        ("hashedrekord" | "dsse", "0.0.1") | ("intoto", "0.0.2") => false,
        ("hashedrekord" | "dsse", "0.0.2") => true,
        (k, v) => {
            return fail(
                Check::Unsupported,
                format!("log entry kind `{k}` version `{v}`"),
            );
        }
    };
    if entry.log_index.0 < 0 {
        return fail(
            Check::TlogEntry,
            format!("negative log index {}", entry.log_index.0),
        );
    }
    let Some(log) = root
        .tlogs
        .iter()
        .find(|l| l.key_id == entry.log_id.key_id.0)
    else {
        return fail(
            Check::TlogEntry,
            format!(
                "the entry is from a log the trusted root does not list (log ID {})",
                entry.log_id.key_id.to_base64()
            ),
        );
    };
    let log_key = log.key.as_ref().or_else(|e| {
        fail(
            Check::TlogEntry,
            format!("the trusted root's key for this log is unusable: {e}"),
        )
    })?;

    // Rekor v1 stamps each entry with the time it integrated it; the time
    // must fall inside the log key's validity and not in the future.
    let t = entry.integrated_time.0;
    let integrated_time = if rekor_v2 {
        None
    } else {
        if t <= 0 {
            return fail(Check::TlogEntry, "the entry has no integrated time");
        }
        if t > now + CLOCK_SKEW_SECONDS {
            return fail(
                Check::IntegratedTime,
                format!("the entry's time {} is in the future", time(t)),
            );
        }
        if !log.validity.contains(t) {
            return fail(
                Check::IntegratedTime,
                format!(
                    "the entry's time {} is outside the validity of the log's key",
                    time(t)
                ),
            );
        }
        Some(t)
    };

    let body = &entry.canonicalized_body.0;
    check_body(body, kind, content, signer_der)?;

    if rekor_v2 && entry.inclusion_promise.is_some() {
        return fail(
            Check::TlogEntry,
            "a Rekor v2 entry carries a signed entry timestamp",
        );
    }
    if let Some(promise) = &entry.inclusion_promise {
        let payload = format!(
            r#"{{"body":"{}","integratedTime":{},"logID":"{}","logIndex":{}}}"#,
            STANDARD.encode(body),
            t,
            hex::encode(&log.key_id),
            entry.log_index.0
        );
        if !log_key.verify(payload.as_bytes(), &promise.signed_entry_timestamp.0) {
            return fail(
                Check::SignedEntryTimestamp,
                "it does not verify with the log's key",
            );
        }
    }
    match &entry.inclusion_proof {
        Some(proof) => {
            let (Ok(index), Ok(size)) = (
                u64::try_from(proof.log_index.0),
                u64::try_from(proof.tree_size.0),
            ) else {
                return fail(Check::InclusionProof, "negative index or tree size");
            };
            let hashes: Vec<Vec<u8>> = proof.hashes.iter().map(|h| h.0.clone()).collect();
            let computed = merkle::root_from_proof(index, size, merkle::leaf_hash(body), &hashes)
                .or_else(|e| fail(Check::InclusionProof, e))?;
            if computed[..] != proof.root_hash.0[..] {
                return fail(
                    Check::InclusionProof,
                    "the proof does not lead from the entry to the root hash",
                );
            }
            let Some(checkpoint) = &proof.checkpoint else {
                return fail(
                    Check::Checkpoint,
                    "the inclusion proof has no signed checkpoint",
                );
            };
            verify_checkpoint(&checkpoint.envelope, log, log_key, &proof.root_hash.0, size)?;
        }
        None if rekor_v2 || version >= BundleVersion::V02 => {
            return fail(
                Check::InclusionProof,
                "missing (required from bundle version 0.2, and for every Rekor v2 entry)",
            );
        }
        None if entry.inclusion_promise.is_none() => {
            return fail(
                Check::InclusionProof,
                "the entry has neither an inclusion proof nor a signed entry timestamp",
            );
        }
        None => {}
    }
    Ok(LogEvidence {
        log_url: log.base_url.clone(),
        log_index: entry.log_index.0,
        integrated_time,
    })
}

/// What a log entry body records: the digest, signature(s) and signer.
struct Recorded {
    /// Hex or raw digest of what was signed, and whether it matched.
    digest_matches: bool,
    signatures: Vec<Vec<u8>>,
    verifier_der: Option<Vec<u8>>,
}

fn b64(v: &Value) -> Option<Vec<u8>> {
    v.as_str().and_then(decode_base64)
}

/// The DER inside a base64 PEM (Rekor v1 bodies carry PEM). Read
/// leniently: some clients write the base64 on one long line.
fn pem_der(v: &Value) -> Option<Vec<u8>> {
    let text = String::from_utf8(b64(v)?).ok()?;
    let mut lines = text.lines().map(str::trim);
    lines.by_ref().find(|l| l.starts_with("-----BEGIN "))?;
    let body: String = lines.take_while(|l| !l.starts_with("-----END ")).collect();
    decode_base64(&body)
}

fn hex_matches(hash: &Value, algorithm: DigestAlgorithm, want: &[u8]) -> bool {
    hash["algorithm"] == algorithm.short_name()
        && hash["value"]
            .as_str()
            .is_some_and(|v| v.eq_ignore_ascii_case(&hex::encode(want)))
}

fn b64_matches(hash: &Value, algorithm: DigestAlgorithm, want: &[u8]) -> bool {
    hash["algorithm"] == algorithm.bundle_name() && b64(&hash["digest"]).as_deref() == Some(want)
}

/// The entry body must record exactly the bundle's signature, signer and
/// artifact (or DSSE payload).
fn check_body(
    body: &[u8],
    (kind, version): (&str, &str),
    content: &Content<'_>,
    signer_der: &[u8],
) -> Result<(), VerifyError> {
    let body: Value = serde_json::from_slice(body)
        .or_else(|e| fail(Check::TlogBody, format!("not JSON: {e}")))?;
    if body["kind"] != kind || body["apiVersion"] != version {
        return fail(
            Check::TlogBody,
            "its kind or version differs from the entry's",
        );
    }
    let spec = &body["spec"];
    let envelope_hash =
        |envelope: &Envelope| -> [u8; 32] { Sha256::digest(&envelope.payload.0).into() };
    let recorded = match (kind, version, content) {
        // The entry records the artifact digest the signature is over,
        // under its algorithm (Rekor's hashedrekord takes SHA-256/384/512).
        ("hashedrekord", "0.0.1", Content::Message { digest, .. }) => Recorded {
            digest_matches: hex_matches(&spec["data"]["hash"], digest.algorithm, &digest.bytes),
            signatures: b64(&spec["signature"]["content"]).into_iter().collect(),
            verifier_der: pem_der(&spec["signature"]["publicKey"]["content"]),
        },
        ("hashedrekord", "0.0.2", _) => {
            // Over DSSE, Rekor v2 logs the hash of the PAE (rekor-v2 §6.1.4).
            let signed = match content {
                Content::Message { digest, .. } => digest.clone(),
                Content::Dsse { envelope } => ArtifactDigest {
                    algorithm: DigestAlgorithm::Sha256,
                    bytes: Sha256::digest(pae(&envelope.payload_type, &envelope.payload.0))
                        .to_vec(),
                },
            };
            let spec = &spec["hashedRekordV002"];
            Recorded {
                digest_matches: b64_matches(&spec["data"], signed.algorithm, &signed.bytes),
                signatures: b64(&spec["signature"]["content"]).into_iter().collect(),
                verifier_der: v2_verifier(&spec["signature"]["verifier"]),
            }
        }
        ("dsse", "0.0.1", Content::Dsse { envelope }) => {
            let sigs = spec["signatures"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            Recorded {
                digest_matches: hex_matches(
                    &spec["payloadHash"],
                    DigestAlgorithm::Sha256,
                    &envelope_hash(envelope),
                ),
                signatures: sigs.iter().filter_map(|s| b64(&s["signature"])).collect(),
                verifier_der: sigs.first().and_then(|s| pem_der(&s["verifier"])),
            }
        }
        ("dsse", "0.0.2", Content::Dsse { envelope }) => {
            let spec = &spec["dsseV002"];
            let sigs = spec["signatures"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            Recorded {
                digest_matches: b64_matches(
                    &spec["payloadHash"],
                    DigestAlgorithm::Sha256,
                    &envelope_hash(envelope),
                ),
                signatures: sigs.iter().filter_map(|s| b64(&s["content"])).collect(),
                verifier_der: sigs.first().and_then(|s| v2_verifier(&s["verifier"])),
            }
        }
        ("intoto", "0.0.2", Content::Dsse { envelope }) => {
            let content_spec = &spec["content"];
            let sigs = content_spec["envelope"]["signatures"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let same_type =
                content_spec["envelope"]["payloadType"] == envelope.payload_type.as_str();
            Recorded {
                digest_matches: same_type
                    && hex_matches(
                        &content_spec["payloadHash"],
                        DigestAlgorithm::Sha256,
                        &envelope_hash(envelope),
                    ),
                // The legacy kind stores each signature base64-encoded twice.
                signatures: sigs
                    .iter()
                    .filter_map(|s| b64(&s["sig"]))
                    .filter_map(|once| decode_base64(std::str::from_utf8(&once).ok()?))
                    .collect(),
                verifier_der: sigs.first().and_then(|s| pem_der(&s["publicKey"])),
            }
        }
        _ => {
            return fail(
                Check::TlogBody,
                format!("a `{kind}` {version} entry does not fit this bundle's content"),
            );
        }
    };
    if !recorded.digest_matches {
        return fail(
            Check::TlogBody,
            "the entry records a different artifact digest or payload",
        );
    }
    if recorded.signatures.as_slice() != [content.signature()] {
        return fail(Check::TlogBody, "the entry records a different signature");
    }
    if recorded.verifier_der.as_deref() != Some(signer_der) {
        return fail(
            Check::TlogBody,
            "the entry records a different certificate or key",
        );
    }
    Ok(())
}

/// A Rekor v2 verifier: an X.509 certificate or a public key, raw DER.
fn v2_verifier(verifier: &Value) -> Option<Vec<u8>> {
    b64(&verifier["x509Certificate"]["rawBytes"])
        .or_else(|| b64(&verifier["publicKey"]["rawBytes"]))
}

/// A Rekor checkpoint (a signed note): origin, tree size, root hash, then
/// signature lines `— NAME base64(key hint ‖ signature)`.
fn verify_checkpoint(
    envelope: &str,
    log: &Log,
    key: &PublicKey,
    root_hash: &[u8],
    tree_size: u64,
) -> Result<(), VerifyError> {
    let Some((note, signatures)) = envelope.split_once("\n\n") else {
        return fail(
            Check::Checkpoint,
            "no blank line between the note and its signatures",
        );
    };
    let mut lines = note.lines();
    let origin = lines.next().unwrap_or_default();
    let size = lines.next().and_then(|l| l.parse::<u64>().ok());
    let hash = lines.next().and_then(decode_base64);
    let (Some(size), Some(hash)) = (size, hash) else {
        return fail(Check::Checkpoint, "the note lacks a tree size or root hash");
    };
    if origin.is_empty() {
        return fail(Check::Checkpoint, "the note has no origin");
    }
    if size != tree_size {
        return fail(
            Check::Checkpoint,
            format!("it is for tree size {size}, the proof for {tree_size}"),
        );
    }
    if hash != root_hash {
        return fail(
            Check::Checkpoint,
            "its root hash differs from the inclusion proof's",
        );
    }
    let signed = format!("{note}\n");
    let hint = log.key_id.get(..4).unwrap_or_default();
    let mut from_log = signatures
        .lines()
        .filter_map(|line| line.strip_prefix("\u{2014} "))
        .filter_map(|line| line.rsplit_once(' '))
        .filter_map(|(_, b64)| decode_base64(b64))
        .filter(|sig| sig.len() > 4 && sig[..4] == *hint)
        .peekable();
    if from_log.peek().is_none() {
        return fail(
            Check::Checkpoint,
            format!(
                "no signature carries the log's key hint {}",
                hex::encode(hint)
            ),
        );
    }
    if from_log.any(|sig| key.verify(signed.as_bytes(), &sig[4..])) {
        Ok(())
    } else {
        fail(
            Check::Checkpoint,
            "its signature does not verify with the log's key",
        )
    }
}

/// The hash an X.509/CMS signature algorithm OID names.
pub(crate) fn signature_hash(oid_der: &[u8]) -> Option<SignatureHash> {
    let oid = ObjectIdentifier::from_bytes(oid_der).ok()?;
    Some(match oid {
        ECDSA_WITH_SHA_256 | SHA_256_WITH_RSA_ENCRYPTION => SignatureHash::Sha256,
        ECDSA_WITH_SHA_384 | SHA_384_WITH_RSA_ENCRYPTION => SignatureHash::Sha384,
        ECDSA_WITH_SHA_512 | SHA_512_WITH_RSA_ENCRYPTION => SignatureHash::Sha512,
        ED25519 => SignatureHash::None,
        _ => return None,
    })
}

/// Does `issuer_key` sign `cert_der` (over its exact `tbsCertificate`)?
pub(crate) fn signed_by(cert_der: &[u8], cert: &Certificate, issuer_key: &PublicKey) -> bool {
    let Some(hash) = signature_hash(cert.signature_algorithm().oid.as_bytes()) else {
        return false;
    };
    let (Some(tbs), Some(signature)) =
        (der::tbs_certificate(cert_der), cert.signature().as_bytes())
    else {
        return false;
    };
    issuer_key.verify_with(hash, tbs, signature)
}

/// Each certificate of a trusted chain (issuer order) is issued and signed
/// by the next; `ders` are the same certificates' DER.
pub(crate) fn chain_holds(certs: &[Certificate], ders: &[Vec<u8>]) -> bool {
    certs.windows(2).zip(ders.windows(2)).all(|(pair, ders)| {
        pair[0].tbs_certificate().issuer() == pair[1].tbs_certificate().subject()
            && spki_key(&pair[1]).is_some_and(|k| signed_by(&ders[0], &pair[0], &k))
    })
}

pub(crate) fn spki_key(cert: &Certificate) -> Option<PublicKey> {
    let spki = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .ok()?;
    PublicKey::from_der(&spki).ok()
}

pub(crate) fn within(cert: &Certificate, t: i64) -> bool {
    let v = cert.tbs_certificate().validity();
    (v.not_before.to_unix_duration().as_secs() as i64) <= t
        && t <= v.not_after.to_unix_duration().as_secs() as i64
}

/// Finds the trusted CA that issued `leaf` and was valid at `t`; returns
/// the issuing certificate's DER.
fn verify_chain(
    leaf_der: &[u8],
    leaf: &Certificate,
    root: &TrustedRoot,
    t: i64,
) -> Result<Vec<u8>, VerifyError> {
    let mut outside_validity = false;
    for ca in &root.certificate_authorities {
        let certs: Vec<Certificate> =
            match ca.chain.iter().map(|c| Certificate::from_der(c)).collect() {
                Ok(certs) => certs,
                Err(_) => continue,
            };
        let issuer = &certs[0];
        if leaf.tbs_certificate().issuer() != issuer.tbs_certificate().subject() {
            continue;
        }
        let Some(issuer_key) = spki_key(issuer) else {
            continue;
        };
        if !signed_by(leaf_der, leaf, &issuer_key) {
            continue;
        }
        if !chain_holds(&certs, &ca.chain) {
            continue;
        }
        if !ca.validity.contains(t) || !certs.iter().all(|c| within(c, t)) {
            outside_validity = true;
            continue;
        }
        return Ok(ca.chain[0].clone());
    }
    if outside_validity {
        fail(
            Check::CertificateChain,
            format!(
                "the issuing certificate authority was not valid at {}",
                time(t)
            ),
        )
    } else {
        fail(
            Check::CertificateChain,
            format!(
                "the signing certificate was not issued by a certificate authority in the trusted root (issuer `{}`)",
                leaf.tbs_certificate().issuer()
            ),
        )
    }
}

/// At least one embedded SCT must verify with a trusted CT log's key
/// (RFC 6962 §3.2: the precertificate's TBS, without the SCT list).
fn verify_sct(leaf_der: &[u8], issuer_der: &[u8], root: &TrustedRoot) -> Result<(), VerifyError> {
    let leaf = Certificate::from_der(leaf_der).or_else(|e| fail(Check::Bundle, e.to_string()))?;
    let list = match leaf
        .tbs_certificate()
        .get_extension::<SignedCertificateTimestampList>()
    {
        Ok(Some((_, list))) => list,
        Ok(None) => return fail(Check::Sct, "the certificate carries none"),
        Err(e) => return fail(Check::Sct, format!("the SCT extension is malformed: {e}")),
    };
    let scts = list
        .parse_timestamps()
        .or_else(|e| fail(Check::Sct, format!("the SCT list is malformed: {e:?}")))?;
    let issuer = Certificate::from_der(issuer_der)
        .or_else(|e| fail(Check::CertificateChain, e.to_string()))?;
    let issuer_spki = issuer
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .or_else(|e| fail(Check::CertificateChain, e.to_string()))?;
    let Some(tbs) =
        der::tbs_without_extension(leaf_der, SignedCertificateTimestampList::OID.as_bytes())
    else {
        return fail(Check::Bundle, "the signing certificate's DER is malformed");
    };
    let Ok(tbs_len) = u32::try_from(tbs.len()) else {
        return fail(Check::Sct, "certificate too large");
    };
    let mut known_log = false;
    let mut unusable_key = false;
    for serialized in &scts {
        let Ok(sct) = serialized.parse_timestamp() else {
            continue;
        };
        let Some(log) = root.ctlogs.iter().find(|l| l.key_id == sct.log_id.key_id) else {
            continue;
        };
        known_log = true;
        let Ok(key) = &log.key else {
            unusable_key = true;
            continue;
        };
        let extensions = sct.extensions.as_slice();
        let mut msg = vec![0u8, 0u8];
        msg.extend_from_slice(&sct.timestamp.to_be_bytes());
        msg.extend_from_slice(&[0, 1]);
        msg.extend_from_slice(&Sha256::digest(&issuer_spki));
        msg.extend_from_slice(&tbs_len.to_be_bytes()[1..]);
        msg.extend_from_slice(&tbs);
        msg.extend_from_slice(&(extensions.len() as u16).to_be_bytes());
        msg.extend_from_slice(extensions);
        let when = i64::try_from(sct.timestamp / 1000).unwrap_or(i64::MAX);
        if log.validity.contains(when) && key.verify(&msg, sct.signature.signature.as_slice()) {
            return Ok(());
        }
    }
    if unusable_key {
        fail(
            Check::Sct,
            "the trusted root's key for the SCT's CT log is unusable",
        )
    } else if known_log {
        fail(Check::Sct, "no SCT verifies with its CT log's key")
    } else {
        fail(Check::Sct, "no SCT comes from a CT log in the trusted root")
    }
}

/// Fulcio leaf certificates are for code signing.
fn check_leaf_usage(cert: &Certificate) -> Result<(), VerifyError> {
    let tbs = cert.tbs_certificate();
    let digital_signature =
        matches!(tbs.get_extension::<KeyUsage>(), Ok(Some((_, ku))) if ku.digital_signature());
    let code_signing = matches!(
        tbs.get_extension::<ExtendedKeyUsage>(),
        Ok(Some((_, eku))) if eku.0.contains(&ID_KP_CODE_SIGNING)
    );
    if digital_signature && code_signing {
        Ok(())
    } else {
        fail(
            Check::CertificateChain,
            "the signing certificate is not for code signing",
        )
    }
}

/// The certificate's subject alternative names and OIDC issuer.
fn identity(cert: &Certificate) -> Result<(Vec<String>, String), VerifyError> {
    let tbs = cert.tbs_certificate();
    let names: Vec<String> = match tbs.get_extension::<SubjectAltName>() {
        Ok(Some((_, san))) => san
            .0
            .iter()
            .filter_map(|name| match name {
                GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
                GeneralName::Rfc822Name(email) => Some(email.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if names.is_empty() {
        return fail(Check::Identity, "the certificate names no identity");
    }
    let mut issuer = None;
    for ext in tbs.extensions().into_iter().flatten() {
        let value = ext.extn_value.as_bytes();
        if ext.extn_id == FULCIO_ISSUER_V2 {
            issuer = Utf8StringRef::from_der(value)
                .ok()
                .map(|s| s.as_str().to_string());
            break;
        }
        if ext.extn_id == FULCIO_ISSUER_V1 {
            issuer = std::str::from_utf8(value).ok().map(str::to_string);
        }
    }
    let Some(issuer) = issuer else {
        return fail(Check::Identity, "the certificate names no OIDC issuer");
    };
    Ok((names, issuer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::nid::Nid;
    use serde_json::json;

    fn ec(curve: Nid) -> PublicKey {
        let group = openssl::ec::EcGroup::from_curve_name(curve).unwrap();
        let key = openssl::ec::EcKey::generate(&group).unwrap();
        PublicKey::from_der(&key.public_key_to_der().unwrap()).unwrap()
    }

    fn ed25519() -> PublicKey {
        let key = openssl::pkey::PKey::generate_ed25519().unwrap();
        PublicKey::from_der(&key.public_key_to_der().unwrap()).unwrap()
    }

    /// The one place the hash of a message signature is picked, for keys
    /// given by the user and keys from a leaf certificate alike.
    #[test]
    fn the_stated_digest_algorithm_picks_a_registered_hash_for_the_key() {
        use DigestAlgorithm::*;
        let p256 = ec(Nid::X9_62_PRIME256V1);
        let p384 = ec(Nid::SECP384R1);
        let p521 = ec(Nid::SECP521R1);
        let cases = [
            // Issue 16: P-384 with SHA-256 (`PKIX_ECDSA_P384_SHA_256`).
            (&p384, Some(Sha256), SignatureHash::Sha256),
            (&p384, Some(Sha384), SignatureHash::Sha384),
            (&p521, Some(Sha256), SignatureHash::Sha256),
            (&p521, Some(Sha512), SignatureHash::Sha512),
            (&p256, Some(Sha256), SignatureHash::Sha256),
            // No registered algorithm pairs these: the key's own hash.
            (&p256, Some(Sha384), SignatureHash::Sha256),
            (&p256, Some(Sha512), SignatureHash::Sha256),
            (&p384, Some(Sha512), SignatureHash::Sha384),
            (&p521, Some(Sha384), SignatureHash::Sha512),
            // No digest named: the key's own hash.
            (&p256, None, SignatureHash::Sha256),
            (&p384, None, SignatureHash::Sha384),
            (&p521, None, SignatureHash::Sha512),
        ];
        for (key, stated, want) in cases {
            assert_eq!(
                message_signature_hash(key, stated),
                want,
                "{key:?} {stated:?}"
            );
        }
        let ed = ed25519();
        for stated in [None, Some(Sha256), Some(Sha384), Some(Sha512)] {
            assert_eq!(message_signature_hash(&ed, stated), SignatureHash::None);
        }
        assert_eq!(DigestAlgorithm::from_bundle("SHA3_256"), None);
        assert_eq!(DigestAlgorithm::from_bundle("sha256"), None);
    }

    /// A log entry records the artifact digest the signature is over, under
    /// its algorithm (Rekor v1 `sha384`, Rekor v2 `SHA2_384`).
    #[test]
    fn a_log_entry_body_is_compared_under_the_stated_algorithm() {
        let key = ec(Nid::SECP384R1);
        let artifact = b"artifact";
        let digest = ArtifactDigest {
            algorithm: DigestAlgorithm::Sha384,
            bytes: DigestAlgorithm::Sha384.digest(artifact),
        };
        let signature = [7u8; 70];
        let content = Content::Message {
            signature: &signature,
            digest: digest.clone(),
        };
        let v1 = |algorithm: &str, value: &[u8]| {
            json!({
                "kind": "hashedrekord", "apiVersion": "0.0.1",
                "spec": {
                    "data": {"hash": {"algorithm": algorithm, "value": hex::encode(value)}},
                    "signature": {
                        "content": STANDARD.encode(signature),
                        "publicKey": {"content": STANDARD.encode(key.to_pem())},
                    },
                },
            })
            .to_string()
        };
        let v2 = |algorithm: &str, value: &[u8]| {
            json!({
                "kind": "hashedrekord", "apiVersion": "0.0.2",
                "spec": {"hashedRekordV002": {
                    "data": {"algorithm": algorithm, "digest": STANDARD.encode(value)},
                    "signature": {
                        "content": STANDARD.encode(signature),
                        "verifier": {"publicKey": {"rawBytes": STANDARD.encode(key.der())}},
                    },
                }},
            })
            .to_string()
        };
        let check = |body: String, version| {
            check_body(
                body.as_bytes(),
                ("hashedrekord", version),
                &content,
                key.der(),
            )
        };
        let sha256 = DigestAlgorithm::Sha256.digest(artifact);
        check(v1("sha384", &digest.bytes), "0.0.1").unwrap();
        check(v2("SHA2_384", &digest.bytes), "0.0.2").unwrap();
        for (body, version) in [
            (v1("sha256", &digest.bytes), "0.0.1"),
            (v1("sha256", &sha256), "0.0.1"),
            (v2("SHA2_256", &digest.bytes), "0.0.2"),
            (v2("SHA2_256", &sha256), "0.0.2"),
        ] {
            let err = check(body, version).unwrap_err();
            assert_eq!(err.check, Check::TlogBody, "{err}");
        }
    }
}
