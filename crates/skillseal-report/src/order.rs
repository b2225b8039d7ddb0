//! The canonical order every renderer uses, so output is deterministic even
//! when a caller hands in a report built in another order.

use skillseal_model::{Finding, ScanReport, SkillReport};
use std::borrow::Cow;
use std::cmp::Ordering;

/// `report` in canonical order: skills by path, findings by file, line,
/// column and rule (then the rest of the span and the text, so ties are
/// broken too), capabilities sorted and unique, errors by path and message.
/// Borrows when the report is already in that order.
pub(crate) fn canonical(report: &ScanReport) -> Cow<'_, ScanReport> {
    if is_canonical(report) {
        return Cow::Borrowed(report);
    }
    let mut r = report.clone();
    r.skills.sort_by(skill_order);
    for s in &mut r.skills {
        s.findings.sort_by(finding_order);
        s.suppressed.sort_by(finding_order);
        s.capabilities.sort();
        s.capabilities.dedup();
    }
    r.errors.sort();
    Cow::Owned(r)
}

fn is_canonical(r: &ScanReport) -> bool {
    r.skills.is_sorted_by(|a, b| skill_order(a, b).is_le())
        && r.errors.is_sorted()
        && r.skills.iter().all(|s| {
            s.findings.is_sorted_by(|a, b| finding_order(a, b).is_le())
                && s.suppressed
                    .is_sorted_by(|a, b| finding_order(a, b).is_le())
                && s.capabilities.is_sorted_by(|a, b| a < b)
        })
}

fn skill_order(a: &SkillReport, b: &SkillReport) -> Ordering {
    a.path.cmp(&b.path).then_with(|| a.name.cmp(&b.name))
}

fn finding_order(a: &Finding, b: &Finding) -> Ordering {
    a.sort_key()
        .cmp(&b.sort_key())
        .then_with(|| (a.end_line, a.end_column).cmp(&(b.end_line, b.end_column)))
        .then_with(|| a.message.cmp(&b.message))
        .then_with(|| a.snippet.cmp(&b.snippet))
}
