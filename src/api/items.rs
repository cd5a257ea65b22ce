//! Checklist items in JSON, with the same rules as the pages: a stale `version` answers 409 with
//! the current item and changes nothing.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Body, Object};
use crate::app::{self, items::Outcome};
use crate::auth::{CurrentUser, policy};
use crate::db::items::{self, Item};
use crate::db::settings::Settings;
use crate::domain::checklist::{Category, ItemFields, Phase, Source, Transition};
use crate::domain::input::FieldErrors;
use crate::domain::status::{self, Colour};
use crate::web::AppState;
use crate::web::context::RequestContext;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::IdPath;

#[derive(Serialize, ToSchema)]
pub struct ItemJson {
    id: Uuid,
    project_id: Uuid,
    title: String,
    category: Category,
    /// The responsible unit's code.
    responsible_unit: String,
    responsible_unit_name: String,
    deadline: NaiveDate,
    original_deadline: NaiveDate,
    /// `submitted` while the responsible unit's evidence waits for verification (the item is
    /// still open for colours and rankings until it is verified).
    state: Phase,
    /// When the evidence was submitted; `null` unless the item is submitted.
    submitted_at: Option<DateTime<Utc>>,
    /// Working days the submission has waited for verification; `null` unless submitted.
    waiting_working_days: Option<i64>,
    /// The unit's evidence note; omitted for investors.
    #[serde(skip_serializing_if = "Option::is_none")]
    submission_note: Option<String>,
    /// The colour today; `null` when the item is closed.
    status: Option<Colour>,
    /// Today minus the deadline; `null` when closed.
    overdue_days: Option<i64>,
    due_soon: bool,
    source: Source,
    /// Internal note; omitted for investors unless marked for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    /// Whether the project's investors may read the note.
    note_for_investor: bool,
    closing_note: Option<String>,
    closed_on: Option<NaiveDate>,
    version: i32,
    /// The last day of its exemption, while it has one: it keeps its colour but counts in no
    /// ranking, notice or project colour through that day.
    exempt_until: Option<NaiveDate>,
    /// Why it is exempt; omitted for investors.
    #[serde(skip_serializing_if = "Option::is_none")]
    exemption_reason: Option<String>,
}

fn to_json(i: Item, settings: &Settings, internal: bool) -> ItemJson {
    let s = status::item_status(i.state, i.deadline, settings.today(), settings.thresholds());
    let phase = i.phase();
    let submitted = phase == Phase::Submitted;
    ItemJson {
        state: phase,
        submitted_at: i.submitted_at.filter(|_| submitted),
        waiting_working_days: i
            .submitted_on
            .filter(|_| submitted)
            .map(|on| settings.service_level().calendar.between(on, settings.today())),
        submission_note: if internal && submitted { i.submission_note } else { None },
        status: s.map(|s| s.colour),
        overdue_days: s.map(|s| s.overdue_days),
        due_soon: s.is_some_and(|s| s.due_soon),
        note: if internal || i.note_for_investor { i.note } else { None },
        note_for_investor: i.note_for_investor,
        closing_note: if internal { i.closing_note } else { None },
        id: i.id,
        project_id: i.project_id,
        title: i.title,
        category: i.category,
        responsible_unit: i.unit_code,
        responsible_unit_name: i.unit_name,
        deadline: i.deadline,
        original_deadline: i.original_deadline,
        source: i.source,
        closed_on: i.closed_on,
        version: i.version,
        exempt_until: i.exempt_until,
        exemption_reason: if internal { i.exempt_reason } else { None },
    }
}

