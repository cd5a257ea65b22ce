//! Extractors that turn malformed input into the right answer: a malformed id is a 404, never a 400 or 500.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::context::RequestContext;
use super::error::AppError;
use crate::domain::access::CurrentUser;

/// The signed-in user, as the context middleware loaded it; none is a login redirect (or 401).
impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestContext>()
            .and_then(|ctx| ctx.user.clone())
            .ok_or(AppError::LoginRequired)
    }
}

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

/// A page's query string, read leniently: a parameter given twice counts once (its first value),
/// as pages treat any parameter they cannot use, rather than a 400. The parameters' own values
/// are the page's to judge (they are text).
pub struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        let mut seen: Vec<(String, String)> = Vec::new();
        for (k, v) in serde_urlencoded::from_str::<Vec<(String, String)>>(query).unwrap_or_default() {
            if !seen.iter().any(|(s, _)| *s == k) {
                seen.push((k, v));
            }
        }
        let first = serde_urlencoded::to_string(&seen).map_err(|_| AppError::BadRequest)?;
        serde_urlencoded::from_str(&first)
            .map(PageQuery)
            .map_err(|_| AppError::BadRequest)
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
