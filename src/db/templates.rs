//! Checklist templates: kept by admins, read when a project starts from one. Lines are replaced
//! as a whole on every save; the version guards against two admins saving over each other.

use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::audit::{self, Actor, Entry};
use super::constraint::OnConstraint;
use crate::domain::checklist::Category;
use crate::domain::template::TemplateDraft;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Summary {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub lines: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Line {
    pub position: i32,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub category: Category,
    pub unit_code: String,
    pub unit_name: String,
    pub offset_days: i32,
}

#[derive(Clone, Debug)]
pub struct Template {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub version: i32,
    pub lines: Vec<Line>,
}

pub async fn list(pool: &PgPool) -> Result<Vec<Summary>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.id, t.name, t.description, count(l.position) AS lines
         FROM checklist_templates t LEFT JOIN checklist_template_lines l ON l.template_id = t.id
         GROUP BY t.id ORDER BY t.name",
    )
    .fetch_all(pool)
    .await
}

pub async fn get(pool: &PgPool, id: Uuid) -> Result<Option<Template>, sqlx::Error> {
    let head: Option<(String, Option<String>, i32)> =
        sqlx::query_as("SELECT name, description, version FROM checklist_templates WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    let Some((name, description, version)) = head else {
        return Ok(None);
    };
    let lines = sqlx::query_as(
        "SELECT l.position, l.title, l.category, u.code AS unit_code, u.name AS unit_name, l.offset_days
         FROM checklist_template_lines l JOIN units u ON u.id = l.unit_id
         WHERE l.template_id = $1 ORDER BY l.position",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(Some(Template {
        id,
        name,
        description,
        version,
        lines,
    }))
}

#[derive(Clone)]
pub enum Saved {
    Done(Uuid),
    /// Lines (by position) whose unit code is not a unit.
    UnknownUnits(Vec<usize>),
    TakenName,
    /// The version given was stale; nothing changed.
    Conflict,
}

/// Creates a template (`id` none) or replaces one at `version`.
pub async fn save(
    pool: &PgPool,
    id: Option<(Uuid, i32)>,
    draft: &TemplateDraft,
    actor: Actor<'_>,
) -> Result<Saved, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let codes: Vec<String> = draft.lines.iter().map(|l| l.unit_code.clone()).collect();
    let known: Vec<String> = sqlx::query_scalar("SELECT code FROM units WHERE code = ANY($1)")
        .bind(&codes)
        .fetch_all(&mut *tx)
        .await?;
    let unknown: Vec<usize> = codes
        .iter()
        .enumerate()
        .filter(|(_, c)| !known.contains(c))
        .map(|(i, _)| i + 1)
        .collect();
    if !unknown.is_empty() {
        tx.rollback().await?;
        return Ok(Saved::UnknownUnits(unknown));
    }
    let written: Result<Option<Uuid>, sqlx::Error> =
        match id {
            None => {
                sqlx::query_scalar("INSERT INTO checklist_templates (name, description) VALUES ($1, $2) RETURNING id")
                    .bind(&draft.name)
                    .bind(&draft.description)
                    .fetch_optional(&mut *tx)
                    .await
            }
            Some((id, version)) => sqlx::query_scalar(
                "UPDATE checklist_templates SET name = $3, description = $4, version = version + 1, updated_at = now()
             WHERE id = $1 AND version = $2 RETURNING id",
            )
            .bind(id)
            .bind(version)
            .bind(&draft.name)
            .bind(&draft.description)
            .fetch_optional(&mut *tx)
            .await,
        };
    let template = match written.on_constraint(&[("checklist_templates_name_key", Saved::TakenName)])? {
        Ok(Some(t)) => t,
        Ok(None) => {
            tx.rollback().await?;
            return Ok(Saved::Conflict);
        }
        Err(taken) => {
            tx.rollback().await?;
            return Ok(taken);
        }
    };
    write_lines(&mut tx, template, draft).await?;
    audit::record(
        &mut tx,
        Entry {
            actor,
            action: if id.is_some() {
                "template.update"
            } else {
                "template.create"
            },
            entity: "template",
            entity_id: Some(template),
            project_id: None,
            before: None,
            after: Some(json!({ "name": draft.name, "lines": draft.lines.len() })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Saved::Done(template))
}

async fn write_lines(conn: &mut PgConnection, template: Uuid, draft: &TemplateDraft) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM checklist_template_lines WHERE template_id = $1")
        .bind(template)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO checklist_template_lines (template_id, position, title, category, unit_id, offset_days)
         SELECT $1, x.n, x.title, x.category, u.id, x.offset_days
         FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) WITH ORDINALITY AS x (title, category, code, offset_days, n)
         JOIN units u ON u.code = x.code",
    )
    .bind(template)
    .bind(draft.lines.iter().map(|l| l.title.clone()).collect::<Vec<_>>())
    .bind(draft.lines.iter().map(|l| l.category.as_str()).collect::<Vec<_>>())
    .bind(draft.lines.iter().map(|l| l.unit_code.clone()).collect::<Vec<_>>())
    .bind(draft.lines.iter().map(|l| l.offset_days).collect::<Vec<_>>())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes a template; projects started from it keep their items.
pub async fn delete(pool: &PgPool, id: Uuid, actor: Actor<'_>) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let name: Option<String> = sqlx::query_scalar("DELETE FROM checklist_templates WHERE id = $1 RETURNING name")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(name) = name else {
        tx.rollback().await?;
        return Ok(false);
    };
    audit::record(
        &mut tx,
        Entry {
            actor,
            action: "template.delete",
            entity: "template",
            entity_id: Some(id),
            project_id: None,
            before: Some(json!({ "name": name })),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
