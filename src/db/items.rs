//! Checklist items: reading them as the policy allows, and every change in one transaction with
//! its audit record. Edits are optimistic: a stale version changes nothing and returns the current item.

use std::cmp::{Ordering, Reverse};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::audit::{self, Actor, Entry};
use super::notifications::{self, NewEvent};
use super::scope::{ON_TASK_FORCE, in_scope, scope_params};
use crate::domain::access::ProjectScope;
use crate::domain::adjustment::Adjustment;
use crate::domain::checklist::{Category, ItemDraft, ItemFields, Phase, Source, Transition};
use crate::domain::notification::EventKind;
use crate::domain::sheet::SheetItem;
use crate::domain::status::ItemState;
use crate::domain::template;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Item {
    pub id: Uuid,
    pub project_id: Uuid,
    pub project_name: String,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub category: Category,
    pub responsible_unit_id: Uuid,
    pub unit_code: String,
    pub unit_name: String,
    pub deadline: NaiveDate,
    pub original_deadline: NaiveDate,
    #[sqlx(try_from = "String")]
    pub state: ItemState,
    #[sqlx(try_from = "String")]
    pub source: Source,
    pub note: Option<String>,
    pub note_for_investor: bool,
    pub closing_note: Option<String>,
    pub cancel_reason: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    /// The meeting whose decision this item is.
    pub meeting_id: Option<Uuid>,
    /// When the responsible unit reported the item done, with its evidence note.
    pub submitted_at: Option<DateTime<Utc>>,
    /// The county's calendar day of `submitted_at`, which the waiting time counts from.
    pub submitted_on: Option<NaiveDate>,
    pub submission_note: Option<String>,
    pub submitted_by_name: Option<String>,
    /// Its exemption, if an official gave one (in force through `exempt_until`), and who gave it.
    pub exempt_until: Option<NaiveDate>,
    pub exempt_reason: Option<String>,
    pub exempt_by_name: Option<String>,
}

impl Item {
    pub fn phase(&self) -> Phase {
        Phase::of(self.state, self.submitted_at.is_some())
    }

    pub fn order_key(&self) -> OrderKey<'_> {
        OrderKey {
            state: self.state,
            deadline: self.deadline,
            closed_on: self.closed_on,
            title: &self.title,
            id: self.id,
        }
    }

    /// What the audit log keeps of an item, before and after a change.
    pub fn snapshot(&self) -> Value {
        serde_json::to_value(Snapshot::from(self)).unwrap_or_default()
    }
}

impl Item {
    /// The item's values as its form shows them.
    pub fn fields(&self) -> ItemFields {
        ItemFields {
            title: self.title.clone(),
            category: self.category.as_str().into(),
            responsible_unit: self.unit_code.clone(),
            deadline: self.deadline.to_string(),
            note: self.note.clone().unwrap_or_default(),
            note_for_investor: self.note_for_investor,
        }
    }
}

/// What the audit log keeps of an item: every path that writes one (a form, the API, an import)
/// records the same fields.
#[derive(Serialize)]
pub struct Snapshot<'a> {
    title: &'a str,
    category: Category,
    responsible_unit: &'a str,
    deadline: NaiveDate,
    original_deadline: NaiveDate,
    state: Phase,
    note: &'a Option<String>,
    note_for_investor: bool,
    submission_note: &'a Option<String>,
    closing_note: &'a Option<String>,
    cancel_reason: &'a Option<String>,
    exempt_until: Option<NaiveDate>,
    exempt_reason: &'a Option<String>,
}

impl<'a> From<&'a Item> for Snapshot<'a> {
    fn from(i: &'a Item) -> Self {
        Snapshot {
            title: &i.title,
            category: i.category,
            responsible_unit: &i.unit_code,
            deadline: i.deadline,
            original_deadline: i.original_deadline,
            state: i.phase(),
            note: &i.note,
            note_for_investor: i.note_for_investor,
            submission_note: &i.submission_note,
            closing_note: &i.closing_note,
            cancel_reason: &i.cancel_reason,
            exempt_until: i.exempt_until,
            exempt_reason: &i.exempt_reason,
        }
    }
}

/// What a checklist line shows of an item (the project page, a unit's queue): read without the
/// item's notes, remarks and who submitted it, which only the item's own page shows.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Line {
    pub id: Uuid,
    pub project_id: Uuid,
    pub project_name: String,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub category: Category,
    pub unit_name: String,
    pub deadline: NaiveDate,
    pub original_deadline: NaiveDate,
    #[sqlx(try_from = "String")]
    pub state: ItemState,
    #[sqlx(try_from = "String")]
    pub source: Source,
    pub closed_on: Option<NaiveDate>,
    pub meeting_id: Option<Uuid>,
    /// The county's calendar day the responsible unit reported the item done.
    pub submitted_on: Option<NaiveDate>,
    /// The last day of its exemption, if it has one.
    pub exempt_until: Option<NaiveDate>,
}

impl Line {
    pub fn phase(&self) -> Phase {
        Phase::of(self.state, self.submitted_on.is_some())
    }

