//! The item page and what people do on it: post progress, close (销号), reopen, cancel.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use tower_sessions::Session;

use super::AppState;
use super::context::RequestContext;
use super::error::AppResult;
use super::extract::IdPath;
use super::flash;
use super::form::{AdjustmentForm, Fields};
use super::history::{self, Change, HistoryView};
use super::layout::Layout;
use super::rows::ItemRow;
use super::supervision_view::{OrderForm, SupervisionView};
use crate::app::{self, items::Loaded, items::Outcome, items::Refused};
use crate::auth::{CurrentUser, policy};
use crate::db::attachments::{self, Attachment};
use crate::db::items::{self, Item, Line};
use crate::db::projects;
use crate::db::settings::Settings;
use crate::domain::checklist::{Category, ItemFields, Transition};
use crate::domain::done::Done;
use crate::domain::status::ItemState;
use crate::i18n::Catalog;
use crate::links;

/// What the viewer may do with the item.
pub struct Permissions {
    /// Editing the checklist, which includes verifying, sending back and closing directly.
    pub edit: bool,
    pub work: bool,
    pub internal: bool,
    /// Exempting the item (officials).
    pub adjust: bool,
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
    /// The item's fields as its form has them, the note blanked for whoever may not read it: the
    /// page shows a new field from here.
    fields: ItemFields,
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
    /// Who exempted the item, until when and why (internal readers, while it has an exemption).
    exemption: Option<String>,
    exemption_form: AdjustmentForm,
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

pub fn permissions(user: &CurrentUser, item: &Item, on_task_force: bool) -> Permissions {
    Permissions {
        edit: policy::may_edit_checklist(user, on_task_force),
        work: policy::may_work_item(user, on_task_force, item.responsible_unit_id),
        internal: policy::sees_internal(user),
        adjust: policy::may_adjust_standings(user),
    }
}

/// What a re-shown item page tells about the form that was sent.
#[derive(Default)]
pub(super) struct Feedback {
    kept: Option<Kept>,
    conflict: Vec<Change>,
    order: OrderForm,
    exemption: AdjustmentForm,
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
    Loaded { item, on_task_force }: Loaded,
    feedback: Feedback,
) -> AppResult<ItemPage> {
    let Feedback {
        kept,
        conflict,
        order,
        exemption: exemption_form,
    } = feedback;
    let t = ctx.t();
    let can = permissions(user, &item, on_task_force);
    let updates = items::updates_of_item(&state.db, item.id, can.internal).await?;
    let history = if can.internal {
        let history = projects::item_history(&state.db, item.id).await?;
        let names = history::unit_names(&state.db, &history).await?;
        history
            .iter()
            .map(|h| HistoryView::new(h, t, settings.tz(), &names))
            .collect()
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
    let fields = ItemFields {
        note: visible(&item.note, can.internal || item.note_for_investor),
        ..item.fields()
    };
    let exemption = match (&item.exempt_until, &item.exempt_reason) {
        (Some(until), Some(reason)) if can.internal => {
            Some(t.exemption_by(item.exempt_by_name.as_deref().unwrap_or_default(), *until, reason))
        }
        _ => None,
    };
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
        fields,
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
        exemption,
        exemption_form,
    })
}

/// The item page again with a form's problem, answering `status`.
pub async fn rerender(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    loaded: Loaded,
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
    let loaded = app::items::load(&state.db, &user, id).await?;
    page(&state, &ctx, &user, &settings, loaded, Feedback::default()).await
}

