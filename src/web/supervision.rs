//! Supervision orders (督办单) on the item page: an official issues one on a red item, the
//! responsible unit's staff reply with their rectification plan; lateness is shown with both.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::IdPath;
use super::flash;
use super::form::Fields;
use super::items::{Feedback, Kept, page};
use super::supervision_view::{OrderForm, is_red};
use crate::app::items::{self as item_actions, Loaded};
use crate::auth::{CurrentUser, policy};
use crate::db::audit::Actor;
use crate::db::supervision::{self, Issued, NewOrder, Replied};
use crate::domain::done::Done;
use crate::domain::input::{self, Problem};
use crate::domain::status::ItemState;
use crate::links;
use tower_sessions::Session;

/// Longest demand and reply.
const DEMAND_MAX: usize = 2000;
const REPLY_MAX: usize = 5000;

/// An official issues an order on a red item of the page.
pub async fn issue(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    let Loaded { item, on_task_force } = item_actions::load(&state.db, &user, id).await?;
    if !policy::may_issue_supervision(&user) {
        return Err(AppError::Forbidden);
    }
    let t = ctx.t();
    let mut form = OrderForm {
        demand: fields.get("demand"),
        reply_due: fields.get("reply_due"),
        ..OrderForm::default()
    };
    let demand = input::required_text(&form.demand, DEMAND_MAX).map_err(|p| form.demand_error = Some(t.problem(p)));
    let due = input::date(&form.reply_due)
        .and_then(|d| {
            if d < settings.today() {
                Err(Problem::NotADate)
            } else {
                Ok(d)
            }
        })
        .map_err(|p| form.due_error = Some(t.problem(p)));
    if item.state != ItemState::Open || !is_red(&item, &settings) {
        form.demand_error = Some(t.notify.supervision_not_red.to_string());
    }
    let (Ok(demand), Ok(reply_due), None) = (demand, due, &form.demand_error) else {
        let page = page(
            &state,
            &ctx,
            &user,
            &settings,
            Loaded { item, on_task_force },
            Feedback::order(form),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let new = NewOrder {
        demand: &demand,
        reply_due,
        today: settings.today(),
    };
    match supervision::issue(&state.db, &item, new, Actor::User(user.id), Some(user.id)).await? {
        Issued::Done(_) => flash::done(&session, &(links::item(id) + "#supervision"), Done::OrderIssued).await,
        Issued::AlreadyOpen => {
            form.demand_error = Some(t.notify.supervision_already_open.to_string());
            let page = page(
                &state,
                &ctx,
                &user,
                &settings,
                Loaded { item, on_task_force },
                Feedback::order(form),
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
    }
}

/// The unit's staff reply to an order (`{id}` is the order).
pub async fn reply(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(order): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    let item_id = supervision::item_of(&state.db, order)
        .await?
        .ok_or(AppError::NotFound)?;
    let Loaded { item, on_task_force } = item_actions::load(&state.db, &user, item_id).await?;
    if !policy::may_reply_supervision(&user, item.responsible_unit_id) {
        return Err(AppError::Forbidden);
    }
    let text = fields.get("reply");
    let t = ctx.t();
    let problem = match input::required_text(&text, REPLY_MAX) {
        Ok(reply) => {
            let written = supervision::reply(
                &state.db,
                &item,
                order,
                &reply,
                settings.today(),
                Actor::User(user.id),
                Some(user.id),
            )
            .await?;
            match written {
                Replied::Done => {
                    return flash::done(&session, &(links::item(item_id) + "#supervision"), Done::OrderReplied).await;
                }
                Replied::AlreadyReplied => t.notify.supervision_already_replied.to_string(),
            }
        }
        Err(p) => t.problem(p),
    };
    let kept = Kept {
        form: "reply",
        text,
        message: problem,
    };
    let page = page(
        &state,
        &ctx,
        &user,
        &settings,
        Loaded { item, on_task_force },
        Feedback::kept(kept),
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
