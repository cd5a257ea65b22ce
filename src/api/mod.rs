//! The JSON API under `/api/v1`, with the same permissions as the pages, described by the
//! OpenAPI document at `/api/v1/openapi.json`.

pub mod attachments;
pub mod checklist_export;
pub mod checklist_import;
pub mod investment;
pub mod items;
pub mod meetings;
pub mod notifications;
pub mod project_import;
pub mod projects;
pub mod requests;
pub mod standings;
pub mod todo;
pub mod units;

use std::marker::PhantomData;
use std::sync::LazyLock;

use axum::Json;
use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::domain::input::FieldErrors;
use crate::domain::role::Role;
use crate::web::AppState;
use crate::web::context::RequestContext;
use crate::web::error::AppError;
use crate::web::upload::Upload;

/// What the document says besides its operations; the operations come from the routes.
#[derive(OpenApi)]
#[openapi(
    info(title = "Zhuanban API", description = "Project task forces (项目专班) for county key industrial projects."),
    components(schemas(ApiError)),
    modifiers(&Security),
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
    /// 409 on publishing a meeting's notice again: the notice it has.
    notice_id: Option<Uuid>,
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

/// The API's operations, each routed by its own annotation: its path and method are written once,
/// in `#[utoipa::path]`, and the document lists exactly what is served.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(todo::list))
        .routes(routes!(units::list))
        .routes(routes!(units::create))
        .routes(routes!(projects::list))
        .routes(routes!(projects::create))
        .routes(routes!(projects::show))
        .routes(routes!(projects::set_override, projects::lift_override))
        .routes(routes!(items::list))
        .routes(routes!(items::create))
        .routes(routes!(items::show))
        .routes(routes!(items::patch))
        .routes(routes!(items::close))
        .routes(routes!(items::reopen))
        .routes(routes!(items::post_update))
        .routes(routes!(items::submit))
        .routes(routes!(items::verify))
        .routes(routes!(items::send_back))
        .routes(routes!(items::exempt, items::lift_exemption))
        .routes(routes!(attachments::download))
        .routes(routes!(checklist_export::export_csv))
        .routes(routes!(checklist_export::export_xlsx))
        .routes(routes!(standings::rankings))
        .routes(routes!(standings::dashboard))
        .routes(routes!(meetings::create))
        .routes(routes!(meetings::show))
        .routes(routes!(meetings::decide))
        .routes(routes!(meetings::publish))
        .routes(routes!(meetings::notice))
        .routes(routes!(requests::list))
        .routes(routes!(requests::create))
        .routes(routes!(requests::show))
        .routes(routes!(requests::accept))
        .routes(routes!(requests::decline))
        .routes(routes!(requests::rate))
        .routes(routes!(notifications::inbox))
        .routes(routes!(notifications::create))
        .routes(routes!(notifications::deliveries))
        .routes(routes!(investment::put_plan))
        .routes(routes!(investment::report))
        .routes(routes!(investment::figures))
        .routes(routes!(investment::freeze))
        .routes(routes!(investment::statement))
}

/// The operations that take files, under the upload body limit.
pub fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(attachments::list))
        .routes(routes!(attachments::upload))
        .routes(routes!(checklist_import::import))
        .routes(routes!(project_import::import))
}

/// The OpenAPI document: [`ApiDoc`] with the operations of [`routes`] and [`upload_routes`], each
/// listing the errors it can answer.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(|| {
        let mut doc = ApiDoc::openapi();
        doc.merge(routes().into_openapi());
        doc.merge(upload_routes().into_openapi());
        Errors.modify(&mut doc);
        doc
    });
    &DOCUMENT
}

pub async fn openapi() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(document())
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
