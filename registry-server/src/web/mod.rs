//! The registry's web pages: what a security team reviews before it
//! trusts a skill. Server-rendered with `maud` (every value is escaped; no
//! text from a skill is ever HTML), one stylesheet, no script, under the
//! same hardening as the API plus a page CSP (`style-src 'self'`, nothing
//! inline). Read-only; a private registry (`auth_required`) asks for a
//! token as the API does.
//!
//! - `/`: search, recently published, counts by verdict;
//! - `/skills/NAME`: description, owners, signers, versions with verdict
//!   badges (yanked ones marked), install snippets;
//! - `/skills/NAME/VERSION`: digests, signer, capabilities, the scan's
//!   findings by file with their code, the verdict's reasons, the files,
//!   what changed since the previous version, and the log's proof.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use crate::api::ApiError;
use crate::state::Registry;
use crate::store;
use crate::store::versions::Version;
use crate::views::report;

/// The pages' Content-Security-Policy: the stylesheet, nothing else.
pub const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

pub mod admin;

pub fn routes() -> Router<Arc<Registry>> {
    Router::new()
        .merge(admin::routes())
        .route("/", get(home))
        .route("/skills/{name}", get(skill))
        .route("/skills/{name}/{version}", get(version))
        .route("/static/app.css", get(stylesheet))
}

async fn stylesheet() -> Response {
    let mut r = include_str!("app.css").into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

/// A whole page.
fn page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · skillseal-registry" }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                header {
                    a.brand href="/" { "skillseal-registry" }
                    form action="/" method="get" role="search" {
                        input type="search" name="q" placeholder="Search skills" aria-label="Search skills";
                    }
                }
                main { (body) }
            }
        }
    }
}

/// Whether a page request may be answered on a private registry
/// (`auth_required`) without a bearer token: the sign-in form and the
/// stylesheet always, the other pages with a valid admin session.
pub async fn open_without_token(reg: &Registry, path: &str, headers: &HeaderMap) -> bool {
    if path == "/admin" || path == "/admin/login" || path == "/static/app.css" {
        return true;
    }
    let page = path == "/" || path.starts_with("/skills/") || path.starts_with("/admin/");
    page && matches!(admin::session(reg, headers).await, Ok(Some(_)))
}

/// A page as a response, with the page CSP, and a referrer policy under
/// which a browser's form POST carries the page's own `Origin` (under
/// `no-referrer` it sends `Origin: null`, which the same-origin rule
/// refuses).
fn respond(status: StatusCode, markup: Markup) -> Response {
    let mut r = (status, markup).into_response();
    let h = r.headers_mut();
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(PAGE_CSP),
    );
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    r
}

/// An error as a page.
fn error_page(e: ApiError) -> Response {
    let status = e.status();
    if status.is_server_error() {
        tracing::error!("page: {e}");
    }
    let message = if status.is_server_error() {
        "internal error".to_string()
    } else {
        e.to_string()
    };
    respond(
        status,
        page(
            status.canonical_reason().unwrap_or("error"),
            html! { h1 { (status.as_u16()) } p.notice { (message) } },
        ),
    )
}

fn badge(verdict: &str) -> Markup {
    let class = match verdict {
        "pass" => "badge pass",
        "review" => "badge review",
        _ => "badge block",
    };
    html! { span class=(class) { (verdict) } }
}

