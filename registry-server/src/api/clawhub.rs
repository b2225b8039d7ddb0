//! The part of ClawHub's HTTP API its CLI (`clawhub`, npm) uses to search,
//! inspect, install, update and verify skills, answered from this
//! registry's own data, under `/clawhub` (the CLI joins its registry URL
//! and its paths as a base and relative paths, so
//! `clawhub --registry https://HOST/clawhub` reaches these routes, and
//! skillseal's own API keeps `/api/v1/…`). `GET /.well-known/clawhub.json`
//! points the CLI's discovery here.
//!
//! Only what a client may install is shown: versions that are neither
//! yanked nor blocked by the registry's scan. The moderation block is the
//! scan's verdict (`review` is `isSuspicious`, `block` is
//! `isMalwareBlocked`, with the rules behind it as reason codes).
//! Publishing through this API is refused: packages reach this registry
//! signed, through `skillseal publish`. Errors are `text/plain`, as
//! ClawHub's are (see [`crate::middleware`]).

use std::cmp::Ordering;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiError;
use super::caller::MaybeCaller;
use crate::auth::AuthError;
use crate::state::Registry;
use crate::store;
use crate::store::versions::Version;
use crate::views;

/// Where the API is mounted.
pub const PREFIX: &str = "/clawhub";

/// The refusal of every write through this API.
pub const PUBLISH_REFUSED: &str = "publishing through the ClawHub API is refused: this registry \
     accepts only signed, server-scanned packages; publish with `skillseal publish`";

/// The routes, to be nested under [`PREFIX`].
pub fn routes() -> Router<Arc<Registry>> {
    Router::new()
        .route("/api/v1/whoami", get(whoami))
        .route("/api/v1/search", get(search))
        .route("/api/v1/skills", get(list))
        .route("/api/v1/skills/{slug}", get(skill))
        .route("/api/v1/skills/{slug}/versions", get(versions))
        .route("/api/v1/skills/{slug}/versions/{version}", get(version))
        .route("/api/v1/skills/{slug}/verify", get(verify))
        .route("/api/v1/download", get(download))
        .route("/api/v1/resolve", get(resolve))
        .route("/api/cli/telemetry/install", post(telemetry))
        .fallback(fallback)
}

/// Anything else: a write is a refused publish (or another change this
/// API does not make), a read is not found.
async fn fallback(method: Method) -> Response {
    if matches!(method, Method::GET | Method::HEAD) {
        plain(
            StatusCode::NOT_FOUND,
            "not part of the ClawHub API this registry serves",
        )
    } else {
        plain(StatusCode::FORBIDDEN, PUBLISH_REFUSED)
    }
}

/// ClawHub's routes asked at the root, where skillseal's API is.
pub async fn misdirected(State(reg): State<Arc<Registry>>, headers: HeaderMap) -> Response {
    let base = super::well_known::base_url(&reg, &headers);
    plain(
        StatusCode::NOT_FOUND,
        &format!(
            "this is skillseal's API; the ClawHub API is at {base}{PREFIX} (clawhub --registry {base}{PREFIX})"
        ),
    )
}

/// A `text/plain` answer.
pub fn plain(status: StatusCode, message: &str) -> Response {
    let mut r = (status, format!("{message}\n")).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn not_found(what: &str) -> ApiError {
    ApiError::ClawHub(StatusCode::NOT_FOUND, what.to_string())
}

/// ClawHub's times are milliseconds.
fn millis(seconds: i64) -> i64 {
    seconds.saturating_mul(1000)
}

/// A skill as the APIs built on this registry's data show it.
pub(crate) struct Skill {
    pub slug: String,
    created_at: i64,
    owners: Vec<String>,
    /// Its versions that are not yanked, blocked ones included, highest
    /// first.
    versions: Vec<Version>,
}

impl Skill {
    /// The version `latest` means among `versions`: the highest release,
    /// else the highest pre-release.
    fn latest_of<'a>(versions: impl Iterator<Item = &'a Version> + Clone) -> Option<&'a Version> {
        versions
            .clone()
            .find(|v| semver::Version::parse(&v.version).is_ok_and(|p| p.pre.is_empty()))
            .or(versions.clone().next())
    }

    /// The newest version, blocked or not: what moderation judges.
    fn newest(&self) -> Option<&Version> {
        Skill::latest_of(self.versions.iter())
    }

    /// Whether the newest version is blocked: the whole skill is then
    /// reported as malware, and neither listed nor installed.
    pub fn blocked(&self) -> bool {
        self.newest().is_some_and(|v| v.verdict == "block")
    }

    /// The latest version a client may install.
    pub fn latest(&self) -> Option<&Version> {
        if self.blocked() {
            return None;
        }
        Skill::latest_of(self.versions.iter().filter(|v| installable(v)))
    }

    fn find(&self, version: &str) -> Option<&Version> {
        if self.blocked() {
            return None;
        }
        self.versions
            .iter()
            .find(|v| v.version == version && installable(v))
    }

    fn owner(&self) -> Option<&str> {
        self.owners.first().map(String::as_str)
    }
}

