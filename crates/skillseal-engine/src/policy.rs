//! What a team accepts: a policy (`--policy FILE`, or the `[policy]` table
//! of the project's `skillseal.toml`), a baseline of accepted findings
//! (`--baseline FILE`), and inline `skillseal: allow(RULE) reason`
//! comments. [`Judge`] applies them to a skill's findings and gives the
//! verdict.
//!
//! Suppressed findings are kept, marked with who accepted them and why.
//! The policy and the baseline come from the person running the scan; an
//! inline comment comes from the skill, so it never lowers a `block`: the
//! verdict is first computed without inline suppressions, and when that is
//! `block` they are ignored.

use crate::text::LineIndex;
use crate::{Assessment, assess};
use regex::Regex;
use serde::Deserialize;
use skillseal_model::{
    Category, Finding, Reason, ScanReport, Severity, SuppressedBy, Suppression, Verdict,
};
use skillseal_rules::Rule;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

/// The `[policy]` table.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Policy {
    /// When not empty, a capability outside this list asks for a review.
    #[serde(default)]
    pub allow_capabilities: Vec<String>,
    /// A capability in this list blocks.
    #[serde(default)]
    pub deny_capabilities: Vec<String>,
    /// Hosts (or `*.domain` for any subdomain) the team trusts: network and
    /// endpoint findings whose URLs all point there are suppressed.
    #[serde(default)]
    pub allow_hosts: Vec<String>,
    /// Rule ids whose findings are suppressed.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Per-rule severity overrides: `NET001 = "info"`.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Where each value first appears in the `[policy]` table of the text
    /// it was read from (1-based line and column), for error messages.
    #[serde(skip)]
    positions: BTreeMap<String, (usize, usize)>,
}

#[derive(Debug, Deserialize)]
struct PolicyFile {
    policy: Option<Policy>,
}

impl Policy {
    /// The `[policy]` table of a TOML file (`skillseal.toml` or a policy
    /// file); `Ok(None)` when it has none. Errors carry line and column.
    pub fn from_toml(text: &str) -> Result<Option<Policy>, String> {
        let mut policy = toml::from_str::<PolicyFile>(text)
            .map(|f| f.policy)
            .map_err(|e| e.to_string().trim_end().to_string())?;
        if let Some(p) = &mut policy {
            p.positions = positions(text, p);
        }
        Ok(policy)
    }

    /// Check the policy against the rules it names. An error starts with
    /// `line L, column C:` when the policy was read from text.
    pub fn validate(&self, rules: &[Rule]) -> Result<(), String> {
        self.problem(rules)
            .map_err(|(value, message)| match self.positions.get(&value) {
                Some((line, column)) => format!("line {line}, column {column}: {message}"),
                None => message,
            })
    }

