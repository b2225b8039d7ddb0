//! The content-addressed blob store (packages, bundles, reports): a local
//! folder ([`local`], the embedded default) or S3-compatible object
//! storage ([`object`], for several servers sharing a bucket). Either way
//! a blob is durably stored before any database row names it, its key is
//! its digest, an existing blob is never rewritten, every read is checked
//! against the digest, and orphans are removed only after a grace period,
//! never while another server may be about to commit them.

use std::collections::HashSet;
use std::path::Path;

pub mod local;
pub mod object;

pub use local::LocalBlobs;
pub use object::{ObjectBlobs, ObjectConfig};
pub use skillseal_model::Digest;

/// The digest of `bytes` (kept for callers that name it so).
pub fn digest_of(bytes: &[u8]) -> Digest {
    Digest::of(bytes)
}

#[derive(Clone, Debug)]
pub enum BlobStore {
    Local(LocalBlobs),
    Object(ObjectBlobs),
}

impl BlobStore {
    /// The store the configuration names: the bucket of `object`, else
    /// `DATA/blobs` (created).
    pub fn open(data: &Path, object: Option<&ObjectConfig>) -> anyhow::Result<BlobStore> {
        Ok(match object {
            Some(config) => BlobStore::Object(ObjectBlobs::open(config)?),
            None => BlobStore::Local(LocalBlobs::open(data)?),
        })
    }

    /// The store as it is, creating nothing (for `fsck`).
    pub fn existing(data: &Path, object: Option<&ObjectConfig>) -> anyhow::Result<BlobStore> {
        Ok(match object {
            Some(config) => BlobStore::Object(ObjectBlobs::open(config)?),
            None => BlobStore::Local(LocalBlobs::existing(data)),
        })
    }

    /// Stores `bytes` durably; their digest.
    pub async fn put(&self, bytes: Vec<u8>) -> std::io::Result<Digest> {
        match self {
            BlobStore::Local(l) => {
                let l = l.clone();
                tokio::task::spawn_blocking(move || l.put(&bytes))
                    .await
                    .map_err(std::io::Error::other)?
            }
            BlobStore::Object(o) => o.put(bytes).await,
        }
    }

    /// The blob's bytes, checked against its digest (`InvalidData` when
    /// they do not match); `None` when there is no such blob.
    pub async fn get(&self, digest: &str) -> std::io::Result<Option<Vec<u8>>> {
        match self {
            BlobStore::Local(l) => {
                let (l, digest) = (l.clone(), digest.to_string());
                tokio::task::spawn_blocking(move || l.get(&digest))
                    .await
                    .map_err(std::io::Error::other)?
            }
            BlobStore::Object(o) => o.get(digest).await,
        }
    }

    /// Where to send a client for the blob instead of relaying it (object
    /// storage with redirects on), if anywhere.
    pub async fn presigned(&self, digest: &str) -> std::io::Result<Option<String>> {
        match self {
            BlobStore::Local(_) => Ok(None),
            BlobStore::Object(o) => o.presigned(digest).await,
        }
    }

    /// Every stored blob, as a digest.
    pub async fn list(&self) -> std::io::Result<Vec<String>> {
        match self {
            BlobStore::Local(l) => {
                let l = l.clone();
                tokio::task::spawn_blocking(move || l.list())
                    .await
                    .map_err(std::io::Error::other)
            }
            BlobStore::Object(o) => o.list().await,
        }
    }

    /// Removes blobs no row names, older than `grace_secs`; how many.
    pub async fn remove_orphans(&self, referenced: HashSet<String>, grace_secs: u64) -> usize {
        match self {
            BlobStore::Local(l) => {
                let l = l.clone();
                tokio::task::spawn_blocking(move || l.remove_orphans(&referenced, grace_secs))
                    .await
                    .unwrap_or(0)
            }
            BlobStore::Object(o) => o.remove_orphans(&referenced, grace_secs).await,
        }
    }
}
