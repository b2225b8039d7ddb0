//! The checks and the operations, without the binary and without a
//! network: real packages (`skillseal-package`), real signatures
//! (`skillseal-sign`, verified against the production trust root as the
//! CLI does), a real cache and install directory in a temporary folder.
//! Only the registry is stood in for, by an in-memory [`Remote`] serving
//! what a registry would.

use std::collections::BTreeMap;
use std::path::PathBuf;

use skillseal_install::ops::update::Plan;
use skillseal_install::ops::{self, verify::Problem};
use skillseal_install::{
    Cache, Checked, Checker, Error, Event, Pin, Project, Refusal, Remote, Reporter,
};
use skillseal_lock::{LockedSkill, Lockfile, Signer};
use skillseal_rules::RuleSet;
use skillseal_sign::{KeyAlgorithm, Password, SigningKey};

/// A benign script, and one that runs a program (`process-exec`).
const QUIET: &str = "print('hello')\n";
const RUNS: &str = "import subprocess\nsubprocess.run(['ls'], check=False)\n";

/// A published version: the package, its bundle, and the registry's pin.
struct Published {
    package: Vec<u8>,
    bundle: Vec<u8>,
    pin: Pin,
}

fn digest(bytes: &[u8]) -> String {
    skillseal_install::cache::digest_of(bytes).to_string()
}

/// A key pair; `Signer` is how the lock names it.
struct Key {
    signing: SigningKey,
    signer: Signer,
}

fn key() -> Key {
    let password = Password::new("test");
    let generated = skillseal_sign::keys::generate(KeyAlgorithm::EcdsaP256, &password).unwrap();
    let signing =
        SigningKey::from_encrypted_pem(generated.private_pem.as_bytes(), &password).unwrap();
    let signer = Signer::Key {
        fingerprint: signing.public_key().fingerprint(),
    };
    Key { signing, signer }
}

/// `name` `version` with `script`, packed and signed by `key`.
fn publish(name: &str, version: &str, script: &str, key: &Key) -> Published {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("SKILL.md"),
        format!(
            "---\nname: {name}\ndescription: A test skill.\nversion: {version}\n---\n\n# Test\n"
        ),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("scripts")).unwrap();
    std::fs::write(dir.path().join("scripts/run.py"), script).unwrap();
    let package = skillseal_package::pack(dir.path(), &Default::default())
        .unwrap()
        .bytes;
    let bundle = skillseal_sign::sign(&package, &key.signing)
        .unwrap()
        .to_json()
        .into_bytes();
    let pin = Pin {
        version: version.into(),
        digest: digest(&package),
        bundle_digest: digest(&bundle),
        signer: key.signer.clone(),
        yanked: false,
        verdict: None,
        log_index: None,
        attestation_digest: None,
    };
    Published {
        package,
        bundle,
        pin,
    }
}

/// A registry in memory: versions by name (newest first) and files by
/// name, version and file.
#[derive(Default, Clone)]
struct Registry {
    versions: BTreeMap<String, Vec<Pin>>,
    files: BTreeMap<(String, String, String), Vec<u8>>,
}

impl Registry {
    fn with(mut self, name: &str, p: &Published) -> Registry {
        let v = &p.pin.version;
        self.versions
            .entry(name.into())
            .or_default()
            .insert(0, p.pin.clone());
        self.files.insert(
            (name.into(), v.clone(), "package".into()),
            p.package.clone(),
        );
        self.files
            .insert((name.into(), v.clone(), "bundle".into()), p.bundle.clone());
        self
    }
}

impl Remote for Registry {
    fn url(&self) -> &str {
        "https://registry.test"
    }

    fn resolve(&self, name: &str, requirement: &str) -> skillseal_install::Result<Pin> {
        let req = semver::VersionReq::parse(requirement).unwrap();
        self.versions(name)?
            .into_iter()
            .find(|p| !p.yanked && req.matches(&semver::Version::parse(&p.version).unwrap()))
            .ok_or_else(|| Error::Invalid(format!("no {name} {requirement}")))
    }

    fn versions(&self, name: &str) -> skillseal_install::Result<Vec<Pin>> {
        Ok(self.versions.get(name).cloned().unwrap_or_default())
    }

    fn download(
        &self,
        name: &str,
        version: &str,
        file: &str,
    ) -> skillseal_install::Result<Vec<u8>> {
        self.files
            .get(&(name.into(), version.into(), file.into()))
            .cloned()
            .ok_or_else(|| Error::Invalid(format!("no {file} of {name} {version}")))
    }
}

