use regex::Regex;
use serde::Deserialize;
use skillseal_model::{Capability, Category, FileKind, Language, Role, Severity};
use std::collections::{BTreeMap, HashSet};

/// One rule, as written in a `scanner-rules/**/*.toml` file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Rule {
    /// Stable identifier, e.g. `EXEC001`. Never reused for another meaning.
    pub id: String,
    /// Short kebab-case name, e.g. `python-subprocess`.
    pub name: String,
    pub category: Category,
    pub severity: Severity,
    /// The capability this rule evidences (`process-exec`, `env-read-all`...);
    /// an unknown name is a load error.
    #[serde(default)]
    pub capability: Option<Capability>,
    /// The part this rule's findings play in the verdict's combinations
    /// (`decode`, `opaque-program`...; see `docs/rules.md`).
    #[serde(default)]
    pub role: Option<Role>,
    /// The severity of a match in reference material (a markdown or text
    /// file other than the skill's `SKILL.md`: documentation the agent
    /// reads on demand, not the instructions it follows); the rule's
    /// `severity` everywhere else.
    #[serde(default)]
    pub reference_severity: Option<Severity>,
    /// Regex over the skill's own `description` (its `SKILL.md` front
    /// matter): where it matches, the skill says it does what the rule
    /// finds, and a match has `described-severity` instead of `severity`.
    /// Where it does not, the message says so: the instruction has nothing
    /// to do with the skill's stated purpose.
    #[serde(default, with = "opt_regex")]
    pub described: Option<Regex>,
    #[serde(default)]
    pub described_severity: Option<Severity>,
    /// One-line message; `{match}` is replaced by what matched.
    pub message: String,
    /// Restrict the rule to these languages (JavaScript covers TS/TSX).
    #[serde(default)]
    pub languages: Vec<Language>,
    /// Restrict the rule to files whose name or path ends with one of these.
    #[serde(default)]
    pub files: Vec<String>,
    /// Only in code: not in markdown or plain-text files (their fenced
    /// code included), which a person reads and runs.
    #[serde(default)]
    pub code_only: bool,
    #[serde(rename = "match")]
    pub matchers: Vec<Matcher>,
    pub docs: Docs,
    #[serde(default)]
    pub should_match: Vec<Case>,
    #[serde(default)]
    pub should_not_match: Vec<Case>,
    /// Where the rule came from (file path); set by the loader.
    #[serde(skip)]
    pub source: String,
}

/// The "what it does / why it matters / example" text every rule carries.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    pub what: String,
    pub why: String,
    pub example: String,
}

/// A snippet a rule must (or must not) match; the file name picks the language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub file: String,
    #[serde(default)]
    pub code: String,
    /// A property discovery reports about a package entry instead of code
    /// (`archive-traversal`, `symlink-escape`...): the case checks the rule
    /// against that flag on `file`.
    #[serde(default)]
    pub flag: Option<String>,
    /// The `SKILL.md` of the skill the case's file belongs to, for rules
    /// that compare code with what the manifest declares (`undeclared`).
    #[serde(default)]
    pub manifest: Option<String>,
}

/// The subjects a matcher can test; each matcher names exactly one.
pub const SUBJECTS: &[&str] = &[
    "call",
    "import",
    "member",
    "string",
    "command",
    "file-kind",
    "key",
    "text",
    "flow",
];

