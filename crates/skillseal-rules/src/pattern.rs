//! Rule regexes. In a rule, `\b`, `\B`-free word boundaries, `\w` and `\d`
//! mean their ASCII forms, as they would after `(?-u)`; everything else
//! (`(?i)`, `\s`, `\p{..}`, literal non-ASCII characters) stays Unicode.
//!
//! Why: with Unicode `\w` and `\b` a set of fifty patterns compiles to an
//! automaton tens of times larger, so loading the rules and warming each
//! worker's lazy DFA took most of a small scan; and the lazy DFA gives up on
//! a Unicode `\b` at the first non-ASCII byte, so a line with an emoji fell
//! back to a far slower engine. What the rules look for (hosts, paths,
//! commands, English phrases) is ASCII; a rule that wants Unicode letters
//! says `\p{L}`.

use regex::{Regex, RegexBuilder};
use regex_syntax::ast::{
    self, Ast, ClassAscii, ClassAsciiKind, ClassBracketed, ClassPerl, ClassPerlKind, ClassSet,
    ClassSetItem, Flag, Flags, FlagsItem, FlagsItemKind, Group, GroupKind,
};

/// Compiled size limit for one rule pattern.
const SIZE_LIMIT: usize = 4 << 20;

/// Compile a rule pattern with the rules' ASCII classes.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    let rewritten = ascii_classes(pattern)?;
    RegexBuilder::new(&rewritten)
        .size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

/// The pattern with `\b`, `\w`, `\d` (and their negations) made ASCII.
pub fn ascii_classes(pattern: &str) -> Result<String, String> {
    let mut tree = ast::parse::Parser::new()
        .parse(pattern)
        .map_err(|e| e.to_string())?;
    rewrite(&mut tree);
    let mut out = String::new();
    ast::print::Printer::new()
        .print(&tree, &mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

fn rewrite(node: &mut Ast) {
    match node {
        Ast::ClassPerl(perl) => {
            if let Some(kind) = ascii_kind(&perl.kind) {
                // `\w` → `[[:word:]]`, `\W` → `[^[:word:]]`: a negated ASCII
                // class still matches whole characters in a UTF-8 regex.
                *node = Ast::ClassBracketed(Box::new(ClassBracketed {
                    span: perl.span,
                    negated: perl.negated,
                    kind: ClassSet::Item(ClassSetItem::Ascii(ClassAscii {
                        span: perl.span,
                        kind,
                        negated: false,
                    })),
                }));
            }
        }
        Ast::Assertion(a) if is_word_boundary(&a.kind) => {
            let span = a.span;
            let inner = std::mem::replace(node, Ast::empty(span));
            *node = Ast::Group(Box::new(Group {
                span,
                kind: GroupKind::NonCapturing(Flags {
                    span,
                    items: vec![
                        FlagsItem {
                            span,
                            kind: FlagsItemKind::Negation,
                        },
                        FlagsItem {
                            span,
                            kind: FlagsItemKind::Flag(Flag::Unicode),
                        },
                    ],
                }),
                ast: Box::new(inner),
            }));
        }
        Ast::ClassBracketed(b) => rewrite_set(&mut b.kind),
        Ast::Repetition(r) => rewrite(&mut r.ast),
        Ast::Group(g) => rewrite(&mut g.ast),
        Ast::Alternation(a) => a.asts.iter_mut().for_each(rewrite),
        Ast::Concat(c) => c.asts.iter_mut().for_each(rewrite),
        _ => {}
    }
}

fn rewrite_set(set: &mut ClassSet) {
    match set {
        ClassSet::Item(item) => rewrite_item(item),
        ClassSet::BinaryOp(op) => {
            rewrite_set(&mut op.lhs);
            rewrite_set(&mut op.rhs);
        }
    }
}

fn rewrite_item(item: &mut ClassSetItem) {
    match item {
        ClassSetItem::Perl(ClassPerl {
            span,
            kind,
            negated,
        }) => {
            if let Some(ascii) = ascii_kind(kind) {
                *item = ClassSetItem::Ascii(ClassAscii {
                    span: *span,
                    kind: ascii,
                    negated: *negated,
                });
            }
        }
        ClassSetItem::Bracketed(b) => rewrite_set(&mut b.kind),
        ClassSetItem::Union(u) => u.items.iter_mut().for_each(rewrite_item),
        _ => {}
    }
}

/// `\s` stays Unicode: a no-break or ideographic space between two words of
/// an instruction must not hide it.
fn ascii_kind(kind: &ClassPerlKind) -> Option<ClassAsciiKind> {
    match kind {
        ClassPerlKind::Word => Some(ClassAsciiKind::Word),
        ClassPerlKind::Digit => Some(ClassAsciiKind::Digit),
        ClassPerlKind::Space => None,
    }
}

/// `\b` and `\b{start}`/`\b{end}`/`\<`/`\>`; `\B` stays Unicode, since an
/// ASCII `\B` could match inside a multi-byte character.
fn is_word_boundary(kind: &ast::AssertionKind) -> bool {
    use ast::AssertionKind::*;
    matches!(
        kind,
        WordBoundary
            | WordBoundaryStart
            | WordBoundaryEnd
            | WordBoundaryStartAngle
            | WordBoundaryEndAngle
            | WordBoundaryStartHalf
            | WordBoundaryEndHalf
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_digit_and_boundary_become_ascii() {
        assert_eq!(
            ascii_classes(r"\bcurl\b[\w.-]+\d\W").unwrap(),
            r"(?-u:\b)curl(?-u:\b)[[:word:].-]+[[:digit:]][^[:word:]]"
        );
        assert_eq!(ascii_classes(r"[^\w\s]").unwrap(), r"[^[:word:]\s]");
        assert_eq!(ascii_classes(r"(?i)a\sb\p{L}").unwrap(), r"(?i)a\sb\p{L}");
    }

    #[test]
    fn compiled_patterns_keep_their_meaning_on_ascii_and_not_beyond() {
        let re = compile(r"(?i)\bignore\s+previous\b").unwrap();
        assert!(re.is_match("Please IGNORE previous rules"));
        assert!(re.is_match("ignore\u{00A0}previous"));
        assert!(!re.is_match("xignore previous"));
        // `é` is not an ASCII word character, so this is a boundary now.
        assert!(re.is_match("éignore previous"));
        let word = compile(r"^\w+$").unwrap();
        assert!(word.is_match("abc_123"));
        assert!(!word.is_match("été"));
        assert!(compile(r"^\W$").unwrap().is_match("é"));
    }

    #[test]
    fn errors_name_the_problem() {
        let e = compile(r"(unclosed").unwrap_err();
        assert!(e.contains("unclosed"), "{e}");
    }
}
