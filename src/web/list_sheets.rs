//! The projects list (with its filters) and a unit's queue as spreadsheets, for the offices'
//! own reports: CSV with BOM, or XLSX with colours as cell fills.

use axum::extract::{Path, State};
use axum::response::Response;

use super::AppState;
use super::checklist_table::checklist_table;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::PageQuery;
use super::projects::{ListParams, list_query};
use super::spreadsheet::{self, FileFormat, Out, Table};
use crate::auth::{CurrentUser, policy};
use crate::db::{items, units};

/// More rows than any county has; an export is one bounded query.
const MAX_ROWS: i64 = 100_000;

async fn projects_table(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    params: &ListParams,
) -> AppResult<Table> {
    let settings = ctx.settings(&state.db).await?;
    let (today, th) = (settings.today(), settings.thresholds());
    let (query, _) = list_query(params, MAX_ROWS, today);
    let (found, _) = ctx
        .listed_projects(state, policy::project_scope(user))
        .await?
        .select(&query);
    let t = ctx.t();
    let columns = [
        (t.sheets.sheet_project, 34.0),
        (t.columns.col_company, 28.0),
        (t.columns.col_investment_code, 26.0),
        (t.columns.col_park, 16.0),
        (t.columns.col_stage, 10.0),
        (t.sheets.sheet_colour, 8.0),
        (t.columns.col_open, 8.0),
        (t.columns.col_red, 8.0),
        (t.columns.col_yellow, 8.0),
        (t.sheets.sheet_investment_wan, 14.0),
        (t.projects.project_lead_unit, 20.0),
        (t.projects.project_leader, 12.0),
    ]
    .map(|(h, w)| (h.to_string(), w))
    .to_vec();
    let rows = found
        .iter()
        .map(|p| {
            let (colour, _) = p.overall(today, th);
            let text = |v: &Option<String>| Out::Text(v.clone().unwrap_or_default());
            vec![
                Out::Text(p.name.clone()),
                Out::Text(p.company.clone()),
                text(&p.investment_code),
                text(&p.park),
                Out::Text(t.stage(p.stage).to_string()),
                Out::Colour(Some(colour), t.colour(colour).to_string()),
                Out::Number(p.open_items),
                Out::Number(p.red_items),
                Out::Number(p.yellow_items),
                p.total_investment_wan.map_or(Out::Text(String::new()), Out::Number),
                text(&p.lead_unit),
                text(&p.leader_name),
            ]
        })
        .collect();
    Ok(Table {
        title: t.projects.home_title.to_string(),
        columns,
        rows,
    })
}

async fn projects(
    state: AppState,
    ctx: RequestContext,
    user: CurrentUser,
    params: ListParams,
    f: FileFormat,
) -> AppResult<Response> {
    let table = projects_table(&state, &ctx, &user, &params).await?;
    spreadsheet::download(&table, f, ctx.t().projects.home_title)
}

pub async fn projects_csv(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    PageQuery(params): PageQuery<ListParams>,
) -> AppResult<Response> {
    projects(state, ctx, user, params, FileFormat::Csv).await
}

pub async fn projects_xlsx(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    PageQuery(params): PageQuery<ListParams>,
) -> AppResult<Response> {
    projects(state, ctx, user, params, FileFormat::Xlsx).await
}

async fn queue(
    state: AppState,
    ctx: RequestContext,
    user: CurrentUser,
    code: String,
    f: FileFormat,
) -> AppResult<Response> {
    let unit = units::by_code(&state.db, &code).await?.ok_or(AppError::NotFound)?;
    if !policy::may_view_unit_queue(&user, unit.id) {
        return Err(AppError::Forbidden);
    }
    let settings = ctx.settings(&state.db).await?;
    let open = items::unit_queue_items(&state.db, unit.id, MAX_ROWS).await?;
    let t = ctx.t();
    let table = checklist_table(&unit.name, &open, t, &settings, true, true);
    spreadsheet::download(&table, f, &t.queue(&unit.name))
}

pub async fn queue_csv(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Path(code): Path<String>,
) -> AppResult<Response> {
    queue(state, ctx, user, code, FileFormat::Csv).await
}

pub async fn queue_xlsx(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Path(code): Path<String>,
) -> AppResult<Response> {
    queue(state, ctx, user, code, FileFormat::Xlsx).await
}
