//! Evidence attached to an item: which files are accepted (decided by their content, never by the
//! name or the type the browser claims), and how a file's name is kept and handed back safely.

/// Largest attachment accepted, in bytes (10 MB).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// Longest file name kept, in characters.
pub const NAME_MAX: usize = 255;

use std::io::{Cursor, Read};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PPTX: &str = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

/// Each accepted type with the extensions its files go by; the first is the one a file that
/// claims another gets.
const EXTENSIONS: [(&str, &[&str]); 12] = [
    ("application/pdf", &["pdf"]),
    ("image/png", &["png"]),
    ("image/jpeg", &["jpg", "jpeg", "jpe", "jfif"]),
    ("image/gif", &["gif"]),
    ("image/webp", &["webp"]),
    ("image/heic", &["heic", "heif"]),
    (DOCX, &["docx"]),
    (XLSX, &["xlsx"]),
    (PPTX, &["pptx"]),
    ("application/msword", &["doc"]),
    ("application/vnd.ms-excel", &["xls"]),
    ("application/vnd.ms-powerpoint", &["ppt"]),
];

/// The content type of an accepted file, recognised from its content alone: the first bytes,
/// and for office files the container opened and its main part (or stream) found.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"%PDF-") {
        return Some("application/pdf");
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if starts(b"\xFF\xD8\xFF") {
        return Some("image/jpeg");
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Some("image/gif");
    }
    if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Some("image/webp");
    }
    // Phones (iPhones above all) take HEIC photos: an ISO media file whose brand says so.
    if bytes.get(4..8) == Some(b"ftyp") {
        return match bytes.get(8..12) {
            Some(b"heic" | b"heix" | b"mif1" | b"msf1" | b"heif") => Some("image/heic"),
            _ => None,
        };
    }
    if starts(b"PK\x03\x04") {
        return office_open_xml(bytes);
    }
    if starts(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return old_office(bytes);
    }
    None
}

/// A Word, Excel or PowerPoint file of today: a zip with its content types and a main part whose
/// root element is the document, workbook or presentation it says it is.
fn office_open_xml(bytes: &[u8]) -> Option<&'static str> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    zip.by_name("[Content_Types].xml").ok()?;
    for (part, root, content_type) in [
        ("word/document.xml", "document", DOCX),
        ("xl/workbook.xml", "workbook", XLSX),
        ("ppt/presentation.xml", "presentation", PPTX),
    ] {
        let Ok(file) = zip.by_name(part) else { continue };
        let mut head = Vec::new();
        file.take(64 * 1024).read_to_end(&mut head).ok()?;
        return (root_element(&String::from_utf8_lossy(&head)) == Some(root)).then_some(content_type);
    }
    None
}

/// The local name of an XML text's first element (after its declaration and comments).
fn root_element(xml: &str) -> Option<&str> {
    let mut rest = xml;
    loop {
        let start = rest.find('<')?;
        rest = &rest[start + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let name = rest.split(|c: char| c.is_whitespace() || c == '>' || c == '/').next()?;
        return Some(name.rsplit(':').next().unwrap_or(name));
    }
}

/// A Word, Excel or PowerPoint file of old: a compound file holding the format's main stream.
fn old_office(bytes: &[u8]) -> Option<&'static str> {
    let container = cfb::CompoundFile::open(Cursor::new(bytes)).ok()?;
    [
        ("/WordDocument", "application/msword"),
        ("/Workbook", "application/vnd.ms-excel"),
        ("/Book", "application/vnd.ms-excel"),
        ("/PowerPoint Document", "application/vnd.ms-powerpoint"),
    ]
    .into_iter()
    .find(|(stream, _)| container.is_stream(stream))
    .map(|(_, content_type)| content_type)
}

/// The name a file of `content_type` is kept under: `name` when its extension is one the type
/// goes by, else with the type's own extension in place of the one it claimed (a GIF named
/// `evil.html` is kept as `evil.gif`), so no program opens it as what it is not.
pub fn stored_name(name: &str, content_type: &str) -> String {
    let Some((_, extensions)) = EXTENSIONS.iter().find(|(t, _)| *t == content_type) else {
        return name.to_string();
    };
    let (stem, claimed) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, Some(ext.to_ascii_lowercase())),
        _ => (name, None),
    };
    if claimed.as_deref().is_some_and(|e| extensions.contains(&e)) {
        return name.to_string();
    }
    let ext = extensions[0];
    let stem: String = stem.chars().take(NAME_MAX - ext.len() - 1).collect();
    format!("{stem}.{ext}")
}

/// The name a file is kept under: its last path component (browsers on some systems send a full
/// path), without control characters, at most [`NAME_MAX`] characters; "attachment" when nothing is left.
pub fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(NAME_MAX)
        .collect::<String>()
        .trim()
        .to_string();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "attachment".to_string()
    } else {
        cleaned
    }
}

/// A `Content-Disposition` value that always downloads, with the name for every browser (RFC 6266):
/// an ASCII fallback in `filename`, the real name percent-encoded in `filename*`.
pub fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Why nothing was attached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotAttached {
    /// The item is done or cancelled: its evidence is frozen.
    Closed,
    NoFile,
    /// Not a PDF, an image or an Office document, whatever its name says.
    UnknownType,
}

