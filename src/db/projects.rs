//! Reading projects as the policy allows: one query for a list, a fixed few for one project.

use std::collections::{BTreeSet, HashSet};

use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

use super::audit::{self, Actor, Entry};
use super::investors::LinkedInvestor;
use super::items::{UPDATES, Update};
use super::requests::{LISTED, Request, SELECT as REQUESTS};
use super::scope::{in_scope, scope_params};
use crate::domain::access::ProjectScope;
use crate::domain::adjustment::{self, Adjustment};
use crate::domain::investment::{self, Decider, Judged};
use crate::domain::lifecycle::Stage;
use crate::domain::project_list::{Sort, SortKeys};
use crate::domain::status::{self, Colour, Thresholds};

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
    /// Its investment colour as judged today (none without a plan, or with the rule off): set by
    /// whoever reads the summary, from `db::investment`.
    #[sqlx(skip)]
    pub investment: Option<Judged>,
    /// An official's setting of its colour (domain::adjustment), with its reason, last day and who.
    pub override_colour: Option<String>,
    pub override_reason: Option<String>,
    pub override_until: Option<NaiveDate>,
    pub override_by: Option<String>,
}

impl ProjectSummary {
    fn sort_keys(&self, today: NaiveDate) -> SortKeys<'_> {
        SortKeys {
            red_items: self.red_items,
            yellow_items: self.yellow_items,
            worst_deadline: self.worst_deadline,
            total_investment_wan: self.total_investment_wan,
            stage: self.stage,
            colour: self.overall_by_counts(today),
            name: &self.name,
            id: self.id,
        }
    }

    pub fn worst_overdue_days(&self, today: NaiveDate) -> Option<i64> {
        self.worst_deadline.map(|d| status::overdue_days(today, d))
    }

    /// The colour its counts give: what the list filters by.
    fn colour_by_counts(&self) -> Colour {
        if self.red_items > 0 {
            Colour::Red
        } else if self.yellow_items > 0 {
            Colour::Yellow
        } else {
            Colour::Green
        }
    }

    /// Its checklist colour: the colour of its worst open item.
    pub fn colour(&self, today: NaiveDate, t: Thresholds) -> Colour {
        status::project_colour(self.worst_overdue_days(today).map(|d| status::colour_for_overdue(d, t)))
    }

    /// Its overall colour: an official's while their setting lasts, else the worse of its
    /// checklist colour and its investment colour; and which decided it.
    pub fn overall(&self, today: NaiveDate, t: Thresholds) -> (Colour, Decider) {
        let computed = self.computed(today, t);
        match adjustment::shown_colour(computed.0, self.colour_set(), today) {
            (set, true) => (set, Decider::Override),
            _ => computed,
        }
    }

    /// The worse of its checklist colour and its investment colour, and which: what the rules
    /// give, shown beside an official's setting.
    pub fn computed(&self, today: NaiveDate, t: Thresholds) -> (Colour, Decider) {
        investment::overall_colour(self.colour(today, t), self.investment.map(|j| j.colour))
    }

    /// The colour an official set and its last day, if one was set.
    pub fn colour_set(&self) -> Option<(Colour, NaiveDate)> {
        Some((Colour::parse(self.override_colour.as_deref()?)?, self.override_until?))
    }

    /// The overall colour by the engine's counts: what the list filters and sorts by.
    fn overall_by_counts(&self, today: NaiveDate) -> Colour {
        let computed = investment::overall_colour(self.colour_by_counts(), self.investment.map(|j| j.colour)).0;
        adjustment::shown_colour(computed, self.colour_set(), today).0
    }
}

/// Each project's open-item figures computed now from its items, with the columns of the
/// `project_status` table the status engine keeps; `$3` today, `$4` red_after_days (the colour rule
/// of domain::status, counted set-based). For one project: lists read the engine's table instead.
const LIVE_STATUS: &str = "(SELECT i.project_id, count(*)::int AS open_items,
        (count(*) FILTER (WHERE item_colour($3::date, i.deadline, $4) = 'red'))::int AS red_items,
        (count(*) FILTER (WHERE item_colour($3::date, i.deadline, $4) = 'yellow'))::int AS yellow_items,
        (array_agg(i.title ORDER BY i.deadline, i.title, i.id))[1] AS worst_title,
        min(i.deadline) AS worst_deadline,
        (array_agg(i.responsible_unit_id ORDER BY i.deadline, i.title, i.id))[1] AS worst_unit_id
    FROM checklist_items i WHERE i.state = 'open' AND item_counts($3::date, i.exempt_until) GROUP BY i.project_id)";

