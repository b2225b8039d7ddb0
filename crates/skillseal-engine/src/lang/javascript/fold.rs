//! Folding and resolving in JavaScript: this grammar's [`Folder`]
//! (templates, `String.fromCharCode`, `join`, `split`, `atob`,
//! `Buffer.from(…, 'base64')`...) and dotted paths resolved through
//! aliases (`cp.exec` → `child_process.exec`).

use super::{GLOBALS, Js, module_name};
use crate::lang::fold::{self, Folder, Literal, MAX_ITEMS, MAX_SEGMENTS, Path, Syntax, Val};
use crate::lang::{ts, unescape};
use tree_sitter::Node;

impl Folder for Js<'_> {
    const SYNTAX: Syntax = Syntax {
        binary: "binary_expression",
        lists: &["array"],
        template: "template_string",
        fragment: "string_fragment",
        substitution: "template_substitution",
        substitution_field: None,
        template_delimiters: &[],
        written: &["string", "identifier", "number"],
        members: &["member_expression", "subscript_expression"],
        integer: "number",
        unary: "unary_expression",
        subscript: "subscript_expression",
        subscript_value: "object",
        subscript_index: "index",
        negative_index: false,
    };

    fold::folder_fields!();

    fn string_literal(&self, n: Node<'_>) -> Option<Literal> {
        match ts::kind(n) {
            "string" => Some(Literal::Value(self.string_value(n))),
            "template_string" => Some(Literal::Template),
            _ => None,
        }
    }

    /// `String.fromCharCode`/`fromCodePoint` and `charCodeAt`/`codePointAt`
    /// of values [`Folder::eval`] computes.
    fn eval_call(&self, n: Node<'_>, var: Option<(&str, &Val)>, d: usize) -> Option<Val> {
        let (obj, method, args) = self.method_call(n)?;
        match (method, args.as_slice()) {
            ("fromCharCode" | "fromCodePoint", [a]) if self.text(obj) == "String" => {
                fold::char_of(self.eval(*a, var, d)?.int()?).map(Val::Str)
            }
            ("charCodeAt" | "codePointAt", [i]) => {
                let s = self.eval(obj, var, d)?.into_str()?;
                let i = usize::try_from(self.eval(*i, var, d)?.int()?).ok()?;
                let c = s.chars().nth(i)?;
                Some(Val::Int(i64::from(u32::from(c))))
            }
            _ => None,
        }
    }

    /// Calls; the rest is folded by [`Folder::fold`].
    fn fold_other(&self, n: Node<'_>, d: usize) -> Option<String> {
        match ts::kind(n) {
            "call_expression" => self.fold_call(n, d),
            _ => None,
        }
    }
}

