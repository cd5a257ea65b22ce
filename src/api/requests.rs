//! Investors' requests in JSON: raising them, triage into a checklist item or a decline, the
//! investor's rating. The same policy as the pages; investors see only their own projects' requests.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Body, Object};
use crate::app;
use crate::auth::{CurrentUser, policy};
use crate::db::requests::{self, Request, Triaged};
use crate::db::settings::Settings;
use crate::domain::checklist::{Category, ItemFields};
use crate::domain::input::{FieldErrors, Problem};
use crate::domain::request::{self, RequestFields, RequestState, Standing};
use crate::domain::status::ItemState;
use crate::web::AppState;
use crate::web::context::RequestContext;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::IdPath;

#[derive(Serialize, ToSchema)]
pub struct RequestItem {
    id: Uuid,
    title: Option<String>,
    responsible_unit: Option<String>,
    deadline: Option<NaiveDate>,
    state: Option<ItemState>,
}

#[derive(Serialize, ToSchema)]
pub struct RequestJson {
    id: Uuid,
    project_id: Uuid,
    title: String,
    body: Option<String>,
    category: Category,
    wished_date: Option<NaiveDate>,
    /// The triage decision.
    state: RequestState,
    /// Where it stands, following its item once accepted.
    standing: Standing,
    submitted_at: DateTime<Utc>,
    triaged_at: Option<DateTime<Utc>>,
    decline_reason: Option<String>,
    /// The checklist item an accepted request became.
    item: Option<RequestItem>,
    /// Working days waited for triage (so far, while pending).
    waited_working_days: i64,
    /// Whether it broke its service level (triage or resolution late).
    late: bool,
    rating: Option<i16>,
    rating_comment: Option<String>,
    version: i32,
}

fn to_json(r: Request, settings: &Settings) -> RequestJson {
    let timing = request::timing(
        r.state,
        r.dates(settings.tz()),
        settings.today(),
        settings.service_level(),
    );
    RequestJson {
        standing: r.standing(),
        id: r.id,
        project_id: r.project_id,
        title: r.title,
        body: r.body,
        category: r.category,
        wished_date: r.wished_on,
        state: r.state,
        submitted_at: r.created_at,
        triaged_at: r.triaged_at,
        decline_reason: r.decline_reason,
        item: r.item_id.map(|id| RequestItem {
            id,
            title: r.item_title,
            responsible_unit: r.item_unit,
            deadline: r.item_deadline,
            state: r.item_state.0,
        }),
        waited_working_days: timing.waited,
        late: timing.late(),
        rating: r.rating,
        rating_comment: r.rating_comment,
        version: r.version,
    }
}

async fn visible_project(state: &AppState, user: &CurrentUser, id: Uuid, settings: &Settings) -> AppResult<()> {
    app::projects::visible(&state.db, settings, user, id).await.map(|_| ())
}

/// How many requests one project's list returns.
const LIST_LIMIT: i64 = 1000;

/// A project's requests, pending ones first.
#[utoipa::path(get, tag = "requests", operation_id = "requests_list", path = "/api/v1/projects/{id}/requests", params(("id" = Uuid, Path)),
    responses((status = 200, body = [RequestJson]), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<Vec<RequestJson>>> {
    let settings = ctx.settings(&state.db).await?;
    visible_project(&state, &user, id, &settings).await?;
    let all = requests::list(&state.db, policy::project_scope(&user), Some(id), LIST_LIMIT).await?;
    Ok(Json(all.into_iter().map(|r| to_json(r, &settings)).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 200
    )]
    title: String,
    #[schema(max_length = 5000, pattern = r"^[^\u0000]*$")]
    body: Option<String>,
    /// `YYYY-MM-DD`, not in the past.
    #[schema(format = Date, pattern = r"^(199[0-9]|2[01][0-9]{2}|2200)-")]
    wished_date: Option<String>,
    /// One of the categories' codes; `other` when absent.
    #[schema(value_type = Option<Category>)]
    category: Option<String>,
}

/// Raises a request on one's own project (investors).
#[utoipa::path(post, tag = "requests", operation_id = "requests_create", path = "/api/v1/projects/{id}/requests", params(("id" = Uuid, Path)), request_body = NewRequest,
    responses((status = 201, body = RequestJson), (status = 403), (status = 404), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(Object(new)): Body<NewRequest>,
) -> AppResult<(StatusCode, Json<RequestJson>)> {
    let settings = ctx.settings(&state.db).await?;
    app::requests::requesting_project(&state.db, &settings, &user, id).await?;
    // A JSON date is a date or absent (null): an empty string is not one.
    if new.wished_date.as_deref().is_some_and(|d| d.trim().is_empty()) {
        return Err(super::invalid(
            &FieldErrors(vec![("wished_date", Problem::NotADate)]),
            &ctx,
        ));
    }
    let fields = RequestFields {
        title: new.title,
        body: new.body.unwrap_or_default(),
        wished_date: new.wished_date.unwrap_or_default(),
        category: new.category.unwrap_or_default(),
    };
    match app::requests::raise(&state.db, &settings, &user, id, &fields).await? {
        Ok(created) => Ok((StatusCode::CREATED, Json(to_json(created, &settings)))),
        Err(errors) => Err(super::invalid(&errors, &ctx)),
    }
}

/// One request.
#[utoipa::path(get, tag = "requests", operation_id = "requests_show", path = "/api/v1/requests/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = RequestJson), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<RequestJson>> {
    let settings = ctx.settings(&state.db).await?;
    let request = app::requests::load(&state.db, &user, id).await?.request;
    Ok(Json(to_json(request, &settings)))
}

