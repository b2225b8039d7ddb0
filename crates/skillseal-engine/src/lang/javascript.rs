//! JavaScript / TypeScript / TSX frontend (tree-sitter-javascript and
//! tree-sitter-typescript): ES imports, `require`, destructuring aliases,
//! resolved calls and `new` expressions, member paths, string literals.

use super::ts::{self, Ctx, Target};
use super::{fold, unescape};
use crate::facts::{Arg, FactKind, Origin, Sink, clip};
use foldhash::HashMap;
use skillseal_model::Language;
use tree_sitter::Node;

const MAX_SEGMENTS: usize = 32;

/// Globals whose member paths are worth reporting without an import.
const GLOBALS: &[&str] = &[
    "process",
    "Deno",
    "Bun",
    "globalThis",
    "window",
    "global",
    "document",
    "navigator",
    "require",
    "module",
    "WebAssembly",
    "crypto",
    "localStorage",
];

/// Nodes of one destructuring pattern followed for bindings.
const MAX_PATTERN_NODES: usize = 64;

/// Methods that put their arguments into the object they are called on.
const CONTAINER_WRITES: &[&str] = &["push", "unshift", "set", "append", "add", "write", "splice"];

pub fn scan(lang: Language, src: &str, origin: Origin, sink: &mut Sink) {
    let Some(tree) = ts::parse(lang, src) else {
        return;
    };
    let mut js = Js {
        src,
        aliases: HashMap::default(),
        consts: HashMap::default(),
    };
    let mut shell: Vec<(String, usize, usize)> = Vec::new();
    ts::walk(&tree, |node, ctx| {
        js.visit(node, ctx, origin, sink, &mut shell);
        true
    });
    for (code, start, end) in shell {
        let (s, e) = origin.map(start, end);
        super::scan_source(Language::Shell, &code, Origin::Fixed(s, e), sink);
    }
}

fn module_name(spec: &str) -> String {
    spec.strip_prefix("node:").unwrap_or(spec).to_string()
}

/// JS calls whose first string argument is run by a shell.
fn runs_shell(callee: &str) -> bool {
    matches!(
        callee,
        "child_process.exec"
            | "child_process.execSync"
            | "shelljs.exec"
            | "execa.execaCommand"
            | "execa.command"
            | "zx.$"
    )
}

/// Calls that take a program name and an argument array.
fn runs_argv(callee: &str) -> bool {
    matches!(
        callee,
        "child_process.spawn"
            | "child_process.spawnSync"
            | "child_process.execFile"
            | "child_process.execFileSync"
            | "execa"
            | "execa.execa"
            | "execa.execaSync"
            | "Bun.spawn"
            | "Bun.spawnSync"
    )
}

struct Js<'s> {
    src: &'s str,
    aliases: HashMap<String, String>,
    /// Names last assigned a string that folds to a constant.
    consts: HashMap<String, String>,
}

