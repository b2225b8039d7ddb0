//! API tokens: random, shown once, stored as SHA-256 hashes.
//!
//! A token is `skillseal_` + 43 base64url characters (32 random bytes), so
//! secret scanners and people recognise it. The database keeps its SHA-256
//! and a short public id; a request's token is hashed and looked up, so no
//! secret is ever compared, logged or stored.

use std::fmt;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

pub const PREFIX: &str = "skillseal_";

/// A token's secret text: never printed by `Debug`.
pub struct Secret(String);

impl Secret {
    pub fn new(text: String) -> Self {
        Secret(text)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// The stored form: hex SHA-256 of the whole token.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// A new random token and its public id.
pub fn generate() -> (String, Secret) {
    let mut bytes = [0u8; 32];
    openssl::rand::rand_bytes(&mut bytes).expect("the system random source works");
    let text = format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let mut id = [0u8; 8];
    openssl::rand::rand_bytes(&mut id).expect("the system random source works");
    (hex::encode(id), Secret(text))
}

/// What a token may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "scope", content = "names")]
pub enum Scope {
    /// Publish skills whose name matches the glob (`*` any run of characters).
    Publish(String),
    /// Yank and unyank versions of matching skills.
    Yank(String),
    /// Everything, including tokens, owners and the audit log.
    Admin,
    /// Reading only: for a private registry (`auth_required`), and the
    /// token to hand a client that sends it wherever it is pointed (the
    /// ClawHub CLI keeps one token for every registry).
    Read,
}

impl Scope {
    /// Parses `publish:GLOB`, `yank:GLOB`, `admin` or `read`.
    pub fn parse(text: &str) -> Option<Scope> {
        match text.split_once(':') {
            None if text == "admin" => Some(Scope::Admin),
            None if text == "read" => Some(Scope::Read),
            Some(("publish", glob)) if valid_glob(glob) => Some(Scope::Publish(glob.to_string())),
            Some(("yank", glob)) if valid_glob(glob) => Some(Scope::Yank(glob.to_string())),
            _ => None,
        }
    }
}

fn valid_glob(glob: &str) -> bool {
    !glob.is_empty()
        && glob.len() <= 64
        && glob
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.*".contains(&b))
}

pub use skillseal_package::glob_matches;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_matches("acme-*", "acme-weather"));
        assert!(!glob_matches("acme-*", "other"));
        assert!(glob_matches("*", "anything"));
        assert!(glob_matches("a*b*c", "axxbyyc"));
        assert!(!glob_matches("a*b*c", "axxc"));
        assert!(glob_matches("exact", "exact") && !glob_matches("exact", "exactly"));
    }

    #[test]
    fn tokens_are_long_prefixed_and_never_debug_printed() {
        let (id, secret) = generate();
        assert!(secret.expose().starts_with(PREFIX) && secret.expose().len() == PREFIX.len() + 43);
        assert_eq!(id.len(), 16);
        assert!(!format!("{secret:?}").contains(secret.expose()));
        assert_ne!(generate().1.expose(), secret.expose());
    }

    #[test]
    fn scopes_parse_strictly() {
        assert_eq!(Scope::parse("admin"), Some(Scope::Admin));
        assert_eq!(Scope::parse("read"), Some(Scope::Read));
        assert_eq!(
            serde_json::to_string(&Scope::Read).unwrap(),
            r#"{"scope":"read"}"#
        );
        assert_eq!(
            Scope::parse("publish:acme-*"),
            Some(Scope::Publish("acme-*".into()))
        );
        assert_eq!(Scope::parse("publish:"), None);
        assert_eq!(Scope::parse("publish:../x"), None);
        assert_eq!(Scope::parse("root"), None);
    }
}
