//! A project's checklist as a CSV or XLSX download.

use axum::extract::State;
use axum::response::Response;
use uuid::Uuid;

use crate::auth::{CurrentUser, policy};
use crate::db::items;
use crate::web::AppState;
use crate::web::checklist_table::checklist_table;
use crate::web::context::RequestContext;
use crate::web::error::AppResult;
use crate::web::extract::IdPath;
use crate::web::spreadsheet::{self, FileFormat};

async fn export(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    id: Uuid,
    format: FileFormat,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    let project = crate::app::projects::visible(&state.db, &settings, user, id).await?;
    let list = items::of_project(&state.db, id).await?;
    let t = ctx.t();
    let table = checklist_table(
        &format!("{} {}", project.name, t.sheets.sheet_checklist),
        &list,
        t,
        &settings,
        policy::sees_internal(user),
        false,
    );
    spreadsheet::download(
        &table,
        format,
        &format!("{}-{}", project.name, t.sheets.sheet_checklist),
    )
}

/// A project's checklist as CSV (UTF-8 with BOM): 事项, 责任单位, 完成期限, 类别, 状态, 颜色, 销号日期, 备注.
#[utoipa::path(get, tag = "checklist_export", operation_id = "checklist_export_csv", tag = "items", path = "/api/v1/projects/{id}/items.csv", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the checklist", content_type = "text/csv"), (status = 404)))]
pub async fn export_csv(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    export(&state, &ctx, &user, id, FileFormat::Csv).await
}

/// A project's checklist as XLSX: a header row, dates as dates, colours as cell fills and words.
#[utoipa::path(get, tag = "checklist_export", operation_id = "checklist_export_xlsx", tag = "items", path = "/api/v1/projects/{id}/items.xlsx", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the checklist",
               content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404)))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    export(&state, &ctx, &user, id, FileFormat::Xlsx).await
}
