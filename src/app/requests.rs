//! Investors' requests (诉求): raised by the project's investor; triaged by an official or a lead of the
//! project's task force — accepted as a checklist item, or declined with a reason — and the
//! investor's rating once it is resolved.

use sqlx::PgPool;
use uuid::Uuid;

use super::items;
use crate::auth::policy;
use crate::db::projects::ProjectSummary;
use crate::db::requests::{self, Request, Triaged};
use crate::db::settings::Settings;
use crate::domain::access::CurrentUser;
use crate::domain::checklist::{ItemFields, Source};
use crate::domain::input::FieldErrors;
use crate::domain::request::{self, RequestDraft, RequestFields};
use crate::error::{AppError, AppResult};

/// The project the user may raise a request on (its investor): 404 when they do not see it, 403
/// when they are not an investor.
pub async fn requesting_project(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    project: Uuid,
) -> AppResult<ProjectSummary> {
    let seen = super::projects::visible(db, settings, user, project).await?;
    if !policy::may_raise_request(user) {
        return Err(AppError::Forbidden);
    }
    Ok(seen)
}

/// The investor raises a request on their project.
pub async fn raise(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    project: Uuid,
    typed: &RequestFields,
) -> AppResult<Result<Request, FieldErrors>> {
    requesting_project(db, settings, user, project).await?;
    match RequestDraft::parse(typed, settings.today()) {
        Ok(draft) => Ok(Ok(requests::create(db, project, user.id, &draft).await?)),
        Err(errors) => Ok(Err(errors)),
    }
}

/// A request the caller may see, with whether they belong to its project's task force.
pub struct Loaded {
    pub request: Request,
    pub on_task_force: bool,
}

/// The request if the user may see it (404 otherwise).
pub async fn load(db: &PgPool, user: &CurrentUser, id: Uuid) -> AppResult<Loaded> {
    let (request, on_task_force) = requests::find_visible(db, policy::project_scope(user), user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Loaded { request, on_task_force })
}

/// The request if the user may triage it: an official, or a lead of its project's task force.
pub async fn triageable(db: &PgPool, user: &CurrentUser, id: Uuid) -> AppResult<Loaded> {
    let loaded = load(db, user, id).await?;
    if !policy::may_edit_checklist(user, loaded.on_task_force) {
        return Err(AppError::Forbidden);
    }
    Ok(loaded)
}

/// Accepts a request from `version` (any pending one when `None`) as the item `values` makes of
/// it: the item and the request's new standing in one transaction.
pub async fn accept(
    db: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    version: Option<i32>,
    values: impl FnOnce(&Request) -> ItemFields,
) -> AppResult<Result<Triaged, FieldErrors>> {
    let request = triageable(db, user, id).await?.request;
    let checked = match items::check(db, &values(&request)).await? {
        Ok(checked) => checked,
        Err(errors) => return Ok(Err(errors)),
    };
    let item = checked.new_item(request.project_id, Source::InvestorRequest, None);
    let version = version.unwrap_or(request.version);
    Ok(Ok(requests::accept(db, id, version, item, user.id).await?.0))
}

/// Declines a request from `version` (any pending one when `None`) with the reason the investor
/// reads (`reason` in the problems).
pub async fn decline(
    db: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    version: Option<i32>,
    reason: &str,
) -> AppResult<Result<Triaged, FieldErrors>> {
    let request = triageable(db, user, id).await?.request;
    let reason = match request::decline_reason(reason) {
        Ok(reason) => reason,
        Err(p) => return Ok(Err(FieldErrors(vec![("reason", p)]))),
    };
    let version = version.unwrap_or(request.version);
    Ok(Ok(requests::decline(db, id, version, &reason, user.id).await?))
}

/// The investor rates the help, 1 to 5 with an optional comment: `Ok(None)` unless the request is
/// resolved and not rated yet.
pub async fn rate(
    db: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    rating: &str,
    comment: &str,
) -> AppResult<Result<Option<Request>, FieldErrors>> {
    load(db, user, id).await?;
    if !policy::may_rate_request(user) {
        return Err(AppError::Forbidden);
    }
    let (score, comment) = match request::rating(rating, comment) {
        Ok(rated) => rated,
        Err(errors) => return Ok(Err(errors)),
    };
    Ok(Ok(requests::rate(db, id, score, comment.as_deref(), user.id).await?))
}
