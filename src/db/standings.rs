//! Reading what the status engine computed: the live snapshot, weekly snapshots, the red and
//! yellow items, the dashboard's figures. Each page's read is a fixed handful of queries.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::domain::ranking::{Method, RankChange, RedRule};
use crate::domain::score::Breakdown;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Snapshot {
    pub id: Uuid,
    pub kind: String,
    pub as_of: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub red_items: i32,
    pub yellow_items: i32,
    pub red_projects: i32,
    pub yellow_projects: i32,
    /// The red list's rule it was made with (`None`: before the rule had memory).
    pub red_rule: Option<sqlx::types::Json<RedRule>>,
    /// How its lists were drawn (`None`: by the rule, before there was a choice).
    pub method: Option<sqlx::types::Json<Method>>,
}

impl Snapshot {
    pub fn red_rule(&self) -> Option<RedRule> {
        self.red_rule.as_ref().map(|r| r.0)
    }

    pub fn method(&self) -> Method {
        self.method.as_ref().map_or(Method::Rule, |m| m.0)
    }
}

const SNAPSHOT: &str =
    "SELECT id, kind, as_of, created_at, red_items, yellow_items, red_projects, yellow_projects, red_rule, method
    FROM ranking_snapshots";

pub async fn current<'e>(pool: impl PgExecutor<'e>) -> Result<Option<Snapshot>, sqlx::Error> {
    sqlx::query_as(&format!("{SNAPSHOT} WHERE kind = 'current'"))
        .fetch_optional(pool)
        .await
}

/// Weekly snapshots, newest first.
pub async fn weekly(pool: &PgPool, limit: i64) -> Result<Vec<Snapshot>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SNAPSHOT} WHERE kind = 'weekly' ORDER BY as_of DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(pool)
    .await
}

pub async fn weekly_as_of(pool: &PgPool, as_of: NaiveDate) -> Result<Option<Snapshot>, sqlx::Error> {
    sqlx::query_as(&format!("{SNAPSHOT} WHERE kind = 'weekly' AND as_of = $1"))
        .bind(as_of)
        .fetch_optional(pool)
        .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Entry {
    pub task_force_id: Uuid,
    pub project_id: Uuid,
    pub name: String,
    pub colour: String,
    pub due: i32,
    pub on_time: i32,
    pub red: i32,
    pub yellow: i32,
    pub overdue_total: i32,
    pub list: Option<String>,
    pub list_position: Option<i32>,
    pub period_due: i32,
    pub period_on_time: i32,
    pub recently_red: i32,
    /// Its list and place in the weekly snapshot before this one.
    pub previous_list: Option<String>,
    pub previous_position: Option<i32>,
    /// Its score and where it came from, when the lists were drawn by score.
    pub score: Option<i32>,
    pub score_breakdown: Option<sqlx::types::Json<Breakdown>>,
}

impl Entry {
    /// On-time rate in percent, when anything is due.
    pub fn rate_percent(&self) -> Option<i64> {
        (self.due > 0).then(|| (f64::from(self.on_time) * 100.0 / f64::from(self.due)).round() as i64)
    }

    /// On-time rate over the rolling period in percent, when anything fell due in it.
    pub fn period_rate_percent(&self) -> Option<i64> {
        (self.period_due > 0)
            .then(|| (f64::from(self.period_on_time) * 100.0 / f64::from(self.period_due)).round() as i64)
    }

    /// Its place against the week before, when it is on a list.
    pub fn change(&self) -> Option<RankChange> {
        RankChange::of(
            self.list.as_deref().zip(self.list_position),
            self.previous_list.as_deref().zip(self.previous_position),
        )
    }
}

/// The entries of snapshot `$1`, each with its place in the weekly snapshot before it.
const ENTRY: &str = "WITH before AS (
        SELECT w.id FROM ranking_snapshots s JOIN ranking_snapshots w ON w.kind = 'weekly' AND w.as_of < s.as_of
        WHERE s.id = $1 ORDER BY w.as_of DESC LIMIT 1)
    SELECT e.task_force_id, e.project_id, p.name, e.colour, e.due, e.on_time, e.red, e.yellow,
        e.overdue_total, e.list, e.list_position, e.period_due, e.period_on_time, e.recently_red,
        b.list AS previous_list, b.list_position AS previous_position, e.score, e.score_breakdown
    FROM ranking_entries e JOIN projects p ON p.id = e.project_id
    LEFT JOIN ranking_entries b ON b.snapshot_id = (SELECT id FROM before) AND b.task_force_id = e.task_force_id";

/// The red and black lists of a snapshot, in list order.
pub async fn lists<'e>(pool: impl PgExecutor<'e>, snapshot: Uuid) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{ENTRY} WHERE e.snapshot_id = $1 AND e.list IS NOT NULL ORDER BY e.list DESC, e.list_position"
    ))
    .bind(snapshot)
    .fetch_all(pool)
    .await
}

