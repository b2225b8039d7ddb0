//! Human output: carets under the right columns (ASCII, wide and combining
//! characters, tabs, multi-line spans, clipped long lines), colour only
//! when asked, hostile text escaped, and the summary footer.

mod common;

use skillseal_model::ScanReport;
use skillseal_report::{HumanOptions, render_human};

fn render(report: &ScanReport, color: bool) -> String {
    let mut out = Vec::new();
    render_human(
        report,
        &mut out,
        &HumanOptions {
            color,
            show_suppressed: false,
        },
    )
    .expect("writing to a Vec");
    String::from_utf8(out).expect("UTF-8")
}

/// The source line and caret line printed under `--> <path>:<line>:<col>`.
fn excerpt<'a>(out: &'a str, location: &str) -> (&'a str, &'a str) {
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start().strip_prefix("--> ") == Some(location))
        .unwrap_or_else(|| panic!("no `--> {location}` in:\n{out}"));
    (lines[at + 2], lines[at + 3])
}

/// Removes ANSI SGR sequences.
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn ascii_carets_sit_under_the_match() {
    let out = render(&common::report(), false);
    let expected = "\
high[SECRET901]: reads SSH private keys `~/.ssh/id_rsa`
  --> samples/malicious/foo/scripts/x.py:12:17
   |
12 |     data = open(os.path.expanduser(\"~/.ssh/id_rsa\")).read()
   |                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
";
    assert!(out.contains(expected), "{out}");
}

#[test]
fn wide_characters_shift_the_carets_by_their_display_width() {
    let out = render(&common::report(), false);
    let (source, carets) = excerpt(&out, "samples/malicious/foo/scripts/ünï.py:3:22");
    assert_eq!(source, "3 | msg = \"日本語 ünïcode\"; subprocess.run(cmd)");
    // 21 chars precede the match, but 日本語 is six columns wide: 24.
    assert_eq!(carets, format!("  | {}{}", " ".repeat(24), "^".repeat(14)));
}

#[test]
fn tabs_expand_to_four_spaces_and_carets_follow() {
    let out = render(&common::report(), false);
    let (source, carets) = excerpt(&out, "samples/malicious/foo/scripts/tab.py:7:2");
    assert_eq!(source, "7 |     os.system(cmd)");
    assert!(!out.contains('\t'));
    assert_eq!(carets, format!("  | {}{}", " ".repeat(4), "^".repeat(9)));
}

#[test]
fn multi_line_spans_underline_to_the_end_of_the_first_line() {
    let out = render(&common::report(), false);
    let (source, carets) = excerpt(&out, "samples/malicious/foo/scripts/x.py:20:5");
    assert_eq!(source, "20 |     subprocess.run([");
    assert_eq!(carets, format!("   | {}{}", " ".repeat(4), "^".repeat(16)));
}

#[test]
fn clipped_long_lines_keep_the_caret_under_the_match() {
    let out = render(&common::report(), false);
    let (source, carets) = excerpt(&out, "samples/malicious/foo/dist/bundle.min.js:1:5000");
    // The engine kept 40 chars of context after an ellipsis.
    let shown = source.strip_prefix("1 | ").unwrap();
    assert_eq!(shown.chars().count(), 162);
    assert!(shown.starts_with('…') && shown.ends_with('…'));
    assert_eq!(carets, format!("  | {}{}", " ".repeat(41), "^".repeat(13)));
    let under: String = shown.chars().skip(41).take(13).collect();
    assert_eq!(under, "eval(atob(s))");
    assert!(
        out.lines().all(|l| l.chars().count() < 200),
        "no 10,000-char line is printed"
    );
}

#[test]
fn a_line_clipped_on_the_left_only_gets_a_note_instead_of_carets() {
    let mut report = common::clean_report();
    let line = format!("{}eval(x)", "z".repeat(9_000));
    let mut f = common::report().skills[0].findings[4].clone();
    f.column = 9_001;
    f.end_column = 9_008;
    f.snippet = common::engine_snippet(&line, 9_001);
    report.skills[0].findings = vec![f];
    let out = render(&report, false);
    let (_, note) = excerpt(&out, "samples/benign/bar/dist/bundle.min.js:1:9001");
    assert_eq!(
        note,
        "  = note: column 9001 is in the part of the line that is not shown"
    );
}

#[test]
fn hostile_text_is_escaped() {
    for color in [false, true] {
        let out = render(&common::report(), color);
        assert!(!out.contains('\u{202E}') && !out.contains('\u{202C}'));
        assert!(
            !out.contains("\x1b[31mred"),
            "a raw escape from the file reached the terminal"
        );
        let plain = strip_ansi(&out);
        let (source, carets) = excerpt(&plain, "samples/review/baz/README.md:5:6");
        assert_eq!(source, "5 | text <U+202E>lave<U+202C> <U+001B>[31mred");
        assert_eq!(carets, format!("  | {}{}", " ".repeat(5), "^".repeat(8)));
    }
}

#[test]
fn no_ansi_escapes_without_color() {
    let plain = render(&common::report(), false);
    assert!(!plain.contains('\x1b'));
    let colored = render(&common::report(), true);
    assert!(colored.contains("\x1b["));
    assert_eq!(
        strip_ansi(&colored),
        plain,
        "colour changes nothing but colour"
    );
}

#[test]
fn severities_and_verdicts_are_coloured() {
    let out = render(&common::report(), true);
    // critical/high red bold, medium yellow, low cyan, info dim.
    assert!(
        out.contains("\x1b[1m\x1b[31mhigh[SECRET901]") || out.contains("\x1b[1;31mhigh[SECRET901]"),
        "{out:?}"
    );
    assert!(out.contains("\x1b[33mmedium[HID901]"), "{out:?}");
    assert!(out.contains("\x1b[36mlow[EXEC901]"), "{out:?}");
    assert!(out.contains("\x1b[2minfo[MANI901]"), "{out:?}");
    assert!(out.contains("32mpass"), "{out:?}");
    assert!(out.contains("33mreview"), "{out:?}");
    assert!(out.contains("31mblock"), "{out:?}");
}

#[test]
fn headers_capabilities_errors_and_footer() {
    let out = render(&common::report(), false);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "samples/benign/bar  pass");
    assert_eq!(lines[1], "capabilities: none");
    assert!(lines.contains(&"foo  samples/malicious/foo  block"));
    assert!(lines.contains(&"capabilities: env-read, network, process-exec"));
    assert!(lines.contains(&"baz  samples/review/baz  review"));
    assert!(
        lines.contains(&"error: samples/broken.zip: invalid zip archive: bad central directory")
    );
    assert!(lines.contains(&"error: samples/z.tar.gz: truncated gzip stream"));
    assert_eq!(
        *lines.last().unwrap(),
        "3 skills scanned: 1 pass, 1 review, 1 block; \
         7 findings (1 critical, 1 high, 1 medium, 3 low, 1 info); 2 errors"
    );

    let clean = render(&common::clean_report(), false);
    assert_eq!(
        clean,
        "samples/benign/bar  pass\ncapabilities: none\n\n\
         1 skill scanned: 1 pass, 0 review, 0 block; no findings\n"
    );
}

#[test]
fn snapshot() {
    insta::assert_snapshot!(render(&common::report(), false));
}