/// The checklist of a project the caller may see: open items by urgency, then closed ones.
#[utoipa::path(get, tag = "items", operation_id = "items_list", path = "/api/v1/projects/{id}/items", params(("id" = Uuid, Path)),
    responses((status = 200, body = [ItemJson]), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<Vec<ItemJson>>> {
    let settings = ctx.settings(&state.db).await?;
    app::projects::visible(&state.db, &settings, &user, id).await?;
    let internal = policy::sees_internal(&user);
    let all = items::of_project(&state.db, id).await?;
    Ok(Json(all.into_iter().map(|i| to_json(i, &settings, internal)).collect()))
}

/// One item.
#[utoipa::path(get, tag = "items", operation_id = "items_show", path = "/api/v1/items/{id}", params(("id" = Uuid, Path)), responses((status = 200, body = ItemJson), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<ItemJson>> {
    let settings = ctx.settings(&state.db).await?;
    let loaded = app::items::load(&state.db, &user, id).await?;
    Ok(Json(to_json(loaded.item, &settings, policy::sees_internal(&user))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItemJson {
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 200
    )]
    title: String,
    /// The responsible unit's code.
    #[schema(pattern = r"^[a-z0-9][a-z0-9_-]{0,31}$")]
    responsible_unit: String,
    /// `YYYY-MM-DD`; a past date is valid (the item is overdue from the start).
    #[schema(format = Date, pattern = r"^(199[0-9]|2[01][0-9]{2}|2200)-")]
    deadline: String,
    /// One of the categories' codes; `other` when absent.
    #[schema(value_type = Option<Category>)]
    category: Option<String>,
    #[schema(max_length = 5000, pattern = r"^[^\u0000]*$")]
    note: Option<String>,
    /// Whether the project's investors may read the note (default false).
    note_for_investor: Option<bool>,
}

/// Adds an item to a project's checklist (officials, and leads of its task force).
#[utoipa::path(post, tag = "items", operation_id = "items_create", path = "/api/v1/projects/{id}/items", params(("id" = Uuid, Path)), request_body = NewItemJson,
    responses((status = 201, body = ItemJson), (status = 403), (status = 404), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(Object(new)): Body<NewItemJson>,
) -> AppResult<(StatusCode, Json<ItemJson>)> {
    let settings = ctx.settings(&state.db).await?;
    let fields = ItemFields {
        title: new.title,
        category: new.category.unwrap_or_default(),
        responsible_unit: new.responsible_unit,
        deadline: new.deadline,
        note: new.note.unwrap_or_default(),
        note_for_investor: new.note_for_investor.unwrap_or(false),
    };
    let item = app::items::create(&state.db, &settings, &user, id, &fields)
        .await?
        .map_err(|errors| super::invalid(&errors, &ctx))?;
    Ok((StatusCode::CREATED, Json(to_json(item, &settings, true))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemPatch {
    /// The version the change is based on.
    #[serde(deserialize_with = "super::whole::int")]
    version: i32,
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 200
    )]
    title: Option<String>,
    /// One of the categories' codes; `other` when absent.
    #[schema(value_type = Option<Category>)]
    category: Option<String>,
    #[schema(pattern = r"^[a-z0-9][a-z0-9_-]{0,31}$")]
    responsible_unit: Option<String>,
    #[schema(format = Date, pattern = r"^(199[0-9]|2[01][0-9]{2}|2200)-")]
    deadline: Option<String>,
    /// Required when `deadline` changes.
    #[schema(max_length = 5000, pattern = r"^[^\u0000]*$")]
    deadline_reason: Option<String>,
    #[schema(max_length = 5000, pattern = r"^[^\u0000]*$")]
    note: Option<String>,
    /// Whether the project's investors may read the note (unchanged when absent).
    note_for_investor: Option<bool>,
}

/// Changes an item's fields (officials, and leads of its task force).
#[utoipa::path(patch, tag = "items", operation_id = "items_patch", path = "/api/v1/items/{id}", params(("id" = Uuid, Path)), request_body = ItemPatch,
    responses((status = 200, body = ItemJson), (status = 403), (status = 404),
              (status = 409, description = "stale version: the body holds the current item"), (status = 422)))]
pub async fn patch(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(Object(p)): Body<ItemPatch>,
) -> AppResult<Json<ItemJson>> {
    let settings = ctx.settings(&state.db).await?;
    let item = app::items::editable(&state.db, &user, id).await?.item;
    let fields = ItemFields {
        title: p.title.unwrap_or_else(|| item.title.clone()),
        category: p.category.unwrap_or_else(|| item.category.as_str().into()),
        responsible_unit: p.responsible_unit.unwrap_or_else(|| item.unit_code.clone()),
        deadline: p.deadline.unwrap_or_else(|| item.deadline.to_string()),
        note: p.note.unwrap_or_else(|| item.note.clone().unwrap_or_default()),
        note_for_investor: p.note_for_investor.unwrap_or(item.note_for_investor),
    };
    let reason = p.deadline_reason.unwrap_or_default();
    let acted = app::items::edit(&state.db, &user, id, p.version, &fields, &reason).await?;
    answer(acted.outcome, &settings, &ctx, "")
}

