//! The set-based half of the status engine: item colours, task-force figures and snapshots, each
//! computed by one statement over all rows. The rules are domain::status and domain::ranking; the
//! SQL here counts the same things and a test holds the two together.

use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

use std::collections::HashMap;

use super::investment::CountyYears;
use super::settings::Settings;
use super::{notifications, requests};
use crate::domain::access::ProjectScope;
use crate::domain::notification::reply_days_late;
use crate::domain::ranking::{self, Figures, Method, RedRule, Standing};
use crate::domain::request;
use crate::domain::score::{self, Extra};
use crate::domain::status::Thresholds;

/// Only one instance computes at a time: an advisory lock held by the run's transaction.
pub const LOCK_KEY: i64 = 0x7a68_7561_6e62;

/// Takes the engine's lock for the current transaction; false when another run holds it.
pub async fn try_lock(conn: &mut PgConnection) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
        .bind(LOCK_KEY)
        .fetch_one(conn)
        .await
}

/// Stores each item's colour as of `as_of`, writing only rows that changed, with the events
/// the changes are; returns how many items there are and how many are red and yellow.
pub async fn item_colours(
    conn: &mut PgConnection,
    as_of: NaiveDate,
    t: Thresholds,
) -> Result<(i64, i64, i64), sqlx::Error> {
    // Compare first and write only what changed: on most runs that is nothing at all. A change
    // into yellow or red, or into "due soon", is an event (once per item and deadline), created
    // by the same statement so the colour and its announcement stand or fall together.
    let events: Vec<Uuid> = sqlx::query_scalar(
        "WITH computed AS (
             SELECT i.id AS item_id,
                    CASE WHEN i.state = 'open' THEN item_colour($1::date, i.deadline, $2) END AS colour,
                    CASE WHEN i.state = 'open' THEN $1::date - i.deadline ELSE 0 END AS overdue_days,
                    i.state = 'open' AND $1::date - i.deadline BETWEEN -$3 AND 0 AS due_soon
             FROM checklist_items i),
         changed AS (
             SELECT c.*, s.colour AS old_colour, coalesce(s.due_soon, false) AS old_due_soon
             FROM computed c LEFT JOIN item_status s ON s.item_id = c.item_id
             WHERE s.item_id IS NULL
                OR (s.as_of, s.colour, s.overdue_days, s.due_soon)
                   IS DISTINCT FROM ($1::date, c.colour, c.overdue_days, c.due_soon)),
         written AS (
             INSERT INTO item_status (item_id, as_of, colour, overdue_days, due_soon, computed_at)
             SELECT item_id, $1, colour, overdue_days, due_soon, now() FROM changed
             ON CONFLICT (item_id) DO UPDATE
                 SET as_of = EXCLUDED.as_of, colour = EXCLUDED.colour, overdue_days = EXCLUDED.overdue_days,
                     due_soon = EXCLUDED.due_soon, computed_at = EXCLUDED.computed_at)
         INSERT INTO events (kind, dedup_key, unit_id, project_id, item_id, subject, deadline, overdue_days)
         SELECT k.kind, k.kind || ':' || i.id || ':' || i.deadline, i.responsible_unit_id, i.project_id, i.id,
                i.title, i.deadline, c.overdue_days
         FROM changed c JOIN checklist_items i ON i.id = c.item_id
         CROSS JOIN LATERAL (VALUES
             (CASE WHEN c.colour IN ('yellow', 'red') AND c.colour IS DISTINCT FROM c.old_colour
                   THEN 'item_' || c.colour END),
             (CASE WHEN c.due_soon AND NOT c.old_due_soon THEN 'item_due_soon' END)) AS k(kind)
         WHERE k.kind IS NOT NULL
         ON CONFLICT (dedup_key) DO NOTHING
         RETURNING id",
    )
    .bind(as_of)
    .bind(t.red_after_days as i32)
    .bind(t.due_soon_days as i32)
    .fetch_all(&mut *conn)
    .await?;
    notifications::deliver(conn, &events).await?;
    sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE colour = 'red'), count(*) FILTER (WHERE colour = 'yellow')
         FROM item_status",
    )
    .fetch_one(conn)
    .await
}

