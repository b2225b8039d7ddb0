//! The JavaScript, TypeScript and TSX frontend (tree-sitter).
//! The first byte picks the file name; the rest is the file, scanned by
//! `Engine::scan_file` with every built-in rule. A panic, an abort, a
//! finding outside the file or a scan slower than libFuzzer's `-timeout`
//! is a finding.

#![no_main]

use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &[
    "lib/index.js",
    "x.mjs",
    "x.cjs",
    "src/main.ts",
    "ui/App.tsx",
];

fuzz_target!(init: skillseal_fuzz::init(), |data: &[u8]| {
    if let Some((name, bytes)) = skillseal_fuzz::pick(NAMES, data) {
        skillseal_fuzz::scan_one(name, bytes);
    }
});
