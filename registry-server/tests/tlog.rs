//! The transparency log, end to end: the real `skillseal-registry serve`,
//! the `skillseal` CLI as a client, and each attack issue 21 names, made
//! on the real server's database or by a small HTTP proxy in front of it
//! (which is what a malicious registry is: the CLI talks to the proxy, and
//! the proxy answers what the attacker wants). Every attack must be
//! refused by a client, naming the check, with nothing changed on disk.
//!
//! The happy path and the attacks made on the database run on SQLite, and
//! again on PostgreSQL when `SKILLSEAL_TEST_DATABASE_URL` is set; those a
//! proxy makes run on SQLite (the server's storage plays no part in them).

mod support;

use support::process::*;

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use skillseal_tlog::{Known, LogKey, encode_hash, prove_tree, stored_hashes, tree_hash};

// ------------------------------------------------------------ the proxy

/// An answer the proxy gives instead of the registry's.
#[derive(Clone)]
struct Answer {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

#[derive(Default)]
struct Routes {
    upstream: String,
    /// By path and query, exactly as requested.
    forged: HashMap<String, Answer>,
}

/// A loopback HTTP proxy: forwards every request to `upstream`, except
/// those it was told to forge. Its port never changes, so a project keeps
/// its registry URL across a registry restart.
struct Proxy {
    url: String,
    routes: Arc<Mutex<Routes>>,
}

impl Proxy {
    fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let routes = Arc::new(Mutex::new(Routes {
            upstream: upstream.to_string(),
            forged: HashMap::new(),
        }));
        let shared = routes.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let routes = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &routes);
                });
            }
        });
        Proxy { url, routes }
    }

    fn upstream(&self, url: &str) {
        self.routes.lock().unwrap().upstream = url.to_string();
    }

    fn forge(&self, path: &str, status: u16, content_type: &'static str, body: Vec<u8>) {
        self.routes.lock().unwrap().forged.insert(
            path.to_string(),
            Answer {
                status,
                content_type,
                body,
            },
        );
    }

    fn forge_json(&self, path: &str, value: Value) {
        self.forge(
            path,
            200,
            "application/json",
            serde_json::to_vec(&value).unwrap(),
        );
    }

    fn honest(&self) {
        self.routes.lock().unwrap().forged.clear();
    }
}

