//! SARIF 2.1.0: valid against the official OASIS schema (vendored in
//! `tests/data/`), and shaped the way GitHub code scanning requires.

mod common;

use serde_json::Value;
use skillseal_model::{Category, Severity};
use skillseal_report::render_sarif;
use skillseal_rules::RuleSet;
use std::collections::BTreeSet;

const SCHEMA: &str = include_str!("data/sarif-schema-2.1.0.json");

fn parse(sarif: &str) -> Value {
    serde_json::from_str(sarif).expect("SARIF output is JSON")
}

fn assert_schema_valid(sarif: &Value) {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the vendored schema is JSON");
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the vendored schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not match the 2.1.0 schema:\n{}",
        errors.join("\n")
    );
}

fn run(v: &Value) -> &Value {
    let runs = v["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "exactly one run");
    &runs[0]
}

#[test]
fn the_vendored_schema_rejects_broken_logs() {
    // Guards the guard: a schema that accepted anything would prove nothing.
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    let validator = jsonschema::draft4::new(&schema).unwrap();
    let mut v = parse(&render_sarif(&common::report(), &common::rules()));
    assert!(validator.is_valid(&v));
    v["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&v));
    v["runs"][0]["results"][0]["level"] = "error".into();
    v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!validator.is_valid(&v));
}

#[test]
fn validates_against_the_sarif_2_1_0_schema() {
    assert_schema_valid(&parse(&render_sarif(&common::report(), &common::rules())));
    assert_schema_valid(&parse(&render_sarif(
        &common::clean_report(),
        &common::rules(),
    )));
}

#[test]
fn builtin_rules_validate_too() {
    let rules = RuleSet::builtin().unwrap_or_else(|e| panic!("{e:?}"));
    let mut report = common::report();
    // Point every finding at a real rule so the descriptors are exercised.
    for (f, rule) in report
        .skills
        .iter_mut()
        .flat_map(|s| s.findings.iter_mut())
        .zip(rules.rules().iter().cycle())
    {
        f.rule = rule.id.clone();
        f.category = rule.category;
        f.severity = rule.severity;
    }
    let v = parse(&render_sarif(&report, &rules));
    assert_schema_valid(&v);
    let descriptors = run(&v)["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(
        descriptors.len(),
        rules.rules().len(),
        "one descriptor per rule, none invented"
    );
}

#[test]
fn log_header_and_driver() {
    let v = parse(&render_sarif(&common::report(), &common::rules()));
    assert_eq!(
        v["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(v["version"], "2.1.0");
    let run = run(&v);
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "skillseal");
    assert_eq!(driver["version"], "0.1.0-test");
    assert_eq!(
        driver["informationUri"],
        "https://example.invalid/skillseal"
    );
}

#[test]
fn every_rule_is_described_for_github() {
    let v = parse(&render_sarif(&common::report(), &common::rules()));
    let rules = run(&v)["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    // The rule set's rules in id order, then the unknown ones findings use.
    assert_eq!(ids, ["EXEC901", "MANI901", "SECRET901", "HID901", "OBF777"]);

    let exec = &rules[0];
    assert_eq!(exec["name"], "test-python-process");
    assert_eq!(exec["shortDescription"]["text"], "runs a process");
    assert_eq!(
        exec["fullDescription"]["text"],
        "Finds Python code that starts another program."
    );
    assert_eq!(exec["defaultConfiguration"]["level"], "note");
    assert_eq!(exec["properties"]["category"], "process-exec");
    assert_eq!(exec["properties"]["severity"], "low");
    assert_eq!(exec["properties"]["security-severity"], "3.0");
    let help = exec["help"]["markdown"].as_str().unwrap();
    assert!(help.contains("## What it does\n\nFinds Python code"));
    assert!(help.contains("## Why it matters\n\nA skill that runs programs"));
    // The example contains ``` so its fence must be longer.
    assert!(help.contains("````python\nimport subprocess\n"), "{help}");
    assert!(
        exec["help"]["text"]
            .as_str()
            .unwrap()
            .starts_with("What it does: ")
    );

    assert_eq!(
        rules[2]["shortDescription"]["text"],
        "reads SSH private keys"
    );
    assert_eq!(rules[2]["properties"]["security-severity"], "8.0");
    assert_eq!(rules[2]["defaultConfiguration"]["level"], "error");

    for r in rules {
        let score: f64 = r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&score));
        let tags: Vec<&str> = r["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let unique: BTreeSet<&&str> = tags.iter().collect();
        assert_eq!(unique.len(), tags.len(), "tags are unique: {tags:?}");
        assert!(tags.contains(&"security"));
    }
    // Category `manifest` has kind `manifest`: still one tag.
    assert_eq!(
        rules[1]["properties"]["tags"],
        serde_json::json!(["manifest", "security"])
    );
    // A rule the set lacks still gets a usable descriptor.
    assert_eq!(rules[4]["defaultConfiguration"]["level"], "error");
    assert_eq!(rules[4]["properties"]["security-severity"], "9.5");
    assert_eq!(
        rules[4]["shortDescription"]["text"],
        Category::Obfuscation.description()
    );
}

#[test]
fn results_point_at_relative_files_with_regions() {
    let v = parse(&render_sarif(&common::report(), &common::rules()));
    let run = run(&v);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 7);
    for r in results {
        let id = r["ruleId"].as_str().expect("ruleId is present");
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex points at the rule");
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            !uri.contains(':') && !uri.starts_with('/') && !uri.contains('\\'),
            "{uri}"
        );
        assert!(uri.starts_with("samples/"), "{uri}");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(r["properties"]["verdict"].is_string());
    }

    let by_uri = |uri: &str| {
        results
            .iter()
            .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri)
            .unwrap_or_else(|| panic!("no result for {uri}"))
    };
    let secret = by_uri("samples/malicious/foo/scripts/x.py");
    assert_eq!(secret["ruleId"], "SECRET901");
    assert_eq!(secret["level"], "error");
    assert_eq!(
        secret["message"]["text"],
        "reads SSH private keys `~/.ssh/id_rsa`"
    );
    let region = &secret["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 12);
    assert_eq!(region["startColumn"], 17);
    assert_eq!(region["endLine"], 12);
    assert_eq!(region["endColumn"], 52);
    assert_eq!(
        region["snippet"]["text"],
        "    data = open(os.path.expanduser(\"~/.ssh/id_rsa\")).read()"
    );
    assert_eq!(secret["properties"]["verdict"], "block");
    assert_eq!(secret["properties"]["skill"], "samples/malicious/foo");
    assert_eq!(secret["properties"]["skillName"], "foo");

    // Non-ASCII file names are percent-encoded.
    let exec = by_uri("samples/malicious/foo/scripts/%C3%BCn%C3%AF.py");
    assert_eq!(exec["level"], "note");
    assert_eq!(exec["properties"]["capability"], "process-exec");

    let levels: BTreeSet<(&str, &str)> = results
        .iter()
        .map(|r| {
            (
                r["properties"]["severity"].as_str().unwrap(),
                r["level"].as_str().unwrap(),
            )
        })
        .collect();
    let expected: BTreeSet<(&str, &str)> = [
        ("critical", "error"),
        ("high", "error"),
        ("medium", "warning"),
        ("low", "note"),
        ("info", "note"),
    ]
    .into();
    assert_eq!(levels, expected);
}

