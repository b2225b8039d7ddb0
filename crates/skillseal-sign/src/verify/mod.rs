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
//!
//! The checks live by subject: [`digest`] (the artifact digest and the hash
//! a message signature is checked with), [`tlog`] (transparency log
//! entries: body, signed entry timestamp, inclusion proof, checkpoint) and
//! [`certificate`] (the Fulcio chain, SCTs, key usage and identity); this
//! module holds the outcome types and runs them in order.

use std::fmt;

use serde_json::Value;
use sha2::{Digest as _, Sha256};
use x509_cert::Certificate;
use x509_cert::der::{Decode as _, Encode as _};

use crate::bundle::{Bundle, BundleVersion, Envelope};
use crate::keys::PublicKey;
use crate::rfc3161;
use crate::trust::TrustedRoot;

mod certificate;
mod digest;
mod tlog;

pub(crate) use certificate::{chain_holds, signature_hash, spki_key, within};
use certificate::{check_leaf_usage, identity, verify_chain, verify_sct};
use digest::check_message_signature;
pub(crate) use digest::{ArtifactDigest, DigestAlgorithm};
use tlog::verify_entry;
#[cfg(test)]
mod tests;

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

/// DSSE's pre-authentication encoding: what a DSSE signature signs (the
/// registry's scan attestations use it too).
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
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
