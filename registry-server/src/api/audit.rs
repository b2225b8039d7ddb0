//! The audit log, for admins, in pages.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiError;
use super::caller::Admin;
use crate::state::Registry;
use crate::store;

#[derive(Deserialize)]
pub struct Page {
    after: Option<i64>,
    limit: Option<i64>,
}

/// `GET /api/v1/audit?after=SEQ&limit=N`: entries after `SEQ` (500 by
/// default, at most 5000).
pub async fn entries(
    State(reg): State<Arc<Registry>>,
    Query(page): Query<Page>,
    Admin(_): Admin,
) -> Result<Json<Value>, ApiError> {
    let after = page.after.unwrap_or(0);
    let limit = page.limit.unwrap_or(500).clamp(1, 5000);
    let entries = store::audit_entries(&reg.db, after, limit).await?;
    Ok(Json(json!({"entries": entries})))
}
