//! Checking a login: throttling first, then the password, and every attempt recorded.

use std::time::Duration;

use sqlx::PgPool;
use uuid::Uuid;

use super::password;
use crate::db::users::{self, Failures};
use crate::domain::names::Username;
use crate::domain::throttle::{self, ThrottlePolicy};

pub enum Outcome {
    /// The account and the session epoch its new session belongs to.
    Success(Uuid, i32),
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
    let (last_hour, age) =
        users::account_failures_last_hour(pool, username.as_str(), i64::from(throttle::HOURLY_CAP)).await?;
    let age = age.map(|s| Duration::from_secs_f64(s.clamp(0.0, 1e9)));
    let waits = [
        wait(throttle::PER_ACCOUNT, &by_account),
        wait(throttle::PER_ADDRESS, &by_address),
        throttle::hourly_cap_wait(u32::try_from(last_hour).unwrap_or(u32::MAX), age),
    ];
    if let Some(longest) = waits.into_iter().flatten().max() {
        return Ok(Outcome::Throttled(longest));
    }
    let found = users::login_lookup(pool, username).await?;
    let ok = password::verify(password, found.as_ref().map(|a| a.password_hash.clone())).await?;
    users::record_attempt(pool, username.as_str(), address, ok).await?;
    Ok(match found {
        Some(account) if ok => Outcome::Success(account.id, account.session_epoch),
        _ => Outcome::WrongCredentials,
    })
}
