//! Notices (红黄色通报): publish, list (by week and project), and the printable page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::{IdPath, PageQuery};
use super::form::Fields;
use super::layout::Layout;
use crate::app;
use crate::auth::{CurrentUser, policy};
use crate::db::notices::{self, Notice};
use crate::db::projects;
use crate::domain::ranking;
use crate::domain::{input, meeting};
use crate::links;

#[derive(Default, Deserialize)]
pub struct ListParams {
    week: Option<String>,
    project: Option<String>,
}

pub struct NoticeRow {
    pub id: Uuid,
    pub number: String,
    pub title: String,
    pub as_of: NaiveDate,
    pub red: usize,
    pub yellow: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "notices/list.html")]
pub struct ListPage {
    layout: Layout,
    rows: Vec<NoticeRow>,
    week: String,
    project: String,
    projects: Vec<(Uuid, String)>,
    can_publish: bool,
    /// Why the last publication was refused.
    publish_errors: Vec<String>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    PageQuery(q): PageQuery<ListParams>,
) -> AppResult<ListPage> {
    list_page(&state, &ctx, &user, q).await
}

async fn list_page(state: &AppState, ctx: &RequestContext, user: &CurrentUser, q: ListParams) -> AppResult<ListPage> {
    let (all, unit) = app::notices::reader(user).map_err(|_| AppError::Forbidden)?;
    let t = ctx.t();
    let day = q.week.as_deref().and_then(|w| input::optional_date(w).ok().flatten());
    let week = day.map(|d| {
        let (monday, _) = ranking::last_week(d + chrono::Duration::days(7));
        (monday, monday + chrono::Duration::days(6))
    });
    let project = q.project.as_deref().and_then(|p| Uuid::parse_str(p.trim()).ok());
    let found = notices::list(&state.db, all, unit, week, project).await?;
    Ok(ListPage {
        layout: Layout::new(ctx),
        rows: found
            .iter()
            .map(|n| NoticeRow {
                id: n.id,
                number: t.notice_no(n.year, n.number),
                title: n.title.clone(),
                as_of: n.as_of,
                red: n.content.red_items.len(),
                yellow: n.content.yellow_items.len(),
            })
            .collect(),
        week: day.map(|d| d.to_string()).unwrap_or_default(),
        project: project.map(|p| p.to_string()).unwrap_or_default(),
        projects: projects::names(&state.db, policy::project_scope(user)).await?,
        can_publish: policy::may_manage_projects(user),
        publish_errors: Vec::new(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "notices/show.html")]
pub struct NoticePage {
    layout: Layout,
    notice: Notice,
    number: String,
    heading: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<NoticePage> {
    let (all, unit) = app::notices::reader(&user)?;
    let notice = notices::get(&state.db, id, unit, all)
        .await?
        .ok_or(AppError::NotFound)?;
    let t = ctx.t();
    Ok(NoticePage {
        number: t.notice_no(notice.year, notice.number),
        heading: t.notice_title(&notice.content.county),
        layout: Layout::new(&ctx),
        notice,
    })
}

/// Publishes this week's notice over every project.
pub async fn publish_week(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    fields: Fields,
) -> AppResult<Response> {
    if !policy::may_manage_projects(&user) {
        return Err(AppError::Forbidden);
    }
    let settings = ctx.settings(&state.db).await?;
    let default_title = ctx.t().notice_title(&settings.county_name);
    let (title, body) = match meeting::notice_text(&fields.get("title"), &fields.get("body")) {
        Ok(text) => text,
        Err(e) => {
            let mut page = list_page(&state, &ctx, &user, ListParams::default()).await?;
            page.publish_errors = e.0.iter().map(|(f, p)| ctx.t().field_problem(f, *p)).collect();
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let title = title.unwrap_or(default_title);
    let all: Vec<Uuid> = projects::names(&state.db, policy::ProjectScope::All)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let id = app::notices::publish(&state.db, &user, &all, None, &title, body.as_deref()).await?;
    Ok(Redirect::to(&links::notice(id)).into_response())
}