impl<'s> Js<'s> {
    fn text(&self, n: Node<'_>) -> &'s str {
        ts::text(n, self.src)
    }

    fn visit(
        &mut self,
        node: Node<'_>,
        ctx: &Ctx<'_>,
        origin: Origin,
        sink: &mut Sink,
        shell: &mut Vec<(String, usize, usize)>,
    ) {
        let push = |sink: &mut Sink, n: Node<'_>, kind: FactKind| {
            sink.push(
                origin,
                Language::JavaScript,
                n.start_byte(),
                n.end_byte(),
                kind,
            )
        };
        match ctx.kind {
            "import_statement" => {
                let Some(source) = ts::field(node, "source") else {
                    return;
                };
                let module = module_name(&self.string_value(source));
                for clause in ts::named_children(node) {
                    if ts::kind(clause) == "import_clause" {
                        self.bind_import_clause(clause, &module);
                    } else if ts::kind(clause) == "import_require_clause"
                        && let Some(id) = clause.named_child(0)
                    {
                        self.aliases
                            .insert(self.text(id).to_string(), module.clone());
                    }
                }
                push(sink, node, FactKind::Import { module });
            }
            "variable_declarator" => {
                let (Some(name), Some(value)) = (ts::field(node, "name"), ts::field(node, "value"))
                else {
                    return;
                };
                // The whole declarator: `const {TOKEN} = process.env` reads
                // the key in the pattern.
                self.bind_flow(name, node, node.start_byte(), origin, sink);
                if ts::kind(name) == "identifier" {
                    self.assign_const(self.text(name), value, origin, sink);
                }
                let Some(base) = self.resolve(value, true) else {
                    return;
                };
                self.bind_pattern(name, &base);
                // `const {API_KEY, HOME: home} = process.env` reads those keys.
                if ts::kind(name) == "object_pattern"
                    && matches!(
                        ts::kind(value),
                        "member_expression" | "subscript_expression" | "identifier"
                    )
                    && !base.contains("()")
                {
                    for (key, at) in self.pattern_keys(name) {
                        push(
                            sink,
                            at,
                            FactKind::Member {
                                path: format!("{base}.{key}"),
                            },
                        );
                    }
                }
            }
            "assignment_expression" | "augmented_assignment_expression" | "for_in_statement" => {
                if let (Some(left), Some(right)) =
                    (ts::field(node, "left"), ts::field(node, "right"))
                {
                    self.bind_flow(left, right, node.start_byte(), origin, sink);
                    if ctx.kind == "assignment_expression" && ts::kind(left) == "identifier" {
                        self.assign_const(self.text(left), right, origin, sink);
                    }
                }
            }
            "function_declaration"
            | "function_expression"
            | "function"
            | "generator_function_declaration"
            | "generator_function"
            | "arrow_function"
            | "method_definition" => {
                sink.scope(origin, node.start_byte(), node.end_byte());
            }
            "pair" => {
                if let (Some(key), Some(value)) = (ts::field(node, "key"), ts::field(node, "value"))
                    && super::is_bcc(self.text(key))
                {
                    super::mail_header(
                        Language::JavaScript,
                        self.text(key),
                        self.fold(value, 0),
                        (node.start_byte(), node.end_byte()),
                        origin,
                        sink,
                    );
                }
            }
            "shorthand_property_identifier" => {
                sink.reference(origin, self.text(node), node.start_byte());
            }
            "call_expression" => {
                let Some(function) = ts::field(node, "function") else {
                    return;
                };
                self.container_write(node, function, origin, sink);
                let args = ts::field(node, "arguments")
                    .filter(|a| ts::kind(*a) == "arguments")
                    .map(|a| self.arguments(a))
                    .unwrap_or_default();
                let callee = if ts::kind(function) == "import" {
                    "import".to_string()
                } else if let Some(c) = self.resolve(function, false) {
                    c
                } else {
                    return;
                };
                if matches!(callee.as_str(), "require" | "import")
                    && let Some(Arg::Literal(m)) = args.first()
                {
                    push(
                        sink,
                        node,
                        FactKind::Import {
                            module: module_name(m),
                        },
                    );
                }
                // A template with `${...}` is a dynamic argument but still
                // shell code, its substitutions kept as written.
                if runs_shell(&callee)
                    && let Some(first) = ts::field(node, "arguments").and_then(|a| a.named_child(0))
                {
                    // A name or expression that folds to a string is that
                    // string; an unfolded template keeps `${...}` as written.
                    let code = self.fold(first, 0).or_else(|| {
                        matches!(ts::kind(first), "string" | "template_string")
                            .then(|| self.string_value(first))
                    });
                    if let Some(code) = code {
                        shell.push((code, first.start_byte(), first.end_byte()));
                    }
                }
                if let Some(list) = ts::field(node, "arguments") {
                    for a in ts::named_children(list) {
                        if let Some(v) = self.fold(a, 0) {
                            self.record_assembled(a, &v, origin, sink);
                        }
                    }
                }
                if runs_argv(&callee) {
                    self.argv_command(node, origin, sink, shell);
                }
                push(
                    sink,
                    node,
                    FactKind::Call {
                        callee,
                        args,
                        kwargs: Vec::new(),
                    },
                );
            }
            "new_expression" => {
                let Some(ctor) = ts::field(node, "constructor") else {
                    return;
                };
                let Some(callee) = self.resolve(ctor, false) else {
                    return;
                };
                let args = ts::field(node, "arguments")
                    .map(|a| self.arguments(a))
                    .unwrap_or_default();
                push(
                    sink,
                    node,
                    FactKind::Call {
                        callee,
                        args,
                        kwargs: Vec::new(),
                    },
                );
            }
            "member_expression" | "subscript_expression" => {
                if ctx.is("member_expression", "object")
                    || ctx.is("subscript_expression", "object")
                    || ctx.is("call_expression", "function")
                    || ctx.is("new_expression", "constructor")
                    || self.is_binding_site(ctx)
                {
                    return;
                }
                if let Some(path) = self.resolve_known(node) {
                    push(sink, node, FactKind::Member { path });
                }
            }
            "identifier" => {
                if !(ctx.field == Some("name") || ctx.parent_kind() == "formal_parameters") {
                    sink.reference(origin, self.text(node), node.start_byte());
                }
                if !matches!(
                    ctx.parent_kind(),
                    "arguments" | "array" | "spread_element" | "pair"
                ) && ctx.field != Some("right")
                    && ctx.field != Some("value")
                {
                    return;
                }
                if ctx.parent_kind() == "variable_declarator" {
                    return;
                }
                if let Some(target) = self.aliases.get(self.text(node))
                    && target.contains('.')
                    && !target.contains("()")
                {
                    let path = target.clone();
                    push(sink, node, FactKind::Member { path });
                }
            }
            "string" | "template_string" => {
                if ctx.parent_kind() == "import_statement" {
                    return;
                }
                let value = self.string_value(node);
                push(sink, node, FactKind::Str { value });
            }
            _ => {}
        }
    }

