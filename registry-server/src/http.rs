//! The HTTP API (`/api/v1/…`, JSON) and the layers every request passes:
//! `Host` allow-list, same-origin rule for state changes, no credentials in
//! query strings, body limits, timeouts, security headers.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use skillseal_engine::Engine;
use skillseal_engine::policy::Judge;
use sqlx::AnyPool;
use sqlx::Row as _;

use crate::auth::{self, Caller, Throttle};
use crate::blobs::{BlobStore, valid_digest};
use crate::cache::Cache;
use crate::config::Config;
use crate::publish::{self, PublishError, PublishRequest};
use crate::store;
use crate::tokens::Scope;

/// Everything a request handler needs.
pub struct Registry {
    pub db: AnyPool,
    pub blobs: BlobStore,
    pub engine: Engine,
    pub judge: Judge,
    pub rules_digest: String,
    pub root: skillseal_sign::TrustedRoot,
    pub config: Config,
    pub throttle: Throttle,
    /// Database writes that extend the audit chain go one at a time per
    /// process; across processes the chain's primary key and the versions'
    /// unique key settle races.
    pub write_lock: tokio::sync::Mutex<()>,
    /// Read answers, token lookups and version digests, emptied by every
    /// change this process serves (see [`crate::cache`]).
    reads: Cache<(StatusCode, axum::body::Bytes)>,
    callers: Cache<Caller>,
    digests: Cache<String>,
    hosts: Vec<String>,
    origins: Vec<String>,
}

impl Registry {
    /// Opens the data directory (creating it), the database (migrating it)
    /// and the rules, and removes orphaned blobs.
    pub async fn open(config: Config) -> anyhow::Result<Arc<Registry>> {
        std::fs::create_dir_all(&config.data)?;
        let db = store::open(&config.database_url).await?;
        let blobs = BlobStore::open(&config.data)?;
        let set = skillseal_rules::RuleSet::builtin()
            .map_err(|e| anyhow::anyhow!("the built-in rules do not load: {e:?}"))?;
        config
            .policy
            .validate(set.rules())
            .map_err(|e| anyhow::anyhow!("registry.toml: {e}"))?;
        let engine = Engine::new(&set);
        let rules_digest = set.digest().to_string();
        let port = config.listen.port();
        let mut hosts = vec![
            config.listen.to_string(),
            format!("localhost:{port}"),
            format!("127.0.0.1:{port}"),
            format!("[::1]:{port}"),
        ];
        let scheme = config.scheme();
        let mut origins: Vec<String> = hosts.iter().map(|h| format!("{scheme}://{h}")).collect();
        if let Some(public) = &config.public_url {
            let trimmed = public.trim_end_matches('/');
            let host = trimmed.split_once("://").map_or(trimmed, |(_, rest)| rest);
            hosts.push(host.split('/').next().unwrap_or(host).to_string());
            origins.push(trimmed.to_string());
        }
        let registry = Registry {
            db,
            blobs,
            engine,
            judge: Judge {
                policy: config.policy.clone(),
                baseline: None,
            },
            rules_digest,
            root: skillseal_sign::TrustedRoot::production(),
            config,
            throttle: Throttle::default(),
            write_lock: tokio::sync::Mutex::new(()),
            reads: Cache::default(),
            callers: Cache::default(),
            digests: Cache::default(),
            hosts,
            origins,
        };
        registry.remove_orphans(3600).await?;
        Ok(Arc::new(registry))
    }

    /// Blobs that no version names, older than `grace_secs`.
    pub async fn remove_orphans(&self, grace_secs: u64) -> anyhow::Result<usize> {
        let rows = sqlx::query("SELECT digest, bundle_digest, report_digest FROM versions")
            .fetch_all(&self.db)
            .await?;
        let mut referenced = std::collections::HashSet::new();
        for r in &rows {
            for i in 0..3 {
                referenced.insert(r.try_get::<String, _>(i)?);
            }
        }
        // Reports of refused publishes are named only by the audit log.
        for r in sqlx::query("SELECT detail FROM audit WHERE action = 'publish.reject'")
            .fetch_all(&self.db)
            .await?
        {
            let detail: String = r.try_get(0)?;
            if let Some(d) = serde_json::from_str::<Value>(&detail)
                .ok()
                .and_then(|v| v["report"].as_str().map(String::from))
            {
                referenced.insert(d);
            }
        }
        let blobs = self.blobs.clone();
        Ok(
            tokio::task::spawn_blocking(move || blobs.remove_orphans(&referenced, grace_secs))
                .await?,
        )
    }

