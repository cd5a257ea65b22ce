//! Projects in JSON.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Body, Object};
use crate::app;
use crate::auth::{CurrentUser, policy};
use crate::db::projects::{self, ProjectSummary};
use crate::domain::input::FieldErrors;
use crate::domain::investment::Decider;
use crate::domain::lifecycle::Stage;
use crate::domain::project::ProjectFields;
use crate::domain::status::Colour;
use crate::web::AppState;
use crate::web::context::RequestContext;
use crate::web::error::AppResult;
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

/// The projects the caller may see, worst first, with their figures as of the status engine's last
/// run (it runs within a second of any change; `GET /api/v1/projects/{id}` counts one project live).
#[utoipa::path(get, tag = "projects", operation_id = "projects_list", path = "/api/v1/projects", responses((status = 200, body = [ProjectListEntry])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
) -> AppResult<Json<Vec<ProjectListEntry>>> {
    let settings = ctx.settings(&state.db).await?;
    let (today, th) = (settings.today(), settings.thresholds());
    let rows = ctx.listed_projects(&state, policy::project_scope(&user)).await?.all();
    Ok(Json(
        rows.into_iter()
            .map(|p| ProjectListEntry {
                status: p.overall(today, th).0,
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
pub struct StatusOverride {
    status: Colour,
    reason: String,
    /// Its last day.
    until: NaiveDate,
    /// Who set it.
    by: Option<String>,
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
    /// The worse of the checklist's colour and the investment's, or an official's setting while it lasts.
    status: Colour,
    /// The worse of the checklist's colour and the investment's, whatever an official set.
    computed_status: Colour,
    /// An official's setting of the colour, while it lasts.
    status_override: Option<StatusOverride>,
    /// Why the project has its colour, in the caller's language.
    status_reason: String,
    /// The colour of its open items alone.
    checklist_status: Colour,
    /// Its investment against the time line, as judged today; null without a plan (or when the
    /// county does not count investment in colours).
    investment_status: Option<Colour>,
    open_items: i64,
    red_items: i64,
    yellow_items: i64,
    task_force: TaskForce,
}

/// One project, if the caller may see it (404 otherwise, whether or not it exists).
#[utoipa::path(get, tag = "projects", operation_id = "projects_show", path = "/api/v1/projects/{id}",
    params(("id" = Uuid, Path, description = "project id")),
    responses((status = 200, body = Project), (status = 404, description = "no such project for this caller"))
)]
pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<Project>> {
    project_json(&state, &ctx, &user, id).await.map(Json)
}

async fn project_json(state: &AppState, ctx: &RequestContext, user: &CurrentUser, id: Uuid) -> AppResult<Project> {
    let settings = ctx.settings(&state.db).await?;
    let (today, th) = (settings.today(), settings.thresholds());
    let mut p: ProjectSummary = crate::app::projects::visible(&state.db, &settings, user, id).await?;
    p.investment = crate::app::investment::panel(&mut *state.db.acquire().await?, &settings, id)
        .await?
        .judged;
    let member_units = projects::task_force_people(&state.db, id).await?.member_units;
    let row = crate::web::rows::ProjectRow::from_summary(&p, ctx.t(), today, th);
    let overridden = p.overall(today, th).1 == Decider::Override;
    let status_override = p
        .colour_set()
        .filter(|_| overridden)
        .map(|(status, until)| StatusOverride {
            status,
            reason: p.override_reason.clone().unwrap_or_default(),
            until,
            by: p.override_by.clone(),
        });
    Ok(Project {
        computed_status: p.computed(today, th).0,
        status_override,
        status: row.colour,
        status_reason: row.reason,
        checklist_status: p.colour(today, th),
        investment_status: p.investment.map(|j| j.colour),
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
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTaskForce {
    /// The group leader (组长), a county leader.
    #[schema(max_length = 100, pattern = r"^[^\u0000]*$")]
    leader: Option<String>,
    /// The lead unit's code.
    #[schema(pattern = r"^[a-z0-9][a-z0-9_-]{0,31}$")]
    lead_unit: String,
    /// The member units' codes.
    #[serde(default)]
    member_units: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 200
    )]
    name: String,
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 200
    )]
    company: String,
    #[schema(max_length = 100, pattern = r"^[^\u0000]*$")]
    park: Option<String>,
    #[schema(max_length = 100, pattern = r"^[^\u0000]*$")]
    industry: Option<String>,
    /// National investment project code (项目代码), 24 characters; empty for none (white space
    /// around it is trimmed).
    #[schema(
        pattern = r"^[\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*([0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6}[\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*)?$"
    )]
    investment_code: Option<String>,
    /// Total investment in 10,000 yuan (万元).
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    #[serde(default, deserialize_with = "super::whole::optional")]
    total_investment: Option<i64>,
    stage: Option<Stage>,
    #[schema(max_length = 5000, pattern = r"^[^\u0000]*$")]
    description: Option<String>,
    task_force: NewTaskForce,
}

