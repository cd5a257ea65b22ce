//! The request middleware: it identifies who is asking (session or API token) into the
//! [`RequestContext`], checks CSRF tokens, logs what security needs, and renders every error
//! response, so all error pages share the layout and every `/api` error has a JSON body.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde_json::json;
use tower_sessions::Session;
use uuid::Uuid;

use super::AppState;
use super::context::{
    RequestContext, SESSION_CSRF, SESSION_EPOCH, SESSION_LOGIN_AT, SESSION_USER, idle_expiry, urlencode,
};
use super::error::{AppError, ErrorKind};
use super::flash::SESSION_FLASH;
use super::layout::ErrorPage;
use super::once::{self, FormKey};
use super::security_log;
use crate::auth::{self, token};
use crate::config::Config;
use crate::db::users;
use crate::domain::done::Flash;
use crate::i18n::Lang;

pub async fn middleware(State(state): State<AppState>, session: Session, mut req: Request, next: Next) -> Response {
    let lang = lang_from_cookies(req.headers());
    let path = req.uri().path_and_query().map_or("/", |p| p.as_str()).to_string();
    let is_api = req.uri().path().starts_with("/api/");
    let method = req.method().clone();
    let address = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| client_address(&state.config, *peer, req.headers()))
        .unwrap_or_default();
    let mut ctx = RequestContext {
        user: None,
        lang,
        csrf_token: String::new(),
        via_api_token: false,
        path,
        address,
        unread: 0,
        todo: 0,
        flash: None,
        basis: None,
    };
    let shows_page = method == Method::GET && !is_api;
    let mints = !(method == Method::GET && WITHOUT_FORMS.contains(&req.uri().path()));
    let response = match identify(&state, &session, req.headers(), mints, &mut ctx).await {
        Ok(()) => {
            if shows_page && !ctx.csrf_token.is_empty() {
                ctx.flash = session.get::<Flash>(SESSION_FLASH).await.ok().flatten();
            }
            match waiting(&state, &ctx, shows_page).await {
                Ok(n) => {
                    ctx.todo = n;
                    req.extensions_mut().insert(ctx.clone());
                    next.run(req).await
                }
                Err(e) => e.into_response(),
            }
        }
        Err(e) => e.into_response(),
    };
    // Said once: taken away when a page showed it (not when the answer was another redirect).
    let shown = response.status() == StatusCode::OK
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if ctx.flash.is_some() && shown {
        session.remove::<Flash>(SESSION_FLASH).await.ok();
    }
    security_log::response(&ctx, &method, &response);
    finish(&ctx, is_api, response).await
}

/// What waits for the signed-in user, for the navigation of a page (0 for other answers).
async fn waiting(state: &AppState, ctx: &RequestContext, shows_page: bool) -> Result<i64, AppError> {
    match (&ctx.user, &ctx.basis) {
        (Some(user), Some(basis)) if shows_page && !ctx.via_api_token => {
            crate::app::todo::waiting(&state.db, &state.todo, &basis.settings, Some(&basis.seen), user).await
        }
        _ => Ok(0),
    }
}

