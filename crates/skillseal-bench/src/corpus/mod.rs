//! A deterministic corpus of skills: each folder holds a `SKILL.md` and
//! Python, JavaScript and shell files of 1–200 KB, written from templates
//! that mix benign code (imports, classes, functions, HTTP calls, processes
//! run with argument lists, string literals, comments) so token density is
//! that of real code, not one repeated line.
//!
//! Each language's templates are a module: [`python`], [`javascript`],
//! [`shell`]; this one holds the seeded random source, the shared word
//! lists, `SKILL.md` and the writer that lays the skills out on disk.

mod javascript;
mod python;
mod shell;

pub use javascript::javascript;
pub use python::python;
pub use shell::shell;

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// xorshift64*: small, seeded, and the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    pub fn pick_ref<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub(super) const WORDS: &[&str] = &[
    "user", "repo", "config", "path", "cache", "token", "item", "result", "data", "entry",
    "record", "session", "client", "batch", "index", "report", "query", "page", "limit", "name",
    "value", "status", "payload", "request", "response", "buffer", "chunk", "node", "graph",
    "task", "job", "queue", "worker", "event", "handler", "source", "target", "output", "input",
    "file", "line", "count", "total", "offset", "size", "label", "branch", "commit", "issue",
    "draft", "summary", "title", "author", "owner", "schema", "field", "column", "row", "table",
    "image", "frame", "audio", "track", "note", "tag", "filter", "rule", "score", "metric",
];

pub(super) const VERBS: &[&str] = &[
    "load",
    "save",
    "fetch",
    "parse",
    "render",
    "build",
    "check",
    "update",
    "create",
    "delete",
    "list",
    "find",
    "merge",
    "split",
    "format",
    "resolve",
    "collect",
    "emit",
    "apply",
    "sync",
    "read",
    "write",
    "normalize",
    "validate",
    "convert",
    "export",
    "import",
    "summarize",
    "sort",
];

pub(super) const HOSTS: &[&str] = &[
    "api.github.com",
    "api.example.com",
    "httpbin.org",
    "registry.npmjs.org",
    "pypi.org",
    "hooks.slack.com",
    "api.notion.com",
    "www.googleapis.com",
    "api.linear.app",
];

pub(super) const TOOLS: &[&str] = &[
    "git", "gh", "ffmpeg", "jq", "rg", "pandoc", "convert", "node", "npm",
];

pub(super) const SENTENCES: &[&str] = &[
    "Keep the request small so the API does not rate-limit us.",
    "The caller owns the returned list and may mutate it.",
    "Empty input is valid and yields an empty result.",
    "We retry once on timeouts; anything else is reported to the user.",
    "Paths are relative to the skill root.",
    "This mirrors the upstream pagination contract.",
    "Sorting keeps the output stable between runs.",
    "Values are trimmed before comparison.",
    "Only the first page is fetched unless --all is given.",
    "The cache is keyed by the normalised URL.",
];

pub(super) fn ident(rng: &mut Rng) -> String {
    let a = rng.pick(WORDS);
    if rng.chance(55) {
        format!("{a}_{}", rng.pick(WORDS))
    } else {
        (*a).to_string()
    }
}

pub(super) fn camel(rng: &mut Rng) -> String {
    let a = rng.pick(WORDS);
    if rng.chance(60) {
        let b = rng.pick(WORDS);
        format!("{a}{}{}", b[..1].to_ascii_uppercase(), &b[1..])
    } else {
        (*a).to_string()
    }
}

pub(super) fn pascal(rng: &mut Rng) -> String {
    let c = camel(rng);
    format!("{}{}", c[..1].to_ascii_uppercase(), &c[1..])
}

pub(super) fn fname(rng: &mut Rng) -> String {
    format!("{}_{}", rng.pick(VERBS), ident(rng))
}

pub(super) fn url(rng: &mut Rng) -> String {
    format!(
        "https://{}/{}/{}",
        rng.pick(HOSTS),
        rng.pick(WORDS),
        rng.pick(WORDS)
    )
}

// ---------------------------------------------------------------- Python

