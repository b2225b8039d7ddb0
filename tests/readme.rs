//! The README's examples come from real runs: each output block followed
//! by a line "(from `skillseal ARGS…`)" is what that command prints today,
//! and each `[policy]` table loads as a policy.

mod common;

use common::{repo, skillseal, stderr, stdout};

/// A fenced block of the README: its info string, its lines, and the
/// first line after the closing fence.
struct Block {
    info: String,
    lines: Vec<String>,
    after: String,
    line: usize,
}

fn blocks(readme: &str) -> Vec<Block> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].trim_start().strip_prefix("```") else {
            i += 1;
            continue;
        };
        let start = i;
        let mut body = Vec::new();
        i += 1;
        while i < lines.len() && lines[i].trim_start() != "```" {
            body.push(lines[i].to_string());
            i += 1;
        }
        let after = lines
            .get(i + 1..)
            .unwrap_or_default()
            .iter()
            .find(|l| !l.trim().is_empty())
            .map_or(String::new(), |l| (*l).to_string());
        out.push(Block {
            info: info.trim().to_string(),
            lines: body,
            after,
            line: start + 1,
        });
        i += 1;
    }
    out
}

/// Whether `expected` stands in `output` as consecutive lines; an
/// expected line ending in `…` matches any line it begins.
fn contains_lines(output: &str, expected: &[String]) -> bool {
    let got: Vec<&str> = output.lines().collect();
    let matches = |want: &str, line: &str| match want.strip_suffix('…') {
        Some(prefix) => line.starts_with(prefix.trim_end()),
        None => want == line,
    };
    got.windows(expected.len()).any(|w| {
        w.iter()
            .zip(expected)
            .all(|(line, want)| matches(want, line))
    })
}

fn readme() -> String {
    std::fs::read_to_string(repo().join("README.md")).unwrap()
}

#[test]
fn every_output_example_is_what_its_command_prints() {
    let mut checked = 0;
    for block in blocks(&readme()) {
        let Some(rest) = block.after.strip_prefix("(from `skillseal ") else {
            continue;
        };
        let command = &rest[..rest.find('`').expect("closing backtick")];
        let args: Vec<&str> = command.split_whitespace().collect();
        let out = skillseal(&args);
        assert!(
            contains_lines(&stdout(&out), &block.lines),
            "README.md:{}: the example is not what `skillseal {command}` prints now:\n{}\n{}",
            block.line,
            stdout(&out),
            stderr(&out)
        );
        checked += 1;
    }
    assert!(checked >= 2, "only {checked} examples found");
}

#[test]
fn every_policy_example_loads() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for block in blocks(&readme()) {
        if block.info != "toml" || block.lines.first().map(String::as_str) != Some("[policy]") {
            continue;
        }
        let file = dir.path().join(format!("policy-{}.toml", block.line));
        std::fs::write(&file, block.lines.join("\n") + "\n").unwrap();
        let out = skillseal(&[
            "scan",
            "--policy",
            file.to_str().unwrap(),
            "samples/benign/weather-forecast",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "README.md:{}: {}",
            block.line,
            stderr(&out)
        );
        checked += 1;
    }
    assert_eq!(checked, 1);
}

#[test]
fn the_matcher_needs_every_line_in_order() {
    let want = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    let output = "a\nb: long text\nc\n";
    assert!(contains_lines(output, &want(&["b: …", "c"])));
    assert!(!contains_lines(output, &want(&["a", "c"])));
    assert!(!contains_lines(output, &want(&["b: other…"])));
}
