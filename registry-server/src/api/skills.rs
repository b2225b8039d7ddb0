//! Reading skills: the listing, one skill's versions, and resolving
//! requirements to exact pins. Answers come from the read cache.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiError, cached_json};
use crate::state::Registry;
use crate::store;
use skillseal_model::Digest;

#[derive(Deserialize)]
pub struct Search {
    q: Option<String>,
}

/// `GET /api/v1/skills?q=…`: names containing `q`.
pub async fn list(State(reg): State<Arc<Registry>>, Query(search): Query<Search>) -> Response {
    let q = search.q.unwrap_or_default();
    cached_json(&reg, format!("list\0{q}"), list_uncached(&reg, q)).await
}

async fn list_uncached(reg: &Registry, q: String) -> Result<Json<Value>, ApiError> {
    let pattern = format!("%{}%", q.replace(['%', '_'], ""));
    let skills: Vec<Value> = store::skills::search(&reg.db, &pattern)
        .await?
        .iter()
        .map(|s| json!({"name": s.name, "versions": s.versions}))
        .collect();
    Ok(Json(json!({"skills": skills})))
}

/// A version as the API shows it.
pub(crate) fn version_json(v: &store::versions::Version) -> Value {
    json!({
        "version": v.version,
        "digest": v.digest,
        "bundle_digest": v.bundle_digest,
        "report_digest": v.report_digest,
        "size": v.size,
        "signer": serde_json::from_str::<Value>(&v.signer).unwrap_or(Value::Null),
        "capabilities": serde_json::from_str::<Value>(&v.capabilities).unwrap_or(Value::Null),
        "verdict": v.verdict,
        "rules_digest": v.rules_digest,
        "yanked": v.yanked,
        "published_at": v.published_at,
        "log_index": v.log_index,
        "attestation_digest": v.attestation_digest,
    })
}

/// `GET /api/v1/skills/NAME`: every version, highest first.
pub async fn skill(State(reg): State<Arc<Registry>>, Path(name): Path<String>) -> Response {
    cached_json(
        &reg,
        format!("skill\0{name}"),
        skill_uncached(&reg, name.clone()),
    )
    .await
}

async fn skill_uncached(reg: &Registry, name: String) -> Result<Json<Value>, ApiError> {
    let versions = store::versions::all(&reg.db, &name).await?;
    if versions.is_empty() {
        return Err(ApiError::NoSkill(name));
    }
    let versions: Vec<Value> = versions.iter().map(version_json).collect();
    Ok(Json(json!({"name": name, "versions": versions})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResolveRequest {
    skills: BTreeMap<String, String>,
}

/// `POST /api/v1/resolve`: `{name: requirement}` to exact pins, the
/// highest matching version that is neither yanked nor blocked by a
/// rescan (pre-releases only when the requirement names one).
pub async fn resolve(State(reg): State<Arc<Registry>>, body: axum::body::Bytes) -> Response {
    // Keyed by the body's hash: a large request costs a fixed-size key.
    let key = format!("resolve\0{}", Digest::of(&body));
    cached_json(&reg, key, resolve_uncached(&reg, body)).await
}

async fn resolve_uncached(
    reg: &Registry,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: ResolveRequest =
        serde_json::from_slice(&body).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let mut pins = serde_json::Map::new();
    for (name, requirement) in &request.skills {
        let Ok(req) = semver::VersionReq::parse(requirement) else {
            return Err(ApiError::BadRequirement {
                requirement: requirement.clone(),
                skill: name.clone(),
            });
        };
        let versions = store::versions::installable(&reg.db, name).await?;
        let best = versions
            .iter()
            .filter_map(|v| semver::Version::parse(&v.version).ok().map(|p| (p, v)))
            .filter(|(p, _)| req.matches(p))
            // Build metadata takes no part in choosing (semver precedence);
            // of versions equal but for it (stored before the registry
            // refused them), the first published wins.
            .max_by(|a, b| {
                a.0.cmp_precedence(&b.0)
                    .then_with(|| b.1.published_at.cmp(&a.1.published_at))
            });
        let Some((_, version)) = best else {
            return Err(ApiError::NoMatch {
                skill: name.clone(),
                requirement: requirement.clone(),
            });
        };
        let mut pin = version_json(version);
        pin["name"] = json!(name);
        pins.insert(name.clone(), pin);
    }
    Ok(Json(json!({"pins": pins})))
}
