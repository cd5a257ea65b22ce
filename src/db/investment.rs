//! Investment plans, monthly reports and the frozen monthly statements: read set-based for a whole
//! county (one statement for every project's year), written with their audit entries.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::audit::{self, Actor};
use super::notifications;
use super::scope::{in_scope, scope_params};
use crate::domain::access::ProjectScope;
use crate::domain::investment::{
    ColourRule, Judged, Month, Plan, ProjectYear, ReportReminder, Wan, report_reminder, reporting_month,
};
use crate::domain::lifecycle::Stage;
use crate::domain::notification::EventKind;

/// An amount PostgreSQL gives as text (`numeric::text`): exact, never through a float.
fn wan(text: &str) -> Wan {
    Wan::parse(text).unwrap_or_default()
}

/// A project as the investment pages and the statement up name it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InvestmentProject {
    pub id: Uuid,
    pub name: String,
    pub company: String,
    pub park: Option<String>,
    pub industry: Option<String>,
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    pub description: Option<String>,
    pub total_investment_wan: Option<i64>,
    pub leader_name: Option<String>,
    pub lead_unit: Option<String>,
}

#[derive(sqlx::FromRow)]
struct YearRow {
    #[sqlx(flatten)]
    project: InvestmentProject,
    annual: Option<String>,
    monthly: Option<Vec<String>>,
    planned_start_month: Option<i32>,
    months: Option<Vec<i32>>,
    amounts: Option<Vec<String>>,
    before_year: Option<String>,
    started_on: Option<NaiveDate>,
}

impl YearRow {
    fn year(&self) -> ProjectYear {
        let plan = self
            .annual
            .as_deref()
            .map(|annual| plan_of(annual, self.monthly.as_ref(), self.planned_start_month));
        let mut months = [None; 12];
        for (m, a) in self.months.iter().flatten().zip(self.amounts.iter().flatten()) {
            if let Some(slot) = usize::try_from(*m - 1).ok().and_then(|i| months.get_mut(i)) {
                *slot = Some(wan(a));
            }
        }
        ProjectYear {
            plan,
            months,
            before_this_year: self.before_year.as_deref().map(wan).unwrap_or_default(),
            started_on: self.started_on,
        }
    }
}

/// Every project of the scope with a plan for `year` or a confirmed report in it, with its year
/// as reported (confirmed reports only), in one statement. The reports come from an index that
/// holds their amounts (0020); months and amounts are gathered in one order, whichever it is, and
/// [`YearRow::year`] puts each amount in its month's place (an ordered aggregate sorted every
/// project's reports: two thirds of the statement's time at province scale).
pub async fn years<'e>(
    db: impl PgExecutor<'e>,
    scope: ProjectScope,
    year: i32,
) -> Result<Vec<(InvestmentProject, ProjectYear)>, sqlx::Error> {
    let (kind, id) = scope_params(scope);
    let scoped = in_scope(scope);
    let start = Month::new(year, 1).map(Month::first_day);
    let end = Month::new(year, 12).map(|m| m.next().first_day());
    let rows: Vec<YearRow> = sqlx::query_as(&format!(
        "WITH r AS (
             SELECT project_id,
                    array_agg(extract(month FROM month)::int) FILTER (WHERE month >= $3) AS months,
                    array_agg(completed::text) FILTER (WHERE month >= $3) AS amounts,
                    (coalesce(sum(completed) FILTER (WHERE month < $3), 0))::text AS before_year
             FROM monthly_reports WHERE confirmed AND month < $4 GROUP BY project_id)
         SELECT p.id, p.name, p.company, p.park, p.industry, p.stage, p.description, p.total_investment_wan,
                f.leader_name, lu.name AS lead_unit,
                pl.annual::text AS annual, pl.monthly::text[] AS monthly, pl.planned_start_month,
                r.months, r.amounts, r.before_year,
                coalesce(sd.actual_on, CASE WHEN p.stage IN ('construction_started', 'completed', 'in_production')
                                            THEN date '2000-01-01' END) AS started_on
         FROM projects p
         LEFT JOIN investment_plans pl ON pl.project_id = p.id AND pl.year = $5
         LEFT JOIN r ON r.project_id = p.id
         LEFT JOIN task_forces f ON f.project_id = p.id
         LEFT JOIN units lu ON lu.id = f.lead_unit_id
         LEFT JOIN project_stage_dates sd ON sd.project_id = p.id AND sd.stage = 'construction_started'
         WHERE (pl.project_id IS NOT NULL OR r.project_id IS NOT NULL) AND {scoped}
         ORDER BY p.name, p.id"
    ))
    .bind(kind)
    .bind(id)
    .bind(start)
    .bind(end)
    .bind(year)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let year = r.year();
            (r.project, year)
        })
        .collect())
}

