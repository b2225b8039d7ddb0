//! `skillseal import-clawhub`: the skills a ClawHub project installed,
//! pinned in skillseal.toml and skillseal.lock as
//! `skillseal add NAME@=VERSION` would pin them, when the registry has
//! that exact version and the files on disk are its files.
//!
//! [`plan`] reads everything first (a missing or malformed ClawHub file
//! stops it before the registry is asked), then decides each skill's
//! [`Outcome`]; the skills to pin went through every check `add` makes
//! (digest, bundle digest, archive, trusted signer, local scan; a refusal
//! or a `block` stops the whole import). [`apply`] installs and pins them
//! all at once, or changes nothing.
//!
//! The comparison: every file of the folder against the package's file
//! list (path, size, SHA-256), except ClawHub's own metadata folders
//! (`.clawhub/`, `.clawdhub/`) at the skill's root. Other dot files and
//! `node_modules/`, which ClawHub's fingerprint leaves out, are compared:
//! the agent reads them as much as any other file, and a hidden file the
//! registry does not have is exactly what must not be pinned unseen. The
//! executable bit is not compared (the installed copy gets the package's
//! modes).

use std::path::PathBuf;

use skillseal_lock::FileDiff;
use skillseal_model::FileEntry;

use crate::checker::{Checked, Checker};
use crate::clawhub::{self, ClawhubProject, META_DIRS};
use crate::error::{Context as _, Error, Refusal, Result};
use crate::ops::verify::files_on_disk;
use crate::project::Project;
use crate::stage::install_staged;

/// One entry of ClawHub's lock and what becomes of it.
#[derive(Debug)]
pub struct Skill {
    /// The lock's key (`slug` or `@owner/slug`).
    pub key: String,
    /// The version looked for (`installedVersion`, else the lock's), when
    /// known.
    pub version: Option<String>,
    /// The skill's folder, as ClawHub installed it.
    pub folder: PathBuf,
    pub outcome: Outcome,
}

/// What happens to one skill.
#[derive(Debug)]
pub enum Outcome {
    /// Checked and ready to pin: its files match the registry's package,
    /// or they differ (`forced`, the differences) and `--force` was given.
    Ready {
        checked: Box<Checked>,
        forced: Option<FileDiff>,
    },
    /// skillseal.lock already pins this version: nothing to do.
    AlreadyPinned,
    /// skillseal.lock pins another version: left alone.
    PinnedOther { locked: String },
    /// The registry has no skill of that name.
    NameNotFound,
    /// The registry has the skill, but not that version.
    VersionNotFound,
    /// The registry has that version, yanked: `add` would not pin it.
    Yanked,
    /// The files on disk are not the registry package's. `edited`: whether
    /// they changed since ClawHub installed them (its fingerprint in
    /// `origin.json`), when it recorded one.
    Differs {
        diff: FileDiff,
        edited: Option<bool>,
    },
    /// Cannot be imported from a registry at all; `reason` says why.
    NotImportable { reason: String },
}

/// Every entry of the ClawHub lock, in key order.
#[derive(Debug)]
pub struct Plan {
    pub skills: Vec<Skill>,
}

impl Plan {
    /// The skills to pin.
    pub fn ready(&self) -> impl Iterator<Item = &Checked> {
        self.skills.iter().filter_map(|s| match &s.outcome {
            Outcome::Ready { checked, .. } => Some(&**checked),
            _ => None,
        })
    }

    /// Whether every skill is pinned once this plan is applied (ready or
    /// already pinned).
    pub fn complete(&self) -> bool {
        self.skills
            .iter()
            .all(|s| matches!(s.outcome, Outcome::Ready { .. } | Outcome::AlreadyPinned))
    }
}