pub(super) fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub fn skill_md(rng: &mut Rng, name: &str, scripts: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "---\nname: {name}\ndescription: {} {} and {} the results.",
        capital(rng.pick(VERBS)),
        rng.pick(WORDS),
        rng.pick(VERBS)
    );
    let _ = writeln!(out, "version: 1.{}.{}", rng.range(0, 9), rng.range(0, 30));
    let _ = writeln!(
        out,
        "metadata: {{\"openclaw\": {{\"requires\": {{\"bins\": [\"{}\"]}}}}}}\n---\n",
        rng.pick(TOOLS)
    );
    let _ = writeln!(
        out,
        "# {}\n\n{}\n{}\n",
        capital(name),
        rng.pick(SENTENCES),
        rng.pick(SENTENCES)
    );
    out.push_str("## Usage\n\n");
    for s in scripts {
        let run = if s.ends_with(".py") {
            "python3"
        } else if s.ends_with(".js") {
            "node"
        } else {
            "bash"
        };
        let _ = writeln!(
            out,
            "- `{run} {s} {}`: {}",
            rng.pick(VERBS),
            rng.pick(SENTENCES)
        );
    }
    let _ = writeln!(
        out,
        "\n```bash\n{} {} --{} {}\n```\n",
        rng.pick(TOOLS),
        rng.pick(VERBS),
        rng.pick(WORDS),
        rng.pick(WORDS)
    );
    let _ = writeln!(out, "See [the docs]({}) for details.", url(rng));
    out
}

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub skills: usize,
    pub files: usize,
    pub bytes: u64,
    pub python: (usize, u64),
    pub javascript: (usize, u64),
    pub shell: (usize, u64),
    pub markdown: (usize, u64),
}

/// Write at least `min_bytes` of skills under `dir`.
pub fn generate(dir: &Path, min_bytes: u64, seed: u64) -> io::Result<Written> {
    let mut rng = Rng::new(seed);
    let mut w = Written::default();
    let (lo, hi) = ((1024f64).ln(), ((200 * 1024) as f64).ln());
    while w.bytes < min_bytes {
        let skill = format!(
            "{:04}-{}-{}",
            w.skills,
            rng.pick(VERBS),
            rng.pick(WORDS).replace('_', "-")
        );
        let root = dir.join(&skill);
        std::fs::create_dir_all(root.join("scripts"))?;
        let mut scripts = Vec::new();
        for i in 0..rng.range(2, 9) {
            // log-uniform sizes between 1 KB and 200 KB
            let size = (lo + rng.unit() * (hi - lo)).exp() as usize;
            let roll = rng.below(100);
            let (rel, text, slot) = if roll < 40 {
                (
                    format!("scripts/{}_{i}.py", fname(&mut rng)),
                    python(&mut rng, size),
                    &mut w.python,
                )
            } else if roll < 75 {
                (
                    format!("scripts/{}-{i}.js", rng.pick(VERBS)),
                    javascript(&mut rng, size),
                    &mut w.javascript,
                )
            } else {
                (
                    format!("scripts/{}-{i}.sh", rng.pick(VERBS)),
                    shell(&mut rng, size),
                    &mut w.shell,
                )
            };
            slot.0 += 1;
            slot.1 += text.len() as u64;
            w.bytes += text.len() as u64;
            w.files += 1;
            std::fs::write(root.join(&rel), text)?;
            scripts.push(rel);
        }
        let md = skill_md(&mut rng, &skill, &scripts);
        w.markdown.0 += 1;
        w.markdown.1 += md.len() as u64;
        w.bytes += md.len() as u64;
        w.files += 1;
        std::fs::write(root.join("SKILL.md"), md)?;
        w.skills += 1;
    }
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillseal_engine::lang::ts;
    use skillseal_model::Language;

    fn has_errors(lang: Language, src: &str) -> bool {
        ts::parse(lang, src).is_none_or(|t| t.root_node().has_error())
    }

    #[test]
    fn templates_are_valid_code_and_deterministic() {
        let mut rng = Rng::new(7);
        for _ in 0..20 {
            let size = rng.range(1024, 20_000);
            let py = python(&mut rng, size);
            assert!(!has_errors(Language::Python, &py), "python:\n{py}");
            let js = javascript(&mut rng, size);
            assert!(!has_errors(Language::JavaScript, &js), "javascript:\n{js}");
            let sh = shell(&mut rng, size);
            assert!(!has_errors(Language::Shell, &sh), "shell:\n{sh}");
            assert!(py.len() >= size && js.len() >= size && sh.len() >= size);
        }
        let a = python(&mut Rng::new(1), 5000);
        let b = python(&mut Rng::new(1), 5000);
        assert_eq!(a, b);
    }
}
