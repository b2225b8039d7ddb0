//! `skillseal.lock`: canonical TOML, one `[[skill]]` per pinned skill in
//! name order, no timestamps, so the same pins always give the same bytes
//! and a diff in review shows exactly what changed.
//!
//! Once per lock, `[log]` records the registry's transparency-log
//! checkpoint (tree size and root hash) the lock was verified against, and
//! each skill its `log-index` (the index of its version's `publish` entry).
//! A lock written before the log has neither; the next `add` or `update`
//! verifies and fills them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::ParseError;

/// The lockfile format this version reads and writes.
pub const FORMAT: u32 = 1;

const HEADER: &str = "# skillseal.lock: written by skillseal and checked on every install.\n\
                      # Do not edit it by hand; `skillseal add` and `skillseal update` change it.\n";

/// Who signed a package: what the lock pins and the registry reports.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Signer {
    /// A public key, by the SHA-256 of its DER SubjectPublicKeyInfo.
    Key { fingerprint: String },
    /// A keyless certificate identity and its OIDC issuer.
    Identity { identity: String, issuer: String },
}

impl fmt::Display for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Signer::Key { fingerprint } => write!(f, "key {fingerprint}"),
            Signer::Identity { identity, issuer } => {
                write!(f, "{identity} (issuer {issuer})")
            }
        }
    }
}

/// One pinned skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LockedSkill {
    pub name: String,
    /// An exact semver version.
    pub version: String,
    /// The registry it came from.
    pub registry: String,
    /// `sha256:` of the package bytes.
    pub digest: String,
    /// `sha256:` of the Sigstore bundle's bytes.
    pub bundle_digest: String,
    /// What the skill may do, as the local scan found it.
    pub capabilities: BTreeSet<String>,
    /// The local scan's verdict (`pass`, `review`).
    pub verdict: String,
    /// The digest of the scanner rules that gave the verdict.
    pub rules_digest: String,
    /// The index of this version's `publish` entry in the registry's
    /// transparency log (absent in a lock written before the log).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_index: Option<u64>,
    pub signer: Signer,
}

/// `[log]`: the registry's transparency-log checkpoint the lock was last
/// verified against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogCheckpoint {
    /// The tree size.
    pub size: u64,
    /// The root hash, base64 (as the checkpoint writes it).
    pub root: String,
}

/// The whole lock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lockfile {
    /// `[log]`, once verified against a transparency log.
    pub log: Option<LogCheckpoint>,
    pub skills: BTreeMap<String, LockedSkill>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLock {
    version: Spanned<u32>,
    log: Option<RawLog>,
    #[serde(default)]
    skill: Vec<Spanned<LockedSkill>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLog {
    size: u64,
    root: Spanned<String>,
}

#[derive(Serialize)]
struct Written<'a> {
    version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    log: Option<&'a LogCheckpoint>,
    skill: Vec<&'a LockedSkill>,
}

/// Whether `text` has the form of a SHA-256 hash in standard base64 (44
/// characters, one `=` of padding).
pub fn valid_root(text: &str) -> bool {
    text.len() == 44
        && text.ends_with('=')
        && !text.ends_with("==")
        && text[..43]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

impl Lockfile {
    /// Parses a lockfile. A hand-edited or corrupt one gives an error with
    /// line and column.
    pub fn parse(text: &str) -> Result<Lockfile, ParseError> {
        let raw: RawLock = toml::from_str(text).map_err(|e| ParseError::from_toml(text, &e))?;
        if *raw.version.get_ref() != FORMAT {
            return Err(ParseError::at(
                text,
                raw.version.span().start,
                format!(
                    "lockfile format {} (this skillseal reads format {FORMAT})",
                    raw.version.get_ref()
                ),
            ));
        }
        let log = match raw.log {
            Some(log) if !valid_root(log.root.get_ref()) => {
                return Err(ParseError::at(
                    text,
                    log.root.span().start,
                    format!(
                        "[log] root `{}` is not a base64 SHA-256 hash",
                        log.root.get_ref()
                    ),
                ));
            }
            Some(log) => Some(LogCheckpoint {
                size: log.size,
                root: log.root.into_inner(),
            }),
            None => None,
        };
        let mut skills = BTreeMap::new();
        for entry in raw.skill {
            let at = entry.span().start;
            let s = entry.into_inner();
            let problem = if !skillseal_model::valid_name(&s.name) {
                Some(format!("`{}` is not a valid skill name", s.name))
            } else if semver::Version::parse(&s.version).is_err() {
                Some(format!("`{}` is not an exact version", s.version))
            } else if !skillseal_model::valid_digest(&s.digest) {
                Some(format!("`{}` is not a sha256: digest", s.digest))
            } else if !skillseal_model::valid_digest(&s.bundle_digest) {
                Some(format!("`{}` is not a sha256: digest", s.bundle_digest))
            } else if skills.contains_key(&s.name) {
                Some(format!("`{}` is locked twice", s.name))
            } else {
                None
            };
            if let Some(message) = problem {
                return Err(ParseError::at(text, at, message));
            }
            skills.insert(s.name.clone(), s);
        }
        Ok(Lockfile { log, skills })
    }

    /// The canonical text: header, format version, `[log]`, skills in
    /// name order.
    pub fn to_toml(&self) -> String {
        let written = Written {
            version: FORMAT,
            log: self.log.as_ref(),
            skill: self.skills.values().collect(),
        };
        let body = toml::to_string(&written).expect("a lockfile always serialises");
        format!("{HEADER}{body}")
    }
}

/// How an installed folder differs from its package's file manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub modified: Vec<String>,
}

