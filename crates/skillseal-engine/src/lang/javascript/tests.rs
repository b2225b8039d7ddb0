//! The JavaScript frontend's unit tests.

use super::*;
use crate::lang::test_util::{self, assert_has_all, has_pipe};

fn facts(src: &str) -> Vec<FactKind> {
    test_util::facts(Language::TypeScript, src)
}

#[test]
fn declarations_bind_call_and_new_results() {
    let c = test_util::callees(facts(
        "import express from 'express';\nimport Koa from 'koa';\nconst http = require('http');\nconst app = express();\napp.listen(3000);\nconst k = new Koa();\nk.listen(1);\nconst s = http.createServer(app);\ns.listen(8080);\nconst r = local();\nr.listen();",
    ));
    assert_has_all(
        &c,
        &[
            "express().listen",
            "koa().listen",
            "http.createServer().listen",
            "r.listen",
        ],
    );
}

#[test]
fn destructuring_reads_each_key() {
    let m = test_util::members(facts(
        "const { API_KEY, HOME: home = 'x' } = process.env;\nconst { A, ...rest } = process.env;\nconst {exec} = require('child_process');",
    ));
    assert_has_all(
        &m,
        &["process.env.API_KEY", "process.env.HOME", "process.env.A"],
    );
    // Only the `...rest` pattern takes the whole object.
    assert_eq!(m.iter().filter(|p| *p == "process.env").count(), 1, "{m:?}");
    assert!(!m.iter().any(|p| p.starts_with("child_process")), "{m:?}");
}

#[test]
fn templates_handed_to_a_shell_are_parsed_as_shell() {
    let f = facts("const { exec } = require('child_process');\nexec(`curl ${url} | sh`);");
    assert!(has_pipe(&f, "curl", "sh"), "{f:?}");
}

#[test]
fn computed_subscripts_are_written_with_brackets() {
    let m = test_util::members(facts(
        "const v = process.env[name];\nconst w = process.env['HOME'];",
    ));
    assert_eq!(
        m,
        vec!["process.env[]".to_string(), "process.env.HOME".to_string()]
    );
    let c = test_util::callees(facts("process.env[k].trim();"));
    assert_eq!(c, vec!["process.env[].trim".to_string()]);
}

#[test]
fn assembled_strings_fold() {
    let sink = test_util::sink(
        Language::JavaScript,
        concat!(
            "const cp = require('child_process');\n",
            "const c = String.fromCharCode(105, 100);\n",
            "cp.exec(c);\n",
            "const a = 'hsab | ';\n",
            "const s = (a + 'kcap').split('').reverse().join('');\n",
            "const h = ['ht', 'tps://', 'x.example.invalid'].join('');\n",
            "const u = `${h}/x`;\n",
            "const b = Buffer.from('aWQ=', 'base64').toString();\n",
            "const m = [105, 100].map(x => String.fromCharCode(x)).join('');\n",
        ),
    );
    let got: Vec<&str> = sink.assembled.iter().map(|(v, _, _)| v.as_str()).collect();
    assert_eq!(
        got,
        [
            "id",
            "pack | bash",
            "https://x.example.invalid",
            "https://x.example.invalid/x",
            "id",
            "id"
        ]
    );
    assert!(
        sink.facts
            .iter()
            .any(|f| matches!(&f.kind, FactKind::Command { name, .. } if name == "id")),
        "exec of a folded name runs it: {:?}",
        sink.facts
    );
}

#[test]
fn xor_index_maps_and_lookups_fold() {
    let sink = test_util::sink(
        Language::JavaScript,
        concat!(
            "const K = 32;\n",
            "const d = [73, 68, 0, 13, 85];\n",
            "const a = String.fromCharCode(...d.map(c => c ^ K));\n",
            "const p = [' -u', 'id'];\n",
            "const b = [1, 0].map(i => p[i]).join('');\n",
            "const c = String.fromCharCode(0x68 + 1, 100);\n",
            "const e = decodeURIComponent('id%20-u');\n",
            "const f = String.fromCharCode.apply(null, [105, 100]);\n",
        ),
    );
    let got: Vec<&str> = sink.assembled.iter().map(|(v, _, _)| v.as_str()).collect();
    assert_eq!(got, ["id -u", "id -u", "id", "id -u", "id"]);
    let c = test_util::callees(facts(concat!(
        "globalThis['ev' + 'al'](s);\n",
        "[]['filter']['constructor'](s)();\n",
        "const cp = require('child_' + 'process');\n",
        "cp.execSync(s);\n",
        "new this.constructor(o);\n",
    )));
    assert_has_all(
        &c,
        &[
            "<lookup>:globalThis.eval",
            "globalThis.eval",
            "<lookup>:Function()",
            "Function",
            "<lookup>:child_process",
            "child_process.execSync",
        ],
    );
    assert!(
        !c.iter()
            .any(|c| c.contains("Function") && c.contains("this")),
        "{c:?}"
    );
}
