//! A hand-built scan report and rule set shared by the integration tests.
//!
//! The report is deliberately out of canonical order, and its findings cover
//! the awkward cases: a non-ASCII line, a tab, a span over several lines, a
//! 10,000-char line whose snippet the engine already clipped, a hidden bidi
//! control, a rule the rule set does not know, and an input error.

#![allow(dead_code)]

use skillseal_model::{
    Category, FileStats, Finding, JSON_CONTRACT_VERSION, ScanError, ScanReport, ScannerInfo,
    Severity, SkillReport, Verdict,
};
use skillseal_rules::RuleSet;

/// The snippet the engine makes for `line` at `column` (a copy of
/// `skillseal_engine::text::snippet`, which this crate does not depend on).
pub fn engine_snippet(line: &str, column: u32) -> String {
    const WIDTH: usize = 160;
    let chars = line.chars().count();
    if chars <= WIDTH {
        return line.to_string();
    }
    let col = column.saturating_sub(1) as usize;
    let start = col.saturating_sub(40).min(chars.saturating_sub(WIDTH));
    let body: String = line.chars().skip(start).take(WIDTH).collect();
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&body);
    if start + WIDTH < chars {
        out.push('…');
    }
    out
}

/// The 10,000-char minified line: `eval(atob(s))` at column 5000.
pub fn long_line() -> String {
    format!(
        "{}eval(atob(s)){}",
        "x".repeat(4999),
        "y".repeat(10_000 - 4999 - 13)
    )
}

#[allow(clippy::too_many_arguments)]
pub fn finding(
    rule: &str,
    category: Category,
    severity: Severity,
    file: &str,
    (line, column): (u32, u32),
    (end_line, end_column): (u32, u32),
    message: &str,
    snippet: &str,
    capability: Option<&str>,
) -> Finding {
    Finding {
        rule: rule.into(),
        category,
        severity,
        file: file.into(),
        line,
        column,
        end_line,
        end_column,
        message: message.into(),
        snippet: snippet.into(),
        capability: capability.map(|c| c.parse().expect("a known capability")),
        role: None,
        suppression: None,
    }
}

pub fn report() -> ScanReport {
    let blocked = SkillReport {
        path: "samples/malicious/foo".into(),
        name: Some("foo".into()),
        verdict: Verdict::Block,
        reasons: Vec::new(),
        capabilities: vec!["env-read".into(), "network".into(), "process-exec".into()],
        findings: vec![
            // Out of order on purpose: the renderers sort.
            finding(
                "EXEC901",
                Category::ProcessExec,
                Severity::Low,
                "scripts/tab.py",
                (7, 2),
                (7, 11),
                "runs a process with `os.system`",
                "\tos.system(cmd)",
                Some("process-exec"),
            ),
            finding(
                "SECRET901",
                Category::SecretRead,
                Severity::High,
                "scripts/x.py",
                (12, 17),
                (12, 52),
                "reads SSH private keys `~/.ssh/id_rsa`",
                "    data = open(os.path.expanduser(\"~/.ssh/id_rsa\")).read()",
                None,
            ),
            finding(
                "EXEC901",
                Category::ProcessExec,
                Severity::Low,
                "scripts/ünï.py",
                (3, 22),
                (3, 36),
                "runs a process with `subprocess.run`",
                "msg = \"日本語 ünïcode\"; subprocess.run(cmd)",
                Some("process-exec"),
            ),
            finding(
                "EXEC901",
                Category::ProcessExec,
                Severity::Low,
                "scripts/x.py",
                (20, 5),
                (23, 2),
                "runs a process with `subprocess.run`",
                "    subprocess.run([",
                Some("process-exec"),
            ),
            finding(
                "OBF777",
                Category::Obfuscation,
                Severity::Critical,
                "dist/bundle.min.js",
                (1, 5000),
                (1, 5013),
                "runs decoded code with `eval`",
                &engine_snippet(&long_line(), 5000),
                None,
            ),
        ],
        suppressed: Vec::new(),
        stats: FileStats {
            files: 4,
            bytes: 12_345,
        },
    };
    let passed = SkillReport {
        path: "samples/benign/bar".into(),
        name: None,
        verdict: Verdict::Pass,
        reasons: Vec::new(),
        capabilities: vec![],
        findings: vec![],
        suppressed: Vec::new(),
        stats: FileStats::default(),
    };
    let reviewed = SkillReport {
        path: "samples/review/baz".into(),
        name: Some("baz".into()),
        verdict: Verdict::Review,
        reasons: Vec::new(),
        capabilities: vec![],
        findings: vec![
            finding(
                "MANI901",
                Category::Manifest,
                Severity::Info,
                "SKILL.md",
                (1, 1),
                (1, 4),
                "front matter has no `description`",
                "---",
                None,
            ),
            finding(
                "HID901",
                Category::HiddenText,
                Severity::Medium,
                "README.md",
                (5, 6),
                (5, 7),
                "hidden bidi control U+202E",
                "text \u{202E}lave\u{202C} \x1b[31mred",
                None,
            ),
        ],
        suppressed: Vec::new(),
        stats: FileStats::default(),
    };
    ScanReport {
        version: JSON_CONTRACT_VERSION,
        scanner: ScannerInfo {
            name: "skillseal".into(),
            version: "0.1.0-test".into(),
            rules_digest: "sha256:0000000000000000000000000000000000000000000000000000000000000000"
                .into(),
        },
        skills: vec![blocked, reviewed, passed],
        errors: vec![
            ScanError {
                path: "samples/z.tar.gz".into(),
                message: "truncated gzip stream".into(),
            },
            ScanError {
                path: "samples/broken.zip".into(),
                message: "invalid zip archive: bad central directory".into(),
            },
        ],
    }
}

