//! Strings assembled at run time from literals: concatenation, `join`,
//! reversal, character codes, `bytes([...])`, `base64` of a literal. The
//! frontends fold such expressions to the value they will have, bounded
//! by [`MAX_DEPTH`] nodes of nesting and [`MAX_LEN`] bytes, so the rules
//! see `curl … | bash` where the code spells `'hsab | ' + …` backwards.
//!
//! The value helpers below serve every frontend. The tree-sitter frontends
//! (Python, JavaScript) also share the walk itself: a [`Folder`] names its
//! grammar's nodes in a [`Syntax`] table and folds what only it has (its
//! calls, Python's `s[::-1]`); names bound to constants, parentheses, `+`,
//! templates and lists are folded here, once. [`Path`] and [`base_name`]
//! are the shared half of resolving a dotted name through aliases.

use super::{ts, unescape};
use crate::facts::{Origin, Sink};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use foldhash::HashMap;
use tree_sitter::Node;

/// Nesting followed when folding one expression.
pub const MAX_DEPTH: usize = 24;
/// Longest folded value.
pub const MAX_LEN: usize = 64 * 1024;

/// Join parts, or nothing when the result would be too long.
pub fn concat<I: IntoIterator<Item = String>>(parts: I) -> Option<String> {
    let mut out = String::new();
    for p in parts {
        if out.len() + p.len() > MAX_LEN {
            return None;
        }
        out.push_str(&p);
    }
    Some(out)
}

/// `items` with `sep` between them (`sep.join(items)`), within [`MAX_LEN`].
pub fn join(items: Vec<String>, sep: &str) -> Option<String> {
    let mut parts = Vec::with_capacity(items.len() * 2);
    for (i, it) in items.into_iter().enumerate() {
        if i > 0 {
            parts.push(sep.to_string());
        }
        parts.push(it);
    }
    concat(parts)
}

/// An integer literal: decimal, `0x`, `0o` or `0b`.
pub fn int(text: &str) -> Option<u32> {
    let t = text.trim().replace('_', "");
    let (digits, radix) = match t.get(..2).map(str::to_ascii_lowercase).as_deref() {
        Some("0x") => (&t[2..], 16),
        Some("0o") => (&t[2..], 8),
        Some("0b") => (&t[2..], 2),
        _ => (t.as_str(), 10),
    };
    u32::from_str_radix(digits, radix).ok()
}

/// Characters from their codes.
pub fn chars(codes: impl IntoIterator<Item = u32>) -> Option<String> {
    let mut out = String::new();
    for c in codes {
        out.push(char::from_u32(c)?);
        if out.len() > MAX_LEN {
            return None;
        }
    }
    Some(out)
}

/// Bytes that are UTF-8 text.
pub fn utf8(bytes: Vec<u8>) -> Option<String> {
    (bytes.len() <= MAX_LEN)
        .then(|| String::from_utf8(bytes).ok())
        .flatten()
}

/// The text a base64 string (standard or URL-safe) stands for.
pub fn base64_text(s: &str) -> Option<String> {
    utf8(base64_bytes(s)?)
}

/// The bytes a base64 string (standard or URL-safe; line breaks ignored)
/// stands for.
pub fn base64_bytes(s: &str) -> Option<Vec<u8>> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if s.len() > MAX_LEN * 2 {
        return None;
    }
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|e| e.decode(&s).ok())
}

/// The text a hex string stands for.
pub fn hex_text(s: &str) -> Option<String> {
    utf8(hex_bytes(s)?)
}

/// The bytes a hex string stands for.
pub fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if !s.len().is_multiple_of(2) || s.len() > MAX_LEN * 2 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// zlib, gzip or raw deflate data (`zlib.decompress`, `gzip.decompress`,
/// `zlib.inflateSync`), decompressed up to [`MAX_LEN`] bytes.
pub fn inflate(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    let limit = MAX_LEN as u64 + 1;
    let ok = match bytes {
        [0x1f, 0x8b, ..] => flate2::read::GzDecoder::new(bytes)
            .take(limit)
            .read_to_end(&mut out)
            .is_ok(),
        [0x78, ..] => flate2::read::ZlibDecoder::new(bytes)
            .take(limit)
            .read_to_end(&mut out)
            .is_ok(),
        _ => flate2::read::DeflateDecoder::new(bytes)
            .take(limit)
            .read_to_end(&mut out)
            .is_ok(),
    };
    (ok && out.len() <= MAX_LEN).then_some(out)
}

