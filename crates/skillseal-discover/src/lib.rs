//! Finding skills and feeding their files to the engine.
//!
//! This is the IO edge of the scanner: it walks directories (never following
//! symlinks), reads `.zip` and `.tar.gz` archives in memory (never
//! extracting to disk), enforces limits on sizes, counts and compression
//! ratios, groups files into skills (a directory holding `SKILL.md`,
//! `skill.md` or `skills.md`, at any depth), and scans every file in
//! parallel with one file per worker in memory.

mod archive;
mod inflight;
mod walk;

use rayon::prelude::*;
use skillseal_engine::policy::Judge;
use skillseal_engine::{Budget, Engine, SkillContext, is_skill_manifest};
use skillseal_model::{
    FileStats, Finding, JSON_CONTRACT_VERSION, ScanError, ScanReport, ScannerInfo, SkillReport,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Limits that bound the work and memory one scan can be made to do.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest file scanned, in bytes; larger files are reported and skipped.
    pub max_file_size: u64,
    /// Most files scanned per input path (directory or archive).
    pub max_files: usize,
    /// Largest archive read, in bytes (compressed).
    pub max_archive_size: u64,
    /// Most entries read from one archive.
    pub max_archive_entries: usize,
    /// Most bytes decompressed from one archive.
    pub max_archive_total: u64,
    /// Highest decompressed/compressed ratio accepted for an archive entry
    /// (or a whole `.tar.gz`) before it is treated as a bomb.
    pub max_compression_ratio: u64,
    /// Deepest directory level walked below an input path.
    pub max_depth: usize,
    /// The work one file may take (CPU time, and an optional deadline for
    /// the whole scan); a file that runs out is reported as not fully
    /// scanned.
    pub budget: Budget,
    /// Most bytes of source scanned at once across all workers (a file
    /// larger than this is scanned alone): what bounds the scan's peak
    /// memory, since a file's syntax tree and facts take tens of bytes per
    /// byte of source.
    pub max_bytes_in_flight: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: skillseal_model::MAX_FILE_BYTES,
            max_files: 100_000,
            max_archive_size: 128 << 20,
            max_archive_entries: 20_000,
            max_archive_total: 512 << 20,
            max_compression_ratio: 200,
            max_depth: 64,
            budget: Budget::default(),
            max_bytes_in_flight: 8 << 20,
        }
    }
}

/// Where a file's bytes come from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    Disk(PathBuf),
    Memory(Arc<[u8]>),
}

/// A file found under an input path, before it is assigned to a skill.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Relative to the input path, `/`-separated.
    pub rel: String,
    pub source: Source,
    pub size: u64,
}

/// A property of a package entry that discovery reports as a finding
/// (traversal, links, bombs); matched by rules with `file-kind`.
#[derive(Debug, Clone)]
pub(crate) struct Flag {
    pub rel: String,
    pub kind: &'static str,
}

/// What walking one input path produced.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    pub entries: Vec<Entry>,
    pub flags: Vec<Flag>,
    pub errors: Vec<ScanError>,
}

/// The result of scanning, with the stats the CLI's `--stats` prints.
#[derive(Debug)]
pub struct ScanOutcome {
    pub report: ScanReport,
    pub stats: FileStats,
    /// Files (as reported) whose budget ran out: each is also a scan error
    /// and a `not-fully-scanned` finding.
    pub incomplete: Vec<String>,
}

struct Skill {
    /// Display path: input path joined with the skill's relative root.
    path: String,
    /// Root relative to the input (`""` for the input itself).
    root: String,
    ctx: SkillContext,
    files: Vec<(String, Source, u64)>,
    flags: Vec<Flag>,
}

fn is_archive_path(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".zip")
        || name.ends_with(".tar.gz")
        || name.ends_with(".tgz")
        || name.ends_with(".tar")
        || name.ends_with(".skill")
}

fn display(input: &str, rel: &str) -> String {
    let base = if input.len() > 1 {
        input.trim_end_matches('/')
    } else {
        input
    };
    if rel.is_empty() {
        base.to_string()
    } else if base.is_empty() || base == "." {
        rel.to_string()
    } else {
        format!("{base}/{rel}")
    }
}

/// One file's outcome and its size in bytes, or why it could not be read
/// and whether that is because it is over the size limit.
type FileResult = Result<(skillseal_engine::FileOutcome, u64), (ScanError, bool)>;

