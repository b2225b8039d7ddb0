//! Every refusal the API gives, as one enum: each variant has a stable
//! code and status (a contract: clients and tests match on them) and is
//! sent as `{"error": {"code": …, "message": …}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::auth::AuthError;
use crate::publish::{PublishError, SignerId};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no Host header")]
    NoHost,
    #[error("unknown host `{0}`")]
    UnknownHost(String),
    #[error("credentials and targets are never taken from the query string")]
    CredentialsInQuery,
    #[error("state-changing requests must come from the registry's own origin")]
    CrossOrigin,
    /// No token, or one that is not valid.
    #[error(transparent)]
    Unauthenticated(AuthError),
    #[error("this needs an admin token")]
    NotAdmin,
    #[error("only owners of `{skill}` or an admin change its {what}")]
    NotOwnerOf { skill: String, what: &'static str },
    #[error("the token may not yank `{0}`")]
    MayNotYank(String),
    #[error("no skill `{0}`")]
    NoSkill(String),
    #[error("no version {skill} {version}")]
    NoVersion { skill: String, version: String },
    #[error(
        "{skill} {version} was blocked by the registry's scan after it was published (see its report); it is no longer served"
    )]
    BlockedSince { skill: String, version: String },
    #[error("no log entry {index} in a tree of {size}")]
    NoLogEntry { index: u64, size: u64 },
    #[error("no tile `{0}` in the log as it is")]
    NoTile(String),
    #[error("no package with this digest")]
    NoPackage,
    #[error("expected package, bundle, report or attestation")]
    NoSuchFile,
    #[error("expected yank or unyank")]
    NoSuchAction,
    #[error("no active token `{0}`")]
    NoToken(String),
    #[error("`{owner}` is not an owner of `{skill}`")]
    NotOwner { owner: String, skill: String },
    #[error("{signer} is not a signer of `{skill}`")]
    NotSigner { signer: SignerId, skill: String },
    #[error(
        "no version of `{skill}` matches `{requirement}` (yanked and blocked versions are never chosen)"
    )]
    NoMatch { skill: String, requirement: String },
    #[error("{signer} is already trusted for `{skill}`")]
    SignerExists { signer: SignerId, skill: String },
    #[error("{signer} is the last signer of `{skill}`: register another first")]
    LastSigner { signer: SignerId, skill: String },
    #[error("`{owner}` is the last owner of `{skill}`: add another first")]
    LastOwner { owner: String, skill: String },
    /// The owner name, capped.
    #[error("`{0}` is not a valid owner name")]
    BadOwner(String),
    #[error("a token name is like a skill name: lower-case letters, digits, `-`, `_`, `.`")]
    BadTokenName,
    #[error("`{0}`: expected publish:GLOB, yank:GLOB, admin or read")]
    BadScope(String),
    #[error("`{requirement}` ({skill}) is not a semver requirement")]
    BadRequirement { requirement: String, skill: String },
    #[error("expected sha256:<64 hex digits>")]
    BadDigest,
    /// A body that is not the JSON expected.
    #[error("{0}")]
    BadRequest(String),
    /// A body over its limit.
    #[error("{0}")]
    TooLarge(String),
    #[error("the registry's copy of this file is missing")]
    BlobMissing,
    #[error("the registry's copy of this file is corrupt")]
    BlobCorrupt,
    /// A refused publish (never [`PublishError::Internal`], which is
    /// [`ApiError::Internal`]).
    #[error(transparent)]
    Publish(PublishError),
    /// A ClawHub API answer (see [`crate::api::clawhub`]), its text as
    /// ClawHub words it (its CLI matches some of them).
    #[error("{1}")]
    ClawHub(StatusCode, String),
    /// Logged; the client is told only that it happened.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        self.code_and_status().0
    }

    pub fn status(&self) -> StatusCode {
        self.code_and_status().1
    }

    fn code_and_status(&self) -> (&'static str, StatusCode) {
        use ApiError::*;
        match self {
            NoHost => ("bad_host", StatusCode::BAD_REQUEST),
            UnknownHost(_) => ("bad_host", StatusCode::MISDIRECTED_REQUEST),
            CredentialsInQuery => ("bad_query", StatusCode::BAD_REQUEST),
            CrossOrigin => ("cross_origin", StatusCode::FORBIDDEN),
            Unauthenticated(_) => ("unauthenticated", StatusCode::UNAUTHORIZED),
            NotAdmin | NotOwnerOf { .. } | MayNotYank(_) => ("forbidden", StatusCode::FORBIDDEN),
            NoSkill(_)
            | NoVersion { .. }
            | NoPackage
            | NoSuchFile
            | NoSuchAction
            | NoLogEntry { .. }
            | NoTile(_)
            | NoToken(_)
            | NotOwner { .. }
            | NotSigner { .. } => ("not_found", StatusCode::NOT_FOUND),
            NoMatch { .. } => ("no_match", StatusCode::NOT_FOUND),
            BlockedSince { .. } => ("blocked", StatusCode::GONE),
            SignerExists { .. } => ("signer_exists", StatusCode::CONFLICT),
            LastSigner { .. } => ("last_signer", StatusCode::CONFLICT),
            LastOwner { .. } => ("last_owner", StatusCode::CONFLICT),
            BadOwner(_) => ("bad_owner", StatusCode::BAD_REQUEST),
            BadTokenName => ("bad_name", StatusCode::BAD_REQUEST),
            BadScope(_) => ("bad_scope", StatusCode::BAD_REQUEST),
            BadRequirement { .. } => ("bad_requirement", StatusCode::BAD_REQUEST),
            BadDigest => ("bad_digest", StatusCode::BAD_REQUEST),
            BadRequest(_) => ("bad_request", StatusCode::BAD_REQUEST),
            TooLarge(_) => ("too_large", StatusCode::PAYLOAD_TOO_LARGE),
            BlobMissing => ("blob_missing", StatusCode::INTERNAL_SERVER_ERROR),
            BlobCorrupt => ("blob_corrupt", StatusCode::INTERNAL_SERVER_ERROR),
            Publish(e) => {
                let (code, status) = e.code();
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
                (code, status)
            }
            ClawHub(status, _) => ("clawhub", *status),
            Internal(_) => ("internal", StatusCode::INTERNAL_SERVER_ERROR),
        }
    }

    /// Something that went wrong inside the registry, to be logged.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(e) = &self {
            tracing::error!(error = %e, "internal error");
        }
        let (code, status) = self.code_and_status();
        let body = json!({"error": {"code": code, "message": self.to_string()}});
        (status, Json(body)).into_response()
    }
}

impl From<PublishError> for ApiError {
    fn from(e: PublishError) -> Self {
        match e {
            PublishError::Internal(_) => ApiError::internal(e),
            e => ApiError::Publish(e),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Db(e) => ApiError::internal(e),
            e => ApiError::Unauthenticated(e),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::internal(e)
    }
}
