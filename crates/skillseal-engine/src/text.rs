//! Byte offsets to 1-based line and column (`skillseal-model`'s
//! [`LineIndex`], re-exported here for the frontends and the matcher), and
//! snippets for display.

pub use skillseal_model::LineIndex;

/// The snippet shown for a finding: the line, clipped to a readable width
/// around the column so a 10 MB minified line stays printable.
pub fn snippet(line: &str, column: u32) -> String {
    const WIDTH: usize = 160;
    let chars = line.chars().count();
    if chars <= WIDTH {
        return line.to_string();
    }
    let col = column.saturating_sub(1) as usize;
    let start = col.saturating_sub(40).min(chars.saturating_sub(WIDTH));
    let body: String = line.chars().skip(start).take(WIDTH).collect();
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&body);
    if start + WIDTH < chars {
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
        let s = snippet(&line, 5000);
        assert!(s.chars().count() <= 162);
        assert!(s.starts_with('…') && s.ends_with('…'));
    }
}
