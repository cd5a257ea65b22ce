//! Investors' requests (企业诉求): raising them, triage into a checklist item or a reasoned decline,
//! the investor's rating, and the facts their service levels are judged on. Every change is one
//! transaction with its audit record; triage is optimistic (a stale version changes nothing).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::json;
use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

use super::audit::{self, Actor, Entry};
use super::items::{self, Item, NewItem};
use super::notifications::{self, NewEvent};
use super::scope::{ON_TASK_FORCE, in_scope, scope_params};
use crate::domain::access::ProjectScope;
use crate::domain::checklist::Category;
use crate::domain::notification::EventKind;
use crate::domain::request::{self, Dates, RequestDraft, RequestState, Standing};
use crate::domain::status::ItemState;

#[derive(Clone, Debug, sqlx::FromRow, Deserialize)]
pub struct Request {
    pub id: Uuid,
    pub project_id: Uuid,
    pub project_name: String,
    pub submitter: String,
    pub title: String,
    pub body: Option<String>,
    #[sqlx(try_from = "String")]
    pub category: Category,
    pub wished_on: Option<NaiveDate>,
    #[sqlx(try_from = "String")]
    pub state: RequestState,
    pub triager: Option<String>,
    pub triaged_at: Option<DateTime<Utc>>,
    pub decline_reason: Option<String>,
    pub rating: Option<i16>,
    pub rating_comment: Option<String>,
    pub created_at: DateTime<Utc>,
    pub version: i32,
    /// The checklist item an accepted request became.
    pub item_id: Option<Uuid>,
    pub item_title: Option<String>,
    pub item_unit: Option<String>,
    pub item_deadline: Option<NaiveDate>,
    #[sqlx(try_from = "Option<String>")]
    pub item_state: OptionalState,
    pub item_closed_on: Option<NaiveDate>,
}

/// An item state that may be missing (a request not accepted has no item).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct OptionalState(pub Option<ItemState>);

impl TryFrom<Option<String>> for OptionalState {
    type Error = String;
    fn try_from(s: Option<String>) -> Result<OptionalState, String> {
        s.map(ItemState::try_from).transpose().map(OptionalState)
    }
}

impl Request {
    pub fn standing(&self) -> Standing {
        request::standing(self.state, self.item_state.0)
    }

    /// The dates its service level is judged on, as days of the county's calendar.
    pub fn dates(&self, tz: chrono_tz::Tz) -> Dates {
        county_dates(self.created_at, self.triaged_at, self.item_closed_on, tz)
    }

    fn snapshot(&self) -> serde_json::Value {
        json!({
            "title": self.title,
            "body": self.body,
            "category": self.category,
            "wished_on": self.wished_on,
            "state": self.state,
            "decline_reason": self.decline_reason,
            "item": self.item_id,
            "rating": self.rating,
            "rating_comment": self.rating_comment,
        })
    }
}

/// A request's timestamps as days of the county's calendar, for its service level.
fn county_dates(
    created_at: DateTime<Utc>,
    triaged_at: Option<DateTime<Utc>>,
    item_closed: Option<NaiveDate>,
    tz: chrono_tz::Tz,
) -> Dates {
    Dates {
        submitted: created_at.with_timezone(&tz).date_naive(),
        triaged: triaged_at.map(|t| t.with_timezone(&tz).date_naive()),
        item_closed,
    }
}

pub(crate) const SELECT: &str =
    "SELECT r.id, r.project_id, p.name AS project_name, s.display_name AS submitter, r.title,
        r.body, r.category, r.wished_on, r.state, t.display_name AS triager, r.triaged_at, r.decline_reason,
        r.rating, r.rating_comment, r.created_at, r.version, i.id AS item_id, i.title AS item_title,
        i.unit AS item_unit, i.deadline AS item_deadline, i.state AS item_state, i.closed_on AS item_closed_on
    FROM investor_requests r
    JOIN projects p ON p.id = r.project_id
    JOIN users s ON s.id = r.submitted_by
    LEFT JOIN users t ON t.id = r.triaged_by
    -- At most one item per request (a unique key), said so: the planner otherwise expects thousands
    -- and plans every call anew.
    LEFT JOIN LATERAL (
        SELECT i.id, i.title, i.deadline, i.state, i.closed_on, u.name AS unit
        FROM checklist_items i JOIN units u ON u.id = i.responsible_unit_id
        WHERE i.investor_request_id = r.id LIMIT 1) i ON true";

