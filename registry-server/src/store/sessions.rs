//! Sessions of the admin pages, stored by the hash of their secret.

use sqlx::{AnyPool, Row as _};

/// A stored session.
pub struct Session {
    pub token_id: String,
    pub csrf: String,
    pub expires_at: i64,
}

pub async fn insert(db: &AnyPool, hash: &str, s: &Session) -> sqlx::Result<()> {
    // Expired sessions go as new ones come.
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(super::now())
        .execute(db)
        .await?;
    sqlx::query("INSERT INTO sessions (hash, token_id, csrf, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(hash)
        .bind(&s.token_id)
        .bind(&s.csrf)
        .bind(s.expires_at)
        .execute(db)
        .await
        .map(drop)
}

pub async fn by_hash(db: &AnyPool, hash: &str) -> sqlx::Result<Option<Session>> {
    let row = sqlx::query("SELECT token_id, csrf, expires_at FROM sessions WHERE hash = $1")
        .bind(hash)
        .fetch_optional(db)
        .await?;
    row.map(|r| {
        Ok(Session {
            token_id: r.try_get(0)?,
            csrf: r.try_get(1)?,
            expires_at: r.try_get(2)?,
        })
    })
    .transpose()
}

pub async fn delete(db: &AnyPool, hash: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE hash = $1")
        .bind(hash)
        .execute(db)
        .await
        .map(drop)
}
