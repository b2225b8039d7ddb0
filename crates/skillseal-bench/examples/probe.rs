use skillseal_engine::{Engine, SkillContext};
use skillseal_rules::RuleSet;
use std::time::Instant;

fn nested(open: &str, middle: &str, close: &str, depth: usize) -> String {
    format!("{}{}{}", open.repeat(depth), middle, close.repeat(depth))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let depth: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let which = args.get(1).cloned().unwrap_or_default();
    let e = Engine::new(&RuleSet::builtin().unwrap());
    let ctx = SkillContext::default();
    let cases: Vec<(&str, String)> = vec![
        ("a.js", format!("let y = {};", nested("(", "1", ")", depth))),
        ("a.js", format!("let y = {};", nested("[", "", "]", depth))),
        ("a.js", format!("let y = {};", "!".repeat(depth) + "x")),
        (
            "a.js",
            format!("let y = {};", nested("{a:", "1", "}", depth)),
        ),
        ("a.js", format!("let y = {};", nested("f(", "", ")", depth))),
        ("a.py", format!("y = {}", nested("(", "1", ")", depth))),
        ("a.py", format!("y = {}", nested("[", "", "]", depth))),
        ("a.py", format!("y = {}", "not ".repeat(depth) + "x")),
        ("a.py", format!("y = {}", nested("f(", "", ")", depth))),
        (
            "a.sh",
            format!("echo {}", nested("$( ", "echo hi", " )", depth)),
        ),
        ("a.sh", format!("echo {}", nested("$(", "x", ")", depth))),
        ("a.sh", format!("echo {}", nested("(", "true", ")", depth))),
        (
            "a.sh",
            format!("echo {}", nested("{ ", "true;", " }", depth)),
        ),
        ("README.md", "> ".repeat(depth) + "deep"),
        ("README.md", "- ".repeat(depth) + "item"),
        ("package.json", nested("{\"a\":", "1", "}", depth)),
        (
            "pyproject.toml",
            format!("a = {}\n", nested("[", "", "]", depth)),
        ),
        (
            "pyproject.toml",
            format!("a = {}\n", nested("{b=", "1", "}", depth)),
        ),
        (
            "SKILL.md",
            format!(
                "---\nname: x\nmetadata: '{}'\n---\n",
                nested("[", "", "]", depth)
            ),
        ),
        (
            "a.rs",
            format!("fn main() {{ let y = {}; }}", "|| ".repeat(depth) + "1"),
        ),
        (
            "a.rs",
            format!("fn main() {{ let y = {}; }}", "return ".repeat(depth) + "1"),
        ),
        (
            "a.rs",
            format!("type T = {};", nested("Box<", "u8", ">", depth)),
        ),
    ];
    for (i, (name, src)) in cases.iter().enumerate() {
        if !which.is_empty() && which != i.to_string() && which != "all" {
            continue;
        }
        if args.get(3).is_some_and(|a| a == "parse") {
            let t = Instant::now();
            let lang = skillseal_engine::detect::language(name, src);
            let n = skillseal_engine::lang::parse_only(lang, src);
            println!(
                "{i:2} {name:15} parse only {:8.3} s nodes {n}",
                t.elapsed().as_secs_f64()
            );
            if let Some(tree) = skillseal_engine::lang::ts::parse(lang, src) {
                println!("   has_error {}", tree.root_node().has_error());
            }
            continue;
        }
        let t = Instant::now();
        let out = e.scan_file(name, src.as_bytes(), &ctx);
        println!(
            "{i:2} {name:15} {:>8} bytes {:8.3} s  findings {}  [{}]",
            src.len(),
            t.elapsed().as_secs_f64(),
            out.findings.len(),
            &src[..src.len().min(30)]
        );
    }
}
