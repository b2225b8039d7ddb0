//! Renders a [`ScanReport`] for people and for machines:
//!
//! - [`render_human`]: rustc/ruff-style diagnostics with a caret under the
//!   match, a verdict per skill and a summary footer;
//! - [`render_json`]: the versioned JSON contract (`docs/json-report.md`);
//! - [`render_sarif`]: SARIF 2.1.0 for GitHub code scanning (`docs/sarif.md`).
//!
//! This crate never prints: renderers return a `String` or write to the
//! `std::io::Write` the caller hands in. Whether to use colour is the
//! caller's decision ([`HumanOptions::color`]).
//!
//! Every renderer puts the report in its canonical order first (skills by
//! path, findings by file, line, column and rule, errors by path), so the
//! same scan always renders to the same bytes.

mod format;
mod human;
mod json;
mod order;
mod path;
mod sarif;
mod text;

pub use format::{Format, ParseFormatError};
pub use human::{HumanOptions, render_human, snippet_span};
pub use json::render_json;
pub use sarif::{
    INFORMATION_URI, SARIF_SCHEMA, SARIF_VERSION, level as sarif_level, render_sarif,
    security_severity,
};

use skillseal_model::ScanReport;
use skillseal_rules::RuleSet;

/// Renders `report` in `format`. `rules` is used by SARIF only (its rule
/// metadata); `opts` by the human format only.
pub fn render(format: Format, report: &ScanReport, rules: &RuleSet, opts: &HumanOptions) -> String {
    match format {
        Format::Json => render_json(report),
        Format::Sarif => render_sarif(report, rules),
        Format::Human => {
            let mut buf = Vec::new();
            render_human(report, &mut buf, opts).expect("writing to a Vec cannot fail");
            String::from_utf8(buf).expect("the human renderer writes UTF-8")
        }
    }
}
