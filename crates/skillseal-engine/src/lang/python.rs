//! Python frontend (tree-sitter-python): imports and aliases, resolved
//! calls with their arguments, member paths, string literals.

use super::ts::{self, Ctx};
use super::unescape;
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
                if ctx.kind == "assignment" && ts::kind(left) == "identifier" {
                    self.bind_value(self.text(left), right);
                }
            }
            "function_definition" | "lambda" => {
                sink.scope(origin, node.start_byte(), node.end_byte());
            }
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
                if runs_shell(&callee, &kwargs)
                    && let Some(first) = ts::field(node, "arguments")
                        .and_then(|a| a.named_child(0))
                        .filter(|a| matches!(ts::kind(*a), "string" | "concatenated_string"))
                {
                    // An f-string is a dynamic argument but still shell code
                    // with its `{placeholders}` as written.
                    shell.push((self.literal(first), first.start_byte(), first.end_byte()));
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
        let mut stack = vec![left];
        let mut budget = MAX_SEGMENTS;
        while let Some(n) = stack.pop() {
            if budget == 0 {
                return;
            }
            budget -= 1;
            match ts::kind(n) {
                "identifier" => sink.bind(origin, self.text(n), pos, from),
                "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list" => {
                    stack.extend(ts::named_children(n))
                }
                "subscript" => stack.extend(ts::field(n, "value")),
                "attribute" => stack.extend(ts::field(n, "object")),
                _ => {}
            }
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
                        if ts::kind(arg) != "string" {
                            return None;
                        }
                        segs.push(self.string_value(arg));
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

    fn facts(src: &str) -> Vec<FactKind> {
        let mut sink = Sink::new();
        scan(src, Origin::Offset(0), &mut sink);
        sink.facts.into_iter().map(|f| f.kind).collect()
    }

    fn callees(src: &str) -> Vec<String> {
        crate::lang::test_util::callees(facts(src))
    }

    fn members(src: &str) -> Vec<String> {
        crate::lang::test_util::members(facts(src))
    }

    #[test]
    fn assignment_binds_call_results_and_paths() {
        let c = callees(
            "import socket, os\nfrom flask import Flask\ns = socket.socket()\ns.bind(('', 80))\napp = Flask(__name__)\napp.run()\nenv = os.environ\nenv.get('X')\no = __import__('os')\no.system(x)",
        );
        for want in [
            "socket.socket().bind",
            "flask.Flask().run",
            "os.environ.get",
            "os.system",
        ] {
            assert!(c.iter().any(|x| x == want), "{want} not in {c:?}");
        }
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
        assert!(
            f.iter()
                .any(|k| matches!(k, FactKind::Command { name, pipe_to, .. }
                if name == "curl" && pipe_to.as_deref() == Some("sh"))),
            "{f:?}"
        );
    }

    #[test]
    fn computed_subscripts_and_call_results_as_members() {
        let m = members(
            "import os\na = os.environ[name]\nb = os.environ['HOME']\nc = os.environ.copy()\nprint(c)\nd = os.environ\nprint(d)",
        );
        assert!(m.contains(&"os.environ[]".to_string()), "{m:?}");
        assert!(m.contains(&"os.environ.HOME".to_string()), "{m:?}");
        // `print(c)` passes a call's result, not a module path.
        assert!(!m.iter().any(|p| p.contains("()")), "{m:?}");
        assert_eq!(m.iter().filter(|p| *p == "os.environ").count(), 2, "{m:?}");
    }
}
