//! Projects in JSON.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::{CurrentUser, policy};
use crate::db::projects::{self, ProjectSummary};
use crate::db::settings;
use crate::domain::lifecycle::Stage;
use crate::domain::status::Colour;
use crate::web::context::RequestContext;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::IdPath;

#[derive(Serialize, ToSchema)]
pub struct ProjectListEntry {
    id: Uuid,
    name: String,
    company: String,
    stage: Stage,
    status: Colour,
    open_items: i64,
    red_items: i64,
    yellow_items: i64,
}

/// The projects the caller may see, worst first.
#[utoipa::path(get, path = "/api/v1/projects", responses((status = 200, body = [ProjectListEntry])))]
pub async fn list(
    State(state): State<crate::web::AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<ProjectListEntry>>> {
    let settings = settings::load(&state.db).await?;
    let (today, th) = (settings.today(), settings.thresholds());
    let rows = projects::list_visible(&state.db, policy::project_scope(&user), today, th).await?;
    Ok(Json(
        rows.into_iter()
            .map(|p| ProjectListEntry {
                status: p.colour(today, th),
                id: p.id,
                name: p.name,
                company: p.company,
                stage: p.stage,
                open_items: p.open_items,
                red_items: p.red_items,
                yellow_items: p.yellow_items,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct TaskForce {
    leader: Option<String>,
    lead_unit: Option<String>,
    member_units: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Project {
    id: Uuid,
    name: String,
    company: String,
    park: Option<String>,
    industry: Option<String>,
    investment_code: Option<String>,
    /// Total investment in 10,000 yuan (万元).
    total_investment_wan: Option<i64>,
    stage: Stage,
    status: Colour,
    /// Why the project has its colour, in the caller's language.
    status_reason: String,
    open_items: i64,
    red_items: i64,
    yellow_items: i64,
    task_force: TaskForce,
}

/// One project, if the caller may see it (404 otherwise, whether or not it exists).
#[utoipa::path(
    get, path = "/api/v1/projects/{id}",
    params(("id" = Uuid, Path, description = "project id")),
    responses((status = 200, body = Project), (status = 404, description = "no such project for this caller"))
)]
pub async fn show(
    State(state): State<crate::web::AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<Project>> {
    let settings = settings::load(&state.db).await?;
    let (today, th) = (settings.today(), settings.thresholds());
    let p: ProjectSummary =
        projects::find_visible(&state.db, policy::project_scope(&user), id, today, th)
            .await?
            .ok_or(AppError::NotFound)?;
    let member_units = projects::member_units(&state.db, id).await?;
    let row = crate::web::projects::ProjectRow::from_summary(&p, ctx.t(), today, th);
    Ok(Json(Project {
        status: row.colour,
        status_reason: row.reason,
        id: p.id,
        name: p.name,
        company: p.company,
        park: p.park,
        industry: p.industry,
        investment_code: p.investment_code,
        total_investment_wan: p.total_investment_wan,
        stage: p.stage,
        open_items: p.open_items,
        red_items: p.red_items,
        yellow_items: p.yellow_items,
        task_force: TaskForce {
            leader: p.leader_name,
            lead_unit: p.lead_unit,
            member_units,
        },
    }))
}
