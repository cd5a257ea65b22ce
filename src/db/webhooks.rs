//! Outgoing webhooks and their outbox. A delivery is claimed with `FOR UPDATE SKIP LOCKED` inside
//! the transaction that records its outcome, so several server instances never send one twice,
//! and a delivery whose sender died is simply claimed again.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::audit::{self, Actor, Entry};
use crate::domain::notification::{MessageStyle, WebhookFormat, masked_url};

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
        json!({ "url": masked_url(new.url), "format": new.format, "message": new.message, "unit_id": new.unit_id,
                "signed": new.secret.is_some() }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a robot's address (a new key) and, when given, its signing secret; false when there is
/// no such robot. The log keeps the address masked and never the secret.
pub async fn set_address(
    pool: &PgPool,
    id: Uuid,
    url: &str,
    secret: Option<&str>,
    actor: Actor<'_>,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let found = sqlx::query("UPDATE webhooks SET url = $2, secret = coalesce($3, secret) WHERE id = $1")
        .bind(id)
        .bind(url)
        .bind(secret)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 1;
    if found {
        let after = json!({ "url": masked_url(url), "secret_replaced": secret.is_some() });
        record(&mut tx, actor, "webhook.address", id, after).await?;
    }
    tx.commit().await?;
    Ok(found)
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

/// The active robots with deliveries due now, each with how many attempts it was sent in the
/// last minute (its rate limit).
pub async fn due_robots(pool: &PgPool) -> Result<Vec<(Uuid, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT w.id, (SELECT count(*) FROM webhook_deliveries r
                       WHERE r.webhook_id = w.id AND r.last_attempt_at > now() - interval '1 minute')
         FROM webhooks w
         WHERE w.active AND EXISTS (SELECT 1 FROM webhook_deliveries d
                                    WHERE d.webhook_id = w.id AND d.sent_at IS NULL AND d.next_attempt_at <= now())",
    )
    .fetch_all(pool)
    .await
}

/// Claims robot `webhook`'s most overdue unsent delivery, locked until `conn`'s transaction ends.
/// One sender per robot at a time, across instances (a transaction-level advisory lock): `None`
/// when another holds the robot or nothing is due.
pub async fn claim(conn: &mut PgConnection, webhook: Uuid) -> Result<Option<Claimed>, sqlx::Error> {
    let mine: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock(hashtextextended($1::text, 7))")
        .bind(webhook)
        .fetch_one(&mut *conn)
        .await?;
    if !mine {
        return Ok(None);
    }
    sqlx::query_as(
        "SELECT d.id, d.event_id, d.attempts, w.url, w.format, w.message, w.secret
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
         WHERE d.webhook_id = $1 AND d.sent_at IS NULL AND d.next_attempt_at <= now() AND w.active
         ORDER BY d.next_attempt_at LIMIT 1
         FOR UPDATE OF d SKIP LOCKED",
    )
    .bind(webhook)
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
