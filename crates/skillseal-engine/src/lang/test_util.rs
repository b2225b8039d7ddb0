//! Helpers shared by the frontends' unit tests.

use crate::facts::{Fact, FactKind, Origin, Sink};
use skillseal_model::Language;

/// The sink `src` fills when scanned as `lang` from offset 0.
pub fn sink(lang: Language, src: &str) -> Sink {
    let mut sink = Sink::new();
    super::scan_source(lang, src, Origin::Offset(0), &mut sink);
    sink
}

/// The kinds of the facts `src` gives as `lang`, in order.
pub fn facts(lang: Language, src: &str) -> Vec<FactKind> {
    sink(lang, src).facts.into_iter().map(|f| f.kind).collect()
}

/// The callee of every call fact, in order.
pub fn callees(facts: Vec<FactKind>) -> Vec<String> {
    facts
        .into_iter()
        .filter_map(|k| match k {
            FactKind::Call { callee, .. } => Some(callee),
            _ => None,
        })
        .collect()
}

/// The path of every member-access fact, in order.
pub fn members(facts: Vec<FactKind>) -> Vec<String> {
    facts
        .into_iter()
        .filter_map(|k| match k {
            FactKind::Member { path } => Some(path),
            _ => None,
        })
        .collect()
}

/// Assert that every one of `wants` is in `got`.
pub fn assert_has_all(got: &[String], wants: &[&str]) {
    for want in wants {
        assert!(got.iter().any(|x| x == want), "{want} not in {got:?}");
    }
}

/// The first command fact named `name`.
pub fn command<'s>(sink: &'s Sink, name: &str) -> &'s Fact {
    sink.facts
        .iter()
        .find(|f| matches!(&f.kind, FactKind::Command { name: n, .. } if n == name))
        .unwrap_or_else(|| panic!("{name} parsed: {:?}", sink.facts))
}

/// Whether some fact is a command named `name` piped to `to`.
pub fn has_pipe(facts: &[FactKind], name: &str, to: &str) -> bool {
    facts.iter().any(|k| {
        matches!(k, FactKind::Command { name: n, pipe_to, .. }
            if n == name && pipe_to.as_deref() == Some(to))
    })
}
