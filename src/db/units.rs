//! Units (单位): the county departments that lead task forces and own checklist items.

use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::audit::{self, Actor, Entry};
use super::constraint::OnConstraint;
use crate::domain::names::UnitCode;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Unit {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

pub async fn all(pool: &PgPool) -> Result<Vec<Unit>, sqlx::Error> {
    sqlx::query_as("SELECT id, code, name FROM units ORDER BY code")
        .fetch_all(pool)
        .await
}

/// The unit with this code; a string that cannot be a code (say, with a NUL in it) names none.
pub async fn by_code(pool: &PgPool, code: &str) -> Result<Option<Unit>, sqlx::Error> {
    let Some(code) = UnitCode::parse(code) else {
        return Ok(None);
    };
    sqlx::query_as("SELECT id, code, name FROM units WHERE code = $1")
        .bind(code.as_str())
        .fetch_optional(pool)
        .await
}

/// The unit with this code and the count of changes to what its queue shows (`db::changes`).
pub async fn by_code_with_changes(conn: &mut PgConnection, code: &str) -> Result<Option<(Unit, i64)>, sqlx::Error> {
    let Some(code) = UnitCode::parse(code) else {
        return Ok(None);
    };
    let row: Option<(Uuid, String, String, i64)> = sqlx::query_as(&format!(
        "SELECT u.id, u.code, u.name, {changes} FROM units u WHERE u.code = $1",
        changes = super::changes::count_of("u.id")
    ))
    .bind(code.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(id, code, name, changes)| (Unit { id, code, name }, changes)))
}

/// The units with these codes, and the codes that name no unit.
pub async fn resolve(conn: &mut PgConnection, codes: &[String]) -> Result<(Vec<Unit>, Vec<String>), sqlx::Error> {
    // Only strings shaped like codes reach the database; the rest are simply not found.
    let valid: Vec<&str> = codes
        .iter()
        .filter(|c| UnitCode::parse(c).is_some())
        .map(|c| c.trim())
        .collect();
    let found: Vec<Unit> = sqlx::query_as("SELECT id, code, name FROM units WHERE code = ANY($1) ORDER BY code")
        .bind(&valid)
        .fetch_all(conn)
        .await?;
    let missing = codes
        .iter()
        .filter(|c| !found.iter().any(|u| &u.code == *c))
        .cloned()
        .collect();
    Ok((found, missing))
}

#[derive(Clone)]
pub enum Created {
    Unit(Unit),
    CodeTaken,
    NameTaken,
}

pub async fn create(pool: &PgPool, code: &str, name: &str, actor: Actor<'_>) -> Result<Created, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let inserted: Result<Unit, sqlx::Error> =
        sqlx::query_as("INSERT INTO units (code, name) VALUES ($1, $2) RETURNING id, code, name")
            .bind(code)
            .bind(name)
            .fetch_one(&mut *tx)
            .await;
    let taken = [
        ("units_code_key", Created::CodeTaken),
        ("units_name_key", Created::NameTaken),
    ];
    let unit = match inserted.on_constraint(&taken)? {
        Ok(u) => u,
        Err(taken) => {
            tx.rollback().await?;
            return Ok(taken);
        }
    };
    audit::record(
        &mut tx,
        Entry {
            actor,
            action: "unit.create",
            entity: "unit",
            entity_id: Some(unit.id),
            project_id: None,
            before: None,
            after: Some(json!({ "code": unit.code, "name": unit.name })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Created::Unit(unit))
}

/// A unit with the figures of its open items on a given day.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UnitLoad {
    pub code: String,
    pub name: String,
    pub open_items: i64,
    pub red_items: i64,
    pub yellow_items: i64,
    /// Supervision orders (督办单) issued to the unit, and those answered late or overdue unanswered.
    pub orders: i64,
    pub orders_late: i64,
}

/// Every unit with its open, red and yellow item counts (the colour rule of domain::status,
/// counted set-based; exempt items are not red or yellow) and its supervision orders, late replies counted as
/// domain::notification::reply_days_late does, the most burdened first.
pub async fn loads(pool: &PgPool, today: chrono::NaiveDate, red_after_days: i64) -> Result<Vec<UnitLoad>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.code, u.name, count(i.id) AS open_items,
                count(i.id) FILTER (WHERE item_colour($1::date, i.deadline, $2) = 'red'
                                      AND item_counts($1::date, i.exempt_until)) AS red_items,
                count(i.id) FILTER (WHERE item_colour($1::date, i.deadline, $2) = 'yellow'
                                      AND item_counts($1::date, i.exempt_until)) AS yellow_items,
                coalesce(max(o.orders), 0) AS orders, coalesce(max(o.late), 0) AS orders_late
         FROM units u LEFT JOIN checklist_items i ON i.responsible_unit_id = u.id AND i.state = 'open'
         LEFT JOIN (SELECT unit_id, count(*) AS orders,
                           count(*) FILTER (WHERE coalesce(replied_on, $1::date) > reply_due) AS late
                    FROM supervision_orders GROUP BY unit_id) o ON o.unit_id = u.id
         GROUP BY u.id ORDER BY red_items DESC, yellow_items DESC, open_items DESC, u.code",
    )
    .bind(today)
    .bind(red_after_days as i32)
    .fetch_all(pool)
    .await
}

/// The names of the units with these codes, by code.
pub async fn names_of(pool: &PgPool, codes: &[String]) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT code, name FROM units WHERE code = ANY($1)")
        .bind(codes)
        .fetch_all(pool)
        .await
}
