//! Reading projects as the policy allows: one query for a list, a fixed few for one project.

use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::policy::ProjectScope;
use crate::domain::lifecycle::Stage;
use crate::domain::status::{self, Colour, Thresholds};

/// The visibility rule of [`ProjectScope`] as a predicate on `projects p`; `$1` kind, `$2` id.
pub(crate) const IN_SCOPE: &str = "($1 = 'all'
    OR ($1 = 'lead' AND EXISTS (
        SELECT 1 FROM task_force_members m JOIN task_forces f ON f.id = m.task_force_id
        WHERE f.project_id = p.id AND m.user_id = $2))
    OR ($1 = 'unit' AND (
        EXISTS (SELECT 1 FROM task_forces f WHERE f.project_id = p.id AND (f.lead_unit_id = $2
                OR EXISTS (SELECT 1 FROM task_force_units tu WHERE tu.task_force_id = f.id AND tu.unit_id = $2)))
        OR EXISTS (SELECT 1 FROM checklist_items i WHERE i.project_id = p.id AND i.responsible_unit_id = $2)))
    OR ($1 = 'investor' AND EXISTS (
        SELECT 1 FROM investor_projects ip WHERE ip.project_id = p.id AND ip.user_id = $2)))";

/// A first column for queries over `projects p` with the user as `$3`: whether they belong to the
/// project's task force (what lets a lead edit its checklist).
pub(crate) const ON_TASK_FORCE: &str = "SELECT EXISTS (SELECT 1 FROM task_force_members m
        JOIN task_forces f ON f.id = m.task_force_id WHERE f.project_id = p.id AND m.user_id = $3) AS on_task_force, ";

pub(crate) fn scope_params(scope: ProjectScope) -> (&'static str, Option<Uuid>) {
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
    pub description: Option<String>,
    pub version: i32,
    pub leader_name: Option<String>,
    pub lead_unit: Option<String>,
    pub open_items: i64,
    pub red_items: i64,
    pub yellow_items: i64,
    /// The open item with the earliest deadline: it decides the project's colour.
    pub worst_title: Option<String>,
    pub worst_deadline: Option<NaiveDate>,
    pub worst_unit: Option<String>,
    /// Rows matching the list's filters across all pages.
    pub total: i64,
}

impl ProjectSummary {
    pub fn worst_overdue_days(&self, today: NaiveDate) -> Option<i64> {
        self.worst_deadline.map(|d| status::overdue_days(today, d))
    }

    pub fn colour(&self, today: NaiveDate, t: Thresholds) -> Colour {
        status::project_colour(self.worst_overdue_days(today).map(|d| status::colour_for_overdue(d, t)))
    }
}

fn summary_sql(filter: &str, order: &str) -> String {
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
                p.description, p.version,
                f.leader_name, lu.name AS lead_unit,
                coalesce(o.open_items, 0) AS open_items, coalesce(o.red_items, 0) AS red_items,
                coalesce(o.yellow_items, 0) AS yellow_items,
                w.title AS worst_title, w.deadline AS worst_deadline, w.unit AS worst_unit,
                count(*) OVER () AS total
         FROM projects p
         LEFT JOIN task_forces f ON f.project_id = p.id
         LEFT JOIN units lu ON lu.id = f.lead_unit_id
         LEFT JOIN open o ON o.project_id = p.id
         LEFT JOIN worst w ON w.project_id = p.id
         WHERE {IN_SCOPE} {filter}
         ORDER BY {order}"
    )
}

/// Worst first: red projects, then yellow, then by the earliest open deadline.
const WORST_FIRST: &str = "coalesce(o.red_items, 0) > 0 DESC, coalesce(o.yellow_items, 0) > 0 DESC,
    coalesce(o.red_items, 0) DESC, w.deadline NULLS LAST, p.name";

