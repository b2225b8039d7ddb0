//! The registry's HTTP API: resolving requirements to pins, listing
//! versions, downloads and publishing, with the token the rules of
//! [`crate::registry`] bound to the registry. An authenticated request
//! follows a redirect only within its origin.

use std::time::Duration;

use reqwest::Url;
use serde::Deserialize;
use skillseal_lock::Signer;

use crate::error::{Context as _, Error, Result};
use crate::registry::{Registry, TOKEN_VAR, Token, origin_of};

/// An error the registry answered with (as opposed to not answering).
#[derive(Debug)]
pub struct Refused {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}, HTTP {})", self.message, self.code, self.status)
    }
}

impl std::error::Error for Refused {}

/// One version as the registry describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Pin {
    pub version: String,
    pub digest: String,
    pub bundle_digest: String,
    pub signer: Signer,
    #[serde(default)]
    pub yanked: bool,
    /// The registry's verdict on it (`pass`, `review`).
    #[serde(default)]
    pub verdict: Option<String>,
    /// The index of its `publish` entry in the registry's transparency log
    /// (negative: not in the log yet).
    #[serde(default)]
    pub log_index: Option<i64>,
    /// The digest of the registry's scan attestation of it (empty: none).
    #[serde(default)]
    pub attestation_digest: Option<String>,
}

impl Pin {
    /// The index of its `publish` entry, if the registry lists one.
    pub fn log_index(&self) -> Option<u64> {
        self.log_index.and_then(|i| u64::try_from(i).ok())
    }

    /// The digest of its scan attestation, if the registry lists one.
    pub fn attestation_digest(&self) -> Option<&str> {
        self.attestation_digest.as_deref().filter(|d| !d.is_empty())
    }
}

/// The log key a registry serves (`GET /api/v1/log/key`), to be pinned.
#[derive(Debug, Clone, Deserialize)]
pub struct LogKeyOffer {
    pub origin: String,
    pub key: String,
}

/// One entry of the log and its inclusion proof
/// (`GET /api/v1/log/entries/INDEX?size=N`).
#[derive(Debug, Clone, Deserialize)]
pub struct LogEntry {
    pub index: u64,
    pub size: u64,
    /// The canonical leaf, as text.
    pub leaf: String,
    /// The RFC 6962 audit path, base64 hashes.
    pub proof: Vec<String>,
}

/// An error for a registry that serves no transparency log.
fn no_log(url: &str) -> Error {
    Error::Invalid(format!("the registry at {url} serves no transparency log"))
}

/// What the checks and operations ask of a registry. [`Client`] is the
/// real one; anything else (an in-memory registry in tests, a mirror)
/// may stand in.
pub trait Remote {
    /// The registry's URL, as recorded in skillseal.lock.
    fn url(&self) -> &str;
    /// The newest version matching `requirement` (never a yanked one).
    fn resolve(&self, name: &str, requirement: &str) -> Result<Pin>;
    /// Every version of `name`, newest first.
    fn versions(&self, name: &str) -> Result<Vec<Pin>>;
    /// `package`, `bundle`, `report` or `attestation` of one version.
    fn download(&self, name: &str, version: &str, file: &str) -> Result<Vec<u8>>;
    /// The transparency log's key, `None` when the registry has no log.
    fn log_key(&self) -> Result<Option<LogKeyOffer>> {
        Ok(None)
    }
    /// The latest signed checkpoint (a signed note).
    fn log_checkpoint(&self) -> Result<Vec<u8>> {
        Err(no_log(self.url()))
    }
    /// Entry `index` with its inclusion proof in the tree of `size`.
    fn log_entry(&self, index: u64, size: u64) -> Result<LogEntry> {
        let _ = (index, size);
        Err(no_log(self.url()))
    }
    /// The consistency proof from the tree of `from` to the tree of `to`.
    fn log_consistency(&self, from: u64, to: u64) -> Result<Vec<String>> {
        let _ = (from, to);
        Err(no_log(self.url()))
    }
}

