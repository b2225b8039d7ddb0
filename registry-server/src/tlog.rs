//! The registry's transparency log: its Ed25519 key, its signed
//! checkpoints, the scan attestations it signs, the leaves a publish or a
//! yank appends ([`crate::store::log`] stores them), and the offline check
//! that recomputes the tree from the database.
//!
//! The key is `DATA/log.key` (the signed-note private key text, mode 0600),
//! created at first start; its name is the log's origin. Clients pin the
//! verifier key (`GET /api/v1/log/key`, printed by `serve`).

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use skillseal_model::{Digest, ScanReport};
use skillseal_tlog::{
    Envelope, FindingsSummary, Hash, IN_TOTO, Leaf, LogKey, ScanPredicate, Scanner, Statement,
};
use sqlx::AnyPool;

use crate::store;

/// The log key's file in the data directory.
pub const KEY_FILE: &str = "log.key";

/// The log: its key.
#[derive(Debug)]
pub struct Log {
    key: LogKey,
}

impl Log {
    /// Opens `DATA/log.key`, creating it on first start (a fresh key named
    /// after `public_url`'s host and path, else a random name).
    pub fn open(data: &Path, public_url: Option<&str>) -> anyhow::Result<Log> {
        let path = data.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let key = LogKey::from_private(&text)
                    .with_context(|| format!("{}: not a log key", path.display()))?;
                Ok(Log { key })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut seed = [0u8; 32];
                openssl::rand::rand_bytes(&mut seed)?;
                let (_, private) = LogKey::from_seed(&origin(public_url), &seed)?;
                write_private(&path, &private)?;
                // The key that won, if another server made one at once.
                Log::open(data, public_url)
            }
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    pub fn key(&self) -> &LogKey {
        &self.key
    }

    /// The signed checkpoint of the log as the database holds it now.
    pub async fn checkpoint(&self, db: &AnyPool) -> anyhow::Result<(u64, Hash, Vec<u8>)> {
        let size = store::log::size(db).await?;
        let root = store::log::root(db, size).await?;
        Ok((size, root, self.key.sign_checkpoint(size, root)?))
    }

    /// The scan attestation of `name` `version` (package `digest`): the
    /// DSSE envelope's bytes.
    pub fn attest(
        &self,
        name: &str,
        version: &str,
        digest: &Digest,
        predicate: ScanPredicate,
    ) -> anyhow::Result<Vec<u8>> {
        let statement = Statement::new(name, version, digest.as_str(), predicate);
        let envelope: Envelope = self.key.sign_envelope(IN_TOTO, &statement.to_bytes())?;
        Ok(envelope.to_bytes())
    }
}

/// The log's origin: `HOST/PATH` of the public URL, else a random name.
fn origin(public_url: Option<&str>) -> String {
    let from_url = public_url.and_then(|u| {
        let rest = u.split_once("://").map_or(u, |(_, r)| r);
        let name = rest.trim_end_matches('/');
        (!name.is_empty() && !name.contains([' ', '+'])).then(|| format!("{name}/log"))
    });
    from_url.unwrap_or_else(|| {
        let mut id = [0u8; 8];
        let _ = openssl::rand::rand_bytes(&mut id);
        format!("skillseal-registry/{}", hex::encode(id))
    })
}