/// Whether browsers show an uploaded file of this type as an image (a thumbnail on the item's
/// page); HEIC photos are downloaded, as most browsers cannot show them.
pub fn shows_as_image(content_type: &str) -> bool {
    matches!(content_type, "image/png" | "image/jpeg" | "image/gif" | "image/webp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_browsers_show_are_thumbnails_and_the_rest_downloads() {
        assert!(shows_as_image("image/jpeg") && shows_as_image("image/png"));
        assert!(!shows_as_image("image/heic") && !shows_as_image("application/pdf"));
    }

    #[test]
    fn files_are_recognised_by_their_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0..JFIF"), Some("image/jpeg"));
        assert_eq!(sniff(b"GIF89a...."), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Some("image/heic"));
        assert_eq!(sniff(b"\0\0\0\x18ftypisom\0\0\0\0"), None);
    }

    fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in parts {
            zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn compound_of(stream: &str) -> Vec<u8> {
        use std::io::Write;
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        file.create_stream(stream)
            .unwrap()
            .write_all(b"\x09\x08 records")
            .unwrap();
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    const TYPES: (&str, &str) = ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>");

    #[test]
    fn office_files_must_open_as_what_they_claim() {
        let docx = zip_of(&[
            TYPES,
            (
                "word/document.xml",
                "<?xml version=\"1.0\"?><w:document xmlns:w=\"x\"/>",
            ),
        ]);
        let xlsx = zip_of(&[
            TYPES,
            (
                "xl/workbook.xml",
                "<!-- Excel --><workbook xmlns=\"x\"><sheets/></workbook>",
            ),
        ]);
        let pptx = zip_of(&[TYPES, ("ppt/presentation.xml", "<p:presentation/>")]);
        assert_eq!(sniff(&docx), Some(DOCX));
        assert_eq!(sniff(&xlsx), Some(XLSX));
        assert_eq!(sniff(&pptx), Some(PPTX));
        // The names in the bytes are not enough: a zip whose "workbook" is something else, one
        // without content types, one that only mentions the part, and a bare zip are refused.
        let fake = zip_of(&[TYPES, ("xl/workbook.xml", "<html><script>alert(1)</script></html>")]);
        assert_eq!(sniff(&fake), None);
        assert_eq!(sniff(&zip_of(&[("xl/workbook.xml", "<workbook/>")])), None);
        assert_eq!(sniff(b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml"), None);
        assert_eq!(sniff(&zip_of(&[("evil.exe", "MZ")])), None);
        // Old formats by the stream the container holds, whatever the name says.
        assert_eq!(sniff(&compound_of("/WordDocument")), Some("application/msword"));
        assert_eq!(sniff(&compound_of("/Workbook")), Some("application/vnd.ms-excel"));
        assert_eq!(
            sniff(&compound_of("/PowerPoint Document")),
            Some("application/vnd.ms-powerpoint")
        );
        assert_eq!(sniff(&compound_of("/Installer")), None);
        assert_eq!(
            sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1...."),
            None,
            "not a compound file"
        );
    }

    #[test]
    fn what_is_not_a_document_is_refused() {
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"MZ\x90\0"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn a_file_is_kept_under_an_extension_its_content_goes_by() {
        assert_eq!(stored_name("evil.html", "image/gif"), "evil.gif");
        assert_eq!(stored_name("现场照片.JPEG", "image/jpeg"), "现场照片.JPEG");
        assert_eq!(stored_name("IMG_0001", "image/jpeg"), "IMG_0001.jpg");
        assert_eq!(stored_name("批复.doc", XLSX), "批复.xlsx");
        assert_eq!(stored_name(".htaccess", "application/pdf"), ".htaccess.pdf");
        assert_eq!(stored_name("台账.xlsx", XLSX), "台账.xlsx");
        let long = format!("{}.exe", "名".repeat(NAME_MAX));
        let kept = stored_name(&long, "application/pdf");
        assert!(kept.ends_with(".pdf") && kept.chars().count() == NAME_MAX);
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\x\\批复.pdf"), "批复.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\r\nb.png"), "ab.png");
        assert_eq!(clean_name("  "), "attachment");
        assert_eq!(clean_name("dir/.."), "attachment");
        assert_eq!(clean_name(&"名".repeat(300)).chars().count(), NAME_MAX);
    }

    #[test]
    fn downloads_carry_an_ascii_name_and_the_real_one_encoded() {
        assert_eq!(
            content_disposition("环评批复 1.pdf"),
            "attachment; filename=\"____ 1.pdf\"; filename*=UTF-8''%E7%8E%AF%E8%AF%84%E6%89%B9%E5%A4%8D%201.pdf"
        );
        let tricky = content_disposition("a\"b\\c;.pdf");
        assert!(tricky.starts_with("attachment; filename=\"a_b_c;.pdf\"; filename*=UTF-8''a%22b%5Cc%3B.pdf"));
    }
}
