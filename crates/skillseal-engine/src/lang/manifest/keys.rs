//! Manifests as `Key` facts: every key of front matter, `package.json` and
//! `pyproject.toml` flattened to a dotted path, at the line it is written
//! on, and the scripts of `package.json` parsed as shell.

use super::{FrontMatter, OPENCLAW_KEYS, openclaw, parse_front_matter};
use crate::facts::{FactKind, Origin, Sink};
use foldhash::HashMap;
use serde_json::Value;
use skillseal_model::Language;

/// Keys reported per manifest, and the nesting followed.
const MAX_KEYS: usize = 4096;
const MAX_DEPTH: usize = 24;

/// Byte offset of `key:` / `"key"` inside `src[from..to]`.
pub(super) fn key_offset(src: &str, from: usize, to: usize, key: &str) -> Option<usize> {
    // An empty key (`"."` in an `exports` map, `""` in TOML) is found at
    // every offset: searching for it would never advance.
    if key.is_empty() {
        return None;
    }
    let hay = src.get(from..to)?;
    let mut search = 0;
    while let Some(i) = hay[search..].find(key) {
        let at = search + i;
        let after = &hay[at + key.len()..];
        let before_ok = at == 0
            || !hay[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        // YAML/JSON `key:`, TOML `key =` and table headers `[a.key]`.
        let rest = after
            .strip_prefix(['"', '\''])
            .unwrap_or(after)
            .trim_start_matches([' ', '\t']);
        if before_ok && (rest.starts_with(':') || rest.starts_with('=') || rest.starts_with(']')) {
            return Some(from + at);
        }
        search = at + key.len();
    }
    None
}

/// The most of a line a fact spans: a manifest written on one line (a
/// minified `package.json`, a generated config) would otherwise make every
/// key's fact, and the search for its end, the whole file.
const MAX_LINE: usize = 1024;

/// Where the line holding `at` ends, at most [`MAX_LINE`] bytes on and
/// never past `limit`.
pub(super) fn line_end(src: &str, at: usize, limit: usize) -> usize {
    let stop = src.floor_char_boundary((at + MAX_LINE).min(limit.max(at)).min(src.len()));
    src.get(at..stop)
        .and_then(|s| s.find('\n'))
        .map_or(stop.max(at), |i| at + i)
}

/// Where the line holding `at` starts, at most [`MAX_LINE`] bytes back.
pub(super) fn line_start(src: &str, at: usize) -> usize {
    let from = src.floor_char_boundary(at.saturating_sub(MAX_LINE));
    src.get(from..at)
        .and_then(|s| s.rfind('\n'))
        .map_or(from, |i| from + i + 1)
}

/// Where `key` is written in `range`, to the end of its line (the start of
/// `range` when it is not found).
fn key_line(src: &str, range: (usize, usize), key: &str) -> (usize, usize) {
    let at = key_offset(src, range.0, range.1, key).unwrap_or(range.0);
    (at, line_end(src, at, src.len()))
}

/// Emit `Key` facts for a JSON value flattened to dotted paths; returns
/// each scalar's path, value and offset (for further parsing).
pub(super) fn flatten(
    prefix: &str,
    root: &Value,
    src: &str,
    range: (usize, usize),
    lang: Language,
    origin: Origin,
    sink: &mut Sink,
) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, &Value, usize)> = vec![(String::new(), root, 0)];
    // Keys repeat (`version`, `url`, `name`): each is searched for once.
    let mut offsets: HashMap<String, usize> = HashMap::default();
    let mut offset_of = |key: &str| -> usize {
        if let Some(&at) = offsets.get(key) {
            return at;
        }
        // Each search reads the whole manifest: check the budget per search
        // on a large one.
        if range.1 - range.0 > 1 << 16 && crate::budget::check() {
            return range.0;
        }
        let at = key_offset(src, range.0, range.1, key).unwrap_or(range.0);
        offsets.insert(key.to_string(), at);
        at
    };
    // A key fact at the line of the path's last key; returns where it is.
    let mut key_fact = |path: &str, value: String, sink: &mut Sink| -> usize {
        let last = path.rsplit('.').next().unwrap_or(path);
        let at = offset_of(last);
        let end = line_end(src, at, range.1);
        let key = format!("{prefix}{path}");
        sink.push(origin, lang, at, end, FactKind::Key { key, value });
        at
    };
    while let Some((path, v, depth)) = stack.pop() {
        if out.len() >= MAX_KEYS || depth > MAX_DEPTH || crate::budget::tick() {
            break;
        }
        // An empty table or list still says something (`[tool.hatch.build.
        // hooks.custom]` enables a hook with its defaults): its key is
        // emitted with an empty value.
        let empty = match v {
            Value::Object(m) => m.is_empty(),
            Value::Array(a) => a.is_empty(),
            _ => false,
        };
        match v {
            _ if empty && !path.is_empty() => {
                key_fact(&path, String::new(), sink);
            }
            Value::Object(map) => {
                for (k, child) in map.iter().rev() {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    stack.push((p, child, depth + 1));
                }
            }
            Value::Array(items) => {
                for child in items.iter().rev() {
                    stack.push((path.clone(), child, depth + 1));
                }
            }
            Value::Null => {}
            scalar_value => {
                let value = match scalar_value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let at = key_fact(&path, value.clone(), sink);
                out.push((path, value, at));
            }
        }
    }
    out
}

