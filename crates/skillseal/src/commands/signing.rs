//! `keygen`, `sign` and `verify-signature`: thin shells over
//! `skillseal-sign` that read files, ask for passwords and print.

use std::io::{IsTerminal as _, Read as _};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use skillseal_model::Digest;
use skillseal_sign::{KeyAlgorithm, Password, Policy, PublicKey, Signer, SigningKey, TrustedRoot};

use crate::exit::ExitCode;

/// Environment variables a password is read from, in order. cosign's name
/// is accepted so keys move between the tools without ceremony.
const PASSWORD_VARS: [&str; 2] = ["SKILLSEAL_PASSWORD", "COSIGN_PASSWORD"];

/// Files larger than this are not read into memory to be verified.
const MAX_ARTIFACT_BYTES: u64 = 1 << 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Algorithm {
    /// ECDSA P-256 with SHA-256 (cosign's default).
    EcdsaP256,
    /// Ed25519.
    Ed25519,
}

#[derive(clap::Args, Debug)]
pub struct KeygenArgs {
    /// Key algorithm.
    #[arg(long, value_enum, default_value_t = Algorithm::EcdsaP256)]
    algorithm: Algorithm,
    /// Write PREFIX.key (encrypted private key) and PREFIX.pub.
    #[arg(long, value_name = "PREFIX", default_value = "skillseal")]
    output_key_prefix: PathBuf,
    /// Replace existing key files.
    #[arg(long)]
    force: bool,
}

#[derive(clap::Args, Debug)]
pub struct SignArgs {
    /// The package (or any file) to sign.
    file: PathBuf,
    /// The encrypted private key (from `skillseal keygen` or `cosign generate-key-pair`).
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// Where to write the bundle [default: FILE.sigstore.json].
    #[arg(long, value_name = "FILE")]
    bundle: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The package (or any file) the bundle signs.
    file: PathBuf,
    /// The Sigstore bundle [default: FILE.sigstore.json].
    #[arg(long, value_name = "FILE")]
    bundle: Option<PathBuf>,
    /// Verify with this public key (PEM).
    #[arg(long, value_name = "PUB", conflicts_with_all = ["certificate_identity", "certificate_oidc_issuer"])]
    key: Option<PathBuf>,
    /// Keyless: the exact identity (email or URI) of the signing certificate.
    #[arg(long, value_name = "ID", requires = "certificate_oidc_issuer")]
    certificate_identity: Option<String>,
    /// Keyless: the exact OIDC issuer of the signing certificate.
    #[arg(long, value_name = "ISSUER", requires = "certificate_identity")]
    certificate_oidc_issuer: Option<String>,
    /// Trusted root JSON [default: the Sigstore production root built in].
    #[arg(long, value_name = "FILE")]
    trusted_root: Option<PathBuf>,
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {what} {}", path.display()))
}

/// Reads at most `limit` bytes; a larger file is an error, not a hang.
fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > limit {
        bail!("{} is larger than {limit} bytes", path.display());
    }
    Ok(bytes)
}

fn default_bundle(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".sigstore.json");
    PathBuf::from(name)
}

/// The password from the environment, or asked for on the terminal.
pub(crate) fn password(confirm: bool) -> Result<Password> {
    for var in PASSWORD_VARS {
        if let Some(value) = std::env::var_os(var) {
            return Ok(Password::new(value.into_encoded_bytes()));
        }
    }
    if !std::io::stdin().is_terminal() {
        bail!("no password: set SKILLSEAL_PASSWORD, or run in a terminal to be asked");
    }
    let first = zeroize::Zeroizing::new(
        rpassword::prompt_password("Password for the private key: ")
            .context("cannot read the password")?,
    );
    if confirm {
        let again = zeroize::Zeroizing::new(
            rpassword::prompt_password("Password again: ").context("cannot read the password")?,
        );
        if *first != *again {
            bail!("the passwords differ");
        }
    }
    Ok(Password::new(first.as_bytes()))
}

/// Creates `path` with mode 0600 (atomically, never readable by others).
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::output::write_atomically_with_mode(path, bytes, 0o600)
        .with_context(|| format!("cannot write {}", path.display()))
}

