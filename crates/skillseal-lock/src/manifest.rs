//! `skillseal.toml`, the tables that pinning reads:
//!
//! ```toml
//! [registry]
//! url = "https://skills.example.invalid"
//! log-key = "skills.example.invalid+1a2b3c4d+AR…"  # its transparency log's key
//!
//! [install]
//! dir = "skills"                 # the default: where OpenClaw looks
//!
//! [[trust]]                      # a signer trusted for every skill...
//! key = "keys/team.pub"
//!
//! [[trust]]                      # ...or for some, by name glob
//! identity = "https://github.com/acme/skills/.github/workflows/release.yml@refs/heads/main"
//! issuer = "https://token.actions.githubusercontent.com"
//! skills = ["acme-*"]
//!
//! [skills]
//! weather-forecast = "^2.1"
//!
//! [policy]                       # the scan policy (read by the engine)
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use toml::Spanned;

use crate::error::ParseError;
use crate::lockfile::Lockfile;

/// The default install directory, relative to the manifest.
pub const DEFAULT_INSTALL_DIR: &str = "skills";

/// What the project wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// `[registry] url`.
    pub registry: Option<String>,
    /// `[registry] log-key`: the verifier key (`NAME+ID+BASE64`) of the
    /// registry's transparency log, pinned by the first `add`.
    pub log_key: Option<String>,
    /// `[install] dir`, relative to the manifest's folder.
    pub install_dir: String,
    pub trust: Vec<Trust>,
    /// `[skills]`: name to semver requirement.
    pub skills: BTreeMap<String, semver::VersionReq>,
}

/// One `[[trust]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trust {
    pub signer: TrustedSigner,
    /// Name globs this signer is trusted for; empty means every skill.
    pub skills: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustedSigner {
    /// A PEM public key file, relative to the manifest.
    Key(String),
    /// A keyless (Fulcio) certificate identity and its OIDC issuer.
    Identity { identity: String, issuer: String },
}