    pub fn order_key(&self) -> OrderKey<'_> {
        OrderKey {
            state: self.state,
            deadline: self.deadline,
            closed_on: self.closed_on,
            title: &self.title,
            id: self.id,
        }
    }
}

impl From<&Item> for Line {
    fn from(i: &Item) -> Line {
        Line {
            id: i.id,
            project_id: i.project_id,
            project_name: i.project_name.clone(),
            title: i.title.clone(),
            category: i.category,
            unit_name: i.unit_name.clone(),
            deadline: i.deadline,
            original_deadline: i.original_deadline,
            state: i.state,
            source: i.source,
            closed_on: i.closed_on,
            meeting_id: i.meeting_id,
            submitted_on: i.submitted_on,
            exempt_until: i.exempt_until,
        }
    }
}

const LINE: &str = "SELECT i.id, i.project_id, p.name AS project_name, i.title, i.category, u.name AS unit_name,
        i.deadline, i.original_deadline, i.state, i.source, i.closed_on, i.meeting_id,
        (i.submitted_at AT TIME ZONE (SELECT time_zone FROM settings))::date AS submitted_on, i.exempt_until
    FROM checklist_items i JOIN projects p ON p.id = i.project_id JOIN units u ON u.id = i.responsible_unit_id";

const SELECT: &str = "SELECT i.id, i.project_id, p.name AS project_name, i.title, i.category, i.responsible_unit_id,
        u.code AS unit_code, u.name AS unit_name, i.deadline, i.original_deadline, i.state, i.source, i.note,
        i.note_for_investor, i.closing_note, i.cancel_reason, i.closed_on, i.version, i.updated_at,
        i.meeting_id, i.submitted_at,
        (i.submitted_at AT TIME ZONE (SELECT time_zone FROM settings))::date AS submitted_on, i.submission_note,
        sb.display_name AS submitted_by_name, i.exempt_until, i.exempt_reason, eb.display_name AS exempt_by_name
    FROM checklist_items i JOIN projects p ON p.id = i.project_id JOIN units u ON u.id = i.responsible_unit_id
        LEFT JOIN users sb ON sb.id = i.submitted_by LEFT JOIN users eb ON eb.id = i.exempt_by";

/// An item the scope allows, and whether `user` belongs to its project's task force.
pub async fn find_visible(
    pool: &PgPool,
    scope: ProjectScope,
    user: Uuid,
    id: Uuid,
) -> Result<Option<(Item, bool)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        item: Item,
        on_task_force: bool,
    }
    let (kind, scope_id) = scope_params(scope);
    let scoped = in_scope(scope);
    let sql = SELECT.replacen("SELECT ", ON_TASK_FORCE, 1);
    let row: Option<Row> = sqlx::query_as(&format!("{sql} WHERE {scoped} AND i.id = $4"))
        .bind(kind)
        .bind(scope_id)
        .bind(user)
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| (r.item, r.on_task_force)))
}

async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Item, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE i.id = $1 FOR UPDATE OF i"))
        .bind(id)
        .fetch_one(conn)
        .await
}

async fn get(conn: &mut PgConnection, id: Uuid) -> Result<Item, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE i.id = $1"))
        .bind(id)
        .fetch_one(conn)
        .await
}

/// Every item of a project in checklist order (see [`checklist_order`]).
pub async fn of_project(pool: &PgPool, project: Uuid) -> Result<Vec<Item>, sqlx::Error> {
    // Its own text rather than a one-element array: a plan for one project is kept and reused.
    let mut items: Vec<Item> = sqlx::query_as(&format!("{SELECT} WHERE i.project_id = $1"))
        .bind(project)
        .fetch_all(pool)
        .await?;
    items.sort_by(|a, b| checklist_order(&a.order_key(), &b.order_key()));
    Ok(items)
}

/// A project's checklist as its page lists it, in checklist order.
pub async fn lines_of_project(conn: &mut PgConnection, project: Uuid) -> Result<Vec<Line>, sqlx::Error> {
    let mut lines: Vec<Line> = sqlx::query_as(&format!("{LINE} WHERE i.project_id = $1"))
        .bind(project)
        .fetch_all(conn)
        .await?;
    lines.sort_by(|a, b| checklist_order(&a.order_key(), &b.order_key()));
    Ok(lines)
}

/// The items of these projects, each project's in checklist order.
pub async fn of_projects(pool: &PgPool, projects: &[Uuid]) -> Result<Vec<Item>, sqlx::Error> {
    let mut items: Vec<Item> = sqlx::query_as(&format!("{SELECT} WHERE i.project_id = ANY($1)"))
        .bind(projects)
        .fetch_all(pool)
        .await?;
    items.sort_by(|a, b| {
        a.project_id
            .cmp(&b.project_id)
            .then_with(|| checklist_order(&a.order_key(), &b.order_key()))
    });
    Ok(items)
}

/// What a checklist is ordered by.
pub struct OrderKey<'a> {
    state: ItemState,
    deadline: NaiveDate,
    closed_on: Option<NaiveDate>,
    title: &'a str,
    id: Uuid,
}

