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
const UNSUPPORTED: &[(&str, &str)] = &[
    ("bundle-with-sct-with-extensions", REKOR_V2),
    ("intoto-expired-certificate_fail", INTOTO),
    ("intoto-log-entry-mismatch_fail", INTOTO),
    ("intoto-missing-inclusion-proof_fail", INTOTO),
    ("intoto-set-outside-signing-cert-validity_fail", INTOTO),
    ("intoto-tsa-timestamp-outside-cert-validity_fail", INTOTO),
    ("intoto-with-custom-trust-root", INTOTO),
    ("rekor2-checkpoint-cosigned", REKOR_V2),
    ("rekor2-checkpoint-missing-log-signature_fail", REKOR_V2),
    ("rekor2-checkpoint-missing-origin_fail", REKOR_V2),
    ("rekor2-checkpoint-missing-root-hash_fail", REKOR_V2),
    ("rekor2-checkpoint-missing-size_fail", REKOR_V2),
    ("rekor2-checkpoint-multiple-cosigs", REKOR_V2),
    ("rekor2-checkpoint-no-matching-signature_fail", REKOR_V2),
    ("rekor2-checkpoint-origin-not-first", REKOR_V2),
    ("rekor2-checkpoint-two-sigs-cosigned", REKOR_V2),
    ("rekor2-checkpoint-two-sigs-from-origin", REKOR_V2),
    ("rekor2-dsse-happy-path", REKOR_V2),
    ("rekor2-dsse-mismatch-envelope_fail", REKOR_V2),
    ("rekor2-dsse-mismatch-sig_fail", REKOR_V2),
    ("rekor2-happy-path", REKOR_V2),
    ("rekor2-no-inclusion-proof_fail", REKOR_V2),
    ("rekor2-no-timestamp_fail", REKOR_V2),
    (
        "rekor2-timestamp-outside-trust-root-tsa-validity_fail",
        REKOR_V2,
    ),
    ("rekor2-timestamp-outside-tsa-cert-validity_fail", REKOR_V2),
    ("rekor2-timestamp-payload-mismatch_fail", REKOR_V2),
    (
        "rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail",
        REKOR_V2,
    ),
    (
        "rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail",
        REKOR_V2,
    ),
    ("rekor2-timestamp-with-embedded-cert", REKOR_V2),
    ("rekor2-timestamp-with-expired-cert-chain", REKOR_V2),
    ("rekor2-timestamp-without-embedded-cert", REKOR_V2),
    ("trust-root-tsa-validity-end-inclusive", REKOR_V2),
];

const REKOR_V2: &str = "Rekor v2 entries (hashedrekord/dsse 0.0.2) carry no integrated time and \
    need RFC 3161 timestamps and witnessed checkpoints, not implemented yet";
const INTOTO: &str = "the legacy `intoto` 0.0.2 entry kind, not implemented yet";

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
