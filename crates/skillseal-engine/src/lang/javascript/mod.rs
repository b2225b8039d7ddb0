//! JavaScript / TypeScript / TSX frontend (tree-sitter-javascript and
//! tree-sitter-typescript): ES imports, `require`, destructuring aliases,
//! resolved calls and `new` expressions, member paths, string literals.
//! `visit` hands each node to the method named after its syntax;
//! destructuring patterns are read in [`patterns`], folding and resolving
//! names in [`fold`] (this grammar's half of [`super::fold::Folder`]).

mod fold;
mod patterns;

use super::calls::{self, Calls};
use super::fold::{Folder, Val};
use super::ts::{self, Ctx};
use super::{Out, alias_path};
use crate::facts::{Arg, FactKind, Origin, Sink, clip};
use foldhash::HashMap;
use skillseal_model::Language;
use tree_sitter::Node;

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

/// Methods that put their arguments into the object they are called on.
const CONTAINER_WRITES: &[&str] = &["push", "unshift", "set", "append", "add", "write", "splice"];

pub fn scan(lang: Language, src: &str, origin: Origin, sink: &mut Sink) {
    let mut js = Js {
        src,
        aliases: HashMap::default(),
        consts: HashMap::default(),
        nums: HashMap::default(),
        seqs: HashMap::default(),
        hidden: std::cell::Cell::new(false),
        calls: Calls::default(),
        functions: HashMap::default(),
    };
    // TypeScript and TSX report their facts as JavaScript.
    super::walk_source(
        lang,
        Language::JavaScript,
        src,
        origin,
        sink,
        |node, ctx, out| js.visit(node, ctx, out),
    );
    js.calls.bind(origin, sink);
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
    /// Names last assigned a number that folds (a key).
    nums: HashMap<String, i64>,
    /// Names last assigned an array that folds (character codes, the
    /// pieces of a string split up).
    seqs: HashMap<String, Vec<Val>>,
    /// Set when resolving a name went through a lookup that hides it
    /// (`globalThis['ev' + 'al']`, a `constructor` chain).
    hidden: std::cell::Cell<bool>,
    /// The file's own functions and the calls to them, for value flow
    /// across functions; `functions` names each by where it starts.
    calls: Calls,
    functions: HashMap<usize, String>,
}

impl<'s> Js<'s> {
    fn text(&self, n: Node<'_>) -> &'s str {
        ts::text(n, self.src)
    }

    /// A named function (`function f(…)`, `const f = (…) => …`), for value
    /// flow across the file's functions; an arrow's expression body is
    /// what it returns.
    fn function(&mut self, node: Node<'_>, ctx: &Ctx<'_>, out: &mut Out<'_>) {
        let name = match ts::field(node, "name") {
            Some(n) if ctx.kind != "method_definition" => n,
            Some(_) => return,
            None if ctx.is("variable_declarator", "value") => {
                match ctx.ancestors.last().and_then(|d| ts::field(*d, "name")) {
                    Some(n) if ts::kind(n) == "identifier" => n,
                    _ => return,
                }
            }
            None => return,
        };
        let name = self.text(name).to_string();
        let param = |p: Node<'_>| -> Option<String> {
            let id = match ts::kind(p) {
                "identifier" => Some(p),
                "assignment_pattern" => ts::field(p, "left"),
                "required_parameter" | "optional_parameter" => ts::field(p, "pattern"),
                _ => None,
            }?;
            (ts::kind(id) == "identifier").then(|| self.text(id).to_string())
        };
        let params = match (ts::field(node, "parameters"), ts::field(node, "parameter")) {
            (Some(list), _) => ts::named_children(list).into_iter().map(param).collect(),
            (None, Some(single)) => vec![param(single)],
            (None, None) => Vec::new(),
        };
        if let Some(body) = ts::field(node, "body")
            && ts::kind(body) != "statement_block"
        {
            Calls::ret(&name, node, body, out);
        }
        self.calls.def(&name, node, params);
        self.functions.insert(node.start_byte(), name);
    }

    /// `return e` inside a named function.
    fn return_statement(&self, node: Node<'_>, ctx: &Ctx<'_>, out: &mut Out<'_>) {
        let kinds = [
            "function_declaration",
            "function_expression",
            "function",
            "generator_function_declaration",
            "generator_function",
            "arrow_function",
            "method_definition",
        ];
        if let (Some(value), Some(def)) = (node.named_child(0), calls::enclosing(ctx, &kinds))
            && let Some(name) = self.functions.get(&def.start_byte())
        {
            Calls::ret(name, def, value, out);
        }
    }

