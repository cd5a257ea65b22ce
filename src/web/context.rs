//! Per-request context: who is asking (session or API token), in which language, with which
//! CSRF token; `web::middleware` fills it in.

use std::borrow::Cow;
use std::sync::Arc;

use sqlx::PgPool;
use tower_sessions::Expiry;
use uuid::Uuid;

use super::AppState;
use super::error::AppError;
use crate::auth::CurrentUser;
use crate::auth::policy::ProjectScope;
use crate::db::run_view::{RunView, VisibleProjects};
use crate::db::settings::{self, Settings};
use crate::db::standings;
use crate::db::users::Basis;
use crate::i18n::{Catalog, Lang};

/// Session keys.
pub const SESSION_USER: &str = "user_id";
pub const SESSION_LOGIN_AT: &str = "login_at";
pub const SESSION_CSRF: &str = "csrf";
/// The user's session epoch when the session was opened; a later epoch has ended it.
pub const SESSION_EPOCH: &str = "epoch";

#[derive(Clone, Debug)]
pub struct RequestContext {
    pub user: Option<CurrentUser>,
    pub lang: Lang,
    /// The session's form token; empty for API-token requests, which have no session.
    pub csrf_token: String,
    /// True when the caller authenticated with `Authorization: Bearer`.
    pub via_api_token: bool,
    /// Path and query of the request, for "come back here" links.
    pub path: String,
    /// The client's address (see [`client_address`]), for throttling and the security log.
    pub address: String,
    /// The signed-in user's unread notifications (the bell); 0 for API-token requests.
    pub unread: i64,
    /// How many things wait for the signed-in user (their to-do list), counted for pages.
    pub todo: i64,
    /// What the last form did, said on this page (GET pages only).
    pub flash: Option<crate::domain::done::Flash>,
    /// The settings and the live run, read with the user; `None` for anonymous requests.
    pub(super) basis: Option<Arc<Basis>>,
}

impl RequestContext {
    pub fn t(&self) -> &'static Catalog {
        self.lang.catalog()
    }

    /// The settings as the request started; read now for anonymous requests.
    pub async fn settings(&self, db: &PgPool) -> Result<Cow<'_, Settings>, sqlx::Error> {
        Ok(match &self.basis {
            Some(b) => Cow::Borrowed(&b.settings),
            None => Cow::Owned(settings::load(db).await?),
        })
    }

    /// The state of the data as the request started (see `app::todo::Kept`); `None` for
    /// anonymous requests.
    pub fn seen(&self) -> Option<&str> {
        self.basis.as_deref().map(|b| b.seen.as_str())
    }

    /// The live snapshot of the status engine as the request started (`None` before its first
    /// run); read now for anonymous requests.
    async fn live_snapshot(&self, db: &PgPool) -> Result<Option<Uuid>, sqlx::Error> {
        Ok(match &self.basis {
            Some(b) => b.live_snapshot,
            None => standings::current(db).await?.map(|s| s.id),
        })
    }

    /// The status engine's last run as the request started (see `db::run_view`); `None` before
    /// its first run.
    pub async fn run_view(&self, state: &AppState) -> Result<Option<Arc<RunView>>, sqlx::Error> {
        state
            .runs
            .current(&state.db, self.live_snapshot(&state.db).await?)
            .await
    }

    /// The projects `scope` allows, with their figures as of that run.
    pub async fn listed_projects(&self, state: &AppState, scope: ProjectScope) -> Result<VisibleProjects, sqlx::Error> {
        let live = self.live_snapshot(&state.db).await?;
        state.runs.projects(&state.db, live, scope).await
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for RequestContext {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<RequestContext>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("context middleware missing")))
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e[1..].to_string())
        .unwrap_or_default()
}

/// A signed-in session's expiry: `minutes` after its last write.
pub fn idle_expiry(minutes: i32) -> Expiry {
    Expiry::OnInactivity(tower_sessions::cookie::time::Duration::minutes(i64::from(minutes)))
}
