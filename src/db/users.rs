//! Accounts, API tokens and login attempts.

use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use super::audit::{self, Actor, Entry};
use super::sessions::TABLE;
use super::settings::{self, Settings};
use crate::domain::access::CurrentUser;
use crate::domain::names::{UnitCode, Username};
use crate::domain::role::Role;
use crate::domain::throttle::{self, Failures, Recent};

/// What every request reads in the same statement as its user: the settings, and which run of
/// the status engine is live (its snapshot; `None` before the first run).
#[derive(Debug, sqlx::FromRow)]
pub struct Basis {
    #[sqlx(flatten)]
    pub settings: Settings,
    pub live_snapshot: Option<Uuid>,
    /// The state of the data as this statement saw it (PostgreSQL's snapshot, as text): what a
    /// kept answer must cover to answer the request (see `db::seen`, `app::todo::Kept`).
    pub seen: String,
}

/// The columns of [`Basis`], from `settings s`.
fn basis_columns() -> String {
    format!(
        "{}, (SELECT id FROM ranking_snapshots WHERE kind = 'current') AS live_snapshot,
         pg_current_snapshot()::text AS seen",
        settings::COLUMNS
    )
}

/// The user of a session, with what decides whether the session is still valid.
#[derive(sqlx::FromRow)]
pub struct SessionUser {
    #[sqlx(flatten)]
    pub user: CurrentUser,
    #[sqlx(flatten)]
    pub basis: Basis,
    /// The settings' absolute session lifetime in hours.
    pub session_max_hours: i32,
    /// Sessions opened in an earlier epoch have been ended.
    pub session_epoch: i32,
    /// Unread notifications, for the bell (read here so a page costs no extra query).
    pub unread: i64,
    /// When the session store holds that the session expires (see `auth::session`).
    pub session_expires_at: Option<DateTime<Utc>>,
}

/// The user of session `session` (the store's id), signed in as `id`.
pub async fn session_user(pool: &PgPool, id: Uuid, session: &str) -> Result<Option<SessionUser>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT u.id, u.username, u.display_name, u.role, u.unit_id, n.code AS unit_code, n.name AS unit_name,
                s.session_max_hours, u.session_epoch,
                (SELECT expiry_date FROM {TABLE} WHERE id = $2) AS session_expires_at,
                (SELECT count(*) FROM notifications x WHERE x.user_id = u.id AND x.read_at IS NULL) AS unread,
                {basis}
         FROM users u LEFT JOIN units n ON n.id = u.unit_id CROSS JOIN settings s WHERE u.id = $1 AND u.active",
        basis = basis_columns()
    ))
    .bind(id)
    .bind(session)
    .fetch_optional(pool)
    .await
}

/// The user of an API token, with the request's basis.
#[derive(sqlx::FromRow)]
pub struct TokenUser {
    #[sqlx(flatten)]
    pub user: CurrentUser,
    #[sqlx(flatten)]
    pub basis: Basis,
}

/// The user an API token belongs to, unless it is revoked or the user is inactive.
pub async fn by_api_token(pool: &PgPool, token_hash: &[u8]) -> Result<Option<TokenUser>, sqlx::Error> {
    sqlx::query_as(&format!(
        // last_used_at is refreshed at most every five minutes, not written on every API call.
        "WITH used AS (SELECT id, user_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL),
              touched AS (UPDATE api_tokens SET last_used_at = now()
                          WHERE id IN (SELECT id FROM used)
                            AND (last_used_at IS NULL OR last_used_at < now() - interval '5 minutes'))
         SELECT u.id, u.username, u.display_name, u.role, u.unit_id, n.code AS unit_code, n.name AS unit_name, {}
         FROM users u JOIN used ON used.user_id = u.id LEFT JOIN units n ON n.id = u.unit_id CROSS JOIN settings s
         WHERE u.active",
        basis_columns()
    ))
    .bind(token_hash)
    .fetch_optional(pool)
    .await
}

/// What login needs of an active account.
#[derive(sqlx::FromRow)]
pub struct LoginAccount {
    pub id: Uuid,
    pub password_hash: String,
    pub session_epoch: i32,
}

pub async fn login_lookup(pool: &PgPool, username: &Username) -> Result<Option<LoginAccount>, sqlx::Error> {
    sqlx::query_as("SELECT id, password_hash, session_epoch FROM users WHERE lower(username) = lower($1) AND active")
        .bind(username.as_str())
        .fetch_optional(pool)
        .await
}

