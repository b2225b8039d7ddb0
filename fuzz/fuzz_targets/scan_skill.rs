//! A whole skill in memory: the input is split into files (see
//! `skillseal_fuzz::skill_files`) whose names are the ones the scanner
//! treats specially (`SKILL.md`, `package.json`, `pyproject.toml`,
//! `.mcp.json`, markdown, each code language, archives, `.pyc`, no
//! extension). The skill is scanned as the scanner does: `SKILL.md`
//! declared first, every file scanned, the findings assessed. A panic, an
//! abort or a scan slower than libFuzzer's `-timeout` is a finding.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: skillseal_fuzz::init(), |data: &[u8]| {
    let files = skillseal_fuzz::skill_files(data);
    skillseal_fuzz::scan_skill(&files);
});
