//! Meetings and notices in JSON, with the pages' permissions.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{ApiError, Body, Object};
use crate::app;
use crate::app::meetings::MeetingInput;
use crate::app::notices::Outcome as Publication;
use crate::auth::CurrentUser;
use crate::db::notices::{self, NoticeContent};
use crate::domain::checklist::{Category, ItemFields};
use crate::domain::input::FieldErrors;
use crate::domain::meeting::MeetingKind;
use crate::web::AppState;
use crate::web::agenda::agenda;
use crate::web::context::RequestContext;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::IdPath;
use crate::web::rows::ItemRow;

/// Names as the invitation list keeps them: each without NUL, at most its limit (blank ones are
/// dropped).
fn invitee_names() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    let name = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(r"^[^\u0000]*$"))
        .max_length(Some(crate::domain::meeting::NAME_MAX));
    ArrayBuilder::new().items(name).build()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeetingJson {
    kind: MeetingKind,
    /// RFC 3339 (seconds and an offset), or `YYYY-MM-DDTHH:MM[:SS]` in the county's time zone.
    #[schema(
        min_length = 1,
        pattern = r"^(199[0-9]|2[01][0-9]{2}|2200)-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-9]))T([01][0-9]|2[0-3]):[0-5][0-9]((:[0-5][0-9])?|:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))$"
    )]
    starts_at: String,
    /// Default: the kind of meeting and its day.
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 200
    )]
    title: Option<String>,
    #[schema(max_length = 200, pattern = r"^[^\u0000]*$")]
    place: Option<String>,
    #[schema(max_length = 100, pattern = r"^[^\u0000]*$")]
    chair: Option<String>,
    #[schema(min_items = 1)]
    project_ids: Vec<Uuid>,
    #[serde(default)]
    unit_codes: Vec<String>,
    /// People invited by name.
    #[serde(default)]
    #[schema(schema_with = invitee_names)]
    invitees: Vec<String>,
}

/// A 422 with the fields named as the bodies name them (`project_id`, `title`, `body`).
fn invalid(e: FieldErrors, ctx: &RequestContext) -> AppError {
    let named = e.0.into_iter().map(|(f, p)| {
        let f = match f {
            "project" => "project_id",
            "request" => "request_id",
            "notice_title" => "title",
            "notice_body" => "body",
            f => f,
        };
        (f, p)
    });
    super::invalid(&FieldErrors(named.collect()), ctx)
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    id: Uuid,
}

/// Schedules a meeting (officials).
#[utoipa::path(post, tag = "meetings", operation_id = "meetings_create", path = "/api/v1/meetings", request_body = NewMeetingJson,
    responses((status = 201, body = Created), (status = 403), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Json(Object(m)): Body<NewMeetingJson>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let settings = ctx.settings(&state.db).await?;
    let starts_at = match DateTime::parse_from_rfc3339(m.starts_at.trim()) {
        Ok(t) => t.with_timezone(&settings.tz()).format("%Y-%m-%dT%H:%M").to_string(),
        Err(_) => m.starts_at.clone(),
    };
    let t = ctx.t();
    let typed = MeetingInput {
        kind: m.kind.as_str().into(),
        title: m
            .title
            .unwrap_or_else(|| format!("{} {}", t.meeting_kind(&m.kind), starts_at.get(..10).unwrap_or(""))),
        starts_at,
        place: m.place.unwrap_or_default(),
        chair: m.chair.unwrap_or_default(),
        projects: m.project_ids.iter().map(Uuid::to_string).collect(),
        units: m.unit_codes,
        invitees: m.invitees.join("\n"),
    };
    match app::meetings::create(&state.db, &settings, &user, &typed).await? {
        Ok(id) => Ok((StatusCode::CREATED, Json(Created { id }))),
        Err(e) => Err(invalid(e, &ctx)),
    }
}

