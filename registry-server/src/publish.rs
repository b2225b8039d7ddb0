//! Publishing: the checks an upload passes, in order, before anything is
//! stored. The first failure rejects it with its own error, and the
//! rejection is written to the audit log.
//!
//! 1. a token with publish rights on this name (and an owner of it, once it exists);
//! 2. a valid name; 3. an exact semver version never used for this name
//!    (yanked ones included); 4. the archive (limits, paths, entry types,
//!    canonical form, manifest naming this name and version); 5. the
//!    digest the client declared; 6. the signature, against the signers
//!    trusted for this skill (the first publish registers its signer);
//! 7. the registry's own scan under its policy (`block` is refused; the
//!    report is kept either way); 8. blobs synced, then one transaction.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::auth::Caller;
use crate::state::Registry;
use crate::store;
use skillseal_model::Digest;

/// The body of `PUT /api/v1/skills/{name}/{version}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// The package, base64.
    pub package: String,
    /// `sha256:…` of the package, as the client computed it.
    pub digest: String,
    /// The Sigstore bundle JSON, as text (stored byte for byte).
    pub bundle: String,
    /// Who signed: required for a new skill, where it becomes the trusted signer.
    #[serde(default)]
    pub signer: Option<SignerSpec>,
}

/// A trusted signer: a public key, or a keyless identity and its issuer.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SignerSpec {
    Key { public_key: String },
    Identity { identity: String, issuer: String },
}

