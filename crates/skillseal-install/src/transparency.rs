//! The client's side of the registry's transparency log: what `add`,
//! `install`, `update`, `verify --log` and `log monitor` check before they
//! believe the registry (the checks themselves are `skillseal-tlog`'s).
//!
//! - [`Session::open`]: the registry's latest checkpoint, opened with the
//!   log key skillseal.toml pins, and proven consistent with the
//!   checkpoint skillseal.lock recorded (a smaller tree is stale).
//! - [`Session::check_publish`]: a version's `publish` entry, included in
//!   that checkpoint's tree, naming exactly the name, version, package
//!   and bundle digests and signer being pinned; its scan attestation,
//!   whose digest the entry names, signed by the log key, about that
//!   package, with a verdict no stricter than the one the registry lists
//!   (a rescan may list a stricter one since).
//! - [`monitor`]: a monitor's step, from the checkpoint it stored to the
//!   registry's latest, with every new entry.
//!
//! A failed check is a [`Refusal::Log`] naming it; nothing here writes.

use serde::{Deserialize, Serialize};
use skillseal_lock::{LogCheckpoint, Signer};
use skillseal_tlog::{self as tlog, Checkpoint, Leaf, LogVerifier};

use crate::client::{LogEntry, Remote};
use crate::error::{Error, Refusal, Result};

/// A refusal: `subject` failed the log check `error`.
fn refused(subject: impl Into<String>, error: tlog::Error) -> Error {
    Refusal::Log {
        subject: subject.into(),
        error,
    }
    .into()
}

/// The registry's checkpoint, checked.
pub struct Session<'r> {
    remote: &'r dyn Remote,
    verifier: LogVerifier,
    pub checkpoint: Checkpoint,
}

impl std::fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Session({:?}, {:?})", self.verifier, self.checkpoint)
    }
}

/// What a `publish` entry must say: the version being pinned.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub digest: &'a str,
    pub bundle_digest: &'a str,
    pub signer: &'a Signer,
    /// The entry's index in the log.
    pub index: u64,
    /// The attestation digest the registry lists, if it listed one.
    pub attestation_digest: Option<&'a str>,
    /// The registry's verdict, if it listed one.
    pub verdict: Option<&'a str>,
    /// Who pins the digests (`skillseal.lock`, `the registry`).
    pub pinned_by: &'a str,
}

impl<'r> Session<'r> {
    /// The registry's latest checkpoint, signed by `key` and consistent
    /// with `recorded` (the lock's `[log]`, if any).
    pub fn open(
        remote: &'r dyn Remote,
        key: &str,
        recorded: Option<&LogCheckpoint>,
    ) -> Result<Session<'r>> {
        let verifier =
            LogVerifier::new(key).map_err(|e| refused("skillseal.toml [registry] log-key", e))?;
        let note = remote.log_checkpoint()?;
        let subject = format!("the checkpoint of {}", remote.url());
        let checkpoint = verifier
            .open_checkpoint(&note)
            .map_err(|e| refused(&subject, e))?;
        if let Some(old) = recorded {
            let old_root = tlog::decode_hash(&old.root)
                .map_err(|e| refused("skillseal.lock [log] root", e))?;
            check_consistency(remote, &subject, old.size, old_root, &checkpoint)?;
        }
        Ok(Session {
            remote,
            verifier,
            checkpoint,
        })
    }

    /// The checkpoint as the lock records it.
    pub fn recorded(&self) -> LogCheckpoint {
        LogCheckpoint {
            size: self.checkpoint.size,
            root: tlog::encode_hash(&self.checkpoint.root),
        }
    }

    /// Every check of one version's entry and attestation (see the module
    /// documentation).
    pub fn check_publish(&self, want: &Expected<'_>) -> Result<()> {
        let subject = format!("{} {}", want.name, want.version);
        let fail = |e: tlog::Error| refused(&subject, e);
        let (index, size) = (want.index, self.checkpoint.size);
        let entry = self.entry(index, size).map_err(|e| match e {
            Error::Registry(_) => fail(tlog::Error::Inclusion { index, size }),
            e => e,
        })?;
        tlog::verify_inclusion(
            entry.leaf.as_bytes(),
            index,
            size,
            self.checkpoint.root,
            &entry.proof,
        )
        .map_err(fail)?;
        let leaf = Leaf::parse(entry.leaf.as_bytes()).map_err(fail)?;
        let Leaf::Publish {
            name,
            version,
            digest,
            bundle_digest,
            signer,
            attestation_digest,
            ..
        } = &leaf
        else {
            let (n, v) = leaf.subject();
            return Err(fail(tlog::Error::Leaf(format!(
                "entry {index} is not a publish but a {} of {n} {v}",
                kind(&leaf)
            ))));
        };
        let differs = |what: &str, logged: &str, pinned: &str| {
            fail(tlog::Error::Leaf(format!(
                "entry {index} publishes {what} {logged}, but {} pins {pinned} (the registry \
                 serves something other than what it published)",
                want.pinned_by
            )))
        };
        if name != want.name || version != want.version {
            return Err(differs(
                "the skill",
                &format!("{name} {version}"),
                &format!("{} {}", want.name, want.version),
            ));
        }
        if digest != want.digest {
            return Err(differs("the package digest", digest, want.digest));
        }
        if bundle_digest != want.bundle_digest {
            return Err(differs(
                "the bundle digest",
                bundle_digest,
                want.bundle_digest,
            ));
        }
        if signer != want.signer {
            return Err(differs(
                "the signer",
                &signer.to_string(),
                &want.signer.to_string(),
            ));
        }
        if let Some(listed) = want.attestation_digest
            && listed != attestation_digest
        {
            return Err(fail(tlog::Error::Attestation(format!(
                "the registry lists {listed}, but entry {index} names {attestation_digest}"
            ))));
        }
        let bytes = self
            .remote
            .download(want.name, want.version, "attestation")?;
        let served = tlog::digest_of(&bytes);
        if served != *attestation_digest {
            return Err(fail(tlog::Error::Attestation(format!(
                "the registry served one with digest {served}, but entry {index} names \
                 {attestation_digest}"
            ))));
        }
        let predicate =
            tlog::verify_attestation(&self.verifier, &bytes, want.digest).map_err(fail)?;
        // The registry lists its latest verdict: a rescan may have made it
        // stricter than the attested scan at publish, never more lenient.
        if let Some(verdict) = want.verdict
            && severity(verdict) < severity(&predicate.verdict)
        {
            return Err(fail(tlog::Error::Attestation(format!(
                "its verdict is `{}`, but the registry lists `{verdict}`",
                predicate.verdict
            ))));
        }
        Ok(())
    }

    fn entry(&self, index: u64, size: u64) -> Result<LogEntry> {
        let entry = self.remote.log_entry(index, size)?;
        if entry.index != index || entry.size != size {
            return Err(refused(
                format!("log entry {index}"),
                tlog::Error::BadProof(format!(
                    "asked for entry {index} in the tree of size {size}, the registry sent \
                     entry {} in the tree of size {}",
                    entry.index, entry.size
                )),
            ));
        }
        Ok(entry)
    }
}

