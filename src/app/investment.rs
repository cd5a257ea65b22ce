//! Investment against the time line: a project's year plan, its monthly reports (drafted by the
//! investor, confirmed by the task force, corrected only with a reason), the county's figures
//! through a month, and the month's statement up, frozen at the office's command.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::auth::policy;
use crate::db::audit::Actor;
use crate::db::investment::{self, InvestmentProject, PlanSaved, Report, ReportFigures, StoredPlan, Write};
use crate::db::projects;
use crate::db::run_view::RunView;
use crate::db::settings::Settings;
use crate::domain::access::{CurrentUser, ProjectScope};
use crate::domain::input::{self, FieldErrors, Problem};
use chrono::Datelike;

use crate::domain::investment::{
    Judged, Month, Plan, PlanProblem, ProjectYear, Standing, Statement, StatementRow, Totals, Wan, reporting_month,
    totals,
};
use crate::domain::lifecycle::Stage;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};

/// What may `user` do with the investment figures of `project`: 404 when they may not see it.
pub struct Access {
    /// Set plans and report or confirm a month (officials, the task force's leads).
    pub report: bool,
    /// Draft a month's report for the task force to confirm (the project's investor).
    pub draft: bool,
}

pub async fn access(db: &PgPool, user: &CurrentUser, project: Uuid) -> AppResult<Access> {
    if !projects::is_visible(db, policy::project_scope(user), project).await? {
        return Err(AppError::NotFound);
    }
    let on_task_force = user.role == Role::Lead && projects::on_task_force(db, project, user.id).await?;
    Ok(Access {
        report: policy::may_report_investment(user, on_task_force),
        draft: policy::may_draft_investment(user),
    })
}

/// A plan as typed: the year's amount, the twelve months (all empty: no monthly plan), and the
/// month construction is planned to start (empty: none this year).
#[derive(Clone, Debug, Default)]
pub struct PlanInput {
    pub annual: String,
    pub monthly: Vec<String>,
    pub planned_start_month: String,
}

/// The field each month's amount is typed in.
pub const MONTH_FIELDS: [&str; 12] = [
    "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10", "m11", "m12",
];

impl PlanInput {
    pub fn check(&self) -> Result<Plan, FieldErrors> {
        let mut e = FieldErrors::default();
        let annual = e.check("annual_investment", Wan::parse(&self.annual));
        let monthly = if self.monthly.iter().all(|m| m.trim().is_empty()) {
            Some(None)
        } else {
            let months: Vec<Option<Wan>> = MONTH_FIELDS
                .iter()
                .enumerate()
                .map(|(i, field)| {
                    let typed = self.monthly.get(i).map_or("", String::as_str);
                    let value = if typed.trim().is_empty() {
                        Ok(Wan::ZERO)
                    } else {
                        Wan::parse(typed)
                    };
                    e.check(field, value)
                })
                .collect();
            months
                .into_iter()
                .collect::<Option<Vec<Wan>>>()
                .map(|m| m.try_into().ok())
        };
        let start = match self.planned_start_month.trim() {
            "" => Some(None),
            typed => e
                .check("planned_start_month", input::int_in_range(typed, 1, 12))
                .map(|m| Some(m as u32)),
        };
        // The months' sum is checked whatever else is wrong, so one answer names every problem.
        if let (Some(annual), Some(Some(months))) = (annual, monthly) {
            let candidate = Plan {
                annual,
                monthly: Some(months),
                planned_start_month: None,
            };
            if let Err(PlanProblem::MonthsDoNotAddUp { .. }) = candidate.check() {
                e.add("m12", Problem::MonthsDoNotAddUp);
            }
        }
        match (annual, monthly, start) {
            (Some(annual), Some(monthly), Some(planned_start_month)) if e.is_empty() => Ok(Plan {
                annual,
                monthly,
                planned_start_month,
            }),
            _ => Err(e),
        }
    }
}

/// A year a plan may be for: this year, the years around it, a few ahead.
fn check_year(year: i32, settings: &Settings) -> AppResult<i32> {
    let now = Month::of(settings.today()).year();
    if (now - 5..=now + 5).contains(&year) {
        Ok(year)
    } else {
        Err(AppError::NotFound)
    }
}

