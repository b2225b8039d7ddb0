//! Reading `.zip` and `.tar.gz` archives in memory with limits. Nothing is
//! written to disk. Absolute and `..` paths, links and device entries are
//! reported as flags and never followed; bombs (entries past the size or
//! ratio limits) stop the read with an error.

use crate::{Entry, Flag, Limits, Listing, Source, io_message};
use skillseal_model::ScanError;
use std::io::{Cursor, Read};
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
    let result = if bytes.starts_with(b"PK") {
        read_zip(bytes, limits, &mut out)
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        let gz = flate2::read::GzDecoder::new(Cursor::new(bytes));
        read_tar(gz, bytes.len() as u64, limits, &mut out)
    } else {
        read_tar(Cursor::new(bytes), bytes.len() as u64, limits, &mut out)
    };
    if let Err(message) = result {
        out.errors.push(ScanError {
            path: shown.to_string(),
            message,
        });
    }
    out
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

fn read_zip(bytes: &[u8], limits: &Limits, out: &mut Listing) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a readable zip archive: {e}"))?;
    if zip.len() > limits.max_archive_entries {
        return Err(format!(
            "archive has {} entries, over the limit of {}",
            zip.len(),
            limits.max_archive_entries
        ));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|e| format!("entry {i}: {e}"))?;
        let raw = f.name().to_string();
        if f.is_dir() {
            continue;
        }
        let rel = match clean_path(&raw) {
            Ok(r) => r,
            Err(kind) => {
                out.flags.push(Flag {
                    rel: flag_path(&raw),
                    kind,
                });
                continue;
            }
        };
        if f.is_symlink() {
            out.flags.push(Flag {
                rel,
                kind: "archive-link",
            });
            continue;
        }
        let declared = f.size();
        let compressed = f.compressed_size().max(1);
        if declared > limits.max_file_size
            || (declared > 1 << 20 && declared / compressed > limits.max_compression_ratio)
        {
            out.flags.push(Flag {
                rel: rel.clone(),
                kind: "archive-bomb",
            });
            out.errors.push(ScanError {
                path: rel,
                message: format!("skipped: entry expands to {declared} bytes from {compressed} (size or compression ratio limit)"),
            });
            continue;
        }
        let mut buf = Vec::with_capacity(declared.min(1 << 20) as usize);
        (&mut f)
            .take(limits.max_file_size + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("{rel}: {}", io_message(&e)))?;
        if buf.len() as u64 > limits.max_file_size {
            out.flags.push(Flag {
                rel: rel.clone(),
                kind: "archive-bomb",
            });
            continue;
        }
        total += buf.len() as u64;
        if total > limits.max_archive_total {
            return Err(format!(
                "archive expands past the limit of {} bytes",
                limits.max_archive_total
            ));
        }
        let size = buf.len() as u64;
        out.entries.push(Entry {
            rel,
            source: Source::Memory(Arc::from(buf)),
            size,
        });
    }
    Ok(())
}

fn read_tar<R: Read>(
    reader: R,
    compressed: u64,
    limits: &Limits,
    out: &mut Listing,
) -> Result<(), String> {
    let mut ar = tar::Archive::new(reader);
    let entries = ar
        .entries()
        .map_err(|e| format!("not a readable tar archive: {}", io_message(&e)))?;
    let mut total = 0u64;
    let max_total = limits.max_archive_total.min(
        compressed
            .saturating_mul(limits.max_compression_ratio)
            .max(8 << 20),
    );
    for (n, entry) in entries.enumerate() {
        if n >= limits.max_archive_entries {
            return Err(format!(
                "archive has more than {} entries",
                limits.max_archive_entries
            ));
        }
        let mut entry = entry.map_err(|e| format!("corrupt tar entry {n}: {}", io_message(&e)))?;
        let raw = String::from_utf8_lossy(&entry.path_bytes()).to_string();
        let kind = entry.header().entry_type();
        if kind.is_dir()
            || kind.is_pax_global_extensions()
            || kind.is_pax_local_extensions()
            || kind.is_gnu_longname()
            || kind.is_gnu_longlink()
        {
            continue;
        }
        let rel = match clean_path(&raw) {
            Ok(r) => r,
            Err(k) => {
                out.flags.push(Flag {
                    rel: flag_path(&raw),
                    kind: k,
                });
                continue;
            }
        };
        if kind.is_symlink() || kind.is_hard_link() {
            out.flags.push(Flag {
                rel,
                kind: "archive-link",
            });
            continue;
        }
        if !kind.is_file()
            && kind != tar::EntryType::Continuous
            && kind != tar::EntryType::GNUSparse
        {
            out.flags.push(Flag {
                rel,
                kind: "special-file",
            });
            continue;
        }
        let declared = entry.size();
        if declared > limits.max_file_size {
            out.flags.push(Flag {
                rel: rel.clone(),
                kind: "archive-bomb",
            });
            out.errors.push(ScanError {
                path: rel,
                message: format!("skipped: entry is {declared} bytes, over the file size limit"),
            });
            continue;
        }
        let mut buf = Vec::with_capacity(declared.min(1 << 20) as usize);
        (&mut entry)
            .take(limits.max_file_size + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("{rel}: {}", io_message(&e)))?;
        total += buf.len() as u64;
        if total > max_total {
            out.flags.push(Flag {
                rel: rel.clone(),
                kind: "archive-bomb",
            });
            return Err(format!(
                "archive expands past {max_total} bytes (size or compression ratio limit)"
            ));
        }
        let size = buf.len() as u64;
        out.entries.push(Entry {
            rel,
            source: Source::Memory(Arc::from(buf)),
            size,
        });
    }
    Ok(())
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
