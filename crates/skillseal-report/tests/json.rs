//! The JSON contract v1: round-trips to the model, has exactly the contract
//! keys, and is in canonical order.

mod common;

use serde_json::Value;
use skillseal_model::ScanReport;
use skillseal_report::render_json;
use std::collections::BTreeSet;

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(names: &[&'a str]) -> BTreeSet<&'a str> {
    names.iter().copied().collect()
}

#[test]
fn round_trips_to_the_model() {
    let report = common::report();
    let json = render_json(&report);
    let back: ScanReport = serde_json::from_str(&json).expect("the contract parses as the model");

    // Same content, in canonical order (`stats` is not part of the contract).
    let mut expected = report.clone();
    expected.skills.sort_by(|a, b| a.path.cmp(&b.path));
    for s in &mut expected.skills {
        s.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        s.stats = Default::default();
    }
    expected.errors.sort();
    assert_eq!(back, expected);
    assert_eq!(
        render_json(&back),
        json,
        "rendering the parsed report changes nothing"
    );
}

#[test]
fn has_exactly_the_contract_keys() {
    let v: Value = serde_json::from_str(&render_json(&common::report())).unwrap();
    assert_eq!(keys(&v), set(&["version", "scanner", "skills", "errors"]));
    assert_eq!(v["version"], 1);
    assert_eq!(
        keys(&v["scanner"]),
        set(&["name", "version", "rules_digest"])
    );

    let finding_keys = set(&[
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
    ]);
    let skills = v["skills"].as_array().unwrap();
    assert_eq!(skills.len(), 3);
    let mut findings = 0;
    for skill in skills {
        assert_eq!(
            keys(skill),
            set(&["path", "name", "verdict", "capabilities", "findings"])
        );
        assert!(skill["name"].is_string() || skill["name"].is_null());
        assert!(["pass", "review", "block"].contains(&skill["verdict"].as_str().unwrap()));
        assert!(
            skill["capabilities"]
                .as_array()
                .unwrap()
                .iter()
                .all(Value::is_string)
        );
        for f in skill["findings"].as_array().unwrap() {
            findings += 1;
            let mut k = keys(f);
            // `capability` is the one optional extra, present only when set.
            if k.remove("capability") {
                assert!(f["capability"].is_string());
            }
            assert_eq!(k, finding_keys);
            for int in ["line", "column", "end_line", "end_column"] {
                assert!(f[int].is_u64(), "{int} is an integer");
            }
            for s in ["rule", "category", "severity", "file", "message", "snippet"] {
                assert!(f[s].is_string(), "{s} is a string");
            }
        }
    }
    assert_eq!(findings, 7);
    for e in v["errors"].as_array().unwrap() {
        assert_eq!(keys(e), set(&["path", "message"]));
    }
}

#[test]
fn capability_is_kept_when_present_and_absent_otherwise() {
    let v: Value = serde_json::from_str(&render_json(&common::report())).unwrap();
    let blocked = &v["skills"][1];
    assert_eq!(blocked["path"], "samples/malicious/foo");
    let with: Vec<&Value> = blocked["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("capability").is_some())
        .collect();
    assert_eq!(with.len(), 3);
    assert!(
        with.iter()
            .all(|f| f["capability"] == "process-exec" && f["rule"] == "EXEC901")
    );
}

#[test]
fn output_is_in_canonical_order_and_deterministic() {
    let report = common::report();
    let json = render_json(&report);
    assert!(json.ends_with("}\n"));

    let mut shuffled = report.clone();
    shuffled.skills.reverse();
    for s in &mut shuffled.skills {
        s.findings.reverse();
    }
    shuffled.errors.reverse();
    assert_eq!(render_json(&shuffled), json);

    let v: Value = serde_json::from_str(&json).unwrap();
    let paths: Vec<&str> = v["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "samples/benign/bar",
            "samples/malicious/foo",
            "samples/review/baz"
        ]
    );

    let order: Vec<(String, u64, u64, String)> = v["skills"][1]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);

    let errors: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(errors, ["samples/broken.zip", "samples/z.tar.gz"]);
}

#[test]
fn snapshot() {
    insta::assert_snapshot!(render_json(&common::report()));
}
