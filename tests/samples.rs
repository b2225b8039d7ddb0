//! The samples, scanned by the real binary: the JSON contract on all of
//! them, and what a user sees for one.

mod common;
use common::{repo, skillseal, stdout};
use serde_json::Value;
use skillseal_model::{Category, CategoryKind};
use std::collections::BTreeSet;

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

/// One line per skill: verdict, capabilities and the rules that fired (with
/// counts), so a change in what the scanner finds on any sample shows up as a
/// reviewable snapshot diff.
fn summary(report: &Value) -> String {
    let mut out = String::new();
    for s in report["skills"].as_array().unwrap() {
        let caps: Vec<&str> = s["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let mut rules = std::collections::BTreeMap::<&str, usize>::new();
        for f in s["findings"].as_array().unwrap() {
            *rules.entry(f["rule"].as_str().unwrap()).or_default() += 1;
        }
        let rules: Vec<String> = rules
            .into_iter()
            .map(|(r, n)| {
                if n == 1 {
                    r.to_string()
                } else {
                    format!("{r}x{n}")
                }
            })
            .collect();
        out.push_str(&format!(
            "{} [{}]\n  capabilities: {}\n  rules: {}\n",
            s["path"].as_str().unwrap(),
            s["verdict"].as_str().unwrap(),
            if caps.is_empty() {
                "-".into()
            } else {
                caps.join(", ")
            },
            if rules.is_empty() {
                "-".into()
            } else {
                rules.join(" ")
            },
        ));
    }
    out
}

/// The quality bar of the scanner: every malicious sample is blocked and
/// no benign one is.
#[test]
fn malicious_samples_block_and_benign_ones_do_not() {
    for (dir, want_block) in [("samples/malicious", true), ("samples/benign", false)] {
        let report = scan_json(dir);
        let wrong: Vec<String> = report["skills"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| (s["verdict"] == "block") != want_block)
            .map(|s| format!("{} [{}]", s["path"], s["verdict"]))
            .collect();
        assert!(
            wrong.is_empty(),
            "{dir}: expected {} for every sample, wrong: {wrong:#?}",
            if want_block { "block" } else { "no block" }
        );
    }
}

#[test]
fn benign_samples_snapshot() {
    insta::assert_snapshot!(summary(&scan_json("samples/benign")));
}

#[test]
fn malicious_samples_snapshot() {
    insta::assert_snapshot!(summary(&scan_json("samples/malicious")));
}

#[test]
fn human_output_snapshot() {
    for sample in [
        "samples/benign/youtube-transcript-summary",
        "samples/malicious/dotenv-vault-sync",
        "samples/malicious/excel-formula-genius",
    ] {
        let out = skillseal(&["scan", "--fail-on", "never", sample]);
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        let name = sample.rsplit('/').next().unwrap();
        insta::assert_snapshot!(format!("human-{name}"), stdout(&out));
    }
}

#[test]
fn no_benign_sample_is_blocked() {
    let report = scan_json("samples/benign");
    let blocked: Vec<&str> = report["skills"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["verdict"] == "block")
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert!(blocked.is_empty(), "benign samples blocked: {blocked:?}");
}

/// Every verdict other than `pass` names its reasons, and every piece of
/// evidence is a finding of that skill.
#[test]
fn verdicts_name_their_findings() {
    let report = scan_json("samples");
    for s in report["skills"].as_array().unwrap() {
        let path = s["path"].as_str().unwrap();
        let reasons = s["reasons"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        assert_eq!(s["verdict"] == "pass", reasons.is_empty(), "{path}");
        let findings: BTreeSet<String> = s["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}:{}",
                    f["rule"].as_str().unwrap(),
                    f["file"].as_str().unwrap(),
                    f["line"]
                )
            })
            .collect();
        let worst = reasons
            .iter()
            .map(|r| r["verdict"].as_str().unwrap())
            .max_by_key(|v| ["pass", "review", "block"].iter().position(|x| x == v))
            .unwrap_or("pass");
        assert_eq!(
            s["verdict"], worst,
            "{path}: the verdict is the worst reason's"
        );
        for r in reasons {
            assert!(!r["message"].as_str().unwrap().is_empty(), "{path}");
            for e in r["evidence"].as_array().unwrap() {
                let e = e.as_str().unwrap();
                if e.starts_with("and ") {
                    continue;
                }
                let whole_file = findings.iter().any(|f| f.starts_with(&format!("{e}:")));
                assert!(
                    findings.contains(e) || whole_file,
                    "{path}: evidence {e} is not a finding"
                );
            }
        }
    }
}

