//! A skill's verdict: one reason per threat indicator, and the dangerous
//! combinations of [`COMBINATIONS`], a table documented in `docs/rules.md`.
//!
//! Rules take part in combinations through what they declare, never
//! through their ids: their category, their `capability` and their `role`
//! (the part a finding that means little alone plays next to others:
//! `decode`, `opaque-program`…). All three are closed vocabularies checked
//! when the rules load, so a misspelt name is a load error, not a
//! combination that silently never holds.

use crate::detect;
use skillseal_model::{
    Capability, Category, CategoryKind, Finding, Reason, Role, Severity, Verdict,
};
use std::collections::{BTreeMap, BTreeSet};

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

/// Where a combination looks for its two sides, and how many reasons it
/// gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Both sides in one file: one reason per such file, its evidence in
    /// source order.
    File,
    /// Both sides anywhere in the skill: one reason, its evidence side `a`
    /// then side `b`.
    Skill,
}

/// How a finding of side `b` must relate to the findings of side `a`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairing {
    /// Any finding of one side goes with any of the other.
    Any,
    /// On the line of a finding of side `a`.
    SameLine,
    /// One reason per finding of side `a`, with the findings of side `b`
    /// in other files whose source line names `a`'s file (its base name,
    /// when that has 4 characters or more): a shipped program that the
    /// skill runs.
    NamesFile,
    /// Side `a` alone, when its findings in the scope come from at least
    /// this many different rules (side `b` is not read): one store of
    /// credentials is an integration, several are a harvest.
    DistinctRules(usize),
}

/// One test a finding can pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Is {
    /// Its rule's category.
    Category(Category),
    /// Its rule's category, at this severity or above.
    CategoryAtLeast(Category, Severity),
    /// Its category is of this kind (every threat category…).
    Kind(CategoryKind),
    /// Its rule's `capability`.
    Capability(Capability),
    /// Its rule's `role`.
    Role(Role),
}

impl Is {
    fn holds(self, f: &Finding) -> bool {
        match self {
            Is::Category(c) => f.category == c,
            Is::CategoryAtLeast(c, s) => f.category == c && f.severity >= s,
            Is::Kind(k) => f.category.kind() == k,
            Is::Capability(c) => f.capability == Some(c),
            Is::Role(r) => f.role == Some(r),
        }
    }
}

/// Which findings make up one side of a combination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selector {
    /// Findings that pass any of these tests; every finding when empty.
    pub any: &'static [Is],
    /// ...and none of these.
    pub not: &'static [Is],
    /// ...in files with one of these extensions; any file when empty.
    pub extensions: &'static [&'static str],
    /// Whether findings at `info` count: copies quoted as examples in
    /// markdown are reported at `info`, and so are context rules such as
    /// `decode`, which exist to be selected by role.
    pub info: bool,
}

impl Selector {
    /// Findings that pass any of `any`, above `info`.
    const fn any(any: &'static [Is]) -> Selector {
        Selector {
            any,
            not: &[],
            extensions: &[],
            info: false,
        }
    }

    /// Findings that pass any of `any`, at any severity (for roles, whose
    /// context rules report at `info`).
    const fn any_severity(any: &'static [Is]) -> Selector {
        Selector {
            any,
            not: &[],
            extensions: &[],
            info: true,
        }
    }

    fn holds(&self, f: &Finding) -> bool {
        (self.info || f.severity > Severity::Info)
            && (self.any.is_empty() || self.any.iter().any(|t| t.holds(f)))
            && !self.not.iter().any(|t| t.holds(f))
            && (self.extensions.is_empty()
                || detect::extension(&f.file)
                    .is_some_and(|e| self.extensions.contains(&e.as_str())))
    }
}

/// A dangerous combination: when a finding of side `a` and one of side
/// `b` hold together in the scope, the skill gets `verdict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Combination {
    pub scope: Scope,
    pub a: Selector,
    pub b: Selector,
    pub pairing: Pairing,
    /// The combination does not hold where the scope holds a finding this
    /// selects (a download checked against a pinned digest).
    pub unless: Option<Selector>,
    pub verdict: Verdict,
    /// The verdict when the scope is one prose file (markdown, text): two
    /// findings in separate blocks of a document are two examples side by
    /// side, not one program, so most rows only ask for a review there.
    pub in_prose: Verdict,
    /// For a row that only asks for a review: findings that make it block
    /// when the scope also holds one besides the pair (a download made
    /// executable is ambiguous; from a raw IP, or in an install hook, it
    /// is not).
    pub corroborated_by: Option<Selector>,
    /// The reason's message; `{file}` is the file (`Scope::File`) or the
    /// program (`Pairing::NamesFile`).
    pub message: &'static str,
}

