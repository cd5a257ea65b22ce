//! The verifiers' queue: items their responsible units submitted as done, waiting longest first,
//! with those waiting more than two working days flagged.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::layout::Layout;
use super::rows::ItemRow;
use crate::auth::{CurrentUser, policy};
use crate::db::items;
use crate::domain::status::ItemState;

/// More than a county ever has waiting; the page stays bounded.
const LIMIT: i64 = 500;

#[derive(Template, WebTemplate)]
#[template(path = "items/verifications.html")]
pub struct VerificationsPage {
    layout: Layout,
    rows: Vec<ItemRow>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
) -> AppResult<VerificationsPage> {
    if !policy::may_verify_somewhere(&user) {
        return Err(AppError::Forbidden);
    }
    let settings = ctx.settings(&state.db).await?;
    let waiting = items::awaiting_verification(&state.db, policy::project_scope(&user), LIMIT).await?;
    let t = ctx.t();
    Ok(VerificationsPage {
        layout: Layout::new(&ctx),
        rows: waiting
            .iter()
            .map(|i| {
                ItemRow::new(
                    &items::Line::from(i),
                    t,
                    settings.today(),
                    settings.thresholds(),
                    &settings.service_level().calendar,
                )
            })
            .collect(),
    })
}
