//! Rust frontend (`syn`): `use` aliases, resolved path calls with their
//! arguments, string literals (also inside macro bodies).
//!
//! `syn` parses recursively, so input nested deeper than [`MAX_NESTING`] is
//! not handed to it: the file is scanned lexically for string literals
//! instead, and parse failures fall back the same way ("report what
//! parses").

use crate::facts::{Arg, FactKind, Origin, Sink, clip};
use crate::text::LineIndex;
use proc_macro2::{Span, TokenStream, TokenTree};
use skillseal_model::Language;
use std::collections::HashMap;
use syn::visit::Visit;

const MAX_NESTING: usize = 96;
const MAX_PREFIX_RUN: usize = 96;

pub fn scan(src: &str, origin: Origin, sink: &mut Sink) {
    let lines = LineIndex::new(src);
    if nesting_ok(src)
        && let Ok(file) = syn::parse_file(src)
    {
        let mut v = Visitor {
            src,
            lines: &lines,
            origin,
            sink,
            aliases: HashMap::new(),
        };
        v.visit_file(&file);
        return;
    }
    if nesting_ok(src)
        && let Ok(tokens) = src.parse::<TokenStream>()
    {
        lexical(tokens, &lines, origin, sink);
    }
}

/// Bracket depth and runs of prefix operators stay within what `syn`'s
/// recursive descent handles on a worker thread's stack.
fn nesting_ok(src: &str) -> bool {
    let mut depth = 0usize;
    let mut max = 0usize;
    let mut run = 0usize;
    for b in src.bytes() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if matches!(b, b'!' | b'-' | b'*' | b'&' | b'<') {
            run += 1;
            if run > MAX_PREFIX_RUN {
                return false;
            }
        } else if !b.is_ascii_whitespace() {
            run = 0;
        }
    }
    max <= MAX_NESTING
}

fn span_range(lines: &LineIndex<'_>, span: Span) -> (usize, usize) {
    let s = span.start();
    let e = span.end();
    let start = lines.offset(s.line, s.column).unwrap_or(0);
    let end = lines.offset(e.line, e.column).unwrap_or(start);
    (start, end.max(start))
}

/// String literals from a token stream, without recursion.
fn lexical(tokens: TokenStream, lines: &LineIndex<'_>, origin: Origin, sink: &mut Sink) {
    let mut stack = vec![tokens.into_iter()];
    while let Some(iter) = stack.last_mut() {
        match iter.next() {
            Some(TokenTree::Group(g)) => stack.push(g.stream().into_iter()),
            Some(TokenTree::Literal(lit)) => {
                if let Ok(s) = syn::parse_str::<syn::LitStr>(&lit.to_string()) {
                    let (a, b) = span_range(lines, lit.span());
                    sink.push(
                        origin,
                        Language::Rust,
                        a,
                        b,
                        FactKind::Str { value: s.value() },
                    );
                }
            }
            Some(_) => {}
            None => {
                stack.pop();
            }
        }
    }
}

struct Visitor<'a, 's> {
    src: &'s str,
    lines: &'a LineIndex<'s>,
    origin: Origin,
    sink: &'a mut Sink,
    aliases: HashMap<String, String>,
}

