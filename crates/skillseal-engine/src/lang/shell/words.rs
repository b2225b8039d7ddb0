//! Shell words: a word's value with its quoting removed, and a command's
//! effective name and arguments with wrappers (`sudo`, `env`...) looked
//! through.

use crate::facts::clip;
use crate::lang::ts;
use std::borrow::Cow;
use tree_sitter::Node;

/// Commands that run the command after their own options.
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

/// `-c`, `-ec`, `-xc`...: a short option cluster naming `c`. (Long words
/// are not options; checking only short ones keeps nested input linear.)
pub(super) fn is_flag_with_c(arg: &str) -> bool {
    arg.starts_with('-') && arg.len() <= 32 && arg.contains('c')
}

/// The command's effective name and argument words, looking through
/// wrappers: `sudo -E env X=1 curl ...` is `curl`.
pub(super) fn command_words(src: &str, cmd: Node<'_>) -> Option<(String, Vec<String>)> {
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
        "ansi_c_string" => crate::lang::unescape(t.trim_start_matches("$'").trim_end_matches('\'')),
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
