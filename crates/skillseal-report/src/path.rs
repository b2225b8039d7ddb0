//! Joining a skill's path with a finding's file, and turning the result into
//! a URI reference for SARIF.

/// `skill` joined with `file`, `/`-separated, without empty or `.`
/// segments; absolute paths stay absolute. `"."` when both are empty.
pub(crate) fn join(skill: &str, file: &str) -> String {
    let skill = skill.replace('\\', "/");
    let file = file.replace('\\', "/");
    let absolute = skill.starts_with('/');
    let parts: Vec<&str> = skill
        .split('/')
        .chain(file.split('/'))
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// A SARIF `artifactLocation.uri` for a `/`-separated path from [`join`]:
/// a percent-encoded relative reference (`true`), or a `file://` URI for an
/// absolute path (`false`), which has no `uriBaseId`.
pub(crate) fn artifact_uri(path: &str) -> (String, bool) {
    if path.starts_with('/') {
        (format!("file://{}", encode(path, true)), false)
    } else if has_drive_letter(path) {
        (format!("file:///{}", encode(path, true)), false)
    } else {
        (encode(path, false), true)
    }
}

fn has_drive_letter(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b.len() == 2 || b[2] == b'/')
}

/// Percent-encodes everything but RFC 3986 unreserved characters, `/`, the
/// sub-delimiters and `@`. `:` is encoded in relative references so that a
/// first segment like `a:b` cannot read as a scheme.
fn encode(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            )
            || (keep_colon && b == b':');
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_normalises_separators_and_dots() {
        assert_eq!(
            join("samples/foo", "scripts/x.py"),
            "samples/foo/scripts/x.py"
        );
        assert_eq!(join("./samples/foo/", "./x.py"), "samples/foo/x.py");
        assert_eq!(join(".", "SKILL.md"), "SKILL.md");
        assert_eq!(join("samples\\foo", "a\\b.py"), "samples/foo/a/b.py");
        assert_eq!(join("/abs/skill", "x.py"), "/abs/skill/x.py");
        assert_eq!(join(".", ""), ".");
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            artifact_uri("a b/ü#1.py"),
            ("a%20b/%C3%BC%231.py".to_string(), true)
        );
        assert_eq!(artifact_uri("a:b/c.py"), ("a%3Ab/c.py".to_string(), true));
        assert_eq!(artifact_uri("100%.md"), ("100%25.md".to_string(), true));
        assert_eq!(
            artifact_uri("/abs/x y.py"),
            ("file:///abs/x%20y.py".to_string(), false)
        );
        assert_eq!(
            artifact_uri("C:/w/x.py"),
            ("file:///C:/w/x.py".to_string(), false)
        );
    }
}
