//! Extractors that turn malformed input into the right answer: a malformed id is a 404, never a 400 or 500.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::Deserialize;
use uuid::Uuid;

use super::error::AppError;

/// The `{id}` of a URL such as `/projects/{id}`.
pub struct IdPath(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        Uuid::parse_str(&raw).map(IdPath).map_err(|_| AppError::NotFound)
    }
}

/// `?page=N` of a long list: anything unreadable is the first page.
#[derive(Deserialize)]
pub struct PageParam {
    page: Option<String>,
}

impl PageParam {
    /// The page asked for, from 1.
    pub fn number(&self) -> i64 {
        self.page
            .as_deref()
            .and_then(|p| p.trim().parse::<i64>().ok())
            .unwrap_or(1)
            .clamp(1, 100_000)
    }
}
