//! The Sigstore conformance suite's bundle verification cases
//! (`tests/sigstore-conformance/bundle-verify/`, see its README): every
//! case must give its expected result, except the ones listed in
//! [`UNSUPPORTED`], which must fail as unsupported, so that the list
//! shrinks as support grows and never hides a wrong answer.

use std::path::{Path, PathBuf};

use skillseal_sign::{Check, Policy, PublicKey, TrustedRoot, verify};

const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// Cases that use what this verifier does not support yet, with the
/// reason. Each must fail with `Check::Unsupported`: the `_fail` ones among
/// them are listed too, because refusing a bundle we cannot read is not the
/// same as catching the fault the case was built to show.
const UNSUPPORTED: &[(&str, &str)] = &[];

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/sigstore-conformance")
}

fn read_opt(dir: &Path, name: &str) -> Option<Vec<u8>> {
    std::fs::read(dir.join(name)).ok()
}

fn text(dir: &Path, name: &str, default: &str) -> String {
    read_opt(dir, name).map_or_else(
        || default.to_string(),
        |b| String::from_utf8(b).unwrap().trim().to_string(),
    )
}

/// Runs one case the way the conformance suite's CLI protocol does.
fn run(dir: &Path) -> Result<(), skillseal_sign::VerifyError> {
    let cases = dir.parent().unwrap();
    let artifact =
        read_opt(dir, "artifact").unwrap_or_else(|| std::fs::read(cases.join("a.txt")).unwrap());
    let bundle = std::fs::read(dir.join("bundle.sigstore.json")).unwrap();
    let root_json = read_opt(dir, "trusted_root.json")
        .unwrap_or_else(|| std::fs::read(suite().join("production_trusted_root.json")).unwrap());
    let root = TrustedRoot::from_json(&root_json).map_err(|e| skillseal_sign::VerifyError {
        check: Check::Bundle,
        reason: e.to_string(),
    })?;
    let policy = match read_opt(dir, "key.pub") {
        Some(pem) => {
            Policy::Key(
                PublicKey::from_pem(&pem).map_err(|e| skillseal_sign::VerifyError {
                    check: Check::Policy,
                    reason: format!("key.pub: {e}"),
                })?,
            )
        }
        None => Policy::Identity {
            identity: text(dir, "identity", DEFAULT_IDENTITY),
            issuer: text(dir, "issuer", DEFAULT_ISSUER),
        },
    };
    let now = chrono::Utc::now().timestamp();
    verify::verify_json(&artifact, &bundle, &policy, &root, now).map(|_| ())
}

#[test]
fn every_conformance_case_gives_its_expected_result() {
    let dir = suite().join("bundle-verify");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names.len() >= 70,
        "the suite is incomplete: {} cases",
        names.len()
    );

    let mut wrong = Vec::new();
    let mut report = Vec::new();
    for name in &names {
        let expect_pass = !name.ends_with("_fail");
        let result = run(&dir.join(name));
        let unsupported = UNSUPPORTED.iter().any(|(n, _)| n == name);
        let ok = match (&result, unsupported) {
            (Err(e), true) => e.check == Check::Unsupported,
            (Ok(()), false) => expect_pass,
            (Err(_), false) => !expect_pass,
            (Ok(()), true) => false,
        };
        let outcome = match &result {
            Ok(()) => "verified".to_string(),
            Err(e) => e.to_string(),
        };
        report.push(format!(
            "{} {name}: {outcome}",
            if ok { "ok " } else { "BAD" }
        ));
        if !ok {
            wrong.push(name.clone());
        }
    }
    println!("{}", report.join("\n"));
    assert!(
        wrong.is_empty(),
        "cases with the wrong result: {wrong:#?}\n{}",
        report.join("\n")
    );
}

#[test]
fn the_built_in_production_root_parses() {
    let root = TrustedRoot::production();
    assert!(
        !root.tlogs.is_empty()
            && !root.ctlogs.is_empty()
            && !root.certificate_authorities.is_empty()
    );
}

/// Truncated or bit-flipped DER inside an otherwise valid bundle is an
/// error, never a panic, and never verifies. Flips are tried where every
/// byte is authenticated: the whole certificate, and the end of the RFC
/// 3161 token (signed attributes, algorithm, signature). The token's start
/// holds fields CMS leaves unsigned (digest algorithm list, embedded
/// certificates this verifier does not trust anyway).
#[test]
fn damaged_der_inside_a_valid_bundle_never_verifies() {
    use base64::Engine as _;
    let dir = suite().join("bundle-verify/rekor2-timestamp-with-embedded-cert");
    let artifact = std::fs::read(suite().join("bundle-verify/a.txt")).unwrap();
    let root =
        TrustedRoot::from_json(&std::fs::read(dir.join("trusted_root.json")).unwrap()).unwrap();
    let bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("bundle.sigstore.json")).unwrap()).unwrap();
    let policy = Policy::Identity {
        identity: DEFAULT_IDENTITY.into(),
        issuer: DEFAULT_ISSUER.into(),
    };
    let now = chrono::Utc::now().timestamp();
    let b64 = base64::engine::general_purpose::STANDARD;
    let check = |bundle: &serde_json::Value| {
        verify::verify_json(
            &artifact,
            &serde_json::to_vec(bundle).unwrap(),
            &policy,
            &root,
            now,
        )
    };
    assert!(check(&bundle).is_ok(), "the unmodified case verifies");

    let timestamp =
        "/verificationMaterial/timestampVerificationData/rfc3161Timestamps/0/signedTimestamp";
    let certificate = "/verificationMaterial/certificate/rawBytes";
    for (pointer, flip_from) in [(timestamp, 2.0 / 3.0), (certificate, 0.0)] {
        let original = b64
            .decode(bundle.pointer(pointer).unwrap().as_str().unwrap())
            .unwrap();
        let first_flip = (original.len() as f64 * flip_from) as usize;
        let step = (original.len() / 300).max(1);
        for at in (0..original.len()).step_by(step) {
            let mut damaged = vec![original[..at].to_vec()];
            if at >= first_flip {
                let mut flipped = original.clone();
                flipped[at] ^= 0x01;
                damaged.push(flipped);
            }
            for bytes in damaged {
                let mut changed = bundle.clone();
                *changed.pointer_mut(pointer).unwrap() = b64.encode(&bytes).into();
                let result = check(&changed);
                assert!(
                    result.is_err(),
                    "{pointer} damaged at byte {at} still verifies"
                );
            }
        }
    }
}
