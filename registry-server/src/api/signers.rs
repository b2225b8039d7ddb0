//! The signers trusted for a skill: a publish must be signed by one. Its
//! owners register and retire them; the last one stays (without one, the
//! next publish would register its own).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::caller::{Owner, Signers};
use super::{ApiError, JsonBody};
use crate::publish::{self, SignerId, SignerSpec};
use crate::state::Registry;
use crate::store;

/// `GET /api/v1/skills/NAME/signers`, oldest first.
pub async fn list(
    State(reg): State<Arc<Registry>>,
    Path(name): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let signers = store::skills::signers(&reg.db, &name).await?;
    if signers.is_empty() {
        return Err(ApiError::NoSkill(name));
    }
    let list: Vec<Value> = signers
        .iter()
        .map(|s| {
            let mut v = match &s.id {
                SignerId::Key { fingerprint } => json!({"kind": "key", "fingerprint": fingerprint}),
                SignerId::Identity { identity, issuer } => {
                    json!({"kind": "identity", "identity": identity, "issuer": issuer})
                }
            };
            v["added_at"] = json!(s.added_at);
            v
        })
        .collect();
    Ok(Json(json!({"name": name, "signers": list})))
}

/// An owner registers another signer (`POST`) or retires one (`DELETE`),
/// with the same JSON as a publish's `signer`.
pub async fn change(
    State(reg): State<Arc<Registry>>,
    Path(name): Path<String>,
    method: Method,
    Owner(c, ..): Owner<Signers>,
    JsonBody(spec): JsonBody<SignerSpec>,
) -> Result<StatusCode, ApiError> {
    let add = method == Method::POST;
    let (_, id) = publish::policy_of(&spec).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let action = if add { "signer.add" } else { "signer.remove" };
    let detail = json!({"signer": id});
    let (name, id, spec) = (name.as_str(), &id, &spec);
    let lock = Some(&reg.write_lock);
    store::audited(&reg.db, lock, &c.name, action, |mut tx| async move {
        if !store::skills::exists(&mut *tx, name).await? {
            return Err(ApiError::NoSkill(name.into()));
        }
        let count = store::skills::signers(&mut *tx, name).await?.len();
        let present = store::skills::is_signer(&mut *tx, name, id).await?;
        let (signer, skill) = (id.clone(), name.to_string());
        if add && present {
            return Err(ApiError::SignerExists { signer, skill });
        }
        if !add && !present {
            return Err(ApiError::NotSigner { signer, skill });
        }
        if !add && count == 1 {
            return Err(ApiError::LastSigner { signer, skill });
        }
        if add {
            let key = publish::public_key(spec);
            store::skills::add_signer(&mut tx, name, id, key, store::now()).await?;
        } else {
            store::skills::remove_signer(&mut tx, name, id).await?;
        }
        Ok((tx, store::Change::of(name, detail)))
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
