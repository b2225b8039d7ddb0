//! The database (SQLite by default, PostgreSQL to scale out, through
//! sqlx's `Any` driver and one set of migrations), and every query the
//! registry makes, as typed functions: the SQL is here and nowhere else.
//!
//! - [`audit`]: the hash-chained audit log;
//! - [`skills`]: skills, their owners and trusted signers;
//! - [`versions`]: published versions and the blobs they name;
//! - [`tokens`]: API tokens, stored as hashes;
//! - [`log`]: the transparency log's leaves and stored hashes.
//!
//! A change goes through [`audited`]: the write lock, one transaction, the
//! audit entry, the commit.

use std::future::Future;
use std::pin::Pin;

use sqlx::AnyPool;
use sqlx::Executor as _;
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

pub mod audit;
pub mod log;
pub mod sessions;
pub mod skills;
pub mod tokens;
pub mod versions;

pub use audit::{
    AuditEntry, GENESIS, MAX_AUDIT_DETAIL, MAX_AUDIT_FIELD, audit, audit_alone, audit_entries, cap,
    chain_hash, verify_audit,
};

/// A transaction that writes (see [`begin_write`]).
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// The migrations, compiled into the binary.
#[derive(Debug)]
struct Embedded;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl MigrationSource<'static> for Embedded {
    fn resolve(self) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxError>> + Send>> {
        Box::pin(async {
            Ok(vec![
                Migration::new(
                    1,
                    "init".into(),
                    MigrationType::Simple,
                    include_str!("../../migrations/0001_init.sql").into(),
                    false,
                ),
                Migration::new(
                    2,
                    "log".into(),
                    MigrationType::Simple,
                    include_str!("../../migrations/0002_log.sql").into(),
                    false,
                ),
                Migration::new(
                    3,
                    "sessions".into(),
                    MigrationType::Simple,
                    include_str!("../../migrations/0003_sessions.sql").into(),
                    false,
                ),
            ])
        })
    }
}

/// Opens (creating if needed) and migrates the database at `url`.
pub async fn open(url: &str) -> anyhow::Result<AnyPool> {
    let pool = connect(url).await?;
    Migrator::new(Embedded).await?.run(&pool).await?;
    Ok(pool)
}

/// Opens the database of an existing registry, for the offline commands
/// (`audit verify`, `fsck`): a missing SQLite file is never created, and a
/// database without the registry's tables is refused, not migrated.
pub async fn open_existing(url: &str) -> anyhow::Result<AnyPool> {
    let url = match url.strip_prefix("sqlite://") {
        Some(rest) => {
            let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
            anyhow::ensure!(
                std::path::Path::new(path).is_file(),
                "no registry database at {path}: is this a registry's data directory?"
            );
            let query: Vec<&str> = query
                .split('&')
                .filter(|kv| !kv.is_empty() && !kv.starts_with("mode="))
                .chain(["mode=rw"])
                .collect();
            format!("sqlite://{path}?{}", query.join("&"))
        }
        None => url.to_string(),
    };
    let pool = connect(&url).await?;
    let tables = sqlx::query("SELECT COUNT(*) FROM audit")
        .fetch_one(&pool)
        .await;
    anyhow::ensure!(
        tables.is_ok(),
        "the database at the given URL holds no registry (no audit table)"
    );
    Ok(pool)
}

async fn connect(url: &str) -> anyhow::Result<AnyPool> {
    sqlx::any::install_default_drivers();
    let sqlite = url.starts_with("sqlite:");
    let pool = AnyPoolOptions::new()
        .max_connections(if sqlite { 8 } else { 16 })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await?;
    Ok(pool)
}

/// Begins a transaction that writes, holding the database's write lock
/// from its first statement: SQLite's `BEGIN IMMEDIATE` (which waits for
/// other writers, where a deferred transaction that read first would fail
/// as busy), and on PostgreSQL a transaction-scoped advisory lock, so that
/// audit entries from several server processes chain one after another.
pub async fn begin_write(db: &AnyPool) -> Result<Tx, sqlx::Error> {
    if db.connect_options().database_url.scheme() == "sqlite" {
        db.begin_with("BEGIN IMMEDIATE").await
    } else {
        let mut tx = db.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(7171)")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

/// A statement with its arguments bound.
type Statement<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Runs one statement in `tx`: how many rows it changed.
async fn run(tx: &mut Tx, statement: Statement<'_>) -> sqlx::Result<u64> {
    Ok(statement.execute(&mut **tx).await?.rows_affected())
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// What an audited change did, for its audit entry, and what it returns.
pub struct Change<T> {
    pub subject: String,
    pub detail: serde_json::Value,
    pub value: T,
}

impl Change<()> {
    pub fn of(subject: impl Into<String>, detail: serde_json::Value) -> Self {
        Change {
            subject: subject.into(),
            detail,
            value: (),
        }
    }
}

/// Runs `change` as `actor`'s `action`: under this process's write lock
/// (`lock`, when there is one), in a transaction holding the database's
/// ([`begin_write`]) that `change` is given and hands back, then appends
/// the audit entry and commits. A change that refuses (`Err`) drops the
/// transaction, so nothing is written or audited, and its refusal is
/// returned.
pub async fn audited<T, E, F, Fut>(
    db: &AnyPool,
    lock: Option<&tokio::sync::Mutex<()>>,
    actor: &str,
    action: &str,
    change: F,
) -> Result<T, E>
where
    E: From<sqlx::Error>,
    F: FnOnce(Tx) -> Fut,
    Fut: Future<Output = Result<(Tx, Change<T>), E>>,
{
    let _guard = match lock {
        Some(lock) => Some(lock.lock().await),
        None => None,
    };
    let tx = begin_write(db).await?;
    let (mut tx, done) = change(tx).await?;
    audit(&mut tx, actor, action, &done.subject, &done.detail).await?;
    tx.commit().await?;
    Ok(done.value)
}
