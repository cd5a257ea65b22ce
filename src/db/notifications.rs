//! Events and inboxes. An event is created inside the transaction of the change that caused it,
//! once (its `dedup_key` is unique), and handed at once to its receivers' inboxes and to the
//! webhooks' outbox, so nothing is announced that did not happen and nothing that happened is lost.
//! A request's triage announces itself through [`request_decided`] (from `requests::accept` and
//! `requests::decline`); closing the item it became announces itself too (see `items::transition`).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::notification::{Audience, EventFacts, EventKind};
use crate::links;

/// An event about to happen.
#[derive(Debug, Default)]
pub struct NewEvent<'a> {
    pub unit_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    pub item_id: Option<Uuid>,
    pub meeting_id: Option<Uuid>,
    pub notice_id: Option<Uuid>,
    pub request_id: Option<Uuid>,
    pub subject: &'a str,
    pub deadline: Option<NaiveDate>,
    pub overdue_days: Option<i32>,
    pub item_count: Option<i32>,
}

/// Records an event named `key` unless it exists, and delivers it. Returns its id when it is new.
pub async fn emit(
    conn: &mut PgConnection,
    kind: EventKind,
    key: &str,
    e: NewEvent<'_>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let subject: String = e.subject.chars().take(300).collect();
    let id: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO events (kind, dedup_key, unit_id, project_id, item_id, meeting_id, notice_id, request_id,
             subject, deadline, overdue_days, item_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(kind.as_str())
    .bind(key)
    .bind(e.unit_id)
    .bind(e.project_id)
    .bind(e.item_id)
    .bind(e.meeting_id)
    .bind(e.notice_id)
    .bind(e.request_id)
    .bind(subject)
    .bind(e.deadline)
    .bind(e.overdue_days)
    .bind(e.item_count)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = id {
        deliver(conn, &[id]).await?;
    }
    Ok(id)
}

fn kinds_for(pick: impl Fn(Audience) -> bool) -> Vec<&'static str> {
    EventKind::ALL
        .into_iter()
        .filter(|k| pick(k.audience()))
        .map(EventKind::as_str)
        .collect()
}

