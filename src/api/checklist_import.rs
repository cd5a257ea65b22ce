//! Importing a checklist from a spreadsheet through the API: the same whole-file check as the
//! import page; `?dry_run=true` answers what would be created.

use axum::Json;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::app::imports::check_file;
use crate::auth::CurrentUser;
use crate::db::audit::Actor;
use crate::db::items;
use crate::domain::checklist::Category;
use crate::domain::evidence::MAX_ATTACHMENT_BYTES;
use crate::domain::sheet::SheetItem;
use crate::domain::status::ItemState;
use crate::web::AppState;
use crate::web::context::RequestContext;
use crate::web::error::AppResult;
use crate::web::extract::IdPath;
use crate::web::upload;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Check the file and answer what would be created, creating nothing.
    pub dry_run: Option<bool>,
    /// Create only the items the sheet's 状态 column gives as open (done and cancelled ones are
    /// otherwise created closed, as the sheet gives them).
    pub open_only: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportedItem {
    /// The item's row in the sheet (the header is row 1, or the row it is on).
    row: usize,
    title: String,
    /// The responsible unit's code.
    responsible_unit: String,
    deadline: NaiveDate,
    category: Category,
    note: Option<String>,
    /// As the sheet's 状态 column gives it (`open` when it has none).
    state: ItemState,
    /// When a closed item was closed, where the sheet's 销号日期 says.
    closed_on: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    /// Items created (0 on a dry run).
    created: u64,
    dry_run: bool,
    /// The items of the file created (or that would be), in order.
    items: Vec<ImportedItem>,
    /// The items of the file whose matter the checklist has already (not created again).
    skipped: Vec<ImportedItem>,
}

#[derive(Serialize, ToSchema)]
pub struct RowErrorJson {
    row: usize,
    /// The field: for checklists `title`, `responsible_unit`, `deadline`, `note`, `category`; `file`.
    field: String,
    message: String,
}

impl RowErrorJson {
    pub fn new(row: usize, field: &str, message: String) -> RowErrorJson {
        RowErrorJson {
            row,
            field: field.to_string(),
            message,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ImportRejected {
    error: String,
    message: String,
    /// The file's problems, row by row (nothing was imported).
    errors: Option<Vec<RowErrorJson>>,
    /// A form part the operation does not take, named.
    fields: Option<std::collections::HashMap<String, String>>,
}

/// The upload: an XLSX, XLS or CSV file in the multipart field `file`.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the request body for the OpenAPI document only.
#[serde(deny_unknown_fields)]
pub struct ChecklistFile {
    /// Columns 事项, 责任单位, 完成期限 (2026-03-01, 2026/3/1, 2026年3月1日 or date cells), optionally
    /// 备注 and 类别; English headers (matter, unit, deadline, note, category) too.
    #[schema(value_type = String, format = Binary, min_length = 1)]
    file: Vec<u8>,
}

/// Imports a checklist into a project (officials, and leads of its task force). The file is
/// checked as a whole first: any bad row rejects it with every problem listed, creating nothing.
#[utoipa::path(post, tag = "checklist_import", operation_id = "checklist_import", path = "/api/v1/projects/{id}/items/import", params(("id" = Uuid, Path), ImportQuery),
    request_body(content = ChecklistFile, content_type = "multipart/form-data"),
    responses((status = 201, body = ImportResult), (status = 200, description = "dry run", body = ImportResult),
              (status = 403), (status = 404), (status = 413), (status = 422, body = ImportRejected)))]
pub async fn import(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    Query(q): Query<ImportQuery>,
    multipart: Multipart,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    crate::app::items::checklist_project(&state.db, &settings, &user, id).await?;
    let form = upload::read(multipart, MAX_ATTACHMENT_BYTES).await?;
    super::known_parts(&form, &[], &ctx)?;
    let dry_run = q.dry_run.unwrap_or(false);
    let found = match check_file(&state.db, &settings, form.file.map(|(_, b)| b)).await? {
        Ok(found) => found,
        Err(errors) => {
            let t = ctx.t();
            let errors: Vec<RowErrorJson> = t
                .report(&errors)
                .into_iter()
                .zip(&errors)
                .map(|(r, e)| RowErrorJson::new(r.row, e.field, r.message))
                .collect();
            let body = json!({ "error": "validation", "message": t.sheets.import_rejected, "errors": errors });
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
        }
    };
    let chosen: Vec<SheetItem> = found
        .into_iter()
        .filter(|i| !q.open_only.unwrap_or(false) || i.state == ItemState::Open)
        .collect();
    // A matter already on the checklist is skipped, however often a sheet is imported.
    let lacking = items::lacking(&mut *state.db.acquire().await?, id, &chosen).await?;
    let (new, skipped): (Vec<_>, Vec<_>) = chosen.into_iter().zip(lacking).partition(|(_, add)| *add);
    let new: Vec<SheetItem> = new.into_iter().map(|(i, _)| i).collect();
    let created = if dry_run {
        0
    } else {
        let closed_as = ctx.t().sheets.import_closed_as;
        items::create_missing(&state.db, id, &new, closed_as, Actor::User(user.id), Some(user.id)).await?
    };
    let json = |i: SheetItem| ImportedItem {
        row: i.row,
        title: i.title,
        responsible_unit: i.unit_code,
        deadline: i.deadline,
        category: i.category,
        note: i.note,
        state: i.state,
        closed_on: i.closed_on,
    };
    let result = ImportResult {
        created,
        dry_run,
        items: new.into_iter().map(json).collect(),
        skipped: skipped.into_iter().map(|(i, _)| json(i)).collect(),
    };
    let status = if dry_run { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(result)).into_response())
}
