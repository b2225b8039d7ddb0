//! `skillseal-registry`: serve the registry, create tokens, verify the
//! audit log. Only this binary prints.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use skillseal_registry::config::{Config, Overrides};
use skillseal_registry::router::router;
use skillseal_registry::state::Registry;
use skillseal_registry::tokens::Scope;
use skillseal_registry::{auth, store};

#[derive(Parser)]
#[command(
    name = "skillseal-registry",
    version,
    about = "A private registry of signed, pinned, scanned skills"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct Common {
    /// The data directory: database, blobs, registry.toml.
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// `sqlite://…` or `postgres://…` [default: sqlite in DIR].
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// Keep blobs in S3-compatible object storage, `s3://BUCKET[/PREFIX]`
    /// [default: DIR/blobs]; credentials from the AWS environment.
    #[arg(long, value_name = "URL")]
    blob_url: Option<String>,
    /// The S3 endpoint, for servers other than AWS.
    #[arg(long, value_name = "URL", requires = "blob_url")]
    blob_endpoint: Option<String>,
    /// The bucket's region.
    #[arg(long, value_name = "REGION", requires = "blob_url")]
    blob_region: Option<String>,
    /// Path-style requests (`ENDPOINT/BUCKET/KEY`), for MinIO-like servers.
    #[arg(long, requires = "blob_url")]
    blob_path_style: bool,
    /// Send anonymous downloads to a presigned URL of the object (valid
    /// five minutes) instead of relaying the bytes.
    #[arg(long, requires = "blob_url")]
    blob_redirect: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (creating the data directory on first start).
    Serve {
        #[command(flatten)]
        common: Common,
        /// Address to listen on [default: 127.0.0.1:7171].
        #[arg(long, value_name = "ADDR:PORT")]
        listen: Option<SocketAddr>,
        /// The URL clients use, behind a proxy (its host and origin are allowed).
        #[arg(long, value_name = "URL")]
        public_url: Option<String>,
        /// Serve HTTPS with this PEM certificate chain (with --tls-key).
        #[arg(long, value_name = "PEM", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The certificate's PEM private key.
        #[arg(long, value_name = "PEM", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Accept a non-loopback address without TLS (behind a TLS proxy).
        #[arg(long)]
        insecure_public: bool,
    },
    /// Manage tokens offline (on the server's machine).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The transparency log.
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// Check the blob store: every blob a version or a refused publish
    /// names is present, and every blob on disk matches its digest.
    Fsck {
        #[command(flatten)]
        common: Common,
    },
    /// Copy a registry's blobs from its data directory into S3-compatible
    /// object storage (each re-hashed on the way); then start the servers
    /// with `--blob-url`. Existing objects are kept, so it can be re-run.
    MigrateBlobs {
        /// The data directory whose `blobs/` to copy.
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        /// `s3://BUCKET[/PREFIX]`.
        #[arg(long, value_name = "URL")]
        to: String,
        /// The S3 endpoint, for servers other than AWS.
        #[arg(long, value_name = "URL")]
        blob_endpoint: Option<String>,
        #[arg(long, value_name = "REGION")]
        blob_region: Option<String>,
        /// Path-style requests, for MinIO-like servers.
        #[arg(long)]
        blob_path_style: bool,
    },
    /// Scan every stored version again with today's rules and
    /// `[policy]`; a version now blocked is no longer served. Exits 1
    /// when some version is blocked or could not be scanned.
    Rescan {
        #[command(flatten)]
        common: Common,
        /// Report what would change; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token and print it once.
    Create {
        #[command(flatten)]
        common: Common,
        /// A name for the principal the token acts for.
        #[arg(long, default_value = "admin")]
        name: String,
        /// Give it every right.
        #[arg(long)]
        admin: bool,
        /// `publish:GLOB`, `yank:GLOB` or `read` (repeatable).
        #[arg(long = "scope", value_name = "SCOPE")]
        scopes: Vec<String>,
    },
}

#[derive(Subcommand)]
enum LogCommand {
    /// Recompute the tree from the leaves in the database, check every
    /// stored hash and every version against its log entry, and print the
    /// signed checkpoint to record elsewhere; with `--against`, check that
    /// the log extends a checkpoint recorded before. Exits 1 on a problem.
    Verify {
        #[command(flatten)]
        common: Common,
        /// A checkpoint recorded earlier (its signed note, as printed).
        #[arg(long, value_name = "FILE")]
        against: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every link of the hash chain.
    Verify {
        #[command(flatten)]
        common: Common,
    },
}

fn config(common: &Common, overrides: Overrides) -> anyhow::Result<Config> {
    Config::load(
        &common.data,
        Overrides {
            database_url: common.database_url.clone(),
            blob_url: common.blob_url.clone(),
            blob_endpoint: common.blob_endpoint.clone(),
            blob_region: common.blob_region.clone(),
            blob_path_style: common.blob_path_style,
            blob_redirect: common.blob_redirect,
            ..overrides
        },
    )
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli).await {
        eprintln!("error: {e:#}");
        std::process::exit(2);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            common,
            listen,
            public_url,
            tls_cert,
            tls_key,
            insecure_public,
        } => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_env("SKILLSEAL_LOG")
                        .unwrap_or_else(|_| "info".into()),
                )
                .with_writer(std::io::stderr)
                .init();
            let cfg = config(
                &common,
                Overrides {
                    listen,
                    public_url,
                    insecure_public,
                    tls_cert,
                    tls_key,
                    ..Overrides::default()
                },
            )?;
            cfg.check_bind()?;
            let tls = match &cfg.tls {
                Some(t) => Some(skillseal_registry::tls::acceptor(&t.cert, &t.key)?),
                None => None,
            };
            // Bound before the registry opens, so that `--listen ADDR:0`
            // allows the port actually given in `Host` and `Origin`.
            let listener = tokio::net::TcpListener::bind(cfg.listen)
                .await
                .with_context(|| format!("cannot listen on {}", cfg.listen))?;
            let mut cfg = cfg;
            cfg.listen = listener.local_addr()?;
            let first_start =
                !cfg.data.join("registry.db").exists() && cfg.database_url.starts_with("sqlite:");
            let reg = Registry::open(cfg.clone()).await?;
            if store::tokens::count(&reg.db).await? == 0 || first_start {
                let (_, secret) =
                    auth::create_token(&reg.db, "registry", "admin", &[Scope::Admin], None).await?;
                // Printed once, to the operator's terminal; never logged.
                println!(
                    "admin token (shown once, store it now): {}",
                    secret.expose()
                );
            }
            // Public: clients pin it (`skillseal add` shows it too).
            println!("log key: {}", reg.log.key().verifier_key());
            println!(
                "skillseal-registry listening on {}://{}",
                cfg.scheme(),
                cfg.listen
            );
            let limits = skillseal_registry::serve::Limits {
                header_read_timeout: cfg.header_read_timeout,
                max_connections_per_address: cfg.max_connections_per_address,
            };
            let shutdown = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            skillseal_registry::serve::serve(listener, router(reg), tls, limits, shutdown).await;
            Ok(())
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    common,
                    name,
                    admin,
                    scopes,
                },
        } => {
            let mut parsed = Vec::new();
            if admin {
                parsed.push(Scope::Admin);
            }
            for s in &scopes {
                parsed.push(Scope::parse(s).with_context(|| {
                    format!("`{s}`: expected publish:GLOB, yank:GLOB, admin or read")
                })?);
            }
            anyhow::ensure!(!parsed.is_empty(), "give --admin or at least one --scope");
            anyhow::ensure!(
                skillseal_package::valid_name(&name),
                "`{name}` is not a valid token name"
            );
            let cfg = config(&common, Overrides::default())?;
            std::fs::create_dir_all(&cfg.data)?;
            let db = store::open(&cfg.database_url).await?;
            let (id, secret) =
                auth::create_token(&db, "registry-cli", &name, &parsed, None).await?;
            println!("token {id} for `{name}` (shown once): {}", secret.expose());
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify { common },
        } => {
            let cfg = config(&common, Overrides::default())?;
            let db = store::open_existing(&cfg.database_url).await?;
            match store::verify_audit(&db).await? {
                Ok(n) => {
                    let head = store::audit_entries(&db, n - 1, 1).await?;
                    let hash = head
                        .first()
                        .map_or(store::GENESIS.to_string(), |e| e.hash.clone());
                    println!("audit log intact: {n} entries, head {hash}");
                    println!(
                        "(record the head elsewhere: a log rewritten from the start verifies too)"
                    );
                    Ok(())
                }
                Err((seq, why)) => anyhow::bail!("audit log broken at entry {seq}: {why}"),
            }
        }
        Command::Fsck { common } => {
            let cfg = config(&common, Overrides::default())?;
            let db = store::open_existing(&cfg.database_url).await?;
            let blobs =
                skillseal_registry::blobs::BlobStore::existing(&cfg.data, cfg.blobs.as_ref())?;
            let report = skillseal_registry::fsck::check(&db, &blobs).await?;
            for problem in &report.problems {
                println!("{problem}");
            }
            println!(
                "checked {} blobs ({} named by the database): {} missing, {} corrupt",
                report.checked,
                report.referenced,
                report.missing(),
                report.corrupt()
            );
            if !report.problems.is_empty() {
                // Problems found: 1; the check itself failing is 2.
                eprintln!("error: the blob store has problems");
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Log {
            command: LogCommand::Verify { common, against },
        } => {
            let cfg = config(&common, Overrides::default())?;
            let db = store::open_existing(&cfg.database_url).await?;
            let key_path = cfg.data.join(skillseal_registry::tlog::KEY_FILE);
            anyhow::ensure!(
                key_path.is_file(),
                "no log key at {}: is this a registry's data directory?",
                key_path.display()
            );
            let log = skillseal_registry::tlog::Log::open(&cfg.data, None)?;
            let verified = skillseal_registry::tlog::verify(&db).await?;
            for problem in &verified.problems {
                println!("{problem}");
            }
            let root = verified.root.unwrap_or(skillseal_tlog::Hash([0; 32]));
            let note = log.key().sign_checkpoint(verified.size, root)?;
            let mut problems = verified.problems.len();
            if let Some(path) = against {
                let text = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let verifier = skillseal_tlog::LogVerifier::new(log.key().verifier_key())?;
                let old = verifier
                    .open_checkpoint(&text)
                    .with_context(|| format!("{}", path.display()))?;
                let proof = if old.size == 0 || old.size >= verified.size {
                    Vec::new()
                } else {
                    store::log::consistency(&db, old.size, verified.size).await?
                };
                let proof: Vec<String> = proof.iter().map(skillseal_tlog::encode_hash).collect();
                if let Err(e) = skillseal_tlog::verify_consistency(
                    old.size,
                    old.root,
                    verified.size,
                    root,
                    &proof,
                ) {
                    println!("{}: {e}", path.display());
                    problems += 1;
                } else {
                    println!(
                        "the log extends the checkpoint in {} (size {})",
                        path.display(),
                        old.size
                    );
                }
            }
            println!(
                "log of {} entries recomputed: {problems} problems; its checkpoint (record it elsewhere):",
                verified.size
            );
            print!("{}", String::from_utf8_lossy(&note));
            if problems > 0 {
                eprintln!("error: the log does not verify");
                std::process::exit(1);
            }
            Ok(())
        }
        Command::MigrateBlobs {
            from,
            to,
            blob_endpoint,
            blob_region,
            blob_path_style,
        } => {
            anyhow::ensure!(
                from.join("blobs/sha256").is_dir(),
                "no blobs at {}: is this a registry's data directory?",
                from.join("blobs").display()
            );
            let source = skillseal_registry::blobs::BlobStore::existing(&from, None)?;
            let target = skillseal_registry::blobs::BlobStore::open(
                &from,
                Some(&skillseal_registry::blobs::ObjectConfig {
                    url: to.clone(),
                    endpoint: blob_endpoint,
                    region: blob_region,
                    path_style: blob_path_style,
                    redirect: false,
                }),
            )?;
            let digests = source.list().await?;
            let mut copied = 0;
            for digest in &digests {
                // Read back through the digest check: a corrupt blob stops
                // the migration (run fsck), it is never copied.
                let bytes = source
                    .get(digest)
                    .await
                    .with_context(|| format!("{digest}: run `skillseal-registry fsck`"))?
                    .with_context(|| format!("{digest}: vanished while migrating"))?;
                let stored = target.put(bytes).await?;
                anyhow::ensure!(stored.as_str() == digest, "{digest}: stored as {stored}");
                copied += 1;
            }
            println!("copied {copied} blobs from {} to {to}", from.display());
            Ok(())
        }
        Command::Rescan { common, dry_run } => {
            let cfg = config(&common, Overrides::default())?;
            // An existing registry only: never create one to rescan it.
            store::open_existing(&cfg.database_url).await?.close().await;
            let reg = Registry::open(cfg).await?;
            let results = skillseal_registry::rescan::rescan(&reg, dry_run).await?;
            let mut attention = 0;
            for r in &results {
                let change = match &r.after {
                    Ok(after) if r.not_loosened.is_some() => format!(
                        "{after} (kept: today's scan says {}, and a rescan never loosens the verdict the log attests)",
                        r.not_loosened.as_deref().unwrap_or_default()
                    ),
                    Ok(after) if r.changed && after != &r.before => {
                        format!("{} -> {after}", r.before)
                    }
                    Ok(after) if r.changed => format!("{after} (report renewed)"),
                    Ok(after) => format!("{after} (unchanged)"),
                    Err(why) => format!("{} (kept: {why})", r.before),
                };
                println!("{} {}: {change}", r.name, r.version);
                for reason in &r.reasons {
                    println!("    {reason}");
                }
                if r.after.as_deref().map_or(true, |a| a == "block") {
                    attention += 1;
                }
            }
            let changed = results.iter().filter(|r| r.changed).count();
            let verb = if dry_run { "would change" } else { "changed" };
            println!(
                "rescanned {} versions: {changed} {verb}, {attention} blocked or not scanned",
                results.len()
            );
            if attention > 0 {
                std::process::exit(1);
            }
            Ok(())
        }
    }
}
