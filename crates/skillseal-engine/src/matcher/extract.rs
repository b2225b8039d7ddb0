//! A file's facts: file kinds from its name and magic bytes, then the
//! frontend its language picks, invisible characters, and decoded literals.

use super::{Engine, Extracted};
use crate::facts::{FactKind, Origin, Sink};
use crate::lang::{self, manifest};
use crate::{SkillContext, detect, is_skill_manifest};
use skillseal_model::Language;
use std::borrow::Cow;

impl Engine {
    /// Extract a file's facts and the text their offsets refer to.
    pub fn facts<'b>(&self, path: &str, bytes: &'b [u8], ctx: &SkillContext) -> Extracted<'b> {
        let mut sink = Sink::new();
        let name = detect::file_name(path);
        let ext = detect::extension(path).unwrap_or_default();
        let magic = detect::Magic::of(bytes);
        let file_fact = |sink: &mut Sink, kind: &'static str| {
            sink.push(
                Origin::Offset(0),
                Language::Binary,
                0,
                0,
                FactKind::FileKind { kind },
            )
        };
        // An office document is a zip of XML parts: not an archive to
        // review unless it embeds files, but its macros and its text are.
        let office = match magic {
            Some(detect::Magic::Zip) if crate::office::is_office_zip_extension(&ext) => {
                crate::office::inspect_zip(bytes)
            }
            _ => None,
        };
        if let Some(doc) = &office
            && doc.macros
        {
            file_fact(&mut sink, "office-macro");
        }
        if magic == Some(detect::Magic::Ole) && crate::office::ole_has_macros(bytes) {
            file_fact(&mut sink, "office-macro");
        }
        if let Some(m) = magic {
            if let Some(kind) = m.kind()
                && office.as_ref().is_none_or(|d| d.embedded)
            {
                file_fact(&mut sink, kind);
            }
            if let Some(expected) = detect::expected_magic(&ext) {
                if !expected.contains(&m) {
                    file_fact(&mut sink, "magic-mismatch");
                }
            } else if detect::is_text_extension(&ext) && (m.is_native() || m.is_archive()) {
                file_fact(&mut sink, "magic-mismatch");
            }
            if m == detect::Magic::Pyc && !pyc_has_source(path, ctx) {
                file_fact(&mut sink, "pyc-without-source");
            }
        } else if let Some(expected) = detect::expected_magic(&ext)
            && !bytes.is_empty()
            && !expected.is_empty()
        {
            file_fact(&mut sink, "magic-mismatch");
        }
        if ext == "node" {
            file_fact(&mut sink, "node-addon");
        }
        if let Some(doc) = office {
            // What the document says, read as prose: instructions hidden
            // in a `.docx` are instructions all the same.
            let text = doc.text;
            lang::scan_source(Language::Markdown, &text, Origin::Offset(0), &mut sink);
            crate::decode::decode_literals(&mut sink);
            return Extracted {
                text: Cow::Owned(text),
                facts: sink.facts,
                flows: sink.flows,
                manifest: None,
            };
        }
        if magic.is_some() || is_binary(bytes) {
            return Extracted {
                text: Cow::Borrowed(""),
                facts: sink.facts,
                flows: sink.flows,
                manifest: None,
            };
        }

        let text = String::from_utf8_lossy(bytes);
        let lang = detect::language(path, &text);
        let origin = Origin::Offset(0);
        let mut skill_manifest = None;
        match (name.to_ascii_lowercase().as_str(), lang) {
            ("package.json", _) => manifest::package_json(&text, origin, &mut sink),
            ("pyproject.toml", _) => manifest::pyproject(&text, origin, &mut sink),
            (_, Language::Json) => {
                manifest::json_config(path, &text, origin, &mut sink);
            }
            (_, Language::Toml) => {
                manifest::toml_config(&text, origin, &mut sink);
            }
            (_, Language::Yaml) => {
                manifest::yaml_config(&text, origin, &mut sink);
            }
            (_, Language::Markdown) => {
                if is_skill_manifest(name) {
                    skill_manifest = Some(match manifest::split_front_matter(&text) {
                        Some(fm) => manifest::parse_front_matter(&text, &fm).0,
                        None => manifest::SkillManifest::default(),
                    });
                }
                lang::scan_source(lang, &text, origin, &mut sink);
            }
            (_, Language::Shell) => {
                // An empty file named `.sh` runs nothing.
                if !text.trim().is_empty() {
                    file_fact(&mut sink, "shell-script");
                }
                lang::scan_source(lang, &text, origin, &mut sink);
            }
            (_, Language::Text) => {
                for (start, line) in line_spans(&text) {
                    sink.push(
                        origin,
                        Language::Text,
                        start,
                        start + line.len(),
                        FactKind::Text {
                            text: line.to_string(),
                        },
                    );
                }
            }
            (_, l) => {
                if matches!(l, Language::JavaScript | Language::TypeScript) && is_minified(&text) {
                    file_fact(&mut sink, "minified");
                }
                lang::scan_source(l, &text, origin, &mut sink);
            }
        }
        if !matches!(lang, Language::Markdown | Language::Text) {
            invisible_lines(&text, lang, &mut sink);
        }
        crate::decode::decode_literals(&mut sink);
        Extracted {
            text,
            facts: sink.facts,
            flows: sink.flows,
            manifest: skill_manifest,
        }
    }
}

/// Lines of code or data that hold invisible or direction-changing
/// characters (zero-width, bidi controls, tag characters, variation
/// selectors) become text facts, so the hidden-text rules see them in
/// comments and identifiers too, not only in string literals.
pub(super) fn invisible_lines(text: &str, lang: Language, sink: &mut Sink) {
    // Every such character is encoded with a lead byte of 0xE2 (U+2000
    // block), 0xEF (U+FE00 block, U+FEFF) or 0xF3 (U+E0000 planes).
    let bytes = text.as_bytes();
    if !bytes.iter().any(|b| matches!(b, 0xE2 | 0xEF | 0xF3)) {
        return;
    }
    for (start, line) in line_spans(text) {
        if line.chars().any(is_invisible) {
            sink.push(
                Origin::Offset(0),
                lang,
                start,
                start + line.len(),
                FactKind::Text {
                    text: line.to_string(),
                },
            );
        }
    }
}

pub(super) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' | '\u{FE00}'..='\u{FE0E}' | '\u{E0000}'..='\u{E01EF}')
}

pub(super) fn pyc_has_source(path: &str, ctx: &SkillContext) -> bool {
    // `pkg/__pycache__/mod.cpython-311.pyc` → `pkg/mod.py`; `mod.pyc` → `mod.py`
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let stem = name.split('.').next().unwrap_or(name);
    let dir = dir.strip_suffix("__pycache__").unwrap_or(dir);
    let dir = dir.trim_end_matches('/');
    let candidate = if dir.is_empty() {
        format!("{stem}.py")
    } else {
        format!("{dir}/{stem}.py")
    };
    ctx.files.contains(&candidate)
}

/// Content with NUL bytes in its first 8 KiB is binary.
pub(super) fn is_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

/// A bundle with very long lines reads as minified.
pub(super) fn is_minified(text: &str) -> bool {
    let lines = text.lines().count().max(1);
    text.len() > 2048 && (text.len() / lines > 500 || text.lines().any(|l| l.len() > 20_000))
}

pub(super) fn line_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = 0;
    text.split_inclusive('\n').map(move |l| {
        let start = pos;
        pos += l.len();
        (start, l.trim_end_matches(['\n', '\r']))
    })
}