/// Facts for a markdown file's front matter.
pub fn front_matter_facts(src: &str, fm: &FrontMatter, origin: Origin, sink: &mut Sink) {
    let (manifest, errors) = parse_front_matter(src, fm);
    for e in errors {
        let end = line_end(src, e.offset, src.len());
        sink.push(
            origin,
            Language::Yaml,
            e.offset,
            end,
            FactKind::Key {
                key: "front-matter:error".into(),
                value: e.message,
            },
        );
    }
    let range = (fm.yaml_start, fm.yaml_end);
    let mut raw = manifest.raw.clone();
    // The OpenClaw block is flattened under one stable prefix whichever key
    // (current or legacy) held it.
    let oc = openclaw(&raw).cloned();
    if let Value::Object(map) = &mut raw {
        if let Some(Value::Object(meta)) = map.get_mut("metadata") {
            for k in OPENCLAW_KEYS {
                meta.remove(*k);
            }
        }
        for k in OPENCLAW_KEYS {
            map.remove(*k);
        }
    }
    flatten(
        "front-matter:",
        &raw,
        src,
        range,
        Language::Yaml,
        origin,
        sink,
    );
    if let Some(oc) = oc {
        flatten(
            "front-matter:openclaw.",
            &oc,
            src,
            range,
            Language::Yaml,
            origin,
            sink,
        );
    }
    // A `download` install step without a `sha256` runs whatever the URL
    // serves: one synthetic key per such entry, its value the URL.
    for entry in &manifest.install {
        let is_download = entry.get("kind").and_then(Value::as_str) == Some("download");
        let pinned = entry
            .get("sha256")
            .and_then(Value::as_str)
            .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        if is_download && !pinned {
            let url = entry.get("url").and_then(Value::as_str).unwrap_or("");
            let (at, end) = key_line(src, range, "install");
            let key = FactKind::Key {
                key: "front-matter:openclaw.install.download-without-sha256".into(),
                value: url.to_string(),
            };
            sink.push(origin, Language::Yaml, at, end, key);
        }
    }
    if let Some(desc) = &manifest.description {
        let (at, end) = key_line(src, range, "description");
        let text = FactKind::Text { text: desc.clone() };
        sink.push(origin, Language::Markdown, at, end, text);
        // The description is markdown too: a command in backticks there is
        // one the agent reads first, parsed as shell like inline code.
        let fixed = match origin {
            Origin::Offset(base) => Origin::Fixed(base + at, base + end),
            fixed => fixed,
        };
        for (_, code) in crate::lang::markdown::backtick_spans(desc) {
            if crate::detect::looks_like_shell(code) {
                crate::lang::scan_source(Language::Shell, code, fixed, sink);
            }
        }
    }
}

/// Facts for a `package.json`: every key, and every script parsed as shell.
pub fn package_json(src: &str, origin: Origin, sink: &mut Sink) {
    let value: Value = match serde_json::from_str(src) {
        Ok(v) => v,
        Err(e) => {
            let line = e.line();
            let offset = src
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(str::len)
                .sum::<usize>()
                + e.column().saturating_sub(1);
            let offset = src.floor_char_boundary(offset.min(src.len()));
            sink.push(
                origin,
                Language::Json,
                offset,
                offset,
                FactKind::Key {
                    key: "package.json:error".into(),
                    value: e.to_string(),
                },
            );
            return;
        }
    };
    let keys = flatten(
        "package.json:",
        &value,
        src,
        (0, src.len()),
        Language::Json,
        origin,
        sink,
    );
    for (path, script, at) in keys {
        if path.starts_with("scripts.") {
            let end = line_end(src, at, src.len());
            let (s, e) = origin.map(at, end);
            crate::lang::scan_source(Language::Shell, &script, Origin::Fixed(s, e), sink);
        }
    }
}

/// Facts for a `pyproject.toml`: every key, flattened.
pub fn pyproject(src: &str, origin: Origin, sink: &mut Sink) {
    match toml::from_str::<Value>(src) {
        Ok(v) => {
            flatten(
                "pyproject:",
                &v,
                src,
                (0, src.len()),
                Language::Toml,
                origin,
                sink,
            );
        }
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start.min(src.len()));
            sink.push(
                origin,
                Language::Toml,
                offset,
                offset,
                FactKind::Key {
                    key: "pyproject:error".into(),
                    value: e.message().to_string(),
                },
            );
        }
    }
}
