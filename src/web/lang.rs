//! The language switch: remembers the choice in a cookie and returns to the page.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

use super::error::AppError;
use super::extract::PageQuery;
use super::login::NextQuery;
use super::redirect::safe_next;
use crate::i18n::Lang;

pub async fn switch(Path(code): Path<String>, PageQuery(q): PageQuery<NextQuery>) -> Result<Response, AppError> {
    let lang = Lang::parse(&code).ok_or(AppError::NotFound)?;
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        Lang::COOKIE,
        lang.code()
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Redirect::to(safe_next(q.next.as_deref())),
    )
        .into_response())
}