/// Scan every skill under `inputs` with `engine`.
pub fn scan(engine: &Engine, inputs: &[PathBuf], limits: &Limits) -> ScanOutcome {
    scan_with(engine, inputs, limits, &Judge::default())
}

/// [`scan`], judging each skill's findings under a policy and baseline.
pub fn scan_with(
    engine: &Engine,
    inputs: &[PathBuf],
    limits: &Limits,
    judge: &Judge,
) -> ScanOutcome {
    let mut skills: Vec<Skill> = Vec::new();
    let mut errors: Vec<ScanError> = Vec::new();
    for input in inputs {
        let shown = input.to_string_lossy().to_string();
        let listing = match std::fs::symlink_metadata(input) {
            Err(e) => {
                errors.push(ScanError {
                    path: shown,
                    message: io_message(&e),
                });
                continue;
            }
            Ok(meta) if meta.is_dir() => walk::list_dir(input, limits),
            Ok(meta) if meta.is_file() && is_archive_path(input) => {
                archive::list(input, meta.len(), limits)
            }
            Ok(meta) if meta.is_file() => {
                let name = input
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_else(|| shown.clone());
                if archive::sniff(input) {
                    archive::list(input, meta.len(), limits)
                } else {
                    let mut l = Listing::default();
                    l.entries.push(Entry {
                        rel: name,
                        source: Source::Disk(input.clone()),
                        size: meta.len(),
                    });
                    l
                }
            }
            Ok(_) => {
                errors.push(ScanError {
                    path: shown,
                    message: "not a regular file or directory (symlinks on the command line are not followed)".into(),
                });
                continue;
            }
        };
        errors.extend(listing.errors);
        let single_file = std::fs::symlink_metadata(input).is_ok_and(|m| m.is_file())
            && !is_archive_path(input)
            && !archive::sniff(input);
        skills.extend(group(&shown, listing.entries, listing.flags, single_file));
    }
    scan_skills(engine, skills, errors, limits, judge)
}

/// Scan an archive (`.zip`, `.tar.gz`, a skillseal package) held in
/// memory, as [`scan_with`] scans an archive file: nothing is written to
/// disk. `name` is how the archive is reported (skill paths and errors
/// start with it).
pub fn scan_archive_bytes(
    engine: &Engine,
    name: &str,
    bytes: &[u8],
    limits: &Limits,
    judge: &Judge,
) -> ScanOutcome {
    let listing = archive::list_bytes(name, bytes, limits);
    let errors = listing.errors;
    let skills = group(name, listing.entries, listing.flags, false);
    scan_skills(engine, skills, errors, limits, judge)
}

