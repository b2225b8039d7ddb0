//! Signing keys in cosign's format, and public keys to verify with.
//!
//! `skillseal keygen` writes what `cosign generate-key-pair` writes: the
//! PKCS#8 private key encrypted with scrypt and NaCl secretbox under the
//! PEM label `ENCRYPTED SIGSTORE PRIVATE KEY`, and a `PUBLIC KEY` PEM. The
//! crypto is the `sigstore` crate's; this module adds the checks and error
//! messages a user needs and keeps key material out of `Debug` output.

use std::fmt;

use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use sigstore::crypto::signing_key::{
    COSIGN_PRIVATE_KEY_PEM_LABEL, PRIVATE_KEY_PEM_LABEL, PUBLIC_KEY_PEM_LABEL,
    SIGSTORE_PRIVATE_KEY_PEM_LABEL, SigStoreKeyPair, SigStoreSigner, kdf,
};
use sigstore::crypto::{CosignVerificationKey, SigningScheme};
use x509_cert::der::{Decode as _, pem};
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use zeroize::Zeroizing;

/// Key algorithms `keygen` offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAlgorithm {
    /// ECDSA on NIST P-256 with SHA-256: cosign's default and what every
    /// Sigstore client verifies.
    EcdsaP256,
    /// Ed25519.
    Ed25519,
}

impl KeyAlgorithm {
    fn scheme(self) -> SigningScheme {
        match self {
            KeyAlgorithm::EcdsaP256 => SigningScheme::ECDSA_P256_SHA256_ASN1,
            KeyAlgorithm::Ed25519 => SigningScheme::ED25519,
        }
    }
}

/// Why a key could not be made, read or used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("not a PEM file: {0}")]
    Pem(String),
    #[error("expected a `{expected}` PEM block, found `{found}`")]
    Label {
        expected: &'static str,
        found: String,
    },
    #[error("wrong password, or the key file is damaged")]
    WrongPassword,
    #[error(
        "the private key is not encrypted; refusing to use it (re-create it with `skillseal keygen`)"
    )]
    Unencrypted,
    #[error("unsupported key: {0}")]
    Unsupported(String),
    #[error("key generation failed: {0}")]
    Generate(String),
    #[error("signing failed: {0}")]
    Sign(String),
}

/// A password: zeroed on drop, never printed.
pub struct Password(Zeroizing<Vec<u8>>);

impl Password {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Password(Zeroizing::new(bytes.into()))
    }

    fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A freshly generated key pair, ready to be written out.
pub struct GeneratedKey {
    /// The encrypted private key PEM; secret only under its password, but
    /// still kept out of `Debug` and zeroed on drop.
    pub private_pem: Zeroizing<String>,
    pub public_key: PublicKey,
}

impl fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedKey")
            .field("private_pem", &"<redacted>")
            .field("public_key", &self.public_key)
            .finish()
    }
}

/// Generates a key pair and encrypts the private half under `password`.
pub fn generate(algorithm: KeyAlgorithm, password: &Password) -> Result<GeneratedKey, KeyError> {
    let signer = algorithm
        .scheme()
        .create_signer()
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    let pair = signer
        .to_sigstore_keypair()
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    let private_pem = pair
        .private_key_to_encrypted_pem(password.bytes())
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    let public_der = pair
        .public_key_to_der()
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    Ok(GeneratedKey {
        private_pem,
        public_key: PublicKey::from_der(&public_der)?,
    })
}

