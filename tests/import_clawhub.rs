//! `skillseal import-clawhub` end to end: the real `skillseal-registry`
//! binary on a loopback port (found beside the CLI, where
//! `cargo test --workspace` builds it), the weather sample published to it
//! signed with a key made by `skillseal keygen`, and a ClawHub project laid
//! out as the `clawhub` CLI leaves it. Nothing in a skill is ever run.

mod common;

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use common::{repo, stderr, stdout};

fn registry_bin() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_BIN_EXE_skillseal")).with_file_name("skillseal-registry");
    assert!(
        path.exists(),
        "{} is missing: run `cargo test --workspace` (or `cargo build -p skillseal-registry`), \
         which builds the registry beside the CLI",
        path.display()
    );
    path
}

/// A `skillseal-registry serve` process; killed when dropped.
struct Server {
    child: Child,
    url: String,
    admin: String,
}

impl Server {
    fn start(data: &Path) -> Server {
        let log = std::fs::File::create(data.with_extension("log")).unwrap();
        let mut child = Command::new(registry_bin())
            .arg("serve")
            .arg("--data")
            .arg(data)
            .args(["--listen", "127.0.0.1:0"])
            .env("SKILLSEAL_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut admin = None;
        let url = loop {
            let Some(Ok(line)) = lines.next() else {
                let log = std::fs::read_to_string(data.with_extension("log")).unwrap_or_default();
                panic!("the registry exited before listening:\n{log}");
            };
            if let Some(token) = line.strip_prefix("admin token (shown once, store it now): ") {
                admin = Some(token.to_string());
            } else if let Some(url) = line.strip_prefix("skillseal-registry listening on ") {
                break url.to_string();
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        Server {
            child,
            url,
            admin: admin.expect("an admin token on first start"),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The CLI in `dir`, with `dir/.home` as HOME (its own package cache and
/// no stored credentials).
fn skillseal(dir: &Path, token: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skillseal"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env("SKILLSEAL_PASSWORD", "pw")
        .env("HOME", dir.join(".home"))
        .env_remove("SKILLSEAL_TOKEN")
        .env_remove("SKILLSEAL_CREDENTIALS")
        .env_remove("SKILLSEAL_CACHE_DIR")
        .stdin(Stdio::null());
    if let Some(t) = token {
        cmd.env("SKILLSEAL_TOKEN", t);
    }
    cmd.output().unwrap()
}

fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

fn shown(o: &Output) -> String {
    format!("stdout:\n{}\nstderr:\n{}", stdout(o), stderr(o))
}

fn assert_contains(haystack: &str, needle: &str) {
    assert!(haystack.contains(needle), "{needle:?} in\n{haystack}");
}

fn weather_sample() -> PathBuf {
    repo().join("samples/benign/weather-forecast")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

const MANIFEST: &str = "[[trust]]\nkey = \"team.pub\"\n";

/// A registry with the weather sample (2.1.0) published, signed by the
/// key the project trusts, and a project folder: skillseal.toml naming
/// the registry, and a ClawHub project whose skills are `skills`.
struct Migration {
    _dir: tempfile::TempDir,
    _server: Server,
    project: PathBuf,
    lock: serde_json::Map<String, serde_json::Value>,
}

impl Migration {
    fn new() -> Migration {
        let dir = tempfile::tempdir().unwrap();
        let publisher = dir.path().join("publisher");
        let project = dir.path().join("project");
        std::fs::create_dir_all(&publisher).unwrap();
        std::fs::create_dir_all(&project).unwrap();
        let server = Server::start(&dir.path().join("data"));
        let keygen = skillseal(&publisher, None, &["keygen"]);
        assert_eq!(code(&keygen), Some(0), "{}", shown(&keygen));
        let published = skillseal(
            &publisher,
            Some(&server.admin),
            &[
                "publish",
                weather_sample().to_str().unwrap(),
                "--key",
                "skillseal.key",
                "--registry",
                &server.url,
            ],
        );
        assert_eq!(code(&published), Some(0), "{}", shown(&published));
        std::fs::copy(publisher.join("skillseal.pub"), project.join("team.pub")).unwrap();
        std::fs::write(
            project.join("skillseal.toml"),
            format!("[registry]\nurl = \"{}\"\n\n{MANIFEST}", server.url),
        )
        .unwrap();
        Migration {
            _dir: dir,
            _server: server,
            project,
            lock: serde_json::Map::new(),
        }
    }

    /// `slug` as ClawHub installed it: `files` copied into
    /// `skills/SLUG`, its origin.json, its entry in `.clawhub/lock.json`.
    fn installed(&mut self, slug: &str, version: &str, files: &Path) -> PathBuf {
        let folder = self.project.join("skills").join(slug);
        copy_dir(files, &folder);
        std::fs::create_dir_all(folder.join(".clawhub")).unwrap();
        let origin = serde_json::json!({
            "version": 1,
            "registry": "https://clawhub.example.invalid",
            "slug": slug,
            "installedVersion": version,
            "installedAt": 1_760_000_000_000u64,
        });
        std::fs::write(folder.join(".clawhub/origin.json"), origin.to_string()).unwrap();
        self.lock.insert(
            slug.into(),
            serde_json::json!({"version": version, "installedAt": 1_760_000_000_000u64}),
        );
        std::fs::create_dir_all(self.project.join(".clawhub")).unwrap();
        std::fs::write(
            self.project.join(".clawhub/lock.json"),
            serde_json::json!({"version": 1, "skills": self.lock}).to_string(),
        )
        .unwrap();
        folder
    }

    fn run(&self, args: &[&str]) -> Output {
        skillseal(&self.project, None, args)
    }

    fn toml(&self) -> String {
        std::fs::read_to_string(self.project.join("skillseal.toml")).unwrap()
    }

    fn lock_written(&self) -> bool {
        self.project.join("skillseal.lock").exists()
    }
}

#[test]
fn a_skill_matching_the_registry_is_imported_into_the_toml_and_the_lock() {
    let mut m = Migration::new();
    let folder = m.installed("weather-forecast", "2.1.0", &weather_sample());
    let toml_before = m.toml();

    // Without --yes and without a terminal: nothing changes.
    let unconfirmed = m.run(&["import-clawhub"]);
    assert_eq!(code(&unconfirmed), Some(2), "{}", shown(&unconfirmed));
    assert_contains(&stderr(&unconfirmed), "--yes");
    let dry = m.run(&["import-clawhub", "--dry-run"]);
    assert_eq!(code(&dry), Some(0), "{}", shown(&dry));
    assert_contains(&stdout(&dry), "would import:\n  weather-forecast 2.1.0");
    assert_contains(&stdout(&dry), "(dry run: nothing written)");
    assert_eq!(m.toml(), toml_before);
    assert!(!m.lock_written());
    assert!(folder.join(".clawhub/origin.json").exists());

    let imported = m.run(&["import-clawhub", "--yes"]);
    assert_eq!(code(&imported), Some(0), "{}", shown(&imported));
    let out = stdout(&imported);
    assert_contains(&out, "capabilities: env-read");
    assert_contains(&out, "imported:\n  weather-forecast 2.1.0 (=2.1.0) into ");
    assert_contains(&out, "imported 1 of 1 skill\n");
    assert_contains(&stderr(&imported), "still lists the imported skills");
    assert_contains(&m.toml(), "weather-forecast = \"=2.1.0\"");
    let lock = std::fs::read_to_string(m.project.join("skillseal.lock")).unwrap();
    for needle in [
        "name = \"weather-forecast\"",
        "version = \"2.1.0\"",
        "kind = \"key\"",
        "digest = \"sha256:",
    ] {
        assert_contains(&lock, needle);
    }
    // The folder is skillseal's now: exactly the package, as `verify` says.
    assert!(!folder.join(".clawhub").exists());
    let verified = m.run(&["verify"]);
    assert_eq!(code(&verified), Some(0), "{}", shown(&verified));

    // Run again: already pinned, nothing to do.
    let again = m.run(&["import-clawhub", "--yes"]);
    assert_eq!(code(&again), Some(0), "{}", shown(&again));
    assert_contains(
        &stdout(&again),
        "already pinned in skillseal.lock:\n  weather-forecast 2.1.0\n",
    );
}

#[test]
fn an_edited_skill_is_reported_as_differing_and_not_imported() {
    let mut m = Migration::new();
    let folder = m.installed("weather-forecast", "2.1.0", &weather_sample());
    let script = folder.join("scripts/weather.py");
    let mut text = std::fs::read_to_string(&script).unwrap();
    text.push_str("\n# edited by hand\n");
    std::fs::write(&script, &text).unwrap();
    let toml_before = m.toml();

    let o = m.run(&["import-clawhub", "--yes"]);
    assert_eq!(code(&o), Some(1), "{}", shown(&o));
    let out = stdout(&o);
    assert_contains(&out, "differs from the registry's package (not imported");
    assert_contains(&out, "  weather-forecast 2.1.0: ");
    assert_contains(&out, "    modified  scripts/weather.py\n");
    assert_contains(&out, "imported 0 of 1 skill, 1 not imported\n");
    assert_eq!(m.toml(), toml_before);
    assert!(!m.lock_written());
    assert_eq!(std::fs::read_to_string(&script).unwrap(), text);

    // --force pins it, the registry's files in place of the edited ones.
    let forced = m.run(&["import-clawhub", "--force", "--yes"]);
    assert_eq!(code(&forced), Some(0), "{}", shown(&forced));
    assert_contains(
        &stdout(&forced),
        "  --force: the registry's files replace these on disk:\n    modified  scripts/weather.py\n",
    );
    assert_contains(&m.toml(), "weather-forecast = \"=2.1.0\"");
    assert_eq!(
        std::fs::read(&script).unwrap(),
        std::fs::read(weather_sample().join("scripts/weather.py")).unwrap()
    );
    let verified = m.run(&["verify"]);
    assert_eq!(code(&verified), Some(0), "{}", shown(&verified));
}

#[test]
fn a_skill_not_in_the_registry_is_reported_and_the_rest_imported() {
    let mut m = Migration::new();
    m.installed("weather-forecast", "2.1.0", &weather_sample());
    let ghost = tempfile::tempdir().unwrap();
    std::fs::write(
        ghost.path().join("SKILL.md"),
        "---\nname: ghost\ndescription: Not published.\nversion: 1.0.0\n---\n\n# Ghost\n",
    )
    .unwrap();
    m.installed("ghost", "1.0.0", ghost.path());

    let o = m.run(&["import-clawhub", "--yes"]);
    assert_eq!(code(&o), Some(1), "{}", shown(&o));
    let out = stdout(&o);
    assert_contains(
        &out,
        "not found in the registry:\n  ghost 1.0.0: no skill named ghost\n",
    );
    assert_contains(&out, "imported:\n  weather-forecast 2.1.0 (=2.1.0)");
    assert_contains(&out, "imported 1 of 2 skills, 1 not imported\n");
    let toml = m.toml();
    assert_contains(&toml, "weather-forecast = \"=2.1.0\"");
    assert!(!toml.contains("ghost"), "{toml}");
    let lock = std::fs::read_to_string(m.project.join("skillseal.lock")).unwrap();
    assert!(!lock.contains("ghost"), "{lock}");
}

#[test]
fn a_malformed_clawhub_lock_is_an_error_naming_it_and_nothing_is_written() {
    // No registry needed: the lock is read before anything is asked.
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("agent");
    std::fs::create_dir_all(project.join(".clawhub")).unwrap();
    std::fs::create_dir_all(project.join("skills/weather-forecast")).unwrap();
    let toml = format!("[registry]\nurl = \"http://127.0.0.1:9\"\n\n{MANIFEST}");
    std::fs::write(project.join("skillseal.toml"), &toml).unwrap();
    std::fs::write(
        project.join(".clawhub/lock.json"),
        "{\"version\": 1, \"skills\": {\"weather-forecast\": {\"version\": \"2.1.0\",",
    )
    .unwrap();

    let o = skillseal(
        dir.path(),
        None,
        &["import-clawhub", "--workdir", "agent", "--yes"],
    );
    assert_eq!(code(&o), Some(2), "{}", shown(&o));
    let err = stderr(&o);
    assert_contains(
        &err,
        "error: agent/.clawhub/lock.json: not a valid ClawHub lock file: EOF while parsing",
    );
    assert_contains(&err, "at line 1 column");
    assert!(stdout(&o).is_empty(), "{}", shown(&o));
    assert_eq!(
        std::fs::read_to_string(project.join("skillseal.toml")).unwrap(),
        toml
    );
    assert!(!project.join("skillseal.lock").exists());

    // No lock at all.
    std::fs::remove_file(project.join(".clawhub/lock.json")).unwrap();
    let o = skillseal(dir.path(), None, &["import-clawhub", "--workdir", "agent"]);
    assert_eq!(code(&o), Some(2), "{}", shown(&o));
    assert_contains(&stderr(&o), "agent/.clawhub/lock.json: not found");
}