/// Decides every skill of `clawhub` against `checker`'s project and
/// registry; `force`: pin a skill whose files differ anyway (its folder is
/// then replaced by the package's files).
pub fn plan(checker: &Checker<'_>, clawhub: &ClawhubProject, force: bool) -> Result<Plan> {
    let project = checker.project;
    if !clawhub.entries.is_empty() {
        same_folder(clawhub, project)?;
    }
    // First everything on disk, so a malformed file stops the import
    // before the registry is asked anything.
    let mut pending = Vec::new();
    let mut skills = Vec::new();
    for (key, entry) in &clawhub.entries {
        let skill = |version: Option<String>, folder: PathBuf, outcome: Outcome| Skill {
            key: key.clone(),
            version,
            folder,
            outcome,
        };
        let not_importable = |reason: String| Outcome::NotImportable { reason };
        let Some(parsed) = clawhub::parse_key(key) else {
            skills.push(skill(
                entry.version.clone(),
                clawhub.skills_dir.clone(),
                not_importable(format!("`{key}` is not a name a skill folder can have")),
            ));
            continue;
        };
        let folder = clawhub.folder(&parsed);
        if entry.is_skills_sh() {
            let from = entry
                .source_ref
                .as_deref()
                .map_or_else(String::new, |r| format!(" ({r})"));
            skills.push(skill(
                entry.version.clone(),
                folder,
                not_importable(format!(
                    "a skills.sh reference{from}, not a registry package: nothing to pin it to"
                )),
            ));
            continue;
        }
        if parsed.owner.is_some() {
            let reason = format!(
                "owner-scoped: skillseal's registry names have no owner, so it is not taken to be \
                 the registry's `{slug}`; if it is that skill, run `skillseal add {slug}@={}` \
                 and remove {}",
                entry.version.as_deref().unwrap_or("VERSION"),
                folder.display(),
                slug = parsed.slug,
            );
            skills.push(skill(entry.version.clone(), folder, not_importable(reason)));
            continue;
        }
        let name = parsed.slug;
        if !skillseal_package::valid_name(name) {
            skills.push(skill(
                entry.version.clone(),
                folder,
                not_importable(format!(
                    "`{name}` is not a valid skillseal skill name (lower-case letters, digits, \
                     `-`, `_`, `.`; at most 64)"
                )),
            ));
            continue;
        }
        if std::fs::symlink_metadata(&folder).is_ok_and(|m| m.file_type().is_symlink()) {
            skills.push(skill(
                entry.version.clone(),
                folder,
                not_importable("its folder is a symbolic link; it is not followed".into()),
            ));
            continue;
        }
        // Pinned before (an earlier import, or `add`): the folder is
        // skillseal's, and `skillseal verify` checks it. Only a ClawHub
        // origin naming another version there (ClawHub installed over it)
        // is a conflict.
        if let Some(locked) = project.lock.skills.get(name) {
            let has_origin = META_DIRS
                .iter()
                .any(|d| folder.join(d).join("origin.json").exists());
            let clawhub_version = if has_origin {
                clawhub::read_origin(&folder)?
                    .installed_version
                    .or(entry.version.clone())
            } else {
                None
            };
            let outcome = match &clawhub_version {
                Some(v) if *v != locked.version => Outcome::PinnedOther {
                    locked: locked.version.clone(),
                },
                _ => Outcome::AlreadyPinned,
            };
            let version = clawhub_version.unwrap_or_else(|| locked.version.clone());
            skills.push(skill(Some(version), folder, outcome));
            continue;
        }
        let origin = clawhub::read_origin(&folder)?;
        if origin.slug != name {
            skills.push(skill(
                entry.version.clone(),
                folder,
                not_importable(format!(
                    "its origin.json names another skill, `{}`",
                    origin.slug
                )),
            ));
            continue;
        }
        let Some(version) = origin.installed_version.clone().or(entry.version.clone()) else {
            skills.push(skill(
                None,
                folder,
                not_importable("ClawHub recorded no installed version".into()),
            ));
            continue;
        };
        if semver::Version::parse(&version).is_err() {
            skills.push(skill(
                Some(version.clone()),
                folder,
                not_importable(format!("`{version}` is not an exact semver version")),
            ));
            continue;
        }
        pending.push((skills.len(), name, version.clone(), origin.fingerprint));
        skills.push(skill(
            Some(version),
            folder,
            // Decided below, once the registry is asked.
            Outcome::NameNotFound,
        ));
    }
    for (i, name, version, fingerprint) in pending {
        let outcome = decide(
            checker,
            name,
            &version,
            &skills[i].folder,
            fingerprint,
            force,
        )?;
        skills[i].outcome = outcome;
    }
    Ok(Plan { skills })
}

