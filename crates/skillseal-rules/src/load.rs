use crate::schema::Rule;
use include_dir::{Dir, include_dir};
use sha2::{Digest, Sha256};
use skillseal_model::Category;
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

/// A validated set of rules, sorted by id, with its digest.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Vec<Rule>,
    digest: String,
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
            .filter_map(|r| r.capability.as_deref())
            .collect();
        for r in &rules {
            for flow in r.matchers.iter().filter_map(|m| m.flow.as_ref()) {
                for name in flow.from.iter().chain(&flow.to).chain(&flow.with) {
                    if name.parse::<Category>().is_err() && !capabilities.contains(name.as_str()) {
                        errors.push(RuleError::plain(
                            &r.source,
                            format!(
                                "flow names `{name}`, which is neither a category (docs/taxonomy.md) nor any rule's capability"
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
        Ok(RuleSet {
            rules,
            digest: format!("sha256:{}", hex::encode(hasher.finalize())),
        })
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
    pub fn digest(&self) -> &str {
        &self.digest
    }
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

fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    (line, col)
}

fn parse_rule(path: &str, text: &str) -> Result<Rule, RuleError> {
    let mut rule: Rule = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => {
                let (l, c) = line_col(text, span.start);
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
        if (!m.except.is_empty() || m.name.is_some()) && m.undeclared.is_none() {
            return Err(format!(
                "`[[match]]` #{}: `except` and `name` qualify `undeclared`, which is missing",
                i + 1
            ));
        }
        if let Some(flow) = &m.flow
            && (flow.from.is_empty() || flow.to.is_empty())
        {
            return Err(format!(
                "`[[match]]` #{}: a flow needs `from` and `to` (categories or capabilities)",
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
    fn bad_glob_is_rejected() {
        let text = GOOD.replace("os.system", "os.*tem");
        let errs = RuleSet::from_sources(vec![("a.toml".into(), text)]).unwrap_err();
        assert!(
            errs[0].message.contains("only allowed at the end"),
            "{errs:?}"
        );
    }
}
