//! Manifests: `package.json`, `pyproject.toml`, `SKILL.md` front matter, MCP configurations.
//! The first byte picks the file name; the rest is the file, scanned by
//! `Engine::scan_file` with every built-in rule. A panic, an abort, a
//! finding outside the file or a scan slower than libFuzzer's `-timeout`
//! is a finding.

#![no_main]

use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &[
    "package.json",
    "pyproject.toml",
    "SKILL.md",
    "skill.md",
    ".mcp.json",
    "mcp.json",
    "claude_desktop_config.json",
    ".vscode/mcp.json",
    ".claude/settings.json",
    "hooks/hooks.json",
    "openclaw.json",
    "config.toml",
    "sub/package.json",
];

fuzz_target!(init: skillseal_fuzz::init(), |data: &[u8]| {
    if let Some((name, bytes)) = skillseal_fuzz::pick(NAMES, data) {
        skillseal_fuzz::scan_one(name, bytes);
    }
});
