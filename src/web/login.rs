//! Logging in and out.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::{Expiry, Session};

use super::AppState;
use super::context::{RequestContext, SESSION_CSRF, SESSION_LOGIN_AT, SESSION_USER};
use super::error::AppResult;
use super::layout::Layout;
use super::redirect::safe_next;
use crate::auth::login::{self, Outcome};
use crate::auth::token;
use crate::db::settings;
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
    Query(q): Query<NextQuery>,
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
    let settings = settings::load(&state.db).await?;
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
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
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
        return again(StatusCode::UNPROCESSABLE_ENTITY, t.login_username_invalid.into()).await;
    };
    if form.password.is_empty() {
        return again(StatusCode::UNPROCESSABLE_ENTITY, t.login_password_missing.into()).await;
    }
    let address = client_address(&state, peer, &headers);
    match login::attempt(&state.db, &username, &form.password, &address).await? {
        Outcome::Throttled(wait) => {
            let minutes = wait.as_secs().div_ceil(60).max(1);
            again(StatusCode::TOO_MANY_REQUESTS, t.throttled(minutes)).await
        }
        Outcome::WrongCredentials => again(StatusCode::UNAUTHORIZED, t.login_failed.into()).await,
        Outcome::Success(user_id) => {
            let idle = settings::load(&state.db).await?.session_idle_minutes;
            // A new session id at login defeats session fixation; a new form token goes with it.
            session.cycle_id().await?;
            session.insert(SESSION_USER, user_id).await?;
            session.insert(SESSION_LOGIN_AT, Utc::now().timestamp()).await?;
            session.insert(SESSION_CSRF, token::new_csrf_token()).await?;
            session.set_expiry(Some(Expiry::OnInactivity(
                tower_sessions::cookie::time::Duration::minutes(i64::from(idle)),
            )));
            Ok(Redirect::to(&next).into_response())
        }
    }
}

/// Ends the session on the server, not just in the browser.
pub async fn logout(session: Session) -> AppResult<Response> {
    session.flush().await?;
    Ok(Redirect::to("/login").into_response())
}

/// The client's address: the peer, or behind a trusted proxy the last hop it reports.
fn client_address(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> String {
    if state.config.trust_proxy {
        let forwarded = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty());
        if let Some(addr) = forwarded {
            return addr.to_string();
        }
    }
    peer.ip().to_string()
}
