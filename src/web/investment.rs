//! The investment pages: a project's plan, monthly figures and reports with their forms
//! (phone-first), and the county's figures against the time line with its breakdowns.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::AppState;
use super::charts::{self, Chart, Group};
use super::context::{RequestContext, urlencode};
use super::error::{AppError, AppResult};
use super::extract::{IdPath, PageQuery};
use super::flash;
use super::form::{Fields, Messages};
use super::history::Change;
use super::layout::Layout;
use crate::app::investment::{
    self as actions, CountyFigures, MONTH_FIELDS, PlanInput, PlanOutcome, ProjectInvestment, ReportInput, ReportOutcome,
};
use crate::auth::{CurrentUser, policy};
use crate::db::investment::{self, Frozen};
use crate::db::projects;
use crate::db::settings::Settings;
use crate::domain::done::Done;
use crate::domain::input::{FieldErrors, Problem};
use crate::domain::investment::{Month, Plan, Standing, Totals, Wan, reporting_month};
use crate::i18n::Catalog;
use crate::links;

/// `?month=YYYY-MM`: the month shown, the one being reported by default.
#[derive(Deserialize, Default)]
pub struct MonthQuery {
    month: Option<String>,
    year: Option<String>,
    /// `all`: the county page lists every project, not only the most behind.
    rows: Option<String>,
}

/// The county page lists the projects most behind unless all are asked for (`?rows=all`): a
/// province's 2,000 made a page of a megabyte (the monthly statement and its workbook hold all).
const COUNTY_ROWS_SHOWN: usize = 100;

impl MonthQuery {
    fn month(&self, settings: &Settings) -> Month {
        let asked = match (&self.month, &self.year) {
            (Some(m), None) => Month::parse(m),
            (Some(m), Some(y)) => y
                .trim()
                .parse()
                .ok()
                .and_then(|y| Month::new(y, m.trim().parse().ok()?)),
            _ => None,
        };
        asked.unwrap_or_else(|| reporting_month(settings.today()))
    }
}

/// A standing's figures in words.
pub struct Figures {
    pub plan: String,
    pub completed: String,
    pub since_start: String,
    pub rate: String,
    pub time_progress: String,
    pub deviation: String,
    pub colour: Option<&'static str>,
    pub colour_label: &'static str,
}

impl Figures {
    fn new(plan: Option<&Plan>, s: &Standing, t: &'static Catalog) -> Figures {
        Figures {
            plan: plan.map_or_else(|| "—".into(), |p| p.annual.to_string()),
            completed: s.completed_this_year.to_string(),
            since_start: s.completed_since_start.to_string(),
            rate: t.rate(s.rate),
            time_progress: t.rate(s.time_progress),
            deviation: s.deviation.map_or_else(|| "—".into(), |d| t.deviation(d)),
            colour: s.colour.map(|c| c.as_str()),
            colour_label: s.colour.map_or("", |c| t.colour(c)),
        }
    }
}

/// One month of the year: planned and confirmed amounts.
pub struct MonthRow {
    pub label: &'static str,
    pub planned: String,
    pub completed: String,
}

/// A report as the page lists it.
pub struct ReportRow {
    pub id: Uuid,
    pub month: String,
    pub completed: String,
    pub progress: String,
    /// Each problem, with the new-item link it may become.
    pub problems: Vec<(String, String)>,
    pub by: String,
    pub confirmed: bool,
    pub version: i32,
    pub corrections: Vec<String>,
}

/// The report form as typed (or as the page offers it).
#[derive(Default)]
pub struct ReportForm {
    pub month: String,
    pub completed: String,
    pub progress: String,
    pub problems: String,
    pub reason: String,
}

