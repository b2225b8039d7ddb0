//! skillseal's analysis core.
//!
//! [`Engine::scan_file`] takes a file's path (relative to its skill) and
//! bytes, parses it once with the frontend for its language, collects
//! [`facts`] in a single walk, and matches every rule against those facts
//! through indexes built once per engine. It does no IO and never panics on
//! input: hostile bytes give fewer facts, not errors.
//!
//! [`assess`] turns a skill's findings into capabilities and a verdict.

pub mod budget;
pub mod decode;
pub mod detect;
pub mod facts;
pub mod flow;
pub mod lang;
mod matcher;
pub mod policy;
pub mod text;

pub use budget::Budget;
pub use lang::manifest::{SkillManifest, parse_front_matter, split_front_matter};
pub use matcher::{DISCOVERY_FLAGS, Engine, Extracted, NOT_FULLY_SCANNED};

use skillseal_model::{Category, CategoryKind, Finding, Reason, Severity, Verdict};
use std::collections::{BTreeMap, BTreeSet};

/// What the engine knows about the skill a file belongs to.
#[derive(Debug, Default, Clone)]
pub struct SkillContext {
    /// Every file path in the skill, relative to its root, `/`-separated.
    pub files: BTreeSet<String>,
    /// What the skill's `SKILL.md` declares it needs; `None` when it has no
    /// OpenClaw block (it declares nothing to compare with).
    pub declared: Option<Declared>,
}

/// The environment variables and programs a skill declares in
/// `metadata.openclaw`: `requires.env` and `primaryEnv`; `requires.bins`,
/// `requires.anyBins` and what its `install[]` entries provide.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Declared {
    pub env: BTreeSet<String>,
    pub bins: BTreeSet<String>,
}

impl SkillContext {
    /// Take the declarations from the text of the skill's `SKILL.md`.
    pub fn declare(&mut self, skill_md: &str) {
        self.declared = lang::manifest::split_front_matter(skill_md).and_then(|fm| {
            let (m, _) = lang::manifest::parse_front_matter(skill_md, &fm);
            lang::manifest::openclaw(&m.raw)?;
            let mut d = Declared {
                env: m.requires_env.iter().cloned().collect(),
                bins: m.requires_bins.iter().cloned().collect(),
            };
            d.env.extend(m.primary_env);
            for entry in &m.install {
                if let Some(bins) = entry.get("bins").and_then(|b| b.as_array()) {
                    d.bins
                        .extend(bins.iter().filter_map(|b| b.as_str().map(String::from)));
                }
                for key in ["formula", "package", "module", "id"] {
                    if let Some(name) = entry.get(key).and_then(|v| v.as_str()) {
                        // `owner/tap/tool`, `github.com/x/tool@latest`.
                        let name = name.rsplit('/').next().unwrap_or(name);
                        let name = name.split('@').next().unwrap_or(name);
                        d.bins.insert(name.to_string());
                    }
                }
            }
            Some(d)
        });
    }
}

/// The result of scanning one file.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub findings: Vec<Finding>,
    /// Set when the file is the skill's manifest (`SKILL.md`).
    pub manifest: Option<SkillManifest>,
    /// Set when the file's budget ran out before it was fully scanned.
    pub incomplete: bool,
}

/// A skill's capabilities, verdict and the reasons for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub verdict: Verdict,
    /// Sorted, unique capability names.
    pub capabilities: Vec<String>,
    /// Most severe first; empty when the verdict is `pass`.
    pub reasons: Vec<Reason>,
}

/// How many findings a reason lists before "and N more".
const MAX_EVIDENCE: usize = 4;

