use crate::schema::Rule;
use include_dir::{Dir, include_dir};
use regex::RegexSet;
use sha2::{Digest as _, Sha256};
use skillseal_model::{Category, Digest, LineIndex};
use std::collections::BTreeMap;
use std::path::Path;

/// The rules shipped with skillseal, compiled into the binary.
static BUILTIN: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../scanner-rules");

/// A problem with a rule file, pointing at the file and, where known, the
/// line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}{}: {message}", location(*.line, *.column))]
pub struct RuleError {
    pub path: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

fn location(line: Option<u32>, column: Option<u32>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

impl RuleError {
    fn plain(path: &str, message: impl Into<String>) -> RuleError {
        RuleError {
            path: path.to_string(),
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

/// A validated set of rules, sorted by id, with its digest and the regex
/// sets of its `string` and `text` matchers.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Vec<Rule>,
    digest: Digest,
    string_set: RegexSet,
    text_set: RegexSet,
}

impl RuleSet {
    /// The rules compiled into the binary.
    pub fn builtin() -> Result<RuleSet, Vec<RuleError>> {
        let mut sources = Vec::new();
        collect_embedded(&BUILTIN, &mut sources);
        RuleSet::from_sources(sources)
    }

    /// Parse and validate rules from `(path, text)` pairs.
    pub fn from_sources(sources: Vec<(String, String)>) -> Result<RuleSet, Vec<RuleError>> {
        let mut errors = Vec::new();
        let mut rules = Vec::new();
        let mut hasher = Sha256::new();
        let mut sorted = sources;
        sorted.sort();
        for (path, text) in &sorted {
            hasher.update(path.as_bytes());
            hasher.update([0]);
            hasher.update(text.as_bytes());
            hasher.update([0]);
            match parse_rule(path, text) {
                Ok(rule) => rules.push(rule),
                Err(e) => errors.push(e),
            }
        }
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        for r in &rules {
            if let Some(first) = seen.insert(r.id.clone(), r.source.clone()) {
                errors.push(RuleError::plain(
                    &r.source,
                    format!("rule id `{}` is already used by {first}", r.id),
                ));
            }
            if let Some(first) = names.insert(r.name.clone(), r.source.clone()) {
                errors.push(RuleError::plain(
                    &r.source,
                    format!("rule name `{}` is already used by {first}", r.name),
                ));
            }
        }
        let capabilities: std::collections::BTreeSet<&str> = rules
            .iter()
            .filter_map(|r| r.capability.map(|c| c.as_str()))
            .collect();
        for r in &rules {
            for flow in r.matchers.iter().filter_map(|m| m.flow.as_ref()) {
                for name in flow.from.iter().chain(&flow.to).chain(&flow.with) {
                    if name.parse::<Category>().is_err()
                        && !capabilities.contains(name.as_str())
                        && name.parse::<skillseal_model::Role>().is_err()
                    {
                        errors.push(RuleError::plain(
                            &r.source,
                            format!(
                                "flow names `{name}`, which is neither a category (docs/taxonomy.md), any rule's capability nor a role (docs/rules.md)"
                            ),
                        ));
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        // Every pattern compiled on its own; the sets can still exceed the
        // size limit together, and then no `string` (or `text`) rule at
        // all could match: a load error, not an empty set.
        let sets = [
            ("string", string_patterns(&rules)),
            ("text", text_patterns(&rules)),
        ]
        .map(|(subject, patterns)| compile_set(subject, &patterns, &rules, &sorted));
        let [string_set, text_set] = sets;
        match (string_set, text_set) {
            (Ok(string_set), Ok(text_set)) => Ok(RuleSet {
                rules,
                digest: Digest::from_sha256(hasher.finalize().into()),
                string_set,
                text_set,
            }),
            (a, b) => Err(a.err().into_iter().chain(b.err()).collect()),
        }
    }

    /// The built-in rules plus every `*.toml` file under `dir` (recursively).
    pub fn builtin_with_dir(dir: &Path) -> Result<RuleSet, Vec<RuleError>> {
        let mut sources = Vec::new();
        collect_embedded(&BUILTIN, &mut sources);
        let display = dir.display().to_string();
        if !dir.is_dir() {
            return Err(vec![RuleError::plain(&display, "not a directory")]);
        }
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            let entries = std::fs::read_dir(&d)
                .map_err(|e| vec![RuleError::plain(&d.display().to_string(), e.to_string())])?;
            for entry in entries {
                let entry = entry
                    .map_err(|e| vec![RuleError::plain(&d.display().to_string(), e.to_string())])?;
                let p = entry.path();
                let ft = entry
                    .file_type()
                    .map_err(|e| vec![RuleError::plain(&p.display().to_string(), e.to_string())])?;
                if ft.is_dir() {
                    stack.push(p);
                } else if ft.is_file() && p.extension().is_some_and(|e| e == "toml") {
                    let text = std::fs::read_to_string(&p).map_err(|e| {
                        vec![RuleError::plain(&p.display().to_string(), e.to_string())]
                    })?;
                    sources.push((p.display().to_string(), text));
                }
            }
        }
        RuleSet::from_sources(sources)
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.rules[i])
            .or_else(|| self.rules.iter().find(|r| r.name == id))
    }

    /// `sha256:<hex>` over every rule file's path and bytes, in path order.
    pub fn digest(&self) -> &Digest {
        &self.digest
    }

    /// The `string` patterns of every matcher, in rule order (by id) and,
    /// within a rule, matcher order: pattern `i` is the `i`-th `string`
    /// matcher met walking [`RuleSet::rules`] that way.
    pub fn string_set(&self) -> &RegexSet {
        &self.string_set
    }

    /// The `text` patterns, in the order of [`RuleSet::string_set`].
    pub fn text_set(&self) -> &RegexSet {
        &self.text_set
    }
}

/// `(rule index, pattern)` of every `string` matcher, in set order.
fn string_patterns(rules: &[Rule]) -> Vec<(usize, &str)> {
    patterns(rules, |m| m.string.as_ref())
}

fn text_patterns(rules: &[Rule]) -> Vec<(usize, &str)> {
    patterns(rules, |m| m.text.as_ref())
}

fn patterns<'r>(
    rules: &'r [Rule],
    of: impl Fn(&'r crate::Matcher) -> Option<&'r regex::Regex>,
) -> Vec<(usize, &'r str)> {
    rules
        .iter()
        .enumerate()
        .flat_map(|(ri, r)| {
            r.matchers
                .iter()
                .filter_map(&of)
                .map(move |re| (ri, re.as_str()))
        })
        .collect()
}

/// The lazy DFA cache of each rule set, per worker thread; filled only
/// as far as the input needs.
const DFA_CACHE_BYTES: usize = 8 << 20;

/// One set of a subject's patterns. When it does not compile, the error
/// names the rule whose patterns tip it over: the first in id order with
/// which the set no longer compiles.
fn compile_set(
    subject: &str,
    patterns: &[(usize, &str)],
    rules: &[Rule],
    sources: &[(String, String)],
) -> Result<RegexSet, RuleError> {
    let build = |n: usize| {
        regex::RegexSetBuilder::new(patterns[..n].iter().map(|p| p.1))
            .dfa_size_limit(DFA_CACHE_BYTES)
            .build()
    };
    let err = match build(patterns.len()) {
        Ok(set) => return Ok(set),
        Err(e) => e,
    };
    // The smallest failing prefix (`hi` always fails).
    let (mut lo, mut hi) = (1, patterns.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if build(mid).is_err() {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let rule = &rules[patterns[hi - 1].0];
    let text = sources
        .iter()
        .find(|(p, _)| *p == rule.source)
        .map_or("", |(_, t)| t.as_str());
    let (line, column) = key_position(text, subject).unzip();
    Err(RuleError {
        path: rule.source.clone(),
        line,
        column,
        message: format!(
            "rule {}: the `{subject}` patterns of all rules, up to this one's, are too large to compile into one set ({}); make its patterns smaller",
            rule.id,
            err.to_string().trim_end()
        ),
    })
}

/// The line and column of the first `key = …` in a rule file.
fn key_position(text: &str, key: &str) -> Option<(u32, u32)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start();
        let rest = trimmed.strip_prefix(key)?;
        rest.trim_start().starts_with('=').then(|| {
            let column = line.len() - trimmed.len() + 1;
            (i as u32 + 1, column as u32)
        })
    })
}

fn collect_embedded(dir: &Dir<'_>, out: &mut Vec<(String, String)>) {
    for f in dir.files() {
        if f.path().extension().is_some_and(|e| e == "toml") {
            let path = format!("scanner-rules/{}", f.path().display());
            out.push((path, f.contents_utf8().unwrap_or_default().to_string()));
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

fn parse_rule(path: &str, text: &str) -> Result<Rule, RuleError> {
    let mut rule: Rule = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => {
                let (l, c) = LineIndex::new(text).position(span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        RuleError {
            path: path.to_string(),
            line,
            column,
            message: e.message().to_string(),
        }
    })?;
    rule.source = path.to_string();
    validate(&rule).map_err(|m| RuleError::plain(path, m))?;
    Ok(rule)
}

fn validate(rule: &Rule) -> Result<(), String> {
    let id_ok = rule.id.len() >= 4
        && rule.id.len() <= 12
        && rule
            .id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && rule
            .id
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())
        && rule.id.chars().last().is_some_and(|c| c.is_ascii_digit());
    if !id_ok {
        return Err(format!(
            "id `{}` must be upper-case letters followed by digits, like `EXEC001`",
            rule.id
        ));
    }
    if rule.name.is_empty()
        || !rule
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(format!("name `{}` must be kebab-case", rule.name));
    }
    if rule.message.trim().is_empty() {
        return Err("`message` is empty".into());
    }
    for (field, text) in [
        ("docs.what", &rule.docs.what),
        ("docs.why", &rule.docs.why),
        ("docs.example", &rule.docs.example),
    ] {
        if text.trim().len() < 10 {
            return Err(format!(
                "`{field}` is missing or too short to help a reader"
            ));
        }
    }
    if rule.matchers.is_empty() {
        return Err("a rule needs at least one `[[match]]`".into());
    }
    if rule.described.is_some() != rule.described_severity.is_some() {
        return Err(
            "`described` and `described-severity` go together: give both or neither".into(),
        );
    }
    for (i, m) in rule.matchers.iter().enumerate() {
        let subjects = m.subjects();
        if subjects.len() != 1 {
            return Err(format!(
                "`[[match]]` #{} names {} subjects ({}); name exactly one of {}",
                i + 1,
                subjects.len(),
                subjects.join(", "),
                crate::SUBJECTS.join(", ")
            ));
        }
        if m.undeclared.is_some() && !matches!(subjects[0], "call" | "member" | "command") {
            return Err(format!(
                "`[[match]]` #{}: `undeclared` applies to `call`, `member` or `command` matchers",
                i + 1
            ));
        }
        if (!m.except.is_empty() || m.name.is_some())
            && m.undeclared.is_none()
            && !matches!(subjects[0], "call" | "member")
        {
            return Err(format!(
                "`[[match]]` #{}: `except` and `name` qualify `undeclared`, or the environment variable a `call` or `member` matcher reads",
                i + 1
            ));
        }
        if let Some(flow) = &m.flow
            && (flow.from.is_empty() || flow.to.is_empty())
        {
            return Err(format!(
                "`[[match]]` #{}: a flow needs `from` and `to` (categories, capabilities or roles)",
                i + 1
            ));
        }
    }
    if rule.should_match.is_empty() {
        return Err("a rule needs at least one `[[should-match]]` case".into());
    }
    if rule.should_not_match.is_empty() {
        return Err("a rule needs at least one `[[should-not-match]]` case".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id = "TEST001"
name = "test-rule"
category = "process-exec"
severity = "low"
message = "runs `{match}`"
[[match]]
call = ["os.system"]
[docs]
what = "Flags os.system calls."
why = "They run a shell command."
example = "os.system('ls')"
[[should-match]]
file = "a.py"
code = "import os\nos.system('ls')"
[[should-not-match]]
file = "a.py"
code = "print(1)"
"#;

    #[test]
    fn builtin_rules_load_and_validate() {
        let set = RuleSet::builtin().unwrap_or_else(|errs| {
            panic!(
                "{}",
                errs.iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert!(set.rules().len() >= 20, "expected the built-in rule set");
        assert!(set.digest().starts_with("sha256:"));
    }

    #[test]
    fn duplicate_ids_are_rejected() {
        let second = GOOD.replace("test-rule", "other-rule");
        let errs = RuleSet::from_sources(vec![
            ("a.toml".into(), GOOD.into()),
            ("b.toml".into(), second),
        ])
        .unwrap_err();
        assert!(
            errs[0].message.contains("already used by a.toml"),
            "{errs:?}"
        );
    }

    #[test]
    fn missing_docs_are_rejected() {
        let text = GOOD.replace("why = \"They run a shell command.\"", "why = \"\"");
        let errs = RuleSet::from_sources(vec![("a.toml".into(), text)]).unwrap_err();
        assert!(errs[0].message.contains("docs.why"), "{errs:?}");
    }

    #[test]
    fn missing_cases_are_rejected() {
        let cut = GOOD
            .split("[[should-not-match]]")
            .next()
            .unwrap()
            .to_string();
        let errs = RuleSet::from_sources(vec![("a.toml".into(), cut)]).unwrap_err();
        assert!(errs[0].message.contains("should-not-match"), "{errs:?}");
    }

    #[test]
    fn syntax_errors_point_at_line_and_column() {
        let text = GOOD.replace("severity = \"low\"", "severity = \"loud\"");
        let errs = RuleSet::from_sources(vec![("a.toml".into(), text)]).unwrap_err();
        assert_eq!(errs[0].line, Some(5), "{errs:?}");
        assert!(errs[0].to_string().starts_with("a.toml:5:"), "{}", errs[0]);
    }

    #[test]
    fn matcher_with_two_subjects_is_rejected() {
        let text = GOOD.replace(
            "call = [\"os.system\"]",
            "call = [\"os.system\"]\nimport = [\"os\"]",
        );
        let errs = RuleSet::from_sources(vec![("a.toml".into(), text)]).unwrap_err();
        assert!(errs[0].message.contains("exactly one"), "{errs:?}");
    }

    #[test]
    fn unknown_capability_role_or_file_kind_points_at_line_and_column() {
        // The column is the value's.
        for (field, value, expected, column) in [
            ("capability", "exec-write", "exec-file-write", 14),
            ("role", "decoder", "decode", 8),
        ] {
            let text = GOOD.replace(
                "severity = \"low\"",
                &format!("severity = \"low\"\n{field} = \"{value}\""),
            );
            let errs = RuleSet::from_sources(vec![("a.toml".into(), text)]).unwrap_err();
            assert_eq!(
                (errs[0].line, errs[0].column),
                (Some(6), Some(column)),
                "{errs:?}"
            );
            assert!(errs[0].message.contains(value), "{errs:?}");
            assert!(errs[0].message.contains(expected), "{errs:?}");
        }
        let text = GOOD.replace("call = [\"os.system\"]", "file-kind = [\"elf\", \"exe\"]");
        let errs = RuleSet::from_sources(vec![("a.toml".into(), text)]).unwrap_err();
        assert_eq!(errs[0].line, Some(8), "{errs:?}");
        assert!(errs[0].message.contains("`exe`"), "{errs:?}");
    }

    #[test]
    fn every_role_is_played_by_a_builtin_rule() {
        let set = RuleSet::builtin().expect("built-in rules load");
        for role in skillseal_model::Role::ALL {
            assert!(
                set.rules().iter().any(|r| r.role == Some(*role)),
                "no built-in rule plays the role `{role}`: its combinations in docs/rules.md never hold"
            );
        }
    }

    /// Rule files next to the built-in ones, as `--rules DIR` loads them.
    fn with_builtin(extra: Vec<(String, String)>) -> Result<RuleSet, Vec<RuleError>> {
        let mut sources = Vec::new();
        collect_embedded(&BUILTIN, &mut sources);
        sources.extend(extra);
        RuleSet::from_sources(sources)
    }

    #[test]
    fn string_patterns_too_large_together_are_a_load_error() {
        // Each pattern compiles on its own; together with the built-in
        // `string` patterns they exceed what one set may take. Such a set
        // used to become empty, switching off every `string` rule.
        let big = r"\p{L}{90}";
        let matchers =
            format!("string = '{big}'\n[[match]]\nstring = '{big}'\n[[match]]\nstring = '{big}'");
        let text = GOOD.replace("call = [\"os.system\"]", &matchers);
        let Err(errs) = with_builtin(vec![("custom/big.toml".into(), text)]) else {
            panic!("the rules loaded; the string set cannot have compiled");
        };
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].path, "custom/big.toml", "{errs:?}");
        assert!(errs[0].message.contains("`string`"), "{}", errs[0]);
        assert_eq!(
            (errs[0].line, errs[0].column),
            (Some(8), Some(1)),
            "{errs:?}"
        );
    }

    #[test]
    fn text_patterns_too_large_together_are_a_load_error() {
        let big = r"\p{L}{90}";
        let matchers =
            format!("text = '{big}'\n[[match]]\ntext = '{big}'\n[[match]]\ntext = '{big}'");
        let text = GOOD.replace("call = [\"os.system\"]", &matchers);
        let Err(errs) = with_builtin(vec![("custom/big.toml".into(), text)]) else {
            panic!("the rules loaded; the text set cannot have compiled");
        };
        assert_eq!(errs[0].path, "custom/big.toml", "{errs:?}");
        assert!(errs[0].message.contains("`text`"), "{}", errs[0]);
    }

    #[test]
    fn bad_glob_is_rejected() {
        let text = GOOD.replace("os.system", "os.*tem");
        let errs = RuleSet::from_sources(vec![("a.toml".into(), text)]).unwrap_err();
        assert!(
            errs[0].message.contains("only allowed at the end"),
            "{errs:?}"
        );
    }
}
