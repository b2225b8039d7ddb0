//! The registry's HTTP API in-process, against a fresh SQLite database per
//! test: publishing and every refusal, reads, pins, yanks, tokens, the
//! audit chain and the hardening layers.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine as _;
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use skillseal_registry::config::{Config, Overrides};
use skillseal_registry::router::router;
use skillseal_registry::state::Registry;
use skillseal_registry::tokens::Scope;
use skillseal_registry::{auth, store};
use tower::ServiceExt as _;

mod support;

const HOST: &str = "127.0.0.1:7171";

struct Env {
    _dir: tempfile::TempDir,
    reg: Arc<Registry>,
    admin: String,
}

/// A fresh registry on SQLite, and another on a fresh PostgreSQL database
/// when `SKILLSEAL_TEST_DATABASE_URL` names a server (`.ci/run` sets it).
async fn backends() -> Vec<Env> {
    let mut envs = vec![fresh(None).await];
    if let Some(url) = support::fresh_postgres().await {
        envs.push(fresh(Some(url)).await);
    }
    envs
}

async fn fresh(database_url: Option<String>) -> Env {
    fresh_with(database_url, "").await
}

/// A fresh registry whose data directory holds `registry_toml`.
async fn fresh_with(database_url: Option<String>, registry_toml: &str) -> Env {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("registry.toml"), registry_toml).unwrap();
    let overrides = Overrides {
        database_url,
        ..Overrides::default()
    };
    let config = Config::load(dir.path(), overrides).unwrap();
    let reg = Registry::open(config).await.unwrap();
    let (_, secret) = auth::create_token(&reg.db, "test", "admin", &[Scope::Admin], None)
        .await
        .unwrap();
    Env {
        _dir: dir,
        reg,
        admin: secret.expose().to_string(),
    }
}

struct Call<'a> {
    method: &'a str,
    uri: &'a str,
    token: Option<&'a str>,
    body: Option<Value>,
    form: Option<String>,
    headers: Vec<(&'a str, &'a str)>,
}

fn call<'a>(method: &'a str, uri: &'a str) -> Call<'a> {
    Call {
        method,
        uri,
        token: None,
        body: None,
        form: None,
        headers: vec![("host", HOST)],
    }
}

impl<'a> Call<'a> {
    fn token(mut self, t: &'a str) -> Self {
        self.token = Some(t);
        self
    }
    fn json(mut self, v: Value) -> Self {
        self.body = Some(v);
        self
    }
    /// An HTML form's body (`application/x-www-form-urlencoded`).
    fn form(mut self, body: &str) -> Self {
        self.form = Some(body.to_string());
        self.header("content-type", "application/x-www-form-urlencoded")
    }
    fn header(mut self, k: &'a str, v: &'a str) -> Self {
        self.headers.retain(|(name, _)| *name != k);
        self.headers.push((k, v));
        self
    }
    async fn send_raw(self, reg: &Arc<Registry>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let mut req = Request::builder().method(self.method).uri(self.uri);
        for (k, v) in &self.headers {
            req = req.header(*k, *v);
        }
        if let Some(t) = self.token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let body = match (self.body, self.form) {
            (Some(v), _) => Body::from(serde_json::to_vec(&v).unwrap()),
            (None, Some(form)) => Body::from(form),
            (None, None) => Body::empty(),
        };
        let resp = router(reg.clone())
            .oneshot(req.body(body).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (status, headers, bytes)
    }
    async fn send(self, reg: &Arc<Registry>) -> (StatusCode, Value) {
        let (status, _, bytes) = self.send_raw(reg).await;
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Signed {
    package: Vec<u8>,
    digest: String,
    bundle: String,
    public_pem: String,
}

fn key() -> skillseal_sign::SigningKey {
    let password = skillseal_sign::Password::new("test");
    let generated =
        skillseal_sign::keys::generate(skillseal_sign::KeyAlgorithm::EcdsaP256, &password).unwrap();
    skillseal_sign::SigningKey::from_encrypted_pem(generated.private_pem.as_bytes(), &password)
        .unwrap()
}

fn signed(sample: &str, version: &str, key: &skillseal_sign::SigningKey) -> Signed {
    signed_at(&repo().join("samples").join(sample), version, key)
}

/// The skill folder `dir` packed at `version` and signed with `key`.
fn signed_at(dir: &Path, version: &str, key: &skillseal_sign::SigningKey) -> Signed {
    let opts = skillseal_package::PackOptions {
        version: Some(version.to_string()),
        ..Default::default()
    };
    let pkg = skillseal_package::pack(dir, &opts).unwrap();
    let bundle = skillseal_sign::sign(&pkg.bytes, key).unwrap().to_json();
    Signed {
        digest: pkg.digest.to_string(),
        package: pkg.bytes,
        bundle,
        public_pem: key.public_key().to_pem(),
    }
}

fn body(s: &Signed, with_signer: bool) -> Value {
    let mut v = json!({
        "package": base64::engine::general_purpose::STANDARD.encode(&s.package),
        "digest": s.digest,
        "bundle": s.bundle,
    });
    if with_signer {
        v["signer"] = json!({"key": {"public_key": s.public_pem}});
    }
    v
}

/// `PUT` a signed weather-forecast version with the admin token.
async fn publish_as_admin(
    env: &Env,
    s: &Signed,
    version: &str,
    with_signer: bool,
) -> (StatusCode, Value) {
    call("PUT", &format!("/api/v1/skills/weather-forecast/{version}"))
        .token(&env.admin)
        .json(body(s, with_signer))
        .send(&env.reg)
        .await
}

async fn versions(reg: &Arc<Registry>) -> i64 {
    let row = sqlx::query("SELECT COUNT(*) FROM versions")
        .fetch_one(&reg.db)
        .await
        .unwrap();
    sqlx::Row::try_get(&row, 0).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn publish_read_pin_download_yank() {
    for env in backends().await {
        let k = key();
        let s = signed("benign/weather-forecast", "2.1.0", &k);
        let (status, v) = publish_as_admin(&env, &s, "2.1.0", true).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        assert_eq!(v["digest"], s.digest);
        assert_eq!(v["signer"]["fingerprint"], k.public_key().fingerprint());

        let (status, v) = call("GET", "/api/v1/skills/weather-forecast")
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::OK);
        let version = &v["versions"][0];
        assert_eq!(version["version"], "2.1.0");
        assert_eq!(version["digest"], s.digest);
        assert_eq!(version["verdict"], "pass");
        assert_eq!(version["yanked"], false);
        assert!(
            version["rules_digest"]
                .as_str()
                .unwrap()
                .starts_with("sha256:")
        );
        assert!(version["capabilities"].is_array());

        let (status, headers, bytes) = call("GET", "/api/v1/skills/weather-forecast/2.1.0/package")
            .send_raw(&env.reg)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(bytes, s.package);
        assert!(
            headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        let (_, _, bundle) = call("GET", "/api/v1/skills/weather-forecast/2.1.0/bundle")
            .send_raw(&env.reg)
            .await;
        assert_eq!(bundle, s.bundle.as_bytes());
        let by_digest = format!("/api/v1/packages/{}", s.digest);
        let (status, _, bytes) = call("GET", &by_digest).send_raw(&env.reg).await;
        assert_eq!((status, bytes), (StatusCode::OK, s.package.clone()));
        let (status, report) = call("GET", "/api/v1/skills/weather-forecast/2.1.0/report")
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(report["skills"][0]["verdict"], "pass");

        let (status, v) = call("GET", "/api/v1/skills?q=weather").send(&env.reg).await;
        assert_eq!(
            (status, v["skills"][0]["name"].clone()),
            (StatusCode::OK, json!("weather-forecast"))
        );

        let resolve = json!({"skills": {"weather-forecast": "^2"}});
        let (status, v) = call("POST", "/api/v1/resolve")
            .json(resolve.clone())
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["pins"]["weather-forecast"]["version"], "2.1.0");
        assert_eq!(v["pins"]["weather-forecast"]["digest"], s.digest);

        // Yanked versions are never chosen, and never replaced.
        let (status, _) = call("POST", "/api/v1/skills/weather-forecast/2.1.0/yank")
            .token(&env.admin)
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, v) = call("POST", "/api/v1/resolve")
            .json(resolve.clone())
            .send(&env.reg)
            .await;
        assert_eq!(
            (status, v["error"]["code"].clone()),
            (StatusCode::NOT_FOUND, json!("no_match"))
        );
        let (status, v) = publish_as_admin(&env, &s, "2.1.0", false).await;
        assert_eq!(
            (status, v["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("version_exists"))
        );
        let (status, _) = call("POST", "/api/v1/skills/weather-forecast/2.1.0/unyank")
            .token(&env.admin)
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = call("POST", "/api/v1/resolve")
            .json(resolve)
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::OK);

        // The audit log recorded it all, and its chain holds.
        let (status, v) = call("GET", "/api/v1/audit")
            .token(&env.admin)
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::OK);
        let actions: Vec<&str> = v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            [
                "token.create",
                "publish",
                "yank",
                "publish.reject",
                "unyank"
            ]
        );
        assert_eq!(store::verify_audit(&env.reg.db).await.unwrap(), Ok(5));
    }
}

/// A `.tar.gz` of raw entries, written header by header so that paths
/// `tar::Builder` would refuse (`..`) and links can be made.
fn tar_gz(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::default(),
    ));
    for (path, kind, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(*kind);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
        h.set_cksum();
        builder.append(&h, *data).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

/// A publish body for `package` bytes, truly signed by `key`.
fn body_for(package: &[u8], key: &skillseal_sign::SigningKey, public_pem: &str) -> Value {
    let bundle = skillseal_sign::sign(package, key).unwrap().to_json();
    json!({"package": base64::engine::general_purpose::STANDARD.encode(package),
           "digest": skillseal_registry::blobs::digest_of(package), "bundle": bundle,
           "signer": {"key": {"public_key": public_pem}}})
}

/// One refused request: what it is, the status and error code it gets,
/// and whether the refusal is written to the audit log.
struct Refusal<'a> {
    what: &'a str,
    request: Call<'a>,
    status: StatusCode,
    code: &'a str,
    audited: bool,
}

