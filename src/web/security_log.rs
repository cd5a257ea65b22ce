//! The security log (OWASP ASVS 7.1, 7.2): logins, refused authorizations and rejected input,
//! each with the user, the client address and (from the log line) the time, under the target
//! `security` so operators can route them apart. Never a password, a token or a cookie: only
//! names and ids, and user-typed values only through `Debug` so they cannot forge log lines.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use axum::response::Response;
use uuid::Uuid;

use super::context::RequestContext;
use super::error::ErrorKind;
use crate::auth::CurrentUser;
use crate::domain::names::Username;
use crate::domain::throttle::Limit;

pub fn login_succeeded(username: &Username, user_id: Uuid, address: &str) {
    tracing::info!(target: "security", event = "login_succeeded", username = ?username.as_str(), %user_id, address, "login succeeded");
}

pub fn login_failed(username: &Username, address: &str) {
    tracing::warn!(target: "security", event = "login_failed", username = ?username.as_str(), address, "login failed");
}

pub fn login_throttled(username: &Username, address: &str, wait: Duration, limit: Limit) {
    tracing::warn!(target: "security", event = "login_throttled", username = ?username.as_str(), address, wait_secs = wait.as_secs(), limit = limit.as_str(), "login refused: too many failures");
}

pub fn logout(user: &CurrentUser, address: &str) {
    tracing::info!(target: "security", event = "logout", username = ?user.username, user_id = %user.id, address, "logout");
}

pub fn password_changed(user: &CurrentUser, address: &str, ended_other_sessions: bool) {
    tracing::info!(target: "security", event = "password_changed", username = ?user.username, user_id = %user.id, address, ended_other_sessions, "password changed");
}

pub fn password_change_refused(user: &CurrentUser, address: &str) {
    tracing::warn!(target: "security", event = "password_change_refused", username = ?user.username, user_id = %user.id, address, "password change refused: wrong current password");
}

/// Logs a refused or rejected request from its final status: 401 and 403 (a CSRF refusal
/// included) are refused authorizations; 400, 413, 415 and 422 are rejected input.
pub fn response(ctx: &RequestContext, method: &Method, response: &Response) {
    let status = response.status();
    let event = match status {
        StatusCode::FORBIDDEN if response.extensions().get::<ErrorKind>() == Some(&ErrorKind::Csrf) => "csrf_refused",
        // A wrong password at the login form is logged as a failed login already.
        StatusCode::UNAUTHORIZED if ctx.path.starts_with("/login") => return,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => "access_refused",
        StatusCode::BAD_REQUEST
        | StatusCode::PAYLOAD_TOO_LARGE
        | StatusCode::UNSUPPORTED_MEDIA_TYPE
        | StatusCode::UNPROCESSABLE_ENTITY => "input_rejected",
        _ => return,
    };
    let (username, user_id) = match &ctx.user {
        Some(u) => (u.username.as_str(), u.id.to_string()),
        None => ("", String::new()),
    };
    // Only the path: query strings may carry what people typed into a search box.
    let path = ctx.path.split('?').next().unwrap_or_default();
    tracing::warn!(
        target: "security",
        event,
        status = status.as_u16(),
        %method,
        path = ?path,
        username = ?username,
        user_id,
        address = ctx.address,
        via_api_token = ctx.via_api_token,
        "request refused"
    );
}