fn serve(stream: TcpStream, routes: &Mutex<Routes>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, target) = (
        parts.next().unwrap_or("GET").to_string(),
        parts.next().unwrap_or("/").to_string(),
    );
    let mut headers = Vec::new();
    let mut length = 0;
    loop {
        let mut h = String::new();
        reader.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
            if k.eq_ignore_ascii_case("content-type") || k.eq_ignore_ascii_case("authorization") {
                headers.push((k.to_string(), v.trim().to_string()));
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let (forged, upstream) = {
        let r = routes.lock().unwrap();
        (r.forged.get(&target).cloned(), r.upstream.clone())
    };
    let answer = match forged {
        Some(a) => a,
        None => {
            let mut req = http().request(method.parse().unwrap(), format!("{upstream}{target}"));
            for (k, v) in headers {
                req = req.header(k, v);
            }
            let resp = req.body(body).send().unwrap();
            let status = resp.status().as_u16();
            let json = resp
                .headers()
                .get("content-type")
                .is_some_and(|c| c.to_str().unwrap_or("").contains("json"));
            Answer {
                status,
                content_type: if json {
                    "application/json"
                } else {
                    "application/octet-stream"
                },
                body: resp.bytes().unwrap().to_vec(),
            }
        }
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        answer.status,
        answer.content_type,
        answer.body.len()
    )?;
    stream.write_all(&answer.body)?;
    stream.flush()
}

// ---------------------------------------------------- the registry's side

/// A registry (behind a proxy), a publisher with a key, and projects.
struct Env {
    dir: tempfile::TempDir,
    data: PathBuf,
    database_url: Option<String>,
    server: Server,
    admin: String,
    proxy: Proxy,
    publisher: PathBuf,
}

impl Env {
    fn new(database_url: Option<String>) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let publisher = dir.path().join("publisher");
        std::fs::create_dir_all(&publisher).unwrap();
        let server = Server::start(&data, database_url.as_deref());
        let admin = server.admin.clone().unwrap();
        let proxy = Proxy::start(&server.url);
        keygen(&publisher);
        let env = Env {
            dir,
            data,
            database_url,
            server,
            admin,
            proxy,
            publisher,
        };
        env.publish("2.1.0");
        env
    }

    /// Publishes the weather sample at `version` (a comment added, so each
    /// version is another package).
    fn publish(&self, version: &str) {
        let skill = self.variant(version, "published");
        ok(publish_with_key(
            &self.publisher,
            Some(&self.admin),
            &self.server.url,
            skill.to_str().unwrap(),
            "skillseal.key",
        ));
    }

    /// The weather sample at `version`, its script marked with `mark`.
    fn variant(&self, version: &str, mark: &str) -> PathBuf {
        let at = self.dir.path().join(mark);
        std::fs::create_dir_all(&at).unwrap();
        weather_variant(&at, version, |s| format!("{s}\n# {mark}\n"))
    }

    fn restart(&mut self) {
        self.server.kill();
        self.server = Server::start(&self.data, self.database_url.as_deref());
        self.proxy.upstream(&self.server.url);
    }

    /// A project folder trusting the publisher's key, naming the proxy.
    fn project(&self, name: &str) -> PathBuf {
        let d = self.dir.path().join(name);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("skillseal.toml"),
            format!(
                "[registry]\nurl = \"{}\"\n\n[[trust]]\nkey = \"team.pub\"\n",
                self.proxy.url
            ),
        )
        .unwrap();
        std::fs::copy(self.publisher.join("skillseal.pub"), d.join("team.pub")).unwrap();
        d
    }

    fn db(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data.join("registry.db").display()))
    }

    /// Runs `sql` statements on the registry's database.
    fn sql(&self, statements: &[String]) {
        let url = self.db();
        block_on(async move {
            let db = sqlx::AnyPool::connect(&url).await.unwrap();
            for s in statements {
                sqlx::query(s).execute(&db).await.unwrap();
            }
            db.close().await;
        });
    }

    /// The log's leaves, as the database holds them.
    fn leaves(&self) -> Vec<String> {
        let url = self.db();
        block_on(async move {
            use sqlx::Row as _;
            let db = sqlx::AnyPool::connect(&url).await.unwrap();
            let rows = sqlx::query("SELECT leaf FROM log_entries ORDER BY idx")
                .fetch_all(&db)
                .await
                .unwrap();
            db.close().await;
            rows.iter().map(|r| r.get::<String, _>(0)).collect()
        })
    }

    /// Replaces the whole log in the database by `leaves` (the stored
    /// hashes recomputed, as a registry rebuilding its log would).
    fn rebuild_log(&self, leaves: &[String]) {
        let tree = Tree::of(leaves);
        let mut statements = vec![
            "DELETE FROM log_entries".to_string(),
            "DELETE FROM log_hashes".to_string(),
        ];
        for (i, leaf) in leaves.iter().enumerate() {
            statements.push(format!(
                "INSERT INTO log_entries (idx, leaf) VALUES ({i}, '{}')",
                leaf.replace('\'', "''")
            ));
        }
        for (i, h) in &tree.stored {
            statements.push(format!(
                "INSERT INTO log_hashes (idx, hash) VALUES ({i}, '{}')",
                hex::encode(h.0)
            ));
        }
        self.sql(&statements);
    }

    /// Stores `bytes` in the registry's blob store; returns its digest.
    fn put_blob(&self, bytes: &[u8]) -> String {
        let digest = sha256(bytes);
        let hex = &digest["sha256:".len()..];
        let dir = self.data.join("blobs/sha256").join(&hex[..2]);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(hex), bytes).unwrap();
        digest
    }

    /// The registry's own log key (the attacker is the registry).
    fn log_key(&self) -> LogKey {
        LogKey::from_private(&std::fs::read_to_string(self.data.join("log.key")).unwrap()).unwrap()
    }

    /// A checkpoint of `tree`, signed with the registry's key.
    fn sign(&self, tree: &Tree) -> Vec<u8> {
        self.log_key()
            .sign_checkpoint(tree.size, tree_hash(tree.size, &tree.known).unwrap())
            .unwrap()
    }

    fn checkpoint(&self) -> Vec<u8> {
        get(&format!("{}/api/v1/log/checkpoint", self.server.url), None).1
    }
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    sqlx::any::install_default_drivers();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// A tree computed in the test: its stored hashes.
struct Tree {
    size: u64,
    known: Known,
    stored: Vec<(u64, skillseal_tlog::Hash)>,
}