    /// Scans a package with the registry's rules and policy; the package is
    /// staged under its own name in a private temporary directory. Blocking
    /// (the engine runs on rayon's threads): call it off the async workers.
    pub fn scan_blocking(
        &self,
        name: &str,
        version: &str,
        bytes: &[u8],
    ) -> anyhow::Result<(skillseal_model::ScanReport, Vec<String>)> {
        let dir = self
            .config
            .data
            .join("blobs")
            .join("tmp")
            .join(format!("scan-{}", crate::tokens::generate().0));
        std::fs::create_dir_all(&dir)?;
        let file = dir.join(format!("{name}-{version}.skill.tgz"));
        let result = std::fs::write(&file, bytes).map(|()| {
            // Each file gets the configured CPU time, and the whole scan the
            // same time on the clock: a publish never holds a worker longer.
            let budget = self.config.file_timeout;
            let limits = skillseal_discover::Limits {
                budget: skillseal_engine::Budget {
                    cpu: budget,
                    until: Some(std::time::Instant::now() + budget),
                },
                ..skillseal_discover::Limits::default()
            };
            let outcome = skillseal_discover::scan_with(
                &self.engine,
                std::slice::from_ref(&file),
                &limits,
                &self.judge,
            );
            (outcome.report, outcome.incomplete)
        });
        let _ = std::fs::remove_dir_all(&dir);
        Ok(result?)
    }
}

/// A JSON error body: `{"error": {"code": …, "message": …}}`.
pub fn error(status: StatusCode, code: &str, message: impl std::fmt::Display) -> Response {
    (
        status,
        Json(json!({"error": {"code": code, "message": message.to_string()}})),
    )
        .into_response()
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "internal error");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "internal error",
    )
}

/// The response to an audited change: `done` when it changed something,
/// 404 with `missing` when there was nothing to change.
fn changed(result: Result<bool, sqlx::Error>, done: Response, missing: String) -> Response {
    match result {
        Ok(true) => done,
        Ok(false) => error(StatusCode::NOT_FOUND, "not_found", missing),
        Err(e) => internal(e),
    }
}

fn client_ip(req_ext: &axum::http::Extensions) -> IpAddr {
    req_ext
        .get::<ConnectInfo<crate::tls::Peer>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0.0.ip())
}

/// The caller, if a token was sent; a bad token is an error (never silently
/// anonymous), and repeated bad tokens from one address are slowed down.
async fn caller(
    reg: &Registry,
    headers: &HeaderMap,
    ip: IpAddr,
) -> Result<Option<Caller>, Response> {
    let Some(secret) = auth::bearer(headers) else {
        if headers.contains_key(header::AUTHORIZATION) {
            return Err(error(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                auth::AuthError::Invalid,
            ));
        }
        return Ok(None);
    };
    let delay = reg.throttle.delay(ip);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    // Keyed by the token's hash; the secret itself is never kept.
    let key = secret.hash();
    if let Some(c) = reg.callers.get(&key) {
        return Ok(Some(c));
    }
    let generation = reg.callers.generation();
    match auth::authenticate(&reg.db, &secret, store::now()).await {
        Ok(c) => {
            reg.throttle.succeeded(ip);
            reg.callers.put(key, generation, c.clone());
            Ok(Some(c))
        }
        Err(auth::AuthError::Db(e)) => Err(internal(e)),
        Err(e) => {
            reg.throttle.failed(ip);
            Err(error(StatusCode::UNAUTHORIZED, "unauthenticated", e))
        }
    }
}

async fn require(reg: &Registry, headers: &HeaderMap, ip: IpAddr) -> Result<Caller, Response> {
    caller(reg, headers, ip).await?.ok_or_else(|| {
        error(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            auth::AuthError::Missing,
        )
    })
}

async fn require_admin(
    reg: &Registry,
    headers: &HeaderMap,
    ip: IpAddr,
) -> Result<Caller, Response> {
    let c = require(reg, headers, ip).await?;
    if c.is_admin() {
        Ok(c)
    } else {
        Err(error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this needs an admin token",
        ))
    }
}