/// A private key that can sign.
pub struct SigningKey {
    signer: SigStoreSigner,
    public_key: PublicKey,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Reads an encrypted private key PEM (cosign's format, either label).
    pub fn from_encrypted_pem(pem_text: &[u8], password: &Password) -> Result<Self, KeyError> {
        let (label, contents) = decode_pem(pem_text)?;
        match label.as_str() {
            SIGSTORE_PRIVATE_KEY_PEM_LABEL | COSIGN_PRIVATE_KEY_PEM_LABEL => {}
            PRIVATE_KEY_PEM_LABEL => return Err(KeyError::Unencrypted),
            _ => {
                return Err(KeyError::Label {
                    expected: SIGSTORE_PRIVATE_KEY_PEM_LABEL,
                    found: label,
                });
            }
        }
        let der = Zeroizing::new(
            kdf::decrypt(&contents, password.bytes()).map_err(|_| KeyError::WrongPassword)?,
        );
        let pair = SigStoreKeyPair::from_der(&der)
            .map_err(|_| KeyError::Unsupported("not an ECDSA, Ed25519 or RSA key".into()))?;
        let public_der = pair
            .public_key_to_der()
            .map_err(|e| KeyError::Unsupported(e.to_string()))?;
        let public_key = PublicKey::from_der(&public_der)?;
        let scheme = match (&pair, public_key.scheme_name()) {
            (SigStoreKeyPair::ED25519(_), _) => SigningScheme::ED25519,
            (SigStoreKeyPair::ECDSA(_), "ECDSA P-256") => SigningScheme::ECDSA_P256_SHA256_ASN1,
            (SigStoreKeyPair::ECDSA(_), "ECDSA P-384") => SigningScheme::ECDSA_P384_SHA384_ASN1,
            (SigStoreKeyPair::ECDSA(_), "ECDSA P-521") => SigningScheme::ECDSA_P521_SHA512_ASN1,
            (SigStoreKeyPair::RSA(_), _) => SigningScheme::RSA_PKCS1_SHA256(0),
            (_, other) => return Err(KeyError::Unsupported(other.to_string())),
        };
        let signer = pair
            .to_sigstore_signer(&scheme)
            .map_err(|e| KeyError::Unsupported(e.to_string()))?;
        Ok(SigningKey { signer, public_key })
    }

    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// Signs `message` (the whole artifact; the scheme hashes it).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.signer
            .sign(message)
            .map_err(|e| KeyError::Sign(e.to_string()))
    }
}

/// A public key: its SubjectPublicKeyInfo DER and a verifier for it.
#[derive(Clone)]
pub struct PublicKey {
    der: Vec<u8>,
    verifier: CosignVerificationKey,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("algorithm", &self.scheme_name())
            .field("fingerprint", &self.fingerprint())
            .finish()
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Eq for PublicKey {}

impl PublicKey {
    /// Reads a `PUBLIC KEY` PEM.
    pub fn from_pem(pem_text: &[u8]) -> Result<Self, KeyError> {
        let (label, der) = decode_pem(pem_text)?;
        if label != PUBLIC_KEY_PEM_LABEL {
            return Err(KeyError::Label {
                expected: PUBLIC_KEY_PEM_LABEL,
                found: label,
            });
        }
        Self::from_der(&der)
    }

    /// Reads a DER SubjectPublicKeyInfo.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        let spki = SubjectPublicKeyInfoOwned::from_der(der)
            .map_err(|e| KeyError::Unsupported(format!("not a public key: {e}")))?;
        let verifier = CosignVerificationKey::try_from(&spki)
            .map_err(|e| KeyError::Unsupported(e.to_string()))?;
        Ok(PublicKey {
            der: der.to_vec(),
            verifier,
        })
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The PEM text of the key.
    pub fn to_pem(&self) -> String {
        pem::encode_string(PUBLIC_KEY_PEM_LABEL, pem::LineEnding::LF, &self.der).unwrap_or_default()
    }

    /// `sha256:` and the hex SHA-256 of the DER key: how skillseal names a
    /// signer key in lockfiles and the registry.
    pub fn fingerprint(&self) -> String {
        format!("sha256:{}", hex::encode(Sha256::digest(&self.der)))
    }

    /// The base64 SHA-256 of the DER key: the `publicKey.hint` cosign
    /// writes into a bundle.
    pub fn hint(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&self.der))
    }

    /// A short human name for the algorithm.
    pub fn scheme_name(&self) -> &'static str {
        match self.verifier {
            CosignVerificationKey::RSA_PSS_SHA256(_)
            | CosignVerificationKey::RSA_PKCS1_SHA256(_) => "RSA",
            CosignVerificationKey::ECDSA_P256_SHA256_ASN1(_) => "ECDSA P-256",
            CosignVerificationKey::ECDSA_P384_SHA384_ASN1(_) => "ECDSA P-384",
            CosignVerificationKey::ECDSA_P521_SHA512_ASN1(_) => "ECDSA P-521",
            CosignVerificationKey::ED25519(_) => "Ed25519",
        }
    }

    /// Checks `signature` over `message` with this key's own scheme.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verifier
            .verify_signature(sigstore::crypto::Signature::Raw(signature), message)
            .is_ok()
    }
}

