//! Who is calling, as extractors: a handler names what it needs
//! ([`Authenticated`], [`Admin`], [`Owner`]) and never runs without it.
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

/// The caller, if a token was sent (see [`caller`]).
pub struct MaybeCaller(pub Option<Caller>);

impl FromRequestParts<Arc<Registry>> for MaybeCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        reg: &Arc<Registry>,
    ) -> Result<Self, Self::Rejection> {
        let ip = client_ip(&parts.extensions);
        Ok(MaybeCaller(caller(reg, &parts.headers, ip).await?))
    }
}

/// A caller with a valid token.
pub struct Authenticated(pub Caller);

impl FromRequestParts<Arc<Registry>> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        reg: &Arc<Registry>,
    ) -> Result<Self, Self::Rejection> {
        let MaybeCaller(c) = MaybeCaller::from_request_parts(parts, reg).await?;
        c.map(Authenticated)
            .ok_or(ApiError::Unauthenticated(AuthError::Missing))
    }
}

/// A caller with an admin token.
pub struct Admin(pub Caller);

impl FromRequestParts<Arc<Registry>> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        reg: &Arc<Registry>,
    ) -> Result<Self, Self::Rejection> {
        let Authenticated(c) = Authenticated::from_request_parts(parts, reg).await?;
        if c.is_admin() {
            Ok(Admin(c))
        } else {
            Err(ApiError::NotAdmin)
        }
    }
}

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

impl<P: Part> FromRequestParts<Arc<Registry>> for Owner<P> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        reg: &Arc<Registry>,
    ) -> Result<Self, Self::Rejection> {
        let Authenticated(c) = Authenticated::from_request_parts(parts, reg).await?;
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
    }
}
