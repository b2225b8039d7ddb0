//! Published versions, and the blobs the database names.

use std::collections::HashSet;

use skillseal_model::Digest;
use sqlx::{Any, AnyPool, Executor, Row as _};

use super::{Tx, run};

/// A stored version. `signer` and `capabilities` are JSON text.
#[derive(Clone, Debug)]
pub struct Version {
    pub version: String,
    pub digest: String,
    pub bundle_digest: String,
    pub report_digest: String,
    pub size: i64,
    pub signer: String,
    pub capabilities: String,
    pub verdict: String,
    pub rules_digest: String,
    pub yanked: bool,
    pub published_at: i64,
    /// The index of its publish leaf in the transparency log (-1 until
    /// the log holds it).
    pub log_index: i64,
    /// The digest of its scan attestation ('' until the log holds it).
    pub attestation_digest: String,
}

const COLUMNS: &str = "version, digest, bundle_digest, report_digest, size, signer, capabilities, \
     verdict, rules_digest, yanked, published_at, log_index, attestation_digest";

fn version(r: &sqlx::any::AnyRow) -> sqlx::Result<Version> {
    version_at(r, 0)
}

/// A version from `COLUMNS` starting at column `at`.
fn version_at(r: &sqlx::any::AnyRow, at: usize) -> sqlx::Result<Version> {
    Ok(Version {
        version: r.try_get(at)?,
        digest: r.try_get(at + 1)?,
        bundle_digest: r.try_get(at + 2)?,
        report_digest: r.try_get(at + 3)?,
        size: r.try_get(at + 4)?,
        signer: r.try_get(at + 5)?,
        capabilities: r.try_get(at + 6)?,
        verdict: r.try_get(at + 7)?,
        rules_digest: r.try_get(at + 8)?,
        yanked: r.try_get::<i64, _>(at + 9)? != 0,
        published_at: r.try_get(at + 10)?,
        log_index: r.try_get(at + 11)?,
        attestation_digest: r.try_get(at + 12)?,
    })
}

/// Every version of `name`, highest first.
pub async fn all(db: &AnyPool, name: &str) -> sqlx::Result<Vec<Version>> {
    of_skill(
        db,
        name,
        "ORDER BY major DESC, minor DESC, patch DESC, version DESC",
    )
    .await
}

/// The versions of `name` a client may install (neither yanked nor
/// blocked by a rescan), in no order.
pub async fn installable(db: &AnyPool, name: &str) -> sqlx::Result<Vec<Version>> {
    of_skill(db, name, "AND yanked = 0 AND verdict <> 'block'").await
}

/// The versions of `name`, `rest` added to the query's `WHERE`.
async fn of_skill(db: &AnyPool, name: &str, rest: &str) -> sqlx::Result<Vec<Version>> {
    let query = format!("SELECT {COLUMNS} FROM versions WHERE skill = $1 {rest}");
    let rows = sqlx::query(&query).bind(name).fetch_all(db).await?;
    rows.iter().map(version).collect()
}

/// The stored versions of `name` with this major, minor and patch.
pub async fn of_release(
    db: impl Executor<'_, Database = Any>,
    name: &str,
    v: &semver::Version,
) -> sqlx::Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT version FROM versions WHERE skill = $1 AND major = $2 AND minor = $3 AND patch = $4",
    )
    .bind(name)
    .bind(v.major as i64)
    .bind(v.minor as i64)
    .bind(v.patch as i64)
    .fetch_all(db)
    .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

/// The files of a version, each a blob.
#[derive(Clone, Copy)]
pub enum File {
    Package,
    Bundle,
    Report,
}

impl File {
    /// The column that holds its digest.
    pub fn column(self) -> &'static str {
        match self {
            File::Package => "digest",
            File::Bundle => "bundle_digest",
            File::Report => "report_digest",
        }
    }
}

