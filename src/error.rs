//! The one error type of the application: actions, pages, the API and jobs return it, and
//! `web::error` turns it into a response (an error page in the site's layout, or a JSON body
//! under `/api`).

use axum::http::StatusCode;
use sqlx::error::{DatabaseError, ErrorKind};
use sqlx::postgres::PgDatabaseError;

use crate::domain::input::Problem;

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
    /// A statement broke a database constraint that no rule caught first: the field the
    /// constraint names and what is wrong with it. A taken value is a 409, the rest are 422.
    #[error("constraint violated: {field}")]
    Violated { field: String, problem: Problem },
    /// The same form is still being handled (sent twice, the first one has not finished).
    #[error("the form is still being handled")]
    StillRunning,
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
            AppError::Conflict(_) | AppError::InvalidState(_) | AppError::StillRunning => StatusCode::CONFLICT,
            AppError::Violated {
                problem: Problem::TakenName,
                ..
            } => StatusCode::CONFLICT,
            AppError::Violated { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => AppError::NotFound,
            e if database_unavailable(&e) => AppError::Unavailable,
            sqlx::Error::Database(d) => match violation(d.as_ref()) {
                Some((field, problem)) => AppError::Violated { field, problem },
                None => AppError::Internal(sqlx::Error::Database(d).into()),
            },
            other => AppError::Internal(other.into()),
        }
    }
}

/// What a broken unique, foreign-key, check or not-null constraint says about the input: the
/// field, and its problem (taken, not one of the choices, not accepted, required).
fn violation(d: &dyn DatabaseError) -> Option<(String, Problem)> {
    let problem = match d.kind() {
        ErrorKind::UniqueViolation => Problem::TakenName,
        ErrorKind::ForeignKeyViolation => Problem::UnknownChoice,
        ErrorKind::CheckViolation => Problem::NotAccepted,
        ErrorKind::NotNullViolation => Problem::Required,
        _ => return None,
    };
    let column = d.try_downcast_ref::<PgDatabaseError>().and_then(|p| p.column());
    let field = match (column, d.constraint()) {
        (Some(column), _) => column.to_string(),
        (None, Some(constraint)) => constraint_field(d.table().unwrap_or(""), constraint),
        (None, None) => String::new(),
    };
    Some((field, problem))
}

/// The field of a constraint named the way PostgreSQL names them (`units_code_key`,
/// `task_forces_name_check`, `checklist_items_unit_id_fkey` → `code`, `name`, `unit_id`); the
/// whole name when it does not follow that form.
fn constraint_field(table: &str, constraint: &str) -> String {
    let suffixes = ["_fkey", "_key", "_check", "_not_null"];
    constraint
        .strip_prefix(table)
        .and_then(|rest| rest.strip_prefix('_'))
        .and_then(|rest| suffixes.iter().find_map(|s| rest.strip_suffix(s)))
        .filter(|field| !field.is_empty())
        .unwrap_or(constraint)
        .to_string()
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

#[cfg(test)]
mod tests {
    use super::constraint_field;

    #[test]
    fn a_constraint_names_its_field_the_way_postgresql_names_constraints() {
        assert_eq!(constraint_field("units", "units_code_key"), "code");
        assert_eq!(constraint_field("task_forces", "task_forces_name_check"), "name");
        assert_eq!(
            constraint_field("checklist_items", "checklist_items_unit_id_fkey"),
            "unit_id"
        );
        assert_eq!(constraint_field("users", "users_display_name_not_null"), "display_name");
        // Names of another form, or of another table, are kept whole.
        assert_eq!(
            constraint_field("webhook_deliveries", "webhook_deliveries_once"),
            "webhook_deliveries_once"
        );
        assert_eq!(constraint_field("units", "projects_name_key"), "projects_name_key");
        assert_eq!(constraint_field("units", "units_key"), "units_key");
        assert_eq!(constraint_field("", "units_code_key"), "units_code_key");
    }
}
