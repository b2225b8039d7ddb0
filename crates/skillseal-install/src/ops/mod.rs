//! The project operations, one module each: what `skillseal add`,
//! `install`, `verify`, `update` and `scan NAME@VERSION` do, without the
//! printing and the prompts (the CLI's).

pub mod add;
pub mod fetch;
pub mod install;
pub mod update;
pub mod verify;
