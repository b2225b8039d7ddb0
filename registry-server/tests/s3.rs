//! Blobs in S3-compatible object storage, against a real S3 server on
//! loopback (`.ci/run` starts moto's server and sets
//! `SKILLSEAL_TEST_S3_ENDPOINT` and the AWS credentials it accepts).
//! Without it these tests are skipped with a loud message, except under
//! CI (`CI` set), where they must run.

mod support;

use std::path::Path;
use std::process::Command;

use support::process::*;

/// The endpoint, and a fresh bucket on it.
fn s3() -> Option<(String, String)> {
    let Ok(endpoint) = std::env::var("SKILLSEAL_TEST_S3_ENDPOINT") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "SKILLSEAL_TEST_S3_ENDPOINT is not set: .ci/run starts an S3 server and sets it"
        );
        eprintln!(
            "\n==== SKIPPED: no S3 server. Set SKILLSEAL_TEST_S3_ENDPOINT (and AWS_ACCESS_KEY_ID, \
             AWS_SECRET_ACCESS_KEY) to an S3-compatible server on loopback, as .ci/run does ====\n"
        );
        return None;
    };
    let bucket = format!(
        "skillseal-{}",
        &skillseal_registry::tokens::generate().0[..12]
    );
    // moto creates a bucket on an anonymous PUT; the registry never does.
    let created = http().put(format!("{endpoint}/{bucket}")).send().unwrap();
    assert!(created.status().is_success(), "create bucket: {created:?}");
    Some((endpoint, bucket))
}

fn blob_flags(endpoint: &str, url: &str) -> Vec<String> {
    vec![
        "--blob-url".into(),
        url.into(),
        "--blob-endpoint".into(),
        endpoint.into(),
        "--blob-path-style".into(),
    ]
}

fn start(data: &Path, db: Option<&str>, flags: &[String]) -> Server {
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    Server::start_with(data, db, &flags)
}

/// `skillseal-registry ARGS --data DATA [--database-url] FLAGS`.
fn offline(args: &[&str], data: &Path, db: Option<&str>, flags: &[String]) -> std::process::Output {
    let mut cmd = Command::new(registry_bin());
    cmd.args(args).arg("--data").arg(data).args(flags);
    if let Some(url) = db {
        cmd.args(["--database-url", url]);
    }
    cmd.output().unwrap()
}

#[test]
fn blobs_live_in_the_bucket_and_fsck_checks_them() {
    let Some((endpoint, bucket)) = s3() else {
        return;
    };
    let (_dir, data, work) = scratch();
    let flags = blob_flags(&endpoint, &format!("s3://{bucket}/registry"));
    let server = start(&data, None, &flags);
    keygen(&work);
    let sample = repo().join("samples/benign/weather-forecast");
    ok(publish_with_key(
        &work,
        server.admin.as_deref(),
        &server.url,
        sample.to_str().unwrap(),
        "skillseal.key",
    ));
    let skill = get_json(&format!("{}/api/v1/skills/weather-forecast", server.url)).1;
    let digest = skill["versions"][0]["digest"].as_str().unwrap().to_string();
    let (status, package) = get(
        &format!(
            "{}/api/v1/skills/weather-forecast/2.1.0/package",
            server.url
        ),
        None,
    );
    assert_eq!((status, sha256(&package)), (200, digest));
    assert!(!data.join("blobs").exists(), "nothing on the local disk");
    let checked = ok(offline(&["fsck"], &data, None, &flags));
    assert!(
        stdout(&checked).contains("0 missing, 0 corrupt"),
        "{}",
        stdout(&checked)
    );

    // Objects lost from the bucket: fsck finds them.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let removed = runtime.block_on(async {
        let store = skillseal_registry::blobs::BlobStore::open(
            &data,
            Some(&skillseal_registry::blobs::ObjectConfig {
                url: format!("s3://{bucket}/registry"),
                endpoint: Some(endpoint.clone()),
                region: None,
                path_style: true,
                redirect: false,
            }),
        )
        .unwrap();
        store.remove_orphans(Default::default(), 0).await
    });
    assert_eq!(removed, 3, "package, bundle and report");
    // The package, read before, is still served from the server's memory
    // of immutable blobs; the bundle, never read, is not served.
    let (status, _) = get(
        &format!("{}/api/v1/skills/weather-forecast/2.1.0/bundle", server.url),
        None,
    );
    assert_eq!(status, 500);
    let checked = offline(&["fsck"], &data, None, &flags);
    assert_eq!(checked.status.code(), Some(1), "{}", stdout(&checked));
    assert!(
        stdout(&checked).contains("3 missing"),
        "{}",
        stdout(&checked)
    );
}

