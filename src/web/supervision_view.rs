//! The supervision section of the item page: its orders (督办单), with lateness, and whether the
//! user may issue or reply to one now.

use chrono::NaiveDate;
use uuid::Uuid;

use super::AppState;
use super::error::AppResult;
use crate::auth::{CurrentUser, policy};
use crate::db::items::Item;
use crate::db::settings::Settings;
use crate::db::supervision::{self, Order};
use crate::domain::status::{self, Colour};
use crate::i18n::Catalog;

/// The issue form as typed, with its problems.
#[derive(Default)]
pub struct OrderForm {
    pub demand: String,
    pub reply_due: String,
    pub demand_error: Option<String>,
    pub due_error: Option<String>,
}

pub struct OrderView {
    pub id: Uuid,
    pub demand: String,
    pub reply_due: NaiveDate,
    pub issued_by: String,
    pub issued_on: NaiveDate,
    pub reply: Option<String>,
    pub replied_by: String,
    pub replied_on: Option<NaiveDate>,
    /// "3 days late" when the reply is (or was) late.
    pub lateness: Option<String>,
}

#[derive(Default)]
pub struct SupervisionView {
    pub orders: Vec<OrderView>,
    /// An official may issue one now: the item is red and has no unanswered order.
    pub may_issue: bool,
    /// The user may reply to the unanswered order.
    pub may_reply: bool,
    pub form: OrderForm,
}

pub fn is_red(item: &Item, settings: &Settings) -> bool {
    status::item_status(item.state, item.deadline, settings.today(), settings.thresholds())
        .is_some_and(|s| s.colour == Colour::Red)
}

impl SupervisionView {
    pub async fn new(
        state: &AppState,
        user: &CurrentUser,
        settings: &Settings,
        item: &Item,
        form: OrderForm,
        t: &'static Catalog,
    ) -> AppResult<SupervisionView> {
        let orders = supervision::of_item(&state.db, item.id).await?;
        let open = orders.iter().any(|o| o.reply.is_none());
        let today = settings.today();
        Ok(SupervisionView {
            may_issue: policy::may_issue_supervision(user) && is_red(item, settings) && !open,
            may_reply: open && policy::may_reply_supervision(user, item.responsible_unit_id),
            form: OrderForm {
                reply_due: if form.reply_due.is_empty() {
                    (today + chrono::Duration::days(3)).to_string()
                } else {
                    form.reply_due
                },
                ..form
            },
            orders: orders.into_iter().map(|o| view(o, today, t)).collect(),
        })
    }
}

fn view(o: Order, today: NaiveDate, t: &Catalog) -> OrderView {
    OrderView {
        lateness: o.days_late(today).map(|d| t.reply_late(&d)),
        id: o.id,
        demand: o.demand,
        reply_due: o.reply_due,
        issued_by: o.issued_by.unwrap_or_default(),
        issued_on: o.issued_on,
        reply: o.reply,
        replied_by: o.replied_by.unwrap_or_default(),
        replied_on: o.replied_on,
    }
}
