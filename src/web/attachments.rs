//! Evidence files on an item: uploading (from a phone's browser too) and downloading them. A file
//! is accepted by what its bytes are, and always handed back as a download under a safe name.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;

use tower_sessions::Session;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::IdPath;
use super::files;
use super::flash;
use super::items::{Kept, rerender};
use super::upload;
use crate::app::attachments;
use crate::auth::CurrentUser;
use crate::domain::done::Done;
use crate::domain::evidence::MAX_ATTACHMENT_BYTES;
use crate::links;

/// The upload form of the item page.
pub async fn upload(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    multipart: Multipart,
) -> AppResult<Response> {
    let loaded = attachments::attachable(&state.db, &user, id)
        .await?
        .map_err(|why| AppError::InvalidState(ctx.t().not_attached(why).into()))?;
    let form = upload::read(multipart, MAX_ATTACHMENT_BYTES).await?;
    let for_investor = form.flag("for_investor");
    match attachments::attach(&state.db, &user, &loaded, form.file, for_investor).await? {
        Ok(_) => flash::done(&session, &(links::item(id) + "#evidence"), Done::EvidenceAdded).await,
        Err(why) => {
            let kept = Kept {
                form: "attach",
                text: String::new(),
                message: ctx.t().not_attached(why).to_string(),
            };
            rerender(&state, &ctx, &user, loaded, kept, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// Downloads an attachment the user may see.
pub async fn download(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> AppResult<Response> {
    let (attachment, bytes) = attachments::read(&state.db, &user, id).await?;
    files::download(&attachment.name, &attachment.content_type, bytes)
}