/// How the projects list is sorted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// Red first, then yellow (the default).
    Colour,
    /// The nearest open deadline first.
    Deadline,
    /// The largest investment first.
    Investment,
    /// Earliest lifecycle stage first.
    Stage,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Colour, Sort::Deadline, Sort::Investment, Sort::Stage];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Colour => "colour",
            Sort::Deadline => "deadline",
            Sort::Investment => "investment",
            Sort::Stage => "stage",
        }
    }

    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.as_str() == s)
    }

    fn order_by(self) -> &'static str {
        match self {
            Sort::Colour => WORST_FIRST,
            Sort::Deadline => "w.deadline NULLS LAST, p.name",
            Sort::Investment => "p.total_investment_wan DESC NULLS LAST, p.name",
            Sort::Stage => {
                "array_position(ARRAY['negotiating', 'signed', 'filed', 'land_secured', 'construction_started',
                 'completed', 'in_production'], p.stage), p.name"
            }
        }
    }
}

/// Filters, sort and page of the projects list.
#[derive(Clone, Debug)]
pub struct ListQuery {
    pub stage: Option<Stage>,
    pub colour: Option<Colour>,
    pub park: Option<String>,
    pub text: Option<String>,
    pub sort: Sort,
    pub limit: i64,
    pub offset: i64,
}

/// `%text%` for ILIKE, with the pattern characters of the text taken literally.
fn contains_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// One page of the projects the scope allows, filtered and sorted; each row carries the total.
pub async fn search(
    pool: &PgPool,
    scope: ProjectScope,
    today: NaiveDate,
    t: Thresholds,
    q: &ListQuery,
) -> Result<Vec<ProjectSummary>, sqlx::Error> {
    let (kind, id) = scope_params(scope);
    let filter = "AND ($5::text IS NULL OR p.stage = $5)
        AND ($6::text IS NULL
             OR ($6 = 'red' AND coalesce(o.red_items, 0) > 0)
             OR ($6 = 'yellow' AND coalesce(o.red_items, 0) = 0 AND coalesce(o.yellow_items, 0) > 0)
             OR ($6 = 'green' AND coalesce(o.red_items, 0) = 0 AND coalesce(o.yellow_items, 0) = 0))
        AND ($7::text IS NULL OR p.park = $7)
        AND ($8::text IS NULL OR p.name ILIKE $8 OR p.company ILIKE $8 OR p.investment_code ILIKE $8)";
    let sql = format!("{} LIMIT $9 OFFSET $10", summary_sql(filter, q.sort.order_by()));
    sqlx::query_as(&sql)
        .bind(kind)
        .bind(id)
        .bind(today)
        .bind(t.red_after_days as i32)
        .bind(q.stage.map(Stage::as_str))
        .bind(q.colour.map(Colour::as_str))
        .bind(q.park.as_deref())
        .bind(q.text.as_deref().map(contains_pattern))
        .bind(q.limit)
        .bind(q.offset)
        .fetch_all(pool)
        .await
}

/// The industrial parks named by visible projects, for the list's filter.
pub async fn parks(pool: &PgPool, scope: ProjectScope) -> Result<Vec<String>, sqlx::Error> {
    let (kind, id) = scope_params(scope);
    sqlx::query_scalar(&format!(
        "SELECT DISTINCT p.park FROM projects p WHERE p.park IS NOT NULL AND {IN_SCOPE} ORDER BY p.park"
    ))
    .bind(kind)
    .bind(id)
    .fetch_all(pool)
    .await
}

