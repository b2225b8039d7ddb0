//! The one reader of archives someone else made: `.zip`, `.tar` and
//! `.tar.gz`, held in memory, read entry by entry under [`Limits`], nothing
//! ever written to disk or extracted.
//!
//! The scanner (`skillseal-discover`, any archive a user points it at) and
//! the package checks (`skillseal-package::inspect`, every registry upload
//! and every install) both read through it. They differ only in what they
//! make of an entry: the scanner reports a link or a `..` path and goes on,
//! the package check refuses the whole archive. So the reader classifies
//! each entry ([`Kind`]), enforces the limits that stop a bomb (entry
//! count, one file's size, the total expanded, the expansion ratio), and
//! hands every entry to the caller's visitor, which decides; an entry's
//! bytes are read only when the visitor asks ([`Entry::read`]).

use std::io::{Cursor, Read};

/// Expansions below this many bytes are never a bomb by ratio alone: a
/// small file of repeated text compresses far better than any real ratio
/// limit. Applies to one zip entry and to a whole decompressed `.tar.gz`
/// ([`Limits::ratio_exceeded`]).
pub const RATIO_FLOOR: u64 = 1 << 20;

/// The same floor for a streamed `.tar`/`.tar.gz`, whose file contents are
/// totalled as they are read ([`Limits::tar_total`]): a small archive may
/// always expand to this many bytes.
pub const STREAM_RATIO_FLOOR: u64 = 8 << 20;

/// How much an archive may hold and expand to. One set of fields for every
/// caller; the values differ where the callers do (see their
/// constructors: `skillseal-discover`'s come from the scan's `Limits`,
/// `skillseal-package`'s from the package's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most entries of any kind (directories included) read.
    pub max_entries: usize,
    /// Largest one file, in bytes, declared or read.
    pub max_file_bytes: u64,
    /// Most bytes of file contents the whole archive may expand to.
    pub max_total_bytes: u64,
    /// Highest expanded/compressed ratio, past [`RATIO_FLOOR`] (or
    /// [`STREAM_RATIO_FLOOR`]).
    pub max_ratio: u64,
}

impl Limits {
    /// The ratio `expanded / compressed`, if it is over the limit and the
    /// expansion past [`RATIO_FLOOR`]: a bomb.
    pub fn ratio_exceeded(&self, expanded: u64, compressed: u64) -> Option<u64> {
        let ratio = expanded / compressed.max(1);
        (expanded > RATIO_FLOOR && ratio > self.max_ratio).then_some(ratio)
    }

    /// The most file bytes a tar of `compressed` bytes may expand to: the
    /// total limit, or less when the ratio limit says so.
    pub fn tar_total(&self, compressed: u64) -> u64 {
        self.max_total_bytes.min(
            compressed
                .saturating_mul(self.max_ratio)
                .max(STREAM_RATIO_FLOOR),
        )
    }
}

/// Which kind of archive an entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Zip,
    Tar,
}

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A file with contents. `regular` is false for tar's contiguous and
    /// sparse files, which hold contents but are not what a packer writes.
    File {
        regular: bool,
    },
    Directory,
    /// A tar PAX or GNU long-name header that reached the caller.
    Metadata,
    /// A symbolic or hard link: never followed.
    Link,
    /// A device, FIFO or anything else that is not a file.
    Special,
}

/// Why reading stopped: the archive as a whole is unreadable or over a
/// limit. What one entry is (a link, a `..` path) is never an error here.
#[derive(Debug)]
pub enum Error {
    /// Not a zip archive the reader understands.
    NotZip(zip::result::ZipError),
    /// Zip entry `index` could not be opened.
    ZipEntry(usize, zip::result::ZipError),
    /// Not a tar archive (or its gzip stream is corrupt at the start).
    NotTar(std::io::Error),
    /// Tar entry `index` is corrupt.
    TarEntry(usize, std::io::Error),
    /// More entries than [`Limits::max_entries`]; a zip says how many it holds.
    TooManyEntries { count: Option<usize>, limit: usize },
    /// An entry's contents could not be read.
    Read(std::io::Error),
    /// The file contents together pass `limit` bytes.
    Total { format: Format, limit: u64 },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NotZip(e) => write!(f, "not a readable zip archive: {e}"),
            Error::ZipEntry(i, e) => write!(f, "entry {i}: {e}"),
            Error::NotTar(e) => write!(f, "not a readable tar archive: {e}"),
            Error::TarEntry(i, e) => write!(f, "corrupt tar entry {i}: {e}"),
            Error::TooManyEntries {
                count: Some(count),
                limit,
            } => write!(f, "archive has {count} entries, over the limit of {limit}"),
            Error::TooManyEntries { count: None, limit } => {
                write!(f, "archive has more than {limit} entries")
            }
            Error::Read(e) => write!(f, "{e}"),
            Error::Total { limit, .. } => write!(f, "archive expands past {limit} bytes"),
        }
    }
}

impl std::error::Error for Error {}