/// Projects with their task force's headline and open-item figures `o` (the engine's
/// `project_status` or [`LIVE_STATUS`]), in the scope of `$1`/`$2`, filtered and sorted; `page`
/// is the LIMIT/OFFSET clause. The worst item's unit is looked up for the page's rows only.
fn summary_sql(
    scope: ProjectScope,
    status: &'static str,
    filter: &'static str,
    order: &'static str,
    page: &'static str,
) -> String {
    let scoped = in_scope(scope);
    format!(
        "WITH page AS (
             SELECT p.id, p.name, p.company, p.park, p.industry, p.investment_code, p.stage, p.total_investment_wan,
                    p.description, p.version, f.leader_name, f.lead_unit_id, p.override_colour, p.override_reason,
                    p.override_until, p.override_by AS override_by_id,
                    coalesce(o.open_items, 0)::bigint AS open_items, coalesce(o.red_items, 0)::bigint AS red_items,
                    coalesce(o.yellow_items, 0)::bigint AS yellow_items,
                    o.worst_title, o.worst_deadline, o.worst_unit_id,
                    count(*) OVER () AS total,
                    row_number() OVER (ORDER BY {order}) AS place
             FROM projects p
             LEFT JOIN task_forces f ON f.project_id = p.id
             LEFT JOIN {status} o ON o.project_id = p.id
             WHERE {scoped} {filter}
             ORDER BY place {page})
         SELECT x.id, x.name, x.company, x.park, x.industry, x.investment_code, x.stage, x.total_investment_wan,
                x.description, x.version, x.leader_name, lu.name AS lead_unit, x.open_items, x.red_items,
                x.yellow_items, x.worst_title, x.worst_deadline, wu.name AS worst_unit, x.total, x.override_colour,
                x.override_reason, x.override_until, ob.display_name AS override_by
         FROM page x
         LEFT JOIN units lu ON lu.id = x.lead_unit_id
         LEFT JOIN units wu ON wu.id = x.worst_unit_id
         LEFT JOIN users ob ON ob.id = x.override_by_id
         ORDER BY x.place"
    )
}

/// Worst first: red projects, then yellow, then by the earliest open deadline.
const WORST_FIRST: &str = "coalesce(o.red_items, 0) > 0 DESC, coalesce(o.yellow_items, 0) > 0 DESC,
    coalesce(o.red_items, 0) DESC, o.worst_deadline NULLS LAST, p.name, p.id";

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
    /// The county's day: whether an official's colour still holds.
    pub today: NaiveDate,
}

impl ListQuery {
    /// One page of `all` (every project, as [`listed`] reads them), kept to `visible` (all when
    /// `None`), filtered and sorted; with how many match across all pages.
    pub fn select(&self, all: &[ProjectSummary], visible: Option<&HashSet<Uuid>>) -> (Vec<ProjectSummary>, i64) {
        let text = self.text.as_deref().map(str::to_lowercase);
        let contains = |field: &str| text.as_deref().is_some_and(|t| field.to_lowercase().contains(t));
        let mut found: Vec<&ProjectSummary> = all
            .iter()
            .filter(|p| visible.is_none_or(|v| v.contains(&p.id)))
            .filter(|p| self.stage.is_none_or(|s| p.stage == s))
            .filter(|p| self.colour.is_none_or(|c| p.overall_by_counts(self.today) == c))
            .filter(|p| self.park.is_none() || p.park == self.park)
            .filter(|p| {
                text.is_none()
                    || contains(&p.name)
                    || contains(&p.company)
                    || p.investment_code.as_deref().is_some_and(contains)
            })
            .collect();
        found.sort_by(|a, b| self.sort.compare(&a.sort_keys(self.today), &b.sort_keys(self.today)));
        let total = found.len() as i64;
        let page = found
            .into_iter()
            .skip(usize::try_from(self.offset).unwrap_or(0))
            .take(usize::try_from(self.limit).unwrap_or(0))
            .map(|p| ProjectSummary { total, ..p.clone() })
            .collect();
        (page, total)
    }
}

/// The industrial parks named by the visible projects of `all`, for the list's filter.
pub fn parks_of(all: &[ProjectSummary], visible: Option<&HashSet<Uuid>>) -> Vec<String> {
    let parks: BTreeSet<&String> = all
        .iter()
        .filter(|p| visible.is_none_or(|v| v.contains(&p.id)))
        .filter_map(|p| p.park.as_ref())
        .collect();
    parks.into_iter().cloned().collect()
}