    /// The first value the rules do not know, and what is wrong with it.
    fn problem(&self, rules: &[Rule]) -> Result<(), (String, String)> {
        let ids: BTreeSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        let caps: BTreeSet<&str> = rules
            .iter()
            .filter_map(|r| r.capability.map(|c| c.as_str()))
            .collect();
        for id in self.disable.iter().chain(self.severity.keys()) {
            if !ids.contains(id.as_str()) {
                return Err((
                    id.clone(),
                    format!(
                        "policy names rule `{id}`, which does not exist (see `skillseal rules`)"
                    ),
                ));
            }
        }
        for c in self
            .allow_capabilities
            .iter()
            .chain(&self.deny_capabilities)
        {
            if !caps.contains(c.as_str()) {
                let known: Vec<&str> = caps.iter().copied().collect();
                return Err((
                    c.clone(),
                    format!(
                        "policy names capability `{c}`; known capabilities: {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        for h in &self.allow_hosts {
            let bare = h.strip_prefix("*.").unwrap_or(h);
            if bare.is_empty() || bare.contains(['/', ':', '*', ' ']) {
                return Err((
                    h.clone(),
                    format!(
                        "policy allow-hosts: `{h}` is not a host name (write `api.example.com` or `*.example.com`)"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn host_allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.allow_hosts.iter().any(|h| {
            let h = h.to_ascii_lowercase();
            match h.strip_prefix("*.") {
                Some(domain) => host.ends_with(&format!(".{domain}")),
                None => host == h,
            }
        })
    }
}

/// Where each of the policy's values first appears in `text`, inside its
/// `[policy]` table (from its header to the next table header): a quoted
/// string `"value"`/`'value'`, or a key at the start of a line (`NET001 =`).
fn positions(text: &str, policy: &Policy) -> BTreeMap<String, (usize, usize)> {
    let Some(header) = text
        .match_indices("[policy")
        .map(|(i, _)| i)
        .find(|&i| i == 0 || text[..i].ends_with('\n'))
    else {
        return BTreeMap::new();
    };
    let values = policy
        .allow_capabilities
        .iter()
        .chain(&policy.deny_capabilities)
        .chain(&policy.allow_hosts)
        .chain(&policy.disable)
        .chain(policy.severity.keys());
    let lines = LineIndex::new(text);
    let mut out = BTreeMap::new();
    for value in values {
        let quoted = [format!("\"{value}\""), format!("'{value}'")];
        let found = quoted
            .iter()
            .filter_map(|q| text[header..].find(q.as_str()).map(|i| header + i))
            .min()
            .or_else(|| {
                // A bare key: at the start of a line, then `=`.
                text[header..]
                    .match_indices(value.as_str())
                    .map(|(i, _)| header + i)
                    .find(|&i| {
                        let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
                        text[line_start..i].trim().is_empty()
                            && text[i + value.len()..].trim_start().starts_with('=')
                    })
            });
        if let Some(at) = found {
            let (line, column) = lines.position(at);
            out.entry(value.clone())
                .or_insert((line as usize, column as usize));
        }
    }
    out
}

/// Findings accepted earlier: a JSON report (`skillseal scan -f json`).
/// A finding matches an entry with the same skill, rule, file and source
/// line (not line number, so edits elsewhere keep it accepted).
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    entries: BTreeSet<(String, String, String, String)>,
    source: String,
}

impl Baseline {
    pub fn from_json(text: &str, source: &str) -> Result<Baseline, String> {
        let report: ScanReport = serde_json::from_str(text).map_err(|e| {
            format!(
                "not a skillseal JSON report (line {}, column {}): {e}",
                e.line(),
                e.column()
            )
        })?;
        if report.version != skillseal_model::JSON_CONTRACT_VERSION {
            return Err(format!(
                "report version {} is not supported (expected {})",
                report.version,
                skillseal_model::JSON_CONTRACT_VERSION
            ));
        }
        let mut entries = BTreeSet::new();
        for s in &report.skills {
            let skill = skill_key(s.name.as_deref(), &s.path);
            for f in s.findings.iter().chain(&s.suppressed) {
                entries.insert(key(&skill, f));
            }
        }
        Ok(Baseline {
            entries,
            source: source.to_string(),
        })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn contains(&self, skill: &str, f: &Finding) -> bool {
        self.entries.contains(&key(skill, f))
    }
}

fn skill_key(name: Option<&str>, path: &str) -> String {
    name.unwrap_or(path).to_string()
}

fn key(skill: &str, f: &Finding) -> (String, String, String, String) {
    (
        skill.to_string(),
        f.rule.clone(),
        f.file.clone(),
        f.snippet.trim().to_string(),
    )
}

/// A skill's findings after policy, baseline and inline suppressions.
#[derive(Debug, Clone)]
pub struct Judged {
    pub assessment: Assessment,
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Finding>,
}

/// Applies a policy and a baseline to each skill's findings.
#[derive(Debug, Default, Clone)]
pub struct Judge {
    pub policy: Policy,
    pub baseline: Option<Baseline>,
}

static URL_HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z][a-z0-9+.-]*://(?:[^/@\s]*@)?([a-z0-9.-]+)").expect("static regex")
});

impl Judge {
    /// `name` is the skill's name (or path, when it has none).
    pub fn judge(&self, name: Option<&str>, path: &str, findings: Vec<Finding>) -> Judged {
        let skill = skill_key(name, path);
        let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
        let mut suppressed: Vec<Finding> = Vec::new();
        for mut f in findings {
            if let Some(s) = self.policy.severity.get(&f.rule) {
                f.severity = *s;
            }
            let outside = if self.policy.disable.contains(&f.rule) {
                Some((
                    SuppressedBy::Policy,
                    "rule disabled by the policy".to_string(),
                ))
            } else if let Some(host) = self.allowed_host(&f) {
                Some((
                    SuppressedBy::Policy,
                    format!("host `{host}` allowed by the policy"),
                ))
            } else {
                self.baseline
                    .as_ref()
                    .filter(|b| b.contains(&skill, &f))
                    .map(|b| {
                        (
                            SuppressedBy::Baseline,
                            format!("accepted in the baseline {}", b.source),
                        )
                    })
            };
            match outside {
                Some((by, reason)) => {
                    f.suppression = Some(Suppression { by, reason });
                    suppressed.push(f);
                }
                None => kept.push(f),
            }
        }
        // Inline suppressions come from the skill: they count only when the
        // skill would not be blocked without them.
        let mut without_inline: Vec<Finding> = kept.clone();
        for f in &mut without_inline {
            f.suppression = None;
        }
        let strict = self.assess(&without_inline);
        let any_inline = kept.iter().any(|f| f.suppression.is_some());
        if strict.verdict == Verdict::Block || !any_inline {
            let mut assessment = strict;
            if any_inline {
                assessment.reasons.push(Reason {
                    verdict: Verdict::Review,
                    message: "suppressions inside the skill were ignored: a skill cannot lower its own block".into(),
                    evidence: kept
                        .iter()
                        .filter(|f| f.suppression.is_some())
                        .take(4)
                        .map(|f| format!("{} {}:{}", f.rule, f.file, f.line))
                        .collect(),
                });
            }
            suppressed.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            return Judged {
                assessment,
                findings: without_inline,
                suppressed,
            };
        }
        let (inline, active): (Vec<Finding>, Vec<Finding>) =
            kept.into_iter().partition(|f| f.suppression.is_some());
        suppressed.extend(inline);
        suppressed.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        Judged {
            assessment: self.assess(&active),
            findings: active,
            suppressed,
        }
    }

    fn assess(&self, findings: &[Finding]) -> Assessment {
        let mut a = assess(findings);
        let p = &self.policy;
        for c in &a.capabilities {
            if p.deny_capabilities.contains(c) {
                a.reasons.push(Reason {
                    verdict: Verdict::Block,
                    message: format!("the policy denies the capability `{c}`"),
                    evidence: evidence_for(findings, c),
                });
            } else if !p.allow_capabilities.is_empty() && !p.allow_capabilities.contains(c) {
                a.reasons.push(Reason {
                    verdict: Verdict::Review,
                    message: format!("the capability `{c}` is not in the policy's allowed list"),
                    evidence: evidence_for(findings, c),
                });
            }
        }
        a.reasons.sort_by(|x, y| {
            y.verdict
                .cmp(&x.verdict)
                .then_with(|| x.message.cmp(&y.message))
        });
        a.verdict = a.reasons.first().map_or(Verdict::Pass, |r| r.verdict);
        a
    }

    /// The host of a network or endpoint finding whose URLs all point at
    /// allowed hosts.
    fn allowed_host(&self, f: &Finding) -> Option<String> {
        if self.policy.allow_hosts.is_empty()
            || !matches!(f.category, Category::Network | Category::SuspiciousEndpoint)
        {
            return None;
        }
        let mut hosts = URL_HOST
            .captures_iter(&f.snippet)
            .chain(URL_HOST.captures_iter(&f.message))
            .filter_map(|c| {
                c.get(1)
                    .map(|m| m.as_str().trim_end_matches('.').to_string())
            })
            .peekable();
        let first = hosts.peek()?.clone();
        hosts.all(|h| self.policy.host_allowed(&h)).then_some(first)
    }
}

fn evidence_for(findings: &[Finding], capability: &str) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.capability.is_some_and(|c| c.as_str() == capability))
        .take(4)
        .map(|f| format!("{} {}:{}", f.rule, f.file, f.line))
        .collect()
}

/// The reason of a `skillseal: allow(RULE, …) reason` comment on a line
/// that names `rule`, if the comment gives one.
pub fn inline_allow(line: &str, rule: &str) -> Option<String> {
    let at = line.find("skillseal:")?;
    let rest = line[at + "skillseal:".len()..].trim_start();
    let rest = rest.strip_prefix("allow(")?;
    let close = rest.find(')')?;
    if !rest[..close]
        .split(',')
        .any(|id| id.trim().eq_ignore_ascii_case(rule))
    {
        return None;
    }
    let reason = rest[close + 1..]
        .trim()
        .trim_end_matches("-->")
        .trim_end_matches("*/")
        .trim()
        .trim_start_matches([':', '-', '—'])
        .trim();
    (reason.chars().filter(|c| c.is_alphanumeric()).count() >= 3).then(|| reason.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_allow_needs_the_rule_and_a_reason() {
        assert_eq!(
            inline_allow("subprocess.run(['git', 'pull'])  # skillseal: allow(EXEC001, NET004) updates the repo", "EXEC001").as_deref(),
            Some("updates the repo")
        );
        assert_eq!(
            inline_allow(
                "<!-- skillseal: allow(SOC003) -- documented install step -->",
                "SOC003"
            )
            .as_deref(),
            Some("documented install step")
        );
        assert_eq!(inline_allow("# skillseal: allow(EXEC001)", "EXEC001"), None);
        assert_eq!(
            inline_allow("# skillseal: allow(EXEC002) reason here", "EXEC001"),
            None
        );
    }

    #[test]
    fn policy_parses_with_positions() {
        let p = Policy::from_toml("[policy]\ndisable = [\"NET001\"]\nallow-hosts = [\"*.example.com\"]\n[policy.severity]\nEXEC001 = \"info\"\n")
            .unwrap()
            .unwrap();
        assert_eq!(p.disable, ["NET001"]);
        assert_eq!(p.severity.get("EXEC001"), Some(&Severity::Info));
        assert!(p.host_allowed("api.example.com") && !p.host_allowed("example.com.evil.invalid"));
        let e =
            Policy::from_toml("[policy]\ndisable = [\"NET001\"]\nallow-host = []\n").unwrap_err();
        assert!(e.contains("line 3"), "{e}");
        assert_eq!(
            Policy::from_toml("[registry]\nurl = \"x\"\n").unwrap(),
            None
        );
    }

    #[test]
    fn unknown_rules_capabilities_and_hosts_are_errors_with_positions() {
        let set = skillseal_rules::RuleSet::builtin().unwrap();
        let check = |text: &str| {
            Policy::from_toml(text)
                .unwrap()
                .unwrap()
                .validate(set.rules())
                .unwrap_err()
        };
        let e = check("[registry]\nurl = \"x\"\n\n[policy]\ndisable = [\"NET001\", \"NOPE999\"]\n");
        assert!(e.starts_with("line 5, column 22: "), "{e}");
        assert!(e.contains("`NOPE999`"), "{e}");
        let e = check("[policy]\nallow-capabilities = ['network', 'netwerk']\n");
        assert!(e.starts_with("line 2, column 34: "), "{e}");
        let e = check("[policy]\n[policy.severity]\nNOPE999 = \"info\"\n");
        assert!(e.starts_with("line 3, column 1: "), "{e}");
        let e = check("[policy]\nallow-hosts = [\"https://x.example\"]\n");
        assert!(e.starts_with("line 2, column 16: "), "{e}");
        // Built, not read: no position to give.
        let built = Policy {
            disable: vec!["NOPE999".into()],
            ..Policy::default()
        };
        assert!(
            built
                .validate(set.rules())
                .unwrap_err()
                .starts_with("policy names rule")
        );
    }
}