/// Query parameters that carry credentials or connection targets are
/// refused outright: a link must never be able to hand the registry a token.
const FORBIDDEN_QUERY: [&str; 6] = [
    "token",
    "access_token",
    "auth",
    "api_key",
    "registry",
    "url",
];

async fn harden(State(reg): State<Arc<Registry>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase);
    let mut response = match host {
        None => error(StatusCode::BAD_REQUEST, "bad_host", "no Host header"),
        Some(h) if !reg.hosts.contains(&h) => error(
            StatusCode::MISDIRECTED_REQUEST,
            "bad_host",
            format!("unknown host `{h}`"),
        ),
        Some(_) => {
            let query_bad = req.uri().query().is_some_and(|q| {
                q.split('&')
                    .filter_map(|kv| kv.split('=').next())
                    .any(|k| FORBIDDEN_QUERY.contains(&k.to_ascii_lowercase().as_str()))
            });
            let changes_state =
                !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
            let origin = req
                .headers()
                .get(header::ORIGIN)
                .and_then(|o| o.to_str().ok());
            let fetch_site = req
                .headers()
                .get("sec-fetch-site")
                .and_then(|o| o.to_str().ok());
            let cross_origin = changes_state
                && (origin.is_some_and(|o| !reg.origins.iter().any(|a| a == o))
                    || fetch_site.is_some_and(|s| s != "same-origin" && s != "none"));
            if query_bad {
                error(
                    StatusCode::BAD_REQUEST,
                    "bad_query",
                    "credentials and targets are never taken from the query string",
                )
            } else if cross_origin {
                error(
                    StatusCode::FORBIDDEN,
                    "cross_origin",
                    "state-changing requests must come from the registry's own origin",
                )
            } else if changes_state && req.uri().path() != "/api/v1/resolve" {
                // Resolving is a read sent as POST; everything else
                // changes something, so nothing remembered survives it.
                let response = next.run(req).await;
                reg.reads.invalidate();
                reg.callers.invalidate();
                reg.digests.invalidate();
                response
            } else {
                // Reads: a token sent is checked (never silently ignored),
                // and required when the registry is private.
                let ip = client_ip(req.extensions());
                match caller(&reg, req.headers(), ip).await {
                    Err(refused) => refused,
                    Ok(None) if reg.config.auth_required => error(
                        StatusCode::UNAUTHORIZED,
                        "unauthenticated",
                        auth::AuthError::Missing,
                    ),
                    Ok(_) => next.run(req).await,
                }
            }
        }
    };
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        (
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'",
        ),
        ("cross-origin-resource-policy", "same-origin"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// A JSON answer from the read cache, else computed and remembered (only
/// `200` and `404`: errors are never reused).
async fn cached_json(
    reg: &Registry,
    key: String,
    compute: impl std::future::Future<Output = Response>,
) -> Response {
    if let Some((status, body)) = reg.reads.get(&key) {
        let mut r = Response::new(Body::from(body));
        *r.status_mut() = status;
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        return r;
    }
    let generation = reg.reads.generation();
    let response = compute.await;
    let status = response.status();
    if status != StatusCode::OK && status != StatusCode::NOT_FOUND {
        return response;
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            reg.reads.put(key, generation, (status, bytes.clone()));
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(e) => internal(e),
    }
}

/// The router, with every layer.
pub fn router(reg: Arc<Registry>) -> Router {
    let upload_limit = reg.config.max_upload_bytes * 4 / 3 + (64 << 10);
    Router::new()
        .route("/api/v1/skills", get(list_skills))
        .route("/api/v1/skills/{name}", get(skill))
        .route(
            "/api/v1/skills/{name}/{version}",
            put(publish_version).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/api/v1/skills/{name}/{version}/{file}",
            get(download).post(set_yanked),
        )
        .route("/api/v1/skills/{name}/owners", get(owners))
        .route(
            "/api/v1/skills/{name}/signers",
            get(signers).post(change_signer).delete(change_signer),
        )
        .route(
            "/api/v1/skills/{name}/owners/{owner}",
            put(change_owner).delete(change_owner),
        )
        .route("/api/v1/packages/{digest}", get(package_by_digest))
        .route("/api/v1/resolve", post(resolve))
        .route("/api/v1/tokens", get(list_tokens).post(create_token))
        .route("/api/v1/tokens/{id}", delete(revoke_token))
        .route("/api/v1/audit", get(audit))
        .layer(DefaultBodyLimit::max(64 << 10))
        .layer(middleware::from_fn_with_state(reg.clone(), harden))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .with_state(reg)
}

#[derive(Deserialize)]
struct Search {
    q: Option<String>,
}

async fn list_skills(State(reg): State<Arc<Registry>>, Query(search): Query<Search>) -> Response {
    let q = search.q.unwrap_or_default();
    cached_json(&reg, format!("list\0{q}"), list_skills_uncached(&reg, q)).await
}

async fn list_skills_uncached(reg: &Registry, q: String) -> Response {
    let pattern = format!("%{}%", q.replace(['%', '_'], ""));
    let rows = sqlx::query(
        "SELECT s.name, COUNT(v.version) FROM skills s LEFT JOIN versions v ON v.skill = s.name \
         WHERE s.name LIKE $1 GROUP BY s.name ORDER BY s.name LIMIT 500",
    )
    .bind(pattern)
    .fetch_all(&reg.db)
    .await;
    match rows {
        Ok(rows) => {
            let skills: Vec<Value> = rows
                .iter()
                .map(|r| json!({"name": r.try_get::<String, _>(0).unwrap_or_default(), "versions": r.try_get::<i64, _>(1).unwrap_or_default()}))
                .collect();
            Json(json!({"skills": skills})).into_response()
        }
        Err(e) => internal(e),
    }
}

fn version_json(r: &sqlx::any::AnyRow) -> Value {
    let text = |i: usize| r.try_get::<String, _>(i).unwrap_or_default();
    json!({
        "version": text(0),
        "digest": text(1),
        "bundle_digest": text(2),
        "report_digest": text(3),
        "size": r.try_get::<i64, _>(4).unwrap_or_default(),
        "signer": serde_json::from_str::<Value>(&text(5)).unwrap_or(Value::Null),
        "capabilities": serde_json::from_str::<Value>(&text(6)).unwrap_or(Value::Null),
        "verdict": text(7),
        "rules_digest": text(8),
        "yanked": r.try_get::<i64, _>(9).unwrap_or_default() != 0,
        "published_at": r.try_get::<i64, _>(10).unwrap_or_default(),
    })
}

const VERSION_COLUMNS: &str = "version, digest, bundle_digest, report_digest, size, signer, capabilities, \
     verdict, rules_digest, yanked, published_at";

async fn skill(State(reg): State<Arc<Registry>>, Path(name): Path<String>) -> Response {
    cached_json(
        &reg,
        format!("skill\0{name}"),
        skill_uncached(&reg, name.clone()),
    )
    .await
}

async fn skill_uncached(reg: &Registry, name: String) -> Response {
    let rows = sqlx::query(&format!(
        "SELECT {VERSION_COLUMNS} FROM versions WHERE skill = $1 ORDER BY major DESC, minor DESC, patch DESC, version DESC"
    ))
    .bind(&name)
    .fetch_all(&reg.db)
    .await;
    match rows {
        Ok(rows) if rows.is_empty() => error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no skill `{name}`"),
        ),
        Ok(rows) => Json(
            json!({"name": name, "versions": rows.iter().map(version_json).collect::<Vec<_>>()}),
        )
        .into_response(),
        Err(e) => internal(e),
    }
}

