//! Dispatch meetings: scheduling, the agenda built from the checklists, the record (attendance,
//! minutes), and decisions that become checklist items — each write with its audit entry.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::audit::{self, Actor, Entry};
use super::items::{self, Item, NewItem};
use super::requests;
use crate::domain::meeting::MeetingKind;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Meeting {
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    pub kind: MeetingKind,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub place: Option<String>,
    pub chair_name: Option<String>,
    pub state: String,
    pub minutes: Option<String>,
    pub version: i32,
    pub project_ids: Vec<Uuid>,
    pub unit_ids: Vec<Uuid>,
    pub attendees: Vec<String>,
    pub invitees: Vec<String>,
}

const MEETING: &str = "SELECT m.id, m.kind, m.title, m.starts_at, m.place, m.chair_name, m.state, m.minutes, m.version,
        coalesce((SELECT array_agg(mp.project_id ORDER BY mp.position) FROM meeting_projects mp WHERE mp.meeting_id = m.id), '{}') AS project_ids,
        coalesce((SELECT array_agg(mu.unit_id) FROM meeting_units mu WHERE mu.meeting_id = m.id), '{}') AS unit_ids,
        coalesce((SELECT array_agg(a.name ORDER BY a.name) FROM meeting_attendees a WHERE a.meeting_id = m.id AND a.present), '{}') AS attendees,
        coalesce((SELECT array_agg(a.name ORDER BY a.name) FROM meeting_attendees a WHERE a.meeting_id = m.id AND a.invited), '{}') AS invitees
    FROM meetings m";

pub async fn get(pool: &PgPool, id: Uuid) -> Result<Option<Meeting>, sqlx::Error> {
    sqlx::query_as(&format!("{MEETING} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Meetings whose projects include one of `projects` (`None`: all), newest first.
pub async fn list(pool: &PgPool, projects: Option<&[Uuid]>, limit: i64) -> Result<Vec<Meeting>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{MEETING} WHERE $1::uuid[] IS NULL
            OR EXISTS (SELECT 1 FROM meeting_projects mp WHERE mp.meeting_id = m.id AND mp.project_id = ANY($1))
         ORDER BY m.starts_at DESC LIMIT $2"
    ))
    .bind(projects)
    .bind(limit)
    .fetch_all(pool)
    .await
}

pub struct NewMeeting<'a> {
    pub kind: MeetingKind,
    pub title: &'a str,
    pub starts_at: DateTime<Utc>,
    pub place: Option<&'a str>,
    pub chair_name: Option<&'a str>,
    pub project_ids: &'a [Uuid],
    pub unit_ids: &'a [Uuid],
    /// People invited by name.
    pub invitees: &'a [String],
}

pub async fn create(
    pool: &PgPool,
    new: NewMeeting<'_>,
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<Uuid, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO meetings (kind, title, starts_at, place, chair_name, created_by) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id",
    )
    .bind(new.kind.as_str())
    .bind(new.title)
    .bind(new.starts_at)
    .bind(new.place)
    .bind(new.chair_name)
    .bind(user)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO meeting_projects (meeting_id, project_id, position)
         SELECT $1, p, (o - 1)::int FROM unnest($2::uuid[]) WITH ORDINALITY AS x(p, o)",
    )
    .bind(id)
    .bind(new.project_ids)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO meeting_units (meeting_id, unit_id) SELECT $1, unnest($2::uuid[])")
        .bind(id)
        .bind(new.unit_ids)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO meeting_attendees (meeting_id, name, invited) SELECT $1, unnest($2::text[]), true")
        .bind(id)
        .bind(new.invitees)
        .execute(&mut *tx)
        .await?;
    let after = json!({
        "kind": new.kind, "title": new.title, "starts_at": new.starts_at, "place": new.place,
        "projects": new.project_ids, "units": new.unit_ids, "invitees": new.invitees,
    });
    record(&mut tx, actor, "meeting.create", id, None, after).await?;
    tx.commit().await?;
    Ok(id)
}