const fn file(a: Selector, b: Selector, message: &'static str) -> Combination {
    Combination {
        scope: Scope::File,
        a,
        b,
        pairing: Pairing::Any,
        unless: None,
        verdict: Verdict::Block,
        in_prose: Verdict::Review,
        corroborated_by: None,
        message,
    }
}

/// A threat indicator at `medium` or above that is not about the
/// manifest's declarations, or an install hook: next to one, a pair that
/// only stands in one file is no longer ambiguous.
const CORROBORATION: Selector = Selector::any(&[
    Is::CategoryAtLeast(Category::SuspiciousEndpoint, Severity::Medium),
    Is::CategoryAtLeast(Category::Exfiltration, Severity::Medium),
    Is::CategoryAtLeast(Category::Obfuscation, Severity::Medium),
    // `high`: a tool's official installer (`DLX006`, `medium`) is not one.
    Is::CategoryAtLeast(Category::DownloadExec, Severity::High),
    Is::CategoryAtLeast(Category::Destructive, Severity::Medium),
    Is::CategoryAtLeast(Category::HiddenText, Severity::Medium),
    Is::CategoryAtLeast(Category::RemoteControl, Severity::Medium),
    Is::CategoryAtLeast(Category::Persistence, Severity::Medium),
    Is::CategoryAtLeast(Category::CryptoMining, Severity::Medium),
    Is::CategoryAtLeast(Category::InstallHook, Severity::Medium),
]);

/// Two findings that only stand in the same file: no value path joins
/// them (the flow rules, `EXF005`–`EXF007`, `DLX003`, `OBF002`, block
/// when one does), so the pair asks for a review, never a block.
const fn side_by_side(a: Selector, b: Selector, message: &'static str) -> Combination {
    Combination {
        verdict: Verdict::Review,
        corroborated_by: Some(CORROBORATION),
        ..file(a, b, message)
    }
}

/// A file row that blocks in prose too: what it pairs is one structure
/// wherever it stands (a line, a lure).
const fn everywhere(c: Combination) -> Combination {
    Combination {
        in_prose: c.verdict,
        ..c
    }
}

const fn skill(a: Selector, b: Selector, message: &'static str) -> Combination {
    Combination {
        scope: Scope::Skill,
        a,
        b,
        pairing: Pairing::Any,
        unless: None,
        verdict: Verdict::Block,
        in_prose: Verdict::Block,
        corroborated_by: None,
        message,
    }
}

/// A credential read at `high` or above, or the whole environment.
const SECRETS: Selector = Selector::any(&[
    Is::CategoryAtLeast(Category::SecretRead, Severity::High),
    Is::Capability(Capability::EnvReadAll),
]);
/// A credential file or store read at `high` or above.
const CREDENTIAL_FILES: Selector =
    Selector::any(&[Is::CategoryAtLeast(Category::SecretRead, Severity::High)]);
/// Every finding, at any severity.
const EVERY: Selector = Selector::any_severity(&[]);
const NETWORK: Selector = Selector::any(&[Is::Category(Category::Network)]);
const DYNAMIC: Selector = Selector::any(&[Is::Category(Category::DynamicCode)]);

