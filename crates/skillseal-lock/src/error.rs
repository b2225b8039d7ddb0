use std::fmt;

/// A file that does not parse or does not hold what it must, with the
/// position of the offending text (1-based) when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl ParseError {
    /// An error at byte `offset` of `text`.
    pub(crate) fn at(text: &str, offset: usize, message: impl Into<String>) -> ParseError {
        let (line, column) = skillseal_model::LineIndex::new(text).position(offset);
        ParseError {
            line: Some(line as usize),
            column: Some(column as usize),
            message: message.into(),
        }
    }

    /// From the TOML parser, which knows where it stopped.
    pub(crate) fn from_toml(text: &str, e: &toml::de::Error) -> ParseError {
        let message = e.message().trim_end().to_string();
        match e.span() {
            Some(span) => ParseError::at(text, span.start, message),
            None => ParseError {
                line: None,
                column: None,
                message,
            },
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ParseError {}
