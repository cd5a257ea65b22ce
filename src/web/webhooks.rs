//! Group-robot webhooks (WeCom, DingTalk) for admins and officials: the list with a form to add
//! one, and each webhook's deliveries (sent, failing, next try).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::IdPath;
use super::flash;
use super::form::{Fields, Messages};
use super::layout::Layout;
use crate::app;
use crate::auth::{CurrentUser, policy};
use crate::db::units::{self, Unit};
use crate::db::webhooks::{self, Delivery, Webhook};
use crate::domain::done::Done;
use crate::domain::input::FieldErrors;
use crate::domain::notification::WebhookDraft;
use crate::links;
use tower_sessions::Session;

fn require(user: &CurrentUser) -> AppResult<()> {
    if policy::may_see_webhooks(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "webhooks/list.html")]
pub struct WebhooksPage {
    layout: Layout,
    /// Admins add robots; officials see them.
    may_change: bool,
    hooks: Vec<Webhook>,
    units: Vec<Unit>,
    form: Fields,
    errors: Messages,
}

async fn page(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    form: Fields,
    errors: &FieldErrors,
) -> AppResult<WebhooksPage> {
    Ok(WebhooksPage {
        layout: Layout::new(ctx),
        may_change: policy::may_change_webhooks(user),
        hooks: webhooks::all(&state.db).await?,
        units: units::all(&state.db).await?,
        form,
        errors: Messages::new(errors, ctx.t()),
    })
}

pub async fn list(State(state): State<AppState>, ctx: RequestContext, user: CurrentUser) -> AppResult<WebhooksPage> {
    require(&user)?;
    page(&state, &ctx, &user, Fields::default(), &FieldErrors::default()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    form: Fields,
) -> AppResult<Response> {
    let draft = WebhookDraft::parse(
        &form.get("url"),
        &form.get("format"),
        &form.get("message"),
        &form.get("unit"),
        &form.get("secret"),
    );
    match app::webhooks::create(&state.db, &user, draft).await? {
        Ok(id) => flash::done(&session, &links::webhook(id), Done::WebhookAdded).await,
        Err(errors) => {
            // Keep what was typed, except the secret, which is never echoed back.
            let kept = Fields(form.0.into_iter().filter(|(k, _)| k != "secret").collect());
            let page = page(&state, &ctx, &user, kept, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

pub struct DeliveryRow {
    pub kind: &'static str,
    pub subject: String,
    pub state: &'static str,
    pub attempts: i32,
    pub last_attempt: String,
    pub next_try: String,
    pub error: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "webhooks/show.html")]
pub struct WebhookPage {
    layout: Layout,
    may_change: bool,
    hook: Webhook,
    rows: Vec<DeliveryRow>,
    form: Fields,
    errors: Messages,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<WebhookPage> {
    detail(&state, &ctx, &user, id, Fields::default(), &FieldErrors::default()).await
}

async fn detail(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    id: uuid::Uuid,
    form: Fields,
    errors: &FieldErrors,
) -> AppResult<WebhookPage> {
    require(user)?;
    let hook = webhooks::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let tz = ctx.settings(&state.db).await?.tz();
    let t = ctx.t();
    let when = |d: chrono::DateTime<chrono::Utc>| d.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string();
    let rows = webhooks::deliveries(&state.db, id, 200)
        .await?
        .into_iter()
        .map(|d: Delivery| DeliveryRow {
            kind: crate::domain::notification::EventKind::parse(&d.kind).map_or("", |k| t.event_kind(k)),
            state: t.delivery_state(d.sent_at.is_some(), d.attempts),
            attempts: d.attempts,
            last_attempt: d.last_attempt_at.map(when).unwrap_or_default(),
            next_try: if d.sent_at.is_none() {
                when(d.next_attempt_at)
            } else {
                String::new()
            },
            error: d.last_error.filter(|_| d.sent_at.is_none()).unwrap_or_default(),
            subject: d.subject,
        })
        .collect();
    Ok(WebhookPage {
        layout: Layout::new(ctx),
        may_change: policy::may_change_webhooks(user),
        hook,
        rows,
        form,
        errors: Messages::new(errors, ctx.t()),
    })
}

/// Replaces a robot's address (a new key), and its signing secret when one is typed.
pub async fn set_address(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    form: Fields,
) -> AppResult<Response> {
    match app::webhooks::set_address(&state.db, &user, id, &form.get("url"), &form.get("secret")).await? {
        Ok(()) => flash::done(&session, &links::webhook(id), Done::WebhookChanged).await,
        Err(errors) => {
            let kept = Fields(form.0.into_iter().filter(|(k, _)| k != "secret").collect());
            let page = detail(&state, &ctx, &user, id, kept, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// Turns a webhook off or on again.
pub async fn set_active(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    form: Fields,
) -> AppResult<Response> {
    let active = form.get("active") == "1";
    app::webhooks::set_active(&state.db, &user, id, active).await?;
    let done = if active {
        Done::WebhookResumed
    } else {
        Done::WebhookPaused
    };
    flash::done(&session, &links::webhook(id), done).await
}
