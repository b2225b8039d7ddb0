//! `keygen`, `pack`, `sign` and `verify-signature` as a user runs them:
//! the real binary, real files, passwords from the environment.

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Output};

use common::{repo, stderr, stdout};

const PASSWORD: &str = "correct horse battery staple";

/// Runs skillseal in `dir` with exactly the password variables given.
fn run(dir: &Path, password: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skillseal"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("SKILLSEAL_PASSWORD")
        .env_remove("COSIGN_PASSWORD")
        .stdin(std::process::Stdio::null());
    if let Some(p) = password {
        cmd.env("SKILLSEAL_PASSWORD", p);
    }
    cmd.output().expect("run skillseal")
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn keygen_writes_private_files_and_never_overwrites_by_accident() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), Some(PASSWORD), &["keygen"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let key = dir.path().join("skillseal.key");
    let public = dir.path().join("skillseal.pub");
    assert_eq!((mode(&key), mode(&public)), (0o600, 0o600));
    let text = std::fs::read_to_string(&key).unwrap();
    assert!(
        text.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"),
        "{text}"
    );
    assert!(!text.contains(PASSWORD));
    assert!(
        std::fs::read_to_string(&public)
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
    assert!(stdout(&out).contains("ECDSA P-256"), "{}", stdout(&out));

    let before = std::fs::read(&key).unwrap();
    let again = run(dir.path(), Some(PASSWORD), &["keygen"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    assert_eq!(
        std::fs::read(&key).unwrap(),
        before,
        "the old key is untouched"
    );

    // No password in the environment and no terminal to ask on.
    let none = run(
        dir.path(),
        None,
        &["keygen", "--output-key-prefix", "other"],
    );
    assert_eq!(none.status.code(), Some(2));
    assert!(
        stderr(&none).contains("SKILLSEAL_PASSWORD"),
        "{}",
        stderr(&none)
    );
    assert!(!dir.path().join("other.key").exists());

    // There is no flag to pass a password on the command line.
    let flag = run(dir.path(), None, &["keygen", "--password", PASSWORD]);
    assert_eq!(flag.status.code(), Some(2));
}

/// A folder holding `skillseal.key`/`.pub` (P-256, [`PASSWORD`]) and the
/// weather sample packed as `w.skill.tgz` and signed into
/// `w.skill.tgz.sigstore.json`, as `keygen`, `pack` and `sign` leave them.
fn signed_package() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sample = repo().join("samples/benign/weather-forecast");
    assert_eq!(run(d, Some(PASSWORD), &["keygen"]).status.code(), Some(0));
    let packed = run(
        d,
        None,
        &["pack", sample.to_str().unwrap(), "-o", "w.skill.tgz"],
    );
    assert_eq!(packed.status.code(), Some(0), "{}", stderr(&packed));
    let signed = run(
        d,
        Some(PASSWORD),
        &["sign", "w.skill.tgz", "--key", "skillseal.key"],
    );
    assert_eq!(signed.status.code(), Some(0), "{}", stderr(&signed));
    dir
}

/// A second key pair, `other.key`/`.pub`, Ed25519, password `x`.
fn ed25519_key(d: &Path) {
    let args = [
        "keygen",
        "--output-key-prefix",
        "other",
        "--algorithm",
        "ed25519",
    ];
    assert_eq!(run(d, Some("x"), &args).status.code(), Some(0));
}

fn verify(d: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["verify-signature", "w.skill.tgz"];
    args.extend_from_slice(extra);
    run(d, None, &args)
}

#[test]
fn sign_writes_a_v03_bundle_that_verifies_with_the_public_key() {
    let dir = signed_package();
    let d = dir.path();
    let bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("w.skill.tgz.sigstore.json")).unwrap())
            .unwrap();
    assert_eq!(
        bundle["mediaType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert!(bundle["verificationMaterial"]["publicKey"]["hint"].is_string());
    assert_eq!(
        bundle["messageSignature"]["messageDigest"]["algorithm"],
        "SHA2_256"
    );

    let ok = verify(d, &["--key", "skillseal.pub"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(
        stdout(&ok).contains("signed by key sha256:"),
        "{}",
        stdout(&ok)
    );
}

#[test]
fn a_flipped_bit_in_the_package_or_the_signature_fails_verification() {
    let dir = signed_package();
    let d = dir.path();
    let package = std::fs::read(d.join("w.skill.tgz")).unwrap();
    let bundle_path = d.join("w.skill.tgz.sigstore.json");
    let original_bundle = std::fs::read(&bundle_path).unwrap();
    let signature_at = String::from_utf8(original_bundle.clone())
        .unwrap()
        .find("\"signature\": \"")
        .unwrap()
        + 20;
    for (file, at) in [
        ("w.skill.tgz", package.len() / 2),
        ("w.skill.tgz.sigstore.json", signature_at),
    ] {
        let path = d.join(file);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[at] ^= 0x01;
        std::fs::write(&path, &bytes).unwrap();
        let bad = verify(d, &["--key", "skillseal.pub"]);
        assert_eq!(bad.status.code(), Some(1), "{file}: {}", stdout(&bad));
        assert!(
            stderr(&bad).contains("verification failed"),
            "{}",
            stderr(&bad)
        );
        std::fs::write(d.join("w.skill.tgz"), &package).unwrap();
        std::fs::write(&bundle_path, &original_bundle).unwrap();
    }
}

#[test]
fn another_key_is_refused_naming_the_policy_check() {
    let dir = signed_package();
    ed25519_key(dir.path());
    let other = verify(dir.path(), &["--key", "other.pub"]);
    assert_eq!(other.status.code(), Some(1));
    assert!(
        stderr(&other).contains("verification policy"),
        "{}",
        stderr(&other)
    );
}

#[test]
fn a_wrong_password_is_a_clear_error_and_leaves_the_old_bundle() {
    let dir = signed_package();
    let d = dir.path();
    let bundle_path = d.join("w.skill.tgz.sigstore.json");
    let original_bundle = std::fs::read(&bundle_path).unwrap();
    let wrong = run(
        d,
        Some("not it"),
        &["sign", "w.skill.tgz", "--key", "skillseal.key"],
    );
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("wrong password"),
        "{}",
        stderr(&wrong)
    );
    assert!(!stderr(&wrong).contains("not it"));
    assert_eq!(std::fs::read(&bundle_path).unwrap(), original_bundle);
}

#[test]
fn ed25519_keys_sign_and_verify() {
    let dir = signed_package();
    let d = dir.path();
    ed25519_key(d);
    let args = [
        "sign",
        "w.skill.tgz",
        "--key",
        "other.key",
        "--bundle",
        "ed.json",
    ];
    let ed = run(d, Some("x"), &args);
    assert_eq!(ed.status.code(), Some(0), "{}", stderr(&ed));
    let ed_ok = verify(d, &["--bundle", "ed.json", "--key", "other.pub"]);
    assert_eq!(ed_ok.status.code(), Some(0), "{}", stderr(&ed_ok));
}

#[test]
fn a_private_key_where_the_public_key_belongs_is_a_usage_error() {
    let dir = signed_package();
    let swapped = verify(dir.path(), &["--key", "skillseal.key"]);
    assert_eq!(swapped.status.code(), Some(2));
    assert!(
        stderr(&swapped).contains("expected a `PUBLIC KEY` PEM block"),
        "{}",
        stderr(&swapped)
    );
}

#[test]
fn keyless_bundles_verify_offline_by_identity() {
    let case = repo().join("tests/sigstore-conformance/bundle-verify");
    let artifact = case.join("a.txt");
    let bundle = case.join("happy-path-v0.3/bundle.sigstore.json");
    let identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    let issuer = "https://token.actions.githubusercontent.com";
    let args = |id: &str| {
        vec![
            "verify-signature".to_string(),
            artifact.to_str().unwrap().to_string(),
            "--bundle".to_string(),
            bundle.to_str().unwrap().to_string(),
            "--certificate-identity".to_string(),
            id.to_string(),
            "--certificate-oidc-issuer".to_string(),
            issuer.to_string(),
        ]
    };
    let a: Vec<String> = args(identity);
    let ok = run(
        &repo(),
        None,
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let text = stdout(&ok);
    assert!(
        text.contains(identity) && text.contains("logged in https://rekor.sigstore.dev"),
        "{text}"
    );

    let b: Vec<String> =
        args("https://github.com/example/other/.github/workflows/x.yml@refs/heads/main");
    let wrong = run(
        &repo(),
        None,
        &b.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains("certificate identity"),
        "{}",
        stderr(&wrong)
    );

    // The identity without its issuer is a usage error.
    let half = run(
        &repo(),
        None,
        &[
            "verify-signature",
            artifact.to_str().unwrap(),
            "--certificate-identity",
            identity,
        ],
    );
    assert_eq!(half.status.code(), Some(2));
}