/// Replaces the per-unit figures from the item colours just stored (exempt items left out).
pub async fn unit_standings(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM unit_standings").execute(&mut *conn).await?;
    sqlx::query(
        "INSERT INTO unit_standings (unit_id, red, yellow, overdue_total)
         SELECT i.responsible_unit_id, count(*) FILTER (WHERE s.colour = 'red'),
                count(*) FILTER (WHERE s.colour = 'yellow'), sum(s.overdue_days)
         FROM item_status s JOIN checklist_items i ON i.id = s.item_id
         WHERE s.colour IN ('red', 'yellow') AND item_counts(s.as_of, i.exempt_until)
         GROUP BY i.responsible_unit_id",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces each project's open-item figures as of `as_of` (what the projects list sorts and
/// filters by; the colour rule of domain::status, exempt items left out), writing only the rows
/// that changed.
pub async fn project_status(conn: &mut PgConnection, as_of: NaiveDate, t: Thresholds) -> Result<(), sqlx::Error> {
    sqlx::query(
        "WITH counted AS (
             SELECT project_id, count(*)::int AS open_items,
                    (count(*) FILTER (WHERE item_colour($1::date, deadline, $2) = 'red'))::int AS red_items,
                    (count(*) FILTER (WHERE item_colour($1::date, deadline, $2) = 'yellow'))::int AS yellow_items
             FROM checklist_items WHERE state = 'open' AND item_counts($1::date, exempt_until) GROUP BY project_id),
         computed AS (
             SELECT c.*, w.title AS worst_title, w.deadline AS worst_deadline, w.responsible_unit_id AS worst_unit_id
             FROM counted c CROSS JOIN LATERAL (
                 SELECT title, deadline, responsible_unit_id FROM checklist_items i
                 WHERE i.project_id = c.project_id AND i.state = 'open' AND item_counts($1::date, i.exempt_until)
                 ORDER BY deadline, title, id LIMIT 1) w),
         gone AS (
             DELETE FROM project_status ps
             WHERE NOT EXISTS (SELECT 1 FROM computed c WHERE c.project_id = ps.project_id))
         INSERT INTO project_status AS ps
         SELECT project_id, open_items, red_items, yellow_items, worst_title, worst_deadline, worst_unit_id
         FROM computed
         ON CONFLICT (project_id) DO UPDATE
             SET open_items = EXCLUDED.open_items, red_items = EXCLUDED.red_items,
                 yellow_items = EXCLUDED.yellow_items, worst_title = EXCLUDED.worst_title,
                 worst_deadline = EXCLUDED.worst_deadline, worst_unit_id = EXCLUDED.worst_unit_id
             WHERE (ps.open_items, ps.red_items, ps.yellow_items, ps.worst_title, ps.worst_deadline, ps.worst_unit_id)
                   IS DISTINCT FROM (EXCLUDED.open_items, EXCLUDED.red_items, EXCLUDED.yellow_items,
                                     EXCLUDED.worst_title, EXCLUDED.worst_deadline, EXCLUDED.worst_unit_id)",
    )
    .bind(as_of)
    .bind(t.red_after_days as i32)
    .execute(conn)
    .await?;
    Ok(())
}

/// Items as they stood on `$1` (recorded by then; closed later means open then), in the county's
/// time zone `$3`, leaving out those exempt on `$1` (domain::ranking's `state_on`).
const FACTS: &str = "facts AS (
    SELECT i.id, i.project_id, i.deadline, i.closed_on,
           CASE WHEN i.state = 'open' OR i.closed_on > $1::date THEN 'open' ELSE i.state END AS st
    FROM checklist_items i
    WHERE (i.created_at AT TIME ZONE $3)::date <= $1::date AND item_counts($1::date, i.exempt_until))";

/// Task-force identity: (task force, project).
pub type TaskForceKey = (Uuid, Uuid);