#[test]
fn errors_become_tool_execution_notifications() {
    let v = parse(&render_sarif(&common::report(), &common::rules()));
    let inv = &run(&v)["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(
        notes[0]["message"]["text"],
        "samples/broken.zip: invalid zip archive: bad central directory"
    );
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "samples/broken.zip"
    );

    let clean = parse(&render_sarif(&common::clean_report(), &common::rules()));
    let inv = &run(&clean)["invocations"][0];
    assert_eq!(inv["executionSuccessful"], true);
    assert_eq!(inv["toolExecutionNotifications"], serde_json::json!([]));
    assert_eq!(run(&clean)["results"], serde_json::json!([]));
}

fn fingerprints(sarif: &str) -> Vec<String> {
    let v = parse(sarif);
    run(&v)["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["skillseal/v1"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn fingerprints_are_stable_and_distinct() {
    let report = common::report();
    let rules = common::rules();
    let before = fingerprints(&render_sarif(&report, &rules));
    let unique: BTreeSet<&String> = before.iter().collect();
    assert_eq!(unique.len(), before.len(), "{before:?}");

    // Code inserted above a finding moves it but keeps its identity.
    let mut moved = report.clone();
    for f in moved.skills.iter_mut().flat_map(|s| s.findings.iter_mut()) {
        f.line += 10;
        f.end_line += 10;
    }
    assert_eq!(fingerprints(&render_sarif(&moved, &rules)), before);

    // The same line twice in one file: told apart by occurrence.
    let mut twice = common::clean_report();
    let f = common::report().skills[0].findings[1].clone();
    let mut g = f.clone();
    g.line += 5;
    g.end_line += 5;
    twice.skills[0].findings = vec![f, g];
    let fps = fingerprints(&render_sarif(&twice, &rules));
    assert_eq!(fps.len(), 2);
    let (a, b) = (
        fps[0].rsplit_once(':').unwrap(),
        fps[1].rsplit_once(':').unwrap(),
    );
    assert_eq!(a.0, b.0);
    assert_eq!((a.1, b.1), ("1", "2"));
}

#[test]
fn file_level_findings_have_no_region() {
    let mut report = common::clean_report();
    report.skills[0].findings = vec![common::finding(
        "MANI901",
        Category::Manifest,
        Severity::Info,
        "SKILL.md",
        (0, 0),
        (0, 0),
        "front matter has no `description`",
        "",
        None,
    )];
    let v = parse(&render_sarif(&report, &common::rules()));
    assert_schema_valid(&v);
    let loc = &run(&v)["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "samples/benign/bar/SKILL.md"
    );
    assert!(loc.get("region").is_none());
}

#[test]
fn absolute_skill_paths_become_file_uris() {
    let mut report = common::report();
    report.skills[0].path = "/home/me/skills/foo".into();
    let v = parse(&render_sarif(&report, &common::rules()));
    assert_schema_valid(&v);
    let loc = &run(&v)["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert!(
        loc["uri"]
            .as_str()
            .unwrap()
            .starts_with("file:///home/me/skills/foo/")
    );
    assert!(loc.get("uriBaseId").is_none());
}

#[test]
fn output_is_deterministic() {
    let report = common::report();
    let rules = common::rules();
    let a = render_sarif(&report, &rules);
    let mut shuffled = report.clone();
    shuffled.skills.reverse();
    shuffled.errors.reverse();
    assert_eq!(render_sarif(&shuffled, &rules), a);
    assert!(a.ends_with("}\n"));
}

#[test]
fn snapshot() {
    insta::assert_snapshot!(render_sarif(&common::report(), &common::rules()));
}