/// N stateless servers: two processes on one database and one bucket.
/// A publish through one installs through the other; one version
/// published through both at once lands once; a server killed during
/// publishes leaves no visible version without its blobs.
#[test]
fn two_servers_share_one_database_and_one_bucket() {
    let Some((endpoint, bucket)) = s3() else {
        return;
    };
    for db in backends() {
        let db = db.as_deref();
        let (_dir, data, work) = scratch();
        let flags = blob_flags(
            &endpoint,
            &format!("s3://{bucket}/{}", db.map_or("sqlite", |_| "pg")),
        );
        let a = start(&data, db, &flags);
        let b = start(&data, db, &flags);
        let admin = a.admin.clone().expect("the first start prints a token");
        keygen(&work);
        let sample = repo().join("samples/benign/weather-forecast");
        ok(publish_with_key(
            &work,
            Some(&admin),
            &a.url,
            sample.to_str().unwrap(),
            "skillseal.key",
        ));

        // Installed through the other server.
        let project = work.join("project");
        std::fs::create_dir_all(&project).unwrap();
        std::fs::copy(work.join("skillseal.pub"), project.join("team.pub")).unwrap();
        std::fs::write(
            project.join("skillseal.toml"),
            format!(
                "[registry]\nurl = \"{}\"\n\n[[trust]]\nkey = \"team.pub\"\n",
                b.url
            ),
        )
        .unwrap();
        ok(skillseal(
            &project,
            None,
            &["add", "weather-forecast", "--yes"],
        ));
        ok(skillseal(&project, None, &["verify"]));

        // One version through both at once: exactly one lands.
        let variant = weather_variant(&work, "2.2.0", |s| format!("{s}\n# 2.2.0\n"));
        let path = variant.to_str().unwrap().to_string();
        let outcomes: Vec<bool> = std::thread::scope(|scope| {
            [&a.url, &b.url]
                .map(|url| {
                    let (w, admin, path) = (&work, &admin, &path);
                    scope.spawn(move || {
                        publish_with_key(w, Some(admin), url, path, "skillseal.key")
                            .status
                            .success()
                    })
                })
                .map(|h| h.join().unwrap())
                .to_vec()
        });
        assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "{outcomes:?}");

        // A server killed during publishes: every visible version is whole.
        let versions: Vec<String> = (0..6).map(|i| format!("3.0.{i}")).collect();
        let variants: Vec<String> = versions
            .iter()
            .map(|v| {
                weather_variant(&work, v, |s| format!("{s}\n# {v}\n"))
                    .to_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let mut a = a;
        std::thread::scope(|scope| {
            let url = a.url.clone();
            let (w, admin) = (&work, &admin);
            let publishing = scope.spawn(move || {
                for path in &variants {
                    let _ = publish_with_key(w, Some(admin), &url, path, "skillseal.key");
                }
            });
            std::thread::sleep(std::time::Duration::from_millis(700));
            a.kill();
            publishing.join().unwrap();
        });
        let skill = get_json(&format!("{}/api/v1/skills/weather-forecast", b.url)).1;
        for v in skill["versions"].as_array().unwrap() {
            let version = v["version"].as_str().unwrap();
            for (file, key) in [("package", "digest"), ("bundle", "bundle_digest")] {
                let (status, bytes) = get(
                    &format!("{}/api/v1/skills/weather-forecast/{version}/{file}", b.url),
                    None,
                );
                assert_eq!(status, 200, "{version} {file}");
                assert_eq!(sha256(&bytes), v[key].as_str().unwrap(), "{version} {file}");
            }
        }
        let verified = ok(offline(&["log", "verify"], &data, db, &[]));
        assert!(
            stdout(&verified).contains(" 0 problems"),
            "{}",
            stdout(&verified)
        );
    }
}

/// An existing registry's blobs copied into a bucket; the registry then
/// runs on the bucket, with the same versions.
#[test]
fn migrate_blobs_moves_a_registry_into_the_bucket() {
    let Some((endpoint, bucket)) = s3() else {
        return;
    };
    let (_dir, data, work) = scratch();
    let mut local = Server::start(&data, None);
    keygen(&work);
    let sample = repo().join("samples/benign/weather-forecast");
    ok(publish_with_key(
        &work,
        local.admin.as_deref(),
        &local.url,
        sample.to_str().unwrap(),
        "skillseal.key",
    ));
    local.kill();
    let url = format!("s3://{bucket}/migrated");
    let mut migrate = Command::new(registry_bin());
    migrate.args(["migrate-blobs", "--from"]).arg(&data).args([
        "--to",
        &url,
        "--blob-endpoint",
        &endpoint,
        "--blob-path-style",
    ]);
    let migrated = ok(migrate.output().unwrap());
    assert!(
        stdout(&migrated).contains("copied 3 blobs"),
        "{}",
        stdout(&migrated)
    );
    std::fs::remove_dir_all(data.join("blobs")).unwrap();
    let flags = blob_flags(&endpoint, &url);
    let server = start(&data, None, &flags);
    let skill = get_json(&format!("{}/api/v1/skills/weather-forecast", server.url)).1;
    let (status, package) = get(
        &format!(
            "{}/api/v1/skills/weather-forecast/2.1.0/package",
            server.url
        ),
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(
        sha256(&package),
        skill["versions"][0]["digest"].as_str().unwrap()
    );
    let checked = ok(offline(&["fsck"], &data, None, &flags));
    assert!(
        stdout(&checked).contains("0 missing, 0 corrupt"),
        "{}",
        stdout(&checked)
    );
}

/// The orphan sweep on a bucket: a blob no row names goes only once it is
/// older than the grace period; one a row names stays.
#[test]
fn the_bucket_orphan_sweep_keeps_young_and_named_blobs() {
    let Some((endpoint, bucket)) = s3() else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = skillseal_registry::blobs::BlobStore::open(
            Path::new("/nonexistent"),
            Some(&skillseal_registry::blobs::ObjectConfig {
                url: format!("s3://{bucket}/sweep"),
                endpoint: Some(endpoint.clone()),
                region: None,
                path_style: true,
                redirect: false,
            }),
        )
        .unwrap();
        let named = store.put(b"named".to_vec()).await.unwrap();
        let orphan = store.put(b"orphan".to_vec()).await.unwrap();
        // Stored twice: the second is a no-op that leaves a marker.
        assert_eq!(store.put(b"orphan".to_vec()).await.unwrap(), orphan);
        let referenced: std::collections::HashSet<String> = [named.to_string()].into();
        assert_eq!(store.remove_orphans(referenced.clone(), 3600).await, 0);
        assert_eq!(store.remove_orphans(referenced, 0).await, 1);
        assert!(store.get(named.as_str()).await.unwrap().is_some());
        assert!(store.get(orphan.as_str()).await.unwrap().is_none());
    });
}