/// The client's address: the peer, or behind a trusted proxy the last hop it reports.
pub fn client_address(config: &Config, peer: SocketAddr, headers: &HeaderMap) -> String {
    if config.trust_proxy {
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

/// The pages that show no form to a visitor who is not signed in. Such a visit starts no session:
/// it would write a row for every visit without a cookie, and put a cookie on an answer that
/// shared caches keep.
const WITHOUT_FORMS: [&str; 2] = ["/public", "/public/screen"];

/// Who is asking, into `ctx`; a session without a form token gets one when `mints`.
async fn identify(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    mints: bool,
    ctx: &mut RequestContext,
) -> Result<(), AppError> {
    if let Some(bearer) = bearer_token(headers) {
        let found = users::by_api_token(&state.db, &token::api_token_hash(bearer)).await?;
        let found = found.ok_or(AppError::LoginRequired)?;
        ctx.via_api_token = true;
        ctx.user = Some(found.user);
        ctx.basis = Some(Arc::new(found.basis));
        return Ok(());
    }
    ctx.csrf_token = match session.get::<String>(SESSION_CSRF).await? {
        Some(t) => t,
        None if !mints => String::new(),
        None => {
            let t = token::new_csrf_token();
            session.insert(SESSION_CSRF, &t).await?;
            t
        }
    };
    let Some(user_id) = session.get::<Uuid>(SESSION_USER).await? else {
        return Ok(());
    };
    let login_at = session.get::<i64>(SESSION_LOGIN_AT).await?.unwrap_or(0);
    let epoch = session.get::<i32>(SESSION_EPOCH).await?.unwrap_or(0);
    let session_id = session.id().map(|id| id.to_string()).unwrap_or_default();
    let now = Utc::now();
    match users::session_user(&state.db, user_id, &session_id).await? {
        Some(s)
            if auth::session::within_lifetime(
                login_at,
                now.timestamp(),
                s.session_max_hours,
                epoch,
                s.session_epoch,
            ) =>
        {
            let idle = s.basis.settings.session_idle_minutes;
            if auth::session::idle_refresh_due(s.session_expires_at, now, idle) {
                // Written when the response leaves, with the cookie's new lifetime.
                session.set_expiry(Some(idle_expiry(idle)));
            }
            ctx.user = Some(s.user);
            ctx.unread = s.unread;
            ctx.basis = Some(Arc::new(s.basis));
        }
        _ => {
            session.flush().await?;
            ctx.csrf_token.clear();
        }
    }
    Ok(())
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn lang_from_cookies(headers: &HeaderMap) -> Lang {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == Lang::COOKIE)
        .and_then(|(_, value)| Lang::parse(value))
        .unwrap_or(Lang::Zh)
}

/// The field a JSON body's "unknown field `name`" error names.
fn unknown_field(message: &str) -> Option<&str> {
    let rest = &message[message.find("unknown field `")? + "unknown field `".len()..];
    Some(&rest[..rest.find('`')?])
}

/// Gives every error response a body: the error page in the layout, a login redirect, or JSON.
async fn finish(ctx: &RequestContext, is_api: bool, response: Response) -> Response {
    let status = response.status();
    if status.as_u16() < 400 {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let kind = response.extensions().get::<ErrorKind>().cloned();
    let t = ctx.t();
    if is_api {
        if content_type.starts_with("application/json") {
            return response;
        }
        if let Some(ErrorKind::Violated { field, problem }) = &kind {
            let code = if status == StatusCode::CONFLICT {
                "conflict"
            } else {
                "validation"
            };
            let body = json!({
                "error": code,
                "message": t.field_problem(field, *problem),
                "fields": { field.as_str(): t.problem(*problem) },
            });
            return (status, axum::Json(body)).into_response();
        }
        // Keep what axum said about a malformed request: it names the field.
        let detail = axum::body::to_bytes(response.into_body(), 16 * 1024)
            .await
            .unwrap_or_default();
        let detail = String::from_utf8_lossy(&detail).trim().to_string();
        let message = if kind == Some(ErrorKind::Csrf) {
            t.error_csrf.to_string()
        } else if kind == Some(ErrorKind::StillRunning) {
            t.error_still_running.to_string()
        } else if detail.is_empty() {
            t.error(status.as_u16()).1.to_string()
        } else {
            detail
        };
        // A field the body should not have (serde names it between backquotes) is named as a
        // validation error is.
        if let Some(field) = unknown_field(&message) {
            let body = json!({ "error": "validation", "message": message, "fields": { field: t.api_unknown_field } });
            return (status, axum::Json(body)).into_response();
        }
        let code = status
            .canonical_reason()
            .unwrap_or("error")
            .to_lowercase()
            .replace(' ', "_");
        return (status, axum::Json(json!({ "error": code, "message": message }))).into_response();
    }
    if content_type.starts_with("text/html") {
        return response;
    }
    if status == StatusCode::UNAUTHORIZED {
        let next = if ctx.path.starts_with("/logout") {
            "/"
        } else {
            ctx.path.as_str()
        };
        let target = format!("/login?next={}", urlencode(next));
        return Redirect::to(&target).into_response();
    }
    // How long to wait before asking again stays with the page that says so.
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let (title, message) = t.error(status.as_u16());
    let message = match &kind {
        Some(ErrorKind::Csrf) => t.error_csrf.to_string(),
        Some(ErrorKind::StillRunning) => t.error_still_running.to_string(),
        Some(ErrorKind::Violated { field, problem }) => t.field_problem(field, *problem),
        _ => message.to_string(),
    };
    let page = ErrorPage::new(ctx, status.as_u16(), title, message);
    let mut out = page.into_response();
    *out.status_mut() = status;
    if let Some(wait) = retry_after {
        out.headers_mut().insert(header::RETRY_AFTER, wait);
    }
    out
}

/// Rejects state-changing requests without the session's CSRF token. API-token requests carry no
/// cookie and JSON bodies to the API cannot be sent cross-site without a CORS preflight, so those
/// pass; the origin check of `tower_http::csrf` runs before this for everything.
pub async fn require_csrf_token(ctx: RequestContext, req: Request, next: Next) -> Result<Response, AppError> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) || ctx.via_api_token {
        return Ok(next.run(req).await);
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    // JSON needs a CORS preflight to be sent cross-site, so the API's session clients send no
    // token; form routes take forms only, and JSON sent to them is checked as a form would be.
    if content_type.starts_with("application/json") && ctx.path.starts_with("/api/") {
        return Ok(next.run(req).await);
    }
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let multipart = content_type.starts_with("multipart/form-data");
    // Uploads are read whole here, once, within their own limit; everything else within the forms' one.
    let limit = if multipart {
        super::upload::UPLOAD_BODY_LIMIT
    } else {
        super::BODY_LIMIT
    };
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| AppError::TooLarge)?;
    let (form_token, key) = if content_type.starts_with("application/x-www-form-urlencoded") {
        let pairs = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).unwrap_or_default();
        let field = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        (field("csrf_token"), field(once::FIELD))
    } else if multipart {
        multipart_fields(&parts.headers, bytes.clone()).await
    } else {
        (None, None)
    };
    let given = form_token.or(header_token).unwrap_or_default();
    if ctx.csrf_token.is_empty() || !token::same_secret(&given, &ctx.csrf_token) {
        return Err(AppError::Csrf);
    }
    let mut req = Request::from_parts(parts, Body::from(bytes));
    if let Some(key) = key.as_deref().and_then(FormKey::parse) {
        req.extensions_mut().insert(key);
    }
    Ok(next.run(req).await)
}

/// The `csrf_token` and form key fields of a buffered multipart form (the upload forms put them
/// first).
async fn multipart_fields(headers: &HeaderMap, bytes: axum::body::Bytes) -> (Option<String>, Option<String>) {
    let Some(boundary) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok())
    else {
        return (None, None);
    };
    let mut form = multer::Multipart::new(Body::from(bytes).into_data_stream(), boundary);
    let (mut token, mut key) = (None, None);
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("csrf_token") => token = field.text().await.ok(),
            Some(once::FIELD) => key = field.text().await.ok(),
            _ => break,
        }
    }
    (token, key)
}
