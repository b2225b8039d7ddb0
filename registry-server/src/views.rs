//! What the other APIs need to know of a stored package's content: its
//! files and their digests, what `SKILL.md` says of itself, the package as
//! a ZIP archive, and the fingerprints other clients compute over installed
//! files (ClawHub's, and the Agent Skills Discovery digest).
//!
//! A package is immutable and named by its digest, so what is read from it
//! is remembered by that digest and never invalidated; the memory is
//! bounded by count.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex};

use sha2::{Digest as _, Sha256};
use skillseal_model::FileEntry;

use crate::api::ApiError;
use crate::state::Registry;

/// File entries remembered at once, over all packages (a package holds up
/// to 10,000); past it the memory starts over.
const MAX_ENTRIES: usize = 200_000;

/// What a package holds, read once.
#[derive(Debug)]
pub struct PackageView {
    /// The package's files (its manifest's entries, in byte order of path;
    /// never skillseal's own `.skillseal/manifest.json`).
    pub files: Vec<FileEntry>,
    /// `SKILL.md`'s front matter `name`, if any.
    pub title: Option<String>,
    /// `SKILL.md`'s front matter `description`, if any.
    pub description: Option<String>,
}

impl PackageView {
    /// ClawHub's fingerprint of the installed files (see [`clawhub_fingerprint`]).
    pub fn clawhub_fingerprints(&self) -> [String; 2] {
        clawhub_fingerprints(&self.files)
    }
}

/// Packages read so far, by digest, and how many file entries they hold.
#[derive(Default)]
pub struct Views {
    map: Mutex<(HashMap<String, Arc<PackageView>>, usize)>,
}

impl Views {
    /// The view of the package `digest` names, read from the blob store
    /// the first time.
    pub async fn get(
        &self,
        reg: &Arc<Registry>,
        digest: &str,
    ) -> Result<Arc<PackageView>, ApiError> {
        if let Some(v) = self.lock().0.get(digest) {
            return Ok(v.clone());
        }
        let (manifest, contents) = unpack(reg, digest).await?;
        let skill_md = manifest
            .files
            .iter()
            .position(|f| f.path == "SKILL.md")
            .and_then(|i| std::str::from_utf8(&contents[i]).ok());
        let (title, description) = skill_md.map_or((None, None), front_matter);
        let view = Arc::new(PackageView {
            files: manifest.files,
            title,
            description,
        });
        let mut guard = self.lock();
        let (map, entries) = &mut *guard;
        if *entries + view.files.len() > MAX_ENTRIES {
            map.clear();
            *entries = 0;
        }
        *entries += view.files.len();
        map.insert(digest.to_string(), view.clone());
        Ok(view)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (HashMap<String, Arc<PackageView>>, usize)> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A stored package's manifest and each file's contents, off the async
/// workers. The package passed every check when it was published; one
/// that no longer unpacks was altered in the store.
pub async fn unpack(
    reg: &Arc<Registry>,
    digest: &str,
) -> Result<(skillseal_package::Manifest, Vec<Vec<u8>>), ApiError> {
    let bytes = blob(reg, digest).await?;
    let digest = digest.to_string();
    tokio::task::spawn_blocking(move || {
        let limits = skillseal_package::Limits::default();
        skillseal_package::unpack(&bytes, &limits).map_err(|e| {
            tracing::error!(digest, "stored package does not unpack: {e}");
            ApiError::BlobCorrupt
        })
    })
    .await
    .map_err(ApiError::internal)?
}

/// A blob the database names: missing or altered is an error the
/// operator must see (`fsck`), and the client gets no bytes.
pub async fn blob(reg: &Registry, digest: &str) -> Result<Vec<u8>, ApiError> {
    match reg.blobs.get(digest).await {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => {
            tracing::error!(digest, "blob missing from the store");
            Err(ApiError::BlobMissing)
        }
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            tracing::error!(digest, "blob corrupt in the store: {e}");
            Err(ApiError::BlobCorrupt)
        }
        Err(e) => Err(ApiError::internal(e)),
    }
}

/// A stored scan report (its JSON blob).
pub async fn report(reg: &Registry, digest: &str) -> Result<skillseal_model::ScanReport, ApiError> {
    let bytes = blob(reg, digest).await?;
    serde_json::from_slice(&bytes).map_err(|_| ApiError::BlobCorrupt)
}

/// `SKILL.md`'s `name` and `description`.
fn front_matter(src: &str) -> (Option<String>, Option<String>) {
    let Some(fm) = skillseal_engine::split_front_matter(src) else {
        return (None, None);
    };
    let (manifest, _) = skillseal_engine::parse_front_matter(src, &fm);
    (manifest.name, manifest.description)
}

/// The files as a ZIP archive, the same bytes for the same files: entries
/// in the manifest's order, every time stamp 1980-01-01, permissions
/// `0644` or `0755`, deflated.
pub fn zip_archive(files: &[FileEntry], contents: &[Vec<u8>]) -> std::io::Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (file, bytes) in files.iter().zip(contents) {
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(if file.executable { 0o755 } else { 0o644 });
        writer
            .start_file(file.path.as_str(), options)
            .map_err(std::io::Error::other)?;
        writer.write_all(bytes)?;
    }
    let cursor = writer.finish().map_err(std::io::Error::other)?;
    Ok(cursor.into_inner())
}

