//! The registry's state: the database, the blob store, the scanner and
//! its rules, the caches and the write lock, opened once and shared by
//! every request.

use std::sync::Arc;

use axum::http::StatusCode;
use skillseal_engine::Engine;
use skillseal_engine::policy::Judge;
use sqlx::AnyPool;

use crate::auth::{Caller, Throttle};
use crate::blobs::BlobStore;
use crate::cache::Cache;
use crate::config::Config;
use crate::store;
use skillseal_model::Digest;

/// Everything a request handler needs.
pub struct Registry {
    pub db: AnyPool,
    pub blobs: BlobStore,
    pub engine: Engine,
    pub judge: Judge,
    pub rules_digest: Digest,
    pub root: skillseal_sign::TrustedRoot,
    /// The transparency log's key.
    pub log: crate::tlog::Log,
    pub config: Config,
    pub throttle: Throttle,
    /// Database writes that extend the audit chain go one at a time per
    /// process; across processes the chain's primary key and the versions'
    /// unique key settle races.
    pub write_lock: tokio::sync::Mutex<()>,
    /// Read answers, token lookups and version digests, emptied by every
    /// change this process serves (see [`crate::cache`]).
    pub(crate) reads: Cache<(StatusCode, axum::body::Bytes)>,
    pub(crate) callers: Cache<Caller>,
    pub(crate) digests: Cache<String>,
    /// What was read of stored packages, by digest (never stale: a
    /// package is immutable).
    pub(crate) views: crate::views::Views,
    /// The `Host` values and origins requests may carry.
    pub(crate) hosts: Vec<String>,
    pub(crate) origins: Vec<String>,
}

impl Registry {
    /// Opens the data directory (creating it), the database (migrating it)
    /// and the rules, and removes orphaned blobs.
    pub async fn open(config: Config) -> anyhow::Result<Arc<Registry>> {
        std::fs::create_dir_all(&config.data)?;
        let db = store::open(&config.database_url).await?;
        let blobs = BlobStore::open(&config.data, config.blobs.as_ref())?;
        let log = crate::tlog::Log::open(&config.data, config.public_url.as_deref())?;
        let set = skillseal_rules::RuleSet::builtin()
            .map_err(|e| anyhow::anyhow!("the built-in rules do not load: {e:?}"))?;
        config
            .policy
            .validate(set.rules())
            .map_err(|e| anyhow::anyhow!("registry.toml: {e}"))?;
        let engine = Engine::new(&set);
        let rules_digest = set.digest().clone();
        let port = config.listen.port();
        let mut hosts = vec![
            config.listen.to_string(),
            format!("localhost:{port}"),
            format!("127.0.0.1:{port}"),
            format!("[::1]:{port}"),
        ];
        let scheme = config.scheme();
        let mut origins: Vec<String> = hosts.iter().map(|h| format!("{scheme}://{h}")).collect();
        if let Some(public) = &config.public_url {
            let trimmed = public.trim_end_matches('/');
            let host = trimmed.split_once("://").map_or(trimmed, |(_, rest)| rest);
            hosts.push(host.split('/').next().unwrap_or(host).to_string());
            origins.push(trimmed.to_string());
        }
        let registry = Registry {
            db,
            blobs,
            engine,
            judge: Judge {
                policy: config.policy.clone(),
                baseline: None,
            },
            rules_digest,
            root: skillseal_sign::TrustedRoot::production(),
            log,
            config,
            throttle: Throttle::default(),
            write_lock: tokio::sync::Mutex::new(()),
            reads: Cache::default(),
            callers: Cache::default(),
            digests: Cache::default(),
            views: crate::views::Views::default(),
            hosts,
            origins,
        };
        registry.remove_orphans(3600).await?;
        registry.log_unlogged().await?;
        Ok(Arc::new(registry))
    }

    /// Appends to the log each version published before it existed, in
    /// publish order, with a scan attestation made from its stored
    /// report; each in its own audited transaction (`log.backfill`), so
    /// a crash or another server doing the same leaves no version twice.
    pub async fn log_unlogged(&self) -> anyhow::Result<usize> {
        let mut done = 0;
        for (name, v) in store::versions::unlogged(&self.db).await? {
            let report_bytes =
                self.blobs.get(&v.report_digest).await?.ok_or_else(|| {
                    anyhow::anyhow!("{name}@{}: its report is missing", v.version)
                })?;
            let report: skillseal_model::ScanReport = serde_json::from_slice(&report_bytes)?;
            let report_digest: Digest = v.report_digest.parse()?;
            let digest: Digest = v.digest.parse()?;
            let predicate =
                crate::tlog::predicate(&report, &report_digest, &self.config.policy_digest);
            let attestation =
                String::from_utf8(self.log.attest(&name, &v.version, &digest, predicate)?)?;
            let attestation_digest = Digest::of(attestation.as_bytes());
            let signer: skillseal_tlog::Signer = serde_json::from_str(&v.signer)?;
            let leaf = skillseal_tlog::Leaf::Publish {
                name: name.clone(),
                version: v.version.clone(),
                digest: v.digest.clone(),
                bundle_digest: v.bundle_digest.clone(),
                signer,
                attestation_digest: attestation_digest.as_str().to_string(),
                time: v.published_at,
            };
            let subject = format!("{name}@{}", v.version);
            let (n, ver, a) = (&name, &v.version, &attestation_digest);
            let text = attestation.as_str();
            let logged = store::audited(
                &self.db,
                Some(&self.write_lock),
                "registry",
                "log.backfill",
                |mut tx| async move {
                    if !store::versions::is_unlogged(&mut tx, n, ver).await? {
                        return Err(sqlx::Error::RowNotFound);
                    }
                    let index = store::log::append(&mut tx, &leaf.to_bytes()).await?;
                    store::versions::set_logged(&mut tx, n, ver, index, text).await?;
                    let detail = serde_json::json!({"log_index": index, "attestation": a});
                    Ok::<_, sqlx::Error>((tx, store::Change::of(subject, detail)))
                },
            )
            .await;
            match logged {
                Ok(()) => done += 1,
                // Logged meanwhile by another server.
                Err(sqlx::Error::RowNotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(done)
    }

    /// How many times the read caches have been emptied: each committed
    /// change empties them, nothing else does.
    pub fn cache_generation(&self) -> u64 {
        self.reads.generation()
    }

    /// Blobs that no version names, older than `grace_secs`.
    pub async fn remove_orphans(&self, grace_secs: u64) -> anyhow::Result<usize> {
        let referenced = store::versions::referenced_blobs(&self.db).await?;
        Ok(self.blobs.remove_orphans(referenced, grace_secs).await)
    }

    /// Scans a package with the registry's rules and policy, in memory
    /// (reported as `NAME-VERSION.skill.tgz`). Blocking (the engine runs on
    /// rayon's threads): call it off the async workers.
    pub fn scan_blocking(
        &self,
        name: &str,
        version: &str,
        bytes: &[u8],
    ) -> (skillseal_model::ScanReport, Vec<String>) {
        // Each file gets the configured CPU time, and the whole scan the
        // same time on the clock: a publish never holds a worker longer.
        let budget = self.config.file_timeout;
        let limits = skillseal_discover::Limits {
            budget: skillseal_engine::Budget {
                cpu: budget,
                until: Some(std::time::Instant::now() + budget),
            },
            ..skillseal_discover::Limits::default()
        };
        let outcome = skillseal_discover::scan_archive_bytes(
            &self.engine,
            &format!("{name}-{version}.skill.tgz"),
            bytes,
            &limits,
            &self.judge,
        );
        (outcome.report, outcome.incomplete)
    }
}
