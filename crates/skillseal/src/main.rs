//! The `skillseal` command line: `scan`, `rules`, `explain`, `pack`,
//! `keygen`, `sign`, `verify-signature`, `publish`, and the project's
//! pinned skills: `add`, `install`, `verify`, `update`.
//!
//! Only this binary prints. Exit codes are defined in [`exit`] and nowhere
//! else.

mod client;
mod exit;
mod project;
mod publish;
mod signing;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use exit::ExitCode;
use skillseal_discover::Limits;
use skillseal_engine::Engine;
use skillseal_engine::policy::{Baseline, Judge, Policy};
use skillseal_model::Severity;
use skillseal_rules::RuleSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// mimalloc: the scan allocates many small, short-lived facts on every
/// worker thread, where glibc's allocator spends a tenth of the time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(
    name = "skillseal",
    version,
    about = "Scan, sign and pin AI agent skills"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to use colour: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Scan skills (folders with SKILL.md), packages and .zip/.tar.gz archives.
    Scan(ScanArgs),
    /// List the rules.
    Rules {
        /// Also load every *.toml rule under DIR.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Explain one rule: what it finds, why it matters, an example.
    Explain {
        /// Rule id (EXEC001) or name (python-process).
        id: String,
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// Pack a skill folder into a deterministic package (.skill.tgz) and
    /// print its digest.
    Pack {
        /// The skill folder (with SKILL.md).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The exact version, when SKILL.md's front matter has none.
        #[arg(long)]
        version: Option<String>,
        /// Where to write the package [default: NAME-VERSION.skill.tgz].
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Create a password-encrypted signing key pair (cosign's format).
    /// The password comes from SKILLSEAL_PASSWORD or a prompt.
    Keygen(signing::KeygenArgs),
    /// Sign a package (or any file) with a key: writes a Sigstore bundle.
    Sign(signing::SignArgs),
    /// Verify a file against a Sigstore bundle, offline, by key or by
    /// keyless certificate identity.
    VerifySignature(signing::VerifyArgs),
    /// Publish a signed package to a registry (token from SKILLSEAL_TOKEN
    /// or a 0600 credentials file).
    Publish(publish::PublishArgs),
    /// Add a skill from the registry: resolve, verify (digest, signature,
    /// trusted signer, local scan), install into the install dir, and pin
    /// it in skillseal.lock.
    Add(project::AddArgs),
    /// Install exactly what skillseal.lock pins, verifying every package.
    Install(project::InstallArgs),
    /// Check the installed skills' files against skillseal.lock.
    Verify(project::VerifyArgs),
    /// Move skills to the newest versions skillseal.toml allows, showing
    /// what changes (capabilities, findings, signer) first.
    Update(project::UpdateArgs),
}

#[derive(clap::Args, Debug)]
struct ScanArgs {
    /// Skill folders, hub snapshots, packages or archives to scan, or
    /// `NAME@VERSION` of a registry package (downloaded, not installed).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// Exit 1 when any finding is at or above this severity.
    #[arg(long, value_name = "SEVERITY", default_value = "high", value_parser = parse_fail_on)]
    fail_on: FailOn,
    /// Also load every *.toml rule under DIR.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print files, bytes, seconds and MB/s to standard error.
    #[arg(long)]
    stats: bool,
    /// Policy file with a `[policy]` table (default: the `[policy]` of the
    /// nearest skillseal.toml in this directory or a parent).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// JSON report (`scan -f json`) of accepted findings: those found again
    /// are suppressed.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// List suppressed findings in full in the human output.
    #[arg(long)]
    show_suppressed: bool,
    /// The registry for `NAME@VERSION` arguments [default: `[registry] url`
    /// of skillseal.toml].
    #[arg(long, value_name = "URL")]
    registry: Option<String>,
    /// Largest file scanned, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_file_size)]
    max_file_size: u64,
    /// CPU seconds one file may take; a file that runs out is reported as
    /// not fully scanned (a `high` finding and exit code 2).
    #[arg(long, value_name = "SECS", default_value_t = skillseal_engine::budget::DEFAULT_FILE_CPU.as_secs_f64(), value_parser = parse_seconds)]
    file_timeout: f64,
}

/// A positive, finite number of seconds.
fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 86_400.0 => Ok(v),
        Ok(_) => Err("must be a number of seconds above 0 and at most 86400".into()),
        Err(e) => Err(e.to_string()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy)]
enum FailOn {
    At(Severity),
    Never,
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    if s == "never" || s == "none" {
        return Ok(FailOn::Never);
    }
    s.parse::<Severity>().map(FailOn::At)
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                ExitCode::Usage
            } else {
                ExitCode::Clean
            };
            let _ = e.print();
            std::process::exit(code as i32);
        }
    };
    let code = match run(cli) {
        Ok(code) => code,
        // The reader went away (`skillseal scan | head`): stop quietly,
        // as `cat` and `rg` do.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::Clean
        }
        Err(e) => {
            let mut err = anstream::stderr();
            let _ = writeln!(err, "error: {e:#}");
            if e.chain().any(|c| c.is::<project::Refusal>()) {
                ExitCode::Findings
            } else {
                ExitCode::Usage
            }
        }
    };
    std::process::exit(code as i32);
}