/// The hash a signature algorithm names, for signatures whose hash is not
/// the key's default (a P-384 timestamp authority signing with SHA-256).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureHash {
    Sha256,
    Sha384,
    Sha512,
    /// Ed25519 signs the message itself.
    None,
}

impl PublicKey {
    /// Checks `signature` over `message` hashed with `hash` (ECDSA, RSA
    /// PKCS#1 v1.5, or Ed25519 with [`SignatureHash::None`]). The sigstore
    /// crate ties each key to one hash, which X.509 and CMS do not, so this
    /// calls the same OpenSSL its backend uses.
    pub fn verify_with(&self, hash: SignatureHash, message: &[u8], signature: &[u8]) -> bool {
        use openssl::hash::MessageDigest;
        let Ok(key) = openssl::pkey::PKey::public_key_from_der(&self.der) else {
            return false;
        };
        let digest = match hash {
            SignatureHash::Sha256 => MessageDigest::sha256(),
            SignatureHash::Sha384 => MessageDigest::sha384(),
            SignatureHash::Sha512 => MessageDigest::sha512(),
            SignatureHash::None => {
                return key.id() == openssl::pkey::Id::ED25519
                    && openssl::sign::Verifier::new_without_digest(&key)
                        .and_then(|mut v| v.verify_oneshot(signature, message))
                        .unwrap_or(false);
            }
        };
        if key.id() == openssl::pkey::Id::ED25519 {
            return false;
        }
        openssl::sign::Verifier::new(digest, &key)
            .and_then(|mut v| {
                v.update(message)?;
                v.verify(signature)
            })
            .unwrap_or(false)
    }
}

impl PublicKey {
    /// The hash this key's own scheme signs with: what a message signature
    /// is checked with when the bundle names no digest.
    pub fn default_hash(&self) -> SignatureHash {
        match self.verifier {
            CosignVerificationKey::RSA_PSS_SHA256(_)
            | CosignVerificationKey::RSA_PKCS1_SHA256(_)
            | CosignVerificationKey::ECDSA_P256_SHA256_ASN1(_) => SignatureHash::Sha256,
            CosignVerificationKey::ECDSA_P384_SHA384_ASN1(_) => SignatureHash::Sha384,
            CosignVerificationKey::ECDSA_P521_SHA512_ASN1(_) => SignatureHash::Sha512,
            CosignVerificationKey::ED25519(_) => SignatureHash::None,
        }
    }

    /// Checks `signature` over a message already hashed with `hash`:
    /// `digest` is the hash itself (ECDSA signs a digest; RSA PKCS#1 v1.5
    /// wraps it in a `DigestInfo`). Ed25519 signs the message itself, so it
    /// never verifies here, and neither does a digest of the wrong length.
    pub fn verify_prehashed(&self, hash: SignatureHash, digest: &[u8], signature: &[u8]) -> bool {
        use openssl::md::Md;
        let md = match hash {
            SignatureHash::Sha256 => Md::sha256(),
            SignatureHash::Sha384 => Md::sha384(),
            SignatureHash::Sha512 => Md::sha512(),
            SignatureHash::None => return false,
        };
        if digest.len() != md.size() {
            return false;
        }
        let Ok(key) = openssl::pkey::PKey::public_key_from_der(&self.der) else {
            return false;
        };
        if !matches!(key.id(), openssl::pkey::Id::EC | openssl::pkey::Id::RSA) {
            return false;
        }
        let Ok(mut ctx) = openssl::pkey_ctx::PkeyCtx::new(&key) else {
            return false;
        };
        ctx.verify_init().is_ok()
            && ctx.set_signature_md(md).is_ok()
            && ctx.verify(digest, signature).unwrap_or(false)
    }
}

/// Decodes one PEM block, naming the problem for a user.
fn decode_pem(text: &[u8]) -> Result<(String, Zeroizing<Vec<u8>>), KeyError> {
    let (label, der) = pem::decode_vec(text).map_err(|e| KeyError::Pem(e.to_string()))?;
    Ok((label.to_string(), Zeroizing::new(der)))
}
