//! SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
//!
//! One run, one tool (`skillseal`), every rule of the rule set described in
//! `tool.driver.rules`, one result per finding with a relative artifact URI
//! under `%SRCROOT%`. Input errors become tool execution notifications. The
//! mapping is documented in `docs/sarif.md`.

use crate::order::canonical;
use crate::path::{artifact_uri, join};
use serde::Serialize;
use sha2::{Digest, Sha256};
use skillseal_model::{
    Category, CategoryKind, Finding, Language, ScanReport, Severity, SkillReport,
};
use skillseal_rules::{Rule, RuleSet};
use std::collections::{BTreeMap, HashMap};

/// The `$schema` written at the top of the log.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The SARIF version written.
pub const SARIF_VERSION: &str = "2.1.0";
/// `tool.driver.informationUri`.
pub const INFORMATION_URI: &str = "https://example.invalid/skillseal";
/// The base every relative artifact URI is resolved against: the checkout.
const SRCROOT: &str = "%SRCROOT%";
/// The `partialFingerprints` key; bump the version if the recipe changes.
const FINGERPRINT_KEY: &str = "skillseal/v1";

/// SARIF `level` for a severity: critical and high are `error`, medium is
/// `warning`, low and info are `note`.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The `security-severity` score GitHub code scanning reads (a number in a
/// string; > 9.0 shows as critical, 7.0–8.9 high, 4.0–6.9 medium, below
/// that low).
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// The SARIF 2.1.0 log for `report`, pretty-printed with a trailing newline.
///
/// `rules` supplies the rule descriptors; a finding whose rule is not in the
/// set (a rule from an older rule set, say) still gets a minimal descriptor
/// so every result has a `ruleIndex`.
pub fn render_sarif(report: &ScanReport, rules: &RuleSet) -> String {
    let report = canonical(report);
    let mut descriptors: Vec<Descriptor<'_>> = rules.rules().iter().map(describe_rule).collect();
    let mut index: HashMap<&str, usize> = rules
        .rules()
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut unknown: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in report.skills.iter().flat_map(|s| &s.findings) {
        if !index.contains_key(f.rule.as_str()) {
            unknown.entry(f.rule.as_str()).or_insert(f);
        }
    }
    for (id, f) in unknown {
        index.insert(id, descriptors.len());
        descriptors.push(describe_unknown(f));
    }

    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut results = Vec::new();
    for skill in &report.skills {
        for f in skill.findings.iter().chain(&skill.suppressed) {
            results.push(result(skill, f, index[f.rule.as_str()], &mut seen));
        }
    }

    let notifications = report
        .errors
        .iter()
        .map(|e| {
            let path = join(&e.path, "");
            Notification {
                level: "error",
                message: Message::new(format!("{}: {}", e.path, e.message)),
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: artifact_location(&path),
                        region: None,
                    },
                }],
            }
        })
        .collect();

    let log = Log {
        schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "skillseal",
                    version: &report.scanner.version,
                    information_uri: INFORMATION_URI,
                    rules: descriptors,
                    properties: DriverProperties {
                        rules_digest: &report.scanner.rules_digest,
                    },
                },
            },
            invocations: vec![Invocation {
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).expect("a SARIF log always serializes");
    out.push('\n');
    out
}

fn result<'a>(
    skill: &'a SkillReport,
    f: &'a Finding,
    rule_index: usize,
    seen: &mut HashMap<String, u32>,
) -> SarifResult<'a> {
    let path = join(&skill.path, &f.file);
    let location = artifact_location(&path);
    let hash = fingerprint(&f.rule, &location.uri, &f.snippet);
    let n = seen.entry(hash.clone()).or_insert(0);
    *n += 1;
    let mut partial_fingerprints = BTreeMap::new();
    partial_fingerprints.insert(FINGERPRINT_KEY, format!("{hash}:{n}"));
    SarifResult {
        rule_id: &f.rule,
        rule_index,
        level: level(f.severity),
        message: Message::new(f.message.clone()),
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: location,
                region: region(f),
            },
        }],
        partial_fingerprints,
        suppressions: f
            .suppression
            .iter()
            .map(|s| SarifSuppression {
                kind: match s.by {
                    skillseal_model::SuppressedBy::Inline => "inSource",
                    _ => "external",
                },
                justification: &s.reason,
            })
            .collect(),
        properties: ResultProperties {
            skill: &skill.path,
            skill_name: skill.name.as_deref(),
            verdict: skill.verdict.as_str(),
            category: f.category.as_str(),
            severity: f.severity.as_str(),
            capability: f.capability.map(|c| c.as_str()),
        },
    }
}

/// The region of a finding; `None` for a finding about a whole file
/// (line 0). Positions are clamped into what SARIF accepts.
fn region(f: &Finding) -> Option<Region> {
    if f.line == 0 {
        return None;
    }
    let start_column = f.column.max(1);
    let end_line = f.end_line.max(f.line);
    let end_column = if end_line == f.line {
        f.end_column.max(start_column)
    } else {
        f.end_column.max(1)
    };
    Some(Region {
        start_line: f.line,
        start_column,
        end_line,
        end_column,
        snippet: (!f.snippet.is_empty()).then(|| Content {
            text: f.snippet.clone(),
        }),
    })
}

/// A stable identity for a finding that survives unrelated edits above it:
/// the rule, the artifact and the trimmed source line, hashed. An occurrence
/// count (`:1`, `:2`...) tells identical lines in one file apart.
fn fingerprint(rule: &str, uri: &str, snippet: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule, uri, snippet.trim()] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    hex::encode(&h.finalize()[..16])
}

