//! Notices (红黄色通报): who reads which, and publishing one (its content frozen as of today).

use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::policy;
use crate::db::audit::Actor;
use crate::db::notices::{self, NewNotice};
use crate::db::{items, recompute, settings, supervision};
use crate::domain::access::CurrentUser;
use crate::error::{AppError, AppResult};

/// Who reads which notices: officials and admins all of them; unit staff and leads those that
/// name their unit; investors none.
pub fn reader(user: &CurrentUser) -> AppResult<(bool, Option<Uuid>)> {
    if !policy::sees_internal(user) {
        return Err(AppError::NotFound);
    }
    Ok((policy::may_oversee_county(user), user.unit_id))
}

/// Publishes a notice over `project_ids` as of today, frozen; returns its id.
pub async fn publish(
    db: &PgPool,
    user: &CurrentUser,
    project_ids: &[Uuid],
    meeting: Option<Uuid>,
    title: &str,
    body: Option<&str>,
) -> AppResult<Uuid> {
    let settings = settings::load(db).await?;
    let (today, th) = (settings.today(), settings.thresholds());
    let overdue = items::overdue_of_projects(db, project_ids, today).await?;
    let mut conn = db.acquire().await?;
    let standings = recompute::standings(&mut conn, today, th, &settings.time_zone).await?;
    drop(conn);
    let size = settings.red_list_size.max(1) as usize;
    let mut content = notices::content(
        &settings.county_name,
        today,
        &overdue,
        &standings,
        project_ids,
        th,
        size,
    );
    let orders = supervision::for_notice(db, project_ids, today).await?;
    content.supervision = notices::supervision_section(&orders, today);
    // Every overdue item is yellow or red: the notice names each of their units.
    let mut unit_ids: Vec<Uuid> = overdue.iter().map(|i| i.responsible_unit_id).collect();
    unit_ids.sort();
    unit_ids.dedup();
    let new = NewNotice {
        title,
        body,
        meeting_id: meeting,
        content: &content,
        project_ids,
        unit_ids: &unit_ids,
    };
    let (id, _) = notices::publish(db, new, Actor::User(user.id), Some(user.id)).await?;
    Ok(id)
}
