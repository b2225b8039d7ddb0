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
    /// The digest of `[policy]` as JSON (keys sorted), named by scan
    /// attestations.
    pub policy_digest: skillseal_model::Digest,
    /// Largest upload, in bytes.
    pub max_upload_bytes: usize,
    /// Reads need a valid token too (as cargo's `auth-required`).
    pub auth_required: bool,
    /// CPU time the publish scan may spend on one file, and the deadline
    /// for the whole scan of one package (`[server] file_timeout`, seconds).
    pub file_timeout: std::time::Duration,
    /// Time a client has to send a request head (`[server]
    /// header_read_timeout`, seconds; also the idle limit between requests).
    pub header_read_timeout: std::time::Duration,
    /// Connections open at once from one address (`[server]
    /// max_connections_per_address`).
    pub max_connections_per_address: usize,
    /// Serve HTTPS with this certificate chain and key (PEM files).
    pub tls: Option<Tls>,
    /// Blobs in S3-compatible object storage (`blob_url = "s3://…"`),
    /// else in `DATA/blobs`.
    pub blobs: Option<crate::blobs::ObjectConfig>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
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
    auth_required: Option<bool>,
    file_timeout: Option<f64>,
    header_read_timeout: Option<f64>,
    max_connections_per_address: Option<usize>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    blob_url: Option<String>,
    blob_endpoint: Option<String>,
    blob_region: Option<String>,
    blob_path_style: Option<bool>,
    blob_redirect: Option<bool>,
}

