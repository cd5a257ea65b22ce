//! Marks of change (migrations/0022_changes.sql): the count of committed changes to what a
//! project's page or a unit's queue shows, by which those pages know whether what they kept is
//! still what the database holds (`app::kept`).

use sqlx::PgPool;

/// The count of changes to what the page of `key` shows (a project's or a unit's id, as SQL):
/// the weights of its marks and of the marks on everything.
pub fn count_of(key: &str) -> String {
    format!(
        "(SELECT coalesce(sum(c.weight), 0)::bigint FROM changes c
          WHERE c.key = {key} OR c.key = '00000000-0000-0000-0000-000000000000')"
    )
}

/// Folds each key's marks into one, keeping their count: a key's count reads one row instead of
/// one per transaction since. Concurrent folds and marks keep the count too (a mark another fold
/// took is not taken twice; a mark not yet committed stays).
pub async fn fold(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let folded = sqlx::query(
        "WITH gone AS (
             DELETE FROM changes c USING (SELECT key FROM changes GROUP BY key HAVING count(*) > 1) k
             WHERE c.key = k.key RETURNING c.key, c.weight)
         INSERT INTO changes (key, weight) SELECT key, sum(weight) FROM gone GROUP BY key",
    )
    .execute(pool)
    .await?;
    Ok(folded.rows_affected())
}
