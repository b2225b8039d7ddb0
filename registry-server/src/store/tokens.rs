//! API tokens, stored as SHA-256 hashes only.

use sqlx::{AnyPool, Row as _};

use super::{Tx, run};

/// A stored token. `scopes` is JSON text.
pub struct Token {
    pub id: String,
    pub hash: String,
    pub name: String,
    pub scopes: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

const COLUMNS: &str = "id, hash, name, scopes, created_at, expires_at, revoked_at";

fn token(r: &sqlx::any::AnyRow) -> sqlx::Result<Token> {
    Ok(Token {
        id: r.try_get(0)?,
        hash: r.try_get(1)?,
        name: r.try_get(2)?,
        scopes: r.try_get(3)?,
        created_at: r.try_get(4)?,
        expires_at: r.try_get(5)?,
        revoked_at: r.try_get(6)?,
    })
}

/// The token with this hash, revoked and expired ones included.
pub async fn by_hash(db: &AnyPool, hash: &str) -> sqlx::Result<Option<Token>> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM tokens WHERE hash = $1"))
        .bind(hash)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(token)
        .transpose()
}

/// How many tokens there are, revoked and expired ones included.
pub async fn count(db: &AnyPool) -> sqlx::Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) FROM tokens")
        .fetch_one(db)
        .await?;
    row.try_get(0)
}

/// Every token, oldest first.
pub async fn all(db: &AnyPool) -> sqlx::Result<Vec<Token>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM tokens ORDER BY created_at, id"
    ))
    .fetch_all(db)
    .await?
    .iter()
    .map(token)
    .collect()
}

/// Stores a new token (not revoked).
pub async fn insert(tx: &mut Tx, t: &Token) -> sqlx::Result<()> {
    let insert = format!("INSERT INTO tokens ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, NULL)");
    let insert = sqlx::query(&insert).bind(&t.id).bind(&t.hash).bind(&t.name);
    let insert = insert.bind(&t.scopes).bind(t.created_at).bind(t.expires_at);
    run(tx, insert).await.map(drop)
}

/// Revokes an active token; whether there was one.
pub async fn revoke(tx: &mut Tx, id: &str, now: i64) -> sqlx::Result<bool> {
    let update =
        sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL");
    Ok(run(tx, update.bind(now).bind(id)).await? > 0)
}

/// The token with this id, revoked and expired ones included.
pub async fn by_id(db: &AnyPool, id: &str) -> sqlx::Result<Option<Token>> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM tokens WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .map(|r| token(&r))
        .transpose()
}