#[derive(Serialize, ToSchema)]
pub struct AgendaItem {
    id: Uuid,
    title: String,
    responsible_unit: String,
    deadline: NaiveDate,
    /// "green", "yellow", "red"; null when closed.
    status: Option<String>,
    reason: String,
}

fn item(r: &ItemRow) -> AgendaItem {
    AgendaItem {
        id: r.id,
        title: r.title.clone(),
        responsible_unit: r.unit.clone(),
        deadline: r.deadline,
        status: r.colour.map(|c| c.as_str().to_string()),
        reason: r.reason.clone(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct AgendaProjectJson {
    id: Uuid,
    name: String,
    flagged: Vec<AgendaItem>,
    open_decisions: Vec<AgendaItem>,
    pending_requests: Vec<String>,
    stage_changes: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Outcome {
    item: AgendaItem,
    outcome: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeetingJson {
    id: Uuid,
    kind: MeetingKind,
    title: String,
    starts_at: DateTime<Utc>,
    place: Option<String>,
    state: String,
    /// Points the chair added, in order.
    points: Vec<String>,
    agenda: Vec<AgendaProjectJson>,
    decisions: Vec<AgendaItem>,
    last_meeting_decisions: Vec<Outcome>,
}

/// A meeting with its agenda.
#[utoipa::path(get, tag = "meetings", operation_id = "meetings_show", path = "/api/v1/meetings/{id}", params(("id" = Uuid, Path)), responses((status = 200, body = MeetingJson), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<MeetingJson>> {
    let a = agenda(&state, ctx.t(), &user, id).await?;
    Ok(Json(MeetingJson {
        id: a.meeting.id,
        kind: a.meeting.kind,
        title: a.meeting.title.clone(),
        starts_at: a.meeting.starts_at,
        place: a.meeting.place.clone(),
        state: a.meeting.state.clone(),
        points: a.points.iter().map(|p| p.text.clone()).collect(),
        agenda: a
            .projects
            .iter()
            .map(|p| AgendaProjectJson {
                id: p.id,
                name: p.name.clone(),
                flagged: p.flagged.iter().map(item).collect(),
                open_decisions: p.open_decisions.iter().map(item).collect(),
                pending_requests: p.requests.clone(),
                stage_changes: p.stage_changes.clone(),
            })
            .collect(),
        decisions: a.decisions.iter().map(item).collect(),
        last_meeting_decisions: a
            .last
            .iter()
            .map(|(r, o)| Outcome {
                item: item(r),
                outcome: o.to_string(),
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDecision {
    project_id: Uuid,
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 200
    )]
    title: String,
    /// The responsible unit's code.
    #[schema(pattern = r"^[a-z0-9][a-z0-9_-]{0,31}$")]
    responsible_unit: String,
    /// YYYY-MM-DD.
    #[schema(format = Date, pattern = r"^(199[0-9]|2[01][0-9]{2}|2200)-")]
    deadline: String,
    /// One of the categories' codes; `other` when absent.
    #[schema(value_type = Option<Category>)]
    category: Option<String>,
    /// A pending request of the project the decision answers: it is accepted into the new item.
    request_id: Option<Uuid>,
}

/// Records a decision: a new checklist item of the project (officials; leads for their task forces).
#[utoipa::path(post, tag = "meetings", operation_id = "meetings_decide", path = "/api/v1/meetings/{id}/decisions", params(("id" = Uuid, Path)), request_body = NewDecision,
    responses((status = 201, body = Created), (status = 403), (status = 404), (status = 422)))]
pub async fn decide(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(Object(d)): Body<NewDecision>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let fields = ItemFields {
        title: d.title,
        category: d.category.unwrap_or_default(),
        responsible_unit: d.responsible_unit,
        deadline: d.deadline,
        ..ItemFields::default()
    };
    let project = d.project_id.to_string();
    let answers = d.request_id.map(|r| r.to_string()).unwrap_or_default();
    match app::meetings::decide(&state.db, &user, id, &project, &answers, &fields).await? {
        Ok(item) => Ok((StatusCode::CREATED, Json(Created { id: item }))),
        Err(e) => Err(invalid(e, &ctx)),
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PublishJson {
    #[schema(max_length = 200, pattern = r"^[^\u0000]*$")]
    title: Option<String>,
    #[schema(max_length = 20000, pattern = r"^[^\u0000]*$")]
    body: Option<String>,
    /// Correct the meeting's notice: a new notice replaces it, saying which it corrects and why
    /// (`reason` required). Without it, a meeting published already answers 409 with its notice.
    reissue: Option<bool>,
    #[schema(max_length = 500, pattern = r"^[^\u0000]*$")]
    reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Published {
    notice_id: Uuid,
}

/// Publishes a notice from the meeting (officials): its content is frozen.
#[utoipa::path(post, tag = "meetings", operation_id = "meetings_publish", path = "/api/v1/meetings/{id}/publish", params(("id" = Uuid, Path)), request_body(content = Option<PublishJson>, description = "optional: without a body the meeting's title and no text"),
    responses((status = 201, body = Published), (status = 403), (status = 404),
              (status = 409, description = "the meeting's notice is published already: `notice_id` is that one", body = ApiError)))]
pub async fn publish(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    body: Option<Json<Option<Object<PublishJson>>>>,
) -> AppResult<Response> {
    let p = body.and_then(|Json(p)| p).map(|Object(p)| p).unwrap_or_default();
    let (title, body, reason) = (
        p.title.unwrap_or_default(),
        p.body.unwrap_or_default(),
        p.reason.unwrap_or_default(),
    );
    let typed = app::meetings::NoticeInput {
        title: &title,
        body: &body,
        reissue: p.reissue.unwrap_or(false),
        reason: &reason,
    };
    match app::meetings::publish(&state.db, &user, id, &typed, None).await? {
        Ok(Publication::Done(notice_id)) => Ok((StatusCode::CREATED, Json(Published { notice_id })).into_response()),
        Ok(Publication::Exists(notice_id)) => {
            let body =
                json!({ "error": "conflict", "message": ctx.t().meetings.notice_exists, "notice_id": notice_id });
            Ok((StatusCode::CONFLICT, Json(body)).into_response())
        }
        Ok(Publication::Stale) => Err(AppError::Internal(anyhow::anyhow!(
            "a publication without a preview is never stale"
        ))),
        Err(e) => Err(invalid(e, &ctx)),
    }
}

#[derive(Serialize, ToSchema)]
pub struct NoticeJson {
    id: Uuid,
    year: i32,
    number: i32,
    title: String,
    body: Option<String>,
    as_of: NaiveDate,
    meeting_id: Option<Uuid>,
    published_at: DateTime<Utc>,
    content: NoticeContent,
    /// The notice this one corrects, and why.
    corrects: Option<Uuid>,
    correction_reason: Option<String>,
    /// The correction that replaced this one.
    superseded_by: Option<Uuid>,
}

/// A published notice: the content frozen at publication.
#[utoipa::path(get, tag = "meetings", operation_id = "meetings_notice", path = "/api/v1/notices/{id}", params(("id" = Uuid, Path)), responses((status = 200, body = NoticeJson), (status = 404)))]
pub async fn notice(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<NoticeJson>> {
    let (all, unit) = crate::app::notices::reader(&user)?;
    let n = notices::get(&state.db, id, unit, all)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(NoticeJson {
        id: n.id,
        year: n.year,
        number: n.number,
        title: n.title,
        body: n.body,
        as_of: n.as_of,
        meeting_id: n.meeting_id,
        published_at: n.published_at,
        content: n.content.0,
        corrects: n.corrects,
        correction_reason: n.correction_reason,
        superseded_by: n.superseded_by,
    }))
}