/// A checklist's order: open items first, by deadline; then closed ones, most recently closed
/// first; then by title. (Sorted here rather than by PostgreSQL: a quarter of the project page's
/// query was its sort.)
pub fn checklist_order(a: &OrderKey, b: &OrderKey) -> Ordering {
    let key = |k: &OrderKey| {
        let open = k.state == ItemState::Open;
        (
            !open,
            open.then_some(k.deadline),
            Reverse(k.closed_on.filter(|_| !open)),
        )
    };
    key(a)
        .cmp(&key(b))
        .then_with(|| a.title.cmp(b.title))
        .then_with(|| a.id.cmp(&b.id))
}

/// The items a meeting decided, in the order they were recorded.
pub async fn of_meeting(pool: &PgPool, meeting: Uuid) -> Result<Vec<Item>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} JOIN meeting_decisions d ON d.item_id = i.id WHERE d.meeting_id = $1 ORDER BY d.created_at, i.title"
    ))
    .bind(meeting)
    .fetch_all(pool)
    .await
}

/// Open decisions of meetings other than `except`, among `projects`, most urgent first.
pub async fn open_decisions(pool: &PgPool, projects: &[Uuid], except: Uuid) -> Result<Vec<Item>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE i.project_id = ANY($1) AND i.source = 'meeting_decision' AND i.state = 'open'
           AND i.meeting_id IS DISTINCT FROM $2 ORDER BY i.deadline, i.title"
    ))
    .bind(projects)
    .bind(except)
    .fetch_all(pool)
    .await
}

/// Open items of `projects` whose deadline has passed by `today`, most overdue first.
pub async fn overdue_of_projects(pool: &PgPool, projects: &[Uuid], today: NaiveDate) -> Result<Vec<Item>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE i.project_id = ANY($1) AND i.state = 'open' AND i.deadline < $2 ORDER BY i.deadline, i.title"
    ))
    .bind(projects)
    .bind(today)
    .fetch_all(pool)
    .await
}

/// One page of a unit's open items across all projects, most urgent first, and how many there are.
/// Every table it reads marks its changes (migrations/0022_changes.sql).
pub async fn unit_queue(
    conn: &mut PgConnection,
    unit: Uuid,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Line>, i64), sqlx::Error> {
    let lines = sqlx::query_as(&unit_open(LINE, limit, offset))
        .bind(unit)
        .fetch_all(&mut *conn)
        .await?;
    let total =
        sqlx::query_scalar("SELECT count(*) FROM checklist_items WHERE responsible_unit_id = $1 AND state = 'open'")
            .bind(unit)
            .fetch_one(&mut *conn)
            .await?;
    Ok((lines, total))
}

/// The first `limit` of a unit's open items in full, in the queue's order (its spreadsheet).
pub async fn unit_queue_items(pool: &PgPool, unit: Uuid, limit: i64) -> Result<Vec<Item>, sqlx::Error> {
    sqlx::query_as(&unit_open(SELECT, limit, 0))
        .bind(unit)
        .fetch_all(pool)
        .await
}

/// The text reading a unit's open items with `select` ([`LINE`] or [`SELECT`]). The bounds are
/// written into it (numbers, not input): as parameters the planner cannot size the page, and
/// plans the query anew on every call.
fn unit_open(select: &str, limit: i64, offset: i64) -> String {
    format!(
        "{select} WHERE i.responsible_unit_id = $1 AND i.state = 'open'
         ORDER BY i.deadline, p.name, i.title LIMIT {limit} OFFSET {offset}"
    )
}

/// Open items of the projects in `scope` waiting for verification, the longest-waiting first.
pub async fn awaiting_verification(pool: &PgPool, scope: ProjectScope, limit: i64) -> Result<Vec<Item>, sqlx::Error> {
    let (kind, scope_id) = scope_params(scope);
    let scoped = in_scope(scope);
    sqlx::query_as(&format!(
        "{SELECT} WHERE {scoped} AND i.state = 'open' AND i.submitted_at IS NOT NULL
         ORDER BY i.submitted_at, i.title LIMIT $3"
    ))
    .bind(kind)
    .bind(scope_id)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// A unit's open items due by `until` (overdue ones included), oldest deadline first: the digest.
pub async fn unit_due_by(pool: &PgPool, unit: Uuid, until: NaiveDate) -> Result<Vec<Line>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{LINE} WHERE i.responsible_unit_id = $1 AND i.state = 'open' AND i.deadline <= $2
         ORDER BY i.deadline, p.name, i.title"
    ))
    .bind(unit)
    .bind(until)
    .fetch_all(pool)
    .await
}

pub struct NewItem<'a> {
    pub project_id: Uuid,
    pub title: &'a str,
    pub category: Category,
    pub unit_id: Uuid,
    pub deadline: NaiveDate,
    pub note: Option<&'a str>,
    /// Whether the project's investors may read the note.
    pub note_for_investor: bool,
    pub source: Source,
    /// The meeting whose decision this item is.
    pub meeting_id: Option<Uuid>,
}

