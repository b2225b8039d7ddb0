//! `skillseal rules`: list the rules.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::ValueEnum;

use crate::config::load_rules;
use crate::exit::ExitCode;
use crate::output::{ColorChoice, stdout};

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// Also load every *.toml rule under DIR.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

pub fn run(args: RulesArgs, color: ColorChoice) -> Result<ExitCode> {
    let set = load_rules(args.rules.as_deref())?;
    let mut out = stdout(color);
    match args.format {
        ListFormat::Json => {
            let list: Vec<_> = set
                .rules()
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "name": r.name, "category": r.category,
                        "severity": r.severity, "capability": r.capability,
                        "message": r.message, "source": r.source,
                    })
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        }
        ListFormat::Human => {
            for r in set.rules() {
                writeln!(
                    out,
                    "{:<10} {:<8} {:<18} {}",
                    r.id,
                    r.severity.as_str(),
                    r.category.as_str(),
                    r.name
                )?;
            }
            writeln!(
                out,
                "\n{} rules, digest {}",
                set.rules().len(),
                set.digest()
            )?;
        }
    }
    Ok(ExitCode::Clean)
}
