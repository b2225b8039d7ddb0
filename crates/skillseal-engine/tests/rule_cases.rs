//! Every rule's `should-match` and `should-not-match` cases, run through the
//! real engine: a case fails when the rule does (not) fire on its snippet,
//! and what a rule reports on its `should-match` cases (position, severity,
//! message) is kept as one snapshot per rule, `snapshots/rules/<ID>.snap`.

use skillseal_engine::{Engine, SkillContext};
use skillseal_model::Finding;
use skillseal_rules::{Case, Rule, RuleSet};
use std::fmt::Write;

#[test]
fn every_rule_case_behaves() {
    let set = RuleSet::builtin().unwrap_or_else(|errs| {
        panic!(
            "{}",
            errs.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let engine = Engine::new(&set);
    let mut failures = Vec::new();
    for rule in set.rules() {
        for (should, cases) in [(true, &rule.should_match), (false, &rule.should_not_match)] {
            for (i, case) in cases.iter().enumerate() {
                let findings = run(&engine, case);
                let fired = findings.iter().any(|f| f.rule == rule.id);
                if fired != should {
                    failures.push(format!(
                        "{} ({}): {} case #{} in {} {}:\n{}\n  findings: {:?}",
                        rule.id,
                        rule.source,
                        if should {
                            "should-match"
                        } else {
                            "should-not-match"
                        },
                        i + 1,
                        case.file,
                        if should { "did not fire" } else { "fired" },
                        case.code,
                        findings
                            .iter()
                            .map(|f| (&f.rule, f.line, f.column))
                            .collect::<Vec<_>>()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} rule case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The findings of every rule on one case, as the CLI would see them.
fn run(engine: &Engine, case: &Case) -> Vec<Finding> {
    let mut ctx = SkillContext::default();
    ctx.files.insert(case.file.clone());
    if let Some(manifest) = &case.manifest {
        ctx.files.insert("SKILL.md".into());
        ctx.declare(manifest);
    } else if skillseal_engine::is_skill_manifest(&case.file) {
        // As discovery does: a skill's SKILL.md declares for its own scan.
        ctx.declare(&case.code);
    }
    match &case.flag {
        Some(flag) => engine.scan_flag(&case.file, flag),
        None => {
            engine
                .scan_file(&case.file, case.code.as_bytes(), &ctx)
                .findings
        }
    }
}

/// What a rule reports on each of its `should-match` cases.
fn report(engine: &Engine, rule: &Rule) -> String {
    let mut out = String::new();
    for (i, case) in rule.should_match.iter().enumerate() {
        let _ = writeln!(out, "should-match #{} {}", i + 1, case.file);
        for f in run(engine, case).iter().filter(|f| f.rule == rule.id) {
            let _ = writeln!(
                out,
                "  {}:{}-{}:{} {} {}",
                f.line, f.column, f.end_line, f.end_column, f.severity, f.message
            );
            let snippet = f.snippet.trim_end();
            if !snippet.is_empty() {
                let _ = writeln!(out, "    | {snippet}");
            }
        }
    }
    out
}

/// Where, how severe and with what message each rule fires on its cases,
/// one snapshot per rule (as ruff keeps per-rule fixture snapshots). A new
/// rule needs its snapshot: run with `INSTA_UPDATE=always` (or
/// `cargo insta review`) and read what it wrote.
#[test]
fn every_rule_reports_position_severity_and_message() {
    let set = RuleSet::builtin().expect("built-in rules load");
    let engine = Engine::new(&set);
    insta::with_settings!({
        snapshot_path => "snapshots/rules",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        for rule in set.rules() {
            insta::assert_snapshot!(rule.id.as_str(), report(&engine, rule));
        }
    });
}

/// Every file kind is matched by a built-in rule, whose `should-match`
/// cases then show the engine (or discovery) raises it under that name;
/// and every flag discovery raises is a file kind.
#[test]
fn file_kinds_are_the_ones_the_engine_raises() {
    let set = RuleSet::builtin().expect("built-in rules load");
    for kind in skillseal_model::FileKind::ALL {
        assert!(
            set.rules()
                .iter()
                .flat_map(|r| &r.matchers)
                .any(|m| m.file_kind.contains(kind)),
            "no built-in rule matches the file kind `{kind}`"
        );
    }
    for flag in skillseal_engine::DISCOVERY_FLAGS {
        assert!(
            flag.parse::<skillseal_model::FileKind>().is_ok(),
            "`{flag}` is not a file kind"
        );
    }
}