/// A request whose project the scope allows, and whether `user` is on that project's task force.
pub async fn find_visible(
    pool: &PgPool,
    scope: ProjectScope,
    user: Uuid,
    id: Uuid,
) -> Result<Option<(Request, bool)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        request: Request,
        on_task_force: bool,
    }
    let (kind, scope_id) = scope_params(scope);
    let scoped = in_scope(scope);
    let sql = SELECT.replacen("SELECT ", ON_TASK_FORCE, 1);
    let row: Option<Row> = sqlx::query_as(&format!("{sql} WHERE {scoped} AND r.id = $4"))
        .bind(kind)
        .bind(scope_id)
        .bind(user)
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| (r.request, r.on_task_force)))
}

/// The order requests are listed in: pending ones first, oldest first so that the longest wait
/// leads; then the others, newest first.
pub(crate) const LISTED: &str =
    "r.state <> 'pending', CASE WHEN r.state = 'pending' THEN r.created_at END, r.created_at DESC";

/// The requests of the projects the scope allows (`project` narrows to one), in [`LISTED`] order.
pub async fn list(
    pool: &PgPool,
    scope: ProjectScope,
    project: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Request>, sqlx::Error> {
    let (kind, scope_id) = scope_params(scope);
    let scoped = in_scope(scope);
    // One text with the project and one without, so that each keeps its plan.
    let project_is = if project.is_some() {
        "r.project_id = $3"
    } else {
        "$3::uuid IS NULL"
    };
    sqlx::query_as(&format!(
        "{SELECT} WHERE {scoped} AND {project_is}
         ORDER BY {LISTED} LIMIT $4"
    ))
    .bind(kind)
    .bind(scope_id)
    .bind(project)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Requests still waiting for something: triage, or their item's closing; oldest first.
pub async fn open<'e>(pool: impl PgExecutor<'e>, scope: ProjectScope, limit: i64) -> Result<Vec<Request>, sqlx::Error> {
    let (kind, scope_id) = scope_params(scope);
    let scoped = in_scope(scope);
    sqlx::query_as(&format!(
        "{SELECT} WHERE {scoped} AND (r.state = 'pending' OR (r.state = 'accepted' AND i.state = 'open'))
         ORDER BY r.created_at LIMIT $3"
    ))
    .bind(kind)
    .bind(scope_id)
    .bind(limit)
    .fetch_all(pool)
    .await
}

async fn get(conn: &mut PgConnection, id: Uuid) -> Result<Request, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_one(conn)
        .await
}

async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Request, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE r.id = $1 FOR UPDATE OF r"))
        .bind(id)
        .fetch_one(conn)
        .await
}

async fn record(
    conn: &mut PgConnection,
    actor: Actor<'_>,
    action: &str,
    before: Option<&Request>,
    after: &Request,
) -> Result<(), sqlx::Error> {
    audit::record(
        conn,
        Entry {
            actor,
            action,
            entity: "request",
            entity_id: Some(after.id),
            project_id: Some(after.project_id),
            before: before.map(Request::snapshot),
            after: Some(after.snapshot()),
        },
    )
    .await
}

