//! The admin pages: tokens (a new one shown once; revoke), the audit log
//! with its verification status, and refused publishes.
//!
//! An admin signs in by pasting an admin token into a form; the registry
//! answers with a session cookie (`HttpOnly`, `SameSite=Strict`, `Secure`
//! under TLS, path `/`, twelve hours), whose secret it stores only as a
//! hash. Every change is a same-origin `POST` (the hardening layer
//! refuses others) carrying the session's CSRF secret; revoking the token
//! the session was opened with ends the session.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Form, FromRequest as _, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;

use super::{page, respond, when};
use crate::api::ApiError;
use crate::api::caller::client_ip;
use crate::auth::{self, Caller};
use crate::state::Registry;
use crate::store;
use crate::tokens::{Scope, Secret};

/// The session cookie.
const COOKIE: &str = "skillseal_session";

/// How long a session lasts.
const SESSION_SECS: i64 = 12 * 3600;

pub fn routes() -> Router<Arc<Registry>> {
    Router::new()
        .route("/admin", get(dashboard))
        .route("/admin/login", post(login))
        .route("/admin/logout", post(logout))
        .route("/admin/tokens", post(create_token))
        .route("/admin/tokens/{id}/revoke", post(revoke_token))
}

/// A signed-in admin: the token's caller and the session's CSRF secret.
pub struct Session {
    caller: Caller,
    csrf: String,
    hash: String,
}

fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    openssl::rand::rand_bytes(&mut bytes).expect("the system random source works");
    hex::encode(bytes)
}

/// The session the request's cookie names, if it is valid and its token
/// is still an admin token.
pub async fn session(reg: &Registry, headers: &HeaderMap) -> Result<Option<Session>, ApiError> {
    let Some(secret) = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find_map(|(k, v)| (k == COOKIE).then(|| v.to_string()))
    else {
        return Ok(None);
    };
    let hash = Secret::new(secret).hash();
    let Some(s) = store::sessions::by_hash(&reg.db, &hash).await? else {
        return Ok(None);
    };
    let now = store::now();
    if s.expires_at <= now {
        return Ok(None);
    }
    let Some(token) = store::tokens::by_id(&reg.db, &s.token_id).await? else {
        return Ok(None);
    };
    if token.revoked_at.is_some() || token.expires_at.is_some_and(|e| e <= now) {
        return Ok(None);
    }
    let caller = Caller {
        token_id: token.id,
        name: token.name,
        scopes: serde_json::from_str(&token.scopes).unwrap_or_default(),
    };
    Ok(caller.is_admin().then_some(Session {
        caller,
        csrf: s.csrf,
        hash,
    }))
}

