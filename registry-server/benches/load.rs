//! Load benchmark of the real server binary on loopback.
//!
//! `cargo bench -p skillseal-registry --bench load` starts
//! `skillseal-registry serve` (release build) on a fresh data directory,
//! times publishes (signature check, server scan, blob sync and commit) of
//! a ~20 KB and a ~1 MB skill, then drives metadata reads, resolves and
//! downloads from 64 keep-alive connections, anonymously and with a token,
//! and prints requests per second and p50/p99 latency.
//!
//! The load client runs on one thread of the same machine, so the figures
//! include its cost. Options (environment): `BENCH_CONNECTIONS` (64),
//! `BENCH_SECONDS` per scenario (5).
//!
//! Scaled out: with `BENCH_BLOB_URL` (`s3://BUCKET/PREFIX`, an existing
//! bucket; `BENCH_BLOB_ENDPOINT` for a server other than AWS, path-style
//! requests; AWS credentials from the environment) and `BENCH_DATABASE_URL`
//! (an empty PostgreSQL database), two servers share the database and the
//! bucket: publishes go through the first, and the read connections are
//! spread over both.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

fn main() {
    // `cargo bench` passes `--bench`; nothing to filter here.
    let connections = env_or("BENCH_CONNECTIONS", 64);
    let seconds = env_or("BENCH_SECONDS", 5);
    let dir = tempfile::tempdir().unwrap();
    let mut extra: Vec<String> = Vec::new();
    if let Ok(url) = std::env::var("BENCH_BLOB_URL") {
        extra.extend(["--blob-url".into(), url, "--blob-path-style".into()]);
        if let Ok(endpoint) = std::env::var("BENCH_BLOB_ENDPOINT") {
            extra.extend(["--blob-endpoint".into(), endpoint]);
        }
    }
    if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
        extra.extend(["--database-url".into(), url]);
    }
    let scaled_out = !extra.is_empty();
    let data = dir.path().join("data");
    let mut server = start(&data, &extra);
    // The second server shares the database, the bucket and the log key.
    let mut second = scaled_out.then(|| start(&data, &extra));
    let servers: Vec<&Server> = std::iter::once(&server).chain(second.as_ref()).collect();
    println!(
        "skillseal-registry {} on {} ({connections} connections, {seconds} s per scenario){}\n",
        env!("CARGO_PKG_VERSION"),
        servers
            .iter()
            .map(|s| s.addr.as_str())
            .collect::<Vec<_>>()
            .join(" and "),
        if scaled_out {
            ", two servers on PostgreSQL and S3"
        } else {
            ""
        }
    );

    let key = key();
    println!("publish (PUT, verify + scan + commit), 20 runs each:");
    for (label, name, bytes) in [
        ("~20 KB skill", "bench-small", 20 << 10),
        ("~1 MB skill", "bench-large", 1 << 20),
    ] {
        let skill = dir.path().join(name);
        write_skill(&skill, name, bytes);
        let mut times = Vec::new();
        let mut wire = 0;
        for i in 0..20 {
            let (body, size) = publish_body(&skill, &format!("1.0.{i}"), &key);
            wire = size;
            let path = format!("/api/v1/skills/{name}/1.0.{i}");
            let started = Instant::now();
            let status = blocking_request(&server, "PUT", &path, body);
            times.push(started.elapsed());
            assert_eq!(status, 201, "publish of {name} 1.0.{i}");
        }
        times.sort();
        println!(
            "  {label:<13} package {:>7} B   median {:>7.1} ms   max {:>7.1} ms",
            wire,
            ms(times[times.len() / 2]),
            ms(times[times.len() - 1]),
        );
    }

    let token = server.admin.clone();
    let resolve = r#"{"skills": {"bench-small": "^1", "bench-large": "~1.0"}}"#;
    let scenarios: [(&str, &str, &str, Option<&str>); 3] = [
        ("metadata", "GET", "/api/v1/skills/bench-small", None),
        ("resolve", "POST", "/api/v1/resolve", Some(resolve)),
        (
            "download 20 KB",
            "GET",
            "/api/v1/skills/bench-small/1.0.0/package",
            None,
        ),
    ];
    println!("\nreads ({connections} connections):");
    for (label, method, path, body) in scenarios {
        for auth in [None, Some(token.as_str())] {
            let r = load(&servers, method, path, body, auth, connections, seconds);
            println!(
                "  {label:<15} {:<9} {:>8.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   errors {}",
                if auth.is_some() { "token" } else { "anonymous" },
                r.rps,
                r.p50,
                r.p99,
                r.errors
            );
        }
    }
    drop(servers);
    for s in std::iter::once(&mut server).chain(second.as_mut()) {
        s.child.kill().ok();
        s.child.wait().ok();
    }
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Server {
    child: Child,
    addr: String,
    admin: String,
}

