//! Helpers shared by the frontends' unit tests.

use crate::facts::FactKind;

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
