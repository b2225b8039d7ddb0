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
mod real;

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

#[derive(Debug, Clone, Copy)]
struct Run {
    secs: f64,
    /// CPU seconds (user + system, every thread) spent in the timed region.
    cpu: f64,
    bytes: u64,
    files: u64,
}

#[derive(Debug, Default)]
struct Child {
    run: Option<Run>,
    hwm_kb: u64,
    extra: BTreeMap<String, String>,
}

fn spawn(mode: &str, dir: &Path) -> Result<Child, String> {
    spawn_on(mode, &[dir.to_path_buf()])
}

fn spawn_on(mode: &str, dirs: &[PathBuf]) -> Result<Child, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new(exe)
        .arg(mode)
        .args(dirs)
        .output()
        .map_err(|e| format!("{mode}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{mode} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut c = Child::default();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["run", secs, cpu, bytes, files] => {
                c.run = Some(Run {
                    secs: secs.parse().map_err(|_| format!("bad line {line}"))?,
                    cpu: cpu.parse().map_err(|_| format!("bad line {line}"))?,
                    bytes: bytes.parse().map_err(|_| format!("bad line {line}"))?,
                    files: files.parse().map_err(|_| format!("bad line {line}"))?,
                })
            }
            ["hwm_kb", kb] => c.hwm_kb = kb.parse().unwrap_or(0),
            [key, value] => {
                c.extra.insert((*key).to_string(), (*value).to_string());
            }
            _ => println!("{line}"),
        }
    }
    if c.run.is_none() && mode != "run-phases" && mode != "run-files" {
        return Err(format!("{mode} printed no result"));
    }
    Ok(c)
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).map_or(true, |mut rd| rd.next().is_none())
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

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown cpu".into())
}

// ----------------------------------------------------------- the children

/// Every regular file under `dir` (no symlinks, `.git/` skipped, as the
/// scan walks), with its `/`-separated path relative to `dir`.
fn list_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, rel)) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut children: Vec<_> = rd.filter_map(Result::ok).collect();
        children.sort_by_key(|e| e.file_name());
        for c in children {
            let name = c.file_name().to_string_lossy().to_string();
            let r = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            match c.file_type() {
                Ok(t) if t.is_dir() && name != ".git" => stack.push((c.path(), r)),
                Ok(t) if t.is_file() => out.push((r, c.path())),
                _ => {}
            }
        }
    }
    out
}

/// CPU time this process has used so far (user + system, all threads), in
/// seconds, from `/proc/self/stat`. Its fields 14 and 15 count in
/// `USER_HZ` ticks, which Linux fixes at 100 for user space.
fn cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // The command name (field 2) may hold spaces: count from its `)`.
            let rest = &s[s.rfind(')')? + 1..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            let utime: u64 = f.get(11)?.parse().ok()?;
            let stime: u64 = f.get(12)?.parse().ok()?;
            Some((utime + stime) as f64 / 100.0)
        })
        .unwrap_or(0.0)
}