/// Puts new events into their receivers' inboxes (domain::notification::Audience, minus the kinds
/// each receiver turned off) and into the outbox of every webhook of their unit or of the county.
/// Receivers are only people who may see the object: members of the unit (not leads of other
/// task forces who happen to have that unit), the task force's leaders, the project's investors.
pub async fn deliver(conn: &mut PgConnection, events: &[Uuid]) -> Result<(), sqlx::Error> {
    if events.is_empty() {
        return Ok(());
    }
    let unit = kinds_for(|a| matches!(a, Audience::Unit | Audience::UnitAndLeaders));
    let leaders = kinds_for(|a| {
        matches!(
            a,
            Audience::UnitAndLeaders | Audience::TaskForceAndOfficials | Audience::TaskForce
        )
    });
    let task_force = kinds_for(|a| matches!(a, Audience::TaskForceAndOfficials | Audience::TaskForce));
    let company = kinds_for(|a| a == Audience::Company);
    let officials = kinds_for(|a| matches!(a, Audience::Officials | Audience::TaskForceAndOfficials));
    // One equi-join per audience (an OR of them would compare every event with every user); a
    // receiver reached twice (a leader twice over) is skipped by the conflict clause, without a sort.
    sqlx::query(
        "INSERT INTO notifications (event_id, user_id, created_at)
         SELECT r.event_id, r.user_id, r.created_at FROM (
             SELECT e.id AS event_id, u.id AS user_id, e.created_at, e.kind
             FROM events e JOIN users u ON u.unit_id = e.unit_id AND u.role = 'member' AND u.active
             WHERE e.id = ANY($1) AND e.kind = ANY($2)
             UNION ALL
             SELECT e.id, u.id, e.created_at, e.kind
             FROM events e JOIN task_forces f ON f.project_id = e.project_id
             JOIN users u ON u.id = f.leader_user_id AND u.role IN ('official', 'lead') AND u.active
             WHERE e.id = ANY($1) AND e.kind = ANY($3)
             UNION ALL
             SELECT e.id, u.id, e.created_at, e.kind
             FROM events e JOIN task_forces f ON f.project_id = e.project_id
             JOIN task_force_members m ON m.task_force_id = f.id AND m.duty = 'leader'
             JOIN users u ON u.id = m.user_id AND u.role IN ('official', 'lead') AND u.active
             WHERE e.id = ANY($1) AND e.kind = ANY($3)
             UNION ALL
             SELECT e.id, u.id, e.created_at, e.kind
             FROM events e JOIN task_forces f ON f.project_id = e.project_id
             JOIN task_force_members m ON m.task_force_id = f.id AND m.duty <> 'leader'
             JOIN users u ON u.id = m.user_id AND u.role = 'lead' AND u.active
             WHERE e.id = ANY($1) AND e.kind = ANY($6)
             UNION ALL
             SELECT e.id, u.id, e.created_at, e.kind
             FROM events e JOIN investor_projects ip ON ip.project_id = e.project_id
             JOIN users u ON u.id = ip.user_id AND u.role = 'investor' AND u.active
             WHERE e.id = ANY($1) AND e.kind = ANY($4)
             UNION ALL
             SELECT e.id, u.id, e.created_at, e.kind
             FROM events e JOIN users u ON u.role = 'official' AND u.active
             WHERE e.id = ANY($1) AND e.kind = ANY($5)) r
         WHERE NOT EXISTS (SELECT 1 FROM notification_mutes m WHERE m.user_id = r.user_id AND m.kind = r.kind)
         ON CONFLICT DO NOTHING",
    )
    .bind(events)
    .bind(&unit)
    .bind(&leaders)
    .bind(&company)
    .bind(&officials)
    .bind(&task_force)
    .execute(&mut *conn)
    .await?;
    // Group robots are internal: events addressed to a company never go there. A unit's events go
    // to its robots and the county's; the county's also hear of requests waiting for triage, and
    // of a notice once (not once per unit it names).
    let mut county = kinds_for(|a| a == Audience::TaskForceAndOfficials);
    county.push(EventKind::NoticePublished.as_str());
    sqlx::query(
        "INSERT INTO webhook_deliveries (webhook_id, event_id)
         SELECT w.id, e.id FROM events e
         JOIN webhooks w ON w.active AND (w.unit_id = e.unit_id
             OR (w.unit_id IS NULL AND (e.kind <> $3 OR e.unit_id IS NULL)))
         WHERE e.id = ANY($1) AND (e.unit_id IS NOT NULL OR e.kind = ANY($2))
         ON CONFLICT DO NOTHING",
    )
    .bind(events)
    .bind(&county)
    .bind(EventKind::NoticePublished.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// Announces a request's triage to the company's investors, inside the caller's transaction, after
/// the request row was updated. Once per request.
pub async fn request_decided(conn: &mut PgConnection, request_id: Uuid, accepted: bool) -> Result<(), sqlx::Error> {
    let (project_id, title): (Uuid, String) =
        sqlx::query_as("SELECT project_id, title FROM investor_requests WHERE id = $1")
            .bind(request_id)
            .fetch_one(&mut *conn)
            .await?;
    let kind = if accepted {
        EventKind::RequestAccepted
    } else {
        EventKind::RequestDeclined
    };
    let key = format!("{}:{request_id}", kind.as_str());
    emit(
        conn,
        kind,
        &key,
        NewEvent {
            project_id: Some(project_id),
            request_id: Some(request_id),
            subject: &title,
            ..NewEvent::default()
        },
    )
    .await?;
    Ok(())
}

/// One entry of an inbox.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Notification {
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    pub kind: EventKind,
    pub item_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    pub notice_id: Option<Uuid>,
    pub request_id: Option<Uuid>,
    pub project_name: Option<String>,
    pub unit_name: Option<String>,
    pub subject: String,
    pub deadline: Option<NaiveDate>,
    pub overdue_days: Option<i32>,
    pub item_count: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

impl Notification {
    pub fn facts(&self) -> EventFacts<'_> {
        EventFacts {
            kind: self.kind,
            subject: &self.subject,
            project_name: self.project_name.as_deref(),
            unit_name: self.unit_name.as_deref(),
            deadline: self.deadline,
            overdue_days: self.overdue_days,
            count: self.item_count,
        }
    }

    /// Where the entry leads: the item, else the notice, else the request, else the project (its
    /// investment page for a monthly report's reminder).
    pub fn href(&self) -> Option<String> {
        let report = matches!(self.kind, EventKind::MonthlyReportDue | EventKind::MonthlyReportLate);
        match (self.item_id, self.notice_id, self.request_id, self.project_id) {
            (None, None, None, Some(p)) if report => Some(links::investment(p)),
            (Some(i), _, _, _) => Some(links::item(i)),
            (None, Some(n), _, _) => Some(links::notice(n)),
            (None, None, Some(r), _) => Some(links::request(r)),
            (None, None, None, Some(p)) => Some(links::project(p)),
            _ => None,
        }
    }
}

const EVENT: &str = "SELECT e.id, e.kind, e.item_id, e.project_id, e.notice_id, e.request_id, p.name AS project_name,
        un.name AS unit_name, e.subject, e.deadline, e.overdue_days, e.item_count, e.created_at";

/// A user's inbox, newest first, a page at a time, with the number of entries.
pub async fn inbox(
    pool: &PgPool,
    user: Uuid,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Notification>, i64), sqlx::Error> {
    let rows = sqlx::query_as(&format!(
        "{EVENT}, n.read_at IS NOT NULL AS read
         FROM notifications n JOIN events e ON e.id = n.event_id
         LEFT JOIN projects p ON p.id = e.project_id LEFT JOIN units un ON un.id = e.unit_id
         WHERE n.user_id = $1 ORDER BY n.created_at DESC, e.id LIMIT $2 OFFSET $3"
    ))
    .bind(user)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar("SELECT count(*) FROM notifications WHERE user_id = $1")
        .bind(user)
        .fetch_one(pool)
        .await?;
    Ok((rows, total))
}

/// An event as a webhook announces it.
pub async fn event(conn: &mut PgConnection, id: Uuid) -> Result<Notification, sqlx::Error> {
    sqlx::query_as(&format!(
        "{EVENT}, false AS read FROM events e
         LEFT JOIN projects p ON p.id = e.project_id LEFT JOIN units un ON un.id = e.unit_id WHERE e.id = $1"
    ))
    .bind(id)
    .fetch_one(conn)
    .await
}

/// Marks one entry read; false when the user has no such entry.
pub async fn mark_read(pool: &PgPool, user: Uuid, event: Uuid) -> Result<bool, sqlx::Error> {
    let found: Option<bool> = sqlx::query_scalar(
        "UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE user_id = $1 AND event_id = $2 RETURNING true",
    )
    .bind(user)
    .bind(event)
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

pub async fn mark_all_read(pool: &PgPool, user: Uuid) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL")
            .bind(user)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}

/// The kinds a user turned off.
pub async fn muted(pool: &PgPool, user: Uuid) -> Result<Vec<EventKind>, sqlx::Error> {
    let kinds: Vec<String> = sqlx::query_scalar("SELECT kind FROM notification_mutes WHERE user_id = $1")
        .bind(user)
        .fetch_all(pool)
        .await?;
    Ok(kinds.iter().filter_map(|k| EventKind::parse(k)).collect())
}

/// Replaces the kinds a user turned off.
pub async fn set_muted(pool: &PgPool, user: Uuid, kinds: &[EventKind]) -> Result<(), sqlx::Error> {
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM notification_mutes WHERE user_id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO notification_mutes (user_id, kind) SELECT $1, unnest($2::text[])")
        .bind(user)
        .bind(&names)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}
