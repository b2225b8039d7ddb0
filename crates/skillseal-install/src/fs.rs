//! Files replaced atomically: the lock, skillseal.toml, cached packages,
//! the credentials file (and the CLI's reports, through the same code).

use std::io::Write as _;
use std::path::Path;

/// Write to a temporary file beside `path`, sync it, then rename over `path`:
/// a reader never sees half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with_mode(path, bytes, 0o666)
}

/// [`write_atomically`] with the file created as `mode` (less the umask)
/// from the start, so a private file is never readable by others, even
/// briefly.
pub fn write_atomically_with_mode(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    // A device, pipe or socket (`-o /dev/null`, `-o /dev/stdout`, a FIFO)
    // is written to, never replaced: renaming over it would put a regular
    // file in its place (as root, even `/dev/null`).
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
        return f.write_all(bytes);
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
