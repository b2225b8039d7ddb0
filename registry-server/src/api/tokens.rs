//! API tokens, for admins: create (the secret is shown once), list,
//! revoke.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::caller::Admin;
use super::{ApiError, JsonBody};
use crate::auth;
use crate::state::Registry;
use crate::store;
use crate::tokens::Scope;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    name: String,
    scopes: Vec<String>,
    #[serde(default)]
    expires_in_days: Option<i64>,
}

/// `POST /api/v1/tokens`.
pub async fn create(
    State(reg): State<Arc<Registry>>,
    Admin(c): Admin,
    JsonBody(new): JsonBody<NewToken>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if !skillseal_package::valid_name(&new.name) {
        return Err(ApiError::BadTokenName);
    }
    let scopes = new
        .scopes
        .iter()
        .map(|s| Scope::parse(s).ok_or_else(|| ApiError::BadScope(s.clone())))
        .collect::<Result<Vec<_>, _>>()?;
    let expires = new
        .expires_in_days
        .map(|d| store::now() + d.clamp(1, 3650) * 86_400);
    let lock = Some(&reg.write_lock);
    let request = auth::NewToken {
        name: &new.name,
        scopes: &scopes,
        expires_at: expires,
    };
    let (id, secret) = auth::create_token_under(lock, &reg.db, &c.name, &request).await?;
    let token = json!({
        "id": id, "name": new.name, "scopes": scopes, "expires_at": expires,
        "token": secret.expose(),
    });
    Ok((StatusCode::CREATED, Json(token)))
}

/// `GET /api/v1/tokens`: every token, never a secret.
pub async fn list(
    State(reg): State<Arc<Registry>>,
    Admin(_): Admin,
) -> Result<Json<Value>, ApiError> {
    let tokens: Vec<Value> = store::tokens::all(&reg.db)
        .await?
        .iter()
        .map(|t| {
            json!({
                "id": t.id,
                "name": t.name,
                "scopes": serde_json::from_str::<Value>(&t.scopes).unwrap_or(Value::Null),
                "created_at": t.created_at,
                "expires_at": t.expires_at,
                "revoked_at": t.revoked_at,
            })
        })
        .collect();
    Ok(Json(json!({"tokens": tokens})))
}

/// `DELETE /api/v1/tokens/ID`.
pub async fn revoke(
    State(reg): State<Arc<Registry>>,
    Path(id): Path<String>,
    Admin(c): Admin,
) -> Result<StatusCode, ApiError> {
    let lock = Some(&reg.write_lock);
    let token = id.as_str();
    store::audited(
        &reg.db,
        lock,
        &c.name,
        "token.revoke",
        |mut tx| async move {
            if !store::tokens::revoke(&mut tx, token, store::now()).await? {
                return Err(ApiError::NoToken(token.into()));
            }
            Ok((tx, store::Change::of(token, json!({}))))
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
