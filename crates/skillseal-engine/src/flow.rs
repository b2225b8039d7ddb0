//! Value flow inside one file: which expressions can contribute to the
//! value at a span. Frontends record [`Binding`]s (a name takes the value
//! of an expression: assignment, `+=`, a container write like `d[k] = v`
//! or `list.append(v)`, a `for` target, a pipeline stage) and [`Ref`]s (a
//! name is read). The value at a span is its own text plus, through every
//! name read inside it, the expressions bound to that name earlier in the
//! same function or anywhere at module level, followed transitively.
//!
//! Limits, on purpose: no calls into other functions (a parameter carries
//! nothing in), no fields of objects except through their base name, no
//! flow through files or other processes, and at most [`MAX_SPANS`]
//! expressions per query. It over-approximates inside a function (any
//! earlier binding counts, whatever branch it is on).

use crate::facts::{Binding, Fact, Flows, Ref};
use foldhash::HashMap;

/// Expressions followed per query.
pub const MAX_SPANS: usize = 64;

/// A function body: its span.
type Scope = (usize, usize);

pub struct FlowIndex<'a> {
    refs: Vec<Ref>,
    /// Sorted by start; `parents[i]` is the body enclosing `scopes[i]`.
    scopes: Vec<Scope>,
    parents: Vec<Option<usize>>,
    /// Each name's bindings with the body each sits in, found once here.
    by_name: HashMap<u64, Vec<(&'a Binding, Option<Scope>)>>,
}

impl<'a> FlowIndex<'a> {
    pub fn new(flows: &'a Flows) -> FlowIndex<'a> {
        let mut refs = flows.refs.clone();
        refs.sort_unstable_by_key(|r| r.pos);
        let mut scopes = flows.scopes.clone();
        scopes.sort_unstable();
        scopes.dedup();
        // Bodies nest: the enclosing one of each is the nearest earlier body
        // still open where it starts.
        let mut parents = Vec::with_capacity(scopes.len());
        let mut open: Vec<usize> = Vec::new();
        for (i, s) in scopes.iter().enumerate() {
            while open.last().is_some_and(|&o| scopes[o].1 <= s.0) {
                open.pop();
            }
            parents.push(open.last().copied());
            open.push(i);
        }
        let mut index = FlowIndex {
            refs,
            scopes,
            parents,
            by_name: HashMap::default(),
        };
        for b in &flows.bindings {
            let scope = index.scope_of(b.pos);
            index.by_name.entry(b.name).or_default().push((b, scope));
        }
        index
    }

    /// The innermost function body holding `pos`, if any: from the last body
    /// starting at or before `pos`, out through the enclosing ones (as deep
    /// as bodies nest, not as many as the file has).
    fn scope_of(&self, pos: usize) -> Option<Scope> {
        let n = self.scopes.partition_point(|s| s.0 <= pos);
        let mut i = n.checked_sub(1)?;
        loop {
            let s = self.scopes[i];
            if pos < s.1 {
                return Some(s);
            }
            i = self.parents[i]?;
        }
    }

    /// The spans whose values can reach the value at `span`, `span` first.
    pub fn reaching(&self, span: (usize, usize)) -> Vec<(usize, usize)> {
        let mut spans = vec![span];
        let mut i = 0;
        while i < spans.len() && spans.len() < MAX_SPANS {
            let (s, e) = spans[i];
            i += 1;
            let lo = self.refs.partition_point(|r| r.pos < s);
            for r in self.refs[lo..].iter().take_while(|r| r.pos < e) {
                if crate::budget::tick() {
                    return spans;
                }
                let Some(bs) = self.by_name.get(&r.name) else {
                    continue;
                };
                let scope = self.scope_of(r.pos);
                for &(b, bound_in) in bs {
                    if crate::budget::tick() {
                        return spans;
                    }
                    let visible = if bound_in == scope {
                        b.pos <= r.pos
                    } else {
                        // Module-level names are visible in every function,
                        // whichever comes first in the file.
                        bound_in.is_none()
                    };
                    if visible && !spans.contains(&b.from) && spans.len() < MAX_SPANS {
                        spans.push(b.from);
                    }
                }
            }
        }
        spans
    }
}

/// Whether a fact lies inside one of the spans.
pub fn inside(fact: &Fact, spans: &[(usize, usize)]) -> bool {
    spans.iter().any(|&(s, e)| fact.start >= s && fact.end <= e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(scopes: &[(usize, usize)]) -> Flows {
        Flows {
            scopes: scopes.to_vec(),
            ..Flows::default()
        }
    }

    #[test]
    fn the_innermost_body_is_found_through_the_enclosing_ones() {
        // Two top-level functions, the second with a nested one, in any order.
        let flows = index(&[(50, 100), (0, 40), (60, 80)]);
        let idx = FlowIndex::new(&flows);
        assert_eq!(idx.scope_of(10), Some((0, 40)));
        assert_eq!(idx.scope_of(45), None);
        assert_eq!(idx.scope_of(55), Some((50, 100)));
        assert_eq!(idx.scope_of(70), Some((60, 80)));
        // After the nested body closes, back in the outer one.
        assert_eq!(idx.scope_of(90), Some((50, 100)));
        assert_eq!(idx.scope_of(100), None);
        assert_eq!(idx.scope_of(1_000), None);
    }

    #[test]
    fn module_level_after_many_functions_is_module_level() {
        let scopes: Vec<(usize, usize)> = (0..10_000).map(|i| (i * 10, i * 10 + 5)).collect();
        let flows = index(&scopes);
        let idx = FlowIndex::new(&flows);
        assert_eq!(idx.scope_of(99_999), None);
        assert_eq!(idx.scope_of(99_992), Some((99_990, 99_995)));
        assert_eq!(idx.scope_of(7), None);
    }
}
