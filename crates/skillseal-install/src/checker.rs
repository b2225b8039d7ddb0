//! The checks every package passes before anything on disk changes, in
//! this order: the package digest (against the lock or the registry's
//! pin), the bundle digest, the archive (`skillseal-package`'s checks),
//! the signature by a signer skillseal.toml trusts for the skill, the
//! signer the lock pins, then a scan by this machine's rules under the
//! project's policy.

use skillseal_engine::Engine;
use skillseal_engine::policy::{Judge, Policy};
use skillseal_lock::{LockedSkill, Lockfile, Signer, TrustedSigner};
use skillseal_model::{SkillReport, Verdict};
use skillseal_rules::RuleSet;

use crate::cache::{Cache, digest_of};
use crate::client::{Pin, Remote};
use crate::error::{Context as _, Error, Refusal, Result};
use crate::project::Project;
use crate::reporter::{Event, Reporter};
use crate::transparency::{Expected, Session};

/// A package that passed every check, ready to install.
#[derive(Debug)]
pub struct Checked {
    /// Its lock entry: what was checked and what the scan found.
    pub locked: LockedSkill,
    /// The package's own file list.
    pub manifest: skillseal_package::Manifest,
    /// The files' bytes, in the manifest's order.
    pub contents: Vec<Vec<u8>>,
    /// This machine's scan of it.
    pub report: SkillReport,
}

impl Checked {
    /// A block verdict is never installed.
    pub fn refuse_blocked(&self) -> Result<()> {
        if self.report.verdict == Verdict::Block {
            return Err(Refusal::Blocked {
                name: self.locked.name.clone(),
                version: self.locked.version.clone(),
                reasons: self
                    .report
                    .reasons
                    .iter()
                    .map(|r| r.message.clone())
                    .collect(),
            }
            .into());
        }
        Ok(())
    }
}

/// What the checks need: the scanner, the trust anchors, the registry and
/// the cache.
pub struct Checker<'p> {
    pub(crate) project: &'p Project,
    engine: Engine,
    judge: Judge,
    rules_digest: String,
    root: skillseal_sign::TrustedRoot,
    remote: Option<Box<dyn Remote>>,
    cache: Cache,
    /// The transparency log's key: skillseal.toml's, or one just trusted.
    log_key: Option<String>,
}

