//! Content-addressed packages and bundles already verified by digest.

use std::path::PathBuf;

use skillseal_model::Digest;

use crate::error::{Context as _, Error, Result};

/// `DIR/sha256/HEX`: each file named by the digest of its bytes, checked
/// again on every read.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// `$SKILLSEAL_CACHE_DIR`, else `$XDG_CACHE_HOME/skillseal`, else
    /// `~/.cache/skillseal`.
    pub fn open() -> Result<Cache> {
        let dir = if let Some(d) = std::env::var_os("SKILLSEAL_CACHE_DIR") {
            PathBuf::from(d)
        } else if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
            PathBuf::from(d).join("skillseal")
        } else {
            let home = std::env::var_os("HOME")
                .ok_or_else(|| Error::Invalid("no HOME for the package cache".into()))?;
            PathBuf::from(home).join(".cache/skillseal")
        };
        Ok(Cache::at(dir))
    }

    /// The cache in `dir` (what `SKILLSEAL_CACHE_DIR` names).
    pub fn at(dir: impl Into<PathBuf>) -> Cache {
        Cache {
            dir: dir.into().join("sha256"),
        }
    }

    fn path(&self, digest: &str) -> Option<PathBuf> {
        let digest: Digest = digest.parse().ok()?;
        Some(self.dir.join(digest.hex()))
    }

    /// The bytes, if cached and still matching their digest.
    pub fn get(&self, digest: &str) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.path(digest)?).ok()?;
        (digest_of(&bytes) == digest).then_some(bytes)
    }

    /// Stores `bytes` under their digest.
    pub fn put(&self, bytes: &[u8]) -> Result<()> {
        let digest = digest_of(bytes);
        let path = self.path(&digest).expect("a computed digest is valid");
        std::fs::create_dir_all(&self.dir)
            .context(|| format!("cannot create {}", self.dir.display()))?;
        crate::fs::write_atomically(&path, bytes)
            .context(|| format!("cannot write {}", path.display()))
    }
}

/// The bytes' digest (`sha256:` and the hex of their SHA-256).
pub fn digest_of(bytes: &[u8]) -> Digest {
    Digest::of(bytes)
}
