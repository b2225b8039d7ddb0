//! The project operations, one module each: what `skillseal add`,
//! `install`, `verify`, `update`, `import-clawhub` and `scan NAME@VERSION`
//! do, without the printing and the prompts (the CLI's).

pub mod add;
pub mod fetch;
pub mod import;
pub mod install;
pub mod update;
pub mod verify;
