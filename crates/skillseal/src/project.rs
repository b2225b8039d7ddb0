//! A project's skills, pinned: `skillseal add`, `install`, `verify`,
//! `update`, and `scan NAME@VERSION`.
//!
//! Every package goes through the same checks, in this order, before
//! anything on disk changes: the package digest (against the lock or the
//! registry's pin), the bundle digest, the archive (`skillseal-package`'s
//! checks), the signature by a signer skillseal.toml trusts for the skill,
//! the signer the lock pins, then a scan by this machine's rules under
//! the project's policy. Installs are staged beside the install directory
//! and renamed into place only when every skill has passed.

use std::collections::BTreeSet;
use std::io::{BufRead as _, IsTerminal as _, Write};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use sha2::Digest as _;
use skillseal_engine::Engine;
use skillseal_engine::policy::{Judge, Policy};
use skillseal_lock::{LockedSkill, Lockfile, Manifest, Mismatch, Signer, TrustedSigner};
use skillseal_model::{Finding, SkillReport, Verdict};

use crate::client::{Client, Named, Pin, Registry};
use crate::commands::project::{AddArgs, InstallArgs, UpdateArgs, VerifyArgs};
use crate::exit::ExitCode;

/// A check that failed on the content itself (digest, signature, signer,
/// capabilities, verdict, files): exit code 1, as a failed verification.
#[derive(Debug)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

fn refuse<T>(message: impl Into<String>) -> Result<T> {
    Err(Refusal(message.into()).into())
}

const LOCK_FILE: &str = "skillseal.lock";

/// skillseal.toml, skillseal.lock and the folder they are in.
struct Project {
    root: PathBuf,
    manifest_path: PathBuf,
    manifest_text: String,
    manifest: Manifest,
    lock: Lockfile,
    has_lock: bool,
}

impl Project {
    fn load() -> Result<Project> {
        let manifest_path = crate::config::find_project_file()?.context(
            "no skillseal.toml in this folder or a parent: create one with a [registry] url \
             and the [[trust]] signers (see the README)",
        )?;
        let root = manifest_path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let manifest_text = std::fs::read_to_string(&manifest_path)
            .with_context(|| format!("cannot read {}", manifest_path.display()))?;
        let manifest = Manifest::parse(&manifest_text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", manifest_path.display()))?;
        let lock_path = root.join(LOCK_FILE);
        let (lock, has_lock) = match std::fs::read_to_string(&lock_path) {
            Ok(text) => (
                Lockfile::parse(&text)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", lock_path.display()))?,
                true,
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Lockfile::default(), false),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read {}", lock_path.display()));
            }
        };
        Ok(Project {
            root,
            manifest_path,
            manifest_text,
            manifest,
            lock,
            has_lock,
        })
    }

    fn install_dir(&self) -> PathBuf {
        self.root.join(&self.manifest.install_dir)
    }

    /// `--registry`, else `[registry] url`: who named it decides which
    /// token may go to it.
    fn registry(&self, flag: Option<&str>) -> Result<Registry> {
        match (flag, &self.manifest.registry) {
            (Some(url), _) => Registry::new(url, Named::Flag),
            (None, Some(url)) => Registry::new(url, Named::Project(self.manifest_path.clone()))
                .with_context(|| format!("{}: [registry] url", self.manifest_path.display())),
            (None, None) => bail!(
                "{}: no `[registry] url`, and no --registry given",
                self.manifest_path.display()
            ),
        }
    }

