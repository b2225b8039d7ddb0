//! The credentials file, written by `skillseal login` and `skillseal logout`
//! (in the CLI).
//!
//! `$SKILLSEAL_CREDENTIALS`, else `~/.config/skillseal/credentials.toml`,
//! readable by its owner alone (mode 0600, else refused), holds one token
//! per registry origin, as cargo's `credentials.toml` does per registry:
//!
//! ```toml
//! [registries."https://skills.example.com"]
//! token = "skillseal_…"
//! ```
//!
//! Keys are compared by their normalised origin (`scheme://host[:port]`,
//! host lowercased, default port dropped, path ignored), so a token goes
//! to that origin and no other ([`crate::registry`] decides). A top-level
//! `token = …` (the old format, bound to nothing) is refused with the way
//! out rather than ignored: a token the user believes is in use but is
//! silently dropped turns into puzzling 401s, and guessing a registry for
//! it is exactly what must not happen. The file is written atomically
//! (temporary file created 0600, synced, renamed) and only by `login` and
//! `logout`, which keep the rest of it (comments included).

use std::collections::BTreeMap;
use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Context as _, Error, Result};
use crate::registry::{self, Token};

/// `$SKILLSEAL_CREDENTIALS`, else `~/.config/skillseal/credentials.toml`.
pub fn path() -> Result<PathBuf> {
    Ok(match std::env::var_os("SKILLSEAL_CREDENTIALS") {
        Some(p) => PathBuf::from(p),
        None => {
            let home = std::env::var_os("HOME")
                .ok_or_else(|| Error::Invalid("no HOME to find the credentials file in".into()))?;
            Path::new(&home).join(".config/skillseal/credentials.toml")
        }
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    /// The old, unbound form: refused.
    token: Option<toml::Value>,
    #[serde(default)]
    registries: BTreeMap<String, Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    token: String,
}

/// The line and column of a byte offset, for errors that must not quote
/// the file (it holds secrets).
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let (line, col) = skillseal_model::LineIndex::new(text).position(at);
    (line as usize, col as usize)
}

fn legacy_error(shown: &Path) -> Error {
    Error::Invalid(format!(
        "{}: a top-level `token = …` is bound to no registry, so it is never sent: run \
         `skillseal login --registry URL` for the registry it belongs to (which removes it), \
         or delete that line",
        shown.display()
    ))
}

/// The token stored for `origin` in the file's `text` (`shown` in errors).
fn find(text: &str, origin: &str, shown: &Path) -> Result<Option<Token>> {
    let file: FileFormat = toml::from_str(text).map_err(|e| {
        // The message only: toml's own display quotes the line, which
        // may be a token.
        let (line, col) = line_col(text, e.span().map_or(0, |s| s.start));
        Error::Invalid(format!(
            "{}: line {line}, column {col}: {}",
            shown.display(),
            e.message()
        ))
    })?;
    if file.token.is_some() {
        return Err(legacy_error(shown));
    }
    let mut found = None;
    for (key, entry) in file.registries {
        let bound = registry::origin(&key).context(|| {
            format!(
                "{}: [registries.\"{key}\"] does not name a registry",
                shown.display()
            )
        })?;
        if bound != origin {
            continue;
        }
        if !registry::looks_like_token(&entry.token) {
            return Err(Error::Invalid(format!(
                "{}: the token of [registries.\"{key}\"] is not a skillseal token",
                shown.display()
            )));
        }
        if found.is_some() {
            return Err(Error::Invalid(format!(
                "{}: more than one entry for {origin}: keep one",
                shown.display()
            )));
        }
        found = Some(Token::new(entry.token));
    }
    Ok(found)
}

/// The token stored for `origin` (normalised), if any. The file must not
/// be readable or writable by others.
pub fn lookup(origin: &str) -> Result<Option<Token>> {
    let path = path()?;
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).context(|| format!("cannot read {}", path.display())),
    };
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(Error::Invalid(format!(
            "{} is readable by others: run `chmod 600 {}`",
            path.display(),
            path.display()
        )));
    }
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(&path).context(|| format!("cannot read {}", path.display()))?,
    );
    find(&text, origin, &path)
}

