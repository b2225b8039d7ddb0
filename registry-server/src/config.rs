//! Configuration: `DATA/registry.toml` (optional), then flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The default address: loopback only, a fixed port.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7171";

#[derive(Clone, Debug)]
pub struct Config {
    pub data: PathBuf,
    pub listen: SocketAddr,
    /// `sqlite://…` (default: `DATA/registry.db`) or `postgres://…`.
    pub database_url: String,
    /// The URL clients use, when it is not `http://LISTEN` (behind a proxy):
    /// its host is allowed in `Host` and its origin in `Origin`.
    pub public_url: Option<String>,
    /// Allow a non-loopback bind without TLS.
    pub insecure_public: bool,
    /// The scan policy (`[policy]`, as in skillseal.toml).
    pub policy: skillseal_engine::policy::Policy,
    /// Largest upload, in bytes.
    pub max_upload_bytes: usize,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    server: ServerSection,
    policy: Option<toml::Value>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ServerSection {
    listen: Option<SocketAddr>,
    database_url: Option<String>,
    public_url: Option<String>,
    max_upload_bytes: Option<usize>,
}

/// Flags given on the command line (they win over the file).
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub listen: Option<SocketAddr>,
    pub database_url: Option<String>,
    pub public_url: Option<String>,
    pub insecure_public: bool,
}

impl Config {
    pub fn load(data: &Path, flags: Overrides) -> anyhow::Result<Config> {
        let path = data.join("registry.toml");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => anyhow::bail!("cannot read {}: {e}", path.display()),
        };
        let file: File =
            toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        // `[policy]` is read by the scanner's own parser, as in skillseal.toml.
        let policy = if file.policy.is_some() {
            skillseal_engine::policy::Policy::from_toml(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
                .unwrap_or_default()
        } else {
            Default::default()
        };
        let listen = flags
            .listen
            .or(file.server.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.parse().expect("the default address parses"));
        let database_url = flags
            .database_url
            .or(file.server.database_url)
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", data.join("registry.db").display()));
        Ok(Config {
            data: data.to_path_buf(),
            listen,
            database_url,
            public_url: flags.public_url.or(file.server.public_url),
            insecure_public: flags.insecure_public,
            policy,
            max_upload_bytes: file.server.max_upload_bytes.unwrap_or(32 << 20),
        })
    }

    /// A non-loopback address is refused unless explicitly allowed: the
    /// registry has no TLS of its own.
    pub fn check_bind(&self) -> anyhow::Result<()> {
        if !self.listen.ip().is_loopback() && !self.insecure_public {
            anyhow::bail!(
                "refusing to listen on {} without TLS: put a TLS proxy in front and pass \
                 --insecure-public to accept plain HTTP on a public address",
                self.listen
            );
        }
        Ok(())
    }
}