/// The digest of one file of `name` `version`, and the version's verdict,
/// if that version exists.
pub async fn file_digest(
    db: &AnyPool,
    name: &str,
    version: &str,
    file: File,
) -> sqlx::Result<Option<(String, String)>> {
    let row = sqlx::query(&format!(
        "SELECT {}, verdict FROM versions WHERE skill = $1 AND version = $2",
        file.column()
    ))
    .bind(name)
    .bind(version)
    .fetch_optional(db)
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// Whether some version a client may download (not blocked by a rescan)
/// has this package digest.
pub async fn has_package(db: &AnyPool, digest: &Digest) -> sqlx::Result<bool> {
    let row = sqlx::query("SELECT 1 FROM versions WHERE digest = $1 AND verdict <> 'block'")
        .bind(digest.as_str())
        .fetch_optional(db)
        .await?;
    Ok(row.is_some())
}

/// A version to store; `signer` and `capabilities` are JSON text.
pub struct New<'a> {
    pub name: &'a str,
    pub version: &'a semver::Version,
    pub digest: &'a Digest,
    pub bundle_digest: &'a Digest,
    pub report_digest: &'a Digest,
    pub size: i64,
    pub signer: String,
    pub capabilities: String,
    pub verdict: &'a str,
    pub rules_digest: &'a Digest,
    /// The scan attestation (DSSE envelope JSON) and its digest.
    pub attestation: &'a str,
    pub attestation_digest: &'a Digest,
    pub log_index: u64,
}

/// Stores a version (not yanked); a version already stored is a unique
/// violation.
pub async fn insert(tx: &mut Tx, v: &New<'_>, now: i64) -> sqlx::Result<()> {
    let insert = sqlx::query(
        "INSERT INTO versions (skill, version, major, minor, patch, digest, bundle_digest, report_digest, \
         size, signer, capabilities, verdict, rules_digest, yanked, published_at, log_index, \
         attestation_digest, attestation) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14, $15, $16, $17)",
    );
    let (major, minor, patch) = (v.version.major, v.version.minor, v.version.patch);
    let insert = insert.bind(v.name).bind(v.version.to_string());
    let insert = insert
        .bind(major as i64)
        .bind(minor as i64)
        .bind(patch as i64);
    let insert = insert
        .bind(v.digest.as_str())
        .bind(v.bundle_digest.as_str())
        .bind(v.report_digest.as_str());
    let insert = insert.bind(v.size).bind(&v.signer).bind(&v.capabilities);
    let insert = insert
        .bind(v.verdict)
        .bind(v.rules_digest.as_str())
        .bind(now);
    let insert = insert
        .bind(v.log_index as i64)
        .bind(v.attestation_digest.as_str())
        .bind(v.attestation);
    run(tx, insert).await.map(drop)
}

/// Yanks or unyanks; whether the version exists.
pub async fn set_yanked(
    tx: &mut Tx,
    name: &str,
    version: &str,
    yanked: bool,
) -> sqlx::Result<bool> {
    let update = sqlx::query("UPDATE versions SET yanked = $1 WHERE skill = $2 AND version = $3");
    let update = update.bind(i64::from(yanked)).bind(name).bind(version);
    Ok(run(tx, update).await? > 0)
}

/// Every blob the database names: each version's package, bundle and
/// report, and the reports of refused publishes (named only by the audit
/// log).
pub async fn referenced_blobs(db: &AnyPool) -> sqlx::Result<HashSet<String>> {
    let mut referenced = HashSet::new();
    for r in sqlx::query("SELECT digest, bundle_digest, report_digest FROM versions")
        .fetch_all(db)
        .await?
    {
        for i in 0..3 {
            referenced.insert(r.try_get::<String, _>(i)?);
        }
    }
    for r in sqlx::query("SELECT detail FROM audit WHERE action = 'publish.reject'")
        .fetch_all(db)
        .await?
    {
        let detail: String = r.try_get(0)?;
        if let Some(d) = serde_json::from_str::<serde_json::Value>(&detail)
            .ok()
            .and_then(|v| v["report"].as_str().map(String::from))
        {
            referenced.insert(d);
        }
    }
    Ok(referenced)
}

