//! The month's statement up (月度调度表): shown as it would be frozen until the office freezes
//! it, then frozen and numbered; printable in A4 landscape and downloadable as XLSX.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::Response;
use tower_sessions::Session;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::flash;
use super::investment::frozen_line;
use super::layout::Layout;
use super::statement_xlsx::{title, xlsx_response};
use crate::app::investment::{self as actions, Freezing, MonthStatement};
use crate::auth::{CurrentUser, policy};
use crate::domain::done::Done;
use crate::domain::investment::{Month, Statement};
use crate::i18n::Catalog;

/// `{month}` of a URL: "2026-11"; anything else is a 404.
fn month_of(raw: &str) -> AppResult<Month> {
    Month::parse(raw).ok_or(AppError::NotFound)
}

/// A statement row in words.
pub struct Line {
    pub place: usize,
    pub cells: Vec<String>,
    pub colour: Option<&'static str>,
}

/// The statement's cells in its usual columns, after the place: one line per project.
fn lines(s: &Statement, t: &'static Catalog) -> Vec<Line> {
    s.rows
        .iter()
        .enumerate()
        .map(|(i, r)| Line {
            place: i + 1,
            colour: r.status.map(|c| c.as_str()),
            cells: vec![
                r.name.clone(),
                r.company.clone(),
                r.description.clone().unwrap_or_default(),
                r.total_investment.map(|w| w.to_string()).unwrap_or_default(),
                r.annual_plan.clone().unwrap_or_default(),
                r.completed.clone(),
                t.rate(r.completion_rate),
                r.deviation_points.map(|d| format!("{d:+.1}")).unwrap_or_default(),
                r.progress.clone().unwrap_or_default(),
                r.problems.clone().unwrap_or_default(),
                r.lead_unit.clone().unwrap_or_default(),
                r.leader.clone().unwrap_or_default(),
            ],
        })
        .collect()
}

/// The county's totals in the statement's columns.
fn total_cells(s: &Statement, t: &'static Catalog) -> Vec<String> {
    let mut cells = vec![String::new(); 12];
    cells[0] = t.investment.county_total.to_string();
    cells[4] = s.plan_total.clone();
    cells[5] = s.completed_total.clone();
    cells[6] = t.rate(s.completion_rate);
    cells[7] = s.deviation_points.map(|d| format!("{d:+.1}")).unwrap_or_default();
    cells
}

#[derive(Template, WebTemplate)]
#[template(path = "investment/statement.html")]
pub struct StatementPage {
    layout: Layout,
    title: String,
    month_value: String,
    month: String,
    number: Option<String>,
    frozen: Option<String>,
    summary: String,
    columns: Vec<String>,
    totals: Vec<String>,
    lines: Vec<Line>,
    can_freeze: bool,
    over: bool,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<StatementPage> {
    let month = month_of(&raw)?;
    let settings = ctx.settings(&state.db).await?;
    let t = ctx.t();
    let (statement, number, frozen) = match actions::statement(&state.db, &settings, &user, month).await? {
        MonthStatement::Frozen {
            number,
            frozen,
            statement,
        } => (
            statement,
            Some(t.statement_number(month.year(), number)),
            Some(frozen_line(&frozen, settings.tz(), t)),
        ),
        MonthStatement::Draft(statement) => (statement, None, None),
    };
    Ok(StatementPage {
        layout: Layout::new(&ctx),
        title: title(t, &statement.county),
        month_value: month.to_string(),
        month: t.month(month),
        number,
        frozen,
        summary: t.summary_line(&statement, month),
        columns: t.statement_columns(month),
        totals: total_cells(&statement, t),
        lines: lines(&statement, t),
        can_freeze: policy::may_freeze_rankings(&user),
        over: month < Month::of(settings.today()),
    })
}

/// The office freezes the month's statement: once; a second time leads to the frozen one.
pub async fn freeze(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let month = month_of(&raw)?;
    let settings = ctx.settings(&state.db).await?;
    let to = format!("/monthly/{month}");
    match actions::freeze(&state.db, &settings, &user, month).await? {
        Freezing::Frozen(_) => flash::done(&session, &to, Done::StatementFrozen).await,
        Freezing::Already(_) => flash::done(&session, &to, Done::Repeated).await,
    }
}

/// The statement as an XLSX workbook (frozen, or as it would be frozen now).
pub async fn xlsx(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let month = month_of(&raw)?;
    let settings = ctx.settings(&state.db).await?;
    let statement = match actions::statement(&state.db, &settings, &user, month).await? {
        MonthStatement::Frozen { statement, .. } | MonthStatement::Draft(statement) => statement,
    };
    xlsx_response(&statement, month, ctx.t())
}
