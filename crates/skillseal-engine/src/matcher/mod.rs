//! Rule indexes and matching: every fact is looked up in the indexes for its
//! kind, so the cost per fact does not grow with the number of rules.

use crate::budget::Budget;
use crate::facts::{Fact, FactKind, Flows, clip};
use crate::flow::{self, FlowIndex};
use crate::lang::manifest;
use crate::text::{LineIndex, snippet};
use crate::{FileOutcome, SkillContext};
use foldhash::{HashMap, HashSet};
use regex::RegexSet;
use skillseal_model::{Category, Finding, Language, Severity};
use skillseal_rules::{NamePattern, Rule, RuleSet};
use std::borrow::Cow;

mod extract;
mod predicates;

use predicates::{applies, near_ok, predicates, undeclared_ok};

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
            // Compiled when the rules loaded; slot `i` below is pattern `i`.
            string_set: set.string_set().clone(),
            string_slots: Vec::new(),
            text_set: set.text_set().clone(),
            text_slots: Vec::new(),
            flow_slots: Vec::new(),
        };
        for (ri, rule) in rules.iter().enumerate() {
            for (mi, m) in rule.matchers.iter().enumerate() {
                let slot = (ri as u32, mi as u32);
                e.call.add(&m.call, slot);
                e.import.add(&m.import, slot);
                e.member.add(&m.member, slot);
                e.command.add(&m.command, slot);
                e.key.add(&m.key, slot);
                for k in &m.file_kind {
                    e.file_kind.entry(k.as_str().into()).or_default().push(slot);
                }
                if m.string.is_some() {
                    e.string_slots.push(slot);
                }
                if m.flow.is_some() {
                    e.flow_slots.push(slot);
                }
                if m.text.is_some() {
                    e.text_slots.push(slot);
                }
            }
        }
        debug_assert_eq!(e.string_set.len(), e.string_slots.len());
        debug_assert_eq!(e.text_set.len(), e.text_slots.len());
        e.rules = rules;
        e
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rules_digest(&self) -> &str {
        &self.digest
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
                    || !not_after_ok(m, subject)
                {
                    continue;
                }
                if let Some(at) = text_lines(m, fact, subject, text) {
                    // A paragraph or block of prose: one finding per line
                    // a match starts on, pointing at that line.
                    let lines = lines.get_or_insert_with(|| LineIndex::new(text));
                    for off in at {
                        if !seen.insert((ri, fact.start + off)) {
                            continue;
                        }
                        let end = subject[off..]
                            .find('\n')
                            .map_or(fact.end, |n| fact.start + off + n);
                        let line = Fact {
                            start: fact.start + off,
                            end,
                            ..fact.clone()
                        };
                        out.push(self.finding(rule, path, lines, &line, &subject[off..], ctx));
                        hits.push((fi, ri));
                    }
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
                out.push(self.finding(rule, path, lines, fact, subject, ctx));
                hits.push((fi, ri));
            }
        }
        if !hits.is_empty() && !self.flow_slots.is_empty() {
            self.match_flows(path, text, facts, flows, &hits, &mut seen, &mut out, ctx);
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
        ctx: &SkillContext,
    ) {
        let named = |ri: u32, names: &[String]| {
            let r = &self.rules[ri as usize];
            names.iter().any(|n| {
                n == r.category.as_str()
                    || r.capability.is_some_and(|c| c.as_str() == n)
                    || r.role.is_some_and(|x| x.as_str() == n)
            })
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
                if spec.not_to_loopback && only_loopback_urls(facts, &spans) {
                    continue;
                }
                if spec.to_undeclared_host && !undeclared_host(facts, &spans, ctx) {
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
                out.push(self.finding(rule, path, lines, sink, &subject, ctx));
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
        ctx: &SkillContext,
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
        } else if let Some(reference) = rule.reference_severity
            && !fact.decoded
            && crate::detect::is_reference(path)
            && !ctx.followed.contains(path)
        {
            message.push_str(" (in reference material)");
            reference
        } else if let (Some(described), Some(severity)) = (&rule.described, rule.described_severity)
        {
            // What the skill says it is for, or an instruction off its
            // purpose.
            match ctx.description.as_deref() {
                Some(d) if described.is_match(d) => {
                    message.push_str(" (the skill's description says it does this)");
                    severity
                }
                Some(_) => {
                    message.push_str(" (nothing in the skill's description says it does this)");
                    rule.severity
                }
                None => rule.severity,
            }
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
            snippet: snippet(
                lines.line_text(line),
                fact.start.saturating_sub(lines.line_start(line)),
            ),
            capability: rule.capability,
            role: rule.role,
            suppression: None,
        }
    }
}

