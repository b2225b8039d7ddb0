//! skillseal-registry: a private registry that accepts only signed,
//! version-pinned, server-scanned skill packages, keeps a hash-chained
//! audit log, and serves what clients need to pin.
//!
//! - [`store`]: SQLite or PostgreSQL through sqlx (one set of migrations),
//!   and the audit log.
//! - [`blobs`]: the content-addressed package, bundle and report store;
//!   [`fsck`] checks it against the database.
//! - [`tokens`] and [`auth`]: hashed API tokens with scopes.
//! - [`publish`]: the ordered checks an upload passes before it is stored.
//! - [`cache`]: short-lived memory of read answers and token lookups.
//! - [`http`]: the axum router, the read API and the hardening layers.
//! - [`serve`]: the accept loop (HTTP/1.1, TLS handshakes, bounds on slow
//!   and greedy clients).
//! - [`tls`]: HTTPS on the server's own socket.

pub mod auth;
pub mod blobs;
pub mod cache;
pub mod config;
pub mod fsck;
pub mod http;
pub mod publish;
pub mod serve;
pub mod store;
pub mod tls;
pub mod tokens;
