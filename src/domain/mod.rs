//! The product's own rules, as pure functions over plain data: no I/O here.

pub mod access;
pub mod adjustment;
pub mod checklist;
pub mod done;
pub mod evidence;
pub mod ical;
pub mod input;
pub mod investment;
pub mod lifecycle;
pub mod meeting;
pub mod names;
pub mod notification;
pub mod project;
pub mod project_list;
pub mod ranking;
pub mod rate;
pub mod request;
pub mod role;
pub mod score;
pub mod sheet;
pub mod status;
pub mod template;
pub mod throttle;
pub mod todo;
pub mod verification;
pub mod working_days;

/// Lets the database read an enumeration stored as text (`#[sqlx(try_from = "String")]`)
/// through the enumeration's own `parse`.
macro_rules! read_from_text {
    ($($name:ident),*) => {$(
        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<$name, String> {
                $name::parse(&s).ok_or_else(|| format!("unknown {} {s:?}", stringify!($name)))
            }
        }
    )*};
}

use checklist::{Category, Source};
use lifecycle::Stage;
use meeting::MeetingKind;
use notification::{EventKind, MessageStyle, WebhookFormat};
use request::RequestState;
use role::Role;
use status::ItemState;

read_from_text!(Category, Source, Stage, MeetingKind, Role, ItemState, RequestState);
read_from_text!(EventKind, WebhookFormat, MessageStyle);
