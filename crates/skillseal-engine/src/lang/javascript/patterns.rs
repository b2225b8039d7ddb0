//! Names bound by JavaScript patterns: import clauses, destructuring
//! declarations (`const {exec: run} = require('child_process')`), and the
//! keys an object pattern reads.

use super::Js;
use crate::lang::Out;
use crate::lang::ts::{self, Ctx, Target};
use tree_sitter::Node;

/// Nodes of one destructuring pattern followed for bindings.
const MAX_PATTERN_NODES: usize = 64;

impl Js<'_> {
    /// Record that the names `left` assigns (a name, a destructuring
    /// pattern, a member or subscript of a name) take the value at `from`.
    pub(super) fn bind_flow(&self, left: Node<'_>, from: Node<'_>, pos: usize, out: &mut Out<'_>) {
        let span = (from.start_byte(), from.end_byte());
        let names = ts::bound_names(left, MAX_PATTERN_NODES, |n| match ts::kind(n) {
            "identifier" | "shorthand_property_identifier_pattern" => Target::Name,
            "object_pattern" | "array_pattern" | "rest_pattern" => {
                Target::Inside(ts::named_children(n))
            }
            "pair_pattern" => Target::Inside(ts::field(n, "value").into_iter().collect()),
            "object_assignment_pattern" | "assignment_pattern" => {
                Target::Inside(ts::field(n, "left").into_iter().collect())
            }
            "member_expression" | "subscript_expression" => {
                Target::Inside(ts::field(n, "object").into_iter().collect())
            }
            "parenthesized_expression" => Target::Inside(n.named_child(0).into_iter().collect()),
            _ => Target::Nothing,
        });
        for n in names {
            out.sink.bind(out.origin, self.text(n), pos, span);
        }
    }

    pub(super) fn bind_import_clause(&mut self, clause: Node<'_>, module: &str) {
        for part in ts::named_children(clause) {
            match ts::kind(part) {
                "identifier" => {
                    self.aliases
                        .insert(self.text(part).to_string(), module.to_string());
                }
                "namespace_import" => {
                    if let Some(id) = ts::named_children(part)
                        .into_iter()
                        .find(|c| ts::kind(*c) == "identifier")
                    {
                        self.aliases
                            .insert(self.text(id).to_string(), module.to_string());
                    }
                }
                "named_imports" => {
                    for spec in ts::named_children(part) {
                        if ts::kind(spec) != "import_specifier" {
                            continue;
                        }
                        let Some(name) = ts::field(spec, "name") else {
                            continue;
                        };
                        let local = ts::field(spec, "alias").unwrap_or(name);
                        let imported = self.string_value(name);
                        self.aliases
                            .insert(self.text(local).to_string(), format!("{module}.{imported}"));
                    }
                }
                _ => {}
            }
        }
    }

    /// Bind the names a declaration pattern introduces to paths under `base`.
    pub(super) fn bind_pattern(&mut self, pattern: Node<'_>, base: &str) {
        match ts::kind(pattern) {
            "identifier" => {
                self.aliases
                    .insert(self.text(pattern).to_string(), base.to_string());
            }
            "object_pattern" => {
                for p in ts::named_children(pattern) {
                    match ts::kind(p) {
                        "shorthand_property_identifier_pattern" => {
                            let n = self.text(p);
                            self.aliases.insert(n.to_string(), format!("{base}.{n}"));
                        }
                        "pair_pattern" => {
                            let (Some(k), Some(v)) = (ts::field(p, "key"), ts::field(p, "value"))
                            else {
                                continue;
                            };
                            let key = self.string_value(k);
                            let v = if ts::kind(v) == "assignment_pattern" {
                                match ts::field(v, "left") {
                                    Some(l) => l,
                                    None => continue,
                                }
                            } else {
                                v
                            };
                            if ts::kind(v) == "identifier" {
                                self.aliases
                                    .insert(self.text(v).to_string(), format!("{base}.{key}"));
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// The value of `const {a, b} = <value>` (with no `...rest`): the keys
    /// are reported one by one instead of the whole object.
    pub(super) fn is_binding_site(&self, ctx: &Ctx<'_>) -> bool {
        if !ctx.is("variable_declarator", "value") {
            return false;
        }
        ctx.ancestors
            .last()
            .and_then(|d| ts::field(*d, "name"))
            .is_some_and(|name| {
                ts::kind(name) == "object_pattern"
                    && !ts::named_children(name)
                        .iter()
                        .any(|p| ts::kind(*p) == "rest_pattern")
            })
    }

    /// The keys an object pattern reads, with the node to report each at.
    pub(super) fn pattern_keys<'t>(&self, pattern: Node<'t>) -> Vec<(String, Node<'t>)> {
        let mut out = Vec::new();
        for p in ts::named_children(pattern) {
            match ts::kind(p) {
                "shorthand_property_identifier_pattern" => out.push((self.text(p).to_string(), p)),
                "pair_pattern" => {
                    if let Some(k) = ts::field(p, "key") {
                        out.push((self.string_value(k), p));
                    }
                }
                "object_assignment_pattern" => {
                    if let Some(l) = ts::field(p, "left") {
                        out.push((self.text(l).to_string(), p));
                    }
                }
                _ => {}
            }
        }
        out
    }
}
