//! The item page and what people do on it: post progress, close (销号), reopen, cancel.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use uuid::Uuid;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::IdPath;
use super::form::Fields;
use super::history::{Change, HistoryView};
use super::layout::Layout;
use super::supervision_view::{OrderForm, SupervisionView};
use crate::auth::{CurrentUser, policy};
use crate::db::attachments::{self, Attachment};
use crate::db::audit::Actor;
use crate::db::items::{self, Item, Line, NewUpdate, Written};
use crate::db::projects;
use crate::db::settings::Settings;
use crate::domain::checklist::{Category, Phase, TEXT_MAX, Transition};
use crate::domain::input;
use crate::domain::status::{self, Colour, ItemState, Thresholds};
use crate::domain::verification;
use crate::domain::working_days::WorkCalendar;
use crate::i18n::Catalog;

/// An item as a row of a list or the head of its page, ready to show.
pub struct ItemRow {
    pub id: Uuid,
    pub project_id: Uuid,
    pub project_name: String,
    pub title: String,
    pub category: &'static str,
    pub unit: String,
    pub deadline: NaiveDate,
    pub original_deadline: Option<NaiveDate>,
    pub state: ItemState,
    pub state_label: &'static str,
    pub source: &'static str,
    /// `None` for closed items.
    pub colour: Option<Colour>,
    pub colour_label: &'static str,
    pub reason: String,
    pub timing: String,
    pub due_soon: bool,
    pub closed_on: Option<NaiveDate>,
    pub closed_late: bool,
    pub meeting_id: Option<Uuid>,
    /// Working days a submitted item has waited for verification, and whether that is too long.
    pub waiting: Option<(i64, bool)>,
}

impl ItemRow {
    pub fn new(i: &Line, t: &'static Catalog, today: NaiveDate, th: Thresholds, calendar: &WorkCalendar) -> ItemRow {
        let s = status::item_status(i.state, i.deadline, today, th);
        let timing = match s {
            Some(s) if s.overdue_days > 0 => t.overdue(s.overdue_days),
            Some(s) => t.left(-s.overdue_days),
            None => String::new(),
        };
        ItemRow {
            id: i.id,
            project_id: i.project_id,
            project_name: i.project_name.clone(),
            title: i.title.clone(),
            category: t.category(&i.category),
            unit: i.unit_name.clone(),
            deadline: i.deadline,
            original_deadline: (i.original_deadline != i.deadline).then_some(i.original_deadline),
            state: i.state,
            state_label: t.phase(i.phase()),
            source: t.source(&i.source),
            colour: s.map(|s| s.colour),
            colour_label: s.map_or("", |s| t.colour(s.colour)),
            reason: t.item_reason(s, th.red_after_days),
            timing,
            due_soon: s.is_some_and(|s| s.due_soon),
            closed_on: i.closed_on,
            meeting_id: i.meeting_id,
            waiting: i.submitted_on.filter(|_| i.phase() == Phase::Submitted).map(|on| {
                (
                    calendar.between(on, today),
                    verification::overdue_for_verification(calendar, on, today),
                )
            }),
            closed_late: i
                .closed_on
                .is_some_and(|c| i.state == ItemState::Done && status::closed_late(i.deadline, c)),
        }
    }

    pub fn colour_class(&self) -> &'static str {
        self.colour.map_or("closed", Colour::as_str)
    }
}

/// What the viewer may do with the item.
pub struct Permissions {
    /// Editing the checklist, which includes verifying, sending back and closing directly.
    pub edit: bool,
    pub work: bool,
    pub internal: bool,
}

/// A form on the item page that came back with a problem, keeping what was typed.
pub struct Kept {
    pub form: &'static str,
    pub text: String,
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "items/show.html")]
pub struct ItemPage {
    layout: Layout,
    item: ItemRow,
    version: i32,
    note: String,
    closing_note: String,
    cancel_reason: String,
    submission_note: String,
    submitted_by: String,
    can: Permissions,
    updates: Vec<items::Update>,
    attachments: Vec<Attachment>,
    history: Vec<HistoryView>,
    kept: Option<Kept>,
    conflict: Vec<Change>,
    tz: chrono_tz::Tz,
    supervision: SupervisionView,
}

impl ItemPage {
    fn kept_text(&self, form: &str) -> &str {
        self.kept
            .as_ref()
            .filter(|k| k.form == form)
            .map_or("", |k| k.text.as_str())
    }

