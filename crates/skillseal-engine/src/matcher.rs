//! Rule indexes and matching: every fact is looked up in the indexes for its
//! kind, so the cost per fact does not grow with the number of rules.

use crate::budget::Budget;
use crate::facts::{Arg, Fact, FactKind, Flows, Origin, Sink, clip};
use crate::flow::{self, FlowIndex};
use crate::lang::{self, manifest};
use crate::text::{LineIndex, snippet};
use crate::{FileOutcome, SkillContext, detect, is_skill_manifest};
use foldhash::{HashMap, HashSet};
use regex::RegexSet;
use skillseal_model::{Category, Finding, Language, Severity};
use skillseal_rules::{ArgKind, Matcher, NamePattern, Rule, RuleSet, Undeclared};
use std::borrow::Cow;

type Slot = (u32, u32); // (rule index, matcher index)

#[derive(Debug, Default)]
struct NameIndex {
    exact: HashMap<String, Vec<Slot>>,
    prefix: Vec<(String, Slot)>,
}

impl NameIndex {
    fn add(&mut self, pats: &[NamePattern], slot: Slot) {
        for p in pats {
            match p {
                NamePattern::Exact(e) => self.exact.entry(e.clone()).or_default().push(slot),
                NamePattern::Prefix(pre) => self.prefix.push((pre.clone(), slot)),
            }
        }
    }

    fn lookup(&self, name: &str, out: &mut Vec<Slot>) {
        if let Some(v) = self.exact.get(name) {
            out.extend_from_slice(v);
        }
        for (p, slot) in &self.prefix {
            if name.starts_with(p.as_str()) {
                out.push(*slot);
            }
        }
    }
}

/// Compiled rules: built once, shared by every worker thread.
#[derive(Debug)]
pub struct Engine {
    rules: Vec<Rule>,
    digest: String,
    call: NameIndex,
    import: NameIndex,
    member: NameIndex,
    command: NameIndex,
    key: NameIndex,
    file_kind: HashMap<String, Vec<Slot>>,
    string_set: RegexSet,
    string_slots: Vec<Slot>,
    text_set: RegexSet,
    text_slots: Vec<Slot>,
    flow_slots: Vec<Slot>,
}

/// What [`Engine::facts`] extracts from a file.
#[derive(Debug)]
pub struct Extracted<'b> {
    /// The text the facts' offsets refer to.
    pub text: Cow<'b, str>,
    pub facts: Vec<Fact>,
    pub flows: Flows,
    /// Set when the file is the skill's manifest (`SKILL.md`).
    pub manifest: Option<manifest::SkillManifest>,
}

/// Longest string a regex subject sees; longer literals are clipped.
const MAX_SUBJECT: usize = 1 << 20;

