//! Canonical skill packages.
//!
//! [`pack`] turns a skill folder into a deterministic `.tar.gz`: the same
//! files give the same bytes whatever their modification times, owners,
//! permissions (only the executable bit counts) or the order the file
//! system lists them in. The SHA-256 of those bytes is the package digest,
//! what signatures, the registry and lockfiles pin.
//!
//! The first entry of every package is [`MANIFEST_PATH`], a JSON
//! [`Manifest`] listing each file's path, size, SHA-256 and executable bit,
//! so an installed copy can be checked file by file later. The skill's own
//! files follow in byte order of their paths, as regular-file entries only
//! (directories are implied), each with mtime 0, uid and gid 0, and mode
//! `0644` or `0755`.
//!
//! Left out: `.git/`, and paths matched by `.skillsealignore` or
//! `.clawhubignore` at the skill's root (gitignore syntax). Refused, with
//! the offending path: symbolic links, devices, sockets and other special
//! files, paths that are not UTF-8, a skill that has its own
//! `.skillseal/` folder (the manifest's place), and skills over
//! [`Limits`].
//!
//! The name and exact semver version come from `SKILL.md`'s front matter
//! (`version`, or `metadata.version`) or from the caller; a missing
//! version, or a requirement such as `^1.2` instead of a version, is an
//! error.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

mod inspect;
pub use inspect::{InspectError, MAX_RATIO, inspect, unpack};

/// Where the per-file manifest sits inside a package.
pub const MANIFEST_PATH: &str = ".skillseal/manifest.json";

/// The manifest format this crate writes and reads.
pub const MANIFEST_FORMAT: u32 = 1;

/// Upper bounds on what is packed.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_files: usize,
    pub max_file_bytes: u64,
    pub max_total_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_files: 10_000,
            // The scanner's own limit: a package holds nothing the
            // registry's scan would skip.
            max_file_bytes: skillseal_model::MAX_FILE_BYTES,
            max_total_bytes: 128 << 20,
        }
    }
}

/// What the caller decides about a package.
#[derive(Debug, Clone, Default)]
pub struct PackOptions {
    /// The version, when the front matter has none (or to override it).
    pub version: Option<String>,
    pub limits: Limits,
}

/// Names and entries shared with the lockfile and the registry, defined
/// once in `skillseal-model`.
pub use skillseal_model::{Digest, FileEntry, glob_matches, valid_digest, valid_name};

/// The per-file manifest stored in every package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub name: String,
    pub version: semver::Version,
    /// In byte order of their paths.
    pub files: Vec<FileEntry>,
}

/// A packed skill.
#[derive(Debug, Clone)]
pub struct Package {
    pub manifest: Manifest,
    /// The `.tar.gz` bytes.
    pub bytes: Vec<u8>,
    /// The SHA-256 of `bytes`.
    pub digest: Digest,
}

impl Package {
    /// The conventional file name: `NAME-VERSION.skill.tgz`.
    pub fn file_name(&self) -> String {
        format!("{}-{}.skill.tgz", self.manifest.name, self.manifest.version)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a directory", .0.display())]
    NotADirectory(PathBuf),
    #[error("{}: symbolic links are not packed; replace it with the file it points to", .0.display())]
    Symlink(PathBuf),
    #[error("{}: not a regular file or directory (device, socket or pipe)", .0.display())]
    SpecialFile(PathBuf),
    #[error("{}: path is not valid UTF-8", .0.display())]
    NonUtf8Path(PathBuf),
    #[error("{}: `.skillseal/` is reserved for the package manifest", .0.display())]
    Reserved(PathBuf),
    #[error("{}: no SKILL.md at the skill's root", .0.display())]
    NoSkillManifest(PathBuf),
    #[error("{}: SKILL.md has no `name` in its front matter", .0.display())]
    NoName(PathBuf),
    #[error(
        "{0}: not a valid skill name (lower-case letters, digits, `-`, `_` and `.`, starting with a letter or digit, at most 64 characters)"
    )]
    BadName(String),
    #[error(
        "{}: no version: add `version: 1.0.0` to SKILL.md's front matter or pass --version",
        .0.display()
    )]
    NoVersion(PathBuf),
    #[error("version `{value}` ({origin}) is not an exact semver version such as 1.2.3: {reason}")]
    BadVersion {
        value: String,
        origin: &'static str,
        reason: String,
    },
    #[error("{}: {what} exceeds the limit of {limit}", path.display())]
    TooLarge {
        path: PathBuf,
        what: &'static str,
        limit: u64,
    },
    #[error("{}: invalid ignore file: {reason}", path.display())]
    Ignore { path: PathBuf, reason: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PackError + '_ {
    move |source| PackError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Pack the skill folder `dir` (see the crate documentation).
pub fn pack(dir: &Path, opts: &PackOptions) -> Result<Package, PackError> {
    let meta = std::fs::metadata(dir).map_err(io(dir))?;
    if !meta.is_dir() {
        return Err(PackError::NotADirectory(dir.to_path_buf()));
    }
    let skill_md = dir.join("SKILL.md");
    let text = match std::fs::read(&skill_md) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(PackError::NoSkillManifest(dir.to_path_buf()));
        }
        Err(e) => return Err(io(&skill_md)(e)),
    };
    let front = skillseal_engine::split_front_matter(&text)
        .map(|fm| skillseal_engine::parse_front_matter(&text, &fm).0)
        .unwrap_or_default();
    let name = front
        .name
        .clone()
        .ok_or_else(|| PackError::NoName(skill_md.clone()))?;
    if !valid_name(&name) {
        return Err(PackError::BadName(name));
    }
    let version = match (&opts.version, &front.version) {
        (Some(v), _) => parse_version(v, "--version")?,
        (None, Some(v)) => parse_version(v, "SKILL.md front matter")?,
        (None, None) => return Err(PackError::NoVersion(skill_md)),
    };

    let files = collect(dir, &opts.limits)?;
    let mut entries = Vec::with_capacity(files.len());
    let mut contents = Vec::with_capacity(files.len());
    for (rel, abs, executable) in files {
        let bytes = std::fs::read(&abs).map_err(io(&abs))?;
        entries.push(FileEntry {
            path: rel,
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(&bytes)),
            executable,
        });
        contents.push(bytes);
    }
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        name,
        version,
        files: entries,
    };
    let bytes = archive(&manifest, &contents).map_err(io(dir))?;
    let digest = Digest::of(&bytes);
    Ok(Package {
        manifest,
        bytes,
        digest,
    })
}