/// Every task force's figures as of `as_of` (domain::ranking::figures, counted set-based).
pub async fn standings(
    conn: &mut PgConnection,
    as_of: NaiveDate,
    t: Thresholds,
    tz: &str,
    rule: RedRule,
) -> Result<Vec<Standing<TaskForceKey>>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        task_force_id: Uuid,
        project_id: Uuid,
        name: String,
        due: i64,
        on_time: i64,
        red: i64,
        yellow: i64,
        overdue_total: i64,
        period_due: i64,
        period_on_time: i64,
        recently_red: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "WITH {FACTS}
         SELECT f.id AS task_force_id, f.project_id, p.name,
                count(x.id) FILTER (WHERE x.st <> 'cancelled' AND x.deadline <= $1::date) AS due,
                count(x.id) FILTER (WHERE x.st = 'done' AND x.deadline <= $1::date AND x.closed_on <= x.deadline) AS on_time,
                count(x.id) FILTER (WHERE x.st = 'open' AND item_colour($1::date, x.deadline, $2) = 'red') AS red,
                count(x.id) FILTER (WHERE x.st = 'open' AND item_colour($1::date, x.deadline, $2) = 'yellow') AS yellow,
                coalesce(sum(GREATEST($1::date - x.deadline, 0)) FILTER (WHERE x.st = 'open'), 0)::bigint AS overdue_total,
                count(x.id) FILTER (WHERE x.st <> 'cancelled' AND x.deadline BETWEEN $4::date AND $1::date) AS period_due,
                count(x.id) FILTER (WHERE x.st = 'done' AND x.deadline BETWEEN $4::date AND $1::date
                                      AND x.closed_on <= x.deadline) AS period_on_time,
                count(x.id) FILTER (WHERE x.st <> 'open' AND x.closed_on > $1::date - $5
                                      AND item_colour(x.closed_on, x.deadline, $2) = 'red') AS recently_red
         FROM task_forces f JOIN projects p ON p.id = f.project_id
         LEFT JOIN facts x ON x.project_id = f.project_id
         GROUP BY f.id, p.name"
    ))
    .bind(as_of)
    .bind(t.red_after_days as i32)
    .bind(tz)
    .bind(rule.period_start(as_of))
    .bind(ranking::CLEAN_DAYS as i32)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Standing {
            key: (r.task_force_id, r.project_id),
            name: r.name,
            figures: Figures {
                due: r.due,
                on_time: r.on_time,
                red: r.red,
                yellow: r.yellow,
                overdue_total: r.overdue_total,
                period_due: r.period_due,
                period_on_time: r.period_on_time,
                recently_red: r.recently_red,
            },
            score: None,
        })
        .collect())
}

/// Every task force's figures as of `as_of` under the county's settings, scored when the lists
/// are drawn by score: what the engine, the notices and the API rank.
pub async fn ranked(
    conn: &mut PgConnection,
    as_of: NaiveDate,
    settings: &Settings,
) -> Result<Vec<Standing<TaskForceKey>>, sqlx::Error> {
    let mut all = standings(
        conn,
        as_of,
        settings.thresholds(),
        &settings.time_zone,
        settings.red_rule(),
    )
    .await?;
    if let Method::Score { weights } = settings.ranking_method() {
        let extras = score_extras(conn, as_of, settings).await?;
        for s in &mut all {
            let extra = extras.get(&s.key.1).copied().unwrap_or_default();
            s.score = Some(score::breakdown(s.figures.checklist(), extra, weights));
        }
    }
    Ok(all)
}

/// What a score needs besides the checklist, per project, as of `as_of`: its requests past their
/// promise (domain::request::timing), its supervision orders answered late
/// (domain::notification::reply_days_late) and whether its investment is ahead of the time line.
async fn score_extras(
    conn: &mut PgConnection,
    as_of: NaiveDate,
    settings: &Settings,
) -> Result<HashMap<Uuid, Extra>, sqlx::Error> {
    let mut extras: HashMap<Uuid, Extra> = HashMap::new();
    let tz = settings.tz();
    for f in requests::facts(&mut *conn, ProjectScope::All).await? {
        let dates = f.dates(tz);
        if dates.submitted <= as_of && request::timing(f.state, dates, as_of, settings.service_level()).late() {
            extras.entry(f.project_id).or_default().late_requests += 1;
        }
    }
    let orders: Vec<(Uuid, NaiveDate, Option<NaiveDate>)> = sqlx::query_as(
        "SELECT i.project_id, o.reply_due, o.replied_on FROM supervision_orders o
         JOIN checklist_items i ON i.id = o.item_id WHERE o.issued_on <= $1",
    )
    .bind(as_of)
    .fetch_all(&mut *conn)
    .await?;
    for (project, due, replied) in orders {
        if reply_days_late(due, replied.filter(|d| *d <= as_of), as_of).is_some() {
            extras.entry(project).or_default().late_orders += 1;
        }
    }
    let years = CountyYears::load(conn, as_of).await?;
    for (project, judged) in years.judged(settings.report_due_day(), settings.investment_rule()) {
        if judged.deviation > 0.0 {
            extras.entry(project).or_default().investment_ahead = true;
        }
    }
    Ok(extras)
}