/// The bytes an RFC 4648 base32 string stands for (`base64.b32decode`,
/// with or without padding, either case).
pub fn base32_bytes(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let s = s.trim().trim_end_matches('=');
    if s.len() > MAX_LEN * 2 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 5 / 8);
    let (mut acc, mut bits) = (0u64, 0u32);
    for b in s.bytes() {
        let v = ALPHABET.iter().position(|a| *a == b.to_ascii_uppercase())? as u64;
        acc = (acc << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The bytes a base85 string stands for: Python's `b85decode` alphabet
/// (RFC 1924), or with `ascii85`, Adobe's (`a85decode`, `<~ … ~>`, `z`).
pub fn base85_bytes(s: &str, ascii85: bool) -> Option<Vec<u8>> {
    const B85: &[u8] =
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
    let mut s = s.trim();
    if ascii85 {
        s = s.strip_prefix("<~").unwrap_or(s);
        s = s.strip_suffix("~>").unwrap_or(s);
    }
    if s.len() > MAX_LEN * 2 {
        return None;
    }
    let digit = |b: u8| -> Option<u32> {
        if ascii85 {
            (b'!'..=b'u').contains(&b).then(|| u32::from(b - b'!'))
        } else {
            B85.iter().position(|a| *a == b).map(|p| p as u32)
        }
    };
    let mut out = Vec::with_capacity(s.len() * 4 / 5);
    let mut group: Vec<u32> = Vec::with_capacity(5);
    let flush = |group: &mut Vec<u32>, out: &mut Vec<u8>| -> Option<()> {
        if group.is_empty() {
            return Some(());
        }
        let n = group.len();
        // A short final group is padded with the highest digit.
        while group.len() < 5 {
            group.push(84);
        }
        let mut acc: u64 = 0;
        for d in group.iter() {
            acc = acc * 85 + u64::from(*d);
        }
        let word = u32::try_from(acc).ok()?.to_be_bytes();
        out.extend_from_slice(&word[..n - 1]);
        group.clear();
        Some(())
    };
    for b in s.bytes() {
        if ascii85 && b.is_ascii_whitespace() {
            continue;
        }
        if ascii85 && b == b'z' && group.is_empty() {
            out.extend_from_slice(&[0; 4]);
            continue;
        }
        group.push(digit(b)?);
        if group.len() == 5 {
            flush(&mut group, &mut out)?;
        }
    }
    if group.len() == 1 {
        return None;
    }
    flush(&mut group, &mut out)?;
    Some(out)
}

/// `codecs.decode(s, 'rot13')`: letters turned 13 places.
pub fn rot13(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'a'..='m' | 'A'..='M' => char::from(c as u8 + 13),
            'n'..='z' | 'N'..='Z' => char::from(c as u8 - 13),
            _ => c,
        })
        .collect()
}

/// `%XX` escapes decoded (`urllib.parse.unquote`, `decodeURIComponent`;
/// `plus` turns `+` into a space, as `unquote_plus` does; JavaScript's
/// `unescape` also reads `%uXXXX`). `None` when the result is not text.
pub fn percent_decode(s: &str, plus: bool) -> Option<String> {
    if s.len() > MAX_LEN * 3 {
        return None;
    }
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |from: usize, n: usize| {
            s.get(from..from + n)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
        };
        match b[i] {
            b'%' if b.get(i + 1) == Some(&b'u') && hex(i + 2, 4).is_some() => {
                let c = char::from_u32(hex(i + 2, 4)?)?;
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                i += 6;
            }
            b'%' if hex(i + 1, 2).is_some() => {
                out.push(u8::try_from(hex(i + 1, 2)?).ok()?);
                i += 3;
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    utf8(out)
}

/// A value while folding an expression that computes characters: an
/// integer (a character code, a key) or a string.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Int(i64),
    Str(String),
}

impl Val {
    pub fn int(&self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(*i),
            Val::Str(_) => None,
        }
    }

    pub fn into_str(self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s),
            Val::Int(_) => None,
        }
    }
}

