//! `/.well-known/…`: ClawHub's discovery document, and the Agent Skills
//! Discovery index (v0.2.0 of the draft at
//! `github.com/cloudflare/agent-skills-discovery-rfc`) with each file it
//! lists, so that any client that speaks it can fetch a skill and check
//! every file against its digest.
//!
//! The index lists each skill's latest installable version (neither yanked
//! nor blocked) whose name and paths the draft allows (a name of lower-case
//! letters, digits and single inner hyphens, at most 64; paths of
//! printable ASCII without `\ ? # [ ]`); others are left out, as they
//! could not be fetched at the paths the draft derives.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::{ApiError, cached_json};
use crate::state::Registry;
use crate::store;
use crate::views;

/// The URL clients reach this registry by: `public_url`, else the scheme
/// and the request's `Host` (already checked against the allowed hosts).
pub fn base_url(reg: &Registry, headers: &HeaderMap) -> String {
    if let Some(public) = &reg.config.public_url {
        return public.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map_or_else(|| reg.config.listen.to_string(), str::to_string);
    format!("{}://{host}", reg.config.scheme())
}

/// `GET /.well-known/clawhub.json`: where the ClawHub API is, for
/// `clawhub --site URL` (and `CLAWHUB_SITE`).
pub async fn clawhub(State(reg): State<Arc<Registry>>, headers: HeaderMap) -> Json<Value> {
    let base = base_url(&reg, &headers);
    Json(json!({"apiBase": format!("{base}{}", super::clawhub::PREFIX)}))
}

/// Whether the draft allows `name` as a skill's name.
fn discoverable_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

/// Whether the draft allows `path` in a skill's file list.
fn discoverable_path(path: &str) -> bool {
    path.bytes()
        .all(|b| (0x20..=0x7e).contains(&b) && !b"\\?#[]".contains(&b))
        && !path.starts_with('/')
        && !path.split('/').any(|s| s == ".." || s.is_empty())
}

/// The latest version of `name` a client may install, if any (as the
/// ClawHub API reports it: none for a blocked skill).
async fn latest(reg: &Registry, name: &str) -> Result<Option<store::versions::Version>, ApiError> {
    let skill = super::clawhub::load(reg, name, None).await?;
    Ok(skill.and_then(|s| s.latest().cloned()))
}

/// `GET /.well-known/agent-skills/index.json`.
pub async fn index(State(reg): State<Arc<Registry>>) -> Response {
    cached_json(&reg, "agent-skills-index".into(), index_uncached(&reg)).await
}

async fn index_uncached(reg: &Arc<Registry>) -> Result<Json<Value>, ApiError> {
    let mut names = store::skills::names(&reg.db).await?;
    names.retain(|n| discoverable_name(n));
    names.sort();
    let mut skills = Vec::new();
    for name in names {
        let Some(v) = latest(reg, &name).await? else {
            continue;
        };
        let view = reg.views.get(reg, &v.digest).await?;
        if !view.files.iter().all(|f| discoverable_path(&f.path))
            || !view.files.iter().any(|f| f.path == "SKILL.md")
        {
            continue;
        }
        // SKILL.md first, the rest in the manifest's (byte) order.
        let mut files: Vec<&skillseal_model::FileEntry> = view.files.iter().collect();
        files.sort_by_key(|f| f.path != "SKILL.md");
        let files: Vec<Value> = files
            .iter()
            .map(|f| json!({"path": f.path, "digest": format!("sha256:{}", f.sha256)}))
            .collect();
        skills.push(json!({
            "name": name,
            "description": view.description.clone().unwrap_or_default(),
            "digest": views::discovery_digest(&view.files),
            "files": files,
            "version": v.version,
            "packageDigest": v.digest,
        }));
    }
    Ok(Json(json!({"version": "0.2.0", "skills": skills})))
}

/// `GET /.well-known/agent-skills/{name}/{path}`: one file of the version
/// the index lists.
pub async fn file(
    State(reg): State<Arc<Registry>>,
    Path((name, path)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let missing = || ApiError::NoSkill(format!("{name}/{path}"));
    if !discoverable_name(&name) {
        return Err(missing());
    }
    let Some(v) = latest(&reg, &name).await? else {
        return Err(missing());
    };
    let (manifest, contents) = views::unpack(&reg, &v.digest).await?;
    let Some(i) = manifest.files.iter().position(|f| f.path == path) else {
        return Err(missing());
    };
    let content_type = if path.ends_with(".md") {
        "text/markdown; charset=utf-8"
    } else {
        "application/octet-stream"
    };
    let bytes = contents.into_iter().nth(i).unwrap_or_default();
    let mut r = Response::new(Body::from(bytes));
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths_the_draft_allows() {
        assert!(discoverable_name("pdf-processing"));
        for bad in ["", "-a", "a-", "a--b", "A", "a_b", "a.b"] {
            assert!(!discoverable_name(bad), "{bad}");
        }
        assert!(discoverable_path("scripts/run.sh"));
        for bad in ["/abs", "a/../b", "a?b", "a#b", "a\\b", "é", "a//b"] {
            assert!(!discoverable_path(bad), "{bad}");
        }
    }
}
