//! Signing and key handling end to end in the library: a signature made
//! here verifies, and changing any single byte of the artifact or of the
//! bundle makes verification fail.

use skillseal_sign::{
    Bundle, Check, KeyAlgorithm, KeyError, Password, Policy, PublicKey, SigningKey, TrustedRoot,
    keys, verify,
};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn signed(algorithm: KeyAlgorithm, artifact: &[u8]) -> (PublicKey, String) {
    let password = Password::new("correct horse");
    let generated = keys::generate(algorithm, &password).unwrap();
    let key = SigningKey::from_encrypted_pem(generated.private_pem.as_bytes(), &password).unwrap();
    assert_eq!(key.public_key(), &generated.public_key);
    let bundle = skillseal_sign::sign(artifact, &key).unwrap();
    (generated.public_key, bundle.to_json())
}

fn root() -> &'static TrustedRoot {
    static ROOT: std::sync::OnceLock<TrustedRoot> = std::sync::OnceLock::new();
    ROOT.get_or_init(TrustedRoot::production)
}

fn check(
    artifact: &[u8],
    bundle: &[u8],
    key: &PublicKey,
) -> Result<(), skillseal_sign::VerifyError> {
    verify::verify_json(artifact, bundle, &Policy::Key(key.clone()), root(), now()).map(|_| ())
}

#[test]
fn any_changed_byte_of_artifact_or_bundle_fails_verification() {
    // A package-sized artifact with structure, not just one repeated byte.
    let artifact: Vec<u8> = (0..1500u32).map(|i| (i * 31 % 251) as u8).collect();
    for algorithm in [KeyAlgorithm::EcdsaP256, KeyAlgorithm::Ed25519] {
        let (key, bundle) = signed(algorithm, &artifact);
        check(&artifact, bundle.as_bytes(), &key).expect("the fresh signature verifies");
        for i in 0..artifact.len() {
            let mut changed = artifact.clone();
            changed[i] ^= 0x01;
            assert!(
                check(&changed, bundle.as_bytes(), &key).is_err(),
                "{algorithm:?}: artifact byte {i}"
            );
        }
        let mut longer = artifact.clone();
        longer.push(0);
        assert!(check(&longer, bundle.as_bytes(), &key).is_err());
        for i in 0..bundle.len() {
            let mut changed = bundle.clone().into_bytes();
            changed[i] ^= 0x01;
            assert!(
                check(&artifact, &changed, &key).is_err(),
                "{algorithm:?}: bundle byte {i} ({:?}) changed and it still verifies",
                bundle.as_bytes()[i] as char
            );
        }
    }
}

#[test]
fn another_key_or_a_missing_key_is_refused_by_name() {
    let artifact = b"skill package bytes";
    let (_, bundle) = signed(KeyAlgorithm::EcdsaP256, artifact);
    let (other, _) = signed(KeyAlgorithm::EcdsaP256, artifact);
    let err = check(artifact, bundle.as_bytes(), &other).unwrap_err();
    assert_eq!(err.check, Check::Policy, "{err}");

    // Without the hint, the signature itself must catch the wrong key.
    let (mut parsed, version) = Bundle::from_json(bundle.as_bytes()).unwrap();
    parsed
        .verification_material
        .public_key
        .as_mut()
        .unwrap()
        .hint
        .clear();
    let err = verify::verify(
        artifact,
        &parsed,
        version,
        &Policy::Key(other),
        root(),
        now(),
    )
    .unwrap_err();
    assert_eq!(err.check, Check::Signature, "{err}");

    let identity = Policy::Identity {
        identity: "ci@example.invalid".into(),
        issuer: "https://issuer.example.invalid".into(),
    };
    let err =
        verify::verify_json(artifact, bundle.as_bytes(), &identity, root(), now()).unwrap_err();
    assert_eq!(err.check, Check::Policy, "{err}");
}

#[test]
fn key_files_refuse_wrong_passwords_labels_and_truncation() {
    let password = Password::new("pw");
    let generated = keys::generate(KeyAlgorithm::EcdsaP256, &password).unwrap();
    let private = generated.private_pem.as_bytes();
    assert!(
        generated
            .private_pem
            .starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----")
    );

    let wrong = SigningKey::from_encrypted_pem(private, &Password::new("not pw")).unwrap_err();
    assert!(matches!(wrong, KeyError::WrongPassword), "{wrong}");

    let truncated = &private[..private.len() / 2];
    let err = SigningKey::from_encrypted_pem(truncated, &password).unwrap_err();
    assert!(matches!(err, KeyError::Pem(_)), "{err}");

    // A private key where a public key belongs, and the other way round.
    let err = PublicKey::from_pem(private).unwrap_err();
    assert!(
        err.to_string()
            .contains("expected a `PUBLIC KEY` PEM block"),
        "{err}"
    );
    let public_pem = generated.public_key.to_pem();
    let err = SigningKey::from_encrypted_pem(public_pem.as_bytes(), &password).unwrap_err();
    assert!(matches!(err, KeyError::Label { .. }), "{err}");
    assert!(PublicKey::from_pem(public_pem.as_bytes()).is_ok());
    assert!(PublicKey::from_pem(&public_pem.as_bytes()[..60]).is_err());
    assert!(PublicKey::from_pem(b"").is_err());
}

#[test]
fn debug_output_never_shows_key_material_or_passwords() {
    let password = Password::new("hunter2-secret");
    let generated = keys::generate(KeyAlgorithm::Ed25519, &password).unwrap();
    let key = SigningKey::from_encrypted_pem(generated.private_pem.as_bytes(), &password).unwrap();
    let body: String = generated.private_pem.lines().nth(1).unwrap().to_string();
    for shown in [
        format!("{generated:?}"),
        format!("{key:?}"),
        format!("{password:?}"),
    ] {
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains(&body), "{shown}");
        assert!(!shown.contains("PRIVATE KEY"), "{shown}");
    }
}

#[test]
fn malformed_bundles_are_errors_not_panics() {
    let key = signed(KeyAlgorithm::EcdsaP256, b"x").0;
    let cases: &[&[u8]] = &[
        b"",
        b"{}",
        b"[]",
        b"null",
        br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}"#,
        br#"{"mediaType":"text/plain","verificationMaterial":{},"messageSignature":{"signature":""}}"#,
        br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{},"messageSignature":{"signature":"AA=="}}"#,
        br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":""},"tlogEntries":[{"logIndex":"x"}]},"messageSignature":{"signature":"AA=="}}"#,
    ];
    for bundle in cases {
        let err = check(b"x", bundle, &key).unwrap_err();
        assert_eq!(err.check, Check::Bundle, "{err}");
    }
    let huge = vec![b' '; skillseal_sign::bundle::MAX_BUNDLE_BYTES + 1];
    assert!(
        check(b"x", &huge, &key)
            .unwrap_err()
            .reason
            .contains("larger")
    );
}

/// A key written by `cosign generate-key-pair` (empty password) loads,
/// signs, and its signature verifies.
#[test]
fn keys_made_by_cosign_load_and_sign() {
    let pem = include_bytes!("data/cosign-generated-empty-password.key");
    let key = SigningKey::from_encrypted_pem(pem, &Password::new("")).unwrap();
    assert_eq!(key.public_key().scheme_name(), "ECDSA P-256");
    let bundle = skillseal_sign::sign(b"artifact", &key).unwrap().to_json();
    check(b"artifact", bundle.as_bytes(), key.public_key()).unwrap();
    let wrong = SigningKey::from_encrypted_pem(pem, &Password::new("x")).unwrap_err();
    assert!(matches!(wrong, KeyError::WrongPassword), "{wrong}");
}
