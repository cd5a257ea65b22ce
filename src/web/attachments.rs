//! Evidence files on an item: uploading (from a phone's browser too) and downloading them. A file
//! is accepted by what its bytes are, and always handed back as a download under a safe name.

use axum::body::Body;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::IdPath;
use super::items::{Kept, load, rerender};
use super::upload;
use crate::auth::{CurrentUser, policy};
use crate::db::attachments::{self, Attachment, NewAttachment};
use crate::db::audit::Actor;
use crate::db::items::Item;
use crate::domain::checklist::Phase;
use crate::domain::evidence::{self, MAX_ATTACHMENT_BYTES};

/// Why an upload was refused, before anything was stored.
pub enum Refused {
    NoFile,
    UnknownType,
}

/// A checked evidence file, ready to store.
pub struct Evidence {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The item if the user may attach evidence to it (404 if they may not see it, 403 if they may not
/// work it, 409 once it is closed).
pub async fn attachable(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    id: uuid::Uuid,
) -> AppResult<(Item, bool)> {
    let (item, on_task_force) = load(state, user, id).await?;
    if !policy::may_work_item(user, on_task_force, item.responsible_unit_id) {
        return Err(AppError::Forbidden);
    }
    if !matches!(item.phase(), Phase::Open | Phase::Submitted) {
        return Err(AppError::InvalidState(ctx.t().item_not_allowed.into()));
    }
    Ok((item, on_task_force))
}

pub fn check(file: Option<(String, Vec<u8>)>) -> Result<Evidence, Refused> {
    let (raw_name, bytes) = file.ok_or(Refused::NoFile)?;
    if bytes.is_empty() {
        return Err(Refused::NoFile);
    }
    let content_type = evidence::sniff(&bytes).ok_or(Refused::UnknownType)?;
    let name = evidence::stored_name(&evidence::clean_name(&raw_name), content_type);
    Ok(Evidence {
        name,
        content_type,
        bytes,
    })
}

pub async fn store(
    state: &AppState,
    user: &CurrentUser,
    item: &Item,
    e: &Evidence,
    for_investor: bool,
) -> AppResult<Attachment> {
    let new = NewAttachment {
        name: &e.name,
        content_type: e.content_type,
        content: &e.bytes,
        for_investor,
    };
    Ok(attachments::add(&state.db, item, new, Actor::User(user.id), Some(user.id)).await?)
}

/// The upload form of the item page.
pub async fn upload(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    multipart: Multipart,
) -> AppResult<Response> {
    let (item, on_task_force) = attachable(&state, &ctx, &user, id).await?;
    let form = upload::read(multipart, MAX_ATTACHMENT_BYTES).await?;
    // Leads and officials decide what the investor sees; a unit's uploads stay internal.
    let for_investor = form.flag("for_investor") && policy::may_edit_checklist(&user, on_task_force);
    match check(form.file) {
        Ok(e) => {
            store(&state, &user, &item, &e, for_investor).await?;
            Ok(Redirect::to(&format!("/items/{id}#evidence")).into_response())
        }
        Err(refused) => {
            let t = ctx.t();
            let kept = Kept {
                form: "attach",
                text: String::new(),
                message: match refused {
                    Refused::NoFile => t.attachment_missing.to_string(),
                    Refused::UnknownType => t.attachment_bad_type.to_string(),
                },
            };
            rerender(
                &state,
                &ctx,
                &user,
                (item, on_task_force),
                kept,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// An attachment the user may see: its item must be visible to them, and an investor sees only
/// those marked for the investor. Anything else is 404, as if it did not exist.
pub async fn visible(state: &AppState, user: &CurrentUser, id: uuid::Uuid) -> AppResult<Attachment> {
    let attachment = attachments::find(&state.db, id).await?.ok_or(AppError::NotFound)?;
    load(state, user, attachment.item_id).await?;
    if !policy::sees_internal(user) && !attachment.for_investor {
        return Err(AppError::NotFound);
    }
    Ok(attachment)
}

/// Downloads an attachment (pages and API alike).
pub async fn download(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> AppResult<Response> {
    let attachment = visible(&state, &user, id).await?;
    let bytes = attachments::content(&state.db, id).await?;
    let disposition = HeaderValue::from_str(&evidence::content_disposition(&attachment.name))
        .map_err(|e| AppError::Internal(e.into()))?;
    let content_type = HeaderValue::from_str(&attachment.content_type).map_err(|e| AppError::Internal(e.into()))?;
    let mut response = Body::from(bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}