/// Integer arithmetic as code folds it: `+ - * ^ & | % << >>`, never
/// overflowing (an overflow folds nothing).
pub fn arith(op: &str, a: i64, b: i64) -> Option<i64> {
    match op {
        "+" => a.checked_add(b),
        "-" => a.checked_sub(b),
        "*" => a.checked_mul(b),
        "^" => Some(a ^ b),
        "&" => Some(a & b),
        "|" => Some(a | b),
        "%" => a.checked_rem_euclid(b),
        "<<" => u32::try_from(b)
            .ok()
            .filter(|b| *b < 32)
            .and_then(|b| a.checked_shl(b)),
        ">>" => u32::try_from(b).ok().filter(|b| *b < 63).map(|b| a >> b),
        _ => None,
    }
}

/// The character with code `c`.
pub fn char_of(c: i64) -> Option<String> {
    char::from_u32(u32::try_from(c).ok()?).map(String::from)
}

/// The bytes `codes` stand for, as text.
pub fn bytes_text(codes: &[Val]) -> Option<String> {
    let bytes: Option<Vec<u8>> = codes
        .iter()
        .map(|v| v.int().and_then(|i| u8::try_from(i).ok()))
        .collect();
    utf8(bytes?)
}

/// Items of a sequence folded at most: longer ones fold nothing.
pub const MAX_ITEMS: usize = 16 * 1024;

/// `s` backwards.
pub fn reverse(s: &str) -> String {
    s.chars().rev().collect()
}

/// `"{} and {}".format(a, b)` / `format!("{}{}", a, b)`: positional `{}`
/// and `{0}` placeholders filled from `args`.
pub fn format_positional(template: &str, args: &[String]) -> Option<String> {
    let mut out = String::new();
    let mut next = 0;
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(t) = tail.strip_prefix("{{") {
            out.push('{');
            rest = t;
        } else if let Some(t) = tail.strip_prefix("}}") {
            out.push('}');
            rest = t;
        } else if tail.starts_with('{') {
            let close = tail.find('}')?;
            let inner = &tail[1..close];
            let name = inner.split(':').next().unwrap_or("");
            let idx = if name.is_empty() {
                next += 1;
                next - 1
            } else {
                name.parse::<usize>().ok()?
            };
            out.push_str(args.get(idx)?);
            rest = &tail[close + 1..];
        } else {
            return None;
        }
        if out.len() > MAX_LEN {
            return None;
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Segments followed along one dotted path (`a.b.c`, `f().g`).
pub const MAX_SEGMENTS: usize = 32;

/// What a tree-sitter grammar calls the nodes a [`Folder`] reads.
pub struct Syntax {
    /// `a + b` (its `operator` field is `+`).
    pub binary: &'static str,
    /// List literals whose elements fold one by one.
    pub lists: &'static [&'static str],
    /// The string kind that holds substitutions (an f-string, a template).
    pub template: &'static str,
    /// A template's literal text.
    pub fragment: &'static str,
    /// A template's substitution, and the field of its expression (its
    /// first named child when `None`).
    pub substitution: &'static str,
    pub substitution_field: Option<&'static str>,
    /// Template children that carry no text (its quotes).
    pub template_delimiters: &'static [&'static str],
    /// Expressions whose value is reported where it is written (literals
    /// and names), so folding them assembles nothing.
    pub written: &'static [&'static str],
    /// Member accesses a dotted path goes through to its base (their
    /// `object` field).
    pub members: &'static [&'static str],
    /// What [`Folder::eval`] computes with: integer literals, unary
    /// operators, and subscripts (`seq[i]`) with the fields of their
    /// sequence and index.
    pub integer: &'static str,
    pub unary: &'static str,
    pub subscript: &'static str,
    pub subscript_value: &'static str,
    pub subscript_index: &'static str,
    /// Whether `seq[-1]` counts from the end (Python) or is nothing
    /// (JavaScript).
    pub negative_index: bool,
}

/// A string literal as folding sees it.
pub enum Literal {
    /// A literal with no substitution: its value.
    Value(String),
    /// A template whose substitutions fold one by one.
    Template,
}

/// A frontend that folds expressions (see the module documentation).
pub trait Folder {
    /// The grammar's node names.
    const SYNTAX: Syntax;