    fn save_lock(&self, lock: &Lockfile) -> Result<()> {
        let path = self.root.join(LOCK_FILE);
        crate::output::write_atomically(&path, lock.to_toml().as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Sets `[skills] name = requirement`, keeping the file's comments and
    /// layout.
    fn save_requirement(&self, name: &str, requirement: &str) -> Result<()> {
        let mut doc: toml_edit::DocumentMut = self
            .manifest_text
            .parse()
            .with_context(|| format!("cannot edit {}", self.manifest_path.display()))?;
        if !doc.contains_key("skills") {
            doc["skills"] = toml_edit::table();
        }
        doc["skills"][name] = toml_edit::value(requirement);
        crate::output::write_atomically(&self.manifest_path, doc.to_string().as_bytes())
            .with_context(|| format!("cannot write {}", self.manifest_path.display()))
    }
}

/// Content-addressed packages and bundles already verified by digest:
/// `$SKILLSEAL_CACHE_DIR`, else `$XDG_CACHE_HOME/skillseal`, else
/// `~/.cache/skillseal`.
struct Cache {
    dir: PathBuf,
}

impl Cache {
    fn open() -> Result<Cache> {
        let dir = if let Some(d) = std::env::var_os("SKILLSEAL_CACHE_DIR") {
            PathBuf::from(d)
        } else if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
            PathBuf::from(d).join("skillseal")
        } else {
            let home = std::env::var_os("HOME").context("no HOME for the package cache")?;
            PathBuf::from(home).join(".cache/skillseal")
        };
        Ok(Cache {
            dir: dir.join("sha256"),
        })
    }

    fn path(&self, digest: &str) -> Option<PathBuf> {
        skillseal_package::valid_digest(digest).then(|| self.dir.join(&digest[7..]))
    }

    /// The bytes, if cached and still matching their digest.
    fn get(&self, digest: &str) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.path(digest)?).ok()?;
        (digest_of(&bytes) == digest).then_some(bytes)
    }

    fn put(&self, bytes: &[u8]) -> Result<()> {
        let digest = digest_of(bytes);
        let path = self.path(&digest).expect("a computed digest is valid");
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        crate::output::write_atomically(&path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))
    }
}

fn digest_of(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(sha2::Sha256::digest(bytes)))
}

/// A package that passed every check, ready to install.
struct Checked {
    locked: LockedSkill,
    manifest: skillseal_package::Manifest,
    contents: Vec<Vec<u8>>,
    report: SkillReport,
}

/// What the checks need: the scanner, the trust anchors, the registry and
/// the cache.
struct Checker<'p> {
    project: &'p Project,
    engine: Engine,
    judge: Judge,
    rules_digest: String,
    root: skillseal_sign::TrustedRoot,
    client: Option<Client>,
    cache: Cache,
}

impl<'p> Checker<'p> {
    fn new(
        project: &'p Project,
        registry: Option<&str>,
        offline: bool,
        err: &mut dyn Write,
    ) -> Result<Checker<'p>> {
        let set = crate::config::load_rules(None)?;
        let policy = Policy::from_toml(&project.manifest_text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", project.manifest_path.display()))?
            .unwrap_or_default();
        policy
            .validate(set.rules())
            .map_err(|e| anyhow::anyhow!("{}: {e}", project.manifest_path.display()))?;
        let client = if offline {
            None
        } else {
            let registry = project.registry(registry)?;
            Some(crate::client::connect(&registry, false, err)?)
        };
        Ok(Checker {
            project,
            engine: Engine::new(&set),
            judge: Judge {
                policy,
                baseline: None,
            },
            rules_digest: set.digest().to_string(),
            root: skillseal_sign::TrustedRoot::production(),
            client,
            cache: Cache::open()?,
        })
    }

    fn client(&self) -> Result<&Client> {
        self.client
            .as_ref()
            .context("--offline: the registry is not asked")
    }

    /// The bytes named `digest`: from the cache, else downloaded and checked.
    fn blob(
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
        let Some(client) = &self.client else {
            bail!(
                "{name} {version}: its {file} ({digest}) is not in the local cache, and --offline was given"
            );
        };
        let bytes = client.download(name, version, file)?;
        let actual = digest_of(&bytes);
        if actual != digest {
            return refuse(format!(
                "{name} {version}: the registry served a {file} with digest {actual}, \
                 but {pinned_by} pins {digest}"
            ));
        }
        self.cache.put(&bytes)?;
        Ok(bytes)
    }