fn load_rules(extra: Option<&Path>) -> Result<RuleSet> {
    let loaded = match extra {
        Some(dir) => RuleSet::builtin_with_dir(dir),
        None => RuleSet::builtin(),
    };
    loaded.map_err(|errs| {
        let lines: Vec<String> = errs.iter().map(|e| format!("  {e}")).collect();
        anyhow::anyhow!("invalid rules:\n{}", lines.join("\n"))
    })
}

fn stdout(color: ColorChoice) -> anstream::AutoStream<std::io::Stdout> {
    let choice = match color {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    anstream::AutoStream::new(std::io::stdout(), choice)
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => scan(args, cli.color),
        Command::Pack {
            dir,
            version,
            output,
        } => {
            let opts = skillseal_package::PackOptions {
                version,
                ..Default::default()
            };
            let pkg = skillseal_package::pack(&dir, &opts)?;
            let path = output.unwrap_or_else(|| PathBuf::from(pkg.file_name()));
            write_atomically(&path, &pkg.bytes)
                .with_context(|| format!("{}: cannot write the package", path.display()))?;
            let size: u64 = pkg.manifest.files.iter().map(|f| f.size).sum();
            let mut out = stdout(cli.color);
            writeln!(
                out,
                "packed {} {} ({} files, {} bytes) into {}",
                pkg.manifest.name,
                pkg.manifest.version,
                pkg.manifest.files.len(),
                size,
                path.display()
            )?;
            writeln!(out, "digest {}", pkg.digest)?;
            Ok(ExitCode::Clean)
        }
        Command::Keygen(args) => signing::keygen(args, &mut stdout(cli.color)),
        Command::Sign(args) => signing::sign(args, &mut stdout(cli.color)),
        Command::VerifySignature(args) => {
            signing::verify(args, &mut stdout(cli.color), &mut anstream::stderr())
        }
        Command::Publish(args) => {
            publish::publish(args, &mut stdout(cli.color), &mut anstream::stderr())
        }
        Command::Add(args) => project::add(args, &mut stdout(cli.color), &mut anstream::stderr()),
        Command::Install(args) => {
            project::install(args, &mut stdout(cli.color), &mut anstream::stderr())
        }
        Command::Verify(args) => project::verify(args, &mut stdout(cli.color)),
        Command::Update(args) => {
            project::update(args, &mut stdout(cli.color), &mut anstream::stderr())
        }
        Command::Rules { rules, format } => {
            let set = load_rules(rules.as_deref())?;
            let mut out = stdout(cli.color);
            match format {
                ListFormat::Json => {
                    let list: Vec<_> = set
                        .rules()
                        .iter()
                        .map(|r| {
                            serde_json::json!({
                                "id": r.id, "name": r.name, "category": r.category,
                                "severity": r.severity, "capability": r.capability,
                                "message": r.message, "source": r.source,
                            })
                        })
                        .collect();
                    writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
                }
                ListFormat::Human => {
                    for r in set.rules() {
                        writeln!(
                            out,
                            "{:<10} {:<8} {:<18} {}",
                            r.id,
                            r.severity.as_str(),
                            r.category.as_str(),
                            r.name
                        )?;
                    }
                    writeln!(
                        out,
                        "\n{} rules, digest {}",
                        set.rules().len(),
                        set.digest()
                    )?;
                }
            }
            Ok(ExitCode::Clean)
        }
        Command::Explain { id, rules } => {
            let set = load_rules(rules.as_deref())?;
            let Some(r) = set.get(&id) else {
                anyhow::bail!("no rule `{id}` (see `skillseal rules`)");
            };
            let mut out = stdout(cli.color);
            writeln!(out, "{} ({})", r.id, r.name)?;
            writeln!(
                out,
                "category: {} ({})",
                r.category,
                r.category.description()
            )?;
            writeln!(out, "severity: {}", r.severity)?;
            if let Some(c) = &r.capability {
                writeln!(out, "capability: {c}")?;
            }
            writeln!(out, "\n## What it does\n{}\n", r.docs.what.trim())?;
            writeln!(out, "## Why it matters\n{}\n", r.docs.why.trim())?;
            writeln!(out, "## Example\n{}", r.docs.example.trim_end())?;
            Ok(ExitCode::Clean)
        }
    }
}

