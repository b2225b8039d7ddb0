//! Shared tree-sitter plumbing: one parser per language per thread, and an
//! iterative pre-order walk that hands each node its ancestors.

use foldhash::HashMap;
use skillseal_model::Language;
use std::cell::RefCell;
use std::sync::LazyLock;
use tree_sitter::{Node, Parser, Tree};

thread_local! {
    static PARSERS: RefCell<Vec<(Language, Parser)>> = const { RefCell::new(Vec::new()) };
}

fn grammar(lang: Language) -> Option<tree_sitter::Language> {
    Some(match lang {
        Language::Python => tree_sitter_python::LANGUAGE.into(),
        Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        Language::Shell => tree_sitter_bash::LANGUAGE.into(),
        _ => return None,
    })
}

/// A grammar's node kind and field names, as tables: tree-sitter's own
/// `Node::kind`, `TreeCursor::field_name` and `Node::child_by_field_name`
/// measure a C string, check its UTF-8 or compare every field name on each
/// call, and the walks ask millions of times.
struct Names {
    grammar: tree_sitter::Language,
    kinds: Vec<&'static str>,
    fields: Vec<&'static str>,
    field_ids: HashMap<&'static str, u16>,
}

static NAMES: LazyLock<Vec<Names>> = LazyLock::new(|| {
    [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
        Language::Shell,
    ]
    .into_iter()
    .filter_map(grammar)
    .map(|grammar| {
        let kinds = (0..grammar.node_kind_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| grammar.node_kind_for_id(id))
                    .unwrap_or("")
            })
            .collect();
        // Field ids start at 1; 0 is "no field".
        let fields: Vec<&'static str> = (0..=grammar.field_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| grammar.field_name_for_id(id))
                    .unwrap_or("")
            })
            .collect();
        let field_ids = fields
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.is_empty())
            .filter_map(|(i, f)| Some((*f, u16::try_from(i).ok()?)))
            .collect();
        Names {
            grammar,
            kinds,
            fields,
            field_ids,
        }
    })
    .collect()
});

fn names(node: Node<'_>) -> Option<&'static Names> {
    let lang = node.language();
    NAMES.iter().find(|n| n.grammar == *lang)
}

/// The node's kind (`"call"`, `"string"`...), as `Node::kind` gives it.
pub fn kind(node: Node<'_>) -> &'static str {
    match names(node).and_then(|n| n.kinds.get(usize::from(node.kind_id()))) {
        Some(k) => k,
        #[allow(clippy::disallowed_methods)]
        None => node.kind(),
    }
}

/// Parse `src` with the thread's parser for `lang`. Syntax errors give a
/// tree with `ERROR` nodes; the walk still sees everything that parsed.
pub fn parse(lang: Language, src: &str) -> Option<Tree> {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let idx = match parsers.iter().position(|(l, _)| *l == lang) {
            Some(i) => i,
            None => {
                let mut p = Parser::new();
                p.set_language(&grammar(lang)?).ok()?;
                parsers.push((lang, p));
                parsers.len() - 1
            }
        };
        let parser = &mut parsers[idx].1;
        // The parse reports progress every hundred or so steps; a spent
        // budget cancels it (the caller then has no tree and no facts).
        let bytes = src.as_bytes();
        let mut progress = |_: &tree_sitter::ParseState| crate::budget::tick();
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
        let tree = parser.parse_with_options(
            &mut |at, _| bytes.get(at..).unwrap_or_default(),
            None,
            Some(options),
        );
        if tree.is_none() {
            parser.reset();
        }
        tree
    })
}

/// What the walk knows about a node's position.
pub struct Ctx<'t> {
    /// The node's kind.
    pub kind: &'static str,
    /// Ancestors, root first; the parent is `ancestors.last()`.
    pub ancestors: &'t [Node<'t>],
    /// The ancestors' kinds, in the same order.
    pub ancestor_kinds: &'t [&'static str],
    /// The field name this node has in its parent, if any.
    pub field: Option<&'static str>,
}

impl<'t> Ctx<'t> {
    pub fn parent_kind(&self) -> &'static str {
        self.ancestor_kinds.last().copied().unwrap_or("")
    }

    pub fn is(&self, parent_kind: &str, field: &str) -> bool {
        self.parent_kind() == parent_kind && self.field == Some(field)
    }

    pub fn inside(&self, kind: &str) -> bool {
        self.ancestor_kinds.iter().rev().take(8).any(|k| *k == kind)
    }
}

