//! A ClawHub project as the `clawhub` CLI leaves it: `.clawhub/lock.json`
//! (legacy `.clawdhub/`) in the workdir, and each installed skill's
//! `.clawhub/origin.json` in its folder. Read, never written: what
//! `skillseal import-clawhub` ([`crate::ops::import`]) starts from.
//!
//! Every file is checked on reading; a missing, unreadable or malformed
//! one is an [`Error::Invalid`] naming the file and why (JSON errors with
//! their line and column). Fields ClawHub adds later are ignored.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::Digest as _;
use skillseal_model::FileEntry;

use crate::error::{Error, Result};

/// ClawHub's metadata folders: the current name and the legacy one.
pub const META_DIRS: [&str; 2] = [".clawhub", ".clawdhub"];

/// The only format version of `lock.json` and `origin.json` ClawHub
/// writes, and the one read here.
const FORMAT: u64 = 1;

/// More than any real lock or origin file: a bound on what is read.
const MAX_FILE_BYTES: u64 = 8 << 20;

/// A ClawHub project: its lock and where its skills are.
#[derive(Debug)]
pub struct ClawhubProject {
    /// The lock file read (`.clawhub/lock.json` or the legacy one).
    pub lock_path: PathBuf,
    /// The skills folder (`--dir`, relative to the workdir).
    pub skills_dir: PathBuf,
    /// The lock's entries, by key.
    pub entries: BTreeMap<String, LockEntry>,
}

/// One entry of `lock.json`'s `skills`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockEntry {
    /// `null` when ClawHub recorded none.
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub installed_at: Option<u64>,
    #[serde(default)]
    pub owner_handle: Option<String>,
    #[serde(default)]
    pub pinned: Option<bool>,
    /// `skills-sh` for a skills.sh reference.
    #[serde(default)]
    pub source_kind: Option<String>,
    #[serde(default)]
    pub source_ref: Option<String>,
}

impl LockEntry {
    /// A skills.sh reference rather than a ClawHub registry install.
    pub fn is_skills_sh(&self) -> bool {
        self.source_kind.as_deref() == Some("skills-sh")
    }
}

#[derive(Debug, Deserialize)]
struct LockFile {
    version: u64,
    skills: BTreeMap<String, LockEntry>,
}

/// A skill folder's `.clawhub/origin.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Origin {
    pub version: u64,
    #[serde(default)]
    pub registry: Option<String>,
    pub slug: String,
    #[serde(default)]
    pub installed_version: Option<String>,
    #[serde(default)]
    pub installed_at: Option<u64>,
    /// ClawHub's [`fingerprint`] of the folder when it installed it.
    #[serde(default)]
    pub fingerprint: Option<String>,
    #[serde(default)]
    pub owner_handle: Option<String>,
}

/// A lock key: `slug`, or `@owner/slug`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key<'a> {
    pub owner: Option<&'a str>,
    pub slug: &'a str,
}

/// Splits a lock key; `None` when its parts are not names a folder may
/// safely be looked up by (no `/`, `..`, leading `.`).
pub fn parse_key(key: &str) -> Option<Key<'_>> {
    let (owner, slug) = match key.strip_prefix('@') {
        Some(rest) => {
            let (owner, slug) = rest.split_once('/')?;
            (Some(owner), slug)
        }
        None => (None, key),
    };
    let safe = |part: &str| {
        !part.is_empty()
            && part.len() <= 128
            && part.as_bytes()[0].is_ascii_alphanumeric()
            && part
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"-_.".contains(&c))
    };
    (owner.is_none_or(safe) && safe(slug)).then_some(Key { owner, slug })
}

impl ClawhubProject {
    /// Reads `WORKDIR/.clawhub/lock.json` (else the legacy
    /// `.clawdhub/lock.json`); `skills_dir` is `--dir`, relative to the
    /// workdir.
    pub fn read(workdir: &Path, skills_dir: &Path) -> Result<ClawhubProject> {
        let candidates: Vec<PathBuf> = META_DIRS
            .iter()
            .map(|d| workdir.join(d).join("lock.json"))
            .collect();
        let Some(lock_path) = candidates.iter().find(|p| p.exists()).cloned() else {
            return Err(Error::Invalid(format!(
                "{}: not found (nor {}): no ClawHub project in {}",
                candidates[0].display(),
                candidates[1].display(),
                workdir.display()
            )));
        };
        let lock: LockFile = read_json(&lock_path, "ClawHub lock")?;
        if lock.version != FORMAT {
            return Err(Error::Invalid(format!(
                "{}: lock format version {} is not supported (this reads version {FORMAT})",
                lock_path.display(),
                lock.version
            )));
        }
        Ok(ClawhubProject {
            lock_path,
            skills_dir: workdir.join(skills_dir),
            entries: lock.skills,
        })
    }

