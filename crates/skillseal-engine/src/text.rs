//! Byte offsets to 1-based line and column (`skillseal-model`'s
//! [`LineIndex`], re-exported here for the frontends and the matcher), and
//! snippets for display.

pub use skillseal_model::LineIndex;

/// The snippet shown for a finding: the line, clipped to a readable width
/// around the column so a 10 MB minified line stays printable. `at` is the
/// finding's byte offset in `line`: the window is cut around it in bytes
/// first, so a long line costs the window, not the line, per finding.
pub fn snippet(line: &str, at: usize) -> String {
    const WIDTH: usize = 160;
    // Chars are at most 4 bytes: this window holds every char shown.
    const SPAN: usize = 4 * WIDTH;
    if line.len() <= WIDTH {
        return line.to_string();
    }
    let at = line.floor_char_boundary(at.min(line.len()));
    let lo = line.floor_char_boundary(at.saturating_sub(SPAN));
    let hi = line.floor_char_boundary((at + SPAN).min(line.len()));
    let window = &line[lo..hi];
    let chars = window.chars().count();
    if lo == 0 && hi == line.len() && chars <= WIDTH {
        return line.to_string();
    }
    let col = line[lo..at].chars().count();
    let start = col.saturating_sub(40).min(chars.saturating_sub(WIDTH));
    let body: String = window.chars().skip(start).take(WIDTH).collect();
    let mut out = String::new();
    if lo > 0 || start > 0 {
        out.push('…');
    }
    out.push_str(&body);
    if hi < line.len() || start + WIDTH < chars {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_clipped_around_the_column() {
        let line = "x".repeat(10_000);
        let s = snippet(&line, 4999);
        assert!(s.chars().count() <= 162);
        assert!(s.starts_with('…') && s.ends_with('…'));
        let short = "a\u{e7}b".repeat(20);
        assert_eq!(snippet(&short, 3), short);
        let wide = "\u{e7}".repeat(1000);
        let s = snippet(&wide, 0);
        assert!(s.starts_with('\u{e7}') && s.ends_with('…') && s.chars().count() == 161);
    }
}
