//! Scanning every stored version again with the rules and policy the
//! registry runs now: after an upgrade brings new rules, or after the
//! operator tightens `[policy]`, what was admitted is judged again.
//!
//! A rescan only tightens: a verdict more lenient than the stored one is
//! reported and not applied (the transparency log attests the scan at
//! publish, and clients refuse a listed verdict more lenient than that).
//! A version whose verdict, capabilities or rule set changed gets its new
//! report stored and its row updated in one audited change
//! (`version.rescan`, with the verdicts before and after). A version now
//! blocked stays in the database (its history is the audit trail's) but
//! is no longer served: its package is refused, `resolve` never picks it,
//! and the ClawHub API reports the skill as malware. A version the scan
//! cannot finish keeps its verdict and is reported.

use std::sync::Arc;

use serde_json::json;

use crate::state::Registry;
use crate::store;

/// What the rescan did to one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rescanned {
    pub name: String,
    pub version: String,
    pub before: String,
    /// The new verdict, or why the scan could not judge it.
    pub after: Result<String, String>,
    /// The reasons of a verdict other than `pass`.
    pub reasons: Vec<String>,
    /// Whether the stored row changed.
    pub changed: bool,
    /// A more lenient verdict today's scan gave, not applied.
    pub not_loosened: Option<String>,
}

/// Rescans every version of every skill; with `dry_run`, changes nothing.
pub async fn rescan(reg: &Arc<Registry>, dry_run: bool) -> anyhow::Result<Vec<Rescanned>> {
    let mut names = store::skills::names(&reg.db).await?;
    names.sort();
    let mut out = Vec::new();
    for name in names {
        for v in store::versions::all(&reg.db, &name).await? {
            out.push(one(reg, &name, &v, dry_run).await?);
        }
    }
    Ok(out)
}

async fn one(
    reg: &Arc<Registry>,
    name: &str,
    v: &store::versions::Version,
    dry_run: bool,
) -> anyhow::Result<Rescanned> {
    let mut done = Rescanned {
        name: name.to_string(),
        version: v.version.clone(),
        before: v.verdict.clone(),
        after: Err(String::new()),
        reasons: Vec::new(),
        changed: false,
        not_loosened: None,
    };
    let Some(bytes) = reg.blobs.get(&v.digest).await? else {
        done.after = Err("its package is missing from the blob store (run fsck)".into());
        return Ok(done);
    };
    let scanner = reg.clone();
    let (n, ver) = (name.to_string(), v.version.clone());
    let (report, incomplete) =
        tokio::task::spawn_blocking(move || scanner.scan_blocking(&n, &ver, &bytes)).await?;
    let Some(skill) = report.skills.first() else {
        done.after = Err("the scan found no skill in the package".into());
        return Ok(done);
    };
    if !incomplete.is_empty() || !report.errors.is_empty() {
        done.after = Err(format!(
            "the scan could not finish ({} file(s)); the verdict is kept",
            incomplete.len() + report.errors.len()
        ));
        return Ok(done);
    }
    let verdict = skill.verdict.as_str().to_string();
    let capabilities = serde_json::to_string(&skill.capabilities)?;
    done.reasons = skill.reasons.iter().map(|r| r.message.clone()).collect();
    // A rescan only tightens: the transparency log keeps the attested scan
    // at publish, and clients refuse a listed verdict more lenient than it
    // (a fixed false positive reaches users as a new version).
    if rank(&verdict) < rank(&v.verdict) {
        done.after = Ok(v.verdict.clone());
        done.not_loosened = Some(verdict);
        return Ok(done);
    }
    done.after = Ok(verdict.clone());
    let rules = reg.rules_digest.as_str().to_string();
    if verdict == v.verdict && capabilities == v.capabilities && rules == v.rules_digest {
        return Ok(done);
    }
    done.changed = true;
    if dry_run {
        return Ok(done);
    }
    let report_json = serde_json::to_vec_pretty(&report)?;
    let report_digest = reg.blobs.put(report_json).await?;
    let subject = format!("{name}@{}", v.version);
    let detail = json!({
        "from": v.verdict, "to": verdict, "report": report_digest, "rules_digest": rules,
    });
    let update = store::versions::Rescan {
        name,
        version: &v.version,
        verdict: &verdict,
        capabilities: &capabilities,
        report_digest: &report_digest,
        rules_digest: &reg.rules_digest,
    };
    store::audited(
        &reg.db,
        Some(&reg.write_lock),
        "registry",
        "version.rescan",
        |mut tx| async move {
            store::versions::set_scan(&mut tx, &update).await?;
            Ok::<_, sqlx::Error>((tx, store::Change::of(subject, detail)))
        },
    )
    .await?;
    Ok(done)
}

/// Verdicts from the most lenient.
fn rank(verdict: &str) -> u8 {
    match verdict {
        "pass" => 0,
        "review" => 1,
        _ => 2,
    }
}
