//! How the application's error answers: the middleware turns it into an error page in the site's
//! layout, or a JSON body under `/api`.

use axum::response::{IntoResponse, Response};

use crate::domain::input::Problem;
use crate::error::database_unavailable;
pub use crate::error::{AppError, AppResult};

/// Attached to error responses so the middleware can render them; the body stays empty until then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Status,
    Csrf,
    StillRunning,
    /// A database constraint refused the input: the field and its problem, said in the caller's language.
    Violated {
        field: String,
        problem: Problem,
    },
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        // Errors of steps that return `anyhow` (a login, a job) carry the database's own.
        let unavailable = matches!(&self, AppError::Internal(e)
            if e.chain().filter_map(|c| c.downcast_ref::<sqlx::Error>()).any(database_unavailable));
        let error = if unavailable { AppError::Unavailable } else { self };
        match &error {
            AppError::Internal(e) => tracing::error!("internal error: {e:#}"),
            AppError::Unavailable => tracing::warn!("database unavailable"),
            _ => {}
        }
        let status = error.status();
        match error {
            AppError::Validation(fields) => {
                let message = fields
                    .iter()
                    .map(|(f, m)| format!("{f}: {m}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                let fields: serde_json::Map<String, serde_json::Value> =
                    fields.into_iter().map(|(f, m)| (f, m.into())).collect();
                let body = serde_json::json!({ "error": "validation", "message": message, "fields": fields });
                return (status, axum::Json(body)).into_response();
            }
            AppError::Conflict(current) => {
                let body = serde_json::json!({
                    "error": "conflict",
                    "message": "the version given is stale; nothing was changed",
                    "current": current,
                });
                return (status, axum::Json(body)).into_response();
            }
            AppError::InvalidState(message) => {
                let body = serde_json::json!({ "error": "invalid_state", "message": message });
                return (status, axum::Json(body)).into_response();
            }
            _ => {}
        }
        let kind = match error {
            AppError::Csrf => ErrorKind::Csrf,
            AppError::StillRunning => ErrorKind::StillRunning,
            AppError::Violated { field, problem } => ErrorKind::Violated { field, problem },
            _ => ErrorKind::Status,
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(kind);
        response
    }
}
