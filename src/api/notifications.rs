//! The caller's inbox, and group-robot webhooks with their deliveries (admins and officials).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Body, Object};
use crate::auth::{CurrentUser, policy};
use crate::db::notifications;
use crate::db::webhooks::{self};
use crate::domain::notification::{EventKind, MessageStyle, WebhookDraft, WebhookFormat, masked_url};
use crate::web::AppState;
use crate::web::context::RequestContext;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::IdPath;

/// How many inbox entries the API returns (the newest).
const INBOX_LIMIT: i64 = 200;

#[derive(Serialize, ToSchema)]
pub struct NotificationJson {
    id: Uuid,
    kind: EventKind,
    item_id: Option<Uuid>,
    project_id: Option<Uuid>,
    /// The investor's request it is about (request events).
    request_id: Option<Uuid>,
    /// How many items one message is about (a unit's items of one import; `item_id` is then
    /// empty and `project_id` leads to them).
    item_count: Option<i32>,
    /// The notification in the caller's language.
    text: String,
    read: bool,
    created_at: DateTime<Utc>,
}

/// The caller's inbox, newest first (the latest 200).
#[utoipa::path(get, tag = "notifications", operation_id = "notifications_inbox", path = "/api/v1/notifications", responses((status = 200, body = [NotificationJson]), (status = 401)))]
pub async fn inbox(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
) -> AppResult<Json<Vec<NotificationJson>>> {
    let (rows, _) = notifications::inbox(&state.db, user.id, INBOX_LIMIT, 0).await?;
    let t = ctx.t();
    Ok(Json(
        rows.into_iter()
            .map(|n| NotificationJson {
                text: t.event_text(&n.facts()),
                id: n.id,
                kind: n.kind,
                item_id: n.item_id,
                project_id: n.project_id,
                request_id: n.request_id,
                item_count: n.item_count,
                read: n.read,
                created_at: n.created_at,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhookJson {
    /// http or https address of the group robot: a host (no `user@`), no spaces or control
    /// characters (white space around it is trimmed).
    #[schema(
        pattern = r"^[\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*https?://[^/?#@:\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^/?#@\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*([/?#][^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*)?[\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$",
        max_length = 2000
    )]
    url: String,
    format: WebhookFormat,
    /// Default `markdown`.
    message: Option<MessageStyle>,
    /// The unit's code; omitted for a county-wide webhook.
    unit: Option<String>,
    /// DingTalk signing secret (加签); never returned.
    #[schema(max_length = 200, pattern = r"^[^\u0000]*$")]
    secret: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookJson {
    id: Uuid,
    /// The address, its key (`key`, `access_token`) masked but for the last four characters.
    url: String,
    format: WebhookFormat,
    message: MessageStyle,
    unit: Option<String>,
    signed: bool,
    active: bool,
}

/// Adds a group-robot webhook for a unit or the whole county (admins). The answer shows the
/// address with its key masked.
#[utoipa::path(post, tag = "notifications", operation_id = "webhooks_create", path = "/api/v1/webhooks", request_body = NewWebhookJson,
    responses((status = 201, body = WebhookJson), (status = 403), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Json(Object(new)): Body<NewWebhookJson>,
) -> AppResult<(StatusCode, Json<WebhookJson>)> {
    let draft = WebhookDraft::parse(
        &new.url,
        new.format.as_str(),
        new.message.map_or("", MessageStyle::as_str),
        new.unit.as_deref().unwrap_or(""),
        new.secret.as_deref().unwrap_or(""),
    );
    let id = crate::app::webhooks::create(&state.db, &user, draft)
        .await?
        .map_err(|e| super::invalid(&e, &ctx))?;
    let hook = webhooks::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        Json(WebhookJson {
            id,
            url: masked_url(&hook.url),
            format: hook.format,
            message: hook.message,
            unit: hook.unit_code,
            signed: hook.signed,
            active: hook.active,
        }),
    ))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Accepted by the robot.
    Sent,
    /// Not tried yet.
    Pending,
    /// Tried and refused or unreachable; retried at `next_attempt_at`.
    Failing,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryJson {
    id: i64,
    event_id: Uuid,
    kind: String,
    subject: String,
    status: DeliveryStatus,
    attempts: i32,
    last_attempt_at: Option<DateTime<Utc>>,
    /// When the next try is due; `null` once sent.
    next_attempt_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
    sent_at: Option<DateTime<Utc>>,
}

/// A webhook's latest 200 deliveries, newest first (admins and officials).
#[utoipa::path(get, tag = "notifications", operation_id = "webhooks_deliveries", path = "/api/v1/webhooks/{id}/deliveries", params(("id" = Uuid, Path)),
    responses((status = 200, body = [DeliveryJson]), (status = 403), (status = 404)))]
pub async fn deliveries(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<Vec<DeliveryJson>>> {
    if !policy::may_see_webhooks(&user) {
        return Err(AppError::Forbidden);
    }
    webhooks::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let rows = webhooks::deliveries(&state.db, id, 200).await?;
    Ok(Json(
        rows.into_iter()
            .map(|d| DeliveryJson {
                status: match (d.sent_at, d.attempts) {
                    (Some(_), _) => DeliveryStatus::Sent,
                    (None, 0) => DeliveryStatus::Pending,
                    (None, _) => DeliveryStatus::Failing,
                },
                next_attempt_at: d.sent_at.is_none().then_some(d.next_attempt_at),
                id: d.id,
                event_id: d.event_id,
                kind: d.kind,
                subject: d.subject,
                attempts: d.attempts,
                last_attempt_at: d.last_attempt_at,
                last_error: d.last_error,
                sent_at: d.sent_at,
            })
            .collect(),
    ))
}
