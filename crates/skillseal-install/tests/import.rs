//! `import-clawhub`'s machinery (`clawhub`, `ops::import`) without the
//! binary and without a network: a ClawHub project laid out as the
//! `clawhub` CLI leaves it, real packages and signatures (as in
//! `checker.rs`), a real install directory, and an in-memory [`Remote`]
//! in place of the registry. The samples are inert text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::Digest as _;
use skillseal_install::clawhub::{self, ClawhubProject};
use skillseal_install::ops::import::{self, Outcome, Plan};
use skillseal_install::{Cache, Checker, Error, Pin, Project, Remote};
use skillseal_lock::Signer;
use skillseal_rules::RuleSet;
use skillseal_sign::{KeyAlgorithm, Password, SigningKey};

const SCRIPT: &str = "print('forecast for example.invalid')\n";

/// A skill's files: `SKILL.md` and one script.
fn files(name: &str, version: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "SKILL.md",
            format!(
                "---\nname: {name}\ndescription: A test skill.\nversion: {version}\n---\n\n# Test\n"
            ),
        ),
        ("scripts/run.py", SCRIPT.to_string()),
    ]
}

fn write_files(dir: &Path, files: &[(&str, String)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

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

fn digest(bytes: &[u8]) -> String {
    skillseal_install::cache::digest_of(bytes).to_string()
}

/// A registry in memory: versions by name (newest first) and files by
/// name, version and file.
#[derive(Default, Clone)]
struct Registry {
    versions: BTreeMap<String, Vec<Pin>>,
    files: BTreeMap<(String, String, String), Vec<u8>>,
}

impl Registry {
    /// `name` `version` (the files of [`files`]) packed and signed by `key`.
    fn publish(mut self, name: &str, version: &str, key: &Key) -> Registry {
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path(), &files(name, version));
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
        self.versions.entry(name.into()).or_default().insert(0, pin);
        let v = version.to_string();
        self.files
            .insert((name.into(), v.clone(), "package".into()), package);
        self.files.insert((name.into(), v, "bundle".into()), bundle);
        self
    }

    fn yank(mut self, name: &str, version: &str) -> Registry {
        for p in self.versions.get_mut(name).unwrap() {
            if p.version == version {
                p.yanked = true;
            }
        }
        self
    }
}

impl Remote for Registry {
    fn url(&self) -> &str {
        "https://registry.example.invalid"
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

/// A project folder with skillseal.toml trusting `key`, and a ClawHub
/// project in the same folder.
struct Setup {
    dir: tempfile::TempDir,
    lock: serde_json::Map<String, serde_json::Value>,
}

impl Setup {
    fn new(key: &Key) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("team.pub"),
            key.signing.public_key().to_pem(),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("skillseal.toml"),
            "# the team's skills\n[registry]\nurl = \"https://registry.example.invalid\"\n\n\
             [[trust]]\nkey = \"team.pub\"\n",
        )
        .unwrap();
        Setup {
            dir,
            lock: serde_json::Map::new(),
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn folder(&self, slug: &str) -> PathBuf {
        self.root().join("skills").join(slug)
    }

    /// A skill ClawHub installed: its lock entry, its files (those of
    /// [`files`]) and its origin.json with the fingerprint ClawHub computed.
    fn installed(&mut self, slug: &str, version: &str) -> &mut Setup {
        let folder = self.folder(slug);
        write_files(&folder, &files(slug, version));
        let fingerprint = fingerprint_of(&files(slug, version));
        let origin = serde_json::json!({
            "version": 1,
            "registry": "https://clawhub.example.invalid",
            "slug": slug,
            "installedVersion": version,
            "installedAt": 1_760_000_000_000u64,
            "fingerprint": fingerprint,
        });
        std::fs::create_dir_all(folder.join(".clawhub")).unwrap();
        std::fs::write(
            folder.join(".clawhub/origin.json"),
            serde_json::to_vec_pretty(&origin).unwrap(),
        )
        .unwrap();
        self.entry(
            slug,
            serde_json::json!({"version": version, "installedAt": 1_760_000_000_000u64}),
        )
    }

    fn entry(&mut self, key: &str, value: serde_json::Value) -> &mut Setup {
        self.lock.insert(key.into(), value);
        self.write_lock();
        self
    }

    fn write_lock(&self) {
        let lock = serde_json::json!({"version": 1, "skills": self.lock});
        std::fs::create_dir_all(self.root().join(".clawhub")).unwrap();
        std::fs::write(
            self.root().join(".clawhub/lock.json"),
            serde_json::to_vec_pretty(&lock).unwrap(),
        )
        .unwrap();
    }

    fn project(&self) -> Project {
        Project::load(&self.root().join("skillseal.toml")).unwrap()
    }

    fn clawhub(&self) -> ClawhubProject {
        ClawhubProject::read(self.root(), Path::new("skills")).unwrap()
    }

    fn checker<'p>(&self, project: &'p Project, registry: Registry) -> Checker<'p> {
        Checker::with_remote(
            project,
            &RuleSet::builtin().unwrap(),
            Some(Box::new(registry)),
            Cache::at(self.root().join(".cache")),
        )
        .unwrap()
    }

    fn plan(&self, registry: Registry, force: bool) -> skillseal_install::Result<Plan> {
        let project = self.project();
        let checker = self.checker(&project, registry);
        import::plan(&checker, &self.clawhub(), force)
    }

    /// Plans and applies; returns the plan.
    fn import(&self, registry: Registry, force: bool) -> Plan {
        let project = self.project();
        let checker = self.checker(&project, registry);
        let plan = import::plan(&checker, &self.clawhub(), force).unwrap();
        import::apply(&checker, &plan).unwrap();
        plan
    }

    fn toml(&self) -> String {
        std::fs::read_to_string(self.root().join("skillseal.toml")).unwrap()
    }

    fn lock_file(&self) -> Option<String> {
        std::fs::read_to_string(self.root().join("skillseal.lock")).ok()
    }
}

/// ClawHub's fingerprint of `files`, computed here from its definition.
fn fingerprint_of(files: &[(&str, String)]) -> String {
    let mut lines: Vec<String> = files
        .iter()
        .map(|(p, t)| format!("{p}:{}", hex::encode(sha2::Sha256::digest(t.as_bytes()))))
        .collect();
    lines.sort();
    hex::encode(sha2::Sha256::digest(lines.join("\n").as_bytes()))
}

fn outcome<'p>(plan: &'p Plan, key: &str) -> &'p Outcome {
    &plan
        .skills
        .iter()
        .find(|s| s.key == key)
        .unwrap_or_else(|| panic!("{key} in {plan:?}"))
        .outcome
}