impl Engine {
    pub fn new(set: &RuleSet) -> Engine {
        let rules = set.rules().to_vec();
        let mut e = Engine {
            rules: Vec::new(),
            digest: set.digest().to_string(),
            call: NameIndex::default(),
            import: NameIndex::default(),
            member: NameIndex::default(),
            command: NameIndex::default(),
            key: NameIndex::default(),
            file_kind: HashMap::default(),
            string_set: RegexSet::empty(),
            string_slots: Vec::new(),
            text_set: RegexSet::empty(),
            text_slots: Vec::new(),
            flow_slots: Vec::new(),
        };
        let mut string_pats = Vec::new();
        let mut text_pats = Vec::new();
        for (ri, rule) in rules.iter().enumerate() {
            for (mi, m) in rule.matchers.iter().enumerate() {
                let slot = (ri as u32, mi as u32);
                e.call.add(&m.call, slot);
                e.import.add(&m.import, slot);
                e.member.add(&m.member, slot);
                e.command.add(&m.command, slot);
                e.key.add(&m.key, slot);
                for k in &m.file_kind {
                    e.file_kind.entry(k.clone()).or_default().push(slot);
                }
                if let Some(r) = &m.string {
                    string_pats.push(r.as_str().to_string());
                    e.string_slots.push(slot);
                }
                if m.flow.is_some() {
                    e.flow_slots.push(slot);
                }
                if let Some(r) = &m.text {
                    text_pats.push(r.as_str().to_string());
                    e.text_slots.push(slot);
                }
            }
        }
        // The patterns compiled individually when the rules loaded, so the
        // sets compile too; fall back to empty sets rather than panic.
        e.string_set = RegexSet::new(&string_pats).unwrap_or_else(|_| RegexSet::empty());
        e.text_set = RegexSet::new(&text_pats).unwrap_or_else(|_| RegexSet::empty());
        e.rules = rules;
        e
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rules_digest(&self) -> &str {
        &self.digest
    }

    /// Extract a file's facts and the text their offsets refer to.
    pub fn facts<'b>(&self, path: &str, bytes: &'b [u8], ctx: &SkillContext) -> Extracted<'b> {
        let mut sink = Sink::new();
        let name = detect::file_name(path);
        let ext = detect::extension(path).unwrap_or_default();
        let magic = detect::Magic::of(bytes);
        let file_fact = |sink: &mut Sink, kind: &'static str| {
            sink.push(
                Origin::Offset(0),
                Language::Binary,
                0,
                0,
                FactKind::FileKind { kind },
            )
        };
        if let Some(m) = magic {
            if let Some(kind) = m.kind() {
                file_fact(&mut sink, kind);
            }
            if let Some(expected) = detect::expected_magic(&ext) {
                if !expected.contains(&m) {
                    file_fact(&mut sink, "magic-mismatch");
                }
            } else if detect::is_text_extension(&ext) && (m.is_native() || m.is_archive()) {
                file_fact(&mut sink, "magic-mismatch");
            }
            if m == detect::Magic::Pyc && !pyc_has_source(path, ctx) {
                file_fact(&mut sink, "pyc-without-source");
            }
        } else if let Some(expected) = detect::expected_magic(&ext)
            && !bytes.is_empty()
            && !expected.is_empty()
        {
            file_fact(&mut sink, "magic-mismatch");
        }
        if ext == "node" {
            file_fact(&mut sink, "node-addon");
        }
        if magic.is_some() || is_binary(bytes) {
            return Extracted {
                text: Cow::Borrowed(""),
                facts: sink.facts,
                flows: sink.flows,
                manifest: None,
            };
        }

        let text = String::from_utf8_lossy(bytes);
        let lang = detect::language(path, &text);
        let origin = Origin::Offset(0);
        let mut skill_manifest = None;
        match (name.to_ascii_lowercase().as_str(), lang) {
            ("package.json", _) => manifest::package_json(&text, origin, &mut sink),
            ("pyproject.toml", _) => manifest::pyproject(&text, origin, &mut sink),
            (_, Language::Markdown) => {
                if is_skill_manifest(name) {
                    skill_manifest = Some(match manifest::split_front_matter(&text) {
                        Some(fm) => manifest::parse_front_matter(&text, &fm).0,
                        None => manifest::SkillManifest::default(),
                    });
                }
                lang::scan_source(lang, &text, origin, &mut sink);
            }
            (_, Language::Shell) => {
                // An empty file named `.sh` runs nothing.
                if !text.trim().is_empty() {
                    file_fact(&mut sink, "shell-script");
                }
                lang::scan_source(lang, &text, origin, &mut sink);
            }
            (_, Language::Text) => {
                for (start, line) in line_spans(&text) {
                    sink.push(
                        origin,
                        Language::Text,
                        start,
                        start + line.len(),
                        FactKind::Text {
                            text: line.to_string(),
                        },
                    );
                }
            }
            (_, l) => {
                if matches!(l, Language::JavaScript | Language::TypeScript) && is_minified(&text) {
                    file_fact(&mut sink, "minified");
                }
                lang::scan_source(l, &text, origin, &mut sink);
            }
        }
        if !matches!(lang, Language::Markdown | Language::Text) {
            invisible_lines(&text, lang, &mut sink);
        }
        crate::decode::decode_literals(&mut sink);
        Extracted {
            text,
            facts: sink.facts,
            flows: sink.flows,
            manifest: skill_manifest,
        }
    }

    /// Scan one file of a skill under the default [`Budget`]. `path` is
    /// relative to the skill root.
    pub fn scan_file(&self, path: &str, bytes: &[u8], ctx: &SkillContext) -> FileOutcome {
        self.scan_file_within(path, bytes, ctx, Budget::default())
    }

    /// Scan one file of a skill, stopping when `budget` is spent: the
    /// outcome is then marked incomplete and carries the
    /// `not-fully-scanned` finding, with whatever was found before.
    pub fn scan_file_within(
        &self,
        path: &str,
        bytes: &[u8],
        ctx: &SkillContext,
        budget: Budget,
    ) -> FileOutcome {
        let scope = crate::budget::start(budget);
        let x = self.facts(path, bytes, ctx);
        let mut findings = self.match_facts(path, &x.text, &x.facts, &x.flows, ctx);
        mark_inline_suppressions(&x.text, &mut findings);
        let incomplete = scope.spent();
        drop(scope);
        if incomplete {
            findings.extend(self.scan_flag(path, NOT_FULLY_SCANNED));
        }
        FileOutcome {
            findings,
            manifest: x.manifest,
            incomplete,
        }
    }

    /// Match facts against every rule, then the flow rules against what
    /// matched; findings in source order.
    pub fn match_facts(
        &self,
        path: &str,
        text: &str,
        facts: &[Fact],
        flows: &Flows,
        ctx: &SkillContext,
    ) -> Vec<Finding> {
        // Most facts match no rule: the line index is built on the first
        // finding, and subjects are borrowed, not copied.
        let mut lines: Option<LineIndex<'_>> = None;
        let mut seen: HashSet<(u32, usize)> = HashSet::default();
        let mut undeclared_seen: HashSet<(u32, &str)> = HashSet::default();
        let mut out = Vec::new();
        let mut slots = Vec::new();
        // (fact index, rule index) of every finding, for the flow rules.
        let mut hits: Vec<(usize, u32)> = Vec::new();
        for (fi, fact) in facts.iter().enumerate() {
            slots.clear();
            let subject: &str = match &fact.kind {
                FactKind::Call { callee, .. } => {
                    self.call.lookup(callee, &mut slots);
                    callee
                }
                FactKind::Import { module } => {
                    self.import.lookup(module, &mut slots);
                    module
                }
                FactKind::Member { path } => {
                    self.member.lookup(path, &mut slots);
                    path
                }
                FactKind::Command { name, .. } => {
                    self.command.lookup(name, &mut slots);
                    name
                }
                FactKind::Key { key, value } => {
                    self.key.lookup(key, &mut slots);
                    key_subject(key, value)
                }
                FactKind::FileKind { kind } => {
                    if let Some(v) = self.file_kind.get(*kind) {
                        slots.extend_from_slice(v);
                    }
                    kind
                }
                FactKind::Str { value } => {
                    let v = clip(value, MAX_SUBJECT);
                    slots.extend(
                        self.string_set
                            .matches(v)
                            .iter()
                            .map(|i| self.string_slots[i]),
                    );
                    v
                }
                FactKind::Text { text } => {
                    let v = clip(text, MAX_SUBJECT);
                    slots.extend(self.text_set.matches(v).iter().map(|i| self.text_slots[i]));
                    v
                }
            };
            if slots.is_empty() {
                continue;
            }
            for &(ri, mi) in &slots {
                let rule = &self.rules[ri as usize];
                let m = &rule.matchers[mi as usize];
                if !applies(rule, path, fact.lang)
                    || !predicates(m, fact)
                    || !near_ok(m, fact)
                    || !undeclared_ok(m, fact, ctx)
                {
                    continue;
                }
                if !seen.insert((ri, fact.start)) {
                    continue;
                }
                // What the manifest does not declare is said once per name
                // and file, at its first use.
                if m.undeclared.is_some() && !undeclared_seen.insert((ri, subject)) {
                    continue;
                }
                let lines = lines.get_or_insert_with(|| LineIndex::new(text));
                out.push(self.finding(rule, path, lines, fact, subject));
                hits.push((fi, ri));
            }
        }
        if !hits.is_empty() && !self.flow_slots.is_empty() {
            self.match_flows(path, text, facts, flows, &hits, &mut seen, &mut out);
        }
        out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        out
    }

    /// Flow rules: a fact found by a `from` rule inside the value of a fact
    /// found by a `to` rule (see [`crate::flow`]).
    #[allow(clippy::too_many_arguments)]
    fn match_flows(
        &self,
        path: &str,
        text: &str,
        facts: &[Fact],
        flows: &Flows,
        hits: &[(usize, u32)],
        seen: &mut HashSet<(u32, usize)>,
        out: &mut Vec<Finding>,
    ) {
        let named = |ri: u32, names: &[String]| {
            let r = &self.rules[ri as usize];
            names
                .iter()
                .any(|n| n == r.category.as_str() || r.capability.as_deref() == Some(n.as_str()))
        };
        let mut index: Option<FlowIndex<'_>> = None;
        let mut lines: Option<LineIndex<'_>> = None;
        for &(ri, mi) in &self.flow_slots {
            let rule = &self.rules[ri as usize];
            let Some(spec) = &rule.matchers[mi as usize].flow else {
                continue;
            };
            let pick = |names: &[String]| -> Vec<usize> {
                let mut v: Vec<usize> = hits
                    .iter()
                    .filter(|(_, r)| named(*r, names))
                    .map(|(f, _)| *f)
                    .collect();
                v.dedup();
                v
            };
            let sources = pick(&spec.from);
            if sources.is_empty() {
                continue;
            }
            let sinks = pick(&spec.to);
            let with = pick(&spec.with);
            if sinks.is_empty() || (!spec.with.is_empty() && with.is_empty()) {
                continue;
            }
            let index = index.get_or_insert_with(|| FlowIndex::new(flows));
            for &si in &sinks {
                if crate::budget::is_spent() {
                    return;
                }
                let sink = &facts[si];
                if !applies(rule, path, sink.lang) {
                    continue;
                }
                let spans = index.reaching((sink.start, sink.end));
                let Some(&src) = sources.iter().find(|&&f| {
                    !crate::budget::tick() && f != si && flow::inside(&facts[f], &spans)
                }) else {
                    continue;
                };
                if !spec.with.is_empty()
                    && !with
                        .iter()
                        .any(|&f| f != src && flow::inside(&facts[f], &spans))
                {
                    continue;
                }
                if !seen.insert((ri, sink.start)) {
                    continue;
                }
                let subject = format!(
                    "{} → {}",
                    clip(subject_of(&facts[src]), 60),
                    clip(subject_of(sink), 60)
                );
                let lines = lines.get_or_insert_with(|| LineIndex::new(text));
                out.push(self.finding(rule, path, lines, sink, &subject));
            }
        }
    }

    fn finding(
        &self,
        rule: &Rule,
        path: &str,
        lines: &LineIndex<'_>,
        fact: &Fact,
        subject: &str,
    ) -> Finding {
        let (line, column) = lines.position(fact.start);
        let (end_line, end_column) = lines.position(fact.end.max(fact.start));
        let shown = clip(subject, 80);
        let shown = shown.lines().next().unwrap_or("");
        let value = match &fact.kind {
            FactKind::Key { value, .. } => clip(value, 120),
            _ => "",
        };
        let mut message = rule
            .message
            .replace("{match}", shown)
            .replace("{value}", value);
        if fact.decoded {
            message.push_str(" (decoded from an encoded or assembled string)");
        }
        // Hidden text is hidden wherever it sits: it is never an example.
        let severity = if fact.quoted && rule.category != Category::HiddenText {
            message.push_str(" (quoted as an example)");
            Severity::Info
        } else {
            rule.severity
        };
        Finding {
            rule: rule.id.clone(),
            category: rule.category,
            severity,
            file: path.to_string(),
            line,
            column,
            end_line,
            end_column,
            message,
            snippet: snippet(lines.line_text(line), column),
            capability: rule.capability.clone(),
            suppression: None,
        }
    }
}