/// One entry, as the visitor sees it.
pub struct Entry<'r> {
    /// Its position in the archive, from 0.
    pub index: usize,
    /// The path as stored, bytes untouched (zip names are decoded by the
    /// zip reader first).
    pub raw_path: Vec<u8>,
    pub kind: Kind,
    pub format: Format,
    /// The size the archive declares for it.
    pub declared: u64,
    /// Its compressed size (zip only).
    pub compressed: Option<u64>,
    /// Any execute bit set in its mode.
    pub executable: bool,
    reader: &'r mut dyn Read,
    read_so_far: &'r mut u64,
    max_file_bytes: u64,
    total_limit: u64,
}

impl Entry<'_> {
    /// The path, invalid UTF-8 replaced.
    pub fn path_lossy(&self) -> String {
        String::from_utf8_lossy(&self.raw_path).into_owned()
    }

    /// Whether the declared size alone makes it a bomb: over the file
    /// size limit or, for a zip entry, over the ratio limit.
    pub fn oversized(&self, limits: &Limits) -> bool {
        self.declared > limits.max_file_bytes
            || self
                .compressed
                .is_some_and(|c| limits.ratio_exceeded(self.declared, c).is_some())
    }

    /// Its contents, at most the file size limit: `Ok(None)` when there is
    /// more (a zip entry that lied about its size). Bytes read count
    /// towards the archive's total, which, once past, stops the read.
    pub fn read(&mut self) -> Result<Option<Vec<u8>>, Error> {
        let mut buf = Vec::with_capacity(self.declared.min(1 << 20) as usize);
        (&mut self.reader)
            .take(self.max_file_bytes + 1)
            .read_to_end(&mut buf)
            .map_err(Error::Read)?;
        if buf.len() as u64 > self.max_file_bytes {
            return Ok(None);
        }
        *self.read_so_far += buf.len() as u64;
        if *self.read_so_far > self.total_limit {
            return Err(Error::Total {
                format: self.format,
                limit: self.total_limit,
            });
        }
        Ok(Some(buf))
    }
}