/// Records who attended and the minutes (general and per project); the meeting is then held.
pub async fn record_minutes(
    pool: &PgPool,
    meeting: &Meeting,
    attendees: &[String],
    minutes: Option<&str>,
    per_project: &[(Uuid, Option<String>)],
    actor: Actor<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE meetings SET minutes = $2, state = 'held', version = version + 1 WHERE id = $1")
        .bind(meeting.id)
        .bind(minutes)
        .execute(&mut *tx)
        .await?;
    // The invitations stay; the record of who was present is replaced.
    sqlx::query("DELETE FROM meeting_attendees WHERE meeting_id = $1 AND present")
        .bind(meeting.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO meeting_attendees (meeting_id, name, invited, present) SELECT $1, unnest($2::text[]), false, true",
    )
    .bind(meeting.id)
    .bind(attendees)
    .execute(&mut *tx)
    .await?;
    for (project, text) in per_project {
        sqlx::query("UPDATE meeting_projects SET minutes = $3 WHERE meeting_id = $1 AND project_id = $2")
            .bind(meeting.id)
            .bind(project)
            .bind(text)
            .execute(&mut *tx)
            .await?;
    }
    let before = json!({ "minutes": meeting.minutes, "attendees": meeting.attendees });
    let after = json!({ "minutes": minutes, "attendees": attendees });
    record(&mut tx, actor, "meeting.minutes", meeting.id, Some(before), after).await?;
    tx.commit().await?;
    Ok(())
}

/// The minutes of each project of a meeting.
pub async fn project_minutes(pool: &PgPool, meeting: Uuid) -> Result<Vec<(Uuid, Option<String>)>, sqlx::Error> {
    sqlx::query_as("SELECT project_id, minutes FROM meeting_projects WHERE meeting_id = $1 ORDER BY position")
        .bind(meeting)
        .fetch_all(pool)
        .await
}

/// A decision: a new checklist item of the project (`new.source` names the meeting), linked to
/// the meeting both ways.
/// Records a decision of the meeting as a new item, in one transaction; when it answers a pending
/// request of its project, the request is accepted into it. `None` (nothing written) when the
/// request is no longer pending.
pub async fn add_decision(
    pool: &PgPool,
    meeting: Uuid,
    new: NewItem<'_>,
    answers: Option<Uuid>,
    user: Uuid,
) -> Result<Option<Item>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let item = match answers {
        Some(request) => match requests::accept_into(&mut tx, request, &new, user).await? {
            Some(item) => item,
            None => {
                tx.rollback().await?;
                return Ok(None);
            }
        },
        None => items::insert(&mut tx, &new, None, Actor::User(user), Some(user)).await?,
    };
    sqlx::query("INSERT INTO meeting_decisions (meeting_id, project_id, item_id) VALUES ($1, $2, $3)")
        .bind(meeting)
        .bind(new.project_id)
        .bind(item.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(item))
}

/// The decisions of a meeting as items.
pub async fn decisions(pool: &PgPool, meeting: Uuid) -> Result<Vec<Item>, sqlx::Error> {
    items::of_meeting(pool, meeting).await
}

/// The meeting before this one that shared a project with it.
pub async fn previous(pool: &PgPool, meeting: &Meeting) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT m.id FROM meetings m
         WHERE m.starts_at < $1 AND m.id <> $2 AND m.state <> 'cancelled'
           AND EXISTS (SELECT 1 FROM meeting_projects mp WHERE mp.meeting_id = m.id AND mp.project_id = ANY($3))
         ORDER BY m.starts_at DESC LIMIT 1",
    )
    .bind(meeting.starts_at)
    .bind(meeting.id)
    .bind(&meeting.project_ids)
    .fetch_optional(pool)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PendingRequest {
    pub id: Uuid,
    pub project_id: Uuid,
    pub title: String,
    pub created_at: DateTime<Utc>,
}

pub async fn pending_requests(pool: &PgPool, projects: &[Uuid]) -> Result<Vec<PendingRequest>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, project_id, title, created_at FROM investor_requests
         WHERE state = 'pending' AND project_id = ANY($1) ORDER BY created_at",
    )
    .bind(projects)
    .fetch_all(pool)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StageChange {
    pub project_id: Uuid,
    pub stage: String,
    pub on: Option<NaiveDate>,
}