/// `skillseal: allow(RULE) reason` on a finding's line or the line above.
fn mark_inline_suppressions(text: &str, findings: &mut [Finding]) {
    if findings.is_empty() || memchr::memmem::find(text.as_bytes(), b"skillseal:").is_none() {
        return;
    }
    let lines = LineIndex::new(text);
    for f in findings {
        let reason = [f.line, f.line.saturating_sub(1)]
            .into_iter()
            .filter(|l| *l >= 1)
            .find_map(|l| crate::policy::inline_allow(lines.line_text(l), &f.rule));
        if let Some(reason) = reason {
            f.suppression = Some(skillseal_model::Suppression {
                by: skillseal_model::SuppressedBy::Inline,
                reason,
            });
        }
    }
}

/// What a finding on a key shows: a manifest key by name, a property the
/// frontends found in code (`code:mail-bcc`, `code:self-write`) by value.
fn key_subject<'a>(key: &'a str, value: &'a str) -> &'a str {
    if key.starts_with("code:") { value } else { key }
}

/// The name or value a fact is matched on.
fn subject_of(fact: &Fact) -> &str {
    match &fact.kind {
        FactKind::Call { callee, .. } => callee,
        FactKind::Import { module } => module,
        FactKind::Member { path } => path,
        FactKind::Command { name, .. } => name,
        FactKind::Key { key, value } => key_subject(key, value),
        FactKind::FileKind { kind } => kind,
        FactKind::Str { value } => value,
        FactKind::Text { text } => text,
    }
}