/// What became of saving a plan.
pub enum PlanOutcome {
    Saved,
    Invalid(FieldErrors),
    /// Someone saved the plan since `version`: nothing changed; here is the plan now.
    Conflict(Option<StoredPlan>),
}

/// Saves the plan of `project` for `year` from `version` (`Some(None)`: there was none; `None`:
/// replace whatever is there).
pub async fn save_plan(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    project: Uuid,
    year: i32,
    typed: &PlanInput,
    version: Option<Option<i32>>,
) -> AppResult<PlanOutcome> {
    if !access(db, user, project).await?.report {
        return Err(AppError::Forbidden);
    }
    let year = check_year(year, settings)?;
    let plan = match typed.check() {
        Ok(plan) => plan,
        Err(errors) => return Ok(PlanOutcome::Invalid(errors)),
    };
    let mut tx = db.begin().await?;
    let saved = investment::save_plan(
        &mut tx,
        project,
        year,
        &plan,
        version,
        Actor::User(user.id),
        Some(user.id),
    )
    .await?;
    Ok(match saved {
        PlanSaved::Done => {
            tx.commit().await?;
            PlanOutcome::Saved
        }
        PlanSaved::Conflict(now) => PlanOutcome::Conflict(now),
    })
}

/// A month's report as typed.
#[derive(Clone, Debug, Default)]
pub struct ReportInput {
    pub month: String,
    pub completed: String,
    pub progress: String,
    pub problems: String,
    /// Why a confirmed report is corrected.
    pub reason: String,
}

struct CheckedReport {
    month: Month,
    figures: ReportFigures,
    reason: Option<String>,
}

impl ReportInput {
    fn check(&self, settings: &Settings) -> Result<CheckedReport, FieldErrors> {
        let mut e = FieldErrors::default();
        let month = match self.month.trim() {
            "" => e.check("month", Err::<Month, _>(Problem::Required)),
            typed => e.check("month", Month::parse(typed).ok_or(Problem::NotADate)),
        };
        // A month is reported once it has begun (the report of a month is made at its end).
        if month.is_some_and(|m| m > Month::of(settings.today())) {
            e.add("month", Problem::DateInFuture);
        }
        let completed = e.check("completed_investment", Wan::parse(&self.completed));
        let progress = e.check("progress", input::optional_text(&self.progress, 2000));
        let problems = e.check("problems", input::optional_text(&self.problems, 2000));
        let reason = e.check("reason", input::optional_text(&self.reason, 500));
        match (month, completed, progress, problems, reason) {
            (Some(month), Some(completed), Some(progress), Some(problems), Some(reason)) if e.is_empty() => {
                Ok(CheckedReport {
                    month,
                    figures: ReportFigures {
                        completed,
                        progress,
                        problems,
                    },
                    reason,
                })
            }
            _ => Err(e),
        }
    }
}

/// What became of a month's report.
pub enum ReportOutcome {
    /// Saved: confirmed (by the task force) or as a draft (by the investor).
    Saved {
        id: Uuid,
        confirmed: bool,
        month: Month,
    },
    Invalid(FieldErrors),
    /// The month is confirmed already: only the task force corrects it, and only with a reason.
    AlreadyConfirmed(Box<Report>),
}

