//! `skillseal-bench`: full-scan throughput against tree-sitter parsing
//! alone, over the same generated corpus of skills.
//!
//! The parent process generates (or reuses) the corpus, then runs every
//! measurement in a child process of itself (hidden `run-parse` and
//! `run-scan` subcommands) so each child's peak RSS (`VmHWM`) covers that
//! phase alone, not corpus generation. Parse and scan children alternate,
//! one run each, so drift on the machine hits both alike.
//!
//! ```text
//! skillseal-bench real [--cache DIR] [--runs N] [--scale 1|2] [--per-file]
//! skillseal-bench [--corpus DIR] [--size-mb N] [--runs N] [--seed N] [--phases]
//! skillseal-bench gen DIR [--size-mb N] [--seed N]
//! ```
//!
//! `real` is the headline figure: 50 pinned PyPI and npm packages (see
//! `real.rs`). The default command measures a generated corpus.

mod corpus;
mod measure;
mod real;
mod real_bench;

use measure::*;
use real_bench::*;

use rayon::prelude::*;
use skillseal_discover::Limits;
use skillseal_engine::{Engine, SkillContext, detect, lang};
use skillseal_model::Language;
use skillseal_rules::RuleSet;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// mimalloc: the scan allocates many small, short-lived facts on every
/// worker thread, where glibc's allocator spends a tenth of the time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const MB: f64 = 1_000_000.0;
const TARGET_RATIO: f64 = 1.5;
const TARGET_RSS_MB: f64 = 300.0;

const USAGE: &str = "\
usage: skillseal-bench real [--cache DIR] [--runs N] [--scale 1|2] [--per-file]
       skillseal-bench [--corpus DIR] [--size-mb N] [--runs N] [--seed N] [--phases]
       skillseal-bench gen DIR [--size-mb N] [--seed N]

  real           download (once) and unpack 50 pinned PyPI and npm packages
                 (crates/skillseal-bench/data/real-packages.txt), then time
                 the full scan against parse-only on them
  --cache DIR    where `real` keeps downloads and the unpacked corpus
                 (default ~/.cache/skillseal-bench/real)
  --scale 2      `real` also scans the corpus twice over (a hard-linked
                 copy as more input paths), for peak RSS at 1x and 2x
  --per-file     `real` also scans every file alone on the pool, timed,
                 and lists the slowest (a file still running after 10 s
                 is named as it runs)

  --corpus DIR   reuse the corpus in DIR (generated there first when DIR is
                 missing or empty); default: a fresh temporary directory
  --size-mb N    corpus size to generate, in MB of 10^6 bytes (default 64)
  --runs N       measurements of each kind; best and median are reported
                 (default 3)
  --seed N       corpus seed (default 1)
  --phases       also time parse / fact extraction / rule matching per
                 language on one thread
";

struct Opts {
    corpus: Option<PathBuf>,
    size_mb: u64,
    runs: usize,
    seed: u64,
    phases: bool,
    cache: Option<PathBuf>,
    scale: u32,
    per_file: bool,
}

