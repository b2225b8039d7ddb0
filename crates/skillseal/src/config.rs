//! What the commands read before they start: the rules, the project's
//! `skillseal.toml`, and the registry with the token bound to it.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use skillseal_install::{Client, Project, Registry};
use skillseal_rules::RuleSet;

/// The built-in rules, plus every `*.toml` rule under `extra`.
pub fn load_rules(extra: Option<&Path>) -> Result<RuleSet> {
    let loaded = match extra {
        Some(dir) => RuleSet::builtin_with_dir(dir),
        None => RuleSet::builtin(),
    };
    loaded.map_err(|errs| {
        let lines: Vec<String> = errs.iter().map(|e| format!("  {e}")).collect();
        anyhow::anyhow!("invalid rules:\n{}", lines.join("\n"))
    })
}

/// `skillseal.toml` in the current directory or the nearest parent.
pub fn find_project_file() -> Result<Option<PathBuf>> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    Ok(find_project_file_from(&cwd))
}

/// `skillseal.toml` in `dir` or its nearest parent.
fn find_project_file_from(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join("skillseal.toml"))
        .find(|p| p.is_file())
}

/// The project of the nearest `skillseal.toml`: it and its lock.
pub fn load_project() -> Result<Project> {
    let path = find_project_file()?.context(
        "no skillseal.toml in this folder or a parent: create one with a [registry] url \
         and the [[trust]] signers (see the README)",
    )?;
    Ok(Project::load(&path)?)
}

/// The project of the `skillseal.toml` in `dir` or its nearest parent.
pub fn load_project_from(dir: &Path) -> Result<Project> {
    let dir =
        std::fs::canonicalize(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let path = find_project_file_from(&dir).with_context(|| {
        format!(
            "no skillseal.toml in {} or a parent: create one with a [registry] url \
             and the [[trust]] signers (see the README)",
            dir.display()
        )
    })?;
    Ok(Project::load(&path)?)
}

/// `--registry`, else `[registry] url` of the nearest skillseal.toml.
pub fn registry(flag: Option<&str>) -> Result<Registry> {
    let project_file = match flag {
        Some(_) => None,
        None => find_project_file()?,
    };
    Ok(skillseal_install::registry::choose_registry(
        flag,
        project_file.as_deref(),
    )?)
}

/// A client of `registry` with the token bound to it, if any (`required`:
/// an error without one); a note about `SKILLSEAL_TOKEN` goes to `err`.
pub fn connect(registry: &Registry, required: bool, err: &mut dyn Write) -> Result<Client> {
    let auth = skillseal_install::registry::auth_for(registry)?;
    if let Some(note) = &auth.note {
        writeln!(err, "{note}")?;
    }
    Ok(skillseal_install::client::connect(
        registry, auth.token, required,
    )?)
}
