//! Evidence files of items, kept in the database. Lists never read the bytes; only a download does.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use super::audit::{self, Actor, Entry};
use super::items::Item;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Attachment {
    pub id: Uuid,
    pub item_id: Uuid,
    pub name: String,
    pub content_type: String,
    pub size: i32,
    pub for_investor: bool,
    pub uploaded_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Attachment {
    pub fn is_image(&self) -> bool {
        crate::domain::evidence::shows_as_image(&self.content_type)
    }
}

const SELECT: &str = "SELECT a.id, a.item_id, a.name, a.content_type, a.size, a.for_investor,
        us.display_name AS uploaded_by_name, a.created_at
    FROM item_attachments a LEFT JOIN users us ON us.id = a.uploaded_by";

pub struct NewAttachment<'a> {
    pub name: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
    pub for_investor: bool,
}

pub async fn add(
    pool: &PgPool,
    item: &Item,
    new: NewAttachment<'_>,
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<Attachment, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let size = i32::try_from(new.content.len()).unwrap_or(i32::MAX);
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO item_attachments (item_id, name, content_type, size, content, for_investor, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(item.id)
    .bind(new.name)
    .bind(new.content_type)
    .bind(size)
    .bind(new.content)
    .bind(new.for_investor)
    .bind(user)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            actor,
            action: "item.attach",
            entity: "item",
            entity_id: Some(item.id),
            project_id: Some(item.project_id),
            before: None,
            after: Some(json!({ "attachment": new.name, "for_investor": new.for_investor })),
        },
    )
    .await?;
    let attachment = sqlx::query_as(&format!("{SELECT} WHERE a.id = $1"))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(attachment)
}

/// The attachments of an item, oldest first; with `investor_only`, those marked for the investor.
pub async fn of_item(pool: &PgPool, item: Uuid, investor_only: bool) -> Result<Vec<Attachment>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE a.item_id = $1 AND (a.for_investor OR NOT $2) ORDER BY a.created_at, a.name"
    ))
    .bind(item)
    .bind(investor_only)
    .fetch_all(pool)
    .await
}

/// An attachment's facts and its item's id, without the bytes.
pub async fn find(pool: &PgPool, id: Uuid) -> Result<Option<Attachment>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn content(pool: &PgPool, id: Uuid) -> Result<Vec<u8>, sqlx::Error> {
    sqlx::query_scalar("SELECT content FROM item_attachments WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
}