impl fmt::Display for TrustedSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrustedSigner::Key(path) => write!(f, "key {path}"),
            TrustedSigner::Identity { identity, issuer } => {
                write!(f, "identity {identity} (issuer {issuer})")
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    registry: Option<RawRegistry>,
    install: Option<RawInstall>,
    #[serde(default)]
    trust: Vec<Spanned<RawTrust>>,
    #[serde(default)]
    skills: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Read by the engine's policy parser; only allowed here.
    #[allow(dead_code)]
    policy: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegistry {
    url: Option<Spanned<String>>,
    #[serde(rename = "log-key")]
    log_key: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstall {
    dir: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrust {
    key: Option<String>,
    identity: Option<String>,
    issuer: Option<String>,
    #[serde(default)]
    skills: Vec<String>,
}

impl Manifest {
    /// Parses `skillseal.toml`. Errors carry line and column.
    pub fn parse(text: &str) -> Result<Manifest, ParseError> {
        let raw: Raw = toml::from_str(text).map_err(|e| ParseError::from_toml(text, &e))?;
        let (url, log_key) = match raw.registry {
            Some(r) => (r.url, r.log_key),
            None => (None, None),
        };
        let log_key = match log_key {
            Some(key) if !valid_log_key(key.get_ref()) => {
                return Err(ParseError::at(
                    text,
                    key.span().start,
                    format!(
                        "log-key `{}` is not a log verifier key (NAME+ID+BASE64)",
                        key.get_ref()
                    ),
                ));
            }
            Some(key) => Some(key.into_inner()),
            None => None,
        };
        let registry = match url {
            Some(url) => {
                let u = url.get_ref();
                if !(u.starts_with("https://") || u.starts_with("http://")) {
                    return Err(ParseError::at(
                        text,
                        url.span().start,
                        format!("registry url `{u}` must start with https:// or http://"),
                    ));
                }
                Some(u.trim_end_matches('/').to_string())
            }
            None => None,
        };
        let install_dir = match raw.install.and_then(|i| i.dir) {
            Some(dir) => {
                let d = dir.get_ref();
                let bad = d.is_empty()
                    || d.starts_with('/')
                    || d.contains('\\')
                    || d.split('/').any(|c| c == "..");
                if bad {
                    return Err(ParseError::at(
                        text,
                        dir.span().start,
                        format!("install dir `{d}` must be a relative path inside the project"),
                    ));
                }
                d.trim_end_matches('/').to_string()
            }
            None => DEFAULT_INSTALL_DIR.to_string(),
        };
        let mut trust = Vec::new();
        for entry in raw.trust {
            let at = entry.span().start;
            let t = entry.into_inner();
            let signer = match (t.key, t.identity, t.issuer) {
                (Some(key), None, None) => TrustedSigner::Key(key),
                (None, Some(identity), Some(issuer)) => {
                    TrustedSigner::Identity { identity, issuer }
                }
                _ => {
                    return Err(ParseError::at(
                        text,
                        at,
                        "a [[trust]] entry has either `key`, or `identity` and `issuer`",
                    ));
                }
            };
            if let Some(bad) = t.skills.iter().find(|g| g.is_empty()) {
                return Err(ParseError::at(
                    text,
                    at,
                    format!("`{bad}` is not a skill name or glob"),
                ));
            }
            trust.push(Trust {
                signer,
                skills: t.skills,
            });
        }
        let mut skills = BTreeMap::new();
        for (name, req) in raw.skills {
            if !skillseal_model::valid_name(name.get_ref()) {
                return Err(ParseError::at(
                    text,
                    name.span().start,
                    format!("`{}` is not a valid skill name", name.get_ref()),
                ));
            }
            let parsed = semver::VersionReq::parse(req.get_ref()).map_err(|e| {
                ParseError::at(
                    text,
                    req.span().start,
                    format!("`{}` is not a semver requirement: {e}", req.get_ref()),
                )
            })?;
            skills.insert(name.into_inner(), parsed);
        }
        Ok(Manifest {
            registry,
            log_key,
            install_dir,
            trust,
            skills,
        })
    }

    /// The signers trusted for `name`.
    pub fn trusted_for<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a TrustedSigner> {
        self.trust
            .iter()
            .filter(move |t| {
                t.skills.is_empty()
                    || t.skills
                        .iter()
                        .any(|g| skillseal_model::glob_matches(g, name))
            })
            .map(|t| &t.signer)
    }

    /// Where the manifest and the lock disagree (what `install --locked`
    /// refuses), in name order.
    pub fn compare(&self, lock: &Lockfile) -> Vec<Mismatch> {
        let mut out = Vec::new();
        for (name, req) in &self.skills {
            match lock.skills.get(name) {
                None => out.push(Mismatch::NotLocked {
                    name: name.clone(),
                    requirement: req.to_string(),
                }),
                Some(locked) => {
                    if !semver::Version::parse(&locked.version).is_ok_and(|v| req.matches(&v)) {
                        out.push(Mismatch::Unsatisfied {
                            name: name.clone(),
                            requirement: req.to_string(),
                            locked: locked.version.clone(),
                        });
                    }
                    if let Some(url) = &self.registry
                        && *url != locked.registry
                    {
                        out.push(Mismatch::OtherRegistry {
                            name: name.clone(),
                            locked: locked.registry.clone(),
                            wanted: url.clone(),
                        });
                    }
                }
            }
        }
        for (name, locked) in &lock.skills {
            if !self.skills.contains_key(name) {
                out.push(Mismatch::NotWanted {
                    name: name.clone(),
                    version: locked.version.clone(),
                });
            }
        }
        out
    }
}

/// Whether `key` has the form of a signed-note verifier key: a name
/// without `+` or spaces, eight hex digits of key id, base64 (the
/// signature check itself is the log's, `skillseal-tlog`).
pub fn valid_log_key(key: &str) -> bool {
    let mut parts = key.splitn(3, '+');
    let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_graphic())
        && id.len() == 8
        && id.bytes().all(|b| b.is_ascii_hexdigit())
        && !b64.is_empty()
        && b64
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
}

/// One difference between skillseal.toml and skillseal.lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    NotLocked {
        name: String,
        requirement: String,
    },
    Unsatisfied {
        name: String,
        requirement: String,
        locked: String,
    },
    NotWanted {
        name: String,
        version: String,
    },
    OtherRegistry {
        name: String,
        locked: String,
        wanted: String,
    },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::NotLocked { name, requirement } => write!(
                f,
                "+ {name} {requirement}: in skillseal.toml, not in skillseal.lock"
            ),
            Mismatch::Unsatisfied {
                name,
                requirement,
                locked,
            } => write!(
                f,
                "~ {name}: skillseal.toml wants {requirement}, skillseal.lock has {locked}"
            ),
            Mismatch::NotWanted { name, version } => write!(
                f,
                "- {name} {version}: in skillseal.lock, not in skillseal.toml"
            ),
            Mismatch::OtherRegistry {
                name,
                locked,
                wanted,
            } => write!(
                f,
                "~ {name}: locked from {locked}, skillseal.toml names {wanted}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_manifest_parses() {
        let m = Manifest::parse(
            r#"
[registry]
url = "https://skills.example.invalid/"
log-key = "skills.example.invalid+2c3a4f10+AeXrLZjAqaTCy2q0yhYD6Z3vgBvA0hTqyKYXvQjQ2o1W"

[install]
dir = "agent/skills"

[[trust]]
key = "keys/team.pub"

[[trust]]
identity = "https://ci.example.invalid/release"
issuer = "https://issuer.example.invalid"
skills = ["acme-*"]

[skills]
weather-forecast = "^2.1"
acme-notes = "=1.0.0"

[policy]
deny-capabilities = ["secret-read"]
"#,
        )
        .unwrap();
        assert_eq!(
            m.registry.as_deref(),
            Some("https://skills.example.invalid")
        );
        assert_eq!(
            m.log_key.as_deref(),
            Some("skills.example.invalid+2c3a4f10+AeXrLZjAqaTCy2q0yhYD6Z3vgBvA0hTqyKYXvQjQ2o1W")
        );
        assert_eq!(m.install_dir, "agent/skills");
        assert_eq!(m.trusted_for("weather-forecast").count(), 1);
        assert_eq!(m.trusted_for("acme-notes").count(), 2);
        assert!(m.skills["weather-forecast"].matches(&"2.3.0".parse().unwrap()));
    }

    #[test]
    fn defaults_and_errors_with_positions() {
        let m = Manifest::parse("").unwrap();
        assert_eq!(m.install_dir, "skills");
        assert!(m.skills.is_empty() && m.registry.is_none() && m.log_key.is_none());

        for (text, line, col, needle) in [
            (
                "[skills]\nweather = \"^x\"\n",
                2,
                11,
                "not a semver requirement",
            ),
            (
                "[skills]\n\"Bad Name\" = \"1\"\n",
                2,
                1,
                "not a valid skill name",
            ),
            ("[install]\ndir = \"../elsewhere\"\n", 2, 7, "relative path"),
            ("[registry]\nurl = \"ftp://x\"\n", 2, 7, "https://"),
            (
                "[registry]\nurl = \"https://x\"\nlog-key = \"x+1+AAAA\"\n",
                3,
                11,
                "not a log verifier key",
            ),
            (
                "[registry]\nlog-key = \"PRIVATE+KEY+x+01234567+AAAA\"\n",
                2,
                11,
                "not a log verifier key",
            ),
            (
                "[registry]\nlogkey = \"x\"\n",
                2,
                1,
                "unknown field `logkey`",
            ),
            (
                "[[trust]]\nkey = \"a\"\nissuer = \"b\"\n",
                1,
                1,
                "either `key`",
            ),
            ("[skill]\nx = \"1\"\n", 1, 2, "unknown field `skill`"),
        ] {
            let e = Manifest::parse(text).unwrap_err();
            assert_eq!((e.line, e.column), (Some(line), Some(col)), "{text}: {e}");
            assert!(e.message.contains(needle), "{text}: {e}");
        }
    }
}
