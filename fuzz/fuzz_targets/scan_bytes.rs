//! Arbitrary bytes through `Engine::scan_file`. The first byte picks the
//! file name (and so the frontend: by extension, by manifest name, or by
//! shebang/content when there is no extension); the rest is the file.
//! The engine must never panic, abort or overflow the stack.

#![no_main]

use libfuzzer_sys::fuzz_target;
use skillseal_engine::SkillContext;
use skillseal_fuzz::engine;
use std::sync::OnceLock;

const NAMES: &[&str] = &[
    "scripts/run.py",
    "lib/index.js",
    "src/main.ts",
    "ui/App.tsx",
    "install.sh",
    "src/lib.rs",
    "README.md",
    "SKILL.md",
    "package.json",
    "pyproject.toml",
    "bin/tool",
    "dist/bundle.zip",
    "notes.txt",
    "config.yaml",
    "__pycache__/mod.cpython-311.pyc",
    "build/addon.node",
];

fn context() -> &'static SkillContext {
    static CTX: OnceLock<SkillContext> = OnceLock::new();
    CTX.get_or_init(|| {
        let mut ctx = SkillContext::default();
        for n in NAMES {
            ctx.files.insert((*n).to_string());
        }
        ctx
    })
}

fuzz_target!(init: skillseal_fuzz::init(), |data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let name = NAMES[first as usize % NAMES.len()];
    let out = engine().scan_file(name, rest, context());
    // Findings point inside the file.
    for f in &out.findings {
        assert!(f.line >= 1 && f.column >= 1, "{f:?}");
    }
});