/// The task forces of a snapshot, worst first, at most `limit`.
pub async fn entries<'e>(pool: impl PgExecutor<'e>, snapshot: Uuid, limit: i64) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{ENTRY} WHERE e.snapshot_id = $1 ORDER BY e.red DESC, e.yellow DESC, e.overdue_total DESC, p.name LIMIT $2"
    ))
    .bind(snapshot)
    .bind(limit)
    .fetch_all(pool)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FlaggedItem {
    pub id: Uuid,
    pub title: String,
    pub project_id: Uuid,
    pub project_name: String,
    pub unit: String,
    pub deadline: NaiveDate,
    pub colour: String,
    pub overdue_days: i32,
}

/// The most overdue red and yellow items of the last run (exempt ones left out).
pub async fn flagged_items<'e>(pool: impl PgExecutor<'e>, limit: i64) -> Result<Vec<FlaggedItem>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.title, i.project_id, p.name AS project_name, u.name AS unit, i.deadline, s.colour, s.overdue_days
         FROM item_status s JOIN checklist_items i ON i.id = s.item_id JOIN projects p ON p.id = i.project_id
         JOIN units u ON u.id = i.responsible_unit_id
         WHERE s.colour IN ('red', 'yellow') AND item_counts(s.as_of, i.exempt_until)
         ORDER BY s.overdue_days DESC, p.name, i.title LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ColourCount {
    pub colour: String,
    pub projects: i64,
}

pub async fn projects_by_colour<'e>(
    pool: impl PgExecutor<'e>,
    snapshot: Uuid,
) -> Result<Vec<ColourCount>, sqlx::Error> {
    sqlx::query_as("SELECT colour, count(*) AS projects FROM ranking_entries WHERE snapshot_id = $1 GROUP BY colour")
        .bind(snapshot)
        .fetch_all(pool)
        .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StageCount {
    pub stage: String,
    pub projects: i64,
    pub investment_wan: i64,
}

pub async fn projects_by_stage<'e>(pool: impl PgExecutor<'e>) -> Result<Vec<StageCount>, sqlx::Error> {
    sqlx::query_as(
        "SELECT stage, count(*) AS projects, coalesce(sum(total_investment_wan), 0)::bigint AS investment_wan
         FROM projects GROUP BY stage",
    )
    .fetch_all(pool)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StageDates {
    pub project_id: Uuid,
    pub name: String,
    pub filed: Option<NaiveDate>,
    pub construction_started: Option<NaiveDate>,
    pub in_production: Option<NaiveDate>,
}

/// Actual dates of the measured stages, for the projects that have been filed, latest first.
pub async fn measured_dates(pool: &PgPool, limit: i64) -> Result<Vec<StageDates>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id AS project_id, p.name,
                max(d.actual_on) FILTER (WHERE d.stage = 'filed') AS filed,
                max(d.actual_on) FILTER (WHERE d.stage = 'construction_started') AS construction_started,
                max(d.actual_on) FILTER (WHERE d.stage = 'in_production') AS in_production
         FROM project_stage_dates d JOIN projects p ON p.id = d.project_id
         WHERE d.actual_on IS NOT NULL AND d.stage IN ('filed', 'construction_started', 'in_production')
         GROUP BY p.id HAVING max(d.actual_on) FILTER (WHERE d.stage = 'filed') IS NOT NULL
         ORDER BY filed DESC, p.name LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UnitStanding {
    pub code: String,
    pub name: String,
    pub red: i64,
    pub yellow: i64,
    pub overdue_total: i64,
}

/// Which responsible units hold the red and yellow items of the last run.
pub async fn units<'e>(pool: impl PgExecutor<'e>) -> Result<Vec<UnitStanding>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.code, u.name, s.red::bigint AS red, s.yellow::bigint AS yellow, s.overdue_total::bigint AS overdue_total
         FROM unit_standings s JOIN units u ON u.id = s.unit_id ORDER BY s.red DESC, s.overdue_total DESC, u.name",
    )
    .fetch_all(pool)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Run {
    pub as_of: NaiveDate,
    pub started_at: DateTime<Utc>,
    pub duration_ms: i32,
    pub items: i32,
    pub red_items: i32,
    pub yellow_items: i32,
    /// When the engine last made sure the run is current: the run itself, or a later look that
    /// found nothing changed.
    pub checked_at: DateTime<Utc>,
}

pub async fn last_run(pool: &PgPool) -> Result<Option<Run>, sqlx::Error> {
    sqlx::query_as(
        "SELECT as_of, started_at, duration_ms, items, red_items, yellow_items,
                greatest(started_at, checked_at) AS checked_at
         FROM recompute_runs ORDER BY started_at DESC LIMIT 1",
    )
    .fetch_optional(pool)
    .await
}
