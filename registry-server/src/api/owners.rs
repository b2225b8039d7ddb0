//! A skill's owners: who may publish to it and change it. Owners are
//! token names; the last owner stays.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::ApiError;
use super::caller::{Owner, Owners};
use crate::state::Registry;
use crate::store;

/// `GET /api/v1/skills/NAME/owners`.
pub async fn list(
    State(reg): State<Arc<Registry>>,
    Path(name): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let owners = store::skills::owners(&reg.db, &name).await?;
    Ok(Json(json!({"name": name, "owners": owners})))
}

/// `PUT …/owners/OWNER` adds an owner, `DELETE` removes one.
pub async fn change(
    State(reg): State<Arc<Registry>>,
    Path((name, owner)): Path<(String, String)>,
    method: Method,
    Owner(c, ..): Owner<Owners>,
) -> Result<StatusCode, ApiError> {
    let add = method == Method::PUT;
    // Owners are token names: the same rule as a skill name.
    if !skillseal_package::valid_name(&owner) {
        return Err(ApiError::BadOwner(store::cap(&owner, 64).into_owned()));
    }
    let action = if add { "owner.add" } else { "owner.remove" };
    let detail = json!({"owner": owner});
    let (name, owner) = (name.as_str(), owner.as_str());
    let lock = Some(&reg.write_lock);
    store::audited(&reg.db, lock, &c.name, action, |mut tx| async move {
        if !store::skills::exists(&mut *tx, name).await? {
            return Err(ApiError::NoSkill(name.into()));
        }
        if add {
            store::skills::add_owner(&mut tx, name, owner).await?;
        } else {
            let owners = store::skills::owners(&mut *tx, name).await?;
            let (owner, skill) = (owner.to_string(), name.to_string());
            if !owners.contains(&owner) {
                return Err(ApiError::NotOwner { owner, skill });
            }
            if owners.len() == 1 {
                return Err(ApiError::LastOwner { owner, skill });
            }
            store::skills::remove_owner(&mut tx, name, &owner).await?;
        }
        Ok((tx, store::Change::of(name, detail)))
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