/// Lines of code or data that hold invisible or direction-changing
/// characters (zero-width, bidi controls, tag characters, variation
/// selectors) become text facts, so the hidden-text rules see them in
/// comments and identifiers too, not only in string literals.
fn invisible_lines(text: &str, lang: Language, sink: &mut Sink) {
    // Every such character is encoded with a lead byte of 0xE2 (U+2000
    // block), 0xEF (U+FE00 block, U+FEFF) or 0xF3 (U+E0000 planes).
    let bytes = text.as_bytes();
    if !bytes.iter().any(|b| matches!(b, 0xE2 | 0xEF | 0xF3)) {
        return;
    }
    for (start, line) in line_spans(text) {
        if line.chars().any(is_invisible) {
            sink.push(
                Origin::Offset(0),
                lang,
                start,
                start + line.len(),
                FactKind::Text {
                    text: line.to_string(),
                },
            );
        }
    }
}

fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' | '\u{FE00}'..='\u{FE0E}' | '\u{E0000}'..='\u{E01EF}')
}

/// The rule's language and file filters.
fn applies(rule: &Rule, path: &str, lang: Language) -> bool {
    if !rule.languages.is_empty() && !rule.languages.iter().any(|l| l.family() == lang.family()) {
        return false;
    }
    if !rule.files.is_empty()
        && !rule
            .files
            .iter()
            .any(|f| path == f || path.ends_with(&format!("/{f}")))
    {
        return false;
    }
    true
}

