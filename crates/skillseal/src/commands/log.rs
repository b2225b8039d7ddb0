//! `skillseal log monitor URL --state FILE`: anyone's check of a
//! registry's transparency log. Each run fetches the latest signed
//! checkpoint, proves it extends the one stored in the state file, reports
//! every new entry (each proven included), then stores the new checkpoint
//! (a temporary file renamed over the state file). A log that does not
//! extend the stored one is exit 1, and the state file stays as it was.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use skillseal_install::transparency::{self, MonitorState};
use skillseal_install::{Client, Named, Registry, Remote as _};

use crate::exit::ExitCode;

#[derive(clap::Args, Debug)]
pub struct LogArgs {
    #[command(subcommand)]
    command: LogCommand,
}

#[derive(clap::Subcommand, Debug)]
enum LogCommand {
    /// Check that a registry's log only grew since the last run (the
    /// checkpoint kept in --state), and list its new entries.
    Monitor(MonitorArgs),
}

#[derive(clap::Args, Debug)]
struct MonitorArgs {
    /// The registry (https://host[:port]).
    url: String,
    /// The file keeping the registry, its log key and the last checkpoint
    /// checked (JSON; created on the first run).
    #[arg(long, value_name = "FILE")]
    state: PathBuf,
    /// The log's verifier key (NAME+ID+BASE64) [default: the state file's;
    /// on the first run without it, the key the registry serves, trusted on
    /// first use].
    #[arg(long, value_name = "KEY")]
    key: Option<String>,
}

pub fn run(args: LogArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    match args.command {
        LogCommand::Monitor(args) => monitor(args, out, err),
    }
}

fn monitor(args: MonitorArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    let state_path = &args.state;
    let state: Option<MonitorState> = match std::fs::read(state_path) {
        Ok(bytes) => Some(
            serde_json::from_slice(&bytes)
                .with_context(|| format!("{}: not a monitor state file", state_path.display()))?,
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).context(format!("cannot read {}", state_path.display())),
    };
    let registry = Registry::new(&args.url, Named::Flag)?;
    if let Some(s) = &state
        && s.registry != registry.url
    {
        bail!(
            "{} keeps the log of {}, not {}: use another state file",
            state_path.display(),
            s.registry,
            registry.url
        );
    }
    let client = Client::new(&registry, None)?;
    let key = match (&args.key, &state) {
        (Some(key), Some(s)) if *key != s.key => bail!(
            "{} was checked with the log key {}, not {key}: a monitor never changes keys \
             silently (use another state file)",
            state_path.display(),
            s.key
        ),
        (Some(key), _) => key.clone(),
        (None, Some(s)) => s.key.clone(),
        (None, None) => {
            let Some(offer) = client.log_key()? else {
                bail!(
                    "the registry at {} serves no transparency log",
                    registry.url
                );
            };
            transparency::check_offer(&offer)?;
            writeln!(
                err,
                "WARNING: trusting the log key the registry serves, on first use: {}\n\
                 Compare it with the key its operator published, or pass --key. It is stored \
                 in {} and every later run checks the log with it.",
                offer.key,
                state_path.display()
            )?;
            offer.key
        }
    };
    let (new, entries) = transparency::monitor(&client, &key, state.as_ref())?;
    match &state {
        Some(old) => writeln!(
            out,
            "checkpoint: size {} (root {}), consistent with the stored size {}",
            new.size, new.root, old.size
        )?,
        None => writeln!(out, "checkpoint: size {} (root {})", new.size, new.root)?,
    }
    for (index, leaf) in &entries {
        let (name, version) = leaf.subject();
        let digest = match leaf {
            skillseal_tlog::Leaf::Publish { digest, .. }
            | skillseal_tlog::Leaf::Yank { digest, .. }
            | skillseal_tlog::Leaf::Unyank { digest, .. } => digest,
        };
        writeln!(
            out,
            "{index} {} {name}@{version} {digest}",
            transparency::kind(leaf)
        )?;
    }
    writeln!(
        out,
        "{} new entr{}",
        entries.len(),
        if entries.len() == 1 { "y" } else { "ies" }
    )?;
    let mut text = serde_json::to_string_pretty(&new)?;
    text.push('\n');
    skillseal_install::fs::write_atomically(state_path, text.as_bytes())
        .with_context(|| format!("cannot write {}", state_path.display()))?;
    Ok(ExitCode::Clean)
}