pub async fn create(pool: &PgPool, project: Uuid, user: Uuid, draft: &RequestDraft) -> Result<Request, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO investor_requests (project_id, submitted_by, title, body, category, wished_on)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(project)
    .bind(user)
    .bind(&draft.title)
    .bind(&draft.body)
    .bind(draft.category.as_str())
    .bind(draft.wished_on)
    .fetch_one(&mut *tx)
    .await?;
    let request = get(&mut tx, id).await?;
    record(&mut tx, Actor::User(user), "request.create", None, &request).await?;
    notifications::emit(
        &mut tx,
        EventKind::RequestSubmitted,
        &format!("request_submitted:{id}"),
        NewEvent {
            project_id: Some(request.project_id),
            request_id: Some(id),
            subject: &request.title,
            ..NewEvent::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(request)
}

/// Reminds whoever triages of pending requests whose triage deadline is the next working day,
/// and warns once it has passed (domain::request::triage_reminder): once per request and kind,
/// however many runs and instances look.
pub async fn remind_triage(
    conn: &mut PgConnection,
    today: NaiveDate,
    level: &request::ServiceLevel,
    tz: chrono_tz::Tz,
) -> Result<usize, sqlx::Error> {
    let pending: Vec<(Uuid, Uuid, String, DateTime<Utc>)> =
        // Flagged late is the last word: those are not looked at again on every run.
        sqlx::query_as(
            "SELECT r.id, r.project_id, r.title, r.created_at FROM investor_requests r
             WHERE r.state = 'pending'
               AND NOT EXISTS (SELECT 1 FROM events e WHERE e.request_id = r.id AND e.kind = 'request_late')",
        )
            .fetch_all(&mut *conn)
            .await?;
    let (mut kinds, mut keys, mut projects, mut requests, mut subjects, mut deadlines) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (id, project, title, created_at) in pending {
        let submitted = created_at.with_timezone(&tz).date_naive();
        let by = level.calendar.add(submitted, level.triage_days);
        let kind = match request::triage_reminder(by, today, &level.calendar) {
            Some(request::TriageReminder::Due) => EventKind::RequestTriageDue,
            Some(request::TriageReminder::Late) => EventKind::RequestLate,
            None => continue,
        };
        kinds.push(kind.as_str());
        keys.push(format!("{}:{id}", kind.as_str()));
        projects.push(project);
        requests.push(id);
        subjects.push(title.chars().take(300).collect::<String>());
        deadlines.push(by);
    }
    if kinds.is_empty() {
        return Ok(0);
    }
    let events: Vec<Uuid> = sqlx::query_scalar(
        "INSERT INTO events (kind, dedup_key, project_id, request_id, subject, deadline)
         SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::date[])
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(&kinds)
    .bind(&keys)
    .bind(&projects)
    .bind(&requests)
    .bind(&subjects)
    .bind(&deadlines)
    .fetch_all(&mut *conn)
    .await?;
    notifications::deliver(conn, &events).await?;
    Ok(events.len())
}

/// The outcome of a triage.
pub enum Triaged {
    Done(Request),
    /// The version given was stale; nothing changed.
    Conflict(Request),
    /// Someone triaged it already.
    NotPending(Request),
}

/// Locks a pending request at `version`, or says why it cannot be triaged (rolling back).
async fn lock_pending(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    id: Uuid,
    version: i32,
) -> Result<Result<Request, Triaged>, sqlx::Error> {
    let before = lock(tx, id).await?;
    if before.version != version {
        return Ok(Err(Triaged::Conflict(before)));
    }
    if before.state != RequestState::Pending {
        return Ok(Err(Triaged::NotPending(before)));
    }
    Ok(Ok(before))
}

/// Accepts the request: it becomes `item` (source: investor request), in one transaction.
pub async fn accept(
    pool: &PgPool,
    id: Uuid,
    version: i32,
    item: NewItem<'_>,
    user: Uuid,
) -> Result<(Triaged, Option<Item>), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let before = match lock_pending(&mut tx, id, version).await? {
        Ok(r) => r,
        Err(refused) => {
            tx.rollback().await?;
            return Ok((refused, None));
        }
    };
    sqlx::query(
        "UPDATE investor_requests SET state = 'accepted', triaged_by = $2, triaged_at = now(),
             version = version + 1
         WHERE id = $1",
    )
    .bind(id)
    .bind(user)
    .execute(&mut *tx)
    .await?;
    let created = items::insert(&mut tx, &item, Some(id), Actor::User(user), Some(user)).await?;
    notifications::request_decided(&mut tx, id, true).await?;
    let after = get(&mut tx, id).await?;
    record(&mut tx, Actor::User(user), "request.accept", Some(&before), &after).await?;
    tx.commit().await?;
    Ok((Triaged::Done(after), Some(created)))
}