    /// `name(args)`, when the callee is a plain name.
    fn plain_call(&mut self, node: Node<'_>, function: Node<'_>) {
        if ts::kind(function) != "identifier" {
            return;
        }
        let Some(args) = ts::field(node, "arguments").filter(|a| ts::kind(*a) == "arguments")
        else {
            return;
        };
        let positional = ts::named_children(args)
            .into_iter()
            .take_while(|a| ts::kind(*a) != "spread_element")
            .map(|a| (a.start_byte(), a.end_byte()))
            .collect();
        self.calls.call(self.text(function), positional, Vec::new());
    }

    fn visit(&mut self, node: Node<'_>, ctx: &Ctx<'_>, out: &mut Out<'_>) {
        match ctx.kind {
            "import_statement" => self.import(node, out),
            "variable_declarator" => self.declaration(node, out),
            "assignment_expression" | "augmented_assignment_expression" | "for_in_statement" => {
                self.assignment(node, ctx.kind == "assignment_expression", out)
            }
            "function_declaration"
            | "function_expression"
            | "function"
            | "generator_function_declaration"
            | "generator_function"
            | "arrow_function"
            | "method_definition" => {
                out.sink
                    .scope(out.origin, node.start_byte(), node.end_byte());
                self.function(node, ctx, out);
            }
            "return_statement" => self.return_statement(node, ctx, out),
            "pair" => self.mail_header(node, out),
            "shorthand_property_identifier" => {
                out.sink
                    .reference(out.origin, self.text(node), node.start_byte());
            }
            "call_expression" => self.call(node, out),
            "new_expression" => self.new_expression(node, out),
            "member_expression" | "subscript_expression" => self.member(node, ctx, out),
            "identifier" => self.identifier(node, ctx, out),
            "string" | "template_string" if ctx.parent_kind() != "import_statement" => {
                let value = self.string_value(node);
                out.push(node, FactKind::Str { value });
            }
            _ => {}
        }
    }

    /// `import x, {a as b}, * as ns from 'm'`, `import x = require('m')`.
    fn import(&mut self, node: Node<'_>, out: &mut Out<'_>) {
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
        out.push(node, FactKind::Import { module });
    }

