//! Folding and resolving in JavaScript: this grammar's [`Folder`]
//! (templates, `String.fromCharCode`, `join`, `split`, `atob`,
//! `Buffer.from(…, 'base64')`...) and dotted paths resolved through
//! aliases (`cp.exec` → `child_process.exec`).

use super::{GLOBALS, Js, module_name};
use crate::lang::fold::{self, Folder, Literal, MAX_SEGMENTS, Path, Syntax};
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
    };

    fold::folder_fields!();

    fn string_literal(&self, n: Node<'_>) -> Option<Literal> {
        match ts::kind(n) {
            "string" => Some(Literal::Value(self.string_value(n))),
            "template_string" => Some(Literal::Template),
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
                    "map" => {
                        let cb = self.text(*args.first()?);
                        if !cb.contains("String.fromCharCode(") {
                            return None;
                        }
                        self.char_items(obj)
                    }
                    _ => None,
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
                "member_expression" => {
                    path.member(self.text(ts::field(cur, "property")?).to_string());
                    cur = ts::field(cur, "object")?;
                }
                "subscript_expression" => {
                    let index = ts::field(cur, "index")?;
                    let s = if ts::kind(index) == "string" {
                        self.string_value(index)
                    } else {
                        // A computed key is written `[]`: `process.env[k]`
                        // is `process.env[]`, not the whole object.
                        "[]".to_string()
                    };
                    path.member(s);
                    cur = ts::field(cur, "object")?;
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
                        if ts::kind(arg) != "string" {
                            return None;
                        }
                        return Some(path.rooted(module_name(&self.string_value(arg))));
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
