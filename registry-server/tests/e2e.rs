//! The real binaries: `skillseal-registry serve` on a loopback port, driven
//! by the `skillseal` CLI and plain HTTP. Each test runs on SQLite, and
//! again on a fresh PostgreSQL database when `SKILLSEAL_TEST_DATABASE_URL`
//! is set.
//!
//! The `skillseal` CLI is found beside the server binary, where
//! `cargo test --workspace` builds it.

mod support;

use support::process::*;

use std::collections::BTreeSet;
use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Packs the weather sample at `version` into `dir` and signs it there.
fn signed_package(dir: &Path, version: &str) -> String {
    let sample = repo().join("samples/benign/weather-forecast");
    let file = format!("weather-forecast-{version}.skill.tgz");
    ok(skillseal(
        dir,
        None,
        &[
            "pack",
            sample.to_str().unwrap(),
            "--version",
            version,
            "-o",
            &file,
        ],
    ));
    ok(skillseal(
        dir,
        None,
        &["sign", &file, "--key", "skillseal.key"],
    ));
    file
}

fn publish_signed(dir: &Path, token: &str, url: &str, file: &str) -> Output {
    let bundle = format!("{file}.sigstore.json");
    skillseal(
        dir,
        Some(token),
        &[
            "publish",
            file,
            "--bundle",
            &bundle,
            "--signer-key",
            "skillseal.pub",
            "--registry",
            url,
        ],
    )
}

/// Every version the server lists downloads whole: the package and bundle
/// match their digests and the signature verifies with `work`'s
/// skillseal.pub (in process: the CLI's own verification has its tests).
/// Returns the versions.
fn check_every_visible_version(server: &Server, work: &Path) -> BTreeSet<String> {
    let (status, skill) = get_json(&format!("{}/api/v1/skills/weather-forecast", server.url));
    if status == 404 {
        return BTreeSet::new();
    }
    assert_eq!(status, 200, "{skill}");
    let public = std::fs::read(work.join("skillseal.pub")).unwrap();
    let policy = skillseal_sign::Policy::Key(skillseal_sign::PublicKey::from_pem(&public).unwrap());
    let root = skillseal_sign::TrustedRoot::production();
    let now = chrono::Utc::now().timestamp();
    let mut seen = BTreeSet::new();
    for v in skill["versions"].as_array().unwrap() {
        let version = v["version"].as_str().unwrap();
        let base = format!("{}/api/v1/skills/weather-forecast/{version}", server.url);
        let (s1, package) = get(&format!("{base}/package"), None);
        let (s2, bundle) = get(&format!("{base}/bundle"), None);
        assert_eq!((s1, s2), (200, 200), "{version}");
        assert_eq!(sha256(&package), v["digest"].as_str().unwrap(), "{version}");
        assert_eq!(
            sha256(&bundle),
            v["bundle_digest"].as_str().unwrap(),
            "{version}"
        );
        if let Err(e) = skillseal_sign::verify::verify_json(&package, &bundle, &policy, &root, now)
        {
            panic!("{version}: {e}");
        }
        seen.insert(version.to_string());
    }
    seen
}

/// Packs and signs the weather sample at each version in process, with
/// `dir`'s key (decrypted once): the preparation of the crash test, which
/// publishes with the CLI.
fn signed_packages(dir: &Path, versions: &[String]) -> Vec<String> {
    let pem = std::fs::read(dir.join("skillseal.key")).unwrap();
    let key =
        skillseal_sign::SigningKey::from_encrypted_pem(&pem, &skillseal_sign::Password::new("pw"))
            .unwrap();
    let sample = repo().join("samples/benign/weather-forecast");
    versions
        .iter()
        .map(|version| {
            let opts = skillseal_package::PackOptions {
                version: Some(version.clone()),
                ..Default::default()
            };
            let pkg = skillseal_package::pack(&sample, &opts).unwrap();
            let file = format!("weather-forecast-{version}.skill.tgz");
            std::fs::write(dir.join(&file), &pkg.bytes).unwrap();
            let bundle = skillseal_sign::sign(&pkg.bytes, &key).unwrap().to_json();
            std::fs::write(dir.join(format!("{file}.sigstore.json")), bundle).unwrap();
            file
        })
        .collect()
}