/// Every project's year as the county pages need it today: the year of the month being reported,
/// and the year before it when that month or the one before falls in it (January and February).
#[derive(Debug)]
pub struct CountyYears {
    pub today: NaiveDate,
    pub this_year: Vec<(InvestmentProject, ProjectYear)>,
    pub last_year: Vec<(InvestmentProject, ProjectYear)>,
}

impl CountyYears {
    pub async fn load(conn: &mut PgConnection, today: NaiveDate) -> Result<CountyYears, sqlx::Error> {
        let reporting = reporting_month(today);
        let needs_last = reporting.year() < today.year() || reporting.previous().year() < today.year();
        let last_year = if needs_last {
            years(&mut *conn, ProjectScope::All, today.year() - 1).await?
        } else {
            Vec::new()
        };
        Ok(CountyYears {
            today,
            this_year: years(&mut *conn, ProjectScope::All, today.year()).await?,
            last_year,
        })
    }

    /// The years of the month being reported.
    pub fn reporting(&self) -> &[(InvestmentProject, ProjectYear)] {
        if reporting_month(self.today).year() == self.today.year() {
            &self.this_year
        } else {
            &self.last_year
        }
    }

    /// Every project's investment colour as judged today ([`ProjectYear::judged_today`]).
    pub fn judged(&self, due_day: u32, rule: ColourRule) -> HashMap<Uuid, Judged> {
        let last: HashMap<Uuid, &ProjectYear> = self.last_year.iter().map(|(p, y)| (p.id, y)).collect();
        let this: HashMap<Uuid, &ProjectYear> = self.this_year.iter().map(|(p, y)| (p.id, y)).collect();
        let empty = ProjectYear::default();
        let ids: std::collections::HashSet<Uuid> = this.keys().chain(last.keys()).copied().collect();
        ids.into_iter()
            .filter_map(|id| {
                let year = this.get(&id).copied().unwrap_or(&empty);
                Some((
                    id,
                    year.judged_today(last.get(&id).copied(), self.today, due_day, rule)?,
                ))
            })
            .collect()
    }
}

/// One project's year (empty when it has neither a plan nor a report that year).
pub async fn year_of<'e>(db: impl PgExecutor<'e>, project: Uuid, year: i32) -> Result<ProjectYear, sqlx::Error> {
    let start = Month::new(year, 1).map(Month::first_day);
    let end = Month::new(year, 12).map(|m| m.next().first_day());
    let row: YearRow = sqlx::query_as(
        "WITH r AS (
             SELECT array_agg(extract(month FROM month)::int ORDER BY month) FILTER (WHERE month >= $2) AS months,
                    array_agg(completed::text ORDER BY month) FILTER (WHERE month >= $2) AS amounts,
                    (coalesce(sum(completed) FILTER (WHERE month < $2), 0))::text AS before_year
             FROM monthly_reports WHERE confirmed AND month < $3 AND project_id = $1)
         SELECT p.id, p.name, p.company, p.park, p.industry, p.stage, p.description, p.total_investment_wan,
                NULL::text AS leader_name, NULL::text AS lead_unit,
                pl.annual::text AS annual, pl.monthly::text[] AS monthly, pl.planned_start_month,
                r.months, r.amounts, r.before_year,
                coalesce(sd.actual_on, CASE WHEN p.stage IN ('construction_started', 'completed', 'in_production')
                                            THEN date '2000-01-01' END) AS started_on
         FROM projects p CROSS JOIN r
         LEFT JOIN investment_plans pl ON pl.project_id = p.id AND pl.year = $4
         LEFT JOIN project_stage_dates sd ON sd.project_id = p.id AND sd.stage = 'construction_started'
         WHERE p.id = $1",
    )
    .bind(project)
    .bind(start)
    .bind(end)
    .bind(year)
    .fetch_one(db)
    .await?;
    Ok(row.year())
}