/// Whether a client may install the version.
fn installable(v: &Version) -> bool {
    !v.yanked && v.verdict != "block"
}

/// The skill `slug`, if it exists and `owner` (ClawHub's `ownerHandle`,
/// compared without case) is one of its owners.
pub(crate) async fn load(
    reg: &Registry,
    slug: &str,
    owner: Option<&str>,
) -> Result<Option<Skill>, ApiError> {
    let Some(created_at) = store::skills::created_at(&reg.db, slug).await? else {
        return Ok(None);
    };
    let owners = store::skills::owners(&reg.db, slug).await?;
    if let Some(wanted) = owner.map(|o| o.trim_start_matches('@'))
        && !owners.iter().any(|o| o.eq_ignore_ascii_case(wanted))
    {
        return Ok(None);
    }
    let mut versions: Vec<Version> = store::versions::all(&reg.db, slug)
        .await?
        .into_iter()
        .filter(|v| !v.yanked)
        .collect();
    versions.sort_by(|a, b| by_precedence(b, a));
    Ok(Some(Skill {
        slug: slug.to_string(),
        created_at,
        owners,
        versions,
    }))
}

fn by_precedence(a: &Version, b: &Version) -> Ordering {
    match (
        semver::Version::parse(&a.version),
        semver::Version::parse(&b.version),
    ) {
        (Ok(x), Ok(y)) => x.cmp_precedence(&y).then_with(|| x.cmp(&y)),
        _ => a.version.cmp(&b.version),
    }
}