/// ClawHub's fingerprint of installed files: SHA-256 over the lines
/// `path:sha256` joined by `\n`, sorted as JavaScript's `localeCompare`
/// sorts them, of the files its CLI counts (none under a path segment
/// that starts with `.`). Two values: the first sorted by [`locale_cmp`],
/// the second by bytes, for paths outside ASCII where the first is only
/// an approximation of ICU's collation.
pub fn clawhub_fingerprints(files: &[FileEntry]) -> [String; 2] {
    let mut counted: Vec<&FileEntry> = files
        .iter()
        .filter(|f| !f.path.split('/').any(|s| s.starts_with('.')))
        .collect();
    let hash = |files: &[&FileEntry]| {
        let lines: Vec<String> = files
            .iter()
            .map(|f| format!("{}:{}", f.path, f.sha256))
            .collect();
        hex::encode(Sha256::digest(lines.join("\n").as_bytes()))
    };
    counted.sort_by(|a, b| locale_cmp(&a.path, &b.path));
    let by_locale = hash(&counted);
    counted.sort_by(|a, b| a.path.cmp(&b.path));
    [by_locale, hash(&counted)]
}

/// The order of ASCII characters in the Unicode root collation (CLDR),
/// which `String.prototype.localeCompare` follows: white space,
/// punctuation and symbols, digits, then letters (each letter's two cases
/// equal at this level).
const ROOT_ORDER: &str =
    "\t\n\u{b}\u{c}\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz";

/// Compares as the root collation does for ASCII: by each character's
/// primary weight (case ignored) over the whole string first, then lower
/// case before upper case at the first difference. Characters outside
/// ASCII weigh after all of these, by code point.
pub fn locale_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn primary(c: char) -> u32 {
        let lower = c.to_ascii_lowercase();
        match ROOT_ORDER.find(lower) {
            Some(i) if c.is_ascii() => i as u32,
            _ => 0x100 + c as u32,
        }
    }
    let primaries = |s: &str| s.chars().map(primary).collect::<Vec<_>>();
    primaries(a).cmp(&primaries(b)).then_with(|| {
        let tertiary = |s: &str| {
            s.chars()
                .map(|c| u8::from(c.is_ascii_uppercase()))
                .collect::<Vec<_>>()
        };
        tertiary(a).cmp(&tertiary(b))
    })
}