async fn publish_version(
    State(reg): State<Arc<Registry>>,
    Path((name, version)): Path<(String, String)>,
    req: Request,
) -> Response {
    let ip = client_ip(req.extensions());
    let headers = req.headers().clone();
    let caller = match caller(&reg, &headers, ip).await {
        Ok(c) => c,
        Err(r) => {
            let _ = store::audit_alone(
                &reg.db,
                "anonymous",
                "publish.reject",
                &format!("{name}@{version}"),
                &json!({"reason": "invalid token"}),
            )
            .await;
            return r;
        }
    };
    let body = match axum::body::to_bytes(req.into_body(), usize::MAX).await {
        Ok(b) => b,
        Err(e) => return error(StatusCode::PAYLOAD_TOO_LARGE, "too_large", e),
    };
    let result = match serde_json::from_slice::<PublishRequest>(&body) {
        Ok(request) => publish::publish(&reg, caller.as_ref(), &name, &version, request).await,
        Err(e) => Err(PublishError::BadRequest(e.to_string())),
    };
    match result {
        Ok(published) => (StatusCode::CREATED, Json(published)).into_response(),
        Err(e) => {
            let (code, status) = e.code();
            let actor = caller.as_ref().map_or("anonymous", |c| c.name.as_str());
            let mut detail = json!({"code": code, "reason": e.to_string()});
            if let PublishError::Blocked { report, .. } = &e {
                detail["report"] = json!(report);
            }
            if let Err(audit_error) = store::audit_alone(
                &reg.db,
                actor,
                "publish.reject",
                &format!("{name}@{version}"),
                &detail,
            )
            .await
            {
                return internal(audit_error);
            }
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            if status == StatusCode::INTERNAL_SERVER_ERROR {
                return internal(e);
            }
            error(status, code, e)
        }
    }
}

