//! The audit log: every change to project data, with who, when, what, before and after.

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

/// Who made a change: a signed-in user, or a named non-user actor such as the CLI.
#[derive(Clone, Copy, Debug)]
pub enum Actor<'a> {
    User(Uuid),
    System(&'a str),
}

pub struct Entry<'a> {
    pub actor: Actor<'a>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Records `entry` inside the caller's transaction, so the change and its record stand or fall together.
pub async fn record(conn: &mut PgConnection, entry: Entry<'_>) -> Result<(), sqlx::Error> {
    let (actor_id, label) = match entry.actor {
        Actor::User(id) => (Some(id), "user"),
        Actor::System(label) => (None, label),
    };
    sqlx::query(
        "INSERT INTO audit_log (actor_id, actor_label, action, entity, entity_id, project_id, before, after)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(actor_id)
    .bind(label)
    .bind(entry.action)
    .bind(entry.entity)
    .bind(entry.entity_id)
    .bind(entry.project_id)
    .bind(entry.before)
    .bind(entry.after)
    .execute(conn)
    .await?;
    Ok(())
}
