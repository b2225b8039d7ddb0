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
mod office;
pub mod policy;
pub mod text;
pub mod verdict;

pub use budget::Budget;
pub use lang::manifest::{SkillManifest, parse_front_matter, split_front_matter};
pub use matcher::{DISCOVERY_FLAGS, Engine, Extracted, NOT_FULLY_SCANNED, TOO_LARGE};
pub use verdict::{Assessment, COMBINATIONS, assess};

use skillseal_model::Finding;
use std::collections::BTreeSet;

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
    /// The context of a skill held in memory, as discovery builds it:
    /// every path known, and what its `SKILL.md` declares.
    pub fn of_files<S: AsRef<str>>(files: &[(S, &[u8])]) -> SkillContext {
        let mut ctx = SkillContext {
            files: files
                .iter()
                .map(|(rel, _)| rel.as_ref().to_string())
                .collect(),
            ..SkillContext::default()
        };
        if let Some((_, bytes)) = files
            .iter()
            .find(|(rel, _)| is_skill_manifest(rel.as_ref()))
        {
            ctx.declare(&String::from_utf8_lossy(bytes));
        }
        ctx
    }

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

/// Whether a file name is a skill manifest (`SKILL.md`, `skill.md`,
/// `skills.md`, any case).
pub fn is_skill_manifest(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "skill.md" || n == "skills.md"
}