/// A client of `registry` with `token` (from [`crate::registry::auth_for`]);
/// `required`: an error without one.
pub fn connect(registry: &Registry, token: Option<Token>, required: bool) -> Result<Client> {
    if required && token.is_none() {
        return Err(Error::Invalid(format!(
            "no token for {origin}: run `skillseal login --registry {origin}` (stored in {}, \
             mode 0600), or set {TOKEN_VAR} and pass --registry {origin}",
            crate::credentials::path().map_or_else(
                |_| "the credentials file".into(),
                |p| p.display().to_string()
            ),
            origin = registry.origin,
        )));
    }
    Client::new(registry, token)
}

/// Whether an authenticated request may follow a redirect from `origin` to
/// `next`: only within the origin. (reqwest alone would keep the header
/// from https://host:8443 to http://host:8443, the same host and port.)
fn may_follow(origin: &str, next: &Url) -> bool {
    origin_of(next) == origin
}

/// A client of one registry.
pub struct Client {
    pub base: String,
    origin: String,
    http: reqwest::blocking::Client,
    token: Option<Token>,
}

impl Client {
    /// Reads send the token when there is one (private registries need it).
    /// With a token, the transport is checked first: nothing is sent over
    /// plain http to a host that is not loopback.
    pub fn new(registry: &Registry, token: Option<Token>) -> Result<Client> {
        if token.is_some() {
            registry.may_carry_token()?;
        }
        let mut builder = reqwest::blocking::Client::builder().timeout(Duration::from_secs(120));
        if token.is_some() {
            let origin = registry.origin.clone();
            builder = builder.redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() > 10 {
                    attempt.error("too many redirects")
                } else if may_follow(&origin, attempt.url()) {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }));
        }
        if registry.is_loopback() {
            // This machine: a proxy from the environment would carry the
            // requests (and a token) off it.
            builder = builder.no_proxy();
        }
        Ok(Client {
            base: registry.url.clone(),
            origin: registry.origin.clone(),
            http: builder.build()?,
            token,
        })
    }

    fn send(&self, req: reqwest::blocking::RequestBuilder) -> Result<Vec<u8>> {
        let req = match &self.token {
            Some(t) => req.bearer_auth(t.expose()),
            None => req,
        };
        let response = req
            .send()
            .context(|| format!("cannot reach the registry at {}", self.base))?;
        let status = response.status();
        if status.is_redirection() && self.token.is_some() {
            let to = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .unwrap_or("?")
                .to_string();
            return Err(Error::Invalid(format!(
                "the registry at {} redirected to {to}, another origin: not followed with a token \
                 bound to {}",
                self.base, self.origin
            )));
        }
        let bytes = response
            .bytes()
            .context(|| format!("the registry at {} stopped answering", self.base))?
            .to_vec();
        if status.is_success() {
            return Ok(bytes);
        }
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        Err(Refused {
            status: status.as_u16(),
            code: value["error"]["code"]
                .as_str()
                .unwrap_or("http_error")
                .to_string(),
            message: value["error"]["message"].as_str().map_or_else(
                || String::from_utf8_lossy(&bytes).into_owned(),
                String::from,
            ),
        }
        .into())
    }

    /// Asks the registry whether it accepts the token: a read with the
    /// token is checked (a bad one is refused with 401, never ignored).
    pub fn check_token(&self) -> Result<()> {
        self.send(self.http.get(format!("{}/api/v1/skills", self.base)))
            .map(drop)
    }

    /// Uploads a publish request (`PUT /api/v1/skills/NAME/VERSION`).
    pub fn publish(&self, name: &str, version: &str, body: &serde_json::Value) -> Result<Vec<u8>> {
        self.send(
            self.http
                .put(format!("{}/api/v1/skills/{name}/{version}", self.base))
                .header("content-type", "application/json")
                .body(serde_json::to_vec(body)?),
        )
    }
}

impl Remote for Client {
    fn url(&self) -> &str {
        &self.base
    }

