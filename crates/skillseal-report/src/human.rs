//! Output for people: per skill a header with the verdict, the capabilities,
//! then each finding the way rustc and ruff print diagnostics:
//!
//! ```text
//! high[SECRET001]: reads SSH private keys `~/.ssh/id_rsa`
//!   --> samples/malicious/foo/scripts/x.py:12:17
//!    |
//! 12 |     data = open(os.path.expanduser("~/.ssh/id_rsa")).read()
//!    |                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
//! ```
//!
//! and a footer counting skills by verdict and findings by severity.

use crate::order::canonical;
use crate::path::join;
use crate::text::{DisplayLine, sanitize};
use anstyle::{AnsiColor, Style};
use skillseal_model::{Finding, ScanReport, Severity, SkillReport, SuppressedBy, Verdict};
use std::fmt;
use std::io::{self, Write};

/// How to render for a person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HumanOptions {
    /// Emit ANSI colours and bold. The caller decides (a terminal, and
    /// `NO_COLOR` unset); when false the output contains no escape at all.
    pub color: bool,
    /// List suppressed findings in full, not only their count.
    pub show_suppressed: bool,
}

/// Writes the human report to `out`.
///
/// Text that comes from scanned files (snippets, messages, paths) is shown
/// with control, bidi and invisible characters escaped as `<U+XXXX>`, so a
/// hostile file cannot restyle the terminal or reorder what is shown.
pub fn render_human(
    report: &ScanReport,
    out: &mut dyn Write,
    opts: &HumanOptions,
) -> io::Result<()> {
    let report = canonical(report);
    let p = Palette { on: opts.color };
    for (i, skill) in report.skills.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_skill(out, &p, skill, opts.show_suppressed)?;
    }
    if !report.errors.is_empty() {
        if !report.skills.is_empty() {
            writeln!(out)?;
        }
        for e in &report.errors {
            writeln!(
                out,
                "{}: {}: {}",
                p.paint(ERROR, "error"),
                sanitize(&e.path),
                sanitize(&e.message)
            )?;
        }
    }
    if !report.skills.is_empty() || !report.errors.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "{}", footer(&report))
}

fn write_skill(
    out: &mut dyn Write,
    p: &Palette,
    skill: &SkillReport,
    show_suppressed: bool,
) -> io::Result<()> {
    let path = sanitize(&skill.path);
    let verdict = p.paint(verdict_style(skill.verdict), skill.verdict.as_str());
    match skill.name.as_deref() {
        Some(name) => writeln!(out, "{}  {path}  {verdict}", p.paint(BOLD, &sanitize(name)))?,
        None => writeln!(out, "{path}  {verdict}")?,
    }
    let caps = if skill.capabilities.is_empty() {
        "none".to_string()
    } else {
        sanitize(&skill.capabilities.join(", ")).into_owned()
    };
    writeln!(out, "capabilities: {caps}")?;
    if !skill.reasons.is_empty() {
        writeln!(out, "why {}:", skill.verdict)?;
        for r in &skill.reasons {
            let mark = p.paint(verdict_style(r.verdict), r.verdict.as_str());
            writeln!(
                out,
                "  {mark}  {}  [{}]",
                sanitize(&r.message),
                sanitize(&r.evidence.join(", "))
            )?;
        }
    }
    for f in &skill.findings {
        writeln!(out)?;
        write_finding(out, p, skill, f)?;
    }
    if !skill.suppressed.is_empty() {
        writeln!(out)?;
        let n = plural(skill.suppressed.len(), "finding", "findings");
        if show_suppressed {
            writeln!(out, "suppressed: {n}")?;
            for f in &skill.suppressed {
                writeln!(out)?;
                write_finding(out, p, skill, f)?;
                if let Some(s) = &f.suppression {
                    let by = match s.by {
                        SuppressedBy::Inline => "inline",
                        SuppressedBy::Policy => "policy",
                        SuppressedBy::Baseline => "baseline",
                    };
                    writeln!(out, "  = suppressed ({by}): {}", sanitize(&s.reason))?;
                }
            }
        } else {
            writeln!(out, "suppressed: {n} (--show-suppressed lists them)")?;
        }
    }
    Ok(())
}

fn write_finding(
    out: &mut dyn Write,
    p: &Palette,
    skill: &SkillReport,
    f: &Finding,
) -> io::Result<()> {
    let sev = severity_style(f.severity);
    let label = format!("{}[{}]", f.severity, sanitize(&f.rule));
    let message = format!(": {}", sanitize(&f.message));
    writeln!(out, "{}{}", p.paint(sev, &label), p.paint(BOLD, &message))?;

    let path = sanitize(&join(&skill.path, &f.file)).into_owned();
    if f.line == 0 {
        // A finding about the file as a whole: no source line to show.
        return writeln!(out, " {} {path}", p.paint(GUTTER, "-->"));
    }
    let line_no = f.line.to_string();
    let pad = " ".repeat(line_no.len());
    let bar = p.paint(GUTTER, "|");
    writeln!(
        out,
        "{pad}{} {path}:{}:{}",
        p.paint(GUTTER, "-->"),
        f.line,
        f.column
    )?;
    if f.snippet.is_empty() {
        // Nothing to point at: an empty line, or a finding about a binary
        // file as a whole.
        return Ok(());
    }
    writeln!(out, "{pad} {bar}")?;

    let shown = DisplayLine::new(&f.snippet);
    writeln!(out, "{} {bar} {}", p.paint(GUTTER, &line_no), shown.text)?;
    match snippet_span(f, &f.snippet) {
        Some((start, end)) => {
            let from = shown.col(start);
            let width = shown.col(end).saturating_sub(from).max(1);
            writeln!(
                out,
                "{pad} {bar} {}{}",
                " ".repeat(from),
                p.paint(sev, &"^".repeat(width))
            )
        }
        None => writeln!(
            out,
            "{pad} {} note: column {} is in the part of the line that is not shown",
            p.paint(GUTTER, "="),
            f.column
        ),
    }
}

