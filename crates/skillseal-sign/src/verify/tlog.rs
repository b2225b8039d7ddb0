//! Transparency log entries: the body against the bundle, the signed
//! entry timestamp, the inclusion proof and the signed checkpoint.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::bundle::{BundleVersion, Envelope, TlogEntry, decode_base64};
use crate::keys::PublicKey;
use crate::merkle;
use crate::trust::{Log, TrustedRoot};

use super::{
    ArtifactDigest, CLOCK_SKEW_SECONDS, Check, Content, DigestAlgorithm, LogEvidence, VerifyError,
    fail, pae, time,
};

pub(super) fn verify_entry(
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
pub(super) fn check_body(
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
            dsse_recorded(spec, envelope, hex_matches, "signature", pem_der)
        }
        ("dsse", "0.0.2", Content::Dsse { envelope }) => dsse_recorded(
            &spec["dsseV002"],
            envelope,
            b64_matches,
            "content",
            v2_verifier,
        ),
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

/// The SHA-256 of a DSSE envelope's payload, as `dsse` and `intoto`
/// entries record it.
fn envelope_hash(envelope: &Envelope) -> [u8; 32] {
    Sha256::digest(&envelope.payload.0).into()
}

/// What a `dsse` entry's `spec` records: the payload hash (hex in v1,
/// base64 in v2), each signature under `signature_key`, and the first
/// signature's verifier (PEM in v1, raw DER in v2).
fn dsse_recorded(
    spec: &Value,
    envelope: &Envelope,
    hash_matches: fn(&Value, DigestAlgorithm, &[u8]) -> bool,
    signature_key: &str,
    verifier: fn(&Value) -> Option<Vec<u8>>,
) -> Recorded {
    let sigs = spec["signatures"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    Recorded {
        digest_matches: hash_matches(
            &spec["payloadHash"],
            DigestAlgorithm::Sha256,
            &envelope_hash(envelope),
        ),
        signatures: sigs.iter().filter_map(|s| b64(&s[signature_key])).collect(),
        verifier_der: sigs.first().and_then(|s| verifier(&s["verifier"])),
    }
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