/// Every project with its task force's headline and its figures as of the last recomputation,
/// worst first: what the lists select from.
pub async fn listed<'e>(db: impl PgExecutor<'e>) -> Result<Vec<ProjectSummary>, sqlx::Error> {
    sqlx::query_as(&summary_sql(ProjectScope::All, "project_status", "", WORST_FIRST, ""))
        .bind("all")
        .bind(None::<Uuid>)
        .fetch_all(db)
        .await
}

/// Sets the project's colour through a day with a reason (`Some`), replacing any setting it had,
/// or lifts the setting (`None`); audited with what it was before.
pub async fn set_colour(
    pool: &PgPool,
    id: Uuid,
    set: Option<(Colour, &Adjustment)>,
    user: Uuid,
) -> Result<(), sqlx::Error> {
    #[derive(sqlx::FromRow, serde::Serialize)]
    struct Setting {
        override_colour: Option<String>,
        override_reason: Option<String>,
        override_until: Option<NaiveDate>,
    }
    let mut tx = pool.begin().await?;
    let read = "SELECT override_colour, override_reason, override_until FROM projects WHERE id = $1";
    let before: Setting = sqlx::query_as(&format!("{read} FOR UPDATE"))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE projects SET override_colour = $2, override_reason = $3, override_until = $4, override_by = $5
         WHERE id = $1",
    )
    .bind(id)
    .bind(set.map(|(c, _)| c.as_str()))
    .bind(set.map(|(_, a)| a.reason.as_str()))
    .bind(set.map(|(_, a)| a.until))
    .bind(set.map(|_| user))
    .execute(&mut *tx)
    .await?;
    let after: Setting = sqlx::query_as(read).bind(id).fetch_one(&mut *tx).await?;
    let entry = Entry {
        actor: Actor::User(user),
        action: if set.is_some() {
            "project.override"
        } else {
            "project.override_lifted"
        },
        entity: "project",
        entity_id: Some(id),
        project_id: Some(id),
        before: serde_json::to_value(before).ok(),
        after: serde_json::to_value(after).ok(),
    };
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// The ids of the projects the scope allows; `None` when it allows all of them.
pub async fn visible_ids(pool: &PgPool, scope: ProjectScope) -> Result<Option<HashSet<Uuid>>, sqlx::Error> {
    if scope == ProjectScope::All {
        return Ok(None);
    }
    let (kind, id) = scope_params(scope);
    let ids: Vec<Uuid> = sqlx::query_scalar(&format!("SELECT p.id FROM projects p WHERE {}", in_scope(scope)))
        .bind(kind)
        .bind(id)
        .fetch_all(pool)
        .await?;
    Ok(Some(ids.into_iter().collect()))
}

/// One project, if the scope allows it, with its figures counted now; `None` both when it does
/// not exist and when it is not visible, so that existence does not leak.
pub async fn find_visible(
    pool: &PgPool,
    scope: ProjectScope,
    id: Uuid,
    today: NaiveDate,
    t: Thresholds,
) -> Result<Option<ProjectSummary>, sqlx::Error> {
    let (kind, scope_id) = scope_params(scope);
    sqlx::query_as(&summary_sql(scope, LIVE_STATUS, "AND p.id = $5", WORST_FIRST, ""))
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
    let scoped = in_scope(scope);
    sqlx::query_scalar(&format!(
        "SELECT EXISTS (SELECT 1 FROM projects p WHERE p.id = $3 AND {scoped})"
    ))
    .bind(kind)
    .bind(scope_id)
    .bind(id)
    .fetch_one(pool)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow, Deserialize)]
pub struct StageDate {
    pub project_id: Uuid,
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    pub planned_on: Option<NaiveDate>,
    pub actual_on: Option<NaiveDate>,
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

/// The columns of [`TaskForcePeople`], for the task force `f`.
const PEOPLE: &str = "coalesce((SELECT array_agg(u.name ORDER BY u.name) FROM task_force_units tu
        JOIN units u ON u.id = tu.unit_id WHERE tu.task_force_id = f.id), '{}') AS member_units,
    coalesce((SELECT array_agg(us.display_name ORDER BY us.display_name) FROM task_force_members m
        JOIN users us ON us.id = m.user_id WHERE m.task_force_id = f.id), '{}') AS liaisons";

