//! The samples, scanned by the real binary: the JSON contract on all of
//! them, and what a user sees for one.

mod common;
use common::{repo, skillseal, stdout};
use serde_json::Value;

fn scan_json(path: &str) -> Value {
    let out = skillseal(&["scan", "--format", "json", "--fail-on", "never", path]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        common::stderr(&out)
    );
    serde_json::from_str(&stdout(&out)).expect("valid JSON")
}

#[test]
fn json_contract_v1_holds_on_every_sample() {
    let report = scan_json("samples");
    assert_eq!(report["version"], 1);
    let scanner = &report["scanner"];
    assert_eq!(scanner["name"], "skillseal");
    assert!(scanner["version"].is_string());
    assert!(
        scanner["rules_digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    assert!(
        report["errors"].as_array().unwrap().is_empty(),
        "{}",
        report["errors"]
    );
    let skills = report["skills"].as_array().unwrap();
    let on_disk = std::fs::read_dir(repo().join("samples/benign"))
        .unwrap()
        .count()
        + std::fs::read_dir(repo().join("samples/malicious"))
            .unwrap()
            .count();
    assert_eq!(skills.len(), on_disk, "every sample folder is one skill");
    let mut last = String::new();
    for s in skills {
        let path = s["path"].as_str().unwrap();
        assert!(path.starts_with("samples/"), "{path}");
        assert!(*path > *last, "skills sorted by path");
        last = path.to_string();
        assert!(matches!(
            s["verdict"].as_str(),
            Some("pass" | "review" | "block")
        ));
        for f in s["findings"].as_array().unwrap() {
            for key in [
                "rule",
                "category",
                "severity",
                "file",
                "line",
                "column",
                "end_line",
                "end_column",
                "message",
                "snippet",
            ] {
                assert!(f.get(key).is_some(), "{path}: finding lacks {key}: {f}");
            }
            assert!(f["line"].as_u64().unwrap() >= 1 && f["column"].as_u64().unwrap() >= 1);
        }
    }
}

#[test]
fn human_output_for_one_skill() {
    let out = skillseal(&[
        "scan",
        "--fail-on",
        "never",
        "samples/benign/youtube-transcript-summary",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}'),
        "no colour when NO_COLOR is set and stdout is a pipe"
    );
    let header = text.lines().next().unwrap();
    assert!(
        header.contains("samples/benign/youtube-transcript-summary"),
        "{text}"
    );
    assert!(
        text.contains("capabilities: ") && text.contains("process-exec"),
        "{text}"
    );
    // rustc-style location line and a caret under the call
    let loc = "--> samples/benign/youtube-transcript-summary/scripts/subs.py:";
    assert!(text.contains(loc), "{text}");
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with('|') && l.contains('^')),
        "{text}"
    );
}