/// Stage changes of the projects since `since`.
pub async fn stage_changes(
    pool: &PgPool,
    projects: &[Uuid],
    since: DateTime<Utc>,
) -> Result<Vec<StageChange>, sqlx::Error> {
    sqlx::query_as(
        "SELECT project_id, after->>'stage' AS stage, (after->>'actual_on')::date AS on
         FROM audit_log WHERE action = 'project.stage' AND project_id = ANY($1) AND at > $2 ORDER BY at",
    )
    .bind(projects)
    .bind(since)
    .fetch_all(pool)
    .await
}

async fn record(
    conn: &mut PgConnection,
    actor: Actor<'_>,
    action: &str,
    meeting: Uuid,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
) -> Result<(), sqlx::Error> {
    audit::record(
        conn,
        Entry {
            actor,
            action,
            entity: "meeting",
            entity_id: Some(meeting),
            project_id: None,
            before,
            after: Some(after),
        },
    )
    .await
}

/// Items open with a decision from an earlier meeting, among these projects.
pub async fn open_earlier_decisions(pool: &PgPool, meeting: &Meeting) -> Result<Vec<Item>, sqlx::Error> {
    items::open_decisions(pool, &meeting.project_ids, meeting.id).await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Point {
    pub id: Uuid,
    pub project_id: Option<Uuid>,
    pub position: i32,
    pub text: String,
}

/// The points the chair added to the agenda, in their order.
pub async fn points(pool: &PgPool, meeting: Uuid) -> Result<Vec<Point>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, project_id, position, text FROM meeting_agenda_points WHERE meeting_id = $1 ORDER BY position, id",
    )
    .bind(meeting)
    .fetch_all(pool)
    .await
}

pub async fn add_point(
    pool: &PgPool,
    meeting: Uuid,
    project: Option<Uuid>,
    text: &str,
    actor: Actor<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT id FROM meetings WHERE id = $1 FOR UPDATE")
        .bind(meeting)
        .execute(&mut *tx)
        .await?;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO meeting_agenda_points (meeting_id, project_id, position, text)
         SELECT $1, $2, coalesce(max(position), 0) + 1, $3 FROM meeting_agenda_points WHERE meeting_id = $1 RETURNING id",
    )
    .bind(meeting)
    .bind(project)
    .bind(text)
    .fetch_one(&mut *tx)
    .await?;
    record(
        &mut tx,
        actor,
        "meeting.point",
        meeting,
        None,
        json!({ "point": id, "text": text, "project": project }),
    )
    .await?;
    tx.commit().await
}

/// Moves a point one place up or down by swapping it with its neighbour.
pub async fn move_point(
    pool: &PgPool,
    meeting: Uuid,
    point: Uuid,
    up: bool,
    actor: Actor<'_>,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let all: Vec<(Uuid, i32)> = sqlx::query_as(
        "SELECT id, position FROM meeting_agenda_points WHERE meeting_id = $1 ORDER BY position, id FOR UPDATE",
    )
    .bind(meeting)
    .fetch_all(&mut *tx)
    .await?;
    let Some(at) = all.iter().position(|(id, _)| *id == point) else {
        tx.rollback().await?;
        return Ok(false);
    };
    let other = if up {
        at.checked_sub(1)
    } else {
        Some(at + 1).filter(|o| *o < all.len())
    };
    if let Some(o) = other {
        // Renumber densely, with the two swapped, so equal positions cannot tie.
        let mut order: Vec<Uuid> = all.iter().map(|(id, _)| *id).collect();
        order.swap(at, o);
        sqlx::query(
            "UPDATE meeting_agenda_points p SET position = x.o::int
             FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, o) WHERE p.id = x.id",
        )
        .bind(&order)
        .execute(&mut *tx)
        .await?;
        record(
            &mut tx,
            actor,
            "meeting.reorder",
            meeting,
            None,
            json!({ "order": order }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}
