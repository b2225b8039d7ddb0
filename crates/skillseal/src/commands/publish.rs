//! `skillseal publish`: send a signed package to a registry.
//!
//! The registry URL comes from `--registry` or the `[registry] url` of the
//! nearest skillseal.toml; the token is the one bound to that registry
//! (see `skillseal_install::registry`), never an argument.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use base64::Engine as _;

use crate::exit::ExitCode;

#[derive(clap::Args, Debug)]
pub struct PublishArgs {
    /// A skill folder (packed first) or a package (.skill.tgz).
    path: PathBuf,
    /// Sign now with this encrypted private key (password from
    /// SKILLSEAL_PASSWORD or a prompt); the key becomes the skill's signer
    /// on its first publish.
    #[arg(long, value_name = "KEY", conflicts_with = "bundle")]
    key: Option<PathBuf>,
    /// A bundle made earlier (`skillseal sign`, cosign, CI).
    #[arg(long, value_name = "FILE", requires = "signer")]
    bundle: Option<PathBuf>,
    /// With --bundle: the public key that signed it.
    #[arg(long, value_name = "PUB", group = "signer")]
    signer_key: Option<PathBuf>,
    /// With --bundle: the keyless identity that signed it.
    #[arg(
        long,
        value_name = "ID",
        group = "signer",
        requires = "certificate_oidc_issuer"
    )]
    certificate_identity: Option<String>,
    /// With --certificate-identity: its OIDC issuer.
    #[arg(long, value_name = "ISSUER", requires = "certificate_identity")]
    certificate_oidc_issuer: Option<String>,
    /// The registry [default: `[registry] url` of the nearest skillseal.toml].
    #[arg(long, value_name = "URL")]
    registry: Option<String>,
}

pub fn run(
    args: PublishArgs,
    out: &mut impl std::io::Write,
    err: &mut impl std::io::Write,
) -> Result<ExitCode> {
    let registry = crate::config::registry(args.registry.as_deref())?;
    let client = crate::config::connect(&registry, true, err)?;
    let url = &registry.url;
    let (package, manifest) = if args.path.is_dir() {
        let pkg = skillseal_package::pack(&args.path, &Default::default())?;
        (pkg.bytes, pkg.manifest)
    } else {
        let bytes = std::fs::read(&args.path)
            .with_context(|| format!("cannot read {}", args.path.display()))?;
        let manifest = skillseal_package::inspect(&bytes, &Default::default())
            .with_context(|| format!("{}: not a skillseal package", args.path.display()))?;
        (bytes, manifest)
    };
    let (bundle, signer) = match (&args.key, &args.bundle) {
        (Some(key), None) => {
            let pem =
                std::fs::read(key).with_context(|| format!("cannot read {}", key.display()))?;
            let password = crate::commands::signing::password(false)?;
            let key = skillseal_sign::SigningKey::from_encrypted_pem(&pem, &password)
                .with_context(|| format!("cannot use the key {}", key.display()))?;
            let bundle = skillseal_sign::sign(&package, &key)?.to_json();
            (
                bundle,
                serde_json::json!({"key": {"public_key": key.public_key().to_pem()}}),
            )
        }
        (None, Some(bundle)) => {
            let text = std::fs::read_to_string(bundle)
                .with_context(|| format!("cannot read {}", bundle.display()))?;
            let signer = match (
                &args.signer_key,
                &args.certificate_identity,
                &args.certificate_oidc_issuer,
            ) {
                (Some(public), None, None) => {
                    let pem = std::fs::read_to_string(public)
                        .with_context(|| format!("cannot read {}", public.display()))?;
                    serde_json::json!({"key": {"public_key": pem}})
                }
                (None, Some(identity), Some(issuer)) => {
                    serde_json::json!({"identity": {"identity": identity, "issuer": issuer}})
                }
                _ => bail!(
                    "with --bundle, name the signer: --signer-key PUB, or --certificate-identity with --certificate-oidc-issuer"
                ),
            };
            (text, signer)
        }
        _ => bail!("give --key KEY to sign now, or --bundle FILE with its signer"),
    };
    let digest = skillseal_model::Digest::of(&package);
    let body = serde_json::json!({
        "package": base64::engine::general_purpose::STANDARD.encode(&package),
        "digest": digest,
        "bundle": bundle,
        "signer": signer,
    });
    let version = manifest.version.to_string();
    match client.publish(&manifest.name, &version, &body) {
        Ok(bytes) => {
            let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            let signer = serde_json::from_value::<skillseal_lock::Signer>(value["signer"].clone())
                .map_or_else(|_| value["signer"].to_string(), |s| s.to_string());
            writeln!(
                out,
                "published {} {} ({}) to {url}: verdict {}, signer {signer}",
                manifest.name,
                manifest.version,
                value["digest"].as_str().unwrap_or(&digest),
                value["verdict"].as_str().unwrap_or("?"),
            )?;
            Ok(ExitCode::Clean)
        }
        Err(skillseal_install::Error::Registry(refused)) => {
            writeln!(
                err,
                "error: the registry refused {} {}: {refused}",
                manifest.name, manifest.version
            )?;
            Ok(ExitCode::Findings)
        }
        Err(e) => Err(e.into()),
    }
}
