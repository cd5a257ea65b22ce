//! The caller's to-do list in JSON: what waits for them, as their landing page shows it.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app;
use crate::auth::CurrentUser;
use crate::domain::todo::{Section, Target};
use crate::web::AppState;
use crate::web::context::RequestContext;
use crate::web::error::AppResult;

#[derive(Serialize, ToSchema)]
pub struct TodoEntry {
    title: String,
    project: String,
    /// The item it is about (sections of items).
    item_id: Option<Uuid>,
    /// The request it is about (sections of requests).
    request_id: Option<Uuid>,
    /// The project it is about (a month's report to file).
    project_id: Option<Uuid>,
    /// When it became the caller's turn, or its deadline.
    day: NaiveDate,
}

#[derive(Serialize, ToSchema)]
pub struct TodoSection {
    section: Section,
    /// The section in the caller's language.
    label: String,
    /// How many wait; `entries` holds the first few, earliest first.
    count: i64,
    entries: Vec<TodoEntry>,
}

/// What waits for the caller: per section of their role, the count and the first entries.
#[utoipa::path(get, tag = "todo", operation_id = "todo", path = "/api/v1/todo", responses((status = 200, body = [TodoSection])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
) -> AppResult<Json<Vec<TodoSection>>> {
    let settings = ctx.settings(&state.db).await?;
    let t = ctx.t();
    let parts = app::todo::of(&state.db, &state.todo, &settings, ctx.seen(), &user).await?;
    Ok(Json(
        parts
            .into_iter()
            .map(|p| TodoSection {
                section: p.section,
                label: t.todo_section(p.section).to_string(),
                count: p.count,
                entries: p
                    .entries
                    .into_iter()
                    .map(|e| {
                        let (item_id, request_id, project_id) = match p.section.target() {
                            Target::Item => (Some(e.target), None, None),
                            Target::Request => (None, Some(e.target), None),
                            Target::Project => (None, None, Some(e.target)),
                        };
                        TodoEntry {
                            title: e.title,
                            project: e.project,
                            item_id,
                            request_id,
                            project_id,
                            day: e.day,
                        }
                    })
                    .collect(),
            })
            .collect(),
    ))
}
