//! What the operations tell their caller while they run. The library
//! prints nothing: the CLI implements [`Reporter`] and decides how each
//! [`Event`] reads, and where it goes.

use crate::checker::Checked;
use crate::ops::update::Plan;
use crate::ops::verify::Problem;

/// One thing worth telling the user, in the order it happens.
#[derive(Debug)]
pub enum Event<'a> {
    /// A note for standard error (`SKILLSEAL_TOKEN` not sent to a registry
    /// skillseal.toml names).
    Note(&'a str),
    /// `install`: a package checked for the first time, about to be
    /// installed.
    Checked(&'a Checked),
    /// `install`: a locked version the registry has since yanked; it stays
    /// installed as locked.
    Yanked { name: &'a str, version: &'a str },
    /// `update`: a skill already at the newest version allowed.
    UpToDate { name: &'a str, version: &'a str },
    /// `update`: what changes for one skill, before anything is applied.
    Planned(&'a Plan<'a>),
    /// `update`: a skill installed at its new version.
    Updated { name: &'a str, version: &'a str },
    /// `verify`: one difference between the install directory and the lock.
    Problem(&'a Problem),
}

/// Receives the [`Event`]s of an operation; an error (a closed pipe) stops
/// the operation.
pub trait Reporter {
    fn report(&mut self, event: Event<'_>) -> std::io::Result<()>;
}

/// Reports nothing.
#[derive(Debug, Default)]
pub struct Quiet;

impl Reporter for Quiet {
    fn report(&mut self, _: Event<'_>) -> std::io::Result<()> {
        Ok(())
    }
}
