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

/// Tiles are 2^8 hashes wide, as C2SP `tlog-tiles` fixes them.
const TILE_HEIGHT: u8 = 8;

/// `GET /api/v1/log/tile/{L}/{N}[.p/{W}]` and `…/tile/entries/{N}[.p/{W}]`
/// (C2SP `tlog-tiles`): the log as immutable tiles a client can fetch,
/// cache and recompute any root or proof from. A full tile never changes
/// (cached for a year); a partial one (`.p/W`) is served only while the
/// tree has exactly that much of it or more.
pub async fn tile(
    State(reg): State<Arc<Registry>>,
    Path(path): Path<String>,
) -> Result<Response, ApiError> {
    let bad = || ApiError::BadRequest(format!("`tile/{path}` is not a tile path"));
    let (level, rest) = path.split_once('/').ok_or_else(bad)?;
    let data = level == "entries";
    // What `Tile::from_path` would panic on: a level past 2^64 leaves, a
    // partial width of 0.
    if !data && !level.parse::<u8>().is_ok_and(|l| l < 8) {
        return Err(bad());
    }
    if let Some((_, w)) = rest.rsplit_once(".p/")
        && !w.parse::<u16>().is_ok_and(|w| (1..256).contains(&w))
    {
        return Err(bad());
    }
    let go_path = if data {
        format!("tile/{TILE_HEIGHT}/data/{rest}")
    } else {
        format!("tile/{TILE_HEIGHT}/{level}/{rest}")
    };
    let tile = skillseal_tlog::Tile::from_path(&go_path).map_err(|_| bad())?;
    let width = u64::from(tile.width());
    let full = width == 1 << TILE_HEIGHT;
    // The leaves a tile at level L, index N, width W covers.
    let span = 1u64
        .checked_shl(u32::from(TILE_HEIGHT) * u32::from(tile.level()))
        .ok_or_else(bad)?;
    let first = (tile.level_index() << TILE_HEIGHT)
        .checked_mul(span)
        .ok_or_else(bad)?;
    let needed = (tile.level_index() << TILE_HEIGHT)
        .checked_add(width)
        .and_then(|w| w.checked_mul(span))
        .ok_or_else(bad)?;
    let size = store::log::size(&reg.db).await?;
    if needed > size {
        return Err(ApiError::NoTile(path));
    }
    let bytes = if data {
        let mut out = Vec::new();
        for index in first..first + width {
            let leaf = store::log::leaf(&reg.db, index)
                .await?
                .ok_or_else(|| ApiError::NoTile(path.clone()))?;
            let len = u16::try_from(leaf.len()).map_err(ApiError::internal)?;
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(leaf.as_bytes());
        }
        out
    } else {
        store::log::tile(&reg.db, &tile).await?
    };
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if full {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    Ok(r)
}
