//! Language frontends. Each parses its source once and emits [`Fact`]s in a
//! single iterative walk (no recursion over the syntax tree, so deeply
//! nested input cannot overflow the stack).
//!
//! [`Fact`]: crate::facts::Fact

mod calls;
pub mod fold;
pub mod javascript;
pub mod manifest;
pub mod markdown;
pub mod python;
pub mod rust;
pub mod shell;
#[cfg(test)]
mod test_util;
pub mod ts;

use crate::facts::{self, FactKind, Origin, Sink};
use foldhash::HashMap;
use skillseal_model::Language;
use tree_sitter::Node;

/// Parse `src` as `lang` and emit its facts. Languages without a code
/// frontend emit nothing here.
pub fn scan_source(lang: Language, src: &str, origin: Origin, sink: &mut Sink) {
    if sink.depth > Sink::MAX_DEPTH {
        return;
    }
    sink.depth += 1;
    match lang {
        Language::Python => python::scan(src, origin, sink),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            javascript::scan(lang, src, origin, sink)
        }
        Language::Shell => shell::scan(src, origin, sink),
        Language::Rust => rust::scan(src, origin, sink),
        Language::Markdown => markdown::scan(src, origin, sink),
        _ => {}
    }
    sink.depth -= 1;
}

/// Where a tree-sitter frontend's walk puts what it finds: facts, and the
/// strings handed to a shell, parsed as shell once the walk is done.
pub(crate) struct Out<'k> {
    /// The language the facts are reported in.
    pub lang: Language,
    pub origin: Origin,
    pub sink: &'k mut Sink,
    /// Strings run by a shell, with their spans.
    pub shell: Vec<(String, usize, usize)>,
    /// Files written by the downloads argument vectors ran, so a later
    /// argument vector that runs one is reported (see `argv_command`).
    pub downloads: shell::downloads::Downloads,
}

impl<'k> Out<'k> {
    pub fn new(lang: Language, origin: Origin, sink: &'k mut Sink) -> Self {
        Out {
            lang,
            origin,
            sink,
            shell: Vec::new(),
            downloads: shell::downloads::Downloads::default(),
        }
    }

    /// A fact at `n`'s span.
    pub fn push(&mut self, n: Node<'_>, kind: FactKind) {
        (self.sink).push(self.origin, self.lang, n.start_byte(), n.end_byte(), kind);
    }

    /// A shell command an argument vector runs, at `span`, reported in
    /// shell as the shell frontend would.
    pub fn argv(&mut self, span: (usize, usize), name: String, args: Vec<String>) {
        let kind = FactKind::Command {
            name,
            args,
            pipe_to: None,
        };
        (self.sink).push(self.origin, Language::Shell, span.0, span.1, kind);
    }

    /// The string at `n` is run by a shell, as `code` when known.
    pub fn run_by_shell(&mut self, n: Node<'_>, code: Option<String>) {
        if let Some(code) = code {
            self.shell.push((code, n.start_byte(), n.end_byte()));
        }
    }

    /// Parse the strings handed to a shell.
    pub fn finish(self) {
        let shell = self.shell.into_iter();
        let nested = shell.map(|(code, start, end)| (Language::Shell, code, start, end));
        scan_nested(nested, self.origin, self.sink);
    }
}

