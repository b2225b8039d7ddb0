//! skillseal's analysis core.
//!
//! [`Engine::scan_file`] takes a file's path (relative to its skill) and
//! bytes, parses it once with the frontend for its language, collects
//! [`facts`] in a single walk, and matches every rule against those facts
//! through indexes built once per engine. It does no IO and never panics on
//! input: hostile bytes give fewer facts, not errors.
//!
//! [`assess`] turns a skill's findings into capabilities and a verdict.

pub mod detect;
pub mod facts;
pub mod lang;
mod matcher;
pub mod text;

pub use lang::manifest::{SkillManifest, parse_front_matter, split_front_matter};
pub use matcher::{DISCOVERY_FLAGS, Engine};

use skillseal_model::{Finding, Severity, Verdict};
use std::collections::BTreeSet;

/// What the engine knows about the skill a file belongs to.
#[derive(Debug, Default, Clone)]
pub struct SkillContext {
    /// Every file path in the skill, relative to its root, `/`-separated.
    pub files: BTreeSet<String>,
}

/// The result of scanning one file.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub findings: Vec<Finding>,
    /// Set when the file is the skill's manifest (`SKILL.md`).
    pub manifest: Option<SkillManifest>,
}

/// A skill's capabilities and verdict from its findings.
///
/// Verdict (engine issue policy): `review` when any finding is medium or
/// above, else `pass`.
pub fn assess(findings: &[Finding]) -> (Verdict, Vec<String>) {
    let caps: BTreeSet<String> = findings
        .iter()
        .filter_map(|f| f.capability.clone())
        .collect();
    let verdict = if findings.iter().any(|f| f.severity >= Severity::Medium) {
        Verdict::Review
    } else {
        Verdict::Pass
    };
    (verdict, caps.into_iter().collect())
}

/// Whether a file name is a skill manifest (`SKILL.md`, `skill.md`,
/// `skills.md`, any case).
pub fn is_skill_manifest(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "skill.md" || n == "skills.md"
}
