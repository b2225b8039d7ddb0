//! skillseal's rules are data: one TOML file per rule under `scanner-rules/`,
//! compiled into the binary, plus any directory given with `--rules DIR`.
//!
//! This crate parses and validates rule files (stable unique ids, a category
//! from the taxonomy, documentation sections, well-formed patterns) and
//! computes the rule-set digest. Matching lives in `skillseal-engine`; the
//! pattern vocabulary is documented in `docs/rules.md`.

mod load;
pub mod pattern;
mod schema;

pub use load::{RuleError, RuleSet};
pub use schema::{
    ArgKind, Case, Docs, FlowSpec, Matcher, NamePattern, NameSet, NearNames, Rule, SUBJECTS,
    Undeclared, normalize_name, symbol_mask,
};