/// The plan form as typed (or stored).
#[derive(Default)]
pub struct PlanForm {
    pub year: i32,
    pub annual: String,
    pub monthly: Vec<(&'static str, &'static str, String)>,
    pub start: String,
    /// The stored plan's version; empty when there is none yet.
    pub version: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/investment.html")]
pub struct ProjectInvestmentPage {
    layout: Layout,
    project_id: Uuid,
    project_name: String,
    month: String,
    completed_label: String,
    figures: Figures,
    has_plan: bool,
    missing: Option<String>,
    chart: Chart,
    chart_months: Vec<MonthRow>,
    can_report: bool,
    can_draft: bool,
    plan_heading: String,
    plan_form: PlanForm,
    plan_errors: Messages,
    plan_conflict: Vec<Change>,
    report_form: ReportForm,
    report_errors: Messages,
    month_choices: Vec<(String, String)>,
    reports: Vec<ReportRow>,
}

fn plan_form(year: i32, plan: Option<&Plan>, version: Option<i32>, t: &'static Catalog) -> PlanForm {
    PlanForm {
        year,
        annual: plan.map(|p| p.annual.to_string()).unwrap_or_default(),
        monthly: MONTH_FIELDS
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let v = plan
                    .and_then(|p| p.monthly)
                    .map(|m| m[i].to_string())
                    .unwrap_or_default();
                (*f, t.investment.months[i], v)
            })
            .collect(),
        start: plan
            .and_then(|p| p.planned_start_month)
            .map(|m| m.to_string())
            .unwrap_or_default(),
        version: version.map(|v| v.to_string()).unwrap_or_default(),
    }
}

/// The months a report may be for: the current month and the eleven before it, latest first.
fn month_choices(settings: &Settings, t: &'static Catalog) -> Vec<(String, String)> {
    let mut m = Month::of(settings.today());
    let mut out = Vec::new();
    for _ in 0..12 {
        out.push((m.to_string(), t.month(m)));
        m = m.previous();
    }
    out
}

/// A project's investment on its own page: its figures through the month being reported.
pub struct Summary {
    pub completed_label: String,
    pub figures: Figures,
    pub has_plan: bool,
    pub missing: Option<String>,
    pub chart: Chart,
}

impl Summary {
    pub fn new(p: &actions::Panel, settings: &Settings, t: &'static Catalog) -> Summary {
        let missing = (p.plan.is_some() && !p.standing.reported)
            .then(|| t.report_missing(p.month, p.month.report_due(settings.report_due_day()), p.standing.late));
        Summary {
            completed_label: t.completed_through(p.month),
            figures: Figures::new(p.plan.as_ref(), &p.standing, t),
            has_plan: p.plan.is_some(),
            missing,
            chart: month_bars(p.plan.as_ref(), &p.months, t).0,
        }
    }
}

/// The bars of each month: plan (the monthly plan, or a twelfth of the year's) and completed.
fn month_bars(plan: Option<&Plan>, months: &[Option<Wan>; 12], t: &'static Catalog) -> (Chart, Vec<MonthRow>) {
    let planned = |i: usize| -> Option<Wan> {
        let p = plan?;
        Some(match &p.monthly {
            Some(m) => m[i],
            None => Wan::from_hundredths(p.annual.hundredths() / 12),
        })
    };
    let whole = |w: Option<Wan>| w.map_or(0, |w| (w.hundredths() + 50) / 100);
    let groups: Vec<Group> = (0..12)
        .map(|i| Group {
            label: (i + 1).to_string(),
            values: vec![("plan", whole(planned(i))), ("done", whole(months[i]))],
        })
        .collect();
    let rows = (0..12)
        .map(|i| MonthRow {
            label: t.investment.months[i],
            planned: planned(i).map_or_else(|| "—".into(), |w| w.to_string()),
            completed: months[i].map_or_else(|| "—".into(), |w| w.to_string()),
        })
        .collect();
    (charts::grouped_bars(&groups), rows)
}

fn report_rows(p: &ProjectInvestment, project: Uuid, tz: chrono_tz::Tz, t: &'static Catalog) -> Vec<ReportRow> {
    p.reports
        .iter()
        .map(|r| ReportRow {
            id: r.id,
            month: t.month(r.month()),
            completed: r.completed.0.to_string(),
            progress: r.progress.clone().unwrap_or_default(),
            problems: r
                .problems
                .iter()
                .flat_map(|p| p.lines())
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| {
                    let title: String = l.chars().take(200).collect();
                    let note = t.problem_note(r.month());
                    let href = format!(
                        "{}/items/new?title={}&note={}",
                        links::project(project),
                        urlencode(&title),
                        urlencode(&note)
                    );
                    (l.to_string(), href)
                })
                .collect(),
            by: r
                .confirmed_by
                .clone()
                .or_else(|| r.drafted_by.clone())
                .unwrap_or_default(),
            confirmed: r.confirmed,
            version: r.version,
            corrections: p
                .corrections
                .get(&r.id)
                .into_iter()
                .flatten()
                .map(|c| {
                    let at = c.corrected_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
                    t.correction_line(
                        &at,
                        c.corrected_by.as_deref().unwrap_or_default(),
                        c.before_amount.as_deref().unwrap_or_default(),
                        c.after_amount.as_deref().unwrap_or_default(),
                        &c.reason,
                    )
                })
                .collect(),
        })
        .collect()
}