#[test]
fn the_cli_publishes_to_the_real_server_and_reads_back() {
    for db in backends() {
        let db = db.as_deref();
        let (_dir, data, work) = scratch();
        let w = work.as_path();
        let server = Server::start(&data, db);
        let admin = server
            .admin
            .clone()
            .expect("the first start prints a token");
        let publisher = create_token(&data, db, "ci", "publish:weather-*");
        let url = server.url.as_str();
        let sample = repo().join("samples/benign/weather-forecast");
        let sample = sample.to_str().unwrap();
        keygen(w);

        // Pack, sign with the key, upload.
        let first = ok(publish_with_key(
            w,
            Some(&publisher),
            url,
            sample,
            "skillseal.key",
        ));
        assert!(
            stdout(&first).contains("published weather-forecast 2.1.0"),
            "{}",
            stdout(&first)
        );

        // Versions are immutable.
        let again = publish_with_key(w, Some(&publisher), url, sample, "skillseal.key");
        assert_eq!(again.status.code(), Some(1));
        assert!(
            stderr(&again).contains("version_exists"),
            "{}",
            stderr(&again)
        );

        // A package signed earlier, with its bundle and signer key.
        let file = signed_package(w, "2.2.0");
        ok(publish_signed(w, &publisher, url, &file));

        // The token's scope does not cover this name; an admin's does, but
        // the registry's own scan blocks the skill.
        let malicious = repo().join("samples/malicious/actions-workflow-lint");
        let malicious = malicious.to_str().unwrap();
        let narrow = publish_with_key(w, Some(&publisher), url, malicious, "skillseal.key");
        assert_eq!(narrow.status.code(), Some(1));
        assert!(stderr(&narrow).contains("forbidden"), "{}", stderr(&narrow));
        let blocked = publish_with_key(w, Some(&admin), url, malicious, "skillseal.key");
        assert_eq!(blocked.status.code(), Some(1));
        assert!(
            stderr(&blocked).contains("blocked_by_scan"),
            "{}",
            stderr(&blocked)
        );

        // No token anywhere: a clear error before anything is sent.
        let none = publish_with_key(w, None, url, sample, "skillseal.key");
        assert_eq!(none.status.code(), Some(2));
        assert!(
            stderr(&none).contains("SKILLSEAL_TOKEN"),
            "{}",
            stderr(&none)
        );

        // The registry URL from skillseal.toml, the token stored for it in
        // the credentials file, which must not be readable by others.
        std::fs::write(
            w.join("skillseal.toml"),
            format!("[registry]\nurl = \"{url}\"\n"),
        )
        .unwrap();
        let creds = w.join(".config/skillseal/credentials.toml");
        std::fs::create_dir_all(creds.parent().unwrap()).unwrap();
        std::fs::write(
            &creds,
            format!("[registries.\"{url}\"]\ntoken = \"{publisher}\"\n"),
        )
        .unwrap();
        std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o644)).unwrap();
        let file = signed_package(w, "2.3.0");
        let publish = ["publish", file.as_str(), "--key", "skillseal.key"];
        let open = skillseal(w, None, &publish);
        assert_eq!(open.status.code(), Some(2));
        assert!(stderr(&open).contains("chmod 600"), "{}", stderr(&open));
        std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o600)).unwrap();
        ok(skillseal(w, None, &publish));

        // Read back: three versions, each whole and verifiable.
        let seen = check_every_visible_version(&server, w);
        assert_eq!(
            seen.into_iter().collect::<Vec<_>>(),
            ["2.1.0", "2.2.0", "2.3.0"]
        );
        // A token on a read is checked, never ignored.
        let skill = format!("{url}/api/v1/skills/weather-forecast");
        assert_eq!(get(&skill, Some(&publisher)).0, 200);
        assert_eq!(get(&skill, Some("skillseal_not-a-token")).0, 401);

        // Everything above is on the record, and the record is whole.
        drop(server);
        let mut verify = Command::new(registry_bin());
        verify.args(["audit", "verify", "--data"]).arg(&data);
        if let Some(url) = db {
            verify.args(["--database-url", url]);
        }
        let verified = ok(verify.output().unwrap());
        assert!(
            stdout(&verified).contains("audit log intact"),
            "{}",
            stdout(&verified)
        );
    }
}