/// Immutable content: cache forever, named by its digest.
fn blob_response(reg: &Registry, digest: &str, content_type: &'static str) -> Response {
    match reg.blobs.get(digest) {
        Ok(Some(bytes)) => {
            let mut r = Response::new(Body::from(bytes));
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
        Ok(None) => error(StatusCode::NOT_FOUND, "not_found", "no such blob"),
        Err(e) => internal(e),
    }
}

async fn download(
    State(reg): State<Arc<Registry>>,
    Path((name, version, file)): Path<(String, String, String)>,
) -> Response {
    let (column, content_type) = match file.as_str() {
        "package" => ("digest", "application/gzip"),
        "bundle" => ("bundle_digest", "application/json"),
        "report" => ("report_digest", "application/json"),
        _ => {
            return error(
                StatusCode::NOT_FOUND,
                "not_found",
                "expected package, bundle or report",
            );
        }
    };
    let key = format!("{name}\0{version}\0{column}");
    if let Some(digest) = reg.digests.get(&key) {
        return blob_response(&reg, &digest, content_type);
    }
    let generation = reg.digests.generation();
    let row = sqlx::query(&format!(
        "SELECT {column} FROM versions WHERE skill = $1 AND version = $2"
    ))
    .bind(&name)
    .bind(&version)
    .fetch_optional(&reg.db)
    .await;
    match row {
        Ok(Some(r)) => {
            let digest = r.try_get::<String, _>(0).unwrap_or_default();
            reg.digests.put(key, generation, digest.clone());
            blob_response(&reg, &digest, content_type)
        }
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no version {name} {version}"),
        ),
        Err(e) => internal(e),
    }
}

async fn package_by_digest(
    State(reg): State<Arc<Registry>>,
    Path(digest): Path<String>,
) -> Response {
    if !valid_digest(&digest) {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_digest",
            "expected sha256:<64 hex digits>",
        );
    }
    let known = sqlx::query("SELECT 1 FROM versions WHERE digest = $1")
        .bind(&digest)
        .fetch_optional(&reg.db)
        .await;
    match known {
        Ok(Some(_)) => blob_response(&reg, &digest, "application/gzip"),
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "not_found",
            "no package with this digest",
        ),
        Err(e) => internal(e),
    }
}