fn refusal<'a>(
    what: &'a str,
    request: Call<'a>,
    status: StatusCode,
    code: &'a str,
    audited: bool,
) -> Refusal<'a> {
    Refusal {
        what,
        request,
        status,
        code,
        audited,
    }
}

/// Sends each request and checks its refusal: the status and code, that
/// nothing was stored, and that the audit log grew only for refusals past
/// the hardening layer (an authenticated caller naming a valid name and
/// version); the rest are only logged.
async fn assert_refused(env: &Env, cases: Vec<Refusal<'_>>) {
    let audit_len = || async {
        store::audit_entries(&env.reg.db, 0, 1000)
            .await
            .unwrap()
            .len()
    };
    let mut audited = audit_len().await;
    for case in cases {
        let what = case.what;
        let (got, v) = case.request.send(&env.reg).await;
        assert_eq!(
            (got, v["error"]["code"].as_str().unwrap_or("")),
            (case.status, case.code),
            "{what}: {v}"
        );
        assert_eq!(versions(&env.reg).await, 0, "{what}: something was stored");
        audited += usize::from(case.audited);
        assert_eq!(audit_len().await, audited, "{what}");
    }
}

/// Requests refused by who sends them, where from, or what they name,
/// before the package is looked at.
#[tokio::test(flavor = "multi_thread")]
async fn hostile_requests_are_refused_each_with_its_own_error() {
    for env in backends().await {
        let good = signed("benign/weather-forecast", "1.0.0", &key());
        let (_, narrow) = auth::create_token(
            &env.reg.db,
            "test",
            "other-team",
            &[Scope::Publish("other-*".into())],
            None,
        )
        .await
        .unwrap();
        let url = "/api/v1/skills/weather-forecast/1.0.0";
        let put = |uri| call("PUT", uri).json(body(&good, true));
        let admin = |uri| put(uri).token(&env.admin);
        use StatusCode as S;
        let cases = vec![
            refusal(
                "no token",
                put(url),
                S::UNAUTHORIZED,
                "unauthenticated",
                false,
            ),
            refusal(
                "unknown token",
                put(url).token("skillseal_nope"),
                S::UNAUTHORIZED,
                "unauthenticated",
                false,
            ),
            refusal(
                "wrong scope",
                put(url).token(narrow.expose()),
                S::FORBIDDEN,
                "forbidden",
                true,
            ),
            refusal(
                "bad name",
                admin("/api/v1/skills/Weather_Forecast/1.0.0"),
                S::BAD_REQUEST,
                "bad_name",
                false,
            ),
            refusal(
                "range version",
                admin("/api/v1/skills/weather-forecast/%5E1.0"),
                S::BAD_REQUEST,
                "bad_version",
                false,
            ),
            refusal(
                "other version in URL",
                admin("/api/v1/skills/weather-forecast/1.0.1"),
                S::UNPROCESSABLE_ENTITY,
                "name_mismatch",
                true,
            ),
            refusal(
                "cross-origin",
                admin(url).header("origin", "https://attacker.example.invalid"),
                S::FORBIDDEN,
                "cross_origin",
                false,
            ),
            refusal(
                "cross-site fetch",
                admin(url).header("sec-fetch-site", "cross-site"),
                S::FORBIDDEN,
                "cross_origin",
                false,
            ),
            refusal(
                "unknown host",
                admin(url).header("host", "attacker.example.invalid"),
                S::MISDIRECTED_REQUEST,
                "bad_host",
                false,
            ),
            refusal(
                "token in query",
                admin("/api/v1/skills/weather-forecast/1.0.0?token=x"),
                S::BAD_REQUEST,
                "bad_query",
                false,
            ),
        ];
        assert_refused(&env, cases).await;
    }
}

/// Packages refused for what they hold or how they are signed: each with
/// its own error code, each refusal audited, nothing stored, and the
/// blocked package's scan report kept.
#[tokio::test(flavor = "multi_thread")]
async fn hostile_packages_are_refused_audited_and_never_stored() {
    for env in backends().await {
        let k = key();
        let good = signed("benign/weather-forecast", "1.0.0", &k);
        let manifest = br#"{"format":1,"name":"weather-forecast","version":"1.0.0","files":[]}"#;
        let reg_file = tar::EntryType::Regular;
        let archive = |name: &str, kind, data: &[u8]| {
            let package = tar_gz(&[
                (".skillseal/manifest.json", reg_file, manifest),
                (name, kind, data),
            ]);
            body_for(&package, &k, &good.public_pem)
        };
        let zeros = vec![0u8; 40 << 20];
        // One file just over the shared per-file limit, incompressible (a
        // package `skillseal pack` refuses to make).
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let noise: Vec<u8> = (0..skillseal_model::MAX_FILE_BYTES + 1)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let mut wrong_digest = body(&good, true);
        wrong_digest["digest"] = json!(format!("sha256:{}", "0".repeat(64)));
        let mut bad_signature = body(&good, true);
        bad_signature["bundle"] = json!(signed("benign/weather-forecast", "1.0.0", &key()).bundle);
        let malicious = signed("malicious/actions-workflow-lint", "0.9.0", &k);

        let url = "/api/v1/skills/weather-forecast/1.0.0";
        let put = |v: Value| call("PUT", url).token(&env.admin).json(v);
        use StatusCode as S;
        let cases = vec![
            refusal(
                "traversal",
                put(archive("../../etc/cron.d/x", reg_file, b"x")),
                S::UNPROCESSABLE_ENTITY,
                "bad_archive",
                true,
            ),
            refusal(
                "link",
                put(archive("SKILL.md", tar::EntryType::Symlink, b"")),
                S::UNPROCESSABLE_ENTITY,
                "bad_archive",
                true,
            ),
            refusal(
                "bomb",
                put(archive("z", reg_file, &zeros)),
                S::PAYLOAD_TOO_LARGE,
                "over_limit",
                true,
            ),
            refusal(
                "file over the limit",
                put(archive("data.bin", reg_file, &noise)),
                S::PAYLOAD_TOO_LARGE,
                "over_limit",
                true,
            ),
            refusal(
                "digest",
                put(wrong_digest),
                S::UNPROCESSABLE_ENTITY,
                "digest_mismatch",
                true,
            ),
            refusal(
                "bad signature",
                put(bad_signature),
                S::FORBIDDEN,
                "bad_signature",
                true,
            ),
            refusal(
                "malicious",
                call("PUT", "/api/v1/skills/actions-workflow-lint/0.9.0")
                    .token(&env.admin)
                    .json(body(&malicious, true)),
                S::UNPROCESSABLE_ENTITY,
                "blocked_by_scan",
                true,
            ),
        ];
        assert_refused(&env, cases).await;

        let entries = store::audit_entries(&env.reg.db, 0, 1000).await.unwrap();
        let blocked = entries
            .iter()
            .find(|e| e.detail["code"] == "blocked_by_scan")
            .unwrap();
        let report = blocked.detail["report"].as_str().unwrap();
        assert!(
            env.reg.blobs.get(report).await.unwrap().is_some(),
            "the refused package's report is kept"
        );
    }
}

