use super::digest::message_signature_hash;
use super::tlog::check_body;
use super::*;
use crate::keys::SignatureHash;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
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
