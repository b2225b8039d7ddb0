//! The HTTP API (`/api/v1/…`, JSON): the router and its layers, and the
//! handlers, one file per resource. Handlers name who may call them as
//! extractors ([`caller`]), refuse with an [`ApiError`], and reach the
//! database only through [`crate::store`].

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::state::Registry;

pub mod audit;
pub mod caller;
mod error;
pub mod owners;
pub mod signers;
pub mod skills;
pub mod tokens;
pub mod versions;

pub use error::ApiError;

/// The router, with every layer.
pub fn router(reg: Arc<Registry>) -> Router {
    let upload_limit = upload_limit(&reg.config);
    Router::new()
        .route("/api/v1/skills", get(skills::list))
        .route("/api/v1/skills/{name}", get(skills::skill))
        .route(
            "/api/v1/skills/{name}/{version}",
            put(versions::publish).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/api/v1/skills/{name}/{version}/{file}",
            get(versions::download).post(versions::set_yanked),
        )
        .route("/api/v1/skills/{name}/owners", get(owners::list))
        .route(
            "/api/v1/skills/{name}/signers",
            get(signers::list)
                .post(signers::change)
                .delete(signers::change),
        )
        .route(
            "/api/v1/skills/{name}/owners/{owner}",
            put(owners::change).delete(owners::change),
        )
        .route("/api/v1/packages/{digest}", get(versions::by_digest))
        .route("/api/v1/resolve", post(skills::resolve))
        .route("/api/v1/tokens", get(tokens::list).post(tokens::create))
        .route("/api/v1/tokens/{id}", delete(tokens::revoke))
        .route("/api/v1/audit", get(audit::entries))
        .layer(DefaultBodyLimit::max(SMALL_BODY))
        .layer(middleware::from_fn_with_state(
            reg.clone(),
            crate::middleware::harden,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .with_state(reg)
}

/// The largest body of a request other than a publish.
const SMALL_BODY: usize = 64 << 10;

/// The largest publish body: the package in base64 plus the bundle.
fn upload_limit(config: &Config) -> usize {
    config.max_upload_bytes * 4 / 3 + SMALL_BODY
}

/// A JSON request body of at most [`SMALL_BODY`] bytes: over it is
/// `too_large`, anything but the JSON expected `bad_request`.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let body = axum::body::to_bytes(req.into_body(), SMALL_BODY)
            .await
            .map_err(|e| ApiError::TooLarge(e.to_string()))?;
        serde_json::from_slice(&body)
            .map(JsonBody)
            .map_err(|e| ApiError::BadRequest(e.to_string()))
    }
}

/// A JSON answer from the read cache, else computed and remembered (only
/// `200` and `404`: errors are never reused).
async fn cached_json(
    reg: &Registry,
    key: String,
    compute: impl Future<Output = Result<Json<serde_json::Value>, ApiError>>,
) -> Response {
    if let Some((status, body)) = reg.reads.get(&key) {
        let mut r = Response::new(Body::from(body));
        *r.status_mut() = status;
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        return r;
    }
    let generation = reg.reads.generation();
    let response = compute.await.into_response();
    let status = response.status();
    if status != StatusCode::OK && status != StatusCode::NOT_FOUND {
        return response;
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            reg.reads.put(key, generation, (status, bytes.clone()));
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(e) => ApiError::internal(e).into_response(),
    }
}