pub fn keygen(args: KeygenArgs, out: &mut impl std::io::Write) -> Result<ExitCode> {
    let mut private = args.output_key_prefix.clone().into_os_string();
    private.push(".key");
    let mut public = args.output_key_prefix.into_os_string();
    public.push(".pub");
    let (private, public) = (PathBuf::from(private), PathBuf::from(public));
    if !args.force {
        for path in [&private, &public] {
            if path.exists() {
                bail!("{} exists; pass --force to replace it", path.display());
            }
        }
    }
    let password = password(true)?;
    let algorithm = match args.algorithm {
        Algorithm::EcdsaP256 => KeyAlgorithm::EcdsaP256,
        Algorithm::Ed25519 => KeyAlgorithm::Ed25519,
    };
    let key = skillseal_sign::keys::generate(algorithm, &password)?;
    write_private(&private, key.private_pem.as_bytes())?;
    write_private(&public, key.public_key.to_pem().as_bytes())?;
    writeln!(
        out,
        "wrote {} (encrypted private key) and {} ({}, {})",
        private.display(),
        public.display(),
        key.public_key.scheme_name(),
        key.public_key.fingerprint()
    )?;
    Ok(ExitCode::Clean)
}

pub fn sign(args: SignArgs, out: &mut impl std::io::Write) -> Result<ExitCode> {
    let artifact = read_limited(&args.file, MAX_ARTIFACT_BYTES)?;
    let pem = read(&args.key, "private key")?;
    let password = password(false)?;
    let key = SigningKey::from_encrypted_pem(&pem, &password)
        .with_context(|| format!("cannot use the key {}", args.key.display()))?;
    let bundle = skillseal_sign::sign(&artifact, &key)?;
    // Never hand out a bundle that does not verify.
    let policy = Policy::Key(key.public_key().clone());
    let root = TrustedRoot::production();
    let now = chrono::Utc::now().timestamp();
    skillseal_sign::verify::verify(
        &artifact,
        &bundle,
        skillseal_sign::BundleVersion::V03,
        &policy,
        &root,
        now,
    )
    .context("the new signature does not verify")?;
    let path = args.bundle.unwrap_or_else(|| default_bundle(&args.file));
    crate::output::write_atomically(&path, bundle.to_json().as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    writeln!(
        out,
        "signed {} ({}) with {}; bundle: {}",
        args.file.display(),
        Digest::of(&artifact),
        key.public_key().fingerprint(),
        path.display()
    )?;
    Ok(ExitCode::Clean)
}

pub fn verify(
    args: VerifyArgs,
    out: &mut impl std::io::Write,
    err: &mut impl std::io::Write,
) -> Result<ExitCode> {
    let policy = match (
        &args.key,
        &args.certificate_identity,
        &args.certificate_oidc_issuer,
    ) {
        (Some(key), None, None) => Policy::Key(
            PublicKey::from_pem(&read(key, "public key")?)
                .with_context(|| format!("cannot use the public key {}", key.display()))?,
        ),
        (None, Some(identity), Some(issuer)) => Policy::Identity {
            identity: identity.clone(),
            issuer: issuer.clone(),
        },
        _ => bail!(
            "give --key PUB, or --certificate-identity ID with --certificate-oidc-issuer ISSUER"
        ),
    };
    let root = match &args.trusted_root {
        Some(path) => TrustedRoot::from_json(&read(path, "trusted root")?)
            .with_context(|| format!("cannot use the trusted root {}", path.display()))?,
        None => TrustedRoot::production(),
    };
    let artifact = read_limited(&args.file, MAX_ARTIFACT_BYTES)?;
    let bundle_path = args.bundle.unwrap_or_else(|| default_bundle(&args.file));
    let bundle = read_limited(
        &bundle_path,
        skillseal_sign::bundle::MAX_BUNDLE_BYTES as u64,
    )?;
    let now = chrono::Utc::now().timestamp();
    match skillseal_sign::verify::verify_json(&artifact, &bundle, &policy, &root, now) {
        Ok(verified) => {
            let signer = match &verified.signer {
                Signer::Key { fingerprint } => format!("key {fingerprint}"),
                Signer::Certificate { identity, issuer } => format!("{identity} (issuer {issuer})"),
            };
            writeln!(
                out,
                "verified {} ({}): signed by {signer}",
                args.file.display(),
                Digest::of(&artifact)
            )?;
            for e in &verified.log_entries {
                let when = e
                    .integrated_time
                    .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                    .map_or_else(String::new, |t| format!(" on {}", t.to_rfc3339()));
                writeln!(
                    out,
                    "  logged in {} at index {}{when}",
                    e.log_url, e.log_index
                )?;
            }
            if verified.log_entries.is_empty() {
                writeln!(
                    out,
                    "  no transparency log entry: the signature alone was checked"
                )?;
            }
            Ok(ExitCode::Clean)
        }
        Err(e) => {
            writeln!(err, "error: verification failed: {e}")?;
            Ok(ExitCode::Findings)
        }
    }
}
