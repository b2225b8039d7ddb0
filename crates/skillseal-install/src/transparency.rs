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
use crate::error::{Context as _, Error, Refusal, Result};

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
        let note = remote.log_checkpoint().context(|| {
            format!(
                "cannot get the transparency log's checkpoint from {}",
                remote.url()
            )
        })?;
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

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::BTreeMap;
    use std::sync::LazyLock;

    use skillseal_tlog::{
        FindingsSummary, Known, LogKey, ScanPredicate, Scanner, Statement, encode_hash,
        prove_record, prove_tree, stored_hash_index, stored_hashes, tree_hash,
    };

    use super::*;
    use crate::client::{LogKeyOffer, Pin};

    const ORIGIN: &str = "skills.example.invalid/log";

    fn key() -> LogKey {
        LogKey::from_seed(ORIGIN, &[1; 32]).unwrap().0
    }

    fn signer() -> Signer {
        Signer::Key {
            fingerprint: format!("sha256:{}", "d".repeat(64)),
        }
    }

    fn digest(c: char) -> String {
        format!("sha256:{}", c.to_string().repeat(64))
    }

    /// A registry's log in memory: its leaves, the attestations it serves,
    /// and how many leaves its checkpoint covers (`shown`).
    #[derive(Default)]
    struct Log {
        leaves: Vec<Vec<u8>>,
        attestations: BTreeMap<String, Vec<u8>>,
        shown: RefCell<Option<u64>>,
        /// Entry `index` answered for another index (a lying registry).
        misnumbered: bool,
    }

    impl Log {
        fn known(&self) -> Known {
            let mut known = Known::default();
            for (n, leaf) in self.leaves.iter().enumerate() {
                let n = n as u64;
                let first = stored_hash_index(0, n);
                for (i, h) in stored_hashes(n, leaf, &known)
                    .unwrap()
                    .into_iter()
                    .enumerate()
                {
                    known.insert(first + i as u64, h);
                }
            }
            known
        }

        fn size(&self) -> u64 {
            self.shown.borrow().unwrap_or(self.leaves.len() as u64)
        }

        /// Publishes `version` with `verdict` attested; returns its index.
        fn publish(&mut self, version: &str, verdict: &str) -> u64 {
            let predicate = ScanPredicate {
                scanner: Scanner {
                    name: "skillseal".into(),
                    version: "0".into(),
                },
                rules_digest: digest('r'),
                policy_digest: digest('p'),
                verdict: verdict.into(),
                capabilities: vec![],
                findings: FindingsSummary {
                    total: 0,
                    by_severity: BTreeMap::new(),
                    rules: vec![],
                },
                report_digest: digest('e'),
            };
            let statement = Statement::new("hello", version, &digest('a'), predicate);
            let envelope = key()
                .sign_envelope(skillseal_tlog::IN_TOTO, &statement.to_bytes())
                .unwrap()
                .to_bytes();
            let attestation_digest = skillseal_tlog::digest_of(&envelope);
            self.attestations.insert(version.into(), envelope);
            self.append(Leaf::Publish {
                name: "hello".into(),
                version: version.into(),
                digest: digest('a'),
                bundle_digest: digest('b'),
                signer: signer(),
                attestation_digest,
                time: 1,
            })
        }

        fn append(&mut self, leaf: Leaf) -> u64 {
            self.leaves.push(leaf.to_bytes());
            self.leaves.len() as u64 - 1
        }
    }

    impl Remote for Log {
        fn url(&self) -> &str {
            "https://skills.example.invalid"
        }
        fn resolve(&self, _: &str, _: &str) -> Result<Pin> {
            unreachable!()
        }
        fn versions(&self, _: &str) -> Result<Vec<Pin>> {
            unreachable!()
        }
        fn download(&self, _: &str, version: &str, file: &str) -> Result<Vec<u8>> {
            assert_eq!(file, "attestation");
            Ok(self.attestations[version].clone())
        }
        fn log_key(&self) -> Result<Option<LogKeyOffer>> {
            Ok(Some(LogKeyOffer {
                origin: ORIGIN.into(),
                key: key().verifier_key().into(),
            }))
        }
        fn log_checkpoint(&self) -> Result<Vec<u8>> {
            let size = self.size();
            Ok(key()
                .sign_checkpoint(size, tree_hash(size, &self.known()).unwrap())
                .unwrap())
        }
        fn log_entry(&self, index: u64, size: u64) -> Result<LogEntry> {
            if index >= size {
                return Err(crate::client::Refused {
                    status: 404,
                    code: "no_log_entry".into(),
                    message: "no such entry".into(),
                }
                .into());
            }
            let proof = prove_record(size, index, &self.known()).unwrap();
            let served = if self.misnumbered { index + 1 } else { index };
            Ok(LogEntry {
                index: served,
                size,
                leaf: String::from_utf8(self.leaves[index as usize].clone()).unwrap(),
                proof: proof.iter().map(encode_hash).collect(),
            })
        }
        fn log_consistency(&self, from: u64, to: u64) -> Result<Vec<String>> {
            let proof = prove_tree(to, from, &self.known()).unwrap();
            Ok(proof.iter().map(encode_hash).collect())
        }
    }

    static PACKAGE: LazyLock<String> = LazyLock::new(|| digest('a'));
    static BUNDLE: LazyLock<String> = LazyLock::new(|| digest('b'));

    fn expected<'a>(version: &'a str, index: u64, signer: &'a Signer) -> Expected<'a> {
        Expected {
            name: "hello",
            version,
            digest: &PACKAGE,
            bundle_digest: &BUNDLE,
            signer,
            index,
            attestation_digest: None,
            verdict: None,
            pinned_by: "the registry",
        }
    }

    fn log_error(e: Error) -> (String, skillseal_tlog::Error) {
        match e {
            Error::Refused(r) => match *r {
                Refusal::Log { subject, error } => (subject, error),
                other => panic!("{other}"),
            },
            other => panic!("{other}"),
        }
    }

    #[test]
    fn a_published_version_is_proven_and_each_difference_is_named() {
        let mut log = Log::default();
        let i = log.publish("1.0.0", "pass");
        log.publish("1.1.0", "review");
        let s = signer();
        let session = Session::open(&log, key().verifier_key(), None).unwrap();
        assert_eq!(session.recorded().size, 2);
        session.check_publish(&expected("1.0.0", i, &s)).unwrap();

        let other_digest = digest('f');
        let other_signer = Signer::Identity {
            identity: "x".into(),
            issuer: "y".into(),
        };
        let cases: Vec<(Expected<'_>, &str)> = vec![
            (
                Expected {
                    digest: &other_digest,
                    ..expected("1.0.0", i, &s)
                },
                "entry 0 publishes the package digest",
            ),
            (
                Expected {
                    bundle_digest: &other_digest,
                    ..expected("1.0.0", i, &s)
                },
                "entry 0 publishes the bundle digest",
            ),
            (
                expected("1.0.0", i, &other_signer),
                "entry 0 publishes the signer",
            ),
            (
                expected("1.1.0", i, &s),
                "entry 0 publishes the skill hello 1.0.0",
            ),
            (
                Expected {
                    attestation_digest: Some(&other_digest),
                    ..expected("1.0.0", i, &s)
                },
                "the registry lists sha256:ffff",
            ),
            (
                expected("1.0.0", 2, &s),
                "entry 2 is not in the log's tree of size 2",
            ),
        ];
        for (want, message) in cases {
            let (subject, error) = log_error(session.check_publish(&want).unwrap_err());
            assert_eq!(subject, format!("hello {}", want.version));
            assert!(error.to_string().contains(message), "{message}: {error}");
        }
    }

    #[test]
    fn the_attested_verdict_may_be_more_lenient_than_the_listed_one_never_stricter() {
        let mut log = Log::default();
        log.publish("1.0.0", "pass");
        log.publish("1.1.0", "review");
        let s = signer();
        let session = Session::open(&log, key().verifier_key(), None).unwrap();
        // A rescan listed a stricter verdict since: accepted.
        for listed in ["pass", "review", "block"] {
            let want = Expected {
                verdict: Some(listed),
                ..expected("1.0.0", 0, &s)
            };
            session.check_publish(&want).unwrap();
        }
        // The registry lists `pass` for a version its own scan attested
        // `review`: refused.
        let want = Expected {
            verdict: Some("pass"),
            ..expected("1.1.0", 1, &s)
        };
        let (_, error) = log_error(session.check_publish(&want).unwrap_err());
        assert!(
            error
                .to_string()
                .contains("its verdict is `review`, but the registry lists `pass`"),
            "{error}"
        );
    }

    #[test]
    fn an_entry_of_another_kind_or_index_is_refused() {
        let mut log = Log::default();
        log.publish("1.0.0", "pass");
        let yank = log.append(Leaf::Yank {
            name: "hello".into(),
            version: "1.0.0".into(),
            digest: digest('a'),
            time: 2,
        });
        let s = signer();
        let session = Session::open(&log, key().verifier_key(), None).unwrap();
        let (_, error) = log_error(
            session
                .check_publish(&expected("1.0.0", yank, &s))
                .unwrap_err(),
        );
        assert!(
            error
                .to_string()
                .contains("entry 1 is not a publish but a yank of hello 1.0.0"),
            "{error}"
        );
        log.misnumbered = true;
        let session = Session::open(&log, key().verifier_key(), None).unwrap();
        let (_, error) = log_error(
            session
                .check_publish(&expected("1.0.0", 0, &s))
                .unwrap_err(),
        );
        assert!(
            matches!(error, skillseal_tlog::Error::BadProof(_)),
            "{error}"
        );
    }

    #[test]
    fn checkpoints_must_be_signed_by_the_pinned_key_and_only_grow() {
        let mut log = Log::default();
        log.publish("1.0.0", "pass");
        log.publish("1.1.0", "pass");
        let recorded = Session::open(&log, key().verifier_key(), None)
            .unwrap()
            .recorded();
        log.publish("1.2.0", "pass");
        let grown = Session::open(&log, key().verifier_key(), Some(&recorded)).unwrap();
        assert_eq!(grown.recorded().size, 3);

        // An older checkpoint than the one recorded: stale.
        let newer = grown.recorded();
        *log.shown.borrow_mut() = Some(2);
        let (subject, error) =
            log_error(Session::open(&log, key().verifier_key(), Some(&newer)).unwrap_err());
        assert!(subject.contains("the checkpoint of"), "{subject}");
        assert_eq!(error, skillseal_tlog::Error::Stale { old: 3, new: 2 });

        // The same size with another root: not consistent.
        let forged = LogCheckpoint {
            size: 2,
            root: encode_hash(&skillseal_tlog::Hash([9; 32])),
        };
        let (_, error) =
            log_error(Session::open(&log, key().verifier_key(), Some(&forged)).unwrap_err());
        assert_eq!(error, skillseal_tlog::Error::Consistency { old: 2, new: 2 });

        // Another key of the same name does not open it.
        let (other, _) = LogKey::from_seed(ORIGIN, &[2; 32]).unwrap();
        let (_, error) = log_error(Session::open(&log, other.verifier_key(), None).unwrap_err());
        assert!(
            matches!(error, skillseal_tlog::Error::CheckpointSignature(_)),
            "{error}"
        );
    }

    #[test]
    fn a_monitor_reports_only_new_entries_and_an_offer_names_its_origin() {
        let mut log = Log::default();
        log.publish("1.0.0", "pass");
        let (state, entries) = monitor(&log, key().verifier_key(), None).unwrap();
        assert_eq!((state.size, entries.len()), (1, 1));
        log.publish("1.1.0", "pass");
        let (next, entries) = monitor(&log, key().verifier_key(), Some(&state)).unwrap();
        assert_eq!(next.size, 2);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].0, 1);
        assert_eq!(entries[0].1.subject(), ("hello", "1.1.0"));

        check_offer(&log.log_key().unwrap().unwrap()).unwrap();
        let lying = LogKeyOffer {
            origin: "elsewhere.example.invalid".into(),
            key: key().verifier_key().into(),
        };
        assert!(check_offer(&lying).is_err());
    }
}
