//! What the commands read before they start: the rules and the project's
//! `skillseal.toml`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
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
    Ok(cwd
        .ancestors()
        .map(|d| d.join("skillseal.toml"))
        .find(|p| p.is_file()))
}
