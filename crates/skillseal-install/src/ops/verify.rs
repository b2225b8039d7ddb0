//! `skillseal verify`: compare every installed skill's files with the
//! file list of the package the lock pins.

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use sha2::Digest as _;
use skillseal_lock::FileDiff;

use crate::checker::Checker;
use crate::error::{Context as _, Refusal, Result};
use crate::reporter::{Event, Reporter};

/// One difference between the install directory and the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The skill's folder is a symbolic link.
    Symlink { name: String, version: String },
    /// The skill's folder is not there.
    Missing { name: String, version: String },
    /// Files were added, removed or modified.
    Differs {
        name: String,
        version: String,
        diff: FileDiff,
    },
    /// A folder the lock does not name.
    NotLocked { name: String },
}

/// Reports each [`Problem`] as it is found; returns how many there were.
pub fn run(checker: &Checker<'_>, reporter: &mut dyn Reporter) -> Result<usize> {
    let project = checker.project;
    let dir = project.install_dir();
    let mut problems = 0;
    let mut found = |problem: Problem| {
        problems += 1;
        reporter.report(Event::Problem(&problem))
    };
    for l in project.lock.skills.values() {
        let installed = dir.join(&l.name);
        let (name, version) = (l.name.clone(), l.version.clone());
        if std::fs::symlink_metadata(&installed).is_ok_and(|m| m.file_type().is_symlink()) {
            found(Problem::Symlink { name, version })?;
            continue;
        }
        if !installed.is_dir() {
            found(Problem::Missing { name, version })?;
            continue;
        }
        let bytes = checker.blob(&l.name, &l.version, "package", &l.digest, "skillseal.lock")?;
        let manifest =
            skillseal_package::inspect(&bytes, &Default::default()).map_err(|error| {
                Refusal::NotAPackage {
                    name: name.clone(),
                    version: version.clone(),
                    error,
                }
            })?;
        let diff = skillseal_lock::diff_files(&manifest.files, &files_on_disk(&installed)?);
        if !diff.is_empty() {
            found(Problem::Differs {
                name,
                version,
                diff,
            })?;
        }
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut extra: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && !project.lock.skills.contains_key(n))
            .collect();
        extra.sort();
        for name in extra {
            found(Problem::NotLocked { name })?;
        }
    }
    Ok(problems)
}

/// The files under `dir`, as package entries; a symbolic link or special
/// file is listed with a marker so it never matches.
pub(crate) fn files_on_disk(dir: &Path) -> Result<Vec<skillseal_package::FileEntry>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.context(|| format!("cannot read {}", dir.display()))?;
        let ty = entry.file_type();
        if ty.is_dir() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("walkdir stays inside its root")
            .to_string_lossy()
            .into_owned();
        if ty.is_file() {
            let bytes = std::fs::read(entry.path())
                .context(|| format!("cannot read {}", entry.path().display()))?;
            let mode = entry
                .metadata()
                .map(|m| m.permissions().mode())
                .unwrap_or(0);
            out.push(skillseal_package::FileEntry {
                path: rel,
                size: bytes.len() as u64,
                sha256: hex::encode(sha2::Sha256::digest(&bytes)),
                executable: mode & 0o111 != 0,
            });
        } else {
            out.push(skillseal_package::FileEntry {
                path: rel,
                size: 0,
                sha256: "not a regular file".into(),
                executable: false,
            });
        }
    }
    Ok(out)
}

/// What `verify --log` proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogVerified {
    /// The registry's checkpoint, checked.
    pub size: u64,
    pub root: String,
    /// The lock's checkpoint it is consistent with, if it recorded one.
    pub from: Option<u64>,
    /// How many locked entries were proven.
    pub entries: usize,
}

/// `verify --log`: the registry's current checkpoint, signed by the pinned
/// key and consistent with the lock's `[log]`, and every locked version's
/// `publish` entry included in it, with its scan attestation. Writes
/// nothing; the first failed check is the error.
pub fn log(checker: &Checker<'_>) -> Result<LogVerified> {
    let project = checker.project;
    checker.remote()?;
    let Some(session) = checker.log()? else {
        return Err(crate::error::Error::Invalid(format!(
            "{} pins no `[registry] log-key`: there is no log to verify against \
             (`skillseal add` or `skillseal update` pins it)",
            project.manifest_path.display()
        )));
    };
    for l in project.lock.skills.values() {
        if l.log_index.is_none() {
            return Err(Refusal::Log {
                subject: format!("{} {}", l.name, l.version),
                error: skillseal_tlog::Error::Leaf(
                    "skillseal.lock records no log-index for it (run `skillseal update` to \
                     prove and record it)"
                        .into(),
                ),
            }
            .into());
        }
        checker.check_log(&session, l, "skillseal.lock")?;
    }
    let recorded = session.recorded();
    Ok(LogVerified {
        size: recorded.size,
        root: recorded.root,
        from: project.lock.log.as_ref().map(|l| l.size),
        entries: project.lock.skills.len(),
    })
}