fn artifact_location(path: &str) -> ArtifactLocation {
    let (uri, relative) = artifact_uri(path);
    ArtifactLocation {
        uri,
        uri_base_id: relative.then_some(SRCROOT),
    }
}

fn describe_rule(rule: &Rule) -> Descriptor<'_> {
    Descriptor {
        id: &rule.id,
        name: Some(&rule.name),
        short_description: Message::new(without_placeholders(&rule.message)),
        full_description: Some(Message::new(rule.docs.what.trim().to_string())),
        help: Some(help(rule)),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: rule_properties(rule.category, rule.severity),
    }
}

/// A descriptor for a rule id that a finding uses but the rule set lacks.
fn describe_unknown(f: &Finding) -> Descriptor<'_> {
    Descriptor {
        id: &f.rule,
        name: None,
        short_description: Message::new(f.category.description().to_string()),
        full_description: None,
        help: None,
        default_configuration: Configuration {
            level: level(f.severity),
        },
        properties: rule_properties(f.category, f.severity),
    }
}

fn rule_properties(category: Category, severity: Severity) -> RuleProperties {
    let kind = match category.kind() {
        CategoryKind::Capability => "capability",
        CategoryKind::Threat => "threat",
        CategoryKind::Manifest => "manifest",
    };
    let mut tags = vec![
        "security".to_string(),
        category.as_str().to_string(),
        kind.to_string(),
    ];
    tags.sort();
    tags.dedup();
    RuleProperties {
        category: category.as_str(),
        severity: severity.as_str(),
        tags,
        security_severity: security_severity(severity),
    }
}

/// The rule message with its `{match}`/`{value}` placeholders (and the
/// quotes around them) removed, for a one-line description of the rule.
fn without_placeholders(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    for empty in ["``", "''", "\"\"", "()", "[]"] {
        out = out.replace(empty, "");
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    let mut text = words.join(" ");
    // Drop a preposition or punctuation left dangling at the end.
    loop {
        let trimmed = text.trim_end_matches([' ', ':', ',', ';', '-', '=']);
        let last = trimmed.rsplit(' ').next().unwrap_or("");
        let dangling = trimmed.contains(' ')
            && matches!(
                last,
                "with"
                    | "via"
                    | "to"
                    | "from"
                    | "in"
                    | "on"
                    | "of"
                    | "at"
                    | "for"
                    | "by"
                    | "as"
                    | "and"
            );
        let next = if dangling {
            &trimmed[..trimmed.len() - last.len()]
        } else {
            trimmed
        };
        if next.len() == text.len() {
            break;
        }
        text = next.to_string();
    }
    if text.is_empty() {
        message.trim().to_string()
    } else {
        text
    }
}

fn help(rule: &Rule) -> MultiformatMessage {
    let what = rule.docs.what.trim();
    let why = rule.docs.why.trim();
    let example = rule.docs.example.trim_matches('\n').trim_end();
    let text = format!("What it does: {what}\n\nWhy it matters: {why}\n\nExample:\n{example}");
    let fence = "`".repeat(longest_backtick_run(example).max(2) + 1);
    let lang = fence_language(rule);
    let markdown = format!(
        "**{} ({})**\n\n## What it does\n\n{what}\n\n## Why it matters\n\n{why}\n\n## Example\n\n{fence}{lang}\n{example}\n{fence}",
        rule.id, rule.name
    );
    MultiformatMessage { text, markdown }
}

/// The info string of the example's code fence: the rule's language when
/// it names exactly one family.
fn fence_language(rule: &Rule) -> &'static str {
    let Some(first) = rule.languages.first().map(|l| l.family()) else {
        return "";
    };
    if rule.languages.iter().any(|l| l.family() != first) {
        return "";
    }
    match first {
        Language::Text | Language::Binary => "",
        l => l.as_str(),
    }
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

// ---- the subset of the SARIF object model skillseal writes ----------------

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
    rules: Vec<Descriptor<'a>>,
    properties: DriverProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DriverProperties<'a> {
    rules_digest: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    short_description: Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Message>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<MultiformatMessage>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    category: &'static str,
    severity: &'static str,
    tags: Vec<String>,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

impl Message {
    fn new(text: String) -> Message {
        Message { text }
    }
}

#[derive(Serialize)]
struct MultiformatMessage {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    /// SARIF's own record of an accepted result: `inSource` for an inline
    /// comment, `external` for a policy or baseline.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression<'a>>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifSuppression<'a> {
    kind: &'static str,
    justification: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    skill: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    skill_name: Option<&'a str>,
    verdict: &'static str,
    category: &'static str,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    capability: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Content>,
}

#[derive(Serialize)]
struct Content {
    text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_dangling_words_are_removed() {
        assert_eq!(
            without_placeholders("runs a process with `{match}`"),
            "runs a process"
        );
        assert_eq!(
            without_placeholders("reads SSH private keys `{match}`"),
            "reads SSH private keys"
        );
        assert_eq!(without_placeholders("sets `{match}` to `{value}`"), "sets");
        assert_eq!(
            without_placeholders("archive holds a link entry"),
            "archive holds a link entry"
        );
        assert_eq!(without_placeholders("`{match}`"), "`{match}`");
    }

    #[test]
    fn fences_outgrow_backticks_in_the_example() {
        assert_eq!(longest_backtick_run("a ```` b ` c"), 4);
        assert_eq!(longest_backtick_run("none"), 0);
    }

    #[test]
    fn levels_and_scores_follow_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
        for s in Severity::ALL {
            let v: f64 = security_severity(s).parse().unwrap();
            assert!((0.0..=10.0).contains(&v));
        }
    }
}