    fn kept_message(&self, form: &str) -> Option<&str> {
        self.kept
            .as_ref()
            .filter(|k| k.form == form)
            .map(|k| k.message.as_str())
    }
}

/// The item if the user may see it (404 otherwise), with whether they are on its task force.
pub async fn load(state: &AppState, user: &CurrentUser, id: Uuid) -> AppResult<(Item, bool)> {
    items::find_visible(&state.db, policy::project_scope(user), user.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub fn permissions(user: &CurrentUser, item: &Item, on_task_force: bool) -> Permissions {
    Permissions {
        edit: policy::may_edit_checklist(user, on_task_force),
        work: policy::may_work_item(user, on_task_force, item.responsible_unit_id),
        internal: policy::sees_internal(user),
    }
}

/// What a re-shown item page tells about the form that was sent.
#[derive(Default)]
pub(super) struct Feedback {
    kept: Option<Kept>,
    conflict: Vec<Change>,
    order: OrderForm,
}

impl Feedback {
    pub(super) fn kept(kept: Kept) -> Feedback {
        Feedback {
            kept: Some(kept),
            ..Feedback::default()
        }
    }

    pub(super) fn order(order: OrderForm) -> Feedback {
        Feedback {
            order,
            ..Feedback::default()
        }
    }
}

pub(super) async fn page(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    settings: &Settings,
    (item, on_task_force): (Item, bool),
    feedback: Feedback,
) -> AppResult<ItemPage> {
    let Feedback { kept, conflict, order } = feedback;
    let t = ctx.t();
    let can = permissions(user, &item, on_task_force);
    let updates = items::updates_of_item(&state.db, item.id, can.internal).await?;
    let history = if can.internal {
        let history = projects::item_history(&state.db, item.id).await?;
        history.iter().map(|h| HistoryView::new(h, t, settings.tz())).collect()
    } else {
        Vec::new()
    };
    let supervision = if can.internal {
        SupervisionView::new(state, user, settings, &item, order, t).await?
    } else {
        SupervisionView::default()
    };
    let attachments = attachments::of_item(&state.db, item.id, !can.internal).await?;
    // Investors read the note only when it was written for them, and never the closing or
    // cancelling remarks, which are the units' own words to each other.
    let visible = |text: &Option<String>, shown: bool| {
        if shown {
            text.clone().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let note = visible(&item.note, can.internal || item.note_for_investor);
    Ok(ItemPage {
        layout: Layout::new(ctx),
        item: ItemRow::new(
            &Line::from(&item),
            t,
            settings.today(),
            settings.thresholds(),
            &settings.service_level().calendar,
        ),
        version: item.version,
        note,
        closing_note: visible(&item.closing_note, can.internal),
        cancel_reason: visible(&item.cancel_reason, can.internal),
        submission_note: visible(&item.submission_note, can.internal),
        submitted_by: item.submitted_by_name.clone().unwrap_or_default(),
        can,
        updates,
        attachments,
        history,
        kept,
        conflict,
        tz: settings.tz(),
        supervision,
    })
}

/// The item page again with a form's problem, answering `status`.
pub async fn rerender(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    loaded: (Item, bool),
    kept: Kept,
    status: StatusCode,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    let page = page(state, ctx, user, &settings, loaded, Feedback::kept(kept)).await?;
    Ok((status, page).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<ItemPage> {
    let settings = ctx.settings(&state.db).await?;
    let (item, on_task_force) = load(&state, &user, id).await?;
    page(
        &state,
        &ctx,
        &user,
        &settings,
        (item, on_task_force),
        Feedback::default(),
    )
    .await
}

pub async fn post_update(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    let (item, on_task_force) = load(&state, &user, id).await?;
    if !policy::may_work_item(&user, on_task_force, item.responsible_unit_id) {
        return Err(AppError::Forbidden);
    }
    let body = fields.get("body");
    match input::required_text(&body, TEXT_MAX) {
        Ok(text) => {
            let update = NewUpdate {
                body: &text,
                for_investor: fields.flag("for_investor"),
            };
            items::add_update(&state.db, &item, update, Actor::User(user.id), Some(user.id)).await?;
            Ok(Redirect::to(&format!("/items/{id}#updates")).into_response())
        }
        Err(p) => {
            let kept = Kept {
                form: "update",
                text: body,
                message: ctx.t().problem(p),
            };
            let page = page(
                &state,
                &ctx,
                &user,
                &settings,
                (item, on_task_force),
                Feedback::kept(kept),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

pub async fn close(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    id: IdPath,
    f: Fields,
) -> AppResult<Response> {
    change(state, ctx, user, id, f, Transition::Close).await
}

pub async fn reopen(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    id: IdPath,
    f: Fields,
) -> AppResult<Response> {
    change(state, ctx, user, id, f, Transition::Reopen).await
}

pub async fn cancel(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    id: IdPath,
    f: Fields,
) -> AppResult<Response> {
    change(state, ctx, user, id, f, Transition::Cancel).await
}

pub async fn submit(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    id: IdPath,
    f: Fields,
) -> AppResult<Response> {
    change(state, ctx, user, id, f, Transition::Submit).await
}

pub async fn verify(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    id: IdPath,
    f: Fields,
) -> AppResult<Response> {
    change(state, ctx, user, id, f, Transition::Verify).await
}

pub async fn send_back(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    id: IdPath,
    f: Fields,
) -> AppResult<Response> {
    change(state, ctx, user, id, f, Transition::SendBack).await
}

/// The form of each transition on the item page, and the field its text comes in.
fn form_of(change: Transition) -> &'static str {
    match change {
        Transition::Close => "close",
        Transition::Reopen => "reopen",
        Transition::Cancel => "cancel",
        Transition::Submit => "submit",
        Transition::Verify => "verify",
        Transition::SendBack => "send_back",
    }
}

/// Closing needs evidence: the responsible unit submits, the task force's leads or an official
/// verify, send back, or close directly with a note.
pub fn may_change(user: &CurrentUser, item: &Item, on_task_force: bool, change: Transition) -> bool {
    match change {
        Transition::Cancel | Transition::Close | Transition::Verify | Transition::SendBack => {
            policy::may_edit_checklist(user, on_task_force)
        }
        Transition::Submit | Transition::Reopen => policy::may_work_item(user, on_task_force, item.responsible_unit_id),
    }
}

/// Whether a change must say something: verifying may (it keeps the unit's evidence note), the others must.
pub fn needs_text(change: Transition) -> bool {
    change != Transition::Verify
}

async fn change(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    fields: Fields,
    change: Transition,
) -> AppResult<Response> {
    let t = ctx.t();
    let settings = ctx.settings(&state.db).await?;
    let (item, on_task_force) = load(&state, &user, id).await?;
    if !may_change(&user, &item, on_task_force, change) {
        return Err(AppError::Forbidden);
    }
    let form = form_of(change);
    let typed = fields.get("text");
    let checked = if needs_text(change) {
        input::required_text(&typed, TEXT_MAX)
    } else {
        input::optional_text(&typed, TEXT_MAX).map(Option::unwrap_or_default)
    };
    let text = match checked {
        Ok(text) => text,
        Err(p) => {
            let kept = Kept {
                form,
                text: typed,
                message: t.problem(p),
            };
            let page = page(
                &state,
                &ctx,
                &user,
                &settings,
                (item, on_task_force),
                Feedback::kept(kept),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let request = items::TransitionRequest {
        change,
        text: &text,
        today: settings.today(),
    };
    match items::transition(
        &state.db,
        id,
        fields.version(),
        request,
        Actor::User(user.id),
        Some(user.id),
    )
    .await?
    {
        Written::Done(_) => Ok(Redirect::to(&format!("/items/{id}")).into_response()),
        Written::Conflict(current) => {
            let yours = change.target();
            let conflict = vec![
                Change {
                    field: t.field_label("state"),
                    before: t.phase(current.phase()).to_string(),
                    after: t.phase(yours).to_string(),
                },
                Change {
                    field: t.field_label("closing_note"),
                    before: current.closing_note.clone().unwrap_or_default(),
                    after: text.clone(),
                },
            ];
            let kept = Kept {
                form,
                text,
                message: t.conflict_body.to_string(),
            };
            let page = page(
                &state,
                &ctx,
                &user,
                &settings,
                (current, on_task_force),
                Feedback {
                    kept: Some(kept),
                    conflict,
                    ..Feedback::default()
                },
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Written::NotAllowed(current) => {
            let kept = Kept {
                form,
                text,
                message: t.item_not_allowed.to_string(),
            };
            let page = page(
                &state,
                &ctx,
                &user,
                &settings,
                (current, on_task_force),
                Feedback::kept(kept),
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
    }
}

/// Choices of a category select, with the current one marked.
pub fn category_options(t: &'static Catalog, current: &str) -> Vec<(&'static str, &'static str, bool)> {
    Category::ALL
        .iter()
        .map(|c| (c.as_str(), t.category(c), c.as_str() == current))
        .collect()
}