impl<'a> NewItem<'a> {
    /// The row of a new item from its checked draft: the one way every path (a form, the API, a
    /// meeting's decision, an accepted request) makes one.
    pub fn of(draft: &'a ItemDraft, unit_id: Uuid, project_id: Uuid, source: Source, meeting_id: Option<Uuid>) -> Self {
        NewItem {
            project_id,
            title: &draft.title,
            category: draft.category,
            unit_id,
            deadline: draft.deadline,
            note: draft.note.as_deref(),
            note_for_investor: draft.note_for_investor,
            source,
            meeting_id,
        }
    }
}

pub async fn create(
    pool: &PgPool,
    new: NewItem<'_>,
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<Item, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let item = insert(&mut tx, &new, None, actor, user).await?;
    tx.commit().await?;
    Ok(item)
}

/// Adds an item inside the caller's transaction; `request` links the investor request it answers.
pub async fn insert(
    conn: &mut PgConnection,
    new: &NewItem<'_>,
    request: Option<Uuid>,
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<Item, sqlx::Error> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO checklist_items (project_id, title, category, responsible_unit_id, deadline, original_deadline,
             note, source, created_by, meeting_id, investor_request_id, note_for_investor)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(new.project_id)
    .bind(new.title)
    .bind(new.category.as_str())
    .bind(new.unit_id)
    .bind(new.deadline)
    .bind(new.note)
    .bind(new.source.as_str())
    .bind(user)
    .bind(new.meeting_id)
    .bind(request)
    .bind(new.note_for_investor)
    .fetch_one(&mut *conn)
    .await?;
    let item = get(conn, id).await?;
    record(conn, actor, "item.create", &item, None, Some(item.snapshot())).await?;
    announce_assignment(conn, &item).await?;
    Ok(item)
}

/// The outcome of an optimistic write.
pub enum Written {
    Done(Item),
    /// The version given was stale; nothing changed. Carries the current item.
    Conflict(Item),
    /// The item's state does not allow this change.
    NotAllowed(Item),
}

pub struct ItemEdit<'a> {
    pub title: &'a str,
    pub category: Category,
    pub unit_id: Uuid,
    pub deadline: NaiveDate,
    pub note: Option<&'a str>,
    pub note_for_investor: bool,
    /// Why the deadline moved, when it did.
    pub deadline_reason: Option<&'a str>,
}

impl<'a> ItemEdit<'a> {
    /// The new values of an item from its checked draft.
    pub fn of(draft: &'a ItemDraft, unit_id: Uuid, deadline_reason: Option<&'a str>) -> Self {
        ItemEdit {
            title: &draft.title,
            category: draft.category,
            unit_id,
            deadline: draft.deadline,
            note: draft.note.as_deref(),
            note_for_investor: draft.note_for_investor,
            deadline_reason,
        }
    }
}

pub async fn update(
    pool: &PgPool,
    id: Uuid,
    version: i32,
    edit: ItemEdit<'_>,
    actor: Actor<'_>,
) -> Result<Written, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let before = lock(&mut tx, id).await?;
    if before.version != version {
        // Roll back now: a dropped transaction would hold its locks until the pool got round to it.
        tx.rollback().await?;
        return Ok(Written::Conflict(before));
    }
    if before.state != ItemState::Open && edit.deadline != before.deadline {
        tx.rollback().await?;
        return Ok(Written::NotAllowed(before));
    }
    sqlx::query(
        "UPDATE checklist_items SET title = $2, category = $3, responsible_unit_id = $4, deadline = $5, note = $6,
             note_for_investor = $7, version = version + 1, updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(edit.title)
    .bind(edit.category.as_str())
    .bind(edit.unit_id)
    .bind(edit.deadline)
    .bind(edit.note)
    .bind(edit.note_for_investor)
    .execute(&mut *tx)
    .await?;
    let after = get(&mut tx, id).await?;
    if after.responsible_unit_id != before.responsible_unit_id {
        announce_assignment(&mut tx, &after).await?;
    }
    let mut after_json = after.snapshot();
    if before.deadline != after.deadline {
        after_json["deadline_reason"] = json!(edit.deadline_reason);
    }
    let action = if before.deadline != after.deadline {
        "item.deadline"
    } else {
        "item.update"
    };
    record(
        &mut tx,
        actor,
        action,
        &after,
        Some(before.snapshot()),
        Some(after_json),
    )
    .await?;
    tx.commit().await?;
    Ok(Written::Done(after))
}

/// A change of state with its text (closing note or reason) and the county's today.
pub struct TransitionRequest<'a> {
    pub change: Transition,
    pub text: &'a str,
    pub today: NaiveDate,
}

