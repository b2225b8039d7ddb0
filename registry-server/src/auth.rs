//! Who is calling: a bearer token from the `Authorization` header only
//! (never a query string or cookie), looked up by its hash.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use sqlx::AnyPool;

use crate::store;
use crate::tokens::{self, Scope, Secret};

/// An authenticated caller.
#[derive(Clone, Debug)]
pub struct Caller {
    pub token_id: String,
    /// The principal the token acts for; owners are principals.
    pub name: String,
    pub scopes: Vec<Scope>,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.scopes.contains(&Scope::Admin)
    }

    pub fn may_publish(&self, skill: &str) -> bool {
        self.is_admin()
            || self
                .scopes
                .iter()
                .any(|s| matches!(s, Scope::Publish(g) if tokens::glob_matches(g, skill)))
    }

    pub fn may_yank(&self, skill: &str) -> bool {
        self.is_admin()
            || self
                .scopes
                .iter()
                .any(|s| matches!(s, Scope::Yank(g) if tokens::glob_matches(g, skill)))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("this needs a token: send `Authorization: Bearer skillseal_…`")]
    Missing,
    #[error("the token is not valid (unknown, revoked or expired)")]
    Invalid,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The token in `Authorization: Bearer …`, if any.
pub fn bearer(headers: &HeaderMap) -> Option<Secret> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    token
        .starts_with(tokens::PREFIX)
        .then(|| Secret::new(token.to_string()))
}

/// Looks a token up by its hash. The hash is what is compared (by the
/// database index, then here with a constant-time comparison), never the
/// secret itself.
pub async fn authenticate(db: &AnyPool, secret: &Secret, now: i64) -> Result<Caller, AuthError> {
    let hash = secret.hash();
    let token = store::tokens::by_hash(db, &hash)
        .await?
        .ok_or(AuthError::Invalid)?;
    if !openssl::memcmp::eq(token.hash.as_bytes(), hash.as_bytes()) {
        return Err(AuthError::Invalid);
    }
    if token.revoked_at.is_some() || token.expires_at.is_some_and(|e| e <= now) {
        return Err(AuthError::Invalid);
    }
    Ok(Caller {
        token_id: token.id,
        name: token.name,
        scopes: serde_json::from_str(&token.scopes).unwrap_or_default(),
    })
}

/// Slows down a client that keeps presenting bad tokens: each recent
/// failure from its address adds a delay, up to a few seconds.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

const WINDOW: Duration = Duration::from_secs(300);

impl Throttle {
    pub fn delay(&self, ip: IpAddr) -> Duration {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(&ip) {
            Some((n, since)) if since.elapsed() < WINDOW => {
                Duration::from_millis(100u64.saturating_mul(1 << (*n).min(5)).min(3000))
            }
            _ => Duration::ZERO,
        }
    }

    pub fn failed(&self, ip: IpAddr) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (_, since)| since.elapsed() < WINDOW);
        }
        let entry = map.entry(ip).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= WINDOW {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    pub fn succeeded(&self, ip: IpAddr) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&ip);
    }
}

/// Creates a token; returns its id and the secret, to be shown once.
pub async fn create_token(
    db: &AnyPool,
    actor: &str,
    name: &str,
    scopes: &[Scope],
    expires_at: Option<i64>,
) -> Result<(String, Secret), sqlx::Error> {
    let new = NewToken {
        name,
        scopes,
        expires_at,
    };
    create_token_under(None, db, actor, &new).await
}

/// What a token is made with: its name, scopes and expiry.
pub(crate) struct NewToken<'a> {
    pub name: &'a str,
    pub scopes: &'a [Scope],
    pub expires_at: Option<i64>,
}

/// [`create_token`] under `lock`, a server's write lock.
pub(crate) async fn create_token_under(
    lock: Option<&tokio::sync::Mutex<()>>,
    db: &AnyPool,
    actor: &str,
    new: &NewToken<'_>,
) -> Result<(String, Secret), sqlx::Error> {
    let NewToken {
        name,
        scopes,
        expires_at,
    } = *new;
    let (id, secret) = tokens::generate();
    let token = store::tokens::Token {
        id: id.clone(),
        hash: secret.hash(),
        name: name.to_string(),
        scopes: serde_json::to_string(scopes).unwrap_or_default(),
        created_at: store::now(),
        expires_at,
        revoked_at: None,
    };
    let detail = serde_json::json!({"name": name, "scopes": scopes, "expires_at": expires_at});
    store::audited(db, lock, actor, "token.create", |mut tx| async move {
        store::tokens::insert(&mut tx, &token).await?;
        Ok::<_, sqlx::Error>((tx, store::Change::of(&token.id, detail)))
    })
    .await?;
    Ok((id, secret))
}
