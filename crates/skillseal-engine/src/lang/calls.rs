//! Values across the functions of one file: a call `f(x)` to a function
//! defined in the same file binds `f`'s parameters to the arguments, and
//! `return e` binds the name `f` to `e`, so [`crate::flow`] follows a
//! secret read in one function through a call into a network call in
//! another (`send(load())`). Only plain-name calls of named functions
//! (`def f`, `function f`, `const f = (…) => …`), matched by name;
//! methods, rest and spread arguments carry nothing. The frontends say
//! what a definition, a parameter and a call look like in their grammar.

use super::Out;
use super::ts::Ctx;
use crate::facts::{Origin, Sink};
use tree_sitter::Node;

/// A function defined in the file: where its definition starts and its
/// parameters in order (`None` for shapes not followed: `*args`,
/// destructuring).
struct Def {
    name: String,
    start: usize,
    params: Vec<Option<String>>,
}

/// A call by plain name: positional argument spans, then keyword ones.
struct Call {
    callee: String,
    positional: Vec<(usize, usize)>,
    keyword: Vec<(String, (usize, usize))>,
}

#[derive(Default)]
pub struct Calls {
    defs: Vec<Def>,
    calls: Vec<Call>,
}

impl Calls {
    /// A function named `name` whose definition is `node`.
    pub fn def(&mut self, name: &str, node: Node<'_>, params: Vec<Option<String>>) {
        self.defs.push(Def {
            name: name.to_string(),
            start: node.start_byte(),
            params,
        });
    }

    /// A call of the plain name `callee`; `keyword` arguments by name.
    pub fn call(
        &mut self,
        callee: &str,
        positional: Vec<(usize, usize)>,
        keyword: Vec<(String, (usize, usize))>,
    ) {
        self.calls.push(Call {
            callee: callee.to_string(),
            positional,
            keyword,
        });
    }

    /// `value` is returned from the function `def` named `name`: the name,
    /// read where the function is called, takes `value`'s value. Bound just
    /// before the definition, so it is seen wherever the definition is
    /// (module level for a top-level function).
    pub fn ret(name: &str, def: Node<'_>, value: Node<'_>, out: &mut Out<'_>) {
        out.sink.bind(
            out.origin,
            name,
            def.start_byte().saturating_sub(1),
            (value.start_byte(), value.end_byte()),
        );
    }

    /// Binds each called function's parameters to its arguments, inside
    /// the function (just after its definition starts).
    pub fn bind(self, origin: Origin, sink: &mut Sink) {
        for call in &self.calls {
            for def in self.defs.iter().filter(|d| d.name == call.callee) {
                let inside = def.start + 1;
                for (param, &span) in def.params.iter().zip(&call.positional) {
                    if let Some(param) = param {
                        sink.bind(origin, param, inside, span);
                    }
                }
                for (key, span) in &call.keyword {
                    if def.params.iter().flatten().any(|p| p == key) {
                        sink.bind(origin, key, inside, *span);
                    }
                }
            }
        }
    }
}

/// The nearest enclosing node of one of `kinds`.
pub fn enclosing<'t>(ctx: &Ctx<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    ctx.ancestors
        .iter()
        .zip(ctx.ancestor_kinds)
        .rev()
        .find(|(_, k)| kinds.contains(k))
        .map(|(n, _)| *n)
}