impl<'s> Visitor<'_, 's> {
    fn push(&mut self, span: Span, kind: FactKind) {
        let (a, b) = span_range(self.lines, span);
        self.sink.push(self.origin, Language::Rust, a, b, kind);
    }

    fn excerpt(&self, e: &syn::Expr) -> String {
        let (a, b) = span_range(self.lines, syn::spanned::Spanned::span(e));
        clip(self.src.get(a..b).unwrap_or(""), 200).to_string()
    }

    fn path_name(&self, path: &syn::Path) -> String {
        let mut segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(first) = segs.first_mut()
            && let Some(full) = self.aliases.get(first.as_str())
        {
            *first = full.clone();
        }
        let name = segs.join("::");
        name.strip_prefix("crate::").unwrap_or(&name).to_string()
    }

    fn bind_use(&mut self, tree: &syn::UseTree, span: Span) {
        let mut stack: Vec<(Vec<String>, &syn::UseTree)> = vec![(Vec::new(), tree)];
        while let Some((prefix, t)) = stack.pop() {
            match t {
                syn::UseTree::Path(p) => {
                    let mut pre = prefix.clone();
                    pre.push(p.ident.to_string());
                    stack.push((pre, &p.tree));
                }
                syn::UseTree::Name(n) => {
                    let mut full = prefix.clone();
                    let name = n.ident.to_string();
                    if name != "self" {
                        full.push(name.clone());
                    }
                    let local = if name == "self" {
                        prefix.last().cloned().unwrap_or_default()
                    } else {
                        name
                    };
                    self.bind(local, full, span);
                }
                syn::UseTree::Rename(r) => {
                    let mut full = prefix.clone();
                    if r.ident != "self" {
                        full.push(r.ident.to_string());
                    }
                    self.bind(r.rename.to_string(), full, span);
                }
                syn::UseTree::Glob(_) => {
                    let module = prefix.join("::");
                    self.push(span, FactKind::Import { module });
                }
                syn::UseTree::Group(g) => {
                    for item in &g.items {
                        stack.push((prefix.clone(), item));
                    }
                }
            }
        }
    }

    fn bind(&mut self, local: String, full: Vec<String>, span: Span) {
        let module = full.join("::");
        self.push(
            span,
            FactKind::Import {
                module: module.clone(),
            },
        );
        self.aliases.insert(local, module);
    }
}

impl<'ast> Visit<'ast> for Visitor<'_, '_> {
    fn visit_item_use(&mut self, node: &'ast syn::ItemUse) {
        let span = node.use_token.span;
        self.bind_use(&node.tree, span);
    }

    fn visit_expr_call(&mut self, node: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*node.func {
            let callee = self.path_name(&p.path);
            let args = node
                .args
                .iter()
                .map(|a| match a {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Arg::Literal(s.value()),
                    other => Arg::Dynamic(self.excerpt(other)),
                })
                .collect();
            let span = syn::spanned::Spanned::span(node);
            self.push(
                span,
                FactKind::Call {
                    callee,
                    args,
                    kwargs: Vec::new(),
                },
            );
        }
        syn::visit::visit_expr_call(self, node);
    }

    fn visit_expr_method_call(&mut self, node: &'ast syn::ExprMethodCall) {
        // `Command::new("sh").arg("-c")`: record the method on the resolved
        // receiver chain so rules can name it.
        let mut recv = &*node.receiver;
        let mut methods = vec![node.method.to_string()];
        while let syn::Expr::MethodCall(m) = recv {
            methods.push(m.method.to_string());
            recv = &m.receiver;
            if methods.len() > 16 {
                break;
            }
        }
        if let syn::Expr::Call(c) = recv
            && let syn::Expr::Path(p) = &*c.func
        {
            let base = self.path_name(&p.path);
            let callee = format!("{base}().{}", node.method);
            let args = node
                .args
                .iter()
                .map(|a| match a {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Arg::Literal(s.value()),
                    other => Arg::Dynamic(self.excerpt(other)),
                })
                .collect();
            let span = syn::spanned::Spanned::span(node);
            self.push(
                span,
                FactKind::Call {
                    callee,
                    args,
                    kwargs: Vec::new(),
                },
            );
        }
        syn::visit::visit_expr_method_call(self, node);
    }

    fn visit_lit_str(&mut self, node: &'ast syn::LitStr) {
        self.push(
            node.span(),
            FactKind::Str {
                value: node.value(),
            },
        );
    }

    fn visit_macro(&mut self, node: &'ast syn::Macro) {
        let parsed = node.parse_body_with(
            syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
        );
        match parsed {
            Ok(exprs) => {
                for e in &exprs {
                    self.visit_expr(e);
                }
            }
            Err(_) => lexical(node.tokens.clone(), self.lines, self.origin, self.sink),
        }
    }
}
