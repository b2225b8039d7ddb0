use crate::{Capability, Category, Role, Severity};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The version of the JSON report contract (`docs/json-report.md`).
pub const JSON_CONTRACT_VERSION: u32 = 1;

/// What a skill's scan concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Review,
    Block,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Review => "review",
            Verdict::Block => "block",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule matching one place. Lines and columns are 1-based; columns count
/// Unicode scalar values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    /// Path relative to the skill root, `/`-separated.
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub message: String,
    /// The source line the finding starts on (trimmed to a readable width).
    pub snippet: String,
    /// The capability this finding evidences, when it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability: Option<Capability>,
    /// The part the finding's rule plays in the verdict's combinations;
    /// not part of the JSON report.
    #[serde(skip)]
    pub role: Option<Role>,
    /// Set on a finding someone accepted: it is listed under `suppressed`,
    /// not `findings`, and takes no part in the verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
}

/// Who accepted a finding, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    pub by: SuppressedBy,
    /// The reason given (inline comment, policy or baseline).
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressedBy {
    /// A `skillseal: allow(RULE) reason` comment in the skill itself.
    Inline,
    /// The policy: a disabled rule or an allowed host.
    Policy,
    /// A `--baseline` file of accepted findings.
    Baseline,
}

impl Finding {
    /// The deterministic output order: file, position, rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &str) {
        (&self.file, self.line, self.column, &self.rule)
    }
}

/// Everything found in one skill (or one package without a skill manifest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillReport {
    /// As given on the command line, joined with the skill's relative location.
    pub path: String,
    /// The front matter's `name`, else the folder name.
    pub name: Option<String>,
    pub verdict: Verdict,
    /// Why the verdict is not `pass`: the indicators and combinations that
    /// decided it, most severe first. Empty for `pass`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
    /// Sorted, unique capability names.
    pub capabilities: Vec<String>,
    pub findings: Vec<Finding>,
    /// Findings accepted by an inline comment, the policy or a baseline;
    /// listed, never silently dropped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<Finding>,
    #[serde(skip)]
    pub stats: FileStats,
}

/// One cause of a skill's verdict: a threat indicator, or a dangerous
/// combination of findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The verdict this reason alone leads to (`review` or `block`).
    pub verdict: Verdict,
    /// One line, e.g. "reads credentials and sends data over the network in scripts/sync.py".
    pub message: String,
    /// The findings behind it, as `RULE file:line`.
    pub evidence: Vec<String>,
}

/// Files and bytes read; not part of the JSON contract.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileStats {
    pub files: u64,
    pub bytes: u64,
}

impl std::ops::AddAssign for FileStats {
    fn add_assign(&mut self, rhs: Self) {
        self.files += rhs.files;
        self.bytes += rhs.bytes;
    }
}

/// An input that could not be scanned (unreadable file, broken archive...).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScanError {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScannerInfo {
    pub name: String,
    pub version: String,
    /// `sha256:<hex>` over the loaded rule set.
    pub rules_digest: String,
}

/// The whole result of one `skillseal scan` run: JSON contract version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanReport {
    pub version: u32,
    pub scanner: ScannerInfo,
    pub skills: Vec<SkillReport>,
    pub errors: Vec<ScanError>,
}

impl ScanReport {
    /// The highest severity among all findings, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.skills
            .iter()
            .flat_map(|s| s.findings.iter().map(|f| f.severity))
            .max()
    }

    pub fn stats(&self) -> FileStats {
        let mut total = FileStats::default();
        for s in &self.skills {
            total += s.stats;
        }
        total
    }
}
