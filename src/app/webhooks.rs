//! Group-robot webhooks: adding one (its unit must exist), replacing its address, switching one
//! on or off (admins).

use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::policy;
use crate::db::audit::Actor;
use crate::db::units;
use crate::db::webhooks::{self, NewWebhook};
use crate::domain::access::CurrentUser;
use crate::domain::input::{FieldErrors, Problem, optional_text};
use crate::domain::notification::{WebhookDraft, webhook_url};
use crate::error::{AppError, AppResult};

fn require(user: &CurrentUser) -> AppResult<()> {
    if policy::may_change_webhooks(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Adds a webhook as typed (parsed by [`WebhookDraft::parse`]).
pub async fn create(
    db: &PgPool,
    user: &CurrentUser,
    draft: Result<WebhookDraft, FieldErrors>,
) -> AppResult<Result<Uuid, FieldErrors>> {
    require(user)?;
    let (draft, unit_id) = match checked(db, draft).await? {
        Ok(ok) => ok,
        Err(errors) => return Ok(Err(errors)),
    };
    let new = NewWebhook {
        url: &draft.url,
        format: draft.format,
        message: draft.message,
        unit_id,
        secret: draft.secret.as_deref(),
    };
    Ok(Ok(webhooks::create(db, new, Actor::User(user.id), Some(user.id)).await?))
}

/// Replaces a webhook's address (and its signing secret, when one is typed).
pub async fn set_address(
    db: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    url: &str,
    secret: &str,
) -> AppResult<Result<(), FieldErrors>> {
    require(user)?;
    let mut errors = FieldErrors::default();
    let url = webhook_url(url).map_err(|p| errors.add("url", p)).ok();
    let secret = optional_text(secret, 200).map_err(|p| errors.add("secret", p)).ok();
    let (Some(url), Some(secret)) = (url, secret) else {
        return Ok(Err(errors));
    };
    if !webhooks::set_address(db, id, &url, secret.as_deref(), Actor::User(user.id)).await? {
        return Err(AppError::NotFound);
    }
    Ok(Ok(()))
}

/// Switches a webhook on or off (404 for one that does not exist).
pub async fn set_active(db: &PgPool, user: &CurrentUser, id: Uuid, active: bool) -> AppResult<()> {
    require(user)?;
    if !webhooks::set_active(db, id, active, Actor::User(user.id)).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Checks a webhook and resolves its unit.
async fn checked(
    db: &PgPool,
    draft: Result<WebhookDraft, FieldErrors>,
) -> AppResult<Result<(WebhookDraft, Option<Uuid>), FieldErrors>> {
    let mut errors = FieldErrors::default();
    let unit_code = draft.as_ref().ok().and_then(|d| d.unit.clone());
    let unit = match unit_code {
        Some(code) => match units::by_code(db, &code).await? {
            Some(u) => Some(u.id),
            None => {
                errors.add("unit", Problem::UnknownUnit);
                None
            }
        },
        None => None,
    };
    Ok(match draft {
        Ok(d) if errors.is_empty() => Ok((d, unit)),
        Ok(_) => Err(errors),
        Err(e) => Err(e),
    })
}
