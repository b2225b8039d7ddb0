//! The project's side of pinning: the manifest `skillseal.toml` (which
//! registry, which signers are trusted, which skills at which semver
//! requirements, where they are installed) and the lockfile
//! `skillseal.lock` (each skill's exact version, package and bundle
//! digests, signer, capabilities, verdict, rules digest and transparency
//! log index; the log checkpoint the lock was verified against).
//!
//! Data only, no IO: parsing that reports line and column, canonical
//! writing (sorted, stable, no timestamps), and the comparisons that
//! `install --locked`, `update` and `verify` print.

mod error;
pub mod lockfile;
pub mod manifest;

pub use error::ParseError;
pub use lockfile::{FileDiff, LockedSkill, Lockfile, LogCheckpoint, Signer, diff_files};
pub use manifest::{Manifest, Mismatch, Trust, TrustedSigner, valid_log_key};