/// What a snapshot holds besides its entries.
pub struct SnapshotHead<'a> {
    pub kind: &'a str,
    pub as_of: NaiveDate,
    pub meeting_id: Option<Uuid>,
}

/// Stores a snapshot of the standings with their lists; returns its id.
pub async fn store_snapshot(
    conn: &mut PgConnection,
    head: SnapshotHead<'_>,
    all: &[Standing<TaskForceKey>],
    rule: RedRule,
    method: Method,
) -> Result<Uuid, sqlx::Error> {
    let (red, black) = ranking::lists(all, rule, method);
    let position = |list: &[Standing<TaskForceKey>], key: TaskForceKey| list.iter().position(|s| s.key == key);
    let (mut ids, mut projects, mut colours, mut lists, mut positions) = (vec![], vec![], vec![], vec![], vec![]);
    let (mut due, mut on_time, mut reds, mut yellows, mut overdue) = (vec![], vec![], vec![], vec![], vec![]);
    let (mut period_due, mut period_on_time, mut recently_red) = (vec![], vec![], vec![]);
    let (mut scores, mut breakdowns) = (vec![], vec![]);
    for s in all {
        scores.push(s.score.map(|b| b.total() as i32));
        breakdowns.push(s.score.map(|b| serde_json::to_value(b).unwrap_or_default()));
        ids.push(s.key.0);
        projects.push(s.key.1);
        colours.push(s.figures.colour().as_str());
        let place = match (position(&red, s.key), position(&black, s.key)) {
            (Some(p), _) => (Some("red"), Some(p as i32 + 1)),
            (_, Some(p)) => (Some("black"), Some(p as i32 + 1)),
            _ => (None, None),
        };
        lists.push(place.0);
        positions.push(place.1);
        due.push(s.figures.due as i32);
        on_time.push(s.figures.on_time as i32);
        reds.push(s.figures.red as i32);
        yellows.push(s.figures.yellow as i32);
        overdue.push(s.figures.overdue_total as i32);
        period_due.push(s.figures.period_due as i32);
        period_on_time.push(s.figures.period_on_time as i32);
        recently_red.push(s.figures.recently_red as i32);
    }
    let count = |c: &str| colours.iter().filter(|x| **x == c).count() as i32;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO ranking_snapshots (kind, as_of, meeting_id, red_items, yellow_items, red_projects, yellow_projects,
                                        red_rule, method)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(head.kind)
    .bind(head.as_of)
    .bind(head.meeting_id)
    .bind(reds.iter().sum::<i32>())
    .bind(yellows.iter().sum::<i32>())
    .bind(count("red"))
    .bind(count("yellow"))
    .bind(sqlx::types::Json(rule))
    .bind(sqlx::types::Json(method))
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO ranking_entries (snapshot_id, task_force_id, project_id, colour, due, on_time, red, yellow,
             overdue_total, list, list_position, period_due, period_on_time, recently_red, score, score_breakdown)
         SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::int[], $6::int[], $7::int[], $8::int[],
                                  $9::int[], $10::text[], $11::int[], $12::int[], $13::int[], $14::int[], $15::int[],
                                  $16::jsonb[])",
    )
    .bind(id)
    .bind(&ids)
    .bind(&projects)
    .bind(&colours)
    .bind(&due)
    .bind(&on_time)
    .bind(&reds)
    .bind(&yellows)
    .bind(&overdue)
    .bind(&lists)
    .bind(&positions)
    .bind(&period_due)
    .bind(&period_on_time)
    .bind(&recently_red)
    .bind(&scores)
    .bind(&breakdowns)
    .execute(conn)
    .await?;
    Ok(id)
}

