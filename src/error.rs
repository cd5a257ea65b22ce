//! The one error type of the application: actions, pages, the API and jobs return it, and
//! `web::error` turns it into a response (an error page in the site's layout, or a JSON body
//! under `/api`).

use axum::http::StatusCode;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("login required")]
    LoginRequired,
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("database unavailable")]
    Unavailable,
    #[error("bad request")]
    BadRequest,
    /// A body or an uploaded file past its limit.
    #[error("payload too large")]
    TooLarge,
    /// A body of a type the route does not take (a form route sent JSON).
    #[error("unsupported media type")]
    UnsupportedType,
    /// API only (pages re-render their forms): field → message.
    #[error("invalid input")]
    Validation(Vec<(String, String)>),
    /// API only (pages show the conflict page): the stale version changed nothing; here is the current state.
    #[error("edit conflict")]
    Conflict(serde_json::Value),
    /// API only: the object's state does not allow the change.
    #[error("not allowed in this state: {0}")]
    InvalidState(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::LoginRequired => StatusCode::UNAUTHORIZED,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) | AppError::InvalidState(_) => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => AppError::NotFound,
            e if database_unavailable(&e) => AppError::Unavailable,
            other => AppError::Internal(other.into()),
        }
    }
}

/// Whether an error says the database cannot be reached or went away (shut down or restarted
/// while a statement ran), rather than that a statement was wrong: the first is a 503.
pub(crate) fn database_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => true,
        // SQLSTATE class 08 (connection exception), 57P01–57P03 (shut down, crashed, starting),
        // 53300 (too many connections).
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57P") || c == "53300"),
        _ => false,
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        // The session store is the database: failing to reach it means the database is down.
        tracing::warn!("session store: {e}");
        AppError::Unavailable
    }
}

pub type AppResult<T> = Result<T, AppError>;