/// Judge a skill from its findings.
///
/// Capabilities describe a skill and never decide its verdict alone. A
/// threat indicator (a finding whose category is a threat, or a manifest
/// problem) at `critical` blocks; at `high` or `medium` it asks for a review.
/// A capability at `high` (a read of SSH keys, cloud credentials, browser
/// stores…) asks for a review. Dangerous combinations in one file block:
///
/// - a credential read (or the whole environment) and network use;
/// - network use and writing an executable file (download and execute);
/// - decoding data and running dynamic code (decode and execute);
/// - invisible characters and dynamic code (a smuggled payload);
/// - network use and running dynamic code (fetch and execute);
/// - network use and a start-up entry (a downloaded, persistent program);
/// - a throwaway endpoint (raw IP, tunnel, webhook) with a credential read;
/// - "paste this into a terminal" with a paste-site link or throwaway host;
/// - network use and a program's input and output wired to a descriptor;
/// - a run of spaces pushing a command or an address off-screen;
///
/// and, anywhere in the skill, prompt injection together with credential
/// reads, agent-config tampering or exfiltration; a shipped native
/// program or bytecode without source that another file runs; an editor
/// extension activated on start-up whose JavaScript runs programs or code. A skill loaded into every
/// session (`always: true`) that runs code or uses the network is reviewed.
pub fn assess(findings: &[Finding]) -> Assessment {
    let capabilities: BTreeSet<String> = findings
        .iter()
        .filter_map(|f| f.capability.clone())
        .collect();
    let mut reasons: Vec<Reason> = Vec::new();

    // Indicators, one reason per rule.
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_rule.entry(f.rule.as_str()).or_default().push(f);
    }
    for group in by_rule.values() {
        let first = group[0];
        let verdict = match (first.category.kind(), first.severity) {
            (CategoryKind::Threat | CategoryKind::Manifest, Severity::Critical) => Verdict::Block,
            (CategoryKind::Threat | CategoryKind::Manifest, Severity::High | Severity::Medium) => {
                Verdict::Review
            }
            (CategoryKind::Capability, Severity::High | Severity::Critical) => Verdict::Review,
            _ => continue,
        };
        reasons.push(Reason {
            verdict,
            message: first.message.clone(),
            evidence: evidence(group),
        });
    }

    // Combinations within one file.
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_file.entry(f.file.as_str()).or_default().push(f);
    }
    for (file, fs) in &by_file {
        // Findings quoted as examples (severity info) take no part, except
        // the informational marker rules.
        let pick = |p: &dyn Fn(&Finding) -> bool| -> Vec<&Finding> {
            fs.iter()
                .copied()
                .filter(|f| f.severity > Severity::Info || f.rule == DECODE_RULE)
                .filter(|f| p(f))
                .collect()
        };
        let secrets = pick(&|f| {
            (f.category == Category::SecretRead && f.severity >= Severity::High)
                || f.capability.as_deref() == Some("env-read-all")
        });
        let network = pick(&|f| f.category == Category::Network);
        // A download checked against a pinned digest is a pinned install.
        let verified = fs.iter().any(|f| f.rule == VERIFY_RULE);
        let exec_write = if verified {
            Vec::new()
        } else {
            pick(&|f| f.capability.as_deref() == Some("exec-file-write"))
        };
        let decode = pick(&|f| f.rule == DECODE_RULE);
        let dynamic = pick(&|f| f.category == Category::DynamicCode);
        let persistence = pick(&|f| f.category == Category::Persistence);
        let endpoint = pick(&|f| {
            matches!(
                f.category,
                Category::SuspiciousEndpoint | Category::Exfiltration
            )
        });
        let mut combo = |a: &[&Finding], b: &[&Finding], what: &str| {
            if !a.is_empty() && !b.is_empty() {
                let mut both: Vec<&Finding> = a.iter().chain(b).copied().collect();
                both.sort_by(|x, y| x.sort_key().cmp(&y.sort_key()));
                both.dedup_by(|x, y| std::ptr::eq(*x, *y));
                reasons.push(Reason {
                    verdict: Verdict::Block,
                    message: format!("{what} in {file}"),
                    evidence: evidence(&both),
                });
            }
        };
        combo(
            &secrets,
            &network,
            "reads credentials and sends data over the network",
        );
        combo(
            &network,
            &exec_write,
            "downloads a file and makes it executable",
        );
        combo(&decode, &dynamic, "decodes data and runs it as code");
        // Invisible characters in a file that also runs code built at run
        // time: the classic carrier of a smuggled payload.
        let hidden = pick(&|f| f.category == Category::HiddenText);
        combo(
            &hidden,
            &dynamic,
            "hides characters a reviewer cannot see and runs code built at run time",
        );
        combo(
            &network,
            &dynamic,
            "fetches data and runs code built at run time",
        );
        combo(
            &network,
            &persistence,
            "downloads and registers something to start on its own",
        );
        // `Stdio::from_raw_fd(sock)` for a shell: a reverse shell.
        let remote = pick(&|f| f.category == Category::RemoteControl);
        combo(
            &network,
            &remote,
            "connects out and hands the connection a program's input and output",
        );
        // A long run of spaces pushing a command or a host off-screen.
        let off_screen = pick(&|f| f.rule == WHITESPACE_RULE);
        let hidden_lines: Vec<u32> = off_screen.iter().map(|f| f.line).collect();
        let on_hidden_line = pick(&|f| {
            f.rule != WHITESPACE_RULE
                && hidden_lines.contains(&f.line)
                && (f.category.kind() == CategoryKind::Threat
                    || matches!(
                        f.category,
                        Category::Network | Category::ProcessExec | Category::DynamicCode
                    ))
        });
        combo(
            &off_screen,
            &on_hidden_line,
            "hides a command or an address off-screen behind a run of spaces",
        );
        combo(
            &endpoint,
            &secrets,
            "reads credentials and names a throwaway endpoint",
        );
        let paste_step = pick(&|f| f.rule == PASTE_RULE);
        let remote_code = pick(&|f| {
            matches!(
                f.category,
                Category::SocialEngineering | Category::SuspiciousEndpoint
            ) && f.rule != PASTE_RULE
        });
        combo(
            &paste_step,
            &remote_code,
            "tells the user to paste a command and points at a paste site or throwaway host",
        );
    }

    // A native program or bytecode without source that the skill's own
    // scripts or instructions run: code no reviewer can read.
    let opaque: Vec<&Finding> = findings
        .iter()
        .filter(|f| OPAQUE_PROGRAM_RULES.contains(&f.rule.as_str()))
        .collect();
    for program in opaque {
        let base = program.file.rsplit('/').next().unwrap_or(&program.file);
        if base.len() < 4 {
            continue;
        }
        let runs: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.file != program.file && f.snippet.contains(base))
            .collect();
        joint(
            &mut reasons,
            Verdict::Block,
            &[program],
            &runs,
            format!(
                "ships a program without source ({}) and runs it",
                program.file
            ),
        );
    }

    // An editor extension that starts with every window and runs programs
    // or fetches and runs code: the poisoned-extension start-up hook.
    let startup: Vec<&Finding> = findings.iter().filter(|f| f.rule == STARTUP_RULE).collect();
    let acts: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            f.severity > Severity::Info
                && matches!(
                    detect::extension(&f.file).as_deref(),
                    Some("js" | "mjs" | "cjs" | "ts")
                )
                && (matches!(
                    f.category,
                    Category::ProcessExec
                        | Category::DynamicCode
                        | Category::DownloadExec
                        | Category::Obfuscation
                ) || f.capability.as_deref() == Some("exec-file-write"))
        })
        .collect();
    joint(
        &mut reasons,
        Verdict::Block,
        &startup,
        &acts,
        "an editor extension that starts with every window and runs programs or code".into(),
    );

    // Prompt injection with something worth stealing or switching off.
    let injection: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.category == Category::PromptInjection && f.severity > Severity::Info)
        .collect();
    let payoff: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            (f.category == Category::SecretRead && f.severity >= Severity::High)
                || (matches!(f.category, Category::AgentConfig | Category::Exfiltration)
                    && f.severity > Severity::Info)
        })
        .collect();
    joint(
        &mut reasons,
        Verdict::Block,
        &injection,
        &payoff,
        "instructs the agent behind the user's back and touches credentials or its own settings"
            .into(),
    );

    // Loaded into every session and able to act: a review at least.
    let always: Vec<&Finding> = findings.iter().filter(|f| f.rule == ALWAYS_RULE).collect();
    let acts: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            f.severity > Severity::Info
                && matches!(
                    f.category,
                    Category::ProcessExec | Category::Network | Category::DynamicCode
                )
        })
        .collect();
    joint(
        &mut reasons,
        Verdict::Review,
        &always,
        &acts,
        "loads into every session (`always: true`) and runs code or uses the network".into(),
    );

    reasons.sort_by(|a, b| {
        b.verdict
            .cmp(&a.verdict)
            .then_with(|| a.message.cmp(&b.message))
    });
    let verdict = reasons.first().map_or(Verdict::Pass, |r| r.verdict);
    Assessment {
        verdict,
        capabilities: capabilities.into_iter().collect(),
        reasons,
    }
}