/// Creates a project with its task force (officials).
#[utoipa::path(post, tag = "projects", operation_id = "projects_create", path = "/api/v1/projects", request_body = NewProject,
    responses((status = 201, body = Project), (status = 403), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Json(Object(new)): Body<NewProject>,
) -> AppResult<(StatusCode, Json<Project>)> {
    let fields = ProjectFields {
        name: new.name,
        company: new.company,
        park: new.park.unwrap_or_default(),
        industry: new.industry.unwrap_or_default(),
        investment_code: new.investment_code.unwrap_or_default(),
        total_investment: new.total_investment.map(|n| n.to_string()).unwrap_or_default(),
        stage: new.stage.map(|s| s.as_str().to_string()).unwrap_or_default(),
        description: new.description.unwrap_or_default(),
        leader_name: new.task_force.leader.unwrap_or_default(),
        lead_unit: new.task_force.lead_unit,
        member_units: new.task_force.member_units,
        planned: Default::default(),
    };
    match app::projects::create(&state.db, &user, &fields, &[], &[]).await? {
        Ok(id) => Ok((StatusCode::CREATED, Json(project_json(&state, &ctx, &user, id).await?))),
        Err(errors) => Err(super::invalid(&errors, &ctx)),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStatusOverride {
    status: Colour,
    /// Why (a leader's judgement); shown wherever the colour shows.
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 1000
    )]
    reason: String,
    /// `YYYY-MM-DD`, today or later: its last day.
    #[schema(format = Date, pattern = r"^(199[0-9]|2[01][0-9]{2}|2200)-")]
    until: String,
}

/// Sets a project's colour by hand through a day with a reason (officials); the computed colour
/// stays beside it (`computed_status`) and returns after the day. Replaces a setting it had.
#[utoipa::path(post, tag = "projects", operation_id = "projects_override", path = "/api/v1/projects/{id}/override",
    params(("id" = Uuid, Path)), request_body = NewStatusOverride,
    responses((status = 200, body = Project), (status = 403), (status = 404), (status = 422)))]
pub async fn set_override(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(Object(o)): Body<NewStatusOverride>,
) -> AppResult<Json<Project>> {
    let settings = ctx.settings(&state.db).await?;
    let typed = Some((o.status.as_str(), o.reason.as_str(), o.until.as_str()));
    if let Err(errors) = app::projects::set_colour(&state.db, &settings, &user, id, typed).await? {
        let named = errors
            .0
            .into_iter()
            .map(|(f, p)| (if f == "colour" { "status" } else { f }, p));
        return Err(super::invalid(&FieldErrors(named.collect()), &ctx));
    }
    project_json(&state, &ctx, &user, id).await.map(Json)
}

/// Lifts an official's setting of the project's colour: the computed colour shows again.
#[utoipa::path(delete, tag = "projects", operation_id = "projects_lift_override", path = "/api/v1/projects/{id}/override",
    params(("id" = Uuid, Path)), responses((status = 200, body = Project), (status = 403), (status = 404)))]
pub async fn lift_override(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<Project>> {
    let settings = ctx.settings(&state.db).await?;
    let _ = app::projects::set_colour(&state.db, &settings, &user, id, None).await?;
    project_json(&state, &ctx, &user, id).await.map(Json)
}