/// For a `text` match on prose of several lines that is the file's own
/// text, the offsets (in `subject`) of the lines matches start on, in
/// order, each once; `None` for anything else (one finding at the fact).
fn text_lines(
    m: &skillseal_rules::Matcher,
    fact: &Fact,
    subject: &str,
    text: &str,
) -> Option<Vec<usize>> {
    let pattern = m.text.as_ref()?;
    if !subject.contains('\n') || text.get(fact.start..fact.end) != Some(subject) {
        return None;
    }
    let mut at: Vec<usize> = Vec::new();
    for found in pattern.find_iter(subject) {
        if crate::budget::tick() {
            break;
        }
        if m.not_after
            .as_ref()
            .is_some_and(|before| before.is_match(&subject[..found.start()]))
        {
            continue;
        }
        let line = subject[..found.start()].rfind('\n').map_or(0, |i| i + 1);
        if at.last() != Some(&line) {
            at.push(line);
        }
    }
    (!at.is_empty()).then_some(at)
}

/// `not-after`: some match of the matcher's `text` or `string` pattern in
/// `subject` is not preceded by what `not-after` names.
fn not_after_ok(m: &skillseal_rules::Matcher, subject: &str) -> bool {
    let (Some(before), Some(pattern)) = (&m.not_after, m.text.as_ref().or(m.string.as_ref()))
    else {
        return true;
    };
    pattern
        .find_iter(subject)
        .any(|found| !before.is_match(&subject[..found.start()]))
}

/// Whether the strings inside `spans` name URLs and every one is on this
/// machine, and no other string there looks like a host name (a value
/// that swaps the host in, `url.replace("127.0.0.1", "evil.example")`,
/// keeps the flow).
fn only_loopback_urls(facts: &[Fact], spans: &[(usize, usize)]) -> bool {
    let mut any_url = false;
    for f in facts.iter().filter(|f| flow::inside(f, spans)) {
        if crate::budget::tick() {
            // Out of budget: keep the flow (fail closed).
            return false;
        }
        let FactKind::Str { value } = &f.kind else {
            continue;
        };
        let host = match value.split_once("://") {
            Some((_, rest)) => {
                any_url = true;
                let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
                authority.rsplit_once('@').map_or(authority, |(_, h)| h)
            }
            None if looks_like_host(value) => value.as_str(),
            None => continue,
        };
        let name = match host.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => host.split(':').next().unwrap_or(host),
        };
        let local = name == "localhost"
            || name == "::1"
            || name
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback());
        if !local {
            return false;
        }
    }
    any_url
}

/// Whether the strings inside `spans` name a URL whose host is neither on
/// this machine nor named by the skill's `SKILL.md`
/// ([`SkillContext::names_host`]).
fn undeclared_host(facts: &[Fact], spans: &[(usize, usize)], ctx: &SkillContext) -> bool {
    facts.iter().filter(|f| flow::inside(f, spans)).any(|f| {
        let FactKind::Str { value } = &f.kind else {
            return false;
        };
        let Some(host) = crate::url_host(value) else {
            return false;
        };
        let local = host == "localhost"
            || host == "::1"
            || host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback());
        !local && !ctx.names_host(&host)
    })
}

/// `evil.example`, `203.0.113.9`: a bare dotted name.
fn looks_like_host(s: &str) -> bool {
    s.contains('.')
        && !s.starts_with('.')
        && !s.ends_with('.')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b':')
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

/// The flag raised about a file over the size limit, which is not scanned.
pub const TOO_LARGE: &str = "too-large";

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
    TOO_LARGE,
];

#[cfg(test)]
mod tests;