fn parse_document(text: &str, shown: &Path) -> Result<toml_edit::DocumentMut> {
    text.parse::<toml_edit::DocumentMut>().map_err(|e| {
        let (line, col) = line_col(text, e.span().map_or(0, |s| s.start));
        Error::Invalid(format!(
            "{}: line {line}, column {col}: {}",
            shown.display(),
            e.message()
        ))
    })
}

fn not_a_table(shown: &Path) -> Error {
    Error::Invalid(format!(
        "{}: `registries` must be a table of [registries.\"URL\"] tables",
        shown.display()
    ))
}

/// The `[registries]` table of `doc`, created when missing.
fn registries<'d>(
    doc: &'d mut toml_edit::DocumentMut,
    shown: &Path,
) -> Result<&'d mut toml_edit::Table> {
    let item = doc.entry("registries").or_insert_with(|| {
        let mut t = toml_edit::Table::new();
        t.set_implicit(true);
        toml_edit::Item::Table(t)
    });
    item.as_table_mut().ok_or_else(|| not_a_table(shown))
}

/// Removes every entry whose key normalises to `origin`; whether any was.
fn remove_entries(table: &mut toml_edit::Table, origin: &str) -> bool {
    let keys: Vec<String> = table
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| registry::origin(k).is_ok_and(|o| o == origin))
        .collect();
    for k in &keys {
        table.remove(k);
    }
    !keys.is_empty()
}

/// `text` with `token` stored for `origin` (replacing any entry for it and
/// the unbound top-level `token`); whether that top-level token was there.
pub fn with_token(text: &str, origin: &str, token: &str, shown: &Path) -> Result<(String, bool)> {
    let mut doc = parse_document(text, shown)?;
    let legacy = doc.remove("token").is_some();
    let table = registries(&mut doc, shown)?;
    remove_entries(table, origin);
    let mut entry = toml_edit::Table::new();
    entry.insert("token", toml_edit::value(token));
    table.insert(origin, toml_edit::Item::Table(entry));
    Ok((doc.to_string(), legacy))
}

/// `text` without the entry for `origin`; whether there was one.
pub fn without_token(text: &str, origin: &str, shown: &Path) -> Result<(String, bool)> {
    let mut doc = parse_document(text, shown)?;
    let removed = match doc.get_mut("registries") {
        None => false,
        Some(item) => {
            let table = item.as_table_mut().ok_or_else(|| not_a_table(shown))?;
            remove_entries(table, origin)
        }
    };
    Ok((doc.to_string(), removed))
}

/// Replaces the file with `text`: created 0600 (its folder 0700 when
/// made), synced, renamed into place, the folder synced.
pub fn store(path: &Path, text: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .context(|| format!("cannot create {}", dir.display()))?;
    crate::fs::write_atomically_with_mode(path, text.as_bytes(), 0o600)
        .context(|| format!("cannot write {}", path.display()))?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .context(|| format!("cannot sync {}", dir.display()))
}