    /// The source the nodes are in.
    fn src(&self) -> &str;
    /// Names last assigned a string that folds to a constant.
    fn consts(&self) -> &HashMap<String, String>;
    fn consts_mut(&mut self) -> &mut HashMap<String, String>;
    /// `n` as a string literal, or `None` when it is not one.
    fn string_literal(&self, n: Node<'_>) -> Option<Literal>;
    /// What only this grammar folds (its calls...), `d` levels deep.
    fn fold_other(&self, n: Node<'_>, d: usize) -> Option<String>;
    /// Names last assigned an integer that folds to a constant.
    fn nums(&self) -> &HashMap<String, i64>;
    /// Names last assigned a sequence that folds to constants.
    fn seqs(&self) -> &HashMap<String, Vec<Val>>;
    /// The items of a sequence built from literals, as this grammar
    /// writes them (lists, `range`, `split`, `map`…).
    fn fold_seq(&self, n: Node<'_>, d: usize) -> Option<Vec<Val>>;
    /// What only this grammar computes from a call (`chr`, `ord`,
    /// `String.fromCharCode`, `charCodeAt`…); `None` for any other call.
    fn eval_call(&self, n: Node<'_>, var: Option<(&str, &Val)>, d: usize) -> Option<Val>;

    /// A value computed from literals, names bound to them and, in a
    /// comprehension or `map` callback, its variable `var`: integers and
    /// their arithmetic, strings, `seq[i]`, the grammar's character calls.
    fn eval(&self, n: Node<'_>, var: Option<(&str, &Val)>, d: usize) -> Option<Val> {
        if d > MAX_DEPTH {
            return None;
        }
        let d = d + 1;
        let text = |n: Node<'_>| ts::text(n, self.src());
        match ts::kind(n) {
            k if k == Self::SYNTAX.integer => int(text(n)).map(|i| Val::Int(i64::from(i))),
            "identifier" => {
                let name = text(n);
                match var {
                    Some((v, val)) if v == name => Some(val.clone()),
                    _ => self
                        .nums()
                        .get(name)
                        .map(|i| Val::Int(*i))
                        .or_else(|| self.consts().get(name).map(|s| Val::Str(s.clone()))),
                }
            }
            "parenthesized_expression" => self.eval(n.named_child(0)?, var, d),
            k if k == Self::SYNTAX.unary => {
                let arg = self.eval(ts::field(n, "argument")?, var, d)?.int()?;
                match text(ts::field(n, "operator")?) {
                    "-" => arg.checked_neg().map(Val::Int),
                    "+" => Some(Val::Int(arg)),
                    "~" => Some(Val::Int(!arg)),
                    _ => None,
                }
            }
            k if k == Self::SYNTAX.binary => {
                let op = text(ts::field(n, "operator")?);
                let l = self.eval(ts::field(n, "left")?, var, d)?;
                let r = self.eval(ts::field(n, "right")?, var, d)?;
                match (l, r) {
                    (Val::Int(a), Val::Int(b)) => arith(op, a, b).map(Val::Int),
                    (Val::Str(a), Val::Str(b)) if op == "+" => concat([a, b]).map(Val::Str),
                    _ => None,
                }
            }
            k if k == Self::SYNTAX.subscript => {
                let index = self
                    .eval(ts::field(n, Self::SYNTAX.subscript_index)?, var, d)?
                    .int()?;
                let value = ts::field(n, Self::SYNTAX.subscript_value)?;
                let nth = |items: &[Val]| -> Option<Val> {
                    let i = if index < 0 && Self::SYNTAX.negative_index {
                        items
                            .len()
                            .checked_sub(usize::try_from(index.checked_neg()?).ok()?)?
                    } else {
                        usize::try_from(index).ok()?
                    };
                    items.get(i).cloned()
                };
                if ts::kind(value) == "identifier"
                    && let Some(items) = self.seqs().get(text(value))
                {
                    return nth(items);
                }
                nth(&self.fold_seq(value, d)?)
            }
            _ => self
                .eval_call(n, var, d)
                .or_else(|| self.fold(n, d).map(Val::Str)),
        }
    }

    /// The string an expression evaluates to, when it is built from
    /// literals and names bound to them.
    fn fold(&self, n: Node<'_>, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        let d = depth + 1;
        match self.string_literal(n) {
            Some(Literal::Value(v)) => return Some(v),
            Some(Literal::Template) => return self.fold_template(n, d),
            None => {}
        }
        match ts::kind(n) {
            "identifier" => self.consts().get(ts::text(n, self.src())).cloned(),
            "parenthesized_expression" => self.fold(n.named_child(0)?, d),
            k if k == Self::SYNTAX.binary => {
                if ts::text(ts::field(n, "operator")?, self.src()) != "+" {
                    return None;
                }
                let l = self.fold(ts::field(n, "left")?, d)?;
                let r = self.fold(ts::field(n, "right")?, d)?;
                concat([l, r])
            }
            _ => self.fold_other(n, d),
        }
    }

    /// A template's text with each substitution folded.
    fn fold_template(&self, n: Node<'_>, d: usize) -> Option<String> {
        let syntax = &Self::SYNTAX;
        let mut parts = Vec::new();
        for c in ts::named_children(n) {
            let kind = ts::kind(c);
            if kind == syntax.fragment {
                parts.push(ts::text(c, self.src()).to_string());
            } else if kind == "escape_sequence" {
                parts.push(unescape(ts::text(c, self.src())));
            } else if kind == syntax.substitution {
                let expr = match syntax.substitution_field {
                    Some(f) => ts::field(c, f),
                    None => c.named_child(0),
                };
                parts.push(self.fold(expr?, d)?);
            } else if !syntax.template_delimiters.contains(&kind) {
                return None;
            }
        }
        concat(parts)
    }

    /// Each element of a list literal, folded.
    fn fold_elements(&self, n: Node<'_>, d: usize) -> Option<Vec<String>> {
        ts::named_children(n)
            .into_iter()
            .map(|c| self.fold(c, d))
            .collect()
    }

    /// A list literal of integer literals.
    fn int_items(&self, n: Node<'_>) -> Option<Vec<u32>> {
        if !Self::SYNTAX.lists.contains(&ts::kind(n)) {
            return None;
        }
        ts::named_children(n)
            .into_iter()
            .map(|c| int(ts::text(c, self.src())))
            .collect()
    }

    /// A list literal of character codes as its characters, one string
    /// each (`map(chr, [...])`, `[...].map(c => String.fromCharCode(c))`).
    fn char_items(&self, n: Node<'_>) -> Option<Vec<String>> {
        self.int_items(n)?.into_iter().map(|c| chars([c])).collect()
    }

    /// Report a folded value when the expression computes it (a literal
    /// or a name is reported where it is written).
    fn record_assembled(&self, n: Node<'_>, value: &str, origin: Origin, sink: &mut Sink) {
        let syntax = &Self::SYNTAX;
        let kind = ts::kind(n);
        let computed = if kind == syntax.template {
            ts::named_children(n)
                .iter()
                .any(|c| ts::kind(*c) == syntax.substitution)
        } else {
            !syntax.written.contains(&kind)
        };
        if computed {
            sink.assembled(origin, value.to_string(), n.start_byte(), n.end_byte());
        }
    }

    /// Report each argument in a call's argument list (a keyword
    /// argument's value) that a computed expression folds to.
    fn record_arguments(&self, list: Node<'_>, origin: Origin, sink: &mut Sink) {
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

    /// `name = value`: `name` now stands for what `value` folds to, or for
    /// no constant.
    fn assign_const(&mut self, name: &str, value: Node<'_>, origin: Origin, sink: &mut Sink) {
        match self.fold(value, 0) {
            Some(v) => {
                self.record_assembled(value, &v, origin, sink);
                self.consts_mut().insert(name.to_string(), v);
            }
            None => {
                self.consts_mut().remove(name);
            }
        }
    }
}

/// The [`Folder`] accessors of a frontend struct with a `src: &str` and a
/// `consts: HashMap<String, String>` field.
macro_rules! folder_fields {
    () => {
        fn src(&self) -> &str {
            self.src
        }

        fn consts(&self) -> &foldhash::HashMap<String, String> {
            &self.consts
        }

        fn consts_mut(&mut self) -> &mut foldhash::HashMap<String, String> {
            &mut self.consts
        }

        fn nums(&self) -> &foldhash::HashMap<String, i64> {
            &self.nums
        }

        fn seqs(&self) -> &foldhash::HashMap<String, Vec<$crate::lang::fold::Val>> {
            &self.seqs
        }

        fn fold_seq(
            &self,
            n: tree_sitter::Node<'_>,
            d: usize,
        ) -> Option<Vec<$crate::lang::fold::Val>> {
            self.seq(n, d)
        }
    };
}
pub(crate) use folder_fields;

/// The name at the base of a chain of member accesses (`a` in `a.b[c].d`),
/// when the chain is nothing else.
pub fn base_name<'t>(n: Node<'t>, members: &[&str]) -> Option<Node<'t>> {
    let mut base = n;
    for _ in 0..MAX_SEGMENTS {
        match ts::kind(base) {
            k if members.contains(&k) => base = ts::field(base, "object")?,
            "identifier" => break,
            _ => return None,
        }
    }
    (ts::kind(base) == "identifier").then_some(base)
}

/// A dotted path read from its end back to its base, as resolving walks
/// an expression: `a.b().c` is read `c`, `b` called, `a`.
#[derive(Default)]
pub struct Path {
    /// Segments, last first.
    segs: Vec<String>,
    /// Whether the next segment read is called.
    called: bool,
}

impl Path {
    /// A member segment (`.name`), written `name()` when it is called.
    pub fn member(&mut self, mut name: String) {
        if std::mem::take(&mut self.called) {
            name.push_str("()");
        }
        self.segs.push(name);
    }

    /// What is read next is called; `false` when it already is (`f()()`).
    pub fn call(&mut self) -> bool {
        !std::mem::replace(&mut self.called, true)
    }

    /// Whether what is read next is called.
    pub fn called(&self) -> bool {
        self.called
    }

    /// Whether no segment has been read.
    pub fn is_empty(&self) -> bool {
        self.segs.is_empty()
    }

    /// The path from `base`, the name it starts at (`name()` when called).
    pub fn named(mut self, base: &str) -> String {
        let mut base = base.to_string();
        if self.called {
            base.push_str("()");
        }
        self.segs.push(base);
        self.finish()
    }

    /// The path from `root`, a module a loader call names (never called).
    pub fn rooted(mut self, root: String) -> String {
        self.segs.push(root);
        self.finish()
    }

    /// The path as read so far, joined with dots.
    pub fn finish(mut self) -> String {
        self.segs.reverse();
        self.segs.join(".")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(int("0x41"), Some(65));
        assert_eq!(int("1_0"), Some(10));
        assert_eq!(chars([104, 105]).as_deref(), Some("hi"));
        assert_eq!(base64_text("aGVsbG8=").as_deref(), Some("hello"));
        assert_eq!(hex_text("6869").as_deref(), Some("hi"));
        assert_eq!(reverse("abc"), "cba");
        assert_eq!(
            join(vec!["a".into(), "b".into()], ", ").as_deref(),
            Some("a, b")
        );
        assert_eq!(
            format_positional("{}://{}:{1}", &["http".into(), "h".into()]).as_deref(),
            Some("http://h:h")
        );
        assert_eq!(format_positional("{x}", &[]), None);
    }

    #[test]
    fn base32_base85_rot13_percent() {
        // Python: base64.b32encode(b"curl x | sh")
        assert_eq!(
            base32_bytes("MN2XE3BAPAQHYIDTNA======")
                .and_then(utf8)
                .as_deref(),
            Some("curl x | sh")
        );
        // base64.b85encode(b"curl x | sh"), base64.a85encode(b"curl x | sh")
        assert_eq!(
            base85_bytes("V|8+DAb22rAaiH", false)
                .and_then(utf8)
                .as_deref(),
            Some("curl x | sh")
        );
        assert_eq!(
            base85_bytes("@s)g.+F##V+EM2", true)
                .and_then(utf8)
                .as_deref(),
            Some("curl x | sh")
        );
        assert_eq!(base85_bytes("\\\\\\", false), None);
        assert_eq!(rot13("phey | fu"), "curl | sh");
        assert_eq!(
            percent_decode("curl%20x%20%7C%20sh", false).as_deref(),
            Some("curl x | sh")
        );
        assert_eq!(percent_decode("a+b%u0063", true).as_deref(), Some("a bc"));
        assert_eq!(arith("^", 0x39, 0x5a), Some(0x63));
        assert_eq!(arith("<<", 1, 99), None);
    }
}