async fn require(reg: &Registry, slug: &str, owner: Option<&str>) -> Result<Skill, ApiError> {
    load(reg, slug, owner)
        .await?
        .ok_or_else(|| not_found("Skill not found"))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Params {
    q: Option<String>,
    limit: Option<usize>,
    prefix: Option<String>,
    cursor: Option<String>,
    slug: Option<String>,
    version: Option<String>,
    tag: Option<String>,
    hash: Option<String>,
    owner_handle: Option<String>,
}

impl Params {
    fn limit(&self) -> usize {
        self.limit.unwrap_or(25).clamp(1, 100)
    }

    fn owner(&self) -> Option<&str> {
        self.owner_handle.as_deref().filter(|o| !o.is_empty())
    }
}

/// `GET /api/v1/whoami`: the token's principal; `admin` for an admin token.
async fn whoami(MaybeCaller(caller): MaybeCaller) -> Result<Json<Value>, ApiError> {
    let c = caller.ok_or(ApiError::Unauthenticated(AuthError::Missing))?;
    let role = if c.is_admin() { "admin" } else { "user" };
    Ok(Json(json!({
        "user": {"handle": c.name, "displayName": c.name, "image": null, "role": role}
    })))
}

/// What `SKILL.md` says of the version, for listings.
async fn described(reg: &Arc<Registry>, v: &Version) -> Result<Arc<views::PackageView>, ApiError> {
    reg.views.get(reg, &v.digest).await
}

fn version_json(v: &Version) -> Value {
    json!({
        "version": v.version,
        "createdAt": millis(v.published_at),
        "changelog": "",
        "changelogSource": null,
        "license": null,
    })
}

async fn skill_json(reg: &Arc<Registry>, s: &Skill) -> Result<Value, ApiError> {
    let latest = s.latest().or(s.newest());
    let view = match latest {
        Some(v) => Some(described(reg, v).await?),
        None => None,
    };
    let description = view.as_ref().and_then(|v| v.description.clone());
    let display = view
        .as_ref()
        .and_then(|v| v.title.clone())
        .unwrap_or_else(|| s.slug.clone());
    let tags = latest.map_or(json!({}), |v| json!({"latest": v.version}));
    Ok(json!({
        "slug": s.slug,
        "displayName": display,
        "summary": description,
        "description": description,
        "topics": [],
        "tags": tags,
        "stats": {"versions": s.versions.iter().filter(|v| installable(v)).count()},
        "createdAt": millis(s.created_at),
        "updatedAt": millis(latest.map_or(s.created_at, |v| v.published_at)),
    }))
}

/// `GET /api/v1/search?q=&limit=`: skills whose name contains the query
/// (case ignored), exact names first, then prefixes, then the rest; then,
/// while the page has room, skills whose description holds every word of
/// the query (at most [`DESCRIPTIONS_READ`] skills' descriptions read).
async fn search(
    State(reg): State<Arc<Registry>>,
    Query(p): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    let q = p.q.clone().unwrap_or_default().trim().to_ascii_lowercase();
    let mut all = store::skills::names(&reg.db).await?;
    all.sort();
    let mut names: Vec<(f64, String)> = all
        .iter()
        .filter_map(|name| {
            let lower = name.to_ascii_lowercase();
            let score = if lower == q {
                1.0
            } else if lower.starts_with(&q) {
                0.8
            } else if lower.contains(&q) {
                0.5
            } else {
                return None;
            };
            Some((score, name.clone()))
        })
        .collect();
    names.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let by_name: std::collections::HashSet<String> = names.iter().map(|(_, n)| n.clone()).collect();
    let words: Vec<&str> = q.split_whitespace().collect();
    let rest = all
        .into_iter()
        .filter(|n| !by_name.contains(n) && !words.is_empty())
        .take(DESCRIPTIONS_READ)
        .map(|n| (0.3, n));
    let mut results = Vec::new();
    for (score, name) in names.into_iter().chain(rest) {
        if results.len() == p.limit() {
            break;
        }
        let Some(s) = load(&reg, &name, None).await? else {
            continue;
        };
        let Some(latest) = s.latest() else { continue };
        let view = described(&reg, latest).await?;
        if score < 0.5 {
            let description = view
                .description
                .as_deref()
                .unwrap_or_default()
                .to_lowercase();
            if !words.iter().all(|w| description.contains(w)) {
                continue;
            }
        }
        results.push(json!({
            "slug": s.slug,
            "ownerHandle": s.owner(),
            "displayName": view.title.clone().unwrap_or_else(|| s.slug.clone()),
            "summary": view.description,
            "version": latest.version,
            "score": score,
            "updatedAt": millis(latest.published_at),
        }));
    }
    Ok(Json(json!({"results": results})))
}

/// How many skills' descriptions one search reads at most.
const DESCRIPTIONS_READ: usize = 1000;

/// `GET /api/v1/skills?prefix=&limit=&cursor=`: skills by name, a page at
/// a time; the cursor is the last name of the page before.
async fn list(
    State(reg): State<Arc<Registry>>,
    Query(p): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    let prefix = p.prefix.clone().unwrap_or_default();
    let after = p.cursor.clone().unwrap_or_default();
    let mut names: Vec<String> = store::skills::names(&reg.db)
        .await?
        .into_iter()
        .filter(|n| n.starts_with(&prefix) && n.as_str() > after.as_str())
        .collect();
    names.sort();
    let mut items = Vec::new();
    let mut last = None;
    let mut more = false;
    for name in names {
        if items.len() == p.limit() {
            more = true;
            break;
        }
        last = Some(name.clone());
        let Some(s) = load(&reg, &name, None).await? else {
            continue;
        };
        let Some(latest) = s.latest() else { continue };
        let mut item = skill_json(&reg, &s).await?;
        item["latestVersion"] = version_json(latest);
        items.push(item);
    }
    let next = if more { last } else { None };
    Ok(Json(json!({"items": items, "nextCursor": next})))
}

/// The moderation block: the scan's verdict, and the rules behind it.
async fn moderation(reg: &Arc<Registry>, v: &Version) -> Result<Value, ApiError> {
    let (codes, summary) = if v.verdict == "pass" {
        (Vec::new(), None)
    } else {
        reasons(reg, &v.report_digest).await?
    };
    let verdict = match v.verdict.as_str() {
        "pass" => "clean",
        "review" => "suspicious",
        _ => "malicious",
    };
    Ok(json!({
        "isSuspicious": v.verdict == "review",
        "isMalwareBlocked": v.verdict == "block",
        "verdict": verdict,
        "reasonCodes": codes,
        "updatedAt": millis(v.published_at),
        "engineVersion": format!("skillseal {}", env!("CARGO_PKG_VERSION")),
        "summary": summary,
    }))
}

/// The rule ids behind a report's verdict, and its reasons in one line.
async fn reasons(
    reg: &Arc<Registry>,
    report: &str,
) -> Result<(Vec<String>, Option<String>), ApiError> {
    let report = views::report(reg, report).await?;
    let mut codes: Vec<String> = Vec::new();
    let mut messages = Vec::new();
    for skill in &report.skills {
        for reason in &skill.reasons {
            messages.push(reason.message.clone());
            for evidence in &reason.evidence {
                if let Some(rule) = evidence.split_whitespace().next()
                    && !codes.iter().any(|c| c == rule)
                {
                    codes.push(rule.to_string());
                }
            }
        }
    }
    let summary = (!messages.is_empty()).then(|| messages.join("; "));
    Ok((codes, summary))
}

/// `GET /api/v1/skills/{slug}`.
async fn skill(
    State(reg): State<Arc<Registry>>,
    Path(slug): Path<String>,
    Query(p): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    let s = require(&reg, &slug, p.owner()).await?;
    // A blocked skill is shown with its blocked version, so the CLI
    // refuses it as malware.
    let Some(latest) = s.latest().or(s.newest()) else {
        return Err(not_found("Skill not found"));
    };
    let moderation = moderation(&reg, latest).await?;
    Ok(Json(json!({
        "skill": skill_json(&reg, &s).await?,
        "latestVersion": version_json(latest),
        "metadata": null,
        "owner": {"handle": s.owner(), "displayName": s.owner(), "image": null},
        "moderation": moderation,
    })))
}

/// `GET /api/v1/skills/{slug}/versions`: every installable version,
/// highest first, in one page.
async fn versions(
    State(reg): State<Arc<Registry>>,
    Path(slug): Path<String>,
    Query(p): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    let s = require(&reg, &slug, p.owner()).await?;
    let items: Vec<Value> = if s.blocked() {
        Vec::new()
    } else {
        s.versions
            .iter()
            .filter(|v| installable(v))
            .map(version_json)
            .collect()
    };
    Ok(Json(json!({"items": items, "nextCursor": null})))
}

/// `GET /api/v1/skills/{slug}/versions/{version}`, with its files.
async fn version(
    State(reg): State<Arc<Registry>>,
    Path((slug, version)): Path<(String, String)>,
    Query(p): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    let s = require(&reg, &slug, p.owner()).await?;
    let v = s
        .find(&version)
        .ok_or_else(|| not_found("Version not found (never published, yanked or blocked)"))?;
    let view = described(&reg, v).await?;
    let mut out = version_json(v);
    out["files"] = files_json(&view.files);
    let display = view.title.clone().unwrap_or_else(|| s.slug.clone());
    Ok(Json(json!({
        "version": out,
        "skill": {"slug": s.slug, "displayName": display},
    })))
}

fn files_json(files: &[skillseal_model::FileEntry]) -> Value {
    files
        .iter()
        .map(|f| json!({"path": f.path, "size": f.size, "sha256": f.sha256}))
        .collect()
}

/// The version a request names: `version`, else `tag` (only `latest`),
/// else the latest.
fn chosen<'a>(s: &'a Skill, p: &Params) -> Result<(&'a Version, &'static str), ApiError> {
    if let Some(v) = p.version.as_deref().filter(|v| !v.is_empty()) {
        let found = s
            .find(v)
            .ok_or_else(|| not_found("Version not found (never published, yanked or blocked)"))?;
        return Ok((found, "version"));
    }
    if let Some(tag) = p.tag.as_deref().filter(|t| !t.is_empty()) {
        if tag != "latest" {
            return Err(not_found("Tag not found: this registry has only `latest`"));
        }
        let latest = s.latest().ok_or_else(|| not_found("Skill not found"))?;
        return Ok((latest, "tag"));
    }
    let latest = s.latest().ok_or_else(|| not_found("Skill not found"))?;
    Ok((latest, "latest"))
}