/// Peak resident set size of this process so far, from `/proc/self/status`.
fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn engine() -> Result<(Engine, usize), String> {
    let set = RuleSet::builtin().map_err(|errs| {
        errs.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    Ok((Engine::new(&set), set.rules().len()))
}

/// Walk, read, detect and parse every file (the engine's `parse_only`:
/// tree-sitter for Python, JS/TS and shell, `syn` for Rust), in parallel
/// over files on rayon's pool like the scan.
fn child_parse(dirs: &[PathBuf]) -> Result<(), String> {
    let t = Instant::now();
    let cpu = cpu_secs();
    let files: Vec<(String, PathBuf)> = dirs.iter().flat_map(|d| list_files(d)).collect();
    let (bytes, nodes, count) = files
        .par_iter()
        .map(|(rel, p)| match std::fs::read(p) {
            Ok(b) => {
                let text = String::from_utf8_lossy(&b);
                let l = detect::language(rel, &text);
                (b.len() as u64, lang::parse_only(l, &text) as u64, 1u64)
            }
            Err(_) => (0, 0, 0),
        })
        .reduce(|| (0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu;
    println!("run {secs} {cpu} {bytes} {count}");
    println!("nodes {nodes}");
    println!("hwm_kb {}", vm_hwm_kb());
    Ok(())
}

/// The full scan, through the same path the CLI takes.
fn child_scan(dirs: &[PathBuf]) -> Result<(), String> {
    let (engine, rules) = engine()?;
    let t = Instant::now();
    let cpu = cpu_secs();
    // For experiments: another bound on the bytes scanned at once.
    let mut limits = Limits::default();
    if let Some(n) = std::env::var("SKILLSEAL_BENCH_MAX_IN_FLIGHT")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        limits.max_bytes_in_flight = n;
    }
    let out = skillseal_discover::scan(&engine, dirs, &limits);
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu;
    let findings: usize = out.report.skills.iter().map(|s| s.findings.len()).sum();
    println!("run {secs} {cpu} {} {}", out.stats.bytes, out.stats.files);
    println!("rules {rules}");
    println!("findings {findings}");
    println!("errors {}", out.report.errors.len());
    println!("skills {}", out.report.skills.len());
    println!("incomplete {}", out.incomplete.len());
    for f in out.incomplete.iter().take(20) {
        println!("  over the per-file budget: {f}");
    }
    for e in out.report.errors.iter().take(20) {
        println!("  scan error: {}: {}", e.path, e.message);
    }
    println!("hwm_kb {}", vm_hwm_kb());
    Ok(())
}

#[derive(Default)]
struct Phase {
    files: usize,
    bytes: u64,
    read: f64,
    parse: f64,
    facts: f64,
    matching: f64,
    facts_count: usize,
}

/// Where a scan's time goes, one file at a time on one thread: reading,
/// parsing alone, fact extraction (parse + walk), rule matching.
fn child_phases(dir: &Path) -> Result<(), String> {
    let (engine, _) = engine()?;
    let ctx = SkillContext::default();
    let mut by_lang: BTreeMap<&'static str, Phase> = BTreeMap::new();
    for (rel, p) in list_files(dir) {
        let t = Instant::now();
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        let read = t.elapsed().as_secs_f64();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let l = detect::language(&rel, &text);
        let t = Instant::now();
        std::hint::black_box(lang::parse_only(l, &text));
        let parse = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let x = engine.facts(&rel, &bytes, &ctx);
        let facts_secs = t.elapsed().as_secs_f64();
        let t = Instant::now();
        std::hint::black_box(engine.match_facts(&rel, &x.text, &x.facts, &x.flows, &ctx));
        let matching = t.elapsed().as_secs_f64();
        let ph = by_lang
            .entry(if l == Language::Markdown {
                "markdown"
            } else {
                l.as_str()
            })
            .or_default();
        ph.files += 1;
        ph.bytes += bytes.len() as u64;
        ph.read += read;
        ph.parse += parse;
        ph.facts += facts_secs;
        ph.matching += matching;
        ph.facts_count += x.facts.len();
    }
    println!(
        "  {:<11} {:>6} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>10}",
        "language", "files", "MB", "read s", "parse s", "facts s", "match s", "scan/parse", "facts"
    );
    let mut tot = Phase::default();
    for (l, ph) in &by_lang {
        print_phase(l, ph);
        tot.files += ph.files;
        tot.bytes += ph.bytes;
        tot.read += ph.read;
        tot.parse += ph.parse;
        tot.facts += ph.facts;
        tot.matching += ph.matching;
        tot.facts_count += ph.facts_count;
    }
    print_phase("total", &tot);
    Ok(())
}

fn print_phase(l: &str, ph: &Phase) {
    let ratio = if ph.parse > 0.0 {
        format!(
            "{:.2}x",
            (ph.read + ph.facts + ph.matching) / (ph.read + ph.parse)
        )
    } else {
        "-".into()
    };
    println!(
        "  {:<11} {:>6} {:>8.1} {:>8.3} {:>9.3} {:>9.3} {:>9.3} {:>9} {:>10}",
        l,
        ph.files,
        ph.bytes as f64 / MB,
        ph.read,
        ph.parse,
        ph.facts,
        ph.matching,
        ratio,
        ph.facts_count
    );
}

// ------------------------------------------------------ the real corpus

fn default_cache() -> PathBuf {
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".cache/skillseal-bench/real")
}

/// Files, bytes, and bytes of code by extension under `dirs`.
struct CorpusSize {
    files: u64,
    bytes: u64,
    code: u64,
    by_ext: BTreeMap<String, (u64, u64)>,
}

fn measure_corpus(dirs: &[PathBuf]) -> CorpusSize {
    let mut c = CorpusSize {
        files: 0,
        bytes: 0,
        code: 0,
        by_ext: BTreeMap::new(),
    };
    for d in dirs {
        for (rel, p) in list_files(d) {
            let n = std::fs::metadata(&p).map_or(0, |m| m.len());
            c.files += 1;
            c.bytes += n;
            if real::is_code(&rel) {
                c.code += n;
                let ext = rel.rsplit_once('.').map_or("", |x| x.1).to_string();
                let slot = c.by_ext.entry(ext).or_default();
                slot.0 += 1;
                slot.1 += n;
            }
        }
    }
    c
}

fn real_bench(opts: &Opts) -> Result<(), String> {
    let cache = opts.cache.clone().unwrap_or_else(default_cache);
    let pkgs = real::parse_list(real::PACKAGES)?;
    let t = Instant::now();
    let dirs = real::prepare(&pkgs, &cache)?;
    println!(
        "corpus ready in {} ({} packages, {:.1} s)",
        cache.join("corpus").display(),
        dirs.len(),
        t.elapsed().as_secs_f64()
    );
    let size = measure_corpus(&dirs);
    let mix: Vec<String> = size
        .by_ext
        .iter()
        .map(|(e, (n, b))| format!(".{e} {n} / {:.1} MB", *b as f64 / MB))
        .collect();
    println!(
        "corpus: {} files, {:.1} MB, code {:.1} MB ({})",
        size.files,
        size.bytes as f64 / MB,
        size.code as f64 / MB,
        mix.join(", ")
    );
    let doubled: Vec<PathBuf> = if opts.scale == 2 {
        let copy = real::linked_copy(&dirs, &cache)?;
        dirs.iter().chain(copy.iter()).cloned().collect()
    } else {
        Vec::new()
    };
    // Warm the page cache.
    for d in &dirs {
        for (_, p) in list_files(d) {
            let _ = std::fs::read(p);
        }
    }

    let mut parse_runs = Vec::new();
    let mut scan_runs = Vec::new();
    let mut scan2_runs = Vec::new();
    let (mut parse_hwm, mut scan_hwm, mut scan2_hwm) = (0, 0, 0);
    let mut last = Child::default();
    for i in 0..opts.runs {
        let p = spawn_on("run-parse", &dirs)?;
        let pr = p.run.ok_or("no parse result")?;
        parse_hwm = parse_hwm.max(p.hwm_kb);
        let s = spawn_on("run-scan", &dirs)?;
        let sr = s.run.ok_or("no scan result")?;
        scan_hwm = scan_hwm.max(s.hwm_kb);
        println!(
            "run {}/{}: parse-only {:.1} s wall / {:.1} s CPU / VmHWM {:.0} MB; full scan {:.1} s wall / {:.1} s CPU / VmHWM {:.0} MB",
            i + 1,
            opts.runs,
            pr.secs,
            pr.cpu,
            p.hwm_kb as f64 / 1024.0,
            sr.secs,
            sr.cpu,
            s.hwm_kb as f64 / 1024.0
        );
        parse_runs.push(pr);
        scan_runs.push(sr);
        last = s;
        if opts.scale == 2 {
            let s2 = spawn_on("run-scan", &doubled)?;
            let r2 = s2.run.ok_or("no scan result")?;
            scan2_hwm = scan2_hwm.max(s2.hwm_kb);
            println!(
                "  2x scan {:.1} s wall / {:.1} s CPU / VmHWM {:.0} MB",
                r2.secs,
                r2.cpu,
                s2.hwm_kb as f64 / 1024.0
            );
            scan2_runs.push(r2);
        }
    }

    let med = |runs: &[Run], f: fn(&Run) -> f64| {
        let mut v: Vec<f64> = runs.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        median(&v)
    };
    let code_mb = size.code as f64 / MB;
    let (p_cpu, s_cpu) = (med(&parse_runs, |r| r.cpu), med(&scan_runs, |r| r.cpu));
    let (p_wall, s_wall) = (med(&parse_runs, |r| r.secs), med(&scan_runs, |r| r.secs));
    let ratio = s_cpu / p_cpu;
    let scan_rate = code_mb / s_cpu;
    let rss_mb = scan_hwm as f64 / 1024.0;
    let ok = |b: bool| if b { "OK" } else { "MISSED" };
    let extra = |k: &str| last.extra.get(k).cloned().unwrap_or_else(|| "?".into());
    let errors: usize = extra("errors").parse().unwrap_or(usize::MAX);
    let incomplete: usize = extra("incomplete").parse().unwrap_or(usize::MAX);
    let scanned = scan_runs[0];

    println!();
    println!("================ skillseal-bench real: summary ================");
    println!(
        "machine      {} cores ({}), rayon threads {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        cpu_model(),
        rayon::current_num_threads()
    );
    println!(
        "corpus       {} packages, {} files, {:.1} MB, code {:.1} MB (MB = 10^6 bytes)",
        dirs.len(),
        size.files,
        size.bytes as f64 / MB,
        code_mb
    );
    println!(
        "scanned      {} files, {:.1} MB, {} skills; rules {}, findings {}, scan errors {}, over the per-file budget {}   (whole corpus, none over: {})",
        scanned.files,
        scanned.bytes as f64 / MB,
        extra("skills"),
        extra("rules"),
        extra("findings"),
        errors,
        incomplete,
        ok(incomplete == 0 && scanned.files == size.files)
    );
    println!("runs         {} of each, medians", opts.runs);
    println!(
        "parse-only   {:6.2} MB of code per CPU-s   ({:.1} s CPU, {:.1} s wall)",
        code_mb / p_cpu,
        p_cpu,
        p_wall
    );
    println!(
        "full scan    {:6.2} MB of code per CPU-s   ({:.1} s CPU, {:.1} s wall)   (target >= 8: {})",
        scan_rate,
        s_cpu,
        s_wall,
        ok(scan_rate >= 8.0)
    );
    println!(
        "ratio        full/parse {:.2}x CPU, {:.2}x wall   (target <= {TARGET_RATIO}x: {})",
        ratio,
        s_wall / p_wall,
        ok(ratio <= TARGET_RATIO)
    );
    println!(
        "peak RSS     full scan {:.0} MB, parse-only {:.0} MB   (target < {TARGET_RSS_MB} MB: {})",
        rss_mb,
        parse_hwm as f64 / 1024.0,
        ok(rss_mb < TARGET_RSS_MB)
    );
    if opts.scale == 2 {
        let rss2 = scan2_hwm as f64 / 1024.0;
        println!(
            "2x corpus    full scan {:.0} MB peak RSS, {:.2} MB of code per CPU-s ({:.1} s CPU)   (RSS not growing, within 10%: {})",
            rss2,
            2.0 * code_mb / med(&scan2_runs, |r| r.cpu),
            med(&scan2_runs, |r| r.cpu),
            ok(rss2 <= rss_mb * 1.1)
        );
    }
    println!("===============================================================");

    cross_check(&dirs);

    if opts.per_file {
        println!("\nper file (each file scanned alone, timed; the slowest):");
        spawn_on("run-files", &dirs)?;
    }
    Ok(())
}

/// The real CLI, once, under `/usr/bin/time -v`: its own view of wall
/// time, CPU and maximum RSS, start-up and report writing included.
fn cross_check(dirs: &[PathBuf]) {
    let Some(bin) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(|d| d.join("skillseal")))
        .filter(|b| b.is_file())
    else {
        println!("cross-check: no skillseal binary beside skillseal-bench (build -p skillseal)");
        return;
    };
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(&bin)
        .args(["scan", "-f", "json", "--fail-on", "never"])
        .args(dirs)
        .stdout(std::process::Stdio::null())
        .output();
    let Ok(out) = out else {
        println!("cross-check: cannot run /usr/bin/time (Debian package `time`)");
        return;
    };
    let err = String::from_utf8_lossy(&out.stderr);
    let field = |name: &str| {
        err.lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(|v| v.trim_start_matches(':').trim().to_string())
            .unwrap_or_else(|| "?".into())
    };
    let rss_kb: f64 = field("Maximum resident set size (kbytes)")
        .parse()
        .unwrap_or(0.0);
    println!(
        "cross-check  `skillseal scan -f json` on the corpus: {} wall, {} s user + {} s system, max RSS {:.0} MB, exit {}",
        field("Elapsed (wall clock) time (h:mm:ss or m:ss)"),
        field("User time (seconds)"),
        field("System time (seconds)"),
        rss_kb / 1024.0,
        out.status.code().map_or("?".into(), |c| c.to_string())
    );
}

/// Every file scanned alone (`Engine::scan_file`, default skill context)
/// on the pool, timed; prints the slowest. A watchdog names any file still
/// being scanned after 10 s, so a hang shows which file it is.
fn child_files(dirs: &[PathBuf]) -> Result<(), String> {
    use std::sync::Mutex;
    use std::time::Duration;
    let (engine, _) = engine()?;
    let ctx = SkillContext::default();
    let files: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| list_files(d))
        .map(|(_, p)| p)
        .collect();
    let running: Mutex<BTreeMap<usize, (Instant, bool)>> = Mutex::new(BTreeMap::new());
    let done = std::sync::atomic::AtomicBool::new(false);
    let mut times: Vec<(f64, u64, usize, bool)> = std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(500));
                let mut r = running.lock().unwrap();
                for (i, (since, told)) in r.iter_mut() {
                    if !*told && since.elapsed() > Duration::from_secs(10) {
                        *told = true;
                        println!("  STILL RUNNING after 10 s: {}", files[*i].display());
                    }
                }
            }
        });
        let out = (0..files.len())
            .into_par_iter()
            .filter_map(|i| {
                let bytes = std::fs::read(&files[i]).ok()?;
                let rel = files[i].to_string_lossy();
                running.lock().unwrap().insert(i, (Instant::now(), false));
                let t = Instant::now();
                let out = engine.scan_file(&rel, &bytes, &ctx);
                let secs = t.elapsed().as_secs_f64();
                running.lock().unwrap().remove(&i);
                Some((secs, bytes.len() as u64, i, out.incomplete))
            })
            .collect();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        out
    });
    times.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total: f64 = times.iter().map(|t| t.0).sum();
    println!(
        "  {} files, {:.1} s in all; over 1 s: {}; over the per-file budget: {}",
        times.len(),
        total,
        times.iter().filter(|t| t.0 > 1.0).count(),
        times.iter().filter(|t| t.3).count()
    );
    for (secs, bytes, i, incomplete) in times.iter().take(15) {
        println!(
            "  {:8.3} s {:10} bytes {:7.2} MB/s  {}{}",
            secs,
            bytes,
            *bytes as f64 / MB / secs,
            files[*i].display(),
            if *incomplete { "  (budget spent)" } else { "" }
        );
    }
    Ok(())
}