/// Reads `bytes` as a zip (`PK`), a gzip-compressed tar (`1f 8b`) or a
/// plain tar, calling `visit` for every entry in archive order. The
/// visitor stops the read by returning an error.
pub fn read<E: From<Error>>(
    bytes: &[u8],
    limits: &Limits,
    visit: impl FnMut(Entry<'_>) -> Result<(), E>,
) -> Result<(), E> {
    if bytes.starts_with(b"PK") {
        read_zip(bytes, limits, visit)
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        let gz = flate2::read::GzDecoder::new(Cursor::new(bytes));
        read_tar(gz, bytes.len() as u64, limits, visit)
    } else {
        read_tar(Cursor::new(bytes), bytes.len() as u64, limits, visit)
    }
}

/// Decompresses a whole gzip stream, up to `max_bytes`: `Ok(Err(max))`
/// when it expands past them.
pub fn gunzip(bytes: &[u8], max_bytes: u64) -> std::io::Result<Result<Vec<u8>, u64>> {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(max_bytes + 1)
        .read_to_end(&mut raw)?;
    Ok(if raw.len() as u64 > max_bytes {
        Err(max_bytes)
    } else {
        Ok(raw)
    })
}

/// Reads a zip archive; the total is [`Limits::max_total_bytes`].
pub fn read_zip<E: From<Error>>(
    bytes: &[u8],
    limits: &Limits,
    mut visit: impl FnMut(Entry<'_>) -> Result<(), E>,
) -> Result<(), E> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(Error::NotZip)?;
    if zip.len() > limits.max_entries {
        return Err(Error::TooManyEntries {
            count: Some(zip.len()),
            limit: limits.max_entries,
        }
        .into());
    }
    let mut total = 0u64;
    for index in 0..zip.len() {
        let mut f = zip.by_index(index).map_err(|e| Error::ZipEntry(index, e))?;
        let kind = if f.is_dir() {
            Kind::Directory
        } else if f.is_symlink() {
            Kind::Link
        } else {
            Kind::File { regular: true }
        };
        let entry = Entry {
            index,
            raw_path: f.name().as_bytes().to_vec(),
            kind,
            format: Format::Zip,
            declared: f.size(),
            compressed: Some(f.compressed_size().max(1)),
            executable: f.unix_mode().is_some_and(|m| m & 0o111 != 0),
            reader: &mut f,
            read_so_far: &mut total,
            max_file_bytes: limits.max_file_bytes,
            total_limit: limits.max_total_bytes,
        };
        visit(entry)?;
    }
    Ok(())
}

/// Reads a tar stream of `compressed` bytes (after gzip, if any); the
/// total is [`Limits::tar_total`].
pub fn read_tar<R: Read, E: From<Error>>(
    reader: R,
    compressed: u64,
    limits: &Limits,
    mut visit: impl FnMut(Entry<'_>) -> Result<(), E>,
) -> Result<(), E> {
    let mut ar = tar::Archive::new(reader);
    let entries = ar.entries().map_err(Error::NotTar)?;
    let mut total = 0u64;
    let total_limit = limits.tar_total(compressed);
    for (index, entry) in entries.enumerate() {
        if index >= limits.max_entries {
            return Err(Error::TooManyEntries {
                count: None,
                limit: limits.max_entries,
            }
            .into());
        }
        let mut entry = entry.map_err(|e| Error::TarEntry(index, e))?;
        let raw_path = entry.path_bytes().into_owned();
        let header = entry.header();
        let executable = header.mode().is_ok_and(|m| m & 0o111 != 0);
        let t = header.entry_type();
        let kind = if t.is_dir() {
            Kind::Directory
        } else if t.is_pax_global_extensions()
            || t.is_pax_local_extensions()
            || t.is_gnu_longname()
            || t.is_gnu_longlink()
        {
            Kind::Metadata
        } else if t.is_symlink() || t.is_hard_link() {
            Kind::Link
        } else if t.is_file() || t == tar::EntryType::Continuous || t == tar::EntryType::GNUSparse {
            Kind::File {
                regular: t == tar::EntryType::Regular,
            }
        } else {
            Kind::Special
        };
        let declared = entry.size();
        let entry = Entry {
            index,
            raw_path,
            kind,
            format: Format::Tar,
            declared,
            compressed: None,
            executable,
            reader: &mut entry,
            read_so_far: &mut total,
            max_file_bytes: limits.max_file_bytes,
            total_limit,
        };
        visit(entry)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_entries: 3,
        max_file_bytes: 100,
        max_total_bytes: 150,
        max_ratio: 10,
    };

    fn tar_of(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (path, kind, data) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(*kind);
            h.set_size(data.len() as u64);
            h.set_mode(0o755);
            b.append_data(&mut h, path, *data).unwrap();
        }
        b.into_inner().unwrap()
    }

    /// An entry seen: its path, kind and how many bytes were read.
    type Seen = (String, Kind, Option<usize>);

    /// Every entry seen, and the error that stopped the read.
    fn visit_all(bytes: &[u8], limits: &Limits) -> (Vec<Seen>, Option<Error>) {
        let mut seen = Vec::new();
        let stop = read(bytes, limits, |mut e| {
            let read = match e.kind {
                Kind::File { .. } if !e.oversized(limits) => e.read()?.map(|d| d.len()),
                _ => None,
            };
            seen.push((e.path_lossy(), e.kind, read));
            Ok::<(), Error>(())
        })
        .err();
        (seen, stop)
    }

    #[test]
    fn entries_are_classified_and_read_on_request() {
        use tar::EntryType as T;
        let bytes = tar_of(&[
            ("a.py", T::Regular, b"print(1)"),
            ("l", T::Symlink, b""),
            ("d", T::Fifo, b""),
        ]);
        let (seen, stop) = visit_all(&bytes, &LIMITS);
        assert!(stop.is_none());
        assert_eq!(
            seen,
            [
                ("a.py".into(), Kind::File { regular: true }, Some(8)),
                ("l".into(), Kind::Link, None),
                ("d".into(), Kind::Special, None),
            ]
        );
    }

    #[test]
    fn limits_stop_the_read() {
        use tar::EntryType as T;
        let many = tar_of(&[("a", T::Regular, &b"1"[..]); 4]);
        let (seen, stop) = visit_all(&many, &LIMITS);
        assert_eq!(seen.len(), 3);
        assert!(matches!(
            stop,
            Some(Error::TooManyEntries {
                count: None,
                limit: 3
            })
        ));

        let big = [0u8; 101];
        let (seen, stop) = visit_all(&tar_of(&[("big", T::Regular, &big)]), &LIMITS);
        assert!(stop.is_none());
        assert_eq!(seen[0].2, None, "an oversized file is not read");

        let limits = Limits {
            max_total_bytes: 150,
            ..LIMITS
        };
        let ninety = [0u8; 90];
        let two = tar_of(&[("a", T::Regular, &ninety), ("b", T::Regular, &ninety)]);
        let (_, stop) = visit_all(&two, &limits);
        assert!(matches!(
            stop,
            Some(Error::Total {
                format: Format::Tar,
                limit: 150
            })
        ));
    }

    #[test]
    fn ratio_is_checked_past_its_floor_only() {
        assert_eq!(LIMITS.ratio_exceeded(RATIO_FLOOR, 1), None);
        assert_eq!(
            LIMITS.ratio_exceeded(RATIO_FLOOR + 1, 1),
            Some(RATIO_FLOOR + 1)
        );
        assert_eq!(LIMITS.ratio_exceeded(RATIO_FLOOR * 2, RATIO_FLOOR), None);
        assert_eq!(LIMITS.tar_total(1), 150);
    }

    #[test]
    fn a_corrupt_archive_is_an_error_not_a_panic() {
        let (seen, stop) = visit_all(b"PK\x03\x04garbage", &LIMITS);
        assert!(seen.is_empty());
        assert!(matches!(stop, Some(Error::NotZip(_))));
        let (_, stop) = visit_all(&[0x1f, 0x8b, 0, 1, 2], &LIMITS);
        assert!(matches!(stop, Some(Error::NotTar(_) | Error::TarEntry(..))));
    }
}
