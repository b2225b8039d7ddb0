//! Office documents: whether one holds a VBA macro project, and the text
//! its parts show a reader. OOXML (`.docx`, `.xlsm`, `.pptx`…) and
//! OpenDocument files are zip archives, read in memory through
//! `skillseal-archive` under small limits; legacy `.doc`/`.xls`/`.ppt`
//! files are OLE compound files, searched for the VBA project's stream
//! name. No IO; bounded by the limits below.

use skillseal_archive::{Entry, Kind, Limits};

/// What a zip office document holds.
#[derive(Debug, Default)]
pub struct OfficeZip {
    /// A VBA project (`vbaProject.bin`) or an ODF macro library.
    pub macros: bool,
    /// Embedded objects or ActiveX controls: files within the file.
    pub embedded: bool,
    /// The text of its document, sheet, slide, note and comment parts,
    /// one paragraph per line.
    pub text: String,
}

/// The text kept from one document, at most.
const MAX_TEXT: usize = 1 << 20;

/// Extensions of zip-based office documents.
pub fn is_office_zip_extension(ext: &str) -> bool {
    matches!(
        ext,
        "docx"
            | "docm"
            | "dotx"
            | "dotm"
            | "xlsx"
            | "xlsm"
            | "xltx"
            | "xltm"
            | "xlsb"
            | "xlam"
            | "pptx"
            | "pptm"
            | "potx"
            | "potm"
            | "ppsx"
            | "ppsm"
            | "ppam"
            | "odt"
            | "ods"
            | "odp"
            | "ott"
    )
}

/// Extensions of OLE compound office documents (not `.dot` and `.pot`,
/// which are also Graphviz and gettext files).
pub fn is_ole_office_extension(ext: &str) -> bool {
    matches!(ext, "doc" | "xls" | "xla" | "ppt" | "pps" | "msg")
}

/// The OLE compound file signature.
pub fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
}

/// Whether an OLE compound file holds a VBA project: its directory names
/// the `_VBA_PROJECT` stream (names are UTF-16LE).
pub fn ole_has_macros(bytes: &[u8]) -> bool {
    const NAME: &[u8] = b"_\0V\0B\0A\0_\0P\0R\0O\0J\0E\0C\0T\0";
    memchr::memmem::find(bytes, NAME).is_some()
}

/// Reads a zip as an office document: `None` when it is not one (no
/// `[Content_Types].xml` and no ODF `mimetype`) or cannot be read.
pub fn inspect_zip(bytes: &[u8]) -> Option<OfficeZip> {
    let limits = Limits {
        max_entries: 4096,
        max_file_bytes: 8 << 20,
        max_total_bytes: 32 << 20,
        max_ratio: 200,
    };
    let mut out = OfficeZip::default();
    let mut is_office = false;
    let result: Result<(), skillseal_archive::Error> =
        skillseal_archive::read_zip(bytes, &limits, |mut entry: Entry<'_>| {
            if !matches!(entry.kind, Kind::File { .. }) {
                return Ok(());
            }
            let name = entry.path_lossy().to_ascii_lowercase();
            if name == "[content_types].xml" || name == "mimetype" {
                is_office = true;
            }
            let base = name.rsplit('/').next().unwrap_or(&name);
            if base == "vbaproject.bin" || base == "vbadata.xml" || name.starts_with("basic/") {
                out.macros = true;
            }
            if name.contains("/embeddings/") || name.contains("/activex/") {
                out.embedded = true;
            }
            if is_text_part(&name)
                && out.text.len() < MAX_TEXT
                && !entry.oversized(&limits)
                && let Ok(Some(xml)) = entry.read()
            {
                xml_text(&String::from_utf8_lossy(&xml), &mut out.text);
            }
            Ok(())
        });
    (result.is_ok() && is_office).then_some(out)
}

/// Parts whose text a reader of the document sees.
fn is_text_part(name: &str) -> bool {
    let xml = name.ends_with(".xml");
    xml && (name == "word/document.xml"
        || name.starts_with("word/header")
        || name.starts_with("word/footer")
        || name == "word/comments.xml"
        || name == "word/footnotes.xml"
        || name == "xl/sharedstrings.xml"
        || name.starts_with("xl/comments")
        || name.starts_with("ppt/slides/slide")
        || name.starts_with("ppt/notesslides/")
        || name == "content.xml")
}

/// Appends the text of an XML part: tags dropped, paragraphs and breaks
/// as new lines, the five predefined entities decoded.
fn xml_text(xml: &str, out: &mut String) {
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        push_text(&rest[..lt], out);
        let Some(gt) = rest[lt..].find('>') else {
            return;
        };
        let tag = &rest[lt + 1..lt + gt];
        let name = tag.trim_start_matches('/');
        let name = name.split([' ', '/']).next().unwrap_or("");
        let local = name.rsplit(':').next().unwrap_or(name);
        let closes = tag.starts_with('/') || tag.ends_with('/');
        if (closes && matches!(local, "p" | "si" | "h" | "tr")) || matches!(local, "br" | "cr") {
            out.push('\n');
        } else if matches!(local, "tab" | "tc") {
            out.push(' ');
        }
        if out.len() >= MAX_TEXT {
            return;
        }
        rest = &rest[lt + gt + 1..];
    }
    push_text(rest, out);
}

fn push_text(s: &str, out: &mut String) {
    if s.is_empty() || out.len() >= MAX_TEXT {
        return;
    }
    if !s.contains('&') {
        out.push_str(s);
        return;
    }
    out.push_str(
        &s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_keeps_paragraphs_and_entities() {
        let mut out = String::new();
        xml_text(
            "<w:document><w:body><w:p><w:r><w:t>Run `a &amp;&amp; b`</w:t></w:r></w:p><w:p><w:r><w:t>next</w:t></w:r></w:p></w:body>",
            &mut out,
        );
        assert_eq!(out, "Run `a && b`\nnext\n");
    }

    #[test]
    fn ole_macros_are_found_by_stream_name() {
        let mut doc = vec![0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
        assert!(is_ole(&doc) && !ole_has_macros(&doc));
        doc.extend("_VBA_PROJECT".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(ole_has_macros(&doc));
    }

    #[test]
    fn garbage_is_not_an_office_document() {
        assert!(inspect_zip(b"PK\x03\x04 not really").is_none());
        assert!(inspect_zip(b"").is_none());
    }
}