/// `GET /api/v1/download?slug=&version=`: the version's files as a ZIP
/// archive, the same bytes every time.
async fn download(
    State(reg): State<Arc<Registry>>,
    Query(p): Query<Params>,
) -> Result<Response, ApiError> {
    let slug = p.slug.clone().unwrap_or_default();
    let s = require(&reg, &slug, p.owner()).await?;
    let (v, _) = chosen(&s, &p)?;
    let (manifest, contents) = views::unpack(&reg, &v.digest).await?;
    let bytes = tokio::task::spawn_blocking(move || views::zip_archive(&manifest.files, &contents))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let mut r = Response::new(Body::from(bytes));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    let name = format!("attachment; filename=\"{}-{}.zip\"", s.slug, v.version);
    if let Ok(value) = HeaderValue::from_str(&name) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    h.insert("x-skillseal-package-digest", header_value(&v.digest));
    Ok(r)
}

fn header_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or(HeaderValue::from_static(""))
}

/// `GET /api/v1/resolve?slug=&hash=`: which installable version has
/// exactly these files (ClawHub's fingerprint of an installed folder),
/// and the latest.
async fn resolve(
    State(reg): State<Arc<Registry>>,
    Query(p): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    let slug = p.slug.clone().unwrap_or_default();
    let hash = p.hash.clone().unwrap_or_default().to_ascii_lowercase();
    let s = require(&reg, &slug, p.owner()).await?;
    let mut matched = None;
    for v in s.versions.iter().filter(|v| installable(v) && !s.blocked()) {
        let view = described(&reg, v).await?;
        if view.clawhub_fingerprints().contains(&hash) {
            matched = Some(json!({"version": v.version}));
            break;
        }
    }
    let latest = s.latest().map(|v| json!({"version": v.version}));
    Ok(Json(json!({
        "slug": s.slug,
        "match": matched,
        "latestVersion": latest,
    })))
}

