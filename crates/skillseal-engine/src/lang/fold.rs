//! Strings assembled at run time from literals: concatenation, `join`,
//! reversal, character codes, `bytes([...])`, `base64` of a literal. The
//! frontends fold such expressions to the value they will have, bounded
//! by [`MAX_DEPTH`] nodes of nesting and [`MAX_LEN`] bytes, so the rules
//! see `curl … | bash` where the code spells `'hsab | ' + …` backwards.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// Nesting followed when folding one expression.
pub const MAX_DEPTH: usize = 24;
/// Longest folded value.
pub const MAX_LEN: usize = 64 * 1024;

/// Join parts, or nothing when the result would be too long.
pub fn concat<I: IntoIterator<Item = String>>(parts: I) -> Option<String> {
    let mut out = String::new();
    for p in parts {
        if out.len() + p.len() > MAX_LEN {
            return None;
        }
        out.push_str(&p);
    }
    Some(out)
}

/// `items` with `sep` between them (`sep.join(items)`), within [`MAX_LEN`].
pub fn join(items: Vec<String>, sep: &str) -> Option<String> {
    let mut parts = Vec::with_capacity(items.len() * 2);
    for (i, it) in items.into_iter().enumerate() {
        if i > 0 {
            parts.push(sep.to_string());
        }
        parts.push(it);
    }
    concat(parts)
}

/// An integer literal: decimal, `0x`, `0o` or `0b`.
pub fn int(text: &str) -> Option<u32> {
    let t = text.trim().replace('_', "");
    let (digits, radix) = match t.get(..2).map(str::to_ascii_lowercase).as_deref() {
        Some("0x") => (&t[2..], 16),
        Some("0o") => (&t[2..], 8),
        Some("0b") => (&t[2..], 2),
        _ => (t.as_str(), 10),
    };
    u32::from_str_radix(digits, radix).ok()
}

/// Characters from their codes.
pub fn chars(codes: impl IntoIterator<Item = u32>) -> Option<String> {
    let mut out = String::new();
    for c in codes {
        out.push(char::from_u32(c)?);
        if out.len() > MAX_LEN {
            return None;
        }
    }
    Some(out)
}

/// Bytes that are UTF-8 text.
pub fn utf8(bytes: Vec<u8>) -> Option<String> {
    (bytes.len() <= MAX_LEN)
        .then(|| String::from_utf8(bytes).ok())
        .flatten()
}

/// The text a base64 string (standard or URL-safe) stands for.
pub fn base64_text(s: &str) -> Option<String> {
    let s = s.trim();
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|e| e.decode(s).ok())
        .and_then(utf8)
}

/// The text a hex string stands for.
pub fn hex_text(s: &str) -> Option<String> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect();
    utf8(bytes?)
}

/// `s` backwards.
pub fn reverse(s: &str) -> String {
    s.chars().rev().collect()
}

/// `"{} and {}".format(a, b)` / `format!("{}{}", a, b)`: positional `{}`
/// and `{0}` placeholders filled from `args`.
pub fn format_positional(template: &str, args: &[String]) -> Option<String> {
    let mut out = String::new();
    let mut next = 0;
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(t) = tail.strip_prefix("{{") {
            out.push('{');
            rest = t;
        } else if let Some(t) = tail.strip_prefix("}}") {
            out.push('}');
            rest = t;
        } else if tail.starts_with('{') {
            let close = tail.find('}')?;
            let inner = &tail[1..close];
            let name = inner.split(':').next().unwrap_or("");
            let idx = if name.is_empty() {
                next += 1;
                next - 1
            } else {
                name.parse::<usize>().ok()?
            };
            out.push_str(args.get(idx)?);
            rest = &tail[close + 1..];
        } else {
            return None;
        }
        if out.len() > MAX_LEN {
            return None;
        }
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(int("0x41"), Some(65));
        assert_eq!(int("1_0"), Some(10));
        assert_eq!(chars([104, 105]).as_deref(), Some("hi"));
        assert_eq!(base64_text("aGVsbG8=").as_deref(), Some("hello"));
        assert_eq!(hex_text("6869").as_deref(), Some("hi"));
        assert_eq!(reverse("abc"), "cba");
        assert_eq!(
            join(vec!["a".into(), "b".into()], ", ").as_deref(),
            Some("a, b")
        );
        assert_eq!(
            format_positional("{}://{}:{1}", &["http".into(), "h".into()]).as_deref(),
            Some("http://h:h")
        );
        assert_eq!(format_positional("{x}", &[]), None);
    }
}