impl<'p> Checker<'p> {
    /// The checker of `project` with `rules`: the project's policy, the
    /// registry (`--registry`, else skillseal.toml's) with the token bound
    /// to it, unless `offline`, and the user's cache ([`Cache::open`]).
    pub fn new(
        project: &'p Project,
        rules: &RuleSet,
        registry: Option<&str>,
        offline: bool,
        reporter: &mut dyn Reporter,
    ) -> Result<Checker<'p>> {
        let judge = project_judge(project, rules)?;
        let remote: Option<Box<dyn Remote>> = if offline {
            None
        } else {
            let registry = project.registry(registry)?;
            let auth = crate::registry::auth_for(&registry)?;
            if let Some(note) = &auth.note {
                reporter.report(Event::Note(note))?;
            }
            Some(Box::new(crate::client::connect(
                &registry, auth.token, false,
            )?))
        };
        Ok(Checker::build(
            project,
            rules,
            judge,
            remote,
            Cache::open()?,
        ))
    }

    /// The checker of `project` with `rules`, asking `remote` (`None`:
    /// offline) and keeping verified packages in `cache`.
    pub fn with_remote(
        project: &'p Project,
        rules: &RuleSet,
        remote: Option<Box<dyn Remote>>,
        cache: Cache,
    ) -> Result<Checker<'p>> {
        let judge = project_judge(project, rules)?;
        Ok(Checker::build(project, rules, judge, remote, cache))
    }

    fn build(
        project: &'p Project,
        rules: &RuleSet,
        judge: Judge,
        remote: Option<Box<dyn Remote>>,
        cache: Cache,
    ) -> Checker<'p> {
        Checker {
            project,
            engine: Engine::new(rules),
            judge,
            rules_digest: rules.digest().to_string(),
            root: skillseal_sign::TrustedRoot::production(),
            remote,
            cache,
            log_key: project.manifest.log_key.clone(),
        }
    }

    /// The transparency log's key the checks use.
    pub fn log_key(&self) -> Option<&str> {
        self.log_key.as_deref()
    }

    /// Trusts `key` as the log's key (`add`, on first use, once the user
    /// accepted it); the operation that writes the lock pins it in
    /// skillseal.toml.
    pub fn trust_log_key(&mut self, key: String) {
        self.log_key = Some(key);
    }

    /// The registry's checkpoint, checked against the pinned key and the
    /// lock's `[log]`; `None` offline, or when no key is pinned (then the
    /// log is not checked, unless the lock recorded a checkpoint: that is
    /// an error).
    pub fn log(&self) -> Result<Option<Session<'_>>> {
        let Some(remote) = self.remote.as_deref() else {
            return Ok(None);
        };
        match &self.log_key {
            Some(key) => Ok(Some(Session::open(
                remote,
                key,
                self.project.lock.log.as_ref(),
            )?)),
            None if self.project.lock.log.is_some() => Err(Error::Invalid(format!(
                "skillseal.lock records a transparency-log checkpoint, but {} pins no \
                 `[registry] log-key`: restore the key it was verified with",
                self.project.manifest_path.display()
            ))),
            None => Ok(None),
        }
    }

    /// The log's checks of one locked entry (its `log-index`, else the
    /// index the registry lists): see [`Session::check_publish`]. Returns
    /// the index.
    pub fn check_log(
        &self,
        session: &Session<'_>,
        l: &LockedSkill,
        pinned_by: &str,
    ) -> Result<u64> {
        let listed = self
            .remote()?
            .versions(&l.name)?
            .into_iter()
            .find(|p| p.version == l.version);
        let index = l
            .log_index
            .or(listed.as_ref().and_then(Pin::log_index))
            .ok_or_else(|| Refusal::Log {
                subject: format!("{} {}", l.name, l.version),
                error: skillseal_tlog::Error::Leaf("the registry lists no log index for it".into()),
            })?;
        session.check_publish(&Expected {
            name: &l.name,
            version: &l.version,
            digest: &l.digest,
            bundle_digest: &l.bundle_digest,
            signer: &l.signer,
            index,
            attestation_digest: listed
                .as_ref()
                .and_then(|p| p.attestation_digest.as_deref()),
            verdict: listed.as_ref().and_then(|p| p.verdict.as_deref()),
            pinned_by,
        })?;
        Ok(index)
    }

    /// Proves the entries of `lock` (about to be written) in the log: every
    /// one when `all`, else those new or changed since the project's lock
    /// and those without a `log-index`; fills their indexes and `[log]`
    /// (the checkpoint they were proven in). Without a log, nothing
    /// changes.
    pub fn seal(&self, lock: &mut Lockfile, all: bool) -> Result<()> {
        let Some(session) = self.log()? else {
            return Ok(());
        };
        for l in lock.skills.values_mut() {
            let old = self.project.lock.skills.get(&l.name);
            let unchanged = old.is_some_and(|o| o.version == l.version && o.digest == l.digest);
            if !all && unchanged && l.log_index.is_some() {
                continue;
            }
            if unchanged && l.log_index.is_none() {
                l.log_index = old.and_then(|o| o.log_index);
            }
            if !unchanged {
                // A new version: its index is the registry's, proven here.
                l.log_index = None;
            }
            let pinned_by = if unchanged {
                "skillseal.lock"
            } else {
                "the registry"
            };
            l.log_index = Some(self.check_log(&session, l, pinned_by)?);
        }
        lock.log = Some(session.recorded());
        Ok(())
    }

    /// The registry, unless offline.
    pub fn remote(&self) -> Result<&dyn Remote> {
        self.remote
            .as_deref()
            .ok_or_else(|| Error::Invalid("--offline: the registry is not asked".into()))
    }

    /// The bytes named `digest`: from the cache, else downloaded and checked.
    pub fn blob(
        &self,
        name: &str,
        version: &str,
        file: &str,
        digest: &str,
        pinned_by: &str,
    ) -> Result<Vec<u8>> {
        if let Some(bytes) = self.cache.get(digest) {
            return Ok(bytes);
        }
        let Some(remote) = &self.remote else {
            return Err(Error::Invalid(format!(
                "{name} {version}: its {file} ({digest}) is not in the local cache, and --offline was given"
            )));
        };
        let bytes = remote.download(name, version, file)?;
        let actual = digest_of(&bytes);
        if actual != digest {
            return Err(Refusal::DigestMismatch {
                name: name.into(),
                version: version.into(),
                file: file.into(),
                actual,
                expected: digest.into(),
                pinned_by: pinned_by.into(),
            }
            .into());
        }
        self.cache.put(&bytes)?;
        Ok(bytes)
    }

    /// Every check, in order; `expect` is the signer the lock pins,
    /// `pinned_by` who pinned the digests (`skillseal.lock`, `the registry`).
    pub fn check(
        &self,
        name: &str,
        version: &str,
        digest: &str,
        bundle_digest: &str,
        expect: Option<&Signer>,
        pinned_by: &str,
    ) -> Result<Checked> {
        let bytes = self.blob(name, version, "package", digest, pinned_by)?;
        let bundle = self.blob(name, version, "bundle", bundle_digest, pinned_by)?;
        let (manifest, contents) =
            skillseal_package::unpack(&bytes, &skillseal_package::Limits::default()).map_err(
                |error| Refusal::NotAPackage {
                    name: name.into(),
                    version: version.into(),
                    error,
                },
            )?;
        if manifest.name != name || manifest.version.to_string() != version {
            return Err(Refusal::OtherPackage {
                name: name.into(),
                version: version.into(),
                found_name: manifest.name,
                found_version: manifest.version.to_string(),
            }
            .into());
        }
        let signer = self.verify_signature(name, version, &bytes, &bundle)?;
        if let Some(locked) = expect
            && *locked != signer
        {
            return Err(Refusal::SignerMismatch {
                name: name.into(),
                version: version.into(),
                signer,
                locked: locked.clone(),
            }
            .into());
        }
        let report = self.scan(name, version, &bytes)?;
        let locked = LockedSkill {
            name: name.to_string(),
            version: version.to_string(),
            registry: self
                .remote
                .as_ref()
                .map(|r| r.url().to_string())
                .or_else(|| {
                    self.project
                        .lock
                        .skills
                        .get(name)
                        .map(|l| l.registry.clone())
                })
                .unwrap_or_default(),
            digest: digest.to_string(),
            bundle_digest: bundle_digest.to_string(),
            capabilities: report.capabilities.iter().cloned().collect(),
            verdict: report.verdict.as_str().to_string(),
            rules_digest: self.rules_digest.clone(),
            log_index: None,
            signer,
        };
        Ok(Checked {
            locked,
            manifest,
            contents,
            report,
        })
    }

    /// A version the registry just resolved: no signer is locked yet.
    pub fn check_pin(&self, name: &str, pin: &Pin) -> Result<Checked> {
        self.check(
            name,
            &pin.version,
            &pin.digest,
            &pin.bundle_digest,
            None,
            "the registry",
        )
    }

    /// The first signer skillseal.toml trusts for `name` that verifies.
    fn verify_signature(
        &self,
        name: &str,
        version: &str,
        bytes: &[u8],
        bundle: &[u8],
    ) -> Result<Signer> {
        let trusted: Vec<&TrustedSigner> = self.project.manifest.trusted_for(name).collect();
        if trusted.is_empty() {
            return Err(Refusal::NoTrustedSigner { name: name.into() }.into());
        }
        let now = chrono::Utc::now().timestamp();
        let mut failures = Vec::new();
        for t in &trusted {
            let (policy, signer) = match t {
                TrustedSigner::Key(path) => {
                    let path = self.project.root.join(path);
                    let pem = std::fs::read(&path)
                        .context(|| format!("cannot read the trusted key {}", path.display()))?;
                    let key = skillseal_sign::PublicKey::from_pem(&pem)
                        .context(|| format!("{}: not a public key", path.display()))?;
                    let signer = Signer::Key {
                        fingerprint: key.fingerprint(),
                    };
                    (skillseal_sign::Policy::Key(key), signer)
                }
                TrustedSigner::Identity { identity, issuer } => (
                    skillseal_sign::Policy::Identity {
                        identity: identity.clone(),
                        issuer: issuer.clone(),
                    },
                    Signer::Identity {
                        identity: identity.clone(),
                        issuer: issuer.clone(),
                    },
                ),
            };
            match skillseal_sign::verify::verify_json(bytes, bundle, &policy, &self.root, now) {
                Ok(_) => return Ok(signer),
                Err(e) => failures.push(format!("{t}: {e}")),
            }
        }
        Err(Refusal::Untrusted {
            name: name.into(),
            version: version.into(),
            failures,
        }
        .into())
    }

    /// This machine's scan of the package, under the project's policy, in
    /// memory (reported as `NAME-VERSION.skill.tgz`, as the registry does).
    fn scan(&self, name: &str, version: &str, bytes: &[u8]) -> Result<SkillReport> {
        let outcome = skillseal_discover::scan_archive_bytes(
            &self.engine,
            &format!("{name}-{version}.skill.tgz"),
            bytes,
            &skillseal_discover::Limits::default(),
            &self.judge,
        );
        if let Some(e) = outcome.report.errors.first() {
            return Err(Error::Invalid(format!(
                "{name} {version}: the scan could not read the package: {}",
                e.message
            )));
        }
        outcome.report.skills.into_iter().next().ok_or_else(|| {
            Error::Invalid(format!(
                "{name} {version}: the scan found no skill in the package"
            ))
        })
    }
}

/// The `[policy]` of skillseal.toml, checked against `rules`.
fn project_judge(project: &Project, rules: &RuleSet) -> Result<Judge> {
    let shown = project.manifest_path.display();
    let policy = Policy::from_toml(&project.manifest_text)
        .map_err(|e| Error::Invalid(format!("{shown}: {e}")))?
        .unwrap_or_default();
    policy
        .validate(rules.rules())
        .map_err(|e| Error::Invalid(format!("{shown}: {e}")))?;
    Ok(Judge {
        policy,
        baseline: None,
    })
}
