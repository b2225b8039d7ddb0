//! Issue 16: a message signature is checked over the digest algorithm the
//! bundle names in `messageSignature.messageDigest`, not the key's default
//! hash, where Sigstore's algorithm registry pairs that hash with the key's
//! curve (see `verify::message_signature_hash`). The bundles are made here,
//! in process: key-signed bundles (as `skillseal verify-signature --key`
//! verifies them) and a certificate-signed one for the keyless path.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use openssl::ecdsa::EcdsaSig;
use openssl::hash::{MessageDigest, hash};
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use serde_json::{Value, json};
use skillseal_sign::{
    Check, Password, Policy, PublicKey, SigningKey, TrustedRoot, VerifyError, verify,
};

const ARTIFACT: &[u8] = b"a skill package, signed over a digest the bundle names\n";

fn root() -> &'static TrustedRoot {
    static ROOT: std::sync::OnceLock<TrustedRoot> = std::sync::OnceLock::new();
    ROOT.get_or_init(TrustedRoot::production)
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn ec_key(curve: Nid) -> PKey<Private> {
    let group = openssl::ec::EcGroup::from_curve_name(curve).unwrap();
    PKey::from_ec_key(openssl::ec::EcKey::generate(&group).unwrap()).unwrap()
}

fn public(key: &PKey<Private>) -> PublicKey {
    PublicKey::from_der(&key.public_key_to_der().unwrap()).unwrap()
}

/// The artifact's digest under a bundle `HashAlgorithm` name.
fn digest(algorithm: &str, data: &[u8]) -> Vec<u8> {
    let md = match algorithm {
        "SHA2_256" => MessageDigest::sha256(),
        "SHA2_384" => MessageDigest::sha384(),
        "SHA2_512" => MessageDigest::sha512(),
        other => panic!("no digest {other}"),
    };
    hash(md, data).unwrap().to_vec()
}

/// An ECDSA signature over a digest (prehashed: the digest is what is
/// signed, whatever the curve).
fn ecdsa_over(key: &PKey<Private>, digest: &[u8]) -> Vec<u8> {
    EcdsaSig::sign(digest, &key.ec_key().unwrap())
        .unwrap()
        .to_der()
        .unwrap()
}

fn bundle(material: Value, algorithm: &str, digest: &[u8], signature: &[u8]) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": material,
        "messageSignature": {
            "messageDigest": {"algorithm": algorithm, "digest": STANDARD.encode(digest)},
            "signature": STANDARD.encode(signature),
        },
    }))
    .unwrap()
}

fn key_bundle(key: &PublicKey, algorithm: &str, digest: &[u8], signature: &[u8]) -> Vec<u8> {
    bundle(
        json!({"publicKey": {"hint": key.hint()}}),
        algorithm,
        digest,
        signature,
    )
}

fn by_key(artifact: &[u8], bundle: &[u8], key: &PublicKey) -> Result<(), VerifyError> {
    verify::verify_json(artifact, bundle, &Policy::Key(key.clone()), root(), now()).map(|_| ())
}

/// The bundle (P-384 key, signature over the SHA-256 digest the
/// bundle names) and every pairing of curve and hash Sigstore's algorithm
/// registry knows, including the deprecated P-384/P-521 with SHA-256 that
/// most clients sign with.
#[test]
fn each_registered_curve_and_hash_verifies_over_the_stated_digest() {
    for (curve, name, algorithm) in [
        (Nid::SECP384R1, "P-384", "SHA2_256"),
        (Nid::SECP384R1, "P-384", "SHA2_384"),
        (Nid::X9_62_PRIME256V1, "P-256", "SHA2_256"),
        (Nid::SECP521R1, "P-521", "SHA2_256"),
        (Nid::SECP521R1, "P-521", "SHA2_512"),
    ] {
        let key = ec_key(curve);
        let public = public(&key);
        let d = digest(algorithm, ARTIFACT);
        let b = key_bundle(&public, algorithm, &d, &ecdsa_over(&key, &d));
        by_key(ARTIFACT, &b, &public).unwrap_or_else(|e| panic!("{name} with {algorithm}: {e}"));
    }
}

