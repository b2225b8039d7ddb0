//! What the engine's integration tests share: one engine with the built-in
//! rules, and a scan of an in-memory skill.
#![allow(dead_code)]

use skillseal_engine::{Engine, SkillContext};
use skillseal_model::Finding;
use skillseal_rules::RuleSet;
use std::sync::OnceLock;

/// The engine with the built-in rules, built once per test binary.
pub fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(&RuleSet::builtin().expect("built-in rules load")))
}

/// Scan `(path, text)` files as one skill (its context: the file list and
/// what its `SKILL.md` declares); all findings, files in path order.
pub fn scan(files: &[(&str, &str)]) -> Vec<Finding> {
    let mut sorted = files.to_vec();
    sorted.sort();
    let bytes: Vec<(&str, &[u8])> = sorted.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    let ctx = SkillContext::of_files(&bytes);
    sorted
        .iter()
        .flat_map(|(path, text)| engine().scan_file(path, text.as_bytes(), &ctx).findings)
        .collect()
}
