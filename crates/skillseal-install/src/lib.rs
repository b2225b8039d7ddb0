//! A project's skills, pinned: the machinery behind `skillseal add`,
//! `install`, `verify`, `update` and `scan NAME@VERSION`, as a library the
//! CLI calls (and tests drive without the binary).
//!
//! - [`registry`]: which registry a command talks to and which token may
//!   go to it (bound to its origin); [`credentials`]: the per-origin
//!   credentials file; [`client`]: the registry's HTTP API, behind the
//!   [`Remote`] trait the checks use.
//! - [`Checker`]: every check a package passes before anything on disk
//!   changes, in a fixed order (digest, bundle digest, archive, trusted
//!   signer, locked signer, local scan in memory); [`Cache`]: verified
//!   packages by digest; `stage`: installs written into a staging folder
//!   and renamed into place only when every skill passed.
//! - [`transparency`]: the registry's transparency log, checked: the
//!   checkpoint against the pinned log key and the lock's, each version's
//!   `publish` entry and scan attestation ([`Checker::seal`]).
//! - [`clawhub`]: a ClawHub project's lock and origin files, read for
//!   `import-clawhub` ([`ops::import`]).
//! - [`ops`]: one module per command, without the printing and prompts:
//!   progress goes to a [`Reporter`] the caller implements, errors are
//!   typed ([`Error`], [`Refusal`]) with the messages users see.
//!
//! Nothing here prints or decides an exit code.

pub mod cache;
pub mod checker;
pub mod clawhub;
pub mod client;
pub mod credentials;
pub mod error;
pub mod fs;
pub mod ops;
pub mod project;
pub mod registry;
pub mod reporter;
mod stage;
pub mod transparency;

pub use cache::Cache;
pub use checker::{Checked, Checker};
pub use client::{Client, LogEntry, LogKeyOffer, Pin, Remote};
pub use error::{Error, Refusal, Result};
pub use project::Project;
pub use registry::{Named, Registry, Token};
pub use reporter::{Event, Reporter};