/// The mirror case: the registry has no P-256 with SHA-384 (nor P-256 with
/// SHA-512, P-384 with SHA-512, P-521 with SHA-384). Such a digest only
/// identifies the artifact: the signature must be the key's own algorithm,
/// and one over the stated digest is refused.
#[test]
fn an_unregistered_pairing_is_checked_with_the_keys_own_hash() {
    for (curve, stated, own) in [
        (Nid::X9_62_PRIME256V1, "SHA2_384", "SHA2_256"),
        (Nid::X9_62_PRIME256V1, "SHA2_512", "SHA2_256"),
        (Nid::SECP384R1, "SHA2_512", "SHA2_384"),
        (Nid::SECP521R1, "SHA2_384", "SHA2_512"),
    ] {
        let key = ec_key(curve);
        let public = public(&key);
        let d = digest(stated, ARTIFACT);
        let over_own = ecdsa_over(&key, &digest(own, ARTIFACT));
        by_key(
            ARTIFACT,
            &key_bundle(&public, stated, &d, &over_own),
            &public,
        )
        .unwrap_or_else(|e| panic!("{stated} naming a {own} signature: {e}"));

        let over_stated = ecdsa_over(&key, &d);
        let b = key_bundle(&public, stated, &d, &over_stated);
        let err = by_key(ARTIFACT, &b, &public).unwrap_err();
        assert_eq!(err.check, Check::Signature, "{stated}: {err}");
        assert!(err.reason.contains(own), "{err}");
    }
}

/// Where the stated algorithm decides, a signature over another hash of the
/// artifact is refused (no trying one hash after another).
#[test]
fn a_signature_over_another_hash_than_the_stated_one_is_refused() {
    for (curve, stated, signed_with) in [
        (Nid::SECP384R1, "SHA2_256", "SHA2_384"),
        (Nid::SECP384R1, "SHA2_384", "SHA2_256"),
        (Nid::SECP521R1, "SHA2_512", "SHA2_256"),
        (Nid::SECP521R1, "SHA2_256", "SHA2_512"),
    ] {
        let key = ec_key(curve);
        let public = public(&key);
        let wrong = ecdsa_over(&key, &digest(signed_with, ARTIFACT));
        let b = key_bundle(&public, stated, &digest(stated, ARTIFACT), &wrong);
        let err = by_key(ARTIFACT, &b, &public).unwrap_err();
        assert_eq!(err.check, Check::Signature, "{stated}/{signed_with}: {err}");
        assert!(err.reason.contains(stated), "{err}");
    }
}

/// The stated digest must be the artifact's under the stated algorithm.
#[test]
fn a_stated_digest_that_is_not_the_artifacts_is_refused() {
    let key = ec_key(Nid::SECP384R1);
    let public = public(&key);

    // Signed over another file's digest: the digest check catches it first.
    let other = digest("SHA2_256", b"another file");
    let b = key_bundle(&public, "SHA2_256", &other, &ecdsa_over(&key, &other));
    let err = by_key(ARTIFACT, &b, &public).unwrap_err();
    assert_eq!(err.check, Check::ArtifactDigest, "{err}");

    // The artifact's SHA-384, labelled SHA2_256 (and the other way round):
    // the digest is compared under the algorithm the bundle names.
    for (label, actual) in [("SHA2_256", "SHA2_384"), ("SHA2_384", "SHA2_256")] {
        let d = digest(actual, ARTIFACT);
        let b = key_bundle(&public, label, &d, &ecdsa_over(&key, &d));
        let err = by_key(ARTIFACT, &b, &public).unwrap_err();
        assert_eq!(err.check, Check::ArtifactDigest, "{label}: {err}");
    }

    // A changed artifact no longer matches a SHA-384 digest.
    let d = digest("SHA2_384", ARTIFACT);
    let b = key_bundle(&public, "SHA2_384", &d, &ecdsa_over(&key, &d));
    by_key(ARTIFACT, &b, &public).unwrap();
    let err = by_key(b"changed", &b, &public).unwrap_err();
    assert_eq!(err.check, Check::ArtifactDigest, "{err}");
    assert!(err.reason.contains("sha384:"), "{err}");
}

