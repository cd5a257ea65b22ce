//! Evidence files through the API: the same checks as the item page (content-sniffed types,
//! 10 MB each, who may attach and who may download).

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::attachments;
use crate::auth::CurrentUser;
use crate::db::attachments::Attachment;
use crate::domain::evidence::MAX_ATTACHMENT_BYTES;
use crate::domain::input::Problem;
use crate::web::AppState;
use crate::web::context::RequestContext;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::IdPath;
use crate::web::files;
use crate::web::upload;

#[derive(Serialize, ToSchema)]
pub struct AttachmentJson {
    id: Uuid,
    name: String,
    /// Bytes.
    size: i32,
    /// Recognised from the file's content, not from its name.
    content_type: String,
    for_investor: bool,
}

impl From<Attachment> for AttachmentJson {
    fn from(a: Attachment) -> Self {
        AttachmentJson {
            id: a.id,
            name: a.name,
            size: a.size,
            content_type: a.content_type,
            for_investor: a.for_investor,
        }
    }
}

/// The multipart form of an upload.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the request body for the OpenAPI document only.
#[serde(deny_unknown_fields)]
pub struct AttachmentUpload {
    /// PDF, image (JPEG, PNG, GIF, WebP, HEIC) or Office document, up to 10 MB.
    #[schema(value_type = String, format = Binary, min_length = 1)]
    file: Vec<u8>,
    /// `true` to let the project's investor see it (leads and officials only).
    #[serde(default)]
    for_investor: bool,
}

/// Attaches evidence to an item (its responsible unit, the task force's leads, an official) while it is open.
#[utoipa::path(post, tag = "attachments", operation_id = "attachments_upload", path = "/api/v1/items/{id}/attachments", params(("id" = Uuid, Path)),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = AttachmentJson), (status = 403), (status = 404), (status = 409),
              (status = 413, description = "the file is larger than 10 MB"),
              (status = 422, description = "no file, or not an accepted type")))]
pub async fn upload(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    multipart: Multipart,
) -> AppResult<(StatusCode, Json<AttachmentJson>)> {
    let t = ctx.t();
    let loaded = attachments::attachable(&state.db, &user, id)
        .await?
        .map_err(|why| AppError::InvalidState(t.not_attached(why).into()))?;
    let form = upload::read(multipart, MAX_ATTACHMENT_BYTES).await?;
    super::known_parts(&form, &["for_investor"], &ctx)?;
    // The document says boolean: `true` or `false` (absent is false), nothing else.
    if !matches!(form.field("for_investor"), "" | "true" | "false") {
        return Err(AppError::Validation(vec![(
            "for_investor".into(),
            t.problem(Problem::UnknownChoice),
        )]));
    }
    let for_investor = form.flag("for_investor");
    let stored = attachments::attach(&state.db, &user, &loaded, form.file, for_investor)
        .await?
        .map_err(|why| AppError::Validation(vec![("file".into(), t.not_attached(why).to_string())]))?;
    Ok((StatusCode::CREATED, Json(stored.into())))
}

/// The attachments of an item the caller may see (investors: only those marked for them).
#[utoipa::path(get, tag = "attachments", operation_id = "attachments_list", path = "/api/v1/items/{id}/attachments", params(("id" = Uuid, Path)),
    responses((status = 200, body = [AttachmentJson]), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<Vec<AttachmentJson>>> {
    let all = attachments::of_item(&state.db, &user, id).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// The bytes of an attachment, as a download with its content type.
#[utoipa::path(get, tag = "attachments", operation_id = "attachments_download", path = "/api/v1/attachments/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 404)))]
pub async fn download(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> AppResult<Response> {
    let (attachment, bytes) = attachments::read(&state.db, &user, id).await?;
    files::download(&attachment.name, &attachment.content_type, bytes)
}
