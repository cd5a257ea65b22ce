//! Units in JSON.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Body, Object};
use crate::auth::CurrentUser;
use crate::db::units::{self};
use crate::web::AppState;
use crate::web::context::RequestContext;
use crate::web::error::AppResult;

#[derive(Serialize, ToSchema)]
pub struct Unit {
    code: String,
    name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    /// Short code used in URLs: lowercase letters, digits, `_`, `-`.
    #[schema(pattern = r"^[a-z0-9][a-z0-9_-]{0,31}$")]
    code: String,
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 100
    )]
    name: String,
}

/// Every unit.
#[utoipa::path(get, tag = "units", operation_id = "units_list", path = "/api/v1/units", responses((status = 200, body = [Unit])))]
pub async fn list(State(state): State<AppState>, _user: CurrentUser) -> AppResult<Json<Vec<Unit>>> {
    let all = units::all(&state.db).await?;
    Ok(Json(
        all.into_iter()
            .map(|u| Unit {
                code: u.code,
                name: u.name,
            })
            .collect(),
    ))
}

/// Adds a unit (admins and officials).
#[utoipa::path(post, tag = "units", operation_id = "units_create", path = "/api/v1/units", request_body = NewUnit,
    responses((status = 201, body = Unit), (status = 403), (status = 422, description = "invalid or taken code or name")))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Json(Object(new)): Body<NewUnit>,
) -> AppResult<(StatusCode, Json<Unit>)> {
    match crate::app::units::create(&state.db, &user, &new.code, &new.name).await? {
        Ok(u) => Ok((
            StatusCode::CREATED,
            Json(Unit {
                code: u.code,
                name: u.name,
            }),
        )),
        Err(errors) => Err(super::invalid(&errors, &ctx)),
    }
}
