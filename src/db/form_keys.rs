//! One-time form keys: the first submission of a form claims its key, and records where it led.

use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::done::Flash;

/// How long a key is remembered: a resubmit after that runs again.
const KEPT: &str = "1 day";

/// What is known of a key already claimed.
#[derive(Debug, PartialEq, Eq)]
pub enum Claimed {
    /// The first submission still runs.
    Running,
    /// It led there, saying this.
    Led { location: String, flash: Option<Flash> },
    /// It failed and gave the key back (or it was never claimed).
    Free,
}

/// Claims the key for this submission: false when another submission holds it. The user's keys
/// older than a day go at the same time.
pub async fn claim(pool: &PgPool, user: Uuid, key: Uuid) -> Result<bool, sqlx::Error> {
    let claimed: Option<bool> = sqlx::query_scalar(&format!(
        "WITH old AS (DELETE FROM form_keys WHERE user_id = $1 AND created_at < now() - interval '{KEPT}')
         INSERT INTO form_keys (user_id, key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING true"
    ))
    .bind(user)
    .bind(key)
    .fetch_optional(pool)
    .await?;
    Ok(claimed.is_some())
}

/// Records where the submission holding the key led.
pub async fn settle(
    pool: &PgPool,
    user: Uuid,
    key: Uuid,
    location: &str,
    flash: Option<Flash>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE form_keys SET location = $3, flash = $4 WHERE user_id = $1 AND key = $2")
        .bind(user)
        .bind(key)
        .bind(location)
        .bind(flash.map(sqlx::types::Json))
        .execute(pool)
        .await?;
    Ok(())
}

/// Gives the key back: the submission changed nothing, so sending the form again may.
pub async fn release(pool: &PgPool, user: Uuid, key: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM form_keys WHERE user_id = $1 AND key = $2")
        .bind(user)
        .bind(key)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn claimed(pool: &PgPool, user: Uuid, key: Uuid) -> Result<Claimed, sqlx::Error> {
    let row: Option<(Option<String>, Option<sqlx::types::Json<Flash>>)> =
        sqlx::query_as("SELECT location, flash FROM form_keys WHERE user_id = $1 AND key = $2")
            .bind(user)
            .bind(key)
            .fetch_optional(pool)
            .await?;
    Ok(match row {
        None => Claimed::Free,
        Some((None, _)) => Claimed::Running,
        Some((Some(location), flash)) => Claimed::Led {
            location,
            flash: flash.map(|f| f.0),
        },
    })
}