impl FileDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.modified.is_empty()
    }
}

/// Compares the files found on disk with those the package lists (path,
/// size, SHA-256, executable bit). Paths come out sorted.
pub fn diff_files(
    expected: &[skillseal_model::FileEntry],
    found: &[skillseal_model::FileEntry],
) -> FileDiff {
    let want: BTreeMap<&str, &skillseal_model::FileEntry> =
        expected.iter().map(|f| (f.path.as_str(), f)).collect();
    let have: BTreeMap<&str, &skillseal_model::FileEntry> =
        found.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut diff = FileDiff::default();
    for (path, w) in &want {
        match have.get(path) {
            None => diff.removed.push(path.to_string()),
            Some(h) if h != w => diff.modified.push(path.to_string()),
            Some(_) => {}
        }
    }
    for path in have.keys() {
        if !want.contains_key(path) {
            diff.added.push(path.to_string());
        }
    }
    diff
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skill(name: &str, version: &str) -> LockedSkill {
        LockedSkill {
            name: name.into(),
            version: version.into(),
            registry: "https://skills.example.invalid".into(),
            digest: format!("sha256:{}", "a".repeat(64)),
            bundle_digest: format!("sha256:{}", "b".repeat(64)),
            capabilities: ["network".to_string(), "env-read".to_string()].into(),
            verdict: "pass".into(),
            rules_digest: format!("sha256:{}", "c".repeat(64)),
            log_index: None,
            signer: Signer::Key {
                fingerprint: format!("sha256:{}", "d".repeat(64)),
            },
        }
    }

    #[test]
    fn canonical_text_round_trips_and_is_stable() {
        let mut lock = Lockfile::default();
        for s in [skill("zeta", "1.0.0"), skill("alpha", "2.1.0")] {
            lock.skills.insert(s.name.clone(), s);
        }
        let text = lock.to_toml();
        assert!(text.starts_with("# skillseal.lock"));
        assert!(text.find("name = \"alpha\"").unwrap() < text.find("name = \"zeta\"").unwrap());
        assert!(
            text.contains("capabilities = [\"env-read\", \"network\"]"),
            "{text}"
        );
        assert_eq!(Lockfile::parse(&text).unwrap(), lock);
        assert_eq!(Lockfile::parse(&text).unwrap().to_toml(), text);
    }

    #[test]
    fn hand_edits_are_errors_with_positions() {
        let mut lock = Lockfile::default();
        lock.skills.insert("alpha".into(), skill("alpha", "2.1.0"));
        let text = lock.to_toml();
        let line_of = |needle: &str| text[..text.find(needle).unwrap()].matches('\n').count() + 1;

        let bad_version = text.replace("version = \"2.1.0\"", "version = \"^2.1\"");
        let e = Lockfile::parse(&bad_version).unwrap_err();
        assert!(e.message.contains("not an exact version"), "{e}");
        assert_eq!(e.line, Some(line_of("[[skill]]")));

        let unknown = text.replace("verdict = ", "verdikt = ");
        let e = Lockfile::parse(&unknown).unwrap_err();
        assert!(e.message.contains("verdikt"), "{e}");
        assert_eq!(e.line, Some(line_of("verdict = ")));

        let truncated = &text[..text.len() - 20];
        assert!(Lockfile::parse(truncated).unwrap_err().line.is_some());

        let future = text.replace("version = 1", "version = 9");
        let e = Lockfile::parse(&future).unwrap_err();
        assert!(e.message.contains("format 9"), "{e}");
    }

    const ROOT: &str = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    #[test]
    fn the_log_checkpoint_and_indexes_are_written_canonically() {
        let mut lock = Lockfile::default();
        let mut a = skill("alpha", "2.1.0");
        a.log_index = Some(7);
        lock.skills.insert("alpha".into(), a);
        lock.skills.insert("zeta".into(), skill("zeta", "1.0.0"));
        lock.log = Some(LogCheckpoint {
            size: 12,
            root: ROOT.into(),
        });
        let text = lock.to_toml();
        let at = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("{needle}: {text}"))
        };
        // `[log]` once, before the skills; `log-index` with each skill's
        // scalars, before its signer table; none where there is none.
        assert!(at("version = 1") < at("[log]\nsize = 12\nroot = \""));
        assert!(at("[log]") < at("[[skill]]"));
        assert!(at("log-index = 7") < at("[skill.signer]"));
        assert_eq!(text.matches("log-index").count(), 1);
        assert_eq!(Lockfile::parse(&text).unwrap(), lock);
        assert_eq!(Lockfile::parse(&text).unwrap().to_toml(), text);
    }

    #[test]
    fn a_lock_from_before_the_log_still_parses() {
        let mut lock = Lockfile::default();
        lock.skills.insert("alpha".into(), skill("alpha", "2.1.0"));
        let text = lock.to_toml();
        assert!(!text.contains("log"), "{text}");
        let parsed = Lockfile::parse(&text).unwrap();
        assert_eq!(parsed.log, None);
        assert_eq!(parsed.skills["alpha"].log_index, None);
    }

    #[test]
    fn a_bad_log_table_is_an_error_with_its_position() {
        let mut lock = Lockfile::default();
        lock.skills.insert("alpha".into(), skill("alpha", "2.1.0"));
        lock.log = Some(LogCheckpoint {
            size: 3,
            root: ROOT.into(),
        });
        let text = lock.to_toml();
        let line_of =
            |t: &str, needle: &str| t[..t.find(needle).unwrap()].matches('\n').count() + 1;

        let bad_root = text.replace(ROOT, "not-a-hash");
        let e = Lockfile::parse(&bad_root).unwrap_err();
        assert!(e.message.contains("[log] root `not-a-hash`"), "{e}");
        assert_eq!(e.line, Some(line_of(&bad_root, "root = ")));

        let negative = text.replace("size = 3", "size = -3");
        let e = Lockfile::parse(&negative).unwrap_err();
        assert_eq!(e.line, Some(line_of(&negative, "size = -3")), "{e}");

        let unknown = text.replace("size = 3", "size = 3\norigin = \"x\"");
        let e = Lockfile::parse(&unknown).unwrap_err();
        assert!(e.message.contains("origin"), "{e}");

        let index = text.replace("verdict = ", "log-index = \"seven\"\nverdict = ");
        let e = Lockfile::parse(&index).unwrap_err();
        assert_eq!(e.line, Some(line_of(&index, "log-index")), "{e}");

        assert!(valid_root(ROOT));
        for bad in [
            "",
            "AAAA",
            &ROOT.replace('=', "A"),
            &ROOT.replacen('4', "-", 1),
        ] {
            assert!(!valid_root(bad), "{bad}");
        }
    }

    #[test]
    fn file_differences() {
        let f = |path: &str, sha: &str| skillseal_model::FileEntry {
            path: path.into(),
            size: 1,
            sha256: sha.into(),
            executable: false,
        };
        let d = diff_files(
            &[f("SKILL.md", "1"), f("run.sh", "2"), f("gone.py", "3")],
            &[f("SKILL.md", "1"), f("run.sh", "9"), f("new.py", "4")],
        );
        assert_eq!(d.added, ["new.py"]);
        assert_eq!(d.removed, ["gone.py"]);
        assert_eq!(d.modified, ["run.sh"]);
        assert!(diff_files(&[f("a", "1")], &[f("a", "1")]).is_empty());
    }
}