/// One declarative pattern. A rule matches when any of its matchers does.
///
/// A matcher names exactly one subject (what kind of fact it looks at) and
/// any number of predicates that narrow it. See `docs/rules.md`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Matcher {
    // ---- subjects -------------------------------------------------------
    /// Resolved callee names (`subprocess.run`, `child_process.*`).
    #[serde(default)]
    pub call: Vec<NamePattern>,
    /// Imported module names.
    #[serde(default)]
    pub import: Vec<NamePattern>,
    /// Resolved member-access paths (`process.env`, `os.environ.*`).
    #[serde(default)]
    pub member: Vec<NamePattern>,
    /// Regex over string literal values (after decoding escapes).
    #[serde(default, with = "opt_regex")]
    pub string: Option<Regex>,
    /// Shell command names (after `sudo`, `env`, `exec`... wrappers).
    #[serde(default)]
    pub command: Vec<NamePattern>,
    /// File kinds detected from content (`elf`, `pyc-without-source`,
    /// `minified`...) or raised by discovery (`symlink-escape`...).
    #[serde(default)]
    pub file_kind: Vec<FileKind>,
    /// Manifest keys: `package.json:scripts.postinstall`,
    /// `front-matter:openclaw.install`, `pyproject:build-system.build-backend`.
    #[serde(default)]
    pub key: Vec<NamePattern>,
    /// Regex over prose lines of markdown and text files.
    #[serde(default, with = "opt_regex")]
    pub text: Option<Regex>,
    /// With `text` or `string`: a match counts only where the text before
    /// it does not match this (anchor it with `$`): "not where a negation
    /// comes right before it". The regex crate has no look-behind, and
    /// spelling one out inside the pattern made the rule sets' automata
    /// many times larger.
    #[serde(default, with = "opt_regex")]
    pub not_after: Option<Regex>,
    /// A value found by another rule reaches a call or command found by
    /// another rule, in the same function or script.
    #[serde(default)]
    pub flow: Option<FlowSpec>,

    // ---- predicates -----------------------------------------------------
    /// Keyword arguments that must be present; value `"*"` means any value,
    /// otherwise the argument's source text must equal it (`shell = "True"`).
    #[serde(default)]
    pub kwarg: BTreeMap<String, String>,
    /// The first argument must be a string literal (`"literal"`) or must not
    /// be (`"dynamic"`).
    #[serde(default)]
    pub first_arg: Option<ArgKind>,
    /// Regex that some literal argument (or shell word) must match.
    #[serde(default, with = "opt_regex")]
    pub arg: Option<Regex>,
    /// Regex that no literal argument (or shell word) may match:
    /// `not-arg = "."` means "no arguments" for a command like `printenv`.
    #[serde(default, with = "opt_regex")]
    pub not_arg: Option<Regex>,
    /// Regex that every argument holding a URL (`://`) must match, with
    /// at least one such argument: `curl https://a | sh` where `a` is one
    /// of a list, and not `curl https://a https://b | sh`.
    #[serde(default, with = "opt_regex")]
    pub urls: Option<Regex>,
    /// The opposite of `urls`: the matcher does not hold when there is a
    /// URL argument and every one matches.
    #[serde(default, with = "opt_regex")]
    pub not_urls: Option<Regex>,
    /// Regex over the source text of every argument that is not a string
    /// literal, positional or keyword (`0o755`, `stat.S_IXUSR`,
    /// `{mode: 0o755}`); on a command, over its words.
    #[serde(default, with = "opt_regex")]
    pub arg_source: Option<Regex>,
    /// Shell: the command's output is piped into one of these commands.
    #[serde(default)]
    pub pipe_to: Vec<NamePattern>,
    /// Regex that a manifest key's value must match.
    #[serde(default, with = "opt_regex")]
    pub value: Option<Regex>,
    /// Regex that a manifest key's value must not match (`not-value`: a
    /// proxy setting that does not point at this machine).
    #[serde(default, with = "opt_regex")]
    pub not_value: Option<Regex>,
    /// Names a typosquat imitates: some literal argument, shell word or
    /// key value (lower-cased, without a version such as `@latest` or
    /// `==1.2`) is one or two edits away from one of them (one edit for
    /// names under 8 characters; names under 5 are never compared) and is
    /// not itself one of them nor one of `near-known`.
    #[serde(default)]
    pub near: NearNames,
    /// Names that are never near misses although they are near a `near`
    /// name: other popular packages (`scrapy` is not a typo of `scapy`).
    #[serde(default)]
    pub near_known: NameSet,
    /// The environment variable the fact reads (`env`: a member path's last
    /// name, or a call's first literal argument) or the program it runs
    /// (`bin`: a command name) is not declared in the skill's
    /// `metadata.openclaw.requires` (`env`, `primaryEnv`; `bins`,
    /// `anyBins`, install entries). Never holds for a skill without an
    /// OpenClaw block: it declares nothing to compare with.
    #[serde(default)]
    pub undeclared: Option<Undeclared>,
    /// Regex the name `undeclared` compares must match (`(?i)key|token`);
    /// without `undeclared`, on a `call` or `member` matcher, the name of
    /// the environment variable read must match it.
    #[serde(default, with = "opt_regex")]
    pub name: Option<Regex>,
    /// Names the `undeclared` check leaves alone (`HOME`, `XDG_*`, `cat`).
    #[serde(default)]
    pub except: Vec<NamePattern>,
}

/// What `undeclared` compares with the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Undeclared {
    Env,
    Bin,
}

/// `flow = { from = [...], to = [...], with = [...] }`: each name is a
/// category (`secret-read`) or a capability (`env-read-all`) of other rules.
/// The flow holds when a fact matched by a `from` rule is part of the
/// value of a fact matched by a `to` rule (its arguments, or variables
/// assigned from it, followed through assignments, formatting,
/// concatenation and containers), and, when `with` is given, a fact
/// matched by a `with` rule is part of that value too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FlowSpec {
    pub from: Vec<String>,
    pub to: Vec<String>,
    #[serde(default)]
    pub with: Vec<String>,
    /// The flow does not hold when the sink's value names URLs and every
    /// one is on this machine (`127.0.0.0/8`, `localhost`, `[::1]`): a
    /// value sent to the same machine has not left it.
    #[serde(default)]
    pub not_to_loopback: bool,
    /// The flow holds only when the sink's value names a URL whose host
    /// the skill's `SKILL.md` never names (a host it does not declare) and
    /// that is not on this machine.
    #[serde(default)]
    pub to_undeclared_host: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArgKind {
    Literal,
    Dynamic,
}