/// Every project the scope allows, worst first.
pub async fn list_visible(
    pool: &PgPool,
    scope: ProjectScope,
    today: NaiveDate,
    t: Thresholds,
) -> Result<Vec<ProjectSummary>, sqlx::Error> {
    let (kind, id) = scope_params(scope);
    sqlx::query_as(&summary_sql("", WORST_FIRST))
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
    sqlx::query_as(&summary_sql("AND p.id = $5", WORST_FIRST))
        .bind(kind)
        .bind(scope_id)
        .bind(today)
        .bind(t.red_after_days as i32)
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Whether the scope allows the project (cheaper than reading its summary).
pub async fn is_visible(pool: &PgPool, scope: ProjectScope, id: Uuid) -> Result<bool, sqlx::Error> {
    let (kind, scope_id) = scope_params(scope);
    sqlx::query_scalar(&format!(
        "SELECT EXISTS (SELECT 1 FROM projects p WHERE p.id = $3 AND {IN_SCOPE})"
    ))
    .bind(kind)
    .bind(scope_id)
    .bind(id)
    .fetch_one(pool)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StageDate {
    pub project_id: Uuid,
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    pub planned_on: Option<NaiveDate>,
    pub actual_on: Option<NaiveDate>,
}

pub async fn stage_dates(pool: &PgPool, project: Uuid) -> Result<Vec<StageDate>, sqlx::Error> {
    stage_dates_of(pool, &[project]).await
}

pub async fn stage_dates_of(pool: &PgPool, projects: &[Uuid]) -> Result<Vec<StageDate>, sqlx::Error> {
    sqlx::query_as(
        "SELECT project_id, stage, planned_on, actual_on FROM project_stage_dates WHERE project_id = ANY($1)",
    )
    .bind(projects)
    .fetch_all(pool)
    .await
}

/// The member units and the liaisons of a project's task force, by name.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct TaskForcePeople {
    pub member_units: Vec<String>,
    pub liaisons: Vec<String>,
}

pub async fn task_force_people(pool: &PgPool, project: Uuid) -> Result<TaskForcePeople, sqlx::Error> {
    let people = sqlx::query_as(
        "SELECT coalesce((SELECT array_agg(u.name ORDER BY u.name) FROM task_force_units tu
                          JOIN units u ON u.id = tu.unit_id WHERE tu.task_force_id = f.id), '{}') AS member_units,
                coalesce((SELECT array_agg(us.display_name ORDER BY us.display_name) FROM task_force_members m
                          JOIN users us ON us.id = m.user_id WHERE m.task_force_id = f.id), '{}') AS liaisons
         FROM task_forces f WHERE f.project_id = $1",
    )
    .bind(project)
    .fetch_optional(pool)
    .await?;
    Ok(people.unwrap_or_default())
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

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HistoryEntry {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub entity_id: Option<Uuid>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

const HISTORY: &str = "SELECT a.at, u.display_name AS actor, a.actor_label, a.action, a.entity_id, a.before, a.after
    FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id";

/// The latest audit entries of a project (its own and its items'), newest first.
pub async fn history(pool: &PgPool, project: Uuid, limit: i64) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{HISTORY} WHERE a.project_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT $2"
    ))
    .bind(project)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Every audit entry of one item, newest first.
pub async fn item_history(pool: &PgPool, item: Uuid) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{HISTORY} WHERE a.entity = 'item' AND a.entity_id = $1 ORDER BY a.at DESC, a.id DESC"
    ))
    .bind(item)
    .fetch_all(pool)
    .await
}

/// Whether `user` belongs to the task force of `project`.
pub async fn on_task_force(pool: &PgPool, project: Uuid, user: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM task_force_members m JOIN task_forces f ON f.id = m.task_force_id
                        WHERE f.project_id = $1 AND m.user_id = $2)",
    )
    .bind(project)
    .bind(user)
    .fetch_one(pool)
    .await
}

/// Names of the projects with these ids that the scope allows, in the given order.
pub async fn visible_names(
    pool: &PgPool,
    scope: ProjectScope,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    let (kind, scope_id) = scope_params(scope);
    sqlx::query_as(&format!(
        "SELECT p.id, p.name FROM unnest($3::uuid[]) WITH ORDINALITY AS x(id, o) JOIN projects p ON p.id = x.id
         WHERE {IN_SCOPE} ORDER BY x.o"
    ))
    .bind(kind)
    .bind(scope_id)
    .bind(ids)
    .fetch_all(pool)
    .await
}

/// Every project the scope allows, by name: id and name only (for choosing).
pub async fn names(pool: &PgPool, scope: ProjectScope) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    let (kind, scope_id) = scope_params(scope);
    sqlx::query_as(&format!(
        "SELECT p.id, p.name FROM projects p WHERE {IN_SCOPE} ORDER BY p.name"
    ))
    .bind(kind)
    .bind(scope_id)
    .fetch_all(pool)
    .await
}