/// Closes (销号), reopens or cancels an item, with its note or reason.
pub async fn transition(
    pool: &PgPool,
    id: Uuid,
    version: i32,
    request: TransitionRequest<'_>,
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<Written, sqlx::Error> {
    let TransitionRequest { change, text, today } = request;
    let mut tx = pool.begin().await?;
    let before = lock(&mut tx, id).await?;
    if before.version != version {
        tx.rollback().await?;
        return Ok(Written::Conflict(before));
    }
    if !change.allowed_from(before.phase()) {
        tx.rollback().await?;
        return Ok(Written::NotAllowed(before));
    }
    let query = match change {
        Transition::Close => sqlx::query(
            "UPDATE checklist_items SET state = 'done', closing_note = $2, closed_on = $3, closed_at = now(),
                 closed_by = $4, version = version + 1, updated_at = now() WHERE id = $1",
        )
        .bind(id)
        .bind(text)
        .bind(today)
        .bind(user),
        Transition::Cancel => sqlx::query(
            "UPDATE checklist_items SET state = 'cancelled', cancel_reason = $2, closed_on = $3, closed_at = now(),
                 closed_by = $4, version = version + 1, updated_at = now() WHERE id = $1",
        )
        .bind(id)
        .bind(text)
        .bind(today)
        .bind(user),
        // The reason goes to the audit log, where the old closing note and evidence stay too.
        Transition::Reopen => sqlx::query(
            "UPDATE checklist_items SET state = 'open', closing_note = NULL, cancel_reason = NULL, closed_on = NULL,
                 closed_at = NULL, closed_by = NULL, submitted_at = NULL, submitted_by = NULL, submission_note = NULL,
                 version = version + 1, updated_at = now() WHERE id = $1",
        )
        .bind(id),
        Transition::Submit => sqlx::query(
            "UPDATE checklist_items SET submitted_at = now(), submitted_by = $3, submission_note = $2,
                 version = version + 1, updated_at = now() WHERE id = $1",
        )
        .bind(id)
        .bind(text)
        .bind(user),
        // The evidence note becomes the closing note; the verifier's own words, if any, are added.
        Transition::Verify => sqlx::query(
            "UPDATE checklist_items SET state = 'done',
                 closing_note = CASE WHEN $2 = '' THEN submission_note ELSE submission_note || E'\n' || $2 END,
                 closed_on = $3, closed_at = now(), closed_by = $4, version = version + 1, updated_at = now()
             WHERE id = $1",
        )
        .bind(id)
        .bind(text)
        .bind(today)
        .bind(user),
        // The reason and the refused evidence note stay in the audit log.
        Transition::SendBack => sqlx::query(
            "UPDATE checklist_items SET submitted_at = NULL, submitted_by = NULL, submission_note = NULL,
                 version = version + 1, updated_at = now() WHERE id = $1",
        )
        .bind(id),
    };
    query.execute(&mut *tx).await?;
    let after = get(&mut tx, id).await?;
    let mut after_json = after.snapshot();
    let action = match change {
        Transition::Close => {
            announce_request_item_closed(&mut tx, &after).await?;
            "item.close"
        }
        Transition::Cancel => "item.cancel",
        Transition::Submit => {
            announce_turn(&mut tx, &after, EventKind::ItemSubmitted).await?;
            "item.submit"
        }
        Transition::Verify => {
            announce_request_item_closed(&mut tx, &after).await?;
            "item.verify"
        }
        Transition::Reopen => {
            after_json["reopen_reason"] = json!(text);
            "item.reopen"
        }
        Transition::SendBack => {
            announce_turn(&mut tx, &after, EventKind::ItemSentBack).await?;
            after_json["send_back_reason"] = json!(text);
            "item.send_back"
        }
    };
    record(
        &mut tx,
        actor,
        action,
        &after,
        Some(before.snapshot()),
        Some(after_json),
    )
    .await?;
    tx.commit().await?;
    Ok(Written::Done(after))
}

/// Exempts an open item through a day with a reason (`Some`), replacing any exemption it had, or
/// lifts its exemption (`None`); a closed item is not exempted (nothing to keep out of the lists).
/// The version is left alone: an exemption changes none of the fields the item's form edits.
pub async fn set_exemption(
    pool: &PgPool,
    id: Uuid,
    exemption: Option<&Adjustment>,
    user: Uuid,
) -> Result<Written, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let before = lock(&mut tx, id).await?;
    if exemption.is_some() && before.state != ItemState::Open {
        tx.rollback().await?;
        return Ok(Written::NotAllowed(before));
    }
    sqlx::query(
        "UPDATE checklist_items SET exempt_until = $2, exempt_reason = $3, exempt_by = $4, updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(exemption.map(|e| e.until))
    .bind(exemption.map(|e| e.reason.as_str()))
    .bind(exemption.map(|_| user))
    .execute(&mut *tx)
    .await?;
    let after = get(&mut tx, id).await?;
    let action = if exemption.is_some() {
        "item.exempt"
    } else {
        "item.exemption_lifted"
    };
    record(
        &mut tx,
        Actor::User(user),
        action,
        &after,
        Some(before.snapshot()),
        Some(after.snapshot()),
    )
    .await?;
    tx.commit().await?;
    Ok(Written::Done(after))
}

/// The items exempt on `today` in the projects of the scope, soonest ending first (`NOT
/// item_counts`, written so that the partial index on exemptions serves it: every exemption ever
/// given, few, filtered by the days they have left. Compared as `exempt_until >= $3` the planner
/// guessed a third of all items for a plan kept across days, and so planned the statement anew on
/// every view of the rankings: 0.35 ms of PostgreSQL's time each).
pub async fn exempt(pool: &PgPool, scope: ProjectScope, today: NaiveDate) -> Result<Vec<Item>, sqlx::Error> {
    let (kind, scope_id) = scope_params(scope);
    sqlx::query_as(&format!(
        "{SELECT} WHERE {} AND i.exempt_until IS NOT NULL AND i.exempt_until - $3 >= 0
         ORDER BY i.exempt_until, p.name, i.title",
        in_scope(scope)
    ))
    .bind(kind)
    .bind(scope_id)
    .bind(today)
    .fetch_all(pool)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct Update {
    pub id: Uuid,
    pub item_id: Uuid,
    pub item_title: String,
    pub author: Option<String>,
    pub body: String,
    pub for_investor: bool,
    pub created_at: DateTime<Utc>,
}

pub(crate) const UPDATES: &str = "SELECT pu.id, pu.item_id, i.title AS item_title, us.display_name AS author, pu.body,
        pu.for_investor, pu.created_at
    FROM progress_updates pu JOIN checklist_items i ON i.id = pu.item_id LEFT JOIN users us ON us.id = pu.author_id";

/// A progress update to post; `for_investor` lets the project's investors read it.
pub struct NewUpdate<'a> {
    pub body: &'a str,
    pub for_investor: bool,
}

pub async fn add_update(
    pool: &PgPool,
    item: &Item,
    update: NewUpdate<'_>,
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<Update, sqlx::Error> {
    let NewUpdate { body, for_investor } = update;
    let mut tx = pool.begin().await?;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO progress_updates (item_id, project_id, author_id, body, for_investor)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(item.id)
    .bind(item.project_id)
    .bind(user)
    .bind(body)
    .bind(for_investor)
    .fetch_one(&mut *tx)
    .await?;
    record(
        &mut tx,
        actor,
        "item.progress",
        item,
        None,
        Some(json!({ "progress": body, "for_investor": for_investor })),
    )
    .await?;
    let update = sqlx::query_as(&format!("{UPDATES} WHERE pu.id = $1"))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(update)
}

/// The item's updates, newest first; only those meant for investors unless `internal`.
pub async fn updates_of_item(pool: &PgPool, item: Uuid, internal: bool) -> Result<Vec<Update>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{UPDATES} WHERE pu.item_id = $1 AND ($2 OR pu.for_investor) ORDER BY pu.created_at DESC"
    ))
    .bind(item)
    .bind(internal)
    .fetch_all(pool)
    .await
}