fn predicates(m: &Matcher, fact: &Fact) -> bool {
    match &fact.kind {
        FactKind::Call { args, kwargs, .. } => {
            for (name, want) in &m.kwarg {
                let ok = kwargs
                    .iter()
                    .any(|(k, v)| k == name && (want == "*" || v == want));
                if !ok {
                    return false;
                }
            }
            if let Some(kind) = m.first_arg {
                let is_lit = matches!(args.first(), Some(Arg::Literal(_)));
                let has = !args.is_empty();
                match kind {
                    ArgKind::Literal if !is_lit => return false,
                    ArgKind::Dynamic if !has || is_lit => return false,
                    _ => {}
                }
            }
            if let Some(re) = &m.arg
                && !args.iter().filter_map(Arg::literal).any(|a| re.is_match(a))
            {
                return false;
            }
            if let Some(re) = &m.not_arg
                && args.iter().filter_map(Arg::literal).any(|a| re.is_match(a))
            {
                return false;
            }
            if let Some(re) = &m.arg_source {
                let dynamic = args.iter().filter_map(|a| match a {
                    Arg::Dynamic(src) => Some(src.as_str()),
                    Arg::Literal(_) => None,
                });
                let keyword = kwargs.iter().map(|(_, v)| v.as_str());
                if !dynamic.chain(keyword).any(|a| re.is_match(a)) {
                    return false;
                }
            }
            true
        }
        FactKind::Command { args, pipe_to, .. } => {
            for re in [&m.arg, &m.arg_source].into_iter().flatten() {
                if !args.iter().any(|a| re.is_match(a)) {
                    return false;
                }
            }
            if let Some(re) = &m.not_arg
                && args.iter().any(|a| re.is_match(a))
            {
                return false;
            }
            if !m.pipe_to.is_empty() {
                let Some(next) = pipe_to else {
                    return false;
                };
                if !m.pipe_to.iter().any(|p| p.matches(next)) {
                    return false;
                }
            }
            true
        }
        FactKind::Key { value, .. } => m.value.as_ref().is_none_or(|re| re.is_match(value)),
        _ => true,
    }
}

