//! JavaScript templates: requires, classes, functions, fetches, child processes.

use std::fmt::Write as _;

use super::*;

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
