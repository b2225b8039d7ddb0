//! Shared tree-sitter plumbing: one parser per language per thread, and an
//! iterative pre-order walk that hands each node its ancestors.

use skillseal_model::Language;
use std::cell::RefCell;
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
        let tree = parser.parse(src, None);
        if tree.is_none() {
            parser.reset();
        }
        tree
    })
}

/// What the walk knows about a node's position.
pub struct Ctx<'t> {
    /// Ancestors, root first; the parent is `ancestors.last()`.
    pub ancestors: &'t [Node<'t>],
    /// The field name this node has in its parent, if any.
    pub field: Option<&'static str>,
}

impl<'t> Ctx<'t> {
    pub fn parent_kind(&self) -> &'static str {
        self.ancestors.last().map_or("", |n| n.kind())
    }

    pub fn is(&self, parent_kind: &str, field: &str) -> bool {
        self.parent_kind() == parent_kind && self.field == Some(field)
    }

    pub fn inside(&self, kind: &str) -> bool {
        self.ancestors
            .iter()
            .rev()
            .take(8)
            .any(|n| n.kind() == kind)
    }
}

/// Visit every node in pre-order without recursion. `visit` returns whether
/// to descend into the node's children.
pub fn walk<'t>(tree: &'t Tree, mut visit: impl FnMut(Node<'t>, &Ctx<'_>) -> bool) {
    let mut cursor = tree.walk();
    let mut ancestors: Vec<Node<'t>> = Vec::new();
    loop {
        let node = cursor.node();
        let descend = {
            let ctx = Ctx {
                ancestors: &ancestors,
                field: cursor.field_name(),
            };
            visit(node, &ctx)
        };
        if descend && cursor.goto_first_child() {
            ancestors.push(node);
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

/// The source text of a node.
pub fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// The child at `field`, if any.
pub fn field<'t>(node: Node<'t>, name: &str) -> Option<Node<'t>> {
    node.child_by_field_name(name)
}

/// Named children, collected (tree-sitter's iterator needs a cursor).
pub fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}
