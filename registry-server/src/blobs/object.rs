//! The content-addressed blob store in S3-compatible object storage (S3,
//! MinIO, Ceph RGW, R2 …) through `object_store`, for a registry of
//! several stateless servers sharing one bucket.
//!
//! Keys mirror the local layout: `PREFIX/sha256/ab/abcdef…`. A blob is
//! written with a conditional create (an object already there is never
//! rewritten) before any row names it; S3 acknowledges a PUT once it is
//! durably stored. Because an existing object keeps its age, a publish
//! that finds its blob already there leaves a marker,
//! `PREFIX/pending/abcdef…`, whose age the orphan sweep reads instead: no
//! server deletes a blob another is about to commit.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures::TryStreamExt as _;
use object_store::path::Path as Key;
use object_store::{ObjectStore, PutMode, PutOptions, PutPayload};
use skillseal_model::Digest;

/// Where and how to reach the bucket.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectConfig {
    /// `s3://BUCKET/PREFIX`.
    pub url: String,
    /// The S3 endpoint, for servers other than AWS (`http://127.0.0.1:9000`).
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// Path-style requests (`ENDPOINT/BUCKET/KEY`), as MinIO-like servers
    /// want.
    pub path_style: bool,
    /// Send anonymous downloads to a presigned URL of the object instead
    /// of relaying its bytes.
    pub redirect: bool,
}

/// How long a presigned download URL is valid.
pub const PRESIGNED_FOR: std::time::Duration = std::time::Duration::from_secs(300);

#[derive(Clone, Debug)]
pub struct ObjectBlobs {
    store: Arc<object_store::aws::AmazonS3>,
    prefix: String,
    redirect: bool,
    /// Blobs read recently (immutable, named by digest, checked once).
    memory: Arc<std::sync::Mutex<Memory>>,
}

/// Blobs of at most [`MEMORY_BLOB`] bytes, [`MEMORY_TOTAL`] bytes in all;
/// past it the memory starts over. A bucket answers a read in tens of
/// milliseconds, memory in microseconds, and a blob never changes.
#[derive(Debug, Default)]
struct Memory {
    blobs: HashMap<String, axum::body::Bytes>,
    total: usize,
}

const MEMORY_BLOB: usize = 1 << 20;
const MEMORY_TOTAL: usize = 64 << 20;

fn io(e: object_store::Error) -> std::io::Error {
    match e {
        object_store::Error::NotFound { .. } => {
            std::io::Error::new(std::io::ErrorKind::NotFound, e)
        }
        e => std::io::Error::other(e),
    }
}

impl ObjectBlobs {
    /// The bucket `config.url` names. Credentials come from the standard
    /// AWS environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_SESSION_TOKEN`, or the instance's role) and are never logged.
    pub fn open(config: &ObjectConfig) -> anyhow::Result<ObjectBlobs> {
        let rest = config.url.strip_prefix("s3://").ok_or_else(|| {
            anyhow::anyhow!("blob URL `{}`: expected s3://BUCKET[/PREFIX]", config.url)
        })?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        anyhow::ensure!(!bucket.is_empty(), "blob URL `{}`: no bucket", config.url);
        let mut builder = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_virtual_hosted_style_request(!config.path_style);
        if let Some(endpoint) = &config.endpoint {
            // A plain-HTTP endpoint is allowed only on loopback.
            let loopback = ["http://127.", "http://localhost", "http://[::1]"]
                .iter()
                .any(|p| endpoint.starts_with(p));
            anyhow::ensure!(
                endpoint.starts_with("https://") || loopback,
                "blob endpoint `{endpoint}`: use https:// (plain http only on loopback)"
            );
            builder = builder.with_endpoint(endpoint).with_allow_http(loopback);
        }
        if let Some(region) = &config.region {
            builder = builder.with_region(region);
        }
        let store = builder.build()?;
        Ok(ObjectBlobs {
            store: Arc::new(store),
            prefix: prefix.trim_matches('/').to_string(),
            redirect: config.redirect,
            memory: Arc::default(),
        })
    }

    fn key(&self, rest: &str) -> Key {
        if self.prefix.is_empty() {
            Key::from(rest)
        } else {
            Key::from(format!("{}/{rest}", self.prefix))
        }
    }

    fn blob_key(&self, digest: &Digest) -> Key {
        let hex = digest.hex();
        self.key(&format!("sha256/{}/{hex}", &hex[..2]))
    }

    /// Stores `bytes` unless an object with their digest is there; their
    /// digest. A conditional create (`If-None-Match: *`) guards the race
    /// of two servers storing one blob; servers that refuse the condition
    /// otherwise than S3's 412 (moto answers 403), or ignore it, are
    /// covered by looking first and again after a refusal.
    pub async fn put(&self, bytes: Vec<u8>) -> std::io::Result<Digest> {
        let digest = Digest::of(&bytes);
        let key = self.blob_key(&digest);
        if self.exists(&key).await? {
            return self.touch(&digest).await;
        }
        let options = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        match self
            .store
            .put_opts(&key, PutPayload::from(bytes), options)
            .await
        {
            Ok(_) => Ok(digest),
            Err(object_store::Error::AlreadyExists { .. }) => self.touch(&digest).await,
            Err(e) if self.exists(&key).await? => {
                tracing::debug!("conditional put refused ({e}); the object is there");
                self.touch(&digest).await
            }
            Err(e) => Err(io(e)),
        }
    }