    /// Every check, in order; `expect` is the signer the lock pins.
    fn check(
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
            skillseal_package::unpack(&bytes, &skillseal_package::Limits::default())
                .map_err(|e| Refusal(format!("{name} {version}: not a valid package: {e}")))?;
        if manifest.name != name || manifest.version.to_string() != version {
            return refuse(format!(
                "{name} {version}: the package says it is {} {}",
                manifest.name, manifest.version
            ));
        }
        let signer = self.verify_signature(name, version, &bytes, &bundle)?;
        if let Some(locked) = expect
            && *locked != signer
        {
            return refuse(format!(
                "{name} {version}: signed by {signer}, but skillseal.lock pins {locked}"
            ));
        }
        let report = self.scan(name, version, &bytes)?;
        let locked = LockedSkill {
            name: name.to_string(),
            version: version.to_string(),
            registry: self
                .client
                .as_ref()
                .map(|c| c.base.clone())
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
    fn check_pin(&self, name: &str, pin: &Pin) -> Result<Checked> {
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
            return refuse(format!(
                "{name}: skillseal.toml trusts no signer for it; add a [[trust]] entry \
                 (a key, or a keyless identity and issuer)"
            ));
        }
        let now = chrono::Utc::now().timestamp();
        let mut failures = Vec::new();
        for t in &trusted {
            let (policy, signer) = match t {
                TrustedSigner::Key(path) => {
                    let path = self.project.root.join(path);
                    let pem = std::fs::read(&path).with_context(|| {
                        format!("cannot read the trusted key {}", path.display())
                    })?;
                    let key = skillseal_sign::PublicKey::from_pem(&pem)
                        .with_context(|| format!("{}: not a public key", path.display()))?;
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
        refuse(format!(
            "{name} {version}: not signed by a signer skillseal.toml trusts for it:\n  {}",
            failures.join("\n  ")
        ))
    }

    /// This machine's scan of the package, under the project's policy.
    fn scan(&self, name: &str, version: &str, bytes: &[u8]) -> Result<SkillReport> {
        let dir = tempfile::tempdir().context("cannot create a temporary folder for the scan")?;
        let file = dir.path().join(format!("{name}-{version}.skill.tgz"));
        std::fs::write(&file, bytes).with_context(|| format!("cannot write {}", file.display()))?;
        let outcome = skillseal_discover::scan_with(
            &self.engine,
            &[file],
            &skillseal_discover::Limits::default(),
            &self.judge,
        );
        if let Some(e) = outcome.report.errors.first() {
            bail!(
                "{name} {version}: the scan could not read the package: {}",
                e.message
            );
        }
        outcome
            .report
            .skills
            .into_iter()
            .next()
            .with_context(|| format!("{name} {version}: the scan found no skill in the package"))
    }
}

/// `NAME` or `NAME@REQUIREMENT`.
fn parse_spec(spec: &str) -> Result<(String, Option<String>)> {
    let (name, req) = match spec.split_once('@') {
        Some((n, r)) => (n, Some(r.to_string())),
        None => (spec, None),
    };
    if !skillseal_package::valid_name(name) {
        bail!("`{name}` is not a valid skill name");
    }
    if let Some(r) = &req {
        semver::VersionReq::parse(r)
            .with_context(|| format!("`{r}` is not a semver requirement"))?;
    }
    Ok((name.to_string(), req))
}

fn summary(out: &mut impl Write, c: &Checked) -> Result<()> {
    let l = &c.locked;
    writeln!(out, "{} {}", l.name, l.version)?;
    writeln!(out, "  signer:       {}", l.signer)?;
    writeln!(
        out,
        "  capabilities: {}",
        if l.capabilities.is_empty() {
            "none".to_string()
        } else {
            l.capabilities
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        }
    )?;
    writeln!(out, "  verdict:      {} (local scan)", l.verdict)?;
    for f in &c.report.findings {
        writeln!(out, "  {}", finding_line(f))?;
    }
    Ok(())
}

fn finding_line(f: &Finding) -> String {
    format!(
        "{} {} {}:{}: {}",
        f.severity, f.rule, f.file, f.line, f.message
    )
}

/// A block verdict is never installed.
fn refuse_blocked(c: &Checked) -> Result<()> {
    if c.report.verdict == Verdict::Block {
        let reasons: Vec<&str> = c
            .report
            .reasons
            .iter()
            .map(|r| r.message.as_str())
            .collect();
        return refuse(format!(
            "{} {} is blocked by the local scan: {}",
            c.locked.name,
            c.locked.version,
            reasons.join("; ")
        ));
    }
    Ok(())
}

/// `--yes`, or an answer at a terminal.
fn confirm(question: &str, yes: bool, err: &mut impl Write) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        bail!("{question} needs confirmation: pass --yes to proceed without a terminal");
    }
    write!(err, "{question} [y/N] ")?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// A folder in the install directory that skillseal did not put there is
/// never replaced: it may be someone's own skill.
fn refuse_unmanaged(project: &Project, skills: &[&Checked]) -> Result<()> {
    for c in skills {
        let name = &c.locked.name;
        let target = project.install_dir().join(name);
        if !project.lock.skills.contains_key(name) && std::fs::symlink_metadata(&target).is_ok() {
            bail!(
                "{}/{name} exists and skillseal.lock does not know it: move it away, then try again",
                project.manifest.install_dir
            );
        }
    }
    Ok(())
}

/// Staging folders an interrupted install left behind (a day old: a
/// concurrent install's own is never that old).
fn sweep_stale_staging(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 24 * 3600);
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if stale
            && is_dir
            && e.file_name()
                .to_string_lossy()
                .starts_with(".skillseal-staging-")
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Writes every checked skill into a staging folder inside the install
/// directory, then renames each into place, and moves out the folders of
/// skills the lock no longer names (`remove`). Until the renames, nothing
/// installed changes; a failure removes the staging folder.
fn install_staged(dir: &Path, skills: &[&Checked], remove: &[String]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    sweep_stale_staging(dir);
    let staging = tempfile::Builder::new()
        .prefix(".skillseal-staging-")
        .tempdir_in(dir)
        .with_context(|| format!("cannot stage in {}", dir.display()))?;
    for c in skills {
        let base = staging.path().join(&c.locked.name);
        for (entry, data) in c.manifest.files.iter().zip(&c.contents) {
            // Paths were checked by `unpack`: relative, no `..`, no links.
            let path = base.join(&entry.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            let mut f = std::fs::File::create(&path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            f.write_all(data)?;
            let mode = if entry.executable { 0o755 } else { 0o644 };
            f.set_permissions(std::fs::Permissions::from_mode(mode))?;
            f.sync_all()?;
        }
        std::fs::create_dir_all(&base)?;
    }
    let old = staging.path().join(".replaced");
    let failed = staging.path().join(".failed");
    std::fs::create_dir_all(&old)?;
    std::fs::create_dir_all(&failed)?;
    let mut swapped: Vec<&str> = Vec::new();
    let mut result = Ok(());
    for c in skills {
        let name = c.locked.name.as_str();
        let target = dir.join(name);
        if std::fs::symlink_metadata(&target).is_ok()
            && let Err(e) = std::fs::rename(&target, old.join(name))
        {
            result = Err(e).with_context(|| format!("cannot move {} aside", target.display()));
            break;
        }
        if let Err(e) = std::fs::rename(staging.path().join(name), &target) {
            let _ = std::fs::rename(old.join(name), &target);
            result = Err(e).with_context(|| format!("cannot install {}", target.display()));
            break;
        }
        swapped.push(name);
    }
    if result.is_ok() {
        for name in remove {
            let target = dir.join(name);
            if std::fs::symlink_metadata(&target).is_ok() {
                std::fs::rename(&target, old.join(name))
                    .with_context(|| format!("cannot remove {}", target.display()))?;
            }
        }
    }
    if result.is_err() {
        // Put back every skill already swapped: all or nothing.
        for name in swapped {
            let target = dir.join(name);
            let _ = std::fs::rename(&target, failed.join(name));
            if std::fs::symlink_metadata(old.join(name)).is_ok() {
                let _ = std::fs::rename(old.join(name), &target);
            }
        }
        return result;
    }
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

pub fn add(args: AddArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    let (name, requirement) = parse_spec(&args.spec)?;
    let project = Project::load()?;
    let checker = Checker::new(&project, args.registry.as_deref(), false, err)?;
    let client = checker.client()?;
    let pin = client.resolve(&name, requirement.as_deref().unwrap_or("*"))?;
    let checked = checker.check_pin(&name, &pin)?;
    summary(out, &checked)?;
    refuse_blocked(&checked)?;
    if !confirm(&format!("Install {name} {}?", pin.version), args.yes, err)? {
        writeln!(err, "nothing changed")?;
        return Ok(ExitCode::Usage);
    }
    refuse_unmanaged(&project, &[&checked])?;
    install_staged(&project.install_dir(), &[&checked], &[])?;
    let requirement = requirement.unwrap_or_else(|| format!("^{}", pin.version));
    let mut lock = project.lock.clone();
    lock.skills.insert(name.clone(), checked.locked.clone());
    project.save_requirement(&name, &requirement)?;
    project.save_lock(&lock)?;
    writeln!(
        out,
        "added {name} {} ({requirement}) into {}/{name}",
        pin.version, project.manifest.install_dir
    )?;
    Ok(ExitCode::Clean)
}

pub fn install(args: InstallArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    let project = Project::load()?;
    let mismatches = project.manifest.compare(&project.lock);
    if args.locked && (!mismatches.is_empty() || !project.has_lock) {
        let lines: Vec<String> = mismatches.iter().map(|m| format!("  {m}")).collect();
        return refuse(format!(
            "skillseal.lock does not match skillseal.toml (--locked):\n{}",
            if project.has_lock {
                lines.join("\n")
            } else {
                "  there is no skillseal.lock".to_string()
            }
        ));
    }
    let checker = Checker::new(&project, args.registry.as_deref(), args.offline, err)?;
    let mut lock = project.lock.clone();
    // Without --locked, bring the lock in line with the manifest first.
    for m in &mismatches {
        match m {
            Mismatch::NotWanted { name, .. } => {
                lock.skills.remove(name);
            }
            Mismatch::NotLocked { name, requirement }
            | Mismatch::Unsatisfied {
                name, requirement, ..
            } => {
                let pin = checker.client()?.resolve(name, requirement)?;
                lock.skills.insert(name.clone(), pending(name, &pin));
            }
            Mismatch::OtherRegistry { name, .. } => {
                let pin = checker
                    .client()?
                    .resolve(name, &project.manifest.skills[name].to_string())?;
                lock.skills.insert(name.clone(), pending(name, &pin));
            }
        }
    }
    let mut checked = Vec::new();
    for entry in lock.skills.values() {
        let is_new = !project
            .lock
            .skills
            .get(&entry.name)
            .is_some_and(|l| l == entry);
        let c = checker.check(
            &entry.name,
            &entry.version,
            &entry.digest,
            &entry.bundle_digest,
            (!is_new).then_some(&entry.signer),
            if is_new {
                "the registry"
            } else {
                "skillseal.lock"
            },
        )?;
        refuse_blocked(&c)?;
        if !is_new {
            let grown: Vec<&String> = c
                .locked
                .capabilities
                .difference(&entry.capabilities)
                .collect();
            if !grown.is_empty() {
                return refuse(format!(
                    "{} {}: capabilities grew beyond skillseal.lock: {}",
                    entry.name,
                    entry.version,
                    grown
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        } else {
            summary(out, &c)?;
        }
        if let Some(client) = &checker.client
            && client
                .versions(&entry.name)
                .is_ok_and(|v| v.iter().any(|p| p.version == entry.version && p.yanked))
        {
            writeln!(
                err,
                "warning: {} {} is yanked in the registry; it stays installed as locked (run `skillseal update {}`)",
                entry.name, entry.version, entry.name
            )?;
        }
        checked.push(c);
    }
    let refs: Vec<&Checked> = checked.iter().collect();
    // Skills the lock named before and no longer does are uninstalled.
    let dropped: Vec<String> = project
        .lock
        .skills
        .keys()
        .filter(|name| !lock.skills.contains_key(*name))
        .cloned()
        .collect();
    refuse_unmanaged(&project, &refs)?;
    install_staged(&project.install_dir(), &refs, &dropped)?;
    let new_lock = Lockfile {
        skills: checked
            .into_iter()
            .map(|c| {
                let mut l = c.locked;
                // A locked entry stays as locked (its registry, verdict and
                // rules digest are the record of what was reviewed).
                if let Some(old) = project.lock.skills.get(&l.name)
                    && old.digest == l.digest
                {
                    l = old.clone();
                }
                (l.name.clone(), l)
            })
            .collect(),
    };
    if new_lock != project.lock || !project.has_lock {
        project.save_lock(&new_lock)?;
    }
    writeln!(
        out,
        "installed {} skill{} into {}/",
        new_lock.skills.len(),
        if new_lock.skills.len() == 1 { "" } else { "s" },
        project.manifest.install_dir
    )?;
    Ok(ExitCode::Clean)
}

/// A lock entry from a registry pin, before this machine's checks fill it.
fn pending(name: &str, pin: &Pin) -> LockedSkill {
    LockedSkill {
        name: name.to_string(),
        version: pin.version.clone(),
        registry: String::new(),
        digest: pin.digest.clone(),
        bundle_digest: pin.bundle_digest.clone(),
        capabilities: BTreeSet::new(),
        verdict: String::new(),
        rules_digest: String::new(),
        signer: pin.signer.clone(),
    }
}

/// The files under `dir`, as package entries; a symbolic link or special
/// file is listed with a marker so it never matches.
fn files_on_disk(dir: &Path) -> Result<Vec<skillseal_package::FileEntry>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let ty = entry.file_type();
        if ty.is_dir() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("walkdir stays inside its root")
            .to_string_lossy()
            .into_owned();
        if ty.is_file() {
            let bytes = std::fs::read(entry.path())
                .with_context(|| format!("cannot read {}", entry.path().display()))?;
            let mode = entry
                .metadata()
                .map(|m| m.permissions().mode())
                .unwrap_or(0);
            out.push(skillseal_package::FileEntry {
                path: rel,
                size: bytes.len() as u64,
                sha256: hex::encode(sha2::Sha256::digest(&bytes)),
                executable: mode & 0o111 != 0,
            });
        } else {
            out.push(skillseal_package::FileEntry {
                path: rel,
                size: 0,
                sha256: "not a regular file".into(),
                executable: false,
            });
        }
    }
    Ok(out)
}

pub fn verify(args: VerifyArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    let project = Project::load()?;
    if !project.has_lock {
        bail!(
            "no skillseal.lock beside {}: nothing to verify",
            project.manifest_path.display()
        );
    }
    let checker = Checker::new(&project, None, args.offline, err)?;
    let dir = project.install_dir();
    let shown = &project.manifest.install_dir;
    let mut problems = 0;
    for l in project.lock.skills.values() {
        let installed = dir.join(&l.name);
        let folder_problem =
            if std::fs::symlink_metadata(&installed).is_ok_and(|m| m.file_type().is_symlink()) {
                Some("is a symbolic link, not the installed folder")
            } else if !installed.is_dir() {
                Some("is missing: not installed")
            } else {
                None
            };
        if let Some(problem) = folder_problem {
            writeln!(
                out,
                "{} {}: {shown}/{} {problem}",
                l.name, l.version, l.name
            )?;
            problems += 1;
            continue;
        }
        let bytes = checker.blob(&l.name, &l.version, "package", &l.digest, "skillseal.lock")?;
        let manifest = skillseal_package::inspect(&bytes, &Default::default()).map_err(|e| {
            Refusal(format!(
                "{} {}: not a valid package: {e}",
                l.name, l.version
            ))
        })?;
        let diff = skillseal_lock::diff_files(&manifest.files, &files_on_disk(&installed)?);
        if diff.is_empty() {
            continue;
        }
        problems += 1;
        writeln!(
            out,
            "{} {}: {shown}/{} differs from the locked package",
            l.name, l.version, l.name
        )?;
        for p in &diff.added {
            writeln!(out, "  added     {p}")?;
        }
        for p in &diff.removed {
            writeln!(out, "  removed   {p}")?;
        }
        for p in &diff.modified {
            writeln!(out, "  modified  {p}")?;
        }
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut extra: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && !project.lock.skills.contains_key(n))
            .collect();
        extra.sort();
        for n in extra {
            writeln!(out, "{n}: in {shown}/ but not in skillseal.lock")?;
            problems += 1;
        }
    }
    if problems > 0 {
        writeln!(
            out,
            "verification failed: {problems} problem{}",
            if problems == 1 { "" } else { "s" }
        )?;
        return Ok(ExitCode::Findings);
    }
    writeln!(
        out,
        "verified {} skill{}: every file in {shown}/ matches skillseal.lock",
        project.lock.skills.len(),
        if project.lock.skills.len() == 1 {
            ""
        } else {
            "s"
        }
    )?;
    Ok(ExitCode::Clean)
}

pub fn update(args: UpdateArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    let project = Project::load()?;
    let names: Vec<String> = match &args.name {
        Some(n) if !project.manifest.skills.contains_key(n) => {
            bail!("`{n}` is not in skillseal.toml's [skills]")
        }
        Some(n) => vec![n.clone()],
        None => project.manifest.skills.keys().cloned().collect(),
    };
    let checker = Checker::new(&project, args.registry.as_deref(), false, err)?;
    let client = checker.client()?;
    let mut updates = Vec::new();
    for name in &names {
        let requirement = project.manifest.skills[name].to_string();
        let pin = client.resolve(name, &requirement)?;
        let old = project.lock.skills.get(name);
        if old.is_some_and(|o| o.version == pin.version && o.digest == pin.digest) {
            writeln!(out, "{name} {}: up to date", pin.version)?;
            continue;
        }
        let new = checker.check_pin(name, &pin)?;
        match old {
            None => writeln!(out, "{name}: new at {}", pin.version)?,
            Some(o) => {
                writeln!(out, "{name} {} -> {}", o.version, pin.version)?;
                for c in new.locked.capabilities.difference(&o.capabilities) {
                    writeln!(out, "  + capability {c}")?;
                }
                for c in o.capabilities.difference(&new.locked.capabilities) {
                    writeln!(out, "  - capability {c}")?;
                }
                // New findings: those the locked version's scan does not have.
                let before = checker
                    .check(
                        name,
                        &o.version,
                        &o.digest,
                        &o.bundle_digest,
                        Some(&o.signer),
                        "skillseal.lock",
                    )
                    .map(|c| c.report.findings)
                    .unwrap_or_default();
                let seen: BTreeSet<(&str, &str)> = before
                    .iter()
                    .map(|f| (f.rule.as_str(), f.file.as_str()))
                    .collect();
                for f in &new.report.findings {
                    if !seen.contains(&(f.rule.as_str(), f.file.as_str())) {
                        writeln!(out, "  + finding {}", finding_line(f))?;
                    }
                }
                writeln!(out, "  verdict {} -> {}", o.verdict, new.locked.verdict)?;
                if new.locked.signer != o.signer {
                    writeln!(out, "  signer {} -> {}", o.signer, new.locked.signer)?;
                    if !args.allow_signer_change {
                        return refuse(format!(
                            "{name} {}: the signer changed from {} to {}; nothing was updated \
                             (pass --allow-signer-change if this was expected)",
                            pin.version, o.signer, new.locked.signer
                        ));
                    }
                }
            }
        }
        refuse_blocked(&new)?;
        updates.push(new);
    }
    if updates.is_empty() {
        return Ok(ExitCode::Clean);
    }
    if !confirm("Apply these updates?", args.yes, err)? {
        writeln!(err, "nothing changed")?;
        return Ok(ExitCode::Usage);
    }
    let refs: Vec<&Checked> = updates.iter().collect();
    refuse_unmanaged(&project, &refs)?;
    install_staged(&project.install_dir(), &refs, &[])?;
    let mut lock = project.lock.clone();
    for u in updates {
        writeln!(out, "updated {} to {}", u.locked.name, u.locked.version)?;
        lock.skills.insert(u.locked.name.clone(), u.locked);
    }
    project.save_lock(&lock)?;
    Ok(ExitCode::Clean)
}

/// `scan NAME@VERSION`: a registry package downloaded (digest checked
/// against the registry's listing) into a temporary folder, to be scanned
/// like a file. Returns `None` when `arg` names something on disk or is
/// not of that form.
pub fn fetch_for_scan(
    arg: &Path,
    registry: Option<&str>,
    err: &mut dyn Write,
) -> Result<Option<(tempfile::TempDir, PathBuf)>> {
    if arg.exists() {
        return Ok(None);
    }
    let Some((name, version)) = arg.to_str().and_then(|s| s.split_once('@')) else {
        return Ok(None);
    };
    if !skillseal_package::valid_name(name) || semver::Version::parse(version).is_err() {
        return Ok(None);
    }
    let registry = crate::client::registry(registry)?;
    let client = crate::client::connect(&registry, false, err)?;
    let url = &registry.url;
    let pin = client
        .versions(name)?
        .into_iter()
        .find(|p| p.version == version)
        .with_context(|| format!("{url} has no {name} {version}"))?;
    let bytes = client.download(name, version, "package")?;
    let actual = digest_of(&bytes);
    if actual != pin.digest {
        return refuse(format!(
            "{name} {version}: the registry served a package with digest {actual}, but lists {}",
            pin.digest
        ));
    }
    let dir = tempfile::tempdir().context("cannot create a temporary folder")?;
    let file = dir.path().join(format!("{name}-{version}.skill.tgz"));
    std::fs::write(&file, &bytes).with_context(|| format!("cannot write {}", file.display()))?;
    Ok(Some((dir, file)))
}
