//! Reading submitted forms without ever rejecting them: every field arrives as typed (repeated
//! checkboxes included), so a bad value becomes a message on its field, not a bare 400.

use axum::extract::{FromRequest, Request};

use super::error::AppError;
use crate::domain::input::{self, FieldErrors};
use crate::i18n::Catalog;

/// Whether a checkbox's value says it is ticked (see [`input::ticked`]).
pub fn checked(value: &str) -> bool {
    input::ticked(value)
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
    /// The form read into `T` by field name: the first value of a repeated field, a missing one
    /// its default (checkboxes read with `input::checkbox`).
    pub fn read<T: serde::de::DeserializeOwned + Default>(&self) -> T {
        let mut seen = std::collections::HashSet::new();
        let first = self.0.iter().filter(|(k, _)| seen.insert(k.as_str()));
        let pairs = first.map(|(k, v)| (k.as_str(), v.as_str()));
        T::deserialize(serde::de::value::MapDeserializer::<_, serde::de::value::Error>::new(
            pairs,
        ))
        .unwrap_or_default()
    }

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

    /// Forms come as `application/x-www-form-urlencoded` only (JSON is the API's, under `/api`),
    /// in UTF-8: a byte sequence that is not would be stored as U+FFFD, so it is refused.
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let is_form = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::UnsupportedType);
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest)?;
        if !utf8_form(&bytes) {
            return Err(AppError::BadRequest);
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(Fields)
            .map_err(|_| AppError::BadRequest)
    }
}

/// Whether every name and value of an urlencoded body decodes to UTF-8.
fn utf8_form(body: &[u8]) -> bool {
    body.split(|b| *b == b'&')
        .flat_map(|pair| pair.splitn(2, |b| *b == b'='))
        .all(|part| percent_encoding::percent_decode(part).decode_utf8().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_body_must_decode_to_utf8() {
        assert!(utf8_form(b"title=%E7%94%A8%E5%9C%B0&note=a+b"));
        assert!(utf8_form("title=用地".as_bytes()), "raw UTF-8 too");
        assert!(utf8_form(b"title=%EF%BF%BD"), "a typed replacement character is text");
        assert!(!utf8_form(b"title=%E7%94"), "a cut character");
        assert!(!utf8_form(b"title=%FF"));
        assert!(!utf8_form(b"%C0%AF=x"), "names too");
        assert!(!utf8_form(b"title=\xff"));
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

/// A form adjusting what the rules compute (an item's exemption, a project's colour): its fields
/// as typed and each one's problem, said in the reader's language.
#[derive(Default)]
pub struct AdjustmentForm {
    /// The colour set (a project's colour only).
    pub colour: String,
    pub reason: String,
    pub until: String,
    pub colour_error: Option<String>,
    pub reason_error: Option<String>,
    pub until_error: Option<String>,
}

impl AdjustmentForm {
    pub fn typed(fields: &Fields) -> AdjustmentForm {
        AdjustmentForm {
            colour: fields.get("colour"),
            reason: fields.get("reason"),
            until: fields.get("until"),
            ..AdjustmentForm::default()
        }
    }

    /// The form as typed, with the problems of `errors` on their fields.
    pub fn refused(mut self, errors: &FieldErrors, t: &Catalog) -> AdjustmentForm {
        let message = |field| errors.get(field).map(|p| t.problem(p));
        (self.colour_error, self.reason_error, self.until_error) =
            (message("colour"), message("reason"), message("until"));
        self
    }

    /// Whether it came back with a problem (the page opens it).
    pub fn sent_back(&self) -> bool {
        self.colour_error.is_some() || self.reason_error.is_some() || self.until_error.is_some()
    }
}
