//! The real binaries as processes: `skillseal-registry serve` on a
//! loopback port, the `skillseal` CLI beside it (where
//! `cargo test --workspace` builds it), and plain HTTP.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use sha2::{Digest as _, Sha256};

pub fn registry_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_skillseal-registry"))
}

pub fn skillseal_bin() -> PathBuf {
    let path = registry_bin().with_file_name("skillseal");
    assert!(
        path.exists(),
        "{} is missing: run `cargo test --workspace`, which builds the CLI too",
        path.display()
    );
    path
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The database URLs to run a test on: SQLite in the data directory, and a
/// fresh PostgreSQL database when a server is configured.
pub fn backends() -> Vec<Option<String>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut all = vec![None];
    if let Some(url) = runtime.block_on(super::fresh_postgres()) {
        all.push(Some(url));
    }
    all
}

/// A `skillseal-registry serve` process; killed (SIGKILL) when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
    /// Printed on the first start only.
    pub admin: Option<String>,
}

impl Server {
    pub fn start(data: &Path, database_url: Option<&str>) -> Server {
        Server::start_with(data, database_url, &[])
    }

    pub fn start_with(data: &Path, database_url: Option<&str>, extra: &[&str]) -> Server {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(data.with_extension("log"))
            .unwrap();
        let mut cmd = Command::new(registry_bin());
        cmd.arg("serve")
            .arg("--data")
            .arg(data)
            .args(["--listen", "127.0.0.1:0"])
            .args(extra)
            .env("SKILLSEAL_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log);
        if let Some(url) = database_url {
            cmd.args(["--database-url", url]);
        }
        let mut child = cmd.spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut admin = None;
        let url = loop {
            let Some(Ok(line)) = lines.next() else {
                let log = std::fs::read_to_string(data.with_extension("log")).unwrap_or_default();
                panic!("the server exited before listening:\n{log}");
            };
            if let Some(token) = line.strip_prefix("admin token (shown once, store it now): ") {
                admin = Some(token.to_string());
            } else if let Some(url) = line.strip_prefix("skillseal-registry listening on ") {
                break url.to_string();
            }
        };
        // Nothing more is printed, but a full pipe must never stall it.
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, url, admin }
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A temporary folder with `data/` (the server's) and `work/` (the CLI's).
pub fn scratch() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    (dir, data, work)
}

/// `skillseal-registry token create`, against the live database.
pub fn create_token(data: &Path, database_url: Option<&str>, name: &str, scope: &str) -> String {
    let mut cmd = Command::new(registry_bin());
    cmd.args(["token", "create", "--data"])
        .arg(data)
        .args(["--name", name, "--scope", scope]);
    if let Some(url) = database_url {
        cmd.args(["--database-url", url]);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let token = text.trim().rsplit(' ').next().unwrap().to_string();
    assert!(token.starts_with("skillseal_"), "{text}");
    token
}

/// The `skillseal` CLI in `dir`, which is also its HOME.
pub fn skillseal(dir: &Path, token: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(skillseal_bin());
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SKILLSEAL_PASSWORD", "pw")
        .env("HOME", dir)
        .env_remove("SKILLSEAL_TOKEN")
        .env_remove("SKILLSEAL_CREDENTIALS")
        .stdin(Stdio::null());
    if let Some(t) = token {
        cmd.env("SKILLSEAL_TOKEN", t);
    }
    cmd.output().unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn ok(o: Output) -> Output {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    o
}

pub fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

pub fn get(url: &str, token: Option<&str>) -> (u16, Vec<u8>) {
    let mut req = http().get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().unwrap();
    (resp.status().as_u16(), resp.bytes().unwrap().to_vec())
}

pub fn get_json(url: &str) -> (u16, Value) {
    let (status, body) = get(url, None);
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

pub fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// A key pair in `dir` (skillseal.key, skillseal.pub).
pub fn keygen(dir: &Path) {
    ok(skillseal(dir, None, &["keygen"]));
}

/// `skillseal publish PATH --key KEY --registry URL` with `token`.
pub fn publish_with_key(
    dir: &Path,
    token: Option<&str>,
    url: &str,
    path: &str,
    key: &str,
) -> Output {
    skillseal(
        dir,
        token,
        &["publish", path, "--key", key, "--registry", url],
    )
}

/// Copies `from` into `to` (regular files and folders only).
pub fn copy_dir(from: &Path, to: &Path) {
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

/// The weather sample at another version, its script changed by `edit`.
pub fn weather_variant(dir: &Path, version: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let to = dir.join(format!("weather-{version}"));
    copy_dir(&repo().join("samples/benign/weather-forecast"), &to);
    let skill_md = to.join("SKILL.md");
    let text = std::fs::read_to_string(&skill_md).unwrap();
    std::fs::write(
        &skill_md,
        text.replace("version: 2.1.0", &format!("version: {version}")),
    )
    .unwrap();
    let script = to.join("scripts/weather.py");
    let text = std::fs::read_to_string(&script).unwrap();
    std::fs::write(&script, edit(text)).unwrap();
    to
}

/// Yanks or unyanks (`action`) weather-forecast `version` on the server
/// at `url` with the admin token.
pub fn weather_admin_post(url: &str, admin: &str, version: &str, action: &str) {
    let r = http()
        .post(format!(
            "{url}/api/v1/skills/weather-forecast/{version}/{action}"
        ))
        .bearer_auth(admin)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{action} {version}");
}