    /// `const x = …`, `let {a, b: c} = …`: flows, constants, and names
    /// bound to what the value resolves to.
    fn declaration(&mut self, node: Node<'_>, out: &mut Out<'_>) {
        let (Some(name), Some(value)) = (ts::field(node, "name"), ts::field(node, "value")) else {
            return;
        };
        // The whole declarator: `const {TOKEN} = process.env` reads
        // the key in the pattern.
        self.bind_flow(name, node, node.start_byte(), out);
        if ts::kind(name) == "identifier" {
            self.assign_const(self.text(name), value, out.origin, out.sink);
            self.assign_folded(self.text(name), value);
        }
        self.hidden.set(false);
        let Some(base) = self.resolve(value, true) else {
            return;
        };
        // `const run = globalThis['ev' + 'al']`: the hiding is where the
        // name is bound.
        if self.hidden.replace(false) {
            super::hidden_lookup(value, &base, out);
        }
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
                let path = format!("{base}.{key}");
                out.push(at, FactKind::Member { path });
            }
        }
    }

    /// `x = …`, `x += …`, `for (x in …)`; `plain` is a plain `=`.
    fn assignment(&mut self, node: Node<'_>, plain: bool, out: &mut Out<'_>) {
        if let (Some(left), Some(right)) = (ts::field(node, "left"), ts::field(node, "right")) {
            self.bind_flow(left, right, node.start_byte(), out);
            if plain && ts::kind(left) == "identifier" {
                self.assign_const(self.text(left), right, out.origin, out.sink);
                self.assign_folded(self.text(left), right);
            }
        }
    }

    /// `name = 42`, `name = [99, 117, …]`: a number or an array the name
    /// now stands for, or none.
    fn assign_folded(&mut self, name: &str, value: Node<'_>) {
        match self.eval(value, None, 0) {
            Some(Val::Int(i)) => {
                self.nums.insert(name.to_string(), i);
            }
            _ => {
                self.nums.remove(name);
            }
        }
        let is_seq = matches!(ts::kind(value), "array" | "call_expression")
            || (ts::kind(value) == "identifier" && self.seqs.contains_key(self.text(value)));
        match is_seq.then(|| self.seq(value, 0)).flatten() {
            Some(items) => {
                self.seqs.insert(name.to_string(), items);
            }
            None => {
                self.seqs.remove(name);
            }
        }
    }

    /// `{bcc: "…"}` (see [`super::mail_header`]).
    fn mail_header(&self, node: Node<'_>, out: &mut Out<'_>) {
        if let (Some(key), Some(value)) = (ts::field(node, "key"), ts::field(node, "value"))
            && super::is_bcc(self.text(key))
        {
            super::mail_header(
                Language::JavaScript,
                self.text(key),
                self.fold(value, 0),
                (node.start_byte(), node.end_byte()),
                out.origin,
                out.sink,
            );
        }
    }

    fn call(&mut self, node: Node<'_>, out: &mut Out<'_>) {
        let Some(function) = ts::field(node, "function") else {
            return;
        };
        self.container_write(node, function, out);
        self.plain_call(node, function);
        let args = ts::field(node, "arguments")
            .filter(|a| ts::kind(*a) == "arguments")
            .map(|a| self.arguments(a))
            .unwrap_or_default();
        self.hidden.set(false);
        let callee = if ts::kind(function) == "import" {
            "import".to_string()
        } else if let Some(c) = self.resolve(function, false) {
            c
        } else {
            return;
        };
        if self.hidden.replace(false) {
            super::hidden_lookup(function, &callee, out);
        }
        if matches!(callee.as_str(), "require" | "import") {
            match args.first() {
                Some(Arg::Literal(m)) => {
                    let module = module_name(m);
                    out.push(node, FactKind::Import { module });
                }
                // `require('child_' + 'process')`: the module, and the hiding.
                Some(Arg::Dynamic(_)) => {
                    if let Some(first) = ts::field(node, "arguments").and_then(|a| a.named_child(0))
                        && let Some(m) = self.fold(first, 0)
                    {
                        let module = module_name(&m);
                        super::hidden_lookup(first, &module, out);
                        out.push(node, FactKind::Import { module });
                    }
                }
                None => {}
            }
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
            out.run_by_shell(first, code);
        }
        if let Some(list) = ts::field(node, "arguments") {
            self.record_arguments(list, out.origin, out.sink);
        }
        if runs_argv(&callee) {
            self.argv_command(node, out);
        }
        Self::push_call(out, node, callee, args);
    }

    /// `new Koa()`: a call of the constructor.
    fn new_expression(&self, node: Node<'_>, out: &mut Out<'_>) {
        let Some(ctor) = ts::field(node, "constructor") else {
            return;
        };
        let Some(callee) = self.resolve(ctor, false) else {
            return;
        };
        let args = ts::field(node, "arguments")
            .map(|a| self.arguments(a))
            .unwrap_or_default();
        Self::push_call(out, node, callee, args);
    }

    /// A call fact (JavaScript has no keyword arguments).
    fn push_call(out: &mut Out<'_>, node: Node<'_>, callee: String, args: Vec<Arg>) {
        let kwargs = Vec::new();
        out.push(
            node,
            FactKind::Call {
                callee,
                args,
                kwargs,
            },
        );
    }

    /// `process.env.HOME`, `process.env['HOME']`: a member path rooted in
    /// an import or a known global.
    fn member(&self, node: Node<'_>, ctx: &Ctx<'_>, out: &mut Out<'_>) {
        if ctx.is("member_expression", "object")
            || ctx.is("subscript_expression", "object")
            || ctx.is("call_expression", "function")
            || ctx.is("new_expression", "constructor")
            || self.is_binding_site(ctx)
        {
            return;
        }
        if let Some(path) = self.resolve_known(node) {
            out.push(node, FactKind::Member { path });
        }
    }

    /// A name read (for flows), and a name bound to a module path passed on
    /// (`f(env)` after `const {env} = process`).
    fn identifier(&self, node: Node<'_>, ctx: &Ctx<'_>, out: &mut Out<'_>) {
        if !(ctx.field == Some("name") || ctx.parent_kind() == "formal_parameters") {
            out.sink
                .reference(out.origin, self.text(node), node.start_byte());
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
        if let Some(path) = alias_path(&self.aliases, self.text(node)) {
            out.push(node, FactKind::Member { path });
        }
    }

    /// `list.push(x)`, `form.append(k, x)`, `Object.assign(o, x)`: the
    /// container now holds the arguments' values.
    fn container_write(&self, call: Node<'_>, function: Node<'_>, out: &mut Out<'_>) {
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
            out.sink
                .bind(out.origin, self.text(obj), call.start_byte(), span);
        } else if self.text(obj) == "Object"
            && method == "assign"
            && let Some(target) = args.named_child(0)
            && ts::kind(target) == "identifier"
        {
            out.sink
                .bind(out.origin, self.text(target), call.start_byte(), span);
        }
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

    /// `spawn("curl", ["-d", x, url])` is the shell command `curl -d … url`:
    /// a command fact for the shell rules. Strings are their values, other
    /// elements their source text; `spawn("sh", ["-c", "…"])` hands its
    /// script to the shell frontend.
    fn argv_command(&self, call: Node<'_>, out: &mut Out<'_>) {
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
        let string = |n: Node<'_>| {
            matches!(ts::kind(n), "string" | "template_string").then(|| self.string_value(n))
        };
        // `spawn('bash', ['-c', cmd])`: a script that folds is shell code.
        let script = |n: Node<'_>| self.fold(n, 0).or_else(|| string(n));
        let span = (list.start_byte(), list.end_byte());
        super::argv_command(&program, &elems, self.src, string, script, span, out);
    }
}

#[cfg(test)]
mod tests;
