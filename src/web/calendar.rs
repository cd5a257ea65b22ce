//! The personal calendar feed (iCalendar): the user's meetings and their unit's deadlines, at a
//! secret URL that phones subscribe to; renewing or revoking it ends the old URL.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::flash;
use super::layout::Layout;
use crate::auth::{CurrentUser, policy, token};
use crate::db::{calendar, meetings, projects, settings};
use crate::domain::done::Done;
use crate::domain::ical::{self, Event, When};
use crate::links;
use tower_sessions::Session;

#[derive(Template, WebTemplate)]
#[template(path = "calendar.html")]
pub struct CalendarPage {
    layout: Layout,
    since: Option<String>,
    /// The new URL, shown once right after it is made.
    url: Option<String>,
}

/// The address the pages are served at: `ZHUANBAN_PUBLIC_URL`, else the host the request reached
/// us by (phones and calendar apps need whole addresses).
fn base(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    let scheme = if state.config.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}")
}

fn require_internal(user: &CurrentUser) -> AppResult<()> {
    if policy::sees_internal(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn show(State(state): State<AppState>, ctx: RequestContext, user: CurrentUser) -> AppResult<CalendarPage> {
    require_internal(&user)?;
    let tz = settings::load(&state.db).await?.tz();
    let since = calendar::created(&state.db, user.id)
        .await?
        .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string());
    Ok(CalendarPage {
        layout: Layout::new(&ctx),
        since,
        url: None,
    })
}

/// Makes a new secret URL (the old one stops working) and shows it once.
pub async fn renew(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    headers: HeaderMap,
) -> AppResult<CalendarPage> {
    require_internal(&user)?;
    let secret = token::new_csrf_token();
    calendar::renew(&state.db, user.id, &token::api_token_hash(&secret)).await?;
    let url = format!("{}/ics/{secret}.ics", base(&state, &headers));
    Ok(CalendarPage {
        layout: Layout::new(&ctx),
        since: None,
        url: Some(url),
    })
}

pub async fn revoke(State(state): State<AppState>, user: CurrentUser, session: Session) -> AppResult<Response> {
    require_internal(&user)?;
    calendar::revoke(&state.db, user.id).await?;
    flash::done(&session, "/calendar", Done::FeedRevoked).await
}

/// How far back and ahead the feed reaches.
const PAST_DAYS: i64 = 30;
const AHEAD_DAYS: i64 = 180;

/// The feed itself: no session, the secret in the URL is the key.
pub async fn feed(State(state): State<AppState>, headers: HeaderMap, Path(file): Path<String>) -> AppResult<Response> {
    let secret = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let user = calendar::owner(&state.db, &token::api_token_hash(secret))
        .await?
        .ok_or(AppError::NotFound)?;
    let scope = policy::project_scope(&user);
    let visible: Vec<uuid::Uuid> = projects::names(&state.db, scope)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let now = Utc::now();
    let base = base(&state, &headers);
    // Calendars are the county's: in its language.
    let t = crate::i18n::Lang::Zh.catalog();
    let mut events: Vec<Event> = meetings::list(&state.db, Some(&visible), 500)
        .await?
        .into_iter()
        .filter(|m| m.starts_at > now - Duration::days(PAST_DAYS) && m.starts_at < now + Duration::days(AHEAD_DAYS))
        .map(|m| Event {
            uid: format!("meeting-{}@zhuanban", m.id),
            when: When::At(m.starts_at, m.starts_at + Duration::hours(2)),
            description: Some(t.calendar_meeting(t.meeting_kind(&m.kind), m.chair_name.as_deref())),
            url: Some(format!("{base}{}", links::meeting(m.id))),
            summary: m.title,
            location: m.place,
        })
        .collect();
    if let Some(unit) = user.unit_id {
        events.extend(
            calendar::unit_deadlines(&state.db, unit)
                .await?
                .into_iter()
                .map(|d| Event {
                    uid: format!("item-{}@zhuanban", d.id),
                    when: When::Day(d.deadline),
                    description: Some(t.calendar_deadline(&d.project_name, &d.title, &d.deadline)),
                    url: Some(format!("{base}{}", links::item(d.id))),
                    summary: format!("{} · {}", d.title, d.project_name),
                    location: None,
                }),
        );
    }
    let body = ical::calendar("项目专班", now, &events);
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        body,
    )
        .into_response())
}