/// Publishes run at once while the server is killed (SIGKILL) under them,
/// three times over. After each restart, every version the server shows
/// downloads whole and verifies, every publish the client saw succeed is
/// there, and every version that is not there has left no trace: it
/// publishes again.
#[test]
fn a_server_killed_during_publishes_keeps_only_whole_versions() {
    const ROUNDS: usize = 3;
    const AT_ONCE: usize = 6;
    for db in backends() {
        let db = db.as_deref();
        let (_dir, data, work) = scratch();
        let w = work.as_path();
        keygen(w);
        let mut server = Server::start(&data, db);
        let token = create_token(&data, db, "ci", "publish:weather-*");
        let files: Vec<Vec<String>> = (0..ROUNDS)
            .map(|round| {
                let versions: Vec<String> =
                    (0..AT_ONCE).map(|i| format!("3.{round}.{i}")).collect();
                signed_packages(w, &versions)
            })
            .collect();

        let mut acknowledged = BTreeSet::new();
        let mut interrupted = 0;
        for round_files in &files {
            let mut running: Vec<(String, Child)> = round_files
                .iter()
                .map(|file| {
                    let bundle = format!("{file}.sigstore.json");
                    let child = Command::new(skillseal_bin())
                        .args(["publish", file, "--bundle", &bundle])
                        .args(["--signer-key", "skillseal.pub", "--registry", &server.url])
                        .current_dir(w)
                        .env("HOME", w)
                        .env("SKILLSEAL_TOKEN", &token)
                        .stdin(Stdio::null())
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .spawn()
                        .unwrap();
                    (file.clone(), child)
                })
                .collect();
            // Kill as soon as the first publish of the round is through,
            // with the others in flight.
            let deadline = Instant::now() + Duration::from_secs(60);
            'wait: while Instant::now() < deadline {
                for (_, child) in &mut running {
                    if child.try_wait().unwrap().is_some_and(|s| s.success()) {
                        break 'wait;
                    }
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            server.kill();
            for (file, mut child) in running.drain(..) {
                if child.wait().unwrap().success() {
                    acknowledged.insert(version_of(&file));
                } else {
                    interrupted += 1;
                }
            }
            server = Server::start(&data, db);
            let visible = check_every_visible_version(&server, w);
            assert!(
                acknowledged.is_subset(&visible),
                "acknowledged {acknowledged:?}, visible {visible:?}"
            );
        }
        assert!(
            interrupted > 0,
            "no publish was in flight at any kill: the test proved nothing"
        );

        // What is missing left no trace: the same versions publish now.
        let visible = check_every_visible_version(&server, w);
        for file in files.iter().flatten() {
            if !visible.contains(&version_of(file)) {
                ok(publish_signed(w, &token, &server.url, file));
            }
        }
        assert_eq!(
            check_every_visible_version(&server, w).len(),
            ROUNDS * AT_ONCE
        );
    }
}

fn version_of(file: &str) -> String {
    file.trim_start_matches("weather-forecast-")
        .trim_end_matches(".skill.tgz")
        .to_string()
}

/// Two server processes on one database and one blob store, as behind a
/// load balancer: what one accepts, the other serves; a yank through one
/// is seen by both.
#[test]
fn two_servers_share_one_database_and_blob_store() {
    for db in backends() {
        let db = db.as_deref();
        let (_dir, data, work) = scratch();
        let w = work.as_path();
        keygen(w);
        let a = Server::start(&data, db);
        let b = Server::start(&data, db);
        let admin = a.admin.clone().expect("the first start prints a token");
        let file = signed_package(w, "1.0.0");
        ok(publish_signed(w, &admin, &a.url, &file));
        let file = signed_package(w, "1.1.0");
        ok(publish_signed(w, &admin, &b.url, &file));
        let versions = check_every_visible_version(&b, w);
        assert_eq!(versions, check_every_visible_version(&a, w));
        assert_eq!(versions.len(), 2);

        let yank = http()
            .post(format!(
                "{}/api/v1/skills/weather-forecast/1.1.0/yank",
                b.url
            ))
            .bearer_auth(&admin)
            .send()
            .unwrap();
        assert_eq!(yank.status().as_u16(), 200);
        let resolved = http()
            .post(format!("{}/api/v1/resolve", a.url))
            .header("content-type", "application/json")
            .body(r#"{"skills": {"weather-forecast": "^1"}}"#)
            .send()
            .unwrap()
            .bytes()
            .unwrap();
        let resolved: Value = serde_json::from_slice(&resolved).unwrap();
        assert_eq!(
            resolved["pins"]["weather-forecast"]["version"], "1.0.0",
            "{resolved}"
        );
        // Both servers appended to one log, with one key: two publishes
        // and a yank, and the database agrees with it.
        let key = |s: &Server| get_json(&format!("{}/api/v1/log/key", s.url)).1["key"].clone();
        assert_eq!(key(&a), key(&b));
        let mut verify = Command::new(registry_bin());
        verify.args(["log", "verify", "--data"]).arg(&data);
        if let Some(url) = db {
            verify.args(["--database-url", url]);
        }
        let verified = ok(verify.output().unwrap());
        assert!(
            stdout(&verified).contains("log of 3 entries recomputed: 0 problems"),
            "{}",
            stdout(&verified)
        );
    }
}

/// A public address without TLS is refused unless asked for by name.
#[test]
fn a_public_bind_without_tls_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(registry_bin())
        .args(["serve", "--data"])
        .arg(dir.path())
        .args(["--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("refusing to listen on 0.0.0.0:0"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("registry.db").exists());
}

/// A self-signed certificate for 127.0.0.1 and localhost, and its key.
fn self_signed(dir: &Path) -> (PathBuf, PathBuf) {
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::pkey::PKey;
    use openssl::x509::extension::SubjectAlternativeName;
    use openssl::x509::{X509, X509NameBuilder};

    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    let key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "skillseal test registry")
        .unwrap();
    let name = name.build();
    let mut cert = X509::builder().unwrap();
    cert.set_version(2).unwrap();
    let serial = BigNum::from_u32(1).unwrap().to_asn1_integer().unwrap();
    cert.set_serial_number(&serial).unwrap();
    cert.set_subject_name(&name).unwrap();
    cert.set_issuer_name(&name).unwrap();
    cert.set_pubkey(&key).unwrap();
    cert.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    cert.set_not_after(&Asn1Time::days_from_now(1).unwrap())
        .unwrap();
    let san = SubjectAlternativeName::new()
        .ip("127.0.0.1")
        .dns("localhost")
        .build(&cert.x509v3_context(None, None))
        .unwrap();
    cert.append_extension(san).unwrap();
    cert.sign(&key, MessageDigest::sha256()).unwrap();
    let (cert_path, key_path) = (dir.join("tls.crt"), dir.join("tls.key"));
    std::fs::write(&cert_path, cert.build().to_pem().unwrap()).unwrap();
    std::fs::write(&key_path, key.private_key_to_pem_pkcs8().unwrap()).unwrap();
    (cert_path, key_path)
}

/// HTTPS on the server's own socket: the CLI publishes when it trusts the
/// certificate (`SSL_CERT_FILE`, as for any OpenSSL client) and refuses
/// when it does not; plain HTTP to the TLS port gets nothing.
#[test]
fn the_server_serves_https_with_its_own_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let w = work.as_path();
    let (cert, key) = self_signed(dir.path());
    let server = Server::start_with(
        &dir.path().join("data"),
        None,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let admin = server.admin.clone().unwrap();
    keygen(w);
    let file = signed_package(w, "1.0.0");

    let untrusted = publish_signed(w, &admin, &server.url, &file);
    assert_eq!(untrusted.status.code(), Some(2), "{}", stderr(&untrusted));
    assert!(
        stderr(&untrusted).contains("certificate"),
        "{}",
        stderr(&untrusted)
    );

    let bundle = format!("{file}.sigstore.json");
    let trusted = Command::new(skillseal_bin())
        .args(["publish", &file, "--bundle", &bundle])
        .args(["--signer-key", "skillseal.pub", "--registry", &server.url])
        .current_dir(w)
        .env("HOME", w)
        .env("SKILLSEAL_TOKEN", &admin)
        .env("SSL_CERT_FILE", &cert)
        .output()
        .unwrap();
    let trusted = ok(trusted);
    assert!(
        stdout(&trusted).contains("published weather-forecast 1.0.0"),
        "{}",
        stdout(&trusted)
    );

    let plain = server.url.replace("https://", "http://");
    assert!(http().get(format!("{plain}/api/v1/skills")).send().is_err());
}

/// A registry with the weather sample published by `publisher` (keys
/// `skillseal` and `other`), and two project folders, `project` and a
/// clean `checkout`, whose `skillseal.toml` names the registry, trusts
/// both keys and denies skills that run processes. Each project has its
/// own HOME, so its own package cache.
struct Projects {
    dir: tempfile::TempDir,
    server: Server,
    admin: String,
    publisher: PathBuf,
    project: PathBuf,
    checkout: PathBuf,
}

impl Projects {
    fn new() -> Projects {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let publisher = root.join("publisher");
        let project = root.join("project");
        let checkout = root.join("checkout");
        for d in [&publisher, &project, &checkout] {
            std::fs::create_dir_all(d).unwrap();
        }
        let server = Server::start(&root.join("data"), None);
        let admin = server.admin.clone().unwrap();
        keygen(&publisher);
        ok(skillseal(
            &publisher,
            None,
            &["keygen", "--output-key-prefix", "other"],
        ));
        let url = &server.url;
        let manifest = format!(
            "[registry]\nurl = \"{url}\"\n\n[[trust]]\nkey = \"team.pub\"\n\n[[trust]]\nkey = \"other.pub\"\n\n\
             [policy]\ndeny-capabilities = [\"process-exec\"]\n"
        );
        for d in [&project, &checkout] {
            std::fs::write(d.join("skillseal.toml"), &manifest).unwrap();
            std::fs::copy(publisher.join("skillseal.pub"), d.join("team.pub")).unwrap();
            std::fs::copy(publisher.join("other.pub"), d.join("other.pub")).unwrap();
        }
        let p = Projects {
            dir,
            server,
            admin,
            publisher,
            project,
            checkout,
        };
        p.publish(&weather_sample(), "skillseal.key");
        p
    }

    /// [`Projects::new`], then `add weather-forecast --yes` in `project`,
    /// its manifest and lock copied to `checkout`, and `install --locked`
    /// there.
    fn installed() -> Projects {
        let p = Projects::new();
        ok(p.run(&p.project, &["add", "weather-forecast", "--yes"]));
        for file in ["skillseal.toml", "skillseal.lock"] {
            std::fs::copy(p.project.join(file), p.checkout.join(file)).unwrap();
        }
        ok(p.run(&p.checkout, &["install", "--locked"]));
        p
    }

    fn run(&self, d: &Path, args: &[&str]) -> Output {
        Command::new(skillseal_bin())
            .args(args)
            .current_dir(d)
            .env("HOME", d.join(".home"))
            .env("NO_COLOR", "1")
            .env_remove("SKILLSEAL_TOKEN")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn publish(&self, skill: &Path, key: &str) {
        ok(publish_with_key(
            &self.publisher,
            Some(&self.admin),
            &self.server.url,
            skill.to_str().unwrap(),
            key,
        ));
    }

    /// Yanks or unyanks a version with the admin token.
    fn admin_post(&self, version: &str, action: &str) {
        weather_admin_post(&self.server.url, &self.admin, version, action);
    }

    /// Publishes 2.2.0, which starts running processes: the registry
    /// accepts it (its policy allows that), the projects' policy does not.
    fn publish_process_exec_version(&self) {
        let v220 = weather_variant(self.dir.path(), "2.2.0", |s| {
            s.replace("import sys\n", "import subprocess\nimport sys\n").replace(
                "    r.raise_for_status()\n",
                "    r.raise_for_status()\n    subprocess.run([\"notify-send\", \"weather\"], check=False)\n",
            )
        });
        self.publish(&v220, "skillseal.key");
    }

    fn lock(&self, d: &Path) -> String {
        std::fs::read_to_string(d.join("skillseal.lock")).unwrap()
    }
}

fn weather_sample() -> PathBuf {
    repo().join("samples/benign/weather-forecast")
}

fn assert_contains(haystack: &str, needle: &str) {
    assert!(haystack.contains(needle), "{needle} in\n{haystack}");
}

#[test]
fn add_needs_yes_without_a_terminal_and_never_replaces_a_foreign_folder() {
    let p = Projects::new();
    let no_terminal = p.run(&p.project, &["add", "weather-forecast"]);
    assert_eq!(no_terminal.status.code(), Some(2));
    assert_contains(&stderr(&no_terminal), "--yes");
    assert!(!p.project.join("skillseal.lock").exists());

    let own = p.project.join("skills/weather-forecast");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(own.join("mine.md"), "my own notes\n").unwrap();
    let clash = p.run(&p.project, &["add", "weather-forecast", "--yes"]);
    assert_eq!(clash.status.code(), Some(2), "{}", stderr(&clash));
    assert_contains(&stderr(&clash), "does not know it");
    assert!(own.join("mine.md").exists());
    assert!(!p.project.join("skillseal.lock").exists());
}

#[test]
fn add_verifies_installs_and_pins_the_skill() {
    let p = Projects::new();
    let added = ok(p.run(&p.project, &["add", "weather-forecast", "--yes"]));
    assert_contains(&stdout(&added), "capabilities: env-read");
    assert_contains(&stdout(&added), "added weather-forecast 2.1.0 (^2.1.0)");
    let installed = p.project.join("skills/weather-forecast");
    assert_eq!(
        std::fs::read(installed.join("scripts/weather.py")).unwrap(),
        std::fs::read(weather_sample().join("scripts/weather.py")).unwrap()
    );
    let lock = p.lock(&p.project);
    for needle in [
        "version = 1",
        "name = \"weather-forecast\"",
        "version = \"2.1.0\"",
        "kind = \"key\"",
        "capabilities = [",
        "rules-digest = \"sha256:",
    ] {
        assert_contains(&lock, needle);
    }
    let toml_now = std::fs::read_to_string(p.project.join("skillseal.toml")).unwrap();
    assert_contains(&toml_now, "weather-forecast = \"^2.1.0\"");
    assert_contains(&toml_now, "deny-capabilities");
}

#[test]
fn a_clean_checkout_installs_exactly_the_lock_and_verify_names_every_change() {
    let p = Projects::installed();
    let copy = p.checkout.join("skills/weather-forecast");
    assert_eq!(
        std::fs::read(copy.join("SKILL.md")).unwrap(),
        std::fs::read(weather_sample().join("SKILL.md")).unwrap()
    );
    let verified = ok(p.run(&p.checkout, &["verify"]));
    assert_contains(&stdout(&verified), "verified 1 skill");

    let script = copy.join("scripts/weather.py");
    let mut text = std::fs::read_to_string(&script).unwrap();
    text.push_str("\nimport os; os.system('true')\n");
    std::fs::write(&script, text).unwrap();
    std::fs::write(copy.join("extra.sh"), "echo hi\n").unwrap();
    std::fs::remove_file(copy.join("SKILL.md")).unwrap();
    std::fs::create_dir_all(p.checkout.join("skills/stowaway")).unwrap();
    let caught = p.run(&p.checkout, &["verify"]);
    assert_eq!(caught.status.code(), Some(1), "{}", stdout(&caught));
    for needle in [
        "modified  scripts/weather.py",
        "added     extra.sh",
        "removed   SKILL.md",
        "stowaway: in skills/ but not in skillseal.lock",
    ] {
        assert_contains(&stdout(&caught), needle);
    }
}

#[test]
fn install_sweeps_up_what_an_interrupted_install_left() {
    let p = Projects::installed();
    let leftover = p.checkout.join("skills/.skillseal-staging-crashed");
    std::fs::create_dir_all(leftover.join("weather-forecast")).unwrap();
    let two_days_ago = std::time::SystemTime::now() - Duration::from_secs(2 * 24 * 3600);
    std::fs::File::open(&leftover)
        .unwrap()
        .set_modified(two_days_ago)
        .unwrap();
    ok(p.run(&p.checkout, &["install", "--locked", "--offline"]));
    assert!(!leftover.exists());
    ok(p.run(&p.checkout, &["verify"]));
}

#[test]
fn wrong_locks_are_refused_with_the_reason_and_nothing_changes() {
    let p = Projects::installed();
    let copy = p.checkout.join("skills/weather-forecast");
    let lock_path = p.checkout.join("skillseal.lock");
    let good = p.lock(&p.checkout);
    let digest_line = good.lines().find(|l| l.starts_with("digest = ")).unwrap();
    let bundle_line = good
        .lines()
        .find(|l| l.starts_with("bundle-digest = "))
        .unwrap();
    let zeros = format!("\"sha256:{}\"", "0".repeat(64));
    let fresh = p.checkout.join(".home");
    for (edited, code, needle) in [
        (
            good.replace("version = \"2.1.0\"", "version = \"^2.1\""),
            2,
            "skillseal.lock: line ",
        ),
        (
            good.replace("verdict = ", "verdikt = "),
            2,
            "unknown field `verdikt`",
        ),
        (
            good.replace(digest_line, &format!("digest = {zeros}")),
            1,
            "the registry served a package with digest",
        ),
        (
            good.replace(bundle_line, &format!("bundle-digest = {zeros}")),
            1,
            "the registry served a bundle with digest",
        ),
        (
            good.replace("\"network\", ", "")
                .replace(", \"network\"", ""),
            1,
            "capabilities grew beyond skillseal.lock: network",
        ),
    ] {
        assert_ne!(edited, good);
        std::fs::write(&lock_path, &edited).unwrap();
        let _ = std::fs::remove_dir_all(&fresh);
        let before = std::fs::read(copy.join("scripts/weather.py")).unwrap();
        let refused = p.run(&p.checkout, &["install", "--locked"]);
        assert_eq!(
            refused.status.code(),
            Some(code),
            "{needle}: {}",
            stderr(&refused)
        );
        assert_contains(&stderr(&refused), needle);
        assert_eq!(
            std::fs::read(copy.join("scripts/weather.py")).unwrap(),
            before
        );
        assert_eq!(std::fs::read_to_string(&lock_path).unwrap(), edited);
    }
}

#[test]
fn install_locked_refuses_a_manifest_that_wants_more_than_the_lock() {
    let p = Projects::installed();
    let manifest = p.checkout.join("skillseal.toml");
    let wants_more = std::fs::read_to_string(&manifest).unwrap() + "other-skill = \"^1\"\n";
    std::fs::write(&manifest, wants_more).unwrap();
    let differs = p.run(&p.checkout, &["install", "--locked"]);
    assert_eq!(differs.status.code(), Some(1));
    assert_contains(
        &stderr(&differs),
        "+ other-skill ^1: in skillseal.toml, not in skillseal.lock",
    );
}

#[test]
fn update_refuses_a_version_the_project_policy_denies_and_skips_yanked_ones() {
    let p = Projects::installed();
    p.publish_process_exec_version();
    let locked_before = p.lock(&p.project);
    let refused = p.run(&p.project, &["update", "--yes"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert_contains(&stdout(&refused), "weather-forecast 2.1.0 -> 2.2.0");
    assert_contains(&stdout(&refused), "+ capability process-exec");
    assert_contains(&stdout(&refused), "+ finding");
    assert_contains(&stderr(&refused), "blocked by the local scan");
    assert_eq!(p.lock(&p.project), locked_before);

    // Yanked: never chosen.
    p.admin_post("2.2.0", "yank");
    let current = ok(p.run(&p.project, &["update", "--yes"]));
    assert_contains(&stdout(&current), "2.1.0: up to date");
    // A locked version that is yanked later still installs, with a warning.
    p.admin_post("2.1.0", "yank");
    let _ = std::fs::remove_dir_all(p.checkout.join(".home"));
    let warned = ok(p.run(&p.checkout, &["install", "--locked"]));
    assert_contains(&stderr(&warned), "2.1.0 is yanked");
}

#[test]
fn update_refuses_a_new_signer_until_the_change_is_allowed_by_name() {
    let p = Projects::installed();
    let other = std::fs::read_to_string(p.publisher.join("other.pub")).unwrap();
    let register = http()
        .post(format!(
            "{}/api/v1/skills/weather-forecast/signers",
            p.server.url
        ))
        .bearer_auth(&p.admin)
        .header("content-type", "application/json")
        .body(serde_json::json!({"key": {"public_key": other}}).to_string())
        .send()
        .unwrap();
    assert_eq!(register.status().as_u16(), 204);
    let v230 = weather_variant(p.dir.path(), "2.3.0", |s| s);
    p.publish(&v230, "other.key");
    let locked_before = p.lock(&p.project);
    let refused = p.run(&p.project, &["update", "--yes"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert_contains(&stderr(&refused), "the signer changed");
    assert_eq!(p.lock(&p.project), locked_before);

    let allowed = ok(p.run(&p.project, &["update", "--yes", "--allow-signer-change"]));
    assert_contains(&stdout(&allowed), "updated weather-forecast to 2.3.0");
    assert_contains(&p.lock(&p.project), "version = \"2.3.0\"");
    ok(p.run(&p.project, &["verify"]));
}

#[test]
fn a_skill_dropped_from_the_manifest_is_uninstalled_and_unlocked() {
    let p = Projects::installed();
    let manifest_path = p.checkout.join("skillseal.toml");
    let without = std::fs::read_to_string(&manifest_path)
        .unwrap()
        .replace("weather-forecast = \"^2.1.0\"\n", "");
    std::fs::write(&manifest_path, without).unwrap();
    ok(p.run(&p.checkout, &["install"]));
    assert!(!p.checkout.join("skills/weather-forecast").exists());
    let emptied = p.lock(&p.checkout);
    assert!(!emptied.contains("[[skill]]"), "{emptied}");
    ok(p.run(&p.checkout, &["verify"]));
}

#[test]
fn scan_name_at_version_scans_a_registry_package_without_installing_it() {
    let p = Projects::new();
    p.publish_process_exec_version();
    let scanned = p.run(&p.project, &["scan", "weather-forecast@2.2.0"]);
    assert_contains(&stdout(&scanned), "EXEC001");
    assert_contains(
        &stdout(&scanned),
        "weather-forecast@2.2.0/scripts/weather.py",
    );
    assert!(!p.project.join("skills").exists());
    assert!(!p.project.join("skillseal.lock").exists());
}

/// A plain TCP listener on loopback that records each request's line and
/// headers, lowercased, and gives every request the same `answer`: a stand-in
/// for a registry a cloned project names, or for an HTTP proxy.
struct Recorder {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn start(answer: String) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 1 << 16 {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => break,
                    }
                }
                let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
                // Read the body too, so closing never resets the answer.
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|n| n.trim().parse::<u64>().ok())
                    .unwrap_or(0);
                let _ = std::io::copy(&mut (&mut stream).take(length), &mut std::io::sink());
                log.lock().unwrap().push(head);
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        Recorder { url, seen }
    }

    /// Answers every request with 404 and the registry's error shape.
    fn not_found() -> Recorder {
        let body = r#"{"error":{"code":"not_found","message":"nothing here"}}"#;
        Recorder::start(format!(
            "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        ))
    }

    /// Answers every request with a redirect to `to`.
    fn redirecting_to(to: &str) -> Recorder {
        Recorder::start(format!(
            "HTTP/1.1 307 Temporary Redirect\r\nlocation: {to}\r\n\
             content-length: 0\r\nconnection: close\r\n\r\n"
        ))
    }

    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    /// Whether any request contained `text` (case-insensitively).
    fn saw(&self, text: &str) -> bool {
        let text = text.to_ascii_lowercase();
        self.requests().iter().any(|r| r.contains(&text))
    }

    /// Whether any request carried an `Authorization` header or `token`.
    fn got_a_token(&self, token: &str) -> bool {
        self.requests().iter().any(|r| {
            r.lines().any(|l| l.starts_with("authorization:"))
                || r.contains(&token.to_ascii_lowercase())
        })
    }
}

/// The `skillseal` CLI in `dir` (also its HOME, so its credentials file is
/// `dir/.config/skillseal/credentials.toml`), with nothing of the test's
/// environment that could carry a token or a proxy, then `env`, and
/// `input` on standard input.
fn skillseal_with(dir: &Path, env: &[(&str, &str)], input: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(skillseal_bin());
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SKILLSEAL_PASSWORD", "pw")
        .env("HOME", dir)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in [
        "SKILLSEAL_TOKEN",
        "SKILLSEAL_CREDENTIALS",
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = input {
        // It may have refused before reading.
        let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
    }
    child.wait_with_output().unwrap()
}

fn credentials_file(home: &Path) -> PathBuf {
    home.join(".config/skillseal/credentials.toml")
}

/// Issue 16, defect 3: a cloned project whose skillseal.toml names another
/// registry got the user's token. Now neither the token stored for the
/// user's registry nor `SKILLSEAL_TOKEN` goes there; `SKILLSEAL_TOKEN`
/// goes only to a registry given with `--registry`.
#[test]
fn a_project_naming_another_registry_never_receives_the_token() {
    let (_dir, data, work) = scratch();
    let w = work.as_path();
    let server = Server::start(&data, None);
    let admin = server.admin.clone().unwrap();
    let from_env = create_token(&data, None, "laptop", "publish:*");
    keygen(w);
    // The user's token for their registry, stored; another in the
    // environment.
    std::fs::create_dir_all(credentials_file(w).parent().unwrap()).unwrap();
    std::fs::write(
        credentials_file(w),
        format!("[registries.\"{}\"]\ntoken = \"{admin}\"\n", server.url),
    )
    .unwrap();
    std::fs::set_permissions(credentials_file(w), std::fs::Permissions::from_mode(0o600)).unwrap();

    // A cloned project names a registry of its own.
    let other = Recorder::not_found();
    std::fs::write(
        w.join("skillseal.toml"),
        format!("[registry]\nurl = \"{}\"\n", other.url),
    )
    .unwrap();
    let sample = repo().join("samples/benign/weather-forecast");
    let env = [("SKILLSEAL_TOKEN", from_env.as_str())];
    for args in [
        &["add", "weather-forecast", "--yes"][..],
        &["scan", "weather-forecast@2.1.0"],
        &[
            "publish",
            sample.to_str().unwrap(),
            "--key",
            "skillseal.key",
        ],
    ] {
        let out = skillseal_with(w, &env, None, args);
        assert!(
            !other.got_a_token(&admin) && !other.got_a_token(&from_env),
            "{args:?} sent a token to the project's registry: {:?}",
            other.requests()
        );
        assert_ne!(out.status.code(), Some(0), "{args:?}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("SKILLSEAL_TOKEN is not sent to"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(
        !other.requests().is_empty(),
        "the project's registry was asked (anonymously)"
    );
    assert!(
        !other.got_a_token(&admin) && !other.got_a_token(&from_env),
        "{:?}",
        other.requests()
    );
    // Publishing there needs a token bound to it, and there is none.
    let publish = skillseal_with(
        w,
        &env,
        None,
        &[
            "publish",
            sample.to_str().unwrap(),
            "--key",
            "skillseal.key",
        ],
    );
    assert_eq!(publish.status.code(), Some(2));
    assert!(
        stderr(&publish).contains(&format!("no token for {}", other.url)),
        "{}",
        stderr(&publish)
    );

    // Named with --registry, the same registry gets SKILLSEAL_TOKEN (and
    // only that one): the user chose it.
    let chosen = skillseal_with(
        w,
        &env,
        None,
        &["scan", "weather-forecast@2.1.0", "--registry", &other.url],
    );
    assert_eq!(chosen.status.code(), Some(2), "{}", stderr(&chosen));
    let last = other.requests().pop().unwrap();
    assert!(
        last.contains(&format!(
            "authorization: bearer {}",
            from_env.to_ascii_lowercase()
        )),
        "{last}"
    );
    assert!(!other.saw(&admin), "{:?}", other.requests());

    // The project names the user's own registry: the token stored for it
    // goes there, SKILLSEAL_TOKEN still does not.
    std::fs::write(
        w.join("skillseal.toml"),
        format!("[registry]\nurl = \"{}/\"\n", server.url),
    )
    .unwrap();
    let published = ok(skillseal_with(
        w,
        &env,
        None,
        &[
            "publish",
            sample.to_str().unwrap(),
            "--key",
            "skillseal.key",
        ],
    ));
    assert!(
        stdout(&published).contains("published weather-forecast 2.1.0"),
        "{}",
        stdout(&published)
    );
    // Published with the stored token: its name owns the skill.
    let (status, owners) = get(
        &format!("{}/api/v1/skills/weather-forecast/owners", server.url),
        None,
    );
    let owners = String::from_utf8_lossy(&owners);
    assert_eq!(status, 200, "{owners}");
    assert!(!owners.contains("laptop"), "{owners}");
}

/// `skillseal login` stores a token for one origin (0600, atomically,
/// checked against the registry first), `logout` removes it, and the old
/// unbound `token = …` is refused with the way out.
/// A running registry, a work folder with a key pair, and where `login`
/// keeps that folder's credentials.
struct Login {
    _dir: tempfile::TempDir,
    data: PathBuf,
    work: PathBuf,
    server: Server,
    admin: String,
    file: PathBuf,
    sample: String,
}

impl Login {
    fn new() -> Login {
        let (_dir, data, work) = scratch();
        let server = Server::start(&data, None);
        let admin = server.admin.clone().unwrap();
        let file = credentials_file(&work);
        keygen(&work);
        let sample = repo().join("samples/benign/weather-forecast");
        Login {
            _dir,
            data,
            work,
            admin,
            file,
            sample: sample.to_str().unwrap().to_string(),
            server,
        }
    }

    fn url(&self) -> &str {
        &self.server.url
    }

    /// `publish` of the weather sample to this registry with the key.
    fn publish(&self) -> [&str; 6] {
        [
            "publish",
            &self.sample,
            "--key",
            "skillseal.key",
            "--registry",
            self.url(),
        ]
    }
}

#[test]
fn login_refuses_a_token_it_cannot_use_and_stores_nothing() {
    let l = Login::new();
    let (w, admin, url, file) = (l.work.as_path(), l.admin.as_str(), l.url(), &l.file);
    // Never as an argument; never empty; only a skillseal token.
    let argument = skillseal_with(w, &[], None, &["login", "--registry", url, admin]);
    assert_eq!(argument.status.code(), Some(2));
    let nothing = skillseal_with(w, &[], None, &["login", "--registry", url]);
    assert_eq!(nothing.status.code(), Some(2));
    assert!(
        stderr(&nothing).contains("no token"),
        "{}",
        stderr(&nothing)
    );
    let wrong = skillseal_with(w, &[], Some("hunter2\n"), &["login", "--registry", url]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("not a skillseal token"),
        "{}",
        stderr(&wrong)
    );
    // Well formed, but the registry does not know it: nothing stored.
    let unknown = format!("skillseal_{}", "x".repeat(43));
    let refused = skillseal_with(
        w,
        &[],
        Some(&format!("{unknown}\n")),
        &["login", "--registry", url],
    );
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("refused the token"),
        "{}",
        stderr(&refused)
    );
    assert!(!file.exists());
}

#[test]
fn login_replaces_the_old_format_and_binds_the_token_to_one_origin() {
    let l = Login::new();
    let (w, admin, url, file) = (l.work.as_path(), l.admin.as_str(), l.url(), &l.file);
    let origin = url.to_string();
    let publish = l.publish();
    // The old format: refused, with the way out.
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, format!("token = \"{admin}\"\n")).unwrap();
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let legacy = skillseal_with(w, &[], None, &publish);
    assert_eq!(legacy.status.code(), Some(2));
    assert!(
        stderr(&legacy).contains("skillseal login --registry URL"),
        "{}",
        stderr(&legacy)
    );
    assert!(!stderr(&legacy).contains(admin));

    // Stored for the registry's origin, however the URL was written.
    let logged_in = ok(skillseal_with(
        w,
        &[],
        Some(&format!("{admin}\n")),
        &["login", "--registry", &format!("{url}/")],
    ));
    assert!(
        stdout(&logged_in).contains(&format!("stored the token for {origin}")),
        "{}",
        stdout(&logged_in)
    );
    assert!(
        stderr(&logged_in).contains("removed the top-level `token`"),
        "{}",
        stderr(&logged_in)
    );
    let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(file).unwrap();
    assert_eq!(
        text,
        format!("[registries.\"{origin}\"]\ntoken = \"{admin}\"\n")
    );
    let leftovers: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");

    // Used for that origin only: `localhost` is the same machine, but
    // another origin.
    ok(skillseal_with(w, &[], None, &publish));
    let port = url.rsplit(':').next().unwrap();
    let elsewhere = format!("http://localhost:{port}");
    let other_origin = skillseal_with(
        w,
        &[],
        None,
        &[
            "publish",
            &l.sample,
            "--key",
            "skillseal.key",
            "--registry",
            &elsewhere,
        ],
    );
    assert_eq!(other_origin.status.code(), Some(2));
    assert!(
        stderr(&other_origin).contains(&format!("no token for {elsewhere}")),
        "{}",
        stderr(&other_origin)
    );
}

#[test]
fn logout_removes_that_origins_token_only() {
    let l = Login::new();
    let (data, w, admin, url, file) = (
        &l.data,
        l.work.as_path(),
        l.admin.as_str(),
        l.url(),
        &l.file,
    );
    let origin = url.to_string();
    let publish = l.publish();
    ok(skillseal_with(
        w,
        &[],
        Some(&format!("{admin}\n")),
        &["login", "--registry", url],
    ));
    // A second token for another origin sits beside it.
    let second = create_token(data, None, "ci", "publish:*");
    std::fs::write(
        file,
        format!(
            "[registries.\"{origin}\"]\ntoken = \"{admin}\"\n\n\
             # mine\n[registries.\"https://skills.example.invalid\"]\ntoken = \"{second}\"\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let open = skillseal_with(w, &[], None, &publish);
    assert_eq!(open.status.code(), Some(2));
    assert!(stderr(&open).contains("chmod 600"), "{}", stderr(&open));

    // logout removes that origin's entry only (and fixes the mode).
    let out = ok(skillseal_with(w, &[], None, &["logout", "--registry", url]));
    assert!(
        stdout(&out).contains(&format!("removed the token for {origin}")),
        "{}",
        stdout(&out)
    );
    let text = std::fs::read_to_string(file).unwrap();
    assert!(!text.contains(admin), "{text}");
    assert!(text.contains(&second) && text.contains("# mine"), "{text}");
    let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let again = ok(skillseal_with(w, &[], None, &["logout", "--registry", url]));
    assert!(
        stdout(&again).contains(&format!("no token stored for {origin}")),
        "{}",
        stdout(&again)
    );
    let gone = skillseal_with(w, &[], None, &publish);
    assert_eq!(gone.status.code(), Some(2));
    assert!(
        stderr(&gone).contains(&format!("no token for {origin}")),
        "{}",
        stderr(&gone)
    );
}

/// A token never travels over plain http to a host that is not loopback:
/// the command fails before connecting. The "remote" registry is a name
/// that is never looked up: an HTTP proxy on loopback (a recorder) would
/// carry the request, so a token sent would be seen there, and nothing
/// leaves this machine.
#[test]
fn a_token_never_goes_over_plain_http_to_a_host_that_is_not_loopback() {
    let (_dir, _data, work) = scratch();
    let w = work.as_path();
    keygen(w);
    let proxy = Recorder::not_found();
    let remote = "http://registry.example.invalid:7171";
    let token = format!("skillseal_{}", "t".repeat(43));
    let via_proxy = [
        ("HTTP_PROXY", proxy.url.as_str()),
        ("http_proxy", proxy.url.as_str()),
    ];
    let with_token = [
        via_proxy[0],
        via_proxy[1],
        ("SKILLSEAL_TOKEN", token.as_str()),
    ];
    let sample = repo().join("samples/benign/weather-forecast");
    let sample = sample.to_str().unwrap();

    for args in [
        &["scan", "weather-forecast@2.1.0", "--registry", remote][..],
        &[
            "publish",
            sample,
            "--key",
            "skillseal.key",
            "--registry",
            remote,
        ],
    ] {
        let out = skillseal_with(w, &with_token, None, args);
        assert!(
            proxy.requests().is_empty(),
            "{args:?} sent something: {:?}",
            proxy.requests()
        );
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("over plain http"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // Stored for it by hand and named by a project: refused the same way.
    std::fs::create_dir_all(credentials_file(w).parent().unwrap()).unwrap();
    std::fs::write(
        credentials_file(w),
        format!("[registries.\"{remote}\"]\ntoken = \"{token}\"\n"),
    )
    .unwrap();
    std::fs::set_permissions(credentials_file(w), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(
        w.join("skillseal.toml"),
        format!("[registry]\nurl = \"{remote}\"\n"),
    )
    .unwrap();
    let named = skillseal_with(w, &via_proxy, None, &["scan", "weather-forecast@2.1.0"]);
    assert_eq!(named.status.code(), Some(2));
    assert!(
        stderr(&named).contains("over plain http"),
        "{}",
        stderr(&named)
    );
    // Nor will login store one for it.
    let login = skillseal_with(
        w,
        &via_proxy,
        Some(&format!("{token}\n")),
        &["login", "--registry", "http://other.example.invalid"],
    );
    assert_eq!(login.status.code(), Some(2));
    assert!(
        stderr(&login).contains("over plain http"),
        "{}",
        stderr(&login)
    );
    assert!(proxy.requests().is_empty(), "{:?}", proxy.requests());

    // Without a token the read goes out (through the proxy), anonymously:
    // the proxy does see what would have been sent.
    std::fs::remove_file(credentials_file(w)).unwrap();
    let anonymous = skillseal_with(w, &via_proxy, None, &["scan", "weather-forecast@2.1.0"]);
    assert_eq!(anonymous.status.code(), Some(2));
    let seen = proxy.requests();
    assert!(
        seen.iter()
            .any(|r| r.starts_with("get http://registry.example.invalid:7171/api/v1/skills/")),
        "{seen:?}"
    );
    assert!(!proxy.got_a_token(&token), "{seen:?}");
}

/// A request with a token follows no redirect to another origin (reqwest
/// alone drops the header only when the host or port changes, not from
/// https to http); anonymous reads still follow redirects.
#[test]
fn a_request_with_a_token_follows_no_redirect_to_another_origin() {
    let (_dir, _data, work) = scratch();
    let w = work.as_path();
    let target = Recorder::not_found();
    let redirector =
        Recorder::redirecting_to(&format!("{}/api/v1/skills/weather-forecast", target.url));
    let token = format!("skillseal_{}", "r".repeat(43));
    let scan = [
        "scan",
        "weather-forecast@2.1.0",
        "--registry",
        &redirector.url,
    ];
    let out = skillseal_with(w, &[("SKILLSEAL_TOKEN", token.as_str())], None, &scan);
    assert!(target.requests().is_empty(), "{:?}", target.requests());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("another origin: not followed"),
        "{}",
        stderr(&out)
    );
    assert!(redirector.got_a_token(&token), "sent to the registry named");
    assert!(target.requests().is_empty(), "{:?}", target.requests());

    let anonymous = skillseal_with(w, &[], None, &scan);
    assert_eq!(anonymous.status.code(), Some(2));
    assert_eq!(target.requests().len(), 1, "{}", stderr(&anonymous));
    assert!(!target.got_a_token(&token));
}

/// Issue 16, defect 7: the real server closes a connection that sends
/// nothing, or part of a request head, or idles after a request, once its
/// `header_read_timeout` has passed.
#[test]
fn the_server_closes_slow_and_idle_connections() {
    use std::io::{Read as _, Write as _};
    let (_tmp, data, _work) = scratch();
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("registry.toml"),
        "[server]\nheader_read_timeout = 1\n",
    )
    .unwrap();
    let server = Server::start(&data, None);
    let addr = server.url.trim_start_matches("http://").to_string();
    let closed_within = |mut s: std::net::TcpStream, wait: u64| {
        s.set_read_timeout(Some(std::time::Duration::from_secs(wait)))
            .unwrap();
        let mut buf = [0u8; 4096];
        loop {
            match s.read(&mut buf) {
                Ok(0) => return true,
                Ok(_) => continue,
                Err(e) => return e.kind() == std::io::ErrorKind::ConnectionReset,
            }
        }
    };
    let silent = std::net::TcpStream::connect(&addr).unwrap();
    let mut partial = std::net::TcpStream::connect(&addr).unwrap();
    partial
        .write_all(format!("GET /api/v1/skills HTTP/1.1\r\nHost: {addr}\r\n").as_bytes())
        .unwrap();
    let mut idle = std::net::TcpStream::connect(&addr).unwrap();
    idle.write_all(format!("GET /api/v1/skills HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .unwrap();
    assert!(closed_within(silent, 20), "a silent connection stayed open");
    assert!(closed_within(partial, 20), "a partial head stayed open");
    assert!(closed_within(idle, 20), "an idle connection stayed open");
}
