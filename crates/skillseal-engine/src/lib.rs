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
    /// The `description` in the skill's `SKILL.md` front matter: what the
    /// skill says it is for.
    pub description: Option<String>,
    /// Reference files (`references/checklist.md`) that `SKILL.md` tells
    /// the agent to follow: their text is instructions, not documentation
    /// read on demand, so `reference-severity` does not lower what they say.
    /// Filled by [`SkillContext::declare`] from the paths in `files`.
    pub followed: BTreeSet<String>,
    /// The hosts of the URLs `SKILL.md` names (front matter and text),
    /// lower-cased: the services the skill says it talks to.
    pub hosts: BTreeSet<String>,
    /// The words of `SKILL.md` (lower-cased, 4 characters or more): a
    /// host one of whose names is among them (`api.search.brave.com` for a
    /// skill about Brave Search) is a service the skill names.
    pub words: BTreeSet<String>,
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
        let manifest = lang::manifest::split_front_matter(skill_md)
            .map(|fm| lang::manifest::parse_front_matter(skill_md, &fm).0);
        self.description = manifest.as_ref().and_then(|m| m.description.clone());
        self.hosts = skill_md
            .match_indices("://")
            .take(4096)
            .filter_map(|(at, _)| {
                let start = skill_md[..at]
                    .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '-'))
                    .map_or(0, |i| i + 1);
                let end = skill_md[at..]
                    .find(|c: char| c.is_whitespace() || "\"'`<>()[]{}|".contains(c))
                    .map_or(skill_md.len(), |i| at + i);
                url_host(&skill_md[start..end])
            })
            .collect();
        self.words = skill_md
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.len() >= 4)
            .take(100_000)
            .map(str::to_ascii_lowercase)
            .collect();
        self.followed = self
            .files
            .iter()
            .filter(|f| detect::is_reference(f))
            .take(512)
            .filter(|f| followed(skill_md, f))
            .cloned()
            .collect();
        self.declared = manifest.and_then(|m| {
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

impl SkillContext {
    /// Whether the skill's `SKILL.md` names `host`: as the host of a URL,
    /// or by one of its names other than the last (`brave` in
    /// `api.search.brave.com`, `google` in `googleapis.com`) as a word.
    pub fn names_host(&self, host: &str) -> bool {
        if self.hosts.contains(host) {
            return true;
        }
        let labels: Vec<&str> = host.split('.').collect();
        let Some((_, names)) = labels.split_last() else {
            return false;
        };
        names.iter().filter(|l| l.len() >= 4).any(|label| {
            self.words.contains(*label)
                || self
                    .words
                    .iter()
                    .any(|w| w.len() >= 5 && label.starts_with(w.as_str()))
        })
    }
}

/// The host of a URL (`scheme://[user@]host[:port]/…`), lower-cased,
/// without a trailing dot; `None` when `s` is not a URL with a host.
pub(crate) fn url_host(s: &str) -> Option<String> {
    let (scheme, rest) = s.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(host),
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// Whether `skill_md` tells the agent to follow the file at `path`: a
/// sentence (or list item) that names the file and, before it, a verb of
/// following ("follows the checklist in `resources/setup.md`", "apply the
/// steps in `notes.md` first"; not "see `pyproject.md` for the complete
/// reference", nor "tell the user to follow `install.md`").
fn followed(skill_md: &str, path: &str) -> bool {
    const VERBS: &[&str] = &[
        "follow",
        "apply",
        "execute",
        "carry out",
        "obey",
        "perform",
        "run through",
        "work through",
        "do what",
        "comply",
    ];
    // Bounded work whatever the input: a few mentions, a window each.
    const MENTIONS: usize = 16;
    const WINDOW: usize = 1024;
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.len() < 4 {
        return false;
    }
    let mut from = 0;
    for _ in 0..MENTIONS {
        let Some(at) = skill_md[from..].find(name) else {
            return false;
        };
        let at = from + at;
        from = at + name.len();
        // The sentence around the mention, across wrapped lines.
        let floor = skill_md.floor_char_boundary(at.saturating_sub(WINDOW));
        let before = &skill_md[floor..at];
        let start = [". ", "! ", "? ", "\n\n", "\n-", "\n*", "\n+", "\n|", "\n#"]
            .iter()
            .filter_map(|b| before.rfind(b).map(|i| floor + i + b.len()))
            .max()
            .unwrap_or(floor);
        // The verb comes before the path: "follow the checklist in X",
        // not "see X for the complete reference".
        let sentence = skill_md[start..at].to_ascii_lowercase();
        // "Tell the user to … follow X" is the user's to follow; the file
        // stays reference material (a review, never a pass).
        if VERBS.iter().any(|v| sentence.contains(v)) && !sentence.contains("user") {
            return true;
        }
    }
    false
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(skill_md: &str, files: &[&str]) -> SkillContext {
        let mut ctx = SkillContext {
            files: files.iter().map(|f| f.to_string()).collect(),
            ..SkillContext::default()
        };
        ctx.declare(skill_md);
        ctx
    }

    #[test]
    fn a_reference_the_skill_says_to_follow_is_instructions() {
        let files = ["SKILL.md", "resources/setup-notes.md", "references/api.md"];
        let told = ctx(
            "# Doctor\n\nChecks the setup. Follows the diagnostic checklist in\n`resources/setup-notes.md`.\n\nSee `references/api.md` for the complete reference.\n",
            &files,
        );
        assert!(told.followed.contains("resources/setup-notes.md"));
        assert!(!told.followed.contains("references/api.md"));
        let listed = ctx(
            "# Index\n\n- [api.md](references/api.md) - complete reference, apply as needed\n- [setup-notes.md](resources/setup-notes.md) - notes\n",
            &files,
        );
        assert!(listed.followed.is_empty(), "{:?}", listed.followed);
    }
}
