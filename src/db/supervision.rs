//! Supervision orders (督办单): issued on a red item to its responsible unit, answered by the unit
//! with its rectification plan. Both acts go into the item's history (the audit log under the
//! item) and announce themselves, in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::audit::{self, Actor, Entry};
use super::constraint::OnConstraint;
use super::items::Item;
use super::notifications::{self, NewEvent};
use crate::domain::notification::{EventKind, reply_days_late};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Order {
    pub id: Uuid,
    pub item_id: Uuid,
    pub project_id: Uuid,
    pub project_name: String,
    pub item_title: String,
    pub unit_id: Uuid,
    pub unit_name: String,
    pub demand: String,
    pub reply_due: NaiveDate,
    pub issued_by: Option<String>,
    pub issued_on: NaiveDate,
    pub reply: Option<String>,
    pub replied_by: Option<String>,
    pub replied_on: Option<NaiveDate>,
    pub issued_at: DateTime<Utc>,
}

impl Order {
    pub fn days_late(&self, today: NaiveDate) -> Option<i64> {
        reply_days_late(self.reply_due, self.replied_on, today)
    }
}

const ORDER: &str = "SELECT o.id, o.item_id, i.project_id, p.name AS project_name, i.title AS item_title, o.unit_id, u.name AS unit_name,
        o.demand, o.reply_due, ib.display_name AS issued_by, o.issued_on, o.reply, rb.display_name AS replied_by,
        o.replied_on, o.issued_at
    FROM supervision_orders o JOIN checklist_items i ON i.id = o.item_id JOIN projects p ON p.id = i.project_id
    JOIN units u ON u.id = o.unit_id
    LEFT JOIN users ib ON ib.id = o.issued_by LEFT JOIN users rb ON rb.id = o.replied_by";

/// An item's orders, newest first.
pub async fn of_item(pool: &PgPool, item: Uuid) -> Result<Vec<Order>, sqlx::Error> {
    sqlx::query_as(&format!("{ORDER} WHERE o.item_id = $1 ORDER BY o.issued_at DESC"))
        .bind(item)
        .fetch_all(pool)
        .await
}

/// The item an order is about.
pub async fn item_of(pool: &PgPool, order: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar("SELECT item_id FROM supervision_orders WHERE id = $1")
        .bind(order)
        .fetch_optional(pool)
        .await
}

/// Orders a notice as of `as_of` reports: those still unanswered, and those answered or issued
/// in the seven days before it, most late first.
pub async fn for_notice(pool: &PgPool, projects: &[Uuid], as_of: NaiveDate) -> Result<Vec<Order>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{ORDER} WHERE i.project_id = ANY($1) AND o.issued_on <= $2
           AND (o.reply IS NULL OR o.replied_on > $2 - 7 OR o.issued_on > $2 - 7)
         ORDER BY o.reply_due, o.issued_at"
    ))
    .bind(projects)
    .bind(as_of)
    .fetch_all(pool)
    .await
}

pub enum Issued {
    Done(Uuid),
    /// The item has an unanswered order already.
    AlreadyOpen,
}

pub struct NewOrder<'a> {
    pub demand: &'a str,
    pub reply_due: NaiveDate,
    pub today: NaiveDate,
}

/// Issues an order on `item` (the caller checked that it is red) to its responsible unit.
pub async fn issue(
    pool: &PgPool,
    item: &Item,
    new: NewOrder<'_>,
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<Issued, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query_scalar(
        "INSERT INTO supervision_orders (item_id, unit_id, demand, reply_due, issued_by, issued_on)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(item.id)
    .bind(item.responsible_unit_id)
    .bind(new.demand)
    .bind(new.reply_due)
    .bind(user)
    .bind(new.today)
    .fetch_one(&mut *tx)
    .await;
    let id: Uuid = match inserted.on_constraint(&[("supervision_orders_open_key", ())])? {
        Ok(id) => id,
        Err(()) => {
            tx.rollback().await?;
            return Ok(Issued::AlreadyOpen);
        }
    };
    record(
        &mut tx,
        actor,
        "supervision.issue",
        item,
        json!({ "supervision_demand": new.demand, "reply_due": new.reply_due, "responsible_unit": item.unit_code }),
    )
    .await?;
    notifications::emit(
        &mut tx,
        EventKind::SupervisionOrder,
        &format!("supervision_order:{id}"),
        NewEvent {
            unit_id: Some(item.responsible_unit_id),
            project_id: Some(item.project_id),
            item_id: Some(item.id),
            subject: &item.title,
            deadline: Some(new.reply_due),
            ..NewEvent::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Issued::Done(id))
}

pub enum Replied {
    Done,
    /// Answered already: a reply is final (a new order asks again).
    AlreadyReplied,
}

/// Records the unit's reply (its rectification plan) to an order of `item`.
pub async fn reply(
    pool: &PgPool,
    item: &Item,
    order: Uuid,
    text: &str,
    today: NaiveDate,
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<Replied, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let (reply_due, answered): (NaiveDate, bool) = sqlx::query_as(
        "SELECT reply_due, reply IS NOT NULL FROM supervision_orders WHERE id = $1 AND item_id = $2 FOR UPDATE",
    )
    .bind(order)
    .bind(item.id)
    .fetch_one(&mut *tx)
    .await?;
    if answered {
        tx.rollback().await?;
        return Ok(Replied::AlreadyReplied);
    }
    sqlx::query(
        "UPDATE supervision_orders SET reply = $2, replied_by = $3, replied_on = $4, replied_at = now() WHERE id = $1",
    )
    .bind(order)
    .bind(text)
    .bind(user)
    .bind(today)
    .execute(&mut *tx)
    .await?;
    let late = reply_days_late(reply_due, Some(today), today).unwrap_or(0);
    record(
        &mut tx,
        actor,
        "supervision.reply",
        item,
        json!({ "supervision_reply": text, "reply_due": reply_due, "reply_days_late": late }),
    )
    .await?;
    notifications::emit(
        &mut tx,
        EventKind::SupervisionReply,
        &format!("supervision_reply:{order}"),
        NewEvent {
            unit_id: Some(item.responsible_unit_id),
            project_id: Some(item.project_id),
            item_id: Some(item.id),
            subject: &item.title,
            deadline: Some(reply_due),
            overdue_days: Some(late as i32),
            ..NewEvent::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Replied::Done)
}

async fn record(
    conn: &mut PgConnection,
    actor: Actor<'_>,
    action: &str,
    item: &Item,
    after: serde_json::Value,
) -> Result<(), sqlx::Error> {
    audit::record(
        conn,
        Entry {
            actor,
            action,
            entity: "item",
            entity_id: Some(item.id),
            project_id: Some(item.project_id),
            before: None,
            after: Some(after),
        },
    )
    .await
}
