//! Exit codes: part of the interface, defined here and only here.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | no finding at or above `--fail-on` (default `high`) |
//! | 1 | a finding at or above `--fail-on`; a signature that does not verify; a registry refusal; a package refused against the lock or the trusted signers (`project::Refusal`); installed files that differ from the lock |
//! | 2 | usage error, invalid rules, or an input that could not be scanned |

use skillseal_model::{ScanReport, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Clean = 0,
    Findings = 1,
    Usage = 2,
}

/// The exit code for a finished scan. Input errors win: a scan that could
/// not read everything must not look clean.
pub fn for_report(report: &ScanReport, fail_on: Option<Severity>) -> ExitCode {
    if !report.errors.is_empty() {
        return ExitCode::Usage;
    }
    match (report.max_severity(), fail_on) {
        (Some(max), Some(threshold)) if max >= threshold => ExitCode::Findings,
        _ => ExitCode::Clean,
    }
}
