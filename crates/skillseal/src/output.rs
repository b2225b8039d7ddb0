//! What the commands write through: standard output in the chosen colour,
//! and files replaced atomically.

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Standard output, coloured as `--color` says.
pub fn stdout(color: ColorChoice) -> anstream::AutoStream<std::io::Stdout> {
    let choice = match color {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    anstream::AutoStream::new(std::io::stdout(), choice)
}

pub fn strip_ansi(s: &str) -> String {
    anstream::adapter::strip_str(s).to_string()
}

/// Files replaced atomically: one implementation, the install library's
/// (it writes the lock, the cache and the credentials file the same way).
pub use skillseal_install::fs::{write_atomically, write_atomically_with_mode};