#[test]
fn an_unsupported_digest_algorithm_is_refused_by_name() {
    let key = ec_key(Nid::X9_62_PRIME256V1);
    let public = public(&key);
    let d = digest("SHA2_256", ARTIFACT);
    let signature = ecdsa_over(&key, &d);
    for algorithm in [
        "SHA3_256",
        "SHA3_384",
        "HASH_ALGORITHM_UNSPECIFIED",
        "sha256",
        "MD5",
        "",
    ] {
        let b = key_bundle(&public, algorithm, &d, &signature);
        let err = by_key(ARTIFACT, &b, &public).unwrap_err();
        assert_eq!(err.check, Check::Unsupported, "{algorithm}: {err}");
        assert!(
            err.reason
                .contains(&format!("message digest algorithm `{algorithm}`")),
            "{err}"
        );
    }
}

/// Ed25519 signs the message itself: the stated digest is checked against
/// the artifact, and the signature over the artifact, whatever the digest
/// algorithm; an Ed25519 signature over the digest is refused.
#[test]
fn ed25519_signs_the_artifact_itself_whatever_the_stated_digest() {
    let key = PKey::generate_ed25519().unwrap();
    let public = public(&key);
    let sign = |message: &[u8]| {
        openssl::sign::Signer::new_without_digest(&key)
            .unwrap()
            .sign_oneshot_to_vec(message)
            .unwrap()
    };
    let over_artifact = sign(ARTIFACT);
    for algorithm in ["SHA2_256", "SHA2_384", "SHA2_512"] {
        let d = digest(algorithm, ARTIFACT);
        let b = key_bundle(&public, algorithm, &d, &over_artifact);
        by_key(ARTIFACT, &b, &public).unwrap_or_else(|e| panic!("{algorithm}: {e}"));

        let b = key_bundle(&public, algorithm, &d, &sign(&d));
        let err = by_key(ARTIFACT, &b, &public).unwrap_err();
        assert_eq!(err.check, Check::Signature, "{algorithm}: {err}");
    }
}

/// RSA keys sign with SHA-256 (PKCS#1 v1.5) in the registry: a SHA-384
/// digest only names the artifact.
#[test]
fn rsa_signs_with_sha256_whatever_digest_is_named() {
    let key = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
    let public = public(&key);
    let sign = |md| {
        openssl::sign::Signer::new(md, &key)
            .unwrap()
            .sign_oneshot_to_vec(ARTIFACT)
            .unwrap()
    };
    for algorithm in ["SHA2_256", "SHA2_384"] {
        let b = key_bundle(
            &public,
            algorithm,
            &digest(algorithm, ARTIFACT),
            &sign(MessageDigest::sha256()),
        );
        by_key(ARTIFACT, &b, &public).unwrap_or_else(|e| panic!("{algorithm}: {e}"));
    }
    let b = key_bundle(
        &public,
        "SHA2_384",
        &digest("SHA2_384", ARTIFACT),
        &sign(MessageDigest::sha384()),
    );
    let err = by_key(ARTIFACT, &b, &public).unwrap_err();
    assert_eq!(err.check, Check::Signature, "{err}");
}

