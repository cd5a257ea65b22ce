//! Outgoing webhooks and their outbox. A delivery is claimed with `FOR UPDATE SKIP LOCKED` inside
//! the transaction that records its outcome, so several server instances never send one twice,
//! and a delivery whose sender died is simply claimed again.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::audit::{self, Actor, Entry};
use crate::domain::notification::{MessageStyle, WebhookFormat};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Webhook {
    pub id: Uuid,
    pub url: String,
    #[sqlx(try_from = "String")]
    pub format: WebhookFormat,
    #[sqlx(try_from = "String")]
    pub message: MessageStyle,
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
    pub signed: bool,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub sent: i64,
    pub pending: i64,
}

const WEBHOOK: &str = "SELECT w.id, w.url, w.format, w.message, u.code AS unit_code, u.name AS unit_name,
        w.secret IS NOT NULL AS signed, w.active, w.created_at,
        (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.sent_at IS NOT NULL) AS sent,
        (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.sent_at IS NULL) AS pending
    FROM webhooks w LEFT JOIN units u ON u.id = w.unit_id";

pub async fn all(pool: &PgPool) -> Result<Vec<Webhook>, sqlx::Error> {
    sqlx::query_as(&format!("{WEBHOOK} ORDER BY w.created_at DESC"))
        .fetch_all(pool)
        .await
}

pub async fn get(pool: &PgPool, id: Uuid) -> Result<Option<Webhook>, sqlx::Error> {
    sqlx::query_as(&format!("{WEBHOOK} WHERE w.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub struct NewWebhook<'a> {
    pub url: &'a str,
    pub format: WebhookFormat,
    pub message: MessageStyle,
    /// `None`: county-wide.
    pub unit_id: Option<Uuid>,
    pub secret: Option<&'a str>,
}

pub async fn create(
    pool: &PgPool,
    new: NewWebhook<'_>,
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<Uuid, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO webhooks (url, format, message, unit_id, secret, created_by) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id",
    )
    .bind(new.url)
    .bind(new.format.as_str())
    .bind(new.message.as_str())
    .bind(new.unit_id)
    .bind(new.secret)
    .bind(user)
    .fetch_one(&mut *tx)
    .await?;
    // The secret itself never goes into the log.
    record(
        &mut tx,
        actor,
        "webhook.create",
        id,
        json!({ "url": new.url, "format": new.format, "message": new.message, "unit_id": new.unit_id,
                "signed": new.secret.is_some() }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Turns a webhook off (its pending deliveries wait) or on again.
pub async fn set_active(pool: &PgPool, id: Uuid, active: bool, actor: Actor<'_>) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let found = sqlx::query("UPDATE webhooks SET active = $2 WHERE id = $1")
        .bind(id)
        .bind(active)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 1;
    if found {
        record(&mut tx, actor, "webhook.active", id, json!({ "active": active })).await?;
    }
    tx.commit().await?;
    Ok(found)
}

async fn record(
    conn: &mut PgConnection,
    actor: Actor<'_>,
    action: &str,
    id: Uuid,
    after: serde_json::Value,
) -> Result<(), sqlx::Error> {
    audit::record(
        conn,
        Entry {
            actor,
            action,
            entity: "webhook",
            entity_id: Some(id),
            project_id: None,
            before: None,
            after: Some(after),
        },
    )
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Delivery {
    pub id: i64,
    pub event_id: Uuid,
    pub kind: String,
    pub subject: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A webhook's latest deliveries, newest first.
pub async fn deliveries(pool: &PgPool, webhook: Uuid, limit: i64) -> Result<Vec<Delivery>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id, d.event_id, e.kind, e.subject, d.attempts, d.next_attempt_at, d.last_attempt_at,
                d.last_error, d.sent_at, d.created_at
         FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
         WHERE d.webhook_id = $1 ORDER BY d.id DESC LIMIT $2",
    )
    .bind(webhook)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// A delivery claimed for sending, with where and how to send it.
#[derive(Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub event_id: Uuid,
    pub attempts: i32,
    pub url: String,
    #[sqlx(try_from = "String")]
    pub format: WebhookFormat,
    #[sqlx(try_from = "String")]
    pub message: MessageStyle,
    pub secret: Option<String>,
}

/// Claims the most overdue unsent delivery of an active webhook, locked until `conn`'s transaction
/// ends; rows other instances hold are skipped.
pub async fn claim(conn: &mut PgConnection) -> Result<Option<Claimed>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id, d.event_id, d.attempts, w.url, w.format, w.message, w.secret
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
         WHERE d.sent_at IS NULL AND d.next_attempt_at <= now() AND w.active
         ORDER BY d.next_attempt_at LIMIT 1
         FOR UPDATE OF d SKIP LOCKED",
    )
    .fetch_optional(conn)
    .await
}

/// Records the outcome of an attempt: sent, or failed with the wait before the next try.
pub async fn finish(
    conn: &mut PgConnection,
    id: i64,
    outcome: Result<(), String>,
    retry_after_secs: i64,
) -> Result<(), sqlx::Error> {
    let error = outcome.err().map(|e| e.chars().take(500).collect::<String>());
    sqlx::query(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = now(), last_error = $2,
             sent_at = CASE WHEN $2::text IS NULL THEN now() END,
             next_attempt_at = CASE WHEN $2::text IS NULL THEN next_attempt_at
                                    ELSE now() + make_interval(secs => $3) END
         WHERE id = $1",
    )
    .bind(id)
    .bind(error)
    .bind(retry_after_secs as f64)
    .execute(conn)
    .await?;
    Ok(())
}
