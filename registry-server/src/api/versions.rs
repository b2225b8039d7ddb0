//! Versions: publishing one, downloading its files (package, bundle,
//! report, or a package by digest), and yanking it.

use std::net::IpAddr;
use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::caller::{ClientIp, MaybeCaller, Owner, Versions};
use super::{ApiError, upload_limit};
use crate::auth::Caller;
use crate::publish::{self, PublishError, PublishRequest, Published};
use crate::state::Registry;
use crate::store;
use crate::store::versions::File;
use skillseal_model::Digest;

/// `PUT /api/v1/skills/NAME/VERSION`. Nothing of the body is read before
/// the token, the name, the version and the declared size have passed:
/// an anonymous or unauthorised upload costs its headers, not its body.
pub async fn publish(
    State(reg): State<Arc<Registry>>,
    Path((name, version)): Path<(String, String)>,
    ClientIp(ip): ClientIp,
    caller: Result<MaybeCaller, ApiError>,
    req: Request,
) -> Result<Response, ApiError> {
    // Not audited: a refusal nobody authenticated for is only logged, so
    // strangers cannot grow the audit log.
    let MaybeCaller(caller) =
        caller.inspect_err(|_| tracing::info!(%ip, "publish refused: invalid token"))?;
    match checked(&reg, caller.as_ref(), &name, &version, req).await {
        Ok(published) => Ok((StatusCode::CREATED, Json(published)).into_response()),
        Err(e) => Err(refused(&reg, caller.as_ref(), &name, &version, ip, e).await),
    }
}

/// Every check of a publish, in order, and the publish.
async fn checked(
    reg: &Arc<Registry>,
    caller: Option<&Caller>,
    name: &str,
    version: &str,
    req: Request,
) -> Result<Published, PublishError> {
    let authorized = publish::authorize(reg, caller, name, version).await?;
    let limit = upload_limit(&reg.config);
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(PublishError::TooLarge(limit));
    }
    // A chunked body is read up to the limit and no further.
    let body = axum::body::to_bytes(req.into_body(), limit)
        .await
        .map_err(|_| PublishError::TooLarge(limit))?;
    let request = serde_json::from_slice::<PublishRequest>(&body)
        .map_err(|e| PublishError::BadRequest(e.to_string()))?;
    drop(body);
    publish::publish(reg, &authorized, request).await
}

/// A refused publish as its error. It is audited only when an
/// authenticated caller named a valid name and version (every field
/// capped by the audit log); anything else is only logged.
async fn refused(
    reg: &Registry,
    caller: Option<&Caller>,
    name: &str,
    version: &str,
    ip: IpAddr,
    e: PublishError,
) -> ApiError {
    let (code, _) = e.code();
    let valid_subject = skillseal_package::valid_name(name)
        && skillseal_package::parse_version(version, "the URL").is_ok();
    match caller {
        Some(c) if valid_subject => {
            let mut detail = json!({"code": code, "reason": e.to_string()});
            if let PublishError::Blocked { report, .. }
            | PublishError::NotFullyScanned { report, .. } = &e
            {
                detail["report"] = json!(report);
            }
            let subject = format!("{name}@{version}");
            let audited =
                store::audit_alone(&reg.db, &c.name, "publish.reject", &subject, &detail).await;
            if let Err(audit_error) = audited {
                return audit_error.into();
            }
        }
        _ => tracing::info!(%ip, code, "publish refused (not audited)"),
    }
    e.into()
}

/// Immutable content: cache forever, named by its digest. A blob a row
/// names that the store lost or altered is an error (see
/// [`crate::views::blob`]). With object storage set to redirect, an
/// anonymous client is sent to a presigned URL of the object (it checks
/// the digest it pinned, as it does any download); a client with a token
/// gets the bytes (it never follows a redirect off the registry's origin).
async fn blob_response(
    reg: &Registry,
    digest: &str,
    content_type: &'static str,
    anonymous: bool,
) -> Result<Response, ApiError> {
    if anonymous
        && let Some(url) = reg
            .blobs
            .presigned(digest)
            .await
            .map_err(ApiError::internal)?
    {
        let mut r = StatusCode::TEMPORARY_REDIRECT.into_response();
        if let Ok(location) = HeaderValue::from_str(&url) {
            r.headers_mut().insert(header::LOCATION, location);
            return Ok(r);
        }
    }
    let body = match reg.blobs.fetch(digest).await {
        Ok(Some(crate::blobs::Fetched::Whole(bytes))) => Body::from(bytes),
        Ok(Some(crate::blobs::Fetched::Stream { len, stream })) => {
            let mut r = Response::new(Body::from_stream(stream));
            r.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
            return Ok(immutable(r, digest, content_type));
        }
        // Missing or altered: the same errors as every other read.
        _ => Body::from(crate::views::blob(reg, digest).await?),
    };
    Ok(immutable(Response::new(body), digest, content_type))
}

/// The headers of immutable content named by its digest.
fn immutable(mut r: Response, digest: &str, content_type: &'static str) -> Response {
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{digest}\"")) {
        h.insert(header::ETAG, etag);
    }
    r
}