fn invalid(result: skillseal_install::Result<impl std::fmt::Debug>) -> String {
    match result.unwrap_err() {
        Error::Invalid(message) => message,
        other => panic!("not an Invalid error: {other:?}"),
    }
}

#[test]
fn a_skill_matching_the_registry_is_pinned_exactly_as_add_would_pin_it() {
    let key = key();
    let mut s = Setup::new(&key);
    s.installed("weather", "1.2.3");
    let registry = Registry::default()
        .publish("weather", "1.2.3", &key)
        .publish("weather", "1.3.0", &key);
    let plan = s.import(registry.clone(), false);
    assert!(plan.complete(), "{plan:?}");
    let Outcome::Ready { checked, forced } = outcome(&plan, "weather") else {
        panic!("{plan:?}");
    };
    assert!(forced.is_none());
    assert_eq!(checked.locked.version, "1.2.3");

    let toml = s.toml();
    assert!(toml.contains("weather = \"=1.2.3\""), "{toml}");
    assert!(toml.starts_with("# the team's skills\n"), "{toml}");
    let lock = s.lock_file().unwrap();
    for needle in [
        "name = \"weather\"",
        "version = \"1.2.3\"",
        "registry = \"https://registry.example.invalid\"",
        "kind = \"key\"",
        "verdict = \"pass\"",
    ] {
        assert!(lock.contains(needle), "{needle} in\n{lock}");
    }
    // The folder now holds exactly the package's files: ClawHub's origin
    // went with the folder it described, so `verify` finds nothing.
    let folder = s.folder("weather");
    assert_eq!(
        std::fs::read_to_string(folder.join("scripts/run.py")).unwrap(),
        SCRIPT
    );
    assert!(!folder.join(".clawhub").exists());
    let project = s.project();
    let checker = s.checker(&project, registry.clone());
    let problems =
        skillseal_install::ops::verify::run(&checker, &mut skillseal_install::reporter::Quiet)
            .unwrap();
    assert_eq!(problems, 0);

    // Again: already pinned, nothing to do, nothing rewritten.
    let again = s.plan(registry, false).unwrap();
    assert!(matches!(outcome(&again, "weather"), Outcome::AlreadyPinned));
    assert!(again.complete());
    assert_eq!(again.ready().count(), 0);
}

