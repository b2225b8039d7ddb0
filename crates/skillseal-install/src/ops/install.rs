//! `skillseal install`: bring the lock in line with skillseal.toml (unless
//! `--locked`), check every locked package and its transparency-log entry,
//! install them all, or nothing.

use std::collections::BTreeSet;

use skillseal_lock::{LockedSkill, Lockfile, Mismatch};

use crate::checker::{Checked, Checker};
use crate::client::Pin;
use crate::error::{Refusal, Result};
use crate::project::Project;
use crate::reporter::{Event, Reporter};
use crate::stage::{install_staged, refuse_unmanaged};

/// `--locked`: an error, listing the differences, unless the lock exists
/// and matches skillseal.toml.
pub fn require_locked(project: &Project) -> Result<()> {
    let mismatches = project.manifest.compare(&project.lock);
    if mismatches.is_empty() && project.has_lock {
        return Ok(());
    }
    let differences = if project.has_lock {
        mismatches.iter().map(ToString::to_string).collect()
    } else {
        vec!["there is no skillseal.lock".to_string()]
    };
    Err(Refusal::LockOutOfDate { differences }.into())
}

/// Installs what the lock pins, after resolving what skillseal.toml asks
/// for and the lock lacks; returns how many skills are installed.
pub fn run(checker: &Checker<'_>, reporter: &mut dyn Reporter) -> Result<usize> {
    let project = checker.project;
    let mut lock = project.lock.clone();
    // Without --locked, bring the lock in line with the manifest first.
    for m in &project.manifest.compare(&project.lock) {
        match m {
            Mismatch::NotWanted { name, .. } => {
                lock.skills.remove(name);
            }
            Mismatch::NotLocked { name, requirement }
            | Mismatch::Unsatisfied {
                name, requirement, ..
            } => {
                let pin = checker.remote()?.resolve(name, requirement)?;
                lock.skills.insert(name.clone(), pending(name, &pin));
            }
            Mismatch::OtherRegistry { name, .. } => {
                let pin = checker
                    .remote()?
                    .resolve(name, &project.manifest.skills[name].to_string())?;
                lock.skills.insert(name.clone(), pending(name, &pin));
            }
        }
    }
    let mut checked = Vec::new();
    for entry in lock.skills.values() {
        checked.push(check_entry(checker, entry, reporter)?);
    }
    let refs: Vec<&Checked> = checked.iter().collect();
    // Skills the lock named before and no longer does are uninstalled.
    let dropped: Vec<String> = project
        .lock
        .skills
        .keys()
        .filter(|name| !lock.skills.contains_key(*name))
        .cloned()
        .collect();
    let mut new_lock = Lockfile {
        log: project.lock.log.clone(),
        skills: refs
            .iter()
            .map(|c| {
                let mut l = c.locked.clone();
                // A locked entry stays as locked (its registry, verdict and
                // rules digest are the record of what was reviewed).
                if let Some(old) = project.lock.skills.get(&l.name)
                    && old.digest == l.digest
                {
                    l = old.clone();
                }
                (l.name.clone(), l)
            })
            .collect(),
    };
    // Every version installed is proven in the log before anything on disk
    // changes; the lock keeps the checkpoint it recorded unless it lacks
    // one (a lock from before the log) or changed.
    let unsealed = new_lock.clone();
    checker.seal(&mut new_lock, true)?;
    let complete =
        project.lock.log.is_some() && project.lock.skills.values().all(|l| l.log_index.is_some());
    if complete && unsealed == project.lock {
        new_lock = project.lock.clone();
    }
    refuse_unmanaged(project, &refs)?;
    install_staged(&project.install_dir(), &refs, &dropped)?;
    if new_lock != project.lock || !project.has_lock {
        project.save_lock(&new_lock)?;
    }
    Ok(new_lock.skills.len())
}

/// Every check for one entry of the lock to install: a new one is shown,
/// a locked one must keep its signer and not grow capabilities.
fn check_entry(
    checker: &Checker<'_>,
    entry: &LockedSkill,
    reporter: &mut dyn Reporter,
) -> Result<Checked> {
    let is_new = !checker
        .project
        .lock
        .skills
        .get(&entry.name)
        .is_some_and(|l| l == entry);
    let c = checker.check(
        &entry.name,
        &entry.version,
        &entry.digest,
        &entry.bundle_digest,
        (!is_new).then_some(&entry.signer),
        if is_new {
            "the registry"
        } else {
            "skillseal.lock"
        },
    )?;
    c.refuse_blocked()?;
    if !is_new {
        let grown: Vec<String> = c
            .locked
            .capabilities
            .difference(&entry.capabilities)
            .cloned()
            .collect();
        if !grown.is_empty() {
            return Err(Refusal::CapabilitiesGrew {
                name: entry.name.clone(),
                version: entry.version.clone(),
                grown,
            }
            .into());
        }
    } else {
        reporter.report(Event::Checked(&c))?;
    }
    if let Ok(remote) = checker.remote()
        && remote
            .versions(&entry.name)
            .is_ok_and(|v| v.iter().any(|p| p.version == entry.version && p.yanked))
    {
        reporter.report(Event::Yanked {
            name: &entry.name,
            version: &entry.version,
        })?;
    }
    Ok(c)
}

/// A lock entry from a registry pin, before this machine's checks fill it.
fn pending(name: &str, pin: &Pin) -> LockedSkill {
    LockedSkill {
        name: name.to_string(),
        version: pin.version.clone(),
        registry: String::new(),
        digest: pin.digest.clone(),
        bundle_digest: pin.bundle_digest.clone(),
        capabilities: BTreeSet::new(),
        verdict: String::new(),
        rules_digest: String::new(),
        log_index: None,
        signer: pin.signer.clone(),
    }
}
