//! The router: every route of the API, and the layers around it (body
//! limits, [`crate::middleware`], the request timeout).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::routing::{delete, get, post, put};

use crate::api::{
    self, SMALL_BODY, audit, clawhub, log, owners, signers, skills, tokens, versions, well_known,
};
use crate::middleware::harden;
use crate::state::Registry;

/// The router, with every layer.
pub fn router(reg: Arc<Registry>) -> Router {
    let upload_limit = api::upload_limit(&reg.config);
    Router::new()
        .route("/api/v1/skills", get(skills::list))
        .route("/api/v1/skills/{name}", get(skills::skill))
        .route(
            "/api/v1/skills/{name}/{version}",
            put(versions::publish).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/api/v1/skills/{name}/{version}/{file}",
            get(versions::download).post(versions::set_yanked),
        )
        .route("/api/v1/skills/{name}/owners", get(owners::list))
        .route(
            "/api/v1/skills/{name}/signers",
            get(signers::list)
                .post(signers::change)
                .delete(signers::change),
        )
        .route(
            "/api/v1/skills/{name}/owners/{owner}",
            put(owners::change).delete(owners::change),
        )
        .route("/api/v1/packages/{digest}", get(versions::by_digest))
        .route("/api/v1/resolve", post(skills::resolve))
        .route("/api/v1/tokens", get(tokens::list).post(tokens::create))
        .route("/api/v1/tokens/{id}", delete(tokens::revoke))
        .route("/api/v1/audit", get(audit::entries))
        .route("/api/v1/log/key", get(log::key))
        .route("/api/v1/log/checkpoint", get(log::checkpoint))
        .route("/api/v1/log/entries/{index}", get(log::entry))
        .route("/api/v1/log/consistency", get(log::consistency))
        .route("/api/v1/log/tile/{*path}", get(log::tile))
        // ClawHub's CLI, pointed at the root instead of `/clawhub`, asks
        // for these first: tell it where its API is.
        .route("/api/v1/search", get(clawhub::misdirected))
        .route("/api/v1/whoami", get(clawhub::misdirected))
        .route("/api/v1/download", get(clawhub::misdirected))
        .nest(clawhub::PREFIX, clawhub::routes())
        .merge(crate::web::routes())
        .route("/.well-known/clawhub.json", get(well_known::clawhub))
        .route(
            "/.well-known/agent-skills/index.json",
            get(well_known::index),
        )
        .route(
            "/.well-known/agent-skills/{name}/{*path}",
            get(well_known::file),
        )
        .layer(DefaultBodyLimit::max(SMALL_BODY))
        .layer(from_fn_with_state(reg.clone(), harden))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .with_state(reg)
}
