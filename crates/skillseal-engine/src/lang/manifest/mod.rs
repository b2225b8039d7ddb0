//! Manifests: `SKILL.md` front matter (YAML, with `metadata` often one line
//! of JSON5), `package.json` and `pyproject.toml`. Each becomes `Key` facts
//! (`front-matter:openclaw.requires.env` = `OPENAI_API_KEY`) that rules
//! match declaratively; scripts in `package.json` are parsed as shell.
//! Agent configurations (MCP server lists, Claude settings and hooks,
//! OpenClaw's config) are read in `agent_config`.

mod agent_config;
mod keys;

pub use agent_config::{json_block, json_config, toml_config, yaml_config};

use keys::key_offset;
pub use keys::{front_matter_facts, package_json, pyproject};
use serde_json::Value;

/// Deepest bracket nesting handed to the YAML and JSON5 parsers. Real
/// front matter nests a handful of levels; libyaml's flow scanner is
/// quadratic in nesting and the JSON5 parser recurses per level, so deeper
/// input is reported as an error instead of parsed.
const MAX_PARSE_NESTING: usize = 64;

/// Deepest `{`/`[` nesting in `s`, brackets inside quotes included (an
/// over-estimate only turns absurd input into an error).
fn bracket_depth(s: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in s.bytes() {
        match b {
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}
/// Keys under `metadata` that hold OpenClaw settings (current and legacy).
pub const OPENCLAW_KEYS: &[&str] = &["openclaw", "clawdbot", "clawdis"];

/// Where the front matter sits in a markdown file.
#[derive(Debug, Clone)]
pub struct FrontMatter {
    /// Byte offset of the YAML text (after the opening `---` line).
    pub yaml_start: usize,
    pub yaml_end: usize,
    /// Byte offset where the markdown body starts.
    pub body_start: usize,
}

/// The parts of a skill manifest skillseal uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SkillManifest {
    pub name: Option<String>,
    pub description: Option<String>,
    pub version: Option<String>,
    pub requires_bins: Vec<String>,
    pub requires_env: Vec<String>,
    pub primary_env: Option<String>,
    pub always: bool,
    /// `metadata.openclaw.install[]` entries as written.
    pub install: Vec<Value>,
    /// The whole front matter as JSON (metadata decoded), for callers.
    pub raw: Value,
}

/// A front-matter problem with its 1-based position in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    pub message: String,
    pub offset: usize,
}

pub fn split_front_matter(src: &str) -> Option<FrontMatter> {
    let src_nobom = src.strip_prefix('\u{feff}').unwrap_or(src);
    let bom = src.len() - src_nobom.len();
    let first_len = src_nobom.find('\n')? + 1;
    if src_nobom[..first_len].trim_end() != "---" {
        return None;
    }
    let yaml_start = bom + first_len;
    let mut pos = yaml_start;
    for line in src[yaml_start..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            return Some(FrontMatter {
                yaml_start,
                yaml_end: pos,
                body_start: pos + line.len(),
            });
        }
        pos += line.len();
    }
    None
}

