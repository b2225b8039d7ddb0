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

pub struct FlowIndex<'a> {
    refs: Vec<Ref>,
    scopes: Vec<(usize, usize)>,
    by_name: HashMap<u64, Vec<&'a Binding>>,
}

impl<'a> FlowIndex<'a> {
    pub fn new(flows: &'a Flows) -> FlowIndex<'a> {
        let mut refs = flows.refs.clone();
        refs.sort_unstable_by_key(|r| r.pos);
        let mut by_name: HashMap<u64, Vec<&Binding>> = HashMap::default();
        for b in &flows.bindings {
            by_name.entry(b.name).or_default().push(b);
        }
        let mut scopes = flows.scopes.clone();
        scopes.sort_unstable();
        FlowIndex {
            refs,
            scopes,
            by_name,
        }
    }

    /// The innermost function body holding `pos`, if any.
    fn scope_of(&self, pos: usize) -> Option<(usize, usize)> {
        let n = self.scopes.partition_point(|s| s.0 <= pos);
        self.scopes[..n].iter().rev().find(|s| pos < s.1).copied()
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
                let Some(bs) = self.by_name.get(&r.name) else {
                    continue;
                };
                let scope = self.scope_of(r.pos);
                for b in bs {
                    let bound_in = self.scope_of(b.pos);
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
