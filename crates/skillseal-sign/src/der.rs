//! Just enough DER to take certificates apart without re-encoding them.
//!
//! Signatures cover exact bytes: the `tbsCertificate` as it was issued, and,
//! for an SCT, that same structure with the SCT extension removed. Decoding
//! into `x509-cert` types and encoding again would only be right if every
//! certificate were perfectly canonical, so these helpers slice the original
//! bytes instead.

/// One DER element: its tag byte, the whole element and its contents.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub whole: &'a [u8],
    pub content: &'a [u8],
}

/// Reads the element at the start of `input`; returns it and the rest.
pub(crate) fn read(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let tag = *input.first()?;
    if tag & 0x1f == 0x1f {
        return None; // multi-byte tags never occur in certificates
    }
    let first = *input.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let mut len = 0usize;
        for byte in input.get(2..2 + count)? {
            len = (len << 8) | usize::from(*byte);
        }
        (len, 2 + count)
    };
    let end = header.checked_add(len)?;
    let whole = input.get(..end)?;
    Some((
        Tlv {
            tag,
            whole,
            content: &whole[header..],
        },
        &input[end..],
    ))
}

/// Splits the contents of a constructed element into its children.
pub(crate) fn children(mut content: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let (tlv, rest) = read(content)?;
        out.push(tlv);
        content = rest;
    }
    Some(out)
}

/// Encodes a DER header for `tag` and `len` followed by nothing.
pub(crate) fn header(tag: u8, len: usize) -> Vec<u8> {
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out
}

/// The `tbsCertificate` element of a DER certificate, as signed.
pub(crate) fn tbs_certificate(cert: &[u8]) -> Option<&[u8]> {
    let (outer, _) = read(cert)?;
    let (tbs, _) = read(outer.content)?;
    Some(tbs.whole)
}

/// The `tbsCertificate` with the extension whose OID (DER contents) is
/// `oid` removed: what a CT log signs for a precertificate (RFC 6962 §3.2).
pub(crate) fn tbs_without_extension(cert: &[u8], oid: &[u8]) -> Option<Vec<u8>> {
    let tbs = read(tbs_certificate(cert)?)?.0;
    let mut body = Vec::new();
    for field in children(tbs.content)? {
        if field.tag != 0xa3 {
            body.extend_from_slice(field.whole);
            continue;
        }
        let (list, _) = read(field.content)?;
        let mut kept = Vec::new();
        for ext in children(list.content)? {
            let (ext_oid, _) = read(ext.content)?;
            if ext_oid.content != oid {
                kept.extend_from_slice(ext.whole);
            }
        }
        let mut seq = header(0x30, kept.len());
        seq.extend_from_slice(&kept);
        body.extend_from_slice(&header(0xa3, seq.len()));
        body.extend_from_slice(&seq);
    }
    let mut out = header(0x30, body.len());
    out.extend_from_slice(&body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip_through_read() {
        for len in [0usize, 1, 127, 128, 255, 256, 65_535, 70_000] {
            let mut element = header(0x04, len);
            element.extend(std::iter::repeat_n(7u8, len));
            let (tlv, rest) = read(&element).unwrap();
            assert_eq!((tlv.tag, tlv.content.len(), rest.len()), (0x04, len, 0));
        }
    }

    #[test]
    fn truncated_input_is_none_not_a_panic() {
        let mut element = header(0x30, 300);
        element.extend(std::iter::repeat_n(0u8, 299));
        assert!(read(&element).is_none());
        assert!(read(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_none());
        assert!(read(&[]).is_none());
        assert!(tbs_certificate(&[0x30, 0x02, 0x30]).is_none());
    }
}