impl Js<'_> {
    /// `obj.method(args)`: the object, the method's name and the
    /// arguments; `None` for any other node.
    fn method_call<'t>(&self, n: Node<'t>) -> Option<(Node<'t>, &str, Vec<Node<'t>>)> {
        if ts::kind(n) != "call_expression" {
            return None;
        }
        let function = ts::field(n, "function")?;
        if ts::kind(function) != "member_expression" {
            return None;
        }
        let args = ts::named_children(ts::field(n, "arguments")?);
        let method = self.text(ts::field(function, "property")?);
        Some((ts::field(function, "object")?, method, args))
    }

    fn fold_call(&self, n: Node<'_>, d: usize) -> Option<String> {
        let function = ts::field(n, "function")?;
        let args = ts::named_children(ts::field(n, "arguments")?);
        if ts::kind(function) == "identifier" {
            return match self.text(function) {
                "atob" => fold::base64_text(&self.fold(*args.first()?, d)?),
                "decodeURIComponent" | "decodeURI" | "unescape" => {
                    fold::percent_decode(&self.fold(*args.first()?, d)?, false)
                }
                // `decodeURIComponent(escape(s))`: ASCII text stays itself.
                "escape" => Some(self.fold(*args.first()?, d)?).filter(|s| s.is_ascii()),
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
            // `String.fromCharCode.apply(null, codes)`
            "apply"
                if matches!(
                    self.text(obj),
                    "String.fromCharCode" | "String.fromCodePoint"
                ) =>
            {
                let mut out = Vec::new();
                for v in self.seq(*args.get(1)?, d)? {
                    out.push(fold::char_of(v.int()?)?);
                }
                fold::concat(out)
            }
            "fromCharCode" | "fromCodePoint" if self.text(obj) == "String" => {
                let mut out = Vec::new();
                for a in &args {
                    if ts::kind(*a) == "spread_element" {
                        for v in self.seq(a.named_child(0)?, d)? {
                            out.push(fold::char_of(v.int()?)?);
                        }
                    } else {
                        out.push(fold::char_of(self.eval(*a, None, d)?.int()?)?);
                    }
                }
                fold::concat(out)
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
                let first = *bargs.first()?;
                // `Buffer.from([99, 117, …]).toString()`
                if matches!(ts::kind(first), "array" | "identifier" | "call_expression")
                    && let Some(text) = self.seq(first, d).and_then(|c| fold::bytes_text(&c))
                {
                    return Some(text);
                }
                let data = self.fold(first, d)?;
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
            "array" => self.fold_elements(n, d),
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
                    "map" => self.seq(n, d)?.into_iter().map(Val::into_str).collect(),
                    _ => None,
                }
            }
            "identifier" if self.seqs.contains_key(self.text(n)) => self
                .seqs
                .get(self.text(n))?
                .iter()
                .map(|v| v.clone().into_str())
                .collect(),
            _ => None,
        }
    }

    /// The items of an array built from literals: an array literal, a name
    /// bound to one, `s.split('')`, `Array.from(s)`, `arr.map(x => …)`,
    /// `.reverse()`.
    pub(super) fn seq(&self, n: Node<'_>, d: usize) -> Option<Vec<Val>> {
        if d > fold::MAX_DEPTH {
            return None;
        }
        let d = d + 1;
        match ts::kind(n) {
            "array" => {
                let items = ts::named_children(n);
                if items.len() > MAX_ITEMS {
                    return None;
                }
                items.into_iter().map(|c| self.eval(c, None, d)).collect()
            }
            "identifier" if self.seqs.contains_key(self.text(n)) => {
                self.seqs.get(self.text(n)).cloned()
            }
            "parenthesized_expression" => self.seq(n.named_child(0)?, d),
            "call_expression" => {
                let (obj, method, args) = self.method_call(n)?;
                match (method, args.as_slice()) {
                    ("map", [cb]) if ts::kind(*cb) == "arrow_function" => {
                        let items = self.seq(obj, d)?;
                        let body = ts::field(*cb, "body")?;
                        let param =
                            match (ts::field(*cb, "parameter"), ts::field(*cb, "parameters")) {
                                (Some(p), _) => p,
                                (None, Some(ps)) => {
                                    let ps = ts::named_children(ps);
                                    let [p] = ps.as_slice() else { return None };
                                    *p
                                }
                                _ => return None,
                            };
                        if ts::kind(param) != "identifier" {
                            return None;
                        }
                        let var = self.text(param);
                        items
                            .iter()
                            .map(|item| {
                                if crate::budget::tick() {
                                    return None;
                                }
                                self.eval(body, Some((var, item)), d)
                            })
                            .collect()
                    }
                    ("reverse", []) => {
                        let mut v = self.seq(obj, d)?;
                        v.reverse();
                        Some(v)
                    }
                    _ => Some(self.fold_items(n, d)?.into_iter().map(Val::Str).collect()),
                }
            }
            _ => None,
        }
    }

    /// Quotes stripped and escapes decoded; template substitutions stay
    /// as written.
    pub(super) fn string_value(&self, n: Node<'_>) -> String {
        let t = self.text(n);
        let body = ["`", "\"", "'"]
            .iter()
            .find_map(|q| t.strip_prefix(q).map(|r| r.strip_suffix(q).unwrap_or(r)))
            .unwrap_or(t);
        unescape(body)
    }

    /// Whether `n`'s `constructor` is `Function`: a function literal, a
    /// method of an array, string or object literal (`[].filter`,
    /// `''.big`), or another `constructor` (`x.constructor.constructor`).
    fn makes_function(&self, n: Node<'_>) -> bool {
        let mut n = n;
        while ts::kind(n) == "parenthesized_expression" {
            match n.named_child(0) {
                Some(c) => n = c,
                None => return false,
            }
        }
        match ts::kind(n) {
            _ if is_function_literal(n) => true,
            "member_expression" | "subscript_expression" => {
                let Some(object) = ts::field(n, "object") else {
                    return false;
                };
                let name = if ts::kind(n) == "member_expression" {
                    ts::field(n, "property").map(|p| self.text(p).to_string())
                } else {
                    ts::field(n, "index").and_then(|i| self.fold(i, 0))
                };
                name.as_deref() == Some("constructor")
                    || matches!(
                        ts::kind(object),
                        "array" | "string" | "template_string" | "object" | "number"
                    )
            }
            _ => false,
        }
    }

    pub(super) fn resolve_known(&self, n: Node<'_>) -> Option<String> {
        let base = fold::base_name(n, Self::SYNTAX.members)?;
        let name = self.text(base);
        if !(self.aliases.contains_key(name) || GLOBALS.contains(&name)) {
            return None;
        }
        self.resolve(n, false)
    }

    /// The dotted path an expression denotes, through aliases:
    /// `cp.exec` → `child_process.exec`, `require('fs').readFileSync` →
    /// `fs.readFileSync`, `process.env['HOME']` → `process.env.HOME`.
    /// With `module_only`, only expressions rooted in `require`/`import()`
    /// or a known alias resolve (for declarations).
    pub(super) fn resolve(&self, n: Node<'_>, module_only: bool) -> Option<String> {
        let mut path = Path::default();
        let mut cur = n;
        for _ in 0..MAX_SEGMENTS {
            match ts::kind(cur) {
                "identifier" | "this" => {
                    let name = self.text(cur);
                    let known = self.aliases.get(name);
                    if module_only && known.is_none() && !GLOBALS.contains(&name) {
                        return None;
                    }
                    let path = path.named(known.map_or(name, |s| s.as_str()));
                    return Some(path.replace(".[]", "[]"));
                }
                "member_expression" | "subscript_expression" => {
                    let object = ts::field(cur, "object")?;
                    let name = if ts::kind(cur) == "member_expression" {
                        self.text(ts::field(cur, "property")?).to_string()
                    } else {
                        let index = ts::field(cur, "index")?;
                        match self.fold(index, 0) {
                            // `globalThis['ev' + 'al']` is `globalThis.eval`.
                            Some(v) if ts::kind(index) == "string" => v,
                            Some(v) => {
                                self.hidden.set(true);
                                v
                            }
                            // A computed key is written `[]`: `process.env[k]`
                            // is `process.env[]`, not the whole object.
                            None => {
                                // `globalThis[name]`: a global looked up by
                                // a name that does not fold.
                                if path.is_empty()
                                    && ts::kind(object) == "identifier"
                                    && matches!(
                                        self.text(object),
                                        "globalThis" | "window" | "global" | "self"
                                    )
                                {
                                    self.hidden.set(true);
                                }
                                "[]".to_string()
                            }
                        }
                    };
                    // `(function(){}).constructor`, `[].filter.constructor`,
                    // `x.constructor.constructor`: the `Function` constructor.
                    if name == "constructor" && path.is_empty() && self.makes_function(object) {
                        // `(async () => {}).constructor` is the one way to
                        // reach `AsyncFunction`: an idiom, not a hiding
                        // place, when written plainly on a function.
                        let idiom =
                            ts::kind(cur) == "member_expression" && is_function_literal(object);
                        if !idiom {
                            self.hidden.set(true);
                        }
                        let base = if path.called() {
                            "Function()"
                        } else {
                            "Function"
                        };
                        return Some(base.to_string());
                    }
                    path.member(name);
                    cur = object;
                }
                "new_expression" => {
                    if !path.call() {
                        return None;
                    }
                    cur = ts::field(cur, "constructor")?;
                }
                "call_expression" => {
                    let f = ts::field(cur, "function")?;
                    let is_loader = ts::kind(f) == "import" || self.text(f) == "require";
                    if is_loader {
                        let arg = ts::field(cur, "arguments")?.named_child(0)?;
                        // `require('child_' + 'process')` is that module.
                        let module = match ts::kind(arg) {
                            "string" => self.string_value(arg),
                            _ => {
                                let m = self.fold(arg, 0)?;
                                self.hidden.set(true);
                                m
                            }
                        };
                        return Some(path.rooted(module_name(&module)));
                    }
                    // In a declaration, one call on a known name binds its
                    // result: `const app = express()` makes `app.listen`
                    // `express().listen`.
                    if path.called() || (module_only && !path.is_empty()) {
                        return None;
                    }
                    path.call();
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

/// A function written in place (`function () {}`, `async () => {}`),
/// through parentheses.
fn is_function_literal(n: Node<'_>) -> bool {
    let mut n = n;
    for _ in 0..MAX_SEGMENTS {
        match ts::kind(n) {
            "parenthesized_expression" => match n.named_child(0) {
                Some(c) => n = c,
                None => return false,
            },
            k => {
                return matches!(
                    k,
                    "function_expression" | "function" | "arrow_function" | "generator_function"
                );
            }
        }
    }
    false
}
