//! The JSON contract v1: the model's serde form, pretty-printed, in
//! canonical order. Documented field by field in `docs/json-report.md`.

use crate::order::canonical;
use skillseal_model::ScanReport;

/// The JSON report (contract v1), pretty-printed with a trailing newline.
///
/// Deterministic: object keys follow the model's field order and arrays are
/// in canonical order (see `docs/json-report.md`).
pub fn render_json(report: &ScanReport) -> String {
    let report = canonical(report);
    let mut out =
        serde_json::to_string_pretty(&*report).expect("a scan report always serializes to JSON");
    out.push('\n');
    out
}