/// A project folder: skillseal.toml trusting `keys` (for every skill),
/// requiring `skills`, denying `process-exec` when `deny_exec`; a lock
/// with `locked` when given.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new(keys: &[&Key], skills: &[(&str, &str)], deny_exec: bool) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let mut toml = String::from("[registry]\nurl = \"https://registry.test\"\n\n");
        for (i, k) in keys.iter().enumerate() {
            let file = format!("key{i}.pub");
            std::fs::write(dir.path().join(&file), k.signing.public_key().to_pem()).unwrap();
            toml.push_str(&format!("[[trust]]\nkey = \"{file}\"\n\n"));
        }
        toml.push_str("[skills]\n");
        for (name, req) in skills {
            toml.push_str(&format!("{name} = \"{req}\"\n"));
        }
        if deny_exec {
            toml.push_str("\n[policy]\ndeny-capabilities = [\"process-exec\"]\n");
        }
        std::fs::write(dir.path().join("skillseal.toml"), toml).unwrap();
        Setup { dir }
    }

    fn lock(&self, entries: Vec<LockedSkill>) {
        let lock = Lockfile {
            log: None,
            skills: entries.into_iter().map(|l| (l.name.clone(), l)).collect(),
        };
        std::fs::write(self.dir.path().join("skillseal.lock"), lock.to_toml()).unwrap();
    }

    fn project(&self) -> Project {
        Project::load(&self.dir.path().join("skillseal.toml")).unwrap()
    }

    fn cache(&self) -> Cache {
        Cache::at(self.dir.path().join("cache"))
    }

    /// The checker of `project` (this setup's), asking `registry`
    /// (`None`: offline), with this setup's cache.
    fn checker<'p>(&self, project: &'p Project, registry: Option<Registry>) -> Checker<'p> {
        let remote = registry.map(|r| Box::new(r) as Box<dyn Remote>);
        Checker::with_remote(project, &rules(), remote, self.cache()).unwrap()
    }

    fn installed(&self, name: &str) -> PathBuf {
        self.dir.path().join("skills").join(name)
    }
}

fn rules() -> RuleSet {
    RuleSet::builtin().unwrap()
}

fn refusal(result: skillseal_install::Result<impl std::fmt::Debug>) -> Refusal {
    match result.unwrap_err() {
        Error::Refused(r) => *r,
        other => panic!("not a refusal: {other:?}"),
    }
}

/// Collects what an operation reports, as text.
#[derive(Default)]
struct Seen(Vec<String>);

impl Reporter for Seen {
    fn report(&mut self, event: Event<'_>) -> std::io::Result<()> {
        self.0.push(match event {
            Event::Checked(c) => format!("checked {}", c.locked.name),
            Event::Yanked { name, version } => format!("yanked {name} {version}"),
            Event::UpToDate { name, .. } => format!("up to date {name}"),
            Event::Planned(Plan { name, old, new, .. }) => format!(
                "planned {name} {} -> {} signed by {}",
                old.map_or("-", |o| o.version.as_str()),
                new.locked.version,
                if old.is_some_and(|o| o.signer != new.locked.signer) {
                    "another"
                } else {
                    "the same"
                }
            ),
            Event::Updated { name, version } => format!("updated {name} {version}"),
            Event::Problem(p) => format!("problem {p:?}"),
            Event::Note(n) => n.to_string(),
        });
        Ok(())
    }
}

fn check_pin(
    checker: &Checker<'_>,
    name: &str,
    p: &Published,
) -> skillseal_install::Result<Checked> {
    checker.check_pin(name, &p.pin)
}

