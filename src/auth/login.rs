//! Checking a login: throttling first, then the password, and every attempt recorded.

use std::time::Duration;

use sqlx::PgPool;
use uuid::Uuid;

use super::password;
use crate::db::users::{self, Failures};
use crate::domain::names::Username;
use crate::domain::throttle::{self, ThrottlePolicy};

pub enum Outcome {
    Success(Uuid),
    WrongCredentials,
    /// Too many recent failures: try again after this long.
    Throttled(Duration),
}

fn wait(policy: ThrottlePolicy, f: &Failures) -> Option<Duration> {
    let since = Duration::from_secs_f64(f.seconds_since_last.unwrap_or(f64::MAX).clamp(0.0, 1e9));
    throttle::wait_before_attempt(policy, u32::try_from(f.count).unwrap_or(u32::MAX), since)
}

pub async fn attempt(pool: &PgPool, username: &Username, password: &str, address: &str) -> anyhow::Result<Outcome> {
    let window = throttle::WINDOW.as_secs() as i64;
    let by_account = users::account_failures(pool, username.as_str(), window).await?;
    let by_address = users::address_failures(pool, address, window).await?;
    let waits = [
        wait(throttle::PER_ACCOUNT, &by_account),
        wait(throttle::PER_ADDRESS, &by_address),
    ];
    if let Some(longest) = waits.into_iter().flatten().max() {
        return Ok(Outcome::Throttled(longest));
    }
    let found = users::login_lookup(pool, username).await?;
    let ok = password::verify(password, found.as_ref().map(|(_, h)| h.clone())).await?;
    users::record_attempt(pool, username.as_str(), address, ok).await?;
    Ok(match found {
        Some((id, _)) if ok => Outcome::Success(id),
        _ => Outcome::WrongCredentials,
    })
}