    /// Record that the names `left` assigns (a name, a destructuring
    /// pattern, a member or subscript of a name) take the value at `from`.
    fn bind_flow(
        &self,
        left: Node<'_>,
        from: Node<'_>,
        pos: usize,
        origin: Origin,
        sink: &mut Sink,
    ) {
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
            sink.bind(origin, self.text(n), pos, span);
        }
    }

    /// `list.push(x)`, `form.append(k, x)`, `Object.assign(o, x)`: the
    /// container now holds the arguments' values.
    fn container_write(&self, call: Node<'_>, function: Node<'_>, origin: Origin, sink: &mut Sink) {
        let Some(args) = ts::field(call, "arguments") else {
            return;
        };
        let span = (args.start_byte(), args.end_byte());
        if ts::kind(function) != "member_expression" {
            return;
        }
        let (Some(obj), Some(prop)) = (
            ts::field(function, "object"),
            ts::field(function, "property"),
        ) else {
            return;
        };
        let method = self.text(prop);
        if ts::kind(obj) == "identifier" && CONTAINER_WRITES.contains(&method) {
            sink.bind(origin, self.text(obj), call.start_byte(), span);
        } else if self.text(obj) == "Object"
            && method == "assign"
            && let Some(target) = args.named_child(0)
            && ts::kind(target) == "identifier"
        {
            sink.bind(origin, self.text(target), call.start_byte(), span);
        }
    }

    fn bind_import_clause(&mut self, clause: Node<'_>, module: &str) {
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
    fn bind_pattern(&mut self, pattern: Node<'_>, base: &str) {
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
    fn is_binding_site(&self, ctx: &Ctx<'_>) -> bool {
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
    fn pattern_keys<'t>(&self, pattern: Node<'t>) -> Vec<(String, Node<'t>)> {
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

    fn arguments(&self, list: Node<'_>) -> Vec<Arg> {
        ts::named_children(list)
            .into_iter()
            .filter(|a| ts::kind(*a) != "comment")
            .map(|a| match ts::kind(a) {
                "string" => Arg::Literal(self.string_value(a)),
                "template_string" if a.named_child_count() == 0 => {
                    Arg::Literal(self.string_value(a))
                }
                _ => Arg::Dynamic(clip(self.text(a), 200).to_string()),
            })
            .collect()
    }

    /// Quotes stripped and escapes decoded; template substitutions stay
    /// as written.
    /// `spawn("curl", ["-d", x, url])` is the shell command `curl -d … url`:
    /// a command fact for the shell rules. Strings are their values, other
    /// elements their source text; `spawn("sh", ["-c", "…"])` hands its
    /// script to the shell frontend.
    fn argv_command(
        &self,
        call: Node<'_>,
        origin: Origin,
        sink: &mut Sink,
        shell: &mut Vec<(String, usize, usize)>,
    ) {
        let Some(list) = ts::field(call, "arguments") else {
            return;
        };
        let items = ts::named_children(list);
        let Some(first) = items.first().filter(|n| ts::kind(**n) == "string") else {
            return;
        };
        let program = self.string_value(*first);
        let elems: Vec<Node<'_>> = items
            .get(1)
            .filter(|n| ts::kind(**n) == "array")
            .map(|a| ts::named_children(*a))
            .unwrap_or_default();
        let args: Vec<String> = elems
            .iter()
            .map(|n| match ts::kind(*n) {
                "string" | "template_string" => self.string_value(*n),
                _ => clip(self.text(*n), 200).to_string(),
            })
            .collect();
        let literal_arg = |i: usize| {
            elems
                .get(i)
                .filter(|n| matches!(ts::kind(**n), "string" | "template_string"))
                .map(|n| (self.string_value(*n), n.start_byte(), n.end_byte()))
        };
        let span = (list.start_byte(), list.end_byte());
        super::argv_command(&program, args, literal_arg, span, origin, sink, shell);
    }

    fn assign_const(&mut self, name: &str, value: Node<'_>, origin: Origin, sink: &mut Sink) {
        match self.fold(value, 0) {
            Some(v) => {
                self.record_assembled(value, &v, origin, sink);
                self.consts.insert(name.to_string(), v);
            }
            None => {
                self.consts.remove(name);
            }
        }
    }

    /// Report a folded value when the expression computes it (a literal
    /// or a name is reported where it is written).
    fn record_assembled(&self, n: Node<'_>, value: &str, origin: Origin, sink: &mut Sink) {
        let computed = match ts::kind(n) {
            "string" | "identifier" | "number" => false,
            "template_string" => ts::named_children(n)
                .iter()
                .any(|c| ts::kind(*c) == "template_substitution"),
            _ => true,
        };
        if computed {
            sink.assembled(origin, value.to_string(), n.start_byte(), n.end_byte());
        }
    }

    /// The string an expression evaluates to, when it is built from
    /// literals and names bound to them (see [`super::fold`]).
    fn fold(&self, n: Node<'_>, depth: usize) -> Option<String> {
        if depth > fold::MAX_DEPTH {
            return None;
        }
        let d = depth + 1;
        match ts::kind(n) {
            "string" => Some(self.string_value(n)),
            "template_string" => {
                let mut parts = Vec::new();
                for c in ts::named_children(n) {
                    match ts::kind(c) {
                        "string_fragment" => parts.push(self.text(c).to_string()),
                        "escape_sequence" => parts.push(unescape(self.text(c))),
                        "template_substitution" => parts.push(self.fold(c.named_child(0)?, d)?),
                        _ => return None,
                    }
                }
                fold::concat(parts)
            }
            "identifier" => self.consts.get(self.text(n)).cloned(),
            "parenthesized_expression" => self.fold(n.named_child(0)?, d),
            "binary_expression" => {
                if self.text(ts::field(n, "operator")?) != "+" {
                    return None;
                }
                let l = self.fold(ts::field(n, "left")?, d)?;
                let r = self.fold(ts::field(n, "right")?, d)?;
                fold::concat([l, r])
            }
            "call_expression" => self.fold_call(n, d),
            _ => None,
        }
    }

    fn fold_call(&self, n: Node<'_>, d: usize) -> Option<String> {
        let function = ts::field(n, "function")?;
        let args = ts::named_children(ts::field(n, "arguments")?);
        if ts::kind(function) == "identifier" {
            return match self.text(function) {
                "atob" => fold::base64_text(&self.fold(*args.first()?, d)?),
                "String" => self.fold(*args.first()?, d),
                _ => None,
            };
        }
        if ts::kind(function) != "member_expression" {
            return None;
        }
        let obj = ts::field(function, "object")?;
        let method = self.text(ts::field(function, "property")?);
        match method {
            "fromCharCode" | "fromCodePoint" if self.text(obj) == "String" => {
                let mut codes = Vec::new();
                for a in &args {
                    if ts::kind(*a) == "spread_element" {
                        codes.extend(self.int_items(a.named_child(0)?)?);
                    } else {
                        codes.push(fold::int(self.text(*a))?);
                    }
                }
                fold::chars(codes)
            }
            "join" => {
                let sep = match args.first() {
                    Some(a) => self.fold(*a, d)?,
                    None => ",".to_string(),
                };
                fold::join(self.fold_items(obj, d)?, &sep)
            }
            "replace" | "replaceAll" => {
                let s = self.fold(obj, d)?;
                let (a, b) = (args.first()?, args.get(1)?);
                if ts::kind(*a) != "string" {
                    return None; // a regex or a computed pattern
                }
                let (a, b) = (self.string_value(*a), self.fold(*b, d)?);
                if a.is_empty() {
                    return None;
                }
                let out = if method == "replace" {
                    s.replacen(&a, &b, 1)
                } else {
                    s.replace(&a, &b)
                };
                (out.len() <= fold::MAX_LEN).then_some(out)
            }
            "concat" => {
                let mut parts = vec![self.fold(obj, d)?];
                for a in &args {
                    parts.push(self.fold(*a, d)?);
                }
                fold::concat(parts)
            }
            "toLowerCase" => Some(self.fold(obj, d)?.to_lowercase()),
            "toUpperCase" => Some(self.fold(obj, d)?.to_uppercase()),
            "trim" => Some(self.fold(obj, d)?.trim().to_string()),
            // `Buffer.from(s, 'base64').toString()`
            "toString" => {
                if ts::kind(obj) != "call_expression" {
                    return self.fold(obj, d);
                }
                let f = ts::field(obj, "function")?;
                if self.text(f) != "Buffer.from" {
                    return self.fold(obj, d);
                }
                let bargs = ts::named_children(ts::field(obj, "arguments")?);
                let data = self.fold(*bargs.first()?, d)?;
                match bargs.get(1).map(|e| self.string_value(*e)).as_deref() {
                    Some("base64" | "base64url") => fold::base64_text(&data),
                    Some("hex") => fold::hex_text(&data),
                    None | Some("utf8" | "utf-8") => Some(data),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The elements a `join` gets: an array of strings, `s.split(sep)`,
    /// `.reverse()` of those, `[...].map(c => String.fromCharCode(c))`,
    /// `Array.from(s)`.
    fn fold_items(&self, n: Node<'_>, d: usize) -> Option<Vec<String>> {
        if d > fold::MAX_DEPTH {
            return None;
        }
        let d = d + 1;
        match ts::kind(n) {
            "array" => ts::named_children(n)
                .into_iter()
                .map(|c| self.fold(c, d))
                .collect(),
            "parenthesized_expression" => self.fold_items(n.named_child(0)?, d),
            "call_expression" => {
                let function = ts::field(n, "function")?;
                let args = ts::named_children(ts::field(n, "arguments")?);
                if self.text(function) == "Array.from" {
                    return Some(
                        self.fold(*args.first()?, d)?
                            .chars()
                            .map(String::from)
                            .collect(),
                    );
                }
                if ts::kind(function) != "member_expression" {
                    return None;
                }
                let obj = ts::field(function, "object")?;
                match self.text(ts::field(function, "property")?) {
                    "reverse" => {
                        let mut v = self.fold_items(obj, d)?;
                        v.reverse();
                        Some(v)
                    }
                    "split" => {
                        let s = self.fold(obj, d)?;
                        let sep = self.fold(*args.first()?, d)?;
                        Some(if sep.is_empty() {
                            s.chars().map(String::from).collect()
                        } else {
                            s.split(sep.as_str()).map(String::from).collect()
                        })
                    }
                    "map" => {
                        let cb = self.text(*args.first()?);
                        if !cb.contains("String.fromCharCode(") {
                            return None;
                        }
                        self.int_items(obj)?
                            .into_iter()
                            .map(|c| fold::chars([c]))
                            .collect()
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// An array of integer literals.
    fn int_items(&self, n: Node<'_>) -> Option<Vec<u32>> {
        if ts::kind(n) != "array" {
            return None;
        }
        ts::named_children(n)
            .into_iter()
            .map(|c| fold::int(self.text(c)))
            .collect()
    }

    fn string_value(&self, n: Node<'_>) -> String {
        let t = self.text(n);
        let body = ["`", "\"", "'"]
            .iter()
            .find_map(|q| t.strip_prefix(q).map(|r| r.strip_suffix(q).unwrap_or(r)))
            .unwrap_or(t);
        unescape(body)
    }

    fn resolve_known(&self, n: Node<'_>) -> Option<String> {
        let mut base = n;
        for _ in 0..MAX_SEGMENTS {
            match ts::kind(base) {
                "member_expression" | "subscript_expression" => base = ts::field(base, "object")?,
                "identifier" => break,
                _ => return None,
            }
        }
        let name = self.text(base);
        if ts::kind(base) != "identifier"
            || !(self.aliases.contains_key(name) || GLOBALS.contains(&name))
        {
            return None;
        }
        self.resolve(n, false)
    }

    /// The dotted path an expression denotes, through aliases:
    /// `cp.exec` → `child_process.exec`, `require('fs').readFileSync` →
    /// `fs.readFileSync`, `process.env['HOME']` → `process.env.HOME`.
    /// With `module_only`, only expressions rooted in `require`/`import()`
    /// or a known alias resolve (for declarations).
    fn resolve(&self, n: Node<'_>, module_only: bool) -> Option<String> {
        let mut segs: Vec<String> = Vec::new();
        let mut cur = n;
        let mut called = false;
        for _ in 0..MAX_SEGMENTS {
            match ts::kind(cur) {
                "identifier" | "this" => {
                    let name = self.text(cur);
                    let known = self.aliases.get(name);
                    if module_only && known.is_none() && !GLOBALS.contains(&name) {
                        return None;
                    }
                    let mut base = known.map_or(name, |s| s.as_str()).to_string();
                    if called {
                        base.push_str("()");
                    }
                    segs.push(base);
                    segs.reverse();
                    return Some(segs.join(".").replace(".[]", "[]"));
                }
                "member_expression" => {
                    let prop = ts::field(cur, "property")?;
                    let mut s = self.text(prop).to_string();
                    if std::mem::take(&mut called) {
                        s.push_str("()");
                    }
                    segs.push(s);
                    cur = ts::field(cur, "object")?;
                }
                "subscript_expression" => {
                    let index = ts::field(cur, "index")?;
                    let mut s = if ts::kind(index) == "string" {
                        self.string_value(index)
                    } else {
                        // A computed key is written `[]`: `process.env[k]`
                        // is `process.env[]`, not the whole object.
                        "[]".to_string()
                    };
                    if std::mem::take(&mut called) {
                        s.push_str("()");
                    }
                    segs.push(s);
                    cur = ts::field(cur, "object")?;
                }
                "new_expression" => {
                    if called {
                        return None;
                    }
                    called = true;
                    cur = ts::field(cur, "constructor")?;
                }
                "call_expression" => {
                    let f = ts::field(cur, "function")?;
                    let is_loader = ts::kind(f) == "import" || self.text(f) == "require";
                    if is_loader {
                        let arg = ts::field(cur, "arguments")?.named_child(0)?;
                        if ts::kind(arg) != "string" {
                            return None;
                        }
                        segs.push(module_name(&self.string_value(arg)));
                        segs.reverse();
                        return Some(segs.join("."));
                    }
                    // In a declaration, one call on a known name binds its
                    // result: `const app = express()` makes `app.listen`
                    // `express().listen`.
                    if called || (module_only && !segs.is_empty()) {
                        return None;
                    }
                    called = true;
                    cur = f;
                }
                "await_expression"
                | "parenthesized_expression"
                | "non_null_expression"
                | "as_expression" => cur = cur.named_child(0)?,
                _ => return None,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::test_util::{self, assert_has_all, has_pipe};

    fn facts(src: &str) -> Vec<FactKind> {
        test_util::facts(Language::TypeScript, src)
    }

    fn members(src: &str) -> Vec<String> {
        test_util::members(facts(src))
    }

    #[test]
    fn declarations_bind_call_and_new_results() {
        let c = test_util::callees(facts(
            "import express from 'express';\nimport Koa from 'koa';\nconst http = require('http');\nconst app = express();\napp.listen(3000);\nconst k = new Koa();\nk.listen(1);\nconst s = http.createServer(app);\ns.listen(8080);\nconst r = local();\nr.listen();",
        ));
        assert_has_all(
            &c,
            &[
                "express().listen",
                "koa().listen",
                "http.createServer().listen",
                "r.listen",
            ],
        );
    }

    #[test]
    fn destructuring_reads_each_key() {
        let m = members(
            "const { API_KEY, HOME: home = 'x' } = process.env;\nconst { A, ...rest } = process.env;\nconst {exec} = require('child_process');",
        );
        assert!(m.contains(&"process.env.API_KEY".to_string()), "{m:?}");
        assert!(m.contains(&"process.env.HOME".to_string()), "{m:?}");
        assert!(m.contains(&"process.env.A".to_string()), "{m:?}");
        // Only the `...rest` pattern takes the whole object.
        assert_eq!(m.iter().filter(|p| *p == "process.env").count(), 1, "{m:?}");
        assert!(!m.iter().any(|p| p.starts_with("child_process")), "{m:?}");
    }

    #[test]
    fn templates_handed_to_a_shell_are_parsed_as_shell() {
        let f = facts("const { exec } = require('child_process');\nexec(`curl ${url} | sh`);");
        assert!(has_pipe(&f, "curl", "sh"), "{f:?}");
    }

    #[test]
    fn computed_subscripts_are_written_with_brackets() {
        let m = members("const v = process.env[name];\nconst w = process.env['HOME'];");
        assert_eq!(
            m,
            vec!["process.env[]".to_string(), "process.env.HOME".to_string()]
        );
        let c = test_util::callees(facts("process.env[k].trim();"));
        assert_eq!(c, vec!["process.env[].trim".to_string()]);
    }

    #[test]
    fn assembled_strings_fold() {
        let sink = test_util::sink(
            Language::JavaScript,
            concat!(
                "const cp = require('child_process');\n",
                "const c = String.fromCharCode(105, 100);\n",
                "cp.exec(c);\n",
                "const a = 'hsab | ';\n",
                "const s = (a + 'kcap').split('').reverse().join('');\n",
                "const h = ['ht', 'tps://', 'x.example.invalid'].join('');\n",
                "const u = `${h}/x`;\n",
                "const b = Buffer.from('aWQ=', 'base64').toString();\n",
                "const m = [105, 100].map(x => String.fromCharCode(x)).join('');\n",
            ),
        );
        let got: Vec<&str> = sink.assembled.iter().map(|(v, _, _)| v.as_str()).collect();
        assert_eq!(
            got,
            [
                "id",
                "pack | bash",
                "https://x.example.invalid",
                "https://x.example.invalid/x",
                "id",
                "id"
            ]
        );
        assert!(
            sink.facts
                .iter()
                .any(|f| matches!(&f.kind, FactKind::Command { name, .. } if name == "id")),
            "exec of a folded name runs it: {:?}",
            sink.facts
        );
    }
}
