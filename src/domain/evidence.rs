//! Evidence attached to an item: which files are accepted (decided by their content, never by the
//! name or the type the browser claims), and how a file's name is kept and handed back safely.

/// Largest attachment accepted, in bytes (10 MB).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// Longest file name kept, in characters.
pub const NAME_MAX: usize = 255;

/// The content type of an accepted file, recognised from its first bytes (and, for office files,
/// from the parts the container holds). `name` only tells apart the old Word and Excel formats,
/// which share one container.
pub fn sniff(bytes: &[u8], name: &str) -> Option<&'static str> {
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
        // An OOXML package names its main part in the zip directory, stored uncompressed.
        if contains(bytes, b"word/document") {
            return Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        }
        if contains(bytes, b"xl/workbook") {
            return Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        }
        if contains(bytes, b"ppt/presentation") {
            return Some("application/vnd.openxmlformats-officedocument.presentationml.presentation");
        }
        return None;
    }
    if starts(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        return match ext.as_deref() {
            Some("doc") => Some("application/msword"),
            Some("xls") => Some("application/vnd.ms-excel"),
            Some("ppt") => Some("application/vnd.ms-powerpoint"),
            _ => None,
        };
    }
    None
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_their_content() {
        assert_eq!(sniff(b"%PDF-1.7\n...", "x.jpg"), Some("application/pdf"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....", "a.pdf"), Some("image/png"));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0..JFIF", "photo"), Some("image/jpeg"));
        assert_eq!(sniff(b"GIF89a....", "a.gif"), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 ", "a.webp"), Some("image/webp"));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0", "IMG_1.HEIC"), Some("image/heic"));
        assert_eq!(sniff(b"\0\0\0\x18ftypisom\0\0\0\0", "clip.mp4"), None);
    }

    #[test]
    fn office_files_are_told_apart_by_their_parts_or_old_names() {
        let docx = b"PK\x03\x04....[Content_Types].xml....word/document.xml";
        let xlsx = b"PK\x03\x04....xl/workbook.xml";
        assert!(sniff(docx, "a.xlsx").unwrap().contains("wordprocessingml"));
        assert!(sniff(xlsx, "a").unwrap().contains("spreadsheetml"));
        assert_eq!(
            sniff(b"PK\x03\x04....evil.exe", "a.docx"),
            None,
            "a bare zip is refused"
        );
        let ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1....";
        assert_eq!(sniff(ole, "批复.DOC"), Some("application/msword"));
        assert_eq!(sniff(ole, "台账.xls"), Some("application/vnd.ms-excel"));
        assert_eq!(sniff(ole, "a.msi"), None);
    }

    #[test]
    fn what_is_not_a_document_is_refused_whatever_its_name() {
        assert_eq!(sniff(b"<html><script>", "a.pdf"), None);
        assert_eq!(sniff(b"MZ\x90\0", "a.png"), None);
        assert_eq!(sniff(b"", "a.pdf"), None);
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