/// What a form of the page brings back: typed values and their problems.
#[derive(Default)]
pub struct Returned {
    plan: Option<(PlanForm, FieldErrors, Vec<Change>)>,
    report: Option<(ReportForm, FieldErrors)>,
}

async fn project_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    id: Uuid,
    month: Month,
    returned: Returned,
) -> AppResult<ProjectInvestmentPage> {
    let settings = ctx.settings(&state.db).await?;
    let t = ctx.t();
    let p = actions::of_project(&state.db, &settings, user, id, month).await?;
    let names = projects::visible_names(&state.db, policy::project_scope(user), &[id]).await?;
    let project_name = names.into_iter().next().map(|(_, n)| n).ok_or(AppError::NotFound)?;
    let plan = p.plan.as_ref().map(|s| &s.plan);
    let (chart, chart_months) = month_bars(plan, &p.months, t);
    let missing = (plan.is_some() && !p.standing.reported)
        .then(|| t.report_missing(month, month.report_due(settings.report_due_day()), p.standing.late));
    let (plan_form, plan_errors, plan_conflict) = match returned.plan {
        Some((form, errors, conflict)) => (form, Messages::new(&errors, t), conflict),
        None => (
            plan_form(p.year, plan, p.plan.as_ref().map(|s| s.version), t),
            Messages::new(&FieldErrors::default(), t),
            Vec::new(),
        ),
    };
    let (report_form, report_errors) = match returned.report {
        Some((form, errors)) => (form, Messages::new(&errors, t)),
        None => (
            ReportForm {
                month: reporting_month(settings.today()).to_string(),
                ..ReportForm::default()
            },
            Messages::new(&FieldErrors::default(), t),
        ),
    };
    Ok(ProjectInvestmentPage {
        layout: Layout::new(ctx),
        project_id: id,
        project_name,
        month: t.month(month),
        completed_label: t.completed_through(month),
        figures: Figures::new(plan, &p.standing, t),
        has_plan: plan.is_some(),
        missing,
        chart,
        chart_months,
        can_report: p.access.report,
        can_draft: p.access.draft,
        plan_heading: t.plan_for_year(plan_form.year),
        plan_form,
        plan_errors,
        plan_conflict,
        report_form,
        report_errors,
        month_choices: month_choices(&settings, t),
        reports: report_rows(&p, id, settings.tz(), t),
    })
}

pub async fn project(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    PageQuery(q): PageQuery<MonthQuery>,
) -> AppResult<ProjectInvestmentPage> {
    let settings = ctx.settings(&state.db).await?;
    project_page(&state, &ctx, &user, id, q.month(&settings), Returned::default()).await
}

/// The plan form of the project's page.
pub async fn save_plan(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    let t = ctx.t();
    // Who may plan is answered before what the form says.
    if !actions::access(&state.db, &user, id).await?.report {
        return Err(AppError::Forbidden);
    }
    let year: i32 = fields.get("year").trim().parse().map_err(|_| AppError::BadRequest)?;
    let typed = PlanInput {
        annual: fields.get("annual_investment"),
        monthly: MONTH_FIELDS.iter().map(|f| fields.get(f)).collect(),
        planned_start_month: fields.get("planned_start_month"),
    };
    let version = Some(match fields.get("version").trim() {
        "" => None,
        v => Some(v.parse().unwrap_or(-1)),
    });
    let outcome = actions::save_plan(&state.db, &settings, &user, id, year, &typed, version).await?;
    let as_typed = |version: String| PlanForm {
        year,
        annual: typed.annual.clone(),
        monthly: MONTH_FIELDS
            .iter()
            .enumerate()
            .map(|(i, f)| (*f, t.investment.months[i], typed.monthly[i].clone()))
            .collect(),
        start: typed.planned_start_month.clone(),
        version,
    };
    // The page of the plan's year: through the month being reported, or the year's end.
    let reporting = reporting_month(settings.today());
    let month = match Month::new(year, 12) {
        Some(m) if m.year() != reporting.year() => m,
        _ => reporting,
    };
    let (status, returned) = match outcome {
        PlanOutcome::Saved => {
            return flash::done(&session, &(links::investment(id) + "#plan"), Done::PlanSaved).await;
        }
        PlanOutcome::Invalid(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            (as_typed(fields.get("version")), errors, Vec::new()),
        ),
        PlanOutcome::Conflict(now) => {
            // Keep what was typed, against the plan as it is now: saving again overwrites it knowingly.
            let current = now.as_ref().map(|s| s.plan.annual.to_string()).unwrap_or_default();
            let conflict = vec![Change {
                field: t.investment.field_annual.to_string(),
                before: current,
                after: typed.annual.clone(),
            }];
            let version = now.map(|s| s.version.to_string()).unwrap_or_default();
            (
                StatusCode::CONFLICT,
                (as_typed(version), FieldErrors::default(), conflict),
            )
        }
    };
    let returned = Returned {
        plan: Some(returned),
        report: None,
    };
    let page = project_page(&state, &ctx, &user, id, month, returned).await?;
    Ok((status, page).into_response())
}

