//! The `skillseal` command line as a user runs it: exit codes, formats,
//! `rules`, `explain`, `--rules`, `--output`, `--stats`.

mod common;
use common::{skillseal, stderr, stdout};

fn temp_skill(body: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in body {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

#[test]
fn exit_code_follows_fail_on() {
    let dir = temp_skill(&[
        ("s/SKILL.md", "---\nname: s\n---\n"),
        (
            "s/run.py",
            "import subprocess\nsubprocess.run(['gh', 'pr', 'list'])\n",
        ),
    ]);
    let path = dir.path().join("s");
    let path = path.to_str().unwrap();
    // EXEC001 is low: below the default threshold (high).
    assert_eq!(skillseal(&["scan", path]).status.code(), Some(0));
    assert_eq!(
        skillseal(&["scan", "--fail-on", "low", path]).status.code(),
        Some(1)
    );
    assert_eq!(
        skillseal(&["scan", "--fail-on", "medium", path])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        skillseal(&["scan", "--fail-on", "never", path])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn usage_and_input_errors_exit_2() {
    let out = skillseal(&["scan", "--format", "yaml", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("yaml"));
    let out = skillseal(&["scan", "--fail-on", "loud", "."]);
    assert_eq!(out.status.code(), Some(2));
    let out = skillseal(&["scan", "--format", "json", "does/not/exist"]);
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["errors"][0]["path"], "does/not/exist");
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no such file")
    );
}

#[test]
fn unreadable_parts_are_errors_and_the_rest_is_scanned() {
    let big = "let a = 1;\n".repeat(500);
    let dir = temp_skill(&[
        ("s/SKILL.md", "---\nname: s\n---\n"),
        ("s/big.js", big.as_str()),
        ("s/run.py", "import os\nos.system('id')\n"),
    ]);
    let path = dir.path().join("s");
    let out = skillseal(&[
        "scan",
        "--format",
        "json",
        "--max-file-size",
        "1000",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        report["errors"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("big.js")
    );
    // The file left unread is a finding too, so the skill cannot pass on
    // what nobody read.
    let findings = report["skills"][0]["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["file"] == "big.js" && f["rule"] == "PKG008")
    );
    assert!(findings.iter().any(|f| f["file"] == "run.py"));
    assert_ne!(report["skills"][0]["verdict"], "pass");
}

#[test]
fn rules_lists_and_explain_prints_docs() {
    let out = skillseal(&["rules"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("EXEC001"), "{text}");
    assert!(text.contains("digest sha256:"));

    let out = skillseal(&["rules", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "EXEC001")
    );

    let out = skillseal(&["explain", "EXEC001"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for section in [
        "## What it does",
        "## Why it matters",
        "## Example",
        "category: process-exec",
    ] {
        assert!(text.contains(section), "missing {section}:\n{text}");
    }
    assert_eq!(
        skillseal(&["explain", "python-process"]).status.code(),
        Some(0)
    );
    let out = skillseal(&["explain", "NOPE999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no rule `NOPE999`"));
}

const EXTRA_RULE: &str = r#"id = "TEAM001"
name = "team-forbidden-import"
category = "network"
severity = "high"
message = "imports `{match}`, which our policy forbids"
[[match]]
import = ["telnetlib"]
[docs]
what = "Flags the telnetlib module."
why = "Our team does not allow telnet."
example = "import telnetlib"
[[should-match]]
file = "a.py"
code = "import telnetlib"
[[should-not-match]]
file = "a.py"
code = "import json"
"#;

#[test]
fn extra_rules_directory_adds_rules() {
    let rules = temp_skill(&[("team/TEAM001.toml", EXTRA_RULE)]);
    let skill = temp_skill(&[
        ("SKILL.md", "---\nname: t\n---\n"),
        ("t.py", "import telnetlib\n"),
    ]);
    let out = skillseal(&[
        "scan",
        "--format",
        "json",
        "--rules",
        rules.path().to_str().unwrap(),
        skill.path().to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "high finding fails the default threshold"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["skills"][0]["findings"][0]["rule"], "TEAM001");
}

#[test]
fn a_broken_rule_file_is_reported_with_line_and_column() {
    let bad = EXTRA_RULE.replace("severity = \"high\"", "severity = \"hgih\"");
    let rules = temp_skill(&[("bad.toml", bad.as_str())]);
    let out = skillseal(&["rules", "--rules", rules.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("bad.toml:4:"), "{err}");
    assert!(err.contains("hgih"), "{err}");
}

/// A `--rules` file whose patterns, with the built-in ones, are too large
/// for one regex set stops the scan (exit 2) with the file named; the set
/// used to become empty, and every built-in `string` rule went quiet.
#[test]
fn string_patterns_too_large_together_stop_the_scan() {
    let big = r"\p{L}{90}";
    let matchers =
        format!("string = '{big}'\n[[match]]\nstring = '{big}'\n[[match]]\nstring = '{big}'");
    let rule = EXTRA_RULE.replace("import = [\"telnetlib\"]", &matchers);
    let rules = temp_skill(&[("team/TEAM001.toml", rule.as_str())]);
    let skill = temp_skill(&[
        ("SKILL.md", "---\nname: t\n---\n"),
        // SOC002's `string` matcher: silently lost before.
        ("p.py", "url = 'https://pastebin.com/raw/Xq1Zb7pL'\n"),
    ]);
    let out = skillseal(&[
        "scan",
        "--rules",
        rules.path().to_str().unwrap(),
        skill.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("TEAM001.toml:7:1:"), "{err}");
    assert!(err.contains("`string` patterns"), "{err}");
}

/// A capability no schema knows is a load error at its line and column,
/// not a name no combination selects.
#[test]
fn an_unknown_capability_is_reported_with_line_and_column() {
    let bad = EXTRA_RULE.replace(
        "severity = \"high\"",
        "severity = \"high\"\ncapability = \"networking\"",
    );
    let rules = temp_skill(&[("bad.toml", bad.as_str())]);
    let out = skillseal(&["rules", "--rules", rules.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("bad.toml:5:14:"), "{err}");
    assert!(err.contains("networking"), "{err}");
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.sarif");
    std::fs::write(&target, "previous").unwrap();
    let out = skillseal(&[
        "scan",
        "--format",
        "sarif",
        "--fail-on",
        "never",
        "-o",
        target.to_str().unwrap(),
        "samples/benign/youtube-transcript-summary",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "skillseal");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");

    // A directory that does not exist: an error, and nothing half-written.
    let missing = dir.path().join("nope/report.json");
    let out = skillseal(&[
        "scan",
        "-o",
        missing.to_str().unwrap(),
        "samples/benign/writing-style-guide",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
}

#[test]
fn stats_go_to_stderr() {
    let out = skillseal(&["scan", "--stats", "--fail-on", "never", "samples/benign"]);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.starts_with("stats: 55 skills,") || err.contains(" files, "),
        "{err}"
    );
    assert!(err.contains("MB/s"), "{err}");
}

#[test]
fn archives_on_the_command_line_are_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.tar.gz");
    let file = std::fs::File::create(&path).unwrap();
    let status = std::process::Command::new("tar")
        .args(["-czf", "-", "-C"])
        .arg(common::repo().join("samples/benign"))
        .arg("youtube-transcript-summary")
        .stdout(file)
        .status()
        .unwrap();
    assert!(status.success());
    let out = skillseal(&[
        "scan",
        "--format",
        "json",
        "--fail-on",
        "never",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let skill = &report["skills"][0];
    assert!(
        skill["path"]
            .as_str()
            .unwrap()
            .ends_with("s.tar.gz/youtube-transcript-summary")
    );
    assert!(
        skill["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "process-exec")
    );
}

/// A reader that goes away early (`skillseal scan | head -1`) ends the scan
/// without an error message.
#[test]
fn a_closed_pipe_stops_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_skillseal"))
        .args(["scan", "--color", "never", "samples/malicious"])
        .current_dir(common::repo())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("block"), "{first}");
    // The read end is dropped here; the rest of the report (about 200 KB,
    // more than a pipe holds) is written into a closed pipe.
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("error"), "{err}");
}

/// `skillseal pack` writes the same bytes for the same skill, prints the
/// digest of what it wrote, and the package scans like the folder.
#[test]
fn pack_is_deterministic_and_the_package_scans() {
    let out_dir = tempfile::tempdir().unwrap();
    let a = out_dir.path().join("a.skill.tgz");
    let b = out_dir.path().join("b.skill.tgz");
    let sample = "samples/benign/weather-forecast";
    let first = skillseal(&["pack", sample, "-o", a.to_str().unwrap()]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let second = skillseal(&["pack", sample, "--output", b.to_str().unwrap()]);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    let bytes = std::fs::read(&a).unwrap();
    assert_eq!(bytes, std::fs::read(&b).unwrap());
    let text = stdout(&first);
    assert!(text.contains("packed weather-forecast 2.1.0"), "{text}");
    use sha2::Digest;
    let digest = format!(
        "digest sha256:{}",
        hex::encode(sha2::Sha256::digest(&bytes))
    );
    assert!(text.contains(&digest), "{text}");

    let scan = skillseal(&["scan", "--format", "json", a.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert_eq!(report["skills"][0]["name"], "weather-forecast");
    assert_eq!(report["skills"][0]["verdict"], "pass");

    let bad = skillseal(&[
        "pack",
        sample,
        "--version",
        "~2.1",
        "-o",
        a.to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("range"), "{}", stderr(&bad));
    // The earlier package is untouched by the failed run.
    assert_eq!(std::fs::read(&a).unwrap(), bytes);
}

#[test]
fn a_file_over_its_budget_is_not_fully_scanned_and_exits_2() {
    let big: String = (0..5_000)
        .map(|i| format!("def f{i}(a):\n    return [a, 'v{i}', {{'k': a}}]\n"))
        .collect();
    let dir = temp_skill(&[("s/SKILL.md", "---\nname: s\n---\n"), ("s/gen.py", &big)]);
    let path = dir.path().join("s");
    let path = path.to_str().unwrap();
    let out = skillseal(&["scan", "--format", "json", "--file-timeout", "0.001", path]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let skill = &report["skills"][0];
    assert_eq!(skill["verdict"], "review");
    let finding = skill["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "PKG007")
        .expect("the file is reported as not fully scanned");
    assert_eq!(finding["file"], "gen.py");
    assert_eq!(finding["severity"], "high");
    let error = &report["errors"][0];
    assert!(
        error["path"].as_str().unwrap().ends_with("s/gen.py"),
        "{error}"
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("not fully scanned"),
        "{error}"
    );

    // With the default budget the same skill scans whole.
    let out = skillseal(&["scan", "--format", "json", path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).contains("PKG007"));

    for bad in ["0", "-1", "abc", "inf"] {
        let flag = format!("--file-timeout={bad}");
        let out = skillseal(&["scan", &flag, path]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr(&out).contains("--file-timeout"), "{bad}");
    }
}

/// `-o` on a pipe (or a device: `/dev/null`, `/dev/stdout`) writes to it;
/// the atomic rename used for regular files would replace it with a file.
#[test]
fn output_to_a_pipe_writes_through_it_and_leaves_it_a_pipe() {
    use std::io::Read as _;
    use std::os::unix::fs::FileTypeExt as _;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Read in the background; a detached reader left blocked (if the pipe
    // were replaced) ends with the test process.
    let path = fifo.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Ok(mut f) = std::fs::File::open(&path) {
            let _ = f.read_to_string(&mut text);
        }
        let _ = tx.send(text);
    });
    let skill = temp_skill(&[("s/SKILL.md", "---\nname: s\n---\n# S\n")]);
    let out = skillseal(&[
        "scan",
        "--format",
        "json",
        "-o",
        fifo.to_str().unwrap(),
        skill.path().join("s").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo(),
        "the pipe was replaced by a file"
    );
    let text = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the report came through the pipe");
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["skills"][0]["name"], "s");
}
