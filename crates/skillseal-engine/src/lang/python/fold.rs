//! Folding and resolving in Python: this grammar's [`Folder`] (f-strings,
//! `s[::-1]`, `chr`, `join`, `bytes`, `base64`...) and dotted names
//! resolved through imports (`sp.run` → `subprocess.run`).

use super::{Py, has_interpolation};
use crate::lang::fold::{self, Folder, Literal, MAX_SEGMENTS, Path, Syntax};
use crate::lang::{ts, unescape};
use tree_sitter::Node;

impl Folder for Py<'_> {
    const SYNTAX: Syntax = Syntax {
        binary: "binary_operator",
        lists: &["list", "tuple"],
        template: "string",
        fragment: "string_content",
        substitution: "interpolation",
        substitution_field: Some("expression"),
        template_delimiters: &["string_start", "string_end"],
        written: &["concatenated_string", "identifier", "integer"],
        members: &["attribute"],
    };

    fold::folder_fields!();

    /// A string: an f-string with `{placeholders}` is a template; a string
    /// or concatenation without is its value.
    fn string_literal(&self, n: Node<'_>) -> Option<Literal> {
        match ts::kind(n) {
            "string" if has_interpolation(n) => Some(Literal::Template),
            "string" | "concatenated_string" if !has_interpolation(n) => {
                Some(Literal::Value(self.literal(n)))
            }
            _ => None,
        }
    }

    /// `s[::-1]` and calls; the rest is folded by [`Folder::fold`].
    fn fold_other(&self, n: Node<'_>, d: usize) -> Option<String> {
        match ts::kind(n) {
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
}

impl Py<'_> {
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
    pub(super) fn fold_items(&self, n: Node<'_>, d: usize) -> Option<Vec<String>> {
        match ts::kind(n) {
            "list" | "tuple" => self.fold_elements(n, d),
            "call" => {
                let f = self.text(ts::field(n, "function")?);
                let args = ts::named_children(ts::field(n, "arguments")?);
                match (f, args.as_slice()) {
                    ("reversed", [x]) => {
                        Some(self.fold(*x, d)?.chars().rev().map(String::from).collect())
                    }
                    ("map", [g, list]) if self.text(*g) == "chr" => self.char_items(*list),
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
                self.char_items(list)
            }
            _ => Some(self.fold(n, d)?.chars().map(String::from).collect()),
        }
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

    pub(super) fn literal(&self, n: Node<'_>) -> String {
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
    pub(super) fn string_value(&self, n: Node<'_>) -> String {
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
    pub(super) fn resolve_known(&self, n: Node<'_>) -> Option<String> {
        let base = fold::base_name(n, Self::SYNTAX.members)?;
        if !self.aliases.contains_key(self.text(base)) {
            return None;
        }
        self.resolve(n)
    }

    /// The dotted name an expression denotes, through import aliases:
    /// `sp.run` → `subprocess.run`, `__import__('os').system` → `os.system`,
    /// `requests.Session().get` → `requests.Session().get`.
    pub(super) fn resolve(&self, n: Node<'_>) -> Option<String> {
        self.resolve_in(n, 0)
    }

    /// [`Self::resolve`], `depth` levels into folding and `getattr`.
    pub(super) fn resolve_in(&self, n: Node<'_>, depth: usize) -> Option<String> {
        if depth > fold::MAX_DEPTH {
            return None;
        }
        let mut path = Path::default();
        let mut cur = n;
        for _ in 0..MAX_SEGMENTS {
            match ts::kind(cur) {
                "identifier" => {
                    let name = self.text(cur);
                    return Some(path.named(self.aliases.get(name).map_or(name, |s| s.as_str())));
                }
                "attribute" => {
                    path.member(self.text(ts::field(cur, "attribute")?).to_string());
                    cur = ts::field(cur, "object")?;
                }
                "call" => {
                    let f = ts::field(cur, "function")?;
                    let ftext = self.text(f);
                    if matches!(ftext, "__import__" | "importlib.import_module") {
                        let arg = ts::field(cur, "arguments")?.named_child(0)?;
                        return Some(path.rooted(self.fold(arg, depth + 1)?));
                    }
                    // `getattr(builtins, "ex" + "ec")` is `builtins.exec`.
                    if ftext == "getattr" && !path.called() {
                        let args = ts::named_children(ts::field(cur, "arguments")?);
                        let (Some(obj), Some(attr)) = (args.first(), args.get(1)) else {
                            return None;
                        };
                        let attr = self.fold(*attr, depth + 1)?;
                        let mut base = self.resolve_in(*obj, depth + 1)?;
                        if let Some(b) = base.strip_prefix("builtins.") {
                            base = b.to_string();
                        }
                        path.member(attr);
                        if base == "builtins" {
                            return Some(path.finish());
                        }
                        return Some(path.rooted(base));
                    }
                    if !path.call() {
                        return None;
                    }
                    cur = f;
                }
                "parenthesized_expression" => cur = cur.named_child(0)?,
                _ => return None,
            }
        }
        None
    }

    /// Whether an expression's base is an imported (or bound) name, or
    /// `__import__('x')`.
    pub(super) fn rooted_in_import(&self, n: Node<'_>) -> bool {
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
}
