//! `skillseal explain`: one rule in full.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use crate::config::load_rules;
use crate::exit::ExitCode;
use crate::output::{ColorChoice, stdout};

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// Rule id (EXEC001) or name (python-process).
    id: String,
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
}

pub fn run(args: ExplainArgs, color: ColorChoice) -> Result<ExitCode> {
    let set = load_rules(args.rules.as_deref())?;
    let id = &args.id;
    let Some(r) = set.get(id) else {
        anyhow::bail!("no rule `{id}` (see `skillseal rules`)");
    };
    let mut out = stdout(color);
    writeln!(out, "{} ({})", r.id, r.name)?;
    writeln!(
        out,
        "category: {} ({})",
        r.category,
        r.category.description()
    )?;
    writeln!(out, "severity: {}", r.severity)?;
    if let Some(c) = &r.capability {
        writeln!(out, "capability: {c}")?;
    }
    writeln!(out, "\n## What it does\n{}\n", r.docs.what.trim())?;
    writeln!(out, "## Why it matters\n{}\n", r.docs.why.trim())?;
    writeln!(out, "## Example\n{}", r.docs.example.trim_end())?;
    Ok(ExitCode::Clean)
}
