//! The JSON API under `/api/v1`, with the same permissions as the pages, described by the
//! OpenAPI document at `/api/v1/openapi.json`.

pub mod attachments;
pub mod checklist_import;
pub mod items;
pub mod meetings;
pub mod notifications;
pub mod project_import;
pub mod projects;
pub mod requests;
pub mod standings;
pub mod units;

use axum::Json;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::domain::input::FieldErrors;
use crate::domain::role::Role;
use crate::web::context::RequestContext;
use crate::web::error::AppError;

#[derive(OpenApi)]
#[openapi(
    info(title = "Zhuanban API", description = "Project task forces (项目专班) for county key industrial projects."),
    paths(
        me,
        units::list,
        units::create,
        projects::list,
        projects::create,
        projects::show,
        items::list,
        items::create,
        items::show,
        items::patch,
        items::close,
        items::reopen,
        items::post_update,
        items::submit,
        items::verify,
        items::send_back,
        attachments::upload,
        attachments::list,
        attachments::download,
        checklist_import::import,
        project_import::import,
        crate::web::checklist_sheets::export_csv,
        crate::web::checklist_sheets::export_xlsx,
        standings::rankings,
        standings::dashboard,
        meetings::create,
        meetings::show,
        meetings::decide,
        meetings::publish,
        meetings::notice,
        requests::list,
        requests::create,
        requests::show,
        requests::accept,
        requests::decline,
        requests::rate,
        notifications::inbox,
        notifications::create,
        notifications::deliveries
    ),
    modifiers(&Security),
    security(("bearer" = []), ("session" = []))
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::web::SESSION_COOKIE))),
        );
    }
}

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    id: Uuid,
    username: String,
    display_name: String,
    role: Role,
    unit: Option<String>,
}

/// The caller's own account.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me), (status = 401, description = "not signed in")))]
pub async fn me(user: CurrentUser) -> Json<Me> {
    Json(Me {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        unit: user.unit_name,
    })
}

/// A 422 naming each bad field, in the caller's language.
pub fn invalid(errors: &FieldErrors, ctx: &RequestContext) -> AppError {
    let t = ctx.t();
    AppError::Validation(errors.0.iter().map(|(f, p)| (*f, t.problem(*p))).collect())
}