/// A plan as stored, with its version for concurrent edits.
#[derive(Clone, Debug)]
pub struct StoredPlan {
    pub plan: Plan,
    pub version: i32,
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    annual: String,
    monthly: Option<Vec<String>>,
    planned_start_month: Option<i32>,
    version: i32,
}

/// A plan from its stored columns (amounts as `numeric::text`).
fn plan_of(annual: &str, monthly: Option<&Vec<String>>, start: Option<i32>) -> Plan {
    Plan {
        annual: wan(annual),
        monthly: monthly.and_then(|m| m.iter().map(|a| wan(a)).collect::<Vec<_>>().try_into().ok()),
        planned_start_month: start.and_then(|m| u32::try_from(m).ok()),
    }
}

pub async fn plan<'e>(db: impl PgExecutor<'e>, project: Uuid, year: i32) -> Result<Option<StoredPlan>, sqlx::Error> {
    let row: Option<PlanRow> = sqlx::query_as(
        "SELECT annual::text AS annual, monthly::text[] AS monthly, planned_start_month, version
         FROM investment_plans WHERE project_id = $1 AND year = $2",
    )
    .bind(project)
    .bind(year)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| StoredPlan {
        plan: plan_of(&r.annual, r.monthly.as_ref(), r.planned_start_month),
        version: r.version,
    }))
}

fn plan_json(plan: &Plan) -> serde_json::Value {
    json!({
        "annual_investment": plan.annual.to_string(),
        "monthly": plan.monthly.map(|m| m.iter().map(Wan::to_string).collect::<Vec<_>>()),
        "planned_start_month": plan.planned_start_month,
    })
}

fn amounts(plan: &Plan) -> (String, Option<Vec<String>>) {
    (
        plan.annual.to_string(),
        plan.monthly.map(|m| m.iter().map(Wan::to_string).collect()),
    )
}

/// What became of saving a plan.
pub enum PlanSaved {
    Done,
    /// Another edit came first: the version expected is not the stored one (nothing changed).
    Conflict(Option<StoredPlan>),
}

/// Saves the plan of `project` for `year` if it is still at `version` (`Some(None)`: there is
/// none yet; `None`: whatever it is), with its audit entry.
pub async fn save_plan(
    conn: &mut PgConnection,
    project: Uuid,
    year: i32,
    plan: &Plan,
    version: Option<Option<i32>>,
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<PlanSaved, sqlx::Error> {
    // The project's row orders concurrent first plans of one year.
    sqlx::query("SELECT 1 FROM projects WHERE id = $1 FOR UPDATE")
        .bind(project)
        .execute(&mut *conn)
        .await?;
    let before = self::plan(&mut *conn, project, year).await?;
    if version.is_some_and(|v| before.as_ref().map(|p| p.version) != v) {
        return Ok(PlanSaved::Conflict(before));
    }
    let (annual, monthly) = amounts(plan);
    let start = plan.planned_start_month.map(|m| m as i32);
    sqlx::query(
        "INSERT INTO investment_plans (project_id, year, annual, monthly, planned_start_month, updated_by)
         VALUES ($1, $2, $3::numeric, $4::numeric[], $5, $6)
         ON CONFLICT (project_id, year) DO UPDATE SET annual = excluded.annual, monthly = excluded.monthly,
             planned_start_month = excluded.planned_start_month, updated_by = excluded.updated_by,
             updated_at = now(), version = investment_plans.version + 1",
    )
    .bind(project)
    .bind(year)
    .bind(annual)
    .bind(monthly)
    .bind(start)
    .bind(user)
    .execute(&mut *conn)
    .await?;
    let mut after = plan_json(plan);
    after["year"] = year.into();
    audit::record(
        conn,
        audit::Entry {
            actor,
            action: "investment.plan",
            entity: "project",
            entity_id: Some(project),
            project_id: Some(project),
            before: before.map(|b| {
                let mut v = plan_json(&b.plan);
                v["year"] = year.into();
                v
            }),
            after: Some(after),
        },
    )
    .await?;
    Ok(PlanSaved::Done)
}

/// A monthly report as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Report {
    pub id: Uuid,
    pub project_id: Uuid,
    pub month: NaiveDate,
    #[sqlx(try_from = "String")]
    pub completed: WanText,
    pub progress: Option<String>,
    pub problems: Option<String>,
    pub confirmed: bool,
    pub drafted_by: Option<String>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub corrections: i64,
}