/// With redirects on, an anonymous download is sent to a presigned URL of
/// the object, which serves the very bytes; a client with a token gets the
/// bytes from the registry.
#[test]
fn anonymous_downloads_can_be_sent_to_the_bucket() {
    let Some((endpoint, bucket)) = s3() else {
        return;
    };
    let (_dir, data, work) = scratch();
    let mut flags = blob_flags(&endpoint, &format!("s3://{bucket}/redirected"));
    flags.push("--blob-redirect".into());
    let server = start(&data, None, &flags);
    let admin = server.admin.clone().unwrap();
    keygen(&work);
    let sample = repo().join("samples/benign/weather-forecast");
    ok(publish_with_key(
        &work,
        Some(&admin),
        &server.url,
        sample.to_str().unwrap(),
        "skillseal.key",
    ));
    let skill = get_json(&format!("{}/api/v1/skills/weather-forecast", server.url)).1;
    let digest = skill["versions"][0]["digest"].as_str().unwrap();
    let url = format!(
        "{}/api/v1/skills/weather-forecast/2.1.0/package",
        server.url
    );
    let no_redirects = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let sent = no_redirects.get(&url).send().unwrap();
    assert_eq!(sent.status().as_u16(), 307);
    let location = sent.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with(&endpoint) && location.contains("X-Amz-Signature="),
        "{location}"
    );
    let (status, bytes) = get(&location, None);
    assert_eq!((status, sha256(&bytes)), (200, digest.to_string()));
    let (status, bytes) = get(&url, Some(&admin));
    assert_eq!((status, sha256(&bytes)), (200, digest.to_string()));
}