    async fn exists(&self, key: &Key) -> std::io::Result<bool> {
        match self.store.head(key).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(io(e)),
        }
    }

    /// An existing blob young again for the orphan sweep, by its marker.
    async fn touch(&self, digest: &Digest) -> std::io::Result<Digest> {
        let marker = self.key(&format!("pending/{}", digest.hex()));
        self.store
            .put(&marker, PutPayload::new())
            .await
            .map_err(io)?;
        Ok(digest.clone())
    }

    /// The blob's bytes, checked against its digest.
    pub async fn get(&self, digest: &str) -> std::io::Result<Option<Vec<u8>>> {
        use futures::TryStreamExt as _;
        let Ok(digest) = digest.parse::<Digest>() else {
            return Ok(None);
        };
        match self.open_stream(&digest).await? {
            None => Ok(None),
            Some(super::Opened::Whole(bytes)) => Ok(Some(bytes)),
            Some(super::Opened::Stream(len, stream)) => {
                let mut bytes = Vec::with_capacity(len as usize);
                let chunks: Vec<_> = stream.try_collect().await?;
                chunks.iter().for_each(|c| bytes.extend_from_slice(c));
                if Digest::of(&bytes) != digest {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("blob {digest} does not match its digest"),
                    ));
                }
                Ok(Some(bytes))
            }
        }
    }

    fn remembered(&self, digest: &str) -> Option<axum::body::Bytes> {
        let memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        memory.blobs.get(digest).cloned()
    }

    fn remember(&self, digest: &str, bytes: &axum::body::Bytes) {
        if bytes.len() > MEMORY_BLOB {
            return;
        }
        let mut memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        if memory.total + bytes.len() > MEMORY_TOTAL {
            *memory = Memory::default();
        }
        if memory
            .blobs
            .insert(digest.to_string(), bytes.clone())
            .is_none()
        {
            memory.total += bytes.len();
        }
    }

    /// The blob: small ones whole (checked, remembered), large ones as an
    /// unchecked stream; `None` when missing.
    pub async fn open_stream(&self, digest: &Digest) -> std::io::Result<Option<super::Opened>> {
        use futures::StreamExt as _;
        if let Some(bytes) = self.remembered(digest.as_str()) {
            return Ok(Some(super::Opened::Whole(bytes.to_vec())));
        }
        let key = self.blob_key(digest);
        let r = match self.store.get(&key).await {
            Ok(r) => r,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        let len = r.meta.size;
        if len > super::STREAM_ABOVE {
            let stream = r.into_stream().map(|chunk| chunk.map_err(io)).boxed();
            return Ok(Some(super::Opened::Stream(len, stream)));
        }
        let bytes = r.bytes().await.map_err(io)?;
        if Digest::of(&bytes) != *digest {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("object {key} does not match its digest"),
            ));
        }
        self.remember(digest.as_str(), &bytes);
        Ok(Some(super::Opened::Whole(bytes.to_vec())))
    }

    /// A presigned URL of the blob, valid for [`PRESIGNED_FOR`], when
    /// downloads are redirected.
    pub async fn presigned(&self, digest: &str) -> std::io::Result<Option<String>> {
        use object_store::signer::Signer as _;
        let Ok(digest) = digest.parse::<Digest>() else {
            return Ok(None);
        };
        if !self.redirect {
            return Ok(None);
        }
        let url = self
            .store
            .signed_url(
                axum::http::Method::GET,
                &self.blob_key(&digest),
                PRESIGNED_FOR,
            )
            .await
            .map_err(io)?;
        Ok(Some(url.to_string()))
    }

    /// Every blob's digest and age in seconds, under `PREFIX/sha256/`.
    async fn listed(&self, under: &str) -> std::io::Result<Vec<(String, Key, u64)>> {
        let now = chrono::Utc::now();
        let objects: Vec<_> = self
            .store
            .list(Some(&self.key(under)))
            .try_collect()
            .await
            .map_err(io)?;
        Ok(objects
            .into_iter()
            .filter_map(|o| {
                let name = o.location.filename()?.to_string();
                let age = (now - o.last_modified).num_seconds().max(0) as u64;
                Some((name, o.location, age))
            })
            .collect())
    }

    pub async fn list(&self) -> std::io::Result<Vec<String>> {
        Ok(self
            .listed("sha256")
            .await?
            .into_iter()
            .map(|(name, _, _)| format!("sha256:{name}"))
            .collect())
    }

    /// Deletes blobs no row names whose age (or, when younger, their
    /// pending marker's) is at least `grace_secs`, and old markers.
    pub async fn remove_orphans(&self, referenced: &HashSet<String>, grace_secs: u64) -> usize {
        let (Ok(blobs), Ok(markers)) = (self.listed("sha256").await, self.listed("pending").await)
        else {
            tracing::warn!("the orphan sweep could not list the bucket");
            return 0;
        };
        let young: HashMap<&str, u64> = markers
            .iter()
            .map(|(n, _, age)| (n.as_str(), *age))
            .collect();
        let mut removed = 0;
        for (name, key, age) in &blobs {
            let marked_young = young.get(name.as_str()).is_some_and(|a| *a < grace_secs);
            if !referenced.contains(&format!("sha256:{name}"))
                && *age >= grace_secs
                && !marked_young
                && self.store.delete(key).await.is_ok()
            {
                removed += 1;
            }
        }
        for (_, key, age) in &markers {
            if *age >= grace_secs {
                let _ = self.store.delete(key).await;
            }
        }
        removed
    }
}