/// Accepts a pending request of `item`'s project into `item`, inside the caller's transaction
/// (a meeting's decision that answers it): `None`, changing nothing, when it is not pending or is
/// another project's.
pub(crate) async fn accept_into(
    conn: &mut PgConnection,
    id: Uuid,
    item: &NewItem<'_>,
    user: Uuid,
) -> Result<Option<Item>, sqlx::Error> {
    let Some(before) = sqlx::query_as::<_, Request>(&format!("{SELECT} WHERE r.id = $1 FOR UPDATE OF r"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    if before.state != RequestState::Pending || before.project_id != item.project_id {
        return Ok(None);
    }
    sqlx::query(
        "UPDATE investor_requests SET state = 'accepted', triaged_by = $2, triaged_at = now(), version = version + 1
         WHERE id = $1",
    )
    .bind(id)
    .bind(user)
    .execute(&mut *conn)
    .await?;
    let created = items::insert(conn, item, Some(id), Actor::User(user), Some(user)).await?;
    notifications::request_decided(conn, id, true).await?;
    let after = get(conn, id).await?;
    record(conn, Actor::User(user), "request.accept", Some(&before), &after).await?;
    Ok(Some(created))
}

pub async fn decline(pool: &PgPool, id: Uuid, version: i32, reason: &str, user: Uuid) -> Result<Triaged, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let before = match lock_pending(&mut tx, id, version).await? {
        Ok(r) => r,
        Err(refused) => {
            tx.rollback().await?;
            return Ok(refused);
        }
    };
    sqlx::query(
        "UPDATE investor_requests SET state = 'declined', decline_reason = $2, triaged_by = $3, triaged_at = now(),
             version = version + 1
         WHERE id = $1",
    )
    .bind(id)
    .bind(reason)
    .bind(user)
    .execute(&mut *tx)
    .await?;
    notifications::request_decided(&mut tx, id, false).await?;
    let after = get(&mut tx, id).await?;
    record(&mut tx, Actor::User(user), "request.decline", Some(&before), &after).await?;
    tx.commit().await?;
    Ok(Triaged::Done(after))
}

/// Records the investor's rating of a resolved request; `None` when it cannot be rated (not
/// resolved, or rated already).
pub async fn rate(
    pool: &PgPool,
    id: Uuid,
    score: i16,
    comment: Option<&str>,
    user: Uuid,
) -> Result<Option<Request>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let before = lock(&mut tx, id).await?;
    if !request::may_rate(before.standing(), before.rating.is_some()) {
        tx.rollback().await?;
        return Ok(None);
    }
    sqlx::query(
        "UPDATE investor_requests SET rating = $2, rating_comment = $3, rated_at = now(), version = version + 1
         WHERE id = $1",
    )
    .bind(id)
    .bind(score)
    .bind(comment)
    .execute(&mut *tx)
    .await?;
    let after = get(&mut tx, id).await?;
    record(&mut tx, Actor::User(user), "request.rate", Some(&before), &after).await?;
    tx.commit().await?;
    Ok(Some(after))
}

/// What a service level is judged on, for every request of the projects the scope allows.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Fact {
    pub project_id: Uuid,
    pub project_name: String,
    /// The code of the unit responsible for its item, once accepted.
    pub unit_code: Option<String>,
    #[sqlx(try_from = "String")]
    pub state: RequestState,
    pub created_at: DateTime<Utc>,
    pub triaged_at: Option<DateTime<Utc>>,
    pub item_closed_on: Option<NaiveDate>,
    pub rating: Option<i16>,
}

impl Fact {
    pub fn dates(&self, tz: chrono_tz::Tz) -> Dates {
        county_dates(self.created_at, self.triaged_at, self.item_closed_on, tz)
    }
}

pub async fn facts<'e>(pool: impl PgExecutor<'e>, scope: ProjectScope) -> Result<Vec<Fact>, sqlx::Error> {
    let (kind, scope_id) = scope_params(scope);
    let scoped = in_scope(scope);
    sqlx::query_as(&format!(
        "SELECT r.project_id, p.name AS project_name, u.code AS unit_code, r.state, r.created_at,
                r.triaged_at, i.closed_on AS item_closed_on, r.rating
         FROM investor_requests r JOIN projects p ON p.id = r.project_id
         LEFT JOIN checklist_items i ON i.investor_request_id = r.id
         LEFT JOIN units u ON u.id = i.responsible_unit_id
         WHERE {scoped}"
    ))
    .bind(kind)
    .bind(scope_id)
    .fetch_all(pool)
    .await
}