#[test]
fn every_capability_shows_on_the_samples() {
    let report = scan_json("samples");
    let seen: BTreeSet<&str> = report["skills"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["findings"].as_array().unwrap())
        .map(|f| f["category"].as_str().unwrap())
        .collect();
    for c in Category::ALL {
        if c.kind() == CategoryKind::Capability {
            assert!(
                seen.contains(c.as_str()),
                "no sample shows capability {}; seen: {seen:?}",
                c.as_str()
            );
        }
    }
}

#[test]
fn exit_code_follows_fail_on() {
    // The malicious samples include high findings (native binaries, secret
    // files): the default `--fail-on high` exits 1. The benign ones have
    // nothing critical.
    let out = skillseal(&["scan", "--format", "json", "samples/malicious"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let out = skillseal(&["scan", "--fail-on", "critical", "samples/benign"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
}

/// `samples/classes.toml` names the attack classes each malicious sample
/// exercises: every class has at least three samples, every sample named
/// exists, and the README's recall table is what a scan of them gives.
#[test]
fn every_attack_class_has_blocked_samples_and_the_readme_says_so() {
    let text = std::fs::read_to_string(repo().join("samples/classes.toml")).unwrap();
    let doc: toml::Table = text.parse().expect("samples/classes.toml is TOML");
    let classes = doc["classes"].as_table().expect("[classes]");
    let samples = doc["samples"].as_table().expect("[samples]");
    let report = scan_json("samples/malicious");
    let verdict = |name: &str| -> Option<String> {
        report["skills"].as_array().unwrap().iter().find_map(|s| {
            let path = s["path"].as_str().unwrap_or("");
            (path.rsplit('/').next() == Some(name))
                .then(|| s["verdict"].as_str().unwrap().to_string())
        })
    };
    let mut table = String::from("| class | samples | `block` |\n|---|---|---|\n");
    let mut numbers: Vec<(u32, &str)> = classes
        .iter()
        .map(|(n, title)| (n.parse().expect("class numbers"), title.as_str().unwrap()))
        .collect();
    numbers.sort();
    for (n, title) in numbers {
        let members: Vec<&String> = samples
            .iter()
            .filter(|(_, c)| {
                c.as_array()
                    .unwrap()
                    .iter()
                    .any(|x| x.as_integer() == Some(i64::from(n)))
            })
            .map(|(name, _)| name)
            .collect();
        assert!(
            members.len() >= 3,
            "class {n} ({title}) has {} samples, needs at least 3",
            members.len()
        );
        let mut blocked = 0;
        for name in &members {
            match verdict(name) {
                Some(v) => blocked += usize::from(v == "block"),
                None => panic!("samples/classes.toml names `{name}`, not in samples/malicious"),
            }
        }
        table.push_str(&format!(
            "| {n}. {title} | {} | {blocked} ({}%) |\n",
            members.len(),
            blocked * 100 / members.len()
        ));
    }
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(
        readme.contains(&table),
        "README.md's per-class table should read:\n{table}"
    );
}

/// `docs/taxonomy.md` maps every class of `samples/classes.toml` to rules
/// that exist.
#[test]
fn the_taxonomy_maps_every_attack_class_to_rules_that_exist() {
    let text = std::fs::read_to_string(repo().join("samples/classes.toml")).unwrap();
    let doc: toml::Table = text.parse().expect("samples/classes.toml is TOML");
    let taxonomy = std::fs::read_to_string(repo().join("docs/taxonomy.md")).unwrap();
    let section = taxonomy
        .split("## Attack classes")
        .nth(1)
        .expect("docs/taxonomy.md has an `## Attack classes` section");
    let rule_files: Vec<String> = std::fs::read_dir(repo().join("scanner-rules"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for (n, title) in doc["classes"].as_table().unwrap() {
        let title = title.as_str().unwrap();
        let prefix = format!("| {n}. {title} | ");
        let row = section
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("docs/taxonomy.md lacks the row for class {n} ({title})"));
        let rules: Vec<&str> = row[prefix.len()..]
            .trim_end_matches(" |")
            .split(", ")
            .collect();
        assert!(!rules.is_empty(), "class {n} names no rules");
        for id in rules {
            assert!(
                rule_files.iter().any(|f| f.starts_with(&format!("{id}-"))),
                "docs/taxonomy.md names {id} for class {n}, which is no rule in scanner-rules/"
            );
        }
    }
}
