//! The HTTP API (`/api/v1/…`, JSON): the handlers, one file per resource
//! (routed in [`crate::router`]). Handlers name who may call them as
//! extractors ([`caller`]), refuse with an [`ApiError`], and reach the
//! database only through [`crate::store`].

use std::future::Future;

use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::state::Registry;

pub mod audit;
pub mod caller;
pub mod clawhub;
mod error;
pub mod log;
pub mod owners;
pub mod signers;
pub mod skills;
pub mod tokens;
pub mod versions;
pub mod well_known;

pub use error::ApiError;

/// The largest body of a request other than a publish.
pub(crate) const SMALL_BODY: usize = 64 << 10;

/// The largest publish body: the package in base64 plus the bundle.
pub(crate) fn upload_limit(config: &Config) -> usize {
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