/// `GET …/NAME/VERSION/package` (or `bundle`, `report`).
pub async fn download(
    State(reg): State<Arc<Registry>>,
    Path((name, version, file)): Path<(String, String, String)>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let anonymous = !headers.contains_key(header::AUTHORIZATION);
    let (file, content_type) = match file.as_str() {
        "package" => (File::Package, "application/gzip"),
        "bundle" => (File::Bundle, "application/json"),
        "report" => (File::Report, "application/json"),
        "attestation" => return attestation(&reg, name, version).await,
        _ => return Err(ApiError::NoSuchFile),
    };
    let key = format!("{name}\0{version}\0{}", file.column());
    if let Some(digest) = reg.digests.get(&key) {
        return blob_response(&reg, &digest, content_type, anonymous).await;
    }
    let generation = reg.digests.generation();
    let Some((digest, verdict)) =
        store::versions::file_digest(&reg.db, &name, &version, file).await?
    else {
        return Err(ApiError::NoVersion {
            skill: name,
            version,
        });
    };
    if digest.is_empty() {
        return Err(ApiError::NoSuchFile);
    }
    // A version a rescan blocked keeps its bundle and report (they say
    // why), never its package.
    if verdict == "block" && matches!(file, File::Package) {
        return Err(ApiError::BlockedSince {
            skill: name,
            version,
        });
    }
    reg.digests.put(key, generation, digest.clone());
    blob_response(&reg, &digest, content_type, anonymous).await
}

/// `GET …/NAME/VERSION/attestation`: the registry's signed scan
/// attestation, kept in the version's row.
async fn attestation(reg: &Registry, name: String, version: String) -> Result<Response, ApiError> {
    let text = store::versions::attestation(&reg.db, &name, &version)
        .await?
        .ok_or(ApiError::NoVersion {
            skill: name,
            version,
        })?;
    if text.is_empty() {
        return Err(ApiError::NoSuchFile);
    }
    let mut r = Response::new(Body::from(text));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(r)
}

/// `GET /api/v1/packages/DIGEST`: a package by its digest.
pub async fn by_digest(
    State(reg): State<Arc<Registry>>,
    Path(digest): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let anonymous = !headers.contains_key(header::AUTHORIZATION);
    let digest: Digest = digest.parse().map_err(|_| ApiError::BadDigest)?;
    if !store::versions::has_package(&reg.db, &digest).await? {
        return Err(ApiError::NoPackage);
    }
    blob_response(&reg, &digest, "application/gzip", anonymous).await
}

/// `yank` or `unyank`, the last segment of a yank's path: anything else
/// is 404 before the caller is looked at.
pub struct Yank(bool);

impl<S: Send + Sync> FromRequestParts<S> for Yank {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path((_, _, action)) =
            Path::<(String, String, String)>::from_request_parts(parts, state)
                .await
                .map_err(|e| ApiError::BadRequest(e.body_text()))?;
        match action.as_str() {
            "yank" => Ok(Yank(true)),
            "unyank" => Ok(Yank(false)),
            _ => Err(ApiError::NoSuchAction),
        }
    }
}

/// `POST …/VERSION/yank` and `…/unyank`, by an owner of the skill (or an
/// admin) with a yank or publish scope on it: a scope alone is not
/// ownership.
pub async fn set_yanked(
    State(reg): State<Arc<Registry>>,
    Path((name, version, _)): Path<(String, String, String)>,
    Yank(yanked): Yank,
    Owner(c, ..): Owner<Versions>,
) -> Result<Json<serde_json::Value>, ApiError> {
    if !c.may_yank(&name) && !c.may_publish(&name) {
        return Err(ApiError::MayNotYank(name));
    }
    let action = if yanked { "yank" } else { "unyank" };
    let subject = format!("{name}@{version}");
    let detail = json!({"token": c.token_id});
    let (skill, v) = (name.as_str(), version.as_str());
    let lock = Some(&reg.write_lock);
    store::audited(&reg.db, lock, &c.name, action, |mut tx| async move {
        if !store::versions::set_yanked(&mut tx, skill, v, yanked).await? {
            return Err(ApiError::NoVersion {
                skill: skill.into(),
                version: v.into(),
            });
        }
        // The log records every yank and unyank, in the same transaction.
        let digest = store::versions::digest_in(&mut tx, skill, v)
            .await?
            .unwrap_or_default();
        let (name, version, time) = (skill.to_string(), v.to_string(), store::now());
        let leaf = if yanked {
            skillseal_tlog::Leaf::Yank {
                name,
                version,
                digest,
                time,
            }
        } else {
            skillseal_tlog::Leaf::Unyank {
                name,
                version,
                digest,
                time,
            }
        };
        store::log::append(&mut tx, &leaf.to_bytes()).await?;
        Ok((tx, store::Change::of(subject, detail)))
    })
    .await?;
    Ok(Json(
        json!({"name": name, "version": version, "yanked": yanked}),
    ))
}