/// `GET /api/v1/skills/{slug}/verify`: ClawHub's `clawhub.skill.verify.v1`
/// envelope, with what this registry checked: the signature it verified
/// at publish (signer, bundle digest, transparency log entry if the
/// bundle has one), the package digest, and its scan.
async fn verify(
    State(reg): State<Arc<Registry>>,
    Path(slug): Path<String>,
    Query(p): Query<Params>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let s = require(&reg, &slug, p.owner()).await?;
    let (v, resolved_from) = chosen(&s, &p)?;
    let view = described(&reg, v).await?;
    let base = super::well_known::base_url(&reg, &headers);
    let api = format!("{base}/api/v1/skills/{}/{}", s.slug, v.version);
    let (codes, summary) = reasons(&reg, &v.report_digest).await?;
    let ok = v.verdict != "block";
    let mut reasons_out = vec![format!("scan verdict: {}", v.verdict)];
    reasons_out.extend(codes.iter().map(|c| format!("rule {c}")));
    let signer: Value = serde_json::from_str(&v.signer).unwrap_or(Value::Null);
    let capabilities: Value = serde_json::from_str(&v.capabilities).unwrap_or(Value::Null);
    let transparency = transparency(&reg, &v.bundle_digest).await?;
    let display = view.title.clone().unwrap_or_else(|| s.slug.clone());
    Ok(Json(json!({
        "schema": "clawhub.skill.verify.v1",
        "ok": ok,
        "decision": if ok { "pass" } else { "fail" },
        "reasons": reasons_out,
        "slug": s.slug,
        "displayName": display,
        "pageUrl": format!("{api}/package"),
        "publisherHandle": s.owner(),
        "publisherDisplayName": s.owner(),
        "publisherProfileUrl": null,
        "version": v.version,
        "resolvedFrom": resolved_from,
        "tag": if resolved_from == "tag" { json!("latest") } else { Value::Null },
        "createdAt": millis(v.published_at),
        "card": null,
        "artifact": {
            "kind": "skillseal-package",
            "digest": v.digest,
            "size": v.size,
            "url": format!("{api}/package"),
            "clawhubFingerprint": view.clawhub_fingerprints()[0],
            "files": files_json(&view.files),
        },
        "provenance": {
            "source": "skillseal-registry",
            "registry": base,
            "publishedAt": millis(v.published_at),
        },
        "security": {
            "scanner": "skillseal",
            "verdict": v.verdict,
            "rulesDigest": v.rules_digest,
            "capabilities": capabilities,
            "reasonCodes": codes,
            "summary": summary,
            "reportDigest": v.report_digest,
            "reportUrl": format!("{api}/report"),
        },
        "signature": {
            "signed": true,
            "verifiedBy": "skillseal-registry, at publish: the Sigstore bundle verifies over the package digest, by a signer trusted for this skill",
            "format": "sigstore-bundle",
            "signer": signer,
            "bundleDigest": v.bundle_digest,
            "bundleUrl": format!("{api}/bundle"),
            "transparencyLog": transparency,
        },
    })))
}