/// Tells the responsible unit it has a new item: a meeting's decision when it is one (on creation),
/// otherwise an assignment, once per version that gave the item to the unit.
async fn announce_assignment(conn: &mut PgConnection, item: &Item) -> Result<(), sqlx::Error> {
    let (kind, key) = if item.source == Source::MeetingDecision && item.version == 1 {
        (EventKind::DecisionAssigned, format!("decision_assigned:{}", item.id))
    } else {
        (
            EventKind::ItemAssigned,
            format!("item_assigned:{}:{}", item.id, item.version),
        )
    };
    notifications::emit(
        conn,
        kind,
        &key,
        NewEvent {
            unit_id: Some(item.responsible_unit_id),
            project_id: Some(item.project_id),
            item_id: Some(item.id),
            meeting_id: item.meeting_id,
            subject: &item.title,
            deadline: Some(item.deadline),
            ..NewEvent::default()
        },
    )
    .await?;
    Ok(())
}

/// Tells the next actor it is their turn on the item: the verifiers when its evidence is
/// submitted, the unit when it is sent back. Once per transition (the version it made).
async fn announce_turn(conn: &mut PgConnection, item: &Item, kind: EventKind) -> Result<(), sqlx::Error> {
    notifications::emit(
        conn,
        kind,
        &format!("{}:{}:{}", kind.as_str(), item.id, item.version),
        NewEvent {
            unit_id: Some(item.responsible_unit_id),
            project_id: Some(item.project_id),
            item_id: Some(item.id),
            subject: &item.title,
            deadline: Some(item.deadline),
            ..NewEvent::default()
        },
    )
    .await?;
    Ok(())
}

/// Tells the company its request was carried out when the item made of it is closed.
async fn announce_request_item_closed(conn: &mut PgConnection, item: &Item) -> Result<(), sqlx::Error> {
    let request: Option<Uuid> = sqlx::query_scalar("SELECT investor_request_id FROM checklist_items WHERE id = $1")
        .bind(item.id)
        .fetch_one(&mut *conn)
        .await?;
    let Some(request) = request else {
        return Ok(());
    };
    notifications::emit(
        conn,
        EventKind::RequestItemClosed,
        &format!("request_item_closed:{}:{}", item.id, item.version),
        NewEvent {
            project_id: Some(item.project_id),
            item_id: Some(item.id),
            request_id: Some(request),
            subject: &item.title,
            deadline: Some(item.deadline),
            ..NewEvent::default()
        },
    )
    .await?;
    Ok(())
}