/// The `near` predicate: some word imitates a listed name.
/// The `undeclared` predicate: the variable read or program run is not in
/// what the skill declares (see [`skillseal_rules::Matcher::undeclared`]).
fn undeclared_ok(m: &Matcher, fact: &Fact, ctx: &SkillContext) -> bool {
    let Some(what) = m.undeclared else {
        return true;
    };
    let Some(declared) = &ctx.declared else {
        return false;
    };
    let name = match (&fact.kind, what) {
        (FactKind::Member { path }, Undeclared::Env) => {
            path.rsplit(['.', '$']).next().unwrap_or(path)
        }
        (FactKind::Call { args, .. }, Undeclared::Env) => match args.first() {
            Some(Arg::Literal(name)) => name.as_str(),
            _ => return false,
        },
        (FactKind::Command { name, .. }, Undeclared::Bin) => name.as_str(),
        _ => return false,
    };
    let plausible = !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.+".contains(&b));
    let set = match what {
        Undeclared::Env => &declared.env,
        Undeclared::Bin => &declared.bins,
    };
    // A program the skill ships (`bin/tool`, `scripts/run.sh`) is its own.
    let shipped =
        what == Undeclared::Bin && ctx.files.iter().any(|f| f.rsplit('/').next() == Some(name));
    plausible
        && !shipped
        && !set.contains(name)
        && m.name.as_ref().is_none_or(|re| re.is_match(name))
        && !m.except.iter().any(|e| e.matches(name))
}

fn near_ok(m: &Matcher, fact: &Fact) -> bool {
    if m.near.is_empty() {
        return true;
    }
    let words: Vec<&str> = match &fact.kind {
        FactKind::Call { args, .. } => args.iter().filter_map(Arg::literal).collect(),
        FactKind::Command { args, .. } => args.iter().map(String::as_str).collect(),
        FactKind::Key { value, .. } => vec![value.as_str()],
        _ => return false,
    };
    words.iter().any(|w| imitates(w, &m.near))
}

/// Whether `word` (without a version suffix) is a near miss of a name.
pub(crate) fn imitates(word: &str, names: &[String]) -> bool {
    let w = word.trim().to_ascii_lowercase();
    // `pkg@latest`, `pkg==1.2`, `pkg>=1`, `@scope/pkg@1` → the name.
    let w = match w.strip_prefix('@') {
        Some(rest) => match rest.find('@') {
            Some(i) => w[..i + 1].to_string(),
            None => w.clone(),
        },
        None => w
            .split(['@', '=', '>', '<', '~', '!', '['])
            .next()
            .unwrap_or("")
            .to_string(),
    };
    if w.len() < 5 || w.len() > 64 || w.contains(['/', ':', ' ']) && !w.starts_with('@') {
        return false;
    }
    if names.contains(&w) {
        return false;
    }
    names.iter().any(|n| {
        if n.len() < 5 {
            return false;
        }
        let limit = if n.len() >= 8 { 2 } else { 1 };
        n.len().abs_diff(w.len()) <= limit && strsim::osa_distance(n, &w) <= limit
    })
}

fn pyc_has_source(path: &str, ctx: &SkillContext) -> bool {
    // `pkg/__pycache__/mod.cpython-311.pyc` → `pkg/mod.py`; `mod.pyc` → `mod.py`
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let stem = name.split('.').next().unwrap_or(name);
    let dir = dir.strip_suffix("__pycache__").unwrap_or(dir);
    let dir = dir.trim_end_matches('/');
    let candidate = if dir.is_empty() {
        format!("{stem}.py")
    } else {
        format!("{dir}/{stem}.py")
    };
    ctx.files.contains(&candidate)
}

/// Content with NUL bytes in its first 8 KiB is binary.
fn is_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

/// A bundle with very long lines reads as minified.
fn is_minified(text: &str) -> bool {
    let lines = text.lines().count().max(1);
    text.len() > 2048 && (text.len() / lines > 500 || text.lines().any(|l| l.len() > 20_000))
}

