//! `LineIndex`: byte offsets to 1-based line and column, the one
//! conversion every position skillseal reports goes through (findings,
//! rule-file errors, policy errors, lockfile and manifest errors).

/// Line start offsets of a text, for offset → (line, column) lookups.
/// Build it once per text and look up as many offsets as needed; columns
/// count chars, not bytes.
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = Vec::with_capacity(memchr_iter(text.as_bytes()).count() + 1);
        starts.push(0);
        starts.extend(memchr_iter(text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// 1-based line and column (columns count chars) of a byte offset.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let offset = self.text.floor_char_boundary(offset.min(self.text.len()));
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let col = self.text[start..offset].chars().count();
        (line as u32 + 1, col as u32 + 1)
    }

    /// Byte offset of a 1-based line and 0-based char column, if it exists.
    pub fn offset(&self, line: usize, char_col: usize) -> Option<usize> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let rest = &self.text[start..];
        let line_text = rest.split('\n').next().unwrap_or("");
        match line_text.char_indices().nth(char_col) {
            Some((i, _)) => Some(start + i),
            None => Some(start + line_text.len()),
        }
    }

    /// The byte offset where the 1-based line starts (the text's end for a
    /// line past it).
    pub fn line_start(&self, line: u32) -> usize {
        let i = (line as usize).saturating_sub(1);
        self.starts.get(i).copied().unwrap_or(self.text.len())
    }

    /// The text of the 1-based line, without its newline.
    pub fn line_text(&self, line: u32) -> &'a str {
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = self.starts.get(i) else {
            return "";
        };
        let end = self.starts.get(i + 1).map_or(self.text.len(), |e| e - 1);
        self.text[start..end.max(start)].trim_end_matches('\r')
    }
}

fn memchr_iter(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_chars() {
        let idx = LineIndex::new("ab\nçd\n");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(3), (2, 1));
        assert_eq!(idx.position(5), (2, 2)); // after the two-byte ç
        assert_eq!(idx.line_text(2), "çd");
        assert_eq!(idx.offset(2, 1), Some(5));
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_char_are_clamped() {
        let idx = LineIndex::new("ab\nçd");
        assert_eq!(idx.position(99), (2, 3));
        assert_eq!(idx.position(4), (2, 1)); // inside ç: its start
        assert_eq!(LineIndex::new("").position(0), (1, 1));
    }
}