#[test]
fn a_skill_whose_files_differ_is_reported_with_them_and_not_pinned() {
    let key = key();
    let mut s = Setup::new(&key);
    s.installed("weather", "1.2.3").installed("notes", "0.1.0");
    let folder = s.folder("weather");
    std::fs::write(
        folder.join("scripts/run.py"),
        "print('edited for example.invalid')\n",
    )
    .unwrap();
    // Hidden files count (ClawHub's fingerprint would not see it);
    // ClawHub's own metadata does not.
    std::fs::write(folder.join(".helper.sh"), "echo hidden\n").unwrap();
    std::fs::write(folder.join(".clawhub/extra.json"), "{}").unwrap();
    std::fs::remove_file(s.folder("notes").join("SKILL.md")).unwrap();
    let registry = Registry::default()
        .publish("weather", "1.2.3", &key)
        .publish("notes", "0.1.0", &key);
    let toml_before = s.toml();
    let plan = s.import(registry.clone(), false);
    assert!(!plan.complete());
    let Outcome::Differs { diff, edited } = outcome(&plan, "weather") else {
        panic!("{plan:?}");
    };
    assert_eq!(diff.modified, ["scripts/run.py"]);
    assert_eq!(diff.added, [".helper.sh"]);
    assert!(diff.removed.is_empty());
    assert_eq!(*edited, Some(true));
    let Outcome::Differs { diff, .. } = outcome(&plan, "notes") else {
        panic!("{plan:?}");
    };
    assert_eq!(diff.removed, ["SKILL.md"]);
    // Nothing written: the files, skillseal.toml, no lock.
    assert_eq!(s.toml(), toml_before);
    assert_eq!(s.lock_file(), None);
    assert!(folder.join(".helper.sh").exists());
    assert!(folder.join(".clawhub/origin.json").exists());

    // --force pins the registry's files in place of the edited ones.
    let plan = s.import(registry, true);
    let Outcome::Ready {
        forced: Some(diff), ..
    } = outcome(&plan, "weather")
    else {
        panic!("{plan:?}");
    };
    assert_eq!(diff.modified, ["scripts/run.py"]);
    assert_eq!(
        std::fs::read_to_string(folder.join("scripts/run.py")).unwrap(),
        SCRIPT
    );
    assert!(!folder.join(".helper.sh").exists());
    assert!(s.toml().contains("weather = \"=1.2.3\""));
}

#[test]
fn the_executable_bit_is_not_a_difference() {
    use std::os::unix::fs::PermissionsExt as _;
    let key = key();
    let mut s = Setup::new(&key);
    s.installed("weather", "1.2.3");
    let script = s.folder("weather").join("scripts/run.py");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let plan = s.import(Registry::default().publish("weather", "1.2.3", &key), false);
    assert!(plan.complete(), "{plan:?}");
}

