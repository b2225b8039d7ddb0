//! The `real` command, the headline figure: the pinned packages of
//! `real.rs` scanned and parsed at 1x (and 2x) the corpus, with a
//! `/usr/bin/time -v` cross-check of the `skillseal` binary.

use super::*;

// ------------------------------------------------------ the real corpus

pub(crate) fn default_cache() -> PathBuf {
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".cache/skillseal-bench/real")
}

/// Files, bytes, and bytes of code by extension under `dirs`.
pub(crate) struct CorpusSize {
    files: u64,
    bytes: u64,
    code: u64,
    by_ext: BTreeMap<String, (u64, u64)>,
}

pub(crate) fn measure_corpus(dirs: &[PathBuf]) -> CorpusSize {
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

pub(crate) fn real_bench(opts: &Opts) -> Result<(), String> {
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
pub(crate) fn cross_check(dirs: &[PathBuf]) {
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