fn triaged(outcome: Triaged, settings: &Settings) -> AppResult<Json<RequestJson>> {
    match outcome {
        Triaged::Done(r) => Ok(Json(to_json(r, settings))),
        Triaged::Conflict(r) => Err(AppError::Conflict(
            serde_json::to_value(to_json(r, settings)).map_err(anyhow::Error::from)?,
        )),
        Triaged::NotPending(_) => Err(AppError::InvalidState("the request has been triaged already".into())),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The responsible unit's code.
    #[schema(pattern = r"^[a-z0-9][a-z0-9_-]{0,31}$")]
    responsible_unit: String,
    /// `YYYY-MM-DD`.
    #[schema(format = Date, pattern = r"^(199[0-9]|2[01][0-9]{2}|2200)-")]
    deadline: String,
    /// The item's title; the request's own by default.
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 200
    )]
    title: Option<String>,
    /// One of the categories' codes; `other` when absent.
    #[schema(value_type = Option<Category>)]
    category: Option<String>,
    #[schema(max_length = 5000, pattern = r"^[^\u0000]*$")]
    note: Option<String>,
    /// The version triage is based on; without it, any pending version.
    #[serde(default, deserialize_with = "super::whole::optional")]
    version: Option<i32>,
}

/// Accepts a request: it becomes a checklist item (officials, and leads of its task force).
#[utoipa::path(post, tag = "requests", operation_id = "requests_accept", path = "/api/v1/requests/{id}/accept", params(("id" = Uuid, Path)), request_body = AcceptRequest,
    responses((status = 200, body = RequestJson), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn accept(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(Object(a)): Body<AcceptRequest>,
) -> AppResult<Json<RequestJson>> {
    let settings = ctx.settings(&state.db).await?;
    let fields = |request: &Request| ItemFields {
        title: a.title.unwrap_or_else(|| request.title.clone()),
        category: a.category.unwrap_or_else(|| request.category.as_str().into()),
        responsible_unit: a.responsible_unit,
        deadline: a.deadline,
        note: a.note.or_else(|| request.body.clone()).unwrap_or_default(),
        ..ItemFields::default()
    };
    let outcome = app::requests::accept(&state.db, &user, id, a.version, fields)
        .await?
        .map_err(|e| super::invalid(&e, &ctx))?;
    triaged(outcome, &settings)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineRequest {
    /// Why, in words the investor reads.
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 2000
    )]
    reason: String,
    #[serde(default, deserialize_with = "super::whole::optional")]
    version: Option<i32>,
}

/// Declines a request with a reason (officials, and leads of its task force).
#[utoipa::path(post, tag = "requests", operation_id = "requests_decline", path = "/api/v1/requests/{id}/decline", params(("id" = Uuid, Path)), request_body = DeclineRequest,
    responses((status = 200, body = RequestJson), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn decline(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(Object(d)): Body<DeclineRequest>,
) -> AppResult<Json<RequestJson>> {
    let settings = ctx.settings(&state.db).await?;
    let outcome = app::requests::decline(&state.db, &user, id, d.version, &d.reason)
        .await?
        .map_err(|e| super::invalid(&e, &ctx))?;
    triaged(outcome, &settings)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    /// 1 (poor) to 5 (excellent).
    #[schema(minimum = 1, maximum = 5)]
    #[serde(deserialize_with = "super::whole::int")]
    rating: i64,
    #[schema(max_length = 2000, pattern = r"^[^\u0000]*$")]
    comment: Option<String>,
}

/// Rates the help once the request is resolved (the project's investors; once).
#[utoipa::path(post, tag = "requests", operation_id = "requests_rate", path = "/api/v1/requests/{id}/rating", params(("id" = Uuid, Path)), request_body = Rating,
    responses((status = 200, body = RequestJson), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn rate(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(Object(r)): Body<Rating>,
) -> AppResult<Json<RequestJson>> {
    let settings = ctx.settings(&state.db).await?;
    let comment = r.comment.as_deref().unwrap_or_default();
    let rated = app::requests::rate(&state.db, &user, id, &r.rating.to_string(), comment)
        .await?
        .map_err(|e| super::invalid(&e, &ctx))?;
    match rated {
        Some(rated) => Ok(Json(to_json(rated, &settings))),
        None => Err(AppError::InvalidState(
            "only a resolved request can be rated, once".into(),
        )),
    }
}
