//! Static files, embedded in the binary so it runs from any folder.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::error::AppError;

const FILES: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../../static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/app.js"),
    ),
];

pub async fn file(Path(name): Path<String>) -> Result<Response, AppError> {
    let (_, content_type, body) = FILES.iter().find(|(n, _, _)| *n == name).ok_or(AppError::NotFound)?;
    // Links carry ?v=<version>, so a day of caching never serves a stale file after an upgrade.
    Ok((
        [
            (header::CONTENT_TYPE, *content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        *body,
    )
        .into_response())
}
