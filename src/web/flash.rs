//! Flash messages: a page form that changed something says so on the page it leads to, once, in
//! the reader's language. The form's handler leaves a [`Flash`] in the session with
//! [`redirect`]; the next page shown (a GET answered with a page) says it and takes it away.

use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::error::AppResult;
use crate::domain::done::{Done, Flash};

pub const SESSION_FLASH: &str = "flash";

/// Redirects to `to`, where `flash` is said.
pub async fn redirect(session: &Session, to: &str, flash: Flash) -> AppResult<Response> {
    session.insert(SESSION_FLASH, flash).await?;
    Ok(Redirect::to(to).into_response())
}

/// Redirects to `to`, saying that one thing was `done`.
pub async fn done(session: &Session, to: &str, done: Done) -> AppResult<Response> {
    redirect(session, to, Flash::one(done)).await
}
