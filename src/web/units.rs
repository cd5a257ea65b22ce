//! The unit work queue — the page unit staff live in — and the units overview for officials.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::{PageParam, PageQuery};
use super::layout::Layout;
use super::requests::figures_by;
use super::rows::ItemRow;
use super::todo::TodoView;
use crate::app::kept;
use crate::auth::policy::ProjectScope;
use crate::auth::{CurrentUser, policy};
use crate::db::units::{self, UnitLoad};
use crate::db::{items, requests};
use crate::domain::request;
use crate::domain::status::{Colour, ItemState};
use crate::links;

const PAGE_SIZE: i64 = 50;

#[derive(Template, WebTemplate)]
#[template(path = "units/queue.html")]
pub struct QueuePage {
    layout: Layout,
    /// On the user's own unit's queue: what waits for them.
    todo: Option<TodoView>,
    heading: String,
    code: String,
    rows: Vec<ItemRow>,
    page: i64,
    pages: i64,
    total: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
    digest_href: String,
}

pub async fn queue(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<PageParam>,
) -> AppResult<QueuePage> {
    let settings = ctx.settings(&state.db).await?;
    let page = q.number();
    let (unit, read) = kept::queue(&state.db, &state.pages, &user, &code, page, PAGE_SIZE).await?;
    let (found, total) = (&read.lines, read.total);
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let t = ctx.t();
    let href = |to: i64| format!("{}?page={to}", links::unit(&unit.code));
    let todo = if user.unit_id == Some(unit.id) {
        Some(TodoView::load(&state, &settings, &ctx, &user).await?)
    } else {
        None
    };
    Ok(QueuePage {
        todo,
        layout: Layout::new(&ctx),
        heading: t.queue(&unit.name),
        code: unit.code.clone(),
        rows: found
            .iter()
            .map(|i| {
                ItemRow::new(
                    i,
                    t,
                    settings.today(),
                    settings.thresholds(),
                    &settings.service_level().calendar,
                )
            })
            .collect(),
        page,
        pages,
        total,
        prev_href: (page > 1).then(|| href(page - 1)),
        next_href: (page < pages).then(|| href(page + 1)),
        digest_href: links::unit(unit.code) + "/digest",
    })
}

/// How far ahead the daily digest looks.
const DIGEST_DAYS: i64 = 7;

#[derive(Template, WebTemplate)]
#[template(path = "units/digest.html")]
pub struct DigestPage {
    layout: Layout,
    heading: String,
    today: chrono::NaiveDate,
    /// Yellow and red items (most overdue first), then items due within the week (soonest first).
    sections: Vec<(&'static str, Vec<ItemRow>)>,
}

/// A unit's daily digest (每日提醒), for the screen or the printer: what is yellow or red, most
/// overdue first, then what falls due in the coming week, soonest first.
pub async fn digest(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Path(code): Path<String>,
) -> AppResult<DigestPage> {
    let unit = units::by_code(&state.db, &code).await?.ok_or(AppError::NotFound)?;
    if !policy::may_view_unit_queue(&user, unit.id) {
        return Err(AppError::Forbidden);
    }
    let settings = ctx.settings(&state.db).await?;
    let today = settings.today();
    let found = items::unit_due_by(&state.db, unit.id, today + chrono::Duration::days(DIGEST_DAYS - 1)).await?;
    let t = ctx.t();
    let (flagged, due): (Vec<ItemRow>, Vec<ItemRow>) = found
        .iter()
        .map(|i| ItemRow::new(i, t, today, settings.thresholds(), &settings.service_level().calendar))
        .partition(|r| matches!(r.colour, Some(Colour::Yellow | Colour::Red)));
    Ok(DigestPage {
        layout: Layout::new(&ctx),
        heading: t.digest_heading(&unit.name),
        today,
        sections: vec![(t.notify.digest_flagged, flagged), (t.notify.digest_due_week, due)],
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "units/index.html")]
pub struct UnitsPage {
    layout: Layout,
    /// Each unit's load, with the figures of the investors' requests it was given.
    units: Vec<(UnitLoad, request::Figures)>,
}

pub async fn index(State(state): State<AppState>, ctx: RequestContext, user: CurrentUser) -> AppResult<UnitsPage> {
    if !policy::may_oversee_county(&user) {
        return Err(AppError::Forbidden);
    }
    let settings = ctx.settings(&state.db).await?;
    let loads = units::loads(&state.db, settings.today(), settings.thresholds().red_after_days).await?;
    let facts = requests::facts(&state.db, ProjectScope::All).await?;
    let mut service = figures_by(&facts, &settings, |f| f.unit_code.clone());
    Ok(UnitsPage {
        layout: Layout::new(&ctx),
        units: loads
            .into_iter()
            .map(|u| {
                let figures = service.remove(&u.code).unwrap_or_default();
                (u, figures)
            })
            .collect(),
    })
}
