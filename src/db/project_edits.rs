//! Creating and changing projects with their task forces, each change one transaction with its
//! audit record. Edits are optimistic on the project's version.

use chrono::NaiveDate;
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::domain::sheet::SheetItem;

use super::audit::{self, Actor, Entry};
use super::constraint::OnConstraint;
use super::units;
use crate::domain::input::{FieldErrors, Problem};
use crate::domain::lifecycle::Stage;
use crate::domain::project::ProjectDraft;

/// A project as its edit form shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EditableProject {
    pub id: Uuid,
    pub name: String,
    pub company: String,
    pub park: Option<String>,
    pub industry: Option<String>,
    pub investment_code: Option<String>,
    pub total_investment_wan: Option<i64>,
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    pub description: Option<String>,
    pub version: i32,
    pub leader_name: Option<String>,
    pub lead_unit: String,
    pub member_units: Vec<String>,
    pub liaisons: Vec<Uuid>,
    /// Stages with a dates row, and their planned dates (parallel arrays).
    pub dated_stages: Vec<String>,
    pub planned_dates: Vec<Option<NaiveDate>>,
}

impl EditableProject {
    pub fn snapshot(&self) -> Value {
        json!({
            "name": self.name, "company": self.company, "park": self.park, "industry": self.industry,
            "investment_code": self.investment_code, "total_investment_wan": self.total_investment_wan,
            "stage": self.stage, "description": self.description, "leader_name": self.leader_name,
            "lead_unit": self.lead_unit, "member_units": self.member_units,
            "planned": Stage::ALL.iter().filter_map(|s| self.planned_on(*s).map(|d| json!([s, d]))).collect::<Vec<_>>(),
        })
    }

    pub fn planned_on(&self, stage: Stage) -> Option<NaiveDate> {
        let at = self.dated_stages.iter().position(|s| s == stage.as_str())?;
        self.planned_dates.get(at).copied().flatten()
    }
}

const EDITABLE: &str = "SELECT p.id, p.name, p.company, p.park, p.industry, p.investment_code, p.total_investment_wan,
        p.stage, p.description, p.version, f.leader_name, lu.code AS lead_unit,
        coalesce((SELECT array_agg(u.code ORDER BY u.code) FROM task_force_units tu JOIN units u ON u.id = tu.unit_id
                  WHERE tu.task_force_id = f.id), '{}') AS member_units,
        coalesce((SELECT array_agg(m.user_id) FROM task_force_members m WHERE m.task_force_id = f.id), '{}') AS liaisons,
        coalesce((SELECT array_agg(d.stage ORDER BY d.stage) FROM project_stage_dates d WHERE d.project_id = p.id),
                 '{}') AS dated_stages,
        coalesce((SELECT array_agg(d.planned_on ORDER BY d.stage) FROM project_stage_dates d
                  WHERE d.project_id = p.id), '{}') AS planned_dates
    FROM projects p JOIN task_forces f ON f.project_id = p.id JOIN units lu ON lu.id = f.lead_unit_id";