pub use crate::store::skills::SignerId;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("this needs a token with publish rights: send `Authorization: Bearer …`")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("`{0}` is not a valid skill name")]
    BadName(String),
    #[error("{0}")]
    BadVersion(String),
    #[error("{0} {1} already exists; versions are immutable (publish a new version)")]
    VersionExists(String, String),
    #[error("the request is malformed: {0}")]
    BadRequest(String),
    #[error("the package is refused: {0}")]
    Archive(#[from] skillseal_package::InspectError),
    #[error("the package is {found}, not {expected} as the URL says")]
    NameMismatch { expected: String, found: String },
    #[error("the package's digest is {actual}, not {declared} as declared")]
    Digest { declared: String, actual: Digest },
    #[error("the signature is refused: {0}")]
    Signature(String),
    #[error("the registry's scan blocks this package ({reasons}); report {report}")]
    Blocked { reasons: String, report: Digest },
    #[error(
        "the registry's scan could not finish `{file}`{} within its budget of {budget} s of CPU \
         per file (the publish scan's limit); report {report}",
        if *more > 0 { format!(" and {more} more file(s)") } else { String::new() }
    )]
    NotFullyScanned {
        file: String,
        more: usize,
        budget: f64,
        report: Digest,
    },
    #[error("the request is larger than the registry's limit of {0} bytes")]
    TooLarge(usize),
    #[error("the registry's scan could not read the package: {0}")]
    ScanError(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl PublishError {
    /// A stable machine-readable code and the HTTP status.
    pub fn code(&self) -> (&'static str, u16) {
        match self {
            PublishError::Unauthenticated => ("unauthenticated", 401),
            PublishError::Forbidden(_) => ("forbidden", 403),
            PublishError::BadName(_) => ("bad_name", 400),
            PublishError::BadVersion(_) => ("bad_version", 400),
            PublishError::VersionExists(..) => ("version_exists", 409),
            PublishError::BadRequest(_) => ("bad_request", 400),
            PublishError::Archive(e) if e.is_limit() => ("over_limit", 413),
            PublishError::Archive(_) => ("bad_archive", 422),
            PublishError::TooLarge(_) => ("too_large", 413),
            PublishError::ScanError(_) => ("scan_error", 422),
            PublishError::NameMismatch { .. } => ("name_mismatch", 422),
            PublishError::Digest { .. } => ("digest_mismatch", 422),
            PublishError::Signature(_) => ("bad_signature", 403),
            PublishError::Blocked { .. } => ("blocked_by_scan", 422),
            PublishError::NotFullyScanned { .. } => ("scan_incomplete", 422),
            PublishError::Internal(_) => ("internal", 500),
        }
    }
}

fn internal(e: impl std::fmt::Display) -> PublishError {
    PublishError::Internal(e.to_string())
}

#[derive(Debug, Serialize)]
pub struct Published {
    pub name: String,
    pub version: String,
    pub digest: Digest,
    pub bundle_digest: Digest,
    pub report_digest: Digest,
    pub signer: SignerId,
    pub verdict: String,
    pub capabilities: Vec<String>,
    /// The registry's signed scan attestation, and the log entry that
    /// names it.
    pub attestation_digest: Digest,
    pub log_index: u64,
    /// The attestation's text (stored in the version's row).
    #[serde(skip)]
    pub attestation: String,
}

pub(crate) fn policy_of(
    spec: &SignerSpec,
) -> Result<(skillseal_sign::Policy, SignerId), PublishError> {
    match spec {
        SignerSpec::Key { public_key } => {
            let key = skillseal_sign::PublicKey::from_pem(public_key.as_bytes())
                .map_err(|e| PublishError::BadRequest(format!("signer public key: {e}")))?;
            let id = SignerId::Key {
                fingerprint: key.fingerprint(),
            };
            Ok((skillseal_sign::Policy::Key(key), id))
        }
        SignerSpec::Identity { identity, issuer } => Ok((
            skillseal_sign::Policy::Identity {
                identity: identity.clone(),
                issuer: issuer.clone(),
            },
            SignerId::Identity {
                identity: identity.clone(),
                issuer: issuer.clone(),
            },
        )),
    }
}

/// The PEM public key a signer is stored with (empty for an identity).
pub(crate) fn public_key(spec: &SignerSpec) -> &str {
    match spec {
        SignerSpec::Key { public_key } => public_key,
        SignerSpec::Identity { .. } => "",
    }
}

async fn trusted_signers(reg: &Registry, name: &str) -> Result<Vec<SignerSpec>, PublishError> {
    let signers = store::skills::signers(&reg.db, name)
        .await
        .map_err(internal)?;
    Ok(signers
        .into_iter()
        .map(|s| match s.id {
            SignerId::Key { .. } => SignerSpec::Key {
                public_key: s.public_key,
            },
            SignerId::Identity { identity, issuer } => SignerSpec::Identity { identity, issuer },
        })
        .collect())
}

/// A publish that passed checks 1 to 3, which need only the URL and the
/// token: made before the body is read.
pub struct Authorized {
    caller: Caller,
    name: String,
    version: semver::Version,
}

impl Authorized {
    /// The version as the registry stores it.
    pub fn version(&self) -> String {
        self.version.to_string()
    }
}

/// Checks 1 to 3: rights on the name, the name, a new version.
pub async fn authorize(
    reg: &Registry,
    caller: Option<&Caller>,
    name: &str,
    version: &str,
) -> Result<Authorized, PublishError> {
    // 1. Rights on this name.
    let caller = caller.ok_or(PublishError::Unauthenticated)?;
    if !caller.may_publish(name) {
        return Err(PublishError::Forbidden(format!(
            "the token may not publish `{name}`"
        )));
    }
    // 2. The name (before it is used to look anything up).
    if !skillseal_package::valid_name(name) {
        return Err(PublishError::BadName(name.to_string()));
    }
    // An existing skill is published to by its owners (or an admin) only;
    // a skill with no owner left is nobody's, not everybody's.
    let exists = store::skills::exists(&reg.db, name)
        .await
        .map_err(internal)?;
    let owner = store::skills::is_owner(&reg.db, name, &caller.name)
        .await
        .map_err(internal)?;
    if exists && !owner && !caller.is_admin() {
        return Err(PublishError::Forbidden(format!(
            "`{}` is not an owner of `{name}`",
            caller.name
        )));
    }
    // 3. An exact version, never used before.
    let parsed = skillseal_package::parse_version(version, "the URL")
        .map_err(|e| PublishError::BadVersion(e.to_string()))?;
    if let Some(existing) = same_version(&reg.db, name, &parsed)
        .await
        .map_err(internal)?
    {
        return Err(PublishError::VersionExists(name.into(), existing));
    }
    Ok(Authorized {
        caller: caller.clone(),
        name: name.to_string(),
        version: parsed,
    })
}

/// A stored version of `name` equal to `version` but for build metadata
/// (`1.0.0+other` is `1.0.0`: semver ignores build metadata in precedence,
/// so two of them would make a pin ambiguous).
async fn same_version(
    db: impl sqlx::Executor<'_, Database = sqlx::Any>,
    name: &str,
    version: &semver::Version,
) -> sqlx::Result<Option<String>> {
    Ok(store::versions::of_release(db, name, version)
        .await?
        .into_iter()
        .find(|v| {
            semver::Version::parse(v)
                .is_ok_and(|v| v.cmp_precedence(version) == std::cmp::Ordering::Equal)
        }))
}

/// Runs checks 4 to 8 and, when all pass, stores the version.
pub async fn publish(
    reg: &std::sync::Arc<Registry>,
    authorized: &Authorized,
    req: PublishRequest,
) -> Result<Published, PublishError> {
    let Authorized {
        caller,
        name,
        version: parsed,
    } = authorized;
    let name = name.as_str();
    let canonical_version = parsed.to_string();
    // 4. The archive.
    let started = std::time::Instant::now();
    let mut phases = Vec::new();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(req.package.as_bytes())
        .map_err(|e| PublishError::BadRequest(format!("`package` is not base64: {e}")))?;
    if bytes.len() > reg.config.max_upload_bytes {
        return Err(PublishError::TooLarge(reg.config.max_upload_bytes));
    }
    // The server's scan (check 7) starts now, beside checks 4 to 6: it is
    // the slow one, and the scanner is built for hostile archives. Its
    // result is only looked at once those checks have passed; a failure
    // before that is reported as itself, in order.
    let bytes = std::sync::Arc::new(bytes);
    let scan = {
        let (reg, bytes) = (reg.clone(), bytes.clone());
        let (name, version) = (name.to_string(), canonical_version.clone());
        tokio::task::spawn_blocking(move || reg.scan_blocking(&name, &version, &bytes))
    };
    let manifest = skillseal_package::inspect(&bytes, &skillseal_package::Limits::default())?;
    if manifest.name != name || manifest.version != *parsed {
        return Err(PublishError::NameMismatch {
            expected: format!("{name} {canonical_version}"),
            found: format!("{} {}", manifest.name, manifest.version),
        });
    }
    phases.push(("archive", started.elapsed()));
    // 5. The digest.
    let digest = Digest::of(&bytes);
    if req.digest != digest {
        return Err(PublishError::Digest {
            declared: req.digest,
            actual: digest,
        });
    }
    // 6. The signature, by a signer trusted for this skill.
    let trusted = trusted_signers(reg, name).await?;
    let candidates: Vec<SignerSpec> = if trusted.is_empty() {
        match &req.signer {
            Some(spec) => vec![spec.clone()],
            None => {
                return Err(PublishError::BadRequest(
                    "the first publish of a skill names its signer (`signer`)".into(),
                ));
            }
        }
    } else {
        if let Some(spec) = &req.signer
            && !trusted.contains(spec)
        {
            return Err(PublishError::Signature(format!(
                "the named signer is not trusted for `{name}`; its owners register signers"
            )));
        }
        trusted.clone()
    };
    let now = store::now();
    let mut signer = None;
    let mut last_error = String::new();
    for spec in &candidates {
        let (policy, id) = policy_of(spec)?;
        match skillseal_sign::verify::verify_json(
            &bytes,
            req.bundle.as_bytes(),
            &policy,
            &reg.root,
            now,
        ) {
            Ok(_) => {
                signer = Some((spec.clone(), id));
                break;
            }
            Err(e) => last_error = e.to_string(),
        }
    }
    let Some((signer_spec, signer_id)) = signer else {
        return Err(PublishError::Signature(if candidates.len() == 1 {
            last_error
        } else {
            format!(
                "not signed by any of the {} signers trusted for `{name}`",
                candidates.len()
            )
        }));
    };
    phases.push(("signature", started.elapsed()));
    // 7. The registry's own scan.
    let (report, incomplete) = scan.await.map_err(internal)?;
    let report_json = serde_json::to_vec_pretty(&report).map_err(internal)?;
    let report_digest = reg.blobs.put(report_json).await.map_err(internal)?;
    let skill = report
        .skills
        .first()
        .ok_or_else(|| internal("the scan found no skill in the package"))?;
    // A file the scan could not finish may hide anything: refused, with the
    // report stored for the publisher to read.
    if let Some(first) = incomplete.first() {
        return Err(PublishError::NotFullyScanned {
            file: first
                .rsplit_once(".skill.tgz/")
                .map_or(first.as_str(), |(_, f)| f)
                .to_string(),
            more: incomplete.len() - 1,
            budget: reg.config.file_timeout.as_secs_f64(),
            report: report_digest,
        });
    }
    if let Some(e) = report.errors.first() {
        let file = e
            .path
            .rsplit_once(".skill.tgz/")
            .map_or(e.path.as_str(), |(_, f)| f);
        return Err(PublishError::ScanError(format!("`{file}`: {}", e.message)));
    }
    if skill.verdict == skillseal_model::Verdict::Block {
        let reasons = skill
            .reasons
            .iter()
            .map(|r| r.message.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        return Err(PublishError::Blocked {
            reasons,
            report: report_digest,
        });
    }

    phases.push(("scan", started.elapsed()));
    // The registry's signed statement of its scan, which the log names.
    let predicate = crate::tlog::predicate(&report, &report_digest, &reg.config.policy_digest);
    let attestation = reg
        .log
        .attest(name, &canonical_version, &digest, predicate)
        .map_err(internal)?;
    // 8. Blobs first, synced; then one transaction.
    let bundle_bytes = req.bundle.clone().into_bytes();
    let size = bytes.len() as i64;
    let (package_digest, bundle_digest) = tokio::try_join!(
        reg.blobs
            .put(std::sync::Arc::try_unwrap(bytes).unwrap_or_else(|shared| (*shared).clone())),
        reg.blobs.put(bundle_bytes)
    )
    .map_err(internal)?;
    // The attestation is committed with the version's row: no blob to sync.
    let attestation_digest = Digest::of(&attestation);
    let attestation = String::from_utf8(attestation).map_err(internal)?;
    debug_assert_eq!(package_digest, digest);
    let mut published = Published {
        name: name.to_string(),
        version: canonical_version.clone(),
        digest,
        bundle_digest,
        report_digest,
        signer: signer_id,
        verdict: skill.verdict.as_str().to_string(),
        capabilities: skill.capabilities.clone(),
        attestation_digest,
        log_index: 0,
        attestation,
    };
    let p = &published;
    // A skill with no signer yet is new: its first publish registers one.
    let first_signer = trusted.is_empty().then(|| public_key(&signer_spec));
    let result = store::audited(
        &reg.db,
        Some(&reg.write_lock),
        &caller.name,
        "publish",
        |mut tx| async move {
            let done = commit(reg, &mut tx, caller, p, parsed, size, first_signer).await?;
            Ok((tx, done))
        },
    )
    .await;
    phases.push(("store", started.elapsed()));
    tracing::debug!(
        skill = name,
        version = %canonical_version,
        bytes = size,
        "publish timings (cumulative): {}",
        phases
            .iter()
            .map(|(phase, t)| format!("{phase} {:.1} ms", t.as_secs_f64() * 1e3))
            .collect::<Vec<_>>()
            .join(", ")
    );
    match result {
        Err(Refusal::Db(sqlx::Error::Database(e))) if e.is_unique_violation() => {
            Err(PublishError::VersionExists(name.into(), canonical_version))
        }
        Err(Refusal::Db(e)) => Err(internal(e)),
        Err(Refusal::Publish(refused)) => Err(refused),
        Ok(log_index) => {
            published.log_index = log_index;
            Ok(published)
        }
    }
}

/// Why the final transaction did not commit.
enum Refusal {
    Db(sqlx::Error),
    Publish(PublishError),
}

impl From<sqlx::Error> for Refusal {
    fn from(e: sqlx::Error) -> Self {
        Refusal::Db(e)
    }
}

/// Check 8's transaction: the checks made before the body was read, made
/// again under the write lock, then the skill (when new, with the public
/// key of its first signer, `first_signer`) and the version.
async fn commit(
    reg: &Registry,
    tx: &mut store::Tx,
    caller: &Caller,
    p: &Published,
    version: &semver::Version,
    size: i64,
    first_signer: Option<&str>,
) -> Result<store::Change<u64>, Refusal> {
    let now = store::now();
    // Checked again under the write lock: another publish may have
    // committed since the checks before the body was read.
    if let Some(existing) = same_version(&mut **tx, &p.name, version).await? {
        return Err(Refusal::Publish(PublishError::VersionExists(
            p.name.clone(),
            existing,
        )));
    }
    let exists = store::skills::exists(&mut **tx, &p.name).await?;
    // Two first versions of a new skill published at once: the one that
    // commits second joins the skill the first created, if its caller is
    // an owner and its signer the one now trusted.
    let new_skill = first_signer.is_some() && !exists;
    if exists {
        let owner = store::skills::is_owner(&mut **tx, &p.name, &caller.name).await?;
        if !owner && !caller.is_admin() {
            return Err(Refusal::Publish(PublishError::Forbidden(format!(
                "`{}` is not an owner of `{}`",
                caller.name, p.name
            ))));
        }
        if !store::skills::is_signer(&mut **tx, &p.name, &p.signer).await? {
            return Err(Refusal::Publish(PublishError::Signature(format!(
                "{} is not a signer trusted for `{}`",
                p.signer, p.name
            ))));
        }
    }
    if let Some(public_key) = first_signer.filter(|_| new_skill) {
        store::skills::create(tx, &p.name, &caller.name, now).await?;
        store::skills::add_signer(tx, &p.name, &p.signer, public_key, now).await?;
    }
    // The log's leaf, in this transaction: the version is visible exactly
    // when the log holds it.
    let leaf = skillseal_tlog::Leaf::Publish {
        name: p.name.clone(),
        version: p.version.clone(),
        digest: p.digest.as_str().to_string(),
        bundle_digest: p.bundle_digest.as_str().to_string(),
        signer: p.signer.clone(),
        attestation_digest: p.attestation_digest.as_str().to_string(),
        time: now,
    };
    let log_index = store::log::append(tx, &leaf.to_bytes()).await?;
    let stored = store::versions::New {
        name: &p.name,
        version,
        digest: &p.digest,
        bundle_digest: &p.bundle_digest,
        report_digest: &p.report_digest,
        size,
        signer: serde_json::to_string(&p.signer).unwrap_or_default(),
        capabilities: serde_json::to_string(&p.capabilities).unwrap_or_default(),
        verdict: &p.verdict,
        rules_digest: &reg.rules_digest,
        attestation: &p.attestation,
        attestation_digest: &p.attestation_digest,
        log_index,
    };
    store::versions::insert(tx, &stored, now).await?;
    Ok(store::Change {
        subject: format!("{}@{}", p.name, p.version),
        detail: serde_json::json!({
            "token": caller.token_id, "digest": p.digest, "signer": p.signer,
            "verdict": p.verdict, "report": p.report_digest, "new_skill": new_skill,
            "log_index": log_index,
        }),
        value: log_index,
    })
}