pub async fn task_force_people(pool: &PgPool, project: Uuid) -> Result<TaskForcePeople, sqlx::Error> {
    let people = sqlx::query_as(&format!("SELECT {PEOPLE} FROM task_forces f WHERE f.project_id = $1"))
        .bind(project)
        .fetch_optional(pool)
        .await?;
    Ok(people.unwrap_or_default())
}

/// What a project's page shows of it besides its checklist, read in one statement.
#[derive(sqlx::FromRow)]
pub struct Sheet {
    /// Its row, with the figures at zero: the page counts them from the checklist it reads anyway.
    #[sqlx(flatten)]
    pub summary: ProjectSummary,
    #[sqlx(flatten)]
    pub people: TaskForcePeople,
    pub stage_dates: Json<Vec<StageDate>>,
    /// The investor accounts linked to it, by username.
    pub investors: Json<Vec<LinkedInvestor>>,
    /// Its latest progress updates and history entries, newest first (internal readers only).
    pub updates: Json<Vec<Update>>,
    pub history: Json<Vec<HistoryEntry>>,
    /// The first [`REQUESTS_SHOWN`] of its investors' requests, in their listed order.
    pub requests: Json<Vec<Request>>,
}

/// How many of a project's requests its page lists.
const REQUESTS_SHOWN: i64 = 100;

/// What a project's page checks on each view (its [`Sheet`] may be kept, `app::kept`): the count
/// of changes to what the page shows (`db::changes`), whether the scope shows the project (false
/// too when it does not exist), and whether `user` belongs to its task force.
#[derive(sqlx::FromRow)]
pub struct PageCheck {
    pub changes: i64,
    pub visible: bool,
    pub on_task_force: bool,
}

pub async fn page_check(
    conn: &mut PgConnection,
    scope: ProjectScope,
    id: Uuid,
    user: Uuid,
) -> Result<PageCheck, sqlx::Error> {
    let (kind, scope_id) = scope_params(scope);
    let scoped = in_scope(scope);
    sqlx::query_as(&format!(
        "SELECT {changes} AS changes,
                EXISTS (SELECT 1 FROM projects p WHERE {scoped} AND p.id = $3) AS visible,
                EXISTS (SELECT 1 FROM task_force_members m JOIN task_forces f ON f.id = m.task_force_id
                        WHERE f.project_id = $3 AND m.user_id = $4) AS on_task_force",
        changes = super::changes::count_of("$3")
    ))
    .bind(kind)
    .bind(scope_id)
    .bind(id)
    .bind(user)
    .fetch_one(conn)
    .await
}

