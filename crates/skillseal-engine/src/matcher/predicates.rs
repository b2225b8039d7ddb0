//! What a matcher asks of a fact beyond its name: the rule's language and
//! file filters, argument, path and string predicates, undeclared names and
//! near misses.

use crate::SkillContext;
use crate::facts::{Arg, Fact, FactKind};
use skillseal_model::Language;
use skillseal_rules::{ArgKind, Matcher, NameSet, NearNames, Rule, Undeclared};

/// The rule's language and file filters.
pub(super) fn applies(rule: &Rule, path: &str, lang: Language) -> bool {
    if !rule.languages.is_empty() && !rule.languages.iter().any(|l| l.family() == lang.family()) {
        return false;
    }
    if rule.code_only && crate::detect::is_prose(path) {
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

pub(super) fn predicates(m: &Matcher, fact: &Fact) -> bool {
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
            let every_url = |re: &regex::Regex| {
                let mut urls = args.iter().filter(|a| a.contains("://")).peekable();
                urls.peek().is_some() && urls.all(|a| re.is_match(a))
            };
            if m.urls.as_ref().is_some_and(|re| !every_url(re))
                || m.not_urls.as_ref().is_some_and(every_url)
            {
                return false;
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
        FactKind::Key { value, .. } => {
            m.value.as_ref().is_none_or(|re| re.is_match(value))
                && m.not_value.as_ref().is_none_or(|re| !re.is_match(value))
        }
        // A line of prose or settings: its URLs are the words holding `://`
        // (`index-url = https://…`, `registry=https://…`).
        FactKind::Text { text } => {
            let every_url = |re: &regex::Regex| {
                let mut urls = text
                    .split(|c: char| c.is_whitespace() || "\"'`<>()[]=,;".contains(c))
                    .filter(|w| w.contains("://"))
                    .peekable();
                urls.peek().is_some() && urls.all(|u| re.is_match(u))
            };
            !(m.urls.as_ref().is_some_and(|re| !every_url(re))
                || m.not_urls.as_ref().is_some_and(every_url))
        }
        _ => true,
    }
}

/// The `undeclared` predicate: the variable read or program run is not in
/// what the skill declares (see [`skillseal_rules::Matcher::undeclared`]).
pub(super) fn undeclared_ok(m: &Matcher, fact: &Fact, ctx: &SkillContext) -> bool {
    let Some(what) = m.undeclared else {
        // `name` alone: the environment variable read has such a name.
        return m.name.as_ref().is_none_or(|re| {
            let name = match &fact.kind {
                FactKind::Member { path } => path.rsplit(['.', '$', '[']).next().unwrap_or(path),
                FactKind::Call { args, .. } => match args.first() {
                    Some(Arg::Literal(name)) => name.as_str(),
                    _ => return false,
                },
                _ => return false,
            };
            let name = name.trim_matches(['"', '\'', ']', '{', '}']);
            re.is_match(name) && !m.except.iter().any(|e| e.matches(name))
        });
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

/// The `near` predicate: some word imitates a listed name.
pub(super) fn near_ok(m: &Matcher, fact: &Fact) -> bool {
    if m.near.is_empty() {
        return true;
    }
    let words: Vec<&str> = match &fact.kind {
        FactKind::Call { args, .. } => args.iter().filter_map(Arg::literal).collect(),
        FactKind::Command { args, .. } => args.iter().map(String::as_str).collect(),
        FactKind::Key { value, .. } => vec![value.as_str()],
        _ => return false,
    };
    words.iter().any(|w| imitates(w, &m.near, &m.near_known))
}

/// Whether `word` (without a version suffix) is a near miss of a name and
/// is neither one of them nor a known name.
pub(crate) fn imitates(word: &str, names: &NearNames, known: &NameSet) -> bool {
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
    let w = skillseal_rules::normalize_name(&w);
    // An option (`--save`, `--no-deps`) is not a package name.
    if w.starts_with('-') || names.contains(&w) || known.contains(&w) {
        return false;
    }
    let mask = skillseal_rules::symbol_mask(&w);
    (w.len().saturating_sub(2)..=w.len() + 2).any(|len| {
        names.of_len(len).any(|(m, n)| {
            if n.len() < 5 {
                return false;
            }
            let limit = if n.len() >= 8 { 2 } else { 1 };
            n.len().abs_diff(w.len()) <= limit
                && (m ^ mask).count_ones() as usize <= 2 * limit
                && strsim::osa_distance(n, &w) <= limit
        })
    })
}