fn line_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = 0;
    text.split_inclusive('\n').map(move |l| {
        let start = pos;
        pos += l.len();
        (start, l.trim_end_matches(['\n', '\r']))
    })
}

impl Engine {
    /// Findings for a property discovery observed about a package entry
    /// (`archive-traversal`, `archive-link`, `archive-bomb`, `symlink`,
    /// `symlink-escape`, `special-file`), matched by `file-kind` rules.
    pub fn scan_flag(&self, path: &str, kind: &str) -> Vec<Finding> {
        let Some(kind) = DISCOVERY_FLAGS.iter().copied().find(|k| *k == kind) else {
            return Vec::new();
        };
        let fact = Fact {
            kind: FactKind::FileKind { kind },
            lang: Language::Binary,
            start: 0,
            end: 0,
            quoted: false,
            decoded: false,
        };
        self.match_facts(
            path,
            "",
            std::slice::from_ref(&fact),
            &Flows::default(),
            &SkillContext::default(),
        )
    }
}

/// The flag raised about a file whose budget ran out.
pub const NOT_FULLY_SCANNED: &str = "not-fully-scanned";

/// The flags discovery (or the engine's budget) can raise about package
/// entries.
pub const DISCOVERY_FLAGS: &[&str] = &[
    "archive-traversal",
    "archive-link",
    "archive-bomb",
    "symlink",
    "symlink-escape",
    "special-file",
    NOT_FULLY_SCANNED,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(matcher: &str) -> Engine {
        let rule = format!(
            "id = \"T001\"\nname = \"t\"\ncategory = \"fs-write\"\nseverity = \"low\"\nmessage = \"m\"\n[[match]]\n{matcher}\n[docs]\nwhat = \"what it finds\"\nwhy = \"why it matters\"\nexample = \"an example\"\n[[should-match]]\nfile = \"a.py\"\ncode = \"x\"\n[[should-not-match]]\nfile = \"a.py\"\ncode = \"y\"\n"
        );
        let set = RuleSet::from_sources(vec![("t.toml".into(), rule)]).expect("rule loads");
        Engine::new(&set)
    }

    fn fires(e: &Engine, path: &str, code: &str) -> bool {
        !e.scan_file(path, code.as_bytes(), &SkillContext::default())
            .findings
            .is_empty()
    }

    #[test]
    fn arg_source_sees_non_literal_and_keyword_arguments() {
        let e = engine("call = [\"os.chmod\", \"os.open\"]\narg-source = '0o7'");
        assert!(fires(&e, "a.py", "import os\nos.chmod(p, 0o755)"));
        assert!(fires(
            &e,
            "a.py",
            "import os\nos.open(p, flags, mode=0o700)"
        ));
        assert!(!fires(&e, "a.py", "import os\nos.chmod(p, 0o644)"));
        // A string literal's value is not source text.
        assert!(!fires(&e, "a.py", "import os\nos.chmod('0o755', m)"));
        let e = engine("command = [\"chmod\"]\narg-source = '^7'");
        assert!(fires(&e, "a.sh", "chmod 755 x"));
    }

    #[test]
    fn not_arg_rejects_any_matching_argument() {
        let e = engine("command = [\"printenv\", \"env\"]\nnot-arg = '^[^-]'");
        assert!(fires(&e, "a.sh", "printenv"));
        assert!(fires(&e, "a.sh", "env -0 | sort"));
        assert!(!fires(&e, "a.sh", "printenv HOME"));
        let e = engine("call = [\"open\"]\nnot-arg = '^w'");
        assert!(fires(&e, "a.py", "open(p, 'r')"));
        assert!(!fires(&e, "a.py", "open(p, 'w')"));
    }

    #[test]
    fn near_misses_without_versions() {
        let names = ["clawhub".to_string(), "typescript".to_string()];
        assert!(imitates("cllawhub", &names));
        assert!(imitates("clawwhub@latest", &names));
        assert!(imitates("typescirpt==5.0", &names));
        assert!(!imitates("clawhub@1.2.0", &names));
        assert!(!imitates("-g", &names));
        assert!(!imitates("https://clawhub.example.invalid/x", &names));
        assert!(!imitates("completely-different", &names));
    }
}