/// The monthly report form of the project's page (the task force's, or the investor's draft).
pub async fn report(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    let typed = ReportInput {
        month: fields.get("month"),
        completed: fields.get("completed_investment"),
        progress: fields.get("progress"),
        problems: fields.get("problems"),
        reason: fields.get("reason"),
    };
    let outcome = actions::report(&state.db, &settings, &user, id, &typed).await?;
    let (status, errors) = match outcome {
        ReportOutcome::Saved { confirmed, month, .. } => {
            let done = match (confirmed, typed.reason.trim().is_empty()) {
                (false, _) => Done::MonthDrafted,
                (true, true) => Done::MonthReported,
                (true, false) => Done::MonthCorrected,
            };
            let to = format!("{}?month={month}#reports", links::investment(id));
            return flash::done(&session, &to, done).await;
        }
        ReportOutcome::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        ReportOutcome::AlreadyConfirmed(_) => {
            let mut errors = FieldErrors::default();
            errors.add("reason", Problem::ReasonRequired);
            (StatusCode::CONFLICT, errors)
        }
    };
    let form = ReportForm {
        month: typed.month.clone(),
        completed: typed.completed.clone(),
        progress: typed.progress.clone(),
        problems: typed.problems.clone(),
        reason: typed.reason.clone(),
    };
    let month = Month::parse(&typed.month).unwrap_or_else(|| reporting_month(settings.today()));
    let returned = Returned {
        plan: None,
        report: Some((form, errors)),
    };
    let page = project_page(&state, &ctx, &user, id, month, returned).await?;
    Ok((status, page).into_response())
}

/// The task force confirms an investor's draft (`{id}` is the report).
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let done = actions::confirm(&state.db, &user, id, fields.version()).await?;
    let (report, flash_done) = match done {
        actions::Confirmation::Done(r) => (r, Done::DraftConfirmed),
        // Someone changed or confirmed it meanwhile: show it as it is now.
        actions::Confirmation::Conflict(r) => {
            let to = format!(
                "{}/investment?month={}#reports",
                links::project(r.project_id),
                r.month()
            );
            return Ok(axum::response::Redirect::to(&to).into_response());
        }
    };
    let to = format!(
        "{}/investment?month={}#reports",
        links::project(report.project_id),
        report.month()
    );
    flash::done(&session, &to, flash_done).await
}

/// A group's totals in words.
pub struct GroupRow {
    pub name: String,
    pub projects: usize,
    pub plan: String,
    pub completed: String,
    pub rate: String,
    pub deviation: String,
}

fn group_row(name: String, projects: usize, totals: &Totals, t: &'static Catalog) -> GroupRow {
    GroupRow {
        name,
        projects,
        plan: totals.plan.to_string(),
        completed: totals.completed.to_string(),
        rate: t.rate(totals.rate),
        deviation: totals.deviation.map_or_else(|| "—".into(), |d| t.deviation(d)),
    }
}

fn named(groups: &[actions::Group], t: &'static Catalog) -> Vec<GroupRow> {
    groups
        .iter()
        .map(|g| group_row(g.name.clone(), g.projects, &g.totals, t))
        .collect()
}

/// A project's row of the county page.
pub struct CountyRow {
    pub id: Uuid,
    pub name: String,
    pub park: String,
    pub figures: Figures,
    pub reported: bool,
    pub late: bool,
}