fn when(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0).map_or_else(
        || seconds.to_string(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

#[derive(Deserialize)]
pub struct Search {
    q: Option<String>,
}

/// `GET /`.
async fn home(State(reg): State<Arc<Registry>>, Query(search): Query<Search>) -> Response {
    match home_page(&reg, search.q.unwrap_or_default()).await {
        Ok(markup) => respond(StatusCode::OK, markup),
        Err(e) => error_page(e),
    }
}

async fn home_page(reg: &Registry, q: String) -> Result<Markup, ApiError> {
    let q = q.trim().to_string();
    let mut names: Vec<String> = store::skills::names(&reg.db)
        .await?
        .into_iter()
        .filter(|n| q.is_empty() || n.contains(&q.to_ascii_lowercase()))
        .collect();
    names.sort();
    names.truncate(200);
    let recent = store::versions::recent(&reg.db, 10).await?;
    let counts = store::versions::verdict_counts(&reg.db).await?;
    Ok(page(
        "Skills",
        html! {
            section.counts aria-label="Versions by verdict" {
                @for (verdict, n) in &counts {
                    div.count { (badge(verdict)) " " strong { (n) } }
                }
            }
            @if !q.is_empty() {
                h1 { "Skills matching “" (q) "”" }
            } @else {
                h1 { "Skills" }
            }
            @if names.is_empty() {
                p.notice { "No skill matches." }
            } @else {
                ul.skills {
                    @for name in &names {
                        li { a href={ "/skills/" (name) } { (name) } }
                    }
                }
            }
            h2 { "Recently published" }
            table.recent {
                thead { tr { th { "Skill" } th { "Version" } th { "Verdict" } th { "Published" } } }
                tbody {
                    @for (name, v) in &recent {
                        tr {
                            td { a href={ "/skills/" (name) } { (name) } }
                            td { a href={ "/skills/" (name) "/" (v.version) } { (v.version) } }
                            td { (badge(&v.verdict)) @if v.yanked { " " span.yanked { "yanked" } } }
                            td { (when(v.published_at)) }
                        }
                    }
                }
            }
        },
    ))
}

/// `GET /skills/NAME`.
async fn skill(
    State(reg): State<Arc<Registry>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    match skill_page(&reg, &name, &headers).await {
        Ok(markup) => respond(StatusCode::OK, markup),
        Err(e) => error_page(e),
    }
}

fn signer_text(signer: &str) -> String {
    match serde_json::from_str::<skillseal_lock::Signer>(signer) {
        Ok(s) => s.to_string(),
        Err(_) => signer.to_string(),
    }
}

async fn skill_page(
    reg: &Arc<Registry>,
    name: &str,
    headers: &HeaderMap,
) -> Result<Markup, ApiError> {
    let versions = store::versions::all(&reg.db, name).await?;
    if versions.is_empty() {
        return Err(ApiError::NoSkill(name.to_string()));
    }
    let owners = store::skills::owners(&reg.db, name).await?;
    let signers = store::skills::signers(&reg.db, name).await?;
    let latest = versions.iter().find(|v| !v.yanked && v.verdict != "block");
    let description = match latest {
        Some(v) => reg.views.get(reg, &v.digest).await?.description.clone(),
        None => None,
    };
    let base = crate::api::well_known::base_url(reg, headers);
    Ok(page(
        name,
        html! {
            h1 { (name) }
            @if let Some(d) = &description { p.description { (d) } }
            dl.facts {
                dt { "Owners" } dd { (owners.join(", ")) }
                dt { "Signers" }
                dd {
                    ul.plain {
                        @for s in &signers { li { code { (s.id.to_string()) } } }
                    }
                }
            }
            h2 { "Install" }
            pre.snippet { code { "skillseal add " (name) } }
            pre.snippet { code { "clawhub --registry " (base) "/clawhub install " (name) } }
            h2 { "Versions" }
            table.versions {
                thead { tr { th { "Version" } th { "Verdict" } th { "Signer" } th { "Published" } } }
                tbody {
                    @for v in &versions {
                        tr class=[v.yanked.then_some("yanked-row")] {
                            td {
                                a href={ "/skills/" (name) "/" (v.version) } { (v.version) }
                                @if v.yanked { " " span.yanked { "yanked" } }
                            }
                            td { (badge(&v.verdict)) }
                            td { code { (signer_text(&v.signer)) } }
                            td { (when(v.published_at)) }
                        }
                    }
                }
            }
        },
    ))
}

/// `GET /skills/NAME/VERSION`.
async fn version(
    State(reg): State<Arc<Registry>>,
    Path((name, version)): Path<(String, String)>,
) -> Response {
    match version_page(&reg, &name, &version).await {
        Ok(markup) => respond(StatusCode::OK, markup),
        Err(e) => error_page(e),
    }
}

fn capabilities(v: &Version) -> Vec<String> {
    serde_json::from_str(&v.capabilities).unwrap_or_default()
}

async fn version_page(reg: &Arc<Registry>, name: &str, version: &str) -> Result<Markup, ApiError> {
    let all = store::versions::all(&reg.db, name).await?;
    let Some(pos) = all.iter().position(|v| v.version == version) else {
        return Err(ApiError::NoVersion {
            skill: name.to_string(),
            version: version.to_string(),
        });
    };
    let v = &all[pos];
    // The next lower version, highest first in `all`.
    let previous = all.get(pos + 1);
    let this = report(reg, &v.report_digest).await?;
    let skill = this.skills.first();
    let mut by_file: BTreeMap<&str, Vec<&skillseal_model::Finding>> = BTreeMap::new();
    for f in skill.map(|s| s.findings.as_slice()).unwrap_or_default() {
        by_file.entry(f.file.as_str()).or_default().push(f);
    }
    let files = reg.views.get(reg, &v.digest).await?;
    let caps = capabilities(v);
    let (gained, lost, new_rules, gone_rules) = match previous {
        Some(p) => {
            let before = capabilities(p);
            let old = report(reg, &p.report_digest).await?;
            let rules = |r: &skillseal_model::ScanReport| -> std::collections::BTreeSet<String> {
                r.skills
                    .iter()
                    .flat_map(|s| s.findings.iter().map(|f| f.rule.clone()))
                    .collect()
            };
            let (now_rules, old_rules) = (rules(&this), rules(&old));
            (
                caps.iter()
                    .filter(|c| !before.contains(c))
                    .cloned()
                    .collect::<Vec<_>>(),
                before
                    .iter()
                    .filter(|c| !caps.contains(c))
                    .cloned()
                    .collect::<Vec<_>>(),
                now_rules
                    .difference(&old_rules)
                    .cloned()
                    .collect::<Vec<_>>(),
                old_rules
                    .difference(&now_rules)
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        }
        None => Default::default(),
    };
    let log = log_status(reg, v).await?;
    Ok(page(
        &format!("{name} {version}"),
        html! {
            h1 { a href={ "/skills/" (name) } { (name) } " " (version) " " (badge(&v.verdict)) @if v.yanked { " " span.yanked { "yanked" } } }
            dl.facts {
                dt { "Package digest" } dd { code { (v.digest) } }
                dt { "Bundle digest" } dd { code { (v.bundle_digest) } }
                dt { "Signer" } dd { code { (signer_text(&v.signer)) } }
                dt { "Published" } dd { (when(v.published_at)) }
                dt { "Size" } dd { (v.size) " bytes" }
                dt { "Transparency log" } dd { (log) }
            }
            h2 { "Capabilities" }
            @if caps.is_empty() { p.notice { "None." } } @else {
                ul.capabilities { @for c in &caps { li { code { (c) } } } }
            }
            @if let Some(s) = skill {
                @if !s.reasons.is_empty() {
                    h2 { "Why " (v.verdict) }
                    ul.reasons { @for r in &s.reasons { li { (r.message) } } }
                }
            }
            h2 { "Findings" }
            @if by_file.is_empty() { p.notice { "None." } }
            @for (file, findings) in &by_file {
                section.file {
                    h3 { code { (file) } }
                    @for f in findings {
                        div class={ "finding " (f.severity.as_str()) } {
                            p {
                                span.severity { (f.severity.as_str()) } " "
                                code { (f.rule) } " line " (f.line) ": " (f.message)
                            }
                            pre.code { code { (highlighted(f)) } }
                        }
                    }
                }
            }
            @if let Some(p) = previous {
                h2 { "Since " (p.version) }
                ul.diff {
                    @for c in &gained { li.gained { "gains " code { (c) } } }
                    @for c in &lost { li.lost { "loses " code { (c) } } }
                    @for r in &new_rules { li.gained { "new finding " code { (r) } } }
                    @for r in &gone_rules { li.lost { "no longer " code { (r) } } }
                    @if gained.is_empty() && lost.is_empty() && new_rules.is_empty() && gone_rules.is_empty() {
                        li { "No change in capabilities or findings." }
                    }
                }
            }
            h2 { "Files" }
            table.files {
                thead { tr { th { "Path" } th { "Size" } th { "SHA-256" } } }
                tbody {
                    @for f in &files.files {
                        tr { td { code { (f.path) } } td { (f.size) } td { code.hash { (f.sha256) } } }
                    }
                }
            }
        },
    ))
}

/// A finding's code line with its span marked, as the human report
/// underlines it (the whole line when the span is unknown).
fn highlighted(f: &skillseal_model::Finding) -> Markup {
    let Some((start, end)) = skillseal_report::snippet_span(f, &f.snippet) else {
        return html! { (f.snippet) };
    };
    let chars: Vec<char> = f.snippet.chars().collect();
    let part = |a: usize, b: usize| {
        chars[a.min(chars.len())..b.min(chars.len())]
            .iter()
            .collect::<String>()
    };
    let end = end.max(start + 1);
    html! {
        (part(0, start)) mark { (part(start, end)) } (part(end, chars.len()))
    }
}

/// Whether the version's publish entry is in the log now, checked here
/// with the inclusion proof against the current tree.
async fn log_status(reg: &Registry, v: &Version) -> Result<String, ApiError> {
    if v.log_index < 0 {
        return Ok("not in the log yet".into());
    }
    let index = v.log_index as u64;
    let size = store::log::size(&reg.db).await?;
    let (Some(leaf), Ok(root)) = (
        store::log::leaf(&reg.db, index).await?,
        store::log::root(&reg.db, size).await,
    ) else {
        return Ok(format!("entry {index}: missing from the log"));
    };
    let proof = store::log::inclusion(&reg.db, index, size).await?;
    let proof: Vec<String> = proof.iter().map(skillseal_tlog::encode_hash).collect();
    Ok(
        match skillseal_tlog::verify_inclusion(leaf.as_bytes(), index, size, root, &proof) {
            Ok(()) => {
                format!("entry {index}, included in the log of {size} entries (proof checked)")
            }
            Err(e) => format!("entry {index}: {e}"),
        },
    )
}