/// Scan grouped skills: the manifests first, then every file.
fn scan_skills(
    engine: &Engine,
    mut skills: Vec<Skill>,
    mut errors: Vec<ScanError>,
    limits: &Limits,
    judge: &Judge,
) -> ScanOutcome {
    // What each skill declares in its manifest, for the rules that compare
    // code with it: the manifest is read (and parsed) once more up front.
    skills.par_iter_mut().for_each(|skill| {
        let manifest = skill
            .files
            .iter()
            .find(|(rel, _, size)| is_skill_manifest(rel) && limits_check(*size, limits).is_none());
        if let Some((_, source, _)) = manifest
            && let Ok(bytes) = read(source, limits)
        {
            skill.ctx.declare(&String::from_utf8_lossy(&bytes));
        }
    });

    // One task per file across all skills: workers read, scan and drop one
    // file at a time, with at most `max_bytes_in_flight` bytes of source
    // (and so of syntax trees) held at once. The largest files go first:
    // a large file's tree is then built on a heap that many small files
    // have not yet fragmented (the peak is the largest file alone, not it
    // on top of what the allocator keeps from earlier files), and the
    // small files fill the workers at the end instead of one large file
    // running on alone.
    let in_flight = inflight::InFlight::new(limits.max_bytes_in_flight);
    let mut tasks: Vec<(usize, usize)> = skills
        .iter()
        .enumerate()
        .flat_map(|(si, s)| (0..s.files.len()).map(move |fi| (si, fi)))
        .collect();
    tasks.sort_by_key(|&(si, fi)| std::cmp::Reverse(skills[si].files[fi].2));
    let mut results: Vec<(usize, usize, FileResult)> = tasks
        .par_iter()
        .map(|&(si, fi)| {
            let skill = &skills[si];
            let (rel, source, size) = &skill.files[fi];
            let _permit = limits_check(*size, limits)
                .is_none()
                .then(|| in_flight.acquire(*size));
            let out = match limits_check(*size, limits) {
                Some(msg) => Err((
                    ScanError {
                        path: display(&skill.path, rel),
                        message: msg,
                    },
                    true,
                )),
                None => read(source, limits).map_err(|(message, too_large)| {
                    (
                        ScanError {
                            path: display(&skill.path, rel),
                            message,
                        },
                        too_large,
                    )
                }),
            }
            .map(|bytes| {
                let n = bytes.len() as u64;
                let outcome = engine.scan_file_within(rel, &bytes, &skill.ctx, limits.budget);
                (outcome, n)
            });
            (si, fi, out)
        })
        .collect();
    // Back in discovery order, so the report does not depend on sizes.
    results.sort_unstable_by_key(|&(si, fi, _)| (si, fi));

    let mut per_skill: Vec<(
        Vec<Finding>,
        FileStats,
        Option<skillseal_engine::SkillManifest>,
    )> = (0..skills.len())
        .map(|_| (Vec::new(), FileStats::default(), None))
        .collect();
    let mut incomplete = Vec::new();
    for (si, fi, r) in results {
        match r {
            Ok((outcome, bytes)) => {
                if outcome.incomplete {
                    let skill = &skills[si];
                    let path = display(&skill.path, &skill.files[fi].0);
                    incomplete.push(path.clone());
                    errors.push(ScanError {
                        path,
                        message: format!(
                            "not fully scanned: the file ran out of its work budget ({})",
                            describe(&limits.budget)
                        ),
                    });
                }
                let slot = &mut per_skill[si];
                slot.0.extend(outcome.findings);
                slot.1.files += 1;
                slot.1.bytes += bytes;
                if outcome.manifest.is_some() {
                    slot.2 = outcome.manifest;
                }
            }
            Err((e, too_large)) => {
                // Not scanned at all: the skill must not pass on what was
                // left unread (a payload past the limit).
                if too_large {
                    let skill = &skills[si];
                    let rel = &skill.files[fi].0;
                    per_skill[si]
                        .0
                        .extend(engine.scan_flag(rel, skillseal_engine::TOO_LARGE));
                }
                errors.push(e);
            }
        }
    }

    let mut total = FileStats::default();
    let mut reports = Vec::with_capacity(skills.len());
    for (skill, (mut findings, stats, manifest)) in skills.into_iter().zip(per_skill) {
        for flag in &skill.flags {
            findings.extend(engine.scan_flag(&flag.rel, flag.kind));
        }
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let folder = skill
            .root
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .map(String::from);
        let name = manifest.and_then(|m| m.name).or(folder).or_else(|| {
            Path::new(&skill.path)
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
        });
        total += stats;
        let judged = judge.judge(name.as_deref(), &skill.path, findings);
        reports.push(SkillReport {
            path: skill.path,
            name,
            verdict: judged.assessment.verdict,
            reasons: judged.assessment.reasons,
            capabilities: judged.assessment.capabilities,
            findings: judged.findings,
            suppressed: judged.suppressed,
            stats,
        });
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    errors.sort();
    errors.dedup();
    incomplete.sort();
    ScanOutcome {
        report: ScanReport {
            version: JSON_CONTRACT_VERSION,
            scanner: ScannerInfo {
                name: "skillseal".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                rules_digest: engine.rules_digest().to_string(),
            },
            skills: reports,
            errors,
        },
        stats: total,
        incomplete,
    }
}

/// A budget as the user set it: "10 s of CPU per file".
fn describe(budget: &Budget) -> String {
    let per_file = format!("{} s of CPU per file", budget.cpu.as_secs_f64());
    match budget.until {
        Some(_) => format!("{per_file}, within the scan's deadline"),
        None => per_file,
    }
}

fn limits_check(size: u64, limits: &Limits) -> Option<String> {
    (size > limits.max_file_size).then(|| {
        format!(
            "skipped: {size} bytes is over the file size limit of {} bytes",
            limits.max_file_size
        )
    })
}

/// A file's bytes, or why they could not be read and whether that is
/// because the file is over the size limit.
fn read(source: &Source, limits: &Limits) -> Result<Arc<[u8]>, (String, bool)> {
    match source {
        Source::Memory(b) => Ok(b.clone()),
        Source::Disk(p) => {
            use std::io::Read;
            let f = std::fs::File::open(p).map_err(|e| (io_message(&e), false))?;
            // Sized from the file, so the read does not grow it step by step.
            let hint = f
                .metadata()
                .map_or(0, |m| m.len())
                .min(limits.max_file_size) as usize;
            let mut buf = Vec::with_capacity(hint.saturating_add(1));
            f.take(limits.max_file_size + 1)
                .read_to_end(&mut buf)
                .map_err(|e| (io_message(&e), false))?;
            if buf.len() as u64 > limits.max_file_size {
                return Err((
                    format!(
                        "skipped: over the file size limit of {} bytes",
                        limits.max_file_size
                    ),
                    true,
                ));
            }
            Ok(buf.into())
        }
    }
}

pub(crate) fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    s.split(" (os error").next().unwrap_or(&s).to_lowercase()
}