/// `POST …/VERSION/yank` and `…/unyank`.
async fn set_yanked(
    State(reg): State<Arc<Registry>>,
    Path((name, version, action)): Path<(String, String, String)>,
    req: Request,
) -> Response {
    let yanked = match action.as_str() {
        "yank" => true,
        "unyank" => false,
        _ => {
            return error(
                StatusCode::NOT_FOUND,
                "not_found",
                "expected yank or unyank",
            );
        }
    };
    let ip = client_ip(req.extensions());
    let c = match require(&reg, req.headers(), ip).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if !c.may_yank(&name) {
        return error(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("the token may not yank `{name}`"),
        );
    }
    let _guard = reg.write_lock.lock().await;
    let result = async {
        let mut tx = store::begin_write(&reg.db).await?;
        let n = sqlx::query("UPDATE versions SET yanked = $1 WHERE skill = $2 AND version = $3")
            .bind(i64::from(yanked))
            .bind(&name)
            .bind(&version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        let action = if yanked { "yank" } else { "unyank" };
        store::audit(
            &mut tx,
            &c.name,
            action,
            &format!("{name}@{version}"),
            &json!({"token": c.token_id}),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(true)
    }
    .await;
    let done = Json(json!({"name": name, "version": version, "yanked": yanked})).into_response();
    changed(result, done, format!("no version {name} {version}"))
}

async fn owners(State(reg): State<Arc<Registry>>, Path(name): Path<String>) -> Response {
    match sqlx::query("SELECT owner FROM owners WHERE skill = $1 ORDER BY owner").bind(&name).fetch_all(&reg.db).await {
        Ok(rows) => Json(json!({"name": name, "owners": rows.iter().filter_map(|r| r.try_get::<String, _>(0).ok()).collect::<Vec<_>>()})).into_response(),
        Err(e) => internal(e),
    }
}

/// The caller, when an owner of `name` or an admin.
async fn require_owner(
    reg: &Registry,
    headers: &HeaderMap,
    ip: IpAddr,
    name: &str,
    what: &str,
) -> Result<Caller, Response> {
    let c = require(reg, headers, ip).await?;
    let is_owner = sqlx::query("SELECT 1 FROM owners WHERE skill = $1 AND owner = $2")
        .bind(name)
        .bind(&c.name)
        .fetch_optional(&reg.db)
        .await;
    match is_owner {
        Ok(Some(_)) => Ok(c),
        Ok(None) if c.is_admin() => Ok(c),
        Ok(None) => Err(error(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("only owners of `{name}` or an admin change its {what}"),
        )),
        Err(e) => Err(internal(e)),
    }
}

async fn signers(State(reg): State<Arc<Registry>>, Path(name): Path<String>) -> Response {
    let rows = sqlx::query(
        "SELECT kind, value, issuer, added_at FROM signers WHERE skill = $1 ORDER BY added_at, value",
    )
    .bind(&name)
    .fetch_all(&reg.db)
    .await;
    match rows {
        Ok(rows) if rows.is_empty() => error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no skill `{name}`"),
        ),
        Ok(rows) => {
            let list: Vec<Value> = rows
                .iter()
                .map(|r| {
                    let text = |i: usize| r.try_get::<String, _>(i).unwrap_or_default();
                    let mut v = if text(0) == "key" {
                        json!({"kind": "key", "fingerprint": text(1)})
                    } else {
                        json!({"kind": "identity", "identity": text(1), "issuer": text(2)})
                    };
                    v["added_at"] = json!(r.try_get::<i64, _>(3).unwrap_or_default());
                    v
                })
                .collect();
            Json(json!({"name": name, "signers": list})).into_response()
        }
        Err(e) => internal(e),
    }
}

/// An owner registers another signer (`POST`) or retires one (`DELETE`),
/// with the same JSON as a publish's `signer`. The last signer of a skill
/// stays: without one, the next publish would register its own.
async fn change_signer(
    State(reg): State<Arc<Registry>>,
    Path(name): Path<String>,
    req: Request,
) -> Response {
    let ip = client_ip(req.extensions());
    let add = req.method() == Method::POST;
    let headers = req.headers().clone();
    let c = match require_owner(&reg, &headers, ip, &name, "signers").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let body = match axum::body::to_bytes(req.into_body(), 64 << 10).await {
        Ok(b) => b,
        Err(e) => return error(StatusCode::PAYLOAD_TOO_LARGE, "too_large", e),
    };
    let spec: publish::SignerSpec = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => return error(StatusCode::BAD_REQUEST, "bad_request", e),
    };
    let id = match publish::policy_of(&spec) {
        Ok((_, id)) => id,
        Err(e) => return error(StatusCode::BAD_REQUEST, "bad_request", e),
    };
    let _guard = reg.write_lock.lock().await;
    let result = async {
        let mut tx = store::begin_write(&reg.db).await?;
        let exists = sqlx::query("SELECT 1 FROM skills WHERE name = $1")
            .bind(&name)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Ok(Err(error(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("no skill `{name}`"),
            )));
        }
        let (value, issuer) = match &id {
            publish::SignerId::Key { fingerprint } => (fingerprint.clone(), String::new()),
            publish::SignerId::Identity { identity, issuer } => (identity.clone(), issuer.clone()),
        };
        let count: i64 = sqlx::query("SELECT COUNT(*) FROM signers WHERE skill = $1")
            .bind(&name)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let present =
            sqlx::query("SELECT 1 FROM signers WHERE skill = $1 AND value = $2 AND issuer = $3")
                .bind(&name)
                .bind(&value)
                .bind(&issuer)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
        if add && present {
            return Ok(Err(error(
                StatusCode::CONFLICT,
                "signer_exists",
                format!("{id} is already trusted for `{name}`"),
            )));
        }
        if !add && !present {
            return Ok(Err(error(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{id} is not a signer of `{name}`"),
            )));
        }
        if !add && count == 1 {
            return Ok(Err(error(
                StatusCode::CONFLICT,
                "last_signer",
                format!("{id} is the last signer of `{name}`: register another first"),
            )));
        }
        if add {
            publish::insert_signer(&mut tx, &name, &spec, &id, store::now()).await?;
        } else {
            sqlx::query("DELETE FROM signers WHERE skill = $1 AND value = $2 AND issuer = $3")
                .bind(&name)
                .bind(&value)
                .bind(&issuer)
                .execute(&mut *tx)
                .await?;
        }
        let action = if add { "signer.add" } else { "signer.remove" };
        store::audit(&mut tx, &c.name, action, &name, &json!({"signer": id})).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(Ok(()))
    }
    .await;
    match result {
        Ok(Ok(())) => StatusCode::NO_CONTENT.into_response(),
        Ok(Err(refusal)) => refusal,
        Err(e) => internal(e),
    }
}

