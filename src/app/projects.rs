//! Projects: seeing one, and the officials' actions on them (create with a task force and an
//! optional checklist, edit, advance the stage, link an investor's account, set its colour by hand).

use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::policy;
use crate::db::audit::Actor;
use crate::db::investors;
use crate::db::project_edits::{self, Advanced, EditableProject, Saved};
use crate::db::projects::{self, ProjectSummary};
use crate::db::settings::Settings;
use crate::domain::access::CurrentUser;
use crate::domain::adjustment;
use crate::domain::input::{self, FieldErrors, Problem};
use crate::domain::lifecycle::Stage;
use crate::domain::project::{self, ProjectDraft, ProjectFields};
use crate::domain::sheet::SheetItem;
use crate::error::{AppError, AppResult};

/// The project with its figures as of the county's today, if the user may see it (404 otherwise).
pub async fn visible(db: &PgPool, settings: &Settings, user: &CurrentUser, id: Uuid) -> AppResult<ProjectSummary> {
    projects::find_visible(
        db,
        policy::project_scope(user),
        id,
        settings.today(),
        settings.thresholds(),
    )
    .await?
    .ok_or(AppError::NotFound)
}

/// The project to manage: 404 when the user may not even see it (so its existence stays
/// private), 403 when they see it but may not manage it.
pub async fn managed(db: &PgPool, user: &CurrentUser, id: Uuid) -> AppResult<EditableProject> {
    if !policy::may_manage_projects(user) {
        let visible = projects::is_visible(db, policy::project_scope(user), id).await?;
        return Err(if visible {
            AppError::Forbidden
        } else {
            AppError::NotFound
        });
    }
    let mut conn = db.acquire().await?;
    project_edits::editable(&mut conn, id, false)
        .await?
        .ok_or(AppError::NotFound)
}

/// Creates a project with its task force, its liaisons and a first checklist (officials).
pub async fn create(
    db: &PgPool,
    user: &CurrentUser,
    values: &ProjectFields,
    liaisons: &[Uuid],
    checklist: &[SheetItem],
) -> AppResult<Result<Uuid, FieldErrors>> {
    if !policy::may_manage_projects(user) {
        return Err(AppError::Forbidden);
    }
    let draft = match ProjectDraft::parse(values) {
        Ok(draft) => draft,
        Err(errors) => return Ok(Err(errors)),
    };
    match project_edits::create(db, &draft, liaisons, checklist, Actor::User(user.id), Some(user.id)).await? {
        Saved::Done(id) => Ok(Ok(id)),
        Saved::Invalid(errors) => Ok(Err(errors)),
        Saved::Conflict(_) => Err(AppError::Internal(anyhow::anyhow!("a new project cannot conflict"))),
    }
}

/// Edits a project from `version`: done, refused with field problems, or a conflict with the
/// project as it is now (nothing changed).
pub async fn update(
    db: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    version: i32,
    values: &ProjectFields,
    liaisons: &[Uuid],
) -> AppResult<Saved> {
    managed(db, user, id).await?;
    match ProjectDraft::parse(values) {
        Ok(draft) => Ok(project_edits::update(db, id, version, &draft, liaisons, Actor::User(user.id)).await?),
        Err(errors) => Ok(Saved::Invalid(errors)),
    }
}

/// What became of moving a project to a later stage.
pub enum Advance {
    Done,
    Refused(Problem),
    /// The project changed since `version`; nothing was changed.
    Conflict,
}

/// Moves the project to the stage typed, reached on the date typed, from `version`.
pub async fn advance(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    id: Uuid,
    version: i32,
    stage: &str,
    date: &str,
) -> AppResult<Advance> {
    let current = managed(db, user, id).await?;
    let Some(target) = Stage::parse(stage.trim()) else {
        return Ok(Advance::Refused(Problem::UnknownChoice));
    };
    let on = match input::date(date) {
        Ok(on) => on,
        Err(p) => return Ok(Advance::Refused(p)),
    };
    if let Err((_, p)) = project::check_advance(current.stage, target, on, settings.today()) {
        return Ok(Advance::Refused(p));
    }
    Ok(
        match project_edits::advance_stage(db, id, version, target, on, Actor::User(user.id)).await? {
            Advanced::Done => Advance::Done,
            Advanced::Conflict => Advance::Conflict,
        },
    )
}

/// Sets the project's colour by hand through a day with a reason (officials; `colour`, `reason`
/// and `until` in the problems), or lifts the setting (`None`).
pub async fn set_colour(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    id: Uuid,
    typed: Option<(&str, &str, &str)>,
) -> AppResult<Result<(), FieldErrors>> {
    visible(db, settings, user, id).await?;
    if !policy::may_adjust_standings(user) {
        return Err(AppError::Forbidden);
    }
    let set = match typed.map(|(c, r, u)| adjustment::parse_override(c, r, u, settings.today())) {
        Some(Err(errors)) => return Ok(Err(errors)),
        Some(Ok(set)) => Some(set),
        None => None,
    };
    projects::set_colour(db, id, set.as_ref().map(|(c, a)| (*c, a)), user.id).await?;
    Ok(Ok(()))
}

/// Links (or unlinks) an investor's account to the project: `false` when there is no investor
/// of that name.
pub async fn link_investor(db: &PgPool, user: &CurrentUser, id: Uuid, username: &str, linked: bool) -> AppResult<bool> {
    managed(db, user, id).await?;
    Ok(investors::set_investor_link(db, id, username.trim(), linked, user.id).await?)
}
