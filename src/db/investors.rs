//! Investor accounts and the projects they are linked to (an investor sees only those).

use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use super::audit::{self, Actor, Entry};

/// Investor accounts linked to a project.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct LinkedInvestor {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
}

/// Links or unlinks an investor account and a project; `false` when nothing changed (already so,
/// or no such investor account).
pub async fn set_investor_link(
    pool: &PgPool,
    project: Uuid,
    username: &str,
    linked: bool,
    actor: Uuid,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let user: Option<Uuid> =
        sqlx::query_scalar("SELECT id FROM users WHERE username = $1 AND role = 'investor' AND active")
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(user) = user else {
        tx.rollback().await?;
        return Ok(false);
    };
    let changed = if linked {
        sqlx::query("INSERT INTO investor_projects (user_id, project_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
    } else {
        sqlx::query("DELETE FROM investor_projects WHERE user_id = $1 AND project_id = $2")
    }
    .bind(user)
    .bind(project)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if changed {
        audit::record(
            &mut tx,
            Entry {
                actor: Actor::User(actor),
                action: if linked {
                    "project.investor_link"
                } else {
                    "project.investor_unlink"
                },
                entity: "project",
                entity_id: Some(project),
                project_id: Some(project),
                before: None,
                after: Some(json!({ "investor": username })),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(changed)
}