/// One skill's outcome from the registry's answer and the files on disk.
fn decide(
    checker: &Checker<'_>,
    name: &str,
    version: &str,
    folder: &std::path::Path,
    fingerprint: Option<String>,
    force: bool,
) -> Result<Outcome> {
    let remote = checker.remote()?;
    let versions = match remote.versions(name) {
        Ok(v) => v,
        Err(Error::Registry(r)) if r.status == 404 => return Ok(Outcome::NameNotFound),
        Err(e) => return Err(e),
    };
    if versions.is_empty() {
        return Ok(Outcome::NameNotFound);
    }
    let wanted = semver::Version::parse(version).context(|| format!("`{version}`"))?;
    let Some(pin) = versions
        .into_iter()
        .find(|p| semver::Version::parse(&p.version).is_ok_and(|v| v == wanted))
    else {
        return Ok(Outcome::VersionNotFound);
    };
    if pin.yanked {
        return Ok(Outcome::Yanked);
    }
    let bytes = checker.blob(name, &pin.version, "package", &pin.digest, "the registry")?;
    let manifest = skillseal_package::inspect(&bytes, &Default::default()).map_err(|error| {
        Refusal::NotAPackage {
            name: name.into(),
            version: pin.version.clone(),
            error,
        }
    })?;
    let on_disk = files_on_disk(folder)?;
    let diff = compare(&manifest.files, &on_disk);
    if !diff.is_empty() && !force {
        let edited = fingerprint.map(|f| f != clawhub::fingerprint(&on_disk));
        return Ok(Outcome::Differs { diff, edited });
    }
    let checked = checker.check_pin(name, &pin)?;
    checked.refuse_blocked()?;
    Ok(Outcome::Ready {
        checked: Box::new(checked),
        forced: (!diff.is_empty()).then_some(diff),
    })
}

/// Whether `path` is in ClawHub's metadata at the skill's root.
fn clawhub_metadata(path: &str) -> bool {
    let first = path.split('/').next().unwrap_or_default();
    META_DIRS.contains(&first)
}

/// The package's files against those on disk, by path, size and SHA-256,
/// leaving out ClawHub's metadata on both sides.
pub fn compare(package: &[FileEntry], on_disk: &[FileEntry]) -> FileDiff {
    let keep = |files: &[FileEntry]| -> Vec<FileEntry> {
        files
            .iter()
            .filter(|f| !clawhub_metadata(&f.path))
            .map(|f| FileEntry {
                executable: false,
                ..f.clone()
            })
            .collect()
    };
    skillseal_lock::diff_files(&keep(package), &keep(on_disk))
}

/// An error unless ClawHub's skills folder is skillseal.toml's install
/// directory: the import pins the folders where they are.
fn same_folder(clawhub: &ClawhubProject, project: &Project) -> Result<()> {
    let ours = project.install_dir();
    let theirs = &clawhub.skills_dir;
    let theirs_real = std::fs::canonicalize(theirs).map_err(|e| {
        Error::Invalid(format!(
            "{}: cannot read ClawHub's skills folder: {e} (pass --dir if it is elsewhere)",
            theirs.display()
        ))
    })?;
    if std::fs::canonicalize(&ours).ok() != Some(theirs_real) {
        return Err(Error::Invalid(format!(
            "ClawHub's skills folder {} is not the install directory of {} ({}): set \
             `[install] dir` there to it, or pass --dir",
            theirs.display(),
            project.manifest_path.display(),
            ours.display(),
        )));
    }
    Ok(())
}

/// Proves every ready skill of `plan` in the registry's transparency log
/// (when skillseal.toml pins its key), installs them (each folder replaced
/// by the package's files) and pins each as `NAME = "=VERSION"` in
/// skillseal.toml and in skillseal.lock (with its `log-index` and the
/// log's checkpoint), in one staged install and one write of each file.
/// Returns how many were pinned.
pub fn apply(checker: &Checker<'_>, plan: &Plan) -> Result<usize> {
    let project = checker.project;
    let ready: Vec<&Checked> = plan.ready().collect();
    if ready.is_empty() {
        return Ok(0);
    }
    let mut lock = project.lock.clone();
    let requirements: Vec<(String, String)> = ready
        .iter()
        .map(|c| {
            lock.skills.insert(c.locked.name.clone(), c.locked.clone());
            (c.locked.name.clone(), format!("={}", c.locked.version))
        })
        .collect();
    checker.seal(&mut lock, false)?;
    install_staged(&project.install_dir(), &ready, &[])?;
    let pairs: Vec<(&str, &str)> = requirements
        .iter()
        .map(|(n, r)| (n.as_str(), r.as_str()))
        .collect();
    project.save_requirements(&pairs)?;
    project.save_lock(&lock)?;
    Ok(ready.len())
}