impl Tree {
    fn of(leaves: &[String]) -> Tree {
        let mut known = Known::default();
        let mut stored = Vec::new();
        for (n, leaf) in leaves.iter().enumerate() {
            let n = n as u64;
            let new = stored_hashes(n, leaf.as_bytes(), &known).unwrap();
            let first = skillseal_tlog::stored_hash_index(0, n);
            for (i, h) in new.into_iter().enumerate() {
                known.insert(first + i as u64, h);
                stored.push((first + i as u64, h));
            }
        }
        Tree {
            size: leaves.len() as u64,
            known,
            stored,
        }
    }

    fn consistency(&self, from: u64) -> Vec<String> {
        prove_tree(self.size, from, &self.known)
            .unwrap()
            .iter()
            .map(encode_hash)
            .collect()
    }
}

/// A `publish` leaf with its time, version or attestation digest changed
/// by `f`, in canonical form (what a registry rewriting its log writes).
fn alter(leaf: &str, f: impl FnOnce(&mut i64, &mut String, &mut String)) -> String {
    let mut leaf = skillseal_tlog::Leaf::parse(leaf.as_bytes()).unwrap();
    let skillseal_tlog::Leaf::Publish {
        time,
        version,
        attestation_digest,
        ..
    } = &mut leaf
    else {
        panic!("not a publish leaf: {leaf:?}");
    };
    f(time, version, attestation_digest);
    String::from_utf8(leaf.to_bytes()).unwrap()
}

// ------------------------------------------------------- the client side

/// The CLI in `dir`, its HOME (and so its package cache) inside it.
fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(skillseal_bin())
        .args(args)
        .current_dir(dir)
        .env("HOME", dir.join(".home"))
        .env("NO_COLOR", "1")
        .env_remove("SKILLSEAL_TOKEN")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// A command refused on a check: exit 1, standard error naming `check`.
fn refused(o: Output, check: &str) -> String {
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{check}:\n{}\n{err}", stdout(&o));
    assert!(err.contains(check), "{check} in\n{err}");
    err
}