/// How strict a verdict is (an unknown one: the strictest).
fn severity(verdict: &str) -> u8 {
    match verdict {
        "pass" => 0,
        "review" => 1,
        _ => 2,
    }
}

/// Proves the registry's `checkpoint` extends the tree of `old_size` with
/// `old_root`.
fn check_consistency(
    remote: &dyn Remote,
    subject: &str,
    old_size: u64,
    old_root: tlog::Hash,
    checkpoint: &Checkpoint,
) -> Result<()> {
    let new_size = checkpoint.size;
    // A smaller tree is stale whatever a proof says; an equal one needs
    // none (the roots must be equal).
    let proof = if new_size > old_size && old_size > 0 {
        remote
            .log_consistency(old_size, new_size)
            .map_err(|e| match e {
                Error::Registry(_) => refused(
                    subject,
                    tlog::Error::Consistency {
                        old: old_size,
                        new: new_size,
                    },
                ),
                e => e,
            })?
    } else {
        Vec::new()
    };
    tlog::verify_consistency(old_size, old_root, new_size, checkpoint.root, &proof)
        .map_err(|e| refused(subject, e))
}

/// A leaf's kind, as the log writes it.
pub fn kind(leaf: &Leaf) -> &'static str {
    match leaf {
        Leaf::Publish { .. } => "publish",
        Leaf::Yank { .. } => "yank",
        Leaf::Unyank { .. } => "unyank",
    }
}

/// What a monitor keeps between runs: the registry, its log key and the
/// last checkpoint it checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitorState {
    pub registry: String,
    pub key: String,
    pub size: u64,
    /// Base64.
    pub root: String,
}

/// One step of a monitor: the registry's latest checkpoint, signed by
/// `key` and consistent with the one in `state` (if any), and every entry
/// after it, each proven included. Returns the new state and the new
/// entries with their indexes.
pub fn monitor(
    remote: &dyn Remote,
    key: &str,
    state: Option<&MonitorState>,
) -> Result<(MonitorState, Vec<(u64, Leaf)>)> {
    let recorded = state.map(|s| LogCheckpoint {
        size: s.size,
        root: s.root.clone(),
    });
    let session = Session::open(remote, key, recorded.as_ref())?;
    let size = session.checkpoint.size;
    let mut entries = Vec::new();
    for index in state.map_or(0, |s| s.size)..size {
        let fail = |e| refused(format!("log entry {index}"), e);
        let entry = session.entry(index, size).map_err(|e| match e {
            Error::Registry(_) => fail(tlog::Error::Inclusion { index, size }),
            e => e,
        })?;
        tlog::verify_inclusion(
            entry.leaf.as_bytes(),
            index,
            size,
            session.checkpoint.root,
            &entry.proof,
        )
        .map_err(fail)?;
        entries.push((index, Leaf::parse(entry.leaf.as_bytes()).map_err(fail)?));
    }
    let new = MonitorState {
        registry: remote.url().to_string(),
        key: key.to_string(),
        size,
        root: tlog::encode_hash(&session.checkpoint.root),
    };
    Ok((new, entries))
}

/// Checks the key a registry offers before it is shown for pinning: a
/// verifier key whose name is the origin the registry names.
pub fn check_offer(offer: &crate::client::LogKeyOffer) -> Result<()> {
    let verifier =
        LogVerifier::new(&offer.key).map_err(|e| refused("the registry's log key", e))?;
    if verifier.origin() != offer.origin {
        return Err(refused(
            "the registry's log key",
            tlog::Error::Origin {
                expected: offer.origin.clone(),
                found: verifier.origin().to_string(),
            },
        ));
    }
    Ok(())
}