#[test]
fn skills_the_registry_lacks_and_those_no_registry_has_are_reported() {
    let key = key();
    let mut s = Setup::new(&key);
    s.installed("ghost", "1.0.0")
        .installed("weather", "9.9.9")
        .installed("pulled", "1.0.0")
        .entry(
            "sh-thing",
            serde_json::json!({"version": null, "installedAt": 1, "sourceKind": "skills-sh", "sourceRef": "acme/skills@sh-thing"}),
        )
        .entry(
            "@alice/tool",
            serde_json::json!({"version": "1.0.0", "installedAt": 1, "ownerHandle": "alice"}),
        )
        .entry("../escape", serde_json::json!({"version": "1.0.0"}));
    let registry = Registry::default()
        .publish("weather", "1.2.3", &key)
        .publish("pulled", "1.0.0", &key)
        .yank("pulled", "1.0.0");
    let plan = s.import(registry, false);
    assert!(!plan.complete());
    assert!(matches!(outcome(&plan, "ghost"), Outcome::NameNotFound));
    assert!(matches!(
        outcome(&plan, "weather"),
        Outcome::VersionNotFound
    ));
    assert!(matches!(outcome(&plan, "pulled"), Outcome::Yanked));
    for (key, needle) in [
        ("sh-thing", "skills.sh reference (acme/skills@sh-thing)"),
        ("@alice/tool", "owner-scoped"),
        ("../escape", "not a name a skill folder can have"),
    ] {
        let Outcome::NotImportable { reason } = outcome(&plan, key) else {
            panic!("{key}: {plan:?}");
        };
        assert!(reason.contains(needle), "{key}: {reason}");
    }
    assert_eq!(plan.ready().count(), 0);
    assert_eq!(s.lock_file(), None);
}

#[test]
fn one_skill_refused_by_a_check_stops_the_whole_import() {
    let (trusted, stranger) = (key(), key());
    let mut s = Setup::new(&trusted);
    s.installed("weather", "1.2.3").installed("notes", "0.1.0");
    let registry = Registry::default()
        .publish("weather", "1.2.3", &trusted)
        .publish("notes", "0.1.0", &stranger);
    let e = s.plan(registry, false).unwrap_err();
    assert!(e.is_refusal(), "{e}");
    assert!(e.to_string().contains("not signed by a signer"), "{e}");
    assert_eq!(s.lock_file(), None);
    assert!(!s.toml().contains("weather"));
    assert!(s.folder("weather").join(".clawhub/origin.json").exists());
}

#[test]
fn missing_and_malformed_clawhub_files_are_errors_naming_the_file() {
    let key = key();
    let s = Setup::new(&key);
    let e = invalid(ClawhubProject::read(s.root(), Path::new("skills")));
    assert!(e.contains(".clawhub/lock.json: not found"), "{e}");

    std::fs::create_dir_all(s.root().join(".clawhub")).unwrap();
    for (text, why) in [
        ("{\"version\": 1, \"skills\": {", "line 1 column"),
        ("{\"version\": 2, \"skills\": {}}", "format version 2"),
        ("{\"version\": 1}", "missing field `skills`"),
        (
            "{\"version\": 1, \"skills\": {\"a\": {\"version\": 3}}}",
            "invalid type",
        ),
    ] {
        std::fs::write(s.root().join(".clawhub/lock.json"), text).unwrap();
        let e = invalid(ClawhubProject::read(s.root(), Path::new("skills")));
        assert!(e.contains(".clawhub/lock.json: "), "{e}");
        assert!(e.contains(why), "{why} in {e}");
    }

    // A listed skill's origin.json: missing, then malformed.
    let mut s = Setup::new(&key);
    s.installed("weather", "1.2.3");
    let registry = Registry::default().publish("weather", "1.2.3", &key);
    std::fs::remove_file(s.folder("weather").join(".clawhub/origin.json")).unwrap();
    let e = invalid(s.plan(registry.clone(), false));
    assert!(
        e.contains("skills/weather/.clawhub/origin.json: not found"),
        "{e}"
    );
    std::fs::write(
        s.folder("weather").join(".clawhub/origin.json"),
        "{\"version\": 1, \"slug\": 5}",
    )
    .unwrap();
    let e = invalid(s.plan(registry, false));
    assert!(
        e.contains("skills/weather/.clawhub/origin.json: not a valid ClawHub origin file"),
        "{e}"
    );
    assert_eq!(s.lock_file(), None);
}

