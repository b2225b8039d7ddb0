//! Shared by the registry's test binaries: a fresh PostgreSQL database per
//! test when `SKILLSEAL_TEST_DATABASE_URL` names a server (`.ci/run` sets it).
#![allow(dead_code)]

pub mod process;

/// The URL of a new, empty database on the test server, or `None` when no
/// server is configured.
pub async fn fresh_postgres() -> Option<String> {
    let base = std::env::var("SKILLSEAL_TEST_DATABASE_URL").ok()?;
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&base)
        .await
        .expect("connect to SKILLSEAL_TEST_DATABASE_URL");
    let name = format!(
        "skillseal_test_{}",
        skillseal_registry::tokens::generate().0
    );
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create a test database");
    admin.close().await;
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("a database URL ends in /DATABASE");
    Some(format!("{prefix}/{name}"))
}