fn parse_opts(args: &[String]) -> Result<(Vec<String>, Opts), String> {
    let mut o = Opts {
        corpus: None,
        size_mb: 64,
        runs: 3,
        seed: 1,
        phases: false,
        cache: None,
        scale: 1,
        per_file: false,
    };
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--corpus" => o.corpus = Some(PathBuf::from(value("--corpus")?)),
            "--size-mb" => {
                o.size_mb = value("--size-mb")?
                    .parse()
                    .map_err(|e| format!("--size-mb: {e}"))?
            }
            "--runs" => {
                o.runs = value("--runs")?
                    .parse()
                    .map_err(|e| format!("--runs: {e}"))?
            }
            "--seed" => {
                o.seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--phases" => o.phases = true,
            "--cache" => o.cache = Some(PathBuf::from(value("--cache")?)),
            "--scale" => {
                o.scale = match value("--scale")?.as_str() {
                    "1" => 1,
                    "2" => 2,
                    v => return Err(format!("--scale: 1 or 2, not {v}")),
                }
            }
            "--per-file" => o.per_file = true,
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s => positional.push(s.to_string()),
        }
    }
    if o.runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    Ok((positional, o))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (positional, opts) = match parse_opts(&args) {
        Ok(x) => x,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("skillseal-bench: {e}");
            }
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match positional.first().map(String::as_str) {
        None => bench(&opts),
        Some("gen") if positional.len() == 2 => gen_cmd(Path::new(&positional[1]), &opts),
        Some("real") if positional.len() == 1 => real_bench(&opts),
        Some("run-parse") if positional.len() >= 2 => child_parse(&paths(&positional[1..])),
        Some("run-scan") if positional.len() >= 2 => child_scan(&paths(&positional[1..])),
        Some("run-files") if positional.len() >= 2 => child_files(&paths(&positional[1..])),
        Some("run-phases") if positional.len() == 2 => child_phases(Path::new(&positional[1])),
        Some(_) => Err("unexpected arguments".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("skillseal-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn paths(args: &[String]) -> Vec<PathBuf> {
    args.iter().map(PathBuf::from).collect()
}

// ------------------------------------------------------------ the parent

fn gen_cmd(dir: &Path, opts: &Opts) -> Result<(), String> {
    let t = Instant::now();
    let w =
        corpus::generate(dir, opts.size_mb * 1_000_000, opts.seed).map_err(|e| e.to_string())?;
    println!(
        "generated {:.1} MB in {} files ({} skills) under {} in {:.1} s",
        w.bytes as f64 / MB,
        w.files,
        w.skills,
        dir.display(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

fn bench(opts: &Opts) -> Result<(), String> {
    let _tmp;
    let dir: PathBuf = match &opts.corpus {
        Some(d) if d.is_dir() && !is_empty_dir(d) => {
            println!("reusing corpus {}", d.display());
            d.clone()
        }
        Some(d) => {
            std::fs::create_dir_all(d).map_err(|e| e.to_string())?;
            gen_cmd(d, opts)?;
            d.clone()
        }
        None => {
            let t = tempfile::Builder::new()
                .prefix("skillseal-bench-")
                .tempdir()
                .map_err(|e| e.to_string())?;
            let d = t.path().to_path_buf();
            _tmp = t;
            gen_cmd(&d, opts)?;
            d
        }
    };

    // Read everything once so every measured run sees a warm page cache.
    let files = list_files(&dir);
    let mut per_lang: BTreeMap<&'static str, (usize, u64)> = BTreeMap::new();
    let mut total = 0u64;
    for (_, p) in &files {
        let bytes = std::fs::read(p).map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&bytes);
        let l = detect::language(&p.to_string_lossy(), &text);
        let slot = per_lang.entry(l.as_str()).or_default();
        slot.0 += 1;
        slot.1 += bytes.len() as u64;
        total += bytes.len() as u64;
    }
    let skills = files
        .iter()
        .filter(|(rel, _)| rel.ends_with("SKILL.md"))
        .count();
    let mix: Vec<String> = per_lang
        .iter()
        .map(|(l, (n, b))| format!("{l} {n} files / {:.1} MB", *b as f64 / MB))
        .collect();
    println!(
        "corpus: {:.1} MB in {} files, {} skills: {}",
        total as f64 / MB,
        files.len(),
        skills,
        mix.join(", ")
    );

    let mut parse_runs = Vec::new();
    let mut scan_runs = Vec::new();
    let mut parse_hwm = 0;
    let mut scan_hwm = 0;
    let mut last_scan = Child::default();
    for i in 0..opts.runs {
        let p = spawn("run-parse", &dir)?;
        let pr = p.run.ok_or("no parse result")?;
        parse_hwm = parse_hwm.max(p.hwm_kb);
        let s = spawn("run-scan", &dir)?;
        let sr = s.run.ok_or("no scan result")?;
        scan_hwm = scan_hwm.max(s.hwm_kb);
        println!(
            "run {}/{}: parse-only {:.3} s ({:.1} MB/s, {:.1} s CPU), full scan {:.3} s ({:.1} MB/s, {:.1} s CPU), scan VmHWM {:.1} MB",
            i + 1,
            opts.runs,
            pr.secs,
            pr.bytes as f64 / MB / pr.secs,
            pr.cpu,
            sr.secs,
            sr.bytes as f64 / MB / sr.secs,
            sr.cpu,
            s.hwm_kb as f64 / 1024.0
        );
        if sr.bytes != pr.bytes || sr.files != pr.files {
            return Err(format!(
                "the scan saw {} files / {} bytes but parse-only saw {} / {}",
                sr.files, sr.bytes, pr.files, pr.bytes
            ));
        }
        parse_runs.push(pr);
        scan_runs.push(sr);
        last_scan = s;
    }

    if opts.phases {
        println!("\nphases (one thread, every file in turn; `facts` includes its parse):");
        spawn("run-phases", &dir)?;
    }

    let sorted = |runs: &[Run], f: fn(&Run) -> f64| -> Vec<f64> {
        let mut v: Vec<f64> = runs.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let (ps, ss) = (
        sorted(&parse_runs, |r| r.secs),
        sorted(&scan_runs, |r| r.secs),
    );
    let cpu_ratio =
        median(&sorted(&scan_runs, |r| r.cpu)) / median(&sorted(&parse_runs, |r| r.cpu));
    let (p_best, p_med) = (ps[0], median(&ps));
    let (s_best, s_med) = (ss[0], median(&ss));
    let bytes = scan_runs[0].bytes as f64;
    let mbps = |s: f64| bytes / MB / s;
    let ratio_best = s_best / p_best;
    let ratio_med = s_med / p_med;
    let rss_mb = scan_hwm as f64 / 1024.0;
    let ok = |b: bool| if b { "OK" } else { "MISSED" };
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let extra = |k: &str| {
        last_scan
            .extra
            .get(k)
            .cloned()
            .unwrap_or_else(|| "?".into())
    };

    println!();
    println!("==================== skillseal-bench summary ====================");
    println!(
        "machine      {} cores ({}), rayon threads {}",
        cpus,
        cpu_model(),
        rayon::current_num_threads()
    );
    println!(
        "corpus       {:.1} MB, {} files, {} skills (seed {}; MB = 10^6 bytes)",
        bytes / MB,
        scan_runs[0].files,
        skills,
        opts.seed
    );
    println!(
        "rules        {} (built-in), findings {}, scan errors {}",
        extra("rules"),
        extra("findings"),
        extra("errors")
    );
    println!("runs         {} of each, best / median", opts.runs);
    println!(
        "parse-only   {:7.1} MB/s / {:7.1} MB/s   ({:.3} s / {:.3} s)",
        mbps(p_best),
        mbps(p_med),
        p_best,
        p_med
    );
    println!(
        "full scan    {:7.1} MB/s / {:7.1} MB/s   ({:.3} s / {:.3} s)",
        mbps(s_best),
        mbps(s_med),
        s_best,
        s_med
    );
    println!(
        "ratio        full/parse {:.2}x best, {:.2}x median wall; {:.2}x median CPU   (target <= {TARGET_RATIO}x: {})",
        ratio_best,
        ratio_med,
        cpu_ratio,
        ok(ratio_med <= TARGET_RATIO && cpu_ratio <= TARGET_RATIO)
    );
    println!(
        "peak RSS     full scan {:.1} MB, parse-only {:.1} MB   (target < {TARGET_RSS_MB} MB: {})",
        rss_mb,
        parse_hwm as f64 / 1024.0,
        ok(rss_mb < TARGET_RSS_MB)
    );
    println!("=================================================================");
    Ok(())
}