/// An action's outcome as the API answers it: the item, 422 naming the fields (the action's
/// `text` as `text_field`), 409 with the current item, or 409 for a state that does not allow it.
fn answer(
    outcome: Outcome<Item>,
    settings: &Settings,
    ctx: &RequestContext,
    text_field: &'static str,
) -> AppResult<Json<ItemJson>> {
    match outcome {
        Outcome::Done(item) => Ok(Json(to_json(item, settings, true))),
        Outcome::Refused(errors) => {
            let named = errors
                .0
                .into_iter()
                .map(|(f, p)| (if f == "text" { text_field } else { f }, p));
            Err(super::invalid(&FieldErrors(named.collect()), ctx))
        }
        Outcome::Conflict(current) => Err(AppError::Conflict(
            serde_json::to_value(to_json(current, settings, true)).unwrap_or_default(),
        )),
        Outcome::NotAllowed(_) => Err(AppError::InvalidState(ctx.t().items.item_not_allowed.into())),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    /// Why (不可抗力, 政策调整, …); kept in the audit log and shown on the rankings page.
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 1000
    )]
    reason: String,
    /// `YYYY-MM-DD`, today or later: the exemption's last day.
    #[schema(format = Date, pattern = r"^(199[0-9]|2[01][0-9]{2}|2200)-")]
    until: String,
}

/// Exempts an open item through a day with a reason (officials): it keeps its colour, marked, but
/// counts in no ranking, notice or project colour until the day after. Replaces an exemption it had.
#[utoipa::path(post, tag = "items", operation_id = "items_exempt", path = "/api/v1/items/{id}/exemption", params(("id" = Uuid, Path)), request_body = Exemption,
    responses((status = 200, body = ItemJson), (status = 403), (status = 404),
              (status = 409, description = "the item is closed"), (status = 422)))]
pub async fn exempt(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(Object(e)): Body<Exemption>,
) -> AppResult<Json<ItemJson>> {
    let settings = ctx.settings(&state.db).await?;
    let typed = Some((e.reason.as_str(), e.until.as_str()));
    let acted = app::items::exempt(&state.db, &user, settings.today(), id, typed).await?;
    exemption_answer(acted.outcome, &settings, &ctx)
}

/// Lifts an item's exemption (officials): it counts again at once.
#[utoipa::path(delete, tag = "items", operation_id = "items_lift_exemption", path = "/api/v1/items/{id}/exemption", params(("id" = Uuid, Path)),
    responses((status = 200, body = ItemJson), (status = 403), (status = 404)))]
pub async fn lift_exemption(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<ItemJson>> {
    let settings = ctx.settings(&state.db).await?;
    let acted = app::items::exempt(&state.db, &user, settings.today(), id, None).await?;
    exemption_answer(acted.outcome, &settings, &ctx)
}

fn exemption_answer(outcome: Outcome<Item>, settings: &Settings, ctx: &RequestContext) -> AppResult<Json<ItemJson>> {
    match outcome {
        Outcome::Conflict(_) | Outcome::NotAllowed(_) => {
            Err(AppError::InvalidState(ctx.t().items.exemption_closed.into()))
        }
        other => answer(other, settings, ctx, ""),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseItem {
    #[serde(deserialize_with = "super::whole::int")]
    version: i32,
    /// How the matter was done.
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 5000
    )]
    note: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenItem {
    #[serde(deserialize_with = "super::whole::int")]
    version: i32,
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 5000
    )]
    reason: String,
}

