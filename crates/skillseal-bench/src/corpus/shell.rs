//! Shell templates: functions, pipelines, curl, conditionals.

use std::fmt::Write as _;

use super::*;

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