/// The transparency log entry a stored Sigstore bundle carries (Rekor's
/// log index, integration time and log id), or null.
async fn transparency(reg: &Arc<Registry>, bundle: &str) -> Result<Value, ApiError> {
    let bytes = views::blob(reg, bundle).await?;
    let bundle: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let entry = &bundle["verificationMaterial"]["tlogEntries"][0];
    if entry.is_null() {
        return Ok(Value::Null);
    }
    Ok(json!({
        "logIndex": entry["logIndex"],
        "integratedTime": entry["integratedTime"],
        "logId": entry["logId"]["keyId"],
        "kindVersion": entry["kindVersion"],
    }))
}

/// `POST /api/cli/telemetry/install`: acknowledged, not recorded. The CLI
/// reports installs on a best-effort basis; a private registry keeps no
/// usage data (downloads are in its log like any request).
async fn telemetry() -> Json<Value> {
    Json(json!({"ok": true}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(version: &str, yanked: bool, verdict: &str) -> Version {
        Version {
            version: version.into(),
            digest: String::new(),
            bundle_digest: String::new(),
            report_digest: String::new(),
            size: 0,
            signer: String::new(),
            capabilities: String::new(),
            verdict: verdict.into(),
            rules_digest: String::new(),
            yanked,
            published_at: 0,
            log_index: 0,
            attestation_digest: String::new(),
        }
    }

    fn skill(versions: Vec<Version>) -> Skill {
        let mut versions: Vec<Version> = versions.into_iter().filter(|v| !v.yanked).collect();
        versions.sort_by(|a, b| by_precedence(b, a));
        Skill {
            slug: "x".into(),
            created_at: 0,
            owners: vec![],
            versions,
        }
    }

    #[test]
    fn latest_is_the_highest_release_a_client_may_install() {
        let s = skill(vec![
            v("1.0.0", false, "pass"),
            v("2.0.0-rc.1", false, "pass"),
            v("1.10.0", false, "review"),
            v("1.9.0", false, "pass"),
            v("1.11.0", true, "pass"),
        ]);
        assert_eq!(s.latest().map(|v| v.version.as_str()), Some("1.10.0"));
        assert!(s.find("1.11.0").is_none(), "yanked");
        assert!(!s.blocked());
    }

    #[test]
    fn a_blocked_newest_version_blocks_the_skill() {
        let s = skill(vec![v("1.0.0", false, "pass"), v("1.1.0", false, "block")]);
        assert!(s.blocked());
        assert!(s.latest().is_none() && s.find("1.0.0").is_none());
        assert_eq!(s.newest().map(|v| v.version.as_str()), Some("1.1.0"));
        // An older blocked version only hides itself.
        let s = skill(vec![v("1.0.0", false, "block"), v("1.1.0", false, "pass")]);
        assert!(!s.blocked() && s.find("1.0.0").is_none());
        assert_eq!(s.latest().map(|v| v.version.as_str()), Some("1.1.0"));
    }
}