/// Stores a new password hash, recorded in the audit log (without any hash). With
/// `end_other_sessions` the user's session epoch moves on, ending every session opened before;
/// returns the epoch the caller's own session must carry from now on.
pub async fn change_password(pool: &PgPool, id: Uuid, hash: &str, end_other_sessions: bool) -> anyhow::Result<i32> {
    let mut tx = pool.begin().await?;
    let epoch: i32 = sqlx::query_scalar(
        "UPDATE users SET password_hash = $2, session_epoch = session_epoch + CASE WHEN $3 THEN 1 ELSE 0 END
         WHERE id = $1 RETURNING session_epoch",
    )
    .bind(id)
    .bind(hash)
    .bind(end_other_sessions)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            actor: Actor::User(id),
            action: "change_password",
            entity: "user",
            entity_id: Some(id),
            project_id: None,
            before: None,
            after: Some(json!({ "ended_other_sessions": end_other_sessions })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(epoch)
}

/// The recent failures of one kind, as read: how many, seconds since the last.
#[derive(Debug, sqlx::FromRow)]
struct Counts {
    pair: i64,
    pair_since: Option<f64>,
    from_address: i64,
    from_address_since: Option<f64>,
    account: i64,
    account_since: Option<f64>,
    last_hour: i64,
    cap_th_age: Option<f64>,
    known_address: bool,
}

fn seconds(s: Option<f64>) -> Option<Duration> {
    s.map(|s| Duration::from_secs_f64(s.clamp(0.0, 1e9)))
}

fn failures(count: i64, since: Option<f64>) -> Failures {
    Failures {
        count: u32::try_from(count).unwrap_or(u32::MAX),
        since_last: seconds(since),
    }
}

/// Starts a login attempt: under locks on the account and on the address (so parallel attempts
/// queue here, briefly), reads the recent failures and asks `refuse` whether to stop; if not,
/// records the attempt as failed before anyone checks the password, so that an attempt running
/// in parallel already counts it. Returns the attempt to mark as a success, or the refusal.
pub async fn begin_login_attempt<T>(
    pool: &PgPool,
    username: &str,
    address: &str,
    refuse: impl FnOnce(&Recent) -> Option<T>,
) -> Result<Result<i64, T>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    // Two lock spaces (1: accounts, 2: addresses), always taken in this order: no deadlock.
    sqlx::query("SELECT pg_advisory_xact_lock(1, hashtext(lower($1)))")
        .bind(username)
        .execute(&mut *tx)
        .await?;
    sqlx::query("SELECT pg_advisory_xact_lock(2, hashtext($1))")
        .bind(address)
        .execute(&mut *tx)
        .await?;
    let c: Counts = sqlx::query_as(
        "WITH mine AS (
             SELECT address, succeeded, at FROM login_attempts
             WHERE lower(username) = lower($1) AND at > now() - make_interval(secs => $4)
         ), ok AS (
             SELECT max(at) FILTER (WHERE succeeded AND address = $2) AS pair_ok FROM mine
         ), recent AS (
             SELECT mine.*, at > now() - make_interval(secs => $3) AND NOT succeeded AS failed_lately, ok.pair_ok
             FROM mine, ok
         )
         SELECT
           count(*) FILTER (WHERE failed_lately AND address = $2 AND at > coalesce(pair_ok, '-infinity')) AS pair,
           extract(epoch FROM now() - max(at) FILTER (WHERE failed_lately AND address = $2
                                                      AND at > coalesce(pair_ok, '-infinity')))::float8 AS pair_since,
           count(*) FILTER (WHERE failed_lately) AS account,
           extract(epoch FROM now() - max(at) FILTER (WHERE failed_lately))::float8 AS account_since,
           count(*) FILTER (WHERE NOT succeeded AND at > now() - interval '1 hour') AS last_hour,
           extract(epoch FROM now() - (array_agg(at ORDER BY at DESC)
                   FILTER (WHERE NOT succeeded AND at > now() - interval '1 hour'))[$5])::float8 AS cap_th_age,
           coalesce(bool_or(succeeded AND address = $2), false) AS known_address,
           a.from_address, a.from_address_since
         FROM (SELECT count(*) AS from_address, extract(epoch FROM now() - max(at))::float8 AS from_address_since
               FROM login_attempts
               WHERE address = $2 AND NOT succeeded AND at > now() - make_interval(secs => $3)) a
              LEFT JOIN recent ON true
         GROUP BY a.from_address, a.from_address_since",
    )
    .bind(username)
    .bind(address)
    .bind(throttle::WINDOW.as_secs_f64())
    .bind(throttle::KNOWN_ADDRESS.as_secs_f64())
    .bind(throttle::HOURLY_CAP as i32)
    .fetch_one(&mut *tx)
    .await?;
    let recent = Recent {
        pair: failures(c.pair, c.pair_since),
        address: failures(c.from_address, c.from_address_since),
        account: failures(c.account, c.account_since),
        last_hour: u32::try_from(c.last_hour).unwrap_or(u32::MAX),
        age_of_cap_th_latest: seconds(c.cap_th_age),
        known_address: c.known_address,
    };
    if let Some(refusal) = refuse(&recent) {
        tx.commit().await?;
        return Ok(Err(refusal));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO login_attempts (username, address, succeeded) VALUES ($1, $2, false) RETURNING id",
    )
    .bind(username)
    .bind(address)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Marks a login attempt begun by [`begin_login_attempt`] as a success.
