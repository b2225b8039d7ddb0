//! `skillseal-registry fsck`: the blob store checked against the database
//! and against itself.

use std::collections::HashSet;
use std::fmt;

use sqlx::AnyPool;

use crate::blobs::BlobStore;
use crate::store;

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Named by the database, absent from the store.
    Missing(String),
    /// Present, but its bytes do not hash to its name.
    Corrupt(String),
    /// Present but unreadable.
    Unreadable(String, String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing(d) => write!(f, "missing: {d} (named by the database)"),
            Problem::Corrupt(d) => write!(f, "corrupt: {d} (its bytes hash to something else)"),
            Problem::Unreadable(d, e) => write!(f, "unreadable: {d}: {e}"),
        }
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub checked: usize,
    pub referenced: usize,
    /// Sorted.
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn missing(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| matches!(p, Problem::Missing(_)))
            .count()
    }

    pub fn corrupt(&self) -> usize {
        self.problems.len() - self.missing()
    }
}

/// Re-hash every stored blob and look up every blob the database names.
pub async fn check(db: &AnyPool, blobs: &BlobStore) -> anyhow::Result<Report> {
    let referenced = store::versions::referenced_blobs(db).await?;
    let stored: HashSet<String> = blobs.list().await?.into_iter().collect();
    let mut report = Report {
        referenced: referenced.len(),
        ..Report::default()
    };
    for digest in stored.iter().chain(referenced.difference(&stored)) {
        report.checked += 1;
        match blobs.get(digest).await {
            Ok(Some(_)) => {}
            Ok(None) => report.problems.push(Problem::Missing(digest.clone())),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                report.problems.push(Problem::Corrupt(digest.clone()))
            }
            Err(e) => report
                .problems
                .push(Problem::Unreadable(digest.clone(), e.to_string())),
        }
    }
    report.problems.sort_by_key(|p| p.to_string());
    Ok(report)
}
