//! Folding and resolving in Python: this grammar's [`Folder`] (f-strings,
//! `s[::-1]`, `chr`, `join`, `bytes`, `base64`...) and dotted names
//! resolved through imports (`sp.run` → `subprocess.run`).

use super::{Py, has_interpolation};
use crate::lang::fold::{self, Folder, Literal, MAX_ITEMS, MAX_SEGMENTS, Path, Syntax, Val};
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
        integer: "integer",
        unary: "unary_operator",
        subscript: "subscript",
        subscript_value: "value",
        subscript_index: "subscript",
        negative_index: true,
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

    /// `chr`, `ord` and `int` of values [`Folder::eval`] computes.
    fn eval_call(&self, n: Node<'_>, var: Option<(&str, &Val)>, d: usize) -> Option<Val> {
        if ts::kind(n) != "call" {
            return None;
        }
        let f = self.text(ts::field(n, "function")?);
        let args = ts::named_children(ts::field(n, "arguments")?);
        match (f, args.as_slice()) {
            ("chr", [a]) => fold::char_of(self.eval(*a, var, d)?.int()?).map(Val::Str),
            ("ord", [a]) => {
                let s = self.eval(*a, var, d)?.into_str()?;
                let mut it = s.chars();
                match (it.next(), it.next()) {
                    (Some(c), None) => Some(Val::Int(i64::from(u32::from(c)))),
                    _ => None,
                }
            }
            ("int", [a]) => {
                let s = self.eval(*a, var, d)?.into_str()?;
                s.trim().parse().ok().map(Val::Int)
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
        let (function, args) = call_parts(n)?;
        match ts::kind(function) {
            "identifier" => match self.text(function) {
                "chr" => fold::char_of(self.eval(*args.first()?, None, d)?.int()?),
                "str" => self.fold(*args.first()?, d),
                _ => None,
            },
            "attribute" => {
                let obj = ts::field(function, "object")?;
                let method = self.text(ts::field(function, "attribute")?);
                if let Some(v) = self.fold_text_decoder(function, &args, d) {
                    return Some(v);
                }
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
                    // `zlib.decompress(…)`, `base64.b64decode(…)`: bytes
                    // that are text (`exec` takes them as they are).
                    _ => self.fold_bytes(n, d),
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
                    ("map", [_, _]) => self.seq(n, d)?.into_iter().map(Val::into_str).collect(),
                    _ => None,
                }
            }
            // `chr(c ^ K) for c in DATA`, `parts[i] for i in [2, 0, 1]`.
            "generator_expression" | "list_comprehension" => self
                .comprehension(n, d)?
                .into_iter()
                .map(Val::into_str)
                .collect(),
            "identifier" if self.seqs.contains_key(self.text(n)) => self
                .seqs
                .get(self.text(n))?
                .iter()
                .map(|v| v.clone().into_str())
                .collect(),
            _ => Some(self.fold(n, d)?.chars().map(String::from).collect()),
        }
    }

    /// `bytes([...])`, `bytearray([...])`, `bytes.fromhex("...")`,
    /// `base64.b64decode(...)`, `zlib.decompress(...)`: the text those
    /// bytes are.
    fn fold_bytes(&self, n: Node<'_>, d: usize) -> Option<String> {
        fold::utf8(self.fold_raw(n, d)?)
    }

    /// The bytes a decoding call returns, when its input folds: base64,
    /// base32, base85, ascii85, hex, `bytes(…)` of codes, a layer of
    /// compression.
    fn fold_raw(&self, n: Node<'_>, d: usize) -> Option<Vec<u8>> {
        if d > fold::MAX_DEPTH || ts::kind(n) != "call" {
            return None;
        }
        let d = d + 1;
        let function = ts::field(n, "function")?;
        let arguments = ts::field(n, "arguments")?;
        // `bytes(b ^ K for b in DATA)`: the generator is the argument list.
        let args = if ts::kind(arguments) == "generator_expression" {
            vec![arguments]
        } else {
            ts::named_children(arguments)
        };
        let first = *args.first()?;
        // The input: a string, or the bytes an inner decoder returns.
        let text = || -> Option<String> {
            // An inner decoder is folded once, as bytes; any other
            // expression as a string.
            if self.is_decoder(first, d) {
                return self
                    .fold_raw(first, d)
                    .and_then(|b| String::from_utf8(b).ok());
            }
            self.fold(first, d)
        };
        let callee = self.resolve_in(function, d)?;
        if !DECODERS.contains(&callee.as_str())
            && ts::field(function, "attribute").is_none_or(|a| self.text(a) != "encode")
        {
            return None;
        }
        match callee.as_str() {
            "bytes" | "bytearray" => {
                let codes: Option<Vec<u8>> = self
                    .seq(first, d)?
                    .iter()
                    .map(|v| v.int().and_then(|i| u8::try_from(i).ok()))
                    .collect();
                codes
            }
            "base64.b32decode" => fold::base32_bytes(&text()?),
            "base64.b85decode" => fold::base85_bytes(&text()?, false),
            "base64.a85decode" => fold::base85_bytes(&text()?, true),
            "base64.b16decode" | "bytes.fromhex" | "bytearray.fromhex" | "binascii.unhexlify"
            | "binascii.a2b_hex" => fold::hex_bytes(&text()?),
            "base64.b64decode"
            | "base64.urlsafe_b64decode"
            | "base64.standard_b64decode"
            | "base64.decodebytes"
            | "base64.decodestring"
            | "binascii.a2b_base64" => fold::base64_bytes(&text()?),
            "codecs.decode" => match self.fold(*args.get(1)?, d)?.as_str() {
                "hex" | "hex_codec" => fold::hex_bytes(&text()?),
                "base64" | "base64_codec" => fold::base64_bytes(&text()?),
                "zlib" | "zlib_codec" => fold::inflate(&self.fold_raw(first, d)?),
                _ => None,
            },
            "zlib.decompress" | "gzip.decompress" => fold::inflate(&self.fold_raw(first, d)?),
            _ => {
                // `"...".encode()`
                let method = ts::field(function, "attribute").map(|a| self.text(a));
                if method == Some("encode") {
                    return Some(self.fold(ts::field(function, "object")?, d)?.into_bytes());
                }
                None
            }
        }
    }

    /// Whether `n` calls one of [`DECODERS`].
    fn is_decoder(&self, n: Node<'_>, d: usize) -> bool {
        ts::kind(n) == "call"
            && ts::field(n, "function")
                .and_then(|f| self.resolve_in(f, d))
                .is_some_and(|c| DECODERS.contains(&c.as_str()))
    }

    /// Decoders that return text: `codecs.decode(s, 'rot13')`,
    /// `urllib.parse.unquote(s)` / `unquote_plus`.
    fn fold_text_decoder(&self, function: Node<'_>, args: &[Node<'_>], d: usize) -> Option<String> {
        let callee = self.resolve_in(function, d)?;
        let first = *args.first()?;
        match callee.as_str() {
            "codecs.decode" | "codecs.encode" => {
                let codec = self.fold(*args.get(1)?, d)?.to_ascii_lowercase();
                matches!(codec.as_str(), "rot13" | "rot_13" | "rot-13")
                    .then(|| self.fold(first, d))
                    .flatten()
                    .map(|s| fold::rot13(&s))
            }
            "urllib.parse.unquote" | "urllib.unquote" => {
                fold::percent_decode(&self.fold(first, d)?, false)
            }
            "urllib.parse.unquote_plus" | "urllib.unquote_plus" => {
                fold::percent_decode(&self.fold(first, d)?, true)
            }
            _ => None,
        }
    }

    /// The items of a sequence built from literals: a list or tuple, a
    /// string's characters, a bytes literal's codes, a name bound to one,
    /// `range(…)`, `reversed(…)`, `map(f, …)`, a comprehension, the bytes a
    /// decoder folds to.
    pub(super) fn seq(&self, n: Node<'_>, d: usize) -> Option<Vec<Val>> {
        if d > fold::MAX_DEPTH {
            return None;
        }
        let d = d + 1;
        match ts::kind(n) {
            "list" | "tuple" => {
                let items = ts::named_children(n);
                if items.len() > MAX_ITEMS {
                    return None;
                }
                items.into_iter().map(|c| self.eval(c, None, d)).collect()
            }
            "identifier" if self.seqs.contains_key(self.text(n)) => {
                self.seqs.get(self.text(n)).cloned()
            }
            "string" if self.text(n).starts_with(['b', 'B']) => Some(
                self.string_value(n)
                    .chars()
                    .map(|c| Val::Int(i64::from(u32::from(c))))
                    .collect(),
            ),
            "parenthesized_expression" => self.seq(n.named_child(0)?, d),
            "generator_expression" | "list_comprehension" => self.comprehension(n, d),
            "call" => {
                let (function, args) = call_parts(n)?;
                match (self.text(function), args.as_slice()) {
                    ("range", bounds) if !bounds.is_empty() && bounds.len() <= 3 => {
                        let b: Option<Vec<i64>> = bounds
                            .iter()
                            .map(|a| self.eval(*a, None, d).and_then(|v| v.int()))
                            .collect();
                        let b = b?;
                        let (start, stop, step) = match b.as_slice() {
                            [stop] => (0, *stop, 1),
                            [start, stop] => (*start, *stop, 1),
                            [start, stop, step] => (*start, *stop, *step),
                            _ => return None,
                        };
                        if step == 0 {
                            return None;
                        }
                        let count = (stop - start) / step;
                        if !(0..=MAX_ITEMS as i64).contains(&count) {
                            return None;
                        }
                        Some(
                            (0..=count)
                                .map(|i| start + i * step)
                                .filter(|i| if step > 0 { *i < stop } else { *i > stop })
                                .map(Val::Int)
                                .collect(),
                        )
                    }
                    ("reversed" | "list" | "tuple", [x]) => {
                        let mut v = self.seq(*x, d)?;
                        if self.text(function) == "reversed" {
                            v.reverse();
                        }
                        Some(v)
                    }
                    ("map", [f, x]) => {
                        let items = self.seq(*x, d)?;
                        let (var, body) = match ts::kind(*f) {
                            "lambda" => {
                                let params = ts::named_children(ts::field(*f, "parameters")?);
                                let [p] = params.as_slice() else {
                                    return None;
                                };
                                (self.text(*p), ts::field(*f, "body")?)
                            }
                            _ => ("", *f),
                        };
                        items
                            .iter()
                            .map(|item| {
                                if crate::budget::tick() {
                                    return None;
                                }
                                if var.is_empty() {
                                    // `map(chr, …)`
                                    match self.text(body) {
                                        "chr" => fold::char_of(item.int()?).map(Val::Str),
                                        "ord" => self.eval_ord(item),
                                        _ => None,
                                    }
                                } else {
                                    self.eval(body, Some((var, item)), d)
                                }
                            })
                            .collect()
                    }
                    _ => {
                        let text = self.fold_bytes(n, d)?;
                        Some(text.bytes().map(|b| Val::Int(i64::from(b))).collect())
                    }
                }
            }
            _ => Some(
                self.fold(n, d)?
                    .chars()
                    .map(|c| Val::Str(c.to_string()))
                    .collect(),
            ),
        }
    }

    fn eval_ord(&self, v: &Val) -> Option<Val> {
        let Val::Str(s) = v else { return None };
        let mut it = s.chars();
        match (it.next(), it.next()) {
            (Some(c), None) => Some(Val::Int(i64::from(u32::from(c)))),
            _ => None,
        }
    }

    /// `EXPR for VAR in SEQ` (one `for`, no `if`): each item's value.
    fn comprehension(&self, n: Node<'_>, d: usize) -> Option<Vec<Val>> {
        let body = ts::field(n, "body")?;
        let mut clauses = ts::named_children(n).into_iter().skip(1);
        let clause = clauses.next().filter(|c| ts::kind(*c) == "for_in_clause")?;
        if clauses.next().is_some() {
            return None;
        }
        let left = ts::field(clause, "left")?;
        if ts::kind(left) != "identifier" {
            return None;
        }
        let var = self.text(left);
        let items = self.seq(ts::field(clause, "right")?, d)?;
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
    ///
    /// Lookups that hide a name resolve to it: `getattr(os, 'sys' +
    /// 'tem')` is `os.system`, `globals()['__builtins__']['ev' + 'al']` and
    /// `vars(builtins)['eval']` are `eval`, `__import__('o' + 's')` is `os`.
    /// Such a lookup is remembered in `self.hidden` (see [`Hidden`]); one
    /// whose name does not fold, on the builtins, the module's globals or
    /// an imported module, resolves to `base[]` (`builtins[]`, `os[]`).
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
                    let name = match self.aliases.get(name) {
                        Some(s) => s.as_str(),
                        None if name == "__builtins__" => "builtins",
                        None => name,
                    };
                    return Some(path.named(name));
                }
                "attribute" => {
                    let attr = self.text(ts::field(cur, "attribute")?);
                    let obj = ts::field(cur, "object")?;
                    // `builtins.__dict__`, `os.__dict__`: the namespace.
                    if attr == "__dict__" && !path.called() {
                        cur = obj;
                        continue;
                    }
                    path.member(attr.to_string());
                    cur = obj;
                }
                "subscript" if !path.called() => {
                    let key = ts::field(cur, "subscript")?;
                    let value = ts::field(cur, "value")?;
                    // Only namespaces: `handlers[name]()` names nothing.
                    if !self.rooted_in_import(value) {
                        return None;
                    }
                    let base = self.namespace(value, depth + 1)?;
                    // A namespace read by a name: the globals, the
                    // builtins or a module (`os.__dict__[k]`), never a
                    // value (`run(…).stdout.split()[0]`).
                    if base.contains(['(', '[']) || ts::kind(key) == "integer" {
                        return None;
                    }
                    let name = self.fold(key, depth + 1);
                    self.hide(ts::kind(key) != "string", true);
                    return self.looked_up(path, base, name);
                }
                "call" => {
                    let f = ts::field(cur, "function")?;
                    let ftext = self.text(f);
                    if matches!(ftext, "__import__" | "importlib.import_module") {
                        let arg = ts::field(cur, "arguments")?.named_child(0)?;
                        let module = self.fold(arg, depth + 1)?;
                        self.hide(!matches!(ts::kind(arg), "string"), false);
                        return Some(path.rooted(module));
                    }
                    // `getattr(builtins, "ex" + "ec")` is `builtins.exec`.
                    if ftext == "getattr" && !path.called() {
                        let args = ts::named_children(ts::field(cur, "arguments")?);
                        let (Some(obj), Some(attr)) = (args.first(), args.get(1)) else {
                            return None;
                        };
                        let base = self.namespace(*obj, depth + 1)?;
                        let name = self.fold(*attr, depth + 1);
                        let assembled = name.is_some() && ts::kind(*attr) != "string";
                        let builtin = matches!(base.as_str(), "" | "builtins");
                        // Only a namespace hides a name: `getattr(result,
                        // field)` on a call's result is data.
                        let namespace = !base.contains(['(', '[']);
                        self.hide(namespace && (assembled || name.is_none()), builtin);
                        if name.is_none() && !builtin && !self.aliases.contains_key(&base) {
                            // `getattr(self, name)`: nothing known.
                            return None;
                        }
                        return self.looked_up(path, base, name);
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

    /// The namespace a lookup reads: `""` for the module's own globals
    /// (`globals()`, `locals()`, `vars()`), `builtins` for the builtins
    /// (`__builtins__`, `vars(builtins)`, `builtins.__dict__`,
    /// `globals()['__builtins__']`), else the object's dotted name.
    fn namespace(&self, n: Node<'_>, depth: usize) -> Option<String> {
        if ts::kind(n) == "call"
            && let Some(f) = ts::field(n, "function")
            && let Some(args) = ts::field(n, "arguments")
        {
            match (self.text(f), args.named_child_count()) {
                ("globals" | "locals" | "vars", 0) => return Some(String::new()),
                ("vars", 1) => return self.namespace(args.named_child(0)?, depth + 1),
                _ => {}
            }
        }
        let base = self.resolve_in(n, depth)?;
        Some(match base.as_str() {
            "__builtins__" | "builtins.__dict__" => "builtins".to_string(),
            _ => base,
        })
    }

    /// The name `name` (or, when it does not fold, `[]`) looked up in the
    /// namespace `base`, then `path` read on it.
    fn looked_up(&self, mut path: Path, base: String, name: Option<String>) -> Option<String> {
        let Some(name) = name else {
            return Some(format!(
                "{}[]",
                if base.is_empty() { "globals()" } else { &base }
            ));
        };
        match base.as_str() {
            // `globals()['os']` is whatever `os` is bound to.
            "" => {
                let name = match self.aliases.get(&name) {
                    Some(s) => s.clone(),
                    None if name == "__builtins__" => "builtins".to_string(),
                    None => name,
                };
                Some(path.rooted(name))
            }
            "builtins" => Some(path.rooted(name)),
            _ => {
                path.member(name);
                Some(path.rooted(base))
            }
        }
    }

    /// Record a hiding lookup: its name was assembled at run time, or it
    /// reads the builtins or the globals.
    fn hide(&self, assembled: bool, namespace: bool) {
        if assembled || namespace {
            self.hidden.set(true);
        }
    }

    /// Whether an expression's base is an imported (or bound) name, or
    /// `__import__('x')`.
    pub(super) fn rooted_in_import(&self, n: Node<'_>) -> bool {
        let mut cur = n;
        for _ in 0..MAX_SEGMENTS {
            cur = match ts::kind(cur) {
                "identifier" => {
                    let name = self.text(cur);
                    return self.aliases.contains_key(name) || name == "__builtins__";
                }
                "subscript" => match ts::field(cur, "value") {
                    Some(v) => v,
                    None => return false,
                },
                "attribute" => match ts::field(cur, "object") {
                    Some(o) => o,
                    None => return false,
                },
                "call" => match ts::field(cur, "function") {
                    Some(f)
                        if matches!(
                            self.text(f),
                            "__import__"
                                | "importlib.import_module"
                                | "globals"
                                | "locals"
                                | "vars"
                        ) =>
                    {
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

/// The calls [`Py::fold_raw`] folds: they return bytes.
const DECODERS: &[&str] = &[
    "bytes",
    "bytearray",
    "base64.b32decode",
    "base64.b85decode",
    "base64.a85decode",
    "base64.b16decode",
    "bytes.fromhex",
    "bytearray.fromhex",
    "binascii.unhexlify",
    "binascii.a2b_hex",
    "base64.b64decode",
    "base64.urlsafe_b64decode",
    "base64.standard_b64decode",
    "base64.decodebytes",
    "base64.decodestring",
    "binascii.a2b_base64",
    "codecs.decode",
    "zlib.decompress",
    "gzip.decompress",
];

/// A call's function and its arguments; in `f(x for x in y)` the generator
/// is the argument list.
fn call_parts(n: Node<'_>) -> Option<(Node<'_>, Vec<Node<'_>>)> {
    let function = ts::field(n, "function")?;
    let arguments = ts::field(n, "arguments")?;
    let args = if ts::kind(arguments) == "generator_expression" {
        vec![arguments]
    } else {
        ts::named_children(arguments)
    };
    Some((function, args))
}