/// The Agent Skills Discovery (v0.2.0) digest of a skill: SHA-256 over
/// the lines `path\0hex\n`, sorted by path bytes.
pub fn discovery_digest(files: &[FileEntry]) -> String {
    let mut sorted: Vec<&FileEntry> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut hasher = Sha256::new();
    for f in sorted {
        hasher.update(f.path.as_bytes());
        hasher.update([0]);
        hasher.update(f.sha256.as_bytes());
        hasher.update(b"\n");
    }
    format!("sha256:{}", hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, bytes: &[u8]) -> FileEntry {
        FileEntry {
            path: path.into(),
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(bytes)),
            executable: false,
        }
    }

    /// The order Node.js 22 (`en-US`) gives these paths with
    /// `a.localeCompare(b)`, recorded from a run of it.
    #[test]
    fn locale_order_matches_javascript() {
        let mut paths = vec![
            "SKILL.md",
            "scripts/run.sh",
            "Scripts/a",
            "README.md",
            "readme.md",
            "a-b/c",
            "a_b/c",
            "a.b",
            "a/b",
            "ab",
            "A",
            "a",
            "_x",
            "0x",
            "skill.md",
            "references/x.md",
            "Zeta.md",
            "zeta.md",
        ];
        paths.sort_by(|a, b| locale_cmp(a, b));
        assert_eq!(
            paths,
            [
                "_x",
                "0x",
                "a",
                "A",
                "a_b/c",
                "a-b/c",
                "a.b",
                "a/b",
                "ab",
                "readme.md",
                "README.md",
                "references/x.md",
                "Scripts/a",
                "scripts/run.sh",
                "skill.md",
                "SKILL.md",
                "zeta.md",
                "Zeta.md",
            ]
        );
        let chars = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789aAbBzZ";
        let mut one: Vec<String> = chars.chars().rev().map(|c| format!("x{c}y")).collect();
        one.sort_by(|a, b| locale_cmp(a, b));
        let order: String = one.iter().filter_map(|s| s.chars().nth(1)).collect();
        assert_eq!(order, chars);
    }

    #[test]
    fn clawhub_fingerprint_leaves_out_dot_paths_and_sorts_by_locale() {
        let files = [
            entry("SKILL.md", b"# s\n"),
            entry("scripts/run.sh", b"echo\n"),
            entry(".env.example", b"X=1\n"),
            entry("a/.hidden/x", b"x"),
        ];
        let lines = format!(
            "{}:{}\n{}:{}",
            "scripts/run.sh", files[1].sha256, "SKILL.md", files[0].sha256
        );
        let expected = hex::encode(Sha256::digest(lines.as_bytes()));
        let [by_locale, by_bytes] = clawhub_fingerprints(&files);
        assert_eq!(by_locale, expected);
        assert_ne!(by_bytes, expected, "byte order puts SKILL.md first");
    }

    /// The worked example of the Agent Skills Discovery RFC (v0.2.0).
    #[test]
    fn discovery_digest_matches_the_rfc_example() {
        let files = [
            entry("scripts/run.sh", b"#!/bin/sh\n"),
            entry("SKILL.md", b"# Hello\n"),
        ];
        assert_eq!(
            files[1].sha256,
            "90f8ec5669cd34183b9b0fdf8b94f5efb4c3672876330f4aa76088c2b4ad17be"
        );
        assert_eq!(
            discovery_digest(&files),
            "sha256:34f7a8c484e9991f3e71a309f31332d6335efc01f544105c4185a7c4ab12eb1e"
        );
    }

    #[test]
    fn zip_is_deterministic_and_holds_exactly_the_files() {
        let files = [
            entry("SKILL.md", b"# s\n"),
            entry("scripts/run.sh", b"echo\n"),
        ];
        let contents = vec![b"# s\n".to_vec(), b"echo\n".to_vec()];
        let a = zip_archive(&files, &contents).unwrap();
        assert_eq!(a, zip_archive(&files, &contents).unwrap());
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
        assert_eq!(archive.len(), 2);
        let mut read = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("scripts/run.sh").unwrap(), &mut read)
            .unwrap();
        assert_eq!(read, "echo\n");
    }
}