/// An amount read from `numeric::text`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WanText(pub Wan);

impl TryFrom<String> for WanText {
    type Error = String;
    fn try_from(s: String) -> Result<WanText, String> {
        Wan::parse(&s).map(WanText).map_err(|_| format!("not an amount: {s:?}"))
    }
}

impl Report {
    pub fn month(&self) -> Month {
        Month::of(self.month)
    }
}

const REPORTS: &str = "SELECT r.id, r.project_id, r.month, r.completed::text AS completed, r.progress, r.problems,
        r.confirmed, d.display_name AS drafted_by, c.display_name AS confirmed_by, r.confirmed_at, r.version,
        (SELECT count(*) FROM monthly_report_corrections k WHERE k.report_id = r.id) AS corrections
    FROM monthly_reports r
    LEFT JOIN users d ON d.id = r.drafted_by
    LEFT JOIN users c ON c.id = r.confirmed_by";

/// A project's reports, latest month first.
pub async fn reports<'e>(db: impl PgExecutor<'e>, project: Uuid) -> Result<Vec<Report>, sqlx::Error> {
    sqlx::query_as(&format!("{REPORTS} WHERE r.project_id = $1 ORDER BY r.month DESC"))
        .bind(project)
        .fetch_all(db)
        .await
}

pub async fn report<'e>(db: impl PgExecutor<'e>, id: Uuid) -> Result<Option<Report>, sqlx::Error> {
    sqlx::query_as(&format!("{REPORTS} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The project's report of `month`, locked for a change.
pub async fn report_for_update(
    conn: &mut PgConnection,
    project: Uuid,
    month: Month,
) -> Result<Option<Report>, sqlx::Error> {
    // Lock the project's row first: two first reports of one month wait for each other.
    sqlx::query("SELECT 1 FROM projects WHERE id = $1 FOR UPDATE")
        .bind(project)
        .execute(&mut *conn)
        .await?;
    sqlx::query_as(&format!(
        "{REPORTS} WHERE r.project_id = $1 AND r.month = $2 FOR UPDATE OF r"
    ))
    .bind(project)
    .bind(month.first_day())
    .fetch_optional(conn)
    .await
}

/// What a report says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFigures {
    pub completed: Wan,
    pub progress: Option<String>,
    pub problems: Option<String>,
}

impl ReportFigures {
    fn json(&self, month: Month, confirmed: bool) -> serde_json::Value {
        json!({
            "month": month.to_string(),
            "completed_investment": self.completed.to_string(),
            "progress": self.progress,
            "problems": self.problems,
            "confirmed": confirmed,
        })
    }
}

fn figures_of(r: &Report) -> ReportFigures {
    ReportFigures {
        completed: r.completed.0,
        progress: r.progress.clone(),
        problems: r.problems.clone(),
    }
}

/// How a report is written.
pub enum Write<'a> {
    /// A draft (the investor's), or a draft replaced.
    Draft,
    /// Confirmed by the task force (a new report, or a draft confirmed as it now reads).
    Confirm,
    /// A confirmed report corrected, with the reason kept.
    Correct { reason: &'a str },
}

/// Writes the report of `project` for `month` over `existing` (locked by [`report_for_update`]),
/// with its audit entry; returns its id.
#[allow(clippy::too_many_arguments)]
pub async fn write_report(
    conn: &mut PgConnection,
    project: Uuid,
    month: Month,
    existing: Option<&Report>,
    figures: &ReportFigures,
    how: Write<'_>,
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<Uuid, sqlx::Error> {
    let confirmed = !matches!(how, Write::Draft);
    let id: Uuid =
        match existing {
            None => sqlx::query_scalar(
                "INSERT INTO monthly_reports (project_id, month, completed, progress, problems, confirmed, drafted_by,
                                              confirmed_by, confirmed_at)
                 VALUES ($1, $2, $3::numeric, $4, $5, $6, $7, CASE WHEN $6 THEN $7 END, CASE WHEN $6 THEN now() END)
                 RETURNING id",
            )
            .bind(project)
            .bind(month.first_day())
            .bind(figures.completed.to_string())
            .bind(&figures.progress)
            .bind(&figures.problems)
            .bind(confirmed)
            .bind(user)
            .fetch_one(&mut *conn)
            .await?,
            Some(r) => {
                let confirming = confirmed && !r.confirmed;
                sqlx::query_scalar(
                    "UPDATE monthly_reports SET completed = $2::numeric, progress = $3, problems = $4,
                        confirmed = $5, confirmed_by = CASE WHEN $6 THEN $7 ELSE confirmed_by END,
                        confirmed_at = CASE WHEN $6 THEN now() ELSE confirmed_at END,
                        drafted_by = CASE WHEN $5 THEN drafted_by ELSE $7 END,
                        version = version + 1, updated_at = now()
                 WHERE id = $1 RETURNING id",
                )
                .bind(r.id)
                .bind(figures.completed.to_string())
                .bind(&figures.progress)
                .bind(&figures.problems)
                .bind(confirmed)
                .bind(confirming)
                .bind(user)
                .fetch_one(&mut *conn)
                .await?
            }
        };
    let before = existing.map(|r| figures_of(r).json(month, r.confirmed));
    let after = figures.json(month, confirmed);
    if let (Write::Correct { reason }, Some(before)) = (&how, &before) {
        sqlx::query(
            "INSERT INTO monthly_report_corrections (report_id, corrected_by, reason, before, after)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(user)
        .bind(reason)
        .bind(before)
        .bind(&after)
        .execute(&mut *conn)
        .await?;
    }
    let action = match how {
        Write::Draft => "investment.draft",
        Write::Confirm => "investment.report",
        Write::Correct { .. } => "investment.correct",
    };
    let mut after = after;
    if let Write::Correct { reason } = how {
        after["reason"] = reason.into();
    }
    audit::record(
        conn,
        audit::Entry {
            actor,
            action,
            entity: "project",
            entity_id: Some(project),
            project_id: Some(project),
            before,
            after: Some(after),
        },
    )
    .await?;
    Ok(id)
}

/// A correction of a confirmed report, as its history shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Correction {
    pub corrected_at: DateTime<Utc>,
    pub corrected_by: Option<String>,
    pub reason: String,
    pub before_amount: Option<String>,
    pub after_amount: Option<String>,
}

/// The corrections of a project's reports by report, oldest first.
pub async fn corrections<'e>(
    db: impl PgExecutor<'e>,
    project: Uuid,
) -> Result<HashMap<Uuid, Vec<Correction>>, sqlx::Error> {
    let rows: Vec<(Uuid, Correction)> = sqlx::query_as::<_, CorrectionRow>(
        "SELECT k.report_id, k.corrected_at, u.display_name AS corrected_by, k.reason,
                k.before->>'completed_investment' AS before_amount, k.after->>'completed_investment' AS after_amount
         FROM monthly_report_corrections k JOIN monthly_reports r ON r.id = k.report_id
         LEFT JOIN users u ON u.id = k.corrected_by
         WHERE r.project_id = $1 ORDER BY k.corrected_at, k.id",
    )
    .bind(project)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.report_id, r.correction))
    .collect();
    let mut by_report: HashMap<Uuid, Vec<Correction>> = HashMap::new();
    for (id, c) in rows {
        by_report.entry(id).or_default().push(c);
    }
    Ok(by_report)
}

