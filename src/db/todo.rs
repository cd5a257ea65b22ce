//! The to-do list in one statement: every section a user's role has, each with its count and
//! its first entries (domain::todo says which sections, and what they hold).

use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use super::scope::{in_scope, scope_params};
use crate::domain::access::ProjectScope;
use crate::domain::todo::Section;

/// One entry of a section, with the section's count.
#[derive(Debug)]
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
    /// Monthly reports are due by this day of the next month.
    pub report_due_day: i32,
}

/// One section's entries waiting for the asker (`$1`–`$8`: see [`bind`]): kind, title, project,
/// target, day (named by the statements that hold them).
fn branch(section: Section, scope: &str) -> String {
    match section {
        Section::ToVerify => format!(
            "SELECT 'to_verify', i.title, p.name, i.id, (i.submitted_at AT TIME ZONE $7)::date
             FROM checklist_items i JOIN projects p ON p.id = i.project_id
             WHERE i.state = 'open' AND i.submitted_at IS NOT NULL AND {scope}"
        ),
        Section::ToTriage => format!(
            "SELECT 'to_triage', r.title, p.name, r.id, (r.created_at AT TIME ZONE $7)::date
             FROM investor_requests r JOIN projects p ON p.id = r.project_id
             WHERE r.state = 'pending' AND {scope}"
        ),
        Section::DecisionsDue => format!(
            "SELECT 'decisions_due', i.title, p.name, i.id, i.deadline
             FROM meeting_decisions d JOIN checklist_items i ON i.id = d.item_id JOIN projects p ON p.id = i.project_id
             WHERE i.state = 'open' AND i.deadline <= $5 + $6 AND {scope}"
        ),
        Section::RepliesLate => format!(
            "SELECT 'replies_late', i.title, p.name, i.id, o.reply_due
             FROM supervision_orders o JOIN checklist_items i ON i.id = o.item_id JOIN projects p ON p.id = i.project_id
             WHERE o.reply IS NULL AND o.reply_due < $5 AND {scope}"
        ),
        Section::UnitDue => "SELECT 'unit_due', i.title, p.name, i.id, i.deadline
             FROM checklist_items i JOIN projects p ON p.id = i.project_id
             WHERE i.responsible_unit_id = $4 AND i.state = 'open'
               AND i.submitted_at IS NULL AND i.deadline <= $5 + $6"
            .into(),
        Section::SentBack => "SELECT 'sent_back', i.title, p.name, i.id, (e.created_at AT TIME ZONE $7)::date
             FROM checklist_items i JOIN projects p ON p.id = i.project_id
             CROSS JOIN LATERAL (SELECT kind, created_at FROM events e
                                 WHERE e.item_id = i.id AND e.kind IN ('item_submitted', 'item_sent_back')
                                 ORDER BY e.created_at DESC LIMIT 1) e
             WHERE i.responsible_unit_id = $4 AND i.state = 'open'
               AND i.submitted_at IS NULL AND e.kind = 'item_sent_back'"
            .into(),
        Section::OrdersToAnswer => "SELECT 'orders_to_answer', i.title, p.name, i.id, o.reply_due
             FROM supervision_orders o JOIN checklist_items i ON i.id = o.item_id JOIN projects p ON p.id = i.project_id
             WHERE o.unit_id = $4 AND o.reply IS NULL"
            .into(),
        Section::Answered => "SELECT 'answered', r.title, p.name, r.id, (r.triaged_at AT TIME ZONE $7)::date
             FROM investor_requests r JOIN projects p ON p.id = r.project_id
             WHERE r.submitted_by = $3 AND r.state <> 'pending'
               AND (r.triaged_at AT TIME ZONE $7)::date > $5 - 14"
            .into(),
        // Reports are owed by projects with a plan for the year (domain::investment::Standing::late),
        // for the month before today's, by the due day of today's month.
        Section::ReportsDue => format!(
            "SELECT 'reports_due', to_char(m.month, 'YYYY-MM'), p.name, p.id,
                    (date_trunc('month', $5::date) + ($8 - 1) * interval '1 day')::date
             FROM (SELECT (date_trunc('month', $5::date) - interval '1 month')::date AS month) m
             JOIN investment_plans pl ON pl.year = extract(year FROM m.month)::int
             JOIN projects p ON p.id = pl.project_id
             WHERE NOT EXISTS (SELECT 1 FROM monthly_reports r
                               WHERE r.project_id = p.id AND r.month = m.month AND r.confirmed)
               AND {scope}"
        ),
        Section::ToRate => "SELECT 'to_rate', r.title, p.name, r.id, i.closed_on
             FROM investor_requests r JOIN checklist_items i ON i.investor_request_id = r.id
             JOIN projects p ON p.id = r.project_id
             WHERE r.submitted_by = $3 AND i.state = 'done' AND r.rating IS NULL"
            .into(),
    }
}