/// Parse `src` as `lang` and hand every node to `visit`, with an [`Out`]
/// for facts reported in `report_as`; the strings handed to a shell are
/// parsed once the walk is done.
pub(crate) fn walk_source(
    lang: Language,
    report_as: Language,
    src: &str,
    origin: Origin,
    sink: &mut Sink,
    mut visit: impl FnMut(Node<'_>, &ts::Ctx<'_>, &mut Out<'_>),
) {
    let Some(tree) = ts::parse(lang, src) else {
        return;
    };
    let mut out = Out::new(report_as, origin, sink);
    ts::walk(&tree, |node, ctx| {
        visit(node, ctx, &mut out);
        true
    });
    out.finish();
}

/// The module path a name is bound to (`from os import environ as e`: `e`
/// is `os.environ`), as the member path a read of the name reports; not a
/// module itself, nor a call's result.
pub(crate) fn alias_path(aliases: &HashMap<String, String>, name: &str) -> Option<String> {
    aliases
        .get(name)
        .filter(|t| t.contains('.') && !t.contains("()"))
        .cloned()
}

/// Code found in a string of another language (a script handed to a
/// shell, `node -e '…'`), each parsed as its language and reported at the
/// string's span.
pub(crate) fn scan_nested(
    nested: impl IntoIterator<Item = (Language, String, usize, usize)>,
    origin: Origin,
    sink: &mut Sink,
) {
    for (lang, code, start, end) in nested {
        let (s, e) = origin.map(start, end);
        scan_source(lang, &code, Origin::Fixed(s, e), sink);
    }
}

/// A process started from an argument vector (`subprocess.run(["curl",
/// …])`, `spawn("curl", [...])`) as the shell command fact it amounts to.
/// `elems` are the argument nodes: `string` gives one's value when it is a
/// string literal (the others are their source text), `script` the value
/// of one that can be a shell's `-c` script, which then goes to the shell
/// frontend.
pub(crate) fn argv_command(
    program: &str,
    elems: &[Node<'_>],
    src: &str,
    string: impl Fn(Node<'_>) -> Option<String>,
    script: impl Fn(Node<'_>) -> Option<String>,
    span: (usize, usize),
    out: &mut Out<'_>,
) {
    let args: Vec<String> = elems
        .iter()
        .map(|n| string(*n).unwrap_or_else(|| facts::clip(ts::text(*n, src), 200).to_string()))
        .collect();
    let name = program.rsplit('/').next().unwrap_or(program).to_string();
    // `run(['curl', '-o', p, URL])` then `run(['bash', p])`: a download
    // run, as the shell frontend reports it.
    if let Some(file) = out.downloads.runs(program, &name, &args) {
        out.argv(span, "<run-downloaded>".to_string(), vec![file]);
    }
    out.downloads.command(&name, &args);
    if shell::SHELLS.contains(&name.as_str())
        && let Some(i) = args
            .iter()
            .position(|a| a.starts_with('-') && a.contains('c'))
        && let Some(n) = elems.get(i + 1)
        && let Some(code) = script(*n)
    {
        out.shell.push((code, n.start_byte(), n.end_byte()));
    }
    out.argv(span, name, args);
}

/// A name reached through a lookup that hides it (`getattr(os, 'sys' +
/// 'tem')`, `globals()['__builtins__']['eval']`, `globalThis['ev' +
/// 'al']`, `[].filter.constructor`, `require('child_' + 'process')`): a
/// call of `<lookup>:NAME`, NAME being what it resolved to (`os.system`,
/// `child_process`, or `builtins[]` when the name does not fold), which
/// `OBF004` and `OBF005` match.
pub(crate) fn hidden_lookup(n: Node<'_>, resolved: &str, out: &mut Out<'_>) {
    out.push(
        n,
        FactKind::Call {
            callee: format!("<lookup>:{resolved}"),
            args: Vec::new(),
            kwargs: Vec::new(),
        },
    );
}

/// Whether a key's source text (quoted or not) names the `Bcc` header.
pub(crate) fn is_bcc(key: &str) -> bool {
    key.trim_matches(['"', '\'', '`'])
        .eq_ignore_ascii_case("bcc")
}

/// A mail header written in code (`bcc: "…"`, `msg["Bcc"] = …`,
/// `bcc=[…]`) whose value folds to a constant address: reported as the key
/// `code:mail-bcc`, because a recipient the user never sees, fixed by the
/// skill's author, is how a mail skill copies every message out.
pub(crate) fn mail_header(
    lang: Language,
    header: &str,
    value: Option<String>,
    span: (usize, usize),
    origin: Origin,
    sink: &mut Sink,
) {
    if !is_bcc(header) {
        return;
    }
    let Some(value) = value.filter(|v| v.contains('@')) else {
        return;
    };
    code_key(lang, "code:mail-bcc", value, span, origin, sink);
}

/// Whether an expression's source text denotes the running script's own
/// file: `__file__`, `Path(__file__).resolve()`, `__filename`,
/// `fileURLToPath(import.meta.url)`, or a name in `own` bound to one. A
/// parent or directory of it (`.parent`, `dirname`) is not the file.
pub(crate) fn names_own_file(text: &str, own: &foldhash::HashSet<String>) -> bool {
    let t = text.trim();
    if t.contains("parent") || t.contains("dirname") || t.contains("__dirname") {
        return false;
    }
    t.contains("__file__")
        || t.contains("__filename")
        || t.contains("import.meta.url")
        || own.contains(t)
}

/// A file write, reported as the key `code:write` with its target; when
/// the target is the skill's own `SKILL.md` or the running script itself,
/// also as the key `code:self-write`: a skill that
/// rewrites its own instructions or code changes after it was reviewed
/// (and pinned), typically from the network.
pub(crate) fn own_file_write(
    lang: Language,
    target: &str,
    folded: Option<&str>,
    own: &foldhash::HashSet<String>,
    span: (usize, usize),
    origin: Origin,
    sink: &mut Sink,
) {
    // Every write with its target, constant when it folds to one, so rules
    // can name the files no skill should write (`code:write`).
    let clip = |t: &str| t.chars().take(200).collect::<String>();
    code_key(
        lang,
        "code:write",
        clip(folded.unwrap_or(target)),
        span,
        origin,
        sink,
    );
    let names_manifest = |t: &str| {
        let t = t.trim_end_matches(['"', '\'', '`', ')', ' ']);
        t.ends_with("SKILL.md")
    };
    if !(names_manifest(target)
        || folded.is_some_and(names_manifest)
        || names_own_file(target, own))
    {
        return;
    }
    code_key(lang, "code:self-write", clip(target), span, origin, sink);
}

/// A property found in code, reported as a key fact (`code:…`).
fn code_key(
    lang: Language,
    key: &str,
    value: String,
    span: (usize, usize),
    origin: Origin,
    sink: &mut Sink,
) {
    let key = key.to_string();
    sink.push(origin, lang, span.0, span.1, FactKind::Key { key, value });
}

/// Parse only, for the benchmark's baseline: returns the node count.
pub fn parse_only(lang: Language, src: &str) -> usize {
    match lang {
        Language::Python
        | Language::JavaScript
        | Language::TypeScript
        | Language::Tsx
        | Language::Shell => ts::parse(lang, src).map_or(0, |t| ts::count_nodes(&t)),
        Language::Rust => usize::from(syn::parse_file(src).is_ok()),
        _ => 0,
    }
}

/// Decode the escapes of a quoted string body (`\n`, `\xHH`, `\u{..}`...).
/// Unknown escapes keep the escaped character.
pub fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('x') => {
                let h: String = chars.by_ref().take(2).collect();
                match u32::from_str_radix(&h, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push_str(&h),
                }
            }
            Some('u') => {
                let h: String = if chars.peek() == Some(&'{') {
                    chars.next();
                    chars.by_ref().take_while(|c| *c != '}').take(8).collect()
                } else {
                    chars.by_ref().take(4).collect()
                };
                match u32::from_str_radix(&h, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push_str(&h),
                }
            }
            Some('\n') => {}
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}
