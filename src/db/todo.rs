//! The to-do list in one statement: every section a user's role has, each with its count and
//! its first entries (domain::todo says which sections, and what they hold).

use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use super::scope::{in_scope, scope_params};
use crate::domain::access::ProjectScope;
use crate::domain::todo::Section;

/// One entry of a section, with the section's count.
#[derive(Debug, sqlx::FromRow)]
pub struct Row {
    pub kind: String,
    pub title: String,
    pub project: String,
    pub target: Uuid,
    pub day: NaiveDate,
    pub total: i64,
}

/// Who asks, and as of when.
pub struct Asking<'a> {
    pub scope: ProjectScope,
    pub user: Uuid,
    pub unit: Option<Uuid>,
    pub today: NaiveDate,
    pub due_soon_days: i32,
    pub time_zone: &'a str,
}

/// Every entry of the sections in `$7` waiting for the asker (`$1`–`$6`, `$8`: see [`bind`]), as
/// `kind, title, project, target, day`.
fn entries(scope: &str) -> String {
    format!(
        "SELECT 'to_verify' AS kind, i.title, p.name AS project, i.id AS target,
                    (i.submitted_at AT TIME ZONE $8)::date AS day
             FROM checklist_items i JOIN projects p ON p.id = i.project_id
             WHERE 'to_verify' = ANY($7) AND i.state = 'open' AND i.submitted_at IS NOT NULL AND {scope}
             UNION ALL
             SELECT 'to_triage', r.title, p.name, r.id, (r.created_at AT TIME ZONE $8)::date
             FROM investor_requests r JOIN projects p ON p.id = r.project_id
             WHERE 'to_triage' = ANY($7) AND r.state = 'pending' AND {scope}
             UNION ALL
             SELECT 'decisions_due', i.title, p.name, i.id, i.deadline
             FROM meeting_decisions d JOIN checklist_items i ON i.id = d.item_id JOIN projects p ON p.id = i.project_id
             WHERE 'decisions_due' = ANY($7) AND i.state = 'open' AND i.deadline <= $5 + $6 AND {scope}
             UNION ALL
             SELECT 'replies_late', i.title, p.name, i.id, o.reply_due
             FROM supervision_orders o JOIN checklist_items i ON i.id = o.item_id JOIN projects p ON p.id = i.project_id
             WHERE 'replies_late' = ANY($7) AND o.reply IS NULL AND o.reply_due < $5 AND {scope}
             UNION ALL
             SELECT 'unit_due', i.title, p.name, i.id, i.deadline
             FROM checklist_items i JOIN projects p ON p.id = i.project_id
             WHERE 'unit_due' = ANY($7) AND i.responsible_unit_id = $4 AND i.state = 'open'
               AND i.submitted_at IS NULL AND i.deadline <= $5 + $6
             UNION ALL
             SELECT 'sent_back', i.title, p.name, i.id, (e.created_at AT TIME ZONE $8)::date
             FROM checklist_items i JOIN projects p ON p.id = i.project_id
             CROSS JOIN LATERAL (SELECT kind, created_at FROM events e
                                 WHERE e.item_id = i.id AND e.kind IN ('item_submitted', 'item_sent_back')
                                 ORDER BY e.created_at DESC LIMIT 1) e
             WHERE 'sent_back' = ANY($7) AND i.responsible_unit_id = $4 AND i.state = 'open'
               AND i.submitted_at IS NULL AND e.kind = 'item_sent_back'
             UNION ALL
             SELECT 'orders_to_answer', i.title, p.name, i.id, o.reply_due
             FROM supervision_orders o JOIN checklist_items i ON i.id = o.item_id JOIN projects p ON p.id = i.project_id
             WHERE 'orders_to_answer' = ANY($7) AND o.unit_id = $4 AND o.reply IS NULL
             UNION ALL
             SELECT 'answered', r.title, p.name, r.id, (r.triaged_at AT TIME ZONE $8)::date
             FROM investor_requests r JOIN projects p ON p.id = r.project_id
             WHERE 'answered' = ANY($7) AND r.submitted_by = $3 AND r.state <> 'pending'
               AND r.triaged_at > now() - interval '14 days'
             UNION ALL
             SELECT 'to_rate', r.title, p.name, r.id, i.closed_on
             FROM investor_requests r JOIN checklist_items i ON i.investor_request_id = r.id
             JOIN projects p ON p.id = r.project_id
             WHERE 'to_rate' = ANY($7) AND r.submitted_by = $3 AND i.state = 'done' AND r.rating IS NULL"
    )
}

/// Binds what [`entries`] reads, in its order.
fn bind<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    a: &'q Asking<'_>,
    wanted: &'q [&'q str],
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    let (kind, id) = scope_params(a.scope);
    query
        .bind(kind)
        .bind(id)
        .bind(a.user)
        .bind(a.unit)
        .bind(a.today)
        .bind(a.due_soon_days)
        .bind(wanted)
        .bind(a.time_zone)
}

/// The entries of `sections` (the first `shown` of each, earliest first) with their counts.
pub async fn rows(pool: &PgPool, a: &Asking<'_>, sections: &[Section], shown: i64) -> Result<Vec<Row>, sqlx::Error> {
    if sections.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: Vec<&str> = sections.iter().map(|s| s.as_str()).collect();
    let sql = format!(
        "WITH entries AS ({}),
         ranked AS (
             SELECT e.*, count(*) OVER (PARTITION BY kind) AS total,
                    row_number() OVER (PARTITION BY kind ORDER BY day, title, target) AS n
             FROM entries e)
         SELECT kind, title, project, target, day, total FROM ranked WHERE n <= $9 ORDER BY kind, n",
        entries(in_scope(a.scope))
    );
    bind(sqlx::query_as(&sql), a, &wanted).bind(shown).fetch_all(pool).await
}

/// How many entries wait in `sections` altogether (the count in the navigation).
pub async fn total(pool: &PgPool, a: &Asking<'_>, sections: &[Section]) -> Result<i64, sqlx::Error> {
    if sections.is_empty() {
        return Ok(0);
    }
    let wanted: Vec<&str> = sections.iter().map(|s| s.as_str()).collect();
    let sql = format!("SELECT count(*) FROM ({}) e", entries(in_scope(a.scope)));
    let (n,): (i64,) = bind(sqlx::query_as(&sql), a, &wanted).fetch_one(pool).await?;
    Ok(n)
}
