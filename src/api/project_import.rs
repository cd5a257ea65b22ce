//! Importing projects with their task forces from one sheet through the API, with the page's
//! whole-file check; `?dry_run=true` answers what would be created.

use axum::Json;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectsQuery {
    /// Check the file and answer what would be created, creating nothing.
    pub dry_run: Option<bool>,
}

use super::checklist_import::RowErrorJson;
use crate::app::imports::{check_rows, create_projects, file_problem};
use crate::app::sheet_read;
use crate::auth::{CurrentUser, policy};
use crate::domain::evidence::MAX_ATTACHMENT_BYTES;
use crate::domain::sheet::RowError;
use crate::web::AppState;
use crate::web::context::RequestContext;
use crate::web::error::{AppError, AppResult};
use crate::web::upload;

#[derive(Serialize, ToSchema)]
pub struct ProjectsImported {
    /// Projects created (0 on a dry run).
    created: u64,
    dry_run: bool,
    /// The projects' names, in the sheet's order.
    names: Vec<String>,
}

/// The upload: an XLSX, XLS or CSV file in the multipart field `file`.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the request body for the OpenAPI document only.
#[serde(deny_unknown_fields)]
pub struct ProjectsFile {
    /// Columns 项目名称, 企业, 牵头单位, optionally 项目代码, 园区, 行业, 总投资（万元）, 阶段, 组长,
    /// 成员单位 (separated by 、), 简介; or the field names (name, company, lead_unit...).
    #[schema(value_type = String, format = Binary, min_length = 1)]
    file: Vec<u8>,
}

/// Imports projects with their task forces (officials), all or none.
#[utoipa::path(post, tag = "project_import", operation_id = "projects_import", path = "/api/v1/projects/import", params(ProjectsQuery),
    request_body(content = ProjectsFile, content_type = "multipart/form-data"),
    responses((status = 201, body = ProjectsImported), (status = 200, description = "dry run", body = ProjectsImported),
              (status = 403), (status = 413), (status = 422, body = super::checklist_import::ImportRejected)))]
pub async fn import(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Query(q): Query<ProjectsQuery>,
    multipart: Multipart,
) -> AppResult<Response> {
    if !policy::may_manage_projects(&user) {
        return Err(AppError::Forbidden);
    }
    let form = upload::read(multipart, MAX_ATTACHMENT_BYTES).await?;
    super::known_parts(&form, &[], &ctx)?;
    let rows = sheet_read::read_upload(form.file.map(|(_, b)| b)).await;
    let dry_run = q.dry_run.unwrap_or(false);
    let rejected = |errors: Vec<RowError>| {
        let t = ctx.t();
        let list: Vec<RowErrorJson> = t
            .report(&errors)
            .into_iter()
            .zip(&errors)
            .map(|(r, e)| RowErrorJson::new(r.row, e.field, r.message))
            .collect();
        let body = json!({ "error": "validation", "message": t.sheets.import_rejected, "errors": list });
        (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
    };
    let rows = match rows {
        Ok(rows) => rows,
        Err(problem) => return Ok(rejected(vec![file_problem(problem)])),
    };
    let settings = ctx.settings(&state.db).await?;
    let drafts = match check_rows(&state.db, &settings, &rows).await? {
        Ok(d) => d,
        Err(errors) => return Ok(rejected(errors)),
    };
    let created = if dry_run {
        0
    } else {
        let mut tx = state.db.begin().await?;
        match create_projects(&mut tx, &user, &drafts).await? {
            Ok(n) => {
                tx.commit().await?;
                n
            }
            Err(errors) => return Ok(rejected(errors)),
        }
    };
    let result = ProjectsImported {
        created,
        dry_run,
        names: drafts.into_iter().map(|(_, d)| d.name).collect(),
    };
    let status = if dry_run { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(result)).into_response())
}