/// Parse front matter into a manifest. On a YAML error the manifest is
/// empty and the error carries the position of the problem.
pub fn parse_front_matter(src: &str, fm: &FrontMatter) -> (SkillManifest, Vec<ManifestError>) {
    let yaml = &src[fm.yaml_start..fm.yaml_end];
    let mut errors = Vec::new();
    if bracket_depth(yaml) > MAX_PARSE_NESTING {
        errors.push(ManifestError {
            message: format!(
                "invalid YAML front matter: nesting deeper than {MAX_PARSE_NESTING} levels"
            ),
            offset: fm.yaml_start,
        });
        return (SkillManifest::default(), errors);
    }
    let value: Value = match serde_yaml_ng::from_str::<serde_yaml_ng::Value>(yaml) {
        Ok(v) => yaml_to_json(v),
        Err(e) => {
            let offset = e
                .location()
                .map_or(fm.yaml_start, |l| fm.yaml_start + l.index().min(yaml.len()));
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            errors.push(ManifestError {
                message: format!("invalid YAML front matter: {msg}"),
                offset,
            });
            return (SkillManifest::default(), errors);
        }
    };
    let mut value = match value {
        Value::Object(_) => value,
        Value::Null => Value::Object(Default::default()),
        _ => {
            errors.push(ManifestError {
                message: "front matter is not a mapping of keys to values".into(),
                offset: fm.yaml_start,
            });
            return (SkillManifest::default(), errors);
        }
    };
    // `metadata` is often one line of JSON5 inside the YAML; so is each
    // `metadata.openclaw` value in some skills.
    if let Some(meta) = value.get_mut("metadata") {
        decode_json5(meta, "metadata", src, fm, &mut errors);
        if let Value::Object(map) = meta {
            for key in OPENCLAW_KEYS {
                if let Some(v) = map.get_mut(*key) {
                    decode_json5(v, key, src, fm, &mut errors);
                }
            }
        }
    }
    let oc = openclaw(&value).cloned().unwrap_or(Value::Null);
    let strings = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    };
    let requires = oc.get("requires");
    let manifest = SkillManifest {
        name: value.get("name").and_then(scalar),
        description: value.get("description").and_then(scalar),
        version: value.get("version").and_then(scalar).or_else(|| {
            value
                .get("metadata")
                .and_then(|m| m.get("version"))
                .and_then(scalar)
        }),
        requires_bins: strings(requires.and_then(|r| r.get("bins")))
            .into_iter()
            .chain(strings(requires.and_then(|r| r.get("anyBins"))))
            .collect(),
        requires_env: strings(requires.and_then(|r| r.get("env"))),
        primary_env: oc.get("primaryEnv").and_then(scalar),
        always: matches!(
            oc.get("always").or(value.get("always")),
            Some(Value::Bool(true))
        ) || oc.get("always").and_then(Value::as_str) == Some("true"),
        install: match oc.get("install") {
            Some(Value::Array(a)) => a.clone(),
            Some(v @ Value::Object(_)) => vec![v.clone()],
            _ => Vec::new(),
        },
        raw: value,
    };
    (manifest, errors)
}

/// The OpenClaw settings block: `metadata.openclaw` (or a legacy key).
pub fn openclaw(front: &Value) -> Option<&Value> {
    let meta = front.get("metadata");
    OPENCLAW_KEYS
        .iter()
        .find_map(|k| meta.and_then(|m| m.get(*k)).or_else(|| front.get(*k)))
}

fn decode_json5(
    v: &mut Value,
    key: &str,
    src: &str,
    fm: &FrontMatter,
    errors: &mut Vec<ManifestError>,
) {
    let Value::String(s) = v else {
        return;
    };
    let t = s.trim();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return;
    }
    if bracket_depth(t) > MAX_PARSE_NESTING {
        let offset = key_offset(src, fm.yaml_start, fm.yaml_end, key).unwrap_or(fm.yaml_start);
        errors.push(ManifestError {
            message: format!("`{key}` nests deeper than {MAX_PARSE_NESTING} levels"),
            offset,
        });
        return;
    }
    match json5::from_str::<Value>(t) {
        Ok(parsed) => *v = parsed,
        Err(e) => {
            let offset = key_offset(src, fm.yaml_start, fm.yaml_end, key).unwrap_or(fm.yaml_start);
            errors.push(ManifestError {
                message: format!("`{key}` is not valid JSON5: {e}"),
                offset,
            });
        }
    }
}