/// A project's [`Sheet`], if the scope allows it; `None` both when it does not exist and when it is
/// not visible. `latest` is how many progress updates and history entries to read. Every table it
/// reads marks its changes (migrations/0022_changes.sql).
pub async fn sheet(
    conn: &mut PgConnection,
    scope: ProjectScope,
    id: Uuid,
    latest: i64,
) -> Result<Option<Sheet>, sqlx::Error> {
    let (kind, scope_id) = scope_params(scope);
    let scoped = in_scope(scope);
    // The numbers written into the text, so that the plan is kept (see `history`).
    let n = latest;
    sqlx::query_as(&format!(
        "SELECT p.id, p.name, p.company, p.park, p.industry, p.investment_code, p.stage, p.total_investment_wan,
                p.description, p.version, f.leader_name, lu.name AS lead_unit, 0::bigint AS open_items,
                0::bigint AS red_items, 0::bigint AS yellow_items, NULL::text AS worst_title,
                NULL::date AS worst_deadline, NULL::text AS worst_unit, 1::bigint AS total,
                p.override_colour, p.override_reason, p.override_until,
                (SELECT display_name FROM users WHERE id = p.override_by) AS override_by,
                {PEOPLE},
                (SELECT coalesce(json_agg(d), '[]') FROM
                    (SELECT project_id, stage, planned_on, actual_on FROM project_stage_dates
                     WHERE project_id = p.id) d) AS stage_dates,
                (SELECT coalesce(json_agg(i ORDER BY i.username), '[]') FROM
                    (SELECT u.id, u.username, u.display_name FROM investor_projects ip
                     JOIN users u ON u.id = ip.user_id WHERE ip.project_id = p.id) i) AS investors,
                (SELECT coalesce(json_agg(x ORDER BY x.created_at DESC), '[]') FROM
                    ({UPDATES} WHERE pu.project_id = p.id ORDER BY pu.created_at DESC LIMIT {n}) x) AS updates,
                (SELECT coalesce(json_agg(x ORDER BY x.at DESC, x.id DESC), '[]') FROM
                    ({HISTORY} WHERE a.project_id = p.id ORDER BY a.at DESC, a.id DESC LIMIT {n}) x) AS history,
                (SELECT coalesce(json_agg(r ORDER BY {LISTED}), '[]') FROM
                    ({REQUESTS} WHERE r.project_id = $3 ORDER BY {LISTED} LIMIT {REQUESTS_SHOWN}) r) AS requests
         FROM projects p LEFT JOIN task_forces f ON f.project_id = p.id LEFT JOIN units lu ON lu.id = f.lead_unit_id
         WHERE {scoped} AND p.id = $3"
    ))
    .bind(kind)
    .bind(scope_id)
    .bind(id)
    .fetch_optional(conn)
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

#[derive(Clone, Debug, sqlx::FromRow, Deserialize)]
pub struct HistoryEntry {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub entity_id: Option<Uuid>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Audit entries with their ids (by which ties of one transaction are ordered).
const HISTORY: &str = "SELECT a.id, a.at, u.display_name AS actor, a.actor_label, a.action, a.entity_id, a.before,
    a.after FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id";

/// A project's audit entries (its own and its items'), newest first, `limit` of them after skipping
/// `offset`.
pub async fn history(pool: &PgPool, project: Uuid, limit: i64, offset: i64) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    // The bounds written into the text (numbers, not input): as parameters they leave the generic
    // plan unsized, and PostgreSQL plans the query anew on every call.
    sqlx::query_as(&format!(
        "{HISTORY} WHERE a.project_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT {limit} OFFSET {offset}"
    ))
    .bind(project)
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
    let scoped = in_scope(scope);
    sqlx::query_as(&format!(
        "SELECT p.id, p.name FROM unnest($3::uuid[]) WITH ORDINALITY AS x(id, o) JOIN projects p ON p.id = x.id
         WHERE {scoped} ORDER BY x.o"
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
    let scoped = in_scope(scope);
    sqlx::query_as(&format!(
        "SELECT p.id, p.name FROM projects p WHERE {scoped} ORDER BY p.name"
    ))
    .bind(kind)
    .bind(scope_id)
    .fetch_all(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(name: &str, red: i64, yellow: i64, deadline: Option<(i32, u32, u32)>) -> ProjectSummary {
        ProjectSummary {
            id: Uuid::new_v4(),
            name: name.into(),
            company: format!("{name}有限公司"),
            park: None,
            industry: None,
            investment_code: None,
            stage: Stage::Signed,
            total_investment_wan: None,
            description: None,
            version: 1,
            leader_name: None,
            lead_unit: None,
            open_items: red + yellow + i64::from(deadline.is_some()),
            red_items: red,
            yellow_items: yellow,
            worst_title: deadline.map(|_| "事项".into()),
            worst_deadline: deadline.map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap()),
            worst_unit: None,
            total: 0,
            investment: None,
            override_colour: None,
            override_reason: None,
            override_until: None,
            override_by: None,
        }
    }

    fn query(sort: Sort) -> ListQuery {
        ListQuery {
            stage: None,
            colour: None,
            park: None,
            text: None,
            sort,
            limit: 100,
            offset: 0,
            today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        }
    }

    fn names(found: &[ProjectSummary]) -> Vec<&str> {
        found.iter().map(|p| p.name.as_str()).collect()
    }

    fn sample() -> Vec<ProjectSummary> {
        let mut all = vec![
            project("甲", 0, 0, None),
            project("乙", 0, 1, Some((2026, 3, 1))),
            project("丙", 1, 0, Some((2026, 2, 1))),
            project("丁", 2, 0, Some((2026, 1, 1))),
            project("戊", 0, 0, Some((2026, 5, 1))),
        ];
        all[0].park = Some("工业园".into());
        all[1].park = Some("高新区".into());
        all[4].park = Some("工业园".into());
        all[3].stage = Stage::Negotiating;
        all[1].total_investment_wan = Some(50_000);
        all[4].total_investment_wan = Some(80_000);
        all[4].investment_code = Some("2023-360725-30-03-012345".into());
        all
    }

    #[test]
    fn each_sort_orders_with_names_breaking_ties() {
        let all = sample();
        let order = |sort| names(&query(sort).select(&all, None).0).join("");
        assert_eq!(
            order(Sort::Colour),
            "丁丙乙戊甲",
            "more red first, then yellow, then the nearest deadline"
        );
        assert_eq!(
            order(Sort::Deadline),
            "丁丙乙戊甲",
            "projects without an open item last"
        );
        assert_eq!(order(Sort::Investment), "戊乙丁丙甲");
        assert_eq!(order(Sort::Stage), "丁丙乙戊甲", "negotiating first, then by name");
        let mut twins = vec![
            project("同名", 1, 0, Some((2026, 1, 1))),
            project("同名", 1, 0, Some((2026, 1, 1))),
        ];
        twins.sort_by_key(|p| p.id);
        let ids: Vec<Uuid> = query(Sort::Colour)
            .select(&twins, None)
            .0
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(
            ids,
            [twins[0].id, twins[1].id],
            "equal rows keep one order, so pages never overlap"
        );
    }

    #[test]
    fn a_project_behind_the_time_line_lists_and_filters_by_its_overall_colour() {
        let mut all = sample();
        // 甲 has no open item, but its investment is 35 points behind the time line.
        all[0].investment = Some(Judged {
            month: crate::domain::investment::Month::new(2026, 11).unwrap(),
            colour: Colour::Red,
            deviation: -35.0,
        });
        let order = names(&query(Sort::Colour).select(&all, None).0).join("");
        assert_eq!(
            order, "丁丙甲乙戊",
            "red by investment sorts with the reds, after more red items"
        );
        let mut red = query(Sort::Colour);
        red.colour = Some(Colour::Red);
        assert_eq!(names(&red.select(&all, None).0).join(""), "丁丙甲");
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(
            all[0].overall(today, Thresholds::default()),
            (Colour::Red, Decider::Investment)
        );
        assert_eq!(
            all[0].colour(today, Thresholds::default()),
            Colour::Green,
            "its checklist stays green"
        );
    }

    #[test]
    fn filters_combine_and_text_matches_name_company_or_code_in_any_case() {
        let all = sample();
        let with = |f: &dyn Fn(&mut ListQuery)| {
            let mut q = query(Sort::Colour);
            f(&mut q);
            names(&q.select(&all, None).0).join("")
        };
        assert_eq!(with(&|q| q.colour = Some(Colour::Red)), "丁丙");
        assert_eq!(with(&|q| q.colour = Some(Colour::Yellow)), "乙");
        assert_eq!(with(&|q| q.colour = Some(Colour::Green)), "戊甲");
        assert_eq!(with(&|q| q.stage = Some(Stage::Negotiating)), "丁");
        assert_eq!(with(&|q| q.park = Some("工业园".into())), "戊甲");
        assert_eq!(with(&|q| q.text = Some("乙有限".into())), "乙", "company");
        assert_eq!(with(&|q| q.text = Some("360725-30".into())), "戊", "investment code");
        assert_eq!(
            with(&|q| {
                q.park = Some("工业园".into());
                q.colour = Some(Colour::Red);
            }),
            ""
        );
        let mut latin = sample();
        latin[2].name = "Lithium Plant".into();
        let mut q = query(Sort::Colour);
        q.text = Some("lithium".into());
        assert_eq!(names(&q.select(&latin, None).0), ["Lithium Plant"]);
    }

    #[test]
    fn pages_carry_the_total_and_visibility_comes_first() {
        let all = sample();
        let mut q = query(Sort::Colour);
        (q.limit, q.offset) = (2, 2);
        let (page, total) = q.select(&all, None);
        assert_eq!((names(&page), total), (vec!["乙", "戊"], 5));
        assert!(page.iter().all(|p| p.total == 5));
        (q.limit, q.offset) = (2, 4);
        assert_eq!(names(&q.select(&all, None).0), ["甲"]);
        (q.limit, q.offset) = (2, 6);
        let (page, total) = q.select(&all, None);
        assert!(page.is_empty() && total == 5);
        let visible: HashSet<Uuid> = [all[0].id, all[2].id].into();
        let (page, total) = query(Sort::Colour).select(&all, Some(&visible));
        assert_eq!((names(&page), total), (vec!["丙", "甲"], 2));
        assert_eq!(parks_of(&all, Some(&visible)), ["工业园"]);
        assert_eq!(parks_of(&all, None), ["工业园", "高新区"]);
    }
}