/// The keyless path takes the signer's key from the leaf certificate and
/// then checks the message signature the same way. A bundle with a P-384
/// certificate and a signature over the SHA-256 digest gets past the
/// signature check and fails only later, for want of a log entry (building
/// Fulcio, CT and Rekor material offline is out of scope here); a signature
/// over the wrong hash still fails at the signature.
#[test]
fn a_p384_certificate_verifies_a_signature_over_the_stated_sha256_digest() {
    let key = ec_key(Nid::SECP384R1);
    let certificate = {
        let mut name = openssl::x509::X509NameBuilder::new().unwrap();
        name.append_entry_by_text("CN", "sigstore-intermediate")
            .unwrap();
        let name = name.build();
        let mut subject = openssl::x509::X509NameBuilder::new().unwrap();
        subject.append_entry_by_text("CN", "leaf").unwrap();
        let subject = subject.build();
        let mut builder = openssl::x509::X509Builder::new().unwrap();
        builder.set_version(2).unwrap();
        builder.set_subject_name(&subject).unwrap();
        builder.set_issuer_name(&name).unwrap();
        builder.set_pubkey(&key).unwrap();
        let start = openssl::asn1::Asn1Time::days_from_now(0).unwrap();
        let end = openssl::asn1::Asn1Time::days_from_now(1).unwrap();
        builder.set_not_before(&start).unwrap();
        builder.set_not_after(&end).unwrap();
        builder.sign(&key, MessageDigest::sha384()).unwrap();
        builder.build().to_der().unwrap()
    };
    let material = json!({"certificate": {"rawBytes": STANDARD.encode(&certificate)}});
    let policy = Policy::Identity {
        identity: "ci@example.invalid".into(),
        issuer: "https://issuer.example.invalid".into(),
    };
    let d = digest("SHA2_256", ARTIFACT);

    let b = bundle(material.clone(), "SHA2_256", &d, &ecdsa_over(&key, &d));
    let err = verify::verify_json(ARTIFACT, &b, &policy, root(), now()).unwrap_err();
    assert_eq!(err.check, Check::TlogEntry, "{err}");

    let wrong = ecdsa_over(&key, &digest("SHA2_384", ARTIFACT));
    let b = bundle(material, "SHA2_256", &d, &wrong);
    let err = verify::verify_json(ARTIFACT, &b, &policy, root(), now()).unwrap_err();
    assert_eq!(err.check, Check::Signature, "{err}");
    assert!(
        err.reason.contains("certificate's ECDSA P-384 key"),
        "{err}"
    );
}

/// `sign` with a P-384 or P-521 cosign key names the digest its scheme
/// signs (SHA-384, SHA-512), so what it writes verifies under the rule.
#[test]
fn sign_names_the_digest_the_keys_scheme_signs() {
    use sigstore::crypto::SigningScheme;
    for (scheme, algorithm) in [
        (SigningScheme::ECDSA_P256_SHA256_ASN1, "SHA2_256"),
        (SigningScheme::ECDSA_P384_SHA384_ASN1, "SHA2_384"),
        (SigningScheme::ECDSA_P521_SHA512_ASN1, "SHA2_512"),
        (SigningScheme::ED25519, "SHA2_256"),
    ] {
        let pair = scheme
            .create_signer()
            .unwrap()
            .to_sigstore_keypair()
            .unwrap();
        let pem = pair.private_key_to_encrypted_pem(b"pw").unwrap();
        let key = SigningKey::from_encrypted_pem(pem.as_bytes(), &Password::new("pw")).unwrap();
        let signed = skillseal_sign::sign(ARTIFACT, &key).unwrap();
        let md = signed
            .message_signature
            .as_ref()
            .unwrap()
            .message_digest
            .as_ref()
            .unwrap();
        assert_eq!(md.algorithm, algorithm);
        assert_eq!(md.digest.0, digest(algorithm, ARTIFACT));
        by_key(ARTIFACT, signed.to_json().as_bytes(), key.public_key())
            .unwrap_or_else(|e| panic!("{algorithm}: {e}"));
    }
}