/// A JSON or YAML scalar as text; `None` for a table or list.
pub(super) fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn yaml_to_json(v: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    // serde_yaml_ng bounds nesting (recursion limit 128) while parsing, so
    // this recursion is bounded too.
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(&n).unwrap_or(Value::Null),
        Y::String(s) => Value::String(s),
        Y::Sequence(seq) => Value::Array(seq.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let k = match k {
                        Y::String(s) => s,
                        other => serde_yaml_ng::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    };
                    (k, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => yaml_to_json(t.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{FactKind, Origin, Sink};

    fn manifest(src: &str) -> (SkillManifest, Vec<ManifestError>) {
        let fm = split_front_matter(src).expect("front matter");
        parse_front_matter(src, &fm)
    }

    #[test]
    fn openclaw_metadata_as_one_line_json5() {
        let src = "---\nname: weather\ndescription: Get the weather\nmetadata: {\"openclaw\": {requires: {bins: ['curl'], env: ['WEATHER_KEY']}, primaryEnv: 'WEATHER_KEY', always: true, install: [{kind: 'brew', formula: 'curl'}]}}\n---\n# Weather\n";
        let (m, errs) = manifest(src);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(m.name.as_deref(), Some("weather"));
        assert_eq!(m.requires_bins, vec!["curl"]);
        assert_eq!(m.requires_env, vec!["WEATHER_KEY"]);
        assert_eq!(m.primary_env.as_deref(), Some("WEATHER_KEY"));
        assert!(m.always);
        assert_eq!(m.install.len(), 1);
    }

    #[test]
    fn legacy_clawdbot_key_and_yaml_mapping() {
        let src = "---\nname: x\nmetadata:\n  clawdbot:\n    requires:\n      env: [A_KEY]\n---\n";
        let (m, errs) = manifest(src);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(m.requires_env, vec!["A_KEY"]);
    }

    #[test]
    fn malformed_yaml_reports_a_position() {
        let src = "---\nname: x\ndescription: [unclosed\n---\nbody\n";
        let (_, errs) = manifest(src);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("invalid YAML"), "{errs:?}");
        assert!(errs[0].offset >= 4, "{errs:?}");
    }

    #[test]
    fn bad_json5_metadata_is_reported() {
        let src = "---\nname: x\nmetadata: '{\"openclaw\": {requires: }'\n---\n";
        let (_, errs) = manifest(src);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].message.contains("JSON5"));
        assert_eq!(&src[errs[0].offset..errs[0].offset + 8], "metadata");
    }

    fn keys(f: impl Fn(&mut Sink), src: &str) -> Vec<(String, String, String)> {
        let mut sink = Sink::new();
        f(&mut sink);
        sink.facts
            .into_iter()
            .filter_map(|fact| match fact.kind {
                FactKind::Key { key, value } => {
                    Some((key, value, src[fact.start..fact.end].to_string()))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn empty_tables_are_keys_and_toml_keys_have_positions() {
        let src = "[build-system]\nbuild-backend = \"hatchling.build\"\n\n[tool.hatch.build.hooks.custom]\n\n[tool.x]\nlist = []\n";
        let k = keys(|s| pyproject(src, Origin::Offset(0), s), src);
        let find = |name: &str| k.iter().find(|(key, _, _)| key == name).cloned();
        let (_, v, at) = find("pyproject:tool.hatch.build.hooks.custom").expect("empty table");
        assert_eq!(v, "");
        assert!(at.starts_with("custom]"), "{at:?}");
        let (_, _, at) = find("pyproject:build-system.build-backend").unwrap();
        assert!(at.starts_with("build-backend = "), "{at:?}");
        assert_eq!(
            find("pyproject:tool.x.list").map(|x| x.1),
            Some(String::new())
        );

        let src = "{\"scripts\": {}, \"name\": \"x\"}";
        let k = keys(|s| package_json(src, Origin::Offset(0), s), src);
        assert!(
            k.iter()
                .any(|(key, v, _)| key == "package.json:scripts" && v.is_empty()),
            "{k:?}"
        );
    }

    #[test]
    fn no_front_matter() {
        assert!(split_front_matter("# Title\n---\n").is_none());
        assert!(split_front_matter("---\nunterminated: true\n").is_none());
    }
}
