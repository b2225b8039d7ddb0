//! Staged installs: every checked skill is written into a staging folder
//! inside the install directory and renamed into place only when all of
//! them are written, so an install changes nothing until everything
//! verified and a failure leaves the installed skills as they were.

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use crate::checker::Checked;
use crate::error::{Context as _, Error, Result};
use crate::project::Project;

/// A folder in the install directory that skillseal did not put there is
/// never replaced: it may be someone's own skill.
pub(crate) fn refuse_unmanaged(project: &Project, skills: &[&Checked]) -> Result<()> {
    for c in skills {
        let name = &c.locked.name;
        let target = project.install_dir().join(name);
        if !project.lock.skills.contains_key(name) && std::fs::symlink_metadata(&target).is_ok() {
            return Err(Error::Invalid(format!(
                "{}/{name} exists and skillseal.lock does not know it: move it away, then try again",
                project.manifest.install_dir
            )));
        }
    }
    Ok(())
}

/// Staging folders an interrupted install left behind (a day old: a
/// concurrent install's own is never that old).
fn sweep_stale_staging(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 24 * 3600);
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if stale
            && is_dir
            && e.file_name()
                .to_string_lossy()
                .starts_with(".skillseal-staging-")
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Writes every checked skill into a staging folder inside the install
/// directory, then renames each into place, and moves out the folders of
/// skills the lock no longer names (`remove`). Until the renames, nothing
/// installed changes; a failure removes the staging folder.
pub(crate) fn install_staged(dir: &Path, skills: &[&Checked], remove: &[String]) -> Result<()> {
    std::fs::create_dir_all(dir).context(|| format!("cannot create {}", dir.display()))?;
    sweep_stale_staging(dir);
    let staging = tempfile::Builder::new()
        .prefix(".skillseal-staging-")
        .tempdir_in(dir)
        .context(|| format!("cannot stage in {}", dir.display()))?;
    for c in skills {
        let base = staging.path().join(&c.locked.name);
        for (entry, data) in c.manifest.files.iter().zip(&c.contents) {
            // Paths were checked by `unpack`: relative, no `..`, no links.
            let path = base.join(&entry.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .context(|| format!("cannot create {}", parent.display()))?;
            }
            let mut f = std::fs::File::create(&path)
                .context(|| format!("cannot write {}", path.display()))?;
            f.write_all(data)?;
            let mode = if entry.executable { 0o755 } else { 0o644 };
            f.set_permissions(std::fs::Permissions::from_mode(mode))?;
            f.sync_all()?;
        }
        std::fs::create_dir_all(&base)?;
    }
    let old = staging.path().join(".replaced");
    let failed = staging.path().join(".failed");
    std::fs::create_dir_all(&old)?;
    std::fs::create_dir_all(&failed)?;
    let mut swapped: Vec<&str> = Vec::new();
    let mut result = Ok(());
    for c in skills {
        let name = c.locked.name.as_str();
        let target = dir.join(name);
        if std::fs::symlink_metadata(&target).is_ok()
            && let Err(e) = std::fs::rename(&target, old.join(name))
        {
            result = Err(e).context(|| format!("cannot move {} aside", target.display()));
            break;
        }
        if let Err(e) = std::fs::rename(staging.path().join(name), &target) {
            let _ = std::fs::rename(old.join(name), &target);
            result = Err(e).context(|| format!("cannot install {}", target.display()));
            break;
        }
        swapped.push(name);
    }
    if result.is_ok() {
        for name in remove {
            let target = dir.join(name);
            if std::fs::symlink_metadata(&target).is_ok() {
                std::fs::rename(&target, old.join(name))
                    .context(|| format!("cannot remove {}", target.display()))?;
            }
        }
    }
    if result.is_err() {
        // Put back every skill already swapped: all or nothing.
        for name in swapped {
            let target = dir.join(name);
            let _ = std::fs::rename(&target, failed.join(name));
            if std::fs::symlink_metadata(old.join(name)).is_ok() {
                let _ = std::fs::rename(old.join(name), &target);
            }
        }
        return result;
    }
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}