fn start(data: &Path, extra: &[String]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_skillseal-registry"))
        .arg("serve")
        .arg("--data")
        .arg(data)
        .args(["--listen", "127.0.0.1:0"])
        .args(extra)
        .env(
            "SKILLSEAL_LOG",
            std::env::var("SKILLSEAL_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut admin = String::new();
    let addr = loop {
        let line = lines.next().expect("the server starts").unwrap();
        if let Some(t) = line.strip_prefix("admin token (shown once, store it now): ") {
            admin = t.to_string();
        } else if let Some(url) = line.strip_prefix("skillseal-registry listening on http://") {
            break url.to_string();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    Server { child, addr, admin }
}

fn key() -> skillseal_sign::SigningKey {
    let password = skillseal_sign::Password::new("bench");
    let generated =
        skillseal_sign::keys::generate(skillseal_sign::KeyAlgorithm::EcdsaP256, &password).unwrap();
    skillseal_sign::SigningKey::from_encrypted_pem(generated.private_pem.as_bytes(), &password)
        .unwrap()
}

/// A benign skill of about `bytes`: SKILL.md and Python helpers, different
/// enough from one another that the package does not compress to nothing.
fn write_skill(dir: &Path, name: &str, bytes: usize) {
    std::fs::create_dir_all(dir.join("scripts")).unwrap();
    std::fs::write(
        dir.join("SKILL.md"),
        format!(
            "---\nname: {name}\ndescription: Unit conversions for the benchmark.\nversion: 1.0.0\n---\n\n\
             # {name}\n\nRun `python3 scripts/convert_0.py VALUE` to convert a value.\n"
        ),
    )
    .unwrap();
    let mut written = 0;
    let mut file = 0;
    while written < bytes {
        let mut src = String::from("\"\"\"Unit conversions.\"\"\"\n\nimport sys\n\n");
        let mut f = 0u64;
        while src.len() < 16 << 10 {
            let factor = (file as u64 * 7919 + f * 104_729) % 100_003;
            src.push_str(&format!(
                "def convert_{file}_{f}(value: float) -> float:\n    \"\"\"Scale by {factor}.\"\"\"\n    \
                 return value * {factor} / {}\n\n\n",
                f + 3
            ));
            f += 1;
        }
        src.push_str(&format!(
            "if __name__ == \"__main__\":\n    print(convert_{file}_0(float(sys.argv[1])))\n"
        ));
        written += src.len();
        std::fs::write(dir.join(format!("scripts/convert_{file}.py")), src).unwrap();
        file += 1;
    }
}

fn publish_body(skill: &Path, version: &str, key: &skillseal_sign::SigningKey) -> (String, usize) {
    let opts = skillseal_package::PackOptions {
        version: Some(version.to_string()),
        ..Default::default()
    };
    let pkg = skillseal_package::pack(skill, &opts).unwrap();
    let bundle = skillseal_sign::sign(&pkg.bytes, key).unwrap().to_json();
    let body = serde_json::json!({
        "package": base64::engine::general_purpose::STANDARD.encode(&pkg.bytes),
        "digest": pkg.digest,
        "bundle": bundle,
        "signer": {"key": {"public_key": key.public_key().to_pem()}},
    });
    (body.to_string(), pkg.bytes.len())
}

fn request(
    host: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
    token: Option<&str>,
) -> hyper::Request<Full<Bytes>> {
    let mut req = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", host)
        .header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    req.body(Full::new(Bytes::from(body.unwrap_or("").to_string())))
        .unwrap()
}

fn blocking_request(server: &Server, method: &str, path: &str, body: String) -> u16 {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut sender = connect(&server.addr).await;
        let req = request(&server.addr, method, path, Some(&body), Some(&server.admin));
        let resp = sender.send_request(req).await.unwrap();
        let status = resp.status().as_u16();
        resp.into_body().collect().await.unwrap();
        status
    })
}

async fn connect(addr: &str) -> hyper::client::conn::http1::SendRequest<Full<Bytes>> {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    sender
}

struct Figures {
    rps: f64,
    p50: f64,
    p99: f64,
    errors: usize,
}

/// `connections` keep-alive connections (spread over `servers`), each
/// sending the request again as soon as the response is read, for
/// `seconds` after one second of warm-up.
fn load(
    servers: &[&Server],
    method: &str,
    path: &str,
    body: Option<&str>,
    token: Option<&str>,
    connections: u64,
    seconds: u64,
) -> Figures {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let warm = Instant::now() + Duration::from_secs(1);
        let end = warm + Duration::from_secs(seconds);
        let mut tasks = Vec::new();
        for i in 0..connections {
            let addr = servers[i as usize % servers.len()].addr.clone();
            let (method, path) = (method.to_string(), path.to_string());
            let (body, token) = (body.map(String::from), token.map(String::from));
            tasks.push(tokio::spawn(async move {
                let mut sender = connect(&addr).await;
                let mut latencies = Vec::with_capacity(1 << 14);
                let mut errors = 0;
                loop {
                    let started = Instant::now();
                    if started >= end {
                        break;
                    }
                    let ok = match sender.ready().await {
                        Ok(()) => match sender
                            .send_request(request(
                                &addr,
                                &method,
                                &path,
                                body.as_deref(),
                                token.as_deref(),
                            ))
                            .await
                        {
                            Ok(resp) => {
                                let good = resp.status().is_success();
                                resp.into_body().collect().await.is_ok() && good
                            }
                            Err(_) => false,
                        },
                        Err(_) => false,
                    };
                    if started >= warm {
                        if ok {
                            latencies.push(started.elapsed());
                        } else {
                            errors += 1;
                        }
                    }
                    if !ok {
                        sender = connect(&addr).await;
                    }
                }
                (latencies, errors)
            }));
        }
        let mut all = Vec::new();
        let mut errors = 0;
        for t in tasks {
            let (l, e) = t.await.unwrap();
            all.extend(l);
            errors += e;
        }
        all.sort();
        let pct = |p: f64| {
            all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
                .map_or(f64::NAN, |d| ms(*d))
        };
        Figures {
            rps: all.len() as f64 / seconds as f64,
            p50: pct(0.50),
            p99: pct(0.99),
            errors,
        }
    })
}