/// `PUT` adds an owner, `DELETE` removes one.
async fn change_owner(
    State(reg): State<Arc<Registry>>,
    Path((name, owner)): Path<(String, String)>,
    req: Request,
) -> Response {
    let add = req.method() == Method::PUT;
    let ip = client_ip(req.extensions());
    let c = match require_owner(&reg, req.headers(), ip, &name, "owners").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let _guard = reg.write_lock.lock().await;
    let result = async {
        let mut tx = store::begin_write(&reg.db).await?;
        let exists = sqlx::query("SELECT 1 FROM skills WHERE name = $1")
            .bind(&name)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Ok(false);
        }
        if add {
            sqlx::query("DELETE FROM owners WHERE skill = $1 AND owner = $2")
                .bind(&name)
                .bind(&owner)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO owners (skill, owner) VALUES ($1, $2)")
                .bind(&name)
                .bind(&owner)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("DELETE FROM owners WHERE skill = $1 AND owner = $2")
                .bind(&name)
                .bind(&owner)
                .execute(&mut *tx)
                .await?;
        }
        let action = if add { "owner.add" } else { "owner.remove" };
        store::audit(&mut tx, &c.name, action, &name, &json!({"owner": owner})).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(true)
    }
    .await;
    changed(
        result,
        StatusCode::NO_CONTENT.into_response(),
        format!("no skill `{name}`"),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResolveRequest {
    skills: BTreeMap<String, String>,
}

/// `{name: requirement}` to exact pins: the highest matching version that
/// is not yanked (pre-releases only when the requirement names one).
async fn resolve(State(reg): State<Arc<Registry>>, body: axum::body::Bytes) -> Response {
    // Keyed by the body's hash: a large request costs a fixed-size key.
    let key = format!("resolve\0{}", crate::blobs::digest_of(&body));
    cached_json(&reg, key, resolve_uncached(&reg, body)).await
}

async fn resolve_uncached(reg: &Registry, body: axum::body::Bytes) -> Response {
    let request: ResolveRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, "bad_request", e),
    };
    let mut pins = serde_json::Map::new();
    for (name, requirement) in &request.skills {
        let Ok(req) = semver::VersionReq::parse(requirement) else {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_requirement",
                format!("`{requirement}` ({name}) is not a semver requirement"),
            );
        };
        let rows = match sqlx::query(&format!(
            "SELECT {VERSION_COLUMNS} FROM versions WHERE skill = $1 AND yanked = 0"
        ))
        .bind(name)
        .fetch_all(&reg.db)
        .await
        {
            Ok(rows) => rows,
            Err(e) => return internal(e),
        };
        let best = rows
            .iter()
            .filter_map(|r| {
                semver::Version::parse(&r.try_get::<String, _>(0).ok()?)
                    .ok()
                    .map(|v| (v, r))
            })
            .filter(|(v, _)| req.matches(v))
            .max_by(|a, b| a.0.cmp(&b.0));
        match best {
            Some((_, row)) => {
                let mut pin = version_json(row);
                pin["name"] = json!(name);
                pins.insert(name.clone(), pin);
            }
            None => {
                return error(
                    StatusCode::NOT_FOUND,
                    "no_match",
                    format!(
                        "no version of `{name}` matches `{requirement}` (yanked versions are never chosen)"
                    ),
                );
            }
        }
    }
    Json(json!({"pins": pins})).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewToken {
    name: String,
    scopes: Vec<String>,
    #[serde(default)]
    expires_in_days: Option<i64>,
}

