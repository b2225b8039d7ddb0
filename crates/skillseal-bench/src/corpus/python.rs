//! Python templates: imports, classes, functions, HTTP calls, processes.

use std::fmt::Write as _;

use super::*;

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
