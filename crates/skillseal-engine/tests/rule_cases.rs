//! Every rule's `should-match` and `should-not-match` cases, run through the
//! real engine: a case fails when the rule does (not) fire on its snippet.

use skillseal_engine::{Engine, SkillContext};
use skillseal_rules::RuleSet;

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
                let mut ctx = SkillContext::default();
                ctx.files.insert(case.file.clone());
                if let Some(manifest) = &case.manifest {
                    ctx.files.insert("SKILL.md".into());
                    ctx.declare(manifest);
                }
                let findings = match &case.flag {
                    Some(flag) => engine.scan_flag(&case.file, flag),
                    None => {
                        engine
                            .scan_file(&case.file, case.code.as_bytes(), &ctx)
                            .findings
                    }
                };
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