/// Every entry of `sections` waiting for the asker. Only those sections are in the statement, so
/// that each role's statement is planned once and its plan kept (a statement of every section,
/// switched by a parameter, was planned anew on every page: about 1.5 ms).
fn entries(sections: &[Section], scope: &str) -> String {
    sections
        .iter()
        .map(|s| branch(*s, scope))
        .collect::<Vec<_>>()
        .join("\n UNION ALL\n")
}

/// Binds what [`entries`] reads, in its order; a statement that does not read all of them still
/// gets their types from the casts below.
fn bind<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    a: &'q Asking<'_>,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    let (kind, id) = scope_params(a.scope);
    query
        .bind(kind)
        .bind(id)
        .bind(a.user)
        .bind(a.unit)
        .bind(a.today)
        .bind(a.due_soon_days)
        .bind(a.time_zone)
        .bind(a.report_due_day)
}

/// Gives every parameter a type, whichever sections the statement reads.
const TYPED: &str =
    "WITH typed AS (SELECT $1::text, $2::uuid, $3::uuid, $4::uuid, $5::date, $6::int, $7::text, $8::int)";

/// The entries of `sections` (the first `shown` of each, earliest first) with their counts, and
/// the snapshot they were read in (see `db::seen`; empty when there was nothing to read).
pub async fn rows(
    pool: &PgPool,
    a: &Asking<'_>,
    sections: &[Section],
    shown: i64,
) -> Result<(String, Vec<Row>), sqlx::Error> {
    if sections.is_empty() {
        return Ok((String::new(), Vec::new()));
    }
    let sql = format!(
        "{TYPED}, entries (kind, title, project, target, day) AS ({}),
         ranked AS (
             SELECT e.*, count(*) OVER (PARTITION BY kind) AS total,
                    row_number() OVER (PARTITION BY kind ORDER BY day, title, target) AS n
             FROM entries e)
         SELECT s.seen, r.kind, r.title, r.project, r.target, r.day, r.total
         FROM (SELECT pg_current_snapshot()::text AS seen) s LEFT JOIN ranked r ON r.n <= $9
         ORDER BY r.kind, r.n",
        entries(sections, in_scope(a.scope))
    );
    let lines: Vec<Line> = bind(sqlx::query_as(&sql), a).bind(shown).fetch_all(pool).await?;
    let seen = lines.first().map(|l| l.seen.clone()).unwrap_or_default();
    Ok((seen, lines.into_iter().filter_map(Line::row).collect()))
}

/// A line of [`rows`]' statement: the snapshot, and an entry unless none waits.
#[derive(sqlx::FromRow)]
struct Line {
    seen: String,
    kind: Option<String>,
    title: Option<String>,
    project: Option<String>,
    target: Option<Uuid>,
    day: Option<NaiveDate>,
    total: Option<i64>,
}

impl Line {
    fn row(self) -> Option<Row> {
        Some(Row {
            kind: self.kind?,
            title: self.title?,
            project: self.project?,
            target: self.target?,
            day: self.day?,
            total: self.total?,
        })
    }
}
