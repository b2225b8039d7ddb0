//! The hash-chained audit log: every change, and every refused publish of
//! an authenticated caller, appended inside the write that made it.

use serde::Serialize;
use sha2::{Digest as _, Sha256};
use sqlx::AnyPool;
use sqlx::Row as _;

use super::{Tx, begin_write, now};

/// One audit log entry as stored.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The chain hash of an entry: SHA-256 over the previous hash and the
/// entry's fields, each length-prefixed so no two entries collide.
pub fn chain_hash(
    prev: &str,
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    for field in [
        prev,
        &seq.to_string(),
        &at.to_string(),
        actor,
        action,
        subject,
        detail,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The hash the chain starts from.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The longest actor, action or subject an audit entry keeps, in bytes.
pub const MAX_AUDIT_FIELD: usize = 256;
/// The longest detail (JSON text) an audit entry keeps, in bytes.
pub const MAX_AUDIT_DETAIL: usize = 4096;

/// `s` cut to at most `max` bytes on a character boundary, marked with `…`
/// when cut.
pub fn cap(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if s.len() <= max {
        return s.into();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end]).into()
}

/// Appends an audit entry inside the caller's transaction. Every field is
/// capped ([`MAX_AUDIT_FIELD`], [`MAX_AUDIT_DETAIL`]): whatever a request
/// carries, one entry stays small.
pub async fn audit(
    tx: &mut Tx,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    let (actor, action, subject) = (
        cap(actor, MAX_AUDIT_FIELD),
        cap(action, MAX_AUDIT_FIELD),
        cap(subject, MAX_AUDIT_FIELD),
    );
    let detail = detail.to_string();
    let detail = if detail.len() <= MAX_AUDIT_DETAIL {
        detail
    } else {
        // Still JSON: the cut text as one string.
        serde_json::Value::String(cap(&detail, MAX_AUDIT_DETAIL - 64).into_owned()).to_string()
    };
    let (actor, action, subject) = (actor.as_ref(), action.as_ref(), subject.as_ref());
    let last = sqlx::query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?;
    let (seq, prev) = match last {
        Some(row) => (row.try_get::<i64, _>(0)? + 1, row.try_get::<String, _>(1)?),
        None => (1, GENESIS.to_string()),
    };
    let at = now();
    let hash = chain_hash(&prev, seq, at, actor, action, subject, &detail);
    sqlx::query(
        "INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(seq)
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(detail)
    .bind(prev)
    .bind(hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Appends one audit entry in a transaction of its own.
pub async fn audit_alone(
    db: &AnyPool,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(db).await?;
    audit(&mut tx, actor, action, subject, detail).await?;
    tx.commit().await
}

pub async fn audit_entries(
    db: &AnyPool,
    after: i64,
    limit: i64,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit \
         WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            let detail: String = r.try_get(5)?;
            Ok(AuditEntry {
                seq: r.try_get(0)?,
                at: r.try_get(1)?,
                actor: r.try_get(2)?,
                action: r.try_get(3)?,
                subject: r.try_get(4)?,
                detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
                prev_hash: r.try_get(6)?,
                hash: r.try_get(7)?,
            })
        })
        .collect()
}

/// Walks the whole audit log and checks every link of the chain. Returns
/// the number of entries, or the first sequence number that breaks it.
pub async fn verify_audit(db: &AnyPool) -> anyhow::Result<Result<i64, (i64, String)>> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit ORDER BY seq",
    )
    .fetch_all(db)
    .await?;
    let mut prev = GENESIS.to_string();
    for (expected_seq, r) in (1i64..).zip(rows.iter()) {
        let seq: i64 = r.try_get(0)?;
        let (at, actor, action, subject, detail, prev_hash, hash): (
            i64,
            String,
            String,
            String,
            String,
            String,
            String,
        ) = (
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get(3)?,
            r.try_get(4)?,
            r.try_get(5)?,
            r.try_get(6)?,
            r.try_get(7)?,
        );
        if seq != expected_seq {
            return Ok(Err((seq, format!("entry {expected_seq} is missing"))));
        }
        if prev_hash != prev {
            return Ok(Err((
                seq,
                "its previous hash does not match the entry before it".into(),
            )));
        }
        if chain_hash(&prev, seq, at, &actor, &action, &subject, &detail) != hash {
            return Ok(Err((seq, "its contents do not match its hash".into())));
        }
        prev = hash;
    }
    Ok(Ok(rows.len() as i64))
}
