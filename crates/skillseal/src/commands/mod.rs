//! One module per command (or per small family of commands), each with its
//! clap arguments and the function that runs it, as cargo-deny does.
//! `main.rs` only parses and dispatches; nothing here calls back into it.

pub mod clawhub;
pub mod explain;
pub mod log;
pub mod login;
pub mod pack;
pub mod project;
pub mod publish;
pub mod rules;
pub mod scan;
pub mod signing;