fn scan(args: ScanArgs, color: ColorChoice) -> Result<ExitCode> {
    let set = load_rules(args.rules.as_deref())?;
    let judge = load_judge(&args, &set)?;
    let engine = Engine::new(&set);
    let limits = Limits {
        max_file_size: args.max_file_size,
        budget: skillseal_engine::Budget::per_file(std::time::Duration::from_secs_f64(
            args.file_timeout,
        )),
        ..Limits::default()
    };
    // `NAME@VERSION` arguments are registry packages, fetched first; the
    // temporary folders live until the scan is done.
    let mut fetched = Vec::new();
    let mut paths = Vec::with_capacity(args.paths.len());
    for p in &args.paths {
        match project::fetch_for_scan(p, args.registry.as_deref())? {
            Some((dir, file)) => {
                // Reported as the user wrote it, not as the temporary file.
                fetched.push((dir, file.display().to_string(), p.display().to_string()));
                paths.push(file);
            }
            None => paths.push(p.clone()),
        }
    }
    let started = Instant::now();
    let mut outcome = skillseal_discover::scan_with(&engine, &paths, &limits, &judge);
    let elapsed = started.elapsed();
    for (_, temporary, shown) in &fetched {
        let relabel = |path: &mut String| {
            if let Some(rest) = path.strip_prefix(temporary.as_str()) {
                *path = format!("{shown}{rest}");
            }
        };
        outcome
            .report
            .skills
            .iter_mut()
            .for_each(|s| relabel(&mut s.path));
        outcome
            .report
            .errors
            .iter_mut()
            .for_each(|e| relabel(&mut e.path));
    }
    let report = &outcome.report;

    let rendered = match args.format {
        OutputFormat::Json => skillseal_report::render_json(report),
        OutputFormat::Sarif => skillseal_report::render_sarif(report, &set),
        OutputFormat::Human => {
            let mut buf = Vec::new();
            skillseal_report::render_human(
                report,
                &mut buf,
                &skillseal_report::HumanOptions {
                    color: true,
                    show_suppressed: args.show_suppressed,
                },
            )?;
            String::from_utf8_lossy(&buf).into_owned()
        }
    };
    match &args.output {
        Some(path) => {
            let plain = if args.format == OutputFormat::Human {
                strip_ansi(&rendered)
            } else {
                rendered
            };
            write_atomically(path, plain.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let mut out = stdout(color);
            out.write_all(rendered.as_bytes())?;
            if !rendered.ends_with('\n') {
                writeln!(out)?;
            }
            out.flush()?;
        }
    }
    if args.stats {
        let secs = elapsed.as_secs_f64();
        let mb = outcome.stats.bytes as f64 / 1e6;
        let mut err = anstream::stderr();
        writeln!(
            err,
            "stats: {} skills, {} files, {} bytes in {:.3} s ({:.1} MB/s)",
            report.skills.len(),
            outcome.stats.files,
            outcome.stats.bytes,
            secs,
            if secs > 0.0 { mb / secs } else { 0.0 }
        )?;
    }
    Ok(exit::for_report(
        report,
        match args.fail_on {
            FailOn::At(s) => Some(s),
            FailOn::Never => None,
        },
    ))
}

/// The policy (`--policy`, else the nearest `skillseal.toml`'s `[policy]`)
/// and the baseline, checked against the rules.
fn load_judge(args: &ScanArgs, set: &RuleSet) -> Result<Judge> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
    };
    let policy = match &args.policy {
        Some(p) => Policy::from_toml(&read(p)?)
            .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
            .ok_or_else(|| anyhow::anyhow!("{}: no [policy] table", p.display()))
            .map(|policy| (policy, p.clone()))?,
        None => match find_project_file()? {
            Some(p) => {
                let policy = Policy::from_toml(&read(&p)?)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
                    .unwrap_or_default();
                (policy, p)
            }
            None => (Policy::default(), PathBuf::new()),
        },
    };
    policy
        .0
        .validate(set.rules())
        .map_err(|e| anyhow::anyhow!("{}: {e}", policy.1.display()))?;
    let baseline = match &args.baseline {
        Some(p) => Some(
            Baseline::from_json(&read(p)?, &p.display().to_string())
                .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?,
        ),
        None => None,
    };
    Ok(Judge {
        policy: policy.0,
        baseline,
    })
}

/// `skillseal.toml` in the current directory or the nearest parent.
fn find_project_file() -> Result<Option<PathBuf>> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    Ok(cwd
        .ancestors()
        .map(|d| d.join("skillseal.toml"))
        .find(|p| p.is_file()))
}

fn strip_ansi(s: &str) -> String {
    anstream::adapter::strip_str(s).to_string()
}

/// Write to a temporary file beside `path`, sync it, then rename over `path`:
/// a reader never sees half a report.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with_mode(path, bytes, 0o666)
}

/// [`write_atomically`] with the file created as `mode` (less the umask)
/// from the start, so a private file is never readable by others, even
/// briefly.
fn write_atomically_with_mode(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
