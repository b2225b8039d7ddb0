//! `skillseal pack`: a skill folder into a deterministic package.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::exit::ExitCode;
use crate::output::{ColorChoice, stdout, write_atomically};

#[derive(clap::Args, Debug)]
pub struct PackArgs {
    /// The skill folder (with SKILL.md).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The exact version, when SKILL.md's front matter has none.
    #[arg(long)]
    version: Option<String>,
    /// Where to write the package [default: NAME-VERSION.skill.tgz].
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: PackArgs, color: ColorChoice) -> Result<ExitCode> {
    let opts = skillseal_package::PackOptions {
        version: args.version,
        ..Default::default()
    };
    let pkg = skillseal_package::pack(&args.dir, &opts)?;
    let path = args
        .output
        .unwrap_or_else(|| PathBuf::from(pkg.file_name()));
    write_atomically(&path, &pkg.bytes)
        .with_context(|| format!("{}: cannot write the package", path.display()))?;
    let size: u64 = pkg.manifest.files.iter().map(|f| f.size).sum();
    let mut out = stdout(color);
    writeln!(
        out,
        "packed {} {} ({} files, {} bytes) into {}",
        pkg.manifest.name,
        pkg.manifest.version,
        pkg.manifest.files.len(),
        size,
        path.display()
    )?;
    writeln!(out, "digest {}", pkg.digest)?;
    Ok(ExitCode::Clean)
}
