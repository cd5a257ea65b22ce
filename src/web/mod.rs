//! The web application: state, middleware stack, pages.

pub mod assets;
pub mod calendar;
pub mod charts;
pub mod context;
pub mod dashboard;
pub mod error;
pub mod extract;
pub mod form;
pub mod health;
pub mod history;
pub mod i18n;
pub mod inbox;
pub mod item_forms;
pub mod items;
pub mod lang;
pub mod layout;
pub mod login;
pub mod meetings;
pub mod notice_xlsx;
pub mod notices;
pub mod project_forms;
pub mod projects;
pub mod rankings;
pub mod redirect;
pub mod routes;
pub mod settings;
pub mod since;
pub mod supervision;
pub mod units;
pub mod webhooks;

use std::sync::Arc;

use sqlx::PgPool;

use crate::config::Config;

/// What handlers share. Small on purpose: the pool and the configuration read at start.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
}

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "zb_session";

/// Largest request body accepted (forms and JSON; attachments will get their own limit).
pub const BODY_LIMIT: usize = 1024 * 1024;
