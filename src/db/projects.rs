//! Reading projects as the policy allows: one query for a list, a fixed few for one project.

use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::policy::ProjectScope;
use crate::domain::lifecycle::Stage;
use crate::domain::status::{self, Colour, Thresholds};

impl TryFrom<String> for Stage {
    type Error = String;
    fn try_from(s: String) -> Result<Stage, String> {
        Stage::parse(&s).ok_or_else(|| format!("unknown stage {s:?}"))
    }
}

/// The visibility rule of [`ProjectScope`] as a predicate on `projects p`; `$1` kind, `$2` id.
const IN_SCOPE: &str = "($1 = 'all'
    OR ($1 = 'lead' AND EXISTS (
        SELECT 1 FROM task_force_members m JOIN task_forces f ON f.id = m.task_force_id
        WHERE f.project_id = p.id AND m.user_id = $2))
    OR ($1 = 'unit' AND (
        EXISTS (SELECT 1 FROM task_forces f WHERE f.project_id = p.id AND (f.lead_unit_id = $2
                OR EXISTS (SELECT 1 FROM task_force_units tu WHERE tu.task_force_id = f.id AND tu.unit_id = $2)))
        OR EXISTS (SELECT 1 FROM checklist_items i WHERE i.project_id = p.id AND i.responsible_unit_id = $2)))
    OR ($1 = 'investor' AND EXISTS (
        SELECT 1 FROM investor_projects ip WHERE ip.project_id = p.id AND ip.user_id = $2)))";

fn scope_params(scope: ProjectScope) -> (&'static str, Option<Uuid>) {
    match scope {
        ProjectScope::All => ("all", None),
        ProjectScope::TaskForcesOf(id) => ("lead", Some(id)),
        ProjectScope::Unit(id) => ("unit", Some(id)),
        ProjectScope::InvestorOf(id) => ("investor", Some(id)),
        ProjectScope::Nothing => ("nothing", None),
    }
}

/// A project with its task force's headline and its open-item figures on a given day.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ProjectSummary {
    pub id: Uuid,
    pub name: String,
    pub company: String,
    pub park: Option<String>,
    pub industry: Option<String>,
    pub investment_code: Option<String>,
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    pub total_investment_wan: Option<i64>,
    pub leader_name: Option<String>,
    pub lead_unit: Option<String>,
    pub open_items: i64,
    pub red_items: i64,
    pub yellow_items: i64,
    /// The open item with the earliest deadline: it decides the project's colour.
    pub worst_title: Option<String>,
    pub worst_deadline: Option<NaiveDate>,
    pub worst_unit: Option<String>,
}

impl ProjectSummary {
    pub fn worst_overdue_days(&self, today: NaiveDate) -> Option<i64> {
        self.worst_deadline.map(|d| status::overdue_days(today, d))
    }

    pub fn colour(&self, today: NaiveDate, t: Thresholds) -> Colour {
        status::project_colour(
            self.worst_overdue_days(today)
                .map(|d| status::colour_for_overdue(d, t)),
        )
    }
}

fn summary_sql(filter: &str) -> String {
    // $3 today, $4 red_after_days: the colour rule of domain::status, counted set-based.
    format!(
        "WITH open AS (
             SELECT project_id, count(*) AS open_items,
                    count(*) FILTER (WHERE $3::date - deadline > $4) AS red_items,
                    count(*) FILTER (WHERE $3::date - deadline BETWEEN 1 AND $4) AS yellow_items
             FROM checklist_items WHERE state = 'open' GROUP BY project_id),
         worst AS (
             SELECT DISTINCT ON (i.project_id) i.project_id, i.title, i.deadline, u.name AS unit
             FROM checklist_items i JOIN units u ON u.id = i.responsible_unit_id
             WHERE i.state = 'open' ORDER BY i.project_id, i.deadline, i.title)
         SELECT p.id, p.name, p.company, p.park, p.industry, p.investment_code, p.stage, p.total_investment_wan,
                f.leader_name, lu.name AS lead_unit,
                coalesce(o.open_items, 0) AS open_items, coalesce(o.red_items, 0) AS red_items,
                coalesce(o.yellow_items, 0) AS yellow_items,
                w.title AS worst_title, w.deadline AS worst_deadline, w.unit AS worst_unit
         FROM projects p
         LEFT JOIN task_forces f ON f.project_id = p.id
         LEFT JOIN units lu ON lu.id = f.lead_unit_id
         LEFT JOIN open o ON o.project_id = p.id
         LEFT JOIN worst w ON w.project_id = p.id
         WHERE {IN_SCOPE} {filter}
         ORDER BY coalesce(o.red_items, 0) DESC, coalesce(o.yellow_items, 0) DESC, w.deadline NULLS LAST, p.name"
    )
}

/// Every project the scope allows, worst first.
pub async fn list_visible(
    pool: &PgPool,
    scope: ProjectScope,
    today: NaiveDate,
    t: Thresholds,
) -> Result<Vec<ProjectSummary>, sqlx::Error> {
    let (kind, id) = scope_params(scope);
    sqlx::query_as(&summary_sql(""))
        .bind(kind)
        .bind(id)
        .bind(today)
        .bind(t.red_after_days as i32)
        .fetch_all(pool)
        .await
}

/// One project, if the scope allows it; `None` both when it does not exist and when it is not
/// visible, so that existence does not leak.
pub async fn find_visible(
    pool: &PgPool,
    scope: ProjectScope,
    id: Uuid,
    today: NaiveDate,
    t: Thresholds,
) -> Result<Option<ProjectSummary>, sqlx::Error> {
    let (kind, scope_id) = scope_params(scope);
    sqlx::query_as(&summary_sql("AND p.id = $5"))
        .bind(kind)
        .bind(scope_id)
        .bind(today)
        .bind(t.red_after_days as i32)
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StageDate {
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    pub planned_on: Option<NaiveDate>,
    pub actual_on: Option<NaiveDate>,
}

pub async fn stage_dates(pool: &PgPool, project: Uuid) -> Result<Vec<StageDate>, sqlx::Error> {
    sqlx::query_as(
        "SELECT stage, planned_on, actual_on FROM project_stage_dates WHERE project_id = $1",
    )
    .bind(project)
    .fetch_all(pool)
    .await
}

pub async fn member_units(pool: &PgPool, project: Uuid) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT u.name FROM task_forces f
         JOIN task_force_units tu ON tu.task_force_id = f.id JOIN units u ON u.id = tu.unit_id
         WHERE f.project_id = $1 ORDER BY u.name",
    )
    .bind(project)
    .fetch_all(pool)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OpenItem {
    pub id: Uuid,
    pub title: String,
    pub unit: String,
    pub deadline: NaiveDate,
    pub note: Option<String>,
    pub note_for_investor: bool,
}

/// The open items of a project, most urgent first.
pub async fn open_items(pool: &PgPool, project: Uuid) -> Result<Vec<OpenItem>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.title, u.name AS unit, i.deadline, i.note, i.note_for_investor
         FROM checklist_items i JOIN units u ON u.id = i.responsible_unit_id
         WHERE i.project_id = $1 AND i.state = 'open' ORDER BY i.deadline, i.title",
    )
    .bind(project)
    .fetch_all(pool)
    .await
}
