//! The layer every request passes before its handler: the `Host`
//! allow-list, the same-origin rule for state changes, no credentials in
//! query strings (however escaped), tokens checked on reads (required when
//! the registry is private), caches emptied by committed changes, and the
//! security headers on every response.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::ApiError;
use crate::api::caller::{caller, client_ip};
use crate::auth::AuthError;
use crate::state::Registry;

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

/// Whether a query string names a forbidden parameter, however it is
/// spelt: keys are percent-decoded (`%74oken`), `+` is a space, and both
/// `&` and `;` separate pairs (some servers split on either).
fn forbidden_query(query: &str) -> bool {
    query.split(['&', ';']).any(|pair| {
        let key = pair.split('=').next().unwrap_or("").replace('+', " ");
        let decoded = percent_decode(&key).to_ascii_lowercase();
        let key = decoded.trim();
        FORBIDDEN_QUERY.contains(&key)
    })
}

/// `%XX` escapes decoded (repeatedly, so `%2574oken` is `token` too);
/// invalid escapes are kept as they are.
fn percent_decode(s: &str) -> String {
    let mut current = s.to_string();
    for _ in 0..4 {
        let b = current.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if b[i] == b'%'
                && let (Some(h), Some(l)) = (
                    b.get(i + 1).copied().and_then(hex),
                    b.get(i + 2).copied().and_then(hex),
                )
            {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
            out.push(b[i]);
            i += 1;
        }
        let next = String::from_utf8_lossy(&out).into_owned();
        if next == current {
            break;
        }
        current = next;
    }
    current
}

/// Requests sent as `POST` that change nothing: resolving pins, and the
/// ClawHub CLI's install report (acknowledged, not recorded). They are
/// checked as reads, and do not empty the caches.
const READS_SENT_AS_POST: [&str; 2] = ["/api/v1/resolve", "/clawhub/api/cli/telemetry/install"];

/// Read without a token even when the registry is private: where the
/// ClawHub API is (its CLI asks without a token).
const PUBLIC: [&str; 1] = ["/.well-known/clawhub.json"];

/// Every request passes here first, and every response on its way out.
pub async fn harden(State(reg): State<Arc<Registry>>, req: Request, next: Next) -> Response {
    let plain_errors = req.uri().path().starts_with(crate::api::clawhub::PREFIX)
        || req.uri().path().starts_with("/.well-known/");
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase);
    let mut response = match host {
        None => ApiError::NoHost.into_response(),
        Some(h) if !reg.hosts.contains(&h) => ApiError::UnknownHost(h).into_response(),
        Some(_) => {
            let query_bad = req.uri().query().is_some_and(forbidden_query);
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
                ApiError::CredentialsInQuery.into_response()
            } else if cross_origin {
                ApiError::CrossOrigin.into_response()
            } else if changes_state && !READS_SENT_AS_POST.contains(&req.uri().path()) {
                // Everything else sent as POST, PUT or DELETE changes
                // something, so nothing remembered survives it.
                // Only a change that went through (a 2xx answer, or the
                // pages' 303 after a change) empties the caches: a refused
                // or misrouted request changed nothing, and must not be a
                // way to flush them.
                let response = next.run(req).await;
                if response.status().is_success() || response.status() == StatusCode::SEE_OTHER {
                    reg.reads.invalidate();
                    reg.callers.invalidate();
                    reg.digests.invalidate();
                }
                response
            } else {
                // Reads: a token sent is checked (never silently ignored),
                // and required when the registry is private.
                let ip = client_ip(req.extensions());
                match caller(&reg, req.headers(), ip).await {
                    Err(refused) => refused.into_response(),
                    Ok(None)
                        if reg.config.auth_required
                            && !PUBLIC.contains(&req.uri().path())
                            && !crate::web::open_without_token(
                                &reg,
                                req.uri().path(),
                                req.headers(),
                            )
                            .await =>
                    {
                        ApiError::Unauthenticated(AuthError::Missing).into_response()
                    }
                    Ok(_) => next.run(req).await,
                }
            }
        }
    };
    if plain_errors {
        response = as_plain_text(response).await;
    }
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("cross-origin-resource-policy", "same-origin"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Pages set their own referrer policy (same-origin, so their forms
    // carry an Origin); everything else sends none.
    headers
        .entry("referrer-policy")
        .or_insert(HeaderValue::from_static("no-referrer"));
    // Pages set their own (their stylesheet); everything else gets none.
    headers
        .entry("content-security-policy")
        .or_insert(HeaderValue::from_static(
            "default-src 'none'; frame-ancestors 'none'",
        ));
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// An error answer in skillseal's JSON (`{"error": {"message": …}}`) as
/// `text/plain`, its message only: how ClawHub answers errors, and what
/// its CLI shows.
async fn as_plain_text(response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if response.status().is_success() || !is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return crate::api::clawhub::plain(parts.status, "error");
    };
    let message = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(String::from))
        .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
    let mut plain = crate::api::clawhub::plain(parts.status, &message);
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            plain.headers_mut().insert(name, value.clone());
        }
    }
    plain
}
