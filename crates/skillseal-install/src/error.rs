//! What can go wrong, typed: a [`Refusal`] (a check failed on the content
//! itself), an [`Error`] otherwise. The messages are the ones the CLI
//! prints after `error: `; the CLI decides the exit code from the variant.

use skillseal_lock::Signer;
use skillseal_model::Digest;

/// Any error, as the source of an [`Error::Failed`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything this crate's operations return.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A check failed on the content itself (digest, signature, signer,
    /// capabilities, verdict): the CLI's exit code 1. (Boxed: it is the
    /// largest, and the rarest.)
    #[error(transparent)]
    Refused(Box<Refusal>),
    /// The registry answered with an error.
    #[error(transparent)]
    Registry(#[from] crate::client::Refused),
    /// Something could not be done: `what`, and why (`source`).
    #[error("{what}")]
    Failed {
        what: String,
        #[source]
        source: BoxError,
    },
    /// A project file, argument or registry URL that cannot be used, or a
    /// step that cannot be taken; the message says what to change.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Http(#[from] reqwest::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Error {
        Error::Refused(Box::new(refusal))
    }
}

impl Error {
    /// The [`Refusal`] this is, or was caused by.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            Error::Refused(refusal) => Some(refusal),
            Error::Failed { source, .. } => source.downcast_ref::<Error>()?.refusal(),
            _ => None,
        }
    }

    /// Whether this is, or was caused by, a [`Refusal`].
    pub fn is_refusal(&self) -> bool {
        self.refusal().is_some()
    }

    /// The I/O error this is, if it is one (a closed pipe, say).
    pub fn as_io(&self) -> Option<&std::io::Error> {
        match self {
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `what` failed because of the error inside (anyhow's `with_context`,
/// typed).
pub(crate) trait Context<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: Into<BoxError>> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error::Failed {
            what: what(),
            source: e.into(),
        })
    }
}

/// A package refused by a check on its content, naming the check.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The bytes the registry served are not the ones pinned.
    #[error(
        "{name} {version}: the registry served a {file} with digest {actual}, but {pinned_by} pins {expected}"
    )]
    DigestMismatch {
        name: String,
        version: String,
        file: String,
        /// Computed from the bytes served.
        actual: Digest,
        expected: String,
        pinned_by: String,
    },
    /// `scan NAME@VERSION`: the bytes are not the ones the registry lists.
    #[error(
        "{name} {version}: the registry served a package with digest {actual}, but lists {expected}"
    )]
    ListedDigestMismatch {
        name: String,
        version: String,
        /// Computed from the bytes served.
        actual: Digest,
        expected: String,
    },
    /// `skillseal-package` refused the archive.
    #[error("{name} {version}: not a valid package: {error}")]
    NotAPackage {
        name: String,
        version: String,
        error: skillseal_package::InspectError,
    },
    /// The archive names another skill or version.
    #[error("{name} {version}: the package says it is {found_name} {found_version}")]
    OtherPackage {
        name: String,
        version: String,
        found_name: String,
        found_version: String,
    },
    /// skillseal.toml trusts nobody for this skill.
    #[error(
        "{name}: skillseal.toml trusts no signer for it; add a [[trust]] entry \
         (a key, or a keyless identity and issuer)"
    )]
    NoTrustedSigner { name: String },
    /// No trusted signer's verification passed: one failure per signer.
    #[error(
        "{name} {version}: not signed by a signer skillseal.toml trusts for it:\n  {}",
        .failures.join("\n  ")
    )]
    Untrusted {
        name: String,
        version: String,
        failures: Vec<String>,
    },
    /// Signed by a trusted signer, but not the one the lock pins.
    #[error("{name} {version}: signed by {signer}, but skillseal.lock pins {locked}")]
    SignerMismatch {
        name: String,
        version: String,
        signer: Signer,
        locked: Signer,
    },
    /// The local scan's verdict is `block`.
    #[error("{name} {version} is blocked by the local scan: {}", .reasons.join("; "))]
    Blocked {
        name: String,
        version: String,
        reasons: Vec<String>,
    },
    /// The locked version's scan now finds capabilities the lock does not
    /// list (new rules, or another policy).
    #[error(
        "{name} {version}: capabilities grew beyond skillseal.lock: {}",
        .grown.join(", ")
    )]
    CapabilitiesGrew {
        name: String,
        version: String,
        grown: Vec<String>,
    },
    /// `update` without `--allow-signer-change`.
    #[error(
        "{name} {version}: the signer changed from {from} to {to}; nothing was updated \
         (pass --allow-signer-change if this was expected)"
    )]
    SignerChanged {
        name: String,
        version: String,
        from: Signer,
        to: Signer,
    },
    /// A check of the registry's transparency log failed: `subject` is
    /// what was checked (a skill and version, the checkpoint).
    #[error("{subject}: transparency log: {error}")]
    Log {
        subject: String,
        error: skillseal_tlog::Error,
    },
    /// `install --locked` with a lock that does not match skillseal.toml:
    /// one line per difference.
    #[error(
        "skillseal.lock does not match skillseal.toml (--locked):\n  {}",
        .differences.join("\n  ")
    )]
    LockOutOfDate { differences: Vec<String> },
}
