//! Investment against the time line in JSON: plans, monthly reports, the figures through a month,
//! and the month's statement up (frozen, numbered; also as XLSX).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Body, Object, invalid};
use crate::app::investment::{
    self as actions, Freezing, MonthStatement, PlanInput, PlanOutcome, ReportInput, ReportOutcome,
};
use crate::auth::{CurrentUser, policy};
use crate::db::investment::Report;
use crate::domain::investment::{Month, Statement, reporting_month};
use crate::domain::status::Colour;
use crate::web::AppState;
use crate::web::context::RequestContext;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::IdPath;

fn amount(n: f64) -> String {
    // Written as typed would be: the check of amounts is the rule's (`Wan::from_number`).
    crate::domain::investment::Wan::from_number(n).map_or_else(|_| format!("{n}x"), |w| w.to_string())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanJson {
    /// The year's planned investment in 万元 (at most two decimals, not negative).
    #[schema(minimum = 0)]
    annual_investment: f64,
    /// The twelve months' planned amounts (万元), adding up to the year's.
    #[schema(min_items = 12, max_items = 12)]
    monthly: Option<Vec<f64>>,
    /// The month (1–12) construction is planned to start this year.
    #[schema(minimum = 1, maximum = 12)]
    #[serde(default, deserialize_with = "super::whole::optional")]
    planned_start_month: Option<u32>,
    /// The plan's version as read (`0` when there was none): the write is refused with 409 when
    /// the plan changed since. Without it the plan is replaced.
    #[serde(default, deserialize_with = "super::whole::optional")]
    version: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanSavedJson {
    project_id: Uuid,
    year: i32,
    annual_investment: String,
    monthly: Option<Vec<String>>,
    planned_start_month: Option<u32>,
    version: i32,
}

/// Sets a project's plan for a year (officials and the project's leads).
#[utoipa::path(put, tag = "investment", operation_id = "investment_plan", path = "/api/v1/projects/{id}/plans/{year}",
    params(("id" = Uuid, Path), ("year" = i32, Path)), request_body = PlanJson,
    responses((status = 200, body = PlanSavedJson), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn put_plan(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Path((raw_id, raw_year)): Path<(String, String)>,
    Json(Object(body)): Body<PlanJson>,
) -> AppResult<Json<PlanSavedJson>> {
    let id = Uuid::parse_str(&raw_id).map_err(|_| AppError::NotFound)?;
    let year: i32 = raw_year.trim().parse().map_err(|_| AppError::NotFound)?;
    let settings = ctx.settings(&state.db).await?;
    let monthly = match &body.monthly {
        Some(m) if m.len() != 12 => {
            return Err(AppError::Validation(vec![(
                "monthly".into(),
                ctx.t().problem(crate::domain::input::Problem::MonthsDoNotAddUp),
            )]));
        }
        Some(m) => m.iter().map(|n| amount(*n)).collect(),
        None => Vec::new(),
    };
    let typed = PlanInput {
        annual: amount(body.annual_investment),
        monthly,
        planned_start_month: body.planned_start_month.map(|m| m.to_string()).unwrap_or_default(),
    };
    let expected = body.version.map(|v| (v > 0).then_some(v));
    match actions::save_plan(&state.db, &settings, &user, id, year, &typed, expected).await? {
        PlanOutcome::Saved => {}
        PlanOutcome::Invalid(errors) => return Err(invalid(&renamed(errors), &ctx)),
        PlanOutcome::Conflict(now) => {
            return Err(AppError::Conflict(json!({
                "annual_investment": now.as_ref().map(|p| p.plan.annual.to_string()),
                "version": now.map_or(0, |p| p.version),
            })));
        }
    }
    let stored = crate::db::investment::plan(&state.db, id, year)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(PlanSavedJson {
        project_id: id,
        year,
        annual_investment: stored.plan.annual.to_string(),
        monthly: stored.plan.monthly.map(|m| m.iter().map(ToString::to_string).collect()),
        planned_start_month: stored.plan.planned_start_month,
        version: stored.version,
    }))
}

/// The form's field names as the API's: the months are one array.
fn renamed(errors: crate::domain::input::FieldErrors) -> crate::domain::input::FieldErrors {
    let mut out = crate::domain::input::FieldErrors::default();
    for (field, problem) in errors.0 {
        let name = if actions::MONTH_FIELDS.contains(&field) {
            "monthly"
        } else {
            field
        };
        if out.get(name).is_none() {
            out.add(name, problem);
        }
    }
    out
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonthlyReportJson {
    /// `YYYY-MM`, not after the current month.
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$")]
    month: String,
    /// Invested that month, in 万元 (at most two decimals, not negative).
    #[schema(minimum = 0)]
    completed_investment: f64,
    /// The physical progress (形象进度).
    #[schema(max_length = 2000, pattern = r"^[^\u0000]*$")]
    progress: Option<String>,
    /// The problems met, one per line.
    #[schema(max_length = 2000, pattern = r"^[^\u0000]*$")]
    problems: Option<String>,
    /// Why a confirmed month is corrected (the task force only); without it a confirmed month
    /// answers 409.
    #[schema(max_length = 500, pattern = r"^[^\u0000]*$")]
    reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MonthlyReportOut {
    id: Uuid,
    project_id: Uuid,
    /// `YYYY-MM`.
    month: String,
    completed_investment: String,
    progress: Option<String>,
    problems: Option<String>,
    /// False for an investor's draft, until the task force confirms it.
    confirmed: bool,
    version: i32,
}

fn report_json(r: &Report) -> MonthlyReportOut {
    MonthlyReportOut {
        id: r.id,
        project_id: r.project_id,
        month: r.month().to_string(),
        completed_investment: r.completed.0.to_string(),
        progress: r.progress.clone(),
        problems: r.problems.clone(),
        confirmed: r.confirmed,
        version: r.version,
    }
}

/// Reports a project's month: confirmed when the task force (or an official) reports it, a draft
/// when the project's investor does. A confirmed month answers 409, unless the task force gives a
/// `reason` (then it is corrected and the correction kept).
#[utoipa::path(post, tag = "investment", operation_id = "monthly_reports_create", path = "/api/v1/projects/{id}/monthly-reports",
    params(("id" = Uuid, Path)), request_body = MonthlyReportJson,
    responses((status = 201, body = MonthlyReportOut), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn report(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(Object(body)): Body<MonthlyReportJson>,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    let typed = ReportInput {
        month: body.month,
        completed: amount(body.completed_investment),
        progress: body.progress.unwrap_or_default(),
        problems: body.problems.unwrap_or_default(),
        reason: body.reason.unwrap_or_default(),
    };
    match actions::report(&state.db, &settings, &user, id, &typed).await? {
        ReportOutcome::Saved { id, .. } => {
            let saved = crate::db::investment::report(&state.db, id)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok((StatusCode::CREATED, Json(report_json(&saved))).into_response())
        }
        ReportOutcome::Invalid(errors) => Err(invalid(&errors, &ctx)),
        ReportOutcome::AlreadyConfirmed(r) => Err(AppError::Conflict(json!(report_json(&r)))),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct FiguresQuery {
    /// With `month`: the year of the month; default the year of the month being reported.
    year: Option<i32>,
    /// 1–12; default the month being reported (the one before today's).
    month: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct ProjectFiguresJson {
    id: Uuid,
    name: String,
    /// The year's plan, 万元; null without one.
    plan: Option<f64>,
    /// Completed this year through the month, 万元.
    completed: f64,
    /// A fraction (0.972 is 97.2%).
    completion_rate: Option<f64>,
    /// Percentage points ahead (+) or behind (−) the time progress.
    deviation_points: Option<f64>,
    status: Option<Colour>,
    reported: bool,
}

#[derive(Serialize, ToSchema)]
pub struct FiguresJson {
    /// `YYYY-MM`.
    month: String,
    plan_total: f64,
    completed_total: f64,
    completion_rate: Option<f64>,
    time_progress: Option<f64>,
    deviation_points: Option<f64>,
    planned_starts: usize,
    started: usize,
    start_rate: Option<f64>,
    /// Most behind the time line first.
    projects: Vec<ProjectFiguresJson>,
}

/// The figures through a month over the projects the caller may see (an investor: their own).
#[utoipa::path(get, tag = "investment", operation_id = "investment_figures", path = "/api/v1/investment",
    params(("year" = Option<i32>, Query), ("month" = Option<u32>, Query)),
    responses((status = 200, body = FiguresJson), (status = 400)))]
pub async fn figures(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Json<FiguresJson>> {
    let settings = ctx.settings(&state.db).await?;
    let default = reporting_month(settings.today());
    let month = Month::new(q.year.unwrap_or(default.year()), q.month.unwrap_or(default.number()))
        .ok_or(AppError::BadRequest)?;
    let f = actions::county(&state.db, &settings, policy::project_scope(&user), month).await?;
    let t = &f.totals;
    Ok(Json(FiguresJson {
        month: month.to_string(),
        plan_total: t.plan.as_f64(),
        completed_total: t.completed.as_f64(),
        completion_rate: t.rate,
        time_progress: t.time_progress,
        deviation_points: t.deviation,
        planned_starts: t.planned_starts,
        started: t.started,
        start_rate: t.start_rate,
        projects: f
            .rows
            .iter()
            .map(|r| ProjectFiguresJson {
                id: r.project.id,
                name: r.project.name.clone(),
                plan: r.plan.as_ref().map(|p| p.annual.as_f64()),
                completed: r.standing.completed_this_year.as_f64(),
                completion_rate: r.standing.rate,
                deviation_points: r.standing.deviation,
                status: r.standing.colour,
                reported: r.standing.reported,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct FrozenJson {
    /// `YYYY-MM`.
    month: String,
    /// The statement's number in its year.
    number: i32,
}

/// Freezes the month's statement (officials): once, numbered; it never changes afterwards. A
/// month not yet over, or frozen already, answers 409.
#[utoipa::path(post, tag = "investment", operation_id = "monthly_freeze", path = "/api/v1/monthly/{month}/freeze",
    params(("month" = String, Path, description = "YYYY-MM")),
    responses((status = 201, body = FrozenJson), (status = 403), (status = 404), (status = 409)))]
pub async fn freeze(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let month = Month::parse(&raw).ok_or(AppError::NotFound)?;
    let settings = ctx.settings(&state.db).await?;
    match actions::freeze(&state.db, &settings, &user, month).await? {
        Freezing::Frozen(number) => Ok((
            StatusCode::CREATED,
            Json(FrozenJson {
                month: month.to_string(),
                number,
            }),
        )
            .into_response()),
        Freezing::Already(number) => Err(AppError::Conflict(
            json!({ "month": month.to_string(), "number": number }),
        )),
    }
}

#[derive(Serialize, ToSchema)]
pub struct StatementJson {
    /// Whether it is frozen (then it never changes), or today's figures.
    frozen: bool,
    number: Option<i32>,
    #[serde(flatten)]
    statement: Statement,
}

/// The month's statement for an upper-level system: frozen, or as it would be frozen now;
/// `/api/v1/monthly/YYYY-MM.xlsx` gives it as a workbook in the usual layout.
#[utoipa::path(get, tag = "investment", operation_id = "monthly_show", path = "/api/v1/monthly/{month}",
    params(("month" = String, Path, description = "YYYY-MM, or YYYY-MM.xlsx for the workbook")),
    responses((status = 200, body = StatementJson), (status = 403), (status = 404)))]
pub async fn statement(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (text, xlsx) = match raw.strip_suffix(".xlsx") {
        Some(m) => (m, true),
        None => (raw.as_str(), false),
    };
    let month = Month::parse(text).ok_or(AppError::NotFound)?;
    let settings = ctx.settings(&state.db).await?;
    let (statement, number) = match actions::statement(&state.db, &settings, &user, month).await? {
        MonthStatement::Frozen { statement, number, .. } => (statement, Some(number)),
        MonthStatement::Draft(statement) => (statement, None),
    };
    if xlsx {
        return crate::web::statement_xlsx::xlsx_response(&statement, month, ctx.t());
    }
    Ok(Json(StatementJson {
        frozen: number.is_some(),
        number,
        statement,
    })
    .into_response())
}
