//! The `skillseal` command line: `scan`, `rules`, `explain`, `pack`,
//! `keygen`, `sign`, `verify-signature`, `publish`, `login`, `logout`, and
//! the project's pinned skills: `add`, `install`, `verify`, `update`,
//! `import-clawhub`; and `log monitor`, a registry's transparency log
//! watched.
//!
//! This file holds only the top-level arguments and the dispatch; each
//! command is a module under [`commands`]. Only this binary prints. Exit
//! codes are defined in [`exit`] and nowhere else.

mod commands;
mod config;
mod exit;
mod output;

use anyhow::Result;
use clap::{Parser, Subcommand};
use commands::{explain, login, pack, publish, rules, scan, signing};
use exit::ExitCode;
use output::{ColorChoice, stdout};
use std::io::Write;

/// mimalloc: the scan allocates many small, short-lived facts on every
/// worker thread, where glibc's allocator spends a tenth of the time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(
    name = "skillseal",
    version,
    about = "Scan, sign and pin AI agent skills"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to use colour: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Scan skills (folders with SKILL.md), packages and .zip/.tar.gz archives.
    Scan(scan::ScanArgs),
    /// List the rules.
    Rules(rules::RulesArgs),
    /// Explain one rule: what it finds, why it matters, an example.
    Explain(explain::ExplainArgs),
    /// Pack a skill folder into a deterministic package (.skill.tgz) and
    /// print its digest.
    Pack(pack::PackArgs),
    /// Create a password-encrypted signing key pair (cosign's format).
    /// The password comes from SKILLSEAL_PASSWORD or a prompt.
    Keygen(signing::KeygenArgs),
    /// Sign a package (or any file) with a key: writes a Sigstore bundle.
    Sign(signing::SignArgs),
    /// Verify a file against a Sigstore bundle, offline, by key or by
    /// keyless certificate identity.
    VerifySignature(signing::VerifyArgs),
    /// Publish a signed package to a registry (the token stored for it by
    /// `login`, or SKILLSEAL_TOKEN with --registry).
    Publish(publish::PublishArgs),
    /// Store a token for one registry (read from standard input, or asked
    /// for without echo); it is sent to that origin and no other.
    Login(login::LoginArgs),
    /// Remove the token stored for a registry.
    Logout(login::LogoutArgs),
    /// Add a skill from the registry: resolve, verify (digest, signature,
    /// trusted signer, local scan), install into the install dir, and pin
    /// it in skillseal.lock.
    Add(commands::project::AddArgs),
    /// Install exactly what skillseal.lock pins, verifying every package.
    Install(commands::project::InstallArgs),
    /// Check the installed skills' files against skillseal.lock.
    Verify(commands::project::VerifyArgs),
    /// Move skills to the newest versions skillseal.toml allows, showing
    /// what changes (capabilities, findings, signer) first.
    Update(commands::project::UpdateArgs),
    /// Pin the skills a ClawHub project installed (.clawhub/lock.json) in
    /// skillseal.toml and skillseal.lock, when the registry has the exact
    /// version and the files on disk are its files.
    ImportClawhub(commands::clawhub::ImportClawhubArgs),
    /// A registry's transparency log: `log monitor URL --state FILE`
    /// checks it only grew and lists its new entries.
    Log(commands::log::LogArgs),
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                ExitCode::Usage
            } else {
                ExitCode::Clean
            };
            let _ = e.print();
            std::process::exit(code as i32);
        }
    };
    let code = match run(cli) {
        Ok(code) => code,
        // The reader went away (`skillseal scan | head`): stop quietly,
        // as `cat` and `rg` do.
        Err(e) if exit::is_broken_pipe(&e) => ExitCode::Clean,
        Err(e) => {
            let mut err = anstream::stderr();
            let _ = writeln!(err, "error: {e:#}");
            exit::for_error(&e)
        }
    };
    std::process::exit(code as i32);
}

fn run(cli: Cli) -> Result<ExitCode> {
    let color = cli.color;
    let err = &mut anstream::stderr();
    match cli.command {
        Command::Scan(args) => scan::run(args, color),
        Command::Rules(args) => rules::run(args, color),
        Command::Explain(args) => explain::run(args, color),
        Command::Pack(args) => pack::run(args, color),
        Command::Keygen(args) => signing::keygen(args, &mut stdout(color)),
        Command::Sign(args) => signing::sign(args, &mut stdout(color)),
        Command::VerifySignature(args) => signing::verify(args, &mut stdout(color), err),
        Command::Publish(args) => publish::run(args, &mut stdout(color), err),
        Command::Login(args) => login::login(args, &mut stdout(color), err),
        Command::Logout(args) => login::logout(args, &mut stdout(color), err),
        Command::Add(args) => commands::project::add(args, &mut stdout(color), err),
        Command::Install(args) => commands::project::install(args, &mut stdout(color), err),
        Command::Verify(args) => commands::project::verify(args, &mut stdout(color), err),
        Command::Update(args) => commands::project::update(args, &mut stdout(color), err),
        Command::ImportClawhub(args) => commands::clawhub::import(args, &mut stdout(color), err),
        Command::Log(args) => commands::log::run(args, &mut stdout(color), err),
    }
}