#[derive(sqlx::FromRow)]
struct CorrectionRow {
    report_id: Uuid,
    #[sqlx(flatten)]
    correction: Correction,
}

/// What each project reported for `month` (confirmed): its progress and problems, for the statement.
pub async fn month_texts<'e>(
    db: impl PgExecutor<'e>,
    month: Month,
) -> Result<HashMap<Uuid, (Option<String>, Option<String>)>, sqlx::Error> {
    let rows: Vec<(Uuid, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT project_id, progress, problems FROM monthly_reports WHERE confirmed AND month = $1")
            .bind(month.first_day())
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(|(id, a, b)| (id, (a, b))).collect())
}

/// A frozen monthly statement.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Frozen {
    pub month: NaiveDate,
    pub number: i32,
    pub frozen_at: DateTime<Utc>,
    pub frozen_by: Option<String>,
    pub content: serde_json::Value,
}

const FROZEN: &str = "SELECT s.month, s.number, s.frozen_at, u.display_name AS frozen_by, s.content
    FROM monthly_statements s LEFT JOIN users u ON u.id = s.frozen_by";

pub async fn frozen<'e>(db: impl PgExecutor<'e>, month: Month) -> Result<Option<Frozen>, sqlx::Error> {
    sqlx::query_as(&format!("{FROZEN} WHERE s.month = $1"))
        .bind(month.first_day())
        .fetch_optional(db)
        .await
}

