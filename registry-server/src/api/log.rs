//! The transparency log (`/api/v1/log/…`): the key to pin, the signed
//! checkpoint, each entry with its inclusion proof, and consistency
//! proofs between two sizes. Clients check all of them (see
//! `skillseal-tlog`); nothing here is to be taken on trust.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiError;
use crate::state::Registry;
use crate::store;

/// `GET /api/v1/log/key`: the verifier key clients pin, and the origin.
pub async fn key(State(reg): State<Arc<Registry>>) -> Json<Value> {
    let key = reg.log.key();
    Json(json!({"origin": key.origin(), "key": key.verifier_key()}))
}

/// `GET /api/v1/log/checkpoint`: the current tree head, signed (a C2SP
/// signed note holding a tlog-checkpoint), `text/plain`.
pub async fn checkpoint(State(reg): State<Arc<Registry>>) -> Result<Response, ApiError> {
    let (_, _, note) = reg
        .log
        .checkpoint(&reg.db)
        .await
        .map_err(ApiError::internal)?;
    let mut r = note.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Ok(r)
}

#[derive(Deserialize)]
pub struct AtSize {
    size: Option<u64>,
}

fn hashes(proof: &[skillseal_tlog::Hash]) -> Vec<String> {
    proof.iter().map(skillseal_tlog::encode_hash).collect()
}

/// `GET /api/v1/log/entries/{index}?size=N`: the leaf (its canonical
/// text) and its inclusion proof in the tree of `N` leaves (default: all).
pub async fn entry(
    State(reg): State<Arc<Registry>>,
    Path(index): Path<u64>,
    Query(at): Query<AtSize>,
) -> Result<Json<Value>, ApiError> {
    let current = store::log::size(&reg.db).await?;
    let size = at.size.unwrap_or(current);
    if size > current {
        return Err(ApiError::BadRequest(format!(
            "the log holds {current} entries, not {size}"
        )));
    }
    if index >= size {
        return Err(ApiError::NoLogEntry { index, size });
    }
    let leaf = store::log::leaf(&reg.db, index)
        .await?
        .ok_or(ApiError::NoLogEntry { index, size })?;
    let proof = store::log::inclusion(&reg.db, index, size).await?;
    Ok(Json(json!({
        "index": index,
        "size": size,
        "leaf": leaf,
        "proof": hashes(&proof),
    })))
}

#[derive(Deserialize)]
pub struct Between {
    from: u64,
    to: u64,
}

/// `GET /api/v1/log/consistency?from=M&to=N`.
pub async fn consistency(
    State(reg): State<Arc<Registry>>,
    Query(b): Query<Between>,
) -> Result<Json<Value>, ApiError> {
    let current = store::log::size(&reg.db).await?;
    if b.from > b.to || b.to > current {
        return Err(ApiError::BadRequest(format!(
            "expected 0 <= from <= to <= {current}, the log's size"
        )));
    }
    let proof = if b.from == 0 || b.from == b.to {
        Vec::new()
    } else {
        store::log::consistency(&reg.db, b.from, b.to).await?
    };
    Ok(Json(
        json!({"from": b.from, "to": b.to, "proof": hashes(&proof)}),
    ))
}
