//! Sign skill packages and verify Sigstore bundles, offline.
//!
//! - [`keys`]: cosign-compatible encrypted key pairs (the `sigstore`
//!   crate's crypto), with key material kept out of logs and `Debug`.
//! - [`sign()`]: a Sigstore bundle (v0.3) with a message signature and a
//!   public-key hint, the shape `cosign sign-blob --key … --bundle …
//!   --new-bundle-format` writes.
//! - [`verify`]: full offline verification of a bundle against a file, by
//!   key or by keyless certificate identity, each check named.
//!
//! Nothing here touches the network or the filesystem; callers pass bytes.

pub mod bundle;
mod der;
pub mod keys;
mod merkle;
mod rfc3161;
pub mod trust;
pub mod verify;

use sha2::{Digest as _, Sha256, Sha384, Sha512};

pub use bundle::{Bundle, BundleError, BundleVersion};
pub use keys::{KeyAlgorithm, KeyError, Password, PublicKey, SigningKey};
pub use trust::{TrustRootError, TrustedRoot};
pub use verify::{Check, Policy, Signer, Verified, VerifyError, pae as dsse_pae};

/// Signs `artifact` with `key`: a v0.3 bundle whose verification material
/// is the key's hint and whose message digest is the artifact's digest under
/// the hash the key's scheme signs with (SHA-384 for P-384, SHA-512 for
/// P-521, otherwise SHA-256; Ed25519 signs the artifact itself), since a
/// verifier checks the signature over the digest algorithm the bundle names.
pub fn sign(artifact: &[u8], key: &SigningKey) -> Result<Bundle, KeyError> {
    let signature = key.sign(artifact)?;
    let (algorithm, digest) = match key.public_key().default_hash() {
        keys::SignatureHash::Sha384 => ("SHA2_384", Sha384::digest(artifact).to_vec()),
        keys::SignatureHash::Sha512 => ("SHA2_512", Sha512::digest(artifact).to_vec()),
        keys::SignatureHash::Sha256 | keys::SignatureHash::None => {
            ("SHA2_256", Sha256::digest(artifact).to_vec())
        }
    };
    Ok(Bundle {
        media_type: bundle::MEDIA_TYPE_V03.to_string(),
        verification_material: bundle::VerificationMaterial {
            public_key: Some(bundle::PublicKeyIdentifier {
                hint: key.public_key().hint(),
            }),
            ..Default::default()
        },
        message_signature: Some(bundle::MessageSignature {
            message_digest: Some(bundle::HashOutput {
                algorithm: algorithm.to_string(),
                digest: bundle::Bytes(digest),
            }),
            signature: bundle::Bytes(signature),
        }),
        dsse_envelope: None,
    })
}
