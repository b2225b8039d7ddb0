//! The measurements, each in a child process of this binary (so its peak
//! RSS covers one phase): spawning children and reading back their
//! results, the children themselves (`run-parse`, `run-scan`,
//! `run-phases`, `run-files`), and the CPU-time and RSS readings.

use super::*;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Run {
    pub(crate) secs: f64,
    /// CPU seconds (user + system, every thread) spent in the timed region.
    pub(crate) cpu: f64,
    pub(crate) bytes: u64,
    pub(crate) files: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Child {
    pub(crate) run: Option<Run>,
    pub(crate) hwm_kb: u64,
    pub(crate) extra: BTreeMap<String, String>,
}

pub(crate) fn spawn(mode: &str, dir: &Path) -> Result<Child, String> {
    spawn_on(mode, &[dir.to_path_buf()])
}

pub(crate) fn spawn_on(mode: &str, dirs: &[PathBuf]) -> Result<Child, String> {
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

pub(crate) fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).map_or(true, |mut rd| rd.next().is_none())
}

pub(crate) fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

pub(crate) fn cpu_model() -> String {
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
pub(crate) fn list_files(dir: &Path) -> Vec<(String, PathBuf)> {
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
pub(crate) fn cpu_secs() -> f64 {
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
pub(crate) fn vm_hwm_kb() -> u64 {
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

pub(crate) fn engine() -> Result<(Engine, usize), String> {
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
pub(crate) fn child_parse(dirs: &[PathBuf]) -> Result<(), String> {
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
pub(crate) fn child_scan(dirs: &[PathBuf]) -> Result<(), String> {
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
pub(crate) struct Phase {
    pub(crate) files: usize,
    pub(crate) bytes: u64,
    pub(crate) read: f64,
    pub(crate) parse: f64,
    pub(crate) facts: f64,
    pub(crate) matching: f64,
    pub(crate) facts_count: usize,
}

/// Where a scan's time goes, one file at a time on one thread: reading,
/// parsing alone, fact extraction (parse + walk), rule matching.
pub(crate) fn child_phases(dir: &Path) -> Result<(), String> {
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

pub(crate) fn print_phase(l: &str, ph: &Phase) {
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

/// Every file scanned alone (`Engine::scan_file`, default skill context)
/// on the pool, timed; prints the slowest. A watchdog names any file still
/// being scanned after 10 s, so a hang shows which file it is.
pub(crate) fn child_files(dirs: &[PathBuf]) -> Result<(), String> {
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
