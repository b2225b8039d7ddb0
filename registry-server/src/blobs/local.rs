//! The content-addressed blob store on the filesystem (the default).
//!
//! A blob is written to a temporary file, synced, renamed to
//! `blobs/sha256/ab/abcdef…` and its directory synced, before any database
//! row names it: a crash leaves either no blob, or a whole one that no row
//! names yet (an orphan, removed at the next start).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use skillseal_model::Digest;

#[derive(Clone, Debug)]
pub struct LocalBlobs {
    root: PathBuf,
}

impl LocalBlobs {
    pub fn open(data: &Path) -> std::io::Result<Self> {
        let root = data.join("blobs");
        std::fs::create_dir_all(root.join("sha256"))?;
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(LocalBlobs { root })
    }

    /// The store in `data` as it is, creating nothing (for `fsck`: a store
    /// that was never written to is an empty one).
    pub fn existing(data: &Path) -> Self {
        LocalBlobs {
            root: data.join("blobs"),
        }
    }

    fn path(&self, digest: &Digest) -> PathBuf {
        let hex = digest.hex();
        self.root.join("sha256").join(&hex[..2]).join(hex)
    }

    /// Stores `bytes` durably and returns their digest.
    pub fn put(&self, bytes: &[u8]) -> std::io::Result<Digest> {
        let digest = Digest::of(bytes);
        let path = self.path(&digest);
        if path.exists() {
            // Young again, so that another server's orphan sweep (which
            // spares young blobs) leaves it to the row about to name it.
            std::fs::File::options()
                .append(true)
                .open(&path)?
                .set_modified(std::time::SystemTime::now())?;
            return Ok(digest);
        }
        let dir = path.parent().expect("blob paths have a parent");
        std::fs::create_dir_all(dir)?;
        let tmp = self.root.join("tmp").join(format!(
            "{}.{}.{}",
            &digest.hex()[..16],
            std::process::id(),
            random_suffix()
        ));
        let result = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
            std::fs::File::open(dir)?.sync_all()
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result.map(|()| digest)
    }

    /// The blob's bytes, checked against its digest: a blob altered on
    /// disk is an error (`InvalidData`), never served as itself.
    pub fn get(&self, digest: &str) -> std::io::Result<Option<Vec<u8>>> {
        let Ok(digest) = digest.parse::<Digest>() else {
            return Ok(None);
        };
        let path = self.path(&digest);
        match std::fs::read(&path) {
            Ok(bytes) if Digest::of(&bytes) == digest => Ok(Some(bytes)),
            Ok(_) => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("blob {} does not match its digest", path.display()),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every blob on disk, as a digest.
    pub fn list(&self) -> Vec<String> {
        walk(&self.root.join("sha256"))
            .iter()
            .filter_map(|p| {
                p.file_name()
                    .map(|n| format!("sha256:{}", n.to_string_lossy()))
            })
            .collect()
    }

    /// Removes temporary files and blobs no row names, older than
    /// `grace_secs` (another server sharing the store may be about to
    /// commit a younger one). Returns how many files were removed.
    pub fn remove_orphans(
        &self,
        referenced: &std::collections::HashSet<String>,
        grace_secs: u64,
    ) -> usize {
        let old = |p: &Path| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() >= grace_secs)
        };
        let mut removed = 0;
        for entry in walk(&self.root.join("tmp")) {
            if old(&entry) && std::fs::remove_file(&entry).is_ok() {
                removed += 1;
            }
        }
        // Staging folders of scans (`tmp/scan-*`) a crash left behind.
        for entry in std::fs::read_dir(self.root.join("tmp"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir())
                && old(&path)
                && std::fs::remove_dir_all(&path).is_ok()
            {
                removed += 1;
            }
        }
        for entry in walk(&self.root.join("sha256")) {
            let name = entry
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if !referenced.contains(&format!("sha256:{name}"))
                && old(&entry)
                && std::fs::remove_file(&entry).is_ok()
            {
                removed += 1;
            }
        }
        removed
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => out.push(e.path()),
                _ => {}
            }
        }
    }
    out
}

fn random_suffix() -> String {
    let mut b = [0u8; 8];
    openssl::rand::rand_bytes(&mut b).expect("the system random source works");
    hex::encode(b)
}

impl LocalBlobs {
    /// The blob's size, if it is there.
    pub async fn size(&self, digest: &Digest) -> std::io::Result<Option<u64>> {
        match tokio::fs::metadata(self.path(digest)).await {
            Ok(m) => Ok(Some(m.len())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The blob's bytes as an unchecked stream, if it is there.
    pub async fn open_stream(&self, digest: &Digest) -> std::io::Result<Option<super::Opened>> {
        use futures::StreamExt as _;
        match tokio::fs::File::open(self.path(digest)).await {
            Ok(file) => {
                let len = file.metadata().await?.len();
                let stream = tokio_util::io::ReaderStream::new(file);
                Ok(Some(super::Opened::Stream(len, stream.boxed())))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}