#[test]
fn a_signed_package_passes_every_check_and_is_cached_for_offline_use() {
    let team = key();
    let v1 = publish("hello", "1.0.0", RUNS, &team);
    let setup = Setup::new(&[&team], &[("hello", "^1")], false);
    let project = setup.project();
    let checker = setup.checker(&project, Some(Registry::default().with("hello", &v1)));
    let checked = check_pin(&checker, "hello", &v1).unwrap();
    let l = &checked.locked;
    assert_eq!((l.name.as_str(), l.version.as_str()), ("hello", "1.0.0"));
    assert_eq!(l.signer, team.signer);
    assert_eq!(l.registry, "https://registry.test");
    assert_eq!(l.digest, v1.pin.digest);
    assert!(l.capabilities.contains("process-exec"), "{l:?}");
    assert_ne!(l.verdict, "block");
    assert_eq!(checked.manifest.files.len(), checked.contents.len());

    // Offline, the same check runs from the cache alone; what is not
    // cached is an error that says so.
    let offline = setup.checker(&project, None);
    let again = check_pin(&offline, "hello", &v1).unwrap().locked;
    // Offline, the registry recorded is the lock's (none here).
    assert_eq!(again.registry, "");
    assert_eq!(
        LockedSkill {
            registry: l.registry.clone(),
            ..again
        },
        *l
    );
    let other = publish("hello", "1.0.1", QUIET, &team);
    let e = check_pin(&offline, "hello", &other).unwrap_err();
    assert!(!e.is_refusal());
    assert!(
        e.to_string()
            .contains("is not in the local cache, and --offline was given"),
        "{e}"
    );
}

