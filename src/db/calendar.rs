//! Calendar feeds: one secret, revocable token per user (only its hash is kept), and the meetings
//! and deadlines the feed shows.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::access::CurrentUser;

/// Replaces the user's feed token (an old URL stops working).
pub async fn renew(pool: &PgPool, user: Uuid, token_hash: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO calendar_feeds (user_id, token_hash) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now()",
    )
    .bind(user)
    .bind(token_hash)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn revoke(pool: &PgPool, user: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM calendar_feeds WHERE user_id = $1")
        .bind(user)
        .execute(pool)
        .await?;
    Ok(())
}

/// When the user's feed was made, if they have one.
pub async fn created(pool: &PgPool, user: Uuid) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar("SELECT created_at FROM calendar_feeds WHERE user_id = $1")
        .bind(user)
        .fetch_optional(pool)
        .await
}

/// The active user a feed token belongs to.
pub async fn owner(pool: &PgPool, token_hash: &[u8]) -> Result<Option<CurrentUser>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.username, u.display_name, u.role, u.unit_id, n.code AS unit_code, n.name AS unit_name
         FROM calendar_feeds f JOIN users u ON u.id = f.user_id LEFT JOIN units n ON n.id = u.unit_id
         WHERE f.token_hash = $1 AND u.active",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await
}

#[derive(Debug, sqlx::FromRow)]
pub struct Deadline {
    pub id: Uuid,
    pub title: String,
    pub project_name: String,
    pub deadline: NaiveDate,
}

/// The open items of a unit, for the feed.
pub async fn unit_deadlines(pool: &PgPool, unit: Uuid) -> Result<Vec<Deadline>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.title, p.name AS project_name, i.deadline FROM checklist_items i JOIN projects p ON p.id = i.project_id
         WHERE i.responsible_unit_id = $1 AND i.state = 'open' ORDER BY i.deadline LIMIT 1000",
    )
    .bind(unit)
    .fetch_all(pool)
    .await
}
