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

/// A blob's bytes as they arrive.
pub type ByteStream = futures::stream::BoxStream<'static, std::io::Result<axum::body::Bytes>>;

/// Blobs larger than this are streamed to clients, checked as they go.
pub const STREAM_ABOVE: u64 = 1 << 20;

/// A blob as a store opened it: whole (already checked), or its size and
/// an unchecked stream.
pub enum Opened {
    Whole(Vec<u8>),
    Stream(u64, ByteStream),
}

/// A blob to send: whole (checked), or a stream whose end is checked.
pub enum Fetched {
    Whole(Vec<u8>),
    Stream { len: u64, stream: ByteStream },
}

/// `stream`, hashed as it passes: an error in place of its end when the
/// bytes are not `digest`'s (the client, which checks the digest it
/// pinned anyway, sees a broken transfer, never a clean wrong one).
fn checked(stream: ByteStream, digest: Digest) -> ByteStream {
    use futures::StreamExt as _;
    use sha2::Digest as _;
    let state = (stream, sha2::Sha256::new(), Some(digest));
    futures::stream::unfold(state, |(mut stream, mut hasher, digest)| async move {
        let expected = digest?;
        match stream.next().await {
            Some(Ok(chunk)) => {
                hasher.update(&chunk);
                Some((Ok(chunk), (stream, hasher, Some(expected))))
            }
            Some(Err(e)) => Some((Err(e), (stream, hasher, None))),
            None => {
                let actual = format!("sha256:{}", hex::encode(hasher.finalize()));
                if actual == expected.as_str() {
                    None
                } else {
                    tracing::error!(digest = expected.as_str(), "blob corrupt in the store");
                    let e = std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("blob {expected} does not match its digest"),
                    );
                    Some((Err(e), (stream, sha2::Sha256::new(), None)))
                }
            }
        }
    })
    .boxed()
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

    /// The blob to send to a client: small ones whole and checked, large
    /// ones streamed and checked at their end; `None` when missing.
    pub async fn fetch(&self, digest: &str) -> std::io::Result<Option<Fetched>> {
        let Ok(parsed) = digest.parse::<Digest>() else {
            return Ok(None);
        };
        let opened = match self {
            BlobStore::Local(l) => match l.size(&parsed).await? {
                None => return Ok(None),
                Some(len) if len <= STREAM_ABOVE => {
                    return Ok(self.get(digest).await?.map(Fetched::Whole));
                }
                Some(_) => l.open_stream(&parsed).await?,
            },
            BlobStore::Object(o) => o.open_stream(&parsed).await?,
        };
        Ok(opened.map(|opened| match opened {
            Opened::Whole(bytes) => Fetched::Whole(bytes),
            Opened::Stream(len, stream) => Fetched::Stream {
                len,
                stream: checked(stream, parsed),
            },
        }))
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

#[cfg(test)]
mod tests {
    use super::*;
    use futures::TryStreamExt as _;

    async fn collect(f: Fetched) -> std::io::Result<Vec<u8>> {
        match f {
            Fetched::Whole(bytes) => Ok(bytes),
            Fetched::Stream { stream, .. } => {
                let chunks: Vec<axum::body::Bytes> = stream.try_collect().await?;
                Ok(chunks.concat())
            }
        }
    }

    #[tokio::test]
    async fn large_blobs_stream_and_a_corrupt_one_ends_in_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path(), None).unwrap();
        let mut big = vec![0u8; (STREAM_ABOVE as usize) * 2 + 7];
        openssl::rand::rand_bytes(&mut big).unwrap();
        let digest = store.put(big.clone()).await.unwrap();
        let small = store.put(b"small".to_vec()).await.unwrap();

        let fetched = store.fetch(digest.as_str()).await.unwrap().unwrap();
        assert!(matches!(fetched, Fetched::Stream { len, .. } if len == big.len() as u64));
        assert_eq!(collect(fetched).await.unwrap(), big);
        let fetched = store.fetch(small.as_str()).await.unwrap().unwrap();
        assert!(matches!(fetched, Fetched::Whole(_)));
        assert!(
            store
                .fetch(Digest::of(b"absent").as_str())
                .await
                .unwrap()
                .is_none()
        );

        // Altered on disk after it was stored: the stream ends in an error.
        let hex = digest.hex();
        let path = dir.path().join("blobs/sha256").join(&hex[..2]).join(hex);
        let mut altered = big.clone();
        altered[STREAM_ABOVE as usize] ^= 1;
        std::fs::write(&path, &altered).unwrap();
        let fetched = store.fetch(digest.as_str()).await.unwrap().unwrap();
        let e = collect(fetched).await.unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    }
}
