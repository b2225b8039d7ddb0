//! Python frontend (tree-sitter-python): imports and aliases, resolved
//! calls with their arguments, member paths, string literals. `visit`
//! hands each node to the method named after its syntax; folding and
//! resolving names are in [`fold`] (this grammar's half of
//! [`super::fold::Folder`]).

mod fold;

use super::calls::{self, Calls};
use super::fold::{Folder, MAX_SEGMENTS, Val};
use super::ts::{self, Ctx, Target};
use super::{Out, alias_path};
use crate::facts::{Arg, FactKind, Origin, Sink, clip};
use foldhash::{HashMap, HashSet};
use skillseal_model::Language;
use std::cell::Cell;
use tree_sitter::Node;

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
    let mut py = Py {
        src,
        aliases: HashMap::default(),
        values: HashSet::default(),
        consts: HashMap::default(),
        nums: HashMap::default(),
        seqs: HashMap::default(),
        own_files: HashSet::default(),
        calls: Calls::default(),
        hidden: Cell::new(false),
    };
    // Strings handed to a shell are shell code: parsed as such after the walk.
    let lang = Language::Python;
    super::walk_source(lang, lang, src, origin, sink, |node, ctx, out| {
        py.visit(node, ctx, out)
    });
    py.calls.bind(origin, sink);
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
    /// Names last assigned an integer that folds (a key, a shift).
    nums: HashMap<String, i64>,
    /// Names last assigned a sequence that folds (character codes, the
    /// pieces of a string split up).
    seqs: HashMap<String, Vec<Val>>,
    /// Names bound to the script's own path (`HERE = Path(__file__)`).
    own_files: HashSet<String>,
    /// The file's own functions and the calls to them, for value flow
    /// across functions.
    calls: Calls,
    /// Set when resolving a name went through a lookup that hides it
    /// (`getattr` of an assembled name, the builtins or globals by name).
    hidden: Cell<bool>,
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

    fn visit(&mut self, node: Node<'_>, ctx: &Ctx<'_>, out: &mut Out<'_>) {
        match ctx.kind {
            "import_statement" => self.import(node, out),
            "import_from_statement" => self.import_from(node, out),
            "assignment" | "augmented_assignment" | "for_statement" => {
                self.assignment(node, ctx.kind == "assignment", out)
            }
            "function_definition" | "lambda" => {
                out.sink
                    .scope(out.origin, node.start_byte(), node.end_byte());
                if ctx.kind == "function_definition" {
                    self.function(node);
                }
            }
            "return_statement" => self.return_statement(node, ctx, out),
            // `{"Bcc": …}`, `send(bcc=…)`.
            "pair" => self.mail_header(node, "key", "value", out),
            "keyword_argument" => self.mail_header(node, "name", "value", out),
            "as_pattern" if ctx.parent_kind() == "with_item" => self.with_as(node),
            "call" => self.call(node, out),
            "attribute" => self.attribute(node, ctx, out),
            "subscript" => self.subscript(node, ctx, out),
            "identifier" => self.identifier(node, ctx, out),
            "string" => self.string(node, ctx, out),
            "concatenated_string" => {
                let value = self.literal(node);
                out.push(node, FactKind::Str { value });
            }
            _ => {}
        }
    }

    /// `def name(params):`, for value flow across the file's functions.
    fn function(&mut self, node: Node<'_>) {
        let Some(name) = ts::field(node, "name") else {
            return;
        };
        let params = ts::field(node, "parameters")
            .map(|p| {
                ts::named_children(p)
                    .into_iter()
                    .map(|param| match ts::kind(param) {
                        "identifier" => Some(self.text(param).to_string()),
                        "default_parameter" | "typed_default_parameter" => {
                            ts::field(param, "name").map(|n| self.text(n).to_string())
                        }
                        "typed_parameter" => ts::named_children(param)
                            .first()
                            .filter(|n| ts::kind(**n) == "identifier")
                            .map(|n| self.text(*n).to_string()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.calls.def(self.text(name), node, params);
    }

    /// `return e` inside `def f`.
    fn return_statement(&self, node: Node<'_>, ctx: &Ctx<'_>, out: &mut Out<'_>) {
        if let (Some(value), Some(def)) = (
            node.named_child(0),
            calls::enclosing(ctx, &["function_definition", "lambda"]),
        ) && let Some(name) = ts::field(def, "name")
        {
            Calls::ret(self.text(name), def, value, out);
        }
    }

    /// `name(args)`, when the callee is a plain name.
    fn plain_call(&mut self, node: Node<'_>, function: Node<'_>) {
        if ts::kind(function) != "identifier" {
            return;
        }
        let Some(args) = ts::field(node, "arguments").filter(|a| ts::kind(*a) == "argument_list")
        else {
            return;
        };
        let mut positional = Vec::new();
        let mut keyword = Vec::new();
        for arg in ts::named_children(args) {
            match ts::kind(arg) {
                "keyword_argument" => {
                    if let (Some(k), Some(v)) = (ts::field(arg, "name"), ts::field(arg, "value")) {
                        keyword.push((self.text(k).to_string(), (v.start_byte(), v.end_byte())));
                    }
                }
                "list_splat" | "dictionary_splat" => break,
                _ => positional.push((arg.start_byte(), arg.end_byte())),
            }
        }
        self.calls.call(self.text(function), positional, keyword);
    }

    /// `import a.b, c as d`.
    fn import(&mut self, node: Node<'_>, out: &mut Out<'_>) {
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
            out.push(child, FactKind::Import { module });
        }
    }

    /// `from a import b, c as d`.
    fn import_from(&mut self, node: Node<'_>, out: &mut Out<'_>) {
        let Some(module_node) = ts::field(node, "module_name") else {
            return;
        };
        let module = self.text(module_node).to_string();
        let import = FactKind::Import {
            module: module.clone(),
        };
        out.push(node, import);
        let mut cursor = node.walk();
        for child in node.children_by_field_name("name", &mut cursor) {
            let (name, alias) = match ts::kind(child) {
                "dotted_name" => (self.text(child), self.text(child)),
                "aliased_import" => {
                    let (Some(n), Some(a)) = (ts::field(child, "name"), ts::field(child, "alias"))
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

    /// `s = socket.socket()`, `env = os.environ`, `sp = subprocess` (and
    /// `x += …`, `for x in …`): the name now denotes that value, so
    /// `s.bind()` is `socket.socket().bind`. `plain` is a plain `=`.
    fn assignment(&mut self, node: Node<'_>, plain: bool, out: &mut Out<'_>) {
        let (Some(left), Some(right)) = (ts::field(node, "left"), ts::field(node, "right")) else {
            return;
        };
        self.bind_flow(left, right, node.start_byte(), out);
        // `msg["Bcc"] = …`
        if plain && ts::kind(left) == "subscript" {
            self.mail_header(node, "left", "right", out);
        }
        if plain && ts::kind(left) == "identifier" {
            let name = self.text(left);
            if super::names_own_file(self.text(right), &self.own_files) {
                self.own_files.insert(name.to_string());
            } else {
                self.own_files.remove(name);
            }
            self.hidden.set(false);
            self.bind_value(name, right);
            if self.hidden.replace(false)
                && let Some(target) = self.aliases.get(name)
            {
                super::hidden_lookup(right, &target.clone(), out);
            }
            self.assign_const(name, right, out.origin, out.sink);
            self.assign_folded(name, right);
        }
    }

    /// `name = 42`, `name = [99, 117, …]`: an integer or a sequence the
    /// name now stands for, or none.
    fn assign_folded(&mut self, name: &str, right: Node<'_>) {
        match self.eval(right, None, 0) {
            Some(Val::Int(i))
                if ts::kind(right) != "identifier" || self.nums.contains_key(self.text(right)) =>
            {
                self.nums.insert(name.to_string(), i);
            }
            _ => {
                self.nums.remove(name);
            }
        }
        let is_seq = match ts::kind(right) {
            "list" | "tuple" | "list_comprehension" | "call" => true,
            "string" => self.text(right).starts_with(['b', 'B']),
            "identifier" => self.seqs.contains_key(self.text(right)),
            _ => false,
        };
        match is_seq.then(|| self.seq(right, 0)).flatten() {
            Some(items) => {
                self.seqs.insert(name.to_string(), items);
            }
            None => {
                self.seqs.remove(name);
            }
        }
    }

    /// `with requests.Session() as s:`
    fn with_as(&mut self, node: Node<'_>) {
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

    fn call(&mut self, node: Node<'_>, out: &mut Out<'_>) {
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
            out.sink.bind(
                out.origin,
                self.text(obj),
                node.start_byte(),
                (args.start_byte(), args.end_byte()),
            );
        }
        self.own_file_write(node, function, out);
        self.plain_call(node, function);
        self.hidden.set(false);
        let Some(callee) = self.resolve(function) else {
            return;
        };
        if self.hidden.replace(false) {
            super::hidden_lookup(function, &callee, out);
        }
        let (args, kwargs) = match ts::field(node, "arguments") {
            Some(a) if ts::kind(a) == "argument_list" => self.arguments(a),
            _ => (Vec::new(), Vec::new()),
        };
        if matches!(callee.as_str(), "__import__" | "importlib.import_module") {
            match args.first() {
                Some(Arg::Literal(m)) => out.push(node, FactKind::Import { module: m.clone() }),
                // `__import__('o' + 's')`: the module, and the hiding.
                Some(Arg::Dynamic(_)) => {
                    if let Some(first) = ts::field(node, "arguments").and_then(|a| a.named_child(0))
                        && let Some(m) = self.fold(first, 0)
                    {
                        super::hidden_lookup(first, &m, out);
                        out.push(node, FactKind::Import { module: m });
                    }
                }
                None => {}
            }
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
            out.run_by_shell(first, code);
        }
        if runs_argv(&callee)
            && let Some(list) = ts::field(node, "arguments")
        {
            self.shell_input(list, out);
        }
        if let Some(list) = ts::field(node, "arguments") {
            self.record_arguments(list, out.origin, out.sink);
        }
        if runs_argv(&callee)
            && let Some(list) = ts::field(node, "arguments")
                .and_then(|a| a.named_child(0))
                .filter(|a| matches!(ts::kind(*a), "list" | "tuple"))
        {
            self.argv_command(list, out);
        }
        let call = FactKind::Call {
            callee,
            args,
            kwargs,
        };
        out.push(node, call);
    }

    /// `subprocess.run(['bash'], input=script)`, `run('sh', input=…)`:
    /// a shell that reads its script from standard input runs `input`.
    fn shell_input(&self, list: Node<'_>, out: &mut Out<'_>) {
        let items = ts::named_children(list);
        let Some(program) = items.first().and_then(|p| match ts::kind(*p) {
            "list" | "tuple" => ts::named_children(*p)
                .first()
                .and_then(|f| self.fold(*f, 0))
                .filter(|_| ts::named_children(*p).len() == 1),
            _ => self.fold(*p, 0),
        }) else {
            return;
        };
        let name = program.rsplit('/').next().unwrap_or(&program);
        if !super::shell::SHELLS.contains(&name) {
            return;
        }
        for a in items {
            if ts::kind(a) == "keyword_argument"
                && ts::field(a, "name").is_some_and(|k| self.text(k) == "input")
                && let Some(v) = ts::field(a, "value")
            {
                // `input=script.encode()` is the script.
                let code = self.fold(v, 0).or_else(|| {
                    ts::field(v, "function")
                        .filter(|f| {
                            ts::field(*f, "attribute").is_some_and(|m| self.text(m) == "encode")
                        })
                        .and_then(|f| ts::field(f, "object"))
                        .and_then(|o| self.fold(o, 0))
                });
                out.run_by_shell(v, code);
            }
        }
    }

    /// `os.environ`: a member path rooted in an import.
    fn attribute(&self, node: Node<'_>, ctx: &Ctx<'_>, out: &mut Out<'_>) {
        if ctx.is("attribute", "object")
            || ctx.is("call", "function")
            || ctx.is("subscript", "value")
        {
            return;
        }
        if let Some(path) = self.resolve_known(node) {
            out.push(node, FactKind::Member { path });
        }
    }

    /// `os.environ['HOME']`, `os.environ[name]`.
    fn subscript(&self, node: Node<'_>, ctx: &Ctx<'_>, out: &mut Out<'_>) {
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
        out.push(node, FactKind::Member { path });
    }

    /// A name read (for flows), and a name bound to a module path passed on
    /// (`print(environ)` after `from os import environ`).
    fn identifier(&self, node: Node<'_>, ctx: &Ctx<'_>, out: &mut Out<'_>) {
        if !(ctx.is("attribute", "attribute")
            || ctx.is("keyword_argument", "name")
            || ctx.field == Some("name")
            || ctx.parent_kind() == "parameters")
        {
            out.sink
                .reference(out.origin, self.text(node), node.start_byte());
        }
        if ctx.field.is_some()
            && !(ctx.parent_kind() == "argument_list" || ctx.field == Some("right"))
        {
            return;
        }
        if ctx.inside("import_from_statement") || ctx.inside("import_statement") {
            return;
        }
        if let Some(path) = alias_path(&self.aliases, self.text(node)) {
            out.push(node, FactKind::Member { path });
        }
    }

    fn string(&self, node: Node<'_>, ctx: &Ctx<'_>, out: &mut Out<'_>) {
        if ctx.parent_kind() == "concatenated_string" {
            return;
        }
        let value = self.string_value(node);
        out.push(node, FactKind::Str { value });
    }

    /// `subprocess.run(["curl", "-d", x, url])` is the shell command
    /// `curl -d … url`: a command fact, so the shell rules see it. Strings
    /// are their values, other elements their source text. `["sh", "-c",
    /// "…"]` hands its script to the shell frontend.
    fn argv_command(&self, list: Node<'_>, out: &mut Out<'_>) {
        let items = ts::named_children(list);
        let Some(first) = items.first().filter(|n| ts::kind(**n) == "string") else {
            // `run([path])`: a program named by a variable runs a download
            // when an earlier argument vector wrote that path.
            if let Some(first) = items.first()
                && ts::kind(*first) == "identifier"
                && let Some(file) = out.downloads.runs(self.text(*first), "", &[])
            {
                let span = (list.start_byte(), list.end_byte());
                out.argv(span, "<run-downloaded>".to_string(), vec![file]);
            }
            return;
        };
        let program = self.literal(*first);
        // A name bound to a constant (a download's path) is its value.
        let string = |n: Node<'_>| match ts::kind(n) {
            "string" | "concatenated_string" => Some(self.literal(n)),
            _ => self.fold(n, 0),
        };
        let script = |n: Node<'_>| match ts::kind(n) {
            "string" => Some(self.literal(n)),
            _ => self.fold(n, 0),
        };
        let span = (list.start_byte(), list.end_byte());
        super::argv_command(&program, &items[1..], self.src, string, script, span, out);
    }

    /// Record that the names assigned by `left` (a name, a tuple of names,
    /// a subscript or attribute of a name) take the value of `right`.
    fn bind_flow(&self, left: Node<'_>, right: Node<'_>, pos: usize, out: &mut Out<'_>) {
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
            out.sink.bind(out.origin, self.text(n), pos, from);
        }
    }

    /// Bind `name` to what `value` denotes when it resolves through an
    /// import (a module path, or a call's result written with `()`).
    fn bind_value(&mut self, name: &str, value: Node<'_>) {
        let target = match ts::kind(value) {
            "identifier" | "attribute" | "call" | "subscript" if self.rooted_in_import(value) => {
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

    /// A write to the skill's own instructions or to this script (see
    /// [`super::own_file_write`]): `p.write_text()`/`write_bytes()` on such
    /// a path, `open(p, "w")`, `shutil.copy*(src, p)`/`move(src, p)`.
    fn own_file_write(&self, call: Node<'_>, function: Node<'_>, out: &mut Out<'_>) {
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
                out.origin,
                out.sink,
            );
        }
    }

    /// A mail header set from a constant (see [`super::mail_header`]): the
    /// header name is the `key` field of `node` (or, for `msg["Bcc"] = …`,
    /// the subscript of it) and its value the `value` field.
    fn mail_header(&self, node: Node<'_>, key: &str, value: &str, out: &mut Out<'_>) {
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
            out.origin,
            out.sink,
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
}

#[cfg(test)]
mod tests;
