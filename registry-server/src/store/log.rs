//! The transparency log's tables: leaves by index, and the tree's stored
//! hashes (every complete subtree's hash, at `tlog_tiles`' stored-hash
//! index), so a root or a proof costs `O(log n)` reads, never a walk of
//! the leaves.
//!
//! A leaf is appended inside the transaction that makes its event
//! visible, holding the database's write lock ([`super::begin_write`]),
//! so leaves are numbered one after another across server processes.

use skillseal_tlog::{Hash, Known};
use sqlx::{AnyPool, Row as _};

use super::{Tx, run};

fn hex_hash(h: &Hash) -> String {
    hex::encode(h.0)
}

fn parse_hash(s: &str) -> sqlx::Result<Hash> {
    let bytes = hex::decode(s).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| sqlx::Error::Decode("a stored hash is not 32 bytes".into()))?;
    Ok(Hash(bytes))
}

/// How many leaves the log holds (indexes are dense from 0, so the
/// highest plus one: one look at the primary key, not a count).
pub async fn size(db: impl sqlx::Executor<'_, Database = sqlx::Any>) -> sqlx::Result<u64> {
    let row = sqlx::query("SELECT COALESCE(MAX(idx), -1) + 1 FROM log_entries")
        .fetch_one(db)
        .await?;
    Ok(row.try_get::<i64, _>(0)? as u64)
}

/// The stored hashes at `indexes`, in that order; a missing one is an
/// error (the tables were altered).
async fn hashes_in(
    db: impl sqlx::Executor<'_, Database = sqlx::Any>,
    indexes: &[u64],
) -> sqlx::Result<Vec<Hash>> {
    if indexes.is_empty() {
        return Ok(Vec::new());
    }
    let list = indexes
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let rows = sqlx::query(&format!(
        "SELECT idx, hash FROM log_hashes WHERE idx IN ({list})"
    ))
    .fetch_all(db)
    .await?;
    let mut found = std::collections::HashMap::new();
    for r in rows {
        found.insert(
            r.try_get::<i64, _>(0)? as u64,
            parse_hash(&r.try_get::<String, _>(1)?)?,
        );
    }
    indexes
        .iter()
        .map(|i| {
            found.get(i).copied().ok_or_else(|| {
                sqlx::Error::Protocol(format!("the log's stored hash {i} is missing"))
            })
        })
        .collect()
}

/// Appends `leaf` (its canonical bytes) in `tx`; returns its index.
pub async fn append(tx: &mut Tx, leaf: &[u8]) -> sqlx::Result<u64> {
    let n = size(&mut **tx).await?;
    // The hashes of the complete subtrees leaf `n` closes: one per
    // trailing one bit of `n` (what `stored_hashes` reads, asked first).
    let levels = (n + 1).trailing_zeros() as u8;
    let needed: Vec<u64> = (0..levels)
        .rev()
        .map(|i| skillseal_tlog::stored_hash_index(i, (n >> i) - 1))
        .collect();
    let mut known = Known::default();
    for (i, h) in needed.iter().zip(hashes_in(&mut **tx, &needed).await?) {
        known.insert(*i, h);
    }
    let new = skillseal_tlog::stored_hashes(n, leaf, &known)
        .map_err(|e| sqlx::Error::Protocol(format!("the log's tree: {e}")))?;
    let text = String::from_utf8(leaf.to_vec())
        .map_err(|_| sqlx::Error::Protocol("a log leaf is not UTF-8".into()))?;
    let insert = sqlx::query("INSERT INTO log_entries (idx, leaf) VALUES ($1, $2)");
    run(tx, insert.bind(n as i64).bind(text)).await?;
    let first = skillseal_tlog::stored_hash_index(0, n);
    for (i, h) in new.iter().enumerate() {
        let insert = sqlx::query("INSERT INTO log_hashes (idx, hash) VALUES ($1, $2)");
        run(tx, insert.bind((first + i as u64) as i64).bind(hex_hash(h))).await?;
    }
    Ok(n)
}

/// The leaf at `index`, if any.
pub async fn leaf(db: &AnyPool, index: u64) -> sqlx::Result<Option<String>> {
    let row = sqlx::query("SELECT leaf FROM log_entries WHERE idx = $1")
        .bind(index as i64)
        .fetch_optional(db)
        .await?;
    row.map(|r| r.try_get(0)).transpose()
}

/// Every leaf, in order (for `log verify`).
pub async fn leaves(db: &AnyPool) -> sqlx::Result<Vec<String>> {
    let rows = sqlx::query("SELECT leaf FROM log_entries ORDER BY idx")
        .fetch_all(db)
        .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

/// Every stored hash, by index (for `log verify`).
pub async fn stored(db: &AnyPool) -> sqlx::Result<Vec<(u64, Hash)>> {
    let rows = sqlx::query("SELECT idx, hash FROM log_hashes ORDER BY idx")
        .fetch_all(db)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<i64, _>(0)? as u64,
                parse_hash(&r.try_get::<String, _>(1)?)?,
            ))
        })
        .collect()
}

/// Runs a `tlog_tiles` computation over the stored hashes, reading what
/// it asks for.
async fn over_stored<T>(
    db: &AnyPool,
    f: impl Fn(&Known) -> Result<T, skillseal_tlog::TreeError>,
) -> sqlx::Result<T> {
    let result =
        skillseal_tlog::with_hashes(f, |indexes| async move { hashes_in(db, &indexes).await })
            .await?;
    result.map_err(|e| sqlx::Error::Protocol(format!("the log's tree: {e}")))
}

/// The root of the tree of the first `size` leaves.
pub async fn root(db: &AnyPool, size: u64) -> sqlx::Result<Hash> {
    over_stored(db, |k| skillseal_tlog::tree_hash(size, k)).await
}

/// The inclusion proof of leaf `index` in the tree of `size` leaves.
pub async fn inclusion(db: &AnyPool, index: u64, size: u64) -> sqlx::Result<Vec<Hash>> {
    over_stored(db, |k| skillseal_tlog::prove_record(size, index, k)).await
}

/// The consistency proof from the tree of `from` leaves to that of `to`.
pub async fn consistency(db: &AnyPool, from: u64, to: u64) -> sqlx::Result<Vec<Hash>> {
    over_stored(db, |k| skillseal_tlog::prove_tree(to, from, k)).await
}

/// A hash tile's bytes (C2SP `tlog-tiles`).
pub async fn tile(db: &AnyPool, tile: &skillseal_tlog::Tile) -> sqlx::Result<Vec<u8>> {
    over_stored(db, |k| tile.read_data(k)).await
}
