//! Who is calling, as extractors: a handler names what it needs
//! ([`MaybeCaller`], [`Admin`], [`Owner`]) and never runs without it.
//! Each is taken from the request's head, before any of its body is read.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use super::ApiError;
use crate::auth::{self, AuthError, Caller};
use crate::state::Registry;
use crate::store;

/// The client's address (loopback when the connection gave none, as in
/// in-process tests).
pub struct ClientIp(pub IpAddr);

pub fn client_ip(extensions: &axum::http::Extensions) -> IpAddr {
    extensions
        .get::<ConnectInfo<crate::tls::Peer>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0.0.ip())
}

impl<S: Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(&parts.extensions)))
    }
}

/// The caller, if a token was sent; a bad token is an error (never silently
/// anonymous), and repeated bad tokens from one address are slowed down.
pub async fn caller(
    reg: &Registry,
    headers: &HeaderMap,
    ip: IpAddr,
) -> Result<Option<Caller>, ApiError> {
    let Some(secret) = auth::bearer(headers) else {
        if headers.contains_key(header::AUTHORIZATION) {
            return Err(ApiError::Unauthenticated(AuthError::Invalid));
        }
        return Ok(None);
    };
    let delay = reg.throttle.delay(ip);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    // Keyed by the token's hash; the secret itself is never kept.
    let key = secret.hash();
    if let Some(c) = reg.callers.get(&key) {
        return Ok(Some(c));
    }
    let generation = reg.callers.generation();
    match auth::authenticate(&reg.db, &secret, store::now()).await {
        Ok(c) => {
            reg.throttle.succeeded(ip);
            reg.callers.put(key, generation, c.clone());
            Ok(Some(c))
        }
        Err(AuthError::Db(e)) => Err(e.into()),
        Err(e) => {
            reg.throttle.failed(ip);
            Err(ApiError::Unauthenticated(e))
        }
    }
}

/// An extractor taken from a request's head with the registry at hand:
/// `$body` (with `$parts` and `$reg` bound) gives it or refuses.
macro_rules! from_head {
    ([$($generics:tt)*] $t:ty, |$parts:ident, $reg:ident| $body:block) => {
        impl<$($generics)*> FromRequestParts<Arc<Registry>> for $t {
            type Rejection = ApiError;

            async fn from_request_parts(
                $parts: &mut Parts,
                $reg: &Arc<Registry>,
            ) -> Result<Self, ApiError> {
                $body
            }
        }
    };
}

/// The caller, if a token was sent (see [`caller`]).
pub struct MaybeCaller(pub Option<Caller>);

from_head!([] MaybeCaller, |parts, reg| {
    let ip = client_ip(&parts.extensions);
    Ok(MaybeCaller(caller(reg, &parts.headers, ip).await?))
});

/// A caller with a valid token.
async fn authenticated(parts: &mut Parts, reg: &Arc<Registry>) -> Result<Caller, ApiError> {
    let MaybeCaller(c) = MaybeCaller::from_request_parts(parts, reg).await?;
    c.ok_or(ApiError::Unauthenticated(AuthError::Missing))
}

/// A caller with an admin token.
pub struct Admin(pub Caller);

from_head!([] Admin, |parts, reg| {
    let c = authenticated(parts, reg).await?;
    c.is_admin().then_some(Admin(c)).ok_or(ApiError::NotAdmin)
});

/// What of a skill an [`Owner`] changes, as the refusal names it.
pub trait Part {
    const WHAT: &'static str;
}

pub struct Signers;
pub struct Owners;
pub struct Versions;

impl Part for Signers {
    const WHAT: &'static str = "signers";
}
impl Part for Owners {
    const WHAT: &'static str = "owners";
}
impl Part for Versions {
    const WHAT: &'static str = "versions";
}

/// A caller that owns the skill the path names (`{name}`), or an admin.
pub struct Owner<P>(pub Caller, pub PhantomData<P>);

from_head!([P: Part] Owner<P>, |parts, reg| {
    let c = authenticated(parts, reg).await?;
    let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, reg)
        .await
        .map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let skill = params.get("name").cloned().unwrap_or_default();
    if c.is_admin() || store::skills::is_owner(&reg.db, &skill, &c.name).await? {
        Ok(Owner(c, PhantomData))
    } else {
        Err(ApiError::NotOwnerOf {
            skill,
            what: P::WHAT,
        })
    }
});
