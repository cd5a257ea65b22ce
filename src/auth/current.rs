//! The signed-in user of a request, loaded once per request by the context middleware.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Serialize;
use uuid::Uuid;

use crate::domain::role::Role;
use crate::web::context::RequestContext;
use crate::web::error::AppError;

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct CurrentUser {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub unit_id: Option<Uuid>,
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestContext>()
            .and_then(|ctx| ctx.user.clone())
            .ok_or(AppError::LoginRequired)
    }
}
