//! The registry's HTTP API as the CLI uses it: where the registry is, the
//! token, resolving requirements to pins, and downloads.
//!
//! The registry URL comes from `--registry` or the `[registry] url` of the
//! nearest skillseal.toml; the token only from `SKILLSEAL_TOKEN` or a
//! credentials file readable by its owner alone, never from an argument.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use skillseal_lock::Signer;

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
}

#[derive(Deserialize)]
struct Credentials {
    token: String,
}

/// `--registry`, else `[registry] url` of the nearest skillseal.toml.
pub fn registry_url(flag: Option<&str>) -> Result<String> {
    if let Some(url) = flag {
        return Ok(url.trim_end_matches('/').to_string());
    }
    if let Some(path) = crate::find_project_file()? {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let manifest = skillseal_lock::Manifest::parse(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        if let Some(url) = manifest.registry {
            return Ok(url);
        }
    }
    bail!("no registry: pass --registry URL or set `[registry] url` in skillseal.toml")
}

fn credentials_path() -> Result<PathBuf> {
    Ok(match std::env::var_os("SKILLSEAL_CREDENTIALS") {
        Some(p) => PathBuf::from(p),
        None => {
            let home =
                std::env::var_os("HOME").context("no HOME to find the credentials file in")?;
            Path::new(&home).join(".config/skillseal/credentials.toml")
        }
    })
}

/// `SKILLSEAL_TOKEN`, else the credentials file (`$SKILLSEAL_CREDENTIALS`,
/// default `~/.config/skillseal/credentials.toml`), which must not be
/// readable by others; `None` when neither exists.
pub fn token_if_any() -> Result<Option<String>> {
    if let Ok(token) = std::env::var("SKILLSEAL_TOKEN") {
        return Ok(Some(token));
    }
    let path = credentials_path()?;
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    if meta.permissions().mode() & 0o077 != 0 {
        bail!(
            "{} is readable by others: run `chmod 600 {}`",
            path.display(),
            path.display()
        );
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let creds: Credentials =
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(Some(creds.token))
}

/// A token is required (publishing).
pub fn token() -> Result<String> {
    token_if_any()?.with_context(|| {
        format!(
            "no token: set SKILLSEAL_TOKEN or write `token = \"…\"` to {} (mode 0600)",
            credentials_path()
                .map_or_else(|_| "a credentials file".into(), |p| p.display().to_string())
        )
    })
}

/// A client of one registry.
pub struct Client {
    pub base: String,
    http: reqwest::blocking::Client,
    token: Option<String>,
}

impl Client {
    /// Reads send the token when there is one (private registries need it).
    pub fn new(base: &str, token: Option<String>) -> Result<Client> {
        Ok(Client {
            base: base.trim_end_matches('/').to_string(),
            http: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(120))
                .build()?,
            token,
        })
    }

    fn send(&self, req: reqwest::blocking::RequestBuilder) -> Result<Vec<u8>> {
        let req = match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let response = req
            .send()
            .with_context(|| format!("cannot reach the registry at {}", self.base))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .with_context(|| format!("the registry at {} stopped answering", self.base))?
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

    /// Uploads a publish request (`PUT /api/v1/skills/NAME/VERSION`).
    pub fn publish(&self, name: &str, version: &str, body: &serde_json::Value) -> Result<Vec<u8>> {
        self.send(
            self.http
                .put(format!("{}/api/v1/skills/{name}/{version}", self.base))
                .header("content-type", "application/json")
                .body(serde_json::to_vec(body)?),
        )
    }

    /// The newest version matching `requirement` (never a yanked one).
    pub fn resolve(&self, name: &str, requirement: &str) -> Result<Pin> {
        let body = serde_json::json!({"skills": {name: requirement}});
        let bytes = self.send(
            self.http
                .post(format!("{}/api/v1/resolve", self.base))
                .header("content-type", "application/json")
                .body(serde_json::to_vec(&body)?),
        )?;
        let mut value: serde_json::Value = serde_json::from_slice(&bytes)
            .with_context(|| format!("the registry at {} sent invalid JSON", self.base))?;
        serde_json::from_value(value["pins"][name].take())
            .with_context(|| format!("the registry at {} sent an invalid pin", self.base))
    }

    /// Every version of `name`, newest first.
    pub fn versions(&self, name: &str) -> Result<Vec<Pin>> {
        #[derive(Deserialize)]
        struct Skill {
            versions: Vec<Pin>,
        }
        let bytes = self.send(self.http.get(format!("{}/api/v1/skills/{name}", self.base)))?;
        let skill: Skill = serde_json::from_slice(&bytes)
            .with_context(|| format!("the registry at {} sent an invalid skill", self.base))?;
        Ok(skill.versions)
    }

    /// `package`, `bundle` or `report` of one version.
    pub fn download(&self, name: &str, version: &str, file: &str) -> Result<Vec<u8>> {
        self.send(self.http.get(format!(
            "{}/api/v1/skills/{name}/{version}/{file}",
            self.base
        )))
    }
}