/// Width and leading context of the engine's clipped snippets: a line
/// longer than `SNIPPET_WIDTH` chars is cut to `SNIPPET_WIDTH` chars
/// starting `SNIPPET_CONTEXT` chars before the column, with `…` marking each
/// cut side (see `skillseal_engine::text::snippet`).
const SNIPPET_WIDTH: usize = 160;
const SNIPPET_CONTEXT: usize = 40;
const ELLIPSIS: char = '…';

/// Where the finding lies in its snippet, as char indices `[start, end)`;
/// `None` when the snippet was clipped so that the position is unknown.
/// (The registry's pages highlight the same span.)
pub fn snippet_span(f: &Finding, snippet: &str) -> Option<(usize, usize)> {
    let n = snippet.chars().count();
    let col0 = f.column.saturating_sub(1) as usize;
    let left = snippet.starts_with(ELLIPSIS);
    let right = snippet.ends_with(ELLIPSIS);
    // (index of the column's char in the snippet, chars of real text)
    let (start, body_end) = if n == SNIPPET_WIDTH + 2 && left && right {
        (1 + SNIPPET_CONTEXT, n - 1)
    } else if n == SNIPPET_WIDTH + 1 && right && (!left || col0 <= SNIPPET_CONTEXT) {
        (col0, n - 1)
    } else if n == SNIPPET_WIDTH + 1 && left {
        // Cut on the left only: the snippet is the line's tail and the
        // line's length, hence the column's place in it, is unknown.
        return None;
    } else {
        (col0, n)
    };
    let start = start.min(body_end);
    let end = if f.end_line > f.line {
        body_end
    } else if f.end_line == f.line && f.end_column > f.column {
        start + (f.end_column - f.column) as usize
    } else {
        start
    };
    Some((start, end.clamp(start, body_end.max(start))))
}

fn footer(report: &ScanReport) -> String {
    let count = |v: Verdict| report.skills.iter().filter(|s| s.verdict == v).count();
    let skills = report.skills.len();
    let mut s = format!(
        "{} scanned: {} pass, {} review, {} block; ",
        plural(skills, "skill", "skills"),
        count(Verdict::Pass),
        count(Verdict::Review),
        count(Verdict::Block),
    );
    let findings: Vec<&Finding> = report.skills.iter().flat_map(|s| &s.findings).collect();
    let suppressed: usize = report.skills.iter().map(|s| s.suppressed.len()).sum();
    if findings.is_empty() {
        s.push_str("no findings");
    } else {
        let by_severity: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .filter_map(|&sev| {
                let n = findings.iter().filter(|f| f.severity == sev).count();
                (n > 0).then(|| format!("{n} {sev}"))
            })
            .collect();
        s.push_str(&format!(
            "{} ({})",
            plural(findings.len(), "finding", "findings"),
            by_severity.join(", ")
        ));
    }
    if suppressed > 0 {
        s.push_str(&format!("; {suppressed} suppressed"));
    }
    if !report.errors.is_empty() {
        s.push_str(&format!(
            "; {}",
            plural(report.errors.len(), "error", "errors")
        ));
    }
    s
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

const BOLD: Style = Style::new().bold();
const GUTTER: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Blue)))
    .bold();
const ERROR: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
    .bold();

fn fg(c: AnsiColor) -> Style {
    Style::new().fg_color(Some(anstyle::Color::Ansi(c)))
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Critical | Severity::High => fg(AnsiColor::Red).bold(),
        Severity::Medium => fg(AnsiColor::Yellow),
        Severity::Low => fg(AnsiColor::Cyan),
        Severity::Info => Style::new().dimmed(),
    }
}

fn verdict_style(v: Verdict) -> Style {
    match v {
        Verdict::Pass => fg(AnsiColor::Green).bold(),
        Verdict::Review => fg(AnsiColor::Yellow).bold(),
        Verdict::Block => fg(AnsiColor::Red).bold(),
    }
}

/// Applies styles only when colour is on.
struct Palette {
    on: bool,
}

impl Palette {
    fn paint<'a>(&self, style: Style, text: &'a str) -> Painted<'a> {
        Painted {
            style: self.on.then_some(style),
            text,
        }
    }
}

struct Painted<'a> {
    style: Option<Style>,
    text: &'a str,
}

impl fmt::Display for Painted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.style {
            Some(s) if !self.text.is_empty() => {
                write!(f, "{}{}{}", s.render(), self.text, s.render_reset())
            }
            _ => f.write_str(self.text),
        }
    }
}
