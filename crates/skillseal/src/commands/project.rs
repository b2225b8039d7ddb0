//! `skillseal add`, `install`, `verify` and `update`: the project's pinned
//! skills. The arguments live here; the machinery (resolving, checking,
//! staging, the lock) is [`crate::project`]'s.

use std::io::Write;

use anyhow::Result;

use crate::exit::ExitCode;

#[derive(clap::Args, Debug)]
pub struct AddArgs {
    /// `NAME` or `NAME@REQUIREMENT` (`weather-forecast@^2.1`).
    pub(crate) spec: String,
    /// Install without asking.
    #[arg(long, short = 'y')]
    pub(crate) yes: bool,
    /// The registry [default: `[registry] url` of skillseal.toml].
    #[arg(long, value_name = "URL")]
    pub(crate) registry: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct InstallArgs {
    /// Fail, showing the difference, when skillseal.toml and skillseal.lock
    /// disagree, instead of resolving.
    #[arg(long)]
    pub(crate) locked: bool,
    /// Use only the local cache; never ask the registry.
    #[arg(long)]
    pub(crate) offline: bool,
    /// The registry [default: `[registry] url` of skillseal.toml].
    #[arg(long, value_name = "URL")]
    pub(crate) registry: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// Use only the local cache for the packages' file lists.
    #[arg(long)]
    pub(crate) offline: bool,
}

#[derive(clap::Args, Debug)]
pub struct UpdateArgs {
    /// Only this skill [default: every skill in skillseal.toml].
    pub(crate) name: Option<String>,
    /// Update without asking.
    #[arg(long, short = 'y')]
    pub(crate) yes: bool,
    /// Accept a version signed by a different signer than the locked one.
    #[arg(long)]
    pub(crate) allow_signer_change: bool,
    /// The registry [default: `[registry] url` of skillseal.toml].
    #[arg(long, value_name = "URL")]
    pub(crate) registry: Option<String>,
}

/// `skillseal add`.
pub fn add(args: AddArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    crate::project::add(args, out, err)
}

/// `skillseal install`.
pub fn install(args: InstallArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    crate::project::install(args, out, err)
}

/// `skillseal verify`.
pub fn verify(args: VerifyArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    crate::project::verify(args, out, err)
}

/// `skillseal update`.
pub fn update(args: UpdateArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    crate::project::update(args, out, err)
}
