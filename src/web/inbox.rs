//! The inbox behind the bell: the signed-in user's notifications, newest first, each leading to
//! its object; marking read; and the preferences that choose which kinds reach the user.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{Redirect, Response};

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::{IdPath, PageParam, PageQuery};
use super::flash;
use super::form::Fields;
use super::layout::Layout;
use crate::auth::CurrentUser;
use crate::db::notifications::{self, Notification};
use crate::domain::done::Done;
use crate::domain::notification::EventKind;
use crate::domain::role::Role;
use tower_sessions::Session;

const PAGE_SIZE: i64 = 50;

pub struct Entry {
    pub id: uuid::Uuid,
    pub kind: &'static str,
    pub text: String,
    pub href: Option<String>,
    pub at: String,
    pub read: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "inbox/list.html")]
pub struct InboxPage {
    layout: Layout,
    entries: Vec<Entry>,
    page: i64,
    pages: i64,
    total: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    PageQuery(q): PageQuery<PageParam>,
) -> AppResult<InboxPage> {
    let page = q.number();
    let (rows, total) = notifications::inbox(&state.db, user.id, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    let tz = ctx.settings(&state.db).await?.tz();
    let t = ctx.t();
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let href = |to: i64| format!("/inbox?page={to}");
    Ok(InboxPage {
        layout: Layout::new(&ctx),
        entries: rows
            .iter()
            .map(|n: &Notification| Entry {
                id: n.id,
                kind: t.event_kind(n.kind),
                text: t.event_text(&n.facts()),
                href: n.href(),
                at: n.created_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
                read: n.read,
            })
            .collect(),
        page,
        pages,
        total,
        prev_href: (page > 1).then(|| href(page - 1)),
        next_href: (page < pages).then(|| href(page + 1)),
    })
}

/// Marks one entry read and goes where it leads (or back to the inbox).
pub async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Redirect> {
    if !notifications::mark_read(&state.db, user.id, id).await? {
        return Err(AppError::NotFound);
    }
    let next = fields.get("next");
    let to = if next.is_empty() {
        "/inbox"
    } else {
        super::redirect::safe_next(Some(&next))
    };
    Ok(Redirect::to(to))
}

pub async fn read_all(State(state): State<AppState>, user: CurrentUser) -> AppResult<Redirect> {
    notifications::mark_all_read(&state.db, user.id).await?;
    Ok(Redirect::to("/inbox"))
}

/// The kinds a role can receive at all: investors only their company's.
fn kinds_for(role: Role) -> Vec<EventKind> {
    EventKind::ALL
        .into_iter()
        .filter(|k| (role == Role::Investor) == k.for_investors())
        .collect()
}

pub struct Choice {
    pub kind: &'static str,
    pub label: &'static str,
    pub on: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "inbox/preferences.html")]
pub struct PreferencesPage {
    layout: Layout,
    choices: Vec<Choice>,
}

pub async fn preferences(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
) -> AppResult<PreferencesPage> {
    let muted = notifications::muted(&state.db, user.id).await?;
    let t = ctx.t();
    Ok(PreferencesPage {
        layout: Layout::new(&ctx),
        choices: kinds_for(user.role)
            .into_iter()
            .map(|k| Choice {
                kind: k.as_str(),
                label: t.event_kind(k),
                on: !muted.contains(&k),
            })
            .collect(),
    })
}

/// Stores the choice: every kind the role can receive and that is not ticked is turned off.
pub async fn save_preferences(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    fields: Fields,
) -> AppResult<Response> {
    let on: Vec<EventKind> = fields.all("kind").iter().filter_map(|k| EventKind::parse(k)).collect();
    let off: Vec<EventKind> = kinds_for(user.role).into_iter().filter(|k| !on.contains(k)).collect();
    notifications::set_muted(&state.db, user.id, &off).await?;
    flash::done(&session, "/inbox/preferences", Done::PreferencesSaved).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn investors_choose_only_among_their_companys_events() {
        let investor = kinds_for(Role::Investor);
        assert!(investor.iter().all(|k| k.for_investors()));
        assert!(investor.contains(&EventKind::RequestDeclined));
        let member = kinds_for(Role::Member);
        assert!(member.contains(&EventKind::ItemYellow));
        assert!(!member.contains(&EventKind::RequestAccepted));
    }
}
