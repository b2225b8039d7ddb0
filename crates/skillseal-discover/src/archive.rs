//! Reading `.zip` and `.tar.gz` archives in memory with limits, through
//! `skillseal-archive` (the reader the package checks use too). Nothing is
//! written to disk. Absolute and `..` paths, links and device entries are
//! reported as flags and never followed; bombs (entries past the size or
//! ratio limits) are flagged and skipped, or stop the read with an error.

use crate::{Entry, Flag, Limits, Listing, Source, io_message};
use skillseal_model::ScanError;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// Whether a file's magic bytes say zip or gzip.
pub(crate) fn sniff(path: &Path) -> bool {
    let mut head = [0u8; 4];
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let n = f.read(&mut head).unwrap_or(0);
    n >= 4 && (head.starts_with(b"PK\x03\x04") || head.starts_with(&[0x1f, 0x8b]))
}

pub(crate) fn list(path: &Path, size: u64, limits: &Limits) -> Listing {
    let shown = path.display().to_string();
    let mut out = Listing::default();
    if size > limits.max_archive_size {
        out.errors.push(ScanError {
            path: shown,
            message: format!(
                "archive is {size} bytes, over the limit of {} bytes",
                limits.max_archive_size
            ),
        });
        return out;
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            out.errors.push(ScanError {
                path: shown,
                message: io_message(&e),
            });
            return out;
        }
    };
    list_bytes(&shown, &bytes, limits)
}

/// The entries of an archive held in memory, reported as `shown`.
pub(crate) fn list_bytes(shown: &str, bytes: &[u8], limits: &Limits) -> Listing {
    let mut out = Listing::default();
    if bytes.len() as u64 > limits.max_archive_size {
        out.errors.push(ScanError {
            path: shown.to_string(),
            message: format!(
                "archive is {} bytes, over the limit of {} bytes",
                bytes.len(),
                limits.max_archive_size
            ),
        });
        return out;
    }
    let limits = archive_limits(limits);
    let result = skillseal_archive::read(bytes, &limits, |entry| visit(entry, &limits, &mut out));
    if let Err(Stop(message)) = result {
        out.errors.push(ScanError {
            path: shown.to_string(),
            message,
        });
    }
    out
}

/// The archive reader's limits for a scan under `limits`.
fn archive_limits(limits: &Limits) -> skillseal_archive::Limits {
    skillseal_archive::Limits {
        max_entries: limits.max_archive_entries,
        max_file_bytes: limits.max_file_size,
        max_total_bytes: limits.max_archive_total,
        max_ratio: limits.max_compression_ratio,
    }
}

/// Why reading an archive stopped, as the scan reports it.
fn stop_message(e: skillseal_archive::Error) -> String {
    use skillseal_archive::{Error as E, Format};
    match e {
        E::NotZip(e) => format!("not a readable zip archive: {e}"),
        E::ZipEntry(i, e) => format!("entry {i}: {e}"),
        E::NotTar(e) => format!("not a readable tar archive: {}", io_message(&e)),
        E::TarEntry(n, e) => format!("corrupt tar entry {n}: {}", io_message(&e)),
        E::TooManyEntries {
            count: Some(count),
            limit,
        } => format!("archive has {count} entries, over the limit of {limit}"),
        E::TooManyEntries { count: None, limit } => {
            format!("archive has more than {limit} entries")
        }
        E::Read(e) => io_message(&e),
        E::Total {
            format: Format::Zip,
            limit,
        } => format!("archive expands past the limit of {limit} bytes"),
        E::Total {
            format: Format::Tar,
            limit,
        } => format!("archive expands past {limit} bytes (size or compression ratio limit)"),
    }
}

/// One entry: a file becomes an in-memory entry; a traversal path, a link,
/// a special file or a bomb becomes a flag; directories and tar metadata
/// are skipped. An `Err` stops the read.
fn visit(
    mut entry: skillseal_archive::Entry<'_>,
    limits: &skillseal_archive::Limits,
    out: &mut Listing,
) -> Result<(), Stop> {
    use skillseal_archive::{Error, Format, Kind};
    if matches!(entry.kind, Kind::Directory | Kind::Metadata) {
        return Ok(());
    }
    let raw = entry.path_lossy();
    let rel = match clean_path(&raw) {
        Ok(r) => r,
        Err(kind) => {
            out.flag(flag_path(&raw), kind);
            return Ok(());
        }
    };
    let refused = match entry.kind {
        Kind::Link => Some("archive-link"),
        Kind::Special => Some("special-file"),
        _ => None,
    };
    if let Some(kind) = refused {
        out.flag(rel, kind);
        return Ok(());
    }
    if entry.oversized(limits) {
        let message = match entry.compressed {
            Some(compressed) => format!(
                "skipped: entry expands to {} bytes from {compressed} (size or compression ratio limit)",
                entry.declared
            ),
            None => format!(
                "skipped: entry is {} bytes, over the file size limit",
                entry.declared
            ),
        };
        out.flag(rel.clone(), "archive-bomb");
        out.errors.push(ScanError { path: rel, message });
        return Ok(());
    }
    let buf = match entry.read() {
        Ok(Some(buf)) => buf,
        Ok(None) => {
            out.flag(rel, "archive-bomb");
            return Ok(());
        }
        Err(Error::Read(e)) => return Err(Stop(format!("{rel}: {}", io_message(&e)))),
        Err(e) => {
            if matches!(
                e,
                Error::Total {
                    format: Format::Tar,
                    ..
                }
            ) {
                out.flag(rel, "archive-bomb");
            }
            return Err(e.into());
        }
    };
    let size = buf.len() as u64;
    out.entries.push(Entry {
        rel,
        source: Source::Memory(Arc::from(buf)),
        size,
    });
    Ok(())
}

/// What stops reading an archive: its message, as the scan reports it.
struct Stop(String);

impl From<skillseal_archive::Error> for Stop {
    fn from(e: skillseal_archive::Error) -> Stop {
        Stop(stop_message(e))
    }
}

impl Listing {
    fn flag(&mut self, rel: String, kind: &'static str) {
        self.flags.push(Flag { rel, kind });
    }
}

/// A path inside an archive, normalised, or why it is refused.
fn clean_path(raw: &str) -> Result<String, &'static str> {
    let raw = raw.replace('\\', "/");
    if raw.starts_with('/') || raw.as_bytes().get(1) == Some(&b':') {
        return Err("archive-traversal");
    }
    let mut parts = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("archive-traversal"),
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err("archive-traversal");
    }
    Ok(parts.join("/"))
}

fn flag_path(raw: &str) -> String {
    // Keep the offending name visible but inert: no leading `/`.
    raw.replace('\\', "/").trim_start_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_and_absolute_paths_are_refused() {
        assert_eq!(clean_path("a/./b.py"), Ok("a/b.py".into()));
        assert_eq!(clean_path("../etc/passwd"), Err("archive-traversal"));
        assert_eq!(clean_path("a/../../x"), Err("archive-traversal"));
        assert_eq!(clean_path("/etc/passwd"), Err("archive-traversal"));
        assert_eq!(clean_path("C:\\Windows\\x"), Err("archive-traversal"));
    }
}
