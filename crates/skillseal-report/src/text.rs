//! Making untrusted text safe and measurable for a terminal.
//!
//! Snippets, messages and paths come from the scanned files. Printed raw, an
//! escape sequence could restyle or rewrite the terminal and a bidi override
//! could reorder the very line a reviewer is reading (Trojan Source). So
//! control, bidi and invisible formatting characters are shown as `<U+XXXX>`,
//! tabs expand to four spaces (as rustc does), and widths are measured with
//! `unicode-width` so carets line up under wide and combining characters.

use std::borrow::Cow;
use unicode_width::UnicodeWidthChar;

/// Spaces a tab expands to.
pub(crate) const TAB_WIDTH: usize = 4;

/// A line prepared for display: the text, and the display column at which
/// each char of the source starts (one extra entry for the end).
#[derive(Debug)]
pub(crate) struct DisplayLine {
    pub text: String,
    pub cols: Vec<usize>,
}

impl DisplayLine {
    pub fn new(source: &str) -> DisplayLine {
        let mut text = String::with_capacity(source.len());
        let mut cols = Vec::with_capacity(source.len() + 1);
        let mut width = 0;
        for c in source.chars() {
            cols.push(width);
            let (piece, w) = display_char(c);
            text.push_str(&piece);
            width += w;
        }
        cols.push(width);
        DisplayLine { text, cols }
    }

    /// Number of chars in the source line.
    pub fn chars(&self) -> usize {
        self.cols.len() - 1
    }

    /// Display column where source char `i` starts (clamped to the end).
    pub fn col(&self, i: usize) -> usize {
        self.cols[i.min(self.chars())]
    }
}

/// `s` with control, bidi and invisible characters escaped and tabs
/// expanded: safe to print on one terminal line.
pub(crate) fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) && !s.contains('\t') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(DisplayLine::new(s).text)
}

/// How one char is shown, and its display width.
fn display_char(c: char) -> (Cow<'static, str>, usize) {
    if c == '\t' {
        return (Cow::Borrowed("    "), TAB_WIDTH);
    }
    if needs_escape(c) {
        let s = format!("<U+{:04X}>", c as u32);
        let w = s.len();
        return (Cow::Owned(s), w);
    }
    (Cow::Owned(c.to_string()), c.width().unwrap_or(0))
}

/// Characters that are not safe or not visible on a terminal.
fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{00AD}'                      // soft hyphen
            | '\u{034F}'                    // combining grapheme joiner
            | '\u{061C}'                    // arabic letter mark
            | '\u{115F}' | '\u{1160}'       // hangul fillers
            | '\u{17B4}' | '\u{17B5}'       // khmer inherent vowels
            | '\u{180E}'                    // mongolian vowel separator
            | '\u{200B}'..='\u{200F}'       // zero-width chars, LRM, RLM
            | '\u{2028}' | '\u{2029}'       // line and paragraph separators
            | '\u{202A}'..='\u{202E}'       // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}'       // word joiner, invisible operators
            | '\u{2066}'..='\u{206F}'       // bidi isolates, deprecated formats
            | '\u{3164}' | '\u{FFA0}'       // hangul fillers
            | '\u{FEFF}'                    // zero-width no-break space / BOM
            | '\u{FFF9}'..='\u{FFFB}'       // interlinear annotations
            | '\u{E0000}'..='\u{E007F}' // tag characters
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_expand_and_wide_chars_count_two() {
        let l = DisplayLine::new("\ta日b");
        assert_eq!(l.text, "    a日b");
        assert_eq!(l.cols, vec![0, 4, 5, 7, 8]);
    }

    #[test]
    fn dangerous_characters_are_escaped() {
        assert_eq!(sanitize("a\u{202E}b\x1b[31mc"), "a<U+202E>b<U+001B>[31mc");
        assert_eq!(sanitize("x\u{200B}y"), "x<U+200B>y");
        assert!(matches!(sanitize("plain é 日本"), Cow::Borrowed(_)));
    }

    #[test]
    fn combining_marks_take_no_width() {
        let l = DisplayLine::new("e\u{301}x");
        assert_eq!(l.cols, vec![0, 1, 1, 2]);
    }
}
