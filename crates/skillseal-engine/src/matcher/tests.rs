//! The matcher's unit tests.

use super::*;
use crate::matcher::predicates::imitates;
use skillseal_rules::{NameSet, NearNames};

fn engine(matcher: &str) -> Engine {
    let rule = format!(
        "id = \"T001\"\nname = \"t\"\ncategory = \"fs-write\"\nseverity = \"low\"\nmessage = \"m\"\n[[match]]\n{matcher}\n[docs]\nwhat = \"what it finds\"\nwhy = \"why it matters\"\nexample = \"an example\"\n[[should-match]]\nfile = \"a.py\"\ncode = \"x\"\n[[should-not-match]]\nfile = \"a.py\"\ncode = \"y\"\n"
    );
    let set = RuleSet::from_sources(vec![("t.toml".into(), rule)]).expect("rule loads");
    Engine::new(&set)
}

fn fires(e: &Engine, path: &str, code: &str) -> bool {
    !e.scan_file(path, code.as_bytes(), &SkillContext::default())
        .findings
        .is_empty()
}

#[test]
fn arg_source_sees_non_literal_and_keyword_arguments() {
    let e = engine("call = [\"os.chmod\", \"os.open\"]\narg-source = '0o7'");
    assert!(fires(&e, "a.py", "import os\nos.chmod(p, 0o755)"));
    assert!(fires(
        &e,
        "a.py",
        "import os\nos.open(p, flags, mode=0o700)"
    ));
    assert!(!fires(&e, "a.py", "import os\nos.chmod(p, 0o644)"));
    // A string literal's value is not source text.
    assert!(!fires(&e, "a.py", "import os\nos.chmod('0o755', m)"));
    let e = engine("command = [\"chmod\"]\narg-source = '^7'");
    assert!(fires(&e, "a.sh", "chmod 755 x"));
}

#[test]
fn not_arg_rejects_any_matching_argument() {
    let e = engine("command = [\"printenv\", \"env\"]\nnot-arg = '^[^-]'");
    assert!(fires(&e, "a.sh", "printenv"));
    assert!(fires(&e, "a.sh", "env -0 | sort"));
    assert!(!fires(&e, "a.sh", "printenv HOME"));
    let e = engine("call = [\"open\"]\nnot-arg = '^w'");
    assert!(fires(&e, "a.py", "open(p, 'r')"));
    assert!(!fires(&e, "a.py", "open(p, 'w')"));
}

#[test]
fn near_misses_without_versions() {
    let names = NearNames::new(&["clawhub".to_string(), "typescript".to_string()]);
    let none = NameSet::default();
    assert!(imitates("cllawhub", &names, &none));
    assert!(imitates("clawwhub@latest", &names, &none));
    assert!(imitates("typescirpt==5.0", &names, &none));
    assert!(imitates("TypeScrpt", &names, &none));
    assert!(!imitates("clawhub@1.2.0", &names, &none));
    assert!(!imitates("-g", &names, &none));
    assert!(!imitates(
        "https://clawhub.example.invalid/x",
        &names,
        &none
    ));
    assert!(!imitates("completely-different", &names, &none));
}

#[test]
fn near_misses_spare_known_names_and_spellings() {
    let names = NearNames::new(&["scapy".to_string(), "python-dateutil".to_string()]);
    let known: NameSet =
        toml::from_str::<std::collections::BTreeMap<String, NameSet>>("k = [\"scrapy\"]")
            .unwrap()
            .remove("k")
            .unwrap();
    assert!(imitates("scrapy", &names, &NameSet::default()));
    assert!(!imitates("scrapy", &names, &known));
    assert!(!imitates("python_dateutil", &names, &known));
    assert!(imitates("python-dateutl", &names, &known));
}
