//! Logging in and out.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::AppState;
use super::context::{RequestContext, SESSION_CSRF, SESSION_EPOCH, SESSION_LOGIN_AT, SESSION_USER, idle_expiry};
use super::error::AppResult;
use super::extract::PageQuery;
use super::layout::Layout;
use super::redirect::safe_next;
use super::security_log;
use crate::auth::login::{self, Outcome};
use crate::auth::token;
use crate::domain::names::Username;

/// The password of the demo accounts, shown on the login page of a demo database.
pub const DEMO_PASSWORD: &str = "zhuanban-demo";

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    layout: Layout,
    username: String,
    next: String,
    error: Option<String>,
    demo: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    ctx: RequestContext,
    PageQuery(q): PageQuery<NextQuery>,
) -> AppResult<Response> {
    let next = safe_next(q.next.as_deref());
    if ctx.user.is_some() {
        return Ok(Redirect::to(next).into_response());
    }
    Ok(page(&state, &ctx, String::new(), next.to_string(), None)
        .await?
        .into_response())
}

async fn page(
    state: &AppState,
    ctx: &RequestContext,
    username: String,
    next: String,
    error: Option<String>,
) -> AppResult<LoginPage> {
    let settings = ctx.settings(&state.db).await?;
    let demo = settings.is_demo.then(|| ctx.t().demo_body(DEMO_PASSWORD));
    Ok(LoginPage {
        layout: Layout::new(ctx),
        username,
        next,
        error,
        demo,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: RequestContext,
    session: Session,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let t = ctx.t();
    let next = safe_next(Some(&form.next)).to_string();
    // The form comes back with the username kept (never the password) and the problem named.
    let again = async |status: StatusCode, message: String| -> AppResult<Response> {
        let page = page(&state, &ctx, form.username.clone(), next.clone(), Some(message)).await?;
        Ok((status, page).into_response())
    };
    let Some(username) = Username::parse(&form.username) else {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            t.account.login_username_invalid.into(),
        )
        .await;
    };
    if form.password.is_empty() {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            t.account.login_password_missing.into(),
        )
        .await;
    }
    match login::attempt(&state.db, &username, &form.password, &ctx.address).await? {
        Outcome::Throttled(wait, limit) => {
            security_log::login_throttled(&username, &ctx.address, wait, limit);
            let minutes = wait.as_secs().div_ceil(60).max(1);
            again(StatusCode::TOO_MANY_REQUESTS, t.throttled(minutes)).await
        }
        Outcome::WrongCredentials => {
            security_log::login_failed(&username, &ctx.address);
            again(StatusCode::UNAUTHORIZED, t.account.login_failed.into()).await
        }
        Outcome::Success(user_id, epoch) => {
            security_log::login_succeeded(&username, user_id, &ctx.address);
            let idle = ctx.settings(&state.db).await?.session_idle_minutes;
            // A new session id at login defeats session fixation; a new form token goes with it.
            session.cycle_id().await?;
            session.insert(SESSION_USER, user_id).await?;
            session.insert(SESSION_LOGIN_AT, Utc::now().timestamp()).await?;
            session.insert(SESSION_EPOCH, epoch).await?;
            session.insert(SESSION_CSRF, token::new_csrf_token()).await?;
            session.set_expiry(Some(idle_expiry(idle)));
            Ok(Redirect::to(&next).into_response())
        }
    }
}

/// Ends the session on the server, not just in the browser.
pub async fn logout(ctx: RequestContext, session: Session) -> AppResult<Response> {
    if let Some(user) = &ctx.user {
        security_log::logout(user, &ctx.address);
    }
    session.flush().await?;
    Ok(Redirect::to("/login").into_response())
}
