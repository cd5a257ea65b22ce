//! Notices (红黄色通报): publish, list (by week and project), and the printable page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::{IdPath, PageQuery};
use super::flash;
use super::form::Fields;
use super::layout::Layout;
use crate::app;
use crate::app::notices::Outcome;
use crate::auth::{CurrentUser, policy};
use crate::db::notices::{self, Notice, NoticeContent};
use crate::db::projects;
use crate::domain::done::Done;
use crate::domain::input;
use crate::domain::ranking;
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

/// The form that confirms a previewed notice: what was typed, and the preview's digest.
pub struct Confirm {
    pub action: String,
    pub back: String,
    pub title: String,
    pub body: String,
    pub reissue: bool,
    pub reason: String,
    pub digest: String,
    /// The content changed since the preview that was confirmed: this is the new one.
    pub stale: bool,
}

/// A notice as a document: published, or previewed before it is (then with its [`Confirm`]).
#[derive(Template, WebTemplate)]
#[template(path = "notices/show.html")]
pub struct NoticePage {
    layout: Layout,
    /// `None` while previewed.
    id: Option<Uuid>,
    number: String,
    heading: String,
    title: String,
    body: Option<String>,
    content: NoticeContent,
    meeting: Option<Uuid>,
    /// The notice this one corrects (its id and number) and why.
    corrects: Option<(Uuid, String, String)>,
    /// The correction that replaced this one: its id and number.
    superseded_by: Option<(Uuid, String)>,
    /// The day at its foot, beside the issuing office: the day it was published.
    issued_on: NaiveDate,
    confirm: Option<Confirm>,
}

impl NoticePage {
    /// A notice not yet published, with the form that publishes it; `meeting` when it is that
    /// meeting's notice.
    pub fn preview(
        ctx: &RequestContext,
        (title, body): (String, Option<String>),
        meeting: Option<Uuid>,
        content: NoticeContent,
        confirm: Confirm,
    ) -> NoticePage {
        let t = ctx.t();
        NoticePage {
            layout: Layout::new(ctx),
            id: None,
            number: t.meetings.notice_preview.to_string(),
            heading: t.notice_title(&content.county),
            title,
            body,
            issued_on: content.as_of,
            meeting,
            corrects: None,
            superseded_by: None,
            content,
            confirm: Some(confirm),
        }
    }
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
    let tz = ctx.settings(&state.db).await?.tz();
    // The notices it corrects and that correct it are the same meeting's: whoever reads one reads them.
    let number_of = |n: &Notice| t.notice_no(n.year, n.number);
    let corrects = match (notice.corrects, &notice.correction_reason) {
        (Some(c), Some(reason)) => notices::get(&state.db, c, None, true)
            .await?
            .map(|n| (n.id, number_of(&n), reason.clone())),
        _ => None,
    };
    let superseded_by = match notice.superseded_by {
        Some(s) => notices::get(&state.db, s, None, true)
            .await?
            .map(|n| (n.id, number_of(&n))),
        None => None,
    };
    Ok(NoticePage {
        layout: Layout::new(&ctx),
        id: Some(notice.id),
        number: number_of(&notice),
        heading: t.notice_title(&notice.content.county),
        title: notice.title,
        body: notice.body,
        meeting: notice.meeting_id,
        corrects,
        superseded_by,
        issued_on: notice.published_at.with_timezone(&tz).date_naive(),
        content: notice.content.0,
        confirm: None,
    })
}

/// Publishes this week's notice over every project: first the preview of exactly what will be
/// frozen, then (confirmed) the notice.
pub async fn publish_week(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    fields: Fields,
) -> AppResult<Response> {
    let (title, body) = (fields.get("title"), fields.get("body"));
    let default_title = ctx.t().notice_title(&ctx.settings(&state.db).await?.county_name);
    let week = match app::notices::week(&state.db, &user, &title, &body, default_title).await? {
        Ok(week) => week,
        Err(e) => {
            let mut page = list_page(&state, &ctx, &user, ListParams::default()).await?;
            page.publish_errors = e.0.iter().map(|(f, p)| ctx.t().field_problem(f, *p)).collect();
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let preview = |draft: app::notices::Draft, stale: bool| {
        let confirm = Confirm {
            action: "/notices".to_string(),
            back: "/notices".to_string(),
            title: title.clone(),
            body: body.clone(),
            reissue: false,
            reason: String::new(),
            digest: draft.digest(),
            stale,
        };
        NoticePage::preview(
            &ctx,
            (week.title.clone(), week.body.clone()),
            None,
            draft.content,
            confirm,
        )
    };
    if fields.get("step") != "confirm" {
        let draft = app::notices::draft(&state.db, &week.project_ids, None).await?;
        return Ok(preview(draft, false).into_response());
    }
    let publication = app::notices::Publication {
        title: &week.title,
        body: week.body.as_deref(),
        correction: None,
        previewed: Some(&fields.get("digest")),
    };
    match app::notices::publish(&state.db, &user, &week.project_ids, None, publication).await? {
        Outcome::Done(id) | Outcome::Exists(id) => {
            flash::done(&session, &links::notice(id), Done::NoticePublished).await
        }
        Outcome::Stale => {
            let draft = app::notices::draft(&state.db, &week.project_ids, None).await?;
            Ok((StatusCode::CONFLICT, preview(draft, true)).into_response())
        }
    }
}
