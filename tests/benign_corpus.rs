//! The verdicts on real benign skills: every skill of the benign corpus
//! (real public skills, `shared/corpus/benign-skills/`, licences in its
//! `SOURCES.md`) gets the verdict `tests/benign-corpus.toml` expects, and
//! every `block` there says why the skill's behaviour is dangerous. A
//! change that blocks one more benign skill fails here; so does one that
//! stops blocking a listed one, until the file is updated (and the rates
//! in the README with it).
//!
//! The corpus is data outside the repository: `SKILLSEAL_BENIGN_CORPUS`
//! names it (`.ci/run` sets it), else `../shared/corpus/benign-skills`
//! beside the checkout. Without either the test says so and checks
//! nothing; with the variable set to a missing folder it fails.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::{repo, skillseal, stderr};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expectations {
    /// Skill path (relative to the corpus) -> why its `block` stands.
    block: BTreeMap<String, String>,
    /// Skills expected to get `review`.
    review: Vec<String>,
}

fn corpus() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SKILLSEAL_BENIGN_CORPUS") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "SKILLSEAL_BENIGN_CORPUS={} is not a folder",
            dir.display()
        );
        return Some(dir);
    }
    let beside = repo().join("../shared/corpus/benign-skills");
    beside.is_dir().then_some(beside)
}

#[test]
fn benign_skills_get_the_expected_verdicts() {
    let Some(dir) = corpus() else {
        eprintln!("no benign corpus (set SKILLSEAL_BENIGN_CORPUS): nothing checked");
        return;
    };
    let expected: Expectations =
        toml::from_str(&std::fs::read_to_string(repo().join("tests/benign-corpus.toml")).unwrap())
            .expect("tests/benign-corpus.toml");
    for (path, why) in &expected.block {
        assert!(
            why.split_whitespace().count() >= 8,
            "{path}: say why its behaviour is dangerous"
        );
    }

    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("report.json");
    let run = skillseal(&[
        "scan",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
        dir.to_str().unwrap(),
    ]);
    assert!(
        run.status.code().is_some_and(|c| c <= 1),
        "{}",
        stderr(&run)
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let skills = json["skills"].as_array().unwrap();
    assert!(skills.len() > 300, "{} skills", skills.len());

    let mut wrong = Vec::new();
    for skill in skills {
        let path = skill["path"].as_str().unwrap();
        let rel = path
            .strip_prefix(dir.to_str().unwrap())
            .unwrap_or(path)
            .trim_start_matches('/');
        let got = skill["verdict"].as_str().unwrap();
        let want = if expected.block.contains_key(rel) {
            "block"
        } else if expected.review.iter().any(|r| r == rel) {
            "review"
        } else {
            "pass"
        };
        if got != want {
            let why: Vec<&str> = skill["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|r| r["message"].as_str())
                .collect();
            wrong.push(format!("{rel}: expected {want}, got {got}: {why:?}"));
        }
    }
    let blocked = expected.block.len();
    let reviewed = expected.review.len();
    eprintln!(
        "benign corpus: {} skills, block {blocked} ({:.1}%), review {reviewed} ({:.1}%)",
        skills.len(),
        100.0 * blocked as f64 / skills.len() as f64,
        100.0 * reviewed as f64 / skills.len() as f64,
    );
    assert!(
        wrong.is_empty(),
        "{} verdicts differ from tests/benign-corpus.toml:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