/// The dangerous combinations, documented in `docs/rules.md`.
pub const COMBINATIONS: &[Combination] = &[
    // A copy of the whole environment is what a program hands to the
    // processes it starts (`env = os.environ.copy()`): only its reaching a
    // network call (`EXF006`) says more. An exfiltration finding in the
    // file gives its own, sharper reason.
    Combination {
        unless: Some(Selector::any(&[Is::Category(Category::Exfiltration)])),
        ..side_by_side(
            CREDENTIAL_FILES,
            NETWORK,
            "reads credentials and uses the network in {file}, with no value path found between them",
        )
    },
    Combination {
        unless: Some(Selector::any_severity(&[Is::Role(Role::VerifiedDownload)])),
        ..side_by_side(
            NETWORK,
            Selector::any(&[Is::Capability(Capability::ExecFileWrite)]),
            "downloads a file and makes a file executable in {file}",
        )
    },
    Combination {
        unless: Some(Selector::any(&[Is::Category(Category::Obfuscation)])),
        ..side_by_side(
            Selector::any_severity(&[Is::Role(Role::Decode)]),
            DYNAMIC,
            "decodes data and runs code built at run time in {file}, with no value path found between them",
        )
    },
    // Invisible characters in a file that also runs code built at run
    // time: the classic carrier of a smuggled payload.
    everywhere(file(
        Selector::any(&[Is::Category(Category::HiddenText)]),
        DYNAMIC,
        "hides characters a reviewer cannot see and runs code built at run time in {file}",
    )),
    Combination {
        unless: Some(Selector::any(&[Is::Category(Category::DownloadExec)])),
        ..side_by_side(
            NETWORK,
            DYNAMIC,
            "uses the network and runs code built at run time in {file}, with no value path found between them",
        )
    },
    file(
        NETWORK,
        Selector::any(&[Is::Category(Category::Persistence)]),
        "downloads and registers something to start on its own in {file}",
    ),
    // `Stdio::from_raw_fd(sock)` for a shell: a reverse shell.
    file(
        NETWORK,
        Selector::any(&[Is::Category(Category::RemoteControl)]),
        "connects out and hands the connection a program's input and output in {file}",
    ),
    // A download run as code, from a raw IP, paste site, shortener or
    // tunnel named on its line: blocks in reference material too.
    everywhere(Combination {
        pairing: Pairing::SameLine,
        ..file(
            Selector::any(&[Is::Category(Category::DownloadExec)]),
            Selector::any(&[
                Is::Category(Category::SuspiciousEndpoint),
                Is::Category(Category::SocialEngineering),
            ]),
            "runs code downloaded from a suspicious endpoint in {file}",
        )
    }),
    // A package index, git or URL dependency on a raw IP or tunnel host
    // named on its line: what installs is the attacker's.
    everywhere(Combination {
        pairing: Pairing::SameLine,
        ..file(
            Selector::any(&[Is::Category(Category::UnsafeInstall)]),
            Selector::any(&[Is::Category(Category::SuspiciousEndpoint)]),
            "installs packages from a suspicious endpoint in {file}",
        )
    }),
    // A long run of spaces pushing a command or a host off-screen.
    everywhere(Combination {
        pairing: Pairing::SameLine,
        ..file(
            Selector::any(&[Is::Role(Role::OffScreen)]),
            Selector {
                not: &[Is::Role(Role::OffScreen)],
                ..Selector::any(&[
                    Is::Kind(CategoryKind::Threat),
                    Is::Category(Category::Network),
                    Is::Category(Category::ProcessExec),
                    Is::Category(Category::DynamicCode),
                ])
            },
            "hides a command or an address off-screen behind a run of spaces in {file}",
        )
    }),
    file(
        Selector::any(&[
            Is::Category(Category::SuspiciousEndpoint),
            Is::Role(Role::DropEndpoint),
        ]),
        SECRETS,
        "reads credentials and names a throwaway endpoint in {file}",
    ),
    // An MCP config that hands a server a credential and names a raw IP,
    // tunnel or drop endpoint: the server, or where it connects, collects
    // the key.
    file(
        Selector::any(&[
            Is::Category(Category::SuspiciousEndpoint),
            Is::Role(Role::DropEndpoint),
        ]),
        Selector::any(&[Is::Role(Role::CredentialForward)]),
        "hands a server credentials and names a throwaway endpoint in {file}",
    ),
    everywhere(file(
        Selector::any(&[Is::Role(Role::PasteStep)]),
        Selector {
            not: &[Is::Role(Role::PasteStep)],
            ..Selector::any(&[
                Is::Category(Category::SocialEngineering),
                Is::Category(Category::SuspiciousEndpoint),
            ])
        },
        "tells the user to paste a command and points at a paste site or throwaway host in {file}",
    )),
    // A native program or bytecode without source that the skill's own
    // scripts or instructions run: code no reviewer can read.
    Combination {
        pairing: Pairing::NamesFile,
        ..skill(
            Selector::any_severity(&[Is::Role(Role::OpaqueProgram)]),
            EVERY,
            "ships a program without source ({file}) and runs it",
        )
    },
    // An editor extension that starts with every window, or a task that
    // runs when the folder opens, next to code that runs programs or
    // fetches and runs code: the poisoned-extension start-up hook.
    skill(
        Selector::any_severity(&[Is::Role(Role::EditorStartup)]),
        Selector {
            extensions: &["js", "mjs", "cjs", "ts"],
            ..Selector::any(&[
                Is::Category(Category::ProcessExec),
                Is::Category(Category::DynamicCode),
                Is::Category(Category::DownloadExec),
                Is::Category(Category::Obfuscation),
                Is::Capability(Capability::ExecFileWrite),
            ])
        },
        "starts with the editor (an extension activated on start-up, a task run when the folder opens) and runs programs or code",
    ),
    // Prompt injection with something worth stealing or switching off.
    skill(
        Selector::any(&[Is::Category(Category::PromptInjection)]),
        Selector::any(&[
            Is::CategoryAtLeast(Category::SecretRead, Severity::High),
            Is::Category(Category::AgentConfig),
            Is::Category(Category::Exfiltration),
        ]),
        "instructs the agent behind the user's back and touches credentials or its own settings",
    ),
    // Loaded into every session and able to act: a review at least.
    // A script that reads four or more kinds of credential store (SSH keys,
    // cloud credentials, developer tokens, browser and wallet stores…) is
    // collecting them, whether or not it sends them in the same file: an
    // integration reads the one it needs. A safety list naming three
    // protected folders is not four reads; in prose, a review.
    Combination {
        pairing: Pairing::DistinctRules(4),
        ..file(
            Selector::any(&[Is::CategoryAtLeast(Category::SecretRead, Severity::High)]),
            Selector::any(&[Is::CategoryAtLeast(Category::SecretRead, Severity::High)]),
            "reads four or more kinds of credential store in {file}",
        )
    },
    Combination {
        verdict: Verdict::Review,
        ..skill(
            Selector::any_severity(&[Is::Role(Role::AlwaysLoaded)]),
            Selector::any(&[
                Is::Category(Category::ProcessExec),
                Is::Category(Category::Network),
                Is::Category(Category::DynamicCode),
            ]),
            "loads into every session (`always: true`) and runs code or uses the network",
        )
    },
];

