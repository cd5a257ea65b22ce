//! Checked imports waiting for their confirmation, each under a one-time id, for a day at most.

use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::domain::sheet::Cell;

/// Keeps a sheet's cells for `user`'s confirmation (into `project`, or a projects sheet when
/// `None`); the user's imports older than a day go.
pub async fn keep(pool: &PgPool, user: Uuid, project: Option<Uuid>, cells: &[Vec<Cell>]) -> Result<Uuid, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM pending_imports WHERE created_at < now() - interval '1 day'")
        .execute(&mut *tx)
        .await?;
    let id =
        sqlx::query_scalar("INSERT INTO pending_imports (user_id, project_id, cells) VALUES ($1, $2, $3) RETURNING id")
            .bind(user)
            .bind(project)
            .bind(Json(cells))
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(id)
}

/// Takes the import `id` of `user` into `project` out, inside the caller's transaction: its cells,
/// or `None` when it was confirmed already, expired, or is someone else's. A second confirmation
/// running meanwhile waits for this transaction and then finds nothing.
pub async fn take(
    conn: &mut PgConnection,
    id: Uuid,
    user: Uuid,
    project: Option<Uuid>,
) -> Result<Option<Vec<Vec<Cell>>>, sqlx::Error> {
    let cells: Option<Json<Vec<Vec<Cell>>>> = sqlx::query_scalar(
        "DELETE FROM pending_imports
         WHERE id = $1 AND user_id = $2 AND project_id IS NOT DISTINCT FROM $3
           AND created_at >= now() - interval '1 day'
         RETURNING cells",
    )
    .bind(id)
    .bind(user)
    .bind(project)
    .fetch_optional(conn)
    .await?;
    Ok(cells.map(|c| c.0))
}