async fn create_token(State(reg): State<Arc<Registry>>, req: Request) -> Response {
    let ip = client_ip(req.extensions());
    let c = match require_admin(&reg, req.headers(), ip).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let body = match axum::body::to_bytes(req.into_body(), 64 << 10).await {
        Ok(b) => b,
        Err(e) => return error(StatusCode::PAYLOAD_TOO_LARGE, "too_large", e),
    };
    let new: NewToken = match serde_json::from_slice(&body) {
        Ok(n) => n,
        Err(e) => return error(StatusCode::BAD_REQUEST, "bad_request", e),
    };
    if !skillseal_package::valid_name(&new.name) {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_name",
            "a token name is like a skill name: lower-case letters, digits, `-`, `_`, `.`",
        );
    }
    let mut scopes = Vec::new();
    for s in &new.scopes {
        match Scope::parse(s) {
            Some(scope) => scopes.push(scope),
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "bad_scope",
                    format!("`{s}`: expected publish:GLOB, yank:GLOB or admin"),
                );
            }
        }
    }
    let expires = new
        .expires_in_days
        .map(|d| store::now() + d.clamp(1, 3650) * 86_400);
    let _guard = reg.write_lock.lock().await;
    match auth::create_token(&reg.db, &c.name, &new.name, &scopes, expires).await {
        Ok((id, secret)) => (
            StatusCode::CREATED,
            Json(json!({"id": id, "name": new.name, "scopes": scopes, "expires_at": expires, "token": secret.expose()})),
        )
            .into_response(),
        Err(e) => internal(e),
    }
}

async fn list_tokens(State(reg): State<Arc<Registry>>, req: Request) -> Response {
    let ip = client_ip(req.extensions());
    if let Err(r) = require_admin(&reg, req.headers(), ip).await {
        return r;
    }
    match sqlx::query("SELECT id, name, scopes, created_at, expires_at, revoked_at FROM tokens ORDER BY created_at, id").fetch_all(&reg.db).await {
        Ok(rows) => {
            let tokens: Vec<Value> = rows
                .iter()
                .map(|r| {
                    json!({
                        "id": r.try_get::<String, _>(0).unwrap_or_default(),
                        "name": r.try_get::<String, _>(1).unwrap_or_default(),
                        "scopes": serde_json::from_str::<Value>(&r.try_get::<String, _>(2).unwrap_or_default()).unwrap_or(Value::Null),
                        "created_at": r.try_get::<i64, _>(3).unwrap_or_default(),
                        "expires_at": r.try_get::<Option<i64>, _>(4).unwrap_or_default(),
                        "revoked_at": r.try_get::<Option<i64>, _>(5).unwrap_or_default(),
                    })
                })
                .collect();
            Json(json!({"tokens": tokens})).into_response()
        }
        Err(e) => internal(e),
    }
}

async fn revoke_token(
    State(reg): State<Arc<Registry>>,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let ip = client_ip(req.extensions());
    let c = match require_admin(&reg, req.headers(), ip).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let _guard = reg.write_lock.lock().await;
    let result = async {
        let mut tx = store::begin_write(&reg.db).await?;
        let n =
            sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(store::now())
                .bind(&id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        store::audit(&mut tx, &c.name, "token.revoke", &id, &json!({})).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(true)
    }
    .await;
    changed(
        result,
        StatusCode::NO_CONTENT.into_response(),
        format!("no active token `{id}`"),
    )
}

#[derive(Deserialize)]
struct AuditQuery {
    after: Option<i64>,
    limit: Option<i64>,
}

async fn audit(
    State(reg): State<Arc<Registry>>,
    Query(q): Query<AuditQuery>,
    req: Request,
) -> Response {
    let ip = client_ip(req.extensions());
    if let Err(r) = require_admin(&reg, req.headers(), ip).await {
        return r;
    }
    match store::audit_entries(
        &reg.db,
        q.after.unwrap_or(0),
        q.limit.unwrap_or(500).clamp(1, 5000),
    )
    .await
    {
        Ok(entries) => Json(json!({"entries": entries})).into_response(),
        Err(e) => internal(e),
    }
}
