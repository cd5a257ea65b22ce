//! What changed since the last weekly snapshot: the view officials open before a meeting.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// Kinds of change, in the order of the catalog's `changes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    TurnedRed,
    TurnedYellow,
    Recovered,
    Closed,
    Added,
    StageChanged,
}

impl ChangeKind {
    fn parse(s: &str) -> Option<ChangeKind> {
        Some(match s {
            "turned_red" => ChangeKind::TurnedRed,
            "turned_yellow" => ChangeKind::TurnedYellow,
            "recovered" => ChangeKind::Recovered,
            "closed" => ChangeKind::Closed,
            "added" => ChangeKind::Added,
            "stage" => ChangeKind::StageChanged,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct Change {
    pub kind: ChangeKind,
    pub project_id: Uuid,
    pub project_name: String,
    pub unit: Option<String>,
    pub item_id: Option<Uuid>,
    /// The item's title, or the stage reached.
    pub what: String,
}

/// At most this many changes are listed (a week's changes in one county are far fewer).
pub const LIMIT: i64 = 1000;

/// Every change since `snapshot` (frozen at `frozen_at`), compared with the last recomputation.
pub async fn changes(pool: &PgPool, snapshot: Uuid, frozen_at: DateTime<Utc>) -> Result<Vec<Change>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        kind: String,
        project_id: Uuid,
        project_name: String,
        unit: Option<String>,
        item_id: Option<Uuid>,
        what: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "WITH item AS (
             SELECT i.id, i.title, i.project_id, p.name AS project_name, u.name AS unit, i.state, i.created_at, i.closed_at
             FROM checklist_items i JOIN projects p ON p.id = i.project_id JOIN units u ON u.id = i.responsible_unit_id)
         SELECT CASE s.colour WHEN 'red' THEN 'turned_red' ELSE 'turned_yellow' END AS kind,
                x.project_id, x.project_name, x.unit, x.id AS item_id, x.title AS what
         FROM item_status s JOIN item x ON x.id = s.item_id
         LEFT JOIN snapshot_items si ON si.item_id = s.item_id AND si.snapshot_id = $1
         WHERE s.colour IN ('red', 'yellow') AND si.colour IS DISTINCT FROM s.colour
         UNION ALL
         SELECT 'recovered', x.project_id, x.project_name, x.unit, x.id, x.title
         FROM snapshot_items si JOIN item_status s ON s.item_id = si.item_id JOIN item x ON x.id = si.item_id
         WHERE si.snapshot_id = $1 AND s.colour = 'green'
         UNION ALL
         SELECT 'closed', x.project_id, x.project_name, x.unit, x.id, x.title
         FROM item x WHERE x.state = 'done' AND x.closed_at > $2
         UNION ALL
         SELECT 'added', x.project_id, x.project_name, x.unit, x.id, x.title
         FROM item x WHERE x.created_at > $2
         UNION ALL
         SELECT 'stage', p.id, p.name, NULL, NULL, a.after->>'stage'
         FROM audit_log a JOIN projects p ON p.id = a.project_id
         WHERE a.action = 'project.stage' AND a.at > $2
         LIMIT $3",
    )
    .bind(snapshot)
    .bind(frozen_at)
    .bind(LIMIT)
    .fetch_all(pool)
    .await?;
    let mut changes: Vec<Change> = rows
        .into_iter()
        .filter_map(|r| {
            Some(Change {
                kind: ChangeKind::parse(&r.kind)?,
                project_id: r.project_id,
                project_name: r.project_name,
                unit: r.unit,
                item_id: r.item_id,
                what: r.what,
            })
        })
        .collect();
    changes.sort_by(|a, b| (a.kind, &a.project_name, &a.what).cmp(&(b.kind, &b.project_name, &b.what)));
    Ok(changes)
}
