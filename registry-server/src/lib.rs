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
//! - [`rescan`]: every stored version judged again by today's rules and
//!   policy.
//! - [`cache`]: short-lived memory of read answers and token lookups.
//! - [`state`]: the [`state::Registry`] every request shares.
//! - [`router`]: every route and layer; [`api`]: the handlers, one module
//!   per resource; [`middleware`]: the hardening layer every request
//!   passes first.
//! - [`serve`]: the accept loop (HTTP/1.1, TLS handshakes, bounds on slow
//!   and greedy clients).
//! - [`tls`]: HTTPS on the server's own socket.
//! - [`tlog`]: the transparency log's key, checkpoints, scan
//!   attestations and offline check ([`store::log`] holds its tables).
//! - [`web`]: the HTML pages (home, skill, version).
//! - [`views`]: what other APIs read of a stored package (files, digests,
//!   `SKILL.md`'s description, a ZIP of it), remembered by digest.

pub mod api;
pub mod auth;
pub mod blobs;
pub mod cache;
pub mod config;
pub mod fsck;
pub mod middleware;
pub mod publish;
pub mod rescan;
pub mod router;
pub mod serve;
pub mod state;
pub mod store;
pub mod tlog;
pub mod tls;
pub mod tokens;
pub mod views;
pub mod web;
