//! A deterministic corpus of skills: each folder holds a `SKILL.md` and
//! Python, JavaScript and shell files of 1–200 KB, written from templates
//! that mix benign code (imports, classes, functions, HTTP calls, processes
//! run with argument lists, string literals, comments) so token density is
//! that of real code, not one repeated line.

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

const WORDS: &[&str] = &[
    "user", "repo", "config", "path", "cache", "token", "item", "result", "data", "entry",
    "record", "session", "client", "batch", "index", "report", "query", "page", "limit", "name",
    "value", "status", "payload", "request", "response", "buffer", "chunk", "node", "graph",
    "task", "job", "queue", "worker", "event", "handler", "source", "target", "output", "input",
    "file", "line", "count", "total", "offset", "size", "label", "branch", "commit", "issue",
    "draft", "summary", "title", "author", "owner", "schema", "field", "column", "row", "table",
    "image", "frame", "audio", "track", "note", "tag", "filter", "rule", "score", "metric",
];

const VERBS: &[&str] = &[
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

const HOSTS: &[&str] = &[
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

const TOOLS: &[&str] = &[
    "git", "gh", "ffmpeg", "jq", "rg", "pandoc", "convert", "node", "npm",
];

const SENTENCES: &[&str] = &[
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

fn ident(rng: &mut Rng) -> String {
    let a = rng.pick(WORDS);
    if rng.chance(55) {
        format!("{a}_{}", rng.pick(WORDS))
    } else {
        (*a).to_string()
    }
}

fn camel(rng: &mut Rng) -> String {
    let a = rng.pick(WORDS);
    if rng.chance(60) {
        let b = rng.pick(WORDS);
        format!("{a}{}{}", b[..1].to_ascii_uppercase(), &b[1..])
    } else {
        (*a).to_string()
    }
}

fn pascal(rng: &mut Rng) -> String {
    let c = camel(rng);
    format!("{}{}", c[..1].to_ascii_uppercase(), &c[1..])
}

fn fname(rng: &mut Rng) -> String {
    format!("{}_{}", rng.pick(VERBS), ident(rng))
}

fn url(rng: &mut Rng) -> String {
    format!(
        "https://{}/{}/{}",
        rng.pick(HOSTS),
        rng.pick(WORDS),
        rng.pick(WORDS)
    )
}

// ---------------------------------------------------------------- Python

const PY_IMPORTS: &[&str] = &[
    "import os",
    "import sys",
    "import json",
    "import re",
    "import time",
    "import logging",
    "import subprocess",
    "import argparse",
    "import hashlib",
    "import shutil",
    "import csv",
    "import requests",
    "from pathlib import Path",
    "from typing import Any, Dict, List, Optional",
    "from dataclasses import dataclass, field",
    "from collections import defaultdict",
    "from datetime import datetime, timezone",
    "import urllib.parse",
];

fn py_expr(rng: &mut Rng, vars: &[String]) -> String {
    match rng.below(9) {
        0 => format!("len({})", rng.pick_ref(vars)),
        1 => format!(
            "{}.get(\"{}\", {})",
            rng.pick_ref(vars),
            rng.pick(WORDS),
            rng.range(0, 100)
        ),
        2 => format!("[x for x in {} if x]", rng.pick_ref(vars)),
        3 => format!("f\"{{{}}}-{}\"", rng.pick_ref(vars), rng.pick(WORDS)),
        4 => format!("{} + {}", rng.pick_ref(vars), rng.range(1, 9)),
        5 => format!(
            "\"{}\".join({})",
            rng.pick(&[", ", "/", "\\n", "-"]),
            rng.pick_ref(vars)
        ),
        6 => format!(
            "{{\"{}\": {}, \"{}\": {}}}",
            rng.pick(WORDS),
            rng.pick_ref(vars),
            rng.pick(WORDS),
            rng.range(0, 1000)
        ),
        7 => format!(
            "sorted({}, key=lambda r: r[\"{}\"])",
            rng.pick_ref(vars),
            rng.pick(WORDS)
        ),
        _ => format!("{}({})", fname(rng), rng.pick_ref(vars)),
    }
}

fn py_body(rng: &mut Rng, out: &mut String, indent: &str, params: &[String]) {
    let mut vars: Vec<String> = params.to_vec();
    if vars.is_empty() {
        vars.push("data".into());
    }
    let n = rng.range(3, 9);
    for _ in 0..n {
        match rng.below(12) {
            0 => {
                let _ = writeln!(out, "{indent}# {}", rng.pick(SENTENCES));
            }
            1 => {
                let v = ident(rng);
                let _ = writeln!(
                    out,
                    "{indent}{v} = requests.get(\"{}\", params={{\"{}\": {}}}, timeout={})",
                    url(rng),
                    rng.pick(WORDS),
                    rng.pick_ref(&vars),
                    rng.range(5, 60)
                );
                let _ = writeln!(out, "{indent}{v}.raise_for_status()");
                vars.push(format!("{v}.json()"));
            }
            2 => {
                let tool = rng.pick(TOOLS);
                let _ = writeln!(
                    out,
                    "{indent}proc = subprocess.run([\"{tool}\", \"{}\", str({})], check=True, capture_output=True, text=True)",
                    rng.pick(VERBS),
                    rng.pick_ref(&vars)
                );
                vars.push("proc.stdout".into());
            }
            3 => {
                let it = ident(rng);
                let _ = writeln!(out, "{indent}for {it} in {}:", rng.pick_ref(&vars));
                let _ = writeln!(out, "{indent}    if not {it}:");
                let _ = writeln!(out, "{indent}        continue");
                let _ = writeln!(
                    out,
                    "{indent}    logger.debug(\"{} %s\", {it})",
                    rng.pick(VERBS)
                );
            }
            4 => {
                let _ = writeln!(
                    out,
                    "{indent}if {} is None or {} > {}:",
                    rng.pick_ref(&vars),
                    rng.pick_ref(&vars),
                    rng.range(1, 500)
                );
                let _ = writeln!(
                    out,
                    "{indent}    raise ValueError(\"invalid {}: \" + repr({}))",
                    rng.pick(WORDS),
                    rng.pick_ref(&vars)
                );
            }
            5 => {
                let _ = writeln!(out, "{indent}try:");
                let _ = writeln!(
                    out,
                    "{indent}    with open({}, \"r\", encoding=\"utf-8\") as fh:",
                    rng.pick_ref(&vars)
                );
                let _ = writeln!(out, "{indent}        content = json.load(fh)");
                let _ = writeln!(
                    out,
                    "{indent}except (OSError, json.JSONDecodeError) as exc:"
                );
                let _ = writeln!(
                    out,
                    "{indent}    logger.warning(\"could not read %s: %s\", {}, exc)",
                    rng.pick_ref(&vars)
                );
                let _ = writeln!(out, "{indent}    content = {{}}");
                vars.push("content".into());
            }
            6 => {
                let v = ident(rng);
                let e = py_expr(rng, &vars);
                let _ = writeln!(out, "{indent}{v} = {e}");
                vars.push(v);
            }
            7 => {
                let _ = writeln!(
                    out,
                    "{indent}path = Path(os.environ.get(\"{}_DIR\", \".\")) / \"{}.json\"",
                    rng.pick(WORDS).to_ascii_uppercase(),
                    rng.pick(WORDS)
                );
                vars.push("path".into());
            }
            8 => {
                let v = ident(rng);
                let _ = writeln!(out, "{indent}{v} = defaultdict(list)");
                let _ = writeln!(
                    out,
                    "{indent}for key, val in {}.items():",
                    rng.pick_ref(&vars)
                );
                let _ = writeln!(out, "{indent}    {v}[key.lower()].append(val)");
                vars.push(v);
            }
            9 => {
                let _ = writeln!(
                    out,
                    "{indent}print(f\"{} {{{}}} in {{time.time() - started:.2f}}s\", file=sys.stderr)",
                    rng.pick(VERBS),
                    rng.pick_ref(&vars)
                );
            }
            10 => {
                let _ = writeln!(
                    out,
                    "{indent}digest = hashlib.sha256(str({}).encode(\"utf-8\")).hexdigest()",
                    rng.pick_ref(&vars)
                );
                vars.push("digest".into());
            }
            _ => {
                let _ = writeln!(
                    out,
                    "{indent}assert isinstance({}, (list, dict, str)), \"{}\"",
                    rng.pick_ref(&vars),
                    rng.pick(SENTENCES)
                );
            }
        }
    }
    let _ = writeln!(out, "{indent}return {}", rng.pick_ref(&vars));
}

fn py_function(rng: &mut Rng, out: &mut String, indent: &str, method: bool) {
    let name = fname(rng);
    let mut params: Vec<String> = (0..rng.range(0, 3)).map(|_| ident(rng)).collect();
    params.sort();
    params.dedup();
    let mut sig: Vec<String> = Vec::new();
    if method {
        sig.push("self".into());
    }
    sig.extend(params.iter().map(|p| format!("{p}: Any")));
    if rng.chance(40) {
        sig.push(format!("{}: int = {}", ident(rng), rng.range(1, 100)));
    }
    let _ = writeln!(out, "{indent}def {name}({}) -> Any:", sig.join(", "));
    let _ = writeln!(
        out,
        "{indent}    \"\"\"{} {}.",
        capital(rng.pick(VERBS)),
        rng.pick(WORDS)
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "{indent}    {}", rng.pick(SENTENCES));
    let _ = writeln!(out, "{indent}    \"\"\"");
    if !method {
        let _ = writeln!(out, "{indent}    started = time.time()");
    } else {
        let _ = writeln!(out, "{indent}    started = self.started");
    }
    let mut vars = params.clone();
    if method {
        vars.push(format!("self.{}", ident(rng)));
    }
    py_body(rng, out, &format!("{indent}    "), &vars);
    let _ = writeln!(out);
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub fn python(rng: &mut Rng, target: usize) -> String {
    let mut out = String::with_capacity(target + 4096);
    if rng.chance(50) {
        out.push_str("#!/usr/bin/env python3\n");
    }
    let _ = writeln!(
        out,
        "\"\"\"{} {} for the skill.\n\n{}\n\"\"\"\n",
        capital(rng.pick(VERBS)),
        rng.pick(WORDS),
        rng.pick(SENTENCES)
    );
    out.push_str("from __future__ import annotations\n\n");
    for imp in PY_IMPORTS {
        if rng.chance(70)
            || imp.contains("subprocess")
            || imp.contains("requests")
            || imp.contains("typing")
        {
            let _ = writeln!(out, "{imp}");
        }
    }
    out.push_str(
        "import logging, time, json, sys, os, hashlib\nfrom collections import defaultdict\n\n",
    );
    out.push_str("logger = logging.getLogger(__name__)\n");
    let _ = writeln!(out, "BASE_URL = \"{}\"", url(rng));
    let _ = writeln!(
        out,
        "DEFAULT_{} = {}\n",
        rng.pick(WORDS).to_ascii_uppercase(),
        rng.range(1, 1000)
    );
    while out.len() < target {
        match rng.below(4) {
            0 => {
                let cls = pascal(rng);
                if rng.chance(50) {
                    out.push_str("@dataclass\n");
                    let _ = writeln!(out, "class {cls}:");
                    let _ = writeln!(out, "    \"\"\"{}\"\"\"\n", rng.pick(SENTENCES));
                    for _ in 0..rng.range(2, 6) {
                        let _ = writeln!(
                            out,
                            "    {}: {} = {}",
                            ident(rng),
                            rng.pick(&["str", "int", "Optional[str]", "List[str]"]),
                            rng.pick(&["\"\"", "0", "None", "field(default_factory=list)"])
                        );
                    }
                    let _ = writeln!(out);
                    py_function(rng, &mut out, "    ", true);
                } else {
                    let _ = writeln!(
                        out,
                        "class {cls}({}):",
                        rng.pick(&["object", "Exception", "dict"])
                    );
                    let _ = writeln!(out, "    \"\"\"{}\"\"\"\n", rng.pick(SENTENCES));
                    let _ = writeln!(
                        out,
                        "    def __init__(self, {}: str, {}: int = {}) -> None:",
                        ident(rng),
                        ident(rng),
                        rng.range(0, 50)
                    );
                    let _ = writeln!(out, "        self.started = time.time()");
                    let _ = writeln!(out, "        self.session = requests.Session()");
                    let _ = writeln!(
                        out,
                        "        self.session.headers.update({{\"User-Agent\": \"skill/{}.{}\"}})\n",
                        rng.range(0, 9),
                        rng.range(0, 20)
                    );
                    for _ in 0..rng.range(1, 4) {
                        py_function(rng, &mut out, "    ", true);
                    }
                }
            }
            1 => {
                let _ = writeln!(out, "{} = {{", ident(rng).to_ascii_uppercase());
                for _ in 0..rng.range(3, 10) {
                    let _ = writeln!(
                        out,
                        "    \"{}\": \"{}\",  # {}",
                        rng.pick(WORDS),
                        url(rng),
                        rng.pick(VERBS)
                    );
                }
                out.push_str("}\n\n");
            }
            _ => py_function(rng, &mut out, "", false),
        }
    }
    out.push_str("\ndef main(argv: Optional[List[str]] = None) -> int:\n");
    out.push_str("    parser = argparse.ArgumentParser(description=__doc__)\n");
    out.push_str("    parser.add_argument(\"--verbose\", action=\"store_true\")\n");
    out.push_str("    args = parser.parse_args(argv)\n");
    out.push_str(
        "    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)\n",
    );
    out.push_str("    return 0\n\n\nif __name__ == \"__main__\":\n    sys.exit(main())\n");
    out
}

// ------------------------------------------------------------ JavaScript

fn js_expr(rng: &mut Rng, vars: &[String]) -> String {
    match rng.below(9) {
        0 => format!("{}.length", rng.pick_ref(vars)),
        1 => format!(
            "{}?.{} ?? {}",
            rng.pick_ref(vars),
            camel(rng),
            rng.range(0, 100)
        ),
        2 => format!(
            "{}.filter(Boolean).map((x) => x.{})",
            rng.pick_ref(vars),
            camel(rng)
        ),
        3 => format!("`${{{}}}/{}`", rng.pick_ref(vars), rng.pick(WORDS)),
        4 => format!("{} + {}", rng.pick_ref(vars), rng.range(1, 9)),
        5 => format!(
            "{}.join('{}')",
            rng.pick_ref(vars),
            rng.pick(&[", ", "/", "\\n", "-"])
        ),
        6 => format!(
            "{{ {}: {}, {}: {} }}",
            camel(rng),
            rng.pick_ref(vars),
            camel(rng),
            rng.range(0, 1000)
        ),
        7 => format!(
            "Object.entries({}).sort(([a], [b]) => a.localeCompare(b))",
            rng.pick_ref(vars)
        ),
        _ => format!("{}{}({})", rng.pick(VERBS), pascal(rng), rng.pick_ref(vars)),
    }
}

fn js_body(rng: &mut Rng, out: &mut String, indent: &str, params: &[String]) {
    let mut vars: Vec<String> = params.to_vec();
    if vars.is_empty() {
        vars.push("options".into());
    }
    for _ in 0..rng.range(3, 9) {
        match rng.below(11) {
            0 => {
                let _ = writeln!(out, "{indent}// {}", rng.pick(SENTENCES));
            }
            1 => {
                let v = camel(rng);
                let _ = writeln!(
                    out,
                    "{indent}const {v}Res = await fetch(`{}?{}=${{encodeURIComponent({})}}`, {{",
                    url(rng),
                    rng.pick(WORDS),
                    rng.pick_ref(&vars)
                );
                let _ = writeln!(
                    out,
                    "{indent}  headers: {{ Accept: 'application/json', 'User-Agent': 'skill/1.{}' }},",
                    rng.range(0, 20)
                );
                let _ = writeln!(out, "{indent}}});");
                let _ = writeln!(
                    out,
                    "{indent}if (!{v}Res.ok) throw new Error(`{} failed: ${{{v}Res.status}}`);",
                    rng.pick(VERBS)
                );
                let _ = writeln!(out, "{indent}const {v} = await {v}Res.json();");
                vars.push(v);
            }
            2 => {
                let _ = writeln!(
                    out,
                    "{indent}const {{ stdout }} = await execFileAsync('{}', ['{}', String({})], {{ timeout: {} }});",
                    rng.pick(TOOLS),
                    rng.pick(VERBS),
                    rng.pick_ref(&vars),
                    rng.range(1000, 60000)
                );
                vars.push("stdout".into());
            }
            3 => {
                let it = camel(rng);
                let _ = writeln!(
                    out,
                    "{indent}for (const {it} of {}) {{",
                    rng.pick_ref(&vars)
                );
                let _ = writeln!(out, "{indent}  if (!{it}) continue;");
                let _ = writeln!(
                    out,
                    "{indent}  logger.debug('{} %s', {it});",
                    rng.pick(VERBS)
                );
                let _ = writeln!(out, "{indent}}}");
            }
            4 => {
                let _ = writeln!(
                    out,
                    "{indent}if ({} == null || {} > {}) {{",
                    rng.pick_ref(&vars),
                    rng.pick_ref(&vars),
                    rng.range(1, 500)
                );
                let _ = writeln!(
                    out,
                    "{indent}  throw new TypeError('invalid {}: ' + JSON.stringify({}));",
                    rng.pick(WORDS),
                    rng.pick_ref(&vars)
                );
                let _ = writeln!(out, "{indent}}}");
            }
            5 => {
                let _ = writeln!(out, "{indent}let content = {{}};");
                let _ = writeln!(out, "{indent}try {{");
                let _ = writeln!(
                    out,
                    "{indent}  content = JSON.parse(await fs.promises.readFile(path.join(baseDir, '{}.json'), 'utf8'));",
                    rng.pick(WORDS)
                );
                let _ = writeln!(out, "{indent}}} catch (err) {{");
                let _ = writeln!(
                    out,
                    "{indent}  logger.warn(`could not read {}: ${{err.message}}`);",
                    rng.pick(WORDS)
                );
                let _ = writeln!(out, "{indent}}}");
                vars.push("content".into());
            }
            6 | 7 => {
                let v = camel(rng);
                let e = js_expr(rng, &vars);
                let _ = writeln!(out, "{indent}const {v} = {e};");
                vars.push(v);
            }
            8 => {
                let v = camel(rng);
                let _ = writeln!(out, "{indent}const {v} = new Map();");
                let _ = writeln!(
                    out,
                    "{indent}for (const [key, val] of Object.entries({})) {{",
                    rng.pick_ref(&vars)
                );
                let _ = writeln!(
                    out,
                    "{indent}  {v}.set(key.toLowerCase(), [...({v}.get(key) ?? []), val]);"
                );
                let _ = writeln!(out, "{indent}}}");
                vars.push(v);
            }
            9 => {
                let _ = writeln!(
                    out,
                    "{indent}console.error(`{} ${{{}}} in ${{Date.now() - started}}ms`);",
                    rng.pick(VERBS),
                    rng.pick_ref(&vars)
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "{indent}const digest = crypto.createHash('sha256').update(String({})).digest('hex');",
                    rng.pick_ref(&vars)
                );
                vars.push("digest".into());
            }
        }
    }
    let _ = writeln!(out, "{indent}return {};", rng.pick_ref(&vars));
}

fn js_function(rng: &mut Rng, out: &mut String, indent: &str, method: bool) {
    let name = format!("{}{}", rng.pick(VERBS), pascal(rng));
    let mut params: Vec<String> = (0..rng.range(0, 3)).map(|_| camel(rng)).collect();
    params.sort();
    params.dedup();
    let _ = writeln!(out, "{indent}/**");
    let _ = writeln!(
        out,
        "{indent} * {} {}.",
        capital(rng.pick(VERBS)),
        rng.pick(WORDS)
    );
    let _ = writeln!(out, "{indent} * {}", rng.pick(SENTENCES));
    for p in &params {
        let _ = writeln!(out, "{indent} * @param {{object}} {p}");
    }
    let _ = writeln!(out, "{indent} */");
    let kw = if method { "async " } else { "async function " };
    let arrow = !method && rng.chance(25);
    if arrow {
        let _ = writeln!(
            out,
            "{indent}const {name} = async ({}) => {{",
            params.join(", ")
        );
    } else {
        let _ = writeln!(out, "{indent}{kw}{name}({}) {{", params.join(", "));
    }
    let _ = writeln!(out, "{indent}  const started = Date.now();");
    let mut vars = params.clone();
    if method {
        vars.push(format!("this.{}", camel(rng)));
    }
    js_body(rng, out, &format!("{indent}  "), &vars);
    let _ = writeln!(out, "{indent}}}{}\n", if arrow { ";" } else { "" });
}

pub fn javascript(rng: &mut Rng, target: usize) -> String {
    let mut out = String::with_capacity(target + 4096);
    let esm = rng.chance(50);
    if rng.chance(30) {
        out.push_str("#!/usr/bin/env node\n");
    }
    let _ = writeln!(
        out,
        "// {} {} helpers for the skill.\n// {}\n",
        capital(rng.pick(VERBS)),
        rng.pick(WORDS),
        rng.pick(SENTENCES)
    );
    if esm {
        out.push_str("import fs from 'node:fs';\nimport path from 'node:path';\nimport crypto from 'node:crypto';\n");
        out.push_str("import { execFile } from 'node:child_process';\nimport { promisify } from 'node:util';\n");
    } else {
        out.push_str("'use strict';\n\nconst fs = require('fs');\nconst path = require('path');\nconst crypto = require('crypto');\n");
        out.push_str("const { execFile } = require('child_process');\nconst { promisify } = require('util');\n");
    }
    out.push_str("\nconst execFileAsync = promisify(execFile);\nconst logger = console;\n");
    let _ = writeln!(
        out,
        "const baseDir = process.env.{}_DIR || path.resolve(__dirname, '..');",
        rng.pick(WORDS).to_ascii_uppercase()
    );
    let _ = writeln!(out, "const BASE_URL = '{}';\n", url(rng));
    while out.len() < target {
        match rng.below(4) {
            0 => {
                let cls = pascal(rng);
                let _ = writeln!(out, "class {cls} {{");
                let _ = writeln!(
                    out,
                    "  constructor({}, {} = {}) {{",
                    camel(rng),
                    camel(rng),
                    rng.range(0, 50)
                );
                let _ = writeln!(out, "    this.started = Date.now();");
                let _ = writeln!(
                    out,
                    "    this.headers = {{ 'User-Agent': 'skill/{}.{}' }};",
                    rng.range(0, 9),
                    rng.range(0, 20)
                );
                let _ = writeln!(out, "  }}\n");
                for _ in 0..rng.range(1, 4) {
                    js_function(rng, &mut out, "  ", true);
                }
                let _ = writeln!(out, "}}\n");
            }
            1 => {
                let _ = writeln!(
                    out,
                    "const {} = Object.freeze({{",
                    camel(rng).to_ascii_uppercase()
                );
                for _ in 0..rng.range(3, 10) {
                    let _ = writeln!(
                        out,
                        "  {}: '{}', // {}",
                        camel(rng),
                        url(rng),
                        rng.pick(VERBS)
                    );
                }
                out.push_str("});\n\n");
            }
            _ => js_function(rng, &mut out, "", false),
        }
    }
    if esm {
        out.push_str("\nexport default { baseDir, BASE_URL };\n");
    } else {
        out.push_str("\nmodule.exports = { baseDir, BASE_URL };\n");
    }
    out
}

// ----------------------------------------------------------------- shell

fn sh_body(rng: &mut Rng, out: &mut String, indent: &str) {
    for _ in 0..rng.range(3, 9) {
        match rng.below(11) {
            0 => {
                let _ = writeln!(out, "{indent}# {}", rng.pick(SENTENCES));
            }
            1 => {
                let _ = writeln!(
                    out,
                    "{indent}curl -fsSL --retry 3 -H \"Accept: application/json\" -o \"$tmp/{}.json\" \"{}?{}=${{{}:-{}}}\"",
                    rng.pick(WORDS),
                    url(rng),
                    rng.pick(WORDS),
                    rng.pick(WORDS).to_ascii_uppercase(),
                    rng.range(1, 100)
                );
            }
            2 => {
                let _ = writeln!(
                    out,
                    "{indent}{} {} --{} \"${}\" >\"$tmp/{}.out\" 2>&1 || log \"{} failed\"",
                    rng.pick(TOOLS),
                    rng.pick(VERBS),
                    rng.pick(WORDS),
                    rng.range(1, 3),
                    rng.pick(WORDS),
                    rng.pick(VERBS)
                );
            }
            3 => {
                let it = ident(rng);
                let _ = writeln!(out, "{indent}for {it} in \"$@\"; do");
                let _ = writeln!(out, "{indent}  [[ -z \"${it}\" ]] && continue");
                let _ = writeln!(out, "{indent}  log \"{} ${{{it}}}\"", rng.pick(VERBS));
                let _ = writeln!(out, "{indent}done");
            }
            4 => {
                let _ = writeln!(
                    out,
                    "{indent}if [[ ! -f \"$tmp/{}.json\" || ${{#{}}} -gt {} ]]; then",
                    rng.pick(WORDS),
                    ident(rng),
                    rng.range(1, 500)
                );
                let _ = writeln!(
                    out,
                    "{indent}  echo \"invalid {}: ${{1:-none}}\" >&2",
                    rng.pick(WORDS)
                );
                let _ = writeln!(out, "{indent}  return 1");
                let _ = writeln!(out, "{indent}fi");
            }
            5 => {
                let _ = writeln!(
                    out,
                    "{indent}grep -E '^{}' \"$tmp/{}.txt\" | sed -e 's/[[:space:]]+$//' | sort | uniq -c | head -n {}",
                    rng.pick(WORDS),
                    rng.pick(WORDS),
                    rng.range(5, 50)
                );
            }
            6 => {
                let v = ident(rng);
                let _ = writeln!(out, "{indent}local {v}");
                let _ = writeln!(
                    out,
                    "{indent}{v}=\"$(jq -r '.{}[] | .{}' \"$tmp/{}.json\")\"",
                    rng.pick(WORDS),
                    rng.pick(WORDS),
                    rng.pick(WORDS)
                );
            }
            7 => {
                let _ = writeln!(out, "{indent}case \"${{1:-}}\" in");
                for _ in 0..rng.range(2, 4) {
                    let _ = writeln!(
                        out,
                        "{indent}  {}) {} {} ;;",
                        rng.pick(VERBS),
                        rng.pick(TOOLS),
                        rng.pick(VERBS)
                    );
                }
                let _ = writeln!(out, "{indent}  *) usage; return 2 ;;");
                let _ = writeln!(out, "{indent}esac");
            }
            8 => {
                let _ = writeln!(out, "{indent}cat >\"$tmp/{}.md\" <<EOF", rng.pick(WORDS));
                let _ = writeln!(out, "# {} ${{1:-}}", capital(rng.pick(WORDS)));
                let _ = writeln!(out, "{}", rng.pick(SENTENCES));
                let _ = writeln!(out, "EOF");
            }
            9 => {
                let _ = writeln!(
                    out,
                    "{indent}git -C \"$repo\" log --format='%H %s' -n {} -- \"{}\" | while read -r sha msg; do",
                    rng.range(5, 50),
                    rng.pick(WORDS)
                );
                let _ = writeln!(
                    out,
                    "{indent}  printf '%s\\t%s\\n' \"${{sha:0:8}}\" \"$msg\""
                );
                let _ = writeln!(out, "{indent}done");
            }
            _ => {
                let _ = writeln!(
                    out,
                    "{indent}export {}_{}=\"${{{}:-{}}}\"",
                    rng.pick(WORDS).to_ascii_uppercase(),
                    rng.pick(WORDS).to_ascii_uppercase(),
                    rng.pick(WORDS).to_ascii_uppercase(),
                    rng.pick(WORDS)
                );
            }
        }
    }
}

pub fn shell(rng: &mut Rng, target: usize) -> String {
    let mut out = String::with_capacity(target + 4096);
    out.push_str(rng.pick(&["#!/usr/bin/env bash\n", "#!/bin/bash\n", "#!/bin/sh\n"]));
    let _ = writeln!(
        out,
        "# {} {} for the skill.\n# {}\n",
        capital(rng.pick(VERBS)),
        rng.pick(WORDS),
        rng.pick(SENTENCES)
    );
    out.push_str("set -euo pipefail\n\nreadonly SCRIPT_DIR=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\"\n");
    out.push_str("repo=\"${REPO:-$PWD}\"\ntmp=\"$(mktemp -d)\"\ntrap 'rm -rf \"$tmp\"' EXIT\n\n");
    out.push_str("log() { printf '[%s] %s\\n' \"$(date +%H:%M:%S)\" \"$*\" >&2; }\n");
    out.push_str("usage() { echo \"usage: $(basename \"$0\") <command> [args...]\" >&2; }\n\n");
    while out.len() < target {
        let name = fname(rng);
        let _ = writeln!(out, "# {}", rng.pick(SENTENCES));
        let _ = writeln!(out, "{name}() {{");
        sh_body(rng, &mut out, "  ");
        let _ = writeln!(out, "}}\n");
    }
    out.push_str("main() {\n  [[ $# -ge 1 ]] || { usage; exit 2; }\n  \"$@\"\n}\n\nmain \"$@\"\n");
    out
}

// -------------------------------------------------------------- SKILL.md

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
