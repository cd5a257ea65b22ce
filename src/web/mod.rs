//! The web application: state, middleware stack, pages.

pub mod account;
pub mod agenda;
pub mod assets;
pub mod attachments;
pub mod calendar;
pub mod ceiling;
pub mod charts;
pub mod checklist_from_template;
pub mod checklist_sheets;
pub mod checklist_table;
pub mod checklist_templates;
pub mod context;
pub mod dashboard;
pub mod error;
pub mod extract;
pub mod files;
pub mod flash;
pub mod form;
pub mod health;
pub mod history;
pub mod inbox;
pub mod investment;
pub mod item_forms;
pub mod items;
pub mod lang;
pub mod layout;
pub mod list_sheets;
pub mod login;
pub mod meetings;
pub mod middleware;
pub mod monthly;
pub mod notice_xlsx;
pub mod notices;
pub mod once;
pub mod portal;
pub mod project_forms;
pub mod project_history;
pub mod project_import;
pub mod projects;
pub mod public;
pub mod rankings;
pub mod redirect;
pub mod requests;
pub mod rows;
pub mod security_log;
pub mod settings;
pub mod since;
pub mod spreadsheet;
pub mod statement_xlsx;
pub mod supervision;
pub mod supervision_view;
pub mod todo;
pub mod units;
pub mod upload;
pub mod verifications;
pub mod webhooks;

use std::sync::Arc;

use sqlx::PgPool;

use crate::config::Config;
use crate::db::run_view::RunViews;

/// What handlers share. Small on purpose: the pool, the configuration read at start, and the
/// last recomputation's results as the county pages read them.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
    /// What the last recomputation left for the county pages.
    pub runs: Arc<RunViews>,
    /// The county's investment figures as of that run, for the dashboards.
    pub run_figures: Arc<crate::app::investment::RunFigures>,
    /// What the public disclosure pages show, and how often each address asked.
    pub public: Arc<public::PublicPages>,
    /// Each user's to-do list as last read, with the state of the data it was read in.
    pub todo: Arc<crate::app::todo::Kept>,
    /// What project pages and unit queues read, with the count of changes it was read after.
    pub pages: Arc<crate::app::kept::Pages>,
}

impl AppState {
    pub fn new(db: PgPool, config: Config) -> AppState {
        AppState {
            db,
            config: Arc::new(config),
            runs: Arc::default(),
            run_figures: Arc::default(),
            public: Arc::default(),
            todo: Arc::default(),
            pages: Arc::default(),
        }
    }
}

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "zb_session";

/// Largest request body accepted (forms and JSON; uploads have `upload::UPLOAD_BODY_LIMIT`).
pub const BODY_LIMIT: usize = 1024 * 1024;