/// Flags given on the command line (they win over the file).
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub listen: Option<SocketAddr>,
    pub database_url: Option<String>,
    pub public_url: Option<String>,
    pub insecure_public: bool,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub blob_url: Option<String>,
    pub blob_endpoint: Option<String>,
    pub blob_region: Option<String>,
    pub blob_path_style: bool,
    pub blob_redirect: bool,
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
        // Relative paths in the file are relative to the data directory.
        let in_data = |p: PathBuf| if p.is_relative() { data.join(p) } else { p };
        let tls = match (
            flags.tls_cert.or(file.server.tls_cert.map(in_data)),
            flags.tls_key.or(file.server.tls_key.map(in_data)),
        ) {
            (Some(cert), Some(key)) => Some(Tls { cert, key }),
            (None, None) => None,
            _ => anyhow::bail!("TLS needs both a certificate (tls_cert) and its key (tls_key)"),
        };
        let seconds = |key: &str, value: Option<f64>, default: std::time::Duration| match value {
            None => Ok(default),
            Some(secs) if secs.is_finite() && secs > 0.0 && secs <= 3600.0 => {
                Ok(std::time::Duration::from_secs_f64(secs))
            }
            Some(secs) => Err(anyhow::anyhow!(
                "{}: [server] {key} = {secs}: must be a number of seconds above 0 and at most 3600",
                path.display()
            )),
        };
        let file_timeout = seconds(
            "file_timeout",
            file.server.file_timeout,
            skillseal_engine::budget::DEFAULT_FILE_CPU,
        )?;
        let serve_defaults = crate::serve::Limits::default();
        let header_read_timeout = seconds(
            "header_read_timeout",
            file.server.header_read_timeout,
            serve_defaults.header_read_timeout,
        )?;
        let max_connections_per_address = match file.server.max_connections_per_address {
            Some(0) => anyhow::bail!(
                "{}: [server] max_connections_per_address must be at least 1",
                path.display()
            ),
            Some(n) => n,
            None => serve_defaults.max_connections_per_address,
        };
        let policy_digest = skillseal_model::Digest::of(
            &serde_json::to_vec(&file.policy).map_err(|e| anyhow::anyhow!("[policy]: {e}"))?,
        );
        let blobs = flags
            .blob_url
            .or(file.server.blob_url)
            .map(|url| crate::blobs::ObjectConfig {
                url,
                endpoint: flags.blob_endpoint.or(file.server.blob_endpoint),
                region: flags.blob_region.or(file.server.blob_region),
                path_style: flags.blob_path_style || file.server.blob_path_style.unwrap_or(false),
                redirect: flags.blob_redirect || file.server.blob_redirect.unwrap_or(false),
            });
        Ok(Config {
            data: data.to_path_buf(),
            listen,
            database_url,
            public_url: flags.public_url.or(file.server.public_url),
            insecure_public: flags.insecure_public,
            policy,
            policy_digest,
            max_upload_bytes: file.server.max_upload_bytes.unwrap_or(32 << 20),
            auth_required: file.server.auth_required.unwrap_or(false),
            file_timeout,
            header_read_timeout,
            max_connections_per_address,
            tls,
            blobs,
        })
    }

    /// A non-loopback address needs TLS, or plain HTTP asked for by name
    /// (a TLS proxy in front).
    pub fn check_bind(&self) -> anyhow::Result<()> {
        if !self.listen.ip().is_loopback() && self.tls.is_none() && !self.insecure_public {
            anyhow::bail!(
                "refusing to listen on {} without TLS: give --tls-cert and --tls-key, or put a \
                 TLS proxy in front and pass --insecure-public",
                self.listen
            );
        }
        Ok(())
    }

    /// `https` with TLS, else `http`.
    pub fn scheme(&self) -> &'static str {
        if self.tls.is_some() { "https" } else { "http" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(dir: &Path, listen: &str, flags: Overrides) -> anyhow::Result<Config> {
        Config::load(
            dir,
            Overrides {
                listen: Some(listen.parse().unwrap()),
                ..flags
            },
        )
    }

    #[test]
    fn a_public_address_needs_tls_or_the_insecure_flag() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert!(
            load(d, "127.0.0.1:7171", Overrides::default())
                .unwrap()
                .check_bind()
                .is_ok()
        );
        assert!(
            load(d, "[::1]:7171", Overrides::default())
                .unwrap()
                .check_bind()
                .is_ok()
        );
        let refused = load(d, "0.0.0.0:7171", Overrides::default())
            .unwrap()
            .check_bind()
            .unwrap_err();
        assert!(refused.to_string().contains("without TLS"), "{refused}");
        let tls = Overrides {
            tls_cert: Some("c.pem".into()),
            tls_key: Some("k.pem".into()),
            ..Overrides::default()
        };
        let with_tls = load(d, "0.0.0.0:7171", tls).unwrap();
        assert!(with_tls.check_bind().is_ok());
        assert_eq!(with_tls.scheme(), "https");
        let insecure = Overrides {
            insecure_public: true,
            ..Overrides::default()
        };
        assert!(
            load(d, "0.0.0.0:7171", insecure)
                .unwrap()
                .check_bind()
                .is_ok()
        );
    }

    #[test]
    fn the_file_is_read_and_flags_win() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(
            d.join("registry.toml"),
            "[server]\nlisten = \"127.0.0.1:9000\"\nauth_required = true\n\
             tls_cert = \"tls/cert.pem\"\ntls_key = \"tls/key.pem\"\n\
             [policy]\ndeny-capabilities = [\"secret-read\"]\n",
        )
        .unwrap();
        let file_only = Config::load(d, Overrides::default()).unwrap();
        assert_eq!(file_only.listen.port(), 9000);
        assert!(file_only.auth_required);
        assert_eq!(file_only.policy.deny_capabilities, ["secret-read"]);
        assert_eq!(file_only.tls.unwrap().cert, d.join("tls/cert.pem"));
        let flagged = load(d, "127.0.0.1:9001", Overrides::default()).unwrap();
        assert_eq!(flagged.listen.port(), 9001);

        assert_eq!(
            file_only.file_timeout,
            skillseal_engine::budget::DEFAULT_FILE_CPU
        );
        std::fs::write(d.join("registry.toml"), "[server]\nfile_timeout = 2.5\n").unwrap();
        let timeout = Config::load(d, Overrides::default()).unwrap();
        assert_eq!(timeout.file_timeout.as_millis(), 2500);
        for bad in ["0", "-1", "1e9", "\"10\""] {
            std::fs::write(
                d.join("registry.toml"),
                format!("[server]\nfile_timeout = {bad}\n"),
            )
            .unwrap();
            let refused = Config::load(d, Overrides::default()).unwrap_err();
            assert!(
                refused.to_string().contains("file_timeout"),
                "{bad}: {refused}"
            );
        }

        std::fs::write(d.join("registry.toml"), "[server]\nlisten_on = 1\n").unwrap();
        let unknown = Config::load(d, Overrides::default()).unwrap_err();
        assert!(unknown.to_string().contains("listen_on"), "{unknown}");
        std::fs::write(d.join("registry.toml"), "[server]\ntls_cert = \"c\"\n").unwrap();
        let half = Config::load(d, Overrides::default()).unwrap_err();
        assert!(half.to_string().contains("tls_key"), "{half}");
    }
}
