//! Reading a `multipart/form-data` upload: one file in the field `file` (bounded while it is read,
//! never buffered past the limit) and the small text fields around it.

use axum::extract::Multipart;
use axum::http::StatusCode;

use super::error::AppError;
use super::form::checked;
use crate::domain::evidence::MAX_ATTACHMENT_BYTES;

/// The largest upload body: one file at the limit plus the form's other fields and multipart framing.
pub const UPLOAD_BODY_LIMIT: usize = MAX_ATTACHMENT_BYTES + 256 * 1024;

/// What a multipart form sent.
#[derive(Default)]
pub struct Upload {
    /// The file's name as the browser gave it, and its bytes; `None` when no file was chosen.
    pub file: Option<(String, Vec<u8>)>,
    pub fields: Vec<(String, String)>,
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// A checkbox (see [`checked`]).
    pub fn flag(&self, name: &str) -> bool {
        checked(self.field(name))
    }
}

/// Reads the form; a file over `max` bytes is refused with 413 as soon as it is seen to be.
pub async fn read(mut multipart: Multipart, max: usize) -> Result<Upload, AppError> {
    let mut upload = Upload::default();
    while let Some(mut field) = multipart.next_field().await.map_err(rejection)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(rejection)? {
                if bytes.len() + chunk.len() > max {
                    return Err(AppError::TooLarge);
                }
                bytes.extend_from_slice(&chunk);
            }
            // A form sent without choosing a file has an empty, nameless file part.
            if !(bytes.is_empty() && file_name.is_empty()) {
                upload.file = Some((file_name, bytes));
            }
        } else {
            let text = field.text().await.map_err(rejection)?;
            upload.fields.push((name, text));
        }
    }
    Ok(upload)
}

fn rejection(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge
    } else {
        AppError::BadRequest
    }
}
