//! A file as a download: its bytes with their type and name, never sniffed or cached by the
//! browser (pages and the API alike).

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::domain::evidence;
use crate::error::{AppError, AppResult};

pub fn download(name: &str, content_type: &str, bytes: Vec<u8>) -> AppResult<Response> {
    let disposition =
        HeaderValue::from_str(&evidence::content_disposition(name)).map_err(|e| AppError::Internal(e.into()))?;
    let content_type = HeaderValue::from_str(content_type).map_err(|e| AppError::Internal(e.into()))?;
    let mut response = Body::from(bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}
