//! The JSON API under `/api/v1`, with the same permissions as the pages, described by the
//! OpenAPI document at `/api/v1/openapi.json`.

pub mod attachments;
pub mod checklist_export;
pub mod checklist_import;
pub mod items;
pub mod meetings;
pub mod notifications;
pub mod project_import;
pub mod projects;
pub mod requests;
pub mod standings;
pub mod units;

use std::marker::PhantomData;

use axum::Json;
use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::domain::input::FieldErrors;
use crate::domain::role::Role;
use crate::web::context::RequestContext;
use crate::web::error::AppError;
use crate::web::upload::Upload;

#[derive(OpenApi)]
#[openapi(
    info(title = "Zhuanban API", description = "Project task forces (项目专班) for county key industrial projects."),
    paths(
        me,
        units::list,
        units::create,
        projects::list,
        projects::create,
        projects::show,
        items::list,
        items::create,
        items::show,
        items::patch,
        items::close,
        items::reopen,
        items::post_update,
        items::submit,
        items::verify,
        items::send_back,
        attachments::upload,
        attachments::list,
        attachments::download,
        checklist_import::import,
        project_import::import,
        checklist_export::export_csv,
        checklist_export::export_xlsx,
        standings::rankings,
        standings::dashboard,
        meetings::create,
        meetings::show,
        meetings::decide,
        meetings::publish,
        meetings::notice,
        requests::list,
        requests::create,
        requests::show,
        requests::accept,
        requests::decline,
        requests::rate,
        notifications::inbox,
        notifications::create,
        notifications::deliveries
    ),
    components(schemas(ApiError)),
    modifiers(&Security, &Errors),
    security(("bearer" = []), ("session" = []))
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::web::SESSION_COOKIE))),
        );
    }
}

/// Whole numbers as JSON Schema's `integer` takes them: `3`, and `3.0` too (serde takes only the
/// first), within the range of the field's type.
pub mod whole {
    use serde::{Deserialize, Deserializer, de::Error};

    fn number<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<T, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        n.as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
            .and_then(|i| T::try_from(i).ok())
            .ok_or_else(|| D::Error::custom(format!("{n} is not a whole number in range")))
    }

    pub fn int<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<T, D::Error> {
        number(d)
    }

    pub fn optional<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<Option<T>, D::Error> {
        Option::<serde_json::Number>::deserialize(d)?
            .map(|n| number(serde_json::Value::Number(n)).map_err(D::Error::custom))
            .transpose()
    }
}

/// An error answer (every status from 400): what went wrong in a word and in the caller's language.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the error bodies for the OpenAPI document only.
pub struct ApiError {
    /// The kind: `bad_request`, `login_required`, `forbidden`, `not_found`, `conflict`,
    /// `invalid_state`, `payload_too_large`, `unsupported_media_type`, `validation`...
    error: String,
    message: String,
    /// 422: the message for each field that is wrong, by the field's name.
    fields: Option<std::collections::HashMap<String, String>>,
    /// 409 on a stale version: the object as it is now (nothing was changed).
    current: Option<serde_json::Value>,
}

/// Every operation lists the errors it can answer, each with [`ApiError`]'s body: 401 and 403 for
/// all; 404 with an id in the path; 400 for a malformed body or query; 413, 415 and 422 for a
/// body; 409 for a change to one object (a stale version, or a state that does not allow it).
struct Errors;

impl Modify for Errors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        for (path, item) in openapi.paths.paths.iter_mut() {
            let with_id = path.contains('{');
            let operations = [
                (false, &mut item.get),
                (true, &mut item.post),
                (true, &mut item.patch),
                (true, &mut item.put),
                (true, &mut item.delete),
            ];
            for (changes, operation) in operations {
                let Some(op) = operation.as_mut() else { continue };
                let with_body = op.request_body.is_some();
                let with_query = op
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query));
                let statuses = [
                    ("400", with_body || with_query, "a malformed body or query parameter"),
                    ("401", true, "not signed in, or the token is unknown or revoked"),
                    ("403", true, "the caller's role or task force may not do this"),
                    ("404", with_id, "no such object, or none the caller may see"),
                    (
                        "409",
                        changes && with_id,
                        "the version given is stale (`current` holds the object as it is now), or its state does not allow this",
                    ),
                    ("413", with_body, "the body or file is past its limit"),
                    ("415", with_body, "the body is not of the type the operation takes"),
                    ("422", with_body, "fields are wrong: each is named in `fields`"),
                ];
                for (status, applies, description) in statuses {
                    if !applies {
                        continue;
                    }
                    let body = ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ApiError")))
                        .build();
                    match op.responses.responses.get_mut(status) {
                        Some(RefOr::T(r)) => {
                            if r.content.is_empty() {
                                r.content.insert("application/json".into(), body);
                            }
                            if r.description.is_empty() {
                                r.description = description.into();
                            }
                        }
                        Some(RefOr::Ref(_)) => {}
                        None => {
                            let r = ResponseBuilder::new()
                                .description(description)
                                .content("application/json", body)
                                .build();
                            op.responses.responses.insert(status.into(), RefOr::T(r));
                        }
                    }
                }
            }
        }
    }
}

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    id: Uuid,
    username: String,
    display_name: String,
    role: Role,
    unit: Option<String>,
}

/// The caller's own account.
#[utoipa::path(get, operation_id = "me", path = "/api/v1/me", responses((status = 200, body = Me), (status = 401, description = "not signed in")))]
pub async fn me(user: CurrentUser) -> Json<Me> {
    Json(Me {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        unit: user.unit_name,
    })
}

/// A JSON body that must be an object. Serde's derived structs also take an array of their fields
/// in order (`[null, null]`), which no operation's schema allows.
pub struct Object<T>(pub T);

/// The JSON body of an operation: `Json(Object(new)): Body<NewThing>`.
pub type Body<T> = Json<Object<T>>;

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Fields<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(Fields(PhantomData)).map(Object)
    }
}

/// Refuses an upload's text parts that the operation does not take, as an unknown JSON field is
/// (a session client's `csrf_token` is the CSRF check's).
pub fn known_parts(form: &Upload, known: &[&str], ctx: &RequestContext) -> Result<(), AppError> {
    let unknown: Vec<(String, String)> = form
        .fields
        .iter()
        .filter(|(name, _)| name != "csrf_token" && !known.contains(&name.as_str()))
        .map(|(name, _)| (name.clone(), ctx.t().api_unknown_field.to_string()))
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(unknown))
    }
}

/// A 422 naming each bad field, in the caller's language.
pub fn invalid(errors: &FieldErrors, ctx: &RequestContext) -> AppError {
    let t = ctx.t();
    AppError::Validation(errors.0.iter().map(|(f, p)| (f.to_string(), t.problem(*p))).collect())
}