#[test]
fn bytes_that_are_not_the_pinned_ones_are_refused_and_never_cached() {
    let team = key();
    let v1 = publish("hello", "1.0.0", QUIET, &team);
    let evil = publish("hello", "1.0.0", RUNS, &team);
    let setup = Setup::new(&[&team], &[("hello", "^1")], false);
    let project = setup.project();
    // The registry serves other bytes than the ones it pinned.
    let mut registry = Registry::default().with("hello", &v1);
    registry.files.insert(
        ("hello".into(), "1.0.0".into(), "package".into()),
        evil.package.clone(),
    );
    let checker = setup.checker(&project, Some(registry));
    match refusal(check_pin(&checker, "hello", &v1)) {
        r @ Refusal::DigestMismatch { .. } => {
            let text = r.to_string();
            assert!(text.contains(&digest(&evil.package)), "{text}");
            assert!(text.contains("but the registry pins"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    assert!(setup.cache().get(&digest(&evil.package)).is_none());

    // A locked entry names the lock as the one pinning.
    let e = checker
        .check(
            "hello",
            "1.0.0",
            &v1.pin.digest,
            &v1.pin.bundle_digest,
            None,
            "skillseal.lock",
        )
        .unwrap_err();
    assert!(e.to_string().contains("but skillseal.lock pins"), "{e}");
}

#[test]
fn a_package_that_names_another_skill_or_version_is_refused() {
    let team = key();
    let other = publish("other", "1.0.0", QUIET, &team);
    let setup = Setup::new(&[&team], &[("hello", "^1")], false);
    let project = setup.project();
    let checker = setup.checker(&project, Some(Registry::default().with("hello", &other)));
    match refusal(check_pin(&checker, "hello", &other)) {
        Refusal::OtherPackage { found_name, .. } => assert_eq!(found_name, "other"),
        r => panic!("{r:?}"),
    }
}

#[test]
fn only_a_signer_skillseal_toml_trusts_is_accepted() {
    let (team, stranger) = (key(), key());
    let v1 = publish("hello", "1.0.0", QUIET, &stranger);
    let setup = Setup::new(&[&team], &[("hello", "^1")], false);
    let project = setup.project();
    let checker = setup.checker(&project, Some(Registry::default().with("hello", &v1)));
    match refusal(check_pin(&checker, "hello", &v1)) {
        Refusal::Untrusted { failures, .. } => assert_eq!(failures.len(), 1, "{failures:?}"),
        r => panic!("{r:?}"),
    }

    // Nobody trusted at all: the refusal says how to trust someone.
    let nobody = Setup::new(&[], &[("hello", "^1")], false);
    let project = nobody.project();
    let checker = nobody.checker(&project, Some(Registry::default().with("hello", &v1)));
    let r = refusal(check_pin(&checker, "hello", &v1));
    assert!(matches!(r, Refusal::NoTrustedSigner { .. }), "{r:?}");
    assert!(r.to_string().contains("add a [[trust]] entry"), "{r}");
}

#[test]
fn a_trusted_signer_other_than_the_locked_one_is_refused() {
    let (team, other) = (key(), key());
    let v1 = publish("hello", "1.0.0", QUIET, &other);
    let setup = Setup::new(&[&team, &other], &[("hello", "^1")], false);
    let project = setup.project();
    let checker = setup.checker(&project, Some(Registry::default().with("hello", &v1)));
    let p = &v1.pin;
    let e = checker.check(
        "hello",
        "1.0.0",
        &p.digest,
        &p.bundle_digest,
        Some(&team.signer),
        "skillseal.lock",
    );
    match refusal(e) {
        Refusal::SignerMismatch { signer, locked, .. } => {
            assert_eq!(
                (signer, locked),
                (other.signer.clone(), team.signer.clone())
            );
        }
        r => panic!("{r:?}"),
    }
}

#[test]
fn a_blocked_package_is_refused_by_the_project_policy() {
    let team = key();
    let v1 = publish("hello", "1.0.0", RUNS, &team);
    let setup = Setup::new(&[&team], &[("hello", "^1")], true);
    let project = setup.project();
    let checker = setup.checker(&project, Some(Registry::default().with("hello", &v1)));
    let checked = check_pin(&checker, "hello", &v1).unwrap();
    assert_eq!(checked.locked.verdict, "block");
    let e = checked.refuse_blocked().unwrap_err();
    assert!(e.is_refusal());
    assert!(
        e.to_string()
            .starts_with("hello 1.0.0 is blocked by the local scan: "),
        "{e}"
    );

    // `install` stops there: nothing is installed, no lock written.
    let e = ops::install::run(&checker, &mut Seen::default()).unwrap_err();
    assert!(e.is_refusal(), "{e}");
    assert!(!setup.installed("hello").exists());
    assert!(!setup.dir.path().join("skillseal.lock").exists());
}

#[test]
fn install_writes_the_lock_and_verify_finds_changed_files() {
    let team = key();
    let v1 = publish("hello", "1.0.0", QUIET, &team);
    let setup = Setup::new(&[&team], &[("hello", "^1")], false);
    let project = setup.project();
    let checker = setup.checker(&project, Some(Registry::default().with("hello", &v1)));
    let mut seen = Seen::default();
    assert_eq!(ops::install::run(&checker, &mut seen).unwrap(), 1);
    assert_eq!(seen.0, ["checked hello"]);
    let script = setup.installed("hello").join("scripts/run.py");
    assert_eq!(std::fs::read_to_string(&script).unwrap(), QUIET);
    let lock = std::fs::read_to_string(setup.dir.path().join("skillseal.lock")).unwrap();
    assert!(lock.contains(&v1.pin.digest), "{lock}");

    // `verify`, offline, from the cache the install filled.
    let project = setup.project();
    ops::install::require_locked(&project).unwrap();
    let offline = setup.checker(&project, None);
    assert_eq!(ops::verify::run(&offline, &mut Seen::default()).unwrap(), 0);
    std::fs::write(&script, RUNS).unwrap();
    std::fs::create_dir(setup.dir.path().join("skills/mine")).unwrap();
    let mut seen = Seen::default();
    assert_eq!(ops::verify::run(&offline, &mut seen).unwrap(), 2);
    let modified = format!(
        "problem {:?}",
        Problem::Differs {
            name: "hello".into(),
            version: "1.0.0".into(),
            diff: skillseal_lock::FileDiff {
                modified: vec!["scripts/run.py".into()],
                ..Default::default()
            },
        }
    );
    assert_eq!(seen.0[0], modified);
    assert_eq!(
        seen.0[1],
        format!(
            "problem {:?}",
            Problem::NotLocked {
                name: "mine".into()
            }
        )
    );
}

/// The lock entry of `p`, as an earlier install would have written it,
/// with `capabilities`.
fn locked(name: &str, p: &Published, capabilities: &[&str]) -> LockedSkill {
    LockedSkill {
        name: name.into(),
        version: p.pin.version.clone(),
        registry: "https://registry.test".into(),
        digest: p.pin.digest.clone(),
        bundle_digest: p.pin.bundle_digest.clone(),
        capabilities: capabilities.iter().map(|c| c.to_string()).collect(),
        verdict: "pass".into(),
        rules_digest: "sha256:0".into(),
        log_index: None,
        signer: p.pin.signer.clone(),
    }
}

#[test]
fn capabilities_beyond_the_lock_are_refused_on_install() {
    let team = key();
    let v1 = publish("hello", "1.0.0", RUNS, &team);
    let setup = Setup::new(&[&team], &[("hello", "^1")], false);
    // The lock was written when the scan found nothing to run programs.
    setup.lock(vec![locked("hello", &v1, &[])]);
    let project = setup.project();
    let checker = setup.checker(&project, Some(Registry::default().with("hello", &v1)));
    match refusal(ops::install::run(&checker, &mut Seen::default())) {
        Refusal::CapabilitiesGrew { grown, .. } => {
            assert!(grown.contains(&"process-exec".to_string()), "{grown:?}");
        }
        r => panic!("{r:?}"),
    }
    assert!(!setup.installed("hello").exists());
}

#[test]
fn a_yanked_locked_version_stays_installed_with_a_warning() {
    let team = key();
    let mut v1 = publish("hello", "1.0.0", QUIET, &team);
    let setup = Setup::new(&[&team], &[("hello", "^1")], false);
    let project = setup.project();
    let checker = setup.checker(&project, Some(Registry::default().with("hello", &v1)));
    ops::install::run(&checker, &mut Seen::default()).unwrap();
    let lock_before = std::fs::read(setup.dir.path().join("skillseal.lock")).unwrap();

    v1.pin.yanked = true;
    let project = setup.project();
    let checker = setup.checker(&project, Some(Registry::default().with("hello", &v1)));
    let mut seen = Seen::default();
    assert_eq!(ops::install::run(&checker, &mut seen).unwrap(), 1);
    assert_eq!(seen.0, ["yanked hello 1.0.0"]);
    assert!(setup.installed("hello").is_dir());
    assert_eq!(
        std::fs::read(setup.dir.path().join("skillseal.lock")).unwrap(),
        lock_before
    );
}

#[test]
fn update_refuses_a_new_signer_unless_allowed() {
    let (team, other) = (key(), key());
    let v1 = publish("hello", "1.0.0", QUIET, &team);
    let v2 = publish("hello", "1.1.0", QUIET, &other);
    let setup = Setup::new(&[&team, &other], &[("hello", "^1")], false);
    let project = setup.project();
    let checker = setup.checker(&project, Some(Registry::default().with("hello", &v1)));
    ops::install::run(&checker, &mut Seen::default()).unwrap();

    let project = setup.project();
    let checker = setup.checker(
        &project,
        Some(Registry::default().with("hello", &v1).with("hello", &v2)),
    );
    let names = ops::update::select(&project, None).unwrap();
    let mut seen = Seen::default();
    let r = refusal(ops::update::plan(&checker, &names, false, &mut seen));
    assert!(matches!(r, Refusal::SignerChanged { .. }), "{r:?}");
    assert!(r.to_string().contains("--allow-signer-change"), "{r}");
    assert_eq!(seen.0, ["planned hello 1.0.0 -> 1.1.0 signed by another"]);

    let updates = ops::update::plan(&checker, &names, true, &mut Seen::default()).unwrap();
    let mut seen = Seen::default();
    ops::update::apply(&checker, updates, &mut seen).unwrap();
    assert_eq!(seen.0, ["updated hello 1.1.0"]);
    let lock = std::fs::read_to_string(setup.dir.path().join("skillseal.lock")).unwrap();
    assert!(
        lock.contains("1.1.0") && lock.contains(&v2.pin.digest),
        "{lock}"
    );
    assert!(matches!(
        ops::update::select(&project, Some("nope")),
        Err(Error::Invalid(_))
    ));
}

#[test]
fn scan_fetches_check_the_listed_digest() {
    let team = key();
    let v1 = publish("hello", "1.0.0", QUIET, &team);
    let other = publish("hello", "1.0.0", RUNS, &team);
    let registry = Registry::default().with("hello", &v1);
    assert_eq!(
        ops::fetch::download(&registry, "hello", "1.0.0").unwrap(),
        v1.package
    );
    let mut lying = registry.clone();
    lying.files.insert(
        ("hello".into(), "1.0.0".into(), "package".into()),
        other.package,
    );
    let r = refusal(ops::fetch::download(&lying, "hello", "1.0.0"));
    assert!(matches!(r, Refusal::ListedDigestMismatch { .. }), "{r:?}");
    let e = ops::fetch::download(&registry, "hello", "9.9.9").unwrap_err();
    assert_eq!(e.to_string(), "https://registry.test has no hello 9.9.9");
    assert_eq!(
        ops::fetch::parse_target("hello@1.0.0"),
        Some(("hello", "1.0.0"))
    );
    assert_eq!(ops::fetch::parse_target("hello@^1"), None);
    assert_eq!(ops::fetch::parse_target("./hello"), None);
}