pub async fn editable(conn: &mut PgConnection, id: Uuid, lock: bool) -> Result<Option<EditableProject>, sqlx::Error> {
    let suffix = if lock { " FOR UPDATE OF p" } else { "" };
    sqlx::query_as(&format!("{EDITABLE} WHERE p.id = $1{suffix}"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub enum Saved {
    Done(Uuid),
    /// Unknown unit codes or a taken name: the form shows these.
    Invalid(FieldErrors),
    /// Someone saved first; nothing changed.
    Conflict(Box<EditableProject>),
}

/// Resolves the task force's unit codes, naming the ones that do not exist.
async fn unit_ids(
    conn: &mut PgConnection,
    draft: &ProjectDraft,
) -> Result<Result<(Uuid, Vec<Uuid>), FieldErrors>, sqlx::Error> {
    let mut errors = FieldErrors::default();
    let (lead, missing) = units::resolve(conn, std::slice::from_ref(&draft.lead_unit)).await?;
    if !missing.is_empty() {
        errors.add("lead_unit", Problem::UnknownUnit);
    }
    let (members, missing) = units::resolve(conn, &draft.member_units).await?;
    if !missing.is_empty() {
        errors.add("member_units", Problem::UnknownUnit);
    }
    Ok(match lead.first() {
        Some(lead) if errors.is_empty() => Ok((lead.id, members.iter().map(|u| u.id).collect())),
        _ => Err(errors),
    })
}

/// The constraints whose violation is a field's "already taken", by the field.
const TAKEN: [(&str, &str); 2] = [
    ("projects_investment_code_key", "investment_code"),
    ("task_forces_name_key", "name"),
];

/// Creates a project with its task force and, when it starts from a template, its checklist.
pub async fn create(
    pool: &PgPool,
    draft: &ProjectDraft,
    liaisons: &[Uuid],
    checklist: &[SheetItem],
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<Saved, sqlx::Error> {
    let mut tx = pool.begin().await?;
    match insert(&mut tx, draft, liaisons, checklist, actor, user).await? {
        Ok(id) => {
            tx.commit().await?;
            Ok(Saved::Done(id))
        }
        Err(errors) => {
            tx.rollback().await?;
            Ok(Saved::Invalid(errors))
        }
    }
}

/// Creates the projects of an imported sheet with their task forces inside the caller's
/// transaction: the first project refused (a name or code taken meanwhile, a unit gone) is
/// answered with its row, and the caller rolls back.
pub async fn insert_all(
    tx: &mut PgConnection,
    drafts: &[(usize, ProjectDraft)],
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<Result<u64, (usize, FieldErrors)>, sqlx::Error> {
    for (row, draft) in drafts {
        if let Err(errors) = insert(tx, draft, &[], &[], actor, user).await? {
            return Ok(Err((*row, errors)));
        }
    }
    Ok(Ok(drafts.len() as u64))
}

/// One project with its task force inside the caller's transaction; field problems the database
/// found (unknown units, names taken) come back as such, and the caller rolls back.
async fn insert(
    tx: &mut PgConnection,
    draft: &ProjectDraft,
    liaisons: &[Uuid],
    checklist: &[SheetItem],
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<Result<Uuid, FieldErrors>, sqlx::Error> {
    let (lead_unit, members) = match unit_ids(tx, draft).await? {
        Ok(ids) => ids,
        Err(errors) => return Ok(Err(errors)),
    };
    let inserted = sqlx::query_scalar(
        "INSERT INTO projects (name, company, park, industry, investment_code, total_investment_wan, stage, description,
             created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&draft.name)
    .bind(&draft.company)
    .bind(&draft.park)
    .bind(&draft.industry)
    .bind(&draft.investment_code)
    .bind(draft.total_investment_wan)
    .bind(draft.stage.as_str())
    .bind(&draft.description)
    .bind(user)
    .fetch_one(&mut *tx)
    .await;
    let id: Uuid = match inserted.on_constraint(&TAKEN)? {
        Ok(id) => id,
        Err(field) => return Ok(Err(taken(field))),
    };
    let task_force = sqlx::query_scalar(
        "INSERT INTO task_forces (project_id, name, leader_name, lead_unit_id) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(id)
    .bind(format!("{}专班", draft.name))
    .bind(&draft.leader_name)
    .bind(lead_unit)
    .fetch_one(&mut *tx)
    .await;
    let task_force: Uuid = match task_force.on_constraint(&TAKEN)? {
        Ok(tf) => tf,
        Err(field) => return Ok(Err(taken(field))),
    };
    write_task_force(tx, task_force, &members, liaisons).await?;
    write_planned(tx, id, draft).await?;
    let after = editable(tx, id, false).await?.map(|p| p.snapshot());
    record(tx, actor, "project.create", id, None, after).await?;
    if let Some((year, plan)) = &draft.plan {
        super::investment::save_plan(tx, id, *year, plan, Some(None), actor, user).await?;
    }
    super::items::insert_many(tx, id, checklist, "", actor, user).await?;
    Ok(Ok(id))
}

fn taken(field: &'static str) -> FieldErrors {
    FieldErrors(vec![(field, Problem::TakenName)])
}

pub async fn update(
    pool: &PgPool,
    id: Uuid,
    version: i32,
    draft: &ProjectDraft,
    liaisons: &[Uuid],
    actor: Actor<'_>,
) -> Result<Saved, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let Some(before) = editable(&mut tx, id, true).await? else {
        // Roll back now: a dropped transaction would hold its locks until the pool got round to it.
        tx.rollback().await?;
        return Err(sqlx::Error::RowNotFound);
    };
    if before.version != version {
        tx.rollback().await?;
        return Ok(Saved::Conflict(Box::new(before)));
    }
    let (lead_unit, members) = match unit_ids(&mut tx, draft).await? {
        Ok(ids) => ids,
        Err(errors) => {
            tx.rollback().await?;
            return Ok(Saved::Invalid(errors));
        }
    };
    // The stage moves through its own action, with its actual date; the form does not change it.
    let updated = sqlx::query(
        "UPDATE projects SET name = $2, company = $3, park = $4, industry = $5, investment_code = $6,
             total_investment_wan = $7, description = $8, version = version + 1, updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(&draft.name)
    .bind(&draft.company)
    .bind(&draft.park)
    .bind(&draft.industry)
    .bind(&draft.investment_code)
    .bind(draft.total_investment_wan)
    .bind(&draft.description)
    .execute(&mut *tx)
    .await;
    if let Err(field) = updated.on_constraint(&TAKEN)? {
        tx.rollback().await?;
        return Ok(Saved::Invalid(taken(field)));
    }
    // The task force is named after the project, and its name is unique: a rename to a name in
    // use is the form's "name taken", as at creation.
    let task_force = sqlx::query_scalar(
        "UPDATE task_forces SET leader_name = $2, lead_unit_id = $3, name = $4 WHERE project_id = $1 RETURNING id",
    )
    .bind(id)
    .bind(&draft.leader_name)
    .bind(lead_unit)
    .bind(format!("{}专班", draft.name))
    .fetch_one(&mut *tx)
    .await;
    let task_force: Uuid = match task_force.on_constraint(&TAKEN)? {
        Ok(tf) => tf,
        Err(field) => {
            tx.rollback().await?;
            return Ok(Saved::Invalid(taken(field)));
        }
    };
    sqlx::query("DELETE FROM task_force_units WHERE task_force_id = $1")
        .bind(task_force)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM task_force_members WHERE task_force_id = $1")
        .bind(task_force)
        .execute(&mut *tx)
        .await?;
    write_task_force(&mut tx, task_force, &members, liaisons).await?;
    write_planned(&mut tx, id, draft).await?;
    let after = editable(&mut tx, id, false).await?.map(|p| p.snapshot());
    record(&mut tx, actor, "project.update", id, Some(before.snapshot()), after).await?;
    tx.commit().await?;
    Ok(Saved::Done(id))
}

async fn write_task_force(
    conn: &mut PgConnection,
    task_force: Uuid,
    members: &[Uuid],
    liaisons: &[Uuid],
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO task_force_units (task_force_id, unit_id) SELECT $1, unnest($2::uuid[])")
        .bind(task_force)
        .bind(members)
        .execute(&mut *conn)
        .await?;
    // Only accounts with the lead role can be a task force's liaisons.
    sqlx::query(
        "INSERT INTO task_force_members (task_force_id, user_id, duty)
         SELECT $1, id, 'liaison' FROM users WHERE id = ANY($2) AND role = 'lead' AND active",
    )
    .bind(task_force)
    .bind(liaisons)
    .execute(conn)
    .await?;
    Ok(())
}

async fn write_planned(conn: &mut PgConnection, project: Uuid, draft: &ProjectDraft) -> Result<(), sqlx::Error> {
    let stages: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
    sqlx::query(
        "INSERT INTO project_stage_dates (project_id, stage, planned_on)
         SELECT $1, s, d FROM unnest($2::text[], $3::date[]) AS x(s, d) WHERE d IS NOT NULL
         ON CONFLICT (project_id, stage) DO UPDATE SET planned_on = EXCLUDED.planned_on",
    )
    .bind(project)
    .bind(&stages)
    .bind(draft.planned.to_vec())
    .execute(&mut *conn)
    .await?;
    // A cleared planned date goes; the row stays while an actual date remains.
    sqlx::query(
        "UPDATE project_stage_dates d SET planned_on = NULL FROM unnest($2::text[], $3::date[]) AS x(s, pd)
         WHERE d.project_id = $1 AND d.stage = x.s AND x.pd IS NULL AND d.actual_on IS NOT NULL",
    )
    .bind(project)
    .bind(&stages)
    .bind(draft.planned.to_vec())
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM project_stage_dates d USING unnest($2::text[], $3::date[]) AS x(s, pd)
         WHERE d.project_id = $1 AND d.stage = x.s AND x.pd IS NULL AND d.actual_on IS NULL",
    )
    .bind(project)
    .bind(&stages)
    .bind(draft.planned.to_vec())
    .execute(conn)
    .await?;
    Ok(())
}

pub enum Advanced {
    Done,
    Conflict,
}

/// Moves the project to `stage`, reached on `on` (rules checked by the caller).
pub async fn advance_stage(
    pool: &PgPool,
    id: Uuid,
    version: i32,
    stage: Stage,
    on: NaiveDate,
    actor: Actor<'_>,
) -> Result<Advanced, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let before: Option<(String, i32)> = sqlx::query_as("SELECT stage, version FROM projects WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((old_stage, current_version)) = before else {
        tx.rollback().await?;
        return Err(sqlx::Error::RowNotFound);
    };
    if current_version != version {
        tx.rollback().await?;
        return Ok(Advanced::Conflict);
    }
    sqlx::query("UPDATE projects SET stage = $2, version = version + 1, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(stage.as_str())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO project_stage_dates (project_id, stage, actual_on) VALUES ($1, $2, $3)
         ON CONFLICT (project_id, stage) DO UPDATE SET actual_on = EXCLUDED.actual_on",
    )
    .bind(id)
    .bind(stage.as_str())
    .bind(on)
    .execute(&mut *tx)
    .await?;
    record(
        &mut tx,
        actor,
        "project.stage",
        id,
        Some(json!({ "stage": old_stage })),
        Some(json!({ "stage": stage, "actual_on": on })),
    )
    .await?;
    tx.commit().await?;
    Ok(Advanced::Done)
}

async fn record(
    conn: &mut PgConnection,
    actor: Actor<'_>,
    action: &str,
    project: Uuid,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), sqlx::Error> {
    audit::record(
        conn,
        Entry {
            actor,
            action,
            entity: "project",
            entity_id: Some(project),
            project_id: Some(project),
            before,
            after,
        },
    )
    .await
}

/// Which of `names` (as task forces are named after their projects) and `codes` are taken.
pub async fn taken_names_and_codes(
    pool: &PgPool,
    names: &[String],
    codes: &[String],
) -> Result<(Vec<String>, Vec<String>), sqlx::Error> {
    // Two projects of one name would be told apart by no one; the task force, named after its
    // project, must be unique as well.
    let names = sqlx::query_scalar(
        "SELECT n FROM unnest($1::text[]) AS n
         WHERE EXISTS (SELECT 1 FROM projects p WHERE p.name = n)
            OR EXISTS (SELECT 1 FROM task_forces f WHERE f.name = n || '专班')",
    )
    .bind(names)
    .fetch_all(pool)
    .await?;
    let codes = sqlx::query_scalar("SELECT investment_code FROM projects WHERE investment_code = ANY($1)")
        .bind(codes)
        .fetch_all(pool)
        .await?;
    Ok((names, codes))
}
