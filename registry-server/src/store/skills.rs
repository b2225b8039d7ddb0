//! Skills, their owners and the signers trusted for them.

use sqlx::{Any, Executor, Row as _};

use super::{Tx, run};

/// What a stored signer is known by: the lockfile's signer, so that a pin
/// and a lock entry compare equal.
pub use skillseal_lock::Signer as SignerId;

/// A skill's name and how many versions it has.
pub struct Listed {
    pub name: String,
    pub versions: i64,
}

/// Skills whose name is `LIKE pattern`, by name, at most 500.
pub async fn search(
    db: impl Executor<'_, Database = Any>,
    pattern: &str,
) -> sqlx::Result<Vec<Listed>> {
    let rows = sqlx::query(
        "SELECT s.name, COUNT(v.version) FROM skills s LEFT JOIN versions v ON v.skill = s.name \
         WHERE s.name LIKE $1 GROUP BY s.name ORDER BY s.name LIMIT 500",
    )
    .bind(pattern)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Listed {
                name: r.try_get(0)?,
                versions: r.try_get(1)?,
            })
        })
        .collect()
}

pub async fn exists(db: impl Executor<'_, Database = Any>, name: &str) -> sqlx::Result<bool> {
    let row = sqlx::query("SELECT 1 FROM skills WHERE name = $1")
        .bind(name)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some())
}

/// A new skill, owned by `owner`.
pub async fn create(tx: &mut Tx, name: &str, owner: &str, now: i64) -> sqlx::Result<()> {
    let skill = sqlx::query("INSERT INTO skills (name, created_at) VALUES ($1, $2)");
    run(tx, skill.bind(name).bind(now)).await?;
    add_owner(tx, name, owner).await
}

/// The owners of `name`, sorted.
pub async fn owners(
    db: impl Executor<'_, Database = Any>,
    name: &str,
) -> sqlx::Result<Vec<String>> {
    let rows = sqlx::query("SELECT owner FROM owners WHERE skill = $1 ORDER BY owner")
        .bind(name)
        .fetch_all(db)
        .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

pub async fn is_owner(
    db: impl Executor<'_, Database = Any>,
    name: &str,
    owner: &str,
) -> sqlx::Result<bool> {
    let row = sqlx::query("SELECT 1 FROM owners WHERE skill = $1 AND owner = $2")
        .bind(name)
        .bind(owner)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some())
}

/// Adds `owner` (a no-op when it is one already).
pub async fn add_owner(tx: &mut Tx, name: &str, owner: &str) -> sqlx::Result<()> {
    remove_owner(tx, name, owner).await?;
    let insert = sqlx::query("INSERT INTO owners (skill, owner) VALUES ($1, $2)");
    run(tx, insert.bind(name).bind(owner)).await.map(drop)
}

pub async fn remove_owner(tx: &mut Tx, name: &str, owner: &str) -> sqlx::Result<()> {
    let delete = sqlx::query("DELETE FROM owners WHERE skill = $1 AND owner = $2");
    run(tx, delete.bind(name).bind(owner)).await.map(drop)
}

/// A signer trusted for a skill.
pub struct Signer {
    pub id: SignerId,
    /// The PEM public key of a key signer; empty for an identity.
    pub public_key: String,
    pub added_at: i64,
}

/// The columns a signer is stored under: kind, value, issuer.
fn columns(id: &SignerId) -> (&'static str, &str, &str) {
    match id {
        SignerId::Key { fingerprint } => ("key", fingerprint, ""),
        SignerId::Identity { identity, issuer } => ("identity", identity, issuer),
    }
}

/// The signers trusted for `name`, oldest first.
pub async fn signers(
    db: impl Executor<'_, Database = Any>,
    name: &str,
) -> sqlx::Result<Vec<Signer>> {
    let rows = sqlx::query(
        "SELECT kind, value, issuer, public_key, added_at FROM signers WHERE skill = $1 \
         ORDER BY added_at, value",
    )
    .bind(name)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get(0)?;
            let id = if kind == "key" {
                SignerId::Key {
                    fingerprint: r.try_get(1)?,
                }
            } else {
                SignerId::Identity {
                    identity: r.try_get(1)?,
                    issuer: r.try_get(2)?,
                }
            };
            Ok(Signer {
                id,
                public_key: r.try_get(3)?,
                added_at: r.try_get(4)?,
            })
        })
        .collect()
}

pub async fn is_signer(
    db: impl Executor<'_, Database = Any>,
    name: &str,
    id: &SignerId,
) -> sqlx::Result<bool> {
    let (_, value, issuer) = columns(id);
    let row = sqlx::query("SELECT 1 FROM signers WHERE skill = $1 AND value = $2 AND issuer = $3")
        .bind(name)
        .bind(value)
        .bind(issuer)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some())
}

/// Trusts `id` (with its PEM `public_key`, empty for an identity) for `name`.
pub async fn add_signer(
    tx: &mut Tx,
    name: &str,
    id: &SignerId,
    public_key: &str,
    now: i64,
) -> sqlx::Result<()> {
    let (kind, value, issuer) = columns(id);
    let insert = sqlx::query(
        "INSERT INTO signers (skill, kind, value, issuer, public_key, added_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    );
    let insert = insert.bind(name).bind(kind).bind(value).bind(issuer);
    run(tx, insert.bind(public_key).bind(now)).await.map(drop)
}

pub async fn remove_signer(tx: &mut Tx, name: &str, id: &SignerId) -> sqlx::Result<()> {
    let (_, value, issuer) = columns(id);
    let delete = sqlx::query("DELETE FROM signers WHERE skill = $1 AND value = $2 AND issuer = $3");
    run(tx, delete.bind(name).bind(value).bind(issuer))
        .await
        .map(drop)
}

/// When `name` was created (Unix seconds), if it exists.
pub async fn created_at(
    db: impl Executor<'_, Database = Any>,
    name: &str,
) -> sqlx::Result<Option<i64>> {
    let row = sqlx::query("SELECT created_at FROM skills WHERE name = $1")
        .bind(name)
        .fetch_optional(db)
        .await?;
    row.map(|r| r.try_get(0)).transpose()
}

/// Every skill's name, in no order (callers sort: the databases' text
/// collations differ).
pub async fn names(db: impl Executor<'_, Database = Any>) -> sqlx::Result<Vec<String>> {
    let rows = sqlx::query("SELECT name FROM skills").fetch_all(db).await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}
