//! The output formats, by name, for command lines and configuration files.

use std::fmt;
use std::str::FromStr;

/// An output format of `skillseal scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Diagnostics for a terminal (`render_human`).
    #[default]
    Human,
    /// The JSON contract v1 (`render_json`).
    Json,
    /// SARIF 2.1.0 (`render_sarif`).
    Sarif,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Human, Format::Json, Format::Sarif];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format name that is not one of `human`, `json`, `sarif`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFormatError {
    pub given: String,
}

impl fmt::Display for ParseFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown format `{}` (expected one of human, json, sarif)",
            self.given
        )
    }
}

impl std::error::Error for ParseFormatError {}

impl FromStr for Format {
    type Err = ParseFormatError;

    /// Accepts the names case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseFormatError {
                given: s.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
            assert_eq!(f.to_string(), f.as_str());
        }
        assert_eq!("SARIF".parse::<Format>(), Ok(Format::Sarif));
    }

    #[test]
    fn unknown_names_are_rejected_with_the_choices() {
        let err = "xml".parse::<Format>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown format `xml` (expected one of human, json, sarif)"
        );
    }
}