async fn record(
    conn: &mut PgConnection,
    actor: Actor<'_>,
    action: &str,
    item: &Item,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), sqlx::Error> {
    audit::record(
        conn,
        Entry {
            actor,
            action,
            entity: "item",
            entity_id: Some(item.id),
            project_id: Some(item.project_id),
            before,
            after,
        },
    )
    .await
}

/// The matters of the project's checklist, every item (done and cancelled too).
pub async fn titles<'e>(conn: impl sqlx::PgExecutor<'e>, project: Uuid) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT title FROM checklist_items WHERE project_id = $1")
        .bind(project)
        .fetch_all(conn)
        .await
}

/// Which of `candidates` the project's checklist lacks (domain::template::missing: every item
/// counts, done and cancelled too).
pub async fn lacking(
    conn: &mut PgConnection,
    project: Uuid,
    candidates: &[SheetItem],
) -> Result<Vec<bool>, sqlx::Error> {
    let listed = titles(&mut *conn, project).await?;
    Ok(template::missing(
        candidates.iter().map(|c| c.title.as_str()),
        listed.iter().map(String::as_str),
    ))
}

/// Creates those of `candidates` whose matter the project's checklist lacks ([`lacking`]), inside
/// the caller's transaction, one adder to a project at a time: how many. `closed_as` as for
/// [`insert_many`].
pub async fn insert_missing(
    conn: &mut PgConnection,
    project: Uuid,
    candidates: &[SheetItem],
    closed_as: &str,
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<u64, sqlx::Error> {
    sqlx::query("SELECT id FROM projects WHERE id = $1 FOR UPDATE")
        .bind(project)
        .fetch_one(&mut *conn)
        .await?;
    let add = lacking(conn, project, candidates).await?;
    let new: Vec<SheetItem> = candidates
        .iter()
        .zip(add)
        .filter(|(_, add)| *add)
        .map(|(c, _)| c.clone())
        .collect();
    insert_many(conn, project, &new, closed_as, actor, user).await
}

/// [`insert_missing`] in a transaction of its own.
pub async fn create_missing(
    pool: &PgPool,
    project: Uuid,
    candidates: &[SheetItem],
    closed_as: &str,
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let created = insert_missing(&mut tx, project, candidates, closed_as, actor, user).await?;
    tx.commit().await?;
    Ok(created)
}

/// Creates a checked sheet's items at once inside the caller's transaction (a project created
/// with its checklist, a confirmed import), in the states the sheet gives them; `closed_as` is the
/// closing note (or reason) of the items it gives as done or cancelled. Done and cancelled items are closed on the sheet's day, else today in the
/// county. Each unit hears of its new open items once: an item alone as one added by hand, several
/// as one message counting them.
pub async fn insert_many(
    conn: &mut PgConnection,
    project: Uuid,
    sheet: &[SheetItem],
    closed_as: &str,
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<u64, sqlx::Error> {
    if sheet.is_empty() {
        return Ok(0);
    }
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "WITH input AS (
             SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[], $8::date[])
                 WITH ORDINALITY AS x (title, category, unit_code, deadline, note, state, closed_on, n)
         )
         INSERT INTO checklist_items (project_id, title, category, responsible_unit_id, deadline,
             original_deadline, note, source, created_by, state, closed_on, closed_at, closed_by,
             closing_note, cancel_reason)
         SELECT $1, x.title, x.category, u.id, x.deadline, x.deadline, x.note, 'plan', $9, x.state,
                CASE WHEN x.state <> 'open' THEN coalesce(x.closed_on,
                    (now() AT TIME ZONE (SELECT time_zone FROM settings))::date) END,
                CASE WHEN x.state <> 'open' THEN now() END,
                CASE WHEN x.state <> 'open' THEN $9 END,
                CASE WHEN x.state = 'done' THEN $10 END,
                CASE WHEN x.state = 'cancelled' THEN $10 END
         FROM input x JOIN units u ON u.code = x.unit_code ORDER BY x.n
         RETURNING id",
    )
    .bind(project)
    .bind(sheet.iter().map(|i| i.title.clone()).collect::<Vec<_>>())
    .bind(sheet.iter().map(|i| i.category.as_str()).collect::<Vec<_>>())
    .bind(sheet.iter().map(|i| i.unit_code.clone()).collect::<Vec<_>>())
    .bind(sheet.iter().map(|i| i.deadline).collect::<Vec<_>>())
    .bind(sheet.iter().map(|i| i.note.clone()).collect::<Vec<_>>())
    .bind(sheet.iter().map(|i| i.state.as_str()).collect::<Vec<_>>())
    .bind(sheet.iter().map(|i| i.closed_on).collect::<Vec<_>>())
    .bind(user)
    .bind(closed_as)
    .fetch_all(&mut *conn)
    .await?;
    let created = ids.len() as u64;
    // The audit entries hold the items as written, in the snapshot every other path records.
    let items: Vec<Item> = sqlx::query_as(&format!("{SELECT} WHERE i.id = ANY($1)"))
        .bind(&ids)
        .fetch_all(&mut *conn)
        .await?;
    let snapshots: Vec<Value> = items.iter().map(Item::snapshot).collect();
    let (actor_id, label) = match actor {
        Actor::User(id) => (Some(id), "user"),
        Actor::System(label) => (None, label),
    };
    sqlx::query(
        "INSERT INTO audit_log (actor_id, actor_label, action, entity, entity_id, project_id, before, after)
         SELECT $1, $2, 'item.create', 'item', x.id, $3, NULL, x.after
         FROM unnest($4::uuid[], $5::jsonb[]) AS x (id, after)",
    )
    .bind(actor_id)
    .bind(label)
    .bind(project)
    .bind(items.iter().map(|i| i.id).collect::<Vec<_>>())
    .bind(&snapshots)
    .execute(&mut *conn)
    .await?;
    // Every unit was checked before; should one have gone meanwhile, its rows would be dropped: refuse
    // (the caller's transaction is then rolled back).
    if created != sheet.len() as u64 {
        return Err(sqlx::Error::Protocol("an imported item's unit is gone".into()));
    }
    // A unit with one new open item hears of it as of one added by hand (announce_assignment's
    // key); a unit with several, once, of how many and the first due.
    let events: Vec<Uuid> = sqlx::query_scalar(
        "WITH new AS (
             SELECT i.*, count(*) OVER w AS n, row_number() OVER (w ORDER BY i.deadline, i.title, i.id) AS k
             FROM checklist_items i WHERE i.id = ANY($2) AND i.state = 'open'
             WINDOW w AS (PARTITION BY i.responsible_unit_id)
         )
         INSERT INTO events (kind, dedup_key, unit_id, project_id, item_id, subject, deadline, item_count)
         SELECT $1, CASE WHEN n = 1 THEN $1 || ':' || id || ':' || version ELSE $1 || ':' || id || ':import' END,
                responsible_unit_id, project_id, CASE WHEN n = 1 THEN id END, left(title, 300), deadline,
                CASE WHEN n > 1 THEN n END
         FROM new WHERE k = 1
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(EventKind::ItemAssigned.as_str())
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    notifications::deliver(conn, &events).await?;
    Ok(created)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An open item of a task-force plan, for tests.
    pub(crate) fn item(project: &str, title: &str, deadline: NaiveDate) -> Item {
        Item {
            id: Uuid::new_v4(),
            project_id: Uuid::nil(),
            project_name: project.into(),
            title: title.into(),
            category: Category::Other,
            responsible_unit_id: Uuid::nil(),
            unit_code: "gdgs".into(),
            unit_name: "供电公司".into(),
            deadline,
            original_deadline: deadline,
            state: ItemState::Open,
            source: Source::Plan,
            note: None,
            note_for_investor: false,
            closing_note: None,
            cancel_reason: None,
            closed_on: None,
            version: 1,
            updated_at: Utc::now(),
            meeting_id: None,
            submitted_at: None,
            submitted_on: None,
            submission_note: None,
            submitted_by_name: None,
            exempt_until: None,
            exempt_reason: None,
            exempt_by_name: None,
        }
    }

    #[test]
    fn a_checklist_lists_open_items_by_deadline_then_closed_ones_latest_first() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let closed = |title: &str, on| Item {
            state: ItemState::Done,
            closed_on: Some(on),
            ..item("p", title, day(1))
        };
        let mut items = [
            closed("closed early", day(2)),
            item("p", "b due 20th", day(20)),
            closed("closed late", day(9)),
            item("p", "due 5th", day(5)),
            Item {
                state: ItemState::Cancelled,
                ..closed("cancelled", day(9))
            },
            item("p", "a due 20th", day(20)),
        ];
        items.sort_by(|a, b| checklist_order(&a.order_key(), &b.order_key()));
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "due 5th",
                "a due 20th",
                "b due 20th",
                "cancelled",
                "closed late",
                "closed early"
            ]
        );
    }

    #[test]
    fn a_line_keeps_the_items_phase_and_order() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let submitted = Item {
            submitted_at: Some(Utc::now()),
            submitted_on: Some(day(3)),
            ..item("p", "submitted", day(9))
        };
        let open = item("p", "open", day(9));
        let done = Item {
            state: ItemState::Done,
            submitted_at: Some(Utc::now()),
            submitted_on: Some(day(3)),
            closed_on: Some(day(4)),
            ..item("p", "done", day(9))
        };
        for i in [&submitted, &open, &done] {
            assert_eq!(Line::from(i).phase(), i.phase(), "{}", i.title);
        }
        assert_eq!(Line::from(&submitted).phase(), Phase::Submitted);
        let (a, b) = (Line::from(&done), Line::from(&open));
        assert_eq!(
            checklist_order(&a.order_key(), &b.order_key()),
            checklist_order(&done.order_key(), &open.order_key())
        );
        assert_eq!(checklist_order(&a.order_key(), &b.order_key()), Ordering::Greater);
    }
}