/// The cookie header for `value` (empty and expired to sign out).
fn cookie(reg: &Registry, value: &str, max_age: i64) -> HeaderValue {
    let secure = reg.config.tls.is_some()
        || reg
            .config
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
    let text = format!(
        "{COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&text).expect("a cookie of hex and fixed text")
}

fn see_other(to: &'static str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    r.headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static(to));
    r
}

fn login_page(message: Option<&str>) -> Markup {
    page(
        "Sign in",
        html! {
            h1 { "Admin" }
            @if let Some(m) = message { p.error { (m) } }
            form.admin method="post" action="/admin/login" {
                label for="token" { "Admin token" }
                input id="token" type="password" name="token" autocomplete="off" required;
                button type="submit" { "Sign in" }
            }
            p.notice { "The token is checked, then forgotten: the registry keeps a session, twelve hours at most." }
        },
    )
}

fn forbidden(message: &str) -> Response {
    respond(StatusCode::FORBIDDEN, login_page(Some(message)))
}

/// `GET /admin`: the dashboard, or the sign-in form.
async fn dashboard(State(reg): State<Arc<Registry>>, headers: HeaderMap) -> Response {
    match session(&reg, &headers).await {
        Ok(Some(s)) => match dashboard_page(&reg, &s, None).await {
            Ok(markup) => respond(StatusCode::OK, markup),
            Err(e) => super::error_page(e),
        },
        Ok(None) => respond(StatusCode::OK, login_page(None)),
        Err(e) => super::error_page(e),
    }
}

async fn dashboard_page(
    reg: &Registry,
    s: &Session,
    created: Option<(&str, &str)>,
) -> Result<Markup, ApiError> {
    let tokens = store::tokens::all(&reg.db).await?;
    let verified = store::verify_audit(&reg.db)
        .await
        .map_err(ApiError::internal)?;
    let (status, total) = match &verified {
        Ok(n) => (format!("intact: {n} entries, every link checked"), *n),
        Err((seq, why)) => (format!("BROKEN at entry {seq}: {why}"), *seq),
    };
    let entries = store::audit_entries(&reg.db, (total - 500).max(0), 500).await?;
    let refused: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "publish.reject")
        .rev()
        .take(50)
        .collect();
    let recent: Vec<_> = entries.iter().rev().take(50).collect();
    Ok(page(
        "Admin",
        html! {
            h1 { "Admin" }
            form.inline method="post" action="/admin/logout" {
                input type="hidden" name="csrf" value=(s.csrf);
                "Signed in as " strong { (s.caller.name) } " "
                button type="submit" { "Sign out" }
            }
            @if let Some((name, secret)) = created {
                section.created {
                    h2 { "Token " (name) }
                    p { "Shown once: copy it now." }
                    pre.snippet { code { (secret) } }
                }
            }
            h2 { "Tokens" }
            table.tokens {
                thead { tr { th { "Id" } th { "Name" } th { "Scopes" } th { "Created" } th { "State" } th {} } }
                tbody {
                    @for t in &tokens {
                        tr {
                            td { code { (t.id) } }
                            td { (t.name) }
                            td { code { (scopes_text(&t.scopes)) } }
                            td { (when(t.created_at)) }
                            td {
                                @if let Some(r) = t.revoked_at { "revoked " (when(r)) }
                                @else if let Some(e) = t.expires_at { "expires " (when(e)) }
                                @else { "active" }
                            }
                            td {
                                @if t.revoked_at.is_none() {
                                    form.inline method="post" action={ "/admin/tokens/" (t.id) "/revoke" } {
                                        input type="hidden" name="csrf" value=(s.csrf);
                                        button type="submit" { "Revoke" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h3 { "New token" }
            form.admin method="post" action="/admin/tokens" {
                input type="hidden" name="csrf" value=(s.csrf);
                label for="name" { "Name" }
                input id="name" name="name" required pattern="[a-z0-9._\\-]+";
                label for="scope" { "Scope" }
                input id="scope" name="scope" required placeholder="read, publish:acme-*, yank:acme-*, admin";
                button type="submit" { "Create" }
            }
            h2 { "Audit log" }
            p class=(if verified.is_ok() { "ok" } else { "error" }) { (status) }
            table.audit {
                thead { tr { th { "#" } th { "When" } th { "Actor" } th { "Action" } th { "Subject" } } }
                tbody {
                    @for e in &recent {
                        tr { td { (e.seq) } td { (when(e.at)) } td { (e.actor) } td { code { (e.action) } } td { (e.subject) } }
                    }
                }
            }
            h2 { "Refused publishes" }
            @if refused.is_empty() { p.notice { "None." } }
            @else {
                table.refused {
                    thead { tr { th { "When" } th { "By" } th { "Version" } th { "Why" } } }
                    tbody {
                        @for e in &refused {
                            tr {
                                td { (when(e.at)) }
                                td { (e.actor) }
                                td { (e.subject) }
                                td {
                                    code { (e.detail["code"].as_str().unwrap_or("")) } " "
                                    (e.detail["reason"].as_str().unwrap_or(""))
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
pub struct LoginForm {
    token: String,
}

/// `POST /admin/login`.
async fn login(State(reg): State<Arc<Registry>>, request: axum::extract::Request) -> Response {
    let ip = client_ip(request.extensions());
    let Ok(Form(form)) = Form::<LoginForm>::from_request(request, &()).await else {
        return respond(
            StatusCode::BAD_REQUEST,
            login_page(Some("expected a token")),
        );
    };
    let delay = reg.throttle.delay(ip);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let caller = match auth::authenticate(
        &reg.db,
        &Secret::new(form.token.trim().to_string()),
        store::now(),
    )
    .await
    {
        Ok(c) => {
            reg.throttle.succeeded(ip);
            c
        }
        Err(auth::AuthError::Db(e)) => return super::error_page(e.into()),
        Err(_) => {
            reg.throttle.failed(ip);
            return forbidden("The token is not valid (unknown, revoked or expired).");
        }
    };
    if !caller.is_admin() {
        return forbidden("This needs an admin token.");
    }
    let secret = random_hex();
    let session = store::sessions::Session {
        token_id: caller.token_id.clone(),
        csrf: random_hex(),
        expires_at: store::now() + SESSION_SECS,
    };
    if let Err(e) =
        store::sessions::insert(&reg.db, &Secret::new(secret.clone()).hash(), &session).await
    {
        return super::error_page(e.into());
    }
    let mut r = see_other("/admin");
    r.headers_mut()
        .insert(header::SET_COOKIE, cookie(&reg, &secret, SESSION_SECS));
    r
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// The session, if the form's CSRF secret is its own.
async fn checked(reg: &Registry, headers: &HeaderMap, csrf: &str) -> Result<Session, Response> {
    match session(reg, headers).await {
        Ok(Some(s))
            // Lengths first: `memcmp::eq` compares equal lengths only.
            if csrf.len() == s.csrf.len()
                && openssl::memcmp::eq(s.csrf.as_bytes(), csrf.as_bytes()) =>
        {
            Ok(s)
        }
        Ok(Some(_)) => Err(forbidden(
            "The form is stale or was not this registry's: reload the page.",
        )),
        Ok(None) => Err(forbidden("Sign in with an admin token.")),
        Err(e) => Err(super::error_page(e)),
    }
}

/// `POST /admin/logout`.
async fn logout(
    State(reg): State<Arc<Registry>>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, Response> {
    let s = checked(&reg, &headers, &form.csrf).await?;
    store::sessions::delete(&reg.db, &s.hash)
        .await
        .map_err(|e| super::error_page(e.into()))?;
    let mut r = see_other("/admin");
    r.headers_mut()
        .insert(header::SET_COOKIE, cookie(&reg, "", 0));
    Ok(r)
}

#[derive(Deserialize)]
pub struct NewTokenForm {
    csrf: String,
    name: String,
    scope: String,
}

/// `POST /admin/tokens`: the new token, shown once.
async fn create_token(
    State(reg): State<Arc<Registry>>,
    headers: HeaderMap,
    Form(form): Form<NewTokenForm>,
) -> Result<Response, Response> {
    let s = checked(&reg, &headers, &form.csrf).await?;
    let name = form.name.trim();
    let scopes: Option<Vec<Scope>> = form
        .scope
        .split([',', ' '])
        .filter(|x| !x.is_empty())
        .map(Scope::parse)
        .collect();
    let problem = if !skillseal_package::valid_name(name) {
        Some(ApiError::BadTokenName)
    } else if scopes.as_ref().is_none_or(Vec::is_empty) {
        Some(ApiError::BadScope(form.scope.clone()))
    } else {
        None
    };
    let page_error = |e: ApiError| super::error_page(e);
    if let Some(e) = problem {
        let markup = dashboard_page(&reg, &s, None).await.map_err(page_error)?;
        return Ok(respond(
            StatusCode::BAD_REQUEST,
            html! { p.error { (e.to_string()) } (markup) },
        ));
    }
    let scopes = scopes.unwrap_or_default();
    let request = auth::NewToken {
        name,
        scopes: &scopes,
        expires_at: None,
    };
    let (_, secret) =
        auth::create_token_under(Some(&reg.write_lock), &reg.db, &s.caller.name, &request)
            .await
            .map_err(|e| page_error(e.into()))?;
    let markup = dashboard_page(&reg, &s, Some((name, secret.expose())))
        .await
        .map_err(page_error)?;
    let mut r = respond(StatusCode::OK, markup);
    // The secret is in this page only: never cached anywhere.
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// `POST /admin/tokens/ID/revoke`.
async fn revoke_token(
    State(reg): State<Arc<Registry>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, Response> {
    let s = checked(&reg, &headers, &form.csrf).await?;
    let token = id.as_str();
    let revoked = store::audited(
        &reg.db,
        Some(&reg.write_lock),
        &s.caller.name,
        "token.revoke",
        |mut tx| async move {
            if !store::tokens::revoke(&mut tx, token, store::now()).await? {
                return Err(ApiError::NoToken(token.into()));
            }
            Ok((
                tx,
                store::Change::of(token, serde_json::json!({"via": "admin page"})),
            ))
        },
    )
    .await;
    revoked.map_err(super::error_page)?;
    Ok(see_other("/admin"))
}

/// A token's scopes as `skillseal-registry token create` takes them.
fn scopes_text(stored: &str) -> String {
    let scopes: Vec<Scope> = serde_json::from_str(stored).unwrap_or_default();
    scopes
        .iter()
        .map(|s| match s {
            Scope::Publish(g) => format!("publish:{g}"),
            Scope::Yank(g) => format!("yank:{g}"),
            Scope::Admin => "admin".into(),
            Scope::Read => "read".into(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
