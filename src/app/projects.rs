//! Projects as the caller may see them.

use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::policy;
use crate::db::projects::{self, ProjectSummary};
use crate::db::settings::Settings;
use crate::domain::access::CurrentUser;
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