/// Replaces the live ('current') snapshot.
pub async fn replace_current(
    conn: &mut PgConnection,
    as_of: NaiveDate,
    all: &[Standing<TaskForceKey>],
    rule: RedRule,
    method: Method,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query("DELETE FROM ranking_snapshots WHERE kind = 'current'")
        .execute(&mut *conn)
        .await?;
    store_snapshot(
        conn,
        SnapshotHead {
            kind: "current",
            as_of,
            meeting_id: None,
        },
        all,
        rule,
        method,
    )
    .await
}

/// Whether a weekly snapshot exists for the week (Monday to Sunday) holding `day`.
pub async fn weekly_exists(conn: &mut PgConnection, monday: NaiveDate, sunday: NaiveDate) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM ranking_snapshots WHERE kind = 'weekly' AND as_of BETWEEN $1 AND $2)",
    )
    .bind(monday)
    .bind(sunday)
    .fetch_one(conn)
    .await
}

/// Freezes the week's snapshot as of `as_of`, with the items that were yellow or red then.
pub async fn freeze_weekly(
    conn: &mut PgConnection,
    as_of: NaiveDate,
    meeting_id: Option<Uuid>,
    settings: &Settings,
) -> Result<Uuid, sqlx::Error> {
    let (t, tz, rule) = (settings.thresholds(), settings.time_zone.as_str(), settings.red_rule());
    let all = ranked(conn, as_of, settings).await?;
    let id = store_snapshot(
        conn,
        SnapshotHead {
            kind: "weekly",
            as_of,
            meeting_id,
        },
        &all,
        rule,
        settings.ranking_method(),
    )
    .await?;
    sqlx::query(&format!(
        "WITH {FACTS}
         INSERT INTO snapshot_items (snapshot_id, item_id, colour, overdue_days)
         SELECT $4, x.id, CASE WHEN $1::date - x.deadline > $2 THEN 'red' ELSE 'yellow' END, $1::date - x.deadline
         FROM facts x WHERE x.st = 'open' AND $1::date - x.deadline >= 1"
    ))
    .bind(as_of)
    .bind(t.red_after_days as i32)
    .bind(tz)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(id)
}

/// What a run covered: the changes counted when it started (see migration 0010), and its date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Coverage {
    pub changes: i64,
    pub as_of: NaiveDate,
}

/// How many changes have woken the engine so far.
pub async fn changes(conn: &mut PgConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM recompute_changes")
        .fetch_one(conn)
        .await
}

/// What the latest run covered (`None` before the first, or for a run older than the count).
pub async fn last_coverage(conn: &mut PgConnection) -> Result<Option<(i64, Coverage)>, sqlx::Error> {
    let row: Option<(i64, Option<i64>, NaiveDate)> =
        sqlx::query_as("SELECT id, changes, as_of FROM recompute_runs ORDER BY started_at DESC, id DESC LIMIT 1")
            .fetch_optional(conn)
            .await?;
    Ok(row.and_then(|(id, changes, as_of)| {
        Some((
            id,
            Coverage {
                changes: changes?,
                as_of,
            },
        ))
    }))
}

/// Notes that a poll found nothing new since run `id`.
pub async fn record_check(conn: &mut PgConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE recompute_runs SET checked_at = now() WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records a run.
pub async fn record_run(
    conn: &mut PgConnection,
    coverage: Coverage,
    started_at: chrono::DateTime<chrono::Utc>,
    duration_ms: i32,
    counts: (i64, i64, i64),
    task_forces: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO recompute_runs (as_of, started_at, duration_ms, items, projects, red_items, yellow_items, changes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(coverage.as_of)
    .bind(started_at)
    .bind(duration_ms)
    .bind(counts.0 as i32)
    .bind(task_forces)
    .bind(counts.1 as i32)
    .bind(counts.2 as i32)
    .bind(coverage.changes)
    .execute(conn)
    .await?;
    Ok(())
}
