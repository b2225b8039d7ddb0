//! `skillseal update [NAME]`: move skills to the newest versions
//! skillseal.toml allows, planned (every package checked, what changes
//! reported) before anything is applied.

use std::collections::BTreeSet;

use skillseal_lock::LockedSkill;
use skillseal_model::Finding;

use crate::checker::{Checked, Checker};
use crate::error::{Error, Refusal, Result};
use crate::project::Project;
use crate::reporter::{Event, Reporter};
use crate::stage::{install_staged, refuse_unmanaged};

/// What changes for one skill.
#[derive(Debug)]
pub struct Plan<'a> {
    pub name: &'a str,
    /// The locked entry (`None`: the skill is new to the lock).
    pub old: Option<&'a LockedSkill>,
    pub new: &'a Checked,
    /// Findings of the new version the locked version's scan does not have
    /// (by rule and file).
    pub new_findings: Vec<&'a Finding>,
}

/// The skills to update: `name`, which skillseal.toml must list, else all.
pub fn select(project: &Project, name: Option<&str>) -> Result<Vec<String>> {
    match name {
        Some(n) if !project.manifest.skills.contains_key(n) => Err(Error::Invalid(format!(
            "`{n}` is not in skillseal.toml's [skills]"
        ))),
        Some(n) => Ok(vec![n.to_string()]),
        None => Ok(project.manifest.skills.keys().cloned().collect()),
    }
}

/// Resolves and checks each of `names`, reporting what would change; the
/// checked packages to apply. A changed signer is refused unless
/// `allow_signer_change`.
pub fn plan(
    checker: &Checker<'_>,
    names: &[String],
    allow_signer_change: bool,
    reporter: &mut dyn Reporter,
) -> Result<Vec<Checked>> {
    let project = checker.project;
    let remote = checker.remote()?;
    let mut updates = Vec::new();
    for name in names {
        let requirement = project.manifest.skills[name].to_string();
        let pin = remote.resolve(name, &requirement)?;
        let old = project.lock.skills.get(name);
        if old.is_some_and(|o| o.version == pin.version && o.digest == pin.digest) {
            reporter.report(Event::UpToDate {
                name,
                version: &pin.version,
            })?;
            continue;
        }
        let new = checker.check_pin(name, &pin)?;
        // New findings: those the locked version's scan does not have.
        let before: Vec<Finding> = old
            .and_then(|o| {
                checker
                    .check(
                        name,
                        &o.version,
                        &o.digest,
                        &o.bundle_digest,
                        Some(&o.signer),
                        "skillseal.lock",
                    )
                    .ok()
            })
            .map(|c| c.report.findings)
            .unwrap_or_default();
        let seen: BTreeSet<(&str, &str)> = before
            .iter()
            .map(|f| (f.rule.as_str(), f.file.as_str()))
            .collect();
        reporter.report(Event::Planned(&Plan {
            name,
            old,
            new: &new,
            new_findings: new
                .report
                .findings
                .iter()
                .filter(|f| !seen.contains(&(f.rule.as_str(), f.file.as_str())))
                .collect(),
        }))?;
        if let Some(o) = old
            && new.locked.signer != o.signer
            && !allow_signer_change
        {
            return Err(Refusal::SignerChanged {
                name: name.clone(),
                version: pin.version,
                from: o.signer.clone(),
                to: new.locked.signer.clone(),
            }
            .into());
        }
        new.refuse_blocked()?;
        updates.push(new);
    }
    Ok(updates)
}

/// Proves the planned `updates` (and any locked skill without a log index)
/// in the registry's transparency log, installs them and records them and
/// the log checkpoint in the lock (a log key just trusted in
/// skillseal.toml).
pub fn apply(
    checker: &Checker<'_>,
    updates: Vec<Checked>,
    reporter: &mut dyn Reporter,
) -> Result<()> {
    let project = checker.project;
    let mut lock = project.lock.clone();
    for u in &updates {
        lock.skills.insert(u.locked.name.clone(), u.locked.clone());
    }
    checker.seal(&mut lock, false)?;
    let refs: Vec<&Checked> = updates.iter().collect();
    refuse_unmanaged(project, &refs)?;
    install_staged(&project.install_dir(), &refs, &[])?;
    for u in &updates {
        reporter.report(Event::Updated {
            name: &u.locked.name,
            version: &u.locked.version,
        })?;
    }
    if let Some(key) = crate::ops::add::new_log_key(checker) {
        project.save_manifest(&[], Some(key))?;
    }
    project.save_lock(&lock)
}

/// Proves every locked skill without a log index (a lock from before the
/// log) and records the checkpoint, when nothing is to be updated;
/// whether the lock changed.
pub fn seal_only(checker: &Checker<'_>) -> Result<bool> {
    let project = checker.project;
    let mut lock = project.lock.clone();
    checker.seal(&mut lock, false)?;
    let key = crate::ops::add::new_log_key(checker);
    if lock == project.lock && key.is_none() {
        return Ok(false);
    }
    if let Some(key) = key {
        project.save_manifest(&[], Some(key))?;
    }
    project.save_lock(&lock)?;
    Ok(true)
}
