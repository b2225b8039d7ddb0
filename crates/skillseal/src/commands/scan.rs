//! `skillseal scan`: scan skills, packages, archives and registry packages,
//! and report the findings.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::ValueEnum;
use skillseal_discover::{Limits, ScanOutcome};
use skillseal_engine::Engine;
use skillseal_engine::policy::{Baseline, Judge, Policy};
use skillseal_model::Severity;
use skillseal_rules::RuleSet;

use crate::config::{find_project_file, load_rules};
use crate::exit::{self, ExitCode};
use crate::output::{ColorChoice, stdout, strip_ansi, write_atomically};

#[derive(clap::Args, Debug)]
pub struct ScanArgs {
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
pub enum OutputFormat {
    Human,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy)]
pub enum FailOn {
    At(Severity),
    Never,
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    if s == "never" || s == "none" {
        return Ok(FailOn::Never);
    }
    s.parse::<Severity>().map(FailOn::At)
}

pub fn run(args: ScanArgs, color: ColorChoice) -> Result<ExitCode> {
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
    // `NAME@VERSION` arguments are registry packages, fetched into memory
    // first and scanned there.
    let mut fetched = Vec::new();
    let mut paths = Vec::with_capacity(args.paths.len());
    for p in &args.paths {
        match fetch(p, args.registry.as_deref())? {
            Some(package) => fetched.push(package),
            None => paths.push(p.clone()),
        }
    }
    let started = Instant::now();
    let mut outcome = skillseal_discover::scan_with(&engine, &paths, &limits, &judge);
    for package in &fetched {
        let scanned = package.scan(&engine, &limits, &judge);
        outcome.report.skills.extend(scanned.report.skills);
        outcome.report.errors.extend(scanned.report.errors);
        outcome.stats += scanned.stats;
    }
    if !fetched.is_empty() {
        outcome.report.skills.sort_by(|a, b| a.path.cmp(&b.path));
        outcome.report.errors.sort();
        outcome.report.errors.dedup();
    }
    let elapsed = started.elapsed();
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

/// A registry package named on the command line as `NAME@VERSION`.
struct Fetched {
    /// As the user wrote it: how the package's skills are reported.
    shown: String,
    /// `NAME-VERSION.skill.tgz`, the name it is scanned under (as the
    /// registry and `install` scan it; a skill without a `name` in its
    /// `SKILL.md` is named after it).
    scanned_as: String,
    bytes: Vec<u8>,
}

/// `arg` as a registry package, downloaded into memory (its digest
/// checked against the registry's listing); `None` when `arg` names
/// something on disk or is not of the form `NAME@VERSION`.
fn fetch(arg: &Path, registry: Option<&str>) -> Result<Option<Fetched>> {
    if arg.exists() {
        return Ok(None);
    }
    let Some((name, version)) = arg
        .to_str()
        .and_then(skillseal_install::ops::fetch::parse_target)
    else {
        return Ok(None);
    };
    let registry = crate::config::registry(registry)?;
    let client = crate::config::connect(&registry, false, &mut anstream::stderr())?;
    let bytes = skillseal_install::ops::fetch::download(&client, name, version)?;
    Ok(Some(Fetched {
        shown: arg.display().to_string(),
        scanned_as: format!("{name}-{version}.skill.tgz"),
        bytes,
    }))
}

impl Fetched {
    /// The scan of the package in memory, its paths as the user wrote it.
    fn scan(&self, engine: &Engine, limits: &Limits, judge: &Judge) -> ScanOutcome {
        let mut outcome = skillseal_discover::scan_archive_bytes(
            engine,
            &self.scanned_as,
            &self.bytes,
            limits,
            judge,
        );
        let relabel = |path: &mut String| {
            if let Some(rest) = path.strip_prefix(self.scanned_as.as_str()) {
                *path = format!("{}{rest}", self.shown);
            }
        };
        let report = &mut outcome.report;
        report.skills.iter_mut().for_each(|s| relabel(&mut s.path));
        report.errors.iter_mut().for_each(|e| relabel(&mut e.path));
        outcome
    }
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
