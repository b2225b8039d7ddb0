//! `skillseal --help` and every subcommand's `--help`, as snapshots: the
//! command line is an interface, and a change to it shows in review.

mod common;
use common::{repo, stdout};

const COMMANDS: &[&str] = &[
    "scan",
    "rules",
    "explain",
    "pack",
    "keygen",
    "sign",
    "verify-signature",
    "publish",
    "login",
    "logout",
    "add",
    "install",
    "verify",
    "update",
    "import-clawhub",
    "log",
];

/// The help as printed 100 columns wide (clap's widest), whatever the
/// terminal running the tests.
fn help(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_skillseal"))
        .args(args)
        .current_dir(repo())
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("run skillseal");
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    stdout(&out)
}

#[test]
fn top_level_help() {
    insta::assert_snapshot!("help", help(&["--help"]));
}

#[test]
fn every_command_has_a_help_snapshot() {
    for command in COMMANDS {
        insta::assert_snapshot!(format!("help-{command}"), help(&[command, "--help"]));
    }
    insta::assert_snapshot!("help-log-monitor", help(&["log", "monitor", "--help"]));
}

/// The list above is the whole command line: a new command needs a
/// snapshot too.
#[test]
fn the_list_is_every_command() {
    let top = help(&["--help"]);
    let listed: Vec<&str> = top
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands section")
        .lines()
        .take_while(|l| !l.trim().is_empty())
        // A command's line starts with two spaces; a wrapped description,
        // with more.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert_eq!(listed, COMMANDS);
}
