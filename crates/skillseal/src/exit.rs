//! Exit codes: part of the interface, defined here and only here.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | no finding at or above `--fail-on` (default `high`) |
//! | 1 | a finding at or above `--fail-on`; a signature that does not verify; a publish the registry refuses; a package refused against the lock or the trusted signers (`skillseal_install::Refusal`); installed files that differ from the lock; `import-clawhub`: a skill not imported |
//! | 2 | usage error, invalid rules, an input that could not be scanned, or a registry that cannot be reached or does not have what was asked for |

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

/// The exit code for a command that failed with `error`: 1 when a package
/// was refused on its content, else 2.
pub fn for_error(error: &anyhow::Error) -> ExitCode {
    let refused = error.chain().any(|c| {
        c.downcast_ref::<skillseal_install::Error>()
            .is_some_and(skillseal_install::Error::is_refusal)
    });
    if refused {
        ExitCode::Findings
    } else {
        ExitCode::Usage
    }
}

/// Whether `error` is the reader of standard output going away
/// (`skillseal scan | head`): not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|c| {
        let io = c.downcast_ref::<std::io::Error>().or_else(|| {
            c.downcast_ref::<skillseal_install::Error>()
                .and_then(skillseal_install::Error::as_io)
        });
        io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