/// Reports `project`'s month: the task force's report is confirmed at once (a confirmed month
/// is corrected when a reason is given); the investor's is a draft until the task force confirms it.
pub async fn report(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    project: Uuid,
    typed: &ReportInput,
) -> AppResult<ReportOutcome> {
    let may = access(db, user, project).await?;
    if !may.report && !may.draft {
        return Err(AppError::Forbidden);
    }
    let checked = match typed.check(settings) {
        Ok(c) => c,
        Err(errors) => return Ok(ReportOutcome::Invalid(errors)),
    };
    let mut tx = db.begin().await?;
    let existing = investment::report_for_update(&mut tx, project, checked.month).await?;
    let how = match (&existing, may.report, checked.reason.as_deref()) {
        (Some(r), true, Some(reason)) if r.confirmed => Write::Correct { reason },
        (Some(r), _, _) if r.confirmed => return Ok(ReportOutcome::AlreadyConfirmed(Box::new(r.clone()))),
        (_, true, _) => Write::Confirm,
        (_, false, _) => Write::Draft,
    };
    let confirmed = !matches!(how, Write::Draft);
    let id = investment::write_report(
        &mut tx,
        project,
        checked.month,
        existing.as_ref(),
        &checked.figures,
        how,
        Actor::User(user.id),
        Some(user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(ReportOutcome::Saved {
        id,
        confirmed,
        month: checked.month,
    })
}

/// The report, if the user may see its project (404 otherwise).
pub async fn visible_report(db: &PgPool, user: &CurrentUser, id: Uuid) -> AppResult<Report> {
    let report = investment::report(db, id).await?.ok_or(AppError::NotFound)?;
    access(db, user, report.project_id).await?;
    Ok(report)
}

/// What became of confirming a draft.
pub enum Confirmation {
    Done(Report),
    /// It changed since `version`, or was confirmed meanwhile: nothing changed.
    Conflict(Report),
}

/// The task force confirms the investor's draft as it reads at `version`.
pub async fn confirm(db: &PgPool, user: &CurrentUser, id: Uuid, version: i32) -> AppResult<Confirmation> {
    let report = visible_report(db, user, id).await?;
    if !access(db, user, report.project_id).await?.report {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    let current = investment::report_for_update(&mut tx, report.project_id, report.month())
        .await?
        .ok_or(AppError::NotFound)?;
    if current.confirmed || current.version != version {
        return Ok(Confirmation::Conflict(current));
    }
    let figures = ReportFigures {
        completed: current.completed.0,
        progress: current.progress.clone(),
        problems: current.problems.clone(),
    };
    investment::write_report(
        &mut tx,
        current.project_id,
        current.month(),
        Some(&current),
        &figures,
        Write::Confirm,
        Actor::User(user.id),
        Some(user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(Confirmation::Done(current))
}

/// A project's figures through a month.
#[derive(Clone, Debug)]
pub struct ProjectFigures {
    pub project: InvestmentProject,
    pub plan: Option<Plan>,
    pub standing: Standing,
}

/// Totals of one group of projects (a park, an industry, a stage).
#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    pub projects: usize,
    pub totals: Totals,
}

/// The county's (or the user's scope's) figures through a month.
#[derive(Clone, Debug)]
pub struct CountyFigures {
    pub month: Month,
    pub totals: Totals,
    /// Most behind the time line first; projects without a plan last.
    pub rows: Vec<ProjectFigures>,
    pub by_park: Vec<Group>,
    pub by_industry: Vec<Group>,
    pub by_stage: Vec<(Stage, usize, Totals)>,
}

fn group_totals<K: Ord + Clone>(
    rows: &[ProjectFigures],
    key: impl Fn(&ProjectFigures) -> K,
    m: u32,
) -> Vec<(K, usize, Totals)> {
    let mut groups: BTreeMap<K, Vec<&ProjectFigures>> = BTreeMap::new();
    for r in rows {
        groups.entry(key(r)).or_default().push(r);
    }
    groups
        .into_iter()
        .map(|(k, rs)| {
            let t = totals(rs.iter().map(|r| (r.plan.as_ref(), &r.standing)), m);
            (k, rs.len(), t)
        })
        .collect()
}

/// The figures through `month` over the projects of `scope` (the user's: `policy::project_scope`).
pub async fn county(db: &PgPool, settings: &Settings, scope: ProjectScope, month: Month) -> AppResult<CountyFigures> {
    let years = investment::years(db, scope, month.year()).await?;
    Ok(county_of(years, settings, month))
}

/// The county's figures through the month being reported as one run of the engine left them:
/// worked out by the first dashboard after the run and kept for the next ones (plans, reports and
/// settings wake the engine, so a run's figures are the latest the dashboard shows).
#[derive(Default)]
pub struct RunFigures {
    last: RwLock<Option<(RunKey, Arc<CountyFigures>)>>,
}

/// The run, the month and the county's day the figures were worked out for.
type RunKey = (Uuid, Month, NaiveDate);

impl RunFigures {
    pub fn of(&self, view: &RunView, settings: &Settings, month: Month) -> Arc<CountyFigures> {
        let key = (view.snapshot.id, month, settings.today());
        let last = self.last.read().unwrap_or_else(|e| e.into_inner());
        if let Some((_, figures)) = last.as_ref().filter(|(k, _)| *k == key) {
            return figures.clone();
        }
        drop(last);
        let figures = Arc::new(county_of(view.investment.reporting().iter().cloned(), settings, month));
        *self.last.write().unwrap_or_else(|e| e.into_inner()) = Some((key, figures.clone()));
        figures
    }
}

/// The figures through `month` of these projects' years (of the month's year).
pub fn county_of(
    years: impl IntoIterator<Item = (InvestmentProject, ProjectYear)>,
    settings: &Settings,
    month: Month,
) -> CountyFigures {
    let (today, due, rule) = (settings.today(), settings.report_due_day(), settings.investment_rule());
    let mut rows: Vec<ProjectFigures> = years
        .into_iter()
        .map(|(project, year)| ProjectFigures {
            standing: year.standing(month, today, due, rule),
            plan: year.plan,
            project,
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &ProjectFigures| r.standing.deviation.map(|d| (d * 10.0).round() as i64);
        key(a)
            .is_none()
            .cmp(&key(b).is_none())
            .then(key(a).cmp(&key(b)))
            .then(a.project.name.cmp(&b.project.name))
    });
    let m = month.number();
    let named = |g: Vec<(Option<String>, usize, Totals)>, none: &str| {
        g.into_iter()
            .map(|(k, projects, totals)| Group {
                name: k.unwrap_or_else(|| none.to_string()),
                projects,
                totals,
            })
            .collect()
    };
    CountyFigures {
        month,
        totals: totals(rows.iter().map(|r| (r.plan.as_ref(), &r.standing)), m),
        by_park: named(group_totals(&rows, |r| r.project.park.clone(), m), "—"),
        by_industry: named(group_totals(&rows, |r| r.project.industry.clone(), m), "—"),
        by_stage: group_totals(&rows, |r| r.project.stage, m),
        rows,
    }
}

/// One project's investment: its plan and figures through `month`, and its reports.
pub struct ProjectInvestment {
    pub access: Access,
    pub year: i32,
    pub plan: Option<StoredPlan>,
    pub standing: Standing,
    pub months: [Option<Wan>; 12],
    pub reports: Vec<Report>,
    pub corrections: std::collections::HashMap<Uuid, Vec<investment::Correction>>,
}

pub async fn of_project(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    project: Uuid,
    month: Month,
) -> AppResult<ProjectInvestment> {
    let access = access(db, user, project).await?;
    let year = investment::year_of(db, project, month.year()).await?;
    let standing = year.standing(
        month,
        settings.today(),
        settings.report_due_day(),
        settings.investment_rule(),
    );
    Ok(ProjectInvestment {
        access,
        year: month.year(),
        plan: investment::plan(db, project, month.year()).await?,
        standing,
        months: year.months,
        reports: investment::reports(db, project).await?,
        corrections: investment::corrections(db, project).await?,
    })
}

/// A project's investment as its page shows it: through the month being reported, and its
/// colour as judged today.
pub struct Panel {
    pub month: Month,
    pub plan: Option<Plan>,
    pub standing: Standing,
    pub months: [Option<Wan>; 12],
    pub judged: Option<Judged>,
}

/// The panel of a project the caller sees (the caller checked it): one statement, two in the
/// first months of a year (which read the year before too).
pub async fn panel(conn: &mut PgConnection, settings: &Settings, project: Uuid) -> AppResult<Panel> {
    let today = settings.today();
    let (due, rule) = (settings.report_due_day(), settings.investment_rule());
    let month = reporting_month(today);
    let this = investment::year_of(&mut *conn, project, today.year()).await?;
    let last = if month.year() < today.year() || month.previous().year() < today.year() {
        Some(investment::year_of(&mut *conn, project, today.year() - 1).await?)
    } else {
        None
    };
    let shown = if month.year() == today.year() {
        &this
    } else {
        last.as_ref().unwrap_or(&this)
    };
    Ok(Panel {
        month,
        standing: shown.standing(month, today, due, rule),
        plan: shown.plan.clone(),
        months: shown.months,
        judged: this.judged_today(last.as_ref(), today, due, rule),
    })
}

/// The statement of `month` as it would be frozen now: every project of the county.
pub async fn draft_statement(db: &PgPool, settings: &Settings, month: Month) -> AppResult<Statement> {
    let figures = county(db, settings, ProjectScope::All, month).await?;
    let texts = investment::month_texts(db, month).await?;
    let t = &figures.totals;
    Ok(Statement {
        month: month.to_string(),
        county: settings.county_name.clone(),
        plan_total: t.plan.to_string(),
        completed_total: t.completed.to_string(),
        completion_rate: t.rate,
        time_progress: t.time_progress,
        deviation_points: t.deviation,
        planned_starts: t.planned_starts,
        started: t.started,
        start_rate: t.start_rate,
        reported: t.reported,
        rows: figures
            .rows
            .iter()
            .map(|r| {
                let (progress, problems) = texts.get(&r.project.id).cloned().unwrap_or_default();
                StatementRow {
                    project_id: r.project.id,
                    name: r.project.name.clone(),
                    company: r.project.company.clone(),
                    description: r.project.description.clone(),
                    total_investment: r.project.total_investment_wan,
                    annual_plan: r.plan.as_ref().map(|p| p.annual.to_string()),
                    completed: r.standing.completed_this_year.to_string(),
                    completion_rate: r.standing.rate,
                    deviation_points: r.standing.deviation,
                    status: r.standing.colour,
                    progress,
                    problems,
                    lead_unit: r.project.lead_unit.clone(),
                    leader: r.project.leader_name.clone(),
                    reported: r.standing.reported,
                }
            })
            .collect(),
    })
}

/// A month's statement: frozen (with its number), or as it would be frozen now.
pub enum MonthStatement {
    Frozen {
        number: i32,
        frozen: investment::Frozen,
        statement: Statement,
    },
    Draft(Statement),
}

/// Who reads the statements: the county's overseers.
fn require_overseer(user: &CurrentUser) -> AppResult<()> {
    if policy::may_oversee_county(user) {
        Ok(())
    } else if policy::sees_internal(user) {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn statement(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    month: Month,
) -> AppResult<MonthStatement> {
    require_overseer(user)?;
    if let Some(frozen) = investment::frozen(db, month).await? {
        let statement: Statement = serde_json::from_value(frozen.content.clone())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("a frozen statement reads back: {e}")))?;
        return Ok(MonthStatement::Frozen {
            number: frozen.number,
            frozen,
            statement,
        });
    }
    Ok(MonthStatement::Draft(draft_statement(db, settings, month).await?))
}

/// What became of freezing a month.
pub enum Freezing {
    Frozen(i32),
    /// The month had its statement already (its number): nothing changed.
    Already(i32),
}

/// Freezes the statement of `month` (officials), once; a month not yet over is refused.
pub async fn freeze(db: &PgPool, settings: &Settings, user: &CurrentUser, month: Month) -> AppResult<Freezing> {
    if !policy::may_freeze_rankings(user) {
        return Err(if policy::sees_internal(user) {
            AppError::Forbidden
        } else {
            AppError::NotFound
        });
    }
    if month >= Month::of(settings.today()) {
        return Err(AppError::InvalidState("the month is not over yet".into()));
    }
    let statement = draft_statement(db, settings, month).await?;
    let content = serde_json::to_value(&statement).map_err(|e| AppError::Internal(e.into()))?;
    let mut tx = db.begin().await?;
    match investment::freeze(&mut tx, month, &content, user.id).await? {
        Some(number) => {
            tx.commit().await?;
            Ok(Freezing::Frozen(number))
        }
        None => {
            tx.rollback().await?;
            let frozen = investment::frozen(db, month).await?.ok_or(AppError::NotFound)?;
            Ok(Freezing::Already(frozen.number))
        }
    }
}