/// The county's tiles: the figures an office reports upward.
pub struct Tiles {
    pub plan: String,
    pub completed: String,
    pub rate: String,
    pub time_progress: String,
    pub deviation: String,
    pub behind: bool,
    pub planned_starts: usize,
    pub started: usize,
    pub start_rate: String,
    pub reported: String,
    pub late: usize,
}

impl Tiles {
    pub fn new(f: &CountyFigures, t: &'static Catalog) -> Tiles {
        let x = &f.totals;
        let planned = f.rows.iter().filter(|r| r.plan.is_some()).count();
        Tiles {
            plan: x.plan.to_string(),
            completed: x.completed.to_string(),
            rate: t.rate(x.rate),
            time_progress: t.rate(x.time_progress),
            deviation: x.deviation.map_or_else(|| "—".into(), |d| t.deviation(d)),
            behind: x.deviation.is_some_and(|d| d < 0.0),
            planned_starts: x.planned_starts,
            started: x.started,
            start_rate: t.rate(x.start_rate),
            reported: t.reported_count(x.reported, planned),
            late: x.late,
        }
    }
}

pub fn county_rows(f: &CountyFigures, t: &'static Catalog, limit: usize) -> Vec<CountyRow> {
    f.rows
        .iter()
        .take(limit)
        .map(|r| CountyRow {
            id: r.project.id,
            name: r.project.name.clone(),
            park: r.project.park.clone().unwrap_or_default(),
            figures: Figures::new(r.plan.as_ref(), &r.standing, t),
            reported: r.standing.reported,
            late: r.standing.late,
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "investment.html")]
pub struct CountyPage {
    layout: Layout,
    month_value: String,
    month: String,
    completed_label: String,
    tiles: Tiles,
    rows: Vec<CountyRow>,
    /// When the rows are cut short: how many of how many, and the link to all of them.
    rows_more: Option<(String, String)>,
    /// By park, by industry, by stage: the section's id, heading and groups.
    breakdowns: Vec<(&'static str, &'static str, Vec<GroupRow>)>,
    month_choices: Vec<(String, String)>,
    can_see_statements: bool,
    statements: Vec<(String, String)>,
}

pub async fn county(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    PageQuery(q): PageQuery<MonthQuery>,
) -> AppResult<CountyPage> {
    if !policy::sees_internal(&user) {
        return Err(AppError::Forbidden);
    }
    let settings = ctx.settings(&state.db).await?;
    let t = ctx.t();
    let month = q.month(&settings);
    let shown = if q.rows.as_deref() == Some("all") {
        usize::MAX
    } else {
        COUNTY_ROWS_SHOWN
    };
    let f = actions::county(&state.db, &settings, policy::project_scope(&user), month).await?;
    let overseer = policy::may_oversee_county(&user);
    let statements = if overseer {
        investment::frozen_months(&state.db)
            .await?
            .into_iter()
            .map(|(m, n, _)| {
                let m = Month::of(m);
                (
                    format!("/monthly/{m}"),
                    format!("{} · {}", t.month(m), t.statement_number(m.year(), n)),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(CountyPage {
        layout: Layout::new(&ctx),
        month_value: month.to_string(),
        month: t.month(month),
        completed_label: t.completed_through(month),
        tiles: Tiles::new(&f, t),
        rows_more: t
            .rows_cut(f.rows.len(), shown.min(f.rows.len()))
            .map(|text| (text, format!("/investment?month={month}&rows=all#behind"))),
        rows: county_rows(&f, t, shown),
        breakdowns: vec![
            ("by-park", t.investment.by_park, named(&f.by_park, t)),
            ("by-industry", t.investment.by_industry, named(&f.by_industry, t)),
            (
                "by-stage",
                t.investment.by_stage,
                f.by_stage
                    .iter()
                    .map(|(s, n, x)| group_row(t.stage(*s).to_string(), *n, x, t))
                    .collect(),
            ),
        ],
        month_choices: month_choices(&settings, t),
        can_see_statements: overseer,
        statements,
    })
}

/// The frozen statement's line for the page: who froze it and when.
pub fn frozen_line(f: &Frozen, tz: chrono_tz::Tz, t: &'static Catalog) -> String {
    let at = f.frozen_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
    t.statement_frozen(&at, f.frozen_by.as_deref().unwrap_or_default())
}