/// Judge a skill from its findings.
///
/// Capabilities describe a skill and never decide its verdict alone. A
/// threat indicator (a finding whose category is a threat, or a manifest
/// problem) at `critical` blocks; at `high` or `medium` it asks for a
/// review. A capability at `high` (a read of SSH keys, cloud credentials,
/// browser stores…) asks for a review. A rule gives one reason, decided by
/// its most severe finding: a copy quoted as an example (at `info`) never
/// hides the real one. Then every row of [`COMBINATIONS`] that holds gives
/// its verdict.
pub fn assess(findings: &[Finding]) -> Assessment {
    let capabilities: BTreeSet<&str> = findings
        .iter()
        .filter_map(|f| f.capability.map(Capability::as_str))
        .collect();
    let mut reasons: Vec<Reason> = Vec::new();

    // Indicators, one reason per rule.
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_rule.entry(f.rule.as_str()).or_default().push(f);
    }
    for group in by_rule.values() {
        let top = most_severe(group);
        let verdict = match (top.category.kind(), top.severity) {
            (CategoryKind::Threat | CategoryKind::Manifest, Severity::Critical) => Verdict::Block,
            (CategoryKind::Threat | CategoryKind::Manifest, Severity::High | Severity::Medium) => {
                Verdict::Review
            }
            (CategoryKind::Capability, Severity::High | Severity::Critical) => Verdict::Review,
            _ => continue,
        };
        reasons.push(Reason {
            verdict,
            message: top.message.clone(),
            evidence: evidence(group),
        });
    }

    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_file.entry(f.file.as_str()).or_default().push(f);
    }
    let all: Vec<&Finding> = findings.iter().collect();
    for c in COMBINATIONS {
        match c.scope {
            Scope::File => {
                for (file, fs) in &by_file {
                    combine(c, fs, Some(file), &mut reasons);
                }
            }
            Scope::Skill => combine(c, &all, None, &mut reasons),
        }
    }

    reasons.sort_by(|a, b| {
        b.verdict
            .cmp(&a.verdict)
            .then_with(|| a.message.cmp(&b.message))
    });
    let verdict = reasons.first().map_or(Verdict::Pass, |r| r.verdict);
    Assessment {
        verdict,
        capabilities: capabilities.into_iter().map(String::from).collect(),
        reasons,
    }
}

