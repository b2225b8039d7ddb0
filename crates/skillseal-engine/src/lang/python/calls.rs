//! Values across the functions of one file: a call `f(x)` to a function
//! defined in the same file binds `f`'s parameters to the arguments, and
//! `return e` binds the name `f` to `e`, so [`crate::flow`] follows a
//! secret read in one function through a call into a network call in
//! another (`send(load())`). Only plain-name calls and definitions
//! (`def f`), matched by name; methods, `*args` and `**kwargs` carry
//! nothing.

use super::super::Out;
use super::super::ts::{self, Ctx};
use crate::facts::{Origin, Sink};
use tree_sitter::Node;

/// A function defined in the file: where its definition starts and its
/// parameters in order (`None` for `*args`, `**kwargs`, `self`-less
/// shapes it does not follow).
pub(super) struct Def {
    name: String,
    start: usize,
    params: Vec<Option<String>>,
}

/// A call by plain name: positional argument spans, then keyword ones.
pub(super) struct Call {
    callee: String,
    positional: Vec<(usize, usize)>,
    keyword: Vec<(String, (usize, usize))>,
}

#[derive(Default)]
pub(super) struct Calls {
    defs: Vec<Def>,
    calls: Vec<Call>,
}

impl Calls {
    /// `def name(params):`.
    pub(super) fn def(&mut self, node: Node<'_>, src: &str) {
        let Some(name) = ts::field(node, "name") else {
            return;
        };
        let params = ts::field(node, "parameters")
            .map(|p| {
                ts::named_children(p)
                    .into_iter()
                    .map(|param| match ts::kind(param) {
                        "identifier" => Some(ts::text(param, src).to_string()),
                        "default_parameter" | "typed_default_parameter" => {
                            ts::field(param, "name").map(|n| ts::text(n, src).to_string())
                        }
                        "typed_parameter" => ts::named_children(param)
                            .first()
                            .filter(|n| ts::kind(**n) == "identifier")
                            .map(|n| ts::text(*n, src).to_string()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.defs.push(Def {
            name: ts::text(name, src).to_string(),
            start: node.start_byte(),
            params,
        });
    }

    /// `name(args)`, when the callee is a plain name.
    pub(super) fn call(&mut self, node: Node<'_>, function: Node<'_>, src: &str) {
        if ts::kind(function) != "identifier" {
            return;
        }
        let Some(args) = ts::field(node, "arguments").filter(|a| ts::kind(*a) == "argument_list")
        else {
            return;
        };
        let mut call = Call {
            callee: ts::text(function, src).to_string(),
            positional: Vec::new(),
            keyword: Vec::new(),
        };
        for arg in ts::named_children(args) {
            match ts::kind(arg) {
                "keyword_argument" => {
                    if let (Some(k), Some(v)) = (ts::field(arg, "name"), ts::field(arg, "value")) {
                        call.keyword
                            .push((ts::text(k, src).to_string(), (v.start_byte(), v.end_byte())));
                    }
                }
                "list_splat" | "dictionary_splat" => break,
                _ => call.positional.push((arg.start_byte(), arg.end_byte())),
            }
        }
        self.calls.push(call);
    }

    /// `return e` inside `def f`: the name `f`, read where `f` is called,
    /// takes `e`'s value. Bound just before the definition, so it is seen
    /// wherever the definition is (module level for a top-level function).
    pub(super) fn ret(node: Node<'_>, ctx: &Ctx<'_>, src: &str, out: &mut Out<'_>) {
        let Some(value) = node.named_child(0) else {
            return;
        };
        let Some(def) = ctx
            .ancestors
            .iter()
            .zip(ctx.ancestor_kinds)
            .rev()
            .find(|(_, k)| matches!(**k, "function_definition" | "lambda"))
            .map(|(n, _)| *n)
        else {
            return;
        };
        let Some(name) = ts::field(def, "name") else {
            return;
        };
        out.sink.bind(
            out.origin,
            ts::text(name, src),
            def.start_byte().saturating_sub(1),
            (value.start_byte(), value.end_byte()),
        );
    }

    /// Binds each called function's parameters to its arguments, inside
    /// the function (just after its definition starts).
    pub(super) fn bind(self, origin: Origin, sink: &mut Sink) {
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