impl Matcher {
    /// The subjects this matcher names (valid matchers name exactly one).
    pub fn subjects(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if !self.call.is_empty() {
            v.push("call");
        }
        if !self.import.is_empty() {
            v.push("import");
        }
        if !self.member.is_empty() {
            v.push("member");
        }
        if self.string.is_some() {
            v.push("string");
        }
        if !self.command.is_empty() {
            v.push("command");
        }
        if !self.file_kind.is_empty() {
            v.push("file-kind");
        }
        if !self.key.is_empty() {
            v.push("key");
        }
        if self.text.is_some() {
            v.push("text");
        }
        if self.flow.is_some() {
            v.push("flow");
        }
        v
    }
}

/// A name, or a prefix when it ends in `*` (`child_process.*`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NamePattern {
    Exact(String),
    Prefix(String),
}

impl NamePattern {
    pub fn parse(s: &str) -> Result<NamePattern, String> {
        if s.is_empty() {
            return Err("empty name pattern".into());
        }
        match s.strip_suffix('*') {
            Some(p) if p.contains('*') => Err(format!("`{s}`: `*` is only allowed at the end")),
            Some(p) => Ok(NamePattern::Prefix(p.to_string())),
            None if s.contains('*') => Err(format!("`{s}`: `*` is only allowed at the end")),
            None => Ok(NamePattern::Exact(s.to_string())),
        }
    }

    pub fn matches(&self, name: &str) -> bool {
        match self {
            NamePattern::Exact(e) => e == name,
            NamePattern::Prefix(p) => name.starts_with(p.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for NamePattern {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        NamePattern::parse(&s).map_err(serde::de::Error::custom)
    }
}

mod opt_regex {
    use regex::Regex;
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Regex>, D::Error> {
        let s = String::deserialize(d)?;
        crate::pattern::compile(&s)
            .map(Some)
            .map_err(|e| serde::de::Error::custom(format!("invalid regex: {e}")))
    }
}

/// A package name as registries compare them: lower case, with `_` and
/// `.` as `-` (PyPI's normalisation; `python_dateutil` is
/// `python-dateutil`).
pub fn normalize_name(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| match c {
            '_' | '.' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The set of symbols a name holds, one bit per byte value modulo 64: an
/// edit changes at most two of them, so names whose sets differ in more
/// than twice the edits allowed are never compared.
pub fn symbol_mask(name: &str) -> u64 {
    name.bytes().fold(0, |m, b| m | 1u64 << (b % 64))
}

/// Names, normalised, as a set.
#[derive(Debug, Clone, Default)]
pub struct NameSet(HashSet<String>);

impl NameSet {
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains(name)
    }
}

impl<'de> Deserialize<'de> for NameSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(d)?;
        Ok(NameSet(names.iter().map(|n| normalize_name(n)).collect()))
    }
}

/// The names a `near` matcher compares with, indexed once when the rule is
/// loaded: by length, each with its [`symbol_mask`], so a word is compared
/// only with the few names of a length and a make-up it could be a typo of
/// (thousands of names cost a handful of comparisons, not thousands).
#[derive(Debug, Clone, Default)]
pub struct NearNames {
    names: Vec<String>,
    set: HashSet<String>,
    /// `by_len[n]`: (mask, index into `names`) of the names `n` bytes long.
    by_len: Vec<Vec<(u64, u32)>>,
}

impl NearNames {
    /// The longest name indexed; longer ones are never compared.
    pub const MAX_LEN: usize = 64;

    pub fn new(names: &[String]) -> NearNames {
        let mut out = NearNames {
            by_len: vec![Vec::new(); Self::MAX_LEN + 1],
            ..NearNames::default()
        };
        for n in names {
            let n = normalize_name(n);
            if n.len() > Self::MAX_LEN || !out.set.insert(n.clone()) {
                continue;
            }
            let i = u32::try_from(out.names.len()).unwrap_or(u32::MAX);
            out.by_len[n.len()].push((symbol_mask(&n), i));
            out.names.push(n);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether `name` (normalised) is one of the names.
    pub fn contains(&self, name: &str) -> bool {
        self.set.contains(name)
    }

    /// The names `len` bytes long, with their masks.
    pub fn of_len(&self, len: usize) -> impl Iterator<Item = (u64, &str)> {
        self.by_len
            .get(len)
            .into_iter()
            .flatten()
            .filter_map(|&(m, i)| Some((m, self.names.get(i as usize)?.as_str())))
    }
}

impl<'de> Deserialize<'de> for NearNames {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(NearNames::new(&Vec::<String>::deserialize(d)?))
    }
}