/// Assign each file to the nearest enclosing skill root. Without any skill
/// manifest the whole input is one package.
fn group(input: &str, entries: Vec<Entry>, flags: Vec<Flag>, single_file: bool) -> Vec<Skill> {
    let roots: BTreeSet<String> = entries
        .iter()
        .filter_map(|e| {
            let (dir, name) = e.rel.rsplit_once('/').unwrap_or(("", &e.rel));
            is_skill_manifest(name).then(|| dir.to_string())
        })
        .collect();
    let roots: Vec<String> = if roots.is_empty() {
        vec![String::new()]
    } else {
        roots.into_iter().collect()
    };
    let root_of = |rel: &str| -> Option<usize> {
        // the longest root that is a directory prefix of `rel`
        roots
            .iter()
            .enumerate()
            .filter(|(_, r)| r.is_empty() || rel.starts_with(&format!("{r}/")))
            .max_by_key(|(_, r)| r.len())
            .map(|(i, _)| i)
    };
    let mut skills: BTreeMap<usize, Skill> = BTreeMap::new();
    let make = |i: usize| Skill {
        path: if single_file {
            input.to_string()
        } else {
            display(input, &roots[i])
        },
        root: roots[i].clone(),
        ctx: SkillContext::default(),
        files: Vec::new(),
        flags: Vec::new(),
    };
    for e in entries {
        let Some(i) = root_of(&e.rel) else { continue };
        let skill = skills.entry(i).or_insert_with(|| make(i));
        let rel = strip_root(&e.rel, &skill.root);
        skill.ctx.files.insert(rel.clone());
        skill.files.push((rel, e.source, e.size));
    }
    for f in flags {
        let i = root_of(&f.rel).unwrap_or(0);
        let skill = skills.entry(i).or_insert_with(|| make(i));
        let rel = strip_root(&f.rel, &skill.root);
        skill.flags.push(Flag { rel, kind: f.kind });
    }
    skills.into_values().collect()
}

fn strip_root(rel: &str, root: &str) -> String {
    if root.is_empty() {
        rel.to_string()
    } else {
        rel.strip_prefix(root)
            .map(|r| r.trim_start_matches('/'))
            .unwrap_or(rel)
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(rel: &str) -> Entry {
        Entry {
            rel: rel.into(),
            source: Source::Memory(Arc::from(&b""[..])),
            size: 0,
        }
    }

    #[test]
    fn files_go_to_the_nearest_skill() {
        let skills = group(
            "hub/",
            vec![
                entry("a/SKILL.md"),
                entry("a/scripts/run.py"),
                entry("a/nested/skill.md"),
                entry("a/nested/x.sh"),
                entry("README.md"),
            ],
            vec![],
            false,
        );
        let paths: Vec<_> = skills.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(paths, vec!["hub/a", "hub/a/nested"]);
        let a: Vec<_> = skills[0].files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(a, vec!["SKILL.md", "scripts/run.py"]);
        assert_eq!(skills[1].files.len(), 2);
    }

    #[test]
    fn no_manifest_means_one_package() {
        let skills = group(
            "ext",
            vec![entry("package.json"), entry("out/main.js")],
            vec![],
            false,
        );
        assert_eq!(skills.len(), 1);
        assert_eq!(skills[0].path, "ext");
        assert_eq!(skills[0].files.len(), 2);
    }
}
