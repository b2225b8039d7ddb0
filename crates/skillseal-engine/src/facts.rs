//! Facts: the normalised, language-independent events a frontend emits while
//! walking a file once. Rules match facts, never syntax trees, so one rule
//! vocabulary covers every language.

use skillseal_model::Language;

/// One argument of a call, as far as static analysis can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// A string literal (escapes decoded, interpolations as `{}`).
    Literal(String),
    /// Anything else; holds a short excerpt of its source text.
    Dynamic(String),
}

impl Arg {
    pub fn literal(&self) -> Option<&str> {
        match self {
            Arg::Literal(s) => Some(s),
            Arg::Dynamic(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactKind {
    /// A call whose callee resolved to a dotted (or `::`) name through the
    /// file's imports and aliases.
    Call {
        callee: String,
        args: Vec<Arg>,
        /// Keyword arguments: name and source text of the value.
        kwargs: Vec<(String, String)>,
    },
    /// An imported (or `require`d) module.
    Import { module: String },
    /// A member access path that is not itself called (`process.env.HOME`).
    Member { path: String },
    /// A string literal.
    Str { value: String },
    /// A shell command invocation.
    Command {
        name: String,
        args: Vec<String>,
        /// The command this one's output is piped into, if any.
        pipe_to: Option<String>,
    },
    /// A property of the whole file (`elf`, `minified`, `shell-script`...).
    FileKind { kind: &'static str },
    /// A manifest key and its scalar value (`package.json:scripts.postinstall`).
    Key { key: String, value: String },
    /// A line of prose from markdown or text.
    Text { text: String },
}

/// A fact and where it is: byte offsets into the file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub kind: FactKind,
    pub lang: Language,
    pub start: usize,
    pub end: usize,
    /// Set for code and prose that a document quotes as an example of an
    /// attack (a blockquote, or a section that warns "do not run", "red
    /// flag", "malicious"…): its findings are reported, not held against
    /// the skill.
    pub quoted: bool,
    /// Found by decoding an encoded string literal; the span is the
    /// literal's.
    pub decoded: bool,
}

/// Where a parsed source sits inside the file: offsets are shifted by
/// `base`, or (for text that was unescaped first, like a `package.json`
/// script) every fact is pinned to one fixed span.
#[derive(Debug, Clone, Copy)]
pub enum Origin {
    Offset(usize),
    Fixed(usize, usize),
}

impl Origin {
    pub fn map(self, start: usize, end: usize) -> (usize, usize) {
        match self {
            Origin::Offset(base) => (base + start, base + end),
            Origin::Fixed(s, e) => (s, e),
        }
    }
}

/// A variable (or container) takes a value: `name` gets the value of the
/// expression at `from` at offset `pos`. Names are hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub name: u64,
    pub pos: usize,
    pub from: (usize, usize),
}

/// A variable read at `pos`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ref {
    pub name: u64,
    pub pos: usize,
}

/// Where values go inside a file: what [`crate::flow`] follows from a
/// secret source to a network sink.
#[derive(Debug, Default, Clone)]
pub struct Flows {
    pub bindings: Vec<Binding>,
    pub refs: Vec<Ref>,
    /// Function bodies, in the order they start: a name bound inside one
    /// is local to it.
    pub scopes: Vec<(usize, usize)>,
}

/// The hash a frontend records a variable name under.
pub fn name_hash(name: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x5eed).hash_one(name)
}

/// Collects facts for one file.
#[derive(Debug)]
pub struct Sink {
    pub facts: Vec<Fact>,
    pub flows: Flows,
    /// Strings assembled at run time from literals (see `lang::fold`),
    /// with the span of the expression that builds them.
    pub assembled: Vec<(String, usize, usize)>,
    /// Nested sources (shell inside markdown, shell inside a `-c` string)
    /// are bounded so hostile input cannot recurse without limit.
    pub depth: u32,
}

impl Sink {
    pub const MAX_DEPTH: u32 = 4;

    pub fn new() -> Sink {
        Sink {
            facts: Vec::new(),
            flows: Flows::default(),
            assembled: Vec::new(),
            depth: 0,
        }
    }

    pub fn push(
        &mut self,
        origin: Origin,
        lang: Language,
        start: usize,
        end: usize,
        kind: FactKind,
    ) {
        let (start, end) = origin.map(start, end);
        self.facts.push(Fact {
            kind,
            lang,
            start,
            end,
            quoted: false,
            decoded: false,
        });
    }
}

impl Sink {
    /// Record that `name` takes the value of `from` (a span in the source
    /// being parsed) at `pos`.
    pub fn bind(&mut self, origin: Origin, name: &str, pos: usize, from: (usize, usize)) {
        let (pos, _) = origin.map(pos, pos);
        let from = origin.map(from.0, from.1);
        self.flows.bindings.push(Binding {
            name: name_hash(name),
            pos,
            from,
        });
    }

    /// Record a read of `name` at `pos`.
    pub fn reference(&mut self, origin: Origin, name: &str, pos: usize) {
        let (pos, _) = origin.map(pos, pos);
        self.flows.refs.push(Ref {
            name: name_hash(name),
            pos,
        });
    }

    /// Record a string the expression at `start..end` assembles.
    pub fn assembled(&mut self, origin: Origin, value: String, start: usize, end: usize) {
        let (start, end) = origin.map(start, end);
        self.assembled.push((value, start, end));
    }

    /// Record a function body: names bound inside it are its own.
    pub fn scope(&mut self, origin: Origin, start: usize, end: usize) {
        self.flows.scopes.push(origin.map(start, end));
    }
}

impl Default for Sink {
    fn default() -> Self {
        Sink::new()
    }
}

/// Truncate to at most `max` bytes on a char boundary.
pub fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        s
    } else {
        &s[..s.floor_char_boundary(max)]
    }
}