/// The file's text, or empty when there is none.
pub fn read_existing(path: &Path) -> Result<zeroize::Zeroizing<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(zeroize::Zeroizing::new(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Ok(zeroize::Zeroizing::new(String::new()))
        }
        Err(e) => Err(e).context(|| format!("cannot read {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "skillseal_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const B: &str = "skillseal_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

    fn shown() -> &'static Path {
        Path::new("credentials.toml")
    }

    fn found(text: &str, origin: &str) -> Option<String> {
        find(text, origin, shown())
            .unwrap()
            .map(|t| t.expose().to_string())
    }

    #[test]
    fn a_token_is_found_only_for_its_origin_however_the_key_is_spelled() {
        let text = format!(
            "[registries.\"HTTPS://Skills.Example.com:443/some/path\"]\ntoken = \"{A}\"\n\n\
             [registries.\"http://127.0.0.1:7171\"]\ntoken = \"{B}\"\n"
        );
        assert_eq!(
            found(&text, "https://skills.example.com").as_deref(),
            Some(A)
        );
        assert_eq!(found(&text, "http://127.0.0.1:7171").as_deref(), Some(B));
        for other in [
            "http://skills.example.com",
            "https://skills.example.com:8443",
            "https://evil.example.com",
            "http://127.0.0.1:7172",
            "http://localhost:7171",
        ] {
            assert_eq!(found(&text, other), None, "{other}");
        }
        assert_eq!(found("", "https://skills.example.com"), None);
    }

    #[test]
    fn the_unbound_token_of_the_old_format_is_refused_with_the_way_out() {
        let e = find(&format!("token = \"{A}\"\n"), "http://127.0.0.1:1", shown()).unwrap_err();
        assert!(
            e.to_string().contains("skillseal login --registry URL"),
            "{e}"
        );
        assert!(!e.to_string().contains(A), "never printed: {e}");
    }

    #[test]
    fn errors_never_quote_the_file() {
        for text in [
            format!("[registries.\"https://a.example\"]\ntoken = {A}\n"),
            format!("[registries.\"https://a.example\"]\ntoken = \"{A}\"\nextra = \"{B}\"\n"),
            format!("[registries.\"https://a.example\"]\ntoken = \"{A}x\"\n"),
        ] {
            let e = find(&text, "https://a.example", shown()).unwrap_err();
            let shown = format!("{e:#}");
            assert!(!shown.contains(&A[10..20]), "{shown}");
            assert!(!shown.contains(&B[10..20]), "{shown}");
        }
    }

    #[test]
    fn login_replaces_the_entry_for_its_origin_and_keeps_the_rest() {
        let text = format!(
            "[registries.\"https://A.example:443\"]\ntoken = \"{A}\"\n\n\
             # mine\n[registries.\"https://b.example\"]\ntoken = \"{B}\"\n"
        );
        let (new, legacy) = with_token(&text, "https://a.example", B, shown()).unwrap();
        assert!(!legacy);
        assert!(new.contains("# mine"), "{new}");
        assert_eq!(found(&new, "https://a.example").as_deref(), Some(B));
        assert_eq!(found(&new, "https://b.example").as_deref(), Some(B));
        assert!(!new.contains(A), "{new}");

        let (fresh, _) = with_token("", "http://[::1]:7171", A, shown()).unwrap();
        assert_eq!(
            fresh,
            format!("[registries.\"http://[::1]:7171\"]\ntoken = \"{A}\"\n")
        );

        let (moved, legacy) = with_token(
            &format!("token = \"{A}\"\n"),
            "https://a.example",
            B,
            shown(),
        )
        .unwrap();
        assert!(legacy);
        assert!(!moved.contains(A), "{moved}");
        assert_eq!(found(&moved, "https://a.example").as_deref(), Some(B));
    }

    #[test]
    fn logout_removes_only_its_origin() {
        let text = format!(
            "[registries.\"https://a.example/\"]\ntoken = \"{A}\"\n\n\
             [registries.\"https://b.example\"]\ntoken = \"{B}\"\n"
        );
        let (new, removed) = without_token(&text, "https://a.example", shown()).unwrap();
        assert!(removed);
        assert_eq!(found(&new, "https://a.example"), None);
        assert_eq!(found(&new, "https://b.example").as_deref(), Some(B));
        let (same, removed) = without_token(&new, "https://a.example", shown()).unwrap();
        assert!(!removed);
        assert_eq!(same, new);
        assert!(!without_token("", "https://a.example", shown()).unwrap().1);
    }
}
