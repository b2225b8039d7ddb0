//! `skillseal publish` against a real registry server on a loopback port
//! (the registry library's router served over TCP in this process).

mod common;

use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Output};

use common::{repo, stderr, stdout};
use skillseal_registry::config::{Config, Overrides};
use skillseal_registry::http::{Registry, router};
use skillseal_registry::tokens::Scope;

struct Server {
    _dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
    url: String,
    publisher: String,
    admin: String,
}

fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = std_listener.local_addr().unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let overrides = Overrides {
        listen: Some(addr),
        ..Default::default()
    };
    let config = Config::load(dir.path(), overrides).unwrap();
    let (reg, publisher, admin) = runtime.block_on(async {
        let reg = Registry::open(config).await.unwrap();
        let (_, publisher) = skillseal_registry::auth::create_token(
            &reg.db,
            "test",
            "ci",
            &[Scope::Publish("weather-*".into())],
            None,
        )
        .await
        .unwrap();
        let (_, admin) =
            skillseal_registry::auth::create_token(&reg.db, "test", "admin", &[Scope::Admin], None)
                .await
                .unwrap();
        (
            reg,
            publisher.expose().to_string(),
            admin.expose().to_string(),
        )
    });
    runtime.spawn(async move {
        let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
        axum::serve(
            listener,
            router(reg).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    Server {
        _dir: dir,
        _runtime: runtime,
        url: format!("http://{addr}"),
        publisher,
        admin,
    }
}

fn run(dir: &Path, token: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skillseal"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SKILLSEAL_PASSWORD", "pw")
        .env("HOME", dir)
        .env_remove("SKILLSEAL_TOKEN")
        .env_remove("SKILLSEAL_CREDENTIALS")
        .stdin(std::process::Stdio::null());
    if let Some(t) = token {
        cmd.env("SKILLSEAL_TOKEN", t);
    }
    cmd.output().unwrap()
}

#[test]
fn publish_signs_uploads_and_reports_refusals() {
    let server = start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sample = repo().join("samples/benign/weather-forecast");
    let sample = sample.to_str().unwrap();
    assert_eq!(run(d, None, &["keygen"]).status.code(), Some(0));

    let first = run(
        d,
        Some(&server.publisher),
        &[
            "publish",
            sample,
            "--key",
            "skillseal.key",
            "--registry",
            &server.url,
        ],
    );
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("published weather-forecast 2.1.0"),
        "{}",
        stdout(&first)
    );

    let again = run(
        d,
        Some(&server.publisher),
        &[
            "publish",
            sample,
            "--key",
            "skillseal.key",
            "--registry",
            &server.url,
        ],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("version_exists"),
        "{}",
        stderr(&again)
    );

    // A package signed earlier, with its bundle and signer key.
    assert_eq!(
        run(
            d,
            None,
            &["pack", sample, "--version", "2.2.0", "-o", "w.skill.tgz"]
        )
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        run(d, None, &["sign", "w.skill.tgz", "--key", "skillseal.key"])
            .status
            .code(),
        Some(0)
    );
    let signed = run(
        d,
        Some(&server.publisher),
        &[
            "publish",
            "w.skill.tgz",
            "--bundle",
            "w.skill.tgz.sigstore.json",
            "--signer-key",
            "skillseal.pub",
            "--registry",
            &server.url,
        ],
    );
    assert_eq!(signed.status.code(), Some(0), "{}", stderr(&signed));

    // The token's scope does not cover this name; an admin's does, but the
    // registry's scan blocks the skill.
    let malicious = repo().join("samples/malicious/actions-workflow-lint");
    let narrow = run(
        d,
        Some(&server.publisher),
        &[
            "publish",
            malicious.to_str().unwrap(),
            "--key",
            "skillseal.key",
            "--registry",
            &server.url,
        ],
    );
    assert_eq!(narrow.status.code(), Some(1));
    assert!(stderr(&narrow).contains("forbidden"), "{}", stderr(&narrow));
    let blocked = run(
        d,
        Some(&server.admin),
        &[
            "publish",
            malicious.to_str().unwrap(),
            "--key",
            "skillseal.key",
            "--registry",
            &server.url,
        ],
    );
    assert_eq!(blocked.status.code(), Some(1));
    assert!(
        stderr(&blocked).contains("blocked_by_scan"),
        "{}",
        stderr(&blocked)
    );

    // No token anywhere: a clear error before anything is sent.
    let none = run(
        d,
        None,
        &[
            "publish",
            sample,
            "--key",
            "skillseal.key",
            "--registry",
            &server.url,
        ],
    );
    assert_eq!(none.status.code(), Some(2));
    assert!(
        stderr(&none).contains("SKILLSEAL_TOKEN"),
        "{}",
        stderr(&none)
    );

    // The registry URL from skillseal.toml, the token from a credentials
    // file, which must not be readable by others.
    std::fs::write(
        d.join("skillseal.toml"),
        format!("[registry]\nurl = \"{}\"\n", server.url),
    )
    .unwrap();
    let creds = d.join(".config/skillseal/credentials.toml");
    std::fs::create_dir_all(creds.parent().unwrap()).unwrap();
    std::fs::write(&creds, format!("token = \"{}\"\n", server.publisher)).unwrap();
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(
        run(
            d,
            None,
            &["pack", sample, "--version", "2.3.0", "-o", "v3.skill.tgz"]
        )
        .status
        .code(),
        Some(0)
    );
    let open = run(
        d,
        None,
        &["publish", "v3.skill.tgz", "--key", "skillseal.key"],
    );
    assert_eq!(open.status.code(), Some(2));
    assert!(stderr(&open).contains("chmod 600"), "{}", stderr(&open));
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o600)).unwrap();
    let ok = run(
        d,
        None,
        &["publish", "v3.skill.tgz", "--key", "skillseal.key"],
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
}