pub async fn login_attempt_succeeded(pool: &PgPool, attempt: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE login_attempts SET succeeded = true WHERE id = $1")
        .bind(attempt)
        .execute(pool)
        .await?;
    Ok(())
}

/// Forgets failed login attempts older than a day (throttling looks back minutes, the hourly
/// cap an hour) and successes older than the time an address stays the owner's.
pub async fn prune_login_attempts(pool: &PgPool) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM login_attempts
         WHERE at < now() - interval '1 day' AND (NOT succeeded OR at < now() - make_interval(secs => $1))",
    )
    .bind(throttle::KNOWN_ADDRESS.as_secs_f64())
    .execute(pool)
    .await?
    .rows_affected())
}

pub struct NewUser<'a> {
    pub username: &'a Username,
    pub display_name: &'a str,
    pub role: Role,
    pub unit: Option<&'a UnitCode>,
    pub projects: &'a [Uuid],
    pub password_hash: &'a str,
}

/// Creates an account, linking an investor to their projects, and records it in the audit log.
pub async fn create(pool: &PgPool, new: NewUser<'_>, actor: Actor<'_>) -> anyhow::Result<Uuid> {
    let mut tx = pool.begin().await?;
    let unit_id: Option<Uuid> = match new.unit {
        Some(code) => Some(
            sqlx::query_scalar("SELECT id FROM units WHERE code = $1")
                .bind(code.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .with_context(|| format!("no unit has the code {:?}", code.as_str()))?,
        ),
        None => None,
    };
    if new.role == Role::Member && unit_id.is_none() {
        bail!("a member needs --unit CODE: the responsible unit they work for");
    }
    if new.role == Role::Investor && unit_id.is_some() {
        bail!("an investor belongs to a company, not to a unit: leave out --unit");
    }
    if new.role != Role::Investor && !new.projects.is_empty() {
        bail!(
            "--project links investors to their projects; other roles see projects through their task forces and units"
        );
    }
    let taken: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE lower(username) = lower($1))")
        .bind(new.username.as_str())
        .fetch_one(&mut *tx)
        .await?;
    if taken {
        bail!("the username {:?} is taken", new.username.as_str());
    }
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO users (username, display_name, role, unit_id, password_hash)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(new.username.as_str())
    .bind(new.display_name)
    .bind(new.role.as_str())
    .bind(unit_id)
    .bind(new.password_hash)
    .fetch_one(&mut *tx)
    .await?;
    for project in new.projects {
        let linked = sqlx::query(
            "INSERT INTO investor_projects (user_id, project_id) SELECT $1, id FROM projects WHERE id = $2",
        )
        .bind(id)
        .bind(project)
        .execute(&mut *tx)
        .await?;
        if linked.rows_affected() == 0 {
            bail!("no project has the id {project}");
        }
    }
    audit::record(
        &mut tx,
        Entry {
            actor,
            action: "user.create",
            entity: "user",
            entity_id: Some(id),
            project_id: None,
            before: None,
            after: Some(json!({
                "username": new.username.as_str(), "role": new.role, "unit_id": unit_id, "projects": new.projects,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Stores the hash of a new API token for `username`.
pub async fn add_api_token(pool: &PgPool, username: &Username, token_hash: &[u8]) -> anyhow::Result<()> {
    let user_id: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE lower(username) = lower($1) AND active")
        .bind(username.as_str())
        .fetch_optional(pool)
        .await?
        .with_context(|| format!("no active user is called {:?}", username.as_str()))?;
    sqlx::query("INSERT INTO api_tokens (user_id, token_hash) VALUES ($1, $2)")
        .bind(user_id)
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Accounts that can be a task force's liaison: active users with the lead role.
pub async fn leads(pool: &PgPool) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, display_name FROM users WHERE role = 'lead' AND active ORDER BY display_name")
        .fetch_all(pool)
        .await
}