pub async fn post_update(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let body = fields.get("body");
    match app::items::post_update(&state.db, &user, id, &body, fields.flag("for_investor")).await? {
        Ok(_) => flash::done(&session, &(links::item(id) + "#updates"), Done::UpdatePosted).await,
        Err(Refused { loaded, errors }) => {
            let kept = Kept {
                form: "update",
                text: body,
                message: errors.0.first().map(|(_, p)| ctx.t().problem(*p)).unwrap_or_default(),
            };
            rerender(&state, &ctx, &user, loaded, kept, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

pub async fn close(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    id: IdPath,
    f: Fields,
) -> AppResult<Response> {
    change(state, ctx, user, session, id, f, Transition::Close).await
}

pub async fn reopen(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    id: IdPath,
    f: Fields,
) -> AppResult<Response> {
    change(state, ctx, user, session, id, f, Transition::Reopen).await
}

pub async fn cancel(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    id: IdPath,
    f: Fields,
) -> AppResult<Response> {
    change(state, ctx, user, session, id, f, Transition::Cancel).await
}

pub async fn submit(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    id: IdPath,
    f: Fields,
) -> AppResult<Response> {
    change(state, ctx, user, session, id, f, Transition::Submit).await
}

pub async fn verify(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    id: IdPath,
    f: Fields,
) -> AppResult<Response> {
    change(state, ctx, user, session, id, f, Transition::Verify).await
}

pub async fn send_back(
    state: State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    id: IdPath,
    f: Fields,
) -> AppResult<Response> {
    change(state, ctx, user, session, id, f, Transition::SendBack).await
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

async fn change(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
    change: Transition,
) -> AppResult<Response> {
    let t = ctx.t();
    let settings = ctx.settings(&state.db).await?;
    let form = form_of(change);
    let typed = fields.get("text");
    let acted = app::items::change(&state.db, &user, settings.today(), id, fields.version(), change, &typed).await?;
    let (loaded, text) = (acted.loaded, typed.trim().to_string());
    match acted.outcome {
        Outcome::Done(_) => {
            let done = match change {
                Transition::Close => Done::ItemClosed,
                Transition::Reopen => Done::ItemReopened,
                Transition::Cancel => Done::ItemCancelled,
                Transition::Submit => Done::ItemSubmitted,
                Transition::Verify => Done::ItemVerified,
                Transition::SendBack => Done::ItemSentBack,
            };
            flash::done(&session, &links::item(id), done).await
        }
        Outcome::Refused(errors) => {
            let message = errors.0.first().map(|(_, p)| t.problem(*p)).unwrap_or_default();
            let kept = Kept {
                form,
                text: typed,
                message,
            };
            rerender(&state, &ctx, &user, loaded, kept, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Outcome::Conflict(current) => {
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
            let feedback = Feedback {
                kept: Some(kept),
                conflict,
                ..Feedback::default()
            };
            let page = page(
                &state,
                &ctx,
                &user,
                &settings,
                Loaded {
                    item: current,
                    on_task_force: loaded.on_task_force,
                },
                feedback,
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Outcome::NotAllowed(current) => {
            let kept = Kept {
                form,
                text,
                message: t.items.item_not_allowed.to_string(),
            };
            let current = Loaded {
                item: current,
                on_task_force: loaded.on_task_force,
            };
            rerender(&state, &ctx, &user, current, kept, StatusCode::CONFLICT).await
        }
    }
}

/// Exempts the item (officials), with the reason and last day typed.
pub async fn exempt(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    let form = AdjustmentForm::typed(&fields);
    let typed = Some((form.reason.as_str(), form.until.as_str()));
    let acted = app::items::exempt(&state.db, &user, settings.today(), id, typed).await?;
    adjusted(&state, &ctx, &user, &session, acted, form, Done::ItemExempted).await
}

/// Lifts the item's exemption (officials).
pub async fn lift_exemption(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    let acted = app::items::exempt(&state.db, &user, settings.today(), id, None).await?;
    adjusted(
        &state,
        &ctx,
        &user,
        &session,
        acted,
        AdjustmentForm::default(),
        Done::ExemptionLifted,
    )
    .await
}

/// Where an exemption form leads: the item with the flash, or the page again with its problems.
async fn adjusted(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    session: &Session,
    acted: app::items::Acted<Item>,
    form: AdjustmentForm,
    done: Done,
) -> AppResult<Response> {
    let t = ctx.t();
    let id = acted.loaded.item.id;
    let (loaded, form, status) = match acted.outcome {
        Outcome::Done(_) => return flash::done(session, &links::item(id), done).await,
        Outcome::Refused(errors) => (acted.loaded, form.refused(&errors, t), StatusCode::UNPROCESSABLE_ENTITY),
        Outcome::Conflict(current) | Outcome::NotAllowed(current) => {
            let loaded = Loaded {
                item: current,
                on_task_force: acted.loaded.on_task_force,
            };
            let form = AdjustmentForm {
                until_error: Some(t.items.exemption_closed.to_string()),
                ..form
            };
            (loaded, form, StatusCode::CONFLICT)
        }
    };
    let settings = ctx.settings(&state.db).await?;
    let feedback = Feedback {
        exemption: form,
        ..Feedback::default()
    };
    let page = page(state, ctx, user, &settings, loaded, feedback).await?;
    Ok((status, page).into_response())
}

/// Choices of a category select, with the current one marked.
pub fn category_options(t: &'static Catalog, current: &str) -> Vec<(&'static str, &'static str, bool)> {
    Category::ALL
        .iter()
        .map(|c| (c.as_str(), t.category(c), c.as_str() == current))
        .collect()
}