/// A version's new scan (see [`crate::rescan`]).
pub struct Rescan<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub verdict: &'a str,
    /// JSON text.
    pub capabilities: &'a str,
    pub report_digest: &'a Digest,
    pub rules_digest: &'a Digest,
}

/// Stores a version's new verdict, capabilities, report and rule set.
pub async fn set_scan(tx: &mut Tx, r: &Rescan<'_>) -> sqlx::Result<()> {
    let update = sqlx::query(
        "UPDATE versions SET verdict = $1, capabilities = $2, report_digest = $3, rules_digest = $4 \
         WHERE skill = $5 AND version = $6",
    );
    let update = update.bind(r.verdict).bind(r.capabilities);
    let update = update
        .bind(r.report_digest.as_str())
        .bind(r.rules_digest.as_str());
    run(tx, update.bind(r.name).bind(r.version)).await.map(drop)
}

/// Versions the log does not hold yet (published before it existed), in
/// publish order: `(skill, version)`.
pub async fn unlogged(db: &AnyPool) -> sqlx::Result<Vec<(String, Version)>> {
    let query = format!(
        "SELECT skill, {COLUMNS} FROM versions WHERE log_index < 0 ORDER BY published_at, skill, version"
    );
    let rows = sqlx::query(&query).fetch_all(db).await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, version_at(r, 1)?)))
        .collect()
}

/// Records a version's publish leaf and attestation (its text); whether
/// it was still unlogged (another server may have logged it first).
pub async fn set_logged(
    tx: &mut Tx,
    name: &str,
    version: &str,
    log_index: u64,
    attestation: &str,
) -> sqlx::Result<bool> {
    let update = sqlx::query(
        "UPDATE versions SET log_index = $1, attestation_digest = $2, attestation = $3 \
         WHERE skill = $4 AND version = $5 AND log_index < 0",
    );
    let update = update
        .bind(log_index as i64)
        .bind(Digest::of(attestation.as_bytes()).as_str().to_string())
        .bind(attestation);
    Ok(run(tx, update.bind(name).bind(version)).await? > 0)
}

/// The scan attestation of `name` `version` (its DSSE envelope's JSON;
/// empty until the log holds the version), if the version exists.
pub async fn attestation(db: &AnyPool, name: &str, version: &str) -> sqlx::Result<Option<String>> {
    let row = sqlx::query("SELECT attestation FROM versions WHERE skill = $1 AND version = $2")
        .bind(name)
        .bind(version)
        .fetch_optional(db)
        .await?;
    row.map(|r| r.try_get(0)).transpose()
}

/// Whether `name` `version` is still unlogged, in `tx`.
pub async fn is_unlogged(tx: &mut Tx, name: &str, version: &str) -> sqlx::Result<bool> {
    let row =
        sqlx::query("SELECT 1 FROM versions WHERE skill = $1 AND version = $2 AND log_index < 0")
            .bind(name)
            .bind(version)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.is_some())
}

/// The package digest of `name` `version`, in `tx`.
pub async fn digest_in(tx: &mut Tx, name: &str, version: &str) -> sqlx::Result<Option<String>> {
    let row = sqlx::query("SELECT digest FROM versions WHERE skill = $1 AND version = $2")
        .bind(name)
        .bind(version)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| r.try_get(0)).transpose()
}

/// The `limit` versions published last, with their skill, newest first.
pub async fn recent(db: &AnyPool, limit: i64) -> sqlx::Result<Vec<(String, Version)>> {
    let query = format!(
        "SELECT skill, {COLUMNS} FROM versions \
         ORDER BY published_at DESC, major DESC, minor DESC, patch DESC, skill LIMIT $1"
    );
    let rows = sqlx::query(&query).bind(limit).fetch_all(db).await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, version_at(r, 1)?)))
        .collect()
}

/// How many versions (not yanked) have each verdict.
pub async fn verdict_counts(db: &AnyPool) -> sqlx::Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT verdict, COUNT(*) FROM versions WHERE yanked = 0 GROUP BY verdict ORDER BY verdict",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}