/// Once a skill is published with one key, a version signed by another
/// is refused, whether or not the body names its signer.
#[tokio::test(flavor = "multi_thread")]
async fn a_version_signed_by_a_second_key_is_refused() {
    for env in backends().await {
        let good = signed("benign/weather-forecast", "1.0.0", &key());
        let (status, v) = publish_as_admin(&env, &good, "1.0.0", true).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        let swapped = signed("benign/weather-forecast", "1.0.1", &key());
        for with_signer in [true, false] {
            let (status, v) = publish_as_admin(&env, &swapped, "1.0.1", with_signer).await;
            assert_eq!(
                (status, v["error"]["code"].clone()),
                (StatusCode::FORBIDDEN, json!("bad_signature")),
                "with signer {with_signer}: {v}"
            );
        }
        assert_eq!(versions(&env.reg).await, 1);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_are_shown_once_stored_hashed_scoped_and_revocable() {
    for env in backends().await {
        let (status, v) = call("POST", "/api/v1/tokens")
            .token(&env.admin)
            .json(json!({"name": "ci", "scopes": ["publish:weather-*"], "expires_in_days": 30}))
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        let token = v["token"].as_str().unwrap().to_string();
        let id = v["id"].as_str().unwrap().to_string();
        assert!(token.starts_with("skillseal_"));

        let (_, list) = call("GET", "/api/v1/tokens")
            .token(&env.admin)
            .send(&env.reg)
            .await;
        assert!(
            !list.to_string().contains(&token),
            "listing never shows a secret"
        );
        let rows = sqlx::query("SELECT hash FROM tokens")
            .fetch_all(&env.reg.db)
            .await
            .unwrap();
        for r in rows {
            let hash: String = sqlx::Row::try_get(&r, 0).unwrap();
            assert!(!hash.contains(&token) && hash.len() == 64);
        }

        // Not an admin: cannot list tokens or read the audit log.
        let (status, _) = call("GET", "/api/v1/tokens")
            .token(&token)
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = call("GET", "/api/v1/audit")
            .token(&token)
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, v) = call("POST", "/api/v1/tokens")
            .token(&env.admin)
            .json(json!({"name": "x", "scopes": ["root"]}))
            .send(&env.reg)
            .await;
        assert_eq!(
            (status, v["error"]["code"].clone()),
            (StatusCode::BAD_REQUEST, json!("bad_scope"))
        );

        let revoke = format!("/api/v1/tokens/{id}");
        let (status, _) = call("DELETE", &revoke)
            .token(&env.admin)
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = call("GET", "/api/v1/tokens")
            .token(&token)
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tampering_with_the_audit_log_is_detected() {
    for env in backends().await {
        for name in ["a", "b", "c"] {
            auth::create_token(&env.reg.db, "test", name, &[Scope::Admin], None)
                .await
                .unwrap();
        }
        assert_eq!(store::verify_audit(&env.reg.db).await.unwrap(), Ok(4));
        sqlx::query("UPDATE audit SET actor = 'someone-else' WHERE seq = 2")
            .execute(&env.reg.db)
            .await
            .unwrap();
        assert!(matches!(
            store::verify_audit(&env.reg.db).await.unwrap(),
            Err((2, _))
        ));
        sqlx::query("UPDATE audit SET actor = 'test' WHERE seq = 2")
            .execute(&env.reg.db)
            .await
            .unwrap();
        sqlx::query("DELETE FROM audit WHERE seq = 3")
            .execute(&env.reg.db)
            .await
            .unwrap();
        assert!(matches!(
            store::verify_audit(&env.reg.db).await.unwrap(),
            Err((4, _))
        ));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_publishes_of_one_new_version_at_once_store_exactly_one() {
    for env in backends().await {
        let k = key();
        let s = signed("benign/weather-forecast", "3.0.0", &k);
        let send = || {
            call("PUT", "/api/v1/skills/weather-forecast/3.0.0")
                .token(&env.admin)
                .json(body(&s, true))
                .send(&env.reg)
        };
        let (a, b) = tokio::join!(send(), send());
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::CREATED, StatusCode::CONFLICT],
            "{} / {}",
            a.1,
            b.1
        );
        assert_eq!(versions(&env.reg).await, 1);
        assert_eq!(
            store::verify_audit(&env.reg.db)
                .await
                .unwrap()
                .map(|n| n >= 3),
            Ok(true)
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_response_carries_security_headers() {
    for env in backends().await {
        for uri in ["/api/v1/skills", "/api/v1/skills/missing", "/nowhere"] {
            let (_, headers, _) = call("GET", uri).send_raw(&env.reg).await;
            assert_eq!(headers["x-content-type-options"], "nosniff", "{uri}");
            assert_eq!(headers["x-frame-options"], "DENY", "{uri}");
            assert!(
                headers["content-security-policy"]
                    .to_str()
                    .unwrap()
                    .contains("default-src 'none'")
            );
        }
        let (status, _, _) = call("GET", "/api/v1/skills")
            .header("host", "evil.example.invalid")
            .send_raw(&env.reg)
            .await;
        assert_eq!(status, StatusCode::MISDIRECTED_REQUEST);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn owners_register_and_retire_signers_and_never_the_last() {
    for env in backends().await {
        let k = key();
        let s = signed("benign/weather-forecast", "2.1.0", &k);
        let (status, v) = publish_as_admin(&env, &s, "2.1.0", true).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        let (_, stranger) = auth::create_token(
            &env.reg.db,
            "test",
            "mallory",
            &[Scope::Publish("*".into())],
            None,
        )
        .await
        .unwrap();
        let other = key();
        let new_signer = json!({"key": {"public_key": other.public_key().to_pem()}});
        let signers = "/api/v1/skills/weather-forecast/signers";

        // Publishing rights are not ownership.
        let (status, v) = call("POST", signers)
            .token(stranger.expose())
            .json(new_signer.clone())
            .send(&env.reg)
            .await;
        assert_eq!(
            (status, v["error"]["code"].clone()),
            (StatusCode::FORBIDDEN, json!("forbidden"))
        );
        let (status, v) = call("POST", signers)
            .token(&env.admin)
            .json(json!({"key": {"public_key": "not a key"}}))
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");

        let (status, _) = call("POST", signers)
            .token(&env.admin)
            .json(new_signer.clone())
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, v) = call("POST", signers)
            .token(&env.admin)
            .json(new_signer.clone())
            .send(&env.reg)
            .await;
        assert_eq!(
            (status, v["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("signer_exists"))
        );
        let (status, v) = call("GET", signers).send(&env.reg).await;
        assert_eq!(status, StatusCode::OK);
        let listed: Vec<&str> = v["signers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["fingerprint"].as_str().unwrap())
            .collect();
        assert_eq!(listed.len(), 2);
        assert!(listed.contains(&other.public_key().fingerprint().as_str()));

        // The new signer's versions publish; then the first signer retires.
        let s2 = signed("benign/weather-forecast", "2.2.0", &other);
        let (status, v) = publish_as_admin(&env, &s2, "2.2.0", false).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        let first = json!({"key": {"public_key": k.public_key().to_pem()}});
        let (status, _) = call("DELETE", signers)
            .token(&env.admin)
            .json(first.clone())
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let s3 = signed("benign/weather-forecast", "2.3.0", &k);
        let (status, v) = publish_as_admin(&env, &s3, "2.3.0", false).await;
        // A retired signer's new versions are refused.
        assert_eq!(
            (status, v["error"]["code"].clone()),
            (StatusCode::FORBIDDEN, json!("bad_signature")),
            "{v}"
        );
        let (status, v) = call("DELETE", signers)
            .token(&env.admin)
            .json(new_signer)
            .send(&env.reg)
            .await;
        assert_eq!(
            (status, v["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("last_signer"))
        );

        let (_, audit) = call("GET", "/api/v1/audit")
            .token(&env.admin)
            .send(&env.reg)
            .await;
        let actions: Vec<&str> = audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert!(
            actions.contains(&"signer.add") && actions.contains(&"signer.remove"),
            "{actions:?}"
        );
    }
}

/// A private registry (`auth_required`): reads need a valid token; a bad
/// token is refused on an open registry too, never taken as anonymous.
#[tokio::test(flavor = "multi_thread")]
async fn reads_check_tokens_and_a_private_registry_requires_one() {
    let open = fresh(None).await;
    let (status, _) = call("GET", "/api/v1/skills").send(&open.reg).await;
    assert_eq!(status, StatusCode::OK);
    let (status, v) = call("GET", "/api/v1/skills")
        .token("skillseal_forged")
        .send(&open.reg)
        .await;
    assert_eq!(
        (status, v["error"]["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("unauthenticated"))
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("registry.toml"),
        "[server]\nauth_required = true\n",
    )
    .unwrap();
    let config = Config::load(dir.path(), Overrides::default()).unwrap();
    let reg = Registry::open(config).await.unwrap();
    let (_, reader) = auth::create_token(
        &reg.db,
        "test",
        "reader",
        &[Scope::Yank("none".into())],
        None,
    )
    .await
    .unwrap();
    for uri in ["/api/v1/skills", "/api/v1/skills/weather-forecast"] {
        let (status, _) = call("GET", uri).send(&reg).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
    }
    let (status, _) = call("POST", "/api/v1/resolve")
        .json(json!({"skills": {"weather-forecast": "^1"}}))
        .send(&reg)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call("GET", "/api/v1/skills")
        .token(reader.expose())
        .send(&reg)
        .await;
    assert_eq!(status, StatusCode::OK);
}

/// A publish whose scan runs out of the configured budget is refused with
/// its own code, as soon as the budget is spent, and nothing is stored.
#[tokio::test(flavor = "multi_thread")]
async fn a_publish_the_scan_cannot_finish_is_refused_within_the_budget() {
    let mut envs = vec![fresh_with(None, "[server]\nfile_timeout = 0.001\n").await];
    if let Some(url) = support::fresh_postgres().await {
        envs.push(fresh_with(Some(url), "[server]\nfile_timeout = 0.001\n").await);
    }
    let k = key();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("SKILL.md"),
        "---\nname: slow-skill\ndescription: Many functions\nversion: 1.0.0\n---\n# Slow\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("scripts")).unwrap();
    let big: String = (0..5_000)
        .map(|i| format!("def f{i}(a):\n    return [a, 'v{i}', {{'k': a}}]\n"))
        .collect();
    std::fs::write(dir.path().join("scripts/gen.py"), big).unwrap();
    let pkg = skillseal_package::pack(dir.path(), &Default::default()).unwrap();
    let s = Signed {
        bundle: skillseal_sign::sign(&pkg.bytes, &k).unwrap().to_json(),
        digest: pkg.digest.to_string(),
        package: pkg.bytes,
        public_pem: k.public_key().to_pem(),
    };
    for env in envs {
        let started = std::time::Instant::now();
        let (status, v) = call("PUT", "/api/v1/skills/slow-skill/1.0.0")
            .token(&env.admin)
            .json(body(&s, true))
            .send(&env.reg)
            .await;
        // A hang guard, not a timing check: the budget is a millisecond.
        assert!(started.elapsed() < std::time::Duration::from_secs(60));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["code"], "scan_incomplete", "{v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains("`scripts/gen.py`"), "{message}");
        assert!(message.contains("0.001 s of CPU per file"), "{message}");
        assert_eq!(versions(&env.reg).await, 0);
    }
}

async fn audit_len(reg: &Arc<Registry>) -> usize {
    store::audit_entries(&reg.db, 0, 100_000)
        .await
        .unwrap()
        .len()
}

/// A body that counts what is read of it, in 64 KiB chunks, up to `total`.
fn counted_body(total: usize) -> (Body, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let read = Arc::new(AtomicUsize::new(0));
    let counter = read.clone();
    let chunks = futures_stream(total, move |n| {
        counter.fetch_add(n, Ordering::SeqCst);
    });
    (Body::from_stream(chunks), read)
}

fn futures_stream(
    total: usize,
    on_chunk: impl Fn(usize) + Send + Sync + Unpin + 'static,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    struct Chunks<F> {
        left: usize,
        on_chunk: F,
    }
    impl<F: Fn(usize) + Unpin> futures_core::Stream for Chunks<F> {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            if self.left == 0 {
                return std::task::Poll::Ready(None);
            }
            let n = self.left.min(64 << 10);
            self.left -= n;
            (self.on_chunk)(n);
            std::task::Poll::Ready(Some(Ok(vec![b'x'; n])))
        }
    }
    Chunks {
        left: total,
        on_chunk,
    }
}

async fn put_body(
    reg: &Arc<Registry>,
    uri: &str,
    token: Option<&str>,
    content_length: Option<u64>,
    body: Body,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method("PUT")
        .uri(uri)
        .header("host", HOST);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    if let Some(n) = content_length {
        req = req.header("content-length", n.to_string());
    }
    let resp = router(reg.clone())
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// Issue 16, defects 1 and 2: an upload is refused before its body is read
/// when it has no token or declares too much, a chunked body is read only
/// up to the limit, and strangers' refusals leave no trace in the audit
/// log.
#[tokio::test(flavor = "multi_thread")]
async fn uploads_are_refused_before_their_body_is_read() {
    use std::sync::atomic::Ordering;
    let env = fresh_with(None, "[server]\nmax_upload_bytes = 1048576\n").await;
    let limit = 1048576 * 4 / 3 + (64 << 10);
    let before = audit_len(&env.reg).await;
    let url = "/api/v1/skills/weather-forecast/1.0.0";

    // No token, 1 GiB declared: 401, and not a byte read.
    let (body, read) = counted_body(1 << 30);
    let (status, v) = put_body(&env.reg, url, None, Some(1 << 30), body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(read.load(Ordering::SeqCst), 0);
    // A bad token: the same.
    let (body, read) = counted_body(1 << 30);
    let (status, _) = put_body(&env.reg, url, Some("skillseal_nope"), Some(1 << 30), body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(read.load(Ordering::SeqCst), 0);
    // A token, but over the limit as declared: 413 at once.
    let (body, read) = counted_body(1 << 30);
    let (status, v) = put_body(&env.reg, url, Some(&env.admin), Some(1 << 30), body).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large")),
        "{v}"
    );
    assert_eq!(read.load(Ordering::SeqCst), 0);
    // Chunked (no length): read up to the limit and no further.
    let (body, read) = counted_body(64 << 20);
    let (status, v) = put_body(&env.reg, url, Some(&env.admin), None, body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    let n = read.load(Ordering::SeqCst);
    assert!(
        n <= limit + (64 << 10),
        "read {n} bytes of a {limit}-byte limit"
    );

    // 200 anonymous uploads with a 60 KB name add nothing to the log.
    let long = format!("/api/v1/skills/{}/1.0.0", "a".repeat(60_000));
    for _ in 0..200 {
        let (status, _) = call("PUT", &long).json(json!({})).send(&env.reg).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Nor does an authenticated one with an invalid name or version.
    let (status, v) = call("PUT", &long)
        .token(&env.admin)
        .json(json!({}))
        .send(&env.reg)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    let (status, _) = call("PUT", "/api/v1/skills/weather-forecast/not-a-version")
        .token(&env.admin)
        .json(json!({}))
        .send(&env.reg)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // The 413s above came from an authenticated caller with a valid name
    // and version: two entries, each small.
    let entries = store::audit_entries(&env.reg.db, 0, 100_000).await.unwrap();
    assert_eq!(entries.len(), before + 2);
    for e in &entries {
        assert!(e.subject.len() <= store::MAX_AUDIT_FIELD);
        assert!(e.detail.to_string().len() <= store::MAX_AUDIT_DETAIL);
    }
}

#[test]
fn audited_fields_are_capped_on_a_character_boundary() {
    assert_eq!(store::cap("short", 10), "short");
    let long = "é".repeat(1000);
    let capped = store::cap(&long, store::MAX_AUDIT_FIELD);
    assert!(capped.len() <= store::MAX_AUDIT_FIELD);
    assert!(capped.ends_with('…'));
}

/// Issue 16, defect 4: `1.0.0+other` is `1.0.0`; resolve ignores build
/// metadata.
#[tokio::test(flavor = "multi_thread")]
async fn build_metadata_does_not_make_another_version() {
    for env in backends().await {
        let k = key();
        let first = signed("benign/weather-forecast", "1.0.0", &k);
        let (status, v) = publish_as_admin(&env, &first, "1.0.0", true).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        let evil = signed("benign/weather-forecast", "1.0.0+evil", &k);
        assert_ne!(evil.digest, first.digest);
        let (status, v) = publish_as_admin(&env, &evil, "1.0.0+evil", false).await;
        assert_eq!(
            (status, v["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("version_exists")),
            "{v}"
        );
        assert!(v["error"]["message"].as_str().unwrap().contains("1.0.0"));

        // A registry that stored one before this rule: resolve keeps the
        // version first published.
        sqlx::query(
            "INSERT INTO versions (skill, version, major, minor, patch, digest, bundle_digest, \
             report_digest, size, signer, capabilities, verdict, rules_digest, yanked, published_at) \
             SELECT skill, '1.0.0+zzz', major, minor, patch, $1, bundle_digest, report_digest, size, \
             signer, capabilities, verdict, rules_digest, 0, published_at + 100 FROM versions \
             WHERE skill = 'weather-forecast' AND version = '1.0.0'",
        )
        .bind(&evil.digest)
        .execute(&env.reg.db)
        .await
        .unwrap();
        for requirement in ["=1.0.0", "^1", "*"] {
            let (status, v) = call("POST", "/api/v1/resolve")
                .json(json!({"skills": {"weather-forecast": requirement}}))
                .send(&env.reg)
                .await;
            assert_eq!(status, StatusCode::OK, "{v}");
            assert_eq!(
                v["pins"]["weather-forecast"]["digest"], first.digest,
                "{requirement}: {v}"
            );
        }
    }
}

async fn token_for(env: &Env, name: &str, scopes: &[Scope]) -> String {
    let (_, secret) = auth::create_token(&env.reg.db, "test", name, scopes, None)
        .await
        .unwrap();
    secret.expose().to_string()
}

/// Issue 16, defects 5 and 6: yanking needs an owner; the last owner stays;
/// owner names are checked; removing a non-owner changes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn yanks_need_an_owner_and_the_last_owner_stays() {
    for env in backends().await {
        let s = signed("benign/weather-forecast", "2.1.0", &key());
        let (status, v) = publish_as_admin(&env, &s, "2.1.0", true).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        let yank = "/api/v1/skills/weather-forecast/2.1.0/yank";

        // A yank:* token that owns nothing is refused.
        let mallory = token_for(&env, "mallory", &[Scope::Yank("*".into())]).await;
        let (status, v) = call("POST", yank).token(&mallory).send(&env.reg).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
        let (_, v) = call("GET", "/api/v1/skills/weather-forecast")
            .send(&env.reg)
            .await;
        assert_eq!(v["versions"][0]["yanked"], false);

        // An owner with a yank scope may.
        let (status, _) = call("PUT", "/api/v1/skills/weather-forecast/owners/alice")
            .token(&env.admin)
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let alice = token_for(&env, "alice", &[Scope::Yank("weather-*".into())]).await;
        let (status, v) = call("POST", yank).token(&alice).send(&env.reg).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        // An owner whose token has neither scope on it may not.
        let alice_other = token_for(&env, "alice", &[Scope::Yank("other-*".into())]).await;
        let unyank = "/api/v1/skills/weather-forecast/2.1.0/unyank";
        let (status, _) = call("POST", unyank)
            .token(&alice_other)
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Owners: `admin` (the publisher) and `alice`.
        let before = audit_len(&env.reg).await;
        let (status, v) = call("DELETE", "/api/v1/skills/weather-forecast/owners/nobody")
            .token(&env.admin)
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
        let bad = format!("/api/v1/skills/weather-forecast/owners/{}", "%20x");
        let (status, v) = call("PUT", &bad).token(&env.admin).send(&env.reg).await;
        assert_eq!(
            (status, v["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("bad_owner")),
            "{v}"
        );
        assert_eq!(
            audit_len(&env.reg).await,
            before,
            "refusals are not audited"
        );
        let (status, _) = call("DELETE", "/api/v1/skills/weather-forecast/owners/admin")
            .token(&env.admin)
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, v) = call("DELETE", "/api/v1/skills/weather-forecast/owners/alice")
            .token(&env.admin)
            .send(&env.reg)
            .await;
        assert_eq!(
            (status, v["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("last_owner")),
            "{v}"
        );
        // So the owner check still holds: a publish:* token of someone else
        // may not publish the skill.
        let eve = token_for(&env, "eve", &[Scope::Publish("*".into())]).await;
        let next = signed("benign/weather-forecast", "2.2.0", &key());
        let (status, v) = call("PUT", "/api/v1/skills/weather-forecast/2.2.0")
            .token(&eve)
            .json(body(&next, true))
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
    }
}

/// Issue 16, defect 9: the query filter is not fooled by escapes or `;`.
#[tokio::test(flavor = "multi_thread")]
async fn credentials_in_the_query_are_refused_however_spelt() {
    let env = fresh(None).await;
    for query in [
        "token=x",
        "%74oken=x",
        "%2574oken=x",
        "TOKEN=x",
        "x=1;token=x",
        "x=1&access%5Ftoken=x",
        "api+key=x&api_key=y",
    ] {
        let uri = format!("/api/v1/skills?{query}");
        let (status, v) = call("GET", &uri).send(&env.reg).await;
        assert_eq!(
            (status, v["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("bad_query")),
            "{query}: {v}"
        );
    }
    let (status, _) = call("GET", "/api/v1/skills?q=tok%65").send(&env.reg).await;
    assert_eq!(status, StatusCode::OK);
}

/// Issue 16, defect 10: two versions of a new skill published at once both
/// land; refused or misrouted requests do not empty the caches.
#[tokio::test(flavor = "multi_thread")]
async fn two_versions_of_a_new_skill_at_once_both_land() {
    for env in backends().await {
        let k = key();
        let a = signed("benign/weather-forecast", "1.0.0", &k);
        let b = signed("benign/weather-forecast", "1.1.0", &k);
        let ((sa, va), (sb, vb)) = tokio::join!(
            publish_as_admin(&env, &a, "1.0.0", true),
            publish_as_admin(&env, &b, "1.1.0", true)
        );
        assert_eq!(
            (sa, sb),
            (StatusCode::CREATED, StatusCode::CREATED),
            "{va} / {vb}"
        );
        assert_eq!(versions(&env.reg).await, 2);
        // Another key racing for the same new skill does not join it.
        let c = signed("benign/weather-forecast", "1.2.0", &key());
        let (status, v) = publish_as_admin(&env, &c, "1.2.0", true).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn only_a_committed_change_empties_the_caches() {
    let env = fresh(None).await;
    let s = signed("benign/weather-forecast", "2.1.0", &key());
    let (status, _) = publish_as_admin(&env, &s, "2.1.0", true).await;
    assert_eq!(status, StatusCode::CREATED);
    let generation = env.reg.cache_generation();
    for (method, uri) in [
        ("POST", "/api/v1/nowhere"),
        ("POST", "/api/v1/skills/weather-forecast/2.1.0/yank"),
        ("DELETE", "/api/v1/tokens/1"),
        ("PUT", "/api/v1/skills/weather-forecast/9.9.9"),
    ] {
        let (status, _) = call(method, uri).send(&env.reg).await;
        assert!(status.is_client_error(), "{method} {uri}: {status}");
        assert_eq!(env.reg.cache_generation(), generation, "{method} {uri}");
    }
    let (status, _) = call("POST", "/api/v1/skills/weather-forecast/2.1.0/yank")
        .token(&env.admin)
        .send(&env.reg)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(env.reg.cache_generation() > generation);
}

/// Issue 16, defect 10: a blob lost or altered on disk is an error the
/// operator sees (`fsck`, logs), never a silent 404 or stale bytes.
#[tokio::test(flavor = "multi_thread")]
async fn lost_or_altered_blobs_are_errors_and_fsck_finds_them() {
    let env = fresh(None).await;
    let s = signed("benign/weather-forecast", "2.1.0", &key());
    let (status, v) = publish_as_admin(&env, &s, "2.1.0", true).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let report = skillseal_registry::fsck::check(&env.reg.db, &env.reg.blobs)
        .await
        .unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.referenced, 3);

    let blob = |digest: &str| {
        let hex = &digest[7..];
        env._dir
            .path()
            .join("blobs/sha256")
            .join(&hex[..2])
            .join(hex)
    };
    let bundle_digest = v["bundle_digest"].as_str().unwrap().to_string();
    std::fs::remove_file(blob(&s.digest)).unwrap();
    std::fs::write(blob(&bundle_digest), b"{\"altered\": true}").unwrap();
    let (status, v) = call("GET", "/api/v1/skills/weather-forecast/2.1.0/package")
        .send(&env.reg)
        .await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, Some("blob_missing")),
        "{v}"
    );
    let (status, v) = call("GET", "/api/v1/skills/weather-forecast/2.1.0/bundle")
        .send(&env.reg)
        .await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, Some("blob_corrupt")),
        "{v}"
    );
    let report = skillseal_registry::fsck::check(&env.reg.db, &env.reg.blobs)
        .await
        .unwrap();
    assert_eq!(
        (report.missing(), report.corrupt()),
        (1, 1),
        "{:?}",
        report.problems
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_commands_refuse_a_folder_with_no_registry_and_old_scan_folders_go() {
    let empty = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        empty.path().join("registry.db").display()
    );
    let refused = store::open_existing(&url).await.unwrap_err();
    assert!(refused.to_string().contains("no registry"), "{refused}");
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);

    let env = fresh(None).await;
    let stale = env._dir.path().join("blobs/tmp/scan-stale");
    std::fs::create_dir_all(&stale).unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::File::open(&stale)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let young = env._dir.path().join("blobs/tmp/scan-young");
    std::fs::create_dir_all(&young).unwrap();
    env.reg.remove_orphans(3600).await.unwrap();
    assert!(!stale.exists());
    assert!(young.exists());
}

/// The server scans a package in memory: its report names the package,
/// not a folder of the server's, and nothing is staged on disk.
#[tokio::test(flavor = "multi_thread")]
async fn the_publish_scan_runs_in_memory() {
    let env = fresh(None).await;
    let s = signed("benign/weather-forecast", "2.1.0", &key());
    let (status, v) = publish_as_admin(&env, &s, "2.1.0", true).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let (status, report) = call("GET", "/api/v1/skills/weather-forecast/2.1.0/report")
        .send(&env.reg)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        report["skills"][0]["path"],
        "weather-forecast-2.1.0.skill.tgz"
    );
    let data = env._dir.path().display().to_string();
    assert!(!report.to_string().contains(&data), "{report}");
    let staged = std::fs::read_dir(env._dir.path().join("blobs/tmp"))
        .unwrap()
        .count();
    assert_eq!(staged, 0);
}

/// The log's entry `index` at the current size, checked against the
/// checkpoint `cp` as a client checks it; its leaf.
async fn logged(
    env: &Env,
    verifier: &skillseal_tlog::LogVerifier,
    index: u64,
) -> (skillseal_tlog::Leaf, skillseal_tlog::Checkpoint) {
    let (status, _, note) = call("GET", "/api/v1/log/checkpoint")
        .send_raw(&env.reg)
        .await;
    assert_eq!(status, StatusCode::OK);
    let cp = verifier.open_checkpoint(&note).unwrap();
    let (status, entry) = call(
        "GET",
        &format!("/api/v1/log/entries/{index}?size={}", cp.size),
    )
    .send(&env.reg)
    .await;
    assert_eq!(status, StatusCode::OK, "{entry}");
    let leaf = entry["leaf"].as_str().unwrap();
    let proof: Vec<String> = serde_json::from_value(entry["proof"].clone()).unwrap();
    skillseal_tlog::verify_inclusion(leaf.as_bytes(), index, cp.size, cp.root, &proof).unwrap();
    (skillseal_tlog::Leaf::parse(leaf.as_bytes()).unwrap(), cp)
}

#[tokio::test(flavor = "multi_thread")]
async fn publishes_and_yanks_are_logged_with_signed_checkpoints_and_attestations() {
    for env in backends().await {
        let (status, served) = call("GET", "/api/v1/log/key").send(&env.reg).await;
        assert_eq!(status, StatusCode::OK);
        let verifier = skillseal_tlog::LogVerifier::new(served["key"].as_str().unwrap()).unwrap();
        assert_eq!(served["origin"], verifier.origin());
        let k = key();
        let s = signed("benign/weather-forecast", "1.0.0", &k);
        assert_eq!(
            publish_as_admin(&env, &s, "1.0.0", true).await.0,
            StatusCode::CREATED
        );

        // The version names its publish leaf, which names everything a
        // client pins.
        let (_, skill) = call("GET", "/api/v1/skills/weather-forecast")
            .send(&env.reg)
            .await;
        let v = &skill["versions"][0];
        assert_eq!(v["log_index"], 0);
        let (leaf, first) = logged(&env, &verifier, 0).await;
        let skillseal_tlog::Leaf::Publish {
            name,
            version,
            digest,
            bundle_digest,
            signer,
            attestation_digest,
            ..
        } = leaf
        else {
            panic!("not a publish leaf: {leaf:?}")
        };
        assert_eq!(
            (name.as_str(), version.as_str()),
            ("weather-forecast", "1.0.0")
        );
        assert_eq!(digest, s.digest);
        assert_eq!(bundle_digest, v["bundle_digest"].as_str().unwrap());
        assert_eq!(serde_json::to_value(&signer).unwrap(), v["signer"]);
        assert_eq!(
            attestation_digest,
            v["attestation_digest"].as_str().unwrap()
        );

        // The attestation: signed by the log key, about this package, with
        // the scan the registry stored.
        let (status, _, envelope) =
            call("GET", "/api/v1/skills/weather-forecast/1.0.0/attestation")
                .send_raw(&env.reg)
                .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(skillseal_tlog::digest_of(&envelope), attestation_digest);
        let predicate =
            skillseal_tlog::verify_attestation(&verifier, &envelope, &s.digest).unwrap();
        assert_eq!(predicate.verdict, v["verdict"].as_str().unwrap());
        assert_eq!(
            predicate.report_digest,
            v["report_digest"].as_str().unwrap()
        );
        assert_eq!(
            serde_json::to_value(&predicate.capabilities).unwrap(),
            v["capabilities"]
        );
        assert!(predicate.policy_digest.starts_with("sha256:"));

        // A yank is logged too, and the new tree extends the old one.
        let (status, _) = call("POST", "/api/v1/skills/weather-forecast/1.0.0/yank")
            .token(&env.admin)
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::OK);
        let (leaf, second) = logged(&env, &verifier, 1).await;
        assert!(
            matches!(leaf, skillseal_tlog::Leaf::Yank { ref digest, .. } if *digest == s.digest)
        );
        assert_eq!((first.size, second.size), (1, 2));
        let (status, c) = call("GET", "/api/v1/log/consistency?from=1&to=2")
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::OK, "{c}");
        let proof: Vec<String> = serde_json::from_value(c["proof"].clone()).unwrap();
        skillseal_tlog::verify_consistency(1, first.root, 2, second.root, &proof).unwrap();

        // Past the end, or at a size the log never had: refused.
        let (status, _) = call("GET", "/api/v1/log/entries/2").send(&env.reg).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = call("GET", "/api/v1/log/entries/0?size=9")
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = call("GET", "/api/v1/log/consistency?from=2&to=1")
            .send(&env.reg)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // The offline check agrees with what was served.
        let verified = skillseal_registry::tlog::verify(&env.reg.db).await.unwrap();
        assert!(verified.problems.is_empty(), "{:?}", verified.problems);
        assert_eq!(verified.root, Some(second.root));
        // A row edited behind the registry's back is found.
        sqlx::query(
            "UPDATE versions SET bundle_digest = 'sha256:00' WHERE skill = 'weather-forecast'",
        )
        .execute(&env.reg.db)
        .await
        .unwrap();
        let verified = skillseal_registry::tlog::verify(&env.reg.db).await.unwrap();
        assert_eq!(verified.problems.len(), 1, "{:?}", verified.problems);
    }
}

/// Versions published before the log existed are appended at start, in
/// publish order, each with an attestation made from its stored report.
#[tokio::test(flavor = "multi_thread")]
async fn versions_from_before_the_log_are_logged_at_start() {
    let env = fresh(None).await;
    publish_versions(&env, &["1.0.0", "1.1.0"]).await;
    // As a registry from before the log left them.
    for statement in [
        "UPDATE versions SET log_index = -1, attestation_digest = ''",
        "DELETE FROM log_entries",
        "DELETE FROM log_hashes",
    ] {
        sqlx::query(statement).execute(&env.reg.db).await.unwrap();
    }
    assert_eq!(env.reg.log_unlogged().await.unwrap(), 2);
    assert_eq!(env.reg.log_unlogged().await.unwrap(), 0, "once only");
    let verified = skillseal_registry::tlog::verify(&env.reg.db).await.unwrap();
    assert!(verified.problems.is_empty(), "{:?}", verified.problems);
    assert_eq!(verified.size, 2);
    let (_, skill) = call("GET", "/api/v1/skills/weather-forecast")
        .send(&env.reg)
        .await;
    let indexes: Vec<i64> = skill["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["log_index"].as_i64().unwrap())
        .collect();
    assert_eq!(indexes, [1, 0], "highest first, logged in publish order");
}

/// The log as C2SP tlog-tiles: a partial hash tile holds each leaf's hash,
/// the entries tile each leaf, length-prefixed; tiles the tree does not
/// have yet are not served.
#[tokio::test(flavor = "multi_thread")]
async fn the_log_is_served_as_tiles() {
    let env = fresh(None).await;
    publish_versions(&env, &["1.0.0", "1.1.0"]).await;
    let (status, _) = call("POST", "/api/v1/skills/weather-forecast/1.0.0/yank")
        .token(&env.admin)
        .send(&env.reg)
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, _, entries) = call("GET", "/api/v1/log/tile/entries/000.p/3")
        .send_raw(&env.reg)
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut leaves = Vec::new();
    let mut rest = entries.as_slice();
    while !rest.is_empty() {
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
        leaves.push(rest[2..2 + len].to_vec());
        rest = &rest[2 + len..];
    }
    assert_eq!(leaves.len(), 3);
    let (status, _, hashes) = call("GET", "/api/v1/log/tile/0/000.p/3")
        .send_raw(&env.reg)
        .await;
    assert_eq!(status, StatusCode::OK);
    let expected: Vec<u8> = leaves
        .iter()
        .flat_map(|l| skillseal_tlog::record_hash(l).0)
        .collect();
    assert_eq!(hashes, expected);
    // The root the checkpoint signs is the one the tiles give.
    let mut known = skillseal_tlog::Known::default();
    for (n, leaf) in leaves.iter().enumerate() {
        let n = n as u64;
        for (i, h) in skillseal_tlog::stored_hashes(n, leaf, &known)
            .unwrap()
            .into_iter()
            .enumerate()
        {
            known.insert(skillseal_tlog::stored_hash_index(0, n) + i as u64, h);
        }
    }
    let (_, served) = call("GET", "/api/v1/log/key").send(&env.reg).await;
    let verifier = skillseal_tlog::LogVerifier::new(served["key"].as_str().unwrap()).unwrap();
    let (_, _, note) = call("GET", "/api/v1/log/checkpoint")
        .send_raw(&env.reg)
        .await;
    let cp = verifier.open_checkpoint(&note).unwrap();
    assert_eq!(cp.root, skillseal_tlog::tree_hash(3, &known).unwrap());
    for missing in [
        "/api/v1/log/tile/0/000.p/4",
        "/api/v1/log/tile/0/000",
        "/api/v1/log/tile/1/000.p/1",
    ] {
        let (status, _) = call("GET", missing).send(&env.reg).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }
    for bad in [
        "/api/v1/log/tile/0/0",
        "/api/v1/log/tile/x/000",
        "/api/v1/log/tile/0/000.p/0",
    ] {
        let (status, _) = call("GET", bad).send(&env.reg).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

/// A rescan tightens and never loosens: a version admitted as `review`
/// stays `review` when today's policy would pass it (its attestation in
/// the log says `review`).
#[tokio::test(flavor = "multi_thread")]
async fn a_rescan_never_loosens_a_verdict() {
    let env = fresh_with(None, "[policy]\nallow-capabilities = [\"network\"]\n").await;
    let s = signed("benign/weather-forecast", "1.0.0", &key());
    let (status, v) = publish_as_admin(&env, &s, "1.0.0", true).await;
    assert_eq!(
        (status, v["verdict"].as_str()),
        (StatusCode::CREATED, Some("review"))
    );
    // The same registry, its policy relaxed.
    std::fs::write(env._dir.path().join("registry.toml"), "").unwrap();
    let config = Config::load(env._dir.path(), Overrides::default()).unwrap();
    let relaxed = Registry::open(config).await.unwrap();
    let results = skillseal_registry::rescan::rescan(&relaxed, false)
        .await
        .unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].after.as_deref(), Ok("review"));
    assert_eq!(results[0].not_loosened.as_deref(), Some("pass"));
    assert!(!results[0].changed);
    let (_, skill) = call("GET", "/api/v1/skills/weather-forecast")
        .send(&relaxed)
        .await;
    assert_eq!(skill["versions"][0]["verdict"], "review");
}

/// Publishes the weather sample at each version, signed by one key.
async fn publish_versions(env: &Env, versions: &[&str]) {
    let k = key();
    for version in versions {
        let s = signed("benign/weather-forecast", version, &k);
        let (status, v) = publish_as_admin(env, &s, version, true).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
    }
}

/// The pages: HTML with the page CSP, what a reviewer needs on each, and
/// everything a skill wrote escaped, never markup.
#[tokio::test(flavor = "multi_thread")]
async fn pages_show_skills_and_escape_what_skills_wrote() {
    let env = fresh(None).await;
    let k = key();
    // A skill whose description and code carry markup.
    let dir = tempfile::tempdir().unwrap();
    let hostile = dir.path().join("weather-forecast");
    std::fs::create_dir_all(hostile.join("scripts")).unwrap();
    let sample = repo().join("samples/benign/weather-forecast");
    let skill_md = std::fs::read_to_string(sample.join("SKILL.md"))
        .unwrap()
        .replace(
            "description: Current weather",
            "description: <script>alert(1)</script> Current weather",
        );
    std::fs::write(hostile.join("SKILL.md"), skill_md).unwrap();
    let script = std::fs::read_to_string(sample.join("scripts/weather.py")).unwrap();
    std::fs::write(
        hostile.join("scripts/weather.py"),
        format!("{script}\n# <img src=x onerror=alert(2)>\nos.system('<b>hi</b>')\n"),
    )
    .unwrap();
    let first = signed("benign/weather-forecast", "1.0.0", &k);
    assert_eq!(
        publish_as_admin(&env, &first, "1.0.0", true).await.0,
        StatusCode::CREATED
    );
    let second = signed_at(&hostile, "1.1.0", &k);
    let (status, v) = publish_as_admin(&env, &second, "1.1.0", true).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");

    let reg = &env.reg;
    let page = |path: &'static str| async move {
        let (status, headers, body) = call("GET", path).send_raw(reg).await;
        (status, headers, String::from_utf8(body).unwrap())
    };
    for path in [
        "/",
        "/?q=weather",
        "/skills/weather-forecast",
        "/skills/weather-forecast/1.1.0",
    ] {
        let (status, headers, html) = page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert_eq!(
            headers["content-security-policy"],
            skillseal_registry::web::PAGE_CSP
        );
        assert_eq!(headers["x-frame-options"], "DENY");
        // So that a browser's form POST carries the page's Origin.
        assert_eq!(headers["referrer-policy"], "same-origin");
        assert!(!html.contains("<script"), "{path}: unescaped markup");
        assert!(!html.contains("<img"), "{path}: unescaped markup");
        assert!(!html.contains("<b>hi"), "{path}: unescaped markup");
        assert!(!html.contains(" style="), "{path}: inline style");
    }
    let (_, _, home) = page("/").await;
    assert!(home.contains("href=\"/skills/weather-forecast\""));
    assert!(home.contains("badge pass"));
    let (_, _, skill) = page("/skills/weather-forecast").await;
    assert!(
        skill.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the description, escaped"
    );
    assert!(skill.contains("skillseal add weather-forecast"));
    assert!(skill.contains("/clawhub install weather-forecast"));
    assert!(skill.contains(">1.0.0<") && skill.contains(">1.1.0<"));
    let (_, _, version) = page("/skills/weather-forecast/1.1.0").await;
    assert!(version.contains(second.digest.as_str()));
    assert!(
        version.contains("proof checked"),
        "the log's inclusion proof"
    );
    assert!(version.contains("scripts/weather.py"));
    assert!(
        version.contains("&lt;b&gt;hi&lt;/b&gt;") || version.contains("&lt;img"),
        "a snippet, escaped"
    );
    assert!(version.contains("Since 1.0.0"));
    assert!(
        version.contains("<mark>"),
        "each finding's span marked in its line"
    );
    let (status, _, missing) = page("/skills/no-such-skill").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(missing.contains("no skill"));
    let (status, headers, css) = page("/static/app.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(css.contains(".badge"));
}

/// The value of `name="csrf"` in a page.
fn csrf_of(html: &str) -> String {
    let at = html
        .find("name=\"csrf\" value=\"")
        .expect("a form with a CSRF secret");
    let rest = &html[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// The admin pages: sign in with an admin token (a session cookie, never
/// the token), tokens created (shown once) and revoked, the audit log's
/// status and refused publishes; every change a same-origin POST with the
/// session's CSRF secret.
#[tokio::test(flavor = "multi_thread")]
async fn admin_pages_sign_in_with_a_token_and_change_only_with_the_session_secret() {
    let env = fresh(None).await;
    let reg = &env.reg;
    let page = |call: Call<'static>| async move {
        let (status, headers, body) = call.send_raw(reg).await;
        (status, headers, String::from_utf8(body).unwrap())
    };
    // A refused publish, to be listed.
    let s = signed("benign/weather-forecast", "1.0.0", &key());
    let mut body = body(&s, true);
    body["digest"] =
        json!("sha256:0000000000000000000000000000000000000000000000000000000000000000");
    let (status, _) = call("PUT", "/api/v1/skills/weather-forecast/1.0.0")
        .token(&env.admin)
        .json(body)
        .send(reg)
        .await;
    assert!(status.is_client_error());

    let (status, _, form) = page(call("GET", "/admin")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("name=\"token\""));
    let read = token_for(&env, "reader", &[Scope::Read]).await;
    for (token, why) in [
        ("skillseal_nope", "not valid"),
        (read.as_str(), "admin token"),
    ] {
        let body = format!("token={token}");
        let (status, headers, html) = call("POST", "/admin/login").form(&body).send_raw(reg).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{why}");
        assert!(!headers.contains_key("set-cookie"));
        assert!(String::from_utf8(html).unwrap().contains(why));
    }
    let login = format!("token={}", env.admin);
    let (status, headers, _) = call("POST", "/admin/login")
        .form(&login)
        .send_raw(reg)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let set = headers["set-cookie"].to_str().unwrap().to_string();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="] {
        assert!(set.contains(attribute), "{set}");
    }
    assert!(!set.contains(&env.admin), "the cookie is not the token");
    let cookie: &'static str =
        Box::leak(set.split(';').next().unwrap().to_string().into_boxed_str());

    let (status, _, dash) = page(call("GET", "/admin").header("cookie", cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(dash.contains("intact:"), "the audit log's status");
    assert!(dash.contains("Refused publishes") && dash.contains("weather-forecast@1.0.0"));
    let csrf: &'static str = Box::leak(csrf_of(&dash).into_boxed_str());

    // No CSRF secret, a wrong one, or another origin: refused.
    for (form, origin) in [
        ("name=ci&scope=read".to_string(), None),
        ("csrf=0000&name=ci&scope=read".to_string(), None),
        (
            format!("csrf={csrf}&name=ci&scope=read"),
            Some("https://evil.example.invalid"),
        ),
    ] {
        let form: &'static str = Box::leak(form.into_boxed_str());
        let mut c = call("POST", "/admin/tokens")
            .header("cookie", cookie)
            .form(form);
        if let Some(o) = origin {
            c = c.header("origin", o);
        }
        let (status, _, _) = page(c).await;
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{status}"
        );
    }
    // A token made on the page, shown once, works.
    let form: &'static str = Box::leak(format!("csrf={csrf}&name=ci&scope=read").into_boxed_str());
    let (status, headers, created) = page(
        call("POST", "/admin/tokens")
            .header("cookie", cookie)
            .form(form),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "no-store");
    let at = created.find("skillseal_").expect("the new token");
    let secret: String = created[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "_-".contains(*c))
        .collect();
    let secret: &'static str = Box::leak(secret.into_boxed_str());
    let (status, _) = call("GET", "/api/v1/skills").token(secret).send(reg).await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, dash) = page(call("GET", "/admin").header("cookie", cookie)).await;
    assert!(!dash.contains(secret), "shown once");

    // Revoked on the page: refused from then on.
    let tokens = store::tokens::all(&reg.db).await.unwrap();
    let id = &tokens.iter().find(|t| t.name == "ci").unwrap().id;
    let uri: &'static str = Box::leak(format!("/admin/tokens/{id}/revoke").into_boxed_str());
    let form: &'static str = Box::leak(format!("csrf={csrf}").into_boxed_str());
    let (status, _, _) = page(call("POST", uri).header("cookie", cookie).form(form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = call("GET", "/api/v1/skills").token(secret).send(reg).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Signed out: the cookie opens nothing any more.
    let (status, headers, _) = page(
        call("POST", "/admin/logout")
            .header("cookie", cookie)
            .form(form),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let (_, _, after) = page(call("GET", "/admin").header("cookie", cookie)).await;
    assert!(after.contains("name=\"token\""), "the sign-in form again");
}

/// A private registry's pages need a session; the sign-in form does not.
#[tokio::test(flavor = "multi_thread")]
async fn a_private_registry_shows_its_pages_only_to_a_signed_in_admin() {
    let env = fresh_with(None, "[server]\nauth_required = true\n").await;
    let (status, _) = call("GET", "/").send(&env.reg).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = call("GET", "/admin").send_raw(&env.reg).await;
    assert_eq!(status, StatusCode::OK);
    let login = format!("token={}", env.admin);
    let (_, headers, _) = call("POST", "/admin/login")
        .form(&login)
        .send_raw(&env.reg)
        .await;
    let set = headers["set-cookie"].to_str().unwrap().to_string();
    let cookie = set.split(';').next().unwrap().to_string();
    let (status, _, _) = call("GET", "/")
        .header("cookie", &cookie)
        .send_raw(&env.reg)
        .await;
    assert_eq!(status, StatusCode::OK);
    // A session opens pages, never the API.
    let (status, _) = call("GET", "/api/v1/skills")
        .header("cookie", &cookie)
        .send(&env.reg)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