    fn resolve(&self, name: &str, requirement: &str) -> Result<Pin> {
        let body = serde_json::json!({"skills": {name: requirement}});
        let bytes = self.send(
            self.http
                .post(format!("{}/api/v1/resolve", self.base))
                .header("content-type", "application/json")
                .body(serde_json::to_vec(&body)?),
        )?;
        let mut value: serde_json::Value = serde_json::from_slice(&bytes)
            .context(|| format!("the registry at {} sent invalid JSON", self.base))?;
        serde_json::from_value(value["pins"][name].take())
            .context(|| format!("the registry at {} sent an invalid pin", self.base))
    }

    fn versions(&self, name: &str) -> Result<Vec<Pin>> {
        #[derive(Deserialize)]
        struct Skill {
            versions: Vec<Pin>,
        }
        let bytes = self.send(self.http.get(format!("{}/api/v1/skills/{name}", self.base)))?;
        let skill: Skill = serde_json::from_slice(&bytes)
            .context(|| format!("the registry at {} sent an invalid skill", self.base))?;
        Ok(skill.versions)
    }

    fn download(&self, name: &str, version: &str, file: &str) -> Result<Vec<u8>> {
        self.send(self.http.get(format!(
            "{}/api/v1/skills/{name}/{version}/{file}",
            self.base
        )))
    }

    fn log_key(&self) -> Result<Option<LogKeyOffer>> {
        match self.send(self.http.get(format!("{}/api/v1/log/key", self.base))) {
            Ok(bytes) => Ok(Some(serde_json::from_slice(&bytes).context(|| {
                format!("the registry at {} sent an invalid log key", self.base)
            })?)),
            Err(Error::Registry(r)) if r.status == 404 => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn log_checkpoint(&self) -> Result<Vec<u8>> {
        self.send(
            self.http
                .get(format!("{}/api/v1/log/checkpoint", self.base)),
        )
    }

    fn log_entry(&self, index: u64, size: u64) -> Result<LogEntry> {
        let bytes = self.send(self.http.get(format!(
            "{}/api/v1/log/entries/{index}?size={size}",
            self.base
        )))?;
        serde_json::from_slice(&bytes)
            .context(|| format!("the registry at {} sent an invalid log entry", self.base))
    }

    fn log_consistency(&self, from: u64, to: u64) -> Result<Vec<String>> {
        #[derive(Deserialize)]
        struct Proof {
            proof: Vec<String>,
        }
        let bytes = self.send(self.http.get(format!(
            "{}/api/v1/log/consistency?from={from}&to={to}",
            self.base
        )))?;
        let proof: Proof = serde_json::from_slice(&bytes).context(|| {
            format!(
                "the registry at {} sent an invalid consistency proof",
                self.base
            )
        })?;
        Ok(proof.proof)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::registry::Named;
    use crate::registry::tests::{A, url};

    #[test]
    fn a_client_with_a_token_for_plain_http_elsewhere_is_never_built() {
        for named in [Named::Flag, Named::Project(PathBuf::from("skillseal.toml"))] {
            let registry = Registry::new("http://skills.example.com", named).unwrap();
            let e = Client::new(&registry, Some(Token::new(A.into())))
                .err()
                .unwrap();
            assert!(e.to_string().contains("plain http"), "{e}");
            // Without a token it may read anonymously.
            assert!(Client::new(&registry, None).is_ok());
        }
    }

    #[test]
    fn redirects_are_followed_with_a_token_only_within_the_origin() {
        let origin = "https://skills.example.com:8443";
        assert!(may_follow(
            origin,
            &url("https://skills.example.com:8443/a/b")
        ));
        assert!(may_follow(origin, &url("https://SKILLS.example.com:8443/")));
        for other in [
            // The same host and port over plain http: reqwest's own rule
            // would keep the header here.
            "http://skills.example.com:8443/a",
            "https://skills.example.com/a",
            "https://cdn.example.com:8443/a",
        ] {
            assert!(!may_follow(origin, &url(other)), "{other}");
        }
    }
}