/// The first of the most severe findings of a (non-empty) group.
fn most_severe<'f>(group: &[&'f Finding]) -> &'f Finding {
    let mut top = group[0];
    for f in &group[1..] {
        if f.severity > top.severity {
            top = f;
        }
    }
    top
}

/// The reasons one combination gives over the findings of its scope
/// (`file` is the file of a file scope).
fn combine(c: &Combination, fs: &[&Finding], file: Option<&str>, reasons: &mut Vec<Reason>) {
    if c.unless.is_some_and(|u| fs.iter().any(|f| u.holds(f))) {
        return;
    }
    let a: Vec<&Finding> = fs.iter().copied().filter(|f| c.a.holds(f)).collect();
    if a.is_empty() {
        return;
    }
    let b = fs.iter().copied().filter(|f| c.b.holds(f));
    let prose = c.scope == Scope::File && file.is_some_and(detect::is_prose);
    // What corroborates the pair, besides its own findings.
    let corroboration: Option<&Finding> = c.corroborated_by.and_then(|sel| {
        fs.iter()
            .copied()
            .find(|f| sel.holds(f) && !c.a.holds(f) && !c.b.holds(f))
    });
    let mut push = |a: &[&Finding], b: Vec<&Finding>, shown: Option<&str>| {
        if b.is_empty() {
            return;
        }
        let mut both: Vec<&Finding> = a.to_vec();
        for f in b {
            if !both.iter().any(|x| std::ptr::eq(*x, f)) {
                both.push(f);
            }
        }
        if c.scope == Scope::File {
            both.sort_by(|x, y| x.sort_key().cmp(&y.sort_key()));
        }
        let mut message = match shown {
            Some(f) => c.message.replace("{file}", f),
            None => c.message.to_string(),
        };
        // Next to a threat indicator, the pair blocks in a script and in
        // the instructions the agent follows (`SKILL.md`), not in
        // reference material.
        let reference = c.scope == Scope::File && file.is_some_and(detect::is_reference);
        let verdict = match corroboration {
            Some(f) if !reference => {
                message = format!("{message}, next to {} ({})", f.rule, f.message);
                both.push(f);
                Verdict::Block
            }
            _ if prose => c.in_prose,
            _ => c.verdict,
        };
        reasons.push(Reason {
            verdict,
            message,
            evidence: evidence(&both),
        });
    };
    match c.pairing {
        Pairing::Any => push(&a, b.collect(), file),
        Pairing::SameLine => {
            let b = b.filter(|f| a.iter().any(|x| x.line == f.line)).collect();
            push(&a, b, file);
        }
        Pairing::DistinctRules(n) => {
            let mut rules: Vec<&str> = a.iter().map(|f| f.rule.as_str()).collect();
            rules.sort_unstable();
            rules.dedup();
            if rules.len() >= n {
                push(&[], a.clone(), file);
            }
        }
        Pairing::NamesFile => {
            let b: Vec<&Finding> = b.collect();
            for program in a {
                let base = program.file.rsplit('/').next().unwrap_or(&program.file);
                if base.len() < 4 {
                    continue;
                }
                let runs = b
                    .iter()
                    .copied()
                    .filter(|f| f.file != program.file && f.snippet.contains(base))
                    .collect();
                push(&[program], runs, Some(&program.file));
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_doc_lists_every_combination() {
        let doc = include_str!("../../../docs/rules.md");
        for c in COMBINATIONS {
            assert!(
                doc.contains(c.message),
                "docs/rules.md lacks the combination \"{}\"",
                c.message
            );
        }
    }
}
