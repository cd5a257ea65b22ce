//! Group-robot webhooks: checking one as typed (its unit must exist).

use sqlx::PgPool;
use uuid::Uuid;

use crate::db::units;
use crate::domain::input::{FieldErrors, Problem};
use crate::domain::notification::WebhookDraft;
use crate::error::AppResult;

/// Checks a webhook and resolves its unit.
pub async fn checked(
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