/// The rule that reports decoding (base64, hex, char codes…) without
/// running anything; it matters only next to dynamic code.
const DECODE_RULE: &str = "OBF003";

/// The rule that reports "paste this into a terminal" prose.
const PASTE_RULE: &str = "SOC003";

/// The rule that reports an editor extension activated on start-up.
const STARTUP_RULE: &str = "PER005";

/// The rule that reports a long run of spaces inside a line.
const WHITESPACE_RULE: &str = "HID004";

/// Rules that report a shipped native executable, Python bytecode without
/// its source, or a native Node addon.
const OPAQUE_PROGRAM_RULES: &[&str] = &["BIN001", "BIN003", "BIN005"];

/// The rule that reports `always: true` in the front matter.
const ALWAYS_RULE: &str = "PER003";

/// The rule that reports a checksum or signature check of a download.
const VERIFY_RULE: &str = "DLX004";

/// A combination across the skill: when both sides hold, one reason with
/// the findings of both as its evidence.
fn joint(
    reasons: &mut Vec<Reason>,
    verdict: Verdict,
    a: &[&Finding],
    b: &[&Finding],
    message: String,
) {
    if a.is_empty() || b.is_empty() {
        return;
    }
    let both: Vec<&Finding> = a.iter().chain(b).copied().collect();
    reasons.push(Reason {
        verdict,
        message,
        evidence: evidence(&both),
    });
}

fn evidence(fs: &[&Finding]) -> Vec<String> {
    let mut out: Vec<String> = fs
        .iter()
        .take(MAX_EVIDENCE)
        .map(|f| {
            if f.line == 0 {
                format!("{} {}", f.rule, f.file)
            } else {
                format!("{} {}:{}", f.rule, f.file, f.line)
            }
        })
        .collect();
    if fs.len() > MAX_EVIDENCE {
        out.push(format!("and {} more", fs.len() - MAX_EVIDENCE));
    }
    out
}

/// Whether a file name is a skill manifest (`SKILL.md`, `skill.md`,
/// `skills.md`, any case).
pub fn is_skill_manifest(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "skill.md" || n == "skills.md"
}