/// Every file under `dir` with its bytes (the project, as on disk).
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walk(dir) {
        if !e.starts_with(dir.join(".home")) {
            out.push((e.clone(), std::fs::read(&e).unwrap()));
        }
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn lock(dir: &Path) -> skillseal_lock::Lockfile {
    skillseal_lock::Lockfile::parse(&std::fs::read_to_string(dir.join("skillseal.lock")).unwrap())
        .unwrap()
}

fn manifest(dir: &Path) -> skillseal_lock::Manifest {
    skillseal_lock::Manifest::parse(&std::fs::read_to_string(dir.join("skillseal.toml")).unwrap())
        .unwrap()
}

// ----------------------------------------------------------- happy paths

#[test]
fn add_pins_the_log_key_and_the_checkpoint_and_later_commands_prove_the_log_only_grew() {
    for database_url in backends() {
        let mut env = Env::new(database_url);
        let key: Value = get_json(&format!("{}/api/v1/log/key", env.server.url)).1;
        let project = env.project("project");

        // The first add shows the key and pins it with the lock's
        // checkpoint and the version's log index.
        let added = ok(run(&project, &["add", "weather-forecast", "--yes"]));
        let err = stderr(&added);
        assert!(err.contains(key["key"].as_str().unwrap()), "{err}");
        assert!(err.contains("transparency log"), "{err}");
        assert_eq!(manifest(&project).log_key.as_deref(), key["key"].as_str());
        let l = lock(&project);
        assert_eq!(l.skills["weather-forecast"].log_index, Some(0));
        let log = l.log.clone().unwrap();
        assert_eq!(log.size, 1);

        // Across a restart, with more published, update proves the new
        // checkpoint extends the lock's and the new version is in it.
        env.restart();
        env.publish("2.2.0");
        env.admin_post("2.1.0", "yank");
        ok(run(&project, &["update", "--yes"]));
        let l = lock(&project);
        assert_eq!(l.skills["weather-forecast"].version, "2.2.0");
        assert_eq!(l.skills["weather-forecast"].log_index, Some(1));
        assert_eq!(l.log.as_ref().unwrap().size, 3);

        // A clean checkout installs exactly the lock, proving it, and keeps
        // the lock as it is although the log grew.
        env.publish("2.3.0");
        let checkout = env.project("checkout");
        for f in ["skillseal.toml", "skillseal.lock"] {
            std::fs::copy(project.join(f), checkout.join(f)).unwrap();
        }
        let before = std::fs::read(checkout.join("skillseal.lock")).unwrap();
        ok(run(&checkout, &["install", "--locked"]));
        assert_eq!(
            std::fs::read(checkout.join("skillseal.lock")).unwrap(),
            before
        );

        // verify --log re-checks the lock against the current checkpoint.
        let verified = ok(run(&checkout, &["verify", "--log"]));
        let out = stdout(&verified);
        assert!(
            out.contains("log: checkpoint of size 4")
                && out.contains("consistent with the lock's of size 3"),
            "{out}"
        );

        // A monitor reports every entry, then only the new ones.
        let state = env.dir.path().join("monitor.json");
        let state_arg = state.to_str().unwrap();
        let first = ok(run(
            env.dir.path(),
            &["log", "monitor", &env.proxy.url, "--state", state_arg],
        ));
        assert!(
            stderr(&first).contains("trusting the log key"),
            "{}",
            stderr(&first)
        );
        let out = stdout(&first);
        for line in [
            "0 publish weather-forecast@2.1.0 sha256:",
            "1 publish weather-forecast@2.2.0 sha256:",
            "2 yank weather-forecast@2.1.0 sha256:",
            "3 publish weather-forecast@2.3.0 sha256:",
            "4 new entries",
        ] {
            assert!(out.contains(line), "{line} in\n{out}");
        }
        env.admin_post("2.1.0", "unyank");
        let second = ok(run(
            env.dir.path(),
            &["log", "monitor", &env.proxy.url, "--state", state_arg],
        ));
        let out = stdout(&second);
        assert!(
            out.contains("consistent with the stored size 4")
                && out.contains("4 unyank weather-forecast@2.1.0")
                && out.contains("1 new entry"),
            "{out}"
        );
        let saved: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
        assert_eq!(saved["size"], 5);
        assert_eq!(saved["key"], key["key"]);
    }
}

impl Env {
    fn admin_post(&self, version: &str, action: &str) {
        weather_admin_post(&self.server.url, &self.admin, version, action);
    }
}

#[test]
fn a_lock_from_before_the_log_is_proven_and_filled_by_the_next_update() {
    let env = Env::new(None);
    let project = env.project("project");
    ok(run(&project, &["add", "weather-forecast", "--yes"]));
    // The lock and manifest as they were before the log.
    let text = std::fs::read_to_string(project.join("skillseal.lock")).unwrap();
    let mut old = skillseal_lock::Lockfile::parse(&text).unwrap();
    old.log = None;
    for s in old.skills.values_mut() {
        s.log_index = None;
    }
    std::fs::write(project.join("skillseal.lock"), old.to_toml()).unwrap();
    // verify --log needs every entry's index: it proves, it never fills.
    let before = snapshot(&project);
    refused(
        run(&project, &["verify", "--log"]),
        "weather-forecast 2.1.0: transparency log: log entry: skillseal.lock records no log-index",
    );
    assert_eq!(snapshot(&project), before);
    let toml = std::fs::read_to_string(project.join("skillseal.toml")).unwrap();
    let without_key: String = toml
        .lines()
        .filter(|l| !l.starts_with("log-key"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(project.join("skillseal.toml"), &without_key).unwrap();

    // install warns that nothing checks the log without a key.
    let installed = ok(run(&project, &["install", "--locked"]));
    assert!(
        stderr(&installed).contains("pins no log key"),
        "{}",
        stderr(&installed)
    );
    // A lock that recorded a checkpoint needs its key back.
    let mut recorded = old.clone();
    recorded.log = Some(skillseal_lock::LogCheckpoint {
        size: 1,
        root: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".into(),
    });
    std::fs::write(project.join("skillseal.lock"), recorded.to_toml()).unwrap();
    let o = run(&project, &["install", "--locked"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("pins no `[registry] log-key`"),
        "{}",
        stderr(&o)
    );
    std::fs::write(project.join("skillseal.lock"), old.to_toml()).unwrap();
    // update pins the key, proves the locked version and fills the lock.
    let updated = ok(run(&project, &["update", "--yes"]));
    assert!(stdout(&updated).contains("recorded the transparency log's checkpoint"));
    let l = lock(&project);
    assert_eq!(l.skills["weather-forecast"].log_index, Some(0));
    assert_eq!(l.log.unwrap().size, 1);
    assert!(manifest(&project).log_key.is_some());
}

// ---------------------------------------------------------------- attacks

/// A project that added weather-forecast 2.1.0, on a registry that has
/// since published 2.2.0 (the log holds 2 entries; the lock's checkpoint
/// has 1).
fn added(database_url: Option<String>) -> (Env, PathBuf) {
    let env = Env::new(database_url);
    let project = env.project("project");
    ok(run(&project, &["add", "weather-forecast", "--yes"]));
    env.publish("2.2.0");
    (env, project)
}

/// A clean checkout of `project`: its manifest and lock, nothing installed.
fn checkout(env: &Env, project: &Path, name: &str) -> PathBuf {
    let d = env.project(name);
    for f in ["skillseal.toml", "skillseal.lock"] {
        std::fs::copy(project.join(f), d.join(f)).unwrap();
    }
    d
}

/// Attack 1: a published version's digest changed in the database, with
/// its blob (another package of the same name and version, signed by the
/// same trusted key, so every other check passes).
#[test]
fn a_digest_changed_in_the_database_is_refused_naming_the_log_entry() {
    for database_url in backends() {
        let mut env = Env::new(database_url);
        let other = env.variant("2.1.0", "swapped");
        let file = env.dir.path().join("swapped.skill.tgz");
        ok(skillseal(
            &env.publisher,
            None,
            &[
                "pack",
                other.to_str().unwrap(),
                "-o",
                file.to_str().unwrap(),
            ],
        ));
        ok(skillseal(
            &env.publisher,
            None,
            &["sign", file.to_str().unwrap(), "--key", "skillseal.key"],
        ));
        let digest = env.put_blob(&std::fs::read(&file).unwrap());
        let bundle =
            env.put_blob(&std::fs::read(format!("{}.sigstore.json", file.display())).unwrap());
        env.sql(&[format!(
            "UPDATE versions SET digest = '{digest}', bundle_digest = '{bundle}' \
             WHERE skill = 'weather-forecast' AND version = '2.1.0'"
        )]);
        env.restart();

        let key: Value = get_json(&format!("{}/api/v1/log/key", env.server.url)).1;
        for command in [&["add", "weather-forecast", "--yes"][..], &["install"][..]] {
            let project = env.project(&format!("project-{}", command[0]));
            if command[0] == "install" {
                // A project that pinned the key and wants the skill, without a
                // lock yet: install resolves it.
                std::fs::write(
                    project.join("skillseal.toml"),
                    format!(
                        "[registry]\nurl = \"{}\"\nlog-key = \"{}\"\n\n[[trust]]\nkey = \"team.pub\"\n\n\
                         [skills]\nweather-forecast = \"^2.1\"\n",
                        env.proxy.url,
                        key["key"].as_str().unwrap()
                    ),
                )
                .unwrap();
            }
            let before = snapshot(&project);
            let err = refused(
                run(&project, command),
                "weather-forecast 2.1.0: transparency log: log entry: entry 0 publishes the package digest",
            );
            assert!(err.contains(&digest), "{err}");
            assert_eq!(
                snapshot(&project),
                before,
                "{command:?} changed the project"
            );
        }
    }
}

/// Attack 2: the last entries deleted from the database: the registry's
/// checkpoint is now smaller than the lock's.
#[test]
fn entries_deleted_from_the_database_make_a_stale_checkpoint() {
    for database_url in backends() {
        let (mut env, project) = added(database_url);
        ok(run(&project, &["update", "--yes"]));
        assert_eq!(lock(&project).log.unwrap().size, 2);
        env.sql(&["DELETE FROM log_entries WHERE idx >= 1".to_string()]);
        env.restart();
        for command in [
            &["install", "--locked"][..],
            &["verify", "--log"][..],
            &["update", "--yes"][..],
        ] {
            let before = snapshot(&project);
            refused(
                run(&project, command),
                "transparency log: stale checkpoint: the registry shows a log of size 1, older than the one of size 2",
            );
            assert_eq!(snapshot(&project), before, "{command:?}");
        }
    }
}

/// Attack 3: the whole log rebuilt from scratch with one entry altered
/// (and the version row made to match it): the registry signs the new
/// tree, which does not extend the lock's.
#[test]
fn a_log_rebuilt_with_one_entry_altered_fails_the_consistency_proof() {
    for database_url in backends() {
        let (mut env, project) = added(database_url);
        let state = env.dir.path().join("monitor.json");
        let state_arg = state.to_str().unwrap().to_string();
        ok(run(
            env.dir.path(),
            &["log", "monitor", &env.proxy.url, "--state", &state_arg],
        ));
        let saved = std::fs::read(&state).unwrap();

        let mut leaves = env.leaves();
        assert_eq!(leaves.len(), 2);
        leaves[0] = alter(&leaves[0], |time, _, _| *time -= 3600);
        env.rebuild_log(&leaves);
        env.restart();

        let checkout = checkout(&env, &project, "checkout");
        for (dir, command) in [
            (&project, &["update", "--yes"][..]),
            (&checkout, &["install", "--locked"][..]),
            (&project, &["verify", "--log"][..]),
        ] {
            let before = snapshot(dir);
            refused(
                run(dir, command),
                "transparency log: consistency proof: the log of size 2 does not extend the one of size 1",
            );
            assert_eq!(snapshot(dir), before, "{command:?}");
        }
        // A monitor that saw the honest log sees the rewrite, and keeps its
        // state.
        refused(
            run(
                env.dir.path(),
                &["log", "monitor", &env.proxy.url, "--state", &state_arg],
            ),
            "consistency proof",
        );
        assert_eq!(std::fs::read(&state).unwrap(), saved);
    }
}

/// Attack 4: one client shown a fork: a tree that extends the registry's
/// with one more entry, but whose first entries differ from the ones the
/// client's lock recorded; signed with the registry's key, its
/// consistency proof computed honestly for the fork.
#[test]
fn a_forked_checkpoint_fails_the_consistency_proof() {
    let (env, project) = added(None);
    let mut leaves = env.leaves();
    leaves[0] = alter(&leaves[0], |time, _, _| *time += 1);
    let extra = alter(&leaves[1], |_, version, _| *version = "9.9.9".into());
    leaves.push(extra);
    let fork = Tree::of(&leaves);
    env.proxy
        .forge("/api/v1/log/checkpoint", 200, "text/plain", env.sign(&fork));
    env.proxy.forge_json(
        "/api/v1/log/consistency?from=1&to=3",
        serde_json::json!({"from": 1, "to": 3, "proof": fork.consistency(1)}),
    );
    let checkout = checkout(&env, &project, "checkout");
    let before = snapshot(&checkout);
    refused(
        run(&checkout, &["install", "--locked"]),
        "transparency log: consistency proof: the log of size 3 does not extend the one of size 1",
    );
    assert_eq!(snapshot(&checkout), before);
    // The same client, shown the honest log again, installs.
    env.proxy.honest();
    ok(run(&checkout, &["install", "--locked"]));
}

/// Attack 5: a scan attestation signed by another key, and one about
/// another package: the log itself names them (a registry that rebuilt
/// its log for a client with no history yet), so only the attestation's
/// own checks can refuse them.
#[test]
fn an_attestation_signed_by_another_key_or_for_another_package_is_refused() {
    for database_url in backends() {
        let (mut env, _) = added(database_url);
        let real = get(
            &format!(
                "{}/api/v1/skills/weather-forecast/2.1.0/attestation",
                env.server.url
            ),
            None,
        )
        .1;
        let envelope: skillseal_tlog::Envelope = serde_json::from_slice(&real).unwrap();
        let payload = base64_decode(&envelope.payload);
        // Another key of the same name: the same origin, another secret.
        let (thief, _) = LogKey::from_seed(env.log_key().origin(), &[7; 32]).unwrap();
        let by_another_key = thief
            .sign_envelope(skillseal_tlog::IN_TOTO, &payload)
            .unwrap()
            .to_bytes();
        // The registry's own signature, about 2.2.0's package.
        let about_another = get(
            &format!(
                "{}/api/v1/skills/weather-forecast/2.2.0/attestation",
                env.server.url
            ),
            None,
        )
        .1;

        for (bytes, check) in [
            (
                by_another_key,
                "scan attestation: not signed by the pinned log key",
            ),
            (
                about_another,
                "scan attestation: it is about another package",
            ),
        ] {
            // The registry keeps the attestation in the version's row.
            let digest = skillseal_tlog::digest_of(&bytes);
            let text = String::from_utf8(bytes).unwrap().replace('\'', "''");
            let mut leaves = env.leaves();
            leaves[0] = alter(&leaves[0], |_, _, attestation| {
                *attestation = digest.clone()
            });
            env.rebuild_log(&leaves);
            env.sql(&[format!(
                "UPDATE versions SET attestation_digest = '{digest}', attestation = '{text}' \
                 WHERE skill = 'weather-forecast' AND version = '2.1.0'"
            )]);
            env.restart();
            let project = env.project(&format!("fresh-{}", &digest[7..15]));
            let before = snapshot(&project);
            refused(
                run(&project, &["add", "weather-forecast@=2.1.0", "--yes"]),
                &format!("weather-forecast 2.1.0: transparency log: {check}"),
            );
            assert_eq!(snapshot(&project), before);
        }
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

/// Attack 6: a checkpoint older than the lock's, genuinely signed (kept
/// from before, and replayed).
#[test]
fn a_replayed_older_checkpoint_is_stale() {
    let (env, project) = added(None);
    let old = env.checkpoint();
    env.publish("2.3.0");
    ok(run(&project, &["update", "--yes"]));
    assert_eq!(lock(&project).log.unwrap().size, 3);
    env.proxy
        .forge("/api/v1/log/checkpoint", 200, "text/plain", old);
    let checkout = checkout(&env, &project, "checkout");
    for (dir, command) in [
        (&checkout, &["install", "--locked"][..]),
        (&project, &["verify", "--log"][..]),
    ] {
        let before = snapshot(dir);
        refused(
            run(dir, command),
            "stale checkpoint: the registry shows a log of size 2, older than the one of size 3",
        );
        assert_eq!(snapshot(dir), before, "{command:?}");
    }
}

/// A pinned key is never replaced by the one a registry serves: a registry
/// whose key changed (a new key file) cannot open a checkpoint.
#[test]
fn a_registry_with_another_log_key_is_refused_not_re_pinned() {
    let (mut env, project) = added(None);
    let pinned = manifest(&project).log_key.unwrap();
    std::fs::remove_file(env.data.join("log.key")).unwrap();
    env.restart();
    let before = snapshot(&project);
    refused(
        run(&project, &["update", "--yes"]),
        "transparency log: checkpoint signature",
    );
    assert_eq!(snapshot(&project), before);
    assert_eq!(manifest(&project).log_key.as_deref(), Some(pinned.as_str()));
    // A monitor given the old key refuses too, and stores nothing.
    let state = env.dir.path().join("monitor.json");
    refused(
        run(
            env.dir.path(),
            &[
                "log",
                "monitor",
                &env.proxy.url,
                "--state",
                state.to_str().unwrap(),
                "--key",
                &pinned,
            ],
        ),
        "checkpoint signature",
    );
    assert!(!state.exists());
}