    /// Where ClawHub installed `key`: `DIR/slug`, or `DIR/@owner/slug`.
    pub fn folder(&self, key: &Key<'_>) -> PathBuf {
        match key.owner {
            Some(owner) => self.skills_dir.join(format!("@{owner}")).join(key.slug),
            None => self.skills_dir.join(key.slug),
        }
    }
}

/// The `origin.json` of the skill in `folder` (`.clawhub/`, else the
/// legacy `.clawdhub/`).
pub fn read_origin(folder: &Path) -> Result<Origin> {
    let candidates: Vec<PathBuf> = META_DIRS
        .iter()
        .map(|d| folder.join(d).join("origin.json"))
        .collect();
    let Some(path) = candidates.iter().find(|p| p.exists()) else {
        let why = if folder.is_dir() {
            "the skill's folder has no ClawHub origin".to_string()
        } else {
            format!(
                "{} is missing, but the ClawHub lock lists it",
                folder.display()
            )
        };
        return Err(Error::Invalid(format!(
            "{}: not found (nor {}): {why}",
            candidates[0].display(),
            candidates[1].display(),
        )));
    };
    let origin: Origin = read_json(path, "ClawHub origin")?;
    if origin.version != FORMAT {
        return Err(Error::Invalid(format!(
            "{}: origin format version {} is not supported (this reads version {FORMAT})",
            path.display(),
            origin.version
        )));
    }
    Ok(origin)
}

/// `path` as JSON of type `T` (`what` names it in errors), read within
/// [`MAX_FILE_BYTES`].
fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T> {
    let shown = path.display();
    let meta = std::fs::symlink_metadata(path)
        .map_err(|e| Error::Invalid(format!("{shown}: cannot read it: {e}")))?;
    if !meta.is_file() {
        return Err(Error::Invalid(format!(
            "{shown}: not a regular file (a {what} file must be one)"
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| Error::Invalid(format!("{shown}: cannot read it: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::Invalid(format!(
            "{shown}: larger than {MAX_FILE_BYTES} bytes: not a {what} file"
        )));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::Invalid(format!("{shown}: not a valid {what} file: {e}")))
}

/// Whether ClawHub's fingerprint leaves `path` out: a path segment starting
/// with `.`, or `node_modules/`.
fn fingerprint_skips(path: &str) -> bool {
    path.split('/')
        .any(|segment| segment.starts_with('.') || segment == "node_modules")
}

/// ClawHub's fingerprint of a folder's files: the SHA-256 (hex) of the
/// lines `path:sha256` of its files, sorted by path and joined with `\n`
/// (no trailing newline), without the paths [`fingerprint_skips`].
pub fn fingerprint(files: &[FileEntry]) -> String {
    let mut lines: Vec<String> = files
        .iter()
        .filter(|f| !fingerprint_skips(&f.path))
        .map(|f| format!("{}:{}", f.path, f.sha256))
        .collect();
    lines.sort();
    hex::encode(sha2::Sha256::digest(lines.join("\n").as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, sha256: &str) -> FileEntry {
        FileEntry {
            path: path.into(),
            size: 1,
            sha256: sha256.into(),
            executable: false,
        }
    }

    #[test]
    fn the_fingerprint_is_clawhubs() {
        // sha256("a.md:11\nb/c.py:22"), computed independently.
        let expected = hex::encode(sha2::Sha256::digest(b"a.md:11\nb/c.py:22"));
        let files = [
            file("b/c.py", "22"),
            file(".clawhub/origin.json", "33"),
            file("a.md", "11"),
            file("b/.hidden", "44"),
            file("node_modules/x/index.js", "55"),
            file("lib/node_modules/y.js", "66"),
        ];
        assert_eq!(fingerprint(&files), expected);
        assert_eq!(
            fingerprint(&[]),
            // The SHA-256 of nothing.
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn keys_are_slugs_or_owner_scoped_and_never_paths() {
        assert_eq!(
            parse_key("my-skill"),
            Some(Key {
                owner: None,
                slug: "my-skill"
            })
        );
        assert_eq!(
            parse_key("@alice/tool"),
            Some(Key {
                owner: Some("alice"),
                slug: "tool"
            })
        );
        for bad in [
            "", "../x", "a/b", "@alice", "@alice/", "@/x", "@a/b/c", ".hidden", "@../x", "x y",
        ] {
            assert_eq!(parse_key(bad), None, "{bad}");
        }
    }
}
