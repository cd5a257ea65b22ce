//! Evidence on items: attaching a file (its responsible unit, the task force's leads, an official,
//! while the item is open or submitted) and reading one (whoever sees the item; an investor only
//! what is marked for them).

use sqlx::PgPool;
use uuid::Uuid;

use super::items::{self, Loaded};
use crate::auth::policy;
use crate::db::attachments::{self, Attachment, NewAttachment};
use crate::db::audit::Actor;
use crate::domain::access::CurrentUser;
use crate::domain::checklist::Phase;
use crate::domain::evidence::{self, NotAttached};
use crate::error::{AppError, AppResult};

/// The item if the user may attach evidence to it (404 if they may not see it, 403 if they may not
/// work it), or `Closed`: asked before the upload is read.
pub async fn attachable(db: &PgPool, user: &CurrentUser, id: Uuid) -> AppResult<Result<Loaded, NotAttached>> {
    let loaded = items::load(db, user, id).await?;
    if !policy::may_work_item(user, loaded.on_task_force, loaded.item.responsible_unit_id) {
        return Err(AppError::Forbidden);
    }
    if !matches!(loaded.item.phase(), Phase::Open | Phase::Submitted) {
        return Ok(Err(NotAttached::Closed));
    }
    Ok(Ok(loaded))
}

/// Stores `file` (its name as sent, and its bytes) on the item. Only leads and officials decide
/// what the investor sees: a unit's upload asked `for_investor` stays internal.
pub async fn attach(
    db: &PgPool,
    user: &CurrentUser,
    loaded: &Loaded,
    file: Option<(String, Vec<u8>)>,
    for_investor: bool,
) -> AppResult<Result<Attachment, NotAttached>> {
    let (raw_name, bytes) = match file {
        Some((name, bytes)) if !bytes.is_empty() => (name, bytes),
        _ => return Ok(Err(NotAttached::NoFile)),
    };
    let Some(content_type) = evidence::sniff(&bytes) else {
        return Ok(Err(NotAttached::UnknownType));
    };
    let name = evidence::stored_name(&evidence::clean_name(&raw_name), content_type);
    let new = NewAttachment {
        name: &name,
        content_type,
        content: &bytes,
        for_investor: for_investor && policy::may_edit_checklist(user, loaded.on_task_force),
    };
    let stored = attachments::add(db, &loaded.item, new, Actor::User(user.id), Some(user.id)).await?;
    Ok(Ok(stored))
}

/// An attachment the user may see, with its bytes: its item must be visible to them, and an
/// investor sees only those marked for the investor. Anything else is 404, as if it did not exist.
pub async fn read(db: &PgPool, user: &CurrentUser, id: Uuid) -> AppResult<(Attachment, Vec<u8>)> {
    let attachment = attachments::find(db, id).await?.ok_or(AppError::NotFound)?;
    items::load(db, user, attachment.item_id).await?;
    if !policy::sees_internal(user) && !attachment.for_investor {
        return Err(AppError::NotFound);
    }
    let bytes = attachments::content(db, id).await?;
    Ok((attachment, bytes))
}

/// The attachments of an item the user may see (investors: only those marked for them).
pub async fn of_item(db: &PgPool, user: &CurrentUser, id: Uuid) -> AppResult<Vec<Attachment>> {
    let loaded = items::load(db, user, id).await?;
    Ok(attachments::of_item(db, loaded.item.id, !policy::sees_internal(user)).await?)
}
