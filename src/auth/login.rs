//! Checking a login: the throttle first (the attempt is recorded before the password is checked,
//! so parallel guesses count), then the password.

use std::time::Duration;

use sqlx::PgPool;
use uuid::Uuid;

use super::password;
use crate::db::users;
use crate::domain::names::Username;
use crate::domain::throttle::{self, Limit};

pub enum Outcome {
    /// The account and the session epoch its new session belongs to.
    Success(Uuid, i32),
    WrongCredentials,
    /// Too many recent failures: try again after this long; the limit that refused.
    Throttled(Duration, Limit),
}

pub async fn attempt(pool: &PgPool, username: &Username, password: &str, address: &str) -> anyhow::Result<Outcome> {
    let attempt = match users::begin_login_attempt(pool, username.as_str(), address, throttle::judge).await? {
        Ok(id) => id,
        Err((wait, limit)) => return Ok(Outcome::Throttled(wait, limit)),
    };
    let found = users::login_lookup(pool, username).await?;
    let ok = password::verify(password, found.as_ref().map(|a| a.password_hash.clone())).await?;
    Ok(match found {
        Some(account) if ok => {
            users::login_attempt_succeeded(pool, attempt).await?;
            Outcome::Success(account.id, account.session_epoch)
        }
        _ => Outcome::WrongCredentials,
    })
}