/// Writes the private key: a temporary file created 0600, synced, then
/// linked into place only if no key is there yet (two servers starting at
/// once on one data directory keep one key).
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut suffix = [0u8; 8];
    openssl::rand::rand_bytes(&mut suffix)?;
    let tmp = path.with_extension(format!("key.{}.tmp", hex::encode(suffix)));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()?;
    let linked = std::fs::hard_link(&tmp, path);
    std::fs::remove_file(&tmp)?;
    match linked {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
    }
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// The predicate of a scan: the report's first skill (a package holds
/// one), summarised.
pub fn predicate(
    report: &ScanReport,
    report_digest: &Digest,
    policy_digest: &Digest,
) -> ScanPredicate {
    let mut by_severity = std::collections::BTreeMap::new();
    let mut rules = std::collections::BTreeSet::new();
    let (verdict, capabilities, total) = match report.skills.first() {
        Some(skill) => {
            for f in &skill.findings {
                *by_severity
                    .entry(f.severity.as_str().to_string())
                    .or_insert(0) += 1;
                rules.insert(f.rule.clone());
            }
            (
                skill.verdict.as_str().to_string(),
                skill.capabilities.clone(),
                skill.findings.len() as u64,
            )
        }
        None => ("pass".to_string(), Vec::new(), 0),
    };
    ScanPredicate {
        scanner: Scanner {
            name: report.scanner.name.clone(),
            version: report.scanner.version.clone(),
        },
        rules_digest: report.scanner.rules_digest.clone(),
        policy_digest: policy_digest.as_str().to_string(),
        verdict,
        capabilities,
        findings: FindingsSummary {
            total,
            by_severity,
            rules: rules.into_iter().collect(),
        },
        report_digest: report_digest.as_str().to_string(),
    }
}

/// What `log verify` found.
#[derive(Debug, Default)]
pub struct Verified {
    pub size: u64,
    pub root: Option<Hash>,
    pub problems: Vec<String>,
}

/// Recomputes the tree from the leaves the database holds and compares
/// it with every stored hash, then each version's row with its publish
/// leaf. The checkpoint of what it recomputed is what to record.
pub async fn verify(db: &AnyPool) -> anyhow::Result<Verified> {
    let leaves = store::log::leaves(db).await?;
    let mut out = Verified {
        size: leaves.len() as u64,
        ..Verified::default()
    };
    let mut known = skillseal_tlog::Known::default();
    let mut parsed = Vec::new();
    for (n, leaf) in leaves.iter().enumerate() {
        let n = n as u64;
        match Leaf::parse(leaf.as_bytes()) {
            Ok(l) => parsed.push((n, l)),
            Err(e) => out.problems.push(format!("leaf {n}: {e}")),
        }
        let new = skillseal_tlog::stored_hashes(n, leaf.as_bytes(), &known)?;
        let first = skillseal_tlog::stored_hash_index(0, n);
        for (i, h) in new.into_iter().enumerate() {
            known.insert(first + i as u64, h);
        }
    }
    let expected = skillseal_tlog::stored_hash_count(out.size);
    let stored = store::log::stored(db).await?;
    if stored.len() as u64 != expected {
        out.problems.push(format!(
            "{} stored hashes for {} leaves, expected {expected}",
            stored.len(),
            out.size
        ));
    }
    for (i, h) in &stored {
        use skillseal_tlog::HashReader as _;
        match known.read_hashes(&[*i]) {
            Ok(mine) if mine[0] == *h => {}
            _ => out
                .problems
                .push(format!("stored hash {i} is not what the leaves give")),
        }
    }
    out.root = Some(skillseal_tlog::tree_hash(out.size, &known)?);
    // Each version against its publish leaf.
    let mut names = store::skills::names(db).await?;
    names.sort();
    for name in names {
        for v in store::versions::all(db, &name).await? {
            let subject = format!("{name}@{}", v.version);
            let Some((_, leaf)) = parsed.iter().find(|(n, _)| *n as i64 == v.log_index) else {
                out.problems
                    .push(format!("{subject}: no log entry {}", v.log_index));
                continue;
            };
            let signer: Option<skillseal_tlog::Signer> = serde_json::from_str(&v.signer).ok();
            let matches = matches!(leaf, Leaf::Publish { name: n, version: ver, digest, bundle_digest, signer: s, attestation_digest, .. }
                if *n == name && *ver == v.version && *digest == v.digest
                    && *bundle_digest == v.bundle_digest && Some(s) == signer.as_ref()
                    && *attestation_digest == v.attestation_digest);
            if !matches {
                out.problems.push(format!(
                    "{subject}: the database row differs from its log entry {}",
                    v.log_index
                ));
            }
        }
    }
    Ok(out)
}
