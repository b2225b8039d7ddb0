//! The data model shared by every skillseal crate: severities, the category
//! taxonomy, languages, findings and the scan report (JSON contract v1).
//!
//! This crate has no IO and no behaviour beyond small pure helpers; every
//! other crate depends on it and it depends on nothing of ours.

mod capability;
mod category;
mod digest;
mod names;
mod report;
mod severity;
mod text;

pub use capability::{Capability, FileKind, Role};
pub use category::{Category, CategoryKind};
pub use digest::{Digest, DigestError, valid_digest};
pub use names::{FileEntry, glob_matches, valid_name};
pub use report::{
    FileStats, Finding, JSON_CONTRACT_VERSION, Reason, ScanError, ScanReport, ScannerInfo,
    SkillReport, SuppressedBy, Suppression, Verdict,
};
pub use severity::Severity;
pub use text::LineIndex;

/// The largest file a skill may hold, in bytes: `skillseal pack` refuses a
/// larger one, a registry refuses a package with one, and the scanner skips
/// (and reports) one. One number, so that a package the tools accept is
/// one the scanner reads whole.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

use serde::{Deserialize, Serialize};
use std::fmt;

/// The language a file (or a fenced block inside a markdown file) is parsed as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Shell,
    Rust,
    Markdown,
    Json,
    Toml,
    Yaml,
    Text,
    Binary,
}

impl Language {
    pub const ALL: [Language; 12] = [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
        Language::Shell,
        Language::Rust,
        Language::Markdown,
        Language::Json,
        Language::Toml,
        Language::Yaml,
        Language::Text,
        Language::Binary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::Shell => "shell",
            Language::Rust => "rust",
            Language::Markdown => "markdown",
            Language::Json => "json",
            Language::Toml => "toml",
            Language::Yaml => "yaml",
            Language::Text => "text",
            Language::Binary => "binary",
        }
    }

    pub fn parse(name: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.as_str() == name)
    }

    /// JavaScript, TypeScript and TSX share one rule vocabulary.
    pub fn family(self) -> Language {
        match self {
            Language::TypeScript | Language::Tsx => Language::JavaScript,
            other => other,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