/// Closes (销号) an item directly with a note: the task force's leads or an official (the
/// responsible unit submits instead).
#[utoipa::path(post, tag = "items", operation_id = "items_close", path = "/api/v1/items/{id}/close", params(("id" = Uuid, Path)), request_body = CloseItem,
    responses((status = 200, body = ItemJson), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn close(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    id: IdPath,
    Json(Object(c)): Body<CloseItem>,
) -> AppResult<Json<ItemJson>> {
    change(state, ctx, user, id, c.version, &c.note, "note", Transition::Close).await
}

/// Reopens a closed or cancelled item, with a reason.
#[utoipa::path(post, tag = "items", operation_id = "items_reopen", path = "/api/v1/items/{id}/reopen", params(("id" = Uuid, Path)), request_body = ReopenItem,
    responses((status = 200, body = ItemJson), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn reopen(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    id: IdPath,
    Json(Object(r)): Body<ReopenItem>,
) -> AppResult<Json<ItemJson>> {
    change(state, ctx, user, id, r.version, &r.reason, "reason", Transition::Reopen).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitItem {
    #[serde(deserialize_with = "super::whole::int")]
    version: i32,
    /// What was done, as evidence (attachments are uploaded separately).
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 5000
    )]
    note: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyItem {
    #[serde(deserialize_with = "super::whole::int")]
    version: i32,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendBackItem {
    #[serde(deserialize_with = "super::whole::int")]
    version: i32,
    /// Why the evidence is not enough; kept in the item's history.
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 5000
    )]
    reason: String,
}

/// The responsible unit submits the item as done with its evidence note; its state becomes `submitted`.
#[utoipa::path(post, tag = "items", operation_id = "items_submit", path = "/api/v1/items/{id}/submit", params(("id" = Uuid, Path)), request_body = SubmitItem,
    responses((status = 200, body = ItemJson), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn submit(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    id: IdPath,
    Json(Object(s)): Body<SubmitItem>,
) -> AppResult<Json<ItemJson>> {
    change(state, ctx, user, id, s.version, &s.note, "note", Transition::Submit).await
}

/// A lead of the task force or an official accepts the evidence: the item is `done`.
#[utoipa::path(post, tag = "items", operation_id = "items_verify", path = "/api/v1/items/{id}/verify", params(("id" = Uuid, Path)), request_body = VerifyItem,
    responses((status = 200, body = ItemJson), (status = 403), (status = 404), (status = 409)))]
pub async fn verify(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    id: IdPath,
    Json(Object(v)): Body<VerifyItem>,
) -> AppResult<Json<ItemJson>> {
    change(state, ctx, user, id, v.version, "", "note", Transition::Verify).await
}

/// A lead of the task force or an official sends the submission back with a reason: the item is `open` again.
#[utoipa::path(post, tag = "items", operation_id = "items_send_back", path = "/api/v1/items/{id}/send-back", params(("id" = Uuid, Path)), request_body = SendBackItem,
    responses((status = 200, body = ItemJson), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn send_back(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    id: IdPath,
    Json(Object(b)): Body<SendBackItem>,
) -> AppResult<Json<ItemJson>> {
    change(
        state,
        ctx,
        user,
        id,
        b.version,
        &b.reason,
        "reason",
        Transition::SendBack,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn change(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    version: i32,
    text: &str,
    field: &'static str,
    change: Transition,
) -> AppResult<Json<ItemJson>> {
    let settings = ctx.settings(&state.db).await?;
    let acted = app::items::change(&state.db, &user, settings.today(), id, version, change, text).await?;
    answer(acted.outcome, &settings, &ctx, field)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUpdate {
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u00AD\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u2066-\u2069\u3000\uFEFF][^\u0000]*$",
        max_length = 5000
    )]
    body: String,
    /// Whether the project's investors may read it (default: internal).
    #[serde(default)]
    for_investor: bool,
}

#[derive(Serialize, ToSchema)]
pub struct UpdateJson {
    id: Uuid,
    item_id: Uuid,
    author: Option<String>,
    body: String,
    for_investor: bool,
    created_at: DateTime<Utc>,
}

/// Posts progress on an item; investors read only updates marked `for_investor`.
#[utoipa::path(post, tag = "items", operation_id = "items_post_update", path = "/api/v1/items/{id}/updates", params(("id" = Uuid, Path)), request_body = NewUpdate,
    responses((status = 201, body = UpdateJson), (status = 403), (status = 404), (status = 422)))]
pub async fn post_update(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(Object(u)): Body<NewUpdate>,
) -> AppResult<(StatusCode, Json<UpdateJson>)> {
    let update = app::items::post_update(&state.db, &user, id, &u.body, u.for_investor)
        .await?
        .map_err(|refused| super::invalid(&refused.errors, &ctx))?;
    let json = UpdateJson {
        id: update.id,
        item_id: update.item_id,
        author: update.author,
        body: update.body,
        for_investor: update.for_investor,
        created_at: update.created_at,
    };
    Ok((StatusCode::CREATED, Json(json)))
}