/// An exact semver version (`1.2.3`, `1.0.0-rc.1`), not a requirement.
pub fn parse_version(value: &str, origin: &'static str) -> Result<semver::Version, PackError> {
    semver::Version::parse(value.trim()).map_err(|e| PackError::BadVersion {
        value: value.to_string(),
        origin,
        reason: if semver::VersionReq::parse(value.trim()).is_ok() {
            "that is a range; a package has one exact version".to_string()
        } else {
            e.to_string()
        },
    })
}

/// The files to pack: relative path, absolute path, executable bit; in
/// byte order of the relative paths.
fn collect(dir: &Path, limits: &Limits) -> Result<Vec<(String, PathBuf, bool)>, PackError> {
    let ignore = ignore_rules(dir)?;
    let mut out = Vec::new();
    let mut total = 0u64;
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git");
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            PackError::Io {
                path,
                source: e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("file system loop")),
            }
        })?;
        let path = entry.path();
        let rel_path = path.strip_prefix(dir).unwrap_or(path);
        let ft = entry.file_type();
        if ignore
            .matched_path_or_any_parents(rel_path, ft.is_dir())
            .is_ignore()
        {
            continue;
        }
        let mut parts = Vec::new();
        for c in rel_path.components() {
            match c {
                Component::Normal(p) => parts.push(
                    p.to_str()
                        .ok_or_else(|| PackError::NonUtf8Path(path.to_path_buf()))?,
                ),
                // walkdir yields children of `dir` only; anything else is
                // a path that leaves the root.
                _ => return Err(PackError::Symlink(path.to_path_buf())),
            }
        }
        if parts.first() == Some(&".skillseal") {
            return Err(PackError::Reserved(path.to_path_buf()));
        }
        if ft.is_symlink() {
            return Err(PackError::Symlink(path.to_path_buf()));
        }
        if ft.is_dir() {
            continue;
        }
        if !ft.is_file() {
            return Err(PackError::SpecialFile(path.to_path_buf()));
        }
        let meta = entry.metadata().map_err(|e| PackError::Io {
            path: path.to_path_buf(),
            source: e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("metadata")),
        })?;
        if meta.len() > limits.max_file_bytes {
            return Err(PackError::TooLarge {
                path: path.to_path_buf(),
                what: "file size",
                limit: limits.max_file_bytes,
            });
        }
        total += meta.len();
        if total > limits.max_total_bytes {
            return Err(PackError::TooLarge {
                path: dir.to_path_buf(),
                what: "total size",
                limit: limits.max_total_bytes,
            });
        }
        if out.len() >= limits.max_files {
            return Err(PackError::TooLarge {
                path: dir.to_path_buf(),
                what: "file count",
                limit: limits.max_files as u64,
            });
        }
        out.push((parts.join("/"), path.to_path_buf(), executable(&meta)));
    }
    out.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok(out)
}

#[cfg(unix)]
fn executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn executable(_: &std::fs::Metadata) -> bool {
    false
}

/// `.skillsealignore` and `.clawhubignore` at the root, gitignore syntax.
fn ignore_rules(dir: &Path) -> Result<ignore::gitignore::Gitignore, PackError> {
    let mut b = ignore::gitignore::GitignoreBuilder::new(dir);
    for name in [".skillsealignore", ".clawhubignore"] {
        let p = dir.join(name);
        if p.is_file()
            && let Some(e) = b.add(&p)
        {
            return Err(PackError::Ignore {
                path: p,
                reason: e.to_string(),
            });
        }
    }
    b.build().map_err(|e| PackError::Ignore {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The deterministic `.tar.gz`: the manifest, then every file.
fn archive(manifest: &Manifest, contents: &[Vec<u8>]) -> std::io::Result<Vec<u8>> {
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::new(6));
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    let mut json = serde_json::to_vec_pretty(manifest).map_err(std::io::Error::other)?;
    json.push(b'\n');
    append(&mut tar, MANIFEST_PATH, &json, false)?;
    for (entry, bytes) in manifest.files.iter().zip(contents) {
        append(&mut tar, &entry.path, bytes, entry.executable)?;
    }
    let gz = tar.into_inner()?;
    let mut out = gz.finish()?;
    out.flush()?;
    Ok(out)
}

fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    path: &str,
    bytes: &[u8],
    executable: bool,
) -> std::io::Result<()> {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Regular);
    h.set_size(bytes.len() as u64);
    h.set_mode(if executable { 0o755 } else { 0o644 });
    h.set_mtime(0);
    h.set_uid(0);
    h.set_gid(0);
    tar.append_data(&mut h, path, bytes)
}
