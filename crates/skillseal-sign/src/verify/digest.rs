//! The artifact digest a bundle names, and the hash a message signature
//! is checked with.

use std::fmt;

use sha2::{Digest as _, Sha256, Sha384, Sha512};

use crate::keys::PublicKey;
use crate::keys::SignatureHash;

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

    pub(super) fn bundle_name(self) -> &'static str {
        match self {
            Self::Sha256 => "SHA2_256",
            Self::Sha384 => "SHA2_384",
            Self::Sha512 => "SHA2_512",
        }
    }

    /// The name Rekor v1 `hashedrekord` bodies (and `sha256:` prefixes) use.
    pub(super) fn short_name(self) -> &'static str {
        match self {
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    pub(super) fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256 => Sha256::digest(data).to_vec(),
            Self::Sha384 => Sha384::digest(data).to_vec(),
            Self::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    pub(super) fn for_signature_hash(hash: SignatureHash) -> Option<Self> {
        match hash {
            SignatureHash::Sha256 => Some(Self::Sha256),
            SignatureHash::Sha384 => Some(Self::Sha384),
            SignatureHash::Sha512 => Some(Self::Sha512),
            SignatureHash::None => None,
        }
    }

    pub(super) fn signature_hash(self) -> SignatureHash {
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
    pub(crate) algorithm: DigestAlgorithm,
    pub(crate) bytes: Vec<u8>,
}

impl ArtifactDigest {
    pub(super) fn of(algorithm: DigestAlgorithm, artifact: &[u8]) -> Self {
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
pub(super) fn check_message_signature(
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
