//! `skillseal add NAME[@REQUIREMENT]`: resolve, check, then (once the
//! caller has shown the package and had it confirmed) install and pin.

use crate::checker::{Checked, Checker};
use crate::error::{Context as _, Error, Result};
use crate::stage::{install_staged, refuse_unmanaged};

/// `NAME` or `NAME@REQUIREMENT`.
pub fn parse_spec(spec: &str) -> Result<(String, Option<String>)> {
    let (name, req) = match spec.split_once('@') {
        Some((n, r)) => (n, Some(r.to_string())),
        None => (spec, None),
    };
    if !skillseal_package::valid_name(name) {
        return Err(Error::Invalid(format!(
            "`{name}` is not a valid skill name"
        )));
    }
    if let Some(r) = &req {
        semver::VersionReq::parse(r).context(|| format!("`{r}` is not a semver requirement"))?;
    }
    Ok((name.to_string(), req))
}

/// The newest version of `name` matching `requirement` (any without one),
/// through every check.
pub fn resolve(checker: &Checker<'_>, name: &str, requirement: Option<&str>) -> Result<Checked> {
    let pin = checker
        .remote()?
        .resolve(name, requirement.unwrap_or("*"))?;
    checker.check_pin(name, &pin)
}

/// Proves `checked` in the registry's transparency log (and any locked
/// skill without a log index), installs it and pins it: `[skills] name =
/// requirement` (`^` of its version without one) and a log key just
/// trusted in skillseal.toml, its entry and the log checkpoint in the
/// lock. Returns the requirement written.
pub fn apply(
    checker: &Checker<'_>,
    checked: &Checked,
    requirement: Option<String>,
) -> Result<String> {
    let project = checker.project;
    let name = &checked.locked.name;
    let mut lock = project.lock.clone();
    lock.skills.insert(name.clone(), checked.locked.clone());
    checker.seal(&mut lock, false)?;
    refuse_unmanaged(project, &[checked])?;
    install_staged(&project.install_dir(), &[checked], &[])?;
    let requirement = requirement.unwrap_or_else(|| format!("^{}", checked.locked.version));
    project.save_manifest(&[(name, &requirement)], new_log_key(checker))?;
    project.save_lock(&lock)?;
    Ok(requirement)
}

/// The log key to pin in skillseal.toml: one trusted by this run.
pub(crate) fn new_log_key<'c>(checker: &'c Checker<'_>) -> Option<&'c str> {
    checker
        .log_key()
        .filter(|k| checker.project.manifest.log_key.as_deref() != Some(*k))
}
