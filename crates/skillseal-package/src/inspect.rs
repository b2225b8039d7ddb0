//! Reading a package someone else made, trusting nothing: the registry
//! checks every upload with [`inspect`] before it stores or scans it.

use sha2::{Digest as _, Sha256};

use crate::{Limits, MANIFEST_FORMAT, MANIFEST_PATH, Manifest, archive, valid_name};

/// Largest decompressed-to-compressed ratio accepted: honest packages of
/// text compress 3 to 10 times; a bomb compresses thousands of times.
pub const MAX_RATIO: u64 = 100;

/// Why an uploaded package was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InspectError {
    #[error("not a gzip-compressed tar archive: {0}")]
    Format(String),
    #[error("the archive expands to more than {0} bytes")]
    TooLarge(u64),
    #[error("the archive expands {0} times its size: refused as a decompression bomb")]
    Ratio(u64),
    #[error("the archive has more than {0} entries")]
    TooManyEntries(usize),
    #[error("`{0}` is larger than the limit of {1} bytes for one file")]
    FileTooLarge(String, u64),
    #[error("`{0}`: links, devices and directories are not allowed in a package")]
    EntryType(String),
    #[error("`{0}`: absolute paths, `..`, empty and non-UTF-8 paths are not allowed")]
    Path(String),
    #[error("the first entry must be `{MANIFEST_PATH}`")]
    NoManifest,
    #[error("the package manifest is invalid: {0}")]
    Manifest(String),
    #[error("`{0}` does not match the package manifest (path, size, SHA-256 or mode)")]
    Mismatch(String),
    #[error("the archive is not in skillseal's canonical form (re-packing it gives other bytes)")]
    NotCanonical,
}

impl InspectError {
    /// Whether the package is refused for a size or count limit (not for
    /// being malformed).
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            InspectError::TooLarge(_)
                | InspectError::Ratio(_)
                | InspectError::TooManyEntries(_)
                | InspectError::FileTooLarge(..)
        )
    }
}

fn safe_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// Checks an uploaded package against `limits` and returns its manifest.
///
/// The archive must be exactly what [`crate::pack`] writes for its files:
/// the manifest first, each file as the manifest says, and the same bytes
/// when packed again, so its digest identifies its content.
pub fn inspect(bytes: &[u8], limits: &Limits) -> Result<Manifest, InspectError> {
    unpack(bytes, limits).map(|(manifest, _)| manifest)
}

/// The archive reader's limits for a package read under `limits`: one
/// more entry than files (the manifest), and a package's stricter ratio.
/// The decompressed tar stream is bounded first (see [`unpack`]), so the
/// reader's total limit is that bound and never the one that stops it.
fn archive_limits(limits: &Limits, stream_cap: u64) -> skillseal_archive::Limits {
    skillseal_archive::Limits {
        max_entries: limits.max_files + 1,
        max_file_bytes: limits.max_file_bytes,
        max_total_bytes: stream_cap,
        max_ratio: MAX_RATIO,
    }
}

impl From<skillseal_archive::Error> for InspectError {
    fn from(e: skillseal_archive::Error) -> Self {
        use skillseal_archive::Error as E;
        match e {
            E::TooManyEntries { limit, .. } => InspectError::TooManyEntries(limit - 1),
            E::Total { limit, .. } => InspectError::TooLarge(limit),
            E::NotTar(e) | E::TarEntry(_, e) | E::Read(e) => InspectError::Format(e.to_string()),
            E::NotZip(e) | E::ZipEntry(_, e) => InspectError::Format(e.to_string()),
        }
    }
}

/// [`inspect`], also returning each file's contents in the manifest's
/// order: what an installer writes, after every check has passed.
pub fn unpack(bytes: &[u8], limits: &Limits) -> Result<(Manifest, Vec<Vec<u8>>), InspectError> {
    // The whole tar stream is decompressed (within a bound) and its ratio
    // checked before any entry is looked at, so a bomb is refused as one
    // whatever its entries hold.
    let cap = limits.max_total_bytes + (limits.max_files as u64 + 1) * 1024 + (1 << 20);
    let raw = skillseal_archive::gunzip(bytes, cap)
        .map_err(|e| InspectError::Format(e.to_string()))?
        .map_err(InspectError::TooLarge)?;
    let archive_limits = archive_limits(limits, cap);
    if let Some(ratio) = archive_limits.ratio_exceeded(raw.len() as u64, bytes.len() as u64) {
        return Err(InspectError::Ratio(ratio));
    }

    let mut files: Vec<(String, Vec<u8>, bool)> = Vec::new();
    skillseal_archive::read_tar(
        raw.as_slice(),
        raw.len() as u64,
        &archive_limits,
        |mut entry| {
            let path = String::from_utf8(std::mem::take(&mut entry.raw_path)).map_err(|e| {
                InspectError::Path(String::from_utf8_lossy(e.as_bytes()).into_owned())
            })?;
            if entry.kind != (skillseal_archive::Kind::File { regular: true }) {
                return Err(InspectError::EntryType(path));
            }
            if !safe_path(&path) {
                return Err(InspectError::Path(path));
            }
            if entry.oversized(&archive_limits) {
                return Err(InspectError::FileTooLarge(path, limits.max_file_bytes));
            }
            let data = entry
                .read()?
                .ok_or_else(|| InspectError::FileTooLarge(path.clone(), limits.max_file_bytes))?;
            files.push((path, data, entry.executable));
            Ok(())
        },
    )?;

    let Some((first, json, _)) = files.first() else {
        return Err(InspectError::NoManifest);
    };
    if first != MANIFEST_PATH {
        return Err(InspectError::NoManifest);
    }
    let manifest: Manifest =
        serde_json::from_slice(json).map_err(|e| InspectError::Manifest(e.to_string()))?;
    if manifest.format != MANIFEST_FORMAT {
        return Err(InspectError::Manifest(format!(
            "format {} (this version reads {MANIFEST_FORMAT})",
            manifest.format
        )));
    }
    if !valid_name(&manifest.name) {
        return Err(InspectError::Manifest(format!(
            "`{}` is not a valid skill name",
            manifest.name
        )));
    }
    let rest = &files[1..];
    if rest.len() != manifest.files.len() {
        return Err(InspectError::Manifest(format!(
            "it lists {} files, the archive holds {}",
            manifest.files.len(),
            rest.len()
        )));
    }
    for (listed, (path, data, executable)) in manifest.files.iter().zip(rest) {
        let same = listed.path == *path
            && listed.size == data.len() as u64
            && listed.sha256 == hex::encode(Sha256::digest(data))
            && listed.executable == *executable;
        if !same {
            return Err(InspectError::Mismatch(path.clone()));
        }
    }
    let contents: Vec<Vec<u8>> = files.into_iter().skip(1).map(|(_, d, _)| d).collect();
    let canonical =
        archive(&manifest, &contents).map_err(|e| InspectError::Format(e.to_string()))?;
    if canonical != bytes {
        return Err(InspectError::NotCanonical);
    }
    Ok((manifest, contents))
}
