//! Reading submitted forms without ever rejecting them: every field arrives as typed (repeated
//! checkboxes included), so a bad value becomes a message on its field, not a bare 400.

use axum::extract::{FromRequest, Request};

use super::error::AppError;
use super::i18n::Catalog;
use crate::domain::input::FieldErrors;

/// Whether a checkbox's value says it is ticked: present and not "false".
pub fn checked(value: &str) -> bool {
    !matches!(value, "" | "false" | "0")
}

/// The fields of a `application/x-www-form-urlencoded` body, in order.
#[derive(Clone, Debug, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of `name` (checkbox groups, multi-selects).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// A checkbox (see [`checked`]).
    pub fn flag(&self, name: &str) -> bool {
        checked(&self.get(name))
    }

    /// The `version` a form was opened at; a missing or garbled one never matches.
    pub fn version(&self) -> i32 {
        self.get("version").trim().parse().unwrap_or(-1)
    }
}

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest)?;
        serde_urlencoded::from_bytes(&bytes)
            .map(Fields)
            .map_err(|_| AppError::BadRequest)
    }
}

/// Field problems turned into messages, for templates: `errors.get("title")`.
#[derive(Clone, Debug, Default)]
pub struct Messages(Vec<(&'static str, String)>);

impl Messages {
    pub fn new(errors: &FieldErrors, t: &Catalog) -> Messages {
        Messages(errors.0.iter().map(|(f, p)| (*f, t.problem(*p))).collect())
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