#[test]
fn the_legacy_clawdhub_names_are_read() {
    let key = key();
    let mut s = Setup::new(&key);
    s.installed("weather", "1.2.3");
    std::fs::rename(s.root().join(".clawhub"), s.root().join(".clawdhub")).unwrap();
    let folder = s.folder("weather");
    std::fs::rename(folder.join(".clawhub"), folder.join(".clawdhub")).unwrap();
    let c = s.clawhub();
    assert!(c.lock_path.ends_with(".clawdhub/lock.json"));
    let plan = s.import(Registry::default().publish("weather", "1.2.3", &key), false);
    assert!(plan.complete(), "{plan:?}");
}

#[test]
fn skills_must_be_where_skillseal_installs() {
    let key = key();
    let mut s = Setup::new(&key);
    s.installed("weather", "1.2.3");
    std::fs::write(
        s.root().join("skillseal.toml"),
        "[registry]\nurl = \"https://registry.example.invalid\"\n\n[install]\ndir = \"agent\"\n\n\
         [[trust]]\nkey = \"team.pub\"\n",
    )
    .unwrap();
    let e = invalid(s.plan(Registry::default(), false));
    assert!(e.contains("is not the install directory"), "{e}");
}

#[test]
fn the_version_looked_for_is_origins_installed_version_then_the_locks() {
    let key = key();
    let mut s = Setup::new(&key);
    s.installed("weather", "1.2.3");
    // The lock says otherwise (ClawHub updates it separately); origin.json
    // describes the files on disk.
    s.entry("weather", serde_json::json!({"version": "1.0.0"}));
    let registry = Registry::default()
        .publish("weather", "1.0.0", &key)
        .publish("weather", "1.2.3", &key);
    let plan = s.import(registry.clone(), false);
    assert_eq!(plan.skills[0].version.as_deref(), Some("1.2.3"));
    assert!(plan.complete(), "{plan:?}");
    assert!(s.toml().contains("weather = \"=1.2.3\""));
    // Run again: ClawHub's origin went with the folder; the lock pins it.
    let again = s.plan(registry.clone(), false).unwrap();
    assert!(matches!(outcome(&again, "weather"), Outcome::AlreadyPinned));
    // Until ClawHub installs another version over it.
    s.installed("weather", "1.0.0");
    let conflict = s.plan(registry, false).unwrap();
    let Outcome::PinnedOther { locked } = outcome(&conflict, "weather") else {
        panic!("{conflict:?}");
    };
    assert_eq!(locked, "1.2.3");
    assert!(!conflict.complete());
    // The fingerprint helper agrees with ClawHub's definition.
    let entries: Vec<skillseal_model::FileEntry> = files("weather", "1.2.3")
        .iter()
        .map(|(p, t)| skillseal_model::FileEntry {
            path: (*p).into(),
            size: t.len() as u64,
            sha256: hex::encode(sha2::Sha256::digest(t.as_bytes())),
            executable: false,
        })
        .collect();
    assert_eq!(
        clawhub::fingerprint(&entries),
        fingerprint_of(&files("weather", "1.2.3"))
    );
}