/// The frozen statements, latest first (without their content).
pub async fn frozen_months<'e>(db: impl PgExecutor<'e>) -> Result<Vec<(NaiveDate, i32, DateTime<Utc>)>, sqlx::Error> {
    sqlx::query_as("SELECT month, number, frozen_at FROM monthly_statements ORDER BY month DESC")
        .fetch_all(db)
        .await
}

/// Freezes `content` as the statement of `month`, numbered next in its year, unless the month
/// has one (then `None`). The caller holds the transaction.
pub async fn freeze(
    conn: &mut PgConnection,
    month: Month,
    content: &serde_json::Value,
    user: Uuid,
) -> Result<Option<i32>, sqlx::Error> {
    // One freezing at a time: the number is the year's next.
    sqlx::query("LOCK TABLE monthly_statements IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *conn)
        .await?;
    if frozen(&mut *conn, month).await?.is_some() {
        return Ok(None);
    }
    let number: i32 = sqlx::query_scalar(
        "INSERT INTO monthly_statements (month, number, frozen_by, content)
         VALUES ($1, (SELECT coalesce(max(number), 0) + 1 FROM monthly_statements
                      WHERE month >= $2 AND month < $3), $4, $5)
         RETURNING number",
    )
    .bind(month.first_day())
    .bind(Month::new(month.year(), 1).map(Month::first_day))
    .bind(Month::new(month.year(), 12).map(|m| m.next().first_day()))
    .bind(user)
    .bind(content)
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        audit::Entry {
            actor: Actor::User(user),
            action: "investment.freeze",
            entity: "monthly_statement",
            entity_id: None,
            project_id: None,
            before: None,
            after: Some(json!({"month": month.to_string(), "number": number})),
        },
    )
    .await?;
    Ok(Some(number))
}

/// Reminds each task force whose project has a plan for `today`'s reporting month's year of that
/// month's report while it is not in (domain::investment::report_reminder): due within days, then
/// late; once per project, month and kind, however many runs and instances look.
pub async fn remind_reports(conn: &mut PgConnection, today: NaiveDate, due_day: u32) -> Result<usize, sqlx::Error> {
    let month = reporting_month(today);
    let Some(kind) = report_reminder(month, today, due_day).map(|r| match r {
        ReportReminder::Due => EventKind::MonthlyReportDue,
        ReportReminder::Late => EventKind::MonthlyReportLate,
    }) else {
        return Ok(0);
    };
    let events: Vec<Uuid> = sqlx::query_scalar(
        "INSERT INTO events (kind, dedup_key, project_id, subject, deadline)
         SELECT $1, $1 || ':' || p.id || ':' || $2, p.id, $2, $4
         FROM investment_plans pl JOIN projects p ON p.id = pl.project_id
         WHERE pl.year = $3
           AND NOT EXISTS (SELECT 1 FROM monthly_reports r
                           WHERE r.project_id = p.id AND r.month = $5 AND r.confirmed)
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(kind.as_str())
    .bind(month.to_string())
    .bind(month.year())
    .bind(month.report_due(due_day))
    .bind(month.first_day())
    .fetch_all(&mut *conn)
    .await?;
    notifications::deliver(conn, &events).await?;
    Ok(events.len())
}