/// A report with nothing wrong in it: one clean skill, no errors.
pub fn clean_report() -> ScanReport {
    let mut r = report();
    r.skills.retain(|s| s.verdict == Verdict::Pass);
    r.errors.clear();
    r
}

const EXEC: &str = r#"
id = "EXEC901"
name = "test-python-process"
category = "process-exec"
severity = "low"
capability = "process-exec"
message = "runs a process with `{match}`"
languages = ["python"]
[[match]]
call = ["subprocess.*", "os.system"]
[docs]
what = "Finds Python code that starts another program."
why = "A skill that runs programs can do anything the user can."
example = """
import subprocess
subprocess.run(["gh", "pr", "list"])  # not ``` a fence
"""
[[should-match]]
file = "a.py"
code = "import os\nos.system('ls')"
[[should-not-match]]
file = "a.py"
code = "print(1)"
"#;

const SECRET: &str = r#"
id = "SECRET901"
name = "test-ssh-keys"
category = "secret-read"
severity = "high"
message = "reads SSH private keys `{match}`"
[[match]]
string = "~/\\.ssh/id_"
[docs]
what = "Finds code that names SSH private key files."
why = "A skill has no reason to read the user's SSH keys; it is how keys get stolen."
example = "open(os.path.expanduser('~/.ssh/id_rsa')).read()"
[[should-match]]
file = "a.py"
code = "open('~/.ssh/id_rsa')"
[[should-not-match]]
file = "a.py"
code = "open('README.md')"
"#;

const MANIFEST: &str = r#"
id = "MANI901"
name = "test-missing-description"
category = "manifest"
severity = "info"
message = "front matter has no `description`"
[[match]]
key = ["front-matter:name"]
[docs]
what = "Finds SKILL.md front matter without a description."
why = "Agents pick skills by their description; without one the skill is opaque."
example = "---\nname: foo\n---"
[[should-match]]
file = "SKILL.md"
code = "---\nname: foo\n---"
[[should-not-match]]
file = "SKILL.md"
code = "---\nname: foo\ndescription: bar\n---"
"#;

pub fn rules() -> RuleSet {
    RuleSet::from_sources(vec![
        ("test/EXEC901.toml".into(), EXEC.into()),
        ("test/SECRET901.toml".into(), SECRET.into()),
        ("test/MANI901.toml".into(), MANIFEST.into()),
    ])
    .unwrap_or_else(|errs| panic!("test rules are invalid: {errs:?}"))
}