/// Visit every node in pre-order without recursion. `visit` returns whether
/// to descend into the node's children. Each node's kind and field name are
/// looked up once, here.
pub fn walk<'t>(tree: &'t Tree, mut visit: impl FnMut(Node<'t>, &Ctx<'_>) -> bool) {
    let mut cursor = tree.walk();
    let names = names(tree.root_node());
    let kind_of =
        |node: Node<'_>| match names.and_then(|n| n.kinds.get(usize::from(node.kind_id()))) {
            Some(k) => *k,
            None => kind(node),
        };
    let mut ancestors: Vec<Node<'t>> = Vec::new();
    let mut ancestor_kinds: Vec<&'static str> = Vec::new();
    loop {
        if crate::budget::tick() {
            return;
        }
        let node = cursor.node();
        let node_kind = kind_of(node);
        let descend = {
            let field = match (cursor.field_id(), names) {
                (Some(id), Some(n)) => n.fields.get(usize::from(id.get())).copied(),
                (Some(_), None) => cursor.field_name(),
                (None, _) => None,
            };
            let ctx = Ctx {
                kind: node_kind,
                ancestors: &ancestors,
                ancestor_kinds: &ancestor_kinds,
                field,
            };
            visit(node, &ctx)
        };
        if descend && cursor.goto_first_child() {
            ancestors.push(node);
            ancestor_kinds.push(node_kind);
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            ancestors.pop();
            ancestor_kinds.pop();
        }
    }
}

pub fn count_nodes(tree: &Tree) -> usize {
    let mut n = 0;
    walk(tree, |_, _| {
        n += 1;
        true
    });
    n
}

/// What an assignment target's node is, for [`bound_names`].
pub enum Target<'t> {
    /// A name that takes the value.
    Name,
    /// A pattern, container or member whose inner nodes are targets.
    Inside(Vec<Node<'t>>),
    /// Nothing bound here.
    Nothing,
}

/// The name nodes an assignment target binds (`a`, `a, b`, `{x, y: z}`,
/// `d[k]`, `o.f`), found with an explicit stack of at most `budget` nodes;
/// `target` says what each node is in the caller's grammar.
pub fn bound_names<'t>(
    left: Node<'t>,
    budget: usize,
    target: impl Fn(Node<'t>) -> Target<'t>,
) -> Vec<Node<'t>> {
    let mut names = Vec::new();
    let mut stack = vec![left];
    for _ in 0..budget {
        let Some(n) = stack.pop() else {
            break;
        };
        match target(n) {
            Target::Name => names.push(n),
            Target::Inside(inner) => stack.extend(inner),
            Target::Nothing => {}
        }
    }
    names
}

/// The source text of a node.
pub fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// The child at `field`, if any.
pub fn field<'t>(node: Node<'t>, name: &str) -> Option<Node<'t>> {
    match names(node).and_then(|n| n.field_ids.get(name)) {
        Some(&id) => node.child_by_field_id(id),
        #[allow(clippy::disallowed_methods)]
        None => node.child_by_field_name(name),
    }
}

/// Named children, collected (tree-sitter's iterator needs a cursor).
pub fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables give what tree-sitter's own accessors give, node by
    /// node and field by field, in every grammar.
    #[test]
    #[allow(clippy::disallowed_methods)]
    fn name_tables_agree_with_tree_sitter() {
        let cases = [
            (Language::Python, "import os as o\nx = o.system(f'a {b}')\n"),
            (
                Language::JavaScript,
                "const {exec: run} = require('child_process'); run(`x ${y}`);",
            ),
            (Language::TypeScript, "let a: number = f<T>(b as any);"),
            (
                Language::Tsx,
                "const e = <div onClick={() => go()}>x</div>;",
            ),
            (
                Language::Shell,
                "curl -s https://a.invalid | sh > /tmp/x 2>&1",
            ),
        ];
        for (lang, src) in cases {
            let tree = parse(lang, src).expect("parses");
            let mut seen = 0;
            let mut cursor = tree.walk();
            walk(&tree, |node, ctx| {
                assert_eq!(kind(node), node.kind(), "{lang:?}");
                assert_eq!(ctx.kind, node.kind(), "{lang:?}");
                let parent = ctx.ancestors.last().map_or("", |p| p.kind());
                assert_eq!(ctx.parent_kind(), parent, "{lang:?}");
                for i in 0..node.child_count() {
                    if let Some(name) = node.field_name_for_child(i as u32) {
                        assert_eq!(field(node, name), node.child_by_field_name(name));
                    }
                }
                seen += 1;
                true
            });
            // The walk's field names match the cursor's.
            let mut fields = Vec::new();
            walk(&tree, |_, ctx| {
                fields.push(ctx.field);
                true
            });
            let mut expected = Vec::new();
            loop {
                expected.push(cursor.field_name());
                if cursor.goto_first_child() {
                    continue;
                }
                while !cursor.goto_next_sibling() {
                    if !cursor.goto_parent() {
                        break;
                    }
                }
                if cursor.node() == tree.root_node() {
                    break;
                }
            }
            assert_eq!(fields, expected, "{lang:?}");
            assert!(seen > 5, "{lang:?}");
        }
    }
}
